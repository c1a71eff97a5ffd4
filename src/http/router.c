#include "http/router.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/civil.h"
#include "http/auth_cache.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "usecase/uc.h"
#include "util/ids.h"
#include "util/log.h"
#include "util/metrics.h"

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,	/* no authentication */
	ROUTE_BODY = 1 << 1,	/* requires a JSON object body */
	ROUTE_STAFF = 1 << 2,	/* staff keys may call it too (default: admin only) */
	ROUTE_OPT_BODY = 1 << 3,	/* a JSON object body is optional */
	ROUTE_CUSTOMER = 1 << 4,	/* customer keys (booking widgets) may call it too */
	ROUTE_MANAGE = 1 << 5,		/* a booking's manage token may call it (for that booking) */
	ROUTE_UNLIMITED = 1 << 6,	/* no rate limit (monitoring) */
	ROUTE_TEST = 1 << 7,		/* exists only with the test clock (SLOTD_TEST_CLOCK=1) */
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
	{HTTP_GET, "/metrics", h_metrics, ROUTE_PUBLIC | ROUTE_UNLIMITED},
	{HTTP_POST, "/v1/providers", h_provider_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers", h_provider_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/providers/{}", h_provider_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/providers/{}", h_provider_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/providers/{}", h_provider_delete, 0},
	{HTTP_PUT, "/v1/providers/{}/schedule", h_schedule_put, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/schedule", h_schedule_get, ROUTE_STAFF},
	{HTTP_POST, "/v1/providers/{}/overrides", h_override_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/overrides", h_override_list, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/providers/{}/overrides/{}", h_override_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/providers/{}/overrides/{}", h_override_delete, 0},
	{HTTP_POST, "/v1/providers/{}/time-off", h_time_off_create, ROUTE_BODY},
	{HTTP_GET, "/v1/providers/{}/time-off", h_time_off_list, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/providers/{}/time-off/{}", h_time_off_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/providers/{}/time-off/{}", h_time_off_delete, 0},
	{HTTP_POST, "/v1/providers/{}/feeds", h_provider_feed_create, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_GET, "/v1/providers/{}/feeds", h_provider_feed_list, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/providers/{}/feeds/{}", h_provider_feed_delete, ROUTE_STAFF},
	{HTTP_POST, "/v1/feeds", h_feed_create, ROUTE_BODY},
	{HTTP_GET, "/v1/feeds", h_feed_list, 0},
	{HTTP_DELETE, "/v1/feeds/{}", h_feed_delete, 0},
	{HTTP_GET, "/feeds/{}", h_feed_ics, ROUTE_PUBLIC | ROUTE_UNLIMITED},	/* limits its own */
	{HTTP_POST, "/v1/providers/{}/calendars", h_calendar_create, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_GET, "/v1/providers/{}/calendars", h_calendar_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/providers/{}/calendars/{}", h_calendar_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/providers/{}/calendars/{}", h_calendar_patch, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_DELETE, "/v1/providers/{}/calendars/{}", h_calendar_delete, ROUTE_STAFF},
	{HTTP_POST, "/v1/providers/{}/calendars/{}/sync", h_calendar_sync, ROUTE_STAFF},
	{HTTP_POST, "/v1/services", h_service_create, ROUTE_BODY},
	{HTTP_GET, "/v1/services", h_service_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/services/{}", h_service_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/services/{}", h_service_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/services/{}", h_service_delete, 0},
	{HTTP_GET, "/v1/services/{}/providers", h_offer_list, ROUTE_STAFF},
	{HTTP_POST, "/v1/services/{}/providers", h_service_providers_add, ROUTE_BODY},
	{HTTP_DELETE, "/v1/services/{}/provider_ids/{}", h_service_provider_remove, 0},
	{HTTP_GET, "/v1/services/{}/providers/{}", h_offer_get, ROUTE_STAFF},
	{HTTP_PUT, "/v1/services/{}/providers/{}", h_offer_put, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_DELETE, "/v1/services/{}/providers/{}", h_offer_delete, ROUTE_STAFF},
	{HTTP_GET, "/v1/business-hours", h_business_get, ROUTE_STAFF},
	{HTTP_PUT, "/v1/business-hours", h_business_put, ROUTE_BODY},
	{HTTP_DELETE, "/v1/business-hours", h_business_delete, 0},
	{HTTP_POST, "/v1/business-hours/overrides", h_business_override_create, ROUTE_BODY},
	{HTTP_GET, "/v1/business-hours/overrides", h_business_override_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/business-hours/overrides/{}", h_business_override_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/business-hours/overrides/{}", h_business_override_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/business-hours/overrides/{}", h_business_override_delete, 0},
	{HTTP_POST, "/v1/holidays", h_holiday_create, ROUTE_BODY},
	{HTTP_GET, "/v1/holidays", h_holiday_list, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/holidays/{}", h_holiday_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/holidays/{}", h_holiday_delete, 0},
	{HTTP_POST, "/v1/bookings", h_booking_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/bookings", h_booking_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/bookings/{}", h_booking_get, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_PATCH, "/v1/bookings/{}", h_booking_patch, ROUTE_BODY | ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_POST, "/v1/bookings/{}/feedback", h_feedback_create, ROUTE_BODY | ROUTE_MANAGE},
	{HTTP_PATCH, "/v1/bookings/{}/feedback", h_feedback_patch, ROUTE_BODY | ROUTE_MANAGE},
	{HTTP_GET, "/v1/bookings/{}/feedback", h_feedback_get, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/bookings/{}/history", h_booking_history, ROUTE_STAFF},
	{HTTP_GET, "/v1/bookings/{}/reminders", h_booking_reminders, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_POST, "/v1/bookings/{}/attachments", h_attachment_upload, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/bookings/{}/attachments", h_attachment_list, ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/bookings/{}/attachments/{}", h_attachment_download,
	 ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_DELETE, "/v1/bookings/{}/attachments/{}", h_attachment_delete,
	 ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_POST, "/v1/bookings/{}/{}", h_booking_action,
	 ROUTE_OPT_BODY | ROUTE_STAFF | ROUTE_MANAGE},
	{HTTP_GET, "/v1/slots", h_slots, ROUTE_STAFF | ROUTE_CUSTOMER | ROUTE_MANAGE},
	{HTTP_GET, "/v1/slots/explain", h_slots_explain, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_POST, "/v1/holds", h_hold_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/holds/{}", h_hold_get, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_DELETE, "/v1/holds/{}", h_hold_delete, ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_POST, "/v1/waitlist", h_waitlist_create, ROUTE_BODY | ROUTE_STAFF | ROUTE_CUSTOMER},
	{HTTP_GET, "/v1/waitlist", h_waitlist_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/waitlist/{}", h_waitlist_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/waitlist/{}", h_waitlist_patch, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_DELETE, "/v1/waitlist/{}", h_waitlist_delete, ROUTE_STAFF},
	{HTTP_GET, "/v1/policy", h_policy_get, ROUTE_STAFF},
	{HTTP_GET, "/v1/settings", h_settings_get, 0},
	{HTTP_PUT, "/v1/settings", h_settings_put, ROUTE_BODY},
	{HTTP_PUT, "/v1/policy", h_policy_put, ROUTE_BODY},
	{HTTP_GET, "/v1/events", h_events_list, 0},
	{HTTP_POST, "/v1/keys", h_key_create, ROUTE_BODY},
	{HTTP_GET, "/v1/keys", h_key_list, 0},
	{HTTP_GET, "/v1/keys/{}", h_key_get, 0},
	{HTTP_DELETE, "/v1/keys/{}", h_key_delete, 0},
	{HTTP_POST, "/v1/users", h_user_create, ROUTE_BODY},
	{HTTP_GET, "/v1/users", h_user_list, 0},
	{HTTP_GET, "/v1/users/{}", h_user_get, 0},
	{HTTP_PATCH, "/v1/users/{}", h_user_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/users/{}", h_user_delete, 0},
	{HTTP_DELETE, "/v1/users/{}/sessions", h_user_sessions_delete, 0},
	{HTTP_POST, "/v1/sessions", h_session_create, ROUTE_PUBLIC | ROUTE_BODY},
	{HTTP_GET, "/v1/sessions/current", h_session_get, ROUTE_STAFF},
	{HTTP_DELETE, "/v1/sessions/current", h_session_delete, ROUTE_STAFF},
	{HTTP_POST, "/v1/entries", h_entry_create, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_GET, "/v1/entries", h_entry_list, ROUTE_STAFF},
	{HTTP_GET, "/v1/entries/{}", h_entry_get, ROUTE_STAFF},
	{HTTP_PATCH, "/v1/entries/{}", h_entry_patch, ROUTE_BODY | ROUTE_STAFF},
	{HTTP_DELETE, "/v1/entries/{}", h_entry_delete, ROUTE_STAFF},
	{HTTP_GET, "/v1/entries/{}/occurrences", h_entry_occurrences, ROUTE_STAFF},
	{HTTP_GET, "/v1/calendar", h_calendar, ROUTE_STAFF},
	{HTTP_GET, "/v1/analytics", h_analytics, ROUTE_STAFF},
	{HTTP_POST, "/v1/webhook-endpoints", h_webhook_create, ROUTE_BODY},
	{HTTP_GET, "/v1/webhook-endpoints", h_webhook_list, 0},
	{HTTP_GET, "/v1/webhook-endpoints/{}", h_webhook_get, 0},
	{HTTP_PATCH, "/v1/webhook-endpoints/{}", h_webhook_patch, ROUTE_BODY},
	{HTTP_DELETE, "/v1/webhook-endpoints/{}", h_webhook_delete, 0},
	{HTTP_POST, "/v1/webhook-endpoints/{}/rotate-secret", h_webhook_rotate, 0},
	{HTTP_GET, "/v1/webhook-endpoints/{}/deliveries", h_webhook_deliveries, 0},
	{HTTP_POST, "/v1/webhook-endpoints/{}/recover", h_webhook_recover, ROUTE_BODY},
	{HTTP_GET, "/v1/deliveries", h_delivery_list, 0},
	{HTTP_GET, "/v1/deliveries/{}", h_delivery_get, 0},
	{HTTP_POST, "/v1/deliveries/{}/replay", h_delivery_replay, 0},
	{HTTP_GET, "/v1/templates", h_template_list, 0},
	{HTTP_GET, "/v1/templates/{}/{}", h_template_get, 0},
	{HTTP_PUT, "/v1/templates/{}/{}", h_template_put, ROUTE_BODY},
	{HTTP_DELETE, "/v1/templates/{}/{}", h_template_delete, 0},
	{HTTP_POST, "/v1/templates/{}/{}/preview", h_template_preview, ROUTE_OPT_BODY},
	{HTTP_GET, "/v1/openapi.json", h_openapi, ROUTE_PUBLIC},
	{HTTP_GET, "/v1/public/{}", h_public_page, ROUTE_PUBLIC},
	{HTTP_GET, "/v1/public/{}/slots", h_public_slots, ROUTE_PUBLIC},
	{HTTP_POST, "/v1/public/{}/holds", h_public_hold_create, ROUTE_PUBLIC | ROUTE_BODY},
	{HTTP_DELETE, "/v1/public/{}/holds/{}", h_public_hold_delete, ROUTE_PUBLIC},
	{HTTP_POST, "/v1/public/{}/bookings", h_public_booking_create, ROUTE_PUBLIC | ROUTE_BODY},
	{HTTP_POST, "/v1/public/{}/waitlist", h_public_waitlist_create, ROUTE_PUBLIC | ROUTE_BODY},
	{HTTP_GET, "/v1/public/{}/waitlist/{}", h_public_waitlist_get, ROUTE_PUBLIC},
	{HTTP_GET, "/v1/manage", h_manage, ROUTE_MANAGE},
	{HTTP_GET, "/book/{}", h_web_booking_page, ROUTE_PUBLIC},
	{HTTP_GET, "/book/{}/{}", h_web_booking_page, ROUTE_PUBLIC},
	{HTTP_GET, "/book/{}/bookings/{}", h_web_manage_page, ROUTE_PUBLIC},
	{HTTP_GET, "/manage/{}", h_web_manage_page, ROUTE_PUBLIC},
	{HTTP_GET, "/assets/{}", h_web_asset, ROUTE_PUBLIC},
	{HTTP_GET, "/embed.js", h_web_embed, ROUTE_PUBLIC},
	{HTTP_GET, "/console", h_web_console, ROUTE_PUBLIC},
	{HTTP_GET, "/console/", h_web_console, ROUTE_PUBLIC},
	{HTTP_GET, "/console/{}", h_web_console, ROUTE_PUBLIC},
	{HTTP_GET, "/console/{}/{}", h_web_console, ROUTE_PUBLIC},
	{HTTP_POST, "/v1/test/clock", h_test_clock, ROUTE_BODY | ROUTE_TEST},
};

static const char *const method_names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

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

size_t router_routes(void)
{
	return NROUTES;
}

const char *router_route_template(size_t i)
{
	return i < NROUTES ? routes[i].pattern : "unmatched";
}

enum http_method router_route_method(size_t i)
{
	return i < NROUTES ? routes[i].method : HTTP_OTHER;
}

int router_find(enum http_method m, const char *path)
{
	size_t i;

	for (i = 0; i < NROUTES; i++)
		if (routes[i].method == m && match(routes[i].pattern, path, NULL, false))
			return (int)i;
	return -1;
}

const char *router_lookup(enum http_method m, const char *path)
{
	int i = router_find(m, path);

	return i < 0 ? NULL : routes[i].pattern;
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

int http_limit_answer(struct req *r, enum rl_scope scope, const struct rl_policy *p,
		      const struct rl_answer *a, const char *what, struct err *e)
{
	char v[96];

	if (!p->quota)
		return 0;
	snprintf(v, sizeof(v), "\"%s\";q=%u;w=%u", rl_scope_name(scope), p->quota, p->window);
	req_add_header(r, "RateLimit-Policy", v);
	snprintf(v, sizeof(v), "\"%s\";r=%u;t=%u", rl_scope_name(scope), a->remaining, a->reset);
	req_add_header(r, "RateLimit", v);
	if (a->allowed)
		return 0;
	http_count_limited(scope);
	if (what)
		err_set(e, ERR_RATE_LIMITED, "too many requests %s; retry in %u s", what,
			a->retry_after);
	else if (scope == RL_AUTH_FAILURE)
		err_set(e, ERR_RATE_LIMITED,
			"too many failed authentications from this address; retry in %u s",
			a->retry_after);
	else
		err_set(e, ERR_RATE_LIMITED, "too many requests for this %s; retry in %u s",
			scope == RL_KEY	    ? "API key"
			: scope == RL_TOKEN ? "manage token"
					    : "address",
			a->retry_after);
	e->retry_after = (int)a->retry_after;
	return -1;
}

/* The per-key limit of the caller's tenant: its own setting (cached for a few seconds),
 * else the server's. A store failure leaves the server's. */
static const struct rl_policy *key_policy(struct req *r, double now, struct rl_policy *own)
{
	struct ratelimit *rl = r->ctx->limits;
	struct tenant_settings set;
	struct err e;
	bool has;

	if (!ratelimit_tenant_get(rl, r->auth.tenant_id, now, &has, own)) {
		err_init(&e);
		if (uc_tenant_settings(&r->ctx->env, r->auth.tenant_id, &set, &e))
			return ratelimit_policy(rl, RL_KEY);
		has = set.key_limit_set;
		own->quota = set.key_quota;
		own->window = set.key_window ? set.key_window : 1;
		ratelimit_tenant_put(rl, r->auth.tenant_id, now, has ? own : NULL);
	}
	return has ? own : ratelimit_policy(rl, RL_KEY);
}

/* Takes one request from the bucket of (scope, id). */
static int limit(struct req *r, enum rl_scope scope, const char *id, struct err *e)
{
	double now = (double)mono_ns() / 1e9;
	const struct rl_policy *p;
	struct rl_policy own;
	struct rl_answer a;

	if (!r->ctx->limits)
		return 0;
	p = scope == RL_KEY ? key_policy(r, now, &own) : ratelimit_policy(r->ctx->limits, scope);
	ratelimit_take(r->ctx->limits, scope, id, now, p, &a);
	return http_limit_answer(r, scope, p, &a, NULL, e);
}

/* A failed authentication counts against the client's address; once its allowance is
 * spent, credentials it sends get 429 without a lookup unless they authenticated from that
 * address within the last hour. */
static int auth_failed(struct req *r, struct err *e)
{
	struct rl_answer a;

	if (!r->ctx->limits || (e->code != ERR_UNAUTHORIZED && e->code != ERR_INVALID_CREDENTIALS))
		return -1;
	if (!ratelimit_take(r->ctx->limits, RL_AUTH_FAILURE, r->remote_key,
			    (double)mono_ns() / 1e9, NULL, &a)) {
		err_init(e);
		http_limit_answer(r, RL_AUTH_FAILURE,
				  ratelimit_policy(r->ctx->limits, RL_AUTH_FAILURE), &a, NULL, e);
	}
	return -1;
}

/* Before looking a credential up: 429 (with the allowance's headers) when the address has
 * spent its failed-authentication allowance and the credential is not one it used well. */
static int auth_allowed(struct req *r, const char *hash, struct err *e)
{
	double now = (double)mono_ns() / 1e9;
	struct rl_answer a;

	if (!r->ctx->limits ||
	    ratelimit_left(r->ctx->limits, RL_AUTH_FAILURE, r->remote_key, now, &a) ||
	    ratelimit_good(r->ctx->limits, r->remote_key, hash, now))
		return 0;
	return http_limit_answer(r, RL_AUTH_FAILURE,
				 ratelimit_policy(r->ctx->limits, RL_AUTH_FAILURE), &a, NULL, e);
}

int router_auth_failed(struct req *r, struct err *e)
{
	return auth_failed(r, e);
}

int router_auth_allowed(struct req *r, struct err *e)
{
	return auth_allowed(r, "", e);
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

/* A console session (the slotd_session cookie, sent without an Authorization header) into
 * r->auth and r->session; a change (any method but GET) must carry the session's CSRF
 * token. */
static int session_authenticate(struct req *r, const char *token, struct err *e)
{
	const char *csrf = req_header(r, "X-CSRF-Token");
	char hash[TOKEN_HASH_MAX];
	struct session_view *v;
	size_t len = strlen(token);

	if (len == 0 || len > 200)
		return err_set(e, ERR_UNAUTHORIZED, "the session is not valid; sign in again");
	token_hash(hash, token, len);
	memcpy(r->key_hash, hash, sizeof(r->key_hash));
	v = arena_alloc(r->arena, sizeof(*v));
	if (auth_allowed(r, hash, e) || uc_session_auth(&r->ctx->env, hash, r->now, &r->auth, v, e))
		return -1;
	if (r->ctx->limits)
		ratelimit_good_put(r->ctx->limits, r->remote_key, hash, (double)mono_ns() / 1e9);
	r->session = v;
	if (r->method != HTTP_GET &&
	    (!csrf || strlen(csrf) != strlen(v->csrf_token) ||
	     sodium_memcmp(csrf, v->csrf_token, strlen(csrf)) != 0))
		return err_set(e, ERR_CSRF, "this change needs the X-CSRF-Token header of your session");
	return 0;
}

static int authorize(struct req *r, unsigned flags, struct err *e);

static int authenticate(struct req *r, unsigned flags, struct err *e)
{
	const char *h = req_header(r, "Authorization");
	const char *cookie = h ? NULL : req_cookie(r, SESSION_COOKIE);
	char hash[TOKEN_HASH_MAX];
	unsigned long epoch = 0;
	double now_s;
	size_t len;

	if (cookie) {
		if (session_authenticate(r, cookie, e))
			return -1;
		return authorize(r, flags, e);
	}
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
		if (auth_allowed(r, hash, e) ||
		    uc_authenticate(&r->ctx->env, h, hash, r->now, &r->auth, e))
			return -1;
		if (r->ctx->auth_cache)
			auth_cache_put(r->ctx->auth_cache, hash, now_s, &r->auth, epoch);
		if (r->ctx->limits)
			ratelimit_good_put(r->ctx->limits, r->remote_key, hash,
					   (double)mono_ns() / 1e9);
	}
	return authorize(r, flags, e);
}

/* Whether the authenticated caller's role may call the route; sets up the use cases'
 * context. */
static int authorize(struct req *r, unsigned flags, struct err *e)
{
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
	if (*r->auth.user_id)
		return err_set(e, ERR_FORBIDDEN, "a user with the role %s may not call this route",
			       role_name(r->auth.role));
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

	r->now = uc_clock();
	if (!r->ctx->test_clock)
		return 0;
	t = req_header(r, "X-Test-Now");
	if (t && rfc3339_parse(t, &r->now))
		return err_set(e, ERR_MALFORMED, "X-Test-Now must be an RFC 3339 date-time");
	return 0;
}

/* Finds the route, sets the request's clock, authenticates and takes from the rate limits:
 * all that comes before the body. Sets r->route. */
static int admit(struct req *r, struct err *e)
{
	const struct route *found = NULL;
	char allow[64] = "";
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		if ((routes[i].flags & ROUTE_TEST) && !r->ctx->test_clock)
			continue;
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
	r->route = (int)(found - routes);
	if (set_now(r, e))
		return -1;
	if (found->flags & ROUTE_PUBLIC) {
		if (!(found->flags & ROUTE_UNLIMITED) && limit(r, RL_ADDRESS, r->remote_key, e))
			return -1;
	} else {
		if (authenticate(r, found->flags, e))
			return auth_failed(r, e);
		if (*r->auth.booking_id ? limit(r, RL_TOKEN, r->key_hash, e)
					: limit(r, RL_KEY, *r->auth.key_id ? r->auth.key_id
									   : r->key_hash, e))
			return -1;
	}
	/* Before any handler or upload check reads a query value as a C string. */
	return req_query_check(r, e);
}

int router_admit(struct req *r, struct err *e)
{
	int rc;

	log_set_request(r->request_id);
	rc = admit(r, e);
	log_set_request(NULL);
	if (rc == 0)
		r->admitted = true;
	return rc;
}

static int run(struct req *r, struct err *e)
{
	const struct route *found;

	if (!r->admitted && admit(r, e))
		return -1;
	found = &routes[r->route];
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
	log_set_request(r->request_id);
	if (run(r, &e)) {
		if (e.code == ERR_OK)
			err_set(&e, ERR_INTERNAL, "handler failed without an error");
		reply_problem(r, &e);
	}
	log_set_request(NULL);
}
