/* Unit tests for core/location and core/profile: the video URL template's check (known
 * placeholders, balanced braces, an http(s) result, limits), its expansion (values
 * percent-encoded), a booking's location resolved from its service's, web URLs and
 * language tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/itip.h"
#include "core/location.h"
#include "core/profile.h"

static const struct location_vars vars = {"acme", "K7QX2M9P", "bkg_1", "prv_2"};

static void check_fails(const char *tpl, const char *needle)
{
	struct err e;

	err_init(&e);
	assert_int_equal(location_template_check(tpl, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	if (!strstr(e.message, needle))
		fail_msg("\"%s\" does not say \"%s\"", e.message, needle);
}

static void test_template_accepts_each_placeholder(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(location_template_check("https://meet.jit.si/{tenant}-{reference}", &e),
			 0);
	assert_int_equal(location_template_check("https://x.example/r/{booking_id}?p={provider_id}",
						 &e),
			 0);
	assert_int_equal(location_template_check("http://x.example/fixed-room", &e), 0);
}

static void test_template_unknown_placeholder(void **state)
{
	(void)state;
	check_fails("https://x.example/{room}", "unknown placeholder \"{room}\"");
	check_fails("https://x.example/{Tenant}", "unknown placeholder");
	check_fails("https://x.example/{}", "unknown placeholder");
}

static void test_template_unbalanced_braces(void **state)
{
	(void)state;
	check_fails("https://x.example/{tenant", "without its \"}\"");
	check_fails("https://x.example/tenant}", "without its \"{\"");
	check_fails("https://x.example/{{tenant}}", "without its \"}\"");
}

static void test_template_must_give_a_web_url(void **state)
{
	(void)state;
	check_fails("ftp://x.example/{tenant}", "http(s) URL");
	check_fails("{tenant}.example/room", "http(s) URL");
	check_fails("https://x.example/a room/{reference}", "http(s) URL");
	check_fails("https:///{reference}", "http(s) URL");
	check_fails("", "http(s) URL");
}

static void test_template_limits(void **state)
{
	char tpl[LOCATION_TEMPLATE_MAX + 2];

	(void)state;
	check_fails("https://x.example/{tenant}{tenant}{tenant}{tenant}{tenant}{tenant}{tenant}",
		    "more than 6 placeholders");
	memset(tpl, 'a', sizeof(tpl) - 1);
	memcpy(tpl, "https://", 8);
	tpl[sizeof(tpl) - 1] = '\0';
	check_fails(tpl, "at most 500 bytes");
}

static void test_expand_fills_and_encodes(void **state)
{
	struct location_vars odd = {"a b/c", "R&1", "bkg_1", "prv_2"};
	char out[LOCATION_VALUE_MAX + 1];

	(void)state;
	assert_int_equal(location_expand("https://meet.jit.si/{tenant}-{reference}", &vars, out,
					 sizeof(out)),
			 0);
	assert_string_equal(out, "https://meet.jit.si/acme-K7QX2M9P");
	assert_int_equal(location_expand("https://x.example/{booking_id}/{provider_id}", &vars,
					 out, sizeof(out)),
			 0);
	assert_string_equal(out, "https://x.example/bkg_1/prv_2");
	assert_int_equal(location_expand("https://x.example/{tenant}?r={reference}", &odd, out,
					 sizeof(out)),
			 0);
	assert_string_equal(out, "https://x.example/a%20b%2Fc?r=R%261");
}

static void test_expand_refuses_what_does_not_fit(void **state)
{
	char out[24];

	(void)state;
	assert_int_equal(location_expand("https://x.example/{tenant}-{reference}", &vars, out,
					 sizeof(out)),
			 -1);
	assert_string_equal(out, "");
	assert_int_equal(location_expand("https://x.example/{nope}", &vars, out, sizeof(out)), -1);
}

static struct location loc(enum location_kind k, const char *value)
{
	struct location l;

	memset(&l, 0, sizeof(l));
	l.kind = k;
	snprintf(l.value, sizeof(l.value), "%s", value);
	return l;
}

static void test_resolve_copies_address_and_phone(void **state)
{
	struct location s = loc(LOCATION_IN_PERSON, "Main Street 1"), b;

	(void)state;
	location_resolve(&s, "https://room.example/x", &vars, &b);
	assert_int_equal(b.kind, LOCATION_IN_PERSON);
	assert_string_equal(b.value, "Main Street 1");
	s = loc(LOCATION_PHONE, "");
	location_resolve(&s, NULL, &vars, &b);
	assert_int_equal(b.kind, LOCATION_PHONE);
	assert_string_equal(b.value, "");
	s = loc(LOCATION_PHONE, "+49 30 1234");
	location_resolve(&s, NULL, &vars, &b);
	assert_string_equal(b.value, "+49 30 1234");
}

static void test_resolve_video(void **state)
{
	struct location s = loc(LOCATION_VIDEO, "https://meet.jit.si/{tenant}-{reference}"), b;

	(void)state;
	location_resolve(&s, "https://room.example/x", &vars, &b);
	assert_int_equal(b.kind, LOCATION_VIDEO);
	assert_string_equal(b.value, "https://meet.jit.si/acme-K7QX2M9P");
	s = loc(LOCATION_VIDEO, "");
	location_resolve(&s, "https://room.example/x", &vars, &b);
	assert_string_equal(b.value, "https://room.example/x");
	location_resolve(&s, NULL, &vars, &b);
	assert_int_equal(b.kind, LOCATION_VIDEO);
	assert_string_equal(b.value, "");
}

static void test_resolve_none(void **state)
{
	struct location s = loc(LOCATION_NONE, ""), b;

	(void)state;
	location_resolve(&s, "https://room.example/x", &vars, &b);
	assert_int_equal(b.kind, LOCATION_NONE);
}

static void test_web_url(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_true(web_url_valid("https://example.com/me.jpg", 2048));
	assert_true(web_url_valid("http://example.com", 2048));
	assert_false(web_url_valid("https://", 2048));
	assert_false(web_url_valid("javascript:alert(1)", 2048));
	assert_false(web_url_valid("https://x.example/\"onload", 2048));
	assert_false(web_url_valid("https://x.example/a\nb", 2048));
	assert_false(web_url_valid("https://x.example/abc", 20));
	assert_false(web_url_valid(NULL, 2048));
	/* User information before the host, or no host. */
	assert_false(web_url_valid("https://trusted.example@evil.example/", 2048));
	assert_false(web_url_valid("https://user:pw@x.example/a", 2048));
	assert_false(web_url_valid("https://@x.example/", 2048));
	assert_false(web_url_valid("https://:443/a", 2048));
	/* An "@" after the host is part of the path or the query. */
	assert_true(web_url_valid("https://x.example/@ines?to=a@b.example", 2048));
	assert_int_equal(location_template_check("https://{tenant}@evil.example/{reference}",
						 &e), -1);
}

static void test_lang_tags(void **state)
{
	(void)state;
	assert_true(lang_tag_valid("en"));
	assert_true(lang_tag_valid("pt-BR"));
	assert_true(lang_tag_valid("zh-Hant-TW"));
	assert_true(lang_tag_valid("gsw"));
	assert_true(lang_tag_valid("es-419"));
	assert_false(lang_tag_valid(""));
	assert_false(lang_tag_valid("e"));
	assert_false(lang_tag_valid("english"));
	assert_false(lang_tag_valid("en-"));
	assert_false(lang_tag_valid("en--US"));
	assert_false(lang_tag_valid("en_US"));
	assert_false(lang_tag_valid("en-abcdefghi"));
	assert_false(lang_tag_valid("1en"));
}

/* The CalDAV calendar object carries the booking's location as TEXT (";", "," and "\\"
 * escaped) and a video call's link as URL too; none without a location. */
static void test_calendar_object_location(void **state)
{
	struct booking b;
	char *text;

	(void)state;
	memset(&b, 0, sizeof(b));
	snprintf(b.id, sizeof(b.id), "bkg_1");
	snprintf(b.reference, sizeof(b.reference), "K7QX2M9P");
	snprintf(b.customer_name, sizeof(b.customer_name), "Ana");
	b.start = 1803484800;
	b.end = b.start + 1800;
	b.status = BOOKING_CONFIRMED;
	b.version = 1;
	text = itip_calendar_object(&b, "Physio");
	assert_null(strstr(text, "LOCATION"));
	free(text);
	b.location = loc(LOCATION_IN_PERSON, "Rua Augusta; 100, Lisboa\\2");
	text = itip_calendar_object(&b, "Physio");
	assert_non_null(strstr(text, "\r\nLOCATION:Rua Augusta\\; 100\\, Lisboa\\\\2\r\n"));
	assert_null(strstr(text, "\r\nURL"));
	free(text);
	b.location = loc(LOCATION_VIDEO, "https://meet.example/acme-K7QX2M9P");
	text = itip_calendar_object(&b, "Physio");
	assert_non_null(strstr(text, "\r\nLOCATION:https://meet.example/acme-K7QX2M9P\r\n"));
	assert_non_null(strstr(text, "\r\nURL:https://meet.example/acme-K7QX2M9P\r\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_accepts_each_placeholder),
		cmocka_unit_test(test_template_unknown_placeholder),
		cmocka_unit_test(test_template_unbalanced_braces),
		cmocka_unit_test(test_template_must_give_a_web_url),
		cmocka_unit_test(test_template_limits),
		cmocka_unit_test(test_expand_fills_and_encodes),
		cmocka_unit_test(test_expand_refuses_what_does_not_fit),
		cmocka_unit_test(test_resolve_copies_address_and_phone),
		cmocka_unit_test(test_resolve_video),
		cmocka_unit_test(test_resolve_none),
		cmocka_unit_test(test_web_url),
		cmocka_unit_test(test_lang_tags),
		cmocka_unit_test(test_calendar_object_location),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
