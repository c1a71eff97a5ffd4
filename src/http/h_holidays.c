/* /v1/holidays: tenant-wide or per-provider closed dates: once, yearly, or on the dates of
 * an RRULE from a first date (the fourth Thursday of November). */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const holiday_keys[] = {"name", "date", "recurring", "rrule", "provider_ids",
					   NULL};

int h_holiday_create(struct req *r, struct err *e)
{
	const char *ids[SERVICE_MAX_PROVIDERS];
	json_t *o = r->json;
	json_t *rec = json_object_get(o, "recurring");
	struct holiday_rec h;
	size_t n = 0, i;

	memset(&h, 0, sizeof(h));
	json_only_keys(o, "", holiday_keys, e);
	if (json_get_str(o, "", "name", NAME_MAX_LEN, h.name, sizeof(h.name), e) == 0)
		json_required("", "name", e);
	else if (!*h.name)
		err_field(e, "/name", "must not be empty");
	if (json_get_date(o, "", "date", &h.day, e) == 0)
		json_required("", "date", e);
	if (rec && !json_is_null(rec)) {
		if (json_is_string(rec) && !strcmp(json_string_value(rec), "yearly"))
			h.yearly = true;
		else
			err_field(e, "/recurring", "must be \"yearly\" or null");
	}
	json_get_ids(o, "", "provider_ids", "prv", SERVICE_MAX_PROVIDERS, ids, &n, e);
	if (json_get_str(o, "", "rrule", RECUR_INPUT_MAX, h.rrule, sizeof(h.rrule), e) > 0 &&
	    !*h.rrule)
		err_field(e, "/rrule", "must not be empty (send null for a one-off)");
	if (e->code)
		return -1;
	if (h.yearly && *h.rrule)
		return err_field(e, "/rrule", "send either recurring or rrule, not both");
	if (h.yearly) {
		int y, m, d;
		civil_from_days(h.day, &y, &m, &d);
		snprintf(h.rrule, sizeof(h.rrule), "FREQ=YEARLY;BYMONTH=%d;BYMONTHDAY=%d", m, d);
	}
	h.until_day = CIVIL_MAX_DAY;
	if (*h.rrule) {
		struct recur rule;
		if (recur_parse(h.rrule, h.day * 86400, NULL, "/rrule", "/date", &rule, e))
			return -1;
		snprintf(h.rrule, sizeof(h.rrule), "%s", rule.text);
		if (rule.last != RECUR_OPEN)
			h.until_day = floor_div(rule.last, 86400);
	}
	h.provider_ids = arena_alloc(r->arena, (n + 1) * sizeof(*h.provider_ids));
	for (i = 0; i < n; i++)
		snprintf(h.provider_ids[i], ID_MAX, "%s", ids[i]);
	h.nproviders = n;
	if (uc_holiday_create(&r->uc, &h, e))
		return -1;
	return reply_json(r, 201, wire_holiday(&h));
}

int h_holiday_list(struct req *r, struct err *e)
{
	struct holiday_rec *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "hol", &pg, e) || uc_holiday_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_holiday(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_holiday_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "hol", &id, e) || uc_holiday_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}
