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
	/* Last: the destination has no row for the tenant before it, so the rows above bump
	 * nothing, and the source's revision arrives as it was. */
	{"avail_revisions", "tenant_id, rev", TABLE_NOT_EXPORTED},
};

#define NTABLES (sizeof(copy_tables) / sizeof(copy_tables[0]))

const size_t copy_ntables = NTABLES;

/* How a table is read: in pages in the order of its primary key (from the source's
 * schema), after the last key of the page before, so that neither driver holds more than a
 * page (the PostgreSQL driver keeps a whole result in memory). The key columns other than
 * the tenant's are selected again after the copied ones; a table whose key is the tenant
 * alone has one row per tenant and is read at once. */
#define COPY_KEYS_MAX 6
#define COPY_KEY_TEXT 256
#define COPY_PAGE 2000		/* rows per page */
#define BIG_ROWS_PAGE 8		/* rows per page of a TABLE_BIG_ROWS table (up to 256 KiB each) */
#define COPY_FLUSH 65536	/* bytes of COPY data sent at once */

struct copy_key {
	char name[64];
	bool text;			/* else an integer */
};

/* The statements of one table, built once per copy (the statement cache keys on their
 * addresses, which stay put until the copy ends). */
struct copy_sql {
	const char *table;
	char *first, *next;		/* a page: the first, and the one after ?2.. (the keys) */
	char *insert;			/* one row, into a SQLite destination */
	char *copy;			/* COPY ... FROM STDIN, into a PostgreSQL destination */
	char *count;
	int ncols, nkeys, page;
	struct copy_key key[COPY_KEYS_MAX];
};

/* The last key read, to start the next page after. */
struct copy_last {
	int64_t num[COPY_KEYS_MAX];
	char text[COPY_KEYS_MAX][COPY_KEY_TEXT];
};

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

/* Rows per page: SLOTD_COPY_PAGE when set (tests cross page boundaries with small pages). */
static int page_size(bool big)
{
	const char *v = getenv("SLOTD_COPY_PAGE");
	long n = v ? strtol(v, NULL, 10) : 0;

	if (n < 1 || n > 1000000)
		n = COPY_PAGE;
	return big && n > BIG_ROWS_PAGE ? BIG_ROWS_PAGE : (int)n;
}

/* The primary key columns of table t in the source, other than filter (the tenant's). */
static int keys_read(struct conn *c, const char *table, const char *filter, struct copy_sql *q,
		     struct err *e)
{
	static const char lite[] = "SELECT name, type FROM pragma_table_info(?1) WHERE pk > 0"
				   " ORDER BY pk";
	static const char pg[] = "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_index i"
				 " JOIN pg_attribute a ON a.attrelid = i.indrelid"
				 " AND a.attnum = ANY(i.indkey)"
				 " WHERE i.indrelid = to_regclass(?1) AND i.indisprimary"
				 " ORDER BY array_position(i.indkey::int2[], a.attnum)";
	struct stmt *s = conn_prep(c, c->kind == DB_PG ? pg : lite, e);
	bool any = false;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, table);
	q->nkeys = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *name = db_col_text(s, 0), *type = db_col_text(s, 1);
		struct copy_key *k;

		any = true;
		if (!name || !strcmp(name, filter))
			continue;
		if (q->nkeys == COPY_KEYS_MAX || strlen(name) >= sizeof(k->name)) {
			db_reset(s);
			return err_set(e, ERR_INTERNAL, "%s: primary key too wide to copy", table);
		}
		k = &q->key[q->nkeys++];
		snprintf(k->name, sizeof(k->name), "%s", name);
		/* SQLite: INTEGER, BIGINT, …; PostgreSQL: bigint, integer, smallint. */
		k->text = !(type && (strstr(type, "INT") || strstr(type, "int")));
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read the primary key", e);
	if (!any)
		return err_set(e, ERR_INTERNAL, "%s has no primary key to copy in order", table);
	return 0;
}

static void key_list(const struct copy_sql *q, const char *prefix, char *out, size_t size)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < q->nkeys && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s%s", i ? ", " : "", prefix,
					q->key[i].name);
}

static int build_sql(struct conn *from, const struct copy_table *t, struct copy_sql *q,
		     struct err *e)
{
	char params[DB_MAX_PARAMS * 5] = "", keys[COPY_KEYS_MAX * 70], after[COPY_KEYS_MAX * 8];
	const char *filter = strcmp(t->name, "tenants") ? "tenant_id" : "id";
	size_t len = 0;
	int i;

	q->table = t->name;
	q->ncols = ncols(t->cols);
	q->page = page_size(t->flags & TABLE_BIG_ROWS);
	if (keys_read(from, t->name, filter, q, e))
		return -1;
	for (i = 1; i <= q->ncols; i++)
		snprintf(params + strlen(params), sizeof(params) - strlen(params), "%s?%d",
			 i > 1 ? ", " : "", i);
	q->insert = fmt("INSERT INTO %s(%s) VALUES (%s)", t->name, t->cols, params);
	q->copy = fmt("COPY %s(%s) FROM STDIN", t->name, t->cols);
	q->count = fmt("SELECT count(*) FROM %s WHERE %s = ?1", t->name, filter);
	if (!q->nkeys) {
		q->first = fmt("SELECT %s FROM %s WHERE %s = ?1", t->cols, t->name, filter);
		return 0;
	}
	key_list(q, "", keys, sizeof(keys));
	for (i = 0; i < q->nkeys; i++)
		len += (size_t)snprintf(after + len, sizeof(after) - len, "%s?%d", i ? ", " : "",
					i + 2);
	q->first = fmt("SELECT %s, %s FROM %s WHERE %s = ?1 ORDER BY %s LIMIT %d", t->cols, keys,
		       t->name, filter, keys, q->page);
	/* A row value: both databases read it as one range of the key's index. */
	q->next = fmt("SELECT %s, %s FROM %s WHERE %s = ?1 AND (%s) > (%s) ORDER BY %s LIMIT %d",
		      t->cols, keys, t->name, filter, keys, after, keys, q->page);
	return 0;
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

/* COPY data on its way to a PostgreSQL destination: rows in the text format, sent in
 * pieces of about COPY_FLUSH bytes. */
struct copy_buf {
	char *p;
	size_t len, cap;
};

static void buf_need(struct copy_buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : COPY_FLUSH * 2;
	b->p = xrealloc(b->p, b->cap);
}

static void buf_text(struct copy_buf *b, const char *v)
{
	size_t n = strlen(v);
	char *o;

	buf_need(b, n * 2);
	o = b->p + b->len;
	for (; *v; v++) {
		switch (*v) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		default: *o++ = *v;
		}
	}
	b->len = (size_t)(o - b->p);
}

static void buf_blob(struct copy_buf *b, const unsigned char *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i;

	/* bytea's hex input (\x…) with its backslash escaped for COPY. */
	buf_need(b, 3 + n * 2);
	o = b->p + b->len;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (i = 0; i < n; i++) {
		*o++ = hex[v[i] >> 4];
		*o++ = hex[v[i] & 15];
	}
	b->len = (size_t)(o - b->p);
}

/* Appends the first n columns of s's row to b as one line of COPY text. */
static void row_to_copy(struct stmt *s, int n, struct copy_buf *b)
{
	int i;

	for (i = 0; i < n; i++) {
		buf_need(b, 32);
		if (i)
			b->p[b->len++] = '\t';
		switch (db_col_kind(s, i)) {
		case DB_COL_NULL:
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'N';
			break;
		case DB_COL_INT:
			b->len += (size_t)snprintf(b->p + b->len, 24, "%lld",
						   (long long)db_col_i64(s, i));
			break;
		case DB_COL_TEXT:
			buf_text(b, db_col_text(s, i));
			break;
		case DB_COL_BLOB: {
			size_t len;
			const void *p = db_col_blob(s, i, &len);
			buf_blob(b, p, len);
			break;
		}
		}
	}
	buf_need(b, 1);
	b->p[b->len++] = '\n';
}

/* Inserts the first n columns of s's row with one statement (a SQLite destination: no round
 * trip, so a row at a time costs no more than several). */
static int row_insert(struct conn *to, const struct copy_sql *q, struct stmt *s,
		      struct err *e)
{
	struct stmt *ins = conn_prep(to, q->insert, e);
	int i;

	if (!ins)
		return -1;
	for (i = 0; i < q->ncols; i++) {
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
	return step_done(to, ins, "copy row", e);
}

/* Keeps the key of s's row (its last q->nkeys columns) to read the next page after. */
static int key_keep(struct stmt *s, const struct copy_sql *q, struct copy_last *last,
		    struct err *e)
{
	int i;

	for (i = 0; i < q->nkeys; i++) {
		int col = q->ncols + i;
		if (!q->key[i].text) {
			last->num[i] = db_col_i64(s, col);
		} else {
			const char *v = db_col_text(s, col);
			if (!v || strlen(v) >= COPY_KEY_TEXT)
				return err_set(e, ERR_INTERNAL, "a key of %s is too long to copy",
					       q->key[i].name);
			memcpy(last->text[i], v, strlen(v) + 1);
		}
	}
	return 0;
}

/* Copies one page of one tenant's rows of one table (the first when first is set, else the
 * one after *last, which moves to its last row); *page counts its rows. PostgreSQL
 * destinations get them into the COPY that b gathers. */
static int copy_page(struct conn *from, struct conn *to, const struct copy_sql *q,
		     const char *tenant, bool first, struct copy_last *last,
		     struct copy_last *bound, struct copy_buf *b, int *page, struct err *e)
{
	struct stmt *s = conn_prep(from, first ? q->first : q->next, e);
	int rc, i;

	*page = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	/* SQLite reads bound text in place while the statement runs: the key the page starts
	 * after stays in bound while last takes the keys of its rows. */
	if (!first)
		memcpy(bound, last, sizeof(*bound));
	for (i = 0; !first && i < q->nkeys; i++) {
		if (q->key[i].text)
			bind_text(s, i + 2, bound->text[i]);
		else
			db_bind_i64(s, i + 2, bound->num[i]);
	}
	while ((rc = db_step(s)) == DB_ROW) {
		(*page)++;
		if (to->kind == DB_PG) {
			row_to_copy(s, q->ncols, b);
			if (b->len >= COPY_FLUSH) {
				if (pg_copy_put(to, b->p, b->len, e))
					break;
				b->len = 0;
			}
		} else if (row_insert(to, q, s, e)) {
			break;
		}
		if (key_keep(s, q, last, e))
			break;
	}
	db_reset(s);
	if (rc == DB_DONE)
		return 0;
	if (rc == DB_ROW || e->code != ERR_OK)
		return -1;
	return sql_fail(from, rc, "read rows", e);
}

/* Names the table and tenant of a failed copy in e, with the destination's own words when it
 * refused a row (a constraint, a value it cannot store: the source is only read). */
static void copy_failed(const struct copy_sql *q, const char *tenant, struct conn *to,
			struct err *e)
{
	enum err_code code = e->code;
	bool refused = code == ERR_CONFLICT || code == ERR_SLOT_TAKEN || code == ERR_INVALID;
	const char *said = to->msg;
	char why[sizeof(e->message)];

	if (code == ERR_OK)
		return;
	if (!strncmp(said, "ERROR:  ", 8))
		said += 8;
	snprintf(why, sizeof(why), "%s", e->message);
	e->code = ERR_OK;
	err_set(e, code, "%s of tenant %s: %s%s%s", q->table, tenant, why,
		refused && said[0] ? ": " : "", refused ? said : "");
}

/* Copies one tenant's rows of one table, a page at a time; *copied counts them (for a
 * PostgreSQL destination, as the server counted what its COPY took). */
static int copy_rows(struct conn *from, struct conn *to, const struct copy_sql *q,
		     const char *tenant, struct copy_buf *b, int64_t *copied, struct err *e)
{
	struct copy_last *last = xmalloc(2 * sizeof(*last));
	int64_t n = 0, taken = 0;
	bool first = true;
	int page, rc = -1;

	b->len = 0;
	if (to->kind == DB_PG && pg_copy_begin(to, q->copy, e))
		goto out;
	do {
		if (copy_page(from, to, q, tenant, first, &last[0], &last[1], b, &page, e)) {
			/* The COPY is ended (what it took goes with the rollback) and its results
			 * drained, so the connection can roll back; e keeps the first error. */
			if (to->kind == DB_PG)
				pg_copy_end(to, &taken, e);
			goto out;
		}
		first = false;
		n += page;
	} while (q->nkeys && page == q->page);
	if (to->kind == DB_PG) {
		if ((b->len && pg_copy_put(to, b->p, b->len, e)) || pg_copy_end(to, &taken, e))
			goto out;
		if (taken != n) {
			err_set(e, ERR_INTERNAL, "copy: %lld rows sent, %lld taken", (long long)n,
				(long long)taken);
			goto out;
		}
	}
	*copied += n;
	rc = 0;
out:
	if (rc)
		copy_failed(q, tenant, to, e);
	free(last);
	return rc;
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
	struct copy_buf buf = {0};
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
	/* A SQLite destination keeps up to 16 MB of pages in memory instead of 2 MB: the
	 * transaction holds every row, and a small cache writes the same pages out again and
	 * again before COMMIT. */
	if (to->kind == DB_SQLITE && conn_exec(to, "PRAGMA cache_size = -16384", e))
		goto out;
	for (i = 0; i < n; i++)
		if (tenant_absent(from, to, ids[i], e))
			goto out;
	for (t = 0; t < NTABLES; t++)
		if (build_sql(from, &copy_tables[t], &q[t], e))
			goto out;
	for (t = 0; t < NTABLES; t++)
		for (i = 0; i < n; i++)
			if (copy_rows(from, to, &q[t], ids[i], &buf, &copied[t], e))
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
		free(q[t].first);
		free(q[t].next);
		free(q[t].insert);
		free(q[t].copy);
		free(q[t].count);
	}
	free(buf.p);
	free(ids);
	return ok ? 0 : -1;
}
