/* /v1/holidays: tenant-wide or per-provider closed dates: once, yearly, or on the dates of
 * an RRULE from a first date (the fourth Thursday of November). */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const holiday_keys[] = {"name", "date", "recurring", "rrule", "provider_ids",
					   "type", NULL};

/* The type member into h->type (null = public). */
static void get_type(json_t *o, struct holiday_rec *h, struct err *e)
{
	json_t *v = json_object_get(o, "type");

	if (!v || json_is_null(v)) {
		if (v)
			h->type = HOLIDAY_PUBLIC;
		return;
	}
	if (!json_is_string(v) || holiday_type_parse(json_string_value(v), &h->type))
		err_field(e, "/type", "must be public, closure, maintenance or other");
}

/* The provider_ids member into h (null = every provider); ids point into o until copied. */
static void get_providers(struct req *r, json_t *o, struct holiday_rec *h, struct err *e)
{
	const char *ids[SERVICE_MAX_PROVIDERS];
	size_t n = 0, i;

	if (json_get_ids(o, "", "provider_ids", "prv", SERVICE_MAX_PROVIDERS, ids, &n, e) < 0)
		return;
	if (!json_object_get(o, "provider_ids"))
		return;
	h->provider_ids = arena_alloc(r->arena, (n + 1) * sizeof(*h->provider_ids));
	for (i = 0; i < n; i++)
		snprintf(h->provider_ids[i], ID_MAX, "%s", ids[i]);
	h->nproviders = n;
}

/* Checks the merged dates and rule of h as a POST does: a yearly holiday gets its rule from
 * its date, a rule is canonicalised and gives until_day. */
static int holiday_rule(struct holiday_rec *h, struct err *e)
{
	if (h->yearly && *h->rrule)
		return err_field(e, "/rrule", "send either recurring or rrule, not both");
	if (h->yearly) {
		int y, m, d;
		civil_from_days(h->day, &y, &m, &d);
		snprintf(h->rrule, sizeof(h->rrule), "FREQ=YEARLY;BYMONTH=%d;BYMONTHDAY=%d", m, d);
	}
	h->until_day = CIVIL_MAX_DAY;
	if (*h->rrule) {
		struct recur rule;
		if (recur_parse(h->rrule, h->day * 86400, NULL, "/rrule", "/date", &rule, e))
			return -1;
		snprintf(h->rrule, sizeof(h->rrule), "%s", rule.text);
		if (rule.last != RECUR_OPEN)
			h->until_day = floor_div(rule.last, 86400);
	}
	return 0;
}

/* The recurring member: 1 when given ("yearly" or null into h->yearly), 0 when absent. */
static int get_recurring(json_t *o, struct holiday_rec *h, struct err *e)
{
	json_t *rec = json_object_get(o, "recurring");

	if (!rec)
		return 0;
	h->yearly = false;
	if (json_is_null(rec))
		return 1;
	if (json_is_string(rec) && !strcmp(json_string_value(rec), "yearly"))
		h->yearly = true;
	else
		err_field(e, "/recurring", "must be \"yearly\" or null");
	return 1;
}

/* The name member: required, not empty (on a PATCH only when given). */
static void get_name(json_t *o, struct holiday_rec *h, bool required, struct err *e)
{
	int got = json_get_str(o, "", "name", NAME_MAX_LEN, h->name, sizeof(h->name), e);

	if (got == 0 && (required || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (got > 0 && !*h->name)
		err_field(e, "/name", "must not be empty");
}

static const char *holiday_id(const void *row)
{
	return ((const struct holiday_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *ctx)
{
	(void)ctx;
	return wire_holiday(row);
}

int h_holiday_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct holiday_rec h;

	memset(&h, 0, sizeof(h));
	json_only_keys(o, "", holiday_keys, e);
	get_name(o, &h, true, e);
	if (json_get_date(o, "", "date", &h.day, e) == 0)
		json_required("", "date", e);
	get_recurring(o, &h, e);
	get_providers(r, o, &h, e);
	if (!h.provider_ids)
		h.provider_ids = arena_alloc(r->arena, sizeof(*h.provider_ids));
	get_type(o, &h, e);
	if (json_get_str(o, "", "rrule", RECUR_INPUT_MAX, h.rrule, sizeof(h.rrule), e) > 0 &&
	    !*h.rrule)
		err_field(e, "/rrule", "must not be empty (send null for a one-off)");
	if (e->code || holiday_rule(&h, e))
		return -1;
	if (uc_holiday_create(&r->uc, &h, e))
		return -1;
	return reply_json(r, 201, wire_holiday(&h));
}

int h_holiday_patch(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct holiday_rec was, h;
	bool rule_key = json_object_get(o, "rrule") != NULL;
	const char *id;
	int recurring;

	if (path_id(r, 0, "hol", &id, e) || uc_holiday_get(&r->uc, id, &was, e))
		return -1;
	h = was;
	json_only_keys(o, "", holiday_keys, e);
	get_name(o, &h, false, e);
	if (json_is_null_at(o, "date"))
		json_required("", "date", e);
	else
		json_get_date(o, "", "date", &h.day, e);
	/* A yearly holiday's rule follows its date; a rule given replaces "yearly", and
	 * "recurring" given replaces the rule. */
	recurring = get_recurring(o, &h, e);
	if (was.yearly || (recurring && h.yearly))
		h.rrule[0] = '\0';
	if (rule_key) {
		if (!recurring)
			h.yearly = false;
		h.rrule[0] = '\0';
		if (json_get_str(o, "", "rrule", RECUR_INPUT_MAX, h.rrule, sizeof(h.rrule), e) >
			    0 &&
		    !*h.rrule)
			err_field(e, "/rrule", "must not be empty (send null for a one-off)");
	}
	get_providers(r, o, &h, e);
	get_type(o, &h, e);
	if (e->code || holiday_rule(&h, e) || uc_holiday_update(&r->uc, &was, &h, e))
		return -1;
	return reply_json(r, 200, wire_holiday(&h));
}

/* Keeps the holidays of type (NULL: all) in v. */
static size_t only_type(struct holiday_rec *v, size_t n, const enum holiday_type *type)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!type || v[i].type == *type)
			v[k++] = v[i];
	return k;
}

int h_holiday_list(struct req *r, struct err *e)
{
	int64_t from = CIVIL_MIN_DAY, to = CIVIL_MAX_DAY;
	const char *type_name = req_query(r, "type");
	enum holiday_type type;
	struct holiday_rec *v;
	struct page pg;
	json_t *items;
	size_t n, i;
	int got_from, got_to;

	if (page_from_query(r, "hol", &pg, e))
		return -1;
	got_from = query_date(r, "from", &from, e);
	got_to = query_date(r, "to", &to, e);
	if (type_name && holiday_type_parse(type_name, &type))
		err_field_code(e, ERR_INVALID, "type",
			       "must be public, closure, maintenance or other");
	if (got_from < 0 || got_to < 0 || e->code)
		return -1;
	if (got_from || got_to || type_name) {
		if (to < from)
			return err_field_code(e, ERR_INVALID, "to", "must not be before from");
		if (uc_holiday_range(&r->uc, from, to, &v, &n, e))
			return -1;
		n = only_type(v, n, type_name ? &type : NULL);
		return reply_json(r, 200,
				  page_rows(pg, v, n, sizeof(*v), holiday_id, render_row, NULL));
	}
	if (uc_holiday_list(&r->uc, pg, &v, &n, e))
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
