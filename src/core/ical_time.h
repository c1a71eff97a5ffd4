/* Wall-clock seconds (core/civil.h) to and from libical's floating times. Private to the
 * core files that use libical (recur.c, ics.c). */
#ifndef SLOTD_CORE_ICAL_TIME_H
#define SLOTD_CORE_ICAL_TIME_H

#include <libical/ical.h>
#include <stdint.h>

#include "core/civil.h"

static inline struct icaltimetype ical_floating(int64_t wall)
{
	int64_t day = floor_div(wall, 86400), sod = wall - day * 86400;
	struct icaltimetype t = icaltime_null_time();
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = (int)(sod / 3600);
	t.minute = (int)(sod / 60 % 60);
	t.second = (int)(sod % 60);
	return t;
}

static inline int64_t ical_wall(struct icaltimetype t)
{
	return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
	       t.second;
}

#endif
