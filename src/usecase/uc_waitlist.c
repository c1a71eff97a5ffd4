/* The waitlist: customers waiting for a start, offered freed time as a timed hold. Offers
 * are made in the transaction that frees the time, by the system ("waitlist"); expired
 * holds and offers are closed by the system ("expiry"), lazily or by the sweeper. */
#include "usecase/uc_int.h"

#include <string.h>

#include "core/civil.h"
#include "util/ids.h"
#include "util/log.h"

#define WAITLIST_RUN_MAX 500		/* entries considered in one round */
#define EXPIRED_BATCH 500		/* holds and offers closed in one round */
#define WAITLIST_PER_CUSTOMER_KEY 100	/* live entries one customer key may add */
#define WAITLIST_PER_KEY 1000		/* live entries a staff or admin key may add */
/* Live entries the public page's visitors from one address may add: an entry is offered a
 * hold at once when a time fits, so this also bounds the holds an address gets that way
 * beside its own HOLDS_PER_ADDRESS. */
#define WAITLIST_PER_VISITOR 3

/* Runs part of a use case as a system duty (its events say so), keeping the request id. */
static struct actor as_system(struct uc_ctx *ctx, const char *name)
{
	struct actor was = ctx->actor;

	ctx->actor = actor_system(name);
	return was;
}

/* Closes the tenant's expired holds and offers; widens [*lo, *hi) by the time they held
 * (from a day before, for starts whose buffers reach into it). *closed counts the holds. */
static int close_expired(struct uc_ctx *ctx, struct store_tx *tx, int64_t *lo, int64_t *hi,
			 size_t *closed, struct err *e)
{
	struct waitlist_entry *stale;
	struct hold *v;
	size_t n, i;

	*closed = 0;
	if (tx_holds_expired(tx, ctx->now, EXPIRED_BATCH, ctx->arena, &v, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		int64_t bs = v[i].block_start - 86400, be = v[i].block_end;
		if (tx_hold_delete(tx, v[i].id, e))
			return -1;
		/* An offer's hold ends with its offer (waitlist.expired, below). */
		if (!*v[i].waitlist_id &&
		    uc_emit(ctx, tx, "hold.expired", v[i].id,
			    wire_hold(&v[i], uc_provider_zone(ctx, tx, v[i].provider_id), ctx->now),
			    NULL, e))
			return -1;
		*lo = *lo >= *hi || bs < *lo ? bs : *lo;
		*hi = be > *hi ? be : *hi;
		(*closed)++;
	}
	if (tx_waitlist_stale(tx, ctx->now, EXPIRED_BATCH, ctx->arena, &stale, &n, e))
		return -1;
	for (i = 0; i < n; i++)
		if (uc_waitlist_set(ctx, tx, &stale[i], WAITLIST_EXPIRED, "waitlist.expired", e))
			return -1;
	return 0;
}

int uc_waitlist_set(struct uc_ctx *ctx, struct store_tx *tx, struct waitlist_entry *w,
		    enum waitlist_status status, const char *type, struct err *e)
{
	json_t *before = wire_waitlist(w);

	w->status = status;
	w->updated_at = ctx->now;
	if (tx_waitlist_update(tx, w, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, type, w->id, wire_waitlist(w), before, e);
}

/* Providers loaded at a time for a chunked pool (below): each chunk's bundles live in an
 * arena of their own, freed once scanned, instead of all of them for the whole round. */
#define OFFER_CHUNK 32

/* Services of up to this many providers (every service before their number was unbounded)
 * keep one pool of all their providers' bundles for the round: a bundle is under 1 KB plus
 * its commitments, and a round of many entries then reads the providers once, not once per
 * entry. */
#define OFFER_POOL_WHOLE 200

/* The bundles one service's offers are chosen from, loaded once per round; a pool of more
 * than OFFER_POOL_WHOLE providers for any of them is loaded OFFER_CHUNK at a time for each
 * entry instead (chunked; the round's earlier offers are then read back as live holds). */
struct offer_pool {
	char service_id[ID_MAX];
	char provider_id[ID_MAX];	/* "" = any of the service's providers */
	struct service svc;
	struct avail_bundle *bundles;
	size_t n;
	bool chunked;
	struct offer_index offers;	/* chunked: each provider's own terms, built once */
	int64_t from_day, to_day;
};

static struct offer_pool *pool_for(struct uc_ctx *ctx, struct store_tx *tx,
				   struct offer_pool *pools, size_t *npools,
				   const struct waitlist_entry *w, const char *pid, int64_t from,
				   int64_t to, struct err *e)
{
	struct offer_pool *p;
	int64_t from_day, to_day;
	size_t i;

	for (i = 0; i < *npools; i++)
		if (!strcmp(pools[i].service_id, w->service_id) &&
		    !strcmp(pools[i].provider_id, pid ? pid : ""))
			return &pools[i];
	p = &pools[*npools];
	memset(p, 0, sizeof(*p));
	snprintf(p->service_id, sizeof(p->service_id), "%s", w->service_id);
	snprintf(p->provider_id, sizeof(p->provider_id), "%s", pid ? pid : "");
	if (tx_service_get(tx, w->service_id, ctx->arena, &p->svc, e))
		return NULL;
	days_around(from, to, 0, &from_day, &to_day);
	p->from_day = from_day;
	p->to_day = to_day;
	p->chunked = !pid && p->svc.nproviders > OFFER_POOL_WHOLE;
	if (p->chunked)
		offer_index_build(&p->svc, ctx->arena, &p->offers);
	if (!p->chunked &&
	    uc_candidates(ctx, tx, &p->svc, pid, from_day, to_day, &p->bundles, &p->n, e))
		return NULL;
	(*npools)++;
	return p;
}

/* engine_offer over chunked pool p's providers, OFFER_CHUNK at a time: as engine_offer
 * (1, 0, or -1 with engine set, also once the call's time has run out), or -2 with e set
 * when the store failed. */
static int offer_chunked(struct uc_ctx *ctx, struct store_tx *tx, const struct offer_pool *p,
			 const struct waitlist_entry *w, const struct auth *reach, int64_t from,
			 int64_t to, struct hold *h, struct err *engine, struct err *e)
{
	struct arena *req = ctx->arena, *chunk = NULL;
	bool found = false;
	size_t base;
	int rc = -1;

	/* Made now, in the round's arena: every chunk shares the rule dates. */
	(void)uc_expand(ctx);
	for (base = 0; base < p->svc.nproviders; base += OFFER_CHUNK) {
		struct service part = p->svc;
		struct avail_bundle *b;
		size_t n;

		if (uc_deadline_check(ctx, engine))
			goto out;
		part.provider_ids = p->svc.provider_ids + base;
		part.nproviders = p->svc.nproviders - base < OFFER_CHUNK ? p->svc.nproviders - base
									  : OFFER_CHUNK;
		chunk = arena_new();
		ctx->arena = chunk;
		if (uc_candidates(ctx, tx, &part, NULL, p->from_day, p->to_day, &b, &n, e)) {
			if (e->code == ERR_TIMEOUT) {
				*engine = *e;
				err_init(e);
			} else {
				rc = -2;
			}
			goto out;
		}
		if (engine_offer_more(b, n, ctx->env->tz, &p->svc, &p->offers, w, reach, from, to,
				      ctx->now, chunk, h, &found, engine) < 0)
			goto out;
		ctx->arena = req;
		arena_free(chunk);
		chunk = NULL;
	}
	rc = found ? 1 : 0;
out:
	ctx->arena = req;
	if (chunk)
		arena_free(chunk);
	return rc;
}

/* The window [*from, *to) narrowed to what entry w can use (its local dates lie within a day
 * of UTC dates). False when nothing is left. */
static bool entry_window(const struct waitlist_entry *w, int64_t *from, int64_t *to)
{
	int64_t lo, hi;

	instants_around(w->earliest_day, w->latest_day, 0, &lo, &hi);
	if (*from < lo)
		*from = lo;
	if (*to > hi)
		*to = hi;
	return *from < *to;
}

/* The keys whose entries a round has met, with what each reaches. */
struct reach_memo {
	const char *key_id;
	const struct auth *reach;	/* NULL: any provider */
};

/* What entry w's offers may reach: the providers of the staff key (or the staff user) that
 * made it when that key is scoped (revoked or not), else any (*out NULL). Each key is read
 * once per round. */
static int entry_reach(struct uc_ctx *ctx, struct store_tx *tx, struct reach_memo *memo,
		       size_t *nmemo, const struct waitlist_entry *w, const struct auth **out,
		       struct err *e)
{
	struct api_key k;
	struct auth *r = NULL;
	size_t i;

	*out = NULL;
	if (!*w->key_id)
		return 0;
	for (i = 0; i < *nmemo; i++)
		if (!strcmp(memo[i].key_id, w->key_id)) {
			*out = memo[i].reach;
			return 0;
		}
	if (!strncmp(w->key_id, "usr_", 4)) {
		/* Added by a console user: a staff user limited to a provider reaches that one. */
		struct user u;
		memset(&k, 0, sizeof(k));
		if (tx_user_get(tx, w->key_id, &u, e)) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			err_init(e);
		} else if (u.role == ROLE_STAFF && *u.provider_id) {
			k.scoped = true;
			k.nproviders = 1;
			k.provider_ids = arena_alloc(ctx->arena, sizeof(*k.provider_ids));
			memcpy(k.provider_ids[0], u.provider_id, ID_MAX);
		}
	} else if (tx_key_any(tx, w->key_id, ctx->arena, &k, e)) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_init(e);
		k.scoped = false;
	}
	if (k.scoped) {
		r = arena_alloc(ctx->arena, sizeof(*r));
		memset(r, 0, sizeof(*r));
		r->scoped = true;
		r->nscope = k.nproviders;
		memcpy(r->scope, k.provider_ids, k.nproviders * sizeof(*k.provider_ids));
	}
	memo[*nmemo].key_id = w->key_id;
	memo[(*nmemo)++].reach = r;
	*out = r;
	return 0;
}

/* Offers entry w a start in [from, to) from pool p: 1 when offered, 0 when nothing fits
 * (or the engine cannot tell: a rule out of its time budget, a zone gone — logged), -1 when
 * the store failed; only providers reach covers (NULL: any). Every loaded pool then sees the
 * start as held. */
static int offer_one(struct uc_ctx *ctx, struct store_tx *tx, struct offer_pool *p,
		     struct offer_pool *pools, size_t npools, struct waitlist_entry *w,
		     const struct auth *reach, const struct policy *defaults, int64_t from,
		     int64_t to, struct err *e)
{
	struct policy resolved;
	struct err engine;
	json_t *before;
	struct hold h;
	size_t i, k;
	int rc;

	memset(&h, 0, sizeof(h));
	err_init(&engine);
	rc = p->chunked ? offer_chunked(ctx, tx, p, w, reach, from, to, &h, &engine, e)
			: engine_offer(p->bundles, p->n, ctx->env->tz, &p->svc, w, reach, from, to,
				       ctx->now, ctx->arena, &h, &engine);
	if (rc == -2)
		return -1;
	if (rc < 0)
		log_msg(LOG_WARN, "waitlist entry %s of tenant %s: no offer: %s", w->id,
			ctx->auth->tenant_id, engine.message);
	if (rc <= 0)
		return 0;
	policy_resolve(defaults, &p->svc.policy, &resolved);
	id_new(h.id, "hld");
	snprintf(h.owner, sizeof(h.owner), "waitlist");
	snprintf(h.key_id, sizeof(h.key_id), "%s", w->key_id);
	memcpy(h.waitlist_id, w->id, ID_MAX);
	h.expires_at = ctx->now + (int64_t)policy_offer_minutes(&resolved) * 60;
	h.created_at = ctx->now;
	if (tx_hold_insert(tx, &h, e))
		return -1;
	before = wire_waitlist(w);
	w->status = WAITLIST_OFFERED;
	memcpy(w->hold_id, h.id, ID_MAX);
	memcpy(w->offer_provider_id, h.provider_id, ID_MAX);
	w->offer_start = h.start;
	w->offer_expires_at = h.expires_at;
	w->offers++;
	w->updated_at = ctx->now;
	if (tx_waitlist_update(tx, w, e)) {
		json_decref(before);
		return -1;
	}
	if (uc_emit(ctx, tx, "waitlist.offered", w->id, wire_waitlist(w), before, e))
		return -1;
	/* Later entries of this round, of any service, see the time as held. */
	for (i = 0; i < npools; i++)
		for (k = 0; k < pools[i].n; k++)
			if (!strcmp(pools[i].bundles[k].provider.id, h.provider_id))
				bundle_add_hold(&pools[i].bundles[k], &h, ctx->arena);
	return 1;
}

int uc_offers(struct uc_ctx *ctx, struct store_tx *tx, const char *provider_id,
	      const char *entry_id, int64_t from, int64_t to, struct err *e)
{
	/* The round is the system's: events say so, and it reaches every provider whatever the
	 * caller may; an entry made by a scoped staff key reaches that key's providers. */
	const struct auth *caller = ctx->auth;
	struct actor was = as_system(ctx, "expiry");
	struct waitlist_entry *v;
	struct offer_pool *pools;
	struct reach_memo *memo;
	struct policy defaults;
	struct auth system = *caller;
	int64_t lo = from, hi = to, from_day, to_day, ulo = INT64_MAX, uhi = INT64_MIN;
	size_t closed, n, i, npools = 0, nmemo = 0;
	int rc = -1;

	system.scoped = false;
	system.nscope = 0;
	ctx->auth = &system;
	if (close_expired(ctx, tx, &lo, &hi, &closed, e))
		goto out;
	ctx->actor = actor_system("waitlist");
	rc = 0;
	if (lo >= hi)
		goto out;
	if (closed) {
		/* Expired holds freed time of any provider, for every waiting entry. */
		provider_id = NULL;
		entry_id = NULL;
	}
	rc = -1;
	days_around(lo, hi, 0, &from_day, &to_day);
	if (tx_policy_get(tx, &defaults, e) ||
	    tx_waitlist_waiting(tx, entry_id, provider_id, from_day, to_day, WAITLIST_RUN_MAX,
				ctx->arena, &v, &n, e))
		goto out;
	/* Bundles are read once per service over the part of the window the entries can use. */
	for (i = 0; i < n; i++) {
		int64_t f = lo, t = hi;
		if (entry_window(&v[i], &f, &t)) {
			ulo = f < ulo ? f : ulo;
			uhi = t > uhi ? t : uhi;
		}
	}
	pools = arena_alloc(ctx->arena, (n + 1) * sizeof(*pools));
	memo = arena_alloc(ctx->arena, (n + 1) * sizeof(*memo));
	for (i = 0; i < n; i++) {
		const char *pid = *v[i].provider_id ? v[i].provider_id : provider_id;
		const struct auth *reach;
		struct offer_pool *p;
		int64_t f = lo, t = hi;
		if (!entry_window(&v[i], &f, &t))
			continue;
		if (entry_reach(ctx, tx, memo, &nmemo, &v[i], &reach, e))
			goto out;
		p = pool_for(ctx, tx, pools, &npools, &v[i], pid, ulo, uhi, e);
		if (!p ||
		    offer_one(ctx, tx, p, pools, npools, &v[i], reach, &defaults, f, t, e) < 0)
			goto out;
	}
	rc = 0;
out:
	ctx->actor = was;
	ctx->auth = caller;
	return rc;
}

struct offer_round {
	const char *provider_id, *entry_id;
	int64_t from, to;
};

static int offers_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct offer_round *r = arg;

	return uc_offers(ctx, tx, r->provider_id, r->entry_id, r->from, r->to, e);
}

/* A round of offers in a transaction of its own. */
static int offers_after(struct uc_ctx *ctx, const char *provider_id, const char *entry_id,
			int64_t from, int64_t to)
{
	struct offer_round r = {provider_id, entry_id, from, to};
	struct err e;

	err_init(&e);
	if (uc_write(ctx, offers_tx, &r, &e) == 0)
		return 0;
	log_msg(LOG_WARN, "waitlist offers for tenant %s failed: %s", ctx->auth->tenant_id,
		e.message);
	return -1;
}

void uc_waitlist_freed(struct uc_ctx *ctx, const char *provider_id, int64_t from, int64_t to)
{
	offers_after(ctx, provider_id, NULL, from, to);
}

void uc_waitlist_tick(struct uc_ctx *ctx)
{
	offers_after(ctx, NULL, NULL, 0, 0);
}

void uc_waitlist_sweep(const struct uc_env *env, int64_t now)
{
	char tenants[64][ID_MAX];
	struct store_tx *tx;
	struct err e;
	size_t n = 0, i;

	err_init(&e);
	tx = store_begin(env->store, "", STORE_READ, &e);
	if (tx) {
		tx_waitlist_due(tx, now, tenants, 64, &n, &e);
		store_end(tx, false, &e);
	}
	if (e.code) {
		log_msg(LOG_WARN, "waitlist sweep failed: %s", e.message);
		return;
	}
	for (i = 0; i < n; i++) {
		struct arena *a = arena_new();
		struct auth auth;
		struct uc_ctx ctx;
		uc_ctx_system(&ctx, env, &auth, tenants[i], "sweeper", now, a);
		uc_waitlist_tick(&ctx);
		arena_free(a);
	}
}

/* --- the API --- */

/* An entry the caller may see: one for any provider, or for one it may act for. */
static int entry_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			  struct waitlist_entry *w, struct err *e)
{
	if (tx_waitlist_get(tx, id, w, e))
		return -1;
	if (*w->provider_id && !uc_covers(ctx, w->provider_id))
		return err_set(e, ERR_NOT_FOUND, "waitlist entry %s not found", id);
	/* A visitor reaches the page's entries by id (the link in an offer), no others. */
	if (ctx->auth->visitor && strncmp(w->key_id, "pub_", 4) != 0)
		return err_set(e, ERR_NOT_FOUND, "waitlist entry %s not found", id);
	return 0;
}

static int waitlist_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct waitlist_entry *w = arg;
	int max = ctx->auth->visitor			? WAITLIST_PER_VISITOR
		  : ctx->auth->role == ROLE_CUSTOMER ? WAITLIST_PER_CUSTOMER_KEY
						     : WAITLIST_PER_KEY;
	int64_t from, to;
	struct service svc;
	int count = 0;
	size_t i;

	if (tx_waitlist_count(tx, w->key_id, &count, e))
		return -1;
	if (count >= max)
		return err_set(e, ERR_WAITLIST_LIMIT,
			       "this %s has %d waitlist entries waiting or offered, its limit;"
			       " remove one first",
			       ctx->auth->visitor ? "address" : "key", max);
	if (tx_service_get(tx, w->service_id, ctx->arena, &svc, e)) {
		if (e->code == ERR_NOT_FOUND) {
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
		return -1;
	}
	if (*w->provider_id) {
		for (i = 0; i < svc.nproviders && strcmp(svc.provider_ids[i], w->provider_id); i++)
			;
		if (i == svc.nproviders || !uc_covers(ctx, w->provider_id))
			return err_field(e, "/provider_id", "does not offer this service");
	}
	if (tx_waitlist_insert(tx, w, e) ||
	    uc_emit(ctx, tx, "waitlist.joined", w->id, wire_waitlist(w), NULL, e))
		return -1;
	/* A start that already fits is offered at once. */
	instants_around(w->earliest_day, w->latest_day, 0, &from, &to);
	return uc_offers(ctx, tx, NULL, w->id, from, to, e) ||
			       tx_waitlist_get(tx, w->id, w, e)
		       ? -1
		       : 0;
}

int uc_waitlist_create(struct uc_ctx *ctx, struct waitlist_entry *w, struct err *e)
{
	id_new(w->id, "wtl");
	snprintf(w->key_id, sizeof(w->key_id), "%s", ctx->auth->key_id);
	w->status = WAITLIST_WAITING;
	w->created_at = w->updated_at = ctx->now;
	return uc_write(ctx, waitlist_create_tx, w, e);
}

int uc_waitlist_get(struct uc_ctx *ctx, const char *id, struct waitlist_entry *out,
		    struct err *e)
{
	struct store_tx *tx;
	int rc;

	uc_waitlist_tick(ctx);
	if (!(tx = uc_read(ctx, STORE_READ, e)))
		return -1;
	rc = entry_in_reach(ctx, tx, id, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_waitlist_list(struct uc_ctx *ctx, struct waitlist_filter *f, struct page pg,
		     struct waitlist_entry **out, size_t *n, struct err *e)
{
	struct store_tx *tx;
	int rc;

	uc_waitlist_tick(ctx);
	if (!(tx = uc_read(ctx, STORE_READ, e)))
		return -1;
	f->scope_key = uc_scope_key(ctx);
	rc = tx_waitlist_list(tx, f, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

struct entry_edit {
	const struct waitlist_entry *was;
	const struct waitlist_entry *want;	/* the edited entry, as asked */
	struct waitlist_entry *w;		/* the answer; starts as want on every run */
};

static int waitlist_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct entry_edit *ee = arg;
	struct waitlist_entry cur, *w = ee->w;
	json_t *stored, *read;
	int64_t from, to;
	int same;

	*w = *ee->want;	/* a rerun starts from the request, not from the rolled-back answer */
	if (entry_in_reach(ctx, tx, w->id, &cur, e))
		return -1;
	if (cur.status != WAITLIST_WAITING && cur.status != WAITLIST_OFFERED)
		return err_set(e, ERR_CONFLICT,
			       "waitlist entry %s is %s; only waiting or offered entries can be"
			       " edited", w->id, waitlist_status_name(cur.status));
	stored = wire_waitlist(&cur);
	read = wire_waitlist(ee->was);
	same = json_equal(stored, read);
	json_decref(read);
	if (!same) {
		json_decref(stored);
		return err_set(e, ERR_CONFLICT,
			       "waitlist entry %s changed while this edit was made; read it again"
			       " and resend the edit", w->id);
	}
	read = wire_waitlist(w);
	same = json_equal(read, stored);
	json_decref(read);
	if (same) {
		json_decref(stored);
		return 0;
	}
	w->updated_at = ctx->now;
	if (tx_waitlist_edit(tx, w, e) ||
	    uc_emit(ctx, tx, "waitlist.updated", w->id, wire_waitlist(w), stored, e))
		return -1;
	if (w->status != WAITLIST_WAITING)
		return 0;
	/* New dates, days or windows may fit a start that is free now. */
	instants_around(w->earliest_day, w->latest_day, 0, &from, &to);
	return uc_offers(ctx, tx, NULL, w->id, from, to, e) || tx_waitlist_get(tx, w->id, w, e)
		       ? -1
		       : 0;
}

int uc_waitlist_update(struct uc_ctx *ctx, const struct waitlist_entry *was,
		       struct waitlist_entry *w, struct err *e)
{
	struct waitlist_entry want = *w;
	struct entry_edit ee = {was, &want, w};

	return uc_write(ctx, waitlist_update_tx, &ee, e);
}

int uc_waitlist_remove(struct uc_ctx *ctx, struct store_tx *tx, const struct waitlist_entry *w,
		       struct err *e)
{
	if (w->status == WAITLIST_OFFERED) {
		struct err lookup;
		err_init(&lookup);
		if (tx_hold_delete(tx, w->hold_id, &lookup) && lookup.code != ERR_NOT_FOUND) {
			*e = lookup;
			return -1;
		}
	}
	if (tx_waitlist_delete(tx, w->id, e))
		return -1;
	return uc_emit(ctx, tx, "waitlist.removed", w->id, wire_waitlist(w), NULL, e);
}

static int waitlist_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	const char *id = arg;
	struct waitlist_entry w;

	if (entry_in_reach(ctx, tx, id, &w, e) || uc_waitlist_remove(ctx, tx, &w, e))
		return -1;
	if (w.status != WAITLIST_OFFERED)
		return 0;
	/* Its offer's time is free again (expired or not): the next entry may have it. */
	return uc_offers(ctx, tx, w.offer_provider_id, NULL, w.offer_start - 86400,
			 w.offer_start + 2 * 86400, e);
}

int uc_waitlist_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, waitlist_delete_tx, (void *)id, e);
}
