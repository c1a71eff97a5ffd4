/* SQLite backend: weekly schedules, overrides, holidays, time off, and the availability
 * bundle the slot engine reads. */
#include "store/sql_int.h"

#include <string.h>

void hours_encode(const struct day_hours *h, char *out, size_t size)
{
	size_t len = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < h->n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%d-%d", i ? "," : "",
					h->iv[i].start_min, h->iv[i].end_min);
}

int hours_decode(const char *s, struct day_hours *h)
{
	h->n = 0;
	while (*s) {
		char *endp;
		long a, b;

		if (h->n >= AVAIL_MAX_DAY_INTERVALS)
			return -1;
		a = strtol(s, &endp, 10);
		if (*endp != '-')
			return -1;
		b = strtol(endp + 1, &endp, 10);
		if (*endp && *endp != ',')
			return -1;
		if (a < 0 || b > 1440 || a >= b)
			return -1;
		h->iv[h->n].start_min = (int16_t)a;
		h->iv[h->n].end_min = (int16_t)b;
		h->n++;
		s = *endp ? endp + 1 : endp;
	}
	return 0;
}

/* Weekly text: seven hour lists per week of the cycle, Monday first, separated by '|'. */
static void weekly_encode(const struct week_template *t, char *out, size_t size)
{
	int weeks = t->weeks > 1 ? t->weeks : 1;
	size_t len = 0;
	int d;

	for (d = 0; d < 7 * weeks && len < size; d++) {
		const struct day_hours *h = d < 7 ? &t->day[d] : &t->more[d - 7];
		if (d)
			out[len++] = '|';
		hours_encode(h, out + len, size - len);
		len += strlen(out + len);
	}
	out[len < size ? len : size - 1] = '\0';
}

static int weekly_decode(const char *s, struct week_template *t, struct arena *a)
{
	struct day_hours *more = NULL;
	char part[256];
	int d, fields = 1, weeks;
	const char *p;

	for (p = s; *p; p++)
		fields += *p == '|';
	if (fields % 7 || fields / 7 > AVAIL_MAX_WEEKS)
		return -1;
	weeks = fields / 7;
	if (weeks > 1)
		more = arena_alloc(a, (size_t)(weeks - 1) * 7 * sizeof(*more));
	for (d = 0; d < fields; d++) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		if (n >= sizeof(part))
			return -1;
		memcpy(part, s, n);
		part[n] = '\0';
		if (hours_decode(part, d < 7 ? &t->day[d] : &more[d - 7]))
			return -1;
		s = bar ? bar + 1 : s + n;
	}
	t->weeks = (uint8_t)weeks;
	t->more = more;
	return 0;
}

static void bind_opt_day(struct stmt *s, int i, int64_t day)
{
	if (day == AVAIL_DAY_NONE)
		db_bind_null(s, i);
	else
		db_bind_i64(s, i, day);
}

static int64_t col_opt_day(struct stmt *s, int i)
{
	return db_col_null(s, i) ? AVAIL_DAY_NONE
							: db_col_i64(s, i);
}

int store_schedule_put(struct store *st, const char *tenant, const char *provider_id,
		       const struct schedule *sch, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;
	size_t i;

	if (!c)
		return -1;
	s = conn_prep(c, "DELETE FROM schedule_versions WHERE tenant_id = ?1 AND provider_id = ?2",
		      e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	if (step_done(c, s, "clear schedule", e))
		goto out;
	for (i = 0; i < sch->n; i++) {
		char weekly[AVAIL_MAX_WEEKS * 7 * (AVAIL_MAX_DAY_INTERVALS * 10 + 1) + 8];
		weekly_encode(&sch->v[i], weekly, sizeof(weekly));
		s = conn_prep(c,
			      "INSERT INTO schedule_versions(tenant_id, provider_id, seq,"
			      " effective_from, effective_until, weekly, anchor_day)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			      e);
		if (!s)
			goto out;
		bind_text(s, 1, tenant);
		bind_text(s, 2, provider_id);
		db_bind_i64(s, 3, (int64_t)i);
		bind_opt_day(s, 4, sch->v[i].effective_from);
		bind_opt_day(s, 5, sch->v[i].effective_until);
		bind_text(s, 6, weekly);
		bind_opt_day(s, 7, sch->v[i].weeks > 1 ? sch->v[i].anchor : AVAIL_DAY_NONE);
		if (step_done(c, s, "write schedule", e))
			goto out;
	}
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

static int schedule_read(struct conn *c, const char *tenant, const char *provider_id,
			 struct arena *a, struct schedule *out, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "SELECT effective_from, effective_until, weekly, anchor_day"
				    " FROM schedule_versions WHERE tenant_id = ?1 AND provider_id = ?2"
				    " ORDER BY seq",
				    e);
	int rc;

	out->n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	while ((rc = db_step(s)) == DB_ROW && out->n < SCHEDULE_MAX_VERSIONS) {
		struct week_template *t = &out->v[out->n];
		t->effective_from = col_opt_day(s, 0);
		t->effective_until = col_opt_day(s, 1);
		t->anchor = col_opt_day(s, 3);
		if (weekly_decode(db_col_text(s, 2), t, a)) {
			db_reset(s);
			return err_set(e, ERR_INTERNAL, "stored schedule of %s is corrupt",
				       provider_id);
		}
		out->n++;
	}
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(c, rc, "read schedule", e);
	return 0;
}

int store_schedule_get(struct store *st, const char *tenant, const char *provider_id,
		       struct arena *a, struct schedule *out, struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = schedule_read(c, tenant, provider_id, a, out, e);
	conn_put(st, c);
	return rc;
}

/* --- overrides --- */

int store_override_create(struct store *st, const char *tenant, const struct override_rec *o,
			  struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	char hours[AVAIL_MAX_DAY_INTERVALS * 10 + 1];
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	hours_encode(&o->ov.hours, hours, sizeof(hours));
	s = conn_prep(c,
		      "INSERT INTO overrides(tenant_id, id, provider_id, from_day, to_day, hours,"
		      " note, created_at, rrule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		      e);
	if (s) {
		bind_text(s, 1, tenant);
		bind_text(s, 2, o->id);
		bind_text(s, 3, o->provider_id);
		db_bind_i64(s, 4, o->ov.from_day);
		db_bind_i64(s, 5, o->ov.to_day);
		bind_text(s, 6, hours);
		bind_opt_text(s, 7, o->note);
		db_bind_i64(s, 8, o->created_at);
		bind_opt_text(s, 9, o->rrule);
		ok = step_done(c, s, "create override", e) == 0;
	}
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

/* Rows come in pages of this size from the arena; lists are bounded by their date ranges. */
#define LIST_CHUNK 64

/* Makes room for row n of an arena array of elem-sized rows, growing it by LIST_CHUNK. */
void *grow_rows(struct arena *a, void *rows, size_t n, size_t *cap, size_t elem)
{
	void *bigger;

	if (n < *cap)
		return rows;
	bigger = arena_alloc(a, (*cap + LIST_CHUNK) * elem);
	if (n)
		memcpy(bigger, rows, n * elem);
	*cap += LIST_CHUNK;
	return bigger;
}

int override_read_range(struct conn *c, const char *tenant, const char *provider_id,
			       int64_t from_day, int64_t to_day, struct arena *a,
			       struct override_rec **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "SELECT id, provider_id, from_day, to_day, hours, note, created_at,"
				    " rrule FROM overrides WHERE tenant_id = ?1 AND provider_id = ?2"
				    " AND from_day <= ?4 AND to_day >= ?3 ORDER BY id",
				    e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from_day);
	db_bind_i64(s, 4, to_day);
	while ((rc = db_step(s)) == DB_ROW) {
		struct override_rec *r;
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		r = &(*out)[(*n)++];
		col_text(s, 0, r->id, sizeof(r->id));
		col_text(s, 1, r->provider_id, sizeof(r->provider_id));
		r->ov.from_day = db_col_i64(s, 2);
		r->ov.to_day = db_col_i64(s, 3);
		hours_decode(db_col_text(s, 4), &r->ov.hours);
		col_text(s, 5, r->note, sizeof(r->note));
		r->created_at = db_col_i64(s, 6);
		col_text(s, 7, r->rrule, sizeof(r->rrule));
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "list overrides", e);
	return 0;
}

int store_override_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from_day, int64_t to_day, struct arena *a,
			struct override_rec **out, size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = override_read_range(c, tenant, provider_id, from_day, to_day, a, out, n, e);
	conn_put(st, c);
	return rc;
}

int store_override_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e)
{
	return delete_row(st,
			  "DELETE FROM overrides WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
			  tenant, id, provider_id, "delete override", e);
}

/* --- holidays --- */

int store_holiday_create(struct store *st, const char *tenant, const struct holiday_rec *h,
			 struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;
	size_t i;

	if (!c)
		return -1;
	if (providers_exist(c, tenant, (const id_t_ *)h->provider_ids, h->nproviders,
			    "/provider_ids", e))
		goto out;
	s = conn_prep(c,
		      "INSERT INTO holidays(tenant_id, id, name, day, yearly, all_providers,"
		      " created_at, rrule, until_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		      e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant);
	bind_text(s, 2, h->id);
	bind_text(s, 3, h->name);
	db_bind_i64(s, 4, h->day);
	db_bind_i64(s, 5, h->yearly);
	db_bind_i64(s, 6, h->nproviders == 0);
	db_bind_i64(s, 7, h->created_at);
	bind_opt_text(s, 8, h->rrule);
	if (*h->rrule && h->until_day != CIVIL_MAX_DAY)
		db_bind_i64(s, 9, h->until_day);
	else
		db_bind_null(s, 9);
	if (step_done(c, s, "create holiday", e))
		goto out;
	for (i = 0; i < h->nproviders; i++) {
		s = conn_prep(c,
			      "INSERT INTO holiday_providers(tenant_id, holiday_id,"
			      " provider_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			      e);
		if (!s)
			goto out;
		bind_text(s, 1, tenant);
		bind_text(s, 2, h->id);
		bind_text(s, 3, h->provider_ids[i]);
		if (step_done(c, s, "link holiday", e))
			goto out;
	}
	ok = true;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

#define HOLIDAY_COLUMNS "id, name, day, yearly, created_at, rrule, until_day"

/* One row of HOLIDAY_COLUMNS (provider ids are read separately). */
static void read_holiday(struct stmt *s, struct holiday_rec *h)
{
	memset(h, 0, sizeof(*h));
	col_text(s, 0, h->id, sizeof(h->id));
	col_text(s, 1, h->name, sizeof(h->name));
	h->day = db_col_i64(s, 2);
	h->yearly = db_col_int(s, 3) != 0;
	h->created_at = db_col_i64(s, 4);
	col_text(s, 5, h->rrule, sizeof(h->rrule));
	h->until_day = db_col_null(s, 6) ? CIVIL_MAX_DAY
								 : db_col_i64(s, 6);
}

int store_holiday_list(struct store *st, const char *tenant, struct page pg, struct arena *a,
		       struct holiday_rec **out, size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = DB_DONE;
	size_t i;

	*n = 0;
	if (!c)
		return -1;
	s = conn_prep(c,
		      "SELECT " HOLIDAY_COLUMNS " FROM holidays WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
		      e);
	if (!s)
		goto fail;
	*out = arena_alloc(a, pg.limit * sizeof(**out) + 1);
	bind_text(s, 1, tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	db_bind_i64(s, 3, (int64_t)pg.limit);
	while ((rc = db_step(s)) == DB_ROW) {
		read_holiday(s, &(*out)[(*n)++]);
	}
	db_reset(s);
	if (rc != DB_DONE) {
		sql_fail(c, rc, "list holidays", e);
		goto fail;
	}
	for (i = 0; i < *n; i++) {
		struct holiday_rec *h = &(*out)[i];
		s = conn_prep(c,
			      "SELECT provider_id FROM holiday_providers WHERE tenant_id = ?1"
			      " AND holiday_id = ?2 ORDER BY provider_id",
			      e);
		if (!s)
			goto fail;
		bind_text(s, 1, tenant);
		bind_text(s, 2, h->id);
		h->provider_ids = arena_alloc(a, SERVICE_MAX_PROVIDERS * sizeof(*h->provider_ids));
		while ((rc = db_step(s)) == DB_ROW && h->nproviders < SERVICE_MAX_PROVIDERS)
			col_text(s, 0, h->provider_ids[h->nproviders++], ID_MAX);
		db_reset(s);
	}
	conn_put(st, c);
	return 0;
fail:
	conn_put(st, c);
	return -1;
}

int store_holiday_delete(struct store *st, const char *tenant, const char *id, struct err *e)
{
	return delete_row(st, "DELETE FROM holidays WHERE tenant_id = ?1 AND id = ?2", tenant, id,
			  NULL, "delete holiday", e);
}

/* The dates of a stored date rule within from_day..to_day, into an arena array. */
static size_t rule_dates(const char *text, int64_t start_day, int64_t last_day,
			 int64_t from_day, int64_t to_day, struct arena *a, int64_t **out)
{
	size_t max = to_day >= from_day ? (size_t)(to_day - from_day + 1) : 0;

	*out = arena_alloc(a, (max + 1) * sizeof(**out));
	return recur_dates(text, start_day, last_day, from_day, to_day, *out, max);
}

int holiday_recs_for(struct conn *c, const char *tenant, const char *provider_id,
		     int64_t from_day, int64_t to_day, struct arena *a, struct holiday_rec **out,
		     size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		c,
		"SELECT " HOLIDAY_COLUMNS " FROM holidays h WHERE h.tenant_id = ?1"
		" AND ((h.rrule IS NULL AND h.day BETWEEN ?3 AND ?4) OR (h.rrule IS NOT NULL"
		"  AND h.day <= ?4 AND (h.until_day IS NULL OR h.until_day >= ?3)))"
		" AND (h.all_providers = 1 OR EXISTS (SELECT 1 FROM holiday_providers hp"
		"  WHERE hp.tenant_id = h.tenant_id AND hp.holiday_id = h.id"
		"  AND hp.provider_id = ?2)) ORDER BY h.id",
		e);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from_day);
	db_bind_i64(s, 4, to_day);
	while ((rc = db_step(s)) == DB_ROW) {
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		read_holiday(s, &(*out)[(*n)++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "read holidays", e);
	return 0;
}

/* Holidays that apply to the provider on dates from_day..to_day, one per date they fall on
 * (recurring ones expanded). */
static int holidays_for(struct conn *c, const char *tenant, const char *provider_id,
			int64_t from_day, int64_t to_day, struct arena *a, struct holiday **out,
			size_t *n, struct err *e)
{
	struct holiday_rec *recs;
	size_t nrecs, cap = 0, i, j;

	*n = 0;
	*out = NULL;
	if (holiday_recs_for(c, tenant, provider_id, from_day, to_day, a, &recs, &nrecs, e))
		return -1;
	for (i = 0; i < nrecs; i++) {
		int64_t *dates = &recs[i].day;
		size_t nd = 1;
		if (*recs[i].rrule)
			nd = rule_dates(recs[i].rrule, recs[i].day, recs[i].until_day, from_day,
					to_day, a, &dates);
		for (j = 0; j < nd; j++) {
			struct holiday *h;
			*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
			h = &(*out)[(*n)++];
			h->day = dates[j];
			h->yearly = false;
			h->name = recs[i].name;
		}
	}
	return 0;
}

/* --- time off --- */

int store_time_off_create(struct store *st, const char *tenant, const struct time_off_rec *t,
			  struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c,
		      "INSERT INTO time_off(tenant_id, id, provider_id, start_utc, end_utc, reason,"
		      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		      e);
	if (s) {
		bind_text(s, 1, tenant);
		bind_text(s, 2, t->id);
		bind_text(s, 3, t->provider_id);
		db_bind_i64(s, 4, t->span.start);
		db_bind_i64(s, 5, t->span.end);
		bind_opt_text(s, 6, t->reason);
		db_bind_i64(s, 7, t->created_at);
		ok = step_done(c, s, "create time off", e) == 0;
	}
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int time_off_read(struct conn *c, const char *tenant, const char *provider_id,
			 int64_t from, int64_t to, struct arena *a, struct time_off_rec **out,
			 size_t *n, struct err *e)
{
	/* Time off lasts at most TIME_OFF_MAX_SECONDS, which bounds the index range read. */
	struct stmt *s = conn_prep(c,
				    "SELECT id, provider_id, start_utc, end_utc, reason, created_at"
				    " FROM time_off WHERE tenant_id = ?1 AND provider_id = ?2"
				    " AND start_utc < ?4 AND start_utc > ?5 AND end_utc > ?3"
				    " ORDER BY start_utc, id",
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
	db_bind_i64(s, 5, from - TIME_OFF_MAX_SECONDS - 1);
	while ((rc = db_step(s)) == DB_ROW) {
		struct time_off_rec *t;
		*out = grow_rows(a, *out, *n, &cap, sizeof(**out));
		t = &(*out)[(*n)++];
		col_text(s, 0, t->id, sizeof(t->id));
		col_text(s, 1, t->provider_id, sizeof(t->provider_id));
		t->span.start = db_col_i64(s, 2);
		t->span.end = db_col_i64(s, 3);
		col_text(s, 4, t->reason, sizeof(t->reason));
		t->created_at = db_col_i64(s, 5);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "list time off", e);
	return 0;
}

int store_time_off_list(struct store *st, const char *tenant, const char *provider_id,
			int64_t from, int64_t to, struct arena *a, struct time_off_rec **out,
			size_t *n, struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc;

	if (!c)
		return -1;
	rc = time_off_read(c, tenant, provider_id, from, to, a, out, n, e);
	conn_put(st, c);
	return rc;
}

int store_time_off_delete(struct store *st, const char *tenant, const char *provider_id,
			  const char *id, struct err *e)
{
	return delete_row(st,
			  "DELETE FROM time_off WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
			  tenant, id, provider_id, "delete time off", e);
}

/* --- the engine's bundle --- */

/* Reads one provider's bundle (with its active bookings) on c, in the caller's transaction. */
int avail_read(struct conn *c, const char *tenant, const char *provider_id,
		      int64_t from_day, int64_t to_day, int64_t now, struct arena *a,
		      struct avail_bundle *b, struct err *e)
{
	struct override_rec *ovr;
	struct time_off_rec *off;
	struct holiday *hol;
	size_t nov, noff, nhol, i;

	memset(&b->input, 0, sizeof(b->input));
	if (provider_read(c, tenant, provider_id, &b->provider, e) ||
	    schedule_read(c, tenant, provider_id, a, &b->schedule, e) ||
	    override_read_range(c, tenant, provider_id, from_day, to_day, a, &ovr, &nov, e) ||
	    holidays_for(c, tenant, provider_id, from_day, to_day, a, &hol, &nhol, e) ||
	    time_off_read(c, tenant, provider_id, (from_day - 2) * 86400, (to_day + 3) * 86400, a,
			  &off, &noff, e))
		return -1;
	b->input.templates = b->schedule.v;
	b->input.ntemplates = b->schedule.n;
	if (nov) {
		/* A recurring override becomes one single-date override per date it falls on. */
		size_t cap = 0, k = 0;
		struct date_override *ov = NULL;
		for (i = 0; i < nov; i++) {
			int64_t *dates = NULL;
			size_t nd = 1, j;
			if (*ovr[i].rrule)
				nd = rule_dates(ovr[i].rrule, ovr[i].ov.from_day, ovr[i].ov.to_day,
						from_day, to_day, a, &dates);
			for (j = 0; j < nd; j++) {
				ov = grow_rows(a, ov, k, &cap, sizeof(*ov));
				ov[k] = ovr[i].ov;
				if (dates)
					ov[k].from_day = ov[k].to_day = dates[j];
				k++;
			}
		}
		b->input.overrides = ov;
		b->input.noverrides = k;
	}
	b->input.holidays = hol;
	b->input.nholidays = nhol;
	if (noff) {
		struct interval *iv = arena_alloc(a, noff * sizeof(*iv));
		for (i = 0; i < noff; i++)
			iv[i] = off[i].span;
		b->input.time_off = iv;
		b->input.ntime_off = noff;
	}
	b->input.vacation = b->provider.vacation;
	b->from = (from_day - 2) * 86400;
	b->to = (to_day + 3) * 86400;
	if (entries_read_for(c, tenant, provider_id, b->from, b->to, a, &b->entries, &b->nentries,
			     e))
		return -1;
	return booked_read(c, tenant, provider_id, b->from, b->to, now, a, &b->booked, &b->nbooked,
			   e);
}

int store_slots_load(struct store *st, const char *tenant, const char *service_id,
		     const char *provider_id, int64_t from_day, int64_t to_day, int64_t now,
		     struct arena *a,
		     struct service *svc, struct avail_bundle **bundles, size_t *n,
		     struct err *e)
{
	struct conn *c = conn_get(st, e);
	int rc = -1;
	size_t i;

	*n = 0;
	if (!c)
		return -1;
	/* One read transaction: a consistent snapshot and one lock round trip per query. */
	if (read_begin(c, e))
		goto out;
	if (service_read(c, tenant, service_id, a, svc, e))
		goto out;
	*bundles = arena_alloc(a, (svc->nproviders + 1) * sizeof(**bundles));
	for (i = 0; i < svc->nproviders; i++) {
		const char *pid = svc->provider_ids[i];
		if (provider_id && strcmp(provider_id, pid) != 0)
			continue;
		if (avail_read(c, tenant, pid, from_day, to_day, now, a, &(*bundles)[*n], e))
			goto out;
		(*n)++;
	}
	rc = 0;
out:
	read_end(c);
	conn_put(st, c);
	return rc;
}
