/* In-process benchmark of the slot engine (slots_generate) and of its JSON rendering
 * (slots_render_json), the hot path of GET /v1/slots. See bench/README.md.
 *
 *   bench_slots [seconds-per-run [filter]]   (default 2 s; pin it: taskset -c 1 bench_slots)
 *
 * filter, a shell glob, runs only the measurements whose "label name" matches it, e.g.
 * 'slots_30d step15 gen' or 'providers_1000x1d*' (for profiling).
 *
 * Prints plain text, one figure per line. Never fails because of a time; aborts only when the
 * engine's output is empty or changes between iterations. */
#define _GNU_SOURCE

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avail.h"
#include "core/civil.h"
#include "core/slots.h"
#include "core/tz.h"
#include "http/slots_json.h"
#include "util/buf.h"
#include "util/err.h"

#include "bench_harness.h"

static struct bench_opts opts = {.run_sec = 2.0};

static void die(const char *what)
{
	fprintf(stderr, "bench_slots: %s\n", what);
	abort();
}

static int64_t ymd(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* The UTC instant of local time hh:mm on day in zone tz. */
static int64_t local_at(const struct tz *tz, int64_t day, int hh, int mm)
{
	return tz_to_utc(tz, day * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60);
}

static struct day_interval hm(int h0, int m0, int h1, int m1)
{
	struct day_interval iv = {(int16_t)(h0 * 60 + m0), (int16_t)(h1 * 60 + m1)};
	return iv;
}

static const struct tz *zone(struct tz_db *db, const char *name)
{
	const struct tz *z = tz_db_get(db, name);

	if (!z) {
		fprintf(stderr, "bench_slots: unknown zone %s\n", name);
		abort();
	}
	return z;
}

/* ---- measurement harness ---------------------------------------------------------------- */

/* One iteration of a workload; returns the number of slots it produced and sets *bytes to the
 * JSON length (0 when not rendered). */
typedef size_t (*iter_fn)(void *ctx, size_t *bytes);

/* One iteration with the check that its output did not change (a bench_call_fn). */
struct checked_iter {
	const char *name;
	iter_fn fn;
	void *ctx;
	size_t want_n, want_bytes;
};

static void checked_call(void *arg)
{
	const struct checked_iter *c = arg;
	size_t bytes = 0;
	size_t n = c->fn(c->ctx, &bytes);

	if (n != c->want_n || bytes != c->want_bytes) {
		fprintf(stderr,
			"bench_slots: %s: output changed between iterations (%zu slots/%zu bytes, "
			"expected %zu/%zu)\n",
			c->name, n, bytes, c->want_n, c->want_bytes);
		abort();
	}
}

/* Warms up, runs BENCH_RUNS times and prints the median and every run. unit: "iteration" or
 * "query". */
static void measure(const char *label, const char *name, const char *unit, iter_fn fn, void *ctx)
{
	const struct bench_units units = {"M slots/s", 1e6, 2, unit, "slots", "iterations"};
	struct checked_iter c = {name, fn, ctx, 0, 0};
	struct bench_stats s;
	char full[96];

	snprintf(full, sizeof(full), "%s %s", label, name);
	if (!bench_selected(&opts, full))
		return;
	c.want_n = fn(ctx, &c.want_bytes);
	if (c.want_n == 0) {
		fprintf(stderr, "bench_slots: %s %s: no slots generated\n", label, name);
		abort();
	}
	bench_measure(&opts, full, &units, checked_call, &c, c.want_n, &s);
}

/* Prints the first k slot objects of the rendered JSON and checks that it parses and holds n
 * slots. */
static void sanity(const char *label, const struct buf *b, size_t n, int k)
{
	const char *p = b->ptr;
	size_t len = 0;
	json_error_t jerr;
	json_t *root, *arr;
	uint64_t h = 14695981039346656037ull; /* FNV-1a of the JSON: changes when output does */
	int seen = 0;

	if (b->failed || b->len == 0)
		die("JSON rendering failed");
	for (len = 0; len < b->len; len++)
		h = (h ^ (unsigned char)p[len]) * 1099511628211ull;
	for (len = 0; len < b->len; len++)
		if (p[len] == '}' && ++seen == k)
			break;
	printf("%s sample: %.*s ... (%zu slots, %zu bytes of JSON, fnv1a %016llx)\n", label,
	       (int)len + 1, p, n, b->len, (unsigned long long)h);
	root = json_loadb(b->ptr, b->len, 0, &jerr);
	if (!root) {
		fprintf(stderr, "bench_slots: %s: rendered JSON does not parse: %s\n", label,
			jerr.text);
		abort();
	}
	arr = json_object_get(root, "slots");
	if (!json_is_array(arr) || json_array_size(arr) != n) {
		fprintf(stderr, "bench_slots: %s: JSON holds %zu slots, generator %zu\n", label,
			json_is_array(arr) ? json_array_size(arr) : 0, n);
		abort();
	}
	json_decref(root);
}

/* ---- scenario 1: one provider, 30 days -------------------------------------------------- */

struct one {
	struct slot_query q;
	struct slot_provider p;
	struct slot_scratch scratch;
	struct slot_list list;
	struct buf json;
	const struct tz *display;
	const char *const *ids;
	bool with_seats;
};

static size_t one_gen(void *ctx, size_t *bytes)
{
	struct one *o = ctx;

	o->list.n = 0;
	return slots_generate(&o->q, &o->p, &o->scratch, &o->list);
}

static size_t one_gen_json(void *ctx, size_t *bytes)
{
	struct one *o = ctx;
	size_t n;

	o->list.n = 0;
	n = slots_generate(&o->q, &o->p, &o->scratch, &o->list);
	buf_reset(&o->json);
	slots_render_json(&o->json, o->list.v, o->list.n, o->display, o->ids, o->with_seats);
	*bytes = o->json.len;
	return n;
}

/* Only the rendering, of a list generated once. */
static size_t one_json(void *ctx, size_t *bytes)
{
	struct one *o = ctx;

	buf_reset(&o->json);
	slots_render_json(&o->json, o->list.v, o->list.n, o->display, o->ids, o->with_seats);
	*bytes = o->json.len;
	return o->list.n;
}

static void scenario_one(struct tz_db *db)
{
	static const char *const ids[] = {"prov_7f3a9c21"};
	const struct tz *ny = zone(db, "America/New_York");
	/* Mon 2025-10-27 .. Tue 2025-11-25 local: crosses the end of DST on Sun 2025-11-02. */
	int64_t d0 = ymd(2025, 10, 27);
	struct week_template wt;
	struct holiday hol[1];
	struct interval off[2];
	struct avail_input in;
	struct service_rules rules = {
	    .duration_min = 30,
	    .step_min = 15,
	    .min_notice_min = 120,
	    .max_advance_days = 90,
	    .capacity = 1,
	};
	struct one o;
	int wd, step;

	memset(&wt, 0, sizeof(wt));
	wt.effective_from = AVAIL_DAY_NONE;
	wt.effective_until = AVAIL_DAY_NONE;
	for (wd = 0; wd < 5; wd++) {
		wt.day[wd].n = 2;
		wt.day[wd].iv[0] = hm(9, 0, 12, 0);
		wt.day[wd].iv[1] = hm(13, 0, 17, 0);
	}
	wt.day[5].n = 1;
	wt.day[5].iv[0] = hm(10, 0, 14, 0);

	hol[0] = (struct holiday){ymd(2025, 11, 11), false, "Veterans Day"};
	/* An afternoon off, and a span across two days. */
	off[0] = (struct interval){local_at(ny, ymd(2025, 11, 5), 13, 0),
				   local_at(ny, ymd(2025, 11, 5), 17, 0)};
	off[1] = (struct interval){local_at(ny, ymd(2025, 11, 18), 10, 30),
				   local_at(ny, ymd(2025, 11, 19), 12, 0)};

	memset(&in, 0, sizeof(in));
	in.tz = ny;
	in.templates = &wt;
	in.ntemplates = 1;
	in.holidays = hol;
	in.nholidays = 1;
	in.time_off = off;
	in.ntime_off = 2;

	memset(&o, 0, sizeof(o));
	o.q.rules = &rules;
	o.q.now = local_at(ny, ymd(2025, 10, 20), 8, 0);
	o.q.from = local_at(ny, d0, 0, 0);
	o.q.to = local_at(ny, d0 + 30, 0, 0);
	o.p.avail = &in;
	o.p.busy = NULL;
	o.p.index = 0;
	slot_scratch_init(&o.scratch);
	slot_list_init(&o.list);
	buf_init(&o.json, 0);
	o.display = ny;
	o.ids = ids;

	printf("# slots_30d: 1 provider, America/New_York, Mon-Fri 09-12+13-17, Sat 10-14, "
	       "1 holiday, 2 time-off ranges, 30 local days from 2025-10-27, 30-min service\n");
	for (step = 15; step <= 30; step += 15) {
		char label[32];

		rules.step_min = step;
		snprintf(label, sizeof(label), "slots_30d step%d", step);
		o.with_seats = false;
		one_gen_json(&o, &(size_t){0});
		sanity(label, &o.json, o.list.n, 3);
		measure(label, "gen", "iteration", one_gen, &o);
		measure(label, "json", "iteration", one_json, &o);
		measure(label, "gen+json", "iteration", one_gen_json, &o);
		if (step == 15) {
			o.with_seats = true;
			measure(label, "gen+json(seats_left)", "iteration", one_gen_json, &o);
			o.with_seats = false;
		}
	}
	slot_scratch_release(&o.scratch);
	slot_list_release(&o.list);
	buf_release(&o.json);
}

/* ---- scenario 2: 1000 providers, 1 day -------------------------------------------------- */

#define NPROV 1000

static const char *const zones[] = {
    "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Europe/London",
    "Europe/Berlin",	"Asia/Kolkata",	       "Asia/Kathmandu",    "Asia/Tokyo",
    "Australia/Sydney", "Australia/Adelaide",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

struct many {
	struct slot_query q;
	struct slot_provider p[NPROV];
	struct slot_scratch scratch;
	struct slot_list list;
	struct buf json;
	const struct tz *display;
	const char *const *ids;
};

static size_t many_gen(void *ctx, size_t *bytes)
{
	struct many *m = ctx;
	size_t i;

	m->list.n = 0;
	for (i = 0; i < NPROV; i++)
		slots_generate(&m->q, &m->p[i], &m->scratch, &m->list);
	slot_list_sort(&m->list);
	return m->list.n;
}

static size_t many_gen_json(void *ctx, size_t *bytes)
{
	struct many *m = ctx;
	size_t n = many_gen(ctx, bytes);

	buf_reset(&m->json);
	slots_render_json(&m->json, m->list.v, m->list.n, m->display, m->ids, false);
	*bytes = m->json.len;
	return n;
}

static void scenario_many(struct tz_db *db)
{
	static struct week_template wt[NPROV];
	static struct avail_input in[NPROV];
	static struct holiday hol[NPROV];
	static struct interval off[NPROV];
	static char idbuf[NPROV][16];
	static const char *ids[NPROV];
	static struct many m;
	struct service_rules rules = {
	    .duration_min = 30,
	    .step_min = 15,
	    .min_notice_min = 60,
	    .max_advance_days = 60,
	    .capacity = 1,
	};
	/* UTC day Wed 2025-11-12: local Tue evening .. Thu afternoon depending on the zone. */
	int64_t day = ymd(2025, 11, 12);
	size_t i;
	int k;

	for (i = 0; i < NPROV; i++) {
		const struct tz *z = zone(db, zones[i % NZONES]);
		int start_h = 7 + (int)(i % 4);	 /* 07:00 .. 10:00 */
		int lunch_m = (int)(i % 3) * 30; /* 12:00, 12:30, 13:00 */
		int end_h = 16 + (int)(i % 3);	 /* 16:00 .. 18:00 */
		struct week_template *t = &wt[i];
		int wd;

		t->effective_from = AVAIL_DAY_NONE;
		t->effective_until = AVAIL_DAY_NONE;
		for (wd = 0; wd < 5; wd++) {
			if (i % 5 == 1 && wd == 2)
				continue; /* part-timers: Wednesdays off */
			t->day[wd].n = 2;
			t->day[wd].iv[0] = hm(start_h, 0, 12, lunch_m);
			t->day[wd].iv[1] = hm(13, lunch_m, end_h, 0);
		}
		if (i % 3 == 0) {
			t->day[5].n = 1;
			t->day[5].iv[0] = hm(10, 0, 14, 0);
		}
		memset(&in[i], 0, sizeof(in[i]));
		in[i].tz = z;
		in[i].templates = t;
		in[i].ntemplates = 1;
		/* One holiday each; 1 in 20 falls on the local Wednesday of the query. */
		hol[i] =
		    (struct holiday){i % 20 == 7 ? day : ymd(2025, 12, 25), i % 20 != 7, "Holiday"};
		in[i].holidays = &hol[i];
		in[i].nholidays = 1;
		/* 1 in 4 has two hours off on the local Wednesday afternoon. */
		if (i % 4 == 2) {
			off[i] =
			    (struct interval){local_at(z, day, 14, 0), local_at(z, day, 16, 0)};
			in[i].time_off = &off[i];
			in[i].ntime_off = 1;
		}
		snprintf(idbuf[i], sizeof(idbuf[i]), "prov_%04zu", i);
		ids[i] = idbuf[i];
		m.p[i].avail = &in[i];
		m.p[i].busy = NULL;
		m.p[i].index = (uint32_t)i;
	}
	m.q.rules = &rules;
	m.q.now = day * 86400 - 86400;
	m.q.from = day * 86400;
	m.q.to = day * 86400 + 86400;
	m.display = zone(db, "UTC");
	m.ids = ids;
	slot_scratch_init(&m.scratch);
	slot_list_init(&m.list);
	buf_init(&m.json, 0);

	printf("# providers_1000x1d: %d providers in %zu zones, own templates, one UTC day "
	       "(2025-11-12), 30-min service, step 15, all into one list, sorted, rendered once\n",
	       NPROV, NZONES);
	many_gen_json(&m, &(size_t){0});
	sanity("providers_1000x1d", &m.json, m.list.n, 3);
	for (k = 0; k < 2; k++) {
		const char *name = k ? "gen+sort+json" : "gen+sort";
		iter_fn fn = k ? many_gen_json : many_gen;

		measure("providers_1000x1d", name, "query", fn, &m);
	}
	slot_scratch_release(&m.scratch);
	slot_list_release(&m.list);
	buf_release(&m.json);
}

int main(int argc, char **argv)
{
	struct tz_db *db;

	if (bench_opts_parse(&opts, argc, argv))
		return 2;
	db = tz_db_new();
	printf("# bench_slots: warm-up %.1f s, %d runs of %.1f s each, figures are medians\n",
	       BENCH_WARMUP_SEC, BENCH_RUNS, opts.run_sec);
	scenario_one(db);
	scenario_many(db);
	tz_db_free(db);
	return 0;
}
