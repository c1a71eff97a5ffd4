#include "core/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"

const int stats_lead_edges[STATS_LEAD_BUCKETS] = {
	1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1080,
	1440, 2160, 4320, 8760, 87600,
};

int64_t stats_sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

bool stats_holds_time(enum booking_status s)
{
	return s == BOOKING_PENDING || s == BOOKING_CONFIRMED || s == BOOKING_COMPLETED ||
	       s == BOOKING_NO_SHOW;
}

bool stats_cancelled_late(const struct stats_booking *b)
{
	const struct policy *p = &b->policy;
	int hours;

	if (b->status != BOOKING_CANCELLED || !b->closed_at)
		return false;
	if (p->set & POLICY_CANCEL_DEADLINE)
		hours = p->cancel_deadline_hours;
	else if ((p->set & POLICY_FEES) && p->nfees)
		hours = p->fees[p->nfees - 1].within_hours;	/* ascending: the widest */
	else
		return false;
	return b->closed_at > b->start - (int64_t)hours * 3600;
}

static int lead_bucket(int64_t lead_sec)
{
	int i;

	for (i = 0; i < STATS_LEAD_BUCKETS - 1; i++)
		if (lead_sec < (int64_t)stats_lead_edges[i] * 3600)
			return i;
	return STATS_LEAD_BUCKETS - 1;
}

/* Adds the decimal s to *sum, widening *decimals to its own. */
static void money_add(int64_t *sum, int *decimals, const char *s)
{
	int64_t v;
	int d;

	if (!s || !*s || stats_money_parse(s, &v, &d))
		return;
	*sum = stats_sat_add(*sum, v);
	if (d > *decimals)
		*decimals = d;
}

bool stats_first_seat(struct stats_seat *last, const struct stats_booking *b)
{
	if (!stats_holds_time(b->status))
		return false;
	if (last->any && last->start == b->start && !strcmp(last->service_id, b->service_id) &&
	    !strcmp(last->provider_id, b->provider_id))
		return false;
	last->any = true;
	last->start = b->start;
	snprintf(last->service_id, sizeof(last->service_id), "%s", b->service_id);
	snprintf(last->provider_id, sizeof(last->provider_id), "%s", b->provider_id);
	return true;
}

void stats_add(struct stats_cell *c, const struct stats_booking *b, bool first_seat)
{
	c->bookings++;
	c->by_status[b->status]++;
	if (stats_cancelled_late(b))
		c->cancelled_late++;
	c->reschedules += b->reschedule_count;
	c->duration_sec += b->end - b->start;
	if (first_seat && stats_holds_time(b->status))
		c->booked_sec += b->end - b->start;
	c->lead[lead_bucket(b->start - b->created_at)]++;
	if (b->rating > 0) {
		c->ratings++;
		c->rating_sum += b->rating;
	}
	if (c->money.decimals < 2)
		c->money.decimals = 2;
	if (b->status == BOOKING_COMPLETED) {
		money_add(&c->money.revenue, &c->money.decimals, b->price);
	} else if (*b->price) {
		int64_t unused = 0;
		money_add(&unused, &c->money.decimals, b->price);	/* its decimals count */
	}
	money_add(&c->money.fees, &c->money.decimals, b->fee);
	money_add(&c->money.waived, &c->money.decimals, b->fee_waived);
}

void stats_merge(struct stats_cell *dst, const struct stats_cell *src)
{
	int i;

	dst->bookings += src->bookings;
	for (i = 0; i < BOOKING__STATUS_COUNT; i++)
		dst->by_status[i] += src->by_status[i];
	dst->cancelled_late += src->cancelled_late;
	dst->reschedules += src->reschedules;
	dst->booked_sec += src->booked_sec;
	dst->duration_sec += src->duration_sec;
	for (i = 0; i < STATS_LEAD_BUCKETS; i++)
		dst->lead[i] += src->lead[i];
	dst->ratings += src->ratings;
	dst->rating_sum += src->rating_sum;
	dst->money.revenue = stats_sat_add(dst->money.revenue, src->money.revenue);
	dst->money.fees = stats_sat_add(dst->money.fees, src->money.fees);
	dst->money.waived = stats_sat_add(dst->money.waived, src->money.waived);
	if (src->money.decimals > dst->money.decimals)
		dst->money.decimals = src->money.decimals;
}

void stats_subtract(struct stats_cell *dst, const struct stats_cell *src)
{
	int i;

	dst->bookings -= src->bookings;
	for (i = 0; i < BOOKING__STATUS_COUNT; i++)
		dst->by_status[i] -= src->by_status[i];
	dst->cancelled_late -= src->cancelled_late;
	dst->reschedules -= src->reschedules;
	dst->booked_sec -= src->booked_sec;
	dst->duration_sec -= src->duration_sec;
	for (i = 0; i < STATS_LEAD_BUCKETS; i++)
		dst->lead[i] -= src->lead[i];
	dst->ratings -= src->ratings;
	dst->rating_sum -= src->rating_sum;
	dst->money.revenue -= src->money.revenue;
	dst->money.fees -= src->money.fees;
	dst->money.waived -= src->money.waived;
}

int stats_lead_percentile(const struct stats_cell *c, double q)
{
	int64_t n = 0, k, seen = 0;
	int i;

	for (i = 0; i < STATS_LEAD_BUCKETS; i++)
		n += c->lead[i];
	if (n == 0)
		return -1;
	/* k = ceil(q * n), computed in integers for the usual q to avoid rounding surprises. */
	k = (int64_t)(q * 100.0 + 0.5) * n;
	k = (k + 99) / 100;
	if (k < 1)
		k = 1;
	for (i = 0; i < STATS_LEAD_BUCKETS; i++) {
		seen += c->lead[i];
		if (seen >= k)
			return stats_lead_edges[i];
	}
	return stats_lead_edges[STATS_LEAD_BUCKETS - 1];
}

void stats_lead_encode(const int64_t lead[STATS_LEAD_BUCKETS], char *out, size_t size)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < STATS_LEAD_BUCKETS && len < size; i++) {
		if (!lead[i])
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%d:%lld", len ? "," : "", i,
					(long long)lead[i]);
	}
}

int stats_lead_decode(const char *s, int64_t lead[STATS_LEAD_BUCKETS])
{
	while (*s) {
		char *end;
		long i = strtol(s, &end, 10);
		long long n;
		if (end == s || *end != ':' || i < 0 || i >= STATS_LEAD_BUCKETS)
			return -1;
		s = end + 1;
		n = strtoll(s, &end, 10);
		if (end == s || n < 0)
			return -1;
		lead[i] += n;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

int stats_money_parse(const char *s, int64_t *out, int *decimals)
{
	int64_t v = 0;
	int d = 0, digits = 0;
	bool dot = false;

	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9' || digits >= 15 || (dot && d >= 4))
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (dot)
			d++;
	}
	if (!digits)
		return -1;
	*decimals = d;
	for (; d < 4; d++)
		v *= 10;
	*out = v;
	return 0;
}

void stats_money_format(int64_t amount, int decimals, char *out, size_t size)
{
	int64_t scale = 1;
	int i;

	if (decimals < 2)
		decimals = 2;
	if (decimals > 4)
		decimals = 4;
	for (i = decimals; i < 4; i++)
		scale *= 10;
	amount /= scale;	/* exact: no amount has more decimals than shown */
	for (scale = 1, i = 0; i < decimals; i++)
		scale *= 10;
	snprintf(out, size, "%lld.%0*lld", (long long)(amount / scale), decimals,
		 (long long)(amount % scale));
}
