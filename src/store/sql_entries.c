/* Schedule entries (series, assignees, exdates, overrides) and the calendar read. A series
 * is written whole: an update deletes the row (its children cascade) and inserts the new
 * state in the same transaction. */
#include "store/sql_int.h"

#include <string.h>

#include "store/store_calendars.h"
#include "store/store_entries.h"

static int insert_assignees(struct conn *c, const char *tenant, const char *entry_id,
			    const struct entry_fields *f, const int64_t *original,
			    int64_t start, int64_t end, struct err *e)
{
	size_t i;

	for (i = 0; i < f->nassignees; i++) {
		struct stmt *s =
			original
				? conn_prep(c,
					    "INSERT INTO entry_override_assignees(tenant_id, entry_id,"
					    " original_start, provider_id, start_utc, end_utc)"
					    " VALUES (?1, ?2, ?4, ?3, ?5, ?6)",
					    e)
				: conn_prep(c,
					    "INSERT INTO entry_assignees(tenant_id, entry_id,"
					    " provider_id) VALUES (?1, ?2, ?3)",
					    e);
		if (!s)
			return -1;
		bind_text(s, 1, tenant);
		bind_text(s, 2, entry_id);
		bind_text(s, 3, f->assignee_ids[i]);
		if (original) {
			db_bind_i64(s, 4, *original);
			db_bind_i64(s, 5, start);
			db_bind_i64(s, 6, end);
		}
		if (step_done(c, s, "assign entry", e))
			return -1;
	}
	return 0;
}

static int check_assignees(struct store_tx *tx, const struct entry *en, struct err *e)
{
	size_t i;

	if (tx_providers_exist(tx, (const id_t_ *)en->f.assignee_ids, en->f.nassignees,
			       "/assignee_ids", e))
		return -1;
	for (i = 0; i < en->noverrides; i++)
		if (tx_providers_exist(tx, (const id_t_ *)en->overrides[i].f.assignee_ids,
				       en->overrides[i].f.nassignees, "/assignee_ids", e))
			return -1;
	return 0;
}

int tx_entry_insert(struct store_tx *tx, const struct entry *en, int64_t span_end,
		    struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s;
	size_t i;

	if (check_assignees(tx, en, e))
		return -1;
	s = conn_prep(c,
		      "INSERT INTO entries(tenant_id, id, title, start_utc, end_utc, timezone, status,"
		      " notes, work_type, work_id, rrule, rule_start, rule_last, span_end, version,"
		      " created_at, updated_at)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		      " ?16, ?17)",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, en->id);
	bind_text(s, 3, en->f.title);
	db_bind_i64(s, 4, en->start);
	db_bind_i64(s, 5, en->end);
	bind_text(s, 6, en->timezone);
	bind_text(s, 7, entry_status_name(en->f.status));
	bind_opt_text(s, 8, en->f.notes);
	bind_opt_text(s, 9, en->work_type);
	bind_opt_text(s, 10, en->work_id);
	if (en->recurring) {
		bind_text(s, 11, en->rule.text);
		db_bind_i64(s, 12, en->rule.dtstart);
		if (en->rule.last != RECUR_OPEN)
			db_bind_i64(s, 13, en->rule.last);
	}
	if (span_end != INT64_MAX)
		db_bind_i64(s, 14, span_end);
	db_bind_i64(s, 15, en->version);
	db_bind_i64(s, 16, en->created_at);
	db_bind_i64(s, 17, en->updated_at);
	if (step_done(c, s, "create entry", e) ||
	    insert_assignees(c, tenant, en->id, &en->f, NULL, 0, 0, e))
		return -1;
	for (i = 0; i < en->nexdates; i++) {
		s = conn_prep(c,
			      "INSERT INTO entry_exdates(tenant_id, entry_id, original_start)"
			      " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			      e);
		if (!s)
			return -1;
		bind_text(s, 1, tenant);
		bind_text(s, 2, en->id);
		db_bind_i64(s, 3, en->exdates[i]);
		if (step_done(c, s, "exclude occurrence", e))
			return -1;
	}
	for (i = 0; i < en->noverrides; i++) {
		const struct entry_override *o = &en->overrides[i];
		s = conn_prep(c,
			      "INSERT INTO entry_overrides(tenant_id, entry_id, original_start,"
			      " start_utc, end_utc, title, status, notes)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			      e);
		if (!s)
			return -1;
		bind_text(s, 1, tenant);
		bind_text(s, 2, en->id);
		db_bind_i64(s, 3, o->original_start);
		db_bind_i64(s, 4, o->start);
		db_bind_i64(s, 5, o->end);
		bind_text(s, 6, o->f.title);
		bind_text(s, 7, entry_status_name(o->f.status));
		bind_opt_text(s, 8, o->f.notes);
		if (step_done(c, s, "override occurrence", e) ||
		    insert_assignees(c, tenant, en->id, &o->f, &o->original_start, o->start, o->end,
				     e))
			return -1;
	}
	return 0;
}

/* Reads provider ids of one series (original NULL) or override into f, from the arena. */
static int read_assignees(struct store_tx *tx, const char *entry_id, const int64_t *original,
			  struct arena *a, struct entry_fields *f, struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s =
		original ? conn_prep(c,
				     "SELECT provider_id FROM entry_override_assignees WHERE"
				     " tenant_id = ?1 AND entry_id = ?2 AND original_start = ?3"
				     " ORDER BY provider_id",
				     e)
			 : conn_prep(c,
				     "SELECT provider_id FROM entry_assignees WHERE tenant_id = ?1"
				     " AND entry_id = ?2 ORDER BY provider_id",
				     e);
	int rc;

	f->nassignees = 0;
	if (!s)
		return -1;
	f->assignee_ids = arena_alloc(a, ENTRY_MAX_ASSIGNEES * sizeof(*f->assignee_ids));
	bind_text(s, 1, tenant);
	bind_text(s, 2, entry_id);
	if (original)
		db_bind_i64(s, 3, *original);
	while ((rc = db_step(s)) == DB_ROW && f->nassignees < ENTRY_MAX_ASSIGNEES)
		col_text(s, 0, f->assignee_ids[f->nassignees++], ID_MAX);
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(c, rc, "read assignees", e);
	return 0;
}

static void col_status(struct stmt *s, int i, enum entry_status *out)
{
	const char *v = db_col_text(s, i);

	if (!v || entry_status_parse(v, out))
		*out = ENTRY_SCHEDULED;
}

static int read_children(struct store_tx *tx, struct entry *en, struct arena *a, struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s;
	size_t cap = 0, i;
	int rc;

	if (read_assignees(tx, en->id, NULL, a, &en->f, e))
		return -1;
	en->nexdates = en->noverrides = 0;
	en->exdates = NULL;
	en->overrides = NULL;
	if (!en->recurring)
		return 0;
	s = conn_prep(c,
		      "SELECT original_start FROM entry_exdates WHERE tenant_id = ?1"
		      " AND entry_id = ?2 ORDER BY original_start",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, en->id);
	while ((rc = db_step(s)) == DB_ROW) {
		en->exdates = grow_rows(a, en->exdates, en->nexdates, &cap, sizeof(*en->exdates));
		en->exdates[en->nexdates++] = db_col_i64(s, 0);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read exdates", e);
	cap = 0;
	s = conn_prep(c,
		      "SELECT original_start, start_utc, end_utc, title, status, notes"
		      " FROM entry_overrides WHERE tenant_id = ?1 AND entry_id = ?2"
		      " ORDER BY original_start",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, en->id);
	while ((rc = db_step(s)) == DB_ROW) {
		struct entry_override *o;
		en->overrides = grow_rows(a, en->overrides, en->noverrides, &cap,
					  sizeof(*en->overrides));
		o = &en->overrides[en->noverrides++];
		memset(o, 0, sizeof(*o));
		o->original_start = db_col_i64(s, 0);
		o->start = db_col_i64(s, 1);
		o->end = db_col_i64(s, 2);
		col_text(s, 3, o->f.title, sizeof(o->f.title));
		col_status(s, 4, &o->f.status);
		col_text(s, 5, o->f.notes, sizeof(o->f.notes));
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read overrides", e);
	for (i = 0; i < en->noverrides; i++)
		if (read_assignees(tx, en->id, &en->overrides[i].original_start, a,
				   &en->overrides[i].f, e))
			return -1;
	return 0;
}

#define ENTRY_COLUMNS                                                                        \
	"id, title, start_utc, end_utc, timezone, status, notes, work_type, work_id, rrule,"  \
	" rule_start, rule_last, version, created_at, updated_at"

static void read_row(struct stmt *s, struct entry *en)
{
	memset(en, 0, sizeof(*en));
	col_text(s, 0, en->id, sizeof(en->id));
	col_text(s, 1, en->f.title, sizeof(en->f.title));
	en->start = db_col_i64(s, 2);
	en->end = db_col_i64(s, 3);
	col_text(s, 4, en->timezone, sizeof(en->timezone));
	col_status(s, 5, &en->f.status);
	col_text(s, 6, en->f.notes, sizeof(en->f.notes));
	col_text(s, 7, en->work_type, sizeof(en->work_type));
	col_text(s, 8, en->work_id, sizeof(en->work_id));
	if (!db_col_null(s, 9)) {
		en->recurring = true;
		col_text(s, 9, en->rule.text, sizeof(en->rule.text));
		en->rule.dtstart = db_col_i64(s, 10);
		en->rule.last = db_col_null(s, 11)
					? RECUR_OPEN
					: db_col_i64(s, 11);
	}
	en->version = db_col_int(s, 12);
	en->created_at = db_col_i64(s, 13);
	en->updated_at = db_col_i64(s, 14);
}

int tx_entry_get(struct store_tx *tx, const char *id, struct arena *a, struct entry *out,
		 struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " ENTRY_COLUMNS " FROM entries WHERE tenant_id = ?1 AND id = ?2",
				   id, "entry", e);

	if (!s)
		return -1;
	read_row(s, out);
	db_reset(s);
	return read_children(tx, out, a, e);
}

/* Loads every series named by the rows of s (column 0: id), in row order. */
static int load_listed(struct store_tx *tx, struct stmt *s, struct arena *a, struct entry **out,
		       size_t *n, struct err *e)
{
	id_t_ *ids;
	size_t nids, i;

	if (rows_read(tx->c, s, read_id_row, sizeof(*ids), a, (void **)&ids, &nids,
		      "list entries", e))
		return -1;
	/* Exactly the room needed (an availability cache entry keeps this memory): an entry is
	 * 1.8 KB, and most providers have none. */
	*out = arena_alloc(a, nids * sizeof(**out));
	for (i = 0; i < nids; i++)
		if (tx_entry_get(tx, ids[i], a, &(*out)[i], e))
			return -1;
	*n = nids;
	return 0;
}

int tx_entry_list(struct store_tx *tx, const char *assignee_id, const char *scope_key,
		  struct page pg, struct arena *a, struct entry **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT id FROM entries e WHERE tenant_id = ?1 AND id > ?2"
		" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM entry_assignees x"
		"  WHERE x.tenant_id = ?1 AND x.entry_id = e.id AND x.provider_id = ?4))"
		" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM (SELECT provider_id FROM entry_assignees"
		"  WHERE tenant_id = ?1 AND entry_id = e.id UNION ALL SELECT provider_id"
		"  FROM entry_override_assignees WHERE tenant_id = ?1 AND entry_id = e.id) x"
		"  JOIN (SELECT provider_id FROM api_key_providers WHERE tenant_id = ?1"
		"  AND key_id = ?5 UNION ALL SELECT provider_id FROM users WHERE tenant_id = ?1"
		"  AND id = ?5) k ON k.provider_id = x.provider_id))"
		" ORDER BY id LIMIT ?3",
		e);

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	db_bind_i64(s, 3, (int64_t)pg.limit);
	bind_opt_text(s, 4, assignee_id);
	bind_opt_text(s, 5, scope_key);
	return load_listed(tx, s, a, out, n, e);
}

int entries_read_for(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct entry **out, size_t *n, struct err *e)
{
	const char *tenant = tx->tenant;
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT e.id FROM entries e JOIN entry_assignees x ON x.tenant_id = e.tenant_id"
		" AND x.entry_id = e.id WHERE x.tenant_id = ?1 AND x.provider_id = ?2"
		" AND e.start_utc < ?4 AND (e.span_end IS NULL OR e.span_end > ?3)"
		" UNION SELECT entry_id FROM entry_override_assignees WHERE tenant_id = ?1"
		" AND provider_id = ?2 AND start_utc < ?4 AND end_utc > ?3"
		" AND start_utc > ?5 ORDER BY 1",
		e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - ENTRY_MAX_SECONDS - 1);
	return load_listed(tx, s, a, out, n, e);
}

int tx_entry_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM entries WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "entry", e);
}

/* --- the calendar --- */

int tx_calendar(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		int64_t from_day, int64_t to_day, struct arena *a, struct calendar_src *out,
		struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (tx_provider_get(tx, provider_id, &out->provider, e) ||
	    bookings_overlapping(tx, provider_id, from, to, a, &out->bookings, &out->nbookings,
				 e) ||
	    entries_read_for(tx, provider_id, from, to, a, &out->entries, &out->nentries, e) ||
	    tx_time_off_list(tx, provider_id, from, to, a, &out->time_off, &out->ntime_off, e) ||
	    tx_override_list(tx, provider_id, from_day, to_day, a, &out->overrides,
			     &out->noverrides, e) ||
	    holiday_recs_for(tx, provider_id, from_day, to_day, a, &out->holidays,
			     &out->nholidays, e) ||
	    tx_external_busy(tx, provider_id, from, to, a, &out->external, &out->nexternal, e))
		return -1;
	return 0;
}
