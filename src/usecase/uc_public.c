/* The public booking page's reads: the tenant by slug, its public services, and the manage
 * token's view of its booking. Writes (holds, bookings, waitlist) go through the same use
 * cases as keyed callers, as a visitor (auth.visitor). */
#include "usecase/uc_int.h"

#include <stdio.h>
#include <string.h>

#include "core/booking.h"
#include "core/lifecycle.h"
#include "core/policy.h"
#include "util/ids.h"

/* The tenant's link key, made now when it has none (once: the write transaction holds the
 * tenant's lock). */
static int link_key_make(const struct uc_env *env, const char *tenant_id,
			 char link_secret[TOKEN_MAX], struct err *e)
{
	struct store_tx *tx = store_begin(env->store, tenant_id, STORE_WRITE, e);
	struct tenant_info info;
	struct err ignored;

	if (!tx)
		return -1;
	if (tx_tenant_info(tx, true, &info, e)) {
		err_init(&ignored);
		store_end(tx, false, &ignored);
		return -1;
	}
	memcpy(link_secret, info.link_secret, TOKEN_MAX);
	return store_end(tx, true, e);
}

int uc_visitor(const struct uc_env *env, const char *slug, const char *address,
	       struct auth *out, struct err *e)
{
	char secret[TOKEN_MAX] = "", derived[TOKEN_MAX];
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!*slug || strlen(slug) >= 64)
		return err_set(e, ERR_NOT_FOUND, "no booking page here");
	tx = store_begin(env->store, "", STORE_READ, e);
	if (!tx)
		return -1;
	rc = tx_tenant_find(tx, slug, out->tenant_id, secret, e);
	store_end(tx, false, e);
	if (rc) {
		if (e->code == ERR_NOT_FOUND) {
			err_init(e);
			err_set(e, ERR_NOT_FOUND, "no booking page here");
		}
		return -1;
	}
	if (!*secret && link_key_make(env, out->tenant_id, secret, e))
		return -1;
	out->role = ROLE_CUSTOMER;
	out->visitor = true;
	/* Keyed with the tenant's secret: the id names one address to this tenant only, and
	 * the address cannot be read back from events or webhooks. */
	token_derive(derived, "pb", secret, address);
	snprintf(out->key_id, sizeof(out->key_id), "pub_%.20s", derived + 3);
	return 0;
}

/* The tenant as its page shows it. */
static json_t *page_tenant(const struct tenant_info *t, const struct tenant_settings *s)
{
	json_t *o = wire_booking_page(&s->page);

	json_object_set_new(o, "slug", json_string(t->slug));
	json_object_set_new(o, "name", json_string(t->name));
	if (!*s->page.display_name)
		json_object_set_new(o, "display_name", json_string(t->name));
	json_object_set_new(o, "locale", json_string(*s->locale ? s->locale : "en"));
	return o;
}

static int read_tenant(struct store_tx *tx, json_t **out, struct err *e)
{
	struct tenant_settings set;
	struct tenant_info info;

	if (tx_tenant_info(tx, false, &info, e) || tx_settings_get(tx, &set, e))
		return -1;
	*out = page_tenant(&info, &set);
	return 0;
}

/* A provider's public fields: never the e-mail address, the meeting room or the locale. */
static json_t *public_provider(const struct provider *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", p->id, "name", p->name, "time_zone",
			      p->timezone);

	wire_provider_profile(o, p, false);
	return o;
}

/* A service's location as its page shows it: a video service's URL template stays private
 * (each booking's link goes to its customer only). */
static json_t *public_location(const struct service *s)
{
	json_t *o = wire_location(s->location, false);

	json_object_del(o, "url_template");
	return o;
}

/* Provider id with its profile (arena a). */
static int provider_read(struct store_tx *tx, const char *id, struct arena *a,
			 struct provider *p, struct err *e)
{
	return tx_provider_get(tx, id, p, e) || tx_provider_profile_read(tx, id, a, p, e) ? -1
											 : 0;
}

/* The own price and duration of each provider of s the page lists: those known in seen
 * up to last, the last listed (NULL: none listed). */
static json_t *public_overrides(const struct service *s, json_t *seen, const char *last)
{
	json_t *a = json_array(), *known;
	size_t i;

	for (i = 0; i < s->noffers; i++) {
		const struct provider_offer *o = &s->offers[i];
		known = json_object_get(seen, o->provider_id);
		if (!last || strcmp(o->provider_id, last) > 0 ||
		    !service_offer(s, o->provider_id) || !known || json_is_null(known))
			continue;
		json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "provider_id", o->provider_id,
						   "price", wire_opt_str(o->price),
						   "duration_minutes",
						   o->duration_min ? json_integer(o->duration_min)
								   : json_null()));
	}
	return a;
}

/* A public service with its resolved policy and its providers; seen maps provider ids
 * already read to their public fields (null: gone), so each is read once per page. A
 * service may have thousands of providers: the page lists the first SERVICE_MAX_PROVIDERS
 * by id (as the service resource does) and provider_count says how many offer it when they
 * are more; "any provider" books among all of them. */
static int public_service(struct store_tx *tx, struct arena *a, const struct service *s,
			  const struct policy *tenant, json_t *seen, json_t **out, struct err *e)
{
	json_t *providers = json_array(), *known;
	const char *last;
	struct policy resolved;
	struct provider p;
	size_t i;

	for (i = 0; i < s->nproviders && json_array_size(providers) < SERVICE_MAX_PROVIDERS;
	     i++) {
		struct err lookup;

		known = json_object_get(seen, s->provider_ids[i]);
		if (!known) {
			err_init(&lookup);
			if (provider_read(tx, s->provider_ids[i], a, &p, &lookup) == 0) {
				known = public_provider(&p);
			} else if (lookup.code == ERR_NOT_FOUND) {
				known = json_null();
			} else {
				json_decref(providers);
				*e = lookup;
				return -1;
			}
			json_object_set_new(seen, s->provider_ids[i], known);
		}
		if (!json_is_null(known))
			json_array_append(providers, known);
	}
	policy_resolve(tenant, &s->policy, &resolved);
	*out = json_pack("{s:s, s:s, s:i, s:o, s:o, s:i, s:b, s:o, s:o}", "id", s->id, "name",
			 s->name, "duration_minutes", s->duration_min, "price",
			 wire_opt_str(s->price), "currency", wire_opt_str(s->currency), "capacity",
			 s->capacity, "requires_approval", s->requires_approval, "policy",
			 wire_policy(&resolved), "providers", providers);
	json_object_set_new(*out, "location", public_location(s));
	last = json_array_size(providers)
		       ? json_string_value(json_object_get(
				 json_array_get(providers, json_array_size(providers) - 1), "id"))
		       : NULL;
	json_object_set_new(*out, "provider_overrides", public_overrides(s, seen, last));
	if (s->nproviders > SERVICE_MAX_PROVIDERS)
		json_object_set_new(*out, "provider_count",
				    json_integer((json_int_t)s->nproviders));
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct service *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->id, y->id);
}

int uc_public_page(struct uc_ctx *ctx, json_t **out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	json_t *tenant = NULL, *services = json_array(), *seen = json_object(), *one;
	struct service *list;
	struct policy defaults;
	size_t n, i;
	int rc = -1;

	if (!tx) {
		json_decref(services);
		json_decref(seen);
		return -1;
	}
	if (read_tenant(tx, &tenant, e) || tx_policy_get(tx, &defaults, e) ||
	    tx_service_list_public(tx, ctx->arena, &list, &n, e))
		goto done;
	if (n > 1)
		qsort(list, n, sizeof(*list), by_name);
	for (i = 0; i < n; i++) {
		if (public_service(tx, ctx->arena, &list[i], &defaults, seen, &one, e))
			goto done;
		json_array_append_new(services, one);
	}
	*out = json_pack("{s:o, s:o}", "tenant", tenant, "services", services);
	tenant = services = NULL;
	rc = 0;
done:
	json_decref(tenant);
	json_decref(services);
	json_decref(seen);
	uc_read_end(tx);
	return rc;
}

int uc_public_service(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		      struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct tenant_settings set;
	struct service s;
	int rc;

	if (!tx)
		return -1;
	rc = tx_service_get(tx, service_id, ctx->arena, &s, e);
	if (rc == 0 && provider_id)
		rc = tx_settings_get(tx, &set, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	if (!s.public)
		return err_set(e, ERR_NOT_FOUND, "service %s not found", service_id);
	if (provider_id && set.page.no_provider_choice)
		return err_field(e, "/provider_id",
				 "this booking page books the first free provider: leave it out or"
				 " send \"any\"");
	return 0;
}

/* {"allowed", "deadline"[, "fee"]}: whether the booking may be cancelled (or moved) now,
 * the instant that closes, and for a cancellation the fee it would owe. */
static json_t *action_quote(const struct booking *b, bool cancel, int64_t now,
			    const struct tz *z)
{
	struct booking copy = *b;
	const char *note = NULL;
	struct err refused;
	int64_t deadline;
	bool allowed;
	json_t *o;

	err_init(&refused);
	allowed = booking_is_active(b->status) &&
		  (cancel ? lifecycle_transition(&copy, BOOKING_CANCELLED, now, false, false,
						 &note, &refused)
			  : lifecycle_reschedule(b, now, false, &note, &refused)) == 0;
	o = json_pack("{s:b, s:o}", "allowed", allowed, "deadline",
		      lifecycle_deadline(b, cancel, &deadline) ? wire_instant(deadline, z)
							       : json_null());
	if (!allowed) {
		/* code: what a page words for people; reason: the server's own sentence. */
		json_object_set_new(o, "code", json_string(refused.code
								   ? wire_problem_code(refused.code)
								   : "booking_ended"));
		json_object_set_new(o, "reason",
				    json_string(refused.code ? refused.message
							     : "the booking has ended"));
	}
	if (cancel)
		json_object_set_new(o, "fee",
				    allowed && *copy.fee
					    ? json_pack("{s:s, s:s, s:s}", "amount", copy.fee,
							"currency", copy.currency, "reason",
							copy.fee_reason)
					    : json_null());
	return o;
}

int uc_manage_view(struct uc_ctx *ctx, json_t **out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	json_t *tenant = NULL, *service, *provider;
	const struct tz *z;
	struct booking b;
	struct service s;
	struct provider p;
	struct err lookup;
	int rc = -1;

	if (!tx)
		return -1;
	if (!*ctx->auth->booking_id) {
		err_set(e, ERR_FORBIDDEN, "this route takes a booking's manage token");
		goto done;
	}
	if (tx_booking_get(tx, ctx->auth->booking_id, ctx->arena, &b, e) ||
	    read_tenant(tx, &tenant, e))
		goto done;
	z = uc_provider_zone(ctx, tx, b.provider_id);
	err_init(&lookup);
	service = tx_service_get(tx, b.service_id, ctx->arena, &s, &lookup) == 0
			  ? json_pack("{s:s, s:s, s:i}", "id", s.id, "name", s.name,
				      "duration_minutes", service_duration_for(&s, b.provider_id))
			  : json_pack("{s:s, s:n, s:n}", "id", b.service_id, "name",
				      "duration_minutes");
	err_init(&lookup);
	if (provider_read(tx, b.provider_id, ctx->arena, &p, &lookup) == 0) {
		provider = public_provider(&p);
	} else {
		/* Gone since: its id and the zone the booking shows in, with an empty profile. */
		memset(&p, 0, sizeof(p));
		provider = json_pack("{s:s, s:n, s:s}", "id", b.provider_id, "name", "time_zone",
				     z ? tz_name(z) : "UTC");
		wire_provider_profile(provider, &p, false);
	}
	*out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "booking",
			 wire_booking(&b, z, WIRE_CUSTOMER), "tenant", tenant, "service", service,
			 "provider", provider, "cancel", action_quote(&b, true, ctx->now, z),
			 "reschedule", action_quote(&b, false, ctx->now, z));
	tenant = NULL;
	rc = 0;
done:
	json_decref(tenant);
	uc_read_end(tx);
	return rc;
}

int uc_manage_service(struct uc_ctx *ctx, char service_id[ID_MAX], struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = tx_booking_get(tx, ctx->auth->booking_id, ctx->arena, &b, e);
	uc_read_end(tx);
	if (rc == 0)
		memcpy(service_id, b.service_id, ID_MAX);
	return rc;
}
