#include "util/ids.h"

#include <sodium.h>
#include <string.h>

#include "util/err.h"

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

int ids_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void id_new(char out[ID_MAX], const char *prefix, int64_t now_ms)
{
	uint64_t hi = (uint64_t)now_ms & ((UINT64_C(1) << 48) - 1);
	uint64_t lo;
	size_t plen = strlen(prefix);
	char *p;
	int i;

	randombytes_buf(&lo, sizeof(lo));
	lo &= (UINT64_C(1) << 52) - 1;
	memcpy(out, prefix, plen);
	out[plen] = '_';
	p = out + plen + 1;
	/* 48 time bits -> 10 chars (50 bits, top two zero); 52 random bits -> 10 chars (50). */
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

void token_hash(char out[TOKEN_HASH_MAX], const char *token, size_t len)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, len, NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_MAX, h, sizeof(h));
}
