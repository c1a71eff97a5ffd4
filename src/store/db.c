/* The driver-neutral half of the SQL layer: statements, binding, reading and errors, each
 * passed to SQLite directly or to the PostgreSQL driver (db_pg.c). */
#include "store/db.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <time.h>

#include "store/avail_cache.h"
#include "util/mem.h"
#include "util/metrics.h"

int db_fail_set(struct conn *c, enum db_fail f, const char *msg)
{
	c->fail = f;
	snprintf(c->msg, sizeof(c->msg), "%s", msg ? msg : "");
	/* Keep one line: libpq messages end in newlines and may carry a DETAIL line. */
	c->msg[strcspn(c->msg, "\n")] = '\0';
	return DB_ERROR;
}

static enum db_fail lite_fail_kind(struct conn *c, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DBF_BUSY;
	case SQLITE_FULL:
		return DBF_FULL;
	case SQLITE_CONSTRAINT:
		return strstr(sqlite3_errmsg(c->db), "slot_taken") ? DBF_SLOT_TAKEN
								     : DBF_CONSTRAINT;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
		return DBF_UNAVAILABLE;
	default:
		return DBF_OTHER;
	}
}

static int lite_fail(struct conn *c, int rc)
{
	return db_fail_set(c, lite_fail_kind(c, rc), sqlite3_errmsg(c->db));
}

int sql_fail(struct conn *c, int rc, const char *what, struct err *e)
{
	if (rc == DB_ROW)
		return err_set(e, ERR_INTERNAL, "database error (%s): unexpected row", what);
	switch (c ? c->fail : DBF_UNAVAILABLE) {
	case DBF_BUSY:
		return err_set(e, ERR_STORE_BUSY, "database is busy (%s)", what);
	case DBF_RETRY:
		err_set(e, ERR_STORE_BUSY, "database is busy (%s): conflicting transactions", what);
		e->rerun = e->code == ERR_STORE_BUSY;
		return -1;
	case DBF_UNAVAILABLE:
		return err_set(e, ERR_STORE_BUSY, "database unavailable (%s)", what);
	case DBF_FULL:
		return err_set(e, ERR_STORE_FULL, "database storage is full (%s)", what);
	case DBF_SLOT_TAKEN:
		return err_set(e, ERR_SLOT_TAKEN, "that time is already booked");
	case DBF_CONSTRAINT:
		return err_set(e, ERR_CONFLICT, "conflicting data (%s)", what);
	case DBF_DATA:
		return err_set(e, ERR_INVALID, "a value cannot be stored or compared (%s): "
			       "text must be UTF-8", what);
	default:
		return err_set(e, ERR_INTERNAL, "database error (%s): %s", what, c->msg);
	}
}

struct stmt *stmt_new(struct conn *c, const char *sql)
{
	struct stmt *s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->sql = sql;
	return s;
}

void stmt_free(struct stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->lite);
	PQclear(s->res);
	PQfreemem(s->blob);
	free(s->pgsql);
	free(s);
}

/* Rewrites ?N (and a bare ?, numbered in order) to $N outside string literals and drops
 * "INDEXED BY <name>"; *nparams is the highest parameter number. */
char *pg_rewrite(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	char *out = xmalloc(n * 3 + 16), *o = out;
	bool quoted = false;
	int next = 1, top = 0;

	for (const char *p = sql; *p;) {
		if (*p == '\'') {
			quoted = !quoted;
			*o++ = *p++;
		} else if (!quoted && *p == '?') {
			int k = 0;
			p++;
			while (*p >= '0' && *p <= '9')
				k = k * 10 + (*p++ - '0');
			if (!k)
				k = next;
			next = k + 1;
			if (k > top)
				top = k;
			o += snprintf(o, 12, "$%d", k);
		} else if (!quoted && !strncmp(p, " INDEXED BY ", 12)) {
			p += 12;
			while (*p && *p != ' ')
				p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = top;
	return out;
}

/* A parameter left unbound is a NULL whose type the server infers from where it is used
 * (an optional filter, "?3 IS NULL OR provider_id = ?3", binds a text NULL instead, as
 * "?3 IS NULL" alone tells the server nothing). */
static void stmt_clear(struct stmt *s)
{
	int i;

	for (i = 0; i < DB_MAX_PARAMS; i++) {
		s->val[i] = NULL;
		s->type[i] = 0;
		s->len[i] = 0;
		s->fmt[i] = 0;
	}
}

struct stmt *conn_prep(struct conn *c, const char *sql, struct err *e)
{
	struct stmt *s = NULL;
	size_t i;

	for (i = 0; i < c->nstmt; i++) {
		if (c->stmt[i]->sql == sql) {
			s = c->stmt[i];
			break;
		}
	}
	if (s) {
		db_reset(s);
		if (s->lite) {
			sqlite3_clear_bindings(s->lite);
		} else {
			stmt_clear(s);
		}
		return s;
	}
	s = stmt_new(c, sql);
	if (c->kind == DB_SQLITE) {
		int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->lite,
					    NULL);
		if (rc != SQLITE_OK) {
			lite_fail(c, rc);
			sql_fail(c, DB_ERROR, "prepare", e);
			stmt_free(s);
			return NULL;
		}
	} else {
		s->pgsql = pg_rewrite(sql, &s->nparams);
		stmt_clear(s);
		if (s->nparams > DB_MAX_PARAMS) {
			err_set(e, ERR_INTERNAL, "query has %d parameters", s->nparams);
			stmt_free(s);
			return NULL;
		}
	}
	if (c->nstmt < CONN_STMT_CACHE) {
		c->stmt[c->nstmt++] = s;
	} else {
		/* The cache is sized above our statement count; overflow means a new query was
		 * added without growing it (or slotd copy's queries). Keep working, but through a
		 * slower path. */
		struct stmt *old = c->stmt[0];
		int v;
		for (v = 0; v < old->nvar; v++)
			if (old->var[v].name[0])
				pg_deallocate(c, old->var[v].name);
		stmt_free(old);
		c->stmt[0] = s;
	}
	return s;
}

static void pg_bind(struct stmt *s, int i, const char *v, unsigned type)
{
	if (i < 1 || i > s->nparams)
		return;
	s->val[i - 1] = v;
	s->type[i - 1] = type;
	s->len[i - 1] = 0;
	s->fmt[i - 1] = 0;
}

void db_bind_i64(struct stmt *s, int i, int64_t v)
{
	if (s->lite) {
		sqlite3_bind_int64(s->lite, i, v);
	} else if (i >= 1 && i <= s->nparams) {
		snprintf(s->num[i - 1], sizeof(s->num[i - 1]), "%lld", (long long)v);
		pg_bind(s, i, s->num[i - 1], 20);
	}
}

void db_bind_null(struct stmt *s, int i)
{
	if (s->lite)
		sqlite3_bind_null(s->lite, i);
	else
		pg_bind(s, i, NULL, 0);
}

void bind_text(struct stmt *s, int i, const char *v)
{
	if (s->lite)
		sqlite3_bind_text(s->lite, i, v, -1, SQLITE_STATIC);
	else
		pg_bind(s, i, v, 25);
}

void bind_opt_text(struct stmt *s, int i, const char *v)
{
	if (v && *v)
		bind_text(s, i, v);
	else if (s->lite)
		sqlite3_bind_null(s->lite, i);
	else
		pg_bind(s, i, NULL, 25);
}

void db_bind_blob(struct stmt *s, int i, const void *v, size_t len)
{
	/* A NULL pointer would bind NULL, not zero bytes. */
	if (!v)
		v = "";
	if (s->lite) {
		sqlite3_bind_blob64(s->lite, i, v, len, SQLITE_STATIC);
	} else if (i >= 1 && i <= s->nparams) {
		pg_bind(s, i, v, 17);
		s->len[i - 1] = (int)len;
		s->fmt[i - 1] = 1;
	}
}

static void blob_drop(struct stmt *s)
{
	PQfreemem(s->blob);
	s->blob = NULL;
}

int db_step(struct stmt *s)
{
	int rc;

	if (!s->lite) {
		blob_drop(s);
		return pg_step(s);
	}
	rc = sqlite3_step(s->lite);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		s->c->changes = sqlite3_changes(s->c->db);
		return DB_DONE;
	}
	return lite_fail(s->c, rc);
}

void db_reset(struct stmt *s)
{
	if (s->lite) {
		sqlite3_reset(s->lite);
		return;
	}
	blob_drop(s);
	PQclear(s->res);
	s->res = NULL;
	s->ran = false;
	s->row = -1;
	s->nrows = 0;
}

int db_col_count(struct stmt *s)
{
	return s->lite ? sqlite3_column_count(s->lite) : s->res ? PQnfields(s->res) : 0;
}

bool db_col_null(struct stmt *s, int i)
{
	if (s->lite)
		return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, i);
}

enum db_col_kind db_col_kind(struct stmt *s, int i)
{
	if (db_col_null(s, i))
		return DB_COL_NULL;
	if (s->lite) {
		switch (sqlite3_column_type(s->lite, i)) {
		case SQLITE_INTEGER:
			return DB_COL_INT;
		case SQLITE_BLOB:
			return DB_COL_BLOB;
		default:
			return DB_COL_TEXT;
		}
	}
	switch (PQftype(s->res, i)) {
	case 20: case 21: case 23: case 16:	/* int8, int2, int4, bool */
		return DB_COL_INT;
	case 17:				/* bytea */
		return DB_COL_BLOB;
	default:
		return DB_COL_TEXT;
	}
}

const char *db_col_text(struct stmt *s, int i)
{
	if (s->lite)
		return (const char *)sqlite3_column_text(s->lite, i);
	return db_col_null(s, i) ? NULL : PQgetvalue(s->res, s->row, i);
}

const void *db_col_blob(struct stmt *s, int i, size_t *len)
{
	const char *hex;
	const void *p;

	*len = 0;
	if (s->lite) {
		if (sqlite3_column_type(s->lite, i) == SQLITE_NULL)
			return NULL;
		p = sqlite3_column_blob(s->lite, i);
		*len = (size_t)sqlite3_column_bytes(s->lite, i);
		return p ? p : "";
	}
	/* Results come as text: bytea in its escaped (hex) form. */
	if (!(hex = db_col_text(s, i)))
		return NULL;
	blob_drop(s);
	s->blob = PQunescapeBytea((const unsigned char *)hex, len);
	if (!s->blob)
		abort();	/* out of memory */
	return s->blob;
}

int64_t db_col_i64(struct stmt *s, int i)
{
	const char *v;

	if (s->lite)
		return sqlite3_column_int64(s->lite, i);
	v = db_col_text(s, i);
	if (!v)
		return 0;
	if (*v == 't')		/* boolean */
		return 1;
	return strtoll(v, NULL, 10);
}

int db_col_int(struct stmt *s, int i)
{
	return (int)db_col_i64(s, i);
}

int64_t db_changes(struct conn *c)
{
	return c->changes;
}

int conn_exec(struct conn *c, const char *sql, struct err *e)
{
	if (c->kind == DB_SQLITE) {
		int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		lite_fail(c, rc);
		return sql_fail(c, DB_ERROR, "exec", e);
	} else {
		PGresult *r = PQexec(c->pg, sql);
		ExecStatusType t = PQresultStatus(r);
		int rc = 0;
		if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
			pg_result_fail(c, r);
			rc = sql_fail(c, DB_ERROR, "exec", e);
		}
		PQclear(r);
		return rc;
	}
}

void conn_close(struct conn *c)
{
	size_t i;

	for (i = 0; i < c->nstmt; i++)
		stmt_free(c->stmt[i]);
	c->nstmt = 0;
	if (c->db)
		sqlite3_close(c->db);
	c->db = NULL;
	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
}

int read_begin(struct conn *c, struct err *e)
{
	return c->kind == DB_SQLITE ? conn_exec(c, "BEGIN", e) : pg_read_begin(c, e);
}

void read_end(struct conn *c)
{
	struct err ignored;

	if (c->kind == DB_SQLITE) {
		if (!sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	} else if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		conn_exec(c, "COMMIT", &ignored);
	}
}

bool store_rerun(struct err *e, int attempt)
{
	struct timespec pause = {0, 0};

	if (!e->rerun)
		return false;
	if (attempt > STORE_RERUNS) {
		atomic_fetch_add_explicit(&store_metrics.gave_up, 1, memory_order_relaxed);
		return false;
	}
	atomic_fetch_add_explicit(&store_metrics.reruns, 1, memory_order_relaxed);
	/* Full jitter: 1 to 10 × attempt milliseconds, so the losers do not meet again. */
	pause.tv_nsec = (long)(1 + randombytes_uniform(10u * (unsigned)attempt)) * 1000000L;
	nanosleep(&pause, NULL);
	err_init(e);
	return true;
}

/* --- connections and transactions: one entry point, each driver behind it --- */

struct conn *conn_get(struct store *st, struct err *e)
{
	return st->kind == DB_PG ? pg_conn_get(st, e) : lite_conn_get(st, e);
}

void conn_put(struct store *st, struct conn *c)
{
	if (!c)
		return;
	if (st->kind == DB_PG)
		pg_conn_put(st, c);
	else
		lite_conn_put(st, c);
}

struct conn *db_write_begin(struct store *st, const char *tenant, struct err *e)
{
	return st->kind == DB_PG ? pg_tx_begin(st, tenant, NULL, e) : lite_tx_begin(st, e);
}

struct conn *db_write_begin_for(struct store *st, const char *tenant, const char *provider_id,
				struct err *e)
{
	return st->kind == DB_PG ? pg_tx_begin(st, tenant, provider_id, e) : lite_tx_begin(st, e);
}

int db_write_end(struct store *st, struct conn *c, bool ok, struct err *e)
{
	int rc;

	if (st->kind != DB_PG)
		return lite_tx_end(st, c, ok, e);	/* counts its commits (store/batch.c) */
	rc = pg_tx_end(st, c, ok, e);
	if (ok && !rc) {
		atomic_fetch_add_explicit(&store_metrics.commits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&store_metrics.committed, 1, memory_order_relaxed);
	}
	return rc;
}

static struct store_tx *begin(struct store *st, const char *tenant, const char *provider_id,
			       enum store_mode mode, struct err *e)
{
	uint64_t t0 = mono_ns();	/* the span includes waiting for the writer or tenant lock */
	struct conn *c;

	if (mode == STORE_WRITE) {
		c = provider_id ? db_write_begin_for(st, tenant, provider_id, e)
				: db_write_begin(st, tenant, e);
	} else {
		c = conn_get(st, e);
		if (c && mode == STORE_SNAPSHOT && read_begin(c, e)) {
			conn_put(st, c);
			c = NULL;
		}
	}
	if (!c) {
		atomic_fetch_add_explicit(&store_metrics.failed, 1, memory_order_relaxed);
		return NULL;
	}
	atomic_fetch_add_explicit(&store_metrics.in_use, 1, memory_order_relaxed);
	c->tx.started_ns = t0;
	c->tx.st = st;
	c->tx.c = c;
	c->tx.mode = (int)mode;
	c->tx.shared = mode == STORE_WRITE && provider_id && st->kind == DB_PG;
	c->tx.pending = NULL;
	snprintf(c->tx.tenant, sizeof(c->tx.tenant), "%s", tenant ? tenant : "");
	return &c->tx;
}

struct store_tx *store_begin(struct store *st, const char *tenant, enum store_mode mode,
			     struct err *e)
{
	return begin(st, tenant, NULL, mode, e);
}

struct store_tx *store_begin_for(struct store *st, const char *tenant, const char *provider_id,
				 struct err *e)
{
	return begin(st, tenant, provider_id && *provider_id ? provider_id : NULL, STORE_WRITE, e);
}

void store_tx_act_for(struct store_tx *tx, const char *tenant)
{
	snprintf(tx->tenant, sizeof(tx->tenant), "%s", tenant);
}

int store_end(struct store_tx *tx, bool commit, struct err *e)
{
	struct store *st = tx->st;
	struct conn *c = tx->c;
	enum store_tx_kind kind = tx->mode == STORE_WRITE      ? STORE_TX_WRITE
				  : tx->mode == STORE_SNAPSHOT ? STORE_TX_SNAPSHOT
							       : STORE_TX_READ;
	uint64_t started = tx->started_ns;	/* tx lives in c, which the end hands back */
	int rc = 0;

	if (tx->mode == STORE_WRITE) {
		rc = db_write_end(st, c, commit, e);
	} else {
		if (tx->mode == STORE_SNAPSHOT)
			read_end(c);
		conn_put(st, c);
	}
	hist_observe(&store_metrics.tx[kind], mono_ns() - started);
	atomic_fetch_sub_explicit(&store_metrics.in_use, 1, memory_order_relaxed);
	if (rc && !e->rerun)
		atomic_fetch_add_explicit(&store_metrics.failed, 1, memory_order_relaxed);
	return rc;
}

const char *store_backend(const struct store *st)
{
	return st->kind == DB_PG ? "postgresql" : "sqlite";
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->kind == DB_PG)
		pg_store_close(st);
	else
		lite_store_close(st);
	pthread_mutex_destroy(&st->writer_lock);
	pthread_mutex_destroy(&st->pool_lock);
	pthread_cond_destroy(&st->pool_cond);
	avail_cache_free(st->avail_cache);
	free(st->target);
	free(st);
}
