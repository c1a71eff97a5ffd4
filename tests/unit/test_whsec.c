/* Unit tests for core/whsec: secrets and Standard Webhooks signatures. The known vector is
 * the one published with the Standard Webhooks reference libraries (and Svix's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/whsec.h"

#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS 1614265330
#define SPEC_BODY "{\"test\": 2432232314}"
#define SPEC_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void test_sign_reproduces_the_published_vector(void **state)
{
	char out[128] = "";

	(void)state;
	assert_int_equal(whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY,
				    strlen(SPEC_BODY), out, sizeof(out)), 0);
	assert_string_equal(out, SPEC_SIG);
}

static void test_second_signature_is_appended_after_a_space(void **state)
{
	char out[128] = "", secret[WHSEC_MAX];

	(void)state;
	whsec_new(secret);
	assert_int_equal(whsec_sign(secret, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), out,
				    sizeof(out)), 0);
	assert_int_equal(strlen(out), WHSEC_SIG_LEN);
	assert_int_equal(whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY,
				    strlen(SPEC_BODY), out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 2 * WHSEC_SIG_LEN + 1);
	assert_int_equal(out[WHSEC_SIG_LEN], ' ');
	assert_string_equal(out + WHSEC_SIG_LEN + 1, SPEC_SIG);
}

static void test_sign_refuses_a_buffer_too_small(void **state)
{
	char out[WHSEC_SIG_LEN] = "";

	(void)state;
	assert_int_equal(whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY,
				    strlen(SPEC_BODY), out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void test_sign_exactly_fitting_buffer(void **state)
{
	char out[WHSEC_SIG_LEN + 1] = "";

	(void)state;
	assert_int_equal(whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY,
				    strlen(SPEC_BODY), out, sizeof(out)), 0);
	assert_string_equal(out, SPEC_SIG);
}

static void test_sign_refuses_an_invalid_secret(void **state)
{
	char out[128] = "";

	(void)state;
	assert_int_equal(whsec_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID, SPEC_TS,
				    SPEC_BODY, strlen(SPEC_BODY), out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void test_new_secret_is_valid_and_random(void **state)
{
	char a[WHSEC_MAX], b[WHSEC_MAX];

	(void)state;
	whsec_new(a);
	whsec_new(b);
	assert_int_equal(strncmp(a, "whsec_", 6), 0);
	assert_int_equal(strlen(a), 6 + 44);
	assert_true(whsec_valid(a));
	assert_true(whsec_valid(b));
	assert_string_not_equal(a, b);
}

static void test_valid_refuses_malformed_secrets(void **state)
{
	(void)state;
	assert_true(whsec_valid(SPEC_SECRET));
	assert_false(whsec_valid(NULL));
	assert_false(whsec_valid(""));
	assert_false(whsec_valid("whsec_"));
	assert_false(whsec_valid("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
	assert_false(whsec_valid("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
	assert_false(whsec_valid("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!"));
	assert_false(whsec_valid("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "));
	/* 16 bytes: too short. */
	assert_false(whsec_valid("whsec_AAAAAAAAAAAAAAAAAAAAAA=="));
}

static void test_valid_key_length_bounds(void **state)
{
	unsigned char key[65];
	char secret[WHSEC_MAX + 40];

	(void)state;
	memset(key, 7, sizeof(key));
	memcpy(secret, "whsec_", 6);
	sodium_bin2base64(secret + 6, sizeof(secret) - 6, key, 24, sodium_base64_VARIANT_ORIGINAL);
	assert_true(whsec_valid(secret));
	sodium_bin2base64(secret + 6, sizeof(secret) - 6, key, 23, sodium_base64_VARIANT_ORIGINAL);
	assert_false(whsec_valid(secret));
	sodium_bin2base64(secret + 6, sizeof(secret) - 6, key, 64, sodium_base64_VARIANT_ORIGINAL);
	assert_true(whsec_valid(secret));
	sodium_bin2base64(secret + 6, sizeof(secret) - 6, key, 65, sodium_base64_VARIANT_ORIGINAL);
	assert_false(whsec_valid(secret));
}

/* An independent HMAC over the concatenation, with libsodium's one-shot API. */
static void test_sign_matches_an_independent_hmac(void **state)
{
	unsigned char key[32], mac[32];
	char secret[WHSEC_MAX], out[128] = "", expect[128], b64[64];
	const char *msg = "evt_1.1700000000.{\"a\":1}";
	size_t klen;

	(void)state;
	whsec_new(secret);
	assert_int_equal(sodium_base642bin(key, sizeof(key), secret + 6, strlen(secret + 6), NULL,
					   &klen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(klen, 32);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	snprintf(expect, sizeof(expect), "v1,%s", b64);
	assert_int_equal(whsec_sign(secret, "evt_1", 1700000000, "{\"a\":1}", 7, out, sizeof(out)),
			 0);
	assert_string_equal(out, expect);
}

static void test_sign_covers_every_part(void **state)
{
	char a[128] = "", b[128] = "", c[128] = "", d[128] = "";

	(void)state;
	whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), a, sizeof(a));
	whsec_sign(SPEC_SECRET, "msg_other", SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), b, sizeof(b));
	whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS + 1, SPEC_BODY, strlen(SPEC_BODY), c, sizeof(c));
	whsec_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY) - 1, d, sizeof(d));
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_reproduces_the_published_vector),
		cmocka_unit_test(test_second_signature_is_appended_after_a_space),
		cmocka_unit_test(test_sign_refuses_a_buffer_too_small),
		cmocka_unit_test(test_sign_exactly_fitting_buffer),
		cmocka_unit_test(test_sign_refuses_an_invalid_secret),
		cmocka_unit_test(test_new_secret_is_valid_and_random),
		cmocka_unit_test(test_valid_refuses_malformed_secrets),
		cmocka_unit_test(test_valid_key_length_bounds),
		cmocka_unit_test(test_sign_matches_an_independent_hmac),
		cmocka_unit_test(test_sign_covers_every_part),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
