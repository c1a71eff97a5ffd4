/* Reads that combine several sources: the slot engine's job, the calendar, and the event
 * log (with its retention). */
#include "usecase/uc_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/log.h"
#include "util/mem.h"

/* Narrows svc's providers to one page: those the caller may act for after page->after, at
 * most page->limit; *next is the last kept when more follow (else ""). */
static void providers_page(struct uc_ctx *ctx, struct service *svc, const struct uc_slot_page *page,
			   char next[ID_MAX])
{
	size_t i, k = 0;

	next[0] = '\0';
	for (i = 0; i < svc->nproviders; i++) {
		if (page->after && strcmp(svc->provider_ids[i], page->after) <= 0)
			continue;
		if (!uc_covers(ctx, svc->provider_ids[i]))
			continue;
		if (k == page->limit) {
			memcpy(next, svc->provider_ids[k - 1], ID_MAX);
			break;
		}
		if (k != i)
			memcpy(svc->provider_ids[k], svc->provider_ids[i], ID_MAX);
		k++;
	}
	svc->nproviders = k;
}

/* Narrows svc's providers to provider_id (none when it does not offer the service), so that
 * what is made for each of a service's providers is made for that one only. */
static void provider_only(struct service *svc, const char *provider_id)
{
	size_t i;

	for (i = 0; i < svc->nproviders && strcmp(svc->provider_ids[i], provider_id); i++)
		;
	if (i == svc->nproviders) {
		svc->nproviders = 0;
		return;
	}
	if (i)
		memcpy(svc->provider_ids[0], svc->provider_ids[i], ID_MAX);
	svc->nproviders = 1;
}

static int slot_job(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		    const struct uc_slot_page *page, int64_t from, int64_t to,
		    struct uc_slot_job *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct avail_bundle *b = NULL;
	struct offer_index offers;
	int64_t from_day, to_day;
	struct provider p;
	int rc = -1;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!tx)
		return -1;
	/* One snapshot: a consistent view and one lock round trip per query. The engine reads
	 * a day more either side than the window's local dates. */
	days_around(from, to, 2, &from_day, &to_day);
	if (tx_service_get(tx, service_id, ctx->arena, &out->svc, e))
		goto out;
	if (page)
		providers_page(ctx, &out->svc, page, out->next_provider);
	else if (provider_id)
		provider_only(&out->svc, provider_id);
	if (uc_candidates(ctx, tx, &out->svc, provider_id, from_day, to_day, &b, &out->n, e))
		goto out;
	if (provider_id && out->n == 0) {
		if (uc_provider_in_reach(ctx, tx, provider_id, &p, e) == 0)
			err_field_code(e, ERR_INVALID, "provider_id",
				       "provider %s does not offer service %s", provider_id,
				       service_id);
		goto out;
	}
	rc = 0;
out:
	uc_read_end(tx);
	if (rc)
		return -1;
	out->rules = service_rules_of(&out->svc);
	offer_index_build(&out->svc, ctx->arena, &offers);
	out->ids = arena_alloc(ctx->arena, (out->n + 1) * sizeof(*out->ids));
	out->providers = arena_alloc(ctx->arena, (out->n + 1) * sizeof(*out->providers));
	out->prules = arena_alloc(ctx->arena, (out->n + 1) * sizeof(*out->prules));
	for (i = 0; i < out->n; i++) {
		out->prules[i] = service_rules_indexed(&out->svc, &offers, b[i].provider.id);
		if (engine_prepare(&b[i], ctx->env->tz, &out->svc, (uint32_t)i, ctx->arena,
				   &out->providers[i], e))
			return -1;
		out->ids[i] = b[i].provider.id;
	}
	return 0;
}

int uc_slot_job(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		int64_t from, int64_t to, struct uc_slot_job *out, struct err *e)
{
	return slot_job(ctx, service_id, provider_id, NULL, from, to, out, e);
}

/* The zone dates are read in: zone_name, else the providers' shared zone (UTC without
 * providers). */
static int display_zone(struct uc_ctx *ctx, const struct uc_slot_job *job,
			const char *zone_name, const struct tz **out, struct err *e)
{
	size_t i;

	if (zone_name) {
		*out = tz_db_get(ctx->env->tz, zone_name);
		if (!*out)
			return err_field_code(e, ERR_INVALID, "timezone",
					      "must be an IANA time zone name, e.g. Europe/Berlin");
		return 0;
	}
	*out = NULL;
	for (i = 0; i < job->n; i++) {
		const struct tz *z = job->providers[i].avail->tz;
		if (*out && z != *out)
			return err_field_code(e, ERR_INVALID, "timezone",
					      "is required when the providers are in different zones");
		*out = z;
	}
	if (!*out)
		*out = tz_db_get(ctx->env->tz, "UTC");
	return 0;
}

/* Large slot arrays kept between queries, at most SPARE_SLOTS_BYTES each: a query over
 * thousands of providers works out some 100,000 slots (a few MB), and memory new to the
 * process costs a page fault per 4 KB on first touch, which on these machines took longer
 * than working the slots out. Two arrays: the list and its sorted copy. */
#define SPARE_SLOTS_BYTES (8u << 20)
#define SPARE_SLOTS_MIN_BYTES (256u << 10)

static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static struct spare_slots {
	struct slot *v;
	size_t cap;
} spare[2];

/* A kept array of at least want slots (any kept one when want is 0) into *v / *cap, or false. */
static bool spare_take(size_t want, struct slot **v, size_t *cap)
{
	size_t i, best = 2;

	pthread_mutex_lock(&spare_lock);
	for (i = 0; i < 2; i++)
		if (spare[i].v && spare[i].cap >= want &&
		    (best == 2 || spare[i].cap > spare[best].cap))
			best = i;
	if (best < 2) {
		*v = spare[best].v;
		*cap = spare[best].cap;
		spare[best].v = NULL;
		spare[best].cap = 0;
	}
	pthread_mutex_unlock(&spare_lock);
	return best < 2;
}

/* Keeps array v of cap slots for a later query, or frees it (too small or too large to
 * keep, or both places hold larger ones). */
static void spare_give(struct slot *v, size_t cap)
{
	size_t bytes = cap * sizeof(*v), i, low = 0;

	if (!v)
		return;
	if (bytes < SPARE_SLOTS_MIN_BYTES || bytes > SPARE_SLOTS_BYTES) {
		free(v);
		return;
	}
	pthread_mutex_lock(&spare_lock);
	for (i = 1; i < 2; i++)
		if (spare[i].cap < spare[low].cap)
			low = i;
	if (spare[low].cap < cap) {
		struct slot *out = spare[low].v;
		spare[low].v = v;
		spare[low].cap = cap;
		v = out;
	}
	pthread_mutex_unlock(&spare_lock);
	free(v);
}

static void slot_list_release_cb(void *p)
{
	struct slot_list *l = p;

	spare_give(l->v, l->cap);
	slot_list_init(l);
}

/* Orders l by start, then provider, as slot_list_sort does, for a list appended provider
 * by provider (each ordered by start, providers by index): a stable counting sort on the
 * minute of the start, linear where merging thousands of runs is not. Lists whose starts
 * are not whole minutes, or span too many minutes for their size, are merged as before. */
static void slots_by_start(struct slot_list *l)
{
	int64_t lo, hi;
	size_t i, span, cap, *at;
	struct slot *tmp;

	if (l->n < 2)
		return;
	lo = hi = l->v[0].start;
	for (i = 1; i < l->n; i++) {
		if (l->v[i].start < lo)
			lo = l->v[i].start;
		if (l->v[i].start > hi)
			hi = l->v[i].start;
	}
	span = (size_t)((hi - lo) / 60) + 1;
	if (span > 4 * l->n + 1440) {
		slot_list_sort(l);
		return;
	}
	for (i = 0; i < l->n; i++)
		if ((l->v[i].start - lo) % 60) {
			slot_list_sort(l);
			return;
		}
	at = xcalloc(span + 1, sizeof(*at));
	if (!spare_take(l->n, &tmp, &cap)) {
		cap = l->n;
		tmp = xmalloc(cap * sizeof(*tmp));
	}
	for (i = 0; i < l->n; i++)
		at[(l->v[i].start - lo) / 60 + 1]++;
	for (i = 1; i <= span; i++)
		at[i] += at[i - 1];
	for (i = 0; i < l->n; i++)
		tmp[at[(l->v[i].start - lo) / 60]++] = l->v[i];
	spare_give(l->v, l->cap);
	l->v = tmp;
	l->cap = cap;
	free(at);
}

/* Makes room in l for the slots of the total providers of a query, judged from the done
 * ones that gave l its slots so far (at most max + 1 slots): one move of the list instead of
 * a copy at every doubling, each into new pages. */
static void slots_reserve(struct slot_list *l, size_t done, size_t total, size_t max)
{
	size_t want;

	if (!done || !l->n || done >= total)
		return;
	want = l->n / done * total + l->n % done * (total / done) + total / 16;
	if (want > max + 1)
		want = max + 1;
	if (want > l->cap) {
		l->v = xrealloc(l->v, want * sizeof(*l->v));
		l->cap = want;
	}
}

/* Providers loaded at a time when a query covers every provider of a service. A bundle is
 * under 1 KB (its records are the cache entry's), so 512 keep a chunk's array near 450 KB
 * while a query over 10,000 providers reads its commitments in 20 rounds of two statements
 * rather than 313 (at 32 a chunk, when bundles held their schedule by value). */
#define SLOTS_CHUNK 512

/* The slots of every provider of service_id (those the caller may act for), loaded
 * SLOTS_CHUNK at a time in one snapshot: each chunk's bundles live in an arena of their own,
 * freed once its slots are in out->list (provider ids are copied to the request's arena).
 * Without zone_name the display zone is the first provider's, and another zone is refused. */
static int slots_chunked(struct uc_ctx *ctx, const char *service_id, int64_t from_day,
			 int64_t to_day, const char *zone_name, size_t max, struct uc_slots *out,
			 struct err *e)
{
	struct arena *req = ctx->arena, *chunk = NULL;
	struct tx_commitments *pre = NULL;
	struct uc_slot_job *job = &out->job;
	struct offer_index offers;
	struct slot_scratch scratch;
	int64_t load_from_day, load_to_day;
	struct store_tx *tx;
	struct slot_query q;
	size_t base, i, n;
	bool ready = false;
	int rc = -1;

	memset(job, 0, sizeof(*job));
	out->display = NULL;
	if (zone_name) {
		out->display = tz_db_get(ctx->env->tz, zone_name);
		if (!out->display)
			return err_field_code(e, ERR_INVALID, "timezone",
					      "must be an IANA time zone name, e.g. Europe/Berlin");
	}
	tx = uc_read(ctx, STORE_SNAPSHOT, e);
	if (!tx)
		return -1;
	days_around(from_day * 86400 - 86400, (to_day + 2) * 86400, 2, &load_from_day,
		    &load_to_day);
	/* Made now, in the request's arena: every chunk shares the rule dates. */
	(void)uc_expand(ctx);
	slot_scratch_init(&scratch);
	if (tx_service_get(tx, service_id, req, &job->svc, e))
		goto out;
	job->rules = service_rules_of(&job->svc);
	offer_index_build(&job->svc, req, &offers);
	job->ids = arena_alloc(req, (job->svc.nproviders + 1) * sizeof(*job->ids));
	/* More than one round: the tenant's bookings and holds over the dates in one statement,
	 * rather than two statements a round of one index probe per provider each. */
	if (job->svc.nproviders > SLOTS_CHUNK &&
	    tx_commitments_read(tx, load_from_day, load_to_day, ctx->now, req, &pre, e))
		goto out;
	q.now = ctx->now;
	q.from = q.to = 0;
	for (base = 0; base < job->svc.nproviders; base += SLOTS_CHUNK) {
		struct service part = job->svc;
		struct avail_bundle *b;

		part.provider_ids = job->svc.provider_ids + base;
		part.nproviders = job->svc.nproviders - base < SLOTS_CHUNK
					  ? job->svc.nproviders - base
					  : SLOTS_CHUNK;
		chunk = arena_new();
		ctx->arena = chunk;
		if (uc_candidates_with(ctx, tx, &part, NULL, load_from_day, load_to_day, pre, &b,
				       &n, e))
			goto out;
		for (i = 0; i < n; i++) {
			struct service_rules pr =
				service_rules_indexed(&job->svc, &offers, b[i].provider.id);
			struct slot_provider sp;

			/* The schedule a few providers on, fetched while this one is worked out
			 * (cache entries' memory, seldom still in the CPU's caches). */
			if (i + 2 < n)
				engine_prefetch(&b[i + 2]);
			if (engine_prepare(&b[i], ctx->env->tz, &job->svc, (uint32_t)job->n, chunk,
					   &sp, e))
				goto out;
			if (!out->display)
				out->display = sp.avail->tz;
			else if (!zone_name && sp.avail->tz != out->display) {
				err_field_code(e, ERR_INVALID, "timezone",
					       "is required when the providers are in different zones");
				goto out;
			}
			if (!ready) {
				q.from = tz_to_utc(out->display, from_day * 86400);
				q.to = tz_to_utc(out->display, (to_day + 1) * 86400);
				ready = true;
			}
			job->ids[job->n++] = arena_strdup(req, b[i].provider.id);
			q.rules = &pr;
			slots_generate(&q, &sp, &scratch, out->list);
			if (out->list->n > max) {
				err_field_code(e, ERR_RANGE, "to",
					       "more than %zu slots match; ask for fewer days or one"
					       " provider",
					       max);
				goto out;
			}
		}
		ctx->arena = req;
		arena_free(chunk);
		chunk = NULL;
		if (base == 0)
			slots_reserve(out->list, job->n, job->svc.nproviders, max);
		if (uc_deadline_check(ctx, e))
			goto out;
	}
	if (!out->display)
		out->display = tz_db_get(ctx->env->tz, "UTC");
	rc = 0;
out:
	ctx->arena = req;
	if (chunk)
		arena_free(chunk);
	slot_scratch_release(&scratch);
	uc_read_end(tx);
	if (rc)
		return -1;
	if (job->n > 1)
		slots_by_start(out->list);
	return 0;
}

int uc_slots(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	     const struct uc_slot_page *page, int64_t from_day, int64_t to_day,
	     const char *zone_name, size_t max, struct uc_slots *out, struct err *e)
{
	struct slot_scratch scratch;
	struct slot_query q;
	size_t i;

	out->list = arena_alloc(ctx->arena, sizeof(*out->list));
	slot_list_init(out->list);
	arena_on_free(ctx->arena, slot_list_release_cb, out->list);
	if (!provider_id && !page) {
		/* Every provider of the service: the most slots, in memory already used. */
		spare_take(0, &out->list->v, &out->list->cap);
		return slots_chunked(ctx, service_id, from_day, to_day, zone_name, max, out, e);
	}
	/* Load around the widest window the dates can mean; the zone is known afterwards. */
	if (slot_job(ctx, service_id, provider_id, page, from_day * 86400 - 86400,
		     (to_day + 2) * 86400, &out->job, e) ||
	    display_zone(ctx, &out->job, zone_name, &out->display, e))
		return -1;
	q.rules = &out->job.rules;
	q.now = ctx->now;
	q.from = tz_to_utc(out->display, from_day * 86400);
	q.to = tz_to_utc(out->display, (to_day + 1) * 86400);
	slot_scratch_init(&scratch);
	for (i = 0; i < out->job.n && out->list->n <= max; i++) {
		if (uc_deadline_check(ctx, e))
			break;
		q.rules = &out->job.prules[i];
		slots_generate(&q, &out->job.providers[i], &scratch, out->list);
	}
	slot_scratch_release(&scratch);
	if (e->code)
		return -1;
	if (out->list->n > max)
		return err_field_code(e, ERR_RANGE, "to",
				      "more than %zu slots match; ask for fewer days or one provider",
				      max);
	if (out->job.n > 1)
		slot_list_sort(out->list);
	return 0;
}

int uc_explain(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	       int64_t start, const char *zone_name, struct uc_explain *out, struct err *e)
{
	struct slot_scratch scratch;

	if (uc_slot_job(ctx, service_id, provider_id, start - 86400, start + 2 * 86400, &out->job,
			e))
		return -1;
	out->zone = out->job.providers[0].avail->tz;
	if (zone_name && display_zone(ctx, &out->job, zone_name, &out->zone, e))
		return -1;
	out->q.rules = &out->job.prules[0];
	out->q.now = ctx->now;
	out->q.from = out->q.to = 0;
	slot_scratch_init(&scratch);
	slots_explain(&out->q, &out->job.providers[0], start, &scratch, &out->x);
	slot_scratch_release(&scratch);
	return 0;
}

int uc_calendar(struct uc_ctx *ctx, const char (*ids)[ID_MAX], size_t n, int64_t from,
		int64_t to, size_t max_items, struct cal_items *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int64_t from_day, to_day;
	int rc = -1;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!tx)
		return -1;
	days_around(from, to, 0, &from_day, &to_day);
	for (i = 0; i < n; i++) {
		struct calendar_src c;
		if (uc_deadline_check(ctx, e))
			goto out;
		if (!uc_covers(ctx, ids[i]) ||
		    tx_calendar(tx, ids[i], from, to, from_day, to_day, ctx->arena, &c, e)) {
			if (!e->code || e->code == ERR_NOT_FOUND) {
				err_init(e);
				err_field_code(e, ERR_INVALID, "provider_ids", "no provider %s", ids[i]);
			}
			goto out;
		}
		/* Tenant-wide holidays are expanded once for all the providers. */
		c.expand = uc_expand(ctx);
		if (calendar_add(out, &c, ctx->env->tz, from, to, ctx->arena, e))
			goto out;
		if (out->n > max_items) {
			err_set(e, ERR_RANGE, "the calendar has too many items; ask for fewer days"
					      " or providers");
			goto out;
		}
	}
	calendar_sort(out);
	rc = 0;
out:
	uc_read_end(tx);
	return rc;
}

/* Filters other than the subject read events in seq order: one request reads at most this
 * many seqs, and says where to go on. */
#define EVENT_SCAN_WINDOW 10000

int uc_event_list(struct uc_ctx *ctx, struct event_filter *f, size_t limit,
		  struct event_rec **out, size_t *n, int64_t *next_after, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	bool windowed = !f->subject_id && (f->type || f->actor_id || f->from != INT64_MIN ||
					   f->to != INT64_MAX);
	int64_t last = 0;
	int rc;

	if (!tx)
		return -1;
	f->until = windowed && f->after < INT64_MAX - EVENT_SCAN_WINDOW
			   ? f->after + EVENT_SCAN_WINDOW
			   : INT64_MAX;
	rc = tx_event_list(tx, f, limit, ctx->arena, out, n, e);
	if (rc == 0 && *n < limit && windowed)
		rc = tx_event_last(tx, &last, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	*next_after = 0;
	if (*n == limit)
		*next_after = (*out)[*n - 1].seq;
	else if (windowed && f->until < last)
		*next_after = f->until;
	return 0;
}

#define EVENT_PURGE_BATCH 1000
#define EVENT_PURGE_TENANTS 500

/* One tenant's events past the retention, in batches, each its own transaction so writers
 * are never held up for long. */
static size_t purge_tenant(const struct uc_env *env, const char *tenant, int64_t before,
			   struct err *e)
{
	size_t n, total = 0;

	do {
		struct store_tx *tx = store_begin(env->store, tenant, STORE_WRITE, e);
		int rc;
		n = 0;
		if (!tx)
			break;
		rc = tx_event_purge(tx, before, EVENT_PURGE_BATCH, &n, e);
		if (store_end(tx, rc == 0, e) || rc)
			break;
		total += n;
	} while (n == EVENT_PURGE_BATCH);
	return total;
}

void uc_event_purge(const struct uc_env *env, int64_t now)
{
	int64_t before = now - env->config.event_retention_seconds;
	struct arena *a;
	struct store_tx *tx;
	id_t_ *tenants = NULL;
	struct err e;
	size_t n = 0, i, total = 0;

	if (env->config.event_retention_seconds <= 0)
		return;
	err_init(&e);
	a = arena_new();
	/* Tenants in pages, from the one after the last seen. */
	do {
		tx = store_begin(env->store, "", STORE_READ, &e);
		if (!tx)
			break;
		tx_tenant_ids(tx, n ? tenants[n - 1] : "", EVENT_PURGE_TENANTS, a, &tenants, &n,
			      &e);
		store_end(tx, false, &e);
		for (i = 0; i < n && !e.code; i++)
			total += purge_tenant(env, tenants[i], before, &e);
	} while (!e.code && n == EVENT_PURGE_TENANTS);
	if (e.code)
		log_msg(LOG_WARN, "event purge failed: %s", e.message);
	else if (total)
		log_msg(LOG_INFO, "purged %zu events older than the retention", total);
	arena_free(a);
}
