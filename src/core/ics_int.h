/* Pieces of iCalendar documents shared by the single-object files (ics.c) and the
 * subscription feeds (feed.c). Private to those core files: it exposes libical types. */
#ifndef SLOTD_CORE_ICS_INT_H
#define SLOTD_CORE_ICS_INT_H

#include <libical/ical.h>
#include <stdint.h>

#include "core/entry.h"
#include "core/model.h"
#include "core/tz.h"

enum ics_flags {
	ICS_BUSY = 1 << 0,   /* "Busy" blocks: no title, description or assignees */
	ICS_TRANSP = 1 << 1, /* say TRANSP: OPAQUE, TRANSPARENT once cancelled */
};

/* A VCALENDAR with VERSION, PRODID product and METHOD:PUBLISH, holding vtimezone (consumed;
 * NULL = none). */
icalcomponent *ics_calendar_new(const char *product, void *vtimezone);

/* Serialises cal (then freed) into a heap string the caller frees. */
char *ics_serialise(icalcomponent *cal);

/* The VEVENT of booking b (UID "<id>@slotd", SEQUENCE version - 1, as the invitations have
 * them): times in zone (NULL = UTC), titled summary, with description (NULL or "" = none),
 * DTSTAMP dtstamp (UTC seconds), and unless ICS_BUSY b's LOCATION (with URL for a video
 * call's link). */
icalcomponent *ics_booking_event(const struct booking *b, const char *summary,
				 const char *description, const struct tz *zone, int64_t dtstamp,
				 unsigned flags);

/* Adds entry en's VEVENTs to cal: the series (RRULE, EXDATE) and one per override with
 * RECURRENCE-ID, all with the entry's UID. Times in zone (NULL = UTC); z is the entry's own
 * zone (for UNTIL). With provider_id, only what that provider is assigned to: the series when
 * it is on it (with an EXDATE for each override it is not on), and the overrides it is on. */
void ics_entry_add(icalcomponent *cal, const struct entry *en, const struct tz *z,
		   const struct tz *zone, int64_t dtstamp, const char *provider_id, unsigned flags);

#endif
