/* O_TMPFILE (Linux): an upload's temporary file never has a name. */
#define _GNU_SOURCE
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/gzip.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/tls.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/metrics.h"

#define SWEEP_INTERVAL_S 15
#define PURGE_INTERVAL_S 3600	/* events past the retention, after the purge at start */

/* The route whose body is streamed to a temporary file instead of body_in. */
#define UPLOAD_ROUTE "/v1/bookings/{}/attachments"
/* The multipart parser's buffer: a part's header lines must fit in it. */
#define UPLOAD_PP_BUFFER (16u << 10)
/* Bytes of a refused upload read and dropped so that its client gets the answer. */
#define UPLOAD_DRAIN_MAX (4 << 20)

struct server {
	struct MHD_Daemon *daemon;
	struct MHD_Daemon *metrics;	/* the --metrics-listen daemon, or NULL */
	struct http_ctx *ctx;
	struct tls_files tls;		/* loaded while the daemon runs, when TLS is on */
	pthread_t sweeper;
	bool sweeping;
	int64_t last_purge;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

/* Background duties: expired holds and waitlist offers close and pass to the next entry
 * even when no request comes (every 15 s), and events past the retention are purged
 * (hourly). Off under the test clock, where "now" comes from requests. */
static void *sweep_loop(void *arg)
{
	struct server *srv = arg;
	struct timespec until;

	pthread_mutex_lock(&srv->lock);
	while (!srv->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += SWEEP_INTERVAL_S;
		pthread_cond_timedwait(&srv->wake, &srv->lock, &until);
		if (srv->stop)
			break;
		pthread_mutex_unlock(&srv->lock);
		uc_waitlist_sweep(&srv->ctx->env, srv->ctx->env.clock());
		if (srv->ctx->env.clock() - srv->last_purge >= PURGE_INTERVAL_S) {
			srv->last_purge = srv->ctx->env.clock();
			uc_event_purge(&srv->ctx->env, srv->last_purge);
			uc_session_purge(&srv->ctx->env, srv->last_purge);
		}
		pthread_mutex_lock(&srv->lock);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

static enum http_method method_of(const char *m)
{
	static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(m, names[i]))
			return (enum http_method)i;
	return HTTP_OTHER;
}

static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	(void)kind;
	if (key && value && !strcasecmp(key, "X-Forwarded-For"))
		*(const char **)cls = value;
	return MHD_YES;
}

/* The key rate limits count a client address under: the address, or for IPv6 its /64 (one
 * host usually holds a whole /64). */
static void limit_key_of(struct req *r)
{
	char net[INET6_ADDRSTRLEN];
	struct in6_addr a6;

	if (!strchr(r->remote, ':') || inet_pton(AF_INET6, r->remote, &a6) != 1) {
		snprintf(r->remote_key, sizeof(r->remote_key), "%s", r->remote);
		return;
	}
	/* An IPv4 client on a dual-stack listener (::ffff:a.b.c.d) is its IPv4 address. */
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		inet_ntop(AF_INET, a6.s6_addr + 12, net, sizeof(net));
		snprintf(r->remote_key, sizeof(r->remote_key), "%s", net);
		return;
	}
	memset(a6.s6_addr + 8, 0, 8);
	inet_ntop(AF_INET6, &a6, net, sizeof(net));
	snprintf(r->remote_key, sizeof(r->remote_key), "%s/64", net);
}

/* The client's address: the peer, or behind a trusted proxy the last entry of the last
 * X-Forwarded-For field (the one the proxy added; a client may send fields of its own
 * before it) when it looks like an address. */
static void remote_of(struct req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff = NULL;

	if (r->ctx->trust_forwarded)
		MHD_get_connection_values(r->conn, MHD_HEADER_KIND, last_forwarded, &xff);
	if (xff) {
		const char *last = strrchr(xff, ',');
		size_t n;
		last = last ? last + 1 : xff;
		last += strspn(last, " ");
		n = strcspn(last, " ");
		if (n && n < sizeof(r->remote) &&
		    strspn(last, "0123456789abcdefABCDEF.:") >= n) {
			memcpy(r->remote, last, n);
			r->remote[n] = '\0';
			return;
		}
	}
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			  r->remote, sizeof(r->remote));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
			  r->remote, sizeof(r->remote));
}

static struct req *req_new(struct http_ctx *ctx, struct MHD_Connection *conn, const char *method,
			   const char *url)
{
	struct arena *a = arena_new();
	struct req *r = arena_alloc(a, sizeof(*r));

	r->arena = a;
	r->conn = conn;
	r->ctx = ctx;
	r->method = method_of(method);
	r->path = arena_strdup(a, url);
	r->route = -1;
	r->started_ns = mono_ns();
	remote_of(r);
	limit_key_of(r);
	req_set_id(r);
	buf_init(&r->body_in, REQ_BODY_LIMIT);
	buf_init(&r->out, 0);
	atomic_fetch_add(&ctx->in_flight, 1);
	return r;
}

static void upload_release(struct req_upload *u)
{
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	u->pp = NULL;
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	free(u->filename);
	free(u->content_type);
	u->filename = u->content_type = NULL;
}

static void req_free(struct req *r)
{
	struct http_ctx *ctx = r->ctx;

	if (r->upload)
		upload_release(r->upload);
	if (r->stream.free)
		r->stream.free(r->stream.cls);
	buf_release(&r->body_in);
	buf_release(&r->out);
	arena_free(r->arena);
	atomic_fetch_sub(&ctx->in_flight, 1);
}

/* A streamed response body (struct req_stream) as libmicrohttpd reads it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct req_stream *st = cls;
	long n = st->read(st->cls, pos, buf, max);

	return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
								  : (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct req_stream *st = cls;

	if (st->free)
		st->free(st->cls);
	free(st);
}

/* The response of a handler that set r->stream: read as it is sent, in blocks of up to
 * 256 KiB. The stream's state goes with the response. */
static struct MHD_Response *stream_response(struct req *r)
{
	struct req_stream *st = xmalloc(sizeof(*st));
	struct MHD_Response *resp;

	*st = r->stream;
	r->stream.free = NULL;
	r->stream.read = NULL;
	resp = MHD_create_response_from_callback(st->len, 256u << 10, stream_read, st,
						 stream_free);
	if (!resp)
		stream_free(st);
	return resp;
}

static enum MHD_Result send_reply(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *body;
	size_t i;

	if (r->stream.read && r->status == 200) {
		http_observe(r);
		resp = stream_response(r);
		if (!resp)
			return MHD_NO;
	} else {
		gzip_reply(r);
		http_observe(r);
		body = buf_detach(&r->out, &len);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(body);
			return MHD_NO;
		}
	}
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	if (*r->request_id)
		MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The connection and request limits and the message framing, once the headers are in. A
 * request refused here is answered at once, which also closes the connection (wanted: its
 * body, if any, is not read). */
static enum MHD_Result headers_checked(struct req *r, const char *version, bool *answered)
{
	struct err e;

	err_init(&e);
	switch (conn_limits_headers(r->ctx->conn_limits, r->conn, version, &e)) {
	case 0:
		return MHD_YES;
	case -1:
		*answered = true;
		reply_problem(r, &e);
		return send_reply(r);
	default:
		*answered = true;
		return MHD_NO;	/* timed out: the 408 went out */
	}
}

/* Whether r's body is streamed to a file (the attachment upload). */
static bool streams_body(struct req *r)
{
	int i;

	if (r->method != HTTP_POST)
		return false;
	i = router_find(HTTP_POST, r->path);
	return i >= 0 && !strcmp(router_route_template((size_t)i), UPLOAD_ROUTE);
}

/* An unlinked file in $TMPDIR (default /tmp) for an upload's bytes, or -1. */
static int temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* A file system without O_TMPFILE: a named file, unlinked at once. */
	if (snprintf(path, sizeof(path), "%s/slotd-upload-XXXXXX", dir) >= (int)sizeof(path))
		return -1;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int write_all(int fd, const char *data, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes n bytes of the file to the upload's temporary file. */
static int upload_write(struct req_upload *u, const char *data, size_t n, struct err *e)
{
	if (u->len + (int64_t)n > u->file_cap)
		return err_set(e, ERR_TOO_LARGE, "the file is larger than %lld bytes",
			       (long long)u->file_cap);
	if (write_all(u->fd, data, n))
		return err_set(e, errno == ENOSPC ? ERR_STORE_FULL : ERR_INTERNAL,
			       "cannot keep the upload: %s", strerror(errno));
	u->len += (int64_t)n;
	return 0;
}

/* The multipart parser's callback: the bytes of the one part with a filename go to the
 * file; other fields are ignored; a second file part stops the parse. */
static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct req *r = cls;
	struct req_upload *u = r->upload;
	struct err e;

	(void)kind;
	(void)key;
	(void)transfer_encoding;
	if (!filename)
		return MHD_YES;
	if (off == 0 && (u->file_parts == 0 || u->part_bytes > 0 ||
			 strcmp(filename, u->filename ? u->filename : ""))) {
		if (++u->file_parts > 1)
			return MHD_NO;
		u->filename = xstrdup(filename);
		u->content_type = content_type ? xstrdup(content_type) : NULL;
	}
	u->part_bytes += (int64_t)size;
	err_init(&e);
	if (size && upload_write(u, data, size, &e)) {
		u->failed = (int)e.code;
		return MHD_NO;
	}
	return MHD_YES;
}

/* After the headers of an upload: routed, authenticated and checked (booking, type, sizes
 * from the headers) before a byte of the body is read; then the temporary file. */
static int upload_begin(struct req *r, struct err *e)
{
	struct req_upload *u = arena_alloc(r->arena, sizeof(*u));

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	r->upload = u;
	if (router_admit(r, e) || h_attachment_precheck(r, e))
		return -1;
	if (u->multipart) {
		u->pp = MHD_create_post_processor(r->conn, UPLOAD_PP_BUFFER, on_part, r);
		if (!u->pp)
			return err_set(e, ERR_MALFORMED, "multipart/form-data needs a boundary"
				       " parameter");
	}
	u->fd = temp_file();
	if (u->fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		/* Each upload holds a file besides its connection: many at once can run out. */
		e->retry_after = 1;
		return err_set(e, ERR_OVERLOADED, "the server has too many uploads open; try again");
	}
	if (u->fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot make a temporary file for the upload: %s",
			       strerror(errno));
	return 0;
}

/* A piece of an upload's body. */
static int upload_piece(struct req *r, const char *data, size_t n, struct err *e)
{
	struct req_upload *u = r->upload;

	u->received += (int64_t)n;
	if (u->received > u->cap)
		return err_set(e, ERR_TOO_LARGE, "the request body is larger than %lld bytes",
			       (long long)u->cap);
	if (!u->multipart)
		return upload_write(u, data, n, e);
	if (MHD_post_process(u->pp, data, n) == MHD_YES)
		return 0;
	if (u->file_parts > 1)
		return err_field(e, "/file", "send one file per request (%d file parts)",
				 u->file_parts);
	if (u->failed == ERR_TOO_LARGE)
		return err_set(e, ERR_TOO_LARGE, "the file is larger than %lld bytes",
			       (long long)u->file_cap);
	if (u->failed)
		return err_set(e, (enum err_code)u->failed, "cannot keep the upload");
	return err_set(e, ERR_MALFORMED, "the multipart/form-data body does not parse");
}

/* The end of an upload's body: the multipart parse must have ended cleanly. */
static int upload_end(struct req *r, struct err *e)
{
	struct req_upload *u = r->upload;
	enum MHD_Result done;

	if (!u->pp)
		return 0;
	done = MHD_destroy_post_processor(u->pp);
	u->pp = NULL;
	if (done != MHD_YES)
		return err_set(e, ERR_MALFORMED, "the multipart/form-data body ends before its"
			       " closing boundary");
	return 0;
}

/* Answers a streamed request with e: at once when the body has not started (the rest of it
 * is then never read), else once the body is in (libmicrohttpd takes no answer while a body
 * arrives): up to UPLOAD_DRAIN_MAX more bytes are read and dropped, past that the connection
 * closes without an answer. */
static enum MHD_Result upload_refused(struct req *r, const struct err *e, bool body_started)
{
	struct req_upload *u = r->upload;

	if (!body_started || !u) {
		reply_problem(r, e);
		return send_reply(r);
	}
	u->refused = arena_alloc(r->arena, sizeof(*u->refused));
	*u->refused = *e;
	u->cap = u->received + UPLOAD_DRAIN_MAX;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct req *r = *con_cls;
	bool answered = false;
	enum MHD_Result ret;
	struct err e;

	if (!r) {
		/* First call: headers only. Queueing a response now would drop keep-alive. */
		*con_cls = r = req_new(cls, conn, method, url);
		ret = headers_checked(r, version, &answered);
		if (answered || !streams_body(r))
			return ret;
		err_init(&e);
		return upload_begin(r, &e) ? upload_refused(r, &e, false) : MHD_YES;
	}
	if (r->upload) {
		struct req_upload *u = r->upload;
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (u->refused && n) {
			u->received += (int64_t)n;
			return u->received > u->cap ? MHD_NO : MHD_YES;
		}
		err_init(&e);
		if (n) {
			conn_limits_progress(r->ctx->conn_limits, conn, n);
			return upload_piece(r, upload_data, n, &e) ? upload_refused(r, &e, true)
								   : MHD_YES;
		}
		if (!conn_limits_body_done(r->ctx->conn_limits, conn))
			return MHD_NO;	/* timed out meanwhile: the 408 went out */
		if (u->refused || upload_end(r, &e)) {
			reply_problem(r, u->refused ? u->refused : &e);
			return send_reply(r);
		}
		router_dispatch(r);
		return send_reply(r);
	}
	if (*upload_data_size) {
		/* Past the cap the rest is read and dropped; the router answers 413. */
		if (!r->body_in.failed)
			buf_add(&r->body_in, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!conn_limits_body_done(r->ctx->conn_limits, conn))
		return MHD_NO;	/* timed out meanwhile: the 408 went out */
	router_dispatch(r);
	return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_ctx *ctx = cls;
	struct req *r = *con_cls;

	conn_limits_request_done(ctx->conn_limits, conn);
	if (r && !r->observed)
		http_observe_unanswered(r, toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? UNANSWERED_TIMEOUT
				   : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ||
						   toe == MHD_REQUEST_TERMINATED_READ_ERROR
					   ? UNANSWERED_CLIENT_CLOSED
				   : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? UNANSWERED_SHUTDOWN
										   : UNANSWERED_ERROR);
	if (r)
		req_free(r);
	*con_cls = NULL;
}

/* The --metrics-listen daemon: GET /metrics and nothing else, with the metrics token when
 * one is configured. */
static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	static int seen;
	struct http_ctx *ctx = cls;
	const char *h;
	struct MHD_Response *resp;
	unsigned status = 200;
	enum MHD_Result ret;
	struct buf out;
	size_t len;
	char *body;

	(void)version;
	(void)upload_data;
	if (!*con_cls) {
		*con_cls = &seen;
		return MHD_YES;
	}
	*upload_data_size = 0;
	buf_init(&out, 0);
	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (strcmp(url, "/metrics")) {
		status = 404;
		buf_adds(&out, "only /metrics is served here\n");
	} else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		status = 405;
		buf_adds(&out, "GET /metrics\n");
	} else if (!http_metrics_token_ok(ctx, h)) {
		status = 401;
		buf_adds(&out, "GET /metrics needs the metrics token\n");
	} else {
		http_metrics_render(ctx, &out);
	}
	body = buf_detach(&out, &len);
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", status == 200
				? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int server_metrics_start(struct server *srv, int listen_fd, struct err *e)
{
	srv->metrics = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC, 0, NULL, NULL,
		on_metrics, srv->ctx, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)30, MHD_OPTION_END);
	if (!srv->metrics)
		return err_set(e, ERR_INTERNAL, "cannot start the metrics listener");
	return 0;
}

/* libmicrohttpd's fatal errors: said on stderr (unbuffered) before the abort, whatever its
 * build does with messages. */
static void on_mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	fprintf(stderr, "slotd: libmicrohttpd fatal error at %s:%u: %s\n", file ? file : "?", line,
		reason ? reason : "(no reason given)");
	abort();
}

/* While draining, a new connection is closed as soon as it is accepted. (Quiescing the
 * daemon instead raced its own epoll threads in libmicrohttpd 0.9.75: both removed the
 * listening socket from a worker's epoll set, and the loser's ENOENT was a fatal error that
 * aborted about one stop in a thousand.) */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	const struct http_ctx *ctx = cls;

	(void)addr;
	(void)len;
	return atomic_load(&ctx->draining) ? MHD_NO : MHD_YES;
}

struct server *server_start(struct http_ctx *ctx, int listen_fd, unsigned threads,
			    struct err *e)
{
	struct server *srv = xcalloc(1, sizeof(*srv));

	/* A single internal epoll thread stalls past ~128 connections in libmicrohttpd 0.9.75;
	 * one thread polls with poll(2) instead, a pool uses epoll. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 (threads > 1 ? MHD_USE_EPOLL : MHD_USE_POLL);

	const struct http_limits *lim = &ctx->http_limits;
	struct MHD_OptionItem ops[8];
	size_t nops = 0;

	srv->ctx = ctx;
	http_metrics_init();
	MHD_set_panic_func(on_mhd_panic, NULL);
	if (!lim->max_connections)
		http_limits_default(&ctx->http_limits);
	if (ctx->tls_cert_file && tls_files_load(&srv->tls, ctx->tls_cert_file,
						 ctx->tls_key_file, e)) {
		free(srv);
		return NULL;
	}
	if (srv->tls.cert_pem) {
		flags |= MHD_USE_TLS;
		tls_files_mhd_options(&srv->tls, ops, &nops);
	}
	ctx->conn_limits = conn_limits_new(lim, srv->tls.cert_pem != NULL);
	conn_limits_mhd_options(ctx->conn_limits, ops, &nops);
	ops[nops] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	srv->daemon = MHD_start_daemon(
		flags, 0, accept_policy, ctx, on_request, ctx, MHD_OPTION_LISTEN_SOCKET,
		(MHD_socket)listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
		MHD_OPTION_CONNECTION_LIMIT, http_limits_mhd_connections(lim),
		MHD_OPTION_CONNECTION_TIMEOUT, lim->idle_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, http_limits_pool_bytes(lim),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, ctx, MHD_OPTION_ARRAY, ops,
		MHD_OPTION_END);
	if (!srv->daemon) {
		err_set(e, ERR_INTERNAL, srv->tls.cert_pem ? "cannot start the HTTPS server (are"
				" the certificate and its key both PEM, and a pair?)"
				: "cannot start the HTTP server");
		conn_limits_free(ctx->conn_limits);
		ctx->conn_limits = NULL;
		tls_files_release(&srv->tls);
		free(srv);
		return NULL;
	}
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->wake, NULL);
	srv->last_purge = ctx->env.clock();
	if (!ctx->test_clock)
		srv->sweeping = pthread_create(&srv->sweeper, NULL, sweep_loop, srv) == 0;
	return srv;
}

void server_drain(struct server *srv, unsigned timeout_ms)
{
	struct timespec nap = {0, 10 * 1000 * 1000};
	unsigned waited = 0;

	atomic_store(&srv->ctx->draining, true);
	pthread_mutex_lock(&srv->lock);
	srv->stop = true;
	pthread_cond_signal(&srv->wake);
	pthread_mutex_unlock(&srv->lock);
	if (srv->sweeping)
		pthread_join(srv->sweeper, NULL);
	/* No new connections from here (accept_policy). MHD_stop_daemon closes the listening
	 * socket once its threads have stopped polling it. */
	while (atomic_load(&srv->ctx->in_flight) > 0 && waited < timeout_ms) {
		nanosleep(&nap, NULL);
		waited += 10;
	}
	if (atomic_load(&srv->ctx->in_flight) > 0)
		log_msg(LOG_WARN, "stopping with %d requests still in flight",
			atomic_load(&srv->ctx->in_flight));
	MHD_stop_daemon(srv->daemon);
	conn_limits_free(srv->ctx->conn_limits);
	srv->ctx->conn_limits = NULL;
	tls_files_release(&srv->tls);
	if (srv->metrics)
		MHD_stop_daemon(srv->metrics);
	pthread_cond_destroy(&srv->wake);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
