/* GET /v1/calendar: one merged, ordered list of what fills some providers' time over a
 * window (bookings, entry occurrences, time off, holidays, overrides) for day, week and
 * month views. */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "store/store_entries.h"
#include "util/ids.h"

#define CALENDAR_MAX_DAYS 92
#define CALENDAR_MAX_PROVIDERS 50
#define CALENDAR_MAX_ITEMS 20000

enum kind { K_HOLIDAY = 0, K_OVERRIDE, K_TIME_OFF, K_BOOKING, K_ENTRY };

static const char *const kind_names[] = {"holiday", "override", "time_off", "booking", "entry"};

struct item {
	int64_t start;
	const char *provider_id;
	enum kind kind;
	const char *id;
	json_t *json;
};

struct items {
	struct item *v;
	size_t n, cap;
	const struct tz *z;	/* the zone times are shown in */
};

static json_t *add(struct items *it, enum kind k, const char *id, const char *pid,
		   int64_t start, int64_t end)
{
	struct item *x;

	if (it->n == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 64;
		it->v = realloc(it->v, it->cap * sizeof(*it->v));
		if (!it->v)
			abort();
	}
	x = &it->v[it->n++];
	x->start = start;
	x->provider_id = pid;
	x->kind = k;
	x->id = id;
	x->json = json_pack("{s:s, s:s, s:s, s:o, s:o}", "kind", kind_names[k], "id", id,
			    "provider_id", pid, "start", json_instant(start, it->z), "end",
			    json_instant(end, it->z));
	return x->json;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((c = strcmp(x->provider_id, y->provider_id)))
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* A whole local date of the provider as an item; NULL when it lies outside [from, to). */
static json_t *add_day(struct items *it, enum kind k, const char *id, const char *pid,
		       const struct tz *pz, int64_t day, int64_t from, int64_t to)
{
	int64_t s = tz_to_utc(pz, day * 86400), e = tz_to_utc(pz, (day + 1) * 86400);
	json_t *o;

	if (s >= to || e <= from)
		return NULL;
	o = add(it, k, id, pid, s, e);
	json_object_set_new(o, "date", json_date_or_null(day));
	return o;
}

static void add_provider(struct req *r, struct items *it, const struct calendar_src *c,
			 int64_t from, int64_t to)
{
	/* c is the caller's loop variable: items keep their own copy of the id. */
	const char *pid = arena_strndup(r->arena, c->provider.id, strlen(c->provider.id));
	const struct tz *pz = tz_db_get(r->ctx->tz, c->provider.timezone);
	int64_t from_day, to_day, days[CALENDAR_MAX_DAYS + 8];
	size_t i, j, k;

	if (!pz)
		pz = tz_db_get(r->ctx->tz, "UTC");
	from_day = floor_div(tz_to_wall(pz, from), 86400);
	to_day = floor_div(tz_to_wall(pz, to - 1), 86400);
	for (i = 0; i < c->nbookings; i++) {
		const struct booking *b = &c->bookings[i];
		json_t *o = add(it, K_BOOKING, b->id, pid, b->start, b->end);
		json_object_set_new(o, "status", json_string(booking_status_name(b->status)));
		json_object_set_new(o, "service_id", json_string(b->service_id));
		json_object_set_new(o, "reference", json_string(b->reference));
		json_object_set_new(o, "title", json_string(b->customer_name));
	}
	for (i = 0; i < c->nentries; i++) {
		const struct entry *en = &c->entries[i];
		const struct tz *ez = tz_db_get(r->ctx->tz, en->timezone);
		size_t max = entry_occurrence_bound(en, from, to), n;
		struct occurrence *occ = arena_alloc(r->arena, max * sizeof(*occ));
		entry_occurrences(en, ez ? ez : pz, from, to, occ, max, &n);
		for (j = 0; j < n; j++) {
			char *oid;
			json_t *o;
			if (occ[j].f->status == ENTRY_CANCELLED ||
			    !entry_fields_assigned(occ[j].f, pid))
				continue;
			oid = arena_alloc(r->arena, ID_MAX + 20);
			entry_occurrence_id(en, occ[j].original_start, oid);
			o = add(it, K_ENTRY, oid, pid, occ[j].start, occ[j].end);
			json_object_set_new(o, "entry_id", json_string(en->id));
			json_object_set_new(o, "title", json_string(occ[j].f->title));
			json_object_set_new(o, "status",
					    json_string(entry_status_name(occ[j].f->status)));
			json_object_set_new(o, "work_item",
					    *en->work_type ? json_pack("{s:s, s:s}", "type",
								       en->work_type, "id",
								       en->work_id)
							   : json_null());
		}
	}
	for (i = 0; i < c->ntime_off; i++) {
		const struct time_off_rec *t = &c->time_off[i];
		json_t *o;
		if (t->span.start >= to || t->span.end <= from)
			continue;
		o = add(it, K_TIME_OFF, t->id, pid, t->span.start, t->span.end);
		json_object_set_new(o, "reason", *t->reason ? json_string(t->reason) : json_null());
	}
	for (i = 0; i < c->nholidays; i++) {
		const struct holiday_rec *h = &c->holidays[i];
		size_t n = 1;
		days[0] = h->day;
		if (*h->rrule)
			n = recur_dates(h->rrule, h->day, h->until_day, from_day, to_day, days,
					sizeof(days) / sizeof(*days));
		for (j = 0; j < n; j++) {
			json_t *o = add_day(it, K_HOLIDAY, h->id, pid, pz, days[j], from, to);
			if (o)
				json_object_set_new(o, "name", json_string(h->name));
		}
	}
	for (i = 0; i < c->noverrides; i++) {
		const struct override_rec *ov = &c->overrides[i];
		size_t n = 0;
		if (*ov->rrule) {
			n = recur_dates(ov->rrule, ov->ov.from_day, ov->ov.to_day, from_day, to_day,
					days, sizeof(days) / sizeof(*days));
		} else {
			int64_t d;
			for (d = ov->ov.from_day > from_day ? ov->ov.from_day : from_day;
			     d <= ov->ov.to_day && d <= to_day && n < sizeof(days) / sizeof(*days);
			     d++)
				days[n++] = d;
		}
		for (k = 0; k < n; k++) {
			json_t *o = add_day(it, K_OVERRIDE, ov->id, pid, pz, days[k], from, to);
			if (!o)
				continue;
			json_object_set_new(o, "closed", json_boolean(ov->ov.hours.n == 0));
			json_object_set_new(o, "intervals", json_hours(&ov->ov.hours));
			json_object_set_new(o, "note", *ov->note ? json_string(ov->note) : json_null());
		}
	}
}

/* provider_ids=a,b,...: ids into out (deduplicated, in the order given). */
static int parse_provider_ids(struct req *r, char (*out)[ID_MAX], size_t *n, struct err *e)
{
	const char *v = req_query(r, "provider_ids");

	*n = 0;
	if (!v || !*v)
		return err_field_code(e, ERR_INVALID, "provider_ids",
				      "is required: comma-separated provider ids");
	while (*v) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v), i;
		char id[ID_MAX];
		if (len == 0 || len >= ID_MAX)
			return err_field_code(e, ERR_INVALID, "provider_ids",
					      "must be comma-separated provider ids");
		memcpy(id, v, len);
		id[len] = '\0';
		if (!id_valid(id, "prv"))
			return err_field_code(e, ERR_INVALID, "provider_ids",
					      "\"%s\" is not a provider id", id);
		for (i = 0; i < *n && strcmp(out[i], id); i++)
			;
		if (i == *n) {
			if (*n == CALENDAR_MAX_PROVIDERS)
				return err_field_code(e, ERR_RANGE, "provider_ids",
						      "at most %d providers at once",
						      CALENDAR_MAX_PROVIDERS);
			memcpy(out[(*n)++], id, ID_MAX);
		}
		v += len + (comma ? 1 : 0);
		if (comma && !*v)
			return err_field_code(e, ERR_INVALID, "provider_ids",
					      "must not end with a comma");
	}
	return 0;
}

int h_calendar(struct req *r, struct err *e)
{
	char ids[CALENDAR_MAX_PROVIDERS][ID_MAX];
	const char *zone = req_query(r, "timezone");
	struct items it = {NULL, 0, 0, NULL};
	json_t *list;
	int64_t from, to;
	size_t n, i;

	it.z = tz_db_get(r->ctx->tz, zone ? zone : "UTC");
	if (!it.z)
		return err_field_code(e, ERR_INVALID, "timezone", "is not a known IANA time zone");
	if (parse_provider_ids(r, ids, &n, e) ||
	    query_window(r, it.z, CALENDAR_MAX_DAYS, &from, &to, e))
		return -1;
	for (i = 0; i < n; i++) {
		struct calendar_src c;
		if (store_calendar_load(r->ctx->store, r->auth.tenant_id, ids[i], from, to,
					floor_div(from, 86400) - 1, floor_div(to, 86400) + 1,
					r->arena, &c, e)) {
			if (e->code == ERR_NOT_FOUND) {
				err_init(e);
				err_field_code(e, ERR_INVALID, "provider_ids", "no provider %s",
					       ids[i]);
			}
			goto fail;
		}
		add_provider(r, &it, &c, from, to);
		if (it.n > CALENDAR_MAX_ITEMS) {
			err_set(e, ERR_RANGE, "the calendar has too many items; ask for fewer days"
					      " or providers");
			goto fail;
		}
	}
	if (it.n)
		qsort(it.v, it.n, sizeof(*it.v), cmp_item);
	list = json_array();
	for (i = 0; i < it.n; i++)
		json_array_append_new(list, it.v[i].json);
	free(it.v);
	return reply_json(r, 200, json_pack("{s:o, s:o, s:s, s:o}", "from",
					    json_instant(from, it.z), "to", json_instant(to, it.z),
					    "timezone", tz_name(it.z), "items", list));
fail:
	for (i = 0; i < it.n; i++)
		json_decref(it.v[i].json);
	free(it.v);
	return -1;
}
