/* A new booking's location, resolved from its service's when it is made, so a later change
 * of the service or of the provider's meeting room leaves the booking's link as sent. */
#include "usecase/uc_int.h"

#include <string.h>

#include "core/location.h"
#include "store/store_bookings.h"

int uc_booking_location(struct uc_ctx *ctx, struct store_tx *tx,
			const struct location *service_loc, const char *tenant_slug,
			struct booking *b, struct err *e)
{
	struct location_vars v;
	struct provider p;

	memset(&b->location, 0, sizeof(b->location));
	if (!service_loc || service_loc->kind == LOCATION_NONE)
		return 0;
	memset(&p, 0, sizeof(p));
	if (service_loc->kind == LOCATION_VIDEO) {
		if (*service_loc->value && !*b->reference &&
		    tx_booking_reference_new(tx, b->reference, e))
			return -1;
		if (!*service_loc->value &&
		    tx_provider_profile_read(tx, b->provider_id, ctx->arena, &p, e))
			return -1;
	}
	v.tenant = tenant_slug;
	v.reference = b->reference;
	v.booking_id = b->id;
	v.provider_id = b->provider_id;
	location_resolve(service_loc, p.video_url, &v, &b->location);
	return 0;
}
