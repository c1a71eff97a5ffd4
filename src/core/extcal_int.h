/* Private to core/extcal*.c: the zones an external document's times are read in. */
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

#endif
