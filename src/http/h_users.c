/* /v1/users: the people who sign in to the console (admins only); /v1/sessions: signing in
 * and out with a session cookie. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/login_limit.h"
#include "http/router.h"

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* "provider_id": a prv_ id into out, "" for null; absent leaves out. 1 when given. */
static int provider_field(json_t *o, char out[ID_MAX], struct err *e)
{
	json_t *v = json_object_get(o, "provider_id");
	const char *s;

	if (!v)
		return 0;
	if (json_is_null(v)) {
		*out = '\0';
		return 1;
	}
	s = json_string_value(v);
	if (!s || !id_valid(s, "prv"))
		return err_field(e, "/provider_id", "must be a provider id (prv_…) or null");
	snprintf(out, ID_MAX, "%s", s);
	return 1;
}

static int role_field(json_t *o, bool required, enum role *out, struct err *e)
{
	char role[16];
	int got = json_get_str(o, "", "role", sizeof(role) - 1, role, sizeof(role), e);

	if (got == 0 && required)
		return json_required("", "role", e);
	if (got > 0 && (role_parse(role, out) || *out == ROLE_CUSTOMER))
		return err_field(e, "/role", "must be admin or staff");
	return got;
}

static int name_field(json_t *o, bool required, char *out, struct err *e)
{
	int got = json_get_str(o, "", "name", NAME_MAX_LEN, out, NAME_MAX_LEN + 1, e);

	if (got == 0 && required)
		return json_required("", "name", e);
	if (got > 0 && !*out)
		return err_field(e, "/name", "must not be empty");
	return got;
}

/* "password": up to USER_PASSWORD_MAX bytes (the use case checks the least); 1 when given. */
static int password_field(json_t *o, char *out, struct err *e)
{
	int got = json_get_str(o, "", "password", USER_PASSWORD_MAX, out, USER_PASSWORD_MAX + 1, e);

	if (got > 0 && strlen(out) < USER_PASSWORD_MIN)
		return err_field(e, "/password", "must be %d to %d bytes long", USER_PASSWORD_MIN,
				 USER_PASSWORD_MAX);
	return got;
}

static const char *const create_keys[] = {"email", "name", "role", "provider_id", "password",
					  NULL};

int h_user_create(struct req *r, struct err *e)
{
	char password[USER_PASSWORD_MAX + 1], generated[USER_PASSWORD_GENERATED_MAX];
	json_t *o = r->json;
	struct user u;
	int got, has_password;

	memset(&u, 0, sizeof(u));
	json_only_keys(o, "", create_keys, e);
	got = json_get_str(o, "", "email", EMAIL_MAX_LEN, u.email, sizeof(u.email), e);
	if (got == 0)
		json_required("", "email", e);
	else if (got > 0 && !email_valid(u.email))
		err_field(e, "/email", "must be an e-mail address");
	name_field(o, true, u.name, e);
	role_field(o, true, &u.role, e);
	provider_field(o, u.provider_id, e);
	has_password = password_field(o, password, e);
	if (e->code)
		return -1;
	if (uc_user_create(&r->uc, &u, has_password > 0 ? password : NULL, generated, e))
		return -1;
	return reply_json(r, 201, wire_user(&u, *generated ? generated : NULL));
}

int h_user_list(struct req *r, struct err *e)
{
	struct user *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "usr", &pg, e) || uc_user_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_user(&v[i], NULL));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_user_get(struct req *r, struct err *e)
{
	const char *id;
	struct user u;

	if (path_id(r, 0, "usr", &id, e) || uc_user_get(&r->uc, id, &u, e))
		return -1;
	return reply_json(r, 200, wire_user(&u, NULL));
}

static const char *const patch_keys[] = {"name", "role", "provider_id", "disabled", "password",
					 NULL};

int h_user_patch(struct req *r, struct err *e)
{
	char password[USER_PASSWORD_MAX + 1];
	struct user_patch p;
	json_t *o = r->json;
	const char *id;
	struct user u;

	if (path_id(r, 0, "usr", &id, e))
		return -1;
	memset(&p, 0, sizeof(p));
	json_only_keys(o, "", patch_keys, e);
	if (name_field(o, false, p.name, e) > 0)
		p.set |= USER_SET_NAME;
	if (json_is_null_at(o, "name"))
		err_field(e, "/name", "must not be null");
	if (role_field(o, false, &p.role, e) > 0)
		p.set |= USER_SET_ROLE;
	if (json_is_null_at(o, "role"))
		err_field(e, "/role", "must be admin or staff");
	if (provider_field(o, p.provider_id, e) > 0)
		p.set |= USER_SET_PROVIDER;
	if (json_get_bool(o, "", "disabled", &p.disabled, e) > 0)
		p.set |= USER_SET_DISABLED;
	if (json_is_null_at(o, "disabled"))
		err_field(e, "/disabled", "must be true or false");
	if (password_field(o, password, e) > 0) {
		p.set |= USER_SET_PASSWORD;
		p.password = password;
	}
	if (json_is_null_at(o, "password"))
		err_field(e, "/password", "must be a string");
	if (e->code || uc_user_update(&r->uc, id, &p, &u, e))
		return -1;
	return reply_json(r, 200, wire_user(&u, NULL));
}

int h_user_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "usr", &id, e) || uc_user_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}

int h_user_sessions_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "usr", &id, e) || uc_user_sessions_end(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}

/* --- sessions --- */

static json_t *session_body(const struct session_view *v)
{
	return json_pack("{s:o, s:{s:s, s:s, s:s}, s:s, s:o, s:I}", "user",
			 wire_user(&v->user, NULL), "tenant", "id", v->tenant_id, "slug",
			 v->tenant_slug, "name", v->tenant_name, "csrf_token", v->csrf_token,
			 "expires_at", wire_instant(v->expires_at, NULL), "idle_timeout_seconds",
			 (json_int_t)v->idle_seconds);
}

static void cookie_set(struct req *r, const char *token, int64_t max_age)
{
	char v[160];

	snprintf(v, sizeof(v), SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
		 token, (long long)max_age, r->ctx->cookie_secure ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", v);
}

static const char *const session_keys[] = {"tenant", "email", "password", NULL};

/* What a sign-in form may send: longer than anything stored is simply wrong (401), not
 * malformed. */
#define SIGN_IN_TEXT_MAX 1024

int h_session_create(struct req *r, struct err *e)
{
	char slug[SIGN_IN_TEXT_MAX + 1], email[SIGN_IN_TEXT_MAX + 1];
	char password[SIGN_IN_TEXT_MAX + 1], token[TOKEN_MAX];
	struct session_view v;
	json_t *o = r->json;
	int64_t wait;

	json_only_keys(o, "", session_keys, e);
	if (json_get_str(o, "", "tenant", SIGN_IN_TEXT_MAX, slug, sizeof(slug), e) == 0)
		json_required("", "tenant", e);
	if (json_get_str(o, "", "email", SIGN_IN_TEXT_MAX, email, sizeof(email), e) == 0)
		json_required("", "email", e);
	if (json_get_str(o, "", "password", SIGN_IN_TEXT_MAX, password, sizeof(password), e) == 0)
		json_required("", "password", e);
	if (e->code || router_auth_allowed(r, e))
		return -1;
	/* The attempt counts from here, so guesses checked at the same time cannot all get
	 * past the account's limit before any of them has failed. */
	wait = login_limit_take(slug, email, r->now);
	if (wait > 0) {
		err_set(e, ERR_RATE_LIMITED,
			"too many failed sign-ins to this account; try again in %lld minutes",
			(long long)((wait + 59) / 60));
		e->retry_after = (int)wait;
		return -1;
	}
	if (uc_session_start(&r->ctx->env, slug, email, password, r->now, r->request_id, &v,
			     token, e)) {
		if (e->code != ERR_INVALID_CREDENTIALS) {
			login_limit_refund(slug, email, r->now);
			return -1;
		}
		return router_auth_failed(r, e);
	}
	login_limit_clear(slug, email);
	cookie_set(r, token, SESSION_LIFETIME_SECONDS);
	req_add_header(r, "Cache-Control", "no-store");
	return reply_json(r, 201, session_body(&v));
}

static int current(struct req *r, struct err *e)
{
	if (!r->session)
		return err_set(e, ERR_UNAUTHORIZED,
			       "no session: sign in with POST /v1/sessions (the slotd_session cookie"
			       " is sent without an Authorization header)");
	return 0;
}

int h_session_get(struct req *r, struct err *e)
{
	if (current(r, e) || uc_session_tenant(&r->uc, r->session, e))
		return -1;
	req_add_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, session_body(r->session));
}

int h_session_delete(struct req *r, struct err *e)
{
	if (current(r, e) || uc_session_end(&r->uc, r->session->session_id, e))
		return -1;
	cookie_set(r, "", 0);
	return reply_no_content(r);
}
