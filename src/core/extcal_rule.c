/* The wall-clock starts of an external event's RRULE (see extcal_int.h). The shapes of most
 * real calendars are expanded by arithmetic; anything else goes through libical's iterator
 * on the floating start, a bounded stretch of wall time per pass. */
#include "core/extcal_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/civil.h"
#include "core/ical_time.h"
#include "util/err.h"
#include "util/mem.h"

#define DAY ((int64_t)86400)
/* Budget checks: one clock read per this many occurrences. */
#define CHECK_EVERY 64

/* One expansion: the caller's request and what is counted of the series so far. */
struct series {
	struct extcal_walls *w;
	int64_t start, lo, stop; /* copies of w's */
	int count;		 /* COUNT, or 0 */
	int seen;		 /* occurrences counted, DTSTART included */
	enum extcal_walls_end end;
};

int64_t extcal_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool budget_gone(struct series *s)
{
	if (s->end == EXTCAL_WALLS_DONE && extcal_cpu_ns() > s->w->stop_cpu_ns)
		s->end = EXTCAL_WALLS_BUDGET;
	return s->end != EXTCAL_WALLS_DONE;
}

/* Counts wall (after DTSTART) against COUNT and lists it when at or after lo: false when
 * the series is over or the list full. */
static bool take(struct series *s, int64_t wall)
{
	struct extcal_walls *w = s->w;

	if (wall > s->stop)
		return false;
	if (wall <= s->start)
		return true;
	if (s->count && ++s->seen > s->count)
		return false;
	if (wall < s->lo)
		return true;
	if (w->n >= w->max) {
		s->end = EXTCAL_WALLS_CAPPED;
		return false;
	}
	xgrow((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v));
	w->v[w->n++] = wall;
	return true;
}

static bool by_empty(const short *by)
{
	return by[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

enum by_parts {
	BY_DAY = 1 << 0,
	BY_MONTHDAY = 1 << 1,
	BY_MONTH = 1 << 2,
	BY_SETPOS = 1 << 3,
};

/* True when rule uses no BY part but those in allowed. */
static bool only_parts(const struct icalrecurrencetype *rule, unsigned allowed)
{
	if ((rule->rscale && *rule->rscale) || !by_empty(rule->by_second) ||
	    !by_empty(rule->by_minute) || !by_empty(rule->by_hour) ||
	    !by_empty(rule->by_year_day) || !by_empty(rule->by_week_no))
		return false;
	return ((allowed & BY_DAY) || by_empty(rule->by_day)) &&
	       ((allowed & BY_MONTHDAY) || by_empty(rule->by_month_day)) &&
	       ((allowed & BY_MONTH) || by_empty(rule->by_month)) &&
	       ((allowed & BY_SETPOS) || by_empty(rule->by_set_pos));
}

/* A BYDAY item's weekday, 0 = Monday (libical counts from 1 = Sunday), or -1. */
static int byday_weekday(short item)
{
	int wd = (int)icalrecurrencetype_day_day_of_week(item);

	return wd >= 1 && wd <= 7 ? (wd + 5) % 7 : -1;
}

/* Weekdays of BYDAY as a bit set (bit 0 = Monday), 0 when there is none; -1 when an item
 * carries an ordinal (1MO) or is not a weekday. */
static int byday_mask(const struct icalrecurrencetype *rule)
{
	int mask = 0, i;

	for (i = 0; i < ICAL_BY_DAY_SIZE && !by_empty(&rule->by_day[i]); i++) {
		int wd = byday_weekday(rule->by_day[i]);
		if (icalrecurrencetype_day_position(rule->by_day[i]) != 0 || wd < 0)
			return -1;
		mask |= 1 << wd;
	}
	return mask;
}

/* The days of month y-m that a MONTHLY rule with BYMONTHDAY and/or BYDAY (or neither: the
 * start's day, start_mday) selects, as a bit set (bit d = day d). */
static uint32_t month_days(const struct icalrecurrencetype *rule, int y, int m, int start_mday)
{
	int dim = days_in_month(y, m), wd1 = weekday_from_days(days_from_civil(y, m, 1)), i;
	uint32_t days = 0, weekdays = 0;

	if (by_empty(rule->by_month_day) && by_empty(rule->by_day))
		return start_mday <= dim ? 1u << start_mday : 0;
	for (i = 0; i < ICAL_BY_MONTHDAY_SIZE && !by_empty(&rule->by_month_day[i]); i++) {
		int d = rule->by_month_day[i] < 0 ? dim + 1 + rule->by_month_day[i]
						  : rule->by_month_day[i];
		if (d >= 1 && d <= dim)
			days |= 1u << d;
	}
	for (i = 0; i < ICAL_BY_DAY_SIZE && !by_empty(&rule->by_day[i]); i++) {
		int pos = icalrecurrencetype_day_position(rule->by_day[i]);
		int wd = byday_weekday(rule->by_day[i]), first, last, d;

		if (wd < 0)
			continue;
		first = 1 + (wd - wd1 + 7) % 7;
		last = first + (dim - first) / 7 * 7;
		if (pos == 0) {
			for (d = first; d <= dim; d += 7)
				weekdays |= 1u << d;
			continue;
		}
		d = pos > 0 ? first + 7 * (pos - 1) : last + 7 * (pos + 1);
		if (d >= 1 && d <= dim)
			weekdays |= 1u << d;
	}
	if (by_empty(rule->by_day))
		return days;
	return by_empty(rule->by_month_day) ? weekdays : days & weekdays;
}

/* True when BYSETPOS (none: every one) keeps the i-th (from 0) of a period's n starts. */
static bool set_picks(const struct icalrecurrencetype *rule, int i, int n)
{
	int k;

	if (by_empty(rule->by_set_pos))
		return true;
	for (k = 0; k < ICAL_BY_SETPOS_SIZE && !by_empty(&rule->by_set_pos[k]); k++) {
		int pos = rule->by_set_pos[k];
		if ((pos > 0 && pos - 1 == i) || (pos < 0 && n + pos == i))
			return true;
	}
	return false;
}

/* DAILY or WEEKLY with at most a plain BYDAY, and BYSETPOS within each period (libical's
 * iterator ignores BYSETPOS with these frequencies). */
static void expand_days(struct series *s, const struct icalrecurrencetype *rule, int mask)
{
	int64_t start_day = floor_div(s->start, DAY), tod = s->start - start_day * DAY;
	int64_t lo_day = floor_div(s->lo, DAY) - 1, period, base0, k;
	int interval = rule->interval > 0 ? rule->interval : 1, wkst = 0;
	int span = rule->freq == ICAL_DAILY_RECURRENCE ? 1 : 7;
	unsigned ticks = 0;

	if (rule->freq == ICAL_DAILY_RECURRENCE) {
		period = interval;
		base0 = start_day;
		if (!mask)
			mask = 0x7f;
	} else {
		if (rule->week_start >= ICAL_SUNDAY_WEEKDAY &&
		    rule->week_start <= ICAL_SATURDAY_WEEKDAY)
			wkst = ((int)rule->week_start + 5) % 7;
		period = 7 * (int64_t)interval;
		base0 = start_day - (weekday_from_days(start_day) - wkst + 7) % 7;
		if (!mask)
			mask = 1 << weekday_from_days(start_day);
	}
	/* Without COUNT, nothing before the window needs counting: start near it. */
	k = !s->count && lo_day > base0 ? (lo_day - base0) / period : 0;
	for (;; k++) {
		int64_t base = base0 + k * period;
		int64_t set[7];
		int n = 0, i;

		if (base * DAY > s->stop || (++ticks % CHECK_EVERY == 0 && budget_gone(s)))
			return;
		for (i = 0; i < span; i++)
			if (mask & (1 << weekday_from_days(base + i)))
				set[n++] = base + i;
		for (i = 0; i < n; i++) {
			if (set[i] < start_day || !set_picks(rule, i, n))
				continue;
			if (!take(s, set[i] * DAY + tod))
				return;
		}
	}
}

/* The days of a month's set (bit set, see month_days) that BYSETPOS picks: 1 the first,
 * -1 the last. */
static uint32_t set_positions(const struct icalrecurrencetype *rule, uint32_t days)
{
	int list[32], n = 0, d, i;
	uint32_t picked = 0;

	for (d = 1; d <= 31; d++)
		if (days & (1u << d))
			list[n++] = d;
	for (i = 0; i < ICAL_BY_SETPOS_SIZE && !by_empty(&rule->by_set_pos[i]); i++) {
		int pos = rule->by_set_pos[i], at = pos > 0 ? pos - 1 : n + pos;
		if (pos != 0 && at >= 0 && at < n)
			picked |= 1u << list[at];
	}
	return picked;
}

/* True when a YEARLY rule takes month m (BYMONTH, or the start's month). */
static bool month_listed(const struct icalrecurrencetype *rule, int m, int start_month)
{
	int i;

	if (by_empty(rule->by_month))
		return m == start_month;
	for (i = 0; i < ICAL_BY_MONTH_SIZE && !by_empty(&rule->by_month[i]); i++)
		if (rule->by_month[i] == m)
			return true;
	return false;
}

/* MONTHLY (BYMONTHDAY and/or BYDAY, BYSETPOS) and YEARLY (BYMONTH, with BYMONTHDAY and/or
 * BYDAY within those months): see month_days. */
static void expand_months(struct series *s, const struct icalrecurrencetype *rule)
{
	int64_t start_day = floor_div(s->start, DAY), tod = s->start - start_day * DAY;
	bool yearly = rule->freq == ICAL_YEARLY_RECURRENCE;
	int64_t step = (rule->interval > 0 ? rule->interval : 1) * (yearly ? 12 : 1);
	int64_t month0, k = 0;
	int y, m, d, i;
	unsigned ticks = 0;

	civil_from_days(start_day, &y, &m, &d);
	month0 = (int64_t)y * 12 + (yearly ? 0 : m - 1);
	if (!s->count && s->lo > s->start) {
		int ly, lm, ld;
		civil_from_days(floor_div(s->lo, DAY), &ly, &lm, &ld);
		if ((int64_t)ly * 12 + lm - 2 > month0)
			k = ((int64_t)ly * 12 + lm - 2 - month0) / step;
	}
	for (;; k++) {
		if (days_from_civil((int)((month0 + k * step) / 12), 1, 1) * DAY >
			s->stop + 366 * DAY ||
		    (++ticks % CHECK_EVERY == 0 && budget_gone(s)))
			return;
		for (i = 0; i < (yearly ? 12 : 1); i++) {
			int64_t mi = month0 + k * step + i;
			int my = (int)(mi / 12), mm = (int)(mi % 12) + 1, md;
			uint32_t days;

			if (yearly && !month_listed(rule, mm, m))
				continue;
			if (days_from_civil(my, mm, 1) * DAY > s->stop)
				return;
			days = month_days(rule, my, mm, d);
			if (!by_empty(rule->by_set_pos))
				days = set_positions(rule, days);
			for (md = 1; md <= 31; md++) {
				int64_t day;
				if (!(days & (1u << md)))
					continue;
				day = days_from_civil(my, mm, md);
				if (day >= start_day && !take(s, day * DAY + tod))
					return;
			}
		}
	}
}

/* The shapes of most real calendars are expanded here by arithmetic (libical's iterator costs
 * 2-15 microseconds per occurrence): DAILY and WEEKLY with at most a plain BYDAY and
 * BYSETPOS; MONTHLY by day of month and/or weekday, with BYSETPOS ("the last weekday");
 * YEARLY on the start's date or by BYMONTH with days of those months. False when rule is none of
 * them. */
static bool expand_simple(struct series *s, const struct icalrecurrencetype *rule)
{
	int mask = byday_mask(rule);
	bool days_given = !by_empty(rule->by_day) || !by_empty(rule->by_month_day);

	/* Ordinal weekdays together with days of the month: left to libical. */
	if (mask < 0 && !by_empty(rule->by_month_day))
		return false;
	switch (rule->freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
		if (mask < 0 || !only_parts(rule, BY_DAY | BY_SETPOS))
			return false;
		expand_days(s, rule, mask);
		return true;
	case ICAL_MONTHLY_RECURRENCE:
		if (!only_parts(rule, BY_DAY | BY_MONTHDAY | BY_SETPOS) ||
		    (!by_empty(rule->by_set_pos) && !days_given))
			return false;
		break;
	case ICAL_YEARLY_RECURRENCE:
		/* Without BYMONTH, BYDAY and BYMONTHDAY count within the year. */
		if (!only_parts(rule, BY_DAY | BY_MONTHDAY | BY_MONTH) ||
		    (days_given && by_empty(rule->by_month)))
			return false;
		break;
	default:
		return false;
	}
	expand_months(s, rule);
	return true;
}

/* Seconds of a rule's period (sub-daily rules) or 0. */
static int64_t sub_daily_step(const struct icalrecurrencetype *rule)
{
	int64_t interval = rule->interval > 0 ? rule->interval : 1;

	switch (rule->freq) {
	case ICAL_SECONDLY_RECURRENCE:
		return interval;
	case ICAL_MINUTELY_RECURRENCE:
		return 60 * interval;
	case ICAL_HOURLY_RECURRENCE:
		return 3600 * interval;
	default:
		return 0;
	}
}

/* Wall seconds libical is given per pass (UNTIL = the pass's end): about a thousand periods
 * of the rule, so that one icalrecur_iterator_next, which cannot be interrupted, searches
 * for milliseconds at most even when nothing matches ("FREQ=HOURLY;BYMONTH=2;
 * BYMONTHDAY=30"); the budget is checked between passes. */
static int64_t pass_span(const struct icalrecurrencetype *rule)
{
	int64_t interval = rule->interval > 0 ? rule->interval : 1;

	switch (rule->freq) {
	case ICAL_SECONDLY_RECURRENCE:
	case ICAL_MINUTELY_RECURRENCE:
	case ICAL_HOURLY_RECURRENCE:
		return 1000 * sub_daily_step(rule);
	case ICAL_DAILY_RECURRENCE:
		return 1000 * DAY * interval;
	case ICAL_WEEKLY_RECURRENCE:
		return 7000 * DAY * interval;
	case ICAL_MONTHLY_RECURRENCE:
		return 30000 * DAY * interval;
	default:
		return 365000 * DAY * interval;
	}
}

/* Periods libical may have to search from a sub-daily anchor to the end of a pass (about
 * a microsecond each): more would hold one call for long. */
#define MAX_SCAN 20000

/* How far before a pass a sub-daily rule with BY parts restarts on its grid: libical loses
 * the rest of a day (BYHOUR) or an hour (BYMINUTE) after a start that is not an occurrence. */
#define REGRID_BACK (2 * DAY)

/* Where a pass [c0, c1] of a sub-daily rule starts its series. A grid point (DTSTART plus
 * whole periods) just before c0 is exact when every period is an occurrence. With BY parts
 * the last occurrence found serves when it is near (and always under COUNT, which counts
 * from DTSTART); else a grid point REGRID_BACK before c0. */
static int64_t sub_daily_anchor(const struct series *s, const struct icalrecurrencetype *rule,
				int64_t c0, int64_t c1, int64_t last)
{
	int64_t step = sub_daily_step(rule);

	if (c0 <= s->start)
		return s->start;
	if (only_parts(rule, 0))
		return s->start + (c0 - s->start - 1) / step * step;
	if (s->count || (c1 - last) / step <= MAX_SCAN || c0 - REGRID_BACK <= s->start)
		return last;
	return s->start + (c0 - REGRID_BACK - s->start) / step * step;
}

/* Sorts a BY list of values that are never negative (BYSECOND, BYMINUTE, BYHOUR, BYMONTH)
 * in place. */
static void by_sort(short *by, int size)
{
	int i, j;

	for (i = 1; i < size && !by_empty(&by[i]); i++)
		for (j = i; j > 0 && by[j - 1] > by[j]; j--) {
			short t = by[j];
			by[j] = by[j - 1];
			by[j - 1] = t;
		}
}

/* Any other rule, through libical's iterator on the floating start, pass by pass. */
static void expand_libical(struct series *s, struct icalrecurrencetype rule)
{
	int64_t span = pass_span(&rule), step = sub_daily_step(&rule);
	int64_t c0 = s->start, last = s->start;
	unsigned ticks = 0;

	rule.count = 0;
	/* libical yields the times of an unsorted list in its order ("BYHOUR=17,9": 17:00
	 * before 09:00), which would end a pass, or the series, one occurrence early. */
	by_sort(rule.by_second, ICAL_BY_SECOND_SIZE);
	by_sort(rule.by_minute, ICAL_BY_MINUTE_SIZE);
	by_sort(rule.by_hour, ICAL_BY_HOUR_SIZE);
	by_sort(rule.by_month, ICAL_BY_MONTH_SIZE);
	/* Without COUNT, nothing before the window needs counting: start near it. */
	if (!s->count && s->lo > c0)
		c0 = s->lo;
	while (c0 <= s->stop) {
		int64_t c1 = s->stop - c0 < span ? s->stop : c0 + span - 1;
		int64_t anchor = step ? sub_daily_anchor(s, &rule, c0, c1, last) : s->start;
		icalrecur_iterator *it;
		bool more = true;

		if (budget_gone(s))
			return;
		if (step && (c1 - anchor - REGRID_BACK) / step > MAX_SCAN) {
			s->end = EXTCAL_WALLS_TOO_FAR;
			return;
		}
		rule.until = ical_floating(c1);
		it = icalrecur_iterator_new(rule, ical_floating(anchor));
		if (!it)
			return;
		/* icalrecur_iterator_set_start agrees with a full iteration for daily and longer
		 * rules; it misplaces sub-daily ones, which start at their anchor instead. */
		if (!step && c0 > s->start)
			icalrecur_iterator_set_start(it, ical_floating(c0));
		while (more) {
			struct icaltimetype t = icalrecur_iterator_next(it);
			int64_t w;

			if (icaltime_is_null_time(t) || (w = ical_wall(t)) > c1)
				break;
			if (w < c0)
				continue;
			last = w;
			more = !(++ticks % CHECK_EVERY == 0 && budget_gone(s)) && take(s, w);
		}
		icalrecur_iterator_free(it);
		if (!more)
			return;
		c0 = c1 + 1;
	}
}

enum extcal_walls_end extcal_walls_expand(const struct icalrecurrencetype *rule,
					  struct extcal_walls *w)
{
	struct series s = {w, w->start, w->lo, w->stop, rule->count, 1, EXTCAL_WALLS_DONE};
	struct icalrecurrencetype r = *rule;
	int i;

	w->n = 0;
	if (r.freq == ICAL_NO_RECURRENCE || r.count < 0 || w->stop <= w->start || r.count == 1)
		return EXTCAL_WALLS_DONE;
	/* A BYDAY ordinal belongs to MONTHLY and YEARLY rules only (RFC 5545 3.3.10): elsewhere
	 * it is read as the plain weekday ("FREQ=WEEKLY;BYDAY=1MO" = every Monday), where
	 * libical would yield other days of the week. */
	if (r.freq != ICAL_MONTHLY_RECURRENCE && r.freq != ICAL_YEARLY_RECURRENCE)
		for (i = 0; i < ICAL_BY_DAY_SIZE && !by_empty(&r.by_day[i]); i++)
			r.by_day[i] = (short)icalrecurrencetype_day_day_of_week(r.by_day[i]);
	if (!expand_simple(&s, &r))
		expand_libical(&s, r);
	return s.end;
}
