/* Shared internals of the SQLite backend: connections, statement cache, transactions and
 * error translation. Not part of the store interface. */
#ifndef SLOTD_STORE_SQLITE_INT_H
#define SLOTD_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "core/civil.h"
#include "store/store_bookings.h"
#include "store/store_entries.h"
#include "util/mem.h"

#define CONN_STMT_CACHE 64
#define STORE_MAX_READERS 32

struct conn {
	sqlite3 *db;
	size_t nstmt;
	struct {
		const char *sql;	/* static string: cached by address */
		sqlite3_stmt *st;
	} stmt[CONN_STMT_CACHE];
};

struct store {
	char *path;
	struct conn writer;		/* the only connection that writes */
	pthread_mutex_t writer_lock;
	pthread_mutex_t pool_lock;
	struct conn *readers[STORE_MAX_READERS];	/* idle read-only connections */
	size_t nreaders;
};

/* A prepared, reset statement for sql (a string literal) on c; NULL with e set on failure. */
sqlite3_stmt *conn_prep(struct conn *c, const char *sql, struct err *e);
/* Translates a SQLite result code into e (always returns -1). what names the operation. */
int sql_fail(struct conn *c, int rc, const char *what, struct err *e);

/* Read access: a pooled read-only connection. Release with conn_put. */
struct conn *conn_get(struct store *st, struct err *e);
void conn_put(struct store *st, struct conn *c);

/* Write access: locks the writer and runs BEGIN IMMEDIATE. tx_end commits when ok is true
 * (returning -1 with e set if COMMIT fails), else rolls back; it always unlocks. */
struct conn *tx_begin(struct store *st, struct err *e);
int tx_end(struct store *st, bool ok, struct err *e);

/* Steps a statement expecting no row (SQLITE_DONE). Returns 0 / -1. */
int step_done(struct conn *c, sqlite3_stmt *s, const char *what, struct err *e);

/* Runs sql (binding ?1 tenant, ?2 id) and returns the statement positioned on its row; the
 * caller reads the columns and then calls sqlite3_reset. NULL with e set when there is no
 * row (ERR_NOT_FOUND: "<what> <id> not found") or the query fails. */
sqlite3_stmt *row_by_id(struct conn *c, const char *sql, const char *tenant, const char *id,
			const char *what, struct err *e);

/* Runs a DELETE (sql binds ?1 tenant, ?2 id and, when owner is set, ?3 owner) in its own
 * transaction; ERR_NOT_FOUND when it deleted nothing. */
int delete_row(struct store *st, const char *sql, const char *tenant, const char *id,
	       const char *owner, const char *what, struct err *e);

/* Reads one provider on c; ERR_NOT_FOUND when missing. */
int provider_read(struct conn *c, const char *tenant, const char *id, struct provider *out,
		  struct err *e);

/* Reads one service with its provider ids on c; ERR_NOT_FOUND when missing. */
int service_read(struct conn *c, const char *tenant, const char *id, struct arena *a,
		 struct service *out, struct err *e);

/* The tenant's policy defaults (empty when never set). */
int tenant_policy_read(struct conn *c, const char *tenant, struct policy *out, struct err *e);

/* Reads one provider's availability bundle on c inside the caller's transaction. */
int avail_read(struct conn *c, const char *tenant, const char *provider_id, int64_t from_day,
	       int64_t to_day, int64_t now, struct arena *a, struct avail_bundle *b, struct err *e);

/* Active bookings and holds live at now of the provider whose blocked time overlaps
 * [from, to), ascending by blocked start. */
int booked_read(struct conn *c, const char *tenant, const char *provider_id, int64_t from,
		int64_t to, int64_t now, struct arena *a, struct booked_time **out, size_t *n,
		struct err *e);

/* Bundles of the service's providers (only provider_id when set) over local dates
 * from_day..to_day. */
int candidates_read(struct conn *c, const char *tenant, const struct service *svc,
		    const char *provider_id, int64_t from_day, int64_t to_day, int64_t now,
		    struct arena *a, struct avail_bundle **out, size_t *n, struct err *e);

/* The same around one start: its local date and one either side (local dates lie within a
 * day of UTC dates). */
static inline int candidates_around(struct conn *c, const char *tenant,
				    const struct service *svc, const char *provider_id,
				    int64_t start, int64_t now, struct arena *a,
				    struct avail_bundle **out, size_t *n, struct err *e)
{
	int64_t day = floor_div(start, 86400);
	return candidates_read(c, tenant, svc, provider_id, day - 2, day + 2, now, a, out, n, e);
}

/* A hold by id: 0, or -1 with ERR_NOT_FOUND when there is none. */
int hold_read(struct conn *c, const char *tenant, const char *id, struct hold *out,
	      struct err *e);
int hold_insert(struct conn *c, const char *tenant, const struct hold *h, struct err *e);
/* Deletes a hold by id (nothing when it is gone). */
int hold_delete_row(struct conn *c, const char *tenant, const char *id, struct err *e);
/* Deletes hold h as consumed by booking booking_id (its waitlist entry becomes booked). */
int hold_consume(struct conn *c, const char *tenant, const struct hold *h,
		 const char *booking_id, int64_t now, struct err *e);

/* Adds an event to the outbox. */
int outbox_add(struct conn *c, const char *tenant, const char *type, const char *subject_id,
	       const char *payload, int64_t now, struct err *e);

/* Rows behind the availability bundle and the calendar (sqlite_avail.c, sqlite_entries.c,
 * sqlite_bookings.c): overrides touching dates from_day..to_day (recurring ones as stored),
 * holidays applying to the provider there (recurring ones as stored), time off overlapping
 * [from, to), schedule-entry series that may have an occurrence of the provider in [from,
 * to), and active bookings overlapping [from, to) by start. */
int override_read_range(struct conn *c, const char *tenant, const char *provider_id,
			int64_t from_day, int64_t to_day, struct arena *a,
			struct override_rec **out, size_t *n, struct err *e);
int holiday_recs_for(struct conn *c, const char *tenant, const char *provider_id,
		     int64_t from_day, int64_t to_day, struct arena *a, struct holiday_rec **out,
		     size_t *n, struct err *e);
int time_off_read(struct conn *c, const char *tenant, const char *provider_id, int64_t from,
		  int64_t to, struct arena *a, struct time_off_rec **out, size_t *n,
		  struct err *e);
int entries_read_for(struct conn *c, const char *tenant, const char *provider_id, int64_t from,
		     int64_t to, struct arena *a, struct entry **out, size_t *n, struct err *e);
int bookings_overlapping(struct conn *c, const char *tenant, const char *provider_id,
			 int64_t from, int64_t to, struct arena *a, struct booking **out,
			 size_t *n, struct err *e);

/* Makes room for row n of an arena array of elem-sized rows. */
void *grow_rows(struct arena *a, void *rows, size_t n, size_t *cap, size_t elem);

/* Checks that every id names a provider of the tenant; each missing one is reported at
 * pointer/index (ERR_INVALID). */
int providers_exist(struct conn *c, const char *tenant, const id_t_ *ids, size_t n,
		    const char *pointer, struct err *e);

/* Binding and reading helpers. Text columns that are NULL read as "". */
void bind_text(sqlite3_stmt *s, int i, const char *v);
void bind_opt_text(sqlite3_stmt *s, int i, const char *v);	/* "" binds NULL */
void col_text(sqlite3_stmt *s, int i, char *out, size_t size);
const char *col_str(sqlite3_stmt *s, int i, struct arena *a);

/* Day-hours text encoding: "540-720,780-1020" (minutes). */
void hours_encode(const struct day_hours *h, char *out, size_t size);
int hours_decode(const char *s, struct day_hours *h);

#endif
