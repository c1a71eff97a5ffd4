/* The tenant's business hours: the weekly versions (encoded as a provider's schedule is),
 * the exempt providers, the business overrides, and the engine's view of them. */
#include "store/store_business.h"

#include <string.h>

#include "store/sql_int.h"

/* The row of business_hours: 1 when there is one, 0 when none, -1 on failure. */
static int hours_row(struct store_tx *tx, struct business_hours *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT timezone, version, updated_at FROM business_hours"
				    " WHERE tenant_id = ?1",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, out->timezone, sizeof(out->timezone));
		out->version = db_col_int(s, 1);
		out->updated_at = db_col_i64(s, 2);
	}
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(tx->c, rc, "read business hours", e);
	return rc == DB_ROW;
}

/* The exempt providers that still exist, ascending. */
static int exempt_read(struct store_tx *tx, struct arena *a, id_t_ **ids, size_t *n,
		       struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT x.provider_id FROM business_hours_exempt x JOIN providers p"
				    " ON p.tenant_id = x.tenant_id AND p.id = x.provider_id"
				    " WHERE x.tenant_id = ?1 AND p.deleted_at IS NULL"
				    " ORDER BY x.provider_id",
				    e);
	int rc;

	*n = 0;
	*ids = arena_alloc(a, BUSINESS_EXEMPT_MAX * sizeof(**ids));
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	while ((rc = db_step(s)) == DB_ROW && *n < BUSINESS_EXEMPT_MAX)
		col_text(s, 0, (*ids)[(*n)++], ID_MAX);
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(tx->c, rc, "read business hours exemptions", e);
	return 0;
}

int tx_business_get(struct store_tx *tx, struct arena *a, struct business_hours *out,
		    struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hours_row(tx, out, e);
	if (rc <= 0)
		return rc;
	if (schedule_versions_get(tx, NULL, a, &out->schedule, e) ||
	    exempt_read(tx, a, &out->exempt, &out->nexempt, e))
		return -1;
	return 0;
}

/* Runs sql, which binds the tenant alone, for tx. */
static int tenant_exec(struct store_tx *tx, const char *sql, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	return step_done(tx->c, s, what, e);
}

int tx_business_put(struct store_tx *tx, struct business_hours *bh, struct err *e)
{
	struct business_hours was;
	struct stmt *s;
	size_t i;
	int rc;

	if (tx_providers_exist(tx, (const id_t_ *)bh->exempt, bh->nexempt, "/exempt_provider_ids",
			       e))
		return -1;
	memset(&was, 0, sizeof(was));
	rc = hours_row(tx, &was, e);
	if (rc < 0)
		return -1;
	bh->version = rc ? was.version + 1 : 1;
	s = conn_prep(tx->c,
		      rc ? "UPDATE business_hours SET timezone = ?2, version = ?3, updated_at = ?4"
			   " WHERE tenant_id = ?1"
			 : "INSERT INTO business_hours(tenant_id, timezone, version, updated_at)"
			   " VALUES (?1, ?2, ?3, ?4)",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, bh->timezone);
	db_bind_i64(s, 3, bh->version);
	db_bind_i64(s, 4, bh->updated_at);
	if (step_done(tx->c, s, "write business hours", e) ||
	    schedule_versions_put(tx, NULL, &bh->schedule, e) ||
	    tenant_exec(tx, "DELETE FROM business_hours_exempt WHERE tenant_id = ?1",
			"clear business hours exemptions", e))
		return -1;
	for (i = 0; i < bh->nexempt; i++) {
		s = conn_prep(tx->c,
			      "INSERT INTO business_hours_exempt(tenant_id, provider_id)"
			      " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
			      e);
		if (!s)
			return -1;
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, bh->exempt[i]);
		if (step_done(tx->c, s, "exempt a provider", e))
			return -1;
	}
	return 0;
}

int tx_business_delete(struct store_tx *tx, struct err *e)
{
	if (tenant_exec(tx, "DELETE FROM business_hours WHERE tenant_id = ?1",
			"remove business hours", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "no business hours are set");
	if (tenant_exec(tx, "DELETE FROM business_hours_versions WHERE tenant_id = ?1",
			"remove business hours", e))
		return -1;
	return tenant_exec(tx, "DELETE FROM business_hours_exempt WHERE tenant_id = ?1",
			   "remove business hours exemptions", e);
}

/* --- business overrides --- */

#define BOV_COLS "id, from_day, to_day, hours, note, created_at, rrule, updated_at"

static void read_bov(struct stmt *s, struct arena *a, void *dst)
{
	struct override_rec *r = dst;

	(void)a;
	memset(r, 0, sizeof(*r));
	col_text(s, 0, r->id, sizeof(r->id));
	r->ov.from_day = db_col_i64(s, 1);
	r->ov.to_day = db_col_i64(s, 2);
	hours_decode(db_col_text(s, 3), &r->ov.hours);
	col_text(s, 4, r->note, sizeof(r->note));
	r->created_at = db_col_i64(s, 5);
	col_text(s, 6, r->rrule, sizeof(r->rrule));
	r->updated_at = col_opt_i64(s, 7);
}

/* Binds o's columns after the tenant and id: ?3 from_day .. ?9 updated_at (BOV_COLS
 * order), the hours' text from hours (HOURS_TEXT_MAX bytes, alive until the step). */
static void bind_bov(struct store_tx *tx, struct stmt *s, const struct override_rec *o,
		     char *hours)
{
	hours_encode(&o->ov.hours, hours, HOURS_TEXT_MAX);
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, o->id);
	db_bind_i64(s, 3, o->ov.from_day);
	db_bind_i64(s, 4, o->ov.to_day);
	bind_text(s, 5, hours);
	bind_opt_text(s, 6, o->note);
	db_bind_i64(s, 7, o->created_at);
	bind_opt_text(s, 8, o->rrule);
	db_bind_i64(s, 9, o->updated_at ? o->updated_at : o->created_at);
}

int tx_business_override_insert(struct store_tx *tx, const struct override_rec *o,
				struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO business_overrides(tenant_id, " BOV_COLS ")"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				    e);
	char hours[HOURS_TEXT_MAX];

	if (!s)
		return -1;
	bind_bov(tx, s, o, hours);
	return step_done(tx->c, s, "create business override", e);
}

int tx_business_override_update(struct store_tx *tx, const struct override_rec *o,
				struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE business_overrides SET from_day = ?3, to_day = ?4,"
				    " hours = ?5, note = ?6, rrule = ?8, updated_at = ?9"
				    " WHERE tenant_id = ?1 AND id = ?2 AND created_at = ?7",
				    e);
	char hours[HOURS_TEXT_MAX];

	if (!s)
		return -1;
	bind_bov(tx, s, o, hours);
	if (step_done(tx->c, s, "update business override", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "business override %s not found", o->id);
	return 0;
}

int tx_business_override_get(struct store_tx *tx, const char *id, struct override_rec *out,
			     struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " BOV_COLS " FROM business_overrides WHERE tenant_id = ?1"
				   " AND id = ?2",
				   id, "business override", e);

	if (!s)
		return -1;
	read_bov(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_business_override_list(struct store_tx *tx, int64_t from_day, int64_t to_day,
			      struct arena *a, struct override_rec **out, size_t *n,
			      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " BOV_COLS " FROM business_overrides WHERE tenant_id = ?1"
				    " AND from_day <= ?3 AND to_day >= ?2 ORDER BY id",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, from_day);
	db_bind_i64(s, 3, to_day);
	return rows_read(tx->c, s, read_bov, sizeof(**out), a, (void **)out, n,
			 "list business overrides", e);
}

int tx_business_override_count(struct store_tx *tx, size_t *n, struct err *e)
{
	int64_t count = 0;

	*n = 0;
	if (tenant_i64(tx, "SELECT count(*) FROM business_overrides WHERE tenant_id = ?1", &count,
		       "count business overrides", e))
		return -1;
	*n = (size_t)count;
	return 0;
}

int tx_business_override_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM business_overrides WHERE tenant_id = ?1 AND id = ?2",
			  id, NULL, "business override", e);
}

/* --- the engine's view --- */

int tx_business_bundle(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
		       struct business_bundle **out, struct err *e)
{
	struct business_hours bh;
	struct business_bundle *bb;
	int rc;

	*out = NULL;
	memset(&bh, 0, sizeof(bh));
	rc = hours_row(tx, &bh, e);
	if (rc <= 0)
		return rc;
	bb = arena_alloc(a, sizeof(*bb));
	memset(bb, 0, sizeof(*bb));
	memcpy(bb->timezone, bh.timezone, sizeof(bb->timezone));
	bb->from_day = from_day;
	bb->to_day = to_day;
	if (schedule_versions_get(tx, NULL, a, &bb->schedule, e) ||
	    exempt_read(tx, a, &bb->exempt, &bb->nexempt, e) ||
	    tx_business_override_list(tx, from_day, to_day, a, &bb->overrides, &bb->noverrides,
				      e) ||
	    holidays_tenant_wide(tx, from_day, to_day, a, &bb->holidays, &bb->nholidays, e))
		return -1;
	*out = bb;
	return 0;
}


int business_cached(struct store_tx *tx, int64_t from_day, int64_t to_day,
		    struct bundle_cache *cache, struct arena *a, struct business_bundle **out,
		    struct err *e)
{
	int64_t lo = from_day - BUSINESS_DAYS_MARGIN, hi = to_day + BUSINESS_DAYS_MARGIN;

	if (!cache)
		return tx_business_bundle(tx, lo, hi, a, out, e);
	if (!cache->business_read || cache->business_from_day != lo ||
	    cache->business_to_day != hi) {
		if (tx_business_bundle(tx, lo, hi, a, &cache->business, e))
			return -1;
		cache->business_read = true;
		cache->business_from_day = lo;
		cache->business_to_day = hi;
	}
	*out = cache->business;
	return 0;
}
