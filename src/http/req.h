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
struct MHD_PostProcessor;
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
	bool cookie_secure;		/* session cookies carry Secure (HTTPS, or an https
					 * public URL in front) */
	atomic_bool draining;		/* shutting down: readiness fails */
	atomic_int in_flight;		/* requests received and not yet completed */
	struct notifier *notifier;	/* the delivery worker, for the metrics; NULL when off */
	struct calsync *calsync;	/* the calendar syncer, for the metrics; NULL when off */
};

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

/* A request body streamed to a file instead of body_in (the attachment upload route): the
 * server writes it to an unlinked temporary file as it arrives; for multipart/form-data only
 * the file part's bytes are kept. */
struct req_upload {
	int fd;				/* the unlinked temporary file; -1 when none */
	int64_t len;			/* bytes of the file in fd */
	int64_t received;		/* bytes of the body as sent */
	int64_t cap;			/* most body bytes taken; past it 413 */
	int64_t file_cap;		/* most file bytes taken; past it 413 */
	bool multipart;
	int failed;			/* multipart: enum err_code of a failed file write */
	struct err *refused;		/* refused while it streamed: the answer once the rest
					 * of the body is read and dropped (arena) */
	int file_parts;			/* multipart: parts with a filename */
	int64_t part_bytes;		/* multipart: bytes of the current file part */
	char *filename;			/* multipart: the file part's filename, or NULL (heap) */
	char *content_type;		/* multipart: the file part's Content-Type, or NULL (heap) */
	struct MHD_PostProcessor *pp;
};

/* A response body read in pieces as it is sent (a download), instead of out: read fills
 * buf with up to max bytes at offset pos and returns their count, or -1 to abort; free
 * releases cls after the response (also when the client went away). */
struct req_stream {
	uint64_t len;
	long (*read)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*free)(void *cls);
	void *cls;
};

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
	struct req_upload *upload;		/* the streamed body, or NULL (server.c) */
	bool admitted;				/* routed and authenticated before the body */
	json_t *json;				/* the parsed body (an object), routes with a body */
	struct auth auth;
	char key_hash[TOKEN_HASH_MAX];		/* of the credential presented */
	int64_t now;				/* UTC seconds for this request */
	char request_id[REQUEST_ID_MAX];	/* X-Request-Id as sent (when sane), or made */
	struct uc_ctx uc;			/* the use cases' context for this caller */
	struct session_view *session;		/* the console session that authenticated the
						 * request (arena), or NULL */

	unsigned status;
	bool coding_chosen;			/* the handler chose the body's coding (a file
						 * sent as kept): gzip_reply leaves it */
	struct buf out;
	struct req_stream stream;		/* read set: the body comes from it, not out */
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
/* Refuses (400 at its name) a query parameter holding an encoded NUL, which every reader
 * of it as a C string would see cut short. */
int req_query_check(struct req *r, struct err *e);
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
