/* slotd copy: every row of some tenants from one database into another (SQLite into
 * PostgreSQL, or any other pair), in one transaction of the destination, with the row
 * counts of every table checked against the source's snapshot before COMMIT. */
#include "store/sql_int.h"
#include "store/sql_tables.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* Tables in the order their foreign keys need, with the columns both schemas share (the
 * PostgreSQL-only generated bookings.slot_group is left to the destination). */
const struct copy_table copy_tables[] = {
	{"tenants", "id, slug, name, created_at, link_secret", 0},
	{"api_keys", "key_hash, tenant_id, role, created_at, id, name, scoped, expires_at,"
		     " last_used_at, revoked_at", 0},
	{"providers", "tenant_id, id, name, timezone, email, auto_confirm, max_per_day,"
		      " max_consecutive, vacation, created_at, updated_at, deleted_at, bio,"
		      " specialties, photo_url, languages, locale, video_url", 0},
	/* Console users travel with their password hashes (Argon2id: hashes already); their
	 * sessions never do: a new server's users sign in again. */
	{"users", "tenant_id, id, email, name, role, provider_id, password_hash, disabled,"
		  " created_at, updated_at, last_login_at", 0},
	{"services", "tenant_id, id, name, duration_min, price, currency, buffer_before_min,"
		     " buffer_after_min, step_min, min_notice_min, max_advance_days, capacity,"
		     " created_at, updated_at, policy, requires_approval, reminder_offsets,"
		     " is_public, location", 0},
	{"service_providers", "tenant_id, service_id, provider_id, duration_min, price", 0},
	{"api_key_providers", "tenant_id, key_id, provider_id", 0},
	{"schedule_versions", "tenant_id, provider_id, seq, effective_from, effective_until,"
			      " weekly, anchor_day", 0},
	{"overrides", "tenant_id, id, provider_id, from_day, to_day, hours, note, created_at,"
		      " rrule, updated_at", 0},
	{"holidays", "tenant_id, id, name, day, yearly, all_providers, created_at, rrule,"
		     " until_day, type, updated_at", 0},
	{"holiday_providers", "tenant_id, holiday_id, provider_id", 0},
	{"time_off", "tenant_id, id, provider_id, start_utc, end_utc, reason, created_at,"
		     " updated_at", 0},
	{"business_hours", "tenant_id, timezone, version, updated_at", 0},
	{"business_hours_versions", "tenant_id, seq, effective_from, effective_until, weekly,"
				    " anchor_day", 0},
	{"business_hours_exempt", "tenant_id, provider_id", 0},
	{"business_overrides", "tenant_id, id, from_day, to_day, hours, rrule, note, created_at,"
			       " updated_at", 0},
	{"tenant_policy", "tenant_id, policy, updated_at, rate_limit_key, reminder_offsets,"
			  " locale, booking_page", 0},
	{"bookings", "tenant_id, id, reference, service_id, provider_id, start_utc, end_utc,"
		     " block_start, block_end, capacity, status, active, customer_name,"
		     " customer_email, customer_phone, notes, metadata, price, currency,"
		     " manage_token_hash, version, created_at, updated_at, policy,"
		     " reschedule_count, fee, fee_reason, locale, closed_at, fee_waived,"
		     " internal_notes, completion_notes, location", 0},
	{"booking_feedback", "tenant_id, booking_id, rating, comment, created_at, updated_at", 0},
	/* Attachments: the metadata, then the bytes in their chunks, one row at a time. */
	{"attachments", "tenant_id, id, booking_id, filename, content_type, size, sha256, chunks,"
			" actor, created_at", 0},
	{"attachment_chunks", "tenant_id, attachment_id, seq, data", TABLE_BIG_ROWS},
	{"booking_stats", "tenant_id, service_id, day, provider_id, currency, bookings, pending,"
			  " confirmed, declined, cancelled, cancelled_late, completed, no_show,"
			  " reschedules, booked_sec, duration_sec, lead, revenue, fees, waived,"
			  " decimals, ratings, rating_sum", 0},
	{"feeds", "tenant_id, id, provider_id, kind, token_hash, name, days_back, days_ahead,"
		  " created_at, last_used_at", 0},
	/* External calendars keep their sealed secrets: the destination needs the same secret
	 * key (--secret-key-file) to open them. */
	{"calendars", "tenant_id, id, provider_id, kind, name, url, url_box, username,"
		      " password_box, write, enabled, interval_min, etag, last_modified, ctag,"
		      " busy_hash, events, busy_count, read_at, last_synced_at, last_attempt_at,"
		      " last_error, next_sync_at, lease_owner, lease_until, version, created_at,"
		      " updated_at", 0},
	{"calendar_busy", "tenant_id, provider_id, calendar_id, day, spans", TABLE_NOT_EXPORTED},
	{"booking_history", "tenant_id, booking_id, seq, at, actor, from_status, to_status,"
			    " reason", 0},
	{"idempotency_keys", "tenant_id, caller, key, fingerprint, status, body, created_at",
	 TABLE_NOT_EXPORTED},
	{"holds", "tenant_id, id, service_id, provider_id, start_utc, end_utc, block_start,"
		  " block_end, owner, key_id, waitlist_id, expires_at, created_at", 0},
	{"waitlist", "tenant_id, id, service_id, provider_id, customer_name, customer_email,"
		     " customer_phone, earliest_day, latest_day, weekdays, windows, priority,"
		     " status, hold_id, offer_provider_id, offer_start, offer_expires_at, offers,"
		     " booking_id, created_at, updated_at, key_id, notes", 0},
	{"entries", "tenant_id, id, title, start_utc, end_utc, timezone, status, notes,"
		    " work_type, work_id, rrule, rule_start, rule_last, span_end, version,"
		    " created_at, updated_at", 0},
	{"entry_assignees", "tenant_id, entry_id, provider_id", 0},
	{"entry_exdates", "tenant_id, entry_id, original_start", 0},
	{"entry_overrides", "tenant_id, entry_id, original_start, start_utc, end_utc, title,"
			    " status, notes", 0},
	{"entry_override_assignees", "tenant_id, entry_id, original_start, provider_id,"
				     " start_utc, end_utc", 0},
	/* Events keep their per-tenant sequence numbers; new ones continue after them. */
	{"events", "tenant_id, seq, id, type, subject_id, actor_type, actor_id, actor_role,"
		   " request_id, payload, changes, created_at", 0},
	/* Notifications: endpoints with their secrets, the events not yet fanned out (so the
	 * destination delivers them), deliveries and their log, reminders, templates. */
	{"webhook_endpoints", "tenant_id, id, url, event_types, enabled, description, secret,"
			      " previous_secret, previous_until, failing_since, disabled_reason,"
			      " version, created_at, updated_at", 0},
	{"notify_queue", "tenant_id, seq", TABLE_NOT_EXPORTED},
	{"deliveries", "tenant_id, id, event_seq, event_id, event_type, channel, endpoint_id,"
		       " recipient, recipient_role, status, attempts, next_attempt_at, lease_owner,"
		       " lease_until, last_status, last_error, created_at, updated_at", 0},
	{"delivery_attempts", "tenant_id, delivery_id, attempt, started_at, duration_ms,"
			      " status_code, response, error", TABLE_NOT_EXPORTED},
	{"reminders", "tenant_id, booking_id, offset_minutes, due_at, sent_at", 0},
	{"message_templates", "tenant_id, event_type, locale, subject, text_body, html_body,"
			      " updated_at", 0},
};

#define NTABLES (sizeof(copy_tables) / sizeof(copy_tables[0]))

const size_t copy_ntables = NTABLES;

/* The statements of one table, built once per copy (the statement cache keys on their
 * addresses, which stay put until the copy ends). */
struct copy_sql {
	char *select, *insert, *count;
	bool big;			/* TABLE_BIG_ROWS: select reads a page after a key */
};

#define BIG_ROWS_PAGE 8

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

static int ncols(const char *cols)
{
	int n = 1;
	for (; *cols; cols++)
		n += *cols == ',';
	return n;
}

/* The k-th (0-based) name of a column list. */
static void col_name(const char *cols, int k, char *out, size_t size)
{
	const char *p = cols;
	size_t len;

	for (; k > 0 && p; k--)
		p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
	p = p ? p + strspn(p, " ") : "";
	len = strcspn(p, ", ");
	snprintf(out, size, "%.*s", (int)len, p);
}

static void build_sql(const struct copy_table *t, struct copy_sql *q)
{
	char params[DB_MAX_PARAMS * 5] = "", k2[64], k3[64];
	const char *key = strcmp(t->name, "tenants") ? "tenant_id" : "id";
	int i, n = ncols(t->cols);

	for (i = 1; i <= n; i++)
		snprintf(params + strlen(params), sizeof(params) - strlen(params), "%s?%d",
			 i > 1 ? ", " : "", i);
	q->big = t->flags & TABLE_BIG_ROWS;
	col_name(t->cols, 1, k2, sizeof(k2));
	col_name(t->cols, 2, k3, sizeof(k3));
	if (q->big)
		q->select = fmt("SELECT %s FROM %s WHERE %s = ?1 AND (%s > ?2 OR (%s = ?2 AND"
				" %s > ?3)) ORDER BY 2, 3 LIMIT %d", t->cols, t->name, key, k2, k2, k3,
				BIG_ROWS_PAGE);
	else
		q->select = fmt("SELECT %s FROM %s WHERE %s = ?1 ORDER BY 1, 2", t->cols, t->name,
				key);
	q->insert = fmt("INSERT INTO %s(%s) VALUES (%s)", t->name, t->cols, params);
	q->count = fmt("SELECT count(*) FROM %s WHERE %s = ?1", t->name, key);
}

static int count_rows(struct conn *c, const char *sql, const char *tenant, int64_t *out,
		      struct err *e)
{
	struct stmt *s = conn_prep(c, sql, e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		return sql_fail(c, rc, "count rows", e);
	}
	*out = db_col_i64(s, 0);
	db_reset(s);
	return 0;
}

/* Copies one page of one tenant's rows of one table (all of them unless q->big; else up to
 * BIG_ROWS_PAGE after *last_key, *last_seq, which move to the last row); *copied counts
 * them, *page counts this page's. */
static int copy_page(struct conn *from, struct conn *to, const struct copy_sql *q,
		     const char *tenant, char *last_key, size_t key_size, int64_t *last_seq,
		     int *page, int64_t *copied, struct err *e)
{
	struct stmt *s = conn_prep(from, q->select, e), *ins;
	int rc, i, n;

	*page = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	if (q->big) {
		bind_text(s, 2, last_key);
		db_bind_i64(s, 3, *last_seq);
	}
	while ((rc = db_step(s)) == DB_ROW) {
		if (q->big) {
			col_text(s, 1, last_key, key_size);
			*last_seq = db_col_i64(s, 2);
		}
		(*page)++;
		if (!(ins = conn_prep(to, q->insert, e)))
			break;
		n = db_col_count(s);
		for (i = 0; i < n; i++) {
			switch (db_col_kind(s, i)) {
			case DB_COL_NULL:
				db_bind_null(ins, i + 1);
				break;
			case DB_COL_INT:
				db_bind_i64(ins, i + 1, db_col_i64(s, i));
				break;
			case DB_COL_TEXT:
				bind_text(ins, i + 1, db_col_text(s, i));
				break;
			case DB_COL_BLOB: {
				size_t len;
				const void *p = db_col_blob(s, i, &len);
				db_bind_blob(ins, i + 1, p, len);
				break;
			}
			}
		}
		if (step_done(to, ins, "copy row", e)) {
			rc = DB_ERROR;
			break;
		}
		(*copied)++;
	}
	db_reset(s);
	if (rc == DB_DONE)
		return 0;
	if (rc == DB_ROW || e->code != ERR_OK)
		return -1;
	return sql_fail(from, rc, "read rows", e);
}

/* Copies one tenant's rows of one table; *copied counts them. A table of big rows goes a
 * page at a time: the PostgreSQL driver holds a whole result in memory. */
static int copy_rows(struct conn *from, struct conn *to, const struct copy_sql *q,
		     const char *tenant, int64_t *copied, struct err *e)
{
	char last_key[ID_MAX + 64] = "";
	int64_t last_seq = INT64_MIN;
	int page;

	do {
		if (copy_page(from, to, q, tenant, last_key, sizeof(last_key), &last_seq, &page,
			      copied, e))
			return -1;
	} while (q->big && page == BIG_ROWS_PAGE);
	return 0;
}

/* The tenants to copy (ids and slugs, from the source's snapshot). */
static int tenants_read(struct conn *c, const char *slug, char (**ids)[ID_MAX], size_t *n,
			struct err *e)
{
	struct stmt *s = conn_prep(c, "SELECT id FROM tenants WHERE ?1 IS NULL OR slug = ?1"
				      " ORDER BY id", e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*ids = NULL;
	if (!s)
		return -1;
	bind_opt_text(s, 1, slug);
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		col_text(s, 0, (*ids)[(*n)++], ID_MAX);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read tenants", e);
	if (slug && !*n)
		return err_set(e, ERR_NOT_FOUND, "the source has no tenant with slug %s", slug);
	return 0;
}

/* ERR_CONFLICT when the destination already has the tenant (by id or slug). */
static int tenant_absent(struct conn *from, struct conn *to, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(from, "SELECT slug FROM tenants WHERE id = ?1", e), *d;
	char slug[128];
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, id);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		return sql_fail(from, rc, "read tenant", e);
	}
	col_text(s, 0, slug, sizeof(slug));
	db_reset(s);
	if (!(d = conn_prep(to, "SELECT 1 FROM tenants WHERE id = ?1 OR slug = ?2", e)))
		return -1;
	bind_text(d, 1, id);
	bind_text(d, 2, slug);
	rc = db_step(d);
	db_reset(d);
	if (rc == DB_ROW)
		return err_set(e, ERR_CONFLICT, "the destination already has tenant %s (%s)", slug,
			       id);
	return rc == DB_DONE ? 0 : sql_fail(to, rc, "look up tenant", e);
}

int store_copy(struct store *src, struct store *dst, const char *slug,
	       void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
	       struct err *e)
{
	struct copy_sql q[NTABLES];
	int64_t copied[NTABLES] = {0};
	char (*ids)[ID_MAX] = NULL;
	struct conn *from, *to = NULL;
	bool ok = false;
	size_t i, t, n = 0;

	memset(q, 0, sizeof(q));
	if (!(from = conn_get(src, e)))
		return -1;
	if (read_begin(from, e) || tenants_read(from, slug, &ids, &n, e))
		goto out;
	if (!(to = db_write_begin(dst, "slotd copy", e)))
		goto out;
	for (i = 0; i < n; i++)
		if (tenant_absent(from, to, ids[i], e))
			goto out;
	for (t = 0; t < NTABLES; t++)
		build_sql(&copy_tables[t], &q[t]);
	for (t = 0; t < NTABLES; t++)
		for (i = 0; i < n; i++)
			if (copy_rows(from, to, &q[t], ids[i], &copied[t], e))
				goto out;
	/* Every table must now hold, for these tenants, as many rows as the source did. */
	for (t = 0; t < NTABLES; t++) {
		int64_t want = 0, got = 0;
		for (i = 0; i < n; i++) {
			int64_t a = 0, b = 0;
			if (count_rows(from, q[t].count, ids[i], &a, e) ||
			    count_rows(to, q[t].count, ids[i], &b, e))
				goto out;
			want += a;
			got += b;
		}
		if (want != got || got != copied[t]) {
			err_set(e, ERR_INTERNAL, "%s: the source has %lld rows, the destination %lld",
				copy_tables[t].name, (long long)want, (long long)got);
			goto out;
		}
	}
	ok = true;
out:
	if (to && db_write_end(dst, to, ok, e))
		ok = false;
	read_end(from);
	conn_put(src, from);
	if (ok && report)
		for (t = 0; t < NTABLES; t++)
			report(ctx, copy_tables[t].name, copied[t]);
	for (t = 0; t < NTABLES; t++) {
		free(q[t].select);
		free(q[t].insert);
		free(q[t].count);
	}
	free(ids);
	return ok ? 0 : -1;
}
