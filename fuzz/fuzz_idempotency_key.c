/* The Idempotency-Key header of POST /v1/bookings. An accepted key is 1-255 printable ASCII
 * characters and is the header itself or its quoted content. */
#include "fuzz.h"

#include "wire/wire_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[WIRE_IDEMPOTENCY_KEY_MAX + 1];
	char *s = fuzz_cstr(data, size);
	struct err e;
	size_t n, i;

	err_init(&e);
	if (wire_idempotency_key(s, key, &e) == 0) {
		n = strlen(key);
		fuzz_check(n >= 1 && n <= WIRE_IDEMPOTENCY_KEY_MAX, "key length");
		for (i = 0; i < n; i++)
			fuzz_check(key[i] > 0x20 && key[i] < 0x7f, "key characters");
		fuzz_check(!strcmp(key, s) || (s[0] == '"' && !strncmp(key, s + 1, n)),
			   "key is the header or its quoted content");
	} else {
		fuzz_check(e.code == ERR_MALFORMED, "error code");
	}
	free(s);
	return 0;
}
