/* core/reminder: which offsets a booking gets, inheritance, storage text, ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/reminder.h"

#define START 1772463600	/* 2026-03-02T15:00:00Z */

static void test_plan_keeps_offsets_still_ahead(void **state)
{
	struct reminder_offsets o = {true, 3, {1440, 60, 15}};
	int off[REMINDER_OFFSETS_MAX];
	int64_t due[REMINDER_OFFSETS_MAX];

	(void)state;
	assert_int_equal(reminder_plan(&o, START, START - 2 * 86400, off, due), 3);
	assert_int_equal(off[0], 1440);
	assert_int_equal(due[0], START - 86400);
	/* 30 minutes ahead: only the 15-minute one. */
	assert_int_equal(reminder_plan(&o, START, START - 30 * 60, off, due), 1);
	assert_int_equal(off[0], 15);
	assert_int_equal(due[0], START - 15 * 60);
}

static void test_plan_due_exactly_now_is_not_planned(void **state)
{
	struct reminder_offsets o = {true, 2, {60, 15}};
	int off[REMINDER_OFFSETS_MAX];
	int64_t due[REMINDER_OFFSETS_MAX];

	(void)state;
	assert_int_equal(reminder_plan(&o, START, START - 3600, off, due), 1);
	assert_int_equal(off[0], 15);
	assert_int_equal(reminder_plan(&o, START, START - 3601, off, due), 2);
	assert_int_equal(reminder_plan(&o, START, START, off, due), 0);
}

static void test_resolve_service_then_tenant_then_default(void **state)
{
	struct reminder_offsets unset = {0}, none = {true, 0, {0}}, svc = {true, 1, {30}};

	(void)state;
	assert_ptr_equal(reminder_offsets_resolve(&svc, &none), &svc);
	assert_ptr_equal(reminder_offsets_resolve(&unset, &none), &none);
	assert_ptr_equal(reminder_offsets_resolve(&unset, &unset), &REMINDER_DEFAULT);
	assert_int_equal(REMINDER_DEFAULT.n, 2);
	assert_int_equal(REMINDER_DEFAULT.minutes[0], 1440);
	assert_int_equal(REMINDER_DEFAULT.minutes[1], 60);
}

static void test_bounds(void **state)
{
	(void)state;
	assert_false(reminder_offset_ok(14));
	assert_true(reminder_offset_ok(15));
	assert_true(reminder_offset_ok(43200));
	assert_false(reminder_offset_ok(43201));
}

static void test_normalise_sorts_and_refuses_repeats(void **state)
{
	struct reminder_offsets o = {true, 3, {15, 1440, 60}}, twice = {true, 2, {60, 60}};

	(void)state;
	assert_int_equal(reminder_offsets_normalise(&o), 0);
	assert_int_equal(o.minutes[0], 1440);
	assert_int_equal(o.minutes[2], 15);
	assert_int_equal(reminder_offsets_normalise(&twice), -1);
}

static void test_text_round_trip(void **state)
{
	struct reminder_offsets o = {true, 5, {43200, 43199, 43198, 43197, 43196}}, back;
	struct reminder_offsets none = {true, 0, {0}}, unset = {0};
	char text[REMINDER_TEXT_MAX];

	(void)state;
	reminder_offsets_encode(&o, text);
	assert_string_equal(text, "[43200,43199,43198,43197,43196]");
	assert_int_equal(reminder_offsets_decode(text, &back), 0);
	assert_true(back.set);
	assert_int_equal(back.n, 5);
	assert_int_equal(back.minutes[4], 43196);
	reminder_offsets_encode(&none, text);
	assert_string_equal(text, "[]");
	assert_int_equal(reminder_offsets_decode(text, &back), 0);
	assert_true(back.set);
	assert_int_equal(back.n, 0);
	reminder_offsets_encode(&unset, text);
	assert_string_equal(text, "");
	assert_int_equal(reminder_offsets_decode(NULL, &back), 0);
	assert_false(back.set);
	assert_int_equal(reminder_offsets_decode("[60,", &back), -1);
	assert_int_equal(reminder_offsets_decode("[5]", &back), -1);
	assert_int_equal(reminder_offsets_decode("60", &back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_keeps_offsets_still_ahead),
		cmocka_unit_test(test_plan_due_exactly_now_is_not_planned),
		cmocka_unit_test(test_resolve_service_then_tenant_then_default),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_normalise_sorts_and_refuses_repeats),
		cmocka_unit_test(test_text_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
