#include "core/interval.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/mem.h"

void interval_set_init(struct interval_set *s)
{
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

void interval_set_release(struct interval_set *s)
{
	free(s->v);
	interval_set_init(s);
}

void interval_set_clear(struct interval_set *s)
{
	s->n = 0;
}

/* First index whose end >= start: the first member that touches or follows start. */
static size_t first_touching(const struct interval_set *s, int64_t start)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void interval_set_add(struct interval_set *s, int64_t start, int64_t end)
{
	size_t i, j;

	if (start >= end)
		return;
	/* Fast path: appending in order, as availability is built day by day. */
	if (s->n == 0 || s->v[s->n - 1].end < start) {
		xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
		s->v[s->n].start = start;
		s->v[s->n].end = end;
		s->n++;
		return;
	}
	i = first_touching(s, start);
	j = i;
	while (j < s->n && s->v[j].start <= end)
		j++;
	if (i == j) {
		xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
		memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
		s->v[i].start = start;
		s->v[i].end = end;
		s->n++;
		return;
	}
	/* Members i..j-1 touch [start, end): merge them into v[i]. */
	if (s->v[i].start < start)
		start = s->v[i].start;
	if (s->v[j - 1].end > end)
		end = s->v[j - 1].end;
	s->v[i].start = start;
	s->v[i].end = end;
	memmove(&s->v[i + 1], &s->v[j], (s->n - j) * sizeof(*s->v));
	s->n -= j - i - 1;
}

void interval_set_subtract(struct interval_set *s, int64_t start, int64_t end)
{
	size_t i, j;

	if (start >= end || s->n == 0)
		return;
	i = first_touching(s, start);
	if (i < s->n && s->v[i].end == start)
		i++;
	if (i >= s->n || s->v[i].start >= end)
		return;
	/* One member strictly contains the hole: split it in two. */
	if (s->v[i].start < start && s->v[i].end > end) {
		xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
		memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
		s->v[i].end = start;
		s->v[i + 1].start = end;
		s->n++;
		return;
	}
	if (s->v[i].start < start) {
		s->v[i].end = start;
		i++;
	}
	j = i;
	while (j < s->n && s->v[j].end <= end)
		j++;
	if (j < s->n && s->v[j].start < end)
		s->v[j].start = end;
	memmove(&s->v[i], &s->v[j], (s->n - j) * sizeof(*s->v));
	s->n -= j - i;
}

size_t interval_set_first_ending_after(const struct interval_set *s, int64_t t)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].end <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool interval_set_covers(const struct interval_set *s, int64_t start, int64_t end)
{
	size_t i;

	if (start >= end)
		return true;
	i = interval_set_first_ending_after(s, start);
	return i < s->n && s->v[i].start <= start && s->v[i].end >= end;
}

bool interval_set_overlaps(const struct interval_set *s, int64_t start, int64_t end)
{
	size_t i;

	if (start >= end)
		return false;
	i = interval_set_first_ending_after(s, start);
	return i < s->n && s->v[i].start < end;
}
