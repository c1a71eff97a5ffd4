#include "http/login_limit.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "util/ids.h"

#define SLOTS 4096		/* accounts tracked at once */
#define PROBES 8

struct account {
	char key[TOKEN_HASH_MAX];	/* keyed hash of "slug\nemail" lower-cased; "" = free */
	int64_t first;			/* when the window's first attempt was */
	int failures;			/* attempts that failed or are still being checked */
};

/* Process-wide by nature, like the per-address limits: failures come from any connection. */
static struct account table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* The accounts' places in the table come from a hash keyed with this process's own random
 * key: with a public hash, anyone could work out accounts that share an account's slots and
 * push its count out of the table with a few failed sign-ins to them. */
static unsigned char place_key[crypto_generichash_KEYBYTES];
static pthread_once_t place_once = PTHREAD_ONCE_INIT;

static void place_init(void)
{
	randombytes_buf(place_key, sizeof(place_key));
}

static void key_of(const char *slug, const char *email, char out[TOKEN_HASH_MAX])
{
	unsigned char h[32];
	char text[512];
	size_t n = 0;
	const char *p;

	for (p = slug; *p && n < 200; p++)
		text[n++] = (char)tolower((unsigned char)*p);
	text[n++] = '\n';
	for (p = email; *p && n < sizeof(text) - 1; p++)
		text[n++] = (char)tolower((unsigned char)*p);
	pthread_once(&place_once, place_init);
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, n, place_key,
			   sizeof(place_key));
	sodium_bin2hex(out, TOKEN_HASH_MAX, h, sizeof(h));
}

static size_t home_of(const char *key)
{
	size_t h = 0;
	int i;

	for (i = 0; i < 8; i++)
		h = h * 16 + (size_t)(key[i] <= '9' ? key[i] - '0' : key[i] - 'a' + 10);
	return h % SLOTS;
}

/* The slot of key, or NULL (lock held). */
static struct account *find(const char *key)
{
	size_t h = home_of(key), i;

	for (i = 0; i < PROBES; i++)
		if (!strcmp(table[(h + i) % SLOTS].key, key))
			return &table[(h + i) % SLOTS];
	return NULL;
}

static bool expired(const struct account *a, int64_t now)
{
	return now - a->first >= LOGIN_WINDOW_SECONDS || now < a->first;
}

static bool locked(const struct account *a, int64_t now)
{
	return !expired(a, now) && a->failures >= LOGIN_FAILURES_MAX;
}

/* A slot for a new key (lock held): a free or ended one, else the oldest of those still
 * below the limit, and only when every slot holds a locked account the oldest of those. */
static struct account *place(const char *key, int64_t now)
{
	struct account *a = NULL, *below = NULL, *full = NULL;
	size_t h = home_of(key), i;

	for (i = 0; i < PROBES && !a; i++) {
		struct account *c = &table[(h + i) % SLOTS];
		if (!*c->key || expired(c, now))
			a = c;
		else if (!locked(c, now) && (!below || c->first < below->first))
			below = c;
		else if (locked(c, now) && (!full || c->first < full->first))
			full = c;
	}
	if (!a)
		a = below ? below : full;
	memcpy(a->key, key, TOKEN_HASH_MAX);
	a->failures = 0;
	a->first = now;
	return a;
}

int64_t login_limit_take(const char *slug, const char *email, int64_t now)
{
	char key[TOKEN_HASH_MAX];
	struct account *a;
	int64_t wait = 0;

	key_of(slug, email, key);
	pthread_mutex_lock(&lock);
	a = find(key);
	if (!a)
		a = place(key, now);
	if (expired(a, now)) {
		a->failures = 0;
		a->first = now;
	}
	if (a->failures >= LOGIN_FAILURES_MAX)
		wait = a->first + LOGIN_WINDOW_SECONDS - now;
	else
		a->failures++;
	pthread_mutex_unlock(&lock);
	return wait;
}

void login_limit_refund(const char *slug, const char *email, int64_t now)
{
	char key[TOKEN_HASH_MAX];
	struct account *a;

	key_of(slug, email, key);
	pthread_mutex_lock(&lock);
	a = find(key);
	if (a && !expired(a, now) && a->failures > 0)
		a->failures--;
	pthread_mutex_unlock(&lock);
}

void login_limit_clear(const char *slug, const char *email)
{
	char key[TOKEN_HASH_MAX];
	struct account *a;

	key_of(slug, email, key);
	pthread_mutex_lock(&lock);
	a = find(key);
	if (a)
		memset(a, 0, sizeof(*a));
	pthread_mutex_unlock(&lock);
}
