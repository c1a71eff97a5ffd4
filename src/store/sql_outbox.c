/* The notification worker's side of the store (src/notify): the queue written with every
 * event, fan-out into deliveries, leases on due deliveries, their attempts, and the outcome
 * on the endpoint. Claims lock rows with FOR UPDATE SKIP LOCKED on PostgreSQL, so processes
 * sharing one database pass over each other's rows; SQLite has one writer, which is enough. */
#include "store/sql_int.h"

#include <string.h>

#include "util/buf.h"

/* --- the queue --- */

static void read_queued(struct stmt *s, struct arena *a, void *dst)
{
	struct queued_event *q = dst;

	(void)a;
	q->id = db_col_i64(s, 0);
	col_text(s, 1, q->tenant_id, sizeof(q->tenant_id));
	q->seq = db_col_i64(s, 2);
}

int tx_queue_claim(struct store_tx *tx, size_t max, struct arena *a, struct queued_event **out,
		   size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    tx->c->kind == DB_PG
					    ? "SELECT id, tenant_id, seq FROM notify_queue ORDER BY id"
					      " LIMIT ?1 FOR UPDATE SKIP LOCKED"
					    : "SELECT id, tenant_id, seq FROM notify_queue ORDER BY id"
					      " LIMIT ?1",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	db_bind_i64(s, 1, (int64_t)max);
	return rows_read(tx->c, s, read_queued, sizeof(**out), a, (void **)out, n,
			 "claim queued events", e);
}

int tx_queue_done(struct store_tx *tx, const struct queued_event *q, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "DELETE FROM notify_queue WHERE id = ?1", e);

	if (!s)
		return -1;
	db_bind_i64(s, 1, q->id);
	return step_done(tx->c, s, "remove queued event", e);
}

int tx_event_at(struct store_tx *tx, const char *tenant, int64_t seq, struct arena *a,
		struct event_rec *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " EVENT_COLS " FROM events WHERE tenant_id = ?1"
				    " AND seq = ?2",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	db_bind_i64(s, 2, seq);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_event(s, a, out);
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "event %lld of tenant %s not found",
			       (long long)seq, tenant);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "read event", e);
}

int tx_notify_backlog(struct store_tx *tx, int64_t now, int64_t *count, int64_t *oldest,
		      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT (SELECT count(*) FROM notify_queue),"
				    " count(*), min(next_attempt_at) FROM deliveries"
				    " WHERE status = 'pending' AND next_attempt_at <= ?1",
				    e);
	int rc;

	if (!s)
		return -1;
	db_bind_i64(s, 1, now);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*count = db_col_i64(s, 0) + db_col_i64(s, 1);
		*oldest = col_opt_i64(s, 2);
	}
	db_reset(s);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "count the notification backlog", e);
}

/* --- deliveries --- */

int tx_delivery_insert(struct store_tx *tx, const struct delivery *d, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO deliveries(" DELIVERY_COLS ") VALUES (?1, ?2, ?3, ?4,"
				    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, d->id);
	bind_text(s, 2, *d->tenant_id ? d->tenant_id : tx->tenant);
	db_bind_i64(s, 3, d->event_seq);
	bind_text(s, 4, d->event_id);
	bind_text(s, 5, d->event_type);
	bind_text(s, 6, delivery_channel_name(d->channel));
	bind_opt_text(s, 7, d->endpoint_id);
	bind_opt_text(s, 8, d->recipient);
	bind_opt_text(s, 9, d->recipient_role);
	bind_text(s, 10, delivery_status_name(d->status));
	db_bind_i64(s, 11, d->attempts);
	db_bind_i64(s, 12, d->next_attempt_at);
	bind_opt_i64(s, 13, d->last_status);
	bind_opt_text(s, 14, d->last_error);
	db_bind_i64(s, 15, d->created_at);
	db_bind_i64(s, 16, d->updated_at);
	return step_done(tx->c, s, "insert delivery", e);
}

/* The endpoints not to claim for, as one text ",id,id,…," that a row's endpoint is looked
 * up in with LIKE (ids hold no wildcard but the '_' after their prefix, which every id of
 * that prefix has at that place); an empty entry stands for the e-mail deliveries. */
static void skip_text(const id_t_ *skip, size_t nskip, struct buf *b)
{
	size_t i;

	buf_addc(b, ',');
	for (i = 0; i < nskip; i++) {
		buf_adds(b, skip[i]);
		buf_addc(b, ',');
	}
}

int tx_delivery_claim(struct store_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		      size_t max, const id_t_ *skip, size_t nskip, struct arena *a,
		      struct delivery **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		tx->c->kind == DB_PG
			? "UPDATE deliveries SET lease_owner = ?1, lease_until = ?2 WHERE id IN ("
			  " SELECT id FROM deliveries WHERE status = 'pending'"
			  " AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)"
			  " AND ?5 NOT LIKE ('%,' || coalesce(endpoint_id, '') || ',%')"
			  " ORDER BY next_attempt_at LIMIT ?4 FOR UPDATE SKIP LOCKED)"
			  " RETURNING " DELIVERY_COLS
			: "UPDATE deliveries SET lease_owner = ?1, lease_until = ?2 WHERE id IN ("
			  " SELECT id FROM deliveries WHERE status = 'pending'"
			  " AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)"
			  " AND ?5 NOT LIKE ('%,' || coalesce(endpoint_id, '') || ',%')"
			  " ORDER BY next_attempt_at LIMIT ?4)"
			  " RETURNING " DELIVERY_COLS,
		e);
	struct buf skipped;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	buf_init(&skipped, 64 * 1024);
	if (nskip)
		skip_text(skip, nskip, &skipped);
	bind_text(s, 1, owner);
	db_bind_i64(s, 2, lease_until);
	db_bind_i64(s, 3, now);
	db_bind_i64(s, 4, (int64_t)max);
	bind_text(s, 5, skipped.ptr ? skipped.ptr : "");
	rc = rows_read(tx->c, s, read_delivery_row, sizeof(**out), a, (void **)out, n,
		       "claim deliveries", e);
	buf_release(&skipped);
	return rc;
}

static int attempt_insert(struct store_tx *tx, const struct delivery *d,
			  const struct delivery_attempt *at, struct err *e)
{
	/* An attempt made twice (a lease lost mid-record) keeps its first row. */
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO delivery_attempts(delivery_id, attempt, tenant_id,"
				    " started_at, duration_ms, status_code, response, error)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, d->id);
	db_bind_i64(s, 2, at->attempt);
	bind_text(s, 3, d->tenant_id);
	db_bind_i64(s, 4, at->started_at);
	db_bind_i64(s, 5, at->duration_ms);
	bind_opt_i64(s, 6, at->status_code);
	bind_opt_text(s, 7, at->response);
	bind_opt_text(s, 8, at->error);
	return step_done(tx->c, s, "record delivery attempt", e);
}

int tx_delivery_record(struct store_tx *tx, const char *owner, const struct delivery *d,
		       const struct delivery_attempt *a, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE deliveries SET status = ?3, attempts = ?4,"
				    " next_attempt_at = ?5, last_status = ?6, last_error = ?7,"
				    " updated_at = ?8, lease_owner = NULL, lease_until = NULL"
				    " WHERE id = ?1 AND lease_owner = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, d->id);
	bind_text(s, 2, owner);
	bind_text(s, 3, delivery_status_name(d->status));
	db_bind_i64(s, 4, d->attempts);
	db_bind_i64(s, 5, d->next_attempt_at);
	bind_opt_i64(s, 6, d->last_status);
	bind_opt_text(s, 7, d->last_error);
	db_bind_i64(s, 8, d->updated_at);
	if (step_done(tx->c, s, "record delivery", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_CONFLICT, "delivery %s is no longer leased to this worker",
			       d->id);
	return a ? attempt_insert(tx, d, a, e) : 0;
}

int tx_delivery_defer(struct store_tx *tx, const char *tenant, const char *endpoint_id,
		      int64_t until, const char *keep, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE deliveries SET next_attempt_at = ?3 WHERE tenant_id = ?1"
				    " AND endpoint_id = ?2 AND status = 'pending'"
				    " AND next_attempt_at < ?3 AND id <> ?4",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, endpoint_id);
	db_bind_i64(s, 3, until);
	bind_text(s, 4, keep ? keep : "");
	return step_done(tx->c, s, "defer deliveries", e);
}

/* --- endpoints, as the worker sees them --- */

int tx_endpoints_enabled(struct store_tx *tx, struct arena *a, struct webhook_endpoint **out,
			 size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " ENDPOINT_COLS " FROM webhook_endpoints"
				    " WHERE tenant_id = ?1 AND enabled = 1 ORDER BY id",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	return rows_read(tx->c, s, read_endpoint_row, sizeof(**out), a, (void **)out, n,
			 "list enabled webhook endpoints", e);
}

int tx_endpoint_outcome(struct store_tx *tx, const char *id, bool ok, int64_t at,
			struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    ok ? "UPDATE webhook_endpoints SET failing_since = NULL"
					 " WHERE tenant_id = ?1 AND id = ?2"
					 " AND failing_since IS NOT NULL"
				       : "UPDATE webhook_endpoints SET failing_since = ?3"
					 " WHERE tenant_id = ?1 AND id = ?2"
					 " AND failing_since IS NULL",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	if (!ok)
		db_bind_i64(s, 3, at);
	return step_done(tx->c, s, "record endpoint outcome", e);
}

int tx_endpoint_disable(struct store_tx *tx, const char *id, const char *reason, int64_t at,
			struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?3,"
				    " updated_at = ?4, version = version + 1"
				    " WHERE tenant_id = ?1 AND id = ?2 AND enabled = 1",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	bind_text(s, 3, reason);
	db_bind_i64(s, 4, at);
	if (step_done(tx->c, s, "disable webhook endpoint", e))
		return -1;
	return db_changes(tx->c) > 0 ? 1 : 0;
}
