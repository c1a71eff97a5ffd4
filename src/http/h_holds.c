/* /v1/holds: a start reserved for a few minutes while a customer completes a booking. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/pick.h"
#include "http/waitlist.h"
#include "util/ids.h"

#define HOLD_TTL_DEFAULT 600
#define HOLD_TTL_MAX 3600
#define HOLD_TTL_MIN 30
#define HOLDS_PER_OWNER 5	/* live holds one customer (or one key) may have at a time */
#define HOLDS_PER_CUSTOMER_KEY 100	/* live holds of all customers of one customer key */

static const char *const hold_keys[] = {"service_id", "provider_id", "start", "ttl_seconds",
					"customer", NULL};
static const char *const hold_customer_keys[] = {"name", "email", "phone", NULL};

static json_t *render(struct req *r, const struct hold *h)
{
	const struct tz *z = provider_zone(r, h->provider_id);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id", h->id, "service_id",
		      h->service_id, "provider_id", h->provider_id, "start",
		      json_instant(h->start, z), "end", json_instant(h->end, z), "expires_at",
		      json_instant(h->expires_at, NULL), "live", h->expires_at > r->now);
	json_object_set_new(o, "waitlist_id",
			    *h->waitlist_id ? json_string(h->waitlist_id) : json_null());
	json_object_set_new(o, "created_at", json_instant(h->created_at, NULL));
	return o;
}

/* The caller's key as holds record it. */
static void key_id_of(const struct req *r, char out[HOLD_OWNER_MAX])
{
	snprintf(out, HOLD_OWNER_MAX, "key:%.32s", r->key_hash);
}

/* Whom the per-owner cap counts: the customer's e-mail when given, else the caller's key. */
static void owner_of(struct req *r, const char *email, char out[HOLD_OWNER_MAX])
{
	size_t i;

	if (*email) {
		snprintf(out, HOLD_OWNER_MAX, "email:%s", email);
		for (i = 6; out[i]; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] - 'A' + 'a');
		return;
	}
	key_id_of(r, out);
}

/* A hold as the caller may see it: customer keys reach only the holds they made. */
static int hold_of_caller(struct req *r, const char *id, struct hold *h, struct err *e)
{
	char key_id[HOLD_OWNER_MAX];

	if (store_hold_get(r->ctx->store, r->auth.tenant_id, id, h, e))
		return -1;
	key_id_of(r, key_id);
	if (r->auth.role == ROLE_CUSTOMER && strcmp(h->key_id, key_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "hold %s not found", id);
	return 0;
}

int h_hold_create(struct req *r, struct err *e)
{
	json_t *o = r->json, *customer = json_object_get(o, "customer");
	const char *service_id, *provider_id;
	char email[EMAIL_MAX_LEN + 1] = "", owner[HOLD_OWNER_MAX], key_id[HOLD_OWNER_MAX];
	/* A customer key serves many customers, whose e-mails it merely reports: its own cap
	 * keeps one key from reserving a whole day under made-up addresses. */
	struct hold_caps caps = {HOLDS_PER_OWNER,
				 r->auth.role == ROLE_CUSTOMER ? HOLDS_PER_CUSTOMER_KEY : 0};
	struct pick_ctx cx;
	struct booking bk;
	struct hold h;
	int ttl = HOLD_TTL_DEFAULT;

	memset(&cx, 0, sizeof(cx));
	json_only_keys(o, "", hold_keys, e);
	service_id = json_service_id(o, e);
	provider_id = json_provider_choice(o, e);
	if (json_get_instant(o, "", "start", &cx.start, e) == 0)
		json_required("", "start", e);
	json_get_int(o, "", "ttl_seconds", HOLD_TTL_MIN, HOLD_TTL_MAX, &ttl, e);
	if (customer && !json_is_null(customer)) {
		if (!json_is_object(customer)) {
			err_field(e, "/customer", "must be an object");
		} else {
			json_only_keys(customer, "/customer", hold_customer_keys, e);
			if (json_get_str(customer, "/customer", "email", EMAIL_MAX_LEN, email,
					 sizeof(email), e) == 1 &&
			    !email_valid(email))
				err_field(e, "/customer/email", "must be an e-mail address");
		}
	}
	if (e->code)
		return -1;
	owner_of(r, email, owner);
	key_id_of(r, key_id);
	memset(&bk, 0, sizeof(bk));
	bk.start = cx.start;
	cx.r = r;
	if (store_hold_create(r->ctx->store, r->auth.tenant_id, service_id, provider_id, cx.start,
			      ttl, owner, key_id, caps, r->now,
			      &(struct booking_create_ops){booking_pick, NULL}, &cx, &bk, &h,
			      r->arena, e)) {
		if (e->code == ERR_NOT_FOUND) {
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
		return -1;
	}
	return reply_json(r, 201, render(r, &h));
}

int h_hold_get(struct req *r, struct err *e)
{
	struct hold h;
	const char *id;

	if (path_id(r, 0, "hld", &id, e) || hold_of_caller(r, id, &h, e))
		return -1;
	return reply_json(r, 200, render(r, &h));
}

int h_hold_delete(struct req *r, struct err *e)
{
	struct hold h;
	const char *id;

	if (path_id(r, 0, "hld", &id, e) || hold_of_caller(r, id, &h, e) ||
	    store_hold_delete(r->ctx->store, r->auth.tenant_id, id, r->now, &h, e))
		return -1;
	/* Even an expired hold's time may not have been offered yet. */
	waitlist_time_freed(r, h.provider_id, h.block_start, h.block_end);
	return reply_no_content(r);
}
