/* /v1/bookings: create (idempotent per caller), read, list, history and lifecycle actions;
 * the rules live in the use cases (src/usecase/uc_bookings.c). */
#include "http/handlers.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "http/h_common.h"
#include "http/inflight.h"
#include "http/json_in.h"
#include "util/ids.h"
#include "util/mem.h"
#include "wire/wire_query.h"

#define IDEMPOTENCY_KEY_MAX WIRE_IDEMPOTENCY_KEY_MAX

static const char *const create_keys[] = {"service_id", "provider_id", "start", "customer",
					  "notes", "hold_id", "metadata", "locale", NULL};
static const char *const action_keys[] = {"reason", "force", "waive_fee", "notes", NULL};

/* Idempotency-Key: 1-255 printable ASCII characters, bare or as a quoted string. */
static int idempotency_key(struct req *r, char *out, struct err *e)
{
	const char *k = req_header(r, "Idempotency-Key");

	if (!k)
		return err_set(e, ERR_MALFORMED, "Idempotency-Key header is required");
	return wire_idempotency_key(k, out, e);
}

static void phone_check(const char *p, struct err *e)
{
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && !strchr("+-() .", *p)) {
			err_field(e, "/customer/phone", "may hold digits, spaces and + - ( ) . only");
			return;
		}
}

/* Reads the body into bk (customer, notes, metadata) and the ids and start. */
static int parse_create(struct req *r, struct booking *bk, const char **service_id,
			const char **provider_id, const char **hold_id, int64_t *start,
			struct err *e)
{
	json_t *hold = json_object_get(r->json, "hold_id");
	json_t *o = r->json;
	json_t *meta = json_object_get(o, "metadata");

	json_only_keys(o, "", create_keys, e);
	*service_id = json_service_id(o, e);
	*provider_id = json_provider_choice(o, e);
	if (json_get_instant(o, "", "start", start, e) == 0)
		json_required("", "start", e);
	json_get_customer(o, bk->customer_name, bk->customer_email, bk->customer_phone, e);
	if (*bk->customer_phone)
		phone_check(bk->customer_phone, e);
	json_get_str(o, "", "notes", NOTE_MAX_LEN, bk->notes, sizeof(bk->notes), e);
	if (json_get_str(o, "", "locale", LOCALE_MAX - 1, bk->locale, sizeof(bk->locale), e) > 0 &&
	    !locale_supported(bk->locale))
		err_field(e, "/locale", "must be one of \"en\", \"de\"");
	*hold_id = NULL;
	if (hold && !json_is_null(hold)) {
		*hold_id = json_string_value(hold);
		if (!*hold_id || !id_valid(*hold_id, "hld"))
			err_field(e, "/hold_id", "must be a hld_ id");
	}
	if (meta && !json_is_null(meta)) {
		char *text = json_is_object(meta) ? json_dumps(meta, JSON_COMPACT) : NULL;
		if (!text || strlen(text) > METADATA_MAX_LEN)
			err_field(e, "/metadata", "must be an object of at most %d bytes as JSON",
				  METADATA_MAX_LEN);
		else
			bk->metadata = arena_strdup(r->arena, text);
		free(text);
	}
	return e->code ? -1 : 0;
}

int h_booking_create(struct req *r, struct err *e)
{
	char key[IDEMPOTENCY_KEY_MAX + 1], fingerprint[TOKEN_HASH_MAX], caller[ID_MAX * 2 + 2];
	struct uc_booking_request in;
	struct uc_reply rep = {0, NULL, false, 0};
	char *canon;
	int slot, rc;

	if (idempotency_key(r, key, e))
		return -1;
	memset(&in, 0, sizeof(in));
	if (parse_create(r, &in.fields, &in.service_id, &in.provider_id, &in.hold_id, &in.start,
			 e))
		return -1;
	canon = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS);
	token_hash(fingerprint, canon, strlen(canon));
	free(canon);
	in.idempotency_key = key;
	in.fingerprint = fingerprint;

	snprintf(caller, sizeof(caller), "%s/%s", r->auth.tenant_id, r->uc.actor.id);
	if (!inflight_claim(r->ctx->inflight, caller, key, &slot))
		return err_set(e, ERR_KEY_IN_FLIGHT,
			       "a request with this Idempotency-Key is still being processed");
	rc = uc_booking_create(&r->uc, &in, &rep, e);
	inflight_release(r->ctx->inflight, slot);
	if (rc)
		return -1;
	buf_reset(&r->out);
	buf_adds(&r->out, rep.body);
	free(rep.body);
	r->status = rep.status;
	r->content_type = rep.status >= 400 ? "application/problem+json" : "application/json";
	if (rep.replayed)
		req_add_header(r, "Idempotent-Replayed", "true");
	if (rep.status == 201 && !rep.replayed)
		req_set_etag(r, rep.version);
	return 0;
}

int h_booking_get(struct req *r, struct err *e)
{
	char name[NAME_MAX_LEN + 1];
	const struct tz *z;
	struct booking b;
	const char *id;
	bool ics;

	if (path_id_ics(r, 0, "bkg", &id, &ics, e) || uc_booking_get(&r->uc, id, &b, &z, e))
		return -1;
	req_set_etag(r, b.version);
	if (!ics)
		return reply_json(r, 200, wire_booking(&b, z, wire_audience_of(&r->auth)));
	/* The booking as an iCalendar file in the provider's zone. */
	if (uc_booking_service_name(&r->uc, &b, name, sizeof(name), e))
		return -1;
	return reply_calendar(r, booking_ics(&b, name, z,
					     z ? tz_db_vtimezone(r->ctx->env.tz, tz_name(z), b.start)
					       : NULL));
}

/* The search text q: 1 to BOOKING_SEARCH_MAX characters of well-formed UTF-8 without control
 * characters (an encoded NUL is refused before, with every query parameter's). Sets f->q
 * when given. */
static int search_query(struct req *r, struct booking_filter *f, struct err *e)
{
	const char *value = req_query(r, "q");
	const unsigned char *p;
	size_t chars = 0, left, n;

	if (!value)
		return 0;
	f->q = value;
	left = strlen(value);
	for (p = (const unsigned char *)value; left; p += n, left -= n) {
		if (*p < 0x20 || *p == 0x7F)
			return err_field_code(e, ERR_INVALID, "q", "must not hold control characters");
		if (!(n = utf8_char(p, left)))
			return err_field_code(e, ERR_INVALID, "q", "is not valid UTF-8");
		if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)	/* U+0080-U+009F, the C1 controls */
			return err_field_code(e, ERR_INVALID, "q", "must not hold control characters");
		chars++;
	}
	if (chars == 0 || chars > BOOKING_SEARCH_MAX)
		return err_field_code(e, ERR_INVALID, "q", "must be 1 to %d characters long",
				      BOOKING_SEARCH_MAX);
	return 0;
}

int h_booking_list(struct req *r, struct err *e)
{
	struct booking_filter f = {NULL, NULL, NULL, -1, INT64_MIN, INT64_MAX, NULL, NULL};
	const char *status = req_query(r, "status");
	const struct tz **zones;
	struct booking *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	f.provider_id = req_query(r, "provider_id");
	f.service_id = req_query(r, "service_id");
	f.customer_email = req_query(r, "customer_email");
	if (status) {
		enum booking_status st;
		if (booking_status_parse(status, &st))
			return err_field_code(e, ERR_INVALID, "status", "is not a booking status");
		f.status = (int)st;
	}
	if (query_instant(r, "from", &f.from, e) < 0 || query_instant(r, "to", &f.to, e) < 0 ||
	    search_query(r, &f, e) || page_from_query(r, "bkg", &pg, e) ||
	    uc_booking_list(&r->uc, &f, pg, &v, &zones, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_booking(&v[i], zones[i], WIRE_STAFF));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_booking_history(struct req *r, struct err *e)
{
	struct booking_event *v;
	const char *id;
	size_t n;

	if (path_id(r, 0, "bkg", &id, e) || uc_booking_history(&r->uc, id, &v, &n, e))
		return -1;
	return reply_json(r, 200, wire_history(id, v, n));
}

static const char *const reschedule_keys[] = {"start", "reason", "force", NULL};

int h_booking_action(struct req *r, struct err *e)
{
	char reason[NOTE_MAX_LEN + 1] = "", notes[NOTE_MAX_LEN + 1] = "";
	struct uc_action act;
	const struct tz *z;
	struct booking b;
	const char *id;

	memset(&act, 0, sizeof(act));
	act.reschedule = !strcmp(r->params[1], "reschedule");
	act.reason = reason;
	if (path_id(r, 0, "bkg", &id, e))
		return -1;
	if (!act.reschedule && booking_action_parse(r->params[1], &act.action))
		return err_set(e, ERR_NOT_FOUND, "no booking action %s", r->params[1]);
	if (*r->auth.booking_id) {
		if (strcmp(id, r->auth.booking_id) != 0)
			return err_set(e, ERR_NOT_FOUND, "booking %s not found", id);
		if (!act.reschedule && act.action != ACTION_CANCEL)
			return err_set(e, ERR_FORBIDDEN,
				       "a manage token may cancel or reschedule, not %s",
				       r->params[1]);
	}
	if (act.reschedule && !r->json)
		return err_set(e, ERR_MALFORMED, "reschedule needs a JSON body with start");
	if (r->json) {
		json_only_keys(r->json, "", act.reschedule ? reschedule_keys : action_keys, e);
		json_get_str(r->json, "", "reason", NOTE_MAX_LEN, reason, sizeof(reason), e);
		json_get_bool(r->json, "", "force", &act.force, e);
		json_get_bool(r->json, "", "waive_fee", &act.waive_fee, e);
		if (json_get_str(r->json, "", "notes", NOTE_MAX_LEN, notes, sizeof(notes), e) > 0) {
			if (act.reschedule || act.action != ACTION_COMPLETE)
				err_field(e, "/notes", "only complete takes notes (completion notes)");
			act.completion_notes = notes;
		}
		if (act.reschedule && json_get_instant(r->json, "", "start", &act.start, e) == 0)
			json_required("", "start", e);
		if (e->code)
			return -1;
	}
	if (act.force && (r->auth.role != ROLE_ADMIN || *r->auth.booking_id))
		return err_set(e, ERR_FORBIDDEN, "only an admin key may force past the policy");
	if (act.waive_fee && r->auth.role != ROLE_ADMIN && r->auth.role != ROLE_STAFF)
		return err_set(e, ERR_FORBIDDEN, "only staff and admin keys may waive a fee");
	if (req_if_match(r, &act.if_match, e) || uc_booking_act(&r->uc, id, &act, &b, &z, e))
		return -1;
	req_set_etag(r, b.version);
	return reply_json(r, 200, wire_booking(&b, z, wire_audience_of(&r->auth)));
}
