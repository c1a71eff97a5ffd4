/* Unit tests for business hours in core/engine and core/avail: a provider's open time cut to
 * the business open time (worked out in the business zone, once per request), exempt
 * providers, business overrides and holidays for all providers, and what explain says.
 *
 * Bundles are for Monday 2026-03-02 (EST, UTC-05:00; London is on UTC until 29 March); the
 * provider works Mon-Fri 09:00-17:00 New York time; the service lasts 60 minutes on a
 * 60-minute grid; now is 1 March. */
#include <stdio.h>

#include "core/engine.h"
#include "unit_helpers.h"
#include "util/ids.h"

#define NOW utc_at(2026, 3, 1, 0, 0, 0)

/* 2026-03-dd hh:mm UTC. */
static int64_t mar(int d, int h, int m)
{
	return utc_at(2026, 3, d, h, m, 0);
}

static int group_setup(void **state)
{
	if (ids_init())
		return -1;
	return unit_group_setup(state);
}

static struct week_template weekdays_from(int sh, int eh)
{
	struct week_template t;
	int d;

	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	for (d = MON; d <= FRI; d++)
		t.day[d] = hours1(sh, 0, eh, 0);
	return t;
}

static void bundle_init(struct avail_bundle *b, const char *id, struct business_bundle *bb)
{
	static struct week_template room[8];
	static size_t next;
	struct week_template *t = &room[next++ % 8];
	int64_t day = days_from_civil(2026, 3, 2);

	memset(b, 0, sizeof(*b));
	snprintf(b->provider.id, sizeof(b->provider.id), "%s", id);
	snprintf(b->provider.timezone, sizeof(b->provider.timezone), "America/New_York");
	b->provider.auto_confirm = true;
	*t = weekdays_from(9, 17);
	b->versions = t;
	b->nversions = 1;
	b->from_day = b->to_day = day;
	bundle_range(day, day, &b->from, &b->to);
	b->business = bb;
}

/* Business hours Mon-Fri sh:00-eh:00 in zone, over the bundle's dates and two each side. */
static void business_init(struct business_bundle *bb, const char *zone_name, int sh, int eh)
{
	int64_t day = days_from_civil(2026, 3, 2);

	memset(bb, 0, sizeof(*bb));
	snprintf(bb->timezone, sizeof(bb->timezone), "%s", zone_name);
	bb->schedule.n = 1;
	bb->schedule.v[0] = weekdays_from(sh, eh);
	bb->from_day = day - 2;
	bb->to_day = day + 2;
}

static struct service service60(void)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	snprintf(s.id, sizeof(s.id), "svc_cut");
	snprintf(s.name, sizeof(s.name), "Cut");
	s.duration_min = 60;
	s.capacity = 1;
	return s;
}

/* The bundle's open time on its dates into s (initialised here). */
static void open_of(struct avail_bundle *b, struct arena *a, struct interval_set *s)
{
	struct interval_set entries;
	struct err e;

	err_init(&e);
	interval_set_init(s);
	interval_set_init(&entries);
	assert_int_equal(engine_open_time(b, unit_db, a, s, &entries, &e), 0);
	interval_set_release(&entries);
}

static unsigned reasons_at(struct avail_bundle *b, int64_t start, struct arena *a)
{
	struct service s = service60();
	struct slot_explanation x;
	struct err e;

	err_init(&e);
	assert_int_equal(engine_explain(b, unit_db, &s, start, NOW, a, &x, &e), 0);
	return x.bookable ? 0 : x.reasons;
}

static void test_open_time_is_cut(void **state)
{
	struct business_bundle bb;
	struct avail_bundle b;
	struct interval_set s;

	business_init(&bb, "America/New_York", 10, 16);
	bundle_init(&b, "prv_a", &bb);
	open_of(&b, *state, &s);
	ASSERT_OPEN(&s, mar(2, 15, 0), mar(2, 21, 0));
	interval_set_release(&s);
}

static void test_no_business_hours_cut_nothing(void **state)
{
	struct avail_bundle b;
	struct interval_set s;

	bundle_init(&b, "prv_a", NULL);
	open_of(&b, *state, &s);
	ASSERT_OPEN(&s, mar(2, 14, 0), mar(2, 22, 0));
	interval_set_release(&s);
}

static void test_business_zone_is_its_own(void **state)
{
	struct business_bundle bb;
	struct avail_bundle b;
	struct interval_set s;

	/* 14:00-20:00 London is 09:00-15:00 New York on 2 March. */
	business_init(&bb, "Europe/London", 14, 20);
	bundle_init(&b, "prv_a", &bb);
	open_of(&b, *state, &s);
	ASSERT_OPEN(&s, mar(2, 14, 0), mar(2, 20, 0));
	interval_set_release(&s);
}

static void test_business_with_a_break_splits_the_day(void **state)
{
	struct business_bundle bb;
	struct avail_bundle b;
	struct interval_set s;

	business_init(&bb, "America/New_York", 8, 18);
	bb.schedule.v[0].day[MON] = hours2(8, 12, 13, 16);
	bundle_init(&b, "prv_a", &bb);
	open_of(&b, *state, &s);
	ASSERT_OPEN(&s, mar(2, 14, 0), mar(2, 17, 0), mar(2, 18, 0), mar(2, 21, 0));
	interval_set_release(&s);
}

static void test_exempt_provider_keeps_its_time(void **state)
{
	id_t_ exempt[1] = {"prv_b"};
	struct business_bundle bb;
	struct avail_bundle a, b;
	struct interval_set s;

	business_init(&bb, "America/New_York", 10, 16);
	bb.exempt = exempt;
	bb.nexempt = 1;
	assert_true(business_exempt(&bb, "prv_b"));
	assert_false(business_exempt(&bb, "prv_a"));
	bundle_init(&a, "prv_a", &bb);
	bundle_init(&b, "prv_b", &bb);
	open_of(&b, *state, &s);
	ASSERT_OPEN(&s, mar(2, 14, 0), mar(2, 22, 0));
	interval_set_release(&s);
	assert_int_equal(reasons_at(&b, mar(2, 14, 0), *state), 0);
	assert_int_equal(reasons_at(&a, mar(2, 14, 0), *state), REASON_BUSINESS_HOURS);
}

static void test_business_open_time_is_worked_out_once(void **state)
{
	struct business_bundle bb;
	struct avail_bundle a, b;
	struct interval_set s;
	const struct interval_set *first;

	business_init(&bb, "America/New_York", 10, 16);
	bundle_init(&a, "prv_a", &bb);
	bundle_init(&b, "prv_b", &bb);
	open_of(&a, *state, &s);
	interval_set_release(&s);
	first = bb.open;
	assert_non_null(first);
	open_of(&b, *state, &s);
	interval_set_release(&s);
	assert_ptr_equal(bb.open, first);
	assert_ptr_equal(b.input.business, first);
}

static void test_explain_names_business_hours_alone(void **state)
{
	struct business_bundle bb;
	struct avail_bundle b;

	business_init(&bb, "America/New_York", 10, 16);
	bundle_init(&b, "prv_a", &bb);
	/* 09:00 and 16:00 New York: the provider's hours, not the business's. */
	assert_int_equal(reasons_at(&b, mar(2, 14, 0), *state), REASON_BUSINESS_HOURS);
	assert_int_equal(reasons_at(&b, mar(2, 21, 0), *state), REASON_BUSINESS_HOURS);
	/* 15:30 runs past closing. */
	assert_int_equal(reasons_at(&b, mar(2, 20, 30), *state) & REASON_BUSINESS_HOURS,
			 REASON_BUSINESS_HOURS);
	assert_int_equal(reasons_at(&b, mar(2, 15, 0), *state), 0);
	/* 18:00 New York: outside the provider's own hours, which is all explain says. */
	assert_int_equal(reasons_at(&b, mar(2, 23, 0), *state), REASON_OUTSIDE_HOURS);
}

static void test_business_override_and_holiday(void **state)
{
	struct business_bundle bb;
	struct avail_bundle b;
	struct override_rec ov;
	struct holiday_rec hol;
	struct interval_set s;
	int64_t day = days_from_civil(2026, 3, 2);

	/* A holiday for all providers closes the business; the provider's own custom hours
	 * outweigh it for the provider, not for the business. */
	memset(&hol, 0, sizeof(hol));
	snprintf(hol.id, sizeof(hol.id), "hol_a");
	snprintf(hol.name, sizeof(hol.name), "Founders");
	hol.day = day;
	hol.until_day = CIVIL_MAX_DAY;
	memset(&ov, 0, sizeof(ov));
	snprintf(ov.id, sizeof(ov.id), "ovr_a");
	ov.ov.from_day = ov.ov.to_day = day;
	ov.ov.hours = hours1(9, 0, 17, 0);
	business_init(&bb, "America/New_York", 10, 16);
	bb.holidays = &hol;
	bb.nholidays = 1;
	bundle_init(&b, "prv_a", &bb);
	b.overrides = &ov;
	b.noverrides = 1;
	b.holidays = &hol;
	b.nholidays = 1;
	open_of(&b, *state, &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
	assert_int_equal(reasons_at(&b, mar(2, 16, 0), *state), REASON_BUSINESS_HOURS);

	/* Business custom hours on the date outweigh the holiday for the business. */
	{
		struct override_rec bov = ov;
		snprintf(bov.id, sizeof(bov.id), "bov_a");
		bov.ov.hours = hours1(11, 0, 13, 0);
		business_init(&bb, "America/New_York", 10, 16);
		bb.holidays = &hol;
		bb.nholidays = 1;
		bb.overrides = &bov;
		bb.noverrides = 1;
		bundle_init(&b, "prv_a", &bb);
		b.overrides = &ov;
		b.noverrides = 1;
		open_of(&b, *state, &s);
		ASSERT_OPEN(&s, mar(2, 16, 0), mar(2, 18, 0));
		interval_set_release(&s);
	}
}

static void test_avail_cut_keeps_only_business_time(void **state)
{
	struct week_template t = weekdays_from(0, 24);
	struct avail_input in = input(zone("UTC"), &t, 1);
	struct interval_set business, s;
	int64_t day = days_from_civil(2026, 3, 2);

	(void)state;
	interval_set_init(&business);
	interval_set_add(&business, mar(1, 20, 0), mar(2, 1, 0));	/* before the day too */
	interval_set_add(&business, mar(2, 8, 0), mar(2, 9, 0));
	interval_set_add(&business, mar(2, 10, 0), mar(2, 12, 0));
	interval_set_add(&business, mar(2, 23, 0), mar(3, 2, 0));	/* after it too */
	in.business = &business;
	open_time(&in, day, day, &s);
	ASSERT_OPEN(&s, mar(2, 0, 0), mar(2, 1, 0), mar(2, 8, 0), mar(2, 9, 0), mar(2, 10, 0),
		    mar(2, 12, 0), mar(2, 23, 0), mar(3, 0, 0));
	interval_set_release(&s);
	/* An empty business set closes everything. */
	interval_set_clear(&business);
	open_time(&in, day, day, &s);
	assert_int_equal(s.n, 0);
	interval_set_release(&s);
	interval_set_release(&business);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TA(test_open_time_is_cut),
		TA(test_no_business_hours_cut_nothing),
		TA(test_business_zone_is_its_own),
		TA(test_business_with_a_break_splits_the_day),
		TA(test_exempt_provider_keeps_its_time),
		TA(test_business_open_time_is_worked_out_once),
		TA(test_explain_names_business_hours_alone),
		TA(test_business_override_and_holiday),
		TA(test_avail_cut_keeps_only_business_time),
	};

	return cmocka_run_group_tests(tests, group_setup, unit_group_teardown);
}
