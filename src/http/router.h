/* The route table and dispatch: method and path matching, authentication, body checks and
 * JSON parsing happen here, before any handler runs. */
#ifndef SLOTD_HTTP_ROUTER_H
#define SLOTD_HTTP_ROUTER_H

#include "http/ratelimit.h"
#include "http/req.h"

/* Runs the request to completion: sets r->status, r->out and headers (a problem+json on any
 * failure). Never fails. */
void router_dispatch(struct req *r);

/* The route table, for metrics and logs: the number of routes, and route i's template
 * ("/v1/bookings/{}": "{}" is a path parameter) and method. */
/* Adds the RateLimit-Policy and RateLimit headers of scope's answer a (policy p), and fails
 * with 429 and Retry-After when it refused: "too many requests <what>", or, with what NULL,
 * a message naming the scope. */
int http_limit_answer(struct req *r, enum rl_scope scope, const struct rl_policy *p,
		      const struct rl_answer *a, const char *what, struct err *e);

/* For a body streamed as it arrives (server.c): does what router_dispatch does before the
 * body (route, clock, authentication, rate limits) right after the headers, so a refused
 * request is answered before its body is read; router_dispatch then goes on from there.
 * Returns 0, or -1 with e set (r->route set when a route matched). */
int router_admit(struct req *r, struct err *e);

/* For routes that check credentials themselves (POST /v1/sessions): 429 (-1) when the
 * client's address has spent its failed-authentication allowance; and, after a failed
 * check (e set to ERR_UNAUTHORIZED or ERR_INVALID_CREDENTIALS), counting it against the
 * address (e becomes 429 once the allowance is spent). router_auth_failed returns -1. */
int router_auth_allowed(struct req *r, struct err *e);
int router_auth_failed(struct req *r, struct err *e);

size_t router_routes(void);
const char *router_route_template(size_t i);
enum http_method router_route_method(size_t i);
/* The index of the route method and path match, or -1. */
int router_find(enum http_method m, const char *path);
/* The template of the route method and path match, or NULL. */
const char *router_lookup(enum http_method m, const char *path);

#endif
