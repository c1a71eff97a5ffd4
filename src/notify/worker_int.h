/* Shared internals of the notification worker (worker.c: the loop, rounds, fan-out, claims,
 * retries and breakers; transfer.c: the libcurl side of one delivery). Not part of the
 * interface. One thread owns everything here. */
#ifndef SLOTD_NOTIFY_WORKER_INT_H
#define SLOTD_NOTIFY_WORKER_INT_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "notify/fetch.h"
#include "notify/worker.h"
#include "store/store_notify.h"
#include "usecase/uc_caldav.h"

#define RESPONSE_KEEP 1024	/* bytes of an answer recorded */
#define EP_BUCKETS 256
#define JOB_BUCKETS 1024

/* One endpoint's state in this process (the SMTP server is the one with empty ids). */
struct endpoint_state {
	char tenant[ID_MAX];
	char id[ID_MAX];
	int running;			/* transfers in flight */
	int held;			/* leased, not started */
	int failures;			/* consecutive */
	bool proven;			/* has answered with success since it was last failing */
	bool open;			/* the circuit: only probes go */
	bool probing;			/* a probe is in flight */
	int64_t probe_at;		/* open: the next probe may start then */
	struct endpoint_state *next;
};

/* One delivery this process holds: leased, running, or finished and waiting to be
 * recorded. */
struct job {
	struct delivery d;		/* as claimed; updated with the outcome */
	struct endpoint_state *ep;
	int64_t claimed_at;
	/* what to send */
	char url[CALDAV_URL_MAX];	/* webhook: the endpoint's; caldav: the object's */
	char secret[WHSEC_MAX], previous_secret[WHSEC_MAX];
	int64_t previous_until, failing_since;
	char *body;			/* heap: the webhook body, the e-mail message or the
					 * calendar object (caldav PUT) */
	size_t len, sent;
	/* caldav: what the booking's state asks of the calendar, read when the transfer
	 * starts (usecase/uc_caldav.h) */
	enum caldav_action caldav;
	char username[CALENDAR_USER_MAX + 1];
	char password[CALENDAR_PASSWORD_MAX + 1];	/* wiped when the job is freed */
	struct job *cnext;		/* in the list of caldav transfers in flight */
	/* the transfer */
	CURL *easy;
	struct curl_slist *headers, *rcpt;
	char errbuf[CURL_ERROR_SIZE];
	char response[RESPONSE_KEEP + 1];
	size_t response_len;
	int64_t retry_after_s;		/* from Retry-After, 0 = none */
	struct fetch_guard guard;	/* the address check (webhooks, CalDAV) */
	uint64_t t0_ns;
	/* the outcome, for the record */
	bool attempted;			/* false: the lease is given back, or failed untried */
	bool probe;			/* sent as its open circuit's probe */
	bool finished;			/* on the list of outcomes to record */
	struct delivery_attempt at;
	enum notify_result result;
	const char *disable;		/* "gone" or "failing": disable the (webhook) endpoint
					 * after */
	struct job *next;		/* in its list */
	struct job *hnext;		/* in the id table */
};

struct defer {
	char tenant[ID_MAX], endpoint_id[ID_MAX];
	int64_t until;
	struct defer *next;
};

struct notifier {
	const struct uc_env *env;
	struct notify_config cfg;
	char owner[128];
	CURLM *multi;
	pthread_t thread;
	atomic_bool stop;
	atomic_bool woken;
	struct endpoint_state *eps[EP_BUCKETS];
	struct job *jobs[JOB_BUCKETS];	/* every job held, by delivery id */
	struct job *held, *done;	/* lists */
	size_t nheld, nrunning, ndone;
	struct defer *defers;
	/* caldav transfers in flight: another delivery for the same booking and calendar
	 * waits for the one running, so the last to start reads the booking's latest state
	 * and its request lands last */
	struct job *caldav_running;
	uint64_t rng;
	/* The last claim that found nothing while skipping endpoints: its skip list (as a hash)
	 * and when. Such a claim reads every due row of the skipped endpoints, so it is not
	 * repeated until the list changes, new deliveries were fanned out, or POLL_MS passed. */
	uint32_t dry_skip;
	uint64_t dry_at_ns;
	uint64_t reminders_at_ns;	/* the last look for due reminders */
	uint64_t stats_at_ns;		/* the last refresh of the gauges */
	/* metrics */
	atomic_int_fast64_t backlog, oldest_s;
	atomic_uint_fast64_t attempts[CHANNEL__COUNT][NOTIFY_RESULT__COUNT];
};

/* --- helpers --- */

static inline uint64_t mono_ns_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* UTC milliseconds on the worker's clock: the real ones while it is the real clock. */
static inline int64_t now_ms(const struct notifier *n)
{
	struct timespec ts;
	int64_t now = n->env->clock();

	clock_gettime(CLOCK_REALTIME, &ts);
	if ((int64_t)ts.tv_sec == now)
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now * 1000;
}

static inline bool is_email(const struct job *j)
{
	return j->d.channel == CHANNEL_EMAIL;
}

static inline bool is_caldav(const struct job *j)
{
	return j->d.channel == CHANNEL_CALDAV;
}

/* Moves j to the list of outcomes the next round records. */
void job_finish(struct notifier *n, struct job *j);
/* The attempt of j is over (j->at and j->result set): its next state (retry time or final
 * status), the endpoint's breaker, and whether to disable the endpoint. permanent: no retry. */
void job_judge(struct notifier *n, struct job *j, bool permanent);

/* Sends j (its endpoint has room): a webhook to its endpoint's checked address, the e-mail
 * to the SMTP server, or a caldav PUT or DELETE (j->caldav, prepared) to the calendar's
 * checked address. A target that fails the checks is a failed attempt at once. */
void transfer_start(struct notifier *n, struct job *j);
/* Runs the transfers and judges and finishes those that ended. */
void transfer_collect(struct notifier *n);

#endif
