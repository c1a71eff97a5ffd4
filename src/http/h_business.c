/* /v1/business-hours: when the business is open at all (a weekly schedule like a
 * provider's, in the business zone, with exempt providers), and its overrides: closed
 * dates, custom hours, ranges and recurring rules, shaped like a provider's overrides. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "usecase/uc_business.h"

static const char *const hours_keys[] = {"weekly", "weeks", "anchor_date", "effective_from",
					 "effective_until", "versions", "timezone",
					 "exempt_provider_ids", NULL};

static int reply_hours(struct req *r, const struct business_hours *bh, const struct tz *z)
{
	return reply_json(r, 200, wire_business_hours(bh->timezone, &bh->schedule,
						      (const id_t_ *)bh->exempt, bh->nexempt,
						      bh->updated_at, z, r->now));
}

int h_business_get(struct req *r, struct err *e)
{
	struct business_hours bh;
	const struct tz *z;

	if (uc_business_get(&r->uc, &bh, &z, e))
		return -1;
	return reply_hours(r, &bh, z);
}

int h_business_put(struct req *r, struct err *e)
{
	struct business_hours *bh = arena_alloc(r->arena, sizeof(*bh));
	const char *ids[BUSINESS_EXEMPT_MAX];
	const struct tz *z;
	size_t n = 0, i;

	memset(bh, 0, sizeof(*bh));
	json_only_keys(r->json, "", hours_keys, e);
	if (json_get_zone(r->json, "", "timezone", r->ctx->env.tz, bh->timezone, e) == 0)
		json_required("", "timezone", e);
	json_get_ids(r->json, "", "exempt_provider_ids", "prv", BUSINESS_EXEMPT_MAX, ids, &n, e);
	bh->exempt = arena_alloc(r->arena, (n + 1) * sizeof(*bh->exempt));
	for (i = 0; i < n; i++)
		snprintf(bh->exempt[i], ID_MAX, "%s", ids[i]);
	bh->nexempt = n;
	if (schedule_parse(r, r->json, &bh->schedule, e) || e->code ||
	    uc_business_put(&r->uc, bh, &z, e))
		return -1;
	return reply_hours(r, bh, z);
}

int h_business_delete(struct req *r, struct err *e)
{
	if (uc_business_delete(&r->uc, e))
		return -1;
	return reply_no_content(r);
}

/* --- business overrides --- */

int h_business_override_create(struct req *r, struct err *e)
{
	struct override_rec rec;

	if (override_parse(r->json, &rec, e) || uc_business_override_create(&r->uc, &rec, e))
		return -1;
	return reply_json(r, 201, wire_business_override(&rec));
}

static const char *override_id(const void *row)
{
	return ((const struct override_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *ctx)
{
	(void)ctx;
	return wire_business_override(row);
}

int h_business_override_list(struct req *r, struct err *e)
{
	int64_t from = CIVIL_MIN_DAY, to = CIVIL_MAX_DAY;
	struct override_rec *v;
	struct page pg;
	size_t n;

	if (page_from_query(r, "bov", &pg, e) || query_date(r, "from", &from, e) < 0 ||
	    query_date(r, "to", &to, e) < 0 ||
	    uc_business_override_list(&r->uc, from, to, &v, &n, e))
		return -1;
	return reply_json(r, 200, page_rows(pg, v, n, sizeof(*v), override_id, render_row, NULL));
}

int h_business_override_get(struct req *r, struct err *e)
{
	struct override_rec rec;
	const char *id;

	if (path_id(r, 0, "bov", &id, e) || uc_business_override_get(&r->uc, id, &rec, e))
		return -1;
	return reply_json(r, 200, wire_business_override(&rec));
}

/* The body a stored override was made from: "date" (a single date, or a rule's first
 * date with "rrule") or "from" and "to", with "intervals" and "note". */
static json_t *override_body(const struct override_rec *o)
{
	json_t *b = json_object();

	if (*o->rrule || o->ov.from_day == o->ov.to_day) {
		json_object_set_new(b, "date", wire_date(o->ov.from_day));
	} else {
		json_object_set_new(b, "from", wire_date(o->ov.from_day));
		json_object_set_new(b, "to", wire_date(o->ov.to_day));
	}
	if (*o->rrule)
		json_object_set_new(b, "rrule", json_string(o->rrule));
	json_object_set_new(b, "intervals", wire_hours(&o->ov.hours));
	json_object_set_new(b, "note", wire_opt_str(o->note));
	return b;
}

/* The stored override's body with the patch's members over it: a patch naming "date"
 * drops the stored "from" and "to", one naming "from" or "to" turns a stored single date
 * into that range before applying. */
static json_t *override_merge(const struct override_rec *was, json_t *patch)
{
	json_t *b = override_body(was);

	if (json_object_get(patch, "date")) {
		json_object_del(b, "from");
		json_object_del(b, "to");
	} else if (json_object_get(patch, "from") || json_object_get(patch, "to")) {
		json_t *d = json_object_get(b, "date");
		if (d && !json_object_get(b, "rrule")) {
			json_object_set(b, "from", d);
			json_object_set(b, "to", d);
		}
		json_object_del(b, "date");
	}
	json_object_update(b, patch);
	return b;
}

static void json_decref_cb(void *p)
{
	json_decref(p);
}

int h_business_override_patch(struct req *r, struct err *e)
{
	struct override_rec was, rec;
	const char *id;
	json_t *merged;

	if (path_id(r, 0, "bov", &id, e) || uc_business_override_get(&r->uc, id, &was, e))
		return -1;
	merged = override_merge(&was, r->json);
	arena_on_free(r->arena, json_decref_cb, merged);
	if (override_parse(merged, &rec, e))
		return -1;
	memcpy(rec.id, id, ID_MAX);
	if (uc_business_override_update(&r->uc, &was, &rec, e))
		return -1;
	return reply_json(r, 200, wire_business_override(&rec));
}

int h_business_override_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "bov", &id, e) || uc_business_override_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}
