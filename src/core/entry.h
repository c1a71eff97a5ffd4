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
#include "util/arena.h"
#include "util/err.h"
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
 * and overlaps [from, to). Zones come from db (an entry in an unknown zone counts in UTC);
 * scratch memory from a. ERR_RANGE when a rule ran out of its time budget (the busy time
 * would be incomplete). */
int entry_busy_add(const struct entry *v, size_t n, struct tz_db *db, const char *provider_id,
		   int64_t from, int64_t to, struct arena *a, struct interval_set *busy,
		   struct err *e);

/* The zone of en from db (UTC when the name is unknown). */
const struct tz *entry_zone(const struct entry *en, struct tz_db *db);

/* Occurrences of en overlapping [from, to) into an arena array sized by
 * entry_occurrence_bound; ERR_RANGE when the rule ran out of its time budget. */
int entry_occurrences_all(const struct entry *en, const struct tz *tz, int64_t from, int64_t to,
			  struct arena *a, struct occurrence **out, size_t *n, struct err *e);

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
#define OCCURRENCE_ID_MAX (ID_MAX + 20)
void entry_occurrence_id(const struct entry *en, int64_t original, char out[OCCURRENCE_ID_MAX]);

/* --- edits: what the writer does to keep every exdate and override a real occurrence --- */

/* What a create or an edit sends: the fields in set, with their values (as checked one by
 * one when the request was read). */
enum entry_field {
	ENTRY_F_TITLE = 1 << 0,
	ENTRY_F_STATUS = 1 << 1,
	ENTRY_F_NOTES = 1 << 2,
	ENTRY_F_ASSIGNEES = 1 << 3,
	ENTRY_F_START = 1 << 4,
	ENTRY_F_END = 1 << 5,
	ENTRY_F_TIMEZONE = 1 << 6,
	ENTRY_F_WORK_ITEM = 1 << 7,
	ENTRY_F_RRULE = 1 << 8,
	ENTRY_F_EXDATES = 1 << 9,
};
/* The fields whose change can free an assignee's time. */
#define ENTRY_F_FREES                                                                        \
	(ENTRY_F_STATUS | ENTRY_F_ASSIGNEES | ENTRY_F_START | ENTRY_F_END | ENTRY_F_TIMEZONE |  \
	 ENTRY_F_RRULE | ENTRY_F_EXDATES)
/* The fields one occurrence may change (scope=this). */
#define ENTRY_F_OCCURRENCE                                                                   \
	(ENTRY_F_TITLE | ENTRY_F_STATUS | ENTRY_F_NOTES | ENTRY_F_ASSIGNEES | ENTRY_F_START |   \
	 ENTRY_F_END)

struct entry_patch {
	unsigned set;				/* enum entry_field bits */
	struct entry_fields f;			/* title, status, notes, assignees */
	int64_t start, end;			/* UTC */
	char timezone[TZ_NAME_MAX];
	char work_type[ENTRY_WORK_TYPE_MAX + 1];	/* "" = no work item */
	char work_id[ENTRY_WORK_ID_MAX + 1];
	const char *rrule;			/* NULL = not recurring */
	const int64_t *exdates;			/* original starts, as sent */
	size_t nexdates;
};

/* The JSON member name of one field bit, for error pointers. */
const char *entry_field_name(enum entry_field f);

/* Applies p's series-level fields to en (scope all, or the new series of a split): zone
 * (from db), title, status, notes, assignees, work item, times (a new start alone keeps the
 * duration; errors at /end), rule (re-anchored at the start) and exdates. */
int entry_apply_series(struct entry *en, const struct entry_patch *p, struct tz_db *db,
		       struct arena *a, struct err *e);

/* Changes one occurrence (original start original) of a recurring series by p (only the
 * fields of ENTRY_F_OCCURRENCE; others are errors at their pointer): its override is made
 * or replaced. *changed_from is the earliest of its original, old and new start. */
int entry_apply_occurrence(struct entry *en, int64_t original, const struct entry_patch *p,
			   struct arena *a, int64_t *changed_from, struct err *e);


/* Re-anchors the series at wall time anchor in tz (its start's wall time; the rule's own
 * wall time when the start is unchanged, which differs in a DST gap): parses rule_text
 * (NULL = not recurring; errors at /rrule and /start) and keeps the exdates and overrides
 * that are still occurrences. */
int entry_rebuild(struct entry *en, const struct tz *tz, const char *rule_text, int64_t anchor,
		  struct err *e);

/* Replaces en's exdates with v[0..n) (original starts): each must be an occurrence (errors
 * at /exdates/<i>); stored sorted without duplicates in memory from a. */
int entry_set_exdates(struct entry *en, const struct tz *tz, const int64_t *v, size_t n,
		      struct arena *a, struct err *e);

/* Inserts or replaces one override, keeping them ordered by original start. */
void entry_put_override(struct entry *en, const struct entry_override *o, struct arena *a);
/* Removes the override of original, if any. */
void entry_drop_override(struct entry *en, int64_t original);
/* Leaves out occurrence original (an override of it goes too). */
void entry_exclude(struct entry *en, int64_t original, struct arena *a);

/* Splits a recurring series at occurrence at (not its first): en ends before it and the
 * returned new series (id new_id, version 1, created at now) runs from it on with the
 * exdates and overrides from there. */
struct entry *entry_split(struct entry *en, const struct tz *tz, int64_t at, int64_t now,
			  struct arena *a);

#endif
