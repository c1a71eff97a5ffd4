/* Unit tests for core/stats: what one booking adds (status, late cancellation by deadline
 * or by the widest fee tier, seats counted once, lead-time buckets at their edges), the
 * percentile rule, the lead buckets' text form, exact money sums and formatting, and the
 * customers' ratings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/stats.h"

#define START 1772463600LL	/* 2026-03-02T15:00:00Z */
#define H 3600LL

static struct stats_booking booking(enum booking_status st, int64_t lead_sec)
{
	struct stats_booking b;

	memset(&b, 0, sizeof(b));
	b.provider_id = "prv_a";
	b.service_id = "svc_a";
	b.currency = "EUR";
	b.start = START;
	b.end = START + 45 * 60;
	b.created_at = START - lead_sec;
	b.status = st;
	b.price = "80.00";
	b.fee = "";
	b.fee_waived = "";
	return b;
}

static void counts_by_status_and_minutes(void **state)
{
	struct stats_cell c;
	struct stats_booking b = booking(BOOKING_COMPLETED, 3 * H);

	(void)state;
	memset(&c, 0, sizeof(c));
	stats_add(&c, &b, true);
	b.status = BOOKING_CANCELLED;
	stats_add(&c, &b, true);	/* cancelled: no time held even as a "first seat" */
	b.status = BOOKING_DECLINED;
	stats_add(&c, &b, true);
	assert_int_equal(c.bookings, 3);
	assert_int_equal(c.by_status[BOOKING_COMPLETED], 1);
	assert_int_equal(c.by_status[BOOKING_CANCELLED], 1);
	assert_int_equal(c.by_status[BOOKING_DECLINED], 1);
	assert_int_equal(c.booked_sec, 45 * 60);
	assert_int_equal(c.duration_sec, 3 * 45 * 60);
	assert_int_equal(c.money.revenue, 800000);	/* 80.00 of the completed one only */
}

static void late_by_deadline_or_widest_tier(void **state)
{
	struct stats_booking b = booking(BOOKING_CANCELLED, 48 * H);

	(void)state;
	b.closed_at = START - 24 * H;		/* exactly at a 24 h deadline: early */
	b.policy.set = POLICY_CANCEL_DEADLINE;
	b.policy.cancel_deadline_hours = 24;
	assert_false(stats_cancelled_late(&b));
	b.closed_at++;
	assert_true(stats_cancelled_late(&b));
	/* No deadline: the widest fee tier (48 h) decides. */
	b.policy.set = POLICY_FEES;
	b.policy.nfees = 2;
	b.policy.fees[0] = (struct fee_tier){2, 100};
	b.policy.fees[1] = (struct fee_tier){48, 50};
	b.closed_at = START - 30 * H;
	assert_true(stats_cancelled_late(&b));
	b.closed_at = START - 49 * H;
	assert_false(stats_cancelled_late(&b));
	/* Neither: never late. */
	b.policy.set = 0;
	b.closed_at = START;
	assert_false(stats_cancelled_late(&b));
	/* Not cancelled: never late. */
	b.policy.set = POLICY_CANCEL_DEADLINE;
	b.status = BOOKING_NO_SHOW;
	assert_false(stats_cancelled_late(&b));
}

static void seats_of_one_session_count_once(void **state)
{
	struct stats_seat last;
	struct stats_booking a = booking(BOOKING_CONFIRMED, H), b = a, c = a, d = a;

	(void)state;
	memset(&last, 0, sizeof(last));
	b.status = BOOKING_CANCELLED;
	d.start += H;
	assert_true(stats_first_seat(&last, &a));
	assert_false(stats_first_seat(&last, &b));	/* cancelled holds no time */
	assert_false(stats_first_seat(&last, &c));	/* second seat of a's session */
	assert_true(stats_first_seat(&last, &d));	/* a later session */
	c.service_id = "svc_b";
	c.start = d.start;
	assert_true(stats_first_seat(&last, &c));	/* another service at that start */
}

static void lead_buckets_and_percentiles(void **state)
{
	struct stats_cell c;
	struct stats_booking b;
	char text[STATS_LEAD_TEXT_MAX];
	int64_t back[STATS_LEAD_BUCKETS] = {0};

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(stats_lead_percentile(&c, 0.5), -1);
	b = booking(BOOKING_CONFIRMED, 24 * H);		/* exactly 24 h: the bucket ending at 36 */
	stats_add(&c, &b, true);
	assert_int_equal(stats_lead_percentile(&c, 0.5), 36);
	b = booking(BOOKING_CONFIRMED, -H);		/* below zero counts as 0 */
	stats_add(&c, &b, true);
	b = booking(BOOKING_CONFIRMED, 100000 * H);	/* beyond the last edge: the last bucket */
	stats_add(&c, &b, true);
	b = booking(BOOKING_CONFIRMED, 30 * 60);
	stats_add(&c, &b, true);
	/* Sorted: 0, 0.5 h, 24 h, 100000 h. p50: k = 2 -> bucket ending at 1; p90: k = 4. */
	assert_int_equal(stats_lead_percentile(&c, 0.5), 1);
	assert_int_equal(stats_lead_percentile(&c, 0.9), 87600);
	stats_lead_encode(c.lead, text, sizeof(text));
	assert_string_equal(text, "0:2,9:1,24:1");
	assert_int_equal(stats_lead_decode(text, back), 0);
	assert_memory_equal(back, c.lead, sizeof(back));
	assert_int_equal(stats_lead_decode("0:1,x", back), -1);
	assert_int_equal(stats_lead_decode("25:1", back), -1);
}

static void money_is_exact(void **state)
{
	struct stats_cell c, d;
	struct stats_booking b = booking(BOOKING_COMPLETED, H);
	int64_t v;
	int dec;
	char out[32];

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	for (int i = 0; i < 10; i++) {
		b.price = "0.1";
		stats_add(&c, &b, true);
	}
	stats_money_format(c.money.revenue, c.money.decimals, out, sizeof(out));
	assert_string_equal(out, "1.00");
	b.price = "12.3456";
	b.status = BOOKING_NO_SHOW;
	b.fee = "6.1728";
	stats_add(&d, &b, true);
	stats_merge(&c, &d);
	assert_int_equal(c.money.decimals, 4);
	stats_money_format(c.money.fees, c.money.decimals, out, sizeof(out));
	assert_string_equal(out, "6.1728");
	assert_int_equal(stats_money_parse("45", &v, &dec), 0);
	assert_int_equal(v, 450000);
	assert_int_equal(dec, 0);
	assert_int_equal(stats_money_parse("4.56789", &v, &dec), -1);
	assert_int_equal(stats_money_parse("", &v, &dec), -1);
	assert_int_equal(stats_money_parse("1.2.3", &v, &dec), -1);
	assert_int_equal(stats_sat_add(INT64_MAX - 1, 5), INT64_MAX);
}

static void ratings_add_merge_and_subtract(void **state)
{
	struct stats_cell c, part;
	struct stats_booking b = booking(BOOKING_COMPLETED, 3 * H);

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&part, 0, sizeof(part));
	stats_add(&c, &b, true);	/* no feedback: not a rating */
	b.rating = 5;
	stats_add(&c, &b, true);
	b.rating = 2;
	stats_add(&part, &b, true);
	stats_merge(&c, &part);
	assert_int_equal(c.bookings, 3);
	assert_int_equal(c.ratings, 2);
	assert_int_equal(c.rating_sum, 7);
	stats_subtract(&c, &part);
	assert_int_equal(c.ratings, 1);
	assert_int_equal(c.rating_sum, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_by_status_and_minutes),
		cmocka_unit_test(late_by_deadline_or_widest_tier),
		cmocka_unit_test(seats_of_one_session_count_once),
		cmocka_unit_test(lead_buckets_and_percentiles),
		cmocka_unit_test(money_is_exact),
		cmocka_unit_test(ratings_add_merge_and_subtract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
