#include "http/router.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/civil.h"
#include "http/auth_cache.h"
#include "http/handlers.h"
#include "usecase/uc.h"
#include "util/ids.h"
#include "util/log.h"

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,	/* no authentication */
	ROUTE_BODY = 1 << 1,	/* requires a JSON object body */
	ROUTE_STAFF = 1 << 2,	/* staff keys may call it too (default: admin only) */
	ROUTE_OPT_BODY = 1 << 3,	/* a JSON object body is optional */
	ROUTE_CUSTOMER = 1 << 4,	/* customer keys (booking widgets) may call it too */
	ROUTE_MANAGE = 1 << 5,		/* a booking's manage token may call it (for that booking) */
};

struct route {
	enum http_method method;
	const char *pattern;	/* "{}" segments capture a path parameter */
	int (*handler)(struct req *r, struct err *e);
	unsigned flags;
};

static const struct route routes[] = {
	{HTTP_GET, "/healthz", h_healthz, ROUTE_PUBLIC},
	{HTTP_GET, "/readyz", h_readyz, ROUTE_PUBLIC},
	{HTTP_POST, "/v1/providers", h_provider_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers", h_provider_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/providers/{}", h_provider_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/providers/{}", h_provider_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/providers/{}", h_provider_delete, 0},
	{HTTP_PUT, "/v1/providers/{}/schedule", h_schedule_put, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/schedule", h_schedule_get, ROUTE_STAFF},
	{HTTP_POST, "/v1/providers/{}/overrides", h_override_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/overrides", h_override_list, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/providers/{}/overrides/{}", h_override_delete, 0},
	{HTTP_POST, "/v1/providers/{}/time-off", h_time_off_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/time-off", h_time_off_list, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/providers/{}/time-off/{}", h_time_off_delete, 0},
	{HTTP_POST, "/v1/services", h_service_create, ROUTE_BODY},
	{HTTP_GET, "/v1/services", h_service_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/services/{}", h_service_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/services/{}", h_service_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/services/{}", h_service_delete, 0},
	{HTTP_POST, "/v1/holidays", h_holiday_create, ROUTE_BODY},
	{HTTP_GET, "/v1/holidays", h_holiday_list, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/holidays/{}", h_holiday_delete, 0},
	{HTTP_POST, "/v1/bookings", h_booking_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/bookings", h_booking_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/bookings/{}", h_booking_get, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/bookings/{}/history", h_booking_history, ROUTE_STAFF},
	{HTTP_POST, "/v1/bookings/{}/{}", h_booking_action,
	 ROUTE_OPT_BODY | ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/slots", h_slots, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/slots/explain", h_slots_explain, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_POST, "/v1/holds", h_hold_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/holds/{}", h_hold_get, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_DELETE, "/v1/holds/{}", h_hold_delete, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_POST, "/v1/waitlist", h_waitlist_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/waitlist", h_waitlist_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/waitlist/{}", h_waitlist_get, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/waitlist/{}", h_waitlist_delete, ROUTE_STAFF},
	{HTTP_GET, "/v1/policy", h_policy_get, ROUTE_STAFF},
	{HTTP_PUT, "/v1/policy", h_policy_put, ROUTE_BODY},
	{HTTP_GET, "/v1/events", h_events_list, 0},
	{HTTP_POST, "/v1/keys", h_key_create, ROUTE_BODY},
	{HTTP_GET, "/v1/keys", h_key_list, 0},
	{HTTP_GET, "/v1/keys/{}", h_key_get, 0},
	{HTTP_DELETE, "/v1/keys/{}", h_key_delete, 0},
	{HTTP_POST, "/v1/entries", h_entry_create, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_GET, "/v1/entries", h_entry_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/entries/{}", h_entry_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/entries/{}", h_entry_patch, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_DELETE, "/v1/entries/{}", h_entry_delete, ROUTE_STAFF},
	{HTTP_GET, "/v1/entries/{}/occurrences", h_entry_occurrences, ROUTE_STAFF},
	{HTTP_GET, "/v1/calendar", h_calendar, ROUTE_STAFF},
	{HTTP_GET, "/v1/openapi.json", h_openapi, ROUTE_PUBLIC},
};

static const char *const method_names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

#define PARAM_MAX_LEN 64

/* Matches path against pattern, capturing parameters into r->params. */
static bool match(const char *pattern, const char *path, struct req *r, bool capture)
{
	size_t np = 0;

	while (*pattern && *path) {
		if (pattern[0] == '{' && pattern[1] == '}') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);
			if (len == 0 || len > PARAM_MAX_LEN)
				return false;
			if (capture && np < REQ_MAX_PARAMS)
				r->params[np] = arena_strndup(r->arena, path, len);
			np++;
			pattern += 2;
			path += len;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static bool is_json_type(const char *ct)
{
	size_t n;

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	if (n == 16 && !strncasecmp(ct, "application/json", 16))
		return true;
	/* application/<anything>+json, e.g. merge-patch+json */
	return n > 17 && !strncasecmp(ct, "application/", 12) && !strncasecmp(ct + n - 5, "+json", 5);
}

/* JSON is UTF-8 (RFC 8259): a charset parameter, when given, must say so. */
static bool charset_is_utf8(const char *ct)
{
	const char *p = ct;
	size_t n;

	while ((p = strchr(p, ';')) != NULL) {
		p += 1 + strspn(p + 1, " \t");
		if (strncasecmp(p, "charset=", 8))
			continue;
		p += 8;
		n = strcspn(p, "; \t");
		if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
			p++;
			n -= 2;
		}
		return (n == 5 && !strncasecmp(p, "utf-8", 5)) ||
		       (n == 4 && !strncasecmp(p, "utf8", 4));
	}
	return true;
}

static int authenticate(struct req *r, unsigned flags, struct err *e)
{
	const char *h = req_header(r, "Authorization");
	char hash[TOKEN_HASH_MAX];
	unsigned long epoch = 0;
	double now_s;
	size_t len;

	if (!h)
		return err_set(e, ERR_UNAUTHORIZED, "missing Authorization: Bearer <api key>");
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return err_set(e, ERR_UNAUTHORIZED, "Authorization must use the Bearer scheme");
	h += 7;
	while (*h == ' ')
		h++;
	len = strlen(h);
	if (len == 0 || len > 200)
		return err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
	token_hash(hash, h, len);
	now_s = auth_cache_now();
	memcpy(r->key_hash, hash, sizeof(r->key_hash));
	if (r->ctx->auth_cache &&
	    auth_cache_get(r->ctx->auth_cache, hash, now_s, &r->auth, &epoch)) {
		if (uc_auth_current(&r->auth, r->now, e))
			return -1;
	} else {
		if (uc_authenticate(&r->ctx->env, h, hash, r->now, &r->auth, e))
			return -1;
		if (r->ctx->auth_cache)
			auth_cache_put(r->ctx->auth_cache, hash, now_s, &r->auth, epoch);
	}
	uc_ctx_init(&r->uc, &r->ctx->env, &r->auth, r->now, r->request_id, r->arena);
	if (r->auth.role == ROLE_ADMIN)
		return 0;
	if (*r->auth.booking_id) {
		if (flags & ROUTE_MANAGE)
			return 0;
		return err_set(e, ERR_FORBIDDEN, "a manage token may only read and change its booking");
	}
	if (r->auth.role == ROLE_STAFF && (flags & ROUTE_STAFF))
		return 0;
	if (r->auth.role == ROLE_CUSTOMER && (flags & ROUTE_CUSTOMER))
		return 0;
	return err_set(e, ERR_FORBIDDEN, "this API key's role (%s) may not call this route",
		       role_name(r->auth.role));
}

static void json_decref_cb(void *p)
{
	json_decref(p);
}

static int parse_body(struct req *r, struct err *e)
{
	json_error_t jerr;

	if (r->body_in.failed)
		return err_set(e, ERR_TOO_LARGE, "request body is larger than %u bytes",
			       REQ_BODY_LIMIT);
	if (!is_json_type(req_header(r, "Content-Type")))
		return err_set(e, ERR_MEDIA_TYPE, "request body must be application/json");
	if (!charset_is_utf8(req_header(r, "Content-Type")))
		return err_set(e, ERR_MEDIA_TYPE, "a JSON request body must be UTF-8");
	if (r->body_in.len == 0)
		return err_set(e, ERR_MALFORMED, "request body is empty; a JSON object is required");
	r->json = json_loadb(r->body_in.ptr, r->body_in.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->json)
		return err_set(e, ERR_MALFORMED, "malformed JSON at line %d column %d: %s",
			       jerr.line, jerr.column, jerr.text);
	arena_on_free(r->arena, json_decref_cb, r->json);
	if (!json_is_object(r->json))
		return err_set(e, ERR_MALFORMED, "request body must be a JSON object");
	return 0;
}

static int set_now(struct req *r, struct err *e)
{
	const char *t;

	r->now = (int64_t)time(NULL);
	if (!r->ctx->test_clock)
		return 0;
	t = req_header(r, "X-Test-Now");
	if (t && rfc3339_parse(t, &r->now))
		return err_set(e, ERR_MALFORMED, "X-Test-Now must be an RFC 3339 date-time");
	return 0;
}

/* X-Request-Id as sent when it is 1-64 characters of letters, digits and ._:-_, else a new
 * id: echoed on the response and recorded with the request's events. */
static void set_request_id(struct req *r)
{
	const char *h = req_header(r, "X-Request-Id");
	size_t n = h ? strlen(h) : 0;

	if (n && n < sizeof(r->request_id) && strspn(h, "abcdefghijklmnopqrstuvwxyz"
						       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						       "0123456789._:-_") == n)
		memcpy(r->request_id, h, n + 1);
	else
		id_new(r->request_id, "req");
}

static int run(struct req *r, struct err *e)
{
	const struct route *found = NULL;
	char allow[64] = "";
	size_t i;

	set_request_id(r);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!match(routes[i].pattern, r->path, r, false))
			continue;
		if (routes[i].method == r->method) {
			found = &routes[i];
			break;
		}
		if (*allow)
			strncat(allow, ", ", sizeof(allow) - strlen(allow) - 1);
		strncat(allow, method_names[routes[i].method], sizeof(allow) - strlen(allow) - 1);
	}
	if (!found) {
		if (*allow) {
			req_add_header(r, "Allow", allow);
			return err_set(e, ERR_METHOD, "method not allowed on %s (allowed: %s)",
				       r->path, allow);
		}
		return err_set(e, ERR_NOT_FOUND, "no route for %s", r->path);
	}
	match(found->pattern, r->path, r, true);
	if (set_now(r, e))
		return -1;
	if (!(found->flags & ROUTE_PUBLIC) && authenticate(r, found->flags, e))
		return -1;
	if ((found->flags & ROUTE_BODY) && parse_body(r, e))
		return -1;
	if ((found->flags & ROUTE_OPT_BODY) && (r->body_in.len || r->body_in.failed) &&
	    parse_body(r, e))
		return -1;
	if (!(found->flags & (ROUTE_BODY | ROUTE_OPT_BODY)) && r->body_in.failed)
		return err_set(e, ERR_TOO_LARGE, "request body is larger than %u bytes",
			       REQ_BODY_LIMIT);
	return found->handler(r, e);
}

void router_dispatch(struct req *r)
{
	struct err e;

	err_init(&e);
	if (run(r, &e)) {
		if (e.code == ERR_OK)
			err_set(&e, ERR_INTERNAL, "handler failed without an error");
		reply_problem(r, &e);
	}
}
