/* External calendars, the background side: leasing due calendars to this process and
 * recording what their fetches found (src/notify/calsync.c fetches and parses).
 *
 * The lease is taken in a transaction across tenants (FOR UPDATE SKIP LOCKED on
 * PostgreSQL), so each due calendar goes to one process; the outcome is written in a write
 * transaction of the calendar's tenant, which holds the tenant's lock like every other
 * write: a booking checked against external busy time sees either the old intervals or the
 * new ones, never a mix. */
#include "usecase/uc_calsync.h"

#include <stdlib.h>
#include <string.h>

#include "usecase/uc_int.h"
#include "util/log.h"
#include "util/secretbox.h"

int uc_calendar_unseal(const struct uc_env *env, const char *box, char *out, size_t size,
		       char *why, size_t n)
{
	struct err e;

	err_init(&e);
	if (!env->config.has_secret_key) {
		snprintf(why, n, "the server has no secret key to open this calendar's credentials"
				 " (--secret-key-file)");
		return -1;
	}
	if (secretbox_open(env->config.secret_key, box, out, size, &e)) {
		snprintf(why, n, "%s", e.message);
		return -1;
	}
	return 0;
}

/* Opens j's sealed secrets into j; an error message in why (size n) when they do not. */
static int open_secrets(const struct uc_env *env, struct calendar_job *j, char *why, size_t n)
{
	j->password[0] = '\0';
	snprintf(j->url, sizeof(j->url), "%s", j->cal.url);
	if (*j->cal.url_box &&
	    uc_calendar_unseal(env, j->cal.url_box, j->url, sizeof(j->url), why, n))
		return -1;
	if (*j->cal.password_box && uc_calendar_unseal(env, j->cal.password_box, j->password,
						      sizeof(j->password), why, n))
		return -1;
	return 0;
}

/* Leases due calendars and reads their providers' zones, in one transaction. */
static int claim_tx(const struct uc_env *env, const char *owner, int64_t now, size_t max,
		    struct arena *a, struct ext_calendar **cals, size_t *n,
		    const struct tz **zones, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_WRITE, e);
	size_t i;

	if (!tx)
		return -1;
	if (tx_calendar_claim(tx, owner, now, now + CALENDAR_LEASE_SECONDS, max, a, cals, n, e))
		goto fail;
	for (i = 0; i < *n; i++) {
		struct provider p;
		struct err gone;
		err_init(&gone);
		store_tx_act_for(tx, (*cals)[i].tenant_id);
		zones[i] = NULL;
		if (tx_provider_get(tx, (*cals)[i].provider_id, &p, &gone) == 0)
			zones[i] = tz_db_get(env->tz, p.timezone);
		else if (gone.code != ERR_NOT_FOUND) {
			*e = gone;
			goto fail;
		}
	}
	return store_end(tx, true, e);
fail:
	{
		struct err ignored;
		err_init(&ignored);
		store_end(tx, false, &ignored);
	}
	return -1;
}

int uc_calendar_claim(const struct uc_env *env, const char *owner, size_t max, struct arena *a,
		      struct calendar_job **out, size_t *n, struct err *e)
{
	int64_t now = env->clock();
	const struct tz *zones[64];
	struct ext_calendar *cals;
	struct calendar_job *jobs;
	size_t i, k = 0, got;

	*out = NULL;
	*n = 0;
	if (max > sizeof(zones) / sizeof(zones[0]))
		max = sizeof(zones) / sizeof(zones[0]);
	if (claim_tx(env, owner, now, max, a, &cals, &got, zones, e))
		return -1;
	if (!got)
		return 0;
	jobs = arena_alloc(a, got * sizeof(*jobs));
	for (i = 0; i < got; i++) {
		struct calendar_job *j = &jobs[k];
		struct calendar_fetch failed = {.ok = false};
		struct err one;

		memset(j, 0, sizeof(*j));
		j->cal = cals[i];
		j->owner_tz = zones[i];
		j->from = now - (int64_t)CALENDAR_WINDOW_BACK_DAYS * 86400;
		j->to = now + (int64_t)CALENDAR_WINDOW_AHEAD_DAYS * 86400;
		if (now - j->cal.read_at >= CALENDAR_REREAD_SECONDS) {
			/* Read in full: unconditional GET, a REPORT whatever the ctag. */
			j->cal.etag[0] = j->cal.last_modified[0] = j->cal.ctag[0] = '\0';
		}
		if (!zones[i])
			snprintf(failed.error, sizeof(failed.error),
				 "the calendar's provider no longer exists");
		else if (open_secrets(env, j, failed.error, sizeof(failed.error)) == 0) {
			k++;
			continue;
		}
		err_init(&one);
		if (uc_calendar_record(env, owner, j, &failed, NULL, &one))
			log_msg(LOG_WARN, "calendar %s: %s", j->cal.id, one.message);
	}
	*out = jobs;
	*n = k;
	return 0;
}

struct record {
	const char *owner;
	const struct calendar_job *j;
	const struct calendar_fetch *f;
	const struct extcal_result *r;
};

static int cmp_start(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* r's busy time plus that of the "…@slotd" events that are not bookings of the tenant, into
 * busy (merged). The own entries come series by series, so they are sorted first: added
 * one by one in that order, each would move the rest of the set. */
static int busy_of(struct store_tx *tx, const struct extcal_result *r, struct arena *a,
		   struct interval_set *busy, struct err *e)
{
	struct interval *all;
	const char **ids;
	bool *mine;
	size_t i, n = 0;

	if (!r->nown) {
		for (i = 0; i < r->busy.n; i++)
			interval_set_add(busy, r->busy.v[i].start, r->busy.v[i].end);
		return 0;
	}
	ids = arena_alloc(a, r->nown * sizeof(*ids));
	mine = arena_alloc(a, r->nown * sizeof(*mine));
	for (i = 0; i < r->nown; i++)
		ids[i] = r->own[i].booking_id;
	if (tx_bookings_exist(tx, ids, r->nown, mine, e))
		return -1;
	all = arena_alloc(a, (r->busy.n + r->nown) * sizeof(*all));
	for (i = 0; i < r->busy.n; i++)
		all[n++] = r->busy.v[i];
	for (i = 0; i < r->nown; i++)
		if (!mine[i])
			all[n++] = (struct interval){r->own[i].start, r->own[i].end};
	qsort(all, n, sizeof(*all), cmp_start);
	for (i = 0; i < n; i++)
		interval_set_add(busy, all[i].start, all[i].end);
	return 0;
}

/* A failure's reason quotes what a server sent (a CalDAV redirect's Location) and is shown
 * as JSON, which must be UTF-8: a byte that starts no valid sequence becomes '?'. */
static void reason_copy(char *out, size_t size, const char *why)
{
	snprintf(out, size, "%s", why);
	utf8_repair(out);
}

static json_t *sync_payload(const struct ext_calendar *c)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "calendar_id", c->id, "provider_id",
			 c->provider_id, "name", c->name, "kind", calendar_kind_name(c->kind));
}

static int record_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct record *rec = arg;
	const struct calendar_fetch *f = rec->f;
	struct calendar_sync s;
	struct interval_set busy;
	struct ext_calendar now;
	bool changed = false;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	interval_set_init(&busy);
	if (tx_calendar_get(tx, NULL, rec->j->cal.id, &now, e))
		goto out;
	s.ok = f->ok;
	s.unchanged = f->unchanged;
	s.at = ctx->now;
	s.due_at = rec->j->cal.next_sync_at;
	reason_copy(s.error, sizeof(s.error), f->error);
	if (f->ok && !f->unchanged) {
		if (busy_of(tx, rec->r, ctx->arena, &busy, e))
			goto out;
		s.busy = busy.v;
		s.nbusy = busy.n;
		s.events = (int)rec->r->events;
		memcpy(s.etag, f->etag, sizeof(s.etag));
		memcpy(s.last_modified, f->last_modified, sizeof(s.last_modified));
		memcpy(s.ctag, f->ctag, sizeof(s.ctag));
	}
	if (tx_calendar_synced(tx, rec->owner, &now, &s, &changed, e))
		goto out;
	rc = 0;
	if (changed) {
		json_t *p = sync_payload(&now);
		json_object_set_new(p, "busy_intervals", json_integer((json_int_t)busy.n));
		json_object_set_new(p, "events", json_integer(s.events));
		rc = uc_emit(ctx, tx, "calendar.synced", now.id, p, NULL, e);
	} else if (!f->ok && strcmp(now.last_error, s.error) != 0) {
		json_t *p = sync_payload(&now);
		json_object_set_new(p, "error", json_string(s.error));
		rc = uc_emit(ctx, tx, "calendar.sync_failed", now.id, p, NULL, e);
	}
out:
	interval_set_release(&busy);
	return rc;
}

int uc_calendar_record(const struct uc_env *env, const char *owner, const struct calendar_job *j,
		       const struct calendar_fetch *f, const struct extcal_result *r,
		       struct err *e)
{
	struct record rec = {owner, j, f, r};
	struct arena *a = arena_new();
	struct auth auth;
	struct uc_ctx ctx;
	int rc;

	uc_ctx_system(&ctx, env, &auth, j->cal.tenant_id, "calendar-sync", env->clock(), a);
	rc = uc_write(&ctx, record_tx, &rec, e);
	arena_free(a);
	return rc;
}

static int release_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const struct record *rec = arg;

	(void)ctx;
	return tx_calendar_release(tx, rec->j->cal.id, rec->owner, e);
}

int uc_calendar_release(const struct uc_env *env, const char *owner,
			const struct calendar_job *j, struct err *e)
{
	struct record rec = {owner, j, NULL, NULL};
	struct arena *a = arena_new();
	struct auth auth;
	struct uc_ctx ctx;
	int rc;

	uc_ctx_system(&ctx, env, &auth, j->cal.tenant_id, "calendar-sync", env->clock(), a);
	rc = uc_write(&ctx, release_tx, &rec, e);
	arena_free(a);
	return rc;
}
