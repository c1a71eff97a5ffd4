/* Unit tests for core/itip: REQUEST and CANCEL invitations, and the object a booking is
 * written as into a CalDAV calendar, parsed back with libical. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libical/ical.h>

#include "core/booking.h"
#include "core/itip.h"
#include "core/tz.h"
#include "unit_helpers.h"

/* 2026-12-14T14:30:00Z .. 15:30Z; Berlin is UTC+1 then. */
#define START 1797258600
#define END (START + 3600)

static struct itip base(enum itip_method m, bool zoned)
{
	struct itip it = {
		.method = m,
		.uid = "bk_123@slotd",
		.sequence = 2,
		.start = START,
		.end = END,
		.summary = "Haircut with Anna",
		.description = "Reference ABC123\nManage: https://x.example/m/1",
		.location = "Main Street 1, Berlin",
		.url = "https://x.example/m/1",
		.organizer_email = "bookings@salon.example",
		.organizer_name = "Salon \"Schnitt\"",
		.attendee_email = "jürgen@example.com",
		.attendee_name = "Jürgen Müller",
		.dtstamp = START - 86400,
	};

	if (zoned) {
		it.zone = tz_db_get(unit_db, "Europe/Berlin");
		it.vtimezone = tz_db_vtimezone(unit_db, "Europe/Berlin", START - 86400 * 400);
		assert_non_null(it.zone);
		assert_non_null(it.vtimezone);
	}
	return it;
}

static icalcomponent *parse(const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);

	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	return cal;
}

static void assert_crlf_and_folded(const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n'))) {
		assert_true(nl > text && nl[-1] == '\r');
		assert_true(nl - p - 1 <= 75);
		p = nl + 1;
	}
	assert_string_equal(p, "");
}

static void test_request_parses_back(void **state)
{
	struct itip it = base(ITIP_REQUEST, true);
	char *text = itip_render(&it);
	icalcomponent *cal, *ev;
	icalproperty *p;
	icalparameter *par;
	struct icaltimetype t;

	(void)state;
	assert_crlf_and_folded(text);
	cal = parse(text);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
	assert_non_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_non_null(ev);
	assert_string_equal(icalcomponent_get_uid(ev), "bk_123@slotd");
	assert_int_equal(icalcomponent_get_sequence(ev), 2);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_string_equal(icalcomponent_get_summary(ev), "Haircut with Anna");
	assert_string_equal(icalcomponent_get_description(ev),
			    "Reference ABC123\nManage: https://x.example/m/1");
	assert_string_equal(icalcomponent_get_location(ev), "Main Street 1, Berlin");

	p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	par = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	assert_non_null(par);
	assert_string_equal(icalparameter_get_tzid(par), "Europe/Berlin");
	t = icalproperty_get_dtstart(p);
	assert_int_equal(t.hour, 15);
	assert_int_equal(t.minute, 30);
	t = icalcomponent_get_dtend(ev);
	assert_int_equal(t.hour, 16);

	p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	assert_string_equal(icalproperty_get_attendee(p), "mailto:jürgen@example.com");
	par = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
	assert_int_equal(icalparameter_get_partstat(par), ICAL_PARTSTAT_ACCEPTED);
	par = icalproperty_get_first_parameter(p, ICAL_RSVP_PARAMETER);
	assert_int_equal(icalparameter_get_rsvp(par), ICAL_RSVP_FALSE);
	par = icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER);
	assert_int_equal(icalparameter_get_role(par), ICAL_ROLE_REQPARTICIPANT);
	par = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
	assert_string_equal(icalparameter_get_cn(par), "Jürgen Müller");

	p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	assert_string_equal(icalproperty_get_organizer(p), "mailto:bookings@salon.example");
	par = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
	assert_string_equal(icalparameter_get_cn(par), "Salon 'Schnitt'");

	assert_null(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT));
	assert_non_null(strstr(text, "PRODID:-//slotd//bookings//EN\r\n"));
	assert_non_null(strstr(text, "METHOD:REQUEST\r\n"));
	icalcomponent_free(cal);
	free(text);
}

static void test_cancel_parses_back(void **state)
{
	struct itip it = base(ITIP_CANCEL, true);
	char *text;
	icalcomponent *cal, *ev;

	(void)state;
	it.sequence = 3;
	text = itip_render(&it);
	cal = parse(text);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(ev), "bk_123@slotd");
	assert_int_equal(icalcomponent_get_sequence(ev), 3);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	assert_non_null(strstr(text, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(text, "METHOD:CANCEL\r\n"));
	assert_string_equal(itip_method_name(ITIP_CANCEL), "CANCEL");
	assert_string_equal(itip_method_name(ITIP_REQUEST), "REQUEST");
	icalcomponent_free(cal);
	free(text);
}

static void test_without_zone_times_are_utc(void **state)
{
	struct itip it = base(ITIP_REQUEST, false);
	char *text;
	icalcomponent *cal, *ev;
	struct icaltimetype t;

	(void)state;
	it.location = NULL;
	it.url = "";
	it.attendee_name = NULL;
	text = itip_render(&it);
	cal = parse(text);
	assert_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));
	assert_null(strstr(text, "TZID"));
	assert_non_null(strstr(text, "DTSTART:20261214T143000Z\r\n"));
	assert_non_null(strstr(text, "DTEND:20261214T153000Z\r\n"));
	assert_non_null(strstr(text, "DTSTAMP:20261213T143000Z\r\n"));
	assert_null(strstr(text, "LOCATION"));
	assert_null(strstr(text, "\r\nURL"));
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	t = icalcomponent_get_dtstart(ev);
	assert_true(icaltime_is_utc(t));
	icalcomponent_free(cal);
	free(text);
}

static void test_long_lines_are_folded(void **state)
{
	struct itip it = base(ITIP_REQUEST, false);
	char desc[600], *text;
	icalcomponent *cal, *ev;

	(void)state;
	memset(desc, 'x', sizeof(desc) - 1);
	desc[sizeof(desc) - 1] = '\0';
	it.description = desc;
	text = itip_render(&it);
	assert_crlf_and_folded(text);
	cal = parse(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_description(ev), desc);
	icalcomponent_free(cal);
	free(text);
}

/* Berlin falls back on 25 October 2026: 02:00-03:00 CEST, then 02:00-03:00 CET again. A
 * TZID time in that hour names the first, so one in the second is written in UTC. */
static void test_the_repeated_hour_is_written_in_utc(void **state)
{
	struct itip it = base(ITIP_REQUEST, true);
	char *text;

	(void)state;
	it.start = utc_at(2026, 10, 25, 2, 30, 120); /* the first 02:30 (CEST) */
	it.end = utc_at(2026, 10, 25, 2, 30, 60);    /* the second (CET) */
	text = itip_render(&it);
	assert_non_null(strstr(text, "DTSTART;TZID=Europe/Berlin:20261025T023000\r\n"));
	assert_non_null(strstr(text, "DTEND:20261025T013000Z\r\n"));
	free(text);
}

static struct booking object_booking(void)
{
	struct booking b;

	memset(&b, 0, sizeof(b));
	snprintf(b.id, sizeof(b.id), "bk_123");
	snprintf(b.reference, sizeof(b.reference), "ABC123");
	snprintf(b.customer_name, sizeof(b.customer_name), "Jürgen Müller");
	snprintf(b.notes, sizeof(b.notes), "Please use the side door");
	b.start = START;
	b.end = END;
	b.status = BOOKING_CONFIRMED;
	b.version = 4;
	b.updated_at = START - 86400;
	return b;
}

/* A CalDAV calendar object: no METHOD (RFC 4791 §4.1), the invitation's UID and SEQUENCE,
 * times in UTC, the service and the customer in the title, the reference and notes in the
 * description. */
static void test_calendar_object_parses_back(void **state)
{
	struct booking b = object_booking();
	char *text = itip_calendar_object(&b, "Haircut");
	icalcomponent *cal, *ev;

	(void)state;
	assert_crlf_and_folded(text);
	cal = parse(text);
	assert_null(strstr(text, "METHOD"));
	assert_null(strstr(text, "ATTENDEE"));
	assert_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(ev), "bk_123@slotd");
	assert_int_equal(icalcomponent_get_sequence(ev), 3);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_string_equal(icalcomponent_get_summary(ev), "Haircut \xe2\x80\x93 Jürgen Müller");
	assert_string_equal(icalcomponent_get_description(ev),
			    "Booking reference ABC123\n\nPlease use the side door");
	assert_non_null(strstr(text, "DTSTART:20261214T143000Z\r\n"));
	assert_non_null(strstr(text, "DTEND:20261214T153000Z\r\n"));
	assert_non_null(strstr(text, "DTSTAMP:20261213T143000Z\r\n"));
	assert_non_null(strstr(text, "TRANSP:OPAQUE\r\n"));
	assert_non_null(strstr(text, "VERSION:2.0\r\n"));
	icalcomponent_free(cal);
	free(text);
}

/* Pending: TENTATIVE; no notes: the reference alone; a service gone: "Booking". */
static void test_calendar_object_of_a_pending_booking(void **state)
{
	struct booking b = object_booking();
	char *text;
	icalcomponent *cal, *ev;

	(void)state;
	b.status = BOOKING_PENDING;
	b.version = 1;
	*b.notes = '\0';
	text = itip_calendar_object(&b, NULL);
	cal = parse(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
	assert_int_equal(icalcomponent_get_sequence(ev), 0);
	assert_string_equal(icalcomponent_get_summary(ev), "Booking \xe2\x80\x93 Jürgen Müller");
	assert_string_equal(icalcomponent_get_description(ev), "Booking reference ABC123");
	icalcomponent_free(cal);
	free(text);
}

/* Control characters typed by a customer or in a service name (RFC 5545 §3.3.11 TEXT holds
 * none but HTAB): each becomes a space, so a strict CalDAV server takes the object. */
static void test_calendar_object_has_no_control_characters(void **state)
{
	struct booking b = object_booking();
	char *text;
	const unsigned char *p;
	icalcomponent *cal, *ev;

	(void)state;
	snprintf(b.customer_name, sizeof(b.customer_name), "Ann\x02" "B");
	snprintf(b.notes, sizeof(b.notes), "a\x01" "b\x7f" "c\td\re\nf");
	text = itip_calendar_object(&b, "Hair\x1b" "cut");
	for (p = (const unsigned char *)text; *p; p++)
		assert_true(*p >= ' ' ? *p != 0x7f
				      : *p == '\t' || (*p == '\r' && p[1] == '\n') ||
						(*p == '\n' && p > (const unsigned char *)text &&
						 p[-1] == '\r'));
	assert_crlf_and_folded(text);
	cal = parse(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), "Hair cut \xe2\x80\x93 Ann B");
	assert_string_equal(icalcomponent_get_description(ev),
			    "Booking reference ABC123\n\na b c\td e\nf");
	icalcomponent_free(cal);
	free(text);
}

/* The e-mail invitation's text as well: no control character but HTAB. */
static void test_request_has_no_control_characters(void **state)
{
	struct itip it = base(ITIP_REQUEST, false);
	const unsigned char *p;
	icalcomponent *cal, *ev;
	char *text;

	(void)state;
	it.summary = "Hair\x1b" "cut with Ann\x02" "B";
	it.description = "a\x01" "b\x7f" "c\nd";
	text = itip_render(&it);
	for (p = (const unsigned char *)text; *p; p++)
		assert_true(*p >= ' ' ? *p != 0x7f
				      : *p == '\t' || (*p == '\r' && p[1] == '\n') ||
						(*p == '\n' && p > (const unsigned char *)text &&
						 p[-1] == '\r'));
	cal = parse(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), "Hair cut with Ann B");
	assert_string_equal(icalcomponent_get_description(ev), "a b c\nd");
	icalcomponent_free(cal);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_parses_back),
		cmocka_unit_test(test_cancel_parses_back),
		cmocka_unit_test(test_without_zone_times_are_utc),
		cmocka_unit_test(test_long_lines_are_folded),
		cmocka_unit_test(test_the_repeated_hour_is_written_in_utc),
		cmocka_unit_test(test_calendar_object_parses_back),
		cmocka_unit_test(test_calendar_object_of_a_pending_booking),
		cmocka_unit_test(test_calendar_object_has_no_control_characters),
		cmocka_unit_test(test_request_has_no_control_characters),
	};

	return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
