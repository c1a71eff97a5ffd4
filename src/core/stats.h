/* Booking figures for analytics: what one booking adds to a cell of counts, minutes, lead
 * times and money, how cells merge, and how they are kept as text. docs/api.md (Analytics)
 * defines every figure; this is the one place that computes them, for the per-day summary
 * kept with the bookings and for bookings read directly alike. */
#ifndef SLOTD_CORE_STATS_H
#define SLOTD_CORE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/model.h"

/* Lead-time buckets: upper ends in hours (the last also takes anything longer). */
#define STATS_LEAD_BUCKETS 25
extern const int stats_lead_edges[STATS_LEAD_BUCKETS];

/* Money in ten-thousandths (prices have at most four decimals), saturating. */
struct stats_money {
	int64_t revenue;	/* prices of completed bookings */
	int64_t fees;		/* fees owed */
	int64_t waived;		/* fees waived */
	int decimals;		/* the most decimals of a price counted (at least 2) */
};

/* What the bookings of one group (a provider's day, a period, …) add up to, in one currency
 * for the money. */
struct stats_cell {
	int64_t bookings;
	int64_t by_status[BOOKING__STATUS_COUNT];
	int64_t cancelled_late;
	int64_t reschedules;
	int64_t booked_sec;	/* time held, a group session once */
	int64_t duration_sec;	/* end - start over all bookings */
	int64_t lead[STATS_LEAD_BUCKETS];
	int64_t ratings;	/* bookings with customer feedback */
	int64_t rating_sum;	/* their ratings (1..5) added up */
	struct stats_money money;
};

/* One booking as the figures see it. */
struct stats_booking {
	const char *provider_id;
	const char *service_id;
	const char *currency;		/* "" without a price */
	int64_t start, end, created_at, closed_at;
	enum booking_status status;
	int reschedule_count;
	const char *price, *fee, *fee_waived;	/* "" = none */
	struct policy policy;
	int rating;			/* the customer's feedback 1..5; 0 = none */
};

/* The UTC day (days since 1970-01-01) of instant t: the summary's day. */
static inline int64_t stats_day(int64_t t)
{
	return floor_div(t, 86400);
}

/* Whether b's status holds the provider's time: pending, confirmed, completed, no_show. */
bool stats_holds_time(enum booking_status s);

/* Whether cancelled booking b was cancelled late by its policy (docs/api.md). */
bool stats_cancelled_late(const struct stats_booking *b);

/* Adds b to c. first_seat says whether b is the first booking holding time of its session
 * (same provider, service and start) seen in this cell's group: only then its time counts
 * into booked_sec. */
void stats_add(struct stats_cell *c, const struct stats_booking *b, bool first_seat);

/* The session of the last booking holding time seen, for stats_first_seat. */
struct stats_seat {
	char provider_id[ID_MAX];
	char service_id[ID_MAX];
	int64_t start;
	bool any;
};

/* Whether b is the first booking holding time of its session among bookings seen in order
 * of provider, service and start (last remembers the previous one; zeroed to begin). */
bool stats_first_seat(struct stats_seat *last, const struct stats_booking *b);

/* dst += src. */
void stats_merge(struct stats_cell *dst, const struct stats_cell *src);

/* dst -= src (src a part of dst): every count, sum and bucket; dst keeps its decimals. */
void stats_subtract(struct stats_cell *dst, const struct stats_cell *src);

/* The q-th (0 < q <= 1) lead-time percentile of c in hours, by the bucket rule; -1 when c
 * has no bookings. */
int stats_lead_percentile(const struct stats_cell *c, double q);

/* The lead buckets as text ("i:n,i:n", non-zero ones) and back; stats_lead_decode adds to
 * lead and returns -1 on malformed text. */
void stats_lead_encode(const int64_t lead[STATS_LEAD_BUCKETS], char *out, size_t size);
int stats_lead_decode(const char *s, int64_t lead[STATS_LEAD_BUCKETS]);
#define STATS_LEAD_TEXT_MAX (STATS_LEAD_BUCKETS * 24)

/* A decimal price ("45", "45.5", "45.1234") in ten-thousandths, with its number of decimals;
 * -1 when it is not one. */
int stats_money_parse(const char *s, int64_t *out, int *decimals);
/* amount (ten-thousandths) with decimals (2..4) digits after the point. */
void stats_money_format(int64_t amount, int decimals, char *out, size_t size);
/* a += b, saturating. */
int64_t stats_sat_add(int64_t a, int64_t b);

#endif
