/* /v1/webhook-endpoints and /v1/deliveries: where events are sent (the secret shown once),
 * and the log of what was sent, with replays. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "wire/wire_notify.h"

static const char *const endpoint_keys[] = {"url", "event_types", "enabled", "description",
					    NULL};

/* An event type filter: "*", an exact type, or a prefix ending in "." — lower-case letters,
 * digits, "_" and ".", no empty part. */
static bool type_filter_valid(const char *s)
{
	size_t len = strlen(s), i;

	if (!strcmp(s, "*"))
		return true;
	if (len == 0 || len >= EVENT_TYPE_MAX || s[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.' && s[i + 1] == '.')
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The body's "event_types" into w: 1 when given, 0 when absent, -1 when bad. */
static int get_types(json_t *o, struct webhook_endpoint *w, struct err *e)
{
	json_t *v = json_object_get(o, "event_types"), *item;
	size_t i, j;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_field(e, "/event_types", "must be an array of event types");
	if (json_array_size(v) == 0)
		return err_field(e, "/event_types",
				 "must name at least one event type (leave it out, or send [\"*\"],"
				 " for all)");
	if (json_array_size(v) > WEBHOOK_TYPES_MAX)
		return err_field(e, "/event_types", "must have at most %d entries",
				 WEBHOOK_TYPES_MAX);
	w->ntypes = 0;
	json_array_foreach(v, i, item) {
		const char *s = json_is_string(item) ? json_string_value(item) : NULL;
		if (!s || !type_filter_valid(s)) {
			err_field(e, "/event_types", "entry %zu must be \"*\", an event type or a"
				  " prefix ending in \".\" (lower case)", i);
			continue;
		}
		for (j = 0; j < w->ntypes; j++)
			if (!strcmp(w->types[j], s))
				break;
		if (j < w->ntypes) {
			err_field(e, "/event_types", "entry %zu repeats %s", i, s);
			continue;
		}
		snprintf(w->types[w->ntypes++], EVENT_TYPE_MAX, "%s", s);
	}
	return e->code ? -1 : 1;
}

/* The body of a POST (create) or a PATCH (only what is present). */
static int parse(struct req *r, struct endpoint_patch *p, bool create, struct err *e)
{
	json_t *o = r->json;
	struct webhook_endpoint *w = &p->v;
	int got;

	json_only_keys(o, "", endpoint_keys, e);
	got = json_get_str(o, "", "url", WEBHOOK_URL_MAX, w->url, sizeof(w->url), e);
	if (got == 0 && (create || json_is_null_at(o, "url")))
		json_required("", "url", e);
	p->has_url = got > 0;
	got = get_types(o, w, e);
	if (got == 0 && !create && json_is_null_at(o, "event_types"))
		err_field(e, "/event_types", "must be an array of event types");
	p->has_types = got > 0;
	w->enabled = true;
	got = json_get_bool(o, "", "enabled", &w->enabled, e);
	if (got == 0 && !create && json_is_null_at(o, "enabled"))
		err_field(e, "/enabled", "must be true or false");
	p->has_enabled = got > 0;
	got = json_get_str(o, "", "description", WEBHOOK_DESC_MAX, w->description,
			   sizeof(w->description), e);
	p->has_description = got > 0 || json_is_null_at(o, "description");
	return e->code ? -1 : 0;
}

int h_webhook_create(struct req *r, struct err *e)
{
	struct endpoint_patch *p = arena_alloc(r->arena, sizeof(*p));

	memset(p, 0, sizeof(*p));
	if (parse(r, p, true, e) || uc_endpoint_create(&r->uc, &p->v, e))
		return -1;
	req_set_etag(r, p->v.version);
	return reply_json(r, 201, wire_endpoint(&p->v, r->now, p->v.secret));
}

int h_webhook_list(struct req *r, struct err *e)
{
	struct webhook_endpoint *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "whe", &pg, e) || uc_endpoint_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_endpoint(&v[i], r->now, NULL));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_webhook_get(struct req *r, struct err *e)
{
	struct webhook_endpoint *w = arena_alloc(r->arena, sizeof(*w));
	const char *id;

	if (path_id(r, 0, "whe", &id, e) || uc_endpoint_get(&r->uc, id, w, e))
		return -1;
	req_set_etag(r, w->version);
	return reply_json(r, 200, wire_endpoint(w, r->now, NULL));
}

int h_webhook_patch(struct req *r, struct err *e)
{
	struct endpoint_patch *p = arena_alloc(r->arena, sizeof(*p));
	struct webhook_endpoint *w = arena_alloc(r->arena, sizeof(*w));
	const char *id;
	int if_match;

	memset(p, 0, sizeof(*p));
	if (path_id(r, 0, "whe", &id, e) || req_if_match(r, &if_match, e) ||
	    parse(r, p, false, e) || uc_endpoint_update(&r->uc, id, p, if_match, w, e))
		return -1;
	req_set_etag(r, w->version);
	return reply_json(r, 200, wire_endpoint(w, r->now, NULL));
}

int h_webhook_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "whe", &id, e) || uc_endpoint_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}

int h_webhook_rotate(struct req *r, struct err *e)
{
	struct webhook_endpoint *w = arena_alloc(r->arena, sizeof(*w));
	const char *id;

	if (path_id(r, 0, "whe", &id, e) || uc_endpoint_rotate(&r->uc, id, w, e))
		return -1;
	req_set_etag(r, w->version);
	return reply_json(r, 200, json_pack("{s:s, s:o}", "secret", w->secret,
					    "previous_valid_until",
					    wire_instant(w->previous_until, NULL)));
}

static const char *const recover_keys[] = {"since", NULL};

int h_webhook_recover(struct req *r, struct err *e)
{
	int64_t since = 0;
	const char *id;
	size_t n;

	if (path_id(r, 0, "whe", &id, e))
		return -1;
	json_only_keys(r->json, "", recover_keys, e);
	if (json_get_instant(r->json, "", "since", &since, e) == 0)
		json_required("", "since", e);
	if (e->code || uc_endpoint_recover(&r->uc, id, since, &n, e))
		return -1;
	return reply_json(r, 202, json_pack("{s:I}", "replayed", (json_int_t)n));
}

/* ?status= and ?event_id= (and, across endpoints, ?channel=) into f. */
static int delivery_filter_from_query(struct req *r, struct delivery_filter *f, bool channel,
				      struct err *e)
{
	f->status = req_query(r, "status");
	if (f->status && strcmp(f->status, "pending") && strcmp(f->status, "succeeded") &&
	    strcmp(f->status, "failed"))
		err_field_code(e, ERR_INVALID, "status", "must be pending, succeeded or failed");
	f->event_id = req_query(r, "event_id");
	if (f->event_id && !id_valid(f->event_id, "evt"))
		err_field_code(e, ERR_INVALID, "event_id", "must be an event id (evt_…)");
	f->channel = channel ? req_query(r, "channel") : NULL;
	if (f->channel && strcmp(f->channel, "webhook") && strcmp(f->channel, "email") &&
	    strcmp(f->channel, "caldav"))
		err_field_code(e, ERR_INVALID, "channel", "must be webhook, email or caldav");
	return e->code ? -1 : 0;
}

static int delivery_page(struct req *r, const struct delivery_filter *f, struct err *e)
{
	struct delivery *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "dlv", &pg, e) || uc_delivery_list(&r->uc, f, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_delivery(&v[i], false, NULL, 0));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_webhook_deliveries(struct req *r, struct err *e)
{
	struct delivery_filter f;

	memset(&f, 0, sizeof(f));
	if (path_id(r, 0, "whe", &f.endpoint_id, e) || delivery_filter_from_query(r, &f, false, e))
		return -1;
	return delivery_page(r, &f, e);
}

int h_delivery_list(struct req *r, struct err *e)
{
	struct delivery_filter f;

	memset(&f, 0, sizeof(f));
	if (delivery_filter_from_query(r, &f, true, e))
		return -1;
	return delivery_page(r, &f, e);
}

int h_delivery_get(struct req *r, struct err *e)
{
	struct delivery_attempt *attempts;
	struct delivery d;
	const char *id;
	size_t n;

	if (path_id(r, 0, "dlv", &id, e) || uc_delivery_get(&r->uc, id, &d, &attempts, &n, e))
		return -1;
	return reply_json(r, 200, wire_delivery(&d, true, attempts, n));
}

int h_delivery_replay(struct req *r, struct err *e)
{
	struct delivery d;
	const char *id;

	if (path_id(r, 0, "dlv", &id, e) || uc_delivery_replay(&r->uc, id, &d, e))
		return -1;
	return reply_json(r, 202, wire_delivery(&d, false, NULL, 0));
}
