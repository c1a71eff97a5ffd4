/* One HTTP request to an outside target, bounded and checked against SSRF: see fetch.h. */
#include "notify/fetch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/ssrf.h"

/* Opens the socket libcurl is about to connect with, unless the address it resolved (in its
 * own resolver thread, so a slow name server holds up no other transfer) is not public. */
static curl_socket_t open_checked(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_guard *g = clientp;
	enum addr_class c;

	(void)purpose;
	if (!g->allow_private && (c = addr_classify(&a->addr)) != ADDR_PUBLIC) {
		snprintf(g->refused, sizeof(g->refused), "%s %s", addr_class_article(c),
			 addr_class_name(c));
		return CURL_SOCKET_BAD;
	}
	g->opened++;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

void fetch_guard_setup(CURL *h, struct fetch_guard *g)
{
	*g->refused = '\0';
	g->opened = 0;
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, g);
}

/* Each answer starts with its status line: an answer before the final one (a 401 that
 * libcurl answers with credentials, a 100) leaves no body behind. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * nmemb;

	if (len > 5 && !strncasecmp(ptr, "HTTP/", 5)) {
		buf_reset(&f->body);
		f->too_large = false;
	}
	return len;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * nmemb, room = f->o.body_max - f->body.len;

	if (len > room) {
		f->too_large = true;
		if (f->o.abort_past_max)
			return 0;	/* CURLE_WRITE_ERROR: nothing more is read */
		len = room;
	}
	if (len)
		buf_add(&f->body, ptr, len);
	return size * nmemb;
}

int fetch_init(struct fetch *f, const char *url, const struct fetch_opts *o, struct err *e)
{
	CURL *h;

	memset(f, 0, sizeof(*f));
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return err_set(e, ERR_INVALID, "the address is not an http or https URL");
	f->o = *o;
	if (!f->o.timeout_s)
		f->o.timeout_s = FETCH_TIMEOUT_S;
	if (!f->o.connect_timeout_s)
		f->o.connect_timeout_s = FETCH_CONNECT_TIMEOUT_S;
	/* The buffer's own limit sits above body_max: on_body keeps to body_max itself. */
	buf_init(&f->body, f->o.body_max + 1);
	f->easy = h = curl_easy_init();
	if (!h)
		abort();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	f->guard.allow_private = f->o.allow_private;
	fetch_guard_setup(h, &f->guard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, f->o.timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, f->o.connect_timeout_s);
	/* An answer whose announced length is already too long ends before its body. */
	if (f->o.abort_past_max)
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.body_max);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, f->errbuf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "slotd/" SLOTD_VERSION);
	return 0;
}

void fetch_header_add(struct fetch *f, const char *line)
{
	struct curl_slist *l = curl_slist_append(f->headers, line);

	if (!l)
		abort();
	f->headers = l;
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, f->headers);
}

bool fetch_header(struct fetch *f, const char *name, char *out, size_t size)
{
	struct curl_header *h = NULL;
	size_t len;

	*out = '\0';
	if (curl_easy_header(f->easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
		return false;
	/* The last of repeated ones: its index is amount - 1. */
	if (h->amount > 1 &&
	    curl_easy_header(f->easy, name, h->amount - 1, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return false;
	len = strlen(h->value);
	if (len >= size)
		return false;
	memcpy(out, h->value, len + 1);
	return true;
}

/* Copies libcurl's message into why without " after N ms" (how long a connect took). */
static void without_duration(const char *msg, char *why, size_t size)
{
	const char *p = strstr(msg, " after "), *q;

	if (p) {
		for (q = p + 7; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 7 && !strncmp(q, " ms", 3)) {
			snprintf(why, size, "%.*s%s", (int)(p - msg), msg, q + 3);
			return;
		}
	}
	snprintf(why, size, "%s", msg);
}

/* What libcurl's failure rc says, the same way each time the same failure happens: a
 * repeated failure must read as the same reason (a calendar emits calendar.sync_failed when
 * the reason changes), so numbers that vary from one attempt to the next (milliseconds,
 * bytes still to come, stream ids) are left out. libcurl's own message is kept only where it
 * names what failed and nothing that varies; otherwise the code's fixed description. */
static void failure_text(const struct fetch *f, CURLcode rc, char *why, size_t size)
{
	const char *msg = *f->errbuf ? f->errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:	/* "Could not resolve host: H" */
	case CURLE_SSL_CONNECT_ERROR:		/* the TLS library's reason */
	case CURLE_PEER_FAILED_VERIFICATION:	/* "SSL certificate problem: …" */
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_RECV_ERROR:			/* "Recv failure: Connection reset by peer" */
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:			/* "Empty reply from server" */
		snprintf(why, size, "%s", msg);
		return;
	case CURLE_COULDNT_CONNECT:		/* "Failed to connect to H port P after N ms: …" */
		without_duration(msg, why, size);
		return;
	case CURLE_PARTIAL_FILE:		/* "transfer closed with N bytes remaining …" */
		snprintf(why, size, "the answer ended before its end (the connection closed)");
		return;
	default:
		snprintf(why, size, "%s", curl_easy_strerror(rc));
		return;
	}
}

int fetch_outcome(struct fetch *f, CURLcode rc, long *status, char *why, size_t size)
{
	*status = 0;
	*why = '\0';
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && f->too_large && !f->o.abort_past_max)) {
		curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, status);
		return 0;
	}
	if (f->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		f->too_large = true;
		snprintf(why, size, "the answer is larger than %zu bytes", f->o.body_max);
	} else if (*f->guard.refused && !f->guard.opened) {
		/* "refused" only when no address passed: else the request failed on its own. */
		snprintf(why, size, "refused: %s address", f->guard.refused);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		double connect = 0;
		curl_easy_getinfo(f->easy, CURLINFO_CONNECT_TIME, &connect);
		if (connect <= 0)
			snprintf(why, size, "timed out connecting after %ld s",
				 f->o.connect_timeout_s);
		else
			snprintf(why, size, "timed out after %ld s", f->o.timeout_s);
	} else {
		failure_text(f, rc, why, size);
	}
	return -1;
}

void fetch_release(struct fetch *f)
{
	if (f->easy)
		curl_easy_cleanup(f->easy);
	f->easy = NULL;
	curl_slist_free_all(f->headers);
	f->headers = NULL;
	buf_release(&f->body);
}
