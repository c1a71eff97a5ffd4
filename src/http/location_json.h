/* Reading a service's location from JSON: null, {"type":"in_person","address"},
 * {"type":"phone"[,"phone"]} or {"type":"video"[,"url_template"]} (wire_location renders
 * the same shape). */
#ifndef SLOTD_HTTP_LOCATION_JSON_H
#define SLOTD_HTTP_LOCATION_JSON_H

#include <jansson.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/err.h"

/* Reads v (at pointer base, e.g. "/location") into *out, allocated in a (NULL for null).
 * Returns 0 / -1 with field errors in e. */
int location_parse(json_t *v, const char *base, struct arena *a, const struct location **out,
		   struct err *e);

#endif
