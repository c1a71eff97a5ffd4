/* Weekly schedules, overrides, holidays, time off, and the bundle the slot engine reads. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_calendars.h"

void hours_encode(const struct day_hours *h, char *out, size_t size)
{
	size_t len = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < h->n && len < size; i++) {
		const struct service_set *only = day_hours_services(h, i);
		size_t k;
		len += (size_t)snprintf(out + len, size - len, "%s%d-%d", i ? "," : "",
					h->iv[i].start_min, h->iv[i].end_min);
		for (k = 0; only && k < only->n && len < size; k++)
			len += (size_t)snprintf(out + len, size - len, "%c%s", k ? ';' : ':',
						only->ids[k]);
	}
}

/* The ids after an interval's colon, from s up to the next ',' or end, into a set from a;
 * *stop is where they end. Returns 0 / -1. */
static int decode_services(const char *s, const char *end, struct arena *a,
			   const struct service_set **out, const char **stop)
{
	struct service_set *set = arena_alloc(a, sizeof(*set));

	memset(set, 0, sizeof(*set));
	for (;;) {
		size_t n = 0;
		while (s + n < end && s[n] != ';' && s[n] != ',')
			n++;
		if (n == 0 || n >= ID_MAX || set->n >= AVAIL_MAX_INTERVAL_SERVICES)
			return -1;
		memcpy(set->ids[set->n++], s, n);
		s += n;
		if (s == end || *s == ',')
			break;
		s++;	/* ';' */
	}
	*out = set;
	*stop = s;
	return 0;
}

/* Decodes [s, end); service ids only when a is not NULL. */
static int decode_hours(const char *s, const char *end, struct arena *a, struct day_hours *h)
{
	h->n = 0;
	h->excluded = 0;
	h->services = NULL;
	while (s < end) {
		const char *stop;
		char *endp;
		long x, y;

		if (h->n >= AVAIL_MAX_DAY_INTERVALS)
			return -1;
		x = strtol(s, &endp, 10);
		if (endp >= end || *endp != '-')
			return -1;
		y = strtol(endp + 1, &endp, 10);
		if (endp > end || x < 0 || y > 1440 || x >= y)
			return -1;
		h->iv[h->n].start_min = (int16_t)x;
		h->iv[h->n].end_min = (int16_t)y;
		stop = endp;
		if (stop < end && *stop == ':') {
			if (!a)
				return -1;
			if (!h->services)	/* zeroed: the others open to any service */
				h->services = arena_alloc(a, AVAIL_MAX_DAY_INTERVALS *
								 sizeof(*h->services));
			if (decode_services(stop + 1, end, a, &h->services[h->n], &stop))
				return -1;
		}
		if (stop < end && *stop != ',')
			return -1;
		h->n++;
		s = stop < end ? stop + 1 : end;
	}
	return 0;
}

int hours_decode(const char *s, struct day_hours *h)
{
	return decode_hours(s, s + strlen(s), NULL, h);
}

int hours_decode_sets(const char *s, struct arena *a, struct day_hours *h)
{
	return decode_hours(s, s + strlen(s), a, h);
}

/* Weekly text: seven hour lists per week of the cycle, Monday first, separated by '|'. */
void weekly_encode(const struct week_template *t, char *out, size_t size)
{
	int weeks = t->weeks > 1 ? t->weeks : 1;
	size_t len = 0;
	int d;

	for (d = 0; d < 7 * weeks && len + 1 < size; d++) {
		const struct day_hours *h = d < 7 ? &t->day[d] : &t->more[d - 7];
		if (d)
			out[len++] = '|';
		hours_encode(h, out + len, size - len);
		len += strlen(out + len);
	}
	out[len < size ? len : size - 1] = '\0';
}

int weekly_decode(const char *s, struct week_template *t, struct arena *a)
{
	struct day_hours *more = NULL;
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
		if (decode_hours(s, s + n, a, d < 7 ? &t->day[d] : &more[d - 7]))
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

/* Where schedule versions live: a provider's (schedule_versions, ?2 the provider) or the
 * business's (business_hours_versions), with the words their failures use. */
struct versions_table {
	const char *clear, *insert, *select;
	const char *clear_what, *write_what, *read_what;
};

static const struct versions_table provider_versions = {
	"DELETE FROM schedule_versions WHERE tenant_id = ?1 AND provider_id = ?2",
	"INSERT INTO schedule_versions(tenant_id, provider_id, seq,"
	" effective_from, effective_until, weekly, anchor_day)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	"SELECT effective_from, effective_until, weekly, anchor_day"
	" FROM schedule_versions WHERE tenant_id = ?1 AND provider_id = ?2"
	" ORDER BY seq",
	"clear schedule", "write schedule", "read schedule",
};

static const struct versions_table business_versions = {
	"DELETE FROM business_hours_versions WHERE tenant_id = ?1",
	"INSERT INTO business_hours_versions(tenant_id, seq,"
	" effective_from, effective_until, weekly, anchor_day)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	"SELECT effective_from, effective_until, weekly, anchor_day"
	" FROM business_hours_versions WHERE tenant_id = ?1 ORDER BY seq",
	"clear business hours", "write business hours", "read business hours",
};

/* Binds the owner of the versions: ?1 the tenant and, for a provider, ?2 the provider.
 * Returns the next parameter's index. */
static int bind_versions_owner(struct store_tx *tx, struct stmt *s, const char *provider_id)
{
	bind_text(s, 1, tx->tenant);
	if (!provider_id)
		return 2;
	bind_text(s, 2, provider_id);
	return 3;
}

int schedule_versions_put(struct store_tx *tx, const char *provider_id,
			  const struct schedule *sch, struct err *e)
{
	const struct versions_table *t = provider_id ? &provider_versions : &business_versions;
	struct conn *c = tx->c;
	struct stmt *s = conn_prep(c, t->clear, e);
	size_t i;

	if (!s)
		return -1;
	bind_versions_owner(tx, s, provider_id);
	if (step_done(c, s, t->clear_what, e))
		return -1;
	for (i = 0; i < sch->n; i++) {
		char *weekly;
		int rc, k;
		s = conn_prep(c, t->insert, e);
		if (!s)
			return -1;
		weekly = xmalloc(SCHEDULE_TEXT_MAX);	/* service ids make it too big for the stack */
		weekly_encode(&sch->v[i], weekly, SCHEDULE_TEXT_MAX);
		k = bind_versions_owner(tx, s, provider_id);
		db_bind_i64(s, k, (int64_t)i);
		bind_opt_day(s, k + 1, sch->v[i].effective_from);
		bind_opt_day(s, k + 2, sch->v[i].effective_until);
		bind_text(s, k + 3, weekly);
		bind_opt_day(s, k + 4, sch->v[i].weeks > 1 ? sch->v[i].anchor : AVAIL_DAY_NONE);
		rc = step_done(c, s, t->write_what, e);
		free(weekly);
		if (rc)
			return -1;
	}
	return 0;
}

int schedule_versions_get(struct store_tx *tx, const char *provider_id, struct arena *a,
			  struct schedule *out, struct err *e)
{
	const struct versions_table *t = provider_id ? &provider_versions : &business_versions;
	struct conn *c = tx->c;
	struct stmt *s = conn_prep(c, t->select, e);
	int rc;

	out->n = 0;
	if (!s)
		return -1;
	bind_versions_owner(tx, s, provider_id);
	while ((rc = db_step(s)) == DB_ROW && out->n < SCHEDULE_MAX_VERSIONS) {
		struct week_template *w = &out->v[out->n];
		memset(w, 0, sizeof(*w));
		w->effective_from = col_opt_day(s, 0);
		w->effective_until = col_opt_day(s, 1);
		w->anchor = col_opt_day(s, 3);
		if (weekly_decode(db_col_text(s, 2), w, a)) {
			db_reset(s);
			if (!provider_id)
				return err_set(e, ERR_INTERNAL,
					       "stored business hours are corrupt");
			return err_set(e, ERR_INTERNAL, "stored schedule of %s is corrupt",
				       provider_id);
		}
		out->n++;
	}
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(c, rc, t->read_what, e);
	return 0;
}

int tx_schedule_put(struct store_tx *tx, const char *provider_id, const struct schedule *sch,
		    struct err *e)
{
	return schedule_versions_put(tx, provider_id, sch, e);
}

int tx_schedule_get(struct store_tx *tx, const char *provider_id, struct arena *a,
		    struct schedule *out, struct err *e)
{
	return schedule_versions_get(tx, provider_id, a, out, e);
}

/* --- overrides --- */

#define OVERRIDE_COLS \
	"id, provider_id, from_day, to_day, hours, note, created_at, rrule, updated_at"

static void read_override(struct stmt *s, struct arena *a, void *dst)
{
	struct override_rec *r = dst;

	memset(r, 0, sizeof(*r));
	col_text(s, 0, r->id, sizeof(r->id));
	col_text(s, 1, r->provider_id, sizeof(r->provider_id));
	r->ov.from_day = db_col_i64(s, 2);
	r->ov.to_day = db_col_i64(s, 3);
	hours_decode_sets(db_col_text(s, 4), a, &r->ov.hours);
	col_text(s, 5, r->note, sizeof(r->note));
	r->created_at = db_col_i64(s, 6);
	col_text(s, 7, r->rrule, sizeof(r->rrule));
	r->updated_at = col_opt_i64(s, 8);
}

/* Binds what an override's insert and update share: ?1 tenant, ?2 id, ?3 provider,
 * ?4 from_day, ?5 to_day, ?6 the hours' text (written to hours, HOURS_TEXT_MAX bytes, alive
 * until the step) and ?7 the note. */
static void bind_override(struct store_tx *tx, struct stmt *s, const struct override_rec *o,
			  char *hours)
{
	hours_encode(&o->ov.hours, hours, HOURS_TEXT_MAX);
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, o->id);
	bind_text(s, 3, o->provider_id);
	db_bind_i64(s, 4, o->ov.from_day);
	db_bind_i64(s, 5, o->ov.to_day);
	bind_text(s, 6, hours);
	bind_opt_text(s, 7, o->note);
}

int tx_override_insert(struct store_tx *tx, const struct override_rec *o, struct err *e)
{
	char hours[HOURS_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO overrides(tenant_id, " OVERRIDE_COLS ")"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8)",
				    e);

	if (!s)
		return -1;
	bind_override(tx, s, o, hours);
	db_bind_i64(s, 8, o->created_at);
	bind_opt_text(s, 9, o->rrule);
	return step_done(tx->c, s, "create override", e);
}

int tx_override_update(struct store_tx *tx, const struct override_rec *o, struct err *e)
{
	char hours[HOURS_TEXT_MAX];
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE overrides SET from_day = ?4, to_day = ?5, hours = ?6,"
				    " note = ?7, rrule = ?8, updated_at = ?9"
				    " WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
				    e);

	if (!s)
		return -1;
	bind_override(tx, s, o, hours);
	bind_opt_text(s, 8, o->rrule);
	db_bind_i64(s, 9, o->updated_at);
	return step_done(tx->c, s, "update override", e);
}

int tx_override_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct arena *a, struct override_rec *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " OVERRIDE_COLS " FROM overrides WHERE tenant_id = ?1"
				   " AND id = ?2",
				   id, "override", e);

	if (!s)
		return -1;
	read_override(s, a, out);
	db_reset(s);
	if (strcmp(out->provider_id, provider_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "override %s not found", id);
	return 0;
}

/* The first room made for rows; it doubles from there. Most lists a slot query reads hold a
 * row or two, and rows can be large (a time-off row carries its 1 KB reason), so a big first
 * page would be zeroed for nothing on every request. */
#define LIST_FIRST 4

/* Makes room for row n of an arena array of elem-sized rows, doubling it when full. */
void *grow_rows(struct arena *a, void *rows, size_t n, size_t *cap, size_t elem)
{
	size_t more = *cap ? *cap * 2 : LIST_FIRST;
	void *bigger;

	if (n < *cap)
		return rows;
	bigger = arena_alloc(a, more * elem);
	if (n)
		memcpy(bigger, rows, n * elem);
	*cap = more;
	return bigger;
}

int rows_read(struct conn *c, struct stmt *s, row_reader_fn read, size_t elem, struct arena *a,
	      void **out, size_t *n, const char *what, struct err *e)
{
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = grow_rows(a, *out, *n, &cap, elem);
		read(s, a, (char *)*out + elem * (*n)++);
	}
	db_reset(s);
	return rc == DB_DONE ? 0 : sql_fail(c, rc, what, e);
}

int tenant_row_read(struct store_tx *tx, const char *sql, row_reader_fn read, void *dst,
		    const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	rc = db_step(s);
	if (rc == DB_ROW)
		read(s, NULL, dst);
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return sql_fail(tx->c, rc, what, e);
	return rc == DB_ROW;
}

void read_id_row(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	col_text(s, 0, dst, ID_MAX);
}

int page_read(struct store_tx *tx, struct stmt *s, struct page pg, row_reader_fn read,
	      size_t elem, struct arena *a, void **out, size_t *n, const char *what,
	      struct err *e)
{
	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, pg.after ? pg.after : "");
	db_bind_i64(s, 3, (int64_t)pg.limit);
	return rows_read(tx->c, s, read, elem, a, out, n, what, e);
}

int rows_of(struct store_tx *tx, const char *sql, const char *provider_id,
	    const char *service_id, row_reader_fn read, size_t elem, struct arena *a, void **out,
	    size_t *n, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_opt_text(s, 2, provider_id);
	bind_opt_text(s, 3, service_id);
	return rows_read(tx->c, s, read, elem, a, out, n, what, e);
}

int ids_read(struct store_tx *tx, const char *sql, const char *owner, size_t max,
	     struct arena *a, id_t_ **ids, size_t *n, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);
	int rc;

	*n = 0;
	*ids = arena_alloc(a, max * sizeof(**ids));
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, owner);
	while ((rc = db_step(s)) == DB_ROW && *n < max)
		col_text(s, 0, (*ids)[(*n)++], ID_MAX);
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(tx->c, rc, what, e);
	return 0;
}

int ids_link(struct store_tx *tx, const char *sql, const char *owner, const id_t_ *ids,
	     size_t n, const char *what, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct stmt *s = conn_prep(tx->c, sql, e);
		if (!s)
			return -1;
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, owner);
		bind_text(s, 3, ids[i]);
		if (step_done(tx->c, s, what, e))
			return -1;
	}
	return 0;
}

int tx_override_list(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct arena *a, struct override_rec **out, size_t *n,
		     struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " OVERRIDE_COLS " FROM overrides WHERE tenant_id = ?1"
				    " AND provider_id = ?2 AND from_day <= ?4 AND to_day >= ?3"
				    /* Sorted after the provider's index range is read: ordering by
				     * the bare id makes SQLite walk every override of the tenant. */
				    " ORDER BY id || ''",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from_day);
	db_bind_i64(s, 4, to_day);
	return rows_read(tx->c, s, read_override, sizeof(**out), a, (void **)out, n,
			 "list overrides", e);
}

/* The single count sql yields for the tenant (and owner as ?2, when not NULL). */
static int count_of(struct store_tx *tx, const char *sql, const char *owner, size_t *n,
		    const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	if (owner)
		bind_text(s, 2, owner);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_reset(s);
		return sql_fail(tx->c, rc, what, e);
	}
	*n = (size_t)db_col_i64(s, 0);
	db_reset(s);
	return 0;
}

int tx_override_count(struct store_tx *tx, const char *provider_id, size_t *n, struct err *e)
{
	if (provider_id)
		return count_of(tx,
				"SELECT count(*) FROM overrides WHERE tenant_id = ?1"
				" AND provider_id = ?2",
				provider_id, n, "count overrides", e);
	return count_of(tx,
			"SELECT count(*) FROM overrides WHERE tenant_id = ?1 AND rrule IS NOT NULL",
			NULL, n, "count overrides", e);
}

int tx_holiday_count(struct store_tx *tx, size_t *n, struct err *e)
{
	return count_of(tx, "SELECT count(*) FROM holidays WHERE tenant_id = ?1", NULL, n,
			"count holidays", e);
}

int tx_override_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e)
{
	return delete_row(tx,
			  "DELETE FROM overrides WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
			  id, provider_id, "override", e);
}

/* --- holidays --- */

#define HOLIDAY_COLUMNS "id, name, day, yearly, created_at, rrule, until_day, type, updated_at"
#define HOLIDAY_COLUMNS_H \
	"h.id, h.name, h.day, h.yearly, h.created_at, h.rrule, h.until_day, h.type, h.updated_at"

/* One row of HOLIDAY_COLUMNS (provider ids are read separately). */
static void read_holiday(struct stmt *s, struct arena *a, void *dst)
{
	struct holiday_rec *h = dst;

	(void)a;
	memset(h, 0, sizeof(*h));
	col_text(s, 0, h->id, sizeof(h->id));
	col_text(s, 1, h->name, sizeof(h->name));
	h->day = db_col_i64(s, 2);
	h->yearly = db_col_int(s, 3) != 0;
	h->created_at = db_col_i64(s, 4);
	col_text(s, 5, h->rrule, sizeof(h->rrule));
	h->until_day = db_col_null(s, 6) ? CIVIL_MAX_DAY : db_col_i64(s, 6);
	if (holiday_type_parse(db_col_text(s, 7), &h->type))
		h->type = HOLIDAY_PUBLIC;
	h->updated_at = col_opt_i64(s, 8);
}

static int holiday_providers_read(struct store_tx *tx, struct holiday_rec *h, struct arena *a,
				  struct err *e)
{
	return ids_read(tx,
			"SELECT provider_id FROM holiday_providers WHERE tenant_id = ?1"
			" AND holiday_id = ?2 ORDER BY provider_id",
			h->id, SERVICE_MAX_PROVIDERS, a, &h->provider_ids, &h->nproviders,
			"read holiday providers", e);
}

/* Binds what a holiday's insert and update write alike: ?1 tenant, ?2 id, ?3 name, ?4 day,
 * ?5 yearly, ?6 all_providers, ?7 rrule, ?8 until_day (NULL when it has no end), ?9 type. */
static void bind_holiday(struct store_tx *tx, struct stmt *s, const struct holiday_rec *h)
{
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, h->id);
	bind_text(s, 3, h->name);
	db_bind_i64(s, 4, h->day);
	db_bind_i64(s, 5, h->yearly);
	db_bind_i64(s, 6, h->nproviders == 0);
	bind_opt_text(s, 7, h->rrule);
	if (*h->rrule && h->until_day != CIVIL_MAX_DAY)
		db_bind_i64(s, 8, h->until_day);
	else
		db_bind_null(s, 8);
	bind_text(s, 9, holiday_type_name(h->type));
}

/* Links holiday h to its providers (none: all of them). */
static int holiday_link(struct store_tx *tx, const struct holiday_rec *h, struct err *e)
{
	return ids_link(tx,
			"INSERT INTO holiday_providers(tenant_id, holiday_id, provider_id)"
			" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			h->id, (const id_t_ *)h->provider_ids, h->nproviders, "link holiday", e);
}

/* Writes holiday h with sql (an insert or an update binding bind_holiday's columns and ?10
 * stamp), after checking its providers exist; what names the step in a failure. */
static int holiday_write(struct store_tx *tx, const struct holiday_rec *h, const char *sql,
			 int64_t stamp, const char *what, struct err *e)
{
	struct stmt *s;

	if (tx_providers_exist(tx, (const id_t_ *)h->provider_ids, h->nproviders, "/provider_ids",
			       e))
		return -1;
	s = conn_prep(tx->c, sql, e);
	if (!s)
		return -1;
	bind_holiday(tx, s, h);
	db_bind_i64(s, 10, stamp);
	return step_done(tx->c, s, what, e);
}

int tx_holiday_insert(struct store_tx *tx, const struct holiday_rec *h, struct err *e)
{
	if (holiday_write(tx, h,
			  "INSERT INTO holidays(tenant_id, id, name, day, yearly, all_providers,"
			  " rrule, until_day, type, created_at, updated_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
			  h->created_at, "create holiday", e))
		return -1;
	return holiday_link(tx, h, e);
}

int tx_holiday_update(struct store_tx *tx, const struct holiday_rec *h, struct err *e)
{
	struct conn *c = tx->c;
	struct stmt *s;

	if (holiday_write(tx, h,
			  "UPDATE holidays SET name = ?3, day = ?4, yearly = ?5,"
			  " all_providers = ?6, rrule = ?7, until_day = ?8, type = ?9,"
			  " updated_at = ?10"
			  " WHERE tenant_id = ?1 AND id = ?2",
			  h->updated_at, "update holiday", e))
		return -1;
	s = conn_prep(c,
		      "DELETE FROM holiday_providers WHERE tenant_id = ?1 AND holiday_id = ?2", e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, h->id);
	if (step_done(c, s, "update holiday", e))
		return -1;
	return holiday_link(tx, h, e);
}

int tx_holiday_range(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
		     struct holiday_rec **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " HOLIDAY_COLUMNS " FROM holidays h WHERE h.tenant_id = ?1"
		" AND ((h.rrule IS NULL AND h.day BETWEEN ?2 AND ?3) OR (h.rrule IS NOT"
		"  NULL AND h.day <= ?3 AND (h.until_day IS NULL OR h.until_day >= ?2)))"
		" ORDER BY h.id",
		e);
	size_t i;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, from_day);
	db_bind_i64(s, 3, to_day);
	if (rows_read(tx->c, s, read_holiday, sizeof(**out), a, (void **)out, n, "list holidays",
		      e))
		return -1;
	for (i = 0; i < *n; i++)
		if (holiday_providers_read(tx, &(*out)[i], a, e))
			return -1;
	return 0;
}

int tx_holiday_get(struct store_tx *tx, const char *id, struct arena *a,
		   struct holiday_rec *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " HOLIDAY_COLUMNS " FROM holidays WHERE tenant_id = ?1"
				   " AND id = ?2",
				   id, "holiday", e);

	if (!s)
		return -1;
	read_holiday(s, NULL, out);
	db_reset(s);
	return holiday_providers_read(tx, out, a, e);
}

int tx_holiday_list(struct store_tx *tx, struct page pg, struct arena *a,
		    struct holiday_rec **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " HOLIDAY_COLUMNS " FROM holidays WHERE tenant_id = ?1"
				    " AND id > ?2 ORDER BY id LIMIT ?3",
				    e);
	size_t i;

	if (page_read(tx, s, pg, read_holiday, sizeof(**out), a, (void **)out, n,
		      "list holidays", e))
		return -1;
	for (i = 0; i < *n; i++)
		if (holiday_providers_read(tx, &(*out)[i], a, e))
			return -1;
	return 0;
}

int tx_holiday_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM holidays WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "holiday", e);
}

/* Holidays over dates from_day..to_day, by id: the tenant-wide ones (provider_id NULL) or
 * those naming provider_id. */
static int holidays_read(struct store_tx *tx, const char *provider_id, int64_t from_day,
			 int64_t to_day, struct arena *a, struct holiday_rec **out, size_t *n,
			 struct err *e)
{
	/* A provider's own are read through its index and sorted afterwards (ordering by the
	 * bare id makes SQLite walk every holiday of the tenant). */
	struct stmt *s = conn_prep(
		tx->c,
		provider_id
			? "SELECT " HOLIDAY_COLUMNS_H " FROM holiday_providers hp JOIN holidays h"
			  " ON h.tenant_id = hp.tenant_id AND h.id = hp.holiday_id"
			  " WHERE hp.tenant_id = ?1 AND hp.provider_id = ?2"
			  " AND ((h.rrule IS NULL AND h.day BETWEEN ?3 AND ?4) OR (h.rrule IS NOT"
			  "  NULL AND h.day <= ?4 AND (h.until_day IS NULL OR h.until_day >= ?3)))"
			  " AND h.all_providers = 0 ORDER BY h.id || ''"
			: "SELECT " HOLIDAY_COLUMNS " FROM holidays h WHERE h.tenant_id = ?1"
			  " AND ((h.rrule IS NULL AND h.day BETWEEN ?2 AND ?3) OR (h.rrule IS NOT"
			  "  NULL AND h.day <= ?3 AND (h.until_day IS NULL OR h.until_day >= ?2)))"
			  " AND h.all_providers = 1 ORDER BY h.id",
		e);
	int k = provider_id ? 3 : 2;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	if (provider_id)
		bind_text(s, 2, provider_id);
	db_bind_i64(s, k, from_day);
	db_bind_i64(s, k + 1, to_day);
	return rows_read(tx->c, s, read_holiday, sizeof(**out), a, (void **)out, n,
			 "read holidays", e);
}

int holidays_tenant_wide(struct store_tx *tx, int64_t from_day, int64_t to_day, struct arena *a,
			 struct holiday_rec **out, size_t *n, struct err *e)
{
	return holidays_read(tx, NULL, from_day, to_day, a, out, n, e);
}

/* The tenant-wide holidays of a window, read once into cache. */
int holidays_all(struct store_tx *tx, struct bundle_cache *cache, int64_t from_day,
			int64_t to_day, struct arena *a, struct err *e)
{
	if (cache->read && cache->from_day == from_day && cache->to_day == to_day)
		return 0;
	if (holidays_read(tx, NULL, from_day, to_day, a, &cache->holidays, &cache->nholidays, e))
		return -1;
	cache->read = true;
	cache->from_day = from_day;
	cache->to_day = to_day;
	return 0;
}

int holiday_recs_for(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, struct arena *a, struct holiday_rec **out, size_t *n,
		     struct err *e)
{
	/* One provider alone: both kinds in one statement (the tenant's holidays are capped,
	 * so walking them is bounded). */
	struct stmt *s = conn_prep(
		tx->c,
		"SELECT " HOLIDAY_COLUMNS " FROM holidays h WHERE h.tenant_id = ?1"
		" AND ((h.rrule IS NULL AND h.day BETWEEN ?3 AND ?4) OR (h.rrule IS NOT"
		"  NULL AND h.day <= ?4 AND (h.until_day IS NULL OR h.until_day >= ?3)))"
		" AND (h.all_providers = 1 OR EXISTS (SELECT 1 FROM holiday_providers hp"
		"  WHERE hp.tenant_id = h.tenant_id AND hp.holiday_id = h.id"
		"  AND hp.provider_id = ?2)) ORDER BY h.id",
		e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from_day);
	db_bind_i64(s, 4, to_day);
	return rows_read(tx->c, s, read_holiday, sizeof(**out), a, (void **)out, n,
			 "read holidays", e);
}

/* b's holidays: with a cache, the provider's own alone and the tenant's for all providers
 * shared from cache (b->shared_holidays), read once for many providers rather than copied into
 * every bundle (10,000 providers times up to 500 of the tenant's); without one, both kinds in
 * b->holidays, in one statement. */
static int holidays_own_shared(struct store_tx *tx, const char *provider_id, int64_t from_day,
			       int64_t to_day, struct bundle_cache *cache, struct arena *a,
			       struct avail_bundle *b, struct err *e)
{
	b->shared_holidays = NULL;
	b->nshared_holidays = 0;
	if (!cache)
		return holiday_recs_for(tx, provider_id, from_day, to_day, a, &b->holidays,
					&b->nholidays, e);
	if (holidays_all(tx, cache, from_day, to_day, a, e) ||
	    holidays_read(tx, provider_id, from_day, to_day, a, &b->holidays, &b->nholidays, e))
		return -1;
	b->shared_holidays = cache->holidays;
	b->nshared_holidays = cache->nholidays;
	return 0;
}

/* --- time off --- */

#define TIME_OFF_COLS "id, provider_id, start_utc, end_utc, reason, created_at, updated_at"

static void read_time_off(struct stmt *s, struct arena *a, void *dst)
{
	struct time_off_rec *t = dst;

	(void)a;
	memset(t, 0, sizeof(*t));
	col_text(s, 0, t->id, sizeof(t->id));
	col_text(s, 1, t->provider_id, sizeof(t->provider_id));
	t->span.start = db_col_i64(s, 2);
	t->span.end = db_col_i64(s, 3);
	col_text(s, 4, t->reason, sizeof(t->reason));
	t->created_at = db_col_i64(s, 5);
	t->updated_at = col_opt_i64(s, 6);
}

/* Writes time off t with sql (an insert or an update binding ?1 tenant, ?2 id, ?3 provider,
 * ?4 start_utc, ?5 end_utc, ?6 reason and ?7 stamp); what names the step in a failure. */
static int time_off_write(struct store_tx *tx, const struct time_off_rec *t, const char *sql,
			  int64_t stamp, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, t->id);
	bind_text(s, 3, t->provider_id);
	db_bind_i64(s, 4, t->span.start);
	db_bind_i64(s, 5, t->span.end);
	bind_opt_text(s, 6, t->reason);
	db_bind_i64(s, 7, stamp);
	return step_done(tx->c, s, what, e);
}

int tx_time_off_insert(struct store_tx *tx, const struct time_off_rec *t, struct err *e)
{
	return time_off_write(tx, t,
			      "INSERT INTO time_off(tenant_id, " TIME_OFF_COLS ")"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
			      t->created_at, "create time off", e);
}

int tx_time_off_update(struct store_tx *tx, const struct time_off_rec *t, struct err *e)
{
	return time_off_write(tx, t,
			      "UPDATE time_off SET start_utc = ?4, end_utc = ?5, reason = ?6,"
			      " updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2"
			      " AND provider_id = ?3",
			      t->updated_at, "update time off", e);
}

int tx_time_off_get(struct store_tx *tx, const char *provider_id, const char *id,
		    struct time_off_rec *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " TIME_OFF_COLS " FROM time_off WHERE tenant_id = ?1"
				   " AND id = ?2",
				   id, "time off", e);

	if (!s)
		return -1;
	read_time_off(s, NULL, out);
	db_reset(s);
	if (strcmp(out->provider_id, provider_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "time off %s not found", id);
	return 0;
}

int tx_time_off_list(struct store_tx *tx, const char *provider_id, int64_t from, int64_t to,
		     struct arena *a, struct time_off_rec **out, size_t *n, struct err *e)
{
	/* Time off lasts at most TIME_OFF_MAX_SECONDS, which bounds the index range read. */
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " TIME_OFF_COLS " FROM time_off WHERE tenant_id = ?1"
				    " AND provider_id = ?2 AND start_utc < ?4 AND start_utc > ?5"
				    " AND end_utc > ?3 ORDER BY start_utc, id",
				    e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, provider_id);
	db_bind_i64(s, 3, from);
	db_bind_i64(s, 4, to);
	db_bind_i64(s, 5, from - TIME_OFF_MAX_SECONDS - 1);
	return rows_read(tx->c, s, read_time_off, sizeof(**out), a, (void **)out, n,
			 "list time off", e);
}

int tx_time_off_delete(struct store_tx *tx, const char *provider_id, const char *id,
		       struct err *e)
{
	return delete_row(tx,
			  "DELETE FROM time_off WHERE tenant_id = ?1 AND id = ?2 AND provider_id = ?3",
			  id, provider_id, "time off", e);
}

/* --- the engine's bundle --- */

int tx_bundle(struct store_tx *tx, const char *provider_id, int64_t from_day, int64_t to_day,
	      int64_t now, struct arena *a, struct avail_bundle *b, struct err *e)
{
	return tx_bundle_cached(tx, provider_id, from_day, to_day, now, NULL, a, b, e);
}

int tx_bundle_cached(struct store_tx *tx, const char *provider_id, int64_t from_day,
		     int64_t to_day, int64_t now, struct bundle_cache *cache, struct arena *a,
		     struct avail_bundle *b, struct err *e)
{
	if (tx_bundle_open(tx, provider_id, from_day, to_day, cache, a, b, e) ||
	    tx_external_busy(tx, provider_id, b->from, b->to, a, &b->external, &b->nexternal, e))
		return -1;
	return booked_read(tx, provider_id, b->from, b->to, now, a, &b->booked, &b->nbooked, e);
}

int bundle_records_read(struct store_tx *tx, const char *provider_id, int64_t from_day,
			int64_t to_day, struct bundle_cache *cache, struct arena *a,
			struct avail_bundle *b, struct err *e)
{
	struct schedule *sch;
	int rc;

	memset(b, 0, sizeof(*b));
	b->from_day = from_day;
	b->to_day = to_day;
	bundle_range(from_day, to_day, &b->from, &b->to);
	/* The bundle keeps the versions there are, not room for every possible one (12 KB). */
	if (tx_provider_get(tx, provider_id, &b->provider, e))
		return -1;
	sch = xmalloc(sizeof(*sch));
	rc = tx_schedule_get(tx, provider_id, a, sch, e);
	if (rc == 0 && sch->n) {
		struct week_template *v = arena_alloc(a, sch->n * sizeof(*v));
		memcpy(v, sch->v, sch->n * sizeof(*v));
		b->versions = v;
		b->nversions = sch->n;
	}
	free(sch);
	if (rc || tx_override_list(tx, provider_id, from_day, to_day, a, &b->overrides, &b->noverrides,
			     e) ||
	    holidays_own_shared(tx, provider_id, from_day, to_day, cache, a, b, e) ||
	    tx_time_off_list(tx, provider_id, b->from, b->to, a, &b->time_off, &b->ntime_off, e) ||
	    entries_read_for(tx, provider_id, b->from, b->to, a, &b->entries, &b->nentries, e))
		return -1;
	return 0;
}

int tx_bundle_open(struct store_tx *tx, const char *provider_id, int64_t from_day,
		   int64_t to_day, struct bundle_cache *cache, struct arena *a,
		   struct avail_bundle *b, struct err *e)
{
	if (bundle_records_read(tx, provider_id, from_day, to_day, cache, a, b, e))
		return -1;
	return business_cached(tx, from_day, to_day, cache, a, &b->business, e);
}
