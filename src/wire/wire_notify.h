/* The wire format of notifications: webhook endpoints, deliveries with their attempts, and
 * message templates (rendered for responses and event payloads alike). The structs come
 * from store/store_notify.h (plain values; wire does not call the store). */
#ifndef SLOTD_WIRE_WIRE_NOTIFY_H
#define SLOTD_WIRE_WIRE_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store_notify.h"

/* An endpoint as of now (secret_rotation_until only while the previous secret still signs);
 * secret (shown at creation alone) when not NULL. Instants in UTC. */
json_t *wire_endpoint(const struct webhook_endpoint *w, int64_t now, const char *secret);
/* A delivery; with log, its "attempt_log" of the n attempts. */
json_t *wire_delivery(const struct delivery *d, bool log, const struct delivery_attempt *attempts,
		      size_t n);
/* {"event_type", "locale", "subject", "text", "html", "custom"} and, with vars, the
 * documented "variables" [{"name", "description"}]. */
json_t *wire_template(const struct message_template *t, bool custom, bool vars);

#endif
