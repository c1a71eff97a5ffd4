/* /v1/providers */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "util/ids.h"

static const char *const provider_keys[] = {"name", "timezone", "email", "settings",
					    "auto_confirm", "max_per_day", "max_consecutive",
					    "vacation", NULL};
static const char *const settings_keys[] = {"auto_confirm", "max_per_day", "max_consecutive",
					    "vacation", NULL};

static json_t *render(const struct provider *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", p->id, "name", p->name, "timezone",
			      p->timezone, "email", *p->email ? json_string(p->email) : json_null());
	json_t *settings = json_pack("{s:b, s:o, s:o, s:b}", "auto_confirm", p->auto_confirm,
				     "max_per_day",
				     p->max_per_day ? json_integer(p->max_per_day) : json_null(),
				     "max_consecutive",
				     p->max_consecutive ? json_integer(p->max_consecutive)
							: json_null(),
				     "vacation", p->vacation);

	json_object_set_new(o, "settings", settings);
	json_object_set_new(o, "created_at", json_instant(p->created_at, NULL));
	json_object_set_new(o, "updated_at", json_instant(p->updated_at, NULL));
	return o;
}

/* Settings may come nested under "settings" (as rendered) or at the top level. */
static void apply_settings(json_t *o, const char *base, struct provider *p, struct err *e)
{
	bool b;
	int i;

	if (json_get_bool(o, base, "auto_confirm", &b, e) == 1)
		p->auto_confirm = b;
	if (json_is_null_at(o, "max_per_day"))
		p->max_per_day = 0;
	else if (json_get_int(o, base, "max_per_day", 1, 1000, &i, e) == 1)
		p->max_per_day = i;
	if (json_is_null_at(o, "max_consecutive"))
		p->max_consecutive = 0;
	else if (json_get_int(o, base, "max_consecutive", 1, 1000, &i, e) == 1)
		p->max_consecutive = i;
	if (json_get_bool(o, base, "vacation", &b, e) == 1)
		p->vacation = b;
}

/* Applies the body to p; creating requires name and timezone. */
static int apply(struct req *r, struct provider *p, bool creating, struct err *e)
{
	json_t *o = r->json;
	json_t *settings = json_object_get(o, "settings");

	json_only_keys(o, "", provider_keys, e);
	if (json_get_str(o, "", "name", NAME_MAX_LEN, p->name, sizeof(p->name), e) == 0 &&
	    (creating || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (json_object_get(o, "name") && !*p->name)
		err_field(e, "/name", "must not be empty");
	if (json_get_zone(o, "", "timezone", r->ctx->tz, p->timezone, e) == 0 &&
	    (creating || json_is_null_at(o, "timezone")))
		json_required("", "timezone", e);
	if (json_is_null_at(o, "email"))
		p->email[0] = '\0';
	else if (json_get_str(o, "", "email", EMAIL_MAX_LEN, p->email, sizeof(p->email), e) == 1 &&
		 !email_valid(p->email))
		err_field(e, "/email", "must be an e-mail address");
	apply_settings(o, "", p, e);
	if (settings && !json_is_null(settings)) {
		if (!json_is_object(settings)) {
			err_field(e, "/settings", "must be an object");
		} else {
			json_only_keys(settings, "/settings", settings_keys, e);
			apply_settings(settings, "/settings", p, e);
		}
	}
	return e->code ? -1 : 0;
}

int h_provider_create(struct req *r, struct err *e)
{
	struct provider p;

	memset(&p, 0, sizeof(p));
	p.auto_confirm = true;
	if (apply(r, &p, true, e))
		return -1;
	id_new(p.id, "prv");
	p.created_at = p.updated_at = r->now;
	if (store_provider_create(r->ctx->store, r->auth.tenant_id, &p, e))
		return -1;
	return reply_json(r, 201, render(&p));
}

int h_provider_get(struct req *r, struct err *e)
{
	struct provider p;
	const char *id;

	if (path_id(r, 0, "prv", &id, e) ||
	    store_provider_get(r->ctx->store, r->auth.tenant_id, id, &p, e))
		return -1;
	return reply_json(r, 200, render(&p));
}

int h_provider_list(struct req *r, struct err *e)
{
	struct provider *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "prv", &pg, e) ||
	    store_provider_list(r->ctx->store, r->auth.tenant_id, pg, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

static int edit(struct provider *p, void *ctx, struct err *e)
{
	return apply(ctx, p, false, e);
}

int h_provider_patch(struct req *r, struct err *e)
{
	struct provider p;
	const char *id;

	if (path_id(r, 0, "prv", &id, e) ||
	    store_provider_update(r->ctx->store, r->auth.tenant_id, id, edit, r, r->now, &p, e))
		return -1;
	return reply_json(r, 200, render(&p));
}

int h_provider_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "prv", &id, e) ||
	    store_provider_delete(r->ctx->store, r->auth.tenant_id, id, e))
		return -1;
	return reply_no_content(r);
}
