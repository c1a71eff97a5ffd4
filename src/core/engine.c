#include "core/engine.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/expand.h"
#include "util/buf.h"
#include "util/ids.h"

static void interval_set_release_cb(void *p)
{
	interval_set_release(p);
}

static struct interval_set *arena_set(struct arena *a)
{
	struct interval_set *s = arena_alloc(a, sizeof(*s));

	interval_set_init(s);
	arena_on_free(a, interval_set_release_cb, s);
	return s;
}

static int cmp_instant(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Marks the intervals of h reserved for services other than svc_id as excluded (none when
 * svc_id is NULL: open time for any service). */
static void exclude_other_services(struct day_hours *h, const char *svc_id)
{
	size_t i;

	h->excluded = 0;
	for (i = 0; i < h->n; i++)
		if (day_hours_services(h, i) && svc_id &&
		    !service_set_has(day_hours_services(h, i), svc_id))
			h->excluded |= (uint16_t)(1u << i);
}

/* The days of template t: 7 per week of its cycle. */
static size_t template_days(const struct week_template *t)
{
	return t->weeks > 1 && t->more ? (size_t)t->weeks * 7 : 7;
}

static const struct day_hours *template_day_at(const struct week_template *t, size_t d)
{
	return d < 7 ? &t->day[d] : &t->more[d - 7];
}

/* True when some interval of t is reserved for particular services. */
static bool template_reserved(const struct week_template *t)
{
	size_t d, i;

	for (d = 0; d < template_days(t); d++) {
		const struct day_hours *h = template_day_at(t, d);
		for (i = 0; i < h->n; i++)
			if (day_hours_services(h, i))
				return true;
	}
	return false;
}

void engine_prefetch(const struct avail_bundle *b)
{
	size_t i, off;

	for (i = 0; i < b->nversions && i < 2; i++)
		for (off = 0; off < sizeof(b->versions[i]); off += 64)
			__builtin_prefetch((const char *)&b->versions[i] + off);
}

bool engine_versions_reserved(const struct week_template *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (template_reserved(&v[i]))
			return true;
	return false;
}

/* b's templates for a query of svc_id: as stored, or, when some interval is reserved for
 * particular services, copies with those reserved for others excluded. */
static const struct week_template *templates_for(struct avail_bundle *b, const char *svc_id,
						 struct arena *a)
{
	struct week_template *v;
	size_t i, d, ndays;

	/* Known from the cache entry, whose versions were looked at once when it was read. */
	if (!svc_id || b->versions_for_all || !engine_versions_reserved(b->versions, b->nversions))
		return b->versions;
	v = arena_alloc(a, b->nversions * sizeof(*v));
	memcpy(v, b->versions, b->nversions * sizeof(*v));
	for (i = 0; i < b->nversions; i++) {
		const struct week_template *t = &b->versions[i];
		struct day_hours *more = NULL;
		ndays = template_days(t) - 7;
		if (ndays) {
			more = arena_alloc(a, ndays * sizeof(*more));
			memcpy(more, t->more, ndays * sizeof(*more));
			v[i].more = more;
		}
		for (d = 0; d < 7 + ndays; d++)
			exclude_other_services(d < 7 ? &v[i].day[d] : &more[d - 7], svc_id);
	}
	return v;
}

/* The overrides of b as the engine resolves them: dated ones as stored, recurring ones one
 * per date they fall on in b's dates. A date that several recurring overrides fall on keeps
 * only the last of them (the one resolution would pick among equals), so resolving a date
 * scans at most one recurring override per date however many rules are stored. Input order
 * is kept, since ties between equally narrow overrides go to the later one. */
static int build_overrides(struct avail_bundle *b, struct expand *x, size_t span,
			   const char *svc_id, struct arena *a, struct err *e)
{
	int32_t *last;
	struct date_override *ov;
	const int64_t *days;
	size_t i, j, n, k = 0, dated = 0;

	if (!b->noverrides) {
		/* Most providers have none: no room per date made (and zeroed) for nothing. */
		b->input.overrides = NULL;
		b->input.noverrides = 0;
		return 0;
	}
	last = arena_alloc(a, (span + 1) * sizeof(*last));
	for (j = 0; j < span; j++)
		last[j] = -1;
	for (i = 0; i < b->noverrides; i++) {
		if (!*b->overrides[i].rrule) {
			dated++;
			continue;
		}
		if (expand_override(x, &b->overrides[i], b->from_day, b->to_day, &days, &n, e))
			return -1;
		for (j = 0; j < n; j++)
			last[days[j] - b->from_day] = (int32_t)i;
	}
	ov = arena_alloc(a, (dated + span + 1) * sizeof(*ov));
	for (i = 0; i < b->noverrides; i++) {
		const struct override_rec *r = &b->overrides[i];
		struct date_override one = r->ov;
		exclude_other_services(&one.hours, svc_id);
		if (!*r->rrule) {
			ov[k++] = one;
			continue;
		}
		/* From the memo: the same dates as above. */
		if (expand_override(x, r, b->from_day, b->to_day, &days, &n, e))
			return -1;
		for (j = 0; j < n; j++) {
			if (last[days[j] - b->from_day] != (int32_t)i)
				continue;
			ov[k] = one;
			ov[k].from_day = ov[k].to_day = days[j];
			k++;
		}
	}
	b->input.overrides = ov;
	b->input.noverrides = k;
	return 0;
}

/* The holidays of b, one per date of b's dates that one falls on: the first of them in
 * input order, which is the one resolution names. */
static int build_holidays(struct avail_bundle *b, struct expand *x, size_t span,
			  struct arena *a, struct err *e)
{
	const struct holiday_rec **first = arena_alloc(a, (span + 1) * sizeof(*first));
	const struct holiday_rec *all = b->shared_holidays, *own = b->holidays;
	size_t nall = b->nshared_holidays, nown = b->nholidays, i = 0, j = 0, k = 0, d, n;
	struct holiday *hol;
	const int64_t *days;

	for (d = 0; d < span; d++)
		first[d] = NULL;
	/* The shared list and the provider's own merged by id, as one list, without a copy of
	 * the shared one per provider. */
	while (i < nall || j < nown) {
		const struct holiday_rec *h =
			j == nown || (i < nall && strcmp(all[i].id, own[j].id) < 0) ? &all[i++]
										   : &own[j++];
		if (expand_holiday(x, h, b->from_day, b->to_day, &days, &n, e))
			return -1;
		for (d = 0; d < n; d++)
			if (!first[days[d] - b->from_day])
				first[days[d] - b->from_day] = h;
	}
	hol = arena_alloc(a, (span + 1) * sizeof(*hol));
	for (d = 0; d < span; d++)
		if (first[d])
			hol[k++] = (struct holiday){b->from_day + (int64_t)d, false, first[d]->name};
	b->input.holidays = hol;
	b->input.nholidays = k;
	return 0;
}

/* The availability input of b: templates, overrides, holidays, time off and vacation, for
 * a query of service svc_id (NULL: any service). */
static int build_input(struct avail_bundle *b, const struct tz *z, struct expand *x,
		       const char *svc_id, struct arena *a, struct err *e)
{
	size_t span = b->to_day >= b->from_day ? (size_t)(b->to_day - b->from_day + 1) : 0;
	size_t i;

	memset(&b->input, 0, sizeof(b->input));
	b->input.tz = z;
	b->input.templates = templates_for(b, svc_id, a);
	b->input.ntemplates = b->nversions;
	if (build_overrides(b, x, span, svc_id, a, e) || build_holidays(b, x, span, a, e))
		return -1;
	if (b->ntime_off) {
		struct interval *iv = arena_alloc(a, b->ntime_off * sizeof(*iv));
		for (i = 0; i < b->ntime_off; i++)
			iv[i] = b->time_off[i].span;
		b->input.time_off = iv;
		b->input.ntime_off = b->ntime_off;
	}
	b->input.vacation = b->provider.vacation;
	return 0;
}

bool business_exempt(const struct business_bundle *bb, const char *provider_id)
{
	size_t i;

	for (i = 0; i < bb->nexempt; i++)
		if (!strcmp(bb->exempt[i], provider_id))
			return true;
	return false;
}

/* The business open time of bb over its dates, worked out once per request: its versions,
 * overrides and holidays resolved in the business zone like a provider's. */
static int business_open(struct business_bundle *bb, struct tz_db *db, struct expand *x,
			 struct arena *a, struct err *e)
{
	const struct tz *z = tz_db_get(db, bb->timezone);
	struct avail_bundle *t;

	if (bb->open)
		return 0;
	if (!z)
		return err_set(e, ERR_INTERNAL, "business hours have unknown zone %s", bb->timezone);
	t = arena_alloc(a, sizeof(*t));
	memset(t, 0, sizeof(*t));
	t->versions = bb->schedule.v;
	t->nversions = bb->schedule.n;
	t->overrides = bb->overrides;
	t->noverrides = bb->noverrides;
	t->holidays = bb->holidays;
	t->nholidays = bb->nholidays;
	t->from_day = bb->from_day;
	t->to_day = bb->to_day;
	if (build_input(t, z, x, NULL, a, e))
		return -1;
	bb->open = arena_set(a);
	avail_open_time(&t->input, bb->from_day, bb->to_day, bb->open);
	return 0;
}

/* b's availability input in its provider's zone (b->input), for a query of service svc_id
 * (NULL: any service). */
static int prepare_input(struct avail_bundle *b, struct tz_db *db, const char *svc_id,
			 struct arena *a, struct err *e)
{
	const struct tz *z = tz_db_get(db, b->provider.timezone);
	struct expand *x = b->expand ? b->expand : expand_new(a, 0);

	if (!z)
		return err_set(e, ERR_INTERNAL, "provider %s has unknown zone %s", b->provider.id,
			       b->provider.timezone);
	if (expand_check(x, e) || build_input(b, z, x, svc_id, a, e))
		return -1;
	if (b->business && !business_exempt(b->business, b->provider.id)) {
		if (business_open(b->business, db, x, a, e))
			return -1;
		b->input.business = b->business->open;
	}
	return 0;
}

int engine_prepare(struct avail_bundle *b, struct tz_db *db, const struct service *svc,
		   uint32_t index, struct arena *a, struct slot_provider *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (prepare_input(b, db, svc->id, a, e))
		return -1;
	out->avail = &b->input;
	out->index = index;
	out->max_per_day = b->provider.max_per_day;
	out->max_consecutive = b->provider.max_consecutive;
	if (b->nbooked) {
		struct interval_set *busy = arena_set(a), *held = arena_set(a);
		struct seat_use *seats = arena_alloc(a, b->nbooked * sizeof(*seats));
		int64_t *starts = arena_alloc(a, b->nbooked * sizeof(*starts));
		struct interval *blocks = arena_alloc(a, b->nbooked * sizeof(*blocks));
		size_t i;
		out->nseats = booking_busy_build(b->booked, b->nbooked, svc->id, svc->capacity, busy,
						 held, seats);
		out->seats = seats;
		out->busy = busy;
		out->held = held->n ? held : NULL;
		/* Commitments come ordered by blocked start. */
		for (i = 0; i < b->nbooked; i++) {
			starts[i] = b->booked[i].start;
			blocks[i].start = b->booked[i].block_start;
			blocks[i].end = b->booked[i].block_end;
		}
		qsort(starts, b->nbooked, sizeof(*starts), cmp_instant);
		out->booked_starts = starts;
		out->booked_blocks = blocks;
		out->nbooked = b->nbooked;
	}
	if (b->nentries) {
		struct interval_set *occupied = arena_set(a);
		if (entry_busy_add(b->entries, b->nentries, db, b->provider.id, b->from, b->to, a,
				   occupied, e))
			return -1;
		out->entries = occupied->n ? occupied : NULL;
	}
	if (b->nexternal) {
		struct interval_set *ext = arena_set(a);
		size_t i;
		for (i = 0; i < b->nexternal; i++)
			interval_set_add(ext, b->external[i].start, b->external[i].end);
		out->external = ext;
		out->external_v = b->external;
		out->nexternal = b->nexternal;
	}
	return 0;
}

int engine_open_time(struct avail_bundle *b, struct tz_db *db, struct arena *a,
		     struct interval_set *open, struct interval_set *entries, struct err *e)
{
	interval_set_clear(open);
	interval_set_clear(entries);
	if (prepare_input(b, db, NULL, a, e))
		return -1;
	avail_open_time(&b->input, b->from_day, b->to_day, open);
	return entry_busy_add(b->entries, b->nentries, db, b->provider.id, b->from, b->to, a,
			      entries, e);
}

int engine_explain(struct avail_bundle *b, struct tz_db *db, const struct service *svc,
		   int64_t start, int64_t now, struct arena *a, struct slot_explanation *x,
		   struct err *e)
{
	struct service_rules rules = service_rules_for(svc, b->provider.id);
	struct slot_query q = {&rules, now, 0, 0};
	struct slot_scratch scratch;
	struct slot_provider p;

	if (engine_prepare(b, db, svc, 0, a, &p, e))
		return -1;
	slot_scratch_init(&scratch);
	slots_explain(&q, &p, start, &scratch, x);
	slot_scratch_release(&scratch);
	return 0;
}

/* The reasons as the problem's "reasons" member: [{"code": …, "holiday": …}] in bit order. */
static void attach_reasons(struct err *e, unsigned reasons, const struct holiday *h,
			   const char *calendar)
{
	struct buf b;
	unsigned bit;
	bool first = true;

	buf_init(&b, sizeof(e->ext_json) - 1);
	buf_addc(&b, '[');
	for (bit = 1; bit < (1u << SLOT_REASON_COUNT); bit <<= 1) {
		if (!(reasons & bit))
			continue;
		buf_adds(&b, first ? "{\"code\":" : ",{\"code\":");
		buf_add_json_str(&b, slot_reason_name(bit));
		if (bit == REASON_HOLIDAY && h) {
			buf_adds(&b, ",\"holiday\":");
			buf_add_json_str(&b, h->name);
		}
		if (bit == REASON_EXTERNAL && calendar) {
			buf_adds(&b, ",\"calendar\":");
			buf_add_json_str(&b, calendar);
		}
		buf_addc(&b, '}');
		first = false;
	}
	buf_addc(&b, ']');
	if (!b.failed) {
		snprintf(e->ext_name, sizeof(e->ext_name), "reasons");
		snprintf(e->ext_json, sizeof(e->ext_json), "%s", b.ptr);
	}
	buf_release(&b);
}

int engine_not_bookable(struct err *e, unsigned reasons, const struct holiday *holiday,
			const char *calendar)
{
	if (reasons && !(reasons & ~(unsigned)(REASON_BUSY | REASON_HELD)))
		return err_set(e, ERR_SLOT_TAKEN, "%s",
			       reasons & REASON_BUSY ? "that time is already booked"
						     : "that time is held for someone else");
	err_set(e, ERR_UNAVAILABLE, "that time cannot be booked");
	attach_reasons(e, reasons, holiday, calendar);
	return -1;
}

/* Commitments of a bundle starting on local date day. */
static int bookings_on(const struct avail_bundle *b, int64_t day)
{
	int count = 0;
	size_t i;

	for (i = 0; i < b->nbooked; i++)
		if (floor_div(tz_to_wall(b->input.tz, b->booked[i].start), 86400) == day)
			count++;
	return count;
}

/* Providers a pick judges before it indexes the service's offers by provider. Sorting them
 * costs as much as scanning them for a few dozen providers (10,000 providers with own terms:
 * 3-5 ms a request, measured end to end; more on a loaded machine), so a pick of one
 * provider, or one settled by one of the first providers judged, looks each one's terms up
 * by service_rules_for; past these, the index. */
#define PICK_SCAN_MAX 32

void engine_pick_begin(struct engine_pick *pk, const struct service *svc, int64_t start,
		       int64_t now, struct arena *keep)
{
	memset(pk, 0, sizeof(*pk));
	pk->svc = svc;
	pk->start = start;
	pk->now = now;
	pk->keep = keep;
	pk->best = -1;
	pk->best_day = INT_MAX;
	pk->best_near = INT_MAX;
}

int engine_pick_add(struct engine_pick *pk, struct avail_bundle *b, size_t n, struct tz_db *db,
		    struct arena *a, struct err *e)
{
	const struct service *svc = pk->svc;
	struct service_rules rules = service_rules_of(svc);
	struct slot_query q = {&rules, pk->now, 0, 0};
	struct slot_scratch scratch;
	const struct holiday *holiday = NULL;
	const char *calendar = NULL;
	size_t i;
	int rc = 0;

	slot_scratch_init(&scratch);
	for (i = 0; i < n; i++, pk->seen++) {
		struct slot_explanation x;
		struct slot_provider p;
		int day_count;
		/* Each provider with its own duration for the service: looked up in the service
		 * for the first ones, then (built once, in keep) through the index, since a scan
		 * per provider is quadratic over a service of thousands. */
		if (pk->seen == PICK_SCAN_MAX)
			offer_index_build(svc, pk->keep, &pk->offers);
		rules = pk->seen < PICK_SCAN_MAX
				? service_rules_for(svc, b[i].provider.id)
				: service_rules_indexed(svc, &pk->offers, b[i].provider.id);
		if (engine_prepare(&b[i], db, svc, (uint32_t)pk->seen, a, &p, e)) {
			rc = -1;
			break;
		}
		slots_explain(&q, &p, pk->start, &scratch, &x);
		if (!x.bookable) {
			/* Taken for one provider wins over unavailable for another. */
			if (x.reasons & ~(unsigned)(REASON_BUSY | REASON_HELD))
				pk->reasons |= x.reasons;
			else
				pk->taken = x.reasons;
			if (x.holiday)
				holiday = x.holiday;
			if (x.calendar)
				calendar = x.calendar;
			continue;
		}
		day_count = bookings_on(&b[i],
					floor_div(tz_to_wall(b[i].input.tz, pk->start), 86400));
		if (day_count < pk->best_day ||
		    (day_count == pk->best_day && (int)b[i].nbooked < pk->best_near)) {
			pk->best = (int)pk->seen;
			pk->best_day = day_count;
			pk->best_near = (int)b[i].nbooked;
			memcpy(pk->provider_id, b[i].provider.id, ID_MAX);
			pk->auto_confirm = b[i].provider.auto_confirm;
			pk->zone = b[i].input.tz;
			if (engine_pick_settled(pk)) {
				pk->seen++;
				break;
			}
		}
	}
	slot_scratch_release(&scratch);
	/* The last named of this chunk, kept beyond its memory. */
	if (holiday) {
		pk->holiday = *holiday;
		pk->holiday.name = holiday->name ? arena_strdup(pk->keep, holiday->name) : NULL;
		pk->has_holiday = true;
	}
	if (calendar)
		pk->calendar = arena_strdup(pk->keep, calendar);
	return rc;
}

bool engine_pick_settled(const struct engine_pick *pk)
{
	return pk->best >= 0 && pk->best_day == 0 && pk->best_near == 0;
}

int engine_pick_end(struct engine_pick *pk, struct booking *bk, struct err *e)
{
	const struct service *svc = pk->svc;

	if (pk->seen == 0)
		return err_field(e, "/provider_id", "no provider of this service can be booked");
	if (pk->best < 0)
		return engine_not_bookable(e, pk->taken ? pk->taken : pk->reasons,
					   pk->has_holiday ? &pk->holiday : NULL, pk->calendar);
	memcpy(bk->provider_id, pk->provider_id, ID_MAX);
	memcpy(bk->service_id, svc->id, ID_MAX);
	bk->start = pk->start;
	bk->end = pk->start + (int64_t)service_duration_for(svc, pk->provider_id) * 60;
	bk->block_start = bk->start - (int64_t)svc->buffer_before_min * 60;
	bk->block_end = bk->end + (int64_t)svc->buffer_after_min * 60;
	bk->capacity = svc->capacity;
	bk->status = pk->auto_confirm && !svc->requires_approval ? BOOKING_CONFIRMED
								  : BOOKING_PENDING;
	/* Both are price arrays of this size: the provider's own or the service's. */
	memcpy(bk->price, service_price_for(svc, pk->provider_id), sizeof(bk->price));
	memcpy(bk->currency, svc->currency, sizeof(bk->currency));
	id_new(bk->id, "bkg");
	bk->version = 1;
	bk->created_at = bk->updated_at = pk->now;
	return pk->best;
}

int engine_pick(struct avail_bundle *b, size_t n, struct tz_db *db, const struct service *svc,
		int64_t start, int64_t now, struct arena *a, struct booking *bk, struct err *e)
{
	struct engine_pick pk;

	engine_pick_begin(&pk, svc, start, now, a);
	if (engine_pick_add(&pk, b, n, db, a, e))
		return -1;
	return engine_pick_end(&pk, bk, e);
}

void bundle_drop_time(struct avail_bundle *b, bool held, int64_t start, int64_t block_start,
		      int64_t block_end, const char *service_id)
{
	size_t i;

	for (i = 0; i < b->nbooked; i++) {
		struct booked_time *t = &b->booked[i];
		if (t->held == held && t->start == start && t->block_start == block_start &&
		    t->block_end == block_end && !strcmp(t->service_id, service_id)) {
			memmove(t, t + 1, (b->nbooked - i - 1) * sizeof(*t));
			b->nbooked--;
			return;
		}
	}
}

void bundle_add_hold(struct avail_bundle *b, const struct hold *h, struct arena *a)
{
	struct booked_time *v = arena_alloc(a, (b->nbooked + 1) * sizeof(*v));
	size_t i = 0, k = 0;

	while (i < b->nbooked && b->booked[i].block_start <= h->block_start)
		v[k++] = b->booked[i++];
	v[k].start = h->start;
	v[k].block_start = h->block_start;
	v[k].block_end = h->block_end;
	memcpy(v[k].service_id, h->service_id, ID_MAX);
	v[k].held = true;
	k++;
	while (i < b->nbooked)
		v[k++] = b->booked[i++];
	b->booked = v;
	b->nbooked = k;
}

bool waitlist_wants(const struct waitlist_entry *w, int64_t wall, int64_t dur)
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

int engine_offer_more(struct avail_bundle *b, size_t n, struct tz_db *db,
		      const struct service *svc, const struct offer_index *offers,
		      const struct waitlist_entry *w, const struct auth *reach, int64_t from,
		      int64_t to, int64_t now, struct arena *a, struct hold *h, bool *found,
		      struct err *e)
{
	struct service_rules rules = service_rules_of(svc);
	struct slot_query q = {&rules, now, from, to};
	struct slot_scratch scratch;
	struct slot_list list;
	int best = -1;
	size_t i, k;

	slot_scratch_init(&scratch);
	slot_list_init(&list);
	for (i = 0; i < n; i++) {
		struct slot_provider sp;
		if (reach && !auth_covers(reach, b[i].provider.id))
			continue;
		rules = offers ? service_rules_indexed(svc, offers, b[i].provider.id)
			       : service_rules_for(svc, b[i].provider.id);
		if (engine_prepare(&b[i], db, svc, (uint32_t)i, a, &sp, e)) {
			slot_list_release(&list);
			slot_scratch_release(&scratch);
			return -1;
		}
		list.n = 0;
		slots_generate(&q, &sp, &scratch, &list);
		for (k = 0; k < list.n; k++) {
			const struct slot *s = &list.v[k];
			if ((best >= 0 || *found) && s->start >= h->start)
				break;
			if (!waitlist_wants(w, tz_to_wall(b[i].input.tz, s->start), s->end - s->start))
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
	*found = true;
	memcpy(h->provider_id, b[best].provider.id, ID_MAX);
	memcpy(h->service_id, svc->id, ID_MAX);
	h->block_start = h->start - (int64_t)svc->buffer_before_min * 60;
	h->block_end = h->end + (int64_t)svc->buffer_after_min * 60;
	return 1;
}

int engine_offer(struct avail_bundle *b, size_t n, struct tz_db *db, const struct service *svc,
		 const struct waitlist_entry *w, const struct auth *reach, int64_t from,
		 int64_t to, int64_t now, struct arena *a, struct hold *h, struct err *e)
{
	bool found = false;

	return engine_offer_more(b, n, db, svc, NULL, w, reach, from, to, now, a, h, &found, e);
}
