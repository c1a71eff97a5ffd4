/* /v1/policy (the tenant's policy defaults) and /v1/events (every change, in order: the
 * audit log and the source of notifications). */
#include "http/handlers.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/policy_json.h"
#include "http/ratelimit.h"
#include "util/metrics.h"
#include "wire/wire_query.h"

int h_policy_get(struct req *r, struct err *e)
{
	struct reminder_offsets reminders;
	struct policy p;

	if (uc_policy_get(&r->uc, &p, &reminders, e))
		return -1;
	return reply_json(r, 200, wire_tenant_policy(&p, &reminders));
}

/* Replaces the defaults as a whole; fields left out or null are not set (no deadline, no
 * limit, no fee, the default offer time). */
int h_policy_put(struct req *r, struct err *e)
{
	struct reminder_offsets reminders;
	struct policy p;
	json_t *rest;

	/* The reminder offsets sit beside the policy's fields; left out or null is the default
	 * (REMINDER_DEFAULT), [] no reminders. */
	memset(&reminders, 0, sizeof(reminders));
	json_get_reminder_offsets(r->json, "", "reminder_offsets_minutes", &reminders, e);
	rest = json_copy(r->json);
	json_object_del(rest, "reminder_offsets_minutes");
	policy_parse(rest, "", &p, e);
	json_decref(rest);
	if (e->code || e->nfields || uc_policy_put(&r->uc, &p, &reminders, e))
		return -1;
	return reply_json(r, 200, wire_tenant_policy(&p, &reminders));
}

int h_settings_get(struct req *r, struct err *e)
{
	struct tenant_settings s;

	if (uc_settings_get(&r->uc, &s, e))
		return -1;
	return reply_json(r, 200, wire_settings(&s));
}

/* C0 controls, DEL, and C1 controls (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f ||
		    ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		     (unsigned char)s[1] <= 0x9f))
			return true;
	return false;
}

static bool is_hex_color(const char *s)
{
	size_t i;

	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "booking_page": {"display_name", "brand_color", "logo_url", "provider_choice"}, each
 * optional or null (not set); null or left out as a whole: nothing set. */
static void booking_page_parse(json_t *o, struct booking_page *p, struct err *e)
{
	static const char *const keys[] = {"display_name", "brand_color", "logo_url",
					   "provider_choice", NULL};
	const char *at = "/booking_page";
	bool choice = true;

	memset(p, 0, sizeof(*p));
	if (!o || json_is_null(o))
		return;
	if (!json_is_object(o)) {
		err_field(e, at, "must be an object or null");
		return;
	}
	json_only_keys(o, at, keys, e);
	if (json_get_str(o, at, "display_name", NAME_MAX_LEN, p->display_name,
			 sizeof(p->display_name), e) > 0 &&
	    (!*p->display_name || has_control(p->display_name)))
		err_field(e, "/booking_page/display_name",
			  "must be 1-200 bytes without control characters (null: the tenant's name)");
	if (json_get_str(o, at, "brand_color", PAGE_COLOR_MAX - 1, p->brand_color,
			 sizeof(p->brand_color), e) > 0 &&
	    !is_hex_color(p->brand_color))
		err_field(e, "/booking_page/brand_color", "must be a colour such as \"#0a7d5a\"");
	if (json_get_str(o, at, "logo_url", PAGE_URL_MAX, p->logo_url, sizeof(p->logo_url), e) >
		    0 &&
	    (strncmp(p->logo_url, "https://", 8) || strlen(p->logo_url) < 12 ||
	     strpbrk(p->logo_url, " \"'<>\\") || has_control(p->logo_url)))
		err_field(e, "/booking_page/logo_url",
			  "must be an https:// URL without spaces, quotes or angle brackets");
	if (json_get_bool(o, at, "provider_choice", &choice, e) == 1)
		p->no_provider_choice = !choice;
}

/* Replaces the settings: {"rate_limits": {"key": {"quota", "window_seconds"} | null}}; a
 * member left out or null is the server's default. Takes effect in this process at once,
 * in others within RL_TENANT_TTL seconds. */
int h_settings_put(struct req *r, struct err *e)
{
	static const char *const top[] = {"rate_limits", "locale", "booking_page", NULL},
			  *const rl[] = {"key", NULL},
			  *const qw[] = {"quota", "window_seconds", NULL};
	json_t *limits = json_object_get(r->json, "rate_limits"), *key = NULL;
	struct tenant_settings s = {0};
	int q = 0, w = 0;

	json_only_keys(r->json, "", top, e);
	if (json_get_str(r->json, "", "locale", LOCALE_MAX - 1, s.locale, sizeof(s.locale), e) > 0 &&
	    !locale_supported(s.locale))
		err_field(e, "/locale", "must be one of \"en\", \"de\"");
	booking_page_parse(json_object_get(r->json, "booking_page"), &s.page, e);
	if (limits && !json_is_null(limits)) {
		if (!json_is_object(limits))
			err_field(e, "/rate_limits", "must be an object");
		else if (!json_only_keys(limits, "/rate_limits", rl, e))
			key = json_object_get(limits, "key");
	}
	if (key && !json_is_null(key)) {
		if (!json_is_object(key)) {
			err_field(e, "/rate_limits/key",
				  "must be {\"quota\", \"window_seconds\"} or null");
		} else {
			json_only_keys(key, "/rate_limits/key", qw, e);
			if (json_get_int(key, "/rate_limits/key", "quota", 1, 1000000, &q, e) == 0)
				json_required("/rate_limits/key", "quota", e);
			if (json_get_int(key, "/rate_limits/key", "window_seconds", 1, 86400, &w,
					 e) == 0)
				json_required("/rate_limits/key", "window_seconds", e);
			s.key_limit_set = true;
			s.key_quota = (unsigned)q;
			s.key_window = (unsigned)w;
		}
	}
	if (!e->code && !e->nfields && s.key_limit_set && r->ctx->limits) {
		/* A tenant may loosen its keys' limit up to ten times the server's, no further:
		 * the server's limit protects the other tenants too. */
		const struct rl_policy *srv = ratelimit_policy(r->ctx->limits, RL_KEY);
		if (srv->quota && ((double)q > 10.0 * srv->quota ||
				   (double)q / w > 10.0 * srv->quota / srv->window))
			err_field(e, "/rate_limits/key",
				  "may be at most ten times the server's limit (%u requests, %u per"
				  " %u s)",
				  10 * srv->quota, 10 * srv->quota, srv->window);
	}
	if (e->code || e->nfields || uc_settings_put(&r->uc, &s, e))
		return -1;
	if (r->ctx->limits) {
		struct rl_policy p = {s.key_quota, s.key_window};
		ratelimit_tenant_put(r->ctx->limits, r->auth.tenant_id, (double)mono_ns() / 1e9,
				     s.key_limit_set ? &p : NULL);
	}
	return reply_json(r, 200, wire_settings(&s));
}

#define EVENT_TYPE_QUERY_MAX (EVENT_TYPE_MAX - 1)

/* An event type filter: letters, digits, '_' and '.' (a trailing '.' makes it a prefix). */
static bool type_ok(const char *t)
{
	size_t n = strlen(t);

	return n > 0 && n <= EVENT_TYPE_QUERY_MAX &&
	       strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_.") == n;
}

/* GET /v1/events?after=SEQ&limit=N&type=&subject_id=&actor_id=&from=&to=: events in order. */
int h_events_list(struct req *r, struct err *e)
{
	struct event_filter f = {0, INT64_MAX, NULL, NULL, NULL, INT64_MIN, INT64_MAX};
	const char *after_q = req_query(r, "after"), *limit_q = req_query(r, "limit");
	struct event_rec *v;
	int64_t next_after;
	long long after = 0, limit = PAGE_DEFAULT_LIMIT;
	json_t *items;
	size_t n, i;

	if (after_q && wire_int_value(after_q, 0, INT64_MAX, &after))
		return err_field_code(e, ERR_INVALID, "after", "must be an event seq (>= 0)");
	f.after = after;
	if (limit_q && wire_int_value(limit_q, 1, PAGE_MAX_LIMIT, &limit))
		return err_field_code(e, ERR_INVALID, "limit", "must be 1 to %d", PAGE_MAX_LIMIT);
	f.type = req_query(r, "type");
	if (f.type && !type_ok(f.type))
		return err_field_code(e, ERR_INVALID, "type",
				      "must be an event type (booking.created) or a prefix ending in"
				      " a dot (booking.)");
	f.subject_id = req_query(r, "subject_id");
	f.actor_id = req_query(r, "actor_id");
	if (f.subject_id && strlen(f.subject_id) >= ID_MAX)
		return err_field_code(e, ERR_INVALID, "subject_id", "is not an id");
	if (f.actor_id && strlen(f.actor_id) >= ID_MAX)
		return err_field_code(e, ERR_INVALID, "actor_id", "is not an id");
	if (query_instant(r, "from", &f.from, e) < 0 || query_instant(r, "to", &f.to, e) < 0 ||
	    uc_event_list(&r->uc, &f, (size_t)limit, &v, &n, &next_after, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_event(&v[i]));
	return reply_json(r, 200,
			  json_pack("{s:o, s:o}", "data", items, "next_after",
				    next_after ? json_integer(next_after) : json_null()));
}
