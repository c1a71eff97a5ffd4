/* What one request's computations share: the dates of its date rules (holidays, recurring
 * overrides), each expanded once however many providers it applies to, and the request's
 * deadline, which every long computation checks so that no request holds a worker for long.
 *
 * A tenant-wide holiday applies to every provider a slot query or calendar covers; without
 * the memo its rule was expanded once per provider (200 providers × 200 rules = 40,000
 * expansions in one request). The memo keys an expansion by the rule text, its first and
 * last date and the window, so identical rules of different providers share one too. */
#ifndef SLOTD_CORE_EXPAND_H
#define SLOTD_CORE_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/err.h"

/* At most this many dates are expanded in one request, over all its rules: a bound on
 * memory and work that no real query reaches (500 holidays and 1,000 recurring overrides
 * over 93 days stay below it). Past it, ERR_RANGE. */
#define EXPAND_MAX_DATES 2000000

struct expand;

/* A memo in a (freed with it) for a request that must finish by deadline_ns on
 * recur_clock_ns's clock (0: no deadline). */
struct expand *expand_new(struct arena *a, int64_t deadline_ns);

/* Moves x's deadline (0: none). */
void expand_set_deadline(struct expand *x, int64_t deadline_ns);

/* ERR_TIMEOUT (with a Retry-After) once x's deadline has passed; x may be NULL (never). */
int expand_check(const struct expand *x, struct err *e);

/* The dates of holiday h (its one date, or its rule's) within from_day..to_day, ascending;
 * *days stays valid as long as x's arena. ERR_TIMEOUT past the deadline, ERR_RANGE when the
 * rule takes too long to expand or the request expands too many dates. */
int expand_holiday(struct expand *x, const struct holiday_rec *h, int64_t from_day,
		   int64_t to_day, const int64_t **days, size_t *n, struct err *e);

/* The same for an override: the dates of its rule, or those of its range. */
int expand_override(struct expand *x, const struct override_rec *o, int64_t from_day,
		    int64_t to_day, const int64_t **days, size_t *n, struct err *e);

/* How many rules x expanded, and how many it answered from the memo (for tests). */
void expand_stats(const struct expand *x, size_t *expanded, size_t *shared);

#endif
