/* The tenant's business hours: when the business is open at all. Every provider's open
 * time is cut to them (in the business zone) unless the provider is exempt; business
 * overrides close dates or give them other hours, and holidays for all providers close the
 * business too. Part of the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_BUSINESS_H
#define SLOTD_USECASE_UC_BUSINESS_H

#include "store/store_business.h"
#include "usecase/uc.h"

/* The business hours as they read (timezone "" when none are set), with *zone their zone
 * (UTC when none). A key limited to some providers sees only those among the exempt. */
int uc_business_get(struct uc_ctx *ctx, struct business_hours *out, const struct tz **zone,
		    struct err *e);
/* Replaces them: bh's timezone (a known IANA name, else ERR_INVALID at /timezone),
 * versions (ordered here; overlapping ones are ERR_INVALID at /versions) and exempt
 * providers (each existing, else ERR_INVALID at /exempt_provider_ids/<index>). Writes
 * business_hours.updated. bh is updated to what was stored. */
int uc_business_put(struct uc_ctx *ctx, struct business_hours *bh, const struct tz **zone,
		    struct err *e);
/* Removes them (business_hours.deleted); ERR_NOT_FOUND when none are set. */
int uc_business_delete(struct uc_ctx *ctx, struct err *e);

/* o's id and created_at are set here; ERR_RECORD_LIMIT past BUSINESS_OVERRIDES_MAX.
 * Writes business_override.created. */
int uc_business_override_create(struct uc_ctx *ctx, struct override_rec *o, struct err *e);
int uc_business_override_get(struct uc_ctx *ctx, const char *id, struct override_rec *out,
			     struct err *e);
/* Business overrides touching dates from_day..to_day, by id. */
int uc_business_override_list(struct uc_ctx *ctx, int64_t from_day, int64_t to_day,
			      struct override_rec **out, size_t *n, struct err *e);
/* Writes o (its id naming the stored one, its other fields the whole new record) over the
 * stored one, keeping created_at; business_override.updated with the changes. An edit that
 * changes nothing writes nothing (o gets the stored updated_at). ERR_CONFLICT when the
 * stored one no longer renders as was, the record the edit was made from. */
int uc_business_override_update(struct uc_ctx *ctx, const struct override_rec *was,
				struct override_rec *o, struct err *e);
int uc_business_override_delete(struct uc_ctx *ctx, const char *id, struct err *e);

#endif
