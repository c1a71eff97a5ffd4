/* The availability cache: what a provider's slots are made from, apart from bookings, holds
 * and external busy time, kept in memory between requests and keyed by (tenant, provider,
 * local dates). An entry is valid only at the tenant's availability revision it was read
 * at: every write that changes what opens a provider's time bumps that revision in its own
 * transaction (database triggers), and a reader compares the revision it reads in its own
 * snapshot with the entry's.
 *
 * Entries own their memory (an arena each) and are never written after they are stored:
 * readers get a reference and copy what they change. An entry leaves the table when a newer
 * one replaces it or the byte budget evicts it (least recently used first), and is freed
 * when its last reference goes. Thread-safe: one mutex around the table; loading happens
 * outside it. */
#ifndef SLOTD_STORE_AVAIL_CACHE_H
#define SLOTD_STORE_AVAIL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"

/* The default byte budget; SLOTD_AVAIL_CACHE_MB or --avail-cache-mb change it (0: off). */
#define AVAIL_CACHE_DEFAULT_MB 32

struct avail_cache;
struct avail_cache_entry;

struct avail_cache_key {
	char tenant[ID_MAX];
	char provider[ID_MAX];		/* "" for what the tenant's providers share */
	int64_t from_day, to_day;	/* the local dates read */
};

/* A cache holding at most budget_bytes of entries (0: NULL, no cache). Free with
 * avail_cache_free once no entry is referenced. */
struct avail_cache *avail_cache_new(size_t budget_bytes);
void avail_cache_free(struct avail_cache *c);

/* The entry for key read at revision rev, with a reference taken, or NULL (a miss; an entry
 * of another revision is dropped). c may be NULL (always a miss, not counted). */
struct avail_cache_entry *avail_cache_get(struct avail_cache *c,
					  const struct avail_cache_key *key, int64_t rev);

/* avail_cache_get for keys[0..n), all of one tenant, in one hold of the lock: out[i] is
 * keys[i]'s entry with a reference taken, or NULL. Returns the number of hits. c may be NULL (all misses, not
 * counted). */
size_t avail_cache_get_many(struct avail_cache *c, const struct avail_cache_key *keys,
			    size_t n, int64_t rev, struct avail_cache_entry **out);

/* Stores value, which lives in arena a, as key's entry at revision rev, and returns it with a
 * reference taken. The cache owns a from here on, also when the entry is not kept (budget
 * too small, or a newer revision already stored): it is then freed at its last release. */
struct avail_cache_entry *avail_cache_put(struct avail_cache *c,
					  const struct avail_cache_key *key, int64_t rev,
					  struct arena *a, const void *value);

/* The value stored with entry en (read only). */
const void *avail_cache_value(const struct avail_cache_entry *en);

/* Drops one reference to en; the last one of an entry no longer in the table frees it. */
void avail_cache_release(struct avail_cache_entry *en);

/* Releases en's reference when arena a is freed (the request's lifetime). */
void avail_cache_release_with(struct avail_cache_entry *en, struct arena *a);

/* Releases the references of v[0..n) (NULL ones skipped) when arena a is freed; v must live
 * until then (in a, say). */
void avail_cache_release_many_with(struct avail_cache_entry **v, size_t n, struct arena *a);

/* Entries and bytes now in the table (for tests and the metrics). */
void avail_cache_usage(struct avail_cache *c, size_t *entries, size_t *bytes);

#endif
