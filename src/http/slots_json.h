/* Rendering of slot lists as JSON, the hot path of GET /v1/slots. Hand-written: instants are
 * formatted from a cached per-day prefix and the zone offset is looked up only when a slot
 * crosses into a new offset period. */
#ifndef SLOTD_HTTP_SLOTS_JSON_H
#define SLOTD_HTTP_SLOTS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/slots.h"
#include "core/tz.h"
#include "util/buf.h"

/* Appends {"slots":[{"start","end","provider_id"[,"seats_left"]}…]} to b. Instants carry the
 * offset of display at that instant; provider_ids[slot.provider] names each provider. */
void slots_render_json(struct buf *b, const struct slot *v, size_t n, const struct tz *display,
		       const char *const *provider_ids, bool with_seats);

/* Appends {"slots":[{"start","end","providers_free"[,"provider_ids"]}…]} to b: the slots v
 * (ordered by start) grouped by start and end, each group once with how many providers are
 * free then and, with with_ids, which (in v's order). */
void slots_render_grouped(struct buf *b, const struct slot *v, size_t n,
			  const struct tz *display, const char *const *provider_ids,
			  bool with_ids);

#endif
