/* One HTTP request to an outside target through libcurl, set up the way every request this
 * server makes to a user-given address must be: http/https only, the SSRF check on the very
 * address libcurl is about to connect to (core/ssrf.h, unless private targets are allowed),
 * no proxy from the environment (a proxy would connect past the check), no redirects
 * followed, a connect timeout and a total timeout, and a cap on the answer's body.
 *
 * The caller adds the method and request body (CURLOPT_CUSTOMREQUEST, CURLOPT_POSTFIELDS,
 * …) and runs f->easy, alone or in a multi handle; when it has ended, fetch_outcome says
 * what came back. One thread uses a fetch at a time. */
#ifndef SLOTD_NOTIFY_FETCH_H
#define SLOTD_NOTIFY_FETCH_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define FETCH_TIMEOUT_S 15		/* a whole request, default */
#define FETCH_CONNECT_TIMEOUT_S 5	/* its connection, default */

/* The address check of one transfer to a user-given target (a webhook, a CalDAV write, a
 * calendar fetch). */
struct fetch_guard {
	bool allow_private;		/* loopback and private addresses may be reached */
	char refused[48];		/* "a loopback", …: the class of an address refused at
					 * connect, "" = none */
	int opened;			/* sockets opened (addresses that passed the check) */
};

/* Sets h up for an http or https target the way every request to a user-given address must
 * be: those protocols only, no redirects followed, no proxy from the environment (a proxy
 * would connect past the check), and g's check on the very address libcurl is about to
 * connect to (core/ssrf.h), so a name that answers differently later (DNS rebinding) cannot
 * steer the transfer elsewhere. g (its allow_private set) must outlive the transfer; its
 * refused and opened are reset here. */
void fetch_guard_setup(CURL *h, struct fetch_guard *g);

struct fetch_opts {
	bool allow_private;		/* loopback and private addresses may be reached */
	size_t body_max;		/* bytes of the answer's body kept */
	bool abort_past_max;		/* a body longer than body_max aborts the transfer (the
					 * outcome is "too large"); else the rest is dropped */
	long timeout_s;			/* 0 = FETCH_TIMEOUT_S */
	long connect_timeout_s;		/* 0 = FETCH_CONNECT_TIMEOUT_S */
};

struct fetch {
	CURL *easy;			/* owned; CURLOPT_PRIVATE is the caller's */
	struct fetch_opts o;
	struct curl_slist *headers;	/* request header lines */
	struct buf body;		/* the final answer's body (up to body_max bytes) */
	bool too_large;			/* the body passed body_max (and, if asked, aborted) */
	struct fetch_guard guard;
	char errbuf[CURL_ERROR_SIZE];
};

/* Sets f up for a GET of url (absolute http or https; the caller checks it further if it
 * must) with the options o. Aborts when libcurl cannot make a handle (out of memory).
 * ERR_INVALID when url is not an http or https URL. On failure nothing is left to release. */
int fetch_init(struct fetch *f, const char *url, const struct fetch_opts *o, struct err *e);

/* Adds one request header line ("Name: value"; "Name:" removes one libcurl would send). */
void fetch_header_add(struct fetch *f, const char *line);

/* Copies the value of the final answer's header name (case-insensitive; the last one when
 * repeated) into out (size bytes, NUL-terminated). False when there is none or it does not
 * fit (out is then ""). Only after the transfer ended. */
bool fetch_header(struct fetch *f, const char *name, char *out, size_t size);

/* What a transfer that ended with rc came to: 0 with *status the answer's HTTP status when
 * one came and its body was kept whole (or, without abort_past_max, cut); -1 otherwise with
 * the reason in why (size bytes): "refused: a loopback address", "timed out after 15 s",
 * "the answer is larger than N bytes" (the caller may say it its own way: f->too_large),
 * or libcurl's reason — worded the same each time the same failure happens (no durations,
 * byte counts or stream ids), with no part of the URL but its host. */
int fetch_outcome(struct fetch *f, CURLcode rc, long *status, char *why, size_t size);

/* Frees the handle (which must not be in a multi handle any more), the header lines and the
 * body. f may be released twice. */
void fetch_release(struct fetch *f);

#endif
