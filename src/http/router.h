/* The route table and dispatch: method and path matching, authentication, body checks and
 * JSON parsing happen here, before any handler runs. */
#ifndef SLOTD_HTTP_ROUTER_H
#define SLOTD_HTTP_ROUTER_H

#include "http/req.h"

/* Runs the request to completion: sets r->status, r->out and headers (a problem+json on any
 * failure). Never fails. */
void router_dispatch(struct req *r);

#endif
