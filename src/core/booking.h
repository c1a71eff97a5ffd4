/* The booking lifecycle as a closed state machine, and the rules of a booking's blocked
 * time. Strings appear only through the name tables. */
#ifndef SLOTD_CORE_BOOKING_H
#define SLOTD_CORE_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/interval.h"
#include "core/slots.h"
#include "util/ids.h"

enum booking_status {
	BOOKING_PENDING = 0,
	BOOKING_CONFIRMED,
	BOOKING_DECLINED,
	BOOKING_CANCELLED,
	BOOKING_COMPLETED,
	BOOKING_NO_SHOW,
	BOOKING__STATUS_COUNT
};

enum booking_action {
	ACTION_CONFIRM = 0,
	ACTION_DECLINE,
	ACTION_CANCEL,
	ACTION_COMPLETE,
	ACTION_NO_SHOW,
	BOOKING__ACTION_COUNT
};

const char *booking_status_name(enum booking_status s);
int booking_status_parse(const char *s, enum booking_status *out);
/* "confirm", "decline", "cancel", "complete", "no-show": the path segment of the action. */
const char *booking_action_name(enum booking_action a);
int booking_action_parse(const char *s, enum booking_action *out);

/* An active booking holds its time (and seat): pending or confirmed. */
bool booking_is_active(enum booking_status s);

/* The status after applying a to from; -1 when the transition is illegal:
 * pending -> confirmed | declined | cancelled; confirmed -> completed | no_show | cancelled. */
int booking_transition(enum booking_status from, enum booking_action a,
		       enum booking_status *to);

/* The longest blocked interval: a day's duration plus a day of buffer on each side. */
#define BOOKING_MAX_BLOCK_SECONDS (3 * 86400)

/* An active booking as the engine sees it: the time it blocks and the start it seats. */
struct booked_time {
	int64_t start;
	int64_t block_start;	/* start - buffer_before */
	int64_t block_end;	/* end + buffer_after */
	char service_id[ID_MAX];
	bool held;		/* a live hold, not a booking */
};

/* Prepares a provider's bookings and holds for a query of service_id: every blocked interval
 * goes into busy (holds into held, or busy when held is NULL), except those of this same
 * group service (capacity > 1), which share their start and block every other start; those
 * are counted into seats with their blocked interval (room for n entries, sorted by start;
 * a hold counts as a used seat and in seat.held). Returns the number of seat entries. busy
 * and held are cleared first. */
size_t booking_busy_build(const struct booked_time *v, size_t n, const char *service_id,
			  int capacity, struct interval_set *busy, struct interval_set *held,
			  struct seat_use *seats);

#define BOOKING_REFERENCE_LEN 8

/* Writes an 8-character reference from an alphabet without look-alike characters
 * (no 0/O, 1/I/L), from random bytes rnd. */
void booking_reference(char out[BOOKING_REFERENCE_LEN + 1], const unsigned char rnd[8]);

#endif
