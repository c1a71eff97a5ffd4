/* The notification worker: one thread inside `slotd serve` that fans queued events out into
 * deliveries, leases due deliveries and sends them (webhooks and e-mail) through one libcurl
 * multi handle, and records every attempt with its retry. See README.md for the flow, the
 * retry schedule and the circuit breaker. */
#ifndef SLOTD_NOTIFY_WORKER_H
#define SLOTD_NOTIFY_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store_notify.h"
#include "usecase/uc.h"
#include "util/err.h"

/* Fixed at start; the strings are borrowed and must outlive the notifier. */
struct notify_config {
	const char *smtp_url;		/* smtp:// or smtps:// with any credentials; NULL or "" =
					 * no e-mail */
	const char *mail_from;		/* envelope and From address of e-mail */
	const char *public_url;		/* base of links in messages; NULL = none */
	bool allow_private;		/* webhooks may reach loopback and private addresses */
	const char *owner;		/* lease owner id; NULL = "hostname:pid:random" */
};

#define NOTIFY_MAX_TRANSFERS 64		/* in flight at once */
#define NOTIFY_MAX_PER_ENDPOINT 8	/* in flight to one endpoint (or the SMTP server) */
#define NOTIFY_UNPROVEN_PER_ENDPOINT 2	/* the same, until it answers with success (new or
					 * failing) */
#define NOTIFY_TIMEOUT_S 15		/* a whole transfer */
#define NOTIFY_CONNECT_TIMEOUT_S 5
#define NOTIFY_LEASE_S 60		/* a claimed delivery is this process's for this long */
#define NOTIFY_ATTEMPTS_MAX 10		/* the 10th failure fails the delivery */
#define NOTIFY_BREAKER_FAILURES 5	/* consecutive failures that open an endpoint's circuit */
#define NOTIFY_DISABLE_AFTER_S (5 * 86400)	/* failing this long disables an endpoint */

/* What an attempt came to, for the metrics. */
enum notify_result {
	NOTIFY_SUCCESS = 0,		/* 2xx, or the mail accepted */
	NOTIFY_FAILURE,			/* an answer that is not success */
	NOTIFY_ERROR,			/* no answer: refused address, connect, timeout, TLS */
	NOTIFY_RESULT__COUNT
};
const char *notify_result_name(enum notify_result r);

/* Counters and gauges for GET /metrics. */
struct notifier_stats {
	int64_t backlog;		/* queued events plus pending deliveries due now */
	int64_t oldest_pending_seconds;	/* how long the earliest due delivery has waited */
	uint64_t attempts[CHANNEL__COUNT][NOTIFY_RESULT__COUNT];	/* [enum delivery_channel][result] */
};

struct notifier;

/* Starts the worker thread on env (which must outlive it; env->clock is its only clock).
 * NULL with e set when libcurl or the thread cannot start. */
struct notifier *notifier_start(const struct uc_env *env, const struct notify_config *cfg,
				struct err *e);
/* Something was committed: look at the queue now instead of at the next poll (50 ms).
 * Thread-safe; cheap. */
void notifier_wake(struct notifier *n);
/* For struct uc_env's notify_wake hook: arg is the notifier. */
void notifier_wake_hook(void *arg);
/* A snapshot of the counters (the gauges are at most about a second old). Thread-safe. */
void notifier_stats(struct notifier *n, struct notifier_stats *out);
/* Stops claiming, gives back the leases of deliveries not started, lets the transfers in
 * flight finish (up to their timeout) and records them, joins the thread and frees n.
 * NULL is ignored. */
void notifier_stop(struct notifier *n);

#endif
