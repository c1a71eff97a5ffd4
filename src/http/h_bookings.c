/* /v1/bookings: create (idempotent, checked by the slot engine inside the write
 * transaction), read, list, history and lifecycle actions. */
#include "http/handlers.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "core/slots.h"
#include "http/h_common.h"
#include "http/inflight.h"
#include "http/json_in.h"
#include "http/pick.h"
#include "http/policy_json.h"
#include "http/waitlist.h"
#include "util/ids.h"
#include "util/mem.h"

#define IDEMPOTENCY_KEY_MAX 255

static const char *const create_keys[] = {"service_id", "provider_id", "start", "customer",
					  "notes", "hold_id", "metadata", NULL};
static const char *const action_keys[] = {"reason", "force", "waive_fee", NULL};

/* Zones of the providers a response mentions, looked up once per request. */
struct zone_memo {
	size_t n;
	char id[16][ID_MAX];
	const struct tz *tz[16];
};

static const struct tz *zone_of(struct req *r, struct zone_memo *m, const char *provider_id)
{
	const struct tz *z;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->id[i], provider_id))
			return m->tz[i];
	z = provider_zone(r, provider_id);
	if (m->n < 16) {
		snprintf(m->id[m->n], ID_MAX, "%s", provider_id);
		m->tz[m->n++] = z;
	}
	return z;
}

static json_t *render(const struct booking *b, const struct tz *z, const char *manage_token)
{
	json_t *customer = json_pack("{s:s, s:s, s:o}", "name", b->customer_name, "email",
				     b->customer_email, "phone",
				     *b->customer_phone ? json_string(b->customer_phone)
							: json_null());
	json_t *meta = b->metadata ? json_loads(b->metadata, 0, NULL) : NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "id", b->id, "reference",
			      b->reference, "status", booking_status_name(b->status), "start",
			      json_instant(b->start, z), "end", json_instant(b->end, z),
			      "provider_id", b->provider_id, "service_id", b->service_id,
			      "customer", customer);

	json_object_set_new(o, "notes", *b->notes ? json_string(b->notes) : json_null());
	json_object_set_new(o, "metadata", meta ? meta : json_object());
	json_object_set_new(o, "price", *b->price ? json_string(b->price) : json_null());
	json_object_set_new(o, "currency", *b->currency ? json_string(b->currency) : json_null());
	json_object_set_new(o, "policy", policy_json(&b->policy));
	json_object_set_new(o, "reschedule_count", json_integer(b->reschedule_count));
	json_object_set_new(o, "fee",
			    *b->fee ? json_pack("{s:s, s:o, s:s}", "amount", b->fee, "currency",
						*b->currency ? json_string(b->currency) : json_null(),
						"reason", b->fee_reason)
				    : json_null());
	json_object_set_new(o, "version", json_integer(b->version));
	json_object_set_new(o, "created_at", json_instant(b->created_at, NULL));
	json_object_set_new(o, "updated_at", json_instant(b->updated_at, NULL));
	if (manage_token)
		json_object_set_new(o, "manage_token", json_string(manage_token));
	return o;
}

/* Idempotency-Key: 1-255 printable ASCII characters, bare or as a quoted string. */
static int idempotency_key(struct req *r, char *out, struct err *e)
{
	const char *k = req_header(r, "Idempotency-Key");
	size_t n, i;

	if (!k)
		return err_set(e, ERR_MALFORMED, "Idempotency-Key header is required");
	n = strlen(k);
	if (n >= 2 && k[0] == '"' && k[n - 1] == '"') {
		k++;
		n -= 2;
	}
	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return err_set(e, ERR_MALFORMED, "Idempotency-Key must be 1 to %d characters",
			       IDEMPOTENCY_KEY_MAX);
	for (i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e)
			return err_set(e, ERR_MALFORMED,
				       "Idempotency-Key must be printable ASCII without spaces");
	memcpy(out, k, n);
	out[n] = '\0';
	return 0;
}

static void reply(void *vctx, const struct booking *bk, const struct err *e,
		  struct stored_reply *out)
{
	struct pick_ctx *cx = vctx;

	if (bk) {
		json_t *o = render(bk, cx->zone, cx->manage_token);
		out->status = 201;
		out->body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		return;
	}
	reply_problem(cx->r, e);
	out->status = cx->r->status;
	out->body = xstrdup(cx->r->out.ptr);
}

static const struct booking_create_ops create_ops = {booking_pick, reply};

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
	char key[IDEMPOTENCY_KEY_MAX + 1], fingerprint[TOKEN_HASH_MAX], token[TOKEN_MAX],
		token_hashed[TOKEN_HASH_MAX];
	const char *service_id, *provider_id, *hold_id;
	struct stored_reply rep = {0, NULL};
	struct pick_ctx cx;
	struct booking bk;
	bool replayed;
	char *canon;
	int slot, rc;

	if (idempotency_key(r, key, e))
		return -1;
	memset(&bk, 0, sizeof(bk));
	memset(&cx, 0, sizeof(cx));
	if (parse_create(r, &bk, &service_id, &provider_id, &hold_id, &cx.start, e))
		return -1;
	bk.start = cx.start;	/* the store loads availability around it */
	canon = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS);
	token_hash(fingerprint, canon, strlen(canon));
	free(canon);
	token_new(token, "mt");
	token_hash(token_hashed, token, strlen(token));
	cx.r = r;
	cx.manage_token = token;

	if (!inflight_claim(r->ctx->inflight, r->auth.tenant_id, key, &slot))
		return err_set(e, ERR_KEY_IN_FLIGHT,
			       "a request with this Idempotency-Key is still being processed");
	rc = store_booking_create(r->ctx->store, r->auth.tenant_id, key, fingerprint, service_id,
				  provider_id, hold_id, r->now, token_hashed, &create_ops, &cx, &bk, &rep,
				  &replayed, r->arena, e);
	inflight_release(r->ctx->inflight, slot);
	if (rc) {
		if (e->code == ERR_NOT_FOUND) {
			/* A missing service named in the body is a bad value, not a missing URL. */
			e->code = ERR_OK;
			err_field(e, "/service_id", "no such service");
		}
		return -1;
	}
	buf_reset(&r->out);
	r->nheaders = 0;
	buf_adds(&r->out, rep.body);
	free(rep.body);
	r->status = rep.status;
	r->content_type = rep.status >= 400 ? "application/problem+json" : "application/json";
	if (replayed)
		req_add_header(r, "Idempotent-Replayed", "true");
	if (rep.status == 201 && !replayed)
		req_set_etag(r, bk.version);
	return 0;
}

/* GET /v1/bookings/{id}.ics: the booking as an iCalendar file in the provider's zone. */
static int booking_ics_reply(struct req *r, const struct booking *b, struct err *e)
{
	struct zone_memo zones = {0};
	const struct tz *z = zone_of(r, &zones, b->provider_id);
	struct service svc;

	if (store_service_get(r->ctx->store, r->auth.tenant_id, b->service_id, r->arena, &svc, e))
		return -1;
	return reply_calendar(r, booking_ics(b, svc.name, z,
					     z ? tz_db_vtimezone(r->ctx->tz, tz_name(z), b->start)
					       : NULL,
					     r->now));
}

int h_booking_get(struct req *r, struct err *e)
{
	struct zone_memo zones = {0};
	struct booking b;
	const char *id;
	bool ics;

	if (path_id_ics(r, 0, "bkg", &id, &ics, e))
		return -1;
	if (*r->auth.booking_id && strcmp(id, r->auth.booking_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "booking %s not found", id);
	if (store_booking_get(r->ctx->store, r->auth.tenant_id, id, r->arena, &b, e))
		return -1;
	req_set_etag(r, b.version);
	if (ics)
		return booking_ics_reply(r, &b, e);
	return reply_json(r, 200, render(&b, zone_of(r, &zones, b.provider_id), NULL));
}

/* An instant or a date (its UTC midnight) from the query. */
static int query_instant(struct req *r, const char *name, int64_t *out, struct err *e)
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

int h_booking_list(struct req *r, struct err *e)
{
	struct booking_filter f = {NULL, NULL, NULL, -1, INT64_MIN, INT64_MAX};
	struct zone_memo zones = {0};
	const char *status = req_query(r, "status");
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
	    page_from_query(r, "bkg", &pg, e) ||
	    store_booking_list(r->ctx->store, r->auth.tenant_id, &f, pg, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render(&v[i], zone_of(r, &zones, v[i].provider_id), NULL));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_booking_history(struct req *r, struct err *e)
{
	struct booking_event *v;
	json_t *items;
	const char *id;
	size_t n, i;

	if (path_id(r, 0, "bkg", &id, e) ||
	    store_booking_history(r->ctx->store, r->auth.tenant_id, id, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(
			items, json_pack("{s:o, s:s, s:o, s:s, s:o}", "at", json_instant(v[i].at, NULL),
					 "actor", v[i].actor, "from",
					 *v[i].from_status ? json_string(v[i].from_status)
							   : json_null(),
					 "to", v[i].to_status, "reason",
					 *v[i].reason ? json_string(v[i].reason) : json_null()));
	return reply_json(r, 200, json_pack("{s:s, s:o}", "booking_id", id, "history", items));
}

static const char *const reschedule_keys[] = {"start", "reason", "force", NULL};

/* One lifecycle action as the guards see it. */
struct action_ctx {
	struct req *r;
	bool force;		/* an admin acting past the policy */
	bool waive_fee;
	char provider_id[ID_MAX];	/* the time the booking held before, for the waitlist */
	int64_t freed_start, freed_end;
};

static void remember_freed(struct action_ctx *ax, const struct booking *b)
{
	memcpy(ax->provider_id, b->provider_id, ID_MAX);
	ax->freed_start = b->block_start;
	ax->freed_end = b->block_end;
}

/* 422 policy_deadline_passed naming the deadline, unless an admin forces it. */
static int deadline_check(struct action_ctx *ax, const struct booking *b,
			  enum policy_field which, const char **note, struct err *e)
{
	bool cancel = which == POLICY_CANCEL_DEADLINE;
	int hours = cancel ? b->policy.cancel_deadline_hours : b->policy.reschedule_deadline_hours;
	char when[RFC3339_STR_MAX];

	/* Without a reschedule deadline, moving a booking closes with cancelling it: otherwise a
	 * late move followed by a cancel would escape the cancellation deadline and its fees. */
	if (!cancel && !(b->policy.set & POLICY_RESCHEDULE_DEADLINE)) {
		which = POLICY_CANCEL_DEADLINE;
		hours = b->policy.cancel_deadline_hours;
	}
	if (!policy_deadline_passed(&b->policy, which, b->start, ax->r->now))
		return 0;
	if (ax->force) {
		*note = cancel ? "(forced past the cancellation deadline)"
			       : "(forced past the reschedule deadline)";
		return 0;
	}
	rfc3339_format(b->start - (int64_t)hours * 3600, 0, when);
	err_set(e, ERR_POLICY_DEADLINE, "%s closed %d hours before the start, at %s",
		cancel ? "cancellation" : "rescheduling", hours, when);
	snprintf(e->ext_name, sizeof(e->ext_name), "deadline");
	snprintf(e->ext_json, sizeof(e->ext_json), "\"%s\"", when);
	return -1;
}

/* Sets the fee owed: percent of the booking's price. A free booking (no price, or a price
 * of zero) owes nothing. */
static void charge(struct booking *b, int percent, const char *reason)
{
	if (percent <= 0 || strspn(b->price, "0.") == strlen(b->price) ||
	    money_percent(b->price, percent, b->fee, sizeof(b->fee))) {
		b->fee[0] = '\0';
		return;
	}
	snprintf(b->fee_reason, sizeof(b->fee_reason), "%s", reason);
}

static int action_guard(void *vctx, struct booking *b, enum booking_status to,
			const char **note, struct err *e)
{
	struct action_ctx *ax = vctx;

	remember_freed(ax, b);
	if (to == BOOKING_CANCELLED) {
		if (deadline_check(ax, b, POLICY_CANCEL_DEADLINE, note, e))
			return -1;
		if (!ax->waive_fee)
			charge(b, policy_cancel_fee_percent(&b->policy, b->start, ax->r->now),
			       "late_cancellation");
	} else if (to == BOOKING_NO_SHOW && !ax->waive_fee &&
		   (b->policy.set & POLICY_NO_SHOW_FEE)) {
		charge(b, b->policy.no_show_fee_percent, "no_show");
	}
	return 0;
}

static int reschedule_check(void *vctx, const struct booking *bk, const struct service *svc,
			    struct avail_bundle *b, int64_t start, const char **note,
			    struct err *e)
{
	struct action_ctx *ax = vctx;
	struct slot_scratch scratch;
	struct slot_explanation x;
	int rc;

	remember_freed(ax, bk);
	if (deadline_check(ax, bk, POLICY_RESCHEDULE_DEADLINE, note, e))
		return -1;
	if ((bk->policy.set & POLICY_MAX_RESCHEDULES) &&
	    bk->reschedule_count >= bk->policy.max_reschedules) {
		if (!ax->force)
			return err_set(e, ERR_POLICY_LIMIT,
				       "this booking was already rescheduled %d times (the limit)",
				       bk->reschedule_count);
		*note = "(forced past the reschedule limit)";
	}
	slot_scratch_init(&scratch);
	rc = pick_explain(ax->r, svc, b, 0, start, &scratch, &x, e);
	slot_scratch_release(&scratch);
	if (rc)
		return -1;
	if (x.bookable)
		return 0;
	return pick_not_bookable(e, x.reasons, x.holiday);
}

/* Who acts, for the history: "customer" with a manage token, else the key's role. */
static const char *actor_of(const struct req *r)
{
	return *r->auth.booking_id ? "customer" : role_name(r->auth.role);
}

int h_booking_action(struct req *r, struct err *e)
{
	struct zone_memo zones = {0};
	enum booking_action action = ACTION_CANCEL;
	char reason[NOTE_MAX_LEN + 1] = "";
	bool reschedule = !strcmp(r->params[1], "reschedule");
	struct action_ctx ax;
	int64_t new_start = 0;
	struct booking b;
	const char *id;
	int version, rc;

	memset(&ax, 0, sizeof(ax));
	ax.r = r;
	if (path_id(r, 0, "bkg", &id, e))
		return -1;
	if (!reschedule && booking_action_parse(r->params[1], &action))
		return err_set(e, ERR_NOT_FOUND, "no booking action %s", r->params[1]);
	if (*r->auth.booking_id) {
		if (strcmp(id, r->auth.booking_id) != 0)
			return err_set(e, ERR_NOT_FOUND, "booking %s not found", id);
		if (!reschedule && action != ACTION_CANCEL)
			return err_set(e, ERR_FORBIDDEN,
				       "a manage token may cancel or reschedule, not %s",
				       r->params[1]);
	}
	if (reschedule && !r->json)
		return err_set(e, ERR_MALFORMED, "reschedule needs a JSON body with start");
	if (r->json) {
		json_only_keys(r->json, "", reschedule ? reschedule_keys : action_keys, e);
		json_get_str(r->json, "", "reason", NOTE_MAX_LEN, reason, sizeof(reason), e);
		json_get_bool(r->json, "", "force", &ax.force, e);
		json_get_bool(r->json, "", "waive_fee", &ax.waive_fee, e);
		if (reschedule && json_get_instant(r->json, "", "start", &new_start, e) == 0)
			json_required("", "start", e);
		if (e->code)
			return -1;
	}
	if (ax.force && (r->auth.role != ROLE_ADMIN || *r->auth.booking_id))
		return err_set(e, ERR_FORBIDDEN, "only an admin key may force past the policy");
	if (ax.waive_fee && r->auth.role != ROLE_ADMIN && r->auth.role != ROLE_STAFF)
		return err_set(e, ERR_FORBIDDEN, "only staff and admin keys may waive a fee");
	if (req_if_match(r, &version, e))
		return -1;
	if (reschedule)
		rc = store_booking_reschedule(r->ctx->store, r->auth.tenant_id, id, new_start, version,
					      actor_of(r), reason, r->now, reschedule_check, &ax,
					      r->arena, &b, e);
	else
		rc = store_booking_transition(r->ctx->store, r->auth.tenant_id, id, action, version,
					      actor_of(r), reason, r->now, action_guard, &ax,
					      r->arena, &b, e);
	if (rc)
		return -1;
	if (reschedule || action == ACTION_CANCEL || action == ACTION_DECLINE)
		waitlist_time_freed(r, ax.provider_id, ax.freed_start, ax.freed_end);
	req_set_etag(r, b.version);
	return reply_json(r, 200, render(&b, zone_of(r, &zones, b.provider_id), NULL));
}
