/* The sample clinic: three providers in three zones, services with buffers and a group
 * class, weekly templates, a yearly holiday, an override and time off. */
#include "app/app.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/civil.h"
#include "util/ids.h"
#include "util/arena.h"

#define DEMO_SLUG "demo"

struct demo_provider {
	const char *name;
	const char *zone;
	const char *email;
	struct day_interval weekday[2];
	bool saturday;
	const char *bio;
	const char *specialties;	/* JSON array */
	const char *languages;		/* JSON array of BCP 47 tags */
};

static const struct demo_provider demo_providers[] = {
	{"Dr. Ada Moreno", "America/New_York", "ada@riverside.example", {{540, 720}, {780, 1020}},
	 false, "General practitioner with twenty years in family medicine. Unhurried first "
	 "visits and clear next steps.", "[\"family medicine\",\"preventive care\"]",
	 "[\"en\",\"es\"]"},
	{"Dr. Jonas Weber", "Europe/Berlin", "jonas@riverside.example", {{480, 720}, {750, 960}},
	 true, "Physiotherapist for sports injuries and back pain; also leads the group "
	 "sessions.", "[\"sports injuries\",\"back pain\",\"rehabilitation\"]",
	 "[\"de\",\"en\"]"},
	{"Dr. Priya Nair", "Asia/Kolkata", "priya@riverside.example", {{600, 780}, {840, 1080}},
	 false, "Nutrition and lifestyle medicine, mostly by video call.",
	 "[\"nutrition\",\"diabetes care\"]", "[\"en\",\"hi\",\"ta\"]"},
};

static void template_for(const struct demo_provider *d, struct schedule *s)
{
	struct week_template *t = &s->v[0];
	int day;

	memset(s, 0, sizeof(*s));
	s->n = 1;
	t->effective_from = t->effective_until = AVAIL_DAY_NONE;
	for (day = 0; day < 5; day++) {
		t->day[day].n = 2;
		t->day[day].iv[0] = d->weekday[0];
		t->day[day].iv[1] = d->weekday[1];
	}
	if (d->saturday) {
		t->day[5].n = 1;
		t->day[5].iv[0] = (struct day_interval){600, 840};
	}
}

static int add_service(struct uc_ctx *ctx, const char *name, int dur, int before, int after,
		       int step, int capacity, const char *price, id_t_ *pids, size_t np,
		       const struct location *where, char *id_out, struct err *e)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.duration_min = dur;
	s.buffer_before_min = before;
	s.buffer_after_min = after;
	s.step_min = step;
	s.capacity = capacity;
	s.min_notice_min = 60;
	s.max_advance_days = 90;
	snprintf(s.price, sizeof(s.price), "%s", price);
	memcpy(s.currency, "USD", 4);
	s.provider_ids = pids;
	s.nproviders = np;
	s.public = true;	/* on the booking page */
	s.location = where;
	if (uc_service_create(ctx, &s, e))
		return -1;
	memcpy(id_out, s.id, ID_MAX);
	return 0;
}

/* The console's two users: an admin, and the physiotherapist limited to his own calendar. */
static int add_users(struct uc_ctx *ctx, const char *jonas, struct demo_users *users,
		     struct err *e)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), DEMO_ADMIN_EMAIL);
	snprintf(u.name, sizeof(u.name), "Clinic Admin");
	u.role = ROLE_ADMIN;
	if (uc_user_create(ctx, &u, NULL, users->admin_password, e))
		return -1;
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), DEMO_STAFF_EMAIL);
	snprintf(u.name, sizeof(u.name), "Dr. Jonas Weber");
	u.role = ROLE_STAFF;
	snprintf(u.provider_id, sizeof(u.provider_id), "%s", jonas);
	return uc_user_create(ctx, &u, NULL, users->staff_password, e);
}

/* --- sample bookings and schedule entries --- */

enum demo_outcome { KEEP, COMPLETE, NO_SHOW, CANCEL };

struct demo_booking {
	int provider;		/* 0 Dr. Moreno, 1 Dr. Weber */
	int service;		/* 0 consultation, 1 follow-up, 2 group */
	int weekday;		/* the n-th weekday before (< 0) or after (> 0) today */
	int minute;		/* local start, minutes after midnight */
	enum demo_outcome outcome;
	const char *name, *email, *notes, *reason;
};

/* Six in the last few weekdays (finished, one no-show, one cancelled), eight in the coming
 * ones; the first two of Dr. Weber's upcoming ones still wait for his approval. */
static const struct demo_booking demo_bookings[] = {
	{1, 0, 1, 9 * 60, KEEP, "Lena Fischer", "lena.fischer@example.com",
	 "Knee pain after running", NULL},
	{1, 1, 4, 11 * 60, KEEP, "Tom Becker", "tom.becker@example.com", NULL, NULL},
	{0, 0, -1, 10 * 60, COMPLETE, "Maria Lopez", "maria.lopez@example.com", NULL, NULL},
	{1, 0, -1, 9 * 60, COMPLETE, "Jan Kowalski", "jan.kowalski@example.com", NULL, NULL},
	{0, 1, -2, 14 * 60, NO_SHOW, "Kevin Osei", "kevin.osei@example.com", NULL, NULL},
	{1, 2, -2, 10 * 60, COMPLETE, "Sofia Rossi", "sofia.rossi@example.com", NULL, NULL},
	{0, 0, -3, 9 * 60, CANCEL, "Emma Dubois", "emma.dubois@example.com", NULL,
	 "Customer called: travelling that week"},
	{1, 1, -3, 11 * 60, COMPLETE, "Noah Schmidt", "noah.schmidt@example.com", NULL, NULL},
	{0, 0, 1, 10 * 60, KEEP, "Grace Kim", "grace.kim@example.com",
	 "First visit; bringing earlier test results", NULL},
	{0, 1, 2, 15 * 60, KEEP, "Liam Walsh", "liam.walsh@example.com", NULL, NULL},
	{1, 2, 2, 10 * 60, KEEP, "Mia Wagner", "mia.wagner@example.com", NULL, NULL},
	{0, 0, 3, 14 * 60, CANCEL, "Olivia Brown", "olivia.brown@example.com", NULL,
	 "Feeling better, will book again if needed"},
	{0, 1, 6, 9 * 60 + 30, KEEP, "Daniel Cohen", "daniel.cohen@example.com", NULL, NULL},
	{1, 0, 7, 10 * 60, KEEP, "Clara Hoffmann", "clara.hoffmann@example.com", NULL, NULL},
};

/* The n-th weekday (Monday to Friday) after today (n > 0) or before it (n < 0). */
static int64_t nth_weekday(int64_t today, int n)
{
	int64_t d = today;
	int step = n > 0 ? 1 : -1, left = n > 0 ? n : -n;

	while (left > 0) {
		d += step;
		if (weekday_from_days(d) < 5)
			left--;
	}
	return d;
}

static int act(struct uc_ctx *ctx, const char *id, enum booking_action what, const char *reason,
	       struct err *e)
{
	struct uc_action a;
	struct booking out;
	const struct tz *zone;

	memset(&a, 0, sizeof(a));
	a.action = what;
	a.reason = reason ? reason : "";
	return uc_booking_act(ctx, id, &a, &out, &zone, e);
}

/* Books each sample through the booking use case, as the API does (events, history and the
 * analytics summary follow). Past ones are booked four days before their start, then
 * finished now (a cancellation two days before its start). A time the engine refuses (a
 * holiday falling on it) is left out: the demo never fails for its samples. */
static int add_bookings(struct uc_ctx *ctx, id_t_ *pids, id_t_ *sids, struct err *e)
{
	const int64_t now = ctx->now, today = floor_div(now, 86400);
	size_t i;

	for (i = 0; i < sizeof(demo_bookings) / sizeof(demo_bookings[0]); i++) {
		const struct demo_booking *d = &demo_bookings[i];
		const struct tz *z = tz_db_get(ctx->env->tz, demo_providers[d->provider].zone);
		struct uc_booking_request in;
		struct uc_reply reply;
		char key[32], id[ID_MAX];
		json_t *answer;
		const char *got;
		int64_t start;
		int rc = 0;

		if (i == 2) {
			/* From here on Dr. Weber's bookings are confirmed at once. */
			struct provider_patch pp;
			struct provider out;
			memset(&pp, 0, sizeof(pp));
			pp.set = PROVIDER_AUTO_CONFIRM;
			pp.v.auto_confirm = true;
			if (uc_provider_update(ctx, pids[1], &pp, &out, e))
				return -1;
		}
		start = tz_to_utc(z, nth_weekday(today, d->weekday) * 86400 + d->minute * 60);
		memset(&in, 0, sizeof(in));
		memset(&reply, 0, sizeof(reply));
		snprintf(key, sizeof(key), "demo-booking-%zu", i);
		in.idempotency_key = key;
		in.fingerprint = key;
		in.service_id = sids[d->service];
		in.provider_id = pids[d->provider];
		in.start = start;
		snprintf(in.fields.customer_name, sizeof(in.fields.customer_name), "%s", d->name);
		snprintf(in.fields.customer_email, sizeof(in.fields.customer_email), "%s", d->email);
		if (d->notes)
			snprintf(in.fields.notes, sizeof(in.fields.notes), "%s", d->notes);
		if (start < now)
			ctx->now = start - 4 * 86400;
		rc = uc_booking_create(ctx, &in, &reply, e);
		ctx->now = now;
		if (rc)
			return -1;
		answer = reply.status == 201 && reply.body ? json_loads(reply.body, 0, NULL) : NULL;
		free(reply.body);
		if (!answer)
			continue;
		got = json_string_value(json_object_get(answer, "id"));
		snprintf(id, sizeof(id), "%s", got ? got : "");
		json_decref(answer);
		if (!*id)
			continue;
		switch (d->outcome) {
		case KEEP:
			break;
		case COMPLETE:
			rc = act(ctx, id, ACTION_COMPLETE, NULL, e);
			break;
		case NO_SHOW:
			rc = act(ctx, id, ACTION_NO_SHOW, NULL, e);
			break;
		case CANCEL:
			if (start < now)
				ctx->now = start - 2 * 86400;
			rc = act(ctx, id, ACTION_CANCEL, d->reason, e);
			ctx->now = now;
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* A one-off maintenance slot for Dr. Weber and a case review Dr. Moreno holds on the next
 * three Fridays. */
static int add_entries(struct uc_ctx *ctx, id_t_ *pids, struct err *e)
{
	const int64_t today = floor_div(ctx->now, 86400);
	int64_t day = nth_weekday(today, 2), friday = today + 1;
	const struct tz *berlin = tz_db_get(ctx->env->tz, "Europe/Berlin");
	const struct tz *ny = tz_db_get(ctx->env->tz, "America/New_York");
	struct entry_patch p;
	struct uc_entry out;
	entry_id_t who[1];

	while (weekday_from_days(friday) != 4)
		friday++;
	memset(&p, 0, sizeof(p));
	p.set = ENTRY_F_TITLE | ENTRY_F_ASSIGNEES | ENTRY_F_START | ENTRY_F_END |
		ENTRY_F_WORK_ITEM | ENTRY_F_NOTES;
	snprintf(p.f.title, sizeof(p.f.title), "Treatment room maintenance");
	snprintf(p.f.notes, sizeof(p.f.notes), "Technician replaces the ultrasound unit.");
	memcpy(who[0], pids[1], ID_MAX);
	p.f.assignee_ids = who;
	p.f.nassignees = 1;
	p.start = tz_to_utc(berlin, day * 86400 + 15 * 3600);
	p.end = p.start + 3600;
	snprintf(p.work_type, sizeof(p.work_type), "ticket");
	snprintf(p.work_id, sizeof(p.work_id), "MAINT-12");
	if (uc_entry_create(ctx, &p, &out, e))
		return -1;
	memset(&p, 0, sizeof(p));
	p.set = ENTRY_F_TITLE | ENTRY_F_ASSIGNEES | ENTRY_F_START | ENTRY_F_END | ENTRY_F_RRULE;
	snprintf(p.f.title, sizeof(p.f.title), "Case review");
	memcpy(who[0], pids[0], ID_MAX);
	p.f.assignee_ids = who;
	p.f.nassignees = 1;
	p.start = tz_to_utc(ny, friday * 86400 + 16 * 3600);
	p.end = p.start + 3600;
	p.rrule = "FREQ=WEEKLY;BYDAY=FR;COUNT=3";
	return uc_entry_create(ctx, &p, &out, e);
}

static int load(struct uc_ctx *ctx, struct demo_users *users, struct err *e)
{
	struct uc_schedule out;
	id_t_ pids[3], sids[3];
	int64_t today = floor_div(ctx->now, 86400);
	int64_t next_wed = today + ((2 - weekday_from_days(today) + 7) % 7) + 7;
	int64_t next_fri = next_wed + 2;
	size_t i;
	int y, m, d;

	for (i = 0; i < 3; i++) {
		struct schedule *sched = arena_alloc(ctx->arena, sizeof(*sched));
		struct provider p;
		memset(&p, 0, sizeof(p));
		snprintf(p.name, sizeof(p.name), "%s", demo_providers[i].name);
		snprintf(p.timezone, sizeof(p.timezone), "%s", demo_providers[i].zone);
		snprintf(p.email, sizeof(p.email), "%s", demo_providers[i].email);
		/* Dr. Weber confirms his own bookings until the sample bookings are made, so a few
		 * of them wait for his approval (add_bookings). */
		p.auto_confirm = i != 1;
		p.max_per_day = 12;
		/* No photo: the demo has no image of its own to link to, and never links another
		 * host's. */
		p.bio = demo_providers[i].bio;
		p.specialties = demo_providers[i].specialties;
		p.languages = demo_providers[i].languages;
		template_for(&demo_providers[i], sched);
		if (uc_provider_create(ctx, &p, e) || uc_schedule_put(ctx, p.id, sched, &out, e))
			return -1;
		memcpy(pids[i], p.id, ID_MAX);
	}
	if (add_users(ctx, pids[1], users, e))
		return -1;
	/* Cancelling within a day owes half the price, and a no-show all of it: the booking page
	 * states this before anyone books, and the manage page names the fee before a cancel. */
	{
		struct policy pol;
		struct reminder_offsets none;
		memset(&pol, 0, sizeof(pol));
		memset(&none, 0, sizeof(none));
		pol.set = POLICY_FEES | POLICY_NO_SHOW_FEE;
		pol.nfees = 1;
		pol.fees[0].within_hours = 24;
		pol.fees[0].percent = 50;
		pol.no_show_fee_percent = 100;
		if (uc_policy_put(ctx, &pol, &none, e))
			return -1;
	}
	{
		/* The first visit at the clinic, follow-ups by video with a link made per booking. */
		static const struct location clinic = {LOCATION_IN_PERSON,
						       "12 River Street, Springfield"};
		static const struct location video = {LOCATION_VIDEO,
						      "https://meet.jit.si/{tenant}-{reference}"};
		if (add_service(ctx, "Initial consultation", 60, 0, 15, 0, 1, "120.00", pids, 3,
				&clinic, sids[0], e) ||
		    add_service(ctx, "Follow-up visit", 30, 5, 10, 15, 1, "60.00", pids, 3, &video,
				sids[1], e) ||
		    add_service(ctx, "Group physiotherapy", 45, 0, 15, 60, 6, "25.00", pids + 1, 1,
				NULL, sids[2], e))
			return -1;
	}

	{
		struct holiday_rec h;
		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "New Year's Day");
		civil_from_days(today, &y, &m, &d);
		h.day = days_from_civil(y, 1, 1);
		h.yearly = true;
		snprintf(h.rrule, sizeof(h.rrule), "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1");
		h.until_day = CIVIL_MAX_DAY;
		if (uc_holiday_create(ctx, &h, e))
			return -1;
	}
	{
		struct override_rec o;
		memset(&o, 0, sizeof(o));
		memcpy(o.provider_id, pids[1], ID_MAX);
		o.ov.from_day = o.ov.to_day = next_fri;
		snprintf(o.note, sizeof(o.note), "Conference");
		if (uc_override_create(ctx, &o, e))
			return -1;
	}
	{
		const struct tz *ny = tz_db_get(ctx->env->tz, "America/New_York");
		const struct tz *zone;
		struct time_off_rec t;
		memset(&t, 0, sizeof(t));
		memcpy(t.provider_id, pids[0], ID_MAX);
		t.span.start = tz_to_utc(ny, next_wed * 86400 + 14 * 3600);
		t.span.end = tz_to_utc(ny, next_wed * 86400 + 16 * 3600);
		snprintf(t.reason, sizeof(t.reason), "Staff meeting");
		if (uc_time_off_create(ctx, &t, &zone, e))
			return -1;
	}
	return add_bookings(ctx, pids, sids, e) || add_entries(ctx, pids, e) ? -1 : 0;
}

int demo_load(const struct uc_env *env, int64_t now, char *key_out, int *created,
	      struct demo_users *users, struct err *e)
{
	struct api_key k;
	struct arena *a;
	char tenant[ID_MAX];
	struct store_tx *tx;
	struct auth auth;
	struct uc_ctx ctx;
	struct err lookup;
	int rc;

	memset(users, 0, sizeof(*users));
	err_init(&lookup);
	if (!(tx = store_begin(env->store, "", STORE_READ, e)))
		return -1;
	rc = tx_tenant_find(tx, DEMO_SLUG, tenant, NULL, &lookup);
	store_end(tx, false, e);
	if (rc == 0) {
		*created = 0;
		memset(&k, 0, sizeof(k));
		snprintf(k.name, sizeof(k.name), "admin key (demo)");
		k.role = ROLE_ADMIN;
		return uc_key_create_cli(env, DEMO_SLUG, &k, now, key_out, e);
	}
	if (lookup.code != ERR_NOT_FOUND)
		return err_set(e, lookup.code, "%s", lookup.message);
	*created = 1;
	if (uc_tenant_create(env, DEMO_SLUG, "Riverside Clinic (demo)", now, key_out, e))
		return -1;
	if (!(tx = store_begin(env->store, "", STORE_READ, e)))
		return -1;
	rc = tx_tenant_find(tx, DEMO_SLUG, tenant, NULL, e);
	store_end(tx, false, e);
	if (rc)
		return -1;
	a = arena_new();
	uc_ctx_system(&ctx, env, &auth, tenant, "demo", now, a);
	rc = load(&ctx, users, e);
	arena_free(a);
	return rc;
}
