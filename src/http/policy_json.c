#include "http/policy_json.h"

#include <stdio.h>
#include <string.h>

#include "http/json_in.h"

static const char *const policy_keys[] = {"cancellation_deadline_hours",
					  "reschedule_deadline_hours",
					  "max_reschedules",
					  "late_cancellation_fees",
					  "no_show_fee_percent",
					  "waitlist_offer_minutes",
					  NULL};
static const char *const tier_keys[] = {"within_hours", "percent", NULL};

static void get_field(json_t *o, const char *base, const char *key, long min, long max,
		      enum policy_field f, int *out, struct policy *p, struct err *e)
{
	if (json_get_int(o, base, key, min, max, out, e) == 1)
		p->set |= f;
}

int policy_parse(json_t *o, const char *base, struct policy *out, struct err *e)
{
	json_t *fees;
	char ptr[96];
	size_t before = e->nfields;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o))
		return err_field(e, base, "must be an object");
	json_only_keys(o, base, policy_keys, e);
	get_field(o, base, "cancellation_deadline_hours", 0, POLICY_MAX_HOURS,
		  POLICY_CANCEL_DEADLINE, &out->cancel_deadline_hours, out, e);
	get_field(o, base, "reschedule_deadline_hours", 0, POLICY_MAX_HOURS,
		  POLICY_RESCHEDULE_DEADLINE, &out->reschedule_deadline_hours, out, e);
	get_field(o, base, "max_reschedules", 0, 1000, POLICY_MAX_RESCHEDULES,
		  &out->max_reschedules, out, e);
	get_field(o, base, "no_show_fee_percent", 0, 100, POLICY_NO_SHOW_FEE,
		  &out->no_show_fee_percent, out, e);
	get_field(o, base, "waitlist_offer_minutes", 1, POLICY_MAX_OFFER_MINUTES,
		  POLICY_OFFER_MINUTES, &out->offer_minutes, out, e);
	fees = json_object_get(o, "late_cancellation_fees");
	if (fees && !json_is_null(fees)) {
		snprintf(ptr, sizeof(ptr), "%s/late_cancellation_fees", base);
		if (!json_is_array(fees) || json_array_size(fees) > POLICY_MAX_FEES) {
			err_field(e, ptr, "must be an array of at most %d {\"within_hours\", \"percent\"}",
				  POLICY_MAX_FEES);
		} else {
			out->set |= POLICY_FEES;
			for (i = 0; i < json_array_size(fees); i++) {
				json_t *t = json_array_get(fees, i);
				char tp[128];
				snprintf(tp, sizeof(tp), "%s/%zu", ptr, i);
				if (!json_is_object(t)) {
					err_field(e, tp, "must be {\"within_hours\", \"percent\"}");
					continue;
				}
				json_only_keys(t, tp, tier_keys, e);
				if (json_get_int(t, tp, "within_hours", 1, POLICY_MAX_HOURS,
						 &out->fees[i].within_hours, e) == 0)
					json_required(tp, "within_hours", e);
				if (json_get_int(t, tp, "percent", 0, 100, &out->fees[i].percent, e) ==
				    0)
					json_required(tp, "percent", e);
			}
			out->nfees = json_array_size(fees);
			if (e->nfields == before && policy_fees_normalise(out))
				err_field(e, ptr, "two tiers have the same within_hours");
		}
	}
	return e->nfields == before && !e->code ? 0 : -1;
}
