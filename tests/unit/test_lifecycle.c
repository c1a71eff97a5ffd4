/* Unit tests for core/lifecycle: cancellation deadlines (before, at, after; forced), the fee
 * a late cancellation or a no-show owes (tiers, waived, free bookings), no-shows before the
 * start, transitions the rules leave alone, and reschedules (their own deadline, the
 * cancellation deadline when none is set, the reschedule limit, force). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lifecycle.h"

#define START 1772463600LL	/* 2026-03-02T15:00:00Z */
#define H 3600LL

/* A confirmed booking at START for 80.00 EUR under a 24-hour cancellation deadline and fee
 * tiers of 50 % within 24 hours and 100 % within 2 hours. */
static struct booking booked(void)
{
	struct booking b;

	memset(&b, 0, sizeof(b));
	snprintf(b.id, sizeof(b.id), "bkg_test");
	b.start = START;
	b.end = START + H;
	b.block_start = b.start;
	b.block_end = b.end;
	b.capacity = 1;
	b.status = BOOKING_CONFIRMED;
	snprintf(b.price, sizeof(b.price), "80.00");
	snprintf(b.currency, sizeof(b.currency), "EUR");
	b.policy.set = POLICY_CANCEL_DEADLINE | POLICY_FEES;
	b.policy.cancel_deadline_hours = 24;
	b.policy.nfees = 2;
	b.policy.fees[0] = (struct fee_tier){2, 100};
	b.policy.fees[1] = (struct fee_tier){24, 50};
	b.version = 1;
	return b;
}

/* Runs lifecycle_transition with a fresh error; note starts NULL. */
static int transition(struct booking *b, enum booking_status to, int64_t now, bool force,
		      bool waive, const char **note, struct err *e)
{
	*note = NULL;
	err_init(e);
	return lifecycle_transition(b, to, now, force, waive, note, e);
}

static int reschedule(const struct booking *b, int64_t now, bool force, const char **note,
		      struct err *e)
{
	*note = NULL;
	err_init(e);
	return lifecycle_reschedule(b, now, force, note, e);
}

static void assert_no_fee(const struct booking *b)
{
	assert_string_equal(b->fee, "");
	assert_string_equal(b->fee_reason, "");
}

/* ---- cancellation deadline ---- */

static void cancel_well_before_deadline_is_free(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 48 * H, false, false, &note, &e),
			 0);
	assert_int_equal(e.code, ERR_OK);
	assert_null(note);
	assert_no_fee(&b);
}

static void cancel_at_the_deadline_is_allowed(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 24 * H, false, false, &note, &e),
			 0);
	assert_int_equal(e.code, ERR_OK);
	assert_null(note);
	/* The 24-hour tier has not begun at exactly 24 hours before. */
	assert_no_fee(&b);
}

static void cancel_one_second_past_deadline_is_refused(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(
		transition(&b, BOOKING_CANCELLED, START - 24 * H + 1, false, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_DEADLINE);
	assert_string_equal(e.ext_name, "deadline");
	assert_string_equal(e.ext_json, "\"2026-03-01T15:00:00Z\"");
	assert_non_null(strstr(e.message, "cancellation"));
	assert_non_null(strstr(e.message, "24 hours"));
	assert_non_null(strstr(e.message, "2026-03-01T15:00:00Z"));
	assert_null(note);
	/* A refused cancellation charges nothing. */
	assert_no_fee(&b);
}

static void cancel_after_the_start_is_refused(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START + H, false, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_DEADLINE);
}

static void cancel_without_deadline_is_never_refused(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set &= ~(unsigned)POLICY_CANCEL_DEADLINE;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START + H, false, false, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_null(note);
	/* Still a late cancellation: the highest tier applies. */
	assert_string_equal(b.fee, "80.00");
	assert_string_equal(b.fee_reason, "late_cancellation");
}

static void forced_cancel_passes_with_note_and_fee(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 12 * H, true, false, &note, &e),
			 0);
	assert_int_equal(e.code, ERR_OK);
	assert_string_equal(e.ext_name, "");
	assert_non_null(note);
	assert_string_equal(note, "(forced past the cancellation deadline)");
	assert_string_equal(b.fee, "40.00");
	assert_string_equal(b.fee_reason, "late_cancellation");
}

static void force_before_the_deadline_adds_no_note(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 30 * H, true, false, &note, &e),
			 0);
	assert_null(note);
}

/* ---- late-cancellation fees ---- */

static void fee_tiers_apply_by_time_left(void **state)
{
	const char *note;
	struct booking b;
	struct err e;

	(void)state;
	/* Without a deadline every cancellation goes through; the tier in force decides. */
	b = booked();
	b.policy.set = POLICY_FEES;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 3 * H, false, false, &note, &e),
			 0);
	assert_string_equal(b.fee, "40.00");
	assert_string_equal(b.fee_reason, "late_cancellation");

	b = booked();
	b.policy.set = POLICY_FEES;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 2 * H, false, false, &note, &e),
			 0);
	assert_string_equal(b.fee, "40.00");	/* the 2-hour tier begins after 2 hours before */

	b = booked();
	b.policy.set = POLICY_FEES;
	assert_int_equal(
		transition(&b, BOOKING_CANCELLED, START - 2 * H + 1, false, false, &note, &e), 0);
	assert_string_equal(b.fee, "80.00");
	assert_string_equal(b.fee_reason, "late_cancellation");
}

static void fee_is_a_percent_of_the_price(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set = POLICY_FEES;
	snprintf(b.price, sizeof(b.price), "49.99");
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - 5 * H, false, false, &note, &e),
			 0);
	assert_string_equal(b.fee, "25.00");	/* 24.995 rounds half up */
}

static void waived_late_cancellation_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - H, true, true, &note, &e), 0);
	assert_non_null(note);
	/* Nothing owed; the fee let go is kept, with its reason. */
	assert_string_equal(b.fee, "");
	assert_string_equal(b.fee_waived, "80.00");
	assert_string_equal(b.fee_reason, "late_cancellation");
}

static void free_booking_with_empty_price_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.price[0] = '\0';
	b.currency[0] = '\0';
	b.policy.set = POLICY_FEES;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - H, false, false, &note, &e), 0);
	assert_no_fee(&b);
}

static void free_booking_with_zero_price_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	snprintf(b.price, sizeof(b.price), "0.00");
	b.policy.set = POLICY_FEES;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - H, false, false, &note, &e), 0);
	assert_no_fee(&b);
}

static void small_price_is_not_free(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	snprintf(b.price, sizeof(b.price), "0.50");
	b.policy.set = POLICY_FEES;
	assert_int_equal(transition(&b, BOOKING_CANCELLED, START - H, false, false, &note, &e), 0);
	assert_string_equal(b.fee, "0.50");
	assert_string_equal(b.fee_reason, "late_cancellation");
}

/* ---- no-shows ---- */

static void no_show_before_start_is_refused(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_NO_SHOW_FEE;
	b.policy.no_show_fee_percent = 100;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START - 1, false, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_NOT_STARTED);
	assert_non_null(strstr(e.message, "2026-03-02T15:00:00Z"));
	assert_no_fee(&b);
}

static void no_show_before_start_is_refused_even_forced(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START - H, true, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_NOT_STARTED);
}

static void no_show_at_start_owes_the_no_show_fee(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_NO_SHOW_FEE;
	b.policy.no_show_fee_percent = 100;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START, false, false, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	/* The cancellation deadline (passed long ago) does not apply to a no-show. */
	assert_null(note);
	assert_string_equal(b.fee, "80.00");
	assert_string_equal(b.fee_reason, "no_show");
}

static void no_show_after_start_owes_its_percent(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_NO_SHOW_FEE;
	b.policy.no_show_fee_percent = 25;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START + 2 * H, false, false, &note, &e), 0);
	assert_string_equal(b.fee, "20.00");
	assert_string_equal(b.fee_reason, "no_show");
}

static void no_show_waived_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_NO_SHOW_FEE;
	b.policy.no_show_fee_percent = 100;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START + H, false, true, &note, &e), 0);
	assert_string_equal(b.fee, "");
	assert_string_equal(b.fee_waived, "80.00");
	assert_string_equal(b.fee_reason, "no_show");
}

static void no_show_without_fee_set_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.no_show_fee_percent = 100;	/* not in set: off */
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START + H, false, false, &note, &e), 0);
	assert_no_fee(&b);
}

static void no_show_of_free_booking_owes_nothing(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	snprintf(b.price, sizeof(b.price), "0.00");
	b.policy.set |= POLICY_NO_SHOW_FEE;
	b.policy.no_show_fee_percent = 100;
	assert_int_equal(transition(&b, BOOKING_NO_SHOW, START + H, false, false, &note, &e), 0);
	assert_no_fee(&b);
}

/* ---- other transitions ---- */

static void other_transitions_are_untouched(void **state)
{
	static const enum booking_status to[] = {BOOKING_CONFIRMED, BOOKING_DECLINED,
						 BOOKING_COMPLETED, BOOKING_PENDING};
	const char *note;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		struct booking b = booked(), copy;
		b.policy.set |= POLICY_NO_SHOW_FEE;
		b.policy.no_show_fee_percent = 100;
		copy = b;
		/* Past the deadline, inside the top fee tier, before the start. */
		assert_int_equal(transition(&b, to[i], START - H, false, false, &note, &e), 0);
		assert_int_equal(e.code, ERR_OK);
		assert_null(note);
		assert_memory_equal(&b, &copy, sizeof(b));
	}
}

/* ---- reschedules ---- */

static void reschedule_deadline_boundary(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_RESCHEDULE_DEADLINE;
	b.policy.reschedule_deadline_hours = 12;
	/* Past the 24-hour cancellation deadline, but rescheduling has its own. */
	assert_int_equal(reschedule(&b, START - 13 * H, false, &note, &e), 0);
	assert_int_equal(reschedule(&b, START - 12 * H, false, &note, &e), 0);
	assert_null(note);
	assert_int_equal(reschedule(&b, START - 12 * H + 1, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_DEADLINE);
	assert_string_equal(e.ext_name, "deadline");
	assert_string_equal(e.ext_json, "\"2026-03-02T03:00:00Z\"");
	assert_non_null(strstr(e.message, "rescheduling"));
	assert_non_null(strstr(e.message, "12 hours"));
	assert_non_null(strstr(e.message, "2026-03-02T03:00:00Z"));
}

static void reschedule_without_own_deadline_uses_cancellation_deadline(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(reschedule(&b, START - 24 * H, false, &note, &e), 0);
	assert_int_equal(reschedule(&b, START - 24 * H + 1, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_DEADLINE);
	assert_string_equal(e.ext_name, "deadline");
	assert_string_equal(e.ext_json, "\"2026-03-01T15:00:00Z\"");
	assert_non_null(strstr(e.message, "24 hours"));
}

static void reschedule_deadline_of_zero_beats_cancellation_deadline(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_RESCHEDULE_DEADLINE;
	b.policy.reschedule_deadline_hours = 0;
	assert_int_equal(reschedule(&b, START - H, false, &note, &e), 0);
	assert_int_equal(reschedule(&b, START, false, &note, &e), 0);
	assert_int_equal(reschedule(&b, START + 1, false, &note, &e), -1);
	assert_string_equal(e.ext_json, "\"2026-03-02T15:00:00Z\"");
}

static void reschedule_without_any_deadline_is_allowed(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set = 0;
	assert_int_equal(reschedule(&b, START + H, false, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_null(note);
}

static void forced_reschedule_past_deadline_has_note(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	assert_int_equal(reschedule(&b, START - H, true, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_non_null(note);
	assert_string_equal(note, "(forced past the reschedule deadline)");
}

static void reschedule_limit_reached(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set = POLICY_MAX_RESCHEDULES;
	b.policy.max_reschedules = 2;
	b.reschedule_count = 1;
	assert_int_equal(reschedule(&b, START - 48 * H, false, &note, &e), 0);
	b.reschedule_count = 2;
	assert_int_equal(reschedule(&b, START - 48 * H, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_LIMIT);
	assert_non_null(strstr(e.message, "2 times"));
	assert_null(note);
}

static void reschedule_limit_of_zero_refuses_the_first(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set = POLICY_MAX_RESCHEDULES;
	b.policy.max_reschedules = 0;
	assert_int_equal(reschedule(&b, START - 48 * H, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_LIMIT);
}

static void reschedule_limit_unset_is_unlimited(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.max_reschedules = 0;	/* not in set */
	b.reschedule_count = 50;
	assert_int_equal(reschedule(&b, START - 48 * H, false, &note, &e), 0);
}

static void forced_reschedule_past_limit_has_note(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set = POLICY_MAX_RESCHEDULES;
	b.policy.max_reschedules = 1;
	b.reschedule_count = 3;
	assert_int_equal(reschedule(&b, START - 48 * H, true, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_non_null(note);
	assert_string_equal(note, "(forced past the reschedule limit)");
}

static void forced_reschedule_past_deadline_and_limit(void **state)
{
	struct booking b = booked();
	const char *note;
	struct err e;

	(void)state;
	b.policy.set |= POLICY_MAX_RESCHEDULES;
	b.policy.max_reschedules = 1;
	b.reschedule_count = 1;
	assert_int_equal(reschedule(&b, START - H, false, &note, &e), -1);
	assert_int_equal(e.code, ERR_POLICY_DEADLINE);	/* the deadline is checked first */
	assert_int_equal(reschedule(&b, START - H, true, &note, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_non_null(note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cancel_well_before_deadline_is_free),
		cmocka_unit_test(cancel_at_the_deadline_is_allowed),
		cmocka_unit_test(cancel_one_second_past_deadline_is_refused),
		cmocka_unit_test(cancel_after_the_start_is_refused),
		cmocka_unit_test(cancel_without_deadline_is_never_refused),
		cmocka_unit_test(forced_cancel_passes_with_note_and_fee),
		cmocka_unit_test(force_before_the_deadline_adds_no_note),
		cmocka_unit_test(fee_tiers_apply_by_time_left),
		cmocka_unit_test(fee_is_a_percent_of_the_price),
		cmocka_unit_test(waived_late_cancellation_owes_nothing),
		cmocka_unit_test(free_booking_with_empty_price_owes_nothing),
		cmocka_unit_test(free_booking_with_zero_price_owes_nothing),
		cmocka_unit_test(small_price_is_not_free),
		cmocka_unit_test(no_show_before_start_is_refused),
		cmocka_unit_test(no_show_before_start_is_refused_even_forced),
		cmocka_unit_test(no_show_at_start_owes_the_no_show_fee),
		cmocka_unit_test(no_show_after_start_owes_its_percent),
		cmocka_unit_test(no_show_waived_owes_nothing),
		cmocka_unit_test(no_show_without_fee_set_owes_nothing),
		cmocka_unit_test(no_show_of_free_booking_owes_nothing),
		cmocka_unit_test(other_transitions_are_untouched),
		cmocka_unit_test(reschedule_deadline_boundary),
		cmocka_unit_test(reschedule_without_own_deadline_uses_cancellation_deadline),
		cmocka_unit_test(reschedule_deadline_of_zero_beats_cancellation_deadline),
		cmocka_unit_test(reschedule_without_any_deadline_is_allowed),
		cmocka_unit_test(forced_reschedule_past_deadline_has_note),
		cmocka_unit_test(reschedule_limit_reached),
		cmocka_unit_test(reschedule_limit_of_zero_refuses_the_first),
		cmocka_unit_test(reschedule_limit_unset_is_unlimited),
		cmocka_unit_test(forced_reschedule_past_limit_has_note),
		cmocka_unit_test(forced_reschedule_past_deadline_and_limit),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
