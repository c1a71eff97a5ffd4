/* Shared internals of the SQL store (both drivers): row helpers and the reads several files
 * share. Not part of the store interface. */
#ifndef SLOTD_STORE_SQL_INT_H
#define SLOTD_STORE_SQL_INT_H

#include <stdbool.h>

#include "core/civil.h"
#include "store/db.h"
#include "store/store_bookings.h"
#include "store/store_entries.h"
#include "store/store_notify.h"
#include "util/mem.h"

/* Steps a statement expecting no row (DB_DONE). Returns 0 / -1. */
int step_done(struct conn *c, struct stmt *s, const char *what, struct err *e);

/* Runs sql, an aggregate binding ?1 tenant (count, max), and reads the first column of its
 * row into out; what names the read in a failure. Returns 0 / -1 (out unchanged). */
int tenant_i64(struct store_tx *tx, const char *sql, int64_t *out, const char *what,
	       struct err *e);

/* Runs sql (binding ?1 tenant, ?2 id) and returns the statement positioned on its row; the
 * caller reads the columns and then calls db_reset. NULL with e set when there is no
 * row (ERR_NOT_FOUND: "<what> <id> not found") or the query fails. */
struct stmt *row_by_id(struct store_tx *tx, const char *sql, const char *id, const char *what,
		       struct err *e);

/* The providers' own prices and durations of service v (its id set) into v->offers, from a
 * (sql_offers.c); and writing back those of v's offers whose provider v still has, after its
 * provider links were rewritten. */
int service_offers_read(struct store_tx *tx, struct service *v, struct arena *a, struct err *e);
int service_offers_keep(struct store_tx *tx, const struct service *v, struct err *e);

/* Runs a DELETE (sql binds ?1 tenant, ?2 id and, when owner is set, ?3 owner) in tx;
 * ERR_NOT_FOUND ("<what> <id> not found") when it deleted nothing. */
int delete_row(struct store_tx *tx, const char *sql, const char *id, const char *owner,
	       const char *what, struct err *e);

/* Rows behind the bundle and the calendar (sql_avail.c, sql_entries.c, sql_bookings.c):
 * holidays applying to the provider on dates from_day..to_day (recurring ones as stored),
 * schedule-entry series that may have an occurrence of the provider in [from, to), active
 * bookings and live holds whose blocked time overlaps [from, to) (by blocked start), and
 * active bookings overlapping [from, to) by their own times (by start). */
/* Business-local dates read around provider-local ones: zones differ by up to 26 hours. */
#define BUSINESS_DAYS_MARGIN 2
int holiday_recs_for(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct arena *a, struct holiday_rec **out, size_t *n,
		     struct err *e);
/* What opens one provider's time over local dates from_day..to_day, business hours aside
 * (provider, schedule, overrides, holidays, time off, entries), into b from a; with cache,
 * b->holidays are the provider's own and b->shared_holidays the tenant's for all providers,
 * read once into cache for every call (NULL: both kinds in b->holidays, for this one alone). */
int bundle_records_read(struct store_tx *tx, const char *provider_id, int64_t from_day,
			int64_t to_day, struct bundle_cache *cache, struct arena *a,
			struct avail_bundle *b, struct err *e);
/* The tenant's holidays for all providers over the dates, read once into cache (from a). */
int holidays_all(struct store_tx *tx, struct bundle_cache *cache, int64_t from_day,
		 int64_t to_day, struct arena *a, struct err *e);
int entries_read_for(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct entry **out, size_t *n, struct err *e);
int booked_read(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		int64_t now, struct arena *a, struct booked_time **out, size_t *n, struct err *e);
/* One row of the bookings-and-holds statements (booked_read and the reads of many providers'
 * commitments, sql_bundles.c): start, blocked start and end, service, held, into dst (a
 * struct booked_time); a is unused. */
void read_booked(struct stmt *s, struct arena *a, void *dst);
int bookings_overlapping(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
			 struct arena *a, struct booking **out, size_t *n, struct err *e);

/* Event rows (sql_holds.c, sql_outbox.c): the columns, and the reader of a row of them
 * (payload and changes from a). */
#define EVENT_COLS                                                                             \
	"seq, id, type, subject_id, actor_type, actor_id, actor_role, request_id, payload,"     \
	" changes, created_at"
void read_event(struct stmt *s, struct arena *a, struct event_rec *ev);

/* Customer feedback from s's columns i.. (rating, comment, created_at, updated_at), the
 * comment from a (NULL when there is none) (sql_feedback.c, sql_bookings.c). */
void read_feedback(struct stmt *s, int i, struct arena *a, struct booking_feedback *out);

/* Makes room for row n of an arena array of elem-sized rows. */
void *grow_rows(struct arena *a, void *rows, size_t n, size_t *cap, size_t elem);

/* External busy time (sql_calendars.c): appends the intervals of one calendar_busy row of s
 * (columns day, spans, calendar_id, calendar name) that overlap [from, to) to *v (*n rows,
 * room for *cap, grown in a); external_busy_sort orders n of them by start. */
struct external_busy;
void external_busy_row(struct stmt *s, int64_t from, int64_t to, struct arena *a,
		      struct external_busy **v, size_t *n, size_t *cap);
void external_busy_sort(struct external_busy *v, size_t n);

/* Fills the row at dst from s's current row (text and arrays from a). */
typedef void (*row_reader_fn)(struct stmt *s, struct arena *a, void *dst);
/* Steps s (its parameters bound) to its end, reading each row with read into a new arena
 * array of elem-sized rows (*out, *n), and resets s; a failing step is reported as what. */
int rows_read(struct conn *c, struct stmt *s, row_reader_fn read, size_t elem, struct arena *a,
	      void **out, size_t *n, const char *what, struct err *e);
/* Runs sql, binding ?1 to tx's tenant, and reads its row, if any, into dst with read (no
 * arena). 1 when there was a row, 0 when none, -1 when the query fails (reported as what). */
int tenant_row_read(struct store_tx *tx, const char *sql, row_reader_fn read, void *dst,
		    const char *what, struct err *e);
/* A row_reader_fn for rows of one id (column 0) into an id_t_. */
void read_id_row(struct stmt *s, struct arena *a, void *dst);
/* rows_read for a page: binds ?1 (the tenant), ?2 (pg.after) and ?3 (pg.limit) of s, which
 * may be NULL (a failed prepare, already reported in e); other parameters are bound by the
 * caller. */
int page_read(struct store_tx *tx, struct stmt *s, struct page pg, row_reader_fn read,
	      size_t elem, struct arena *a, void **out, size_t *n, const char *what,
	      struct err *e);
/* rows_read of sql with ?1 the tenant, ?2 provider_id and ?3 service_id (either may be NULL). */
int rows_of(struct store_tx *tx, const char *sql, const char *provider_id,
	    const char *service_id, row_reader_fn read, size_t elem, struct arena *a, void **out,
	    size_t *n, const char *what, struct err *e);
/* The provider ids (up to max) that sql, with ?1 the tenant and ?2 owner, selects. */
int ids_read(struct store_tx *tx, const char *sql, const char *owner, size_t max,
	     struct arena *a, id_t_ **ids, size_t *n, const char *what, struct err *e);
/* Runs sql, an insert of (?1 the tenant, ?2 owner, ?3 id), for each of ids[0..n). */
int ids_link(struct store_tx *tx, const char *sql, const char *owner, const id_t_ *ids,
	     size_t n, const char *what, struct err *e);

/* Records a use outside any tenant's lock (a row nobody's check reads): runs sql, an UPDATE
 * binding ?1 tenant (typed, so sql need not use it), ?2 id, ?3 now and ?4 now - every (the last use it replaces must be
 * older), on its own connection (SQLite: as the one writer). what names a failure. */
int store_touch(struct store *st, const char *sql, const char *tenant, const char *id,
		int64_t now, int64_t every, const char *what, struct err *e);

/* Reading helpers. Text columns that are NULL read as "". */
void col_text(struct stmt *s, int i, char *out, size_t size);
const char *col_str(struct stmt *s, int i, struct arena *a);
static inline int64_t col_opt_i64(struct stmt *s, int i)
{
	return db_col_null(s, i) ? 0 : db_col_i64(s, i);
}
/* Binds v, or NULL when it is 0. */
static inline void bind_opt_i64(struct stmt *s, int i, int64_t v)
{
	if (v)
		db_bind_i64(s, i, v);
	else
		db_bind_null(s, i);
}

/* Day-hours text encoding: "540-720,780-1020" (minutes); an interval reserved for services
 * carries their ids after a colon: "540-720:svc_a;svc_b" (rows written before that read as
 * open to any service). HOURS_TEXT_MAX bounds one day's text, NUL included. */
#define HOURS_TEXT_MAX \
	(AVAIL_MAX_DAY_INTERVALS * (12 + AVAIL_MAX_INTERVAL_SERVICES * ID_MAX) + 1)
void hours_encode(const struct day_hours *h, char *out, size_t size);
/* Decodes hours without service ids (-1 on any). */
int hours_decode(const char *s, struct day_hours *h);
/* Decodes hours, their service sets allocated from a. Returns 0 / -1 (malformed). */
int hours_decode_sets(const char *s, struct arena *a, struct day_hours *h);
/* Weekly text of one schedule version: seven hour lists per week of its cycle, Monday
 * first, separated by '|' (at most WEEKLY_TEXT_MAX bytes with the NUL). Decoding allocates
 * weeks 2.. from a; -1 for corrupt text. */
#define WEEKLY_TEXT_MAX (AVAIL_MAX_WEEKS * 7 * (AVAIL_MAX_DAY_INTERVALS * 10 + 1) + 8)
void weekly_encode(const struct week_template *t, char *out, size_t size);
int weekly_decode(const char *s, struct week_template *t, struct arena *a);
/* The most weekly text a provider's version takes, with service ids (heap-sized). */
#define SCHEDULE_TEXT_MAX (AVAIL_MAX_WEEKS * 7 * HOURS_TEXT_MAX + 8)
/* The schedule versions of provider_id, or of the business when it is NULL (sql_avail.c):
 * put replaces them all with sch; get reads them in order into out, weeks 2.. from a
 * (ERR_INTERNAL for corrupt stored text). Return 0 / -1. */
int schedule_versions_put(struct store_tx *tx, const char *provider_id,
			  const struct schedule *sch, struct err *e);
int schedule_versions_get(struct store_tx *tx, const char *provider_id, struct arena *a,
			  struct schedule *out, struct err *e);
/* The business hours for bundles over provider-local dates from_day..to_day (NULL when the
 * tenant sets none), read once into cache when it is not NULL (sql_business.c). */
int business_cached(struct store_tx *tx, int64_t from_day, int64_t to_day,
		    struct bundle_cache *cache, struct arena *a, struct business_bundle **out,
		    struct err *e);
/* The holidays for all providers with a date in from_day..to_day (recurring ones as
 * stored), by id. */
int holidays_tenant_wide(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
			 struct holiday_rec **out, size_t *n, struct err *e);

/* Notification rows shared by sql_webhooks.c (the API's side) and sql_outbox.c (the
 * worker's). Endpoint rows select ENDPOINT_COLS; event_types is JSON array text. */
#define ENDPOINT_COLS                                                                          \
	"id, url, event_types, enabled, description, secret, previous_secret, previous_until," \
	" failing_since, disabled_reason, version, created_at, updated_at"
#define ENDPOINT_TYPES_TEXT_MAX (WEBHOOK_TYPES_MAX * (EVENT_TYPE_MAX * 2 + 3) + 3)
void read_endpoint_row(struct stmt *s, struct arena *a, void *dst);
void endpoint_types_encode(const struct webhook_endpoint *w, char *out, size_t size);
void endpoint_types_decode(const char *text, struct webhook_endpoint *w);
/* Delivery rows select DELIVERY_COLS; channel and status are stored by these names. */
#define DELIVERY_COLS                                                                          \
	"id, tenant_id, event_seq, event_id, event_type, channel, endpoint_id, recipient,"     \
	" recipient_role, status, attempts, next_attempt_at, last_status, last_error,"         \
	" created_at, updated_at"
void read_delivery_row(struct stmt *s, struct arena *a, void *dst);

#endif
