#include "http/conn_limits.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "wire/wire.h"

#define WATCH_INTERVAL_MS 200
#define REFUSED_GRACE_S 5	/* a refused connection's request must come this fast */
#define IP_BUCKETS 1024

/* Where a connection is in its current request. The watchdog and the connection's own
 * thread move it with compare-and-swap, so exactly one of them answers a request: the
 * watchdog (408, from EXPIRED on) or the handler (from HANDLING on). */
enum conn_phase {
	PHASE_IDLE,	/* waiting for a request line (new or kept-alive connection) */
	PHASE_REQUEST,	/* request line read; headers and body arriving */
	PHASE_HANDLING,	/* the request is complete; the answer is being made or sent */
	PHASE_EXPIRED,	/* the watchdog gave up on it; the connection is closing */
};

enum conn_refusal { REFUSE_NONE, REFUSE_TOTAL, REFUSE_PER_IP };

struct ip_count {
	struct ip_count *next;
	unsigned char addr[16];	/* IPv6, or IPv4 mapped into IPv6 */
	unsigned count;
};

struct conn {
	struct conn *prev, *next;
	int fd;
	struct ip_count *ip;
	enum conn_refusal refused;
	size_t uri_len;		/* the current request-target as sent */
	atomic_int phase;
	atomic_llong since_ms;	/* when the phase began (monotonic) */
	atomic_llong credit_ms;	/* time a streamed body earned by its bytes (conn_limits_progress) */
};

struct conn_limits {
	struct http_limits l;
	bool tls;
	pthread_mutex_t lock;	/* the list, the counts and the address table */
	struct conn *head;
	unsigned total;
	struct ip_count *ips[IP_BUCKETS];
	char *timeout_reply;	/* a complete 408 response, sent by the watchdog */
	size_t timeout_reply_len;
	pthread_t watchdog;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stop;
};

void http_limits_default(struct http_limits *l)
{
	l->max_connections = HTTP_MAX_CONNECTIONS;
	l->max_connections_per_ip = HTTP_MAX_CONNECTIONS_PER_IP;
	l->idle_timeout_s = HTTP_IDLE_TIMEOUT_S;
	l->request_timeout_s = HTTP_REQUEST_TIMEOUT_S;
	l->max_url_bytes = HTTP_MAX_URL_BYTES;
	l->max_header_bytes = HTTP_MAX_HEADER_BYTES;
	l->max_headers = HTTP_MAX_HEADERS;
}

unsigned http_limits_mhd_connections(const struct http_limits *l)
{
	unsigned slack = l->max_connections / 8;

	return l->max_connections + (slack < 16 ? 16 : slack);
}

size_t http_limits_pool_bytes(const struct http_limits *l)
{
	/* libmicrohttpd keeps the request line and the header block in the pool, about 64 bytes
	 * per header field and the read buffer: our limits plus 8 KiB lets a request somewhat
	 * over a limit still reach conn_limits_headers and get problem+json. Not more: with wrk
	 * on /healthz, a 39 KiB pool costs 0.8 us of CPU per request over a 16 KiB one, and a
	 * 70 KiB pool 9 us. */
	return (size_t)l->max_url_bytes + l->max_header_bytes + 64 * (size_t)l->max_headers +
	       (8u << 10);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static bool phase_move(struct conn *k, int from, int to)
{
	if (!atomic_compare_exchange_strong(&k->phase, &from, to))
		return false;
	atomic_store(&k->credit_ms, 0);
	atomic_store(&k->since_ms, now_ms());
	return true;
}

/* --- counting connections per address ------------------------------------------------ */

static bool addr_key(const struct sockaddr *sa, unsigned char out[16])
{
	memset(out, 0, 16);
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

static unsigned addr_hash(const unsigned char a[16])
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	return h % IP_BUCKETS;
}

/* Under cl->lock. */
static struct ip_count *ip_get(struct conn_limits *cl, const unsigned char a[16])
{
	struct ip_count **slot = &cl->ips[addr_hash(a)], *p;

	for (p = *slot; p; p = p->next)
		if (!memcmp(p->addr, a, 16))
			return p;
	p = xcalloc(1, sizeof(*p));
	memcpy(p->addr, a, 16);
	p->next = *slot;
	*slot = p;
	return p;
}

/* Under cl->lock. */
static void ip_put(struct conn_limits *cl, struct ip_count *ip)
{
	struct ip_count **pp;

	if (--ip->count)
		return;
	for (pp = &cl->ips[addr_hash(ip->addr)]; *pp != ip; pp = &(*pp)->next)
		;
	*pp = ip->next;
	free(ip);
}

/* --- libmicrohttpd callbacks ------------------------------------------------------------ */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct conn_limits *cl = cls;
	struct conn *k;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *addr =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		unsigned char a[16];

		k = xcalloc(1, sizeof(*k));
		k->fd = fd ? fd->connect_fd : -1;
		atomic_init(&k->phase, PHASE_IDLE);
		atomic_init(&k->since_ms, now_ms());
		pthread_mutex_lock(&cl->lock);
		cl->total++;
		if (cl->total > cl->l.max_connections)
			k->refused = REFUSE_TOTAL;
		if (cl->l.max_connections_per_ip && addr && addr_key(addr->client_addr, a)) {
			k->ip = ip_get(cl, a);
			if (++k->ip->count > cl->l.max_connections_per_ip && !k->refused)
				k->refused = REFUSE_PER_IP;
		}
		k->next = cl->head;
		if (cl->head)
			cl->head->prev = k;
		cl->head = k;
		pthread_mutex_unlock(&cl->lock);
		*socket_context = k;
		return;
	}
	k = *socket_context;
	if (!k)
		return;
	/* Called before libmicrohttpd closes the socket: once k is off the list, the watchdog
	 * no longer touches k->fd. */
	pthread_mutex_lock(&cl->lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		cl->head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	cl->total--;
	if (k->ip)
		ip_put(cl, k->ip);
	pthread_mutex_unlock(&cl->lock);
	free(k);
	*socket_context = NULL;
}

/* The request-target as sent, before libmicrohttpd splits and decodes it. The path is
 * decoded in place right after, on this thread: the unescape callback recognises it by its
 * address. */
static _Thread_local const char *path_start;

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);
	int phase;

	path_start = uri;
	if (!k)
		return NULL;
	k->uri_len = strlen(uri);
	do
		phase = atomic_load(&k->phase);
	while (phase != PHASE_EXPIRED && !phase_move(k, phase, PHASE_REQUEST));
	return NULL;	/* so the access handler's first call still has *con_cls == NULL */
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes %XX in place, as libmicrohttpd's own decoder does, except that in the path "%2F"
 * and "%00" stay as they are: an encoded slash is part of a segment, never a separator the
 * router would see, and an encoded NUL must not cut the path short. */
static size_t on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	bool path = s == path_start;
	char *r = s, *w = s;

	while (*r) {
		int hi, lo;
		if (r[0] == '%' && (hi = hex_value(r[1])) >= 0 && (lo = hex_value(r[2])) >= 0) {
			char ch = (char)(hi * 16 + lo);
			if (!(path && (ch == '/' || ch == '\0'))) {
				*w++ = ch;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

void conn_limits_mhd_options(struct conn_limits *cl, struct MHD_OptionItem *ops, size_t *n)
{
	ops[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
					      (intptr_t)on_connection, cl};
	ops[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK,
					      (intptr_t)on_request_line, cl};
	ops[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK,
					      (intptr_t)on_unescape, cl};
}

/* --- checks when the headers are in ------------------------------------------------------ */

struct header_scan {
	size_t bytes;
	unsigned count;
	unsigned content_lengths, transfer_encodings, hosts;
	const char *content_length;	/* the first */
	bool lengths_differ;
	bool te_not_chunked;
	bool bad_bytes;		/* whitespace in a name; CR, LF or NUL in a value */
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   size_t key_size, const char *value, size_t value_size)
{
	struct header_scan *s = cls;

	(void)kind;
	s->count++;
	s->bytes += key_size + value_size + 4;	/* "name: value\r\n" */
	if (strcspn(key, " \t\r\n") != key_size || strcspn(value, "\r\n") != value_size)
		s->bad_bytes = true;	/* a NUL stops strcspn short too */
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		if (s->content_lengths++ && strcmp(value, s->content_length))
			s->lengths_differ = true;
		else if (!s->content_length)
			s->content_length = value;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		s->transfer_encodings++;
		if (strcasecmp(value, "chunked"))
			s->te_not_chunked = true;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
		s->hosts++;
	}
	return MHD_YES;
}

static int check_headers(struct conn_limits *cl, struct conn *k, struct MHD_Connection *c,
			 const char *version, struct err *e)
{
	struct header_scan s;

	if (k->refused) {
		e->retry_after = 1;
		return err_set(e, ERR_OVERLOADED, k->refused == REFUSE_TOTAL
					  ? "the server has too many open connections; try again"
					  : "too many open connections from your address; close some"
					    " or try again");
	}
	if (k->uri_len > cl->l.max_url_bytes)
		return err_set(e, ERR_URI_TOO_LONG, "the request target is longer than %u bytes",
			       cl->l.max_url_bytes);
	memset(&s, 0, sizeof(s));
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &s);
	if (s.count > cl->l.max_headers)
		return err_set(e, ERR_HEADERS_TOO_LARGE, "more than %u header fields",
			       cl->l.max_headers);
	if (s.bytes > cl->l.max_header_bytes)
		return err_set(e, ERR_HEADERS_TOO_LARGE, "header fields are larger than %u bytes",
			       cl->l.max_header_bytes);
	/* A proxy in front may read the message differently from us: refuse anything
	 * ambiguous (RFC 9112 sections 5 and 6) and close the connection. */
	if (s.bad_bytes)
		return err_set(e, ERR_MALFORMED, "whitespace in a header name, or a CR, LF or NUL"
			       " in a header value");
	if (s.lengths_differ)
		return err_set(e, ERR_MALFORMED, "conflicting Content-Length headers");
	if (s.transfer_encodings && s.content_lengths)
		return err_set(e, ERR_MALFORMED,
			       "Content-Length and Transfer-Encoding must not come together");
	if (s.transfer_encodings > 1 || s.te_not_chunked)
		return err_set(e, ERR_MALFORMED, "the only Transfer-Encoding accepted is chunked");
	if (s.transfer_encodings && version && !strcmp(version, MHD_HTTP_VERSION_1_0))
		return err_set(e, ERR_MALFORMED, "HTTP/1.0 has no Transfer-Encoding");
	if (s.hosts > 1 || (!s.hosts && version && !strncmp(version, "HTTP/1.", 7) &&
			    strcmp(version, MHD_HTTP_VERSION_1_0)))
		return err_set(e, ERR_MALFORMED, "an HTTP/1.1 request needs exactly one Host header");
	return 0;
}

int conn_limits_headers(struct conn_limits *cl, struct MHD_Connection *c, const char *version,
			struct err *e)
{
	struct conn *k = conn_of(c);

	if (!k)
		return 0;
	if (atomic_load(&k->phase) == PHASE_EXPIRED)
		return -2;
	if (!check_headers(cl, k, c, version, e))
		return 0;
	/* Answered now: take the request from the watchdog first. */
	return phase_move(k, PHASE_REQUEST, PHASE_HANDLING) ? -1 : -2;
}

bool conn_limits_body_done(struct conn_limits *cl, struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);

	(void)cl;
	return !k || phase_move(k, PHASE_REQUEST, PHASE_HANDLING);
}

void conn_limits_progress(struct conn_limits *cl, struct MHD_Connection *c, size_t n)
{
	struct conn *k = conn_of(c);

	(void)cl;
	if (k && atomic_load(&k->phase) == PHASE_REQUEST)
		atomic_fetch_add(&k->credit_ms, (long long)(n * 1000 / HTTP_STREAM_MIN_RATE));
}

void conn_limits_request_done(struct conn_limits *cl, struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);

	(void)cl;
	if (k)
		phase_move(k, PHASE_HANDLING, PHASE_IDLE);
}

/* --- the watchdog ------------------------------------------------------------------------ */

/* Under cl->lock: the connection is on the list, so its socket is still open. The socket is
 * shut down, not closed: libmicrohttpd sees the end of the stream and closes it itself. */
static void expire(struct conn_limits *cl, struct conn *k, int64_t now)
{
	int phase = atomic_load(&k->phase);
	int64_t since = atomic_load(&k->since_ms), limit_ms;

	if (phase == PHASE_HANDLING || phase == PHASE_EXPIRED || k->fd < 0)
		return;
	if (k->refused)
		limit_ms = 1000 * (int64_t)(cl->l.request_timeout_s < REFUSED_GRACE_S
						    ? cl->l.request_timeout_s
						    : REFUSED_GRACE_S);
	else if (phase == PHASE_REQUEST)
		limit_ms = 1000 * (int64_t)cl->l.request_timeout_s + atomic_load(&k->credit_ms);
	else	/* a request line sent byte by byte is bounded too */
		limit_ms = 1000 * (int64_t)(cl->l.idle_timeout_s + cl->l.request_timeout_s);
	if (now - since < limit_ms)
		return;
	if (!atomic_compare_exchange_strong(&k->phase, &phase, PHASE_EXPIRED))
		return;
	if (phase == PHASE_REQUEST && !cl->tls && !k->refused)
		(void)!send(k->fd, cl->timeout_reply, cl->timeout_reply_len,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(k->fd, SHUT_RDWR);
}

static void *watch_loop(void *arg)
{
	struct conn_limits *cl = arg;
	struct timespec until;
	struct conn *k;

	pthread_mutex_lock(&cl->stop_lock);
	while (!cl->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cl->stop_cond, &cl->stop_lock, &until);
		if (cl->stop)
			break;
		pthread_mutex_unlock(&cl->stop_lock);
		pthread_mutex_lock(&cl->lock);
		for (k = cl->head; k; k = k->next)
			expire(cl, k, now_ms());
		pthread_mutex_unlock(&cl->lock);
		pthread_mutex_lock(&cl->stop_lock);
	}
	pthread_mutex_unlock(&cl->stop_lock);
	return NULL;
}

static void build_timeout_reply(struct conn_limits *cl)
{
	struct err e;
	json_t *problem;
	char *body;
	struct buf b;

	err_init(&e);
	err_set(&e, ERR_CLIENT_TIMEOUT, "the request was not complete within %u seconds",
		cl->l.request_timeout_s);
	problem = wire_problem(&e);
	body = json_dumps(problem, JSON_COMPACT);
	json_decref(problem);
	buf_init(&b, 0);
	buf_addf(&b,
		 "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
		 "Content-Type: application/problem+json\r\nContent-Length: %zu\r\n\r\n%s",
		 body ? strlen(body) : 0, body ? body : "");
	free(body);
	cl->timeout_reply = buf_detach(&b, &cl->timeout_reply_len);
}

/* Room for every connection we allow, each with an upload's temporary file, plus files and
 * the database. */
static void raise_fd_limit(const struct conn_limits *cl)
{
	rlim_t want = 2 * (rlim_t)http_limits_mhd_connections(&cl->l) + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < want)
		log_msg(LOG_WARN,
			"open files are limited to %llu, fewer than --max-connections %u needs"
			" (%llu); raise the limit (LimitNOFILE= in systemd)",
			(unsigned long long)rl.rlim_cur, cl->l.max_connections,
			(unsigned long long)want);
}

struct conn_limits *conn_limits_new(const struct http_limits *l, bool tls)
{
	struct conn_limits *cl = xcalloc(1, sizeof(*cl));

	cl->l = *l;
	cl->tls = tls;
	pthread_mutex_init(&cl->lock, NULL);
	pthread_mutex_init(&cl->stop_lock, NULL);
	pthread_cond_init(&cl->stop_cond, NULL);
	build_timeout_reply(cl);
	raise_fd_limit(cl);
	if (pthread_create(&cl->watchdog, NULL, watch_loop, cl))
		abort();
	return cl;
}

void conn_limits_free(struct conn_limits *cl)
{
	size_t i;

	if (!cl)
		return;
	pthread_mutex_lock(&cl->stop_lock);
	cl->stop = true;
	pthread_cond_signal(&cl->stop_cond);
	pthread_mutex_unlock(&cl->stop_lock);
	pthread_join(cl->watchdog, NULL);
	for (i = 0; i < IP_BUCKETS; i++)
		while (cl->ips[i]) {
			struct ip_count *next = cl->ips[i]->next;
			free(cl->ips[i]);
			cl->ips[i] = next;
		}
	free(cl->timeout_reply);
	pthread_cond_destroy(&cl->stop_cond);
	pthread_mutex_destroy(&cl->lock);
	pthread_mutex_destroy(&cl->stop_lock);
	free(cl);
}
