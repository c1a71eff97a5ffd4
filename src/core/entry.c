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

void entry_occurrence_id(const struct entry *en, int64_t original, char out[OCCURRENCE_ID_MAX])
{
	char t[17];

	recur_format_utc(original, t);
	snprintf(out, OCCURRENCE_ID_MAX, "%s:%s", en->id, t);
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

const struct tz *entry_zone(const struct entry *en, struct tz_db *db)
{
	const struct tz *z = tz_db_get(db, en->timezone);

	return z ? z : tz_db_get(db, "UTC");
}

int entry_occurrences_all(const struct entry *en, const struct tz *tz, int64_t from, int64_t to,
			  struct arena *a, struct occurrence **out, size_t *n, struct err *e)
{
	size_t max = entry_occurrence_bound(en, from, to);

	*out = arena_alloc(a, (max + 1) * sizeof(**out));
	if (entry_occurrences(en, tz, from, to, *out, max, n) == RECUR_BUDGET)
		return err_set(e, ERR_RANGE,
			       "the rule of schedule entry %s takes too long to expand; ask for less",
			       en->id);
	return 0;
}

int entry_busy_add(const struct entry *v, size_t n, struct tz_db *db, const char *provider_id,
		   int64_t from, int64_t to, struct arena *a, struct interval_set *busy,
		   struct err *e)
{
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		struct occurrence *occ;
		if (entry_occurrences_all(&v[i], entry_zone(&v[i], db), from, to, a, &occ, &k, e))
			return -1;
		for (j = 0; j < k; j++)
			if (occ[j].f->status != ENTRY_CANCELLED &&
			    entry_fields_assigned(occ[j].f, provider_id))
				interval_set_add(busy, occ[j].start, occ[j].end);
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int entry_rebuild(struct entry *en, const struct tz *tz, const char *rule_text, int64_t anchor,
		  struct err *e)
{
	size_t i, k;

	en->recurring = rule_text != NULL;
	if (rule_text && tz_to_utc(tz, anchor) != en->start)
		return err_field(e, "/start",
				 "is the second instance of a local time that occurs twice (DST"
				 " ends); a recurring series starts at the first");
	if (rule_text) {
		char text[RECUR_TEXT_MAX];
		snprintf(text, sizeof(text), "%s", rule_text);
		if (recur_parse(text, anchor, tz, "/rrule", "/start", &en->rule, e))
			return -1;
	}
	for (i = k = 0; i < en->nexdates; i++)
		if (en->recurring && entry_is_occurrence(en, tz, en->exdates[i]))
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
	for (i = k = 0; i < en->noverrides; i++)
		if (en->recurring && entry_is_occurrence(en, tz, en->overrides[i].original_start))
			en->overrides[k++] = en->overrides[i];
	en->noverrides = k;
	return 0;
}

int entry_set_exdates(struct entry *en, const struct tz *tz, const int64_t *v, size_t n,
		      struct arena *a, struct err *e)
{
	size_t i, k;

	if (n && !en->recurring)
		return err_field(e, "/exdates",
				 "needs an rrule: only a recurring entry has occurrences to exclude");
	en->exdates = arena_alloc(a, (n + 1) * sizeof(*en->exdates));
	en->nexdates = 0;
	for (i = 0; i < n; i++) {
		char ptr[32];
		snprintf(ptr, sizeof(ptr), "/exdates/%zu", i);
		if (!entry_is_occurrence(en, tz, v[i])) {
			err_field(e, ptr, "is not an occurrence of the series");
			continue;
		}
		en->exdates[en->nexdates++] = v[i];
	}
	if (e->code)
		return -1;
	qsort(en->exdates, en->nexdates, sizeof(*en->exdates), cmp_i64);
	for (i = k = 0; i < en->nexdates; i++)
		if (k == 0 || en->exdates[k - 1] != en->exdates[i])
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
	return 0;
}

void entry_put_override(struct entry *en, const struct entry_override *o, struct arena *a)
{
	struct entry_override *v, *at = entry_override_at(en, o->original_start);
	size_t i, k = 0;

	if (at) {
		*at = *o;
		return;
	}
	v = arena_alloc(a, (en->noverrides + 1) * sizeof(*v));
	for (i = 0; i < en->noverrides && en->overrides[i].original_start < o->original_start;
	     i++)
		v[k++] = en->overrides[i];
	v[k++] = *o;
	for (; i < en->noverrides; i++)
		v[k++] = en->overrides[i];
	en->overrides = v;
	en->noverrides = k;
}

void entry_drop_override(struct entry *en, int64_t original)
{
	struct entry_override *at = entry_override_at(en, original);

	if (at) {
		size_t i = (size_t)(at - en->overrides);
		memmove(at, at + 1, (en->noverrides - i - 1) * sizeof(*at));
		en->noverrides--;
	}
}

void entry_exclude(struct entry *en, int64_t original, struct arena *a)
{
	int64_t *v = arena_alloc(a, (en->nexdates + 1) * sizeof(*v));

	entry_drop_override(en, original);
	if (en->nexdates)
		memcpy(v, en->exdates, en->nexdates * sizeof(*v));
	v[en->nexdates++] = original;
	qsort(v, en->nexdates, sizeof(*v), cmp_i64);
	en->exdates = v;
}

static entry_id_t *copy_ids(struct arena *a, const entry_id_t *ids, size_t n)
{
	entry_id_t *v = arena_alloc(a, (n + 1) * sizeof(*v));

	if (n)
		memcpy(v, ids, n * sizeof(*v));
	return v;
}

struct entry *entry_split(struct entry *en, const struct tz *tz, int64_t at, int64_t now,
			  struct arena *a)
{
	struct entry *nx = arena_alloc(a, sizeof(*nx));
	int64_t wall;
	size_t i, k;

	/* The rule's wall time of the occurrence: in a DST gap it is earlier than the local
	 * time of the instant, and the new series must keep it. */
	if (!entry_occurrence_wall(en, tz, at, &wall))
		wall = tz_to_wall(tz, at);
	*nx = *en;
	id_new(nx->id, "ent");
	nx->start = at;
	nx->end = at + (en->end - en->start);
	nx->version = 1;
	nx->created_at = nx->updated_at = now;
	nx->f.assignee_ids = copy_ids(a, en->f.assignee_ids, en->f.nassignees);
	if (strstr(en->rule.text, "COUNT=") && en->rule.last != RECUR_OPEN)
		recur_end_before(&nx->rule, en->rule.last + 1, tz);
	nx->rule.dtstart = wall;
	nx->exdates = arena_alloc(a, (en->nexdates + 1) * sizeof(*nx->exdates));
	for (i = k = 0; i < en->nexdates; i++)
		if (en->exdates[i] >= at)
			nx->exdates[k++] = en->exdates[i];
	nx->nexdates = k;
	nx->overrides = arena_alloc(a, (en->noverrides + 1) * sizeof(*nx->overrides));
	for (i = k = 0; i < en->noverrides; i++)
		if (en->overrides[i].original_start >= at)
			nx->overrides[k++] = en->overrides[i];
	nx->noverrides = k;

	recur_end_before(&en->rule, wall, tz);
	for (i = k = 0; i < en->nexdates; i++)
		if (en->exdates[i] < at)
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
	for (i = k = 0; i < en->noverrides; i++)
		if (en->overrides[i].original_start < at)
			en->overrides[k++] = en->overrides[i];
	en->noverrides = k;
	return nx;
}

static const char *const field_names[] = {"title", "status", "notes", "assignee_ids",
					  "start", "end", "timezone", "work_item", "rrule",
					  "exdates"};

const char *entry_field_name(enum entry_field f)
{
	size_t i;

	for (i = 0; i < sizeof(field_names) / sizeof(*field_names); i++)
		if ((unsigned)f == 1u << i)
			return field_names[i];
	return "";
}

/* The fields of one occurrence from p. */
static void apply_fields(struct entry_fields *f, const struct entry_patch *p, struct arena *a)
{
	if (p->set & ENTRY_F_TITLE)
		memcpy(f->title, p->f.title, sizeof(f->title));
	if (p->set & ENTRY_F_STATUS)
		f->status = p->f.status;
	if (p->set & ENTRY_F_NOTES)
		memcpy(f->notes, p->f.notes, sizeof(f->notes));
	if (p->set & ENTRY_F_ASSIGNEES) {
		f->assignee_ids = copy_ids(a, p->f.assignee_ids, p->f.nassignees);
		f->nassignees = p->f.nassignees;
	}
}

/* New times from p (a start alone keeps the duration), checked. */
static int apply_times(int64_t *start, int64_t *end, const struct entry_patch *p,
		       struct err *e)
{
	int64_t dur = *end - *start;

	if (p->set & ENTRY_F_START)
		*start = p->start;
	if (p->set & ENTRY_F_END)
		*end = p->end;
	else if (p->set & ENTRY_F_START)
		*end = *start + dur;
	if (*end <= *start)
		return err_field(e, "/end", "must be after start");
	if (*end - *start > ENTRY_MAX_SECONDS)
		return err_field(e, "/end", "an occurrence may last at most 7 days");
	return 0;
}

int entry_apply_series(struct entry *en, const struct entry_patch *p, struct tz_db *db,
		       struct arena *a, struct err *e)
{
	int64_t start = en->start;
	char zone[TZ_NAME_MAX], rule[RECUR_TEXT_MAX];
	const char *rule_text = NULL;
	const struct tz *z;

	memcpy(zone, en->timezone, sizeof(zone));
	if (p->set & ENTRY_F_TIMEZONE)
		memcpy(en->timezone, p->timezone, sizeof(en->timezone));
	apply_fields(&en->f, p, a);
	if (p->set & ENTRY_F_WORK_ITEM) {
		memcpy(en->work_type, p->work_type, sizeof(en->work_type));
		memcpy(en->work_id, p->work_id, sizeof(en->work_id));
	}
	if (apply_times(&en->start, &en->end, p, e))
		return -1;
	if (p->set & ENTRY_F_RRULE) {
		rule_text = p->rrule;
	} else if (en->recurring) {
		snprintf(rule, sizeof(rule), "%s", en->rule.text);
		rule_text = rule;
	}
	z = entry_zone(en, db);
	/* Unmoved, the series keeps the rule's own wall time (it differs in a DST gap). */
	if (entry_rebuild(en, z, rule_text,
			  en->recurring && en->start == start && !strcmp(zone, en->timezone)
				  ? en->rule.dtstart
				  : tz_to_wall(z, en->start),
			  e))
		return -1;
	if ((p->set & ENTRY_F_EXDATES) &&
	    entry_set_exdates(en, z, p->exdates, p->nexdates, a, e))
		return -1;
	return 0;
}

int entry_apply_occurrence(struct entry *en, int64_t original, const struct entry_patch *p,
			   struct arena *a, int64_t *changed_from, struct err *e)
{
	struct entry_override o, *cur = entry_override_at(en, original);
	unsigned bit;
	int64_t was;

	if (!cur && en->noverrides >= ENTRY_MAX_OVERRIDES)
		return err_field_code(e, ERR_CONFLICT, "occurrence",
				      "the series already has %d changed occurrences; change the"
				      " series instead",
				      ENTRY_MAX_OVERRIDES);
	for (bit = 1; bit <= ENTRY_F_EXDATES; bit <<= 1) {
		char ptr[32];
		if (!(p->set & bit) || (bit & ENTRY_F_OCCURRENCE))
			continue;
		snprintf(ptr, sizeof(ptr), "/%s", entry_field_name((enum entry_field)bit));
		err_field(e, ptr, "cannot change for one occurrence (scope=this); use scope=all or"
				  " scope=future");
	}
	if (e->code)
		return -1;
	if (cur) {
		o = *cur;
	} else {
		o.original_start = original;
		o.start = original;
		o.end = original + (en->end - en->start);
		o.f = en->f;
	}
	was = o.start < o.original_start ? o.start : o.original_start;
	o.f.assignee_ids = copy_ids(a, o.f.assignee_ids, o.f.nassignees);
	apply_fields(&o.f, p, a);
	if (apply_times(&o.start, &o.end, p, e))
		return -1;
	entry_put_override(en, &o, a);
	*changed_from = o.start < was ? o.start : was;
	return 0;
}
