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

/* dst += src: counts, money by currency, open time, entries and the waitlist. */
static void figures_merge(struct an_figures *dst, const struct an_figures *src, struct arena *a)
{
	size_t i;

	stats_merge(&dst->cell, &src->cell);
	for (i = 0; i < src->nmoney; i++) {
		struct an_money *m = money_slot(dst, src->money[i].currency, a);
		m->m.revenue = stats_sat_add(m->m.revenue, src->money[i].m.revenue);
		m->m.fees = stats_sat_add(m->m.fees, src->money[i].m.fees);
		m->m.waived = stats_sat_add(m->m.waived, src->money[i].m.waived);
		if (src->money[i].m.decimals > m->m.decimals)
			m->m.decimals = src->money[i].m.decimals;
	}
	dst->available_sec += src->available_sec;
	dst->entry_sec += src->entry_sec;
	dst->wl_joined += src->wl_joined;
	dst->wl_offered += src->wl_offered;
	dst->wl_taken += src->wl_taken;
	dst->wl_expired += src->wl_expired;
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

/* A UTC day that a period boundary (or the range's start or end) cuts into parts. Its
 * longest part is its summary row less the other parts, which are read from the bookings. */
struct split_day {
	int64_t day;
	int64_t longest_at;	/* where the longest part starts; INT64_MIN when it lies
				 * outside the range (the row is not needed) */
};

/* What the bookings read of one cut day add up to per summary row: subtracted from that
 * row to give its longest part. */
struct part_sum {
	int64_t day;
	const char *provider_id;
	const char *service_id;	/* as the summary row names it ("*" for all services) */
	char currency[4];
	struct stats_cell cell;
};

/* One call's work. */
struct an_run {
	struct uc_ctx *ctx;
	const struct an_query *q;
	struct an_result *r;
	struct split_day *split;	/* ascending by day, distinct */
	size_t nsplit;
	bool per_service_rows;		/* the summary rows read are per service */
	struct part_sum *sums;		/* of the split day being read, then all, sorted */
	size_t nsums, capsums;
	int64_t reading_day;		/* the cut day whose part is being read */
	bool reading_sums;		/* its parts are subtracted from its row */
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

/* Adds cell c (in currency) of provider_id / service_id at instant t to its period's
 * figures, and its group's (the range's are their sums, made at the end). */
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
	if ((g = group_of(run, provider_id, service_id))) {
		figures_add(&g->series[p], c, currency, a);
		g->shown = true;
	}
}

static const struct split_day *split_of(const struct an_run *run, int64_t day)
{
	size_t lo = 0, hi = run->nsplit;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (run->split[mid].day == day)
			return &run->split[mid];
		if (run->split[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_part_sum(const void *x, const void *y)
{
	const struct part_sum *a = x, *b = y;
	int c;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((c = strcmp(a->provider_id, b->provider_id)) ||
	    (c = strcmp(a->service_id, b->service_id)))
		return c;
	return strcmp(a->currency, b->currency);
}

static int on_row(void *arg, const struct stats_row *row)
{
	struct an_run *run = arg;
	const struct split_day *sd = split_of(run, row->day);
	struct part_sum key, *parts;
	struct stats_cell c;

	if (!covered(run, row->provider_id))
		return 0;
	if (!sd) {
		add_at(run, row->day * 86400, row->provider_id, row->service_id, &row->cell,
		       row->currency);
		return 0;
	}
	if (sd->longest_at == INT64_MIN)
		return 0;
	/* The day's longest part: its row less the parts read from the bookings. */
	c = row->cell;
	key.day = row->day;
	key.provider_id = row->provider_id;
	key.service_id = row->service_id;
	snprintf(key.currency, sizeof(key.currency), "%s", row->currency);
	parts = run->nsums ? bsearch(&key, run->sums, run->nsums, sizeof(*run->sums), cmp_part_sum)
			   : NULL;
	if (parts)
		stats_subtract(&c, &parts->cell);
	if (c.bookings)
		add_at(run, sd->longest_at, row->provider_id, row->service_id, &c, row->currency);
	return 0;
}

/* Adds booking cell c to the sums of the cut day being read. Bookings come ordered by
 * provider and service, so equal rows mostly follow each other. */
static void part_add(struct an_run *run, const struct stats_booking *b,
		     const struct stats_cell *c)
{
	const char *svc = run->per_service_rows ? b->service_id : "*";
	struct part_sum *last = run->nsums ? &run->sums[run->nsums - 1] : NULL;

	if (!last || last->day != run->reading_day || strcmp(last->provider_id, b->provider_id) ||
	    strcmp(last->service_id, svc) || strcmp(last->currency, b->currency)) {
		if (run->nsums == run->capsums) {
			size_t cap = run->capsums ? run->capsums * 2 : 64;
			struct part_sum *v = arena_alloc(run->ctx->arena, cap * sizeof(*v));
			if (run->nsums)
				memcpy(v, run->sums, run->nsums * sizeof(*v));
			run->sums = v;
			run->capsums = cap;
		}
		last = &run->sums[run->nsums++];
		memset(last, 0, sizeof(*last));
		last->day = run->reading_day;
		last->provider_id = arena_strdup(run->ctx->arena, b->provider_id);
		last->service_id = arena_strdup(run->ctx->arena, svc);
		snprintf(last->currency, sizeof(last->currency), "%s", b->currency);
	}
	stats_merge(&last->cell, c);
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
	if (run->reading_sums)
		part_add(run, b, &c);
	return 0;
}

static int on_wait(void *arg, const struct stats_wait *w)
{
	struct an_run *run = arg;
	const struct an_query *q = run->q;
	struct an_result *r = run->r;
	long p = period_of(r->periods, r->nperiods, w->created_at);
	struct an_figures *f[2];
	struct an_group *g;
	size_t n = 0, i;

	if (p < 0 || (q->service_id && strcmp(q->service_id, w->service_id)))
		return 0;
	if ((q->provider_id || uc_scope_key(run->ctx)) &&
	    (!*w->provider_id || (q->provider_id && strcmp(q->provider_id, w->provider_id)) ||
	     !covered(run, w->provider_id)))
		return 0;
	f[n++] = &r->series[p];
	if ((g = group_of(run, w->provider_id, w->service_id))) {
		f[n++] = &g->series[p];
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

/* Providers whose open time is summed with one arena: what one provider's sum reads (its
 * records, the engine's working memory over the range: some 90 kB over two years) is freed
 * with its chunk, so a tenant of 10,000 providers never has them all in memory at once (a
 * chunk stays near 6 MB); each chunk reads the tenant's holidays and business hours once,
 * shared by its providers' bundles. */
#define OPEN_TIME_CHUNK 64
/* Chunks that share one memo of rule dates (struct expand), in an arena of its own, freed
 * with the last of them: the engine lists the dates of a dated holiday again for each
 * provider in the memo's arena (16 bytes a holiday: 8 kB a provider at the tenant's 500),
 * which the request's memo would keep to the end (80 MB for 10,000 providers). A memo of 512
 * providers keeps at most 4 MB of those and expands the tenant's rules once per 512
 * providers rather than once per request. */
#define OPEN_TIME_MEMO_CHUNKS 8

static int open_time(struct an_run *run, struct store_tx *tx, struct stats_name *prov,
		     size_t nprov, struct err *e)
{
	struct uc_ctx *ctx = run->ctx;
	struct an_result *r = run->r;
	int64_t from = r->periods[0].start, to = r->periods[r->nperiods - 1].end;
	int64_t from_day, to_day;
	struct bundle_cache cache;
	struct arena *chunk = NULL, *memo = NULL;
	struct expand *x = NULL;
	struct interval_set open, ent;
	size_t i, nchunk = 0, nmemo = 0;
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
		if (!memo) {
			memo = arena_new();
			x = expand_new(memo, ctx->deadline_ns);
		}
		if (!chunk) {
			chunk = arena_new();
			memset(&cache, 0, sizeof(cache));
		}
		if (uc_deadline_check(ctx, e) ||
		    tx_bundle_open(tx, prov[i].id, from_day, to_day, &cache, chunk, &b, e)) {
			rc = -1;
			break;
		}
		b.expand = x;
		if (engine_open_time(&b, ctx->env->tz, chunk, &open, &ent, e)) {
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
		if (++nchunk == OPEN_TIME_CHUNK) {
			arena_free(chunk);
			chunk = NULL;
			nchunk = 0;
			if (++nmemo == OPEN_TIME_MEMO_CHUNKS) {
				arena_free(memo);
				memo = NULL;
				nmemo = 0;
			}
		}
	}
	if (chunk)
		arena_free(chunk);
	if (memo)
		arena_free(memo);
	interval_set_release(&open);
	interval_set_release(&ent);
	return rc;
}

/* --- the call --- */

/* The instants where periods begin and the last one ends, ascending. */
static int64_t *cuts_of(const struct an_result *r, struct arena *a)
{
	int64_t *v = arena_alloc(a, (r->nperiods + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < r->nperiods; i++)
		v[i] = r->periods[i].start;
	v[r->nperiods] = r->periods[r->nperiods - 1].end;
	return v;
}

/* The UTC days that a cut which is not a UTC midnight falls in, each with where its longest
 * part starts (or INT64_MIN when that part is outside the range). */
static void split_days(struct an_run *run, const int64_t *cuts)
{
	const struct an_result *r = run->r;
	size_t i, n = 0, ncuts = r->nperiods + 1;

	run->split = arena_alloc(run->ctx->arena, ncuts * sizeof(*run->split));
	for (i = 0; i < ncuts; i++) {
		int64_t day = stats_day(cuts[i]), lo = day * 86400, hi = lo + 86400;
		int64_t best = -1, at = lo, prev = lo;
		size_t j;
		if (cuts[i] == lo || (n && run->split[n - 1].day == day))
			continue;
		/* The parts between this day's cuts (cuts ascend: the day's are consecutive). */
		for (j = i; j <= ncuts; j++) {
			int64_t end = j < ncuts && cuts[j] < hi ? cuts[j] : hi;
			if (end - prev > best) {
				best = end - prev;
				at = prev;
			}
			if (end == hi)
				break;
			prev = end;
		}
		run->split[n].day = day;
		run->split[n].longest_at =
			at >= cuts[0] && at < cuts[ncuts - 1] ? at : INT64_MIN;
		n++;
	}
	run->nsplit = n;
}

/* Reads the bookings of every cut day's parts but its longest one (of those inside the
 * range, and of those outside when the longest part is derived from the day's row). */
static int read_parts(struct an_run *run, struct store_tx *tx, const struct stats_filter *f,
		      const int64_t *cuts, struct err *e)
{
	size_t ncuts = run->r->nperiods + 1, i, j;

	for (i = 0; i < run->nsplit; i++) {
		const struct split_day *sd = &run->split[i];
		int64_t lo = sd->day * 86400, hi = lo + 86400, prev = lo;
		run->reading_day = sd->day;
		run->reading_sums = sd->longest_at != INT64_MIN;
		for (j = 0; j <= ncuts && prev < hi; j++) {
			int64_t end;
			if (j < ncuts && cuts[j] <= prev)
				continue;
			end = j < ncuts && cuts[j] < hi ? cuts[j] : hi;
			if (prev != sd->longest_at &&
			    (run->reading_sums || (prev >= cuts[0] && prev < cuts[ncuts - 1]))) {
				memset(&run->seat, 0, sizeof(run->seat));
				if (uc_deadline_check(run->ctx, e) ||
				    tx_stats_bookings(tx, f, prev, end, on_booking, run, e))
					return -1;
			}
			prev = end;
		}
	}
	if (run->nsums > 1)
		qsort(run->sums, run->nsums, sizeof(*run->sums), cmp_part_sum);
	/* Equal rows that did not follow each other become one. */
	for (i = 0, j = 0; i < run->nsums; i++) {
		if (j && !cmp_part_sum(&run->sums[j - 1], &run->sums[i]))
			stats_merge(&run->sums[j - 1].cell, &run->sums[i].cell);
		else
			run->sums[j++] = run->sums[i];
	}
	run->nsums = j;
	return 0;
}

/* The range's figures and each group's: the sums of their periods'. */
static void totals_make(struct an_result *r, struct arena *a)
{
	size_t i, k;

	for (k = 0; k < r->nperiods; k++)
		figures_merge(&r->totals, &r->series[k], a);
	for (i = 0; i < r->ngroups; i++)
		for (k = 0; k < r->nperiods; k++)
			figures_merge(&r->groups[i].totals, &r->groups[i].series[k], a);
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
	struct stats_filter f = {q->provider_id, q->service_id, q->breakdown == AN_BY_SERVICE, false};
	struct an_run run;
	struct stats_name *prov = NULL, *svc = NULL;
	size_t nprov = 0, nsvc = 0, i, k;
	int64_t from, to, *cuts;
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
	cuts = cuts_of(out, ctx->arena);
	split_days(&run, cuts);
	run.per_service_rows = q->service_id || q->breakdown == AN_BY_SERVICE;
	from = cuts[0];
	to = cuts[out->nperiods];

	/* Whole UTC days from the summary; a day a cut falls in from its bookings, but for its
	 * longest part, which is its summary row less the rest. */
	if (read_parts(&run, tx, &f, cuts, e) ||
	    tx_stats_rows(tx, &f, stats_day(from), stats_day(to - 1), on_row, &run, e) ||
	    tx_stats_waitlist(tx, from, to, on_wait, &run, e) ||
	    (!q->service_id && open_time(&run, tx, prov, nprov, e)))
		goto out;
	totals_make(out, ctx->arena);

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
	size_t seen;
};

static int on_heat(void *arg, const struct stats_booking *b)
{
	struct heat_run *h = arg;
	int64_t wall, day;
	struct err late;

	/* A year of a large tenant is read row by row: stop once the time budget is spent. */
	err_init(&late);
	if (++h->seen % 4096 == 0 && uc_deadline_check(h->run.ctx, &late))
		return 1;
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
	struct stats_filter f = {q->provider_id, q->service_id, false, true};
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
	if (rc > 0) {
		uc_deadline_check(ctx, e);	/* the budget ran out: ERR_TIMEOUT */
		rc = -1;
	}
out:
	uc_read_end(tx);
	return rc;
}
