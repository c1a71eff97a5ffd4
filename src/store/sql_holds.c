/* Holds (short reservations of one start) and events. */
#include "store/sql_int.h"

#include <string.h>

#define HOLD_COLS                                                                              \
	"id, service_id, provider_id, start_utc, end_utc, block_start, block_end, owner,"      \
	" waitlist_id, expires_at, created_at, key_id"

static void read_hold(struct stmt *s, struct arena *a, void *dst)
{
	struct hold *h = dst;

	(void)a;
	memset(h, 0, sizeof(*h));
	col_text(s, 0, h->id, sizeof(h->id));
	col_text(s, 1, h->service_id, sizeof(h->service_id));
	col_text(s, 2, h->provider_id, sizeof(h->provider_id));
	h->start = db_col_i64(s, 3);
	h->end = db_col_i64(s, 4);
	h->block_start = db_col_i64(s, 5);
	h->block_end = db_col_i64(s, 6);
	col_text(s, 7, h->owner, sizeof(h->owner));
	col_text(s, 8, h->waitlist_id, sizeof(h->waitlist_id));
	h->expires_at = db_col_i64(s, 9);
	h->created_at = db_col_i64(s, 10);
	col_text(s, 11, h->key_id, sizeof(h->key_id));
}

int tx_hold_get(struct store_tx *tx, const char *id, struct hold *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " HOLD_COLS " FROM holds WHERE tenant_id = ?1 AND id = ?2",
				   id, "hold", e);

	if (!s)
		return -1;
	read_hold(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_hold_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM holds WHERE tenant_id = ?1 AND id = ?2", id, NULL, "hold",
			  e);
}

int tx_hold_insert(struct store_tx *tx, const struct hold *h, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO holds(tenant_id, " HOLD_COLS ") VALUES (?1, ?2, ?3,"
				    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, h->id);
	bind_text(s, 3, h->service_id);
	bind_text(s, 4, h->provider_id);
	db_bind_i64(s, 5, h->start);
	db_bind_i64(s, 6, h->end);
	db_bind_i64(s, 7, h->block_start);
	db_bind_i64(s, 8, h->block_end);
	bind_text(s, 9, h->owner);
	bind_opt_text(s, 10, h->waitlist_id);
	db_bind_i64(s, 11, h->expires_at);
	db_bind_i64(s, 12, h->created_at);
	bind_opt_text(s, 13, h->key_id);
	return step_done(tx->c, s, "insert hold", e);
}

int tx_hold_count(struct store_tx *tx, bool by_key, const char *who, int64_t now, int *count,
		  int64_t *first_expiry, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    by_key ? "SELECT count(*), min(expires_at) FROM holds"
					     " WHERE tenant_id = ?1 AND key_id = ?2 AND expires_at > ?3"
					     " AND waitlist_id IS NULL"
					   : "SELECT count(*), min(expires_at) FROM holds"
					     " WHERE tenant_id = ?1 AND owner = ?2 AND expires_at > ?3",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, who);
	db_bind_i64(s, 3, now);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*count = db_col_int(s, 0);
		*first_expiry = db_col_i64(s, 1);
	}
	db_reset(s);
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "count holds", e);
	return 0;
}

int tx_holds_of(struct store_tx *tx, const char *provider_id, const char *service_id,
		struct arena *a, struct hold **out, size_t *n, struct err *e)
{
	return rows_of(tx,
		       "SELECT " HOLD_COLS " FROM holds WHERE tenant_id = ?1"
		       " AND (?2 IS NULL OR provider_id = ?2)"
		       " AND (?3 IS NULL OR service_id = ?3) ORDER BY id",
		       provider_id, service_id, read_hold, sizeof(**out), a, (void **)out, n,
		       "read holds", e);
}

int tx_holds_expired(struct store_tx *tx, int64_t now, size_t max, struct arena *a,
		     struct hold **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " HOLD_COLS " FROM holds WHERE tenant_id = ?1"
				    " AND expires_at <= ?2 ORDER BY expires_at, id LIMIT ?3",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, now);
	db_bind_i64(s, 3, (int64_t)max);
	return rows_read(tx->c, s, read_hold, sizeof(**out), a, (void **)out, n,
			 "find expired holds", e);
}

/* --- events --- */

int tx_event_append(struct store_tx *tx, struct event_rec *ev, struct err *e)
{
	/* PostgreSQL: the event and the notification worker's queue row in one statement. */
	bool pg = tx->c->kind == DB_PG;
	struct stmt *s;
	int rc;

	if (tx->shared) {
		/* A write of one provider (store_begin_for): written at COMMIT, in commit order
		 * (its seq is not known before). */
		const char *v[9] = {
			ev->id, ev->type, ev->subject_id, actor_type_name(ev->actor.type), ev->actor.id,
			ev->actor.role >= 0 ? role_name((enum role)ev->actor.role) : NULL,
			*ev->request_id ? ev->request_id : NULL, ev->payload,
			ev->changes && *ev->changes ? ev->changes : NULL};
		ev->seq = 0;
		return pg_event_defer(tx, v, ev->created_at, e);
	}
	s = conn_prep(
		tx->c,
		pg ? "WITH ev AS (INSERT INTO events(tenant_id, " EVENT_COLS ") SELECT ?1,"
		     " coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		     " ?11 FROM events WHERE tenant_id = ?1 RETURNING seq)"
		     " INSERT INTO notify_queue(tenant_id, seq) SELECT ?1, seq FROM ev RETURNING seq"
		   : "INSERT INTO events(tenant_id, " EVENT_COLS ") SELECT ?1,"
		     " coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		     " ?11 FROM events WHERE tenant_id = ?1 RETURNING seq",
		e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, ev->id);
	bind_text(s, 3, ev->type);
	bind_text(s, 4, ev->subject_id);
	bind_text(s, 5, actor_type_name(ev->actor.type));
	bind_text(s, 6, ev->actor.id);
	bind_opt_text(s, 7, ev->actor.role >= 0 ? role_name((enum role)ev->actor.role) : NULL);
	bind_opt_text(s, 8, ev->request_id);
	bind_text(s, 9, ev->payload);
	bind_opt_text(s, 10, ev->changes);
	db_bind_i64(s, 11, ev->created_at);
	rc = db_step(s);
	if (rc == DB_ROW)
		ev->seq = db_col_i64(s, 0);
	/* Stepped to the end so the statement completes. */
	while (rc == DB_ROW)
		rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "add event", e);
	if (pg)
		return 0;
	/* The notification worker's queue row, committed with the event (src/notify). */
	s = conn_prep(tx->c, "INSERT INTO notify_queue(tenant_id, seq) VALUES (?1, ?2)", e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, ev->seq);
	return step_done(tx->c, s, "queue event", e);
}

void read_event(struct stmt *s, struct arena *a, struct event_rec *ev)
{
	const char *t;
	int i;

	memset(ev, 0, sizeof(*ev));
	ev->seq = db_col_i64(s, 0);
	col_text(s, 1, ev->id, sizeof(ev->id));
	col_text(s, 2, ev->type, sizeof(ev->type));
	col_text(s, 3, ev->subject_id, sizeof(ev->subject_id));
	t = db_col_text(s, 4);
	ev->actor.type = ACTOR_SYSTEM;
	for (i = 0; i < ACTOR__COUNT; i++)
		if (t && !strcmp(t, actor_type_name((enum actor_type)i)))
			ev->actor.type = (enum actor_type)i;
	col_text(s, 5, ev->actor.id, sizeof(ev->actor.id));
	ev->actor.role = -1;
	t = db_col_text(s, 6);
	if (t) {
		enum role r;
		if (role_parse(t, &r) == 0)
			ev->actor.role = (int)r;
	}
	col_text(s, 7, ev->request_id, sizeof(ev->request_id));
	ev->payload = col_str(s, 8, a);
	ev->changes = db_col_null(s, 9) ? NULL : col_str(s, 9, a);
	ev->created_at = db_col_i64(s, 10);
}

int tx_event_list(struct store_tx *tx, const struct event_filter *f, size_t limit,
		  struct arena *a, struct event_rec **out, size_t *n, struct err *e)
{
	bool prefix = f->type && *f->type && f->type[strlen(f->type) - 1] == '.';
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " EVENT_COLS " FROM events WHERE tenant_id = ?1 AND seq > ?2 AND seq <= ?10"
		" AND (?3 IS NULL OR type = ?3)"
		" AND (?4 IS NULL OR substr(type, 1, length(?4)) = ?4)"
		" AND (?5 IS NULL OR subject_id = ?5) AND (?6 IS NULL OR actor_id = ?6)"
		" AND created_at >= ?7 AND created_at < ?8 ORDER BY seq LIMIT ?9",
		e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	*out = arena_alloc(a, (limit + 1) * sizeof(**out));
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, f->after);
	bind_opt_text(s, 3, prefix ? NULL : f->type);
	bind_opt_text(s, 4, prefix ? f->type : NULL);
	bind_opt_text(s, 5, f->subject_id);
	bind_opt_text(s, 6, f->actor_id);
	db_bind_i64(s, 7, f->from);
	db_bind_i64(s, 8, f->to);
	db_bind_i64(s, 9, (int64_t)limit);
	db_bind_i64(s, 10, f->until);
	while ((rc = db_step(s)) == DB_ROW)
		read_event(s, a, &(*out)[(*n)++]);
	db_reset(s);
	return rc == DB_DONE ? 0 : sql_fail(tx->c, rc, "list events", e);
}

int tx_event_last(struct store_tx *tx, int64_t *seq, struct err *e)
{
	return tenant_i64(tx, "SELECT coalesce(max(seq), 0) FROM events WHERE tenant_id = ?1", seq,
			  "read the last event", e);
}

/* Runs one of the purge's statements (?1 the tenant, ?2 the last seq purged). */
static int purge_upto(struct store_tx *tx, const char *sql, int64_t upto, const char *what,
		      struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, upto);
	return step_done(tx->c, s, what, e);
}

int tx_event_purge(struct store_tx *tx, int64_t before, size_t max, size_t *n, struct err *e)
{
	/* Events are in seq order, which is creation order but for requests that commit out
	 * of step: the oldest run from the start, and the scan stops at the first newer one. */
	struct stmt *s = conn_prep(tx->c,
				    "SELECT seq, created_at FROM events WHERE tenant_id = ?1"
				    " AND seq < (SELECT max(seq) FROM events WHERE tenant_id = ?1)"
				    " ORDER BY seq LIMIT ?2",
				    e);
	int64_t upto = 0;
	int rc;

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, (int64_t)max);
	while ((rc = db_step(s)) == DB_ROW && db_col_i64(s, 1) < before) {
		upto = db_col_i64(s, 0);
		(*n)++;
	}
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(tx->c, rc, "find old events", e);
	if (!*n)
		return 0;
	/* Their deliveries and attempts go with them (nothing can be sent or replayed without
	 * the event), else the delivery log would grow for ever. */
	if (purge_upto(tx,
		       "DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries"
		       " WHERE tenant_id = ?1 AND event_id IN (SELECT id FROM events"
		       " WHERE tenant_id = ?1 AND seq <= ?2))",
		       upto, "purge delivery attempts", e) ||
	    purge_upto(tx,
		       "DELETE FROM deliveries WHERE tenant_id = ?1 AND event_id IN (SELECT id"
		       " FROM events WHERE tenant_id = ?1 AND seq <= ?2)",
		       upto, "purge deliveries", e))
		return -1;
	return purge_upto(tx, "DELETE FROM events WHERE tenant_id = ?1 AND seq <= ?2", upto,
			  "purge events", e);
}

int tx_tenant_ids(struct store_tx *tx, const char *after, size_t max, struct arena *a,
		  id_t_ **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "SELECT id FROM tenants WHERE id > ?1 ORDER BY id LIMIT ?2",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, after);
	db_bind_i64(s, 2, (int64_t)max);
	return rows_read(tx->c, s, read_id_row, sizeof(**out), a, (void **)out, n, "list tenants",
			 e);
}
