/* Unit tests for core/feed: the window of a feed, kinds, and the documents parsed back with
 * libical (busy blocks carry no details; one provider's view of a shared series). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libical/ical.h>

#include "core/civil.h"
#include "core/feed.h"
#include "core/recur.h"
#include "core/tz.h"
#include "unit_helpers.h"

/* Tuesday 2026-03-17 10:00-11:00 in New York (EDT, UTC-4). */
#define B_START 1773756000
#define B_END (B_START + 3600)

static void test_window_is_whole_utc_days(void **state)
{
	struct feed f = {.days_back = 30, .days_ahead = 180};
	int64_t now = utc_at(2026, 3, 10, 12, 0, 0), day = utc_at(2026, 3, 10, 0, 0, 0);
	struct feed_window w;

	(void)state;
	feed_window_at(&f, now, &w);
	assert_int_equal(w.day_start, day);
	assert_int_equal(w.from, day - 30 * 86400);
	assert_int_equal(w.to, day + 181 * 86400);
	assert_int_equal(w.closed_since, day - FEED_CANCELLED_KEEP_DAYS * 86400);
	/* Any time of the same day gives the same window; the next day moves it. */
	feed_window_at(&f, day + 86399, &w);
	assert_int_equal(w.from, day - 30 * 86400);
	feed_window_at(&f, day + 86400, &w);
	assert_int_equal(w.from, day - 29 * 86400);
	/* Before 1970 too (floor, not truncation). */
	feed_window_at(&f, -1, &w);
	assert_int_equal(w.day_start, -86400);
}

static void test_kinds(void **state)
{
	enum feed_kind k;

	(void)state;
	assert_int_equal(feed_kind_parse("details", &k), 0);
	assert_int_equal(k, FEED_DETAILS);
	assert_int_equal(feed_kind_parse("busy", &k), 0);
	assert_int_equal(k, FEED_BUSY);
	assert_int_equal(feed_kind_parse("Busy", &k), -1);
	assert_int_equal(feed_kind_parse("", &k), -1);
	assert_int_equal(feed_kind_parse(NULL, &k), -1);
	assert_string_equal(feed_kind_name(FEED_BUSY), "busy");
}

static struct feed_booking booking(void)
{
	struct feed_booking fb;

	memset(&fb, 0, sizeof(fb));
	snprintf(fb.b.id, sizeof(fb.b.id), "bkg_0000000000000000000a");
	snprintf(fb.b.reference, sizeof(fb.b.reference), "ABCDEFGH");
	snprintf(fb.b.customer_name, sizeof(fb.b.customer_name), "Quentin Quill");
	snprintf(fb.b.notes, sizeof(fb.b.notes), "allergic to latex");
	snprintf(fb.service_name, sizeof(fb.service_name), "Deep Clean");
	fb.b.start = B_START;
	fb.b.end = B_END;
	fb.b.status = BOOKING_CONFIRMED;
	fb.b.version = 3;
	fb.b.updated_at = B_START - 86400;
	fb.zone = zone("America/New_York");
	return fb;
}

static icalcomponent *parse(const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);

	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	return cal;
}

static void test_busy_blocks_carry_no_details(void **state)
{
	struct feed_booking fb = booking();
	struct feed_doc d = {
	    .kind = FEED_BUSY, .calname = "Room 1", .bookings = &fb, .nbookings = 1};
	char *text = feed_render(&d, unit_db);
	icalcomponent *cal, *ev;

	(void)state;
	assert_null(strstr(text, "Quentin"));
	assert_null(strstr(text, "latex"));
	assert_null(strstr(text, "Deep Clean"));
	assert_null(strstr(text, "ABCDEFGH"));
	assert_non_null(strstr(text, "X-WR-CALNAME:Room 1\r\n"));
	assert_non_null(strstr(text, "REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"));
	cal = parse(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), "Busy");
	assert_null(icalcomponent_get_first_property(ev, ICAL_DESCRIPTION_PROPERTY));
	assert_int_equal(
	    icalproperty_get_transp(icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)),
	    ICAL_TRANSP_OPAQUE);
	assert_string_equal(icalcomponent_get_uid(ev), "bkg_0000000000000000000a@slotd");
	assert_int_equal(icalcomponent_get_sequence(ev), 2);
	assert_non_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));
	icalcomponent_free(cal);
	free(text);
}

static void test_details_and_the_same_bytes_twice(void **state)
{
	struct feed_booking fb = booking();
	struct feed_doc d = {
	    .kind = FEED_DETAILS, .calname = "Dr X", .bookings = &fb, .nbookings = 1};
	char *a = feed_render(&d, unit_db), *b = feed_render(&d, unit_db);
	icalcomponent *cal, *ev;

	(void)state;
	assert_string_equal(a, b);
	cal = parse(a);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), "Deep Clean: Quentin Quill");
	assert_string_equal(icalcomponent_get_description(ev),
			    "Booking reference ABCDEFGH\n\nallergic to latex");
	icalcomponent_free(cal);
	free(a);
	free(b);
	/* Cancelled: kept, marked so, and no longer blocking time. */
	fb.b.status = BOOKING_DECLINED;
	a = feed_render(&d, unit_db);
	assert_non_null(strstr(a, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(a, "TRANSP:TRANSPARENT\r\n"));
	free(a);
}

/* A daily series of provider A with three occurrences; the second was moved to B. */
static void test_a_provider_sees_its_part_of_a_series(void **state)
{
	static entry_id_t a[1] = {"prv_0000000000000000000a"}, b[1] = {"prv_0000000000000000000b"};
	struct feed_entry fe;
	struct entry_override o;
	struct feed_doc d = {.kind = FEED_DETAILS, .calname = "x", .entries = &fe, .nentries = 1};
	const struct tz *utc = zone("UTC");
	char *text;

	(void)state;
	memset(&fe, 0, sizeof(fe));
	memset(&o, 0, sizeof(o));
	snprintf(fe.en.id, sizeof(fe.en.id), "ent_0000000000000000000a");
	snprintf(fe.en.f.title, sizeof(fe.en.f.title), "Rounds");
	fe.en.f.nassignees = 1;
	fe.en.f.assignee_ids = a;
	fe.en.start = B_START;
	fe.en.end = B_END;
	fe.en.recurring = true;
	snprintf(fe.en.rule.text, sizeof(fe.en.rule.text), "FREQ=DAILY;COUNT=3");
	fe.en.version = 2;
	fe.en.noverrides = 1;
	fe.en.overrides = &o;
	fe.zone = utc;
	o.original_start = B_START + 86400;
	o.start = o.original_start;
	o.end = o.start + 3600;
	snprintf(o.f.title, sizeof(o.f.title), "Rounds (cover)");
	o.f.nassignees = 1;
	o.f.assignee_ids = b;

	d.provider_id = a[0];
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "RRULE:FREQ=DAILY;COUNT=3\r\n"));
	assert_non_null(strstr(text, "EXDATE:20260318T140000Z\r\n"));
	assert_null(strstr(text, "RECURRENCE-ID"));
	assert_null(strstr(text, "cover"));
	free(text);

	d.provider_id = b[0];
	text = feed_render(&d, unit_db);
	assert_null(strstr(text, "RRULE"));
	assert_non_null(strstr(text, "RECURRENCE-ID:20260318T140000Z\r\n"));
	assert_non_null(strstr(text, "SUMMARY:Rounds (cover)\r\n"));
	free(text);

	d.provider_id = NULL;
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "RRULE:FREQ=DAILY;COUNT=3\r\n"));
	assert_null(strstr(text, "EXDATE"));
	assert_non_null(strstr(text, "RECURRENCE-ID:20260318T140000Z\r\n"));
	free(text);
}

/* New York falls back on 1 November 2026: 01:00-02:00 EDT, then 01:00-02:00 EST again. A
 * TZID time in that hour means the first (RFC 5545 section 3.3.5), so one in the second is
 * written in UTC; the rest keep the provider's zone. */
static void test_the_repeated_hour_is_written_in_utc(void **state)
{
	struct feed_booking fb = booking();
	struct feed_doc d = {.kind = FEED_BUSY, .calname = "x", .bookings = &fb, .nbookings = 1};
	char *text;

	(void)state;
	/* From the first 01:30 (EDT) to the second (EST): an hour, not none. */
	fb.b.start = utc_at(2026, 11, 1, 1, 30, -240);
	fb.b.end = utc_at(2026, 11, 1, 1, 30, -300);
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "DTSTART;TZID=America/New_York:20261101T013000\r\n"));
	assert_non_null(strstr(text, "DTEND:20261101T063000Z\r\n"));
	free(text);
	/* From the second 01:15 to 02:15 EST. */
	fb.b.start = utc_at(2026, 11, 1, 1, 15, -300);
	fb.b.end = utc_at(2026, 11, 1, 2, 15, -300);
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "DTSTART:20261101T061500Z\r\n"));
	assert_non_null(strstr(text, "DTEND;TZID=America/New_York:20261101T021500\r\n"));
	free(text);
}

/* A daily series at 00:30 (EDT) for two hours: its start stays on the wall clock; on 1
 * November the occurrence moved to the second 01:30 is written in UTC, its RECURRENCE-ID
 * (the rule's 00:30) in the zone. */
static void test_a_series_in_the_repeated_hour(void **state)
{
	static entry_id_t a[1] = {"prv_0000000000000000000a"};
	const struct tz *ny = zone("America/New_York");
	struct feed_entry fe;
	struct entry_override o;
	struct feed_doc d = {.kind = FEED_DETAILS, .calname = "x", .entries = &fe, .nentries = 1};
	char *text;

	(void)state;
	memset(&fe, 0, sizeof(fe));
	memset(&o, 0, sizeof(o));
	snprintf(fe.en.id, sizeof(fe.en.id), "ent_0000000000000000000b");
	snprintf(fe.en.f.title, sizeof(fe.en.f.title), "Night shift");
	fe.en.f.nassignees = 1;
	fe.en.f.assignee_ids = a;
	fe.en.start = utc_at(2026, 10, 31, 0, 30, -240);
	fe.en.end = fe.en.start + 7200;
	fe.en.recurring = true;
	snprintf(fe.en.rule.text, sizeof(fe.en.rule.text), "FREQ=DAILY;COUNT=3");
	fe.en.version = 1;
	fe.en.noverrides = 1;
	fe.en.overrides = &o;
	fe.zone = ny;
	o.original_start = utc_at(2026, 11, 1, 0, 30, -240);
	o.start = utc_at(2026, 11, 1, 1, 30, -300);
	o.end = o.start + 3600;
	snprintf(o.f.title, sizeof(o.f.title), "Night shift (late)");
	o.f.nassignees = 1;
	o.f.assignee_ids = a;

	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "DTSTART;TZID=America/New_York:20261031T003000\r\n"));
	assert_non_null(strstr(text, "DTEND;TZID=America/New_York:20261031T023000\r\n"));
	assert_non_null(strstr(text, "RECURRENCE-ID;TZID=America/New_York:20261101T003000\r\n"));
	assert_non_null(strstr(text, "DTSTART:20261101T063000Z\r\n"));
	assert_non_null(strstr(text, "DTEND;TZID=America/New_York:20261101T023000\r\n"));
	free(text);
}

/* Sundays at 02:30 in New York from 1 March 2026, three times: on 8 March 02:30 does not
 * exist (clocks go from 02:00 to 03:00), so that occurrence is at 03:30 EDT (07:30Z). Its
 * EXDATE or RECURRENCE-ID is the rule's 02:30, which a reader expanding the rule meets. */
static void gap_series(struct feed_entry *fe, const struct tz *ny)
{
	static entry_id_t a[1] = {"prv_0000000000000000000a"};
	struct err e;

	memset(fe, 0, sizeof(*fe));
	err_init(&e);
	snprintf(fe->en.id, sizeof(fe->en.id), "ent_0000000000000000000c");
	snprintf(fe->en.f.title, sizeof(fe->en.f.title), "Backups");
	fe->en.f.nassignees = 1;
	fe->en.f.assignee_ids = a;
	fe->en.start = utc_at(2026, 3, 1, 2, 30, -300);
	fe->en.end = fe->en.start + 1800;
	fe->en.recurring = true;
	assert_int_equal(recur_parse("FREQ=WEEKLY;COUNT=3", tz_to_wall(ny, fe->en.start), ny, "",
				     "", &fe->en.rule, &e),
			 0);
	fe->en.version = 1;
	fe->zone = ny;
}

static void test_an_occurrence_in_a_dst_gap_keeps_the_rules_time(void **state)
{
	const struct tz *ny = zone("America/New_York");
	int64_t gap = utc_at(2026, 3, 8, 3, 30, -240);
	struct feed_entry fe;
	struct entry_override o;
	struct feed_doc d = {.kind = FEED_DETAILS, .calname = "x", .entries = &fe, .nentries = 1};
	char *text;

	(void)state;
	gap_series(&fe, ny);
	fe.en.exdates = &gap;
	fe.en.nexdates = 1;
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "EXDATE;TZID=America/New_York:20260308T023000\r\n"));
	free(text);

	gap_series(&fe, ny);
	memset(&o, 0, sizeof(o));
	o.original_start = gap;
	o.start = gap + 3600;
	o.end = o.start + 1800;
	snprintf(o.f.title, sizeof(o.f.title), "Backups (late)");
	o.f.nassignees = 1;
	o.f.assignee_ids = fe.en.f.assignee_ids;
	fe.en.overrides = &o;
	fe.en.noverrides = 1;
	text = feed_render(&d, unit_db);
	assert_non_null(strstr(text, "RECURRENCE-ID;TZID=America/New_York:20260308T023000\r\n"));
	assert_non_null(strstr(text, "DTSTART;TZID=America/New_York:20260308T043000\r\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_is_whole_utc_days),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_busy_blocks_carry_no_details),
	    cmocka_unit_test(test_details_and_the_same_bytes_twice),
	    cmocka_unit_test(test_a_provider_sees_its_part_of_a_series),
	    cmocka_unit_test(test_the_repeated_hour_is_written_in_utc),
	    cmocka_unit_test(test_a_series_in_the_repeated_hour),
	    cmocka_unit_test(test_an_occurrence_in_a_dst_gap_keeps_the_rules_time),
	};

	return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
