/* Bookings, holds and the waitlist. Part of the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_BOOKINGS_H
#define SLOTD_USECASE_UC_BOOKINGS_H

#include "store/store_notify.h"
#include "usecase/uc.h"

/* --- bookings --- */

struct uc_booking_request {
	const char *idempotency_key;
	const char *fingerprint;	/* of the request body */
	const char *service_id;
	const char *provider_id;	/* NULL = any */
	const char *hold_id;		/* NULL = none */
	int64_t start;
	struct booking fields;		/* customer, notes, metadata */
};
/* The answer to a booking request, as stored under its idempotency key. */
struct uc_reply {
	unsigned status;		/* 201, or the problem's status */
	char *body;			/* heap JSON; the caller frees it */
	bool replayed;			/* an earlier answer to the same key and body */
	int version;			/* the booking's, for the ETag (201 only) */
};
/* Books (idempotently per caller and key). A business rejection (slot taken, unavailable,
 * hold problems) is an answer too, stored under the key. Returns -1 only for failures that
 * are not answers (ERR_KEY_REUSED, store failures, an unknown service). */
int uc_booking_create(struct uc_ctx *ctx, const struct uc_booking_request *in,
		      struct uc_reply *out, struct err *e);

/* A booking the caller may see (customers with a manage token: theirs only), with its
 * provider's zone. */
int uc_booking_get(struct uc_ctx *ctx, const char *id, struct booking *out,
		   const struct tz **zone, struct err *e);
/* The booking's service name, for its .ics. */
int uc_booking_service_name(struct uc_ctx *ctx, const struct booking *b, char *name,
			    size_t size, struct err *e);
int uc_booking_list(struct uc_ctx *ctx, struct booking_filter *f, struct page pg,
		    struct booking **out, const struct tz ***zones, size_t *n, struct err *e);
int uc_booking_history(struct uc_ctx *ctx, const char *id, struct booking_event **out,
		       size_t *n, struct err *e);

struct uc_action {
	bool reschedule;
	enum booking_action action;	/* when not a reschedule */
	int64_t start;			/* the new start of a reschedule */
	int if_match;			/* > 0: the version the caller saw */
	const char *reason;
	bool force;			/* an admin acting past the policy */
	bool waive_fee;
	const char *completion_notes;	/* complete: the staff's notes on the session; NULL =
					 * keep */
};
/* Applies a lifecycle action or a reschedule; the freed time goes to the waitlist. */
int uc_booking_act(struct uc_ctx *ctx, const char *id, const struct uc_action *act,
		   struct booking *out, const struct tz **zone, struct err *e);

/* The booking's reminders (by offset, largest first; sent_at[i] 0 while unsent) for a
 * caller who may see the booking, with its provider's zone. */
int uc_booking_reminders(struct uc_ctx *ctx, const char *id, struct reminder **out,
			 int64_t **sent_at, size_t *n, const struct tz **zone, struct err *e);
/* Sends what is due: claims up to max unsent reminders due by now (any tenant) and, for
 * each, in a write transaction of its tenant, marks it sent and appends booking.reminder
 * (actor: system "reminders"; payload: the booking in its provider's zone with "reminder":
 * {"offset_minutes", "due_at"}), so each (booking, offset) is sent once across restarts and
 * processes. A reminder whose booking has ended, has started, or moved (due != start -
 * offset) is dropped unsent. *sent counts the events written. Returns -1 only when the
 * claim failed; a reminder that fails is logged and left for the next run. */
int uc_reminders_run(const struct uc_env *env, int64_t now, size_t max, size_t *sent,
		     struct err *e);

/* --- holds --- */

struct uc_hold_request {
	const char *service_id;
	const char *provider_id;	/* NULL = any */
	int64_t start;
	int ttl_seconds;
	const char *email;		/* the customer's, "" when not given */
};
int uc_hold_create(struct uc_ctx *ctx, const struct uc_hold_request *in, struct hold *out,
		   const struct tz **zone, struct err *e);
/* A hold the caller may reach (customer keys: their own). */
int uc_hold_get(struct uc_ctx *ctx, const char *id, struct hold *out, const struct tz **zone,
		struct err *e);
/* Releases a hold; its time goes to the waitlist. */
int uc_hold_delete(struct uc_ctx *ctx, const char *id, struct err *e);

/* --- the waitlist --- */

int uc_waitlist_create(struct uc_ctx *ctx, struct waitlist_entry *w, struct err *e);
int uc_waitlist_get(struct uc_ctx *ctx, const char *id, struct waitlist_entry *out,
		    struct err *e);
int uc_waitlist_list(struct uc_ctx *ctx, struct waitlist_filter *f, struct page pg,
		     struct waitlist_entry **out, size_t *n, struct err *e);
int uc_waitlist_delete(struct uc_ctx *ctx, const char *id, struct err *e);
/* Writes the edit w of entry was (as uc_waitlist_get read it; w->id names it), setting
 * w->updated_at, with waitlist.updated; a waiting entry is then offered a start that fits
 * at once (w is read back). ERR_CONFLICT when the entry is no longer waiting or offered, or
 * changed since was was read. An offered entry keeps its offer. */
int uc_waitlist_update(struct uc_ctx *ctx, const struct waitlist_entry *was,
		       struct waitlist_entry *w, struct err *e);
/* Provider provider_id's time [from, to) has freed: offers it to waiting entries. Failures
 * are logged; what freed the time stands. */
void uc_waitlist_freed(struct uc_ctx *ctx, const char *provider_id, int64_t from, int64_t to);
/* Closes the tenant's expired holds and offers (hold.expired, waitlist.expired) and offers
 * their time to the next entries. */
void uc_waitlist_tick(struct uc_ctx *ctx);
/* The same for every tenant with expired holds, at now (the background sweeper). */
void uc_waitlist_sweep(const struct uc_env *env, int64_t now);

#endif
