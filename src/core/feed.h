/* Calendar subscription feeds: a provider's (or every provider's) bookings and schedule
 * entries as one iCalendar document (METHOD:PUBLISH) that calendar apps poll. A feed shows
 * either the details or only "Busy" blocks. UIDs and SEQUENCEs are those of the booking
 * invitations and the entry .ics, so an event a subscriber already has is updated, not
 * doubled. */
#ifndef SLOTD_CORE_FEED_H
#define SLOTD_CORE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "core/entry.h"
#include "core/model.h"
#include "core/tz.h"

#define FEED_NAME_MAX 200 /* bytes */
#define FEED_DAYS_BACK_DEFAULT 30
#define FEED_DAYS_BACK_MAX 365
#define FEED_DAYS_AHEAD_DEFAULT 180
#define FEED_DAYS_AHEAD_MAX 730
#define FEED_CANCELLED_KEEP_DAYS 30 /* cancelled and declined bookings stay this long */
#define FEED_MAX_BOOKINGS 5000	    /* per document: from today on first, then the latest */
#define FEED_MAX_ENTRIES 1000
#define FEED_REFRESH "PT15M" /* the polling interval suggested to subscribers */

enum feed_kind { FEED_DETAILS = 0, FEED_BUSY, FEED__COUNT };

const char *feed_kind_name(enum feed_kind k);
/* 0 with *out set, -1 for anything but "details" and "busy". */
int feed_kind_parse(const char *s, enum feed_kind *out);

struct feed {
	char tenant_id[ID_MAX];
	char id[ID_MAX];
	char provider_id[ID_MAX]; /* "" = every provider of the tenant */
	enum feed_kind kind;
	char name[FEED_NAME_MAX + 1]; /* "" = none */
	int days_back, days_ahead;
	int64_t created_at;
	int64_t last_used_at; /* 0 = never */
};

/* What a feed shows at now, in UTC seconds: bookings starting in [from, to), and cancelled
 * or declined ones among them closed at or after closed_since. The bounds are whole UTC days
 * (from: midnight today − days_back, to: midnight tomorrow + days_ahead), so the document
 * changes with the clock only at midnight UTC (day_start). */
struct feed_window {
	int64_t from, to, closed_since, day_start;
};
void feed_window_at(const struct feed *f, int64_t now, struct feed_window *w);

/* A booking as a feed shows it. */
struct feed_booking {
	struct booking b;
	char service_name[NAME_MAX_LEN + 1]; /* "" when the service is gone */
	int64_t closed_at;		     /* when it reached its final status; 0 = unknown */
	const struct tz *zone;		     /* the provider's; NULL = UTC */
};

struct feed_entry {
	struct entry en;
	const struct tz *zone; /* the entry's (UTC when unknown); never NULL */
};

struct feed_doc {
	enum feed_kind kind;
	const char *calname;	 /* X-WR-CALNAME */
	const char *provider_id; /* entries: only what it is assigned to; NULL =
				  * everything (a tenant-wide feed) */
	const struct feed_booking *bookings;
	size_t nbookings;
	const struct feed_entry *entries;
	size_t nentries;
};

/* The VCALENDAR of d: a VTIMEZONE (from db) for each zone used, a VEVENT per booking
 * (cancelled and declined ones as STATUS:CANCELLED), and each entry's series and overrides
 * as the entry .ics has them. DTSTAMP is each object's last change, so the same data gives
 * the same bytes. A heap string (CRLF lines) the caller frees. */
char *feed_render(const struct feed_doc *d, struct tz_db *db);

#endif
