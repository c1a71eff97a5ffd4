/* HTTP limits that libmicrohttpd 0.9.75 does not enforce by itself, or enforces with its own
 * HTML answers: connections in all and per client address, a deadline for each request's
 * headers and body (slow clients), request-target and header sizes, message framing that a
 * proxy could read differently (request smuggling), and "%2F" kept inside a path segment.
 * See docs/operations.md ("HTTP limits") for the defaults and why. */
#ifndef SLOTD_HTTP_CONN_LIMITS_H
#define SLOTD_HTTP_CONN_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct MHD_Connection;
struct MHD_OptionItem;

/* Operator settings, read-only once the server runs. */
struct http_limits {
	unsigned max_connections;	/* open connections in all; over it 503 */
	unsigned max_connections_per_ip;/* open connections from one address; 0 = no limit */
	unsigned idle_timeout_s;	/* a connection that sends and receives nothing closes */
	unsigned request_timeout_s;	/* request line to the end of the body; over it 408 */
	unsigned max_url_bytes;		/* request-target (path and query) as sent; over it 414 */
	unsigned max_header_bytes;	/* all header lines together; over it 431 */
	unsigned max_headers;		/* header lines; over it 431 */
};

#define HTTP_MAX_CONNECTIONS 4096
#define HTTP_MAX_CONNECTIONS_PER_IP 256
#define HTTP_IDLE_TIMEOUT_S 30
#define HTTP_REQUEST_TIMEOUT_S 30
#define HTTP_MAX_URL_BYTES (8u << 10)
#define HTTP_MAX_HEADER_BYTES (16u << 10)
#define HTTP_MAX_HEADERS 100

/* The defaults above. */
void http_limits_default(struct http_limits *l);

/* The connection limit given to libmicrohttpd: ours plus room for the refused ones to get
 * their 503. Past it libmicrohttpd closes new connections without an answer. */
unsigned http_limits_mhd_connections(const struct http_limits *l);

/* The per-connection memory libmicrohttpd needs so that requests over our own limits still
 * reach us (and get problem+json) instead of being refused by libmicrohttpd itself. */
size_t http_limits_pool_bytes(const struct http_limits *l);

struct conn_limits;

/* Tracks connections for the limits in l (copied). tls: the connections speak TLS, so a
 * timed-out request is closed without a 408 (its bytes would have to be encrypted). Starts a
 * watchdog thread. */
struct conn_limits *conn_limits_new(const struct http_limits *l, bool tls);
/* Stops the watchdog and frees cl; call after the daemon stopped. NULL is ignored. */
void conn_limits_free(struct conn_limits *cl);

/* Appends the libmicrohttpd options that wire cl in (connection notifications, request-line
 * and unescape callbacks) to ops at *n; ops must have room for 3 more. */
void conn_limits_mhd_options(struct conn_limits *cl, struct MHD_OptionItem *ops, size_t *n);

/* At the first call of the access handler (headers complete): checks the request against
 * the limits and its framing. Returns 0 to go on; -1 with e set when it must be answered now
 * (the answer closes the connection); -2 when the request already timed out and the
 * connection must be dropped without an answer. */
int conn_limits_headers(struct conn_limits *cl, struct MHD_Connection *c, const char *version,
			struct err *e);
/* When the body is complete, before the response is made: false when the request timed out
 * meanwhile (drop the connection). */
bool conn_limits_body_done(struct conn_limits *cl, struct MHD_Connection *c);
/* Bytes a streamed body (an attachment upload) must send per second on average: each n bytes
 * received extend the request's time limit by n / HTTP_STREAM_MIN_RATE seconds, so a large
 * file over a slow link is not cut off while a client trickling bytes still is. */
#define HTTP_STREAM_MIN_RATE 8192
void conn_limits_progress(struct conn_limits *cl, struct MHD_Connection *c, size_t n);
/* When a request completed (libmicrohttpd's completion callback): the connection waits for
 * the next request. */
void conn_limits_request_done(struct conn_limits *cl, struct MHD_Connection *c);

#endif
