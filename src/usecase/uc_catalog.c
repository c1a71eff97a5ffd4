/* The catalog: providers (and their deletion with what depends on them), services, weekly
 * schedules, overrides, holidays, time off and the tenant's policy defaults. */
#include "usecase/uc_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "store/store_notify.h"
#include "util/ids.h"

/* --- providers --- */

static int provider_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct provider *p = arg;

	if (tx_provider_insert(tx, p, e))
		return -1;
	return uc_emit(ctx, tx, "provider.created", p->id, wire_provider(p), NULL, e);
}

int uc_provider_create(struct uc_ctx *ctx, struct provider *p, struct err *e)
{
	id_new(p->id, "prv");
	p->created_at = p->updated_at = ctx->now;
	return uc_write(ctx, provider_create_tx, p, e);
}

int uc_provider_get(struct uc_ctx *ctx, const char *id, struct provider *out,
		    const struct tz **zone, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = uc_provider_in_reach(ctx, tx, id, out, e);
	if (rc == 0)
		rc = tx_provider_profile_read(tx, id, ctx->arena, out, e);
	uc_read_end(tx);
	if (rc == 0 && zone) {
		*zone = tz_db_get(ctx->env->tz, out->timezone);
		if (!*zone)
			return err_set(e, ERR_INTERNAL, "provider %s has unknown zone %s", id,
				       out->timezone);
	}
	return rc;
}

int uc_provider_list(struct uc_ctx *ctx, struct page pg, struct provider **out, size_t *n,
		     struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_provider_list(tx, pg, uc_scope_key(ctx), ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

struct provider_edit {
	const char *id;
	const struct provider_patch *pp;
	struct provider *out;
};

static int provider_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct provider_edit *pe = arg;
	json_t *before;

	if (uc_provider_in_reach(ctx, tx, pe->id, pe->out, e) ||
	    tx_provider_profile_read(tx, pe->id, ctx->arena, pe->out, e))
		return -1;
	before = wire_provider(pe->out);
	provider_apply(pe->out, pe->pp);
	pe->out->updated_at = ctx->now;
	if (tx_provider_update(tx, pe->out, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "provider.updated", pe->id, wire_provider(pe->out), before, e);
}

int uc_provider_update(struct uc_ctx *ctx, const char *id, const struct provider_patch *pp,
		       struct provider *out, struct err *e)
{
	struct provider_edit pe = {id, pp, out};

	return uc_write(ctx, provider_update_tx, &pe, e);
}

struct provider_removal {
	const char *id;
	bool force;
};

/* Ends what goes with a provider or a service (the other NULL): its holds (an offer's ends
 * the offer, a live one is released, a lapsed one expires — as the system; *h, *nh) and
 * the waitlist entries that wait for it. */
static int release_of(struct uc_ctx *ctx, struct store_tx *tx, const char *provider_id,
		      const char *service_id, struct hold **h, size_t *nh, struct err *e)
{
	struct waitlist_entry *w;
	size_t n, i;

	if (tx_waitlist_of(tx, provider_id, service_id, ctx->arena, &w, &n, e))
		return -1;
	for (i = 0; i < n; i++)
		if (uc_waitlist_remove(ctx, tx, &w[i], e))
			return -1;
	if (tx_holds_of(tx, provider_id, service_id, ctx->arena, h, nh, e))
		return -1;
	for (i = 0; i < *nh; i++) {
		const struct hold *x = &(*h)[i];
		bool live = x->expires_at > ctx->now;
		struct actor was = ctx->actor;
		int rc;
		if (tx_hold_delete(tx, x->id, e))
			return -1;
		if (!live)
			ctx->actor = actor_system("expiry");
		rc = uc_hold_ended(ctx, tx, x, live, e);
		ctx->actor = was;
		if (rc)
			return -1;
	}
	return 0;
}

/* Removes provider pid from id in a sorted id list; returns the new count. */
static size_t ids_without(id_t_ *ids, size_t n, const char *pid)
{
	size_t i, k;

	for (i = k = 0; i < n; i++)
		if (strcmp(ids[i], pid) != 0)
			memcpy(ids[k++], ids[i], ID_MAX);
	return k;
}

/* The services, holidays and keys that name provider pid leave it, with their events: a
 * service and a key are updated; a holiday chosen for it alone is deleted (it would apply to
 * nobody), one chosen for others too updated. The link rows go with the provider. */
static int provider_unlink(struct uc_ctx *ctx, struct store_tx *tx, const char *pid,
			   struct err *e)
{
	id_t_ *ids;
	size_t n, i;

	if (tx_provider_refs(tx, REF_SERVICES, pid, ctx->arena, &ids, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		struct service sv;
		json_t *before;
		if (tx_service_get(tx, ids[i], ctx->arena, &sv, e))
			return -1;
		before = wire_service(&sv);
		sv.nproviders = ids_without(sv.provider_ids, sv.nproviders, pid);
		sv.updated_at = ctx->now;
		if (tx_service_update(tx, &sv, e)) {
			json_decref(before);
			return -1;
		}
		if (uc_emit(ctx, tx, "service.updated", sv.id, wire_service(&sv), before, e))
			return -1;
	}
	if (tx_provider_refs(tx, REF_HOLIDAYS, pid, ctx->arena, &ids, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		struct holiday_rec h;
		json_t *before;
		if (tx_holiday_get(tx, ids[i], ctx->arena, &h, e))
			return -1;
		before = wire_holiday(&h);
		if (h.nproviders <= 1) {
			if (tx_holiday_delete(tx, h.id, e)) {
				json_decref(before);
				return -1;
			}
			if (uc_emit(ctx, tx, "holiday.deleted", h.id, before, NULL, e))
				return -1;
			continue;
		}
		h.nproviders = ids_without(h.provider_ids, h.nproviders, pid);
		h.updated_at = ctx->now;
		if (tx_holiday_update(tx, &h, e)) {
			json_decref(before);
			return -1;
		}
		if (uc_emit(ctx, tx, "holiday.updated", h.id, wire_holiday(&h), before, e))
			return -1;
	}
	if (tx_provider_refs(tx, REF_KEYS, pid, ctx->arena, &ids, &n, e))
		return -1;
	for (i = 0; i < n; i++) {
		struct api_key k;
		json_t *before;
		if (tx_key_get(tx, ids[i], ctx->arena, &k, e))
			return -1;
		before = wire_key(&k, NULL);
		k.nproviders = ids_without(k.provider_ids, k.nproviders, pid);
		if (uc_emit(ctx, tx, "key.updated", k.id, wire_key(&k, NULL), before, e))
			return -1;
	}
	return 0;
}

static int provider_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct provider_removal *pr = arg;
	struct provider_usage use;
	struct booking *upcoming;
	struct provider p;
	struct hold *held;
	id_t_ *entries;
	size_t n, i;

	if (uc_provider_in_reach(ctx, tx, pr->id, &p, e) ||
	    tx_provider_profile_read(tx, pr->id, ctx->arena, &p, e) ||
	    tx_provider_usage(tx, pr->id, ctx->now, &use, e))
		return -1;
	if (!pr->force && (use.upcoming_bookings || use.entries)) {
		err_set(e, ERR_IN_USE,
			"provider %s still has %d upcoming bookings and %d schedule entries; cancel"
			" and reassign them, or delete with force=true",
			pr->id, use.upcoming_bookings, use.entries);
		snprintf(e->ext_name, sizeof(e->ext_name), "remaining");
		snprintf(e->ext_json, sizeof(e->ext_json),
			 "{\"upcoming_bookings\":%d,\"entries\":%d}", use.upcoming_bookings,
			 use.entries);
		return -1;
	}
	if (tx_provider_upcoming(tx, pr->id, ctx->now, 0, ctx->arena, &upcoming, &n, e))
		return -1;
	for (i = 0; i < n; i++)
		if (uc_booking_cancel_for(ctx, tx, &upcoming[i], "provider deleted", e))
			return -1;
	if (tx_provider_refs(tx, REF_ENTRIES, pr->id, ctx->arena, &entries, &n, e))
		return -1;
	for (i = 0; i < n; i++)
		if (uc_entry_drop_assignee(ctx, tx, entries[i], pr->id, e))
			return -1;
	/* Bookings keep naming it, as history: then its row stays, marked deleted. */
	if (release_of(ctx, tx, pr->id, NULL, &held, &n, e) || provider_unlink(ctx, tx, pr->id, e) ||
	    tx_provider_delete(tx, pr->id, use.bookings > 0, ctx->now, e))
		return -1;
	return uc_emit(ctx, tx, "provider.deleted", pr->id, wire_provider(&p), NULL, e);
}

int uc_provider_delete(struct uc_ctx *ctx, const char *id, bool force, struct err *e)
{
	struct provider_removal pr = {id, force};

	return uc_write(ctx, provider_delete_tx, &pr, e);
}

/* --- services --- */

static int service_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct service *s = arg;

	if (tx_service_insert(tx, s, e))
		return -1;
	return uc_emit(ctx, tx, "service.created", s->id, wire_service(s), NULL, e);
}

int uc_service_create(struct uc_ctx *ctx, struct service *s, struct err *e)
{
	if (service_check(s, e))
		return -1;
	id_new(s->id, "svc");
	s->created_at = s->updated_at = ctx->now;
	return uc_write(ctx, service_create_tx, s, e);
}

int uc_service_get(struct uc_ctx *ctx, const char *id, struct service *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_service_get(tx, id, ctx->arena, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_service_list(struct uc_ctx *ctx, struct page pg, struct service **out, size_t *n,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_service_list(tx, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

struct service_edit {
	const char *id;
	const struct service_patch *sp;
	struct service *out;
};

static int service_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct service_edit *se = arg;
	json_t *before;

	if (tx_service_get(tx, se->id, ctx->arena, se->out, e))
		return -1;
	before = wire_service(se->out);
	service_apply(se->out, se->sp);
	se->out->updated_at = ctx->now;
	if (service_check(se->out, e) || tx_service_update(tx, se->out, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "service.updated", se->id, wire_service(se->out), before, e);
}

int uc_service_update(struct uc_ctx *ctx, const char *id, const struct service_patch *sp,
		      struct service *out, struct err *e)
{
	struct service_edit se = {id, sp, out};

	return uc_write(ctx, service_update_tx, &se, e);
}

static int service_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct service s;
	struct hold *h;
	size_t n, i;

	if (tx_service_get(tx, id, ctx->arena, &s, e) ||
	    release_of(ctx, tx, NULL, id, &h, &n, e) || tx_service_delete(tx, id, e) ||
	    uc_emit(ctx, tx, "service.deleted", id, wire_service(&s), NULL, e))
		return -1;
	/* The time its holds kept goes to the provider's other services' waiting entries. */
	for (i = 0; i < n; i++)
		if (uc_offers(ctx, tx, h[i].provider_id, NULL, h[i].block_start - 86400,
			      h[i].block_end, e))
			return -1;
	return 0;
}

int uc_service_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, service_delete_tx, (void *)id, e);
}

/* --- a service's providers, added in batches and removed one at a time --- */

struct providers_add {
	const char *service_id;
	const id_t_ *ids;
	size_t n;
	struct uc_providers_added *out;
};

static int providers_add_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct providers_add *pa = arg;
	struct service sv;
	json_t *ids;
	bool *added;
	size_t i;

	if (tx_service_get(tx, pa->service_id, ctx->arena, &sv, e))
		return -1;
	added = arena_alloc(ctx->arena, (pa->n + 1) * sizeof(*added));
	if (tx_service_providers_add(tx, pa->service_id, pa->ids, pa->n, &sv, added, e))
		return -1;
	pa->out->ids = arena_alloc(ctx->arena, (pa->n + 1) * sizeof(*pa->out->ids));
	pa->out->n = 0;
	for (i = 0; i < pa->n; i++) {
		size_t k;
		if (!added[i])
			continue;
		/* An id given twice is added once. */
		for (k = 0; k < pa->out->n && strcmp(pa->out->ids[k], pa->ids[i]); k++)
			;
		if (k == pa->out->n)
			memcpy(pa->out->ids[pa->out->n++], pa->ids[i], ID_MAX);
	}
	pa->out->count = sv.nproviders + pa->out->n;
	if (!pa->out->n)
		return 0;	/* each already offered it: nothing written, no event */
	if (tx_service_touch(tx, pa->service_id, ctx->now, e))
		return -1;
	ids = json_array();
	for (i = 0; i < pa->out->n; i++)
		json_array_append_new(ids, json_string(pa->out->ids[i]));
	return uc_emit(ctx, tx, "service.providers_added", pa->service_id,
		       json_pack("{s:s, s:o, s:I}", "service_id", pa->service_id, "provider_ids", ids,
				 "provider_count", (json_int_t)pa->out->count),
		       NULL, e);
}

int uc_service_providers_add(struct uc_ctx *ctx, const char *service_id, const id_t_ *ids,
			     size_t n, struct uc_providers_added *out, struct err *e)
{
	struct providers_add pa = {service_id, ids, n, out};

	return uc_write(ctx, providers_add_tx, &pa, e);
}

struct provider_leave {
	const char *service_id, *provider_id;
};

static int provider_leave_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			     struct err *e)
{
	struct provider_leave *pl = arg;
	struct service sv;
	struct hold *h;
	size_t i, n, k;

	if (tx_service_get(tx, pl->service_id, ctx->arena, &sv, e))
		return -1;
	for (k = 0; k < sv.nproviders && strcmp(sv.provider_ids[k], pl->provider_id); k++)
		;
	if (k == sv.nproviders)
		return err_set(e, ERR_NOT_FOUND, "provider %s does not offer service %s",
			       pl->provider_id, pl->service_id);
	/* What waits for the pair ends, as when the service goes: its holds and the waitlist
	 * entries for that provider and service. */
	if (release_of(ctx, tx, pl->provider_id, pl->service_id, &h, &n, e) ||
	    tx_service_provider_remove(tx, pl->service_id, pl->provider_id, e) ||
	    tx_service_touch(tx, pl->service_id, ctx->now, e) ||
	    uc_emit(ctx, tx, "service.provider_removed", pl->service_id,
		    json_pack("{s:s, s:s, s:I}", "service_id", pl->service_id, "provider_id",
			      pl->provider_id, "provider_count", (json_int_t)(sv.nproviders - 1)),
		    NULL, e))
		return -1;
	/* The time its holds kept goes to the provider's other services' waiting entries. */
	for (i = 0; i < n; i++)
		if (uc_offers(ctx, tx, h[i].provider_id, NULL, h[i].block_start - 86400,
			      h[i].block_end, e))
			return -1;
	return 0;
}

int uc_service_provider_remove(struct uc_ctx *ctx, const char *service_id,
			       const char *provider_id, struct err *e)
{
	struct provider_leave pl = {service_id, provider_id};

	return uc_write(ctx, provider_leave_tx, &pl, e);
}

/* --- weekly schedules --- */

static int schedule_read(struct uc_ctx *ctx, struct store_tx *tx, const char *provider_id,
			 struct uc_schedule *out, struct err *e)
{
	if (uc_provider_in_reach(ctx, tx, provider_id, &out->provider, e))
		return -1;
	out->zone = tz_db_get(ctx->env->tz, out->provider.timezone);
	if (!out->zone)
		return err_set(e, ERR_INTERNAL, "provider %s has unknown zone %s", provider_id,
			       out->provider.timezone);
	out->schedule = arena_alloc(ctx->arena, sizeof(*out->schedule));
	return tx_schedule_get(tx, provider_id, ctx->arena, out->schedule, e);
}

int uc_schedule_get(struct uc_ctx *ctx, const char *provider_id, struct uc_schedule *out,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int rc;

	if (!tx)
		return -1;
	rc = schedule_read(ctx, tx, provider_id, out, e);
	uc_read_end(tx);
	return rc;
}

static int cmp_version(const void *a, const void *b)
{
	const struct week_template *x = a, *y = b;

	if (x->effective_from == y->effective_from)
		return 0;
	return x->effective_from < y->effective_from ? -1 : 1;
}

struct schedule_new {
	const char *provider_id;
	struct schedule *s;
	struct uc_schedule *out;
};

static int schedule_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct schedule_new *sn = arg;
	struct uc_schedule was;
	json_t *before;

	if (schedule_read(ctx, tx, sn->provider_id, &was, e))
		return -1;
	before = wire_schedule(&was.provider, was.schedule, was.zone, ctx->now);
	if (tx_schedule_put(tx, sn->provider_id, sn->s, e)) {
		json_decref(before);
		return -1;
	}
	*sn->out = was;
	sn->out->schedule = sn->s;
	return uc_emit(ctx, tx, "schedule.updated", sn->provider_id,
		       wire_schedule(&was.provider, sn->s, was.zone, ctx->now), before, e);
}

int uc_schedule_order(struct schedule *s, struct err *e)
{
	size_t i;

	qsort(s->v, s->n, sizeof(s->v[0]), cmp_version);
	for (i = 1; i < s->n; i++) {
		int64_t prev_until = s->v[i - 1].effective_until;
		if (prev_until == AVAIL_DAY_NONE || s->v[i].effective_from == AVAIL_DAY_NONE ||
		    prev_until >= s->v[i].effective_from)
			return err_field(e, "/versions",
					 "versions overlap: each must end before the next begins");
	}
	return 0;
}

struct named_id {
	const char *id, *pointer;
};

static int cmp_named_id(const void *a, const void *b)
{
	return strcmp(((const struct named_id *)a)->id, ((const struct named_id *)b)->id);
}

int uc_services_exist(struct uc_ctx *ctx, const char *const *ids, const char *const *pointers,
		      size_t n, struct err *e)
{
	struct named_id *v;
	struct store_tx *tx;
	size_t i;

	if (n == 0)
		return 0;
	v = arena_alloc(ctx->arena, n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = (struct named_id){ids[i], pointers[i]};
	qsort(v, n, sizeof(*v), cmp_named_id);
	tx = uc_read(ctx, STORE_SNAPSHOT, e);
	if (!tx)
		return -1;
	for (i = 0; i < n;) {
		struct service svc;
		struct err lookup;
		size_t j = i + 1;
		err_init(&lookup);
		while (j < n && !strcmp(v[j].id, v[i].id))
			j++;
		if (tx_service_get(tx, v[i].id, ctx->arena, &svc, &lookup) &&
		    lookup.code != ERR_NOT_FOUND) {
			uc_read_end(tx);
			return err_set(e, lookup.code, "%s", lookup.message);
		}
		for (; i < j; i++)
			if (lookup.code == ERR_NOT_FOUND)
				err_field(e, v[i].pointer, "service %s does not exist", v[i].id);
	}
	uc_read_end(tx);
	return e->code ? -1 : 0;
}

int uc_schedule_put(struct uc_ctx *ctx, const char *provider_id, struct schedule *s,
		    struct uc_schedule *out, struct err *e)
{
	struct schedule_new sn = {provider_id, s, out};

	if (uc_schedule_order(s, e))
		return -1;
	return uc_write(ctx, schedule_put_tx, &sn, e);
}

/* --- overrides --- */

static int override_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct override_rec *o = arg;
	struct provider p;
	size_t n;

	if (uc_provider_in_reach(ctx, tx, o->provider_id, &p, e) ||
	    tx_override_count(tx, o->provider_id, &n, e))
		return -1;
	if (n >= UC_OVERRIDES_MAX)
		return err_set(e, ERR_RECORD_LIMIT,
			       "provider %s has %d overrides, the most a provider may have;"
			       " delete some first", o->provider_id, UC_OVERRIDES_MAX);
	if (*o->rrule) {
		if (tx_override_count(tx, NULL, &n, e))
			return -1;
		if (n >= UC_RECURRING_OVERRIDES_MAX)
			return err_set(e, ERR_RECORD_LIMIT,
				       "the tenant has %d recurring overrides, the most it may have;"
				       " delete some first", UC_RECURRING_OVERRIDES_MAX);
	}
	if (tx_override_insert(tx, o, e))
		return -1;
	return uc_emit(ctx, tx, "override.created", o->id, wire_override(o), NULL, e);
}

int uc_override_create(struct uc_ctx *ctx, struct override_rec *o, struct err *e)
{
	id_new(o->id, "ovr");
	o->created_at = ctx->now;
	return uc_write(ctx, override_create_tx, o, e);
}

int uc_override_list(struct uc_ctx *ctx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct override_rec **out, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct provider p;
	int rc;

	if (!tx)
		return -1;
	rc = uc_provider_in_reach(ctx, tx, provider_id, &p, e) ||
	     tx_override_list(tx, provider_id, from_day, to_day, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc ? -1 : 0;
}

struct child_ref {
	const char *provider_id, *id;
};

static int override_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct child_ref *r = arg;
	struct override_rec o;

	if (!uc_covers(ctx, r->provider_id))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", r->provider_id);
	if (tx_override_get(tx, r->provider_id, r->id, ctx->arena, &o, e) ||
	    tx_override_delete(tx, r->provider_id, r->id, e))
		return -1;
	return uc_emit(ctx, tx, "override.deleted", r->id, wire_override(&o), NULL, e);
}

int uc_override_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e)
{
	struct child_ref r = {provider_id, id};

	return uc_write(ctx, override_delete_tx, &r, e);
}

/* A read of provider_id's records; NULL with ERR_NOT_FOUND when the caller may not act for
 * that provider, or with the store's error. */
static struct store_tx *provider_read(struct uc_ctx *ctx, const char *provider_id,
				      struct err *e)
{
	if (!uc_covers(ctx, provider_id)) {
		err_set(e, ERR_NOT_FOUND, "provider %s not found", provider_id);
		return NULL;
	}
	return uc_read(ctx, STORE_READ, e);
}

int uc_override_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct override_rec *out, struct err *e)
{
	struct store_tx *tx;
	int rc;

	if (!(tx = provider_read(ctx, provider_id, e)))
		return -1;
	rc = tx_override_get(tx, provider_id, id, ctx->arena, out, e);
	uc_read_end(tx);
	return rc;
}

/* An edit made from a record read before: refused when the record changed since. */
struct record_edit {
	const void *was, *now;
};

/* ERR_CONFLICT unless the stored rendering equals the one the edit started from (both
 * references are stolen). */
static int unchanged_since(json_t *stored, json_t *read, const char *what, const char *id,
			   struct err *e)
{
	int same = json_equal(stored, read);

	json_decref(stored);
	json_decref(read);
	if (same)
		return 0;
	return err_set(e, ERR_CONFLICT,
		       "%s %s changed while this edit was made; read it again and resend the edit",
		       what, id);
}

/* Whether an edit changes nothing the API shows (then nothing is written; both references
 * are stolen). */
static bool renders_same(json_t *after, json_t *before)
{
	bool same = json_equal(after, before);

	json_decref(after);
	json_decref(before);
	return same;
}

static int override_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct record_edit *re = arg;
	const struct override_rec *was = re->was;
	struct override_rec *o = (struct override_rec *)re->now, cur;
	size_t n;

	if (!uc_covers(ctx, o->provider_id))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", o->provider_id);
	if (tx_override_get(tx, o->provider_id, o->id, ctx->arena, &cur, e) ||
	    unchanged_since(wire_override(&cur), wire_override(was), "override", o->id, e))
		return -1;
	if (*o->rrule && !*cur.rrule) {
		if (tx_override_count(tx, NULL, &n, e))
			return -1;
		if (n >= UC_RECURRING_OVERRIDES_MAX)
			return err_set(e, ERR_RECORD_LIMIT,
				       "the tenant has %d recurring overrides, the most it may have;"
				       " delete some first", UC_RECURRING_OVERRIDES_MAX);
	}
	if (renders_same(wire_override(o), wire_override(&cur)))
		return 0;
	o->updated_at = ctx->now;
	if (tx_override_update(tx, o, e))
		return -1;
	return uc_emit(ctx, tx, "override.updated", o->id, wire_override(o), wire_override(&cur),
		       e);
}

int uc_override_update(struct uc_ctx *ctx, const struct override_rec *was,
		       struct override_rec *o, struct err *e)
{
	struct record_edit re = {was, o};

	return uc_write(ctx, override_update_tx, &re, e);
}

/* --- holidays --- */

static int holiday_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct holiday_rec *h = arg;
	size_t n;

	if (tx_holiday_count(tx, &n, e))
		return -1;
	if (n >= UC_HOLIDAYS_MAX)
		return err_set(e, ERR_RECORD_LIMIT,
			       "the tenant has %d holidays, the most it may have; delete some first",
			       UC_HOLIDAYS_MAX);
	if (tx_holiday_insert(tx, h, e))
		return -1;
	return uc_emit(ctx, tx, "holiday.created", h->id, wire_holiday(h), NULL, e);
}

int uc_holiday_create(struct uc_ctx *ctx, struct holiday_rec *h, struct err *e)
{
	id_new(h->id, "hol");
	h->created_at = ctx->now;
	return uc_write(ctx, holiday_create_tx, h, e);
}

int uc_holiday_list(struct uc_ctx *ctx, struct page pg, struct holiday_rec **out, size_t *n,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_holiday_list(tx, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

static int holiday_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct holiday_rec h;

	if (tx_holiday_get(tx, id, ctx->arena, &h, e) || tx_holiday_delete(tx, id, e))
		return -1;
	return uc_emit(ctx, tx, "holiday.deleted", id, wire_holiday(&h), NULL, e);
}

int uc_holiday_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, holiday_delete_tx, (void *)id, e);
}

int uc_holiday_get(struct uc_ctx *ctx, const char *id, struct holiday_rec *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_holiday_get(tx, id, ctx->arena, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_holiday_range(struct uc_ctx *ctx, int64_t from_day, int64_t to_day,
		     struct holiday_rec **out, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	size_t i, k = 0;
	int rc;

	if (!tx)
		return -1;
	rc = tx_holiday_range(tx, from_day, to_day, ctx->arena, out, n, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	/* A rule whose span meets the range may still have no date in it. */
	for (i = 0; i < *n; i++) {
		int64_t day;
		if (holiday_rec_dates(&(*out)[i], from_day, to_day, &day, 1) > 0)
			(*out)[k++] = (*out)[i];
	}
	*n = k;
	return 0;
}

static int holiday_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct record_edit *re = arg;
	struct holiday_rec *h = (struct holiday_rec *)re->now, cur;

	if (tx_holiday_get(tx, h->id, ctx->arena, &cur, e) ||
	    unchanged_since(wire_holiday(&cur), wire_holiday(re->was), "holiday", h->id, e))
		return -1;
	if (renders_same(wire_holiday(h), wire_holiday(&cur)))
		return 0;
	h->updated_at = ctx->now;
	if (tx_holiday_update(tx, h, e))
		return -1;
	return uc_emit(ctx, tx, "holiday.updated", h->id, wire_holiday(h), wire_holiday(&cur), e);
}

int uc_holiday_update(struct uc_ctx *ctx, const struct holiday_rec *was, struct holiday_rec *h,
		      struct err *e)
{
	struct record_edit re = {was, h};

	return uc_write(ctx, holiday_update_tx, &re, e);
}

/* --- time off --- */

struct time_off_new {
	struct time_off_rec *t;
	const struct tz **zone;
};

static int time_off_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct time_off_new *tn = arg;
	struct provider p;

	if (uc_provider_in_reach(ctx, tx, tn->t->provider_id, &p, e) ||
	    tx_time_off_insert(tx, tn->t, e))
		return -1;
	*tn->zone = uc_zone(ctx, p.timezone);
	return uc_emit(ctx, tx, "time_off.created", tn->t->id, wire_time_off(tn->t, *tn->zone),
		       NULL, e);
}

int uc_time_off_create(struct uc_ctx *ctx, struct time_off_rec *t, const struct tz **zone,
		       struct err *e)
{
	struct time_off_new tn = {t, zone};

	id_new(t->id, "tof");
	t->created_at = ctx->now;
	return uc_write(ctx, time_off_create_tx, &tn, e);
}

static int cmp_time_off_id(const void *a, const void *b)
{
	return strcmp(((const struct time_off_rec *)a)->id, ((const struct time_off_rec *)b)->id);
}

int uc_time_off_list(struct uc_ctx *ctx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct time_off_rec **out, size_t *n,
		     const struct tz **zone, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct provider p;
	int rc = -1;

	if (!tx)
		return -1;
	if (uc_provider_in_reach(ctx, tx, provider_id, &p, e) == 0) {
		/* Dates are local to the provider. */
		*zone = uc_zone(ctx, p.timezone);
		rc = tx_time_off_list(tx, provider_id, tz_to_utc(*zone, from_day * 86400),
				      tz_to_utc(*zone, (to_day + 1) * 86400), ctx->arena, out, n, e);
	}
	uc_read_end(tx);
	/* Lists page in creation (id) order, like every other list. */
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), cmp_time_off_id);
	return rc;
}

static int time_off_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct child_ref *r = arg;
	struct time_off_rec t;

	if (!uc_covers(ctx, r->provider_id))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", r->provider_id);
	if (tx_time_off_get(tx, r->provider_id, r->id, &t, e) ||
	    tx_time_off_delete(tx, r->provider_id, r->id, e) ||
	    uc_emit(ctx, tx, "time_off.deleted", r->id,
		    wire_time_off(&t, uc_provider_zone(ctx, tx, r->provider_id)), NULL, e))
		return -1;
	/* The freed time may suit waiting customers: each entry is searched over its own dates
	 * (at most a year ahead). */
	return uc_offers(ctx, tx, r->provider_id, NULL, ctx->now, ctx->now + 400LL * 86400, e);
}

int uc_time_off_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e)
{
	struct child_ref r = {provider_id, id};

	return uc_write(ctx, time_off_delete_tx, &r, e);
}

int uc_time_off_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct time_off_rec *out, struct err *e)
{
	struct store_tx *tx;
	int rc;

	if (!(tx = provider_read(ctx, provider_id, e)))
		return -1;
	rc = tx_time_off_get(tx, provider_id, id, out, e);
	uc_read_end(tx);
	return rc;
}

struct time_off_edit {
	const struct time_off_rec *was;
	struct time_off_rec *t;
	const struct tz **zone;
};

static int time_off_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct time_off_edit *te = arg;
	struct time_off_rec *t = te->t, cur;
	struct provider p;

	if (uc_provider_in_reach(ctx, tx, t->provider_id, &p, e) ||
	    tx_time_off_get(tx, t->provider_id, t->id, &cur, e) ||
	    unchanged_since(wire_time_off(&cur, NULL), wire_time_off(te->was, NULL), "time off",
			    t->id, e))
		return -1;
	*te->zone = uc_zone(ctx, p.timezone);
	if (renders_same(wire_time_off(t, NULL), wire_time_off(&cur, NULL)))
		return 0;
	t->updated_at = ctx->now;
	if (tx_time_off_update(tx, t, e) ||
	    uc_emit(ctx, tx, "time_off.updated", t->id, wire_time_off(t, *te->zone),
		    wire_time_off(&cur, *te->zone), e))
		return -1;
	if (cur.span.start >= t->span.start && cur.span.end <= t->span.end)
		return 0;
	/* Shrunk or moved: the time it no longer covers goes to the waitlist, as on delete. */
	return uc_offers(ctx, tx, t->provider_id, NULL, ctx->now, ctx->now + 400LL * 86400, e);
}

int uc_time_off_update(struct uc_ctx *ctx, const struct time_off_rec *was,
		       struct time_off_rec *t, const struct tz **zone, struct err *e)
{
	struct time_off_edit te = {was, t, zone};

	return uc_write(ctx, time_off_update_tx, &te, e);
}

/* --- settings --- */

int uc_settings_get(struct uc_ctx *ctx, struct tenant_settings *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_settings_get(tx, out, e);
	uc_read_end(tx);
	return rc;
}

static int settings_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const struct tenant_settings *s = arg;
	struct tenant_settings was;

	if (tx_settings_get(tx, &was, e) || tx_settings_put(tx, s, ctx->now, e))
		return -1;
	return uc_emit(ctx, tx, "settings.updated", ctx->auth->tenant_id, wire_settings(s),
		       wire_settings(&was), e);
}

int uc_settings_put(struct uc_ctx *ctx, const struct tenant_settings *s, struct err *e)
{
	return uc_write(ctx, settings_put_tx, (void *)s, e);
}

int uc_tenant_settings(const struct uc_env *env, const char *tenant_id,
		       struct tenant_settings *out, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, tenant_id, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_settings_get(tx, out, e);
	store_end(tx, false, e);
	return rc;
}

/* --- policy defaults --- */

int uc_policy_get(struct uc_ctx *ctx, struct policy *out, struct reminder_offsets *reminders,
		  struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_policy_get(tx, out, e) || tx_reminder_defaults_get(tx, reminders, e) ? -1 : 0;
	uc_read_end(tx);
	return rc;
}

struct policy_new {
	const struct policy *p;
	const struct reminder_offsets *reminders;
};

static int policy_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const struct policy_new *pn = arg;
	struct reminder_offsets were;
	struct policy was;

	if (tx_policy_get(tx, &was, e) || tx_reminder_defaults_get(tx, &were, e) ||
	    tx_policy_put(tx, pn->p, ctx->now, e) ||
	    tx_reminder_defaults_put(tx, pn->reminders, ctx->now, e))
		return -1;
	return uc_emit(ctx, tx, "policy.updated", ctx->auth->tenant_id,
		       wire_tenant_policy(pn->p, pn->reminders), wire_tenant_policy(&was, &were), e);
}

int uc_policy_put(struct uc_ctx *ctx, const struct policy *p,
		  const struct reminder_offsets *reminders, struct err *e)
{
	struct policy_new pn = {p, reminders};

	return uc_write(ctx, policy_put_tx, &pn, e);
}
