/* Calendar subscription feeds and the reads behind their documents. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_feeds.h"

#define FEED_COLS                                                                                  \
	"tenant_id, id, provider_id, kind, name, days_back, days_ahead, created_at, last_used_at"

static void read_feed(struct stmt *s, struct arena *a, void *dst)
{
	struct feed *f = dst;

	(void)a;
	memset(f, 0, sizeof(*f));
	col_text(s, 0, f->tenant_id, sizeof(f->tenant_id));
	col_text(s, 1, f->id, sizeof(f->id));
	col_text(s, 2, f->provider_id, sizeof(f->provider_id));
	if (feed_kind_parse(db_col_text(s, 3), &f->kind))
		f->kind = FEED_BUSY; /* the one that shows less */
	col_text(s, 4, f->name, sizeof(f->name));
	f->days_back = db_col_int(s, 5);
	f->days_ahead = db_col_int(s, 6);
	f->created_at = db_col_i64(s, 7);
	f->last_used_at = col_opt_i64(s, 8);
}

int tx_feed_insert(struct store_tx *tx, const struct feed *f, const char *token_hash, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "INSERT INTO feeds(tenant_id, id, provider_id, kind, token_hash,"
				   " name, days_back, days_ahead, created_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				   e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, f->id);
	bind_opt_text(s, 3, f->provider_id);
	bind_text(s, 4, feed_kind_name(f->kind));
	bind_text(s, 5, token_hash);
	bind_text(s, 6, f->name);
	db_bind_i64(s, 7, f->days_back);
	db_bind_i64(s, 8, f->days_ahead);
	db_bind_i64(s, 9, f->created_at);
	return step_done(tx->c, s, "create feed", e);
}

int tx_feed_get(struct store_tx *tx, const char *id, struct feed *out, struct err *e)
{
	struct stmt *s = row_by_id(
	    tx, "SELECT " FEED_COLS " FROM feeds WHERE tenant_id = ?1 AND id = ?2", id, "feed", e);

	if (!s)
		return -1;
	read_feed(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_feed_list(struct store_tx *tx, const char *provider_id, struct page pg, struct arena *a,
		 struct feed **out, size_t *n, struct err *e)
{
	struct stmt *s =
	    conn_prep(tx->c,
		      "SELECT " FEED_COLS " FROM feeds WHERE tenant_id = ?1 AND id > ?2"
		      " AND (?4 IS NULL OR provider_id = ?4) ORDER BY id LIMIT ?3",
		      e);

	if (s)
		bind_opt_text(s, 4, provider_id);
	return page_read(tx, s, pg, read_feed, sizeof(**out), a, (void **)out, n, "list feeds", e);
}

int tx_feed_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM feeds WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "feed", e);
}

int tx_feed_by_token(struct store_tx *tx, const char *token_hash, struct feed *out, struct err *e)
{
	struct stmt *s =
	    conn_prep(tx->c, "SELECT " FEED_COLS " FROM feeds WHERE token_hash = ?1", e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, token_hash);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_feed(s, NULL, out);
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no feed has this token");
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "find feed", e);
	return 0;
}

int store_feed_touch(struct store *st, const char *tenant, const char *id, int64_t now,
		     struct err *e)
{
	return store_touch(st,
			   "UPDATE feeds SET last_used_at = ?3 WHERE tenant_id = ?1 AND id = ?2"
			   " AND (last_used_at IS NULL OR last_used_at < ?4)",
			   tenant, id, now, 3600, "record feed use", e);
}

static void read_feed_booking(struct stmt *s, struct arena *a, void *dst)
{
	struct feed_booking *fb = dst;
	struct booking *b = &fb->b;

	(void)a;
	memset(fb, 0, sizeof(*fb));
	col_text(s, 0, b->id, sizeof(b->id));
	col_text(s, 1, b->reference, sizeof(b->reference));
	col_text(s, 2, b->service_id, sizeof(b->service_id));
	col_text(s, 3, b->provider_id, sizeof(b->provider_id));
	b->start = db_col_i64(s, 4);
	b->end = db_col_i64(s, 5);
	if (booking_status_parse(db_col_text(s, 6), &b->status))
		b->status = BOOKING_CONFIRMED;
	col_text(s, 7, b->customer_name, sizeof(b->customer_name));
	col_text(s, 8, b->notes, sizeof(b->notes));
	b->version = db_col_int(s, 9);
	b->created_at = db_col_i64(s, 10);
	b->updated_at = db_col_i64(s, 11);
	fb->closed_at = col_opt_i64(s, 12);
	col_text(s, 13, fb->service_name, sizeof(fb->service_name));
	location_decode(db_col_null(s, 14) ? NULL : db_col_text(s, 14), &b->location);
}

int tx_feed_bookings(struct store_tx *tx, const char *provider_id, const struct feed_window *w,
		     size_t max, struct arena *a, struct feed_booking **out, size_t *n,
		     struct err *e)
{
	/* Over max, the ones a subscriber needs most: from today on (the soonest first), then
	 * the most recent before; the document lists them by start. */
	struct stmt *s = conn_prep(
	    tx->c,
	    "SELECT * FROM (SELECT b.id, b.reference, b.service_id, b.provider_id, b.start_utc,"
	    " b.end_utc, b.status, b.customer_name, b.notes, b.version, b.created_at,"
	    " b.updated_at, b.closed_at, s.name, b.location FROM bookings b JOIN providers p"
	    " ON p.tenant_id = b.tenant_id AND p.id = b.provider_id AND p.deleted_at IS NULL"
	    " LEFT JOIN services s ON s.tenant_id = b.tenant_id AND s.id = b.service_id"
	    " WHERE b.tenant_id = ?1 AND (?2 IS NULL OR b.provider_id = ?2)"
	    " AND b.start_utc >= ?3 AND b.start_utc < ?4"
	    " AND (b.status IN ('pending', 'confirmed', 'completed', 'no_show')"
	    "  OR COALESCE(b.closed_at, b.updated_at) >= ?5)"
	    " ORDER BY CASE WHEN b.start_utc >= ?7 THEN 0 ELSE 1 END,"
	    " CASE WHEN b.start_utc >= ?7 THEN b.start_utc ELSE -b.start_utc END, b.id"
	    " LIMIT ?6) x ORDER BY x.start_utc, x.id",
	    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_opt_text(s, 2, provider_id);
	db_bind_i64(s, 3, w->from);
	db_bind_i64(s, 4, w->to);
	db_bind_i64(s, 5, w->closed_since);
	db_bind_i64(s, 6, (int64_t)max);
	db_bind_i64(s, 7, w->day_start);
	return rows_read(tx->c, s, read_feed_booking, sizeof(**out), a, (void **)out, n,
			 "read feed bookings", e);
}

/* Entries' rows in the window, one per series and per changed occurrence: (id, first start,
 * last end; an endless series ends at year 10000). Of provider ?6 (through the indexes by
 * provider), or of the whole tenant. */
#define FEED_ENTRY_ROWS_OF_PROVIDER                                                                \
	"SELECT e.id AS id, e.start_utc AS s, COALESCE(e.span_end, 253402300800) AS se"          \
	" FROM entries e JOIN entry_assignees x ON x.tenant_id = e.tenant_id"                    \
	" AND x.entry_id = e.id WHERE x.tenant_id = ?1 AND x.provider_id = ?6"                   \
	" AND e.start_utc < ?3 AND (e.span_end IS NULL OR e.span_end > ?2)"                      \
	" UNION ALL SELECT y.entry_id, y.start_utc, y.end_utc FROM entry_override_assignees y"   \
	" WHERE y.tenant_id = ?1 AND y.provider_id = ?6 AND y.start_utc < ?3"                    \
	" AND y.end_utc > ?2 AND y.start_utc > ?7"
#define FEED_ENTRY_ROWS_OF_TENANT                                                                  \
	"SELECT e.id AS id, e.start_utc AS s, COALESCE(e.span_end, 253402300800) AS se"          \
	" FROM entries e WHERE e.tenant_id = ?1 AND e.start_utc < ?3"                            \
	" AND (e.span_end IS NULL OR e.span_end > ?2)"                                           \
	" UNION ALL SELECT o.entry_id, o.start_utc, o.end_utc FROM entry_overrides o"            \
	" WHERE o.tenant_id = ?1 AND o.start_utc < ?3 AND o.end_utc > ?2"
/* Over the cap, the entries a subscriber needs most: those still running or ahead on day
 * ?5 (the soonest first), then those that ended most recently. */
#define FEED_ENTRY_PICK                                                                            \
	" GROUP BY id ORDER BY CASE WHEN MAX(se) > ?5 THEN 0 ELSE 1 END,"                        \
	" CASE WHEN MAX(se) > ?5 THEN (CASE WHEN MIN(s) > ?5 THEN MIN(s) ELSE ?5 END)"           \
	" ELSE -MAX(se) END, id LIMIT ?4"

static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(const id_t_ *)a, *(const id_t_ *)b);
}

int tx_feed_entries(struct store_tx *tx, const char *provider_id, const struct feed_window *w,
		    size_t max, struct arena *a, struct entry **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
	    tx->c,
	    provider_id ? "SELECT id FROM (" FEED_ENTRY_ROWS_OF_PROVIDER ") u" FEED_ENTRY_PICK
			: "SELECT id FROM (" FEED_ENTRY_ROWS_OF_TENANT ") u" FEED_ENTRY_PICK,
	    e);
	id_t_ *ids;
	size_t nids, i;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, w->from);
	db_bind_i64(s, 3, w->to);
	db_bind_i64(s, 4, (int64_t)max);
	db_bind_i64(s, 5, w->day_start);
	if (provider_id) {
		bind_text(s, 6, provider_id);
		/* An occurrence lasts at most ENTRY_MAX_SECONDS: a bound for the index. */
		db_bind_i64(s, 7, w->from - ENTRY_MAX_SECONDS - 1);
	}
	if (rows_read(tx->c, s, read_id_row, sizeof(*ids), a, (void **)&ids, &nids,
		      "read feed entries", e))
		return -1;
	/* The document lists them by id, whichever were kept. */
	if (nids > 1)
		qsort(ids, nids, sizeof(*ids), id_cmp);
	*out = arena_alloc(a, (nids + 1) * sizeof(**out));
	for (i = 0; i < nids; i++)
		if (tx_entry_get(tx, ids[i], a, &(*out)[i], e))
			return -1;
	*n = nids;
	return 0;
}

static void read_time(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	*(int64_t *)dst = db_col_i64(s, 0);
}

int tx_tenant_changed_at(struct store_tx *tx, int64_t *at, struct err *e)
{
	*at = 0;
	return tenant_row_read(tx,
			       "SELECT created_at FROM events WHERE tenant_id = ?1"
			       " ORDER BY seq DESC LIMIT 1",
			       read_time, at, "read the last change", e) < 0
		   ? -1
		   : 0;
}
