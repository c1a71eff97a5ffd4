/* Calendar subscription feeds (core/feed.h) in the store: the feed rows, found by id within
 * a tenant or by their token's hash across tenants, and the reads behind a feed document.
 * Same conventions as store.h. */
#ifndef SLOTD_STORE_STORE_FEEDS_H
#define SLOTD_STORE_STORE_FEEDS_H

#include "core/feed.h"
#include "store/store.h"

/* Stores feed f (of tx's tenant) with the hash of its token. */
int tx_feed_insert(struct store_tx *tx, const struct feed *f, const char *token_hash,
		   struct err *e);
/* A feed by id; ERR_NOT_FOUND when none. */
int tx_feed_get(struct store_tx *tx, const char *id, struct feed *out, struct err *e);
/* Feeds by id, paged: those of provider_id, or with provider_id NULL every feed. */
int tx_feed_list(struct store_tx *tx, const char *provider_id, struct page pg, struct arena *a,
		 struct feed **out, size_t *n, struct err *e);
/* Deletes feed id; ERR_NOT_FOUND when none. */
int tx_feed_delete(struct store_tx *tx, const char *id, struct err *e);
/* The feed (of any tenant: tx begun for "") whose token hashes to token_hash, with its
 * tenant; ERR_NOT_FOUND when none. */
int tx_feed_by_token(struct store_tx *tx, const char *token_hash, struct feed *out, struct err *e);
/* Records that feed id of tenant was read at now, when its last record is older than an
 * hour: a transaction of its own that takes no tenant lock. */
int store_feed_touch(struct store *st, const char *tenant, const char *id, int64_t now,
		     struct err *e);

/* Bookings of provider_id (NULL = every provider not deleted) starting in [w->from, w->to):
 * pending, confirmed, completed and no-show ones, and cancelled or declined ones closed (or,
 * without that record, last changed) at or after w->closed_since; by start, then id. Over
 * max, the max nearest to today: those from w->day_start on (the soonest first), then the
 * latest before it. The bookings carry what a feed shows: ids, reference, times, status, customer name,
 * notes, version and change times, with the service's name and the closing time. */
int tx_feed_bookings(struct store_tx *tx, const char *provider_id, const struct feed_window *w,
		     size_t max, struct arena *a, struct feed_booking **out, size_t *n,
		     struct err *e);
/* Schedule entries that may have an occurrence in [w->from, w->to): of provider_id (in the
 * series or an override), or with provider_id NULL any of the tenant's; by id. Over max, the
 * max nearest to today: those still running or ahead on w->day_start (the soonest first),
 * then those that ended most recently. */
int tx_feed_entries(struct store_tx *tx, const char *provider_id, const struct feed_window *w,
		    size_t max, struct arena *a, struct entry **out, size_t *n, struct err *e);
/* When the tenant last changed anything: the time of its latest event (0 before any). */
int tx_tenant_changed_at(struct store_tx *tx, int64_t *at, struct err *e);

#endif
