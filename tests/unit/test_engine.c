/* Unit tests for core/engine on hand-built bundles: dropping and adding commitments, what a
 * waitlist entry wants, the error for an unbookable start (409 taken or 422 with reasons),
 * which provider engine_pick chooses and the booking it fills, and what engine_prepare /
 * engine_explain make of a bundle (recurring overrides and holidays, time off, bookings,
 * holds and schedule entries).
 *
 * Bundles are for Monday 2026-03-02 unless a test widens them; providers work Mon-Fri
 * 09:00-17:00 local; the service lasts 60 minutes on a 60-minute grid; now is 1 March. */
#include <stdio.h>

#include "core/engine.h"
#include "unit_helpers.h"
#include "util/ids.h"

#define H 3600LL

static entry_id_t prv_a_only[1] = {"prv_a"};

/* 2026-03-dd hh:mm UTC. */
static int64_t mar(int d, int h, int m)
{
	return utc_at(2026, 3, d, h, m, 0);
}

static int64_t day_of(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

#define NOW utc_at(2026, 3, 1, 0, 0, 0)

static int group_setup(void **state)
{
	if (ids_init())
		return -1;
	return unit_group_setup(state);
}

/* Each test gets an arena in *state. */
static struct week_template nine_to_five(void)
{
	struct week_template t;
	int d;

	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	for (d = MON; d <= FRI; d++)
		t.day[d] = hours1(9, 0, 17, 0);
	return t;
}

static void bundle_days(struct avail_bundle *b, int64_t from_day, int64_t to_day)
{
	b->from_day = from_day;
	b->to_day = to_day;
	bundle_range(from_day, to_day, &b->from, &b->to);
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


/* Provider id in zone name, auto-confirming, for Monday 2 March. */
static void bundle_init(struct avail_bundle *b, const char *id, const char *zone_name)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->provider.id, sizeof(b->provider.id), "%s", id);
	snprintf(b->provider.timezone, sizeof(b->provider.timezone), "%s", zone_name);
	b->provider.auto_confirm = true;
	b->versions = template_room();
	b->nversions = 1;
	VER(b) = nine_to_five();
	bundle_days(b, day_of(2026, 3, 2), day_of(2026, 3, 2));
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

/* A one-hour booking of another service at start. */
static struct booked_time booking(int64_t start)
{
	struct booked_time t;

	memset(&t, 0, sizeof(t));
	t.start = start;
	t.block_start = start;
	t.block_end = start + H;
	snprintf(t.service_id, sizeof(t.service_id), "svc_other");
	return t;
}

static struct booked_time hold_time(int64_t start)
{
	struct booked_time t = booking(start);

	t.held = true;
	return t;
}

/* ---- bundle_drop_time ---- */

static void drop_removes_exactly_one_and_keeps_order(void **state)
{
	struct booked_time v[5];
	struct avail_bundle b;

	(void)state;
	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 9, 0));
	v[1] = hold_time(mar(2, 10, 0));	/* same times as v[2], but a hold */
	v[2] = booking(mar(2, 10, 0));
	v[3] = booking(mar(2, 10, 0));		/* a second seat with the same times */
	v[4] = booking(mar(2, 11, 0));
	b.booked = v;
	b.nbooked = 5;
	bundle_drop_time(&b, false, mar(2, 10, 0), mar(2, 10, 0), mar(2, 11, 0), "svc_other");
	assert_int_equal(b.nbooked, 4);
	assert_int_equal(b.booked[0].start, mar(2, 9, 0));
	assert_true(b.booked[1].held);
	assert_int_equal(b.booked[1].start, mar(2, 10, 0));
	assert_false(b.booked[2].held);	/* the other seat stays */
	assert_int_equal(b.booked[2].start, mar(2, 10, 0));
	assert_int_equal(b.booked[3].start, mar(2, 11, 0));
}

static void drop_of_a_hold_leaves_bookings(void **state)
{
	struct booked_time v[3];
	struct avail_bundle b;

	(void)state;
	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 10, 0));
	v[1] = hold_time(mar(2, 10, 0));
	v[2] = booking(mar(2, 11, 0));
	b.booked = v;
	b.nbooked = 3;
	bundle_drop_time(&b, true, mar(2, 10, 0), mar(2, 10, 0), mar(2, 11, 0), "svc_other");
	assert_int_equal(b.nbooked, 2);
	assert_false(b.booked[0].held);
	assert_int_equal(b.booked[0].start, mar(2, 10, 0));
	assert_int_equal(b.booked[1].start, mar(2, 11, 0));
}

static void drop_without_match_changes_nothing(void **state)
{
	struct booked_time v[2], copy[2];
	struct avail_bundle b;

	(void)state;
	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 10, 0));
	v[1] = hold_time(mar(2, 12, 0));
	memcpy(copy, v, sizeof(v));
	b.booked = v;
	b.nbooked = 2;
	/* Each call differs from v[0] or v[1] in one part only. */
	bundle_drop_time(&b, true, mar(2, 10, 0), mar(2, 10, 0), mar(2, 11, 0), "svc_other");
	bundle_drop_time(&b, false, mar(2, 10, 0), mar(2, 10, 0), mar(2, 11, 0), "svc_cut");
	bundle_drop_time(&b, false, mar(2, 10, 0), mar(2, 9, 45), mar(2, 11, 0), "svc_other");
	bundle_drop_time(&b, false, mar(2, 10, 0), mar(2, 10, 0), mar(2, 11, 15), "svc_other");
	bundle_drop_time(&b, false, mar(2, 10, 15), mar(2, 10, 0), mar(2, 11, 0), "svc_other");
	bundle_drop_time(&b, false, mar(2, 12, 0), mar(2, 12, 0), mar(2, 13, 0), "svc_other");
	assert_int_equal(b.nbooked, 2);
	assert_memory_equal(v, copy, sizeof(v));
}

/* ---- bundle_add_hold ---- */

static struct hold a_hold(int64_t start, int before_min, int after_min)
{
	struct hold h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "hld_x");
	snprintf(h.service_id, sizeof(h.service_id), "svc_cut");
	snprintf(h.provider_id, sizeof(h.provider_id), "prv_a");
	h.start = start;
	h.end = start + H;
	h.block_start = start - before_min * 60;
	h.block_end = h.end + after_min * 60;
	return h;
}

static void add_hold_inserts_by_blocked_start(void **state)
{
	struct arena *a = *state;
	struct booked_time v[3];
	struct avail_bundle b;
	struct hold h;

	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 9, 0));
	v[1] = booking(mar(2, 11, 0));
	v[2] = booking(mar(2, 13, 0));
	b.booked = v;
	b.nbooked = 3;
	/* Starts at 11:30 but blocks from 10:30: it goes before the 11:00 booking. */
	h = a_hold(mar(2, 11, 30), 60, 15);
	bundle_add_hold(&b, &h, a);
	assert_int_equal(b.nbooked, 4);
	assert_int_equal(b.booked[0].start, mar(2, 9, 0));
	assert_true(b.booked[1].held);
	assert_int_equal(b.booked[1].start, mar(2, 11, 30));
	assert_int_equal(b.booked[1].block_start, mar(2, 10, 30));
	assert_int_equal(b.booked[1].block_end, mar(2, 12, 45));
	assert_string_equal(b.booked[1].service_id, "svc_cut");
	assert_false(b.booked[2].held);
	assert_int_equal(b.booked[2].start, mar(2, 11, 0));
	assert_int_equal(b.booked[3].start, mar(2, 13, 0));
	/* The rows the bundle had are intact. */
	assert_int_equal(v[1].start, mar(2, 11, 0));
}

static void add_hold_first_and_last(void **state)
{
	struct arena *a = *state;
	struct booked_time v[1];
	struct avail_bundle b;
	struct hold h;

	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 12, 0));
	b.booked = v;
	b.nbooked = 1;
	h = a_hold(mar(2, 8, 0), 0, 0);
	bundle_add_hold(&b, &h, a);
	h = a_hold(mar(2, 16, 0), 0, 0);
	bundle_add_hold(&b, &h, a);
	assert_int_equal(b.nbooked, 3);
	assert_int_equal(b.booked[0].start, mar(2, 8, 0));
	assert_true(b.booked[0].held);
	assert_int_equal(b.booked[1].start, mar(2, 12, 0));
	assert_false(b.booked[1].held);
	assert_int_equal(b.booked[2].start, mar(2, 16, 0));
	assert_true(b.booked[2].held);
}

static void add_hold_to_empty_bundle(void **state)
{
	struct arena *a = *state;
	struct avail_bundle b;
	struct hold h;

	bundle_init(&b, "prv_a", "UTC");
	h = a_hold(mar(2, 10, 0), 0, 0);
	bundle_add_hold(&b, &h, a);
	assert_int_equal(b.nbooked, 1);
	assert_true(b.booked[0].held);
	assert_int_equal(b.booked[0].block_end, mar(2, 11, 0));
}

static void added_hold_blocks_the_start(void **state)
{
	struct arena *a = *state;
	struct service s = service60();
	struct slot_explanation x;
	struct avail_bundle b;
	struct hold h;
	struct err e;

	bundle_init(&b, "prv_a", "UTC");
	h = a_hold(mar(2, 10, 0), 0, 0);
	bundle_add_hold(&b, &h, a);
	err_init(&e);
	assert_int_equal(engine_explain(&b, unit_db, &s, mar(2, 10, 0), NOW, a, &x, &e), 0);
	assert_false(x.bookable);
	assert_int_equal(x.reasons, REASON_HELD);
}

/* ---- waitlist_wants ---- */

static int64_t wall_at(int y, int m, int d, int h, int mi)
{
	return days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
}

static struct waitlist_entry wants_march_2_to_6(void)
{
	struct waitlist_entry w;

	memset(&w, 0, sizeof(w));
	w.earliest_day = day_of(2026, 3, 2);
	w.latest_day = day_of(2026, 3, 6);
	return w;
}

static void waitlist_dates_are_inclusive(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 1, 23, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 0, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 6, 23, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 7, 0, 0), H));
}

static void waitlist_weekdays_bit_zero_is_monday(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	w.latest_day = day_of(2026, 3, 31);
	w.weekdays = 1u << 0;	/* Mondays */
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 10, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 9, 10, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 3, 10, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 8, 10, 0), H));	/* Sunday */
	w.weekdays = (1u << 2) | (1u << 6);	/* Wednesdays and Sundays */
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 4, 10, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 8, 10, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 10, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 7, 10, 0), H));	/* Saturday */
}

static void waitlist_window_holds_the_whole_appointment(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	w.nwindows = 1;
	w.windows[0].from_min = 9 * 60;
	w.windows[0].to_min = 12 * 60;
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 9, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 11, 0), H));	/* ends at 12:00 */
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 11, 1), H));	/* runs past */
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 8, 59), H));	/* starts before */
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 12, 0), H));
}

static void waitlist_window_rounds_duration_up(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	w.nwindows = 1;
	w.windows[0].from_min = 9 * 60;
	w.windows[0].to_min = 12 * 60;
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 11, 0), H - 59));	/* 59 min 1 s */
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 11, 0), H + 1));	/* 61 min */
}

static void waitlist_appointment_must_fit_one_window(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	w.nwindows = 3;
	w.windows[0].from_min = 9 * 60;
	w.windows[0].to_min = 10 * 60;
	w.windows[1].from_min = 10 * 60;
	w.windows[1].to_min = 11 * 60;
	w.windows[2].from_min = 14 * 60;
	w.windows[2].to_min = 17 * 60;
	/* 09:30-10:30 spans two touching windows: inside neither. */
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 9, 30), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 10, 0), H));
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 2, 16, 0), H));
	assert_false(waitlist_wants(&w, wall_at(2026, 3, 2, 12, 0), H));
}

static void waitlist_without_weekdays_or_windows_wants_any_time(void **state)
{
	struct waitlist_entry w = wants_march_2_to_6();

	(void)state;
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 7, 0, 0) - 60, H));	/* Fri 23:59 */
	assert_true(waitlist_wants(&w, wall_at(2026, 3, 4, 3, 0), 4 * H));
}

/* ---- engine_not_bookable ---- */

static void not_bookable_busy_is_slot_taken(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(engine_not_bookable(&e, REASON_BUSY, NULL, NULL), -1);
	assert_int_equal(e.code, ERR_SLOT_TAKEN);
	assert_string_equal(e.message, "that time is already booked");
	assert_string_equal(e.ext_name, "");
}

static void not_bookable_held_is_slot_taken(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(engine_not_bookable(&e, REASON_HELD, NULL, NULL), -1);
	assert_int_equal(e.code, ERR_SLOT_TAKEN);
	assert_string_equal(e.message, "that time is held for someone else");
	assert_string_equal(e.ext_name, "");
	err_init(&e);
	assert_int_equal(engine_not_bookable(&e, REASON_BUSY | REASON_HELD, NULL, NULL), -1);
	assert_int_equal(e.code, ERR_SLOT_TAKEN);
}

static void not_bookable_busy_with_other_reason_is_unavailable(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(
	    engine_not_bookable(&e, REASON_BUSY | REASON_OUTSIDE_HOURS, NULL, NULL), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.ext_name, "reasons");
	assert_string_equal(e.ext_json, "[{\"code\":\"outside_hours\"},{\"code\":\"booked\"}]");
}

static void not_bookable_reasons_in_bit_order(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, REASON_ENTRY | REASON_MIN_NOTICE | REASON_OVERRIDE_CLOSED |
					REASON_LIMIT_CONSECUTIVE | REASON_HELD,
			    NULL, NULL);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.ext_json,
			    "[{\"code\":\"override_closed\"},{\"code\":\"min_notice\"},"
			    "{\"code\":\"limit_consecutive\"},{\"code\":\"held\"},"
			    "{\"code\":\"schedule_entry\"}]");
}

static void not_bookable_every_reason(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, (1u << SLOT_REASON_COUNT) - 1, NULL, "Dentist");
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.ext_json,
			    "[{\"code\":\"outside_hours\"},{\"code\":\"override_closed\"},"
			    "{\"code\":\"holiday\"},{\"code\":\"vacation\"},{\"code\":\"time_off\"},"
			    "{\"code\":\"not_on_grid\"},{\"code\":\"min_notice\"},"
			    "{\"code\":\"max_advance\"},{\"code\":\"booked\"},"
			    "{\"code\":\"limit_per_day\"},{\"code\":\"limit_consecutive\"},"
			    "{\"code\":\"held\"},{\"code\":\"schedule_entry\"},"
			    "{\"code\":\"external_busy\",\"calendar\":\"Dentist\"},"
			    "{\"code\":\"outside_business_hours\"},"
			    "{\"code\":\"service_not_offered_now\"}]");
}

static void not_bookable_holiday_names_it(void **state)
{
	struct holiday h = {0, false, "Founders' \"Day\""};
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, REASON_HOLIDAY | REASON_TIME_OFF, &h, NULL);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.ext_name, "reasons");
	assert_string_equal(e.ext_json, "[{\"code\":\"holiday\",\"holiday\":\"Founders' \\\"Day\\\"\"},"
					"{\"code\":\"time_off\"}]");
}

static void not_bookable_holiday_without_record(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, REASON_HOLIDAY, NULL, NULL);
	assert_string_equal(e.ext_json, "[{\"code\":\"holiday\"}]");
}

static void not_bookable_holiday_name_only_on_holiday(void **state)
{
	struct holiday h = {0, false, "Spring"};
	struct err e;

	(void)state;
	err_init(&e);
	engine_not_bookable(&e, REASON_VACATION, &h, NULL);
	assert_string_equal(e.ext_json, "[{\"code\":\"vacation\"}]");
}

/* ---- engine_pick ---- */

static int pick(struct avail_bundle *b, size_t n, const struct service *s, int64_t start,
		struct arena *a, struct booking *bk, struct err *e)
{
	memset(bk, 0, sizeof(*bk));
	err_init(e);
	return engine_pick(b, n, unit_db, s, start, NOW, a, bk, e);
}

static void pick_with_no_providers_is_invalid(void **state)
{
	struct service s = service60();
	struct booking bk;
	struct err e;

	assert_int_equal(pick(NULL, 0, &s, mar(2, 15, 0), *state, &bk, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "/provider_id");
}

static void pick_skips_a_provider_that_cannot_take_the_start(void **state)
{
	struct booked_time va[1], vb[3];
	struct service s = service60();
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	va[0] = booking(mar(2, 15, 0));
	b[0].booked = va;
	b[0].nbooked = 1;
	/* B has more bookings that day but is free at the start. */
	vb[0] = booking(mar(2, 9, 0));
	vb[1] = booking(mar(2, 10, 0));
	vb[2] = booking(mar(2, 11, 0));
	b[1].booked = vb;
	b[1].nbooked = 3;
	assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), 1);
	assert_int_equal(e.code, ERR_OK);
	assert_string_equal(bk.provider_id, "prv_b");
}

static void pick_prefers_fewest_bookings_that_day(void **state)
{
	struct booked_time va[2], vb[4];
	struct service s = service60();
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	va[0] = booking(mar(2, 11, 0));
	va[1] = booking(mar(2, 12, 0));
	b[0].booked = va;
	b[0].nbooked = 2;
	/* B: one that Monday, three on Tuesday (more in all, fewer that day). */
	vb[0] = booking(mar(2, 13, 0));
	vb[1] = booking(mar(3, 10, 0));
	vb[2] = booking(mar(3, 11, 0));
	vb[3] = booking(mar(3, 12, 0));
	b[1].booked = vb;
	b[1].nbooked = 4;
	assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), 1);
	assert_string_equal(bk.provider_id, "prv_b");
}

static void pick_tie_on_the_day_goes_to_fewer_around(void **state)
{
	struct booked_time va[3], vb[1];
	struct service s = service60();
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	va[0] = booking(mar(2, 11, 0));
	va[1] = booking(mar(3, 10, 0));
	va[2] = booking(mar(3, 11, 0));
	b[0].booked = va;
	b[0].nbooked = 3;
	vb[0] = booking(mar(2, 12, 0));
	b[1].booked = vb;
	b[1].nbooked = 1;
	assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), 1);
	assert_string_equal(bk.provider_id, "prv_b");
}

static void pick_full_tie_takes_the_first(void **state)
{
	struct booked_time va[2], vb[1], vc[1];
	struct service s = service60();
	struct avail_bundle b[3];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	bundle_init(&b[2], "prv_c", "UTC");
	va[0] = booking(mar(2, 9, 0));
	va[1] = booking(mar(2, 10, 0));
	b[0].booked = va;
	b[0].nbooked = 2;
	vb[0] = booking(mar(2, 11, 0));
	b[1].booked = vb;
	b[1].nbooked = 1;
	vc[0] = booking(mar(2, 12, 0));
	b[2].booked = vc;
	b[2].nbooked = 1;
	assert_int_equal(pick(b, 3, &s, mar(2, 15, 0), *state, &bk, &e), 1);
	assert_string_equal(bk.provider_id, "prv_b");
	/* Nobody booked at all: the first. */
	b[0].nbooked = b[1].nbooked = b[2].nbooked = 0;
	assert_int_equal(pick(b, 3, &s, mar(2, 15, 0), *state, &bk, &e), 0);
	assert_string_equal(bk.provider_id, "prv_a");
}

static void pick_counts_the_local_day_in_the_providers_zone(void **state)
{
	struct booked_time va[1], vb[1];
	struct service s = service60();
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "America/New_York");
	bundle_init(&b[1], "prv_b", "America/New_York");
	/* A: Tuesday 02:00 UTC is Monday 21:00 in New York, the day of the start. */
	va[0] = booking(mar(3, 2, 0));
	b[0].booked = va;
	b[0].nbooked = 1;
	/* B: Tuesday 10:00 in New York. */
	vb[0] = booking(mar(3, 15, 0));
	b[1].booked = vb;
	b[1].nbooked = 1;
	/* Monday 10:00 EST. */
	assert_int_equal(pick(b, 2, &s, est(2026, 3, 2, 10, 0), *state, &bk, &e), 1);
	assert_string_equal(bk.provider_id, "prv_b");
}

static void pick_taken_for_one_and_unavailable_for_other_is_taken(void **state)
{
	struct service s = service60();
	struct booked_time v[1];
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;
	int order;

	for (order = 0; order < 2; order++) {
		struct avail_bundle *taken = &b[order], *closed = &b[1 - order];
		bundle_init(taken, "prv_taken", "UTC");
		bundle_init(closed, "prv_closed", "UTC");
		v[0] = booking(mar(2, 15, 0));
		taken->booked = v;
		taken->nbooked = 1;
		VER(closed).day[MON] = hours1(9, 0, 12, 0);
		assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), -1);
		assert_int_equal(e.code, ERR_SLOT_TAKEN);
		assert_string_equal(e.message, "that time is already booked");
		assert_string_equal(e.ext_name, "");
	}
}

static void pick_held_for_one_and_unavailable_for_other_is_taken(void **state)
{
	struct service s = service60();
	struct booked_time v[1];
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	b[0].provider.vacation = true;
	v[0] = hold_time(mar(2, 15, 0));
	b[1].booked = v;
	b[1].nbooked = 1;
	assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), -1);
	assert_int_equal(e.code, ERR_SLOT_TAKEN);
	assert_string_equal(e.message, "that time is held for someone else");
}

static void pick_unavailable_everywhere_gathers_reasons(void **state)
{
	struct service s = service60();
	struct holiday_rec hol;
	struct avail_bundle b[2];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	bundle_init(&b[1], "prv_b", "UTC");
	VER(&b[0]).day[MON] = hours1(9, 0, 12, 0);
	memset(&hol, 0, sizeof(hol));
	snprintf(hol.id, sizeof(hol.id), "hol_1");
	snprintf(hol.name, sizeof(hol.name), "Founders' Day");
	hol.day = day_of(2026, 3, 2);
	b[1].holidays = &hol;
	b[1].nholidays = 1;
	assert_int_equal(pick(b, 2, &s, mar(2, 15, 0), *state, &bk, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.ext_name, "reasons");
	assert_string_equal(e.ext_json, "[{\"code\":\"outside_hours\"},"
					"{\"code\":\"holiday\",\"holiday\":\"Founders' Day\"}]");
}

static void pick_fills_the_booking(void **state)
{
	struct service s = service60();
	struct avail_bundle b[1];
	struct booking bk;
	struct err e;

	s.buffer_before_min = 15;
	s.buffer_after_min = 10;
	s.capacity = 1;
	snprintf(s.price, sizeof(s.price), "30.00");
	snprintf(s.currency, sizeof(s.currency), "EUR");
	bundle_init(&b[0], "prv_a", "UTC");
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk, &e), 0);
	assert_string_equal(bk.provider_id, "prv_a");
	assert_string_equal(bk.service_id, "svc_cut");
	assert_int_equal(bk.start, mar(2, 15, 0));
	assert_int_equal(bk.end, mar(2, 16, 0));
	assert_int_equal(bk.block_start, mar(2, 14, 45));
	assert_int_equal(bk.block_end, mar(2, 16, 10));
	assert_int_equal(bk.capacity, 1);
	assert_int_equal(bk.status, BOOKING_CONFIRMED);
	assert_string_equal(bk.price, "30.00");
	assert_string_equal(bk.currency, "EUR");
	assert_int_equal(strncmp(bk.id, "bkg_", 4), 0);
	assert_true(id_valid(bk.id, "bkg"));
	assert_int_equal(bk.version, 1);
	assert_int_equal(bk.created_at, NOW);
	assert_int_equal(bk.updated_at, NOW);
}

static void pick_makes_a_new_id_each_time(void **state)
{
	struct service s = service60();
	struct avail_bundle b[1];
	struct booking bk1, bk2;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk1, &e), 0);
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk2, &e), 0);
	assert_string_not_equal(bk1.id, bk2.id);
}

static void pick_pending_when_provider_does_not_auto_confirm(void **state)
{
	struct service s = service60();
	struct avail_bundle b[1];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	b[0].provider.auto_confirm = false;
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk, &e), 0);
	assert_int_equal(bk.status, BOOKING_PENDING);
}

static void pick_pending_when_service_needs_approval(void **state)
{
	struct service s = service60();
	struct avail_bundle b[1];
	struct booking bk;
	struct err e;

	s.requires_approval = true;
	bundle_init(&b[0], "prv_a", "UTC");
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk, &e), 0);
	assert_int_equal(bk.status, BOOKING_PENDING);
}

static void pick_uses_buffers_against_commitments(void **state)
{
	struct service s = service60();
	struct booked_time v[1];
	struct avail_bundle b[1];
	struct booking bk;
	struct err e;

	bundle_init(&b[0], "prv_a", "UTC");
	v[0] = booking(mar(2, 14, 0));	/* ends 15:00 */
	b[0].booked = v;
	b[0].nbooked = 1;
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk, &e), 0);
	s.buffer_before_min = 5;
	assert_int_equal(pick(b, 1, &s, mar(2, 15, 0), *state, &bk, &e), -1);
	assert_int_equal(e.code, ERR_SLOT_TAKEN);
}

/* ---- engine_prepare / engine_explain ---- */

static int explain(struct avail_bundle *b, int64_t start, struct arena *a,
		   struct slot_explanation *x)
{
	struct service s = service60();
	struct err e;
	int rc;

	err_init(&e);
	memset(x, 0xA5, sizeof(*x));
	rc = engine_explain(b, unit_db, &s, start, NOW, a, x, &e);
	assert_int_equal(e.code, ERR_OK);
	return rc;
}

static void assert_explained(struct avail_bundle *b, int64_t start, struct arena *a,
			     unsigned reasons)
{
	struct slot_explanation x;

	assert_int_equal(explain(b, start, a, &x), 0);
	assert_int_equal(x.reasons, reasons);
	assert_int_equal(x.bookable, reasons == 0);
	assert_int_equal(x.end, start + H);
}

/* Closed every Monday from 2 March on (as stored: its first date and no last). */
static struct override_rec closed_mondays(void)
{
	struct override_rec o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "ovr_mon");
	snprintf(o.provider_id, sizeof(o.provider_id), "prv_a");
	snprintf(o.rrule, sizeof(o.rrule), "FREQ=WEEKLY;BYDAY=MO");
	o.ov.from_day = day_of(2026, 3, 2);
	o.ov.to_day = CIVIL_MAX_DAY;
	return o;
}

static void recurring_override_closes_its_mondays(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 20));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(9, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(16, 16, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(3, 10, 0), *state, 0);
	assert_explained(&b, mar(10, 10, 0), *state, 0);
	assert_explained(&b, mar(15, 10, 0), *state, REASON_OUTSIDE_HOURS);	/* Sunday */
}

static void recurring_override_starts_at_its_first_date(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	o.ov.from_day = day_of(2026, 3, 9);
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 20));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(2, 10, 0), *state, 0);
	assert_explained(&b, mar(9, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(16, 10, 0), *state, REASON_OVERRIDE_CLOSED);
}

static void recurring_override_closes_mondays_in_the_providers_zone(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "America/New_York");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 13));
	b.overrides = &o;
	b.noverrides = 1;
	/* Monday 9 March is EDT (UTC-4) after the switch on the 8th. */
	assert_explained(&b, utc_at(2026, 3, 9, 9, 0, -240), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, utc_at(2026, 3, 10, 9, 0, -240), *state, 0);
}

static void recurring_override_ends_at_its_last_date(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	o.ov.to_day = day_of(2026, 3, 2);
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 13));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(9, 10, 0), *state, 0);
}

static void recurring_override_with_hours_replaces_the_template(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	o.ov.hours = hours1(12, 0, 14, 0);
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 13));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(9, 10, 0), *state, REASON_OUTSIDE_HOURS);
	assert_explained(&b, mar(9, 13, 0), *state, 0);
	assert_explained(&b, mar(10, 10, 0), *state, 0);
}

static void dated_override_still_applies(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	o.rrule[0] = '\0';
	o.ov.from_day = day_of(2026, 3, 3);
	o.ov.to_day = day_of(2026, 3, 4);
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 6));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(2, 10, 0), *state, 0);
	assert_explained(&b, mar(3, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(4, 10, 0), *state, REASON_OVERRIDE_CLOSED);
	assert_explained(&b, mar(5, 10, 0), *state, 0);
}

static void recurring_holiday_closes_its_date(void **state)
{
	struct slot_explanation x;
	struct holiday_rec hol;
	struct avail_bundle b;

	memset(&hol, 0, sizeof(hol));
	snprintf(hol.id, sizeof(hol.id), "hol_spring");
	snprintf(hol.name, sizeof(hol.name), "Spring Day");
	hol.day = day_of(2025, 3, 10);
	hol.yearly = true;
	snprintf(hol.rrule, sizeof(hol.rrule), "FREQ=YEARLY");
	hol.until_day = CIVIL_MAX_DAY;
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 13));
	b.holidays = &hol;
	b.nholidays = 1;
	assert_int_equal(explain(&b, mar(10, 10, 0), *state, &x), 0);
	assert_false(x.bookable);
	assert_int_equal(x.reasons, REASON_HOLIDAY);
	assert_non_null(x.holiday);
	assert_string_equal(x.holiday->name, "Spring Day");
	assert_explained(&b, mar(9, 10, 0), *state, 0);
	assert_explained(&b, mar(11, 10, 0), *state, 0);
}

static void time_off_and_vacation(void **state)
{
	struct time_off_rec t;
	struct avail_bundle b;

	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "tof_1");
	t.span.start = mar(2, 13, 30);
	t.span.end = mar(2, 14, 30);
	bundle_init(&b, "prv_a", "UTC");
	b.time_off = &t;
	b.ntime_off = 1;
	assert_explained(&b, mar(2, 13, 0), *state, REASON_TIME_OFF);
	assert_explained(&b, mar(2, 14, 0), *state, REASON_TIME_OFF);
	assert_explained(&b, mar(2, 15, 0), *state, 0);
	b.provider.vacation = true;
	assert_explained(&b, mar(2, 15, 0), *state, REASON_VACATION);
}

static void bookings_block_their_blocked_time(void **state)
{
	struct booked_time v[2];
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "UTC");
	v[0] = booking(mar(2, 10, 0));
	v[0].block_end = mar(2, 11, 10);	/* 10 minutes of buffer after */
	v[1] = hold_time(mar(2, 14, 0));
	b.booked = v;
	b.nbooked = 2;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_BUSY);
	assert_explained(&b, mar(2, 11, 0), *state, REASON_BUSY);
	assert_explained(&b, mar(2, 12, 0), *state, 0);
	assert_explained(&b, mar(2, 14, 0), *state, REASON_HELD);
}

static void entries_of_the_provider_are_busy(void **state)
{
	struct avail_bundle b;
	struct entry en[2];

	memset(en, 0, sizeof(en));
	snprintf(en[0].id, sizeof(en[0].id), "ent_a");
	snprintf(en[0].timezone, sizeof(en[0].timezone), "UTC");
	en[0].start = mar(2, 10, 0);
	en[0].end = mar(2, 11, 0);
	en[0].f.assignee_ids = prv_a_only;
	en[0].f.nassignees = 1;
	en[1] = en[0];
	snprintf(en[1].id, sizeof(en[1].id), "ent_b");
	en[1].start = mar(2, 13, 0);
	en[1].end = mar(2, 14, 0);
	en[1].f.status = ENTRY_CANCELLED;
	bundle_init(&b, "prv_a", "UTC");
	b.entries = en;
	b.nentries = 2;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_ENTRY);
	assert_explained(&b, mar(2, 13, 0), *state, 0);	/* cancelled */
	/* Another provider's bundle with the same entries is free. */
	snprintf(b.provider.id, sizeof(b.provider.id), "prv_z");
	assert_explained(&b, mar(2, 10, 0), *state, 0);
}

static void prepare_unknown_zone_is_internal(void **state)
{
	struct service s = service60();
	struct slot_provider p;
	struct avail_bundle b;
	struct err e;

	bundle_init(&b, "prv_a", "Mars/Olympus_Mons");
	err_init(&e);
	assert_int_equal(engine_prepare(&b, unit_db, &s, 0, *state, &p, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
}

static void prepare_builds_the_engines_view(void **state)
{
	struct service s = service60();
	struct booked_time v[3];
	struct slot_provider p;
	struct avail_bundle b;
	struct err e;

	bundle_init(&b, "prv_a", "America/New_York");
	b.provider.max_per_day = 4;
	b.provider.max_consecutive = 2;
	/* By blocked start; the 16:00 booking has an hour of buffer before it. */
	v[0] = booking(mar(2, 15, 0));
	v[0].start = mar(2, 16, 0);
	v[0].block_end = mar(2, 17, 0);
	v[1] = booking(mar(2, 15, 30));
	v[2] = hold_time(mar(2, 18, 0));
	b.booked = v;
	b.nbooked = 3;
	err_init(&e);
	assert_int_equal(engine_prepare(&b, unit_db, &s, 7, *state, &p, &e), 0);
	assert_ptr_equal(p.avail, &b.input);
	assert_string_equal(tz_name(b.input.tz), "America/New_York");
	assert_ptr_equal(b.input.templates, b.versions);
	assert_int_equal(b.input.ntemplates, 1);
	assert_int_equal(p.index, 7);
	assert_int_equal(p.max_per_day, 4);
	assert_int_equal(p.max_consecutive, 2);
	assert_int_equal(p.nbooked, 3);
	assert_int_equal(p.booked_starts[0], mar(2, 15, 30));
	assert_int_equal(p.booked_starts[1], mar(2, 16, 0));
	assert_int_equal(p.booked_starts[2], mar(2, 18, 0));
	assert_int_equal(p.booked_blocks[0].start, mar(2, 15, 0));
	assert_int_equal(p.booked_blocks[1].start, mar(2, 15, 30));
	assert_non_null(p.busy);
	assert_true(interval_set_overlaps(p.busy, mar(2, 15, 0), mar(2, 15, 1)));
	assert_false(interval_set_overlaps(p.busy, mar(2, 18, 0), mar(2, 19, 0)));
	assert_non_null(p.held);
	assert_true(interval_set_covers(p.held, mar(2, 18, 0), mar(2, 19, 0)));
	assert_null(p.entries);
}

static void prepare_without_commitments(void **state)
{
	struct service s = service60();
	struct slot_provider p;
	struct avail_bundle b;
	struct err e;

	bundle_init(&b, "prv_a", "UTC");
	err_init(&e);
	assert_int_equal(engine_prepare(&b, unit_db, &s, 0, *state, &p, &e), 0);
	assert_int_equal(p.nbooked, 0);
	assert_null(p.held);
	assert_null(p.entries);
	assert_int_equal(b.input.noverrides, 0);
	assert_int_equal(b.input.nholidays, 0);
	assert_false(b.input.vacation);
}

/* ---- intervals reserved for services ---- */

static const struct service_set for_other = {1, {"svc_other"}};
static const struct service_set for_cut = {2, {"svc_other", "svc_cut"}};
/* A day's services with the first interval kept for for_other / for_cut. */
static const struct service_set *other_first[AVAIL_MAX_DAY_INTERVALS] = {&for_other};
static const struct service_set *cut_first[AVAIL_MAX_DAY_INTERVALS] = {&for_cut};

static void reserved_for_another_service_is_not_offered(void **state)
{
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "UTC");
	VER(&b).day[MON] = hours2(9, 12, 13, 17);
	VER(&b).day[MON].services = other_first;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_SERVICE_NOT_OFFERED);
	assert_explained(&b, mar(2, 13, 0), *state, 0);
	assert_explained(&b, mar(2, 12, 0), *state, REASON_OUTSIDE_HOURS);
	/* The marks live on the engine's copies, never on the bundle's schedule. */
	assert_int_equal(VER(&b).day[MON].excluded, 0);
}

static void reserved_for_the_queried_service_is_offered(void **state)
{
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "UTC");
	VER(&b).day[MON] = hours2(9, 12, 13, 17);
	VER(&b).day[MON].services = cut_first;
	assert_explained(&b, mar(2, 10, 0), *state, 0);
}

static void reserved_in_one_week_of_a_cycle(void **state)
{
	struct day_hours more[7];
	struct avail_bundle b;

	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 13));
	memcpy(more, VER(&b).day, sizeof(more));
	more[MON].services = other_first;	/* week 2: Monday kept for another service */
	VER(&b).weeks = 2;
	VER(&b).anchor = day_of(2026, 3, 2);
	VER(&b).more = more;
	assert_explained(&b, mar(2, 10, 0), *state, 0);
	assert_explained(&b, mar(9, 10, 0), *state, REASON_SERVICE_NOT_OFFERED);
	assert_explained(&b, mar(10, 10, 0), *state, 0);
	assert_int_equal(more[MON].excluded, 0);
}

static void reserved_in_a_recurring_override(void **state)
{
	struct override_rec o = closed_mondays();
	struct avail_bundle b;

	o.ov.hours = hours1(9, 0, 12, 0);
	o.ov.hours.services = other_first;
	bundle_init(&b, "prv_a", "UTC");
	bundle_days(&b, day_of(2026, 3, 2), day_of(2026, 3, 20));
	b.overrides = &o;
	b.noverrides = 1;
	assert_explained(&b, mar(2, 10, 0), *state, REASON_SERVICE_NOT_OFFERED);
	assert_explained(&b, mar(9, 10, 0), *state, REASON_SERVICE_NOT_OFFERED);
	assert_explained(&b, mar(9, 13, 0), *state, REASON_OUTSIDE_HOURS);
	assert_explained(&b, mar(10, 10, 0), *state, 0);
}

static void open_time_counts_reserved_intervals(void **state)
{
	struct interval_set open, entries;
	struct avail_bundle b;
	struct err e;

	bundle_init(&b, "prv_a", "UTC");
	VER(&b).day[MON].services = other_first;
	interval_set_init(&open);
	interval_set_init(&entries);
	err_init(&e);
	assert_int_equal(engine_open_time(&b, unit_db, *state, &open, &entries, &e), 0);
	ASSERT_OPEN(&open, mar(2, 9, 0), mar(2, 17, 0));
	interval_set_release(&open);
	interval_set_release(&entries);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drop_removes_exactly_one_and_keeps_order),
		cmocka_unit_test(drop_of_a_hold_leaves_bookings),
		cmocka_unit_test(drop_without_match_changes_nothing),
		TA(add_hold_inserts_by_blocked_start),
		TA(add_hold_first_and_last),
		TA(add_hold_to_empty_bundle),
		TA(added_hold_blocks_the_start),
		cmocka_unit_test(waitlist_dates_are_inclusive),
		cmocka_unit_test(waitlist_weekdays_bit_zero_is_monday),
		cmocka_unit_test(waitlist_window_holds_the_whole_appointment),
		cmocka_unit_test(waitlist_window_rounds_duration_up),
		cmocka_unit_test(waitlist_appointment_must_fit_one_window),
		cmocka_unit_test(waitlist_without_weekdays_or_windows_wants_any_time),
		cmocka_unit_test(not_bookable_busy_is_slot_taken),
		cmocka_unit_test(not_bookable_held_is_slot_taken),
		cmocka_unit_test(not_bookable_busy_with_other_reason_is_unavailable),
		cmocka_unit_test(not_bookable_reasons_in_bit_order),
		cmocka_unit_test(not_bookable_every_reason),
		cmocka_unit_test(not_bookable_holiday_names_it),
		cmocka_unit_test(not_bookable_holiday_without_record),
		cmocka_unit_test(not_bookable_holiday_name_only_on_holiday),
		TA(pick_with_no_providers_is_invalid),
		TA(pick_skips_a_provider_that_cannot_take_the_start),
		TA(pick_prefers_fewest_bookings_that_day),
		TA(pick_tie_on_the_day_goes_to_fewer_around),
		TA(pick_full_tie_takes_the_first),
		TA(pick_counts_the_local_day_in_the_providers_zone),
		TA(pick_taken_for_one_and_unavailable_for_other_is_taken),
		TA(pick_held_for_one_and_unavailable_for_other_is_taken),
		TA(pick_unavailable_everywhere_gathers_reasons),
		TA(pick_fills_the_booking),
		TA(pick_makes_a_new_id_each_time),
		TA(pick_pending_when_provider_does_not_auto_confirm),
		TA(pick_pending_when_service_needs_approval),
		TA(pick_uses_buffers_against_commitments),
		TA(recurring_override_closes_its_mondays),
		TA(reserved_for_another_service_is_not_offered),
		TA(reserved_for_the_queried_service_is_offered),
		TA(reserved_in_one_week_of_a_cycle),
		TA(reserved_in_a_recurring_override),
		TA(open_time_counts_reserved_intervals),
		TA(recurring_override_starts_at_its_first_date),
		TA(recurring_override_closes_mondays_in_the_providers_zone),
		TA(recurring_override_ends_at_its_last_date),
		TA(recurring_override_with_hours_replaces_the_template),
		TA(dated_override_still_applies),
		TA(recurring_holiday_closes_its_date),
		TA(time_off_and_vacation),
		TA(bookings_block_their_blocked_time),
		TA(entries_of_the_provider_are_busy),
		TA(prepare_unknown_zone_is_internal),
		TA(prepare_builds_the_engines_view),
		TA(prepare_without_commitments),
	};

	return cmocka_run_group_tests_name("engine", tests, group_setup, unit_group_teardown);
}
