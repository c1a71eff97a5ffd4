/* Private to core/extcal*.c: the zones an external document's times are read in
 * (extcal_winzones.c) and the expansion of its rules (extcal_rule.c). */
#ifndef SLOTD_CORE_EXTCAL_INT_H
#define SLOTD_CORE_EXTCAL_INT_H

#include <libical/ical.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"

/* Where wall times live: a zone of the zone database (UTC included), or a VTIMEZONE of the
 * document that names no known zone (owned by the struct extcal_zones that made it). */
struct extcal_zone {
	const struct tz *tz;
	icaltimezone *ical;
};

struct extcal_zentry {
	char *name;
	const icalcomponent *cal; /* the VCALENDAR of a VTIMEZONE zone; NULL for a name */
	struct extcal_zone z;
};

/* TZID -> zone for one document: each name is resolved once. */
struct extcal_zones {
	struct tz_db *db;
	struct extcal_zone owner; /* for names that resolve to nothing */
	struct extcal_zentry *v;  /* open addressing, cap a power of two */
	size_t n, cap;
};

void extcal_zones_init(struct extcal_zones *zs, struct tz_db *db, const struct tz *owner);
void extcal_zones_release(struct extcal_zones *zs);

/* The zone TZID tzid names for an event of the VCALENDAR cal: an IANA name (plain, or after
 * one of its slashes: "/freeassociation.sourceforge.net/Europe/Berlin"), a Windows name, the
 * VTIMEZONE of cal with that TZID (yearly rules only), else the owner's zone. The result
 * lives as long as zs. */
struct extcal_zone extcal_zones_get(struct extcal_zones *zs, const char *tzid, icalcomponent *cal);

/* Local -> UTC with tz_to_utc's rule for gaps and overlaps, also in a VTIMEZONE zone. */
int64_t extcal_zone_to_utc(const struct extcal_zone *z, int64_t wall);
int64_t extcal_zone_to_wall(const struct extcal_zone *z, int64_t utc);

/* ---- extcal_rule.c: the starts of an RRULE on the floating clock (wall seconds) ---- */

struct extcal_walls {
	int64_t start;	     /* DTSTART: always the first occurrence, counted, never listed */
	int64_t lo, stop;    /* list the starts in [lo, stop]; stop folds in UNTIL */
	size_t max;	     /* list at most this many */
	int64_t stop_cpu_ns; /* give up past this on extcal_cpu_ns's clock */
	int64_t *v;	     /* heap, ascending; reused by each call, freed by the caller */
	size_t n, cap;
};

enum extcal_walls_end {
	EXTCAL_WALLS_DONE = 0, /* every start in [lo, stop] is listed */
	EXTCAL_WALLS_CAPPED,   /* stopped at max */
	EXTCAL_WALLS_BUDGET,   /* stopped at stop_cpu_ns */
	EXTCAL_WALLS_TOO_FAR,  /* a sub-daily rule with BY parts whose last known occurrence
				* lies too far before the window: the rest is not listed */
};

/* Lists into w the starts of rule after w->start (COUNT counts from DTSTART, which is one;
 * the rule's UNTIL is not read: the caller folds it into w->stop). Arithmetic for DAILY and
 * WEEKLY with a plain BYDAY (and BYSETPOS), MONTHLY by day and/or weekday (and BYSETPOS), YEARLY by
 * month; libical's iterator for the rest, in passes of about a thousand periods so that no call
 * into it runs for long. */
enum extcal_walls_end extcal_walls_expand(const struct icalrecurrencetype *rule,
					  struct extcal_walls *w);

/* CPU time of the calling thread, in nanoseconds: the budget's clock. */
int64_t extcal_cpu_ns(void);

#endif
