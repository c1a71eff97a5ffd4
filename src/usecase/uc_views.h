/* Reads that combine sources: slots and explain, the calendar, and the event log. Part of
 * the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_VIEWS_H
#define SLOTD_USECASE_UC_VIEWS_H

#include "usecase/uc.h"

/* --- slots --- */

/* The service and the providers a slot query covers, ready for the engine. */
struct uc_slot_job {
	struct service svc;
	struct service_rules rules;	/* the service's own */
	size_t n;
	const char **ids;		/* provider ids, by slot_provider.index */
	struct slot_provider *providers;
	struct service_rules *prules;	/* each provider's (its own duration), by index */
	char next_provider[ID_MAX];	/* a page of providers: the cursor of the next ("": none) */
};
/* A page of a service's providers (by id): those after after (NULL: from the first), at
 * most limit. */
struct uc_slot_page {
	const char *after;
	size_t limit;
};
/* Loads service_id and its providers (provider_id alone when set: it must offer the
 * service, else ERR_INVALID at provider_id) that the caller may act for, over the UTC
 * window [from, to) widened for zones and buffers. ERR_NOT_FOUND for an unknown service or
 * provider. */
int uc_slot_job(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		int64_t from, int64_t to, struct uc_slot_job *out, struct err *e);

/* Bookable starts of service_id (provider_id alone when set) on the local dates
 * from_day..to_day of zone_name (NULL: the providers' zone, which must be one); with page,
 * of that page of its providers only (job.next_provider names the next); at most
 * max: ERR_INVALID at timezone for an unknown zone or providers in several, ERR_RANGE at
 * to past max. */
struct uc_slots {
	struct uc_slot_job job;
	const struct tz *display;	/* the zone dates were read in */
	struct slot_list *list;		/* ordered by start, then provider (freed with the arena) */
};
int uc_slots(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	     const struct uc_slot_page *page, int64_t from_day, int64_t to_day,
	     const char *zone_name, size_t max, struct uc_slots *out, struct err *e);

/* Why start is or is not bookable with provider_id, shown in zone_name (NULL: the
 * provider's). */
struct uc_explain {
	struct uc_slot_job job;
	struct slot_query q;
	struct slot_explanation x;
	const struct tz *zone;
};
int uc_explain(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	       int64_t start, const char *zone_name, struct uc_explain *out, struct err *e);

/* --- the calendar --- */
/* Items of the providers ids[0..n) over [from, to), ordered. ERR_INVALID at provider_ids for
 * one that does not exist (or the caller may not act for); ERR_RANGE past max items. */
int uc_calendar(struct uc_ctx *ctx, const char (*ids)[ID_MAX], size_t n, int64_t from,
		int64_t to, size_t max_items, struct cal_items *out, struct err *e);

/* --- events --- */
/* Events after f->after matching f, at most limit. *next_after is where the next page
 * starts (0 at the end): the last seq of a full page, or — filtering by anything but the
 * subject, where one call reads a bounded run of seqs — the end of the run it read. */
int uc_event_list(struct uc_ctx *ctx, struct event_filter *f, size_t limit,
		  struct event_rec **out, size_t *n, int64_t *next_after, struct err *e);
/* Purges events past the configured retention (the sweeper). */
void uc_event_purge(const struct uc_env *env, int64_t now);

#endif
