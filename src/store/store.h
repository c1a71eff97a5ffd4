/* The storage interface: transactions, and the queries and writes that run inside one. The
 * store decides nothing about the domain; the use cases (src/usecase) run their rules
 * between its calls. Every query acts for the tenant its transaction was begun for and never
 * touches another tenant's rows; an id of another tenant is ERR_NOT_FOUND. Functions return
 * 0 / -1 with the error in e: ERR_NOT_FOUND, ERR_CONFLICT, ERR_INVALID (a referenced object
 * does not exist; e carries the field), ERR_SLOT_TAKEN (the no-overlap backstop),
 * ERR_STORE_BUSY (database busy or unreachable; e->rerun when the transaction lost to a
 * concurrent one), ERR_STORE_FULL, ERR_INTERNAL. No database error code leaves this layer.
 * Variable-length outputs (lists, id arrays) are allocated from the caller's arena.
 * Instants are UTC seconds; dates are day numbers (core/civil.h).
 * This header holds transactions, tenants, keys and the catalog (providers, services,
 * availability); store_bookings.h holds what customers book, the waitlist and events;
 * store_entries.h schedule entries and the calendar. */
#ifndef SLOTD_STORE_STORE_H
#define SLOTD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/engine.h"
#include "core/entry.h"
#include "core/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/* Opens (creating if needed) the database named by url ("sqlite:PATH" or a PostgreSQL URL)
 * and applies migrations. ERR_INVALID for a URL it cannot use, ERR_STORE_BUSY when
 * unreachable. */
int store_open(const char *url, struct store **out, struct err *e);
void store_close(struct store *st);
/* A cheap round trip for readiness checks. */
int store_ping(struct store *st, struct err *e);
/* "sqlite" or "postgresql". */
const char *store_backend(const struct store *st);
/* SQLite: whether write transactions waiting for the writer commit together, one sync for
 * the batch (group commit; on unless SLOTD_GROUP_COMMIT=off). Nothing on PostgreSQL. */
void store_group_commit(struct store *st, bool on);

/* --- transactions --- */
struct store_tx;

enum store_mode {
	STORE_READ = 0,		/* a pooled connection; each query sees the latest commits */
	STORE_SNAPSHOT,		/* a read transaction: every query sees one snapshot */
	STORE_WRITE,		/* a write transaction: SQLite's single writer (BEGIN IMMEDIATE);
				 * on PostgreSQL a transaction holding the tenant's lock, so
				 * writes of one tenant run one at a time across processes and
				 * what they check holds until COMMIT */
};

/* Begins a transaction of tenant ("" for the few queries that span tenants). NULL with e
 * set when no connection is to be had. */
struct store_tx *store_begin(struct store *st, const char *tenant, enum store_mode mode,
			     struct err *e);
/* A write transaction (STORE_WRITE) for a booking of one provider, which reads and writes
 * that provider's bookings, holds, reminders and statistics, and otherwise only reads
 * tenant-wide rows or inserts rows of its own (events, idempotency keys). On PostgreSQL it
 * holds the tenant's lock shared and the provider's exclusive, so such writes for distinct
 * providers run side by side while every other write of the tenant waits for them (and they
 * for it); events are appended in commit order all the same. SQLite: store_begin. NULL or ""
 * provider_id: store_begin. */
struct store_tx *store_begin_for(struct store *st, const char *tenant, const char *provider_id,
				 struct err *e);
/* Ends tx: a write transaction commits when commit is true (-1 with e set if COMMIT fails)
 * and rolls back otherwise; reads just end. The connection goes back to the pool. */
int store_end(struct store_tx *tx, bool commit, struct err *e);
/* For background duties in a transaction begun for "": the tenant that the tenant-scoped
 * queries after it act for. It takes no tenant lock, so it is not for tx_event_append. */
void store_tx_act_for(struct store_tx *tx, const char *tenant);
/* A write transaction that lost to a concurrent one (e->rerun: serialization failure or
 * deadlock) may be run again, at most STORE_RERUNS more times: store_rerun says whether,
 * after a short random pause, and clears e. */
#define STORE_RERUNS 3
bool store_rerun(struct err *e, int attempt);

/* --- list paging: rows with id > after (NULL = from the start), ascending, at most limit */
struct page {
	const char *after;
	size_t limit;
};

/* --- tenants and keys --- */
int tx_tenant_insert(struct store_tx *tx, const char *slug, const char *name, int64_t now,
		     struct err *e);
/* The tenant id for slug (any tenant's transaction); ERR_NOT_FOUND when none. With
 * link_secret (not NULL), also its link key ("" when it has none yet). */
int tx_tenant_find(struct store_tx *tx, const char *slug, char tenant_id[ID_MAX],
		   char *link_secret, struct err *e);

/* Stores key k (its provider ids too) with the hash of its secret. */
int tx_key_insert(struct store_tx *tx, const struct api_key *k, const char *key_hash,
		  struct err *e);
/* A live (not revoked) key by id; ERR_NOT_FOUND otherwise. */
int tx_key_get(struct store_tx *tx, const char *id, struct arena *a, struct api_key *out,
	       struct err *e);
/* A key by id, revoked or not (what it was made to reach stays); ERR_NOT_FOUND when none. */
int tx_key_any(struct store_tx *tx, const char *id, struct arena *a, struct api_key *out,
	       struct err *e);
/* Live keys by id, paged. */
int tx_key_list(struct store_tx *tx, struct page pg, struct arena *a, struct api_key **out,
		size_t *n, struct err *e);
/* Revokes live key id at now, giving its secret's hash; ERR_NOT_FOUND when none. */
int tx_key_revoke(struct store_tx *tx, const char *id, int64_t now,
		  char key_hash[TOKEN_HASH_MAX], struct err *e);
/* How many live admin keys the tenant has that have not expired by now. */
int tx_key_admins(struct store_tx *tx, int64_t now, int *n, struct err *e);
/* Who key_hash belongs to (any tenant): tenant, role, key id, expiry and provider scope.
 * ERR_UNAUTHORIZED for an unknown or revoked key. */
int tx_auth(struct store_tx *tx, const char *key_hash, struct auth *out, struct err *e);
/* Records that the key was used at now, when its last record is over a minute old: a
 * transaction of its own that takes no tenant lock. */
int store_key_touch(struct store *st, const char *key_id, int64_t now, struct err *e);

/* --- providers --- */
/* A provider (not deleted); ERR_NOT_FOUND otherwise. Its profile pointers are left NULL:
 * tx_provider_profile_read fills them. */
int tx_provider_get(struct store_tx *tx, const char *id, struct provider *out, struct err *e);
/* Sets p's profile pointers (bio … video_url) from provider id's row, deleted or not, with
 * copies in arena a; ERR_NOT_FOUND when there is no such row. */
int tx_provider_profile_read(struct store_tx *tx, const char *id, struct arena *a,
			     struct provider *p, struct err *e);
/* The zone name of provider id, deleted or not (bookings keep showing in it). */
int tx_provider_zone(struct store_tx *tx, const char *id, char out[TZ_NAME_MAX],
		     struct err *e);
/* Providers by id, paged; with scope_key (the id of a key limited to some providers), only
 * those the key may act for. */
int tx_provider_list(struct store_tx *tx, struct page pg, const char *scope_key,
		     struct arena *a, struct provider **out, size_t *n, struct err *e);
int tx_provider_insert(struct store_tx *tx, const struct provider *p, struct err *e);
/* Writes every column, the profile too: p's profile must have been read first. */
int tx_provider_update(struct store_tx *tx, const struct provider *p, struct err *e);
/* Deletes the provider with its schedule, overrides, time off, holds, service, holiday, key
 * and entry assignments; a holiday for chosen providers that loses its last one goes too.
 * With history (bookings name it, keep_row) its row stays, marked deleted at now, so the
 * bookings keep their provider; otherwise it goes. */
int tx_provider_delete(struct store_tx *tx, const char *id, bool keep_row, int64_t now,
		       struct err *e);

/* What still depends on a provider: its bookings (active ones ending after now, and all),
 * and the schedule entries it is assigned to (in a series or one occurrence). */
struct provider_usage {
	int upcoming_bookings;
	int bookings;
	int entries;
};
int tx_provider_usage(struct store_tx *tx, const char *id, int64_t now,
		      struct provider_usage *out, struct err *e);
/* What names a provider: the entries it is assigned to (series or occurrence), the services
 * that offer it, the holidays chosen for it, the keys limited to it. */
enum provider_ref { REF_ENTRIES = 0, REF_SERVICES, REF_HOLIDAYS, REF_KEYS };
/* Ids of the objects of one kind that name provider id, by id. */
int tx_provider_refs(struct store_tx *tx, enum provider_ref kind, const char *id,
		     struct arena *a, id_t_ **out, size_t *n, struct err *e);
/* Active bookings of provider id ending after now, by start: the first max of them (0 =
 * every one). */
int tx_provider_upcoming(struct store_tx *tx, const char *id, int64_t now, size_t max,
			 struct arena *a, struct booking **out, size_t *n, struct err *e);

/* Checks that every id names a provider of the tenant; each missing one is reported at
 * pointer/<index> (ERR_INVALID). */
int tx_providers_exist(struct store_tx *tx, const id_t_ *ids, size_t n, const char *pointer,
		       struct err *e);

/* --- services (provider_ids must name providers of the tenant: ERR_INVALID otherwise) --- */
int tx_service_get(struct store_tx *tx, const char *id, struct arena *a, struct service *out,
		   struct err *e);
int tx_service_list(struct store_tx *tx, struct page pg, struct arena *a,
		    struct service **out, size_t *n, struct err *e);
/* Every service marked public (the booking page's), by id. */
int tx_service_list_public(struct store_tx *tx, struct arena *a, struct service **out,
			   size_t *n, struct err *e);
int tx_service_insert(struct store_tx *tx, const struct service *s, struct err *e);
/* Writes the service; when it now has seats, its active one-to-one bookings become seats. */
int tx_service_update(struct store_tx *tx, const struct service *s, struct err *e);
int tx_service_delete(struct store_tx *tx, const char *id, struct err *e);
/* Links the providers ids[0..n) not yet offering current (the service as read in tx) to
 * service_id, all or none: added[i] tells which were new; a provider that does not exist
 * is ERR_INVALID at /provider_ids/<index>. */
int tx_service_providers_add(struct store_tx *tx, const char *service_id, const id_t_ *ids,
			     size_t n, const struct service *current, bool *added,
			     struct err *e);
int tx_service_provider_remove(struct store_tx *tx, const char *service_id,
			       const char *provider_id, struct err *e);
/* The service's provider ids after after (NULL: from the first), by id, at most limit. */
int tx_service_providers_page(struct store_tx *tx, const char *service_id, const char *after,
			      size_t limit, struct arena *a, id_t_ **out, size_t *n,
			      struct err *e);
/* Sets the service's updated_at. */
int tx_service_touch(struct store_tx *tx, const char *service_id, int64_t now, struct err *e);
int tx_service_provider_count(struct store_tx *tx, const char *service_id, size_t *n,
			      struct err *e);

/* --- weekly schedule versions (replaced as a whole) --- */
/* Weeks 2.. of alternating templates are allocated from a. */
int tx_schedule_get(struct store_tx *tx, const char *provider_id, struct arena *a,
		    struct schedule *out, struct err *e);
int tx_schedule_put(struct store_tx *tx, const char *provider_id, const struct schedule *s,
		    struct err *e);

/* --- overrides --- */
/* Service sets of its intervals come from a. */
int tx_override_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct arena *a, struct override_rec *out, struct err *e);
/* Overrides of the provider touching dates from_day..to_day, by id. */
int tx_override_list(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct arena *a, struct override_rec **out, size_t *n,
		     struct err *e);
int tx_override_insert(struct store_tx *tx, const struct override_rec *o, struct err *e);
/* Writes o's dates, hours, note, rule and updated_at over its row (o->id of o->provider_id). */
int tx_override_update(struct store_tx *tx, const struct override_rec *o, struct err *e);
/* How many overrides provider_id has; with provider_id NULL, how many of the tenant's recur. */
int tx_override_count(struct store_tx *tx, const char *provider_id, size_t *n, struct err *e);
int tx_override_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e);

/* --- holidays --- */
int tx_holiday_get(struct store_tx *tx, const char *id, struct arena *a,
		   struct holiday_rec *out, struct err *e);
int tx_holiday_list(struct store_tx *tx, struct page pg, struct arena *a,
		    struct holiday_rec **out, size_t *n, struct err *e);
int tx_holiday_insert(struct store_tx *tx, const struct holiday_rec *h, struct err *e);
/* Writes h over its row, with its providers (each must exist: a field error at
 * /provider_ids otherwise). */
int tx_holiday_update(struct store_tx *tx, const struct holiday_rec *h, struct err *e);
/* Every holiday that may fall on a date from_day..to_day (a rule's dates are not expanded:
 * those whose span meets the range), by id, with providers. Bounded by UC_HOLIDAYS_MAX. */
int tx_holiday_range(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
		     struct holiday_rec **out, size_t *n, struct err *e);
/* How many holidays the tenant has. */
int tx_holiday_count(struct store_tx *tx, size_t *n, struct err *e);
int tx_holiday_delete(struct store_tx *tx, const char *id, struct err *e);

/* --- time off --- */
#define TIME_OFF_MAX_SECONDS (366LL * 86400)

int tx_time_off_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct time_off_rec *out, struct err *e);
/* Time off of the provider overlapping [from, to), ascending by start. */
int tx_time_off_list(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct time_off_rec **out, size_t *n, struct err *e);
int tx_time_off_insert(struct store_tx *tx, const struct time_off_rec *t, struct err *e);
/* Writes t's span, reason and updated_at over its row (t->id of t->provider_id). */
int tx_time_off_update(struct store_tx *tx, const struct time_off_rec *t, struct err *e);
int tx_time_off_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e);

/* --- what the engine needs --- */
/* One provider's bundle over local dates from_day..to_day: its records, and the active
 * bookings, holds live at now, entry series and external calendars' busy time around them
 * (core/engine.h). */
int tx_bundle(struct store_tx *tx, const char *provider_id, int64_t from_day, int64_t to_day,
	      int64_t now, struct arena *a, struct avail_bundle *b, struct err *e);
/* What bundles of one transaction and window share: the tenant-wide holidays and the
 * business hours, read once (start zeroed; the rows live in the arena of the first call). */
struct bundle_cache {
	bool read;
	int64_t from_day, to_day;
	struct holiday_rec *holidays;
	size_t nholidays;
	bool business_read;
	int64_t business_from_day, business_to_day;
	struct business_bundle *business;	/* NULL: the tenant sets no business hours */
	/* The availability cache's view of the transaction (tx_bundle_static): the tenant's
	 * availability revision, read once (rev_state 0: not yet, 1: read, -1: the tenant has
	 * none, so nothing is cached). */
	int rev_state;
	int64_t rev;
};
/* tx_bundle for one of several providers over the same dates: bundles share the tenant-wide
 * holiday rows (b->shared_holidays points into cache, b->holidays holds the provider's own).
 * A NULL cache reads for this provider
 * alone, in one statement. */
int tx_bundle_cached(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, int64_t now, struct bundle_cache *cache, struct arena *a,
		     struct avail_bundle *b, struct err *e);
/* tx_bundle_cached in two steps, the first answered from the process's availability cache
 * when the tenant's revision (read once into cache, in tx's snapshot) is the one it was
 * stored at: tx_bundle_static fills b with what opens the provider's time (records, entry
 * series, business hours; shared, read-only memory held until a is freed) and
 * tx_bundles_commitments then reads the bookings, live holds and external busy time of the
 * n bundles b (one statement of each kind for all of them). */
int tx_bundle_static(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct bundle_cache *cache, struct arena *a,
		     struct avail_bundle *b, struct err *e);
/* tx_bundle_static for provider_ids[0..n) into b[0..n), looked up in the availability cache
 * in one go (one hold of its lock). */
int tx_bundles_static(struct store_tx *tx, const char *const *provider_ids, size_t n,
		      int64_t from_day, int64_t to_day, struct bundle_cache *cache,
		      struct arena *a, struct avail_bundle *b, struct err *e);
int tx_bundles_commitments(struct store_tx *tx, struct avail_bundle *b, size_t n, int64_t now,
			   struct arena *a, struct err *e);
/* The bookings and live holds of every provider of tx's tenant whose blocked time reaches
 * into the bundles' range of local dates from_day..to_day, read once (one statement) for a
 * query over more providers than one round of tx_bundles_commitments takes, in a;
 * tx_bundles_commitments_of hands each bundle its own (and reads external busy time, when
 * the tenant has calendars, for those n). b's range must be the one read. *out is NULL when
 * the tenant has more rows there than a query holds at once (its other services' too): the
 * caller reads each round's commitments with tx_bundles_commitments then. */
struct tx_commitments;
int tx_commitments_read(struct store_tx *tx, int64_t from_day, int64_t to_day, int64_t now,
			struct arena *a, struct tx_commitments **out, struct err *e);
int tx_bundles_commitments_of(struct store_tx *tx, const struct tx_commitments *c,
			      struct avail_bundle *b, size_t n, struct arena *a, struct err *e);
/* Sets the process's availability cache to hold at most mb megabytes (0: none). Call before
 * the store is used by more than one thread. */
void store_avail_cache_mb(struct store *st, size_t mb);

/* tx_bundle_cached without the bookings, holds and external busy time: what opens the
 * provider's time and the entries that occupy it (analytics over long ranges). */
int tx_bundle_open(struct store_tx *tx, const char *provider_id, int64_t from_day,
		   int64_t to_day, struct bundle_cache *cache, struct arena *a,
		   struct avail_bundle *b, struct err *e);

/* --- moving between databases (slotd copy) --- */
/* Copies every tenant, or only the one named slug (ERR_NOT_FOUND when the source has none),
 * with all its rows from src into dst, in one transaction of dst, and checks every table's
 * row count against the source's snapshot before committing. ERR_CONFLICT, and nothing
 * written, when dst already has one of those tenants. report gets each table's row count
 * after the commit. The stores must be opened for the copy alone (its statements are built
 * at run time) and closed after it. */
int store_copy(struct store *src, struct store *dst, const char *slug,
	       void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
	       struct err *e);

/* Bookings, holds, policies, the waitlist and events: store/store_bookings.h. Schedule
 * entries and the calendar: store/store_entries.h. */

#endif
