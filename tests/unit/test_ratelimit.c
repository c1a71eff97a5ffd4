/* Unit tests for http/ratelimit: the token bucket's burst, refill and headers figures, one
 * bucket per scope and id, taking over the longest-idle bucket when a group is full, a
 * tenant's own policy, the tenant cache's freshness, and policy parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/ratelimit.h"

static struct ratelimit *make(unsigned q, unsigned w)
{
	struct rl_policy p[RL__COUNT];
	size_t i;

	for (i = 0; i < RL__COUNT; i++)
		p[i] = (struct rl_policy){q, w};
	return ratelimit_new(p);
}

static void burst_then_refill(void **state)
{
	struct ratelimit *rl = make(5, 10);	/* 0.5 per second */
	struct rl_answer a;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_true(ratelimit_take(rl, RL_KEY, "k1", 100.0, NULL, &a));
		assert_int_equal(a.remaining, 4 - i);
	}
	assert_int_equal(a.reset, 10);	/* 5 used: 10 s until full */
	assert_false(ratelimit_take(rl, RL_KEY, "k1", 100.0, NULL, &a));
	assert_int_equal(a.remaining, 0);
	assert_int_equal(a.retry_after, 2);	/* one request comes back after 2 s */
	assert_false(ratelimit_take(rl, RL_KEY, "k1", 101.9, NULL, &a));
	assert_true(ratelimit_take(rl, RL_KEY, "k1", 102.0, NULL, &a));
	assert_false(ratelimit_take(rl, RL_KEY, "k1", 102.1, NULL, &a));
	/* a long pause refills to the quota, never beyond */
	assert_true(ratelimit_take(rl, RL_KEY, "k1", 1000.0, NULL, &a));
	assert_int_equal(a.remaining, 4);
	ratelimit_free(rl);
}

static void buckets_are_per_scope_and_id(void **state)
{
	struct ratelimit *rl = make(1, 60);
	struct rl_answer a;

	(void)state;
	assert_true(ratelimit_take(rl, RL_KEY, "a", 5.0, NULL, &a));
	assert_false(ratelimit_take(rl, RL_KEY, "a", 5.0, NULL, &a));
	assert_true(ratelimit_take(rl, RL_KEY, "b", 5.0, NULL, &a));
	assert_true(ratelimit_take(rl, RL_TOKEN, "a", 5.0, NULL, &a));
	assert_true(ratelimit_take(rl, RL_ADDRESS, "a", 5.0, NULL, &a));
	/* looking does not take */
	assert_true(ratelimit_left(rl, RL_AUTH_FAILURE, "a", 5.0, &a));
	assert_true(ratelimit_left(rl, RL_AUTH_FAILURE, "a", 5.0, &a));
	assert_true(ratelimit_take(rl, RL_AUTH_FAILURE, "a", 5.0, NULL, &a));
	assert_false(ratelimit_left(rl, RL_AUTH_FAILURE, "a", 5.0, &a));
	ratelimit_free(rl);
}

static void no_quota_is_no_limit(void **state)
{
	struct ratelimit *rl = make(0, 1);
	struct rl_policy own = {2, 60};
	struct rl_answer a;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_true(ratelimit_take(rl, RL_KEY, "k", 1.0, NULL, &a));
	/* a tenant's own policy applies to the same bucket */
	assert_true(ratelimit_take(rl, RL_KEY, "t", 1.0, &own, &a));
	assert_true(ratelimit_take(rl, RL_KEY, "t", 1.0, &own, &a));
	assert_false(ratelimit_take(rl, RL_KEY, "t", 1.0, &own, &a));
	assert_int_equal(a.retry_after, 30);
	ratelimit_free(rl);
}

/* A bucket whose policy changes keeps what it used: 3 of 5 used, then a quota of 10 leaves
 * 7, and a quota of 2 leaves none. */
static void a_changed_policy_keeps_the_use(void **state)
{
	struct ratelimit *rl = make(5, 3600);
	struct rl_policy more = {10, 3600}, less = {2, 3600};
	struct rl_answer a;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, RL_KEY, "k", 1.0, NULL, &a));
	assert_true(ratelimit_left(rl, RL_KEY, "k", 1.0, &a));
	assert_true(ratelimit_take(rl, RL_KEY, "k", 1.0, &more, &a));
	assert_int_equal(a.remaining, 6);
	assert_false(ratelimit_take(rl, RL_KEY, "k", 1.0, &less, &a));
	ratelimit_free(rl);
}

/* Many more ids than buckets: the table never grows, and a drained bucket that is used
 * often is not the one taken over. */
static void full_table_reuses_idle_buckets(void **state)
{
	struct ratelimit *rl = make(3, 3600);
	struct rl_answer a;
	char id[32];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, RL_KEY, "busy", 1.0, NULL, &a));
	for (i = 0; i < 200000; i++) {
		snprintf(id, sizeof(id), "drive-by-%d", i);
		assert_true(ratelimit_take(rl, RL_KEY, id, 2.0, NULL, &a));
	}
	assert_false(ratelimit_take(rl, RL_KEY, "busy", 2.0, NULL, &a));
	ratelimit_free(rl);
}

static void tenant_cache_expires(void **state)
{
	struct ratelimit *rl = make(10, 10);
	struct rl_policy p = {7, 70}, got;
	bool has = false;

	(void)state;
	assert_false(ratelimit_tenant_get(rl, "ten_a", 50.0, &has, &got));
	ratelimit_tenant_put(rl, "ten_a", 50.0, &p);
	assert_true(ratelimit_tenant_get(rl, "ten_a", 55.0, &has, &got));
	assert_true(has);
	assert_int_equal(got.quota, 7);
	assert_int_equal(got.window, 70);
	assert_false(ratelimit_tenant_get(rl, "ten_a", 50.0 + RL_TENANT_TTL, &has, &got));
	assert_false(ratelimit_tenant_get(rl, "ten_b", 55.0, &has, &got));
	ratelimit_tenant_put(rl, "ten_b", 56.0, NULL);
	assert_true(ratelimit_tenant_get(rl, "ten_b", 57.0, &has, &got));
	assert_false(has);
	ratelimit_free(rl);
}

static void policy_text(void **state)
{
	struct rl_policy p;

	(void)state;
	assert_int_equal(rl_policy_parse("600/60", &p), 0);
	assert_int_equal(p.quota, 600);
	assert_int_equal(p.window, 60);
	assert_int_equal(rl_policy_parse("0/1", &p), 0);
	assert_int_equal(p.quota, 0);
	assert_int_equal(rl_policy_parse("5", &p), -1);
	assert_int_equal(rl_policy_parse("5/0", &p), -1);
	assert_int_equal(rl_policy_parse("5/86401", &p), -1);
	assert_int_equal(rl_policy_parse("-5/6", &p), -1);
	assert_int_equal(rl_policy_parse("5/6x", &p), -1);
	assert_int_equal(rl_policy_parse("/6", &p), -1);
	assert_int_equal(rl_policy_parse(NULL, &p), -1);
	assert_string_equal(rl_scope_name(RL_AUTH_FAILURE), "auth_failure");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_refill),
		cmocka_unit_test(buckets_are_per_scope_and_id),
		cmocka_unit_test(no_quota_is_no_limit),
		cmocka_unit_test(a_changed_policy_keeps_the_use),
		cmocka_unit_test(full_table_reuses_idle_buckets),
		cmocka_unit_test(tenant_cache_expires),
		cmocka_unit_test(policy_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
