/* Unit tests for the stored text of day hours (store/sql_avail.c): hours_encode /
 * hours_decode_sets with service ids, and rows written before intervals carried them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/sql_int.h"
#include "util/arena.h"

static int arena_setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int arena_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void test_old_text_reads_as_open_to_any_service(void **state)
{
	struct day_hours h;

	assert_int_equal(hours_decode_sets("540-720,780-1020", *state, &h), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.iv[0].start_min, 540);
	assert_int_equal(h.iv[1].end_min, 1020);
	assert_null(h.services);
	assert_int_equal(h.excluded, 0);
	assert_int_equal(hours_decode_sets("", *state, &h), 0);
	assert_int_equal(h.n, 0);
}

static void test_service_ids_round_trip(void **state)
{
	static const struct service_set two = {2, {"svc_01m8zedtqjc838he4hxr", "svc_b"}};
	const struct service_set *sets[AVAIL_MAX_DAY_INTERVALS] = {&two};
	struct day_hours h, back;
	char text[HOURS_TEXT_MAX];

	memset(&h, 0, sizeof(h));
	h.n = 2;
	h.iv[0].start_min = 540;
	h.iv[0].end_min = 720;
	h.services = sets;
	h.iv[1].start_min = 780;
	h.iv[1].end_min = 1440;
	hours_encode(&h, text, sizeof(text));
	assert_string_equal(text, "540-720:svc_01m8zedtqjc838he4hxr;svc_b,780-1440");
	assert_int_equal(hours_decode_sets(text, *state, &back), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.iv[0].end_min, 720);
	assert_non_null(day_hours_services(&back, 0));
	assert_int_equal(back.services[0]->n, 2);
	assert_string_equal(back.services[0]->ids[0], "svc_01m8zedtqjc838he4hxr");
	assert_string_equal(back.services[0]->ids[1], "svc_b");
	assert_null(day_hours_services(&back, 1));
	assert_int_equal(back.iv[1].start_min, 780);
	assert_int_equal(back.iv[1].end_min, 1440);
}

static void test_last_interval_with_service_ids(void **state)
{
	struct day_hours h;

	assert_int_equal(hours_decode_sets("540-600,600-720:svc_a", *state, &h), 0);
	assert_int_equal(h.n, 2);
	assert_null(day_hours_services(&h, 0));
	assert_string_equal(h.services[1]->ids[0], "svc_a");
	assert_int_equal(h.services[1]->n, 1);
}

static void test_malformed_service_ids_are_refused(void **state)
{
	struct day_hours h;

	assert_int_equal(hours_decode_sets("540-720:", *state, &h), -1);
	assert_int_equal(hours_decode_sets("540-720:svc_a;", *state, &h), -1);
	assert_int_equal(hours_decode_sets("540-720:svc_a;;svc_b", *state, &h), -1);
	assert_int_equal(hours_decode_sets("540-720x", *state, &h), -1);
	assert_int_equal(hours_decode_sets("540-720:svc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", *state,
					   &h), -1);
	/* Without an arena (hours that never carry ids) ids are refused too. */
	assert_int_equal(hours_decode("540-720:svc_a", &h), -1);
	assert_int_equal(hours_decode("540-720", &h), 0);
}

static void test_weekly_text_with_service_ids(void **state)
{
	static const struct service_set one = {1, {"svc_a"}};
	const struct service_set *sets[AVAIL_MAX_DAY_INTERVALS] = {&one};
	struct week_template t, back;
	char text[WEEKLY_TEXT_MAX];

	memset(&t, 0, sizeof(t));
	memset(&back, 0, sizeof(back));
	t.day[0].n = 1;
	t.day[0].iv[0].start_min = 540;
	t.day[0].iv[0].end_min = 720;
	t.day[0].services = sets;
	t.day[1].n = 1;
	t.day[1].iv[0].start_min = 600;
	t.day[1].iv[0].end_min = 660;
	weekly_encode(&t, text, sizeof(text));
	assert_string_equal(text, "540-720:svc_a|600-660|||||");
	assert_int_equal(weekly_decode(text, &back, *state), 0);
	assert_int_equal(back.day[0].n, 1);
	assert_string_equal(back.day[0].services[0]->ids[0], "svc_a");
	assert_null(back.day[1].services);
	assert_int_equal(back.day[1].iv[0].start_min, 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_old_text_reads_as_open_to_any_service, arena_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(test_service_ids_round_trip, arena_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(test_last_interval_with_service_ids, arena_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_service_ids_are_refused, arena_setup,
					    arena_teardown),
	    cmocka_unit_test_setup_teardown(test_weekly_text_with_service_ids, arena_setup,
					    arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
