/* The slot engine: which starts of a service can be booked with a provider, and why a given
 * start cannot. One engine answers GET /slots, explain, and (later) booking validation.
 *
 * A candidate start lies on the provider's local grid: the local start of each interval of
 * hours (template or custom override, before time off is taken out) plus k × step, so time
 * off removes candidates but never shifts the grid. A grid time that does not exist locally (DST gap) is skipped; one that exists
 * twice yields both instants. The candidate is offered when
 *   - [start, start + duration) lies inside open time (avail.h), and
 *   - [start - buffer_before, end + buffer_after) overlaps no busy interval, and
 *   - a seat is left at that start (group services), and
 *   - the provider's per-day and consecutive-booking limits allow one more, and
 *   - now + min_notice <= start <= now + max_advance.
 * Durations and buffers are real elapsed seconds. */
#ifndef SLOTD_CORE_SLOTS_H
#define SLOTD_CORE_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/avail.h"
#include "core/interval.h"
#include "util/ids.h"

struct service_rules {
	int duration_min;	/* > 0 */
	int step_min;		/* > 0 */
	int buffer_before_min;	/* >= 0 */
	int buffer_after_min;	/* >= 0 */
	int min_notice_min;	/* >= 0 */
	int max_advance_days;	/* 0 = no limit */
	int capacity;		/* seats per start, >= 1 */
};

/* Seats already taken at one start of a group service (capacity > 1), and the time those
 * bookings block: a candidate at this start shares it, any other overlapping candidate is
 * blocked by it like by any booking. */
struct seat_use {
	int64_t start;		/* UTC */
	int32_t used;		/* bookings and holds */
	int64_t block_start;
	int64_t block_end;
	int32_t held;		/* of used, how many are holds */
};

/* A busy interval read from one of the provider's external calendars (ascending by start
 * in slot_provider.external_v). */
struct external_busy {
	int64_t start, end;		/* UTC */
	const char *calendar_name;	/* for explain; never an event's own title */
	const char *calendar_id;
};

/* One provider as the engine sees it. busy holds blocked UTC intervals of other
 * commitments (bookings with their buffers); held and entries hold live holds' blocked time
 * and the provider's schedule-entry occurrences, kept apart so explain can name them;
 * NULL = none.
 * seats lists, sorted by start, the seats taken at starts of this group service; bookings
 * counted there are left out of busy, since they share the start rather than block it. */
struct slot_provider {
	const struct avail_input *avail;
	const struct interval_set *busy;
	const struct interval_set *held;	/* live holds' blocked time; NULL = none */
	const struct interval_set *entries;	/* schedule-entry occurrences; NULL = none */
	const struct interval_set *external;	/* external calendars' busy time; NULL = none */
	const struct external_busy *external_v;	/* the same, by calendar, for explain */
	size_t nexternal;
	const struct seat_use *seats;
	size_t nseats;
	uint32_t index;		/* caller's handle, copied into each slot */
	/* Provider limits (0 = none) and what they count: the starts of its active bookings,
	 * ascending, and their blocked intervals, ascending by start. max_per_day caps the
	 * bookings starting on one local date; max_consecutive caps a chain of bookings whose
	 * blocked intervals touch end to start. */
	int max_per_day;
	int max_consecutive;
	const int64_t *booked_starts;
	const struct interval *booked_blocks;
	size_t nbooked;
};

/* The seat entry at start, or NULL. */
const struct seat_use *slot_seat_at(const struct slot_provider *p, int64_t start);
/* Seats taken at start (0 when not listed). */
int32_t slot_seats_used(const struct slot_provider *p, int64_t start);
/* True when a group booking at another start blocks [block_start, block_end). */
bool slot_seats_block(const struct slot_provider *p, int64_t start, int64_t block_start,
		      int64_t block_end);

struct slot {
	int64_t start;		/* UTC */
	int64_t end;		/* UTC, start + duration */
	uint32_t provider;	/* slot_provider.index */
	int32_t seats_left;
};

struct slot_list {
	struct slot *v;		/* heap, owned */
	size_t n;
	size_t cap;
};

void slot_list_init(struct slot_list *l);
void slot_list_release(struct slot_list *l);
/* Sorts by start, then provider. */
void slot_list_sort(struct slot_list *l);

struct slot_query {
	const struct service_rules *rules;
	int64_t now;		/* UTC */
	int64_t from;		/* list starts in [from, to), UTC */
	int64_t to;
};

/* Scratch memory reused across calls on one thread; owns no results. */
struct slot_scratch {
	struct interval_set open;
};

void slot_scratch_init(struct slot_scratch *s);
void slot_scratch_release(struct slot_scratch *s);

/* Appends the provider's bookable slots in the query window to out, ordered by start.
 * Returns the number appended. */
size_t slots_generate(const struct slot_query *q, const struct slot_provider *p,
		      struct slot_scratch *scratch, struct slot_list *out);

/* Why a start is not bookable. Bit flags; slot_reason_name gives the API string. */
enum slot_reason {
	REASON_OUTSIDE_HOURS = 1 << 0,
	REASON_OVERRIDE_CLOSED = 1 << 1,
	REASON_HOLIDAY = 1 << 2,
	REASON_VACATION = 1 << 3,
	REASON_TIME_OFF = 1 << 4,
	REASON_NOT_ON_GRID = 1 << 5,
	REASON_MIN_NOTICE = 1 << 6,
	REASON_MAX_ADVANCE = 1 << 7,
	REASON_BUSY = 1 << 8,		/* "booked": taken by a booking (or all seats are) */
	REASON_LIMIT_PER_DAY = 1 << 9,
	REASON_LIMIT_CONSECUTIVE = 1 << 10,
	REASON_HELD = 1 << 11,		/* "held": reserved by someone's live hold */
	REASON_ENTRY = 1 << 12,		/* "schedule_entry": an assigned entry occurrence */
	REASON_EXTERNAL = 1 << 13,	/* "external_busy": busy in an external calendar */
	REASON_BUSINESS_HOURS = 1 << 14,	/* "outside_business_hours": the tenant is closed */
	REASON_SERVICE_NOT_OFFERED = 1 << 15,	/* "service_not_offered_now": the hours there
						 * are kept for other services */
};
#define SLOT_REASON_COUNT 16

/* "outside_hours", "override_closed", ...: the stable API code of one reason bit. */
const char *slot_reason_name(enum slot_reason r);

struct slot_explanation {
	bool bookable;
	unsigned reasons;		/* enum slot_reason bits; 0 when bookable */
	const struct holiday *holiday;	/* the holiday behind REASON_HOLIDAY */
	const char *calendar;		/* the external calendar behind REASON_EXTERNAL */
	int64_t end;			/* start + duration */
};

/* Explains start (UTC) for the provider: bookable exactly when slots_generate would list it.
 * q->from and q->to are ignored. */
void slots_explain(const struct slot_query *q, const struct slot_provider *p, int64_t start,
		   struct slot_scratch *scratch, struct slot_explanation *out);

#endif
