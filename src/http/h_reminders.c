/* /v1/bookings/{id}/reminders: the reminders planned for a booking and when each was sent. */
#include "http/handlers.h"

#include "http/h_common.h"

int h_booking_reminders(struct req *r, struct err *e)
{
	const struct tz *zone = NULL;
	struct reminder *v;
	int64_t *sent_at;
	const char *id;
	size_t n;

	if (path_id(r, 0, "bkg", &id, e) ||
	    uc_booking_reminders(&r->uc, id, &v, &sent_at, &n, &zone, e))
		return -1;
	return reply_json(r, 200, wire_reminders(id, v, sent_at, n, zone));
}
