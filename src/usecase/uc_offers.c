/* A provider's own price and duration for a service: set, cleared and read through the
 * service, whose event (service.updated) carries the change in provider_overrides. */
#include "usecase/uc_offers.h"

#include <string.h>

#include "store/store_offers.h"
#include "usecase/uc_int.h"

/* True when s lists provider_id. */
static bool offers_provider(const struct service *s, const char *provider_id)
{
	size_t i;

	for (i = 0; i < s->nproviders; i++)
		if (!strcmp(s->provider_ids[i], provider_id))
			return true;
	return false;
}

/* Service service_id read in tx, when provider_id offers it within the caller's reach. */
static int offer_read(struct uc_ctx *ctx, struct store_tx *tx, const char *service_id,
		      const char *provider_id, struct service *out, struct err *e)
{
	if (tx_service_get(tx, service_id, ctx->arena, out, e))
		return -1;
	if (!uc_covers(ctx, provider_id) || !offers_provider(out, provider_id))
		return err_set(e, ERR_NOT_FOUND, "provider %s does not offer service %s",
			       provider_id, service_id);
	return 0;
}

struct offer_edit {
	const char *service_id, *provider_id, *price;
	int duration_min;
	struct service *out;
};

static int offer_set_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct offer_edit *oe = arg;
	const struct provider_offer *own;
	json_t *before;

	if (offer_read(ctx, tx, oe->service_id, oe->provider_id, oe->out, e))
		return -1;
	own = service_offer(oe->out, oe->provider_id);
	/* The same terms again: nothing to write, no event. */
	if (!strcmp(own ? own->price : "", oe->price) &&
	    (own ? own->duration_min : 0) == oe->duration_min)
		return 0;
	if (*oe->price && !*oe->out->currency)
		return err_field(e, "/price",
				 "needs the service to have a currency (set the service's price and"
				 " currency first)");
	before = wire_service(oe->out);
	if (tx_service_offer_set(tx, oe->service_id, oe->provider_id, oe->price, oe->duration_min,
				 ctx->now, e) ||
	    tx_service_get(tx, oe->service_id, ctx->arena, oe->out, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "service.updated", oe->service_id, wire_service(oe->out), before,
		       e);
}

int uc_offer_set(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		 const char *price, int duration_min, struct service *out, struct err *e)
{
	struct offer_edit oe = {service_id, provider_id, price, duration_min, out};

	return uc_write(ctx, offer_set_tx, &oe, e);
}

int uc_offer_get(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		 struct service *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = offer_read(ctx, tx, service_id, provider_id, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_offer_list(struct uc_ctx *ctx, const char *service_id, struct service *out,
		  struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	size_t i, k = 0;
	id_t_ *ids;
	int rc;

	if (!tx)
		return -1;
	rc = tx_service_get(tx, service_id, ctx->arena, out, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	ids = arena_alloc(ctx->arena, (out->nproviders + 1) * sizeof(*ids));
	for (i = 0; i < out->nproviders; i++)
		if (uc_covers(ctx, out->provider_ids[i]))
			memcpy(ids[k++], out->provider_ids[i], ID_MAX);
	out->provider_ids = ids;
	out->nproviders = k;
	return 0;
}
