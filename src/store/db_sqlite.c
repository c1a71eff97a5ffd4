/* The SQLite driver: one writer connection whose write transactions take turns and commit
 * in batches (group commit, store/batch.h: one BEGIN IMMEDIATE ... COMMIT and one sync for
 * the writers waiting together, each in a savepoint of its own), pooled read-only
 * connections for reads; WAL lets them run while the writer commits. Migrations are applied
 * at open, each in its own transaction. */
#include "store/db.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* A batch of write transactions commits once it has this many writers, or once it has been
 * open this long, even when more are waiting: a slow writer holds the others up at most
 * until then (and its own request budget). */
#define LITE_BATCH_MAX 64
#define LITE_BATCH_MAX_MS 10

/* Triggers bumping the tenant's availability revision on every row written to table t. */
#define AVAIL_BUMP_SQL "UPDATE avail_revisions SET rev = rev + 1 WHERE tenant_id = "
#define AVAIL_BUMPS(t)                                                                         \
	"CREATE TRIGGER " t "_avail_ins AFTER INSERT ON " t " BEGIN " AVAIL_BUMP_SQL          \
	"NEW.tenant_id; END;"                                                                  \
	"CREATE TRIGGER " t "_avail_upd AFTER UPDATE ON " t " BEGIN " AVAIL_BUMP_SQL          \
	"NEW.tenant_id; END;"                                                                  \
	"CREATE TRIGGER " t "_avail_del AFTER DELETE ON " t " BEGIN " AVAIL_BUMP_SQL          \
	"OLD.tenant_id; END;"

/* Each entry is one migration, applied in order inside one transaction; PRAGMA user_version
 * records how many have run. Append only. */
static const char *const migrations[] = {
	"CREATE TABLE tenants ("
	"  id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE api_keys ("
	"  key_hash TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','staff','customer')),"
	"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE providers ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL,"
	"  name TEXT NOT NULL, timezone TEXT NOT NULL, email TEXT,"
	"  auto_confirm INTEGER NOT NULL DEFAULT 1, max_per_day INTEGER NOT NULL DEFAULT 0,"
	"  max_consecutive INTEGER NOT NULL DEFAULT 0, vacation INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE services ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL, name TEXT NOT NULL,"
	"  duration_min INTEGER NOT NULL CHECK (duration_min > 0), price TEXT, currency TEXT,"
	"  buffer_before_min INTEGER NOT NULL DEFAULT 0, buffer_after_min INTEGER NOT NULL DEFAULT 0,"
	"  step_min INTEGER NOT NULL DEFAULT 0, min_notice_min INTEGER NOT NULL DEFAULT 0,"
	"  max_advance_days INTEGER NOT NULL DEFAULT 0,"
	"  capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE service_providers ("
	"  tenant_id TEXT NOT NULL, service_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, service_id, provider_id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX service_providers_by_provider ON service_providers(tenant_id, provider_id);"
	"CREATE TABLE schedule_versions ("
	"  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  effective_from INTEGER, effective_until INTEGER, weekly TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, provider_id, seq),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE TABLE overrides ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  from_day INTEGER NOT NULL, to_day INTEGER NOT NULL CHECK (to_day >= from_day),"
	"  hours TEXT NOT NULL, note TEXT, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX overrides_by_provider ON overrides(tenant_id, provider_id, from_day);"
	"CREATE TABLE holidays ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL, name TEXT NOT NULL,"
	"  day INTEGER NOT NULL, yearly INTEGER NOT NULL DEFAULT 0,"
	"  all_providers INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE holiday_providers ("
	"  tenant_id TEXT NOT NULL, holiday_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, holiday_id, provider_id),"
	"  FOREIGN KEY (tenant_id, holiday_id) REFERENCES holidays(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX holiday_providers_by_provider ON holiday_providers(tenant_id, provider_id);"
	"CREATE TABLE time_off ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL CHECK (end_utc > start_utc),"
	"  reason TEXT, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX time_off_by_provider ON time_off(tenant_id, provider_id, start_utc);",

	/* 2: bookings, their history, idempotency keys. The triggers are the schema-level
	 * backstop against double booking; the application check runs first, in the same
	 * write transaction. A blocked interval lasts at most three days (duration and
	 * buffers of up to a day each), which bounds the probe. */
	"CREATE TABLE bookings ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, reference TEXT NOT NULL,"
	"  service_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL CHECK (end_utc > start_utc),"
	"  block_start INTEGER NOT NULL, block_end INTEGER NOT NULL,"
	"  capacity INTEGER NOT NULL DEFAULT 1,"
	"  status TEXT NOT NULL CHECK (status IN"
	"   ('pending','confirmed','declined','cancelled','completed','no_show')),"
	"  active INTEGER NOT NULL,"
	"  customer_name TEXT NOT NULL, customer_email TEXT NOT NULL, customer_phone TEXT,"
	"  notes TEXT, metadata TEXT, price TEXT, currency TEXT,"
	"  manage_token_hash TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, reference),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id)"
	") WITHOUT ROWID;"
	"CREATE INDEX bookings_active_by_provider ON bookings(tenant_id, provider_id, block_start,"
	"  block_end, service_id, start_utc) WHERE active = 1;"
	"CREATE INDEX bookings_by_start ON bookings(tenant_id, start_utc);"
	"CREATE TABLE booking_history ("
	"  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  at INTEGER NOT NULL, actor TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,"
	"  reason TEXT, PRIMARY KEY (tenant_id, booking_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE idempotency_keys ("
	"  tenant_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	"  status INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, key)) WITHOUT ROWID;"
	"CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);"
	"CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings WHEN NEW.active = 1"
	" BEGIN SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS ("
	"  SELECT 1 FROM bookings b WHERE b.tenant_id = NEW.tenant_id"
	"  AND b.provider_id = NEW.provider_id AND b.active = 1"
	"  AND b.block_start > NEW.block_start - 259200 AND b.block_start < NEW.block_end"
	"  AND b.block_end > NEW.block_start"
	"  AND NOT (NEW.capacity > 1 AND b.service_id = NEW.service_id"
	"   AND b.start_utc = NEW.start_utc))"
	" OR (NEW.capacity > 1 AND (SELECT count(*) FROM bookings b"
	"  WHERE b.tenant_id = NEW.tenant_id AND b.provider_id = NEW.provider_id"
	"  AND b.active = 1 AND b.service_id = NEW.service_id"
	"  AND b.start_utc = NEW.start_utc) >= NEW.capacity); END;"
	"CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF start_utc, block_start,"
	" block_end, active ON bookings WHEN NEW.active = 1"
	" BEGIN SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS ("
	"  SELECT 1 FROM bookings b WHERE b.tenant_id = NEW.tenant_id"
	"  AND b.provider_id = NEW.provider_id AND b.active = 1 AND b.id <> NEW.id"
	"  AND b.block_start > NEW.block_start - 259200 AND b.block_start < NEW.block_end"
	"  AND b.block_end > NEW.block_start"
	"  AND NOT (NEW.capacity > 1 AND b.service_id = NEW.service_id"
	"   AND b.start_utc = NEW.start_utc))"
	" OR (NEW.capacity > 1 AND (SELECT count(*) FROM bookings b"
	"  WHERE b.tenant_id = NEW.tenant_id AND b.provider_id = NEW.provider_id"
	"  AND b.active = 1 AND b.id <> NEW.id AND b.service_id = NEW.service_id"
	"  AND b.start_utc = NEW.start_utc) >= NEW.capacity); END;",

	/* 3: holds, policies, waitlist and the outbox. A hold lives while expires_at is in the
	 * future; consumed or released holds are deleted, expired ones purged lazily. */
	"CREATE TABLE holds ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, service_id TEXT NOT NULL,"
	"  provider_id TEXT NOT NULL, start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,"
	"  block_start INTEGER NOT NULL, block_end INTEGER NOT NULL,"
	"  owner TEXT NOT NULL, key_id TEXT, waitlist_id TEXT, expires_at INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX holds_by_provider ON holds(tenant_id, provider_id, block_start);"
	"CREATE INDEX holds_by_owner ON holds(tenant_id, owner, expires_at);"
	"CREATE INDEX holds_by_key ON holds(tenant_id, key_id, expires_at);"
	"CREATE INDEX holds_by_expiry ON holds(expires_at);"
	"CREATE TABLE tenant_policy ("
	"  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id), policy TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"ALTER TABLE services ADD COLUMN policy TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE services ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bookings ADD COLUMN policy TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE bookings ADD COLUMN reschedule_count INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bookings ADD COLUMN fee TEXT;"
	"ALTER TABLE bookings ADD COLUMN fee_reason TEXT;"
	"CREATE INDEX bookings_by_manage_token ON bookings(manage_token_hash);"
	"CREATE TABLE waitlist ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, service_id TEXT NOT NULL, provider_id TEXT,"
	"  customer_name TEXT NOT NULL, customer_email TEXT NOT NULL, customer_phone TEXT,"
	"  earliest_day INTEGER NOT NULL, latest_day INTEGER NOT NULL, weekdays INTEGER NOT NULL,"
	"  windows TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL CHECK (status IN ('waiting','offered','booked','expired')),"
	"  hold_id TEXT, offer_provider_id TEXT, offer_start INTEGER, offer_expires_at INTEGER,"
	"  offers INTEGER NOT NULL DEFAULT 0, booking_id TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX waitlist_by_status ON waitlist(tenant_id, status, priority, created_at);"
	"CREATE INDEX waitlist_offers_by_expiry ON waitlist(offer_expires_at) WHERE status = 'offered';"
	"CREATE TABLE outbox ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, type TEXT NOT NULL,"
	"  subject_id TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL,"
	"  delivered_at INTEGER);",

	/* 4: schedule entries; recurring overrides and holidays; multi-week templates. */
	"CREATE TABLE entries ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL, title TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL CHECK (end_utc > start_utc),"
	"  timezone TEXT NOT NULL, status TEXT NOT NULL, notes TEXT, work_type TEXT, work_id TEXT,"
	"  rrule TEXT, rule_start INTEGER, rule_last INTEGER, span_end INTEGER,"
	"  version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE entry_assignees ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, provider_id),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX entry_assignees_by_provider ON entry_assignees(tenant_id, provider_id);"
	"CREATE TABLE entry_exdates ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE TABLE entry_overrides ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start INTEGER NOT NULL,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL CHECK (end_utc > start_utc),"
	"  title TEXT NOT NULL, status TEXT NOT NULL, notes TEXT,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE TABLE entry_override_assignees ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start INTEGER NOT NULL,"
	"  provider_id TEXT NOT NULL, start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start, provider_id),"
	"  FOREIGN KEY (tenant_id, entry_id, original_start)"
	"    REFERENCES entry_overrides(tenant_id, entry_id, original_start) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX entry_override_assignees_by_provider"
	"  ON entry_override_assignees(tenant_id, provider_id, start_utc);"
	"ALTER TABLE overrides ADD COLUMN rrule TEXT;"
	"ALTER TABLE holidays ADD COLUMN rrule TEXT;"
	"ALTER TABLE holidays ADD COLUMN until_day INTEGER;"
	"UPDATE holidays SET rrule = 'FREQ=YEARLY;BYMONTH='"
	"  || CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) || ';BYMONTHDAY='"
	"  || CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) WHERE yearly = 1;"
	"ALTER TABLE schedule_versions ADD COLUMN anchor_day INTEGER;",

	/* 5: active one-to-one bookings of services that have seats now are seats (the
	 * service update does this since; rows from before it are brought in line). */
	"UPDATE bookings SET capacity = (SELECT s.capacity FROM services s"
	"  WHERE s.tenant_id = bookings.tenant_id AND s.id = bookings.service_id)"
	" WHERE active = 1 AND capacity = 1 AND (SELECT s.capacity FROM services s"
	"  WHERE s.tenant_id = bookings.tenant_id AND s.id = bookings.service_id) > 1;",

	/* 6: events with a sequence per tenant (the next after the tenant's last, taken under
	 * the write lock, so it follows commit order) in place of the outbox, with one index
	 * (an object's trail) so a write touches few pages; providers deleted with bookings as
	 * history stay as rows (deleted_at); API keys with ids, names, expiry, use and
	 * revocation, optionally limited to providers; idempotency keys scoped by the caller;
	 * waitlist entries remember the key that added them. */
	"CREATE TABLE events ("
	"  tenant_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,"
	"  subject_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_id TEXT NOT NULL,"
	"  actor_role TEXT, request_id TEXT, payload TEXT NOT NULL, changes TEXT,"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX events_by_subject ON events(tenant_id, subject_id, seq);"
	"INSERT INTO events(tenant_id, seq, id, type, subject_id, actor_type, actor_id, payload,"
	"  created_at) SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY seq),"
	"  'evt_' || printf('%020d', seq), type, subject_id, 'system', 'waitlist', payload,"
	"  created_at FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE providers ADD COLUMN deleted_at INTEGER;"
	"ALTER TABLE api_keys ADD COLUMN id TEXT;"
	"ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE api_keys ADD COLUMN scoped INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;"
	"ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;"
	"ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;"
	"UPDATE api_keys SET id = 'key_' || substr(key_hash, 1, 20), name = role || ' key';"
	"CREATE UNIQUE INDEX api_keys_by_id ON api_keys(id);"
	"CREATE INDEX api_keys_by_tenant ON api_keys(tenant_id, id);"
	"CREATE TABLE api_key_providers ("
	"  tenant_id TEXT NOT NULL, key_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, key_id, provider_id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE TABLE idempotency_keys_new ("
	"  tenant_id TEXT NOT NULL, caller TEXT NOT NULL, key TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, caller, key)) WITHOUT ROWID;"
	"INSERT INTO idempotency_keys_new SELECT tenant_id, '', key, fingerprint, status, body,"
	"  created_at FROM idempotency_keys;"
	"DROP TABLE idempotency_keys;"
	"ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;"
	"CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);"
	"ALTER TABLE waitlist ADD COLUMN key_id TEXT;"
	"CREATE INDEX waitlist_by_key ON waitlist(tenant_id, key_id, status);",

	/* 7: tenant settings: the per-key rate limit ("QUOTA/WINDOW"; NULL = the server's). */
	"ALTER TABLE tenant_policy ADD COLUMN rate_limit_key TEXT;",

	/* 8: notifications (src/notify/README.md): webhook endpoints; a queue row per event,
	 * written with it; deliveries with their attempts; reminders planned with bookings;
	 * tenants' message templates; reminder offsets per service and by default; the
	 * booking's and the tenant's locale; the key a tenant's manage links derive from. */
	"CREATE TABLE webhook_endpoints ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, url TEXT NOT NULL, event_types TEXT NOT NULL,"
	"  enabled INTEGER NOT NULL, description TEXT NOT NULL, secret TEXT NOT NULL,"
	"  previous_secret TEXT, previous_until INTEGER, failing_since INTEGER,"
	"  disabled_reason TEXT, version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE notify_queue ("
	"  id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, seq INTEGER NOT NULL);"
	"CREATE TABLE deliveries ("
	"  id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, event_seq INTEGER NOT NULL,"
	"  event_id TEXT NOT NULL, event_type TEXT NOT NULL, channel TEXT NOT NULL,"
	"  endpoint_id TEXT, recipient TEXT, recipient_role TEXT, status TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, lease_owner TEXT,"
	"  lease_until INTEGER, last_status INTEGER, last_error TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';"
	"CREATE INDEX deliveries_by_endpoint ON deliveries(tenant_id, endpoint_id, id);"
	"CREATE INDEX deliveries_by_event ON deliveries(tenant_id, event_id);"
	"CREATE TABLE delivery_attempts ("
	"  delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, tenant_id TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, status_code INTEGER,"
	"  response TEXT, error TEXT, PRIMARY KEY (delivery_id, attempt)) WITHOUT ROWID;"
	"CREATE TABLE reminders ("
	"  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL, offset_minutes INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL, sent_at INTEGER,"
	"  PRIMARY KEY (tenant_id, booking_id, offset_minutes)) WITHOUT ROWID;"
	"CREATE INDEX reminders_due ON reminders(due_at) WHERE sent_at IS NULL;"
	"CREATE TABLE message_templates ("
	"  tenant_id TEXT NOT NULL, event_type TEXT NOT NULL, locale TEXT NOT NULL,"
	"  subject TEXT NOT NULL, text_body TEXT NOT NULL, html_body TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, event_type, locale)) WITHOUT ROWID;"
	"ALTER TABLE services ADD COLUMN reminder_offsets TEXT;"
	"ALTER TABLE tenant_policy ADD COLUMN reminder_offsets TEXT;"
	"ALTER TABLE tenant_policy ADD COLUMN locale TEXT;"
	"ALTER TABLE bookings ADD COLUMN locale TEXT;"
	"ALTER TABLE tenants ADD COLUMN link_secret TEXT;",
	/* 9: the public booking page */
	("ALTER TABLE services ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE tenant_policy ADD COLUMN booking_page TEXT;"),
	/* 10: analytics and calendar feeds. A booking remembers when it reached its final
	 * status and the fee a waiver let go; booking_stats holds each provider's bookings of
	 * one UTC day, per service and currency (service_id '*': all of them), recomputed
	 * from the bookings in the transaction that changes one (src/store/sql_stats.c;
	 * stats_backfill lists the tenants whose older bookings it summarises at start-up);
	 * feeds are subscription URLs whose tokens are stored hashed. */
	("ALTER TABLE bookings ADD COLUMN closed_at INTEGER;"
	 "ALTER TABLE bookings ADD COLUMN fee_waived TEXT;"
	 "UPDATE bookings SET closed_at = (SELECT max(h.at) FROM booking_history h"
	 "  WHERE h.tenant_id = bookings.tenant_id AND h.booking_id = bookings.id)"
	 " WHERE active = 0;"
	 "CREATE INDEX bookings_by_provider_start ON bookings(tenant_id, provider_id, start_utc);"
	 "CREATE TABLE booking_stats ("
	 "  tenant_id TEXT NOT NULL, service_id TEXT NOT NULL, day INTEGER NOT NULL,"
	 "  provider_id TEXT NOT NULL, currency TEXT NOT NULL, bookings INTEGER NOT NULL,"
	 "  pending INTEGER NOT NULL, confirmed INTEGER NOT NULL, declined INTEGER NOT NULL,"
	 "  cancelled INTEGER NOT NULL, cancelled_late INTEGER NOT NULL,"
	 "  completed INTEGER NOT NULL, no_show INTEGER NOT NULL, reschedules INTEGER NOT NULL,"
	 "  booked_sec INTEGER NOT NULL, duration_sec INTEGER NOT NULL, lead TEXT NOT NULL,"
	 "  revenue INTEGER NOT NULL, fees INTEGER NOT NULL, waived INTEGER NOT NULL,"
	 "  decimals INTEGER NOT NULL,"
	 "  PRIMARY KEY (tenant_id, service_id, day, provider_id, currency)) WITHOUT ROWID;"
	 "CREATE INDEX booking_stats_by_provider ON booking_stats(tenant_id, provider_id, day);"
	 "CREATE TABLE stats_backfill (tenant_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	 "INSERT INTO stats_backfill SELECT DISTINCT tenant_id FROM bookings;"
	 "CREATE TABLE feeds ("
	 "  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL, provider_id TEXT,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('details','busy')), token_hash TEXT NOT NULL,"
	 "  name TEXT NOT NULL DEFAULT '', days_back INTEGER NOT NULL DEFAULT 30,"
	 "  days_ahead INTEGER NOT NULL DEFAULT 180, created_at INTEGER NOT NULL,"
	 "  last_used_at INTEGER, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	 "CREATE UNIQUE INDEX feeds_by_token ON feeds(token_hash);"
	 "CREATE INDEX feeds_by_provider ON feeds(tenant_id, provider_id);"),
	/* 11: external calendars: the calendars providers connect (secrets sealed), and the
	 * busy time read from them, one row per calendar and UTC day holding that day's
	 * intervals, so a week's slots read a handful of rows (src/store/sql_calendars.c). */
	("CREATE TABLE calendars ("
	 "  tenant_id TEXT NOT NULL, id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('ics','caldav')), name TEXT NOT NULL,"
	 "  url TEXT NOT NULL, url_box TEXT, username TEXT, password_box TEXT,"
	 "  write INTEGER NOT NULL DEFAULT 0, enabled INTEGER NOT NULL DEFAULT 1,"
	 "  interval_min INTEGER NOT NULL DEFAULT 5, etag TEXT, last_modified TEXT, ctag TEXT,"
	 "  busy_hash TEXT, events INTEGER NOT NULL DEFAULT 0,"
	 "  busy_count INTEGER NOT NULL DEFAULT 0, read_at INTEGER, last_synced_at INTEGER,"
	 "  last_attempt_at INTEGER, last_error TEXT, next_sync_at INTEGER NOT NULL,"
	 "  lease_owner TEXT, lease_until INTEGER, version INTEGER NOT NULL DEFAULT 1,"
	 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	 "  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	 "CREATE INDEX calendars_by_provider ON calendars(tenant_id, provider_id, id);"
	 "CREATE INDEX calendars_due ON calendars(next_sync_at) WHERE enabled = 1;"
	 "CREATE TABLE calendar_busy ("
	 "  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL, calendar_id TEXT NOT NULL,"
	 "  day INTEGER NOT NULL, spans TEXT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, provider_id, day, calendar_id)) WITHOUT ROWID;"
	 "CREATE INDEX calendar_busy_by_calendar ON calendar_busy(tenant_id, calendar_id);"),
	/* 12: domain details. Provider profiles; a service's location and its per-provider
	 * price and duration; a booking's internal notes, completion notes and location;
	 * holiday types; in-place edits keep updated_at; customer feedback (and its sums in
	 * the analytics summary); attachments stored in chunks so neither an upload nor a
	 * download holds a file whole; the tenant's business hours, their overrides and the
	 * providers exempt from them. */
	("ALTER TABLE providers ADD COLUMN bio TEXT;"
	 "ALTER TABLE providers ADD COLUMN specialties TEXT;"
	 "ALTER TABLE providers ADD COLUMN photo_url TEXT;"
	 "ALTER TABLE providers ADD COLUMN languages TEXT;"
	 "ALTER TABLE providers ADD COLUMN locale TEXT;"
	 "ALTER TABLE providers ADD COLUMN video_url TEXT;"
	 "ALTER TABLE services ADD COLUMN location TEXT;"
	 "ALTER TABLE service_providers ADD COLUMN duration_min INTEGER;"
	 "ALTER TABLE service_providers ADD COLUMN price TEXT;"
	 "ALTER TABLE bookings ADD COLUMN internal_notes TEXT;"
	 "ALTER TABLE bookings ADD COLUMN completion_notes TEXT;"
	 "ALTER TABLE bookings ADD COLUMN location TEXT;"
	 "ALTER TABLE holidays ADD COLUMN type TEXT NOT NULL DEFAULT 'public';"
	 "ALTER TABLE holidays ADD COLUMN updated_at INTEGER;"
	 "ALTER TABLE overrides ADD COLUMN updated_at INTEGER;"
	 "ALTER TABLE time_off ADD COLUMN updated_at INTEGER;"
	 "ALTER TABLE waitlist ADD COLUMN notes TEXT;"
	 "ALTER TABLE booking_stats ADD COLUMN ratings INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE booking_stats ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0;"
	 "CREATE TABLE booking_feedback ("
	 "  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL,"
	 "  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), comment TEXT,"
	 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	 "  PRIMARY KEY (tenant_id, booking_id)) WITHOUT ROWID;"
	 "CREATE TABLE attachments ("
	 "  tenant_id TEXT NOT NULL, id TEXT NOT NULL, booking_id TEXT NOT NULL,"
	 "  filename TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,"
	 "  sha256 TEXT NOT NULL, chunks INTEGER NOT NULL, actor TEXT,"
	 "  created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	 "CREATE INDEX attachments_by_booking ON attachments(tenant_id, booking_id, created_at);"
	 "CREATE TABLE attachment_chunks ("
	 "  tenant_id TEXT NOT NULL, attachment_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	 "  data BLOB NOT NULL, PRIMARY KEY (tenant_id, attachment_id, seq));"
	 "CREATE TABLE business_hours ("
	 "  tenant_id TEXT PRIMARY KEY, timezone TEXT NOT NULL,"
	 "  version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	 "CREATE TABLE business_hours_versions ("
	 "  tenant_id TEXT NOT NULL, seq INTEGER NOT NULL, effective_from INTEGER,"
	 "  effective_until INTEGER, weekly TEXT NOT NULL, anchor_day INTEGER,"
	 "  PRIMARY KEY (tenant_id, seq)) WITHOUT ROWID;"
	 "CREATE TABLE business_hours_exempt ("
	 "  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, provider_id),"
	 "  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE business_overrides ("
	 "  tenant_id TEXT NOT NULL, id TEXT NOT NULL,"
	 "  from_day INTEGER NOT NULL, to_day INTEGER NOT NULL CHECK (to_day >= from_day),"
	 "  hours TEXT NOT NULL, rrule TEXT, note TEXT, created_at INTEGER NOT NULL,"
	 "  updated_at INTEGER, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"),
	/* 13: people who sign in to the console: users (e-mail unique in the tenant, a staff
	 * user optionally limited to one provider; only an Argon2id hash of the password) and
	 * their server-side sessions (only the hash of the cookie's token). */
	("CREATE TABLE users ("
	 "  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL,"
	 "  email TEXT NOT NULL, name TEXT NOT NULL,"
	 "  role TEXT NOT NULL CHECK (role IN ('admin','staff')), provider_id TEXT,"
	 "  password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
	 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_login_at INTEGER,"
	 "  PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, email)) WITHOUT ROWID;"
	 "CREATE TABLE sessions ("
	 "  token_hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,"
	 "  user_id TEXT NOT NULL, csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL,"
	 "  last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	 "  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE"
	 ") WITHOUT ROWID;"
	 "CREATE INDEX sessions_by_user ON sessions(tenant_id, user_id);"),
	/* 14: the availability revision (store/avail_cache.h): a row per tenant, bumped by
	 * every write of a table that opens or closes a provider's time, in its transaction. */
	("CREATE TABLE avail_revisions ("
	 "  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,"
	 "  rev INTEGER NOT NULL) WITHOUT ROWID;"
	 "INSERT INTO avail_revisions(tenant_id, rev) SELECT id, 1 FROM tenants;"
	 AVAIL_BUMPS("providers")
	 AVAIL_BUMPS("schedule_versions")
	 AVAIL_BUMPS("overrides")
	 AVAIL_BUMPS("holidays")
	 AVAIL_BUMPS("holiday_providers")
	 AVAIL_BUMPS("time_off")
	 AVAIL_BUMPS("entries")
	 AVAIL_BUMPS("entry_assignees")
	 AVAIL_BUMPS("entry_exdates")
	 AVAIL_BUMPS("entry_overrides")
	 AVAIL_BUMPS("entry_override_assignees")
	 AVAIL_BUMPS("business_hours")
	 AVAIL_BUMPS("business_hours_versions")
	 AVAIL_BUMPS("business_hours_exempt")
	 AVAIL_BUMPS("business_overrides")),
};


static int lite_open(struct conn *c, const char *path, bool readonly, struct err *e)
{
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	memset(c, 0, sizeof(*c));
	c->kind = DB_SQLITE;
	rc = sqlite3_open_v2(path, &c->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_STORE_BUSY, "cannot open database %s: %s", path,
			c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(c->db, 5000);
	sqlite3_extended_result_codes(c->db, 1);
	if (!readonly && (conn_exec(c, "PRAGMA journal_mode=WAL", e) ||
			  conn_exec(c, "PRAGMA synchronous=FULL", e)))
		goto fail;
	if (conn_exec(c, "PRAGMA foreign_keys=ON", e))
		goto fail;
	return 0;
fail:
	conn_close(c);
	return -1;
}

/* Each migration runs in its own BEGIN IMMEDIATE transaction, which also reads the version:
 * processes opening a new file at once take turns, and the later ones find it done. */
static int migrate(struct store *st, struct err *e)
{
	const size_t n = sizeof(migrations) / sizeof(migrations[0]);
	struct conn *c = &st->writer;

	for (;;) {
		struct stmt *s;
		char pragma[64];
		int version, rc;

		if (conn_exec(c, "BEGIN IMMEDIATE", e))
			return -1;
		if (!(s = conn_prep(c, "PRAGMA user_version", e)))
			goto fail;
		if ((rc = db_step(s)) != DB_ROW) {
			sql_fail(c, rc, "read schema version", e);
			goto fail;
		}
		version = db_col_int(s, 0);
		db_reset(s);
		if (version > (int)n) {
			err_set(e, ERR_INVALID,
				"database schema version %d is newer than this slotd knows", version);
			goto fail;
		}
		if (version == (int)n)
			return conn_exec(c, "COMMIT", e);
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", version + 1);
		if (conn_exec(c, migrations[version], e) || conn_exec(c, pragma, e) ||
		    conn_exec(c, "COMMIT", e))
			goto fail;
	}
fail:
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Group commit (store/batch.h) on the writer connection. */
static int gc_begin(void *arg, struct err *e)
{
	return conn_exec(arg, "BEGIN IMMEDIATE", e);
}

static int gc_mark(void *arg, struct err *e)
{
	return conn_exec(arg, "SAVEPOINT batch_member", e);
}

static int gc_keep(void *arg, struct err *e)
{
	return conn_exec(arg, "RELEASE batch_member", e);
}

static int gc_undo(void *arg, struct err *e)
{
	return conn_exec(arg, "ROLLBACK TO batch_member", e) ||
	       conn_exec(arg, "RELEASE batch_member", e) ? -1 : 0;
}

static int gc_commit(void *arg, struct err *e)
{
	return conn_exec(arg, "COMMIT", e);
}

static bool gc_open(void *arg)
{
	struct conn *c = arg;

	return !sqlite3_get_autocommit(c->db);
}

/* After a failed step or COMMIT SQLite may already have rolled back. */
static void gc_rollback(void *arg)
{
	struct conn *c = arg;

	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static const struct batch_ops gc_ops = {gc_begin, gc_mark, gc_keep, gc_undo, gc_commit,
					gc_rollback, gc_open};

int store_open_sqlite(struct store *st, const char *path, struct err *e)
{
	const char *gc = getenv("SLOTD_GROUP_COMMIT");

	if (!*path)
		return err_set(e, ERR_INVALID, "database URL sqlite: needs a file path");
	st->kind = DB_SQLITE;
	st->target = xstrdup(path);
	batch_init(&st->batch, &gc_ops, &st->writer, LITE_BATCH_MAX, LITE_BATCH_MAX_MS * 1000000LL);
	batch_set_on(&st->batch, !(gc && !strcmp(gc, "off")));
	if (lite_open(&st->writer, path, false, e) || migrate(st, e))
		return -1;
	return 0;
}

void store_group_commit(struct store *st, bool on)
{
	if (st->kind == DB_SQLITE)
		batch_set_on(&st->batch, on);
}

void lite_store_close(struct store *st)
{
	size_t i;

	for (i = 0; i < st->nidle; i++) {
		conn_close(st->idle[i]);
		free(st->idle[i]);
	}
	if (st->writer.db) {
		sqlite3_exec(st->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		conn_close(&st->writer);
	}
	batch_destroy(&st->batch);
}

struct conn *lite_conn_get(struct store *st, struct err *e)
{
	struct conn *c = NULL;

	pthread_mutex_lock(&st->pool_lock);
	if (st->nidle)
		c = st->idle[--st->nidle];
	pthread_mutex_unlock(&st->pool_lock);
	if (c)
		return c;
	c = xmalloc(sizeof(*c));
	if (lite_open(c, st->target, true, e)) {
		free(c);
		return NULL;
	}
	return c;
}

void lite_conn_put(struct store *st, struct conn *c)
{
	pthread_mutex_lock(&st->pool_lock);
	if (st->nidle < STORE_MAX_CONNS) {
		st->idle[st->nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&st->pool_lock);
	if (c) {
		conn_close(c);
		free(c);
	}
}

struct conn *lite_tx_begin(struct store *st, struct err *e)
{
	return batch_enter(&st->batch, e) ? NULL : &st->writer;
}

int lite_tx_end(struct store *st, struct conn *c, bool ok, struct err *e)
{
	(void)c;
	return batch_leave(&st->batch, ok, e);
}
