#include "core/ics.h"

#include "core/ics_int.h"

#include <string.h>

#include "core/civil.h"
#include "core/ical_time.h"
#include "util/err.h"
#include "util/mem.h"

/* The wall-clock time of utc in z as a libical time (floating; TZID goes on the property). */
static struct icaltimetype wall_time(const struct tz *z, int64_t utc)
{
	struct icaltimetype t = ical_floating(z ? tz_to_wall(z, utc) : utc);

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

/* The zone to write the instant utc in: z, unless its local time there is the second of a
 * repeated hour (the end of summer time), which a TZID time cannot name: a reader takes the
 * first (RFC 5545 §3.3.5), an hour off. Such a time is written in UTC (NULL). */
static const struct tz *zone_for(const struct tz *z, int64_t utc)
{
	return z && tz_to_utc(z, tz_to_wall(z, utc)) != utc ? NULL : z;
}

/* A DTSTART or DTEND that names one instant (not a series' start, which the rule repeats
 * on the zone's wall clock): at utc in zone, or in UTC where zone cannot name it. */
static icalproperty *instant(icalproperty *(*make)(struct icaltimetype), const struct tz *zone,
			     int64_t utc)
{
	const struct tz *z = zone_for(zone, utc);

	return zoned(make(wall_time(z, utc)), z);
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

char *ics_serialise(icalcomponent *cal)
{
	char *text = icalcomponent_as_ical_string_r(cal);
	char *copy = xstrdup(text ? text : "");

	icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return copy;
}

icalcomponent *ics_calendar_new(const char *product, void *vtimezone)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(product));
	icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (vtimezone)
		icalcomponent_add_component(cal, vtimezone);
	return cal;
}

static void add_transp(icalcomponent *ev, bool cancelled, unsigned flags)
{
	if (flags & ICS_TRANSP)
		icalcomponent_add_property(ev, icalproperty_new_transp(cancelled
									   ? ICAL_TRANSP_TRANSPARENT
									   : ICAL_TRANSP_OPAQUE));
}

/* LOCATION: the address, number or link; the kind alone when it has none. */
static void add_location(icalcomponent *ev, const struct location *l)
{
	const char *text = l->value;

	if (l->kind == LOCATION_NONE)
		return;
	if (!*text)
		text = l->kind == LOCATION_PHONE ? "Phone call" : l->kind == LOCATION_VIDEO
									? "Video call"
									: NULL;
	if (text)
		icalcomponent_add_property(ev, icalproperty_new_location(text));
	if (l->kind == LOCATION_VIDEO && *l->value)
		icalcomponent_add_property(ev, icalproperty_new_url(l->value));
}

icalcomponent *ics_booking_event(const struct booking *b, const char *summary,
				 const char *description, const struct tz *zone, int64_t dtstamp,
				 unsigned flags)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	enum icalproperty_status st = status_of(b->status);
	char uid[ID_MAX + 16];

	snprintf(uid, sizeof(uid), "%s@slotd", b->id);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(wall_time(NULL, dtstamp)));
	icalcomponent_add_property(ev, instant(icalproperty_new_dtstart, zone, b->start));
	icalcomponent_add_property(ev, instant(icalproperty_new_dtend, zone, b->end));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	if (description && *description)
		icalcomponent_add_property(ev, icalproperty_new_description(description));
	icalcomponent_add_property(ev, icalproperty_new_status(st));
	if (!(flags & ICS_BUSY))
		add_location(ev, &b->location);
	icalcomponent_add_property(ev, icalproperty_new_sequence(b->version - 1));
	add_transp(ev, st == ICAL_STATUS_CANCELLED, flags);
	return ev;
}

char *booking_ics(const struct booking *b, const char *summary, const struct tz *z,
		  void *vtimezone)
{
	icalcomponent *cal = ics_calendar_new("-//slotd//bookings//EN", vtimezone);
	const struct tz *zone = vtimezone ? z : NULL;
	char desc[64];

	snprintf(desc, sizeof(desc), "Booking reference %s", b->reference);
	/* Without METHOD, DTSTAMP is when the booking last changed (RFC 5545 §3.8.7.2), as in
	 * the feeds: the same booking gives the same file. */
	icalcomponent_add_component(cal, ics_booking_event(b, summary, desc, zone, b->updated_at,
							   0));
	return ics_serialise(cal);
}

static enum icalproperty_status entry_status_of(enum entry_status s)
{
	switch (s) {
	case ENTRY_TENTATIVE:
		return ICAL_STATUS_TENTATIVE;
	case ENTRY_CANCELLED:
		return ICAL_STATUS_CANCELLED;
	default:
		return ICAL_STATUS_CONFIRMED;
	}
}

/* An occurrence's original start as RECURRENCE-ID and EXDATE name it (in zone, NULL = UTC;
 * z is the entry's): the rule's wall time. That differs from the instant's local time when
 * the rule's time falls in a DST gap (02:30 on the night clocks go forward happens at
 * 03:30): both name the same instant (RFC 5545 §3.3.5), but a reader that matches them with
 * the times its own expansion of the rule gives finds only the rule's. Only just after a
 * transition can they differ, so only then is the rule asked. */
static struct icaltimetype original_time(const struct entry *en, const struct tz *z,
					 const struct tz *zone, int64_t original)
{
	int64_t wall;

	if (zone && z && en->recurring && tz_next_transition(z, original - 86400) <= original &&
	    entry_occurrence_wall(en, z, original, &wall))
		return ical_floating(wall);
	return wall_time(zone, original);
}

/* One VEVENT of the entry: the series (original < 0) or an override. */
static icalcomponent *entry_event(const struct entry *en, const struct entry_fields *f,
				  int64_t start, int64_t end, int64_t original, const struct tz *z,
				  const struct tz *zone, int64_t dtstamp, unsigned flags)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	char uid[ID_MAX + 16], res[ENTRY_MAX_ASSIGNEES * ID_MAX + 1];
	bool busy = flags & ICS_BUSY;
	size_t i, len = 0;

	snprintf(uid, sizeof(uid), "%s@slotd", en->id);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(wall_time(NULL, dtstamp)));
	if (original >= 0)
		icalcomponent_add_property(
			ev, zoned(icalproperty_new_recurrenceid(original_time(en, z, zone, original)),
				  zone));
	/* A recurring series' DTSTART stays on the zone's wall clock, which its rule follows. */
	if (original < 0 && en->recurring)
		icalcomponent_add_property(
			ev, zoned(icalproperty_new_dtstart(wall_time(zone, start)), zone));
	else
		icalcomponent_add_property(ev, instant(icalproperty_new_dtstart, zone, start));
	icalcomponent_add_property(ev, instant(icalproperty_new_dtend, zone, end));
	icalcomponent_add_property(ev, icalproperty_new_summary(busy ? "Busy" : f->title));
	if (*f->notes && !busy)
		icalcomponent_add_property(ev, icalproperty_new_description(f->notes));
	icalcomponent_add_property(ev, icalproperty_new_status(entry_status_of(f->status)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(en->version - 1));
	add_transp(ev, f->status == ENTRY_CANCELLED, flags);
	if (busy)
		return ev;
	res[0] = '\0';
	for (i = 0; i < f->nassignees; i++)
		len += (size_t)snprintf(res + len, sizeof(res) - len, "%s%s", i ? "," : "",
					f->assignee_ids[i]);
	if (*res)
		icalcomponent_add_property(ev, icalproperty_new_resources(res));
	return ev;
}

static bool assigned(const struct entry_fields *f, const char *provider_id)
{
	size_t i;

	if (!provider_id)
		return true;
	for (i = 0; i < f->nassignees; i++)
		if (!strcmp(f->assignee_ids[i], provider_id))
			return true;
	return false;
}

static void add_exdate(icalcomponent *ev, const struct entry *en, const struct tz *z,
		       const struct tz *zone, int64_t original)
{
	icalcomponent_add_property(
		ev, zoned(icalproperty_new_exdate(original_time(en, z, zone, original)), zone));
}

void ics_entry_add(icalcomponent *cal, const struct entry *en, const struct tz *z,
		   const struct tz *zone, int64_t dtstamp, const char *provider_id,
		   unsigned flags)
{
	bool series = assigned(&en->f, provider_id);
	size_t i;

	if (series) {
		icalcomponent *ev = entry_event(en, &en->f, en->start, en->end, -1, z, zone,
						dtstamp, flags);
		if (en->recurring) {
			struct icalrecurrencetype rule =
				icalrecurrencetype_from_string(en->rule.text);
			/* With a zoned start, UNTIL is written in UTC (RFC 5545 §3.3.10). */
			if (!icaltime_is_null_time(rule.until))
				rule.until = wall_time(NULL, tz_to_utc(z, en->rule.last));
			icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
			for (i = 0; i < en->nexdates; i++)
				add_exdate(ev, en, z, zone, en->exdates[i]);
			/* Occurrences moved to other people are not this provider's. */
			for (i = 0; i < en->noverrides; i++)
				if (!assigned(&en->overrides[i].f, provider_id))
					add_exdate(ev, en, z, zone, en->overrides[i].original_start);
		}
		icalcomponent_add_component(cal, ev);
	}
	for (i = 0; i < en->noverrides; i++) {
		const struct entry_override *o = &en->overrides[i];
		if (assigned(&o->f, provider_id))
			icalcomponent_add_component(cal, entry_event(en, &o->f, o->start, o->end,
								     o->original_start, z, zone,
								     dtstamp, flags));
	}
}

char *entry_ics(const struct entry *en, const struct tz *z, void *vtimezone, int64_t now)
{
	icalcomponent *cal = ics_calendar_new("-//slotd//entries//EN", vtimezone);

	ics_entry_add(cal, en, z, vtimezone ? z : NULL, now, NULL, 0);
	return ics_serialise(cal);
}
