/* Unit tests for core/booking: the lifecycle state machine (every status against every
 * action), booking_is_active, the status and action name tables, booking_reference, and
 * booking_busy_build; plus the group-seat side of core/slots: slot_seats_used, seats in
 * slots_generate and the "booked" reason of slots_explain for a full start.
 *
 * The slot tests use the fixture of slot_fixture.h: a New York provider with Mon-Fri
 * 09:00-12:00 and 13:00-17:00, a 60-minute service on a 60-minute grid and the window
 * Monday 2026-01-12 (EST, so est() gives the instants). */
#include "core/booking.h"
#include "core/slots.h"
#include "slot_fixture.h"

/* ---- helpers ---- */

/* The transition table as the header states it, written out independently of booking.c:
 * -1 where the action is illegal. */
static const int expected_next[BOOKING__STATUS_COUNT][BOOKING__ACTION_COUNT] = {
    /*                   confirm            decline           cancel             complete           no-show */
    [BOOKING_PENDING] = {BOOKING_CONFIRMED, BOOKING_DECLINED, BOOKING_CANCELLED, -1, -1},
    [BOOKING_CONFIRMED] = {-1, -1, BOOKING_CANCELLED, BOOKING_COMPLETED, BOOKING_NO_SHOW},
    [BOOKING_DECLINED] = {-1, -1, -1, -1, -1},
    [BOOKING_CANCELLED] = {-1, -1, -1, -1, -1},
    [BOOKING_COMPLETED] = {-1, -1, -1, -1, -1},
    [BOOKING_NO_SHOW] = {-1, -1, -1, -1, -1},
};

static void assert_legal(enum booking_status from, enum booking_action a,
			 enum booking_status want)
{
	enum booking_status to = BOOKING__STATUS_COUNT;

	assert_int_equal(booking_transition(from, a, &to), 0);
	assert_int_equal(to, want);
}

static void assert_illegal(enum booking_status from, enum booking_action a)
{
	enum booking_status to = BOOKING__STATUS_COUNT;

	assert_int_equal(booking_transition(from, a, &to), -1);
}

/* Every action from a status that has no way out. */
static void assert_terminal(enum booking_status s)
{
	int a;

	for (a = 0; a < BOOKING__ACTION_COUNT; a++)
		assert_illegal(s, (enum booking_action)a);
}

static struct booked_time booked(int64_t start, int64_t block_start, int64_t block_end,
				 const char *service_id)
{
	struct booked_time b;

	memset(&b, 0, sizeof(b));
	b.start = start;
	b.block_start = block_start;
	b.block_end = block_end;
	snprintf(b.service_id, sizeof(b.service_id), "%s", service_id);
	return b;
}

/* A booking of service_id at start with no buffers and the given length in minutes. */
static struct booked_time booked_plain(int64_t start, int minutes, const char *service_id)
{
	return booked(start, start, start + (int64_t)minutes * 60, service_id);
}

#define GROUP "svc_group0000000000000"
#define OTHER "svc_other0000000000000"

/* ---- state machine: legal transitions ---- */

static void test_pending_confirm_gives_confirmed(void **state)
{
	(void)state;
	assert_legal(BOOKING_PENDING, ACTION_CONFIRM, BOOKING_CONFIRMED);
}

static void test_pending_decline_gives_declined(void **state)
{
	(void)state;
	assert_legal(BOOKING_PENDING, ACTION_DECLINE, BOOKING_DECLINED);
}

static void test_pending_cancel_gives_cancelled(void **state)
{
	(void)state;
	assert_legal(BOOKING_PENDING, ACTION_CANCEL, BOOKING_CANCELLED);
}

static void test_confirmed_cancel_gives_cancelled(void **state)
{
	(void)state;
	assert_legal(BOOKING_CONFIRMED, ACTION_CANCEL, BOOKING_CANCELLED);
}

static void test_confirmed_complete_gives_completed(void **state)
{
	(void)state;
	assert_legal(BOOKING_CONFIRMED, ACTION_COMPLETE, BOOKING_COMPLETED);
}

static void test_confirmed_no_show_gives_no_show(void **state)
{
	(void)state;
	assert_legal(BOOKING_CONFIRMED, ACTION_NO_SHOW, BOOKING_NO_SHOW);
}

/* ---- state machine: illegal transitions ---- */

static void test_pending_complete_illegal(void **state)
{
	(void)state;
	assert_illegal(BOOKING_PENDING, ACTION_COMPLETE);
}

static void test_pending_no_show_illegal(void **state)
{
	(void)state;
	assert_illegal(BOOKING_PENDING, ACTION_NO_SHOW);
}

static void test_confirmed_confirm_illegal(void **state)
{
	(void)state;
	assert_illegal(BOOKING_CONFIRMED, ACTION_CONFIRM);
}

static void test_confirmed_decline_illegal(void **state)
{
	(void)state;
	assert_illegal(BOOKING_CONFIRMED, ACTION_DECLINE);
}

static void test_declined_is_terminal(void **state)
{
	(void)state;
	assert_terminal(BOOKING_DECLINED);
}

static void test_cancelled_is_terminal(void **state)
{
	(void)state;
	assert_terminal(BOOKING_CANCELLED);
}

static void test_completed_is_terminal(void **state)
{
	(void)state;
	assert_terminal(BOOKING_COMPLETED);
}

static void test_no_show_is_terminal(void **state)
{
	(void)state;
	assert_terminal(BOOKING_NO_SHOW);
}

static void test_whole_matrix_matches_table(void **state)
{
	int s, a, legal = 0;

	(void)state;
	for (s = 0; s < BOOKING__STATUS_COUNT; s++) {
		for (a = 0; a < BOOKING__ACTION_COUNT; a++) {
			enum booking_status to = BOOKING__STATUS_COUNT;
			int rc = booking_transition((enum booking_status)s, (enum booking_action)a,
						    &to);
			if (expected_next[s][a] < 0) {
				assert_int_equal(rc, -1);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(to, expected_next[s][a]);
				legal++;
			}
		}
	}
	assert_int_equal(legal, 6); /* 30 pairs, 6 legal */
}

static void test_legal_transitions_end_inactive_or_confirmed(void **state)
{
	int s, a;

	/* Only confirm keeps a booking holding its time; every other legal move frees it. */
	(void)state;
	for (s = 0; s < BOOKING__STATUS_COUNT; s++)
		for (a = 0; a < BOOKING__ACTION_COUNT; a++) {
			enum booking_status to;
			if (booking_transition((enum booking_status)s, (enum booking_action)a, &to))
				continue;
			assert_true(booking_is_active((enum booking_status)s));
			assert_int_equal(booking_is_active(to), a == ACTION_CONFIRM);
		}
}

static void test_transition_out_of_range_rejected(void **state)
{
	enum booking_status to = BOOKING__STATUS_COUNT;

	(void)state;
	assert_int_equal(booking_transition(BOOKING__STATUS_COUNT, ACTION_CANCEL, &to), -1);
	assert_int_equal(booking_transition((enum booking_status)-1, ACTION_CANCEL, &to), -1);
	assert_int_equal(booking_transition(BOOKING_PENDING, BOOKING__ACTION_COUNT, &to), -1);
	assert_int_equal(booking_transition(BOOKING_PENDING, (enum booking_action)-1, &to), -1);
	assert_int_equal(to, BOOKING__STATUS_COUNT);
}

/* ---- booking_is_active ---- */

static void test_is_active_pending(void **state)
{
	(void)state;
	assert_true(booking_is_active(BOOKING_PENDING));
}

static void test_is_active_confirmed(void **state)
{
	(void)state;
	assert_true(booking_is_active(BOOKING_CONFIRMED));
}

static void test_is_active_declined(void **state)
{
	(void)state;
	assert_false(booking_is_active(BOOKING_DECLINED));
}

static void test_is_active_cancelled(void **state)
{
	(void)state;
	assert_false(booking_is_active(BOOKING_CANCELLED));
}

static void test_is_active_completed(void **state)
{
	(void)state;
	assert_false(booking_is_active(BOOKING_COMPLETED));
}

static void test_is_active_no_show(void **state)
{
	(void)state;
	assert_false(booking_is_active(BOOKING_NO_SHOW));
}

/* ---- names ---- */

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(booking_status_name(BOOKING_PENDING), "pending");
	assert_string_equal(booking_status_name(BOOKING_CONFIRMED), "confirmed");
	assert_string_equal(booking_status_name(BOOKING_DECLINED), "declined");
	assert_string_equal(booking_status_name(BOOKING_CANCELLED), "cancelled");
	assert_string_equal(booking_status_name(BOOKING_COMPLETED), "completed");
	assert_string_equal(booking_status_name(BOOKING_NO_SHOW), "no_show");
}

static void test_action_names(void **state)
{
	(void)state;
	assert_string_equal(booking_action_name(ACTION_CONFIRM), "confirm");
	assert_string_equal(booking_action_name(ACTION_DECLINE), "decline");
	assert_string_equal(booking_action_name(ACTION_CANCEL), "cancel");
	assert_string_equal(booking_action_name(ACTION_COMPLETE), "complete");
	assert_string_equal(booking_action_name(ACTION_NO_SHOW), "no-show");
}

static void test_status_name_parse_round_trip(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < BOOKING__STATUS_COUNT; s++) {
		enum booking_status out = BOOKING__STATUS_COUNT;
		assert_int_equal(booking_status_parse(booking_status_name((enum booking_status)s),
						      &out),
				 0);
		assert_int_equal(out, s);
	}
}

static void test_action_name_parse_round_trip(void **state)
{
	int a;

	(void)state;
	for (a = 0; a < BOOKING__ACTION_COUNT; a++) {
		enum booking_action out = BOOKING__ACTION_COUNT;
		assert_int_equal(booking_action_parse(booking_action_name((enum booking_action)a),
						      &out),
				 0);
		assert_int_equal(out, a);
	}
}

static void test_status_parse_rejects_unknown(void **state)
{
	static const char *const bad[] = {
	    "", "Pending", "CONFIRMED", "canceled", "cancel", "confirm", "no-show", "noshow",
	    "pending ", " pending", "pend", "pendingx", "unknown", "active",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum booking_status out;
		assert_int_equal(booking_status_parse(bad[i], &out), -1);
	}
}

static void test_action_parse_rejects_unknown(void **state)
{
	static const char *const bad[] = {
	    "", "Confirm", "CANCEL", "no_show", "noshow", "no show", "confirmed", "cancelled",
	    "reschedule", "hold", "complete ", "completed", "unknown",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum booking_action out;
		assert_int_equal(booking_action_parse(bad[i], &out), -1);
	}
}

static void test_no_show_spelling_differs_between_status_and_action(void **state)
{
	enum booking_status st = BOOKING__STATUS_COUNT;
	enum booking_action ac = BOOKING__ACTION_COUNT;

	(void)state;
	/* The status is "no_show", the action (a URL segment) is "no-show". */
	assert_int_equal(booking_status_parse("no_show", &st), 0);
	assert_int_equal(st, BOOKING_NO_SHOW);
	assert_int_equal(booking_action_parse("no-show", &ac), 0);
	assert_int_equal(ac, ACTION_NO_SHOW);
	assert_int_equal(booking_status_parse("no-show", &st), -1);
	assert_int_equal(booking_action_parse("no_show", &ac), -1);
}

static void test_names_out_of_range_are_unknown(void **state)
{
	(void)state;
	assert_string_equal(booking_status_name(BOOKING__STATUS_COUNT), "unknown");
	assert_string_equal(booking_status_name((enum booking_status)-1), "unknown");
	assert_string_equal(booking_action_name(BOOKING__ACTION_COUNT), "unknown");
	assert_string_equal(booking_action_name((enum booking_action)-1), "unknown");
}

/* ---- booking_reference ---- */

static const char reference_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static void test_reference_is_8_characters(void **state)
{
	static const unsigned char rnd[8] = {0x00, 0x7f, 0x80, 0xff, 0x1e, 0x1f, 0x3e, 0x55};
	char out[BOOKING_REFERENCE_LEN + 1];

	(void)state;
	memset(out, 'x', sizeof(out));
	booking_reference(out, rnd);
	assert_int_equal(BOOKING_REFERENCE_LEN, 8);
	assert_int_equal(strlen(out), 8);
}

static void test_reference_uses_only_the_alphabet(void **state)
{
	char out[BOOKING_REFERENCE_LEN + 1];
	unsigned char rnd[8];
	int k, i;

	(void)state;
	/* 32 references cover every byte value 0..255 once in some position. */
	for (k = 0; k < 32; k++) {
		for (i = 0; i < 8; i++)
			rnd[i] = (unsigned char)(k * 8 + i);
		booking_reference(out, rnd);
		assert_int_equal(strlen(out), 8);
		for (i = 0; i < 8; i++) {
			assert_non_null(strchr(reference_alphabet, out[i]));
			assert_null(strchr("0O1IL", out[i]));
		}
	}
}

static void test_reference_alphabet_has_31_symbols_all_reachable(void **state)
{
	char seen[256] = {0};
	char out[BOOKING_REFERENCE_LEN + 1];
	unsigned char rnd[8];
	int b, i, distinct = 0;

	(void)state;
	assert_int_equal(strlen(reference_alphabet), 31);
	for (b = 0; b < 256; b++) {
		memset(rnd, b, sizeof(rnd));
		booking_reference(out, rnd);
		for (i = 1; i < 8; i++)
			assert_int_equal(out[i], out[0]); /* same byte, same symbol */
		if (!seen[(unsigned char)out[0]]++)
			distinct++;
	}
	assert_int_equal(distinct, 31);
}

static void test_reference_deterministic(void **state)
{
	static const unsigned char rnd[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
	char a[BOOKING_REFERENCE_LEN + 1], b[BOOKING_REFERENCE_LEN + 1];

	(void)state;
	booking_reference(a, rnd);
	booking_reference(b, rnd);
	assert_string_equal(a, b);
}

static void test_reference_known_values(void **state)
{
	static const unsigned char zeros[8] = {0};
	static const unsigned char first8[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	static const unsigned char wrap[8] = {30, 31, 32, 61, 62, 255, 8, 22};
	char out[BOOKING_REFERENCE_LEN + 1];

	(void)state;
	booking_reference(out, zeros);
	assert_string_equal(out, "AAAAAAAA");
	booking_reference(out, first8);
	assert_string_equal(out, "ABCDEFGH");
	/* byte % 31 picks the symbol: 30 -> '9', 31 -> 'A', 32 -> 'B', 61 -> '9', 62 -> 'A',
	 * 255 % 31 = 7 -> 'H', 8 -> 'J' (no I), 22 -> 'Z'. */
	booking_reference(out, wrap);
	assert_string_equal(out, "9AB9AHJZ");
}

static void test_reference_each_byte_sets_its_position(void **state)
{
	static const unsigned char base[8] = {0};
	char ref0[BOOKING_REFERENCE_LEN + 1], out[BOOKING_REFERENCE_LEN + 1];
	unsigned char rnd[8];
	int i, j;

	(void)state;
	booking_reference(ref0, base);
	for (i = 0; i < 8; i++) {
		memcpy(rnd, base, sizeof(rnd));
		rnd[i] = 1;
		booking_reference(out, rnd);
		for (j = 0; j < 8; j++) {
			if (j == i)
				assert_int_not_equal(out[j], ref0[j]);
			else
				assert_int_equal(out[j], ref0[j]);
		}
	}
}

/* ---- booking_busy_build ---- */

static void test_busy_build_single_service_bookings_go_to_busy(void **state)
{
	struct interval_set busy;
	struct seat_use seats[2];
	struct booked_time v[2];

	(void)state;
	/* Capacity 1: a booking with 15-minute buffers blocks its whole block. */
	v[0] = booked(est(2026, 1, 12, 10, 0), est(2026, 1, 12, 9, 45), est(2026, 1, 12, 11, 15),
		      OTHER);
	v[1] = booked_plain(est(2026, 1, 12, 14, 0), 30, OTHER);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 2, OTHER, 1, &busy, NULL, seats), 0);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 9, 45), est(2026, 1, 12, 11, 15),
		    est(2026, 1, 12, 14, 0), est(2026, 1, 12, 14, 30));
	interval_set_release(&busy);
}

static void test_busy_build_capacity_one_same_service_goes_to_busy(void **state)
{
	struct interval_set busy;
	struct seat_use seats[2];
	struct booked_time v[2];

	(void)state;
	v[0] = booked_plain(est(2026, 1, 12, 10, 0), 60, GROUP);
	v[1] = booked_plain(est(2026, 1, 12, 10, 0), 60, GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 2, GROUP, 1, &busy, NULL, seats), 0);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
	interval_set_release(&busy);
}

static void test_busy_build_group_bookings_go_to_seats(void **state)
{
	struct interval_set busy;
	struct seat_use seats[1];
	struct booked_time v[1];

	(void)state;
	v[0] = booked(est(2026, 1, 12, 10, 0), est(2026, 1, 12, 9, 50), est(2026, 1, 12, 11, 0),
		      GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 1, GROUP, 6, &busy, NULL, seats), 1);
	assert_int_equal(busy.n, 0);
	assert_int_equal(seats[0].start, est(2026, 1, 12, 10, 0));
	assert_int_equal(seats[0].used, 1);
	interval_set_release(&busy);
}

static void test_busy_build_seats_counted_merged_and_sorted(void **state)
{
	struct interval_set busy;
	struct seat_use seats[6];
	struct booked_time v[6];

	(void)state;
	/* Unsorted: 3 at 14:00, 1 at 09:00, 2 at 11:00. */
	v[0] = booked_plain(est(2026, 1, 12, 14, 0), 45, GROUP);
	v[1] = booked_plain(est(2026, 1, 12, 11, 0), 45, GROUP);
	v[2] = booked_plain(est(2026, 1, 12, 14, 0), 45, GROUP);
	v[3] = booked_plain(est(2026, 1, 12, 9, 0), 45, GROUP);
	v[4] = booked_plain(est(2026, 1, 12, 14, 0), 45, GROUP);
	v[5] = booked_plain(est(2026, 1, 12, 11, 0), 45, GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 6, GROUP, 6, &busy, NULL, seats), 3);
	assert_int_equal(busy.n, 0);
	assert_int_equal(seats[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(seats[0].used, 1);
	assert_int_equal(seats[1].start, est(2026, 1, 12, 11, 0));
	assert_int_equal(seats[1].used, 2);
	assert_int_equal(seats[2].start, est(2026, 1, 12, 14, 0));
	assert_int_equal(seats[2].used, 3);
	interval_set_release(&busy);
}

static void test_busy_build_all_at_one_start_merge_to_one_entry(void **state)
{
	struct interval_set busy;
	struct seat_use seats[4];
	struct booked_time v[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		v[i] = booked_plain(est(2026, 1, 12, 10, 0), 45, GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 4, GROUP, 4, &busy, NULL, seats), 1);
	assert_int_equal(seats[0].start, est(2026, 1, 12, 10, 0));
	assert_int_equal(seats[0].used, 4);
	interval_set_release(&busy);
}

static void test_busy_build_other_group_service_goes_to_busy(void **state)
{
	struct interval_set busy;
	struct seat_use seats[3];
	struct booked_time v[3];

	(void)state;
	/* A booking of another service blocks time even when both services are groups: only
	 * bookings of the queried service share a start. */
	v[0] = booked_plain(est(2026, 1, 12, 9, 0), 45, GROUP);
	v[1] = booked(est(2026, 1, 12, 13, 0), est(2026, 1, 12, 13, 0), est(2026, 1, 12, 14, 15),
		      OTHER);
	v[2] = booked_plain(est(2026, 1, 12, 9, 0), 45, GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 3, GROUP, 6, &busy, NULL, seats), 1);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 13, 0), est(2026, 1, 12, 14, 15));
	assert_int_equal(seats[0].start, est(2026, 1, 12, 9, 0));
	assert_int_equal(seats[0].used, 2);
	interval_set_release(&busy);
}

static void test_busy_build_querying_other_service_puts_group_in_busy(void **state)
{
	struct interval_set busy;
	struct seat_use seats[2];
	struct booked_time v[2];

	(void)state;
	/* Seen from another group service, the group's bookings are plain busy time. */
	v[0] = booked_plain(est(2026, 1, 12, 9, 0), 45, GROUP);
	v[1] = booked_plain(est(2026, 1, 12, 9, 0), 45, GROUP);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 2, OTHER, 6, &busy, NULL, seats), 0);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 9, 45));
	interval_set_release(&busy);
}

static void test_busy_build_clears_busy_first(void **state)
{
	struct interval_set busy;
	struct seat_use seats[1];
	struct booked_time v[1];

	(void)state;
	interval_set_init(&busy);
	interval_set_add(&busy, est(2026, 1, 12, 8, 0), est(2026, 1, 12, 8, 30));
	interval_set_add(&busy, est(2026, 1, 12, 16, 0), est(2026, 1, 12, 17, 0));
	v[0] = booked_plain(est(2026, 1, 12, 10, 0), 60, OTHER);
	assert_int_equal(booking_busy_build(v, 1, OTHER, 1, &busy, NULL, seats), 0);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
	interval_set_release(&busy);
}

static void test_busy_build_clears_busy_when_all_are_seats(void **state)
{
	struct interval_set busy;
	struct seat_use seats[1];
	struct booked_time v[1];

	(void)state;
	interval_set_init(&busy);
	interval_set_add(&busy, est(2026, 1, 12, 8, 0), est(2026, 1, 12, 8, 30));
	v[0] = booked_plain(est(2026, 1, 12, 10, 0), 45, GROUP);
	assert_int_equal(booking_busy_build(v, 1, GROUP, 3, &busy, NULL, seats), 1);
	assert_int_equal(busy.n, 0);
	interval_set_release(&busy);
}

static void test_busy_build_empty_input(void **state)
{
	struct interval_set busy;
	struct seat_use seats[1];

	(void)state;
	interval_set_init(&busy);
	interval_set_add(&busy, est(2026, 1, 12, 8, 0), est(2026, 1, 12, 8, 30));
	assert_int_equal(booking_busy_build(NULL, 0, GROUP, 3, &busy, NULL, seats), 0);
	assert_int_equal(busy.n, 0);
	interval_set_release(&busy);
}

static void test_busy_build_overlapping_blocks_union(void **state)
{
	struct interval_set busy;
	struct seat_use seats[3];
	struct booked_time v[3];

	(void)state;
	/* Blocks 09:45-11:15 and 11:00-12:00 overlap; 12:00-12:30 touches: one interval. */
	v[0] = booked(est(2026, 1, 12, 10, 0), est(2026, 1, 12, 9, 45), est(2026, 1, 12, 11, 15),
		      OTHER);
	v[1] = booked_plain(est(2026, 1, 12, 11, 0), 60, OTHER);
	v[2] = booked_plain(est(2026, 1, 12, 12, 0), 30, OTHER);
	interval_set_init(&busy);
	assert_int_equal(booking_busy_build(v, 3, OTHER, 1, &busy, NULL, seats), 0);
	ASSERT_OPEN(&busy, est(2026, 1, 12, 9, 45), est(2026, 1, 12, 12, 30));
	interval_set_release(&busy);
}

/* ---- slot_seats_used ---- */

static void test_seats_used_none_listed(void **state)
{
	struct slot_provider p;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(slot_seats_used(&p, est(2026, 1, 12, 10, 0)), 0);
}

static void test_seats_block_other_starts_only(void **state)
{
	/* Two seats booked at 10:00 (blocked 10:00-11:00) of a group service. */
	static const struct seat_use seats[] = {{36000, 2, 36000, 39600, 0}};
	struct slot_provider p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.seats = seats;
	p.nseats = 1;
	/* The same start shares the seats; it is not blocked. */
	assert_false(slot_seats_block(&p, 36000, 36000, 39600));
	/* 10:30 overlaps the 10:00 class and is blocked; 11:00 touches it and is not. */
	assert_true(slot_seats_block(&p, 37800, 37800, 41400));
	assert_true(slot_seats_block(&p, 34200, 34200, 37800));
	assert_false(slot_seats_block(&p, 39600, 39600, 43200));
	assert_false(slot_seats_block(&p, 32400, 32400, 36000));
}

static void test_seats_used_lookup(void **state)
{
	static const struct seat_use seats[] = {
	    {1000, 1, 0, 0, 0}, {2000, 4, 0, 0, 0}, {3000, 2, 0, 0, 0}, {4000, 6, 0, 0, 0}, {5000, 3, 0, 0, 0},
	};
	struct slot_provider p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.seats = seats;
	p.nseats = sizeof(seats) / sizeof(seats[0]);
	assert_int_equal(slot_seats_used(&p, 1000), 1);
	assert_int_equal(slot_seats_used(&p, 2000), 4);
	assert_int_equal(slot_seats_used(&p, 3000), 2);
	assert_int_equal(slot_seats_used(&p, 4000), 6);
	assert_int_equal(slot_seats_used(&p, 5000), 3);
}

static void test_seats_used_unlisted_starts_are_zero(void **state)
{
	static const struct seat_use seats[] = {{1000, 1, 0, 0, 0}, {2000, 4, 0, 0, 0}, {3000, 2, 0, 0, 0}};
	struct slot_provider p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.seats = seats;
	p.nseats = 3;
	assert_int_equal(slot_seats_used(&p, 999), 0);
	assert_int_equal(slot_seats_used(&p, 1001), 0);
	assert_int_equal(slot_seats_used(&p, 2500), 0);
	assert_int_equal(slot_seats_used(&p, 3001), 0);
	assert_int_equal(slot_seats_used(&p, INT64_MIN), 0);
	assert_int_equal(slot_seats_used(&p, INT64_MAX), 0);
}

static void test_seats_used_single_entry(void **state)
{
	static const struct seat_use seats[] = {{1000, 5, 0, 0, 0}};
	struct slot_provider p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.seats = seats;
	p.nseats = 1;
	assert_int_equal(slot_seats_used(&p, 1000), 5);
	assert_int_equal(slot_seats_used(&p, 0), 0);
	assert_int_equal(slot_seats_used(&p, 2000), 0);
}

/* ---- seats in slots_generate ---- */

static void test_generate_full_start_omitted(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 3, 0, 0, 0}};

	f->rules.capacity = 3;
	f->p.seats = seats;
	f->p.nseats = 1;
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 11, 0), est(2026, 1, 12, 13, 0),
		      est(2026, 1, 12, 14, 0), est(2026, 1, 12, 15, 0), est(2026, 1, 12, 16, 0));
}

static void test_generate_seats_left_is_capacity_minus_used(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {
	    {est(2026, 1, 12, 9, 0), 1, 0, 0, 0},
	    {est(2026, 1, 12, 11, 0), 4, 0, 0, 0},
	    {est(2026, 1, 12, 14, 0), 2, 0, 0, 0},
	};
	static const int want_left[] = {4, 5, 1, 5, 3, 5, 5};
	size_t i;

	f->rules.capacity = 5;
	f->p.seats = seats;
	f->p.nseats = 3;
	assert_int_equal(run(f), 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(f->out.v[i].seats_left, want_left[i]);
	assert_int_equal(f->out.v[2].start, est(2026, 1, 12, 11, 0));
	assert_int_equal(f->out.v[4].start, est(2026, 1, 12, 14, 0));
}

static void test_generate_overfull_start_omitted(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 9, 0), 5, 0, 0, 0}};

	/* More seats taken than the (since lowered) capacity: still no slot, never negative. */
	f->rules.capacity = 2;
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_int_equal(run(f), 6);
	assert_false(has_start(f, est(2026, 1, 12, 9, 0)));
	assert_int_equal(f->out.v[0].seats_left, 2);
}

static void test_generate_seats_off_grid_start_ignored(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 30), 3, 0, 0, 0}};

	/* Seats count per exact start: an entry between grid starts takes none of them. */
	f->rules.capacity = 3;
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_int_equal(run(f), 7);
	assert_int_equal(f->out.v[1].seats_left, 3);
	assert_int_equal(f->out.v[2].seats_left, 3);
}

static void test_generate_seats_near_dst_change(void **state)
{
	struct fx *f = *state;
	/* Monday 2026-03-09, the day after New York springs forward (EDT, UTC-04:00): the
	 * engine resolves each grid time there, and must apply seats on that path too. */
	struct seat_use seats[] = {
	    {utc_at(2026, 3, 9, 10, 0, -240), 2, 0, 0, 0},
	    {utc_at(2026, 3, 9, 13, 0, -240), 1, 0, 0, 0},
	};

	f->rules.capacity = 2;
	f->p.seats = seats;
	f->p.nseats = 2;
	f->q.from = utc_at(2026, 3, 9, 0, 0, -240);
	f->q.to = utc_at(2026, 3, 10, 0, 0, -240);
	assert_int_equal(run(f), 6);
	assert_false(has_start(f, utc_at(2026, 3, 9, 10, 0, -240)));
	assert_int_equal(f->out.v[0].start, utc_at(2026, 3, 9, 9, 0, -240));
	assert_int_equal(f->out.v[0].seats_left, 2);
	assert_int_equal(f->out.v[2].start, utc_at(2026, 3, 9, 13, 0, -240));
	assert_int_equal(f->out.v[2].seats_left, 1);
}

static void test_generate_from_built_bookings(void **state)
{
	struct fx *f = *state;
	struct booked_time v[6];
	struct seat_use seats[6];

	/* The path the server takes: a group service of capacity 3 with two seats taken at
	 * 09:00, all three at 11:00, and another service's 14:00-15:00 booking in the way. */
	f->rules.capacity = 3;
	v[0] = booked_plain(est(2026, 1, 12, 11, 0), 60, GROUP);
	v[1] = booked_plain(est(2026, 1, 12, 9, 0), 60, GROUP);
	v[2] = booked_plain(est(2026, 1, 12, 14, 0), 60, OTHER);
	v[3] = booked_plain(est(2026, 1, 12, 11, 0), 60, GROUP);
	v[4] = booked_plain(est(2026, 1, 12, 9, 0), 60, GROUP);
	v[5] = booked_plain(est(2026, 1, 12, 11, 0), 60, GROUP);
	f->p.nseats = booking_busy_build(v, 6, GROUP, 3, &f->busy, NULL, seats);
	f->p.seats = seats;
	f->p.busy = &f->busy;
	assert_int_equal(f->p.nseats, 2);
	run(f);
	ASSERT_STARTS(f, est(2026, 1, 12, 9, 0), est(2026, 1, 12, 10, 0), est(2026, 1, 12, 13, 0),
		      est(2026, 1, 12, 15, 0), est(2026, 1, 12, 16, 0));
	assert_int_equal(f->out.v[0].seats_left, 1);
	assert_int_equal(f->out.v[1].seats_left, 3);
	assert_int_equal(f->out.v[2].seats_left, 3);
}

/* ---- seats in slots_explain ---- */

static void test_explain_full_group_start_is_booked(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 4, 0, 0, 0}};

	f->rules.capacity = 4;
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_BUSY);
	assert_string_equal(slot_reason_name(REASON_BUSY), "booked");
	assert_bookable(f, est(2026, 1, 12, 11, 0));
}

static void test_explain_group_start_with_room_bookable(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 3, 0, 0, 0}};

	f->rules.capacity = 4;
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

static void test_explain_full_group_start_with_other_reasons(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 2, 0, 0, 0}};

	/* Full and too soon: both reasons, "booked" once. */
	f->rules.capacity = 2;
	f->rules.min_notice_min = 120;
	f->q.now = est(2026, 1, 12, 9, 0);
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_BUSY | REASON_MIN_NOTICE);
}

static void test_explain_full_group_and_busy_reports_booked_once(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 2, 0, 0, 0}};

	f->rules.capacity = 2;
	f->p.seats = seats;
	f->p.nseats = 1;
	interval_set_add(&f->busy, est(2026, 1, 12, 10, 30), est(2026, 1, 12, 10, 45));
	f->p.busy = &f->busy;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_BUSY);
}


/* ---- holds ---- */

static void test_busy_build_puts_holds_apart(void **state)
{
	struct booked_time v[3];
	struct interval_set busy, held;
	struct seat_use seats[3];

	(void)state;
	interval_set_init(&busy);
	interval_set_init(&held);
	v[0] = booked_plain(36000, 60, OTHER);
	v[1] = booked_plain(43200, 30, OTHER);
	v[1].held = true;
	v[2] = booked_plain(50400, 60, GROUP);
	v[2].held = true;
	/* For a single-seat query every hold blocks, as held time. */
	assert_int_equal(booking_busy_build(v, 3, OTHER, 1, &busy, &held, seats), 0);
	assert_int_equal(busy.n, 1);
	assert_int_equal(busy.v[0].start, 36000);
	assert_int_equal(held.n, 2);
	assert_int_equal(held.v[0].start, 43200);
	assert_int_equal(held.v[1].start, 50400);
	/* For the group service its own hold is a seat, counted as held. */
	assert_int_equal(booking_busy_build(v, 3, GROUP, 4, &busy, &held, seats), 1);
	assert_int_equal(seats[0].start, 50400);
	assert_int_equal(seats[0].used, 1);
	assert_int_equal(seats[0].held, 1);
	assert_int_equal(held.n, 1);
	/* Without a held set, holds block as busy time. */
	assert_int_equal(booking_busy_build(v, 3, OTHER, 1, &busy, NULL, seats), 0);
	assert_int_equal(busy.n, 3);
	interval_set_release(&busy);
	interval_set_release(&held);
}

static void test_explain_held_start(void **state)
{
	struct fx *f = *state;
	struct interval_set held;

	interval_set_init(&held);
	interval_set_add(&held, est(2026, 1, 12, 10, 0), est(2026, 1, 12, 11, 0));
	f->p.held = &held;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HELD);
	assert_string_equal(slot_reason_name(REASON_HELD), "held");
	assert_bookable(f, est(2026, 1, 12, 11, 0));
	run(f);
	assert_false(has_start(f, est(2026, 1, 12, 10, 0)));
	assert_true(has_start(f, est(2026, 1, 12, 11, 0)));
	f->p.held = NULL;
	interval_set_release(&held);
}

static void test_explain_group_full_of_holds_is_held(void **state)
{
	struct fx *f = *state;
	struct seat_use seats[] = {{est(2026, 1, 12, 10, 0), 3, 0, 0, 2}};

	/* Three seats used, two by holds: full, and only holds make it so. */
	f->rules.capacity = 3;
	f->p.seats = seats;
	f->p.nseats = 1;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_HELD);
	/* Full of bookings alone: booked. */
	seats[0].held = 0;
	assert_reasons(f, est(2026, 1, 12, 10, 0), REASON_BUSY);
	/* A seat left: bookable, whatever holds the others. */
	seats[0].used = 2;
	seats[0].held = 2;
	assert_bookable(f, est(2026, 1, 12, 10, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pending_confirm_gives_confirmed),
	    cmocka_unit_test(test_pending_decline_gives_declined),
	    cmocka_unit_test(test_pending_cancel_gives_cancelled),
	    cmocka_unit_test(test_confirmed_cancel_gives_cancelled),
	    cmocka_unit_test(test_confirmed_complete_gives_completed),
	    cmocka_unit_test(test_confirmed_no_show_gives_no_show),
	    cmocka_unit_test(test_pending_complete_illegal),
	    cmocka_unit_test(test_pending_no_show_illegal),
	    cmocka_unit_test(test_confirmed_confirm_illegal),
	    cmocka_unit_test(test_confirmed_decline_illegal),
	    cmocka_unit_test(test_declined_is_terminal),
	    cmocka_unit_test(test_cancelled_is_terminal),
	    cmocka_unit_test(test_completed_is_terminal),
	    cmocka_unit_test(test_no_show_is_terminal),
	    cmocka_unit_test(test_whole_matrix_matches_table),
	    cmocka_unit_test(test_legal_transitions_end_inactive_or_confirmed),
	    cmocka_unit_test(test_transition_out_of_range_rejected),
	    cmocka_unit_test(test_is_active_pending),
	    cmocka_unit_test(test_is_active_confirmed),
	    cmocka_unit_test(test_is_active_declined),
	    cmocka_unit_test(test_is_active_cancelled),
	    cmocka_unit_test(test_is_active_completed),
	    cmocka_unit_test(test_is_active_no_show),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_action_names),
	    cmocka_unit_test(test_status_name_parse_round_trip),
	    cmocka_unit_test(test_action_name_parse_round_trip),
	    cmocka_unit_test(test_status_parse_rejects_unknown),
	    cmocka_unit_test(test_action_parse_rejects_unknown),
	    cmocka_unit_test(test_no_show_spelling_differs_between_status_and_action),
	    cmocka_unit_test(test_names_out_of_range_are_unknown),
	    cmocka_unit_test(test_reference_is_8_characters),
	    cmocka_unit_test(test_reference_uses_only_the_alphabet),
	    cmocka_unit_test(test_reference_alphabet_has_31_symbols_all_reachable),
	    cmocka_unit_test(test_reference_deterministic),
	    cmocka_unit_test(test_reference_known_values),
	    cmocka_unit_test(test_reference_each_byte_sets_its_position),
	    cmocka_unit_test(test_busy_build_single_service_bookings_go_to_busy),
	    cmocka_unit_test(test_busy_build_capacity_one_same_service_goes_to_busy),
	    cmocka_unit_test(test_busy_build_group_bookings_go_to_seats),
	    cmocka_unit_test(test_busy_build_seats_counted_merged_and_sorted),
	    cmocka_unit_test(test_busy_build_all_at_one_start_merge_to_one_entry),
	    cmocka_unit_test(test_busy_build_other_group_service_goes_to_busy),
	    cmocka_unit_test(test_busy_build_querying_other_service_puts_group_in_busy),
	    cmocka_unit_test(test_busy_build_clears_busy_first),
	    cmocka_unit_test(test_busy_build_clears_busy_when_all_are_seats),
	    cmocka_unit_test(test_busy_build_empty_input),
	    cmocka_unit_test(test_busy_build_overlapping_blocks_union),
	    cmocka_unit_test(test_seats_used_none_listed),
	    cmocka_unit_test(test_seats_used_lookup),
		cmocka_unit_test(test_seats_block_other_starts_only),
	    cmocka_unit_test(test_seats_used_unlisted_starts_are_zero),
	    cmocka_unit_test(test_seats_used_single_entry),
	    T(test_generate_full_start_omitted),
	    T(test_generate_seats_left_is_capacity_minus_used),
	    T(test_generate_overfull_start_omitted),
	    T(test_generate_seats_off_grid_start_ignored),
	    T(test_generate_seats_near_dst_change),
	    T(test_generate_from_built_bookings),
	    T(test_explain_full_group_start_is_booked),
	    T(test_explain_group_start_with_room_bookable),
	    T(test_explain_full_group_start_with_other_reasons),
	    T(test_explain_full_group_and_busy_reports_booked_once),
	    cmocka_unit_test(test_busy_build_puts_holds_apart),
	    T(test_explain_held_start),
	    T(test_explain_group_full_of_holds_is_held),
	};

	return cmocka_run_group_tests_name("booking", tests, unit_group_setup, unit_group_teardown);
}
