/* Unit tests for util/ids: the shape of ids, their strict order within one millisecond and
 * across, the random step between ids made in one millisecond, and id_valid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/ids.h"

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

static int group_setup(void **state)
{
	(void)state;
	return ids_init();
}

/* The value of n Crockford characters. */
static uint64_t decode(const char *s, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		const char *p = strchr(crockford, s[i]);
		assert_true(s[i] && p);
		v = v << 5 | (uint64_t)(p - crockford);
	}
	return v;
}

/* The millisecond and random parts of an id with a 3-character prefix. */
static uint64_t time_part(const char *id)
{
	return decode(id + 4, 10);
}

static uint64_t rand_part(const char *id)
{
	return decode(id + 14, 10);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	nanosleep(&ts, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* ---- shape ---- */

static void id_has_prefix_and_twenty_crockford_chars(void **state)
{
	char id[ID_MAX];
	size_t i;

	(void)state;
	id_new(id, "bkg");
	assert_int_equal(strlen(id), 24);
	assert_memory_equal(id, "bkg_", 4);
	for (i = 4; i < 24; i++)
		assert_non_null(strchr(crockford, id[i]));
	assert_true(id_valid(id, "bkg"));
	id_new(id, "ent");
	assert_true(id_valid(id, "ent"));
}

static void id_time_part_is_the_clock_in_milliseconds(void **state)
{
	uint64_t before, after, t;
	char id[ID_MAX];

	(void)state;
	sleep_ms(5);	/* leave any millisecond earlier tests filled */
	before = now_ms();
	id_new(id, "hld");
	after = now_ms();
	t = time_part(id);
	assert_true(t >= before);
	assert_true(t <= after);
	assert_true(rand_part(id) < (UINT64_C(1) << 50));
}

/* ---- order ---- */

static void ids_back_to_back_strictly_increase(void **state)
{
	char prev[ID_MAX], id[ID_MAX];
	size_t i, same_ms = 0;

	(void)state;
	id_new(prev, "evt");
	for (i = 0; i < 200000; i++) {
		id_new(id, "evt");
		if (strcmp(id, prev) <= 0)
			fail_msg("id %s made after %s does not sort after it", id, prev);
		if (time_part(id) == time_part(prev)) {
			same_ms++;
			assert_true(rand_part(id) > rand_part(prev));
		} else {
			assert_true(time_part(id) > time_part(prev));
		}
		memcpy(prev, id, sizeof(id));
	}
	/* The loop must have exercised ids within one millisecond. */
	assert_true(same_ms > 1000);
}

static void ids_across_milliseconds_strictly_increase(void **state)
{
	char a[ID_MAX], b[ID_MAX];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		id_new(a, "bkg");
		/* An earlier burst (over about a thousand ids a millisecond) borrows milliseconds
		 * ahead of the clock: b is made once the clock has passed a's. */
		do
			sleep_ms(3);
		while (now_ms() <= time_part(a));
		id_new(b, "bkg");
		assert_true(strcmp(b, a) > 0);
		assert_true(time_part(b) > time_part(a));
	}
}

/* Ids made in one millisecond are a random step apart: the smallest of 2000 steps is
 * above 2^16 (a false failure has a 2^-24 chance per step) and none is above 2^40. */
static void ids_in_one_millisecond_are_a_random_step_apart(void **state)
{
	enum { PAIRS = 2000 };
	uint64_t *steps = test_malloc(PAIRS * sizeof(*steps));
	char prev[ID_MAX], id[ID_MAX];
	size_t n = 0, made = 0, distinct, i;

	(void)state;
	id_new(prev, "bkg");
	while (n < PAIRS && made < 20000000) {
		id_new(id, "bkg");
		made++;
		if (time_part(id) == time_part(prev)) {
			assert_true(rand_part(id) > rand_part(prev));
			steps[n++] = rand_part(id) - rand_part(prev);
		}
		memcpy(prev, id, sizeof(id));
	}
	assert_int_equal(n, PAIRS);
	qsort(steps, n, sizeof(*steps), cmp_u64);
	if (steps[0] <= (UINT64_C(1) << 16))
		fail_msg("two ids of one millisecond only %llu apart",
			 (unsigned long long)steps[0]);
	assert_true(steps[n - 1] <= (UINT64_C(1) << 40));
	for (i = 1, distinct = 1; i < n; i++)
		distinct += steps[i] != steps[i - 1];
	assert_true(distinct > PAIRS - 10);
	test_free(steps);
}

/* ---- id_valid ---- */

static void id_valid_rejects_wrong_prefixes(void **state)
{
	char id[ID_MAX];

	(void)state;
	id_new(id, "bkg");
	assert_true(id_valid(id, "bkg"));
	assert_false(id_valid(id, "svc"));
	assert_false(id_valid(id, "bk"));
	assert_false(id_valid(id, "bkgx"));
	assert_false(id_valid(id, "BKG"));
}

static void id_valid_rejects_wrong_lengths(void **state)
{
	char id[ID_MAX], s[ID_MAX + 8];

	(void)state;
	id_new(id, "bkg");
	snprintf(s, sizeof(s), "%.23s", id);	/* 19 characters */
	assert_false(id_valid(s, "bkg"));
	snprintf(s, sizeof(s), "%s0", id);	/* 21 */
	assert_false(id_valid(s, "bkg"));
	assert_false(id_valid("bkg_", "bkg"));
	assert_false(id_valid("", "bkg"));
	assert_false(id_valid("bkg", "bkg"));
}

static void id_valid_rejects_missing_underscore(void **state)
{
	char id[ID_MAX], s[ID_MAX];

	(void)state;
	id_new(id, "bkg");
	snprintf(s, sizeof(s), "bkg-%s", id + 4);
	assert_false(id_valid(s, "bkg"));
	snprintf(s, sizeof(s), "bkg%s", id + 4);
	assert_false(id_valid(s, "bkg"));
}

static void id_valid_rejects_characters_outside_the_alphabet(void **state)
{
	static const char bad[] = {'A', 'Z', 'i', 'l', 'o', 'u', 'I', 'L', 'O', 'U',
				   '-', '_', ' ', '.', '~', '\x7f', '\xc3'};
	char id[ID_MAX];
	size_t i, pos;

	(void)state;
	id_new(id, "bkg");
	for (pos = 4; pos < 24; pos += 19) {	/* the first and the last character */
		for (i = 0; i < sizeof(bad); i++) {
			char s[ID_MAX];
			memcpy(s, id, sizeof(s));
			s[pos] = bad[i];
			if (id_valid(s, "bkg"))
				fail_msg("accepted %#x at %zu", (unsigned char)bad[i], pos);
		}
	}
	/* Every character of the alphabet is fine anywhere. */
	for (i = 0; i < 32; i++) {
		char s[ID_MAX];
		memcpy(s, id, sizeof(s));
		s[10] = crockford[i];
		assert_true(id_valid(s, "bkg"));
	}
	assert_true(id_valid("bkg_00000000000000000000", "bkg"));
	assert_true(id_valid("bkg_zzzzzzzzzzzzzzzzzzzz", "bkg"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_has_prefix_and_twenty_crockford_chars),
		cmocka_unit_test(id_time_part_is_the_clock_in_milliseconds),
		cmocka_unit_test(ids_back_to_back_strictly_increase),
		cmocka_unit_test(ids_across_milliseconds_strictly_increase),
		cmocka_unit_test(ids_in_one_millisecond_are_a_random_step_apart),
		cmocka_unit_test(id_valid_rejects_wrong_prefixes),
		cmocka_unit_test(id_valid_rejects_wrong_lengths),
		cmocka_unit_test(id_valid_rejects_missing_underscore),
		cmocka_unit_test(id_valid_rejects_characters_outside_the_alphabet),
	};

	return cmocka_run_group_tests_name("ids", tests, group_setup, NULL);
}
