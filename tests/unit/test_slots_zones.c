/* Unit tests for core/slots: slots_generate across DST transitions and in odd zones, and
 * the rule that whether a start is listed does not depend on the query window.
 *
 * Expectations were computed with an independent Python model of the grid rule over
 * zoneinfo: for each grid wall time start + k*step, every fold (0/1) that converts back to
 * the same wall time is an instant; keep those with [t, t + duration) inside open time,
 * where a local time converts with fold=0. Fixture: see slot_fixture.h. */
#include "core/slots.h"
#include "slot_fixture.h"

/* ---- DST and odd offsets ---- */

static void test_dst_spring_forward_new_york(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->q.from = utc_at(2026, 3, 7, 0, 0, 0);
	f->q.to = utc_at(2026, 3, 10, 0, 0, 0);
	run(f);
	/* 00:00 EST, 01:00 EST, (02:00 does not exist), 03:00 EDT = 05:00Z, 06:00Z, 07:00Z. */
	ASSERT_STARTS(f, 1772946000, 1772949600, 1772953200);
}

static void test_dst_spring_forward_half_hour_grid(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->rules.duration_min = 30;
	f->rules.step_min = 30;
	f->q.from = utc_at(2026, 3, 7, 0, 0, 0);
	f->q.to = utc_at(2026, 3, 10, 0, 0, 0);
	run(f);
	/* 02:00 and 02:30 are skipped. */
	ASSERT_STARTS(f, 1772946000, 1772947800, 1772949600, 1772951400, 1772953200, 1772955000);
}

static void test_dst_spring_forward_duration_is_real_time(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->rules.duration_min = 60;
	f->rules.step_min = 30;
	f->q.from = utc_at(2026, 3, 7, 0, 0, 0);
	f->q.to = utc_at(2026, 3, 10, 0, 0, 0);
	run(f);
	/* 01:30 EST + 60 real minutes = 03:30 EDT, inside; 03:30 EDT would end past 04:00. */
	ASSERT_STARTS(f, 1772946000, 1772947800, 1772949600, 1772951400, 1772953200);
}

static void test_dst_window_to_exclusive(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->q.from = utc_at(2026, 3, 7, 0, 0, 0);
	f->q.to = 1772953200; /* 03:00 EDT, the first start after the gap */
	run(f);
	ASSERT_STARTS(f, 1772946000, 1772949600);
	f->out.n = 0;
	f->q.to = 1772953200 + 1;
	run(f);
	ASSERT_STARTS(f, 1772946000, 1772949600, 1772953200);
}

static void test_dst_window_from_between_repeated_hours(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	/* From 05:30Z (01:30 EDT): the first 01:00 (05:00Z) is out, the second (06:00Z) in. */
	f->q.from = 1793511000;
	f->q.to = utc_at(2026, 11, 3, 0, 0, 0);
	run(f);
	ASSERT_STARTS(f, 1793512800, 1793516400, 1793520000);
}

static void test_dst_fall_back_new_york_lists_0100_twice(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->q.from = utc_at(2026, 10, 31, 0, 0, 0);
	f->q.to = utc_at(2026, 11, 3, 0, 0, 0);
	run(f);
	/* 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST. */
	ASSERT_STARTS(f, 1793505600, 1793509200, 1793512800, 1793516400, 1793520000);
}

static void test_dst_fall_back_half_hour_grid_sorted(void **state)
{
	struct fx *f = *state;

	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->rules.duration_min = 30;
	f->rules.step_min = 30;
	f->q.from = utc_at(2026, 10, 31, 0, 0, 0);
	f->q.to = utc_at(2026, 11, 3, 0, 0, 0);
	run(f);
	/* 01:00 and 01:30 occur twice; the list is in instant order (01:00 EDT, 01:30 EDT,
	 * 01:00 EST, 01:30 EST), not grid order. */
	ASSERT_STARTS(f, 1793505600, 1793507400, 1793509200, 1793511000, 1793512800, 1793514600,
		      1793516400, 1793518200, 1793520000, 1793521800);
}

static void test_dst_lord_howe_half_hour_overlap(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Australia/Lord_Howe");
	only_day(f, SUN, hours1(0, 0, 4, 0));
	f->rules.duration_min = 30;
	f->rules.step_min = 30;
	f->q.from = utc_at(2026, 4, 3, 0, 0, 0);
	f->q.to = utc_at(2026, 4, 6, 0, 0, 0);
	run(f);
	/* 2026-04-05: 01:30 exists twice (14:30Z at +11, 15:00Z at +10:30). */
	ASSERT_STARTS(f, 1775307600, 1775309400, 1775311200, 1775313000, 1775314800, 1775316600,
		      1775318400, 1775320200, 1775322000);
}

static void test_dst_santiago_midnight_gap(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("America/Santiago");
	only_day(f, SUN, hours1(0, 0, 3, 0));
	f->q.from = utc_at(2026, 9, 5, 0, 0, 0);
	f->q.to = utc_at(2026, 9, 8, 0, 0, 0);
	run(f);
	/* 2026-09-06 00:00 does not exist: the day opens at 01:00 -03 (04:00Z). */
	ASSERT_STARTS(f, 1788667200, 1788670800);
}

static void test_kathmandu_grid(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Asia/Kathmandu");
	only_day(f, MON, hours1(9, 0, 12, 0));
	f->q.from = utc_at(2026, 5, 3, 0, 0, 0);
	f->q.to = utc_at(2026, 5, 5, 0, 0, 0);
	run(f);
	/* 2026-05-04 09:00, 10:00, 11:00 +05:45. */
	ASSERT_STARTS(f, 1777864500, 1777868100, 1777871700);
}

static void test_kathmandu_grid_45_minutes(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Asia/Kathmandu");
	only_day(f, MON, hours1(9, 0, 12, 0));
	f->rules.duration_min = 45;
	f->rules.step_min = 45;
	f->q.from = utc_at(2026, 5, 3, 0, 0, 0);
	f->q.to = utc_at(2026, 5, 5, 0, 0, 0);
	run(f);
	ASSERT_STARTS(f, 1777864500, 1777867200, 1777869900, 1777872600);
}

static void test_apia_skipped_day(void **state)
{
	struct fx *f = *state;
	int d;

	f->in.tz = zone("Pacific/Apia");
	for (d = MON; d <= SUN; d++)
		f->t.day[d] = hours1(9, 0, 11, 0);
	f->q.now = utc_at(2011, 1, 1, 0, 0, 0);
	f->q.from = utc_at(2011, 12, 29, 0, 0, 0);
	f->q.to = utc_at(2011, 12, 31, 12, 0, 0);
	run(f);
	/* 2011-12-29 09:00/10:00 at -10 and 2011-12-31 09:00/10:00 at +14; 12-30 does not
	 * exist and must not add (or duplicate) anything. */
	ASSERT_STARTS(f, 1325185200, 1325188800, 1325271600, 1325275200);
}

/* ---- the answer for a start must not depend on the query window ---- */

/* Berlin, Sunday 2026-10-25 (02:00-03:00 happens twice), hours 00:00-02:30 and 02:30-07:30,
 * 15-minute service on a 30-minute grid. The first interval's grid time 02:00 exists twice;
 * its second instant, 02:00 CET = 01:00Z, lies past that interval's own UTC end
 * (02:30 -> first occurrence, 00:30Z) but inside open time, which runs on through the second
 * interval ([00:30Z, 06:30Z)). Instants from Python zoneinfo. */
static void berlin_overlap_split_day(struct fx *f)
{
	f->in.tz = zone("Europe/Berlin");
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[SUN].n = 2;
	f->t.day[SUN].iv[0].start_min = 0;
	f->t.day[SUN].iv[0].end_min = 150;
	f->t.day[SUN].iv[1].start_min = 150;
	f->t.day[SUN].iv[1].end_min = 450;
	f->rules.duration_min = 15;
	f->rules.step_min = 30;
}

static void test_overlap_second_instant_listed_in_wide_window(void **state)
{
	struct fx *f = *state;

	berlin_overlap_split_day(f);
	f->q.from = utc_at(2026, 10, 24, 0, 0, 0);
	f->q.to = utc_at(2026, 10, 26, 0, 0, 0);
	run(f);
	assert_true(has_start(f, 1792890000)); /* 02:00 CET */
}

static void test_overlap_second_instant_listed_in_narrow_window(void **state)
{
	struct fx *f = *state;

	berlin_overlap_split_day(f);
	f->q.from = 1792890000;
	f->q.to = 1792890000 + 1;
	run(f);
	ASSERT_STARTS(f, 1792890000);
}

/* Apia, Thursday 2011-12-29 22:00-24:00 (-10:00) and Saturday 2011-12-31 00:00-02:00
 * (+14:00); Friday 2011-12-30 does not exist, so the two join into [08:00Z, 12:00Z) on
 * 2011-12-30. A 120-minute service on an hourly grid: Thu 22:00 (08:00Z), Thu 23:00 (09:00Z,
 * runs into Saturday) and Sat 00:00 (10:00Z). */
static void apia_skipped_day(struct fx *f)
{
	f->in.tz = zone("Pacific/Apia");
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[THU] = hours1(22, 0, 24, 0);
	f->t.day[SAT] = hours1(0, 0, 2, 0);
	f->rules.duration_min = 120;
	f->q.now = utc_at(2011, 1, 1, 0, 0, 0);
}

static void test_across_skipped_day_wide_window(void **state)
{
	struct fx *f = *state;

	apia_skipped_day(f);
	f->q.from = utc_at(2011, 12, 29, 0, 0, 0);
	f->q.to = utc_at(2011, 12, 31, 0, 0, 0);
	run(f);
	ASSERT_STARTS(f, 1325232000, 1325235600, 1325239200);
}

static void test_across_skipped_day_narrow_window(void **state)
{
	struct fx *f = *state;

	apia_skipped_day(f);
	f->q.from = 1325235600;
	f->q.to = 1325235600 + 1;
	run(f);
	ASSERT_STARTS(f, 1325235600);
}

/* Open around the clock, a 49-hour service (e.g. a resource rented for two days). */
static void test_multi_day_service_narrow_window(void **state)
{
	struct fx *f = *state;
	int d;

	for (d = MON; d <= SUN; d++)
		f->t.day[d] = hours1(0, 0, 24, 0);
	f->rules.duration_min = 49 * 60;
	f->q.from = est(2026, 1, 12, 9, 0);
	f->q.to = est(2026, 1, 12, 9, 0) + 1;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0));
	assert_int_equal(f->out.v[0].end, est(2026, 1, 14, 10, 0));
}

static void test_multi_day_service_wide_window(void **state)
{
	struct fx *f = *state;
	int d;

	for (d = MON; d <= SUN; d++)
		f->t.day[d] = hours1(0, 0, 24, 0);
	f->rules.duration_min = 49 * 60;
	f->q.from = est(2026, 1, 12, 9, 0);
	f->q.to = est(2026, 1, 12, 12, 0);
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_dst_spring_forward_new_york),
	    T(test_dst_spring_forward_half_hour_grid),
	    T(test_dst_spring_forward_duration_is_real_time),
	    T(test_dst_window_to_exclusive),
	    T(test_dst_window_from_between_repeated_hours),
	    T(test_dst_fall_back_new_york_lists_0100_twice),
	    T(test_dst_fall_back_half_hour_grid_sorted),
	    T(test_dst_lord_howe_half_hour_overlap),
	    T(test_dst_santiago_midnight_gap),
	    T(test_kathmandu_grid),
	    T(test_kathmandu_grid_45_minutes),
	    T(test_apia_skipped_day),
	    T(test_overlap_second_instant_listed_in_wide_window),
	    T(test_overlap_second_instant_listed_in_narrow_window),
	    T(test_across_skipped_day_wide_window),
	    T(test_across_skipped_day_narrow_window),
	    T(test_multi_day_service_narrow_window),
	    T(test_multi_day_service_wide_window),
	};

	return cmocka_run_group_tests_name("slots_zones", tests, unit_group_setup,
					   unit_group_teardown);
}
