#include "http/h_common.h"

#include "http/gzip.h"
#include "http/json_in.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "core/civil.h"
#include "util/ids.h"
#include "util/mem.h"
#include "wire/wire_query.h"

int path_id(struct req *r, size_t idx, const char *prefix, const char **out, struct err *e)
{
	const char *id = r->params[idx];

	if (!id || !id_valid(id, prefix))
		return err_set(e, ERR_NOT_FOUND, "%s not found", id ? id : "object");
	*out = id;
	return 0;
}

int path_id_ics(struct req *r, size_t idx, const char *prefix, const char **out, bool *ics,
		struct err *e)
{
	const char *param = r->params[idx];
	size_t len = param ? strlen(param) : 0;

	*ics = len > 4 && !strcmp(param + len - 4, ".ics");
	if (*ics)
		r->params[idx] = arena_strndup(r->arena, param, len - 4);
	return path_id(r, idx, prefix, out, e);
}

/* One end of a window: an instant, or a date's local midnight (the next one when end). */
static int window_end(struct req *r, const char *name, const struct tz *z, bool end,
		      int64_t *out, struct err *e)
{
	const char *v = req_query(r, name);
	int64_t day;

	if (!v)
		return err_field_code(e, ERR_INVALID, name,
				      "is required: an RFC 3339 date-time or a date");
	if (rfc3339_parse(v, out) == 0)
		return 0;
	if (date_parse(v, &day) == 0) {
		*out = tz_to_utc(z, (day + (end ? 1 : 0)) * 86400);
		return 0;
	}
	return err_field_code(e, ERR_INVALID, name, "must be an RFC 3339 date-time or a date");
}

int query_window(struct req *r, const struct tz *z, int max_days, int64_t *from, int64_t *to,
		 struct err *e)
{
	window_end(r, "from", z, false, from, e);
	window_end(r, "to", z, true, to, e);
	if (e->code)
		return -1;
	if (*to <= *from)
		return err_field_code(e, ERR_INVALID, "to", "must be after from");
	if (*to - *from > (int64_t)max_days * 86400 + 7200)
		return err_field_code(e, ERR_RANGE, "to", "a window may span at most %d days",
				      max_days);
	return 0;
}

int query_instant(struct req *r, const char *name, int64_t *out, struct err *e)
{
	const char *v = req_query(r, name);
	int64_t day;

	if (!v)
		return 0;
	if (rfc3339_parse(v, out) == 0)
		return 1;
	if (date_parse(v, &day) == 0) {
		*out = day * 86400;
		return 1;
	}
	return err_field_code(e, ERR_INVALID, name, "must be an RFC 3339 date-time or a date");
}

int reply_calendar(struct req *r, char *text)
{
	buf_reset(&r->out);
	buf_adds(&r->out, text);
	free(text);
	r->status = 200;
	r->content_type = "text/calendar; charset=utf-8";
	return 0;
}

void req_set_etag(struct req *r, int version)
{
	char etag[24];
	snprintf(etag, sizeof(etag), "\"%d\"", version);
	req_add_header(r, "ETag", etag);
}

/* If-Match: "N" (or W/"N"); 0 when absent. */
int req_if_match(struct req *r, int *version, struct err *e)
{
	const char *h = req_header(r, "If-Match");

	*version = 0;
	if (!h)
		return 0;
	if (wire_etag_version(h, version))
		return err_set(e, ERR_PRECONDITION, "If-Match must be an ETag of this object");
	return 0;
}

int page_from_query(struct req *r, const char *prefix, struct page *pg, struct err *e)
{
	const char *limit = req_query(r, "limit");
	const char *cursor = req_query(r, "cursor");

	pg->after = NULL;
	pg->limit = PAGE_DEFAULT_LIMIT;
	if (limit) {
		long long v;
		if (wire_int_value(limit, 1, PAGE_MAX_LIMIT, &v))
			return err_field_code(e, ERR_INVALID, "limit", "must be an integer from 1 to %d",
					      PAGE_MAX_LIMIT);
		pg->limit = (size_t)v;
	}
	if (cursor) {
		if (!id_valid(cursor, prefix))
			return err_field_code(e, ERR_INVALID, "cursor",
					      "is not a cursor this list returned");
		pg->after = cursor;
	}
	pg->limit += 1;
	return 0;
}

json_t *page_reply(struct page pg, json_t *items, const char *last_kept_id)
{
	size_t want = pg.limit - 1;
	json_t *next = json_null();

	if (json_array_size(items) > want) {
		json_array_remove(items, want);
		next = json_string(last_kept_id);
	}
	return json_pack("{s:o, s:o}", "data", items, "next_cursor", next);
}

json_t *page_rows(struct page pg, const void *rows, size_t n, size_t stride,
		  const char *(*id_of)(const void *row),
		  json_t *(*render)(const void *row, const void *ctx), const void *ctx)
{
	const char *last = NULL;
	json_t *items = json_array();
	size_t i, kept = 0;

	for (i = 0; i < n && kept < pg.limit; i++) {
		const void *row = (const char *)rows + i * stride;
		if (pg.after && strcmp(id_of(row), pg.after) <= 0)
			continue;
		json_array_append_new(items, render(row, ctx));
		if (++kept < pg.limit)
			last = id_of(row);
	}
	return page_reply(pg, items, last);
}

int query_date(struct req *r, const char *name, int64_t *day, struct err *e)
{
	const char *v = req_query(r, name);

	if (!v)
		return 0;
	if (date_parse(v, day))
		return err_field_code(e, ERR_INVALID, name, "must be a date YYYY-MM-DD");
	return 1;
}

bool email_valid(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>,;\"") &&
	       strchr(at + 1, '.');
}

static const char *const customer_keys[] = {"name", "email", "phone", NULL};

const char *json_service_id(json_t *o, struct err *e)
{
	const char *sid = json_string_value(json_object_get(o, "service_id"));

	if (!sid || !id_valid(sid, "svc")) {
		err_field(e, "/service_id", "is required: a svc_ id");
		return NULL;
	}
	return sid;
}

const char *json_provider_choice(json_t *o, struct err *e)
{
	json_t *pid = json_object_get(o, "provider_id");
	const char *v;

	if (!pid || json_is_null(pid))
		return NULL;
	v = json_string_value(pid);
	if (!v || (strcmp(v, "any") != 0 && !id_valid(v, "prv"))) {
		err_field(e, "/provider_id", "must be a prv_ id, \"any\" or null");
		return NULL;
	}
	return strcmp(v, "any") != 0 ? v : NULL;
}

void json_get_customer(json_t *o, char *name, char *email, char *phone, struct err *e)
{
	json_t *customer = json_object_get(o, "customer");

	if (!customer || !json_is_object(customer)) {
		err_field(e, "/customer", "is required: {\"name\", \"email\", \"phone\"?}");
		return;
	}
	json_only_keys(customer, "/customer", customer_keys, e);
	if (json_get_str(customer, "/customer", "name", NAME_MAX_LEN, name, NAME_MAX_LEN + 1, e) ==
		    0 ||
	    !*name)
		err_field(e, "/customer/name", "is required");
	if (json_get_str(customer, "/customer", "email", EMAIL_MAX_LEN, email, EMAIL_MAX_LEN + 1,
			 e) == 0)
		json_required("/customer", "email", e);
	else if (!email_valid(email))
		err_field(e, "/customer/email", "must be an e-mail address");
	json_get_str(customer, "/customer", "phone", PHONE_MAX_LEN, phone, PHONE_MAX_LEN + 1, e);
}

/* Whether If-None-Match ("*" or a list of ETags, weak or strong) names etag. */
static bool etag_listed(const char *h, const char *etag)
{
	size_t n = strlen(etag);

	while (h && *h) {
		h += strspn(h, " \t,");
		if (*h == '*')
			return true;
		if (!strncmp(h, "W/", 2))
			h += 2;
		if (!strncmp(h, etag, n) && (h[n] == '\0' || h[n] == ',' || h[n] == ' '))
			return true;
		h = strchr(h, ',');
	}
	return false;
}

int reply_not_modified(struct req *r, const char *etag)
{
	buf_reset(&r->out);
	if (!etag_listed(req_header(r, "If-None-Match"), etag))
		return 0;
	r->status = 304;
	r->content_type = NULL;
	return 1;
}

int reply_file(struct req *r, const unsigned char *data, size_t len, const char *etag,
	       _Atomic(struct gzip_kept *) *kept, const char *cache, const char *type)
{
	const struct gzip_kept *k = NULL;

	if (len > GZIP_MIN_BYTES) {
		req_add_header(r, "Vary", "Accept-Encoding");
		if (kept && gzip_accepted(req_header(r, "Accept-Encoding")))
			k = gzip_kept(kept, data, len, etag);
	}
	r->coding_chosen = true;
	req_add_header(r, "ETag", k ? k->etag : etag);
	req_add_header(r, "Cache-Control", cache);
	req_add_header(r, "X-Content-Type-Options", "nosniff");
	if (reply_not_modified(r, etag))
		return 0;
	if (k) {
		req_add_header(r, "Content-Encoding", "gzip");
		buf_add(&r->out, k->data, k->len);
	} else {
		buf_add(&r->out, data, len);
	}
	r->status = 200;
	r->content_type = type;
	return 0;
}
