/* The sample clinic: three providers in three zones, services with buffers and a group
 * class, weekly templates, a yearly holiday, an override and time off. */
#include "app/app.h"

#include <string.h>

#include "core/civil.h"
#include "util/ids.h"

#define DEMO_SLUG "demo"

struct demo_provider {
	const char *name;
	const char *zone;
	const char *email;
	struct day_interval weekday[2];
	bool saturday;
};

static const struct demo_provider demo_providers[] = {
	{"Dr. Ada Moreno", "America/New_York", "ada@riverside.example", {{540, 720}, {780, 1020}},
	 false},
	{"Dr. Jonas Weber", "Europe/Berlin", "jonas@riverside.example", {{480, 720}, {750, 960}},
	 true},
	{"Dr. Priya Nair", "Asia/Kolkata", "priya@riverside.example", {{600, 780}, {840, 1080}},
	 false},
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

static int add_service(struct store *st, const char *tenant, const char *name, int dur,
		       int before, int after, int step, int capacity, const char *price,
		       id_t_ *pids, size_t np, int64_t now, struct err *e)
{
	struct service s;

	memset(&s, 0, sizeof(s));
	id_new(s.id, "svc");
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
	s.created_at = s.updated_at = now;
	return store_service_create(st, tenant, &s, e);
}

static int load(struct store *st, struct tz_db *tz, const char *tenant, int64_t now,
		struct err *e)
{
	id_t_ pids[3];
	struct schedule sched;
	size_t i;
	int64_t today = floor_div(now, 86400);
	int64_t next_wed = today + ((2 - weekday_from_days(today) + 7) % 7) + 7;
	int64_t next_fri = next_wed + 2;
	int y, m, d;

	for (i = 0; i < 3; i++) {
		struct provider p;
		memset(&p, 0, sizeof(p));
		id_new(p.id, "prv");
		snprintf(p.name, sizeof(p.name), "%s", demo_providers[i].name);
		snprintf(p.timezone, sizeof(p.timezone), "%s", demo_providers[i].zone);
		snprintf(p.email, sizeof(p.email), "%s", demo_providers[i].email);
		p.auto_confirm = true;
		p.max_per_day = 12;
		p.created_at = p.updated_at = now;
		template_for(&demo_providers[i], &sched);
		if (store_provider_create(st, tenant, &p, e) ||
		    store_schedule_put(st, tenant, p.id, &sched, e))
			return -1;
		memcpy(pids[i], p.id, ID_MAX);
	}
	if (add_service(st, tenant, "Initial consultation", 60, 0, 15, 0, 1, "120.00", pids, 3,
			now, e) ||
	    add_service(st, tenant, "Follow-up visit", 30, 5, 10, 15, 1, "60.00", pids, 3, now,
			e) ||
	    add_service(st, tenant, "Group physiotherapy", 45, 0, 15, 60, 6, "25.00", pids + 1, 1,
			now, e))
		return -1;

	{
		struct holiday_rec h;
		memset(&h, 0, sizeof(h));
		id_new(h.id, "hol");
		snprintf(h.name, sizeof(h.name), "New Year's Day");
		civil_from_days(today, &y, &m, &d);
		h.day = days_from_civil(y, 1, 1);
		h.yearly = true;
		h.created_at = now;
		if (store_holiday_create(st, tenant, &h, e))
			return -1;
	}
	{
		struct override_rec o;
		memset(&o, 0, sizeof(o));
		id_new(o.id, "ovr");
		memcpy(o.provider_id, pids[1], ID_MAX);
		o.ov.from_day = o.ov.to_day = next_fri;
		snprintf(o.note, sizeof(o.note), "Conference");
		o.created_at = now;
		if (store_override_create(st, tenant, &o, e))
			return -1;
	}
	{
		const struct tz *ny = tz_db_get(tz, "America/New_York");
		struct time_off_rec t;
		memset(&t, 0, sizeof(t));
		id_new(t.id, "tof");
		memcpy(t.provider_id, pids[0], ID_MAX);
		t.span.start = tz_to_utc(ny, next_wed * 86400 + 14 * 3600);
		t.span.end = tz_to_utc(ny, next_wed * 86400 + 16 * 3600);
		snprintf(t.reason, sizeof(t.reason), "Staff meeting");
		t.created_at = now;
		if (store_time_off_create(st, tenant, &t, e))
			return -1;
	}
	return 0;
}

int tenant_create(struct store *st, const char *slug, const char *name, int64_t now,
		  char *key_out, struct err *e)
{
	char id[ID_MAX], hash[TOKEN_HASH_MAX];

	id_new(id, "ten");
	token_new(key_out, "sk");
	token_hash(hash, key_out, strlen(key_out));
	return store_tenant_create(st, id, slug, name, hash, now, e);
}

int key_create(struct store *st, const char *slug, enum role role, int64_t now, char *key_out,
	       struct err *e)
{
	char tenant[ID_MAX], hash[TOKEN_HASH_MAX];

	if (store_tenant_find(st, slug, tenant, e))
		return -1;
	token_new(key_out, "sk");
	token_hash(hash, key_out, strlen(key_out));
	return store_key_add(st, tenant, hash, role, now, e);
}

int demo_load(struct store *st, struct tz_db *tz, int64_t now, char *key_out, int *created,
	      struct err *e)
{
	char tenant[ID_MAX], hash[TOKEN_HASH_MAX];
	struct err lookup;

	err_init(&lookup);
	if (store_tenant_find(st, DEMO_SLUG, tenant, &lookup) == 0) {
		*created = 0;
		token_new(key_out, "sk");
		token_hash(hash, key_out, strlen(key_out));
		return store_key_add(st, tenant, hash, ROLE_ADMIN, now, e);
	}
	if (lookup.code != ERR_NOT_FOUND)
		return err_set(e, lookup.code, "%s", lookup.message);
	*created = 1;
	if (tenant_create(st, DEMO_SLUG, "Riverside Clinic (demo)", now, key_out, e) ||
	    store_tenant_find(st, DEMO_SLUG, tenant, e))
		return -1;
	return load(st, tz, tenant, now, e);
}
