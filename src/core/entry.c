#include "core/entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ENTRY__STATUS_COUNT] = {
	"scheduled", "tentative", "in_progress", "completed", "cancelled",
};

const char *entry_status_name(enum entry_status s)
{
	return (unsigned)s < ENTRY__STATUS_COUNT ? status_names[s] : "unknown";
}

int entry_status_parse(const char *s, enum entry_status *out)
{
	int i;

	for (i = 0; i < ENTRY__STATUS_COUNT; i++) {
		if (!strcmp(s, status_names[i])) {
			*out = (enum entry_status)i;
			return 0;
		}
	}
	return -1;
}

struct entry_override *entry_override_at(const struct entry *en, int64_t original)
{
	size_t lo = 0, hi = en->noverrides;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (en->overrides[mid].original_start < original)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < en->noverrides && en->overrides[lo].original_start == original
		       ? &en->overrides[lo]
		       : NULL;
}

bool entry_is_excluded(const struct entry *en, int64_t original)
{
	size_t lo = 0, hi = en->nexdates;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (en->exdates[mid] < original)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < en->nexdates && en->exdates[lo] == original;
}

bool entry_fields_assigned(const struct entry_fields *f, const char *provider_id)
{
	size_t i;

	for (i = 0; i < f->nassignees; i++)
		if (!strcmp(f->assignee_ids[i], provider_id))
			return true;
	return false;
}

bool entry_occurrence_wall(const struct entry *en, const struct tz *tz, int64_t original,
			   int64_t *wall)
{
	int64_t w, walls[8];
	size_t n, i;

	if (!en->recurring) {
		*wall = tz_to_wall(tz, en->start);
		return original == en->start;
	}
	if (original > recur_until_utc(&en->rule))
		return false;
	/* A wall time in a DST gap lands later than itself: look a day either side. */
	w = tz_to_wall(tz, original);
	recur_expand(&en->rule, w - 90000, w + 90001, walls, 8, &n);
	for (i = 0; i < n; i++) {
		if (tz_to_utc(tz, walls[i]) == original) {
			*wall = walls[i];
			return true;
		}
	}
	return false;
}

bool entry_is_occurrence(const struct entry *en, const struct tz *tz, int64_t original)
{
	int64_t wall;

	return entry_occurrence_wall(en, tz, original, &wall);
}

int64_t entry_span_end(const struct entry *en, const struct tz *tz)
{
	int64_t end = en->end;
	size_t i;

	if (en->recurring) {
		if (en->rule.last == RECUR_OPEN)
			return INT64_MAX;
		end = tz_to_utc(tz, en->rule.last) + (en->end - en->start) + 86400;
	}
	for (i = 0; i < en->noverrides; i++)
		if (en->overrides[i].end > end)
			end = en->overrides[i].end;
	return end;
}

void entry_occurrence_id(const struct entry *en, int64_t original, char out[ID_MAX + 20])
{
	char t[17];

	recur_format_utc(original, t);
	snprintf(out, ID_MAX + 20, "%s:%s", en->id, t);
}

static int cmp_occurrence(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->original_start < y->original_start ? -1 : x->original_start > y->original_start;
}

/* Series occurrences are expanded this much wider than the window on the wall clock, which
 * covers any UTC offset. */
#define WALL_SLACK (2 * 86400)
#define EXPAND_CHUNK 512

enum recur_status entry_occurrences(const struct entry *en, const struct tz *tz, int64_t from,
				    int64_t to, struct occurrence *out, size_t max, size_t *n)
{
	int64_t dur = en->end - en->start;
	enum recur_status st = RECUR_DONE;
	size_t i;

	*n = 0;
	if (!en->recurring) {
		if (en->start < to && en->end > from && max > 0) {
			out[0] = (struct occurrence){en->start, en->start, en->end, &en->f, false};
			*n = 1;
		} else if (en->start < to && en->end > from) {
			st = RECUR_CAPPED;
		}
		return st;
	}
	{
		int64_t until = recur_until_utc(&en->rule);
		int64_t wall_from = tz_to_wall(tz, from - dur) - WALL_SLACK;
		int64_t wall_to = tz_to_wall(tz, to) + WALL_SLACK;
		int64_t walls[EXPAND_CHUNK];
		size_t got;

		/* Expand in chunks so the caller's cap, not a buffer, limits the count. */
		for (;;) {
			st = recur_expand(&en->rule, wall_from, wall_to, walls, EXPAND_CHUNK, &got);
			for (i = 0; i < got; i++) {
				int64_t orig = tz_to_utc(tz, walls[i]);
				if (orig >= to || orig + dur <= from || orig > until ||
				    entry_is_excluded(en, orig) || entry_override_at(en, orig))
					continue;
				if (*n == max)
					return RECUR_CAPPED;
				out[(*n)++] = (struct occurrence){orig, orig, orig + dur, &en->f, false};
			}
			if (st != RECUR_CAPPED)
				break;
			wall_from = walls[got - 1] + 1;
			st = RECUR_DONE;
		}
	}
	for (i = 0; i < en->noverrides; i++) {
		const struct entry_override *o = &en->overrides[i];
		if (o->start >= to || o->end <= from || entry_is_excluded(en, o->original_start))
			continue;
		if (*n == max)
			return RECUR_CAPPED;
		out[(*n)++] = (struct occurrence){o->original_start, o->start, o->end, &o->f, true};
	}
	qsort(out, *n, sizeof(*out), cmp_occurrence);
	return st;
}

size_t entry_occurrence_bound(const struct entry *en, int64_t from, int64_t to)
{
	/* Series occurrences overlapping the window start in (from - duration, to), at most one
	 * per day (BY lists hold no duplicates and rules repeat at most daily). */
	int64_t span = to > from ? to - from + (en->end - en->start) : 0;

	return (size_t)(span / 86400) + 4 + en->noverrides;
}

void entry_busy_add(const struct entry *v, size_t n, struct tz_db *db, const char *provider_id,
		    int64_t from, int64_t to, struct interval_set *busy)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		const struct tz *z = tz_db_get(db, v[i].timezone);
		size_t max = entry_occurrence_bound(&v[i], from, to);
		struct occurrence *occ = malloc(max * sizeof(*occ));
		if (!occ)
			return;
		if (!z)
			z = tz_db_get(db, "UTC");
		entry_occurrences(&v[i], z, from, to, occ, max, &k);
		for (j = 0; j < k; j++)
			if (occ[j].f->status != ENTRY_CANCELLED &&
			    entry_fields_assigned(occ[j].f, provider_id))
				interval_set_add(busy, occ[j].start, occ[j].end);
		free(occ);
	}
}
