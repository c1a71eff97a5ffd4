#include "core/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

static const char *const role_names[ROLE__COUNT] = {"admin", "staff", "customer"};

bool locale_supported(const char *locale)
{
	return locale && (!strcmp(locale, "en") || !strcmp(locale, "de"));
}

static const char *const location_kinds[] = {NULL, "in_person", "phone", "video"};

const char *location_kind_name(enum location_kind k)
{
	return (unsigned)k < sizeof(location_kinds) / sizeof(location_kinds[0]) ? location_kinds[k]
										  : NULL;
}

int location_kind_parse(const char *name, enum location_kind *out)
{
	size_t i;

	for (i = 1; name && i < sizeof(location_kinds) / sizeof(location_kinds[0]); i++) {
		if (!strcmp(name, location_kinds[i])) {
			*out = (enum location_kind)i;
			return 0;
		}
	}
	return -1;
}

void location_encode(const struct location *l, char *out, size_t size)
{
	const char *kind = location_kind_name(l->kind);

	if (!kind)
		snprintf(out, size, "%s", "");
	else
		snprintf(out, size, "%s:%s", kind, l->value);
}

int location_decode(const char *text, struct location *l)
{
	const char *colon = text ? strchr(text, ':') : NULL;
	char kind[16];
	size_t n;

	memset(l, 0, sizeof(*l));
	if (!text || !*text)
		return 0;
	n = colon ? (size_t)(colon - text) : 0;
	if (!colon || n >= sizeof(kind) || strlen(colon + 1) > LOCATION_VALUE_MAX)
		return -1;
	memcpy(kind, text, n);
	kind[n] = '\0';
	if (location_kind_parse(kind, &l->kind))
		return -1;
	memcpy(l->value, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

static const char *const holiday_types[] = {"public", "closure", "maintenance", "other"};

const char *holiday_type_name(enum holiday_type t)
{
	return (unsigned)t < sizeof(holiday_types) / sizeof(holiday_types[0]) ? holiday_types[t]
										: "public";
}

int holiday_type_parse(const char *name, enum holiday_type *out)
{
	size_t i;

	for (i = 0; name && i < sizeof(holiday_types) / sizeof(holiday_types[0]); i++) {
		if (!strcmp(name, holiday_types[i])) {
			*out = (enum holiday_type)i;
			return 0;
		}
	}
	return -1;
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "unknown";
}

int role_parse(const char *s, enum role *out)
{
	int i;

	for (i = 0; i < ROLE__COUNT; i++) {
		if (!strcmp(s, role_names[i])) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

static const char *const waitlist_status_names[WAITLIST__STATUS_COUNT] = {
	"waiting", "offered", "booked", "expired"};

const char *waitlist_status_name(enum waitlist_status s)
{
	return (unsigned)s < WAITLIST__STATUS_COUNT ? waitlist_status_names[s] : "waiting";
}

int waitlist_status_parse(const char *s, enum waitlist_status *out)
{
	int i;

	for (i = 0; i < WAITLIST__STATUS_COUNT; i++) {
		if (!strcmp(s, waitlist_status_names[i])) {
			*out = (enum waitlist_status)i;
			return 0;
		}
	}
	return -1;
}

bool auth_covers(const struct auth *a, const char *provider_id)
{
	size_t lo = 0, hi = a->nscope;

	if (!a->scoped)
		return true;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->scope[mid], provider_id);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const char *const actor_type_names[ACTOR__COUNT] = {"key", "manage_token", "system",
									 "visitor", "user"};

const char *actor_type_name(enum actor_type t)
{
	return (unsigned)t < ACTOR__COUNT ? actor_type_names[t] : "system";
}

struct actor actor_of_auth(const struct auth *a)
{
	struct actor x;

	memset(&x, 0, sizeof(x));
	if (a->visitor) {
		x.type = ACTOR_VISITOR;
		snprintf(x.id, sizeof(x.id), "%s", a->key_id);
		x.role = ROLE_CUSTOMER;
	} else if (*a->user_id) {
		x.type = ACTOR_USER;
		snprintf(x.id, sizeof(x.id), "%s", a->user_id);
		x.role = (int)a->role;
	} else if (*a->booking_id) {
		x.type = ACTOR_MANAGE_TOKEN;
		snprintf(x.id, sizeof(x.id), "%s", a->booking_id);
		x.role = ROLE_CUSTOMER;
	} else {
		x.type = ACTOR_KEY;
		snprintf(x.id, sizeof(x.id), "%s", a->key_id);
		x.role = (int)a->role;
	}
	return x;
}

struct actor actor_system(const char *name)
{
	struct actor x;

	memset(&x, 0, sizeof(x));
	x.type = ACTOR_SYSTEM;
	snprintf(x.id, sizeof(x.id), "%s", name);
	x.role = -1;
	return x;
}

const char *actor_history_name(const struct actor *a)
{
	if (a->type == ACTOR_SYSTEM)
		return "system";
	if (a->type == ACTOR_MANAGE_TOKEN)
		return "customer";
	return role_name((enum role)a->role);
}

size_t override_rec_dates(const struct override_rec *o, int64_t from_day, int64_t to_day,
			  int64_t *out, size_t max)
{
	size_t n = 0;
	int64_t d;

	if (*o->rrule)
		return recur_dates(o->rrule, o->ov.from_day, o->ov.to_day, from_day, to_day, out,
				   max);
	for (d = o->ov.from_day > from_day ? o->ov.from_day : from_day;
	     d <= o->ov.to_day && d <= to_day && n < max; d++)
		out[n++] = d;
	return n;
}

size_t holiday_rec_dates(const struct holiday_rec *h, int64_t from_day, int64_t to_day,
			 int64_t *out, size_t max)
{
	if (*h->rrule)
		return recur_dates(h->rrule, h->day, h->until_day, from_day, to_day, out, max);
	if (h->day < from_day || h->day > to_day || max == 0)
		return 0;
	out[0] = h->day;
	return 1;
}

void provider_apply(struct provider *p, const struct provider_patch *pp)
{
	const struct provider *v = &pp->v;

	if (pp->set & PROVIDER_NAME)
		memcpy(p->name, v->name, sizeof(p->name));
	if (pp->set & PROVIDER_TIMEZONE)
		memcpy(p->timezone, v->timezone, sizeof(p->timezone));
	if (pp->set & PROVIDER_EMAIL)
		memcpy(p->email, v->email, sizeof(p->email));
	if (pp->set & PROVIDER_AUTO_CONFIRM)
		p->auto_confirm = v->auto_confirm;
	if (pp->set & PROVIDER_MAX_PER_DAY)
		p->max_per_day = v->max_per_day;
	if (pp->set & PROVIDER_MAX_CONSECUTIVE)
		p->max_consecutive = v->max_consecutive;
	if (pp->set & PROVIDER_VACATION)
		p->vacation = v->vacation;
	if (pp->set & PROVIDER_BIO)
		p->bio = v->bio;
	if (pp->set & PROVIDER_SPECIALTIES)
		p->specialties = v->specialties;
	if (pp->set & PROVIDER_PHOTO_URL)
		p->photo_url = v->photo_url;
	if (pp->set & PROVIDER_LANGUAGES)
		p->languages = v->languages;
	if (pp->set & PROVIDER_LOCALE)
		p->locale = v->locale;
	if (pp->set & PROVIDER_VIDEO_URL)
		p->video_url = v->video_url;
}

void service_apply(struct service *s, const struct service_patch *sp)
{
	const struct service *v = &sp->v;

	if (sp->set & SERVICE_NAME)
		memcpy(s->name, v->name, sizeof(s->name));
	if (sp->set & SERVICE_DURATION)
		s->duration_min = v->duration_min;
	if (sp->set & SERVICE_PRICE)
		memcpy(s->price, v->price, sizeof(s->price));
	if (sp->set & SERVICE_CURRENCY)
		memcpy(s->currency, v->currency, sizeof(s->currency));
	if (sp->set & SERVICE_BUFFER_BEFORE)
		s->buffer_before_min = v->buffer_before_min;
	if (sp->set & SERVICE_BUFFER_AFTER)
		s->buffer_after_min = v->buffer_after_min;
	if (sp->set & SERVICE_STEP)
		s->step_min = v->step_min;
	if (sp->set & SERVICE_MIN_NOTICE)
		s->min_notice_min = v->min_notice_min;
	if (sp->set & SERVICE_MAX_ADVANCE)
		s->max_advance_days = v->max_advance_days;
	if (sp->set & SERVICE_CAPACITY)
		s->capacity = v->capacity;
	if (sp->set & SERVICE_APPROVAL)
		s->requires_approval = v->requires_approval;
	if (sp->set & SERVICE_POLICY)
		s->policy = v->policy;
	if (sp->set & SERVICE_PUBLIC)
		s->public = v->public;
	if (sp->set & SERVICE_LOCATION)
		s->location = v->location;
	if (sp->set & SERVICE_REMINDERS)
		s->reminders = v->reminders;
	if (sp->set & SERVICE_PROVIDERS) {
		s->provider_ids = v->provider_ids;
		s->nproviders = v->nproviders;
	}
}

int service_check(const struct service *s, struct err *e)
{
	size_t i;

	if (*s->price && !*s->currency)
		err_field(e, "/currency", "is required when a price is set");
	if (!*s->price && *s->currency)
		err_field(e, "/price", "is required when a currency is set");
	for (i = 0; i < s->noffers && !e->code; i++)
		if (*s->offers[i].price && !*s->currency &&
		    service_offer(s, s->offers[i].provider_id))
			err_field(e, "/currency", "is required while provider %s has its own price",
				  s->offers[i].provider_id);
	return e->code ? -1 : 0;
}

bool price_text_ok(const char *p)
{
	size_t i = 0, frac = 0;

	while (p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == 0 || i > 9)
		return false;
	if (p[i] == '\0')
		return true;
	if (p[i] != '.')
		return false;
	for (i++; p[i] >= '0' && p[i] <= '9'; i++)
		frac++;
	return p[i] == '\0' && frac >= 1 && frac <= 4;
}

const struct provider_offer *service_offer(const struct service *s, const char *provider_id)
{
	size_t i, k;

	for (i = 0; i < s->noffers; i++)
		if (!strcmp(s->offers[i].provider_id, provider_id))
			break;
	if (i == s->noffers)
		return NULL;
	for (k = 0; k < s->nproviders; k++)
		if (!strcmp(s->provider_ids[k], provider_id))
			return &s->offers[i];
	return NULL;
}

int service_duration_for(const struct service *s, const char *provider_id)
{
	const struct provider_offer *o = service_offer(s, provider_id);

	return o && o->duration_min > 0 ? o->duration_min : s->duration_min;
}

const char *service_price_for(const struct service *s, const char *provider_id)
{
	const struct provider_offer *o = service_offer(s, provider_id);

	return o && *o->price ? o->price : s->price;
}

static int cmp_id_ptr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_offer_ptr(const void *x, const void *y)
{
	return strcmp((*(const struct provider_offer *const *)x)->provider_id,
		      (*(const struct provider_offer *const *)y)->provider_id);
}

void offer_index_build(const struct service *s, struct arena *a, struct offer_index *out)
{
	const char **ids;
	size_t i;

	out->v = NULL;
	out->n = 0;
	if (!s->noffers)
		return;
	ids = arena_alloc(a, s->nproviders * sizeof(*ids) + 1);
	for (i = 0; i < s->nproviders; i++)
		ids[i] = s->provider_ids[i];
	qsort(ids, s->nproviders, sizeof(*ids), cmp_id_ptr);
	out->v = arena_alloc(a, s->noffers * sizeof(*out->v));
	for (i = 0; i < s->noffers; i++) {
		const char *pid = s->offers[i].provider_id;
		if (s->nproviders &&
		    bsearch(&pid, ids, s->nproviders, sizeof(*ids), cmp_id_ptr))
			out->v[out->n++] = &s->offers[i];
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_offer_ptr);
}

/* r for a provider with offer o (NULL: none). */
static struct service_rules rules_with(const struct service *s, const struct provider_offer *o)
{
	struct service_rules r = service_rules_of(s);

	r.duration_min = o && o->duration_min > 0 ? o->duration_min : s->duration_min;
	if (!s->step_min)
		r.step_min = r.duration_min;
	return r;
}

struct service_rules service_rules_indexed(const struct service *s, const struct offer_index *ix,
					   const char *provider_id)
{
	const struct provider_offer **hit = NULL;
	struct provider_offer key;

	if (ix->n) {
		const struct provider_offer *k = &key;
		snprintf(key.provider_id, sizeof(key.provider_id), "%s", provider_id);
		hit = bsearch(&k, ix->v, ix->n, sizeof(*ix->v), cmp_offer_ptr);
	}
	return rules_with(s, hit ? *hit : NULL);
}

struct service_rules service_rules_for(const struct service *s, const char *provider_id)
{
	return rules_with(s, service_offer(s, provider_id));
}

void booking_page_encode(const struct booking_page *p, char out[BOOKING_PAGE_TEXT_MAX])
{
	if (!*p->display_name && !*p->brand_color && !*p->logo_url && !p->no_provider_choice) {
		out[0] = '\0';
		return;
	}
	snprintf(out, BOOKING_PAGE_TEXT_MAX, "%s\n%s\n%s\n%s", p->display_name, p->brand_color,
		 p->logo_url, p->no_provider_choice ? "any" : "");
}

/* Copies the line at *s (up to a line break) into dst and steps past it. */
static void page_line(const char **s, char *dst, size_t size)
{
	size_t n = strcspn(*s, "\n");

	snprintf(dst, size, "%.*s", (int)(n < size ? n : size - 1), *s);
	*s += n + ((*s)[n] == '\n');
}

void booking_page_decode(const char *s, struct booking_page *out)
{
	char any[8];

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return;
	page_line(&s, out->display_name, sizeof(out->display_name));
	page_line(&s, out->brand_color, sizeof(out->brand_color));
	page_line(&s, out->logo_url, sizeof(out->logo_url));
	page_line(&s, any, sizeof(any));
	out->no_provider_choice = !strcmp(any, "any");
}
