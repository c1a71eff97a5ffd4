/* Tenants, API keys, and what availability is made of: providers, services, schedules,
 * overrides, holidays, time off, the policy defaults and the tenant settings. Part of the
 * use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_CATALOG_H
#define SLOTD_USECASE_UC_CATALOG_H

#include "usecase/uc.h"

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

/* The providers a batch added (each new to the service once, in the order given) and how
 * many offer the service after it. */
struct uc_providers_added {
	id_t_ *ids;
	size_t n;
	size_t count;
};
/* Adds the providers ids[0..n) to service_id, all or none (a provider already offering it is
 * left as it is; one that does not exist is ERR_INVALID at /provider_ids/<index>), with
 * service.providers_added naming those added (none added: nothing written). */
int uc_service_providers_add(struct uc_ctx *ctx, const char *service_id, const id_t_ *ids,
			     size_t n, struct uc_providers_added *out, struct err *e);
/* Removes provider_id from service_id (ERR_NOT_FOUND when it does not offer it): its holds
 * and waitlist entries for the service end, with service.provider_removed. */
int uc_service_provider_remove(struct uc_ctx *ctx, const char *service_id,
			       const char *provider_id, struct err *e);

/* A provider's schedule as it reads after the call. */
struct uc_schedule {
	struct provider provider;
	const struct tz *zone;
	struct schedule *schedule;
};
int uc_schedule_get(struct uc_ctx *ctx, const char *provider_id, struct uc_schedule *out,
		    struct err *e);
/* Checks that the services ids[0..n) name exist in the tenant (an id may repeat; each is
 * read once): ERR_INVALID with a field error at pointers[i] for each that does not. */
int uc_services_exist(struct uc_ctx *ctx, const char *const *ids, const char *const *pointers,
		      size_t n, struct err *e);
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
/* Override id of provider_id (ERR_NOT_FOUND outside the caller's reach). */
int uc_override_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct override_rec *out, struct err *e);
/* Writes o (an edit of was, as uc_override_get read it; o->id and o->provider_id name it),
 * setting o->updated_at, with override.updated. ERR_CONFLICT when the stored override no
 * longer equals was; ERR_RECORD_LIMIT when it becomes recurring past
 * UC_RECURRING_OVERRIDES_MAX. */
int uc_override_update(struct uc_ctx *ctx, const struct override_rec *was,
		       struct override_rec *o, struct err *e);

/* ERR_RECORD_LIMIT past UC_HOLIDAYS_MAX. */
int uc_holiday_create(struct uc_ctx *ctx, struct holiday_rec *h, struct err *e);
int uc_holiday_list(struct uc_ctx *ctx, struct page pg, struct holiday_rec **out, size_t *n,
		    struct err *e);
int uc_holiday_delete(struct uc_ctx *ctx, const char *id, struct err *e);
/* Holiday id; its provider ids live in ctx's arena. */
int uc_holiday_get(struct uc_ctx *ctx, const char *id, struct holiday_rec *out, struct err *e);
/* Every holiday with a date from_day..to_day (local dates; a rule's dates expanded), by id;
 * *out lives in ctx's arena. */
int uc_holiday_range(struct uc_ctx *ctx, int64_t from_day, int64_t to_day,
		     struct holiday_rec **out, size_t *n, struct err *e);
/* Writes h (an edit of was, as uc_holiday_get read it), setting h->updated_at, with
 * holiday.updated. ERR_CONFLICT when the stored holiday no longer equals was. */
int uc_holiday_update(struct uc_ctx *ctx, const struct holiday_rec *was, struct holiday_rec *h,
		      struct err *e);

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
/* Time off id of provider_id (ERR_NOT_FOUND outside the caller's reach). */
int uc_time_off_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct time_off_rec *out, struct err *e);
/* Writes t (an edit of was, as uc_time_off_get read it), setting t->updated_at, with
 * time_off.updated; *zone is the provider's. When the edit uncovers time the old span held
 * (shrunk or moved), the waitlist is offered it, as on delete. ERR_CONFLICT when the stored
 * time off no longer equals was. */
int uc_time_off_update(struct uc_ctx *ctx, const struct time_off_rec *was,
		       struct time_off_rec *t, const struct tz **zone, struct err *e);

/* The tenant's policy defaults and reminder offsets (not set when never set: then
 * REMINDER_DEFAULT applies); uc_policy_put replaces both (event policy.updated). */
int uc_policy_get(struct uc_ctx *ctx, struct policy *out, struct reminder_offsets *reminders,
		  struct err *e);
/* The tenant's settings; uc_settings_put replaces them (event settings.updated). */
int uc_settings_get(struct uc_ctx *ctx, struct tenant_settings *out, struct err *e);
int uc_settings_put(struct uc_ctx *ctx, const struct tenant_settings *s, struct err *e);
/* The settings of tenant_id, for the server's own use (rate limits). */
int uc_tenant_settings(const struct uc_env *env, const char *tenant_id,
		       struct tenant_settings *out, struct err *e);
int uc_policy_put(struct uc_ctx *ctx, const struct policy *p,
		  const struct reminder_offsets *reminders, struct err *e);

#endif
