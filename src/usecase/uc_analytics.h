/* Analytics: bookings, money, lead times, utilisation against open time and the waitlist
 * per local day, week or month (docs/api.md, Analytics). */
#ifndef SLOTD_USECASE_UC_ANALYTICS_H
#define SLOTD_USECASE_UC_ANALYTICS_H

#include "core/stats.h"
#include "core/tz.h"

enum an_period_kind { AN_DAY = 0, AN_WEEK, AN_MONTH };
enum an_breakdown { AN_NONE = 0, AN_BY_PROVIDER, AN_BY_SERVICE };

#define AN_MAX_DAYS 731
/* Periods times groups: beyond this an answer asks for a coarser group_by or fewer days. */
#define AN_MAX_CELLS 10000

struct an_query {
	int64_t from_day, to_day;	/* local dates in tz, both included */
	const struct tz *tz;
	enum an_period_kind group_by;
	enum an_breakdown breakdown;
	const char *provider_id;	/* NULL = all in reach */
	const char *service_id;
};

struct an_money {
	char currency[4];
	struct stats_money m;
};

/* The figures of one period (or range) and group. */
struct an_figures {
	struct stats_cell cell;		/* counts and minutes (its money unused) */
	struct an_money *money;		/* by currency (sorted once complete), in the arena */
	size_t nmoney, capmoney;
	bool with_open_time;		/* available and entry minutes apply */
	int64_t available_sec, entry_sec;
	int64_t wl_joined, wl_offered, wl_taken, wl_expired;
};

struct an_period {
	int64_t first_day, last_day;	/* local dates */
	int64_t start, end;		/* UTC: the local midnights around them */
	char label[16];			/* 2026-03-29, 2026-W13, 2026-03 */
};

struct an_group {
	char id[ID_MAX];
	char name[NAME_MAX_LEN + 1];
	struct an_figures totals;
	struct an_figures *series;	/* one per period */
	bool shown;			/* has bookings, open time or entries (or waitlist) */
};

struct an_result {
	struct an_period *periods;
	size_t nperiods;
	struct an_figures totals;
	struct an_figures *series;
	struct an_group *groups;	/* with a breakdown; only the shown ones are listed */
	size_t ngroups;
};

/* The figures of q for the caller. ERR_NOT_FOUND for a provider or service outside the
 * caller's reach, ERR_RANGE for more than AN_MAX_CELLS periods times groups, ERR_TIMEOUT
 * past the call's time budget. */
int uc_analytics(struct uc_ctx *ctx, const struct an_query *q, struct an_result *out,
		 struct err *e);

/* Bookings holding time by local weekday (0 = Monday) and hour of their start. */
int uc_analytics_heatmap(struct uc_ctx *ctx, const struct an_query *q, int64_t counts[7][24],
			 struct err *e);

#endif
