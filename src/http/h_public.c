/* /v1/public/{tenant_slug}/…: the booking page's API, open to anyone (rate limited per
 * client address). Each call acts as a visitor of the tenant (auth.visitor) and goes through
 * the keyed handlers once the service is known to be public; GET /v1/manage is the manage
 * token's view of its booking. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "util/ids.h"

/* The caller becomes a visitor of the tenant named by the first path parameter. */
static int visitor_begin(struct req *r, struct err *e)
{
	if (uc_visitor(&r->ctx->env, r->params[0], r->remote_key, &r->auth, e))
		return -1;
	uc_ctx_init(&r->uc, &r->ctx->env, &r->auth, r->now, r->request_id, r->arena);
	return 0;
}

/* The body's service must be public and its provider choice allowed. A service that is
 * not public answers as a missing one does on the keyed route: 404 for bookings, a field
 * error for holds and the waitlist (as_field). A missing or malformed id is left to the
 * keyed handler. */
static int body_service_public(struct req *r, bool as_field, struct err *e)
{
	const char *sid = json_string_value(json_object_get(r->json, "service_id"));
	const char *pid = json_string_value(json_object_get(r->json, "provider_id"));

	if (!sid || !id_valid(sid, "svc"))
		return 0;
	if (pid && !strcmp(pid, "any"))
		pid = NULL;
	if (uc_public_service(&r->uc, sid, pid, e)) {
		if (e->code == ERR_NOT_FOUND && as_field) {
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
		return -1;
	}
	return 0;
}

int h_public_page(struct req *r, struct err *e)
{
	json_t *page;

	if (visitor_begin(r, e) || uc_public_page(&r->uc, &page, e))
		return -1;
	return reply_json(r, 200, page);
}

int h_public_slots(struct req *r, struct err *e)
{
	const char *sid = req_query(r, "service_id");

	if (visitor_begin(r, e))
		return -1;
	if (sid && id_valid(sid, "svc") && uc_public_service(&r->uc, sid, NULL, e))
		return -1;
	return h_slots(r, e);
}

/* A visitor's hold lasts at most this long: a page needs minutes, and a hold naming
 * someone else's e-mail counts against that e-mail's cap only while it lives. */
#define VISITOR_HOLD_TTL_MAX 900

int h_public_hold_create(struct req *r, struct err *e)
{
	json_t *ttl = json_object_get(r->json, "ttl_seconds");

	if (visitor_begin(r, e) || body_service_public(r, true, e))
		return -1;
	if (json_is_integer(ttl) && json_integer_value(ttl) > VISITOR_HOLD_TTL_MAX)
		return err_field(e, "/ttl_seconds", "must be at most %d on the booking page",
				 VISITOR_HOLD_TTL_MAX);
	return h_hold_create(r, e);
}

int h_public_hold_delete(struct req *r, struct err *e)
{
	const char *id;

	if (visitor_begin(r, e) || path_id(r, 1, "hld", &id, e) || uc_hold_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}

int h_public_booking_create(struct req *r, struct err *e)
{
	if (visitor_begin(r, e) || body_service_public(r, false, e))
		return -1;
	return h_booking_create(r, e);
}

int h_public_waitlist_create(struct req *r, struct err *e)
{
	if (visitor_begin(r, e) || body_service_public(r, true, e))
		return -1;
	return h_waitlist_create(r, e);
}

/* The entry a visitor made (the link in a waitlist offer names it). */
int h_public_waitlist_get(struct req *r, struct err *e)
{
	struct waitlist_entry w;
	const char *id;

	if (visitor_begin(r, e) || path_id(r, 1, "wtl", &id, e) ||
	    uc_waitlist_get(&r->uc, id, &w, e))
		return -1;
	return reply_json(r, 200, wire_waitlist(&w));
}

int h_manage(struct req *r, struct err *e)
{
	json_t *view;

	if (uc_manage_view(&r->uc, &view, e))
		return -1;
	return reply_json(r, 200, view);
}
