/* Schedule entries (core/entry.h) in the store: a series row with its assignees, exdates
 * and overrides (each override with its own assignees). Same conventions as store.h. */
#ifndef SLOTD_STORE_STORE_ENTRIES_H
#define SLOTD_STORE_STORE_ENTRIES_H

#include "core/entry.h"
#include "store/store.h"

/* What an entry edit does with the series, decided by the edit callback. */
struct entry_write {
	bool delete_series;	/* remove the series (and everything under it) */
	struct entry *split;	/* a new series to insert in the same transaction, or NULL */
};

/* Creates the series (span_end from entry_span_end). Assignees, including overrides', must
 * name providers of the tenant: ERR_INVALID at /assignee_ids otherwise. */
int store_entry_create(struct store *st, const char *tenant, const struct entry *en,
		       int64_t span_end, struct err *e);
int store_entry_get(struct store *st, const char *tenant, const char *id, struct arena *a,
		    struct entry *out, struct err *e);
/* Series by id, optionally only those assigned (in the series) to assignee_id. */
int store_entry_list(struct store *st, const char *tenant, const char *assignee_id,
		     struct page pg, struct arena *a, struct entry **out, size_t *n,
		     struct err *e);

/* Read-modify-write in one transaction: edit changes *en in place (and may ask to delete it
 * or to insert a split-off series); *span_end and *split_span_end are set by the edit.
 * ERR_PRECONDITION when if_match (> 0) is not the stored version. */
typedef int (*store_entry_edit_fn)(void *ctx, struct entry *en, struct arena *a,
				   struct entry_write *w, int64_t *span_end,
				   int64_t *split_span_end, struct err *e);
int store_entry_update(struct store *st, const char *tenant, const char *id, int if_match,
		       store_entry_edit_fn edit, void *ctx, int64_t now, struct arena *a,
		       struct entry *out, struct err *e);

/* --- the calendar: everything that fills one provider's time over [from, to) --- */
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
};

/* Reads one provider's calendar sources in one read transaction; from_day..to_day are the
 * local dates the instants cover (widened by the caller). ERR_NOT_FOUND for an unknown
 * provider. */
int store_calendar_load(struct store *st, const char *tenant, const char *provider_id,
			int64_t from, int64_t to, int64_t from_day, int64_t to_day,
			struct arena *a, struct calendar_src *out, struct err *e);

#endif
