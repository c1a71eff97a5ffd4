/* Waitlist offers: when time frees, the best waiting entry is offered a start as a hold. */
#ifndef SLOTD_HTTP_WAITLIST_H
#define SLOTD_HTTP_WAITLIST_H

#include "http/req.h"

/* Provider provider_id's blocked time [block_start, block_end) has just freed (a
 * cancellation, a reschedule, a released hold, time off removed): offers starts around it to
 * waiting entries. Failures are logged; the action that freed the time stands. */
void waitlist_time_freed(struct req *r, const char *provider_id, int64_t block_start,
			 int64_t block_end);

/* Closes the tenant's expired offers and offers their time to the next entries. */
void waitlist_tick(struct req *r);

/* The same for every tenant with expired offers, at now (the background sweeper). */
void waitlist_sweep(struct http_ctx *ctx, int64_t now);

#endif
