#include "core/itip.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/ical_time.h"
#include "core/ics_int.h"
#include "util/err.h"
#include "util/mem.h"

const char *itip_method_name(enum itip_method m)
{
	return m == ITIP_CANCEL ? "CANCEL" : "REQUEST";
}

static struct icaltimetype utc_time(int64_t utc)
{
	return icaltime_convert_to_zone(ical_floating(utc), icaltimezone_get_utc_timezone());
}

/* A DTSTART/DTEND value: wall time with TZID in zone, or UTC without one. */
static icalproperty *zoned(icalproperty *p, const struct tz *z)
{
	if (z)
		icalproperty_add_parameter(p, icalparameter_new_tzid(tz_name(z)));
	return p;
}

static struct icaltimetype at(const struct tz *z, int64_t utc)
{
	return z ? ical_floating(tz_to_wall(z, utc)) : utc_time(utc);
}

/* The zone to write the instant utc in: z, unless its local time there is the second of a
 * repeated hour (the end of summer time), which a TZID time cannot name: a reader takes the
 * first (RFC 5545 §3.3.5), an hour off. Such a time is written in UTC (NULL), as the
 * calendar feeds and .ics files write it. */
static const struct tz *zone_for(const struct tz *z, int64_t utc)
{
	return z && tz_to_utc(z, tz_to_wall(z, utc)) != utc ? NULL : z;
}

static icalproperty *instant(icalproperty *(*make)(struct icaltimetype), const struct tz *zone,
			     int64_t utc)
{
	const struct tz *z = zone_for(zone, utc);

	return zoned(make(at(z, utc)), z);
}

/* A CN parameter value: a double quote cannot be escaped in one (RFC 5545 §3.1), and line
 * breaks would end the property, so both become harmless characters. */
static void cn_value(const char *name, char *out, size_t n)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < n; i++) {
		unsigned char c = (unsigned char)name[i];
		out[i] = c == '"' ? '\'' : c < ' ' || c == 0x7f ? ' ' : (char)c;
	}
	out[i] = '\0';
}

static icalproperty *person(icalproperty *p, const char *name)
{
	char cn[256];

	if (name && *name) {
		cn_value(name, cn, sizeof(cn));
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
	}
	return p;
}

/* Text for a TEXT value, in place: RFC 5545 §3.3.11 allows no control character but HTAB
 * (a line break is written escaped), and strict CalDAV servers refuse an object that has
 * one, so each other one (a lone CR too, and DEL) becomes a space. */
static void text_clean(char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < ' ' && c != '\t' && c != '\n') || c == 0x7f)
			*s = ' ';
	}
}

static void add_text(icalcomponent *ev, icalproperty *(*make)(const char *), const char *v)
{
	char *t;

	if (v && *v) {
		t = xstrdup(v);
		text_clean(t);
		icalcomponent_add_property(ev, make(t));
		free(t);
	}
}

char *itip_render(const struct itip *it)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	const struct tz *zone = it->vtimezone ? it->zone : NULL;
	bool cancel = it->method == ITIP_CANCEL;
	char addr[320], *text, *copy;
	icalproperty *att;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//slotd//bookings//EN"));
	icalcomponent_add_property(cal, icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL :
									  ICAL_METHOD_REQUEST));
	if (it->vtimezone)
		icalcomponent_add_component(cal, it->vtimezone);

	icalcomponent_add_property(ev, icalproperty_new_uid(it->uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(it->sequence));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(it->dtstamp)));
	icalcomponent_add_property(ev, instant(icalproperty_new_dtstart, zone, it->start));
	icalcomponent_add_property(ev, instant(icalproperty_new_dtend, zone, it->end));
	add_text(ev, icalproperty_new_summary, it->summary);
	add_text(ev, icalproperty_new_description, it->description);
	add_text(ev, icalproperty_new_location, it->location);
	add_text(ev, icalproperty_new_url, it->url);

	snprintf(addr, sizeof(addr), "mailto:%s", it->organizer_email);
	icalcomponent_add_property(ev, person(icalproperty_new_organizer(addr),
					      it->organizer_name));
	snprintf(addr, sizeof(addr), "mailto:%s", it->attendee_email);
	att = person(icalproperty_new_attendee(addr), it->attendee_name);
	icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(att, icalparameter_new_partstat(ICAL_PARTSTAT_ACCEPTED));
	icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
	icalcomponent_add_property(ev, att);
	icalcomponent_add_property(ev, icalproperty_new_status(cancel	       ? ICAL_STATUS_CANCELLED
							       : it->tentative ? ICAL_STATUS_TENTATIVE
									       : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(cancel ? ICAL_TRANSP_TRANSPARENT :
									  ICAL_TRANSP_OPAQUE));
	icalcomponent_add_component(cal, ev);

	text = icalcomponent_as_ical_string_r(cal);
	copy = xstrdup(text ? text : "");
	icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return copy;
}

char *itip_calendar_object(const struct booking *b, const char *service_name)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	char summary[2 * NAME_MAX_LEN + 8], desc[NOTE_MAX_LEN + 64];

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//slotd//bookings//EN"));
	/* "\xe2\x80\x93": an en dash (U+2013) in UTF-8 */
	snprintf(summary, sizeof(summary), "%s \xe2\x80\x93 %s",
		 service_name && *service_name ? service_name : "Booking", b->customer_name);
	snprintf(desc, sizeof(desc), "Booking reference %s%s%s", b->reference,
		 *b->notes ? "\n\n" : "", b->notes);
	text_clean(summary);
	text_clean(desc);
	icalcomponent_add_component(cal, ics_booking_event(b, summary, desc, NULL, b->updated_at,
							   ICS_TRANSP));
	return ics_serialise(cal);
}
