/* Reminders before an appointment: the offsets a service or a tenant asks for, and which of
 * them a booking gets. A reminder is due offset minutes before the start; one whose due time
 * has already passed when the booking is made (or moved) is never sent. */
#ifndef SLOTD_CORE_REMINDER_H
#define SLOTD_CORE_REMINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ids.h"

#define REMINDER_OFFSETS_MAX 5
#define REMINDER_OFFSET_MIN 15		/* minutes */
#define REMINDER_OFFSET_LIMIT (30 * 24 * 60)	/* 30 days, in minutes */
#define REMINDER_TEXT_MAX 48		/* "[43200,43199,43198,43197,43196]" + NUL */

/* A list of offsets in minutes before the start, largest first and distinct. A list that is
 * not set inherits (a service: the tenant's; the tenant: REMINDER_DEFAULT); a set list may be
 * empty (no reminders). */
struct reminder_offsets {
	bool set;
	size_t n;
	int minutes[REMINDER_OFFSETS_MAX];
};

/* One reminder of a booking: due offset_minutes before its start. */
struct reminder {
	char tenant_id[ID_MAX];
	char booking_id[ID_MAX];
	int offset_minutes;
	int64_t due_at;			/* UTC seconds */
};

/* The tenant default when the tenant never set one: a day and an hour before. */
extern const struct reminder_offsets REMINDER_DEFAULT;

/* The list in force: the service's when set, else the tenant's when set, else the default. */
const struct reminder_offsets *reminder_offsets_resolve(const struct reminder_offsets *service,
							 const struct reminder_offsets *tenant);

/* Whether minutes is an allowed offset (REMINDER_OFFSET_MIN..REMINDER_OFFSET_LIMIT). */
bool reminder_offset_ok(long minutes);

/* Sorts o largest first; -1 when two offsets are equal. */
int reminder_offsets_normalise(struct reminder_offsets *o);

/* Storage text: "[1440,60]", "[]" for a set empty list; "" when not set. decode takes NULL
 * or "" as not set and returns -1 on text it did not write. */
void reminder_offsets_encode(const struct reminder_offsets *o, char out[REMINDER_TEXT_MAX]);
int reminder_offsets_decode(const char *text, struct reminder_offsets *out);

/* The reminders a booking starting at start (UTC seconds) gets at now: the offsets of o
 * whose due time start - offset is after now, into offsets[] (largest first) and due[]
 * (UTC seconds); returns how many (at most REMINDER_OFFSETS_MAX). */
size_t reminder_plan(const struct reminder_offsets *o, int64_t start, int64_t now,
		     int offsets[REMINDER_OFFSETS_MAX], int64_t due[REMINDER_OFFSETS_MAX]);

/* The due time of offset minutes before start. */
static inline int64_t reminder_due(int64_t start, int offset_minutes)
{
	return start - (int64_t)offset_minutes * 60;
}

#endif
