/* Contexts, transactions and events shared by every use case; tenants, keys and who is
 * calling. */
#include "usecase/uc_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/recur.h"

#include "util/ids.h"
#include "util/log.h"
#include "util/mem.h"

/* Test runs only (SLOTD_TEST_CLOCK=1): SLOTD_TEST_REQUEST_TIMEOUT_MS replaces the request
 * budget, so tests can make the deadline fire. Read once; constant afterwards. */
static int64_t test_timeout_ms;
static pthread_once_t test_timeout_once = PTHREAD_ONCE_INIT;

static void test_timeout_read(void)
{
	const char *clock = getenv("SLOTD_TEST_CLOCK"), *ms;
	char *end;
	long long v;

	if (!clock || strcmp(clock, "1") != 0)
		return;
	ms = getenv("SLOTD_TEST_REQUEST_TIMEOUT_MS");
	if (!ms || !*ms)
		return;
	v = strtoll(ms, &end, 10);
	if (!*end && v > 0)
		test_timeout_ms = v;
}

static int64_t request_timeout_ms(const struct uc_env *env)
{
	pthread_once(&test_timeout_once, test_timeout_read);
	if (test_timeout_ms)
		return test_timeout_ms;
	return env->config.request_timeout_ms > 0 ? env->config.request_timeout_ms
						   : UC_REQUEST_TIMEOUT_MS;
}

void uc_ctx_init(struct uc_ctx *ctx, const struct uc_env *env, const struct auth *auth,
		 int64_t now, const char *request_id, struct arena *a)
{
	ctx->env = env;
	ctx->auth = auth;
	ctx->actor = actor_of_auth(auth);
	ctx->now = now;
	ctx->request_id = request_id;
	ctx->arena = a;
	ctx->deadline_ns = recur_clock_ns() + request_timeout_ms(env) * 1000000LL;
	ctx->expand = NULL;
}

struct expand *uc_expand(struct uc_ctx *ctx)
{
	if (!ctx->expand)
		ctx->expand = expand_new(ctx->arena, ctx->deadline_ns);
	return ctx->expand;
}

int uc_deadline_check(struct uc_ctx *ctx, struct err *e)
{
	return expand_check(uc_expand(ctx), e);
}

void uc_ctx_system(struct uc_ctx *ctx, const struct uc_env *env, struct auth *auth,
		   const char *tenant, const char *name, int64_t now, struct arena *a)
{
	memset(auth, 0, sizeof(*auth));
	snprintf(auth->tenant_id, sizeof(auth->tenant_id), "%s", tenant);
	auth->role = ROLE_ADMIN;
	ctx->env = env;
	ctx->auth = auth;
	ctx->actor = actor_system(name);
	ctx->now = now;
	ctx->request_id = NULL;
	ctx->arena = a;
	ctx->deadline_ns = 0;
	ctx->expand = NULL;
}

/* The test clock's setting (SLOTD_TEST_CLOCK=1 runs only): INT64_MIN = none. */
static _Atomic int64_t test_now = INT64_MIN;

int64_t uc_clock(void)
{
	int64_t t = atomic_load(&test_now);

	return t != INT64_MIN ? t : (int64_t)time(NULL);
}

void uc_clock_set(int64_t now)
{
	atomic_store(&test_now, now);
}

int uc_ready(const struct uc_env *env, struct err *e)
{
	return store_ping(env->store, e);
}

const char *uc_backend_name(const struct uc_env *env)
{
	return store_backend(env->store);
}

/* The budget counts the call's own work from when its transaction has begun, not the wait
 * for the tenant's write lock or a pooled connection before it (the store bounds those). */
static void deadline_restart(struct uc_ctx *ctx)
{
	if (!ctx->deadline_ns)
		return;
	ctx->deadline_ns = recur_clock_ns() + request_timeout_ms(ctx->env) * 1000000LL;
	if (ctx->expand)
		expand_set_deadline(ctx->expand, ctx->deadline_ns);
}

int uc_write(struct uc_ctx *ctx, uc_tx_fn fn, void *arg, struct err *e)
{
	return uc_write_for(ctx, NULL, fn, arg, e);
}

int uc_write_for(struct uc_ctx *ctx, const char *provider_id, uc_tx_fn fn, void *arg,
		 struct err *e)
{
	int attempt = 0, rc;

	for (;;) {
		struct store_tx *tx =
			provider_id ? store_begin_for(ctx->env->store, ctx->auth->tenant_id,
						      provider_id, e)
				    : store_begin(ctx->env->store, ctx->auth->tenant_id,
						  STORE_WRITE, e);
		if (!tx) {
			rc = -1;
		} else {
			deadline_restart(ctx);
			rc = fn(ctx, tx, arg, e);
			if (store_end(tx, rc == 0, e))
				rc = -1;
			else if (rc == 0 && ctx->env->notify_wake)
				ctx->env->notify_wake(ctx->env->notify_arg);
		}
		if (rc == 0 || !store_rerun(e, ++attempt))
			return rc;
	}
}

struct store_tx *uc_read(struct uc_ctx *ctx, enum store_mode mode, struct err *e)
{
	struct store_tx *tx = store_begin(ctx->env->store, ctx->auth->tenant_id, mode, e);

	if (tx)
		deadline_restart(ctx);
	return tx;
}

void uc_read_end(struct store_tx *tx)
{
	struct err ignored;

	err_init(&ignored);
	store_end(tx, false, &ignored);
}

static const char *dump_to_arena(struct arena *a, const json_t *o)
{
	char *text = wire_dump(o);
	const char *copy = arena_strdup(a, text);

	free(text);
	return copy;
}

int uc_emit(struct uc_ctx *ctx, struct store_tx *tx, const char *type, const char *subject_id,
	    json_t *payload, json_t *before, struct err *e)
{
	json_t *changes = before ? wire_changes(before, payload) : NULL;
	struct event_rec ev;
	int rc;

	memset(&ev, 0, sizeof(ev));
	id_new(ev.id, "evt");
	snprintf(ev.type, sizeof(ev.type), "%s", type);
	snprintf(ev.subject_id, sizeof(ev.subject_id), "%s", subject_id);
	ev.actor = ctx->actor;
	snprintf(ev.request_id, sizeof(ev.request_id), "%s",
		 ctx->request_id ? ctx->request_id : "");
	ev.payload = dump_to_arena(ctx->arena, payload);
	ev.changes = changes ? dump_to_arena(ctx->arena, changes) : NULL;
	ev.created_at = ctx->now;
	rc = tx_event_append(tx, &ev, e);
	json_decref(payload);
	json_decref(before);
	json_decref(changes);
	return rc;
}

const struct tz *uc_zone(const struct uc_ctx *ctx, const char *name)
{
	const struct tz *z = tz_db_get(ctx->env->tz, name);

	return z ? z : tz_db_get(ctx->env->tz, "UTC");
}

const struct tz *uc_provider_zone(struct uc_ctx *ctx, struct store_tx *tx, const char *id)
{
	char zone[TZ_NAME_MAX];
	struct err ignored;

	err_init(&ignored);
	if (tx_provider_zone(tx, id, zone, &ignored))
		return NULL;
	return tz_db_get(ctx->env->tz, zone);
}

const char *uc_history_actor(struct uc_ctx *ctx)
{
	const char *role = actor_history_name(&ctx->actor);
	char text[BOOKING_EVENT_ACTOR_MAX];

	if (ctx->actor.type != ACTOR_USER)
		return role;
	snprintf(text, sizeof(text), "%s:%s", role, ctx->actor.id);
	return arena_strdup(ctx->arena, text);
}

const char *uc_scope_key(const struct uc_ctx *ctx)
{
	return ctx->auth->scoped ? ctx->auth->key_id : NULL;
}

bool uc_covers(const struct uc_ctx *ctx, const char *provider_id)
{
	return auth_covers(ctx->auth, provider_id);
}

int uc_provider_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			 struct provider *out, struct err *e)
{
	if (!uc_covers(ctx, id))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", id);
	return tx_provider_get(tx, id, out, e);
}

/* --- tenants and keys --- */

/* Makes key k's id and secret, stores it with key.created. */
static int key_add(struct uc_ctx *ctx, struct store_tx *tx, struct api_key *k, char *secret,
		   struct err *e)
{
	char hash[TOKEN_HASH_MAX];

	id_new(k->id, "key");
	k->created_at = ctx->now;
	k->last_used_at = 0;
	token_new(secret, "sk");
	token_hash(hash, secret, strlen(secret));
	if (tx_key_insert(tx, k, hash, e))
		return -1;
	return uc_emit(ctx, tx, "key.created", k->id, wire_key(k, NULL), NULL, e);
}

struct tenant_new {
	const char *slug, *name;
	char *secret;
};

static int tenant_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct tenant_new *t = arg;
	struct api_key k;

	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "admin key (tenant create)");
	k.role = ROLE_ADMIN;
	if (tx_tenant_insert(tx, t->slug, t->name, ctx->now, e))
		return -1;
	return key_add(ctx, tx, &k, t->secret, e);
}

int uc_tenant_create(const struct uc_env *env, const char *slug, const char *name,
		     int64_t now, char *secret, struct err *e)
{
	struct tenant_new t = {slug, name, secret};
	struct arena *a = arena_new();
	char id[ID_MAX];
	struct auth auth;
	struct uc_ctx ctx;
	int rc;

	id_new(id, "ten");
	uc_ctx_system(&ctx, env, &auth, id, "cli", now, a);
	rc = uc_write(&ctx, tenant_create_tx, &t, e);
	arena_free(a);
	return rc;
}

struct key_new {
	struct api_key *k;
	char *secret;
};

static int key_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct key_new *kn = arg;

	return key_add(ctx, tx, kn->k, kn->secret, e);
}

int uc_key_create_cli(const struct uc_env *env, const char *slug, struct api_key *k,
		      int64_t now, char *secret, struct err *e)
{
	struct key_new kn = {k, secret};
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
		rc = uc_write(&ctx, key_create_tx, &kn, e);
	}
	arena_free(a);
	return rc;
}

int uc_key_create(struct uc_ctx *ctx, struct api_key *k, char *secret, struct err *e)
{
	struct key_new kn = {k, secret};

	if (k->expires_at && k->expires_at <= ctx->now)
		return err_field(e, "/expires_at", "must be in the future");
	return uc_write(ctx, key_create_tx, &kn, e);
}

int uc_key_get(struct uc_ctx *ctx, const char *id, struct api_key *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_key_get(tx, id, ctx->arena, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_key_list(struct uc_ctx *ctx, struct page pg, struct api_key **out, size_t *n,
		struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_key_list(tx, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

struct key_revoke {
	const char *id;
	char *hash;
};

static int key_revoke_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct key_revoke *kr = arg;
	struct api_key k;
	int admins = 0;

	if (tx_key_get(tx, kr->id, ctx->arena, &k, e))
		return -1;
	if (k.role == ROLE_ADMIN && (!k.expires_at || k.expires_at > ctx->now)) {
		if (tx_key_admins(tx, ctx->now, &admins, e))
			return -1;
		if (admins <= 1)
			return err_set(e, ERR_LAST_ADMIN,
				       "key %s is the tenant's last admin key; create another"
				       " before revoking it",
				       kr->id);
	}
	if (tx_key_revoke(tx, kr->id, ctx->now, kr->hash, e))
		return -1;
	return uc_emit(ctx, tx, "key.revoked", k.id, wire_key(&k, NULL), NULL, e);
}

int uc_key_revoke(struct uc_ctx *ctx, const char *id, char hash[TOKEN_HASH_MAX],
		  struct err *e)
{
	struct key_revoke kr = {id, hash};

	return uc_write(ctx, key_revoke_tx, &kr, e);
}

int uc_auth_current(const struct auth *a, int64_t now, struct err *e)
{
	if (a->expires_at && a->expires_at <= now)
		return err_set(e, ERR_UNAUTHORIZED, "API key has expired");
	return 0;
}

int uc_authenticate(const struct uc_env *env, const char *credential, const char *key_hash,
		    int64_t now, struct auth *out, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!strncmp(credential, "mt_", 3)) {
		/* A booking's manage token: that booking alone, as its customer. */
		rc = tx_booking_by_token(tx, key_hash, out->tenant_id, out->booking_id, e);
		out->role = ROLE_CUSTOMER;
	} else {
		rc = tx_auth(tx, key_hash, out, e);
	}
	store_end(tx, false, e);
	if (rc || uc_auth_current(out, now, e))
		return -1;
	if (*out->key_id && (!out->last_used_at || out->last_used_at < now - 60)) {
		/* Seen at most once a minute per key: a write, but a rare one. */
		struct err ignored;
		err_init(&ignored);
		if (store_key_touch(env->store, out->key_id, now, &ignored))
			log_msg(LOG_WARN, "could not record the use of key %s: %s", out->key_id,
				ignored.message);
		out->last_used_at = now;
	}
	return 0;
}
