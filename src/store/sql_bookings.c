/* SQLite backend: bookings, their history and idempotency keys. */
#include "store/sql_int.h"

#include <sodium.h>
#include <string.h>

#include "core/civil.h"

#define BOOKING_COLS                                                                           \
	"id, reference, service_id, provider_id, start_utc, end_utc, block_start, block_end,"   \
	" capacity, status, customer_name, customer_email, customer_phone, notes, metadata,"    \
	" price, currency, version, created_at, updated_at, policy, reschedule_count, fee,"     \
	" fee_reason"

int booked_read(struct conn *c, const char *tenant, const char *provider_id, int64_t from,
		int64_t to, int64_t now, struct arena *a, struct booked_time **out, size_t *n,
		struct err *e)
{
	/* Blocked intervals last at most BOOKING_MAX_BLOCK_SECONDS: a short index range. */
	struct stmt *s = conn_prep(c,
				    "SELECT start_utc, block_start, block_end, service_id, 0 FROM bookings"
				    " WHERE tenant_id = ?1 AND provider_id = ?2 AND active = 1"
				    " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
				    " UNION ALL"
				    " SELECT start_utc, block_start, block_end, service_id, 1 FROM holds"
				    " WHERE tenant_id = ?1 AND provider_id = ?2 AND expires_at > ?6"
				    " AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
				    " ORDER BY 2",
				    e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - BOOKING_MAX_BLOCK_SECONDS - 1);
	db_bind_i64(s, 6, now);
	while ((rc = db_step(s)) == DB_ROW) {
		struct booked_time *b;
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		b = &(*out)[(*n)++];
		b->start = db_col_i64(s, 0);
		b->block_start = db_col_i64(s, 1);
		b->block_end = db_col_i64(s, 2);
		col_text(s, 3, b->service_id, sizeof(b->service_id));
		b->held = db_col_int(s, 4) != 0;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read bookings", e);
	return 0;
}

static void read_booking(struct stmt *s, struct arena *a, struct booking *b)
{
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
}

static int booking_read(struct conn *c, const char *tenant, const char *id, struct arena *a,
			struct booking *out, struct err *e)
{
	struct stmt *s = row_by_id(c,
				    "SELECT " BOOKING_COLS
				    " FROM bookings WHERE tenant_id = ?1 AND id = ?2",
				    tenant, id, "booking", e);

	if (!s)
		return -1;
	read_booking(s, a, out);
	db_reset(s);
	return 0;
}

static int history_add(struct conn *c, const char *tenant, const char *booking_id, int64_t at,
		       const char *actor, const char *from, const char *to, const char *reason,
		       struct err *e)
{
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
static int idem_purge(struct conn *c, const char *tenant, const char *key, int64_t now,
		      struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "DELETE FROM idempotency_keys WHERE tenant_id = ?1 AND key = ?2"
				    " AND created_at < ?3",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, key);
	db_bind_i64(s, 3, now - IDEMPOTENCY_KEEP_SECONDS);
	if (step_done(c, s, "expire idempotency key", e))
		return -1;
	s = conn_prep(c,
		      "DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (SELECT tenant_id, key"
		      " FROM idempotency_keys WHERE created_at < ?1 LIMIT ?2)",
		      e);
	if (!s)
		return -1;
	db_bind_i64(s, 1, now - IDEMPOTENCY_KEEP_SECONDS);
	db_bind_i64(s, 2, IDEMPOTENCY_PURGE_BATCH);
	return step_done(c, s, "purge idempotency keys", e);
}

/* Looks the key up: 1 with *replay filled when stored, 0 when new, -1 on error. */
static int idem_lookup(struct conn *c, const char *tenant, const char *key,
		       const char *fingerprint, struct stored_reply *replay, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "SELECT fingerprint, status, body FROM idempotency_keys"
				    " WHERE tenant_id = ?1 AND key = ?2",
				    e);
	int rc, found = 0;

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, key);
	rc = db_step(s);
	if (rc == DB_ROW) {
		if (strcmp(db_col_text(s, 0), fingerprint) != 0) {
			db_reset(s);
			return err_set(e, ERR_KEY_REUSED,
				       "Idempotency-Key was already used with a different request");
		}
		replay->status = (unsigned)db_col_int(s, 1);
		replay->body = xstrdup(db_col_text(s, 2));
		found = 1;
	}
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(c, rc, "read idempotency key", e);
	return found;
}

static int idem_store(struct conn *c, const char *tenant, const char *key,
		      const char *fingerprint, const struct stored_reply *r, int64_t now,
		      struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "INSERT INTO idempotency_keys(tenant_id, key, fingerprint, status,"
				    " body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, key);
	bind_text(s, 3, fingerprint);
	db_bind_i64(s, 4, (int)r->status);
	bind_text(s, 5, r->body);
	db_bind_i64(s, 6, now);
	return step_done(c, s, "store idempotency key", e);
}

static int booking_insert(struct conn *c, const char *tenant, const struct booking *b,
			  const char *manage_hash, struct err *e)
{
	struct stmt *s = conn_prep(
		c,
		"INSERT INTO bookings(tenant_id, " BOOKING_COLS ", active, manage_token_hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
		e);
	char policy[POLICY_TEXT_MAX];

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
	db_bind_i64(s, 26, booking_is_active(b->status));
	bind_text(s, 27, manage_hash);
	return step_done(c, s, "insert booking", e);
}

/* A fresh reference not yet used by the tenant (8 of 31 symbols: collisions are rare). */
static int unique_reference(struct conn *c, const char *tenant, char *out, struct err *e)
{
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

int candidates_read(struct conn *c, const char *tenant, const struct service *svc,
		    const char *provider_id, int64_t from_day, int64_t to_day, int64_t now,
		    struct arena *a, struct avail_bundle **out, size_t *n, struct err *e)
{
	size_t i;

	*n = 0;
	*out = arena_alloc(a, (svc->nproviders + 1) * sizeof(**out));
	for (i = 0; i < svc->nproviders; i++) {
		if (provider_id && strcmp(provider_id, svc->provider_ids[i]) != 0)
			continue;
		if (avail_read(c, tenant, svc->provider_ids[i], from_day, to_day, now, a,
			       &(*out)[*n], e))
			return -1;
		(*n)++;
	}
	return 0;
}

/* Checks that hold h may be consumed by a booking of service_id / provider_id at start. */
static int hold_fits(const struct hold *h, const char *service_id, const char *provider_id,
		     int64_t start, int64_t now, struct err *e)
{
	if (h->expires_at <= now)
		return err_set(e, ERR_HOLD_EXPIRED, "hold %s expired", h->id);
	if (strcmp(h->service_id, service_id) != 0)
		return err_field(e, "/hold_id", "holds another service");
	if (provider_id && strcmp(h->provider_id, provider_id) != 0)
		return err_field(e, "/hold_id", "holds another provider");
	if (h->start != start)
		return err_field(e, "/hold_id", "holds another start");
	return 0;
}

/* Removes one entry (one seat, for groups) of the given time from a bundle's booked time,
 * keeping the rest in order of blocked start: a hold about to be consumed, or a booking
 * about to move. */
static void drop_time(struct avail_bundle *bd, bool held, int64_t start, int64_t block_start,
		      int64_t block_end, const char *service_id)
{
	size_t i;

	for (i = 0; i < bd->nbooked; i++) {
		struct booked_time *t = &bd->booked[i];
		if (t->held == held && t->start == start && t->block_start == block_start &&
		    t->block_end == block_end && !strcmp(t->service_id, service_id)) {
			memmove(t, t + 1, (bd->nbooked - i - 1) * sizeof(*t));
			bd->nbooked--;
			return;
		}
	}
}

static int booking_create_once(struct store *st, const char *tenant, const char *idem_key,
			 const char *fingerprint, const char *service_id, const char *provider_id,
			 const char *hold_id, int64_t now, const char *manage_hash,
			 const struct booking_create_ops *ops, void *ctx, struct booking *bk,
			 struct stored_reply *replay, bool *replayed, struct arena *a,
			 struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct avail_bundle *bundles = NULL;
	struct policy defaults;
	struct service svc;
	struct hold hold;
	struct err decided;
	size_t n = 0;
	int found, pick = -1;
	bool ok = false;

	*replayed = false;
	replay->body = NULL;
	if (!c)
		return -1;
	if (idem_purge(c, tenant, idem_key, now, e))
		goto out;
	found = idem_lookup(c, tenant, idem_key, fingerprint, replay, e);
	if (found != 0) {
		*replayed = found > 0;
		ok = found > 0;
		goto out;
	}
	if (service_read(c, tenant, service_id, a, &svc, e) ||
	    tenant_policy_read(c, tenant, &defaults, e))
		goto out;
	err_init(&decided);
	if (hold_id) {
		int rc = hold_read(c, tenant, hold_id, &hold, e);
		if (rc < 0 && e->code != ERR_NOT_FOUND)
			goto out;
		if (rc < 0) {
			err_init(e);
			err_field(&decided, "/hold_id", "no such hold");
		} else if (hold_fits(&hold, service_id, provider_id, bk->start, now, &decided) == 0) {
			provider_id = hold.provider_id;
		}
	}
	if (!decided.code) {
		if (candidates_around(c, tenant, &svc, provider_id, bk->start, now, a, &bundles, &n,
				      e))
			goto out;
		if (hold_id && n == 1)
			drop_time(&bundles[0], true, hold.start, hold.block_start, hold.block_end,
				  hold.service_id);
		pick = ops->pick(ctx, &svc, bundles, n, bk, &decided);
	}
	if (pick >= 0) {
		policy_resolve(&defaults, &svc.policy, &bk->policy);
		if (unique_reference(c, tenant, bk->reference, e) ||
		    booking_insert(c, tenant, bk, manage_hash, e) ||
		    history_add(c, tenant, bk->id, now, "api", NULL, booking_status_name(bk->status),
				hold_id ? "created from a hold" : "created", e) ||
		    (hold_id && hold_consume(c, tenant, &hold, bk->id, now, e)))
			goto out;
	} else if (decided.code != ERR_SLOT_TAKEN && decided.code != ERR_INVALID &&
		   decided.code != ERR_UNAVAILABLE && decided.code != ERR_HOLD_EXPIRED) {
		/* Not a business outcome (e.g. the store failed): nothing is stored. */
		*e = decided;
		goto out;
	}
	ops->reply(ctx, pick >= 0 ? bk : NULL, &decided, replay);
	if (idem_store(c, tenant, idem_key, fingerprint, replay, now, e))
		goto out;
	ok = true;
out:
	if (tx_end(st, c, ok, e) || !ok) {
		free(replay->body);
		replay->body = NULL;
		return -1;
	}
	return 0;
}

int store_booking_create(struct store *st, const char *tenant, const char *idem_key,
			 const char *fingerprint, const char *service_id, const char *provider_id,
			 const char *hold_id, int64_t now, const char *manage_hash,
			 const struct booking_create_ops *ops, void *ctx, struct booking *bk,
			 struct stored_reply *replay, bool *replayed, struct arena *a,
			 struct err *e)
{
	return TX_RERUN(e, booking_create_once(st, tenant, idem_key, fingerprint, service_id, provider_id, hold_id, now, manage_hash, ops, ctx, bk, replay, replayed, a, e));
}

int store_booking_get(struct store *st, const char *tenant, const char *id, struct arena *a,
		      struct booking *out, struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = booking_read(c, tenant, id, a, out, e);
	conn_put(st, c);
	return rc;
}

int bookings_overlapping(struct conn *c, const char *tenant, const char *provider_id,
			 int64_t from, int64_t to, struct arena *a, struct booking **out,
			 size_t *n, struct err *e)
{
	/* The blocked interval holds the booking and lasts at most BOOKING_MAX_BLOCK_SECONDS,
	 * which bounds the range read from the provider's index of active bookings. */
	struct stmt *s = conn_prep(c,
				    "SELECT " BOOKING_COLS " FROM bookings"
				    " INDEXED BY bookings_active_by_provider WHERE tenant_id = ?1"
				    " AND provider_id = ?2 AND active = 1 AND block_start > ?5"
				    " AND block_start < ?4 AND block_end > ?3 AND start_utc < ?4"
				    " AND end_utc > ?3 ORDER BY start_utc, id",
				    e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - BOOKING_MAX_BLOCK_SECONDS - 1);
	while ((rc = db_step(s)) == DB_ROW) {
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		read_booking(s, a, &(*out)[(*n)++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read bookings", e);
	return 0;
}

int store_booking_list(struct store *st, const char *tenant, const struct booking_filter *f,
		       struct page pg, struct arena *a, struct booking **out, size_t *n,
		       struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc;

	*n = 0;
	if (!c)
		return -1;
	s = conn_prep(c,
		      "SELECT " BOOKING_COLS " FROM bookings WHERE tenant_id = ?1 AND id > ?2"
		      " AND (?3 IS NULL OR provider_id = ?3) AND (?4 IS NULL OR service_id = ?4)"
		      " AND (?5 IS NULL OR lower(customer_email) = lower(?5))"
		      " AND (?6 IS NULL OR status = ?6) AND start_utc >= ?7 AND start_utc < ?8"
		      " ORDER BY id LIMIT ?9",
		      e);
	if (!s) {
		conn_put(st, c);
		return -1;
	}
	*out = arena_alloc(a, pg.limit * sizeof(**out) + 1);
	bind_text(s, 1, tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	bind_opt_text(s, 3, f->provider_id);
	bind_opt_text(s, 4, f->service_id);
	bind_opt_text(s, 5, f->customer_email);
	bind_opt_text(s, 6, f->status >= 0 ? booking_status_name((enum booking_status)f->status)
					    : NULL);
	db_bind_i64(s, 7, f->from);
	db_bind_i64(s, 8, f->to);
	db_bind_i64(s, 9, (int64_t)pg.limit);
	while ((rc = db_step(s)) == DB_ROW)
		read_booking(s, a, &(*out)[(*n)++]);
	db_reset(s);
	if (rc != DB_DONE)
		sql_fail(c, rc, "list bookings", e);
	conn_put(st, c);
	return rc == DB_DONE ? 0 : -1;
}

static int booking_transition_once(struct store *st, const char *tenant, const char *id,
			     enum booking_action action, int if_match, const char *actor,
			     const char *reason, int64_t now, store_booking_guard_fn guard,
			     void *ctx, struct arena *a, struct booking *out, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	enum booking_status from, to;
	char text[NOTE_MAX_LEN + 1];
	const char *note = NULL;
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	if (booking_read(c, tenant, id, a, out, e))
		goto out;
	if (if_match > 0 && if_match != out->version) {
		err_set(e, ERR_PRECONDITION, "booking %s has changed (version %d, If-Match %d)", id,
			out->version, if_match);
		goto out;
	}
	from = out->status;
	if (booking_transition(from, action, &to)) {
		err_set(e, ERR_CONFLICT, "cannot %s a booking that is %s",
			booking_action_name(action), booking_status_name(from));
		goto out;
	}
	if (guard && guard(ctx, out, to, &note, e))
		goto out;
	if (note) {
		snprintf(text, sizeof(text), "%s%s%s", reason, *reason ? " " : "", note);
		reason = text;
	}
	s = conn_prep(c,
		      "UPDATE bookings SET status = ?3, active = ?4, version = version + 1,"
		      " updated_at = ?5, fee = ?6, fee_reason = ?7 WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	bind_text(s, 3, booking_status_name(to));
	db_bind_i64(s, 4, booking_is_active(to));
	db_bind_i64(s, 5, now);
	bind_opt_text(s, 6, out->fee);
	bind_opt_text(s, 7, out->fee_reason);
	if (step_done(c, s, "update booking", e) ||
	    history_add(c, tenant, id, now, actor, booking_status_name(from),
			booking_status_name(to), reason, e))
		goto out;
	out->status = to;
	out->version++;
	out->updated_at = now;
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_booking_transition(struct store *st, const char *tenant, const char *id,
			     enum booking_action action, int if_match, const char *actor,
			     const char *reason, int64_t now, store_booking_guard_fn guard,
			     void *ctx, struct arena *a, struct booking *out, struct err *e)
{
	return TX_RERUN(e, booking_transition_once(st, tenant, id, action, if_match, actor, reason, now, guard, ctx, a, out, e));
}

static int booking_reschedule_once(struct store *st, const char *tenant, const char *id,
			     int64_t new_start, int if_match, const char *actor, const char *reason,
			     int64_t now, store_reschedule_check_fn check, void *ctx,
			     struct arena *a, struct booking *out, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct avail_bundle bundle;
	struct service svc;
	char from_text[RFC3339_STR_MAX], to_text[RFC3339_STR_MAX], note[NOTE_MAX_LEN + 160];
	const char *remark = NULL;
	int64_t day = floor_div(new_start, 86400);	/* see candidates_around */
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	if (booking_read(c, tenant, id, a, out, e))
		goto out;
	if (if_match > 0 && if_match != out->version) {
		err_set(e, ERR_PRECONDITION, "booking %s has changed (version %d, If-Match %d)", id,
			out->version, if_match);
		goto out;
	}
	if (!booking_is_active(out->status)) {
		err_set(e, ERR_CONFLICT, "cannot reschedule a booking that is %s",
			booking_status_name(out->status));
		goto out;
	}
	if (service_read(c, tenant, out->service_id, a, &svc, e) ||
	    avail_read(c, tenant, out->provider_id, day - 2, day + 2, now, a, &bundle, e))
		goto out;
	drop_time(&bundle, false, out->start, out->block_start, out->block_end, out->service_id);
	if (check(ctx, out, &svc, &bundle, new_start, &remark, e))
		goto out;
	rfc3339_format(out->start, 0, from_text);
	rfc3339_format(new_start, 0, to_text);
	snprintf(note, sizeof(note), "rescheduled from %s to %s%s%s%s%s", from_text, to_text,
		 *reason ? ": " : "", reason, remark ? " " : "", remark ? remark : "");
	out->start = new_start;
	out->end = new_start + (int64_t)svc.duration_min * 60;
	out->block_start = out->start - (int64_t)svc.buffer_before_min * 60;
	out->block_end = out->end + (int64_t)svc.buffer_after_min * 60;
	s = conn_prep(c,
		      "UPDATE bookings SET start_utc = ?3, end_utc = ?4, block_start = ?5,"
		      " block_end = ?6, version = version + 1, updated_at = ?7,"
		      " reschedule_count = reschedule_count + 1"
		      " WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, out->start);
	db_bind_i64(s, 4, out->end);
	db_bind_i64(s, 5, out->block_start);
	db_bind_i64(s, 6, out->block_end);
	db_bind_i64(s, 7, now);
	if (step_done(c, s, "reschedule booking", e) ||
	    history_add(c, tenant, id, now, actor, booking_status_name(out->status),
			booking_status_name(out->status), note, e))
		goto out;
	out->version++;
	out->reschedule_count++;
	out->updated_at = now;
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_booking_reschedule(struct store *st, const char *tenant, const char *id,
			     int64_t new_start, int if_match, const char *actor, const char *reason,
			     int64_t now, store_reschedule_check_fn check, void *ctx,
			     struct arena *a, struct booking *out, struct err *e)
{
	return TX_RERUN(e, booking_reschedule_once(st, tenant, id, new_start, if_match, actor, reason, now, check, ctx, a, out, e));
}

int store_booking_by_token(struct store *st, const char *token_hash, char tenant[ID_MAX],
			   char booking_id[ID_MAX], struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT tenant_id, id FROM bookings WHERE manage_token_hash = ?1", e);
	if (!s) {
		conn_put(st, c);
		return -1;
	}
	bind_text(s, 1, token_hash);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, tenant, ID_MAX);
		col_text(s, 1, booking_id, ID_MAX);
	}
	db_reset(s);
	if (rc == DB_DONE)
		err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
	else if (rc != DB_ROW)
		sql_fail(c, rc, "find manage token", e);
	conn_put(st, c);
	return rc == DB_ROW ? 0 : -1;
}

int store_booking_history(struct store *st, const char *tenant, const char *id,
			  struct arena *a, struct booking_event **out, size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct booking b;
	struct stmt *s;
	size_t cap = 0;
	int rc = DB_DONE;

	*n = 0;
	*out = NULL;
	if (!c)
		return -1;
	if (booking_read(c, tenant, id, a, &b, e))
		goto fail;
	s = conn_prep(c,
		      "SELECT at, actor, from_status, to_status, reason FROM booking_history"
		      " WHERE tenant_id = ?1 AND booking_id = ?2 ORDER BY seq",
		      e);
	if (!s)
		goto fail;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	while ((rc = db_step(s)) == DB_ROW) {
		struct booking_event *ev;
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		ev = &(*out)[(*n)++];
		ev->at = db_col_i64(s, 0);
		col_text(s, 1, ev->actor, sizeof(ev->actor));
		col_text(s, 2, ev->from_status, sizeof(ev->from_status));
		col_text(s, 3, ev->to_status, sizeof(ev->to_status));
		col_text(s, 4, ev->reason, sizeof(ev->reason));
	}
	db_reset(s);
	if (rc != DB_DONE) {
		sql_fail(c, rc, "read history", e);
		goto fail;
	}
	conn_put(st, c);
	return 0;
fail:
	conn_put(st, c);
	return -1;
}
