/* /v1/providers/{id}/overrides: date exceptions (closed days, custom hours, ranges), once or
 * recurring by an RRULE from a first date ("closed every first Monday"). */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "util/ids.h"

#define OVERRIDE_MAX_DAYS 366

static const char *const override_keys[] = {"date", "from", "to", "intervals", "note",
					    "rrule", NULL};

static json_t *render(const struct override_rec *o)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o}", "id", o->id,
			      "provider_id", o->provider_id, "date",
			      o->ov.from_day == o->ov.to_day || *o->rrule
				      ? json_date_or_null(o->ov.from_day)
				      : json_null(),
			      "from", json_date_or_null(o->ov.from_day), "to",
			      json_date_or_null(o->ov.to_day), "intervals", json_hours(&o->ov.hours),
			      "closed", o->ov.hours.n == 0, "note",
			      *o->note ? json_string(o->note) : json_null());
	if (*o->rrule) {
		json_object_set_new(j, "from", json_null());
		json_object_set_new(j, "to", json_null());
	}
	json_object_set_new(j, "until", *o->rrule && o->ov.to_day != CIVIL_MAX_DAY
						? json_date_or_null(o->ov.to_day)
						: json_null());
	json_object_set_new(j, "rrule", *o->rrule ? json_string(o->rrule) : json_null());
	json_object_set_new(j, "created_at", json_instant(o->created_at, NULL));
	return j;
}

int h_override_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct override_rec rec;
	struct provider p;
	const struct tz *z;
	int has_date, has_from, has_to;

	if (load_path_provider(r, &p, &z, e))
		return -1;
	memset(&rec, 0, sizeof(rec));
	json_only_keys(o, "", override_keys, e);
	has_date = json_get_date(o, "", "date", &rec.ov.from_day, e);
	has_from = json_get_date(o, "", "from", &rec.ov.from_day, e);
	has_to = json_get_date(o, "", "to", &rec.ov.to_day, e);
	json_get_hours(o, "", "intervals", &rec.ov.hours, e);
	json_get_str(o, "", "note", NOTE_MAX_LEN, rec.note, sizeof(rec.note), e);
	if (e->code)
		return -1;
	if (has_date && (has_from || has_to))
		return err_field(e, "/date", "send either date or from and to, not both");
	if (json_get_str(o, "", "rrule", RECUR_INPUT_MAX, rec.rrule, sizeof(rec.rrule), e) > 0 &&
	    !*rec.rrule)
		return err_field(e, "/rrule", "must not be empty (send null for a one-off)");
	if (e->code)
		return -1;
	if (*rec.rrule) {
		struct recur rule;
		if (!has_date || has_from || has_to)
			return err_field(e, "/date",
					 "is required with rrule: the first date it applies on"
					 " (not from and to)");
		if (recur_parse(rec.rrule, rec.ov.from_day * 86400, NULL, "/rrule", "/date", &rule,
				e))
			return -1;
		snprintf(rec.rrule, sizeof(rec.rrule), "%s", rule.text);
		rec.ov.to_day = rule.last == RECUR_OPEN ? CIVIL_MAX_DAY : floor_div(rule.last, 86400);
	} else if (has_date) {
		rec.ov.to_day = rec.ov.from_day;
	} else if (!has_from || !has_to) {
		return err_field(e, has_from ? "/to" : "/date",
				 "is required: a date, or from and to for a range");
	} else if (rec.ov.to_day < rec.ov.from_day) {
		return err_field(e, "/to", "must not be before from");
	} else if (rec.ov.to_day - rec.ov.from_day >= OVERRIDE_MAX_DAYS) {
		return err_field(e, "/to", "a range may span at most %d days", OVERRIDE_MAX_DAYS);
	}
	id_new(rec.id, "ovr");
	memcpy(rec.provider_id, p.id, sizeof(rec.provider_id));
	rec.created_at = r->now;
	if (store_override_create(r->ctx->store, r->auth.tenant_id, &rec, e))
		return -1;
	return reply_json(r, 201, render(&rec));
}

static const char *override_id(const void *row)
{
	return ((const struct override_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *ctx)
{
	(void)ctx;
	return render(row);
}

int h_override_list(struct req *r, struct err *e)
{
	int64_t from = CIVIL_MIN_DAY, to = CIVIL_MAX_DAY;
	struct override_rec *v;
	struct provider p;
	const struct tz *z;
	struct page pg;
	size_t n;

	if (load_path_provider(r, &p, &z, e) || page_from_query(r, "ovr", &pg, e) ||
	    query_date(r, "from", &from, e) < 0 || query_date(r, "to", &to, e) < 0 ||
	    store_override_list(r->ctx->store, r->auth.tenant_id, p.id, from, to, r->arena, &v,
				&n, e))
		return -1;
	return reply_json(r, 200, page_rows(pg, v, n, sizeof(*v), override_id, render_row, NULL));
}

int h_override_delete(struct req *r, struct err *e)
{
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "ovr", &id, e) ||
	    store_override_delete(r->ctx->store, r->auth.tenant_id, pid, id, e))
		return -1;
	return reply_no_content(r);
}
