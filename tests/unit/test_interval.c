/* Unit tests for core/interval: half-open intervals and sorted, disjoint, non-touching sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/interval.h"

static int setup(void **state)
{
	struct interval_set *s = test_malloc(sizeof(*s));

	interval_set_init(s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct interval_set *s = *state;

	interval_set_release(s);
	test_free(s);
	return 0;
}

/* Asserts that s holds exactly the n intervals given as start, end pairs. */
static void assert_set(const struct interval_set *s, size_t n, const int64_t *pairs)
{
	size_t i;

	assert_int_equal(s->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, pairs[2 * i]);
		assert_int_equal(s->v[i].end, pairs[2 * i + 1]);
	}
}

#define ASSERT_SET(s, ...)                                                                         \
	do {                                                                                       \
		static const int64_t want_[] = {__VA_ARGS__};                                      \
		assert_set((s), sizeof(want_) / sizeof(want_[0]) / 2, want_);                      \
	} while (0)

/* ---- interval_overlaps ---- */

static void test_interval_overlaps_touching_is_false(void **state)
{
	struct interval a = {0, 10}, b = {10, 20};

	(void)state;
	assert_false(interval_overlaps(a, b));
	assert_false(interval_overlaps(b, a));
}

static void test_interval_overlaps_one_second(void **state)
{
	struct interval a = {0, 10}, b = {9, 20};

	(void)state;
	assert_true(interval_overlaps(a, b));
	assert_true(interval_overlaps(b, a));
}

/* ---- add ---- */

static void test_add_single(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	ASSERT_SET(s, 0, 10);
}

static void test_add_empty_interval_ignored(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 5, 5);
	interval_set_add(s, 10, 3);
	assert_int_equal(s->n, 0);
	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 20);
	interval_set_add(s, 10, 10); /* empty at the touching point: must not bridge anything */
	ASSERT_SET(s, 0, 10);
}

static void test_add_touching_after_merges(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 10, 20);
	ASSERT_SET(s, 0, 20);
}

static void test_add_touching_before_merges(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_add(s, 0, 10);
	ASSERT_SET(s, 0, 20);
}

static void test_add_touching_both_neighbours_bridges(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 10, 20);
	ASSERT_SET(s, 0, 30);
}

static void test_add_disjoint_in_order(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 11, 20);
	interval_set_add(s, 30, 40);
	ASSERT_SET(s, 0, 10, 11, 20, 30, 40);
}

static void test_add_out_of_order(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 50, 60);
	interval_set_add(s, 10, 20);
	interval_set_add(s, 30, 40);
	interval_set_add(s, -10, -5);
	interval_set_add(s, 70, 80);
	ASSERT_SET(s, -10, -5, 10, 20, 30, 40, 50, 60, 70, 80);
}

static void test_add_nested_inside_existing(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 100);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 0, 100);
	interval_set_add(s, 0, 1);
	interval_set_add(s, 99, 100);
	ASSERT_SET(s, 0, 100);
}

static void test_add_containing_existing(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 20, 30);
	interval_set_add(s, 0, 100);
	ASSERT_SET(s, 0, 100);
}

static void test_add_overlapping_many(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 40, 50);
	interval_set_add(s, 60, 70);
	interval_set_add(s, 80, 90);
	interval_set_add(s, 5, 65);
	ASSERT_SET(s, 0, 70, 80, 90);
}

static void test_add_overlapping_start_only(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_add(s, 40, 50);
	interval_set_add(s, 15, 30);
	ASSERT_SET(s, 10, 30, 40, 50);
}

static void test_add_overlapping_end_only(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_add(s, 40, 50);
	interval_set_add(s, 30, 45);
	ASSERT_SET(s, 10, 20, 30, 50);
}

static void test_add_into_gap_between_members(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 12, 15);
	ASSERT_SET(s, 0, 10, 12, 15, 20, 30);
}

static void test_add_many_grows(void **state)
{
	struct interval_set *s = *state;
	int64_t i;

	/* Reverse order forces an insert at the front every time. */
	for (i = 999; i >= 0; i--)
		interval_set_add(s, i * 10, i * 10 + 5);
	assert_int_equal(s->n, 1000);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(s->v[i].start, i * 10);
		assert_int_equal(s->v[i].end, i * 10 + 5);
	}
	/* Fill every gap: everything merges into one. */
	for (i = 0; i < 999; i++)
		interval_set_add(s, i * 10 + 5, i * 10 + 10);
	ASSERT_SET(s, 0, 9995);
}

static void test_clear_keeps_usable(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_clear(s);
	assert_int_equal(s->n, 0);
	assert_false(interval_set_overlaps(s, 0, 100));
	interval_set_add(s, 5, 6);
	ASSERT_SET(s, 5, 6);
}

/* ---- subtract ---- */

static void test_subtract_from_empty(void **state)
{
	struct interval_set *s = *state;

	interval_set_subtract(s, 0, 10);
	assert_int_equal(s->n, 0);
}

static void test_subtract_empty_interval_is_noop(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_subtract(s, 5, 5);
	interval_set_subtract(s, 8, 2);
	ASSERT_SET(s, 0, 10);
}

static void test_subtract_splits_one_member(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 40, 50);
	interval_set_subtract(s, 23, 27);
	ASSERT_SET(s, 0, 10, 20, 23, 27, 30, 40, 50);
}

static void test_subtract_whole_member_exactly(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 40, 50);
	interval_set_subtract(s, 20, 30);
	ASSERT_SET(s, 0, 10, 40, 50);
}

static void test_subtract_only_member(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_subtract(s, 0, 10);
	assert_int_equal(s->n, 0);
}

static void test_subtract_across_several(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_add(s, 40, 50);
	interval_set_add(s, 60, 70);
	interval_set_subtract(s, 5, 45);
	ASSERT_SET(s, 0, 5, 45, 50, 60, 70);
}

static void test_subtract_covering_everything(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_subtract(s, -100, 100);
	assert_int_equal(s->n, 0);
}

static void test_subtract_trims_start(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_subtract(s, 0, 15);
	ASSERT_SET(s, 15, 20);
}

static void test_subtract_trims_end(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_subtract(s, 15, 25);
	ASSERT_SET(s, 10, 15);
}

static void test_subtract_same_start_shorter(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_subtract(s, 10, 12);
	ASSERT_SET(s, 12, 20);
}

static void test_subtract_same_end_shorter(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_subtract(s, 18, 20);
	ASSERT_SET(s, 10, 18);
}

static void test_subtract_touching_end_is_noop(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_subtract(s, 10, 20); /* exactly the gap: touches both, overlaps neither */
	ASSERT_SET(s, 0, 10, 20, 30);
}

static void test_subtract_touching_start_is_noop(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	interval_set_subtract(s, 0, 10);
	interval_set_subtract(s, 20, 30);
	ASSERT_SET(s, 10, 20);
}

static void test_subtract_in_gap_is_noop(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	interval_set_subtract(s, 12, 18);
	interval_set_subtract(s, 40, 50);
	interval_set_subtract(s, -10, -1);
	ASSERT_SET(s, 0, 10, 20, 30);
}

static void test_subtract_then_add_back(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 100);
	interval_set_subtract(s, 40, 60);
	interval_set_add(s, 40, 60);
	ASSERT_SET(s, 0, 100);
}

/* ---- covers ---- */

static void test_covers_exact_member(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_true(interval_set_covers(s, 0, 10));
}

static void test_covers_inside_member(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_true(interval_set_covers(s, 0, 1));
	assert_true(interval_set_covers(s, 9, 10));
	assert_true(interval_set_covers(s, 3, 7));
}

static void test_covers_past_end_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_false(interval_set_covers(s, 0, 11));
	assert_false(interval_set_covers(s, 5, 11));
	assert_false(interval_set_covers(s, 10, 11));
}

static void test_covers_before_start_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_false(interval_set_covers(s, -1, 5));
	assert_false(interval_set_covers(s, -1, 0));
}

static void test_covers_across_gap_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 11, 20);
	assert_false(interval_set_covers(s, 5, 15));
	assert_true(interval_set_covers(s, 11, 20));
}

static void test_covers_across_merged_touching(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 10, 20);
	assert_true(interval_set_covers(s, 5, 15));
}

static void test_covers_empty_set(void **state)
{
	struct interval_set *s = *state;

	assert_false(interval_set_covers(s, 0, 10));
}

/* ---- overlaps ---- */

static void test_overlaps_touching_after_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_false(interval_set_overlaps(s, 10, 20));
}

static void test_overlaps_touching_before_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	assert_false(interval_set_overlaps(s, 0, 10));
}

static void test_overlaps_one_second_each_side(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	assert_true(interval_set_overlaps(s, 0, 11));
	assert_true(interval_set_overlaps(s, 19, 30));
}

static void test_overlaps_containing_and_contained(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 10, 20);
	assert_true(interval_set_overlaps(s, 0, 30));
	assert_true(interval_set_overlaps(s, 12, 13));
}

static void test_overlaps_in_gap_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	interval_set_add(s, 20, 30);
	assert_false(interval_set_overlaps(s, 10, 20));
	assert_true(interval_set_overlaps(s, 10, 21));
	assert_true(interval_set_overlaps(s, 9, 20));
}

static void test_overlaps_empty_query_is_false(void **state)
{
	struct interval_set *s = *state;

	interval_set_add(s, 0, 10);
	assert_false(interval_set_overlaps(s, 5, 5));
}

static void test_overlaps_empty_set_is_false(void **state)
{
	struct interval_set *s = *state;

	assert_false(interval_set_overlaps(s, 0, 10));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interval_overlaps_touching_is_false),
	    cmocka_unit_test(test_interval_overlaps_one_second),
	    T(test_add_single),
	    T(test_add_empty_interval_ignored),
	    T(test_add_touching_after_merges),
	    T(test_add_touching_before_merges),
	    T(test_add_touching_both_neighbours_bridges),
	    T(test_add_disjoint_in_order),
	    T(test_add_out_of_order),
	    T(test_add_nested_inside_existing),
	    T(test_add_containing_existing),
	    T(test_add_overlapping_many),
	    T(test_add_overlapping_start_only),
	    T(test_add_overlapping_end_only),
	    T(test_add_into_gap_between_members),
	    T(test_add_many_grows),
	    T(test_clear_keeps_usable),
	    T(test_subtract_from_empty),
	    T(test_subtract_empty_interval_is_noop),
	    T(test_subtract_splits_one_member),
	    T(test_subtract_whole_member_exactly),
	    T(test_subtract_only_member),
	    T(test_subtract_across_several),
	    T(test_subtract_covering_everything),
	    T(test_subtract_trims_start),
	    T(test_subtract_trims_end),
	    T(test_subtract_same_start_shorter),
	    T(test_subtract_same_end_shorter),
	    T(test_subtract_touching_end_is_noop),
	    T(test_subtract_touching_start_is_noop),
	    T(test_subtract_in_gap_is_noop),
	    T(test_subtract_then_add_back),
	    T(test_covers_exact_member),
	    T(test_covers_inside_member),
	    T(test_covers_past_end_is_false),
	    T(test_covers_before_start_is_false),
	    T(test_covers_across_gap_is_false),
	    T(test_covers_across_merged_touching),
	    T(test_covers_empty_set),
	    T(test_overlaps_touching_after_is_false),
	    T(test_overlaps_touching_before_is_false),
	    T(test_overlaps_one_second_each_side),
	    T(test_overlaps_containing_and_contained),
	    T(test_overlaps_in_gap_is_false),
	    T(test_overlaps_empty_query_is_false),
	    T(test_overlaps_empty_set_is_false),
	};

	return cmocka_run_group_tests_name("interval", tests, NULL, NULL);
}
