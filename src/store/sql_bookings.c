/* Bookings, their history and idempotency keys. */
#include "store/sql_int.h"

#include <sodium.h>
#include <string.h>

#include "core/civil.h"
#include "store/store_booking_edit.h"
#include "store/store_notify.h"
#include "store/store_stats.h"

#define BOOKING_COLS                                                                           \
	"id, reference, service_id, provider_id, start_utc, end_utc, block_start, block_end,"   \
	" capacity, status, customer_name, customer_email, customer_phone, notes, metadata,"    \
	" price, currency, version, created_at, updated_at, policy, reschedule_count, fee,"     \
	" fee_reason, locale, closed_at, fee_waived, internal_notes, completion_notes, location"

/* BOOKING_COLS and the booking's feedback (NULLs when none), read in the same statement so
 * a page of bookings costs one query, not one more per row. */
#define FEEDBACK_OF(col)                                                                       \
	" (SELECT f." col " FROM booking_feedback f WHERE f.tenant_id = bookings.tenant_id"    \
	" AND f.booking_id = bookings.id)"
#define BOOKING_FEEDBACK_COLS                                                                  \
	BOOKING_COLS "," FEEDBACK_OF("rating") "," FEEDBACK_OF("comment") ","                  \
		FEEDBACK_OF("created_at") "," FEEDBACK_OF("updated_at")

void read_booked(struct stmt *s, struct arena *a, void *dst)
{
	struct booked_time *b = dst;

	(void)a;
	b->start = db_col_i64(s, 0);
	b->block_start = db_col_i64(s, 1);
	b->block_end = db_col_i64(s, 2);
	col_text(s, 3, b->service_id, sizeof(b->service_id));
	b->held = db_col_int(s, 4) != 0;
}

int booked_read(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		int64_t now, struct arena *a, struct booked_time **out, size_t *n, struct err *e)
{
	/* Blocked intervals last at most BOOKING_MAX_BLOCK_SECONDS: a short index range. */
	struct stmt *s = conn_prep(tx->c,
				    "SELECT start_utc, block_start, block_end, service_id, 0 FROM bookings"
				    " WHERE tenant_id = ?1 AND provider_id = ?2 AND active = 1"
				    " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
				    " UNION ALL"
				    " SELECT start_utc, block_start, block_end, service_id, 1 FROM holds"
				    " WHERE tenant_id = ?1 AND provider_id = ?2 AND expires_at > ?6"
				    " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
				    " ORDER BY 2",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - BOOKING_MAX_BLOCK_SECONDS - 1);
	db_bind_i64(s, 6, now);
	return rows_read(tx->c, s, read_booked, sizeof(**out), a, (void **)out, n, "read bookings",
			 e);
}

static void read_booking(struct stmt *s, struct arena *a, void *dst)
{
	struct booking *b = dst;

	memset(b, 0, sizeof(*b));
	col_text(s, 0, b->id, sizeof(b->id));
	col_text(s, 1, b->reference, sizeof(b->reference));
	col_text(s, 2, b->service_id, sizeof(b->service_id));
	col_text(s, 3, b->provider_id, sizeof(b->provider_id));
	b->start = db_col_i64(s, 4);
	b->end = db_col_i64(s, 5);
	b->block_start = db_col_i64(s, 6);
	b->block_end = db_col_i64(s, 7);
	b->capacity = db_col_int(s, 8);
	booking_status_parse(db_col_text(s, 9), &b->status);
	col_text(s, 10, b->customer_name, sizeof(b->customer_name));
	col_text(s, 11, b->customer_email, sizeof(b->customer_email));
	col_text(s, 12, b->customer_phone, sizeof(b->customer_phone));
	col_text(s, 13, b->notes, sizeof(b->notes));
	b->metadata = db_col_null(s, 14) ? NULL : col_str(s, 14, a);
	col_text(s, 15, b->price, sizeof(b->price));
	col_text(s, 16, b->currency, sizeof(b->currency));
	b->version = db_col_int(s, 17);
	b->created_at = db_col_i64(s, 18);
	b->updated_at = db_col_i64(s, 19);
	policy_decode(db_col_text(s, 20), &b->policy);
	b->reschedule_count = db_col_int(s, 21);
	col_text(s, 22, b->fee, sizeof(b->fee));
	col_text(s, 23, b->fee_reason, sizeof(b->fee_reason));
	col_text(s, 24, b->locale, sizeof(b->locale));
	b->closed_at = db_col_null(s, 25) ? 0 : db_col_i64(s, 25);
	col_text(s, 26, b->fee_waived, sizeof(b->fee_waived));
	col_text(s, 27, b->internal_notes, sizeof(b->internal_notes));
	col_text(s, 28, b->completion_notes, sizeof(b->completion_notes));
	location_decode(db_col_null(s, 29) ? NULL : db_col_text(s, 29), &b->location);
}

/* A row selected with BOOKING_FEEDBACK_COLS. */
static void read_booking_feedback(struct stmt *s, struct arena *a, void *dst)
{
	struct booking *b = dst;
	struct booking_feedback *f;

	read_booking(s, a, b);
	if (db_col_null(s, 30))
		return;
	f = arena_alloc(a, sizeof(*f));
	read_feedback(s, 30, a, f);
	b->feedback = f;
}

int tx_booking_manage_hash(struct store_tx *tx, const char *id, char out[TOKEN_HASH_MAX],
			   struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT manage_token_hash FROM bookings WHERE tenant_id = ?1"
				   " AND id = ?2",
				   id, "booking", e);

	if (!s)
		return -1;
	col_text(s, 0, out, TOKEN_HASH_MAX);
	db_reset(s);
	return 0;
}

int tx_booking_get(struct store_tx *tx, const char *id, struct arena *a, struct booking *out,
		   struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " BOOKING_FEEDBACK_COLS " FROM bookings"
				   " WHERE tenant_id = ?1 AND id = ?2",
				   id, "booking", e);

	if (!s)
		return -1;
	read_booking_feedback(s, a, out);
	db_reset(s);
	return 0;
}

static int history_add(struct store_tx *tx, const char *booking_id, int64_t at,
		       const char *actor, const char *from, const char *to, const char *reason,
		       struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s = conn_prep(
		c,
		"INSERT INTO booking_history(tenant_id, booking_id, seq, at, actor, from_status,"
		" to_status, reason) VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM"
		" booking_history WHERE tenant_id = ?1 AND booking_id = ?2), ?3, ?4, ?5, ?6, ?7)",
		e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, booking_id);
	db_bind_i64(s, 3, at);
	bind_text(s, 4, actor);
	bind_opt_text(s, 5, from);
	bind_text(s, 6, to);
	bind_opt_text(s, 7, reason);
	return step_done(c, s, "record history", e);
}

/* Keys are kept IDEMPOTENCY_KEEP_SECONDS; an older key runs fresh. */
#define IDEMPOTENCY_KEEP_SECONDS 86400
#define IDEMPOTENCY_PURGE_BATCH 64

/* Drops this key if it expired, and a bounded batch of other expired keys, so the table
 * stays small without a background job. */
static int idem_purge(struct store_tx *tx, const char *caller, const char *key, int64_t now,
		      struct err *e)
{
	struct conn *c = tx->c;
	struct stmt *s = conn_prep(c,
				    "DELETE FROM idempotency_keys WHERE tenant_id = ?1 AND caller = ?4"
				    " AND key = ?2 AND created_at < ?3",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, key);
	db_bind_i64(s, 3, now - IDEMPOTENCY_KEEP_SECONDS);
	bind_text(s, 4, caller);
	if (step_done(c, s, "expire idempotency key", e))
		return -1;
	s = conn_prep(c,
		      "DELETE FROM idempotency_keys WHERE (tenant_id, caller, key) IN (SELECT"
		      " tenant_id, caller, key FROM idempotency_keys WHERE created_at < ?1"
		      " ORDER BY created_at LIMIT ?2)",
		      e);
	if (!s)
		return -1;
	db_bind_i64(s, 1, now - IDEMPOTENCY_KEEP_SECONDS);
	db_bind_i64(s, 2, IDEMPOTENCY_PURGE_BATCH);
	return step_done(c, s, "purge idempotency keys", e);
}

int tx_idem_get(struct store_tx *tx, const char *caller, const char *key,
		const char *fingerprint, int64_t now, struct stored_reply *reply, struct err *e)
{
	struct conn *c = tx->c;
	struct stmt *s;
	int rc, found = 0;

	if (idem_purge(tx, caller, key, now, e))
		return -1;
	s = conn_prep(c,
		      "SELECT fingerprint, status, body FROM idempotency_keys"
		      " WHERE tenant_id = ?1 AND caller = ?3 AND key = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, key);
	bind_text(s, 3, caller);
	rc = db_step(s);
	if (rc == DB_ROW) {
		if (strcmp(db_col_text(s, 0), fingerprint) != 0) {
			db_reset(s);
			return err_set(e, ERR_KEY_REUSED,
				       "Idempotency-Key was already used with a different request");
		}
		reply->status = (unsigned)db_col_int(s, 1);
		reply->body = xstrdup(db_col_text(s, 2));
		found = 1;
	}
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(c, rc, "read idempotency key", e);
	return found;
}

int tx_idem_put(struct store_tx *tx, const char *caller, const char *key,
		const char *fingerprint, const struct stored_reply *r, int64_t now,
		struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO idempotency_keys(tenant_id, caller, key, fingerprint,"
				    " status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, caller);
	bind_text(s, 3, key);
	bind_text(s, 4, fingerprint);
	db_bind_i64(s, 5, (int)r->status);
	bind_text(s, 6, r->body);
	db_bind_i64(s, 7, now);
	if (step_done(tx->c, s, "store idempotency key", e) == 0)
		return 0;
	/* A write of another provider (store_begin_for) stored the key after this one read
	 * it: run again, to answer as the key's first request says. */
	if (tx->shared && e->code == ERR_CONFLICT)
		e->rerun = true;
	return -1;
}

static int booking_row_insert(struct store_tx *tx, const struct booking *b,
			      const char *manage_hash, struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s = conn_prep(
		c,
		"INSERT INTO bookings(tenant_id, " BOOKING_COLS ", active, manage_token_hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,"
		" ?33)",
		e);
	char policy[POLICY_TEXT_MAX];
	char location[LOCATION_TEXT_MAX];

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, b->id);
	bind_text(s, 3, b->reference);
	bind_text(s, 4, b->service_id);
	bind_text(s, 5, b->provider_id);
	db_bind_i64(s, 6, b->start);
	db_bind_i64(s, 7, b->end);
	db_bind_i64(s, 8, b->block_start);
	db_bind_i64(s, 9, b->block_end);
	db_bind_i64(s, 10, b->capacity);
	bind_text(s, 11, booking_status_name(b->status));
	bind_text(s, 12, b->customer_name);
	bind_text(s, 13, b->customer_email);
	bind_opt_text(s, 14, b->customer_phone);
	bind_opt_text(s, 15, b->notes);
	bind_opt_text(s, 16, b->metadata);
	bind_opt_text(s, 17, b->price);
	bind_opt_text(s, 18, b->currency);
	db_bind_i64(s, 19, b->version);
	db_bind_i64(s, 20, b->created_at);
	db_bind_i64(s, 21, b->updated_at);
	policy_encode(&b->policy, policy);
	bind_text(s, 22, policy);
	db_bind_i64(s, 23, b->reschedule_count);
	bind_opt_text(s, 24, b->fee);
	bind_opt_text(s, 25, b->fee_reason);
	bind_opt_text(s, 26, b->locale);
	if (b->closed_at)
		db_bind_i64(s, 27, b->closed_at);
	else
		db_bind_null(s, 27);
	bind_opt_text(s, 28, b->fee_waived);
	bind_opt_text(s, 29, b->internal_notes);
	bind_opt_text(s, 30, b->completion_notes);
	location_encode(&b->location, location, sizeof(location));
	bind_opt_text(s, 31, location);
	db_bind_i64(s, 32, booking_is_active(b->status));
	bind_text(s, 33, manage_hash);
	return step_done(c, s, "insert booking", e);
}

/* A fresh reference not yet used by the tenant (8 of 31 symbols: collisions are rare). */
static int unique_reference(struct store_tx *tx, char *out, struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s = conn_prep(c,
				    "SELECT 1 FROM bookings WHERE tenant_id = ?1 AND reference = ?2",
				    e);
	int tries;

	if (!s)
		return -1;
	for (tries = 0; tries < 16; tries++) {
		unsigned char rnd[8];
		int rc;
		randombytes_buf(rnd, sizeof(rnd));
		booking_reference(out, rnd);
		bind_text(s, 1, tenant);
		bind_text(s, 2, out);
		rc = db_step(s);
		db_reset(s);
		if (rc == DB_DONE)
			return 0;
		if (rc != DB_ROW)
			return sql_fail(c, rc, "check reference", e);
	}
	return err_set(e, ERR_INTERNAL, "could not find a free booking reference");
}

int tx_booking_reference_new(struct store_tx *tx, char out[BOOKING_REFERENCE_LEN + 1],
			     struct err *e)
{
	return unique_reference(tx, out, e);
}

/* "staff:usr_…" (a console user's change) into the role word and the user's id. */
static void history_actor_split(struct booking_event *ev)
{
	char *colon = strchr(ev->actor, ':');

	if (!colon)
		return;
	snprintf(ev->user_id, sizeof(ev->user_id), "%s", colon + 1);
	*colon = '\0';
}

int tx_booking_insert(struct store_tx *tx, struct booking *bk, const char *manage_hash,
		      const char *actor, const char *reason, struct err *e)
{
	if ((!*bk->reference && unique_reference(tx, bk->reference, e)) ||
	    booking_row_insert(tx, bk, manage_hash, e) ||
	    tx_stats_refresh(tx, bk->provider_id, stats_day(bk->start), e))
		return -1;
	return history_add(tx, bk->id, bk->created_at, actor, NULL,
			   booking_status_name(bk->status), reason, e);
}

int tx_booking_set_status(struct store_tx *tx, const struct booking *b,
			  enum booking_status from_status, const char *actor,
			  const char *reason, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE bookings SET status = ?3, active = ?4, version = version + 1,"
				    " updated_at = ?5, fee = ?6, fee_reason = ?7, fee_waived = ?8,"
				    " closed_at = CASE WHEN ?4 = 1 THEN NULL ELSE ?5 END,"
				    " completion_notes = ?9 WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, b->id);
	bind_text(s, 3, booking_status_name(b->status));
	db_bind_i64(s, 4, booking_is_active(b->status));
	db_bind_i64(s, 5, now);
	bind_opt_text(s, 6, b->fee);
	bind_opt_text(s, 7, b->fee_reason);
	bind_opt_text(s, 8, b->fee_waived);
	bind_opt_text(s, 9, b->completion_notes);
	if (step_done(tx->c, s, "update booking", e) ||
	    tx_stats_refresh(tx, b->provider_id, stats_day(b->start), e))
		return -1;
	return history_add(tx, b->id, now, actor, booking_status_name(from_status),
			   booking_status_name(b->status), reason, e);
}

int tx_booking_move(struct store_tx *tx, const struct booking *b, const char *actor,
		    const char *reason, int64_t now, struct err *e)
{
	struct stmt *was = row_by_id(tx,
				     "SELECT start_utc FROM bookings WHERE tenant_id = ?1 AND id = ?2",
				     b->id, "booking", e);
	int64_t old_day;
	struct stmt *s;

	if (!was)
		return -1;
	old_day = stats_day(db_col_i64(was, 0));
	db_reset(was);
	s = conn_prep(tx->c,
				    "UPDATE bookings SET start_utc = ?3, end_utc = ?4, block_start = ?5,"
				    " block_end = ?6, version = version + 1, updated_at = ?7,"
				    " reschedule_count = reschedule_count + 1"
				    " WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, b->id);
	db_bind_i64(s, 3, b->start);
	db_bind_i64(s, 4, b->end);
	db_bind_i64(s, 5, b->block_start);
	db_bind_i64(s, 6, b->block_end);
	db_bind_i64(s, 7, now);
	if (step_done(tx->c, s, "reschedule booking", e) ||
	    tx_stats_refresh(tx, b->provider_id, old_day, e) ||
	    (stats_day(b->start) != old_day &&
	     tx_stats_refresh(tx, b->provider_id, stats_day(b->start), e)))
		return -1;
	return history_add(tx, b->id, now, actor, booking_status_name(b->status),
			   booking_status_name(b->status), reason, e);
}

int bookings_overlapping(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
			 struct arena *a, struct booking **out, size_t *n, struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	/* The blocked interval holds the booking and lasts at most BOOKING_MAX_BLOCK_SECONDS,
	 * which bounds the range read from the provider's index of active bookings. */
	struct stmt *s = conn_prep(c,
				    "SELECT " BOOKING_COLS " FROM bookings"
				    " INDEXED BY bookings_active_by_provider WHERE tenant_id = ?1"
				    " AND provider_id = ?2 AND active = 1 AND block_start > ?5"
				    " AND block_start < ?4 AND block_end > ?3 AND start_utc < ?4"
				    " AND end_utc > ?3 ORDER BY start_utc, id",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - BOOKING_MAX_BLOCK_SECONDS - 1);
	return rows_read(c, s, read_booking, sizeof(**out), a, (void **)out, n, "read bookings", e);
}

/* A LIKE pattern matching q anywhere, escaped with a backslash so that q's wildcards and
 * backslashes stand for themselves. NULL for NULL. */
static const char *search_pattern(const char *q, struct arena *a)
{
	size_t len, i, k = 0;
	char *p;

	if (!q)
		return NULL;
	len = strlen(q);
	p = arena_alloc(a, 2 * len + 3);
	p[k++] = '%';
	for (i = 0; i < len; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[k++] = '\\';
		p[k++] = q[i];
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

int tx_booking_list(struct store_tx *tx, const struct booking_filter *f, struct page pg,
		    struct arena *a, struct booking **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " BOOKING_FEEDBACK_COLS " FROM bookings WHERE tenant_id = ?1 AND id > ?2"
		" AND (?3 IS NULL OR provider_id = ?3) AND (?4 IS NULL OR service_id = ?4)"
		" AND (?5 IS NULL OR lower(customer_email) = lower(?5))"
		" AND (?6 IS NULL OR status = ?6) AND start_utc >= ?7 AND start_utc < ?8"
		" AND (?10 IS NULL OR provider_id IN (SELECT provider_id FROM api_key_providers"
		"  WHERE tenant_id = ?1 AND key_id = ?10 UNION ALL SELECT provider_id FROM users"
		"  WHERE tenant_id = ?1 AND id = ?10))"
		/* lower() on both sides: the database folds the pattern and the columns alike. */
		" AND (?11 IS NULL OR lower(customer_name) LIKE lower(?11) ESCAPE '\\'"
		"  OR lower(customer_email) LIKE lower(?11) ESCAPE '\\'"
		"  OR lower(customer_phone) LIKE lower(?11) ESCAPE '\\'"
		"  OR lower(reference) LIKE lower(?11) ESCAPE '\\')"
		" ORDER BY id LIMIT ?9",
		e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	*out = arena_alloc(a, pg.limit * sizeof(**out) + 1);
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	bind_opt_text(s, 3, f->provider_id);
	bind_opt_text(s, 4, f->service_id);
	bind_opt_text(s, 5, f->customer_email);
	bind_opt_text(s, 6, f->status >= 0 ? booking_status_name((enum booking_status)f->status)
					    : NULL);
	db_bind_i64(s, 7, f->from);
	db_bind_i64(s, 8, f->to);
	db_bind_i64(s, 9, (int64_t)pg.limit);
	bind_opt_text(s, 10, f->scope_key);
	bind_opt_text(s, 11, search_pattern(f->q, a));
	while ((rc = db_step(s)) == DB_ROW)
		read_booking_feedback(s, a, &(*out)[(*n)++]);
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "list bookings", e);
	return 0;
}

int tx_provider_upcoming(struct store_tx *tx, const char *id, int64_t now, size_t max,
			 struct arena *a, struct booking **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " BOOKING_COLS " FROM bookings WHERE tenant_id = ?1"
				    " AND provider_id = ?2 AND active = 1 AND end_utc > ?3"
				    " ORDER BY start_utc, id LIMIT ?4",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	db_bind_i64(s, 4, max ? (int64_t)max : INT64_MAX);
	return rows_read(tx->c, s, read_booking, sizeof(**out), a, (void **)out, n,
			 "read upcoming bookings", e);
}

int tx_booking_by_token(struct store_tx *tx, const char *token_hash, char tenant[ID_MAX],
			char booking_id[ID_MAX], struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT tenant_id, id FROM bookings WHERE manage_token_hash = ?1",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, token_hash);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, tenant, ID_MAX);
		col_text(s, 1, booking_id, ID_MAX);
	}
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "find manage token", e);
	return 0;
}

int tx_booking_history(struct store_tx *tx, const char *id, struct arena *a,
		       struct booking_event **out, size_t *n, struct err *e)
{
	struct booking b;
	struct stmt *s;
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (tx_booking_get(tx, id, a, &b, e))
		return -1;
	s = conn_prep(tx->c,
		      "SELECT at, actor, from_status, to_status, reason FROM booking_history"
		      " WHERE tenant_id = ?1 AND booking_id = ?2 ORDER BY seq",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	while ((rc = db_step(s)) == DB_ROW) {
		struct booking_event *ev;
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		ev = &(*out)[(*n)++];
		ev->at = db_col_i64(s, 0);
		col_text(s, 1, ev->actor, sizeof(ev->actor));
		history_actor_split(ev);
		col_text(s, 2, ev->from_status, sizeof(ev->from_status));
		col_text(s, 3, ev->to_status, sizeof(ev->to_status));
		col_text(s, 4, ev->reason, sizeof(ev->reason));
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(tx->c, rc, "read history", e);
	return 0;
}
