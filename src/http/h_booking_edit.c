/* PATCH /v1/bookings/{id} (edits in place) and /v1/bookings/{id}/feedback; the rules live in
 * src/usecase/uc_booking_edit.c. */
#include "http/handlers.h"

#include <ctype.h>
#include <string.h>

#include "core/location.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const patch_keys[] = {"notes", "internal_notes", "completion_notes",
					 "customer", "metadata", "location", "start", "end",
					 "provider_id", "service_id", "status", NULL};
static const char *const customer_keys[] = {"name", "email", "phone", NULL};
static const char *const feedback_keys[] = {"rating", "comment", NULL};

/* Fields that keep their own actions, and the action to use. */
static const struct {
	const char *key;
	const char *use;
} moved_keys[] = {
	{"start", "is changed with POST /v1/bookings/{id}/reschedule"},
	{"end", "follows the start: use POST /v1/bookings/{id}/reschedule"},
	{"provider_id", "cannot change: cancel (POST /v1/bookings/{id}/cancel) and book again"},
	{"service_id", "cannot change: cancel (POST /v1/bookings/{id}/cancel) and book again"},
	{"status", "is changed with the actions POST /v1/bookings/{id}/confirm, decline, cancel,"
		   " complete or no_show"},
};

static bool phone_ok(const char *p)
{
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && !strchr("+-() .", *p))
			return false;
	return true;
}

/* Whether s holds a control character (an address or a number is one line). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A text field of a patch: 1 set (null = ""), 0 absent, -1 bad. */
static int patch_str(json_t *o, const char *base, const char *key, size_t maxlen, char *out,
		     size_t size, struct err *e)
{
	if (!json_object_get(o, key))
		return 0;
	if (json_is_null_at(o, key)) {
		out[0] = '\0';
		return 1;
	}
	return json_get_str(o, base, key, maxlen, out, size, e) > 0 ? 1 : -1;
}

/* A booking's location: null, {"type":"in_person","address"}, {"type":"phone","phone"}
 * (null: the provider calls the customer) or {"type":"video","url"} (null: none yet). */
static void location_read(json_t *v, struct location *out, struct err *e)
{
	static const char *const keys[][3] = {{"type", "address", NULL},
					      {"type", "phone", NULL},
					      {"type", "url", NULL}};
	static const char *const value_key[] = {"address", "phone", "url"};
	static const size_t value_max[] = {LOCATION_ADDRESS_MAX, PHONE_MAX_LEN, LOCATION_VALUE_MAX};
	const char *type;
	enum location_kind k;
	char value[LOCATION_VALUE_MAX + 1] = "";
	int got;

	memset(out, 0, sizeof(*out));
	if (json_is_null(v))
		return;
	type = json_is_object(v) ? json_string_value(json_object_get(v, "type")) : NULL;
	if (!json_is_object(v)) {
		err_field(e, "/location", "must be null or an object with a type");
		return;
	}
	if (!type || location_kind_parse(type, &k) || k == LOCATION_NONE) {
		err_field(e, "/location/type", "must be \"in_person\", \"phone\" or \"video\"");
		return;
	}
	json_only_keys(v, "/location", keys[k - 1], e);
	got = json_get_str(v, "/location", value_key[k - 1], value_max[k - 1], value,
			   sizeof(value), e);
	if (got < 0)
		return;
	if (k == LOCATION_IN_PERSON && (!got || !*value)) {
		json_required("/location", "address", e);
		return;
	}
	if (k == LOCATION_IN_PERSON && has_control(value)) {
		err_field(e, "/location/address", "must be one line of text");
		return;
	}
	if (k == LOCATION_PHONE && *value && !phone_ok(value)) {
		err_field(e, "/location/phone", "may hold digits, spaces and + - ( ) . only");
		return;
	}
	if (k == LOCATION_VIDEO && *value && !web_url_valid(value, LOCATION_VALUE_MAX)) {
		err_field(e, "/location/url", "must be an http(s) URL");
		return;
	}
	out->kind = k;
	snprintf(out->value, sizeof(out->value), "%s", value);
}

static void customer_read(json_t *c, struct uc_booking_patch *p, struct err *e)
{
	struct booking *v = &p->v;
	int rc;

	if (!json_is_object(c)) {
		err_field(e, "/customer", "must be an object {\"name\"?, \"email\"?, \"phone\"?}");
		return;
	}
	json_only_keys(c, "/customer", customer_keys, e);
	if (json_object_get(c, "name")) {
		rc = json_get_str(c, "/customer", "name", NAME_MAX_LEN, v->customer_name,
				  sizeof(v->customer_name), e);
		if (rc == 0 || (rc > 0 && !*v->customer_name))
			err_field(e, "/customer/name", "may not be empty");
		p->set |= BOOKING_CUSTOMER_NAME;
	}
	if (json_object_get(c, "email")) {
		rc = json_get_str(c, "/customer", "email", EMAIL_MAX_LEN, v->customer_email,
				  sizeof(v->customer_email), e);
		if (rc == 0 || (rc > 0 && !email_valid(v->customer_email)))
			err_field(e, "/customer/email", "must be an e-mail address");
		p->set |= BOOKING_CUSTOMER_EMAIL;
	}
	rc = patch_str(c, "/customer", "phone", PHONE_MAX_LEN, v->customer_phone,
		       sizeof(v->customer_phone), e);
	if (rc > 0) {
		if (!phone_ok(v->customer_phone))
			err_field(e, "/customer/phone",
				  "may hold digits, spaces and + - ( ) . only");
		p->set |= BOOKING_CUSTOMER_PHONE;
	}
}

/* Reads a PATCH body into p: which fields, and their values. */
static int patch_read(struct req *r, struct uc_booking_patch *p, struct err *e)
{
	json_t *o = r->json, *v;
	size_t i;

	json_only_keys(o, "", patch_keys, e);
	for (i = 0; i < sizeof(moved_keys) / sizeof(moved_keys[0]); i++)
		if (json_object_get(o, moved_keys[i].key)) {
			char pointer[24];
			snprintf(pointer, sizeof(pointer), "/%s", moved_keys[i].key);
			err_field(e, pointer, "%s", moved_keys[i].use);
		}
	if (e->code)
		return -1;
	if (patch_str(o, "", "notes", NOTE_MAX_LEN, p->v.notes, sizeof(p->v.notes), e) > 0)
		p->set |= BOOKING_NOTES;
	if (patch_str(o, "", "internal_notes", NOTE_MAX_LEN, p->v.internal_notes,
		      sizeof(p->v.internal_notes), e) > 0)
		p->set |= BOOKING_INTERNAL_NOTES;
	if (patch_str(o, "", "completion_notes", NOTE_MAX_LEN, p->v.completion_notes,
		      sizeof(p->v.completion_notes), e) > 0)
		p->set |= BOOKING_COMPLETION_NOTES;
	if ((v = json_object_get(o, "customer")))
		customer_read(v, p, e);
	if ((v = json_object_get(o, "metadata"))) {
		p->set |= BOOKING_METADATA;
		if (!json_is_null(v)) {
			char *text = json_is_object(v) ? json_dumps(v, JSON_COMPACT) : NULL;
			if (!text || strlen(text) > METADATA_MAX_LEN)
				err_field(e, "/metadata",
					  "must be an object of at most %d bytes as JSON, or null",
					  METADATA_MAX_LEN);
			else
				p->v.metadata = arena_strdup(r->arena, text);
			free(text);
		}
	}
	if ((v = json_object_get(o, "location"))) {
		p->set |= BOOKING_LOCATION;
		location_read(v, &p->v.location, e);
	}
	return e->code ? -1 : 0;
}

int h_booking_patch(struct req *r, struct err *e)
{
	struct uc_booking_patch *p = arena_alloc(r->arena, sizeof(*p));
	const struct tz *z;
	struct booking b;
	const char *id;

	memset(p, 0, sizeof(*p));
	if (path_id(r, 0, "bkg", &id, e) || req_if_match(r, &p->if_match, e) || patch_read(r, p, e))
		return -1;
	if (wire_audience_of(&r->auth) == WIRE_CUSTOMER &&
	    (p->set & ~(unsigned)BOOKING_CUSTOMER_FIELDS))
		return err_set(e, ERR_FORBIDDEN,
			       "a customer may change the notes and the customer's details only");
	if (uc_booking_edit(&r->uc, id, p, &b, &z, e))
		return -1;
	req_set_etag(r, b.version);
	return reply_json(r, 200, wire_booking(&b, z, wire_audience_of(&r->auth)));
}

static json_t *feedback_json(const char *booking_id, const struct booking_feedback *f)
{
	json_t *o = wire_feedback(f);

	json_object_set_new(o, "booking_id", json_string(booking_id));
	return o;
}

static int feedback_write(struct req *r, bool first, struct err *e)
{
	struct uc_feedback in = {0, false, NULL};
	char *comment = arena_alloc(r->arena, FEEDBACK_COMMENT_MAX + 1);
	struct booking_feedback f;
	const char *id;
	int rating = 0;

	if (path_id(r, 0, "bkg", &id, e))
		return -1;
	json_only_keys(r->json, "", feedback_keys, e);
	if (json_get_int(r->json, "", "rating", 1, 5, &rating, e) == 0 &&
	    (first || json_is_null_at(r->json, "rating")))
		json_required("", "rating", e);
	in.rating = rating;
	if (json_object_get(r->json, "comment")) {
		in.set_comment = true;
		if (json_get_str(r->json, "", "comment", FEEDBACK_COMMENT_MAX, comment,
				 FEEDBACK_COMMENT_MAX + 1, e) > 0 &&
		    *comment)
			in.comment = comment;
	}
	if (e->code || uc_feedback_put(&r->uc, id, &in, first, &f, e))
		return -1;
	return reply_json(r, first ? 201 : 200, feedback_json(id, &f));
}

int h_feedback_create(struct req *r, struct err *e)
{
	return feedback_write(r, true, e);
}

int h_feedback_patch(struct req *r, struct err *e)
{
	return feedback_write(r, false, e);
}

int h_feedback_get(struct req *r, struct err *e)
{
	struct booking_feedback f;
	const char *id;

	if (path_id(r, 0, "bkg", &id, e) || uc_feedback_get(&r->uc, id, &f, e))
		return -1;
	return reply_json(r, 200, feedback_json(id, &f));
}
