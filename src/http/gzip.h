/* Content-Encoding: gzip for large responses (zlib), when the request's Accept-Encoding
 * allows it. Calendar and slot answers are the big ones and shrink 10-20 times. */
#ifndef SLOTD_HTTP_GZIP_H
#define SLOTD_HTTP_GZIP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"

/* Bodies up to this size go out as they are: gzip would save little and cost a round of
 * zlib set-up. */
#define GZIP_MIN_BYTES 1024

/* Whether an Accept-Encoding value accepts gzip: "gzip" or "x-gzip" with q > 0, or "*" with
 * q > 0 when gzip is not listed. NULL accepts nothing. */
bool gzip_accepted(const char *accept_encoding);

/* When r->out is over GZIP_MIN_BYTES: adds "Vary: Accept-Encoding", and when the request
 * accepts gzip replaces r->out by its gzip encoding and adds "Content-Encoding: gzip". */
void gzip_reply(struct req *r);

/* A body's gzip coding (best compression), made once and kept for the process's life: for
 * files built into the binary. etag is the weak form of the file's strong ETag (these bytes
 * are not the file's; RFC 9110, 8.8.1), which If-None-Match still matches. */
struct gzip_kept {
	unsigned char *data;
	size_t len;
	char etag[80];
};

/* The kept coding of data (len bytes, strong ETag etag) in *slot, made by the first call
 * (two threads may make it at once; one is kept); NULL when gzip gains nothing. */
const struct gzip_kept *gzip_kept(_Atomic(struct gzip_kept *) *slot, const void *data,
				  size_t len, const char *etag);

#endif
