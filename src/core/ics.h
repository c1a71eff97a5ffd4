/* iCalendar (RFC 5545) documents for bookings, made with libical. */
#ifndef SLOTD_CORE_ICS_H
#define SLOTD_CORE_ICS_H

#include <stdint.h>

#include "core/entry.h"
#include "core/model.h"
#include "core/tz.h"

/* A VCALENDAR with one VEVENT for b, its times in zone z (with the VTIMEZONE vtimezone from
 * tz_db_vtimezone, or in UTC when vtimezone is NULL), titled summary. The VTIMEZONE is
 * consumed. Returns a heap string (CRLF lines, folded) the caller frees. */
char *booking_ics(const struct booking *b, const char *summary, const struct tz *z,
		  void *vtimezone);

/* A VCALENDAR for a schedule entry: the series as one VEVENT (RRULE, EXDATE) and one
 * VEVENT per override with RECURRENCE-ID, all sharing the entry's UID, times in zone z with
 * the VTIMEZONE vtimezone (consumed; NULL = UTC). A heap string the caller frees. */
char *entry_ics(const struct entry *en, const struct tz *z, void *vtimezone, int64_t now);

#endif
