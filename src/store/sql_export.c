/* slotd export and import: one tenant's rows out of a database a row at a time (one read
 * snapshot), and into another in one write transaction with every table's row count checked
 * before COMMIT. The tables and columns are slotd copy's (sql_tables.h). */
#include "store/store_export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/whsec.h"
#include "store/sql_int.h"
#include "store/sql_tables.h"
#include "util/arena.h"
#include "util/ids.h"
#include "util/mem.h"

#define COL_NAME_MAX 40
#define BIG_ROWS_PAGE 8		/* rows of a TABLE_BIG_ROWS table read per query */
#define HASHED_MAX (7 + 2 * crypto_hash_sha256_BYTES + 1)	/* "sha256:" + hex + NUL */

/* Why an imported calendar is off: its sealed address and password stayed behind. */
#define CALENDAR_IMPORTED "imported: enter the calendar's address and credentials again"

struct cols {
	int n;
	char name[XFER_MAX_COLS][COL_NAME_MAX];
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

static void cols_parse(const char *list, struct cols *c)
{
	const char *p = list;

	c->n = 0;
	while (*p && c->n < XFER_MAX_COLS) {
		size_t len;
		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if (!len)
			break;
		snprintf(c->name[c->n++], COL_NAME_MAX, "%.*s", (int)len, p);
		p += len;
	}
}

static int cols_find(const struct cols *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return i;
	return -1;
}

static const char *table_key(const struct copy_table *t)
{
	return strcmp(t->name, "tenants") ? "tenant_id" : "id";
}

/* copy_tables index of the i-th exported table, or copy_ntables. */
static size_t exported(size_t i)
{
	size_t t;

	for (t = 0; t < copy_ntables; t++) {
		if (copy_tables[t].flags & TABLE_NOT_EXPORTED)
			continue;
		if (i-- == 0)
			return t;
	}
	return copy_ntables;
}

size_t store_xfer_ntables(void)
{
	size_t t, n = 0;

	for (t = 0; t < copy_ntables; t++)
		n += !(copy_tables[t].flags & TABLE_NOT_EXPORTED);
	return n;
}

const char *store_xfer_table(size_t i)
{
	size_t t = exported(i);
	return t < copy_ntables ? copy_tables[t].name : NULL;
}

int store_xfer_table_index(const char *name)
{
	size_t i, n = store_xfer_ntables();

	for (i = 0; i < n; i++)
		if (!strcmp(store_xfer_table(i), name))
			return (int)i;
	return -1;
}

/* --- export --- */

/* What leaves in place of a column's stored value. */
enum out_rule { OUT_AS_IS, OUT_HASH, OUT_NULL };

static enum out_rule out_rule(const char *table, const char *col)
{
	static const struct {
		const char *table, *col;
		enum out_rule rule;
	} rules[] = {
		{"tenants", "link_secret", OUT_HASH},
		{"webhook_endpoints", "secret", OUT_HASH},
		{"webhook_endpoints", "previous_secret", OUT_HASH},
		{"calendars", "url_box", OUT_HASH},
		{"calendars", "password_box", OUT_HASH},
		{"calendars", "lease_owner", OUT_NULL},
		{"calendars", "lease_until", OUT_NULL},
		{"deliveries", "lease_owner", OUT_NULL},
		{"deliveries", "lease_until", OUT_NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].table, table) && !strcmp(rules[i].col, col))
			return rules[i].rule;
	return OUT_AS_IS;
}

struct store_export {
	struct store *st;
	struct conn *c;
	char tenant[ID_MAX];
	char **select;			/* per copy_tables index, built when first read */
	size_t t;			/* the table being read */
	struct stmt *s;
	/* TABLE_BIG_ROWS: rows read of this page, and the key of the last one */
	int page_rows;
	char last_key[ID_MAX + 64];
	int64_t last_seq;
	struct cols cols;
	char hashed[XFER_MAX_COLS][HASHED_MAX];
};

struct store_export *store_export_open(struct store *st, const char *slug, struct err *e)
{
	struct store_export *x = xcalloc(1, sizeof(*x));
	struct stmt *s;
	int rc;

	x->st = st;
	x->select = xcalloc(copy_ntables, sizeof(*x->select));
	x->t = copy_ntables;
	if (!(x->c = conn_get(st, e)) || read_begin(x->c, e))
		goto fail;
	if (!(s = conn_prep(x->c, "SELECT id FROM tenants WHERE slug = ?1", e)))
		goto fail;
	bind_text(s, 1, slug);
	rc = db_step(s);
	if (rc == DB_ROW)
		col_text(s, 0, x->tenant, sizeof(x->tenant));
	db_reset(s);
	if (rc == DB_DONE) {
		err_set(e, ERR_NOT_FOUND, "no tenant with slug %s", slug);
		goto fail;
	}
	if (rc != DB_ROW) {
		sql_fail(x->c, rc, "find tenant", e);
		goto fail;
	}
	return x;
fail:
	store_export_close(x);
	return NULL;
}

const char *store_export_tenant_id(const struct store_export *x)
{
	return x->tenant;
}

/* Runs the table's query (for TABLE_BIG_ROWS, the page after the last row read). */
static int page_open(struct store_export *x, struct err *e)
{
	if (!(x->s = conn_prep(x->c, x->select[x->t], e)))
		return -1;
	bind_text(x->s, 1, x->tenant);
	if (copy_tables[x->t].flags & TABLE_BIG_ROWS) {
		bind_text(x->s, 2, x->last_key);
		db_bind_i64(x->s, 3, x->last_seq);
	}
	x->page_rows = 0;
	return 0;
}

int store_export_rows(struct store_export *x, size_t i, struct err *e)
{
	size_t t = exported(i);
	const struct copy_table *tb;

	if (t >= copy_ntables)
		return err_set(e, ERR_INTERNAL, "no exported table %zu", i);
	if (x->s)
		db_reset(x->s);
	x->s = NULL;
	tb = &copy_tables[t];
	cols_parse(tb->cols, &x->cols);
	if (!x->select[t] && (tb->flags & TABLE_BIG_ROWS))
		x->select[t] = fmt("SELECT %s FROM %s WHERE %s = ?1 AND (%s > ?2 OR (%s = ?2 AND"
				   " %s > ?3)) ORDER BY 2, 3 LIMIT %d", tb->cols, tb->name,
				   table_key(tb), x->cols.name[1], x->cols.name[1],
				   x->cols.name[2], BIG_ROWS_PAGE);
	else if (!x->select[t])
		x->select[t] = fmt("SELECT %s FROM %s WHERE %s = ?1 ORDER BY 1, 2%s", tb->cols,
				   tb->name, table_key(tb), x->cols.n > 2 ? ", 3" : "");
	x->t = t;
	x->last_key[0] = '\0';
	x->last_seq = INT64_MIN;
	return page_open(x, e);
}

static void hash_text(const char *v, char out[HASHED_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)v, strlen(v));
	memcpy(out, "sha256:", 7);
	sodium_bin2hex(out + 7, HASHED_MAX - 7, h, sizeof(h));
}

int store_export_next(struct store_export *x, struct xfer_row *row, struct err *e)
{
	const char *table;
	int rc, i;

	if (!x->s)
		return 0;
	rc = db_step(x->s);
	if (rc == DB_DONE && (copy_tables[x->t].flags & TABLE_BIG_ROWS) &&
	    x->page_rows == BIG_ROWS_PAGE) {
		db_reset(x->s);
		if (page_open(x, e))
			return -1;
		rc = db_step(x->s);
	}
	if (rc == DB_DONE) {
		db_reset(x->s);
		x->s = NULL;
		return 0;
	}
	if (rc != DB_ROW) {
		db_reset(x->s);
		x->s = NULL;
		return sql_fail(x->c, rc, "read rows", e);
	}
	table = copy_tables[x->t].name;
	if (copy_tables[x->t].flags & TABLE_BIG_ROWS) {
		const char *k = db_col_text(x->s, 1);
		if (!k || strlen(k) >= sizeof(x->last_key)) {
			db_reset(x->s);
			x->s = NULL;
			return err_set(e, ERR_INTERNAL, "%s: a row's %s is not an id", table,
				       x->cols.name[1]);
		}
		x->page_rows++;
		col_text(x->s, 1, x->last_key, sizeof(x->last_key));
		x->last_seq = db_col_i64(x->s, 2);
	}
	row->n = x->cols.n;
	for (i = 0; i < x->cols.n; i++) {
		struct xfer_value *v = &row->v[i];
		enum out_rule rule = out_rule(table, x->cols.name[i]);

		row->cols[i] = x->cols.name[i];
		memset(v, 0, sizeof(*v));
		switch (db_col_kind(x->s, i)) {
		case DB_COL_NULL:
			v->kind = XFER_NULL;
			break;
		case DB_COL_INT:
			v->kind = XFER_INT;
			v->i = db_col_i64(x->s, i);
			break;
		case DB_COL_TEXT:
			v->kind = XFER_TEXT;
			v->p = db_col_text(x->s, i);
			v->len = strlen(v->p);
			break;
		case DB_COL_BLOB:
			v->kind = XFER_BLOB;
			v->p = db_col_blob(x->s, i, &v->len);
			break;
		}
		if (rule == OUT_NULL || (rule == OUT_HASH && v->kind != XFER_TEXT)) {
			memset(v, 0, sizeof(*v));
		} else if (rule == OUT_HASH) {
			hash_text(v->p, x->hashed[i]);
			v->p = x->hashed[i];
			v->len = strlen(v->p);
		}
	}
	return 1;
}

void store_export_close(struct store_export *x)
{
	size_t t;

	if (!x)
		return;
	if (x->s)
		db_reset(x->s);
	if (x->c) {
		read_end(x->c);
		conn_put(x->st, x->c);
	}
	for (t = 0; t < copy_ntables; t++)
		free(x->select[t]);
	free(x->select);
	free(x);
}

/* --- import --- */

/* One table's columns in the destination: names (the copy list) and their stored kinds. */
struct import_table {
	bool loaded;
	struct cols cols;
	enum xfer_kind kind[XFER_MAX_COLS];
};

/* An INSERT for one table and one set of columns (bit i: column i of the copy list). */
struct import_sql {
	size_t t;
	uint64_t mask;
	char *sql;
};

struct store_import {
	struct store *st;
	struct conn *c;
	char tenant[ID_MAX];
	struct import_table *tables;	/* per copy_tables index */
	int64_t *count;			/* per copy_tables index */
	struct import_sql *ins;
	size_t nins, cap;
	char **counts_sql;		/* per copy_tables index */
	char link_secret[TOKEN_MAX];
	char whsec[WHSEC_MAX];
};

struct store_import *store_import_open(struct store *st, struct err *e)
{
	struct store_import *im = xcalloc(1, sizeof(*im));

	im->st = st;
	im->tables = xcalloc(copy_ntables, sizeof(*im->tables));
	im->count = xcalloc(copy_ntables, sizeof(*im->count));
	im->counts_sql = xcalloc(copy_ntables, sizeof(*im->counts_sql));
	if (!(im->c = db_write_begin(st, "slotd import", e))) {
		store_import_close(im);
		return NULL;
	}
	return im;
}

/* SQLite's declared types (INTEGER, TEXT, BLOB) and PostgreSQL's (bigint, text, bytea). */
static enum xfer_kind kind_of_type(const char *type)
{
	char low[32];
	size_t i;

	for (i = 0; type[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] - 'A' + 'a' : type[i]);
	low[i] = '\0';
	if (strstr(low, "int"))
		return XFER_INT;
	if (strstr(low, "blob") || strstr(low, "bytea"))
		return XFER_BLOB;
	return XFER_TEXT;
}

/* The stored kinds of table t's columns, read from the destination's schema. */
static int table_load(struct store_import *im, size_t t, struct err *e)
{
	struct import_table *it = &im->tables[t];
	const char *sql = im->c->kind == DB_PG
				  ? "SELECT column_name, data_type FROM information_schema.columns"
				    " WHERE table_schema = current_schema() AND table_name = ?1"
				  : "SELECT name, type FROM pragma_table_info(?1)";
	struct stmt *s;
	int rc, i, found = 0;

	if (it->loaded)
		return 0;
	cols_parse(copy_tables[t].cols, &it->cols);
	for (i = 0; i < it->cols.n; i++)
		it->kind[i] = XFER_NULL;
	if (!(s = conn_prep(im->c, sql, e)))
		return -1;
	bind_text(s, 1, copy_tables[t].name);
	while ((rc = db_step(s)) == DB_ROW) {
		int k = cols_find(&it->cols, db_col_text(s, 0));
		if (k >= 0) {
			it->kind[k] = kind_of_type(db_col_text(s, 1));
			found++;
		}
	}
	db_reset(s);
	if (rc != DB_DONE)
		return sql_fail(im->c, rc, "read the schema", e);
	if (found != it->cols.n)
		return err_set(e, ERR_INTERNAL, "the database's table %s lacks columns of slotd's",
			       copy_tables[t].name);
	it->loaded = true;
	return 0;
}

static const char *kind_name(enum xfer_kind k)
{
	switch (k) {
	case XFER_INT:
		return "an integer";
	case XFER_TEXT:
		return "a string";
	case XFER_BLOB:
		return "binary ({\"base64\": ...})";
	default:
		return "null";
	}
}

static const char *insert_sql(struct store_import *im, size_t t, uint64_t mask)
{
	const struct import_table *it = &im->tables[t];
	char names[XFER_MAX_COLS * (COL_NAME_MAX + 2)] = "", params[XFER_MAX_COLS * 6] = "";
	size_t i, nn = 0, np = 0;
	int c, k = 0;

	for (i = 0; i < im->nins; i++)
		if (im->ins[i].t == t && im->ins[i].mask == mask)
			return im->ins[i].sql;
	for (c = 0; c < it->cols.n; c++) {
		if (!(mask & (UINT64_C(1) << c)))
			continue;
		k++;
		nn += (size_t)snprintf(names + nn, sizeof(names) - nn, "%s%s", k > 1 ? ", " : "",
				       it->cols.name[c]);
		np += (size_t)snprintf(params + np, sizeof(params) - np, "%s?%d", k > 1 ? ", " : "",
				       k);
	}
	if (im->nins == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 64;
		im->ins = xrealloc(im->ins, im->cap * sizeof(*im->ins));
	}
	im->ins[im->nins].t = t;
	im->ins[im->nins].mask = mask;
	im->ins[im->nins].sql = fmt("INSERT INTO %s(%s) VALUES (%s)", copy_tables[t].name, names,
				    params);
	return im->ins[im->nins++].sql;
}

static void set_text(struct xfer_value *v, const char *text)
{
	v->kind = text ? XFER_TEXT : XFER_NULL;
	v->p = text;
	v->len = text ? strlen(text) : 0;
	v->i = 0;
}

static void set_int(struct xfer_value *v, int64_t i)
{
	v->kind = XFER_INT;
	v->i = i;
	v->p = NULL;
	v->len = 0;
}

/* Secrets that did not travel, and state of the old server: fresh or cleared. */
static void import_reset(struct store_import *im, size_t t, const struct import_table *it,
			 struct xfer_value *val, uint64_t *mask)
{
	const char *table = copy_tables[t].name;
	int c;

	for (c = 0; c < it->cols.n; c++) {
		const char *col = it->cols.name[c];
		struct xfer_value *v = &val[c];
		bool hit = true;

		if (!strcmp(table, "tenants") && !strcmp(col, "link_secret")) {
			token_new(im->link_secret, "lk");
			set_text(v, im->link_secret);
		} else if (!strcmp(table, "webhook_endpoints")) {
			if (!strcmp(col, "secret")) {
				whsec_new(im->whsec);
				set_text(v, im->whsec);
			} else if (!strcmp(col, "previous_secret") ||
				   !strcmp(col, "previous_until") ||
				   !strcmp(col, "failing_since")) {
				set_text(v, NULL);
			} else if (!strcmp(col, "enabled")) {
				set_int(v, 0);
			} else if (!strcmp(col, "disabled_reason")) {
				set_text(v, "imported");
			} else {
				hit = false;
			}
		} else if (!strcmp(table, "calendars")) {
			if (!strcmp(col, "url_box") || !strcmp(col, "password_box") ||
			    !strcmp(col, "etag") || !strcmp(col, "last_modified") ||
			    !strcmp(col, "ctag") || !strcmp(col, "busy_hash") ||
			    !strcmp(col, "lease_owner") || !strcmp(col, "lease_until")) {
				set_text(v, NULL);
			} else if (!strcmp(col, "enabled")) {
				set_int(v, 0);
			} else if (!strcmp(col, "last_error")) {
				set_text(v, CALENDAR_IMPORTED);
			} else {
				hit = false;
			}
		} else if (!strcmp(table, "deliveries") &&
			   (!strcmp(col, "lease_owner") || !strcmp(col, "lease_until"))) {
			set_text(v, NULL);
		} else {
			hit = false;
		}
		if (hit)
			*mask |= UINT64_C(1) << c;
	}
}

/* A schedule version's weekly text that the store reads back (schedule_versions,
 * business_hours_versions). */
static bool weekly_readable(const char *text)
{
	struct arena *a = arena_new();
	struct week_template w;
	bool ok = !weekly_decode(text, &w, a);

	arena_free(a);
	return ok;
}

/* A slug slotd tenant create takes: 1-63 of a-z, 0-9 and '-' (not first). */
static bool slug_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] == '-' && i > 0)))
			return false;
	return true;
}

/* ERR_CONFLICT when the database already has a tenant with this id or slug. */
static int tenant_absent(struct conn *c, const char *id, const char *slug, struct err *e)
{
	struct stmt *s = conn_prep(c, "SELECT slug, id FROM tenants WHERE id = ?1 OR slug = ?2", e);
	char have[128];
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, id);
	bind_text(s, 2, slug);
	rc = db_step(s);
	if (rc == DB_ROW)
		col_text(s, 0, have, sizeof(have));
	db_reset(s);
	if (rc == DB_ROW && !strcmp(have, slug))
		return err_set(e, ERR_CONFLICT, "the database already has a tenant with slug %s",
			       slug);
	if (rc == DB_ROW)
		return err_set(e, ERR_CONFLICT, "the database already has a tenant with id %s "
			       "(slug %s)", id, have);
	return rc == DB_DONE ? 0 : sql_fail(c, rc, "look up tenant", e);
}

/* ERR_CONFLICT when a booking in the database already has this manage token (tokens are
 * looked up without a tenant, so a second holder would open the first one's booking). */
static int manage_token_unused(struct conn *c, const struct xfer_value *hash, long long nth,
			       struct err *e)
{
	struct stmt *s;
	int rc;

	if (hash->kind != XFER_TEXT)
		return 0;
	if (!(s = conn_prep(c, "SELECT 1 FROM bookings WHERE manage_token_hash = ?1", e)))
		return -1;
	bind_text(s, 1, hash->p);
	rc = db_step(s);
	db_reset(s);
	if (rc == DB_ROW)
		return err_set(e, ERR_CONFLICT, "bookings row %lld: its manage token is already "
			       "a booking's in this database", nth);
	return rc == DB_DONE ? 0 : sql_fail(c, rc, "look up manage token", e);
}

static int bind_value(struct stmt *s, int i, const struct xfer_value *v)
{
	switch (v->kind) {
	case XFER_NULL:
		db_bind_null(s, i);
		break;
	case XFER_INT:
		db_bind_i64(s, i, v->i);
		break;
	case XFER_TEXT:
		bind_text(s, i, v->p);
		break;
	case XFER_BLOB:
		db_bind_blob(s, i, v->p, v->len);
		break;
	}
	return 0;
}

int store_import_row(struct store_import *im, const char *table, const struct xfer_row *row,
		     struct err *e)
{
	struct xfer_value val[XFER_MAX_COLS];
	const struct import_table *it;
	int x = store_xfer_table_index(table);
	long long nth;
	uint64_t mask = 0;
	struct stmt *s;
	const char *sql;
	size_t t;
	int i, key, rc;

	if (x < 0)
		return err_set(e, ERR_INVALID, "unknown table %s", table);
	t = exported((size_t)x);
	nth = (long long)im->count[t] + 1;
	if (!*im->tenant && strcmp(table, "tenants"))
		return err_set(e, ERR_INVALID, "table tenants, with the tenant's row, must come "
			       "first (found %s)", table);
	if (*im->tenant && !strcmp(table, "tenants"))
		return err_set(e, ERR_INVALID, "tenants row %lld: a document holds one tenant", nth);
	if (table_load(im, t, e))
		return -1;
	it = &im->tables[t];
	memset(val, 0, sizeof(val));
	for (i = 0; i < row->n; i++) {
		int c = cols_find(&it->cols, row->cols[i]);
		const struct xfer_value *v = &row->v[i];
		if (c < 0)
			return err_set(e, ERR_INVALID, "%s row %lld: unknown column %s", table, nth,
				       row->cols[i]);
		if (v->kind != XFER_NULL && v->kind != it->kind[c])
			return err_set(e, ERR_INVALID, "%s row %lld: %s must be %s or null", table,
				       nth, row->cols[i], kind_name(it->kind[c]));
		if (v->kind == XFER_TEXT && strlen(v->p) != v->len)
			return err_set(e, ERR_INVALID, "%s row %lld: %s holds a NUL character", table,
				       nth, row->cols[i]);
		val[c] = *v;
		mask |= UINT64_C(1) << c;
	}
	key = cols_find(&it->cols, table_key(&copy_tables[t]));
	if (!strcmp(table, "tenants")) {
		int slug = cols_find(&it->cols, "slug");
		if (!(mask & (UINT64_C(1) << key)) || val[key].kind != XFER_TEXT ||
		    !id_valid(val[key].p, "ten"))
			return err_set(e, ERR_INVALID, "tenants row 1: id must be a tenant id "
				       "(ten_...)");
		if (!(mask & (UINT64_C(1) << slug)) || val[slug].kind != XFER_TEXT ||
		    !slug_valid(val[slug].p))
			return err_set(e, ERR_INVALID, "tenants row 1: slug must be 1-63 lower-case "
				       "letters, digits or '-' (not first)");
		if (tenant_absent(im->c, val[key].p, val[slug].p, e))
			return -1;
		snprintf(im->tenant, sizeof(im->tenant), "%s", val[key].p);
	} else if (!(mask & (UINT64_C(1) << key))) {
		set_text(&val[key], im->tenant);
		mask |= UINT64_C(1) << key;
	} else if (val[key].kind != XFER_TEXT || strcmp(val[key].p, im->tenant)) {
		return err_set(e, ERR_INVALID, "%s row %lld: tenant_id is not the tenant's", table,
			       nth);
	}
	/* The page key of big rows (sql_tables.h) is an id: an export keeps the last one read. */
	if ((copy_tables[t].flags & TABLE_BIG_ROWS) && val[1].kind == XFER_TEXT &&
	    val[1].len >= ID_MAX)
		return err_set(e, ERR_INVALID, "%s row %lld: %s must be an id", table, nth,
			       it->cols.name[1]);
	key = cols_find(&it->cols, "weekly");
	if (key >= 0 && val[key].kind == XFER_TEXT && !weekly_readable(val[key].p))
		return err_set(e, ERR_INVALID, "%s row %lld: weekly is not hours slotd stores "
			       "(docs/operations.md, \"The format\")", table, nth);
	import_reset(im, t, it, val, &mask);
	key = cols_find(&it->cols, "manage_token_hash");
	if (!strcmp(table, "bookings") && key >= 0 && manage_token_unused(im->c, &val[key], nth, e))
		return -1;
	sql = insert_sql(im, t, mask);
	if (!(s = conn_prep(im->c, sql, e)))
		return -1;
	for (i = 0, key = 1; i < it->cols.n; i++)
		if (mask & (UINT64_C(1) << i))
			bind_value(s, key++, &val[i]);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE) {
		enum db_fail f = im->c->fail;
		if (rc == DB_ERROR && (f == DBF_CONSTRAINT || f == DBF_DATA || f == DBF_OTHER ||
				       f == DBF_SLOT_TAKEN))
			return err_set(e, ERR_INVALID, "%s row %lld: the database refuses it: %s",
				       table, nth, im->c->msg);
		return sql_fail(im->c, rc, "import a row", e);
	}
	im->count[t]++;
	return 0;
}

int64_t store_import_count(const struct store_import *im, size_t i)
{
	size_t t = exported(i);
	return t < copy_ntables ? im->count[t] : 0;
}

const char *store_import_tenant_id(const struct store_import *im)
{
	return im->tenant;
}

static int counts_check(struct store_import *im, struct err *e)
{
	size_t t;

	if (!*im->tenant)
		return err_set(e, ERR_INVALID, "the document holds no tenant");
	for (t = 0; t < copy_ntables; t++) {
		struct stmt *s;
		int64_t got;
		int rc;

		if (!im->counts_sql[t])
			im->counts_sql[t] = fmt("SELECT count(*) FROM %s WHERE %s = ?1", copy_tables[t].name,
					table_key(&copy_tables[t]));
		if (!(s = conn_prep(im->c, im->counts_sql[t], e)))
			return -1;
		bind_text(s, 1, im->tenant);
		rc = db_step(s);
		got = rc == DB_ROW ? db_col_i64(s, 0) : 0;
		db_reset(s);
		if (rc != DB_ROW)
			return sql_fail(im->c, rc, "count rows", e);
		if (got != im->count[t])
			return err_set(e, ERR_INTERNAL, "%s: %lld rows imported, the database holds "
				       "%lld", copy_tables[t].name, (long long)im->count[t],
				       (long long)got);
	}
	return 0;
}

/* The imported tenant's availability revision (store/avail_cache.h), which exports leave
 * out; without it the tenant's slots would never be answered from memory. */
static int avail_revision_add(struct conn *c, const char *tenant, struct err *e)
{
	struct stmt *s = conn_prep(c,
				    "INSERT INTO avail_revisions(tenant_id, rev) VALUES (?1, 1)"
				    " ON CONFLICT DO NOTHING",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	return step_done(c, s, "import tenant", e);
}

int store_import_finish(struct store_import *im, bool commit, struct err *e)
{
	struct conn *c = im->c;
	bool ok;

	if (!c)
		return commit ? err_set(e, ERR_INTERNAL, "the import has ended") : 0;
	ok = commit && !counts_check(im, e) &&
	     (!*im->tenant || !avail_revision_add(c, im->tenant, e));
	im->c = NULL;
	if (db_write_end(im->st, c, ok, e))
		ok = false;
	return ok || !commit ? 0 : -1;
}

void store_import_close(struct store_import *im)
{
	size_t i;
	struct err ignored;

	if (!im)
		return;
	err_init(&ignored);
	if (im->c)
		store_import_finish(im, false, &ignored);
	for (i = 0; i < im->nins; i++)
		free(im->ins[i].sql);
	for (i = 0; i < copy_ntables; i++)
		free(im->counts_sql[i]);
	free(im->counts_sql);
	free(im->ins);
	free(im->tables);
	free(im->count);
	free(im);
}
