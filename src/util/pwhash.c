#include "util/pwhash.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>

/* Process-wide by nature: the memory bound holds for all requests together. */
static sem_t slots;
static char dummy_hash[PWHASH_STR_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	static const char dummy[] = "no user has this password";

	sem_init(&slots, 0, PWHASH_CONCURRENT);
	if (crypto_pwhash_str(dummy_hash, dummy, sizeof(dummy) - 1,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		dummy_hash[0] = '\0';
}

static void slot_take(void)
{
	pthread_once(&once, init);
	while (sem_wait(&slots) != 0)
		;	/* EINTR: wait again */
}

int pwhash_make(char out[PWHASH_STR_MAX], const char *password, size_t len)
{
	int rc;

	slot_take();
	rc = crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&slots);
	return rc ? -1 : 0;
}

bool pwhash_verify(const char *hash, const char *password, size_t len)
{
	bool ok;

	slot_take();
	if (!hash) {
		/* The result is thrown away: only the time it takes matters. */
		ok = dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, len) == 0;
		ok = false;
	} else {
		ok = crypto_pwhash_str_verify(hash, password, len) == 0;
	}
	sem_post(&slots);
	return ok;
}

void pwhash_generate(char out[21])
{
	unsigned char raw[15];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 21, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
