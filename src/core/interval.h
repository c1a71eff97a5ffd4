/* Half-open intervals [start, end) on int64 values (UTC seconds in practice) and sorted,
 * disjoint, non-touching sets of them. Empty intervals (start >= end) are ignored. */
#ifndef SLOTD_CORE_INTERVAL_H
#define SLOTD_CORE_INTERVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct interval {
	int64_t start;
	int64_t end;
};

static inline bool interval_overlaps(struct interval a, struct interval b)
{
	return a.start < b.end && b.start < a.end;
}

/* Invariant: v[i].start < v[i].end < v[i+1].start (touching intervals are merged). */
struct interval_set {
	struct interval *v;	/* heap, owned */
	size_t n;
	size_t cap;
};

void interval_set_init(struct interval_set *s);
void interval_set_release(struct interval_set *s);
/* Empties the set, keeping its memory. */
void interval_set_clear(struct interval_set *s);
/* Adds [start, end) to the set (union). */
void interval_set_add(struct interval_set *s, int64_t start, int64_t end);
/* Removes [start, end) from the set. */
void interval_set_subtract(struct interval_set *s, int64_t start, int64_t end);
/* True when [start, end) lies entirely inside one member of the set. */
bool interval_set_covers(const struct interval_set *s, int64_t start, int64_t end);
/* Index of the first member with end > t, or s->n. */
size_t interval_set_first_ending_after(const struct interval_set *s, int64_t t);
/* True when [start, end) shares any point with the set. */
bool interval_set_overlaps(const struct interval_set *s, int64_t start, int64_t end);

#endif
