/* The HTTP server: libmicrohttpd with an internal thread pool on a listening socket the
 * caller opened. Requests are served until server_drain. */
#ifndef SLOTD_HTTP_SERVER_H
#define SLOTD_HTTP_SERVER_H

#include "http/req.h"

struct server;

/* Starts serving on listen_fd (already bound and listening; the server takes it over) with
 * threads worker threads (at least 2). Returns NULL with e set on failure. ctx must outlive the server. */
struct server *server_start(struct http_ctx *ctx, int listen_fd, unsigned threads,
			    struct err *e);
/* Serves GET /metrics alone on listen_fd (bound and listening; taken over), next to the
 * API. Returns 0, or -1 with e set. */
int server_metrics_start(struct server *srv, int listen_fd, struct err *e);
/* Graceful stop: readiness fails, no new connections are accepted, requests in flight finish
 * (up to timeout_ms), then everything closes. Frees srv. */
void server_drain(struct server *srv, unsigned timeout_ms);

#endif
