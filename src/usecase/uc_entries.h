/* Schedule entries: one-off and recurring series with several assignees, edited with scope.
 * Part of the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_ENTRIES_H
#define SLOTD_USECASE_UC_ENTRIES_H

#include "usecase/uc.h"

/* --- schedule entries --- */

enum uc_scope { UC_SCOPE_ALL = 0, UC_SCOPE_THIS, UC_SCOPE_FUTURE };

/* What an entry write answers: the series (the new one, for a split) in its zone, with the
 * conflicts its occurrences have from conflicts_from on. */
struct uc_entry {
	struct entry *entry;
	const struct tz *zone;
	const char *split_from;		/* the series a scope=future edit split off, or NULL */
	struct conflict *conflicts;
	size_t nconflicts;
};
/* Creates the series p describes (every field the patch sets; title, start, end and
 * assignees required). */
int uc_entry_create(struct uc_ctx *ctx, const struct entry_patch *p, struct uc_entry *out,
		    struct err *e);
int uc_entry_get(struct uc_ctx *ctx, const char *id, struct entry *out, const struct tz **zone,
		 struct err *e);
int uc_entry_list(struct uc_ctx *ctx, const char *assignee_id, struct page pg,
		  struct entry **out, const struct tz ***zones, size_t *n, struct err *e);
/* Edits (p) or deletes (p NULL) the series id, one occurrence of it (scope this, at
 * occurrence) or it from an occurrence on (future). The time it may free goes to the
 * waitlist of its former assignees. */
int uc_entry_edit(struct uc_ctx *ctx, const char *id, enum uc_scope scope,
		  const int64_t *occurrence, int if_match, const struct entry_patch *p,
		  struct uc_entry *out, struct err *e);

#endif
