/* The background side of external calendars: which calendars are due for a fetch (leased to
 * one process), and recording what a fetch found — busy time, validators, errors — with
 * calendar.synced / calendar.sync_failed events. The fetching itself (HTTP, CalDAV) lives
 * in src/notify/calsync.c. */
#ifndef SLOTD_USECASE_UC_CALSYNC_H
#define SLOTD_USECASE_UC_CALSYNC_H

#include "core/extcal.h"
#include "store/store_calendars.h"
#include "usecase/uc.h"

#define CALENDAR_LEASE_SECONDS 120	/* a fetch's lease; fetches end within 15 s */
#define CALENDAR_WINDOW_BACK_DAYS 30	/* busy time is read for this window around now */
#define CALENDAR_WINDOW_AHEAD_DAYS 365
/* The busy time is read for the window around the time of the read; an answer that says
 * "unchanged" (304, the same ctag) keeps it, so once a day a calendar is read in full
 * whatever its validators say, and the window moves with the clock. */
#define CALENDAR_REREAD_SECONDS 86400

/* One leased calendar with what its fetch needs, secrets opened. */
struct calendar_job {
	struct ext_calendar cal;
	char url[URL_MAX + 1];		/* the real address (an iCalendar one unsealed) */
	char password[CALENDAR_PASSWORD_MAX + 1];	/* "" = none */
	const struct tz *owner_tz;	/* the provider's zone */
	int64_t from, to;		/* the window busy time is read for, UTC */
};

/* Opens a calendar's sealed secret box (a password, an iCalendar address) into out (size
 * bytes) with the server's key: -1 with the reason in why (n bytes) when the server has no
 * key or box does not open with it. */
int uc_calendar_unseal(const struct uc_env *env, const char *box, char *out, size_t size,
		       char *why, size_t n);

/* Leases up to max due calendars (any tenant) to owner at the env's clock. A calendar whose
 * secrets do not open (no key, another key) is not returned: it is recorded as failed at
 * once with the reason. Memory from a. */
int uc_calendar_claim(const struct uc_env *env, const char *owner, size_t max, struct arena *a,
		      struct calendar_job **out, size_t *n, struct err *e);

/* What a fetch came to. */
struct calendar_fetch {
	bool ok;			/* false: error says why */
	bool unchanged;			/* ok, and 304 or the same ctag: r is ignored */
	char error[CALENDAR_ERROR_MAX + 1];
	char etag[CALENDAR_TAG_MAX + 1];	/* validators of this answer, "" = none */
	char last_modified[CALENDAR_TAG_MAX + 1];
	char ctag[CALENDAR_TAG_MAX + 1];
};

/* Records the outcome f of job j's fetch (r: the parsed busy time when f->ok and not
 * f->unchanged, else NULL). Events whose UID names a booking of the tenant are left out of
 * the busy time (slotd's own, written back by a CalDAV calendar with write). Writes
 * calendar.synced when the stored busy time changed, calendar.sync_failed when a failure's
 * reason differs from the calendar's last one. ERR_CONFLICT when the lease was lost. */
int uc_calendar_record(const struct uc_env *env, const char *owner, const struct calendar_job *j,
		       const struct calendar_fetch *f, const struct extcal_result *r,
		       struct err *e);

/* Gives back owner's lease of job j's calendar, whose fetch was dropped unrecorded (the
 * server is stopping), so that it is fetched again at once instead of when the lease runs
 * out. Nothing happens when owner no longer holds it. */
int uc_calendar_release(const struct uc_env *env, const char *owner,
			const struct calendar_job *j, struct err *e);

#endif
