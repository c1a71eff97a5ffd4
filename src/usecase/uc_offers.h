/* A provider's own price and duration for a service it offers (the service's providers
 * routes). Part of the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_OFFERS_H
#define SLOTD_USECASE_UC_OFFERS_H

#include "usecase/uc.h"

/* Sets (price "" and duration_min 0: clears) provider_id's own price and duration for
 * service_id, with service.updated (the same terms again write nothing); out is the service
 * after it. ERR_NOT_FOUND for an unknown service, a provider the caller may not act for, or
 * one that does not offer the service; ERR_INVALID at /price for a price while the service has
 * no currency. */
int uc_offer_set(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		 const char *price, int duration_min, struct service *out, struct err *e);
/* Service service_id when provider_id offers it and the caller may act for it (else
 * ERR_NOT_FOUND), for wire_service_offer. */
int uc_offer_get(struct uc_ctx *ctx, const char *service_id, const char *provider_id,
		 struct service *out, struct err *e);
/* Service service_id with provider_ids narrowed to the providers the caller may act for. */
int uc_offer_list(struct uc_ctx *ctx, const char *service_id, struct service *out,
		  struct err *e);

#endif
