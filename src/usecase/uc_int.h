/* Shared internals of the use cases: running transactions, appending events, the caller's
 * reach. Not part of the interface. */
#ifndef SLOTD_USECASE_UC_INT_H
#define SLOTD_USECASE_UC_INT_H

#include <jansson.h>

#include "usecase/uc.h"
#include "wire/wire.h"

/* One write transaction's work: runs inside tx; nonzero rolls back. May run more than once
 * (when the transaction loses to a concurrent one), so it starts from arg afresh. */
typedef int (*uc_tx_fn)(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e);

/* Runs fn in a write transaction of the caller's tenant, again (up to STORE_RERUNS times)
 * when it lost to a concurrent one. */
int uc_write(struct uc_ctx *ctx, uc_tx_fn fn, void *arg, struct err *e);
/* uc_write for a booking of one provider (store_begin_for: on PostgreSQL such writes for
 * distinct providers run side by side); NULL provider_id: uc_write. */
int uc_write_for(struct uc_ctx *ctx, const char *provider_id, uc_tx_fn fn, void *arg,
		 struct err *e);

/* A read transaction of the caller's tenant (STORE_READ or STORE_SNAPSHOT); end it with
 * uc_read_end. */
struct store_tx *uc_read(struct uc_ctx *ctx, enum store_mode mode, struct err *e);
void uc_read_end(struct store_tx *tx);

/* Appends one event to tx: type and subject, the resource as rendered after the change
 * (before it, for deletes) and, for updates, the rendering before it, from which the
 * changes are worked out. Steals both references (before may be NULL). */
int uc_emit(struct uc_ctx *ctx, struct store_tx *tx, const char *type, const char *subject_id,
	    json_t *payload, json_t *before, struct err *e);

/* The call's memo of rule dates, carrying its deadline (made on first use). */
struct expand *uc_expand(struct uc_ctx *ctx);
/* ERR_TIMEOUT once the call's deadline has passed. */
int uc_deadline_check(struct uc_ctx *ctx, struct err *e);

/* The zone named name, or UTC. */
const struct tz *uc_zone(const struct uc_ctx *ctx, const char *name);
/* The zone of provider id in tx (deleted or not), or NULL when there is none. */
const struct tz *uc_provider_zone(struct uc_ctx *ctx, struct store_tx *tx, const char *id);

/* Who a booking's history records for this call: the actor's role word (actor_history_name)
 * and, for a console user, ":" and its id (arena). */
const char *uc_history_actor(struct uc_ctx *ctx);

/* The key id that limits the caller to some providers, or NULL. */
const char *uc_scope_key(const struct uc_ctx *ctx);
/* True when the caller may act for provider id. */
bool uc_covers(const struct uc_ctx *ctx, const char *provider_id);
/* Whether the caller may see and use hold h. */
bool uc_hold_reachable(const struct uc_ctx *ctx, const struct hold *h);
/* A provider of the caller's reach, read in tx: ERR_NOT_FOUND otherwise. */
int uc_provider_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			 struct provider *out, struct err *e);
/* Booking id as the caller may see it, read in tx into out (text from the call's arena):
 * a manage token reaches its own booking, staff those of their providers; ERR_NOT_FOUND
 * otherwise (uc_bookings.c). */
int uc_booking_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			struct booking *out, struct err *e);

/* Sorts s's versions by effective_from; ERR_INVALID at /versions when they overlap. */
int uc_schedule_order(struct schedule *s, struct err *e);

/* Offers time [from, to) of provider_id (NULL = any) to waiting entries — entry_id alone
 * when set — inside tx, after closing the expired holds and offers. */
int uc_offers(struct uc_ctx *ctx, struct store_tx *tx, const char *provider_id,
	      const char *entry_id, int64_t from, int64_t to, struct err *e);

/* The bundles of svc's providers (only provider_id when set, and only those the caller may
 * act for) over local dates from_day..to_day. */
int uc_candidates(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
		  const char *provider_id, int64_t from_day, int64_t to_day,
		  struct avail_bundle **out, size_t *n, struct err *e);
/* uc_candidates with the bookings and holds of pre (tx_commitments_read over the same
 * dates, in tx) instead of reading them; pre NULL: as uc_candidates. */
int uc_candidates_with(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
		       const char *provider_id, int64_t from_day, int64_t to_day,
		       const struct tx_commitments *pre, struct avail_bundle **out, size_t *n,
		       struct err *e);
/* engine_pick over svc's providers (only provider_id when set, and only those the caller
 * may act for) for start, loaded a chunk at a time; drop (not NULL) is a hold of the one
 * provider asked for that is about to be consumed, its time not in the way. 0 with bk
 * filled and *zone the winner's; 1 with decided set when the engine refuses or cannot tell;
 * -1 with e set when the store failed or the call's time ran out (uc_bookings.c). */
int uc_pick(struct uc_ctx *ctx, struct store_tx *tx, const struct service *svc,
	    const char *provider_id, int64_t start, const struct hold *drop, struct booking *bk,
	    const struct tz **zone, struct err *decided, struct err *e);

/* Writes the event of hold h's end (its row already gone): an offer's hold ends its offer
 * (waitlist.expired); another is hold.released (released) or hold.expired. */
int uc_hold_ended(struct uc_ctx *ctx, struct store_tx *tx, const struct hold *h, bool released,
		  struct err *e);
/* Moves waitlist entry w to status with its event of type (before and after). */
int uc_waitlist_set(struct uc_ctx *ctx, struct store_tx *tx, struct waitlist_entry *w,
		    enum waitlist_status status, const char *type, struct err *e);
/* Removes waitlist entry w (and its offer's hold) with waitlist.removed. */
int uc_waitlist_remove(struct uc_ctx *ctx, struct store_tx *tx, const struct waitlist_entry *w,
		       struct err *e);

/* Cancels booking b (as stored) in tx with a history reason and its event, as a system
 * action: no fee, no deadline. */
int uc_booking_cancel_for(struct uc_ctx *ctx, struct store_tx *tx, struct booking *b,
			  const char *reason, struct err *e);

/* Sets new booking b's location (uc_location.c) from its service's, service_loc (NULL =
 * none): fills a video URL template's placeholders (tenant_slug, b's reference, made here
 * when b has none, its id and provider) or takes the provider's video_url. */
int uc_booking_location(struct uc_ctx *ctx, struct store_tx *tx,
			const struct location *service_loc, const char *tenant_slug,
			struct booking *b, struct err *e);

/* Plans booking b's reminders in tx (at ctx->now): the offsets of its service, else the
 * tenant's, replacing any it had (uc_reminders.c). */
int uc_reminders_plan(struct uc_ctx *ctx, struct store_tx *tx, const struct booking *b,
		      struct err *e);

/* Takes provider provider_id off entry id (its series and changed occurrences) with
 * entry.updated, or entry.deleted when nobody is left on it. */
int uc_entry_drop_assignee(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			   const char *provider_id, struct err *e);

#endif
