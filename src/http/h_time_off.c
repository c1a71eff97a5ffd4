/* /v1/providers/{id}/time-off: one-off blocked instant ranges. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const time_off_keys[] = {"start", "end", "reason", NULL};

/* The span rules of a POST, also for an edit's result. */
static int span_check(const struct time_off_rec *t, struct err *e)
{
	if (t->span.end <= t->span.start)
		return err_field(e, "/end", "must be after start");
	if (t->span.end - t->span.start > TIME_OFF_MAX_SECONDS)
		return err_field(e, "/end", "time off may last at most 366 days");
	return 0;
}

int h_time_off_create(struct req *r, struct err *e)
{
	json_t *o = r->json;
	struct time_off_rec t;
	const struct tz *z;
	const char *pid;

	if (path_id(r, 0, "prv", &pid, e))
		return -1;
	memset(&t, 0, sizeof(t));
	json_only_keys(o, "", time_off_keys, e);
	if (json_get_instant(o, "", "start", &t.span.start, e) == 0)
		json_required("", "start", e);
	if (json_get_instant(o, "", "end", &t.span.end, e) == 0)
		json_required("", "end", e);
	json_get_str(o, "", "reason", NOTE_MAX_LEN, t.reason, sizeof(t.reason), e);
	if (e->code || span_check(&t, e))
		return -1;
	snprintf(t.provider_id, sizeof(t.provider_id), "%s", pid);
	if (uc_time_off_create(&r->uc, &t, &z, e))
		return -1;
	return reply_json(r, 201, wire_time_off(&t, z));
}

int h_time_off_patch(struct req *r, struct err *e)
{
	struct time_off_rec was, t;
	json_t *o = r->json;
	const struct tz *z;
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "tof", &id, e) ||
	    uc_time_off_get(&r->uc, pid, id, &was, e))
		return -1;
	t = was;
	json_only_keys(o, "", time_off_keys, e);
	if (json_is_null_at(o, "start"))
		json_required("", "start", e);
	else
		json_get_instant(o, "", "start", &t.span.start, e);
	if (json_is_null_at(o, "end"))
		json_required("", "end", e);
	else
		json_get_instant(o, "", "end", &t.span.end, e);
	if (json_is_null_at(o, "reason"))
		t.reason[0] = '\0';
	else
		json_get_str(o, "", "reason", NOTE_MAX_LEN, t.reason, sizeof(t.reason), e);
	if (e->code || span_check(&t, e) || uc_time_off_update(&r->uc, &was, &t, &z, e))
		return -1;
	return reply_json(r, 200, wire_time_off(&t, z));
}

static const char *time_off_id(const void *row)
{
	return ((const struct time_off_rec *)row)->id;
}

static json_t *render_row(const void *row, const void *zone)
{
	return wire_time_off(row, zone);
}

int h_time_off_list(struct req *r, struct err *e)
{
	int64_t from_day = CIVIL_MIN_DAY, to_day = CIVIL_MAX_DAY;
	struct time_off_rec *v;
	const struct tz *z;
	const char *pid;
	struct page pg;
	size_t n;

	if (path_id(r, 0, "prv", &pid, e) || page_from_query(r, "tof", &pg, e) ||
	    query_date(r, "from", &from_day, e) < 0 || query_date(r, "to", &to_day, e) < 0 ||
	    uc_time_off_list(&r->uc, pid, from_day, to_day, &v, &n, &z, e))
		return -1;
	return reply_json(r, 200, page_rows(pg, v, n, sizeof(*v), time_off_id, render_row, z));
}

int h_time_off_delete(struct req *r, struct err *e)
{
	const char *pid, *id;

	if (path_id(r, 0, "prv", &pid, e) || path_id(r, 1, "tof", &id, e) ||
	    uc_time_off_delete(&r->uc, pid, id, e))
		return -1;
	return reply_no_content(r);
}
