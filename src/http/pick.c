#include "http/pick.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"

/* Adds reason codes to a problem as its "reasons" member. */
static void attach_reasons(struct err *e, unsigned reasons, const struct holiday *h)
{
	json_t *a = json_reasons(reasons, h, NULL, NULL);
	char *text = json_dumps(a, JSON_COMPACT);

	json_decref(a);
	if (text && strlen(text) < sizeof(e->ext_json)) {
		snprintf(e->ext_name, sizeof(e->ext_name), "reasons");
		snprintf(e->ext_json, sizeof(e->ext_json), "%s", text);
	}
	free(text);
}

/* Active bookings of a bundle starting on local date day. */
static int bookings_on(const struct avail_bundle *b, int64_t day)
{
	int count = 0;
	size_t i;

	for (i = 0; i < b->nbooked; i++)
		if (floor_div(tz_to_wall(b->input.tz, b->booked[i].start), 86400) == day)
			count++;
	return count;
}

int pick_explain(struct req *r, const struct service *svc, struct avail_bundle *b,
		       uint32_t index, int64_t start, struct slot_scratch *scratch,
		       struct slot_explanation *x, struct err *e)
{
	struct service_rules rules = service_rules_of(svc);
	struct slot_query q = {&rules, r->now, 0, 0};
	struct slot_provider p;

	if (slot_provider_prepare(r, b, svc, index, &p, e))
		return -1;
	slots_explain(&q, &p, start, scratch, x);
	return 0;
}

int pick_not_bookable(struct err *e, unsigned reasons, const struct holiday *holiday)
{
	if (reasons && !(reasons & ~(unsigned)(REASON_BUSY | REASON_HELD)))
		return err_set(e, ERR_SLOT_TAKEN, "%s",
			       reasons & REASON_BUSY ? "that time is already booked"
						     : "that time is held for someone else");
	err_set(e, ERR_UNAVAILABLE, "that time cannot be booked");
	attach_reasons(e, reasons, holiday);
	return -1;
}

int booking_pick(void *vctx, const struct service *svc, struct avail_bundle *b, size_t n,
		struct booking *bk, struct err *e)
{
	struct pick_ctx *cx = vctx;
	struct req *r = cx->r;
	struct slot_scratch scratch;
	const struct holiday *holiday = NULL;
	unsigned reasons = 0, taken = 0;
	int best = -1, best_day = INT_MAX, best_near = INT_MAX;
	size_t i;

	if (n == 0)
		return err_field(e, "/provider_id", "no provider of this service can be booked");
	slot_scratch_init(&scratch);
	for (i = 0; i < n; i++) {
		struct slot_explanation x;
		int day_count;
		if (pick_explain(r, svc, &b[i], (uint32_t)i, cx->start, &scratch, &x, e)) {
			slot_scratch_release(&scratch);
			return -1;
		}
		if (!x.bookable) {
			/* Taken for one provider wins over unavailable for another. */
			if (x.reasons & ~(unsigned)(REASON_BUSY | REASON_HELD))
				reasons |= x.reasons;
			else
				taken = x.reasons;
			if (x.holiday)
				holiday = x.holiday;
			continue;
		}
		day_count = bookings_on(&b[i], floor_div(tz_to_wall(b[i].input.tz, cx->start), 86400));
		if (day_count < best_day || (day_count == best_day && (int)b[i].nbooked < best_near)) {
			best = (int)i;
			best_day = day_count;
			best_near = (int)b[i].nbooked;
		}
	}
	slot_scratch_release(&scratch);
	if (best < 0)
		return pick_not_bookable(e, taken ? taken : reasons, holiday);
	cx->zone = b[best].input.tz;
	memcpy(bk->provider_id, b[best].provider.id, ID_MAX);
	memcpy(bk->service_id, svc->id, ID_MAX);
	bk->start = cx->start;
	bk->end = cx->start + (int64_t)svc->duration_min * 60;
	bk->block_start = bk->start - (int64_t)svc->buffer_before_min * 60;
	bk->block_end = bk->end + (int64_t)svc->buffer_after_min * 60;
	bk->capacity = svc->capacity;
	bk->status = b[best].provider.auto_confirm && !svc->requires_approval ? BOOKING_CONFIRMED
									       : BOOKING_PENDING;
	memcpy(bk->price, svc->price, sizeof(bk->price));
	memcpy(bk->currency, svc->currency, sizeof(bk->currency));
	id_new(bk->id, "bkg");
	bk->version = 1;
	bk->created_at = bk->updated_at = r->now;
	return best;
}

