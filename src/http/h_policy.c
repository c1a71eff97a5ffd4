/* /v1/policy (the tenant's policy defaults) and /v1/events (the outbox, read-only). */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/policy_json.h"

int h_policy_get(struct req *r, struct err *e)
{
	struct policy p;

	if (store_policy_get(r->ctx->store, r->auth.tenant_id, &p, e))
		return -1;
	return reply_json(r, 200, policy_json(&p));
}

/* Replaces the defaults as a whole; fields left out or null are not set (no deadline, no
 * limit, no fee, the default offer time). */
int h_policy_put(struct req *r, struct err *e)
{
	struct policy p;

	if (policy_parse(r->json, "", &p, e) ||
	    store_policy_put(r->ctx->store, r->auth.tenant_id, &p, r->now, e))
		return -1;
	return reply_json(r, 200, policy_json(&p));
}

/* GET /v1/events?after=SEQ&limit=N: outbox events in order, for delivery and audit. */
int h_events_list(struct req *r, struct err *e)
{
	const char *after_q = req_query(r, "after"), *limit_q = req_query(r, "limit");
	struct outbox_event *v;
	long long after = 0;
	long limit = PAGE_DEFAULT_LIMIT;
	json_t *items;
	size_t n, i;
	char *end;

	if (after_q) {
		after = strtoll(after_q, &end, 10);
		if (end == after_q || *end || after < 0)
			return err_field_code(e, ERR_INVALID, "after", "must be an event seq (>= 0)");
	}
	if (limit_q) {
		limit = strtol(limit_q, &end, 10);
		if (end == limit_q || *end || limit < 1 || limit > PAGE_MAX_LIMIT)
			return err_field_code(e, ERR_INVALID, "limit", "must be 1 to %d",
					      PAGE_MAX_LIMIT);
	}
	if (store_outbox_list(r->ctx->store, r->auth.tenant_id, after, (size_t)limit, r->arena, &v,
			      &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++) {
		json_t *payload = json_loads(v[i].payload, 0, NULL);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o}", "seq",
						       (json_int_t)v[i].seq, "type", v[i].type,
						       "subject_id", v[i].subject_id, "payload",
						       payload ? payload : json_object(), "created_at",
						       json_instant(v[i].created_at, NULL)));
	}
	return reply_json(r, 200,
			  json_pack("{s:o, s:o}", "data", items, "next_after",
				    n == (size_t)limit ? json_integer(v[n - 1].seq) : json_null()));
}
