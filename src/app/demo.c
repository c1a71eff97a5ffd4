/* The sample clinic: three providers in three zones, services with buffers and a group
 * class, weekly templates, a yearly holiday, an override and time off. */
#include "app/app.h"

#include <string.h>

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
		       const struct location *where, struct err *e)
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
	return uc_service_create(ctx, &s, e);
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

static int load(struct uc_ctx *ctx, struct demo_users *users, struct err *e)
{
	struct uc_schedule out;
	id_t_ pids[3];
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
		p.auto_confirm = true;
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
				&clinic, e) ||
		    add_service(ctx, "Follow-up visit", 30, 5, 10, 15, 1, "60.00", pids, 3, &video,
				e) ||
		    add_service(ctx, "Group physiotherapy", 45, 0, 15, 60, 6, "25.00", pids + 1, 1,
				NULL, e))
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
	return 0;
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
