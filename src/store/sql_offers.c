/* A provider's own price and duration for a service (service_providers.price and
 * .duration_min): read with the service, kept when the service is rewritten, set alone. */
#include "store/sql_int.h"
#include "store/store_offers.h"

#include <string.h>

static void read_offer(struct stmt *s, struct arena *a, void *dst)
{
	struct provider_offer *o = dst;

	(void)a;
	memset(o, 0, sizeof(*o));
	col_text(s, 0, o->provider_id, sizeof(o->provider_id));
	col_text(s, 1, o->price, sizeof(o->price));
	o->duration_min = (int)col_opt_i64(s, 2);
}

int service_offers_read(struct store_tx *tx, struct service *v, struct arena *a, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT provider_id, price, duration_min FROM service_providers"
				    " WHERE tenant_id = ?1 AND service_id = ?2"
				    " AND (price IS NOT NULL OR duration_min IS NOT NULL)"
				    " ORDER BY provider_id",
				    e);

	v->offers = NULL;
	v->noffers = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, v->id);
	return rows_read(tx->c, s, read_offer, sizeof(*v->offers), a, (void **)&v->offers,
			 &v->noffers, "read provider prices and durations", e);
}

/* Writes the provider's own price and duration (NULL / 0: the service's) on its link to the
 * service; what names the step in a failure. Returns 0 / -1. */
static int offer_write(struct store_tx *tx, const char *service_id, const char *provider_id,
		       const char *price, int duration_min, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE service_providers SET price = ?4, duration_min = ?5"
				    " WHERE tenant_id = ?1 AND service_id = ?2 AND provider_id = ?3",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	bind_text(s, 3, provider_id);
	bind_opt_text(s, 4, price);
	bind_opt_i64(s, 5, duration_min);
	return step_done(tx->c, s, what, e);
}

int tx_service_offer_set(struct store_tx *tx, const char *service_id, const char *provider_id,
			 const char *price, int duration_min, int64_t now, struct err *e)
{
	struct stmt *s;

	if (offer_write(tx, service_id, provider_id, price, duration_min,
			"write provider price and duration", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "provider %s does not offer service %s",
			       provider_id, service_id);
	s = conn_prep(tx->c, "UPDATE services SET updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "touch service", e);
}

int service_offers_keep(struct store_tx *tx, const struct service *v, struct err *e)
{
	size_t i;

	for (i = 0; i < v->noffers; i++) {
		const struct provider_offer *o = &v->offers[i];
		if (!service_offer(v, o->provider_id))
			continue;
		if (offer_write(tx, v->id, o->provider_id, o->price, o->duration_min,
				"keep provider price and duration", e))
			return -1;
	}
	return 0;
}
