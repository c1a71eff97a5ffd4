/* Choosing the provider for a start, shared by bookings, holds and waitlist offers: the
 * slot engine decides, inside the store's write transaction. */
#ifndef SLOTD_HTTP_PICK_H
#define SLOTD_HTTP_PICK_H

#include "core/slots.h"
#include "http/req.h"

struct pick_ctx {
	struct req *r;
	int64_t start;
	const char *manage_token;	/* bookings: shown once in the 201 */
	const struct tz *zone;		/* the chosen provider's, set by booking_pick */
};

/* A booking_create_ops.pick: among n loaded providers, the one that can take ctx->start
 * with the fewest active bookings that local day, then the fewest around it, then the
 * first by id; fills bk's provider, times, capacity, status (pending when the provider
 * does not auto-confirm or the service requires approval), price and a new id. -1 with
 * ERR_SLOT_TAKEN when only bookings or holds are in the way of some provider, else
 * ERR_UNAVAILABLE with the reasons. */
int booking_pick(void *ctx, const struct service *svc, struct avail_bundle *b, size_t n,
		 struct booking *bk, struct err *e);

/* Explains start for one loaded provider with its bookings, through the slot engine. */
int pick_explain(struct req *r, const struct service *svc, struct avail_bundle *b,
		 uint32_t index, int64_t start, struct slot_scratch *scratch,
		 struct slot_explanation *x, struct err *e);

/* The error for an unbookable start: 409 slot_taken when only bookings or holds are in the
 * way, else 422 slot_unavailable with the reason codes. */
int pick_not_bookable(struct err *e, unsigned reasons, const struct holiday *holiday);

#endif
