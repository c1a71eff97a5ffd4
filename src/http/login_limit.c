#include "http/login_limit.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "util/ids.h"

#define SLOTS 4096		/* accounts tracked at once */
#define PROBES 8

struct account {
	char key[TOKEN_HASH_MAX];	/* hash of "slug\nemail" lower-cased; "" = free */
	int64_t first;			/* when the window's first attempt was */
	int failures;			/* attempts that failed or are still being checked */
};

/* Process-wide by nature, like the per-address limits: failures come from any connection. */
static struct account table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void key_of(const char *slug, const char *email, char out[TOKEN_HASH_MAX])
{
	char text[512];
	size_t n = 0;
	const char *p;

	for (p = slug; *p && n < 200; p++)
		text[n++] = (char)tolower((unsigned char)*p);
	text[n++] = '\n';
	for (p = email; *p && n < sizeof(text) - 1; p++)
		text[n++] = (char)tolower((unsigned char)*p);
	token_hash(out, text, n);
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

int64_t login_limit_take(const char *slug, const char *email, int64_t now)
{
	char key[TOKEN_HASH_MAX];
	struct account *a, *victim = NULL;
	int64_t wait = 0;
	size_t h, i;

	key_of(slug, email, key);
	pthread_mutex_lock(&lock);
	a = find(key);
	if (!a) {
		h = home_of(key);
		for (i = 0; i < PROBES && !a; i++) {
			struct account *c = &table[(h + i) % SLOTS];
			if (!*c->key || expired(c, now))
				a = c;
			else if (!victim || c->first < victim->first)
				victim = c;
		}
		if (!a)
			a = victim;
		memcpy(a->key, key, sizeof(key));
		a->failures = 0;
		a->first = now;
	}
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
