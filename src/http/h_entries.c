/* /v1/entries: schedule entries (dispatch, meetings) with assignees, recurring by RRULE,
 * edited and deleted per occurrence (scope=this), from an occurrence on (scope=future) or
 * as a whole (scope=all). Writes answer with the conflicts the entry has with bookings and
 * other entries of its assignees. */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/waitlist.h"
#include "store/store_entries.h"
#include "util/ids.h"
#include "util/mem.h"

#define OCCURRENCE_WINDOW_DAYS 366
#define CONFLICT_HORIZON_DAYS 366
#define CONFLICTS_MAX 100

enum scope { SCOPE_ALL = 0, SCOPE_THIS, SCOPE_FUTURE };

static const char *const create_keys[] = {"title", "start", "end", "timezone", "assignee_ids",
					  "work_item", "status", "notes", "rrule", "exdates",
					  NULL};
/* What one occurrence may change (scope=this). */
static const char *const this_keys[] = {"title", "start", "end", "assignee_ids", "status",
					"notes", NULL};

static const struct tz *entry_zone(struct req *r, const struct entry *en)
{
	const struct tz *z = tz_db_get(r->ctx->tz, en->timezone);
	return z ? z : tz_db_get(r->ctx->tz, "UTC");
}

/* --- rendering --- */

static json_t *render_fields(const struct entry_fields *f, json_t *o)
{
	json_object_set_new(o, "title", json_string(f->title));
	json_object_set_new(o, "status", json_string(entry_status_name(f->status)));
	json_object_set_new(o, "notes", *f->notes ? json_string(f->notes) : json_null());
	json_object_set_new(o, "assignee_ids",
			    json_id_set((const id_t_ *)f->assignee_ids, f->nassignees));
	return o;
}

static json_t *render_work_item(const struct entry *en)
{
	if (!*en->work_type)
		return json_null();
	return json_pack("{s:s, s:s}", "type", en->work_type, "id", en->work_id);
}

static json_t *render_occurrence(const struct entry *en, const struct occurrence *oc,
				 const struct tz *z)
{
	char oid[ID_MAX + 20];
	json_t *o;

	entry_occurrence_id(en, oc->original_start, oid);
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "id", oid, "entry_id", en->id,
		      "original_start", json_instant(oc->original_start, z), "start",
		      json_instant(oc->start, z), "end", json_instant(oc->end, z), "overridden",
		      oc->overridden);
	render_fields(oc->f, o);
	json_object_set_new(o, "work_item", render_work_item(en));
	return o;
}

static json_t *render(struct req *r, const struct entry *en)
{
	const struct tz *z = entry_zone(r, en);
	json_t *o = json_pack("{s:s, s:o, s:o, s:s}", "id", en->id, "start",
			      json_instant(en->start, z), "end", json_instant(en->end, z),
			      "timezone", en->timezone);
	json_t *ex = json_array(), *ov = json_array();
	size_t i;

	render_fields(&en->f, o);
	json_object_set_new(o, "work_item", render_work_item(en));
	json_object_set_new(o, "rrule", en->recurring ? json_string(en->rule.text) : json_null());
	for (i = 0; i < en->nexdates; i++)
		json_array_append_new(ex, json_instant(en->exdates[i], z));
	json_object_set_new(o, "exdates", ex);
	for (i = 0; i < en->noverrides; i++) {
		const struct entry_override *x = &en->overrides[i];
		json_t *j = json_pack("{s:o, s:o, s:o}", "original_start",
				      json_instant(x->original_start, z), "start",
				      json_instant(x->start, z), "end", json_instant(x->end, z));
		json_array_append_new(ov, render_fields(&x->f, j));
	}
	json_object_set_new(o, "overrides", ov);
	json_object_set_new(o, "version", json_integer(en->version));
	json_object_set_new(o, "created_at", json_instant(en->created_at, NULL));
	json_object_set_new(o, "updated_at", json_instant(en->updated_at, NULL));
	return o;
}

/* --- conflicts --- */

struct conflict_ctx {
	struct req *r;
	json_t *list;
	const char *skip_a, *skip_b;	/* the entry's own series ids */
};

static void add_conflict(struct conflict_ctx *cx, const char *kind, const char *id,
			 const char *occurrence_id, const char *provider_id, int64_t start,
			 int64_t end, int64_t own_start, const struct tz *z)
{
	json_t *o;

	if (json_array_size(cx->list) >= CONFLICTS_MAX)
		return;
	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "kind", kind, "id", id, "provider_id",
		      provider_id, "start", json_instant(start, z), "end", json_instant(end, z),
		      "occurrence_start", json_instant(own_start, z));
	if (occurrence_id)
		json_object_set_new(o, "occurrence_id", json_string(occurrence_id));
	json_array_append_new(cx->list, o);
}

/* Conflicts of en's occurrences in [from, from + horizon) with the bookings and other
 * entries of each assignee. */
static int conflicts_of(struct conflict_ctx *cx, const struct entry *en, int64_t from,
			struct err *e)
{
	struct req *r = cx->r;
	const struct tz *z = entry_zone(r, en);
	int64_t to = from + (int64_t)CONFLICT_HORIZON_DAYS * 86400;
	size_t max = entry_occurrence_bound(en, from, to), nocc, i, j, k;
	struct occurrence *occ = arena_alloc(r->arena, max * sizeof(*occ));
	const char *seen[ENTRY_MAX_ASSIGNEES * 4];
	size_t nseen = 0;

	entry_occurrences(en, z, from, to, occ, max, &nocc);
	for (i = 0; i < nocc; i++) {
		const struct entry_fields *f = occ[i].f;
		if (f->status == ENTRY_CANCELLED)
			continue;
		for (j = 0; j < f->nassignees; j++) {
			const char *pid = f->assignee_ids[j];
			struct calendar_src cal;
			size_t s;
			for (s = 0; s < nseen && strcmp(seen[s], pid); s++)
				;
			if (s < nseen || nseen == sizeof(seen) / sizeof(*seen))
				continue;
			seen[nseen++] = pid;
			if (store_calendar_load(r->ctx->store, r->auth.tenant_id, pid, from, to,
						floor_div(from, 86400), floor_div(to, 86400), r->arena,
						&cal, e)) {
				if (e->code == ERR_NOT_FOUND) {
					err_init(e);
					continue;
				}
				return -1;
			}
			/* Every occurrence of this assignee against the assignee's commitments. */
			for (k = 0; k < nocc; k++) {
				size_t b, x;
				if (occ[k].f->status == ENTRY_CANCELLED ||
				    !entry_fields_assigned(occ[k].f, pid))
					continue;
				for (b = 0; b < cal.nbookings; b++)
					if (cal.bookings[b].start < occ[k].end &&
					    cal.bookings[b].end > occ[k].start)
						add_conflict(cx, "booking", cal.bookings[b].id, NULL, pid,
							     cal.bookings[b].start, cal.bookings[b].end,
							     occ[k].start, z);
				for (x = 0; x < cal.nentries; x++) {
					const struct entry *other = &cal.entries[x];
					const struct tz *oz = entry_zone(r, other);
					struct occurrence oo[64];
					size_t no, y;
					if (!strcmp(other->id, cx->skip_a) ||
					    (cx->skip_b && !strcmp(other->id, cx->skip_b)))
						continue;
					entry_occurrences(other, oz, occ[k].start, occ[k].end, oo, 64,
							  &no);
					for (y = 0; y < no; y++) {
						char oid[ID_MAX + 20];
						if (oo[y].f->status == ENTRY_CANCELLED ||
						    !entry_fields_assigned(oo[y].f, pid))
							continue;
						entry_occurrence_id(other, oo[y].original_start, oid);
						add_conflict(cx, "entry", other->id, oid, pid,
							     oo[y].start, oo[y].end, occ[k].start, z);
					}
				}
			}
		}
	}
	return 0;
}

/* Renders en with "conflicts" from from on (other_id's occurrences left out as well) and,
 * for the new series of a split, "split_from". */
static int reply_with_conflicts(struct req *r, unsigned status, const struct entry *en,
				const char *other_id, int64_t from, const char *split_from,
				struct err *e)
{
	struct conflict_ctx cx = {r, json_array(), en->id, other_id};
	json_t *o;

	if (conflicts_of(&cx, en, from, e)) {
		json_decref(cx.list);
		return -1;
	}
	o = render(r, en);
	json_object_set_new(o, "conflicts", cx.list);
	req_set_etag(r, en->version);
	if (split_from)
		json_object_set_new(o, "split_from", json_string(split_from));
	return reply_json(r, status, o);
}

/* --- reading bodies --- */

static entry_id_t *copy_ids(struct arena *a, const entry_id_t *ids, size_t n)
{
	entry_id_t *v = arena_alloc(a, (n + 1) * sizeof(*v));

	if (n)
		memcpy(v, ids, n * sizeof(*v));
	return v;
}

/* The body's assignee_ids (when present) into f, in the order sent (rendered sorted). */
static int get_assignees(struct req *r, json_t *o, struct entry_fields *f, struct err *e)
{
	const char *ids[ENTRY_MAX_ASSIGNEES];
	size_t n = 0, i;
	int got = json_get_ids(o, "", "assignee_ids", "prv", ENTRY_MAX_ASSIGNEES, ids, &n, e);

	if (got <= 0)
		return got;
	if (n == 0) {
		err_field(e, "/assignee_ids", "must name at least one provider");
		return -1;
	}
	f->assignee_ids = arena_alloc(r->arena, n * sizeof(*f->assignee_ids));
	for (i = 0; i < n; i++)
		snprintf(f->assignee_ids[i], ID_MAX, "%s", ids[i]);
	f->nassignees = n;
	return 1;
}

/* title, status and notes when present. */
static void get_text_fields(json_t *o, struct entry_fields *f, bool create, struct err *e)
{
	char status[24];
	int got;

	got = json_get_str(o, "", "title", ENTRY_TITLE_MAX, f->title, sizeof(f->title), e);
	if (got == 0 && create)
		json_required("", "title", e);
	else if (got > 0 && !*f->title)
		err_field(e, "/title", "must not be empty");
	json_get_str(o, "", "notes", ENTRY_NOTES_MAX, f->notes, sizeof(f->notes), e);
	if (json_is_null_at(o, "notes"))
		f->notes[0] = '\0';
	if (json_get_str(o, "", "status", sizeof(status) - 1, status, sizeof(status), e) > 0 &&
	    entry_status_parse(status, &f->status))
		err_field(e, "/status",
			  "must be one of scheduled, tentative, in_progress, completed, cancelled");
}

static void get_work_item(json_t *o, struct entry *en, struct err *e)
{
	static const char *const keys[] = {"type", "id", NULL};
	json_t *w = json_object_get(o, "work_item");

	if (!w)
		return;
	if (json_is_null(w)) {
		en->work_type[0] = en->work_id[0] = '\0';
		return;
	}
	if (!json_is_object(w)) {
		err_field(e, "/work_item", "must be an object {type, id} or null");
		return;
	}
	json_only_keys(w, "/work_item", keys, e);
	if (json_get_str(w, "/work_item", "type", ENTRY_WORK_TYPE_MAX, en->work_type,
			 sizeof(en->work_type), e) == 0)
		json_required("/work_item", "type", e);
	else if (!*en->work_type)
		err_field(e, "/work_item/type", "must not be empty");
	if (json_get_str(w, "/work_item", "id", ENTRY_WORK_ID_MAX, en->work_id,
			 sizeof(en->work_id), e) == 0)
		json_required("/work_item", "id", e);
	else if (!*en->work_id)
		err_field(e, "/work_item/id", "must not be empty");
}

/* start and end when present; a new start alone keeps the duration. */
static void get_times(json_t *o, int64_t *start, int64_t *end, struct err *e)
{
	int64_t dur = *end - *start;
	int has_start = json_get_instant(o, "", "start", start, e);
	int has_end = json_get_instant(o, "", "end", end, e);

	if (has_start > 0 && has_end == 0)
		*end = *start + dur;
	if (has_start < 0 || has_end < 0)
		return;
	if (*end <= *start)
		err_field(e, "/end", "must be after start");
	else if (*end - *start > ENTRY_MAX_SECONDS)
		err_field(e, "/end", "an occurrence may last at most 7 days");
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Re-anchors the series at wall time anchor (its start's wall time in z; the rule's own wall
 * time when the start is unchanged, which differs in a DST gap): parses rule_text (NULL = not
 * recurring) and keeps the exdates and overrides that are still occurrences. */
static int rebuild_series(struct entry *en, const struct tz *z, const char *rule_text,
			  int64_t anchor, struct err *e)
{
	size_t i, k;

	en->recurring = rule_text != NULL;
	if (rule_text && tz_to_utc(z, anchor) != en->start)
		return err_field(e, "/start",
				 "is the second instance of a local time that occurs twice (DST"
				 " ends); a recurring series starts at the first");
	if (rule_text) {
		char text[RECUR_TEXT_MAX];
		snprintf(text, sizeof(text), "%s", rule_text);
		if (recur_parse(text, anchor, z, "/rrule", "/start", &en->rule, e))
			return -1;
	}
	for (i = k = 0; i < en->nexdates; i++)
		if (en->recurring && entry_is_occurrence(en, z, en->exdates[i]))
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
	for (i = k = 0; i < en->noverrides; i++)
		if (en->recurring && entry_is_occurrence(en, z, en->overrides[i].original_start))
			en->overrides[k++] = en->overrides[i];
	en->noverrides = k;
	return 0;
}

/* The body's exdates (replacing the list): each must be an occurrence. */
static void get_exdates(struct req *r, json_t *o, struct entry *en, const struct tz *z,
			struct err *e)
{
	json_t *ex = json_object_get(o, "exdates"), *v;
	size_t i, k;

	if (!ex || json_is_null(ex))
		return;
	if (!json_is_array(ex) || json_array_size(ex) > ENTRY_MAX_EXDATES) {
		err_field(e, "/exdates", "must be an array of at most %d instants",
			  ENTRY_MAX_EXDATES);
		return;
	}
	if (json_array_size(ex) && !en->recurring) {
		err_field(e, "/exdates", "needs an rrule: only a recurring entry has occurrences"
					 " to exclude");
		return;
	}
	en->exdates = arena_alloc(r->arena, (json_array_size(ex) + 1) * sizeof(*en->exdates));
	en->nexdates = 0;
	json_array_foreach(ex, i, v) {
		char ptr[32];
		int64_t t;
		snprintf(ptr, sizeof(ptr), "/exdates/%zu", i);
		if (!json_is_string(v) || rfc3339_parse(json_string_value(v), &t)) {
			err_field(e, ptr, "must be an RFC 3339 date-time");
			continue;
		}
		if (!entry_is_occurrence(en, z, t)) {
			err_field(e, ptr, "is not an occurrence of the series");
			continue;
		}
		en->exdates[en->nexdates++] = t;
	}
	qsort(en->exdates, en->nexdates, sizeof(*en->exdates), cmp_i64);
	for (i = k = 0; i < en->nexdates; i++)
		if (k == 0 || en->exdates[k - 1] != en->exdates[i])
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
}

/* The rule text the body asks for: the stored one when absent, NULL when null. */
static const char *body_rule(struct req *r, json_t *o, const struct entry *en, struct err *e)
{
	json_t *v = json_object_get(o, "rrule");

	if (!v)
		return en->recurring ? arena_strndup(r->arena, en->rule.text, strlen(en->rule.text))
				     : NULL;
	if (json_is_null(v))
		return NULL;
	if (!json_is_string(v) || !*json_string_value(v)) {
		err_field(e, "/rrule", "must be an RRULE string or null");
		return NULL;
	}
	if (strlen(json_string_value(v)) > RECUR_INPUT_MAX) {
		err_field(e, "/rrule", "must be at most %d characters", RECUR_INPUT_MAX);
		return NULL;
	}
	return json_string_value(v);
}

/* Applies the series-level fields of body o to en (scope all, or the new series of future). */
static int apply_series(struct req *r, json_t *o, struct entry *en, struct err *e)
{
	int64_t start = en->start;
	char zone[TZ_NAME_MAX];
	const struct tz *z;
	const char *rule;

	memcpy(zone, en->timezone, sizeof(zone));
	json_get_zone(o, "", "timezone", r->ctx->tz, en->timezone, e);
	get_text_fields(o, &en->f, false, e);
	get_assignees(r, o, &en->f, e);
	get_work_item(o, en, e);
	get_times(o, &en->start, &en->end, e);
	rule = body_rule(r, o, en, e);
	if (e->code)
		return -1;
	z = entry_zone(r, en);
	if (rebuild_series(en, z, rule,
			   en->recurring && en->start == start && !strcmp(zone, en->timezone)
				   ? en->rule.dtstart
				   : tz_to_wall(z, en->start),
			   e))
		return -1;
	get_exdates(r, o, en, z, e);
	return e->code ? -1 : 0;
}

/* --- create, read, list --- */

int h_entry_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct entry en;
	const char *rule;
	const struct tz *z;

	memset(&en, 0, sizeof(en));
	json_only_keys(o, "", create_keys, e);
	get_text_fields(o, &en.f, true, e);
	if (get_assignees(r, o, &en.f, e) == 0)
		json_required("", "assignee_ids", e);
	get_work_item(o, &en, e);
	if (json_get_instant(o, "", "start", &en.start, e) == 0)
		json_required("", "start", e);
	if (json_get_instant(o, "", "end", &en.end, e) == 0)
		json_required("", "end", e);
	json_get_zone(o, "", "timezone", r->ctx->tz, en.timezone, e);
	rule = body_rule(r, o, &en, e);
	if (e->code)
		return -1;
	if (en.end <= en.start)
		return err_field(e, "/end", "must be after start");
	if (en.end - en.start > ENTRY_MAX_SECONDS)
		return err_field(e, "/end", "an occurrence may last at most 7 days");
	if (!*en.timezone) {
		/* Default: the first assignee's zone. */
		const struct tz *pz = provider_zone(r, en.f.assignee_ids[0]);
		snprintf(en.timezone, sizeof(en.timezone), "%s", pz ? tz_name(pz) : "UTC");
	}
	z = entry_zone(r, &en);
	if (rebuild_series(&en, z, rule, tz_to_wall(z, en.start), e))
		return -1;
	get_exdates(r, o, &en, z, e);
	if (e->code)
		return -1;
	id_new(en.id, "ent");
	en.version = 1;
	en.created_at = en.updated_at = r->now;
	if (store_entry_create(r->ctx->store, r->auth.tenant_id, &en, entry_span_end(&en, z), e))
		return -1;
	return reply_with_conflicts(r, 201, &en, NULL, en.start, NULL, e);
}

int h_entry_get(struct req *r, struct err *e)
{
	struct entry en;
	const char *id;
	bool ics;

	if (path_id_ics(r, 0, "ent", &id, &ics, e) ||
	    store_entry_get(r->ctx->store, r->auth.tenant_id, id, r->arena, &en, e))
		return -1;
	if (ics)
		return reply_calendar(r, entry_ics(&en, entry_zone(r, &en),
						   tz_db_vtimezone(r->ctx->tz, en.timezone, en.start),
						   r->now));
	req_set_etag(r, en.version);
	return reply_json(r, 200, render(r, &en));
}

static const char *entry_id_of(const void *row)
{
	return ((const struct entry *)row)->id;
}

int h_entry_list(struct req *r, struct err *e)
{
	const char *assignee = req_query(r, "assignee_id");
	struct entry *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (assignee && !id_valid(assignee, "prv"))
		return err_field_code(e, ERR_INVALID, "assignee_id", "must be a provider id");
	if (page_from_query(r, "ent", &pg, e) ||
	    store_entry_list(r->ctx->store, r->auth.tenant_id, assignee, pg, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render(r, &v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? entry_id_of(&v[n - 2]) : NULL));
}

int h_entry_occurrences(struct req *r, struct err *e)
{
	struct entry en;
	const struct tz *z;
	struct occurrence *occ;
	int64_t from, to;
	size_t max, n, i;
	json_t *list;
	const char *id;

	if (path_id(r, 0, "ent", &id, e) ||
	    store_entry_get(r->ctx->store, r->auth.tenant_id, id, r->arena, &en, e))
		return -1;
	z = entry_zone(r, &en);
	if (query_window(r, z, OCCURRENCE_WINDOW_DAYS, &from, &to, e))
		return -1;
	max = entry_occurrence_bound(&en, from, to);
	occ = arena_alloc(r->arena, max * sizeof(*occ));
	if (entry_occurrences(&en, z, from, to, occ, max, &n) == RECUR_BUDGET)
		return err_set(e, ERR_RANGE, "the rule takes too long to expand; ask for less");
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, render_occurrence(&en, &occ[i], z));
	return reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "entry_id", en.id, "timezone",
					    en.timezone, "occurrences", list));
}

/* --- scoped edits --- */

struct edit_ctx {
	struct req *r;
	json_t *body;			/* NULL for a delete */
	enum scope scope;
	int64_t occurrence;		/* the occurrence's original start */
	bool has_occurrence;
	struct entry *split;		/* the new series of scope=future */
	int64_t conflicts_from;
	const char *freed[ENTRY_MAX_ASSIGNEES * 2];	/* assignees before the edit */
	size_t nfreed;
};

static void note_assignees(struct edit_ctx *cx, const struct entry_fields *f)
{
	size_t i, k;

	for (i = 0; i < f->nassignees; i++) {
		for (k = 0; k < cx->nfreed && strcmp(cx->freed[k], f->assignee_ids[i]); k++)
			;
		if (k == cx->nfreed && cx->nfreed < sizeof(cx->freed) / sizeof(*cx->freed))
			cx->freed[cx->nfreed++] =
				arena_strndup(cx->r->arena, f->assignee_ids[i], ID_MAX);
	}
}

/* Time the edit may have freed goes to the waitlist of each former assignee. */
static void offer_freed_time(struct edit_ctx *cx)
{
	size_t i;

	for (i = 0; i < cx->nfreed; i++)
		waitlist_time_freed(cx->r, cx->freed[i], cx->r->now, cx->r->now + 400LL * 86400);
}

static int parse_scope(struct req *r, struct edit_ctx *cx, struct err *e)
{
	const char *s = req_query(r, "scope");
	const char *occ = req_query(r, "occurrence");

	cx->scope = SCOPE_ALL;
	if (s && !strcmp(s, "this"))
		cx->scope = SCOPE_THIS;
	else if (s && !strcmp(s, "future"))
		cx->scope = SCOPE_FUTURE;
	else if (s && strcmp(s, "all"))
		return err_field_code(e, ERR_INVALID, "scope", "must be this, future or all");
	if (occ) {
		if (rfc3339_parse(occ, &cx->occurrence))
			return err_field_code(e, ERR_INVALID, "occurrence",
					      "must be the occurrence's original start (RFC 3339)");
		cx->has_occurrence = true;
	}
	if (cx->scope != SCOPE_ALL && !cx->has_occurrence)
		return err_field_code(e, ERR_INVALID, "occurrence",
				      "is required with scope=this or scope=future: the"
				      " occurrence's original start");
	return 0;
}

/* Checks that the occurrence names a live occurrence of en. */
static int check_occurrence(struct edit_ctx *cx, const struct entry *en, const struct tz *z,
			    struct err *e)
{
	if (!entry_is_occurrence(en, z, cx->occurrence) || entry_is_excluded(en, cx->occurrence))
		return err_field_code(e, ERR_INVALID, "occurrence",
				      "is not an occurrence of entry %s", en->id);
	return 0;
}

/* Inserts or replaces one override, keeping them ordered by original start. */
static void put_override(struct arena *a, struct entry *en, const struct entry_override *o)
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

static void drop_override(struct entry *en, int64_t original)
{
	struct entry_override *at = entry_override_at(en, original);

	if (at) {
		size_t i = (size_t)(at - en->overrides);
		memmove(at, at + 1, (en->noverrides - i - 1) * sizeof(*at));
		en->noverrides--;
	}
}

static void add_exdate(struct arena *a, struct entry *en, int64_t original)
{
	int64_t *v = arena_alloc(a, (en->nexdates + 1) * sizeof(*v));

	if (en->nexdates)
		memcpy(v, en->exdates, en->nexdates * sizeof(*v));
	v[en->nexdates++] = original;
	qsort(v, en->nexdates, sizeof(*v), cmp_i64);
	en->exdates = v;
}

/* scope=this on a recurring series: an override (edit) or an exclusion (delete). */
static int edit_this(struct edit_ctx *cx, struct entry *en, const struct tz *z, struct err *e)
{
	struct req *r = cx->r;
	struct entry_override o, *cur = entry_override_at(en, cx->occurrence);

	if (!cx->body) {
		if (en->nexdates >= ENTRY_MAX_EXDATES)
			return err_field_code(e, ERR_CONFLICT, "occurrence",
					      "the series already leaves out %d occurrences; change"
					      " the rule instead",
					      ENTRY_MAX_EXDATES);
		drop_override(en, cx->occurrence);
		add_exdate(r->arena, en, cx->occurrence);
		return 0;
	}
	if (!cur && en->noverrides >= ENTRY_MAX_OVERRIDES)
		return err_field_code(e, ERR_CONFLICT, "occurrence",
				      "the series already has %d changed occurrences; change the"
				      " series instead",
				      ENTRY_MAX_OVERRIDES);
	{
		const char *key;
		json_t *v;
		json_object_foreach(cx->body, key, v) {
			size_t i;
			char ptr[80];
			for (i = 0; this_keys[i] && strcmp(this_keys[i], key); i++)
				;
			snprintf(ptr, sizeof(ptr), "/%s", key);
			if (!this_keys[i])
				err_field(e, ptr,
					  "cannot change for one occurrence (scope=this); use"
					  " scope=all or scope=future");
		}
		if (e->code)
			return -1;
	}
	if (cur) {
		o = *cur;
	} else {
		o.original_start = cx->occurrence;
		o.start = cx->occurrence;
		o.end = cx->occurrence + (en->end - en->start);
		o.f = en->f;
	}
	o.f.assignee_ids = copy_ids(r->arena, o.f.assignee_ids, o.f.nassignees);
	get_text_fields(cx->body, &o.f, false, e);
	get_assignees(r, cx->body, &o.f, e);
	get_times(cx->body, &o.start, &o.end, e);
	if (e->code)
		return -1;
	put_override(r->arena, en, &o);
	(void)z;
	cx->conflicts_from = o.start < o.original_start ? o.start : o.original_start;
	return 0;
}

/* scope=future from a later occurrence: end the series before it, start a new one there. */
static int edit_future(struct edit_ctx *cx, struct entry *en, const struct tz *z, struct err *e)
{
	struct req *r = cx->r;
	int64_t at = cx->occurrence, wall;
	struct entry *nx = arena_alloc(r->arena, sizeof(*nx));
	size_t i, k;

	/* The rule's wall time of the occurrence: in a DST gap it is earlier than the local
	 * time of the instant, and the new series must keep it. */
	if (!entry_occurrence_wall(en, z, at, &wall))
		wall = tz_to_wall(z, at);

	/* The new series: the old one from the occurrence on. */
	*nx = *en;
	id_new(nx->id, "ent");
	nx->start = at;
	nx->end = at + (en->end - en->start);
	nx->version = 1;
	nx->created_at = nx->updated_at = r->now;
	nx->f.assignee_ids = copy_ids(r->arena, en->f.assignee_ids, en->f.nassignees);
	if (strstr(en->rule.text, "COUNT=") && en->rule.last != RECUR_OPEN)
		recur_end_before(&nx->rule, en->rule.last + 1, z);
	nx->rule.dtstart = wall;
	nx->exdates = arena_alloc(r->arena, (en->nexdates + 1) * sizeof(*nx->exdates));
	for (i = k = 0; i < en->nexdates; i++)
		if (en->exdates[i] >= at)
			nx->exdates[k++] = en->exdates[i];
	nx->nexdates = k;
	nx->overrides = arena_alloc(r->arena, (en->noverrides + 1) * sizeof(*nx->overrides));
	for (i = k = 0; i < en->noverrides; i++)
		if (en->overrides[i].original_start >= at)
			nx->overrides[k++] = en->overrides[i];
	nx->noverrides = k;

	/* The old series ends before it. */
	recur_end_before(&en->rule, wall, z);
	for (i = k = 0; i < en->nexdates; i++)
		if (en->exdates[i] < at)
			en->exdates[k++] = en->exdates[i];
	en->nexdates = k;
	for (i = k = 0; i < en->noverrides; i++)
		if (en->overrides[i].original_start < at)
			en->overrides[k++] = en->overrides[i];
	en->noverrides = k;

	if (!cx->body)
		return 0;
	/* The new series takes the body; its rule is re-anchored at its start. */
	if (apply_series(r, cx->body, nx, e))
		return -1;
	cx->split = nx;
	cx->conflicts_from = nx->start;
	return 0;
}

static int edit_entry(void *ctx, struct entry *en, struct arena *a, struct entry_write *w,
		      int64_t *span_end, int64_t *split_span_end, struct err *e)
{
	struct edit_ctx *cx = ctx;
	const struct tz *z = entry_zone(cx->r, en);
	enum scope scope = cx->scope;

	size_t i;

	(void)a;
	if (cx->has_occurrence && check_occurrence(cx, en, z, e))
		return -1;
	cx->nfreed = 0;
	note_assignees(cx, &en->f);
	for (i = 0; i < en->noverrides; i++)
		note_assignees(cx, &en->overrides[i].f);
	/* A one-off entry, or the first occurrence with scope=future, is the whole series. */
	if (!en->recurring || (scope == SCOPE_FUTURE && cx->occurrence == en->start))
		scope = SCOPE_ALL;
	cx->conflicts_from = en->start;
	if (scope == SCOPE_ALL) {
		if (!cx->body) {
			w->delete_series = true;
			return 0;
		}
		if (apply_series(cx->r, cx->body, en, e))
			return -1;
		cx->conflicts_from = en->start;
	} else if (scope == SCOPE_THIS) {
		if (edit_this(cx, en, z, e))
			return -1;
	} else {
		if (edit_future(cx, en, z, e))
			return -1;
		if (cx->split) {
			w->split = cx->split;
			*split_span_end = entry_span_end(cx->split, entry_zone(cx->r, cx->split));
		}
	}
	*span_end = entry_span_end(en, z);
	return 0;
}

int h_entry_patch(struct req *r, struct err *e)
{
	struct edit_ctx cx = {.r = r, .body = r->json};
	struct entry en;
	const char *id;
	int if_match;

	if (path_id(r, 0, "ent", &id, e) || parse_scope(r, &cx, e) || req_if_match(r, &if_match, e))
		return -1;
	if (json_only_keys(r->json, "", create_keys, e))
		return -1;
	if (store_entry_update(r->ctx->store, r->auth.tenant_id, id, if_match, edit_entry, &cx,
			       r->now, r->arena, &en, e))
		return -1;
	offer_freed_time(&cx);
	if (cx.split)
		/* The reply is the new series; the old one now ends before it. */
		return reply_with_conflicts(r, 200, cx.split, en.id, cx.conflicts_from, en.id, e);
	return reply_with_conflicts(r, 200, &en, NULL, cx.conflicts_from, NULL, e);
}

int h_entry_delete(struct req *r, struct err *e)
{
	struct edit_ctx cx = {.r = r};
	struct entry en;
	const char *id;
	int if_match;

	if (path_id(r, 0, "ent", &id, e) || parse_scope(r, &cx, e) || req_if_match(r, &if_match, e) ||
	    store_entry_update(r->ctx->store, r->auth.tenant_id, id, if_match, edit_entry, &cx,
			       r->now, r->arena, &en, e))
		return -1;
	offer_freed_time(&cx);
	return reply_no_content(r);
}
