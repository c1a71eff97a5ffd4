/* Analytics reads and the per-day booking summary (booking_stats): one row per provider,
 * UTC day, service and currency, and one per provider, day and currency for all services
 * ("*"), each rewritten from the bookings of that provider's day whenever one of them is
 * written, in the same transaction. */
#include "store/sql_int.h"
#include "store/store_stats.h"

#include <stdio.h>
#include <string.h>

#include "core/booking.h"
#include "core/policy.h"

#define STATS_BOOKING_COLS                                                                     \
	"provider_id, service_id, COALESCE(currency, ''), start_utc, end_utc, created_at,"     \
	" closed_at, status, reschedule_count, COALESCE(price, ''), COALESCE(fee, ''),"         \
	" COALESCE(fee_waived, ''), policy, (SELECT f.rating FROM booking_feedback f"           \
	"  WHERE f.tenant_id = bookings.tenant_id AND f.booking_id = bookings.id)"

/* Reads a booking selected with STATS_BOOKING_COLS (strings stay valid until the next step). */
static void read_stats_booking(struct stmt *s, struct stats_booking *b)
{
	memset(b, 0, sizeof(*b));
	b->provider_id = db_col_text(s, 0);
	b->service_id = db_col_text(s, 1);
	b->currency = db_col_text(s, 2);
	b->start = db_col_i64(s, 3);
	b->end = db_col_i64(s, 4);
	b->created_at = db_col_i64(s, 5);
	b->closed_at = col_opt_i64(s, 6);
	booking_status_parse(db_col_text(s, 7), &b->status);
	b->reschedule_count = db_col_int(s, 8);
	b->price = db_col_text(s, 9);
	b->fee = db_col_text(s, 10);
	b->fee_waived = db_col_text(s, 11);
	policy_decode(db_col_text(s, 12), &b->policy);
	b->rating = db_col_null(s, 13) ? 0 : db_col_int(s, 13);
}

/* The cells of one provider's day: per (service, currency), "*" for all services; as many
 * as the day needs (the summary never refuses a booking). */
struct day_cells {
	struct day_cell {
		char service_id[ID_MAX];
		char currency[4];
		struct stats_cell cell;
	} *v;
	size_t n, cap;
};

static struct stats_cell *cell_for(struct day_cells *d, const char *service_id,
				   const char *currency)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].service_id, service_id) && !strcmp(d->v[i].currency, currency))
			return &d->v[i].cell;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	snprintf(d->v[d->n].service_id, sizeof(d->v[0].service_id), "%s", service_id);
	snprintf(d->v[d->n].currency, sizeof(d->v[0].currency), "%s", currency);
	return &d->v[d->n++].cell;
}

static int cells_write(struct store_tx *tx, const char *provider_id, int64_t day,
		       const struct day_cells *d, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"INSERT INTO booking_stats(tenant_id, service_id, day, provider_id, currency,"
		" bookings, pending, confirmed, declined, cancelled, cancelled_late, completed,"
		" no_show, reschedules, booked_sec, duration_sec, lead, revenue, fees, waived,"
		" decimals, ratings, rating_sum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		" ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
		e);
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < d->n; i++) {
		const struct stats_cell *c = &d->v[i].cell;
		char lead[STATS_LEAD_TEXT_MAX];
		stats_lead_encode(c->lead, lead, sizeof(lead));
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, d->v[i].service_id);
		db_bind_i64(s, 3, day);
		bind_text(s, 4, provider_id);
		bind_text(s, 5, d->v[i].currency);
		db_bind_i64(s, 6, c->bookings);
		db_bind_i64(s, 7, c->by_status[BOOKING_PENDING]);
		db_bind_i64(s, 8, c->by_status[BOOKING_CONFIRMED]);
		db_bind_i64(s, 9, c->by_status[BOOKING_DECLINED]);
		db_bind_i64(s, 10, c->by_status[BOOKING_CANCELLED]);
		db_bind_i64(s, 11, c->cancelled_late);
		db_bind_i64(s, 12, c->by_status[BOOKING_COMPLETED]);
		db_bind_i64(s, 13, c->by_status[BOOKING_NO_SHOW]);
		db_bind_i64(s, 14, c->reschedules);
		db_bind_i64(s, 15, c->booked_sec);
		db_bind_i64(s, 16, c->duration_sec);
		bind_text(s, 17, lead);
		db_bind_i64(s, 18, c->money.revenue);
		db_bind_i64(s, 19, c->money.fees);
		db_bind_i64(s, 20, c->money.waived);
		db_bind_i64(s, 21, c->money.decimals);
		db_bind_i64(s, 22, c->ratings);
		db_bind_i64(s, 23, c->rating_sum);
		if (step_done(tx->c, s, "write booking summary", e))
			return -1;
	}
	return 0;
}

/* Writes the summary rows of provider_id's day from its bookings (the old rows gone). */
static int day_write(struct store_tx *tx, const char *provider_id, int64_t day, struct err *e)
{
	struct stmt *s;
	struct day_cells d = {0};
	struct stats_seat last = {0};
	int rc;

	s = conn_prep(tx->c,
		      "SELECT " STATS_BOOKING_COLS " FROM bookings"
		      " INDEXED BY bookings_by_provider_start WHERE tenant_id = ?1"
		      " AND provider_id = ?2 AND start_utc >= ?3 AND start_utc < ?4"
		      " ORDER BY service_id, start_utc",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, day * 86400);
	db_bind_i64(s, 4, day * 86400 + 86400);
	while ((rc = db_step(s)) == DB_ROW) {
		struct stats_booking b;
		struct stats_cell *one, *all;
		bool first;
		read_stats_booking(s, &b);
		first = stats_first_seat(&last, &b);
		one = cell_for(&d, b.service_id, b.currency);
		stats_add(one, &b, first);
		all = cell_for(&d, "*", b.currency);
		stats_add(all, &b, first);
	}
	db_reset(s);
	if (rc != DB_DONE) {
		free(d.v);
		return sql_fail(tx->c, rc, "read bookings for the summary", e);
	}
	rc = cells_write(tx, provider_id, day, &d, e);
	free(d.v);
	return rc;
}

int tx_stats_refresh(struct store_tx *tx, const char *provider_id, int64_t day, struct err *e)
{
	struct stmt *del = conn_prep(tx->c,
				      "DELETE FROM booking_stats WHERE tenant_id = ?1"
				      " AND provider_id = ?2 AND day = ?3",
				      e);

	if (!del)
		return -1;
	bind_text(del, 1, tx->tenant);
	bind_text(del, 2, provider_id);
	db_bind_i64(del, 3, day);
	if (step_done(tx->c, del, "clear booking summary", e))
		return -1;
	return day_write(tx, provider_id, day, e);
}

static int clear_tenant(struct store_tx *tx, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "DELETE FROM booking_stats WHERE tenant_id = ?1", e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	return step_done(tx->c, s, "clear the booking summary", e);
}

int tx_stats_rebuild(struct store_tx *tx, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT DISTINCT provider_id, start_utc / 86400 FROM bookings"
				    " WHERE tenant_id = ?1 AND start_utc >= 0",
				    e);
	struct {
		char provider_id[ID_MAX];
		int64_t day;
	} *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	while ((rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		col_text(s, 0, v[n].provider_id, sizeof(v[n].provider_id));
		v[n++].day = db_col_i64(s, 1);
	}
	db_reset(s);
	if (rc != DB_DONE) {
		free(v);
		return sql_fail(tx->c, rc, "list booking days", e);
	}
	/* All of the tenant's rows go first: a delete per day against a table growing inside
	 * this transaction (its statistics those of an empty one) can be planned as a scan. */
	if (clear_tenant(tx, e)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (day_write(tx, v[i].provider_id, v[i].day, e)) {
			free(v);
			return -1;
		}
	free(v);
	return 0;
}

/* The first tenant still listed in stats_backfill into tenant ("" when none). */
static int backfill_next(struct store *st, char tenant[ID_MAX], struct err *e)
{
	struct store_tx *tx = store_begin(st, "", STORE_READ, e);
	struct stmt *s;
	int rc;

	tenant[0] = '\0';
	if (!tx)
		return -1;
	s = conn_prep(tx->c, "SELECT tenant_id FROM stats_backfill ORDER BY tenant_id", e);
	if (!s) {
		store_end(tx, false, e);
		return -1;
	}
	rc = db_step(s);
	if (rc == DB_ROW)
		col_text(s, 0, tenant, ID_MAX);
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE) {
		sql_fail(tx->c, rc, "read the summary backfill", e);
		store_end(tx, false, e);
		return -1;
	}
	return store_end(tx, false, e);
}

int store_stats_backfill(struct store *st, struct err *e)
{
	char tenant[ID_MAX];

	/* Each tenant in a write transaction of its own, under its lock: its bookings cannot
	 * change meanwhile, and of processes starting together one does the work. */
	while (!backfill_next(st, tenant, e) && tenant[0]) {
		struct store_tx *tx = store_begin(st, tenant, STORE_WRITE, e);
		struct stmt *del;
		if (!tx)
			return -1;
		del = conn_prep(tx->c, "DELETE FROM stats_backfill WHERE tenant_id = ?1", e);
		if (!del) {
			store_end(tx, false, e);
			return -1;
		}
		bind_text(del, 1, tenant);
		if (step_done(tx->c, del, "finish the summary backfill", e) ||
		    tx_stats_rebuild(tx, e)) {
			store_end(tx, false, e);
			return -1;
		}
		if (store_end(tx, true, e))
			return -1;
	}
	return e->code ? -1 : 0;
}

/* Steps s to its end calling each(s, arg) on every row; a non-zero answer stops with it. */
static int rows_each(struct conn *c, struct stmt *s, int (*each)(struct stmt *s, void *arg),
		     void *arg, const char *what, struct err *e)
{
	int rc, stop = 0;

	while ((rc = db_step(s)) == DB_ROW)
		if ((stop = each(s, arg)))
			break;
	db_reset(s);
	if (stop)
		return stop;
	if (rc != DB_DONE)
		return sql_fail(c, rc, what, e);
	return 0;
}

/* The callers' functions behind rows_each, one kind of row each. */
struct each_fn {
	int (*row)(void *ctx, const struct stats_row *r);
	int (*booking)(void *ctx, const struct stats_booking *b);
	int (*wait)(void *ctx, const struct stats_wait *w);
	void *ctx;
};

static void read_stats_row(struct stmt *s, struct stats_row *r)
{
	memset(r, 0, sizeof(*r));
	r->provider_id = db_col_text(s, 0);
	r->service_id = db_col_text(s, 1);
	r->currency = db_col_text(s, 2);
	r->day = db_col_i64(s, 3);
	r->cell.bookings = db_col_i64(s, 4);
	r->cell.by_status[BOOKING_PENDING] = db_col_i64(s, 5);
	r->cell.by_status[BOOKING_CONFIRMED] = db_col_i64(s, 6);
	r->cell.by_status[BOOKING_DECLINED] = db_col_i64(s, 7);
	r->cell.by_status[BOOKING_CANCELLED] = db_col_i64(s, 8);
	r->cell.cancelled_late = db_col_i64(s, 9);
	r->cell.by_status[BOOKING_COMPLETED] = db_col_i64(s, 10);
	r->cell.by_status[BOOKING_NO_SHOW] = db_col_i64(s, 11);
	r->cell.reschedules = db_col_i64(s, 12);
	r->cell.booked_sec = db_col_i64(s, 13);
	r->cell.duration_sec = db_col_i64(s, 14);
	stats_lead_decode(db_col_text(s, 15), r->cell.lead);
	r->cell.money.revenue = db_col_i64(s, 16);
	r->cell.money.fees = db_col_i64(s, 17);
	r->cell.money.waived = db_col_i64(s, 18);
	r->cell.money.decimals = db_col_int(s, 19);
	r->cell.ratings = db_col_i64(s, 20);
	r->cell.rating_sum = db_col_i64(s, 21);
}

static int each_row(struct stmt *s, void *arg)
{
	const struct each_fn *f = arg;
	struct stats_row r;

	read_stats_row(s, &r);
	return f->row(f->ctx, &r);
}

static int each_booking(struct stmt *s, void *arg)
{
	const struct each_fn *f = arg;
	struct stats_booking b;

	read_stats_booking(s, &b);
	return f->booking(f->ctx, &b);
}

static int each_wait(struct stmt *s, void *arg)
{
	const struct each_fn *f = arg;
	struct stats_wait w = {db_col_text(s, 0), db_col_text(s, 1), db_col_i64(s, 2),
			       db_col_int(s, 3), db_col_text(s, 4)};

	return f->wait(f->ctx, &w);
}

#define STATS_ROW_COLS                                                                         \
	"provider_id, service_id, currency, day, bookings, pending, confirmed, declined,"      \
	" cancelled, cancelled_late, completed, no_show, reschedules, booked_sec,"             \
	" duration_sec, lead, revenue, fees, waived, decimals, ratings, rating_sum"

int tx_stats_rows(struct store_tx *tx, const struct stats_filter *f, int64_t from_day,
		  int64_t to_day, int (*fn)(void *ctx, const struct stats_row *r), void *ctx,
		  struct err *e)
{
	/* ?2 is the service ("*" for all services together), or, for every service's own rows,
	 * "*" to leave out; ?5 the provider or NULL. */
	struct stmt *s;
	const char *service = f->service_id ? f->service_id : f->per_service ? NULL : "*";
	struct each_fn each = {.row = fn, .ctx = ctx};

	if (service)
		s = conn_prep(tx->c,
			      "SELECT " STATS_ROW_COLS " FROM booking_stats WHERE tenant_id = ?1"
			      " AND service_id = ?2 AND day >= ?3 AND day <= ?4"
			      " AND (?5 IS NULL OR provider_id = ?5)",
			      e);
	else
		s = conn_prep(tx->c,
			      "SELECT " STATS_ROW_COLS " FROM booking_stats WHERE tenant_id = ?1"
			      " AND service_id <> ?2 AND day >= ?3 AND day <= ?4"
			      " AND (?5 IS NULL OR provider_id = ?5)",
			      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service ? service : "*");
	db_bind_i64(s, 3, from_day);
	db_bind_i64(s, 4, to_day);
	bind_opt_text(s, 5, f->provider_id);
	return rows_each(tx->c, s, each_row, &each, "read the booking summary", e);
}

int tx_stats_bookings(struct store_tx *tx, const struct stats_filter *f, int64_t from,
		      int64_t to, int (*fn)(void *ctx, const struct stats_booking *b),
		      void *ctx, struct err *e)
{
	struct stmt *s =
		f->any_order
			? conn_prep(tx->c,
				    "SELECT " STATS_BOOKING_COLS " FROM bookings WHERE tenant_id = ?1"
				    " AND start_utc >= ?2 AND start_utc < ?3"
				    " AND (?4 IS NULL OR provider_id = ?4)"
				    " AND (?5 IS NULL OR service_id = ?5)",
				    e)
			: conn_prep(tx->c,
				    "SELECT " STATS_BOOKING_COLS " FROM bookings WHERE tenant_id = ?1"
				    " AND start_utc >= ?2 AND start_utc < ?3"
				    " AND (?4 IS NULL OR provider_id = ?4)"
				    " AND (?5 IS NULL OR service_id = ?5)"
				    " ORDER BY provider_id, service_id, start_utc",
				    e);
	struct each_fn each = {.booking = fn, .ctx = ctx};

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, from);
	db_bind_i64(s, 3, to);
	bind_opt_text(s, 4, f->provider_id);
	bind_opt_text(s, 5, f->service_id);
	return rows_each(tx->c, s, each_booking, &each, "read bookings", e);
}

int tx_stats_waitlist(struct store_tx *tx, int64_t from, int64_t to,
		      int (*fn)(void *ctx, const struct stats_wait *w), void *ctx,
		      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT service_id, COALESCE(provider_id, offer_provider_id, ''),"
				    " created_at, offers, status FROM waitlist WHERE tenant_id = ?1"
				    " AND created_at >= ?2 AND created_at < ?3",
				    e);
	struct each_fn each = {.wait = fn, .ctx = ctx};

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, from);
	db_bind_i64(s, 3, to);
	return rows_each(tx->c, s, each_wait, &each, "read the waitlist", e);
}

static void read_name(struct stmt *s, struct arena *a, void *dst)
{
	struct stats_name *n = dst;

	(void)a;
	col_text(s, 0, n->id, sizeof(n->id));
	col_text(s, 1, n->name, sizeof(n->name));
	n->deleted = !db_col_null(s, 2);
}

int tx_stats_names(struct store_tx *tx, bool services, struct arena *a,
		   struct stats_name **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    services ? "SELECT id, name, NULL FROM services WHERE tenant_id = ?1"
					       " ORDER BY id"
					     : "SELECT id, name, deleted_at FROM providers"
					       " WHERE tenant_id = ?1 ORDER BY id",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	return rows_read(tx->c, s, read_name, sizeof(**out), a, (void **)out, n,
			 services ? "read services" : "read providers", e);
}
