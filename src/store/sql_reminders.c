/* Reminders: planned with their booking, claimed when due, marked sent once. The sent mark is
 * a conditional UPDATE (sent_at IS NULL), so of two processes that claimed the same row only
 * one marks it (and writes its event); the claim itself locks with FOR UPDATE SKIP LOCKED on
 * PostgreSQL so concurrent claims mostly pass over each other's rows. */
#include "store/sql_int.h"

#include <string.h>

/* Removes the booking's reminders: every one (sent too), or only the unsent. */
static int reminders_delete(struct store_tx *tx, const char *booking_id, bool sent_too,
			    struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    sent_too ? "DELETE FROM reminders WHERE tenant_id = ?1"
					       " AND booking_id = ?2"
					     : "DELETE FROM reminders WHERE tenant_id = ?1"
					       " AND booking_id = ?2 AND sent_at IS NULL",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	return step_done(tx->c, s, "drop reminders", e);
}

int tx_reminders_plan(struct store_tx *tx, const char *booking_id, int64_t start,
		      const int *offsets, size_t noffsets, int64_t now, struct err *e)
{
	struct stmt *s;
	size_t i;

	if (reminders_delete(tx, booking_id, true, e))
		return -1;
	for (i = 0; i < noffsets; i++) {
		int64_t due = reminder_due(start, offsets[i]);
		if (due <= now)
			continue;
		s = conn_prep(tx->c,
			      "INSERT INTO reminders(tenant_id, booking_id, offset_minutes, due_at)"
			      " VALUES (?1, ?2, ?3, ?4)",
			      e);
		if (!s)
			return -1;
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, booking_id);
		db_bind_i64(s, 3, offsets[i]);
		db_bind_i64(s, 4, due);
		if (step_done(tx->c, s, "plan reminder", e))
			return -1;
	}
	return 0;
}

int tx_reminders_drop(struct store_tx *tx, const char *booking_id, struct err *e)
{
	return reminders_delete(tx, booking_id, false, e);
}

int tx_reminder_cancel(struct store_tx *tx, const char *booking_id, int offset_minutes,
		       struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "DELETE FROM reminders WHERE tenant_id = ?1 AND booking_id = ?2"
				    " AND offset_minutes = ?3 AND sent_at IS NULL",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	db_bind_i64(s, 3, offset_minutes);
	return step_done(tx->c, s, "drop reminder", e);
}

/* A reminder with its sent time (0 while unsent), for tx_reminders_of. */
struct reminder_row {
	struct reminder r;
	int64_t sent_at;
};

static void read_reminder(struct stmt *s, struct arena *a, void *dst)
{
	struct reminder_row *row = dst;

	(void)a;
	memset(row, 0, sizeof(*row));
	col_text(s, 0, row->r.tenant_id, sizeof(row->r.tenant_id));
	col_text(s, 1, row->r.booking_id, sizeof(row->r.booking_id));
	row->r.offset_minutes = db_col_int(s, 2);
	row->r.due_at = db_col_i64(s, 3);
	row->sent_at = col_opt_i64(s, 4);
}

/* Steps s (bound) into the reminders *out and, when sent_at is not NULL, their sent times
 * (0 = unsent), *n of them. */
static int reminders_read(struct store_tx *tx, struct stmt *s, const char *what,
			  struct arena *a, struct reminder **out, int64_t **sent_at, size_t *n,
			  struct err *e)
{
	struct reminder_row *rows = NULL;
	size_t i;

	*out = NULL;
	if (rows_read(tx->c, s, read_reminder, sizeof(*rows), a, (void **)&rows, n, what, e))
		return -1;
	*out = arena_alloc(a, (*n + 1) * sizeof(**out));
	if (sent_at)
		*sent_at = arena_alloc(a, (*n + 1) * sizeof(**sent_at));
	for (i = 0; i < *n; i++) {
		(*out)[i] = rows[i].r;
		if (sent_at)
			(*sent_at)[i] = rows[i].sent_at;
	}
	return 0;
}

int tx_reminders_of(struct store_tx *tx, const char *booking_id, struct arena *a,
		    struct reminder **out, int64_t **sent_at, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT tenant_id, booking_id, offset_minutes, due_at, sent_at"
				    " FROM reminders WHERE tenant_id = ?1 AND booking_id = ?2"
				    " ORDER BY offset_minutes DESC",
				    e);

	*n = 0;
	*out = NULL;
	*sent_at = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	return reminders_read(tx, s, "read reminders", a, out, sent_at, n, e);
}

int tx_reminders_due(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		     struct reminder **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    tx->c->kind == DB_PG
					    ? "SELECT tenant_id, booking_id, offset_minutes, due_at,"
					      " sent_at FROM reminders WHERE sent_at IS NULL"
					      " AND due_at <= ?1 ORDER BY due_at LIMIT ?2"
					      " FOR UPDATE SKIP LOCKED"
					    : "SELECT tenant_id, booking_id, offset_minutes, due_at,"
					      " sent_at FROM reminders WHERE sent_at IS NULL"
					      " AND due_at <= ?1 ORDER BY due_at LIMIT ?2",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	db_bind_i64(s, 1, now);
	db_bind_i64(s, 2, (int64_t)max);
	return reminders_read(tx, s, "find due reminders", a, out, NULL, n, e);
}

int tx_reminder_sent(struct store_tx *tx, const char *booking_id, int offset_minutes,
		     int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE reminders SET sent_at = ?4 WHERE tenant_id = ?1"
				    " AND booking_id = ?2 AND offset_minutes = ?3"
				    " AND sent_at IS NULL",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	db_bind_i64(s, 3, offset_minutes);
	db_bind_i64(s, 4, now);
	if (step_done(tx->c, s, "mark reminder sent", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_CONFLICT, "reminder %d min before booking %s was already sent",
			       offset_minutes, booking_id);
	return 0;
}

static void read_offsets(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	reminder_offsets_decode(db_col_text(s, 0), dst);
}

int tx_reminder_defaults_get(struct store_tx *tx, struct reminder_offsets *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return tenant_row_read(tx, "SELECT reminder_offsets FROM tenant_policy WHERE tenant_id = ?1",
			       read_offsets, out, "read reminder offsets", e) < 0
		       ? -1
		       : 0;
}

int tx_reminder_defaults_put(struct store_tx *tx, const struct reminder_offsets *o, int64_t now,
			     struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO tenant_policy(tenant_id, policy, updated_at,"
				    " reminder_offsets) VALUES (?1, '', ?3, ?2)"
				    " ON CONFLICT(tenant_id) DO UPDATE SET reminder_offsets = ?2,"
				    " updated_at = ?3",
				    e);
	char text[REMINDER_TEXT_MAX];

	if (!s)
		return -1;
	reminder_offsets_encode(o, text);
	bind_text(s, 1, tx->tenant);
	bind_opt_text(s, 2, text);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "store reminder offsets", e);
}

int tx_reminder_offsets_for(struct store_tx *tx, const char *service_id,
			    struct reminder_offsets *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT (SELECT reminder_offsets FROM services WHERE tenant_id = ?1"
				    " AND id = ?2), (SELECT reminder_offsets FROM tenant_policy"
				    " WHERE tenant_id = ?1)",
				    e);
	struct reminder_offsets svc, tenant;
	int rc;

	memset(&svc, 0, sizeof(svc));
	memset(&tenant, 0, sizeof(tenant));
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		reminder_offsets_decode(db_col_text(s, 0), &svc);
		reminder_offsets_decode(db_col_text(s, 1), &tenant);
	}
	db_reset(s);
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "read reminder offsets", e);
	*out = *reminder_offsets_resolve(&svc, &tenant);
	return 0;
}
