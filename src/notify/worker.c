/* The notification worker: one thread, one libcurl multi handle. Each round of its loop runs
 * one write transaction (across tenants) that records the attempts finished since the last
 * round, pushes back the deliveries of endpoints whose circuit opened, fans queued events
 * out into deliveries, and leases the due deliveries it has room for; then it starts what
 * the per-endpoint limits and breakers allow and waits on the transfers (or a wake-up, or
 * 50 ms). A caldav delivery is worked out when it starts, from the booking as it is then
 * (usecase/uc_caldav.h). The transfers themselves are in transfer.c; the design is in
 * README.md. */
#include "notify/worker.h"
#include "notify/worker_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/civil.h"
#include "notify/render.h"
#include "store/store_notify.h"
#include "usecase/uc_caldav.h"
#include "usecase/uc_deliveries.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#define POLL_MS 50		/* idle: how often the queue is looked at without a wake-up */
#define FANOUT_BATCH 256	/* queue rows per round */
#define CLAIM_BATCH 512		/* deliveries leased per round, at most */
#define HELD_MAX 1024		/* leased and not yet started, at most */
#define HOLD_PER_ENDPOINT 512	/* leased (started or not) per proven endpoint, at most (4 x
				 * its transfers while unproven) */
#define RECORD_BATCH 64		/* outcomes that make a round at once */
#define RECORD_WAIT_MS 5	/* fewer wait this long for more (one commit records many) */
#define HELD_RESERVE 128	/* leases a proven endpoint's overshoot leaves to the others */
#define HOLD_WAIT_S 30		/* a lease not started by then is given back */
#define RETRY_AFTER_MAX_S 86400
#define STATS_EVERY_S 1
#define REMINDERS_EVERY_MS 500	/* due reminders are looked for this often */
#define REMINDERS_BATCH 256
#define CALDAV_READ_RETRY_S 5	/* a caldav delivery whose booking could not be read waits */
#define EP_BUCKETS 256
#define JOB_BUCKETS 1024

/* Standard Webhooks: attempt n+1 follows a failed attempt n after SCHEDULE[n] seconds. */
static const int64_t schedule_s[NOTIFY_ATTEMPTS_MAX] = {
	0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600,
};

static const char *const result_names[NOTIFY_RESULT__COUNT] = {"success", "failure", "error"};

const char *notify_result_name(enum notify_result r)
{
	return r < NOTIFY_RESULT__COUNT ? result_names[r] : "error";
}

/* --- small helpers --- */
static uint32_t hash_str(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	for (; b && *b; b++)
		h = (h ^ (unsigned char)*b) * 16777619u;
	return h;
}

/* A uniform double in [0, 1) (xorshift64*; jitter needs no cryptography). */
static double rand_unit(struct notifier *n)
{
	n->rng ^= n->rng >> 12;
	n->rng ^= n->rng << 25;
	n->rng ^= n->rng >> 27;
	return (double)((n->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static struct endpoint_state *ep_of(struct notifier *n, const char *tenant, const char *id)
{
	uint32_t h = hash_str(tenant, id) % EP_BUCKETS;
	struct endpoint_state *s;

	for (s = n->eps[h]; s; s = s->next)
		if (!strcmp(s->id, id) && !strcmp(s->tenant, tenant))
			return s;
	s = xcalloc(1, sizeof(*s));
	snprintf(s->tenant, sizeof(s->tenant), "%s", tenant);
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->next = n->eps[h];
	n->eps[h] = s;
	return s;
}

static struct job *job_find(struct notifier *n, const char *id)
{
	struct job *j;

	for (j = n->jobs[hash_str(id, NULL) % JOB_BUCKETS]; j; j = j->hnext)
		if (!strcmp(j->d.id, id))
			return j;
	return NULL;
}

static void job_index(struct notifier *n, struct job *j)
{
	uint32_t h = hash_str(j->d.id, NULL) % JOB_BUCKETS;

	j->hnext = n->jobs[h];
	n->jobs[h] = j;
}

static void job_free(struct notifier *n, struct job *j)
{
	struct job **p = &n->jobs[hash_str(j->d.id, NULL) % JOB_BUCKETS];

	while (*p && *p != j)
		p = &(*p)->hnext;
	if (*p)
		*p = j->hnext;
	if (j->easy) {
		curl_multi_remove_handle(n->multi, j->easy);
		curl_easy_cleanup(j->easy);
	}
	curl_slist_free_all(j->headers);
	curl_slist_free_all(j->rcpt);
	free(j->body);
	sodium_memzero(j->password, sizeof(j->password));
	free(j);
}
/* --- outcomes --- */

/* Moves j to the list of outcomes the next round records. */
void job_finish(struct notifier *n, struct job *j)
{
	j->finished = true;
	j->next = n->done;
	n->done = j;
	n->ndone++;
}

/* Gives j's lease back untried, due at due (0 = as it was). */
static void job_release(struct notifier *n, struct job *j, int64_t due)
{
	j->attempted = false;
	if (due > j->d.next_attempt_at)
		j->d.next_attempt_at = due;
	job_finish(n, j);
}

/* Fails j without an attempt (nothing can be sent for it). */
static void job_fail_untried(struct notifier *n, struct job *j, const char *why)
{
	j->attempted = false;
	j->d.status = DELIVERY_FAILED;
	j->d.updated_at = n->env->clock();
	snprintf(j->d.last_error, sizeof(j->d.last_error), "%s", why);
	job_finish(n, j);
}

static void endpoint_open(struct notifier *n, struct endpoint_state *ep, int64_t until)
{
	struct defer *d;

	ep->open = true;
	ep->probe_at = until;
	if (!*ep->id)
		return;
	d = xcalloc(1, sizeof(*d));
	snprintf(d->tenant, sizeof(d->tenant), "%s", ep->tenant);
	snprintf(d->endpoint_id, sizeof(d->endpoint_id), "%s", ep->id);
	d->until = until;
	d->next = n->defers;
	n->defers = d;
}

/* The attempt of j is over (j->at and j->result set): its next state, the endpoint's
 * breaker, and what to do to the endpoint. */
void job_judge(struct notifier *n, struct job *j, bool permanent)
{
	struct endpoint_state *ep = j->ep;
	int64_t now = n->env->clock();
	struct delivery *d = &j->d;
	bool ok = j->result == NOTIFY_SUCCESS;

	j->attempted = true;
	atomic_fetch_add(&n->attempts[d->channel][j->result], 1);
	d->attempts = j->at.attempt;
	d->last_status = j->at.status_code;
	snprintf(d->last_error, sizeof(d->last_error), "%s", j->at.error);
	d->updated_at = now;
	if (j->probe)
		ep->probing = false;
	if (ok) {
		d->status = DELIVERY_SUCCEEDED;
		ep->failures = 0;
		ep->open = false;
		ep->proven = true;
		return;
	}
	if (permanent || d->attempts >= NOTIFY_ATTEMPTS_MAX) {
		d->status = DELIVERY_FAILED;
	} else {
		double base = (double)schedule_s[d->attempts];
		int64_t delay = (int64_t)(base * (0.9 + 0.2 * rand_unit(n)) + 0.5);
		if (j->retry_after_s > delay)
			delay = j->retry_after_s < RETRY_AFTER_MAX_S ? j->retry_after_s
								     : RETRY_AFTER_MAX_S;
		d->next_attempt_at = now + delay;
	}
	if (!is_email(j) && j->failing_since && now - j->failing_since >= NOTIFY_DISABLE_AFTER_S)
		j->disable = "failing";
	/* A mail the SMTP server refused for good says nothing about the server. */
	if (is_email(j) && permanent)
		return;
	ep->proven = false;
	/* Open (or still open): the endpoint's other deliveries wait for this one's retry. */
	if (++ep->failures >= NOTIFY_BREAKER_FAILURES && d->status == DELIVERY_PENDING &&
	    (!ep->open || d->next_attempt_at > ep->probe_at))
		endpoint_open(n, ep, d->next_attempt_at);
}

/* Transfers an endpoint may have in flight: the full share once it has answered well, a
 * small one while it is new or failing, so dead endpoints (each holding its transfers for
 * the whole timeout) cannot take up the slots that live ones need. */
static int endpoint_cap(const struct endpoint_state *ep)
{
	return ep->proven ? NOTIFY_MAX_PER_ENDPOINT : NOTIFY_UNPROVEN_PER_ENDPOINT;
}

/* How many deliveries of ep may be leased (started or not) at once. */
static int hold_share(const struct endpoint_state *ep)
{
	return ep->proven ? HOLD_PER_ENDPOINT : 4 * NOTIFY_UNPROVEN_PER_ENDPOINT;
}

/* Whether a caldav delivery for the same booking and calendar as j is in flight. */
static bool caldav_sibling_running(const struct notifier *n, const struct job *j)
{
	const struct job *r;

	for (r = n->caldav_running; r; r = r->cnext)
		if (!strcmp(r->d.endpoint_id, j->d.endpoint_id) &&
		    !strcmp(r->d.recipient, j->d.recipient) && !strcmp(r->d.tenant_id, j->d.tenant_id))
			return true;
	return false;
}

/* What caldav delivery j sends, from the booking and calendar as they are now: 0 when it
 * is ready to start, 1 when there is nothing to send (j failed untried with the reason:
 * the calendar was deleted, disabled, no longer for writing, or its password does not
 * open), -1 when the store cannot answer (j is given back, due again a little later). */
static int caldav_prepare(struct notifier *n, struct job *j)
{
	struct caldav_request r;
	struct err e;

	err_init(&e);
	if (uc_caldav_request(n->env, j->d.tenant_id, j->d.endpoint_id, j->d.recipient, &r, &e)) {
		log_msg(LOG_WARN, "notifications: delivery %s: %s", j->d.id, e.message);
		job_release(n, j, n->env->clock() + CALDAV_READ_RETRY_S);
		return -1;
	}
	if (r.action == CALDAV_NONE) {
		sodium_memzero(r.password, sizeof(r.password));
		job_fail_untried(n, j, r.why);
		return 1;
	}
	j->caldav = r.action;
	snprintf(j->url, sizeof(j->url), "%s", r.url);
	snprintf(j->username, sizeof(j->username), "%s", r.username);
	memcpy(j->password, r.password, sizeof(j->password));
	sodium_memzero(r.password, sizeof(r.password));
	free(j->body);
	j->body = r.body;
	j->len = r.len;
	return 0;
}

/* Starts the held deliveries that have room; gives back those of open circuits and those
 * held too long. A caldav delivery waits while another for the same booking and calendar
 * is in flight. */
static void start_held(struct notifier *n, bool stopping)
{
	int64_t now = n->env->clock();
	struct job **p = &n->held;

	while (*p) {
		struct job *j = *p;
		struct endpoint_state *ep = j->ep;
		bool go = false, give_back = stopping || now - j->claimed_at >= HOLD_WAIT_S;

		if (!give_back && is_caldav(j) && caldav_sibling_running(n, j)) {
			p = &j->next;
			continue;
		}
		if (!give_back && ep->open) {
			if (!ep->probing && now >= ep->probe_at && n->nrunning < NOTIFY_MAX_TRANSFERS) {
				ep->probing = true;
				j->probe = true;
				go = true;
			} else {
				give_back = true;
			}
		} else if (!give_back) {
			go = n->nrunning < NOTIFY_MAX_TRANSFERS && ep->running < endpoint_cap(ep);
		}
		if (!go && !give_back) {
			p = &j->next;
			continue;
		}
		*p = j->next;
		n->nheld--;
		ep->held--;
		if (go && is_caldav(j) && caldav_prepare(n, j) != 0) {
			if (j->probe) {
				j->probe = false;
				ep->probing = false;
			}
			continue;	/* finished untried, or given back */
		}
		if (go)
			transfer_start(n, j);
		else
			job_release(n, j, ep->open ? ep->probe_at : 0);
	}
}

/* --- the round's transaction --- */

/* The list in the opposite order (outcomes gather newest first). */
static struct job *reversed(struct job *list)
{
	struct job *out = NULL;

	while (list) {
		struct job *next = list->next;
		list->next = out;
		out = list;
		list = next;
	}
	return out;
}

/* Records the outcomes of list, oldest first, so an endpoint's state ends as its last answer
 * left it (a failure then a success in one batch is not failing). */
static void record_outcomes(struct notifier *n, struct store_tx *tx, struct job *list,
			    struct err *e)
{
	struct job *j;

	for (j = list; j && !e->code; j = j->next) {
		store_tx_act_for(tx, j->d.tenant_id);
		if (tx_delivery_record(tx, n->owner, &j->d, j->attempted ? &j->at : NULL, e)) {
			if (e->code != ERR_CONFLICT)
				return;
			log_msg(LOG_DEBUG, "delivery %s: lease lost before its record",
				j->d.id);
			err_init(e);
			continue;
		}
		if (j->attempted && j->d.channel == CHANNEL_WEBHOOK)
			tx_endpoint_outcome(tx, j->d.endpoint_id, j->result == NOTIFY_SUCCESS,
					    j->d.updated_at, e);
	}
}

static void run_defers(struct notifier *n, struct store_tx *tx, struct err *e)
{
	struct defer *d;

	for (d = n->defers; d && !e->code; d = d->next)
		tx_delivery_defer(tx, d->tenant, d->endpoint_id, d->until, NULL, e);
}

static bool type_matches(const struct webhook_endpoint *w, const char *type)
{
	size_t i;

	if (!w->ntypes)
		return true;
	for (i = 0; i < w->ntypes; i++) {
		const char *t = w->types[i];
		size_t len = strlen(t);
		if (!*t || !strcmp(t, "*") || !strcmp(t, type))
			return true;
		if (t[len - 1] == '.' && !strncmp(t, type, len))
			return true;
	}
	return false;
}

/* Inserts a pending delivery of ev (of tenant), due now, on channel to endpoint_id (a
 * webhook endpoint or a calendar) and recipient with role (an e-mail address, or a caldav
 * delivery's booking); "" for what the channel does not use. */
static int delivery_add(struct store_tx *tx, const struct event_rec *ev, const char *tenant,
			int64_t now, enum delivery_channel channel, const char *endpoint_id,
			const char *recipient, const char *role, struct err *e)
{
	struct delivery d;

	memset(&d, 0, sizeof(d));
	id_new(d.id, "dlv");
	snprintf(d.tenant_id, sizeof(d.tenant_id), "%s", tenant);
	d.event_seq = ev->seq;
	snprintf(d.event_id, sizeof(d.event_id), "%s", ev->id);
	snprintf(d.event_type, sizeof(d.event_type), "%s", ev->type);
	d.channel = channel;
	snprintf(d.endpoint_id, sizeof(d.endpoint_id), "%s", endpoint_id);
	snprintf(d.recipient, sizeof(d.recipient), "%s", recipient);
	snprintf(d.recipient_role, sizeof(d.recipient_role), "%s", role);
	d.status = DELIVERY_PENDING;
	d.next_attempt_at = now;
	d.created_at = d.updated_at = now;
	return tx_delivery_insert(tx, &d, e);
}

/* The endpoints of the tenant, read once per round. */
struct tenant_eps {
	char tenant[ID_MAX];
	struct webhook_endpoint *eps;
	size_t n;
	struct tenant_eps *next;
};

static int fan_out_one(struct notifier *n, struct store_tx *tx, const struct queued_event *q,
		       struct tenant_eps **cache, struct arena *a, int64_t now, struct err *e)
{
	struct caldav_target *ct;
	struct tenant_eps *te;
	struct event_rec ev;
	size_t i, nct = 0;

	store_tx_act_for(tx, q->tenant_id);
	if (tx_event_at(tx, q->tenant_id, q->seq, a, &ev, e)) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_init(e);	/* purged: nothing to deliver */
		return tx_queue_done(tx, q, e);
	}
	for (te = *cache; te && strcmp(te->tenant, q->tenant_id); te = te->next)
		;
	if (!te) {
		te = arena_alloc(a, sizeof(*te));
		memset(te, 0, sizeof(*te));
		snprintf(te->tenant, sizeof(te->tenant), "%s", q->tenant_id);
		if (tx_endpoints_enabled(tx, a, &te->eps, &te->n, e))
			return -1;
		te->next = *cache;
		*cache = te;
	}
	for (i = 0; i < te->n; i++) {
		if (!type_matches(&te->eps[i], ev.type))
			continue;
		if (delivery_add(tx, &ev, q->tenant_id, now, CHANNEL_WEBHOOK, te->eps[i].id, "", "",
				 e))
			return -1;
	}
	if (n->cfg.smtp_url && *n->cfg.smtp_url) {
		struct mail_target to[2];
		size_t nt = 0;
		if (notify_email_targets(n->env, tx, &ev, a, to, &nt, e))
			return -1;
		for (i = 0; i < nt; i++) {
			if (delivery_add(tx, &ev, q->tenant_id, now, CHANNEL_EMAIL, "",
					 to[i].address, to[i].role, e))
				return -1;
		}
	}
	if (uc_caldav_targets(tx, &ev, now, a, &ct, &nct, e))
		return -1;
	for (i = 0; i < nct; i++) {
		if (delivery_add(tx, &ev, q->tenant_id, now, CHANNEL_CALDAV, ct[i].calendar_id,
				 ct[i].booking_id, "", e))
			return -1;
	}
	return tx_queue_done(tx, q, e);
}

static int fan_out(struct notifier *n, struct store_tx *tx, struct arena *a, int64_t now,
		   struct err *e)
{
	struct tenant_eps *cache = NULL;
	struct queued_event *q;
	size_t nq = 0, i;

	if (tx_queue_claim(tx, FANOUT_BATCH, a, &q, &nq, e))
		return -1;
	for (i = 0; i < nq; i++)
		if (fan_out_one(n, tx, &q[i], &cache, a, now, e))
			return -1;
	return (int)nq;
}

/* The endpoints not to lease for now: full, or open and not due a probe. */
static size_t skip_list(struct notifier *n, int64_t now, id_t_ *skip, size_t max)
{
	bool smtp = n->cfg.smtp_url && *n->cfg.smtp_url;
	size_t k = 0, b;
	struct endpoint_state *s;

	if (!smtp)
		skip[k++][0] = '\0';
	for (b = 0; b < EP_BUCKETS; b++)
		for (s = n->eps[b]; s && k < max; s = s->next) {
			bool full = s->running + s->held >= hold_share(s);
			bool closed = s->open && (s->probing || now < s->probe_at);
			if ((full || closed) && (*s->id || smtp))
				snprintf(skip[k++], ID_MAX, "%s", s->id);
		}
	return k;
}

/* What sending d needs, read in the claim's transaction; 1 when d is failed untried. */
static int job_prepare(struct notifier *n, struct store_tx *tx, struct job *j,
		       struct arena *a, struct err *e)
{
	struct event_rec ev;

	/* Worked out when it starts (caldav_prepare), from the booking as it is then. */
	if (is_caldav(j))
		return 0;
	store_tx_act_for(tx, j->d.tenant_id);
	if (tx_event_at(tx, j->d.tenant_id, j->d.event_seq, a, &ev, e)) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_init(e);
		job_fail_untried(n, j, "the event is no longer stored");
		return 1;
	}
	if (is_email(j)) {
		struct notify_mail_config mc = {n->cfg.mail_from, NULL, n->cfg.public_url};
		char to[EMAIL_MAX_LEN + 1];
		struct buf msg;
		int rc;

		buf_init(&msg, 4u << 20);
		rc = notify_render_email(n->env, tx, &ev, j->d.recipient_role, &mc, a, &msg, to, e);
		if (rc < 0 || msg.failed) {
			buf_release(&msg);
			if (e->code == ERR_STORE_BUSY || e->code == ERR_INTERNAL)
				return -1;
			job_fail_untried(n, j, e->code ? e->message : "the message is too large");
			err_init(e);
			return 1;
		}
		if (rc == 1) {
			buf_release(&msg);
			job_fail_untried(n, j, "nothing to send: the recipient has no address");
			return 1;
		}
		snprintf(j->d.recipient, sizeof(j->d.recipient), "%s", to);
		j->body = buf_detach(&msg, &j->len);
		return 0;
	} else {
		struct webhook_endpoint w;
		char when[RFC3339_STR_MAX];
		struct buf body;

		if (tx_endpoint_get(tx, j->d.endpoint_id, &w, e)) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			err_init(e);
			job_fail_untried(n, j, "the endpoint is gone");
			return 1;
		}
		if (!w.enabled) {
			job_fail_untried(n, j, "the endpoint is disabled");
			return 1;
		}
		snprintf(j->url, sizeof(j->url), "%s", w.url);
		snprintf(j->secret, sizeof(j->secret), "%s", w.secret);
		snprintf(j->previous_secret, sizeof(j->previous_secret), "%s", w.previous_secret);
		j->previous_until = w.previous_until;
		j->failing_since = w.failing_since;
		rfc3339_format(ev.created_at, 0, when);
		buf_init(&body, 1u << 20);
		buf_adds(&body, "{\"type\":");
		buf_add_json_str(&body, ev.type);
		buf_adds(&body, ",\"timestamp\":");
		buf_add_json_str(&body, when);
		buf_adds(&body, ",\"data\":");
		buf_adds(&body, ev.payload && *ev.payload ? ev.payload : "{}");
		buf_addc(&body, '}');
		if (body.failed) {
			buf_release(&body);
			job_fail_untried(n, j, "the event is too large to send");
			return 1;
		}
		j->body = buf_detach(&body, &j->len);
		return 0;
	}
}

/* Leases due deliveries into new jobs (list *out) and prepares them. */
static uint32_t skip_hash(const id_t_ *skip, size_t nskip)
{
	uint32_t h = 2166136261u ^ (uint32_t)nskip;
	size_t i;

	for (i = 0; i < nskip; i++)
		h = (h ^ hash_str(skip[i], NULL)) * 16777619u;
	return h;
}

static int claim(struct notifier *n, struct store_tx *tx, struct arena *a, int64_t now,
		 bool fanned, struct job **out, size_t *nclaimed, struct err *e)
{
	size_t room = HELD_MAX > n->nheld ? HELD_MAX - n->nheld : 0, nd = 0, i, nskip;
	id_t_ *skip = arena_alloc(a, 1024 * sizeof(*skip));
	uint64_t t = mono_ns_now();
	struct delivery *d;
	uint32_t h;

	*nclaimed = 0;
	if (room > CLAIM_BATCH)
		room = CLAIM_BATCH;
	if (!room)
		return 0;
	nskip = skip_list(n, now, skip, 1024);
	h = skip_hash(skip, nskip);
	if (n->dry_at_ns && !fanned && h == n->dry_skip &&
	    t - n->dry_at_ns < POLL_MS * 1000000ull)
		return 0;
	if (tx_delivery_claim(tx, n->owner, now, now + NOTIFY_LEASE_S, room, skip, nskip, a, &d,
			      &nd, e))
		return -1;
	n->dry_at_ns = nd == 0 && nskip ? t : 0;
	n->dry_skip = h;
	*nclaimed = nd;
	for (i = 0; i < nd; i++) {
		struct job *j, *held = job_find(n, d[i].id);
		int rc;

		/* Ours already: the lease is just longer. (One this round has just given back
		 * or recorded is claimed afresh.) */
		if (held && !held->finished)
			continue;
		j = xcalloc(1, sizeof(*j));
		j->d = d[i];
		j->claimed_at = now;
		rc = job_prepare(n, tx, j, a, e);
		if (rc < 0) {
			free(j->body);
			free(j);
			return -1;
		}
		if (rc == 1)
			continue;	/* on the done list */
		j->next = *out;
		*out = j;
	}
	return 0;
}

static void free_list(struct notifier *n, struct job *j)
{
	while (j) {
		struct job *next = j->next;
		job_free(n, j);
		j = next;
	}
}

/* One round's transaction. Returns how many deliveries were leased or events fanned out
 * (more may be waiting when it is large), or -1. */
static int round_tx(struct notifier *n, bool stopping)
{
	int64_t now = n->env->clock();
	struct job *claimed = NULL, *recorded = reversed(n->done), *j;
	struct arena *a = arena_new();
	size_t nclaimed = 0, nrecorded = n->ndone;
	struct store_tx *tx;
	struct err e;
	int fanned = 0, rc = -1;

	err_init(&e);
	/* Jobs failed untried by this round's claim gather on a fresh list. */
	n->done = NULL;
	n->ndone = 0;
	tx = store_begin(n->env->store, "", STORE_WRITE, &e);
	if (!tx)
		goto out;
	record_outcomes(n, tx, recorded, &e);
	if (!e.code)
		run_defers(n, tx, &e);
	if (!e.code && !stopping)
		fanned = fan_out(n, tx, a, now, &e);
	if (!e.code && !stopping)
		claim(n, tx, a, now, fanned > 0, &claimed, &nclaimed, &e);
	if (store_end(tx, e.code == 0, &e) == 0 && !e.code)
		rc = (int)nclaimed + (fanned > 0 ? fanned : 0);
out:
	if (rc < 0) {
		log_msg(LOG_WARN, "notifications: a round failed: %s", e.message);
		/* Outcomes stay to be recorded next round; leases taken are let expire, and the
		 * jobs failed untried in this round go too (they are claimed again). */
		free_list(n, n->done);
		n->done = reversed(recorded);	/* newest first again, as the list gathers */
		n->ndone = nrecorded;
		for (j = claimed; j;) {
			struct job *next = j->next;
			free(j->body);
			free(j);
			j = next;
		}
		arena_free(a);
		return -1;
	}
	/* Recorded: the outcomes go; endpoints to disable are disabled (with their event). */
	for (j = recorded; j;) {
		struct job *next = j->next;
		if (j->disable) {
			struct err de;
			err_init(&de);
			if (uc_endpoint_disable(n->env, j->d.tenant_id, j->d.endpoint_id, j->disable,
						now, &de))
				log_msg(LOG_WARN, "notifications: cannot disable endpoint %s: %s",
					j->d.endpoint_id, de.message);
		}
		job_free(n, j);
		j = next;
	}
	while (n->defers) {
		struct defer *d = n->defers;
		n->defers = d->next;
		free(d);
	}
	for (j = claimed; j;) {
		struct job *next = j->next;
		j->ep = is_email(j) ? ep_of(n, "", "") : ep_of(n, j->d.tenant_id, j->d.endpoint_id);
		/* One claim may bring more of an endpoint than its share (the share is checked
		 * only between claims). For an endpoint that has not answered with success yet,
		 * the rest goes back at once, so endpoints that do not answer cannot fill the
		 * process's leases and keep the others' deliveries out. A proven endpoint keeps
		 * its overshoot while HELD_RESERVE leases stay free for the others (giving all
		 * of it back made every round lease and return hundreds of rows once its share
		 * was nearly full, 10x slower), so one that dies with a backlog cannot take
		 * them all either. */
		if (j->ep->running + j->ep->held >= hold_share(j->ep) &&
		    (!j->ep->proven || n->nheld + HELD_RESERVE >= HELD_MAX)) {
			job_release(n, j, 0);
			j = next;
			continue;
		}
		j->ep->held++;
		j->next = n->held;
		n->held = j;
		n->nheld++;
		job_index(n, j);
		j = next;
	}
	arena_free(a);
	return rc;
}

/* --- the loop --- */

static void stats_refresh(struct notifier *n)
{
	int64_t now = n->env->clock(), count = 0, oldest = 0;
	struct store_tx *tx;
	struct err e;

	uint64_t t = mono_ns_now();

	/* Every second of real time (the test clock may stand still). */
	if (n->stats_at_ns && t - n->stats_at_ns < STATS_EVERY_S * 1000000000ull)
		return;
	n->stats_at_ns = t;
	err_init(&e);
	tx = store_begin(n->env->store, "", STORE_READ, &e);
	if (!tx)
		return;
	if (tx_notify_backlog(tx, now, &count, &oldest, &e) == 0) {
		atomic_store(&n->backlog, count);
		atomic_store(&n->oldest_s, oldest && now > oldest ? now - oldest : 0);
	}
	store_end(tx, false, &e);
}

/* Due reminders become booking.reminder events (usecase), which then fan out like any
 * other; each (booking, offset) is sent once whichever process gets there first. */
static void reminders_tick(struct notifier *n)
{
	uint64_t t = mono_ns_now();
	size_t sent = 0;
	struct err e;

	if (t - n->reminders_at_ns < REMINDERS_EVERY_MS * 1000000ull)
		return;
	n->reminders_at_ns = t;
	err_init(&e);
	if (uc_reminders_run(n->env, n->env->clock(), REMINDERS_BATCH, &sent, &e))
		log_msg(LOG_WARN, "notifications: reminders: %s", e.message);
	else if (sent == REMINDERS_BATCH)
		n->reminders_at_ns = 0;	/* more are due: look again at once */
}
static void *loop(void *arg)
{
	struct notifier *n = arg;
	uint64_t last_round = 0;
	bool more = true;

	while (!atomic_load(&n->stop)) {
		uint64_t t = mono_ns_now(), since = (t - last_round) / 1000000u;
		bool woken = atomic_exchange(&n->woken, false);
		/* A round when something was committed, when outcomes are many or have waited,
		 * when the last claim was full and there is room for more, or at the poll. */
		bool round = woken || n->ndone >= RECORD_BATCH ||
			     (n->ndone && since >= RECORD_WAIT_MS) ||
			     (more && n->nheld < HELD_MAX / 2) || since >= POLL_MS;
		int wait_ms;

		if (round) {
			int got = round_tx(n, false);
			last_round = t;
			more = got > 0;
		}
		start_held(n, false);
		transfer_collect(n);
		wait_ms = n->ndone || (more && n->nheld < HELD_MAX / 2) ? RECORD_WAIT_MS : POLL_MS;
		if (!atomic_load(&n->woken))
			curl_multi_poll(n->multi, NULL, 0, wait_ms, NULL);
		transfer_collect(n);
		stats_refresh(n);
		reminders_tick(n);
	}
	/* Stopping: leases not started go back; transfers in flight end (up to their
	 * timeout) and are recorded. */
	start_held(n, true);
	while (n->nrunning) {
		curl_multi_poll(n->multi, NULL, 0, 100, NULL);
		transfer_collect(n);
	}
	/* A few tries: an outcome not recorded is sent again by whoever takes its lease. */
	for (int tries = 0; n->ndone && round_tx(n, true) < 0; tries++) {
		if (tries == 2) {
			log_msg(LOG_WARN, "notifications: %zu outcomes not recorded at stop",
				n->ndone);
			break;
		}
		nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
	}
	return NULL;
}

/* --- the interface --- */

static void owner_make(struct notifier *n)
{
	char host[64] = "host";
	unsigned char r[4];

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	randombytes_buf(r, sizeof(r));
	snprintf(n->owner, sizeof(n->owner), "%s:%ld:%02x%02x%02x%02x", host, (long)getpid(),
		 r[0], r[1], r[2], r[3]);
}

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct notifier *notifier_start(const struct uc_env *env, const struct notify_config *cfg,
				struct err *e)
{
	static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
	struct notifier *n;

	pthread_once(&curl_once, curl_start);
	n = xcalloc(1, sizeof(*n));
	n->env = env;
	n->cfg = *cfg;
	if (cfg->owner && *cfg->owner)
		snprintf(n->owner, sizeof(n->owner), "%s", cfg->owner);
	else
		owner_make(n);
	randombytes_buf(&n->rng, sizeof(n->rng));
	n->rng |= 1;
	n->multi = curl_multi_init();
	if (!n->multi) {
		free(n);
		err_set(e, ERR_INTERNAL, "cannot start libcurl for notifications");
		return NULL;
	}
	curl_multi_setopt(n->multi, CURLMOPT_MAXCONNECTS, 2L * NOTIFY_MAX_TRANSFERS);
	if (pthread_create(&n->thread, NULL, loop, n)) {
		curl_multi_cleanup(n->multi);
		free(n);
		err_set(e, ERR_INTERNAL, "cannot start the notification thread");
		return NULL;
	}
	return n;
}

void notifier_wake(struct notifier *n)
{
	if (!n || atomic_exchange(&n->woken, true))
		return;
	curl_multi_wakeup(n->multi);
}

void notifier_wake_hook(void *arg)
{
	notifier_wake(arg);
}

void notifier_stats(struct notifier *n, struct notifier_stats *out)
{
	int c, r;

	memset(out, 0, sizeof(*out));
	if (!n)
		return;
	out->backlog = atomic_load(&n->backlog);
	out->oldest_pending_seconds = atomic_load(&n->oldest_s);
	for (c = 0; c < CHANNEL__COUNT; c++)
		for (r = 0; r < NOTIFY_RESULT__COUNT; r++)
			out->attempts[c][r] = atomic_load(&n->attempts[c][r]);
}

void notifier_stop(struct notifier *n)
{
	size_t b;

	if (!n)
		return;
	atomic_store(&n->stop, true);
	curl_multi_wakeup(n->multi);
	pthread_join(n->thread, NULL);
	free_list(n, n->held);
	free_list(n, n->done);
	while (n->defers) {
		struct defer *d = n->defers;
		n->defers = d->next;
		free(d);
	}
	for (b = 0; b < EP_BUCKETS; b++)
		while (n->eps[b]) {
			struct endpoint_state *s = n->eps[b];
			n->eps[b] = s->next;
			free(s);
		}
	curl_multi_cleanup(n->multi);
	free(n);
}
