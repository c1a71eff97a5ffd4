/* Unit tests for http/slots_json: the exact JSON text of slot lists.
 *
 * Expected strings were produced by an independent Python renderer:
 *   d = datetime.fromtimestamp(utc, ZoneInfo(zone)); d.strftime("%Y-%m-%dT%H:%M:%S") plus
 *   "Z" when d.utcoffset() is zero, else "+HH:MM" / "-HH:MM",
 * and the instants were computed with datetime.fromisoformat(...).timestamp(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/civil.h"
#include "http/slots_json.h"
#include "util/buf.h"

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
	return 0;
}

static const struct tz *zone(const char *name)
{
	const struct tz *z = tz_db_get(db, name);

	assert_non_null(z);
	return z;
}

static const char *const one_id[] = {"prv_a"};
static const char *const two_ids[] = {"prv_a", "prv_b"};

/* Renders v[0..n) in zone_name and compares the whole text. */
static void assert_json(const struct slot *v, size_t n, const char *zone_name,
			const char *const *ids, bool seats, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	slots_render_json(&b, v, n, zone(zone_name), ids, seats);
	assert_false(b.failed);
	assert_string_equal(b.ptr, want);
	assert_int_equal(b.len, strlen(want));
	buf_release(&b);
}

static void test_empty_list(void **state)
{
	(void)state;
	assert_json(NULL, 0, "UTC", one_id, false, "{\"slots\":[]}");
	assert_json(NULL, 0, "America/New_York", one_id, true, "{\"slots\":[]}");
}

static void test_negative_offset_new_york(void **state)
{
	static const struct slot v[] = {
	    {1768226400, 1768230000, 0, 1},
	    {1768230000, 1768233600, 1, 2},
	};

	(void)state;
	assert_json(
	    v, 2, "America/New_York", two_ids, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-01-12T09:00:00-05:00\",\"end\":\"2026-01-12T10:00:00-05:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-01-12T10:00:00-05:00\",\"end\":\"2026-01-12T11:00:00-05:00\","
	    "\"provider_id\":\"prv_b\"}]}");
}

static void test_seats_left_when_asked(void **state)
{
	static const struct slot v[] = {
	    {1768226400, 1768230000, 0, 1},
	    {1768230000, 1768233600, 1, 3},
	};

	(void)state;
	assert_json(
	    v, 2, "America/New_York", two_ids, true,
	    "{\"slots\":["
	    "{\"start\":\"2026-01-12T09:00:00-05:00\",\"end\":\"2026-01-12T10:00:00-05:00\","
	    "\"provider_id\":\"prv_a\",\"seats_left\":1},"
	    "{\"start\":\"2026-01-12T10:00:00-05:00\",\"end\":\"2026-01-12T11:00:00-05:00\","
	    "\"provider_id\":\"prv_b\",\"seats_left\":3}]}");
}

static void test_no_seats_left_when_not_asked(void **state)
{
	static const struct slot v[] = {{1768226400, 1768230000, 0, 7}};
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	slots_render_json(&b, v, 1, zone("America/New_York"), one_id, false);
	assert_null(strstr(b.ptr, "seats_left"));
	buf_release(&b);
}

static void test_plus_0545_kathmandu(void **state)
{
	static const struct slot v[] = {
	    {1777864500, 1777868100, 0, 1},
	    {1777868100, 1777871700, 0, 1},
	};
	static const char *const ids[] = {"prv_ktm"};

	(void)state;
	assert_json(
	    v, 2, "Asia/Kathmandu", ids, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-05-04T09:00:00+05:45\",\"end\":\"2026-05-04T10:00:00+05:45\","
	    "\"provider_id\":\"prv_ktm\"},"
	    "{\"start\":\"2026-05-04T10:00:00+05:45\",\"end\":\"2026-05-04T11:00:00+05:45\","
	    "\"provider_id\":\"prv_ktm\"}]}");
}

static void test_utc_is_z(void **state)
{
	static const struct slot v[] = {{1777864500, 1777868100, 0, 1}};

	(void)state;
	assert_json(v, 1, "UTC", one_id, false,
		    "{\"slots\":["
		    "{\"start\":\"2026-05-04T03:15:00Z\",\"end\":\"2026-05-04T04:15:00Z\","
		    "\"provider_id\":\"prv_a\"}]}");
}

static void test_zero_offset_zone_is_z_then_plus_one(void **state)
{
	static const struct slot v[] = {
	    {1768208400, 1768212000, 0, 1},
	    {1782896400, 1782900000, 0, 1},
	};

	(void)state;
	assert_json(
	    v, 2, "Europe/London", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-01-12T09:00:00Z\",\"end\":\"2026-01-12T10:00:00Z\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-07-01T10:00:00+01:00\",\"end\":\"2026-07-01T11:00:00+01:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_spring_forward_within_list(void **state)
{
	static const struct slot v[] = {
	    {1772946000, 1772949600, 0, 1},
	    {1772949600, 1772953200, 0, 1},
	    {1772953200, 1772956800, 0, 1},
	};

	(void)state;
	/* The middle slot starts in EST and ends in EDT: its end is 03:00-04:00. */
	assert_json(
	    v, 3, "America/New_York", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-03-08T00:00:00-05:00\",\"end\":\"2026-03-08T01:00:00-05:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-03-08T01:00:00-05:00\",\"end\":\"2026-03-08T03:00:00-04:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-03-08T03:00:00-04:00\",\"end\":\"2026-03-08T04:00:00-04:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_fall_back_within_list(void **state)
{
	static const struct slot v[] = {
	    {1793509200, 1793512800, 0, 1},
	    {1793512800, 1793516400, 0, 1},
	    {1793516400, 1793520000, 0, 1},
	};

	(void)state;
	/* 01:00 appears with both offsets. */
	assert_json(
	    v, 3, "America/New_York", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-11-01T01:00:00-04:00\",\"end\":\"2026-11-01T01:00:00-05:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-11-01T01:00:00-05:00\",\"end\":\"2026-11-01T02:00:00-05:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-11-01T02:00:00-05:00\",\"end\":\"2026-11-01T03:00:00-05:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_overlapping_slots_step_back_across_transition(void **state)
{
	static const struct slot v[] = {
	    {1772951400, 1772955000, 0, 1},
	    {1772952300, 1772955900, 0, 1},
	};

	(void)state;
	/* The second start lies before the first end, on the other side of the transition. */
	assert_json(
	    v, 2, "America/New_York", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-03-08T01:30:00-05:00\",\"end\":\"2026-03-08T03:30:00-04:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-03-08T01:45:00-05:00\",\"end\":\"2026-03-08T03:45:00-04:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_date_changes_inside_slot(void **state)
{
	static const struct slot v[] = {
	    {1768192200, 1768195800, 0, 1},
	    {1768278600, 1768282200, 0, 1},
	};

	(void)state;
	assert_json(
	    v, 2, "America/New_York", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-01-11T23:30:00-05:00\",\"end\":\"2026-01-12T00:30:00-05:00\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-01-12T23:30:00-05:00\",\"end\":\"2026-01-13T00:30:00-05:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_half_hour_dst_lord_howe(void **state)
{
	static const struct slot v[] = {
	    {1775313000, 1775314800, 0, 1},
	    {1775314800, 1775316600, 0, 1},
	};

	(void)state;
	assert_json(
	    v, 2, "Australia/Lord_Howe", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-04-05T01:30:00+11:00\",\"end\":\"2026-04-05T01:30:00+10:30\","
	    "\"provider_id\":\"prv_a\"},"
	    "{\"start\":\"2026-04-05T01:30:00+10:30\",\"end\":\"2026-04-05T02:00:00+10:30\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_berlin_overlap(void **state)
{
	static const struct slot v[] = {{1792888200, 1792891800, 0, 1}};

	(void)state;
	assert_json(
	    v, 1, "Europe/Berlin", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-10-25T02:30:00+02:00\",\"end\":\"2026-10-25T02:30:00+01:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_display_zone_differs_from_provider(void **state)
{
	/* A Kathmandu provider's 09:00 shown to a New York caller (EDT in May). */
	static const struct slot v[] = {{1777864500, 1777868100, 0, 1}};

	(void)state;
	assert_json(
	    v, 1, "America/New_York", one_id, false,
	    "{\"slots\":["
	    "{\"start\":\"2026-05-03T23:15:00-04:00\",\"end\":\"2026-05-04T00:15:00-04:00\","
	    "\"provider_id\":\"prv_a\"}]}");
}

static void test_buffer_limit_sets_failed(void **state)
{
	static const struct slot v[] = {
	    {1768226400, 1768230000, 0, 1},
	    {1768230000, 1768233600, 0, 1},
	};
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	slots_render_json(&b, v, 2, zone("America/New_York"), one_id, true);
	assert_true(b.failed);
	assert_true(b.len <= 64);
	buf_release(&b);
}

/* Every slot of a year in New York, 15-minute starts, rendered in one list, must match
 * rfc3339_format at tz_offset_at (both tested on their own). */
static void test_year_matches_rfc3339_format(void **state)
{
	const struct tz *z = zone("America/New_York");
	size_t n = 365 * 96, i;
	struct slot *v = test_malloc(n * sizeof(*v));
	struct buf b, want;

	(void)state;
	for (i = 0; i < n; i++) {
		v[i].start = 1767225600 + (int64_t)i * 900;
		v[i].end = v[i].start + 3600;
		v[i].provider = 0;
		v[i].seats_left = (int32_t)(i % 4);
	}
	buf_init(&b, 0);
	buf_init(&want, 0);
	slots_render_json(&b, v, n, z, one_id, true);
	buf_adds(&want, "{\"slots\":[");
	for (i = 0; i < n; i++) {
		char s[RFC3339_STR_MAX], e[RFC3339_STR_MAX];
		rfc3339_format(v[i].start, tz_offset_at(z, v[i].start), s);
		rfc3339_format(v[i].end, tz_offset_at(z, v[i].end), e);
		buf_addf(&want,
			 "%s{\"start\":\"%s\",\"end\":\"%s\",\"provider_id\":\"prv_a\","
			 "\"seats_left\":%d}",
			 i ? "," : "", s, e, (int)v[i].seats_left);
	}
	buf_adds(&want, "]}");
	assert_false(b.failed);
	assert_false(want.failed);
	assert_int_equal(b.len, want.len);
	assert_string_equal(b.ptr, want.ptr);
	buf_release(&b);
	buf_release(&want);
	test_free(v);
}

/* group=start: each (start, end) once with its count, ids in list order; 2026-03-02 09:00Z is
 * 1772442000. Three providers at 09:00, one of them (c) with its own 90 minutes; one at
 * 09:30; an empty list. */
static void test_grouped_by_start(void **state)
{
	static const char *const three[] = {"prv_a", "prv_b", "prv_c"};
	const int64_t t = 1772442000;
	const struct slot v[] = {
		{t, t + 3600, 0, 1}, {t, t + 3600, 1, 1}, {t, t + 5400, 2, 1},
		{t + 1800, t + 5400, 1, 1},
	};
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	slots_render_grouped(&b, v, 4, zone("UTC"), three, false);
	assert_string_equal(b.ptr,
			    "{\"slots\":["
			    "{\"start\":\"2026-03-02T09:00:00Z\",\"end\":\"2026-03-02T10:00:00Z\",\"providers_free\":2},"
			    "{\"start\":\"2026-03-02T09:00:00Z\",\"end\":\"2026-03-02T10:30:00Z\",\"providers_free\":1},"
			    "{\"start\":\"2026-03-02T09:30:00Z\",\"end\":\"2026-03-02T10:30:00Z\",\"providers_free\":1}]}");
	buf_release(&b);
	buf_init(&b, 0);
	slots_render_grouped(&b, v, 4, zone("Europe/Berlin"), three, true);
	assert_string_equal(b.ptr,
			    "{\"slots\":["
			    "{\"start\":\"2026-03-02T10:00:00+01:00\",\"end\":\"2026-03-02T11:00:00+01:00\",\"providers_free\":2,\"provider_ids\":[\"prv_a\",\"prv_b\"]},"
			    "{\"start\":\"2026-03-02T10:00:00+01:00\",\"end\":\"2026-03-02T11:30:00+01:00\",\"providers_free\":1,\"provider_ids\":[\"prv_c\"]},"
			    "{\"start\":\"2026-03-02T10:30:00+01:00\",\"end\":\"2026-03-02T11:30:00+01:00\",\"providers_free\":1,\"provider_ids\":[\"prv_b\"]}]}");
	buf_release(&b);
	buf_init(&b, 0);
	slots_render_grouped(&b, v, 0, zone("UTC"), three, true);
	assert_string_equal(b.ptr, "{\"slots\":[]}");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_list),
	    cmocka_unit_test(test_negative_offset_new_york),
	    cmocka_unit_test(test_seats_left_when_asked),
	    cmocka_unit_test(test_no_seats_left_when_not_asked),
	    cmocka_unit_test(test_plus_0545_kathmandu),
	    cmocka_unit_test(test_utc_is_z),
	    cmocka_unit_test(test_zero_offset_zone_is_z_then_plus_one),
	    cmocka_unit_test(test_spring_forward_within_list),
	    cmocka_unit_test(test_fall_back_within_list),
	    cmocka_unit_test(test_overlapping_slots_step_back_across_transition),
	    cmocka_unit_test(test_date_changes_inside_slot),
	    cmocka_unit_test(test_half_hour_dst_lord_howe),
	    cmocka_unit_test(test_berlin_overlap),
	    cmocka_unit_test(test_display_zone_differs_from_provider),
	    cmocka_unit_test(test_buffer_limit_sets_failed),
	    cmocka_unit_test(test_year_matches_rfc3339_format),
	    cmocka_unit_test(test_grouped_by_start),
	};

	return cmocka_run_group_tests_name("slots_json", tests, group_setup, group_teardown);
}
