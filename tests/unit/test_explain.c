/* Unit tests for core/slots: slots_explain (why a start is or is not bookable) and
 * slot_reason_name.
 *
 * The fixture (slot_fixture.h) is a New York provider with Mon-Fri 09:00-12:00 and
 * 13:00-17:00, a 60-minute service on a 60-minute grid; January 2026 is EST, so est() gives
 * the instants. DST and Kathmandu instants come from Python zoneinfo (fold=0 / fold=1). */
#include "core/slots.h"
#include "slot_fixture.h"

/* ---- bookable ---- */

static void test_bookable_start(void **state)
{
	struct fx *f = *state;

	assert_bookable(f, est(2026, 1, 12, 10, 0));
	assert_bookable(f, est(2026, 1, 12, 9, 0));
	assert_bookable(f, est(2026, 1, 12, 16, 0));
}

static void test_bookable_ignores_query_window(void **state)
{
	struct fx *f = *state;

	f->q.from = est(2026, 2, 1, 0, 0);
	f->q.to = est(2026, 2, 2, 0, 0);
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

/* ---- outside hours ---- */

static void test_outside_hours_before_opening(void **state)
{
	struct fx *f = *state;

	assert_reasons(f, est(2026, 1, 12, 8, 0), REASON_OUTSIDE_HOURS);
	assert_null(f->ex.holiday);
}

static void test_outside_hours_in_break(void **state)
{
	struct fx *f = *state;

	assert_reasons(f, est(2026, 1, 12, 12, 0), REASON_OUTSIDE_HOURS);
}

static void test_outside_hours_runs_past_closing(void **state)
{
	struct fx *f = *state;

	f->rules.step_min = 30;
	assert_bookable(f, est(2026, 1, 12, 11, 0));
	assert_reasons(f, est(2026, 1, 12, 11, 30), REASON_OUTSIDE_HOURS);
	assert_reasons(f, est(2026, 1, 12, 16, 30), REASON_OUTSIDE_HOURS);
}

static void test_outside_hours_weekend(void **state)
{
	struct fx *f = *state;

	assert_reasons(f, est(2026, 1, 17, 10, 0), REASON_OUTSIDE_HOURS);
}

static void test_outside_custom_override_hours(void **state)
{
	struct fx *f = *state;
	struct date_override o = {days_from_civil(2026, 1, 12), days_from_civil(2026, 1, 12),
				  hours1(11, 0, 14, 0)};

	f->in.overrides = &o;
	f->in.noverrides = 1;
	/* The template's 09:00 is not open that day; the override's 13:00 is. */
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_OUTSIDE_HOURS);
	assert_bookable(f, est(2026, 1, 12, 12, 0));
}

/* ---- grid ---- */

static void test_not_on_grid(void **state)
{
	struct fx *f = *state;

	assert_reasons(f, est(2026, 1, 12, 10, 15), REASON_NOT_ON_GRID);
	assert_reasons(f, est(2026, 1, 12, 10, 0) + 1, REASON_NOT_ON_GRID);
}

static void test_not_on_grid_step_15(void **state)
{
	struct fx *f = *state;

	f->rules.duration_min = 30;
	f->rules.step_min = 15;
	assert_bookable(f, est(2026, 1, 12, 10, 45));
	assert_reasons(f, est(2026, 1, 12, 10, 50), REASON_NOT_ON_GRID);
}

static void test_grid_follows_interval_start(void **state)
{
	struct fx *f = *state;

	f->t.day[MON] = hours1(9, 10, 12, 0);
	assert_bookable(f, est(2026, 1, 12, 10, 10));
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_NOT_ON_GRID);
}

/* ---- closures ---- */

static void test_holiday(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "Founders' Day"};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HOLIDAY);
	assert_ptr_equal(f->ex.holiday, &h);
	assert_string_equal(f->ex.holiday->name, "Founders' Day");
}

static void test_holiday_yearly(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2021, 1, 12), true, "Anniversary"};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HOLIDAY);
	assert_string_equal(f->ex.holiday->name, "Anniversary");
	assert_bookable(f, est(2026, 1, 13, 10, 0));
}

static void test_holiday_outweighed_by_custom_hours(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "holiday"};
	struct date_override o = {days_from_civil(2026, 1, 12), days_from_civil(2026, 1, 12),
				  hours1(10, 0, 12, 0)};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->in.overrides = &o;
	f->in.noverrides = 1;
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

static void test_holiday_on_next_day_blocks_overnight(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 13), false, "Tuesday off"};

	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[MON] = hours1(20, 0, 24, 0);
	f->t.day[TUE] = hours1(0, 0, 6, 0);
	f->rules.duration_min = 120;
	assert_bookable(f, est(2026, 1, 12, 23, 0));
	f->in.holidays = &h;
	f->in.nholidays = 1;
	assert_reasons(f, est(2026, 1, 12, 23, 0), REASON_HOLIDAY);
	assert_ptr_equal(f->ex.holiday, &h);
	assert_bookable(f, est(2026, 1, 12, 22, 0));
}

static void test_override_closed(void **state)
{
	struct fx *f = *state;
	struct date_override o = {
	    days_from_civil(2026, 1, 12), days_from_civil(2026, 1, 16), closed_hours()};

	f->in.overrides = &o;
	f->in.noverrides = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_OVERRIDE_CLOSED);
	assert_null(f->ex.holiday);
	assert_reasons(f, est(2026, 1, 16, 16, 0), REASON_OVERRIDE_CLOSED);
	assert_bookable(f, est(2026, 1, 19, 10, 0));
}

static void test_override_closed_and_outside_hours(void **state)
{
	struct fx *f = *state;
	struct date_override o = {
	    days_from_civil(2026, 1, 12), days_from_civil(2026, 1, 12), closed_hours()};

	f->in.overrides = &o;
	f->in.noverrides = 1;
	assert_reasons(f, est(2026, 1, 12, 20, 0), REASON_OVERRIDE_CLOSED | REASON_OUTSIDE_HOURS);
}

static void test_vacation(void **state)
{
	struct fx *f = *state;

	f->in.vacation = true;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_VACATION);
	assert_reasons(f, est(2026, 1, 14, 16, 0), REASON_VACATION);
}

static void test_time_off(void **state)
{
	struct fx *f = *state;
	struct interval off = {est(2026, 1, 12, 10, 30), est(2026, 1, 12, 10, 45)};

	f->in.time_off = &off;
	f->in.ntime_off = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_TIME_OFF);
	assert_bookable(f, est(2026, 1, 12, 11, 0));
	assert_bookable(f, est(2026, 1, 12, 9, 0));
}

static void test_time_off_touching_is_bookable(void **state)
{
	struct fx *f = *state;
	struct interval off = {est(2026, 1, 12, 11, 0), est(2026, 1, 12, 11, 30)};

	f->in.time_off = &off;
	f->in.ntime_off = 1;
	assert_bookable(f, est(2026, 1, 12, 10, 0));
	assert_reasons(f, est(2026, 1, 12, 11, 0), REASON_TIME_OFF);
}

/* ---- notice and advance ---- */

static void test_min_notice(void **state)
{
	struct fx *f = *state;

	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 7, 0) + 1;
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_MIN_NOTICE);
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

static void test_min_notice_boundary_bookable(void **state)
{
	struct fx *f = *state;

	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 7, 0);
	assert_bookable(f, est(2026, 1, 12, 9, 0));
}

static void test_start_in_the_past(void **state)
{
	struct fx *f = *state;

	f->q.now = est(2026, 1, 12, 10, 30);
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_MIN_NOTICE);
}

static void test_max_advance(void **state)
{
	struct fx *f = *state;

	f->rules.max_advance_days = 7;
	f->q.now = est(2026, 1, 5, 10, 0);
	assert_reasons(f, est(2026, 1, 12, 11, 0), REASON_MAX_ADVANCE);
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

static void test_max_advance_one_second_beyond(void **state)
{
	struct fx *f = *state;

	f->rules.max_advance_days = 7;
	f->q.now = est(2026, 1, 5, 10, 0) - 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_MAX_ADVANCE);
}

static void test_min_notice_boundary_not_a_reason(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "holiday"};

	/* Not bookable for another reason: the boundary itself must not be reported. */
	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 7, 0);
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_HOLIDAY);
	f->q.now += 1;
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_HOLIDAY | REASON_MIN_NOTICE);
}

static void test_max_advance_boundary_not_a_reason(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "holiday"};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->rules.max_advance_days = 7;
	f->q.now = est(2026, 1, 5, 10, 0);
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HOLIDAY);
	f->q.now -= 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HOLIDAY | REASON_MAX_ADVANCE);
}

/* ---- busy ---- */

static void test_busy(void **state)
{
	struct fx *f = *state;

	interval_set_add(&f->busy, est(2026, 1, 12, 10, 30), est(2026, 1, 12, 11, 30));
	f->p.busy = &f->busy;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_BUSY);
	assert_reasons(f, est(2026, 1, 12, 11, 0), REASON_BUSY);
	assert_bookable(f, est(2026, 1, 12, 9, 0));
}

static void test_busy_through_buffer(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_before_min = 15;
	interval_set_add(&f->busy, est(2026, 1, 12, 8, 30), est(2026, 1, 12, 8, 46));
	f->p.busy = &f->busy;
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_BUSY);
}

static void test_busy_touching_buffer_bookable(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_before_min = 15;
	interval_set_add(&f->busy, est(2026, 1, 12, 8, 30), est(2026, 1, 12, 8, 45));
	f->p.busy = &f->busy;
	assert_bookable(f, est(2026, 1, 12, 9, 0));
}

/* ---- external calendars ---- */

/* Two calendars: 10:30-11:00 "Dentist" and 13:30-13:45 "Family"; the 60-minute service on a
 * 15-minute grid with 15 minutes of buffer after. 9:30 ends at 10:30 and reaches Dentist only
 * through its buffer; 9:15 (buffer to 10:30) and 11:00 (from Dentist's end) only touch it.
 * Only the calendar's name is reported. */
static void test_external_busy_names_its_calendar(void **state)
{
	struct fx *f = *state;
	struct interval_set ext;
	struct external_busy v[2] = {
		{est(2026, 1, 12, 10, 30), est(2026, 1, 12, 11, 0), "Dentist", "cal_a"},
		{est(2026, 1, 12, 13, 30), est(2026, 1, 12, 13, 45), "Family", "cal_b"},
	};
	struct slot_list l;
	size_t i;

	interval_set_init(&ext);
	interval_set_add(&ext, v[0].start, v[0].end);
	interval_set_add(&ext, v[1].start, v[1].end);
	f->p.external = &ext;
	f->p.external_v = v;
	f->p.nexternal = 2;
	f->rules.step_min = 15;
	f->rules.buffer_after_min = 15;
	assert_reasons(f, est(2026, 1, 12, 9, 30), REASON_EXTERNAL);
	assert_string_equal(f->ex.calendar, "Dentist");
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_EXTERNAL);
	assert_bookable(f, est(2026, 1, 12, 9, 15));
	assert_null(f->ex.calendar);
	assert_bookable(f, est(2026, 1, 12, 11, 0));
	assert_reasons(f, est(2026, 1, 12, 13, 0), REASON_EXTERNAL);
	assert_string_equal(f->ex.calendar, "Family");
	assert_bookable(f, est(2026, 1, 12, 13, 45));
	/* The slot list agrees: 9:00, 9:15, 11:00, then 13:45 on the quarter hours to 16:00. */
	slot_list_init(&l);
	f->q.from = est(2026, 1, 12, 0, 0);
	f->q.to = est(2026, 1, 13, 0, 0);
	slots_generate(&f->q, &f->p, &f->scratch, &l);
	assert_int_equal(l.n, 3 + 10);
	assert_int_equal(l.v[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(l.v[1].start, est(2026, 1, 12, 9, 15));
	assert_int_equal(l.v[2].start, est(2026, 1, 12, 11, 0));
	for (i = 3; i < l.n; i++)
		assert_int_equal(l.v[i].start, est(2026, 1, 12, 13, 45) + (int64_t)(i - 3) * 900);
	slot_list_release(&l);
	f->p.external = NULL;
	f->p.nexternal = 0;
	interval_set_release(&ext);
}

/* ---- several reasons at once ---- */

static void test_several_reasons(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "holiday"};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->rules.min_notice_min = 60;
	f->q.now = est(2026, 1, 12, 9, 30);
	interval_set_add(&f->busy, est(2026, 1, 12, 10, 0), est(2026, 1, 12, 10, 5));
	f->p.busy = &f->busy;
	assert_reasons(f, est(2026, 1, 12, 10, 0),
		       REASON_HOLIDAY | REASON_MIN_NOTICE | REASON_BUSY);
	assert_ptr_equal(f->ex.holiday, &h);
}

/* ---- DST and odd offsets ---- */

static void test_dst_fall_back_both_instances_bookable(void **state)
{
	struct fx *f = *state;

	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[SUN] = hours1(0, 0, 4, 0);
	/* 2026-11-01 01:00 EDT (05:00Z) and 01:00 EST (06:00Z). */
	assert_bookable(f, 1793509200);
	assert_bookable(f, 1793512800);
	/* 05:30Z is 01:30 EDT: inside hours, off the hourly grid. */
	assert_reasons(f, 1793511000, REASON_NOT_ON_GRID);
}

static void test_dst_spring_forward(void **state)
{
	struct fx *f = *state;

	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[SUN] = hours1(0, 0, 4, 0);
	f->rules.duration_min = 30;
	/* 2026-03-08: 03:00 EDT (07:00Z) is on the grid. */
	assert_bookable(f, 1772953200);
	assert_bookable(f, 1772949600); /* 01:00 EST */
	/* 07:30Z is 03:30 EDT: inside hours, on no grid point (02:30 does not exist). */
	assert_reasons(f, 1772955000, REASON_NOT_ON_GRID);
	/* 08:00Z is 04:00 EDT: closing time. 06:30Z is 01:30 EST: off the hourly grid. */
	assert_reasons(f, 1772956800, REASON_OUTSIDE_HOURS);
	assert_reasons(f, 1772951400, REASON_NOT_ON_GRID);
}

static void test_kathmandu(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Asia/Kathmandu");
	f->t.day[MON] = hours1(9, 0, 12, 0);
	/* 2026-05-04 09:00 +05:45 = 03:15Z; 08:45 = 03:00Z; 09:15 = 03:30Z. */
	assert_bookable(f, 1777864500);
	assert_reasons(f, 1777863600, REASON_OUTSIDE_HOURS);
	assert_reasons(f, 1777865400, REASON_NOT_ON_GRID);
}

/* ---- explain must agree with a wide generate (set-ups as in test_slots_zones.c) ---- */

static void test_overlap_second_instant_past_interval_end(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Europe/Berlin");
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[SUN].n = 2;
	f->t.day[SUN].iv[0].start_min = 0;
	f->t.day[SUN].iv[0].end_min = 150;
	f->t.day[SUN].iv[1].start_min = 150;
	f->t.day[SUN].iv[1].end_min = 450;
	f->rules.duration_min = 15;
	f->rules.step_min = 30;
	/* 2026-10-25 02:00 CET (01:00Z): on the 00:00-02:30 grid, inside open time. */
	assert_bookable(f, 1792890000);
}

static void test_appointment_across_skipped_day(void **state)
{
	struct fx *f = *state;

	f->in.tz = zone("Pacific/Apia");
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[THU] = hours1(22, 0, 24, 0);
	f->t.day[SAT] = hours1(0, 0, 2, 0);
	f->rules.duration_min = 120;
	f->q.now = utc_at(2011, 1, 1, 0, 0, 0);
	/* Thu 2011-12-29 23:00 -10:00 (09:00Z) until Sat 2011-12-31 01:00 +14:00 (11:00Z). */
	assert_bookable(f, 1325235600);
}

static void test_multi_day_service(void **state)
{
	struct fx *f = *state;
	int d;

	for (d = MON; d <= SUN; d++)
		f->t.day[d] = hours1(0, 0, 24, 0);
	f->rules.duration_min = 49 * 60;
	assert_bookable(f, est(2026, 1, 12, 9, 0));
}

/* Apia, 2011-12-30 (a Friday) does not exist. Friday hours 00:00-05:00, Saturday 01:00-03:00,
 * a holiday on the missing Friday. Saturday 2011-12-31 02:30 +14:00 (12:30Z) for 60 minutes
 * runs past Saturday's 03:00 close, so it is not offered; explain must say why. */
static void test_not_bookable_always_has_a_reason_on_skipped_date(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2011, 12, 30), false, "holiday"};

	f->in.tz = zone("Pacific/Apia");
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[FRI] = hours1(0, 0, 5, 0);
	f->t.day[SAT] = hours1(1, 0, 3, 0);
	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->rules.step_min = 30;
	f->q.now = utc_at(2011, 1, 1, 0, 0, 0);
	f->q.from = utc_at(2011, 12, 29, 0, 0, 0);
	f->q.to = utc_at(2012, 1, 1, 0, 0, 0);
	run(f);
	assert_false(has_start(f, 1325248200));
	explain(f, 1325248200);
	assert_false(f->ex.bookable);
	assert_int_not_equal(f->ex.reasons, 0);
}

/* ---- explain agrees with generate ---- */

static void test_explain_matches_generate_over_a_week(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 14), false, "holiday"};
	struct interval off = {est(2026, 1, 13, 10, 20), est(2026, 1, 13, 10, 40)};
	struct date_override o = {days_from_civil(2026, 1, 17), days_from_civil(2026, 1, 17),
				  hours1(10, 0, 13, 0)};
	struct slot_list l;
	int64_t t, from = est(2026, 1, 11, 0, 0), to = est(2026, 1, 19, 0, 0);
	size_t i = 0, offered = 0;

	f->rules.duration_min = 45;
	f->rules.step_min = 15;
	f->rules.buffer_before_min = 10;
	f->rules.buffer_after_min = 5;
	f->rules.min_notice_min = 60;
	f->rules.max_advance_days = 6;
	f->q.now = est(2026, 1, 12, 9, 50);
	f->in.holidays = &h;
	f->in.nholidays = 1;
	f->in.time_off = &off;
	f->in.ntime_off = 1;
	f->in.overrides = &o;
	f->in.noverrides = 1;
	interval_set_add(&f->busy, est(2026, 1, 15, 14, 0), est(2026, 1, 15, 15, 0));
	f->p.busy = &f->busy;
	f->q.from = from;
	f->q.to = to;
	slot_list_init(&l);
	slots_generate(&f->q, &f->p, &f->scratch, &l);
	assert_true(l.n > 50);
	for (t = from; t < to; t += 300) {
		bool listed = i < l.n && l.v[i].start == t;
		explain(f, t);
		assert_int_equal(f->ex.bookable, listed);
		assert_int_equal(f->ex.reasons == 0, listed);
		if (listed) {
			i++;
			offered++;
		}
	}
	assert_int_equal(offered, l.n);
	slot_list_release(&l);
}

/* ---- reason names ---- */

static void test_reason_names(void **state)
{
	(void)state;
	assert_string_equal(slot_reason_name(REASON_OUTSIDE_HOURS), "outside_hours");
	assert_string_equal(slot_reason_name(REASON_OVERRIDE_CLOSED), "override_closed");
	assert_string_equal(slot_reason_name(REASON_HOLIDAY), "holiday");
	assert_string_equal(slot_reason_name(REASON_VACATION), "vacation");
	assert_string_equal(slot_reason_name(REASON_TIME_OFF), "time_off");
	assert_string_equal(slot_reason_name(REASON_NOT_ON_GRID), "not_on_grid");
	assert_string_equal(slot_reason_name(REASON_MIN_NOTICE), "min_notice");
	assert_string_equal(slot_reason_name(REASON_MAX_ADVANCE), "max_advance");
	assert_string_equal(slot_reason_name(REASON_BUSY), "booked");
	assert_string_equal(slot_reason_name(REASON_SERVICE_NOT_OFFERED),
			    "service_not_offered_now");
}

/* ---- intervals reserved for other services ---- */

/* Monday's 09:00-12:00 as the engine leaves it for a query of another service. */
static void reserve_monday_morning(struct fx *f)
{
	f->t.day[MON].excluded = 1u << 0;
}

static void test_service_not_offered_in_reserved_interval(void **state)
{
	struct fx *f = *state;

	reserve_monday_morning(f);
	assert_reasons(f, est(2026, 1, 12, 9, 0), REASON_SERVICE_NOT_OFFERED);
	assert_reasons(f, est(2026, 1, 12, 11, 0), REASON_SERVICE_NOT_OFFERED);
	assert_bookable(f, est(2026, 1, 12, 13, 0));
	assert_bookable(f, est(2026, 1, 13, 9, 0));	/* Tuesday is open to all */
}

static void test_outside_hours_beside_a_reserved_interval(void **state)
{
	struct fx *f = *state;

	reserve_monday_morning(f);
	assert_reasons(f, est(2026, 1, 12, 8, 0), REASON_OUTSIDE_HOURS);
	assert_reasons(f, est(2026, 1, 12, 12, 0), REASON_OUTSIDE_HOURS);
	f->rules.step_min = 30;
	assert_reasons(f, est(2026, 1, 12, 11, 30), REASON_OUTSIDE_HOURS);	/* into the break */
}

static void test_service_not_offered_partly_reserved(void **state)
{
	struct fx *f = *state;

	/* 09:00-12:00 reserved and 12:00-17:00 open touch: 11:30-12:30 lies within the hours
	 * but starts in the reserved part. */
	f->t.day[MON] = hours2(9, 12, 12, 17);
	reserve_monday_morning(f);
	f->rules.step_min = 30;
	assert_reasons(f, est(2026, 1, 12, 11, 30), REASON_SERVICE_NOT_OFFERED);
	assert_bookable(f, est(2026, 1, 12, 12, 0));
}

static void test_service_not_offered_on_a_holiday_too(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "Closed"};

	reserve_monday_morning(f);
	f->in.holidays = &h;
	f->in.nholidays = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HOLIDAY | REASON_SERVICE_NOT_OFFERED);
	assert_reasons(f, est(2026, 1, 12, 13, 0), REASON_HOLIDAY);
}

static void test_reason_name_unknown_bit(void **state)
{
	(void)state;
	assert_string_equal(slot_reason_name((enum slot_reason)(1u << SLOT_REASON_COUNT)),
			    "unavailable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_bookable_start),
	    T(test_bookable_ignores_query_window),
	    T(test_outside_hours_before_opening),
	    T(test_outside_hours_in_break),
	    T(test_outside_hours_runs_past_closing),
	    T(test_outside_hours_weekend),
	    T(test_service_not_offered_in_reserved_interval),
	    T(test_outside_hours_beside_a_reserved_interval),
	    T(test_service_not_offered_partly_reserved),
	    T(test_service_not_offered_on_a_holiday_too),
	    T(test_outside_custom_override_hours),
	    T(test_not_on_grid),
	    T(test_not_on_grid_step_15),
	    T(test_grid_follows_interval_start),
	    T(test_holiday),
	    T(test_holiday_yearly),
	    T(test_holiday_outweighed_by_custom_hours),
	    T(test_holiday_on_next_day_blocks_overnight),
	    T(test_override_closed),
	    T(test_override_closed_and_outside_hours),
	    T(test_vacation),
	    T(test_time_off),
	    T(test_time_off_touching_is_bookable),
	    T(test_min_notice),
	    T(test_min_notice_boundary_bookable),
	    T(test_start_in_the_past),
	    T(test_max_advance),
	    T(test_max_advance_one_second_beyond),
	    T(test_min_notice_boundary_not_a_reason),
	    T(test_max_advance_boundary_not_a_reason),
	    T(test_busy),
	    T(test_busy_through_buffer),
	    T(test_busy_touching_buffer_bookable),
	    T(test_external_busy_names_its_calendar),
	    T(test_several_reasons),
	    T(test_dst_fall_back_both_instances_bookable),
	    T(test_dst_spring_forward),
	    T(test_kathmandu),
	    T(test_overlap_second_instant_past_interval_end),
	    T(test_appointment_across_skipped_day),
	    T(test_multi_day_service),
	    T(test_not_bookable_always_has_a_reason_on_skipped_date),
	    T(test_explain_matches_generate_over_a_week),
	    cmocka_unit_test(test_reason_names),
	    cmocka_unit_test(test_reason_name_unknown_bit),
	};

	return cmocka_run_group_tests_name("explain", tests, unit_group_setup, unit_group_teardown);
}
