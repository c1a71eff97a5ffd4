/* Unit tests for core/avail: weekly templates, dated versions, 24:00 ends, local dates
 * as UTC intervals across DST, and validation of day hours.
 *
 * Most cases run in America/New_York in January 2026 (EST, UTC-05:00 all month, no
 * transition), so an expected instant is the local time plus five hours: est(). The reference
 * week is Monday 2026-01-12 .. Sunday 2026-01-18 (weekdays checked with Python's
 * date.weekday()); weekdays_with_lunch() is Mon-Fri 09:00-12:00 and 13:00-17:00. DST instants
 * were computed with Python zoneinfo:
 *   int(datetime(y, m, d, h, mi, fold=0, tzinfo=ZoneInfo(zone)).timestamp()). */
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

/* ---- weekly template ---- */

static void test_template_two_intervals_per_day(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	ASSERT_HOURS(&plan.hours, 540, 720, 780, 1020);
	ASSERT_HOURS(&plan.template_hours, 540, 720, 780, 1020);
	assert_null(plan.override);
	assert_null(plan.holiday);

	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 12), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 12, 0), est(2026, 1, 12, 13, 0),
		    est(2026, 1, 12, 17, 0));
	interval_set_release(&s);
}

static void test_template_weekday_mapping(void **state)
{
	struct week_template t = {0};
	struct avail_input in = input(nyc, &t, 1);
	struct day_plan plan;
	int d;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	/* A distinct one-hour interval per weekday: day d opens at (8 + d):00. */
	for (d = MON; d <= SUN; d++)
		t.day[d] = hours1(8 + d, 0, 9 + d, 0);
	for (d = 0; d < 7; d++) {
		avail_resolve_day(&in, day_of(2026, 1, 12 + d), &plan);
		assert_int_equal(plan.hours.n, 1);
		assert_int_equal(plan.hours.iv[0].start_min, (8 + d) * 60);
	}
}

static void test_template_weekend_closed(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	avail_resolve_day(&in, day_of(2026, 1, 17), &plan); /* Saturday */
	assert_int_equal(plan.closure, DAY_OPEN);
	assert_int_equal(plan.hours.n, 0);
	open_time(&in, day_of(2026, 1, 17), day_of(2026, 1, 18), &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
}

static void test_template_week_open_time(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct interval_set s;

	(void)state;
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 18), &s);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.v[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(s.v[9].end, est(2026, 1, 16, 17, 0));
	interval_set_release(&s);
}

static void test_no_template_is_closed(void **state)
{
	struct avail_input in = input(nyc, NULL, 0);
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	assert_int_equal(plan.hours.n, 0);
	assert_int_equal(plan.template_hours.n, 0);
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 18), &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
}

/* ---- dated template versions ---- */

/* v1: until Fri 2026-01-16, 09-12 + 13-17; v2: Tue 2026-01-20 .. Fri 2026-01-23, 10-14. */
static void two_versions(struct week_template v[2])
{
	int d;

	v[0] = weekdays_with_lunch();
	v[0].effective_until = day_of(2026, 1, 16);
	memset(&v[1], 0, sizeof(v[1]));
	v[1].effective_from = day_of(2026, 1, 20);
	v[1].effective_until = day_of(2026, 1, 23);
	for (d = MON; d <= FRI; d++)
		v[1].day[d] = hours1(10, 0, 14, 0);
}

static void test_version_until_is_inclusive(void **state)
{
	struct week_template v[2] = {{0}};
	struct avail_input in = input(nyc, v, 2);
	struct day_plan plan;

	(void)state;
	two_versions(v);
	avail_resolve_day(&in, day_of(2026, 1, 16), &plan);
	ASSERT_HOURS(&plan.hours, 540, 720, 780, 1020);
}

static void test_version_from_is_inclusive(void **state)
{
	struct week_template v[2] = {{0}};
	struct avail_input in = input(nyc, v, 2);
	struct day_plan plan;

	(void)state;
	two_versions(v);
	avail_resolve_day(&in, day_of(2026, 1, 20), &plan);
	ASSERT_HOURS(&plan.hours, 600, 840);
	avail_resolve_day(&in, day_of(2026, 1, 23), &plan);
	ASSERT_HOURS(&plan.hours, 600, 840);
}

static void test_version_day_between_versions_closed(void **state)
{
	struct week_template v[2] = {{0}};
	struct avail_input in = input(nyc, v, 2);
	struct day_plan plan;

	(void)state;
	two_versions(v);
	avail_resolve_day(&in, day_of(2026, 1, 19), &plan); /* Monday, in neither version */
	assert_int_equal(plan.hours.n, 0);
	assert_int_equal(plan.template_hours.n, 0);
	assert_int_equal(plan.closure, DAY_OPEN);
}

static void test_version_day_after_last_closed(void **state)
{
	struct week_template v[2] = {{0}};
	struct avail_input in = input(nyc, v, 2);
	struct day_plan plan;

	(void)state;
	two_versions(v);
	avail_resolve_day(&in, day_of(2026, 1, 26), &plan);
	assert_int_equal(plan.hours.n, 0);
}

static void test_version_open_time_across_versions(void **state)
{
	struct week_template v[2] = {{0}};
	struct avail_input in = input(nyc, v, 2);
	struct interval_set s;

	(void)state;
	two_versions(v);
	open_time(&in, day_of(2026, 1, 16), day_of(2026, 1, 20), &s);
	ASSERT_OPEN(&s, est(2026, 1, 16, 9, 0), est(2026, 1, 16, 12, 0), est(2026, 1, 16, 13, 0),
		    est(2026, 1, 16, 17, 0), est(2026, 1, 20, 10, 0), est(2026, 1, 20, 14, 0));
	interval_set_release(&s);
}

/* ---- crossing midnight and DST ---- */

static void test_end_2400_joins_next_day_start(void **state)
{
	struct week_template t = {0};
	struct avail_input in = input(nyc, &t, 1);
	struct interval_set s;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	t.day[MON] = hours1(20, 0, 24, 0);
	t.day[TUE] = hours1(0, 0, 6, 0);
	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 13), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 20, 0), est(2026, 1, 13, 6, 0));
	interval_set_release(&s);
}

static void test_end_2400_into_midnight_gap_joins(void **state)
{
	const struct tz *scl = zone("America/Santiago");
	struct week_template t = {0};
	struct avail_input in = input(scl, &t, 1);
	struct interval_set s;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	t.day[SAT] = hours1(20, 0, 24, 0);
	t.day[SUN] = hours1(0, 0, 3, 0);
	/* Santiago's 2026-09-06 00:00 does not exist. Sat 20:00 -04 = 2026-09-06T00:00Z; the
	 * 24:00 end and the next 00:00 start both take the offset before the gap (04:00Z), so
	 * the two join; Sun 03:00 -03 = 06:00Z (Python zoneinfo). */
	open_time(&in, day_of(2026, 9, 5), day_of(2026, 9, 6), &s);
	ASSERT_OPEN(&s, 1788652800, 1788674400);
	interval_set_release(&s);
}

static void test_day_interval_spring_forward(void **state)
{
	struct day_interval iv = {0, 240};
	struct interval r;

	(void)state;
	/* New York 2026-03-08 00:00 EST = 05:00Z .. 04:00 EDT = 08:00Z: three real hours. */
	r = avail_day_interval(nyc, day_of(2026, 3, 8), iv);
	assert_int_equal(r.start, 1772946000);
	assert_int_equal(r.end, 1772956800);
}

static void test_day_interval_fall_back(void **state)
{
	struct day_interval iv = {0, 240};
	struct interval r;

	(void)state;
	/* New York 2026-11-01 00:00 EDT = 04:00Z .. 04:00 EST = 09:00Z: five real hours. */
	r = avail_day_interval(nyc, day_of(2026, 11, 1), iv);
	assert_int_equal(r.start, 1793505600);
	assert_int_equal(r.end, 1793523600);
}

static void test_day_interval_end_in_gap(void **state)
{
	struct day_interval iv = {22 * 60, 24 * 60};
	struct day_interval gap_end = {0, 150};
	struct interval r;

	(void)state;
	/* Sat 2026-03-07 22:00 EST = 2026-03-08T03:00Z .. 24:00 = 05:00Z. */
	r = avail_day_interval(nyc, day_of(2026, 3, 7), iv);
	assert_int_equal(r.start, 1772938800);
	assert_int_equal(r.end, 1772946000);
	/* An end at the nonexistent 02:30 becomes 03:30 EDT = 07:30Z. */
	r = avail_day_interval(nyc, day_of(2026, 3, 8), gap_end);
	assert_int_equal(r.end, 1772955000);
}

/* ---- day_hours_validate ---- */

static void test_validate_accepts_ordered_hours(void **state)
{
	struct day_hours h = hours2(9, 12, 12, 24);
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/weekly/mon", &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_int_equal(e.nfields, 0);
}

static void test_validate_rejects_overlap(void **state)
{
	struct day_hours h = hours2(9, 13, 12, 17);
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/weekly/mon", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "/weekly/mon/1");
}

static void test_validate_rejects_out_of_order(void **state)
{
	struct day_hours h = hours2(13, 17, 9, 12);
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/weekly/tue", &e), -1);
	assert_string_equal(e.fields[0].pointer, "/weekly/tue/1");
}

static void test_validate_rejects_empty_and_past_midnight(void **state)
{
	struct day_hours h;
	struct err e;

	(void)state;
	h = hours1(9, 0, 9, 0);
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/hours", &e), -1);
	assert_string_equal(e.fields[0].pointer, "/hours/0");
	h = hours1(23, 0, 24, 1);
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/hours", &e), -1);
	h = hours1(0, 0, 24, 0);
	err_init(&e);
	assert_int_equal(day_hours_validate(&h, "/hours", &e), 0);
}

/* ---- intervals reserved for services ---- */

static const struct service_set only_intake = {1, {"svc_intake"}};
/* The services of a day whose first interval is kept for the intake. */
static const struct service_set *intake_first[AVAIL_MAX_DAY_INTERVALS] = {&only_intake};

static void test_service_set_has(void **state)
{
	static const struct service_set two = {2, {"svc_a", "svc_b"}};

	(void)state;
	assert_true(service_set_has(&two, "svc_a"));
	assert_true(service_set_has(&two, "svc_b"));
	assert_false(service_set_has(&two, "svc_c"));
	assert_false(service_set_has(&two, "svc_"));
}

static void test_excluded_interval_left_out_of_open_hours(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct day_plan plan;
	struct interval_set s;

	(void)state;
	t.day[0].services = intake_first;
	t.day[0].excluded = 1u << 0;	/* as the engine marks it for another service */
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	assert_int_equal(plan.closure, DAY_OPEN);
	ASSERT_HOURS(&plan.hours, 780, 1020);
	assert_null(plan.hours.services);
	assert_int_equal(plan.hours.excluded, 0);
	ASSERT_HOURS(&plan.template_hours, 540, 720, 780, 1020);
	assert_ptr_equal(day_hours_services(&plan.template_hours, 0), &only_intake);
	assert_null(day_hours_services(&plan.template_hours, 1));

	open_time(&in, day_of(2026, 1, 12), day_of(2026, 1, 12), &s);
	ASSERT_OPEN(&s, est(2026, 1, 12, 13, 0), est(2026, 1, 12, 17, 0));
	interval_set_release(&s);
}

static void test_reserved_but_not_excluded_interval_is_open(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct day_plan plan;

	(void)state;
	t.day[0].services = intake_first;	/* open for the intake, or for any query */
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	ASSERT_HOURS(&plan.hours, 540, 720, 780, 1020);
	assert_null(plan.hours.services);
}

static void test_override_of_excluded_hours_is_not_a_closure(void **state)
{
	struct week_template t = weekdays_with_lunch();
	struct avail_input in = input(nyc, &t, 1);
	struct date_override o = {day_of(2026, 1, 12), day_of(2026, 1, 12), hours1(9, 0, 12, 0)};
	struct holiday h = {day_of(2026, 1, 12), false, "Founders' Day"};
	struct day_plan plan;

	(void)state;
	o.hours.services = intake_first;
	o.hours.excluded = 1u << 0;
	in.overrides = &o;
	in.noverrides = 1;
	in.holidays = &h;
	in.nholidays = 1;
	avail_resolve_day(&in, day_of(2026, 1, 12), &plan);
	/* Custom hours, kept for other services: nothing open, yet neither closed nor a holiday. */
	assert_int_equal(plan.closure, DAY_OPEN);
	assert_int_equal(plan.hours.n, 0);
	assert_ptr_equal(plan.override, &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_template_two_intervals_per_day),
	    cmocka_unit_test(test_template_weekday_mapping),
	    cmocka_unit_test(test_template_weekend_closed),
	    cmocka_unit_test(test_template_week_open_time),
	    cmocka_unit_test(test_no_template_is_closed),
	    cmocka_unit_test(test_version_until_is_inclusive),
	    cmocka_unit_test(test_version_from_is_inclusive),
	    cmocka_unit_test(test_version_day_between_versions_closed),
	    cmocka_unit_test(test_version_day_after_last_closed),
	    cmocka_unit_test(test_version_open_time_across_versions),
	    cmocka_unit_test(test_end_2400_joins_next_day_start),
	    cmocka_unit_test(test_end_2400_into_midnight_gap_joins),
	    cmocka_unit_test(test_day_interval_spring_forward),
	    cmocka_unit_test(test_day_interval_fall_back),
	    cmocka_unit_test(test_day_interval_end_in_gap),
	    cmocka_unit_test(test_validate_accepts_ordered_hours),
	    cmocka_unit_test(test_validate_rejects_overlap),
	    cmocka_unit_test(test_validate_rejects_out_of_order),
	    cmocka_unit_test(test_validate_rejects_empty_and_past_midnight),
	    cmocka_unit_test(test_service_set_has),
	    cmocka_unit_test(test_excluded_interval_left_out_of_open_hours),
	    cmocka_unit_test(test_reserved_but_not_excluded_interval_is_open),
	    cmocka_unit_test(test_override_of_excluded_hours_is_not_a_closure),
	};

	return cmocka_run_group_tests_name("avail", tests, group_setup, unit_group_teardown);
}
