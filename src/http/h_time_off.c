/* /v1/providers/{id}/time-off: one-off blocked instant ranges. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/waitlist.h"
#include "util/ids.h"

static const char *const time_off_keys[] = {"start", "end", "reason", NULL};

static json_t *render(const struct time_off_rec *t, const struct tz *z)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "provider_id",
			      t->provider_id, "start", json_instant(t->span.start, z), "end",
			      json_instant(t->span.end, z), "reason",
			      *t->reason ? json_string(t->reason) : json_null());
	json_object_set_new(o, "created_at", json_instant(t->created_at, NULL));
	return o;
}

int h_time_off_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct time_off_rec t;
	struct provider p;
	const struct tz *z;

	if (load_path_provider(r, &p, &z, e))
		return -1;
	memset(&t, 0, sizeof(t));
	json_only_keys(o, "", time_off_keys, e);
	if (json_get_instant(o, "", "start", &t.span.start, e) == 0)
		json_required("", "start", e);
	if (json_get_instant(o, "", "end", &t.span.end, e) == 0)
		json_required("", "end", e);
	json_get_str(o, "", "reason", NOTE_MAX_LEN, t.reason, sizeof(t.reason), e);
	if (e->code)
		return -1;
	if (t.span.end <= t.span.start)
		return err_field(e, "/end", "must be after start");
	if (t.span.end - t.span.start > TIME_OFF_MAX_SECONDS)
		return err_field(e, "/end", "time off may last at most 366 days");
	id_new(t.id, "tof");
	memcpy(t.provider_id, p.id, sizeof(t.provider_id));
	t.created_at = r->now;
	if (store_time_off_create(r->ctx->store, r->auth.tenant_id, &t, e))
		return -1;
	return reply_json(r, 201, render(&t, z));
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct time_off_rec *)a)->id, ((const struct time_off_rec *)b)->id);
}

static const char *time_off_id(const void *row)
{
	return ((const struct time_off_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *zone)
{
	return render(row, zone);
}

int h_time_off_list(struct req *r, struct err *e)
{
	int64_t from_day = CIVIL_MIN_DAY, to_day = CIVIL_MAX_DAY;
	struct time_off_rec *v;
	struct provider p;
	const struct tz *z;
	struct page pg;
	size_t n;

	if (load_path_provider(r, &p, &z, e) || page_from_query(r, "tof", &pg, e) ||
	    query_date(r, "from", &from_day, e) < 0 || query_date(r, "to", &to_day, e) < 0)
		return -1;
	/* Dates are local to the provider. */
	if (store_time_off_list(r->ctx->store, r->auth.tenant_id, p.id,
				tz_to_utc(z, from_day * 86400), tz_to_utc(z, (to_day + 1) * 86400),
				r->arena, &v, &n, e))
		return -1;
	/* Lists page in creation (id) order, like every other list. */
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_id);
	return reply_json(r, 200, page_rows(pg, v, n, sizeof(*v), time_off_id, render_row, z));
}

int h_time_off_delete(struct req *r, struct err *e)
{
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "tof", &id, e) ||
	    store_time_off_delete(r->ctx->store, r->auth.tenant_id, pid, id, e))
		return -1;
	/* The freed time may suit waiting customers: each entry is searched over its own dates
	 * (at most a year ahead). */
	waitlist_time_freed(r, pid, r->now, r->now + 400LL * 86400);
	return reply_no_content(r);
}
