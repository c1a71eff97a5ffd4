/* /v1/services */
#include "http/handlers.h"

#include <ctype.h>
#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "http/location_json.h"
#include "http/policy_json.h"
#include "usecase/uc_catalog.h"
#include "util/ids.h"

static const char *const service_keys[] = {
	"name", "duration_minutes", "price", "currency", "buffer_before_minutes",
	"buffer_after_minutes", "slot_step_minutes", "min_notice_minutes", "max_advance_days",
	"capacity", "provider_ids", "requires_approval", "policy", "reminder_offsets_minutes", "public",
	"location", NULL};

static bool currency_ok(const char *c)
{
	return strlen(c) == 3 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]) &&
	       isupper((unsigned char)c[2]);
}

/* A whole number field into *field, marking bit in the edit. */
static void get_minutes(json_t *o, const char *key, long min, long max, int *field,
			struct service_patch *sp, unsigned bit, struct err *e)
{
	int v;

	if (json_get_int(o, "", key, min, max, &v, e) == 1) {
		*field = v;
		sp->set |= bit;
	}
}

/* Reads the body into an edit; creating requires name and duration_minutes. */
static int parse(struct req *r, struct service_patch *sp, bool creating, struct err *e)
{
	json_t *o = r->json;
	struct service *s = &sp->v;
	const char *ids[SERVICE_MAX_PROVIDERS];
	size_t n, i;
	int v, got;

	json_only_keys(o, "", service_keys, e);
	got = json_get_str(o, "", "name", NAME_MAX_LEN, s->name, sizeof(s->name), e);
	if (got == 0 && (creating || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (got > 0 && !*s->name)
		err_field(e, "/name", "must not be empty");
	else if (got > 0)
		sp->set |= SERVICE_NAME;
	if (json_get_int(o, "", "duration_minutes", 1, 1440, &v, e) == 1) {
		s->duration_min = v;
		sp->set |= SERVICE_DURATION;
	} else if ((creating && !json_object_get(o, "duration_minutes")) ||
		   json_is_null_at(o, "duration_minutes")) {
		json_required("", "duration_minutes", e);
	}

	if (json_is_null_at(o, "price")) {
		s->price[0] = '\0';
		sp->set |= SERVICE_PRICE;
	} else if (json_object_get(o, "price") && !json_is_string(json_object_get(o, "price"))) {
		err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
	} else if (json_get_str(o, "", "price", PRICE_MAX_LEN, s->price, sizeof(s->price), e) ==
		   1) {
		if (!price_text_ok(s->price))
			err_field(e, "/price", "must be a decimal string, e.g. \"45.00\"");
		sp->set |= SERVICE_PRICE;
	}
	if (json_is_null_at(o, "currency")) {
		s->currency[0] = '\0';
		sp->set |= SERVICE_CURRENCY;
	} else if (json_get_str(o, "", "currency", 3, s->currency, sizeof(s->currency), e) == 1) {
		if (!currency_ok(s->currency))
			err_field(e, "/currency", "must be an ISO 4217 code such as EUR");
		sp->set |= SERVICE_CURRENCY;
	}

	get_minutes(o, "buffer_before_minutes", 0, 1440, &s->buffer_before_min, sp,
		    SERVICE_BUFFER_BEFORE, e);
	get_minutes(o, "buffer_after_minutes", 0, 1440, &s->buffer_after_min, sp,
		    SERVICE_BUFFER_AFTER, e);
	if (json_is_null_at(o, "slot_step_minutes")) {
		s->step_min = 0;
		sp->set |= SERVICE_STEP;
	} else {
		get_minutes(o, "slot_step_minutes", 1, 1440, &s->step_min, sp, SERVICE_STEP, e);
	}
	get_minutes(o, "min_notice_minutes", 0, 525600, &s->min_notice_min, sp, SERVICE_MIN_NOTICE,
		    e);
	if (json_is_null_at(o, "max_advance_days")) {
		s->max_advance_days = 0;
		sp->set |= SERVICE_MAX_ADVANCE;
	} else {
		get_minutes(o, "max_advance_days", 1, 3650, &s->max_advance_days, sp,
			    SERVICE_MAX_ADVANCE, e);
	}
	get_minutes(o, "capacity", 1, 1000, &s->capacity, sp, SERVICE_CAPACITY, e);
	if (json_get_bool(o, "", "requires_approval", &s->requires_approval, e) == 1)
		sp->set |= SERVICE_APPROVAL;
	if (json_get_bool(o, "", "public", &s->public, e) == 1)
		sp->set |= SERVICE_PUBLIC;
	if (json_object_get(o, "location") &&
	    location_parse(json_object_get(o, "location"), "/location", r->arena, &s->location,
			   e) == 0)
		sp->set |= SERVICE_LOCATION;
	/* A policy replaces the service's whole policy; null clears it (all inherited). */
	if (json_is_null_at(o, "policy")) {
		memset(&s->policy, 0, sizeof(s->policy));
		sp->set |= SERVICE_POLICY;
	} else if (json_object_get(o, "policy")) {
		if (policy_parse(json_object_get(o, "policy"), "/policy", &s->policy, e) == 0)
			sp->set |= SERVICE_POLICY;
	}
	/* Offsets (largest first); null inherits the tenant's. Existing bookings keep the
	 * reminders planned when they were made or moved. */
	if (json_is_null_at(o, "reminder_offsets_minutes")) {
		memset(&s->reminders, 0, sizeof(s->reminders));
		sp->set |= SERVICE_REMINDERS;
	} else if (json_get_reminder_offsets(o, "", "reminder_offsets_minutes", &s->reminders,
					     e) == 1) {
		sp->set |= SERVICE_REMINDERS;
	}
	n = 0;
	if (json_get_ids(o, "", "provider_ids", "prv", SERVICE_MAX_PROVIDERS, ids, &n, e) == 1 ||
	    json_is_null_at(o, "provider_ids")) {
		s->provider_ids = arena_alloc(r->arena, (n + 1) * sizeof(*s->provider_ids));
		for (i = 0; i < n; i++)
			snprintf(s->provider_ids[i], ID_MAX, "%s", ids[i]);
		s->nproviders = n;
		sp->set |= SERVICE_PROVIDERS;
	}
	return e->code ? -1 : 0;
}

int h_service_create(struct req *r, struct err *e)
{
	struct service_patch sp;
	struct service s;

	memset(&sp, 0, sizeof(sp));
	memset(&s, 0, sizeof(s));
	s.capacity = 1;
	s.provider_ids = arena_alloc(r->arena, sizeof(*s.provider_ids));
	if (parse(r, &sp, true, e))
		return -1;
	service_apply(&s, &sp);
	if (uc_service_create(&r->uc, &s, e))
		return -1;
	return reply_json(r, 201, wire_service(&s));
}

int h_service_get(struct req *r, struct err *e)
{
	struct service s;
	const char *id;

	if (path_id(r, 0, "svc", &id, e) || uc_service_get(&r->uc, id, &s, e))
		return -1;
	return reply_json(r, 200, wire_service(&s));
}

int h_service_list(struct req *r, struct err *e)
{
	struct service *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "svc", &pg, e) || uc_service_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_service(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_service_patch(struct req *r, struct err *e)
{
	struct service_patch sp;
	struct service s;
	const char *id;

	memset(&sp, 0, sizeof(sp));
	if (path_id(r, 0, "svc", &id, e) || parse(r, &sp, false, e) ||
	    uc_service_update(&r->uc, id, &sp, &s, e))
		return -1;
	return reply_json(r, 200, wire_service(&s));
}

int h_service_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "svc", &id, e) || uc_service_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}

/* At most this many ids in one POST /v1/services/{id}/providers. */
#define PROVIDERS_BATCH_MAX 1000

static const char *const batch_keys[] = {"provider_ids", NULL};

int h_service_providers_add(struct req *r, struct err *e)
{
	struct uc_providers_added out;
	const char **ids = arena_alloc(r->arena, PROVIDERS_BATCH_MAX * sizeof(*ids));
	const char *sid;
	id_t_ *copy;
	json_t *added;
	size_t n = 0, i;
	int got;

	if (path_id(r, 0, "svc", &sid, e))
		return -1;
	json_only_keys(r->json, "", batch_keys, e);
	got = json_get_ids(r->json, "", "provider_ids", "prv", PROVIDERS_BATCH_MAX, ids, &n, e);
	if (got == 0)
		json_required("", "provider_ids", e);
	else if (got == 1 && n == 0)
		err_field(e, "/provider_ids", "must name at least one provider");
	if (e->code)
		return -1;
	copy = arena_alloc(r->arena, n * sizeof(*copy));
	for (i = 0; i < n; i++)
		snprintf(copy[i], ID_MAX, "%s", ids[i]);
	if (uc_service_providers_add(&r->uc, sid, copy, n, &out, e))
		return -1;
	added = json_array();
	for (i = 0; i < out.n; i++)
		json_array_append_new(added, json_string(out.ids[i]));
	return reply_json(r, 200,
			  json_pack("{s:s, s:o, s:I}", "service_id", sid, "added", added,
				    "provider_count", (json_int_t)out.count));
}

int h_service_provider_remove(struct req *r, struct err *e)
{
	const char *sid, *pid;

	if (path_id(r, 0, "svc", &sid, e) || path_id(r, 1, "prv", &pid, e) ||
	    uc_service_provider_remove(&r->uc, sid, pid, e))
		return -1;
	return reply_no_content(r);
}
