/* Calendar subscription feeds: /v1/providers/{id}/feeds and /v1/feeds (made with the token
 * shown once, listed, revoked), and GET /feeds/{token}.ics, which the token alone opens. */
#include "http/handlers.h"

#include <ctype.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "usecase/uc_feeds.h"
#include "util/ids.h"
#include "util/mem.h"
#include "util/metrics.h"
#include "wire/wire_feeds.h"

static const char *const feed_keys[] = {"kind", "name", "days_back", "days_ahead", NULL};

static int parse(struct req *r, struct feed *f, struct err *e)
{
	json_t *o = r->json;
	char kind[16];
	int got;

	json_only_keys(o, "", feed_keys, e);
	got = json_get_str(o, "", "kind", sizeof(kind) - 1, kind, sizeof(kind), e);
	if (got == 0)
		json_required("", "kind", e);
	else if (got > 0 && feed_kind_parse(kind, &f->kind))
		err_field(e, "/kind", "must be details or busy");
	json_get_str(o, "", "name", FEED_NAME_MAX, f->name, sizeof(f->name), e);
	f->days_back = FEED_DAYS_BACK_DEFAULT;
	f->days_ahead = FEED_DAYS_AHEAD_DEFAULT;
	json_get_int(o, "", "days_back", 0, FEED_DAYS_BACK_MAX, &f->days_back, e);
	json_get_int(o, "", "days_ahead", 1, FEED_DAYS_AHEAD_MAX, &f->days_ahead, e);
	return e->code ? -1 : 0;
}

/* A Host header fit to put in a URL: letters, digits and . - : [ ] only. */
static bool host_ok(const char *h)
{
	if (!h || !*h || strlen(h) > 255)
		return false;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && !strchr(".-:[]", *h))
			return false;
	return true;
}

/* The feed's subscription URLs: under --public-url when set, else under the address the
 * client used; webcal_url NULL when neither is known. */
static void feed_urls(struct req *r, const char *token, char **url, char **webcal)
{
	const char *base = wire_links_base(), *host = req_header(r, "Host");
	char root[320], text[640];
	const char *rest;

	if (*base)
		snprintf(root, sizeof(root), "%s", base);
	else if (host_ok(host))
		snprintf(root, sizeof(root), "%s://%s", r->ctx->tls_cert_file ? "https" : "http",
			 host);
	else
		*root = '\0';
	snprintf(text, sizeof(text), "%s/feeds/%s.ics", root, token);
	*url = arena_strdup(r->arena, text);
	rest = strstr(text, "://");
	*webcal = NULL;
	if (rest) {
		char w[660];
		snprintf(w, sizeof(w), "webcal%s", rest);
		*webcal = arena_strdup(r->arena, w);
	}
}

static int feed_create(struct req *r, const char *provider_id, struct err *e)
{
	char token[TOKEN_MAX], *url, *webcal;
	struct feed f;

	memset(&f, 0, sizeof(f));
	if (parse(r, &f, e))
		return -1;
	snprintf(f.provider_id, sizeof(f.provider_id), "%s", provider_id ? provider_id : "");
	if (uc_feed_create(&r->uc, &f, token, e))
		return -1;
	feed_urls(r, token, &url, &webcal);
	return reply_json(r, 201, wire_feed(&f, url, webcal ? webcal : ""));
}

static int feed_list(struct req *r, const char *provider_id, struct err *e)
{
	struct feed *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "fed", &pg, e) || uc_feed_list(&r->uc, provider_id, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_feed(&v[i], NULL, NULL));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_provider_feed_create(struct req *r, struct err *e)
{
	const char *pid;

	return path_id(r, 0, "prv", &pid, e) ? -1 : feed_create(r, pid, e);
}

int h_provider_feed_list(struct req *r, struct err *e)
{
	const char *pid;

	return path_id(r, 0, "prv", &pid, e) ? -1 : feed_list(r, pid, e);
}

int h_provider_feed_delete(struct req *r, struct err *e)
{
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "fed", &id, e) ||
	    uc_feed_revoke(&r->uc, pid, id, e))
		return -1;
	return reply_no_content(r);
}

int h_feed_create(struct req *r, struct err *e)
{
	return feed_create(r, NULL, e);
}

int h_feed_list(struct req *r, struct err *e)
{
	return feed_list(r, NULL, e);
}

int h_feed_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "fed", &id, e) || uc_feed_revoke(&r->uc, NULL, id, e))
		return -1;
	return reply_no_content(r);
}

/* --- GET /feeds/{token}.ics --- */

/* Sets the RateLimit headers of a; when it refused, 429 with Retry-After. */
static int limited(struct req *r, enum rl_scope scope, const struct rl_answer *a, const char *what,
		   struct err *e)
{
	return http_limit_answer(r, scope, ratelimit_policy(r->ctx->limits, scope), a, what, e);
}

static double mono_seconds(void)
{
	return (double)mono_ns() / 1e9;
}

/* Before the lookup: an address that spent its failed-authentication allowance (wrong feed
 * tokens count there, as wrong keys do) is refused unless the token served it before. */
static int unknown_allowed(struct req *r, const char *hash, struct err *e)
{
	struct rl_answer a;
	double now = mono_seconds();

	if (!r->ctx->limits ||
	    ratelimit_left(r->ctx->limits, RL_AUTH_FAILURE, r->remote_key, now, &a) ||
	    ratelimit_good(r->ctx->limits, r->remote_key, hash, now))
		return 0;
	return limited(r, RL_AUTH_FAILURE, &a, "with unknown credentials from this address", e);
}

/* A token that matched no feed counts against the address. */
static void unknown_seen(struct req *r)
{
	struct rl_answer a;

	if (r->ctx->limits)
		ratelimit_take(r->ctx->limits, RL_AUTH_FAILURE, r->remote_key, mono_seconds(), NULL,
			       &a);
}

/* One request from the token's own bucket (the manage tokens' limit). */
static int token_allowed(struct req *r, const char *hash, struct err *e)
{
	struct rl_answer a;
	double now = mono_seconds();

	if (!r->ctx->limits)
		return 0;
	ratelimit_take(r->ctx->limits, RL_TOKEN, hash, now, NULL, &a);
	return limited(r, RL_TOKEN, &a, "for this feed", e);
}

/* t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
static void http_date(int64_t t, char out[32])
{
	static const char *const days[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t day = floor_div(t, 86400), sod = t - day * 86400;
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[weekday_from_days(day)], d,
		 months[m - 1], y, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

/* An IMF-fixdate into *t; -1 for anything else (the header is then ignored). */
static int http_date_parse(const char *s, int64_t *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wd[4], mon[4], zone[4];
	int d, y, hh, mm, ss, n = 0, m;
	const char *p;

	if (!s ||
	    sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wd, &d, mon, &y, &hh, &mm, &ss, zone,
		   &n) != 8 ||
	    s[n] != '\0' || strcmp(zone, "GMT") != 0)
		return -1;
	p = strstr(months, mon);
	if (!p || (p - months) % 3 != 0 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	m = (int)((p - months) / 3) + 1;
	*t = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/* 304 when the client's copy is current: If-None-Match decides when present (RFC 9110
 * §13.2.2), else If-Modified-Since at or after last_modified. */
static bool not_modified(struct req *r, const char *etag, int64_t last_modified)
{
	const char *inm = req_header(r, "If-None-Match");
	int64_t since;

	if (inm)
		return reply_not_modified(r, etag) == 1;
	if (http_date_parse(req_header(r, "If-Modified-Since"), &since) || since < last_modified)
		return false;
	buf_reset(&r->out);
	r->status = 304;
	r->content_type = NULL;
	return true;
}

int h_feed_ics(struct req *r, struct err *e)
{
	const char *param = r->params[0];
	char hash[TOKEN_HASH_MAX], etag[40], date[32];
	struct uc_feed_doc doc;
	size_t len = strlen(param);

	if (len <= 4 || strcmp(param + len - 4, ".ics") != 0)
		return err_set(e, ERR_NOT_FOUND, "no route for %s", r->path);
	token_hash(hash, param, len - 4);
	if (unknown_allowed(r, hash, e) || token_allowed(r, hash, e))
		return -1;
	if (uc_feed_read(&r->ctx->env, hash, r->now, r->arena, &doc, e)) {
		if (e->code == ERR_NOT_FOUND)
			unknown_seen(r);
		return -1;
	}
	if (r->ctx->limits)
		ratelimit_good_put(r->ctx->limits, r->remote_key, hash, mono_seconds());
	token_hash(hash, doc.text, strlen(doc.text));
	snprintf(etag, sizeof(etag), "\"%.32s\"", hash);
	http_date(doc.last_modified, date);
	req_add_header(r, "ETag", etag);
	req_add_header(r, "Last-Modified", date);
	req_add_header(r, "Cache-Control", "private, max-age=300");
	/* Sent as is: the strong ETag names these bytes, not a gzip coding of them. */
	r->coding_chosen = true;
	if (not_modified(r, etag, doc.last_modified)) {
		free(doc.text);
		return 0;
	}
	return reply_calendar(r, doc.text);
}
