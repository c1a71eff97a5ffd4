/* What fills one provider's time over a window, merged into one ordered list of items
 * (bookings, entry occurrences, time off, holidays, overrides, external calendars' busy
 * time) for day, week and month
 * views; and the conflicts of a schedule entry with what its assignees already have. */
#ifndef SLOTD_CORE_CALENDAR_H
#define SLOTD_CORE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/entry.h"
#include "core/expand.h"
#include "core/model.h"
#include "core/slots.h"
#include "util/arena.h"
#include "util/err.h"

/* Everything that fills one provider's time over [from, to), as the store reads it. */
struct calendar_src {
	struct provider provider;
	struct booking *bookings;	/* active bookings overlapping, by start */
	size_t nbookings;
	struct entry *entries;		/* series that may have an occurrence of the provider */
	size_t nentries;
	struct time_off_rec *time_off;
	size_t ntime_off;
	struct override_rec *overrides;	/* dated ones touching the dates, and every recurring one
					 * that may fall there */
	size_t noverrides;
	struct holiday_rec *holidays;	/* applying to the provider, dated or recurring */
	size_t nholidays;
	struct external_busy *external;	/* stored busy time overlapping, by start */
	size_t nexternal;
	struct expand *expand;		/* the request's shared rule dates and deadline; NULL:
					 * this provider's own, without a deadline */
};

enum cal_kind {
	CAL_HOLIDAY = 0,
	CAL_OVERRIDE,
	CAL_TIME_OFF,
	CAL_BOOKING,
	CAL_ENTRY,
	CAL_EXTERNAL,
};

const char *cal_kind_name(enum cal_kind k);

struct cal_item {
	int64_t start, end;
	enum cal_kind kind;
	const char *provider_id;
	const char *id;				/* the object's id; an occurrence id for entries */
	int64_t day;				/* holidays and overrides: the local date */
	const struct booking *booking;		/* CAL_BOOKING */
	const struct entry *entry;		/* CAL_ENTRY, with occ */
	struct occurrence occ;
	const struct time_off_rec *time_off;	/* CAL_TIME_OFF */
	const struct holiday_rec *holiday;	/* CAL_HOLIDAY */
	const struct override_rec *override;	/* CAL_OVERRIDE */
	const struct external_busy *external;	/* CAL_EXTERNAL: calendar and name */
};

struct cal_items {
	struct cal_item *v;	/* arena */
	size_t n, cap;
};

/* Appends the items of one provider's sources that meet [from, to): bookings, occurrences
 * of entries assigned to it (not cancelled), time off, each external calendar's busy time
 * (its stored pieces joined back where they touch), and each local date (in the provider's
 * zone, from db) a holiday or override covers. Memory from a. ERR_RANGE when a
 * rule runs out of its time budget, ERR_TIMEOUT once c->expand's deadline has passed. */
int calendar_add(struct cal_items *it, const struct calendar_src *c, struct tz_db *db,
		 int64_t from, int64_t to, struct arena *a, struct err *e);

/* Orders items by start, provider, kind, id. */
void calendar_sort(struct cal_items *it);

/* A conflict of one occurrence of an entry with a booking or another entry's occurrence. */
struct conflict {
	enum cal_kind kind;		/* CAL_BOOKING or CAL_ENTRY */
	const char *id;			/* the booking's or the other entry's id */
	const char *occurrence_id;	/* the other entry's occurrence, or NULL */
	const char *provider_id;
	int64_t start, end;		/* of the other commitment */
	int64_t occurrence_start;	/* of the entry's own occurrence */
};

#define CONFLICTS_MAX 100

/* The providers assigned to en's occurrences in [from, to) (not cancelled), each once, at
 * most ENTRY_MAX_ASSIGNEES * 4: whose calendars calendar_conflicts needs. */
int calendar_conflict_providers(const struct entry *en, struct tz_db *db, int64_t from,
				int64_t to, struct arena *a, const char ***ids, size_t *n,
				struct err *e);

/* Conflicts (at most CONFLICTS_MAX) of en's occurrences in [from, to) with the bookings and
 * other entries (not skip_a or skip_b, which may be NULL) in the calendars cals[0..n) of its
 * assignees. ERR_RANGE when a rule runs out of its time budget. */
int calendar_conflicts(const struct entry *en, struct tz_db *db, int64_t from, int64_t to,
		       const struct calendar_src *cals, size_t n, const char *skip_a,
		       const char *skip_b, struct arena *a, struct conflict *out, size_t *nout,
		       struct err *e);

#endif
