/* The application layer: each use case loads what it needs from the store, asks core to
 * decide, writes, and appends its event — all in one transaction — and answers in plain
 * structs that src/wire renders. HTTP handlers and background duties call it alike, with an
 * explicit context: who acts, for which tenant, when, and for which request. See README.md. */
#ifndef SLOTD_USECASE_UC_H
#define SLOTD_USECASE_UC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/engine.h"
#include "core/entry.h"
#include "core/model.h"
#include "store/store.h"
#include "store/store_bookings.h"
#include "store/store_entries.h"
#include "util/arena.h"
#include "util/err.h"

/* Settings fixed at start-up. */
struct uc_config {
	int64_t event_retention_seconds;	/* events older than this are purged; 0 = kept */
	int64_t request_timeout_ms;	/* a request's time budget for long reads (slots,
					 * explain, calendar, booking checks); 0 = the default,
					 * UC_REQUEST_TIMEOUT_MS */
};

#define UC_REQUEST_TIMEOUT_MS 2000

/* Shared by every call; read-only after start-up. */
struct uc_env {
	struct store *store;
	struct tz_db *tz;
	int64_t (*clock)(void);		/* UTC seconds, for background duties */
	struct uc_config config;
};

/* One call. */
struct uc_ctx {
	const struct uc_env *env;
	const struct auth *auth;	/* the caller: tenant, role, key, provider scope */
	struct actor actor;		/* as events record it */
	int64_t now;
	const char *request_id;		/* NULL when no request caused the call */
	struct arena *arena;		/* for results and scratch; freed by the caller */
	int64_t deadline_ns;		/* on recur_clock_ns's clock: past it, long reads stop
					 * with ERR_TIMEOUT; 0 = none (background duties) */
	struct expand *expand;		/* rule dates shared by the call; made on first use */
};

/* A context for a caller that authenticated as auth; its deadline is the configured budget
 * from now. */
void uc_ctx_init(struct uc_ctx *ctx, const struct uc_env *env, const struct auth *auth,
		 int64_t now, const char *request_id, struct arena *a);
/* A context for a background duty (name, e.g. "sweeper") acting for tenant with full
 * rights; auth is storage the context points to. */
void uc_ctx_system(struct uc_ctx *ctx, const struct uc_env *env, struct auth *auth,
		   const char *tenant, const char *name, int64_t now, struct arena *a);

/* The real clock (UTC seconds). */
int64_t uc_clock(void);
/* Whether the database answers (readiness). */
int uc_ready(const struct uc_env *env, struct err *e);
/* The store's backend: "sqlite" or "postgresql". */
const char *uc_backend_name(const struct uc_env *env);

/* --- tenants and keys --- */

/* Creates a tenant with an admin key (its secret into secret, TOKEN_MAX bytes); writes
 * key.created. ERR_CONFLICT when the slug is taken. actor names the duty ("cli"). */
int uc_tenant_create(const struct uc_env *env, const char *slug, const char *name,
		     int64_t now, char *secret, struct err *e);
/* Adds key k (name, role, scope, expiry) to the tenant named slug from a command line. */
int uc_key_create_cli(const struct uc_env *env, const char *slug, struct api_key *k,
		      int64_t now, char *secret, struct err *e);

int uc_key_create(struct uc_ctx *ctx, struct api_key *k, char *secret, struct err *e);
int uc_key_get(struct uc_ctx *ctx, const char *id, struct api_key *out, struct err *e);
int uc_key_list(struct uc_ctx *ctx, struct page pg, struct api_key **out, size_t *n,
		struct err *e);
/* Revokes a key; ERR_LAST_ADMIN when it is the tenant's last live admin key. hash gets the
 * revoked secret's hash, so the caller can forget it at once. */
int uc_key_revoke(struct uc_ctx *ctx, const char *id, char hash[TOKEN_HASH_MAX],
		  struct err *e);

/* Who presents a credential (an API key or a manage token "mt_…") with hash key_hash:
 * ERR_UNAUTHORIZED when nobody (or an expired key, as of now). Records the key's use. */
int uc_authenticate(const struct uc_env *env, const char *credential, const char *key_hash,
		    int64_t now, struct auth *out, struct err *e);
/* Checks a cached auth at now: ERR_UNAUTHORIZED once the key has expired. */
int uc_auth_current(const struct auth *a, int64_t now, struct err *e);

/* --- providers, services and availability --- */

int uc_provider_create(struct uc_ctx *ctx, struct provider *p, struct err *e);
int uc_provider_get(struct uc_ctx *ctx, const char *id, struct provider *out,
		    const struct tz **zone, struct err *e);
int uc_provider_list(struct uc_ctx *ctx, struct page pg, struct provider **out, size_t *n,
		     struct err *e);
int uc_provider_update(struct uc_ctx *ctx, const char *id, const struct provider_patch *pp,
		       struct provider *out, struct err *e);
/* Deletes a provider. Without force, ERR_IN_USE naming its upcoming bookings and schedule
 * entries when it has any; with force, those bookings are cancelled (booking.cancelled)
 * and it leaves its entries (entry.updated, or entry.deleted for one it was alone on).
 * Its holds end and the waitlist entries waiting for it alone are removed, with their
 * events. Past bookings keep naming it: reads and lists no longer show it. */
int uc_provider_delete(struct uc_ctx *ctx, const char *id, bool force, struct err *e);

int uc_service_create(struct uc_ctx *ctx, struct service *s, struct err *e);
int uc_service_get(struct uc_ctx *ctx, const char *id, struct service *out, struct err *e);
int uc_service_list(struct uc_ctx *ctx, struct page pg, struct service **out, size_t *n,
		    struct err *e);
int uc_service_update(struct uc_ctx *ctx, const char *id, const struct service_patch *sp,
		      struct service *out, struct err *e);
int uc_service_delete(struct uc_ctx *ctx, const char *id, struct err *e);

/* A provider's schedule as it reads after the call. */
struct uc_schedule {
	struct provider provider;
	const struct tz *zone;
	struct schedule *schedule;
};
int uc_schedule_get(struct uc_ctx *ctx, const char *provider_id, struct uc_schedule *out,
		    struct err *e);
/* Replaces the schedule (versions checked: ordered, not overlapping). */
int uc_schedule_put(struct uc_ctx *ctx, const char *provider_id, struct schedule *s,
		    struct uc_schedule *out, struct err *e);

/* Caps that bound what one slot query or calendar must read and expand; no real clinic
 * reaches them. Creating one more is ERR_RECORD_LIMIT. */
#define UC_HOLIDAYS_MAX 500			/* per tenant */
#define UC_OVERRIDES_MAX 500			/* per provider */
#define UC_RECURRING_OVERRIDES_MAX 1000	/* per tenant */

/* o's provider_id names the provider; id and created_at are set here. ERR_RECORD_LIMIT
 * past UC_OVERRIDES_MAX or, for a recurring one, UC_RECURRING_OVERRIDES_MAX. */
int uc_override_create(struct uc_ctx *ctx, struct override_rec *o, struct err *e);
int uc_override_list(struct uc_ctx *ctx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct override_rec **out, size_t *n, struct err *e);
int uc_override_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e);

/* ERR_RECORD_LIMIT past UC_HOLIDAYS_MAX. */
int uc_holiday_create(struct uc_ctx *ctx, struct holiday_rec *h, struct err *e);
int uc_holiday_list(struct uc_ctx *ctx, struct page pg, struct holiday_rec **out, size_t *n,
		    struct err *e);
int uc_holiday_delete(struct uc_ctx *ctx, const char *id, struct err *e);

/* t's provider_id names the provider; *zone is its zone. */
int uc_time_off_create(struct uc_ctx *ctx, struct time_off_rec *t, const struct tz **zone,
		       struct err *e);
/* Time off on the provider's local dates from_day..to_day, by id. */
int uc_time_off_list(struct uc_ctx *ctx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct time_off_rec **out, size_t *n,
		     const struct tz **zone, struct err *e);
/* The freed time goes to the waitlist. */
int uc_time_off_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e);

int uc_policy_get(struct uc_ctx *ctx, struct policy *out, struct err *e);
/* The tenant's settings; uc_settings_put replaces them (event settings.updated). */
int uc_settings_get(struct uc_ctx *ctx, struct tenant_settings *out, struct err *e);
int uc_settings_put(struct uc_ctx *ctx, const struct tenant_settings *s, struct err *e);
/* The settings of tenant_id, for the server's own use (rate limits). */
int uc_tenant_settings(const struct uc_env *env, const char *tenant_id,
		       struct tenant_settings *out, struct err *e);
int uc_policy_put(struct uc_ctx *ctx, const struct policy *p, struct err *e);

/* --- slots --- */

/* The service and the providers a slot query covers, ready for the engine. */
struct uc_slot_job {
	struct service svc;
	struct service_rules rules;
	size_t n;
	const char **ids;		/* provider ids, by slot_provider.index */
	struct slot_provider *providers;
};
/* Loads service_id and its providers (provider_id alone when set: it must offer the
 * service, else ERR_INVALID at provider_id) that the caller may act for, over the UTC
 * window [from, to) widened for zones and buffers. ERR_NOT_FOUND for an unknown service or
 * provider. */
int uc_slot_job(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		int64_t from, int64_t to, struct uc_slot_job *out, struct err *e);

/* Bookable starts of service_id (provider_id alone when set) on the local dates
 * from_day..to_day of zone_name (NULL: the providers' zone, which must be one), at most
 * max: ERR_INVALID at timezone for an unknown zone or providers in several, ERR_RANGE at
 * to past max. */
struct uc_slots {
	struct uc_slot_job job;
	const struct tz *display;	/* the zone dates were read in */
	struct slot_list *list;		/* ordered by start, then provider (freed with the arena) */
};
int uc_slots(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	     int64_t from_day, int64_t to_day, const char *zone_name, size_t max,
	     struct uc_slots *out, struct err *e);

/* Why start is or is not bookable with provider_id, shown in zone_name (NULL: the
 * provider's). */
struct uc_explain {
	struct uc_slot_job job;
	struct slot_query q;
	struct slot_explanation x;
	const struct tz *zone;
};
int uc_explain(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
	       int64_t start, const char *zone_name, struct uc_explain *out, struct err *e);

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
};
/* Applies a lifecycle action or a reschedule; the freed time goes to the waitlist. */
int uc_booking_act(struct uc_ctx *ctx, const char *id, const struct uc_action *act,
		   struct booking *out, const struct tz **zone, struct err *e);

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
/* Provider provider_id's time [from, to) has freed: offers it to waiting entries. Failures
 * are logged; what freed the time stands. */
void uc_waitlist_freed(struct uc_ctx *ctx, const char *provider_id, int64_t from, int64_t to);
/* Closes the tenant's expired holds and offers (hold.expired, waitlist.expired) and offers
 * their time to the next entries. */
void uc_waitlist_tick(struct uc_ctx *ctx);
/* The same for every tenant with expired holds, at now (the background sweeper). */
void uc_waitlist_sweep(const struct uc_env *env, int64_t now);

/* --- schedule entries --- */

enum uc_scope { UC_SCOPE_ALL = 0, UC_SCOPE_THIS, UC_SCOPE_FUTURE };

/* What an entry write answers: the series (the new one, for a split) in its zone, with the
 * conflicts its occurrences have from conflicts_from on. */
struct uc_entry {
	struct entry *entry;
	const struct tz *zone;
	const char *split_from;		/* the series a scope=future edit split off, or NULL */
	struct conflict *conflicts;
	size_t nconflicts;
};
/* Creates the series p describes (every field the patch sets; title, start, end and
 * assignees required). */
int uc_entry_create(struct uc_ctx *ctx, const struct entry_patch *p, struct uc_entry *out,
		    struct err *e);
int uc_entry_get(struct uc_ctx *ctx, const char *id, struct entry *out, const struct tz **zone,
		 struct err *e);
int uc_entry_list(struct uc_ctx *ctx, const char *assignee_id, struct page pg,
		  struct entry **out, const struct tz ***zones, size_t *n, struct err *e);
/* Edits (p) or deletes (p NULL) the series id, one occurrence of it (scope this, at
 * occurrence) or it from an occurrence on (future). The time it may free goes to the
 * waitlist of its former assignees. */
int uc_entry_edit(struct uc_ctx *ctx, const char *id, enum uc_scope scope,
		  const int64_t *occurrence, int if_match, const struct entry_patch *p,
		  struct uc_entry *out, struct err *e);

/* --- the calendar --- */
/* Items of the providers ids[0..n) over [from, to), ordered. ERR_INVALID at provider_ids for
 * one that does not exist (or the caller may not act for); ERR_RANGE past max items. */
int uc_calendar(struct uc_ctx *ctx, const char (*ids)[ID_MAX], size_t n, int64_t from,
		int64_t to, size_t max_items, struct cal_items *out, struct err *e);

/* --- events --- */
/* Events after f->after matching f, at most limit. *next_after is where the next page
 * starts (0 at the end): the last seq of a full page, or — filtering by anything but the
 * subject, where one call reads a bounded run of seqs — the end of the run it read. */
int uc_event_list(struct uc_ctx *ctx, struct event_filter *f, size_t limit,
		  struct event_rec **out, size_t *n, int64_t *next_after, struct err *e);
/* Purges events past the configured retention (the sweeper). */
void uc_event_purge(const struct uc_env *env, int64_t now);

#endif
