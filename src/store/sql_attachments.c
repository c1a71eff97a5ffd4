/* Booking attachments: metadata rows and their bytes in chunk rows (store_attachments.h). */
#include "store/store_attachments.h"

#include "store/sql_int.h"

#define ATT_COLS "id, booking_id, filename, content_type, size, sha256, chunks, actor, created_at"

static void read_attachment(struct stmt *s, struct arena *a, void *dst)
{
	struct attachment *at = dst;

	(void)a;
	col_text(s, 0, at->id, sizeof(at->id));
	col_text(s, 1, at->booking_id, sizeof(at->booking_id));
	col_text(s, 2, at->filename, sizeof(at->filename));
	col_text(s, 3, at->content_type, sizeof(at->content_type));
	at->size = db_col_i64(s, 4);
	col_text(s, 5, at->sha256, sizeof(at->sha256));
	at->chunks = db_col_i64(s, 6);
	col_text(s, 7, at->actor, sizeof(at->actor));
	at->created_at = db_col_i64(s, 8);
}

int tx_attachment_insert(struct store_tx *tx, const struct attachment *a, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO attachments(tenant_id, " ATT_COLS ") VALUES (?1, ?2,"
				    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, a->id);
	bind_text(s, 3, a->booking_id);
	bind_text(s, 4, a->filename);
	bind_text(s, 5, a->content_type);
	db_bind_i64(s, 6, a->size);
	bind_text(s, 7, a->sha256);
	db_bind_i64(s, 8, a->chunks);
	bind_opt_text(s, 9, a->actor);
	db_bind_i64(s, 10, a->created_at);
	return step_done(tx->c, s, "attachment insert", e);
}

int tx_attachment_chunk_put(struct store_tx *tx, const char *id, int64_t seq, const void *data,
			    size_t len, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO attachment_chunks(tenant_id, attachment_id, seq, data)"
				    " VALUES (?1, ?2, ?3, ?4)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, seq);
	db_bind_blob(s, 4, data, len);
	return step_done(tx->c, s, "attachment chunk insert", e);
}

int tx_attachment_get(struct store_tx *tx, const char *booking_id, const char *id,
		      struct attachment *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " ATT_COLS " FROM attachments WHERE tenant_id = ?1 AND id = ?2",
				   id, "attachment", e);

	if (!s)
		return -1;
	read_attachment(s, NULL, out);
	db_reset(s);
	if (strcmp(out->booking_id, booking_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "attachment %s not found", id);
	return 0;
}

int tx_attachment_list(struct store_tx *tx, const char *booking_id, struct arena *a,
		       struct attachment **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " ATT_COLS " FROM attachments WHERE tenant_id = ?1 AND"
				    " booking_id = ?2 ORDER BY created_at, id",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	return rows_read(tx->c, s, read_attachment, sizeof(**out), a, (void **)out, n,
			 "attachment list", e);
}

int tx_attachment_usage(struct store_tx *tx, const char *booking_id, int64_t *bytes,
			int64_t *count, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT COALESCE(SUM(size), 0), COUNT(*) FROM attachments"
				    " WHERE tenant_id = ?1 AND booking_id = ?2",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, booking_id);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		return sql_fail(tx->c, rc, "attachment usage", e);
	}
	*bytes = db_col_i64(s, 0);
	*count = db_col_i64(s, 1);
	db_reset(s);
	return 0;
}

int tx_attachment_chunk_get(struct store_tx *tx, const char *id, int64_t seq, void *buf,
			    size_t cap, size_t *len, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT data FROM attachment_chunks WHERE tenant_id = ?1 AND"
				    " attachment_id = ?2 AND seq = ?3",
				    e);
	const void *p;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, seq);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		if (rc == DB_DONE)
			return err_set(e, ERR_NOT_FOUND, "attachment %s not found", id);
		return sql_fail(tx->c, rc, "attachment chunk", e);
	}
	p = db_col_blob(s, 0, len);
	if (*len > cap) {
		db_reset(s);
		return err_set(e, ERR_INTERNAL, "attachment %s chunk %lld holds %zu bytes", id,
			       (long long)seq, *len);
	}
	if (*len)
		memcpy(buf, p, *len);
	db_reset(s);
	return 0;
}

int tx_attachment_delete(struct store_tx *tx, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "DELETE FROM attachment_chunks WHERE tenant_id = ?1 AND"
				    " attachment_id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	if (step_done(tx->c, s, "attachment chunks delete", e))
		return -1;
	return delete_row(tx, "DELETE FROM attachments WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "attachment", e);
}
