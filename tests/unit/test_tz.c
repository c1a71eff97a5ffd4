/* Unit tests for core/tz: zone lookup and local <-> UTC conversion under the RFC 5545 rule
 * (gap: offset before the gap; overlap: first occurrence).
 *
 * Every expected instant below was computed independently with Python 3's zoneinfo on the
 * same system tzdata (2026f), e.g.
 *   wall = datetime(2026, 3, 8, 2, 30, tzinfo=timezone.utc).timestamp()      # "wall" seconds
 *   int(datetime(2026, 3, 8, 2, 30, fold=0, tzinfo=ZoneInfo(zone)).timestamp())  # tz_to_utc
 * and the instants a wall time resolves to are those of fold=0 / fold=1 that convert back to
 * the same wall time. Transitions were found by bisecting zoneinfo offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/tz.h"

static struct tz_db *db;

static int group_setup(void **state)
{
	(void)state;
	db = tz_db_new();
	return db ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tz_db_free(db);
	db = NULL;
	return 0;
}

static const struct tz *zone(const char *name)
{
	const struct tz *z = tz_db_get(db, name);

	assert_non_null(z);
	return z;
}

/* Asserts the instants wall resolves to (n of them, ascending) and tz_to_utc's pick. */
static void assert_resolves(const char *name, int64_t wall, int n, int64_t first, int64_t second,
			    int64_t to_utc)
{
	const struct tz *z = zone(name);
	int64_t out[2] = {-1, -1};

	assert_int_equal(tz_resolve(z, wall, out), n);
	if (n >= 1)
		assert_int_equal(out[0], first);
	if (n == 2)
		assert_int_equal(out[1], second);
	assert_int_equal(tz_to_utc(z, wall), to_utc);
}

/* ---- tz_db_get ---- */

static void test_db_unknown_zone_is_null(void **state)
{
	(void)state;
	assert_null(tz_db_get(db, "Mars/Olympus"));
	/* Asking again still says no (and does not crash on a cached miss). */
	assert_null(tz_db_get(db, "Mars/Olympus"));
}

static void test_db_empty_name_is_null(void **state)
{
	(void)state;
	assert_null(tz_db_get(db, ""));
}

static void test_db_path_traversal_is_null(void **state)
{
	(void)state;
	assert_null(tz_db_get(db, "../etc/passwd"));
	assert_null(tz_db_get(db, "/etc/passwd"));
	assert_null(tz_db_get(db, "Europe/../../etc/passwd"));
	assert_null(tz_db_get(db, "Europe/Berlin "));
	/* A traversal that would land on a real zone file must not load it either. */
	assert_null(tz_db_get(db, "../zoneinfo/Europe/Berlin"));
	assert_null(tz_db_get(db, "Europe/../Europe/Berlin"));
	assert_null(tz_db_get(db, "./Europe/Berlin"));
}

static void test_db_overlong_name_is_null(void **state)
{
	char name[TZ_NAME_MAX + 8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(name) - 1; i++)
		name[i] = 'A';
	name[sizeof(name) - 1] = '\0';
	assert_null(tz_db_get(db, name));
}

static void test_db_utc_offset_zero(void **state)
{
	const struct tz *z = zone("UTC");
	int64_t out[2];

	(void)state;
	assert_string_equal(tz_name(z), "UTC");
	assert_int_equal(tz_offset_at(z, 0), 0);
	assert_int_equal(tz_offset_at(z, 1772955000), 0);
	assert_int_equal(tz_to_wall(z, 1772955000), 1772955000);
	assert_int_equal(tz_resolve(z, 1772955000, out), 1);
	assert_int_equal(out[0], 1772955000);
	assert_int_equal(tz_to_utc(z, 1772955000), 1772955000);
	assert_true(tz_next_transition(z, 0) == INT64_MAX);
}

static void test_db_same_pointer_twice(void **state)
{
	const struct tz *a, *b;

	(void)state;
	a = tz_db_get(db, "Europe/Berlin");
	b = tz_db_get(db, "Europe/Berlin");
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_ptr_equal(tz_db_get(db, "UTC"), tz_db_get(db, "UTC"));
	assert_ptr_not_equal(a, tz_db_get(db, "America/New_York"));
}

static void test_db_name_kept(void **state)
{
	(void)state;
	assert_string_equal(tz_name(zone("America/New_York")), "America/New_York");
	assert_string_equal(tz_name(zone("Asia/Kathmandu")), "Asia/Kathmandu");
}

/* ---- America/New_York ---- */

static void test_new_york_offsets(void **state)
{
	const struct tz *z = zone("America/New_York");

	(void)state;
	assert_int_equal(tz_offset_at(z, 1768485600), -18000);	 /* 2026-01-15T14:00Z, EST */
	assert_int_equal(tz_offset_at(z, 1782910800), -14400);	 /* 2026-07-01T13:00Z, EDT */
	assert_int_equal(tz_to_wall(z, 1782910800), 1782896400); /* 2026-07-01 09:00 */
}

static void test_new_york_transition_instants(void **state)
{
	const struct tz *z = zone("America/New_York");

	(void)state;
	/* 2026-03-08T07:00Z and 2026-11-01T06:00Z. */
	assert_int_equal(tz_offset_at(z, 1772953200 - 1), -18000);
	assert_int_equal(tz_offset_at(z, 1772953200), -14400);
	assert_int_equal(tz_offset_at(z, 1793512800 - 1), -14400);
	assert_int_equal(tz_offset_at(z, 1793512800), -18000);
}

static void test_new_york_next_transition(void **state)
{
	const struct tz *z = zone("America/New_York");

	(void)state;
	assert_int_equal(tz_next_transition(z, 1767225600), 1772953200); /* from 2026-01-01 */
	assert_int_equal(tz_next_transition(z, 1772953200 - 1), 1772953200);
	/* Strictly after: from the transition itself, the next one. */
	assert_int_equal(tz_next_transition(z, 1772953200), 1793512800);
}

static void test_new_york_plain_time(void **state)
{
	(void)state;
	/* 2026-01-15 09:00 EST and 2026-07-01 09:00 EDT. */
	assert_resolves("America/New_York", 1768467600, 1, 1768485600, 0, 1768485600);
	assert_resolves("America/New_York", 1782896400, 1, 1782910800, 0, 1782910800);
}

static void test_new_york_gap_0230(void **state)
{
	(void)state;
	/* 2026-03-08 02:30 does not exist: 03:30 EDT = 07:30Z. */
	assert_resolves("America/New_York", 1772937000, 0, 0, 0, 1772955000);
}

static void test_new_york_gap_start_0200(void **state)
{
	(void)state;
	/* 02:00 is the first missing minute: 03:00 EDT = 07:00Z. */
	assert_resolves("America/New_York", 1772935200, 0, 0, 0, 1772953200);
}

static void test_new_york_before_gap_0159(void **state)
{
	(void)state;
	/* 01:59 EST = 06:59Z. */
	assert_resolves("America/New_York", 1772935140, 1, 1772953140, 0, 1772953140);
}

static void test_new_york_after_gap_0300(void **state)
{
	(void)state;
	/* 03:00 EDT = 07:00Z: the same instant the gap's 02:00 maps to. */
	assert_resolves("America/New_York", 1772938800, 1, 1772953200, 0, 1772953200);
}

static void test_new_york_overlap_0130(void **state)
{
	(void)state;
	/* 2026-11-01 01:30 happens twice: 05:30Z (EDT) and 06:30Z (EST); the first wins. */
	assert_resolves("America/New_York", 1793496600, 2, 1793511000, 1793514600, 1793511000);
}

static void test_new_york_overlap_start_0100(void **state)
{
	(void)state;
	/* 01:00 is the first repeated minute: 05:00Z and 06:00Z. */
	assert_resolves("America/New_York", 1793494800, 2, 1793509200, 1793512800, 1793509200);
}

static void test_new_york_before_overlap_0059(void **state)
{
	(void)state;
	assert_resolves("America/New_York", 1793494740, 1, 1793509140, 0, 1793509140);
}

static void test_new_york_after_overlap_0200(void **state)
{
	(void)state;
	/* 02:00 EST = 07:00Z, once. */
	assert_resolves("America/New_York", 1793498400, 1, 1793516400, 0, 1793516400);
}

/* ---- Europe/Berlin ---- */

static void test_berlin_plain_time(void **state)
{
	(void)state;
	/* 2026-06-01 12:00 CEST = 10:00Z. */
	assert_resolves("Europe/Berlin", 1780315200, 1, 1780308000, 0, 1780308000);
}

static void test_berlin_gap_0230(void **state)
{
	(void)state;
	/* 2026-03-29 02:30 does not exist: offset before (+01:00) gives 01:30Z = 03:30 CEST. */
	assert_resolves("Europe/Berlin", 1774751400, 0, 0, 0, 1774747800);
}

static void test_berlin_after_gap_0300(void **state)
{
	(void)state;
	assert_resolves("Europe/Berlin", 1774753200, 1, 1774746000, 0, 1774746000);
}

static void test_berlin_overlap_0230(void **state)
{
	(void)state;
	/* 2026-10-25 02:30: 00:30Z (CEST) and 01:30Z (CET). */
	assert_resolves("Europe/Berlin", 1792895400, 2, 1792888200, 1792891800, 1792888200);
}

static void test_berlin_transitions(void **state)
{
	const struct tz *z = zone("Europe/Berlin");

	(void)state;
	assert_int_equal(tz_next_transition(z, 1767225600), 1774746000);
	assert_int_equal(tz_next_transition(z, 1774746000), 1792890000);
	assert_int_equal(tz_offset_at(z, 1774746000 - 1), 3600);
	assert_int_equal(tz_offset_at(z, 1774746000), 7200);
	assert_int_equal(tz_offset_at(z, 1792890000), 3600);
}

/* ---- Australia/Lord_Howe: a 30-minute DST shift ---- */

static void test_lord_howe_offsets(void **state)
{
	const struct tz *z = zone("Australia/Lord_Howe");

	(void)state;
	assert_int_equal(tz_offset_at(z, 1767996000), 39600); /* January: +11:00 */
	assert_int_equal(tz_offset_at(z, 1783636200), 37800); /* July: +10:30 */
	assert_int_equal(tz_next_transition(z, 1767225600), 1775314800);
	assert_int_equal(tz_next_transition(z, 1775314800), 1791041400);
}

static void test_lord_howe_plain_times(void **state)
{
	(void)state;
	/* 2026-01-10 09:00 (+11) = 2026-01-09T22:00Z; 2026-07-10 09:00 (+10:30) = 22:30Z. */
	assert_resolves("Australia/Lord_Howe", 1768035600, 1, 1767996000, 0, 1767996000);
	assert_resolves("Australia/Lord_Howe", 1783674000, 1, 1783636200, 0, 1783636200);
}

static void test_lord_howe_overlap_half_hour(void **state)
{
	(void)state;
	/* 2026-04-05 01:45 happens twice, 30 minutes apart: 14:45Z and 15:15Z (on 04-04). */
	assert_resolves("Australia/Lord_Howe", 1775353500, 2, 1775313900, 1775315700, 1775313900);
}

static void test_lord_howe_gap_half_hour(void **state)
{
	(void)state;
	/* 2026-10-04 02:15 does not exist: +10:30 gives 2026-10-03T15:45Z = 02:45 (+11). */
	assert_resolves("Australia/Lord_Howe", 1791080100, 0, 0, 0, 1791042300);
}

/* ---- Asia/Kathmandu: +05:45 ---- */

static void test_kathmandu_offset(void **state)
{
	const struct tz *z = zone("Asia/Kathmandu");

	(void)state;
	assert_int_equal(tz_offset_at(z, 1777605300), 20700);
	assert_int_equal(tz_to_wall(z, 1777605300), 1777626000); /* 2026-05-01 09:00 */
	assert_true(tz_next_transition(z, 1767225600) == INT64_MAX);
}

static void test_kathmandu_plain_time(void **state)
{
	(void)state;
	/* 2026-05-01 09:00 +05:45 = 03:15Z. */
	assert_resolves("Asia/Kathmandu", 1777626000, 1, 1777605300, 0, 1777605300);
}

static void test_kathmandu_1986_switch_gap(void **state)
{
	const struct tz *z = zone("Asia/Kathmandu");

	(void)state;
	/* 1986-01-01 the zone moved from +05:30 to +05:45 at local midnight (1985-12-31T18:30Z):
	 * 00:05 does not exist and takes +05:30 (18:35Z); 00:15 exists once (18:30Z). */
	assert_int_equal(tz_offset_at(z, 504901800 - 1), 19800);
	assert_int_equal(tz_offset_at(z, 504901800), 20700);
	assert_resolves("Asia/Kathmandu", 504921900, 0, 0, 0, 504902100);
	assert_resolves("Asia/Kathmandu", 504922500, 1, 504901800, 0, 504901800);
	assert_resolves("Asia/Kathmandu", 504921540, 1, 504901740, 0, 504901740);
}

/* ---- America/Santiago and Asia/Beirut: transitions at local midnight ---- */

static void test_santiago_gap_at_midnight(void **state)
{
	(void)state;
	/* 2026-09-06 00:00 and 00:30 do not exist. The offset before (-04:00) gives 04:00Z and
	 * 04:30Z, i.e. 01:00 and 01:30 -03 on the same date, not the previous day. */
	assert_resolves("America/Santiago", 1788652800, 0, 0, 0, 1788667200);
	assert_resolves("America/Santiago", 1788654600, 0, 0, 0, 1788669000);
}

static void test_santiago_overlap_before_midnight(void **state)
{
	(void)state;
	/* 2026-04-04 23:30 happens twice (02:30Z, 03:30Z on 04-05); 2026-04-05 00:00 once. */
	assert_resolves("America/Santiago", 1775345400, 2, 1775356200, 1775359800, 1775356200);
	assert_resolves("America/Santiago", 1775347200, 1, 1775361600, 0, 1775361600);
}

static void test_santiago_transitions(void **state)
{
	const struct tz *z = zone("America/Santiago");

	(void)state;
	assert_int_equal(tz_next_transition(z, 1767225600), 1775358000);
	assert_int_equal(tz_next_transition(z, 1775358000), 1788667200);
	assert_int_equal(tz_offset_at(z, 1775358000 - 1), -10800);
	assert_int_equal(tz_offset_at(z, 1775358000), -14400);
	assert_int_equal(tz_offset_at(z, 1788667200), -10800);
}

static void test_beirut_gap_at_midnight(void **state)
{
	(void)state;
	/* 2026-03-29 00:30 does not exist: +02:00 gives 2026-03-28T22:30Z (01:30 +03). */
	assert_resolves("Asia/Beirut", 1774744200, 0, 0, 0, 1774737000);
}

static void test_beirut_overlap_before_midnight(void **state)
{
	(void)state;
	/* 2026-10-24 23:30 happens twice: 20:30Z and 21:30Z. */
	assert_resolves("Asia/Beirut", 1792884600, 2, 1792873800, 1792877400, 1792873800);
}

/* ---- Pacific/Apia: 2011-12-30 does not exist ---- */

static void test_apia_offsets_around_skipped_day(void **state)
{
	const struct tz *z = zone("Pacific/Apia");

	(void)state;
	/* At 2011-12-30T10:00Z the offset jumped from -10:00 to +14:00. */
	assert_int_equal(tz_offset_at(z, 1325239200 - 1), -36000);
	assert_int_equal(tz_offset_at(z, 1325239200), 50400);
	assert_int_equal(tz_next_transition(z, 1325239200 - 86400), 1325239200);
	assert_int_equal(tz_to_wall(z, 1325239200), 1325289600); /* 2011-12-31 00:00 */
}

static void test_apia_last_minute_before(void **state)
{
	(void)state;
	/* 2011-12-29 23:59 -10:00 = 2011-12-30T09:59Z. */
	assert_resolves("Pacific/Apia", 1325203140, 1, 1325239140, 0, 1325239140);
}

static void test_apia_skipped_day_midnight(void **state)
{
	(void)state;
	/* 2011-12-30 00:00 is in the 24-hour gap: offset before (-10:00) gives 10:00Z. */
	assert_resolves("Pacific/Apia", 1325203200, 0, 0, 0, 1325239200);
}

static void test_apia_skipped_day_noon(void **state)
{
	(void)state;
	/* 2011-12-30 12:00 -> -10:00 -> 2011-12-30T22:00Z (2011-12-31 12:00 local). */
	assert_resolves("Pacific/Apia", 1325246400, 0, 0, 0, 1325282400);
}

static void test_apia_first_day_after(void **state)
{
	(void)state;
	/* 2011-12-31 00:00 +14:00 = 2011-12-30T10:00Z. */
	assert_resolves("Pacific/Apia", 1325289600, 1, 1325239200, 0, 1325239200);
}

/* ---- whole-year scans ---- */

struct year_scan {
	const char *zone;
	int64_t wall0; /* first wall time (local midnight, Jan 1 / Jul 1) */
	int n;	       /* quarter hours scanned */
	int gaps;      /* wall times resolving to no instant */
	int overlaps;  /* wall times resolving to two instants */
	int64_t sum;   /* sum of tz_to_utc over all of them */
};

/* From Python zoneinfo: for each of 365 * 96 quarter-hour wall times, count fold=0/1 results
 * that round-trip, and sum the fold=0 instants. */
static const struct year_scan scans[] = {
    {"America/New_York", 1767225600LL, 35040, 4, 4, 62476628457600LL},
    {"Europe/Berlin", 1767225600LL, 35040, 4, 4, 62475881256000LL},
    {"Australia/Lord_Howe", 1767225600LL, 35040, 2, 2, 62474723845200LL},
    {"Asia/Kathmandu", 1767225600LL, 35040, 0, 0, 62475354648000LL},
    {"America/Santiago", 1767225600LL, 35040, 4, 4, 62476511644800LL},
    {"Asia/Beirut", 1767225600LL, 35040, 4, 4, 62475755126400LL},
    {"Pacific/Apia", 1293840000LL, 35040, 100, 4, 45889962177600LL},
    {"Asia/Kathmandu", 489024000LL, 35040, 1, 0, 17687186482500LL},
};

static void run_scan(const struct year_scan *sc)
{
	const struct tz *z = zone(sc->zone);
	int gaps = 0, overlaps = 0, i;
	int64_t sum = 0;

	for (i = 0; i < sc->n; i++) {
		int64_t wall = sc->wall0 + (int64_t)i * 900, out[2];
		int n = tz_resolve(z, wall, out), k;
		int64_t utc = tz_to_utc(z, wall);

		if (n == 0)
			gaps++;
		if (n == 2) {
			overlaps++;
			assert_true(out[0] < out[1]);
		}
		for (k = 0; k < n; k++)
			assert_int_equal(tz_to_wall(z, out[k]), wall);
		if (n > 0)
			assert_int_equal(utc, out[0]);
		sum += utc;
	}
	assert_int_equal(gaps, sc->gaps);
	assert_int_equal(overlaps, sc->overlaps);
	assert_int_equal(sum, sc->sum);
}

static void test_scan_new_york_2026(void **state)
{
	(void)state;
	run_scan(&scans[0]);
}

static void test_scan_berlin_2026(void **state)
{
	(void)state;
	run_scan(&scans[1]);
}

static void test_scan_lord_howe_2026(void **state)
{
	(void)state;
	run_scan(&scans[2]);
}

static void test_scan_kathmandu_2026(void **state)
{
	(void)state;
	run_scan(&scans[3]);
}

static void test_scan_santiago_2026(void **state)
{
	(void)state;
	run_scan(&scans[4]);
}

static void test_scan_beirut_2026(void **state)
{
	(void)state;
	run_scan(&scans[5]);
}

static void test_scan_apia_2011(void **state)
{
	(void)state;
	run_scan(&scans[6]);
}

static void test_scan_kathmandu_1985_86(void **state)
{
	(void)state;
	run_scan(&scans[7]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_db_unknown_zone_is_null),
	    cmocka_unit_test(test_db_empty_name_is_null),
	    cmocka_unit_test(test_db_path_traversal_is_null),
	    cmocka_unit_test(test_db_overlong_name_is_null),
	    cmocka_unit_test(test_db_utc_offset_zero),
	    cmocka_unit_test(test_db_same_pointer_twice),
	    cmocka_unit_test(test_db_name_kept),
	    cmocka_unit_test(test_new_york_offsets),
	    cmocka_unit_test(test_new_york_transition_instants),
	    cmocka_unit_test(test_new_york_next_transition),
	    cmocka_unit_test(test_new_york_plain_time),
	    cmocka_unit_test(test_new_york_gap_0230),
	    cmocka_unit_test(test_new_york_gap_start_0200),
	    cmocka_unit_test(test_new_york_before_gap_0159),
	    cmocka_unit_test(test_new_york_after_gap_0300),
	    cmocka_unit_test(test_new_york_overlap_0130),
	    cmocka_unit_test(test_new_york_overlap_start_0100),
	    cmocka_unit_test(test_new_york_before_overlap_0059),
	    cmocka_unit_test(test_new_york_after_overlap_0200),
	    cmocka_unit_test(test_berlin_plain_time),
	    cmocka_unit_test(test_berlin_gap_0230),
	    cmocka_unit_test(test_berlin_after_gap_0300),
	    cmocka_unit_test(test_berlin_overlap_0230),
	    cmocka_unit_test(test_berlin_transitions),
	    cmocka_unit_test(test_lord_howe_offsets),
	    cmocka_unit_test(test_lord_howe_plain_times),
	    cmocka_unit_test(test_lord_howe_overlap_half_hour),
	    cmocka_unit_test(test_lord_howe_gap_half_hour),
	    cmocka_unit_test(test_kathmandu_offset),
	    cmocka_unit_test(test_kathmandu_plain_time),
	    cmocka_unit_test(test_kathmandu_1986_switch_gap),
	    cmocka_unit_test(test_santiago_gap_at_midnight),
	    cmocka_unit_test(test_santiago_overlap_before_midnight),
	    cmocka_unit_test(test_santiago_transitions),
	    cmocka_unit_test(test_beirut_gap_at_midnight),
	    cmocka_unit_test(test_beirut_overlap_before_midnight),
	    cmocka_unit_test(test_apia_offsets_around_skipped_day),
	    cmocka_unit_test(test_apia_last_minute_before),
	    cmocka_unit_test(test_apia_skipped_day_midnight),
	    cmocka_unit_test(test_apia_skipped_day_noon),
	    cmocka_unit_test(test_apia_first_day_after),
	    cmocka_unit_test(test_scan_new_york_2026),
	    cmocka_unit_test(test_scan_berlin_2026),
	    cmocka_unit_test(test_scan_lord_howe_2026),
	    cmocka_unit_test(test_scan_kathmandu_2026),
	    cmocka_unit_test(test_scan_santiago_2026),
	    cmocka_unit_test(test_scan_beirut_2026),
	    cmocka_unit_test(test_scan_apia_2011),
	    cmocka_unit_test(test_scan_kathmandu_1985_86),
	};

	return cmocka_run_group_tests_name("tz", tests, group_setup, group_teardown);
}
