/* Reading policies from JSON: {"cancellation_deadline_hours", "reschedule_deadline_hours",
 * "max_reschedules", "late_cancellation_fees": [{"within_hours", "percent"}],
 * "no_show_fee_percent", "waitlist_offer_minutes"}; null = not set here (wire_policy renders
 * the same shape). */
#ifndef SLOTD_HTTP_POLICY_JSON_H
#define SLOTD_HTTP_POLICY_JSON_H

#include <jansson.h>

#include "core/policy.h"
#include "util/err.h"

/* Reads a policy object at pointer base (e.g. "/policy"); keys left out or null are not set.
 * Returns 0 / -1 with field errors in e. */
int policy_parse(json_t *o, const char *base, struct policy *out, struct err *e);

#endif
