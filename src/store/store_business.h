/* The tenant's business hours in the store: one weekly schedule (versions like a
 * provider's) in a zone of its own, the providers exempt from it, and the business overrides
 * (closed dates, custom hours, ranges, recurring rules). Same conventions as store.h. */
#ifndef SLOTD_STORE_STORE_BUSINESS_H
#define SLOTD_STORE_STORE_BUSINESS_H

#include "store/store.h"

/* At most this many business overrides per tenant (ERR_RECORD_LIMIT past it, in the use
 * case), and this many exempt providers (every provider of a big clinic fits). */
#define BUSINESS_OVERRIDES_MAX 500
#define BUSINESS_EXEMPT_MAX SERVICE_MAX_PROVIDERS

struct business_hours {
	char timezone[TZ_NAME_MAX];	/* "" when the tenant sets no business hours */
	struct schedule schedule;	/* weeks 2.. of alternating versions in the arena */
	id_t_ *exempt;			/* exempt provider ids, ascending */
	size_t nexempt;
	int version;			/* 1 at the first PUT, one more at each */
	int64_t updated_at;
};

/* The business hours (timezone "" and no versions when none are set; never ERR_NOT_FOUND).
 * Exempt ids and alternating weeks come from a. */
int tx_business_get(struct store_tx *tx, struct arena *a, struct business_hours *out,
		    struct err *e);
/* Replaces them as a whole (version one more than before). Each exempt id must name a
 * provider of the tenant: ERR_INVALID at /exempt_provider_ids/<index> otherwise. */
int tx_business_put(struct store_tx *tx, struct business_hours *bh, struct err *e);
/* Removes them with their exemptions (the business overrides stay); ERR_NOT_FOUND when none
 * are set. */
int tx_business_delete(struct store_tx *tx, struct err *e);

/* Business overrides: override_rec with provider_id "". */
int tx_business_override_insert(struct store_tx *tx, const struct override_rec *o,
				struct err *e);
/* Writes o's dates, hours, note, rule and updated_at over the stored one (ERR_NOT_FOUND when
 * none has its id). */
int tx_business_override_update(struct store_tx *tx, const struct override_rec *o,
				struct err *e);
int tx_business_override_get(struct store_tx *tx, const char *id, struct override_rec *out,
			     struct err *e);
/* Business overrides touching dates from_day..to_day, by id. */
int tx_business_override_list(struct store_tx *tx, int64_t from_day, int64_t to_day,
			      struct arena *a, struct override_rec **out, size_t *n,
			      struct err *e);
int tx_business_override_count(struct store_tx *tx, size_t *n, struct err *e);
int tx_business_override_delete(struct store_tx *tx, const char *id, struct err *e);

/* The engine's view of the business hours over business-local dates from_day..to_day
 * (core/engine.h), all from a; *out NULL when none are set. */
int tx_business_bundle(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
		       struct business_bundle **out, struct err *e);

#endif
