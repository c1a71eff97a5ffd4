/* External calendars, their busy time and their fetch leases. */
#include "store/sql_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_calendars.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"

#define CAL_COLS                                                                               \
	"tenant_id, id, provider_id, kind, name, url, url_box, username, password_box, write,"  \
	" enabled, interval_min, etag, last_modified, ctag, busy_hash, events, busy_count,"     \
	" last_synced_at, last_attempt_at, last_error, next_sync_at, version, created_at,"      \
	" updated_at, read_at"

static void read_calendar(struct stmt *s, struct arena *a, void *dst)
{
	struct ext_calendar *c = dst;
	const char *kind;

	(void)a;
	memset(c, 0, sizeof(*c));
	col_text(s, 0, c->tenant_id, sizeof(c->tenant_id));
	col_text(s, 1, c->id, sizeof(c->id));
	col_text(s, 2, c->provider_id, sizeof(c->provider_id));
	kind = db_col_text(s, 3);
	c->kind = kind && !strcmp(kind, "caldav") ? CALENDAR_CALDAV : CALENDAR_ICS;
	col_text(s, 4, c->name, sizeof(c->name));
	col_text(s, 5, c->url, sizeof(c->url));
	col_text(s, 6, c->url_box, sizeof(c->url_box));
	col_text(s, 7, c->username, sizeof(c->username));
	col_text(s, 8, c->password_box, sizeof(c->password_box));
	c->write = db_col_int(s, 9) != 0;
	c->enabled = db_col_int(s, 10) != 0;
	c->interval_min = db_col_int(s, 11);
	col_text(s, 12, c->etag, sizeof(c->etag));
	col_text(s, 13, c->last_modified, sizeof(c->last_modified));
	col_text(s, 14, c->ctag, sizeof(c->ctag));
	col_text(s, 15, c->busy_hash, sizeof(c->busy_hash));
	c->events = db_col_int(s, 16);
	c->busy_count = db_col_int(s, 17);
	c->last_synced_at = col_opt_i64(s, 18);
	c->last_attempt_at = col_opt_i64(s, 19);
	col_text(s, 20, c->last_error, sizeof(c->last_error));
	c->next_sync_at = db_col_i64(s, 21);
	c->version = db_col_int(s, 22);
	c->created_at = db_col_i64(s, 23);
	c->updated_at = db_col_i64(s, 24);
	c->read_at = col_opt_i64(s, 25);
}

int tx_calendar_insert(struct store_tx *tx, const struct ext_calendar *c, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"INSERT INTO calendars(tenant_id, id, provider_id, kind, name, url, url_box, username,"
		" password_box, write, enabled, interval_min, next_sync_at, version, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1,"
		" ?14, ?14)",
		e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, c->id);
	bind_text(s, 3, c->provider_id);
	bind_text(s, 4, calendar_kind_name(c->kind));
	bind_text(s, 5, c->name);
	bind_text(s, 6, c->url);
	bind_opt_text(s, 7, c->url_box);
	bind_opt_text(s, 8, c->username);
	bind_opt_text(s, 9, c->password_box);
	db_bind_i64(s, 10, c->write);
	db_bind_i64(s, 11, c->enabled);
	db_bind_i64(s, 12, c->interval_min);
	db_bind_i64(s, 13, c->next_sync_at);
	db_bind_i64(s, 14, c->created_at);
	return step_done(tx->c, s, "create calendar", e);
}

int tx_calendar_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct ext_calendar *out, struct err *e)
{
	struct stmt *s = row_by_id(
		tx, "SELECT " CAL_COLS " FROM calendars WHERE tenant_id = ?1 AND id = ?2", id,
		"calendar", e);

	if (!s)
		return -1;
	read_calendar(s, NULL, out);
	db_reset(s);
	if (provider_id && strcmp(out->provider_id, provider_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "calendar %s not found", id);
	return 0;
}

int tx_calendar_list(struct store_tx *tx, const char *provider_id, struct page pg,
		     struct arena *a, struct ext_calendar **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "SELECT " CAL_COLS " FROM calendars WHERE tenant_id = ?1"
				   " AND provider_id = ?4 AND id > ?2 ORDER BY id LIMIT ?3",
				   e);

	if (s)
		bind_text(s, 4, provider_id);
	return page_read(tx, s, pg, read_calendar, sizeof(**out), a, (void **)out, n,
			 "list calendars", e);
}

/* Removes calendar id's busy time. */
static int busy_clear(struct store_tx *tx, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "DELETE FROM calendar_busy WHERE tenant_id = ?1 AND calendar_id = ?2",
				   e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	return step_done(tx->c, s, "clear calendar busy time", e);
}

/* The stored calendar reads from the same place as the one bound to ?4-?7 and ?9. */
#define SAME_SOURCE                                                                            \
	"url = ?4 AND coalesce(url_box, '') = coalesce(?5, '')"                                \
	" AND coalesce(username, '') = coalesce(?6, '')"                                       \
	" AND coalesce(password_box, '') = coalesce(?7, '') AND enabled = ?9"

int tx_calendar_update(struct store_tx *tx, const struct ext_calendar *c, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		/* A fetch in flight for the calendar's old address or credentials must not be
		 * recorded: taking its lease makes its record fail (ERR_CONFLICT). */
		"UPDATE calendars SET lease_owner = CASE WHEN " SAME_SOURCE " THEN lease_owner END,"
		" lease_until = CASE WHEN " SAME_SOURCE " THEN lease_until END,"
		" name = ?3, url = ?4, url_box = ?5, username = ?6,"
		" password_box = ?7, write = ?8, enabled = ?9, interval_min = ?10, etag = ?11,"
		" last_modified = ?12, ctag = ?13, busy_hash = ?14, events = ?15, busy_count = ?16,"
		" next_sync_at = ?17, version = version + 1, updated_at = ?18"
		" WHERE tenant_id = ?1 AND id = ?2",
		e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, c->id);
	bind_text(s, 3, c->name);
	bind_text(s, 4, c->url);
	bind_opt_text(s, 5, c->url_box);
	bind_opt_text(s, 6, c->username);
	bind_opt_text(s, 7, c->password_box);
	db_bind_i64(s, 8, c->write);
	db_bind_i64(s, 9, c->enabled);
	db_bind_i64(s, 10, c->interval_min);
	bind_opt_text(s, 11, c->etag);
	bind_opt_text(s, 12, c->last_modified);
	bind_opt_text(s, 13, c->ctag);
	bind_opt_text(s, 14, c->enabled ? c->busy_hash : "");
	db_bind_i64(s, 15, c->events);
	db_bind_i64(s, 16, c->enabled ? c->busy_count : 0);
	db_bind_i64(s, 17, c->next_sync_at);
	db_bind_i64(s, 18, c->updated_at);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "update calendar", e);
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "calendar %s not found", c->id);
	return c->enabled ? 0 : busy_clear(tx, c->id, e);
}

int tx_calendar_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e)
{
	if (delete_row(tx,
		       "DELETE FROM calendars WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
		       id, provider_id, "calendar", e))
		return -1;
	return busy_clear(tx, id, e);
}

int tx_calendars_writable(struct store_tx *tx, const char *provider_id, struct arena *a,
			  struct ext_calendar **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "SELECT " CAL_COLS " FROM calendars WHERE tenant_id = ?1"
				   " AND provider_id = ?2 AND kind = 'caldav' AND write = 1"
				   " AND enabled = 1 ORDER BY id",
				   e);

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	return rows_read(tx->c, s, read_calendar, sizeof(**out), a, (void **)out, n,
			 "list writable calendars", e);
}

/* --- busy time --- */

/* Busy time is stored per calendar and UTC day: spans is "S-E,S-E,…", seconds from the
 * day's midnight (0 <= S < E <= 86400), ascending. */

static int cmp_busy(const void *a, const void *b)
{
	const struct external_busy *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void external_busy_sort(struct external_busy *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_busy);
}

void external_busy_row(struct stmt *s, int64_t from, int64_t to, struct arena *a,
		      struct external_busy **v, size_t *n, size_t *cap)
{
	int64_t base = db_col_i64(s, 0) * 86400;
	const char *p = db_col_text(s, 1), *id = NULL, *name = NULL;

	while (p && *p) {
		char *end;
		long long b0 = strtoll(p, &end, 10), b1;
		if (*end != '-')
			break;
		b1 = strtoll(end + 1, &end, 10);
		p = *end == ',' ? end + 1 : end;
		if (base + b1 <= from || base + b0 >= to || b0 >= b1)
			continue;
		if (!id) {
			id = col_str(s, 2, a);
			name = col_str(s, 3, a);
		}
		*v = grow_rows(a, *v, *n, cap, sizeof(**v));
		(*v)[(*n)++] = (struct external_busy){base + b0, base + b1, name, id};
	}
}

int tx_external_busy(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct external_busy **out, size_t *n, struct err *e)
{
	/* Disabled calendars have no rows. */
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT b.day, b.spans, b.calendar_id, c.name FROM calendar_busy b"
		" JOIN calendars c ON c.tenant_id = b.tenant_id AND c.id = b.calendar_id"
		" WHERE b.tenant_id = ?1 AND b.provider_id = ?2 AND b.day >= ?3 AND b.day <= ?4",
		e);
	struct external_busy *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, floor_div(from, 86400));
	db_bind_i64(s, 4, floor_div(to - 1, 86400));
	while ((rc = db_step(s)) == DB_ROW)
		external_busy_row(s, from, to, a, &v, n, &cap);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "read external busy time", e);
	/* Rows come by day and calendar: order the intervals by start. */
	external_busy_sort(v, *n);
	*out = v;
	return 0;
}

/* Orders pointers into an array of ids by the ids they point to. */
static int cmp_id_ref(const void *a, const void *b)
{
	return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

int tx_bookings_exist(struct store_tx *tx, const char *const *ids, size_t n, bool *mine,
		      struct err *e)
{
	const char *const **by_id;
	struct stmt *s;
	struct buf list;
	size_t i, k = 0;
	int rc;

	for (i = 0; i < n; i++)
		mine[i] = false;
	if (!n)
		return 0;
	s = conn_prep(tx->c,
		      tx->c->kind == DB_PG
			      ? "SELECT id FROM bookings WHERE tenant_id = ?1 AND id IN"
				" (SELECT jsonb_array_elements_text(?2::jsonb))"
			      : "SELECT id FROM bookings WHERE tenant_id = ?1 AND id IN"
				" (SELECT value FROM json_each(?2))",
		      e);
	if (!s)
		return -1;
	/* The occurrences of a series repeat its id: each id is asked for once, and each row
	 * found is matched back to its ids by binary search. */
	by_id = xmalloc(n * sizeof(*by_id));
	for (i = 0; i < n; i++)
		by_id[i] = &ids[i];
	qsort(by_id, n, sizeof(*by_id), cmp_id_ref);
	buf_init(&list, 64 * 1024 * 1024);
	buf_addc(&list, '[');
	for (i = 0; i < n; i++) {
		const char *p;
		if (i && !strcmp(*by_id[i], *by_id[i - 1]))
			continue;
		if (k++)
			buf_addc(&list, ',');
		buf_addc(&list, '"');
		/* Booking ids are plain; anything else cannot match one and is left out. */
		for (p = *by_id[i]; *p; p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z') || *p == '_')
				buf_addc(&list, *p);
		buf_addc(&list, '"');
	}
	buf_addc(&list, ']');
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, list.ptr);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *id = db_col_text(s, 0);
		const char *const *key = &id, *const **hit;
		size_t lo, hi;
		if (!id || !(hit = bsearch(&key, by_id, n, sizeof(*by_id), cmp_id_ref)))
			continue;
		for (lo = (size_t)(hit - by_id); lo > 0 && !strcmp(*by_id[lo - 1], id); lo--)
			;
		for (hi = (size_t)(hit - by_id); hi < n && !strcmp(*by_id[hi], id); hi++)
			mine[by_id[hi] - ids] = true;
		for (; lo < (size_t)(hit - by_id); lo++)
			mine[by_id[lo] - ids] = true;
	}
	db_reset(s);
	buf_release(&list);
	free(by_id);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "look up bookings", e);
	return 0;
}

/* --- syncing --- */

int tx_calendar_claim(struct store_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		      size_t max, struct arena *a, struct ext_calendar **out, size_t *n,
		      struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		tx->c->kind == DB_PG
			? "UPDATE calendars SET lease_owner = ?1, lease_until = ?2"
			  " WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM calendars"
			  " WHERE enabled = 1 AND next_sync_at <= ?3"
			  " AND (lease_until IS NULL OR lease_until <= ?3)"
			  " ORDER BY next_sync_at LIMIT ?4 FOR UPDATE SKIP LOCKED)"
			  " RETURNING " CAL_COLS
			: "UPDATE calendars SET lease_owner = ?1, lease_until = ?2"
			  " WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM calendars"
			  " WHERE enabled = 1 AND next_sync_at <= ?3"
			  " AND (lease_until IS NULL OR lease_until <= ?3)"
			  " ORDER BY next_sync_at LIMIT ?4)"
			  " RETURNING " CAL_COLS,
		e);

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, owner);
	db_bind_i64(s, 2, lease_until);
	db_bind_i64(s, 3, now);
	db_bind_i64(s, 4, (int64_t)max);
	return rows_read(tx->c, s, read_calendar, sizeof(**out), a, (void **)out, n,
			 "claim calendars", e);
}

/* FNV-1a over the intervals, as 16 hex digits: tells whether a fetch changed them. */
static void busy_hash(const struct interval *v, size_t n, char out[24])
{
	uint64_t h = HASH_FNV64_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		int64_t pair[2] = {v[i].start, v[i].end};
		h = hash_fnv64_add(h, pair, sizeof(pair));
	}
	snprintf(out, 24, "%016" PRIx64, h);
}

/* Stores busy time v[0..n) (ascending, merged) of calendar c as one row per UTC day, in
 * statements of up to DAYS_PER_INSERT rows (a JSON array of [day, "spans"] pairs). */
#define DAYS_PER_INSERT 500
static int busy_flush(struct store_tx *tx, const struct ext_calendar *c, struct stmt *s,
		      struct buf *rows, size_t *in_stmt, struct err *e)
{
	int rc;

	if (!*in_stmt)
		return 0;
	buf_adds(rows, "]");
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, c->provider_id);
	bind_text(s, 3, c->id);
	bind_text(s, 4, rows->ptr);
	rc = step_done(tx->c, s, "store calendar busy time", e);
	buf_reset(rows);
	*in_stmt = 0;
	return rc;
}

static int busy_store(struct store_tx *tx, const struct ext_calendar *c,
		      const struct interval *v, size_t n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		tx->c->kind == DB_PG
			? "INSERT INTO calendar_busy(tenant_id, provider_id, calendar_id, day, spans)"
			  " SELECT ?1, ?2, ?3, (p->>0)::bigint, p->>1"
			  " FROM jsonb_array_elements(?4::jsonb) p"
			: "INSERT INTO calendar_busy(tenant_id, provider_id, calendar_id, day, spans)"
			  " SELECT ?1, ?2, ?3, json_extract(value, '$[0]'),"
			  " json_extract(value, '$[1]') FROM json_each(?4)",
		e);
	struct buf rows;
	size_t i, in_stmt = 0;
	int64_t day = INT64_MIN;
	int rc = 0;

	if (!s)
		return -1;
	buf_init(&rows, 64 * 1024 * 1024);
	for (i = 0; i < n && rc == 0; i++) {
		int64_t t = v[i].start;
		while (t < v[i].end && rc == 0) {
			int64_t d = floor_div(t, 86400), end = v[i].end;
			if (end > (d + 1) * 86400)
				end = (d + 1) * 86400;
			if (d != day) {
				if (day != INT64_MIN) {
					buf_adds(&rows, "\"]");
					in_stmt++;
				}
				if (in_stmt >= DAYS_PER_INSERT)
					rc = busy_flush(tx, c, s, &rows, &in_stmt, e);
				buf_addf(&rows, "%s[%" PRId64 ",\"", in_stmt ? "," : "[", d);
				day = d;
			} else {
				buf_addc(&rows, ',');
			}
			buf_addf(&rows, "%" PRId64 "-%" PRId64, t - d * 86400, end - d * 86400);
			t = end;
		}
	}
	if (rc == 0 && day != INT64_MIN) {
		buf_adds(&rows, "\"]");
		in_stmt++;
		rc = busy_flush(tx, c, s, &rows, &in_stmt, e);
	}
	if (rc == 0 && rows.failed)
		rc = err_set(e, ERR_INTERNAL, "calendar busy time too large to store");
	buf_release(&rows);
	return rc;
}

int tx_calendar_synced(struct store_tx *tx, const char *owner, const struct ext_calendar *c,
		       const struct calendar_sync *r, bool *changed, struct err *e)
{
	char hash[24] = "";
	struct stmt *s;
	int rc;
	bool fresh = r->ok && !r->unchanged, differs = false;

	*changed = false;
	if (fresh) {
		busy_hash(r->busy, r->nbusy, hash);
		differs = strcmp(hash, c->busy_hash) != 0;
	}
	/* The owner check and the record are one statement: a lease taken away (a change of
	 * address) or taken over (by another process once it ran out) between a read and the
	 * write would otherwise be overwritten. A sync asked for while the fetch was in hand
	 * (next_sync_at moved past the one the fetch was leased at) stays due. */
	s = conn_prep(tx->c,
		      "UPDATE calendars SET lease_owner = NULL, lease_until = NULL,"
		      " last_attempt_at = ?3,"
		      " next_sync_at = CASE WHEN next_sync_at > ?14 THEN next_sync_at"
		      " ELSE ?3 + 60 * interval_min END,"
		      " last_synced_at = CASE WHEN ?4 = 1 THEN ?3 ELSE last_synced_at END,"
		      " last_error = ?5,"
		      " etag = CASE WHEN ?6 = 1 THEN ?7 ELSE etag END,"
		      " last_modified = CASE WHEN ?6 = 1 THEN ?8 ELSE last_modified END,"
		      " ctag = CASE WHEN ?6 = 1 THEN ?9 ELSE ctag END,"
		      " busy_hash = CASE WHEN ?6 = 1 THEN ?10 ELSE busy_hash END,"
		      " events = CASE WHEN ?6 = 1 THEN ?11 ELSE events END,"
		      " busy_count = CASE WHEN ?6 = 1 THEN ?12 ELSE busy_count END,"
		      " read_at = CASE WHEN ?6 = 1 THEN ?3 ELSE read_at END"
		      " WHERE tenant_id = ?1 AND id = ?2 AND lease_owner = ?13",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, c->id);
	db_bind_i64(s, 3, r->at);
	db_bind_i64(s, 4, r->ok);
	bind_opt_text(s, 5, r->ok ? "" : r->error);
	db_bind_i64(s, 6, fresh);
	bind_opt_text(s, 7, r->etag);
	bind_opt_text(s, 8, r->last_modified);
	bind_opt_text(s, 9, r->ctag);
	bind_opt_text(s, 10, hash);
	db_bind_i64(s, 11, r->events);
	db_bind_i64(s, 12, (int64_t)r->nbusy);
	bind_text(s, 13, owner);
	db_bind_i64(s, 14, r->due_at);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "record calendar fetch", e);
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_CONFLICT, "the fetch lease of calendar %s was lost", c->id);
	if (differs) {
		if (busy_clear(tx, c->id, e) || busy_store(tx, c, r->busy, r->nbusy, e))
			return -1;
		*changed = true;
	}
	return 0;
}

int tx_calendar_release(struct store_tx *tx, const char *id, const char *owner,
			struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "UPDATE calendars SET lease_owner = NULL, lease_until = NULL"
				   " WHERE tenant_id = ?1 AND id = ?2 AND lease_owner = ?3",
				   e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	bind_text(s, 3, owner);
	return step_done(tx->c, s, "release calendar lease", e);
}

int tx_calendar_due_now(struct store_tx *tx, const char *id, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				   "UPDATE calendars SET next_sync_at = ?3"
				   " WHERE tenant_id = ?1 AND id = ?2",
				   e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "make calendar due", e);
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "calendar %s not found", id);
	return 0;
}
