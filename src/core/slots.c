#include "core/slots.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"
#include "util/mem.h"

void slot_list_init(struct slot_list *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void slot_list_release(struct slot_list *l)
{
	free(l->v);
	slot_list_init(l);
}

static inline bool slot_less(const struct slot *x, const struct slot *y)
{
	return x->start < y->start || (x->start == y->start && x->provider < y->provider);
}

/* Callers append per-provider lists that are already ordered, so the input is a few
 * ascending runs: find their bounds once, then merge neighbours pass by pass (sequential
 * memory beats a heap here). Stable. */
static void merge_runs(struct slot *v, size_t n)
{
	struct slot *tmp, *src = v, *dst;
	size_t nruns = 1, i, *b;

	for (i = 1; i < n; i++)
		if (slot_less(&v[i], &v[i - 1]))
			nruns++;
	if (nruns == 1)	/* already ordered */
		return;
	tmp = xmalloc(n * sizeof(*v));
	dst = tmp;
	b = xmalloc((nruns + 1) * sizeof(*b));
	b[0] = 0;
	nruns = 0;
	for (i = 1; i < n; i++)
		if (slot_less(&v[i], &v[i - 1]))
			b[++nruns] = i;
	b[++nruns] = n;
	while (nruns > 1) {
		size_t r, j = 0;
		for (r = 0; r < nruns; r += 2) {
			size_t lo = b[r], mid = b[r + 1], hi = r + 2 <= nruns ? b[r + 2] : mid;
			size_t x = lo, y = mid, k = lo;
			while (x < mid && y < hi)
				dst[k++] = slot_less(&src[y], &src[x]) ? src[y++] : src[x++];
			while (x < mid)
				dst[k++] = src[x++];
			while (y < hi)
				dst[k++] = src[y++];
			b[j++] = lo;
		}
		b[j] = n;
		nruns = j;
		{
			struct slot *t = src;
			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(b);
	free(tmp);
}

void slot_list_sort(struct slot_list *l)
{
	if (l->n > 1)
		merge_runs(l->v, l->n);
}

void slot_scratch_init(struct slot_scratch *s)
{
	interval_set_init(&s->open);
}

void slot_scratch_release(struct slot_scratch *s)
{
	interval_set_release(&s->open);
}

/* The window a provider's slots may start in, after notice and advance limits. */
/* True when [from, to) meets a commitment of p: a booking, a live hold, a schedule-entry
 * occurrence or external busy time. */
static bool commitments_overlap(const struct slot_provider *p, int64_t from, int64_t to)
{
	return (p->busy && interval_set_overlaps(p->busy, from, to)) ||
	       (p->held && interval_set_overlaps(p->held, from, to)) ||
	       (p->entries && interval_set_overlaps(p->entries, from, to)) ||
	       (p->external && interval_set_overlaps(p->external, from, to));
}

/* The name of the first external calendar busy in [from, to), or NULL. */
static const char *external_at(const struct slot_provider *p, int64_t from, int64_t to)
{
	size_t i;

	if (!p->external || !interval_set_overlaps(p->external, from, to))
		return NULL;
	for (i = 0; i < p->nexternal && p->external_v[i].start < to; i++)
		if (p->external_v[i].end > from)
			return p->external_v[i].calendar_name;
	return NULL;
}

static void effective_window(const struct slot_query *q, int64_t *from, int64_t *to)
{
	const struct service_rules *r = q->rules;
	int64_t earliest = q->now + (int64_t)r->min_notice_min * 60;

	*from = q->from > earliest ? q->from : earliest;
	*to = q->to;
	if (r->max_advance_days > 0) {
		int64_t latest = q->now + (int64_t)r->max_advance_days * 86400 + 1;
		if (*to > latest)
			*to = latest;
	}
}

/* Index of the first element of the ascending array v not below t. */
static size_t lower_bound(const int64_t *v, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bookings already starting on the local date of start. */
static size_t bookings_that_day(const struct slot_provider *p, int64_t start)
{
	const struct tz *tz = p->avail->tz;
	int64_t day = floor_div(tz_to_wall(tz, start), 86400);
	int64_t from = tz_to_utc(tz, day * 86400), to = tz_to_utc(tz, (day + 1) * 86400);

	return lower_bound(p->booked_starts, p->nbooked, to) -
	       lower_bound(p->booked_starts, p->nbooked, from);
}

/* Bookings chained to the blocked interval [bs, be): touching it end to start, and those
 * touching them in turn, on both sides. */
static size_t chain_around(const struct slot_provider *p, int64_t bs, int64_t be)
{
	const struct interval *v = p->booked_blocks;
	size_t n = p->nbooked, count = 0, i, lo = 0, hi = n;
	int64_t edge;

	while (lo < hi) {	/* first block starting at or after be */
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].start < be)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo, edge = be; i < n && v[i].start == edge; i++, count++)
		edge = v[i].end;
	/* Blocks ending at bs lie before lo; walk back over them. */
	for (edge = bs, i = lo; i-- > 0;) {
		if (v[i].end == edge) {
			count++;
			edge = v[i].start;
		} else if (v[i].end < edge) {
			break;
		}
	}
	return count;
}

/* The limit reasons that exclude a start with blocked interval [bs, be); 0 when none. */
static unsigned limits_exclude(const struct slot_provider *p, int64_t start, int64_t bs,
			       int64_t be)
{
	unsigned r = 0;

	if (p->max_per_day > 0 && bookings_that_day(p, start) >= (size_t)p->max_per_day)
		r |= REASON_LIMIT_PER_DAY;
	if (p->max_consecutive > 0 && chain_around(p, bs, be) + 1 > (size_t)p->max_consecutive)
		r |= REASON_LIMIT_CONSECUTIVE;
	return r;
}

struct gen {
	const struct service_rules *rules;
	const struct slot_provider *p;
	const struct interval_set *open;
	int64_t from, to;
	int64_t dur, before, after;
	struct slot_list *out;
};

static void consider(struct gen *g, int64_t s)
{
	int64_t e = s + g->dur;
	struct slot *sl;
	int32_t left;

	if (s < g->from || s >= g->to)
		return;
	if (!interval_set_covers(g->open, s, e))
		return;
	if (commitments_overlap(g->p, s - g->before, e + g->after))
		return;
	left = g->rules->capacity;
	if (g->p->nseats) {
		if (slot_seats_block(g->p, s, s - g->before, e + g->after))
			return;
		left -= slot_seats_used(g->p, s);
	}
	if (left <= 0)
		return;
	if ((g->p->max_per_day || g->p->max_consecutive) &&
	    limits_exclude(g->p, s, s - g->before, e + g->after))
		return;
	xgrow((void **)&g->out->v, &g->out->cap, g->out->n + 1, sizeof(*g->out->v));
	sl = &g->out->v[g->out->n++];
	sl->start = s;
	sl->end = e;
	sl->provider = g->p->index;
	sl->seats_left = left;
}

bool slot_seats_block(const struct slot_provider *p, int64_t start, int64_t block_start,
		      int64_t block_end)
{
	size_t i;

	/* Seat entries are few (one per booked start of this service in the window). */
	for (i = 0; i < p->nseats; i++) {
		const struct seat_use *u = &p->seats[i];
		if (u->start != start && u->block_start < block_end && block_start < u->block_end)
			return true;
	}
	return false;
}

const struct seat_use *slot_seat_at(const struct slot_provider *p, int64_t start)
{
	size_t lo = 0, hi = p->nseats;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->seats[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nseats && p->seats[lo].start == start ? &p->seats[lo] : NULL;
}

int32_t slot_seats_used(const struct slot_provider *p, int64_t start)
{
	const struct seat_use *u = slot_seat_at(p, start);
	return u ? u->used : 0;
}

/* Walks one local interval's grid. Where no offset change lies near the interval, every grid
 * time maps to exactly one instant at a fixed offset; otherwise each is resolved. */
static void walk_interval(struct gen *g, int64_t day, struct day_interval iv)
{
	const struct tz *tz = g->p->avail->tz;
	int64_t ls = day * 86400 + iv.start_min * 60;
	int64_t le = day * 86400 + iv.end_min * 60;
	int64_t step = (int64_t)g->rules->step_min * 60;
	struct interval r = avail_day_interval(tz, day, iv);
	int64_t w;

	/* A cheap filter only: near a transition a grid time's second instant can lie past r.end,
	 * and a gap can pull one before r.start, so both paths below decide exactly. */
	if (r.start >= g->to + 86400 || r.end + 86400 <= g->from - g->dur)
		return;
	if (tz_next_transition(tz, r.start - 129600) > r.end + 129600) {
		int64_t off = tz_offset_at(tz, r.start);
		const struct interval_set *open = g->open;
		int64_t s0 = ls - off, lo = s0, hi = le - off, s;
		size_t i, room;

		if (lo < g->from)
			lo = g->from;
		if (hi > g->to)
			hi = g->to;
		if (lo >= hi)
			return;
		s = s0 + (lo - s0 + step - 1) / step * step;
		if (s >= hi)
			return;
		room = (size_t)((hi - s + step - 1) / step);
		xgrow((void **)&g->out->v, &g->out->cap, g->out->n + room, sizeof(*g->out->v));
		/* Candidates ascend, so one cursor walks the open members: a member that ends
		 * before this candidate's end cannot cover any later candidate either. */
		i = interval_set_first_ending_after(open, s);
		for (; s < hi; s += step) {
			int64_t e = s + g->dur;
			struct slot *sl;
			int32_t left;

			while (i < open->n && open->v[i].end < e)
				i++;
			if (i == open->n)
				break;
			if (open->v[i].start > s)
				continue;
			if (commitments_overlap(g->p, s - g->before, e + g->after))
				continue;
			left = g->rules->capacity;
			if (g->p->nseats) {
				if (slot_seats_block(g->p, s, s - g->before, e + g->after))
					continue;
				left -= slot_seats_used(g->p, s);
			}
			if (left <= 0)
				continue;
			if ((g->p->max_per_day || g->p->max_consecutive) &&
			    limits_exclude(g->p, s, s - g->before, e + g->after))
				continue;
			sl = &g->out->v[g->out->n++];
			sl->start = s;
			sl->end = e;
			sl->provider = g->p->index;
			sl->seats_left = left;
		}
		return;
	}
	for (w = ls; w < le; w += step) {
		int64_t inst[2];
		int n = tz_resolve(tz, w, inst);
		int i;
		for (i = 0; i < n; i++)
			consider(g, inst[i]);
	}
}

static int64_t local_day(const struct tz *tz, int64_t utc)
{
	return floor_div(tz_to_wall(tz, utc), 86400);
}

size_t slots_generate(const struct slot_query *q, const struct slot_provider *p,
		      struct slot_scratch *scratch, struct slot_list *out)
{
	const struct avail_input *in = p->avail;
	struct gen g;
	size_t first = out->n;
	int64_t day, day_lo, day_hi;
	struct day_plan plan;
	size_t i;

	g.rules = q->rules;
	g.p = p;
	g.open = &scratch->open;
	g.dur = (int64_t)q->rules->duration_min * 60;
	g.before = (int64_t)q->rules->buffer_before_min * 60;
	g.after = (int64_t)q->rules->buffer_after_min * 60;
	g.out = out;
	effective_window(q, &g.from, &g.to);
	if (g.from >= g.to)
		return 0;

	day_lo = local_day(in->tz, g.from);
	day_hi = local_day(in->tz, g.to - 1);
	/* Open time from the day before the window to the day after the last appointment could
	 * end lets appointments run across midnight and last several days. */
	interval_set_clear(&scratch->open);
	avail_open_time(in, day_lo - 1, local_day(in->tz, g.to - 1 + g.dur) + 1, &scratch->open);
	if (scratch->open.n == 0)
		return 0;
	for (day = day_lo; day <= day_hi; day++) {
		avail_resolve_day(in, day, &plan);
		for (i = 0; i < plan.hours.n; i++)
			walk_interval(&g, day, plan.hours.iv[i]);
	}
	if (out->n - first > 1) {
		struct slot_list tail = {out->v + first, out->n - first, 0};
		slot_list_sort(&tail);
	}
	return out->n - first;
}

const char *slot_reason_name(enum slot_reason r)
{
	static const char *const names[SLOT_REASON_COUNT] = {
		"outside_hours", "override_closed", "holiday", "vacation", "time_off",
		"not_on_grid", "min_notice", "max_advance", "booked", "limit_per_day",
		"limit_consecutive", "held", "schedule_entry", "external_busy",
		"outside_business_hours", "service_not_offered_now",
	};
	int bit;

	if (r == 0)
		return "unavailable";
	bit = __builtin_ctz((unsigned)r);
	return bit < SLOT_REASON_COUNT ? names[bit] : "unavailable";
}

/* Reasons that put a start outside the provider's own open time. */
#define BUSINESS_MASKED                                                                \
	(REASON_OUTSIDE_HOURS | REASON_OVERRIDE_CLOSED | REASON_HOLIDAY | REASON_VACATION | \
	 REASON_TIME_OFF | REASON_SERVICE_NOT_OFFERED)

/* The hours a date would have without closures: custom override hours, else the template. */
static const struct day_hours *hours_ignoring_closures(const struct day_plan *plan)
{
	if (plan->override && plan->override->hours.n)
		return &plan->override->hours;
	return &plan->template_hours;
}

void slots_explain(const struct slot_query *q, const struct slot_provider *p, int64_t start,
		   struct slot_scratch *scratch, struct slot_explanation *out)
{
	const struct avail_input *in = p->avail;
	const struct service_rules *r = q->rules;
	struct slot_query one = *q;
	struct slot_list found;
	struct interval_set hours, all_hours;
	int64_t end = start + (int64_t)r->duration_min * 60;
	int64_t wall = tz_to_wall(in->tz, start);
	int64_t step = (int64_t)r->step_min * 60;
	int64_t d0 = local_day(in->tz, start), d1 = local_day(in->tz, end - 1);
	bool on_grid = false;
	struct day_plan plan;
	int64_t day;
	size_t i;

	out->reasons = 0;
	out->holiday = NULL;
	out->calendar = NULL;
	out->end = end;

	slot_list_init(&found);
	one.from = start;
	one.to = start + 1;
	slots_generate(&one, p, scratch, &found);
	out->bookable = found.n > 0;
	slot_list_release(&found);
	if (out->bookable)
		return;

	interval_set_init(&hours);
	interval_set_init(&all_hours);
	for (day = d0 - 1; day <= d1 + 1; day++) {
		const struct day_hours *h;
		avail_resolve_day(in, day, &plan);
		h = hours_ignoring_closures(&plan);
		for (i = 0; i < h->n; i++) {
			struct interval iv = avail_day_interval(in->tz, day, h->iv[i]);
			int64_t ls = day * 86400 + h->iv[i].start_min * 60;
			int64_t le = day * 86400 + h->iv[i].end_min * 60;
			interval_set_add(&all_hours, iv.start, iv.end);
			if (h->excluded & (1u << i))	/* reserved for other services */
				continue;
			interval_set_add(&hours, iv.start, iv.end);
			if (wall >= ls && wall < le && (wall - ls) % step == 0)
				on_grid = true;
		}
		if (day < d0 || day > d1)
			continue;
		if (plan.closure == DAY_OVERRIDE_CLOSED)
			out->reasons |= REASON_OVERRIDE_CLOSED;
		if (plan.closure == DAY_VACATION)
			out->reasons |= REASON_VACATION;
		if (plan.closure == DAY_HOLIDAY) {
			out->reasons |= REASON_HOLIDAY;
			out->holiday = plan.holiday;
		}
	}
	/* Inside some interval but in none open to the service: the hours there are kept for
	 * other services. */
	if (!interval_set_covers(&hours, start, end))
		out->reasons |= interval_set_covers(&all_hours, start, end)
					? REASON_SERVICE_NOT_OFFERED
					: REASON_OUTSIDE_HOURS;
	else if (!on_grid)
		out->reasons |= REASON_NOT_ON_GRID;
	interval_set_release(&hours);
	interval_set_release(&all_hours);

	for (i = 0; i < in->ntime_off; i++)
		if (interval_overlaps(in->time_off[i], (struct interval){start, end}))
			out->reasons |= REASON_TIME_OFF;
	/* Inside the provider's own open time but not the business's. */
	if (in->business && !(out->reasons & BUSINESS_MASKED) &&
	    !interval_set_covers(in->business, start, end))
		out->reasons |= REASON_BUSINESS_HOURS;
	if (p->busy && interval_set_overlaps(p->busy, start - (int64_t)r->buffer_before_min * 60,
					     end + (int64_t)r->buffer_after_min * 60))
		out->reasons |= REASON_BUSY;
	if (p->held && interval_set_overlaps(p->held, start - (int64_t)r->buffer_before_min * 60,
					     end + (int64_t)r->buffer_after_min * 60))
		out->reasons |= REASON_HELD;
	if (p->entries &&
	    interval_set_overlaps(p->entries, start - (int64_t)r->buffer_before_min * 60,
				  end + (int64_t)r->buffer_after_min * 60))
		out->reasons |= REASON_ENTRY;
	out->calendar = external_at(p, start - (int64_t)r->buffer_before_min * 60,
				    end + (int64_t)r->buffer_after_min * 60);
	if (out->calendar)
		out->reasons |= REASON_EXTERNAL;
	if (p->nseats) {
		const struct seat_use *u = slot_seat_at(p, start);
		if (slot_seats_block(p, start, start - (int64_t)r->buffer_before_min * 60,
				     end + (int64_t)r->buffer_after_min * 60))
			out->reasons |= REASON_BUSY;
		else if (u && u->used >= r->capacity)
			/* Full: "booked" when bookings alone fill it, else someone's hold. */
			out->reasons |= u->used - u->held >= r->capacity ? REASON_BUSY : REASON_HELD;
	}
	out->reasons |= limits_exclude(p, start, start - (int64_t)r->buffer_before_min * 60,
				       end + (int64_t)r->buffer_after_min * 60);
	if (start < q->now + (int64_t)r->min_notice_min * 60)
		out->reasons |= REASON_MIN_NOTICE;
	if (r->max_advance_days > 0 && start > q->now + (int64_t)r->max_advance_days * 86400)
		out->reasons |= REASON_MAX_ADVANCE;
}
