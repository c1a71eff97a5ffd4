/* /v1/providers/{id}/schedule: the weekly template, optionally in dated versions, each
 * either one week repeated or a cycle of alternating weeks. */
#include "http/handlers.h"

#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const version_keys[] = {"weekly", "weeks", "anchor_date", "effective_from",
					   "effective_until", NULL};
static const char *const body_keys[] = {"weekly", "weeks", "anchor_date", "effective_from",
					"effective_until", "versions", NULL};

/* One week's object {mon..sun} at ptr into hours[7]; intervals may name service_ids
 * (recorded in named) unless named is NULL. */
static void parse_week(json_t *week, const char *ptr, struct named_services *named,
		       struct day_hours *hours, struct err *e)
{
	static const char *const allowed[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
					      NULL};
	int d;

	if (!week || !json_is_object(week)) {
		err_field(e, ptr, "must be an object with keys mon..sun");
		return;
	}
	json_only_keys(week, ptr, allowed, e);
	for (d = 0; d < 7; d++) {
		if (named)
			json_get_hours_services(week, ptr, day_keys[d], named, &hours[d], e);
		else
			json_get_hours(week, ptr, day_keys[d], &hours[d], e);
	}
}

/* A version: "weekly" (every week alike) or "weeks" (a cycle of 2..8 weeks, week 1 being
 * the week of "anchor_date"). */
static int parse_version(struct req *r, json_t *o, const char *base,
			 struct named_services *named, struct week_template *t, struct err *e)
{
	json_t *weekly = json_object_get(o, "weekly");
	json_t *weeks = json_object_get(o, "weeks");
	char ptr[64];

	memset(t, 0, sizeof(*t));
	t->effective_from = t->effective_until = AVAIL_DAY_NONE;
	json_get_date(o, base, "effective_from", &t->effective_from, e);
	json_get_date(o, base, "effective_until", &t->effective_until, e);
	if (t->effective_from != AVAIL_DAY_NONE && t->effective_until != AVAIL_DAY_NONE &&
	    t->effective_until < t->effective_from) {
		snprintf(ptr, sizeof(ptr), "%s/effective_until", base);
		err_field(e, ptr, "must not be before effective_from");
	}
	if (weeks && !json_is_null(weeks)) {
		struct day_hours *more;
		size_t n = json_is_array(weeks) ? json_array_size(weeks) : 0, i;
		snprintf(ptr, sizeof(ptr), "%s/weeks", base);
		if (weekly && !json_is_null(weekly))
			return err_field(e, ptr, "send either weekly or weeks, not both");
		if (n < 2 || n > AVAIL_MAX_WEEKS)
			return err_field(e, ptr, "must be an array of 2 to %d weeks", AVAIL_MAX_WEEKS);
		if (json_get_date(o, base, "anchor_date", &t->anchor, e) == 0) {
			snprintf(ptr, sizeof(ptr), "%s", base);
			return json_required(ptr, "anchor_date", e);
		}
		more = arena_alloc(r->arena, (n - 1) * 7 * sizeof(*more));
		memset(more, 0, (n - 1) * 7 * sizeof(*more));
		for (i = 0; i < n; i++) {
			char wptr[80];
			snprintf(wptr, sizeof(wptr), "%s/weeks/%zu", base, i);
			parse_week(json_array_get(weeks, i), wptr, named,
				   i ? &more[(i - 1) * 7] : t->day, e);
		}
		t->weeks = (uint8_t)n;
		t->more = more;
		return e->code ? -1 : 0;
	}
	if (json_object_get(o, "anchor_date") && !json_is_null_at(o, "anchor_date")) {
		snprintf(ptr, sizeof(ptr), "%s/anchor_date", base);
		return err_field(e, ptr, "belongs with weeks (an alternating template)");
	}
	snprintf(ptr, sizeof(ptr), "%s/weekly", base);
	if (!weekly || !json_is_object(weekly))
		return err_field(e, ptr, "is required: an object with keys mon..sun");
	parse_week(weekly, ptr, named, t->day, e);
	return e->code ? -1 : 0;
}

/* schedule_parse where intervals may name service_ids (recorded in named) unless named is
 * NULL. */
static int parse_schedule(struct req *r, json_t *body, struct named_services *named,
			  struct schedule *s, struct err *e)
{
	json_t *versions = json_object_get(body, "versions");
	size_t i;

	memset(s, 0, sizeof(*s));
	if (versions) {
		json_t *v;
		if (json_object_get(body, "weekly"))
			return err_field(e, "/versions", "send either weekly or versions, not both");
		if (!json_is_array(versions) || json_array_size(versions) > SCHEDULE_MAX_VERSIONS)
			return err_field(e, "/versions", "must be an array of at most %d versions",
					 SCHEDULE_MAX_VERSIONS);
		json_array_foreach(versions, i, v) {
			char base[32];
			snprintf(base, sizeof(base), "/versions/%zu", i);
			if (!json_is_object(v)) {
				err_field(e, base, "must be an object");
				continue;
			}
			json_only_keys(v, base, version_keys, e);
			parse_version(r, v, base, named, &s->v[s->n++], e);
		}
	} else {
		parse_version(r, body, "", named, &s->v[s->n++], e);
	}
	return e->code ? -1 : 0;
}

int schedule_parse(struct req *r, json_t *body, struct schedule *s, struct err *e)
{
	return parse_schedule(r, body, NULL, s, e);
}

int h_schedule_put(struct req *r, struct err *e)
{
	struct schedule *s = arena_alloc(r->arena, sizeof(*s));
	struct named_services named = {r->arena, 0, 0, NULL, NULL};
	struct uc_schedule out;
	const char *pid;

	if (path_id(r, 0, "prv", &pid, e))
		return -1;
	json_only_keys(r->json, "", body_keys, e);
	if (parse_schedule(r, r->json, &named, s, e) ||
	    uc_services_exist(&r->uc, named.ids, named.pointers, named.n, e) ||
	    uc_schedule_put(&r->uc, pid, s, &out, e))
		return -1;
	return reply_json(r, 200, wire_schedule(&out.provider, out.schedule, out.zone, r->now));
}

int h_schedule_get(struct req *r, struct err *e)
{
	struct uc_schedule out;
	const char *pid;

	if (path_id(r, 0, "prv", &pid, e) || uc_schedule_get(&r->uc, pid, &out, e))
		return -1;
	return reply_json(r, 200, wire_schedule(&out.provider, out.schedule, out.zone, r->now));
}
