/* The timing harness of the in-process benchmarks (bench_slots, bench_recur): the command
 * line, then for each measurement a warm-up, BENCH_RUNS timed runs on CLOCK_MONOTONIC, the
 * medians, and the share of each run this thread was on the CPU. Header only: each benchmark
 * is a single .c file. See bench/README.md. */
#ifndef SLOTD_BENCH_HARNESS_H
#define SLOTD_BENCH_HARNESS_H

#include <fnmatch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_RUNS 3
#define BENCH_WARMUP_SEC 0.5
#define BENCH_LOW_SHARE 0.95 /* a run with a lower CPU share is reported as time-shared */

/* The command line: [seconds-per-run [filter]]. */
struct bench_opts {
	double run_sec;
	const char *only; /* a shell glob: run only the measurements whose full name matches */
};

/* One call of a workload. It checks its own output and aborts when the output changed. */
typedef void (*bench_call_fn)(void *ctx);

struct bench_run {
	double items_per_sec; /* items (slots, occurrences) per second of wall time */
	double ns_per_call;
	double cpu_share; /* CPU time of this thread / wall time: < 1 when the core was shared */
	uint64_t calls;
};

struct bench_stats {
	struct bench_run run[BENCH_RUNS];
	double items_per_sec; /* median */
	double ns_per_call;   /* median */
	double min_share;
};

/* How the two lines of a measurement name its figures, e.g. "M slots/s" (scale 1e6, 2
 * digits), "us/iteration", "559 slots/iteration", "1306 1303 1300 iterations". */
struct bench_units {
	const char *rate;
	double rate_scale;
	int rate_digits;
	const char *call;
	const char *items;
	const char *calls;
};

/* Parses argv into *o (whose run_sec holds the default). Returns 0, or prints the usage and
 * returns -1. */
static inline int bench_opts_parse(struct bench_opts *o, int argc, char **argv)
{
	if (argc > 3 || (argc >= 2 && (o->run_sec = strtod(argv[1], NULL)) <= 0)) {
		fprintf(stderr, "usage: %s [seconds-per-run [filter]]\n", argv[0]);
		return -1;
	}
	if (argc == 3)
		o->only = argv[2];
	return 0;
}

static inline bool bench_selected(const struct bench_opts *o, const char *full)
{
	return !o->only || fnmatch(o->only, full, 0) == 0;
}

static inline int64_t bench_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Calls fn until sec seconds have passed (checked after every call); items: per call. */
static inline struct bench_run bench_run_for(bench_call_fn fn, void *ctx, double sec, size_t items)
{
	int64_t c0 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t t0 = bench_clock_ns(CLOCK_MONOTONIC), limit = (int64_t)(sec * 1e9), t;
	struct bench_run r = {0};

	do {
		fn(ctx);
		r.calls++;
		t = bench_clock_ns(CLOCK_MONOTONIC) - t0;
	} while (t < limit);
	r.cpu_share = (double)(bench_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / (double)t;
	r.ns_per_call = (double)t / (double)r.calls;
	r.items_per_sec = (double)items * (double)r.calls / ((double)t / 1e9);
	return r;
}

/* Warms up, runs BENCH_RUNS times for o->run_sec each, and prints under the name full the
 * median rate and every run, the median time per call with the call counts and CPU shares,
 * and a WARNING when a run had the core less than BENCH_LOW_SHARE of the time. items: per
 * call. Fills *s. */
static inline void bench_measure(const struct bench_opts *o, const char *full,
				 const struct bench_units *u, bench_call_fn fn, void *ctx,
				 size_t items, struct bench_stats *s)
{
	double rate[BENCH_RUNS], ns[BENCH_RUNS];
	const struct bench_run *r = s->run;
	int i, dg = u->rate_digits;

	bench_run_for(fn, ctx, BENCH_WARMUP_SEC, items);
	s->min_share = 1;
	for (i = 0; i < BENCH_RUNS; i++) {
		s->run[i] = bench_run_for(fn, ctx, o->run_sec, items);
		rate[i] = r[i].items_per_sec;
		ns[i] = r[i].ns_per_call;
		if (r[i].cpu_share < s->min_share)
			s->min_share = r[i].cpu_share;
	}
	qsort(rate, BENCH_RUNS, sizeof(double), bench_cmp_double);
	qsort(ns, BENCH_RUNS, sizeof(double), bench_cmp_double);
	s->items_per_sec = rate[BENCH_RUNS / 2];
	s->ns_per_call = ns[BENCH_RUNS / 2];

	printf("%s: %.*f %s (median of %d: %.*f %.*f %.*f)\n", full, dg,
	       s->items_per_sec / u->rate_scale, u->rate, BENCH_RUNS, dg,
	       r[0].items_per_sec / u->rate_scale, dg, r[1].items_per_sec / u->rate_scale, dg,
	       r[2].items_per_sec / u->rate_scale);
	printf(
	    "%s: %.2f us/%s (median; %zu %s/%s, %llu %llu %llu %s, CPU share %.0f %.0f %.0f%%)\n",
	    full, s->ns_per_call / 1e3, u->call, items, u->items, u->call,
	    (unsigned long long)r[0].calls, (unsigned long long)r[1].calls,
	    (unsigned long long)r[2].calls, u->calls, r[0].cpu_share * 100, r[1].cpu_share * 100,
	    r[2].cpu_share * 100);
	for (i = 0; i < BENCH_RUNS; i++) {
		if (r[i].cpu_share < BENCH_LOW_SHARE) {
			printf("%s: WARNING: run %d had the core only %.0f%% of the time; another "
			       "process shares it, figures are low\n",
			       full, i + 1, r[i].cpu_share * 100);
			break;
		}
	}
	fflush(stdout);
}

#endif
