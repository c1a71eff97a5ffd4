/* SQLite backend: connections, migrations, transactions, tenants and keys.
 * One writer connection serialised by a mutex (every write transaction is BEGIN IMMEDIATE),
 * pooled read-only connections for reads; WAL lets them run while the writer commits. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/mem.h"

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
};

int sql_fail(struct conn *c, int rc, const char *what, struct err *e)
{
	const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(e, ERR_STORE_BUSY, "database is busy (%s)", what);
	case SQLITE_FULL:
		return err_set(e, ERR_STORE_FULL, "database storage is full (%s)", what);
	case SQLITE_CONSTRAINT:
		if (c && c->db && strstr(msg, "slot_taken"))
			return err_set(e, ERR_SLOT_TAKEN, "that time is already booked");
		return err_set(e, ERR_CONFLICT, "conflicting data (%s)", what);
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
		return err_set(e, ERR_STORE_BUSY, "database unavailable (%s): %s", what, msg);
	default:
		return err_set(e, ERR_INTERNAL, "database error (%s): %s", what, msg);
	}
}

sqlite3_stmt *conn_prep(struct conn *c, const char *sql, struct err *e)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < c->nstmt; i++) {
		if (c->stmt[i].sql == sql) {
			s = c->stmt[i].st;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		sql_fail(c, rc, "prepare", e);
		return NULL;
	}
	if (c->nstmt < CONN_STMT_CACHE) {
		c->stmt[c->nstmt].sql = sql;
		c->stmt[c->nstmt].st = s;
		c->nstmt++;
	} else {
		/* The cache is sized above our statement count; overflow means a new query was
		 * added without growing it. Keep working, but through a slower path. */
		sqlite3_finalize(c->stmt[0].st);
		c->stmt[0].sql = sql;
		c->stmt[0].st = s;
	}
	return s;
}

static void conn_close(struct conn *c)
{
	size_t i;

	for (i = 0; i < c->nstmt; i++)
		sqlite3_finalize(c->stmt[i].st);
	c->nstmt = 0;
	sqlite3_close(c->db);
	c->db = NULL;
}

static int exec(struct conn *c, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sql_fail(c, rc, "exec", e);
}

static int conn_open(struct conn *c, const char *path, bool readonly, struct err *e)
{
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	memset(c, 0, sizeof(*c));
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
	if (!readonly && (exec(c, "PRAGMA journal_mode=WAL", e) ||
			  exec(c, "PRAGMA synchronous=FULL", e)))
		goto fail;
	if (exec(c, "PRAGMA foreign_keys=ON", e))
		goto fail;
	return 0;
fail:
	conn_close(c);
	return -1;
}

static int migrate(struct store *st, struct err *e)
{
	struct conn *c = &st->writer;
	sqlite3_stmt *s;
	int version;
	size_t i;

	s = conn_prep(c, "PRAGMA user_version", e);
	if (!s)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW)
		return sql_fail(c, sqlite3_errcode(c->db), "read schema version", e);
	version = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (version > (int)(sizeof(migrations) / sizeof(migrations[0])))
		return err_set(e, ERR_INVALID,
			       "database schema version %d is newer than this slotd knows", version);
	for (i = (size_t)version; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%zu", i + 1);
		if (exec(c, "BEGIN IMMEDIATE", e))
			return -1;
		if (exec(c, migrations[i], e) || exec(c, pragma, e)) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (exec(c, "COMMIT", e))
			return -1;
	}
	return 0;
}

int store_open(const char *url, struct store **out, struct err *e)
{
	struct store *st;
	const char *path;

	if (strncmp(url, "sqlite:", 7) != 0) {
		if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
			return err_set(e, ERR_INVALID,
				       "the PostgreSQL backend is not available in this build; "
				       "use sqlite:PATH");
		return err_set(e, ERR_INVALID, "database URL must start with sqlite: (got %s)", url);
	}
	path = url + 7;
	if (!*path)
		return err_set(e, ERR_INVALID, "database URL sqlite: needs a file path");
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	pthread_mutex_init(&st->writer_lock, NULL);
	pthread_mutex_init(&st->pool_lock, NULL);
	if (conn_open(&st->writer, path, false, e) || migrate(st, e)) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nreaders; i++) {
		conn_close(st->readers[i]);
		free(st->readers[i]);
	}
	if (st->writer.db) {
		sqlite3_exec(st->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		conn_close(&st->writer);
	}
	pthread_mutex_destroy(&st->writer_lock);
	pthread_mutex_destroy(&st->pool_lock);
	free(st->path);
	free(st);
}

struct conn *conn_get(struct store *st, struct err *e)
{
	struct conn *c = NULL;

	pthread_mutex_lock(&st->pool_lock);
	if (st->nreaders)
		c = st->readers[--st->nreaders];
	pthread_mutex_unlock(&st->pool_lock);
	if (c)
		return c;
	c = xmalloc(sizeof(*c));
	if (conn_open(c, st->path, true, e)) {
		free(c);
		return NULL;
	}
	return c;
}

void conn_put(struct store *st, struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&st->pool_lock);
	if (st->nreaders < STORE_MAX_READERS) {
		st->readers[st->nreaders++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&st->pool_lock);
	if (c) {
		conn_close(c);
		free(c);
	}
}

struct conn *tx_begin(struct store *st, struct err *e)
{
	pthread_mutex_lock(&st->writer_lock);
	if (exec(&st->writer, "BEGIN IMMEDIATE", e)) {
		pthread_mutex_unlock(&st->writer_lock);
		return NULL;
	}
	return &st->writer;
}

int tx_end(struct store *st, bool ok, struct err *e)
{
	struct conn *c = &st->writer;
	int rc = 0;

	if (ok && exec(c, "COMMIT", e))
		ok = false, rc = -1;
	/* After a failed step or COMMIT SQLite may already have rolled back. */
	if (!ok && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&st->writer_lock);
	return rc;
}

int step_done(struct conn *c, sqlite3_stmt *s, const char *what, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(c, rc, what, e);
}

void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

void col_text(sqlite3_stmt *s, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(out, size, "%s", t ? (const char *)t : "");
}

const char *col_str(sqlite3_stmt *s, int i, struct arena *a)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return arena_strdup(a, t ? (const char *)t : "");
}

/* Deletes one row by (tenant, id) from a table named in sql; ERR_NOT_FOUND when no row. */
int delete_row(struct store *st, const char *sql, const char *tenant, const char *id,
		      const char *owner, const char *what, struct err *e)
{
	struct conn *c = tx_begin(st, e);
	sqlite3_stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, sql, e);
	if (s) {
		bind_text(s, 1, tenant);
		bind_text(s, 2, id);
		if (owner)
			bind_text(s, 3, owner);
		ok = step_done(c, s, what, e) == 0;
		if (ok && sqlite3_changes(c->db) == 0) {
			ok = false;
			err_set(e, ERR_NOT_FOUND, "%s not found", id);
		}
	}
	if (tx_end(st, ok, e))
		return -1;
	return ok ? 0 : -1;
}

sqlite3_stmt *row_by_id(struct conn *c, const char *sql, const char *tenant, const char *id,
			const char *what, struct err *e)
{
	sqlite3_stmt *s = conn_prep(c, sql, e);
	int rc;

	if (!s)
		return NULL;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return s;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		err_set(e, ERR_NOT_FOUND, "%s %s not found", what, id);
	else
		sql_fail(c, rc, what, e);
	return NULL;
}

int store_ping(struct store *st, struct err *e)
{
	struct conn *c = conn_get(st, e);
	sqlite3_stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT 1", e);
	if (s && sqlite3_step(s) == SQLITE_ROW)
		rc = 0;
	else if (s)
		sql_fail(c, sqlite3_errcode(c->db), "ping", e);
	if (s)
		sqlite3_reset(s);
	conn_put(st, c);
	return rc;
}

/* --- tenants and keys --- */

int store_tenant_create(struct store *st, const char *tenant_id, const char *slug,
			const char *name, const char *key_hash, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tenants(id, slug, name, created_at) VALUES (?1, ?2, ?3, ?4)";
	static const char dup[] = "SELECT 1 FROM tenants WHERE slug = ?1";
	struct conn *c = tx_begin(st, e);
	sqlite3_stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, dup, e);
	if (!s)
		goto out;
	bind_text(s, 1, slug);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_reset(s);
		err_set(e, ERR_CONFLICT, "a tenant with slug %s already exists", slug);
		goto out;
	}
	sqlite3_reset(s);
	s = conn_prep(c, sql, e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant_id);
	bind_text(s, 2, slug);
	bind_text(s, 3, name);
	sqlite3_bind_int64(s, 4, now);
	if (step_done(c, s, "create tenant", e))
		goto out;
	s = conn_prep(c, "INSERT INTO api_keys(key_hash, tenant_id, role, created_at) "
			 "VALUES (?1, ?2, 'admin', ?3)", e);
	if (!s)
		goto out;
	bind_text(s, 1, key_hash);
	bind_text(s, 2, tenant_id);
	sqlite3_bind_int64(s, 3, now);
	ok = step_done(c, s, "create key", e) == 0;
out:
	if (tx_end(st, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_tenant_find(struct store *st, const char *slug, char tenant_id[ID_MAX], struct err *e)
{
	struct conn *c = conn_get(st, e);
	sqlite3_stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT id FROM tenants WHERE slug = ?1", e);
	if (s) {
		bind_text(s, 1, slug);
		if (sqlite3_step(s) == SQLITE_ROW) {
			col_text(s, 0, tenant_id, ID_MAX);
			rc = 0;
		} else {
			err_set(e, ERR_NOT_FOUND, "no tenant with slug %s", slug);
		}
		sqlite3_reset(s);
	}
	conn_put(st, c);
	return rc;
}

int store_key_add(struct store *st, const char *tenant_id, const char *key_hash, enum role role,
		  int64_t now, struct err *e)
{
	struct conn *c = tx_begin(st, e);
	sqlite3_stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, "INSERT INTO api_keys(key_hash, tenant_id, role, created_at) "
			 "VALUES (?1, ?2, ?3, ?4)", e);
	if (s) {
		bind_text(s, 1, key_hash);
		bind_text(s, 2, tenant_id);
		bind_text(s, 3, role_name(role));
		sqlite3_bind_int64(s, 4, now);
		ok = step_done(c, s, "add key", e) == 0;
	}
	if (tx_end(st, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_auth(struct store *st, const char *key_hash, struct auth *out, struct err *e)
{
	struct conn *c = conn_get(st, e);
	sqlite3_stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT tenant_id, role FROM api_keys WHERE key_hash = ?1", e);
	if (s) {
		bind_text(s, 1, key_hash);
		if (sqlite3_step(s) == SQLITE_ROW) {
			col_text(s, 0, out->tenant_id, sizeof(out->tenant_id));
			if (role_parse((const char *)sqlite3_column_text(s, 1), &out->role) == 0)
				rc = 0;
			else
				err_set(e, ERR_UNAUTHORIZED, "API key has an unknown role");
		} else {
			err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
		}
		sqlite3_reset(s);
	}
	conn_put(st, c);
	return rc;
}
