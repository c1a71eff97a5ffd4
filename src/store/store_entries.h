/* Schedule entries (core/entry.h) in the store: a series row with its assignees, exdates
 * and overrides (each override with its own assignees); and the calendar read. Same
 * conventions as store.h. */
#ifndef SLOTD_STORE_STORE_ENTRIES_H
#define SLOTD_STORE_STORE_ENTRIES_H

#include "core/calendar.h"
#include "core/entry.h"
#include "store/store.h"

/* Stores the series (span_end from entry_span_end). Assignees, including overrides', must
 * name providers of the tenant: ERR_INVALID at /assignee_ids/<i> otherwise. */
int tx_entry_insert(struct store_tx *tx, const struct entry *en, int64_t span_end,
		    struct err *e);
int tx_entry_get(struct store_tx *tx, const char *id, struct arena *a, struct entry *out,
		 struct err *e);
/* Deletes the series and everything under it; ERR_NOT_FOUND when none. */
int tx_entry_delete(struct store_tx *tx, const char *id, struct err *e);
/* Series by id, optionally only those assigned (in the series) to assignee_id, and, with
 * scope_key (a key limited to some providers), only those with an assignee it covers in
 * the series or one of its changed occurrences. */
int tx_entry_list(struct store_tx *tx, const char *assignee_id, const char *scope_key,
		  struct page pg, struct arena *a, struct entry **out, size_t *n, struct err *e);

/* One provider's calendar sources over [from, to); from_day..to_day are the local dates the
 * instants cover (widened by the caller). ERR_NOT_FOUND for an unknown provider. */
int tx_calendar(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		int64_t from_day, int64_t to_day, struct arena *a, struct calendar_src *out,
		struct err *e);

#endif
