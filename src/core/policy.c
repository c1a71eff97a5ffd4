#include "core/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_resolve(const struct policy *base, const struct policy *over, struct policy *out)
{
	struct policy r = *base;

	if (over->set & POLICY_CANCEL_DEADLINE)
		r.cancel_deadline_hours = over->cancel_deadline_hours;
	if (over->set & POLICY_RESCHEDULE_DEADLINE)
		r.reschedule_deadline_hours = over->reschedule_deadline_hours;
	if (over->set & POLICY_MAX_RESCHEDULES)
		r.max_reschedules = over->max_reschedules;
	if (over->set & POLICY_FEES) {
		r.nfees = over->nfees;
		memcpy(r.fees, over->fees, sizeof(r.fees));
	}
	if (over->set & POLICY_NO_SHOW_FEE)
		r.no_show_fee_percent = over->no_show_fee_percent;
	if (over->set & POLICY_OFFER_MINUTES)
		r.offer_minutes = over->offer_minutes;
	r.set = base->set | over->set;
	*out = r;
}

void policy_encode(const struct policy *p, char out[POLICY_TEXT_MAX])
{
	size_t n = 0, i;

	out[0] = '\0';
#define PUT(...) (n += (size_t)snprintf(out + n, n < POLICY_TEXT_MAX ? POLICY_TEXT_MAX - n : 0, __VA_ARGS__))
	if (p->set & POLICY_CANCEL_DEADLINE)
		PUT("c=%d;", p->cancel_deadline_hours);
	if (p->set & POLICY_RESCHEDULE_DEADLINE)
		PUT("r=%d;", p->reschedule_deadline_hours);
	if (p->set & POLICY_MAX_RESCHEDULES)
		PUT("m=%d;", p->max_reschedules);
	if (p->set & POLICY_FEES) {
		PUT("f=");
		for (i = 0; i < p->nfees; i++)
			PUT("%s%d:%d", i ? "," : "", p->fees[i].within_hours, p->fees[i].percent);
		PUT(";");
	}
	if (p->set & POLICY_NO_SHOW_FEE)
		PUT("n=%d;", p->no_show_fee_percent);
	if (p->set & POLICY_OFFER_MINUTES)
		PUT("o=%d;", p->offer_minutes);
#undef PUT
	if (n > 0 && n < POLICY_TEXT_MAX)
		out[n - 1] = '\0';	/* drop the last separator */
}

static int read_int(const char **s, int *out)
{
	char *end;
	long v = strtol(*s, &end, 10);

	if (end == *s || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	*s = end;
	return 0;
}

int policy_decode(const char *s, struct policy *out)
{
	memset(out, 0, sizeof(*out));
	while (*s) {
		char k = s[0];
		if (s[1] != '=')
			return -1;
		s += 2;
		switch (k) {
		case 'c':
			if (read_int(&s, &out->cancel_deadline_hours))
				return -1;
			out->set |= POLICY_CANCEL_DEADLINE;
			break;
		case 'r':
			if (read_int(&s, &out->reschedule_deadline_hours))
				return -1;
			out->set |= POLICY_RESCHEDULE_DEADLINE;
			break;
		case 'm':
			if (read_int(&s, &out->max_reschedules))
				return -1;
			out->set |= POLICY_MAX_RESCHEDULES;
			break;
		case 'n':
			if (read_int(&s, &out->no_show_fee_percent))
				return -1;
			out->set |= POLICY_NO_SHOW_FEE;
			break;
		case 'o':
			if (read_int(&s, &out->offer_minutes))
				return -1;
			out->set |= POLICY_OFFER_MINUTES;
			break;
		case 'f':
			out->set |= POLICY_FEES;
			while (*s && *s != ';') {
				struct fee_tier *t;
				if (out->nfees == POLICY_MAX_FEES)
					return -1;
				t = &out->fees[out->nfees++];
				if (read_int(&s, &t->within_hours) || *s++ != ':' ||
				    read_int(&s, &t->percent))
					return -1;
				if (*s == ',')
					s++;
			}
			break;
		default:
			return -1;
		}
		if (*s == ';')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

int policy_offer_minutes(const struct policy *p)
{
	return p->set & POLICY_OFFER_MINUTES ? p->offer_minutes : POLICY_DEFAULT_OFFER_MINUTES;
}

static int cmp_tier(const void *a, const void *b)
{
	const struct fee_tier *x = a, *y = b;
	return (x->within_hours > y->within_hours) - (x->within_hours < y->within_hours);
}

int policy_fees_normalise(struct policy *p)
{
	size_t i;

	qsort(p->fees, p->nfees, sizeof(p->fees[0]), cmp_tier);
	for (i = 1; i < p->nfees; i++)
		if (p->fees[i].within_hours == p->fees[i - 1].within_hours)
			return -1;
	return 0;
}

bool policy_deadline_passed(const struct policy *p, enum policy_field which, int64_t start,
			    int64_t now)
{
	int hours;

	if (!(p->set & which))
		return false;
	hours = which == POLICY_CANCEL_DEADLINE ? p->cancel_deadline_hours
						: p->reschedule_deadline_hours;
	return now > start - (int64_t)hours * 3600;
}

int policy_cancel_fee_percent(const struct policy *p, int64_t start, int64_t now)
{
	int best = 0;
	size_t i;

	if (!(p->set & POLICY_FEES))
		return 0;
	for (i = 0; i < p->nfees; i++)
		if (start - now < (int64_t)p->fees[i].within_hours * 3600 &&
		    p->fees[i].percent > best)
			best = p->fees[i].percent;
	return best;
}

int money_percent(const char *price, int percent, char *out, size_t size)
{
	long long units = 0, scale = 1, amount, whole, frac;
	int decimals = 0, shown;
	const char *s = price;
	bool dot = false;

	if (!*s || percent < 0 || percent > 100)
		return -1;
	for (; *s; s++) {
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9' || units > 100000000000000LL || decimals > 6)
			return -1;
		units = units * 10 + (*s - '0');
		if (dot)
			decimals++;
	}
	shown = decimals < 2 ? 2 : decimals;
	for (; decimals < shown; decimals++)
		units *= 10;
	for (int i = 0; i < shown; i++)
		scale *= 10;
	amount = (units * percent + 50) / 100;	/* half up, in the smallest shown unit */
	whole = amount / scale;
	frac = amount % scale;
	if ((size_t)snprintf(out, size, "%lld.%0*lld", whole, shown, frac) >= size)
		return -1;
	return 0;
}
