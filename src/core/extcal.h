/* External calendars read as busy time: an iCalendar document (a subscription address's
 * file, or the calendar-data of a CalDAV answer) becomes the UTC intervals in which its
 * owner is busy over a window.
 *
 * Every VEVENT counts unless it is TRANSP:TRANSPARENT or STATUS:CANCELLED. Recurring events
 * (RRULE, RDATE, EXDATE) are expanded on a floating wall clock with libical and each
 * occurrence placed with tz_to_utc, as core/recur.c does; RECURRENCE-ID overrides replace
 * (or, when cancelled or transparent, remove) the occurrence they name. Times: UTC (…Z),
 * a TZID naming an IANA zone (also behind a "/…/" prefix such as
 * "/freeassociation.sourceforge.net/Europe/Berlin"), a Windows zone name as Outlook
 * writes it ("W. Europe Standard Time"), or else the document's own VTIMEZONE; floating
 * times and all-day dates (VALUE=DATE: whole local days) are read in the owner's zone.
 * A VEVENT without DTEND or DURATION lasts its day (all-day) or nothing (timed, not busy).
 * DTSTART is always an occurrence (RFC 5545 counts it first even when the rule would not
 * yield it); EXDATEs match an occurrence by instant or by wall time in the event's zone, a
 * date EXDATE by date; a RECURRENCE-ID matches by instant (RANGE=THISANDFUTURE is read as
 * naming one occurrence).
 *
 * Bounded: the window, at most EXTCAL_MAX_OCCURRENCES occurrences in all, and a CPU budget;
 * past either the result is cut short and says so (which events are left out is then
 * arbitrary). No I/O. Thread-safe for distinct results (libical components are never
 * shared between threads); libical may print parse warnings on stderr. */
#ifndef SLOTD_CORE_EXTCAL_H
#define SLOTD_CORE_EXTCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/interval.h"
#include "core/tz.h"
#include "util/err.h"

#define EXTCAL_MAX_OCCURRENCES 200000	/* occurrences kept in one result */
#define EXTCAL_BUDGET_NS 2000000000LL	/* 2 s of CPU time (this thread's) per result */
#define EXTCAL_OWN_SUFFIX "@slotd"	/* UIDs slotd gives its bookings: "<booking id>@slotd" */

struct extcal_opts {
	struct tz_db *db;		/* IANA zones */
	const struct tz *owner_tz;	/* floating times and all-day dates */
	int64_t from, to;		/* the window, UTC: occurrences overlapping it are kept */
};

/* An event whose UID is "<id>@slotd": possibly one of slotd's own bookings, which the
 * caller leaves out when id is a booking of the tenant. */
struct extcal_own {
	char booking_id[64];		/* the UID without EXTCAL_OWN_SUFFIX */
	int64_t start, end;		/* UTC, one occurrence */
};

struct extcal_result {
	struct interval_set busy;	/* merged, UTC, clipped to [from, to); not the own ones */
	struct extcal_own *own;		/* heap: occurrences of "…@slotd" events, clipped to
					 * [from, to) like busy */
	size_t nown, own_cap;
	size_t events;			/* busy VEVENTs read (masters and overrides; not the
					 * "…@slotd" ones) */
	size_t skipped;			/* transparent or cancelled VEVENTs */
	bool truncated;			/* stopped at the occurrence cap or the budget */
	/* What the bounds count, over every extcal_add into this result. */
	size_t occurrences;		/* kept so far, busy and own */
	int64_t cpu_ns;			/* CPU time spent so far */
};

void extcal_result_init(struct extcal_result *r);
void extcal_result_release(struct extcal_result *r);

/* Adds the busy time of the iCalendar text[0..len) (one or more VCALENDARs, as a CalDAV
 * REPORT's calendar-data parts are added one by one into the same result) to r.
 * RECURRENCE-ID overrides are matched to their master within one call. The text need not be
 * NUL-terminated. The caps (EXTCAL_MAX_OCCURRENCES, EXTCAL_BUDGET_NS) apply to the result as
 * a whole, so a CalDAV answer of many parts is bounded like one file.
 * ERR_INVALID with a short reason ("not an iCalendar document", …) when the text holds no
 * complete VCALENDAR (r's intervals and counts are then unchanged); events libical cannot
 * read (no usable DTSTART) are skipped, the
 * others kept. A TZID that names no IANA zone, no Windows zone and no VTIMEZONE of the
 * document is read in the owner's zone, like a floating time.
 * libical keeps a bounded ring of temporary strings per thread, freed when the thread ends;
 * this function does not free it, so libical strings the caller holds stay valid. */
int extcal_add(struct extcal_result *r, const char *text, size_t len,
	       const struct extcal_opts *o, struct err *e);

/* The IANA name of a Windows zone name ("W. Europe Standard Time" → "Europe/Berlin", the
 * CLDR territory-001 mapping), or NULL when it is not one. */
const char *extcal_windows_zone(const char *name);

#endif
