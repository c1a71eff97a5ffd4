#include "http/auth_cache.h"

#include <pthread.h>
#include <time.h>
#include <string.h>

#include "util/err.h"
#include "util/mem.h"

struct auth_entry {
	char key_hash[TOKEN_HASH_MAX];
	struct auth auth;
	double expires;
};

struct auth_cache {
	pthread_mutex_t lock;
	unsigned long epoch;		/* keys forgotten so far */
	struct auth_entry slot[AUTH_CACHE_SLOTS];
};

struct auth_cache *auth_cache_new(void)
{
	struct auth_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void auth_cache_free(struct auth_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The hash is hex of a cryptographic hash: its first characters are already uniform. */
static size_t slot_of(const char *key_hash)
{
	size_t h = 0;
	int i;

	for (i = 0; i < 8 && key_hash[i]; i++)
		h = h * 16 + (size_t)(key_hash[i] & 15);
	return h & (AUTH_CACHE_SLOTS - 1);
}

bool auth_cache_get(struct auth_cache *c, const char *key_hash, double now_s, struct auth *out,
		    unsigned long *epoch)
{
	struct auth_entry *en = &c->slot[slot_of(key_hash)];
	bool hit;

	pthread_mutex_lock(&c->lock);
	hit = en->expires > now_s && !strcmp(en->key_hash, key_hash);
	if (hit)
		*out = en->auth;
	*epoch = c->epoch;
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void auth_cache_put(struct auth_cache *c, const char *key_hash, double now_s,
		    const struct auth *a, unsigned long epoch)
{
	struct auth_entry *en = &c->slot[slot_of(key_hash)];

	pthread_mutex_lock(&c->lock);
	if (epoch == c->epoch) {
		snprintf(en->key_hash, sizeof(en->key_hash), "%s", key_hash);
		en->auth = *a;
		en->expires = now_s + AUTH_CACHE_TTL_S;
	}
	pthread_mutex_unlock(&c->lock);
}

void auth_cache_forget(struct auth_cache *c, const char *key_hash)
{
	struct auth_entry *en = &c->slot[slot_of(key_hash)];

	pthread_mutex_lock(&c->lock);
	c->epoch++;
	if (!strcmp(en->key_hash, key_hash))
		en->expires = 0;
	pthread_mutex_unlock(&c->lock);
}

double auth_cache_now(void)
{
	struct timespec mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (double)mono.tv_sec + mono.tv_nsec / 1e9;
}
