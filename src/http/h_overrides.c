/* /v1/providers/{id}/overrides: date exceptions (closed days, custom hours, ranges), once or
 * recurring by an RRULE from a first date ("closed every first Monday"). */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

#define OVERRIDE_MAX_DAYS 366

static const char *const override_keys[] = {"date", "from", "to", "intervals", "note",
					    "rrule", NULL};

/* The body's date fields: a date, or from and to. */
struct override_dates {
	bool has_date, has_from, has_to;
	int64_t date, from, to;
};

/* Sets rec's span from d and rec->rrule (raw, "" for none) as a POST does: a date, a range of
 * at most OVERRIDE_MAX_DAYS, or a rule from its first date (canonicalised into rec->rrule). */
static int override_span(struct override_rec *rec, const struct override_dates *d,
			 struct err *e)
{
	if (d->has_date && (d->has_from || d->has_to))
		return err_field(e, "/date", "send either date or from and to, not both");
	if (*rec->rrule) {
		struct recur rule;
		if (!d->has_date || d->has_from || d->has_to)
			return err_field(e, "/date",
					 "is required with rrule: the first date it applies on"
					 " (not from and to)");
		rec->ov.from_day = d->date;
		if (recur_parse(rec->rrule, d->date * 86400, NULL, "/rrule", "/date", &rule, e))
			return -1;
		snprintf(rec->rrule, sizeof(rec->rrule), "%s", rule.text);
		rec->ov.to_day = rule.last == RECUR_OPEN ? CIVIL_MAX_DAY
							 : floor_div(rule.last, 86400);
		return 0;
	}
	if (d->has_date) {
		rec->ov.from_day = rec->ov.to_day = d->date;
		return 0;
	}
	if (!d->has_from || !d->has_to)
		return err_field(e, d->has_from ? "/to" : "/date",
				 "is required: a date, or from and to for a range");
	if (d->to < d->from)
		return err_field(e, "/to", "must not be before from");
	if (d->to - d->from >= OVERRIDE_MAX_DAYS)
		return err_field(e, "/to", "a range may span at most %d days", OVERRIDE_MAX_DAYS);
	rec->ov.from_day = d->from;
	rec->ov.to_day = d->to;
	return 0;
}

/* The rrule member: 1 with a rule in rec->rrule, 0 when absent, null (rec->rrule "") or
 * bad. */
static int get_rrule(json_t *o, struct override_rec *rec, struct err *e)
{
	int got = json_get_str(o, "", "rrule", RECUR_INPUT_MAX, rec->rrule, sizeof(rec->rrule), e);

	if (json_is_null_at(o, "rrule"))
		rec->rrule[0] = '\0';
	if (got > 0 && !*rec->rrule)
		err_field(e, "/rrule", "must not be empty (send null for a one-off)");
	return got > 0 && *rec->rrule;
}

/* override_parse where intervals may name service_ids (recorded in named) unless named is
 * NULL. */
static int parse_override(json_t *o, struct named_services *named, struct override_rec *out,
			  struct err *e)
{
	struct override_dates d;
	struct override_rec rec;

	memset(&rec, 0, sizeof(rec));
	json_only_keys(o, "", override_keys, e);
	d.has_date = json_get_date(o, "", "date", &d.date, e) == 1;
	d.has_from = json_get_date(o, "", "from", &d.from, e) == 1;
	d.has_to = json_get_date(o, "", "to", &d.to, e) == 1;
	if (named)
		json_get_hours_services(o, "", "intervals", named, &rec.ov.hours, e);
	else
		json_get_hours(o, "", "intervals", &rec.ov.hours, e);
	json_get_str(o, "", "note", NOTE_MAX_LEN, rec.note, sizeof(rec.note), e);
	if (e->code)
		return -1;
	get_rrule(o, &rec, e);
	if (e->code || override_span(&rec, &d, e))
		return -1;
	*out = rec;
	return 0;
}

int override_parse(json_t *o, struct override_rec *out, struct err *e)
{
	return parse_override(o, NULL, out, e);
}

int h_override_create(struct req *r, struct err *e)
{
	struct named_services named = {r->arena, 0, 0, NULL, NULL};
	struct override_rec rec;
	const char *pid;

	if (path_id(r, 0, "prv", &pid, e) || parse_override(r->json, &named, &rec, e))
		return -1;
	snprintf(rec.provider_id, sizeof(rec.provider_id), "%s", pid);
	if (uc_services_exist(&r->uc, named.ids, named.pointers, named.n, e) ||
	    uc_override_create(&r->uc, &rec, e))
		return -1;
	return reply_json(r, 201, wire_override(&rec));
}

/* The date fields of override was as a POST would have sent them. */
static void dates_of(const struct override_rec *was, struct override_dates *d)
{
	memset(d, 0, sizeof(*d));
	d->date = d->from = was->ov.from_day;
	d->to = was->ov.to_day;
	if (*was->rrule || was->ov.from_day == was->ov.to_day)
		d->has_date = true;
	else
		d->has_from = d->has_to = true;
}

/* Applies the date members of patch o to d: a date replaces a range (and the reverse); a
 * lone from or to moves that end of the span the override had. */
static void patch_dates(json_t *o, const struct override_rec *was, struct override_dates *d,
			struct err *e)
{
	bool date_key = json_object_get(o, "date") != NULL;
	bool range_key = json_object_get(o, "from") || json_object_get(o, "to");
	int64_t v = 0;

	if (date_key) {
		d->has_date = json_get_date(o, "", "date", &v, e) == 1;
		d->date = v;
		if (!range_key)
			d->has_from = d->has_to = false;
	}
	if (!range_key)
		return;
	if (!date_key) {
		d->has_date = false;
		d->has_from = d->has_to = true;
		d->from = was->ov.from_day;
		d->to = was->ov.to_day;
	} else {
		d->has_from = d->has_to = false;
	}
	if (json_object_get(o, "from"))
		d->has_from = json_get_date(o, "", "from", &d->from, e) == 1;
	if (json_object_get(o, "to"))
		d->has_to = json_get_date(o, "", "to", &d->to, e) == 1;
}

int h_override_patch(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct named_services named = {r->arena, 0, 0, NULL, NULL};
	struct override_rec was, rec;
	struct override_dates d;
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "ovr", &id, e) ||
	    uc_override_get(&r->uc, pid, id, &was, e))
		return -1;
	rec = was;
	json_only_keys(o, "", override_keys, e);
	dates_of(&was, &d);
	patch_dates(o, &was, &d, e);
	if (json_is_null_at(o, "intervals"))
		rec.ov.hours.n = 0;
	else
		json_get_hours_services(o, "", "intervals", &named, &rec.ov.hours, e);
	if (json_is_null_at(o, "note"))
		rec.note[0] = '\0';
	else
		json_get_str(o, "", "note", NOTE_MAX_LEN, rec.note, sizeof(rec.note), e);
	if (e->code)
		return -1;
	get_rrule(o, &rec, e);
	if (e->code || override_span(&rec, &d, e) ||
	    uc_services_exist(&r->uc, named.ids, named.pointers, named.n, e) ||
	    uc_override_update(&r->uc, &was, &rec, e))
		return -1;
	return reply_json(r, 200, wire_override(&rec));
}

static const char *override_id(const void *row)
{
	return ((const struct override_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *ctx)
{
	(void)ctx;
	return wire_override(row);
}

int h_override_list(struct req *r, struct err *e)
{
	int64_t from = CIVIL_MIN_DAY, to = CIVIL_MAX_DAY;
	struct override_rec *v;
	const char *pid;
	struct page pg;
	size_t n;

	if (path_id(r, 0, "prv", &pid, e) || page_from_query(r, "ovr", &pg, e) ||
	    query_date(r, "from", &from, e) < 0 || query_date(r, "to", &to, e) < 0 ||
	    uc_override_list(&r->uc, pid, from, to, &v, &n, e))
		return -1;
	return reply_json(r, 200, page_rows(pg, v, n, sizeof(*v), override_id, render_row, NULL));
}

int h_override_delete(struct req *r, struct err *e)
{
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "ovr", &id, e) ||
	    uc_override_delete(&r->uc, pid, id, e))
		return -1;
	return reply_no_content(r);
}
