/* /v1/slots and /v1/slots/explain: the engine over HTTP. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/slots_json.h"
#include "util/ids.h"
#include "wire/wire_query.h"

#define SLOTS_MAX_DAYS 93
/* Bounds memory and response size (about 110 bytes a slot); one provider's 93 days of
 * one-minute slots fit, 200 providers' do not. */
#define SLOTS_MAX_RESULTS 50000
/* group=start: the slots worked out before grouping (24 bytes each in memory); with
 * include=provider_ids, the ids listed (about 28 bytes each in the answer). */
#define SLOTS_GROUP_MAX 500000
#define SLOTS_GROUP_IDS_MAX 200000
/* provider_limit: providers in one page. */
#define SLOTS_PAGE_MAX 1000

/* How the answer is shaped: per provider (all, or a page of providers) or grouped by start. */
struct slots_shape {
	bool group, with_ids;
	bool paged;
	struct uc_slot_page page;
};

static int query_shape(struct req *r, const char *pid, struct slots_shape *sh, struct err *e)
{
	const char *group = req_query(r, "group"), *include = req_query(r, "include");
	const char *limit = req_query(r, "provider_limit");
	const char *cursor = req_query(r, "provider_cursor");
	long long v;

	memset(sh, 0, sizeof(*sh));
	if (group && strcmp(group, "start") != 0)
		return err_field_code(e, ERR_INVALID, "group", "must be start");
	if (group && pid)
		return err_field_code(e, ERR_INVALID, "group",
				      "groups the providers of a service: not with provider_id");
	sh->group = group != NULL;
	if (include && strcmp(include, "provider_ids") != 0)
		return err_field_code(e, ERR_INVALID, "include", "must be provider_ids");
	if (include && !sh->group)
		return err_field_code(e, ERR_INVALID, "include", "needs group=start");
	sh->with_ids = include != NULL;
	if (cursor && !limit)
		return err_field_code(e, ERR_INVALID, "provider_cursor", "needs provider_limit");
	if (!limit)
		return 0;
	if (sh->group || pid)
		return err_field_code(e, ERR_INVALID, "provider_limit",
				      "pages the per-provider answer: not with group or provider_id");
	if (wire_int_value(limit, 1, SLOTS_PAGE_MAX, &v))
		return err_field_code(e, ERR_INVALID, "provider_limit",
				      "must be an integer from 1 to %d", SLOTS_PAGE_MAX);
	if (cursor && !id_valid(cursor, "prv"))
		return err_field_code(e, ERR_INVALID, "provider_cursor",
				      "is not a cursor this list returned");
	sh->paged = true;
	sh->page.limit = (size_t)v;
	sh->page.after = cursor;
	return 0;
}

/* service_id and provider_id from the query: ids of the right kind (else nothing by that
 * name exists). */
static int query_ids(struct req *r, bool need_provider, const char **sid, const char **pid,
		     struct err *e)
{
	*sid = req_query(r, "service_id");
	*pid = req_query(r, "provider_id");
	if (!*sid)
		return err_field_code(e, ERR_INVALID, "service_id", "is required");
	if (!id_valid(*sid, "svc"))
		return err_set(e, ERR_NOT_FOUND, "service %s not found", *sid);
	if (!*pid && need_provider)
		return err_field_code(e, ERR_INVALID, "provider_id", "is required");
	if (*pid && !id_valid(*pid, "prv"))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", *pid);
	return 0;
}

int h_slots(struct req *r, struct err *e)
{
	const char *sid, *pid;
	struct slots_shape sh;
	struct uc_slots out;
	int64_t from_day, to_day;
	int has_from, has_to;
	char own[ID_MAX];

	/* A manage token sees the times its booking may move to: its service's slots only. */
	if (*r->auth.booking_id) {
		sid = req_query(r, "service_id");
		if (uc_manage_service(&r->uc, own, e))
			return -1;
		if (sid && strcmp(sid, own) != 0)
			return err_set(e, ERR_FORBIDDEN,
				       "a manage token may list its booking's service's slots only");
	}

	has_from = query_date(r, "from", &from_day, e);
	has_to = query_date(r, "to", &to_day, e);
	if (has_from == 0)
		err_field_code(e, ERR_INVALID, "from", "is required");
	if (has_to == 0)
		err_field_code(e, ERR_INVALID, "to", "is required");
	if (e->code)
		return -1;
	if (to_day < from_day)
		return err_field_code(e, ERR_INVALID, "to", "must not be before from");
	if (to_day - from_day + 1 > SLOTS_MAX_DAYS)
		return err_field_code(e, ERR_RANGE, "to", "a range may span at most %d days",
				      SLOTS_MAX_DAYS);
	if (query_ids(r, false, &sid, &pid, e) || query_shape(r, pid, &sh, e) ||
	    uc_slots(&r->uc, sid, pid, sh.paged ? &sh.page : NULL, from_day, to_day,
		     req_query(r, "timezone"), sh.group ? SLOTS_GROUP_MAX : SLOTS_MAX_RESULTS,
		     &out, e))
		return -1;
	buf_reset(&r->out);
	if (sh.group) {
		if (sh.with_ids && out.list->n > SLOTS_GROUP_IDS_MAX)
			return err_field_code(e, ERR_RANGE, "include",
					      "more than %d providers free in all; ask for fewer days"
					      " or leave out include",
					      SLOTS_GROUP_IDS_MAX);
		slots_render_grouped(&r->out, out.list->v, out.list->n, out.display, out.job.ids,
				     sh.with_ids);
	} else {
		/* One allocation for the whole answer (about 110 bytes a slot) instead of
		 * doublings. */
		buf_reserve(&r->out, out.list->n * 128 + 64);
		slots_render_json(&r->out, out.list->v, out.list->n, out.display, out.job.ids,
				  out.job.rules.capacity > 1);
		if (sh.paged && r->out.len) {
			/* The page's cursor after the list: {"slots":[…],"next_provider_cursor":…} */
			r->out.len--;
			if (*out.job.next_provider) {
				buf_adds(&r->out, ",\"next_provider_cursor\":\"");
				buf_adds(&r->out, out.job.next_provider);
				buf_adds(&r->out, "\"}");
			} else {
				buf_adds(&r->out, ",\"next_provider_cursor\":null}");
			}
		}
	}
	if (r->out.failed)
		return err_set(e, ERR_RANGE, "the answer is too large; ask for fewer days");
	r->status = 200;
	r->content_type = "application/json";
	return 0;
}

int h_slots_explain(struct req *r, struct err *e)
{
	const char *start_text = req_query(r, "start");
	const char *sid, *pid;
	struct uc_explain out;
	int64_t start;

	if (!start_text)
		return err_field_code(e, ERR_INVALID, "start", "is required");
	if (rfc3339_parse(start_text, &start))
		return err_field_code(e, ERR_INVALID, "start",
				      "must be an RFC 3339 date-time with an offset");
	if (query_ids(r, true, &sid, &pid, e) ||
	    uc_explain(&r->uc, sid, pid, start, req_query(r, "timezone"), &out, e))
		return -1;
	return reply_json(r, 200,
			  json_pack("{s:o, s:o, s:s, s:s, s:b, s:o}", "start",
				    wire_instant(start, out.zone), "end",
				    wire_instant(out.x.end, out.zone), "provider_id", out.job.ids[0],
				    "service_id", out.job.svc.id, "bookable", out.x.bookable,
				    "reasons",
				    wire_reasons(out.x.reasons, out.x.holiday, out.x.calendar, &out.q,
					 out.zone)));
}
