/* The storage interface, continued: what notifications need — webhook endpoints, the
 * notification queue, deliveries and their attempts, reminders and message templates (see
 * src/notify/README.md). The rules of store/store.h apply. Functions marked "any tenant"
 * run in a transaction begun for "" and act across tenants (background duties only); such a
 * transaction may run the tenant-scoped ones after store_tx_act_for. */
#ifndef SLOTD_STORE_STORE_NOTIFY_H
#define SLOTD_STORE_STORE_NOTIFY_H

#include <string.h>

#include "core/reminder.h"
#include "store/store.h"
#include "util/ids.h"

#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_TYPES_MAX 32		/* event_types entries per endpoint */
#define WEBHOOK_DESC_MAX 500

/* --- webhook endpoints --- */
struct webhook_endpoint {
	char id[ID_MAX];		/* whe_… */
	char url[WEBHOOK_URL_MAX + 1];
	size_t ntypes;
	char types[WEBHOOK_TYPES_MAX][EVENT_TYPE_MAX];	/* exact, "prefix." or "*"; none = all */
	bool enabled;
	char description[WEBHOOK_DESC_MAX + 1];
	char secret[WHSEC_MAX];
	char previous_secret[WHSEC_MAX];	/* "" = none */
	int64_t previous_until;		/* the previous secret signs until then */
	int64_t failing_since;		/* 0 = its last attempt succeeded (or none yet) */
	char disabled_reason[16];	/* "", "gone", "failing", "manual" */
	int version;
	int64_t created_at, updated_at;
};

int tx_endpoint_insert(struct store_tx *tx, const struct webhook_endpoint *w, struct err *e);
int tx_endpoint_get(struct store_tx *tx, const char *id, struct webhook_endpoint *out,
		    struct err *e);
int tx_endpoint_list(struct store_tx *tx, struct page pg, struct arena *a,
		     struct webhook_endpoint **out, size_t *n, struct err *e);
/* Writes every field of w (matched by id); bumps version. */
int tx_endpoint_update(struct store_tx *tx, const struct webhook_endpoint *w, struct err *e);
/* Deletes the endpoint with its pending deliveries (finished ones stay, for the log). */
int tx_endpoint_delete(struct store_tx *tx, const char *id, struct err *e);
/* The tenant's enabled endpoints (for fan-out). */
int tx_endpoints_enabled(struct store_tx *tx, struct arena *a, struct webhook_endpoint **out,
			 size_t *n, struct err *e);
/* Records an attempt's outcome on the endpoint: ok clears failing_since; a failure sets it
 * to at when it was 0. */
int tx_endpoint_outcome(struct store_tx *tx, const char *id, bool ok, int64_t at,
			struct err *e);
/* Disables the endpoint with reason ("gone", "failing"); 1 when this call disabled it, 0
 * when it already was. */
int tx_endpoint_disable(struct store_tx *tx, const char *id, const char *reason, int64_t at,
			struct err *e);

/* --- the notification queue: one row per event, written with it --- */
struct queued_event {
	int64_t id;			/* the queue row (removed by it) */
	char tenant_id[ID_MAX];
	int64_t seq;
};
/* Any tenant: the oldest max queue rows, locked for this transaction (SKIP LOCKED). */
int tx_queue_claim(struct store_tx *tx, size_t max, struct arena *a, struct queued_event **out,
		   size_t *n, struct err *e);
/* Any tenant: the queue rows plus the pending deliveries due by now (*count), and the
 * earliest due time among those deliveries (*oldest, 0 = none), for the metrics. */
int tx_notify_backlog(struct store_tx *tx, int64_t now, int64_t *count, int64_t *oldest,
		      struct err *e);
/* Any tenant: removes a claimed row. */
int tx_queue_done(struct store_tx *tx, const struct queued_event *q, struct err *e);
/* Any tenant: the event (tenant, seq); ERR_NOT_FOUND when purged. */
int tx_event_at(struct store_tx *tx, const char *tenant, int64_t seq, struct arena *a,
		struct event_rec *out, struct err *e);

/* --- deliveries --- */
/* webhook: a signed POST to an endpoint; email: a message through SMTP; caldav: a booking
 * written into (or removed from) a provider's CalDAV calendar marked for writing. */
enum delivery_channel { CHANNEL_WEBHOOK = 0, CHANNEL_EMAIL, CHANNEL_CALDAV, CHANNEL__COUNT };
enum delivery_status { DELIVERY_PENDING = 0, DELIVERY_SUCCEEDED, DELIVERY_FAILED };

/* The names channels and statuses are stored and shown by. */
static inline const char *delivery_channel_name(enum delivery_channel c)
{
	return c == CHANNEL_EMAIL ? "email" : c == CHANNEL_CALDAV ? "caldav" : "webhook";
}
/* The channel stored as s ("webhook" for anything unknown). */
static inline enum delivery_channel delivery_channel_parse(const char *s)
{
	if (s && !strcmp(s, "email"))
		return CHANNEL_EMAIL;
	return s && !strcmp(s, "caldav") ? CHANNEL_CALDAV : CHANNEL_WEBHOOK;
}
static inline const char *delivery_status_name(enum delivery_status st)
{
	return st == DELIVERY_SUCCEEDED ? "succeeded" : st == DELIVERY_FAILED ? "failed" : "pending";
}

struct delivery {
	char id[ID_MAX];		/* dlv_… */
	char tenant_id[ID_MAX];
	int64_t event_seq;
	char event_id[ID_MAX];
	char event_type[EVENT_TYPE_MAX];
	enum delivery_channel channel;
	char endpoint_id[ID_MAX];	/* webhook: the endpoint; caldav: the calendar (cal_…), so
					 * the per-endpoint limits and breaker apply per calendar */
	char recipient[EMAIL_MAX_LEN + 1];	/* email: the address; caldav: the booking id */
	char recipient_role[12];	/* email: "customer" or "provider" */
	enum delivery_status status;
	int attempts;			/* made so far */
	int64_t next_attempt_at;	/* pending: due then */
	int last_status;		/* HTTP status or SMTP reply code of the last attempt; 0 */
	char last_error[256];
	int64_t created_at, updated_at;
};

struct delivery_attempt {
	char delivery_id[ID_MAX];
	int attempt;			/* 1-based */
	int64_t started_at;		/* UTC milliseconds */
	int64_t duration_ms;
	int status_code;		/* 0 when no answer */
	char response[1025];		/* the first 1 KB of the answer, or "" */
	char error[256];		/* "" when an answer came */
};

int tx_delivery_insert(struct store_tx *tx, const struct delivery *d, struct err *e);
int tx_delivery_get(struct store_tx *tx, const char *id, struct delivery *out, struct err *e);
/* Filters for listing (by id, paged); NULL / 0 = any. */
struct delivery_filter {
	const char *endpoint_id;
	const char *event_id;
	const char *status;		/* "pending", "succeeded", "failed" */
	const char *channel;		/* "webhook", "email", "caldav" */
};
int tx_delivery_list(struct store_tx *tx, const struct delivery_filter *f, struct page pg,
		     struct arena *a, struct delivery **out, size_t *n, struct err *e);
int tx_attempt_list(struct store_tx *tx, const char *delivery_id, struct arena *a,
		    struct delivery_attempt **out, size_t *n, struct err *e);
/* Replay: pending again, due at now, lease cleared (attempts keep counting). */
int tx_delivery_replay(struct store_tx *tx, const char *id, int64_t now, struct err *e);
/* Recover: every delivery of endpoint_id created at or after since and not succeeded is
 * replayed; *n counts them. */
int tx_delivery_recover(struct store_tx *tx, const char *endpoint_id, int64_t since,
			int64_t now, size_t *n, struct err *e);
/* Any tenant: due deliveries (pending, next_attempt_at <= now, no live lease), oldest due
 * first, at most max, leased to owner until lease_until; none of the endpoints in
 * skip[0..nskip) (busy or open ones; an empty id stands for every e-mail delivery). */
int tx_delivery_claim(struct store_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		      size_t max, const id_t_ *skip, size_t nskip, struct arena *a,
		      struct delivery **out, size_t *n, struct err *e);
/* Any tenant: records attempt a of d and d's new state (status, attempts, next_attempt_at,
 * last_status, last_error, updated_at as set in d), releasing the lease; only while owner
 * still holds it (0), else ERR_CONFLICT and nothing is written. A NULL a gives a lease back
 * untried (no attempt row). */
int tx_delivery_record(struct store_tx *tx, const char *owner, const struct delivery *d,
		       const struct delivery_attempt *a, struct err *e);
/* Any tenant: pushes the pending deliveries of (tenant, endpoint) due before until to until
 * (the open circuit), except the one named keep. */
int tx_delivery_defer(struct store_tx *tx, const char *tenant, const char *endpoint_id,
		      int64_t until, const char *keep, struct err *e);

/* --- reminders (core/reminder.h: offsets and the planning rule) --- */
/* Replaces the booking's reminders, sent ones too (a new start is a new appointment time),
 * with one per offset whose due time (start - offset) is after now. */
int tx_reminders_plan(struct store_tx *tx, const char *booking_id, int64_t start,
		      const int *offsets, size_t noffsets, int64_t now, struct err *e);
/* Drops the booking's unsent reminders. */
int tx_reminders_drop(struct store_tx *tx, const char *booking_id, struct err *e);
/* Drops the unsent reminder (booking, offset), if there is one. */
int tx_reminder_cancel(struct store_tx *tx, const char *booking_id, int offset_minutes,
		       struct err *e);
/* The booking's reminders (sent or not), by offset descending, for the API; (*sent_at)[i]
 * is 0 while unsent. */
int tx_reminders_of(struct store_tx *tx, const char *booking_id, struct arena *a,
		    struct reminder **out, int64_t **sent_at, size_t *n, struct err *e);
/* Any tenant: unsent reminders due by now, at most max, oldest first (on PostgreSQL locked
 * for this transaction, skipping rows another holds). */
int tx_reminders_due(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		     struct reminder **out, size_t *n, struct err *e);
/* Marks (booking, offset) sent at now; ERR_CONFLICT when it already was or is gone. */
int tx_reminder_sent(struct store_tx *tx, const char *booking_id, int offset_minutes,
		     int64_t now, struct err *e);
/* The tenant's default offsets (set = false when it never set them). */
int tx_reminder_defaults_get(struct store_tx *tx, struct reminder_offsets *out, struct err *e);
int tx_reminder_defaults_put(struct store_tx *tx, const struct reminder_offsets *o, int64_t now,
			     struct err *e);
/* The offsets in force for a booking of service_id: the service's, else the tenant's, else
 * REMINDER_DEFAULT (also when the service is gone). One statement. */
int tx_reminder_offsets_for(struct store_tx *tx, const char *service_id,
			    struct reminder_offsets *out, struct err *e);

/* --- the tenant, as messages name it --- */
struct tenant_info {
	char slug[64];
	char name[NAME_MAX_LEN + 1];
	char link_secret[TOKEN_MAX];	/* the key its bookings' manage tokens derive from */
};
/* The tenant's slug, name and link key; with make (a write transaction) a missing key is
 * made and stored. */
int tx_tenant_info(struct store_tx *tx, bool make, struct tenant_info *out, struct err *e);

/* The hash of booking id's manage token (to tell whether a derived token is the one it
 * has: bookings made before their tenant had a link key have random ones). */
int tx_booking_manage_hash(struct store_tx *tx, const char *id, char out[TOKEN_HASH_MAX],
			   struct err *e);

/* --- message templates: a tenant's overrides of the built-in ones --- */
struct message_template {
	char event_type[EVENT_TYPE_MAX];
	char locale[LOCALE_MAX];
	char *subject, *text, *html;	/* arena */
	int64_t updated_at;
};
/* ERR_NOT_FOUND when the tenant has none for (event_type, locale). */
int tx_template_get(struct store_tx *tx, const char *event_type, const char *locale,
		    struct arena *a, struct message_template *out, struct err *e);
int tx_template_put(struct store_tx *tx, const struct message_template *t, struct err *e);
int tx_template_delete(struct store_tx *tx, const char *event_type, const char *locale,
		       struct err *e);

#endif
