/* External calendars of a provider: /v1/providers/{id}/calendars (connected, listed, read,
 * changed, removed) and …/{calendar_id}/sync (fetched now). */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "usecase/uc_calendars.h"
#include "wire/wire_calendars.h"

static const char *const calendar_keys[] = {"kind",	"name",	   "url",
					     "username", "password", "write",
					     "enabled",	"sync_interval_minutes", NULL};

static int kind_parse(const char *s, enum calendar_kind *out)
{
	if (!strcmp(s, "ics"))
		*out = CALENDAR_ICS;
	else if (!strcmp(s, "caldav"))
		*out = CALENDAR_CALDAV;
	else
		return -1;
	return 0;
}

/* A boolean member: absent leaves *out; null is refused in a PATCH. */
static void get_flag(json_t *o, const char *key, bool create, bool *out, unsigned bit,
		     unsigned *fields, struct err *e)
{
	int got = json_get_bool(o, "", key, out, e);

	if (got == 0 && !create && json_is_null_at(o, key)) {
		char ptr[32];
		snprintf(ptr, sizeof(ptr), "/%s", key);
		err_field(e, ptr, "must be true or false");
	}
	if (got > 0)
		*fields |= bit;
}

/* The body of a POST (with the defaults) or a PATCH (only what is present; null name,
 * username and password go back to the default: the URL's host, none). */
static int parse(struct req *r, struct calendar_input *in, bool create, struct err *e)
{
	json_t *o = r->json;
	char kind[16];
	int got;

	json_only_keys(o, "", calendar_keys, e);
	got = json_get_str(o, "", "kind", sizeof(kind) - 1, kind, sizeof(kind), e);
	if (got == 0 && create)
		json_required("", "kind", e);
	else if (got == 0 && json_is_null_at(o, "kind"))
		err_field(e, "/kind", "must be ics or caldav");
	else if (got > 0 && kind_parse(kind, &in->kind))
		err_field(e, "/kind", "must be ics or caldav");
	if (got > 0)
		in->fields |= CAL_KIND;

	got = json_get_str(o, "", "url", URL_MAX, in->url, sizeof(in->url), e);
	if (got == 0 && (create || json_is_null_at(o, "url")))
		json_required("", "url", e);
	if (got > 0)
		in->fields |= CAL_URL;

	got = json_get_str(o, "", "name", CALENDAR_NAME_MAX, in->name, sizeof(in->name), e);
	if (got > 0 && !*in->name)
		err_field(e, "/name", "must not be empty (leave it out for the URL's host)");
	if (got > 0 || json_is_null_at(o, "name"))
		in->fields |= CAL_NAME;

	got = json_get_str(o, "", "username", CALENDAR_USER_MAX, in->username,
			   sizeof(in->username), e);
	if (got > 0 || json_is_null_at(o, "username"))
		in->fields |= CAL_USERNAME;
	got = json_get_str(o, "", "password", CALENDAR_PASSWORD_MAX, in->password,
			   sizeof(in->password), e);
	if (got > 0 || json_is_null_at(o, "password"))
		in->fields |= CAL_PASSWORD;

	in->write = false;
	in->enabled = true;
	get_flag(o, "write", create, &in->write, CAL_WRITE, &in->fields, e);
	get_flag(o, "enabled", create, &in->enabled, CAL_ENABLED, &in->fields, e);

	in->interval_min = CALENDAR_INTERVAL_DEFAULT;
	got = json_get_int(o, "", "sync_interval_minutes", 1, CALENDAR_INTERVAL_MAX,
			   &in->interval_min, e);
	if (got == 0 && !create && json_is_null_at(o, "sync_interval_minutes"))
		err_field(e, "/sync_interval_minutes", "must be an integer");
	if (got > 0)
		in->fields |= CAL_INTERVAL;
	return e->code ? -1 : 0;
}

/* The provider's id and, with cid, the calendar's, from the path. */
static int path_ids(struct req *r, const char **pid, const char **cid, struct err *e)
{
	return path_id(r, 0, "prv", pid, e) || (cid && path_id(r, 1, "cal", cid, e)) ? -1 : 0;
}

static int reply_one(struct req *r, int status, const struct ext_calendar *c)
{
	req_set_etag(r, c->version);
	return reply_json(r, status, wire_calendar(c));
}

int h_calendar_create(struct req *r, struct err *e)
{
	struct calendar_input *in = arena_alloc(r->arena, sizeof(*in));
	struct ext_calendar *c = arena_alloc(r->arena, sizeof(*c));
	const char *pid;

	memset(in, 0, sizeof(*in));
	if (path_ids(r, &pid, NULL, e) || parse(r, in, true, e) ||
	    uc_calendar_create(&r->uc, pid, in, c, e))
		return -1;
	return reply_one(r, 201, c);
}

int h_calendar_list(struct req *r, struct err *e)
{
	struct ext_calendar *v;
	const char *pid;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (path_ids(r, &pid, NULL, e) || page_from_query(r, "cal", &pg, e) ||
	    uc_calendar_list(&r->uc, pid, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_calendar(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_calendar_get(struct req *r, struct err *e)
{
	struct ext_calendar *c = arena_alloc(r->arena, sizeof(*c));
	const char *pid, *cid;

	if (path_ids(r, &pid, &cid, e) || uc_calendar_get(&r->uc, pid, cid, c, e))
		return -1;
	return reply_one(r, 200, c);
}

int h_calendar_patch(struct req *r, struct err *e)
{
	struct calendar_input *in = arena_alloc(r->arena, sizeof(*in));
	struct ext_calendar *c = arena_alloc(r->arena, sizeof(*c));
	const char *pid, *cid;
	int if_match;

	memset(in, 0, sizeof(*in));
	if (path_ids(r, &pid, &cid, e) || req_if_match(r, &if_match, e) ||
	    parse(r, in, false, e) || uc_calendar_update(&r->uc, pid, cid, in, if_match, c, e))
		return -1;
	return reply_one(r, 200, c);
}

int h_calendar_delete(struct req *r, struct err *e)
{
	const char *pid, *cid;

	if (path_ids(r, &pid, &cid, e) || uc_calendar_delete(&r->uc, pid, cid, e))
		return -1;
	return reply_no_content(r);
}

int h_calendar_sync(struct req *r, struct err *e)
{
	struct ext_calendar *c = arena_alloc(r->arena, sizeof(*c));
	const char *pid, *cid;

	if (path_ids(r, &pid, &cid, e) || uc_calendar_sync(&r->uc, pid, cid, c, e))
		return -1;
	return reply_one(r, 202, c);
}
