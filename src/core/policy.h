/* Cancellation and reschedule policies: deadlines, a reschedule limit and fees. A service's
 * policy sets some fields and inherits the rest from the tenant's defaults; the resolved
 * policy is copied onto each booking when it is made, so later edits never change it. */
#ifndef SLOTD_CORE_POLICY_H
#define SLOTD_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_MAX_FEES 8
#define POLICY_MAX_HOURS (24 * 366)
#define POLICY_TEXT_MAX 160

/* Which fields a policy sets (the others are inherited, or off when resolved). */
enum policy_field {
	POLICY_CANCEL_DEADLINE = 1 << 0,
	POLICY_RESCHEDULE_DEADLINE = 1 << 1,
	POLICY_MAX_RESCHEDULES = 1 << 2,
	POLICY_FEES = 1 << 3,
	POLICY_NO_SHOW_FEE = 1 << 4,
	POLICY_OFFER_MINUTES = 1 << 5,
};

#define POLICY_DEFAULT_OFFER_MINUTES 30
#define POLICY_MAX_OFFER_MINUTES (7 * 24 * 60)

/* A late-cancellation fee: percent of the price when cancelled less than within_hours
 * before the start. */
struct fee_tier {
	int within_hours;	/* 1..POLICY_MAX_HOURS */
	int percent;		/* 0..100 */
};

struct policy {
	unsigned set;			/* enum policy_field bits */
	int cancel_deadline_hours;	/* customers may cancel until start - this */
	int reschedule_deadline_hours;
	int max_reschedules;
	size_t nfees;
	struct fee_tier fees[POLICY_MAX_FEES];	/* ascending by within_hours */
	int no_show_fee_percent;
	int offer_minutes;		/* how long a waitlist offer holds its slot */
};

/* The fields of over that it sets, the rest from base. */
void policy_resolve(const struct policy *base, const struct policy *over, struct policy *out);

/* A compact text form for storage: "c=24;r=12;m=2;f=2:100,24:50;n=100;o=30" (set fields;
 * "" for none). policy_decode returns -1 on malformed text. */
void policy_encode(const struct policy *p, char out[POLICY_TEXT_MAX]);
int policy_decode(const char *s, struct policy *out);

/* Minutes a waitlist offer lasts under p (the default when unset). */
int policy_offer_minutes(const struct policy *p);

/* Sorts fee tiers by within_hours; -1 when two tiers share one. */
int policy_fees_normalise(struct policy *p);

/* True when now is past a deadline of hours before start (at the deadline itself it has
 * not passed). An unset deadline never passes. */
bool policy_deadline_passed(const struct policy *p, enum policy_field which, int64_t start,
			    int64_t now);

/* The late-cancellation fee in percent for cancelling at now: the highest tier whose
 * window (start - now < within_hours) has begun; 0 when none. */
int policy_cancel_fee_percent(const struct policy *p, int64_t start, int64_t now);

/* percent of a decimal price ("120", "49.50"), rounded half up to the price's decimals
 * (at least two). -1 when price is not a non-negative decimal or out is too small. */
int money_percent(const char *price, int percent, char *out, size_t size);

#endif
