/* HTTP metrics and the request log: every answered request is counted in a latency
 * histogram by route template, method and status class, and written as one JSON log line
 * (method, route, status, duration, tenant, key id, request id, sizes; never credentials,
 * paths with their query strings, or bodies). GET /metrics renders everything the process
 * counts in the Prometheus text format 0.0.4. */
#ifndef SLOTD_HTTP_METRICS_H
#define SLOTD_HTTP_METRICS_H

#include "http/ratelimit.h"
#include "http/req.h"

/* Sizes the per-route series from the route table; once, before serving. */
void http_metrics_init(void);
/* Counts r (answered now) and writes its log line. */
void http_observe(struct req *r);
/* Requests that ended without an answer from slotd: the request deadline's 408 (sent by the
 * watchdog), errors libmicrohttpd answers itself, clients that went away, shutdown. */
enum unanswered {
	UNANSWERED_TIMEOUT,
	UNANSWERED_CLIENT_CLOSED,
	UNANSWERED_ERROR,
	UNANSWERED_SHUTDOWN,
	UNANSWERED__COUNT
};
/* Counts r, which ends unanswered for reason, and writes its log line. */
void http_observe_unanswered(struct req *r, enum unanswered reason);
/* Counts a request refused by the limit of scope s. */
void http_count_limited(enum rl_scope s);
/* The whole exposition into out. */
void http_metrics_render(struct http_ctx *ctx, struct buf *out);
/* Whether authorization ("Bearer TOKEN") carries the metrics token (true when none is
 * configured); compared in constant time. */
bool http_metrics_token_ok(const struct http_ctx *ctx, const char *authorization);
/* GET /metrics on the API listener: answers only with the metrics token (Bearer), and as
 * an unknown route when no token is configured. */
int h_metrics(struct req *r, struct err *e);

#endif
