#include "http/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define GROUP 8			/* slots a key may live in: one group, under one lock */
#define GROUPS 8192		/* 65,536 buckets, about 1.5 MB */
#define LOCKS 64

struct bucket {
	uint64_t tag;		/* hash of scope and id; 0 = empty */
	double tokens;
	double at;		/* when tokens was last brought up to date */
	unsigned quota;		/* of the policy tokens was counted under */
};

#define TENANTS 1024		/* cached tenant limits; a collision just reads the store again */
#define GOOD 16384		/* credentials seen valid per address */
_Static_assert(TENANTS % LOCKS == 0 && GOOD % LOCKS == 0, "a slot keeps its lock stripe");

struct tenant_limit {
	char tenant[64];
	double at;		/* when it was read; 0 = empty */
	bool has;
	struct rl_policy p;
};

struct ratelimit {
	struct rl_policy policy[RL__COUNT];
	pthread_mutex_t lock[LOCKS];
	struct bucket slot[GROUPS][GROUP];
	struct tenant_limit tenant[TENANTS];
	struct {
		uint64_t tag;
		double at;
	} good[GOOD];
};

static const char *const scope_names[RL__COUNT] = {"key", "token", "address", "auth_failure"};

const char *rl_scope_name(enum rl_scope s)
{
	return (unsigned)s < RL__COUNT ? scope_names[s] : "unknown";
}

int rl_policy_parse(const char *text, struct rl_policy *p)
{
	unsigned long q, w;
	char *end;

	if (!text || *text < '0' || *text > '9')
		return -1;
	q = strtoul(text, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	w = strtoul(end + 1, &end, 10);
	if (*end || q > 1000000000ul || w < 1 || w > 86400)
		return -1;
	p->quota = (unsigned)q;
	p->window = (unsigned)w;
	return 0;
}

struct ratelimit *ratelimit_new(const struct rl_policy policy[RL__COUNT])
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	size_t i;

	memcpy(rl->policy, policy, sizeof(rl->policy));
	for (i = 0; i < LOCKS; i++)
		pthread_mutex_init(&rl->lock[i], NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	size_t i;

	if (!rl)
		return;
	for (i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&rl->lock[i]);
	free(rl);
}

const struct rl_policy *ratelimit_policy(const struct ratelimit *rl, enum rl_scope s)
{
	return &rl->policy[s];
}

/* FNV-1a over the scope (a byte of its own, so no scope and id pair spells another) and the
 * id; never 0 (the empty tag). */
static uint64_t tag_of(enum rl_scope s, const char *id)
{
	uint64_t h = (1469598103934665603ull ^ (uint64_t)s) * 1099511628211ull;

	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	return h ? h : 1;
}

static double level(const struct rl_policy *p, const struct bucket *b, double now)
{
	double t = b->tokens + (now - b->at) * p->quota / p->window;

	return t > p->quota ? p->quota : t;
}

/* The bucket for tag in its group: its own, else an empty one, else the one that will be
 * full soonest (the least recently drained), taken over as a full bucket. */
static struct bucket *find(struct ratelimit *rl, const struct rl_policy *p, uint64_t tag,
			   double now)
{
	struct bucket *g = rl->slot[tag % GROUPS], *pick = NULL;
	double best = -1;
	size_t i;

	for (i = 0; i < GROUP; i++)
		if (g[i].tag == tag)
			return &g[i];
	for (i = 0; i < GROUP; i++) {
		double full = g[i].tag ? level(p, &g[i], now) / p->quota : 2;
		if (full > best) {
			best = full;
			pick = &g[i];
		}
	}
	pick->tag = tag;
	pick->tokens = p->quota;
	pick->at = now;
	pick->quota = p->quota;
	return pick;
}

/* The lock of a slot of the buckets, the tenant cache or the good-credential memory (each
 * table's size is a multiple of LOCKS, so a slot always has the same lock): every request
 * reads them, and one lock for all would serialise the workers. */
static pthread_mutex_t *stripe(struct ratelimit *rl, uint64_t tag)
{
	return &rl->lock[tag % LOCKS];
}

static bool use(struct ratelimit *rl, enum rl_scope s, const char *id, double now,
		const struct rl_policy *p, bool take, struct rl_answer *out)
{
	uint64_t tag;
	pthread_mutex_t *lock;
	struct bucket *b;
	double t, rate;

	memset(out, 0, sizeof(*out));
	out->allowed = true;
	if (!p->quota)
		return true;
	tag = tag_of(s, id);
	lock = stripe(rl, tag % GROUPS);
	rate = (double)p->quota / p->window;
	pthread_mutex_lock(lock);
	b = find(rl, p, tag, now);
	if (b->quota != p->quota) {
		/* The policy changed (a tenant's own limit): what was used stays used. */
		b->tokens += (double)p->quota - b->quota;
		if (b->tokens < 0)
			b->tokens = 0;
		b->quota = p->quota;
	}
	t = level(p, b, now);
	b->tokens = t;
	b->at = now;
	out->allowed = t >= 1;
	if (out->allowed && take)
		b->tokens = t -= 1;
	pthread_mutex_unlock(lock);
	out->remaining = (unsigned)floor(t);
	out->reset = (unsigned)ceil((p->quota - t) / rate);
	if (!out->allowed)
		out->retry_after = (unsigned)ceil((1 - t) / rate);
	if (!out->allowed && out->retry_after < 1)
		out->retry_after = 1;
	return out->allowed;
}

bool ratelimit_take(struct ratelimit *rl, enum rl_scope s, const char *id, double now,
		    const struct rl_policy *p, struct rl_answer *out)
{
	return use(rl, s, id, now, p ? p : &rl->policy[s], true, out);
}

bool ratelimit_left(struct ratelimit *rl, enum rl_scope s, const char *id, double now,
		    struct rl_answer *out)
{
	return use(rl, s, id, now, &rl->policy[s], false, out);
}

static uint64_t tenant_tag(const char *tenant_id)
{
	return tag_of(RL__COUNT, tenant_id);
}

bool ratelimit_tenant_get(struct ratelimit *rl, const char *tenant_id, double now, bool *has,
			  struct rl_policy *p)
{
	uint64_t tag = tenant_tag(tenant_id);
	struct tenant_limit *t = &rl->tenant[tag % TENANTS];
	bool fresh;

	pthread_mutex_lock(stripe(rl, tag));
	fresh = t->at > 0 && now - t->at < RL_TENANT_TTL && !strcmp(t->tenant, tenant_id);
	if (fresh) {
		*has = t->has;
		*p = t->p;
	}
	pthread_mutex_unlock(stripe(rl, tag));
	return fresh;
}

void ratelimit_tenant_put(struct ratelimit *rl, const char *tenant_id, double read_at,
			  const struct rl_policy *p)
{
	uint64_t tag = tenant_tag(tenant_id);
	struct tenant_limit *t = &rl->tenant[tag % TENANTS];

	pthread_mutex_lock(stripe(rl, tag));
	if (t->at > read_at && !strcmp(t->tenant, tenant_id)) {
		pthread_mutex_unlock(stripe(rl, tag));
		return;
	}
	snprintf(t->tenant, sizeof(t->tenant), "%s", tenant_id);
	t->at = read_at > 0 ? read_at : 1e-9;
	t->has = p != NULL;
	if (p)
		t->p = *p;
	pthread_mutex_unlock(stripe(rl, tag));
}

static uint64_t good_tag(const char *address, const char *key_hash)
{
	char both[160];

	snprintf(both, sizeof(both), "%s %s", address, key_hash);
	return tag_of(RL_AUTH_FAILURE, both);
}

void ratelimit_good_put(struct ratelimit *rl, const char *address, const char *key_hash,
			double now)
{
	uint64_t tag = good_tag(address, key_hash);

	pthread_mutex_lock(stripe(rl, tag));
	rl->good[tag % GOOD].tag = tag;
	rl->good[tag % GOOD].at = now;
	pthread_mutex_unlock(stripe(rl, tag));
}

bool ratelimit_good(struct ratelimit *rl, const char *address, const char *key_hash,
		    double now)
{
	uint64_t tag = good_tag(address, key_hash);
	bool known;

	pthread_mutex_lock(stripe(rl, tag));
	known = rl->good[tag % GOOD].tag == tag && now - rl->good[tag % GOOD].at < RL_GOOD_TTL;
	pthread_mutex_unlock(stripe(rl, tag));
	return known;
}
