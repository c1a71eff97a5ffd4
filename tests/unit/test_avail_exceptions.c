/* Unit tests for core/avail: date overrides, holidays, vacation mode and time off.
 *
 * All cases run in America/New_York in January 2026 (EST, UTC-05:00 all month, no
 * transition), so an expected instant is the local time plus five hours: est(). The reference
 * week is Monday 2026-01-12 .. Sunday 2026-01-18 (weekdays checked with Python's
 * date.weekday()); weekdays_with_lunch() is Mon-Fri 09:00-12:00 and 13:00-17:00. */
#include "core/avail.h"
#include "core/civil.h"
#include "unit_helpers.h"

static const struct tz *nyc;

static int group_setup(void **state)
{
	if (unit_group_setup(state))
		return -1;
	nyc = zone("America/New_York");
	return 0;
}

static int64_t day_of(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* ---- overrides ---- */

static void test_override_single_date_custom_hours(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(11, 0, 13, 30)};
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	in.overrides = &o;
	in.noverrides = 1;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	assert_ptr_equal(plan.override, &o);
	ASSERT_HOURS(&plan.hours, 660, 810);
	ASSERT_HOURS(&plan.template_hours, 540, 720, 780, 1020);

	/* The neighbours keep the template. */
	avail_resolve_day(&in, day_of(2026, 1, 13), &plan);
	assert_null(plan.override);
	ASSERT_HOURS(&plan.hours, 540, 720, 780, 1020);

	open_time(&in, day_of(2026, 1, 14), day_of(2026, 1, 14), &s);
	ASSERT_OPEN(&s, est(2026, 1, 14, 11, 0), est(2026, 1, 14, 13, 30));
	interval_set_release(&s);
}

static void test_override_opens_weekend(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 17), day_of(2026, 1, 17), hours1(10, 0, 12, 0)};
	struct day_plan plan;

	(void)state;
	in.overrides = &o;
	in.noverrides = 1;
	avail_resolve_day(&in, day_of(2026, 1, 17), &plan);
	ASSERT_HOURS(&plan.hours, 600, 720);
}

static void test_override_closing_range(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 13), day_of(2026, 1, 15), closed_hours()};
	struct day_plan plan;
	struct interval_set s;
	int64_t d;

	(void)state;
	in.overrides = &o;
	in.noverrides = 1;
	for (d = day_of(2026, 1, 13); d <= day_of(2026, 1, 15); d++) {
		avail_resolve_day(&in, d, &plan);
		assert_int_equal(plan.closure, DAY_OVERRIDE_CLOSED);
		assert_int_equal(plan.hours.n, 0);
		assert_ptr_equal(plan.override, &o);
		assert_int_equal(plan.template_hours.n, 2);
	}
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	avail_resolve_day(&in, day_of(2026, 1, 16), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);

	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 16), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 12, 0), est(2026, 1, 12, 13, 0),
		    est(2026, 1, 12, 17, 0), est(2026, 1, 16, 9, 0), est(2026, 1, 16, 12, 0),
		    est(2026, 1, 16, 13, 0), est(2026, 1, 16, 17, 0));
	interval_set_release(&s);
}

static void test_override_narrower_wins_inside_range(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o[2] = {
	    {day_of(2026, 1, 12), day_of(2026, 1, 16), closed_hours()},
	    {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(10, 0, 12, 0)},
	};
	struct day_plan plan;

	(void)state;
	in.overrides = o;
	in.noverrides = 2;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	assert_ptr_equal(plan.override, &o[1]);
	ASSERT_HOURS(&plan.hours, 600, 720);
	avail_resolve_day(&in, day_of(2026, 1, 13), &plan);
	assert_int_equal(plan.closure, DAY_OVERRIDE_CLOSED);
	assert_ptr_equal(plan.override, &o[0]);
}

static void test_override_narrower_wins_listed_first(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o[2] = {
	    {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(10, 0, 12, 0)},
	    {day_of(2026, 1, 12), day_of(2026, 1, 16), closed_hours()},
	};
	struct day_plan plan;

	(void)state;
	in.overrides = o;
	in.noverrides = 2;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_ptr_equal(plan.override, &o[0]);
	ASSERT_HOURS(&plan.hours, 600, 720);
}

static void test_override_narrower_closed_inside_custom_range(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o[2] = {
	    {day_of(2026, 1, 12), day_of(2026, 1, 16), hours1(7, 0, 11, 0)},
	    {day_of(2026, 1, 15), day_of(2026, 1, 15), closed_hours()},
	};
	struct day_plan plan;

	(void)state;
	in.overrides = o;
	in.noverrides = 2;
	avail_resolve_day(&in, day_of(2026, 1, 15), &plan);
	assert_int_equal(plan.closure, DAY_OVERRIDE_CLOSED);
	avail_resolve_day(&in, day_of(2026, 1, 16), &plan);
	ASSERT_HOURS(&plan.hours, 420, 660);
}

static void test_override_tie_later_in_input_wins(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o[2] = {
	    {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(10, 0, 12, 0)},
	    {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(15, 0, 16, 0)},
	};
	struct day_plan plan;

	(void)state;
	in.overrides = o;
	in.noverrides = 2;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_ptr_equal(plan.override, &o[1]);
	ASSERT_HOURS(&plan.hours, 900, 960);
}

static void test_override_range_bounds_inclusive(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 13), day_of(2026, 1, 15), hours1(8, 0, 9, 0)};
	struct day_plan plan;

	(void)state;
	in.overrides = &o;
	in.noverrides = 1;
	avail_resolve_day(&in, day_of(2026, 1, 13), &plan);
	ASSERT_HOURS(&plan.hours, 480, 540);
	avail_resolve_day(&in, day_of(2026, 1, 15), &plan);
	ASSERT_HOURS(&plan.hours, 480, 540);
	avail_resolve_day(&in, day_of(2026, 1, 16), &plan);
	ASSERT_HOURS(&plan.hours, 540, 720, 780, 1020);
}

/* ---- holidays ---- */

static void test_holiday_closes_day(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct holiday h = {day_of(2026, 1, 14), false, "Founders' Day"};
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	in.holidays = &h;
	in.nholidays = 1;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_HOLIDAY);
	assert_int_equal(plan.hours.n, 0);
	assert_ptr_equal(plan.holiday, &h);
	assert_string_equal(plan.holiday->name, "Founders' Day");
	assert_int_equal(plan.template_hours.n, 2);

	avail_resolve_day(&in, day_of(2026, 1, 15), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	assert_null(plan.holiday);

	open_time(&in, day_of(2026, 1, 14), day_of(2026, 1, 14), &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
}

static void test_holiday_one_off_does_not_recur(void **state)
{
	struct holiday h = {day_of(2025, 1, 14), false, "once"};

	(void)state;
	assert_true(holiday_on(&h, day_of(2025, 1, 14)));
	assert_false(holiday_on(&h, day_of(2026, 1, 14)));
	assert_false(holiday_on(&h, day_of(2025, 1, 15)));
}

static void test_holiday_yearly_recurs(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct holiday h = {day_of(2020, 1, 14), true, "yearly"};
	struct day_plan plan;

	(void)state;
	assert_true(holiday_on(&h, day_of(2020, 1, 14)));
	assert_true(holiday_on(&h, day_of(2026, 1, 14)));
	assert_true(holiday_on(&h, day_of(2099, 1, 14)));
	assert_false(holiday_on(&h, day_of(2026, 1, 13)));
	assert_false(holiday_on(&h, day_of(2026, 2, 14)));
	in.holidays = &h;
	in.nholidays = 1;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_HOLIDAY);
}

static void test_holiday_yearly_not_before_first(void **state)
{
	struct holiday h = {day_of(2026, 12, 25), true, "Christmas"};

	(void)state;
	assert_false(holiday_on(&h, day_of(2025, 12, 25)));
	assert_false(holiday_on(&h, day_of(1970, 12, 25)));
	assert_true(holiday_on(&h, day_of(2026, 12, 25)));
	assert_true(holiday_on(&h, day_of(2027, 12, 25)));
}

static void test_holiday_yearly_feb_29_leap_years_only(void **state)
{
	struct holiday h = {day_of(2024, 2, 29), true, "leap day"};

	(void)state;
	assert_true(holiday_on(&h, day_of(2024, 2, 29)));
	assert_false(holiday_on(&h, day_of(2025, 2, 28)));
	assert_false(holiday_on(&h, day_of(2025, 3, 1)));
	assert_true(holiday_on(&h, day_of(2028, 2, 29)));
	assert_false(holiday_on(&h, day_of(2028, 2, 28)));
	assert_false(holiday_on(&h, day_of(2028, 3, 1)));
	assert_false(holiday_on(&h, day_of(2020, 2, 29))); /* before the first */
	assert_false(holiday_on(&h, day_of(2100, 2, 28))); /* 2100 is not a leap year */
	assert_false(holiday_on(&h, day_of(2100, 3, 1)));
}

static void test_holiday_custom_hours_override_beats_it(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct holiday h = {day_of(2026, 1, 14), false, "holiday"};
	struct date_override o = {day_of(2026, 1, 14), day_of(2026, 1, 14), hours1(10, 0, 12, 0)};
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	in.holidays = &h;
	in.nholidays = 1;
	in.overrides = &o;
	in.noverrides = 1;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	ASSERT_HOURS(&plan.hours, 600, 720);
	assert_ptr_equal(plan.override, &o);
	assert_ptr_equal(plan.holiday, &h);
	open_time(&in, day_of(2026, 1, 14), day_of(2026, 1, 14), &s);
	ASSERT_OPEN(&s, est(2026, 1, 14, 10, 0), est(2026, 1, 14, 12, 0));
	interval_set_release(&s);
}

static void test_holiday_custom_hours_range_override_beats_it(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct holiday h = {day_of(2026, 1, 14), false, "holiday"};
	struct date_override o = {day_of(2026, 1, 12), day_of(2026, 1, 18), hours1(10, 0, 12, 0)};
	struct day_plan plan;

	(void)state;
	in.holidays = &h;
	in.nholidays = 1;
	in.overrides = &o;
	in.noverrides = 1;
	avail_resolve_day(&in, day_of(2026, 1, 14), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	ASSERT_HOURS(&plan.hours, 600, 720);
}

/* ---- vacation ---- */

static void test_vacation_closes_every_day(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 17), day_of(2026, 1, 17), hours1(10, 0, 12, 0)};
	struct day_plan plan;
	struct interval_set s;
	int64_t d;

	(void)state;
	in.overrides = &o;
	in.noverrides = 1;
	in.vacation = true;
	for (d = day_of(2026, 1, 12); d <= day_of(2026, 1, 18); d++) {
		avail_resolve_day(&in, d, &plan);
		assert_int_equal(plan.closure, DAY_VACATION);
		assert_int_equal(plan.hours.n, 0);
	}
	open_time(&in, day_of(2026, 1, 1), day_of(2026, 1, 31), &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
}

/* ---- time off ---- */

static void test_time_off_subtracted(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct interval off = {est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0)};
	struct interval_set s;

	(void)state;
	in.time_off = &off;
	in.ntime_off = 1;
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 12), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0),
		    est(2026, 1, 12, 12, 0), est(2026, 1, 12, 13, 0), est(2026, 1, 12, 17, 0));
	interval_set_release(&s);
}

static void test_time_off_across_break_and_days(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct interval off[2] = {
	    {est(2026, 1, 12, 11, 30), est(2026, 1, 12, 13, 30)},
	    {est(2026, 1, 13, 16, 0), est(2026, 1, 14, 10, 0)},
	};
	struct interval_set s;

	(void)state;
	in.time_off = off;
	in.ntime_off = 2;
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 14), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 11, 30), est(2026, 1, 12, 13, 30),
		    est(2026, 1, 12, 17, 0), est(2026, 1, 13, 9, 0), est(2026, 1, 13, 12, 0),
		    est(2026, 1, 13, 13, 0), est(2026, 1, 13, 16, 0), est(2026, 1, 14, 10, 0),
		    est(2026, 1, 14, 12, 0), est(2026, 1, 14, 13, 0), est(2026, 1, 14, 17, 0));
	interval_set_release(&s);
}

static void test_time_off_touching_hours_no_change(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct interval off = {est(2026, 1, 12, 12, 0), est(2026, 1, 12, 13, 0)};
	struct interval_set s;

	(void)state;
	in.time_off = &off;
	in.ntime_off = 1;
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 12), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 12, 0), est(2026, 1, 12, 13, 0),
		    est(2026, 1, 12, 17, 0));
	interval_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_override_single_date_custom_hours),
	    cmocka_unit_test(test_override_opens_weekend),
	    cmocka_unit_test(test_override_closing_range),
	    cmocka_unit_test(test_override_narrower_wins_inside_range),
	    cmocka_unit_test(test_override_narrower_wins_listed_first),
	    cmocka_unit_test(test_override_narrower_closed_inside_custom_range),
	    cmocka_unit_test(test_override_tie_later_in_input_wins),
	    cmocka_unit_test(test_override_range_bounds_inclusive),
	    cmocka_unit_test(test_holiday_closes_day),
	    cmocka_unit_test(test_holiday_one_off_does_not_recur),
	    cmocka_unit_test(test_holiday_yearly_recurs),
	    cmocka_unit_test(test_holiday_yearly_not_before_first),
	    cmocka_unit_test(test_holiday_yearly_feb_29_leap_years_only),
	    cmocka_unit_test(test_holiday_custom_hours_override_beats_it),
	    cmocka_unit_test(test_holiday_custom_hours_range_override_beats_it),
	    cmocka_unit_test(test_vacation_closes_every_day),
	    cmocka_unit_test(test_time_off_subtracted),
	    cmocka_unit_test(test_time_off_across_break_and_days),
	    cmocka_unit_test(test_time_off_touching_hours_no_change),
	};

	return cmocka_run_group_tests_name("avail_exceptions", tests, group_setup,
					   unit_group_teardown);
}
