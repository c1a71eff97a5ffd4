/* Secrets kept at rest (CalDAV passwords, secret calendar addresses): sealed with libsodium's
 * secretbox (XSalsa20-Poly1305) under one server key, stored as base64 text of
 * nonce ‖ MAC ‖ ciphertext. The key file holds the 32 key bytes as 64 hex digits. */
#ifndef SLOTD_UTIL_SECRETBOX_H
#define SLOTD_UTIL_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SECRETBOX_KEY_BYTES 32

/* Reads the key from path into key. With create, a missing file is made with a new random
 * key (mode 0600, created exclusively so two processes starting at once agree). Errors:
 * ERR_INTERNAL naming the file (unreadable, not 64 hex digits, cannot be created). */
int secretbox_key_load(const char *path, bool create, unsigned char key[SECRETBOX_KEY_BYTES],
		       struct err *e);

/* The sealed text of plain (NUL-terminated) into out (size outsz, NUL-terminated); a fresh
 * random nonce each time. ERR_INVALID when out is too small. */
int secretbox_seal(const unsigned char key[SECRETBOX_KEY_BYTES], const char *plain, char *out,
		   size_t outsz, struct err *e);

/* Opens box (from secretbox_seal) into out (size outsz, NUL-terminated). ERR_INTERNAL when
 * it is not valid text of a box, was sealed under another key, or does not fit. */
int secretbox_open(const unsigned char key[SECRETBOX_KEY_BYTES], const char *box, char *out,
		   size_t outsz, struct err *e);

#endif
