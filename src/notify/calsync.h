/* The calendar syncer: one thread inside `slotd serve` that leases the external calendars
 * due for a fetch (usecase/uc_calsync.h), fetches them through one libcurl multi handle —
 * an iCalendar address with a conditional GET, a CalDAV collection with PROPFIND (ctag)
 * then a calendar-query REPORT — and a second thread that parses what came back
 * (core/extcal.h) and records it. Every fetch is bounded (5 MB per answer, 15 s per
 * request, SSRF checks at connect); a slow or failing calendar holds up no other one and
 * never touches slot queries. See README.md. */
#ifndef SLOTD_NOTIFY_CALSYNC_H
#define SLOTD_NOTIFY_CALSYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "usecase/uc.h"
#include "util/err.h"

#define CALSYNC_MAX_FETCHES 8		/* calendars in hand at once (fetching or parsing) */
#define CALSYNC_POLL_MS 1000		/* due calendars are looked for this often */
#define CALSYNC_BODY_MAX (5u << 20)	/* bytes of one answer (after decompression) */
#define CALSYNC_TIMEOUT_S 15		/* one request */

/* What a fetch came to, for the metrics. */
enum calsync_result {
	CALSYNC_READ = 0,		/* a new answer read and recorded (the stored busy time
					 * is replaced when it differs) */
	CALSYNC_SAME,			/* 304 or the same ctag: nothing to read */
	CALSYNC_FAILED,			/* an error, recorded as the calendar's last_error */
	CALSYNC_RESULT__COUNT
};
/* "read", "unchanged", "failed". */
const char *calsync_result_name(enum calsync_result r);

struct calsync_stats {
	uint64_t syncs[CALSYNC_RESULT__COUNT];
	int64_t in_hand;		/* calendars fetching or parsing now */
};

struct calsync;

/* Starts the threads on env (which must outlive them; env->clock is their only clock).
 * allow_private: addresses may be loopback or private (--allow-private-webhooks). NULL with
 * e set when libcurl or a thread cannot start. */
struct calsync *calsync_start(const struct uc_env *env, bool allow_private, struct err *e);
/* A calendar became due: look now instead of at the next poll. Thread-safe; cheap. NULL is
 * ignored. */
void calsync_wake(struct calsync *s);
/* For struct uc_env's calendar_wake hook: arg is the syncer. */
void calsync_wake_hook(void *arg);
/* A snapshot of the counters. Thread-safe; NULL gives zeros. */
void calsync_stats(struct calsync *s, struct calsync_stats *out);
/* Aborts the requests in flight, lets the parse under way finish and record, joins the
 * threads and frees s. Calendars leased and not recorded have their leases given back (the
 * store must still be open), so they are fetched again at once; should that fail, once
 * their lease (CALENDAR_LEASE_SECONDS) runs out. NULL is ignored. */
void calsync_stop(struct calsync *s);

#endif
