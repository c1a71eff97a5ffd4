/* The availability cache (store/avail_cache.h): an entry answers only at the revision it was
 * stored at, a newer revision replaces it, the byte budget evicts the least recently used,
 * and an entry still referenced survives its eviction until its last release. Freed entries
 * are counted through a cleanup on their arena, so a leak or a double free shows. */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/avail_cache.h"
#include "util/metrics.h"

static _Atomic int freed;	/* bumped by the threads of test_threads too */

static void count_free(void *p)
{
	(void)p;
	freed++;
}

static struct avail_cache_key key(const char *provider, int64_t from_day)
{
	struct avail_cache_key k;

	memset(&k, 0, sizeof(k));
	snprintf(k.tenant, sizeof(k.tenant), "ten_1");
	snprintf(k.provider, sizeof(k.provider), "%s", provider);
	k.from_day = from_day;
	k.to_day = from_day + 6;
	return k;
}

/* An arena of about size bytes holding value, counted in freed when it goes. */
static struct arena *loaded(size_t size, int value, int **out)
{
	struct arena *a = arena_new();

	*out = arena_alloc(a, size > sizeof(int) ? size : sizeof(int));
	**out = value;
	arena_on_free(a, count_free, NULL);
	return a;
}

static struct avail_cache_entry *put(struct avail_cache *c, const char *provider, int64_t rev,
				     int value, size_t size)
{
	struct avail_cache_key k = key(provider, 100);
	int *v;
	struct arena *a = loaded(size, value, &v);

	return avail_cache_put(c, &k, rev, a, v);
}

static int value_of(struct avail_cache_entry *en)
{
	return *(const int *)avail_cache_value(en);
}

static void test_revision_must_match(void **state)
{
	struct avail_cache *c = avail_cache_new(1 << 20);
	struct avail_cache_key k = key("prv_a", 100), other = key("prv_a", 101);
	struct avail_cache_entry *en;

	(void)state;
	freed = 0;
	avail_cache_release(put(c, "prv_a", 7, 42, 64));
	en = avail_cache_get(c, &k, 7);
	assert_non_null(en);
	assert_int_equal(value_of(en), 42);
	avail_cache_release(en);
	/* Other dates are another key. */
	assert_null(avail_cache_get(c, &other, 7));
	/* An older reader misses and leaves the entry; a newer one drops it. */
	assert_null(avail_cache_get(c, &k, 6));
	assert_int_equal(freed, 0);
	assert_null(avail_cache_get(c, &k, 8));
	assert_int_equal(freed, 1);
	assert_null(avail_cache_get(c, &k, 7));
	avail_cache_free(c);
	assert_int_equal(freed, 1);
}

static void test_newer_replaces_and_older_is_not_kept(void **state)
{
	struct avail_cache *c = avail_cache_new(1 << 20);
	struct avail_cache_key k = key("prv_a", 100);
	struct avail_cache_entry *old, *en;
	size_t n, bytes;

	(void)state;
	freed = 0;
	old = put(c, "prv_a", 1, 1, 64);	/* held by a request */
	avail_cache_release(put(c, "prv_a", 2, 2, 64));
	/* The replaced entry lives on for its holder. */
	assert_int_equal(freed, 0);
	assert_int_equal(value_of(old), 1);
	avail_cache_release(old);
	assert_int_equal(freed, 1);
	/* A slower reader of revision 1 loads after revision 2 was stored: not kept. */
	en = put(c, "prv_a", 1, 3, 64);
	avail_cache_release(en);
	assert_int_equal(freed, 2);
	en = avail_cache_get(c, &k, 2);
	assert_non_null(en);
	assert_int_equal(value_of(en), 2);
	avail_cache_release(en);
	avail_cache_usage(c, &n, &bytes);
	assert_int_equal(n, 1);
	assert_true(bytes > 64);
	avail_cache_free(c);
	assert_int_equal(freed, 3);
}

static void test_budget_evicts_least_recently_used(void **state)
{
	/* Entries of about 9 KB (an arena block and more) in a 64 KB budget. */
	struct avail_cache *c = avail_cache_new(64 << 10);
	char name[32];
	struct avail_cache_key k0 = key("prv_0", 100);
	struct avail_cache_entry *held, *en;
	uint64_t evicted = atomic_load(&avail_cache_metrics.evictions);
	size_t n, bytes, i;

	(void)state;
	freed = 0;
	held = put(c, "prv_held", 1, -1, 4000);	/* a request keeps it */
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "prv_%zu", i);
		avail_cache_release(put(c, name, 1, (int)i, 4000));
		/* prv_0 stays the most recently used. */
		en = avail_cache_get(c, &k0, 1);
		assert_non_null(en);
		avail_cache_release(en);
	}
	avail_cache_usage(c, &n, &bytes);
	assert_true(bytes <= 64 << 10);
	assert_true(n >= 2 && n < 20);
	assert_true(atomic_load(&avail_cache_metrics.evictions) > evicted);
	/* Evicted entries nobody holds are gone; the held one waits for its release. */
	assert_int_equal((size_t)freed, 21 - n - 1);
	assert_int_equal(value_of(held), -1);
	avail_cache_release(held);
	assert_int_equal((size_t)freed, 21 - n);
	avail_cache_free(c);
	assert_int_equal(freed, 21);
}

static void test_too_big_or_off_is_not_kept(void **state)
{
	struct avail_cache *c = avail_cache_new(16 << 10);
	struct avail_cache_key k = key("prv_a", 100);
	struct avail_cache_entry *en;

	(void)state;
	freed = 0;
	/* More than a quarter of the budget: served to its reader, never stored. */
	en = put(c, "prv_a", 1, 5, 10000);
	assert_int_equal(value_of(en), 5);
	avail_cache_release(en);
	assert_int_equal(freed, 1);
	assert_null(avail_cache_get(c, &k, 1));
	avail_cache_free(c);
	/* Off: no cache at all. */
	assert_null(avail_cache_new(0));
	assert_null(avail_cache_get(NULL, &k, 1));
	en = put(NULL, "prv_a", 1, 6, 64);
	assert_int_equal(value_of(en), 6);
	avail_cache_release(en);
	assert_int_equal(freed, 2);
}

static void test_release_with_arena(void **state)
{
	struct avail_cache *c = avail_cache_new(1 << 20);
	struct avail_cache_key k = key("prv_a", 100);
	struct arena *req = arena_new();
	struct avail_cache_entry *en;

	(void)state;
	freed = 0;
	avail_cache_release(put(c, "prv_a", 1, 9, 64));
	en = avail_cache_get(c, &k, 1);
	avail_cache_release_with(en, req);
	/* A newer revision replaces it while the request still reads it. */
	assert_null(avail_cache_get(c, &k, 2));
	assert_int_equal(freed, 0);
	assert_int_equal(value_of(en), 9);
	arena_free(req);
	assert_int_equal(freed, 1);
	avail_cache_free(c);
}

/* One get-or-put of provider name at revision 1; true when it was a hit. */
static bool ask(struct avail_cache *c, const char *name)
{
	struct avail_cache_key k = key(name, 100);
	struct avail_cache_entry *en = avail_cache_get(c, &k, 1);
	bool hit = en != NULL;

	if (!en)
		en = put(c, name, 1, 0, 4000);
	avail_cache_release(en);
	return hit;
}

static void test_query_over_more_than_the_budget(void **state)
{
	/* About 7 entries fit; the query asks for 12 providers, again and again. */
	struct avail_cache *c = avail_cache_new(64 << 10);
	char name[32];
	size_t hits = 0, fit, bytes, i, round;

	(void)state;
	freed = 0;
	for (round = 0; round < 4; round++)
		for (i = 0; i < 12; i++) {
			snprintf(name, sizeof(name), "prv_%zu", i);
			hits += ask(c, name) ? 1 : 0;
		}
	avail_cache_usage(c, &fit, &bytes);
	assert_true(fit >= 4 && fit < 12);
	/* Each later round finds in memory nearly all the cache holds, not nothing. */
	assert_true(hits >= 3 * (fit - 1));
	/* An entry asked for again while the cache is full outlives a query over new
	 * providers. */
	assert_true(ask(c, "prv_3"));
	for (i = 100; i < 130; i++) {
		snprintf(name, sizeof(name), "prv_%zu", i);
		(void)ask(c, name);
	}
	assert_true(ask(c, "prv_3"));
	avail_cache_usage(c, &fit, &bytes);
	assert_true(bytes <= 64 << 10);
	avail_cache_free(c);
}

static void test_new_set_replaces_one_no_longer_asked_for(void **state)
{
	/* The cache full of entries asked for twice each, then never again; a new set of 4
	 * providers, which fits, is asked for round after round and comes to be answered from
	 * memory. */
	struct avail_cache *c = avail_cache_new(64 << 10);
	char name[32];
	size_t hits = 0, i, round;

	(void)state;
	for (round = 0; round < 2; round++)
		for (i = 0; i < 12; i++) {
			snprintf(name, sizeof(name), "prv_old_%zu", i);
			(void)ask(c, name);
		}
	for (round = 0; round < 30; round++)
		for (i = 0; i < 4; i++) {
			snprintf(name, sizeof(name), "prv_new_%zu", i);
			hits += round >= 20 && ask(c, name) ? 1 : 0;
			if (round < 20)
				(void)ask(c, name);
		}
	assert_int_equal(hits, 40);
	avail_cache_free(c);
}

/* Threads asking for a few keys at moving revisions in a small budget: every answer is
 * the value stored with that key and revision, and (under ASan) nothing is used after it is
 * freed nor freed twice. */
struct stress {
	struct avail_cache *c;
	unsigned seed;
	size_t hits;
};

static void *stress_run(void *arg)
{
	struct stress *st = arg;
	size_t i;

	for (i = 0; i < 20000; i++) {
		char name[32];
		unsigned r = rand_r(&st->seed);
		int p = (int)(r % 24), rev = 1 + (int)((i / 500 + r / 24 % 2) % 8);
		struct avail_cache_key k;
		struct avail_cache_entry *en;

		snprintf(name, sizeof(name), "prv_%d", p);
		k = key(name, 100);
		en = avail_cache_get(st->c, &k, rev);
		if (en)
			st->hits++;
		else
			en = put(st->c, name, rev, p * 100 + rev, 1000 + (r % 5000));
		assert_int_equal(value_of(en), p * 100 + rev);
		avail_cache_release(en);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct avail_cache *c = avail_cache_new(96 << 10);
	struct stress st[4];
	pthread_t t[4];
	size_t i, hits = 0;

	(void)state;
	memset(st, 0, sizeof(st));
	for (i = 0; i < 4; i++) {
		st[i].c = c;
		st[i].seed = (unsigned)i + 1;
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, stress_run, &st[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		hits += st[i].hits;
	}
	assert_true(hits > 0);
	avail_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revision_must_match),
		cmocka_unit_test(test_newer_replaces_and_older_is_not_kept),
		cmocka_unit_test(test_budget_evicts_least_recently_used),
		cmocka_unit_test(test_too_big_or_off_is_not_kept),
		cmocka_unit_test(test_release_with_arena),
		cmocka_unit_test(test_query_over_more_than_the_budget),
		cmocka_unit_test(test_new_set_replaces_one_no_longer_asked_for),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
