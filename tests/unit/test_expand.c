/* Unit tests for core/expand: a request's date rules expanded once and shared (by the same
 * rule of another owner too), kept apart by window, dated records, the memo growing, the
 * request's deadline (ERR_TIMEOUT with a Retry-After) and a rule stopped at it. */
#include <stdio.h>

#include "core/civil.h"
#include "core/expand.h"
#include "core/recur.h"
#include "unit_helpers.h"

static int64_t day_of(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* A holiday on the dates of rule from first on, without end. */
static struct holiday_rec rule_holiday(const char *id, const char *rule, int64_t first)
{
	struct holiday_rec h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "%s", id);
	snprintf(h.name, sizeof(h.name), "Holiday %s", id);
	snprintf(h.rrule, sizeof(h.rrule), "%s", rule);
	h.day = first;
	h.until_day = CIVIL_MAX_DAY;
	return h;
}

static struct override_rec rule_override(const char *provider, const char *rule, int64_t first)
{
	struct override_rec o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "ovr_%s", provider);
	snprintf(o.provider_id, sizeof(o.provider_id), "%s", provider);
	snprintf(o.rrule, sizeof(o.rrule), "%s", rule);
	o.ov.from_day = first;
	o.ov.to_day = CIVIL_MAX_DAY;
	return o;
}

static void stats_are(const struct expand *x, size_t expanded, size_t shared)
{
	size_t ex, sh;

	expand_stats(x, &ex, &sh);
	assert_int_equal(ex, expanded);
	assert_int_equal(sh, shared);
}

static void tenant_rule_is_expanded_once_for_every_provider(void **state)
{
	struct expand *x = expand_new(*state, 0);
	struct holiday_rec h = rule_holiday("hol_a", "FREQ=WEEKLY;BYDAY=MO", day_of(2026, 1, 5));
	const int64_t *days, *again;
	struct err e;
	size_t n, m;
	int i;

	err_init(&e);
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 31), &days, &n,
					&e), 0);
	assert_int_equal(n, 5);
	assert_int_equal(days[0], day_of(2026, 3, 2));
	assert_int_equal(days[4], day_of(2026, 3, 30));
	/* 199 more providers reading the same tenant-wide holiday. */
	for (i = 0; i < 199; i++) {
		assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 31),
						&again, &m, &e), 0);
		assert_ptr_equal(again, days);
		assert_int_equal(m, 5);
	}
	stats_are(x, 1, 199);
}

static void same_rule_of_other_providers_is_shared(void **state)
{
	struct expand *x = expand_new(*state, 0);
	struct override_rec a = rule_override("prv_a", "FREQ=MONTHLY;BYDAY=1MO", day_of(2026, 1, 5));
	struct override_rec b = rule_override("prv_b", "FREQ=MONTHLY;BYDAY=1MO", day_of(2026, 1, 5));
	struct override_rec c = rule_override("prv_c", "FREQ=MONTHLY;BYDAY=1MO", day_of(2026, 2, 2));
	const int64_t *da, *db, *dc;
	struct err e;
	size_t na, nb, nc;

	err_init(&e);
	assert_int_equal(expand_override(x, &a, day_of(2026, 1, 1), day_of(2026, 3, 31), &da, &na,
					 &e), 0);
	assert_int_equal(expand_override(x, &b, day_of(2026, 1, 1), day_of(2026, 3, 31), &db, &nb,
					 &e), 0);
	/* Another first date is another series, even with the same text. */
	assert_int_equal(expand_override(x, &c, day_of(2026, 1, 1), day_of(2026, 3, 31), &dc, &nc,
					 &e), 0);
	assert_ptr_equal(da, db);
	assert_int_equal(na, 3);
	assert_int_equal(nc, 2);
	assert_int_equal(dc[0], day_of(2026, 2, 2));
	stats_are(x, 2, 1);
}

static void another_window_is_expanded_again(void **state)
{
	struct expand *x = expand_new(*state, 0);
	struct holiday_rec h = rule_holiday("hol_a", "FREQ=DAILY", day_of(2026, 1, 1));
	const int64_t *days;
	struct err e;
	size_t n;

	err_init(&e);
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 7), &days, &n,
					&e), 0);
	assert_int_equal(n, 7);
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 2), &days, &n,
					&e), 0);
	assert_int_equal(n, 2);
	stats_are(x, 2, 0);
}

static void dated_records_give_their_dates_in_the_window(void **state)
{
	struct expand *x = expand_new(*state, 0);
	struct holiday_rec h = rule_holiday("hol_once", "", day_of(2026, 3, 10));
	struct override_rec o = rule_override("prv_a", "", day_of(2026, 2, 27));
	const int64_t *days;
	struct err e;
	size_t n;

	err_init(&e);
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 31), &days, &n,
					&e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(days[0], day_of(2026, 3, 10));
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 11), day_of(2026, 3, 31), &days,
					&n, &e), 0);
	assert_int_equal(n, 0);
	o.ov.to_day = day_of(2026, 3, 3);
	assert_int_equal(expand_override(x, &o, day_of(2026, 3, 1), day_of(2026, 3, 31), &days,
					 &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(days[0], day_of(2026, 3, 1));
	assert_int_equal(days[2], day_of(2026, 3, 3));
	/* An empty window. */
	assert_int_equal(expand_override(x, &o, day_of(2026, 3, 2), day_of(2026, 3, 1), &days,
					 &n, &e), 0);
	assert_int_equal(n, 0);
	stats_are(x, 0, 0);
	assert_int_equal(e.code, ERR_OK);
}

static void memo_grows_and_keeps_every_rule(void **state)
{
	struct expand *x = expand_new(*state, 0);
	const int64_t *days;
	char rule[64];
	struct err e;
	size_t n;
	int i, pass;

	err_init(&e);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 300; i++) {
			struct holiday_rec h;
			snprintf(rule, sizeof(rule), "FREQ=DAILY;INTERVAL=%d", i + 1);
			h = rule_holiday("hol_x", rule, day_of(2026, 1, 1));
			assert_int_equal(expand_holiday(x, &h, day_of(2026, 1, 1),
							day_of(2026, 12, 31), &days, &n, &e),
					 0);
			assert_int_equal(n, (size_t)(364 / (i + 1) + 1));
			assert_int_equal(days[0], day_of(2026, 1, 1));
		}
	}
	stats_are(x, 300, 300);
}

static void passed_deadline_is_a_timeout_with_retry_after(void **state)
{
	struct expand *x = expand_new(*state, 1);	/* long past */
	struct holiday_rec h = rule_holiday("hol_a", "FREQ=DAILY", day_of(2026, 1, 1));
	const int64_t *days;
	struct err e;
	size_t n;

	err_init(&e);
	assert_int_equal(expand_check(x, &e), -1);
	assert_int_equal(e.code, ERR_TIMEOUT);
	assert_int_equal(e.retry_after, 1);
	err_init(&e);
	assert_int_equal(expand_holiday(x, &h, day_of(2026, 3, 1), day_of(2026, 3, 31), &days, &n,
					&e), -1);
	assert_int_equal(e.code, ERR_TIMEOUT);
	stats_are(x, 0, 0);
}

static void no_deadline_or_a_later_one_never_times_out(void **state)
{
	struct expand *x = expand_new(*state, 0);
	struct err e;

	err_init(&e);
	assert_int_equal(expand_check(x, &e), 0);
	assert_int_equal(expand_check(NULL, &e), 0);
	expand_set_deadline(x, recur_clock_ns() + 60 * 1000000000LL);
	assert_int_equal(expand_check(x, &e), 0);
	expand_set_deadline(x, 1);
	assert_int_equal(expand_check(x, &e), -1);
	assert_int_equal(e.code, ERR_TIMEOUT);
}

static void rule_stops_at_a_passed_deadline(void **state)
{
	int64_t out[400];
	size_t n;

	(void)state;
	assert_int_equal(recur_dates_until("FREQ=DAILY", day_of(2026, 1, 1), CIVIL_MAX_DAY,
					   day_of(2026, 1, 1), day_of(2026, 12, 31), 1, out, 400,
					   &n),
			 RECUR_BUDGET);
	assert_true(n < 365);
	assert_int_equal(recur_dates_until("FREQ=DAILY", day_of(2026, 1, 1), CIVIL_MAX_DAY,
					   day_of(2026, 1, 1), day_of(2026, 12, 31), 0, out, 400,
					   &n),
			 RECUR_DONE);
	assert_int_equal(n, 365);
	assert_int_equal(recur_dates("FREQ=DAILY", day_of(2026, 1, 1), CIVIL_MAX_DAY,
				     day_of(2026, 1, 1), day_of(2026, 12, 31), out, 400),
			 365);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TA(tenant_rule_is_expanded_once_for_every_provider),
		TA(same_rule_of_other_providers_is_shared),
		TA(another_window_is_expanded_again),
		TA(dated_records_give_their_dates_in_the_window),
		TA(memo_grows_and_keeps_every_rule),
		TA(passed_deadline_is_a_timeout_with_retry_after),
		TA(no_deadline_or_a_later_one_never_times_out),
		cmocka_unit_test(rule_stops_at_a_passed_deadline),
	};

	return cmocka_run_group_tests_name("expand", tests, unit_group_setup, unit_group_teardown);
}
