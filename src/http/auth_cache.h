/* A small in-process cache of successful API key lookups, so a request does not pay a
 * database round trip to authenticate. Entries live AUTH_CACHE_TTL_S seconds, which bounds
 * how long a key removed from the store keeps working in this process. Failed lookups are
 * never cached. Thread-safe. */
#ifndef SLOTD_HTTP_AUTH_CACHE_H
#define SLOTD_HTTP_AUTH_CACHE_H

#include <stdbool.h>

#include "core/model.h"
#include "util/ids.h"

#define AUTH_CACHE_SLOTS 1024	/* power of two */
#define AUTH_CACHE_TTL_S 10

struct auth_cache;

struct auth_cache *auth_cache_new(void);
void auth_cache_free(struct auth_cache *c);
/* True (out filled) when key_hash was found and is fresh at monotonic time now_s. Otherwise
 * *epoch is the cache's revocation count, to hand to auth_cache_put after looking the key
 * up in the store. */
bool auth_cache_get(struct auth_cache *c, const char *key_hash, double now_s, struct auth *out,
		    unsigned long *epoch);
/* Caches a lookup made after auth_cache_get gave epoch, unless a key was forgotten since:
 * the lookup may have read a key before its revocation committed. */
void auth_cache_put(struct auth_cache *c, const char *key_hash, double now_s,
		    const struct auth *a, unsigned long epoch);
/* Forgets key_hash: a key revoked in this process stops working at once. */
void auth_cache_forget(struct auth_cache *c, const char *key_hash);
/* Monotonic seconds, the clock the cache runs on. */
double auth_cache_now(void);

#endif
