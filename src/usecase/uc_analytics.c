/* Analytics (docs/api.md): the per-day summary for every UTC day that lies inside one
 * period, the bookings themselves for the days a period boundary cuts, open time and
 * entries from the engine, and the waitlist, added up per period and group. */
#include "usecase/uc_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/engine.h"
#include "store/store_stats.h"

/* --- periods --- */

static void period_label(enum an_period_kind k, int64_t day, char *out, size_t size)
{
	int y, m, d;

	if (k == AN_DAY) {
		char s[DATE_STR_MAX];
		date_format(day, s);
		snprintf(out, size, "%s", s);
	} else if (k == AN_MONTH) {
		civil_from_days(day, &y, &m, &d);
		snprintf(out, size, "%04d-%02d", y, m);
	} else {
		/* The ISO week: the year of its Thursday, counted from that year's first one. */
		int64_t thu = day - weekday_from_days(day) + 3;
		civil_from_days(thu, &y, &m, &d);
		snprintf(out, size, "%04d-W%02d", y,
			 (int)((thu - days_from_civil(y, 1, 1)) / 7 + 1));
	}
}

static bool period_starts(enum an_period_kind k, int64_t day)
{
	int y, m, d;

	if (k == AN_DAY)
		return true;
	if (k == AN_WEEK)
		return weekday_from_days(day) == 0;
	civil_from_days(day, &y, &m, &d);
	return d == 1;
}

static size_t periods_make(const struct an_query *q, struct arena *a, struct an_period **out)
{
	size_t n = 0, cap = (size_t)(q->to_day - q->from_day + 1);
	struct an_period *v = arena_alloc(a, cap * sizeof(*v));
	int64_t day;

	for (day = q->from_day; day <= q->to_day; day++) {
		if (day == q->from_day || period_starts(q->group_by, day)) {
			v[n].first_day = day;
			period_label(q->group_by, day, v[n].label, sizeof(v[n].label));
			n++;
		}
		v[n - 1].last_day = day;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].start = tz_to_utc(q->tz, v[i].first_day * 86400);
		v[i].end = tz_to_utc(q->tz, (v[i].last_day + 1) * 86400);
	}
	*out = v;
	return n;
}

/* The period holding instant t, or -1. */
static long period_of(const struct an_period *v, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].start <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t >= v[lo - 1].end)
		return -1;
	return (long)lo - 1;
}

/* --- adding up --- */

static struct an_money *money_slot(struct an_figures *f, const char *currency, struct arena *a)
{
	size_t i;

	for (i = 0; i < f->nmoney; i++)
		if (!strcmp(f->money[i].currency, currency))
			return &f->money[i];
	if (f->nmoney == f->capmoney) {
		size_t cap = f->capmoney ? f->capmoney * 2 : 2;
		struct an_money *v = arena_alloc(a, cap * sizeof(*v));
		if (f->nmoney)
			memcpy(v, f->money, f->nmoney * sizeof(*v));
		f->money = v;
		f->capmoney = cap;
	}
	snprintf(f->money[f->nmoney].currency, sizeof(f->money[0].currency), "%s", currency);
	f->money[f->nmoney].m.decimals = 2;
	return &f->money[f->nmoney++];
}

static void figures_add(struct an_figures *f, const struct stats_cell *c, const char *currency,
			struct arena *a)
{
	stats_merge(&f->cell, c);
	if (*currency && c->bookings) {
		struct an_money *m = money_slot(f, currency, a);
		m->m.revenue = stats_sat_add(m->m.revenue, c->money.revenue);
		m->m.fees = stats_sat_add(m->m.fees, c->money.fees);
		m->m.waived = stats_sat_add(m->m.waived, c->money.waived);
		if (c->money.decimals > m->m.decimals)
			m->m.decimals = c->money.decimals;
	}
}

static int cmp_money(const void *x, const void *y)
{
	return strcmp(((const struct an_money *)x)->currency, ((const struct an_money *)y)->currency);
}

static void figures_finish(struct an_figures *f)
{
	if (f->nmoney > 1)
		qsort(f->money, f->nmoney, sizeof(*f->money), cmp_money);
}

/* One call's work. */
struct an_run {
	struct uc_ctx *ctx;
	const struct an_query *q;
	struct an_result *r;
	int64_t *split;		/* UTC days a period boundary cuts, ascending */
	size_t nsplit;
	struct stats_seat seat;
	const char *last_provider;	/* the reach of the provider asked last */
	bool last_covered;
};

static bool covered(struct an_run *run, const char *provider_id)
{
	if (!uc_scope_key(run->ctx))
		return true;
	if (!run->last_provider || strcmp(run->last_provider, provider_id)) {
		run->last_provider = arena_strdup(run->ctx->arena, provider_id);
		run->last_covered = uc_covers(run->ctx, provider_id);
	}
	return run->last_covered;
}

static int cmp_group_id(const void *key, const void *g)
{
	return strcmp(key, ((const struct an_group *)g)->id);
}

static struct an_group *group_of(struct an_run *run, const char *provider_id,
				 const char *service_id)
{
	const char *id = run->q->breakdown == AN_BY_PROVIDER  ? provider_id
			 : run->q->breakdown == AN_BY_SERVICE ? service_id
							      : NULL;

	if (!id || !*id)
		return NULL;
	return bsearch(id, run->r->groups, run->r->ngroups, sizeof(*run->r->groups),
		       cmp_group_id);
}

/* Adds cell c (in currency) of provider_id / service_id at instant t to its period's and the
 * range's figures, and its group's. */
static void add_at(struct an_run *run, int64_t t, const char *provider_id,
		   const char *service_id, const struct stats_cell *c, const char *currency)
{
	struct arena *a = run->ctx->arena;
	struct an_result *r = run->r;
	long p = period_of(r->periods, r->nperiods, t);
	struct an_group *g;

	if (p < 0)
		return;
	figures_add(&r->series[p], c, currency, a);
	figures_add(&r->totals, c, currency, a);
	if ((g = group_of(run, provider_id, service_id))) {
		figures_add(&g->series[p], c, currency, a);
		figures_add(&g->totals, c, currency, a);
		g->shown = true;
	}
}

static bool is_split(const struct an_run *run, int64_t day)
{
	size_t lo = 0, hi = run->nsplit;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (run->split[mid] == day)
			return true;
		if (run->split[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int on_row(void *arg, const struct stats_row *row)
{
	struct an_run *run = arg;

	if (is_split(run, row->day) || !covered(run, row->provider_id))
		return 0;
	add_at(run, row->day * 86400, row->provider_id, row->service_id, &row->cell,
	       row->currency);
	return 0;
}

static int on_booking(void *arg, const struct stats_booking *b)
{
	struct an_run *run = arg;
	struct stats_cell c;

	if (!covered(run, b->provider_id))
		return 0;
	memset(&c, 0, sizeof(c));
	stats_add(&c, b, stats_first_seat(&run->seat, b));
	add_at(run, b->start, b->provider_id, b->service_id, &c, b->currency);
	return 0;
}

static int on_wait(void *arg, const struct stats_wait *w)
{
	struct an_run *run = arg;
	const struct an_query *q = run->q;
	struct an_result *r = run->r;
	long p = period_of(r->periods, r->nperiods, w->created_at);
	struct an_figures *f[4];
	struct an_group *g;
	size_t n = 0, i;

	if (p < 0 || (q->service_id && strcmp(q->service_id, w->service_id)))
		return 0;
	if ((q->provider_id || uc_scope_key(run->ctx)) &&
	    (!*w->provider_id || (q->provider_id && strcmp(q->provider_id, w->provider_id)) ||
	     !covered(run, w->provider_id)))
		return 0;
	f[n++] = &r->series[p];
	f[n++] = &r->totals;
	if ((g = group_of(run, w->provider_id, w->service_id))) {
		f[n++] = &g->series[p];
		f[n++] = &g->totals;
		g->shown = true;
	}
	for (i = 0; i < n; i++) {
		f[i]->wl_joined++;
		f[i]->wl_offered += w->offers > 0;
		f[i]->wl_taken += !strcmp(w->status, "booked");
		f[i]->wl_expired += !strcmp(w->status, "expired");
	}
	return 0;
}

/* --- open time --- */

/* Adds the seconds of set s inside each period to the available (or, with entry, the entry)
 * seconds of that period in each of the series targets. */
static int64_t sweep(const struct interval_set *s, const struct an_period *p, size_t np,
		     struct an_figures *const *targets, size_t ntargets, bool entry)
{
	size_t i = 0, k, t;
	int64_t total = 0;

	for (k = 0; k < np; k++) {
		int64_t sum = 0;
		while (i < s->n && s->v[i].end <= p[k].start)
			i++;
		for (size_t j = i; j < s->n && s->v[j].start < p[k].end; j++) {
			int64_t a = s->v[j].start > p[k].start ? s->v[j].start : p[k].start;
			int64_t b = s->v[j].end < p[k].end ? s->v[j].end : p[k].end;
			if (b > a)
				sum += b - a;
		}
		for (t = 0; t < ntargets; t++) {
			struct an_figures *series = targets[t];
			int64_t *field = entry ? &series[k].entry_sec : &series[k].available_sec;
			*field += sum;
		}
		total += sum;
	}
	return total;
}

static int open_time(struct an_run *run, struct store_tx *tx, struct stats_name *prov,
		     size_t nprov, struct err *e)
{
	struct uc_ctx *ctx = run->ctx;
	struct an_result *r = run->r;
	int64_t from = r->periods[0].start, to = r->periods[r->nperiods - 1].end;
	int64_t from_day, to_day;
	struct bundle_cache cache = {0};
	struct interval_set open, ent;
	size_t i, k;
	int rc = 0;

	days_around(from, to, 0, &from_day, &to_day);
	interval_set_init(&open);
	interval_set_init(&ent);
	for (i = 0; i < nprov && !rc; i++) {
		struct avail_bundle b;
		struct an_figures *targets[2];
		struct an_group *g;
		size_t nt = 0;
		if (prov[i].deleted || !covered(run, prov[i].id) ||
		    (run->q->provider_id && strcmp(run->q->provider_id, prov[i].id)))
			continue;
		if (uc_deadline_check(ctx, e) ||
		    tx_bundle_open(tx, prov[i].id, from_day, to_day, &cache, ctx->arena, &b, e)) {
			rc = -1;
			break;
		}
		b.expand = uc_expand(ctx);
		if (engine_open_time(&b, ctx->env->tz, ctx->arena, &open, &ent, e)) {
			rc = -1;
			break;
		}
		targets[nt++] = r->series;
		g = group_of(run, prov[i].id, NULL);
		if (g)
			targets[nt++] = g->series;
		/* A provider is listed for open time or entries inside the range only. */
		if (sweep(&open, r->periods, r->nperiods, targets, nt, false) +
			    sweep(&ent, r->periods, r->nperiods, targets, nt, true) >
		    0 && g)
			g->shown = true;
	}
	interval_set_release(&open);
	interval_set_release(&ent);
	if (rc)
		return -1;
	/* The range's figures are the sums of its periods'. */
	for (k = 0; k < r->nperiods; k++) {
		r->totals.available_sec += r->series[k].available_sec;
		r->totals.entry_sec += r->series[k].entry_sec;
		for (i = 0; i < r->ngroups; i++) {
			r->groups[i].totals.available_sec += r->groups[i].series[k].available_sec;
			r->groups[i].totals.entry_sec += r->groups[i].series[k].entry_sec;
		}
	}
	return 0;
}

/* --- the call --- */

static int cmp_day(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* The UTC days cut by a period boundary that is not a UTC midnight. */
static void split_days(struct an_run *run)
{
	const struct an_result *r = run->r;
	size_t i, n = 0;

	run->split = arena_alloc(run->ctx->arena, (r->nperiods + 1) * sizeof(*run->split));
	for (i = 0; i <= r->nperiods; i++) {
		int64_t t = i < r->nperiods ? r->periods[i].start : r->periods[i - 1].end;
		if (t % 86400)
			run->split[n++] = stats_day(t);
	}
	qsort(run->split, n, sizeof(*run->split), cmp_day);
	run->nsplit = n;
}

static int cmp_group(const void *x, const void *y)
{
	return strcmp(((const struct an_group *)x)->id, ((const struct an_group *)y)->id);
}

/* Whether names[i] is a group of the answer: in reach and not filtered out. */
static bool group_wanted(struct an_run *run, const struct stats_name *name)
{
	const struct an_query *q = run->q;

	if (q->breakdown == AN_BY_PROVIDER)
		return covered(run, name->id) && !(q->provider_id && strcmp(q->provider_id, name->id));
	return !(q->service_id && strcmp(q->service_id, name->id));
}

/* The groups of the breakdown, each with its series; ERR_RANGE (before allocating them)
 * when periods times groups pass AN_MAX_CELLS. */
static int groups_make(struct an_run *run, struct stats_name *names, size_t n, struct err *e)
{
	struct an_result *r = run->r;
	const struct an_query *q = run->q;
	size_t i, wanted = 0;

	for (i = 0; i < n; i++)
		wanted += group_wanted(run, &names[i]);
	if (r->nperiods * (wanted + 1) > AN_MAX_CELLS)
		return err_set(e, ERR_RANGE,
			       "too many periods and groups at once (%zu × %zu); ask for a coarser"
			       " group_by, fewer days or one provider",
			       r->nperiods, wanted);
	r->groups = arena_alloc(run->ctx->arena, (wanted ? wanted : 1) * sizeof(*r->groups));
	for (i = 0; i < n; i++) {
		struct an_group *g;
		if (!group_wanted(run, &names[i]))
			continue;
		g = &r->groups[r->ngroups++];
		snprintf(g->id, sizeof(g->id), "%s", names[i].id);
		snprintf(g->name, sizeof(g->name), "%s", names[i].name);
		g->series = arena_alloc(run->ctx->arena, r->nperiods * sizeof(*g->series));
		g->totals.with_open_time = q->breakdown == AN_BY_PROVIDER && !q->service_id;
		for (size_t k = 0; k < r->nperiods; k++)
			g->series[k].with_open_time = g->totals.with_open_time;
	}
	qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
	return 0;
}

static int check_filters(struct uc_ctx *ctx, struct store_tx *tx, const struct an_query *q,
			 struct err *e)
{
	if (q->provider_id) {
		struct provider p;
		if (uc_provider_in_reach(ctx, tx, q->provider_id, &p, e))
			return -1;
	}
	if (q->service_id) {
		struct service s;
		if (tx_service_get(tx, q->service_id, ctx->arena, &s, e))
			return -1;
	}
	return 0;
}

int uc_analytics(struct uc_ctx *ctx, const struct an_query *q, struct an_result *out,
		 struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct stats_filter f = {q->provider_id, q->service_id, q->breakdown == AN_BY_SERVICE};
	struct an_run run;
	struct stats_name *prov = NULL, *svc = NULL;
	size_t nprov = 0, nsvc = 0, i, k;
	int64_t from, to;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.q = q;
	run.r = out;
	if (!tx)
		return -1;
	if (check_filters(ctx, tx, q, e) ||
	    tx_stats_names(tx, false, ctx->arena, &prov, &nprov, e) ||
	    (q->breakdown == AN_BY_SERVICE &&
	     tx_stats_names(tx, true, ctx->arena, &svc, &nsvc, e)))
		goto out;
	out->nperiods = periods_make(q, ctx->arena, &out->periods);
	out->series = arena_alloc(ctx->arena, out->nperiods * sizeof(*out->series));
	out->totals.with_open_time = !q->service_id;
	for (k = 0; k < out->nperiods; k++)
		out->series[k].with_open_time = out->totals.with_open_time;
	if ((q->breakdown == AN_BY_PROVIDER && groups_make(&run, prov, nprov, e)) ||
	    (q->breakdown == AN_BY_SERVICE && groups_make(&run, svc, nsvc, e)))
		goto out;
	split_days(&run);
	from = out->periods[0].start;
	to = out->periods[out->nperiods - 1].end;

	/* Whole UTC days from the summary, the cut ones from their bookings. */
	if (tx_stats_rows(tx, &f, stats_day(from), stats_day(to - 1), on_row, &run, e))
		goto out;
	for (i = 0; i < run.nsplit; i++) {
		int64_t a = run.split[i] * 86400, b = a + 86400;
		if (i && run.split[i] == run.split[i - 1])
			continue;
		memset(&run.seat, 0, sizeof(run.seat));
		if (uc_deadline_check(ctx, e) ||
		    tx_stats_bookings(tx, &f, a > from ? a : from, b < to ? b : to, on_booking,
				      &run, e))
			goto out;
	}
	if (tx_stats_waitlist(tx, from, to, on_wait, &run, e))
		goto out;
	if (!q->service_id && open_time(&run, tx, prov, nprov, e))
		goto out;

	figures_finish(&out->totals);
	for (k = 0; k < out->nperiods; k++)
		figures_finish(&out->series[k]);
	for (i = 0; i < out->ngroups; i++) {
		figures_finish(&out->groups[i].totals);
		for (k = 0; k < out->nperiods; k++)
			figures_finish(&out->groups[i].series[k]);
	}
	rc = 0;
out:
	uc_read_end(tx);
	return rc;
}

struct heat_run {
	struct an_run run;
	const struct tz *tz;
	int64_t (*counts)[24];
};

static int on_heat(void *arg, const struct stats_booking *b)
{
	struct heat_run *h = arg;
	int64_t wall, day;

	if (!stats_holds_time(b->status) || !covered(&h->run, b->provider_id))
		return 0;
	wall = tz_to_wall(h->tz, b->start);
	day = floor_div(wall, 86400);
	h->counts[weekday_from_days(day)][(wall - day * 86400) / 3600]++;
	return 0;
}

int uc_analytics_heatmap(struct uc_ctx *ctx, const struct an_query *q, int64_t counts[7][24],
			 struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct stats_filter f = {q->provider_id, q->service_id, false};
	struct heat_run h;
	int rc = -1;

	memset(counts, 0, 7 * sizeof(*counts));
	memset(&h, 0, sizeof(h));
	h.run.ctx = ctx;
	h.run.q = q;
	h.tz = q->tz;
	h.counts = counts;
	if (!tx)
		return -1;
	if (check_filters(ctx, tx, q, e))
		goto out;
	rc = tx_stats_bookings(tx, &f, tz_to_utc(q->tz, q->from_day * 86400),
			       tz_to_utc(q->tz, (q->to_day + 1) * 86400), on_heat, &h, e);
out:
	uc_read_end(tx);
	return rc;
}
