#include "core/ics.h"

#include <libical/ical.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"
#include "util/mem.h"

/* The wall-clock time of utc in z as a libical time (floating; TZID goes on the property). */
static struct icaltimetype wall_time(const struct tz *z, int64_t utc)
{
	int64_t wall = z ? tz_to_wall(z, utc) : utc;
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
	if (!z)
		t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
	return t;
}

static icalproperty *zoned(icalproperty *p, const struct tz *z)
{
	if (z)
		icalproperty_add_parameter(p, icalparameter_new_tzid(tz_name(z)));
	return p;
}

static enum icalproperty_status status_of(enum booking_status s)
{
	switch (s) {
	case BOOKING_PENDING:
		return ICAL_STATUS_TENTATIVE;
	case BOOKING_CANCELLED:
	case BOOKING_DECLINED:
		return ICAL_STATUS_CANCELLED;
	default:
		return ICAL_STATUS_CONFIRMED;
	}
}

char *booking_ics(const struct booking *b, const char *summary, const struct tz *z,
		  void *vtimezone, int64_t now)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	const struct tz *zone = vtimezone ? z : NULL;
	char uid[ID_MAX + 16], desc[64];
	char *text, *copy;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//slotd//bookings//EN"));
	icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (vtimezone)
		icalcomponent_add_component(cal, vtimezone);
	snprintf(uid, sizeof(uid), "%s@slotd", b->id);
	snprintf(desc, sizeof(desc), "Booking reference %s", b->reference);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(wall_time(NULL, now)));
	icalcomponent_add_property(ev, zoned(icalproperty_new_dtstart(wall_time(zone, b->start)),
					     zone));
	icalcomponent_add_property(ev, zoned(icalproperty_new_dtend(wall_time(zone, b->end)), zone));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	icalcomponent_add_property(ev, icalproperty_new_status(status_of(b->status)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(b->version - 1));
	icalcomponent_add_component(cal, ev);
	text = icalcomponent_as_ical_string_r(cal);
	copy = xstrdup(text ? text : "");
	icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return copy;
}
