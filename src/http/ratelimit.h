/* Rate limits: a token bucket per API key, per manage token, per client address on routes
 * without authentication, and per client address for failed authentication. A bucket holds
 * up to quota requests and refills quota per window seconds, so a client may burst to the
 * quota and then go on at quota/window per second. Buckets live in a fixed table (bounded
 * memory; a long-idle bucket is the one a newcomer takes over) and are per process. */
#ifndef SLOTD_HTTP_RATELIMIT_H
#define SLOTD_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

enum rl_scope { RL_KEY, RL_TOKEN, RL_ADDRESS, RL_AUTH_FAILURE, RL__COUNT };

struct rl_policy {
	unsigned quota;		/* requests per window; 0 = no limit */
	unsigned window;	/* seconds */
};

/* The name of a scope as headers and metrics show it ("key", "token", "address",
 * "auth_failure"). */
const char *rl_scope_name(enum rl_scope s);
/* Parses "QUOTA/WINDOW" (e.g. "600/60"; "0/1" = no limit) into p. Returns 0 or -1. */
int rl_policy_parse(const char *text, struct rl_policy *p);

struct rl_answer {
	bool allowed;
	unsigned remaining;	/* whole requests left after this one */
	unsigned reset;		/* seconds until the bucket is full again */
	unsigned retry_after;	/* when refused: seconds until one request is allowed */
};

struct ratelimit;

struct ratelimit *ratelimit_new(const struct rl_policy policy[RL__COUNT]);
void ratelimit_free(struct ratelimit *rl);
/* The policy of scope. */
const struct rl_policy *ratelimit_policy(const struct ratelimit *rl, enum rl_scope s);
/* Takes one request from the bucket of (scope, id) at now (seconds, monotonic) under policy
 * p (NULL: the scope's). Returns whether it was allowed, with the figures for the headers
 * in *out. */
bool ratelimit_take(struct ratelimit *rl, enum rl_scope s, const char *id, double now,
		    const struct rl_policy *p, struct rl_answer *out);
/* Whether the bucket of (scope, id) has a request left, without taking one. */
bool ratelimit_left(struct ratelimit *rl, enum rl_scope s, const char *id, double now,
		    struct rl_answer *out);

/* Credentials that authenticated from an address (by their hash), remembered for
 * RL_GOOD_TTL seconds: an address that spent its failed-authentication allowance still has
 * them served. A full table forgets the oldest in a slot's place (that key then waits for
 * the allowance like a new one). */
#define RL_GOOD_TTL 3600.0
void ratelimit_good_put(struct ratelimit *rl, const char *address, const char *key_hash,
			double now);
bool ratelimit_good(struct ratelimit *rl, const char *address, const char *key_hash,
		    double now);

/* Tenants' own per-key limits, cached for RL_TENANT_TTL seconds: ratelimit_tenant_get
 * returns false when tenant_id's entry is missing or stale; otherwise *has says whether the
 * tenant has its own limit, in *p. ratelimit_tenant_put records what the store said (p NULL:
 * none). */
#define RL_TENANT_TTL 10.0
bool ratelimit_tenant_get(struct ratelimit *rl, const char *tenant_id, double now, bool *has,
			  struct rl_policy *p);
/* read_at: when the value was read (before the read began); an entry recorded from a later
 * read is kept, so a slow read cannot put back what a write has just replaced. */
void ratelimit_tenant_put(struct ratelimit *rl, const char *tenant_id, double read_at,
			  const struct rl_policy *p);

#endif
