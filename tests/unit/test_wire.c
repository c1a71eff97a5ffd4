/* Unit tests for wire: the changes between two renderings of an object, the HTTP status of
 * every error code, and problem documents (code, errors[] with pointers, the extension
 * member, internal errors never showing their message). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "wire/wire.h"

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);

	if (!v)
		fail_msg("bad JSON in test: %s (%s)", text, je.text);
	return v;
}

/* wire_changes(before, after) is exactly want (JSON text; NULL: no changes). */
static void assert_changes(const char *before, const char *after, const char *want)
{
	json_t *b = parse(before), *a = parse(after), *got = wire_changes(b, a);
	json_t *w = want ? parse(want) : NULL;
	char shown[1024] = "NULL";
	bool same;

	if (got) {
		char *s = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(shown, sizeof(shown), "%s", s);
		free(s);
	}
	same = w ? got && json_equal(got, w) : !got;
	json_decref(got);
	json_decref(w);
	json_decref(b);
	json_decref(a);
	if (!same)
		fail_msg("changes %s, expected %s", shown, want ? want : "NULL");
}

/* ---- wire_changes ---- */

static void changes_list_changed_fields_as_pairs(void **state)
{
	(void)state;
	assert_changes("{\"id\":\"prv_1\",\"name\":\"Alice\",\"max_per_day\":3,\"vacation\":false,"
		       "\"version\":1,\"updated_at\":\"2026-03-01T00:00:00Z\"}",
		       "{\"id\":\"prv_1\",\"name\":\"Alicia\",\"max_per_day\":3,\"vacation\":true,"
		       "\"version\":2,\"updated_at\":\"2026-03-02T00:00:00Z\"}",
		       "{\"name\":[\"Alice\",\"Alicia\"],\"vacation\":[false,true]}");
}

static void changes_compare_nested_values_whole(void **state)
{
	(void)state;
	assert_changes("{\"hours\":[{\"start\":\"09:00\",\"end\":\"17:00\"}],\"tags\":{\"a\":1}}",
		       "{\"hours\":[{\"start\":\"09:00\",\"end\":\"12:00\"}],\"tags\":{\"a\":1}}",
		       "{\"hours\":[[{\"start\":\"09:00\",\"end\":\"17:00\"}],"
		       "[{\"start\":\"09:00\",\"end\":\"12:00\"}]]}");
}

static void changes_of_a_value_to_and_from_null(void **state)
{
	(void)state;
	assert_changes("{\"email\":null,\"note\":\"x\"}", "{\"email\":\"a@b.c\",\"note\":null}",
		       "{\"email\":[null,\"a@b.c\"],\"note\":[\"x\",null]}");
}

static void changes_field_only_before(void **state)
{
	(void)state;
	assert_changes("{\"name\":\"A\",\"hold_id\":\"hld_1\",\"version\":1}",
		       "{\"name\":\"A\",\"version\":2}", "{\"hold_id\":[\"hld_1\",null]}");
}

static void changes_field_only_after(void **state)
{
	(void)state;
	assert_changes("{\"name\":\"A\"}", "{\"name\":\"A\",\"booking_id\":\"bkg_1\"}",
		       "{\"booking_id\":[null,\"bkg_1\"]}");
}

static void changes_none(void **state)
{
	(void)state;
	assert_changes("{\"name\":\"A\",\"n\":1}", "{\"n\":1,\"name\":\"A\"}", NULL);
	assert_changes("{}", "{}", NULL);
}

static void changes_ignore_version_and_updated_at(void **state)
{
	(void)state;
	assert_changes("{\"name\":\"A\",\"version\":1,\"updated_at\":\"2026-03-01T00:00:00Z\"}",
		       "{\"name\":\"A\",\"version\":7,\"updated_at\":\"2026-03-05T00:00:00Z\"}",
		       NULL);
}

/* The header: version and updated_at are left out, whichever rendering holds them. */
static void changes_ignore_version_and_updated_at_only_before(void **state)
{
	(void)state;
	assert_changes("{\"name\":\"A\",\"version\":1,\"updated_at\":\"2026-03-01T00:00:00Z\"}",
		       "{\"name\":\"A\"}", NULL);
}

static void changes_do_not_confuse_numbers_and_strings(void **state)
{
	(void)state;
	assert_changes("{\"price\":\"10\",\"capacity\":1}", "{\"price\":10,\"capacity\":1}",
		       "{\"price\":[\"10\",10]}");
}

/* ---- wire_problem_status ---- */

static void problem_status_of_every_code(void **state)
{
	static const struct {
		enum err_code code;
		unsigned status;
	} want[] = {
		{ERR_OK, 500},
		{ERR_MALFORMED, 400},
		{ERR_UNAUTHORIZED, 401},
		{ERR_FORBIDDEN, 403},
		{ERR_NOT_FOUND, 404},
		{ERR_METHOD, 405},
		{ERR_CONFLICT, 409},
		{ERR_PRECONDITION, 412},
		{ERR_KEY_IN_FLIGHT, 409},
		{ERR_KEY_REUSED, 422},
		{ERR_SLOT_TAKEN, 409},
		{ERR_HOLD_EXPIRED, 409},
		{ERR_HOLD_LIMIT, 429},
		{ERR_WAITLIST_LIMIT, 429},
		{ERR_RATE_LIMITED, 429},
		{ERR_POLICY_DEADLINE, 422},
		{ERR_POLICY_LIMIT, 422},
		{ERR_TOO_LARGE, 413},
		{ERR_MEDIA_TYPE, 415},
		{ERR_URI_TOO_LONG, 414},
		{ERR_HEADERS_TOO_LARGE, 431},
		{ERR_CLIENT_TIMEOUT, 408},
		{ERR_OVERLOADED, 503},
		{ERR_INVALID, 422},
		{ERR_RANGE, 422},
		{ERR_UNAVAILABLE, 422},
		{ERR_NOT_STARTED, 409},
		{ERR_NOT_COMPLETED, 409},
		{ERR_FEEDBACK_EXISTS, 409},
		{ERR_FEEDBACK_CLOSED, 409},
		{ERR_IN_USE, 409},
		{ERR_LAST_ADMIN, 409},
		{ERR_RECORD_LIMIT, 422},
		{ERR_INVALID_CREDENTIALS, 401},
		{ERR_SESSION_EXPIRED, 401},
		{ERR_CSRF, 403},
		{ERR_TIMEOUT, 503},
		{ERR_STORE_BUSY, 503},
		{ERR_STORE_FULL, 507},
		{ERR_INTERNAL, 500},
	};
	size_t i;

	(void)state;
	/* One row per code: a new code must be added here too. */
	assert_int_equal(sizeof(want) / sizeof(want[0]), ERR__COUNT);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(want[i].code, (enum err_code)i);
		if (wire_problem_status(want[i].code) != want[i].status)
			fail_msg("code %zu: status %u, expected %u", i,
				 wire_problem_status(want[i].code), want[i].status);
	}
}

static void problem_status_of_unknown_codes(void **state)
{
	(void)state;
	assert_int_equal(wire_problem_status(ERR__COUNT), 500);
	assert_int_equal(wire_problem_status((enum err_code)999), 500);
	assert_int_equal(wire_problem_status((enum err_code)-1), 500);
}

/* ---- wire_problem ---- */

static const char *str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void problem_document_fields(void **state)
{
	struct err e;
	json_t *o;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_NOT_STARTED, "a booking can be marked a no-show once it has started");
	o = wire_problem(&e);
	assert_string_equal(str(o, "type"), "urn:slotd:problem:booking_not_started");
	assert_string_equal(str(o, "title"), "Conflict");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 409);
	assert_string_equal(str(o, "detail"),
			    "a booking can be marked a no-show once it has started");
	assert_string_equal(str(o, "code"), "booking_not_started");
	assert_true(json_is_array(json_object_get(o, "errors")));
	assert_int_equal(json_array_size(json_object_get(o, "errors")), 0);
	assert_int_equal(json_object_size(o), 6);
	json_decref(o);
}

static void problem_codes(void **state)
{
	static const struct {
		enum err_code code;
		const char *name;
	} want[] = {
		{ERR_LAST_ADMIN, "last_admin_key"},
		{ERR_RECORD_LIMIT, "record_limit_reached"},
		{ERR_TIMEOUT, "request_timeout"},
		{ERR_WAITLIST_LIMIT, "waitlist_limit_reached"},
		{ERR_RATE_LIMITED, "rate_limited"},
		{ERR_HOLD_LIMIT, "hold_limit_reached"},
		{ERR_SLOT_TAKEN, "slot_taken"},
		{ERR_UNAVAILABLE, "slot_unavailable"},
		{ERR_POLICY_DEADLINE, "policy_deadline_passed"},
		{ERR_POLICY_LIMIT, "reschedule_limit_reached"},
		{ERR_INVALID, "validation_failed"},
		{ERR_IN_USE, "in_use"},
		{ERR_URI_TOO_LONG, "uri_too_long"},
		{ERR_HEADERS_TOO_LARGE, "headers_too_large"},
		{ERR_CLIENT_TIMEOUT, "client_timeout"},
		{ERR_OVERLOADED, "too_many_connections"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct err e;
		json_t *o;
		err_init(&e);
		err_set(&e, want[i].code, "m");
		o = wire_problem(&e);
		assert_string_equal(str(o, "code"), want[i].name);
		assert_int_equal(json_integer_value(json_object_get(o, "status")),
				 wire_problem_status(want[i].code));
		json_decref(o);
	}
}

static void problem_errors_carry_pointers(void **state)
{
	const json_t *errs, *x;
	struct err e;
	json_t *o;

	(void)state;
	err_init(&e);
	err_field(&e, "/currency", "is required when a price is set");
	err_field(&e, "/exdates/3", "is not an occurrence of the series");
	err_field_code(&e, ERR_RANGE, "from", "ignored code: the first error stays");
	o = wire_problem(&e);
	assert_string_equal(str(o, "code"), "validation_failed");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 422);
	errs = json_object_get(o, "errors");
	assert_int_equal(json_array_size(errs), 3);
	x = json_array_get(errs, 0);
	assert_string_equal(str(x, "pointer"), "/currency");
	assert_string_equal(str(x, "detail"), "is required when a price is set");
	assert_int_equal(json_object_size(x), 2);
	assert_string_equal(str(json_array_get(errs, 1), "pointer"), "/exdates/3");
	assert_string_equal(str(json_array_get(errs, 2), "pointer"), "from");
	json_decref(o);
}

static void problem_extension_member_is_parsed(void **state)
{
	struct holiday h = {0, false, "Founders' Day"};
	json_t *o, *want;
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, REASON_OUTSIDE_HOURS | REASON_HOLIDAY, &h, NULL);
	o = wire_problem(&e);
	assert_string_equal(str(o, "code"), "slot_unavailable");
	want = parse("[{\"code\":\"outside_hours\"},"
		     "{\"code\":\"holiday\",\"holiday\":\"Founders' Day\"}]");
	assert_non_null(json_object_get(o, "reasons"));
	assert_true(json_equal(json_object_get(o, "reasons"), want));
	json_decref(want);
	json_decref(o);
}

static void problem_extension_scalar(void **state)
{
	struct err e;
	json_t *o;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_POLICY_DEADLINE, "cancellation closed 24 hours before the start");
	snprintf(e.ext_name, sizeof(e.ext_name), "deadline");
	snprintf(e.ext_json, sizeof(e.ext_json), "\"2026-03-01T15:00:00Z\"");
	o = wire_problem(&e);
	assert_string_equal(str(o, "deadline"), "2026-03-01T15:00:00Z");
	assert_int_equal(json_object_size(o), 7);
	json_decref(o);
}

static void problem_extension_that_does_not_parse_is_left_out(void **state)
{
	struct err e;
	json_t *o;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_UNAVAILABLE, "x");
	snprintf(e.ext_name, sizeof(e.ext_name), "reasons");
	snprintf(e.ext_json, sizeof(e.ext_json), "[{\"code\":");
	o = wire_problem(&e);
	assert_null(json_object_get(o, "reasons"));
	json_decref(o);
}

static void problem_without_extension_name_has_no_member(void **state)
{
	struct err e;
	json_t *o;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_CONFLICT, "x");
	snprintf(e.ext_json, sizeof(e.ext_json), "[1]");	/* no name: unused */
	o = wire_problem(&e);
	assert_int_equal(json_object_size(o), 6);
	json_decref(o);
}

static void problem_internal_hides_its_message(void **state)
{
	struct err e;
	json_t *o;
	char *text;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_INTERNAL, "sqlite: disk I/O error at /var/lib/slotd/secret.db");
	o = wire_problem(&e);
	assert_string_equal(str(o, "code"), "internal_error");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 500);
	assert_string_equal(str(o, "title"), "Internal Server Error");
	text = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(text, "secret"));
	assert_null(strstr(text, "sqlite"));
	assert_string_not_equal(str(o, "detail"), e.message);
	free(text);
	json_decref(o);
}

static void problem_of_err_ok_is_internal(void **state)
{
	struct err e;
	json_t *o;
	char *text;

	(void)state;
	err_init(&e);
	snprintf(e.message, sizeof(e.message), "leftover secret text");
	o = wire_problem(&e);
	assert_string_equal(str(o, "code"), "internal_error");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 500);
	text = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(text, "secret"));
	free(text);
	json_decref(o);
}

static void problem_of_unknown_code_is_internal(void **state)
{
	struct err e;
	json_t *o;
	char *text;

	(void)state;
	err_init(&e);
	e.code = (enum err_code)77;
	snprintf(e.message, sizeof(e.message), "secret");
	o = wire_problem(&e);
	assert_string_equal(str(o, "code"), "internal_error");
	text = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(text, "secret"));
	free(text);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changes_list_changed_fields_as_pairs),
		cmocka_unit_test(changes_compare_nested_values_whole),
		cmocka_unit_test(changes_of_a_value_to_and_from_null),
		cmocka_unit_test(changes_field_only_before),
		cmocka_unit_test(changes_field_only_after),
		cmocka_unit_test(changes_none),
		cmocka_unit_test(changes_ignore_version_and_updated_at),
		cmocka_unit_test(changes_ignore_version_and_updated_at_only_before),
		cmocka_unit_test(changes_do_not_confuse_numbers_and_strings),
		cmocka_unit_test(problem_status_of_every_code),
		cmocka_unit_test(problem_status_of_unknown_codes),
		cmocka_unit_test(problem_document_fields),
		cmocka_unit_test(problem_codes),
		cmocka_unit_test(problem_errors_carry_pointers),
		cmocka_unit_test(problem_extension_member_is_parsed),
		cmocka_unit_test(problem_extension_scalar),
		cmocka_unit_test(problem_extension_that_does_not_parse_is_left_out),
		cmocka_unit_test(problem_without_extension_name_has_no_member),
		cmocka_unit_test(problem_internal_hides_its_message),
		cmocka_unit_test(problem_of_err_ok_is_internal),
		cmocka_unit_test(problem_of_unknown_code_is_internal),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
