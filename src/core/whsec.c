#include "core/whsec.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "util/err.h"

void whsec_new(char out[WHSEC_MAX])
{
	unsigned char key[WHSEC_KEY_NEW];
	size_t plen = strlen(WHSEC_PREFIX);

	randombytes_buf(key, sizeof(key));
	memcpy(out, WHSEC_PREFIX, plen);
	sodium_bin2base64(out + plen, WHSEC_MAX - plen, key, sizeof(key),
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
}

/* Decodes the key bytes of secret into key; their count, or -1 when secret is invalid. */
static int secret_key(const char *secret, unsigned char key[WHSEC_KEY_MAX + 1])
{
	size_t plen = strlen(WHSEC_PREFIX), len, klen = 0;
	const char *end = NULL;

	if (!secret || strncmp(secret, WHSEC_PREFIX, plen) != 0)
		return -1;
	secret += plen;
	len = strlen(secret);
	if (len == 0 || len >= WHSEC_MAX)
		return -1;
	/* One byte more than allowed, so an over-long key fails to decode or is seen. */
	if (sodium_base642bin(key, WHSEC_KEY_MAX + 1, secret, len, NULL, &klen, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (end != secret + len || klen < WHSEC_KEY_MIN || klen > WHSEC_KEY_MAX)
		return -1;
	return (int)klen;
}

bool whsec_valid(const char *secret)
{
	unsigned char key[WHSEC_KEY_MAX + 1];
	int klen = secret_key(secret, key);

	sodium_memzero(key, sizeof(key));
	return klen > 0;
}

int whsec_sign(const char *secret, const char *msg_id, int64_t ts, const char *body,
	       size_t len, char *out, size_t outsz)
{
	unsigned char key[WHSEC_KEY_MAX + 1], mac[crypto_auth_hmacsha256_BYTES];
	char tsbuf[24], b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
						      sodium_base64_VARIANT_ORIGINAL)];
	crypto_auth_hmacsha256_state st;
	size_t used = strlen(out), need;
	int klen = secret_key(secret, key);

	if (klen < 0)
		return -1;
	need = used + (used ? 1 : 0) + WHSEC_SIG_LEN + 1;
	if (need > outsz) {
		sodium_memzero(key, sizeof(key));
		return -1;
	}
	snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);
	crypto_auth_hmacsha256_init(&st, key, (size_t)klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tsbuf, strlen(tsbuf));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out + used, outsz - used, "%sv1,%s", used ? " " : "", b64);
	return 0;
}
