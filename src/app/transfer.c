/* slotd export and import: the JSON document around the store's rows (store_export.h). The
 * document is written and read a row at a time: jansson handles one row (or one small
 * top-level member) and a little scanner here walks the structure around them. */
#include "app/transfer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/civil.h"
#include "core/tz.h"
#include "store/store_export.h"
#include "util/mem.h"

/* Keys and scalar members of the document are short; rows are read by jansson. */
#define SCALAR_MAX 4096

/* --- export --- */

static json_t *row_json(const struct xfer_row *row)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < row->n; i++) {
		const struct xfer_value *v = &row->v[i];
		json_t *j = NULL;

		switch (v->kind) {
		case XFER_NULL:
			j = json_null();
			break;
		case XFER_INT:
			j = json_integer(v->i);
			break;
		case XFER_TEXT:
			j = json_stringn(v->p, v->len);
			break;
		case XFER_BLOB: {
			size_t n = sodium_base64_ENCODED_LEN(v->len, sodium_base64_VARIANT_ORIGINAL);
			char *b = xmalloc(n);
			sodium_bin2base64(b, n, (const unsigned char *)v->p, v->len,
					  sodium_base64_VARIANT_ORIGINAL);
			j = json_pack("{s:s}", "base64", b);
			free(b);
			break;
		}
		}
		json_object_set_new(o, row->cols[i], j ? j : json_null());
	}
	return o;
}

static const struct xfer_value *row_get(const struct xfer_row *row, const char *col)
{
	int i;

	for (i = 0; i < row->n; i++)
		if (!strcmp(row->cols[i], col))
			return &row->v[i];
	return NULL;
}

/* "tenant": the tenants row in brief, for people reading the document. */
static json_t *tenant_json(const struct xfer_row *row)
{
	const struct xfer_value *id = row_get(row, "id"), *slug = row_get(row, "slug"),
				*name = row_get(row, "name"), *at = row_get(row, "created_at");
	char when[RFC3339_STR_MAX];

	rfc3339_format(at ? at->i : 0, 0, when);
	return json_pack("{s:s, s:s, s:s, s:s}", "id", id ? id->p : "", "slug",
			 slug ? slug->p : "", "name", name ? name->p : "", "created_at", when);
}

static int dump(FILE *out, const json_t *j)
{
	return json_dumpf(j, out, JSON_COMPACT);
}

int transfer_export(struct store *st, const char *slug, int64_t now, FILE *out, int64_t *rows,
		    struct err *e)
{
	size_t t, n = store_xfer_ntables();
	struct store_export *x = store_export_open(st, slug, e);
	int64_t *count = xcalloc(n, sizeof(*count));
	char when[RFC3339_STR_MAX];
	struct xfer_row row;
	json_t *j;
	int rc = -1, got;

	*rows = 0;
	if (!x)
		goto out;
	/* The tenant's row first, for the summary at the top. */
	if (store_export_rows(x, 0, e) || (got = store_export_next(x, &row, e)) < 0)
		goto out;
	if (!got) {
		err_set(e, ERR_NOT_FOUND, "no tenant with slug %s", slug);
		goto out;
	}
	rfc3339_format(now, 0, when);
	fprintf(out, "{\"format\": \"%s\", \"version\": %d, \"exported_at\": \"%s\",\n"
		     " \"tenant\": ", TRANSFER_FORMAT, TRANSFER_VERSION, when);
	j = tenant_json(&row);
	dump(out, j);
	json_decref(j);
	fputs(",\n \"tables\": {", out);
	for (t = 0; t < n; t++) {
		if (store_export_rows(x, t, e))
			goto out;
		fprintf(out, "%s\n  \"%s\": [", t ? "," : "", store_xfer_table(t));
		while ((got = store_export_next(x, &row, e)) == 1) {
			fputs(count[t] ? ",\n   " : "\n   ", out);
			j = row_json(&row);
			dump(out, j);
			json_decref(j);
			count[t]++;
		}
		if (got < 0)
			goto out;
		fputs(count[t] ? "\n  ]" : "]", out);
		*rows += count[t];
	}
	fputs("\n },\n \"counts\": {", out);
	for (t = 0; t < n; t++)
		fprintf(out, "%s\"%s\": %lld", t ? ", " : "", store_xfer_table(t),
			(long long)count[t]);
	fputs("}}\n", out);
	if (fflush(out) || ferror(out)) {
		err_set(e, ERR_INTERNAL, "cannot write the document");
		goto out;
	}
	rc = 0;
out:
	store_export_close(x);
	free(count);
	return rc;
}

/* --- import --- */

struct reader {
	FILE *in;
	struct store_import *im;
	bool format_ok, version_ok;
	json_t *tenant, *counts;
	int64_t *rows;			/* per exported table, as read */
	bool *seen;			/* per exported table: its array was read */
	char slug[128];
	struct tz_db *tz;		/* to check time zone columns */
};

static int next_char(FILE *in)
{
	int c;

	do
		c = fgetc(in);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	return c;
}

static int malformed(struct err *e, const char *what)
{
	return err_set(e, ERR_INVALID, "not a slotd-tenant document: %s", what);
}

/* Reads the rest of a string token (the opening quote was read) and decodes it; heap. */
static char *read_string(FILE *in, struct err *e)
{
	char raw[SCALAR_MAX + 2];
	size_t n = 0;
	bool esc = false;
	json_t *j;
	char *out;
	int c;

	raw[n++] = '"';
	for (;;) {
		c = fgetc(in);
		if (c == EOF || n >= SCALAR_MAX) {
			malformed(e, "a name or value is cut off or too long");
			return NULL;
		}
		raw[n++] = (char)c;
		if (esc)
			esc = false;
		else if (c == '\\')
			esc = true;
		else if (c == '"')
			break;
	}
	raw[n] = '\0';
	if (!(j = json_loads(raw, JSON_DECODE_ANY, NULL)) || !json_is_string(j)) {
		json_decref(j);
		malformed(e, "a string is not valid JSON");
		return NULL;
	}
	out = xstrdup(json_string_value(j));
	json_decref(j);
	return out;
}

/* One JSON value starting with c (already read): objects and arrays through jansson on the
 * stream, scalars through a small buffer. */
static json_t *read_value(FILE *in, int c, struct err *e)
{
	json_error_t jerr;
	json_t *j;

	if (c == '{' || c == '[') {
		ungetc(c, in);
		j = json_loadf(in, JSON_DISABLE_EOF_CHECK, &jerr);
		if (!j)
			err_set(e, ERR_INVALID, "not a slotd-tenant document: %s", jerr.text);
		return j;
	}
	if (c == '"') {
		char *s = read_string(in, e);
		if (!s)
			return NULL;
		j = json_string(s);
		free(s);
		return j;
	} else {
		char raw[64];
		size_t n = 0;
		while (c != EOF && c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' &&
		       c != '\r' && c != '\t' && n + 1 < sizeof(raw)) {
			raw[n++] = (char)c;
			c = fgetc(in);
		}
		if (c != EOF)
			ungetc(c, in);
		raw[n] = '\0';
		if (!(j = json_loads(raw, JSON_DECODE_ANY, NULL)))
			malformed(e, "a value is not valid JSON");
		return j;
	}
}

/* A row object into an xfer_row; base64 values are decoded into heap buffers listed in
 * bufs (the caller frees them). */
static int row_from_json(const char *table, long long nth, json_t *o, struct xfer_row *row,
			 unsigned char **bufs, struct err *e)
{
	const char *key;
	json_t *v;

	row->n = 0;
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, "%s row %lld: not an object", table, nth);
	json_object_foreach(o, key, v) {
		struct xfer_value *x = &row->v[row->n];

		if (row->n >= XFER_MAX_COLS)
			return err_set(e, ERR_INVALID, "%s row %lld: too many columns", table, nth);
		memset(x, 0, sizeof(*x));
		row->cols[row->n] = key;
		bufs[row->n] = NULL;
		if (json_is_null(v)) {
			x->kind = XFER_NULL;
		} else if (json_is_integer(v)) {
			x->kind = XFER_INT;
			x->i = json_integer_value(v);
		} else if (json_is_boolean(v)) {
			x->kind = XFER_INT;
			x->i = json_is_true(v);
		} else if (json_is_string(v)) {
			x->kind = XFER_TEXT;
			x->p = json_string_value(v);
			x->len = json_string_length(v);
		} else if (json_is_object(v) && json_object_size(v) == 1 &&
			   json_is_string(json_object_get(v, "base64"))) {
			json_t *b = json_object_get(v, "base64");
			size_t cap = json_string_length(b) / 4 * 3 + 3, len = 0;
			unsigned char *buf = xmalloc(cap ? cap : 1);
			bufs[row->n] = buf;
			if (sodium_base642bin(buf, cap, json_string_value(b), json_string_length(b),
					      " \n", &len, NULL, sodium_base64_VARIANT_ORIGINAL))
				return err_set(e, ERR_INVALID, "%s row %lld: %s is not valid base64",
					       table, nth, key);
			x->kind = XFER_BLOB;
			x->p = (const char *)buf;
			x->len = len;
		} else {
			return err_set(e, ERR_INVALID, "%s row %lld: %s must be an integer, a string, "
				       "null or {\"base64\": \"...\"}", table, nth, key);
		}
		row->n++;
	}
	return 0;
}

/* A time zone column (providers, business hours, entries) names a zone slotd knows: the
 * schedule and slots of a row in another could not be answered. */
static int zones_known(struct tz_db *tz, const char *table, long long nth,
		       const struct xfer_row *row, struct err *e)
{
	int i;

	for (i = 0; i < row->n; i++)
		if (!strcmp(row->cols[i], "timezone") && row->v[i].kind == XFER_TEXT &&
		    !tz_db_get(tz, row->v[i].p))
			return err_set(e, ERR_INVALID, "%s row %lld: timezone %.64s is not a known "
				       "IANA time zone", table, nth, row->v[i].p);
	return 0;
}

static int read_rows(struct reader *r, const char *table, struct err *e)
{
	int x = store_xfer_table_index(table), c;

	if (x < 0)
		return err_set(e, ERR_INVALID, "unknown table %s", table);
	if (r->seen[x])
		return err_set(e, ERR_INVALID, "table %s appears twice", table);
	r->seen[x] = true;
	if (next_char(r->in) != '[')
		return err_set(e, ERR_INVALID, "tables.%s must be an array of rows", table);
	c = next_char(r->in);
	if (c == ']')
		return 0;
	for (;;) {
		unsigned char *bufs[XFER_MAX_COLS];
		long long nth = (long long)r->rows[x] + 1;
		struct xfer_row row;
		json_t *o;
		int rc, i;

		if (c != '{')
			return err_set(e, ERR_INVALID, "%s row %lld: not an object", table, nth);
		if (!(o = read_value(r->in, c, e)))
			return -1;
		memset(bufs, 0, sizeof(bufs));
		rc = row_from_json(table, nth, o, &row, bufs, e);
		if (!rc)
			rc = zones_known(r->tz, table, nth, &row, e);
		if (!rc)
			rc = store_import_row(r->im, table, &row, e);
		if (!rc && !strcmp(table, "tenants")) {
			json_t *s = json_object_get(o, "slug");
			snprintf(r->slug, sizeof(r->slug), "%s", json_string_value(s));
		}
		for (i = 0; i < XFER_MAX_COLS; i++)
			free(bufs[i]);
		json_decref(o);
		if (rc)
			return -1;
		r->rows[x]++;
		c = next_char(r->in);
		if (c == ']')
			return 0;
		if (c != ',')
			return err_set(e, ERR_INVALID, "tables.%s: expected , or ] after row %lld",
				       table, nth);
		c = next_char(r->in);
	}
}

static int read_tables(struct reader *r, struct err *e)
{
	int c;

	if (!r->format_ok || !r->version_ok)
		return malformed(e, "\"format\" and \"version\" must come before \"tables\"");
	if (next_char(r->in) != '{')
		return malformed(e, "\"tables\" must be an object");
	c = next_char(r->in);
	if (c == '}')
		return 0;
	for (;;) {
		char *table;
		int rc;

		if (c != '"')
			return malformed(e, "expected a table name in \"tables\"");
		if (!(table = read_string(r->in, e)))
			return -1;
		if (next_char(r->in) != ':') {
			free(table);
			return malformed(e, "expected : after a table name");
		}
		rc = read_rows(r, table, e);
		free(table);
		if (rc)
			return -1;
		c = next_char(r->in);
		if (c == '}')
			return 0;
		if (c != ',')
			return malformed(e, "expected , or } after a table");
		c = next_char(r->in);
	}
}

static int read_member(struct reader *r, const char *key, struct err *e)
{
	json_t *v;
	int c;

	if (!strcmp(key, "tables"))
		return read_tables(r, e);
	c = next_char(r->in);
	if (!(v = read_value(r->in, c, e)))
		return -1;
	if (!strcmp(key, "format")) {
		if (!json_is_string(v) || strcmp(json_string_value(v), TRANSFER_FORMAT)) {
			json_decref(v);
			return err_set(e, ERR_INVALID, "not a slotd-tenant document (format is not "
				       "\"%s\")", TRANSFER_FORMAT);
		}
		r->format_ok = true;
	} else if (!strcmp(key, "version")) {
		if (!json_is_integer(v) || json_integer_value(v) != TRANSFER_VERSION) {
			json_decref(v);
			return err_set(e, ERR_INVALID, "unsupported document version (this slotd "
				       "reads version %d)", TRANSFER_VERSION);
		}
		r->version_ok = true;
	} else if (!strcmp(key, "exported_at")) {
		/* informational */
	} else if (!strcmp(key, "tenant") && json_is_object(v) && !r->tenant) {
		r->tenant = json_incref(v);
	} else if (!strcmp(key, "counts") && json_is_object(v) && !r->counts) {
		r->counts = json_incref(v);
	} else {
		json_decref(v);
		return err_set(e, ERR_INVALID, "not a slotd-tenant document: unexpected member "
			       "\"%s\"", key);
	}
	json_decref(v);
	return 0;
}

static int read_document(struct reader *r, struct err *e)
{
	int c = next_char(r->in);

	if (c != '{')
		return malformed(e, "it does not start with {");
	c = next_char(r->in);
	if (c == '}')
		return malformed(e, "it is empty");
	for (;;) {
		char *key;
		int rc;

		if (c != '"')
			return malformed(e, "expected a member name");
		if (!(key = read_string(r->in, e)))
			return -1;
		if (next_char(r->in) != ':') {
			free(key);
			return malformed(e, "expected : after a member name");
		}
		rc = read_member(r, key, e);
		free(key);
		if (rc)
			return -1;
		c = next_char(r->in);
		if (c == '}')
			break;
		if (c != ',')
			return malformed(e, "expected , or } between members");
		c = next_char(r->in);
	}
	if (next_char(r->in) != EOF)
		return malformed(e, "something follows the document");
	return 0;
}

/* The document's own checks: what it says it holds is what was read. */
static int check_document(struct reader *r, struct err *e)
{
	size_t t, n = store_xfer_ntables();
	const char *key;
	json_t *v;

	if (!r->format_ok || !r->version_ok)
		return malformed(e, "\"format\" or \"version\" is missing");
	if (!r->counts)
		return malformed(e, "\"counts\" is missing");
	json_object_foreach(r->counts, key, v) {
		if (store_xfer_table_index(key) < 0)
			return err_set(e, ERR_INVALID, "counts: unknown table %s", key);
		if (!json_is_integer(v))
			return err_set(e, ERR_INVALID, "counts.%s must be an integer", key);
	}
	for (t = 0; t < n; t++) {
		json_t *want = json_object_get(r->counts, store_xfer_table(t));
		if (!want && !r->rows[t])
			continue;
		if (!want)
			return err_set(e, ERR_INVALID, "counts lacks table %s", store_xfer_table(t));
		if (json_integer_value(want) != r->rows[t])
			return err_set(e, ERR_INVALID, "counts.%s is %lld but the document holds %lld "
				       "rows", store_xfer_table(t), (long long)json_integer_value(want),
				       (long long)r->rows[t]);
	}
	if (r->tenant) {
		const char *id = json_string_value(json_object_get(r->tenant, "id"));
		const char *slug = json_string_value(json_object_get(r->tenant, "slug"));
		if ((id && strcmp(id, store_import_tenant_id(r->im))) ||
		    (slug && strcmp(slug, r->slug)))
			return err_set(e, ERR_INVALID, "\"tenant\" does not match the tenants row");
	}
	return 0;
}

int transfer_import(struct store *st, FILE *in,
		    void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
		    char slug[128], struct err *e)
{
	size_t t, n = store_xfer_ntables();
	struct reader r;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.in = in;
	r.rows = xcalloc(n, sizeof(*r.rows));
	r.seen = xcalloc(n, sizeof(*r.seen));
	r.tz = tz_db_new();
	slug[0] = '\0';
	if (!(r.im = store_import_open(st, e)))
		goto out;
	if (read_document(&r, e) || check_document(&r, e))
		goto out;
	if (store_import_finish(r.im, true, e))
		goto out;
	snprintf(slug, 128, "%s", r.slug);
	if (report)
		for (t = 0; t < n; t++)
			report(ctx, store_xfer_table(t), r.rows[t]);
	rc = 0;
out:
	store_import_close(r.im);
	json_decref(r.tenant);
	json_decref(r.counts);
	free(r.rows);
	free(r.seen);
	tz_db_free(r.tz);
	return rc;
}
