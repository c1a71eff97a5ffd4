/* RFC 5545 recurrence rules (RRULE), checked against the shapes slotd supports and expanded
 * on a floating (zone-less) wall clock with libical; callers turn each wall-clock start into
 * an instant with tz_to_utc, so occurrences keep their local time across DST and a start in a
 * gap or overlap resolves like any local time.
 *
 * Supported parts: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, COUNT or UNTIL, BYDAY
 * (ordinals only with MONTHLY/YEARLY), BYMONTHDAY (not with WEEKLY; negative not with
 * DAILY), BYMONTH, BYSETPOS (MONTHLY/YEARLY, with another BY part), WKST. YEARLY rules with
 * BYDAY or BYMONTHDAY must state BYMONTH. The first occurrence must be the start itself.
 * Anything else is refused naming the part, because libical 3.0.16 gets those shapes wrong
 * (see ../shared/notes/libical.md).
 *
 * Expansion is bounded three ways: the caller's window, a cap on occurrences, and a time
 * budget; UNTIL never lies past 2099-12-31 (the calendar the API accepts). */
#ifndef SLOTD_CORE_RECUR_H
#define SLOTD_CORE_RECUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "util/err.h"

#define RECUR_TEXT_MAX 256
/* What a client may send: room is kept for the UNTIL an edit adds when it ends a series
 * early (stored rules may be up to RECUR_TEXT_MAX - 1). */
#define RECUR_INPUT_MAX (RECUR_TEXT_MAX - 32)
#define RECUR_MAX_COUNT 5000		/* COUNT above this is refused */
#define RECUR_MAX_INTERVAL 1000
#define RECUR_BUDGET_NS 50000000LL	/* 50 ms of CPU time per expansion */
#define RECUR_OPEN INT64_MAX		/* a series without end */

/* A checked rule anchored at its first start. */
struct recur {
	char text[RECUR_TEXT_MAX];	/* the rule as stored: upper case, no "RRULE:" */
	int64_t dtstart;		/* wall seconds of the first occurrence */
	int64_t last;			/* wall seconds of the last occurrence, or an upper bound
					 * of it (UNTIL); RECUR_OPEN when endless */
};

/* Checks text (with or without a leading "RRULE:") for a series starting at wall time
 * dtstart. tz converts a UTC UNTIL to wall time (NULL: UNTIL is read as wall time).
 * Errors are ERR_INVALID at pointer, naming the offending part; a start that is not an
 * occurrence of the rule is reported at start_pointer. Returns 0 / -1. */
int recur_parse(const char *text, int64_t dtstart, const struct tz *tz, const char *pointer,
		const char *start_pointer, struct recur *out, struct err *e);

enum recur_status {
	RECUR_DONE = 0,		/* every occurrence in the window is listed */
	RECUR_CAPPED,		/* stopped at max occurrences */
	RECUR_BUDGET,		/* stopped when the time budget ran out */
};

/* Wall-clock starts of the occurrences in [from, to) (wall seconds), ascending, at most max,
 * into out; *n is the count. */
enum recur_status recur_expand(const struct recur *r, int64_t from, int64_t to, int64_t *out,
			       size_t max, size_t *n);

/* The dates (day numbers) on which a date rule falls within from_day..to_day: the rule was
 * stored with its first date start_day and last date last_day (CIVIL_MAX_DAY when endless).
 * Ascending, at most max; returns the count. */
size_t recur_dates(const char *text, int64_t start_day, int64_t last_day, int64_t from_day,
		   int64_t to_day, int64_t *out, size_t max);

/* The same, into *n, stopping early at stop_ns on recur_clock_ns's clock (0: only at the
 * expansion's own budget): RECUR_BUDGET then says the list is incomplete. */
enum recur_status recur_dates_until(const char *text, int64_t start_day, int64_t last_day,
				    int64_t from_day, int64_t to_day, int64_t stop_ns,
				    int64_t *out, size_t max, size_t *n);

/* Nanoseconds on the monotonic clock, the one expansion budgets and deadlines use. */
int64_t recur_clock_ns(void);

/* The instant of a UTC UNTIL (...Z) in r's text, or INT64_MAX (none, or a date UNTIL). An
 * occurrence whose wall time resolves to an instant after it is not part of the series,
 * which matters when a DST gap pushes the last wall time past UNTIL. */
int64_t recur_until_utc(const struct recur *r);

/* True when wall is an occurrence start of r. */
bool recur_has(const struct recur *r, int64_t wall);

/* Ends r before wall time before: COUNT or UNTIL become UNTIL = before - 1 s (written in
 * UTC through tz, or as a date when tz is NULL and before is a midnight). */
void recur_end_before(struct recur *r, int64_t before, const struct tz *tz);

/* "YYYYMMDDTHHMMSSZ" for an instant, as UNTIL and EXDATE write it. */
void recur_format_utc(int64_t utc, char out[17]);

#endif
