/* Unit tests for core/extcal: external iCalendar documents read as busy time. Every
 * expectation is worked out by hand in the comment beside it (2026: 1 January is a Thursday;
 * Europe/Berlin is +01:00 until 29 March 01:00Z and from 25 October 01:00Z, +02:00 between;
 * New York is -05:00 until 8 March 07:00Z, -04:00 after). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/civil.h"
#include "core/extcal.h"
#include "core/tz.h"
#include "unit_helpers.h"

#define CAL(body)                                                                                  \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slotd tests//EN\r\n" body "END:VCALENDAR\r\n"
#define H 3600

/* The year 2026 in UTC, the window of most tests. */
static int64_t y2026(void)
{
	return utc_at(2026, 1, 1, 0, 0, 0);
}

static int64_t y2027(void)
{
	return utc_at(2027, 1, 1, 0, 0, 0);
}

static struct extcal_opts opts_in(const char *owner, int64_t from, int64_t to)
{
	struct extcal_opts o;

	memset(&o, 0, sizeof(o));
	o.db = unit_db;
	o.owner_tz = zone(owner);
	o.from = from;
	o.to = to;
	return o;
}

/* Reads text into a fresh r (window 2026, owner zone owner); the call must succeed. */
static void read_ok(struct extcal_result *r, const char *text, const char *owner)
{
	struct extcal_opts o = opts_in(owner, y2026(), y2027());
	struct err e;

	err_init(&e);
	extcal_result_init(r);
	if (extcal_add(r, text, strlen(text), &o, &e))
		fail_msg("refused: %s", e.message);
}

static void test_one_off_utc(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTART:20260310T140000Z\r\n"
		    "DTEND:20260310T150000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n"),
		"UTC");
	/* 10 March 14:00Z-15:00Z, as written. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 10, 14, 0, 0), utc_at(2026, 3, 10, 15, 0, 0));
	assert_int_equal(r.events, 1);
	assert_int_equal(r.skipped, 0);
	assert_false(r.truncated);
	assert_int_equal(r.nown, 0);
	extcal_result_release(&r);
}

static void test_berlin_across_dst(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:w@x\nDTSTART;TZID=Europe/Berlin:20260323T090000\n"
		    "DTEND;TZID=Europe/Berlin:20260323T100000\nRRULE:FREQ=WEEKLY;COUNT=3\n"
		    "END:VEVENT\n"
		    "BEGIN:VEVENT\nUID:gap@x\nDTSTART;TZID=Europe/Berlin:20260329T023000\n"
		    "DTEND;TZID=Europe/Berlin:20260329T040000\nEND:VEVENT\n"),
		"UTC");
	/* Mondays 23 March (CET, 09:00 = 08:00Z), 30 March and 6 April (CEST, 09:00 = 07:00Z),
	 * one hour each. 29 March 02:30 lies in the gap: it takes the offset before it (+01:00)
	 * = 01:30Z; 04:00 CEST = 02:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 23, 8, 0, 0), utc_at(2026, 3, 23, 9, 0, 0),
		    utc_at(2026, 3, 29, 1, 30, 0), utc_at(2026, 3, 29, 2, 0, 0),
		    utc_at(2026, 3, 30, 7, 0, 0), utc_at(2026, 3, 30, 8, 0, 0),
		    utc_at(2026, 4, 6, 7, 0, 0), utc_at(2026, 4, 6, 8, 0, 0));
	assert_int_equal(r.events, 2);
	extcal_result_release(&r);
}

static void test_floating_in_owner_zone(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:f@x\nDTSTART:20260115T100000\nDTEND:20260115T110000\n"
		    "END:VEVENT\n"),
		"America/New_York");
	/* 15 January 10:00-11:00 in New York, EST: 15:00Z-16:00Z. */
	ASSERT_OPEN(&r.busy, est(2026, 1, 15, 10, 0), est(2026, 1, 15, 11, 0));
	extcal_result_release(&r);
}

static void test_all_day_in_owner_zone(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:d1@x\nDTSTART;VALUE=DATE:20260120\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:d3@x\nDTSTART;VALUE=DATE:20260307\n"
		    "DTEND;VALUE=DATE:20260310\nEND:VEVENT\n"),
		"America/New_York");
	/* No DTEND: the day 20 January, New York midnight to midnight (EST): 05:00Z-05:00Z.
	 * 7 to 10 March (DTEND exclusive: 7, 8 and 9 March): from 7 March 00:00 EST = 05:00Z
	 * to 10 March 00:00 EDT (DST began on the 8th) = 04:00Z. */
	ASSERT_OPEN(&r.busy, est(2026, 1, 20, 0, 0), est(2026, 1, 21, 0, 0),
		    utc_at(2026, 3, 7, 5, 0, 0), utc_at(2026, 3, 10, 4, 0, 0));
	assert_int_equal(r.events, 2);
	extcal_result_release(&r);
}

static void test_weekly_with_exdate_and_overrides(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:series@x\nDTSTART;TZID=Europe/Berlin:20260105T100000\n"
		    "DTEND;TZID=Europe/Berlin:20260105T110000\nRRULE:FREQ=WEEKLY;COUNT=5\n"
		    "EXDATE;TZID=Europe/Berlin:20260112T100000\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:series@x\n"
		    "RECURRENCE-ID;TZID=Europe/Berlin:20260119T100000\n"
		    "DTSTART;TZID=Europe/Berlin:20260119T150000\n"
		    "DTEND;TZID=Europe/Berlin:20260119T160000\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:series@x\n"
		    "RECURRENCE-ID;TZID=Europe/Berlin:20260126T100000\nSTATUS:CANCELLED\n"
		    "DTSTART;TZID=Europe/Berlin:20260126T100000\n"
		    "DTEND;TZID=Europe/Berlin:20260126T110000\nEND:VEVENT\n"),
		"UTC");
	/* Mondays 5, 12, 19, 26 January and 2 February at 10:00 CET (09:00Z). The 12th is
	 * excluded; the 19th moved to 15:00 CET (14:00Z), so 09:00Z that day is free; the 26th
	 * is cancelled. Left: 5 Jan 09-10Z, 19 Jan 14-15Z, 2 Feb 09-10Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 5, 9, 0, 0), utc_at(2026, 1, 5, 10, 0, 0),
		    utc_at(2026, 1, 19, 14, 0, 0), utc_at(2026, 1, 19, 15, 0, 0),
		    utc_at(2026, 2, 2, 9, 0, 0), utc_at(2026, 2, 2, 10, 0, 0));
	assert_int_equal(r.events, 2);	/* the master and the moved occurrence */
	assert_int_equal(r.skipped, 1); /* the cancelled one */
	extcal_result_release(&r);
}

static void test_override_named_in_utc_and_exdate_in_utc(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:s2@x\nDTSTART;TZID=Europe/Berlin:20260105T100000\n"
		    "DURATION:PT1H\nRRULE:FREQ=WEEKLY;UNTIL=20260119T090000Z\n"
		    "EXDATE:20260105T090000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:s2@x\nRECURRENCE-ID:20260112T090000Z\n"
		    "DTSTART:20260113T090000Z\nDTEND:20260113T100000Z\nEND:VEVENT\n"),
		"UTC");
	/* Mondays 5, 12, 19 January 10:00 CET = 09:00Z (UNTIL 19 Jan 09:00Z is inclusive).
	 * EXDATE 5 Jan 09:00Z is the same instant: gone. The override names 12 Jan 09:00Z, the
	 * same instant as 10:00 CET, and moves it to Tuesday 13 Jan 09:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 13, 9, 0, 0), utc_at(2026, 1, 13, 10, 0, 0),
		    utc_at(2026, 1, 19, 9, 0, 0), utc_at(2026, 1, 19, 10, 0, 0));
	extcal_result_release(&r);
}

static void test_all_day_weekly_with_date_exdate(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:ad@x\nDTSTART;VALUE=DATE:20260105\n"
		    "DTEND;VALUE=DATE:20260106\nRRULE:FREQ=WEEKLY;COUNT=3\n"
		    "EXDATE;VALUE=DATE:20260112\nEND:VEVENT\n"),
		"America/New_York");
	/* Whole New York days 5, 12, 19 January less the 12th: 5 and 19 Jan, 05:00Z each. */
	ASSERT_OPEN(&r.busy, est(2026, 1, 5, 0, 0), est(2026, 1, 6, 0, 0), est(2026, 1, 19, 0, 0),
		    est(2026, 1, 20, 0, 0));
	extcal_result_release(&r);
}

static void test_rdate(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:rd@x\nDTSTART:20260601T120000Z\nDURATION:PT30M\n"
		    "RDATE:20260603T120000Z,20260605T130000Z\n"
		    "RDATE;VALUE=PERIOD:20260610T080000Z/20260610T100000Z\n"
		    "RDATE;TZID=Europe/Berlin:20260612T090000\nEND:VEVENT\n"),
		"UTC");
	/* DTSTART 1 June 12:00Z and the RDATEs 3 June 12:00Z and 5 June 13:00Z, 30 minutes each;
	 * the period 10 June 08:00Z-10:00Z as given; 12 June 09:00 CEST = 07:00Z, 30 min. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 6, 1, 12, 0, 0), utc_at(2026, 6, 1, 12, 30, 0),
		    utc_at(2026, 6, 3, 12, 0, 0), utc_at(2026, 6, 3, 12, 30, 0),
		    utc_at(2026, 6, 5, 13, 0, 0), utc_at(2026, 6, 5, 13, 30, 0),
		    utc_at(2026, 6, 10, 8, 0, 0), utc_at(2026, 6, 10, 10, 0, 0),
		    utc_at(2026, 6, 12, 7, 0, 0), utc_at(2026, 6, 12, 7, 30, 0));
	extcal_result_release(&r);
}

static void test_count_and_until(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:c@x\nDTSTART:20260201T080000Z\nDTEND:20260201T090000Z\n"
		    "RRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:u@x\nDTSTART:20260210T080000Z\nDTEND:20260210T090000Z\n"
		    "RRULE:FREQ=DAILY;UNTIL=20260212T080000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:m@x\nDTSTART:20260315T090000Z\nDTEND:20260315T100000Z\n"
		    "RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2\nEND:VEVENT\n"),
		"UTC");
	/* COUNT=3: 1, 2, 3 Feb 08-09Z. UNTIL is inclusive: 10, 11, 12 Feb. Monthly on the 15th
	 * twice: 15 March and 15 April 09-10Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 2, 1, 8, 0, 0), utc_at(2026, 2, 1, 9, 0, 0),
		    utc_at(2026, 2, 2, 8, 0, 0), utc_at(2026, 2, 2, 9, 0, 0),
		    utc_at(2026, 2, 3, 8, 0, 0), utc_at(2026, 2, 3, 9, 0, 0),
		    utc_at(2026, 2, 10, 8, 0, 0), utc_at(2026, 2, 10, 9, 0, 0),
		    utc_at(2026, 2, 11, 8, 0, 0), utc_at(2026, 2, 11, 9, 0, 0),
		    utc_at(2026, 2, 12, 8, 0, 0), utc_at(2026, 2, 12, 9, 0, 0),
		    utc_at(2026, 3, 15, 9, 0, 0), utc_at(2026, 3, 15, 10, 0, 0),
		    utc_at(2026, 4, 15, 9, 0, 0), utc_at(2026, 4, 15, 10, 0, 0));
	extcal_result_release(&r);
}

static void test_count_counts_before_the_window(void **state)
{
	struct extcal_opts o = opts_in("UTC", utc_at(2026, 1, 1, 0, 0, 0), y2027());
	const char *text = CAL("BEGIN:VEVENT\nUID:c2@x\nDTSTART:20251229T080000Z\n"
			       "DTEND:20251229T090000Z\nRRULE:FREQ=DAILY;COUNT=5\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	/* 29, 30, 31 December (outside) then 1 and 2 January: the last two only. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 1, 8, 0, 0), utc_at(2026, 1, 1, 9, 0, 0),
		    utc_at(2026, 1, 2, 8, 0, 0), utc_at(2026, 1, 2, 9, 0, 0));
	extcal_result_release(&r);
}

static void test_transparent_and_cancelled_skipped(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:t@x\nDTSTART:20260310T140000Z\nDTEND:20260310T150000Z\n"
		    "TRANSP:TRANSPARENT\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:k@x\nDTSTART:20260311T140000Z\nDTEND:20260311T150000Z\n"
		    "STATUS:CANCELLED\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:o@x\nDTSTART:20260312T140000Z\nDTEND:20260312T150000Z\n"
		    "TRANSP:OPAQUE\nSTATUS:CONFIRMED\nEND:VEVENT\n"),
		"UTC");
	/* Only the opaque, confirmed one: 12 March 14-15Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 12, 14, 0, 0), utc_at(2026, 3, 12, 15, 0, 0));
	assert_int_equal(r.events, 1);
	assert_int_equal(r.skipped, 2);
	extcal_result_release(&r);
}

/* As Outlook writes it: a Windows zone name, quoted, with its VTIMEZONE from 1601. */
static void test_outlook_windows_zone(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n"
		    "DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
		    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
		    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n"
		    "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\n"
		    "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
		    "BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E00800000000\r\n"
		    "DTSTART;TZID=\"W. Europe Standard Time\":20260701T090000\r\n"
		    "DTEND;TZID=\"W. Europe Standard Time\":20260701T100000\r\n"
		    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nEND:VEVENT\r\n"),
		"UTC");
	/* Europe/Berlin in July (CEST): 09:00-10:00 = 07:00Z-08:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 7, 1, 7, 0, 0), utc_at(2026, 7, 1, 8, 0, 0));
	assert_string_equal(extcal_windows_zone("W. Europe Standard Time"), "Europe/Berlin");
	extcal_result_release(&r);
}

static void test_custom_vtimezone(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VTIMEZONE\nTZID:Custom Zone\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
		    "TZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nTZNAME:CZT\nEND:STANDARD\n"
		    "END:VTIMEZONE\n"
		    "BEGIN:VEVENT\nUID:cz@x\nDTSTART;TZID=Custom Zone:20260801T120000\n"
		    "DTEND;TZID=Custom Zone:20260801T130000\nRRULE:FREQ=WEEKLY;COUNT=2\n"
		    "END:VEVENT\n"),
		"America/New_York");
	/* +03:00 all year: Saturdays 1 and 8 August 12:00-13:00 = 09:00Z-10:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 8, 1, 9, 0, 0), utc_at(2026, 8, 1, 10, 0, 0),
		    utc_at(2026, 8, 8, 9, 0, 0), utc_at(2026, 8, 8, 10, 0, 0));
	extcal_result_release(&r);
}

/* A custom zone with DST of its own: the gap and overlap rules apply to it too. */
static void test_custom_vtimezone_with_dst(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VTIMEZONE\nTZID:My Berlin\n"
		    "BEGIN:DAYLIGHT\nDTSTART:19810329T020000\nTZOFFSETFROM:+0100\n"
		    "TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\n"
		    "BEGIN:STANDARD\nDTSTART:19961027T030000\nTZOFFSETFROM:+0200\n"
		    "TZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\n"
		    "END:VTIMEZONE\n"
		    "BEGIN:VEVENT\nUID:g@x\nDTSTART;TZID=My Berlin:20260329T023000\n"
		    "DTEND;TZID=My Berlin:20260329T040000\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:v@x\nDTSTART;TZID=My Berlin:20261025T023000\n"
		    "DTEND;TZID=My Berlin:20261025T033000\nEND:VEVENT\n"),
		"UTC");
	/* 29 March 02:30 is in the gap: offset before (+01:00) = 01:30Z, to 04:00 CEST = 02:00Z.
	 * 25 October 02:30 happens twice: the first (CEST) = 00:30Z; 03:30 CET = 02:30Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 29, 1, 30, 0), utc_at(2026, 3, 29, 2, 0, 0),
		    utc_at(2026, 10, 25, 0, 30, 0), utc_at(2026, 10, 25, 2, 30, 0));
	extcal_result_release(&r);
}

static void test_prefixed_iana_names(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:p1@x\n"
		    "DTSTART;TZID=/freeassociation.sourceforge.net/Europe/Berlin:20260115T090000\n"
		    "DTEND;TZID=/freeassociation.sourceforge.net/Europe/Berlin:20260115T100000\n"
		    "END:VEVENT\n"
		    "BEGIN:VEVENT\nUID:p2@x\n"
		    "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260115T120000\n"
		    "DURATION:PT1H\nEND:VEVENT\n"),
		"UTC");
	/* Berlin in January (+01:00): 09:00 = 08:00Z; New York (EST): 12:00 = 17:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 15, 8, 0, 0), utc_at(2026, 1, 15, 9, 0, 0),
		    est(2026, 1, 15, 12, 0), est(2026, 1, 15, 13, 0));
	extcal_result_release(&r);
}

static void test_unknown_tzid_reads_as_owner_zone(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:n@x\nDTSTART;TZID=Nowhere Standard Time:20260115T090000\n"
		    "DTEND;TZID=Nowhere Standard Time:20260115T100000\nEND:VEVENT\n"),
		"America/New_York");
	/* No such zone and no VTIMEZONE: like a floating time in New York, 14:00Z-15:00Z. */
	ASSERT_OPEN(&r.busy, est(2026, 1, 15, 9, 0), est(2026, 1, 15, 10, 0));
	extcal_result_release(&r);
}

static void test_own_bookings_apart(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:bk_abc@slotd\nDTSTART:20260401T100000Z\n"
		    "DTEND:20260401T110000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:other@slotd.example\nDTSTART:20260402T100000Z\n"
		    "DTEND:20260402T110000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:a234567890b234567890c234567890d234567890e234567890f234567890"
		    "abcd@slotd\nDTSTART:20260403T100000Z\nDTEND:20260403T110000Z\nEND:VEVENT\n"),
		"UTC");
	/* bk_abc@slotd is listed apart, not busy; "@slotd.example" is an ordinary UID, and so is
	 * one whose id (64 characters) is longer than any booking id. */
	assert_int_equal(r.nown, 1);
	assert_string_equal(r.own[0].booking_id, "bk_abc");
	assert_int_equal(r.own[0].start, utc_at(2026, 4, 1, 10, 0, 0));
	assert_int_equal(r.own[0].end, utc_at(2026, 4, 1, 11, 0, 0));
	ASSERT_OPEN(&r.busy, utc_at(2026, 4, 2, 10, 0, 0), utc_at(2026, 4, 2, 11, 0, 0),
		    utc_at(2026, 4, 3, 10, 0, 0), utc_at(2026, 4, 3, 11, 0, 0));
	assert_int_equal(r.events, 2);
	extcal_result_release(&r);
}

static void test_window_clipping(void **state)
{
	struct extcal_opts o =
	    opts_in("UTC", utc_at(2026, 1, 1, 0, 0, 0), utc_at(2026, 1, 2, 0, 0, 0));
	const char *text =
	    CAL("BEGIN:VEVENT\nUID:a@x\nDTSTART:20251231T220000Z\nDTEND:20260101T020000Z\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\nUID:b@x\nDTSTART:20260101T230000Z\nDTEND:20260102T050000Z\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\nUID:c@x\nDTSTART:20260102T000000Z\nDTEND:20260102T010000Z\n"
		"END:VEVENT\n"
		"BEGIN:VEVENT\nUID:d@x\nDTSTART:20251231T000000Z\nDTEND:20260101T000000Z\n"
		"END:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	/* Window 1 January: a is cut to 00:00-02:00, b to 23:00-24:00; c starts at the end and
	 * d ends at the start of the window (half-open): neither overlaps. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 1, 0, 0, 0), utc_at(2026, 1, 1, 2, 0, 0),
		    utc_at(2026, 1, 1, 23, 0, 0), utc_at(2026, 1, 2, 0, 0, 0));
	extcal_result_release(&r);
}

static void expect_invalid(const char *text, size_t len, const char *message)
{
	struct extcal_opts o = opts_in("UTC", y2026(), y2027());
	struct extcal_result r;
	struct err e;

	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, len, &o, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.message, message);
	assert_int_equal(r.busy.n, 0);
	extcal_result_release(&r);
}

static void test_garbage_is_invalid(void **state)
{
	static const char cut[] = CAL("BEGIN:VEVENT\nUID:a@x\nDTSTART:20260101T100000Z\n"
				      "END:VEVENT\n");

	(void)state;
	expect_invalid("<html><body>Login required</body></html>", 40, "not an iCalendar document");
	expect_invalid("", 0, "not an iCalendar document");
	expect_invalid("BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT\n", 50,
		       "not an iCalendar document");
	/* The text ends before END:VCALENDAR (len stops short of it). */
	expect_invalid(cut, strlen(cut) - strlen("END:VCALENDAR\r\n"),
		       "the iCalendar document ends before END:VCALENDAR");
}

/* None of these may crash, hang or leak (the sanitizer build checks the last two). */
static void test_odd_input_survives(void **state)
{
	static const char *const texts[] = {
	    CAL("BEGIN:VEVENT\nUID:a\nSUMMARY:no start\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:garbage\nDTEND:20260101T100000Z\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nRRULE:FREQ=NEVER\n"
		"DTEND:20260101T110000Z\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nDTEND:20260101T110000Z\n"
		"RRULE:FREQ=DAILY;COUNT=2000000000\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260301T100000Z\nDTEND:20260301T110000Z\n"
		"RRULE:FREQ=DAILY;UNTIL=20250101T000000Z\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260301T100000Z\nDTEND:20260301T110000Z\n"
		"RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:00010101T100000Z\nDTEND:00010101T110000Z\n"
		"RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260301T100000Z\nBEGIN:VALARM\nEND:VEVENT\n"),
	    CAL("BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260301T100000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:a\nRECURRENCE-ID;TZID=Nowhere:20260301T100000\n"
		"DTSTART:20260302T100000Z\nDTEND:20260302T110000Z\nEND:VEVENT\n"),
	    CAL("BEGIN:VTIMEZONE\nTZID:Evil\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
		"TZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=SECONDLY\nEND:STANDARD\n"
		"END:VTIMEZONE\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Evil:20260301T100000\n"
		"DTEND;TZID=Evil:20260301T110000\nEND:VEVENT\n"),
	    CAL("BEGIN:VTIMEZONE\nTZID:Empty\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:a\n"
		"DTSTART;TZID=Empty:20260301T100000\nDURATION:-PT1H\nEND:VEVENT\n"),
	    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VEVENT\nEND:VCALENDAR\n",
	    "BEGIN:VCALENDAR\nBEGIN:VCALENDAR\nBEGIN:VCALENDAR\n\x01\x02\xff\xfe\n",
	    NULL,
	};
	struct extcal_opts o = opts_in("Europe/Berlin", y2026(), y2027());
	size_t i;

	(void)state;
	for (i = 0; texts[i]; i++) {
		struct extcal_result r;
		struct err e;

		err_init(&e);
		extcal_result_init(&r);
		extcal_add(&r, texts[i], strlen(texts[i]), &o, &e);
		/* Within the budget, give or take one pass of libical's iterator. */
		assert_true(r.cpu_ns < EXTCAL_BUDGET_NS + EXTCAL_BUDGET_NS / 2);
		extcal_result_release(&r);
	}
}

static void test_odd_rules_give_what_they_can(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260301T100000Z\nDTEND:20260301T110000Z\n"
		    "RRULE:FREQ=DAILY;COUNT=2000000000\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:b\nDTSTART:20260301T120000Z\nDTEND:20260301T130000Z\n"
		    "RRULE:FREQ=DAILY;UNTIL=20250101T000000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:c\nDTSTART:20260301T140000Z\nEND:VEVENT\n"),
		"UTC");
	/* a: every day from 1 March to the end of 2026 (31+30+31+30+31+31+30+31+30+31 = 306
	 * days), 10-11Z. b: its UNTIL lies before DTSTART: DTSTART alone (it always counts),
	 * 1 March 12-13Z. c has no end: no time. 306 + 1 intervals. */
	assert_int_equal(r.busy.n, 307);
	assert_int_equal(r.busy.v[0].start, utc_at(2026, 3, 1, 10, 0, 0));
	assert_int_equal(r.busy.v[0].end, utc_at(2026, 3, 1, 11, 0, 0));
	assert_int_equal(r.busy.v[1].start, utc_at(2026, 3, 1, 12, 0, 0));
	assert_int_equal(r.busy.v[2].start, utc_at(2026, 3, 2, 10, 0, 0));
	assert_int_equal(r.busy.v[306].start, utc_at(2026, 12, 31, 10, 0, 0));
	assert_int_equal(r.events, 3);
	extcal_result_release(&r);
}

static void test_secondly_is_cut_short(void **state)
{
	struct extcal_result r;
	time_t t0 = time(NULL);

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:s\nDTSTART:20260101T000000Z\nDTEND:20260101T000001Z\n"
		    "RRULE:FREQ=SECONDLY\nEND:VEVENT\n"),
		"UTC");
	/* A second every second from 1 January: 31.5 million in the year. It stops at the
	 * occurrence cap (or at the CPU budget on a slow build): one interval from the start. */
	assert_true(r.truncated);
	assert_int_equal(r.busy.n, 1);
	assert_int_equal(r.busy.v[0].start, y2026());
	assert_true(r.busy.v[0].end <= y2026() + EXTCAL_MAX_OCCURRENCES);
	assert_true(r.occurrences <= EXTCAL_MAX_OCCURRENCES);
	assert_true(time(NULL) - t0 < 30);
	extcal_result_release(&r);
}

static void test_several_calendars_in_one_text(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:one@x\nDTSTART:20260501T080000Z\nDTEND:20260501T090000Z\n"
		    "RRULE:FREQ=DAILY;COUNT=2\nEND:VEVENT\n")
		    CAL("BEGIN:VEVENT\nUID:one@x\nRECURRENCE-ID:20260502T080000Z\n"
			"DTSTART:20260502T100000Z\nDTEND:20260502T110000Z\nEND:VEVENT\n")
			CAL("BEGIN:VEVENT\nUID:two@x\nDTSTART:20260501T085900Z\n"
			    "DTEND:20260501T093000Z\nEND:VEVENT\n"),
		"UTC");
	/* 1 May 08-09Z and 08:59-09:30Z merge into 08:00-09:30Z; the 2 May occurrence is moved
	 * (by the override in the second VCALENDAR) from 08:00Z to 10-11Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 5, 1, 8, 0, 0), utc_at(2026, 5, 1, 9, 30, 0),
		    utc_at(2026, 5, 2, 10, 0, 0), utc_at(2026, 5, 2, 11, 0, 0));
	assert_int_equal(r.events, 3);
	extcal_result_release(&r);
}

static void test_added_calls_merge(void **state)
{
	struct extcal_opts o = opts_in("UTC", y2026(), y2027());
	const char *a = CAL("BEGIN:VEVENT\nUID:a@x\nDTSTART:20260501T080000Z\n"
			    "DTEND:20260501T090000Z\nEND:VEVENT\n");
	const char *b = CAL("BEGIN:VEVENT\nUID:b@x\nDTSTART:20260501T090000Z\n"
			    "DTEND:20260501T100000Z\nEND:VEVENT\n"
			    "BEGIN:VEVENT\nUID:c@x\nDTSTART:20260501T070000Z\n"
			    "DTEND:20260501T073000Z\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, a, strlen(a), &o, &e), 0);
	assert_int_equal(extcal_add(&r, b, strlen(b), &o, &e), 0);
	/* 08-09Z then 09-10Z touch: one interval 08-10Z; 07:00-07:30Z apart, first. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 5, 1, 7, 0, 0), utc_at(2026, 5, 1, 7, 30, 0),
		    utc_at(2026, 5, 1, 8, 0, 0), utc_at(2026, 5, 1, 10, 0, 0));
	assert_int_equal(r.events, 3);
	extcal_result_release(&r);
}

/* The shapes expanded without libical's iterator (daily and weekly with a plain BYDAY,
 * monthly by day or weekday with BYSETPOS, yearly by month) must agree with libical, deep into
 * a series that started years before the window (and from its start under COUNT). A part
 * that changes nothing sends the same rule through libical: BYMONTH with every month for
 * daily to monthly rules, BYHOUR with the start's hour for yearly ones. */
static void test_simple_rules_match_libical(void **state)
{
	static const char *const months = ";BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12";
	static const char *const cases[][3] = {
	    {"20230102T093000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU", months},
	    {"20230102T093000", "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,MO", months},
	    {"20230102T093000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,MO;WKST=MO;COUNT=200", months},
	    {"20230105T093000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TH;WKST=SU", months},
	    {"20230102T093000", "FREQ=WEEKLY", months},
	    {"20230102T093000", "FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE,FR", months},
	    {"20230102T093000", "FREQ=DAILY;INTERVAL=5", months},
	    {"20230102T093000", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260601T000000Z", months},
	    {"20230131T093000", "FREQ=MONTHLY", months},
	    {"20230131T093000", "FREQ=MONTHLY;INTERVAL=5", months},
	    {"20230131T093000", "FREQ=MONTHLY;BYMONTHDAY=-1,15,30", months},
	    {"20230102T093000", "FREQ=MONTHLY;BYDAY=1MO,-1FR", months},
	    {"20230102T093000", "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO", months},
	    {"20230102T093000", "FREQ=MONTHLY;BYDAY=5MO,-5SU;COUNT=40", months},
	    {"20230113T093000", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", months},
	    {"20230110T093000", "FREQ=MONTHLY;BYDAY=2TU;COUNT=45", months},
	    {"20230131T093000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", months},
	    {"20230102T093000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-2;COUNT=90", months},
	    {"20230115T093000", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,15,-1;BYSETPOS=2", months},
	    {"20230315T093000", "FREQ=YEARLY;BYMONTH=3", ";BYHOUR=9"},
	    {"20230101T093000", "FREQ=YEARLY;BYMONTH=5;BYDAY=2SU", ";BYHOUR=9"},
	    {"20240101T093000", "FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7;BYMONTHDAY=1,-1", ";BYHOUR=9"},
	    {"20200228T093000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;COUNT=9", ";BYHOUR=9"},
	    {"20230101T093000", "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU", ";BYHOUR=9"},
	    {"20230101T093000", "FREQ=YEARLY;BYMONTH=11;BYDAY=TH", ";BYHOUR=9"},
	    {NULL, NULL, NULL},
	};
	size_t i, k;

	(void)state;
	for (i = 0; cases[i][0]; i++) {
		struct extcal_result fast, slow;
		char a[1024], b[1024];

		snprintf(a, sizeof(a),
			 CAL("BEGIN:VEVENT\nUID:r\nDTSTART;TZID=Europe/Berlin:%s\n"
			     "DURATION:PT45M\nRRULE:%s\nEND:VEVENT\n"),
			 cases[i][0], cases[i][1]);
		snprintf(b, sizeof(b),
			 CAL("BEGIN:VEVENT\nUID:r\nDTSTART;TZID=Europe/Berlin:%s\n"
			     "DURATION:PT45M\nRRULE:%s%s\nEND:VEVENT\n"),
			 cases[i][0], cases[i][1], cases[i][2]);
		read_ok(&fast, a, "UTC");
		read_ok(&slow, b, "UTC");
		if (fast.busy.n != slow.busy.n || fast.busy.n == 0)
			fail_msg("%s: %zu vs %zu intervals", cases[i][1], fast.busy.n, slow.busy.n);
		for (k = 0; k < fast.busy.n; k++) {
			if (fast.busy.v[k].start != slow.busy.v[k].start ||
			    fast.busy.v[k].end != slow.busy.v[k].end)
				fail_msg("%s: interval %zu differs", cases[i][1], k);
		}
		extcal_result_release(&fast);
		extcal_result_release(&slow);
	}
}

static void test_yearly_dates(void **state)
{
	struct extcal_opts o = opts_in("America/New_York", y2026(), utc_at(2029, 1, 1, 0, 0, 0));
	const char *text =
	    CAL("BEGIN:VEVENT\nUID:leap@x\nDTSTART;VALUE=DATE:20000229\n"
		"RRULE:FREQ=YEARLY\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:bd@x\nDTSTART;VALUE=DATE:19800704\nDTEND;VALUE=DATE:19800705\n"
		"RRULE:FREQ=YEARLY;INTERVAL=2\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	/* 29 February only in leap years: 2028 (EST). Every other 4 July from 1980: 2026 and
	 * 2028 (EDT: midnight = 04:00Z). */
	ASSERT_OPEN(&r.busy, utc_at(2026, 7, 4, 4, 0, 0), utc_at(2026, 7, 5, 4, 0, 0),
		    est(2028, 2, 29, 0, 0), est(2028, 3, 1, 0, 0), utc_at(2028, 7, 4, 4, 0, 0),
		    utc_at(2028, 7, 5, 4, 0, 0));
	extcal_result_release(&r);
}

static void test_hourly_deep_in_series(void **state)
{
	struct extcal_opts o =
	    opts_in("UTC", utc_at(2026, 1, 10, 0, 0, 0), utc_at(2026, 1, 10, 12, 0, 0));
	const char *text = CAL("BEGIN:VEVENT\nUID:h\nDTSTART:20260101T040000Z\nDURATION:PT30M\n"
			       "RRULE:FREQ=HOURLY;INTERVAL=5\nEND:VEVENT\n"
			       "BEGIN:VEVENT\nUID:h2\nDTSTART:20260101T041500Z\nDURATION:PT15M\n"
			       "RRULE:FREQ=HOURLY;INTERVAL=5;BYHOUR=8,13,18\nEND:VEVENT\n"
			       "BEGIN:VEVENT\nUID:h3\nDTSTART:20260101T044000Z\nDURATION:PT10M\n"
			       "RRULE:FREQ=HOURLY;BYHOUR=10\nEND:VEVENT\n"
			       "BEGIN:VEVENT\nUID:h4\nDTSTART:20200101T045000Z\nDURATION:PT5M\n"
			       "RRULE:FREQ=HOURLY;BYHOUR=11\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	/* Every 5 hours from 1 January 04:00Z: hour 4 + 5n after 1 Jan 00:00Z. 10 January
	 * 00:00Z is hour 216: n = 43 gives 219 (03:00Z), n = 44 gives 224 (08:00Z), 229 (13:00Z)
	 * is past the window. h2 runs at :15 on the same hours, kept only at 8, 13, 18 o'clock:
	 * 08:15-08:30Z. h3 (a start that is not an occurrence) runs daily at 10:40Z, h4 (the
	 * same, from six years before) at 11:50Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 10, 3, 0, 0), utc_at(2026, 1, 10, 3, 30, 0),
		    utc_at(2026, 1, 10, 8, 0, 0), utc_at(2026, 1, 10, 8, 30, 0),
		    utc_at(2026, 1, 10, 10, 40, 0), utc_at(2026, 1, 10, 10, 50, 0),
		    utc_at(2026, 1, 10, 11, 50, 0), utc_at(2026, 1, 10, 11, 55, 0));
	extcal_result_release(&r);
}

/* A BY list need not be sorted: libical yields "BYHOUR=17,4" in that order (17:00 before
 * 04:00 each day), which must not cost the occurrences at the end of a pass. */
static void test_unsorted_by_list(void **state)
{
	struct extcal_result r;
	size_t k;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:u\nDTSTART:20240218T040000Z\nDURATION:PT30M\n"
		    "RRULE:FREQ=HOURLY;BYHOUR=17,4\nEND:VEVENT\n"),
		"UTC");
	/* 04:00-04:30Z and 17:00-17:30Z on each of the 365 days of 2026. */
	assert_int_equal(r.busy.n, 730);
	for (k = 0; k < r.busy.n; k++) {
		int64_t day = y2026() + (int64_t)(k / 2) * 86400, at = day + (k % 2 ? 17 : 4) * H;
		assert_int_equal(r.busy.v[k].start, at);
		assert_int_equal(r.busy.v[k].end, at + 1800);
	}
	extcal_result_release(&r);
}

/* An ordinal BYDAY outside MONTHLY and YEARLY rules (RFC 5545 allows none there) is read as
 * the plain weekday, with and without the arithmetic expansion (BYMONTH sends the rule to
 * libical's iterator, which yields other days for it). */
static void test_weekly_byday_ordinal_is_the_weekday(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260105T090000Z\nDURATION:PT1H\n"
		    "RRULE:FREQ=WEEKLY;BYDAY=1MO;COUNT=4\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:b\nDTSTART:20260107T120000Z\nDURATION:PT1H\n"
		    "RRULE:FREQ=WEEKLY;BYDAY=1WE;BYMONTH=1;COUNT=3\nEND:VEVENT\n"),
		"UTC");
	/* Mondays 5, 12, 19 and 26 January at 09:00Z; Wednesdays 7, 14 and 21 at 12:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 5, 9, 0, 0), utc_at(2026, 1, 5, 10, 0, 0),
		    utc_at(2026, 1, 7, 12, 0, 0), utc_at(2026, 1, 7, 13, 0, 0),
		    utc_at(2026, 1, 12, 9, 0, 0), utc_at(2026, 1, 12, 10, 0, 0),
		    utc_at(2026, 1, 14, 12, 0, 0), utc_at(2026, 1, 14, 13, 0, 0),
		    utc_at(2026, 1, 19, 9, 0, 0), utc_at(2026, 1, 19, 10, 0, 0),
		    utc_at(2026, 1, 21, 12, 0, 0), utc_at(2026, 1, 21, 13, 0, 0),
		    utc_at(2026, 1, 26, 9, 0, 0), utc_at(2026, 1, 26, 10, 0, 0));
	extcal_result_release(&r);
}

/* BYSETPOS picks within each week of a WEEKLY rule (libical's iterator ignores it there and
 * would make every weekday busy). */
static void test_weekly_bysetpos(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:a\nDTSTART:20260102T090000Z\nDURATION:PT1H\n"
		    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:b\nDTSTART:20260105T120000Z\nDURATION:PT1H\n"
		    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,MO;BYSETPOS=1;COUNT=3\nEND:VEVENT\n"),
		"UTC");
	/* The last weekday of each week: Fridays 2, 9 and 16 January at 09:00Z. The first of
	 * Monday and Wednesday every other week: Mondays 5 and 19 January, 2 February, 12:00Z. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 1, 2, 9, 0, 0), utc_at(2026, 1, 2, 10, 0, 0),
		    utc_at(2026, 1, 5, 12, 0, 0), utc_at(2026, 1, 5, 13, 0, 0),
		    utc_at(2026, 1, 9, 9, 0, 0), utc_at(2026, 1, 9, 10, 0, 0),
		    utc_at(2026, 1, 16, 9, 0, 0), utc_at(2026, 1, 16, 10, 0, 0),
		    utc_at(2026, 1, 19, 12, 0, 0), utc_at(2026, 1, 19, 13, 0, 0),
		    utc_at(2026, 2, 2, 12, 0, 0), utc_at(2026, 2, 2, 13, 0, 0));
	extcal_result_release(&r);
}

static void test_nominal_day_duration_across_dst(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:nd@x\nDTSTART;TZID=America/New_York:20260307T120000\n"
		    "DURATION:P1D\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:ex@x\nDTSTART;TZID=America/New_York:20260314T120000\n"
		    "DURATION:PT24H\nEND:VEVENT\n"),
		"UTC");
	/* P1D is a day on the wall clock: 7 March 12:00 EST (17:00Z) to 8 March 12:00 EDT
	 * (16:00Z), 23 hours. PT24H is exact: 14 March 12:00 EDT (16:00Z) + 24 h. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 7, 17, 0, 0), utc_at(2026, 3, 8, 16, 0, 0),
		    utc_at(2026, 3, 14, 16, 0, 0), utc_at(2026, 3, 15, 16, 0, 0));
	extcal_result_release(&r);
}

static void test_all_day_series_override_by_date(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:ads@x\nDTSTART;VALUE=DATE:20260601\n"
		    "RRULE:FREQ=DAILY;UNTIL=20260603\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:ads@x\nRECURRENCE-ID;VALUE=DATE:20260602\n"
		    "DTSTART;VALUE=DATE:20260610\nEND:VEVENT\n"),
		"Europe/Berlin");
	/* Whole Berlin days (CEST, midnight = 22:00Z the day before) 1, 2 and 3 June (UNTIL as a
	 * date includes that day); the 2nd moves to the 10th. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 5, 31, 22, 0, 0), utc_at(2026, 6, 1, 22, 0, 0),
		    utc_at(2026, 6, 2, 22, 0, 0), utc_at(2026, 6, 3, 22, 0, 0),
		    utc_at(2026, 6, 9, 22, 0, 0), utc_at(2026, 6, 10, 22, 0, 0));
	extcal_result_release(&r);
}

static void test_override_moves_across_the_window_edge(void **state)
{
	struct extcal_opts o =
	    opts_in("UTC", utc_at(2026, 3, 1, 0, 0, 0), utc_at(2026, 4, 1, 0, 0, 0));
	const char *text =
	    CAL("BEGIN:VEVENT\nUID:e@x\nDTSTART:20260225T100000Z\nDTEND:20260225T110000Z\n"
		"RRULE:FREQ=WEEKLY;COUNT=6\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:e@x\nRECURRENCE-ID:20260225T100000Z\n"
		"DTSTART:20260302T100000Z\nDTEND:20260302T110000Z\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:e@x\nRECURRENCE-ID:20260304T100000Z\n"
		"DTSTART:20260415T100000Z\nDTEND:20260415T110000Z\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	/* Wednesdays 25 Feb, 4, 11, 18, 25 March and 1 April 10-11Z; window March. 25 Feb (before
	 * the window) moves into it on 2 March; 4 March moves out of it (15 April). Left in
	 * March: 2, 11, 18, 25. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 2, 10, 0, 0), utc_at(2026, 3, 2, 11, 0, 0),
		    utc_at(2026, 3, 11, 10, 0, 0), utc_at(2026, 3, 11, 11, 0, 0),
		    utc_at(2026, 3, 18, 10, 0, 0), utc_at(2026, 3, 18, 11, 0, 0),
		    utc_at(2026, 3, 25, 10, 0, 0), utc_at(2026, 3, 25, 11, 0, 0));
	extcal_result_release(&r);
}

static void test_own_series_one_entry_per_occurrence(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:bk_s@slotd\nDTSTART:20260401T100000Z\nDURATION:PT1H\n"
		    "RRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:bk_s@slotd\nRECURRENCE-ID:20260402T100000Z\n"
		    "STATUS:CANCELLED\nDTSTART:20260402T100000Z\nDURATION:PT1H\nEND:VEVENT\n"),
		"UTC");
	/* 1, 2, 3 April 10-11Z less the cancelled 2nd: two entries, nothing busy. */
	assert_int_equal(r.nown, 2);
	assert_string_equal(r.own[0].booking_id, "bk_s");
	assert_int_equal(r.own[0].start, utc_at(2026, 4, 1, 10, 0, 0));
	assert_string_equal(r.own[1].booking_id, "bk_s");
	assert_int_equal(r.own[1].start, utc_at(2026, 4, 3, 10, 0, 0));
	assert_int_equal(r.own[1].end, utc_at(2026, 4, 3, 11, 0, 0));
	assert_int_equal(r.busy.n, 0);
	assert_int_equal(r.events, 0);
	assert_int_equal(r.skipped, 1);
	extcal_result_release(&r);
}

static void test_unreadable_events_skipped_others_kept(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VEVENT\nUID:bad1@x\nDTSTART:2026-03-10 14:00\nDTEND:20260310T150000Z\n"
		    "END:VEVENT\n"
		    "BEGIN:VEVENT\nUID:bad2@x\nDTEND:20260310T150000Z\nEND:VEVENT\n"
		    "BEGIN:VEVENT\nUID:good@x\nDTSTART:20260311T140000Z\nDTEND:20260311T150000Z\n"
		    "RRULE:FREQ=SOMETIMES\nEND:VEVENT\n"),
		"UTC");
	/* Two events without a readable DTSTART are left out; the third keeps its DTSTART
	 * occurrence although its rule cannot be read. */
	ASSERT_OPEN(&r.busy, utc_at(2026, 3, 11, 14, 0, 0), utc_at(2026, 3, 11, 15, 0, 0));
	assert_int_equal(r.events, 1);
	extcal_result_release(&r);
}

static void test_empty_calendar_and_length_bound(void **state)
{
	struct extcal_opts o = opts_in("UTC", y2026(), y2027());
	/* Only the first len bytes count: the event after them is not read. */
	const char *text = CAL("") CAL("BEGIN:VEVENT\nUID:a@x\nDTSTART:20260311T140000Z\n"
				       "DTEND:20260311T150000Z\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	extcal_result_init(&r);
	assert_int_equal(extcal_add(&r, text, strlen(CAL("")), &o, &e), 0);
	assert_int_equal(r.busy.n, 0);
	assert_int_equal(r.events, 0);
	extcal_result_release(&r);
}

/* A VTIMEZONE whose rules libical would expand into millions of transitions is not used:
 * its times are read like floating ones. */
static void test_costly_vtimezone_not_used(void **state)
{
	struct extcal_result r;

	(void)state;
	read_ok(&r,
		CAL("BEGIN:VTIMEZONE\nTZID:Evil\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
		    "TZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=SECONDLY\nEND:STANDARD\n"
		    "END:VTIMEZONE\n"
		    "BEGIN:VEVENT\nUID:ev@x\nDTSTART;TZID=Evil:20260115T090000\n"
		    "DTEND;TZID=Evil:20260115T100000\nEND:VEVENT\n"),
		"America/New_York");
	/* Read in New York (EST): 09:00-10:00 = 14:00Z-15:00Z. */
	ASSERT_OPEN(&r.busy, est(2026, 1, 15, 9, 0), est(2026, 1, 15, 10, 0));
	extcal_result_release(&r);
}

static void test_caps_apply_to_the_whole_result(void **state)
{
	struct extcal_opts o = opts_in("UTC", y2026(), y2027());
	const char *text = CAL("BEGIN:VEVENT\nUID:d@x\nDTSTART:20260201T080000Z\n"
			       "DTEND:20260201T090000Z\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n");
	struct extcal_result r;
	struct err e;

	(void)state;
	err_init(&e);
	/* Earlier calls kept all but one occurrence the cap allows: one more fits (1 Feb). */
	extcal_result_init(&r);
	r.occurrences = EXTCAL_MAX_OCCURRENCES - 1;
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	ASSERT_OPEN(&r.busy, utc_at(2026, 2, 1, 8, 0, 0), utc_at(2026, 2, 1, 9, 0, 0));
	assert_true(r.truncated);
	extcal_result_release(&r);
	/* Earlier calls spent the CPU budget: nothing more is expanded. */
	extcal_result_init(&r);
	r.cpu_ns = EXTCAL_BUDGET_NS;
	assert_int_equal(extcal_add(&r, text, strlen(text), &o, &e), 0);
	assert_int_equal(r.busy.n, 0);
	assert_true(r.truncated);
	extcal_result_release(&r);
}

static void test_windows_zone_names(void **state)
{
	(void)state;
	assert_string_equal(extcal_windows_zone("Eastern Standard Time"), "America/New_York");
	assert_string_equal(extcal_windows_zone("AUS Eastern Standard Time"), "Australia/Sydney");
	assert_string_equal(extcal_windows_zone("Pacific Standard Time (Mexico)"),
			    "America/Tijuana");
	assert_string_equal(extcal_windows_zone("India Standard Time"), "Asia/Kolkata");
	assert_string_equal(extcal_windows_zone("UTC"), "Etc/UTC");
	assert_string_equal(extcal_windows_zone("tzone://Microsoft/Utc"), "Etc/UTC");
	assert_string_equal(extcal_windows_zone("UTC+12"), "Etc/GMT-12");
	assert_string_equal(extcal_windows_zone("Line Islands Standard Time"),
			    "Pacific/Kiritimati");
	assert_null(extcal_windows_zone("Europe/Berlin"));
	assert_null(extcal_windows_zone("w. europe standard time"));
	assert_null(extcal_windows_zone(""));
	assert_non_null(tz_db_get(unit_db, extcal_windows_zone("Nepal Standard Time")));
	assert_non_null(tz_db_get(unit_db, extcal_windows_zone("Dateline Standard Time")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_off_utc),
	    cmocka_unit_test(test_berlin_across_dst),
	    cmocka_unit_test(test_floating_in_owner_zone),
	    cmocka_unit_test(test_all_day_in_owner_zone),
	    cmocka_unit_test(test_weekly_with_exdate_and_overrides),
	    cmocka_unit_test(test_override_named_in_utc_and_exdate_in_utc),
	    cmocka_unit_test(test_all_day_weekly_with_date_exdate),
	    cmocka_unit_test(test_rdate),
	    cmocka_unit_test(test_count_and_until),
	    cmocka_unit_test(test_count_counts_before_the_window),
	    cmocka_unit_test(test_transparent_and_cancelled_skipped),
	    cmocka_unit_test(test_outlook_windows_zone),
	    cmocka_unit_test(test_custom_vtimezone),
	    cmocka_unit_test(test_custom_vtimezone_with_dst),
	    cmocka_unit_test(test_prefixed_iana_names),
	    cmocka_unit_test(test_unknown_tzid_reads_as_owner_zone),
	    cmocka_unit_test(test_own_bookings_apart),
	    cmocka_unit_test(test_window_clipping),
	    cmocka_unit_test(test_garbage_is_invalid),
	    cmocka_unit_test(test_odd_input_survives),
	    cmocka_unit_test(test_odd_rules_give_what_they_can),
	    cmocka_unit_test(test_secondly_is_cut_short),
	    cmocka_unit_test(test_several_calendars_in_one_text),
	    cmocka_unit_test(test_added_calls_merge),
	    cmocka_unit_test(test_simple_rules_match_libical),
	    cmocka_unit_test(test_unsorted_by_list),
	    cmocka_unit_test(test_weekly_byday_ordinal_is_the_weekday),
	    cmocka_unit_test(test_weekly_bysetpos),
	    cmocka_unit_test(test_yearly_dates),
	    cmocka_unit_test(test_hourly_deep_in_series),
	    cmocka_unit_test(test_nominal_day_duration_across_dst),
	    cmocka_unit_test(test_all_day_series_override_by_date),
	    cmocka_unit_test(test_override_moves_across_the_window_edge),
	    cmocka_unit_test(test_own_series_one_entry_per_occurrence),
	    cmocka_unit_test(test_unreadable_events_skipped_others_kept),
	    cmocka_unit_test(test_empty_calendar_and_length_bound),
	    cmocka_unit_test(test_costly_vtimezone_not_used),
	    cmocka_unit_test(test_caps_apply_to_the_whole_result),
	    cmocka_unit_test(test_windows_zone_names),
	};

	return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
