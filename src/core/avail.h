/* A provider's availability: weekly templates (optionally dated), date overrides, holidays,
 * time off and vacation mode, resolved into open time.
 *
 * Resolution of one local date D, in the provider's zone:
 *   1. hours  = the override covering D with the narrowest date span (ties: the later one in
 *               the input order), else the template version in force on D, else none;
 *   2. a holiday on D closes the day unless an override with custom hours covers D
 *      (an explicit override is more specific than a tenant-wide holiday);
 *   3. vacation mode closes every day;
 *   4. a date the zone skips entirely (Pacific/Apia 2011-12-30) has no hours.
 * Open time = the union of every day's hours as UTC instants minus time off, cut to the
 * business open time when one is given (the tenant's business hours, resolved the same way
 * in the business zone by its own input). Intervals ending at 24:00 end at the next local
 * midnight. */
#ifndef SLOTD_CORE_AVAIL_H
#define SLOTD_CORE_AVAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/interval.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/ids.h"

#define AVAIL_MAX_DAY_INTERVALS 12
#define AVAIL_MAX_INTERVAL_SERVICES 20
#define AVAIL_DAY_NONE INT64_MIN	/* an open-ended effective_from / effective_until */

/* The services an interval is reserved for: 1..AVAIL_MAX_INTERVAL_SERVICES distinct ids.
 * Immutable once built; intervals share it by pointer. */
struct service_set {
	uint8_t n;
	char ids[AVAIL_MAX_INTERVAL_SERVICES][ID_MAX];
};

/* True when set s names service id (linear; sets are small). */
bool service_set_has(const struct service_set *s, const char *id);

/* Local wall-clock minutes after midnight, start < end <= 1440. */
struct day_interval {
	int16_t start_min;
	int16_t end_min;
};

_Static_assert(AVAIL_MAX_DAY_INTERVALS <= 16, "day_hours.excluded has a bit per interval");

/* services is NULL when every interval is open to any service, else n entries (borrowed,
 * from an arena): services[i] == NULL leaves iv[i] open to any service, otherwise only the
 * listed ones may start in it. One pointer keeps the struct small, since bundles hold a
 * schedule per provider. excluded is per query: the engine sets bit i on its own copies
 * when iv[i] is reserved for services other than the queried one (resolved once per
 * provider per query, so no id is compared per candidate); it is 0 everywhere else. */
struct day_hours {
	uint8_t n;
	uint16_t excluded;
	struct day_interval iv[AVAIL_MAX_DAY_INTERVALS];
	const struct service_set **services;
};

/* The services iv[i] of h is reserved for, or NULL (any service). */
static inline const struct service_set *day_hours_services(const struct day_hours *h, size_t i)
{
	return h->services ? h->services[i] : NULL;
}

#define AVAIL_MAX_WEEKS 8

/* One version of the weekly template; day[0] is Monday. Bounds are inclusive local dates;
 * AVAIL_DAY_NONE leaves that side open. A template may alternate over a cycle of weeks
 * (week A, week B, ...): week 1 is the Monday-to-Sunday week holding anchor, and the cycle
 * repeats from there in both directions. */
struct week_template {
	int64_t effective_from;
	int64_t effective_until;
	struct day_hours day[7];	/* week 1 */
	uint8_t weeks;			/* cycle length; 0 or 1 = every week alike */
	int64_t anchor;			/* a date in week 1 (when weeks > 1) */
	const struct day_hours *more;	/* weeks 2..weeks, 7 days each; borrowed */
};

/* The hours t gives local date day. */
const struct day_hours *week_template_day(const struct week_template *t, int64_t day);

/* A date exception covering local dates from_day..to_day inclusive: hours.n == 0 closes
 * those dates, otherwise hours replace the template. */
struct date_override {
	int64_t from_day;
	int64_t to_day;
	struct day_hours hours;
};

/* A holiday on one local date, or on that month and day every year when yearly (a 29 Feb
 * holiday then falls on leap years only). name is borrowed. */
struct holiday {
	int64_t day;
	bool yearly;
	const char *name;
};

struct avail_input {
	const struct tz *tz;
	const struct week_template *templates;
	size_t ntemplates;
	const struct date_override *overrides;
	size_t noverrides;
	const struct holiday *holidays;
	size_t nholidays;
	const struct interval *time_off;	/* UTC instants */
	size_t ntime_off;
	bool vacation;
	/* The tenant's business open time as UTC instants (the only time open at all), or
	 * NULL when the business sets no hours or the provider is exempt from them. */
	const struct interval_set *business;
};

enum day_closure {
	DAY_OPEN = 0,
	DAY_OVERRIDE_CLOSED,	/* a closing override covers the date */
	DAY_HOLIDAY,		/* a holiday, not outweighed by custom hours */
	DAY_VACATION,		/* the provider is in vacation mode */
};

/* How one local date resolved. */
struct day_plan {
	struct day_hours template_hours;	/* the template in force, ignoring exceptions */
	struct day_hours hours;			/* what is open before time off (empty if closed;
						 * without intervals marked excluded; services
						 * not carried) */
	enum day_closure closure;
	const struct date_override *override;	/* the override that applied, or NULL */
	const struct holiday *holiday;		/* the holiday on the date, or NULL */
};

void avail_resolve_day(const struct avail_input *in, int64_t day, struct day_plan *out);

/* The UTC interval of local minutes [start_min, end_min) on day, by the zone rule. */
struct interval avail_day_interval(const struct tz *tz, int64_t day, struct day_interval iv);

/* Adds the open time of local dates from_day..to_day (inclusive) to open: hours as UTC,
 * minus time off. */
void avail_open_time(const struct avail_input *in, int64_t from_day, int64_t to_day,
		     struct interval_set *open);

/* Checks that hours are ordered, non-overlapping and within one day; pointer_prefix names
 * the JSON location for errors (e.g. "/weekly/mon"). Returns 0 / -1. */
int day_hours_validate(const struct day_hours *h, const char *pointer_prefix, struct err *e);

/* True when holiday h falls on local date day. */
bool holiday_on(const struct holiday *h, int64_t day);

#endif
