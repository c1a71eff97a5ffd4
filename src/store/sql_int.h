/* Shared internals of the SQL store (both drivers): row helpers and the reads several files
 * share. Not part of the store interface. */
#ifndef SLOTD_STORE_SQL_INT_H
#define SLOTD_STORE_SQL_INT_H

#include <stdbool.h>

#include "core/civil.h"
#include "store/db.h"
#include "store/store_bookings.h"
#include "store/store_entries.h"
#include "util/mem.h"

/* Steps a statement expecting no row (DB_DONE). Returns 0 / -1. */
int step_done(struct conn *c, struct stmt *s, const char *what, struct err *e);

/* Runs sql (binding ?1 tenant, ?2 id) and returns the statement positioned on its row; the
 * caller reads the columns and then calls db_reset. NULL with e set when there is no
 * row (ERR_NOT_FOUND: "<what> <id> not found") or the query fails. */
struct stmt *row_by_id(struct conn *c, const char *sql, const char *tenant, const char *id,
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

/* Rows behind the availability bundle and the calendar (sql_avail.c, sql_entries.c,
 * sql_bookings.c): overrides touching dates from_day..to_day (recurring ones as stored),
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

/* Reading helpers. Text columns that are NULL read as "". */
void col_text(struct stmt *s, int i, char *out, size_t size);
const char *col_str(struct stmt *s, int i, struct arena *a);

/* Day-hours text encoding: "540-720,780-1020" (minutes). */
void hours_encode(const struct day_hours *h, char *out, size_t size);
int hours_decode(const char *s, struct day_hours *h);

#endif
