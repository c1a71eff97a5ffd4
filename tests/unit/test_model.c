/* Unit tests for core/model: provider and service patches (exactly the fields in set), the
 * price/currency rule, the dates of overrides and holidays (one-off, ranges, rules), the
 * scope of a staff key, actors, and the waitlist status names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/civil.h"
#include "core/model.h"
#include "util/arena.h"

/* ---- provider_apply ---- */

static const unsigned provider_bits[] = {
	PROVIDER_NAME,	       PROVIDER_TIMEZONE,	 PROVIDER_EMAIL,    PROVIDER_AUTO_CONFIRM,
	PROVIDER_MAX_PER_DAY, PROVIDER_MAX_CONSECUTIVE, PROVIDER_VACATION,
};

static struct provider provider_base(void)
{
	struct provider p;

	memset(&p, 0, sizeof(p));
	snprintf(p.id, sizeof(p.id), "prv_base");
	snprintf(p.name, sizeof(p.name), "Alice");
	snprintf(p.timezone, sizeof(p.timezone), "Europe/Berlin");
	snprintf(p.email, sizeof(p.email), "alice@example.com");
	p.auto_confirm = false;
	p.max_per_day = 3;
	p.max_consecutive = 2;
	p.vacation = false;
	p.created_at = 1000;
	p.updated_at = 2000;
	return p;
}

/* Every field different from provider_base(). */
static struct provider_patch provider_other(unsigned set)
{
	struct provider_patch pp;

	memset(&pp, 0, sizeof(pp));
	pp.set = set;
	snprintf(pp.v.id, sizeof(pp.v.id), "prv_other");
	snprintf(pp.v.name, sizeof(pp.v.name), "Bob");
	snprintf(pp.v.timezone, sizeof(pp.v.timezone), "Asia/Tokyo");
	pp.v.email[0] = '\0';
	pp.v.auto_confirm = true;
	pp.v.max_per_day = 9;
	pp.v.max_consecutive = 0;
	pp.v.vacation = true;
	pp.v.created_at = 5;
	pp.v.updated_at = 6;
	return pp;
}

/* The provider_field bits of the fields that differ between x and y. */
static unsigned provider_diff(const struct provider *x, const struct provider *y)
{
	unsigned d = 0;

	assert_string_equal(x->id, y->id);
	assert_int_equal(x->created_at, y->created_at);
	assert_int_equal(x->updated_at, y->updated_at);
	if (strcmp(x->name, y->name))
		d |= PROVIDER_NAME;
	if (strcmp(x->timezone, y->timezone))
		d |= PROVIDER_TIMEZONE;
	if (strcmp(x->email, y->email))
		d |= PROVIDER_EMAIL;
	if (x->auto_confirm != y->auto_confirm)
		d |= PROVIDER_AUTO_CONFIRM;
	if (x->max_per_day != y->max_per_day)
		d |= PROVIDER_MAX_PER_DAY;
	if (x->max_consecutive != y->max_consecutive)
		d |= PROVIDER_MAX_CONSECUTIVE;
	if (x->vacation != y->vacation)
		d |= PROVIDER_VACATION;
	return d;
}

static void provider_apply_each_field_alone(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(provider_bits) / sizeof(provider_bits[0]); i++) {
		struct provider base = provider_base(), p = base;
		struct provider_patch pp = provider_other(provider_bits[i]);
		provider_apply(&p, &pp);
		assert_int_equal(provider_diff(&base, &p), provider_bits[i]);
	}
}

static void provider_apply_values(void **state)
{
	struct provider p = provider_base();
	struct provider_patch pp = provider_other(PROVIDER_NAME | PROVIDER_EMAIL |
						  PROVIDER_MAX_CONSECUTIVE | PROVIDER_VACATION);

	(void)state;
	provider_apply(&p, &pp);
	assert_string_equal(p.name, "Bob");
	assert_string_equal(p.email, "");
	assert_int_equal(p.max_consecutive, 0);
	assert_true(p.vacation);
	assert_string_equal(p.timezone, "Europe/Berlin");
	assert_false(p.auto_confirm);
	assert_int_equal(p.max_per_day, 3);
}

static void provider_apply_nothing_set(void **state)
{
	struct provider base = provider_base(), p = base;
	struct provider_patch pp = provider_other(0);

	(void)state;
	provider_apply(&p, &pp);
	assert_int_equal(provider_diff(&base, &p), 0);
}

static void provider_apply_everything_keeps_identity(void **state)
{
	struct provider base = provider_base(), p = base;
	struct provider_patch pp = provider_other(~0u);

	(void)state;
	provider_apply(&p, &pp);
	/* provider_diff asserts that id and timestamps are kept. */
	assert_int_equal(provider_diff(&base, &p), 0x7f);
}

/* ---- service_apply ---- */

static id_t_ base_ids[2] = {"prv_a", "prv_b"};
static id_t_ other_ids[1] = {"prv_c"};

static const unsigned service_bits[] = {
	SERVICE_NAME,	     SERVICE_DURATION,	  SERVICE_PRICE,      SERVICE_CURRENCY,
	SERVICE_BUFFER_BEFORE, SERVICE_BUFFER_AFTER, SERVICE_STEP,	      SERVICE_MIN_NOTICE,
	SERVICE_MAX_ADVANCE, SERVICE_CAPACITY,	  SERVICE_APPROVAL,   SERVICE_POLICY,
	SERVICE_PROVIDERS,
};

static struct service service_base(void)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	snprintf(s.id, sizeof(s.id), "svc_base");
	snprintf(s.name, sizeof(s.name), "Cut");
	s.duration_min = 30;
	snprintf(s.price, sizeof(s.price), "20.00");
	snprintf(s.currency, sizeof(s.currency), "EUR");
	s.buffer_before_min = 5;
	s.buffer_after_min = 10;
	s.step_min = 15;
	s.min_notice_min = 60;
	s.max_advance_days = 30;
	s.capacity = 1;
	s.requires_approval = false;
	s.policy.set = POLICY_CANCEL_DEADLINE;
	s.policy.cancel_deadline_hours = 24;
	s.nproviders = 2;
	s.provider_ids = base_ids;
	s.created_at = 1000;
	s.updated_at = 2000;
	return s;
}

static struct service_patch service_other(unsigned set)
{
	struct service_patch sp;

	memset(&sp, 0, sizeof(sp));
	sp.set = set;
	snprintf(sp.v.id, sizeof(sp.v.id), "svc_other");
	snprintf(sp.v.name, sizeof(sp.v.name), "Colour");
	sp.v.duration_min = 90;
	snprintf(sp.v.price, sizeof(sp.v.price), "75.50");
	snprintf(sp.v.currency, sizeof(sp.v.currency), "USD");
	sp.v.buffer_before_min = 0;
	sp.v.buffer_after_min = 20;
	sp.v.step_min = 0;
	sp.v.min_notice_min = 120;
	sp.v.max_advance_days = 0;
	sp.v.capacity = 4;
	sp.v.requires_approval = true;
	sp.v.policy.set = POLICY_FEES | POLICY_NO_SHOW_FEE;
	sp.v.policy.nfees = 1;
	sp.v.policy.fees[0] = (struct fee_tier){12, 40};
	sp.v.policy.no_show_fee_percent = 100;
	sp.v.nproviders = 1;
	sp.v.provider_ids = other_ids;
	sp.v.created_at = 5;
	sp.v.updated_at = 6;
	return sp;
}

static unsigned service_diff(const struct service *x, const struct service *y)
{
	unsigned d = 0;

	assert_string_equal(x->id, y->id);
	assert_int_equal(x->created_at, y->created_at);
	assert_int_equal(x->updated_at, y->updated_at);
	if (strcmp(x->name, y->name))
		d |= SERVICE_NAME;
	if (x->duration_min != y->duration_min)
		d |= SERVICE_DURATION;
	if (strcmp(x->price, y->price))
		d |= SERVICE_PRICE;
	if (strcmp(x->currency, y->currency))
		d |= SERVICE_CURRENCY;
	if (x->buffer_before_min != y->buffer_before_min)
		d |= SERVICE_BUFFER_BEFORE;
	if (x->buffer_after_min != y->buffer_after_min)
		d |= SERVICE_BUFFER_AFTER;
	if (x->step_min != y->step_min)
		d |= SERVICE_STEP;
	if (x->min_notice_min != y->min_notice_min)
		d |= SERVICE_MIN_NOTICE;
	if (x->max_advance_days != y->max_advance_days)
		d |= SERVICE_MAX_ADVANCE;
	if (x->capacity != y->capacity)
		d |= SERVICE_CAPACITY;
	if (x->requires_approval != y->requires_approval)
		d |= SERVICE_APPROVAL;
	if (x->policy.set != y->policy.set || x->policy.nfees != y->policy.nfees ||
	    x->policy.cancel_deadline_hours != y->policy.cancel_deadline_hours ||
	    x->policy.no_show_fee_percent != y->policy.no_show_fee_percent ||
	    memcmp(x->policy.fees, y->policy.fees, sizeof(x->policy.fees)))
		d |= SERVICE_POLICY;
	if (x->nproviders != y->nproviders || x->provider_ids != y->provider_ids)
		d |= SERVICE_PROVIDERS;
	return d;
}

static void service_apply_each_field_alone(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(service_bits) / sizeof(service_bits[0]); i++) {
		struct service base = service_base(), s = base;
		struct service_patch sp = service_other(service_bits[i]);
		service_apply(&s, &sp);
		assert_int_equal(service_diff(&base, &s), service_bits[i]);
	}
}

static void service_apply_values(void **state)
{
	struct service s = service_base();
	struct service_patch sp = service_other(SERVICE_POLICY | SERVICE_PROVIDERS | SERVICE_STEP |
						SERVICE_PRICE);

	(void)state;
	service_apply(&s, &sp);
	assert_int_equal(s.policy.set, POLICY_FEES | POLICY_NO_SHOW_FEE);
	assert_int_equal(s.policy.nfees, 1);
	assert_int_equal(s.policy.fees[0].within_hours, 12);
	assert_int_equal(s.policy.fees[0].percent, 40);
	assert_int_equal(s.policy.no_show_fee_percent, 100);
	assert_int_equal(s.policy.cancel_deadline_hours, 0);	/* the policy is replaced whole */
	assert_int_equal(s.nproviders, 1);
	assert_ptr_equal(s.provider_ids, other_ids);
	assert_int_equal(s.step_min, 0);
	assert_string_equal(s.price, "75.50");
	assert_string_equal(s.currency, "EUR");	/* not in set */
	assert_int_equal(s.duration_min, 30);
}

static void service_apply_nothing_set(void **state)
{
	struct service base = service_base(), s = base;
	struct service_patch sp = service_other(0);

	(void)state;
	service_apply(&s, &sp);
	assert_int_equal(service_diff(&base, &s), 0);
}

static void service_apply_everything_keeps_identity(void **state)
{
	struct service base = service_base(), s = base;
	struct service_patch sp = service_other(~0u);

	(void)state;
	service_apply(&s, &sp);
	assert_int_equal(service_diff(&base, &s), 0x1fff);
}

/* ---- service_check ---- */

static void service_check_price_without_currency(void **state)
{
	struct service s = service_base();
	struct err e;

	(void)state;
	s.currency[0] = '\0';
	err_init(&e);
	assert_int_equal(service_check(&s, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "/currency");
}

static void service_check_currency_without_price(void **state)
{
	struct service s = service_base();
	struct err e;

	(void)state;
	s.price[0] = '\0';
	err_init(&e);
	assert_int_equal(service_check(&s, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "/price");
}

static void service_check_both_or_neither(void **state)
{
	struct service s = service_base();
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(service_check(&s, &e), 0);
	assert_int_equal(e.code, ERR_OK);
	s.price[0] = '\0';
	s.currency[0] = '\0';
	assert_int_equal(service_check(&s, &e), 0);
	assert_int_equal(e.nfields, 0);
}

/* ---- a provider's own price and duration ---- */

static struct provider_offer base_offers[2];

/* service_base with an override for its first provider (price 35.00, 45 minutes) and one
 * for a provider no longer on it. */
static struct service service_offered(void)
{
	struct service s = service_base();

	memset(base_offers, 0, sizeof(base_offers));
	snprintf(base_offers[0].provider_id, ID_MAX, "%s", base_ids[0]);
	snprintf(base_offers[0].price, sizeof(base_offers[0].price), "35.00");
	base_offers[0].duration_min = 45;
	snprintf(base_offers[1].provider_id, ID_MAX, "prv_gone");
	snprintf(base_offers[1].price, sizeof(base_offers[1].price), "99.00");
	base_offers[1].duration_min = 90;
	s.offers = base_offers;
	s.noffers = 2;
	return s;
}

static void offers_apply_to_their_provider_only(void **state)
{
	struct service s = service_offered();
	struct service_rules r;

	(void)state;
	assert_ptr_equal(service_offer(&s, base_ids[0]), &base_offers[0]);
	assert_null(service_offer(&s, base_ids[1]));
	assert_null(service_offer(&s, "prv_gone"));	/* not on the service any more */
	assert_int_equal(service_duration_for(&s, base_ids[0]), 45);
	assert_string_equal(service_price_for(&s, base_ids[0]), "35.00");
	assert_int_equal(service_duration_for(&s, base_ids[1]), 30);
	assert_string_equal(service_price_for(&s, base_ids[1]), "20.00");
	assert_int_equal(service_duration_for(&s, "prv_gone"), 30);
	/* Only a duration: the price stays the service's. */
	base_offers[0].price[0] = '\0';
	assert_string_equal(service_price_for(&s, base_ids[0]), "20.00");
	assert_int_equal(service_duration_for(&s, base_ids[0]), 45);
	/* A set step stays; buffers and limits are the service's. */
	r = service_rules_for(&s, base_ids[0]);
	assert_int_equal(r.duration_min, 45);
	assert_int_equal(r.step_min, 15);
	assert_int_equal(r.buffer_after_min, 10);
	assert_int_equal(r.min_notice_min, 60);
	/* A step of 0 follows each provider's duration. */
	s.step_min = 0;
	assert_int_equal(service_rules_for(&s, base_ids[0]).step_min, 45);
	assert_int_equal(service_rules_for(&s, base_ids[1]).step_min, 30);
}

/* The index answers as the scan does, whatever order the offers come in (a database's
 * collation may order ids otherwise than strcmp), for many providers. */
static void offer_index_agrees_with_the_scan(void **state)
{
	enum { N = 300 };
	static id_t_ ids[N];
	static struct provider_offer offers[N / 3 + 1];
	struct service s = service_base();
	struct offer_index ix;
	struct arena *a = arena_new();
	size_t i, k = 0;

	(void)state;
	for (i = 0; i < N; i++)
		snprintf(ids[i], ID_MAX, "prv_%03zu", (i * 7) % N);	/* not in order */
	/* Every third provider with its own duration, the last offers first, and one offer for
	 * a provider no longer on the service. */
	memset(offers, 0, sizeof(offers));
	for (i = N; i-- > 0;)
		if (i % 3 == 0) {
			snprintf(offers[k].provider_id, ID_MAX, "prv_%03zu", i);
			offers[k++].duration_min = 40 + (int)i % 50;
		}
	snprintf(offers[k].provider_id, ID_MAX, "prv_gone");
	offers[k++].duration_min = 5;
	s.provider_ids = ids;
	s.nproviders = N;
	s.offers = offers;
	s.noffers = k;
	s.step_min = 0;
	offer_index_build(&s, a, &ix);
	assert_int_equal(ix.n, N / 3);
	for (i = 0; i < N; i++) {
		struct service_rules want = service_rules_for(&s, ids[i]),
				     got = service_rules_indexed(&s, &ix, ids[i]);
		assert_int_equal(got.duration_min, want.duration_min);
		assert_int_equal(got.step_min, want.step_min);
		assert_int_equal(got.duration_min, i * 7 % N % 3 ? 30 : 40 + (int)(i * 7 % N) % 50);
	}
	assert_int_equal(service_rules_indexed(&s, &ix, "prv_gone").duration_min, 30);
	/* No offers: no index, the service's terms. */
	s.noffers = 0;
	offer_index_build(&s, a, &ix);
	assert_int_equal(ix.n, 0);
	assert_int_equal(service_rules_indexed(&s, &ix, ids[0]).duration_min, 30);
	arena_free(a);
}

static void offers_need_the_service_currency(void **state)
{
	struct service s = service_offered();
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(service_check(&s, &e), 0);
	s.price[0] = '\0';
	s.currency[0] = '\0';
	assert_int_equal(service_check(&s, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.fields[0].pointer, "/currency");
	/* A duration alone needs no currency; nor does a price of a provider that left. */
	err_init(&e);
	base_offers[0].price[0] = '\0';
	assert_int_equal(service_check(&s, &e), 0);
}

static void price_text(void **state)
{
	(void)state;
	assert_true(price_text_ok("45"));
	assert_true(price_text_ok("45.5"));
	assert_true(price_text_ok("123456789.1234"));
	assert_false(price_text_ok(""));
	assert_false(price_text_ok("1234567890"));
	assert_false(price_text_ok("1.12345"));
	assert_false(price_text_ok("1."));
	assert_false(price_text_ok(".5"));
	assert_false(price_text_ok("-1"));
	assert_false(price_text_ok("1e3"));
}

/* ---- override_rec_dates / holiday_rec_dates ---- */

static int64_t day_of(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

static struct override_rec override_days(int64_t from_day, int64_t to_day, const char *rrule)
{
	struct override_rec o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "ovr_1");
	o.ov.from_day = from_day;
	o.ov.to_day = to_day;
	snprintf(o.rrule, sizeof(o.rrule), "%s", rrule);
	return o;
}

static void override_dates_one_off(void **state)
{
	struct override_rec o = override_days(day_of(2026, 3, 4), day_of(2026, 3, 4), "");
	int64_t out[8];

	(void)state;
	assert_int_equal(override_rec_dates(&o, day_of(2026, 3, 1), day_of(2026, 3, 31), out, 8),
			 1);
	assert_int_equal(out[0], day_of(2026, 3, 4));
	assert_int_equal(override_rec_dates(&o, day_of(2026, 3, 4), day_of(2026, 3, 4), out, 8),
			 1);
	assert_int_equal(override_rec_dates(&o, day_of(2026, 3, 5), day_of(2026, 3, 31), out, 8),
			 0);
	assert_int_equal(override_rec_dates(&o, day_of(2026, 3, 1), day_of(2026, 3, 3), out, 8),
			 0);
}

static void override_dates_range_clipped_to_window(void **state)
{
	struct override_rec o = override_days(day_of(2026, 3, 1), day_of(2026, 3, 10), "");
	int64_t out[16];
	size_t n, i;

	(void)state;
	n = override_rec_dates(&o, day_of(2026, 3, 4), day_of(2026, 3, 20), out, 16);
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i], day_of(2026, 3, 4) + (int64_t)i);
	n = override_rec_dates(&o, day_of(2026, 2, 20), day_of(2026, 3, 2), out, 16);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], day_of(2026, 3, 1));
	assert_int_equal(out[1], day_of(2026, 3, 2));
	/* At most max. */
	n = override_rec_dates(&o, day_of(2026, 3, 1), day_of(2026, 3, 31), out, 3);
	assert_int_equal(n, 3);
	assert_int_equal(out[2], day_of(2026, 3, 3));
}

static void override_dates_recurring(void **state)
{
	struct override_rec o =
		override_days(day_of(2026, 3, 2), CIVIL_MAX_DAY, "FREQ=WEEKLY;BYDAY=MO");
	int64_t out[16];
	size_t n;

	(void)state;
	n = override_rec_dates(&o, day_of(2026, 3, 1), day_of(2026, 3, 31), out, 16);
	assert_int_equal(n, 5);
	assert_int_equal(out[0], day_of(2026, 3, 2));
	assert_int_equal(out[1], day_of(2026, 3, 9));
	assert_int_equal(out[4], day_of(2026, 3, 30));
	/* The window starts mid-week; the rule's first date bounds it from below. */
	n = override_rec_dates(&o, day_of(2026, 2, 1), day_of(2026, 3, 11), out, 16);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], day_of(2026, 3, 2));
	/* With a last date. */
	o.ov.to_day = day_of(2026, 3, 16);
	n = override_rec_dates(&o, day_of(2026, 3, 1), day_of(2026, 3, 31), out, 16);
	assert_int_equal(n, 3);
	assert_int_equal(out[2], day_of(2026, 3, 16));
}

static struct holiday_rec holiday(int64_t day, const char *rrule, int64_t until_day)
{
	struct holiday_rec h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "hol_1");
	snprintf(h.name, sizeof(h.name), "Holiday");
	h.day = day;
	snprintf(h.rrule, sizeof(h.rrule), "%s", rrule);
	h.until_day = until_day;
	return h;
}

static void holiday_dates_one_off(void **state)
{
	struct holiday_rec h = holiday(day_of(2026, 12, 25), "", CIVIL_MAX_DAY);
	int64_t out[4];

	(void)state;
	assert_int_equal(holiday_rec_dates(&h, day_of(2026, 12, 1), day_of(2026, 12, 31), out, 4),
			 1);
	assert_int_equal(out[0], day_of(2026, 12, 25));
	assert_int_equal(holiday_rec_dates(&h, day_of(2026, 12, 25), day_of(2026, 12, 25), out, 4),
			 1);
	assert_int_equal(holiday_rec_dates(&h, day_of(2026, 12, 26), day_of(2027, 12, 31), out, 4),
			 0);
	assert_int_equal(holiday_rec_dates(&h, day_of(2026, 1, 1), day_of(2026, 12, 24), out, 4),
			 0);
	assert_int_equal(holiday_rec_dates(&h, day_of(2026, 12, 1), day_of(2026, 12, 31), out, 0),
			 0);
}

static void holiday_dates_yearly(void **state)
{
	struct holiday_rec h = holiday(day_of(2024, 12, 25), "FREQ=YEARLY", CIVIL_MAX_DAY);
	int64_t out[8];
	size_t n;

	(void)state;
	n = holiday_rec_dates(&h, day_of(2025, 1, 1), day_of(2027, 12, 31), out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], day_of(2025, 12, 25));
	assert_int_equal(out[1], day_of(2026, 12, 25));
	assert_int_equal(out[2], day_of(2027, 12, 25));
	/* Until a last date. */
	h.until_day = day_of(2026, 12, 31);
	n = holiday_rec_dates(&h, day_of(2025, 1, 1), day_of(2027, 12, 31), out, 8);
	assert_int_equal(n, 2);
	assert_int_equal(out[1], day_of(2026, 12, 25));
	/* Never before its first date. */
	n = holiday_rec_dates(&h, day_of(2020, 1, 1), day_of(2024, 12, 31), out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], day_of(2024, 12, 25));
}

static void holiday_dates_monthly_rule(void **state)
{
	struct holiday_rec h =
		holiday(day_of(2026, 1, 5), "FREQ=MONTHLY;BYDAY=1MO", CIVIL_MAX_DAY);
	int64_t out[8];
	size_t n;

	(void)state;
	n = holiday_rec_dates(&h, day_of(2026, 2, 1), day_of(2026, 4, 30), out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], day_of(2026, 2, 2));
	assert_int_equal(out[1], day_of(2026, 3, 2));
	assert_int_equal(out[2], day_of(2026, 4, 6));
}

/* ---- auth_covers ---- */

static struct auth scoped_auth(const char *const *ids, size_t n)
{
	struct auth a;
	size_t i;

	memset(&a, 0, sizeof(a));
	snprintf(a.key_id, sizeof(a.key_id), "key_staff");
	a.role = ROLE_STAFF;
	a.scoped = true;
	a.nscope = n;
	for (i = 0; i < n; i++)
		snprintf(a.scope[i], sizeof(a.scope[i]), "%s", ids[i]);
	return a;
}

static void auth_unscoped_covers_everyone(void **state)
{
	struct auth a = scoped_auth(NULL, 0);

	(void)state;
	a.scoped = false;
	assert_true(auth_covers(&a, "prv_anyone"));
	assert_true(auth_covers(&a, ""));
}

static void auth_scoped_covers_exactly_its_providers(void **state)
{
	static const char *const ids[] = {"prv_a", "prv_c", "prv_e", "prv_g", "prv_i", "prv_k"};
	static const char *const absent[] = {"prv_", "prv_0", "prv_b", "prv_d", "prv_f",
					     "prv_h", "prv_j", "prv_l", "prv_z", "prv_aa"};
	struct auth a = scoped_auth(ids, 6);
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++)
		assert_true(auth_covers(&a, ids[i]));
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_false(auth_covers(&a, absent[i]));
}

static void auth_scoped_full_scope(void **state)
{
	static char names[KEY_MAX_PROVIDERS][ID_MAX];
	const char *ids[KEY_MAX_PROVIDERS];
	struct auth a;
	size_t i;

	(void)state;
	for (i = 0; i < KEY_MAX_PROVIDERS; i++) {
		snprintf(names[i], sizeof(names[i]), "prv_%03zu", i * 2);
		ids[i] = names[i];
	}
	a = scoped_auth(ids, KEY_MAX_PROVIDERS);
	for (i = 0; i < KEY_MAX_PROVIDERS; i++) {
		char odd[ID_MAX];
		assert_true(auth_covers(&a, names[i]));
		snprintf(odd, sizeof(odd), "prv_%03zu", i * 2 + 1);
		assert_false(auth_covers(&a, odd));
	}
}

static void auth_scoped_with_none_covers_nobody(void **state)
{
	struct auth a = scoped_auth(NULL, 0);

	(void)state;
	assert_false(auth_covers(&a, "prv_a"));
	assert_false(auth_covers(&a, ""));
}

/* ---- actors ---- */

static void actor_of_an_api_key(void **state)
{
	struct auth a;
	struct actor x;

	(void)state;
	memset(&a, 0, sizeof(a));
	snprintf(a.key_id, sizeof(a.key_id), "key_123");
	a.role = ROLE_STAFF;
	x = actor_of_auth(&a);
	assert_int_equal(x.type, ACTOR_KEY);
	assert_string_equal(x.id, "key_123");
	assert_int_equal(x.role, ROLE_STAFF);
	assert_string_equal(actor_history_name(&x), "staff");
	assert_string_equal(actor_type_name(x.type), "key");
	a.role = ROLE_ADMIN;
	x = actor_of_auth(&a);
	assert_int_equal(x.role, ROLE_ADMIN);
	assert_string_equal(actor_history_name(&x), "admin");
	a.role = ROLE_CUSTOMER;
	x = actor_of_auth(&a);
	assert_int_equal(x.type, ACTOR_KEY);
	assert_string_equal(actor_history_name(&x), "customer");
}

static void actor_of_a_manage_token(void **state)
{
	struct auth a;
	struct actor x;

	(void)state;
	memset(&a, 0, sizeof(a));
	snprintf(a.booking_id, sizeof(a.booking_id), "bkg_777");
	a.role = ROLE_ADMIN;	/* the booking id decides, not the role */
	x = actor_of_auth(&a);
	assert_int_equal(x.type, ACTOR_MANAGE_TOKEN);
	assert_string_equal(x.id, "bkg_777");
	assert_int_equal(x.role, ROLE_CUSTOMER);
	assert_string_equal(actor_history_name(&x), "customer");
	assert_string_equal(actor_type_name(x.type), "manage_token");
}

static void actor_of_a_console_user(void **state)
{
	struct auth a;
	struct actor x;

	(void)state;
	memset(&a, 0, sizeof(a));
	/* A session keys its limits on the user's id; the actor is the user, not a key. */
	snprintf(a.key_id, sizeof(a.key_id), "usr_42");
	snprintf(a.user_id, sizeof(a.user_id), "usr_42");
	a.role = ROLE_STAFF;
	x = actor_of_auth(&a);
	assert_int_equal(x.type, ACTOR_USER);
	assert_string_equal(x.id, "usr_42");
	assert_int_equal(x.role, ROLE_STAFF);
	assert_string_equal(actor_history_name(&x), "staff");
	assert_string_equal(actor_type_name(x.type), "user");
}

static void actor_of_a_duty(void **state)
{
	struct actor x;

	(void)state;
	x = actor_system("sweeper");
	assert_int_equal(x.type, ACTOR_SYSTEM);
	assert_string_equal(x.id, "sweeper");
	assert_int_equal(x.role, -1);
	assert_string_equal(actor_history_name(&x), "system");
	assert_string_equal(actor_type_name(x.type), "system");
}

/* ---- waitlist statuses ---- */

static void waitlist_status_names_round_trip(void **state)
{
	static const char *const names[WAITLIST__STATUS_COUNT] = {"waiting", "offered", "booked",
								  "expired"};
	enum waitlist_status s, back;

	(void)state;
	for (s = WAITLIST_WAITING; s < WAITLIST__STATUS_COUNT; s++) {
		assert_string_equal(waitlist_status_name(s), names[s]);
		back = WAITLIST__STATUS_COUNT;
		assert_int_equal(waitlist_status_parse(names[s], &back), 0);
		assert_int_equal(back, s);
	}
}

static void waitlist_status_parse_rejects_others(void **state)
{
	enum waitlist_status s = WAITLIST_OFFERED;

	(void)state;
	assert_int_equal(waitlist_status_parse("", &s), -1);
	assert_int_equal(waitlist_status_parse("Waiting", &s), -1);
	assert_int_equal(waitlist_status_parse("wait", &s), -1);
	assert_int_equal(waitlist_status_parse("booked ", &s), -1);
	assert_int_equal(s, WAITLIST_OFFERED);	/* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(provider_apply_each_field_alone),
		cmocka_unit_test(provider_apply_values),
		cmocka_unit_test(provider_apply_nothing_set),
		cmocka_unit_test(provider_apply_everything_keeps_identity),
		cmocka_unit_test(service_apply_each_field_alone),
		cmocka_unit_test(service_apply_values),
		cmocka_unit_test(service_apply_nothing_set),
		cmocka_unit_test(service_apply_everything_keeps_identity),
		cmocka_unit_test(service_check_price_without_currency),
		cmocka_unit_test(service_check_currency_without_price),
		cmocka_unit_test(service_check_both_or_neither),
		cmocka_unit_test(offers_apply_to_their_provider_only),
		cmocka_unit_test(offer_index_agrees_with_the_scan),
		cmocka_unit_test(offers_need_the_service_currency),
		cmocka_unit_test(price_text),
		cmocka_unit_test(override_dates_one_off),
		cmocka_unit_test(override_dates_range_clipped_to_window),
		cmocka_unit_test(override_dates_recurring),
		cmocka_unit_test(holiday_dates_one_off),
		cmocka_unit_test(holiday_dates_yearly),
		cmocka_unit_test(holiday_dates_monthly_rule),
		cmocka_unit_test(auth_unscoped_covers_everyone),
		cmocka_unit_test(auth_scoped_covers_exactly_its_providers),
		cmocka_unit_test(auth_scoped_full_scope),
		cmocka_unit_test(auth_scoped_with_none_covers_nobody),
		cmocka_unit_test(actor_of_an_api_key),
		cmocka_unit_test(actor_of_a_manage_token),
		cmocka_unit_test(actor_of_a_console_user),
		cmocka_unit_test(actor_of_a_duty),
		cmocka_unit_test(waitlist_status_names_round_trip),
		cmocka_unit_test(waitlist_status_parse_rejects_others),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
