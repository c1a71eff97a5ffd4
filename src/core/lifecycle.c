#include "core/lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"

/* The deadline field that closes a cancel (or a reschedule) of b, and its hours. */
static enum policy_field deadline_of(const struct booking *b, bool cancel, int *hours)
{
	/* Without a reschedule deadline, moving a booking closes with cancelling it: otherwise a
	 * late move followed by a cancel would escape the cancellation deadline and its fees. */
	if (cancel || !(b->policy.set & POLICY_RESCHEDULE_DEADLINE)) {
		*hours = b->policy.cancel_deadline_hours;
		return POLICY_CANCEL_DEADLINE;
	}
	*hours = b->policy.reschedule_deadline_hours;
	return POLICY_RESCHEDULE_DEADLINE;
}

bool lifecycle_deadline(const struct booking *b, bool cancel, int64_t *at)
{
	int hours;
	enum policy_field which = deadline_of(b, cancel, &hours);

	if (!(b->policy.set & which))
		return false;
	*at = b->start - (int64_t)hours * 3600;
	return true;
}

/* ERR_POLICY_DEADLINE naming the deadline, unless force passes it. */
static int deadline_check(const struct booking *b, enum policy_field which, int64_t now,
			  bool force, const char **note, struct err *e)
{
	bool cancel = which == POLICY_CANCEL_DEADLINE;
	char when[RFC3339_STR_MAX];
	int hours;

	which = deadline_of(b, cancel, &hours);
	if (!policy_deadline_passed(&b->policy, which, b->start, now))
		return 0;
	if (force) {
		*note = cancel ? "(forced past the cancellation deadline)"
			       : "(forced past the reschedule deadline)";
		return 0;
	}
	rfc3339_format(b->start - (int64_t)hours * 3600, 0, when);
	err_set(e, ERR_POLICY_DEADLINE, "%s closed %d hours before the start, at %s",
		cancel ? "cancellation" : "rescheduling", hours, when);
	snprintf(e->ext_name, sizeof(e->ext_name), "deadline");
	snprintf(e->ext_json, sizeof(e->ext_json), "\"%s\"", when);
	return -1;
}

/* Sets the fee owed (or, when waived, the fee let go): percent of the booking's price. A
 * free booking (no price, or a price of zero) owes nothing. */
static void charge(struct booking *b, int percent, const char *reason, bool waive)
{
	char *out = waive ? b->fee_waived : b->fee;

	if (percent <= 0 || strspn(b->price, "0.") == strlen(b->price) ||
	    money_percent(b->price, percent, out, sizeof(b->fee))) {
		out[0] = '\0';
		return;
	}
	snprintf(b->fee_reason, sizeof(b->fee_reason), "%s", reason);
}

int lifecycle_transition(struct booking *b, enum booking_status to, int64_t now, bool force,
			 bool waive_fee, const char **note, struct err *e)
{
	if (to == BOOKING_CANCELLED) {
		if (deadline_check(b, POLICY_CANCEL_DEADLINE, now, force, note, e))
			return -1;
		charge(b, policy_cancel_fee_percent(&b->policy, b->start, now),
		       "late_cancellation", waive_fee);
	} else if (to == BOOKING_NO_SHOW) {
		if (now < b->start) {
			char when[RFC3339_STR_MAX];
			rfc3339_format(b->start, 0, when);
			return err_set(e, ERR_NOT_STARTED,
				       "a booking can be marked a no-show once it has started (at %s)",
				       when);
		}
		if (b->policy.set & POLICY_NO_SHOW_FEE)
			charge(b, b->policy.no_show_fee_percent, "no_show", waive_fee);
	}
	return 0;
}

int lifecycle_reschedule(const struct booking *b, int64_t now, bool force, const char **note,
			 struct err *e)
{
	if (deadline_check(b, POLICY_RESCHEDULE_DEADLINE, now, force, note, e))
		return -1;
	if ((b->policy.set & POLICY_MAX_RESCHEDULES) &&
	    b->reschedule_count >= b->policy.max_reschedules) {
		if (!force)
			return err_set(e, ERR_POLICY_LIMIT,
				       "this booking was already rescheduled %d times (the limit)",
				       b->reschedule_count);
		*note = "(forced past the reschedule limit)";
	}
	return 0;
}
