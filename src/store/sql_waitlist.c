/* The waitlist. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"

#define WAITLIST_COLS                                                                          \
	"id, service_id, provider_id, customer_name, customer_email, customer_phone,"         \
	" earliest_day, latest_day, weekdays, windows, priority, status, hold_id,"             \
	" offer_provider_id, offer_start, offer_expires_at, offers, booking_id, created_at,"   \
	" updated_at, key_id, notes"

static void windows_encode(const struct waitlist_entry *w, char *out, size_t size)
{
	size_t n = 0, i;

	out[0] = '\0';
	for (i = 0; i < w->nwindows && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%d-%d", i ? "," : "",
				      w->windows[i].from_min, w->windows[i].to_min);
}

static void windows_decode(const char *s, struct waitlist_entry *w)
{
	w->nwindows = 0;
	while (*s && w->nwindows < WAITLIST_MAX_WINDOWS) {
		char *end;
		long from = strtol(s, &end, 10), to;
		if (*end != '-')
			return;
		to = strtol(end + 1, &end, 10);
		w->windows[w->nwindows].from_min = (int)from;
		w->windows[w->nwindows].to_min = (int)to;
		w->nwindows++;
		s = *end == ',' ? end + 1 : end;
		if (!*end)
			return;
	}
}

static void read_entry(struct stmt *s, struct arena *a, void *dst)
{
	struct waitlist_entry *w = dst;

	(void)a;
	memset(w, 0, sizeof(*w));
	col_text(s, 0, w->id, sizeof(w->id));
	col_text(s, 1, w->service_id, sizeof(w->service_id));
	col_text(s, 2, w->provider_id, sizeof(w->provider_id));
	col_text(s, 3, w->customer_name, sizeof(w->customer_name));
	col_text(s, 4, w->customer_email, sizeof(w->customer_email));
	col_text(s, 5, w->customer_phone, sizeof(w->customer_phone));
	w->earliest_day = db_col_i64(s, 6);
	w->latest_day = db_col_i64(s, 7);
	w->weekdays = (unsigned)db_col_int(s, 8);
	windows_decode(db_col_text(s, 9), w);
	w->priority = db_col_int(s, 10);
	waitlist_status_parse(db_col_text(s, 11), &w->status);
	col_text(s, 12, w->hold_id, sizeof(w->hold_id));
	col_text(s, 13, w->offer_provider_id, sizeof(w->offer_provider_id));
	w->offer_start = col_opt_i64(s, 14);
	w->offer_expires_at = col_opt_i64(s, 15);
	w->offers = db_col_int(s, 16);
	col_text(s, 17, w->booking_id, sizeof(w->booking_id));
	w->created_at = db_col_i64(s, 18);
	w->updated_at = db_col_i64(s, 19);
	col_text(s, 20, w->key_id, sizeof(w->key_id));
	col_text(s, 21, w->notes, sizeof(w->notes));
}

int tx_waitlist_get(struct store_tx *tx, const char *id, struct waitlist_entry *out,
		    struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1 AND id = ?2",
				   id, "waitlist entry", e);

	if (!s)
		return -1;
	read_entry(s, NULL, out);
	db_reset(s);
	return 0;
}

#define WAITLIST_WINDOWS_TEXT_MAX (WAITLIST_MAX_WINDOWS * 12)

/* Binds the fields an edit may change, from ?k on: customer_name, customer_phone,
 * earliest_day, latest_day, weekdays, windows (its text written to windows,
 * WAITLIST_WINDOWS_TEXT_MAX bytes, alive until the step), priority, notes. */
static void bind_editable(struct stmt *s, int k, const struct waitlist_entry *w, char *windows)
{
	windows_encode(w, windows, WAITLIST_WINDOWS_TEXT_MAX);
	bind_text(s, k, w->customer_name);
	bind_opt_text(s, k + 1, w->customer_phone);
	db_bind_i64(s, k + 2, w->earliest_day);
	db_bind_i64(s, k + 3, w->latest_day);
	db_bind_i64(s, k + 4, (int)w->weekdays);
	bind_text(s, k + 5, windows);
	db_bind_i64(s, k + 6, w->priority);
	bind_opt_text(s, k + 7, w->notes);
}

int tx_waitlist_insert(struct store_tx *tx, const struct waitlist_entry *w, struct err *e)
{
	char windows[WAITLIST_WINDOWS_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO waitlist(tenant_id, id, service_id, provider_id,"
				    " customer_name, customer_phone, earliest_day, latest_day,"
				    " weekdays, windows, priority, notes, customer_email, status,"
				    " created_at, updated_at, key_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
				    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'waiting', ?14, ?14, ?15)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, w->id);
	bind_text(s, 3, w->service_id);
	bind_opt_text(s, 4, w->provider_id);
	bind_editable(s, 5, w, windows);
	bind_text(s, 13, w->customer_email);
	db_bind_i64(s, 14, w->created_at);
	bind_opt_text(s, 15, w->key_id);
	return step_done(tx->c, s, "insert waitlist entry", e);
}

int tx_waitlist_edit(struct store_tx *tx, const struct waitlist_entry *w, struct err *e)
{
	char windows[WAITLIST_WINDOWS_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE waitlist SET customer_name = ?3, customer_phone = ?4,"
				    " earliest_day = ?5, latest_day = ?6, weekdays = ?7, windows = ?8,"
				    " priority = ?9, notes = ?10, updated_at = ?11"
				    " WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, w->id);
	bind_editable(s, 3, w, windows);
	db_bind_i64(s, 11, w->updated_at);
	return step_done(tx->c, s, "edit waitlist entry", e);
}

int tx_waitlist_update(struct store_tx *tx, const struct waitlist_entry *w, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE waitlist SET status = ?3, hold_id = ?4,"
				    " offer_provider_id = ?5, offer_start = ?6, offer_expires_at = ?7,"
				    " offers = ?8, booking_id = ?9, updated_at = ?10"
				    " WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, w->id);
	bind_text(s, 3, waitlist_status_name(w->status));
	bind_opt_text(s, 4, w->hold_id);
	bind_opt_text(s, 5, w->offer_provider_id);
	bind_opt_i64(s, 6, w->offer_start);
	bind_opt_i64(s, 7, w->offer_expires_at);
	db_bind_i64(s, 8, w->offers);
	bind_opt_text(s, 9, w->booking_id);
	db_bind_i64(s, 10, w->updated_at);
	return step_done(tx->c, s, "update waitlist entry", e);
}

int tx_waitlist_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM waitlist WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "waitlist entry", e);
}

int tx_waitlist_list(struct store_tx *tx, const struct waitlist_filter *f, struct page pg,
		     struct arena *a, struct waitlist_entry **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1 AND id > ?2"
		" AND (?3 IS NULL OR service_id = ?3) AND (?4 IS NULL OR status = ?4)"
		" AND (?6 IS NULL OR provider_id IS NULL OR provider_id IN (SELECT provider_id"
		"  FROM api_key_providers WHERE tenant_id = ?1 AND key_id = ?6 UNION ALL"
		"  SELECT provider_id FROM users WHERE tenant_id = ?1 AND id = ?6))"
		" ORDER BY id LIMIT ?5",
		e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	*out = arena_alloc(a, pg.limit * sizeof(**out) + 1);
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	bind_opt_text(s, 3, f->service_id);
	bind_opt_text(s, 4, f->status >= 0 ? waitlist_status_name((enum waitlist_status)f->status)
					    : NULL);
	db_bind_i64(s, 5, (int64_t)pg.limit);
	bind_opt_text(s, 6, f->scope_key);
	while ((rc = db_step(s)) == DB_ROW)
		read_entry(s, NULL, &(*out)[(*n)++]);
	db_reset(s);
	return rc == DB_DONE ? 0 : sql_fail(tx->c, rc, "list waitlist", e);
}

int tx_waitlist_waiting(struct store_tx *tx, const char *entry_id, const char *provider_id,
			int64_t from_day, int64_t to_day, size_t max, struct arena *a,
			struct waitlist_entry **out, size_t *n, struct err *e)
{
	/* Only entries that can take the provider's time: theirs or any provider's, for a
	 * service the provider offers, on dates that meet the window. */
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " WAITLIST_COLS " FROM waitlist w WHERE tenant_id = ?1"
		" AND status = 'waiting' AND (?2 IS NULL OR id = ?2)"
		" AND earliest_day <= ?5 AND latest_day >= ?4"
		" AND (?3 IS NULL OR w.provider_id = ?3 OR (w.provider_id IS NULL AND EXISTS"
		"  (SELECT 1 FROM service_providers sp WHERE sp.tenant_id = ?1"
		"   AND sp.service_id = w.service_id AND sp.provider_id = ?3)))"
		" ORDER BY priority DESC, created_at, id LIMIT ?6",
		e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_opt_text(s, 2, entry_id);
	bind_opt_text(s, 3, provider_id);
	db_bind_i64(s, 4, from_day);
	db_bind_i64(s, 5, to_day);
	db_bind_i64(s, 6, (int64_t)max);
	return rows_read(tx->c, s, read_entry, sizeof(**out), a, (void **)out, n,
			 "read waitlist", e);
}

int tx_waitlist_of(struct store_tx *tx, const char *provider_id, const char *service_id,
		   struct arena *a, struct waitlist_entry **out, size_t *n, struct err *e)
{
	return rows_of(tx,
		       "SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1"
		       " AND (?2 IS NULL OR provider_id = ?2)"
		       " AND (?3 IS NULL OR service_id = ?3) ORDER BY id",
		       provider_id, service_id, read_entry, sizeof(**out), a, (void **)out, n,
		       "read waitlist entries", e);
}

int tx_waitlist_stale(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		      struct waitlist_entry **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1"
				    " AND status = 'offered' AND offer_expires_at <= ?2"
				    " ORDER BY offer_expires_at, id LIMIT ?3",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, now);
	db_bind_i64(s, 3, (int64_t)max);
	return rows_read(tx->c, s, read_entry, sizeof(**out), a, (void **)out, n,
			 "find expired offers", e);
}

int tx_waitlist_count(struct store_tx *tx, const char *key_id, int *count, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT count(*) FROM waitlist WHERE tenant_id = ?1 AND key_id = ?2"
				    " AND status IN ('waiting', 'offered')",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, key_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		*count = db_col_int(s, 0);
	db_reset(s);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "count waitlist entries", e);
}

int tx_waitlist_due(struct store_tx *tx, int64_t now, char (*tenants)[ID_MAX], size_t max,
		    size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT DISTINCT tenant_id FROM holds WHERE expires_at <= ?1"
				    " LIMIT ?2",
				    e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	db_bind_i64(s, 1, now);
	db_bind_i64(s, 2, (int64_t)max);
	while ((rc = db_step(s)) == DB_ROW && *n < max)
		col_text(s, 0, tenants[(*n)++], ID_MAX);
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(tx->c, rc, "find due offers", e);
	return 0;
}
