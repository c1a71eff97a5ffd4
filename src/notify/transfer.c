/* The libcurl side of a delivery: a signed webhook POST or a caldav PUT or DELETE, their
 * addresses checked as libcurl opens the socket, or an e-mail through SMTP; and what the
 * answer means. */
#include "notify/worker_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/ssrf.h"
#include "core/whsec.h"

/* --- libcurl callbacks --- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct job *j = arg;
	size_t len = size * nmemb, room = RESPONSE_KEEP - j->response_len;

	if (room) {
		size_t take = len < room ? len : room;
		memcpy(j->response + j->response_len, ptr, take);
		j->response_len += take;
		j->response[j->response_len] = '\0';
	}
	return len;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct job *j = arg;
	size_t len = size * nmemb;
	char value[64];

	if (len > 12 && len < 12 + sizeof(value) && !strncasecmp(ptr, "retry-after:", 12)) {
		char *end;
		long long s;
		memcpy(value, ptr + 12, len - 12);
		value[len - 12] = '\0';
		s = strtoll(value, &end, 10);
		if (end != value && s > 0) {
			j->retry_after_s = s;
		} else if (end == value) {
			/* An HTTP date: how far ahead of the real clock it lies (the receiver's
			 * clock is a real one). */
			time_t at = curl_getdate(value, NULL);
			if (at > 0 && at > time(NULL))
				j->retry_after_s = (long long)(at - time(NULL));
		}
	}
	return len;
}

static size_t on_read(char *buffer, size_t size, size_t nitems, void *arg)
{
	struct job *j = arg;
	size_t room = size * nitems, left = j->len - j->sent;
	size_t take = left < room ? left : room;

	memcpy(buffer, j->body + j->sent, take);
	j->sent += take;
	return take;
}

/* Copies the len bytes of src to dst (len + 1 bytes) as text: each byte that does not start
 * a well-formed UTF-8 character (a receiver's Latin-1, a character cut where the kept part
 * ends) becomes '?', since PostgreSQL refuses such text and JSON cannot carry it. */
static void utf8_copy(char *dst, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, k = 0;

	while (i < len) {
		size_t n = utf8_char(s + i, len - i);
		if (!n) {
			dst[k++] = '?';
			i++;
			continue;
		}
		memcpy(dst + k, s + i, n);
		k += n;
		i += n;
	}
	dst[k] = '\0';
}

/* --- starting transfers --- */

/* What a webhook and a CalDAV request share: a checked http or https target at j->url. */
static int outside_setup(struct notifier *n, struct job *j, struct err *e)
{
	struct url_target t;
	CURL *h = j->easy;

	if (url_target_parse(j->url, &t, e))
		return -1;
	j->guard.allow_private = n->cfg.allow_private;
	fetch_guard_setup(h, &j->guard);
	curl_easy_setopt(h, CURLOPT_URL, j->url);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "slotd/" SLOTD_VERSION);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
	return 0;
}

static int webhook_setup(struct notifier *n, struct job *j, int64_t ts, struct err *e)
{
	char line[WHSEC_MAX + 2 * (WHSEC_SIG_LEN + 1) + 64];
	char sig[2 * (WHSEC_SIG_LEN + 1) + 1] = "";
	CURL *h = j->easy;

	if (outside_setup(n, j, e))
		return -1;
	if (whsec_sign(j->secret, j->d.event_id, ts, j->body, j->len, sig, sizeof(sig)))
		return err_set(e, ERR_INTERNAL, "the endpoint's secret cannot sign");
	if (*j->previous_secret && j->previous_until > ts)
		whsec_sign(j->previous_secret, j->d.event_id, ts, j->body, j->len, sig,
			   sizeof(sig));
	j->headers = curl_slist_append(NULL, "Content-Type: application/json");
	j->headers = curl_slist_append(j->headers, "Expect:");
	snprintf(line, sizeof(line), "webhook-id: %s", j->d.event_id);
	j->headers = curl_slist_append(j->headers, line);
	snprintf(line, sizeof(line), "webhook-timestamp: %lld", (long long)ts);
	j->headers = curl_slist_append(j->headers, line);
	snprintf(line, sizeof(line), "webhook-signature: %s", sig);
	j->headers = curl_slist_append(j->headers, line);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->len);
	return 0;
}

/* A caldav delivery: PUT of the booking's calendar object, or DELETE of it, with the
 * calendar's credentials (Basic or Digest, whichever the server asks for). */
static int caldav_setup(struct notifier *n, struct job *j, struct err *e)
{
	CURL *h = j->easy;

	if (outside_setup(n, j, e))
		return -1;
	if (*j->username) {
		curl_easy_setopt(h, CURLOPT_USERNAME, j->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, j->password);
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
	}
	j->headers = curl_slist_append(NULL, "Expect:");
	if (j->caldav == CALDAV_PUT) {
		/* The body from memory, so libcurl can send it again after an auth challenge. */
		j->headers = curl_slist_append(j->headers, "Content-Type: text/calendar; charset=utf-8");
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->len);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
	return 0;
}

static void email_setup(struct notifier *n, struct job *j)
{
	char addr[EMAIL_MAX_LEN + 3];
	CURL *h = j->easy;

	snprintf(addr, sizeof(addr), "<%s>", j->d.recipient);
	j->rcpt = curl_slist_append(NULL, addr);
	snprintf(addr, sizeof(addr), "<%s>", n->cfg.mail_from ? n->cfg.mail_from : "");
	curl_easy_setopt(h, CURLOPT_URL, n->cfg.smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, j->rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)j->len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, j);
	if (!strncasecmp(n->cfg.smtp_url, "smtp://", 7))
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
}

/* Sends j (its endpoint has room). A target that fails the checks is a failed attempt. */
void transfer_start(struct notifier *n, struct job *j)
{
	int64_t ts = n->env->clock();
	struct err e;
	CURL *h;

	err_init(&e);
	memset(&j->at, 0, sizeof(j->at));
	snprintf(j->at.delivery_id, sizeof(j->at.delivery_id), "%s", j->d.id);
	j->at.attempt = j->d.attempts + 1;
	j->at.started_at = now_ms(n);
	j->t0_ns = mono_ns_now();
	j->easy = h = curl_easy_init();
	if (!h)
		abort();
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* No proxy from the environment: a proxy would connect on its own, past the address
	 * check. */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)NOTIFY_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	j->ep->running++;
	n->nrunning++;
	if (is_email(j)) {
		email_setup(n, j);
	} else if (is_caldav(j) ? caldav_setup(n, j, &e) : webhook_setup(n, j, ts, &e)) {
		snprintf(j->at.error, sizeof(j->at.error), "%s", e.message);
		j->result = NOTIFY_ERROR;
		j->ep->running--;
		n->nrunning--;
		curl_easy_cleanup(h);
		j->easy = NULL;
		job_judge(n, j, false);
		job_finish(n, j);
		return;
	}
	if (is_caldav(j)) {
		j->cnext = n->caldav_running;
		n->caldav_running = j;
	}
	curl_multi_add_handle(n->multi, h);
}

static void caldav_unlist(struct notifier *n, struct job *j)
{
	struct job **p = &n->caldav_running;

	while (*p && *p != j)
		p = &(*p)->cnext;
	if (*p)
		*p = j->cnext;
	j->cnext = NULL;
}

/* What a calendar's answer code (not 2xx) means, for last_error. */
static void caldav_failure(struct job *j, long code)
{
	const char *what;

	if (code == 401 || code == 403)
		what = code == 401 ? "check the username and password"
				   : "check the username and password, and that the account may"
				     " write to this calendar";
	else if (code >= 300 && code < 400)
		what = "answered with a redirect (not followed): check the calendar's address";
	else if (code == 404 || code == 405)
		what = "the calendar's address is not a calendar collection that exists";
	else if (code == 409)
		what = "the calendar refused the event (a conflict)";
	else if (code == 412)
		what = "the calendar refused the event (a precondition failed)";
	else
		what = "answered with a status that is not 2xx";
	snprintf(j->at.error, sizeof(j->at.error), "HTTP %ld: %s", code, what);
}

/* A transfer ended with rc. */
static void job_ended(struct notifier *n, struct job *j, CURLcode rc)
{
	long code = 0;
	bool permanent = false;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
	j->at.duration_ms = (int64_t)((mono_ns_now() - j->t0_ns) / 1000000u);
	j->at.status_code = (int)code;
	utf8_copy(j->at.response, j->response, strlen(j->response));
	j->ep->running--;
	n->nrunning--;
	if (is_email(j)) {
		if (rc == CURLE_OK) {
			j->result = NOTIFY_SUCCESS;
		} else {
			j->result = code ? NOTIFY_FAILURE : NOTIFY_ERROR;
			permanent = code >= 500 && code < 600;
		}
	} else if (rc == CURLE_OK && code >= 200 && code < 300) {
		j->result = NOTIFY_SUCCESS;
	} else if (rc == CURLE_OK && is_caldav(j) && j->caldav == CALDAV_DELETE &&
		   (code == 404 || code == 410)) {
		j->result = NOTIFY_SUCCESS;	/* not there: what a DELETE wants */
	} else if (rc == CURLE_OK && is_caldav(j)) {
		/* Retried like any failure; a calendar is never disabled by its answers. */
		j->result = NOTIFY_FAILURE;
		caldav_failure(j, code);
		if (code != 429 && code != 503)
			j->retry_after_s = 0;
	} else if (rc == CURLE_OK) {
		j->result = NOTIFY_FAILURE;
		snprintf(j->at.error, sizeof(j->at.error), "%s",
			 code >= 300 && code < 400 ? "answered with a redirect (not followed)"
						   : "answered with a status that is not 2xx");
		if (code != 429 && code != 503)
			j->retry_after_s = 0;
		if (code == 410) {
			permanent = true;
			j->disable = "gone";
		}
	} else {
		j->result = NOTIFY_ERROR;
	}
	/* "refused" only when no address passed: else the transfer failed on its own. */
	if (rc != CURLE_OK && !is_email(j) && *j->guard.refused && !j->guard.opened)
		snprintf(j->at.error, sizeof(j->at.error),
			 "refused: the host resolves to %s address", j->guard.refused);
	else if (rc != CURLE_OK)
		snprintf(j->at.error, sizeof(j->at.error), "%s",
			 *j->errbuf ? j->errbuf : curl_easy_strerror(rc));
	if (is_caldav(j))
		caldav_unlist(n, j);
	curl_multi_remove_handle(n->multi, j->easy);
	curl_easy_cleanup(j->easy);
	j->easy = NULL;
	job_judge(n, j, permanent);
	job_finish(n, j);
}

void transfer_collect(struct notifier *n)
{
	struct CURLMsg *m;
	int left, running;

	curl_multi_perform(n->multi, &running);
	while ((m = curl_multi_info_read(n->multi, &left))) {
		struct job *j = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		job_ended(n, j, m->data.result);
	}
}
