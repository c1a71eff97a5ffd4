/* The public booking page: visitors without a key reach a tenant by its slug, see its public
 * services, and book them; customers manage their booking with its manage token. */
#ifndef SLOTD_USECASE_UC_PUBLIC_H
#define SLOTD_USECASE_UC_PUBLIC_H

#include <jansson.h>

#include "core/model.h"
#include "util/err.h"

struct uc_ctx;
struct uc_env;

/* The caller a visitor of tenant slug's page is, from the client address key (the same
 * text the per-address rate limit uses): role customer, key_id "pub_" and a digest of the
 * address. ERR_NOT_FOUND for an unknown slug. */
int uc_visitor(const struct uc_env *env, const char *slug, const char *address,
	       struct auth *out, struct err *e);

/* {"tenant", "services"}: the page's settings and the public services, each with its
 * resolved policy and its providers' public fields (id, name, time_zone). */
int uc_public_page(struct uc_ctx *ctx, json_t **out, struct err *e);

/* 0 when service_id names a public service of the tenant, ERR_NOT_FOUND otherwise (a
 * service that is not public is as unknown as a missing one). A provider_id (not NULL) on
 * a page that lets customers book only "anyone" is a field error at /provider_id. */
int uc_public_service(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		      struct err *e);

/* The manage token's booking with what its page shows: tenant, service, provider, and
 * whether cancelling and rescheduling are open now (with the fee a cancellation would owe). */
int uc_manage_view(struct uc_ctx *ctx, json_t **out, struct err *e);

/* The service of the manage token's booking (for the slots it may be moved to). */
int uc_manage_service(struct uc_ctx *ctx, char service_id[ID_MAX], struct err *e);

#endif
