/* A tenant's rows for slotd export and import: read out of one database a table at a time, a
 * row at a time, and written into another in one transaction. The rows are the stored
 * columns (times as unix seconds, days as day numbers, hours as stored text); the tables are
 * those slotd copy moves (one list, sql_tables.h) without the working state of a server:
 * queues, idempotency outcomes, delivery attempts and calendar busy time.
 *
 * Secrets leave only as hashes: keys and tokens are stored hashed already; a webhook
 * endpoint's secrets, a calendar's sealed address and password and the tenant's link key
 * are exported as "sha256:<hex>" of what is stored, and leases as null. An import gives the
 * tenant a fresh link key, every webhook endpoint a fresh secret (disabled, reason
 * "imported", until an admin rotates the secret and enables it) and every calendar no
 * credentials (disabled, last_error saying they must be entered again). The JSON document
 * around the rows is the caller's (src/app/transfer.c). */
#ifndef SLOTD_STORE_STORE_EXPORT_H
#define SLOTD_STORE_STORE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct store;

#define XFER_MAX_COLS 48

enum xfer_kind { XFER_NULL, XFER_INT, XFER_TEXT, XFER_BLOB };

/* One column value. TEXT: p is NUL-terminated UTF-8 of len bytes; BLOB: len bytes at p. */
struct xfer_value {
	enum xfer_kind kind;
	int64_t i;
	const char *p;
	size_t len;
};

/* One row: n columns, names and values in the same order. */
struct xfer_row {
	int n;
	const char *cols[XFER_MAX_COLS];
	struct xfer_value v[XFER_MAX_COLS];
};

/* The exported tables, in the order an import needs them (foreign keys): names are static
 * strings; i < store_xfer_ntables(). */
size_t store_xfer_ntables(void);
const char *store_xfer_table(size_t i);
/* The index of table name, or -1 when it is not an exported table. */
int store_xfer_table_index(const char *name);

/* --- export --- */
struct store_export;

/* Opens one read snapshot of the tenant with this slug (ERR_NOT_FOUND when there is none).
 * Heap; store_export_close frees it. id, slug and name are the tenant's, owned by x. */
struct store_export *store_export_open(struct store *st, const char *slug, struct err *e);
const char *store_export_tenant_id(const struct store_export *x);
/* Starts reading table i (store_xfer_table(i)) of the tenant, in primary-key order. */
int store_export_rows(struct store_export *x, size_t i, struct err *e);
/* The next row of that table: 1 and *row filled (names static, values valid until the next
 * call), 0 at the end, -1 with e set on failure. */
int store_export_next(struct store_export *x, struct xfer_row *row, struct err *e);
void store_export_close(struct store_export *x);

/* --- import --- */
struct store_import;

/* Begins the one write transaction of an import. Heap; store_import_close frees it. */
struct store_import *store_import_open(struct store *st, struct err *e);
/* Inserts one row of table (a name from the document). The first row must be the tenant's
 * (table "tenants", with id and slug); ERR_CONFLICT when the database already has a tenant
 * with that id or slug. Other rows may leave out tenant_id (it is the tenant's) but must not
 * name another. ERR_CONFLICT for a booking whose manage token a booking in the database
 * already has. Columns left out take the column's default. ERR_INVALID for an unknown
 * table or column, a value of the wrong kind for its column, text holding a NUL byte, or a
 * row the database refuses (the message names the table, the row's number in it and why). */
int store_import_row(struct store_import *im, const char *table, const struct xfer_row *row,
		     struct err *e);
/* Rows of table i inserted so far. */
int64_t store_import_count(const struct store_import *im, size_t i);
/* The imported tenant's id ("" before its row). */
const char *store_import_tenant_id(const struct store_import *im);
/* Ends the transaction: with commit, first checks that every table holds as many rows of the
 * tenant as were inserted (ERR_INTERNAL otherwise) and commits; else rolls back. */
int store_import_finish(struct store_import *im, bool commit, struct err *e);
/* Rolls back if still open, and frees im. */
void store_import_close(struct store_import *im);

#endif
