/* Webhook endpoints, the delivery log as the API reads and replays it, and the tenants'
 * message templates (store/store_notify.h). The worker's side of deliveries is in
 * sql_outbox.c. */
#include "store/sql_int.h"

#include <stdio.h>
#include <string.h>


/* --- event types as JSON array text: ["booking.", "*"] --- */

/* Event types are validated upstream ([a-z0-9_.*]); quotes and backslashes are escaped all
 * the same so the column always holds valid JSON. */
void endpoint_types_encode(const struct webhook_endpoint *w, char *out, size_t size)
{
	size_t i, len = 0;
	const char *p;

	if (size < 3) {
		if (size)
			*out = '\0';
		return;
	}
	out[len++] = '[';
	for (i = 0; i < w->ntypes; i++) {
		if (len + 2 >= size)
			break;
		if (i)
			out[len++] = ',';
		out[len++] = '"';
		for (p = w->types[i]; *p && len + 3 < size; p++) {
			if (*p == '"' || *p == '\\')
				out[len++] = '\\';
			out[len++] = *p;
		}
		if (len + 2 < size)
			out[len++] = '"';
	}
	out[len++] = ']';
	out[len] = '\0';
}

/* The inverse, forgiving: whatever does not parse ends the list. */
void endpoint_types_decode(const char *text, struct webhook_endpoint *w)
{
	const char *p = text ? text : "";

	w->ntypes = 0;
	while (*p && *p != '"')
		p++;
	while (*p == '"' && w->ntypes < WEBHOOK_TYPES_MAX) {
		char *dst = w->types[w->ntypes];
		size_t len = 0;

		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (len + 1 < EVENT_TYPE_MAX)
				dst[len++] = *p;
		}
		dst[len] = '\0';
		if (*p != '"')
			break;
		w->ntypes++;
		for (p++; *p && *p != '"'; p++)
			;
	}
}

/* --- webhook endpoints --- */

void read_endpoint_row(struct stmt *s, struct arena *a, void *dst)
{
	struct webhook_endpoint *w = dst;

	(void)a;
	memset(w, 0, sizeof(*w));
	col_text(s, 0, w->id, sizeof(w->id));
	col_text(s, 1, w->url, sizeof(w->url));
	endpoint_types_decode(db_col_text(s, 2), w);
	w->enabled = db_col_int(s, 3) != 0;
	col_text(s, 4, w->description, sizeof(w->description));
	col_text(s, 5, w->secret, sizeof(w->secret));
	col_text(s, 6, w->previous_secret, sizeof(w->previous_secret));
	w->previous_until = col_opt_i64(s, 7);
	w->failing_since = col_opt_i64(s, 8);
	col_text(s, 9, w->disabled_reason, sizeof(w->disabled_reason));
	w->version = db_col_int(s, 10);
	w->created_at = db_col_i64(s, 11);
	w->updated_at = db_col_i64(s, 12);
}

static void bind_endpoint(struct stmt *s, const char *tenant, const struct webhook_endpoint *w,
			  char *types)
{
	endpoint_types_encode(w, types, ENDPOINT_TYPES_TEXT_MAX);
	bind_text(s, 1, tenant);
	bind_text(s, 2, w->id);
	bind_text(s, 3, w->url);
	bind_text(s, 4, types);
	db_bind_i64(s, 5, w->enabled);
	bind_text(s, 6, w->description);
	bind_text(s, 7, w->secret);
	bind_opt_text(s, 8, w->previous_secret);
	bind_opt_i64(s, 9, w->previous_until);
	bind_opt_i64(s, 10, w->failing_since);
	bind_opt_text(s, 11, w->disabled_reason);
	db_bind_i64(s, 12, w->version);
	db_bind_i64(s, 13, w->created_at);
	db_bind_i64(s, 14, w->updated_at);
}

int tx_endpoint_insert(struct store_tx *tx, const struct webhook_endpoint *w, struct err *e)
{
	char types[ENDPOINT_TYPES_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO webhook_endpoints(tenant_id, " ENDPOINT_COLS ")"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
				    " ?13, ?14)",
				    e);

	if (!s)
		return -1;
	bind_endpoint(s, tx->tenant, w, types);
	return step_done(tx->c, s, "create webhook endpoint", e);
}

int tx_endpoint_update(struct store_tx *tx, const struct webhook_endpoint *w, struct err *e)
{
	char types[ENDPOINT_TYPES_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE webhook_endpoints SET url = ?3, event_types = ?4,"
				    " enabled = ?5, description = ?6, secret = ?7,"
				    " previous_secret = ?8, previous_until = ?9, failing_since = ?10,"
				    " disabled_reason = ?11, version = ?12 + 1, created_at = ?13,"
				    " updated_at = ?14 WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_endpoint(s, tx->tenant, w, types);
	if (step_done(tx->c, s, "update webhook endpoint", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "webhook endpoint %s not found", w->id);
	return 0;
}

int tx_endpoint_get(struct store_tx *tx, const char *id, struct webhook_endpoint *out,
		    struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " ENDPOINT_COLS " FROM webhook_endpoints"
				   " WHERE tenant_id = ?1 AND id = ?2",
				   id, "webhook endpoint", e);

	if (!s)
		return -1;
	read_endpoint_row(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_endpoint_list(struct store_tx *tx, struct page pg, struct arena *a,
		     struct webhook_endpoint **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " ENDPOINT_COLS " FROM webhook_endpoints"
				    " WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
				    e);

	return page_read(tx, s, pg, read_endpoint_row, sizeof(**out), a, (void **)out, n,
			 "list webhook endpoints", e);
}

int tx_endpoint_delete(struct store_tx *tx, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "DELETE FROM deliveries WHERE tenant_id = ?1 AND endpoint_id = ?2"
				    " AND status = 'pending'",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	if (step_done(tx->c, s, "drop pending deliveries", e))
		return -1;
	return delete_row(tx, "DELETE FROM webhook_endpoints WHERE tenant_id = ?1 AND id = ?2", id,
			  NULL, "webhook endpoint", e);
}

/* --- deliveries --- */

static int status_parse(const char *s)
{
	if (s && !strcmp(s, "succeeded"))
		return DELIVERY_SUCCEEDED;
	return s && !strcmp(s, "failed") ? DELIVERY_FAILED : DELIVERY_PENDING;
}

void read_delivery_row(struct stmt *s, struct arena *a, void *dst)
{
	struct delivery *d = dst;
	(void)a;
	memset(d, 0, sizeof(*d));
	col_text(s, 0, d->id, sizeof(d->id));
	col_text(s, 1, d->tenant_id, sizeof(d->tenant_id));
	d->event_seq = db_col_i64(s, 2);
	col_text(s, 3, d->event_id, sizeof(d->event_id));
	col_text(s, 4, d->event_type, sizeof(d->event_type));
	d->channel = delivery_channel_parse(db_col_text(s, 5));
	col_text(s, 6, d->endpoint_id, sizeof(d->endpoint_id));
	col_text(s, 7, d->recipient, sizeof(d->recipient));
	col_text(s, 8, d->recipient_role, sizeof(d->recipient_role));
	d->status = (enum delivery_status)status_parse(db_col_text(s, 9));
	d->attempts = db_col_int(s, 10);
	d->next_attempt_at = col_opt_i64(s, 11);
	d->last_status = db_col_int(s, 12);
	col_text(s, 13, d->last_error, sizeof(d->last_error));
	d->created_at = db_col_i64(s, 14);
	d->updated_at = db_col_i64(s, 15);
}

int tx_delivery_get(struct store_tx *tx, const char *id, struct delivery *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " DELIVERY_COLS " FROM deliveries"
				   " WHERE tenant_id = ?1 AND id = ?2",
				   id, "delivery", e);

	if (!s)
		return -1;
	read_delivery_row(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_delivery_list(struct store_tx *tx, const struct delivery_filter *f, struct page pg,
		     struct arena *a, struct delivery **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " DELIVERY_COLS " FROM deliveries WHERE tenant_id = ?1"
				    " AND id > ?2 AND (?4 IS NULL OR endpoint_id = ?4)"
				    " AND (?5 IS NULL OR event_id = ?5) AND (?6 IS NULL OR status = ?6)"
				    " AND (?7 IS NULL OR channel = ?7) ORDER BY id LIMIT ?3",
				    e);

	if (s) {
		bind_opt_text(s, 4, f->endpoint_id);
		bind_opt_text(s, 5, f->event_id);
		bind_opt_text(s, 6, f->status);
		bind_opt_text(s, 7, f->channel);
	}
	return page_read(tx, s, pg, read_delivery_row, sizeof(**out), a, (void **)out, n,
			 "list deliveries", e);
}

static void read_attempt_row(struct stmt *s, struct arena *a, void *dst)
{
	struct delivery_attempt *t = dst;

	(void)a;
	memset(t, 0, sizeof(*t));
	col_text(s, 0, t->delivery_id, sizeof(t->delivery_id));
	t->attempt = db_col_int(s, 1);
	t->started_at = db_col_i64(s, 2);
	t->duration_ms = db_col_i64(s, 3);
	t->status_code = db_col_int(s, 4);
	col_text(s, 5, t->response, sizeof(t->response));
	col_text(s, 6, t->error, sizeof(t->error));
}

int tx_attempt_list(struct store_tx *tx, const char *delivery_id, struct arena *a,
		    struct delivery_attempt **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT delivery_id, attempt, started_at, duration_ms,"
				    " status_code, response, error FROM delivery_attempts"
				    " WHERE tenant_id = ?1 AND delivery_id = ?2 ORDER BY attempt",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, delivery_id);
	return rows_read(tx->c, s, read_attempt_row, sizeof(**out), a, (void **)out, n,
			 "list delivery attempts", e);
}

int tx_delivery_replay(struct store_tx *tx, const char *id, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?3,"
				    " lease_owner = NULL, lease_until = NULL, updated_at = ?3"
				    " WHERE tenant_id = ?1 AND id = ?2"
				    " AND (lease_until IS NULL OR lease_until <= ?3)",
				    e);
	struct delivery d;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	if (step_done(tx->c, s, "replay delivery", e))
		return -1;
	if (db_changes(tx->c) > 0)
		return 0;
	/* A delivery leased is being sent right now: replaying it would send it twice and lose
	 * the attempt in flight from the log. */
	if (tx_delivery_get(tx, id, &d, e))
		return -1;
	return err_set(e, ERR_CONFLICT, "delivery %s is being sent now; replay it once that ends",
		       id);
}

int tx_delivery_recover(struct store_tx *tx, const char *endpoint_id, int64_t since,
			int64_t now, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?4,"
				    " lease_owner = NULL, lease_until = NULL, updated_at = ?4"
				    " WHERE tenant_id = ?1 AND endpoint_id = ?2 AND created_at >= ?3"
				    " AND status <> 'succeeded'"
				    " AND (lease_until IS NULL OR lease_until <= ?4)",
				    e);

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, endpoint_id);
	db_bind_i64(s, 3, since);
	db_bind_i64(s, 4, now);
	if (step_done(tx->c, s, "recover deliveries", e))
		return -1;
	*n = (size_t)db_changes(tx->c);
	return 0;
}

/* --- message templates --- */

int tx_template_get(struct store_tx *tx, const char *event_type, const char *locale,
		    struct arena *a, struct message_template *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT subject, text_body, html_body, updated_at"
				    " FROM message_templates WHERE tenant_id = ?1 AND event_type = ?2"
				    " AND locale = ?3",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, event_type);
	bind_text(s, 3, locale);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		if (rc == DB_DONE)
			return err_set(e, ERR_NOT_FOUND, "template %s/%s is not overridden",
				       event_type, locale);
		return sql_fail(tx->c, rc, "read template", e);
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->event_type, sizeof(out->event_type), "%s", event_type);
	snprintf(out->locale, sizeof(out->locale), "%s", locale);
	out->subject = (char *)col_str(s, 0, a);
	out->text = (char *)col_str(s, 1, a);
	out->html = (char *)col_str(s, 2, a);
	out->updated_at = db_col_i64(s, 3);
	db_reset(s);
	return 0;
}

int tx_template_put(struct store_tx *tx, const struct message_template *t, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO message_templates(tenant_id, event_type, locale,"
				    " subject, text_body, html_body, updated_at)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
				    " ON CONFLICT (tenant_id, event_type, locale) DO UPDATE SET"
				    " subject = excluded.subject, text_body = excluded.text_body,"
				    " html_body = excluded.html_body, updated_at = excluded.updated_at",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, t->event_type);
	bind_text(s, 3, t->locale);
	bind_text(s, 4, t->subject ? t->subject : "");
	bind_text(s, 5, t->text ? t->text : "");
	bind_text(s, 6, t->html ? t->html : "");
	db_bind_i64(s, 7, t->updated_at);
	return step_done(tx->c, s, "store template", e);
}

int tx_template_delete(struct store_tx *tx, const char *event_type, const char *locale,
		       struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "DELETE FROM message_templates WHERE tenant_id = ?1"
				    " AND event_type = ?2 AND locale = ?3",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, event_type);
	bind_text(s, 3, locale);
	if (step_done(tx->c, s, "delete template", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "template %s/%s is not overridden", event_type,
			       locale);
	return 0;
}
