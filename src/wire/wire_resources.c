/* The JSON shape of each resource. */
#include "wire/wire.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "wire/wire_feeds.h"

json_t *wire_provider(const struct provider *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", p->id, "name", p->name, "timezone",
			      p->timezone, "email", wire_opt_str(p->email));
	json_t *settings = json_pack("{s:b, s:o, s:o, s:b}", "auto_confirm", p->auto_confirm,
				     "max_per_day",
				     p->max_per_day ? json_integer(p->max_per_day) : json_null(),
				     "max_consecutive",
				     p->max_consecutive ? json_integer(p->max_consecutive)
							: json_null(),
				     "vacation", p->vacation);

	json_object_set_new(o, "settings", settings);
	wire_provider_profile(o, p, true);
	json_object_set_new(o, "created_at", wire_instant(p->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(p->updated_at, NULL));
	return o;
}

static json_t *int_or_null(int v)
{
	return v ? json_integer(v) : json_null();
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The providers of s with their own price or duration. A service past
 * SERVICE_MAX_PROVIDERS providers has them as read, by id: only the terms of the providers
 * provider_ids lists (the first by id) are shown, so the resource and its events stay bounded
 * (each provider's terms: GET /v1/services/{id}/providers). */
static json_t *service_overrides(const struct service *s)
{
	bool big = s->nproviders > SERVICE_MAX_PROVIDERS;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->noffers; i++) {
		const struct provider_offer *o = &s->offers[i];
		if (big ? !bsearch(o->provider_id, s->provider_ids, SERVICE_MAX_PROVIDERS,
				    sizeof(*s->provider_ids), id_cmp)
			 : !service_offer(s, o->provider_id))
			continue;
		json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "provider_id", o->provider_id,
						   "price", wire_opt_str(o->price),
						   "duration_minutes", int_or_null(o->duration_min)));
	}
	return a;
}

json_t *wire_service(const struct service *s)
{
	/* A service may have thousands of providers: provider_ids shows the first
	 * SERVICE_MAX_PROVIDERS by id, and provider_count how many there are when that is not
	 * all of them; the whole list is GET /v1/services/{id}/providers. */
	size_t shown = s->nproviders < SERVICE_MAX_PROVIDERS ? s->nproviders : SERVICE_MAX_PROVIDERS;
	json_t *ids = wire_id_set((const id_t_ *)s->provider_ids, shown);
	json_t *o;

	o = json_pack("{s:s, s:s, s:i, s:o, s:o, s:i, s:i, s:i, s:i, s:o, s:i, s:o}", "id", s->id,
		      "name", s->name, "duration_minutes", s->duration_min, "price",
		      wire_opt_str(s->price), "currency", wire_opt_str(s->currency),
		      "buffer_before_minutes", s->buffer_before_min, "buffer_after_minutes",
		      s->buffer_after_min, "slot_step_minutes",
		      s->step_min ? s->step_min : s->duration_min, "min_notice_minutes",
		      s->min_notice_min, "max_advance_days", int_or_null(s->max_advance_days),
		      "capacity", s->capacity, "provider_ids", ids);
	/* Only a service past the list's bound has it, so the others read as they always did. */
	if (s->nproviders > SERVICE_MAX_PROVIDERS)
		json_object_set_new(o, "provider_count", json_integer((json_int_t)s->nproviders));
	json_object_set_new(o, "requires_approval", json_boolean(s->requires_approval));
	json_object_set_new(o, "public", json_boolean(s->public));
	json_object_set_new(o, "location", wire_location(s->location, false));
	json_object_set_new(o, "policy", wire_policy(&s->policy));
	json_object_set_new(o, "reminder_offsets_minutes", wire_reminder_offsets(&s->reminders));
	json_object_set_new(o, "provider_overrides", service_overrides(s));
	json_object_set_new(o, "created_at", wire_instant(s->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(s->updated_at, NULL));
	return o;
}

json_t *wire_service_offer(const struct service *s, const char *provider_id)
{
	const struct provider_offer *own = service_offer(s, provider_id);

	return json_pack("{s:s, s:s, s:o, s:o, s:i, s:o, s:o}", "service_id", s->id,
			 "provider_id", provider_id, "price",
			 wire_opt_str(service_price_for(s, provider_id)), "currency",
			 wire_opt_str(s->currency), "duration_minutes",
			 service_duration_for(s, provider_id), "price_override",
			 wire_opt_str(own ? own->price : ""), "duration_override",
			 int_or_null(own ? own->duration_min : 0));
}

static json_t *policy_int(const struct policy *p, enum policy_field f, int v)
{
	return p->set & f ? json_integer(v) : json_null();
}

json_t *wire_booking_page(const struct booking_page *p)
{
	return json_pack("{s:o, s:o, s:o, s:b}", "display_name", wire_opt_str(p->display_name),
			 "brand_color", wire_opt_str(p->brand_color), "logo_url",
			 wire_opt_str(p->logo_url), "provider_choice", !p->no_provider_choice);
}

json_t *wire_settings(const struct tenant_settings *s)
{
	json_t *key = s->key_limit_set ? json_pack("{s:I, s:I}", "quota", (json_int_t)s->key_quota,
						   "window_seconds",
						   (json_int_t)s->key_window)
				       : json_null();

	return json_pack("{s:{s:o}, s:o, s:o}", "rate_limits", "key", key, "locale",
			 wire_opt_str(s->locale), "booking_page", wire_booking_page(&s->page));
}

json_t *wire_reminder(const struct reminder *r, int64_t sent_at, const struct tz *z)
{
	return json_pack("{s:i, s:o, s:o}", "offset_minutes", r->offset_minutes, "due_at",
			 wire_instant(r->due_at, z), "sent_at",
			 sent_at ? wire_instant(sent_at, z) : json_null());
}

json_t *wire_reminders(const char *booking_id, const struct reminder *v, const int64_t *sent_at,
		       size_t n, const struct tz *z)
{
	json_t *items = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_reminder(&v[i], sent_at[i], z));
	return json_pack("{s:s, s:o}", "booking_id", booking_id, "reminders", items);
}

json_t *wire_reminder_offsets(const struct reminder_offsets *o)
{
	json_t *a;
	size_t i;

	if (!o->set)
		return json_null();
	a = json_array();
	for (i = 0; i < o->n; i++)
		json_array_append_new(a, json_integer(o->minutes[i]));
	return a;
}

json_t *wire_tenant_policy(const struct policy *p, const struct reminder_offsets *reminders)
{
	json_t *o = wire_policy(p);

	json_object_set_new(o, "reminder_offsets_minutes",
			    wire_reminder_offsets(reminder_offsets_resolve(NULL, reminders)));
	return o;
}

json_t *wire_policy(const struct policy *p)
{
	json_t *o = json_object(), *fees;
	size_t i;

	json_object_set_new(o, "cancellation_deadline_hours",
			    policy_int(p, POLICY_CANCEL_DEADLINE, p->cancel_deadline_hours));
	json_object_set_new(o, "reschedule_deadline_hours",
			    policy_int(p, POLICY_RESCHEDULE_DEADLINE,
				       p->reschedule_deadline_hours));
	json_object_set_new(o, "max_reschedules",
			    policy_int(p, POLICY_MAX_RESCHEDULES, p->max_reschedules));
	if (p->set & POLICY_FEES) {
		fees = json_array();
		/* Shown nearest the start first, as people read tiers. */
		for (i = p->nfees; i-- > 0;)
			json_array_append_new(fees, json_pack("{s:i, s:i}", "within_hours",
							      p->fees[i].within_hours, "percent",
							      p->fees[i].percent));
	} else {
		fees = json_null();
	}
	json_object_set_new(o, "late_cancellation_fees", fees);
	json_object_set_new(o, "no_show_fee_percent",
			    policy_int(p, POLICY_NO_SHOW_FEE, p->no_show_fee_percent));
	json_object_set_new(o, "waitlist_offer_minutes",
			    policy_int(p, POLICY_OFFER_MINUTES, p->offer_minutes));
	return o;
}

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static json_t *schedule_week(const struct day_hours *hours)
{
	json_t *week = json_object();
	int d;

	for (d = 0; d < 7; d++)
		json_object_set_new(week, day_keys[d], wire_hours(&hours[d]));
	return week;
}

static json_t *schedule_version(const struct week_template *t)
{
	bool cycle = t->weeks > 1 && t->more;
	json_t *o = json_pack("{s:o, s:o, s:o}", "weekly",
			      cycle ? json_null() : schedule_week(t->day), "effective_from",
			      wire_date(t->effective_from), "effective_until",
			      wire_date(t->effective_until));

	if (cycle) {
		json_t *weeks = json_array();
		int k;
		json_array_append_new(weeks, schedule_week(t->day));
		for (k = 1; k < t->weeks; k++)
			json_array_append_new(weeks, schedule_week(&t->more[(k - 1) * 7]));
		json_object_set_new(o, "weeks", weeks);
		json_object_set_new(o, "anchor_date", wire_date(t->anchor));
	}
	return o;
}

json_t *wire_schedule_versions(const struct schedule *s, const struct tz *z, int64_t now)
{
	const struct week_template *current = NULL;
	int64_t today = floor_div(tz_to_wall(z, now), 86400);
	json_t *versions = json_array(), *o;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct week_template *t = &s->v[i];
		json_array_append_new(versions, schedule_version(t));
		if ((t->effective_from == AVAIL_DAY_NONE || t->effective_from <= today) &&
		    (t->effective_until == AVAIL_DAY_NONE || t->effective_until >= today))
			current = t;
	}
	o = current ? schedule_version(current)
		    : json_pack("{s:n, s:n, s:n}", "weekly", "effective_from", "effective_until");
	json_object_set_new(o, "versions", versions);
	return o;
}

json_t *wire_schedule(const struct provider *p, const struct schedule *s, const struct tz *z,
		      int64_t now)
{
	json_t *o = wire_schedule_versions(s, z, now);

	json_object_set_new(o, "provider_id", json_string(p->id));
	json_object_set_new(o, "timezone", json_string(p->timezone));
	return o;
}

json_t *wire_override(const struct override_rec *o)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o}", "id", o->id,
			      "provider_id", o->provider_id, "date",
			      o->ov.from_day == o->ov.to_day || *o->rrule ? wire_date(o->ov.from_day)
									  : json_null(),
			      "from", wire_date(o->ov.from_day), "to", wire_date(o->ov.to_day),
			      "intervals", wire_hours(&o->ov.hours), "closed", o->ov.hours.n == 0,
			      "note", wire_opt_str(o->note));

	if (*o->rrule) {
		json_object_set_new(j, "from", json_null());
		json_object_set_new(j, "to", json_null());
	}
	json_object_set_new(j, "until", *o->rrule && o->ov.to_day != CIVIL_MAX_DAY
						? wire_date(o->ov.to_day)
						: json_null());
	json_object_set_new(j, "rrule", wire_opt_str(o->rrule));
	json_object_set_new(j, "created_at", wire_instant(o->created_at, NULL));
	json_object_set_new(j, "updated_at",
			    wire_instant(o->updated_at ? o->updated_at : o->created_at, NULL));
	return j;
}

json_t *wire_holiday(const struct holiday_rec *h)
{
	json_t *ids = wire_id_set((const id_t_ *)h->provider_ids, h->nproviders);
	json_t *o;

	o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", h->id, "name", h->name, "date",
		      wire_date(h->day), "recurring",
		      h->yearly ? json_string("yearly") : json_null(), "provider_ids", ids);
	json_object_set_new(o, "rrule", wire_opt_str(h->rrule));
	json_object_set_new(o, "until", *h->rrule && h->until_day != CIVIL_MAX_DAY
						? wire_date(h->until_day)
						: json_null());
	json_object_set_new(o, "type", json_string(holiday_type_name(h->type)));
	json_object_set_new(o, "created_at", wire_instant(h->created_at, NULL));
	json_object_set_new(o, "updated_at",
			    wire_instant(h->updated_at ? h->updated_at : h->created_at, NULL));
	return o;
}

json_t *wire_time_off(const struct time_off_rec *t, const struct tz *z)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "provider_id",
			      t->provider_id, "start", wire_instant(t->span.start, z), "end",
			      wire_instant(t->span.end, z), "reason", wire_opt_str(t->reason));

	json_object_set_new(o, "created_at", wire_instant(t->created_at, NULL));
	json_object_set_new(o, "updated_at",
			    wire_instant(t->updated_at ? t->updated_at : t->created_at, NULL));
	return o;
}

enum wire_audience wire_audience_of(const struct auth *a)
{
	return *a->booking_id || a->role == ROLE_CUSTOMER ? WIRE_CUSTOMER : WIRE_STAFF;
}

json_t *wire_feedback(const struct booking_feedback *f)
{
	return json_pack("{s:i, s:o, s:o, s:o}", "rating", f->rating, "comment",
			 f->comment ? json_string(f->comment) : json_null(), "created_at",
			 wire_instant(f->created_at, NULL), "updated_at",
			 wire_instant(f->updated_at, NULL));
}

json_t *wire_booking(const struct booking *b, const struct tz *z, enum wire_audience to)
{
	json_t *customer = json_pack("{s:s, s:s, s:o}", "name", b->customer_name, "email",
				     b->customer_email, "phone", wire_opt_str(b->customer_phone));
	json_t *meta = b->metadata ? json_loads(b->metadata, 0, NULL) : NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "id", b->id, "reference",
			      b->reference, "status", booking_status_name(b->status), "start",
			      wire_instant(b->start, z), "end", wire_instant(b->end, z),
			      "provider_id", b->provider_id, "service_id", b->service_id,
			      "customer", customer);

	json_object_set_new(o, "notes", wire_opt_str(b->notes));
	json_object_set_new(o, "location", wire_location(&b->location, true));
	if (to == WIRE_STAFF) {
		json_object_set_new(o, "internal_notes", wire_opt_str(b->internal_notes));
		json_object_set_new(o, "completion_notes", wire_opt_str(b->completion_notes));
	}
	json_object_set_new(o, "metadata", meta ? meta : json_object());
	json_object_set_new(o, "price", wire_opt_str(b->price));
	json_object_set_new(o, "currency", wire_opt_str(b->currency));
	json_object_set_new(o, "policy", wire_policy(&b->policy));
	json_object_set_new(o, "reschedule_count", json_integer(b->reschedule_count));
	json_object_set_new(o, "fee",
			    *b->fee ? json_pack("{s:s, s:o, s:s}", "amount", b->fee, "currency",
						wire_opt_str(b->currency), "reason", b->fee_reason)
				    : json_null());
	json_object_set_new(o, "fee_waived",
			    *b->fee_waived
				    ? json_pack("{s:s, s:o, s:s}", "amount", b->fee_waived, "currency",
						wire_opt_str(b->currency), "reason", b->fee_reason)
				    : json_null());
	json_object_set_new(o, "locale", wire_opt_str(b->locale));
	json_object_set_new(o, "version", json_integer(b->version));
	json_object_set_new(o, "created_at", wire_instant(b->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(b->updated_at, NULL));
	json_object_set_new(o, "feedback", b->feedback ? wire_feedback(b->feedback) : json_null());
	json_object_set_new(o, "links", wire_booking_links(b));
	return o;
}

json_t *wire_history(const char *booking_id, const struct booking_event *v, size_t n)
{
	json_t *items = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_pack("{s:o, s:s, s:o, s:s, s:o}", "at", wire_instant(v[i].at, NULL),
				      "actor", v[i].actor, "from", wire_opt_str(v[i].from_status),
				      "to", v[i].to_status, "reason", wire_opt_str(v[i].reason));
		if (*v[i].user_id)
			json_object_set_new(o, "user_id", json_string(v[i].user_id));
		json_array_append_new(items, o);
	}
	return json_pack("{s:s, s:o}", "booking_id", booking_id, "history", items);
}

json_t *wire_hold(const struct hold *h, const struct tz *z, int64_t now)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id", h->id, "service_id",
			      h->service_id, "provider_id", h->provider_id, "start",
			      wire_instant(h->start, z), "end", wire_instant(h->end, z),
			      "expires_at", wire_instant(h->expires_at, NULL), "live",
			      h->expires_at > now);

	json_object_set_new(o, "waitlist_id", wire_opt_str(h->waitlist_id));
	json_object_set_new(o, "created_at", wire_instant(h->created_at, NULL));
	return o;
}

static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static json_t *hhmm(int minutes)
{
	char s[6];

	hhmm_format(minutes, s);
	return json_string(s);
}

json_t *wire_waitlist(const struct waitlist_entry *w)
{
	json_t *days = json_array(), *windows = json_array(), *o;
	size_t i;

	for (i = 0; i < 7; i++)
		if (w->weekdays & (1u << i))
			json_array_append_new(days, json_string(weekday_names[i]));
	for (i = 0; i < w->nwindows; i++)
		json_array_append_new(windows, json_pack("{s:o, s:o}", "start",
							 hhmm(w->windows[i].from_min), "end",
							 hhmm(w->windows[i].to_min)));
	o = json_pack("{s:s, s:s, s:o, s:{s:s, s:s, s:o}, s:o, s:o, s:o, s:o, s:i, s:s}", "id",
		      w->id, "service_id", w->service_id, "provider_id",
		      wire_opt_str(w->provider_id), "customer", "name", w->customer_name, "email",
		      w->customer_email, "phone", wire_opt_str(w->customer_phone),
		      "earliest_date", wire_date(w->earliest_day), "latest_date",
		      wire_date(w->latest_day), "weekdays", days, "time_windows", windows,
		      "priority", w->priority, "status", waitlist_status_name(w->status));
	json_object_set_new(o, "hold_id", wire_opt_str(w->hold_id));
	json_object_set_new(o, "offer_provider_id", wire_opt_str(w->offer_provider_id));
	json_object_set_new(o, "offer_start",
			    w->offer_start ? wire_instant(w->offer_start, NULL) : json_null());
	json_object_set_new(o, "offer_expires_at", w->offer_expires_at
							   ? wire_instant(w->offer_expires_at, NULL)
							   : json_null());
	json_object_set_new(o, "offers", json_integer(w->offers));
	json_object_set_new(o, "booking_id", wire_opt_str(w->booking_id));
	json_object_set_new(o, "notes", wire_opt_str(w->notes));
	json_object_set_new(o, "created_at", wire_instant(w->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(w->updated_at, NULL));
	return o;
}

static json_t *entry_fields(const struct entry_fields *f, json_t *o)
{
	json_object_set_new(o, "title", json_string(f->title));
	json_object_set_new(o, "status", json_string(entry_status_name(f->status)));
	json_object_set_new(o, "notes", wire_opt_str(f->notes));
	json_object_set_new(o, "assignee_ids",
			    wire_id_set((const id_t_ *)f->assignee_ids, f->nassignees));
	return o;
}

static json_t *work_item(const struct entry *en)
{
	if (!*en->work_type)
		return json_null();
	return json_pack("{s:s, s:s}", "type", en->work_type, "id", en->work_id);
}

json_t *wire_occurrence(const struct entry *en, const struct occurrence *oc,
			const struct tz *z)
{
	char oid[OCCURRENCE_ID_MAX];
	json_t *o;

	entry_occurrence_id(en, oc->original_start, oid);
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "id", oid, "entry_id", en->id,
		      "original_start", wire_instant(oc->original_start, z), "start",
		      wire_instant(oc->start, z), "end", wire_instant(oc->end, z), "overridden",
		      oc->overridden);
	entry_fields(oc->f, o);
	json_object_set_new(o, "work_item", work_item(en));
	return o;
}

json_t *wire_entry(const struct entry *en, const struct tz *z)
{
	json_t *o = json_pack("{s:s, s:o, s:o, s:s}", "id", en->id, "start",
			      wire_instant(en->start, z), "end", wire_instant(en->end, z),
			      "timezone", en->timezone);
	json_t *ex = json_array(), *ov = json_array();
	size_t i;

	entry_fields(&en->f, o);
	json_object_set_new(o, "work_item", work_item(en));
	json_object_set_new(o, "rrule", en->recurring ? json_string(en->rule.text) : json_null());
	for (i = 0; i < en->nexdates; i++)
		json_array_append_new(ex, wire_instant(en->exdates[i], z));
	json_object_set_new(o, "exdates", ex);
	for (i = 0; i < en->noverrides; i++) {
		const struct entry_override *x = &en->overrides[i];
		json_t *j = json_pack("{s:o, s:o, s:o}", "original_start",
				      wire_instant(x->original_start, z), "start",
				      wire_instant(x->start, z), "end", wire_instant(x->end, z));
		json_array_append_new(ov, entry_fields(&x->f, j));
	}
	json_object_set_new(o, "overrides", ov);
	json_object_set_new(o, "version", json_integer(en->version));
	json_object_set_new(o, "created_at", wire_instant(en->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(en->updated_at, NULL));
	return o;
}

json_t *wire_conflicts(const struct conflict *v, size_t n, const struct tz *z)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "kind",
				      cal_kind_name(v[i].kind), "id", v[i].id, "provider_id",
				      v[i].provider_id, "start", wire_instant(v[i].start, z), "end",
				      wire_instant(v[i].end, z), "occurrence_start",
				      wire_instant(v[i].occurrence_start, z));
		if (v[i].occurrence_id)
			json_object_set_new(o, "occurrence_id", json_string(v[i].occurrence_id));
		json_array_append_new(list, o);
	}
	return list;
}

json_t *wire_calendar_item(const struct cal_item *x, const struct tz *z)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "kind", cal_kind_name(x->kind), "id",
			      x->id, "provider_id", x->provider_id, "start",
			      wire_instant(x->start, z), "end", wire_instant(x->end, z));

	switch (x->kind) {
	case CAL_BOOKING:
		json_object_set_new(o, "status",
				    json_string(booking_status_name(x->booking->status)));
		json_object_set_new(o, "service_id", json_string(x->booking->service_id));
		json_object_set_new(o, "reference", json_string(x->booking->reference));
		json_object_set_new(o, "title", json_string(x->booking->customer_name));
		break;
	case CAL_ENTRY:
		json_object_set_new(o, "entry_id", json_string(x->entry->id));
		json_object_set_new(o, "title", json_string(x->occ.f->title));
		json_object_set_new(o, "status", json_string(entry_status_name(x->occ.f->status)));
		json_object_set_new(o, "work_item", work_item(x->entry));
		break;
	case CAL_TIME_OFF:
		json_object_set_new(o, "reason", wire_opt_str(x->time_off->reason));
		break;
	case CAL_HOLIDAY:
		json_object_set_new(o, "date", wire_date(x->day));
		json_object_set_new(o, "name", json_string(x->holiday->name));
		break;
	case CAL_EXTERNAL:
		json_object_set_new(o, "calendar_id", json_string(x->external->calendar_id));
		json_object_set_new(o, "calendar", json_string(x->external->calendar_name));
		break;
	case CAL_OVERRIDE:
		json_object_set_new(o, "date", wire_date(x->day));
		json_object_set_new(o, "closed", json_boolean(x->override->ov.hours.n == 0));
		json_object_set_new(o, "intervals", wire_hours(&x->override->ov.hours));
		json_object_set_new(o, "note", wire_opt_str(x->override->note));
		break;
	}
	return o;
}

json_t *wire_key(const struct api_key *k, const char *secret)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", k->id, "name", k->name, "role",
			      role_name(k->role));

	json_object_set_new(o, "provider_ids",
			    k->scoped ? wire_id_set((const id_t_ *)k->provider_ids, k->nproviders)
				      : json_null());
	json_object_set_new(o, "expires_at",
			    k->expires_at ? wire_instant(k->expires_at, NULL) : json_null());
	json_object_set_new(o, "last_used_at",
			    k->last_used_at ? wire_instant(k->last_used_at, NULL) : json_null());
	json_object_set_new(o, "created_at", wire_instant(k->created_at, NULL));
	if (secret)
		json_object_set_new(o, "secret", json_string(secret));
	return o;
}

json_t *wire_actor(const struct actor *a)
{
	return json_pack("{s:s, s:s, s:o}", "type", actor_type_name(a->type), "id", a->id, "role",
			 a->role >= 0 ? json_string(role_name((enum role)a->role)) : json_null());
}

json_t *wire_event(const struct event_rec *ev)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:o, s:o}", "id", ev->id, "seq",
			      (json_int_t)ev->seq, "type", ev->type, "subject_id", ev->subject_id,
			      "actor", wire_actor(&ev->actor), "request_id",
			      wire_opt_str(ev->request_id));

	json_object_set_new(o, "payload", wire_json_text(ev->payload));
	json_object_set_new(o, "changes", ev->changes ? wire_json_text(ev->changes) : json_null());
	json_object_set_new(o, "created_at", wire_instant(ev->created_at, NULL));
	return o;
}
