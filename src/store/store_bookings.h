/* The storage interface, continued: bookings and their idempotency keys, holds, policy
 * defaults, the waitlist and the outbox. The rules of store/store.h apply. */
#ifndef SLOTD_STORE_STORE_BOOKINGS_H
#define SLOTD_STORE_STORE_BOOKINGS_H

#include "store/store.h"

/* --- bookings --- */

/* The outcome the handler decided inside a booking transaction, to be stored under the
 * idempotency key together with the booking (or alone, for a rejected request). */
struct stored_reply {
	unsigned status;
	char *body;		/* heap; freed by the caller */
};

/* Callbacks run inside the write transaction of store_booking_create. */
struct booking_create_ops {
	/* Chooses among the n candidate providers' bundles (each with its bookings) the one to
	 * book, filling bk's provider, times and capacity; returns its index, or -1 with e set
	 * (ERR_SLOT_TAKEN, ERR_INVALID). */
	int (*pick)(void *ctx, const struct service *svc, struct avail_bundle *b, size_t n,
		    struct booking *bk, struct err *e);
	/* Renders the 201 reply for bk, or the problem reply for e. */
	void (*reply)(void *ctx, const struct booking *bk, const struct err *e,
		      struct stored_reply *out);
};

/* Creates a booking in one write transaction (BEGIN IMMEDIATE):
 *   - keys are kept 24 h (by now): an older one is dropped and runs fresh;
 *   - when idem_key is already stored: its fingerprint must equal fingerprint (else
 *     ERR_KEY_REUSED) and *replay receives the stored reply (*replayed = true);
 *   - otherwise the service and its providers (only provider_id when set) are loaded with
 *     their bookings around start, ops->pick decides, the booking is inserted with its first
 *     history row and a unique reference, and ops->reply's reply is stored under the key.
 *     A rejection by pick (409/422) is stored under the key too and returned in *replay.
 * With hold_id, the hold must be live (ERR_HOLD_EXPIRED once expired; ERR_INVALID at
 * /hold_id when unknown or for another service, provider or start): only its provider is
 * considered, the hold's own time is not in the way, and the hold is deleted with the insert
 * (a waitlist entry it was offered to becomes booked).
 * The policy copied onto the booking is the service's resolved over the tenant's defaults.
 * bk carries the customer fields in; on success it is the stored booking. manage_hash is
 * the hash of the customer's manage token. */
int store_booking_create(struct store *st, const char *tenant, const char *idem_key,
			 const char *fingerprint, const char *service_id, const char *provider_id,
			 const char *hold_id, int64_t now, const char *manage_hash,
			 const struct booking_create_ops *ops,
			 void *ctx, struct booking *bk, struct stored_reply *replay,
			 bool *replayed, struct arena *a, struct err *e);

int store_booking_get(struct store *st, const char *tenant, const char *id, struct arena *a,
		      struct booking *out, struct err *e);

struct booking_filter {
	const char *provider_id;	/* NULL = any */
	const char *service_id;
	const char *customer_email;
	int status;			/* enum booking_status, or -1 = any */
	int64_t from;			/* start >= from (INT64_MIN = open) */
	int64_t to;			/* start < to (INT64_MAX = open) */
};

int store_booking_list(struct store *st, const char *tenant, const struct booking_filter *f,
		       struct page pg, struct arena *a, struct booking **out, size_t *n,
		       struct err *e);

/* Decides inside a transition whether it may happen: b is the booking as stored, to the
 * status it would take. May set b->fee and b->fee_reason (stored with the change) and
 * *note (a remark appended to the history reason). 0, or -1 with e set. */
typedef int (*store_booking_guard_fn)(void *ctx, struct booking *b, enum booking_status to,
				      const char **note, struct err *e);

/* Applies action in one write transaction: ERR_NOT_FOUND, ERR_PRECONDITION when if_match
 * (> 0) is not the current version, ERR_CONFLICT when the status does not allow it, or the
 * guard's error (guard may be NULL). Records a history row (actor, reason). */
int store_booking_transition(struct store *st, const char *tenant, const char *id,
			     enum booking_action action, int if_match, const char *actor,
			     const char *reason, int64_t now, store_booking_guard_fn guard,
			     void *ctx, struct arena *a, struct booking *out, struct err *e);

/* The tenant and booking a manage token's hash belongs to; ERR_UNAUTHORIZED when none. */
int store_booking_by_token(struct store *st, const char *token_hash, char tenant[ID_MAX],
			   char booking_id[ID_MAX], struct err *e);

/* Decides inside store_booking_reschedule whether booking bk (as stored) may move to its
 * new start: b is its provider's bundle without this booking's own time. May set *note (a
 * remark for the history). 0, or -1 with e set (ERR_SLOT_TAKEN, ERR_UNAVAILABLE, policy). */
typedef int (*store_reschedule_check_fn)(void *ctx, const struct booking *bk,
					 const struct service *svc, struct avail_bundle *b,
					 int64_t new_start, const char **note, struct err *e);

/* Moves a pending or confirmed booking to new_start in one write transaction (the old time
 * frees as the new one is taken): ERR_NOT_FOUND, ERR_PRECONDITION (if_match), ERR_CONFLICT
 * (status), or check's error. Times and blocked interval follow the service's current
 * duration and buffers; a history row records the move. */
int store_booking_reschedule(struct store *st, const char *tenant, const char *id,
			     int64_t new_start, int if_match, const char *actor, const char *reason,
			     int64_t now, store_reschedule_check_fn check, void *ctx,
			     struct arena *a, struct booking *out, struct err *e);

int store_booking_history(struct store *st, const char *tenant, const char *id,
			  struct arena *a, struct booking_event **out, size_t *n, struct err *e);

/* --- tenant policy defaults --- */
int store_policy_get(struct store *st, const char *tenant, struct policy *out, struct err *e);
int store_policy_put(struct store *st, const char *tenant, const struct policy *p, int64_t now,
		     struct err *e);

/* --- holds --- */
#define HOLD_OWNER_MAX 80

struct hold {
	char id[ID_MAX];
	char service_id[ID_MAX];
	char provider_id[ID_MAX];
	int64_t start, end, block_start, block_end;
	char owner[HOLD_OWNER_MAX];	/* who may hold more: "email:…", "key:…", "waitlist" */
	char key_id[HOLD_OWNER_MAX];	/* the API key that made it; "" for waitlist offers */
	char waitlist_id[ID_MAX];	/* "" unless offered to a waitlist entry */
	int64_t expires_at;
	int64_t created_at;
};

/* Limits on live holds: per owner, and per key (0 = none). */
struct hold_caps {
	int per_owner;
	int per_key;
};

/* Creates a hold in one write transaction, as store_booking_create decides a booking
 * (ops->pick over the service's providers, only provider_id when set; live holds count as
 * taken). bk receives what pick chose; the hold takes its provider and times, owner and
 * key_id, and expires at now + ttl. ERR_HOLD_LIMIT when the owner or the key already has
 * its cap of live holds (e's retry_after set to seconds until the first expires). */
int store_hold_create(struct store *st, const char *tenant, const char *service_id,
		      const char *provider_id, int64_t start, int64_t ttl, const char *owner,
		      const char *key_id, struct hold_caps caps, int64_t now,
		      const struct booking_create_ops *ops, void *ctx, struct booking *bk,
		      struct hold *out, struct arena *a, struct err *e);
/* A hold, live or expired (ERR_NOT_FOUND once purged, consumed or released). */
int store_hold_get(struct store *st, const char *tenant, const char *id, struct hold *out,
		   struct err *e);
/* Releases a hold (ERR_NOT_FOUND when gone); *out is what it held. An offer released this
 * way ends as if it expired: its waitlist entry becomes expired. */
int store_hold_delete(struct store *st, const char *tenant, const char *id, int64_t now,
		      struct hold *out, struct err *e);

/* --- waitlist --- */
#define WAITLIST_MAX_WINDOWS 8

enum waitlist_status {
	WAITLIST_WAITING = 0,
	WAITLIST_OFFERED,
	WAITLIST_BOOKED,
	WAITLIST_EXPIRED,
	WAITLIST__STATUS_COUNT
};

const char *waitlist_status_name(enum waitlist_status s);
int waitlist_status_parse(const char *s, enum waitlist_status *out);

struct waitlist_entry {
	char id[ID_MAX];
	char service_id[ID_MAX];
	char provider_id[ID_MAX];	/* "" = any of the service's providers */
	char customer_name[NAME_MAX_LEN + 1];
	char customer_email[EMAIL_MAX_LEN + 1];
	char customer_phone[PHONE_MAX_LEN + 1];
	int64_t earliest_day, latest_day;	/* local dates, inclusive */
	unsigned weekdays;		/* bit 0 = Monday … bit 6 = Sunday; 0 = any */
	size_t nwindows;		/* 0 = any time of day */
	struct {
		int from_min, to_min;	/* local minutes of the day the start may take */
	} windows[WAITLIST_MAX_WINDOWS];
	int priority;			/* higher first */
	enum waitlist_status status;
	char hold_id[ID_MAX];		/* the current or last offer */
	char offer_provider_id[ID_MAX];
	int64_t offer_start;
	int64_t offer_expires_at;
	int offers;			/* how many offers it has had */
	char booking_id[ID_MAX];
	int64_t created_at;
	int64_t updated_at;
};

/* ERR_INVALID at /service_id or /provider_id when they do not exist or the provider does
 * not offer the service. */
int store_waitlist_create(struct store *st, const char *tenant, const struct waitlist_entry *w,
			  struct err *e);
int store_waitlist_get(struct store *st, const char *tenant, const char *id,
		       struct waitlist_entry *out, struct err *e);
struct waitlist_filter {
	const char *service_id;		/* NULL = any */
	int status;			/* enum waitlist_status or -1 */
};
int store_waitlist_list(struct store *st, const char *tenant, const struct waitlist_filter *f,
			struct page pg, struct arena *a, struct waitlist_entry **out, size_t *n,
			struct err *e);
/* Deletes an entry and the hold of its open offer; *out is the entry as it was. */
int store_waitlist_delete(struct store *st, const char *tenant, const char *id,
			  struct waitlist_entry *out, struct err *e);

/* Chooses a start for a waiting entry among the loaded bundles (its service's providers,
 * or its own provider) within [from, to): 1 with the provider and times in h (and
 * h->expires_at when the offer should not last offer_seconds),
 * 0 when nothing fits, -1 on error. Renders the outbox payload for the offer into
 * *payload (heap) when it returns 1. */
struct waitlist_ops {
	int (*choose)(void *ctx, const struct waitlist_entry *w, const struct service *svc,
		      struct avail_bundle *b, size_t n, int64_t from, int64_t to, struct hold *h,
		      struct err *e);
	char *(*payload)(void *ctx, const struct waitlist_entry *w, const struct hold *h);
};

/* One round of waitlist offers for a tenant, in one write transaction:
 *   1. holds that expired by now are deleted and their time joins the search; an expired
 *      offer's entry becomes expired;
 *   2. waiting entries whose dates meet [from, to) or the expired holds' days (all waiting
 *      entries when entry_id is NULL or expired holds freed time, else that one) are taken
 *      by priority, then age; each gets at most one offer: a hold of offer_seconds on the start choose picks
 *      (only for provider_id's services when set), recorded on the entry and as a
 *      "waitlist.offered" event in the outbox.
 * from == to searches no new time (only what expired offers free). *offered counts offers. */
int store_waitlist_run(struct store *st, const char *tenant, const char *provider_id,
		       const char *entry_id, int64_t from, int64_t to, int64_t offer_seconds,
		       int64_t now, const struct waitlist_ops *ops, void *ctx, size_t *offered,
		       struct arena *a, struct err *e);

/* Tenants with holds (offers or not) expired by now (at most max), for the sweeper. */
int store_waitlist_due(struct store *st, int64_t now, char (*tenants)[ID_MAX], size_t max,
		       size_t *n, struct err *e);

/* Outbox events of a tenant after seq (ascending, at most limit) for GET /v1/events. */
struct outbox_event {
	int64_t seq;
	char type[40];
	char subject_id[ID_MAX];
	const char *payload;		/* JSON text (arena) */
	int64_t created_at;
};
int store_outbox_list(struct store *st, const char *tenant, int64_t after, size_t limit,
		      struct arena *a, struct outbox_event **out, size_t *n, struct err *e);

#endif
