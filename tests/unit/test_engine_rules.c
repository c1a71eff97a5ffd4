/* Unit tests for how engine_prepare turns a bundle's date rules into the engine's view when
 * many rules meet: one override and one holiday per date at most, resolution unchanged (the
 * narrowest override, ties to the later; the first holiday names the day), rules shared by
 * the bundles of one request, and the request's deadline.
 *
 * Providers work Mon-Fri 09:00-17:00 UTC; the service lasts 60 minutes; now is 1 March. */
#include <stdio.h>

#include "core/engine.h"
#include "core/expand.h"
#include "unit_helpers.h"

#define H 3600LL
#define NOW utc_at(2026, 3, 1, 0, 0, 0)

static int64_t day_of(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

static int64_t mar(int d, int h, int m)
{
	return utc_at(2026, 3, d, h, m, 0);
}
/* Room for bundles' one schedule version each: tests change it after bundle_init. */
static struct week_template *template_room(void)
{
	static struct week_template room[16];
	static size_t next;
	struct week_template *t = &room[next++ % 16];

	memset(t, 0, sizeof(*t));
	return t;
}
#define VER(b) (*(struct week_template *)(b)->versions)


static void bundle_init(struct avail_bundle *b, const char *id)
{
	int d;

	memset(b, 0, sizeof(*b));
	snprintf(b->provider.id, sizeof(b->provider.id), "%s", id);
	snprintf(b->provider.timezone, sizeof(b->provider.timezone), "UTC");
	b->provider.auto_confirm = true;
	b->versions = template_room();
	b->nversions = 1;
	VER(b).effective_from = AVAIL_DAY_NONE;
	VER(b).effective_until = AVAIL_DAY_NONE;
	for (d = MON; d <= FRI; d++)
		VER(b).day[d] = hours1(9, 0, 17, 0);
	b->from_day = day_of(2026, 3, 2);
	b->to_day = day_of(2026, 3, 31);
	bundle_range(b->from_day, b->to_day, &b->from, &b->to);
}

static struct service service60(void)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	snprintf(s.id, sizeof(s.id), "svc_cut");
	s.duration_min = 60;
	s.capacity = 1;
	return s;
}

/* Every Monday from 2 March (hours: closed when n == 0). */
static struct override_rec mondays(const char *id, struct day_hours hours)
{
	struct override_rec o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.provider_id, sizeof(o.provider_id), "prv_a");
	snprintf(o.rrule, sizeof(o.rrule), "FREQ=WEEKLY;BYDAY=MO");
	o.ov.from_day = day_of(2026, 3, 2);
	o.ov.to_day = CIVIL_MAX_DAY;
	o.ov.hours = hours;
	return o;
}

static struct override_rec dated(const char *id, int64_t from, int64_t to,
				 struct day_hours hours)
{
	struct override_rec o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.provider_id, sizeof(o.provider_id), "prv_a");
	o.ov.from_day = from;
	o.ov.to_day = to;
	o.ov.hours = hours;
	return o;
}

static struct holiday_rec holiday(const char *name, const char *rule, int64_t first)
{
	struct holiday_rec h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "hol_%s", name);
	snprintf(h.name, sizeof(h.name), "%s", name);
	snprintf(h.rrule, sizeof(h.rrule), "%s", rule);
	h.day = first;
	h.until_day = CIVIL_MAX_DAY;
	return h;
}

static unsigned reasons_at(struct avail_bundle *b, int64_t start, struct arena *a,
			   struct slot_explanation *x)
{
	struct service s = service60();
	struct err e;

	err_init(&e);
	assert_int_equal(engine_explain(b, unit_db, &s, start, NOW, a, x, &e), 0);
	return x->reasons;
}

static void prepared(struct avail_bundle *b, struct arena *a)
{
	struct service s = service60();
	struct slot_provider p;
	struct err e;

	err_init(&e);
	assert_int_equal(engine_prepare(b, unit_db, &s, 0, a, &p, &e), 0);
}

static void later_of_two_recurring_overrides_wins(void **state)
{
	struct override_rec o[2] = {mondays("ovr_1", closed_hours()),
				    mondays("ovr_2", hours1(12, 0, 14, 0))};
	struct slot_explanation x;
	struct avail_bundle b;

	bundle_init(&b, "prv_a");
	b.overrides = o;
	b.noverrides = 2;
	assert_int_equal(reasons_at(&b, mar(9, 10, 0), *state, &x), REASON_OUTSIDE_HOURS);
	assert_int_equal(reasons_at(&b, mar(9, 13, 0), *state, &x), 0);
	/* The other way round, the closing one wins. */
	o[0] = mondays("ovr_1", hours1(12, 0, 14, 0));
	o[1] = mondays("ovr_2", closed_hours());
	assert_int_equal(reasons_at(&b, mar(9, 13, 0), *state, &x), REASON_OVERRIDE_CLOSED);
	/* One override per Monday reaches the engine. */
	prepared(&b, *state);
	assert_int_equal(b.input.noverrides, 5);
}

static void dated_and_recurring_single_days_tie_by_order(void **state)
{
	struct override_rec o[2] = {dated("ovr_1", day_of(2026, 3, 9), day_of(2026, 3, 9),
					  hours1(12, 0, 14, 0)),
				    mondays("ovr_2", closed_hours())};
	struct slot_explanation x;
	struct avail_bundle b;

	bundle_init(&b, "prv_a");
	b.overrides = o;
	b.noverrides = 2;
	assert_int_equal(reasons_at(&b, mar(9, 13, 0), *state, &x), REASON_OVERRIDE_CLOSED);
	o[0] = mondays("ovr_1", closed_hours());
	o[1] = dated("ovr_2", day_of(2026, 3, 9), day_of(2026, 3, 9), hours1(12, 0, 14, 0));
	assert_int_equal(reasons_at(&b, mar(9, 13, 0), *state, &x), 0);
	assert_int_equal(reasons_at(&b, mar(16, 13, 0), *state, &x), REASON_OVERRIDE_CLOSED);
}

static void recurring_date_outweighs_a_wider_range_in_any_order(void **state)
{
	struct override_rec o[2] = {mondays("ovr_1", hours1(12, 0, 14, 0)),
				    dated("ovr_2", day_of(2026, 3, 2), day_of(2026, 3, 20),
					  closed_hours())};
	struct slot_explanation x;
	struct avail_bundle b;

	bundle_init(&b, "prv_a");
	b.overrides = o;
	b.noverrides = 2;
	assert_int_equal(reasons_at(&b, mar(9, 13, 0), *state, &x), 0);
	assert_int_equal(reasons_at(&b, mar(10, 13, 0), *state, &x), REASON_OVERRIDE_CLOSED);
	assert_int_equal(reasons_at(&b, mar(23, 13, 0), *state, &x), 0);
}

static void many_rules_leave_one_override_per_date(void **state)
{
	struct override_rec *o = arena_alloc(*state, 300 * sizeof(*o));
	struct slot_explanation x;
	struct avail_bundle b;
	int i;

	for (i = 0; i < 300; i++) {
		o[i] = mondays("ovr_x", i == 299 ? hours1(10, 0, 11, 0) : closed_hours());
		snprintf(o[i].rrule, sizeof(o[i].rrule), "FREQ=DAILY;INTERVAL=%d", i % 3 + 1);
	}
	bundle_init(&b, "prv_a");
	b.overrides = o;
	b.noverrides = 300;
	prepared(&b, *state);
	assert_int_equal(b.input.noverrides, 30);
	/* The last rule (every third day from 2 March) wins on its dates. */
	assert_int_equal(reasons_at(&b, mar(5, 10, 0), *state, &x), 0);
	assert_int_equal(reasons_at(&b, mar(5, 12, 0), *state, &x), REASON_OUTSIDE_HOURS);
	assert_int_equal(reasons_at(&b, mar(6, 10, 0), *state, &x), REASON_OVERRIDE_CLOSED);
}

static void first_of_two_holidays_names_the_day(void **state)
{
	struct holiday_rec h[3] = {holiday("Founders", "FREQ=WEEKLY;BYDAY=TU", day_of(2026, 3, 3)),
				   holiday("Daily", "FREQ=DAILY", day_of(2026, 3, 2)),
				   holiday("Once", "", day_of(2026, 3, 4))};
	struct slot_explanation x;
	struct avail_bundle b;

	bundle_init(&b, "prv_a");
	b.holidays = h;
	b.nholidays = 3;
	assert_int_equal(reasons_at(&b, mar(3, 10, 0), *state, &x), REASON_HOLIDAY);
	assert_string_equal(x.holiday->name, "Founders");
	assert_int_equal(reasons_at(&b, mar(4, 10, 0), *state, &x), REASON_HOLIDAY);
	assert_string_equal(x.holiday->name, "Daily");
	prepared(&b, *state);
	assert_int_equal(b.input.nholidays, 30);
}

static void bundles_of_one_request_share_tenant_rules(void **state)
{
	struct holiday_rec h[2] = {holiday("Weekly", "FREQ=WEEKLY;BYDAY=WE", day_of(2026, 3, 4)),
				   holiday("Monthly", "FREQ=MONTHLY;BYMONTHDAY=20",
					   day_of(2026, 1, 20))};
	struct expand *x = expand_new(*state, 0);
	struct avail_bundle b[3];
	size_t expanded, shared;
	int i;

	for (i = 0; i < 3; i++) {
		bundle_init(&b[i], i == 0 ? "prv_a" : i == 1 ? "prv_b" : "prv_c");
		b[i].holidays = h;
		b[i].nholidays = 2;
		b[i].expand = x;
		prepared(&b[i], *state);
		assert_int_equal(b[i].input.nholidays, 5);
	}
	expand_stats(x, &expanded, &shared);
	assert_int_equal(expanded, 2);
	assert_int_equal(shared, 4);
}

static void prepare_past_the_deadline_is_a_timeout(void **state)
{
	struct holiday_rec h = holiday("Weekly", "FREQ=WEEKLY;BYDAY=WE", day_of(2026, 3, 4));
	struct service s = service60();
	struct slot_provider p;
	struct avail_bundle b;
	struct err e;

	bundle_init(&b, "prv_a");
	b.holidays = &h;
	b.nholidays = 1;
	b.expand = expand_new(*state, 1);
	err_init(&e);
	assert_int_equal(engine_prepare(&b, unit_db, &s, 0, *state, &p, &e), -1);
	assert_int_equal(e.code, ERR_TIMEOUT);
	assert_int_equal(e.retry_after, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TA(later_of_two_recurring_overrides_wins),
		TA(dated_and_recurring_single_days_tie_by_order),
		TA(recurring_date_outweighs_a_wider_range_in_any_order),
		TA(many_rules_leave_one_override_per_date),
		TA(first_of_two_holidays_names_the_day),
		TA(bundles_of_one_request_share_tenant_rules),
		TA(prepare_past_the_deadline_is_a_timeout),
	};

	return cmocka_run_group_tests_name("engine_rules", tests, unit_group_setup,
					   unit_group_teardown);
}
