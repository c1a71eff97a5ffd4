/* /v1/holds: a start reserved for a few minutes while a customer completes a booking. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"

#define HOLD_TTL_DEFAULT 600
#define HOLD_TTL_MAX 3600
#define HOLD_TTL_MIN 30

static const char *const hold_keys[] = {"service_id", "provider_id", "start", "ttl_seconds",
					"customer", NULL};
static const char *const hold_customer_keys[] = {"name", "email", "phone", NULL};

int h_hold_create(struct req *r, struct err *e)
{
	json_t *o = r->json, *customer = json_object_get(o, "customer");
	char email[EMAIL_MAX_LEN + 1] = "";
	struct uc_hold_request in;
	const struct tz *z;
	struct hold h;

	memset(&in, 0, sizeof(in));
	in.ttl_seconds = HOLD_TTL_DEFAULT;
	in.email = email;
	json_only_keys(o, "", hold_keys, e);
	in.service_id = json_service_id(o, e);
	in.provider_id = json_provider_choice(o, e);
	if (json_get_instant(o, "", "start", &in.start, e) == 0)
		json_required("", "start", e);
	json_get_int(o, "", "ttl_seconds", HOLD_TTL_MIN, HOLD_TTL_MAX, &in.ttl_seconds, e);
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
	if (e->code || uc_hold_create(&r->uc, &in, &h, &z, e))
		return -1;
	return reply_json(r, 201, wire_hold(&h, z, r->now));
}

int h_hold_get(struct req *r, struct err *e)
{
	const struct tz *z;
	struct hold h;
	const char *id;

	if (path_id(r, 0, "hld", &id, e) || uc_hold_get(&r->uc, id, &h, &z, e))
		return -1;
	return reply_json(r, 200, wire_hold(&h, z, r->now));
}

int h_hold_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "hld", &id, e) || uc_hold_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}
