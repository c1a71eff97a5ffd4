#include "core/expand.h"

#include <string.h>

#include "core/civil.h"
#include "core/recur.h"

/* One expanded rule over one window. */
struct memo_entry {
	const char *text;		/* NULL: an empty slot */
	int64_t start_day, last_day, from_day, to_day;
	const int64_t *days;
	size_t n;
};

struct expand {
	struct arena *arena;
	int64_t deadline_ns;
	struct memo_entry *slots;	/* open addressing; cap a power of two */
	size_t cap, used;
	size_t dates;			/* expanded so far, against EXPAND_MAX_DATES */
	size_t expanded, shared;
};

#define MEMO_INITIAL 64

struct expand *expand_new(struct arena *a, int64_t deadline_ns)
{
	struct expand *x = arena_alloc(a, sizeof(*x));

	x->arena = a;
	x->deadline_ns = deadline_ns;
	x->cap = MEMO_INITIAL;
	x->slots = arena_alloc(a, x->cap * sizeof(*x->slots));
	return x;
}

static int timed_out(struct err *e)
{
	err_set(e, ERR_TIMEOUT,
		"the request ran out of time; ask for fewer days or providers, or retry later");
	if (e->code == ERR_TIMEOUT && e->retry_after == 0)
		e->retry_after = 1;
	return -1;
}

void expand_set_deadline(struct expand *x, int64_t deadline_ns)
{
	x->deadline_ns = deadline_ns;
}

int expand_check(const struct expand *x, struct err *e)
{
	if (!x || !x->deadline_ns || recur_clock_ns() < x->deadline_ns)
		return 0;
	return timed_out(e);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	return h * 1099511628211ULL;
}

static uint64_t key_hash(const char *text, int64_t start_day, int64_t last_day,
			 int64_t from_day, int64_t to_day)
{
	uint64_t h = 14695981039346656037ULL;

	while (*text)
		h = mix(h, (unsigned char)*text++);
	h = mix(h, (uint64_t)start_day);
	h = mix(h, (uint64_t)last_day);
	h = mix(h, (uint64_t)from_day);
	return mix(h, (uint64_t)to_day);
}

static bool key_equal(const struct memo_entry *m, const char *text, int64_t start_day,
		      int64_t last_day, int64_t from_day, int64_t to_day)
{
	return m->start_day == start_day && m->last_day == last_day && m->from_day == from_day &&
	       m->to_day == to_day && !strcmp(m->text, text);
}

/* The slot of the key, or the empty one where it belongs. */
static struct memo_entry *memo_slot(struct memo_entry *slots, size_t cap, const char *text,
				    int64_t start_day, int64_t last_day, int64_t from_day,
				    int64_t to_day)
{
	size_t i = (size_t)key_hash(text, start_day, last_day, from_day, to_day) & (cap - 1);

	while (slots[i].text &&
	       !key_equal(&slots[i], text, start_day, last_day, from_day, to_day))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void memo_grow(struct expand *x)
{
	size_t cap = x->cap * 2, i;
	struct memo_entry *slots = arena_alloc(x->arena, cap * sizeof(*slots));

	for (i = 0; i < x->cap; i++) {
		const struct memo_entry *m = &x->slots[i];
		if (m->text)
			*memo_slot(slots, cap, m->text, m->start_day, m->last_day, m->from_day,
				   m->to_day) = *m;
	}
	x->slots = slots;
	x->cap = cap;
}

/* The dates of a date rule, from the memo or expanded into it. */
static int rule_dates(struct expand *x, const char *text, int64_t start_day, int64_t last_day,
		      int64_t from_day, int64_t to_day, const int64_t **days, size_t *n,
		      struct err *e)
{
	size_t span = (size_t)(to_day - from_day + 1);
	struct memo_entry *m;
	enum recur_status st;
	int64_t *out;

	m = memo_slot(x->slots, x->cap, text, start_day, last_day, from_day, to_day);
	if (m->text) {
		x->shared++;
		*days = m->days;
		*n = m->n;
		return 0;
	}
	if (expand_check(x, e))
		return -1;
	out = arena_alloc(x->arena, span * sizeof(*out));
	st = recur_dates_until(text, start_day, last_day, from_day, to_day, x->deadline_ns, out,
			       span, n);
	if (st == RECUR_BUDGET) {
		if (expand_check(x, e))
			return -1;
		return err_set(e, ERR_RANGE, "a recurrence rule takes too long to expand; ask for"
					     " fewer days");
	}
	x->dates += *n;
	if (x->dates > EXPAND_MAX_DATES)
		return err_set(e, ERR_RANGE, "the request covers too many recurring dates; ask for"
					     " fewer days or providers");
	x->expanded++;
	if ((x->used + 1) * 2 > x->cap) {
		memo_grow(x);
		m = memo_slot(x->slots, x->cap, text, start_day, last_day, from_day, to_day);
	}
	m->text = arena_strdup(x->arena, text);
	m->start_day = start_day;
	m->last_day = last_day;
	m->from_day = from_day;
	m->to_day = to_day;
	m->days = out;
	m->n = *n;
	x->used++;
	*days = out;
	return 0;
}

/* The dates from_day..to_day that lie in first..last. */
static void range_dates(struct expand *x, int64_t first, int64_t last, int64_t from_day,
			int64_t to_day, const int64_t **days, size_t *n)
{
	int64_t lo = first > from_day ? first : from_day, hi = last < to_day ? last : to_day;
	int64_t *out, d;

	*n = 0;
	*days = NULL;
	if (lo > hi)
		return;
	out = arena_alloc(x->arena, (size_t)(hi - lo + 1) * sizeof(*out));
	for (d = lo; d <= hi; d++)
		out[(*n)++] = d;
	*days = out;
}

int expand_holiday(struct expand *x, const struct holiday_rec *h, int64_t from_day,
		   int64_t to_day, const int64_t **days, size_t *n, struct err *e)
{
	*n = 0;
	*days = NULL;
	if (to_day < from_day)
		return 0;
	if (*h->rrule)
		return rule_dates(x, h->rrule, h->day, h->until_day, from_day, to_day, days, n, e);
	range_dates(x, h->day, h->day, from_day, to_day, days, n);
	return 0;
}

int expand_override(struct expand *x, const struct override_rec *o, int64_t from_day,
		    int64_t to_day, const int64_t **days, size_t *n, struct err *e)
{
	*n = 0;
	*days = NULL;
	if (to_day < from_day)
		return 0;
	if (*o->rrule)
		return rule_dates(x, o->rrule, o->ov.from_day, o->ov.to_day, from_day, to_day,
				  days, n, e);
	range_dates(x, o->ov.from_day, o->ov.to_day, from_day, to_day, days, n);
	return 0;
}

void expand_stats(const struct expand *x, size_t *expanded, size_t *shared)
{
	*expanded = x->expanded;
	*shared = x->shared;
}
