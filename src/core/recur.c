#include "core/recur.h"

#include <ctype.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/civil.h"
#include "core/ical_time.h"

/* The last wall second an endless series is expanded to. */
#define RECUR_HORIZON ((int64_t)CIVIL_MAX_DAY * 86400 + 86399)
#define RECUR_MAX_PARTS 12

enum freq { F_NONE = 0, F_DAILY, F_WEEKLY, F_MONTHLY, F_YEARLY };

/* One "NAME=VALUE" part of the rule text, pointing into a scratch copy. */
struct part {
	const char *name;
	const char *value;
};

struct parsed {
	char buf[RECUR_TEXT_MAX];
	struct part p[RECUR_MAX_PARTS];
	size_t n;
	enum freq freq;
};

static const char *const weekday_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static const char *part_value(const struct parsed *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name))
			return ps->p[i].value;
	return NULL;
}

/* Parses a signed integer list item in [lo, hi] (0 excluded when nonzero). */
static int int_in(const char *s, long lo, long hi, bool nonzero, long *out)
{
	char *end;
	long v;

	if (!*s || (!isdigit((unsigned char)*s) && *s != '-' && *s != '+'))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi || (nonzero && v == 0))
		return -1;
	*out = v;
	return 0;
}

/* True when the comma-separated list head..item (exclusive) already holds item. */
static bool listed_before(const char *head, const char *item, size_t len)
{
	while (head < item) {
		const char *comma = strchr(head, ',');
		size_t n = comma ? (size_t)(comma - head) : strlen(head);
		if (n == len && !strncmp(head, item, len))
			return true;
		head += n + 1;
	}
	return false;
}

/* Calls check(item) for each comma-separated item of value; -1 on the first failure or
 * on an item listed twice (it would yield the same occurrence twice). */
static int each_item(const char *value, int (*check)(const char *item, void *ctx), void *ctx)
{
	const char *head = value;
	char item[64];

	for (;;) {
		const char *comma = strchr(value, ',');
		size_t len = comma ? (size_t)(comma - value) : strlen(value);
		if (len == 0 || len >= sizeof(item) || listed_before(head, value, len))
			return -1;
		memcpy(item, value, len);
		item[len] = '\0';
		if (check(item, ctx))
			return -1;
		if (!comma)
			return 0;
		value = comma + 1;
	}
}

struct range {
	long lo, hi;
	bool nonzero;
	bool any_negative;
	long max_abs;		/* the largest |item| seen */
	long count;		/* items seen */
};

static int check_int_item(const char *item, void *ctx)
{
	struct range *r = ctx;
	long v;

	if (int_in(item, r->lo, r->hi, r->nonzero, &v))
		return -1;
	if (v < 0)
		r->any_negative = true;
	if (labs(v) > r->max_abs)
		r->max_abs = labs(v);
	r->count++;
	return 0;
}

static int weekday_code(const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (!strcmp(s, weekday_codes[i]))
			return i;
	return -1;
}

struct byday_ctx {
	long max_ordinal;	/* 0: no ordinals allowed */
	bool ordinal_seen;
	long per_month;		/* the most dates the list selects in one month */
};

static int check_byday_item(const char *item, void *ctx)
{
	struct byday_ctx *b = ctx;
	size_t len = strlen(item);
	char num[8];
	long v;

	if (len < 2 || weekday_code(item + len - 2) < 0)
		return -1;
	b->per_month += len == 2 ? 5 : 0;
	if (len == 2)
		return 0;
	b->per_month++;
	if (len - 2 >= sizeof(num))
		return -1;
	memcpy(num, item, len - 2);
	num[len - 2] = '\0';
	b->ordinal_seen = true;
	if (int_in(num, -b->max_ordinal, b->max_ordinal, true, &v))
		return -1;
	return 0;
}

/* UNTIL as wall seconds: a date means through the end of that local date. */
static int until_wall(const char *v, const struct tz *tz, int64_t *out)
{
	int y, mo, d, h, mi, s;
	char z;
	int64_t day;

	if (strlen(v) == 8 && sscanf(v, "%4d%2d%2d", &y, &mo, &d) == 3) {
		h = 23, mi = 59, s = 59;
		z = 0;
	} else if (strlen(v) == 16 &&
		   sscanf(v, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &s, &z) == 7 &&
		   z == 'Z') {
	} else {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
		return -1;
	day = days_from_civil(y, mo, d);
	if (day < CIVIL_MIN_DAY || day > CIVIL_MAX_DAY)
		return -1;
	*out = day * 86400 + h * 3600 + mi * 60 + s;
	if (z == 'Z' && tz)
		*out = tz_to_wall(tz, *out);
	return 0;
}

static int split(const char *text, struct parsed *ps, const char *pointer, struct err *e)
{
	char *s, *save = NULL, *tok;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	if (!strncasecmp(text, "RRULE:", 6))
		text += 6;
	if (strlen(text) >= RECUR_TEXT_MAX)
		return err_field(e, pointer, "must be at most %d characters", RECUR_INPUT_MAX);
	for (i = 0; text[i]; i++)
		ps->buf[i] = (char)toupper((unsigned char)text[i]);
	ps->buf[i] = '\0';
	if (!*ps->buf)
		return err_field(e, pointer, "must not be empty");
	for (s = ps->buf; (tok = strtok_r(s, ";", &save)); s = NULL) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok || !eq[1])
			return err_field(e, pointer, "part \"%s\" is not NAME=VALUE", tok);
		*eq = '\0';
		if (ps->n == RECUR_MAX_PARTS)
			return err_field(e, pointer, "has too many parts");
		for (i = 0; i < ps->n; i++)
			if (!strcmp(ps->p[i].name, tok))
				return err_field(e, pointer, "%s appears twice", tok);
		ps->p[ps->n].name = tok;
		ps->p[ps->n].value = eq + 1;
		ps->n++;
	}
	return 0;
}

/* The shape checks; on success ps->freq is set. */
static int check_parts(struct parsed *ps, const char *pointer, struct err *e)
{
	static const char *const unsupported[] = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY",
						  "BYWEEKNO", "RSCALE", "SKIP", NULL};
	static const char *const known[] = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY",
					    "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST", NULL};
	long months = 0, monthdays = 0, weekdays = 0;
	const char *v;
	size_t i, k;

	for (i = 0; i < ps->n; i++) {
		const char *name = ps->p[i].name;
		for (k = 0; unsupported[k]; k++)
			if (!strcmp(name, unsupported[k]))
				return err_field(e, pointer, "%s is not supported", name);
		for (k = 0; known[k]; k++)
			if (!strcmp(name, known[k]))
				break;
		if (!known[k])
			return err_field(e, pointer, "%s is not an RRULE part", name);
	}
	v = part_value(ps, "FREQ");
	if (!v)
		return err_field(e, pointer, "FREQ is required");
	if (!strcmp(v, "DAILY"))
		ps->freq = F_DAILY;
	else if (!strcmp(v, "WEEKLY"))
		ps->freq = F_WEEKLY;
	else if (!strcmp(v, "MONTHLY"))
		ps->freq = F_MONTHLY;
	else if (!strcmp(v, "YEARLY"))
		ps->freq = F_YEARLY;
	else if (!strcmp(v, "SECONDLY") || !strcmp(v, "MINUTELY") || !strcmp(v, "HOURLY"))
		return err_field(e, pointer, "FREQ=%s is not supported", v);
	else
		return err_field(e, pointer, "FREQ=%s is not a frequency", v);
	if ((v = part_value(ps, "INTERVAL"))) {
		struct range r = {1, RECUR_MAX_INTERVAL, true, false, 0, 0};
		if (strchr(v, ',') || check_int_item(v, &r))
			return err_field(e, pointer, "INTERVAL must be 1 to %d", RECUR_MAX_INTERVAL);
	}
	if (part_value(ps, "COUNT") && part_value(ps, "UNTIL"))
		return err_field(e, pointer, "COUNT and UNTIL must not both be given");
	if ((v = part_value(ps, "COUNT"))) {
		struct range r = {1, RECUR_MAX_COUNT, true, false, 0, 0};
		if (strchr(v, ',') || check_int_item(v, &r))
			return err_field(e, pointer, "COUNT must be 1 to %d", RECUR_MAX_COUNT);
	}
	if ((v = part_value(ps, "UNTIL"))) {
		int64_t w;
		if (until_wall(v, NULL, &w))
			return err_field(e, pointer,
					 "UNTIL must be a date (YYYYMMDD) or a UTC time"
					 " (YYYYMMDDTHHMMSSZ) up to 2099");
	}
	if ((v = part_value(ps, "WKST")) && weekday_code(v) < 0)
		return err_field(e, pointer, "WKST must be one of MO, TU, WE, TH, FR, SA, SU");
	if ((v = part_value(ps, "BYMONTH"))) {
		struct range r = {1, 12, true, false, 0, 0};
		if (each_item(v, check_int_item, &r))
			return err_field(e, pointer, "BYMONTH must list months 1 to 12");
		months = r.count;
	}
	if ((v = part_value(ps, "BYMONTHDAY"))) {
		struct range r = {-31, 31, true, false, 0, 0};
		if (ps->freq == F_WEEKLY)
			return err_field(e, pointer, "BYMONTHDAY must not be used with FREQ=WEEKLY");
		if (each_item(v, check_int_item, &r))
			return err_field(e, pointer, "BYMONTHDAY must list days 1 to 31 or -31 to -1");
		monthdays = r.count;
		if (r.any_negative && ps->freq == F_DAILY)
			return err_field(e, pointer,
					 "BYMONTHDAY with negative days is not supported with"
					 " FREQ=DAILY");
	}
	if ((v = part_value(ps, "BYDAY"))) {
		struct byday_ctx b = {ps->freq == F_MONTHLY ? 5 : ps->freq == F_YEARLY ? 53 : 0,
				      false, 0};
		if (each_item(v, check_byday_item, &b)) {
			if (b.ordinal_seen && !b.max_ordinal)
				return err_field(e, pointer,
						 "BYDAY ordinals (like 1MO) need FREQ=MONTHLY or"
						 " FREQ=YEARLY");
			return err_field(e, pointer,
					 "BYDAY must list days MO..SU, optionally with an ordinal"
					 " such as 1MO or -1FR");
		}
		weekdays = b.per_month;
	}
	if ((v = part_value(ps, "BYSETPOS"))) {
		/* A month holds at most 31 days to choose from, a year 366. */
		long lim = ps->freq == F_MONTHLY ? 31 : 366;
		struct range r = {-lim, lim, true, false, 0, 0};
		/* The most dates one month's (or year's) set can hold: a position past it
		 * never selects anything, and libical would search for centuries. */
		long per_month = monthdays && weekdays ? (monthdays < weekdays ? monthdays : weekdays)
				 : monthdays	       ? monthdays
				 : weekdays	       ? weekdays
						       : 1;
		long bound = ps->freq == F_MONTHLY ? per_month : per_month * (months ? months : 12);
		if (ps->freq != F_MONTHLY && ps->freq != F_YEARLY)
			return err_field(e, pointer,
					 "BYSETPOS is supported only with FREQ=MONTHLY or"
					 " FREQ=YEARLY");
		if (!part_value(ps, "BYDAY") && !part_value(ps, "BYMONTHDAY") &&
		    !part_value(ps, "BYMONTH"))
			return err_field(e, pointer, "BYSETPOS needs another BY part to select from");
		if (each_item(v, check_int_item, &r))
			return err_field(e, pointer,
					 "BYSETPOS must list distinct positions 1 to %ld or -%ld to"
					 " -1",
					 lim, lim);
		if (r.max_abs > bound)
			return err_field(e, pointer,
					 "BYSETPOS=%ld never selects anything: the rule yields at"
					 " most %ld dates per %s",
					 r.max_abs, bound,
					 ps->freq == F_MONTHLY ? "month" : "year");
	}
	if (ps->freq == F_YEARLY && !part_value(ps, "BYMONTH") &&
	    (part_value(ps, "BYDAY") || part_value(ps, "BYMONTHDAY")))
		return err_field(e, pointer,
				 "BYMONTH is required with FREQ=YEARLY and BYDAY or BYMONTHDAY");
	return 0;
}

/* The rule libical iterates for wall times before to: COUNT and UNTIL replaced by a floating
 * UNTIL of last (or the horizon, or to when earlier); a bare yearly rule pinned to the
 * start's month and day. */
static int iteration_rule(const struct recur *r, int64_t to, struct icalrecurrencetype *out)
{
	int64_t until = r->last == RECUR_OPEN ? RECUR_HORIZON : r->last;

	/* libical searches on until UNTIL for the next match: never past the window. */
	if (to - 1 < until)
		until = to - 1;
	*out = icalrecurrencetype_from_string(r->text);
	if (out->freq == ICAL_NO_RECURRENCE)
		return -1;
	out->count = 0;
	out->until = ical_floating(until < RECUR_HORIZON ? until : RECUR_HORIZON);
	if (out->freq == ICAL_YEARLY_RECURRENCE &&
	    out->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    out->by_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    out->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX) {
		struct icaltimetype s = ical_floating(r->dtstart);
		out->by_month[0] = (short)s.month;
		out->by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
		out->by_month_day[0] = (short)s.day;
		out->by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
	return 0;
}

int64_t recur_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU time this thread has used: the expansion budget is counted in it, so a busy machine
 * does not make a cheap rule look expensive. */
static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Expands rule until it has used RECUR_BUDGET_NS of CPU time, or until stop_ns on
 * recur_clock_ns's clock (0: no such limit). */
static enum recur_status expand_rule(const struct icalrecurrencetype *rule, int64_t dtstart,
				     int64_t from, int64_t to, int64_t *out, size_t max,
				     int64_t stop_ns, size_t *n)
{
	icalrecur_iterator *it = icalrecur_iterator_new(*rule, ical_floating(dtstart));
	enum recur_status st = RECUR_DONE;
	int64_t budget = thread_cpu_ns() + RECUR_BUDGET_NS;
	size_t steps = 0;

	*n = 0;
	if (!it)
		return RECUR_DONE;
	if (from > dtstart)
		icalrecur_iterator_set_start(it, ical_floating(from));
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		int64_t w;
		if (icaltime_is_null_time(t))
			break;
		w = ical_wall(t);
		if (w >= to)
			break;
		if ((++steps & 7) == 0 && (thread_cpu_ns() > budget ||
					   (stop_ns && recur_clock_ns() > stop_ns))) {
			st = RECUR_BUDGET;
			break;
		}
		if (w < from || w < dtstart || (*n && w == out[*n - 1]))
			continue;
		if (*n == max) {
			st = RECUR_CAPPED;
			break;
		}
		out[(*n)++] = w;
	}
	icalrecur_iterator_free(it);
	return st;
}

/* The last expansions this thread made, answered again without libical: slot queries ask
 * for the same rules over the same windows request after request, and each libical
 * iterator opens an ICU calendar (libical built with ICU), a large part of a cached slot
 * query's CPU. Only complete expansions of a few dates are kept; they depend on nothing but
 * the key, so a hit is exactly what expanding again would give. */
#define RECUR_MEMO_SLOTS 8
#define RECUR_MEMO_DATES 32

struct recur_memo {
	char text[RECUR_TEXT_MAX];
	int64_t dtstart, last, from, to;
	size_t max, n;
	int64_t dates[RECUR_MEMO_DATES];
};

static _Thread_local struct recur_memo recur_memo[RECUR_MEMO_SLOTS];
static _Thread_local unsigned recur_memo_next;

static struct recur_memo *memo_find(const struct recur *r, int64_t from, int64_t to, size_t max)
{
	size_t i;

	for (i = 0; i < RECUR_MEMO_SLOTS; i++) {
		struct recur_memo *m = &recur_memo[i];
		if (m->to == to && m->from == from && m->dtstart == r->dtstart &&
		    m->last == r->last && m->max == max && *m->text && !strcmp(m->text, r->text))
			return m;
	}
	return NULL;
}

static void memo_keep(const struct recur *r, int64_t from, int64_t to, size_t max,
		      const int64_t *out, size_t n)
{
	struct recur_memo *m = &recur_memo[recur_memo_next++ % RECUR_MEMO_SLOTS];

	if (n > RECUR_MEMO_DATES || strlen(r->text) >= sizeof(m->text))
		return;
	memcpy(m->text, r->text, strlen(r->text) + 1);
	m->dtstart = r->dtstart;
	m->last = r->last;
	m->from = from;
	m->to = to;
	m->max = max;
	m->n = n;
	memcpy(m->dates, out, n * sizeof(*out));
}

static enum recur_status expand_until(const struct recur *r, int64_t from, int64_t to,
				      int64_t *out, size_t max, int64_t stop_ns, size_t *n)
{
	struct icalrecurrencetype rule;
	const struct recur_memo *m;
	enum recur_status st;

	*n = 0;
	if (from < r->dtstart)
		from = r->dtstart;
	if (r->last != RECUR_OPEN && to > r->last + 1)
		to = r->last + 1;
	if (from >= to)
		return RECUR_DONE;
	if ((m = memo_find(r, from, to, max))) {
		memcpy(out, m->dates, m->n * sizeof(*out));
		*n = m->n;
		return RECUR_DONE;
	}
	if (iteration_rule(r, to, &rule))
		return RECUR_DONE;
	st = expand_rule(&rule, r->dtstart, from, to, out, max, stop_ns, n);
	if (st == RECUR_DONE)
		memo_keep(r, from, to, max, out, *n);
	return st;
}

enum recur_status recur_expand(const struct recur *r, int64_t from, int64_t to, int64_t *out,
			       size_t max, size_t *n)
{
	return expand_until(r, from, to, out, max, 0, n);
}

/* Reads a rule that falls on one month and day each year — "FREQ=YEARLY" (the start's month
 * and day), or with "BYMONTH=m;BYMONTHDAY=d" — with at most INTERVAL=1, COUNT and UNTIL
 * besides (the caller bounds the dates by last_day): true with *month and *mday set
 * (0 = the start's). Any other rule is left to libical. Most holidays are such rules, and
 * working their dates out directly spares a libical iterator per rule per request. */
static bool yearly_date_rule(const char *text, int *month, int *mday)
{
	char buf[RECUR_TEXT_MAX], *save = NULL, *tok;
	bool yearly = false;

	*month = *mday = 0;
	if (strlen(text) >= sizeof(buf))
		return false;
	memcpy(buf, text, strlen(text) + 1);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '='), *end;
		long v;

		if (!eq)
			return false;
		*eq = '\0';
		if (!strcmp(tok, "FREQ")) {
			yearly = !strcmp(eq + 1, "YEARLY");
			if (!yearly)
				return false;
			continue;
		}
		if (!strcmp(tok, "COUNT") || !strcmp(tok, "UNTIL"))
			continue;
		v = strtol(eq + 1, &end, 10);
		if (*end || end == eq + 1)
			return false;
		if (!strcmp(tok, "INTERVAL") && v == 1)
			continue;
		if (!strcmp(tok, "BYMONTH") && v >= 1 && v <= 12 && !*month)
			*month = (int)v;
		else if (!strcmp(tok, "BYMONTHDAY") && v >= 1 && v <= 31 && !*mday)
			*mday = (int)v;
		else
			return false;
	}
	return yearly && !*month == !*mday;
}

/* The dates of such a rule within from_day..to_day, none before start_day or after last_day. */
static enum recur_status yearly_dates(int month, int mday, int64_t start_day, int64_t last_day,
				      int64_t from_day, int64_t to_day, int64_t *out, size_t max,
				      size_t *n)
{
	int64_t lo = from_day > start_day ? from_day : start_day;
	int64_t hi = to_day < last_day ? to_day : last_day;
	int y, y_hi, m, d;

	*n = 0;
	if (lo > hi)
		return RECUR_DONE;
	if (!month)
		civil_from_days(start_day, &y, &month, &mday);
	civil_from_days(lo, &y, &m, &d);
	civil_from_days(hi, &y_hi, &m, &d);
	for (; y <= y_hi; y++) {
		int64_t day;
		if (mday > days_in_month(y, month))
			continue;
		day = days_from_civil(y, month, mday);
		if (day < lo || day > hi)
			continue;
		if (*n == max)
			return RECUR_CAPPED;
		out[(*n)++] = day;
	}
	return RECUR_DONE;
}

enum recur_status recur_dates_until(const char *text, int64_t start_day, int64_t last_day,
				    int64_t from_day, int64_t to_day, int64_t stop_ns,
				    int64_t *out, size_t max, size_t *n)
{
	enum recur_status st;
	struct recur r;
	int month, mday;
	size_t i;

	*n = 0;
	if (to_day < from_day)
		return RECUR_DONE;
	if (yearly_date_rule(text, &month, &mday))
		return yearly_dates(month, mday, start_day, last_day, from_day, to_day, out, max,
				    n);
	snprintf(r.text, sizeof(r.text), "%s", text);
	r.dtstart = start_day * 86400;
	r.last = last_day * 86400 + 86399;
	st = expand_until(&r, from_day * 86400, (to_day + 1) * 86400, out, max, stop_ns, n);
	for (i = 0; i < *n; i++)
		out[i] = floor_div(out[i], 86400);
	return st;
}

size_t recur_dates(const char *text, int64_t start_day, int64_t last_day, int64_t from_day,
		   int64_t to_day, int64_t *out, size_t max)
{
	size_t n;

	recur_dates_until(text, start_day, last_day, from_day, to_day, 0, out, max, &n);
	return n;
}

int64_t recur_until_utc(const struct recur *r)
{
	const char *u = strstr(r->text, "UNTIL=");
	char v[17];
	int64_t wall;

	if (!u || strlen(u + 6) < 16 || (u[6 + 16] && u[6 + 16] != ';'))
		return INT64_MAX;
	memcpy(v, u + 6, 16);
	v[16] = '\0';
	if (until_wall(v, NULL, &wall))
		return INT64_MAX;
	return wall;
}

bool recur_has(const struct recur *r, int64_t wall)
{
	int64_t one;
	size_t n;

	recur_expand(r, wall, wall + 1, &one, 1, &n);
	return n == 1 && one == wall;
}

int recur_parse(const char *text, int64_t dtstart, const struct tz *tz, const char *pointer,
		const char *start_pointer, struct recur *out, struct err *e)
{
	struct parsed ps;
	struct icalrecurrencetype rule;
	const char *v;
	int64_t first;
	size_t n, i, len = 0;

	if (split(text, &ps, pointer, e) || check_parts(&ps, pointer, e))
		return -1;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < ps.n; i++)
		len += (size_t)snprintf(out->text + len, sizeof(out->text) - len, "%s%s=%s",
					i ? ";" : "", ps.p[i].name, ps.p[i].value);
	out->dtstart = dtstart;
	out->last = RECUR_OPEN;
	if ((v = part_value(&ps, "UNTIL"))) {
		until_wall(v, tz, &out->last);
		if (out->last < dtstart)
			return err_field(e, pointer, "UNTIL is before the start");
	}
	if (iteration_rule(out, dtstart + 1, &rule))
		return err_field(e, pointer, "is not a valid RRULE");
	if (expand_rule(&rule, dtstart, dtstart, dtstart + 1, &first, 1, 0, &n) != RECUR_DONE ||
	    n != 1)
		return err_field(e, start_pointer,
				 "is not an occurrence of the rule: the start must be its first"
				 " occurrence");
	if ((v = part_value(&ps, "COUNT"))) {
		size_t count = (size_t)atol(v);
		int64_t *all = malloc(count * sizeof(*all));
		enum recur_status st;
		if (!all)
			return err_set(e, ERR_INTERNAL, "out of memory");
		iteration_rule(out, RECUR_HORIZON + 1, &rule);
		st = expand_rule(&rule, dtstart, dtstart, RECUR_HORIZON + 1, all, count, 0, &n);
		out->last = n ? all[n - 1] : dtstart;
		free(all);
		if (st == RECUR_BUDGET)
			return err_field(e, pointer, "takes too long to expand");
	}
	return 0;
}

void recur_format_utc(int64_t utc, char out[17])
{
	int64_t day = floor_div(utc, 86400), sod = utc - day * 86400;
	int y, m, d;

	char tmp[64];

	civil_from_days(day, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d%02d%02dT%02d%02d%02dZ", y % 10000, m, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	memcpy(out, tmp, 16);
	out[16] = '\0';
}

void recur_end_before(struct recur *r, int64_t before, const struct tz *tz)
{
	char kept[RECUR_TEXT_MAX], until[64];
	const char *s = r->text;
	size_t len = 0;

	kept[0] = '\0';
	while (*s) {
		const char *semi = strchr(s, ';');
		size_t n = semi ? (size_t)(semi - s) : strlen(s);
		if (strncmp(s, "COUNT=", 6) && strncmp(s, "UNTIL=", 6) && len + n + 2 < sizeof(kept))
			len += (size_t)snprintf(kept + len, sizeof(kept) - len, "%s%.*s",
						len ? ";" : "", (int)n, s);
		s += n + (semi ? 1 : 0);
	}
	r->last = before - 1;
	if (tz) {
		recur_format_utc(tz_to_utc(tz, before) - 1, until);
	} else {
		int y, m, d;
		civil_from_days(floor_div(before - 1, 86400), &y, &m, &d);
		snprintf(until, sizeof(until), "%04d%02d%02d", y % 10000, m, d);
	}
	{
		char out[RECUR_TEXT_MAX + 96];
		snprintf(out, sizeof(out), "%s;UNTIL=%s", kept, until);
		snprintf(r->text, sizeof(r->text), "%.*s", (int)sizeof(r->text) - 1, out);
	}
}
