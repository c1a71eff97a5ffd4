/* Unit tests for wire_query: Idempotency-Key, integer parameters, id lists and If-Match, as
 * handlers read them from the query string and headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire_query.h"

#define P1 "prv_01hqx3k5n8d2vz7m9c4b"
#define P2 "prv_01hqx3k5n8d2vz7m9c4c"

static void idempotency_key_bare_and_quoted(void **state)
{
	char key[WIRE_IDEMPOTENCY_KEY_MAX + 1];
	struct err e;

	err_init(&e);
	assert_int_equal(wire_idempotency_key("order-42", key, &e), 0);
	assert_string_equal(key, "order-42");
	assert_int_equal(wire_idempotency_key("\"order-42\"", key, &e), 0);
	assert_string_equal(key, "order-42");
}

static void idempotency_key_refusals(void **state)
{
	char key[WIRE_IDEMPOTENCY_KEY_MAX + 1], longest[WIRE_IDEMPOTENCY_KEY_MAX + 2];
	const char *bad[] = {"", "\"\"", "has space", "tab\there", "caf\xc3\xa9", "\x7f"};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		assert_int_equal(wire_idempotency_key(bad[i], key, &e), -1);
		assert_int_equal(e.code, ERR_MALFORMED);
	}
	memset(longest, 'k', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	err_init(&e);
	assert_int_equal(wire_idempotency_key(longest, key, &e), -1);
	longest[WIRE_IDEMPOTENCY_KEY_MAX] = '\0';
	assert_int_equal(wire_idempotency_key(longest, key, &e), 0);
	assert_int_equal(strlen(key), WIRE_IDEMPOTENCY_KEY_MAX);
}

static void int_value_bounds(void **state)
{
	long long v = -5;

	assert_int_equal(wire_int_value("1", 1, 200, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(wire_int_value("200", 1, 200, &v), 0);
	assert_int_equal(v, 200);
	assert_int_equal(wire_int_value("0", 1, 200, &v), -1);
	assert_int_equal(wire_int_value("201", 1, 200, &v), -1);
	assert_int_equal(wire_int_value("", 1, 200, &v), -1);
	assert_int_equal(wire_int_value("12abc", 1, 200, &v), -1);
	assert_int_equal(wire_int_value("9223372036854775808", 0, INT64_MAX, &v), -1);
	assert_int_equal(v, 200);
}

static void id_list_dedups_in_order(void **state)
{
	char ids[4][ID_MAX];
	struct err e;
	size_t n;

	err_init(&e);
	assert_int_equal(wire_id_list(P2 "," P1 "," P2, "provider_ids", "prv", "provider", 4, ids,
				      &n, &e),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], P2);
	assert_string_equal(ids[1], P1);
}

static void id_list_refusals(void **state)
{
	const char *bad[] = {P1 ",", "," P1, P1 ",," P2, "svc_01hqx3k5n8d2vz7m9c4b",
			     P1 "x"};
	char ids[4][ID_MAX];
	struct err e;
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		assert_int_equal(wire_id_list(bad[i], "provider_ids", "prv", "provider", 4, ids, &n,
					      &e),
				 -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.fields[0].pointer, "provider_ids");
	}
	err_init(&e);
	assert_int_equal(wire_id_list(P1 "," P2, "provider_ids", "prv", "provider", 1, ids, &n, &e),
			 -1);
	assert_int_equal(e.code, ERR_RANGE);
}

static void etag_versions(void **state)
{
	int v = 0;

	assert_int_equal(wire_etag_version("\"3\"", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(wire_etag_version("W/\"12\"", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(wire_etag_version("7", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(wire_etag_version("\"0\"", &v), -1);
	assert_int_equal(wire_etag_version("\"3\"x", &v), -1);
	assert_int_equal(wire_etag_version("\"99999999999\"", &v), -1);
	assert_int_equal(wire_etag_version("*", &v), -1);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idempotency_key_bare_and_quoted),
		cmocka_unit_test(idempotency_key_refusals),
		cmocka_unit_test(int_value_bounds),
		cmocka_unit_test(id_list_dedups_in_order),
		cmocka_unit_test(id_list_refusals),
		cmocka_unit_test(etag_versions),
	};

	return cmocka_run_group_tests_name("wire_query", tests, NULL, NULL);
}
