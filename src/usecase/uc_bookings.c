/* Bookings: create (idempotent per caller, checked by the slot engine inside the write
 * transaction, optionally from a hold), read, list, history, lifecycle actions and
 * reschedules. */
#include "usecase/uc_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/lifecycle.h"
#include "store/store_notify.h"
#include "util/ids.h"
#include "util/mem.h"

/* Who a stored idempotent answer belongs to: the key, or the manage token's booking. */
static const char *caller_of(const struct uc_ctx *ctx)
{
	return ctx->actor.id;
}

/* Checks that hold h may be used by the caller for a booking of service_id / provider_id at
 * start. A hold of another caller is as unknown as a missing one. */
static int hold_fits(const struct uc_ctx *ctx, const struct hold *h, const char *service_id,
		     const char *provider_id, int64_t start, struct err *e)
{
	if (!uc_hold_reachable(ctx, h))
		return err_field(e, "/hold_id", "no such hold");
	if (h->expires_at <= ctx->now)
		return err_set(e, ERR_HOLD_EXPIRED, "hold %s expired", h->id);
	if (strcmp(h->service_id, service_id) != 0)
		return err_field(e, "/hold_id", "holds another service");
	if (provider_id && strcmp(h->provider_id, provider_id) != 0)
		return err_field(e, "/hold_id", "holds another provider");
	if (h->start != start)
		return err_field(e, "/hold_id", "holds another start");
	return 0;
}

/* Providers whose records are looked up at a time by uc_candidates. */
#define CANDIDATES_BATCH 128

int uc_candidates(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
		  const char *provider_id, int64_t from_day, int64_t to_day,
		  struct avail_bundle **out, size_t *n, struct err *e)
{
	return uc_candidates_with(ctx, tx, svc, provider_id, from_day, to_day, NULL, out, n, e);
}

int uc_candidates_with(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
		       const char *provider_id, int64_t from_day, int64_t to_day,
		       const struct tx_commitments *pre, struct avail_bundle **out, size_t *n,
		       struct err *e)
{
	struct bundle_cache shared;
	const char **ids;
	size_t i, k = 0;

	memset(&shared, 0, sizeof(shared));
	*n = 0;
	/* Room for the one asked for, not for every provider of a service that may have
	 * thousands. */
	*out = arena_alloc(ctx->arena, (provider_id ? 1 : svc->nproviders + 1) * sizeof(**out));
	ids = arena_alloc(ctx->arena, (provider_id ? 1 : svc->nproviders + 1) * sizeof(*ids));
	for (i = 0; i < svc->nproviders; i++) {
		const char *pid = svc->provider_ids[i];
		if ((provider_id && strcmp(provider_id, pid) != 0) || !uc_covers(ctx, pid))
			continue;
		ids[k++] = pid;
	}
	/* Looked up in the availability cache a batch at a time, the call's time checked
	 * between batches (a miss reads the provider's records). */
	for (i = 0; i < k; i += CANDIDATES_BATCH) {
		size_t m = k - i < CANDIDATES_BATCH ? k - i : CANDIDATES_BATCH;
		if (uc_deadline_check(ctx, e) ||
		    tx_bundles_static(tx, ids + i, m, from_day, to_day, &shared, ctx->arena,
				      *out + i, e))
			return -1;
	}
	/* Tenant-wide holidays are expanded once for all the providers. */
	for (i = 0; i < k; i++)
		(*out)[i].expand = uc_expand(ctx);
	*n = k;
	if (pre)
		return tx_bundles_commitments_of(tx, pre, *out, *n, ctx->arena, e);
	/* Bookings, holds and external busy time: one statement each for all of them. */
	return tx_bundles_commitments(tx, *out, *n, ctx->now, ctx->arena, e);
}

/* Providers judged at a time when a booking or hold may go to any provider of a service:
 * as for slots (SLOTS_CHUNK in uc_views.c), each chunk's bundles (about 12.5 KB each) live in
 * an arena of their own, freed once judged, so a service of thousands of providers never has
 * them all in memory at once. */
#define PICK_CHUNK 32

int uc_pick(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
	    const char *provider_id, int64_t start, const struct hold *drop, struct booking *bk,
	    const struct tz **zone, struct err *decided, struct err *e)
{
	struct arena *req = ctx->arena, *chunk = NULL;
	struct engine_pick pk;
	int64_t from_day, to_day;
	size_t base = 0;
	int rc = -1;

	days_around(start, start, 1, &from_day, &to_day);
	/* Made now, in the request's arena: every chunk shares the rule dates. */
	(void)uc_expand(ctx);
	engine_pick_begin(&pk, svc, start, ctx->now, req);
	do {
		struct service part = *svc;
		struct avail_bundle *b;
		size_t n;
		/* One provider asked for: found among all of them in one go. */
		if (!provider_id) {
			part.provider_ids = svc->provider_ids + base;
			part.nproviders = svc->nproviders - base < PICK_CHUNK
						  ? svc->nproviders - base
						  : PICK_CHUNK;
		}
		chunk = arena_new();
		ctx->arena = chunk;
		if (uc_candidates(ctx, tx, &part, provider_id, from_day, to_day, &b, &n, e))
			goto out;
		if (drop && n == 1)
			bundle_drop_time(&b[0], true, drop->start, drop->block_start,
					 drop->block_end, drop->service_id);
		if (engine_pick_add(&pk, b, n, ctx->env->tz, chunk, decided)) {
			rc = 1;
			goto out;
		}
		ctx->arena = req;
		arena_free(chunk);
		chunk = NULL;
		base += part.nproviders;
		/* A provider without commitments around the start can take it: none beats it. */
		if (engine_pick_settled(&pk))
			break;
		if (!provider_id && base < svc->nproviders && uc_deadline_check(ctx, e))
			goto out;
	} while (!provider_id && base < svc->nproviders);
	if (engine_pick_end(&pk, bk, decided) < 0) {
		rc = 1;
		goto out;
	}
	*zone = pk.zone;
	rc = 0;
out:
	ctx->arena = req;
	if (chunk)
		arena_free(chunk);
	return rc;
}

struct booking_new {
	const struct uc_booking_request *in;
	struct uc_reply *out;
	char token[TOKEN_MAX];
};

/* The business outcome of a booking request: a booking (0) or a rejection to answer and
 * store (1, in decided); -1 for failures that are not answers. */
static int decide(struct uc_ctx *ctx, struct store_tx *tx, const struct uc_booking_request *in,
		  struct booking *bk, const struct tz **zone, struct hold *hold, bool *from_hold,
		  const struct location **location, struct err *decided, struct err *e)
{
	int rc;
	const char *provider_id = in->provider_id;
	struct policy defaults;
	struct service svc;

	*from_hold = false;
	if (tx_service_get(tx, in->service_id, ctx->arena, &svc, e) ||
	    tx_policy_get(tx, &defaults, e))
		return -1;
	if (in->hold_id) {
		struct err lookup;
		err_init(&lookup);
		if (tx_hold_get(tx, in->hold_id, hold, &lookup)) {
			if (lookup.code != ERR_NOT_FOUND) {
				*e = lookup;
				return -1;
			}
			err_field(decided, "/hold_id", "no such hold");
			return 1;
		}
		if (hold_fits(ctx, hold, in->service_id, provider_id, in->start, decided))
			return 1;
		provider_id = hold->provider_id;
		*from_hold = true;
	}
	rc = uc_pick(ctx, tx, &svc, provider_id, in->start, *from_hold ? hold : NULL, bk, zone,
		     decided, e);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (decided->code != ERR_SLOT_TAKEN && decided->code != ERR_INVALID &&
		    decided->code != ERR_UNAVAILABLE) {
			/* Not a business outcome (e.g. an unknown zone): nothing is stored. */
			*e = *decided;
			return -1;
		}
		return 1;
	}
	policy_resolve(&defaults, &svc.policy, &bk->policy);
	*location = svc.location;
	return 0;
}

/* Stores the hold's end: consumed by booking booking_id (its waitlist entry is booked). */
static int hold_consume(struct uc_ctx *ctx, struct store_tx *tx, const struct hold *h,
			const char *booking_id, struct err *e)
{
	struct waitlist_entry w;
	struct err lookup;

	if (tx_hold_delete(tx, h->id, e))
		return -1;
	if (!*h->waitlist_id)
		return 0;
	err_init(&lookup);
	if (tx_waitlist_get(tx, h->waitlist_id, &w, &lookup))
		return lookup.code == ERR_NOT_FOUND ? 0 : (*e = lookup, -1);
	if (strcmp(w.hold_id, h->id) != 0)
		return 0;
	/* The entry as it was, then booked with its booking named. */
	{
		json_t *before = wire_waitlist(&w);
		w.status = WAITLIST_BOOKED;
		snprintf(w.booking_id, sizeof(w.booking_id), "%s", booking_id);
		w.updated_at = ctx->now;
		if (tx_waitlist_update(tx, &w, e)) {
			json_decref(before);
			return -1;
		}
		return uc_emit(ctx, tx, "waitlist.booked", w.id, wire_waitlist(&w), before, e);
	}
}

static int booking_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct booking_new *bn = arg;
	const struct uc_booking_request *in = bn->in;
	struct stored_reply stored = {0, NULL};
	char hash[TOKEN_HASH_MAX];
	struct booking bk = in->fields;
	const struct tz *zone = NULL;
	struct err decided;
	const struct location *location = NULL;	/* the service's */
	struct hold hold;
	bool from_hold;
	json_t *answer;
	int found, rc;

	free(bn->out->body);	/* an earlier attempt's, when this one runs again */
	bn->out->body = NULL;
	bn->out->replayed = false;
	found = tx_idem_get(tx, caller_of(ctx), in->idempotency_key, in->fingerprint, ctx->now,
			    &stored, e);
	if (found < 0)
		return -1;
	if (found) {
		bn->out->status = stored.status;
		bn->out->body = stored.body;
		bn->out->replayed = true;
		return 0;
	}
	err_init(&decided);
	bk.start = in->start;
	rc = decide(ctx, tx, in, &bk, &zone, &hold, &from_hold, &location, &decided, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		json_t *payload;
		struct tenant_info ti;
		/* Derived from the tenant's link key, so messages can carry the manage link
		 * later without the token being stored. */
		if (tx_tenant_info(tx, true, &ti, e) ||
		    uc_booking_location(ctx, tx, location, ti.slug, &bk, e))
			return -1;
		token_derive(bn->token, "mt", ti.link_secret, bk.id);
		token_hash(hash, bn->token, strlen(bn->token));
		if (tx_booking_insert(tx, &bk, hash, uc_history_actor(ctx),
				      from_hold ? "created from a hold" : "created", e) ||
		    (from_hold && hold_consume(ctx, tx, &hold, bk.id, e)) ||
		    uc_reminders_plan(ctx, tx, &bk, e))
			return -1;
		payload = wire_booking(&bk, zone, WIRE_STAFF);
		answer = wire_booking(&bk, zone, wire_audience_of(ctx->auth));
		json_object_set_new(answer, "manage_token", json_string(bn->token));
		if (uc_emit(ctx, tx, "booking.created", bk.id, payload, NULL, e)) {
			json_decref(answer);
			return -1;
		}
		bn->out->status = 201;
		bn->out->version = bk.version;
	} else {
		answer = wire_problem(&decided);
		bn->out->status = wire_problem_status(decided.code);
	}
	bn->out->body = wire_dump(answer);
	json_decref(answer);
	stored.status = bn->out->status;
	stored.body = bn->out->body;
	if (tx_idem_put(tx, caller_of(ctx), in->idempotency_key, in->fingerprint, &stored,
			ctx->now, e)) {
		free(bn->out->body);
		bn->out->body = NULL;
		return -1;
	}
	return 0;
}

int uc_booking_create(struct uc_ctx *ctx, const struct uc_booking_request *in,
		      struct uc_reply *out, struct err *e)
{
	struct booking_new bn;
	int rc;

	memset(&bn, 0, sizeof(bn));
	bn.in = in;
	bn.out = out;
	/* A booking of a named provider (from a hold too: the hold must be that provider's)
	 * locks that provider alone; any provider, the tenant. */
	rc = uc_write_for(ctx, in->provider_id, booking_create_tx, &bn, e);
	if (rc) {
		free(out->body);
		out->body = NULL;
		if (e->code == ERR_NOT_FOUND) {
			/* A missing service named in the body is a bad value, not a missing URL. */
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
	}
	return rc;
}

int uc_booking_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			struct booking *out, struct err *e)
{
	if (*ctx->auth->booking_id && strcmp(id, ctx->auth->booking_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "booking %s not found", id);
	if (tx_booking_get(tx, id, ctx->arena, out, e))
		return -1;
	if (!uc_covers(ctx, out->provider_id))
		return err_set(e, ERR_NOT_FOUND, "booking %s not found", id);
	return 0;
}

int uc_booking_get(struct uc_ctx *ctx, const char *id, struct booking *out,
		   const struct tz **zone, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = uc_booking_in_reach(ctx, tx, id, out, e);
	if (rc == 0)
		*zone = uc_provider_zone(ctx, tx, out->provider_id);
	uc_read_end(tx);
	return rc;
}

int uc_booking_service_name(struct uc_ctx *ctx, const struct booking *b, char *name,
			    size_t size, struct err *e)
{
	struct service svc;

	if (uc_service_get(ctx, b->service_id, &svc, e))
		return -1;
	snprintf(name, size, "%s", svc.name);
	return 0;
}

/* Zones of the providers a list mentions, looked up once each. */
struct zone_memo {
	size_t n;
	char id[16][ID_MAX];
	const struct tz *tz[16];
};

static const struct tz *zone_of(struct uc_ctx *ctx, struct store_tx *tx, struct zone_memo *m,
				const char *provider_id)
{
	const struct tz *z;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->id[i], provider_id))
			return m->tz[i];
	z = uc_provider_zone(ctx, tx, provider_id);
	if (m->n < 16) {
		snprintf(m->id[m->n], ID_MAX, "%s", provider_id);
		m->tz[m->n++] = z;
	}
	return z;
}

int uc_booking_list(struct uc_ctx *ctx, struct booking_filter *f, struct page pg,
		    struct booking **out, const struct tz ***zones, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct zone_memo memo = {0};
	size_t i;
	int rc;

	if (!tx)
		return -1;
	f->scope_key = uc_scope_key(ctx);
	rc = tx_booking_list(tx, f, pg, ctx->arena, out, n, e);
	if (rc == 0) {
		*zones = arena_alloc(ctx->arena, (*n + 1) * sizeof(**zones));
		for (i = 0; i < *n; i++)
			(*zones)[i] = zone_of(ctx, tx, &memo, (*out)[i].provider_id);
	}
	uc_read_end(tx);
	return rc;
}

int uc_booking_history(struct uc_ctx *ctx, const char *id, struct booking_event **out,
		       size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = uc_booking_in_reach(ctx, tx, id, &b, e) ||
	     tx_booking_history(tx, id, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc ? -1 : 0;
}

/* The event type of a booking's new status. */
static const char *status_event(enum booking_status s)
{
	static const char *const names[BOOKING__STATUS_COUNT] = {
		[BOOKING_PENDING] = "booking.pending",	 [BOOKING_CONFIRMED] = "booking.confirmed",
		[BOOKING_DECLINED] = "booking.declined",   [BOOKING_CANCELLED] = "booking.cancelled",
		[BOOKING_COMPLETED] = "booking.completed", [BOOKING_NO_SHOW] = "booking.no_show",
	};
	return names[s];
}

/* Stores b's new status (from was) with its history and event (times shown in zone). */
static int status_write(struct uc_ctx *ctx, struct store_tx *tx, struct booking *b,
			enum booking_status was, const char *reason, json_t *before,
			const struct tz *zone, struct err *e)
{
	if (tx_booking_set_status(tx, b, was, uc_history_actor(ctx), reason, ctx->now,
				  e)) {
		json_decref(before);
		return -1;
	}
	b->version++;
	b->updated_at = ctx->now;
	/* Confirming keeps the reminders; every other end drops those not sent yet. */
	if (!booking_is_active(b->status) && tx_reminders_drop(tx, b->id, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, status_event(b->status), b->id,
		       wire_booking(b, zone, WIRE_STAFF), before, e);
}

int uc_booking_cancel_for(struct uc_ctx *ctx, struct store_tx *tx, struct booking *b,
			  const char *reason, struct err *e)
{
	const struct tz *zone = uc_provider_zone(ctx, tx, b->provider_id);
	json_t *before = wire_booking(b, zone, WIRE_STAFF);
	enum booking_status was = b->status;

	b->status = BOOKING_CANCELLED;
	return status_write(ctx, tx, b, was, reason, before, zone, e);
}

struct booking_act {
	const char *id;
	const struct uc_action *act;
	struct booking *out;
	const struct tz **zone;
};

/* A lifecycle action: the state machine, then the policy's terms. */
static int transition(struct uc_ctx *ctx, struct store_tx *tx, struct booking *b,
		      const struct uc_action *act, const struct tz *zone, struct err *e)
{
	enum booking_status from = b->status, to;
	char text[NOTE_MAX_LEN + 1];
	const char *note = NULL, *reason = act->reason;
	json_t *before;

	if (booking_transition(from, act->action, &to))
		return err_set(e, ERR_CONFLICT, "cannot %s a booking that is %s",
			       booking_action_name(act->action), booking_status_name(from));
	before = wire_booking(b, zone, WIRE_STAFF);
	if (lifecycle_transition(b, to, ctx->now, act->force, act->waive_fee, &note, e)) {
		json_decref(before);
		return -1;
	}
	if (note) {
		snprintf(text, sizeof(text), "%s%s%s", reason, *reason ? " " : "", note);
		reason = text;
	}
	if (act->action == ACTION_COMPLETE && act->completion_notes)
		snprintf(b->completion_notes, sizeof(b->completion_notes), "%s",
			 act->completion_notes);
	b->status = to;
	return status_write(ctx, tx, b, from, reason, before, zone, e);
}

/* A reschedule: the policy's terms, then the slot engine on the provider's time without
 * this booking's own. */
static int reschedule(struct uc_ctx *ctx, struct store_tx *tx, struct booking *b,
		      const struct uc_action *act, const struct tz *zone, struct err *e)
{
	char from_text[RFC3339_STR_MAX], to_text[RFC3339_STR_MAX], note[NOTE_MAX_LEN + 160];
	struct slot_explanation x;
	struct avail_bundle bundle;
	const char *remark = NULL;
	struct service svc;
	int64_t from_day, to_day;
	json_t *before;

	if (!booking_is_active(b->status))
		return err_set(e, ERR_CONFLICT, "cannot reschedule a booking that is %s",
			       booking_status_name(b->status));
	days_around(act->start, act->start, 1, &from_day, &to_day);
	if (tx_service_get(tx, b->service_id, ctx->arena, &svc, e) ||
	    tx_bundle(tx, b->provider_id, from_day, to_day, ctx->now, ctx->arena, &bundle, e))
		return -1;
	bundle_drop_time(&bundle, false, b->start, b->block_start, b->block_end, b->service_id);
	if (lifecycle_reschedule(b, ctx->now, act->force, &remark, e) ||
	    engine_explain(&bundle, ctx->env->tz, &svc, act->start, ctx->now, ctx->arena, &x, e))
		return -1;
	if (!x.bookable)
		return engine_not_bookable(e, x.reasons, x.holiday, x.calendar);
	before = wire_booking(b, zone, WIRE_STAFF);
	rfc3339_format(b->start, 0, from_text);
	rfc3339_format(act->start, 0, to_text);
	snprintf(note, sizeof(note), "rescheduled from %s to %s%s%s%s%s", from_text, to_text,
		 *act->reason ? ": " : "", act->reason, remark ? " " : "", remark ? remark : "");
	b->start = act->start;
	/* The provider's own duration for the service; the price agreed stays. */
	b->end = act->start + (int64_t)service_duration_for(&svc, b->provider_id) * 60;
	b->block_start = b->start - (int64_t)svc.buffer_before_min * 60;
	b->block_end = b->end + (int64_t)svc.buffer_after_min * 60;
	if (tx_booking_move(tx, b, uc_history_actor(ctx), note, ctx->now, e)) {
		json_decref(before);
		return -1;
	}
	b->version++;
	b->reschedule_count++;
	b->updated_at = ctx->now;
	if (uc_reminders_plan(ctx, tx, b, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "booking.rescheduled", b->id,
		       wire_booking(b, zone, WIRE_STAFF), before, e);
}

static int booking_act_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct booking_act *ba = arg;
	const struct uc_action *act = ba->act;
	struct booking *b = ba->out;
	char provider_id[ID_MAX];
	int64_t freed_start, freed_end;

	if (uc_booking_in_reach(ctx, tx, ba->id, b, e))
		return -1;
	if (act->if_match > 0 && act->if_match != b->version)
		return err_set(e, ERR_PRECONDITION, "booking %s has changed (version %d, If-Match %d)",
			       ba->id, b->version, act->if_match);
	memcpy(provider_id, b->provider_id, ID_MAX);
	freed_start = b->block_start;
	freed_end = b->block_end;
	*ba->zone = uc_provider_zone(ctx, tx, b->provider_id);
	if (act->reschedule ? reschedule(ctx, tx, b, act, *ba->zone, e)
			    : transition(ctx, tx, b, act, *ba->zone, e))
		return -1;
	if (!act->reschedule && act->action != ACTION_CANCEL && act->action != ACTION_DECLINE)
		return 0;
	/* Starts whose blocked time reaches into the freed time: a day before it at most. */
	return uc_offers(ctx, tx, provider_id, NULL, freed_start - 86400, freed_end, e);
}

int uc_booking_act(struct uc_ctx *ctx, const char *id, const struct uc_action *act,
		   struct booking *out, const struct tz **zone, struct err *e)
{
	struct booking_act ba = {id, act, out, zone};

	return uc_write(ctx, booking_act_tx, &ba, e);
}
