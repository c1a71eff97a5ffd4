/* Unit tests for util/err as problem documents show it: messages and field errors quote what
 * clients sent, and whatever they quote must still render as JSON (UTF-8) with every field
 * error listed. Found by the fuzz_body target (fuzz/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "wire/wire.h"

/* s (of size) holds prefix, then seq n times. */
static void repeat(char *s, size_t size, const char *prefix, const char *seq, size_t n)
{
	size_t len = (size_t)snprintf(s, size, "%s", prefix), i;

	for (i = 0; i < n && len + strlen(seq) < size; i++)
		len += (size_t)snprintf(s + len, size - len, "%s", seq);
}

/* wire_problem(e) renders, and its errors[] has n members. */
static void assert_renders(const struct err *e, size_t n)
{
	json_t *p = wire_problem(e);
	char *text;

	assert_non_null(p);
	assert_int_equal(json_array_size(json_object_get(p, "errors")), n);
	text = json_dumps(p, JSON_COMPACT);
	assert_non_null(text);
	free(text);
	json_decref(p);
}

/* A JSON key of many two-byte characters, as json_only_keys reports it: the pointer buffer
 * ends inside a character. */
static void field_cut_inside_a_character_is_listed(void **state)
{
	char key[200];
	struct err e;

	repeat(key, sizeof(key), "/a", "\xc3\xa9", 60);
	err_init(&e);
	err_field(&e, key, "unknown field");
	assert_renders(&e, 1);
	assert_int_equal(e.fields[0].pointer[sizeof(e.fields[0].pointer) - 2], '?');
}

static void message_cut_inside_a_character_renders(void **state)
{
	char id[400];
	struct err e;

	repeat(id, sizeof(id), "x", "\xe2\x82\xac", 130);
	err_init(&e);
	err_set(&e, ERR_NOT_FOUND, "provider %s not found", id);
	assert_renders(&e, 0);
}

/* Path segments and query values are bytes, not necessarily UTF-8 (%FF in a URL). */
static void invalid_bytes_become_question_marks(void **state)
{
	struct err e;

	err_init(&e);
	err_set(&e, ERR_NOT_FOUND, "%s not found", "prv_\xff\xfe");
	assert_string_equal(e.message, "prv_?? not found");
	err_field_code(&e, ERR_INVALID, "provider_ids", "\"%s\" is not a provider id",
		       "\xed\xa0\x80x\xc0\xaf");
	assert_string_equal(e.fields[0].message, "\"???x??\" is not a provider id");
	assert_renders(&e, 1);
}

static void valid_text_is_kept(void **state)
{
	struct err e;

	err_init(&e);
	err_field(&e, "/name", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	assert_string_equal(e.fields[0].message,
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	assert_renders(&e, 1);
}

/* The character reader shared by the error messages, the search text and delivery logs:
 * never past the bytes it may read, and strict about the forms PostgreSQL refuses. */
static void utf8_char_reads_only_what_it_may(void **state)
{
	const unsigned char *e_acute = (const unsigned char *)"\xc3\xa9";
	const unsigned char *emoji = (const unsigned char *)"\xf0\x9f\x98\x80";

	(void)state;
	assert_int_equal(utf8_char((const unsigned char *)"a", 1), 1);
	assert_int_equal(utf8_char(e_acute, 2), 2);
	assert_int_equal(utf8_char(e_acute, 1), 0);	/* cut where the readable bytes end */
	assert_int_equal(utf8_char(e_acute, 0), 0);
	assert_int_equal(utf8_char(emoji, 4), 4);
	assert_int_equal(utf8_char(emoji, 3), 0);
	assert_int_equal(utf8_char((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(utf8_char((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(utf8_char((const unsigned char *)"\xe0\x80\xaf", 3), 0);
	assert_int_equal(utf8_char((const unsigned char *)"\xed\xa0\x80", 3), 0);
	assert_int_equal(utf8_char((const unsigned char *)"\xc0\xaf", 2), 0);
	assert_int_equal(utf8_char((const unsigned char *)"\xc3", 2), 0);	/* NUL after it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_cut_inside_a_character_is_listed),
		cmocka_unit_test(message_cut_inside_a_character_renders),
		cmocka_unit_test(invalid_bytes_become_question_marks),
		cmocka_unit_test(valid_text_is_kept),
		cmocka_unit_test(utf8_char_reads_only_what_it_may),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
