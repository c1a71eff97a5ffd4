/* External calendars in the store: the calendars providers connect (an iCalendar
 * subscription address or a CalDAV collection), the busy time read from them, and the
 * leases that let one process at a time fetch each one. Same conventions as store.h;
 * functions marked "any tenant" run in a transaction begun for "" (background duties). */
#ifndef SLOTD_STORE_STORE_CALENDARS_H
#define SLOTD_STORE_STORE_CALENDARS_H

#include "core/extcal.h"
#include "core/slots.h"
#include "core/ssrf.h"
#include "store/store.h"

#define CALENDAR_NAME_MAX 200		/* bytes */
#define CALENDAR_USER_MAX 256
#define CALENDAR_PASSWORD_MAX 1024	/* bytes */
#define CALENDAR_BOX_MAX 4096		/* a sealed secret, as text */
#define CALENDAR_TAG_MAX 256		/* ETag, Last-Modified, ctag or sync-token */
#define CALENDAR_ERROR_MAX 255
#define CALENDAR_INTERVAL_DEFAULT 5	/* minutes between syncs */
#define CALENDAR_INTERVAL_MAX 1440

enum calendar_kind { CALENDAR_ICS = 0, CALENDAR_CALDAV };

static inline const char *calendar_kind_name(enum calendar_kind k)
{
	return k == CALENDAR_CALDAV ? "caldav" : "ics";
}

struct ext_calendar {
	char tenant_id[ID_MAX];
	char id[ID_MAX];		/* cal_… */
	char provider_id[ID_MAX];
	enum calendar_kind kind;
	char name[CALENDAR_NAME_MAX + 1];
	char url[URL_MAX + 1];		/* shown: a CalDAV collection as given, an iCalendar
					 * address redacted to "scheme://host/…" */
	char url_box[CALENDAR_BOX_MAX];	/* iCalendar: the whole address, sealed; "" for CalDAV */
	char username[CALENDAR_USER_MAX + 1];	/* "" = none */
	char password_box[CALENDAR_BOX_MAX];	/* sealed; "" = none */
	bool write;			/* CalDAV: bookings are written into it */
	bool enabled;
	int interval_min;
	/* what the last good fetch said, for the next one */
	char etag[CALENDAR_TAG_MAX + 1];
	char last_modified[CALENDAR_TAG_MAX + 1];
	char ctag[CALENDAR_TAG_MAX + 1];
	char busy_hash[24];		/* of the stored busy time ("" = none stored) */
	int events;			/* busy events read by the last good parse */
	int busy_count;			/* merged busy intervals of the last good parse */
	int64_t read_at;		/* when they were read in full (not a 304); 0 = never */
	int64_t last_synced_at;		/* 0 = never */
	int64_t last_attempt_at;	/* 0 = never */
	char last_error[CALENDAR_ERROR_MAX + 1];	/* "" after a success */
	int64_t next_sync_at;
	int version;
	int64_t created_at, updated_at;
};

/* --- the calendars of a tenant --- */
int tx_calendar_insert(struct store_tx *tx, const struct ext_calendar *c, struct err *e);
/* A calendar by id (of provider_id, or any provider when NULL); ERR_NOT_FOUND. */
int tx_calendar_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct ext_calendar *out, struct err *e);
/* The calendars of provider_id by id, paged. */
int tx_calendar_list(struct store_tx *tx, const char *provider_id, struct page pg,
		     struct arena *a, struct ext_calendar **out, size_t *n, struct err *e);
/* Writes every field of c (matched by id), bumps version; when c is disabled, its busy
 * time is removed and busy_hash cleared. A change of address, credentials or enabled
 * takes the fetch lease away, so a fetch of the old source in flight is not recorded. */
int tx_calendar_update(struct store_tx *tx, const struct ext_calendar *c, struct err *e);
/* Deletes calendar id with its busy time; ERR_NOT_FOUND. */
int tx_calendar_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e);
/* The enabled CalDAV calendars of provider_id marked for writing. */
int tx_calendars_writable(struct store_tx *tx, const char *provider_id, struct arena *a,
			  struct ext_calendar **out, size_t *n, struct err *e);

/* --- busy time --- */
/* Stored busy intervals of provider_id's enabled calendars overlapping [from, to), by
 * start; each carries its calendar's name. */
int tx_external_busy(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct external_busy **out, size_t *n, struct err *e);
/* Of the n ids, those that are bookings of the tenant (*mine[i] true). */
int tx_bookings_exist(struct store_tx *tx, const char *const *ids, size_t n, bool *mine,
		      struct err *e);

/* --- syncing --- */
/* Any tenant: enabled calendars due by now (next_sync_at <= now) whose lease is free or
 * expired, soonest due first, at most max, leased to owner until lease_until. */
int tx_calendar_claim(struct store_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		      size_t max, struct arena *a, struct ext_calendar **out, size_t *n,
		      struct err *e);

/* What one fetch of a calendar came to. */
struct calendar_sync {
	bool ok;			/* false: error says why; stored busy time is kept */
	bool unchanged;			/* ok and nothing new (304, same ctag) */
	char error[CALENDAR_ERROR_MAX + 1];
	/* ok and not unchanged: the busy time (merged, ascending) and the validators */
	const struct interval *busy;
	size_t nbusy;
	int events;
	char etag[CALENDAR_TAG_MAX + 1];
	char last_modified[CALENDAR_TAG_MAX + 1];
	char ctag[CALENDAR_TAG_MAX + 1];
	int64_t at;			/* when the fetch ended */
	int64_t due_at;			/* the calendar's next_sync_at when it was leased */
};

/* In tx's tenant (store_tx_act_for on a "" transaction, or one begun for it): records the
 * outcome s of calendar c's fetch while owner still holds its lease (else ERR_CONFLICT and
 * nothing is written), releases the lease and schedules the next fetch (unless a sync was
 * asked for since s->due_at: it stays due). A good fetch with new busy time replaces the
 * stored intervals (one row per UTC day) when their hash differs from
 * c->busy_hash; *changed says whether it did. */
int tx_calendar_synced(struct store_tx *tx, const char *owner, const struct ext_calendar *c,
		       const struct calendar_sync *s, bool *changed, struct err *e);
/* In tx's tenant: gives back owner's lease of calendar id without recording a fetch (the
 * fetch was dropped), so the calendar is fetched again at once, by any process. Nothing
 * happens when owner no longer holds it. */
int tx_calendar_release(struct store_tx *tx, const char *id, const char *owner,
			struct err *e);
/* Makes calendar id due at now (sync now); ERR_NOT_FOUND. */
int tx_calendar_due_now(struct store_tx *tx, const char *id, int64_t now, struct err *e);

#endif
