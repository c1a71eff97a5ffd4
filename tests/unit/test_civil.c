/* Unit tests for core/civil: calendar arithmetic and the API's text formats.
 * Expected day numbers and instants were computed with Python's datetime
 * ((date - date(1970, 1, 1)).days and datetime.fromisoformat(s).timestamp()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/civil.h"

static void assert_civil(int64_t days, int y, int m, int d)
{
	int gy, gm, gd;

	civil_from_days(days, &gy, &gm, &gd);
	assert_int_equal(gy, y);
	assert_int_equal(gm, m);
	assert_int_equal(gd, d);
}

/* ---- days_from_civil / civil_from_days ---- */

static void test_epoch_is_day_zero(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_civil(0, 1970, 1, 1);
}

static void test_known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(days_from_civil(2026, 1, 12), 20465);
	assert_int_equal(days_from_civil(2099, 12, 31), CIVIL_MAX_DAY);
	assert_int_equal(days_from_civil(2100, 2, 28), 47540);
	assert_int_equal(days_from_civil(2100, 3, 1), 47541);
}

static void test_days_before_epoch(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(1900, 3, 1), -25508);
	assert_int_equal(days_from_civil(1600, 3, 1), -135080);
	assert_civil(-1, 1969, 12, 31);
	assert_civil(-25508, 1900, 3, 1);
	assert_civil(-135080, 1600, 3, 1);
}

static void test_leap_day_2000_exists(void **state)
{
	(void)state;
	/* 2000 is divisible by 400: Feb 29 exists, so Mar 1 is two days after Feb 28. */
	assert_int_equal(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
	assert_civil(11016, 2000, 2, 29);
	assert_true(is_leap_year(2000));
	assert_int_equal(days_in_month(2000, 2), 29);
}

static void test_no_leap_day_2100(void **state)
{
	(void)state;
	/* 2100 is divisible by 100 but not 400: no Feb 29. */
	assert_int_equal(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
	assert_civil(47541, 2100, 3, 1);
	assert_false(is_leap_year(2100));
	assert_int_equal(days_in_month(2100, 2), 28);
}

static void test_leap_year_rule(void **state)
{
	(void)state;
	assert_true(is_leap_year(2024));
	assert_true(is_leap_year(1600));
	assert_false(is_leap_year(1900));
	assert_false(is_leap_year(2026));
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2026, 2), 28);
	assert_int_equal(days_in_month(2026, 4), 30);
	assert_int_equal(days_in_month(2026, 12), 31);
}

static void test_round_trip_every_day_1900_2200(void **state)
{
	int64_t day, from = days_from_civil(1900, 1, 1), to = days_from_civil(2200, 12, 31);
	int py = 1899, pm = 12, pd = 31;

	(void)state;
	for (day = from; day <= to; day++) {
		int y, m, d;
		civil_from_days(day, &y, &m, &d);
		assert_int_equal(days_from_civil(y, m, d), day);
		/* Each day is the calendar successor of the previous one. */
		if (pd == days_in_month(py, pm)) {
			if (pm == 12) {
				assert_int_equal(y, py + 1);
				assert_int_equal(m, 1);
			} else {
				assert_int_equal(y, py);
				assert_int_equal(m, pm + 1);
			}
			assert_int_equal(d, 1);
		} else {
			assert_int_equal(y, py);
			assert_int_equal(m, pm);
			assert_int_equal(d, pd + 1);
		}
		py = y;
		pm = m;
		pd = d;
	}
	assert_int_equal(py, 2200);
	assert_int_equal(pm, 12);
	assert_int_equal(pd, 31);
}

/* ---- weekday ---- */

static void test_weekday_known_dates(void **state)
{
	(void)state;
	assert_int_equal(weekday_from_days(days_from_civil(1970, 1, 1)), 3);  /* Thursday */
	assert_int_equal(weekday_from_days(days_from_civil(2000, 1, 1)), 5);  /* Saturday */
	assert_int_equal(weekday_from_days(days_from_civil(2024, 2, 29)), 3); /* Thursday */
	assert_int_equal(weekday_from_days(days_from_civil(2026, 1, 12)), 0); /* Monday */
	assert_int_equal(weekday_from_days(days_from_civil(2026, 3, 8)), 6);  /* Sunday */
	assert_int_equal(weekday_from_days(days_from_civil(2100, 3, 1)), 0);  /* Monday */
}

static void test_weekday_before_epoch(void **state)
{
	(void)state;
	assert_int_equal(weekday_from_days(-1), 2); /* 1969-12-31 Wednesday */
	assert_int_equal(weekday_from_days(-7), 3); /* 1969-12-25 Thursday */
	assert_int_equal(weekday_from_days(-8), 2);
}

/* ---- date_parse / date_format ---- */

static void test_date_parse_valid(void **state)
{
	int64_t day = -99;

	(void)state;
	assert_int_equal(date_parse("2026-01-12", &day), 0);
	assert_int_equal(day, 20465);
	assert_int_equal(date_parse("2024-02-29", &day), 0);
	assert_int_equal(day, 19782);
	assert_int_equal(date_parse("2000-02-29", &day), 0);
	assert_int_equal(day, 11016);
}

static void test_date_parse_range_bounds(void **state)
{
	int64_t day = -99;

	(void)state;
	assert_int_equal(date_parse("1970-01-01", &day), 0);
	assert_int_equal(day, CIVIL_MIN_DAY);
	assert_int_equal(date_parse("2099-12-31", &day), 0);
	assert_int_equal(day, CIVIL_MAX_DAY);
}

static void test_date_parse_rejects_feb_29_non_leap(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(date_parse("2026-02-29", &day), -1);
	assert_int_equal(date_parse("2026-02-30", &day), -1);
}

static void test_date_parse_rejects_bad_month_and_day(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(date_parse("2026-13-01", &day), -1);
	assert_int_equal(date_parse("2026-00-10", &day), -1);
	assert_int_equal(date_parse("2026-01-00", &day), -1);
	assert_int_equal(date_parse("2026-04-31", &day), -1);
	assert_int_equal(date_parse("2026-01-32", &day), -1);
}

static void test_date_parse_rejects_short_and_long(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(date_parse("", &day), -1);
	assert_int_equal(date_parse("2026-1-12", &day), -1);
	assert_int_equal(date_parse("2026-01-1", &day), -1);
	assert_int_equal(date_parse("2026-01-123", &day), -1);
	assert_int_equal(date_parse("2026-01-12 ", &day), -1);
	assert_int_equal(date_parse("20260112", &day), -1);
}

static void test_date_parse_rejects_garbage(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(date_parse("2026/01/12", &day), -1);
	assert_int_equal(date_parse("abcd-ef-gh", &day), -1);
	assert_int_equal(date_parse("+026-01-12", &day), -1);
	assert_int_equal(date_parse("2026-+1-12", &day), -1);
	assert_int_equal(date_parse(" 2026-01-1", &day), -1);
}

static void test_date_parse_rejects_years_out_of_range(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(date_parse("1969-12-31", &day), -1);
	assert_int_equal(date_parse("2100-01-01", &day), -1);
	assert_int_equal(date_parse("0000-01-01", &day), -1);
	assert_int_equal(date_parse("9999-12-31", &day), -1);
}

static void test_date_format(void **state)
{
	char out[DATE_STR_MAX];

	(void)state;
	date_format(0, out);
	assert_string_equal(out, "1970-01-01");
	date_format(11016, out);
	assert_string_equal(out, "2000-02-29");
	date_format(CIVIL_MAX_DAY, out);
	assert_string_equal(out, "2099-12-31");
	date_format(-1, out);
	assert_string_equal(out, "1969-12-31");
}

/* ---- hhmm_parse / hhmm_format ---- */

static void test_hhmm_parse_valid(void **state)
{
	int min = -1;

	(void)state;
	assert_int_equal(hhmm_parse("00:00", false, &min), 0);
	assert_int_equal(min, 0);
	assert_int_equal(hhmm_parse("09:30", false, &min), 0);
	assert_int_equal(min, 570);
	assert_int_equal(hhmm_parse("23:59", false, &min), 0);
	assert_int_equal(min, 1439);
}

static void test_hhmm_parse_24_00_when_allowed(void **state)
{
	int min = -1;

	(void)state;
	assert_int_equal(hhmm_parse("24:00", true, &min), 0);
	assert_int_equal(min, 1440);
}

static void test_hhmm_parse_24_00_rejected_when_not_allowed(void **state)
{
	int min = -1;

	(void)state;
	assert_int_equal(hhmm_parse("24:00", false, &min), -1);
	assert_int_equal(min, -1);
}

static void test_hhmm_parse_rejects_past_24_00(void **state)
{
	int min;

	(void)state;
	assert_int_equal(hhmm_parse("24:01", true, &min), -1);
	assert_int_equal(hhmm_parse("24:30", true, &min), -1);
	assert_int_equal(hhmm_parse("25:00", true, &min), -1);
	assert_int_equal(hhmm_parse("12:60", true, &min), -1);
}

static void test_hhmm_parse_rejects_malformed(void **state)
{
	int min;

	(void)state;
	assert_int_equal(hhmm_parse("9:00", false, &min), -1);
	assert_int_equal(hhmm_parse("09:0", false, &min), -1);
	assert_int_equal(hhmm_parse("09:000", false, &min), -1);
	assert_int_equal(hhmm_parse("09-00", false, &min), -1);
	assert_int_equal(hhmm_parse("ab:cd", false, &min), -1);
	assert_int_equal(hhmm_parse("", false, &min), -1);
	assert_int_equal(hhmm_parse("-1:00", false, &min), -1);
}

static void test_hhmm_format(void **state)
{
	char out[6];

	(void)state;
	hhmm_format(0, out);
	assert_string_equal(out, "00:00");
	hhmm_format(570, out);
	assert_string_equal(out, "09:30");
	hhmm_format(1440, out);
	assert_string_equal(out, "24:00");
}

/* ---- rfc3339_parse ---- */

static void test_rfc3339_parse_z(void **state)
{
	int64_t t = -1;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-03-08T07:30:00Z", &t), 0);
	assert_int_equal(t, 1772955000);
	assert_int_equal(rfc3339_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(rfc3339_parse("2000-02-29T12:00:00Z", &t), 0);
	assert_int_equal(t, 951825600);
}

static void test_rfc3339_parse_lowercase_t_and_z(void **state)
{
	int64_t t = -1;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-03-08t07:30:00z", &t), 0);
	assert_int_equal(t, 1772955000);
}

static void test_rfc3339_parse_plus_0545(void **state)
{
	int64_t t = -1;

	(void)state;
	/* 09:00 at +05:45 is 03:15Z. */
	assert_int_equal(rfc3339_parse("2026-05-01T09:00:00+05:45", &t), 0);
	assert_int_equal(t, 1777605300);
}

static void test_rfc3339_parse_minus_0300(void **state)
{
	int64_t t = -1;

	(void)state;
	/* 09:00 at -03:00 is 12:00Z. */
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00-03:00", &t), 0);
	assert_int_equal(t, 1768478400);
}

static void test_rfc3339_parse_offset_crosses_date(void **state)
{
	int64_t t = -1;

	(void)state;
	/* 2025-12-31T21:00-05:00 is 2026-01-01T02:00Z. */
	assert_int_equal(rfc3339_parse("2025-12-31T21:00:00-05:00", &t), 0);
	assert_int_equal(t, 1767232800);
}

static void test_rfc3339_parse_fraction_truncated(void **state)
{
	int64_t t = -1;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.999Z", &t), 0);
	assert_int_equal(t, 1768467600);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.5-03:00", &t), 0);
	assert_int_equal(t, 1768478400);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.123456789+00:00", &t), 0);
	assert_int_equal(t, 1768467600);
}

static void test_rfc3339_parse_plus_zero_offset(void **state)
{
	int64_t t = -1;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-03-08T07:30:00+00:00", &t), 0);
	assert_int_equal(t, 1772955000);
	assert_int_equal(rfc3339_parse("2026-03-08T07:30:00-00:00", &t), 0);
	assert_int_equal(t, 1772955000);
}

static void test_rfc3339_parse_rejects_missing_offset(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.5", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.000000", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15", &t), -1);
}

static void test_rfc3339_parse_rejects_bad_offset(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00+0545", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00+05", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00+05:45:00", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00+24:00", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00+05:60", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00ZZ", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00 Z", &t), -1);
}

static void test_rfc3339_parse_rejects_garbage(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("", &t), -1);
	assert_int_equal(rfc3339_parse("not a timestamp at all", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15X09:00:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09-00-00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T9:00:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:00:00.Z", &t), -1);
}

static void test_rfc3339_parse_rejects_bad_fields(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("2026-02-29T09:00:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-13-01T09:00:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T24:00:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-01-15T09:60:00Z", &t), -1);
	assert_int_equal(rfc3339_parse("1969-12-31T23:59:59Z", &t), -1);
	assert_int_equal(rfc3339_parse("2100-01-01T00:00:00Z", &t), -1);
}

/* ---- rfc3339_format ---- */

static void test_rfc3339_format_zero_offset_is_z(void **state)
{
	char out[RFC3339_STR_MAX];

	(void)state;
	rfc3339_format(0, 0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	rfc3339_format(1772955000, 0, out);
	assert_string_equal(out, "2026-03-08T07:30:00Z");
}

static void test_rfc3339_format_negative_offset(void **state)
{
	char out[RFC3339_STR_MAX];

	(void)state;
	rfc3339_format(1772955000, -4 * 3600, out);
	assert_string_equal(out, "2026-03-08T03:30:00-04:00");
	/* Negative half-hour offset (Newfoundland style). */
	rfc3339_format(1782919800, -(3 * 3600 + 1800), out);
	assert_string_equal(out, "2026-07-01T12:00:00-03:30");
}

static void test_rfc3339_format_negative_offset_previous_day(void **state)
{
	char out[RFC3339_STR_MAX];

	(void)state;
	rfc3339_format(1767232800, -5 * 3600, out);
	assert_string_equal(out, "2025-12-31T21:00:00-05:00");
}

static void test_rfc3339_format_positive_offset(void **state)
{
	char out[RFC3339_STR_MAX];

	(void)state;
	rfc3339_format(1777605300, 5 * 3600 + 45 * 60, out);
	assert_string_equal(out, "2026-05-01T09:00:00+05:45");
	rfc3339_format(1767232800, 14 * 3600, out);
	assert_string_equal(out, "2026-01-01T16:00:00+14:00");
}

static void test_rfc3339_format_seconds(void **state)
{
	char out[RFC3339_STR_MAX];

	(void)state;
	rfc3339_format(4102444799, 0, out);
	assert_string_equal(out, "2099-12-31T23:59:59Z");
}

static void test_rfc3339_round_trip(void **state)
{
	static const char *const texts[] = {
	    "2026-03-08T03:30:00-04:00",
	    "2026-05-01T09:00:00+05:45",
	    "2025-12-31T21:00:00-05:00",
	    "2026-07-01T12:00:00-03:30",
	};
	static const int offsets[] = {-4 * 3600, 5 * 3600 + 45 * 60, -5 * 3600, -(3 * 3600 + 1800)};
	char out[RFC3339_STR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int64_t t;
		assert_int_equal(rfc3339_parse(texts[i], &t), 0);
		rfc3339_format(t, offsets[i], out);
		assert_string_equal(out, texts[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_epoch_is_day_zero),
	    cmocka_unit_test(test_known_day_numbers),
	    cmocka_unit_test(test_days_before_epoch),
	    cmocka_unit_test(test_leap_day_2000_exists),
	    cmocka_unit_test(test_no_leap_day_2100),
	    cmocka_unit_test(test_leap_year_rule),
	    cmocka_unit_test(test_round_trip_every_day_1900_2200),
	    cmocka_unit_test(test_weekday_known_dates),
	    cmocka_unit_test(test_weekday_before_epoch),
	    cmocka_unit_test(test_date_parse_valid),
	    cmocka_unit_test(test_date_parse_range_bounds),
	    cmocka_unit_test(test_date_parse_rejects_feb_29_non_leap),
	    cmocka_unit_test(test_date_parse_rejects_bad_month_and_day),
	    cmocka_unit_test(test_date_parse_rejects_short_and_long),
	    cmocka_unit_test(test_date_parse_rejects_garbage),
	    cmocka_unit_test(test_date_parse_rejects_years_out_of_range),
	    cmocka_unit_test(test_date_format),
	    cmocka_unit_test(test_hhmm_parse_valid),
	    cmocka_unit_test(test_hhmm_parse_24_00_when_allowed),
	    cmocka_unit_test(test_hhmm_parse_24_00_rejected_when_not_allowed),
	    cmocka_unit_test(test_hhmm_parse_rejects_past_24_00),
	    cmocka_unit_test(test_hhmm_parse_rejects_malformed),
	    cmocka_unit_test(test_hhmm_format),
	    cmocka_unit_test(test_rfc3339_parse_z),
	    cmocka_unit_test(test_rfc3339_parse_lowercase_t_and_z),
	    cmocka_unit_test(test_rfc3339_parse_plus_0545),
	    cmocka_unit_test(test_rfc3339_parse_minus_0300),
	    cmocka_unit_test(test_rfc3339_parse_offset_crosses_date),
	    cmocka_unit_test(test_rfc3339_parse_fraction_truncated),
	    cmocka_unit_test(test_rfc3339_parse_plus_zero_offset),
	    cmocka_unit_test(test_rfc3339_parse_rejects_missing_offset),
	    cmocka_unit_test(test_rfc3339_parse_rejects_bad_offset),
	    cmocka_unit_test(test_rfc3339_parse_rejects_garbage),
	    cmocka_unit_test(test_rfc3339_parse_rejects_bad_fields),
	    cmocka_unit_test(test_rfc3339_format_zero_offset_is_z),
	    cmocka_unit_test(test_rfc3339_format_negative_offset),
	    cmocka_unit_test(test_rfc3339_format_negative_offset_previous_day),
	    cmocka_unit_test(test_rfc3339_format_positive_offset),
	    cmocka_unit_test(test_rfc3339_format_seconds),
	    cmocka_unit_test(test_rfc3339_round_trip),
	};

	return cmocka_run_group_tests_name("civil", tests, NULL, NULL);
}
