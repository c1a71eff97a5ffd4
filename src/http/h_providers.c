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

/* Settings may come nested under "settings" (as rendered) or at the top level. */
static void get_settings(json_t *o, const char *base, struct provider_patch *pp, struct err *e)
{
	struct provider *p = &pp->v;
	bool b;
	int i;

	if (json_get_bool(o, base, "auto_confirm", &b, e) == 1) {
		p->auto_confirm = b;
		pp->set |= PROVIDER_AUTO_CONFIRM;
	}
	if (json_is_null_at(o, "max_per_day")) {
		p->max_per_day = 0;
		pp->set |= PROVIDER_MAX_PER_DAY;
	} else if (json_get_int(o, base, "max_per_day", 1, 1000, &i, e) == 1) {
		p->max_per_day = i;
		pp->set |= PROVIDER_MAX_PER_DAY;
	}
	if (json_is_null_at(o, "max_consecutive")) {
		p->max_consecutive = 0;
		pp->set |= PROVIDER_MAX_CONSECUTIVE;
	} else if (json_get_int(o, base, "max_consecutive", 1, 1000, &i, e) == 1) {
		p->max_consecutive = i;
		pp->set |= PROVIDER_MAX_CONSECUTIVE;
	}
	if (json_get_bool(o, base, "vacation", &b, e) == 1) {
		p->vacation = b;
		pp->set |= PROVIDER_VACATION;
	}
}

/* Reads the body into an edit; creating requires name and timezone. */
static int parse(struct req *r, struct provider_patch *pp, bool creating, struct err *e)
{
	json_t *o = r->json;
	json_t *settings = json_object_get(o, "settings");
	struct provider *p = &pp->v;
	int got;

	json_only_keys(o, "", provider_keys, e);
	got = json_get_str(o, "", "name", NAME_MAX_LEN, p->name, sizeof(p->name), e);
	if (got == 0 && (creating || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (got > 0 && !*p->name)
		err_field(e, "/name", "must not be empty");
	else if (got > 0)
		pp->set |= PROVIDER_NAME;
	got = json_get_zone(o, "", "timezone", r->ctx->env.tz, p->timezone, e);
	if (got == 0 && (creating || json_is_null_at(o, "timezone")))
		json_required("", "timezone", e);
	else if (got > 0)
		pp->set |= PROVIDER_TIMEZONE;
	if (json_is_null_at(o, "email")) {
		p->email[0] = '\0';
		pp->set |= PROVIDER_EMAIL;
	} else if (json_get_str(o, "", "email", EMAIL_MAX_LEN, p->email, sizeof(p->email), e) ==
		   1) {
		if (!email_valid(p->email))
			err_field(e, "/email", "must be an e-mail address");
		pp->set |= PROVIDER_EMAIL;
	}
	get_settings(o, "", pp, e);
	if (settings && !json_is_null(settings)) {
		if (!json_is_object(settings)) {
			err_field(e, "/settings", "must be an object");
		} else {
			json_only_keys(settings, "/settings", settings_keys, e);
			get_settings(settings, "/settings", pp, e);
		}
	}
	return e->code ? -1 : 0;
}

int h_provider_create(struct req *r, struct err *e)
{
	struct provider_patch pp;
	struct provider p;

	memset(&pp, 0, sizeof(pp));
	memset(&p, 0, sizeof(p));
	p.auto_confirm = true;
	if (parse(r, &pp, true, e))
		return -1;
	provider_apply(&p, &pp);
	if (uc_provider_create(&r->uc, &p, e))
		return -1;
	return reply_json(r, 201, wire_provider(&p));
}

int h_provider_get(struct req *r, struct err *e)
{
	struct provider p;
	const char *id;

	if (path_id(r, 0, "prv", &id, e) || uc_provider_get(&r->uc, id, &p, NULL, e))
		return -1;
	return reply_json(r, 200, wire_provider(&p));
}

int h_provider_list(struct req *r, struct err *e)
{
	struct provider *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "prv", &pg, e) || uc_provider_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_provider(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_provider_patch(struct req *r, struct err *e)
{
	struct provider_patch pp;
	struct provider p;
	const char *id;

	memset(&pp, 0, sizeof(pp));
	if (path_id(r, 0, "prv", &id, e) || parse(r, &pp, false, e) ||
	    uc_provider_update(&r->uc, id, &pp, &p, e))
		return -1;
	return reply_json(r, 200, wire_provider(&p));
}

int h_provider_delete(struct req *r, struct err *e)
{
	const char *force = req_query(r, "force");
	const char *id;

	if (force && strcmp(force, "true") && strcmp(force, "false"))
		return err_field_code(e, ERR_INVALID, "force", "must be true or false");
	if (path_id(r, 0, "prv", &id, e) ||
	    uc_provider_delete(&r->uc, id, force && !strcmp(force, "true"), e))
		return -1;
	return reply_no_content(r);
}
