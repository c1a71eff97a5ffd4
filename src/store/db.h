/* The SQL drivers under the store: SQLite (embedded; one writer connection, pooled readers)
 * and PostgreSQL (libpq; a pool of connections per process). Store code writes each query
 * once, as a string literal with ?N parameters, in the SQL both accept; the PostgreSQL driver
 * rewrites ?N to $N and drops SQLite's INDEXED BY hints. Parameters are int64, text, binary
 * (BLOB / bytea) or NULL; columns read back as int64, text or bytes (NULL reads as 0 / NULL).
 * Not part of the store interface. */
#ifndef SLOTD_STORE_DB_H
#define SLOTD_STORE_DB_H

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/batch.h"
#include "util/err.h"
#include "util/ids.h"

#define CONN_STMT_CACHE 128
#define STORE_MAX_CONNS 32
#define DB_MAX_PARAMS 48
#define DB_VARIANTS 4

enum db_kind { DB_SQLITE, DB_PG };

/* db_step results. */
enum { DB_ERROR = 1, DB_ROW = 100, DB_DONE = 101 };

/* The last failure on a connection, in the store's terms. */
enum db_fail {
	DBF_NONE,
	DBF_BUSY,		/* locked or overloaded: try again soon */
	DBF_RETRY,		/* serialization failure or deadlock: the transaction may be rerun */
	DBF_UNAVAILABLE,	/* the database cannot be reached or opened */
	DBF_FULL,		/* out of disk */
	DBF_SLOT_TAKEN,		/* the no-overlap backstop fired */
	DBF_CONSTRAINT,		/* another unique, foreign-key or check constraint */
	DBF_DATA,		/* a value the database cannot take (e.g. text not UTF-8) */
	DBF_OTHER,
};

/* Column kinds, for copying rows between databases. */
enum db_col_kind { DB_COL_NULL, DB_COL_INT, DB_COL_TEXT, DB_COL_BLOB };

struct conn;
struct store;

/* A transaction as the store interface hands it out (store_begin): which connection, for
 * which tenant, and how it ends. Lives inside its connection. */
struct store_tx {
	struct store *st;
	struct conn *c;
	char tenant[ID_MAX];
	int mode;			/* enum store_mode */
	uint64_t started_ns;		/* mono_ns() at begin, for the metrics */
	/* PostgreSQL write transactions for one provider (store_begin_for): the tenant's lock
	 * is held shared, so their events are written at COMMIT under the tenant's event lock
	 * (pg_event_defer); pending holds those statements (heap, NULL when none). */
	bool shared;
	char *pending;
};

struct stmt {
	struct conn *c;
	const char *sql;		/* the cache key: a string literal's address */
	sqlite3_stmt *lite;
	/* PostgreSQL: the statement is run at the first db_step, its rows kept in res. */
	char *pgsql;
	int nparams;
	const char *val[DB_MAX_PARAMS];
	unsigned type[DB_MAX_PARAMS];	/* Oid: 20 int8, 25 text, 17 bytea, 0 unknown (NULL) */
	int len[DB_MAX_PARAMS];		/* bytes of a bytea parameter (sent in binary format) */
	int fmt[DB_MAX_PARAMS];		/* 1 for a bytea parameter, else 0 (text) */
	unsigned char *blob;		/* the last bytea column db_col_blob decoded (PQfreemem) */
	char num[DB_MAX_PARAMS][24];
	/* Server-side statements of this query, one per set of parameter types it was run with
	 * ('i', 't', or 'n' for a NULL the server types); the oldest is dropped past DB_VARIANTS. */
	struct {
		char sig[DB_MAX_PARAMS + 1];
		char name[16];
	} var[DB_VARIANTS];
	int nvar, cur;
	PGresult *res;
	int row, nrows;
	bool ran;
};

struct conn {
	enum db_kind kind;
	sqlite3 *db;
	PGconn *pg;
	unsigned generation;		/* PostgreSQL: the pool generation it was opened in */
	unsigned nprepared;
	enum db_fail fail;
	char msg[200];
	int64_t changes;
	size_t nstmt;
	struct stmt *stmt[CONN_STMT_CACHE];
	struct store_tx tx;		/* the transaction it serves, while it is handed out */
};

struct store {
	enum db_kind kind;
	char *target;			/* SQLite file path, or the PostgreSQL connection URL */
	struct conn writer;		/* SQLite: the only connection that writes */
	struct batch batch;		/* SQLite: whose turn it is at the writer (group commit) */
	pthread_mutex_t writer_lock;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	struct conn *idle[STORE_MAX_CONNS];	/* SQLite: read-only; PostgreSQL: any use */
	size_t nidle;
	size_t nopen;			/* PostgreSQL: connections open, idle or in use */
	unsigned generation;		/* PostgreSQL: bumped when a connection is found lost */
	char last_error[160];		/* PostgreSQL: why the last connection attempt failed */
	struct avail_cache *avail_cache;	/* NULL: off (store/avail_cache.h) */
};

/* A statement for sql (a string literal) on c, reset and with no parameters bound; NULL
 * with e set on failure. */
struct stmt *conn_prep(struct conn *c, const char *sql, struct err *e);
void db_bind_i64(struct stmt *s, int i, int64_t v);
void db_bind_null(struct stmt *s, int i);
void bind_text(struct stmt *s, int i, const char *v);	/* v must live until db_reset */
void bind_opt_text(struct stmt *s, int i, const char *v);	/* "" binds NULL */
/* Binds len bytes at v (may be 0; v must live until db_reset) as a BLOB / bytea. */
void db_bind_blob(struct stmt *s, int i, const void *v, size_t len);
/* DB_ROW, DB_DONE or DB_ERROR (the failure kept on the connection for sql_fail). */
int db_step(struct stmt *s);
void db_reset(struct stmt *s);
int db_col_count(struct stmt *s);
enum db_col_kind db_col_kind(struct stmt *s, int i);
bool db_col_null(struct stmt *s, int i);
int64_t db_col_i64(struct stmt *s, int i);
int db_col_int(struct stmt *s, int i);
const char *db_col_text(struct stmt *s, int i);	/* NULL for NULL */
/* The bytes of a BLOB / bytea column and *len their count; NULL (and *len 0) for NULL. Valid
 * until the next db_col_blob, db_step or db_reset on s. */
const void *db_col_blob(struct stmt *s, int i, size_t *len);
/* Rows changed by the last statement on c. */
int64_t db_changes(struct conn *c);

/* Translates the failure of a step (rc from db_step) into e; always returns -1. */
int sql_fail(struct conn *c, int rc, const char *what, struct err *e);
/* Runs sql, which takes no parameters and returns no rows. */
int conn_exec(struct conn *c, const char *sql, struct err *e);

/* Opens the database named by url and applies migrations. */
int store_open_sqlite(struct store *st, const char *path, struct err *e);
int store_open_pg(struct store *st, const char *url, struct err *e);

/* Read access: a pooled connection (read-only for SQLite). Release with conn_put. */
struct conn *conn_get(struct store *st, struct err *e);
void conn_put(struct store *st, struct conn *c);
/* A read transaction on c: one snapshot for several queries. */
int read_begin(struct conn *c, struct err *e);
void read_end(struct conn *c);

/* Write access. SQLite: waits for the writer's turn (store/batch.h: the first writer of a
 * batch runs BEGIN IMMEDIATE, later ones a SAVEPOINT; the end returns after the COMMIT that
 * holds the work). PostgreSQL: takes a
 * pooled connection, runs BEGIN and takes the tenant's transaction-scoped advisory lock, so
 * write transactions of one tenant run one at a time across every process; the no-overlap
 * exclusion constraint stays as the backstop. db_write_end commits when ok is true (returning
 * -1 with e set if COMMIT fails), else rolls back; it always releases c. */
struct conn *db_write_begin(struct store *st, const char *tenant, struct err *e);
/* db_write_begin for a booking of one named provider (store_begin_for): on
 * PostgreSQL the tenant's lock is taken shared and the provider's exclusive (see
 * pg_tx_begin); SQLite as db_write_begin. */
struct conn *db_write_begin_for(struct store *st, const char *tenant, const char *provider_id,
				struct err *e);
/* An event of a transaction that holds the tenant's lock shared (tx->shared), written at its
 * COMMIT, which first takes the tenant's event lock, so seq follows commit order: v are the
 * text values of EVENT_COLS from id to changes (NULL: SQL NULL). 0, or -1 with e set. */
int pg_event_defer(struct store_tx *tx, const char *const v[9], int64_t created_at,
		   struct err *e);
int db_write_end(struct store *st, struct conn *c, bool ok, struct err *e);

/* The PostgreSQL text of a query written for the store: ?N (and a bare ?, numbered in order)
 * become $N outside string literals, "INDEXED BY <index>" is dropped; *nparams is the
 * highest parameter number. Heap; the caller frees it. */
char *pg_rewrite(const char *sql, int *nparams);

/* Driver internals shared by db.c, db_sqlite.c and db_pg.c; db.c dispatches to them. */
void conn_close(struct conn *c);
int db_fail_set(struct conn *c, enum db_fail f, const char *msg);
struct stmt *stmt_new(struct conn *c, const char *sql);
void stmt_free(struct stmt *s);
int pg_step(struct stmt *s);
int pg_result_fail(struct conn *c, PGresult *r);
void pg_deallocate(struct conn *c, const char *name);
int pg_read_begin(struct conn *c, struct err *e);
struct conn *pg_conn_get(struct store *st, struct err *e);
void pg_conn_put(struct store *st, struct conn *c);
struct conn *pg_tx_begin(struct store *st, const char *tenant, const char *provider_id,
			  struct err *e);
struct conn *lite_conn_get(struct store *st, struct err *e);
void lite_conn_put(struct store *st, struct conn *c);
struct conn *lite_tx_begin(struct store *st, struct err *e);
int lite_tx_end(struct store *st, struct conn *c, bool ok, struct err *e);
void lite_store_close(struct store *st);
int pg_tx_end(struct store *st, struct conn *c, bool ok, struct err *e);
void pg_store_close(struct store *st);
/* PostgreSQL COPY FROM STDIN (text format) on c, for slotd copy: begin with the COPY
 * statement, put rows (any split of the data), end (*rows: the rows the server took). Each
 * returns 0, or -1 with e set. */
int pg_copy_begin(struct conn *c, const char *sql, struct err *e);
int pg_copy_put(struct conn *c, const char *buf, size_t len, struct err *e);
int pg_copy_end(struct conn *c, int64_t *rows, struct err *e);

#endif
