#include "util/ids.h"

#include <pthread.h>
#include <sodium.h>
#include <time.h>
#include <string.h>

#include "util/err.h"

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

int ids_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* The last id's time and random parts: the one piece of process-wide state here, so ids
 * stay ordered when many are made in one millisecond. */
static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t id_last_ms, id_last_rand;

/* Random 64-bit words for ids from a per-thread pool, refilled from the system's generator
 * 32 words at a time: every request makes an id, and one getrandom call per id was a
 * measurable part of a slot query. The words are as random as the generator's. */
static uint64_t id_random(void)
{
	static _Thread_local uint64_t pool[32];
	static _Thread_local size_t left;

	if (!left) {
		randombytes_buf(pool, sizeof(pool));
		left = sizeof(pool) / sizeof(pool[0]);
	}
	return pool[--left];
}

void id_new(char out[ID_MAX], const char *prefix)
{
	const uint64_t rand_mask = (UINT64_C(1) << 50) - 1;
	struct timespec ts;
	uint64_t hi, lo;
	size_t plen = strlen(prefix);
	char *p;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	hi = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) &
	     ((UINT64_C(1) << 48) - 1);
	lo = id_random() & (rand_mask >> 1);	/* leave headroom for increments */
	pthread_mutex_lock(&id_lock);
	if (hi <= id_last_ms) {
		/* Still ordered, but a random step of up to 2^40 apart: an id made in the same
		 * millisecond as one a client saw cannot be guessed from it. */
		uint64_t step = id_random();
		hi = id_last_ms;
		lo = (id_last_rand + 1 + (step & ((UINT64_C(1) << 40) - 1))) & rand_mask;
		if (lo <= id_last_rand) {	/* exhausted this millisecond: borrow the next */
			hi++;
			lo &= rand_mask >> 1;
		}
	}
	id_last_ms = hi;
	id_last_rand = lo;
	pthread_mutex_unlock(&id_lock);

	memcpy(out, prefix, plen);
	out[plen] = '_';
	p = out + plen + 1;
	/* 48 time bits -> 10 chars; 50 random bits -> 10 chars. */
	for (i = 9; i >= 0; i--) {
		p[i] = crockford[hi & 31];
		hi >>= 5;
	}
	for (i = 19; i >= 10; i--) {
		p[i] = crockford[lo & 31];
		lo >>= 5;
	}
	p[20] = '\0';
}

bool id_valid(const char *s, const char *prefix)
{
	size_t plen = strlen(prefix);
	size_t i;

	if (strncmp(s, prefix, plen) != 0 || s[plen] != '_')
		return false;
	s += plen + 1;
	for (i = 0; i < 20; i++)
		if (!s[i] || !strchr(crockford, s[i]))
			return false;
	return s[20] == '\0';
}

void token_new(char out[TOKEN_MAX], const char *prefix)
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	out[plen] = '_';
	sodium_bin2base64(out + plen + 1, TOKEN_MAX - plen - 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_derive(char out[TOKEN_MAX], const char *prefix, const char *key, const char *msg)
{
	unsigned char k[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	size_t plen = strlen(prefix);

	crypto_generichash(k, sizeof(k), (const unsigned char *)key, strlen(key), NULL, 0);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), k);
	memcpy(out, prefix, plen);
	out[plen] = '_';
	sodium_bin2base64(out + plen + 1, TOKEN_MAX - plen - 1, mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(k, sizeof(k));
}

void token_hash(char out[TOKEN_HASH_MAX], const char *token, size_t len)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, len, NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_MAX, h, sizeof(h));
}
