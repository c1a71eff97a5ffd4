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

int h_override_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct override_rec rec;
	const char *pid;
	int has_date, has_from, has_to;

	if (path_id(r, 0, "prv", &pid, e))
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
	snprintf(rec.provider_id, sizeof(rec.provider_id), "%s", pid);
	if (uc_override_create(&r->uc, &rec, e))
		return -1;
	return reply_json(r, 201, wire_override(&rec));
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
