/* In-process benchmark of RRULE expansion (core/recur.c, libical on a floating clock) and of
 * series occurrences in a zone (core/entry.c: expansion + wall -> UTC, exdates, overrides),
 * the work behind entries, recurring holidays and overrides in GET /v1/calendar and the slot
 * engine. See bench/README.md.
 *
 *   bench_recur [seconds-per-run [filter]]   (default 1 s; pin it: taskset -c 1 bench_recur)
 *
 * filter, a shell glob, runs only the measurements whose "label call" matches it, e.g.
 * 'weekly_10y *' or '* entry_occurrences'.
 *
 * Prints plain text, one figure per line, then a summary table. Never fails because of a
 * time; aborts only when an expansion is cut short (cap or time budget), differs from the
 * occurrences computed by hand, or changes between iterations. */
#define _GNU_SOURCE

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/entry.h"
#include "core/recur.h"
#include "core/tz.h"
#include "util/err.h"

#include "bench_harness.h"

#define MAX_ROWS 16
#define ZONE "America/New_York"

static struct bench_opts opts = {.run_sec = 1.0};

/* "YYYY-MM-DDTHH:MM" of a wall time (formatted as the UTC instant of the same numbers). */
static void wall_str(int64_t wall, char out[RFC3339_STR_MAX])
{
	rfc3339_format(wall, 0, out);
	out[16] = '\0';
}

/* ---- workloads ----------------------------------------------------------------------------- */

/* One series and one window. The window is given on the wall clock for recur_expand and as
 * the matching UTC instants for entry_occurrences. expect(day) says whether the rule falls on
 * a day (written by hand from the rule, to check libical's answer); every occurrence starts at
 * 09:00 local. */
struct workload {
	const char *label;
	const char *rule;
	const char *what;
	int64_t first_day;	  /* dtstart: first_day 09:00 local */
	int64_t from_day, to_day; /* window: [from_day 00:00, to_day 00:00) local */
	bool (*expect)(const struct workload *w, int64_t day);
	int64_t last_day; /* for expect: the last day of a bounded series */

	struct recur r;
	struct entry en;
	entry_id_t assignee[1];
	const struct tz *tz;
	int64_t wall_from, wall_to, utc_from, utc_to;
	int64_t *walls;
	size_t max_walls;
	struct occurrence *occ;
	size_t max_occ;
};

static bool weekly_mwf(const struct workload *w, int64_t day)
{
	int wd = weekday_from_days(day);

	return day >= w->first_day && day <= w->last_day && (wd == 0 || wd == 2 || wd == 4);
}

/* INTERVAL=2, WKST=MO: the week of the first day (a Tuesday) and every second week after. */
static bool biweekly_tu_th(const struct workload *w, int64_t day)
{
	int64_t monday0 = w->first_day - weekday_from_days(w->first_day);
	int wd = weekday_from_days(day);

	return day >= w->first_day && floor_div(day - monday0, 7) % 2 == 0 && (wd == 1 || wd == 3);
}

static bool daily(const struct workload *w, int64_t day)
{
	return day >= w->first_day && day <= w->last_day;
}

static void die(const struct workload *w, const char *what)
{
	fprintf(stderr, "bench_recur: %s: %s\n", w->label, what);
	abort();
}

/* A workload as written in the table series[] (before main). */
struct series {
	const char *label, *rule, *what;
	bool (*expect)(const struct workload *w, int64_t day);
	const char *first;     /* "YYYY-MM-DD": dtstart is first 09:00 local */
	const char *from, *to; /* the window: [from 00:00, to 00:00) local */
	const char *last;      /* for expect: the last day of a bounded series; NULL: endless */
};

static int64_t day_of(const struct series *s, const char *date)
{
	int64_t day;

	if (date_parse(date, &day)) {
		fprintf(stderr, "bench_recur: %s: bad date %s\n", s->label, date);
		abort();
	}
	return day;
}

static void setup(struct workload *w, const struct series *s, struct tz_db *db)
{
	int64_t dtstart;
	struct err e;

	w->label = s->label;
	w->rule = s->rule;
	w->what = s->what;
	w->expect = s->expect;
	w->first_day = day_of(s, s->first);
	w->from_day = day_of(s, s->from);
	w->to_day = day_of(s, s->to);
	w->last_day = s->last ? day_of(s, s->last) : INT64_MAX;
	dtstart = w->first_day * 86400 + 9 * 3600;
	w->tz = tz_db_get(db, ZONE);
	if (!w->tz)
		die(w, "unknown zone " ZONE);
	err_init(&e);
	if (recur_parse(w->rule, dtstart, w->tz, "/rrule", "/start", &w->r, &e)) {
		fprintf(stderr, "bench_recur: %s: %s: %s\n", w->label, w->rule, e.message);
		abort();
	}
	w->wall_from = w->from_day * 86400;
	w->wall_to = w->to_day * 86400;
	w->utc_from = tz_to_utc(w->tz, w->wall_from);
	w->utc_to = tz_to_utc(w->tz, w->wall_to);

	memset(&w->en, 0, sizeof(w->en));
	snprintf(w->en.id, sizeof(w->en.id), "ent_bench");
	snprintf(w->en.timezone, sizeof(w->en.timezone), ZONE);
	snprintf(w->en.f.title, sizeof(w->en.f.title), "Bench series");
	snprintf(w->assignee[0], sizeof(w->assignee[0]), "prv_bench");
	w->en.f.assignee_ids = w->assignee;
	w->en.f.nassignees = 1;
	w->en.start = tz_to_utc(w->tz, dtstart);
	w->en.end = w->en.start + 3600;
	w->en.recurring = true;
	w->en.rule = w->r;
	w->en.version = 1;

	/* Room for one occurrence a day, more than any rule here produces: never capped. */
	w->max_walls = (size_t)(w->to_day - w->from_day) + 8;
	w->walls = malloc(w->max_walls * sizeof(*w->walls));
	w->max_occ = entry_occurrence_bound(&w->en, w->utc_from, w->utc_to);
	w->occ = malloc(w->max_occ * sizeof(*w->occ));
	if (!w->walls || !w->occ)
		die(w, "out of memory");
}

/* Checks both expansions against expect() and prints the sample line. */
static void sanity(struct workload *w)
{
	int64_t day, want[4000 + 8];
	size_t nwant = 0, n, i;
	enum recur_status st;
	char a[RFC3339_STR_MAX], b[RFC3339_STR_MAX];

	for (day = w->from_day; day < w->to_day; day++)
		if (w->expect(w, day)) {
			if (nwant == sizeof(want) / sizeof(*want))
				die(w, "window too long for the check");
			want[nwant++] = day * 86400 + 9 * 3600;
		}
	if (nwant == 0)
		die(w, "the window holds no occurrence");
	st = recur_expand(&w->r, w->wall_from, w->wall_to, w->walls, w->max_walls, &n);
	if (st != RECUR_DONE)
		die(w, st == RECUR_BUDGET ? "recur_expand ran out of its time budget"
					  : "recur_expand was capped");
	if (n != nwant || memcmp(w->walls, want, n * sizeof(*want)))
		die(w, "recur_expand differs from the occurrences computed by hand");
	st = entry_occurrences(&w->en, w->tz, w->utc_from, w->utc_to, w->occ, w->max_occ, &n);
	if (st != RECUR_DONE)
		die(w, "entry_occurrences was cut short");
	if (n != nwant)
		die(w, "entry_occurrences gives another count");
	for (i = 0; i < n; i++)
		if (tz_to_wall(w->tz, w->occ[i].start) != want[i] ||
		    w->occ[i].end - w->occ[i].start != 3600)
			die(w, "entry_occurrences gives another time");
	printf("%s: %s from ", w->label, w->rule);
	wall_str(w->first_day * 86400 + 9 * 3600, a);
	printf("%s %s; window ", a, ZONE);
	wall_str(w->wall_from, a);
	wall_str(w->wall_to, b);
	printf("[%s, %s) local: %zu occurrences", a, b, nwant);
	wall_str(want[0], a);
	wall_str(want[nwant - 1], b);
	printf(", first %s, last %s (%s)\n", a, b, w->what);
}

/* ---- measurement harness ------------------------------------------------------------------ */

typedef size_t (*iter_fn)(struct workload *w);

static size_t do_expand(struct workload *w)
{
	size_t n;

	if (recur_expand(&w->r, w->wall_from, w->wall_to, w->walls, w->max_walls, &n) != RECUR_DONE)
		die(w, "recur_expand was cut short");
	return n;
}

static size_t do_entry(struct workload *w)
{
	size_t n;

	if (entry_occurrences(&w->en, w->tz, w->utc_from, w->utc_to, w->occ, w->max_occ, &n) !=
	    RECUR_DONE)
		die(w, "entry_occurrences was cut short");
	return n;
}

/* The create-time check of a COUNT rule: recur_parse expands the whole series once to find
 * its last occurrence. */
static size_t do_parse(struct workload *w)
{
	struct recur r;
	struct err e;

	err_init(&e);
	if (recur_parse(w->rule, w->first_day * 86400 + 9 * 3600, w->tz, "/rrule", "/start", &r,
			&e) ||
	    r.last != w->r.last)
		die(w, "recur_parse failed or changed");
	return (size_t)atol(strstr(w->rule, "COUNT=") + 6);
}

struct row {
	char name[96];
	size_t n;
	double us, kocc, runs_us[BENCH_RUNS], min_share;
};

static struct row rows[MAX_ROWS];
static size_t nrows;

/* One call with the check that its count did not change (a bench_call_fn). */
struct checked_call {
	struct workload *w;
	iter_fn fn;
	size_t want;
};

static void checked_call(void *arg)
{
	const struct checked_call *c = arg;

	if (c->fn(c->w) != c->want)
		die(c->w, "the occurrence count changed between calls");
}

/* Warms up, runs BENCH_RUNS times, prints the median and every run and keeps a row for the
 * table. */
static void measure(struct workload *w, const char *call, iter_fn fn)
{
	const struct bench_units units = {"k occurrences/s", 1e3,    1, "call",
					  "occurrences",     "calls"};
	struct checked_call c = {w, fn, 0};
	struct bench_stats s;
	char full[96];
	int i;

	snprintf(full, sizeof(full), "%s %s", w->label, call);
	if (!bench_selected(&opts, full))
		return;
	c.want = fn(w);
	bench_measure(&opts, full, &units, checked_call, &c, c.want, &s);
	if (nrows < MAX_ROWS) {
		struct row *row = &rows[nrows++];
		snprintf(row->name, sizeof(row->name), "%s", full);
		row->n = c.want;
		row->us = s.ns_per_call / 1e3;
		row->kocc = s.items_per_sec / 1e3;
		for (i = 0; i < BENCH_RUNS; i++)
			row->runs_us[i] = s.run[i].ns_per_call / 1e3;
		row->min_share = s.min_share;
	}
}

static void table(void)
{
	size_t i;

	if (!nrows)
		return;
	printf("\n| workload | call | occurrences/call | us/call | k occurrences/s | us/call of "
	       "the %d runs | min CPU share |\n",
	       BENCH_RUNS);
	printf("| --- | --- | ---: | ---: | ---: | --- | ---: |\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		const char *sp = strchr(r->name, ' ');
		printf("| %.*s | %s | %zu | %.2f | %.1f | %.2f %.2f %.2f | %.0f%% |\n",
		       (int)(sp - r->name), r->name, sp + 1, r->n, r->us, r->kocc, r->runs_us[0],
		       r->runs_us[1], r->runs_us[2], r->min_share * 100);
	}
}

/* Every series starts at 09:00 local; for entry_occurrences it is a 1-hour entry in ZONE.
 * Label, rule, what the window shows, expect, first, window from, to, last. */
static const struct series series[] = {
    /* Mon 2026-01-05 .. the last Friday of 2035: 10 years, about 1,565 occurrences. */
    {"weekly_10y", "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20351231", "the whole 10-year series",
     weekly_mwf, "2026-01-05", "2026-01-05", "2036-01-05", "2035-12-31"},
    /* Endless, every other week from Tue 2026-01-06; one month in 2095. */
    {"biweekly_2095", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
     "one month 69 years into an endless series", biweekly_tu_th, "2026-01-06", "2095-03-01",
     "2095-04-01", NULL},
    /* The same series, four weeks from Mon 2095-02-21, a week without occurrences: libical's
     * icalrecur_iterator_set_start then walks from the first occurrence (entry_occurrences
     * starts its expansion two days before the window, in a week of the series). */
    {"biweekly_2095_offweek", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
     "the expansion starts in a week the series skips", biweekly_tu_th, "2026-01-06", "2095-02-21",
     "2095-03-21", NULL},
    /* Endless, daily from Thu 2026-01-01; one month in 2095. */
    {"daily_2095", "FREQ=DAILY", "one month 69 years into an endless series", daily, "2026-01-01",
     "2095-03-01", "2095-04-01", NULL},
    /* COUNT=5000 daily from 2026-01-01, so the last is 2039-09-09 (first + 4999 days; sanity()
     * fails on another date): the month of its last occurrence. */
    {"daily_count5000", "FREQ=DAILY;COUNT=5000", "the month holding the end of a COUNT=5000 series",
     daily, "2026-01-01", "2039-09-01", "2039-10-01", "2039-09-09"},
};

#define NWORKLOADS (sizeof(series) / sizeof(*series))

static struct workload all[NWORKLOADS];

int main(int argc, char **argv)
{
	struct tz_db *db;
	size_t i;

	if (bench_opts_parse(&opts, argc, argv))
		return 2;
	db = tz_db_new();
	printf("# bench_recur: warm-up %.1f s, %d runs of %.1f s each, figures are medians; "
	       "entry_occurrences in %s, 1-hour occurrences at 09:00 local\n",
	       BENCH_WARMUP_SEC, BENCH_RUNS, opts.run_sec, ZONE);
	for (i = 0; i < NWORKLOADS; i++) {
		setup(&all[i], &series[i], db);
		sanity(&all[i]);
	}
	for (i = 0; i < NWORKLOADS; i++) {
		measure(&all[i], "recur_expand", do_expand);
		measure(&all[i], "entry_occurrences", do_entry);
	}
	for (i = 0; i < NWORKLOADS; i++)
		if (strstr(all[i].rule, "COUNT="))
			measure(&all[i], "recur_parse", do_parse);
	table();
	for (i = 0; i < NWORKLOADS; i++) {
		free(all[i].walls);
		free(all[i].occ);
	}
	tz_db_free(db);
	return 0;
}
