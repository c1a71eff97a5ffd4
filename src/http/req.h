/* One HTTP request as handlers see it, and the shared context they run in. Handlers parse,
 * call the use case (src/usecase) and render with src/wire and the reply helpers; on failure
 * they return -1 with the error set and the router writes the problem+json response. */
#ifndef SLOTD_HTTP_REQ_H
#define SLOTD_HTTP_REQ_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/tz.h"
#include "http/conn_limits.h"
#include "usecase/uc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ids.h"

struct MHD_Connection;
struct auth_cache;
struct inflight;
struct notifier;
struct calsync;
struct ratelimit;

/* Shared by every request; read-only after start-up except the atomics. */
struct http_ctx {
	struct uc_env env;		/* what the use cases run on */
	struct auth_cache *auth_cache;	/* may be NULL: every request asks the store */
	struct inflight *inflight;	/* idempotency keys being processed */
	bool test_clock;		/* honour X-Test-Now (test runs only) */
	struct ratelimit *limits;	/* NULL: no rate limits */
	bool trust_forwarded;		/* the client address is X-Forwarded-For's last entry */
	const char *metrics_token;	/* GET /metrics on the API listener with this bearer */
	struct http_limits http_limits;	/* connections, timeouts, header sizes (flags) */
	struct conn_limits *conn_limits;	/* enforces http_limits; made by server_start */
	const char *tls_cert_file;	/* both set: the API listener speaks HTTPS */
	const char *tls_key_file;
	atomic_bool draining;		/* shutting down: readiness fails */
	atomic_int in_flight;		/* requests received and not yet completed */
	struct notifier *notifier;	/* the delivery worker, for the metrics; NULL when off */
	struct calsync *calsync;	/* the calendar syncer, for the metrics; NULL when off */
};

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

#define REQ_MAX_PARAMS 4
#define REQ_MAX_HEADERS 12
#define REQ_BODY_LIMIT (64u << 10)

struct req {
	struct arena *arena;
	struct MHD_Connection *conn;
	struct http_ctx *ctx;
	enum http_method method;
	const char *path;
	int route;				/* index in the route table; -1 before or without a match */
	uint64_t started_ns;			/* mono_ns() when the headers arrived */
	bool observed;				/* counted and logged (http_observe) */
	char remote[48];			/* the client's address, "" when unknown */
	char remote_key[52];			/* what address limits count it under */
	const char *params[REQ_MAX_PARAMS];	/* path parameters in pattern order */
	struct buf body_in;
	json_t *json;				/* the parsed body (an object), routes with a body */
	struct auth auth;
	char key_hash[TOKEN_HASH_MAX];		/* of the credential presented */
	int64_t now;				/* UTC seconds for this request */
	char request_id[REQUEST_ID_MAX];	/* X-Request-Id as sent (when sane), or made */
	struct uc_ctx uc;			/* the use cases' context for this caller */

	unsigned status;
	bool coding_chosen;			/* the handler chose the body's coding (a file
						 * sent as kept): gzip_reply leaves it */
	struct buf out;
	const char *content_type;
	size_t nheaders;
	struct {
		const char *name;
		const char *value;
	} headers[REQ_MAX_HEADERS];
};

/* Sets r->request_id: X-Request-Id as sent when it is 1-64 characters of letters, digits and
 * ._:-_, else a new id. Echoed on the response, in problem bodies, log lines and events. */
void req_set_id(struct req *r);
/* A query parameter, or NULL. */
const char *req_query(struct req *r, const char *name);
/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);
void req_add_header(struct req *r, const char *name, const char *value);

/* Renders json (stealing the reference) as the response body with status. Returns 0. */
int reply_json(struct req *r, unsigned status, json_t *json);
/* An empty 204 response. Returns 0. */
int reply_no_content(struct req *r);

/* Renders e as application/problem+json into r (status, body, headers). */
void reply_problem(struct req *r, const struct err *e);

#endif
