#include "core/avail.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"

bool holiday_on(const struct holiday *h, int64_t day)
{
	int y, m, d, hy, hm, hd;

	if (!h->yearly)
		return h->day == day;
	if (day < h->day)
		return false;
	civil_from_days(day, &y, &m, &d);
	civil_from_days(h->day, &hy, &hm, &hd);
	return m == hm && d == hd;
}

bool service_set_has(const struct service_set *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->ids[i], id))
			return true;
	return false;
}

/* h without the intervals excluded for the query. */
static void open_hours(const struct day_hours *h, struct day_hours *out)
{
	size_t i;

	out->n = 0;
	out->excluded = 0;
	out->services = NULL;
	for (i = 0; i < h->n; i++)
		if (!(h->excluded & (1u << i)))
			out->iv[out->n++] = h->iv[i];
}

const struct day_hours *week_template_day(const struct week_template *t, int64_t day)
{
	int wd = weekday_from_days(day);
	int64_t k;

	if (t->weeks <= 1 || !t->more)
		return &t->day[wd];
	k = floor_div((day - wd) - (t->anchor - weekday_from_days(t->anchor)), 7) % t->weeks;
	if (k < 0)
		k += t->weeks;
	return k == 0 ? &t->day[wd] : &t->more[(k - 1) * 7 + wd];
}

static const struct week_template *template_on(const struct avail_input *in, int64_t day)
{
	size_t i;

	for (i = 0; i < in->ntemplates; i++) {
		const struct week_template *t = &in->templates[i];
		if (t->effective_from != AVAIL_DAY_NONE && day < t->effective_from)
			continue;
		if (t->effective_until != AVAIL_DAY_NONE && day > t->effective_until)
			continue;
		return t;
	}
	return NULL;
}

static const struct date_override *override_on(const struct avail_input *in, int64_t day)
{
	const struct date_override *best = NULL;
	size_t i;

	for (i = 0; i < in->noverrides; i++) {
		const struct date_override *o = &in->overrides[i];
		if (day < o->from_day || day > o->to_day)
			continue;
		if (!best || o->to_day - o->from_day <= best->to_day - best->from_day)
			best = o;
	}
	return best;
}

/* False for a local date the zone skips entirely (Pacific/Apia, 2011-12-30). */
static bool date_exists(const struct tz *tz, int64_t day)
{
	int64_t last = day * 86400 + 86399;

	if (tz_next_transition(tz, last - 3 * 86400) > last + 2 * 86400)
		return true;
	return floor_div(tz_to_wall(tz, tz_to_utc(tz, last)), 86400) == day;
}

void avail_resolve_day(const struct avail_input *in, int64_t day, struct day_plan *out)
{
	const struct week_template *t = template_on(in, day);
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!date_exists(in->tz, day))
		return;
	if (t)
		out->template_hours = *week_template_day(t, day);
	for (i = 0; i < in->nholidays; i++) {
		if (holiday_on(&in->holidays[i], day)) {
			out->holiday = &in->holidays[i];
			break;
		}
	}
	out->override = override_on(in, day);
	if (in->vacation) {
		out->closure = DAY_VACATION;
		return;
	}
	if (out->override) {
		open_hours(&out->override->hours, &out->hours);
		if (out->override->hours.n == 0)
			out->closure = DAY_OVERRIDE_CLOSED;
		return;
	}
	if (out->holiday) {
		out->closure = DAY_HOLIDAY;
		return;
	}
	open_hours(&out->template_hours, &out->hours);
}

struct interval avail_day_interval(const struct tz *tz, int64_t day, struct day_interval iv)
{
	struct interval r;

	r.start = tz_to_utc(tz, day * 86400 + iv.start_min * 60);
	r.end = tz_to_utc(tz, day * 86400 + iv.end_min * 60);
	return r;
}

/* Takes out of s what keep does not hold (s becomes s ∩ keep). */
static void interval_set_keep(struct interval_set *s, const struct interval_set *keep)
{
	int64_t from, to, gap;
	size_t i;

	if (!s->n)
		return;
	from = s->v[0].start;
	to = s->v[s->n - 1].end;
	gap = from;
	for (i = 0; i < keep->n && gap < to; i++) {
		if (keep->v[i].start > gap)
			interval_set_subtract(s, gap, keep->v[i].start);
		if (keep->v[i].end > gap)
			gap = keep->v[i].end;
	}
	if (gap < to)
		interval_set_subtract(s, gap, to);
}

void avail_open_time(const struct avail_input *in, int64_t from_day, int64_t to_day,
		     struct interval_set *open)
{
	struct day_plan plan;
	int64_t day;
	size_t i;

	for (day = from_day; day <= to_day; day++) {
		avail_resolve_day(in, day, &plan);
		for (i = 0; i < plan.hours.n; i++) {
			struct interval r = avail_day_interval(in->tz, day, plan.hours.iv[i]);
			interval_set_add(open, r.start, r.end);
		}
	}
	for (i = 0; i < in->ntime_off; i++)
		interval_set_subtract(open, in->time_off[i].start, in->time_off[i].end);
	if (in->business)
		interval_set_keep(open, in->business);
}

int day_hours_validate(const struct day_hours *h, const char *pointer_prefix, struct err *e)
{
	char ptr[96];
	int bad = 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct day_interval *iv = &h->iv[i];
		snprintf(ptr, sizeof(ptr), "%s/%zu", pointer_prefix, i);
		if (iv->start_min < 0 || iv->end_min > 1440 || iv->start_min >= iv->end_min) {
			bad = err_field(e, ptr, "start must be before end within one day");
			continue;
		}
		if (i > 0 && iv->start_min < h->iv[i - 1].end_min)
			bad = err_field(e, ptr, "intervals must be in order and must not overlap");
	}
	return bad;
}
