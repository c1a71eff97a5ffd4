/* Content-Encoding: gzip for large responses (zlib), when the request's Accept-Encoding
 * allows it. Calendar and slot answers are the big ones and shrink 10-20 times. */
#ifndef SLOTD_HTTP_GZIP_H
#define SLOTD_HTTP_GZIP_H

#include <stdbool.h>

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

/* in (n bytes) gzip-coded at the best compression into a new malloc'd buffer (*out, *out_len);
 * -1 when zlib fails or the result is not smaller. For bodies coded once and kept. */
int gzip_encode(const void *in, size_t n, unsigned char **out, size_t *out_len);

/* For a 304 in place of a body of len bytes: the ETag as the full answer would carry it
 * (weak when gzip would have coded it; see gzip_reply). */
void gzip_not_modified(struct req *r, size_t len);

#endif
