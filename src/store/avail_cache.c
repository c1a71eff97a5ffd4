#include "store/avail_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "util/mem.h"
#include "util/metrics.h"

struct avail_cache_entry {
	struct avail_cache *cache;
	struct avail_cache_key key;
	uint64_t hash;
	int64_t rev;
	struct arena *arena;		/* owns value */
	const void *value;
	size_t bytes;
	atomic_uint refs;
	bool in_table;			/* under cache->lock */
	struct avail_cache_entry *next;	/* bucket chain */
	struct avail_cache_entry *newer, *older;	/* recency list */
};

struct avail_cache {
	pthread_mutex_t lock;
	size_t budget, bytes, count;
	struct avail_cache_entry **buckets;
	size_t nbuckets;		/* a power of two */
	struct avail_cache_entry *newest, *oldest;
	unsigned full_puts;		/* entries stored into a full cache */
};

#define FIRST_BUCKETS 256

struct avail_cache *avail_cache_new(size_t budget_bytes)
{
	struct avail_cache *c;

	if (!budget_bytes)
		return NULL;
	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->budget = budget_bytes;
	c->nbuckets = FIRST_BUCKETS;
	c->buckets = xmalloc(c->nbuckets * sizeof(*c->buckets));
	memset(c->buckets, 0, c->nbuckets * sizeof(*c->buckets));
	return c;
}

static void entry_free(struct avail_cache_entry *en)
{
	arena_free(en->arena);
	free(en);
}

void avail_cache_free(struct avail_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nbuckets; i++) {
		struct avail_cache_entry *en = c->buckets[i], *next;
		for (; en; en = next) {
			next = en->next;
			entry_free(en);
		}
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* FNV-1a over the tenant's part of a key: the state key_hash_rest goes on from. */
static uint64_t key_hash_tenant(const char *tenant)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)tenant; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static uint64_t key_hash_rest(uint64_t h, const struct avail_cache_key *k)
{
	const unsigned char *p;
	int64_t days[2] = {k->from_day, k->to_day};
	size_t i;

	for (p = (const unsigned char *)k->provider; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	p = (const unsigned char *)days;
	for (i = 0; i < sizeof(days); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* FNV-1a over the key's fields. */
static uint64_t key_hash(const struct avail_cache_key *k)
{
	return key_hash_rest(key_hash_tenant(k->tenant), k);
}

static bool key_eq(const struct avail_cache_key *a, const struct avail_cache_key *b)
{
	return a->from_day == b->from_day && a->to_day == b->to_day &&
	       !strcmp(a->provider, b->provider) && !strcmp(a->tenant, b->tenant);
}

/* The link that points at key's entry (or at the chain's end), under the lock. */
static struct avail_cache_entry **slot_of(struct avail_cache *c, const struct avail_cache_key *k,
					  uint64_t h)
{
	struct avail_cache_entry **p = &c->buckets[h & (c->nbuckets - 1)];

	while (*p && !((*p)->hash == h && key_eq(&(*p)->key, k)))
		p = &(*p)->next;
	return p;
}

static void list_unlink(struct avail_cache *c, struct avail_cache_entry *en)
{
	if (en->newer)
		en->newer->older = en->older;
	else
		c->newest = en->older;
	if (en->older)
		en->older->newer = en->newer;
	else
		c->oldest = en->newer;
	en->newer = en->older = NULL;
}

/* en at the least recently used end: the next to go unless it is used again first. */
static void list_push_oldest(struct avail_cache *c, struct avail_cache_entry *en)
{
	en->newer = c->oldest;
	en->older = NULL;
	if (c->oldest)
		c->oldest->older = en;
	c->oldest = en;
	if (!c->newest)
		c->newest = en;
}

static void list_push(struct avail_cache *c, struct avail_cache_entry *en)
{
	en->older = c->newest;
	en->newer = NULL;
	if (c->newest)
		c->newest->newer = en;
	c->newest = en;
	if (!c->oldest)
		c->oldest = en;
}

/* Takes en out of the table (under the lock); returns true when nobody holds it, so the
 * caller frees it after unlocking. */
static bool table_remove(struct avail_cache *c, struct avail_cache_entry *en)
{
	struct avail_cache_entry **p = slot_of(c, &en->key, en->hash);

	*p = en->next;
	en->next = NULL;
	list_unlink(c, en);
	en->in_table = false;
	c->bytes -= en->bytes;
	c->count--;
	/* The table's own reference goes with it. */
	return atomic_fetch_sub(&en->refs, 1) == 1;
}

static void publish_usage(const struct avail_cache *c)
{
	atomic_store_explicit(&avail_cache_metrics.bytes, (int_fast64_t)c->bytes,
			      memory_order_relaxed);
	atomic_store_explicit(&avail_cache_metrics.entries, (int_fast64_t)c->count,
			      memory_order_relaxed);
}

static void grow(struct avail_cache *c)
{
	size_t n = c->nbuckets * 2, i;
	struct avail_cache_entry **b = xmalloc(n * sizeof(*b));

	memset(b, 0, n * sizeof(*b));
	for (i = 0; i < c->nbuckets; i++) {
		struct avail_cache_entry *en = c->buckets[i], *next;
		for (; en; en = next) {
			next = en->next;
			en->next = b[en->hash & (n - 1)];
			b[en->hash & (n - 1)] = en;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

struct avail_cache_entry *avail_cache_get(struct avail_cache *c,
					  const struct avail_cache_key *key, int64_t rev)
{
	uint64_t h = key_hash(key);
	struct avail_cache_entry *en, *stale = NULL;

	if (!c)
		return NULL;
	pthread_mutex_lock(&c->lock);
	en = *slot_of(c, key, h);
	if (en && en->rev == rev) {
		atomic_fetch_add(&en->refs, 1);
		list_unlink(c, en);
		list_push(c, en);
	} else {
		/* Another revision: the reader's own is the one that counts from now on. */
		if (en && en->rev < rev && table_remove(c, en))
			stale = en;
		en = NULL;
	}
	publish_usage(c);
	pthread_mutex_unlock(&c->lock);
	if (stale)
		entry_free(stale);
	atomic_fetch_add_explicit(en ? &avail_cache_metrics.hits : &avail_cache_metrics.misses, 1,
				  memory_order_relaxed);
	return en;
}

/* One round of avail_cache_get_many: keys[i] with its hash h[i], under the lock. */
static void get_locked(struct avail_cache *c, const struct avail_cache_key *key, uint64_t h,
		       int64_t rev, struct avail_cache_entry **out,
		       struct avail_cache_entry **stale)
{
	struct avail_cache_entry *en = *slot_of(c, key, h);

	*out = NULL;
	if (en && en->rev == rev) {
		atomic_fetch_add(&en->refs, 1);
		list_unlink(c, en);
		list_push(c, en);
		*out = en;
	} else if (en && en->rev < rev && table_remove(c, en)) {
		en->next = *stale;
		*stale = en;
	}
}

/* Keys looked up at a time: their hashes and bucket heads are fetched ahead of the walk,
 * since with thousands of entries each chain's first entry is a cache miss. */
#define GET_BATCH 32

size_t avail_cache_get_many(struct avail_cache *c, const struct avail_cache_key *keys,
			    size_t n, int64_t rev, struct avail_cache_entry **out)
{
	struct avail_cache_entry *stale = NULL;
	uint64_t h[GET_BATCH], tenant_h;
	size_t base, i, hits = 0;

	if (!c) {
		for (i = 0; i < n; i++)
			out[i] = NULL;
		return 0;
	}
	/* The keys are of one tenant: its part of the hash is worked out once. */
	tenant_h = n ? key_hash_tenant(keys[0].tenant) : 0;
	pthread_mutex_lock(&c->lock);
	for (base = 0; base < n; base += GET_BATCH) {
		size_t m = n - base < GET_BATCH ? n - base : GET_BATCH;
		for (i = 0; i < m; i++) {
			h[i] = key_hash_rest(tenant_h, &keys[base + i]);
			__builtin_prefetch(&c->buckets[h[i] & (c->nbuckets - 1)]);
		}
		for (i = 0; i < m; i++) {
			struct avail_cache_entry *head = c->buckets[h[i] & (c->nbuckets - 1)];
			if (head) {
				__builtin_prefetch(head);
				__builtin_prefetch(&head->hash);
			}
		}
		for (i = 0; i < m; i++) {
			get_locked(c, &keys[base + i], h[i], rev, &out[base + i], &stale);
			hits += out[base + i] != NULL;
		}
	}
	publish_usage(c);
	pthread_mutex_unlock(&c->lock);
	while (stale) {
		struct avail_cache_entry *next = stale->next;
		entry_free(stale);
		stale = next;
	}
	atomic_fetch_add_explicit(&avail_cache_metrics.hits, hits, memory_order_relaxed);
	atomic_fetch_add_explicit(&avail_cache_metrics.misses, n - hits, memory_order_relaxed);
	return hits;
}

struct avail_cache_entry *avail_cache_put(struct avail_cache *c,
					  const struct avail_cache_key *key, int64_t rev,
					  struct arena *a, const void *value)
{
	struct avail_cache_entry *en = xmalloc(sizeof(*en)), *gone = NULL, **p;
	uint64_t evicted = 0;
	bool full;

	memset(en, 0, sizeof(*en));
	en->cache = c;
	en->key = *key;
	en->hash = key_hash(key);
	en->rev = rev;
	en->arena = a;
	en->value = value;
	en->bytes = sizeof(*en) + arena_size(a);
	atomic_init(&en->refs, 1);	/* the caller's */
	if (!c || en->bytes > c->budget / 4)
		return en;	/* kept by nobody else: freed at the caller's release */
	pthread_mutex_lock(&c->lock);
	p = slot_of(c, key, en->hash);
	if (*p && (*p)->rev >= rev) {
		/* Someone stored this revision, or a newer one, meanwhile. */
		pthread_mutex_unlock(&c->lock);
		return en;
	}
	if (*p) {
		struct avail_cache_entry *old = *p;
		if (table_remove(c, old))
			gone = old;
	}
	/* Evict from the least recently used end; an entry still held is freed at its last
	 * release. Freed here after unlocking: one at a time keeps the lock short. */
	full = c->bytes + en->bytes > c->budget;
	while (c->oldest && c->bytes + en->bytes > c->budget) {
		struct avail_cache_entry *old = c->oldest;
		evicted++;
		if (table_remove(c, old)) {
			old->next = gone;
			gone = old;
		}
	}
	if (c->count >= c->nbuckets)
		grow(c);
	p = slot_of(c, key, en->hash);
	*p = en;
	en->in_table = true;
	atomic_fetch_add(&en->refs, 1);	/* the table's */
	/* A full cache takes most new entries in at the least recently used end, where they
	 * stay only once asked for again: a query over more providers than the budget holds
	 * would otherwise push out each entry before its turn came again (none ever answered
	 * from memory) along with everything else the cache held. Every eighth goes in at the
	 * other end, so that entries nobody asks for any more still give way to a new set of
	 * providers that fits. */
	if (full && ++c->full_puts % 8)
		list_push_oldest(c, en);
	else
		list_push(c, en);
	c->bytes += en->bytes;
	c->count++;
	publish_usage(c);
	pthread_mutex_unlock(&c->lock);
	atomic_fetch_add_explicit(&avail_cache_metrics.evictions, evicted, memory_order_relaxed);
	while (gone) {
		struct avail_cache_entry *next = gone->next;
		entry_free(gone);
		gone = next;
	}
	return en;
}

const void *avail_cache_value(const struct avail_cache_entry *en)
{
	return en->value;
}

void avail_cache_release(struct avail_cache_entry *en)
{
	/* The table holds a reference of its own while it keeps en, so the count reaches zero
	 * only once en is out of it. */
	if (atomic_fetch_sub(&en->refs, 1) == 1)
		entry_free(en);
}

static void release_cb(void *p)
{
	avail_cache_release(p);
}

void avail_cache_release_with(struct avail_cache_entry *en, struct arena *a)
{
	arena_on_free(a, release_cb, en);
}

struct release_many {
	struct avail_cache_entry **v;
	size_t n;
};

static void release_many_cb(void *p)
{
	struct release_many *r = p;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i])
			avail_cache_release(r->v[i]);
}

void avail_cache_release_many_with(struct avail_cache_entry **v, size_t n, struct arena *a)
{
	struct release_many *r = arena_alloc(a, sizeof(*r));

	r->v = v;
	r->n = n;
	arena_on_free(a, release_many_cb, r);
}

void avail_cache_usage(struct avail_cache *c, size_t *entries, size_t *bytes)
{
	*entries = *bytes = 0;
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	*entries = c->count;
	*bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}
