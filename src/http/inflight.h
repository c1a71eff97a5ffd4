/* Idempotency keys whose first request is still running in this process: a second request
 * with the same key gets 409 instead of waiting behind the first. Thread-safe. */
#ifndef SLOTD_HTTP_INFLIGHT_H
#define SLOTD_HTTP_INFLIGHT_H

#include <stdbool.h>

#define INFLIGHT_SLOTS 256

struct inflight;

struct inflight *inflight_new(void);
void inflight_free(struct inflight *f);
/* Claims (tenant, key); false when another request holds it. With every slot taken the
 * claim succeeds untracked (the database transaction still keeps the key consistent). */
bool inflight_claim(struct inflight *f, const char *tenant, const char *key, int *slot);
void inflight_release(struct inflight *f, int slot);

#endif
