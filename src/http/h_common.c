#include "http/h_common.h"

#include <string.h>

#include "core/civil.h"
#include "util/ids.h"

int path_id(struct req *r, size_t idx, const char *prefix, const char **out, struct err *e)
{
	const char *id = r->params[idx];

	if (!id || !id_valid(id, prefix))
		return err_set(e, ERR_NOT_FOUND, "%s not found", id ? id : "object");
	*out = id;
	return 0;
}

int page_from_query(struct req *r, const char *prefix, struct page *pg, struct err *e)
{
	const char *limit = req_query(r, "limit");
	const char *cursor = req_query(r, "cursor");

	pg->after = NULL;
	pg->limit = PAGE_DEFAULT_LIMIT;
	if (limit) {
		char *end;
		long v = strtol(limit, &end, 10);
		if (!*limit || *end || v < 1 || v > PAGE_MAX_LIMIT)
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

int query_date(struct req *r, const char *name, int64_t *day, struct err *e)
{
	const char *v = req_query(r, name);

	if (!v)
		return 0;
	if (date_parse(v, day))
		return err_field_code(e, ERR_INVALID, name, "must be a date YYYY-MM-DD");
	return 1;
}

int load_path_provider(struct req *r, struct provider *p, const struct tz **z, struct err *e)
{
	const char *id = NULL;

	if (path_id(r, 0, "prv", &id, e) || store_provider_get(r->ctx->store, r->auth.tenant_id,
							       id, p, e))
		return -1;
	*z = tz_db_get(r->ctx->tz, p->timezone);
	if (!*z)
		return err_set(e, ERR_INTERNAL, "provider %s has unknown zone %s", id, p->timezone);
	return 0;
}
