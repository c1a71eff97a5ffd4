#include "core/booking.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[BOOKING__STATUS_COUNT] = {
	"pending", "confirmed", "declined", "cancelled", "completed", "no_show",
};

static const char *const action_names[BOOKING__ACTION_COUNT] = {
	"confirm", "decline", "cancel", "complete", "no-show",
};

/* next[from][action]: the resulting status, or -1. */
static const int next_status[BOOKING__STATUS_COUNT][BOOKING__ACTION_COUNT] = {
	[BOOKING_PENDING] = {BOOKING_CONFIRMED, BOOKING_DECLINED, BOOKING_CANCELLED, -1, -1},
	[BOOKING_CONFIRMED] = {-1, -1, BOOKING_CANCELLED, BOOKING_COMPLETED, BOOKING_NO_SHOW},
	[BOOKING_DECLINED] = {-1, -1, -1, -1, -1},
	[BOOKING_CANCELLED] = {-1, -1, -1, -1, -1},
	[BOOKING_COMPLETED] = {-1, -1, -1, -1, -1},
	[BOOKING_NO_SHOW] = {-1, -1, -1, -1, -1},
};

const char *booking_status_name(enum booking_status s)
{
	return (unsigned)s < BOOKING__STATUS_COUNT ? status_names[s] : "unknown";
}

int booking_status_parse(const char *s, enum booking_status *out)
{
	int i;

	for (i = 0; i < BOOKING__STATUS_COUNT; i++) {
		if (!strcmp(s, status_names[i])) {
			*out = (enum booking_status)i;
			return 0;
		}
	}
	return -1;
}

const char *booking_action_name(enum booking_action a)
{
	return (unsigned)a < BOOKING__ACTION_COUNT ? action_names[a] : "unknown";
}

int booking_action_parse(const char *s, enum booking_action *out)
{
	int i;

	for (i = 0; i < BOOKING__ACTION_COUNT; i++) {
		if (!strcmp(s, action_names[i])) {
			*out = (enum booking_action)i;
			return 0;
		}
	}
	return -1;
}

bool booking_is_active(enum booking_status s)
{
	return s == BOOKING_PENDING || s == BOOKING_CONFIRMED;
}

int booking_transition(enum booking_status from, enum booking_action a, enum booking_status *to)
{
	int n;

	if ((unsigned)from >= BOOKING__STATUS_COUNT || (unsigned)a >= BOOKING__ACTION_COUNT)
		return -1;
	n = next_status[from][a];
	if (n < 0)
		return -1;
	*to = (enum booking_status)n;
	return 0;
}

void booking_reference(char out[BOOKING_REFERENCE_LEN + 1], const unsigned char rnd[8])
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";	/* 31 symbols */
	int i;

	for (i = 0; i < BOOKING_REFERENCE_LEN; i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[BOOKING_REFERENCE_LEN] = '\0';
}

static int cmp_seat(const void *a, const void *b)
{
	const struct seat_use *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

size_t booking_busy_build(const struct booked_time *v, size_t n, const char *service_id,
			  int capacity, struct interval_set *busy, struct interval_set *held,
			  struct seat_use *seats)
{
	size_t nseats = 0, i, j;

	interval_set_clear(busy);
	if (held)
		interval_set_clear(held);
	for (i = 0; i < n; i++) {
		if (capacity > 1 && !strcmp(v[i].service_id, service_id)) {
			seats[nseats].start = v[i].start;
			seats[nseats].used = 1;
			seats[nseats].held = v[i].held;
			seats[nseats].block_start = v[i].block_start;
			seats[nseats].block_end = v[i].block_end;
			nseats++;
			continue;
		}
		interval_set_add(v[i].held && held ? held : busy, v[i].block_start, v[i].block_end);
	}
	if (nseats < 2)
		return nseats;
	qsort(seats, nseats, sizeof(*seats), cmp_seat);
	for (i = 0, j = 1; j < nseats; j++) {
		if (seats[j].start == seats[i].start) {
			seats[i].used += seats[j].used;
			seats[i].held += seats[j].held;
		} else
			seats[++i] = seats[j];
	}
	return i + 1;
}
