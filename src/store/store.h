/* The storage interface. Every function takes the tenant it acts for and never touches
 * another tenant's rows; an id of another tenant is ERR_NOT_FOUND. Functions return 0 / -1
 * with the error in e: ERR_NOT_FOUND, ERR_CONFLICT, ERR_INVALID (a referenced object does not
 * exist; e carries the field), ERR_STORE_BUSY (database busy or unreachable), ERR_STORE_FULL,
 * ERR_INTERNAL. No database error code leaves this layer.
 * Variable-length outputs (lists, id arrays) are allocated from the caller's arena.
 * Instants are UTC seconds; dates are day numbers (core/civil.h).
 * This header holds the connection, tenants and the catalog (providers, services,
 * availability); store/store_bookings.h holds what customers book. */
#ifndef SLOTD_STORE_STORE_H
#define SLOTD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/entry.h"
#include "core/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/* Opens (creating if needed) the database named by url ("sqlite:PATH") and applies
 * migrations. ERR_INVALID for a URL it cannot use, ERR_STORE_BUSY when unreachable. */
int store_open(const char *url, struct store **out, struct err *e);
void store_close(struct store *st);
/* A cheap round trip for readiness checks. */
int store_ping(struct store *st, struct err *e);

/* --- tenants and keys --- */
struct auth {
	char tenant_id[ID_MAX];
	enum role role;
	char booking_id[ID_MAX];	/* a manage token's booking; "" for API keys */
};

/* Creates a tenant (ERR_CONFLICT when slug is taken) with an admin key stored as key_hash. */
int store_tenant_create(struct store *st, const char *tenant_id, const char *slug,
			const char *name, const char *key_hash, int64_t now, struct err *e);
/* The tenant id for slug; ERR_NOT_FOUND when none. */
int store_tenant_find(struct store *st, const char *slug, char tenant_id[ID_MAX], struct err *e);
int store_key_add(struct store *st, const char *tenant_id, const char *key_hash, enum role role,
		  int64_t now, struct err *e);
/* Who key_hash belongs to; ERR_UNAUTHORIZED when nobody. */
int store_auth(struct store *st, const char *key_hash, struct auth *out, struct err *e);

/* --- list paging: rows with id > after (NULL = from the start), ascending, at most limit. */
struct page {
	const char *after;
	size_t limit;
};

/* --- providers --- */
int store_provider_create(struct store *st, const char *tenant, const struct provider *p,
			  struct err *e);
int store_provider_get(struct store *st, const char *tenant, const char *id, struct provider *out,
		       struct err *e);
int store_provider_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
			struct provider **out, size_t *n, struct err *e);
/* Read-modify-write in one transaction: apply edits *p (and may fail, rolling back). */
typedef int (*store_provider_edit_fn)(struct provider *p, void *ctx, struct err *e);
int store_provider_update(struct store *st, const char *tenant, const char *id,
			  store_provider_edit_fn edit, void *ctx, int64_t now,
			  struct provider *out, struct err *e);
int store_provider_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- services (provider_ids must name providers of the tenant: ERR_INVALID otherwise) --- */
int store_service_create(struct store *st, const char *tenant, const struct service *s,
			 struct err *e);
int store_service_get(struct store *st, const char *tenant, const char *id, struct arena *a,
		      struct service *out, struct err *e);
int store_service_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
		       struct service **out, size_t *n, struct err *e);
typedef int (*store_service_edit_fn)(struct service *s, void *ctx, struct arena *a,
				     struct err *e);
int store_service_update(struct store *st, const char *tenant, const char *id,
			 store_service_edit_fn edit, void *ctx, int64_t now, struct arena *a,
			 struct service *out, struct err *e);
int store_service_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- weekly schedule versions (replaced as a whole) --- */
int store_schedule_put(struct store *st, const char *tenant, const char *provider_id,
		       const struct schedule *s, struct err *e);
/* Weeks 2.. of alternating templates are allocated from a. */
int store_schedule_get(struct store *st, const char *tenant, const char *provider_id,
		       struct arena *a, struct schedule *out, struct err *e);

/* --- overrides --- */
int store_override_create(struct store *st, const char *tenant, const struct override_rec *o,
			  struct err *e);
/* Overrides of the provider touching dates from_day..to_day, in creation order. */
int store_override_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from_day, int64_t to_day, struct arena *a,
			struct override_rec **out, size_t *n, struct err *e);
int store_override_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e);

/* --- holidays --- */
int store_holiday_create(struct store *st, const char *tenant, const struct holiday_rec *h,
			 struct err *e);
int store_holiday_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
		       struct holiday_rec **out, size_t *n, struct err *e);
int store_holiday_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- time off --- */
#define TIME_OFF_MAX_SECONDS (366LL * 86400)

int store_time_off_create(struct store *st, const char *tenant, const struct time_off_rec *t,
			  struct err *e);
/* Time off of the provider overlapping [from, to), ascending by start. */
int store_time_off_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from, int64_t to, struct arena *a, struct time_off_rec **out,
			size_t *n, struct err *e);
int store_time_off_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e);

/* --- everything the slot engine needs for one provider over local dates from..to --- */
struct avail_bundle {
	struct provider provider;
	struct schedule schedule;
	struct avail_input input;	/* points into the arena and this bundle */
	struct booked_time *booked;	/* active bookings and live holds around the dates */
	size_t nbooked;
	struct entry *entries;		/* schedule-entry series that may occupy the provider */
	size_t nentries;
	int64_t from, to;		/* the UTC range bookings and entries were read for */
};

/* Everything one slot query reads, in one read transaction (one snapshot): the service
 * (ERR_NOT_FOUND when missing) and an availability bundle for each of its providers over
 * local dates from_day..to_day, or only for provider_id when it is set and the service lists
 * it (*n = 0 when it does not). Each bundle's input.tz is left NULL: the caller resolves
 * provider.timezone with its zone db. Holidays are those applying to the provider on those
 * dates; time off is what overlaps them, widened by two days each side. Holds live at now
 * count as booked time (booked_time.held). */
int store_slots_load(struct store *st, const char *tenant, const char *service_id,
		     const char *provider_id, int64_t from_day, int64_t to_day, int64_t now,
		     struct arena *a,
		     struct service *svc, struct avail_bundle **bundles, size_t *n,
		     struct err *e);

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

/* Bookings, holds, policies and the waitlist: store/store_bookings.h. */

#endif
