/* The storage interface, continued: what analytics reads. The per-day booking summary
 * (booking_stats) is rewritten from the bookings by every booking write (sql_bookings.c
 * calls tx_stats_refresh), so it is never stale. The rules of store/store.h apply. */
#ifndef SLOTD_STORE_STORE_STATS_H
#define SLOTD_STORE_STORE_STATS_H

#include "core/stats.h"
#include "store/store.h"

/* Rewrites the summary rows of provider_id's bookings starting on UTC day day (seconds /
 * 86400) from the bookings themselves. */
int tx_stats_refresh(struct store_tx *tx, const char *provider_id, int64_t day, struct err *e);

/* Rewrites the summary of every booking of tx's tenant (a tenant whose bookings predate the
 * summary); store_stats_backfill does it once for the tenants the migration listed. */
int tx_stats_rebuild(struct store_tx *tx, struct err *e);
int store_stats_backfill(struct store *st, struct err *e);

/* Which rows a read takes: one provider or all (NULL), one service or all (NULL), and
 * whether per service (false: the rows of all services together). */
struct stats_filter {
	const char *provider_id;
	const char *service_id;
	bool per_service;
	bool any_order;		/* tx_stats_bookings: no order needed (no seats counted) */
};

/* One summary row: a provider's bookings of one UTC day in one currency (service_id "*":
 * of all its services). */
struct stats_row {
	const char *provider_id;
	const char *service_id;
	const char *currency;
	int64_t day;
	struct stats_cell cell;
};

/* Calls fn for every summary row of days from_day..to_day that f selects (per_service with
 * no service: every service's rows). fn returning non-zero stops with that value. */
int tx_stats_rows(struct store_tx *tx, const struct stats_filter *f, int64_t from_day,
		  int64_t to_day, int (*fn)(void *ctx, const struct stats_row *r), void *ctx,
		  struct err *e);

/* Calls fn for every booking f selects starting in [from, to), ordered by provider, service
 * and start (so the seats of one session come together) unless f->any_order. */
int tx_stats_bookings(struct store_tx *tx, const struct stats_filter *f, int64_t from,
		      int64_t to, int (*fn)(void *ctx, const struct stats_booking *b),
		      void *ctx, struct err *e);

/* A waitlist entry as analytics counts it. */
struct stats_wait {
	const char *service_id;
	const char *provider_id;	/* asked for, else last offered; "" = none */
	int64_t created_at;
	int offers;
	const char *status;
};

/* Calls fn for every waitlist entry created in [from, to). */
int tx_stats_waitlist(struct store_tx *tx, int64_t from, int64_t to,
		      int (*fn)(void *ctx, const struct stats_wait *w), void *ctx,
		      struct err *e);

/* The tenant's providers (deleted ones included) or services by id, with names (for the
 * groups). */
struct stats_name {
	char id[ID_MAX];
	char name[NAME_MAX_LEN + 1];
	bool deleted;
};
int tx_stats_names(struct store_tx *tx, bool services, struct arena *a,
		   struct stats_name **out, size_t *n, struct err *e);

#endif
