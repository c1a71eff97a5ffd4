/* Values clients send outside the JSON body: query parameters and request headers, each
 * read from one NUL-terminated string. Pure functions (no request, no I/O), so handlers share
 * them and the fuzz targets (fuzz/) reach them directly. */
#ifndef SLOTD_WIRE_WIRE_QUERY_H
#define SLOTD_WIRE_WIRE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/ids.h"

#define WIRE_IDEMPOTENCY_KEY_MAX 255

/* An Idempotency-Key header: 1-255 printable ASCII characters without spaces, bare or as a
 * quoted string, copied (unquoted) into out. ERR_MALFORMED when it is not one. */
int wire_idempotency_key(const char *text, char out[WIRE_IDEMPOTENCY_KEY_MAX + 1],
			 struct err *e);

/* A decimal integer in min..max filling the whole of text. Returns 0 / -1 (no error set:
 * callers name the parameter). */
int wire_int_value(const char *text, long long min, long long max, long long *out);

/* A comma-separated list of ids with prefix (noun names their kind in messages: "provider"),
 * no empty members, deduplicated in the order given, at most max distinct ids, into out (max
 * entries). Errors are ERR_INVALID (ERR_RANGE for too many) at the parameter name. Returns
 * 0 / -1. */
int wire_id_list(const char *text, const char *name, const char *prefix, const char *noun,
		 size_t max, char (*out)[ID_MAX], size_t *n, struct err *e);

/* An If-Match value "N" or W/"N" (N an object version, 1..INT_MAX) into *version. Returns
 * 0 / -1 (no error set). */
int wire_etag_version(const char *text, int *version);

#endif
