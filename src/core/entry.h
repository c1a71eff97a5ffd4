/* Schedule entries: calendar events for dispatch and internal work with one or more
 * assignees (providers), stored once as a series and expanded on demand.
 *
 * A series has a first occurrence [start, end) in its zone and, when it recurs, an RRULE
 * (core/recur.h) read on that zone's wall clock: every occurrence starts at the same local
 * time and lasts end - start elapsed seconds. exdates remove occurrences; overrides replace
 * one occurrence (RECURRENCE-ID semantics: its own time, title, status, notes, assignees),
 * both keyed by the occurrence's original start. Every exdate and override names a real
 * occurrence of the series (the writer keeps that true). */
#ifndef SLOTD_CORE_ENTRY_H
#define SLOTD_CORE_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/interval.h"
#include "core/recur.h"
#include "core/tz.h"
#include "util/ids.h"

#define ENTRY_TITLE_MAX 200
#define ENTRY_NOTES_MAX 1000
#define ENTRY_MAX_ASSIGNEES 50
#define ENTRY_MAX_EXDATES 1000
#define ENTRY_MAX_OVERRIDES 1000
#define ENTRY_MAX_SECONDS (7 * 86400)	/* one occurrence lasts at most a week */
#define ENTRY_WORK_TYPE_MAX 40
#define ENTRY_WORK_ID_MAX 128

enum entry_status {
	ENTRY_SCHEDULED = 0,
	ENTRY_TENTATIVE,
	ENTRY_IN_PROGRESS,
	ENTRY_COMPLETED,
	ENTRY_CANCELLED,	/* kept for the record; makes nobody busy */
	ENTRY__STATUS_COUNT
};

const char *entry_status_name(enum entry_status s);
int entry_status_parse(const char *s, enum entry_status *out);

typedef char entry_id_t[ID_MAX];

/* What one occurrence can change. */
struct entry_fields {
	char title[ENTRY_TITLE_MAX + 1];
	enum entry_status status;
	char notes[ENTRY_NOTES_MAX + 1];
	size_t nassignees;
	entry_id_t *assignee_ids;	/* sorted, borrowed */
};

struct entry_override {
	int64_t original_start;		/* UTC */
	int64_t start, end;		/* UTC */
	struct entry_fields f;
};

struct entry {
	char id[ID_MAX];
	int64_t start, end;		/* the first occurrence, UTC */
	char timezone[TZ_NAME_MAX];
	struct entry_fields f;
	char work_type[ENTRY_WORK_TYPE_MAX + 1];	/* "" = no work item */
	char work_id[ENTRY_WORK_ID_MAX + 1];
	bool recurring;
	struct recur rule;		/* when recurring (wall times in timezone) */
	int64_t *exdates;		/* original starts, UTC, ascending; borrowed */
	size_t nexdates;
	struct entry_override *overrides;	/* ascending by original_start; borrowed */
	size_t noverrides;
	int version;
	int64_t created_at, updated_at;
};

struct occurrence {
	int64_t original_start;
	int64_t start, end;
	const struct entry_fields *f;	/* the series' or the override's */
	bool overridden;
};

/* Occurrences of en overlapping [from, to) (UTC), ascending by start then original start,
 * at most max (RECUR_CAPPED when more exist). Exdated ones are left out; cancelled ones are
 * listed. */
enum recur_status entry_occurrences(const struct entry *en, const struct tz *tz, int64_t from,
				    int64_t to, struct occurrence *out, size_t max, size_t *n);

/* The most occurrences a window [from, to) can hold for en: rules repeat at most daily, so
 * one per day of the window, plus overrides moved into it. */
size_t entry_occurrence_bound(const struct entry *en, int64_t from, int64_t to);

/* Adds to busy every occurrence of v[0..n) that is assigned to provider_id, not cancelled,
 * and overlaps [from, to). Zones come from db (an entry in an unknown zone counts in UTC). */
void entry_busy_add(const struct entry *v, size_t n, struct tz_db *db, const char *provider_id,
		    int64_t from, int64_t to, struct interval_set *busy);

/* True when original (UTC) is an occurrence of the series (exdates ignored). */
bool entry_is_occurrence(const struct entry *en, const struct tz *tz, int64_t original);
/* The same, giving the rule's wall time for it (which differs from the instant's local time
 * when the occurrence falls in a DST gap). */
bool entry_occurrence_wall(const struct entry *en, const struct tz *tz, int64_t original,
			   int64_t *wall);

/* The override for original, or NULL; whether original is excluded. */
struct entry_override *entry_override_at(const struct entry *en, int64_t original);
bool entry_is_excluded(const struct entry *en, int64_t original);

/* True when provider_id is among f's assignees. */
bool entry_fields_assigned(const struct entry_fields *f, const char *provider_id);

/* The latest instant any occurrence of the series (overrides included) may end, or
 * INT64_MAX for an endless series; the store filters by it. */
int64_t entry_span_end(const struct entry *en, const struct tz *tz);

/* A stable occurrence id: "<entry id>:<original start as YYYYMMDDTHHMMSSZ>". */
void entry_occurrence_id(const struct entry *en, int64_t original, char out[ID_MAX + 20]);

#endif
