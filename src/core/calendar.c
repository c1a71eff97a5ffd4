#include "core/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/expand.h"

static const char *const kind_names[] = {"holiday", "override", "time_off",
					 "booking", "entry",    "external_busy"};

const char *cal_kind_name(enum cal_kind k)
{
	return kind_names[k];
}

static struct cal_item *add(struct cal_items *it, struct arena *a, enum cal_kind k,
			    const char *id, const char *pid, int64_t start, int64_t end)
{
	struct cal_item *x;

	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 64;
		struct cal_item *v = arena_alloc(a, cap * sizeof(*v));
		if (it->n)
			memcpy(v, it->v, it->n * sizeof(*v));
		it->v = v;
		it->cap = cap;
	}
	x = &it->v[it->n++];
	memset(x, 0, sizeof(*x));
	x->start = start;
	x->end = end;
	x->kind = k;
	x->id = id;
	x->provider_id = pid;
	x->day = AVAIL_DAY_NONE;
	return x;
}

/* A whole local date of the provider as an item; NULL when it lies outside [from, to). */
static struct cal_item *add_day(struct cal_items *it, struct arena *a, enum cal_kind k,
				const char *id, const char *pid, const struct tz *pz, int64_t day,
				int64_t from, int64_t to)
{
	int64_t s = tz_to_utc(pz, day * 86400), e = tz_to_utc(pz, (day + 1) * 86400);
	struct cal_item *x;

	if (s >= to || e <= from)
		return NULL;
	x = add(it, a, k, id, pid, s, e);
	x->day = day;
	return x;
}

int calendar_add(struct cal_items *it, const struct calendar_src *c, struct tz_db *db,
		 int64_t from, int64_t to, struct arena *a, struct err *e)
{
	const char *pid = arena_strdup(a, c->provider.id);
	const struct tz *pz = tz_db_get(db, c->provider.timezone);
	struct expand *memo = c->expand ? c->expand : expand_new(a, 0);
	int64_t from_day, to_day;
	size_t i, j, first;

	if (!pz)
		pz = tz_db_get(db, "UTC");
	if (expand_check(memo, e))
		return -1;
	from_day = floor_div(tz_to_wall(pz, from), 86400);
	to_day = floor_div(tz_to_wall(pz, to - 1), 86400);
	for (i = 0; i < c->nbookings; i++) {
		const struct booking *b = &c->bookings[i];
		add(it, a, CAL_BOOKING, b->id, pid, b->start, b->end)->booking = b;
	}
	for (i = 0; i < c->nentries; i++) {
		const struct entry *en = &c->entries[i];
		struct occurrence *occ;
		size_t n;
		if (entry_occurrences_all(en, entry_zone(en, db), from, to, a, &occ, &n, e))
			return -1;
		for (j = 0; j < n; j++) {
			struct cal_item *x;
			char *oid;
			if (occ[j].f->status == ENTRY_CANCELLED ||
			    !entry_fields_assigned(occ[j].f, pid))
				continue;
			oid = arena_alloc(a, OCCURRENCE_ID_MAX);
			entry_occurrence_id(en, occ[j].original_start, oid);
			x = add(it, a, CAL_ENTRY, oid, pid, occ[j].start, occ[j].end);
			x->entry = en;
			x->occ = occ[j];
		}
	}
	for (i = 0; i < c->ntime_off; i++) {
		const struct time_off_rec *t = &c->time_off[i];
		if (t->span.start >= to || t->span.end <= from)
			continue;
		add(it, a, CAL_TIME_OFF, t->id, pid, t->span.start, t->span.end)->time_off = t;
	}
	first = it->n;
	for (i = 0; i < c->nexternal; i++) {
		const struct external_busy *x = &c->external[i];
		size_t k;
		if (x->start >= to || x->end <= from)
			continue;
		/* Stored in pieces of at most a day: join one to the piece it continues. */
		for (k = first; k < it->n; k++)
			if (it->v[k].end == x->start &&
			    !strcmp(it->v[k].external->calendar_id, x->calendar_id))
				break;
		if (k < it->n)
			it->v[k].end = x->end;
		else
			add(it, a, CAL_EXTERNAL, x->calendar_id, pid, x->start, x->end)->external = x;
	}
	for (i = 0; i < c->nholidays; i++) {
		const struct holiday_rec *h = &c->holidays[i];
		const int64_t *days;
		size_t n;
		if (expand_holiday(memo, h, from_day, to_day, &days, &n, e))
			return -1;
		for (j = 0; j < n; j++) {
			struct cal_item *x = add_day(it, a, CAL_HOLIDAY, h->id, pid, pz, days[j],
						     from, to);
			if (x)
				x->holiday = h;
		}
	}
	for (i = 0; i < c->noverrides; i++) {
		const struct override_rec *ov = &c->overrides[i];
		const int64_t *days;
		size_t n;
		if (expand_override(memo, ov, from_day, to_day, &days, &n, e))
			return -1;
		for (j = 0; j < n; j++) {
			struct cal_item *x = add_day(it, a, CAL_OVERRIDE, ov->id, pid, pz, days[j],
						     from, to);
			if (x)
				x->override = ov;
		}
	}
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct cal_item *x = a, *y = b;
	int c;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((c = strcmp(x->provider_id, y->provider_id)))
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->id, y->id);
}

void calendar_sort(struct cal_items *it)
{
	if (it->n)
		qsort(it->v, it->n, sizeof(*it->v), cmp_item);
}

int calendar_conflict_providers(const struct entry *en, struct tz_db *db, int64_t from,
				int64_t to, struct arena *a, const char ***ids, size_t *n,
				struct err *e)
{
	const size_t max = ENTRY_MAX_ASSIGNEES * 4;
	struct occurrence *occ;
	size_t nocc, i, j, k;

	*n = 0;
	*ids = arena_alloc(a, max * sizeof(**ids));
	if (entry_occurrences_all(en, entry_zone(en, db), from, to, a, &occ, &nocc, e))
		return -1;
	for (i = 0; i < nocc; i++) {
		const struct entry_fields *f = occ[i].f;
		if (f->status == ENTRY_CANCELLED)
			continue;
		for (j = 0; j < f->nassignees && *n < max; j++) {
			for (k = 0; k < *n && strcmp((*ids)[k], f->assignee_ids[j]); k++)
				;
			if (k == *n)
				(*ids)[(*n)++] = f->assignee_ids[j];
		}
	}
	return 0;
}

static void add_conflict(struct conflict *out, size_t *n, enum cal_kind kind, const char *id,
			 const char *occurrence_id, const char *provider_id, int64_t start,
			 int64_t end, int64_t own_start)
{
	if (*n >= CONFLICTS_MAX)
		return;
	out[(*n)++] = (struct conflict){kind, id, occurrence_id, provider_id, start, end,
					own_start};
}

/* Conflicts of the occurrences occ[0..nocc) assigned to provider pid with its calendar. */
static int conflicts_with(const struct occurrence *occ, size_t nocc, const char *pid,
			  const struct calendar_src *cal, struct tz_db *db, const char *skip_a,
			  const char *skip_b, struct arena *a, struct conflict *out, size_t *n,
			  struct err *e)
{
	size_t k, b, x, y;

	for (k = 0; k < nocc; k++) {
		if (occ[k].f->status == ENTRY_CANCELLED || !entry_fields_assigned(occ[k].f, pid))
			continue;
		for (b = 0; b < cal->nbookings; b++)
			if (cal->bookings[b].start < occ[k].end && cal->bookings[b].end > occ[k].start)
				add_conflict(out, n, CAL_BOOKING, cal->bookings[b].id, NULL, pid,
					     cal->bookings[b].start, cal->bookings[b].end,
					     occ[k].start);
		for (x = 0; x < cal->nentries; x++) {
			const struct entry *other = &cal->entries[x];
			struct occurrence *oo;
			size_t no;
			if ((skip_a && !strcmp(other->id, skip_a)) || (skip_b && !strcmp(other->id, skip_b)))
				continue;
			if (entry_occurrences_all(other, entry_zone(other, db), occ[k].start,
						  occ[k].end, a, &oo, &no, e))
				return -1;
			for (y = 0; y < no; y++) {
				char *oid;
				if (oo[y].f->status == ENTRY_CANCELLED ||
				    !entry_fields_assigned(oo[y].f, pid))
					continue;
				oid = arena_alloc(a, OCCURRENCE_ID_MAX);
				entry_occurrence_id(other, oo[y].original_start, oid);
				add_conflict(out, n, CAL_ENTRY, other->id, oid, pid, oo[y].start,
					     oo[y].end, occ[k].start);
			}
		}
	}
	return 0;
}

int calendar_conflicts(const struct entry *en, struct tz_db *db, int64_t from, int64_t to,
		       const struct calendar_src *cals, size_t n, const char *skip_a,
		       const char *skip_b, struct arena *a, struct conflict *out, size_t *nout,
		       struct err *e)
{
	struct occurrence *occ;
	size_t nocc, i;

	*nout = 0;
	if (entry_occurrences_all(en, entry_zone(en, db), from, to, a, &occ, &nocc, e))
		return -1;
	for (i = 0; i < n; i++)
		if (conflicts_with(occ, nocc, cals[i].provider.id, &cals[i], db, skip_a, skip_b, a,
				   out, nout, e))
			return -1;
	return 0;
}
