/* Unit tests for the stored text of day hours (store/sql_avail.c): hours_encode /
 * hours_decode_sets with service ids, and rows written before intervals carried them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Twelve intervals of twenty ids of the longest length fit HOURS_TEXT_MAX, and a whole
 * cycle of eight such weeks fits SCHEDULE_TEXT_MAX, without a byte cut. */
static void fill_full_day(struct day_hours *h, struct service_set *set,
			  const struct service_set **sets)
{
	size_t i, k;

	memset(set, 0, sizeof(*set));
	set->n = AVAIL_MAX_INTERVAL_SERVICES;
	for (k = 0; k < AVAIL_MAX_INTERVAL_SERVICES; k++)
		snprintf(set->ids[k], sizeof(set->ids[k]), "svc_%027zu", k);
	memset(h, 0, sizeof(*h));
	h->n = AVAIL_MAX_DAY_INTERVALS;
	h->services = sets;
	for (i = 0; i < AVAIL_MAX_DAY_INTERVALS; i++) {
		h->iv[i].start_min = (int16_t)(1000 + 20 * i);
		h->iv[i].end_min = (int16_t)(1010 + 20 * i);
		sets[i] = set;
	}
	h->iv[AVAIL_MAX_DAY_INTERVALS - 1].end_min = 1440;
}

static void assert_full_day(const struct day_hours *h)
{
	size_t i;

	assert_int_equal(h->n, AVAIL_MAX_DAY_INTERVALS);
	assert_int_equal(h->iv[AVAIL_MAX_DAY_INTERVALS - 1].end_min, 1440);
	for (i = 0; i < AVAIL_MAX_DAY_INTERVALS; i++) {
		assert_int_equal(h->services[i]->n, AVAIL_MAX_INTERVAL_SERVICES);
		assert_string_equal(h->services[i]->ids[AVAIL_MAX_INTERVAL_SERVICES - 1],
				    "svc_000000000000000000000000019");
	}
}

static void test_most_ids_fit_the_bounds(void **state)
{
	static struct service_set set;
	static const struct service_set *sets[AVAIL_MAX_DAY_INTERVALS];
	struct day_hours h, back, more[(AVAIL_MAX_WEEKS - 1) * 7];
	struct week_template t, tb;
	char *text = malloc(SCHEDULE_TEXT_MAX);
	size_t d;

	fill_full_day(&h, &set, sets);
	assert_int_equal(strlen(set.ids[0]), ID_MAX - 1);
	hours_encode(&h, text, HOURS_TEXT_MAX);
	assert_true(strlen(text) < HOURS_TEXT_MAX);
	assert_int_equal(hours_decode_sets(text, *state, &back), 0);
	assert_full_day(&back);

	memset(&t, 0, sizeof(t));
	for (d = 0; d < 7; d++)
		t.day[d] = h;
	for (d = 0; d < (AVAIL_MAX_WEEKS - 1) * 7; d++)
		more[d] = h;
	t.weeks = AVAIL_MAX_WEEKS;
	t.more = more;
	weekly_encode(&t, text, SCHEDULE_TEXT_MAX);
	assert_true(strlen(text) < SCHEDULE_TEXT_MAX);
	memset(&tb, 0, sizeof(tb));
	assert_int_equal(weekly_decode(text, &tb, *state), 0);
	assert_int_equal(tb.weeks, AVAIL_MAX_WEEKS);
	assert_full_day(&tb.day[0]);
	assert_full_day(&tb.more[(AVAIL_MAX_WEEKS - 1) * 7 - 1]);
	free(text);
}

/* A buffer too small cuts the text but never writes past it. */
static void test_small_buffer_is_not_overrun(void **state)
{
	static struct service_set set;
	static const struct service_set *sets[AVAIL_MAX_DAY_INTERVALS];
	struct day_hours h;
	size_t size;

	(void)state;
	fill_full_day(&h, &set, sets);
	for (size = 1; size < 200; size += 7) {
		char *text = malloc(size);
		hours_encode(&h, text, size);
		assert_true(strlen(text) < size);
		free(text);
	}
}

/* Stored text that no write makes is refused, never read past. */
static void test_malformed_weekly_text_is_refused(void **state)
{
	struct week_template t;
	char text[1024];
	size_t i;

	memset(&t, 0, sizeof(t));
	assert_int_equal(weekly_decode("540-720||||", &t, *state), -1);	/* five days */
	assert_int_equal(weekly_decode("540-720:svc_a||||||x", &t, *state), -1);
	assert_int_equal(weekly_decode("|||||||||||||", &t, *state), 0);	/* two weeks */
	assert_int_equal(t.weeks, 2);
	memset(text, '|', 7 * (AVAIL_MAX_WEEKS + 1) - 1);	/* nine weeks */
	text[7 * (AVAIL_MAX_WEEKS + 1) - 1] = '\0';
	assert_int_equal(weekly_decode(text, &t, *state), -1);
	text[0] = '\0';	/* thirteen intervals in a day */
	for (i = 0; i <= AVAIL_MAX_DAY_INTERVALS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%zu-%zu",
			 i ? "," : "", 10 * i, 10 * i + 5);
	assert_int_equal(hours_decode_sets(text, *state, &t.day[0]), -1);
	assert_int_equal(hours_decode_sets("720-540", *state, &t.day[0]), -1);
	assert_int_equal(hours_decode_sets("540-1441", *state, &t.day[0]), -1);
	assert_int_equal(hours_decode_sets("-5-720", *state, &t.day[0]), -1);
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
	    cmocka_unit_test_setup_teardown(test_most_ids_fit_the_bounds, arena_setup,
					    arena_teardown),
	    cmocka_unit_test(test_small_buffer_is_not_overrun),
	    cmocka_unit_test_setup_teardown(test_malformed_weekly_text_is_refused, arena_setup,
					    arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
