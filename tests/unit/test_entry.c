/* Unit tests for core/entry: occurrences of a series in a zone (DST keeps the wall clock, a
 * gap time moves forward), exdates and overrides, busy time per assignee, the occurrence
 * test, alternating week templates, and the .ics of a series parsed back with libical. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/entry.h"
#include "core/ics.h"
#include "unit_helpers.h"

static entry_id_t alice_bob[2] = {"prv_alice", "prv_bob"};
static entry_id_t carol[1] = {"prv_carol"};

static int64_t utc(const char *s)
{
	int64_t t;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

/* A series in New York from start (an instant) lasting minutes, with rule (NULL: one-off). */
static void series(struct entry *en, const char *start, int minutes, const char *rule)
{
	const struct tz *z = zone("America/New_York");
	struct err e;

	memset(en, 0, sizeof(*en));
	snprintf(en->id, sizeof(en->id), "ent_test");
	snprintf(en->timezone, sizeof(en->timezone), "America/New_York");
	snprintf(en->f.title, sizeof(en->f.title), "Visit");
	en->f.assignee_ids = alice_bob;
	en->f.nassignees = 2;
	en->start = utc(start);
	en->end = en->start + minutes * 60;
	if (rule) {
		err_init(&e);
		en->recurring = true;
		assert_int_equal(recur_parse(rule, tz_to_wall(z, en->start), z, "/r", "/s",
					     &en->rule, &e),
				 0);
	}
}

static size_t occurrences(const struct entry *en, const char *from, const char *to,
			  struct occurrence *out, size_t max)
{
	size_t n;

	entry_occurrences(en, zone("America/New_York"), utc(from), utc(to), out, max, &n);
	return n;
}

static void daily_keeps_wall_clock_across_dst(void **state)
{
	struct occurrence o[16];
	struct entry en;
	size_t n;

	(void)state;
	series(&en, "2026-03-06T09:00:00-05:00", 60, "FREQ=DAILY");
	n = occurrences(&en, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z", o, 16);
	assert_int_equal(n, 4);
	assert_int_equal(o[1].start, utc("2026-03-07T09:00:00-05:00"));
	assert_int_equal(o[2].start, utc("2026-03-08T09:00:00-04:00"));
	assert_int_equal(o[3].end - o[3].start, 3600);
}

static void gap_time_moves_forward_and_is_an_occurrence(void **state)
{
	const struct tz *z = zone("America/New_York");
	struct occurrence o[8];
	struct entry en;
	size_t n;

	(void)state;
	series(&en, "2026-03-07T02:30:00-05:00", 30, "FREQ=DAILY;COUNT=3");
	n = occurrences(&en, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z", o, 8);
	assert_int_equal(n, 3);
	/* 02:30 does not exist on 8 March: the offset before the gap gives 03:30 EDT. */
	assert_int_equal(o[1].start, utc("2026-03-08T03:30:00-04:00"));
	assert_int_equal(o[2].start, utc("2026-03-09T02:30:00-04:00"));
	assert_true(entry_is_occurrence(&en, z, utc("2026-03-08T07:30:00Z")));
	assert_false(entry_is_occurrence(&en, z, utc("2026-03-08T06:30:00Z")));
	assert_false(entry_is_occurrence(&en, z, utc("2026-03-10T06:30:00Z")));
}

static void overlap_time_takes_the_first_instant(void **state)
{
	struct occurrence o[4];
	struct entry en;

	(void)state;
	series(&en, "2026-10-31T01:30:00-04:00", 30, "FREQ=DAILY");
	assert_int_equal(occurrences(&en, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", o, 4),
			 1);
	assert_int_equal(o[0].start, utc("2026-11-01T01:30:00-04:00"));
}

static void exdates_and_overrides(void **state)
{
	struct entry_override ov;
	struct occurrence o[16];
	int64_t ex[1];
	struct entry en;
	size_t n;

	(void)state;
	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=WEEKLY;BYDAY=MO,WE");
	ex[0] = utc("2026-03-04T14:00:00Z");
	en.exdates = ex;
	en.nexdates = 1;
	memset(&ov, 0, sizeof(ov));
	/* The 9 March occurrence moves to Tuesday 10:00 and to Carol. */
	ov.original_start = utc("2026-03-09T13:00:00Z");
	ov.start = utc("2026-03-10T14:00:00Z");
	ov.end = ov.start + 1800;
	ov.f = en.f;
	ov.f.assignee_ids = carol;
	ov.f.nassignees = 1;
	en.overrides = &ov;
	en.noverrides = 1;
	/* 2 March; 4 March is excluded; 9 March moved to the 10th; 11 March. */
	n = occurrences(&en, "2026-03-01T00:00:00Z", "2026-03-12T00:00:00Z", o, 16);
	assert_int_equal(n, 3);
	assert_int_equal(o[0].start, utc("2026-03-02T14:00:00Z"));
	assert_int_equal(o[1].original_start, ov.original_start);
	assert_true(o[1].overridden);
	assert_int_equal(o[1].start, ov.start);
	assert_int_equal(o[2].start, utc("2026-03-11T13:00:00Z"));
	/* The moved occurrence is found by its new time even when its original lies outside. */
	n = occurrences(&en, "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", o, 16);
	assert_int_equal(n, 1);
	assert_true(o[0].overridden);
	/* The cap is honoured. */
	assert_int_equal(entry_occurrences(&en, zone("America/New_York"),
					   utc("2026-03-01T00:00:00Z"),
					   utc("2026-06-01T00:00:00Z"), o, 3, &n),
			 RECUR_CAPPED);
	assert_int_equal(n, 3);
	assert_non_null(entry_override_at(&en, ov.original_start));
	assert_null(entry_override_at(&en, ov.original_start + 1));
	assert_true(entry_is_excluded(&en, ex[0]));
}

static void busy_follows_assignees_and_status(void **state)
{
	struct entry_override ov;
	struct arena *a = arena_new();
	struct interval_set busy;
	struct entry en;
	struct err e;

	(void)state;
	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY;COUNT=3");
	memset(&ov, 0, sizeof(ov));
	ov.original_start = utc("2026-03-03T14:00:00Z");
	ov.start = ov.original_start;
	ov.end = ov.start + 3600;
	ov.f = en.f;
	ov.f.status = ENTRY_CANCELLED;
	en.overrides = &ov;
	en.noverrides = 1;
	interval_set_init(&busy);
	err_init(&e);
	assert_int_equal(entry_busy_add(&en, 1, unit_db, "prv_bob", utc("2026-03-01T00:00:00Z"),
					utc("2026-03-10T00:00:00Z"), a, &busy, &e),
			 0);
	/* 2 and 4 March; the cancelled 3 March occurrence blocks nothing. */
	assert_int_equal(busy.n, 2);
	assert_int_equal(busy.v[0].start, utc("2026-03-02T14:00:00Z"));
	assert_int_equal(busy.v[1].start, utc("2026-03-04T14:00:00Z"));
	interval_set_clear(&busy);
	assert_int_equal(entry_busy_add(&en, 1, unit_db, "prv_carol", utc("2026-03-01T00:00:00Z"),
					utc("2026-03-10T00:00:00Z"), a, &busy, &e),
			 0);
	assert_int_equal(busy.n, 0);
	interval_set_release(&busy);
	arena_free(a);
}

static void span_end_bounds_the_series(void **state)
{
	const struct tz *z = zone("America/New_York");
	struct entry en;

	(void)state;
	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY;COUNT=3");
	assert_true(entry_span_end(&en, z) >= utc("2026-03-04T15:00:00Z"));
	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY");
	assert_int_equal(entry_span_end(&en, z), INT64_MAX);
	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	assert_int_equal(entry_span_end(&en, z), utc("2026-03-02T15:00:00Z"));
}

static void alternating_weeks(void **state)
{
	struct day_hours more[7];
	struct week_template t;

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(more, 0, sizeof(more));
	t.day[MON] = hours1(9, 0, 17, 0);
	more[MON] = hours1(9, 0, 12, 0);
	t.weeks = 2;
	t.anchor = days_from_civil(2026, 1, 7);	/* a Wednesday: week 1 is 5..11 January */
	t.more = more;
	assert_int_equal(week_template_day(&t, days_from_civil(2026, 1, 5))->iv[0].end_min, 1020);
	assert_int_equal(week_template_day(&t, days_from_civil(2026, 1, 12))->iv[0].end_min, 720);
	assert_int_equal(week_template_day(&t, days_from_civil(2026, 1, 19))->iv[0].end_min, 1020);
	/* Before the anchor the cycle runs backwards. */
	assert_int_equal(week_template_day(&t, days_from_civil(2025, 12, 29))->iv[0].end_min, 720);
	assert_int_equal(week_template_day(&t, days_from_civil(2025, 12, 22))->iv[0].end_min,
			 1020);
	t.weeks = 1;
	assert_int_equal(week_template_day(&t, days_from_civil(2026, 1, 12))->iv[0].end_min, 1020);
}

static void ics_parses_back(void **state)
{
	const struct tz *z = zone("America/New_York");
	struct entry_override ov;
	struct entry en;
	int64_t ex[1];
	icalcomponent *cal, *ev;
	int events = 0, with_rid = 0;
	char *text;

	(void)state;
	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=WEEKLY;BYDAY=MO;COUNT=10");
	en.version = 1;
	ex[0] = utc("2026-03-09T13:00:00Z");
	en.exdates = ex;
	en.nexdates = 1;
	memset(&ov, 0, sizeof(ov));
	ov.original_start = utc("2026-03-16T13:00:00Z");
	ov.start = ov.original_start + 3600;
	ov.end = ov.start + 3600;
	ov.f = en.f;
	en.overrides = &ov;
	en.noverrides = 1;
	text = entry_ics(&en, z, tz_db_vtimezone(unit_db, "America/New_York", en.start), 0);
	cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_non_null(strstr(text, "TZID:America/New_York\r\n"));
	assert_non_null(strstr(text, "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO"));
	assert_non_null(strstr(text, "EXDATE;TZID=America/New_York:20260309T090000"));
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		events++;
		assert_string_equal(icalcomponent_get_uid(ev), "ent_test@slotd");
		if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
			struct icaltimetype rid = icalcomponent_get_recurrenceid(ev);
			with_rid++;
			assert_int_equal(rid.day, 16);
			assert_int_equal(rid.hour, 9);
			assert_int_equal(icalcomponent_get_dtstart(ev).hour, 10);
		}
	}
	assert_int_equal(events, 2);
	assert_int_equal(with_rid, 1);
	icalcomponent_free(cal);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(daily_keeps_wall_clock_across_dst),
		cmocka_unit_test(gap_time_moves_forward_and_is_an_occurrence),
		cmocka_unit_test(overlap_time_takes_the_first_instant),
		cmocka_unit_test(exdates_and_overrides),
		cmocka_unit_test(busy_follows_assignees_and_status),
		cmocka_unit_test(span_end_bounds_the_series),
		cmocka_unit_test(alternating_weeks),
		cmocka_unit_test(ics_parses_back),
	};
	return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
