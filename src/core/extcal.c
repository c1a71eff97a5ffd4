#include "core/extcal.h"

#include <assert.h>
#include <ctype.h>
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/extcal_int.h"
#include "core/ical_time.h"
#include "util/mem.h"

#define DAY ((int64_t)86400)
/* More than a zone's offset changes at one transition: wall times this far beyond the
 * window's own (in the event's zone) hold every occurrence that may overlap it. */
#define WALL_SLACK (6 * 3600)
/* Longest event length read (about 1,000 years): keeps the arithmetic far from overflow. */
#define MAX_LEN_DAYS 365000

/* One occurrence: its wall time in the event's zone and its UTC span. */
struct occ {
	int64_t wall;
	int64_t start, end;
};

struct i64s {
	int64_t *v;
	size_t n, cap;
};

/* A VEVENT of the document, for grouping masters with their overrides. */
struct rec {
	icalcomponent *c;
	icalcomponent *cal;
	const char *uid;  /* NULL: no UID, a group of its own */
	bool is_override; /* has a RECURRENCE-ID */
	size_t seq;
};

/* A VEVENT's start, zone and length. */
struct ev {
	icalcomponent *c;
	icalcomponent *cal;
	struct extcal_zone zone;
	bool allday;
	int64_t start_wall;
	int64_t start_utc;
	int64_t len_days; /* nominal days, added to the wall time */
	int64_t len_sec;  /* exact seconds, added to the instant */
};

struct ctx {
	struct extcal_result *r;
	const struct extcal_opts *o;
	struct extcal_zone owner, utc;
	struct extcal_zones zones;
	struct interval *busy; /* this call's busy occurrences, unsorted */
	size_t nbusy, busy_cap;
	struct occ *occ; /* one event's occurrences */
	size_t nocc, occ_cap;
	struct i64s ex_wall, ex_utc, ex_day, rids;
	struct extcal_walls walls; /* one rule's starts */
	int64_t stop_cpu_ns;
	bool stopped; /* cap or budget reached: no more occurrences */
};

static bool out_of_budget(struct ctx *x)
{
	if (!x->stopped && extcal_cpu_ns() > x->stop_cpu_ns) {
		x->stopped = true;
		x->r->truncated = true;
	}
	return x->stopped;
}

static void i64s_push(struct i64s *a, int64_t v)
{
	xgrow((void **)&a->v, &a->cap, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void i64s_sort(struct i64s *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmp_i64);
}

static bool i64s_has(const struct i64s *a, int64_t v)
{
	return a->n && bsearch(&v, a->v, a->n, sizeof(*a->v), cmp_i64);
}

static bool zone_same(const struct extcal_zone *a, const struct extcal_zone *b)
{
	return a->tz == b->tz && a->ical == b->ical;
}

/* ---- values ---- */

static bool time_ok(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 || t.month < 1 ||
	    t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month))
		return false;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
			     t.second >= 0 && t.second <= 60);
}

static int64_t date_wall(struct icaltimetype t)
{
	return days_from_civil(t.year, t.month, t.day) * DAY;
}

static int64_t value_wall(struct icaltimetype t)
{
	return t.is_date ? date_wall(t) : ical_wall(t);
}

/* The zone of a DATE-TIME value t of prop: UTC for "…Z", its TZID, else fallback (floating
 * times, dates). */
static struct extcal_zone value_zone(struct ctx *x, icalproperty *prop, struct icaltimetype t,
				     icalcomponent *cal, const struct extcal_zone *fallback)
{
	icalparameter *p;
	const char *tzid;

	if (t.is_date)
		return *fallback;
	if (icaltime_is_utc(t))
		return x->utc;
	p = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
	tzid = p ? icalparameter_get_tzid(p) : NULL;
	if (tzid && *tzid)
		return extcal_zones_get(&x->zones, tzid, cal);
	return *fallback;
}

/* ---- events ---- */

static bool is_skipped(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY);

	if (p) {
		icalproperty_transp t = icalproperty_get_transp(p);
		if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT)
			return true;
	}
	p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
	return p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

static void read_length(struct ctx *x, struct ev *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev->c, ICAL_DTEND_PROPERTY);
	struct icaltimetype t;

	ev->len_days = ev->allday ? 1 : 0;
	ev->len_sec = 0;
	if (p && time_ok(t = icalproperty_get_dtend(p))) {
		if (ev->allday) {
			int64_t days =
			    floor_div(value_wall(t), DAY) - floor_div(ev->start_wall, DAY);
			if (t.is_date && days > 1)
				ev->len_days = days < MAX_LEN_DAYS ? days : MAX_LEN_DAYS;
		} else {
			struct extcal_zone z = value_zone(x, p, t, ev->cal, &ev->zone);
			int64_t end = extcal_zone_to_utc(&z, value_wall(t));
			if (end > ev->start_utc)
				ev->len_sec = end - ev->start_utc < (int64_t)MAX_LEN_DAYS * DAY
						  ? end - ev->start_utc
						  : (int64_t)MAX_LEN_DAYS * DAY;
		}
		return;
	}
	p = icalcomponent_get_first_property(ev->c, ICAL_DURATION_PROPERTY);
	if (p) {
		struct icaldurationtype d = icalproperty_get_duration(p);
		int64_t days = (int64_t)d.weeks * 7 + d.days;
		int64_t sec = (int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 + d.seconds;

		if (d.is_neg || days > MAX_LEN_DAYS || sec > (int64_t)MAX_LEN_DAYS * DAY)
			return;
		if (ev->allday) {
			days += (sec + DAY - 1) / DAY;
			ev->len_days = days > 1 ? days : 1;
		} else {
			ev->len_days = days;
			ev->len_sec = sec;
		}
	}
}

/* Reads c's DTSTART, zone (a floating or all-day start: the owner's) and length; -1 when
 * it has no usable DTSTART. */
static int ev_read(struct ctx *x, icalcomponent *c, icalcomponent *cal, struct ev *ev)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
	struct icaltimetype t;

	memset(ev, 0, sizeof(*ev));
	ev->c = c;
	ev->cal = cal;
	if (!p || !time_ok(t = icalproperty_get_dtstart(p)))
		return -1;
	ev->allday = t.is_date;
	ev->zone = value_zone(x, p, t, cal, &x->owner);
	ev->start_wall = value_wall(t);
	ev->start_utc = extcal_zone_to_utc(&ev->zone, ev->start_wall);
	read_length(x, ev);
	return 0;
}

/* The span of an occurrence starting at wall (in the event's zone), at start_utc. */
static struct occ occ_at(const struct ev *ev, int64_t wall, int64_t start_utc)
{
	struct occ o = {wall, start_utc, start_utc};

	if (ev->len_days)
		o.end = extcal_zone_to_utc(&ev->zone, wall + ev->len_days * DAY);
	o.end += ev->len_sec;
	return o;
}

/* Keeps o when it overlaps the window (only those count against the cap). */
static void occ_push(struct ctx *x, struct occ o)
{
	if (o.end <= x->o->from || o.start >= x->o->to || o.end <= o.start)
		return;
	xgrow((void **)&x->occ, &x->occ_cap, x->nocc + 1, sizeof(*x->occ));
	x->occ[x->nocc++] = o;
}

/* Adds the occurrence at wall time wall (all-day: its date's midnight). */
static void occ_add_wall(struct ctx *x, const struct ev *ev, int64_t wall)
{
	occ_push(x, occ_at(ev, wall, extcal_zone_to_utc(&ev->zone, wall)));
}

/* The wall times [*lo, *hi) in ev's zone at which an occurrence may start and still overlap
 * the window. */
static void wall_range(const struct ctx *x, const struct ev *ev, int64_t *lo, int64_t *hi)
{
	int64_t len = ev->len_days * DAY + ev->len_sec;

	*lo = extcal_zone_to_wall(&ev->zone, x->o->from) - len - WALL_SLACK;
	*hi = extcal_zone_to_wall(&ev->zone, x->o->to) + WALL_SLACK;
}

/* ---- recurrence ---- */

/* Adds the occurrences of one RRULE of ev. */
static void expand_rrule(struct ctx *x, const struct ev *ev, icalproperty *p)
{
	struct icalrecurrencetype rule = icalproperty_get_rrule(p);
	struct extcal_walls *w = &x->walls;
	size_t used = x->r->occurrences + x->nocc, i;
	enum extcal_walls_end end;
	int64_t hi;

	if (rule.freq == ICAL_NO_RECURRENCE)
		return;
	w->start = ev->start_wall;
	wall_range(x, ev, &w->lo, &hi);
	w->stop = hi - 1;
	if (!icaltime_is_null_time(rule.until)) {
		int64_t until;
		if (!time_ok(rule.until))
			return;
		if (rule.until.is_date)
			until = date_wall(rule.until) + DAY - 1;
		else if (icaltime_is_utc(rule.until))
			until = extcal_zone_to_wall(&ev->zone, ical_wall(rule.until));
		else
			until = ical_wall(rule.until);
		if (until < w->stop)
			w->stop = until;
	}
	w->max = used < EXTCAL_MAX_OCCURRENCES ? EXTCAL_MAX_OCCURRENCES - used : 0;
	w->stop_cpu_ns = x->stop_cpu_ns;
	end = extcal_walls_expand(&rule, w);
	for (i = 0; i < w->n; i++)
		occ_add_wall(x, ev, w->v[i]);
	if (end == EXTCAL_WALLS_DONE)
		return;
	x->r->truncated = true;
	if (end != EXTCAL_WALLS_TOO_FAR)
		x->stopped = true;
}

static void add_rdate(struct ctx *x, const struct ev *ev, icalproperty *p)
{
	struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
	struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
	struct extcal_zone z;
	int64_t start, wall;
	struct occ o;

	if (!time_ok(t))
		return;
	if (ev->allday || t.is_date) {
		wall = ev->allday ? floor_div(value_wall(t), DAY) * DAY : value_wall(t);
		occ_add_wall(x, ev, wall);
		return;
	}
	z = value_zone(x, p, t, ev->cal, &ev->zone);
	start = extcal_zone_to_utc(&z, ical_wall(t));
	wall = zone_same(&z, &ev->zone) ? ical_wall(t) : extcal_zone_to_wall(&ev->zone, start);
	o = occ_at(ev, wall, start);
	if (icaltime_is_null_time(v.time)) {
		if (time_ok(v.period.end))
			o.end = extcal_zone_to_utc(&z, value_wall(v.period.end));
		else
			o.end = start + icaldurationtype_as_int(v.period.duration);
	}
	occ_push(x, o);
}

/* EXDATEs of ev into x->ex_*: dates, wall times in the event's zone, and instants. */
static void read_exdates(struct ctx *x, const struct ev *ev)
{
	icalproperty *p;

	x->ex_wall.n = x->ex_utc.n = x->ex_day.n = 0;
	for (p = icalcomponent_get_first_property(ev->c, ICAL_EXDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev->c, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		struct extcal_zone z;
		int64_t utc;

		if (!time_ok(t))
			continue;
		if (t.is_date) {
			i64s_push(&x->ex_day, floor_div(date_wall(t), DAY));
			continue;
		}
		/* On an all-day event a date-time names its date (some write T000000Z). */
		if (ev->allday)
			i64s_push(&x->ex_day, floor_div(ical_wall(t), DAY));
		z = value_zone(x, p, t, ev->cal, &ev->zone);
		utc = extcal_zone_to_utc(&z, ical_wall(t));
		i64s_push(&x->ex_utc, utc);
		i64s_push(&x->ex_wall, zone_same(&z, &ev->zone)
					   ? ical_wall(t)
					   : extcal_zone_to_wall(&ev->zone, utc));
	}
	i64s_sort(&x->ex_wall);
	i64s_sort(&x->ex_utc);
	i64s_sort(&x->ex_day);
}

static bool excluded(const struct ctx *x, const struct occ *o)
{
	return i64s_has(&x->ex_wall, o->wall) || i64s_has(&x->ex_utc, o->start) ||
	       i64s_has(&x->ex_day, floor_div(o->wall, DAY)) || i64s_has(&x->rids, o->start);
}

/* ---- output ---- */

static bool own_id(const char *uid, char out[64])
{
	size_t n = uid ? strlen(uid) : 0, suffix = strlen(EXTCAL_OWN_SUFFIX);

	if (n <= suffix || n - suffix >= 64 || strcmp(uid + n - suffix, EXTCAL_OWN_SUFFIX))
		return false;
	memcpy(out, uid, n - suffix);
	out[n - suffix] = '\0';
	return true;
}

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end < y->end) - (x->end > y->end); /* longest first */
}

/* Keeps x->occ's occurrences that are not excluded and overlap the window, clipped, as busy
 * time (or as own entries when uid is "<id>@slotd"); then empties the list. */
static void emit(struct ctx *x, const char *uid, bool filter)
{
	struct extcal_result *r = x->r;
	char own[64];
	bool is_own = own_id(uid, own);
	int64_t prev = INT64_MIN;
	size_t i;

	if (x->nocc > 1)
		qsort(x->occ, x->nocc, sizeof(*x->occ), cmp_occ);
	for (i = 0; i < x->nocc; i++) {
		struct occ o = x->occ[i];

		if (o.start == prev)
			continue;
		prev = o.start;
		if (filter && excluded(x, &o))
			continue;
		if (r->occurrences >= EXTCAL_MAX_OCCURRENCES) {
			r->truncated = true;
			x->stopped = true;
			break;
		}
		if (o.start < x->o->from)
			o.start = x->o->from;
		if (o.end > x->o->to)
			o.end = x->o->to;
		r->occurrences++;
		if (is_own) {
			struct extcal_own *w;
			xgrow((void **)&r->own, &r->own_cap, r->nown + 1, sizeof(*r->own));
			w = &r->own[r->nown++];
			memcpy(w->booking_id, own, sizeof(own));
			w->start = o.start;
			w->end = o.end;
		} else {
			xgrow((void **)&x->busy, &x->busy_cap, x->nbusy + 1, sizeof(*x->busy));
			x->busy[x->nbusy].start = o.start;
			x->busy[x->nbusy].end = o.end;
			x->nbusy++;
		}
	}
	x->nocc = 0;
}

/* The master's occurrences: DTSTART, RRULEs and RDATEs, less EXDATEs and the starts that
 * overrides replace (x->rids). */
static void expand_master(struct ctx *x, const struct ev *ev, const char *uid)
{
	icalproperty *p;

	x->nocc = 0;
	occ_push(x, occ_at(ev, ev->start_wall, ev->start_utc));
	for (p = icalcomponent_get_first_property(ev->c, ICAL_RRULE_PROPERTY); p && !x->stopped;
	     p = icalcomponent_get_next_property(ev->c, ICAL_RRULE_PROPERTY))
		expand_rrule(x, ev, p);
	for (p = icalcomponent_get_first_property(ev->c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev->c, ICAL_RDATE_PROPERTY))
		add_rdate(x, ev, p);
	read_exdates(x, ev);
	emit(x, uid, true);
}

/* The instant an override's RECURRENCE-ID names: its own TZID (libical's
 * icalcomponent_get_recurrenceid drops it), else the master's zone. */
static bool rid_instant(struct ctx *x, icalcomponent *c, icalcomponent *cal,
			const struct extcal_zone *master_zone, int64_t *out)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	struct icaltimetype t;
	struct extcal_zone z;

	if (!p || !time_ok(t = icalproperty_get_recurrenceid(p)))
		return false;
	if (t.is_date) {
		*out = extcal_zone_to_utc(&x->owner, date_wall(t));
		return true;
	}
	z = value_zone(x, p, t, cal, master_zone);
	*out = extcal_zone_to_utc(&z, ical_wall(t));
	return true;
}

/* One UID's VEVENTs (g[0..n), masters first): the overrides replace or remove the
 * masters' occurrences they name and add their own. */
static void add_group(struct ctx *x, struct rec *g, size_t n)
{
	struct ev master, ev;
	bool have_master = false;
	char own[64];
	bool is_own = own_id(g[0].uid, own);
	size_t i;

	x->rids.n = 0;
	for (i = 0; i < n && !g[i].is_override; i++)
		if (!have_master && !ev_read(x, g[i].c, g[i].cal, &master))
			have_master = true;
	for (i = 0; i < n; i++) {
		int64_t rid;
		if (!g[i].is_override ||
		    !rid_instant(x, g[i].c, g[i].cal, have_master ? &master.zone : &x->owner, &rid))
			continue;
		i64s_push(&x->rids, rid);
	}
	i64s_sort(&x->rids);
	for (i = 0; i < n; i++) {
		bool skip = is_skipped(g[i].c);

		if (x->stopped || out_of_budget(x))
			return;
		if (skip) {
			x->r->skipped++;
			continue;
		}
		if (ev_read(x, g[i].c, g[i].cal, &ev))
			continue;
		if (!is_own)
			x->r->events++;
		if (g[i].is_override) {
			x->nocc = 0;
			occ_push(x, occ_at(&ev, ev.start_wall, ev.start_utc));
			emit(x, g[i].uid, false);
		} else {
			expand_master(x, &ev, g[i].uid);
		}
	}
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c;

	if (!x->uid || !y->uid) {
		if (x->uid != y->uid)
			return x->uid ? 1 : -1;
		return (x->seq > y->seq) - (x->seq < y->seq);
	}
	c = strcmp(x->uid, y->uid);
	if (c)
		return c;
	if (x->is_override != y->is_override)
		return x->is_override ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void collect(icalcomponent *cal, struct rec **v, size_t *n, size_t *cap)
{
	icalcomponent *c;

	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(c);
		struct rec *rc;

		xgrow((void **)v, cap, *n + 1, sizeof(**v));
		rc = &(*v)[*n];
		rc->c = c;
		rc->cal = cal;
		rc->uid = uid && *uid ? uid : NULL;
		rc->is_override = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
		rc->seq = (*n)++;
	}
}

static int cmp_interval(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;

	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end > y->end) - (x->end < y->end);
}

/* Merges add[0..n) (unsorted, overlapping) into the set s in one pass. */
static void merge_into(struct interval_set *s, struct interval *add, size_t n)
{
	struct interval *out;
	size_t i = 0, j = 0, k = 0, total = s->n + n;

	if (!n)
		return;
	qsort(add, n, sizeof(*add), cmp_interval);
	out = xmalloc(total * sizeof(*out));
	while (i < s->n || j < n) {
		struct interval next =
		    j == n || (i < s->n && s->v[i].start <= add[j].start) ? s->v[i++] : add[j++];
		if (k && next.start <= out[k - 1].end) {
			if (next.end > out[k - 1].end)
				out[k - 1].end = next.end;
		} else {
			out[k++] = next;
		}
	}
	free(s->v);
	s->v = out;
	s->n = k;
	s->cap = total;
}

/* The VCALENDARs at the top of a parsed text: root itself or the children of libical's
 * XROOT wrapper for several. */
static size_t calendars(icalcomponent *root, icalcomponent ***out)
{
	icalcomponent *c;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!root)
		return 0;
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		*out = xmalloc(sizeof(**out));
		(*out)[0] = root;
		return 1;
	}
	if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)
		return 0;
	for (c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
	     c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
		xgrow((void **)out, &cap, n + 1, sizeof(**out));
		(*out)[n++] = c;
	}
	return n;
}

/* True when text holds word (upper case), in any case. */
static bool mentions(const char *text, const char *word)
{
	size_t n = strlen(word), i;
	const char *s;

	for (s = text; *s; s++) {
		for (i = 0; i < n && toupper((unsigned char)s[i]) == word[i]; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

void extcal_result_init(struct extcal_result *r)
{
	memset(r, 0, sizeof(*r));
	interval_set_init(&r->busy);
}

void extcal_result_release(struct extcal_result *r)
{
	interval_set_release(&r->busy);
	free(r->own);
	extcal_result_init(r);
}

static void ctx_release(struct ctx *x)
{
	extcal_zones_release(&x->zones);
	free(x->busy);
	free(x->occ);
	free(x->ex_wall.v);
	free(x->ex_utc.v);
	free(x->ex_day.v);
	free(x->rids.v);
	free(x->walls.v);
}

int extcal_add(struct extcal_result *r, const char *text, size_t len, const struct extcal_opts *o,
	       struct err *e)
{
	int64_t t0 = extcal_cpu_ns();
	char *copy = xmalloc(len + 1);
	icalcomponent *root, **cals;
	struct rec *recs = NULL;
	size_t ncal, nrec = 0, rec_cap = 0, i, j;
	struct ctx x;
	int ret = 0;

	assert(o && o->db && o->owner_tz);
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = icalparser_parse_string(copy);
	ncal = calendars(root, &cals);
	if (!ncal) {
		if (!mentions(copy, "BEGIN:VCALENDAR"))
			ret = err_set(e, ERR_INVALID, "not an iCalendar document");
		else if (!mentions(copy, "END:VCALENDAR"))
			ret = err_set(e, ERR_INVALID,
				      "the iCalendar document ends before END:VCALENDAR");
		else
			ret = err_set(e, ERR_INVALID, "the iCalendar document cannot be read");
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.o = o;
	x.owner.tz = o->owner_tz;
	x.utc.tz = tz_db_get(o->db, "UTC");
	extcal_zones_init(&x.zones, o->db, o->owner_tz);
	x.stop_cpu_ns = t0 + (EXTCAL_BUDGET_NS - r->cpu_ns);
	x.stopped = r->truncated &&
		    (r->occurrences >= EXTCAL_MAX_OCCURRENCES || r->cpu_ns >= EXTCAL_BUDGET_NS);
	for (i = 0; i < ncal; i++)
		collect(cals[i], &recs, &nrec, &rec_cap);
	if (nrec > 1)
		qsort(recs, nrec, sizeof(*recs), cmp_rec);
	for (i = 0; i < nrec && !x.stopped; i = j) {
		for (j = i + 1;
		     j < nrec && recs[i].uid && recs[j].uid && !strcmp(recs[i].uid, recs[j].uid);
		     j++)
			;
		add_group(&x, &recs[i], j - i);
	}
	merge_into(&r->busy, x.busy, x.nbusy);
	ctx_release(&x);
out:
	free(recs);
	free(cals);
	if (root)
		icalcomponent_free(root);
	free(copy);
	r->cpu_ns += extcal_cpu_ns() - t0;
	return ret;
}
