/* /v1/waitlist: customers waiting for a start; offers made as holds when time frees. */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/waitlist.h"
#include "util/ids.h"
#include "util/log.h"

#define WAITLIST_MAX_DAYS 366
#define WAITLIST_MAX_PRIORITY 1000

static const char *const entry_keys[] = {"service_id", "provider_id", "customer",
					 "earliest_date", "latest_date", "weekdays",
					 "time_windows", "priority", NULL};
static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- offers ---- */

struct offer_ctx {
	struct req *r;
	struct policy defaults;
	const struct tz *zone;	/* of the provider chosen last */
};

/* True when a start at local wall time wall (seconds, local epoch) lasting dur seconds
 * suits the entry's dates, weekdays and time windows. */
static bool entry_wants(const struct waitlist_entry *w, int64_t wall, int64_t dur)
{
	int64_t day = floor_div(wall, 86400);
	int64_t from_min = (wall - day * 86400) / 60, to_min = from_min + (dur + 59) / 60;
	size_t i;

	if (day < w->earliest_day || day > w->latest_day)
		return false;
	if (w->weekdays && !(w->weekdays & (1u << weekday_from_days(day))))
		return false;
	if (!w->nwindows)
		return true;
	for (i = 0; i < w->nwindows; i++)
		if (from_min >= w->windows[i].from_min && to_min <= w->windows[i].to_min)
			return true;
	return false;
}

static int choose(void *vctx, const struct waitlist_entry *w, const struct service *svc,
		  struct avail_bundle *b, size_t n, int64_t from, int64_t to, struct hold *h,
		  struct err *e)
{
	struct offer_ctx *ox = vctx;
	struct service_rules rules = service_rules_of(svc);
	struct slot_query q = {&rules, ox->r->now, from, to};
	struct slot_scratch scratch;
	struct slot_list list;
	struct policy p;
	int best = -1;
	size_t i, k;

	slot_scratch_init(&scratch);
	slot_list_init(&list);
	for (i = 0; i < n; i++) {
		struct slot_provider sp;
		if (slot_provider_prepare(ox->r, &b[i], svc, (uint32_t)i, &sp, e)) {
			slot_list_release(&list);
			slot_scratch_release(&scratch);
			return -1;
		}
		list.n = 0;
		slots_generate(&q, &sp, &scratch, &list);
		for (k = 0; k < list.n; k++) {
			const struct slot *s = &list.v[k];
			if (best >= 0 && s->start >= h->start)
				break;
			if (!entry_wants(w, tz_to_wall(b[i].input.tz, s->start), s->end - s->start))
				continue;
			best = (int)i;
			h->start = s->start;
			h->end = s->end;
			break;
		}
	}
	slot_list_release(&list);
	slot_scratch_release(&scratch);
	if (best < 0)
		return 0;
	memcpy(h->provider_id, b[best].provider.id, ID_MAX);
	h->block_start = h->start - (int64_t)svc->buffer_before_min * 60;
	h->block_end = h->end + (int64_t)svc->buffer_after_min * 60;
	policy_resolve(&ox->defaults, &svc->policy, &p);
	h->expires_at = ox->r->now + (int64_t)policy_offer_minutes(&p) * 60;
	ox->zone = b[best].input.tz;
	return 1;
}

static char *payload(void *vctx, const struct waitlist_entry *w, const struct hold *h)
{
	struct offer_ctx *ox = vctx;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s}}", "waitlist_id",
			      w->id, "hold_id", h->id, "service_id", h->service_id, "provider_id",
			      h->provider_id, "start", json_instant(h->start, ox->zone), "end",
			      json_instant(h->end, ox->zone), "offer_expires_at",
			      json_instant(h->expires_at, NULL), "customer", "name",
			      w->customer_name, "email", w->customer_email);
	char *text = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return text;
}

static const struct waitlist_ops offer_ops = {choose, payload};

static void run(struct req *r, const char *provider_id, const char *entry_id, int64_t from,
		int64_t to)
{
	struct offer_ctx ox = {r, {0}, NULL};
	size_t offered = 0;
	struct err e;

	err_init(&e);
	if (store_policy_get(r->ctx->store, r->auth.tenant_id, &ox.defaults, &e) ||
	    store_waitlist_run(r->ctx->store, r->auth.tenant_id, provider_id, entry_id, from, to,
			       (int64_t)POLICY_DEFAULT_OFFER_MINUTES * 60, r->now, &offer_ops, &ox,
			       &offered, r->arena, &e))
		log_msg(LOG_WARN, "waitlist offers for tenant %s failed: %s", r->auth.tenant_id,
			e.message);
}

void waitlist_time_freed(struct req *r, const char *provider_id, int64_t block_start,
			 int64_t block_end)
{
	/* Starts whose blocked time reaches into the freed time: a day before it at most. */
	run(r, provider_id, NULL, block_start - 86400, block_end);
}

void waitlist_tick(struct req *r)
{
	run(r, NULL, NULL, 0, 0);
}

void waitlist_sweep(struct http_ctx *ctx, int64_t now)
{
	char tenants[64][ID_MAX];
	struct err e;
	size_t n, i;

	err_init(&e);
	if (store_waitlist_due(ctx->store, now, tenants, 64, &n, &e)) {
		log_msg(LOG_WARN, "waitlist sweep failed: %s", e.message);
		return;
	}
	for (i = 0; i < n; i++) {
		struct req r;
		memset(&r, 0, sizeof(r));
		r.arena = arena_new();
		r.ctx = ctx;
		r.now = now;
		snprintf(r.auth.tenant_id, ID_MAX, "%s", tenants[i]);
		waitlist_tick(&r);
		arena_free(r.arena);
	}
}

/* ---- the API ---- */

static json_t *render(const struct waitlist_entry *w)
{
	json_t *days = json_array(), *windows = json_array(), *o;
	size_t i;
	char hm[24];

	for (i = 0; i < 7; i++)
		if (w->weekdays & (1u << i))
			json_array_append_new(days, json_string(weekday_names[i]));
	for (i = 0; i < w->nwindows; i++) {
		json_t *win = json_object();
		snprintf(hm, sizeof(hm), "%02d:%02d", w->windows[i].from_min / 60,
			 w->windows[i].from_min % 60);
		json_object_set_new(win, "start", json_string(hm));
		snprintf(hm, sizeof(hm), "%02d:%02d", w->windows[i].to_min / 60,
			 w->windows[i].to_min % 60);
		json_object_set_new(win, "end", json_string(hm));
		json_array_append_new(windows, win);
	}
	o = json_pack("{s:s, s:s, s:o, s:{s:s, s:s, s:o}, s:o, s:o, s:o, s:o, s:i, s:s}", "id",
		      w->id, "service_id", w->service_id, "provider_id",
		      *w->provider_id ? json_string(w->provider_id) : json_null(), "customer",
		      "name", w->customer_name, "email", w->customer_email, "phone",
		      *w->customer_phone ? json_string(w->customer_phone) : json_null(),
		      "earliest_date", json_date_or_null(w->earliest_day), "latest_date",
		      json_date_or_null(w->latest_day), "weekdays", days, "time_windows", windows,
		      "priority", w->priority, "status", waitlist_status_name(w->status));
	json_object_set_new(o, "hold_id", *w->hold_id ? json_string(w->hold_id) : json_null());
	json_object_set_new(o, "offer_provider_id",
			    *w->offer_provider_id ? json_string(w->offer_provider_id) : json_null());
	json_object_set_new(o, "offer_start",
			    w->offer_start ? json_instant(w->offer_start, NULL) : json_null());
	json_object_set_new(o, "offer_expires_at", w->offer_expires_at
							   ? json_instant(w->offer_expires_at, NULL)
							   : json_null());
	json_object_set_new(o, "offers", json_integer(w->offers));
	json_object_set_new(o, "booking_id",
			    *w->booking_id ? json_string(w->booking_id) : json_null());
	json_object_set_new(o, "created_at", json_instant(w->created_at, NULL));
	json_object_set_new(o, "updated_at", json_instant(w->updated_at, NULL));
	return o;
}

static void parse_weekdays(json_t *v, struct waitlist_entry *w, struct err *e)
{
	size_t i, d;

	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		err_field(e, "/weekdays", "must be an array such as [\"mon\", \"wed\"]");
		return;
	}
	for (i = 0; i < json_array_size(v); i++) {
		const char *name = json_string_value(json_array_get(v, i));
		for (d = 0; d < 7 && (!name || strcmp(name, weekday_names[d])); d++)
			;
		if (d == 7) {
			char ptr[32];
			snprintf(ptr, sizeof(ptr), "/weekdays/%zu", i);
			err_field(e, ptr, "must be one of mon, tue, wed, thu, fri, sat, sun");
			continue;
		}
		w->weekdays |= 1u << d;
	}
}

static int parse(struct req *r, struct waitlist_entry *w, struct err *e)
{
	json_t *o = r->json;
	const char *sid, *pid;
	struct day_hours windows;
	size_t i;

	json_only_keys(o, "", entry_keys, e);
	if ((sid = json_service_id(o, e)))
		snprintf(w->service_id, ID_MAX, "%s", sid);
	if ((pid = json_provider_choice(o, e)))
		snprintf(w->provider_id, ID_MAX, "%s", pid);
	json_get_customer(o, w->customer_name, w->customer_email, w->customer_phone, e);
	if (json_get_date(o, "", "earliest_date", &w->earliest_day, e) == 0)
		json_required("", "earliest_date", e);
	if (json_get_date(o, "", "latest_date", &w->latest_day, e) == 0)
		json_required("", "latest_date", e);
	parse_weekdays(json_object_get(o, "weekdays"), w, e);
	memset(&windows, 0, sizeof(windows));
	if (json_get_hours(o, "", "time_windows", &windows, e) == 1) {
		if (windows.n > WAITLIST_MAX_WINDOWS)
			err_field(e, "/time_windows", "at most %d windows", WAITLIST_MAX_WINDOWS);
		for (i = 0; i < windows.n && i < WAITLIST_MAX_WINDOWS; i++) {
			w->windows[i].from_min = windows.iv[i].start_min;
			w->windows[i].to_min = windows.iv[i].end_min;
		}
		w->nwindows = i;
	}
	if (json_get_int(o, "", "priority", -WAITLIST_MAX_PRIORITY, WAITLIST_MAX_PRIORITY,
			 &w->priority, e) == 1 &&
	    r->auth.role != ROLE_ADMIN && r->auth.role != ROLE_STAFF)
		err_field(e, "/priority", "only staff and admin keys may set a priority");
	if (e->code)
		return -1;
	if (w->latest_day < w->earliest_day)
		err_field(e, "/latest_date", "must not be before earliest_date");
	else if (w->latest_day - w->earliest_day >= WAITLIST_MAX_DAYS)
		err_field(e, "/latest_date", "must be within %d days of earliest_date",
			  WAITLIST_MAX_DAYS);
	return e->code ? -1 : 0;
}

int h_waitlist_create(struct req *r, struct err *e)
{
	struct waitlist_entry w;

	memset(&w, 0, sizeof(w));
	if (parse(r, &w, e))
		return -1;
	id_new(w.id, "wtl");
	w.created_at = w.updated_at = r->now;
	if (store_waitlist_create(r->ctx->store, r->auth.tenant_id, &w, e))
		return -1;
	/* A slot that already fits is offered at once. */
	run(r, NULL, w.id, (w.earliest_day - 1) * 86400, (w.latest_day + 2) * 86400);
	if (store_waitlist_get(r->ctx->store, r->auth.tenant_id, w.id, &w, e))
		return -1;
	return reply_json(r, 201, render(&w));
}

int h_waitlist_get(struct req *r, struct err *e)
{
	struct waitlist_entry w;
	const char *id;

	if (path_id(r, 0, "wtl", &id, e))
		return -1;
	waitlist_tick(r);
	if (store_waitlist_get(r->ctx->store, r->auth.tenant_id, id, &w, e))
		return -1;
	return reply_json(r, 200, render(&w));
}

int h_waitlist_list(struct req *r, struct err *e)
{
	struct waitlist_filter f = {req_query(r, "service_id"), -1};
	const char *status = req_query(r, "status");
	struct waitlist_entry *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (status) {
		enum waitlist_status st;
		if (waitlist_status_parse(status, &st))
			return err_field_code(e, ERR_INVALID, "status",
					      "must be waiting, offered, booked or expired");
		f.status = (int)st;
	}
	if (page_from_query(r, "wtl", &pg, e))
		return -1;
	waitlist_tick(r);
	if (store_waitlist_list(r->ctx->store, r->auth.tenant_id, &f, pg, r->arena, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_waitlist_delete(struct req *r, struct err *e)
{
	struct waitlist_entry w;
	const char *id;

	if (path_id(r, 0, "wtl", &id, e) ||
	    store_waitlist_delete(r->ctx->store, r->auth.tenant_id, id, &w, e))
		return -1;
	if (w.status == WAITLIST_OFFERED) {
		/* Its offer's time is free again (expired or not): the next entry may have it. */
		run(r, w.offer_provider_id, NULL, w.offer_start - 86400, w.offer_start + 2 * 86400);
	}
	return reply_no_content(r);
}
