/* The engine's bundles for a slot query: what opens each provider's time from the process's
 * availability cache (store/avail_cache.h) when the tenant's availability revision allows,
 * and the commitments of all the query's providers read in one statement of each kind.
 *
 * What is cached is what tx_bundle_open reads (provider, schedule, overrides, holidays, time
 * off, schedule entries, business hours). Database triggers on those tables bump
 * avail_revisions.rev in the writing transaction, whatever the write path. Bookings, holds
 * and external busy time are read per query: they change far more often (a calendar sync
 * rewrites busy time on its own schedule and would drop the tenant's entries each time), and
 * batched they cost one statement each however many providers the query has. */
#include "store/sql_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "store/avail_cache.h"
#include "store/store_business.h"
#include "store/store_calendars.h"
#include "util/buf.h"
#include "util/mem.h"

void store_avail_cache_mb(struct store *st, size_t mb)
{
	avail_cache_free(st->avail_cache);
	st->avail_cache = avail_cache_new(mb << 20);
}

/* The tenant's availability revision into cache (once per transaction). */
static int revision_read(struct store_tx *tx, struct bundle_cache *cache, struct err *e)
{
	struct stmt *s;
	int rc;

	if (cache->rev_state)
		return 0;
	s = conn_prep(tx->c, "SELECT rev FROM avail_revisions WHERE tenant_id = ?1", e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	rc = db_step(s);
	if (rc == DB_ROW)
		cache->rev = db_col_i64(s, 0);
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(tx->c, rc, "read availability revision", e);
	cache->rev_state = rc == DB_ROW ? 1 : -1;
	return 0;
}

/* Whether tx may use the process cache; entries are only stored from reads, since a write
 * transaction sees its own changes before they commit (or roll back), and from bookings of
 * one provider (store_begin_for): they change no records that open time, and the tenant's
 * lock they hold shared keeps every write that does out until they end. */
static bool cache_usable(struct store_tx *tx, const struct bundle_cache *cache, bool *store)
{
	*store = tx->mode != STORE_WRITE || tx->shared;
	return tx->st->avail_cache && cache->rev_state == 1;
}

static void key_of(struct store_tx *tx, const char *provider_id, int64_t from_day,
		   int64_t to_day, struct avail_cache_key *k)
{
	size_t n = strnlen(provider_id, sizeof(k->provider) - 1);

	memset(k, 0, sizeof(*k));
	memcpy(k->tenant, tx->tenant, sizeof(k->tenant));
	memcpy(k->provider, provider_id, n);	/* once per provider per query: no snprintf */
	k->from_day = from_day;
	k->to_day = to_day;
}

/* What opens one provider's time over the dates, business hours aside, into a. With own
 * set (a cache entry's, which must hold only its own memory), b's holidays are the
 * provider's own alone: the tenant's holidays for all providers are read once per query
 * (holidays_all) and shared by bundle_from's caller (b->shared_holidays), not copied into
 * every entry. */
static int static_read(struct store_tx *tx, const char *provider_id, int64_t from_day,
		       int64_t to_day, struct bundle_cache *shared, bool own, struct arena *a,
		       struct avail_bundle *b, struct err *e)
{
	struct bundle_cache none;

	if (own) {
		/* As if the tenant had no holidays for all providers: only the own ones are read. */
		memset(&none, 0, sizeof(none));
		none.read = true;
		none.from_day = from_day;
		none.to_day = to_day;
		shared = &none;
	}
	return bundle_records_read(tx, provider_id, from_day, to_day, shared, a, b, e);
}

/* Business hours as cached: a pointer to them, NULL when the tenant sets none. */
struct business_value {
	struct business_bundle *bb;
};

/* The request's own copy of the tenant's business hours into cache->business (once): the
 * engine fills its open time in lazily, which a shared entry must never see. */
static int business_for(struct store_tx *tx, int64_t from_day, int64_t to_day,
			struct bundle_cache *cache, struct arena *a, struct err *e)
{
	int64_t lo = from_day - BUSINESS_DAYS_MARGIN, hi = to_day + BUSINESS_DAYS_MARGIN;
	struct business_bundle *shared = NULL;
	struct avail_cache_entry *en = NULL;
	struct avail_cache_key k;
	bool store;

	if (cache->business_read && cache->business_from_day == lo && cache->business_to_day == hi)
		return 0;
	if (!cache_usable(tx, cache, &store))
		return business_cached(tx, from_day, to_day, cache, a, &cache->business, e);
	key_of(tx, "", lo, hi, &k);
	en = avail_cache_get(tx->st->avail_cache, &k, cache->rev);
	if (!en) {
		struct arena *own = arena_new();
		struct business_value *v = arena_alloc(own, sizeof(*v));
		if (tx_business_bundle(tx, lo, hi, own, &v->bb, e)) {
			arena_free(own);
			return -1;
		}
		en = avail_cache_put(store ? tx->st->avail_cache : NULL, &k, cache->rev, own, v);
	}
	avail_cache_release_with(en, a);
	shared = ((const struct business_value *)avail_cache_value(en))->bb;
	cache->business = NULL;
	if (shared) {
		cache->business = arena_alloc(a, sizeof(*cache->business));
		*cache->business = *shared;
		cache->business->open = NULL;
	}
	cache->business_read = true;
	cache->business_from_day = lo;
	cache->business_to_day = hi;
	return 0;
}

/* What an entry keeps of a bundle: its records, the schedule versions there are and the
 * provider's own holidays (those for all providers are the query's), so that an entry is
 * about 2 KB and 10,000 providers' fit the default budget. */
struct static_value {
	struct provider provider;
	const struct week_template *versions;
	size_t nversions;
	struct override_rec *overrides;
	size_t noverrides;
	struct holiday_rec *holidays;
	size_t nholidays;
	struct time_off_rec *time_off;
	size_t ntime_off;
	struct entry *entries;
	size_t nentries;
	int64_t from_day, to_day, from, to;
	bool versions_for_all;		/* no interval of versions reserved for some services */
};

/* The blocks of an entry's arena: small, so an entry takes little more than its records. */
#define ENTRY_BLOCK_BYTES 2048

/* Reads one provider's records into a new arena and keeps them as *out in it. */
static struct arena *static_load(struct store_tx *tx, const char *provider_id,
				 int64_t from_day, int64_t to_day, struct bundle_cache *shared,
				 struct avail_bundle *tmp, struct static_value **out, struct err *e)
{
	struct arena *own = arena_new_sized(ENTRY_BLOCK_BYTES);
	struct static_value *v;

	if (static_read(tx, provider_id, from_day, to_day, shared, true, own, tmp, e)) {
		arena_free(own);
		return NULL;
	}
	v = arena_alloc(own, sizeof(*v));
	v->provider = tmp->provider;
	v->versions = tmp->versions;
	v->nversions = tmp->nversions;
	v->overrides = tmp->overrides;
	v->noverrides = tmp->noverrides;
	v->holidays = tmp->holidays;
	v->nholidays = tmp->nholidays;
	v->time_off = tmp->time_off;
	v->ntime_off = tmp->ntime_off;
	v->entries = tmp->entries;
	v->nentries = tmp->nentries;
	v->from_day = tmp->from_day;
	v->to_day = tmp->to_day;
	v->from = tmp->from;
	v->to = tmp->to;
	/* Looked at once here rather than by every query (the versions' every day). */
	v->versions_for_all = !engine_versions_reserved(v->versions, v->nversions);
	*out = v;
	return own;
}

/* b as the request's own bundle over v's records (shared, read only); every field of b is
 * set (b may hold what static_load read into it). */
static void bundle_from(const struct static_value *v, struct avail_bundle *b)
{
	b->provider = v->provider;
	b->versions = v->versions;
	b->nversions = v->nversions;
	b->overrides = v->overrides;
	b->noverrides = v->noverrides;
	b->holidays = v->holidays;
	b->nholidays = v->nholidays;
	b->shared_holidays = NULL;
	b->nshared_holidays = 0;
	b->time_off = v->time_off;
	b->ntime_off = v->ntime_off;
	b->booked = NULL;
	b->nbooked = 0;
	b->entries = v->entries;
	b->nentries = v->nentries;
	b->external = NULL;
	b->nexternal = 0;
	b->from_day = v->from_day;
	b->to_day = v->to_day;
	b->from = v->from;
	b->to = v->to;
	b->expand = NULL;
	memset(&b->input, 0, sizeof(b->input));
	b->business = NULL;
	b->versions_for_all = v->versions_for_all;
}

int tx_bundle_static(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct bundle_cache *cache, struct arena *a,
		     struct avail_bundle *b, struct err *e)
{
	const struct static_value *v;
	struct avail_cache_entry *en;
	struct avail_cache_key k;
	bool store;

	if (revision_read(tx, cache, e) || business_for(tx, from_day, to_day, cache, a, e))
		return -1;
	if (!cache_usable(tx, cache, &store)) {
		/* The provider's own holidays read, the tenant's shared (not copied per provider). */
		if (holidays_all(tx, cache, from_day, to_day, a, e) ||
		    static_read(tx, provider_id, from_day, to_day, cache, true, a, b, e))
			return -1;
		b->shared_holidays = cache->holidays;
		b->nshared_holidays = cache->nholidays;
		b->business = cache->business;
		return 0;
	}
	key_of(tx, provider_id, from_day, to_day, &k);
	/* The holidays for all providers: read once per query, into the request's memory. */
	if (holidays_all(tx, cache, from_day, to_day, a, e))
		return -1;
	en = avail_cache_get(tx->st->avail_cache, &k, cache->rev);
	if (!en) {
		struct static_value *loaded;
		/* b is the room to read into; bundle_from fills it again below. */
		struct arena *own =
			static_load(tx, provider_id, from_day, to_day, cache, b, &loaded, e);
		if (!own)
			return -1;
		en = avail_cache_put(store ? tx->st->avail_cache : NULL, &k, cache->rev, own,
				     loaded);
	}
	avail_cache_release_with(en, a);
	/* The request writes its own commitments, input and expansion into b; the records it
	 * points at are the entry's, read only. */
	v = avail_cache_value(en);
	bundle_from(v, b);
	/* Shared, not merged into a copy per provider (512 providers a round times up to 500
	 * holidays of the tenant's would be some 140 MB). */
	b->shared_holidays = cache->holidays;
	b->nshared_holidays = cache->nholidays;
	b->business = cache->business;
	return 0;
}

/* Entries fetched ahead of their copy: thousands of them do not stay in the CPU's caches
 * between queries, and each copy would wait on memory. */
#define PREFETCH_AHEAD 4

static void prefetch_bytes(const void *p, size_t n)
{
	const char *c = p;
	size_t off;

	for (off = 0; off < n; off += 64)
		__builtin_prefetch(c + off);
}

int tx_bundles_static(struct store_tx *tx, const char *const *provider_ids, size_t n,
		      int64_t from_day, int64_t to_day, struct bundle_cache *cache,
		      struct arena *a, struct avail_bundle *b, struct err *e)
{
	struct avail_cache_entry **en;
	struct avail_cache_key *keys;
	size_t i;
	bool store;

	if (revision_read(tx, cache, e) || business_for(tx, from_day, to_day, cache, a, e))
		return -1;
	if (!cache_usable(tx, cache, &store) || n < 2) {
		for (i = 0; i < n; i++)
			if (tx_bundle_static(tx, provider_ids[i], from_day, to_day, cache, a, &b[i],
					     e))
				return -1;
		return 0;
	}
	if (holidays_all(tx, cache, from_day, to_day, a, e))
		return -1;
	keys = xmalloc(n * sizeof(*keys));
	for (i = 0; i < n; i++)
		key_of(tx, provider_ids[i], from_day, to_day, &keys[i]);
	en = arena_alloc(a, n * sizeof(*en));
	/* One hold of the cache's lock for all of them; misses are read and stored after. */
	avail_cache_get_many(tx->st->avail_cache, keys, n, cache->rev, en);
	avail_cache_release_many_with(en, n, a);
	for (i = 0; i < n; i++) {
		if (!en[i]) {
			struct static_value *loaded;
			struct arena *own = static_load(tx, provider_ids[i], from_day, to_day, cache,
							&b[i], &loaded, e);
			if (!own) {
				free(keys);
				return -1;
			}
			en[i] = avail_cache_put(store ? tx->st->avail_cache : NULL, &keys[i],
						cache->rev, own, loaded);
		}
		if (i + PREFETCH_AHEAD < n && en[i + PREFETCH_AHEAD])
			prefetch_bytes(avail_cache_value(en[i + PREFETCH_AHEAD]),
				       sizeof(struct static_value));
		bundle_from(avail_cache_value(en[i]), &b[i]);
		b[i].shared_holidays = cache->holidays;
		b[i].nshared_holidays = cache->nholidays;
		b[i].business = cache->business;
	}
	free(keys);
	return 0;
}

/* --- the commitments of many providers at once --- */

/* The query's providers ordered by id, for matching rows back to their bundle. */
struct bundle_ref {
	const char *id;
	size_t bundle;
};

struct by_provider {
	struct bundle_ref *v;
	size_t n;
};

static int cmp_ref(const void *x, const void *y)
{
	return strcmp(((const struct bundle_ref *)x)->id, ((const struct bundle_ref *)y)->id);
}

/* The index of the bundle of provider id, or n. */
static size_t bundle_of(const struct by_provider *bp, const char *id)
{
	struct bundle_ref key = {id, 0}, *hit;

	hit = bsearch(&key, bp->v, bp->n, sizeof(*bp->v), cmp_ref);
	return hit ? hit->bundle : bp->n;
}

/* The providers' ids as a JSON array (the parameter of IN (json_each / jsonb)). */
static void ids_json(const struct avail_bundle *b, size_t n, struct buf *out)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(out, ',');
		buf_add_json_str(out, b[i].provider.id);
	}
	buf_addc(out, ']');
}

static void by_provider_init(struct by_provider *bp, const struct avail_bundle *b, size_t n,
			     struct arena *a)
{
	size_t i;

	bp->n = n;
	bp->v = arena_alloc(a, n * sizeof(*bp->v));
	for (i = 0; i < n; i++)
		bp->v[i] = (struct bundle_ref){b[i].provider.id, i};
	qsort(bp->v, n, sizeof(*bp->v), cmp_ref);
}

struct booked_row {
	size_t bundle;
	struct booked_time t;
};

/* Active bookings and live holds of all n bundles, by blocked start each. */
static int booked_many(struct store_tx *tx, struct avail_bundle *b, size_t n,
		       const struct by_provider *bp, const char *ids, int64_t now,
		       struct arena *a, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		tx->c->kind == DB_PG
			? "SELECT start_utc, block_start, block_end, service_id, 0, provider_id"
			  " FROM bookings WHERE tenant_id = ?1 AND provider_id IN"
			  " (SELECT jsonb_array_elements_text(?2::jsonb)) AND active = 1"
			  " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
			  " UNION ALL"
			  " SELECT start_utc, block_start, block_end, service_id, 1, provider_id"
			  " FROM holds WHERE tenant_id = ?1 AND provider_id IN"
			  " (SELECT jsonb_array_elements_text(?2::jsonb)) AND expires_at > ?6"
			  " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
			  " ORDER BY 2"
			: "SELECT start_utc, block_start, block_end, service_id, 0, provider_id"
			  " FROM bookings WHERE tenant_id = ?1 AND provider_id IN"
			  " (SELECT value FROM json_each(?2)) AND active = 1"
			  " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
			  " UNION ALL"
			  " SELECT start_utc, block_start, block_end, service_id, 1, provider_id"
			  " FROM holds WHERE tenant_id = ?1 AND provider_id IN"
			  " (SELECT value FROM json_each(?2)) AND expires_at > ?6"
			  " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
			  " ORDER BY 2",
		e);
	struct booked_row *rows = NULL;
	size_t nrows = 0, cap = 0, i;
	size_t *count;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, ids);
	db_bind_i64(s, 3, b[0].from);
	db_bind_i64(s, 4, b[0].to);
	db_bind_i64(s, 5, b[0].from - BOOKING_MAX_BLOCK_SECONDS - 1);
	db_bind_i64(s, 6, now);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *pid = db_col_text(s, 5);
		size_t k = pid ? bundle_of(bp, pid) : n;
		struct booked_row *r;
		if (k == n)
			continue;
		rows = grow_rows(a, rows, nrows, &cap, sizeof(*rows));
		r = &rows[nrows++];
		r->bundle = k;
		read_booked(s, NULL, &r->t);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "read bookings", e);
	count = arena_alloc(a, n * sizeof(*count));
	for (i = 0; i < nrows; i++)
		count[rows[i].bundle]++;
	for (i = 0; i < n; i++) {
		b[i].booked = count[i] ? arena_alloc(a, count[i] * sizeof(*b[i].booked)) : NULL;
		b[i].nbooked = 0;
	}
	/* Rows come by blocked start; each bundle keeps that order. */
	for (i = 0; i < nrows; i++) {
		struct avail_bundle *x = &b[rows[i].bundle];
		x->booked[x->nbooked++] = rows[i].t;
	}
	return 0;
}

/* External calendars' busy time of all n bundles over their range, by start each. */
static int external_many(struct store_tx *tx, struct avail_bundle *b, size_t n,
			 const struct by_provider *bp, const char *ids, struct arena *a,
			 struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		tx->c->kind == DB_PG
			? "SELECT b.day, b.spans, b.calendar_id, c.name, b.provider_id"
			  " FROM calendar_busy b JOIN calendars c ON c.tenant_id = b.tenant_id"
			  " AND c.id = b.calendar_id WHERE b.tenant_id = ?1 AND b.provider_id IN"
			  " (SELECT jsonb_array_elements_text(?2::jsonb))"
			  " AND b.day >= ?3 AND b.day <= ?4"
			: "SELECT b.day, b.spans, b.calendar_id, c.name, b.provider_id"
			  " FROM calendar_busy b JOIN calendars c ON c.tenant_id = b.tenant_id"
			  " AND c.id = b.calendar_id WHERE b.tenant_id = ?1 AND b.provider_id IN"
			  " (SELECT value FROM json_each(?2)) AND b.day >= ?3 AND b.day <= ?4",
		e);
	int64_t from = b[0].from, to = b[0].to;
	size_t *cap = arena_alloc(a, n * sizeof(*cap));
	size_t i;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, ids);
	db_bind_i64(s, 3, floor_div(from, 86400));
	db_bind_i64(s, 4, floor_div(to - 1, 86400));
	while ((rc = db_step(s)) == DB_ROW) {
		const char *pid = db_col_text(s, 4);
		size_t k = pid ? bundle_of(bp, pid) : n;
		if (k < n)
			external_busy_row(s, from, to, a, &b[k].external, &b[k].nexternal, &cap[k]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "read external busy time", e);
	for (i = 0; i < n; i++)
		external_busy_sort(b[i].external, b[i].nexternal);
	return 0;
}

/* --- the commitments of a whole tenant, read once for a query of many rounds --- */

struct tx_commitments {
	int64_t from, to;		/* the bundles' range they were read over */
	/* Bookings and live holds by provider id, each provider's by blocked start. */
	const char (*ids)[ID_MAX];
	struct booked_time *booked;
	size_t nbooked;
	bool calendars;			/* whether the tenant has any external calendar */
};

struct tenant_booked {
	char id[ID_MAX];
	size_t seq;			/* the order read in */
	struct booked_time t;
};

static int cmp_tenant_booked(const void *x, const void *y)
{
	const struct tenant_booked *a = x, *b = y;
	int c = strcmp(a->id, b->id);

	if (c)
		return c;
	if (a->t.block_start != b->t.block_start)
		return a->t.block_start < b->t.block_start ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Whether the tenant has an external calendar: busy time is only read through one. */
static int calendars_any(struct store_tx *tx, bool *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "SELECT 1 FROM calendars WHERE tenant_id = ?1 LIMIT 1", e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(tx->c, rc, "read calendars", e);
	*out = rc == DB_ROW;
	return 0;
}

/* The most rows tx_commitments_read holds for a query (some 7 MB read, 6 MB kept): a tenant's
 * bookings over the dates include those of all its other services, which must not all sit in
 * one request's memory. */
#define COMMITMENTS_ONCE_MAX 65536
/* One row more is asked for, to know there are too many (PostgreSQL's client would otherwise
 * hold every row of the statement). */
#define COMMITMENTS_ONCE_LIMIT "65537"

int tx_commitments_read(struct store_tx *tx, int64_t from_day, int64_t to_day, int64_t now,
			struct arena *a, struct tx_commitments **out, struct err *e)
{
	/* The tenant's bookings through their start (bookings_by_start): a blocked interval
	 * holds its start and lasts at most BOOKING_MAX_BLOCK_SECONDS, so the start bounds
	 * follow from the blocked ones and change no answer. Live holds are few: the tenant's
	 * all. */
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT start_utc, block_start, block_end, service_id, 0, provider_id"
		" FROM bookings WHERE tenant_id = ?1 AND start_utc > ?4"
		" AND start_utc < ?6 AND active = 1"
		" AND block_start > ?4 AND block_start < ?3 AND block_end > ?2"
		" UNION ALL"
		" SELECT start_utc, block_start, block_end, service_id, 1, provider_id"
		" FROM holds WHERE tenant_id = ?1 AND expires_at > ?5"
		" AND block_start > ?4 AND block_start < ?3 AND block_end > ?2"
		" LIMIT " COMMITMENTS_ONCE_LIMIT,
		e);
	struct tenant_booked *rows = NULL;
	struct tx_commitments *c;
	size_t nrows = 0, cap = 0, i;
	char (*ids)[ID_MAX];
	int rc;

	if (!s)
		return -1;
	c = arena_alloc(a, sizeof(*c));
	memset(c, 0, sizeof(*c));
	bundle_range(from_day, to_day, &c->from, &c->to);
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, c->from);
	db_bind_i64(s, 3, c->to);
	db_bind_i64(s, 4, c->from - BOOKING_MAX_BLOCK_SECONDS - 1);
	db_bind_i64(s, 5, now);
	db_bind_i64(s, 6, c->to + BOOKING_MAX_BLOCK_SECONDS);
	while ((rc = db_step(s)) == DB_ROW) {
		struct tenant_booked *r;
		if (nrows == COMMITMENTS_ONCE_MAX) {
			/* Too many to hold for the whole query: each round reads its own. */
			db_reset(s);
			free(rows);
			*out = NULL;
			return 0;
		}
		if (nrows == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[nrows];
		col_text(s, 5, r->id, sizeof(r->id));
		r->seq = nrows++;
		read_booked(s, NULL, &r->t);
	}
	db_reset(s);
	if (rc != DB_DONE || calendars_any(tx, &c->calendars, e)) {
		free(rows);
		return rc != DB_DONE ? sql_fail(tx->c, rc, "read bookings", e) : -1;
	}
	/* Each provider's by blocked start (the statement reads them in no order). */
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_tenant_booked);
	ids = arena_alloc(a, (nrows + 1) * sizeof(*ids));
	c->booked = arena_alloc(a, (nrows + 1) * sizeof(*c->booked));
	for (i = 0; i < nrows; i++) {
		memcpy(ids[i], rows[i].id, ID_MAX);
		c->booked[i] = rows[i].t;
	}
	free(rows);
	c->ids = (const char(*)[ID_MAX])ids;
	c->nbooked = nrows;
	*out = c;
	return 0;
}

/* The first of c's rows whose provider id is not below id. */
static size_t commitments_lower(const struct tx_commitments *c, const char *id)
{
	size_t lo = 0, hi = c->nbooked;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(c->ids[mid], id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The bookings and live holds (with_booked) and the external busy time of n bundles, one
 * statement of each kind for all of them, their ids as one JSON array. */
static int commitments_many(struct store_tx *tx, struct avail_bundle *b, size_t n,
			    bool with_booked, int64_t now, struct arena *a, struct err *e)
{
	struct by_provider bp;
	struct buf ids;
	int rc;

	by_provider_init(&bp, b, n, a);
	buf_init(&ids, 64 * 1024 * 1024);
	ids_json(b, n, &ids);
	if (ids.failed) {
		buf_release(&ids);
		return err_set(e, ERR_INTERNAL, "too many providers in one query");
	}
	rc = (with_booked && booked_many(tx, b, n, &bp, ids.ptr, now, a, e)) ||
	     external_many(tx, b, n, &bp, ids.ptr, a, e);
	buf_release(&ids);
	return rc ? -1 : 0;
}

int tx_bundles_commitments_of(struct store_tx *tx, const struct tx_commitments *c,
			      struct avail_bundle *b, size_t n, struct arena *a, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t lo = commitments_lower(c, b[i].provider.id), hi = lo;
		assert(b[i].from == c->from && b[i].to == c->to);
		while (hi < c->nbooked && !strcmp(c->ids[hi], b[i].provider.id))
			hi++;
		/* Shared rows, read only (the engine copies what it changes). */
		b[i].booked = hi > lo ? &c->booked[lo] : NULL;
		b[i].nbooked = hi - lo;
		b[i].external = NULL;
		b[i].nexternal = 0;
	}
	if (n == 0 || !c->calendars)
		return 0;
	return commitments_many(tx, b, n, false, 0, a, e);
}

int tx_bundles_commitments(struct store_tx *tx, struct avail_bundle *b, size_t n, int64_t now,
			   struct arena *a, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b[i].booked = NULL;
		b[i].nbooked = 0;
		b[i].external = NULL;
		b[i].nexternal = 0;
	}
	if (n == 1)
		return tx_external_busy(tx, b[0].provider.id, b[0].from, b[0].to, a, &b[0].external,
					&b[0].nexternal, e) ||
		       booked_read(tx, b[0].provider.id, b[0].from, b[0].to, now, a, &b[0].booked,
				   &b[0].nbooked, e)
			       ? -1
			       : 0;
	if (n == 0)
		return 0;
	return commitments_many(tx, b, n, true, now, a, e);
}
