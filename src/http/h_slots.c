/* /v1/slots and /v1/slots/explain: the engine over HTTP. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "core/slots.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "http/slots_json.h"
#include "util/ids.h"

#define SLOTS_MAX_DAYS 93
/* Bounds memory and response size (about 110 bytes a slot); one provider's 93 days of
 * one-minute slots fit, 200 providers' do not. */
#define SLOTS_MAX_RESULTS 50000

/* Loads the service and its providers (the one named by provider_id, which must offer the
 * service, or all) with their availability around the UTC window [from, to). */
static int load_job(struct req *r, struct uc_slot_job *job, bool need_provider, int64_t from,
		    int64_t to, struct err *e)
{
	const char *sid = req_query(r, "service_id");
	const char *pid = req_query(r, "provider_id");

	if (!sid)
		return err_field_code(e, ERR_INVALID, "service_id", "is required");
	if (!id_valid(sid, "svc"))
		return err_set(e, ERR_NOT_FOUND, "service %s not found", sid);
	if (!pid && need_provider)
		return err_field_code(e, ERR_INVALID, "provider_id", "is required");
	if (pid && !id_valid(pid, "prv"))
		return err_set(e, ERR_NOT_FOUND, "provider %s not found", pid);
	return uc_slot_job(&r->uc, sid, pid, from, to, job, e);
}

/* The zone dates are read in: the timezone parameter, else the providers' shared zone. */
static int display_zone(struct req *r, struct uc_slot_job *job, const struct tz **out,
			struct err *e)
{
	const char *name = req_query(r, "timezone");
	size_t i;

	if (name) {
		*out = tz_db_get(r->ctx->env.tz, name);
		if (!*out)
			return err_field_code(e, ERR_INVALID, "timezone",
					      "must be an IANA time zone name, e.g. Europe/Berlin");
		return 0;
	}
	*out = NULL;
	for (i = 0; i < job->n; i++) {
		const struct tz *z = job->providers[i].avail->tz;
		if (*out && z != *out)
			return err_field_code(e, ERR_INVALID, "timezone",
					      "is required when the providers are in different zones");
		*out = z;
	}
	if (!*out)
		*out = tz_db_get(r->ctx->env.tz, "UTC");
	return 0;
}

int h_slots(struct req *r, struct err *e)
{
	struct uc_slot_job job;
	struct slot_query q;
	struct slot_scratch scratch;
	struct slot_list list;
	const struct tz *display;
	int64_t from_day, to_day, from, to;
	int has_from, has_to;
	size_t i;

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
	/* Load around the widest possible window; the zone is only known afterwards. */
	if (load_job(r, &job, false, from_day * 86400 - 86400, (to_day + 2) * 86400, e) ||
	    display_zone(r, &job, &display, e))
		return -1;
	from = tz_to_utc(display, from_day * 86400);
	to = tz_to_utc(display, (to_day + 1) * 86400);

	q.rules = &job.rules;
	q.now = r->now;
	q.from = from;
	q.to = to;
	slot_scratch_init(&scratch);
	slot_list_init(&list);
	for (i = 0; i < job.n && list.n <= SLOTS_MAX_RESULTS; i++)
		slots_generate(&q, &job.providers[i], &scratch, &list);
	slot_scratch_release(&scratch);
	if (list.n > SLOTS_MAX_RESULTS) {
		slot_list_release(&list);
		return err_field_code(e, ERR_RANGE, "to",
				      "more than %d slots match; ask for fewer days or one provider",
				      SLOTS_MAX_RESULTS);
	}
	if (job.n > 1)
		slot_list_sort(&list);
	buf_reset(&r->out);
	/* One allocation for the whole answer (about 110 bytes a slot) instead of doublings. */
	buf_reserve(&r->out, list.n * 128 + 64);
	slots_render_json(&r->out, list.v, list.n, display, job.ids, job.rules.capacity > 1);
	slot_list_release(&list);
	if (r->out.failed)
		return err_set(e, ERR_RANGE, "the answer is too large; ask for fewer days");
	r->status = 200;
	r->content_type = "application/json";
	return 0;
}

int h_slots_explain(struct req *r, struct err *e)
{
	const char *start_text = req_query(r, "start");
	struct slot_explanation x;
	struct slot_scratch scratch;
	struct uc_slot_job job;
	struct slot_query q;
	const struct tz *z;
	json_t *reasons, *o;
	int64_t start;

	if (!start_text)
		return err_field_code(e, ERR_INVALID, "start", "is required");
	if (rfc3339_parse(start_text, &start))
		return err_field_code(e, ERR_INVALID, "start",
				      "must be an RFC 3339 date-time with an offset");
	if (load_job(r, &job, true, start - 86400, start + 2 * 86400, e))
		return -1;
	z = job.providers[0].avail->tz;
	if (req_query(r, "timezone") && display_zone(r, &job, &z, e))
		return -1;
	q.rules = &job.rules;
	q.now = r->now;
	q.from = q.to = 0;
	slot_scratch_init(&scratch);
	slots_explain(&q, &job.providers[0], start, &scratch, &x);
	slot_scratch_release(&scratch);

	reasons = wire_reasons(x.reasons, x.holiday, &q, z);
	o = json_pack("{s:o, s:o, s:s, s:s, s:b, s:o}", "start", wire_instant(start, z), "end",
		      wire_instant(x.end, z), "provider_id", job.ids[0], "service_id", job.svc.id,
		      "bookable", x.bookable, "reasons", reasons);
	return reply_json(r, 200, o);
}
