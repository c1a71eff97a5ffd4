/* The PostgreSQL driver (libpq): a pool of connections per process, statements prepared on
 * the server once per connection, SQLSTATEs turned into store failures, and the schema.
 * Several slotd processes may share one database: write transactions of a tenant take its
 * advisory lock (so the checks they make hold until COMMIT, as with SQLite's single writer);
 * a booking of one named provider takes it shared with that provider's lock, so
 * such writes for distinct providers run side by side (pg_tx_begin). An exclusion
 * constraint on bookings is the backstop against double booking. */
#include "store/db.h"
#include "store/sql_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/mem.h"

/* The advisory lock key of migrations; tenant write locks use the two-key form. */
#define LOCK_MIGRATIONS 0x736c6f74LL

/* Applied in order, each in its own transaction; slotd_schema records how many have run.
 * Append only. Version 1 is the schema SQLite reaches after its fourth migration, with
 * BIGINT for SQLite's INTEGER, an exclusion constraint where SQLite has triggers, an
 * identity column for the outbox sequence, and ids compared bytewise (COLLATE "C") as SQLite
 * does, so lists page in the same order. */
/* The trigger bumping the tenant's availability revision on every row written to t. */
#define AVAIL_BUMPS(t)                                                                         \
	"CREATE TRIGGER " t "_avail AFTER INSERT OR UPDATE OR DELETE ON " t                    \
	" FOR EACH ROW EXECUTE PROCEDURE avail_bump();"

static const char *const migrations[] = {
	"CREATE EXTENSION IF NOT EXISTS btree_gist;"
	"CREATE TABLE tenants ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE api_keys ("
	"  key_hash TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','staff','customer')),"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE providers ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL,"
	"  name TEXT NOT NULL, timezone TEXT NOT NULL, email TEXT,"
	"  auto_confirm BIGINT NOT NULL DEFAULT 1, max_per_day BIGINT NOT NULL DEFAULT 0,"
	"  max_consecutive BIGINT NOT NULL DEFAULT 0, vacation BIGINT NOT NULL DEFAULT 0,"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, id));"
	"CREATE TABLE services ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL, name TEXT NOT NULL,"
	"  duration_min BIGINT NOT NULL CHECK (duration_min > 0), price TEXT, currency TEXT,"
	"  buffer_before_min BIGINT NOT NULL DEFAULT 0, buffer_after_min BIGINT NOT NULL DEFAULT 0,"
	"  step_min BIGINT NOT NULL DEFAULT 0, min_notice_min BIGINT NOT NULL DEFAULT 0,"
	"  max_advance_days BIGINT NOT NULL DEFAULT 0,"
	"  capacity BIGINT NOT NULL DEFAULT 1 CHECK (capacity >= 1),"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
	"  policy TEXT NOT NULL DEFAULT '', requires_approval BIGINT NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (tenant_id, id));"
	"CREATE TABLE service_providers ("
	"  tenant_id TEXT NOT NULL, service_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, service_id, provider_id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX service_providers_by_provider ON service_providers(tenant_id, provider_id);"
	"CREATE TABLE schedule_versions ("
	"  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL, seq BIGINT NOT NULL,"
	"  effective_from BIGINT, effective_until BIGINT, weekly TEXT NOT NULL, anchor_day BIGINT,"
	"  PRIMARY KEY (tenant_id, provider_id, seq),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE TABLE overrides ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, provider_id TEXT NOT NULL,"
	"  from_day BIGINT NOT NULL, to_day BIGINT NOT NULL CHECK (to_day >= from_day),"
	"  hours TEXT NOT NULL, note TEXT, created_at BIGINT NOT NULL, rrule TEXT,"
	"  PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX overrides_by_provider ON overrides(tenant_id, provider_id, from_day);"
	"CREATE TABLE holidays ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL, name TEXT NOT NULL,"
	"  day BIGINT NOT NULL, yearly BIGINT NOT NULL DEFAULT 0,"
	"  all_providers BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL,"
	"  rrule TEXT, until_day BIGINT,"
	"  PRIMARY KEY (tenant_id, id));"
	"CREATE TABLE holiday_providers ("
	"  tenant_id TEXT NOT NULL, holiday_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, holiday_id, provider_id),"
	"  FOREIGN KEY (tenant_id, holiday_id) REFERENCES holidays(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX holiday_providers_by_provider ON holiday_providers(tenant_id, provider_id);"
	"CREATE TABLE time_off ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, provider_id TEXT NOT NULL,"
	"  start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL CHECK (end_utc > start_utc),"
	"  reason TEXT, created_at BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX time_off_by_provider ON time_off(tenant_id, provider_id, start_utc);"
	/* Two active bookings of a provider may not overlap in blocked time, unless both are
	 * seats of one group session (same service and start, capacity above 1): slot_group
	 * is equal exactly then. The seat count itself is checked under the tenant lock. */
	"CREATE TABLE bookings ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, reference TEXT NOT NULL,"
	"  service_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL CHECK (end_utc > start_utc),"
	"  block_start BIGINT NOT NULL, block_end BIGINT NOT NULL,"
	"  capacity BIGINT NOT NULL DEFAULT 1,"
	"  status TEXT NOT NULL CHECK (status IN"
	"   ('pending','confirmed','declined','cancelled','completed','no_show')),"
	"  active BIGINT NOT NULL,"
	"  customer_name TEXT NOT NULL, customer_email TEXT NOT NULL, customer_phone TEXT,"
	"  notes TEXT, metadata TEXT, price TEXT, currency TEXT,"
	"  manage_token_hash TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 1,"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
	"  policy TEXT NOT NULL DEFAULT '', reschedule_count BIGINT NOT NULL DEFAULT 0,"
	"  fee TEXT, fee_reason TEXT,"
	"  slot_group TEXT GENERATED ALWAYS AS (CASE WHEN capacity > 1"
	"   THEN service_id || '@' || start_utc::text ELSE id END) STORED,"
	"  PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, reference),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id),"
	"  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (tenant_id WITH =,"
	"   provider_id WITH =, tstzrange(to_timestamp(block_start), to_timestamp(block_end),"
	"   '[)') WITH &&, slot_group WITH <>) WHERE (active = 1));"
	"CREATE INDEX bookings_active_by_provider ON bookings(tenant_id, provider_id, block_start,"
	"  block_end, service_id, start_utc) WHERE active = 1;"
	"CREATE INDEX bookings_by_start ON bookings(tenant_id, start_utc);"
	"CREATE INDEX bookings_by_manage_token ON bookings(manage_token_hash);"
	"CREATE TABLE booking_history ("
	"  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL, seq BIGINT NOT NULL,"
	"  at BIGINT NOT NULL, actor TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,"
	"  reason TEXT, PRIMARY KEY (tenant_id, booking_id, seq));"
	"CREATE TABLE idempotency_keys ("
	"  tenant_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	"  status BIGINT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, key));"
	"CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);"
	"CREATE TABLE holds ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, service_id TEXT NOT NULL,"
	"  provider_id TEXT NOT NULL, start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL,"
	"  block_start BIGINT NOT NULL, block_end BIGINT NOT NULL,"
	"  owner TEXT NOT NULL, key_id TEXT, waitlist_id TEXT, expires_at BIGINT NOT NULL,"
	"  created_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX holds_by_provider ON holds(tenant_id, provider_id, block_start);"
	"CREATE INDEX holds_by_owner ON holds(tenant_id, owner, expires_at);"
	"CREATE INDEX holds_by_key ON holds(tenant_id, key_id, expires_at);"
	"CREATE INDEX holds_by_expiry ON holds(expires_at);"
	"CREATE TABLE tenant_policy ("
	"  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id), policy TEXT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	"CREATE TABLE waitlist ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, service_id TEXT NOT NULL, provider_id TEXT,"
	"  customer_name TEXT NOT NULL, customer_email TEXT NOT NULL, customer_phone TEXT,"
	"  earliest_day BIGINT NOT NULL, latest_day BIGINT NOT NULL, weekdays BIGINT NOT NULL,"
	"  windows TEXT NOT NULL, priority BIGINT NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL CHECK (status IN ('waiting','offered','booked','expired')),"
	"  hold_id TEXT, offer_provider_id TEXT, offer_start BIGINT, offer_expires_at BIGINT,"
	"  offers BIGINT NOT NULL DEFAULT 0, booking_id TEXT,"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, id),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX waitlist_by_status ON waitlist(tenant_id, status, priority, created_at);"
	"CREATE INDEX waitlist_offers_by_expiry ON waitlist(offer_expires_at) WHERE status = 'offered';"
	"CREATE TABLE outbox ("
	"  seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, tenant_id TEXT NOT NULL,"
	"  type TEXT NOT NULL, subject_id TEXT NOT NULL, payload TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL, delivered_at BIGINT);"
	"CREATE INDEX outbox_by_tenant ON outbox(tenant_id, seq);"
	"CREATE TABLE entries ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL, title TEXT NOT NULL,"
	"  start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL CHECK (end_utc > start_utc),"
	"  timezone TEXT NOT NULL, status TEXT NOT NULL, notes TEXT, work_type TEXT, work_id TEXT,"
	"  rrule TEXT, rule_start BIGINT, rule_last BIGINT, span_end BIGINT,"
	"  version BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, id));"
	"CREATE TABLE entry_assignees ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, provider_id),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX entry_assignees_by_provider ON entry_assignees(tenant_id, provider_id);"
	"CREATE TABLE entry_exdates ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE);"
	"CREATE TABLE entry_overrides ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start BIGINT NOT NULL,"
	"  start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL CHECK (end_utc > start_utc),"
	"  title TEXT NOT NULL, status TEXT NOT NULL, notes TEXT,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start),"
	"  FOREIGN KEY (tenant_id, entry_id) REFERENCES entries(tenant_id, id) ON DELETE CASCADE);"
	"CREATE TABLE entry_override_assignees ("
	"  tenant_id TEXT NOT NULL, entry_id TEXT NOT NULL, original_start BIGINT NOT NULL,"
	"  provider_id TEXT NOT NULL, start_utc BIGINT NOT NULL, end_utc BIGINT NOT NULL,"
	"  PRIMARY KEY (tenant_id, entry_id, original_start, provider_id),"
	"  FOREIGN KEY (tenant_id, entry_id, original_start)"
	"    REFERENCES entry_overrides(tenant_id, entry_id, original_start) ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"CREATE INDEX entry_override_assignees_by_provider"
	"  ON entry_override_assignees(tenant_id, provider_id, start_utc);",

	/* 2: active one-to-one bookings of services that have seats now are seats (the
	 * service update does this since; rows from before it are brought in line). */
	"UPDATE bookings SET capacity = (SELECT s.capacity FROM services s"
	"  WHERE s.tenant_id = bookings.tenant_id AND s.id = bookings.service_id)"
	" WHERE active = 1 AND capacity = 1 AND (SELECT s.capacity FROM services s"
	"  WHERE s.tenant_id = bookings.tenant_id AND s.id = bookings.service_id) > 1;",

	/* 3: as SQLite's sixth: events with a sequence per tenant in place of the outbox,
	 * providers kept as rows when deleted with history, API key management, idempotency
	 * keys by caller, the key behind a waitlist entry. */
	"CREATE TABLE events ("
	"  tenant_id TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,"
	"  subject_id TEXT NOT NULL, actor_type TEXT NOT NULL, actor_id TEXT NOT NULL,"
	"  actor_role TEXT, request_id TEXT, payload TEXT NOT NULL, changes TEXT,"
	"  created_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, seq));"
	"CREATE INDEX events_by_subject ON events(tenant_id, subject_id, seq);"
	"INSERT INTO events(tenant_id, seq, id, type, subject_id, actor_type, actor_id, payload,"
	"  created_at) SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY seq),"
	"  'evt_' || lpad(seq::text, 20, '0'), type, subject_id, 'system', 'waitlist', payload,"
	"  created_at FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE providers ADD COLUMN deleted_at BIGINT;"
	"ALTER TABLE api_keys ADD COLUMN id TEXT COLLATE \"C\", ADD COLUMN name TEXT NOT NULL"
	"  DEFAULT '', ADD COLUMN scoped BIGINT NOT NULL DEFAULT 0, ADD COLUMN expires_at BIGINT,"
	"  ADD COLUMN last_used_at BIGINT, ADD COLUMN revoked_at BIGINT;"
	"UPDATE api_keys SET id = 'key_' || substr(key_hash, 1, 20), name = role || ' key';"
	"CREATE UNIQUE INDEX api_keys_by_id ON api_keys(id);"
	"CREATE INDEX api_keys_by_tenant ON api_keys(tenant_id, id);"
	"CREATE TABLE api_key_providers ("
	"  tenant_id TEXT NOT NULL, key_id TEXT NOT NULL, provider_id TEXT COLLATE \"C\" NOT NULL,"
	"  PRIMARY KEY (tenant_id, key_id, provider_id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE);"
	"ALTER TABLE idempotency_keys ADD COLUMN caller TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;"
	"ALTER TABLE idempotency_keys ADD PRIMARY KEY (tenant_id, caller, key);"
	"ALTER TABLE waitlist ADD COLUMN key_id TEXT;"
	"CREATE INDEX waitlist_by_key ON waitlist(tenant_id, key_id, status);",

	/* 4: as SQLite's seventh: the tenant's per-key rate limit. */
	"ALTER TABLE tenant_policy ADD COLUMN rate_limit_key TEXT;",

	/* 5: as SQLite's eighth: notifications. */
	"CREATE TABLE webhook_endpoints ("
	"  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, url TEXT NOT NULL,"
	"  event_types TEXT NOT NULL, enabled BIGINT NOT NULL, description TEXT NOT NULL,"
	"  secret TEXT NOT NULL, previous_secret TEXT, previous_until BIGINT,"
	"  failing_since BIGINT, disabled_reason TEXT, version BIGINT NOT NULL DEFAULT 1,"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, id));"
	"CREATE TABLE notify_queue ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, tenant_id TEXT NOT NULL,"
	"  seq BIGINT NOT NULL);"
	"CREATE TABLE deliveries ("
	"  id TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL,"
	"  event_seq BIGINT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,"
	"  channel TEXT NOT NULL, endpoint_id TEXT, recipient TEXT, recipient_role TEXT,"
	"  status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT,"
	"  lease_owner TEXT, lease_until BIGINT, last_status BIGINT, last_error TEXT,"
	"  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	"CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';"
	"CREATE INDEX deliveries_by_endpoint ON deliveries(tenant_id, endpoint_id, id);"
	"CREATE INDEX deliveries_by_event ON deliveries(tenant_id, event_id);"
	"CREATE TABLE delivery_attempts ("
	"  delivery_id TEXT NOT NULL, attempt BIGINT NOT NULL, tenant_id TEXT NOT NULL,"
	"  started_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL, status_code BIGINT,"
	"  response TEXT, error TEXT, PRIMARY KEY (delivery_id, attempt));"
	"CREATE TABLE reminders ("
	"  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL, offset_minutes BIGINT NOT NULL,"
	"  due_at BIGINT NOT NULL, sent_at BIGINT,"
	"  PRIMARY KEY (tenant_id, booking_id, offset_minutes));"
	"CREATE INDEX reminders_due ON reminders(due_at) WHERE sent_at IS NULL;"
	"CREATE TABLE message_templates ("
	"  tenant_id TEXT NOT NULL, event_type TEXT NOT NULL, locale TEXT NOT NULL,"
	"  subject TEXT NOT NULL, text_body TEXT NOT NULL, html_body TEXT NOT NULL,"
	"  updated_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, event_type, locale));"
	"ALTER TABLE services ADD COLUMN reminder_offsets TEXT;"
	"ALTER TABLE tenant_policy ADD COLUMN reminder_offsets TEXT, ADD COLUMN locale TEXT;"
	"ALTER TABLE bookings ADD COLUMN locale TEXT;"
	"ALTER TABLE tenants ADD COLUMN link_secret TEXT;",
	/* 6: the public booking page */
	("ALTER TABLE services ADD COLUMN is_public BIGINT NOT NULL DEFAULT 0;"
	 "ALTER TABLE tenant_policy ADD COLUMN booking_page TEXT;"),
	/* 7: as SQLite's tenth: analytics and calendar feeds. */
	("ALTER TABLE bookings ADD COLUMN closed_at BIGINT, ADD COLUMN fee_waived TEXT;"
	 "UPDATE bookings SET closed_at = (SELECT max(h.at) FROM booking_history h"
	 "  WHERE h.tenant_id = bookings.tenant_id AND h.booking_id = bookings.id)"
	 " WHERE active = 0;"
	 "CREATE INDEX bookings_by_provider_start ON bookings(tenant_id, provider_id, start_utc);"
	 "CREATE TABLE booking_stats ("
	 "  tenant_id TEXT NOT NULL, service_id TEXT COLLATE \"C\" NOT NULL, day BIGINT NOT NULL,"
	 "  provider_id TEXT COLLATE \"C\" NOT NULL, currency TEXT NOT NULL,"
	 "  bookings BIGINT NOT NULL, pending BIGINT NOT NULL, confirmed BIGINT NOT NULL,"
	 "  declined BIGINT NOT NULL, cancelled BIGINT NOT NULL, cancelled_late BIGINT NOT NULL,"
	 "  completed BIGINT NOT NULL, no_show BIGINT NOT NULL, reschedules BIGINT NOT NULL,"
	 "  booked_sec BIGINT NOT NULL, duration_sec BIGINT NOT NULL, lead TEXT NOT NULL,"
	 "  revenue BIGINT NOT NULL, fees BIGINT NOT NULL, waived BIGINT NOT NULL,"
	 "  decimals BIGINT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, service_id, day, provider_id, currency));"
	 "CREATE INDEX booking_stats_by_provider ON booking_stats(tenant_id, provider_id, day);"
	 /* Analytics reads a quarter of the table's rows for a year: from this index alone
	  * (an index-only scan) instead of a scan of the whole table. */
	 "CREATE INDEX booking_stats_read ON booking_stats(tenant_id, service_id, day)"
	 "  INCLUDE (provider_id, currency, bookings, pending, confirmed, declined, cancelled,"
	 "  cancelled_late, completed, no_show, reschedules, booked_sec, duration_sec, lead,"
	 "  revenue, fees, waived, decimals);"
	 "CREATE TABLE stats_backfill (tenant_id TEXT PRIMARY KEY);"
	 "INSERT INTO stats_backfill SELECT DISTINCT tenant_id FROM bookings;"
	 "CREATE TABLE feeds ("
	 "  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL,"
	 "  provider_id TEXT, kind TEXT NOT NULL CHECK (kind IN ('details','busy')),"
	 "  token_hash TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
	 "  days_back BIGINT NOT NULL DEFAULT 30, days_ahead BIGINT NOT NULL DEFAULT 180,"
	 "  created_at BIGINT NOT NULL, last_used_at BIGINT, PRIMARY KEY (tenant_id, id));"
	 "CREATE UNIQUE INDEX feeds_by_token ON feeds(token_hash);"
	 "CREATE INDEX feeds_by_provider ON feeds(tenant_id, provider_id);"),
	/* 8: as SQLite's eleventh: external calendars and their busy time. */
	("CREATE TABLE calendars ("
	 "  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, provider_id TEXT NOT NULL,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('ics','caldav')), name TEXT NOT NULL,"
	 "  url TEXT NOT NULL, url_box TEXT, username TEXT, password_box TEXT,"
	 "  write BIGINT NOT NULL DEFAULT 0, enabled BIGINT NOT NULL DEFAULT 1,"
	 "  interval_min BIGINT NOT NULL DEFAULT 5, etag TEXT, last_modified TEXT, ctag TEXT,"
	 "  busy_hash TEXT, events BIGINT NOT NULL DEFAULT 0,"
	 "  busy_count BIGINT NOT NULL DEFAULT 0, read_at BIGINT, last_synced_at BIGINT,"
	 "  last_attempt_at BIGINT, last_error TEXT, next_sync_at BIGINT NOT NULL,"
	 "  lease_owner TEXT, lease_until BIGINT, version BIGINT NOT NULL DEFAULT 1,"
	 "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, id));"
	 "CREATE INDEX calendars_by_provider ON calendars(tenant_id, provider_id, id);"
	 "CREATE INDEX calendars_due ON calendars(next_sync_at) WHERE enabled = 1;"
	 "CREATE TABLE calendar_busy ("
	 "  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL, calendar_id TEXT NOT NULL,"
	 "  day BIGINT NOT NULL, spans TEXT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, provider_id, day, calendar_id));"
	 "CREATE INDEX calendar_busy_by_calendar ON calendar_busy(tenant_id, calendar_id);"),
	/* 9: as SQLite's twelfth: domain details. */
	("ALTER TABLE providers ADD COLUMN bio TEXT;"
	 "ALTER TABLE providers ADD COLUMN specialties TEXT;"
	 "ALTER TABLE providers ADD COLUMN photo_url TEXT;"
	 "ALTER TABLE providers ADD COLUMN languages TEXT;"
	 "ALTER TABLE providers ADD COLUMN locale TEXT;"
	 "ALTER TABLE providers ADD COLUMN video_url TEXT;"
	 "ALTER TABLE services ADD COLUMN location TEXT;"
	 "ALTER TABLE service_providers ADD COLUMN duration_min BIGINT;"
	 "ALTER TABLE service_providers ADD COLUMN price TEXT;"
	 "ALTER TABLE bookings ADD COLUMN internal_notes TEXT;"
	 "ALTER TABLE bookings ADD COLUMN completion_notes TEXT;"
	 "ALTER TABLE bookings ADD COLUMN location TEXT;"
	 "ALTER TABLE holidays ADD COLUMN type TEXT NOT NULL DEFAULT 'public';"
	 "ALTER TABLE holidays ADD COLUMN updated_at BIGINT;"
	 "ALTER TABLE overrides ADD COLUMN updated_at BIGINT;"
	 "ALTER TABLE time_off ADD COLUMN updated_at BIGINT;"
	 "ALTER TABLE waitlist ADD COLUMN notes TEXT;"
	 "ALTER TABLE booking_stats ADD COLUMN ratings BIGINT NOT NULL DEFAULT 0;"
	 "ALTER TABLE booking_stats ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;"
	 "CREATE TABLE booking_feedback ("
	 "  tenant_id TEXT NOT NULL, booking_id TEXT NOT NULL,"
	 "  rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5), comment TEXT,"
	 "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, booking_id));"
	 "CREATE TABLE attachments ("
	 "  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL, booking_id TEXT NOT NULL,"
	 "  filename TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL,"
	 "  sha256 TEXT NOT NULL, chunks BIGINT NOT NULL, actor TEXT,"
	 "  created_at BIGINT NOT NULL, PRIMARY KEY (tenant_id, id));"
	 "CREATE INDEX attachments_by_booking ON attachments(tenant_id, booking_id, created_at);"
	 "CREATE TABLE attachment_chunks ("
	 "  tenant_id TEXT NOT NULL, attachment_id TEXT NOT NULL, seq BIGINT NOT NULL,"
	 "  data BYTEA NOT NULL, PRIMARY KEY (tenant_id, attachment_id, seq));"
	 "CREATE TABLE business_hours ("
	 "  tenant_id TEXT PRIMARY KEY, timezone TEXT NOT NULL,"
	 "  version BIGINT NOT NULL DEFAULT 1, updated_at BIGINT NOT NULL);"
	 "CREATE TABLE business_hours_versions ("
	 "  tenant_id TEXT NOT NULL, seq BIGINT NOT NULL, effective_from BIGINT,"
	 "  effective_until BIGINT, weekly TEXT NOT NULL, anchor_day BIGINT,"
	 "  PRIMARY KEY (tenant_id, seq));"
	 "CREATE TABLE business_hours_exempt ("
	 "  tenant_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	 "  PRIMARY KEY (tenant_id, provider_id),"
	 "  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id) ON DELETE CASCADE"
	 ");"
	 "CREATE TABLE business_overrides ("
	 "  tenant_id TEXT NOT NULL, id TEXT COLLATE \"C\" NOT NULL,"
	 "  from_day BIGINT NOT NULL, to_day BIGINT NOT NULL CHECK (to_day >= from_day),"
	 "  hours TEXT NOT NULL, rrule TEXT, note TEXT, created_at BIGINT NOT NULL,"
	 "  updated_at BIGINT, PRIMARY KEY (tenant_id, id));"),
	/* Console users and their sessions (SQLite's thirteenth). */
	("CREATE TABLE users ("
	 "  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT COLLATE \"C\" NOT NULL,"
	 "  email TEXT NOT NULL, name TEXT NOT NULL,"
	 "  role TEXT NOT NULL CHECK (role IN ('admin','staff')),"
	 "  provider_id TEXT COLLATE \"C\", password_hash TEXT NOT NULL,"
	 "  disabled BIGINT NOT NULL DEFAULT 0,"
	 "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, last_login_at BIGINT,"
	 "  PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, email));"
	 "CREATE TABLE sessions ("
	 "  token_hash TEXT PRIMARY KEY, id TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	 "  tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, csrf_token TEXT NOT NULL,"
	 "  created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
	 "  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE);"
	 "CREATE INDEX sessions_by_user ON sessions(tenant_id, user_id);"),
	/* The availability revision (SQLite's fourteenth): one function, a row trigger per
	 * table that opens or closes a provider's time. */
	("CREATE TABLE avail_revisions ("
	 "  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,"
	 "  rev BIGINT NOT NULL);"
	 "INSERT INTO avail_revisions(tenant_id, rev) SELECT id, 1 FROM tenants;"
	 "CREATE FUNCTION avail_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP = 'DELETE' THEN"
	 "  UPDATE avail_revisions SET rev = rev + 1 WHERE tenant_id = OLD.tenant_id;"
	 " ELSE"
	 "  UPDATE avail_revisions SET rev = rev + 1 WHERE tenant_id = NEW.tenant_id;"
	 " END IF; RETURN NULL; END $$;"
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

int pg_result_fail(struct conn *c, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
	enum db_fail f = DBF_OTHER;

	if (PQstatus(c->pg) != CONNECTION_OK)
		f = DBF_UNAVAILABLE;
	else if (!state)
		f = DBF_OTHER;
	else if (!strcmp(state, "23P01"))	/* exclusion_violation: bookings_no_overlap */
		f = DBF_SLOT_TAKEN;
	else if (!strncmp(state, "23", 2))	/* unique, foreign key, check, not null */
		f = DBF_CONSTRAINT;
	else if (!strncmp(state, "22", 2))	/* data exception: text that is not UTF-8, … */
		f = DBF_DATA;
	else if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
		f = DBF_RETRY;
	else if (!strcmp(state, "53100"))	/* disk_full */
		f = DBF_FULL;
	else if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		f = DBF_UNAVAILABLE;		/* connection exception, shutdown, recovery */
	else if (!strncmp(state, "53", 2) || !strcmp(state, "55P03") || !strcmp(state, "57014"))
		f = DBF_BUSY;			/* out of resources, lock timeout, canceled */
	return db_fail_set(c, f, msg);
}

void pg_deallocate(struct conn *c, const char *name)
{
	char sql[40];

	snprintf(sql, sizeof(sql), "DEALLOCATE %s", name);
	PQclear(PQexec(c->pg, sql));
}

/* The server-side statement for s with the parameter types now bound, prepared when new. */
static int pg_variant(struct stmt *s, const char *sig)
{
	struct conn *c = s->c;
	Oid types[DB_MAX_PARAMS];
	PGresult *r;
	int i, v;

	for (v = 0; v < s->nvar; v++) {
		if (!strcmp(s->var[v].sig, sig)) {
			s->cur = v;
			return 0;
		}
	}
	if (s->nvar < DB_VARIANTS) {
		v = s->nvar++;
	} else {
		/* Rare: a query run with more NULL patterns than we keep. */
		v = (s->cur + 1) % DB_VARIANTS;
		if (s->var[v].name[0])
			pg_deallocate(c, s->var[v].name);
	}
	for (i = 0; i < s->nparams; i++)
		types[i] = s->type[i];
	snprintf(s->var[v].name, sizeof(s->var[v].name), "s%u", ++c->nprepared);
	r = PQprepare(c->pg, s->var[v].name, s->pgsql, s->nparams, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_result_fail(c, r);
		PQclear(r);
		/* The slot holds no statement now. */
		s->var[v].name[0] = '\0';
		s->var[v].sig[0] = '\x01';
		return DB_ERROR;
	}
	PQclear(r);
	snprintf(s->var[v].sig, sizeof(s->var[v].sig), "%s", sig);
	s->cur = v;
	return 0;
}

int pg_step(struct stmt *s)
{
	struct conn *c = s->c;

	if (!s->ran) {
		char sig[DB_MAX_PARAMS + 1];
		int i;

		for (i = 0; i < s->nparams; i++)
			sig[i] = s->type[i] == 20   ? 'i'
				 : s->type[i] == 25 ? 't'
				 : s->type[i] == 17 ? 'b'
						    : 'n';
		sig[s->nparams] = '\0';
		if (pg_variant(s, sig))
			return DB_ERROR;
		s->res = PQexecPrepared(c->pg, s->var[s->cur].name, s->nparams, s->val, s->len,
					s->fmt, 0);
		s->ran = true;
		s->row = -1;
		s->nrows = 0;
		switch (PQresultStatus(s->res)) {
		case PGRES_TUPLES_OK:
			s->nrows = PQntuples(s->res);
			/* fall through */
		case PGRES_COMMAND_OK:
			c->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
			break;
		default:
			return pg_result_fail(c, s->res);
		}
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	s->row = s->nrows;
	return DB_DONE;
}

/* COPY ... FROM STDIN on c: begin (sql must be a COPY FROM STDIN), send rows in the text
 * format, end (the server checks them then: a failure is reported like a failed step). */
int pg_copy_begin(struct conn *c, const char *sql, struct err *e)
{
	PGresult *r = PQexec(c->pg, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		pg_result_fail(c, r);
		rc = sql_fail(c, DB_ERROR, "copy", e);
	}
	PQclear(r);
	return rc;
}

int pg_copy_put(struct conn *c, const char *buf, size_t len, struct err *e)
{
	if (PQputCopyData(c->pg, buf, (int)len) == 1)
		return 0;
	pg_result_fail(c, NULL);
	return sql_fail(c, DB_ERROR, "copy rows", e);
}

int pg_copy_end(struct conn *c, int64_t *rows, struct err *e)
{
	PGresult *r;
	int rc = 0;

	if (PQputCopyEnd(c->pg, NULL) != 1) {
		pg_result_fail(c, NULL);
		return sql_fail(c, DB_ERROR, "copy rows", e);
	}
	while ((r = PQgetResult(c->pg))) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			*rows = strtoll(PQcmdTuples(r), NULL, 10);
		} else if (!rc) {
			pg_result_fail(c, r);
			rc = sql_fail(c, DB_ERROR, "copy rows", e);
		}
		PQclear(r);
	}
	return rc;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static struct conn *pg_open(struct store *st, struct err *e)
{
	/* The URL comes last so that its own settings win over these defaults. */
	const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"5", "slotd", st->target, NULL};
	struct conn *c = xcalloc(1, sizeof(*c));

	c->kind = DB_PG;
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(st->last_error, sizeof(st->last_error), "%s", PQerrorMessage(c->pg));
		st->last_error[strcspn(st->last_error, "\n")] = '\0';
		log_msg(LOG_WARN, "database: cannot connect: %s", st->last_error);
		err_set(e, ERR_STORE_BUSY, "database unavailable: cannot connect");
		PQfinish(c->pg);
		free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pg, quiet, NULL);	/* "already exists, skipping" and the like */
	return c;
}

/* One connection fewer is open: a waiting request may open one. */
static void pool_slot_free(struct store *st)
{
	pthread_mutex_lock(&st->pool_lock);
	st->nopen--;
	pthread_cond_signal(&st->pool_cond);
	pthread_mutex_unlock(&st->pool_lock);
}

static void pg_discard(struct store *st, struct conn *c)
{
	conn_close(c);
	free(c);
	pool_slot_free(st);
}

struct conn *pg_conn_get(struct store *st, struct err *e)
{
	struct conn *c = NULL, *stale = NULL;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&st->pool_lock);
	for (;;) {
		if (st->nidle) {
			c = st->idle[--st->nidle];
			if (c->generation == st->generation)
				break;
			/* Opened before a connection was found lost: the server may have restarted
			 * since, so it is not trusted. */
			stale = c;
			c = NULL;
			st->nopen--;
			pthread_mutex_unlock(&st->pool_lock);
			conn_close(stale);
			free(stale);
			pthread_mutex_lock(&st->pool_lock);
			continue;
		}
		if (st->nopen < STORE_MAX_CONNS) {
			unsigned gen = st->generation;
			st->nopen++;
			pthread_mutex_unlock(&st->pool_lock);
			c = pg_open(st, e);
			if (!c) {
				pool_slot_free(st);
				return NULL;
			}
			c->generation = gen;
			return c;
		}
		if (pthread_cond_timedwait(&st->pool_cond, &st->pool_lock, &until) == ETIMEDOUT) {
			pthread_mutex_unlock(&st->pool_lock);
			err_set(e, ERR_STORE_BUSY, "all database connections are busy");
			return NULL;
		}
	}
	pthread_mutex_unlock(&st->pool_lock);
	return c;
}

void pg_conn_put(struct store *st, struct conn *c)
{
	if (!c)
		return;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		pthread_mutex_lock(&st->pool_lock);
		st->generation++;
		pthread_mutex_unlock(&st->pool_lock);
		pg_discard(st, c);
		return;
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		PGresult *r = PQexec(c->pg, "ROLLBACK");
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			pg_discard(st, c);
			return;
		}
	}
	c->fail = DBF_NONE;
	pthread_mutex_lock(&st->pool_lock);
	st->idle[st->nidle++] = c;
	pthread_cond_signal(&st->pool_cond);
	pthread_mutex_unlock(&st->pool_lock);
}

int pg_read_begin(struct conn *c, struct err *e)
{
	return conn_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e);
}

/* Write locks, all transaction-scoped, in the two-key form (class, hash), always taken in
 * this order: the tenant's (exclusive for every write but those below); for a booking of
 * one named provider (store_begin_for) the tenant's shared and that provider's exclusive at
 * BEGIN, then at COMMIT the tenant's event lock, exclusive, which orders their seq as their
 * commits (pg_event_defer). Writes holding the tenant's lock exclusive need no event lock:
 * no such booking runs beside them. A hash collision only makes two writers wait for each
 * other. */
#define LOCK_TENANT 1936486260
#define LOCK_PROVIDER 1936486261
#define LOCK_EVENTS 1936486262
#define STR_(x) #x
#define STR(x) STR_(x)

/* BEGIN and the locks of a write transaction in one round trip: one simple query of two
 * statements, the ids as quoted literals. 0, or -1 with e set. */
static int pg_begin_locked(struct conn *c, const char *tenant, const char *provider_id,
			   struct err *e)
{
	char *t = PQescapeLiteral(c->pg, tenant, strlen(tenant)), *key = NULL, *sql;
	size_t n;
	int rc;

	if (!t) {
		pg_result_fail(c, NULL);
		return sql_fail(c, DB_ERROR, "lock tenant", e);
	}
	if (provider_id) {
		size_t tl = strlen(tenant), pl = strlen(provider_id);
		char *both = xmalloc(tl + pl + 2);
		memcpy(both, tenant, tl);
		both[tl] = '/';
		memcpy(both + tl + 1, provider_id, pl + 1);
		key = PQescapeLiteral(c->pg, both, tl + pl + 1);
		free(both);
		if (!key) {
			PQfreemem(t);
			pg_result_fail(c, NULL);
			return sql_fail(c, DB_ERROR, "lock provider", e);
		}
	}
	n = strlen(t) + (key ? strlen(key) : 0) + 200;
	sql = xmalloc(n);
	if (key)
		snprintf(sql, n,
			 "BEGIN; SELECT pg_advisory_xact_lock_shared(" STR(LOCK_TENANT)
			 ", hashtext(%s)), pg_advisory_xact_lock(" STR(LOCK_PROVIDER)
			 ", hashtext(%s))",
			 t, key);
	else
		snprintf(sql, n, "BEGIN; SELECT pg_advisory_xact_lock(" STR(LOCK_TENANT)
			 ", hashtext(%s))", t);
	rc = conn_exec(c, sql, e);
	free(sql);
	PQfreemem(t);
	PQfreemem(key);
	return rc;
}

struct conn *pg_tx_begin(struct store *st, const char *tenant, const char *provider_id,
			 struct err *e)
{
	int attempt;

	/* A pooled connection may have lost its server since it was last used; nothing has
	 * happened yet, so a second, fresh connection is tried once. */
	for (attempt = 0; attempt < 2; attempt++) {
		struct conn *c = pg_conn_get(st, e);

		if (!c)
			return NULL;
		if (pg_begin_locked(c, tenant ? tenant : "", provider_id, e) == 0)
			return c;
		bool lost = PQstatus(c->pg) != CONNECTION_OK;
		pg_conn_put(st, c);
		if (!lost || attempt == 1)
			return NULL;
		err_init(e);
	}
	return NULL;
}

/* A write of one provider (tx->shared) appends its events at COMMIT: one simple query takes
 * the tenant's event lock, inserts the events with their queue rows, and commits, so the
 * lock that orders seq as the commits is held for one round trip and the commit. The
 * statements are kept, with the values as quoted literals, in tx->pending. */
int pg_event_defer(struct store_tx *tx, const char *const v[9], int64_t created_at,
		   struct err *e)
{
	struct conn *c = tx->c;
	char *lit[10], *t, *stmt;
	size_t n, used, i;
	int rc = 0;

	t = PQescapeLiteral(c->pg, tx->tenant, strlen(tx->tenant));
	n = (t ? 2 * strlen(t) : 0) + 400;
	for (i = 0; i < 9; i++) {
		lit[i] = v[i] ? PQescapeLiteral(c->pg, v[i], strlen(v[i])) : NULL;
		if (v[i] && !lit[i])
			rc = -1;
		n += lit[i] ? strlen(lit[i]) + 2 : 6;
	}
	if (!t || rc) {
		pg_result_fail(c, NULL);
		rc = sql_fail(c, DB_ERROR, "add event", e);
		goto out;
	}
	stmt = xmalloc(n);
	used = (size_t)snprintf(stmt, n,
				"WITH ev AS (INSERT INTO events(tenant_id, " EVENT_COLS ") SELECT %s,"
				" coalesce(max(seq), 0) + 1",
				t);
	for (i = 0; i < 9; i++)
		used += (size_t)snprintf(stmt + used, n - used, ", %s", lit[i] ? lit[i] : "NULL");
	snprintf(stmt + used, n - used,
		 ", %lld FROM events WHERE tenant_id = %s RETURNING seq)"
		 " INSERT INTO notify_queue(tenant_id, seq) SELECT %s, seq FROM ev;",
		 (long long)created_at, t, t);
	n = strlen(stmt);
	used = tx->pending ? strlen(tx->pending) : 0;
	tx->pending = xrealloc(tx->pending, used + n + 1);
	memcpy(tx->pending + used, stmt, n + 1);
	free(stmt);
out:
	for (i = 0; i < 9; i++)
		PQfreemem(lit[i]);
	PQfreemem(t);
	return rc;
}

/* The deferred events and COMMIT (pg_event_defer): 0, or -1 with e set. */
static int pg_commit_events(struct conn *c, struct err *e)
{
	char *t = PQescapeLiteral(c->pg, c->tx.tenant, strlen(c->tx.tenant)), *sql;
	size_t n;
	PGresult *r;
	int rc = 0;

	if (!t) {
		pg_result_fail(c, NULL);
		return sql_fail(c, DB_ERROR, "add events", e);
	}
	n = strlen(c->tx.pending) + strlen(t) + 100;
	sql = xmalloc(n);
	snprintf(sql, n, "SELECT pg_advisory_xact_lock(" STR(LOCK_EVENTS) ", hashtext(%s)); %sCOMMIT",
		 t, c->tx.pending);
	PQfreemem(t);
	r = PQexec(c->pg, sql);
	free(sql);
	/* A failed statement ends the query there: the last result is its error. */
	if (PQresultStatus(r) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		pg_result_fail(c, r);
		rc = sql_fail(c, DB_ERROR, "add events", e);
	}
	PQclear(r);
	return rc;
}

int pg_tx_end(struct store *st, struct conn *c, bool ok, struct err *e)
{
	int rc = 0;

	/* COMMIT of a transaction a failed statement aborted answers success and rolls back:
	 * that must not pass for a commit. */
	if (ok && PQtransactionStatus(c->pg) == PQTRANS_INERROR)
		rc = err_set(e, ERR_INTERNAL, "a statement of the transaction failed: %s", c->msg);
	else if (ok && c->tx.pending)
		rc = pg_commit_events(c, e);
	else if (ok && conn_exec(c, "COMMIT", e))
		rc = -1;
	free(c->tx.pending);
	c->tx.pending = NULL;
	pg_conn_put(st, c);	/* rolls back what is still open */
	return rc;
}

/* Every missing migration runs in one transaction that first takes the migration lock (a
 * transaction-scoped one, which also holds through a pooler in transaction mode): processes
 * starting together take turns, and the later ones find the work done. */
static int pg_migrate(struct conn *c, struct err *e)
{
	char sql[128];
	struct stmt *s;
	int64_t version;
	size_t i, n = sizeof(migrations) / sizeof(migrations[0]);
	int rc;

	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)", LOCK_MIGRATIONS);
	if (conn_exec(c, "BEGIN", e) || conn_exec(c, sql, e) ||
	    conn_exec(c, "CREATE TABLE IF NOT EXISTS slotd_schema (version BIGINT NOT NULL)", e))
		goto fail;
	if (!(s = conn_prep(c, "SELECT coalesce(max(version), 0) FROM slotd_schema", e)))
		goto fail;
	if ((rc = db_step(s)) != DB_ROW) {
		sql_fail(c, rc, "read schema version", e);
		goto fail;
	}
	version = db_col_i64(s, 0);
	db_reset(s);
	if (version > (int64_t)n) {
		err_set(e, ERR_INVALID, "database schema version %lld is newer than this slotd knows",
			(long long)version);
		goto fail;
	}
	for (i = (size_t)version; i < n; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO slotd_schema(version) VALUES (%zu)", i + 1);
		if (conn_exec(c, migrations[i], e) || conn_exec(c, sql, e))
			goto fail;
	}
	return conn_exec(c, "COMMIT", e);
fail:
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return -1;
}

int store_open_pg(struct store *st, const char *url, struct err *e)
{
	struct conn *c;
	int rc;

	st->kind = DB_PG;
	st->target = xstrdup(url);
	c = pg_conn_get(st, e);
	if (!c) {
		err_init(e);
		return err_set(e, ERR_STORE_BUSY, "cannot connect to PostgreSQL: %s",
			       st->last_error);
	}
	rc = pg_migrate(c, e);
	pg_conn_put(st, c);
	return rc;
}

void pg_store_close(struct store *st)
{
	size_t i;

	for (i = 0; i < st->nidle; i++) {
		conn_close(st->idle[i]);
		free(st->idle[i]);
	}
	st->nidle = 0;
}
