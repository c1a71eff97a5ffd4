/* SQLite backend: the waitlist and its offers. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"

#define WAITLIST_COLS                                                                          \
	"id, service_id, provider_id, customer_name, customer_email, customer_phone,"         \
	" earliest_day, latest_day, weekdays, windows, priority, status, hold_id,"             \
	" offer_provider_id, offer_start, offer_expires_at, offers, booking_id, created_at,"   \
	" updated_at"
#define WAITLIST_RUN_MAX 500	/* entries considered in one round */

static const char *const status_names[WAITLIST__STATUS_COUNT] = {"waiting", "offered", "booked",
								 "expired"};

const char *waitlist_status_name(enum waitlist_status s)
{
	return (unsigned)s < WAITLIST__STATUS_COUNT ? status_names[s] : "waiting";
}

int waitlist_status_parse(const char *s, enum waitlist_status *out)
{
	int i;

	for (i = 0; i < WAITLIST__STATUS_COUNT; i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum waitlist_status)i;
			return 0;
		}
	return -1;
}

static void windows_encode(const struct waitlist_entry *w, char *out, size_t size)
{
	size_t n = 0, i;

	out[0] = '\0';
	for (i = 0; i < w->nwindows && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%d-%d", i ? "," : "",
				      w->windows[i].from_min, w->windows[i].to_min);
}

static void windows_decode(const char *s, struct waitlist_entry *w)
{
	w->nwindows = 0;
	while (*s && w->nwindows < WAITLIST_MAX_WINDOWS) {
		char *end;
		long from = strtol(s, &end, 10), to;
		if (*end != '-')
			return;
		to = strtol(end + 1, &end, 10);
		w->windows[w->nwindows].from_min = (int)from;
		w->windows[w->nwindows].to_min = (int)to;
		w->nwindows++;
		s = *end == ',' ? end + 1 : end;
		if (!*end)
			return;
	}
}

static int64_t col_opt_int64(struct stmt *s, int i)
{
	return db_col_null(s, i) ? 0 : db_col_i64(s, i);
}

static void read_entry(struct stmt *s, struct waitlist_entry *w)
{
	memset(w, 0, sizeof(*w));
	col_text(s, 0, w->id, sizeof(w->id));
	col_text(s, 1, w->service_id, sizeof(w->service_id));
	col_text(s, 2, w->provider_id, sizeof(w->provider_id));
	col_text(s, 3, w->customer_name, sizeof(w->customer_name));
	col_text(s, 4, w->customer_email, sizeof(w->customer_email));
	col_text(s, 5, w->customer_phone, sizeof(w->customer_phone));
	w->earliest_day = db_col_i64(s, 6);
	w->latest_day = db_col_i64(s, 7);
	w->weekdays = (unsigned)db_col_int(s, 8);
	windows_decode(db_col_text(s, 9), w);
	w->priority = db_col_int(s, 10);
	waitlist_status_parse(db_col_text(s, 11), &w->status);
	col_text(s, 12, w->hold_id, sizeof(w->hold_id));
	col_text(s, 13, w->offer_provider_id, sizeof(w->offer_provider_id));
	w->offer_start = col_opt_int64(s, 14);
	w->offer_expires_at = col_opt_int64(s, 15);
	w->offers = db_col_int(s, 16);
	col_text(s, 17, w->booking_id, sizeof(w->booking_id));
	w->created_at = db_col_i64(s, 18);
	w->updated_at = db_col_i64(s, 19);
}

static int entry_read(struct conn *c, const char *tenant, const char *id,
		      struct waitlist_entry *out, struct err *e)
{
	struct stmt *s = row_by_id(c,
				    "SELECT " WAITLIST_COLS
				    " FROM waitlist WHERE tenant_id = ?1 AND id = ?2",
				    tenant, id, "waitlist entry", e);

	if (!s)
		return -1;
	read_entry(s, out);
	db_reset(s);
	return 0;
}

int store_waitlist_create(struct store *st, const char *tenant, const struct waitlist_entry *w,
			  struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	char windows[WAITLIST_MAX_WINDOWS * 12];
	struct arena *a = arena_new();
	struct service svc;
	struct stmt *s;
	bool ok = false;
	size_t i;

	if (!c) {
		arena_free(a);
		return -1;
	}
	if (service_read(c, tenant, w->service_id, a, &svc, e)) {
		if (e->code == ERR_NOT_FOUND) {
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
		goto out;
	}
	if (*w->provider_id) {
		for (i = 0; i < svc.nproviders && strcmp(svc.provider_ids[i], w->provider_id); i++)
			;
		if (i == svc.nproviders) {
			err_field(e, "/provider_id", "does not offer this service");
			goto out;
		}
	}
	s = conn_prep(c,
		      "INSERT INTO waitlist(tenant_id, id, service_id, provider_id, customer_name,"
		      " customer_email, customer_phone, earliest_day, latest_day, weekdays, windows,"
		      " priority, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		      " ?8, ?9, ?10, ?11, ?12, 'waiting', ?13, ?13)",
		      e);
	if (!s)
		goto out;
	windows_encode(w, windows, sizeof(windows));
	bind_text(s, 1, tenant);
	bind_text(s, 2, w->id);
	bind_text(s, 3, w->service_id);
	bind_opt_text(s, 4, w->provider_id);
	bind_text(s, 5, w->customer_name);
	bind_text(s, 6, w->customer_email);
	bind_opt_text(s, 7, w->customer_phone);
	db_bind_i64(s, 8, w->earliest_day);
	db_bind_i64(s, 9, w->latest_day);
	db_bind_i64(s, 10, (int)w->weekdays);
	bind_text(s, 11, windows);
	db_bind_i64(s, 12, w->priority);
	db_bind_i64(s, 13, w->created_at);
	ok = step_done(c, s, "insert waitlist entry", e) == 0;
out:
	arena_free(a);
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_waitlist_get(struct store *st, const char *tenant, const char *id,
		       struct waitlist_entry *out, struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = entry_read(c, tenant, id, out, e);
	conn_put(st, c);
	return rc;
}

int store_waitlist_list(struct store *st, const char *tenant, const struct waitlist_filter *f,
			struct page pg, struct arena *a, struct waitlist_entry **out, size_t *n,
			struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = DB_ERROR;

	*n = 0;
	if (!c)
		return -1;
	s = conn_prep(c,
		      "SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1 AND id > ?2"
		      " AND (?3 IS NULL OR service_id = ?3) AND (?4 IS NULL OR status = ?4)"
		      " ORDER BY id LIMIT ?5",
		      e);
	if (s) {
		*out = arena_alloc(a, pg.limit * sizeof(**out) + 1);
		bind_text(s, 1, tenant);
		bind_text(s, 2, pg.after ? pg.after : "");
		bind_opt_text(s, 3, f->service_id);
		bind_opt_text(s, 4, f->status >= 0 ? waitlist_status_name(
						    (enum waitlist_status)f->status) : NULL);
		db_bind_i64(s, 5, (int64_t)pg.limit);
		while ((rc = db_step(s)) == DB_ROW)
			read_entry(s, &(*out)[(*n)++]);
		db_reset(s);
		if (rc != DB_DONE)
			sql_fail(c, rc, "list waitlist", e);
	}
	conn_put(st, c);
	return rc == DB_DONE ? 0 : -1;
}

int store_waitlist_delete(struct store *st, const char *tenant, const char *id,
			  struct waitlist_entry *out, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	if (entry_read(c, tenant, id, out, e))
		goto out;
	if (out->status == WAITLIST_OFFERED && hold_delete_row(c, tenant, out->hold_id, e))
		goto out;
	s = conn_prep(c, "DELETE FROM waitlist WHERE tenant_id = ?1 AND id = ?2", e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	ok = step_done(c, s, "delete waitlist entry", e) == 0;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

/* Deletes the tenant's holds that expired by now, widening [*lo, *hi) by their blocked time
 * (from a day before, for starts whose buffers reach into it); an expired offer's entry
 * becomes expired. *closed counts the holds. */
static int close_expired(struct conn *c, const char *tenant, int64_t now, int64_t *lo,
			 int64_t *hi, size_t *closed, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "SELECT block_start, block_end FROM holds WHERE tenant_id = ?1"
				    " AND expires_at <= ?2",
				    e);
	struct stmt *u;
	int rc;

	*closed = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	db_bind_i64(s, 2, now);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t bs = db_col_i64(s, 0) - 86400;
		int64_t be = db_col_i64(s, 1);
		if (*lo >= *hi) {
			*lo = bs;
			*hi = be;
		} else {
			*lo = bs < *lo ? bs : *lo;
			*hi = be > *hi ? be : *hi;
		}
		(*closed)++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "find expired holds", e);
	u = conn_prep(c,
		      "UPDATE waitlist SET status = 'expired', updated_at = ?2 WHERE tenant_id = ?1"
		      " AND status = 'offered' AND offer_expires_at <= ?2",
		      e);
	if (!u)
		return -1;
	bind_text(u, 1, tenant);
	db_bind_i64(u, 2, now);
	if (step_done(c, u, "close expired offers", e))
		return -1;
	if (!*closed)
		return 0;
	u = conn_prep(c, "DELETE FROM holds WHERE tenant_id = ?1 AND expires_at <= ?2", e);
	if (!u)
		return -1;
	bind_text(u, 1, tenant);
	db_bind_i64(u, 2, now);
	return step_done(c, u, "delete expired holds", e);
}

static int waiting_read(struct conn *c, const char *tenant, const char *entry_id,
			struct arena *a, struct waitlist_entry **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "SELECT " WAITLIST_COLS " FROM waitlist WHERE tenant_id = ?1"
				    " AND status = 'waiting' AND (?2 IS NULL OR id = ?2)"
				    " ORDER BY priority DESC, created_at, id LIMIT ?3",
				    e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_opt_text(s, 2, entry_id);
	db_bind_i64(s, 3, WAITLIST_RUN_MAX);
	while ((rc = db_step(s)) == DB_ROW) {
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		read_entry(s, &(*out)[(*n)++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read waitlist", e);
	return 0;
}

/* Records the offer of hold h to entry w: the hold, the entry's new state, the event. */
static int offer_write(struct conn *c, const char *tenant, const struct waitlist_entry *w,
		       const struct hold *h, const char *payload, int64_t now, struct err *e)
{
	struct stmt *s;

	if (hold_insert(c, tenant, h, e))
		return -1;
	s = conn_prep(c,
		      "UPDATE waitlist SET status = 'offered', hold_id = ?3, offer_provider_id = ?4,"
		      " offer_start = ?5, offer_expires_at = ?6, offers = offers + 1, updated_at = ?7"
		      " WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, w->id);
	bind_text(s, 3, h->id);
	bind_text(s, 4, h->provider_id);
	db_bind_i64(s, 5, h->start);
	db_bind_i64(s, 6, h->expires_at);
	db_bind_i64(s, 7, now);
	if (step_done(c, s, "record offer", e))
		return -1;
	return outbox_add(c, tenant, "waitlist.offered", w->id, payload, now, e);
}

/* Offers entry w a start in [from, to) if one fits. 1 when offered, 0 when not. */
static int offer_one(struct conn *c, const char *tenant, const struct waitlist_entry *w,
		     const char *provider_id, int64_t from, int64_t to, int64_t offer_seconds,
		     int64_t now, const struct waitlist_ops *ops, void *ctx, struct arena *a,
		     struct err *e)
{
	const char *pid = *w->provider_id ? w->provider_id : provider_id;
	struct avail_bundle *bundles;
	struct service svc;
	struct hold h;
	char *payload;
	size_t n;
	int rc;

	if (provider_id && *w->provider_id && strcmp(w->provider_id, provider_id) != 0)
		return 0;
	/* Entry dates are local; a local date lies within a day of the UTC date. */
	if (from < (w->earliest_day - 1) * 86400)
		from = (w->earliest_day - 1) * 86400;
	if (to > (w->latest_day + 2) * 86400)
		to = (w->latest_day + 2) * 86400;
	if (from >= to)
		return 0;
	if (service_read(c, tenant, w->service_id, a, &svc, e))
		return e->code == ERR_NOT_FOUND ? (err_init(e), 0) : -1;
	if (candidates_read(c, tenant, &svc, pid, floor_div(from, 86400) - 1,
			    floor_div(to, 86400) + 1, now, a, &bundles, &n, e))
		return -1;
	if (n == 0)
		return 0;
	memset(&h, 0, sizeof(h));
	rc = ops->choose(ctx, w, &svc, bundles, n, from, to, &h, e);
	if (rc <= 0)
		return rc;
	id_new(h.id, "hld");
	memcpy(h.service_id, svc.id, ID_MAX);
	snprintf(h.owner, sizeof(h.owner), "waitlist");
	memcpy(h.waitlist_id, w->id, ID_MAX);
	if (h.expires_at <= now)
		h.expires_at = now + offer_seconds;
	h.created_at = now;
	payload = ops->payload(ctx, w, &h);
	rc = offer_write(c, tenant, w, &h, payload ? payload : "{}", now, e);
	free(payload);
	return rc ? -1 : 1;
}

int store_waitlist_run(struct store *st, const char *tenant, const char *provider_id,
		       const char *entry_id, int64_t from, int64_t to, int64_t offer_seconds,
		       int64_t now, const struct waitlist_ops *ops, void *ctx, size_t *offered,
		       struct arena *a, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct waitlist_entry *v;
	int64_t lo = from, hi = to;
	size_t n, i, closed;
	bool ok = false;

	*offered = 0;
	if (!c)
		return -1;
	if (close_expired(c, tenant, now, &lo, &hi, &closed, e))
		goto out;
	if (lo >= hi) {
		ok = true;
		goto out;
	}
	if (closed) {
		/* Expired holds freed time of any provider, for every waiting entry. */
		provider_id = NULL;
		entry_id = NULL;
	}
	if (waiting_read(c, tenant, entry_id, a, &v, &n, e))
		goto out;
	for (i = 0; i < n; i++) {
		int rc = offer_one(c, tenant, &v[i], provider_id, lo, hi, offer_seconds, now, ops,
				   ctx, a, e);
		if (rc < 0)
			goto out;
		*offered += (size_t)rc;
	}
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_waitlist_due(struct store *st, int64_t now, char (*tenants)[ID_MAX], size_t max,
		       size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = DB_ERROR;

	*n = 0;
	if (!c)
		return -1;
	s = conn_prep(c,
		      "SELECT DISTINCT tenant_id FROM holds WHERE expires_at <= ?1 LIMIT ?2",
		      e);
	if (s) {
		db_bind_i64(s, 1, now);
		db_bind_i64(s, 2, (int64_t)max);
		while ((rc = db_step(s)) == DB_ROW && *n < max)
			col_text(s, 0, tenants[(*n)++], ID_MAX);
		db_reset(s);
		if (rc != DB_DONE && rc != DB_ROW)
			sql_fail(c, rc, "find due offers", e);
	}
	conn_put(st, c);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}
