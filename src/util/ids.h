/* Identifiers and secrets. Ids are a type prefix plus 20 characters of Crockford base32:
 * 48 bits of milliseconds then 50 random bits, so ids sort by creation time and pagination
 * by id follows creation order; ids made in one millisecond are a random step (up to 2^40)
 * apart, so none can be guessed from another. Tokens are random; only their hashes are
 * stored. */
#ifndef SLOTD_UTIL_IDS_H
#define SLOTD_UTIL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_MAX 32		/* buffer size for any id, NUL included */
#define TOKEN_MAX 64		/* buffer size for a token, NUL included */
#define TOKEN_HASH_MAX 65	/* hex BLAKE2b-256 + NUL */

/* Must be called once before any other function here (initialises libsodium). */
int ids_init(void);

/* Writes "<prefix>_<20 chars>" into out (ID_MAX bytes), from the real wall clock. Ids made by
 * one process are strictly increasing, also within one millisecond. Thread-safe. */
void id_new(char out[ID_MAX], const char *prefix);
/* True when s looks like an id with this prefix (shape only, not existence). */
bool id_valid(const char *s, const char *prefix);

/* Writes "<prefix>_<43 chars base64url>" (256 random bits). */
void token_new(char out[TOKEN_MAX], const char *prefix);
/* Writes "<prefix>_<43 chars base64url>" of HMAC-SHA256(key, msg): the same token for the
 * same key and message, unguessable without the key. */
void token_derive(char out[TOKEN_MAX], const char *prefix, const char *key, const char *msg);
/* Hex BLAKE2b-256 of the token; what the store keeps. */
void token_hash(char out[TOKEN_HASH_MAX], const char *token, size_t len);

#endif
