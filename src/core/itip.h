/* iTIP (RFC 5546) invitations for booking e-mails: one VEVENT in a VCALENDAR with
 * METHOD:REQUEST while the booking is active and METHOD:CANCEL once it is cancelled or
 * declined. The attendee is the recipient, whose booking is already made, so the
 * ATTENDEE carries PARTSTAT=ACCEPTED and RSVP=FALSE: calendars add the event without asking
 * for a reply (slotd reads no replies). No VALARM: the reminders are e-mails.
 * Also the object a booking is stored as in a provider's CalDAV calendar (same UID and
 * SEQUENCE, so a calendar that got the invitation too holds one event). */
#ifndef SLOTD_CORE_ITIP_H
#define SLOTD_CORE_ITIP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "core/tz.h"

enum itip_method { ITIP_REQUEST = 0, ITIP_CANCEL };

struct itip {
	enum itip_method method;
	const char *uid;		/* "<booking id>@slotd" */
	int sequence;			/* the booking's version - 1 (every change raises it) */
	int64_t start, end;		/* UTC seconds */
	const struct tz *zone;		/* zone of DTSTART/DTEND; used only with vtimezone */
	void *vtimezone;		/* from tz_db_vtimezone, consumed (freed even on
					 * failure); NULL = times written in UTC */
	const char *summary;		/* required */
	const char *description;	/* optional (NULL or "") */
	const char *location;		/* optional */
	const char *url;		/* optional */
	const char *organizer_email;	/* required */
	const char *organizer_name;	/* optional */
	const char *attendee_email;	/* required */
	const char *attendee_name;	/* optional */
	int64_t dtstamp;		/* UTC seconds: the event's time */
	bool tentative;			/* REQUEST of a booking awaiting confirmation:
					 * STATUS:TENTATIVE instead of CONFIRMED */
};

/* The VCALENDAR text (CRLF line ends, folded at 75 octets) as a heap string the caller
 * frees. STATUS is CONFIRMED (TENTATIVE with tentative) for a request, CANCELLED for a
 * cancel. */
char *itip_render(const struct itip *it);

/* "REQUEST" or "CANCEL", for the text/calendar method parameter. */
const char *itip_method_name(enum itip_method m);

/* The calendar object resource a CalDAV calendar stores for booking b (RFC 4791 §4.1: a
 * VCALENDAR without METHOD holding one VEVENT): the invitation's UID "<id>@slotd" and
 * SEQUENCE (version - 1), DTSTAMP the booking's last change, DTSTART/DTEND in UTC, SUMMARY
 * "<service_name> – <customer name>" (service_name NULL or "" = "Booking"), DESCRIPTION
 * the reference and the notes, STATUS TENTATIVE while pending else CONFIRMED, TRANSP
 * OPAQUE. Meant for bookings that are not cancelled or declined (those are deleted from
 * the calendar, not written). A heap string (CRLF lines, folded) the caller frees. */
char *itip_calendar_object(const struct booking *b, const char *service_name);

#endif
