#include "core/feed.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics_int.h"
#include "util/mem.h"

static const char *const kind_names[FEED__COUNT] = {"details", "busy"};

const char *feed_kind_name(enum feed_kind k)
{
	return k < FEED__COUNT ? kind_names[k] : "details";
}

int feed_kind_parse(const char *s, enum feed_kind *out)
{
	int i;

	for (i = 0; s && i < FEED__COUNT; i++)
		if (!strcmp(s, kind_names[i])) {
			*out = (enum feed_kind)i;
			return 0;
		}
	return -1;
}

void feed_window_at(const struct feed *f, int64_t now, struct feed_window *w)
{
	w->day_start = floor_div(now, 86400) * 86400;
	w->from = w->day_start - (int64_t)f->days_back * 86400;
	w->to = w->day_start + ((int64_t)f->days_ahead + 1) * 86400;
	w->closed_since = w->day_start - (int64_t)FEED_CANCELLED_KEEP_DAYS * 86400;
}

/* The zones a document uses, each with the earliest instant written in it. */
struct zone_use {
	const struct tz *z;
	int64_t first;
};

struct zone_uses {
	struct zone_use *v;
	size_t n, cap;
};

static void zone_use(struct zone_uses *u, const struct tz *z, int64_t at)
{
	size_t i;

	if (!z)
		return;
	for (i = 0; i < u->n; i++)
		if (u->v[i].z == z) {
			if (at < u->v[i].first)
				u->v[i].first = at;
			return;
		}
	xgrow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v));
	u->v[u->n].z = z;
	u->v[u->n++].first = at;
}

static int64_t entry_first(const struct entry *en)
{
	int64_t first = en->start;
	size_t i;

	for (i = 0; i < en->noverrides; i++) {
		if (en->overrides[i].start < first)
			first = en->overrides[i].start;
		if (en->overrides[i].original_start < first)
			first = en->overrides[i].original_start;
	}
	return first;
}

static icalcomponent *booking_event(const struct feed_booking *fb, enum feed_kind kind)
{
	char summary[2 * NAME_MAX_LEN + 8], desc[NOTE_MAX_LEN + 64];
	const struct booking *b = &fb->b;

	if (kind == FEED_BUSY)
		return ics_booking_event(b, "Busy", NULL, fb->zone, b->updated_at,
					 ICS_BUSY | ICS_TRANSP);
	snprintf(summary, sizeof(summary), "%s: %s",
		 *fb->service_name ? fb->service_name : "Booking", b->customer_name);
	snprintf(desc, sizeof(desc), "Booking reference %s%s%s", b->reference,
		 *b->notes ? "\n\n" : "", b->notes);
	return ics_booking_event(b, summary, desc, fb->zone, b->updated_at, ICS_TRANSP);
}

static void calendar_head(icalcomponent *cal, const char *calname)
{
	struct icaldurationtype refresh = icaldurationtype_from_string(FEED_REFRESH);
	icalproperty *p;

	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	p = icalproperty_new_x(calname);
	icalproperty_set_x_name(p, "X-WR-CALNAME");
	icalcomponent_add_property(cal, p);
	p = icalproperty_new_refreshinterval(refresh);
	icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DURATION));
	icalcomponent_add_property(cal, p);
	p = icalproperty_new_x(FEED_REFRESH);
	icalproperty_set_x_name(p, "X-PUBLISHED-TTL");
	icalcomponent_add_property(cal, p);
}

char *feed_render(const struct feed_doc *d, struct tz_db *db)
{
	icalcomponent *cal = ics_calendar_new("-//slotd//feeds//EN", NULL);
	unsigned flags = ICS_TRANSP | (d->kind == FEED_BUSY ? ICS_BUSY : 0);
	struct zone_uses zones = {NULL, 0, 0};
	size_t i;

	calendar_head(cal, d->calname);
	for (i = 0; i < d->nbookings; i++)
		zone_use(&zones, d->bookings[i].zone, d->bookings[i].b.start);
	for (i = 0; i < d->nentries; i++)
		zone_use(&zones, d->entries[i].zone, entry_first(&d->entries[i].en));
	/* A day of margin, as the invitations have, so the rule in force at the first time
	 * written is in the VTIMEZONE. */
	for (i = 0; i < zones.n; i++) {
		void *vtz = tz_db_vtimezone(db, tz_name(zones.v[i].z), zones.v[i].first - 86400);
		if (vtz)
			icalcomponent_add_component(cal, vtz);
		else
			zones.v[i].z = NULL; /* none to be had: those times go in UTC */
	}
	for (i = 0; i < d->nbookings; i++) {
		struct feed_booking fb = d->bookings[i];
		size_t k;
		for (k = 0; k < zones.n && zones.v[k].z != fb.zone; k++)
			;
		if (k == zones.n)
			fb.zone = NULL;
		icalcomponent_add_component(cal, booking_event(&fb, d->kind));
	}
	for (i = 0; i < d->nentries; i++) {
		const struct feed_entry *fe = &d->entries[i];
		const struct tz *zone = NULL;
		size_t k;
		for (k = 0; k < zones.n; k++)
			if (zones.v[k].z && zones.v[k].z == fe->zone)
				zone = fe->zone;
		ics_entry_add(cal, &fe->en, fe->zone, zone, fe->en.updated_at, d->provider_id,
			      flags);
	}
	free(zones.v);
	return ics_serialise(cal);
}
