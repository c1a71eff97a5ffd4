/* /v1/entries: schedule entries (dispatch, meetings) with assignees, recurring by RRULE,
 * edited and deleted per occurrence (scope=this), from an occurrence on (scope=future) or
 * as a whole (scope=all). Writes answer with the conflicts the entry has with bookings and
 * other entries of its assignees (src/usecase/uc_entries.c). */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "util/ids.h"

#define OCCURRENCE_WINDOW_DAYS 366

static const char *const create_keys[] = {"title", "start", "end", "timezone", "assignee_ids",
					  "work_item", "status", "notes", "rrule", "exdates",
					  NULL};

/* --- reading bodies --- */

/* The body's assignee_ids (when present), in the order sent (rendered sorted). */
static void get_assignees(struct req *r, json_t *o, struct entry_patch *p, bool create,
			  struct err *e)
{
	const char *ids[ENTRY_MAX_ASSIGNEES];
	size_t n = 0, i;
	int got = json_get_ids(o, "", "assignee_ids", "prv", ENTRY_MAX_ASSIGNEES, ids, &n, e);

	if (got == 0 && create)
		json_required("", "assignee_ids", e);
	if (got <= 0)
		return;
	if (n == 0) {
		err_field(e, "/assignee_ids", "must name at least one provider");
		return;
	}
	p->f.assignee_ids = arena_alloc(r->arena, n * sizeof(*p->f.assignee_ids));
	for (i = 0; i < n; i++)
		snprintf(p->f.assignee_ids[i], ID_MAX, "%s", ids[i]);
	p->f.nassignees = n;
	p->set |= ENTRY_F_ASSIGNEES;
}

/* title, status and notes when present. */
static void get_text_fields(json_t *o, struct entry_patch *p, bool create, struct err *e)
{
	char status[24];
	int got;

	got = json_get_str(o, "", "title", ENTRY_TITLE_MAX, p->f.title, sizeof(p->f.title), e);
	if (got == 0 && create)
		json_required("", "title", e);
	else if (got > 0 && !*p->f.title)
		err_field(e, "/title", "must not be empty");
	else if (got > 0)
		p->set |= ENTRY_F_TITLE;
	if (json_is_null_at(o, "notes")) {
		p->f.notes[0] = '\0';
		p->set |= ENTRY_F_NOTES;
	} else if (json_get_str(o, "", "notes", ENTRY_NOTES_MAX, p->f.notes, sizeof(p->f.notes),
				e) > 0) {
		p->set |= ENTRY_F_NOTES;
	}
	if (json_get_str(o, "", "status", sizeof(status) - 1, status, sizeof(status), e) > 0) {
		if (entry_status_parse(status, &p->f.status))
			err_field(e, "/status", "must be one of scheduled, tentative, in_progress,"
						" completed, cancelled");
		else
			p->set |= ENTRY_F_STATUS;
	}
}

static void get_work_item(json_t *o, struct entry_patch *p, struct err *e)
{
	static const char *const keys[] = {"type", "id", NULL};
	json_t *w = json_object_get(o, "work_item");

	if (!w)
		return;
	p->set |= ENTRY_F_WORK_ITEM;
	if (json_is_null(w))
		return;
	if (!json_is_object(w)) {
		err_field(e, "/work_item", "must be an object {type, id} or null");
		return;
	}
	json_only_keys(w, "/work_item", keys, e);
	if (json_get_str(w, "/work_item", "type", ENTRY_WORK_TYPE_MAX, p->work_type,
			 sizeof(p->work_type), e) == 0)
		json_required("/work_item", "type", e);
	else if (!*p->work_type)
		err_field(e, "/work_item/type", "must not be empty");
	if (json_get_str(w, "/work_item", "id", ENTRY_WORK_ID_MAX, p->work_id, sizeof(p->work_id),
			 e) == 0)
		json_required("/work_item", "id", e);
	else if (!*p->work_id)
		err_field(e, "/work_item/id", "must not be empty");
}

static void get_times(json_t *o, struct entry_patch *p, bool create, struct err *e)
{
	int got = json_get_instant(o, "", "start", &p->start, e);

	if (got == 0 && create)
		json_required("", "start", e);
	else if (got > 0)
		p->set |= ENTRY_F_START;
	got = json_get_instant(o, "", "end", &p->end, e);
	if (got == 0 && create)
		json_required("", "end", e);
	else if (got > 0)
		p->set |= ENTRY_F_END;
}

/* rrule: a string (the rule), null (not recurring) or absent (unchanged). */
static void get_rule(json_t *o, struct entry_patch *p, struct err *e)
{
	json_t *v = json_object_get(o, "rrule");

	if (!v)
		return;
	if (json_is_null(v)) {
		p->set |= ENTRY_F_RRULE;
		return;
	}
	if (!json_is_string(v) || !*json_string_value(v)) {
		err_field(e, "/rrule", "must be an RRULE string or null");
		return;
	}
	if (strlen(json_string_value(v)) > RECUR_INPUT_MAX) {
		err_field(e, "/rrule", "must be at most %d characters", RECUR_INPUT_MAX);
		return;
	}
	p->rrule = json_string_value(v);
	p->set |= ENTRY_F_RRULE;
}

/* exdates: the list replacing the series' exclusions (each checked as an instant here, as
 * an occurrence by the use case). */
static void get_exdates(struct req *r, json_t *o, struct entry_patch *p, struct err *e)
{
	json_t *ex = json_object_get(o, "exdates"), *v;
	int64_t *out;
	size_t i;

	if (!ex || json_is_null(ex))
		return;
	if (!json_is_array(ex) || json_array_size(ex) > ENTRY_MAX_EXDATES) {
		err_field(e, "/exdates", "must be an array of at most %d instants",
			  ENTRY_MAX_EXDATES);
		return;
	}
	out = arena_alloc(r->arena, (json_array_size(ex) + 1) * sizeof(*out));
	json_array_foreach(ex, i, v) {
		char ptr[32];
		snprintf(ptr, sizeof(ptr), "/exdates/%zu", i);
		if (!json_is_string(v) || rfc3339_parse(json_string_value(v), &out[i]))
			err_field(e, ptr, "must be an RFC 3339 date-time");
	}
	p->exdates = out;
	p->nexdates = json_array_size(ex);
	p->set |= ENTRY_F_EXDATES;
}

/* The body as an entry patch (creating: title, start, end and assignee_ids required). */
static int parse(struct req *r, struct entry_patch *p, bool create, struct err *e)
{
	json_t *o = r->json;

	memset(p, 0, sizeof(*p));
	json_only_keys(o, "", create_keys, e);
	get_text_fields(o, p, create, e);
	get_assignees(r, o, p, create, e);
	get_work_item(o, p, e);
	get_times(o, p, create, e);
	if (json_get_zone(o, "", "timezone", r->ctx->env.tz, p->timezone, e) > 0)
		p->set |= ENTRY_F_TIMEZONE;
	get_rule(o, p, e);
	get_exdates(r, o, p, e);
	return e->code ? -1 : 0;
}

/* --- replies --- */

static int reply_entry(struct req *r, unsigned status, const struct uc_entry *out)
{
	json_t *o = wire_entry(out->entry, out->zone);

	json_object_set_new(o, "conflicts",
			    wire_conflicts(out->conflicts, out->nconflicts, out->zone));
	req_set_etag(r, out->entry->version);
	if (out->split_from)
		json_object_set_new(o, "split_from", json_string(out->split_from));
	return reply_json(r, status, o);
}

int h_entry_create(struct req *r, struct err *e)
{
	struct entry_patch p;
	struct uc_entry out;

	if (parse(r, &p, true, e) || uc_entry_create(&r->uc, &p, &out, e))
		return -1;
	return reply_entry(r, 201, &out);
}

int h_entry_get(struct req *r, struct err *e)
{
	const struct tz *z;
	struct entry en;
	const char *id;
	bool ics;

	if (path_id_ics(r, 0, "ent", &id, &ics, e) || uc_entry_get(&r->uc, id, &en, &z, e))
		return -1;
	if (ics)
		return reply_calendar(r, entry_ics(&en, z,
						   tz_db_vtimezone(r->ctx->env.tz, en.timezone,
								   en.start),
						   r->now));
	req_set_etag(r, en.version);
	return reply_json(r, 200, wire_entry(&en, z));
}

int h_entry_list(struct req *r, struct err *e)
{
	const char *assignee = req_query(r, "assignee_id");
	const struct tz **zones;
	struct entry *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (assignee && !id_valid(assignee, "prv"))
		return err_field_code(e, ERR_INVALID, "assignee_id", "must be a provider id");
	if (page_from_query(r, "ent", &pg, e) ||
	    uc_entry_list(&r->uc, assignee, pg, &v, &zones, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_entry(&v[i], zones[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_entry_occurrences(struct req *r, struct err *e)
{
	struct occurrence *occ;
	const struct tz *z;
	struct entry en;
	int64_t from, to;
	const char *id;
	json_t *list;
	size_t n, i;

	if (path_id(r, 0, "ent", &id, e) || uc_entry_get(&r->uc, id, &en, &z, e) ||
	    query_window(r, z, OCCURRENCE_WINDOW_DAYS, &from, &to, e) ||
	    entry_occurrences_all(&en, z, from, to, r->arena, &occ, &n, e))
		return -1;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, wire_occurrence(&en, &occ[i], z));
	return reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "entry_id", en.id, "timezone",
					    en.timezone, "occurrences", list));
}

/* --- scoped edits --- */

/* ?scope=this|future|all and ?occurrence= (the occurrence's original start, required with
 * this and future). */
static int parse_scope(struct req *r, enum uc_scope *scope, int64_t *occurrence, bool *has,
		       struct err *e)
{
	const char *s = req_query(r, "scope");
	const char *occ = req_query(r, "occurrence");

	*scope = UC_SCOPE_ALL;
	*has = false;
	if (s && !strcmp(s, "this"))
		*scope = UC_SCOPE_THIS;
	else if (s && !strcmp(s, "future"))
		*scope = UC_SCOPE_FUTURE;
	else if (s && strcmp(s, "all"))
		return err_field_code(e, ERR_INVALID, "scope", "must be this, future or all");
	if (occ) {
		if (rfc3339_parse(occ, occurrence))
			return err_field_code(e, ERR_INVALID, "occurrence",
					      "must be the occurrence's original start (RFC 3339)");
		*has = true;
	}
	if (*scope != UC_SCOPE_ALL && !*has)
		return err_field_code(e, ERR_INVALID, "occurrence",
				      "is required with scope=this or scope=future: the"
				      " occurrence's original start");
	return 0;
}

static int edit(struct req *r, bool patch, struct err *e)
{
	enum uc_scope scope;
	struct entry_patch p;
	struct uc_entry out;
	int64_t occurrence;
	const char *id;
	int if_match;
	bool has;

	if (path_id(r, 0, "ent", &id, e) || parse_scope(r, &scope, &occurrence, &has, e) ||
	    req_if_match(r, &if_match, e) || (patch && parse(r, &p, false, e)) ||
	    uc_entry_edit(&r->uc, id, scope, has ? &occurrence : NULL, if_match,
			  patch ? &p : NULL, &out, e))
		return -1;
	return patch ? reply_entry(r, 200, &out) : reply_no_content(r);
}

int h_entry_patch(struct req *r, struct err *e)
{
	return edit(r, true, e);
}

int h_entry_delete(struct req *r, struct err *e)
{
	return edit(r, false, e);
}
