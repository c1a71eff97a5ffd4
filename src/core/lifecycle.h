/* The rules a booking's lifecycle actions answer to at a given moment: the policy's
 * deadlines and reschedule limit, the fees a late cancellation or a no-show owes, and what
 * cannot happen before the start. Pure decisions on the booking as stored. */
#ifndef SLOTD_CORE_LIFECYCLE_H
#define SLOTD_CORE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "util/err.h"

/* Whether booking b (as stored) may move to status to at now:
 *   - a cancellation past the policy's deadline is ERR_POLICY_DEADLINE (the problem names
 *     the deadline) unless force, which passes with *note saying so;
 *   - a no-show before the start is ERR_NOT_STARTED.
 * Sets b->fee (b->fee_waived when waive_fee) and b->fee_reason: a late cancellation owes the fee tier in
 * force, a no-show the no-show fee (percent of the price; a free booking owes nothing). */
int lifecycle_transition(struct booking *b, enum booking_status to, int64_t now, bool force,
			 bool waive_fee, const char **note, struct err *e);

/* The instant a cancel (cancel) or a reschedule of b closes under its policy into *at; false
 * when none closes it. A reschedule without its own deadline closes with cancelling. */
bool lifecycle_deadline(const struct booking *b, bool cancel, int64_t *at);

/* Whether b may be rescheduled at now: the reschedule deadline (the cancellation deadline
 * when the policy sets none, so a late move cannot escape it) and the reschedule limit
 * (ERR_POLICY_LIMIT); force passes both with *note saying so. */
int lifecycle_reschedule(const struct booking *b, int64_t now, bool force, const char **note,
			 struct err *e);

#endif
