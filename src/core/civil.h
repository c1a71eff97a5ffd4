/* Civil (proleptic Gregorian) calendar arithmetic and the text formats of the API.
 * A "day" is a count of days since 1970-01-01; a "wall" time is seconds since
 * 1970-01-01T00:00 on a local clock (no zone attached); an instant is UTC seconds. */
#ifndef SLOTD_CORE_CIVIL_H
#define SLOTD_CORE_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The calendar range the API accepts (dates and instants): 1970-01-01 .. 2099-12-31. */
#define CIVIL_MIN_DAY 0
#define CIVIL_MAX_DAY 47481

#define DATE_STR_MAX 11		/* "YYYY-MM-DD" + NUL */
#define RFC3339_STR_MAX 26	/* "YYYY-MM-DDTHH:MM:SS+HH:MM" + NUL */

int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Monday .. 6 = Sunday. */
int weekday_from_days(int64_t days);
bool is_leap_year(int y);
int days_in_month(int y, int m);

/* Floor division helpers for negative values. */
static inline int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Local dates and UTC: every zone's offset lies within a day of UTC, so an instant's local
 * date is its UTC date or one either side. These two turn ranges across that margin, plus
 * extra days each side (for buffers and the like). */
#define ZONE_DAY_MARGIN 1

/* The local dates, in any zone, that instants in [from, to) may fall on. */
static inline void days_around(int64_t from, int64_t to, int extra, int64_t *from_day,
			       int64_t *to_day)
{
	*from_day = floor_div(from, 86400) - ZONE_DAY_MARGIN - extra;
	*to_day = floor_div(to, 86400) + ZONE_DAY_MARGIN + extra;
}

/* The instants [*from, *to) that local dates from_day..to_day may hold, in any zone. */
static inline void instants_around(int64_t from_day, int64_t to_day, int extra, int64_t *from,
				   int64_t *to)
{
	*from = (from_day - ZONE_DAY_MARGIN - extra) * 86400;
	*to = (to_day + 1 + ZONE_DAY_MARGIN + extra) * 86400;
}

/* Parses exactly "YYYY-MM-DD" (a real date within the accepted range). Returns 0 / -1. */
int date_parse(const char *s, int64_t *day);
void date_format(int64_t day, char out[DATE_STR_MAX]);

/* Parses "HH:MM" into minutes after midnight, 00:00 .. 23:59, or 24:00 when allow_24.
 * Returns 0 / -1. */
int hhmm_parse(const char *s, bool allow_24, int *minutes);
void hhmm_format(int minutes, char out[6]);

/* Parses an RFC 3339 date-time with a mandatory offset ("Z" or ±HH:MM), optional fraction
 * (truncated to whole seconds). Returns 0 / -1. */
int rfc3339_parse(const char *s, int64_t *utc);
/* Formats an instant as local time at offset_sec east of UTC ("Z" when 0 and use_z). */
void rfc3339_format(int64_t utc, int offset_sec, char out[RFC3339_STR_MAX]);

#endif
