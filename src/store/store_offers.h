/* The storage interface, continued: a provider's own price and duration for a service it
 * offers (service_providers.price and .duration_min; NULL = the service's). The service's
 * reads (tx_service_get and the lists) carry them as service.offers, and rewriting a
 * service keeps them for the providers it keeps. The rules of store/store.h apply. */
#ifndef SLOTD_STORE_STORE_OFFERS_H
#define SLOTD_STORE_STORE_OFFERS_H

#include "store/store.h"

/* Sets provider_id's own price (a decimal string, "" = the service's) and duration (minutes,
 * 0 = the service's) for service_id, whose updated_at becomes now (Unix seconds).
 * ERR_NOT_FOUND when the provider does not offer the service. */
int tx_service_offer_set(struct store_tx *tx, const char *service_id, const char *provider_id,
			 const char *price, int duration_min, int64_t now, struct err *e);

#endif
