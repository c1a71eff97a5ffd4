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

bool entry_is_occurrence(const struct entry *en, const struct tz *tz, int64_t original)
{
	if (!en->recurring)
		return original == en->start;
	return tz_to_utc(tz, tz_to_wall(tz, original)) == original &&
	       recur_has(&en->rule, tz_to_wall(tz, original));
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
		int64_t wall_from = tz_to_wall(tz, from - dur) - WALL_SLACK;
		int64_t wall_to = tz_to_wall(tz, to) + WALL_SLACK;
		int64_t walls[EXPAND_CHUNK];
		size_t got;

		/* Expand in chunks so the caller's cap, not a buffer, limits the count. */
		for (;;) {
			st = recur_expand(&en->rule, wall_from, wall_to, walls, EXPAND_CHUNK, &got);
			for (i = 0; i < got; i++) {
				int64_t orig = tz_to_utc(tz, walls[i]);
				if (orig >= to || orig + dur <= from || entry_is_excluded(en, orig) ||
				    entry_override_at(en, orig))
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
