#include "util/pwhash.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

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

/* Waits at most PWHASH_WAIT_SECONDS for a turn: a flood of sign-ins gets refusals instead
 * of holding every server thread in the queue. 0, or -1 when no turn came. */
static int slot_take(void)
{
	struct timespec until;

	pthread_once(&once, init);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PWHASH_WAIT_SECONDS;
	while (sem_timedwait(&slots, &until) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int pwhash_make(char out[PWHASH_STR_MAX], const char *password, size_t len)
{
	int rc;

	if (slot_take())
		return -1;
	rc = crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&slots);
	return rc ? -1 : 0;
}

int pwhash_verify(const char *hash, const char *password, size_t len)
{
	int ok;

	if (slot_take())
		return -1;
	if (!hash) {
		/* The result is thrown away: only the time it takes matters. */
		ok = dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, len) == 0;
		ok = 0;
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
