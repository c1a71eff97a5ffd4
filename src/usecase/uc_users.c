/* Console users and their sessions. Passwords are hashed (Argon2id, slow on purpose) before
 * a write transaction begins and checked after the read that found the user, so no tenant
 * lock is held while a hash is computed. */
#include "usecase/uc_users.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "store/store_notify.h"
#include "usecase/uc_int.h"
#include "util/ids.h"
#include "util/log.h"

void user_email_fold(char *email)
{
	for (; *email; email++)
		*email = (char)tolower((unsigned char)*email);
}

static int password_check(const char *password, struct err *e)
{
	size_t n = strlen(password);

	if (n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX)
		return err_field(e, "/password", "must be %d to %d bytes long", USER_PASSWORD_MIN,
				 USER_PASSWORD_MAX);
	return 0;
}

/* The provider of a staff user must be one of the tenant's (not deleted). */
static int provider_check(struct store_tx *tx, const struct user *u, struct err *e)
{
	struct provider p;

	if (!*u->provider_id)
		return 0;
	if (u->role != ROLE_STAFF)
		return err_field(e, "/provider_id", "only a staff user is limited to a provider");
	if (tx_provider_get(tx, u->provider_id, &p, e)) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_init(e);
		return err_field(e, "/provider_id", "provider %s not found", u->provider_id);
	}
	return 0;
}

static int email_free(struct store_tx *tx, const char *email, struct err *e)
{
	struct user other;
	int rc = tx_user_by_email(tx, email, &other, NULL, e);

	if (rc < 0)
		return -1;
	if (rc > 0)
		return err_set(e, ERR_CONFLICT, "the organisation has a user with e-mail %s already",
			       email);
	return 0;
}

struct user_new {
	struct user *u;
	const char *hash;
};

static int user_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct user_new *un = arg;

	if (provider_check(tx, un->u, e) || email_free(tx, un->u->email, e) ||
	    tx_user_insert(tx, un->u, un->hash, e))
		return -1;
	return uc_emit(ctx, tx, "user.created", un->u->id, wire_user(un->u, NULL), NULL, e);
}

int uc_user_create(struct uc_ctx *ctx, struct user *u, const char *password,
		   char generated[USER_PASSWORD_GENERATED_MAX], struct err *e)
{
	char hash[PWHASH_STR_MAX];
	struct user_new un = {u, hash};

	*generated = '\0';
	if (!password) {
		pwhash_generate(generated);
		password = generated;
	} else if (password_check(password, e)) {
		return -1;
	}
	user_email_fold(u->email);
	id_new(u->id, "usr");
	u->created_at = u->updated_at = ctx->now;
	u->last_login_at = 0;
	if (pwhash_make(hash, password, strlen(password)))
		return err_set(e, ERR_STORE_BUSY, "the password could not be hashed now (too many at once); try again");
	return uc_write(ctx, user_create_tx, &un, e);
}

int uc_user_create_cli(const struct uc_env *env, const char *slug, struct user *u,
		       const char *password, char generated[USER_PASSWORD_GENERATED_MAX],
		       int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	char tenant[ID_MAX];
	struct store_tx *tx;
	struct auth auth;
	struct uc_ctx ctx;
	int rc = -1;

	tx = store_begin(env->store, "", STORE_READ, e);
	if (tx) {
		rc = tx_tenant_find(tx, slug, tenant, NULL, e);
		store_end(tx, false, e);
	}
	if (rc == 0) {
		uc_ctx_system(&ctx, env, &auth, tenant, "cli", now, a);
		rc = uc_user_create(&ctx, u, password, generated, e);
	}
	arena_free(a);
	return rc;
}

int uc_user_get(struct uc_ctx *ctx, const char *id, struct user *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_user_get(tx, id, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_user_list(struct uc_ctx *ctx, struct page pg, struct user **out, size_t *n,
		 struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_user_list(tx, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

/* Whether the caller is signed in as user id (a session, not an API key). */
static bool is_self(const struct uc_ctx *ctx, const char *id)
{
	return *ctx->auth->user_id && !strcmp(ctx->auth->user_id, id);
}

struct user_change {
	const char *id;
	const struct user_patch *p;
	const char *hash;	/* the new password's, or NULL */
	struct user *out;
};

static int user_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct user_change *uc = arg;
	const struct user_patch *p = uc->p;
	struct user before, *u = uc->out;
	bool revoke = (p->set & USER_SET_PASSWORD) != 0;

	if (tx_user_get(tx, uc->id, &before, e))
		return -1;
	*u = before;
	if (p->set & USER_SET_NAME)
		memcpy(u->name, p->name, sizeof(u->name));
	if (p->set & USER_SET_ROLE)
		u->role = p->role;
	if (p->set & USER_SET_PROVIDER)
		memcpy(u->provider_id, p->provider_id, sizeof(u->provider_id));
	if (p->set & USER_SET_DISABLED)
		u->disabled = p->disabled;
	if (is_self(ctx, u->id) && u->disabled && !before.disabled)
		err_field(e, "/disabled", "you may not disable yourself");
	if (is_self(ctx, u->id) && before.role == ROLE_ADMIN && u->role != ROLE_ADMIN)
		err_field(e, "/role", "you may not take away your own admin role");
	if (e->code)
		return -1;
	if (u->role != before.role || strcmp(u->provider_id, before.provider_id) ||
	    u->disabled != before.disabled)
		revoke = true;
	if (((p->set & (USER_SET_PROVIDER | USER_SET_ROLE)) && provider_check(tx, u, e)))
		return -1;
	/* An edit that changes nothing writes nothing: no event, the same updated_at. */
	if (!uc->hash && !revoke && !strcmp(u->name, before.name))
		return 0;
	u->updated_at = ctx->now;
	if (tx_user_update(tx, u, uc->hash, e))
		return -1;
	if (revoke && tx_user_sessions_delete(tx, u->id, e))
		return -1;
	return uc_emit(ctx, tx, "user.updated", u->id, wire_user(u, NULL),
		       wire_user(&before, NULL), e);
}

int uc_user_update(struct uc_ctx *ctx, const char *id, const struct user_patch *p,
		   struct user *out, struct err *e)
{
	char hash[PWHASH_STR_MAX];
	struct user_change uc = {id, p, NULL, out};

	if (p->set & USER_SET_PASSWORD) {
		if (password_check(p->password, e))
			return -1;
		if (pwhash_make(hash, p->password, strlen(p->password)))
			return err_set(e, ERR_STORE_BUSY, "the password could not be hashed now (too many at once); try again");
		uc.hash = hash;
	}
	return uc_write(ctx, user_update_tx, &uc, e);
}

static int user_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct user u;

	if (tx_user_get(tx, id, &u, e))
		return -1;
	if (is_self(ctx, id))
		return err_set(e, ERR_INVALID, "you may not delete yourself while signed in as %s",
			       u.email);
	if (tx_user_delete(tx, id, e))
		return -1;
	return uc_emit(ctx, tx, "user.deleted", id, wire_user(&u, NULL), NULL, e);
}

int uc_user_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, user_delete_tx, (void *)id, e);
}

static int sessions_end_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct user u;

	(void)ctx;
	if (tx_user_get(tx, id, &u, e))
		return -1;
	return tx_user_sessions_delete(tx, id, e);
}

int uc_user_sessions_end(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, sessions_end_tx, (void *)id, e);
}

/* --- sessions --- */

/* The caller a session's user acts as: the user's role; a staff user with a provider is
 * limited to it, as a scoped staff key is. Rate limits, holds and scopes key on key_id,
 * which for a session is the user's id. */
static void auth_of_user(const char *tenant_id, const struct user *u, struct auth *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->tenant_id, sizeof(out->tenant_id), "%s", tenant_id);
	out->role = u->role;
	memcpy(out->key_id, u->id, ID_MAX);
	memcpy(out->user_id, u->id, ID_MAX);
	if (u->role == ROLE_STAFF && *u->provider_id) {
		out->scoped = true;
		out->nscope = 1;
		memcpy(out->scope[0], u->provider_id, ID_MAX);
	}
}

static int64_t idle_of(const struct uc_env *env)
{
	return env->config.session_idle_seconds > 0 ? env->config.session_idle_seconds
						     : SESSION_IDLE_DEFAULT_SECONDS;
}

/* How old a session's recorded last use may grow before a request records it again: a
 * minute, or a quarter of an idle timeout under four minutes. Idleness is judged from the
 * recorded use, which trails the real one by up to this much: recorded once a minute, a busy
 * session under a 60 s timeout would end a minute after its sign-in. */
static int64_t touch_every(int64_t idle)
{
	return idle / 4 < 60 ? idle / 4 : 60;
}

/* Finds the user of email in tenant slug (*found 0 when there is none) with its hash. */
static int login_lookup(const struct uc_env *env, const char *slug, const char *email,
			char tenant[ID_MAX], struct user *u, char hash[PWHASH_STR_MAX],
			int *found, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_READ, e);
	struct err lookup;
	int rc;

	*found = 0;
	if (!tx)
		return -1;
	err_init(&lookup);
	rc = tx_tenant_find(tx, slug, tenant, NULL, &lookup);
	if (rc == 0) {
		store_tx_act_for(tx, tenant);
		rc = tx_user_by_email(tx, email, u, hash, e);
		if (rc > 0)
			*found = 1;
	} else if (lookup.code == ERR_NOT_FOUND) {
		rc = 0;
	} else {
		err_set(e, lookup.code, "%s", lookup.message);
	}
	store_end(tx, false, e);
	return rc < 0 ? -1 : 0;
}

struct session_new {
	struct session_view *v;
	const char *token_hash;
};

static int session_start_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct session_new *sn = arg;
	struct session_view *v = sn->v;
	struct session_rec rec;
	struct tenant_info ti;

	memset(&rec, 0, sizeof(rec));
	memcpy(rec.id, v->session_id, ID_MAX);
	memcpy(rec.user_id, v->user.id, ID_MAX);
	memcpy(rec.csrf_token, v->csrf_token, TOKEN_MAX);
	rec.created_at = rec.last_seen_at = ctx->now;
	rec.expires_at = v->expires_at;
	/* The user as it is now (it may have changed since the password was checked). */
	if (tx_user_get(tx, v->user.id, &v->user, e)) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_init(e);
		v->user.disabled = true;	/* deleted meanwhile: as wrong as a disabled user */
	}
	if (v->user.disabled)
		return err_set(e, ERR_INVALID_CREDENTIALS, "organisation, e-mail or password is wrong");
	v->user.last_login_at = ctx->now;
	if (tx_user_update(tx, &v->user, NULL, e) || tx_session_insert(tx, &rec, sn->token_hash, e) ||
	    tx_tenant_info(tx, false, &ti, e))
		return -1;
	snprintf(v->tenant_slug, sizeof(v->tenant_slug), "%s", ti.slug);
	snprintf(v->tenant_name, sizeof(v->tenant_name), "%s", ti.name);
	return 0;
}

int uc_session_start(const struct uc_env *env, const char *slug, const char *email,
		     const char *password, int64_t now, const char *request_id,
		     struct session_view *out, char token[TOKEN_MAX], struct err *e)
{
	char folded[EMAIL_MAX_LEN + 1], hash[PWHASH_STR_MAX], token_hash_[TOKEN_HASH_MAX];
	struct session_new sn = {out, token_hash_};
	struct arena *a;
	struct auth auth;
	struct uc_ctx ctx;
	int found, ok, rc;

	memset(out, 0, sizeof(*out));
	found = 0;
	snprintf(folded, sizeof(folded), "%s", email);
	user_email_fold(folded);
	/* Longer than any stored slug or address: nobody, but the same password check. */
	if (strlen(slug) < 64 && strlen(email) <= EMAIL_MAX_LEN &&
	    login_lookup(env, slug, folded, out->tenant_id, &out->user, hash, &found, e))
		return -1;
	/* The same work whether or not the user exists, so the time taken does not tell. */
	ok = pwhash_verify(found ? hash : NULL, password, strlen(password));
	if (ok < 0)
		return err_set(e, ERR_STORE_BUSY, "too many sign-ins at once; try again");
	if (!ok || !found || out->user.disabled)
		return err_set(e, ERR_INVALID_CREDENTIALS, "organisation, e-mail or password is wrong");
	id_new(out->session_id, "sid");
	token_new(token, "ses");
	token_new(out->csrf_token, "csrf");
	token_hash(token_hash_, token, strlen(token));
	out->expires_at = now + SESSION_LIFETIME_SECONDS;
	out->idle_seconds = idle_of(env);
	auth_of_user(out->tenant_id, &out->user, &auth);
	a = arena_new();
	uc_ctx_init(&ctx, env, &auth, now, request_id, a);
	rc = uc_write(&ctx, session_start_tx, &sn, e);
	arena_free(a);
	return rc;
}

static void session_drop(const struct uc_env *env, const struct session_view *v)
{
	struct store_tx *tx;
	struct err e;

	err_init(&e);
	tx = store_begin(env->store, v->tenant_id, STORE_WRITE, &e);
	if (tx) {
		int rc = tx_session_delete(tx, v->session_id, &e);
		if (store_end(tx, rc == 0, &e))
			rc = -1;
		if (rc == 0)
			return;
	}
	log_msg(LOG_WARN, "could not remove the ended session %s: %s", v->session_id, e.message);
}

int uc_session_auth(const struct uc_env *env, const char *token_hash_, int64_t now,
		    struct auth *out, struct session_view *view, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_READ, e);
	struct session_rec rec;
	int64_t idle = idle_of(env);
	int rc;

	memset(view, 0, sizeof(*view));
	if (!tx)
		return -1;
	rc = tx_session_find(tx, token_hash_, &rec, &view->user, e);
	store_end(tx, false, e);
	if (rc)
		return -1;
	memcpy(view->tenant_id, rec.tenant_id, ID_MAX);
	memcpy(view->session_id, rec.id, ID_MAX);
	memcpy(view->csrf_token, rec.csrf_token, TOKEN_MAX);
	view->expires_at = rec.expires_at;
	view->idle_seconds = idle;
	if (view->user.disabled) {
		session_drop(env, view);
		return err_set(e, ERR_UNAUTHORIZED, "the session is not valid; sign in again");
	}
	if (now >= rec.expires_at || now - rec.last_seen_at >= idle) {
		session_drop(env, view);
		return err_set(e, ERR_SESSION_EXPIRED, "your session has expired; sign in again");
	}
	auth_of_user(rec.tenant_id, &view->user, out);
	if (rec.last_seen_at < now - touch_every(idle)) {
		/* Recorded at most once a minute per session (touch_every): a write, but a rare
		 * one. */
		struct err ignored;
		err_init(&ignored);
		if (store_session_touch(env->store, rec.id, now, touch_every(idle), &ignored))
			log_msg(LOG_WARN, "could not record the use of session %s: %s", rec.id,
				ignored.message);
	}
	return 0;
}

int uc_session_tenant(struct uc_ctx *ctx, struct session_view *view, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct tenant_info ti;
	int rc;

	if (!tx)
		return -1;
	rc = tx_tenant_info(tx, false, &ti, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	snprintf(view->tenant_slug, sizeof(view->tenant_slug), "%s", ti.slug);
	snprintf(view->tenant_name, sizeof(view->tenant_name), "%s", ti.name);
	return 0;
}

void uc_session_purge(const struct uc_env *env, int64_t now)
{
	struct err e;
	int64_t n;

	err_init(&e);
	if (store_sessions_purge(env->store, now, now - idle_of(env), &n, &e))
		log_msg(LOG_WARN, "could not remove ended sessions: %s", e.message);
	else if (n)
		log_msg(LOG_INFO, "removed %lld ended sessions", (long long)n);
}

static int session_end_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	(void)ctx;
	return tx_session_delete(tx, arg, e);
}

int uc_session_end(struct uc_ctx *ctx, const char *session_id, struct err *e)
{
	return uc_write(ctx, session_end_tx, (void *)session_id, e);
}
