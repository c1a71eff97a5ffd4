/* The storage interface. Every function takes the tenant it acts for and never touches
 * another tenant's rows; an id of another tenant is ERR_NOT_FOUND. Functions return 0 / -1
 * with the error in e: ERR_NOT_FOUND, ERR_CONFLICT, ERR_INVALID (a referenced object does not
 * exist; e carries the field), ERR_STORE_BUSY (database busy or unreachable), ERR_STORE_FULL,
 * ERR_INTERNAL. No database error code leaves this layer.
 * Variable-length outputs (lists, id arrays) are allocated from the caller's arena.
 * Instants are UTC seconds; dates are day numbers (core/civil.h). */
#ifndef SLOTD_STORE_STORE_H
#define SLOTD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/* Opens (creating if needed) the database named by url ("sqlite:PATH") and applies
 * migrations. ERR_INVALID for a URL it cannot use, ERR_STORE_BUSY when unreachable. */
int store_open(const char *url, struct store **out, struct err *e);
void store_close(struct store *st);
/* A cheap round trip for readiness checks. */
int store_ping(struct store *st, struct err *e);

/* --- tenants and keys --- */
struct auth {
	char tenant_id[ID_MAX];
	enum role role;
};

/* Creates a tenant (ERR_CONFLICT when slug is taken) with an admin key stored as key_hash. */
int store_tenant_create(struct store *st, const char *tenant_id, const char *slug,
			const char *name, const char *key_hash, int64_t now, struct err *e);
/* The tenant id for slug; ERR_NOT_FOUND when none. */
int store_tenant_find(struct store *st, const char *slug, char tenant_id[ID_MAX], struct err *e);
int store_key_add(struct store *st, const char *tenant_id, const char *key_hash, enum role role,
		  int64_t now, struct err *e);
/* Who key_hash belongs to; ERR_UNAUTHORIZED when nobody. */
int store_auth(struct store *st, const char *key_hash, struct auth *out, struct err *e);

/* --- list paging: rows with id > after (NULL = from the start), ascending, at most limit. */
struct page {
	const char *after;
	size_t limit;
};

/* --- providers --- */
int store_provider_create(struct store *st, const char *tenant, const struct provider *p,
			  struct err *e);
int store_provider_get(struct store *st, const char *tenant, const char *id, struct provider *out,
		       struct err *e);
int store_provider_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
			struct provider **out, size_t *n, struct err *e);
/* Read-modify-write in one transaction: apply edits *p (and may fail, rolling back). */
typedef int (*store_provider_edit_fn)(struct provider *p, void *ctx, struct err *e);
int store_provider_update(struct store *st, const char *tenant, const char *id,
			  store_provider_edit_fn edit, void *ctx, int64_t now,
			  struct provider *out, struct err *e);
int store_provider_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- services (provider_ids must name providers of the tenant: ERR_INVALID otherwise) --- */
int store_service_create(struct store *st, const char *tenant, const struct service *s,
			 struct err *e);
int store_service_get(struct store *st, const char *tenant, const char *id, struct arena *a,
		      struct service *out, struct err *e);
int store_service_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
		       struct service **out, size_t *n, struct err *e);
typedef int (*store_service_edit_fn)(struct service *s, void *ctx, struct arena *a,
				     struct err *e);
int store_service_update(struct store *st, const char *tenant, const char *id,
			 store_service_edit_fn edit, void *ctx, int64_t now, struct arena *a,
			 struct service *out, struct err *e);
int store_service_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- weekly schedule versions (replaced as a whole) --- */
int store_schedule_put(struct store *st, const char *tenant, const char *provider_id,
		       const struct schedule *s, struct err *e);
int store_schedule_get(struct store *st, const char *tenant, const char *provider_id,
		       struct schedule *out, struct err *e);

/* --- overrides --- */
int store_override_create(struct store *st, const char *tenant, const struct override_rec *o,
			  struct err *e);
/* Overrides of the provider touching dates from_day..to_day, in creation order. */
int store_override_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from_day, int64_t to_day, struct arena *a,
			struct override_rec **out, size_t *n, struct err *e);
int store_override_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e);

/* --- holidays --- */
int store_holiday_create(struct store *st, const char *tenant, const struct holiday_rec *h,
			 struct err *e);
int store_holiday_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
		       struct holiday_rec **out, size_t *n, struct err *e);
int store_holiday_delete(struct store *st, const char *tenant, const char *id, struct err *e);

/* --- time off --- */
#define TIME_OFF_MAX_SECONDS (366LL * 86400)

int store_time_off_create(struct store *st, const char *tenant, const struct time_off_rec *t,
			  struct err *e);
/* Time off of the provider overlapping [from, to), ascending by start. */
int store_time_off_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from, int64_t to, struct arena *a, struct time_off_rec **out,
			size_t *n, struct err *e);
int store_time_off_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e);

/* --- everything the slot engine needs for one provider over local dates from..to --- */
struct avail_bundle {
	struct provider provider;
	struct schedule schedule;
	struct avail_input input;	/* points into the arena and this bundle */
	struct booked_time *booked;	/* active bookings around the dates (arena) */
	size_t nbooked;
};

/* Everything one slot query reads, in one read transaction (one snapshot): the service
 * (ERR_NOT_FOUND when missing) and an availability bundle for each of its providers over
 * local dates from_day..to_day, or only for provider_id when it is set and the service lists
 * it (*n = 0 when it does not). Each bundle's input.tz is left NULL: the caller resolves
 * provider.timezone with its zone db. Holidays are those applying to the provider on those
 * dates; time off is what overlaps them, widened by two days each side. */
int store_slots_load(struct store *st, const char *tenant, const char *service_id,
		     const char *provider_id, int64_t from_day, int64_t to_day, struct arena *a,
		     struct service *svc, struct avail_bundle **bundles, size_t *n,
		     struct err *e);

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
 * bk carries the customer fields in; on success it is the stored booking. manage_hash is
 * the hash of the customer's manage token. */
int store_booking_create(struct store *st, const char *tenant, const char *idem_key,
			 const char *fingerprint, const char *service_id, const char *provider_id,
			 int64_t now, const char *manage_hash, const struct booking_create_ops *ops,
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

/* Applies action in one write transaction: ERR_NOT_FOUND, ERR_PRECONDITION when if_match
 * (> 0) is not the current version, ERR_CONFLICT when the status does not allow it. Records
 * a history row (actor, reason). */
int store_booking_transition(struct store *st, const char *tenant, const char *id,
			     enum booking_action action, int if_match, const char *actor,
			     const char *reason, int64_t now, struct arena *a, struct booking *out,
			     struct err *e);

/* Decides inside store_booking_reschedule whether the booking may move to its new start:
 * b is its provider's bundle without this booking's own time. 0, or -1 with e set
 * (ERR_SLOT_TAKEN, ERR_UNAVAILABLE). */
typedef int (*store_reschedule_check_fn)(void *ctx, const struct service *svc,
					 struct avail_bundle *b, int64_t new_start,
					 struct err *e);

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

#endif
