/* /v1/services/{id}/providers: what each provider of a service charges and takes for it —
 * its own price and duration, or the service's. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "usecase/uc_offers.h"
#include "util/ids.h"
#include "wire/wire_query.h"

static const char *const offer_keys[] = {"price", "duration_minutes", NULL};

/* The body: price (a decimal string) and duration_minutes, each null or omitted for the
 * service's. */
static int parse(json_t *o, char *price, size_t size, int *duration_min, struct err *e)
{
	json_t *p = json_object_get(o, "price");

	*price = '\0';
	*duration_min = 0;
	json_only_keys(o, "", offer_keys, e);
	if (p && !json_is_null(p)) {
		if (!json_is_string(p))
			err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
		else if (json_get_str(o, "", "price", PRICE_MAX_LEN, price, size, e) == 1 &&
			 !price_text_ok(price))
			err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
	}
	if (!json_is_null_at(o, "duration_minutes"))
		json_get_int(o, "", "duration_minutes", 1, 1440, duration_min, e);
	return e->code ? -1 : 0;
}

int h_offer_put(struct req *r, struct err *e)
{
	char price[PRICE_MAX_LEN + 1];
	const char *sid, *pid;
	struct service s;
	int duration;

	if (path_id(r, 0, "svc", &sid, e) || path_id(r, 1, "prv", &pid, e) ||
	    parse(r->json, price, sizeof(price), &duration, e) ||
	    uc_offer_set(&r->uc, sid, pid, price, duration, &s, e))
		return -1;
	return reply_json(r, 200, wire_service_offer(&s, pid));
}

int h_offer_get(struct req *r, struct err *e)
{
	const char *sid, *pid;
	struct service s;

	if (path_id(r, 0, "svc", &sid, e) || path_id(r, 1, "prv", &pid, e) ||
	    uc_offer_get(&r->uc, sid, pid, &s, e))
		return -1;
	return reply_json(r, 200, wire_service_offer(&s, pid));
}

/* One page of GET /v1/services/{id}/providers: at most this many (and by default). */
#define OFFER_PAGE_MAX 1000

int h_offer_list(struct req *r, struct err *e)
{
	const char *sid, *cursor = req_query(r, "cursor"), *limit_text = req_query(r, "limit");
	size_t i, kept = 0, limit = OFFER_PAGE_MAX;
	const char *last = NULL;
	struct service s;
	json_t *items;
	long long v;

	if (path_id(r, 0, "svc", &sid, e))
		return -1;
	if (limit_text) {
		if (wire_int_value(limit_text, 1, OFFER_PAGE_MAX, &v))
			return err_field_code(e, ERR_INVALID, "limit",
					      "must be an integer from 1 to %d", OFFER_PAGE_MAX);
		limit = (size_t)v;
	}
	if (cursor && !id_valid(cursor, "prv"))
		return err_field_code(e, ERR_INVALID, "cursor", "is not a cursor this list returned");
	if (uc_offer_list(&r->uc, sid, &s, e))
		return -1;
	items = json_array();
	/* provider_ids are by id: the page starts after the cursor. */
	for (i = 0; i < s.nproviders; i++) {
		if (cursor && strcmp(s.provider_ids[i], cursor) <= 0)
			continue;
		if (kept == limit)
			return reply_json(r, 200,
					  json_pack("{s:o, s:s}", "data", items, "next_cursor", last));
		json_array_append_new(items, wire_service_offer(&s, s.provider_ids[i]));
		last = s.provider_ids[i];
		kept++;
	}
	return reply_json(r, 200, json_pack("{s:o, s:n}", "data", items, "next_cursor"));
}

int h_offer_delete(struct req *r, struct err *e)
{
	const char *sid, *pid;
	struct service s;

	if (path_id(r, 0, "svc", &sid, e) || path_id(r, 1, "prv", &pid, e) ||
	    uc_offer_set(&r->uc, sid, pid, "", 0, &s, e))
		return -1;
	return reply_no_content(r);
}
