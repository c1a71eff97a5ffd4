/* Standard Webhooks secrets and signatures (https://www.standardwebhooks.com).
 * A secret is "whsec_" followed by the base64 (standard alphabet, padded) of its key bytes;
 * a signature is "v1," followed by the base64 of HMAC-SHA256(key bytes,
 * "<msg_id>.<timestamp>.<body>"). Pure functions; thread-safe once libsodium is initialised
 * (sodium_init, done at start-up). */
#ifndef SLOTD_CORE_WHSEC_H
#define SLOTD_CORE_WHSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

#define WHSEC_PREFIX "whsec_"
#define WHSEC_KEY_MIN 24	/* decoded key bytes accepted */
#define WHSEC_KEY_MAX 64
#define WHSEC_KEY_NEW 32	/* key bytes of a new secret */
/* One "v1,<base64 of 32 bytes>" signature, without separator or NUL. */
#define WHSEC_SIG_LEN (3 + 44)

/* A new secret: "whsec_" + base64 of 32 random bytes (50 characters), NUL-terminated. */
void whsec_new(char out[WHSEC_MAX]);

/* True when secret has the prefix and decodes to WHSEC_KEY_MIN..WHSEC_KEY_MAX bytes. */
bool whsec_valid(const char *secret);

/* Appends the v1 signature of (msg_id, ts in unix seconds, body of len bytes) under secret
 * to the NUL-terminated string out (outsz bytes in all), preceded by a space when out is
 * not empty, so signatures of several secrets share one header value. Returns -1, leaving
 * out unchanged, when the secret is invalid or the result would not fit. */
int whsec_sign(const char *secret, const char *msg_id, int64_t ts, const char *body,
	       size_t len, char *out, size_t outsz);

#endif
