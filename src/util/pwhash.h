/* Password hashes: Argon2id through libsodium's crypto_pwhash_str (OPSLIMIT and MEMLIMIT
 * _INTERACTIVE, 64 MiB each). At most PWHASH_CONCURRENT hashes are computed at once in the
 * process; further callers wait their turn (at most PWHASH_WAIT_SECONDS), so sign-ins cannot
 * take the server's memory or all of its threads. */
#ifndef SLOTD_UTIL_PWHASH_H
#define SLOTD_UTIL_PWHASH_H

#include <stdbool.h>
#include <stddef.h>

#define PWHASH_CONCURRENT 2
#define PWHASH_WAIT_SECONDS 10
#define PWHASH_STR_MAX 128	/* crypto_pwhash_STRBYTES, NUL included */

/* Hashes password (len bytes) into out. Returns 0, or -1 when no turn came in time or the
 * memory for it could not be had. */
int pwhash_make(char out[PWHASH_STR_MAX], const char *password, size_t len);
/* 1 when password matches hash, 0 when not, -1 when no turn came in time. With hash NULL
 * (an unknown user) it verifies against a fixed hash made once, so the time taken does not
 * tell that the user does not exist, and returns 0. */
int pwhash_verify(const char *hash, const char *password, size_t len);
/* A random password of 20 characters (base64url of 15 random bytes) into out (21 bytes). */
void pwhash_generate(char out[21]);

#endif
