/* SQLite backend: holds (short reservations of one start) and the outbox. */
#include "store/sql_int.h"

#include <string.h>

#define HOLD_COLS                                                                              \
	"id, service_id, provider_id, start_utc, end_utc, block_start, block_end, owner,"      \
	" waitlist_id, expires_at, created_at, key_id"

static void read_hold(struct stmt *s, struct hold *h)
{
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

int hold_read(struct conn *c, const char *tenant, const char *id, struct hold *out,
	      struct err *e)
{
	struct stmt *s = row_by_id(c, "SELECT " HOLD_COLS " FROM holds WHERE tenant_id = ?1 AND id = ?2",
				    tenant, id, "hold", e);

	if (!s)
		return -1;
	read_hold(s, out);
	db_reset(s);
	return 0;
}

int hold_delete_row(struct conn *c, const char *tenant, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(c, "DELETE FROM holds WHERE tenant_id = ?1 AND id = ?2", e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	return step_done(c, s, "delete hold", e);
}

int hold_insert(struct conn *c, const char *tenant, const struct hold *h, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "INSERT INTO holds(tenant_id, " HOLD_COLS ") VALUES (?1, ?2, ?3,"
				    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
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
	return step_done(c, s, "insert hold", e);
}

int hold_consume(struct conn *c, const char *tenant, const struct hold *h,
		 const char *booking_id, int64_t now, struct err *e)
{
	struct stmt *s;

	if (hold_delete_row(c, tenant, h->id, e))
		return -1;
	if (!*h->waitlist_id)
		return 0;
	s = conn_prep(c,
		      "UPDATE waitlist SET status = 'booked', booking_id = ?3, updated_at = ?4"
		      " WHERE tenant_id = ?1 AND id = ?2 AND hold_id = ?5",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, h->waitlist_id);
	bind_text(s, 3, booking_id);
	db_bind_i64(s, 4, now);
	bind_text(s, 5, h->id);
	return step_done(c, s, "mark waitlist entry booked", e);
}

/* Live holds of an owner (by_key false) or a key: how many, and when the first expires. */
static int live_holds(struct conn *c, const char *tenant, bool by_key, const char *who,
		      int64_t now, int *count, int64_t *first_expiry, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    by_key ? "SELECT count(*), min(expires_at) FROM holds"
					     " WHERE tenant_id = ?1 AND key_id = ?2 AND expires_at > ?3"
					   : "SELECT count(*), min(expires_at) FROM holds"
					     " WHERE tenant_id = ?1 AND owner = ?2 AND expires_at > ?3",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, who);
	db_bind_i64(s, 3, now);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*count = db_col_int(s, 0);
		*first_expiry = db_col_i64(s, 1);
	}
	db_reset(s);
	if (rc != DB_ROW)
		return sql_fail(c, rc, "count holds", e);
	return 0;
}

static int hold_create_once(struct store *st, const char *tenant, const char *service_id,
		      const char *provider_id, int64_t start, int64_t ttl, const char *owner,
		      const char *key_id, struct hold_caps caps, int64_t now,
		      const struct booking_create_ops *ops, void *ctx, struct booking *bk,
		      struct hold *out, struct arena *a, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct avail_bundle *bundles;
	struct service svc;
	int64_t first_expiry = 0;
	int count = 0;
	size_t n;
	bool ok = false;

	if (!c)
		return -1;
	if (live_holds(c, tenant, false, owner, now, &count, &first_expiry, e))
		goto out;
	if (count >= caps.per_owner) {
		err_set(e, ERR_HOLD_LIMIT, "at most %d live holds at a time; release one or wait",
			caps.per_owner);
		e->retry_after = (int)(first_expiry - now);
		goto out;
	}
	if (caps.per_key > 0) {
		if (live_holds(c, tenant, true, key_id, now, &count, &first_expiry, e))
			goto out;
		if (count >= caps.per_key) {
			err_set(e, ERR_HOLD_LIMIT,
				"this key has %d live holds, its limit; release one or wait",
				caps.per_key);
			e->retry_after = (int)(first_expiry - now);
			goto out;
		}
	}
	if (service_read(c, tenant, service_id, a, &svc, e) ||
	    candidates_around(c, tenant, &svc, provider_id, start, now, a, &bundles, &n, e) ||
	    ops->pick(ctx, &svc, bundles, n, bk, e) < 0)
		goto out;
	memset(out, 0, sizeof(*out));
	id_new(out->id, "hld");
	memcpy(out->service_id, svc.id, ID_MAX);
	memcpy(out->provider_id, bk->provider_id, ID_MAX);
	out->start = bk->start;
	out->end = bk->end;
	out->block_start = bk->block_start;
	out->block_end = bk->block_end;
	snprintf(out->owner, sizeof(out->owner), "%s", owner);
	snprintf(out->key_id, sizeof(out->key_id), "%s", key_id);
	out->expires_at = now + ttl;
	out->created_at = now;
	if (hold_insert(c, tenant, out, e))
		goto out;
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_hold_create(struct store *st, const char *tenant, const char *service_id,
		      const char *provider_id, int64_t start, int64_t ttl, const char *owner,
		      const char *key_id, struct hold_caps caps, int64_t now,
		      const struct booking_create_ops *ops, void *ctx, struct booking *bk,
		      struct hold *out, struct arena *a, struct err *e)
{
	return TX_RERUN(e, hold_create_once(st, tenant, service_id, provider_id, start, ttl, owner, key_id, caps, now, ops, ctx, bk, out, a, e));
}

int store_hold_get(struct store *st, const char *tenant, const char *id, struct hold *out,
		   struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = hold_read(c, tenant, id, out, e);
	conn_put(st, c);
	return rc;
}

int store_hold_delete(struct store *st, const char *tenant, const char *id, int64_t now,
		      struct hold *out, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	if (hold_read(c, tenant, id, out, e) || hold_delete_row(c, tenant, id, e))
		goto out;
	if (*out->waitlist_id) {
		s = conn_prep(c,
			      "UPDATE waitlist SET status = 'expired', updated_at = ?3"
			      " WHERE tenant_id = ?1 AND id = ?2 AND status = 'offered'",
			      e);
		if (!s)
			goto out;
		bind_text(s, 1, tenant);
		bind_text(s, 2, out->waitlist_id);
		db_bind_i64(s, 3, now);
		if (step_done(c, s, "close offer", e))
			goto out;
	}
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int outbox_add(struct conn *c, const char *tenant, const char *type, const char *subject_id,
	       const char *payload, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "INSERT INTO outbox(tenant_id, type, subject_id, payload, created_at)"
				    " VALUES (?1, ?2, ?3, ?4, ?5)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, type);
	bind_text(s, 3, subject_id);
	bind_text(s, 4, payload);
	db_bind_i64(s, 5, now);
	return step_done(c, s, "add outbox event", e);
}

int store_outbox_list(struct store *st, const char *tenant, int64_t after, size_t limit,
		      struct arena *a, struct outbox_event **out, size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = DB_ERROR;

	*n = 0;
	*out = NULL;
	if (!c)
		return -1;
	s = conn_prep(c,
		      "SELECT seq, type, subject_id, payload, created_at FROM outbox"
		      " WHERE tenant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
		      e);
	if (s) {
		*out = arena_alloc(a, (limit + 1) * sizeof(**out));
		bind_text(s, 1, tenant);
		db_bind_i64(s, 2, after);
		db_bind_i64(s, 3, (int64_t)limit);
		while ((rc = db_step(s)) == DB_ROW) {
			struct outbox_event *ev = &(*out)[(*n)++];
			ev->seq = db_col_i64(s, 0);
			col_text(s, 1, ev->type, sizeof(ev->type));
			col_text(s, 2, ev->subject_id, sizeof(ev->subject_id));
			ev->payload = col_str(s, 3, a);
			ev->created_at = db_col_i64(s, 4);
		}
		db_reset(s);
		if (rc != DB_DONE)
			sql_fail(c, rc, "list events", e);
	}
	conn_put(st, c);
	return rc == DB_DONE ? 0 : -1;
}
