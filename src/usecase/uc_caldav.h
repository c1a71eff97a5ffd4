/* Bookings written into providers' CalDAV calendars (the caldav channel of the deliveries,
 * src/notify): which deliveries an event makes, and what one delivery sends to one
 * calendar, worked out from the booking as it is when the delivery runs — not as the event
 * that made the delivery saw it — so retries, replays and deliveries that overtake each
 * other all bring the calendar to the booking's current state. Part of the use cases
 * (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_CALDAV_H
#define SLOTD_USECASE_UC_CALDAV_H

#include <stddef.h>

#include "store/store_calendars.h"
#include "usecase/uc.h"
#include "usecase/uc_calsync.h"

enum caldav_action {
	CALDAV_PUT = 0,			/* write the booking's object (it is active and this
					 * calendar's provider's) */
	CALDAV_DELETE,			/* remove it: the booking is cancelled or declined, gone,
					 * or now another provider's */
	CALDAV_NONE,			/* nothing can be sent: why says so */
};

/* The calendar's address, a "/" when it has none at the end, and the object's name. */
#define CALDAV_URL_MAX (URL_MAX + ID_MAX + 16)

struct caldav_request {
	enum caldav_action action;
	char url[CALDAV_URL_MAX];	/* "<collection>/slotd-<booking id>.ics" */
	char username[CALENDAR_USER_MAX + 1];	/* "" = no credentials */
	char password[CALENDAR_PASSWORD_MAX + 1];	/* opened; "" = none */
	char *body;			/* PUT: the VCALENDAR (core/itip.h), heap, the caller
					 * frees it; else NULL */
	size_t len;
	char why[CALENDAR_ERROR_MAX + 1];	/* CALDAV_NONE: the reason, for last_error
					 * ("the calendar was deleted", "… is disabled", "… is
					 * no longer marked for writing", secrets that do not
					 * open) */
};

/* One caldav delivery to make: a calendar and the booking it is to show. */
struct caldav_target {
	char calendar_id[ID_MAX];
	char booking_id[ID_MAX];
};

#define CALDAV_FILL_MAX 5000		/* upcoming bookings written into a calendar connected
					 * for writing, at most (the soonest) */

/* The caldav deliveries event ev makes, read in tx (which acts for ev's tenant; the
 * notification worker's fan-out transaction), into *out (memory from a):
 * - a change of a booking (booking.*, but not booking.reminder): one per enabled CalDAV
 *   calendar marked write of the booking's provider, and of its previous provider when
 *   the change moved it to another (whose calendar then loses it);
 * - calendar.created of a CalDAV calendar enabled with write, or calendar.updated that
 *   leaves it so and changed more than its name or interval (writing switched on, a new
 *   address or credentials): one per upcoming active booking of its provider, the soonest
 *   CALDAV_FILL_MAX, so bookings made before it was connected show up too;
 * - none for every other event. */
int uc_caldav_targets(struct store_tx *tx, const struct event_rec *ev, int64_t now,
		      struct arena *a, struct caldav_target **out, size_t *n, struct err *e);

/* What to send to calendar calendar_id of tenant for booking booking_id, read in one read
 * transaction of the tenant (calendar, booking, service), the calendar's password opened
 * with the server's key. -1 only when the store cannot answer (ERR_STORE_BUSY,
 * ERR_INTERNAL): every other outcome is a request, or CALDAV_NONE with its reason. */
int uc_caldav_request(const struct uc_env *env, const char *tenant, const char *calendar_id,
		      const char *booking_id, struct caldav_request *out, struct err *e);

/* The address of booking booking_id's object in the collection at url into out (size n):
 * the collection with a "/" at the end of its path, then "slotd-<booking id>.ics" (before a
 * query, when the address has one). ERR_INVALID when it does not fit. */
int caldav_object_url(const char *url, const char *booking_id, char *out, size_t n,
		      struct err *e);

#endif
