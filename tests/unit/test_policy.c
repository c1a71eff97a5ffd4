/* Unit tests for core/policy: resolution over defaults, the storage text form, deadlines,
 * fee tiers and the decimal fee arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"

#define START 1772463600LL	/* 2026-03-02T15:00:00Z */
#define H 3600LL

static struct policy tiers_24_50_2_100(void)
{
	struct policy p;

	memset(&p, 0, sizeof(p));
	p.set = POLICY_FEES;
	p.nfees = 2;
	p.fees[0] = (struct fee_tier){24, 50};
	p.fees[1] = (struct fee_tier){2, 100};
	assert_int_equal(policy_fees_normalise(&p), 0);
	return p;
}

/* ---- resolution ---- */

static void test_resolve_takes_set_fields_of_the_service(void **state)
{
	struct policy base = {0}, over = {0}, out;

	(void)state;
	base.set = POLICY_CANCEL_DEADLINE | POLICY_NO_SHOW_FEE | POLICY_MAX_RESCHEDULES;
	base.cancel_deadline_hours = 24;
	base.no_show_fee_percent = 100;
	base.max_reschedules = 3;
	over.set = POLICY_CANCEL_DEADLINE | POLICY_RESCHEDULE_DEADLINE;
	over.cancel_deadline_hours = 0;
	over.reschedule_deadline_hours = 12;
	policy_resolve(&base, &over, &out);
	assert_int_equal(out.set, base.set | over.set);
	assert_int_equal(out.cancel_deadline_hours, 0);	/* set to 0 beats the default */
	assert_int_equal(out.reschedule_deadline_hours, 12);
	assert_int_equal(out.max_reschedules, 3);
	assert_int_equal(out.no_show_fee_percent, 100);
}

static void test_resolve_replaces_fee_tiers_as_a_whole(void **state)
{
	struct policy base = tiers_24_50_2_100(), over = {0}, out;

	(void)state;
	over.set = POLICY_FEES;
	over.nfees = 1;
	over.fees[0] = (struct fee_tier){6, 30};
	policy_resolve(&base, &over, &out);
	assert_int_equal(out.nfees, 1);
	assert_int_equal(out.fees[0].within_hours, 6);
	/* An empty tier list set on the service switches fees off. */
	over.nfees = 0;
	policy_resolve(&base, &over, &out);
	assert_int_equal(out.nfees, 0);
	assert_int_equal(policy_cancel_fee_percent(&out, START, START - H), 0);
}

/* ---- text form ---- */

static void test_encode_decode_round_trip(void **state)
{
	struct policy p = tiers_24_50_2_100(), q;
	char text[POLICY_TEXT_MAX];

	(void)state;
	p.set |= POLICY_CANCEL_DEADLINE | POLICY_RESCHEDULE_DEADLINE | POLICY_MAX_RESCHEDULES |
		 POLICY_NO_SHOW_FEE | POLICY_OFFER_MINUTES;
	p.cancel_deadline_hours = 24;
	p.reschedule_deadline_hours = 12;
	p.max_reschedules = 2;
	p.no_show_fee_percent = 100;
	p.offer_minutes = 45;
	policy_encode(&p, text);
	assert_string_equal(text, "c=24;r=12;m=2;f=2:100,24:50;n=100;o=45");
	assert_int_equal(policy_decode(text, &q), 0);
	assert_memory_equal(&p, &q, sizeof(p));
}

static void test_encode_empty_and_zero_values(void **state)
{
	struct policy p = {0}, q;
	char text[POLICY_TEXT_MAX];

	(void)state;
	policy_encode(&p, text);
	assert_string_equal(text, "");
	assert_int_equal(policy_decode("", &q), 0);
	assert_int_equal(q.set, 0);
	p.set = POLICY_FEES | POLICY_CANCEL_DEADLINE;	/* no tiers; deadline 0 */
	policy_encode(&p, text);
	assert_string_equal(text, "c=0;f=");
	assert_int_equal(policy_decode(text, &q), 0);
	assert_int_equal(q.set, POLICY_FEES | POLICY_CANCEL_DEADLINE);
	assert_int_equal(q.nfees, 0);
}

static void test_decode_rejects_malformed(void **state)
{
	static const char *const bad[] = {"x=1", "c=", "c=-1", "c=1;;", "f=24", "f=24:",
					  "c=1r=2", "n=abc", "c=99999999"};
	struct policy q;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(policy_decode(bad[i], &q), -1);
}

static void test_fees_normalise_sorts_and_rejects_duplicates(void **state)
{
	struct policy p = {0};

	(void)state;
	p.nfees = 3;
	p.fees[0] = (struct fee_tier){48, 25};
	p.fees[1] = (struct fee_tier){2, 100};
	p.fees[2] = (struct fee_tier){24, 50};
	assert_int_equal(policy_fees_normalise(&p), 0);
	assert_int_equal(p.fees[0].within_hours, 2);
	assert_int_equal(p.fees[1].within_hours, 24);
	assert_int_equal(p.fees[2].within_hours, 48);
	p.fees[2].within_hours = 24;
	assert_int_equal(policy_fees_normalise(&p), -1);
}

/* ---- deadlines ---- */

static void test_deadline_boundary(void **state)
{
	struct policy p = {0};

	(void)state;
	p.set = POLICY_CANCEL_DEADLINE;
	p.cancel_deadline_hours = 24;
	assert_false(policy_deadline_passed(&p, POLICY_CANCEL_DEADLINE, START, START - 24 * H - 1));
	assert_false(policy_deadline_passed(&p, POLICY_CANCEL_DEADLINE, START, START - 24 * H));
	assert_true(policy_deadline_passed(&p, POLICY_CANCEL_DEADLINE, START, START - 24 * H + 1));
	/* The reschedule deadline is its own field, unset here. */
	assert_false(policy_deadline_passed(&p, POLICY_RESCHEDULE_DEADLINE, START, START));
}

static void test_zero_deadline_closes_at_the_start(void **state)
{
	struct policy p = {0};

	(void)state;
	p.set = POLICY_RESCHEDULE_DEADLINE;
	p.reschedule_deadline_hours = 0;
	assert_false(policy_deadline_passed(&p, POLICY_RESCHEDULE_DEADLINE, START, START));
	assert_true(policy_deadline_passed(&p, POLICY_RESCHEDULE_DEADLINE, START, START + 1));
}

/* ---- fees ---- */

static void test_fee_tiers_at_their_boundaries(void **state)
{
	struct policy p = tiers_24_50_2_100();

	(void)state;
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - 48 * H), 0);
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - 24 * H), 0);
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - 24 * H + 1), 50);
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - 2 * H), 50);
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - 2 * H + 1), 100);
	assert_int_equal(policy_cancel_fee_percent(&p, START, START + H), 100);
}

static void test_fee_takes_the_highest_begun_tier(void **state)
{
	struct policy p = {0};

	(void)state;
	/* A wider window with a higher percent still wins once both have begun. */
	p.set = POLICY_FEES;
	p.nfees = 2;
	p.fees[0] = (struct fee_tier){2, 10};
	p.fees[1] = (struct fee_tier){24, 60};
	assert_int_equal(policy_cancel_fee_percent(&p, START, START - H), 60);
}

static void test_money_percent(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(money_percent("80.00", 50, out, sizeof(out)), 0);
	assert_string_equal(out, "40.00");
	assert_int_equal(money_percent("80", 50, out, sizeof(out)), 0);
	assert_string_equal(out, "40.00");
	assert_int_equal(money_percent("0.05", 50, out, sizeof(out)), 0);
	assert_string_equal(out, "0.03");	/* 2.5 cents rounds half up */
	assert_int_equal(money_percent("0.03", 50, out, sizeof(out)), 0);
	assert_string_equal(out, "0.02");
	assert_int_equal(money_percent("45.125", 100, out, sizeof(out)), 0);
	assert_string_equal(out, "45.125");
	assert_int_equal(money_percent("99.99", 33, out, sizeof(out)), 0);
	assert_string_equal(out, "33.00");	/* 32.9967 */
	assert_int_equal(money_percent("123456789.1234", 100, out, sizeof(out)), 0);
	assert_string_equal(out, "123456789.1234");
	assert_int_equal(money_percent("10", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "0.00");
}

static void test_money_percent_rejects_bad_input(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(money_percent("", 50, out, sizeof(out)), -1);
	assert_int_equal(money_percent("1.2.3", 50, out, sizeof(out)), -1);
	assert_int_equal(money_percent("-5", 50, out, sizeof(out)), -1);
	assert_int_equal(money_percent("5", 101, out, sizeof(out)), -1);
	assert_int_equal(money_percent("123456789", 100, out, sizeof(out)), -1);	/* too small */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_takes_set_fields_of_the_service),
	    cmocka_unit_test(test_resolve_replaces_fee_tiers_as_a_whole),
	    cmocka_unit_test(test_encode_decode_round_trip),
	    cmocka_unit_test(test_encode_empty_and_zero_values),
	    cmocka_unit_test(test_decode_rejects_malformed),
	    cmocka_unit_test(test_fees_normalise_sorts_and_rejects_duplicates),
	    cmocka_unit_test(test_deadline_boundary),
	    cmocka_unit_test(test_zero_deadline_closes_at_the_start),
	    cmocka_unit_test(test_fee_tiers_at_their_boundaries),
	    cmocka_unit_test(test_fee_takes_the_highest_begun_tier),
	    cmocka_unit_test(test_money_percent),
	    cmocka_unit_test(test_money_percent_rejects_bad_input),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
