/* Unit tests for core/slots: slots_generate on the local grid (step, duration, breaks,
 * midnight), availability feeding it, buffers and busy time, notice, advance, the query
 * window, several providers, capacity, and slot_list_sort.
 *
 * The fixture (slot_fixture.h) is a New York provider with Mon-Fri 09:00-12:00 and
 * 13:00-17:00, a 60-minute service on a 60-minute grid and the window Monday 2026-01-12.
 * January 2026 is EST (UTC-05:00) throughout, so est() gives the expected instants. */
#include "core/slots.h"
#include "slot_fixture.h"

/* ---- grid ---- */

static void test_step_equals_duration(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f), 7);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0),
		      est(2026, 1, 12, 13, 0), est(2026, 1, 12, 14, 0), est(2026, 1, 12, 15, 0),
		      est(2026, 1, 12, 16, 0));
}

static void test_step_defaults_grid_from_interval_start(void **state)
{
	struct fx *f = *state;

	/* The grid starts at each interval's own start, not at midnight. */
	only_day(f, MON, hours2(9, 10, 13, 14));
	f->t.day[MON].iv[0].start_min = 9 * 60 + 10; /* 09:10-10:00 */
	f->t.day[MON].iv[1].start_min = 13 * 60 + 5; /* 13:05-14:00 */
	f->rules.duration_min = 20;
	f->rules.step_min = 20;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 10), est(2026, 1, 12, 9, 30), est(2026, 1, 12, 13, 5),
		      est(2026, 1, 12, 13, 25));
}

static void test_step_shorter_than_duration(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(9, 0, 10, 0));
	f->rules.duration_min = 30;
	f->rules.step_min = 15;
	assert_int_equal(run(f), 3);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 9, 15), est(2026, 1, 12, 9, 30));
}

static void test_step_15_duration_30_full_day_count(void **state)
{
	struct fx *f = *state;

	f->rules.duration_min = 30;
	f->rules.step_min = 15;
	/* 09:00..11:30 (11 starts) and 13:00..16:30 (15 starts). */
	assert_int_equal(run(f), 26);
	assert_int_equal(f->out.v[10].start, est(2026, 1, 12, 11, 30));
	assert_int_equal(f->out.v[11].start, est(2026, 1, 12, 13, 0));
	assert_int_equal(f->out.v[25].start, est(2026, 1, 12, 16, 30));
	assert_int_equal(f->out.v[25].end, est(2026, 1, 12, 17, 0));
}

static void test_step_longer_than_duration(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(9, 0, 12, 0));
	f->rules.duration_min = 30;
	f->rules.step_min = 45;
	run(f);
	/* 09:00, 09:45, 10:30, 11:15 (ends 11:45); 12:00 is the interval end. */
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 9, 45), est(2026, 1, 12, 10, 30),
		      est(2026, 1, 12, 11, 15));
}

static void test_step_not_dividing_interval(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(9, 0, 10, 0));
	f->rules.duration_min = 25;
	f->rules.step_min = 25;
	run(f);
	/* 09:50 would end 10:15, past the interval. */
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 9, 25));
}

static void test_duration_longer_than_interval(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(9, 0, 9, 45));
	assert_int_equal(run(f), 0);
	assert_int_equal(f->out.n, 0);
}

static void test_slot_ending_at_interval_end(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(9, 0, 10, 0));
	assert_int_equal(run(f), 1);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0));
	assert_int_equal(f->out.v[0].end, est(2026, 1, 12, 10, 0));
}

static void test_slot_not_across_lunch_break(void **state)
{
	struct fx *f = *state;

	f->rules.duration_min = 90;
	f->rules.step_min = 30;
	run(f);
	/* 10:30 ends at 12:00; 11:00 would run into the break. */
	assert_true(has_start(f, est(2026, 1, 12, 10, 30)));
	assert_false(has_start(f, est(2026, 1, 12, 11, 0)));
	assert_false(has_start(f, est(2026, 1, 12, 11, 30)));
	assert_true(has_start(f, est(2026, 1, 12, 15, 30)));
	assert_false(has_start(f, est(2026, 1, 12, 16, 0)));
	assert_int_equal(f->out.n, 10); /* 09:00..10:30 (4) + 13:00..15:30 (6) */
}

static void test_touching_intervals_act_as_one(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours2(9, 12, 12, 14));
	f->rules.duration_min = 90;
	f->rules.step_min = 60;
	run(f);
	/* 11:00-12:30 crosses the 12:00 seam; the 12:00 grid restarts the second interval. */
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0),
		      est(2026, 1, 12, 12, 0));
}

static void test_closed_day_no_slots(void **state)
{
	struct fx *f = *state;

	f->q.from = est(2026, 1, 17, 0, 0); /* Saturday */
	f->q.to = est(2026, 1, 19, 0, 0);
	assert_int_equal(run(f), 0);
}

static void test_whole_week(void **state)
{
	struct fx *f = *state;

	f->q.to = est(2026, 1, 19, 0, 0);
	assert_int_equal(run(f), 35);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(f->out.v[34].start, est(2026, 1, 16, 16, 0));
}

static void test_generate_appends_and_returns_count(void **state)
{
	struct fx *f = *state;
	size_t n;

	run(f);
	assert_int_equal(f->out.n, 7);
	f->q.from = est(2026, 1, 13, 0, 0);
	f->q.to = est(2026, 1, 14, 0, 0);
	n = run(f);
	assert_int_equal(n, 7);
	assert_int_equal(f->out.n, 14);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(f->out.v[7].start, est(2026, 1, 13, 9, 0));
}

/* ---- appointments across midnight ---- */

static void test_crosses_midnight_into_next_day_hours(void **state)
{
	struct fx *f = *state;

	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[MON] = hours1(20, 0, 24, 0);
	f->t.day[TUE] = hours1(0, 0, 6, 0);
	f->rules.duration_min = 120;
	f->rules.step_min = 60;
	run(f); /* window: Monday only */
	ASSERT_STARTS(f, est(2026, 1, 12, 20, 0), est(2026, 1, 12, 21, 0), est(2026, 1, 12, 22, 0),
		      est(2026, 1, 12, 23, 0));
	assert_int_equal(f->out.v[3].end, est(2026, 1, 13, 1, 0));
}

static void test_ends_at_midnight_without_next_day(void **state)
{
	struct fx *f = *state;

	only_day(f, MON, hours1(20, 0, 24, 0));
	f->rules.duration_min = 120;
	f->rules.step_min = 60;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 20, 0), est(2026, 1, 12, 21, 0), est(2026, 1, 12, 22, 0));
	assert_int_equal(f->out.v[2].end, est(2026, 1, 13, 0, 0));
}

/* ---- availability feeding the engine ---- */

static void test_time_off_removes_slots(void **state)
{
	struct fx *f = *state;
	struct interval off = {est(2026, 1, 12, 10, 30), est(2026, 1, 12, 11, 0)};

	f->in.time_off = &off;
	f->in.ntime_off = 1;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 11, 0), est(2026, 1, 12, 13, 0),
		      est(2026, 1, 12, 14, 0), est(2026, 1, 12, 15, 0), est(2026, 1, 12, 16, 0));
}

static void test_holiday_no_slots(void **state)
{
	struct fx *f = *state;
	struct holiday h = {days_from_civil(2026, 1, 12), false, "holiday"};

	f->in.holidays = &h;
	f->in.nholidays = 1;
	assert_int_equal(run(f), 0);
}

static void test_override_custom_hours_slots(void **state)
{
	struct fx *f = *state;
	struct date_override o = {days_from_civil(2026, 1, 12), days_from_civil(2026, 1, 12),
				  hours1(7, 30, 9, 30)};

	f->in.overrides = &o;
	f->in.noverrides = 1;
	f->rules.duration_min = 30;
	f->rules.step_min = 30;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 7, 30), est(2026, 1, 12, 8, 0), est(2026, 1, 12, 8, 30),
		      est(2026, 1, 12, 9, 0));
}

static void test_vacation_no_slots(void **state)
{
	struct fx *f = *state;

	f->in.vacation = true;
	f->q.to = est(2026, 1, 19, 0, 0);
	assert_int_equal(run(f), 0);
}

/* ---- buffers and busy time ---- */

static void test_buffer_before_may_extend_outside_hours(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_before_min = 15;
	f->rules.buffer_after_min = 15;
	run(f);
	assert_int_equal(f->out.n, 7);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(f->out.v[6].start, est(2026, 1, 12, 16, 0));
}

static void test_busy_overlapping_buffer_before_blocks(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_before_min = 15;
	interval_set_add(&f->busy, est(2026, 1, 12, 8, 30), est(2026, 1, 12, 8, 46));
	f->p.busy = &f->busy;
	run(f);
	assert_false(has_start(f, est(2026, 1, 12, 9, 0)));
	assert_true(has_start(f, est(2026, 1, 12, 10, 0)));
	assert_int_equal(f->out.n, 6);
}

static void test_busy_touching_buffer_before_does_not_block(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_before_min = 15;
	interval_set_add(&f->busy, est(2026, 1, 12, 8, 30), est(2026, 1, 12, 8, 45));
	f->p.busy = &f->busy;
	run(f);
	assert_true(has_start(f, est(2026, 1, 12, 9, 0)));
	assert_int_equal(f->out.n, 7);
}

static void test_busy_overlapping_buffer_after_blocks(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_after_min = 10;
	interval_set_add(&f->busy, est(2026, 1, 12, 12, 9), est(2026, 1, 12, 12, 30));
	f->p.busy = &f->busy;
	run(f);
	/* 11:00-12:00 blocks until 12:10, overlapping the busy 12:09. */
	assert_false(has_start(f, est(2026, 1, 12, 11, 0)));
	assert_true(has_start(f, est(2026, 1, 12, 10, 0)));
	assert_int_equal(f->out.n, 6);
}

static void test_busy_touching_buffer_after_does_not_block(void **state)
{
	struct fx *f = *state;

	f->rules.buffer_after_min = 10;
	interval_set_add(&f->busy, est(2026, 1, 12, 12, 10), est(2026, 1, 12, 12, 30));
	f->p.busy = &f->busy;
	run(f);
	assert_true(has_start(f, est(2026, 1, 12, 11, 0)));
	assert_int_equal(f->out.n, 7);
}

static void test_busy_without_buffers_blocks_exactly_its_slots(void **state)
{
	struct fx *f = *state;

	interval_set_add(&f->busy, est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
	interval_set_add(&f->busy, est(2026, 1, 12, 14, 30), est(2026, 1, 12, 14, 31));
	f->p.busy = &f->busy;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 11, 0), est(2026, 1, 12, 13, 0),
		      est(2026, 1, 12, 15, 0), est(2026, 1, 12, 16, 0));
}

static void test_busy_neighbour_buffers_add_up(void **state)
{
	struct fx *f = *state;

	/* A neighbour booked 10:00-11:00 with its own 15-minute buffers is busy 09:45-11:15;
	 * with our 15-minute buffers the 11:00 slot would need 10:45 onwards. */
	f->rules.buffer_before_min = 15;
	f->rules.buffer_after_min = 15;
	f->rules.step_min = 30;
	interval_set_add(&f->busy, est(2026, 1, 12, 9, 45), est(2026, 1, 12, 11, 15));
	f->p.busy = &f->busy;
	f->q.to = est(2026, 1, 12, 12, 0);
	run(f);
	/* 09:00 blocks 08:45-10:15: overlaps. 11:30 blocks 11:15-12:45 but does not fit the
	 * 12:00 break, so no slot before lunch remains. */
	assert_int_equal(f->out.n, 0);
	f->t.day[MON] = hours1(9, 0, 13, 0);
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 11, 30));
}

/* ---- notice, advance and window ---- */

static void test_min_notice_boundary_offered(void **state)
{
	struct fx *f = *state;

	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 7, 0);
	run(f);
	assert_true(has_start(f, est(2026, 1, 12, 9, 0)));
	assert_int_equal(f->out.n, 7);
}

static void test_min_notice_one_second_short(void **state)
{
	struct fx *f = *state;

	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 7, 0) + 1;
	run(f);
	assert_false(has_start(f, est(2026, 1, 12, 9, 0)));
	assert_int_equal(f->out.n, 6);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 10, 0));
}

static void test_zero_notice_now_is_offered(void **state)
{
	struct fx *f = *state;

	f->q.now = est(2026, 1, 12, 10, 0);
	run(f);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 10, 0));
	assert_int_equal(f->out.n, 6);
}

static void test_max_advance_boundary_offered(void **state)
{
	struct fx *f = *state;

	f->rules.max_advance_days = 7;
	f->q.now = est(2026, 1, 5, 10, 0);
	run(f);
	/* now + 7 * 86400 = Monday 10:00 exactly: offered; 11:00 is beyond. */
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0));
}

static void test_max_advance_one_second_beyond(void **state)
{
	struct fx *f = *state;

	f->rules.max_advance_days = 7;
	f->q.now = est(2026, 1, 5, 10, 0) - 1;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0));
}

static void test_max_advance_zero_is_unlimited(void **state)
{
	struct fx *f = *state;

	f->rules.max_advance_days = 0;
	f->q.now = utc_at(2020, 1, 1, 0, 0, 0);
	assert_int_equal(run(f), 7);
}

static void test_window_from_inclusive(void **state)
{
	struct fx *f = *state;

	f->q.from = est(2026, 1, 12, 10, 0);
	run(f);
	assert_int_equal(f->out.n, 6);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 10, 0));
}

static void test_window_from_one_second_after_start(void **state)
{
	struct fx *f = *state;

	f->q.from = est(2026, 1, 12, 10, 0) + 1;
	run(f);
	assert_int_equal(f->out.n, 5);
	assert_int_equal(f->out.v[0].start, est(2026, 1, 12, 11, 0));
}

static void test_window_to_exclusive(void **state)
{
	struct fx *f = *state;

	f->q.to = est(2026, 1, 12, 13, 0);
	run(f);
	/* 11:00 starts inside the window (it may end after to); 13:00 does not. */
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
	f->out.n = 0;
	f->q.to = est(2026, 1, 12, 13, 0) + 1;
	run(f);
	assert_int_equal(f->out.n, 4);
}

static void test_window_mid_interval_keeps_grid(void **state)
{
	struct fx *f = *state;

	f->rules.duration_min = 30;
	f->rules.step_min = 30;
	f->q.from = est(2026, 1, 12, 10, 20);
	f->q.to = est(2026, 1, 12, 11, 40);
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 10, 30), est(2026, 1, 12, 11, 0),
		      est(2026, 1, 12, 11, 30));
}

static void test_window_empty(void **state)
{
	struct fx *f = *state;

	f->q.to = f->q.from;
	assert_int_equal(run(f), 0);
}

/* ---- several providers, capacity ---- */

static void test_capacity_and_provider_copied(void **state)
{
	struct fx *f = *state;
	size_t i;

	f->rules.capacity = 5;
	f->p.index = 42;
	run(f);
	assert_int_equal(f->out.n, 7);
	for (i = 0; i < f->out.n; i++) {
		assert_int_equal(f->out.v[i].seats_left, 5);
		assert_int_equal(f->out.v[i].provider, 42);
	}
}

static void test_two_providers_merged_and_sorted(void **state)
{
	struct fx *f = *state;
	struct week_template t2;
	struct avail_input in2;
	struct slot_provider p2 = {0};
	static const int64_t want_start[] = {9, 10, 10, 11, 11, 12};
	static const uint32_t want_provider[] = {7, 3, 7, 3, 7, 3};
	size_t i;

	only_day(f, MON, hours1(9, 0, 12, 0));
	f->p.index = 7;
	memset(&t2, 0, sizeof(t2));
	t2.effective_from = AVAIL_DAY_NONE;
	t2.effective_until = AVAIL_DAY_NONE;
	t2.day[MON] = hours1(10, 0, 13, 0);
	in2 = f->in;
	in2.templates = &t2;
	p2.avail = &in2;
	p2.busy = NULL;
	p2.index = 3;

	assert_int_equal(run(f), 3);
	assert_int_equal(slots_generate(&f->q, &p2, &f->scratch, &f->out), 3);
	slot_list_sort(&f->out);
	assert_int_equal(f->out.n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(f->out.v[i].start, est(2026, 1, 12, (int)want_start[i], 0));
		assert_int_equal(f->out.v[i].provider, want_provider[i]);
	}
}

static void test_two_providers_different_zones(void **state)
{
	struct fx *f = *state;
	struct week_template t2;
	struct avail_input in2;
	struct slot_provider p2 = {0};

	/* New York 09:00-11:00 EST (14:00Z-16:00Z) and Berlin 15:00-17:00 CET (14:00Z-16:00Z). */
	only_day(f, MON, hours1(9, 0, 11, 0));
	f->p.index = 1;
	memset(&t2, 0, sizeof(t2));
	t2.effective_from = AVAIL_DAY_NONE;
	t2.effective_until = AVAIL_DAY_NONE;
	t2.day[MON] = hours1(15, 0, 17, 0);
	in2 = f->in;
	in2.tz = zone("Europe/Berlin");
	in2.templates = &t2;
	p2.avail = &in2;
	p2.busy = NULL;
	p2.index = 0;
	f->q.from = utc_at(2026, 1, 12, 0, 0, 0);
	f->q.to = utc_at(2026, 1, 13, 0, 0, 0);
	run(f);
	slots_generate(&f->q, &p2, &f->scratch, &f->out);
	slot_list_sort(&f->out);
	assert_int_equal(f->out.n, 4);
	assert_int_equal(f->out.v[0].start, utc_at(2026, 1, 12, 14, 0, 0));
	assert_int_equal(f->out.v[0].provider, 0);
	assert_int_equal(f->out.v[1].start, utc_at(2026, 1, 12, 14, 0, 0));
	assert_int_equal(f->out.v[1].provider, 1);
	assert_int_equal(f->out.v[2].start, utc_at(2026, 1, 12, 15, 0, 0));
	assert_int_equal(f->out.v[2].provider, 0);
	assert_int_equal(f->out.v[3].provider, 1);
}

static void test_slot_list_sort_orders_by_start_then_provider(void **state)
{
	struct slot_list l;
	static const struct slot in[] = {
	    {300, 360, 2, 1}, {100, 160, 9, 1}, {300, 360, 1, 1},
	    {200, 260, 5, 1}, {100, 160, 4, 1},
	};
	static const int64_t want_start[] = {100, 100, 200, 300, 300};
	static const uint32_t want_provider[] = {4, 9, 5, 1, 2};
	size_t i;

	(void)state;
	slot_list_init(&l);
	l.v = test_malloc(sizeof(in));
	memcpy(l.v, in, sizeof(in));
	l.n = l.cap = sizeof(in) / sizeof(in[0]);
	slot_list_sort(&l);
	for (i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].start, want_start[i]);
		assert_int_equal(l.v[i].provider, want_provider[i]);
	}
	test_free(l.v);
}

static void test_slot_list_sort_sorted_and_empty(void **state)
{
	struct slot_list l;
	struct slot v[2] = {{100, 160, 1, 1}, {100, 160, 2, 1}};

	(void)state;
	slot_list_init(&l);
	slot_list_sort(&l);
	assert_int_equal(l.n, 0);
	l.v = v;
	l.n = 2;
	slot_list_sort(&l);
	assert_int_equal(v[0].provider, 1);
	assert_int_equal(v[1].provider, 2);
}

/* ---- intervals reserved for other services ---- */

static void test_excluded_interval_gives_no_starts(void **state)
{
	struct fx *f = *state;
	int64_t want[4];

	f->t.day[MON].excluded = 1u << 0;	/* 09:00-12:00 kept for another service */
	run(f);
	want[0] = est(2026, 1, 12, 13, 0);
	want[1] = est(2026, 1, 12, 14, 0);
	want[2] = est(2026, 1, 12, 15, 0);
	want[3] = est(2026, 1, 12, 16, 0);
	assert_starts(f, 4, want);
}

static void test_excluded_interval_does_not_extend_an_open_one(void **state)
{
	struct fx *f = *state;
	int64_t want[2];

	/* 09:00-12:00 open, 12:00-17:00 kept for another service: a 90-minute appointment may
	 * not run on from the open interval into the reserved one. */
	f->t.day[MON] = hours2(9, 12, 12, 17);
	f->t.day[MON].excluded = 1u << 1;
	f->rules.duration_min = 90;
	f->rules.step_min = 90;
	run(f);
	want[0] = est(2026, 1, 12, 9, 0);
	want[1] = est(2026, 1, 12, 10, 30);
	assert_starts(f, 2, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_step_equals_duration),
	    T(test_excluded_interval_gives_no_starts),
	    T(test_excluded_interval_does_not_extend_an_open_one),
	    T(test_step_defaults_grid_from_interval_start),
	    T(test_step_shorter_than_duration),
	    T(test_step_15_duration_30_full_day_count),
	    T(test_step_longer_than_duration),
	    T(test_step_not_dividing_interval),
	    T(test_duration_longer_than_interval),
	    T(test_slot_ending_at_interval_end),
	    T(test_slot_not_across_lunch_break),
	    T(test_touching_intervals_act_as_one),
	    T(test_closed_day_no_slots),
	    T(test_whole_week),
	    T(test_generate_appends_and_returns_count),
	    T(test_crosses_midnight_into_next_day_hours),
	    T(test_ends_at_midnight_without_next_day),
	    T(test_time_off_removes_slots),
	    T(test_holiday_no_slots),
	    T(test_override_custom_hours_slots),
	    T(test_vacation_no_slots),
	    T(test_buffer_before_may_extend_outside_hours),
	    T(test_busy_overlapping_buffer_before_blocks),
	    T(test_busy_touching_buffer_before_does_not_block),
	    T(test_busy_overlapping_buffer_after_blocks),
	    T(test_busy_touching_buffer_after_does_not_block),
	    T(test_busy_without_buffers_blocks_exactly_its_slots),
	    T(test_busy_neighbour_buffers_add_up),
	    T(test_min_notice_boundary_offered),
	    T(test_min_notice_one_second_short),
	    T(test_zero_notice_now_is_offered),
	    T(test_max_advance_boundary_offered),
	    T(test_max_advance_one_second_beyond),
	    T(test_max_advance_zero_is_unlimited),
	    T(test_window_from_inclusive),
	    T(test_window_from_one_second_after_start),
	    T(test_window_to_exclusive),
	    T(test_window_mid_interval_keeps_grid),
	    T(test_window_empty),
	    T(test_capacity_and_provider_copied),
	    T(test_two_providers_merged_and_sorted),
	    T(test_two_providers_different_zones),
	    cmocka_unit_test(test_slot_list_sort_orders_by_start_then_provider),
	    cmocka_unit_test(test_slot_list_sort_sorted_and_empty),
	};

	return cmocka_run_group_tests_name("slots", tests, unit_group_setup, unit_group_teardown);
}
