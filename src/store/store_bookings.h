/* The storage interface, continued: bookings and their idempotency keys, holds, policy
 * defaults, the waitlist and events. The rules of store/store.h apply. */
#ifndef SLOTD_STORE_STORE_BOOKINGS_H
#define SLOTD_STORE_STORE_BOOKINGS_H

#include "store/store.h"

/* --- idempotency keys (kept 24 h, by the caller that sent them) --- */

/* A stored outcome: the status and body a request got. */
struct stored_reply {
	unsigned status;
	char *body;		/* heap; freed by the caller */
};

/* Looks up (caller, key) after dropping it if it is over a day old (and a bounded batch of
 * other expired keys): 1 with *reply filled when stored, 0 when new; ERR_KEY_REUSED when
 * stored with another fingerprint. */
int tx_idem_get(struct store_tx *tx, const char *caller, const char *key,
		const char *fingerprint, int64_t now, struct stored_reply *reply, struct err *e);
int tx_idem_put(struct store_tx *tx, const char *caller, const char *key,
		const char *fingerprint, const struct stored_reply *reply, int64_t now,
		struct err *e);

/* --- bookings --- */
int tx_booking_get(struct store_tx *tx, const char *id, struct arena *a, struct booking *out,
		   struct err *e);
/* A fresh reference not yet used by the tenant, into out. */
int tx_booking_reference_new(struct store_tx *tx, char out[BOOKING_REFERENCE_LEN + 1],
			     struct err *e);
/* Inserts bk and its first history row; an empty bk->reference gets a fresh unique one
 * written into it. */
int tx_booking_insert(struct store_tx *tx, struct booking *bk, const char *manage_hash,
		      const char *actor, const char *reason, struct err *e);
/* Stores b's status, fee, fee reason and completion notes (version + 1, updated at now) with
 * a history row from from_status. */
int tx_booking_set_status(struct store_tx *tx, const struct booking *b,
			  enum booking_status from_status, const char *actor,
			  const char *reason, int64_t now, struct err *e);
/* Stores b's times (reschedule count + 1, version + 1, updated at now) with a history row. */
int tx_booking_move(struct store_tx *tx, const struct booking *b, const char *actor,
		    const char *reason, int64_t now, struct err *e);

struct booking_filter {
	const char *provider_id;	/* NULL = any */
	const char *service_id;
	const char *customer_email;
	int status;			/* enum booking_status, or -1 = any */
	int64_t from;			/* start >= from (INT64_MIN = open) */
	int64_t to;			/* start < to (INT64_MAX = open) */
	const char *scope_key;		/* only providers this scoped key may act for; NULL = any */
	/* Search text (UTF-8, at most BOOKING_SEARCH_MAX characters; NULL = none): a
	 * case-insensitive substring of the customer's name, e-mail or phone or of the
	 * reference. '%', '_' and backslash in it match themselves. ASCII letters match in
	 * any case; other letters fold only as far as the database's lower() does
	 * (PostgreSQL by its locale, SQLite not at all), so they always match as typed. */
	const char *q;
};

#define BOOKING_SEARCH_MAX 100

int tx_booking_list(struct store_tx *tx, const struct booking_filter *f, struct page pg,
		    struct arena *a, struct booking **out, size_t *n, struct err *e);
int tx_booking_history(struct store_tx *tx, const char *id, struct arena *a,
		       struct booking_event **out, size_t *n, struct err *e);
/* The tenant and booking a manage token's hash belongs to (any tenant);
 * ERR_UNAUTHORIZED when none. */
int tx_booking_by_token(struct store_tx *tx, const char *token_hash, char tenant[ID_MAX],
			char booking_id[ID_MAX], struct err *e);

/* --- tenant policy defaults --- */
/* The tenant's settings (none set when it has none). */
int tx_settings_get(struct store_tx *tx, struct tenant_settings *out, struct err *e);
int tx_settings_put(struct store_tx *tx, const struct tenant_settings *s, int64_t now,
		    struct err *e);
int tx_policy_get(struct store_tx *tx, struct policy *out, struct err *e);
int tx_policy_put(struct store_tx *tx, const struct policy *p, int64_t now, struct err *e);

/* --- holds --- */
/* A hold, live or expired (ERR_NOT_FOUND once purged, consumed or released). */
int tx_hold_get(struct store_tx *tx, const char *id, struct hold *out, struct err *e);
int tx_hold_insert(struct store_tx *tx, const struct hold *h, struct err *e);
int tx_hold_delete(struct store_tx *tx, const char *id, struct err *e);
/* Live holds at now of an owner (by_key false) or made by a key (waitlist offers, which
 * the system makes for the key's entries, not counted): how many, and when the first
 * expires. */
int tx_hold_count(struct store_tx *tx, bool by_key, const char *who, int64_t now, int *count,
		  int64_t *first_expiry, struct err *e);
/* Every hold (live or not) on provider_id, or of service_id (the other NULL), by id. */
int tx_holds_of(struct store_tx *tx, const char *provider_id, const char *service_id,
		struct arena *a, struct hold **out, size_t *n, struct err *e);
/* Holds that expired by now, at most max, by expiry. */
int tx_holds_expired(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		     struct hold **out, size_t *n, struct err *e);

/* --- waitlist --- */
int tx_waitlist_get(struct store_tx *tx, const char *id, struct waitlist_entry *out,
		    struct err *e);
int tx_waitlist_insert(struct store_tx *tx, const struct waitlist_entry *w, struct err *e);
/* Stores w's state: status, offer, offers, booking and updated_at. */
int tx_waitlist_update(struct store_tx *tx, const struct waitlist_entry *w, struct err *e);
/* Writes what an edit may change: the customer's name and phone, the dates, weekdays, time
 * windows, priority, notes and updated_at. */
int tx_waitlist_edit(struct store_tx *tx, const struct waitlist_entry *w, struct err *e);
int tx_waitlist_delete(struct store_tx *tx, const char *id, struct err *e);

struct waitlist_filter {
	const char *service_id;		/* NULL = any */
	int status;			/* enum waitlist_status or -1 */
	const char *scope_key;		/* entries for any provider, or for one this scoped key may
					 * act for; NULL = all */
};
int tx_waitlist_list(struct store_tx *tx, const struct waitlist_filter *f, struct page pg,
		     struct arena *a, struct waitlist_entry **out, size_t *n, struct err *e);
/* Waiting entries that may take time of provider_id (NULL = any) on local dates
 * from_day..to_day — only entry_id when set — by priority, then age, at most max. */
int tx_waitlist_waiting(struct store_tx *tx, const char *entry_id, const char *provider_id,
			int64_t from_day, int64_t to_day, size_t max, struct arena *a,
			struct waitlist_entry **out, size_t *n, struct err *e);
/* Entries for provider_id alone (not for any provider), or of service_id (the other NULL),
 * by id. */
int tx_waitlist_of(struct store_tx *tx, const char *provider_id, const char *service_id,
		   struct arena *a, struct waitlist_entry **out, size_t *n, struct err *e);
/* Offered entries whose offer expired by now, at most max. */
int tx_waitlist_stale(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		      struct waitlist_entry **out, size_t *n, struct err *e);
/* Entries waiting or offered that key_id added. */
int tx_waitlist_count(struct store_tx *tx, const char *key_id, int *count, struct err *e);
/* Tenants with holds (offers or not) expired by now (at most max), for the sweeper. */
int tx_waitlist_due(struct store_tx *tx, int64_t now, char (*tenants)[ID_MAX], size_t max,
		    size_t *n, struct err *e);

/* --- events --- */
/* Appends ev in the transaction; ev->seq gets the tenant's next sequence number (one past
 * its last event: the write lock of the tenant makes that commit order). */
int tx_event_append(struct store_tx *tx, struct event_rec *ev, struct err *e);

struct event_filter {
	int64_t after;			/* seq > after */
	int64_t until;			/* seq <= until (INT64_MAX = no bound) */
	const char *type;		/* exact, or a prefix when it ends in '.'; NULL = any */
	const char *subject_id;		/* NULL = any (the one filter an index serves) */
	const char *actor_id;
	int64_t from, to;		/* created_at in [from, to) */
};
/* Events in seq order, at most limit. */
int tx_event_list(struct store_tx *tx, const struct event_filter *f, size_t limit,
		  struct arena *a, struct event_rec **out, size_t *n, struct err *e);
/* The tenant's last seq (0 before any event). */
int tx_event_last(struct store_tx *tx, int64_t *seq, struct err *e);
/* Deletes the tenant's oldest events created before before, up to max and never its last
 * one (the next seq counts on it); *n counts them. */
int tx_event_purge(struct store_tx *tx, int64_t before, size_t max, size_t *n, struct err *e);
/* Tenant ids after after ("" = from the first), at most max, by id: for duties that visit
 * each tenant. */
int tx_tenant_ids(struct store_tx *tx, const char *after, size_t max, struct arena *a,
		  id_t_ **out, size_t *n, struct err *e);

#endif
