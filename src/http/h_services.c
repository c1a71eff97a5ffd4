/* /v1/services */
#include "http/handlers.h"

#include <ctype.h>
#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/policy_json.h"
#include "util/ids.h"

static const char *const service_keys[] = {
	"name", "duration_minutes", "price", "currency", "buffer_before_minutes",
	"buffer_after_minutes", "slot_step_minutes", "min_notice_minutes", "max_advance_days",
	"capacity", "provider_ids", "requires_approval", "policy", NULL};

static json_t *int_or_null(int v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *render(const struct service *s)
{
	json_t *ids = json_id_set((const id_t_ *)s->provider_ids, s->nproviders);
	json_t *o;
	o = json_pack("{s:s, s:s, s:i, s:o, s:o, s:i, s:i, s:i, s:i, s:o, s:i, s:o}", "id", s->id,
		      "name", s->name, "duration_minutes", s->duration_min, "price",
		      *s->price ? json_string(s->price) : json_null(), "currency",
		      *s->currency ? json_string(s->currency) : json_null(),
		      "buffer_before_minutes", s->buffer_before_min, "buffer_after_minutes",
		      s->buffer_after_min, "slot_step_minutes",
		      s->step_min ? s->step_min : s->duration_min, "min_notice_minutes",
		      s->min_notice_min, "max_advance_days", int_or_null(s->max_advance_days),
		      "capacity", s->capacity, "provider_ids", ids);
	json_object_set_new(o, "requires_approval", json_boolean(s->requires_approval));
	json_object_set_new(o, "policy", policy_json(&s->policy));
	json_object_set_new(o, "created_at", json_instant(s->created_at, NULL));
	json_object_set_new(o, "updated_at", json_instant(s->updated_at, NULL));
	return o;
}

/* A non-negative decimal with up to 9 integer and 4 fraction digits, e.g. "45" or "45.50". */
static bool price_ok(const char *p)
{
	size_t i = 0, frac = 0;

	while (isdigit((unsigned char)p[i]))
		i++;
	if (i == 0 || i > 9)
		return false;
	if (p[i] == '\0')
		return true;
	if (p[i] != '.')
		return false;
	for (i++; isdigit((unsigned char)p[i]); i++)
		frac++;
	return p[i] == '\0' && frac >= 1 && frac <= 4;
}

static bool currency_ok(const char *c)
{
	return strlen(c) == 3 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]) &&
	       isupper((unsigned char)c[2]);
}

static void get_minutes(json_t *o, const char *key, long min, long max, int *field,
			struct err *e)
{
	int v;

	if (json_get_int(o, "", key, min, max, &v, e) == 1)
		*field = v;
}

static int apply(struct req *r, struct service *s, bool creating, struct arena *a, struct err *e)
{
	json_t *o = r->json;
	const char *ids[SERVICE_MAX_PROVIDERS];
	size_t n, i;
	int v;

	json_only_keys(o, "", service_keys, e);
	if (json_get_str(o, "", "name", NAME_MAX_LEN, s->name, sizeof(s->name), e) == 0 &&
	    (creating || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (json_object_get(o, "name") && !*s->name)
		err_field(e, "/name", "must not be empty");
	if (json_get_int(o, "", "duration_minutes", 1, 1440, &v, e) == 1)
		s->duration_min = v;
	else if (creating && !json_object_get(o, "duration_minutes"))
		json_required("", "duration_minutes", e);
	else if (json_is_null_at(o, "duration_minutes"))
		json_required("", "duration_minutes", e);

	if (json_is_null_at(o, "price"))
		s->price[0] = '\0';
	else if (json_object_get(o, "price") && !json_is_string(json_object_get(o, "price")))
		err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
	else if (json_get_str(o, "", "price", PRICE_MAX_LEN, s->price, sizeof(s->price), e) == 1 &&
		 !price_ok(s->price))
		err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
	if (json_is_null_at(o, "currency"))
		s->currency[0] = '\0';
	else if (json_get_str(o, "", "currency", 3, s->currency, sizeof(s->currency), e) == 1 &&
		 !currency_ok(s->currency))
		err_field(e, "/currency", "must be an ISO 4217 code such as EUR");

	get_minutes(o, "buffer_before_minutes", 0, 1440, &s->buffer_before_min, e);
	get_minutes(o, "buffer_after_minutes", 0, 1440, &s->buffer_after_min, e);
	if (json_is_null_at(o, "slot_step_minutes"))
		s->step_min = 0;
	else
		get_minutes(o, "slot_step_minutes", 1, 1440, &s->step_min, e);
	get_minutes(o, "min_notice_minutes", 0, 525600, &s->min_notice_min, e);
	if (json_is_null_at(o, "max_advance_days"))
		s->max_advance_days = 0;
	else
		get_minutes(o, "max_advance_days", 1, 3650, &s->max_advance_days, e);
	get_minutes(o, "capacity", 1, 1000, &s->capacity, e);
	json_get_bool(o, "", "requires_approval", &s->requires_approval, e);
	/* A policy replaces the service's whole policy; null clears it (all inherited). */
	if (json_is_null_at(o, "policy"))
		memset(&s->policy, 0, sizeof(s->policy));
	else if (json_object_get(o, "policy"))
		policy_parse(json_object_get(o, "policy"), "/policy", &s->policy, e);

	if (json_get_ids(o, "", "provider_ids", "prv", SERVICE_MAX_PROVIDERS, ids, &n, e) == 1 ||
	    json_is_null_at(o, "provider_ids")) {
		s->provider_ids = arena_alloc(a, (n + 1) * sizeof(*s->provider_ids));
		for (i = 0; i < n; i++)
			snprintf(s->provider_ids[i], ID_MAX, "%s", ids[i]);
		s->nproviders = n;
	}
	if (e->code)
		return -1;
	if (*s->price && !*s->currency)
		err_field(e, "/currency", "is required when a price is set");
	if (!*s->price && *s->currency)
		err_field(e, "/price", "is required when a currency is set");
	return e->code ? -1 : 0;
}

int h_service_create(struct req *r, struct err *e)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	s.capacity = 1;
	if (apply(r, &s, true, r->arena, e))
		return -1;
	id_new(s.id, "svc");
	s.created_at = s.updated_at = r->now;
	if (store_service_create(r->ctx->store, r->auth.tenant_id, &s, e))
		return -1;
	return reply_json(r, 201, render(&s));
}

int h_service_get(struct req *r, struct err *e)
{
	struct service s;
	const char *id;

	if (path_id(r, 0, "svc", &id, e) ||
	    store_service_get(r->ctx->store, r->auth.tenant_id, id, r->arena, &s, e))
		return -1;
	return reply_json(r, 200, render(&s));
}

int h_service_list(struct req *r, struct err *e)
{
	struct service *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "svc", &pg, e) ||
	    store_service_list(r->ctx->store, r->auth.tenant_id, pg, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

static int edit(struct service *s, void *ctx, struct arena *a, struct err *e)
{
	return apply(ctx, s, false, a, e);
}

int h_service_patch(struct req *r, struct err *e)
{
	struct service s;
	const char *id;

	if (path_id(r, 0, "svc", &id, e) ||
	    store_service_update(r->ctx->store, r->auth.tenant_id, id, edit, r, r->now, r->arena,
				 &s, e))
		return -1;
	return reply_json(r, 200, render(&s));
}

int h_service_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "svc", &id, e) ||
	    store_service_delete(r->ctx->store, r->auth.tenant_id, id, e))
		return -1;
	return reply_no_content(r);
}
