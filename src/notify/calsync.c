/* The calendar syncer. The fetch thread leases due calendars (at most CALSYNC_MAX_FETCHES in
 * hand), runs their requests through one libcurl multi handle — iCalendar: a conditional GET;
 * CalDAV: PROPFIND for the ctag, then, when it changed, a calendar-query REPORT — and hands
 * each finished calendar to the parse thread, which reads the answer into busy time
 * (core/extcal.h; CalDAV's multistatus with libxml2) and records it (uc_calendar_record).
 * Parsing off the fetch thread keeps a large calendar from holding up the transfers of the
 * others. The design is in README.md. */
#include "notify/calsync.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/extcal.h"
#include "notify/fetch.h"
#include "usecase/uc_calsync.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/metrics.h"

#define NS_DAV "DAV:"
#define NS_CALDAV "urn:ietf:params:xml:ns:caldav"
#define NS_CS "http://calendarserver.org/ns/"

static const char propfind_body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">"
	"<D:prop><D:resourcetype/><CS:getctag/><D:sync-token/></D:prop></D:propfind>\n";

enum step { STEP_GET, STEP_PROPFIND, STEP_REPORT };

/* One claim: the memory its jobs point into (the last of them frees it) and the lease owner
 * it took them under. Each claim has an owner of its own, so that when a calendar is leased
 * afresh while an older fetch of it is still in hand (its address changed, or its lease ran
 * out under a jumping clock), the older one can no longer record. */
struct batch {
	struct arena *a;
	atomic_int refs;
	char owner[160];
};

/* Where a job is; the fetch thread owns it while fetching, the parse thread after. */
enum stage { STAGE_FETCH, STAGE_QUEUED, STAGE_PARSING };

/* One calendar in hand: fetching, or waiting for (or under) the parse. */
struct sync_job {
	const struct calendar_job *cj;	/* in batch's arena */
	struct batch *batch;
	enum step step;
	struct fetch f;
	bool in_multi;
	enum stage stage;		/* under mu once handed over */
	bool abandoned;			/* under mu: leased afresh, this one is not recorded */
	char tag[CALENDAR_TAG_MAX + 1];	/* CalDAV: the ctag (or sync-token) PROPFIND gave */
	struct calendar_fetch out;	/* the outcome as far as the fetch knows it */
	char *body;			/* heap: the answer to parse (ok and not unchanged) */
	size_t len;
	struct sync_job *next;		/* in the running list or the parse queue */
	struct sync_job *hnext;		/* in the list of every job in hand */
};

struct calsync {
	const struct uc_env *env;
	bool allow_private;
	char owner[128];		/* of this process; each claim adds its number */
	uint64_t claims;
	CURLM *multi;
	pthread_t fetcher, parser;
	atomic_bool stop, woken;
	struct sync_job *running;	/* the fetch thread's */
	/* shared by the threads, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct sync_job *queue, **queue_tail;	/* to parse and record, oldest first */
	struct sync_job *hand;		/* every job in hand */
	bool parser_stop;
	/* metrics */
	atomic_int_fast64_t in_hand;
	atomic_uint_fast64_t syncs[CALSYNC_RESULT__COUNT];
};

static const char *const result_names[CALSYNC_RESULT__COUNT] = {"read", "unchanged", "failed"};

const char *calsync_result_name(enum calsync_result r)
{
	return r < CALSYNC_RESULT__COUNT ? result_names[r] : "failed";
}

/* --- jobs --- */

static void job_free(struct calsync *s, struct sync_job *j)
{
	struct sync_job **p;

	pthread_mutex_lock(&s->mu);
	for (p = &s->hand; *p && *p != j; p = &(*p)->hnext)
		;
	if (*p)
		*p = j->hnext;
	pthread_mutex_unlock(&s->mu);
	if (j->in_multi)
		curl_multi_remove_handle(s->multi, j->f.easy);
	fetch_release(&j->f);
	free(j->body);
	if (atomic_fetch_sub(&j->batch->refs, 1) == 1) {
		arena_free(j->batch->a);
		free(j->batch);
	}
	atomic_fetch_sub(&s->in_hand, 1);
	free(j);
}

/* j is dropped unrecorded while the server stops: its lease is given back, so the calendar
 * is fetched again at once (by another process, or this one's successor). */
static void job_drop(struct calsync *s, struct sync_job *j)
{
	struct err e;

	err_init(&e);
	if (uc_calendar_release(s->env, j->batch->owner, j->cj, &e))
		log_msg(LOG_WARN, "calendar %s: cannot give back its fetch lease: %s",
			j->cj->cal.id, e.message);
	job_free(s, j);
}

/* The fetch is over (j->out says how): j goes to the parse thread. */
static void job_hand_over(struct calsync *s, struct sync_job *j)
{
	fetch_release(&j->f);
	j->next = NULL;
	pthread_mutex_lock(&s->mu);
	j->stage = STAGE_QUEUED;
	*s->queue_tail = j;
	s->queue_tail = &j->next;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

static void job_fail(struct calsync *s, struct sync_job *j, const char *why)
{
	j->out.ok = false;
	j->out.unchanged = false;
	snprintf(j->out.error, sizeof(j->out.error), "%s", why);
	job_hand_over(s, j);
}

/* --- requests --- */

/* "20261203T101500Z": an instant in the form CalDAV's time-range takes. */
static void caldav_time(int64_t t, char out[20])
{
	int64_t days = floor_div(t, 86400), sec = t - days * 86400;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 20, "%04d%02d%02dT%02d%02d%02dZ", y, m, d, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
}

/* The address to ask: webcal:// (how Apple and Google hand out subscriptions) is https. */
static void request_url(const char *url, char *out, size_t size)
{
	if (!strncasecmp(url, "webcal://", 9))
		snprintf(out, size, "https://%s", url + 9);
	else if (!strncasecmp(url, "webcals://", 10))
		snprintf(out, size, "https://%s", url + 10);
	else
		snprintf(out, size, "%s", url);
}

/* Starts j's current step; on failure j is handed over as failed. */
static void request_start(struct calsync *s, struct sync_job *j)
{
	const struct calendar_job *cj = j->cj;
	struct fetch_opts o = {s->allow_private, CALSYNC_BODY_MAX, true, CALSYNC_TIMEOUT_S, 0};
	char url[URL_MAX + 16], line[CALENDAR_TAG_MAX + 32];
	struct err e;
	CURL *h;

	err_init(&e);
	fetch_release(&j->f);
	request_url(cj->url, url, sizeof(url));
	if (fetch_init(&j->f, url, &o, &e)) {
		job_fail(s, j, e.message);
		return;
	}
	h = j->f.easy;
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	/* Compressed answers are fine: the cap applies to what they unpack to. */
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (*cj->cal.username) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cj->cal.username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, cj->password);
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
	}
	switch (j->step) {
	case STEP_GET:
		fetch_header_add(&j->f, "Accept: text/calendar, */*;q=0.5");
		if (*cj->cal.etag) {
			snprintf(line, sizeof(line), "If-None-Match: %s", cj->cal.etag);
			fetch_header_add(&j->f, line);
		}
		if (*cj->cal.last_modified) {
			snprintf(line, sizeof(line), "If-Modified-Since: %s", cj->cal.last_modified);
			fetch_header_add(&j->f, line);
		}
		break;
	case STEP_PROPFIND:
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PROPFIND");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, propfind_body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(sizeof(propfind_body) - 1));
		fetch_header_add(&j->f, "Depth: 0");
		fetch_header_add(&j->f, "Content-Type: application/xml; charset=utf-8");
		fetch_header_add(&j->f, "Expect:");
		break;
	case STEP_REPORT: {
		char from[20], to[20], body[1024];
		caldav_time(cj->from, from);
		caldav_time(cj->to, to);
		snprintf(body, sizeof(body),
			 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			 "<C:calendar-query xmlns:D=\"DAV:\" "
			 "xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
			 "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
			 "<C:filter><C:comp-filter name=\"VCALENDAR\">"
			 "<C:comp-filter name=\"VEVENT\">"
			 "<C:time-range start=\"%s\" end=\"%s\"/>"
			 "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>\n",
			 from, to);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "REPORT");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
		fetch_header_add(&j->f, "Depth: 1");
		fetch_header_add(&j->f, "Content-Type: application/xml; charset=utf-8");
		fetch_header_add(&j->f, "Expect:");
		break;
	}
	}
	if (curl_multi_add_handle(s->multi, h) != CURLM_OK) {
		job_fail(s, j, "cannot start the request");
		return;
	}
	j->in_multi = true;
	j->next = s->running;
	s->running = j;
}

/* --- what came back --- */

/* The error for an answer with status code (not 2xx, not 304). */
static void status_error(struct sync_job *j, long code, char *out, size_t size)
{
	bool caldav = j->cj->cal.kind == CALENDAR_CALDAV;
	char to[160];

	if ((code == 401 || code == 403) && caldav) {
		snprintf(out, size, "HTTP %ld: check the username and password", code);
	} else if (code >= 300 && code < 400) {
		/* Where a CalDAV server points (iCloud's partition host, a moved collection)
		 * helps the user fix the address; an iCalendar address's target may hold its
		 * secret, so it is not shown. */
		if (caldav && fetch_header(&j->f, "Location", to, sizeof(to)))
			snprintf(out, size, "HTTP %ld: redirects are not followed (it points to %s)",
				 code, to);
		else
			snprintf(out, size, "HTTP %ld: redirects are not followed", code);
	} else {
		snprintf(out, size, "HTTP %ld", code);
	}
}

static bool node_is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, ns) && !strcmp((const char *)n->name, name);
}

/* The text of element n (its text and CDATA children; entity references are not
 * followed) into b. */
static void node_text(const xmlNode *n, struct buf *b)
{
	const xmlNode *c;

	buf_reset(b);
	for (c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			buf_adds(b, (const char *)c->content);
}

/* External entities and DTDs are never loaded, whatever a document asks. */
static xmlParserInputPtr no_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctx)
{
	(void)url;
	(void)id;
	(void)ctx;
	return NULL;
}

/* A multistatus answer as a tree: no network, no entity substitution, no DTD loading. */
static xmlDoc *multistatus_read(const char *body, size_t len, char *why, size_t size)
{
	xmlDoc *doc = xmlReadMemory(body, (int)len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

	if (!doc) {
		snprintf(why, size, "the CalDAV server's answer is not XML");
		return NULL;
	}
	if (!root || !node_is(root, NS_DAV, "multistatus")) {
		xmlFreeDoc(doc);
		snprintf(why, size, "the CalDAV server's answer is not a multistatus");
		return NULL;
	}
	return doc;
}

/* The first non-empty text of an element ns:name under n into out. */
static bool find_text(const xmlNode *n, const char *ns, const char *name, struct buf *b,
		      char *out, size_t size)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (node_is(n, ns, name)) {
			size_t start = 0, end;
			node_text(n, b);
			end = b->len;
			while (start < end && strchr(" \t\r\n", b->ptr[start]))
				start++;
			while (end > start && strchr(" \t\r\n", b->ptr[end - 1]))
				end--;
			if (end > start && end - start < size) {
				memcpy(out, b->ptr + start, end - start);
				out[end - start] = '\0';
				return true;
			}
		}
		if (find_text(n->children, ns, name, b, out, size))
			return true;
	}
	return false;
}

/* The first element ns:name at or under n, or NULL. */
static const xmlNode *find_element(const xmlNode *n, const char *ns, const char *name)
{
	for (; n; n = n->next) {
		const xmlNode *in;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (node_is(n, ns, name))
			return n;
		if ((in = find_element(n->children, ns, name)))
			return in;
	}
	return NULL;
}

/* PROPFIND's answer: the collection's ctag, or without one its sync-token, into tag ("" when
 * it has neither). A resource type given without C:calendar is not a calendar (an account's
 * or a calendar home's address pasted instead of the calendar's). */
static int propfind_read(const char *body, size_t len, char *tag, size_t size, char *why,
			 size_t why_size)
{
	xmlDoc *doc = multistatus_read(body, len, why, why_size);
	const xmlNode *type;
	struct buf b;

	*tag = '\0';
	if (!doc)
		return -1;
	type = find_element(xmlDocGetRootElement(doc), NS_DAV, "resourcetype");
	if (type && find_element(type->children, NS_DAV, "collection") &&
	    !find_element(type->children, NS_CALDAV, "calendar")) {
		xmlFreeDoc(doc);
		snprintf(why, why_size, "the address is a folder but not a calendar: give the "
					"address of the calendar itself");
		return -1;
	}
	buf_init(&b, CALSYNC_BODY_MAX);
	if (!find_text(xmlDocGetRootElement(doc), NS_CS, "getctag", &b, tag, size))
		find_text(xmlDocGetRootElement(doc), NS_DAV, "sync-token", &b, tag, size);
	buf_release(&b);
	xmlFreeDoc(doc);
	return 0;
}

/* Reading a REPORT's calendar-data parts. */
struct report_read {
	struct extcal_result *r;
	const struct extcal_opts *o;
	struct buf text;
	size_t parts, failed;
	size_t bare;			/* responses that brought no calendar-data */
	char first_error[CALENDAR_ERROR_MAX + 1];
};

static void report_walk(struct report_read *rr, const xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (node_is(n, NS_CALDAV, "calendar-data")) {
			struct err e;
			size_t i;
			node_text(n, &rr->text);
			for (i = 0; i < rr->text.len && strchr(" \t\r\n", rr->text.ptr[i]); i++)
				;
			if (i == rr->text.len)
				continue;	/* empty: a property the server did not return */
			rr->parts++;
			err_init(&e);
			if (extcal_add(rr->r, rr->text.ptr, rr->text.len, rr->o, &e)) {
				if (!rr->failed++)
					snprintf(rr->first_error, sizeof(rr->first_error), "%s",
						 e.message);
			}
			continue;
		}
		if (node_is(n, NS_DAV, "response")) {
			size_t before = rr->parts;
			report_walk(rr, n->children);
			if (rr->parts == before)
				rr->bare++;
			continue;
		}
		report_walk(rr, n->children);
	}
}

/* The REPORT's answer into r: every calendar-data part. A part that does not parse is
 * skipped; when every one of them fails, so does the read. */
static int report_read(const char *body, size_t len, struct extcal_result *r,
		       const struct extcal_opts *o, const char *cal_id, char *why, size_t size)
{
	xmlDoc *doc = multistatus_read(body, len, why, size);
	struct report_read rr;

	if (!doc)
		return -1;
	memset(&rr, 0, sizeof(rr));
	rr.r = r;
	rr.o = o;
	buf_init(&rr.text, CALSYNC_BODY_MAX);
	report_walk(&rr, xmlDocGetRootElement(doc));
	buf_release(&rr.text);
	xmlFreeDoc(doc);
	if (rr.failed)
		log_msg(LOG_INFO, "calendar %s: %zu of %zu events could not be read: %s", cal_id,
			rr.failed, rr.parts, rr.first_error);
	if (rr.parts && rr.failed == rr.parts) {
		snprintf(why, size, "no event could be read: %.200s", rr.first_error);
		return -1;
	}
	/* Events listed without their data (the property refused, 403 or 404) are not an
	 * empty calendar: recorded as one, the last good busy time would be wiped. */
	if (rr.bare && !rr.parts) {
		snprintf(why, size, "the CalDAV server listed events without their calendar data");
		return -1;
	}
	if (rr.bare)
		log_msg(LOG_INFO, "calendar %s: %zu events came without their calendar data",
			cal_id, rr.bare);
	return 0;
}

/* Copies a validator of the answer into out, or keeps the stored one (a 304 need not
 * repeat it). */
static void validator(struct sync_job *j, const char *name, const char *stored, char *out,
		      size_t size)
{
	if (!fetch_header(&j->f, name, out, size))
		snprintf(out, size, "%s", stored);
}

/* What j's request that ended with rc came to: 0 when it was handed over or its next request
 * started, -1 with the reason in why. */
static int step_judge(struct calsync *s, struct sync_job *j, CURLcode rc, char *why,
		      size_t size)
{
	const struct ext_calendar *c = &j->cj->cal;
	long code;

	if (fetch_outcome(&j->f, rc, &code, why, size)) {
		if (j->f.too_large)
			snprintf(why, size, "the calendar is larger than %u MB",
				 CALSYNC_BODY_MAX >> 20);
		return -1;
	}
	if (code == 304 && j->step == STEP_GET) {
		j->out.ok = j->out.unchanged = true;
		validator(j, "ETag", c->etag, j->out.etag, sizeof(j->out.etag));
		validator(j, "Last-Modified", c->last_modified, j->out.last_modified,
			  sizeof(j->out.last_modified));
		job_hand_over(s, j);
		return 0;
	}
	if (code < 200 || code >= 300) {
		status_error(j, code, why, size);
		return -1;
	}
	if (j->step != STEP_GET && code != 207) {
		snprintf(why, size, "%s", j->step == STEP_PROPFIND
					  ? "the address is not a CalDAV collection"
					  : "the CalDAV server did not answer the calendar query"
					    " with a multistatus");
		return -1;
	}
	switch (j->step) {
	case STEP_GET:
		/* A validator too long to store is not kept (a cut one would never match). */
		fetch_header(&j->f, "ETag", j->out.etag, sizeof(j->out.etag));
		fetch_header(&j->f, "Last-Modified", j->out.last_modified,
			     sizeof(j->out.last_modified));
		break;
	case STEP_PROPFIND:
		if (propfind_read(j->f.body.ptr, j->f.body.len, j->tag, sizeof(j->tag), why, size))
			return -1;
		if (*j->tag && !strcmp(j->tag, c->ctag)) {
			j->out.ok = j->out.unchanged = true;
			snprintf(j->out.ctag, sizeof(j->out.ctag), "%s", j->tag);
			job_hand_over(s, j);
			return 0;
		}
		j->step = STEP_REPORT;
		request_start(s, j);
		return 0;
	case STEP_REPORT:
		snprintf(j->out.ctag, sizeof(j->out.ctag), "%s", j->tag);
		break;
	}
	j->out.ok = true;
	j->body = buf_detach(&j->f.body, &j->len);
	job_hand_over(s, j);
	return 0;
}

static void step_ended(struct calsync *s, struct sync_job *j, CURLcode rc)
{
	char why[CALENDAR_ERROR_MAX + 1];

	if (step_judge(s, j, rc, why, sizeof(why)))
		job_fail(s, j, why);
}

/* Runs the transfers and moves on those that ended. */
static void collect(struct calsync *s)
{
	struct CURLMsg *m;
	int left, running;

	curl_multi_perform(s->multi, &running);
	while ((m = curl_multi_info_read(s->multi, &left))) {
		struct sync_job *j = NULL, **p;
		CURLcode rc;

		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		curl_multi_remove_handle(s->multi, m->easy_handle);
		j->in_multi = false;
		for (p = &s->running; *p && *p != j; p = &(*p)->next)
			;
		if (*p)
			*p = j->next;
		step_ended(s, j, rc);
	}
}

/* --- claims --- */

/* Calendar id was leased afresh: an older job of it still in hand is dropped (its request
 * aborted, or its outcome not recorded). Fetch thread. */
static void abandon(struct calsync *s, const char *id)
{
	struct sync_job *j, **p;
	enum stage stage;

	pthread_mutex_lock(&s->mu);
	for (j = s->hand; j && strcmp(j->cj->cal.id, id); j = j->hnext)
		;
	if (!j) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	j->abandoned = true;
	stage = j->stage;
	if (stage == STAGE_QUEUED) {
		for (p = &s->queue; *p != j; p = &(*p)->next)
			;
		*p = j->next;
		if (s->queue_tail == &j->next)
			s->queue_tail = p;
	}
	pthread_mutex_unlock(&s->mu);
	if (stage == STAGE_PARSING)
		return;		/* the parse thread drops it */
	if (stage == STAGE_FETCH) {
		for (p = &s->running; *p && *p != j; p = &(*p)->next)
			;
		if (*p)
			*p = j->next;
	}
	log_msg(LOG_DEBUG, "calendar %s: leased afresh, the fetch in hand is dropped", id);
	job_free(s, j);
}

/* Leases up to room due calendars and starts them. Returns how many it started (fewer than
 * room: nothing more is due now). */
static size_t claim(struct calsync *s, size_t room)
{
	struct arena *a = arena_new();
	struct calendar_job *cjs = NULL;
	struct batch *b;
	size_t n = 0, i, started = 0;
	struct err e;

	err_init(&e);
	b = xcalloc(1, sizeof(*b));
	b->a = a;
	atomic_init(&b->refs, 1);	/* this function's, dropped below */
	snprintf(b->owner, sizeof(b->owner), "%s:%llu", s->owner,
		 (unsigned long long)++s->claims);
	if (uc_calendar_claim(s->env, b->owner, room, a, &cjs, &n, &e))
		log_msg(LOG_WARN, "calendars: cannot claim due calendars: %s", e.message);
	for (i = 0; i < n; i++) {
		struct sync_job *j;
		abandon(s, cjs[i].cal.id);
		j = xcalloc(1, sizeof(*j));
		j->cj = &cjs[i];
		j->batch = b;
		atomic_fetch_add(&b->refs, 1);
		atomic_fetch_add(&s->in_hand, 1);
		pthread_mutex_lock(&s->mu);
		j->hnext = s->hand;
		s->hand = j;
		pthread_mutex_unlock(&s->mu);
		j->step = cjs[i].cal.kind == CALENDAR_CALDAV ? STEP_PROPFIND : STEP_GET;
		request_start(s, j);
		started++;
	}
	if (atomic_fetch_sub(&b->refs, 1) == 1) {
		arena_free(b->a);
		free(b);
	}
	return started;
}

/* --- the fetch thread --- */

static void *fetch_loop(void *arg)
{
	struct calsync *s = arg;
	uint64_t last_claim = 0;
	bool more = false, want = true;

	while (!atomic_load(&s->stop)) {
		uint64_t t = mono_ns();
		int64_t room = CALSYNC_MAX_FETCHES - atomic_load(&s->in_hand);
		uint64_t since_ms = (t - last_claim) / 1000000u;
		int wait_ms;

		want = want || atomic_exchange(&s->woken, false);
		if (room > 0 && (want || more || !last_claim || since_ms >= CALSYNC_POLL_MS)) {
			more = claim(s, (size_t)room) == (size_t)room;
			last_claim = t;
			want = false;
			since_ms = 0;
		}
		collect(s);
		/* Full: the parse thread wakes this one when a calendar is done. */
		if (room <= 0 || since_ms >= CALSYNC_POLL_MS)
			wait_ms = room <= 0 ? CALSYNC_POLL_MS : 10;
		else
			wait_ms = (int)(CALSYNC_POLL_MS - since_ms);
		if (!atomic_load(&s->woken))
			curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
		collect(s);
	}
	/* Stopping: requests in flight are dropped, their leases given back. */
	while (s->running) {
		struct sync_job *j = s->running;
		s->running = j->next;
		job_drop(s, j);
	}
	return NULL;
}

/* --- the parse thread --- */

/* Reads j's answer (when there is one to read) and records the outcome. */
static void job_record(struct calsync *s, struct sync_job *j)
{
	const struct calendar_job *cj = j->cj;
	struct extcal_opts o = {s->env->tz, cj->owner_tz, cj->from, cj->to};
	struct extcal_result r;
	bool read = j->out.ok && !j->out.unchanged;
	enum calsync_result result;
	uint64_t t0 = mono_ns();
	bool abandoned;
	struct err e;

	err_init(&e);
	extcal_result_init(&r);
	if (read) {
		char why[CALENDAR_ERROR_MAX + 1];
		int rc;
		if (cj->cal.kind == CALENDAR_CALDAV) {
			rc = report_read(j->body, j->len, &r, &o, cj->cal.id, why, sizeof(why));
		} else {
			rc = extcal_add(&r, j->body, j->len, &o, &e);
			if (rc)
				snprintf(why, sizeof(why), "%s", e.message);
			err_init(&e);
		}
		/* Busy time read in part would offer times the provider is busy, without a
		 * word: a calendar past the limits of one read is an error (its last good busy
		 * time stays). */
		if (!rc && r.truncated) {
			rc = -1;
			snprintf(why, sizeof(why),
				 "the calendar holds more than one sync reads (%d occurrences or "
				 "%lld s of work in the window): nothing was read",
				 EXTCAL_MAX_OCCURRENCES, EXTCAL_BUDGET_NS / 1000000000LL);
		}
		if (rc) {
			j->out.ok = false;
			snprintf(j->out.error, sizeof(j->out.error), "%s", why);
		}
	}
	result = !j->out.ok ? CALSYNC_FAILED : j->out.unchanged ? CALSYNC_SAME : CALSYNC_READ;
	pthread_mutex_lock(&s->mu);
	abandoned = j->abandoned;
	pthread_mutex_unlock(&s->mu);
	if (abandoned) {
		/* Leased afresh meanwhile; were it recorded now, the owner would not match. */
		log_msg(LOG_DEBUG, "calendar %s: leased afresh, this fetch is not recorded",
			cj->cal.id);
	} else if (uc_calendar_record(s->env, j->batch->owner, cj, &j->out,
				      read && j->out.ok ? &r : NULL, &e)) {
		if (e.code == ERR_CONFLICT)
			log_msg(LOG_DEBUG, "calendar %s: lease lost before its record", cj->cal.id);
		else
			log_msg(LOG_WARN, "calendar %s: cannot record its sync: %s", cj->cal.id,
				e.message);
	} else {
		atomic_fetch_add(&s->syncs[result], 1);
		log_msg(result == CALSYNC_FAILED ? LOG_INFO : LOG_DEBUG,
			"calendar %s: %s%s%s (%zu bytes, read in %llu ms)", cj->cal.id,
			calsync_result_name(result), j->out.ok ? "" : ": ",
			j->out.ok ? "" : j->out.error, j->len,
			(unsigned long long)((mono_ns() - t0) / 1000000u));
	}
	extcal_result_release(&r);
}

static void *parse_loop(void *arg)
{
	struct calsync *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct sync_job *j;
		while (!s->queue && !s->parser_stop)
			pthread_cond_wait(&s->cond, &s->mu);
		if (s->parser_stop)
			break;
		j = s->queue;
		s->queue = j->next;
		if (!s->queue)
			s->queue_tail = &s->queue;
		j->stage = STAGE_PARSING;
		pthread_mutex_unlock(&s->mu);
		job_record(s, j);
		job_free(s, j);
		/* Room for another calendar: the fetch thread may claim at once. */
		curl_multi_wakeup(s->multi);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* --- the interface --- */

static void owner_make(struct calsync *s)
{
	char host[64] = "host";
	unsigned char r[4];

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	randombytes_buf(r, sizeof(r));
	snprintf(s->owner, sizeof(s->owner), "%s:%ld:%02x%02x%02x%02x", host, (long)getpid(), r[0],
		 r[1], r[2], r[3]);
}

static void libs_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	xmlSetExternalEntityLoader(no_entity_loader);
}

struct calsync *calsync_start(const struct uc_env *env, bool allow_private, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct calsync *s;

	pthread_once(&once, libs_start);
	s = xcalloc(1, sizeof(*s));
	s->env = env;
	s->allow_private = allow_private;
	owner_make(s);
	s->queue_tail = &s->queue;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->multi = curl_multi_init();
	if (!s->multi) {
		err_set(e, ERR_INTERNAL, "cannot start libcurl for calendar syncing");
		goto fail;
	}
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, 2L * CALSYNC_MAX_FETCHES);
	if (pthread_create(&s->parser, NULL, parse_loop, s)) {
		err_set(e, ERR_INTERNAL, "cannot start the calendar parse thread");
		goto fail;
	}
	if (pthread_create(&s->fetcher, NULL, fetch_loop, s)) {
		pthread_mutex_lock(&s->mu);
		s->parser_stop = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->parser, NULL);
		err_set(e, ERR_INTERNAL, "cannot start the calendar sync thread");
		goto fail;
	}
	return s;
fail:
	if (s->multi)
		curl_multi_cleanup(s->multi);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
	return NULL;
}

void calsync_wake(struct calsync *s)
{
	if (!s || atomic_exchange(&s->woken, true))
		return;
	curl_multi_wakeup(s->multi);
}

void calsync_wake_hook(void *arg)
{
	calsync_wake(arg);
}

void calsync_stats(struct calsync *s, struct calsync_stats *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	for (r = 0; r < CALSYNC_RESULT__COUNT; r++)
		out->syncs[r] = atomic_load(&s->syncs[r]);
	out->in_hand = atomic_load(&s->in_hand);
}

void calsync_stop(struct calsync *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	curl_multi_wakeup(s->multi);
	pthread_join(s->fetcher, NULL);
	pthread_mutex_lock(&s->mu);
	s->parser_stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->parser, NULL);
	/* What was still to parse goes: those calendars are fetched again. */
	while (s->queue) {
		struct sync_job *j = s->queue;
		s->queue = j->next;
		job_drop(s, j);
	}
	curl_multi_cleanup(s->multi);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
