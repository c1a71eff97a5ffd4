/* Unit tests for core/recur: RFC 5545 §3.8.5.3 examples on the floating clock, refused
 * shapes, the start-must-match rule, COUNT/UNTIL bounds, windows deep into a series, and
 * ending a series before an occurrence. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/recur.h"
#include "unit_helpers.h"

/* "YYYYMMDDTHHMM" wall time -> wall seconds. */
static int64_t w(const char *s)
{
	int y, m, d, hh, mm;

	assert_int_equal(sscanf(s, "%4d%2d%2dT%2d%2d", &y, &m, &d, &hh, &mm), 5);
	return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static void fmt(int64_t wall, char out[16])
{
	int64_t day = floor_div(wall, 86400), sod = wall - day * 86400;
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d%02d%02dT%02d%02d", y, m, d, (int)(sod / 3600),
		 (int)(sod / 60 % 60));
}

/* Expands rule from start over [start, until) and compares with the expected wall times
 * (a NULL-terminated list); at most max occurrences are asked for. */
static void expect(const char *rule, const char *start, const char *until, size_t max,
		   const char *const *want)
{
	struct recur r;
	struct err e;
	int64_t *got = calloc(max + 1, sizeof(*got));
	size_t n, i;
	char buf[16];

	err_init(&e);
	if (recur_parse(rule, w(start), NULL, "/rrule", "/start", &r, &e)) {
		fail_msg("%s refused: %s %s", rule, e.fields[0].pointer, e.fields[0].message);
	}
	recur_expand(&r, w(start), until ? w(until) : RECUR_OPEN - 1, got, max, &n);
	for (i = 0; want[i]; i++) {
		if (i >= n)
			fail_msg("%s: %zu occurrences, want more (next %s)", rule, n, want[i]);
		fmt(got[i], buf);
		if (strcmp(buf, want[i]))
			fail_msg("%s: occurrence %zu is %s, want %s", rule, i, buf, want[i]);
	}
	if (n != i)
		fail_msg("%s: %zu occurrences, want %zu", rule, n, i);
	free(got);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void rfc_daily(void **state)
{
	(void)state;
	expect("FREQ=DAILY;COUNT=10", "19970902T0900", NULL, 50,
	       LIST("19970902T0900", "19970903T0900", "19970904T0900", "19970905T0900",
		    "19970906T0900", "19970907T0900", "19970908T0900", "19970909T0900",
		    "19970910T0900", "19970911T0900"));
	expect("FREQ=DAILY;INTERVAL=10;COUNT=5", "19970902T0900", NULL, 50,
	       LIST("19970902T0900", "19970912T0900", "19970922T0900", "19971002T0900",
		    "19971012T0900"));
	expect("FREQ=DAILY;INTERVAL=2", "19970902T0900", NULL, 4,
	       LIST("19970902T0900", "19970904T0900", "19970906T0900", "19970908T0900"));
}

static void rfc_weekly(void **state)
{
	(void)state;
	expect("FREQ=WEEKLY;COUNT=10", "19970902T0900", NULL, 50,
	       LIST("19970902T0900", "19970909T0900", "19970916T0900", "19970923T0900",
		    "19970930T0900", "19971007T0900", "19971014T0900", "19971021T0900",
		    "19971028T0900", "19971104T0900"));
	expect("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", "19970902T0900", NULL, 50,
	       LIST("19970902T0900", "19970904T0900", "19970916T0900", "19970918T0900",
		    "19970930T0900", "19971002T0900", "19971014T0900", "19971016T0900"));
	expect("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "19970805T0900", NULL, 50,
	       LIST("19970805T0900", "19970810T0900", "19970819T0900", "19970824T0900"));
	expect("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "19970805T0900", NULL, 50,
	       LIST("19970805T0900", "19970817T0900", "19970819T0900", "19970831T0900"));
}

static void rfc_monthly(void **state)
{
	(void)state;
	expect("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "19970907T0900", NULL, 50,
	       LIST("19970907T0900", "19970928T0900", "19971102T0900", "19971130T0900",
		    "19980104T0900", "19980125T0900", "19980301T0900", "19980329T0900",
		    "19980503T0900", "19980531T0900"));
	expect("FREQ=MONTHLY;BYMONTHDAY=-3", "19970928T0900", NULL, 6,
	       LIST("19970928T0900", "19971029T0900", "19971128T0900", "19971229T0900",
		    "19980129T0900", "19980226T0900"));
	expect("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "19970930T0900", NULL, 50,
	       LIST("19970930T0900", "19971001T0900", "19971031T0900", "19971101T0900",
		    "19971130T0900", "19971201T0900", "19971231T0900", "19980101T0900",
		    "19980131T0900", "19980201T0900"));
	expect("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "19970904T0900", NULL, 50,
	       LIST("19970904T0900", "19971007T0900", "19971106T0900"));
	expect("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "19970929T0900", NULL, 5,
	       LIST("19970929T0900", "19971030T0900", "19971127T0900", "19971230T0900",
		    "19980129T0900"));
	expect("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "20070115T0900", NULL, 50,
	       LIST("20070115T0900", "20070130T0900", "20070215T0900", "20070315T0900",
		    "20070330T0900"));
	expect("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "19980213T0900", NULL, 5,
	       LIST("19980213T0900", "19980313T0900", "19981113T0900", "19990813T0900",
		    "20001013T0900"));
}

static void rfc_yearly(void **state)
{
	(void)state;
	expect("FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", "19970310T0900", NULL, 50,
	       LIST("19970310T0900", "19990110T0900", "19990210T0900", "19990310T0900",
		    "20010110T0900", "20010210T0900", "20010310T0900", "20030110T0900",
		    "20030210T0900", "20030310T0900"));
	expect("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
	       "19961105T0900", NULL, 3, LIST("19961105T0900", "20001107T0900", "20041102T0900"));
	/* A bare yearly rule keeps the start's month and day; 29 February only in leap years. */
	expect("FREQ=YEARLY", "20240229T0000", NULL, 3,
	       LIST("20240229T0000", "20280229T0000", "20320229T0000"));
	/* Thanksgiving (US): the fourth Thursday of November. */
	expect("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "20261126T0000", NULL, 3,
	       LIST("20261126T0000", "20271125T0000", "20281123T0000"));
}

static void until_bounds(void **state)
{
	(void)state;
	/* UNTIL is inclusive; a date UNTIL runs through that date. */
	expect("FREQ=DAILY;UNTIL=19970905", "19970902T0900", NULL, 50,
	       LIST("19970902T0900", "19970903T0900", "19970904T0900", "19970905T0900"));
	expect("FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", "19970902T0900", NULL,
	       50,
	       LIST("19970902T0900", "19970904T0900", "19970909T0900", "19970911T0900",
		    "19970916T0900", "19970918T0900", "19970923T0900", "19970925T0900",
		    "19970930T0900", "19971002T0900"));
}

static void until_in_zone(void **state)
{
	struct recur r;
	struct err e;
	int64_t got[200];
	size_t n;

	(void)state;
	err_init(&e);
	/* UNTIL=19971224T000000Z is 23 Dec 19:00 in New York: the last 09:00 is on the 23rd. */
	assert_int_equal(recur_parse("FREQ=DAILY;UNTIL=19971224T000000Z", w("19970902T0900"),
				     zone("America/New_York"), "/rrule", "/start", &r, &e),
			 0);
	recur_expand(&r, w("19970902T0900"), w("19980101T0000"), got, 200, &n);
	assert_int_equal(n, 113);
	assert_int_equal(got[n - 1], w("19971223T0900"));
}

static void refuse(const char *rule, const char *start, const char *pointer, const char *needle)
{
	struct recur r;
	struct err e;

	err_init(&e);
	if (recur_parse(rule, w(start), NULL, "/rrule", "/start", &r, &e) == 0)
		fail_msg("%s accepted", rule);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.fields[0].pointer, pointer);
	if (!strstr(e.fields[0].message, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", rule, e.fields[0].message, needle);
}

static void refused_shapes(void **state)
{
	(void)state;
	refuse("FREQ=HOURLY", "20260105T0900", "/rrule", "FREQ=HOURLY");
	refuse("FREQ=DAILY;BYHOUR=9", "20260105T0900", "/rrule", "BYHOUR");
	refuse("FREQ=YEARLY;BYYEARDAY=1", "20260101T0900", "/rrule", "BYYEARDAY");
	refuse("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "20260511T0900", "/rrule", "BYWEEKNO");
	refuse("FREQ=WEEKLY;BYDAY=1MO", "20260105T0900", "/rrule", "ordinals");
	refuse("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1", "20260105T0900", "/rrule", "BYSETPOS");
	refuse("FREQ=DAILY;BYMONTHDAY=-1", "20260131T0900", "/rrule", "BYMONTHDAY");
	refuse("FREQ=WEEKLY;BYMONTHDAY=5", "20260105T0900", "/rrule", "BYMONTHDAY");
	refuse("FREQ=YEARLY;BYDAY=20MO", "19970519T0900", "/rrule", "BYMONTH is required");
	refuse("FREQ=DAILY;COUNT=3;UNTIL=20260110", "20260105T0900", "/rrule", "COUNT and UNTIL");
	refuse("FREQ=DAILY;COUNT=0", "20260105T0900", "/rrule", "COUNT");
	refuse("FREQ=DAILY;COUNT=5001", "20260105T0900", "/rrule", "COUNT");
	refuse("FREQ=DAILY;INTERVAL=0", "20260105T0900", "/rrule", "INTERVAL");
	refuse("FREQ=DAILY;UNTIL=20260110T090000", "20260105T0900", "/rrule", "UNTIL");
	refuse("FREQ=DAILY;UNTIL=20260101", "20260105T0900", "/rrule", "before the start");
	refuse("FREQ=DAILY;X-NAME=1", "20260105T0900", "/rrule", "X-NAME");
	refuse("FREQ=DAILY;FREQ=WEEKLY", "20260105T0900", "/rrule", "twice");
	refuse("INTERVAL=2", "20260105T0900", "/rrule", "FREQ is required");
	refuse("FREQ=MONTHLY;BYDAY=6MO", "20260105T0900", "/rrule", "BYDAY");
	refuse("FREQ=DAILY;WKST=XX", "20260105T0900", "/rrule", "WKST");
	refuse("FREQ=DAILY;garbage", "20260105T0900", "/rrule", "NAME=VALUE");
	refuse("FREQ=WEEKLY;BYDAY=MO,TU,MO", "20260105T0900", "/rrule", "BYDAY");
	refuse("FREQ=MONTHLY;BYMONTHDAY=1,1", "20260101T0900", "/rrule", "BYMONTHDAY");
	refuse("FREQ=MONTHLY;BYSETPOS=32;BYMONTHDAY=1", "20260101T0900", "/rrule", "BYSETPOS");
	/* A position past the largest set never selects: refused before libical searches. */
	refuse("FREQ=MONTHLY;BYSETPOS=2;BYMONTHDAY=1", "20260101T0900", "/rrule",
	       "never selects");
	refuse("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;BYSETPOS=366", "20260101T0900", "/rrule",
	       "never selects");
	refuse("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-6", "20260105T0900", "/rrule", "never selects");
	/* 2026-01-05 is a Monday: a Tuesday rule does not start there. */
	refuse("FREQ=WEEKLY;BYDAY=TU", "20260105T0900", "/start", "first occurrence");
	refuse("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2", "20260131T0900", "/start",
	       "first occurrence");
}

static void lower_case_and_prefix_accepted(void **state)
{
	struct recur r;
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(recur_parse("RRULE:freq=weekly;byday=mo,we", w("20260105T0900"), NULL,
				     "/rrule", "/start", &r, &e),
			 0);
	assert_string_equal(r.text, "FREQ=WEEKLY;BYDAY=MO,WE");
	assert_int_equal(r.last, RECUR_OPEN);
}

/* A window deep into a long series gives what a full expansion gives in that window. */
static void deep_window_matches_full(void **state)
{
	static const char *const rules[] = {
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
		"FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,WE",
		"FREQ=DAILY;INTERVAL=7",
		"FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
		"FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=MONTHLY;INTERVAL=2;COUNT=400;BYMONTHDAY=31",
	};
	static const char *const starts[] = {"20260106T0930", "20260104T1700", "20260101T0800",
					     "20260130T1200", "20260129T0900", "20280229T0000",
					     "20260131T0800"};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(rules) / sizeof(*rules); k++) {
		static int64_t all[20000], part[2000];
		int64_t from = w("20400301T0000"), to = w("20420601T0000");
		struct recur r;
		struct err e;
		size_t n, m, i, j = 0;

		err_init(&e);
		assert_int_equal(recur_parse(rules[k], w(starts[k]), NULL, "/r", "/s", &r, &e), 0);
		assert_int_equal(recur_expand(&r, r.dtstart, to, all, 20000, &n), RECUR_DONE);
		assert_int_equal(recur_expand(&r, from, to, part, 2000, &m), RECUR_DONE);
		for (i = 0; i < n; i++) {
			if (all[i] < from)
				continue;
			if (j >= m || part[j] != all[i])
				fail_msg("%s: deep window differs at %zu", rules[k], j);
			j++;
		}
		assert_int_equal(j, m);
	}
}

static void count_sets_last_and_cap(void **state)
{
	struct recur r;
	struct err e;
	int64_t got[10];
	size_t n;

	(void)state;
	err_init(&e);
	assert_int_equal(recur_parse("FREQ=DAILY;COUNT=5000", w("20260101T0900"), NULL, "/r", "/s",
				     &r, &e),
			 0);
	assert_int_equal(r.last, w("20260101T0900") + 4999LL * 86400);
	assert_int_equal(recur_expand(&r, r.dtstart, RECUR_OPEN - 1, got, 10, &n), RECUR_CAPPED);
	assert_int_equal(n, 10);
	assert_int_equal(recur_expand(&r, r.last, RECUR_OPEN - 1, got, 10, &n), RECUR_DONE);
	assert_int_equal(n, 1);
	assert_true(recur_has(&r, r.last));
	assert_false(recur_has(&r, r.last + 86400));
	assert_false(recur_has(&r, r.dtstart + 3600));
}

static void end_before_occurrence(void **state)
{
	struct recur r;
	struct err e;
	int64_t got[20];
	size_t n;

	(void)state;
	err_init(&e);
	assert_int_equal(recur_parse("FREQ=DAILY;COUNT=10", w("20260301T0900"), NULL, "/r", "/s",
				     &r, &e),
			 0);
	recur_end_before(&r, w("20260305T0900"), zone("Europe/Berlin"));
	/* 09:00 Berlin on 5 March is 08:00Z; UNTIL is one second before. */
	assert_string_equal(r.text, "FREQ=DAILY;UNTIL=20260305T075959Z");
	recur_expand(&r, r.dtstart, RECUR_OPEN - 1, got, 20, &n);
	assert_int_equal(n, 4);
	assert_int_equal(got[3], w("20260304T0900"));

	assert_int_equal(recur_parse("FREQ=MONTHLY;BYDAY=1MO", w("20260105T0000"), NULL, "/r",
				     "/s", &r, &e),
			 0);
	recur_end_before(&r, w("20260406T0000"), NULL);
	assert_string_equal(r.text, "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20260405");
	recur_expand(&r, r.dtstart, RECUR_OPEN - 1, got, 20, &n);
	assert_int_equal(n, 3);
}

/* An endless rule stops at the end of 2099 instead of searching on. */
static void endless_rule_stops_at_horizon(void **state)
{
	struct recur r;
	struct err e;
	static int64_t got[100];
	size_t n;

	(void)state;
	err_init(&e);
	assert_int_equal(recur_parse("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", w("20960229T0900"),
				     NULL, "/r", "/s", &r, &e),
			 0);
	assert_int_equal(recur_expand(&r, r.dtstart, RECUR_OPEN - 1, got, 100, &n), RECUR_DONE);
	assert_int_equal(n, 1);
}

/* A rule on one month and day a year is worked out directly; the same rule with a part
 * libical ignores here (WKST) still goes through libical: both must give the same dates,
 * over leap days, month ends, bounds and windows across years. */
static void yearly_dates_match_libical(void **state)
{
	static const char *const rules[] = {
		"FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=12",
		"FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "FREQ=YEARLY;INTERVAL=1;BYMONTH=7;BYMONTHDAY=4",
		"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15;COUNT=3",
	};
	static const int starts[][3] = {{2020, 2, 29}, {2023, 1, 1}, {2024, 12, 31}, {2026, 7, 4}};
	size_t i, j, k;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char slow[RECUR_TEXT_MAX];
		snprintf(slow, sizeof(slow), "%s;WKST=MO", rules[i]);
		for (j = 0; j < sizeof(starts) / sizeof(starts[0]); j++) {
			int64_t start = days_from_civil(starts[j][0], starts[j][1], starts[j][2]);
			int64_t last = strstr(rules[i], "COUNT") ? start + 3 * 366 : CIVIL_MAX_DAY;
			for (k = 0; k < 40; k++) {
				int64_t from = start - 400 + (int64_t)k * 97, to = from + (int64_t)k * 53;
				int64_t a[64], b[64];
				size_t na = recur_dates(rules[i], start, last, from, to, a, 64);
				size_t nb = recur_dates(slow, start, last, from, to, b, 64);
				assert_int_equal(na, nb);
				assert_memory_equal(a, b, na * sizeof(a[0]));
			}
		}
	}
	/* Leap days only in leap years, and the cap is kept. */
	{
		int64_t out[8];
		int64_t s = days_from_civil(2020, 2, 29);
		size_t n = recur_dates("FREQ=YEARLY", s, CIVIL_MAX_DAY, s, s + 3000, out, 8);
		assert_int_equal(n, 3);
		assert_int_equal(out[1], days_from_civil(2024, 2, 29));
		assert_int_equal(recur_dates("FREQ=YEARLY", s, CIVIL_MAX_DAY, s, s + 3000, out, 2), 2);
	}
}

/* Each thread remembers its last complete expansions: an answer from that memo must be
 * the one a thread with an empty memo works out, whatever rules, starts, ends, windows and
 * caps came before. */
struct memo_case {
	const char *rule, *start, *from, *to;
	size_t max;
	int64_t got[40];
	size_t n;
};

static struct memo_case memo_cases[] = {
	{"FREQ=WEEKLY;BYDAY=MO", "20260302T0900", "20260302T0000", "20260330T0000", 40, {0}, 0},
	{"FREQ=WEEKLY;BYDAY=MO", "20260302T0900", "20260309T0000", "20260406T0000", 40, {0}, 0},
	{"FREQ=WEEKLY;BYDAY=TU", "20260303T0900", "20260302T0000", "20260330T0000", 40, {0}, 0},
	{"FREQ=DAILY", "20260302T0900", "20260302T0000", "20260320T0000", 40, {0}, 0},
	{"FREQ=DAILY", "20260302T0900", "20260302T0000", "20260320T0000", 3, {0}, 0},
	{"FREQ=DAILY", "20260302T1000", "20260302T0000", "20260320T0000", 40, {0}, 0},
	{"FREQ=DAILY;COUNT=5", "20260302T0900", "20260302T0000", "20260320T0000", 40, {0}, 0},
	{"FREQ=DAILY;INTERVAL=2", "20260302T0900", "20260302T0000", "20260320T0000", 40, {0}, 0},
	{"FREQ=DAILY", "20260307T0230", "20260307T0000", "20260311T0000", 40, {0}, 0},
	{"FREQ=MONTHLY;BYMONTHDAY=2", "20260302T0900", "20260101T0000", "20261231T0000", 40,
	 {0}, 0},
};
#define NMEMO (sizeof(memo_cases) / sizeof(memo_cases[0]))

static void memo_run(struct memo_case *c, int64_t *out, size_t *n)
{
	struct recur r;
	struct err e;

	err_init(&e);
	if (recur_parse(c->rule, w(c->start), NULL, "/rrule", "/start", &r, &e))
		fail_msg("%s refused", c->rule);
	recur_expand(&r, w(c->from), w(c->to), out, c->max, n);
}

static void *memo_fresh(void *arg)
{
	struct memo_case *c = arg;

	memo_run(c, c->got, &c->n);
	return NULL;
}

static void memo_matches_fresh_expansions(void **state)
{
	size_t round, i, k, n;
	int64_t got[40];

	(void)state;
	for (i = 0; i < NMEMO; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, memo_fresh, &memo_cases[i]), 0);
		pthread_join(t, NULL);
		assert_true(memo_cases[i].n > 0);
	}
	/* Forwards, backwards and each twice in a row: hits, misses and evictions. */
	for (round = 0; round < 4; round++)
		for (k = 0; k < 2 * NMEMO; k++) {
			i = round % 2 ? NMEMO - 1 - k / 2 : k / 2;
			memo_run(&memo_cases[i], got, &n);
			if (n != memo_cases[i].n ||
			    memcmp(got, memo_cases[i].got, n * sizeof(*got)))
				fail_msg("%s from %s over %s..%s (max %zu): %zu dates, want %zu",
					 memo_cases[i].rule, memo_cases[i].start, memo_cases[i].from,
					 memo_cases[i].to, memo_cases[i].max, n, memo_cases[i].n);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_daily),
		cmocka_unit_test(rfc_weekly),
		cmocka_unit_test(rfc_monthly),
		cmocka_unit_test(rfc_yearly),
		cmocka_unit_test(until_bounds),
		cmocka_unit_test(until_in_zone),
		cmocka_unit_test(refused_shapes),
		cmocka_unit_test(lower_case_and_prefix_accepted),
		cmocka_unit_test(deep_window_matches_full),
		cmocka_unit_test(count_sets_last_and_cap),
		cmocka_unit_test(end_before_occurrence),
		cmocka_unit_test(endless_rule_stops_at_horizon),
		cmocka_unit_test(yearly_dates_match_libical),
		cmocka_unit_test(memo_matches_fresh_expansions),
	};
	return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
