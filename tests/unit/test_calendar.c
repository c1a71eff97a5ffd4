/* Unit tests for core/calendar: the items calendar_add makes of one provider's sources
 * (bookings, entry occurrences, time off, holidays and overrides as whole local dates in the
 * provider's zone, across DST changes), calendar_sort's order, the conflicts of an entry
 * with its assignees' calendars, and the providers those calendars belong to.
 *
 * The provider works in America/New_York; the usual window is the local dates 7-9 March
 * 2026, across the spring-forward change on Sunday the 8th. */
#include <stdio.h>

#include "core/calendar.h"
#include "unit_helpers.h"

#define H 3600LL

static entry_id_t a_and_b[2] = {"prv_a", "prv_b"};
static entry_id_t only_a[1] = {"prv_a"};
static entry_id_t only_b[1] = {"prv_b"};
static entry_id_t only_c[1] = {"prv_c"};
static entry_id_t only_d[1] = {"prv_d"};

static int64_t utc(const char *s)
{
	int64_t t;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

/* Saturday 7 March 00:00 EST up to Tuesday 10 March 00:00 EDT. */
#define FROM utc("2026-03-07T00:00:00-05:00")
#define TO utc("2026-03-10T00:00:00-04:00")

static void source(struct calendar_src *c, const char *id, const char *zone_name)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->provider.id, sizeof(c->provider.id), "%s", id);
	snprintf(c->provider.timezone, sizeof(c->provider.timezone), "%s", zone_name);
}

/* A New York series id from start lasting minutes (rule NULL: one-off), assigned to ids. */
static void series(struct entry *en, const char *id, const char *start, int minutes,
		   const char *rule, entry_id_t *ids, size_t n)
{
	const struct tz *z = zone("America/New_York");
	struct err e;

	memset(en, 0, sizeof(*en));
	snprintf(en->id, sizeof(en->id), "%s", id);
	snprintf(en->timezone, sizeof(en->timezone), "America/New_York");
	snprintf(en->f.title, sizeof(en->f.title), "Visit");
	en->f.assignee_ids = ids;
	en->f.nassignees = n;
	en->start = utc(start);
	en->end = en->start + minutes * 60;
	en->version = 1;
	if (rule) {
		err_init(&e);
		en->recurring = true;
		assert_int_equal(recur_parse(rule, tz_to_wall(z, en->start), z, "/rrule", "/start",
					     &en->rule, &e),
				 0);
	}
}

static struct entry_override moved(const struct entry *en, const char *original,
				   const char *start, entry_id_t *ids, size_t n,
				   enum entry_status status)
{
	struct entry_override o;

	memset(&o, 0, sizeof(o));
	o.original_start = utc(original);
	o.start = utc(start);
	o.end = o.start + (en->end - en->start);
	o.f = en->f;
	o.f.assignee_ids = ids;
	o.f.nassignees = n;
	o.f.status = status;
	return o;
}

static void add_items(struct cal_items *it, const struct calendar_src *c, int64_t from,
		      int64_t to, struct arena *a)
{
	struct err e;

	err_init(&e);
	assert_int_equal(calendar_add(it, c, unit_db, from, to, a, &e), 0);
	assert_int_equal(e.code, ERR_OK);
}

static size_t count_kind(const struct cal_items *it, enum cal_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < it->n; i++)
		n += it->v[i].kind == k;
	return n;
}

/* The item of kind k and id whose start is start, or NULL. */
static const struct cal_item *find(const struct cal_items *it, enum cal_kind k, const char *id,
				   int64_t start)
{
	size_t i;

	for (i = 0; i < it->n; i++)
		if (it->v[i].kind == k && !strcmp(it->v[i].id, id) && it->v[i].start == start)
			return &it->v[i];
	return NULL;
}

/* ---- calendar_add ---- */

static void bookings_become_items(void **state)
{
	struct cal_items it = {0};
	struct calendar_src c;
	struct booking bk[2];
	const struct cal_item *x;

	source(&c, "prv_a", "America/New_York");
	memset(bk, 0, sizeof(bk));
	snprintf(bk[0].id, sizeof(bk[0].id), "bkg_1");
	bk[0].start = utc("2026-03-07T10:00:00-05:00");
	bk[0].end = bk[0].start + H;
	snprintf(bk[1].id, sizeof(bk[1].id), "bkg_2");
	bk[1].start = utc("2026-03-09T10:00:00-04:00");
	bk[1].end = bk[1].start + 2 * H;
	c.bookings = bk;
	c.nbookings = 2;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 2);
	x = find(&it, CAL_BOOKING, "bkg_2", bk[1].start);
	assert_non_null(x);
	assert_int_equal(x->end, bk[1].end);
	assert_string_equal(x->provider_id, "prv_a");
	assert_ptr_equal(x->booking, &bk[1]);
	assert_int_equal(x->day, AVAIL_DAY_NONE);
	assert_non_null(find(&it, CAL_BOOKING, "bkg_1", bk[0].start));
}

/* External busy time is stored in pieces of at most a day; the view joins the pieces of
 * one calendar that touch (not those of another calendar, nor pieces with a gap), and
 * leaves out what misses the window. */
static void external_busy_pieces_join_per_calendar(void **state)
{
	struct cal_items it = {0};
	struct calendar_src c;
	const int64_t d = utc("2026-03-07T00:00:00Z");
	struct external_busy x[5] = {
		{d - 3 * H, d - 2 * H, "Private", "cal_a"},		/* before the window */
		{d + 12 * H, d + 36 * H, "Private", "cal_a"},		/* joined with the next */
		{d + 12 * H, d + 13 * H, "Family", "cal_b"},
		{d + 36 * H, d + 40 * H, "Private", "cal_a"},
		{d + 41 * H, d + 42 * H, "Private", "cal_a"},		/* a gap: its own item */
	};
	const struct cal_item *v;

	source(&c, "prv_a", "America/New_York");
	c.external = x;
	c.nexternal = 5;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(count_kind(&it, CAL_EXTERNAL), 3);
	v = find(&it, CAL_EXTERNAL, "cal_a", d + 12 * H);
	assert_non_null(v);
	assert_int_equal(v->end, d + 40 * H);
	assert_string_equal(v->external->calendar_name, "Private");
	v = find(&it, CAL_EXTERNAL, "cal_b", d + 12 * H);
	assert_non_null(v);
	assert_int_equal(v->end, d + 13 * H);
	assert_string_equal(v->external->calendar_name, "Family");
	assert_non_null(find(&it, CAL_EXTERNAL, "cal_a", d + 41 * H));
	assert_null(find(&it, CAL_EXTERNAL, "cal_a", d - 3 * H));
	assert_string_equal(cal_kind_name(CAL_EXTERNAL), "external_busy");
}

static void entry_occurrences_of_the_provider(void **state)
{
	struct entry_override ov[3];
	struct cal_items it = {0};
	struct calendar_src c;
	const struct cal_item *x;
	struct entry en;

	series(&en, "ent_e", "2026-03-06T09:00:00-05:00", 60, "FREQ=DAILY", a_and_b, 2);
	/* 6 March moves into the window (18:00 on the 7th); 8 March is cancelled; 9 March is
	 * Bob's alone. */
	ov[0] = moved(&en, "2026-03-06T14:00:00Z", "2026-03-07T18:00:00-05:00", a_and_b, 2,
		      ENTRY_SCHEDULED);
	ov[1] = moved(&en, "2026-03-08T13:00:00Z", "2026-03-08T13:00:00Z", a_and_b, 2,
		      ENTRY_CANCELLED);
	ov[2] = moved(&en, "2026-03-09T13:00:00Z", "2026-03-09T13:00:00Z", only_b, 1,
		      ENTRY_SCHEDULED);
	en.overrides = ov;
	en.noverrides = 3;
	source(&c, "prv_a", "America/New_York");
	c.entries = &en;
	c.nentries = 1;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 2);
	x = find(&it, CAL_ENTRY, "ent_e:20260307T140000Z", utc("2026-03-07T09:00:00-05:00"));
	assert_non_null(x);
	assert_int_equal(x->end, x->start + H);
	assert_ptr_equal(x->entry, &en);
	assert_false(x->occ.overridden);
	assert_string_equal(x->provider_id, "prv_a");
	/* The moved occurrence keeps the id of its original start. */
	x = find(&it, CAL_ENTRY, "ent_e:20260306T140000Z", utc("2026-03-07T18:00:00-05:00"));
	assert_non_null(x);
	assert_true(x->occ.overridden);
	assert_int_equal(x->occ.original_start, utc("2026-03-06T14:00:00Z"));
}

static void entry_occurrences_for_the_other_assignee(void **state)
{
	struct entry_override ov[2];
	struct cal_items it = {0};
	struct calendar_src c;
	struct entry en;

	series(&en, "ent_e", "2026-03-06T09:00:00-05:00", 60, "FREQ=DAILY", a_and_b, 2);
	ov[0] = moved(&en, "2026-03-08T13:00:00Z", "2026-03-08T13:00:00Z", a_and_b, 2,
		      ENTRY_CANCELLED);
	ov[1] = moved(&en, "2026-03-09T13:00:00Z", "2026-03-09T13:00:00Z", only_b, 1,
		      ENTRY_SCHEDULED);
	en.overrides = ov;
	en.noverrides = 2;
	source(&c, "prv_b", "America/New_York");
	c.entries = &en;
	c.nentries = 1;
	add_items(&it, &c, FROM, TO, *state);
	/* 7 and 9 March; the cancelled 8th is left out. */
	assert_int_equal(it.n, 2);
	assert_non_null(find(&it, CAL_ENTRY, "ent_e:20260307T140000Z", utc("2026-03-07T14:00:00Z")));
	assert_non_null(find(&it, CAL_ENTRY, "ent_e:20260309T130000Z", utc("2026-03-09T13:00:00Z")));
	/* Someone else's calendar shows nothing. */
	source(&c, "prv_z", "America/New_York");
	c.entries = &en;
	c.nentries = 1;
	it.n = 0;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 0);
}

static void time_off_meeting_the_window_is_listed(void **state)
{
	struct time_off_rec t[4];
	struct cal_items it = {0};
	struct calendar_src c;
	const struct cal_item *x;

	memset(t, 0, sizeof(t));
	snprintf(t[0].id, sizeof(t[0].id), "tof_across_from");
	t[0].span.start = FROM - 6 * H;
	t[0].span.end = FROM + 5 * H;
	snprintf(t[1].id, sizeof(t[1].id), "tof_ends_at_from");
	t[1].span.start = FROM - 6 * H;
	t[1].span.end = FROM;
	snprintf(t[2].id, sizeof(t[2].id), "tof_starts_at_to");
	t[2].span.start = TO;
	t[2].span.end = TO + 6 * H;
	snprintf(t[3].id, sizeof(t[3].id), "tof_inside");
	t[3].span.start = FROM + 30 * H;
	t[3].span.end = FROM + 32 * H;
	source(&c, "prv_a", "America/New_York");
	c.time_off = t;
	c.ntime_off = 4;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 2);
	/* Listed as recorded (the documented items are those overlapping the window). */
	x = find(&it, CAL_TIME_OFF, "tof_across_from", t[0].span.start);
	assert_non_null(x);
	assert_int_equal(x->end, t[0].span.end);
	assert_ptr_equal(x->time_off, &t[0]);
	x = find(&it, CAL_TIME_OFF, "tof_inside", t[3].span.start);
	assert_non_null(x);
	assert_int_equal(x->end, t[3].span.end);
}

static struct holiday_rec holiday_on_day(const char *id, int64_t day)
{
	struct holiday_rec h;

	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "%s", id);
	snprintf(h.name, sizeof(h.name), "%s", id);
	h.day = day;
	h.until_day = CIVIL_MAX_DAY;
	return h;
}

static void one_off_holiday_is_its_local_day_across_spring_forward(void **state)
{
	struct holiday_rec h[3];
	struct cal_items it = {0};
	struct calendar_src c;
	const struct cal_item *x;

	h[0] = holiday_on_day("hol_dst", days_from_civil(2026, 3, 8));
	h[1] = holiday_on_day("hol_before", days_from_civil(2026, 3, 6));
	h[2] = holiday_on_day("hol_after", days_from_civil(2026, 3, 10));
	source(&c, "prv_a", "America/New_York");
	c.holidays = h;
	c.nholidays = 3;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 1);
	x = &it.v[0];
	assert_int_equal(x->kind, CAL_HOLIDAY);
	assert_string_equal(x->id, "hol_dst");
	/* 23 hours: midnight EST to midnight EDT. */
	assert_int_equal(x->start, utc("2026-03-08T05:00:00Z"));
	assert_int_equal(x->end, utc("2026-03-09T04:00:00Z"));
	assert_int_equal(x->day, days_from_civil(2026, 3, 8));
	assert_ptr_equal(x->holiday, &h[0]);
	assert_string_equal(x->provider_id, "prv_a");
}

static void holiday_is_its_local_day_across_fall_back(void **state)
{
	struct holiday_rec h = holiday_on_day("hol_fall", days_from_civil(2026, 11, 1));
	struct cal_items it = {0};
	struct calendar_src c;

	source(&c, "prv_a", "America/New_York");
	c.holidays = &h;
	c.nholidays = 1;
	add_items(&it, &c, utc("2026-10-31T00:00:00-04:00"), utc("2026-11-03T00:00:00-05:00"),
		  *state);
	assert_int_equal(it.n, 1);
	/* 25 hours: midnight EDT to midnight EST. */
	assert_int_equal(it.v[0].start, utc("2026-11-01T04:00:00Z"));
	assert_int_equal(it.v[0].end, utc("2026-11-02T05:00:00Z"));
}

static void recurring_holiday_one_item_per_date(void **state)
{
	struct holiday_rec h = holiday_on_day("hol_mon", days_from_civil(2026, 3, 2));
	struct cal_items it = {0};
	struct calendar_src c;
	const struct cal_item *x;

	snprintf(h.rrule, sizeof(h.rrule), "FREQ=WEEKLY;BYDAY=MO");
	source(&c, "prv_a", "America/New_York");
	c.holidays = &h;
	c.nholidays = 1;
	/* Local 1-17 March: Mondays 2, 9 and 16 (EST, EDT, EDT). */
	add_items(&it, &c, utc("2026-03-01T00:00:00-05:00"), utc("2026-03-18T00:00:00-04:00"),
		  *state);
	assert_int_equal(it.n, 3);
	assert_non_null(find(&it, CAL_HOLIDAY, "hol_mon", utc("2026-03-02T05:00:00Z")));
	x = find(&it, CAL_HOLIDAY, "hol_mon", utc("2026-03-09T04:00:00Z"));
	assert_non_null(x);
	assert_int_equal(x->end, utc("2026-03-10T04:00:00Z"));
	assert_int_equal(x->day, days_from_civil(2026, 3, 9));
	assert_ptr_equal(x->holiday, &h);
	assert_non_null(find(&it, CAL_HOLIDAY, "hol_mon", utc("2026-03-16T04:00:00Z")));
}

static void yearly_holiday_in_the_providers_zone(void **state)
{
	struct holiday_rec h = holiday_on_day("hol_year", days_from_civil(2020, 3, 8));
	struct cal_items it = {0};
	struct calendar_src c;

	snprintf(h.rrule, sizeof(h.rrule), "FREQ=YEARLY");
	h.yearly = true;
	source(&c, "prv_a", "America/New_York");
	c.holidays = &h;
	c.nholidays = 1;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 1);
	assert_int_equal(it.v[0].start, utc("2026-03-08T05:00:00Z"));
	assert_int_equal(it.v[0].end, utc("2026-03-09T04:00:00Z"));
	assert_int_equal(it.v[0].day, days_from_civil(2026, 3, 8));
}

static void holiday_item_is_the_whole_day_when_the_window_starts_midday(void **state)
{
	struct holiday_rec h = holiday_on_day("hol_sat", days_from_civil(2026, 3, 7));
	struct cal_items it = {0};
	struct calendar_src c;

	source(&c, "prv_a", "America/New_York");
	c.holidays = &h;
	c.nholidays = 1;
	add_items(&it, &c, utc("2026-03-07T12:00:00-05:00"), utc("2026-03-07T13:00:00-05:00"),
		  *state);
	assert_int_equal(it.n, 1);
	assert_int_equal(it.v[0].start, utc("2026-03-07T05:00:00Z"));
	assert_int_equal(it.v[0].end, utc("2026-03-08T05:00:00Z"));
}

static void overrides_one_item_per_date(void **state)
{
	struct override_rec o[2];
	struct cal_items it = {0};
	struct calendar_src c;
	const struct cal_item *x;

	memset(o, 0, sizeof(o));
	/* A range from 5 to 8 March: the window holds the 7th and the 8th. */
	snprintf(o[0].id, sizeof(o[0].id), "ovr_range");
	o[0].ov.from_day = days_from_civil(2026, 3, 5);
	o[0].ov.to_day = days_from_civil(2026, 3, 8);
	/* Daily from 8 March: the 8th and the 9th. */
	snprintf(o[1].id, sizeof(o[1].id), "ovr_daily");
	snprintf(o[1].rrule, sizeof(o[1].rrule), "FREQ=DAILY");
	o[1].ov.from_day = days_from_civil(2026, 3, 8);
	o[1].ov.to_day = CIVIL_MAX_DAY;
	o[1].ov.hours = hours1(10, 0, 12, 0);
	source(&c, "prv_a", "America/New_York");
	c.overrides = o;
	c.noverrides = 2;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 4);
	assert_int_equal(count_kind(&it, CAL_OVERRIDE), 4);
	x = find(&it, CAL_OVERRIDE, "ovr_range", utc("2026-03-07T05:00:00Z"));
	assert_non_null(x);
	assert_int_equal(x->end, utc("2026-03-08T05:00:00Z"));
	assert_int_equal(x->day, days_from_civil(2026, 3, 7));
	assert_ptr_equal(x->override, &o[0]);
	x = find(&it, CAL_OVERRIDE, "ovr_range", utc("2026-03-08T05:00:00Z"));
	assert_non_null(x);
	assert_int_equal(x->end, utc("2026-03-09T04:00:00Z"));
	x = find(&it, CAL_OVERRIDE, "ovr_daily", utc("2026-03-08T05:00:00Z"));
	assert_non_null(x);
	assert_ptr_equal(x->override, &o[1]);
	x = find(&it, CAL_OVERRIDE, "ovr_daily", utc("2026-03-09T04:00:00Z"));
	assert_non_null(x);
	assert_int_equal(x->day, days_from_civil(2026, 3, 9));
}

static void everything_together_and_appended(void **state)
{
	struct holiday_rec h = holiday_on_day("hol_dst", days_from_civil(2026, 3, 8));
	struct cal_items it = {0};
	struct calendar_src c;
	struct booking bk;
	struct entry en;

	memset(&bk, 0, sizeof(bk));
	snprintf(bk.id, sizeof(bk.id), "bkg_1");
	bk.start = utc("2026-03-07T15:00:00Z");
	bk.end = bk.start + H;
	series(&en, "ent_one", "2026-03-09T11:00:00-04:00", 30, NULL, only_a, 1);
	source(&c, "prv_a", "America/New_York");
	c.bookings = &bk;
	c.nbookings = 1;
	c.entries = &en;
	c.nentries = 1;
	c.holidays = &h;
	c.nholidays = 1;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 3);
	/* A second provider's items are appended to the same list. */
	source(&c, "prv_b", "UTC");
	c.bookings = NULL;
	c.nbookings = 0;
	c.entries = NULL;
	c.nentries = 0;
	c.holidays = &h;
	c.nholidays = 1;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 4);
	assert_int_equal(count_kind(&it, CAL_HOLIDAY), 2);
	/* In UTC, 8 March is 24 hours from UTC midnight. */
	assert_non_null(find(&it, CAL_HOLIDAY, "hol_dst", utc("2026-03-08T00:00:00Z")));
	assert_int_equal(find(&it, CAL_HOLIDAY, "hol_dst", utc("2026-03-08T00:00:00Z"))->end,
			 utc("2026-03-09T00:00:00Z"));
	assert_string_equal(find(&it, CAL_HOLIDAY, "hol_dst", utc("2026-03-08T00:00:00Z"))
				    ->provider_id,
			    "prv_b");
	assert_non_null(find(&it, CAL_ENTRY, "ent_one:20260309T150000Z",
			     utc("2026-03-09T15:00:00Z")));
}

static void many_items_grow_the_list(void **state)
{
	struct cal_items it = {0};
	struct calendar_src c;
	struct booking bk[150];
	size_t i;

	memset(bk, 0, sizeof(bk));
	for (i = 0; i < 150; i++) {
		snprintf(bk[i].id, sizeof(bk[i].id), "bkg_%03zu", i);
		bk[i].start = FROM + (int64_t)i * 600;
		bk[i].end = bk[i].start + 600;
	}
	source(&c, "prv_a", "America/New_York");
	c.bookings = bk;
	c.nbookings = 150;
	add_items(&it, &c, FROM, TO, *state);
	assert_int_equal(it.n, 150);
	assert_true(it.cap >= 150);
	for (i = 0; i < 150; i++)
		assert_ptr_equal(it.v[i].booking, &bk[i]);
}

/* ---- calendar_sort ---- */

static void set_item(struct cal_item *x, int64_t start, const char *pid, enum cal_kind k,
		     const char *id)
{
	memset(x, 0, sizeof(*x));
	x->start = start;
	x->end = start + H;
	x->provider_id = pid;
	x->kind = k;
	x->id = id;
}

static void sort_orders_by_start_provider_kind_id(void **state)
{
	struct cal_item v[7];
	struct cal_items it;
	const int64_t t = utc("2026-03-07T10:00:00Z");

	(void)state;
	set_item(&v[0], t + H, "prv_a", CAL_HOLIDAY, "hol_1");
	set_item(&v[1], t, "prv_b", CAL_HOLIDAY, "hol_1");
	set_item(&v[2], t, "prv_a", CAL_ENTRY, "ent_1:x");
	set_item(&v[3], t, "prv_a", CAL_BOOKING, "bkg_2");
	set_item(&v[4], t, "prv_a", CAL_BOOKING, "bkg_1");
	set_item(&v[5], t, "prv_a", CAL_HOLIDAY, "hol_9");
	set_item(&v[6], t - 1, "prv_z", CAL_ENTRY, "ent_z:y");
	it.v = v;
	it.n = 7;
	it.cap = 7;
	calendar_sort(&it);
	assert_string_equal(v[0].id, "ent_z:y");	/* earliest start */
	assert_string_equal(v[1].id, "hol_9");		/* prv_a, holiday */
	assert_string_equal(v[2].id, "bkg_1");		/* prv_a, bookings by id */
	assert_string_equal(v[3].id, "bkg_2");
	assert_string_equal(v[4].id, "ent_1:x");	/* prv_a, entry */
	assert_string_equal(v[5].provider_id, "prv_b");
	assert_int_equal(v[6].start, t + H);
}

static void sort_kind_order_is_holiday_override_time_off_booking_entry(void **state)
{
	struct cal_item v[5];
	struct cal_items it;
	const int64_t t = utc("2026-03-07T10:00:00Z");

	(void)state;
	set_item(&v[0], t, "prv_a", CAL_ENTRY, "a");
	set_item(&v[1], t, "prv_a", CAL_BOOKING, "a");
	set_item(&v[2], t, "prv_a", CAL_TIME_OFF, "a");
	set_item(&v[3], t, "prv_a", CAL_OVERRIDE, "a");
	set_item(&v[4], t, "prv_a", CAL_HOLIDAY, "a");
	it.v = v;
	it.n = 5;
	it.cap = 5;
	calendar_sort(&it);
	assert_int_equal(v[0].kind, CAL_HOLIDAY);
	assert_int_equal(v[1].kind, CAL_OVERRIDE);
	assert_int_equal(v[2].kind, CAL_TIME_OFF);
	assert_int_equal(v[3].kind, CAL_BOOKING);
	assert_int_equal(v[4].kind, CAL_ENTRY);
	assert_string_equal(cal_kind_name(CAL_TIME_OFF), "time_off");
}

static void sort_of_nothing(void **state)
{
	struct cal_items it = {0};

	(void)state;
	calendar_sort(&it);
	assert_int_equal(it.n, 0);
}

/* ---- calendar_conflicts ---- */

static struct booking booking_at(const char *id, const char *start, int minutes)
{
	struct booking b;

	memset(&b, 0, sizeof(b));
	snprintf(b.id, sizeof(b.id), "%s", id);
	b.start = utc(start);
	b.end = b.start + minutes * 60;
	return b;
}

static const struct conflict *conflict_of(const struct conflict *v, size_t n, const char *id,
					  const char *pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].id, id) && !strcmp(v[i].provider_id, pid))
			return &v[i];
	return NULL;
}

static void conflicts_with_bookings_and_other_entries(void **state)
{
	struct booking ba[3], bb[1];
	struct calendar_src cal[2];
	struct conflict out[CONFLICTS_MAX];
	struct entry en, others[4];
	const struct conflict *k;
	struct err e;
	size_t n;

	/* ent_e: 10:00-11:00 New York on 2, 3 and 4 March, for Alice and Bob. */
	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY;COUNT=3", a_and_b, 2);
	/* Alice: a booking overlapping the 3rd, one touching the end of the 2nd, one touching
	 * the start of the 4th. */
	ba[0] = booking_at("bkg_overlap", "2026-03-03T10:30:00-05:00", 60);
	ba[1] = booking_at("bkg_touch", "2026-03-02T11:00:00-05:00", 60);
	ba[2] = booking_at("bkg_touch_start", "2026-03-04T09:00:00-05:00", 60);
	/* Her other entries: ent_f overlaps the 4th; ent_g is cancelled; ent_e itself and
	 * ent_skip are skipped. */
	series(&others[0], "ent_f", "2026-03-04T10:45:00-05:00", 30, NULL, only_a, 1);
	series(&others[1], "ent_g", "2026-03-04T10:00:00-05:00", 60, NULL, only_a, 1);
	others[1].f.status = ENTRY_CANCELLED;
	others[2] = en;
	series(&others[3], "ent_skip", "2026-03-02T10:00:00-05:00", 60, NULL, only_a, 1);
	source(&cal[0], "prv_a", "America/New_York");
	cal[0].bookings = ba;
	cal[0].nbookings = 3;
	cal[0].entries = others;
	cal[0].nentries = 4;
	/* Bob: a booking overlapping the 2nd. */
	bb[0] = booking_at("bkg_bob", "2026-03-02T09:30:00-05:00", 60);
	source(&cal[1], "prv_b", "UTC");
	cal[1].bookings = bb;
	cal[1].nbookings = 1;
	err_init(&e);
	assert_int_equal(calendar_conflicts(&en, unit_db, utc("2026-03-01T00:00:00Z"),
					    utc("2026-03-10T00:00:00Z"), cal, 2, "ent_e",
					    "ent_skip", *state, out, &n, &e),
			 0);
	assert_int_equal(n, 3);
	k = conflict_of(out, n, "bkg_overlap", "prv_a");
	assert_non_null(k);
	assert_int_equal(k->kind, CAL_BOOKING);
	assert_null(k->occurrence_id);
	assert_int_equal(k->start, ba[0].start);
	assert_int_equal(k->end, ba[0].end);
	assert_int_equal(k->occurrence_start, utc("2026-03-03T10:00:00-05:00"));
	k = conflict_of(out, n, "ent_f", "prv_a");
	assert_non_null(k);
	assert_int_equal(k->kind, CAL_ENTRY);
	assert_non_null(k->occurrence_id);
	assert_string_equal(k->occurrence_id, "ent_f:20260304T154500Z");
	assert_int_equal(k->start, utc("2026-03-04T10:45:00-05:00"));
	assert_int_equal(k->end, utc("2026-03-04T11:15:00-05:00"));
	assert_int_equal(k->occurrence_start, utc("2026-03-04T10:00:00-05:00"));
	k = conflict_of(out, n, "bkg_bob", "prv_b");
	assert_non_null(k);
	assert_int_equal(k->occurrence_start, utc("2026-03-02T10:00:00-05:00"));
	assert_null(conflict_of(out, n, "bkg_touch", "prv_a"));
	assert_null(conflict_of(out, n, "bkg_touch_start", "prv_a"));
	assert_null(conflict_of(out, n, "ent_g", "prv_a"));
	assert_null(conflict_of(out, n, "ent_e", "prv_a"));
	assert_null(conflict_of(out, n, "ent_skip", "prv_a"));
}

static void conflicts_follow_each_occurrences_assignees(void **state)
{
	struct entry_override ov[2];
	struct conflict out[CONFLICTS_MAX];
	struct calendar_src cal[1];
	struct booking ba[3];
	struct entry en;
	struct err e;
	size_t n;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY;COUNT=3", a_and_b, 2);
	/* The 3rd is Bob's alone; the 4th is cancelled. */
	ov[0] = moved(&en, "2026-03-03T15:00:00Z", "2026-03-03T15:00:00Z", only_b, 1,
		      ENTRY_SCHEDULED);
	ov[1] = moved(&en, "2026-03-04T15:00:00Z", "2026-03-04T15:00:00Z", a_and_b, 2,
		      ENTRY_CANCELLED);
	en.overrides = ov;
	en.noverrides = 2;
	ba[0] = booking_at("bkg_2", "2026-03-02T10:00:00-05:00", 60);
	ba[1] = booking_at("bkg_3", "2026-03-03T10:00:00-05:00", 60);
	ba[2] = booking_at("bkg_4", "2026-03-04T10:00:00-05:00", 60);
	source(&cal[0], "prv_a", "America/New_York");
	cal[0].bookings = ba;
	cal[0].nbookings = 3;
	err_init(&e);
	assert_int_equal(calendar_conflicts(&en, unit_db, utc("2026-03-01T00:00:00Z"),
					    utc("2026-03-10T00:00:00Z"), cal, 1, "ent_e", NULL,
					    *state, out, &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, "bkg_2");
}

static void conflicts_only_within_the_window(void **state)
{
	struct conflict out[CONFLICTS_MAX];
	struct calendar_src cal[1];
	struct booking ba[2];
	struct entry en;
	struct err e;
	size_t n;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY", a_and_b, 2);
	ba[0] = booking_at("bkg_early", "2026-03-02T10:00:00-05:00", 60);
	ba[1] = booking_at("bkg_in", "2026-03-05T10:00:00-05:00", 60);
	source(&cal[0], "prv_a", "America/New_York");
	cal[0].bookings = ba;
	cal[0].nbookings = 2;
	err_init(&e);
	assert_int_equal(calendar_conflicts(&en, unit_db, utc("2026-03-04T00:00:00Z"),
					    utc("2026-03-06T00:00:00Z"), cal, 1, "ent_e", NULL,
					    *state, out, &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, "bkg_in");
}

static void conflicts_stop_at_the_cap(void **state)
{
	struct conflict *out = test_malloc(CONFLICTS_MAX * sizeof(*out));
	struct booking *ba = test_calloc(150, sizeof(*ba));
	const struct tz *z = zone("America/New_York");
	struct calendar_src cal[1];
	struct entry en;
	struct err e;
	size_t n, i;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY", a_and_b, 2);
	for (i = 0; i < 150; i++) {
		snprintf(ba[i].id, sizeof(ba[i].id), "bkg_%03zu", i);
		ba[i].start = tz_to_utc(z, (days_from_civil(2026, 3, 2) + (int64_t)i) * 86400 +
						   10 * 3600);
		ba[i].end = ba[i].start + 1800;
	}
	source(&cal[0], "prv_a", "America/New_York");
	cal[0].bookings = ba;
	cal[0].nbookings = 150;
	err_init(&e);
	assert_int_equal(calendar_conflicts(&en, unit_db, utc("2026-03-01T00:00:00Z"),
					    utc("2026-09-01T00:00:00Z"), cal, 1, "ent_e", NULL,
					    *state, out, &n, &e),
			 0);
	assert_int_equal(n, CONFLICTS_MAX);
	assert_string_equal(out[0].id, "bkg_000");
	assert_string_equal(out[CONFLICTS_MAX - 1].id, "bkg_099");
	test_free(ba);
	test_free(out);
}

/* skip_a may be NULL: then no entry is skipped, and one in the calendar is a conflict. */
static void conflicts_with_null_skips(void **state)
{
	struct conflict out[CONFLICTS_MAX];
	struct calendar_src cal[1];
	struct entry en, other;
	struct err e;
	size_t n;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, NULL, only_a, 1);
	series(&other, "ent_f", "2026-03-02T10:30:00-05:00", 60, NULL, only_a, 1);
	source(&cal[0], "prv_a", "America/New_York");
	cal[0].entries = &other;
	cal[0].nentries = 1;
	err_init(&e);
	assert_int_equal(calendar_conflicts(&en, unit_db, utc("2026-03-01T00:00:00Z"),
					    utc("2026-03-10T00:00:00Z"), cal, 1, NULL, NULL,
					    *state, out, &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, "ent_f");
}

/* ---- calendar_conflict_providers ---- */

static bool has_id(const char **ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

static void conflict_providers_are_distinct_active_assignees(void **state)
{
	struct entry_override ov[3];
	const char **ids;
	struct entry en;
	struct err e;
	size_t n;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY", a_and_b, 2);
	/* In the window (2-9 March) the 3rd goes to Carol and the 4th, cancelled, to Dave; the
	 * 20th, outside it, goes to Dave too. */
	ov[0] = moved(&en, "2026-03-03T15:00:00Z", "2026-03-03T15:00:00Z", only_c, 1,
		      ENTRY_SCHEDULED);
	ov[1] = moved(&en, "2026-03-04T15:00:00Z", "2026-03-04T15:00:00Z", only_d, 1,
		      ENTRY_CANCELLED);
	ov[2] = moved(&en, "2026-03-20T14:00:00Z", "2026-03-20T14:00:00Z", only_d, 1,
		      ENTRY_SCHEDULED);
	en.overrides = ov;
	en.noverrides = 3;
	err_init(&e);
	assert_int_equal(calendar_conflict_providers(&en, unit_db, utc("2026-03-02T00:00:00Z"),
						     utc("2026-03-10T00:00:00Z"), *state, &ids, &n,
						     &e),
			 0);
	assert_int_equal(n, 3);
	assert_true(has_id(ids, n, "prv_a"));
	assert_true(has_id(ids, n, "prv_b"));
	assert_true(has_id(ids, n, "prv_c"));
	assert_false(has_id(ids, n, "prv_d"));
}

static void conflict_providers_of_an_empty_window(void **state)
{
	const char **ids;
	struct entry en;
	struct err e;
	size_t n = 99;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, "FREQ=DAILY;COUNT=2", a_and_b, 2);
	err_init(&e);
	assert_int_equal(calendar_conflict_providers(&en, unit_db, utc("2026-04-01T00:00:00Z"),
						     utc("2026-04-10T00:00:00Z"), *state, &ids, &n,
						     &e),
			 0);
	assert_int_equal(n, 0);
}

static void conflict_providers_all_cancelled(void **state)
{
	const char **ids;
	struct entry en;
	struct err e;
	size_t n;

	series(&en, "ent_e", "2026-03-02T10:00:00-05:00", 60, NULL, a_and_b, 2);
	en.f.status = ENTRY_CANCELLED;
	err_init(&e);
	assert_int_equal(calendar_conflict_providers(&en, unit_db, utc("2026-03-01T00:00:00Z"),
						     utc("2026-03-10T00:00:00Z"), *state, &ids, &n,
						     &e),
			 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TA(bookings_become_items),
		TA(external_busy_pieces_join_per_calendar),
		TA(entry_occurrences_of_the_provider),
		TA(entry_occurrences_for_the_other_assignee),
		TA(time_off_meeting_the_window_is_listed),
		TA(one_off_holiday_is_its_local_day_across_spring_forward),
		TA(holiday_is_its_local_day_across_fall_back),
		TA(recurring_holiday_one_item_per_date),
		TA(yearly_holiday_in_the_providers_zone),
		TA(holiday_item_is_the_whole_day_when_the_window_starts_midday),
		TA(overrides_one_item_per_date),
		TA(everything_together_and_appended),
		TA(many_items_grow_the_list),
		cmocka_unit_test(sort_orders_by_start_provider_kind_id),
		cmocka_unit_test(sort_kind_order_is_holiday_override_time_off_booking_entry),
		cmocka_unit_test(sort_of_nothing),
		TA(conflicts_with_bookings_and_other_entries),
		TA(conflicts_follow_each_occurrences_assignees),
		TA(conflicts_only_within_the_window),
		TA(conflicts_stop_at_the_cap),
		TA(conflicts_with_null_skips),
		TA(conflict_providers_are_distinct_active_assignees),
		TA(conflict_providers_of_an_empty_window),
		TA(conflict_providers_all_cancelled),
	};

	return cmocka_run_group_tests_name("calendar", tests, unit_group_setup,
					   unit_group_teardown);
}
