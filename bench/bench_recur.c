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

#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/civil.h"
#include "core/entry.h"
#include "core/recur.h"
#include "core/tz.h"
#include "util/err.h"

#define RUNS 3
#define WARMUP_SEC 0.5
#define MAX_ROWS 16
#define ZONE "America/New_York"

static double run_sec = 1.0;
static const char *only; /* run only measurements whose "label call" matches this glob */

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static int64_t ymd(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

static void wall_str(int64_t wall, char out[24])
{
	int64_t day = floor_div(wall, 86400), sod = wall - day * 86400;
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 24, "%04d-%02d-%02dT%02d:%02d", y, m, d, (int)(sod / 3600),
		 (int)(sod / 60 % 60));
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

static void setup(struct workload *w, struct tz_db *db)
{
	int64_t dtstart = w->first_day * 86400 + 9 * 3600;
	struct err e;

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
	char a[24], b[24];

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

struct result {
	double occ_per_sec;
	double ns_per_call;
	double cpu_share; /* CPU time of this thread / wall time: < 1 when the core was shared */
	uint64_t calls;
};

struct row {
	char name[96];
	size_t n;
	double us, kocc, runs_us[RUNS], min_share;
};

static struct row rows[MAX_ROWS];
static size_t nrows;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static struct result run_for(struct workload *w, iter_fn fn, double sec, size_t want)
{
	int64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t t0 = now_ns(), limit = (int64_t)(sec * 1e9), t;
	uint64_t calls = 0;
	struct result r;

	do {
		if (fn(w) != want)
			die(w, "the occurrence count changed between calls");
		calls++;
		t = now_ns() - t0;
	} while (t < limit);
	r.cpu_share = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / (double)t;
	r.calls = calls;
	r.ns_per_call = (double)t / (double)calls;
	r.occ_per_sec = (double)want * (double)calls / ((double)t / 1e9);
	return r;
}

/* Warms up, runs RUNS times and prints the median and every run. */
static void measure(struct workload *w, const char *call, iter_fn fn)
{
	struct result r[RUNS];
	double ops[RUNS], nsc[RUNS], share = 1;
	char full[96];
	size_t want;
	int i;

	snprintf(full, sizeof(full), "%s %s", w->label, call);
	if (only && fnmatch(only, full, 0) != 0)
		return;
	want = fn(w);
	run_for(w, fn, WARMUP_SEC, want);
	for (i = 0; i < RUNS; i++) {
		r[i] = run_for(w, fn, run_sec, want);
		ops[i] = r[i].occ_per_sec;
		nsc[i] = r[i].ns_per_call;
		if (r[i].cpu_share < share)
			share = r[i].cpu_share;
	}
	qsort(ops, RUNS, sizeof(double), cmp_double);
	qsort(nsc, RUNS, sizeof(double), cmp_double);
	printf("%s: %.1f k occurrences/s (median of %d: %.1f %.1f %.1f)\n", full,
	       ops[RUNS / 2] / 1e3, RUNS, r[0].occ_per_sec / 1e3, r[1].occ_per_sec / 1e3,
	       r[2].occ_per_sec / 1e3);
	printf("%s: %.2f us/call (median; %zu occurrences/call, %llu %llu %llu calls, "
	       "CPU share %.0f %.0f %.0f%%)\n",
	       full, nsc[RUNS / 2] / 1e3, want, (unsigned long long)r[0].calls,
	       (unsigned long long)r[1].calls, (unsigned long long)r[2].calls, r[0].cpu_share * 100,
	       r[1].cpu_share * 100, r[2].cpu_share * 100);
	if (share < 0.95)
		printf("%s: WARNING: a run had the core only %.0f%% of the time; another process "
		       "shares it, figures are low\n",
		       full, share * 100);
	fflush(stdout);
	if (nrows < MAX_ROWS) {
		struct row *row = &rows[nrows++];
		snprintf(row->name, sizeof(row->name), "%s", full);
		row->n = want;
		row->us = nsc[RUNS / 2] / 1e3;
		row->kocc = ops[RUNS / 2] / 1e3;
		for (i = 0; i < RUNS; i++)
			row->runs_us[i] = r[i].ns_per_call / 1e3;
		row->min_share = share;
	}
}

static void table(void)
{
	size_t i;

	if (!nrows)
		return;
	printf("\n| workload | call | occurrences/call | us/call | k occurrences/s | us/call of "
	       "the %d runs | min CPU share |\n",
	       RUNS);
	printf("| --- | --- | ---: | ---: | ---: | --- | ---: |\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		const char *sp = strchr(r->name, ' ');
		printf("| %.*s | %s | %zu | %.2f | %.1f | %.2f %.2f %.2f | %.0f%% |\n",
		       (int)(sp - r->name), r->name, sp + 1, r->n, r->us, r->kocc, r->runs_us[0],
		       r->runs_us[1], r->runs_us[2], r->min_share * 100);
	}
}

int main(int argc, char **argv)
{
	/* Mon 2026-01-05 .. the last Friday of 2035: 10 years, about 1,565 occurrences. */
	static struct workload weekly = {
	    .label = "weekly_10y",
	    .rule = "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20351231",
	    .what = "the whole 10-year series",
	};
	/* Endless, every other week from Tue 2026-01-06; one month in 2095. */
	static struct workload biweekly = {
	    .label = "biweekly_2095",
	    .rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
	    .what = "one month 69 years into an endless series",
	};
	/* The same series, four weeks from Mon 2095-02-21, a week without occurrences: libical's
	 * icalrecur_iterator_set_start then walks from the first occurrence (entry_occurrences
	 * starts its expansion two days before the window, in a week of the series). */
	static struct workload offweek = {
	    .label = "biweekly_2095_offweek",
	    .rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
	    .what = "the expansion starts in a week the series skips",
	};
	/* Endless, daily from Thu 2026-01-01; one month in 2095. */
	static struct workload everyday = {
	    .label = "daily_2095",
	    .rule = "FREQ=DAILY",
	    .what = "one month 69 years into an endless series",
	};
	/* COUNT=5000 daily from 2026-01-01 (last 2039-09-09): the month of its last occurrence. */
	static struct workload counted = {
	    .label = "daily_count5000",
	    .rule = "FREQ=DAILY;COUNT=5000",
	    .what = "the month holding the end of a COUNT=5000 series",
	};
	struct workload *all[] = {&weekly, &biweekly, &offweek, &everyday, &counted};
	struct tz_db *db;
	size_t i;
	int y, m, d;

	if (argc > 3 || (argc >= 2 && (run_sec = strtod(argv[1], NULL)) <= 0)) {
		fprintf(stderr, "usage: %s [seconds-per-run [filter]]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		only = argv[2];

	weekly.first_day = ymd(2026, 1, 5);
	weekly.last_day = ymd(2035, 12, 31);
	weekly.from_day = weekly.first_day;
	weekly.to_day = ymd(2036, 1, 5);
	weekly.expect = weekly_mwf;

	biweekly.first_day = ymd(2026, 1, 6);
	biweekly.from_day = ymd(2095, 3, 1);
	biweekly.to_day = ymd(2095, 4, 1);
	biweekly.expect = biweekly_tu_th;

	offweek.first_day = biweekly.first_day;
	offweek.from_day = ymd(2095, 2, 21);
	offweek.to_day = ymd(2095, 3, 21);
	offweek.expect = biweekly_tu_th;

	everyday.first_day = ymd(2026, 1, 1);
	everyday.last_day = INT64_MAX;
	everyday.from_day = ymd(2095, 3, 1);
	everyday.to_day = ymd(2095, 4, 1);
	everyday.expect = daily;

	counted.first_day = ymd(2026, 1, 1);
	counted.last_day = counted.first_day + 4999;
	civil_from_days(counted.last_day, &y, &m, &d);
	counted.from_day = ymd(y, m, 1);
	counted.to_day = m == 12 ? ymd(y + 1, 1, 1) : ymd(y, m + 1, 1);
	counted.expect = daily;

	db = tz_db_new();
	printf("# bench_recur: warm-up %.1f s, %d runs of %.1f s each, figures are medians; "
	       "entry_occurrences in %s, 1-hour occurrences at 09:00 local\n",
	       WARMUP_SEC, RUNS, run_sec, ZONE);
	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		setup(all[i], db);
		sanity(all[i]);
	}
	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		measure(all[i], "recur_expand", do_expand);
		measure(all[i], "entry_occurrences", do_entry);
	}
	measure(&counted, "recur_parse", do_parse);
	table();
	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		free(all[i]->walls);
		free(all[i]->occ);
	}
	tz_db_free(db);
	return 0;
}
