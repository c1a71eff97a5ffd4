/* The slot engine fed with what the store read: one provider's availability records and
 * commitments (a bundle) become the engine's view (slots.h), and the decisions made on it —
 * which provider takes a booking, whether a start is bookable, which start a waitlist entry
 * is offered — are made here, the same way for requests and background duties. */
#ifndef SLOTD_CORE_ENGINE_H
#define SLOTD_CORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/entry.h"
#include "core/expand.h"
#include "core/model.h"
#include "core/slots.h"
#include "util/arena.h"
#include "util/err.h"

/* The tenant's business hours as read for one request: their weekly versions, the business
 * overrides and the holidays for all providers over business-local dates from_day..to_day,
 * in zone timezone, and the providers exempt from them. Shared by the request's bundles;
 * open (UTC, those dates' open time) is worked out by the engine on first use. */
struct business_bundle {
	char timezone[TZ_NAME_MAX];
	struct schedule schedule;
	struct override_rec *overrides;	/* recurring ones as stored */
	size_t noverrides;
	struct holiday_rec *holidays;	/* for all providers (recurring as stored) */
	size_t nholidays;
	id_t_ *exempt;
	size_t nexempt;
	int64_t from_day, to_day;
	struct interval_set *open;	/* NULL until worked out; from the arena of that call */
};

/* True when provider id is exempt from business hours bb. */
bool business_exempt(const struct business_bundle *bb, const char *provider_id);

/* Everything the engine needs for one provider over local dates from_day..to_day. */
struct avail_bundle {
	struct provider provider;
	const struct week_template *versions;	/* the weekly schedule's versions, read only
						 * (often a cache entry's) */
	size_t nversions;
	struct override_rec *overrides;	/* touching the dates (recurring ones as stored) */
	size_t noverrides;
	struct holiday_rec *holidays;	/* applying to the provider there (recurring as stored) */
	size_t nholidays;
	/* The tenant's holidays for all providers, when not among holidays: shared by a query's
	 * bundles, read only (both lists by id; the engine walks them as one). */
	const struct holiday_rec *shared_holidays;
	size_t nshared_holidays;
	struct time_off_rec *time_off;	/* overlapping [from, to) */
	size_t ntime_off;
	struct booked_time *booked;	/* active bookings and live holds, by blocked start */
	size_t nbooked;
	struct entry *entries;		/* schedule-entry series that may occupy the provider */
	size_t nentries;
	struct external_busy *external;	/* external calendars' busy time over [from, to),
					 * by start */
	size_t nexternal;
	int64_t from_day, to_day;	/* the local dates asked for */
	int64_t from, to;		/* the UTC range commitments were read for */
	struct expand *expand;		/* the request's shared rule dates and deadline; NULL:
					 * this bundle's own, without a deadline */
	struct avail_input input;	/* built by engine_prepare; points into this bundle */
	struct business_bundle *business;	/* the tenant's business hours, shared; NULL:
						 * none set */
	bool versions_for_all;	/* known that no interval of versions is reserved for
				 * particular services (false: the engine looks) */
};

/* Asks the CPU to fetch what engine_prepare and slot generation read first of b (its first
 * schedule versions), to overlap with other work; changes nothing. */
void engine_prefetch(const struct avail_bundle *b);

/* True when some interval of one of the n versions v is reserved for particular services
 * (what avail_bundle.versions_for_all records the opposite of). */
bool engine_versions_reserved(const struct week_template *v, size_t n);

/* The UTC range a bundle for local dates from_day..to_day reads commitments over: the dates
 * in any zone, and a day more each side for buffers. */
static inline void bundle_range(int64_t from_day, int64_t to_day, int64_t *from, int64_t *to)
{
	instants_around(from_day, to_day, 1, from, to);
}

/* Makes the engine's view of bundle b for a query of svc: resolves the provider's zone in db,
 * builds the availability input (recurring overrides and holidays expanded into dates),
 * and turns bookings, holds and entry occurrences into busy time and taken seats. Memory
 * comes from a. ERR_INTERNAL for an unknown zone, ERR_RANGE when an entry's rule takes too
 * long to expand, ERR_TIMEOUT once b->expand's deadline has passed. */
int engine_prepare(struct avail_bundle *b, struct tz_db *db, const struct service *svc,
		   uint32_t index, struct arena *a, struct slot_provider *out, struct err *e);

/* The open time of bundle b's provider over its dates (as slots see it: hours, overrides,
 * holidays, time off, vacation) into open, and its schedule-entry occurrences over
 * [b->from, b->to) into entries (both cleared first). */
int engine_open_time(struct avail_bundle *b, struct tz_db *db, struct arena *a,
		     struct interval_set *open, struct interval_set *entries, struct err *e);

/* Explains start for bundle b (prepared here) under svc's rules at now. */
int engine_explain(struct avail_bundle *b, struct tz_db *db, const struct service *svc,
		   int64_t start, int64_t now, struct arena *a, struct slot_explanation *x,
		   struct err *e);

/* The error for an unbookable start: ERR_SLOT_TAKEN when only bookings or holds are in the
 * way, else ERR_UNAVAILABLE with the reason codes as the problem's "reasons" member (naming
 * the holiday and the external calendar behind them when not NULL). */
int engine_not_bookable(struct err *e, unsigned reasons, const struct holiday *holiday,
			const char *calendar);

/* Chooses among n loaded providers the one to take start for svc: one that can take it with
 * the fewest active bookings that local day, then the fewest around it, then the first.
 * Fills bk's provider, service, times, capacity, status (pending when the provider does not
 * auto-confirm or the service needs approval), price, a new id, version 1 and timestamps.
 * Returns its index, or -1 with e set: ERR_INVALID at /provider_id when n is 0, else as
 * engine_not_bookable (a taken start for one provider wins over unavailable for another). */
int engine_pick(struct avail_bundle *b, size_t n, struct tz_db *db, const struct service *svc,
		int64_t start, int64_t now, struct arena *a, struct booking *bk, struct err *e);

/* engine_pick in steps, for providers loaded a chunk at a time: engine_pick_begin, then
 * engine_pick_add for each chunk in the service's provider order (a chunk's bundles may be
 * freed after its call), then engine_pick_end. What a refusal names (a holiday, a calendar)
 * is copied into keep, as is an index of svc's own terms by provider (built once, when a pick
 * has judged a few dozen providers; svc must outlive the pick); the winner's id and zone are
 * kept here. */
struct engine_pick {
	const struct service *svc;
	int64_t start, now;
	struct arena *keep;
	size_t seen;			/* providers added so far */
	unsigned reasons, taken;	/* of those that cannot take the start */
	struct holiday holiday;		/* the last holiday named (name in keep) */
	bool has_holiday;
	const char *calendar;		/* the last calendar named (in keep), or NULL */
	int best;			/* the winner's index among all added; -1: none yet */
	int best_day, best_near;
	char provider_id[ID_MAX];	/* the winner's */
	bool auto_confirm;
	const struct tz *zone;		/* the winner's zone */
	struct offer_index offers;	/* svc's own terms by provider (in keep), once built */
};
void engine_pick_begin(struct engine_pick *pk, const struct service *svc, int64_t start,
		       int64_t now, struct arena *keep);
/* Judges the n bundles b (prepared here, memory from a). -1 with e set when the engine
 * cannot (an unknown zone, a rule out of its time budget). */
int engine_pick_add(struct engine_pick *pk, struct avail_bundle *b, size_t n, struct tz_db *db,
		    struct arena *a, struct err *e);
/* True once a provider without any commitment around the start can take it: no later one
 * can beat it, so the rest need not be judged (engine_pick_add stops there too). */
bool engine_pick_settled(const struct engine_pick *pk);
/* engine_pick's answer over everything added: bk filled and the winner's index, or -1 with
 * e set. */
int engine_pick_end(struct engine_pick *pk, struct booking *bk, struct err *e);

/* Removes one commitment (one seat, for groups) with exactly these times from b: a hold
 * about to be consumed, or a booking about to move. */
void bundle_drop_time(struct avail_bundle *b, bool held, int64_t start, int64_t block_start,
		      int64_t block_end, const char *service_id);
/* Adds live hold h to b's commitments, keeping them ordered by blocked start. */
void bundle_add_hold(struct avail_bundle *b, const struct hold *h, struct arena *a);

/* True when a start at local wall time wall lasting dur seconds suits the entry's dates,
 * weekdays and time windows. */
bool waitlist_wants(const struct waitlist_entry *w, int64_t wall, int64_t dur);

/* The earliest start in [from, to) that one of the n bundles whose provider reach covers
 * (any, when reach is NULL) offers for svc at now and that suits w: 1 with h's provider,
 * start, end and blocked times set, 0 when none fits. */
int engine_offer(struct avail_bundle *b, size_t n, struct tz_db *db, const struct service *svc,
		 const struct waitlist_entry *w, const struct auth *reach, int64_t from,
		 int64_t to, int64_t now, struct arena *a, struct hold *h, struct err *e);
/* engine_offer over providers loaded a chunk at a time, in the service's provider order:
 * with *found set, h holds the best start so far and only an earlier one replaces it (h is
 * filled whole, nothing points into b). 1 when this call found a better start, else 0.
 * offers (not NULL): svc's offer index, for each provider's own terms without a scan of the
 * service per provider (a service of thousands of providers). */
int engine_offer_more(struct avail_bundle *b, size_t n, struct tz_db *db,
		      const struct service *svc, const struct offer_index *offers,
		      const struct waitlist_entry *w, const struct auth *reach, int64_t from,
		      int64_t to, int64_t now, struct arena *a, struct hold *h, bool *found,
		      struct err *e);

#endif
