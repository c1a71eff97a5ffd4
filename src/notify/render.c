/* What an event says to people (render.h): recipients, template variables, the invitation
 * and the MIME message. Everything comes from the event's payload (the object as the change
 * left it), so a message sent late still tells what happened then; names come from the
 * catalog as it is now. */
#include "notify/render.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/itip.h"
#include "core/mime.h"
#include "core/msgtmpl.h"
#include "store/store_notify.h"
#include "util/ids.h"

/* What a message is about, read from the event. */
struct subject {
	const char *kind;		/* "booking" or "waitlist" */
	const char *id, *reference, *status, *locale, *notes;
	const char *customer_name, *customer_email, *customer_phone;
	const char *service_id, *provider_id;
	int64_t start, end;		/* booking: its time; waitlist: the offered start */
	int64_t previous_start;		/* rescheduled: the time before; 0 */
	int version;			/* the booking's, after the change */
	const char *price, *currency, *fee, *fee_reason;
	int reminder_minutes;		/* booking.reminder: the offset; 0 */
	int64_t offer_expires;		/* waitlist.offered */
	const char *location_type;	/* "in_person", "phone", "video"; "" = none */
	const char *location_value;	/* its address, phone or url; "" = none */
};

static const char *str_at(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static int64_t instant_at(json_t *o, const char *key)
{
	int64_t t = 0;
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || rfc3339_parse(s, &t))
		return 0;
	return t;
}

/* Reads the event into sub (strings point into root, which the caller frees). 1 when the
 * event is not about a booking or a waitlist offer. */
static int subject_read(const struct event_rec *ev, json_t **root, struct subject *sub)
{
	json_t *o, *c, *fee, *rem, *changes, *loc;

	memset(sub, 0, sizeof(*sub));
	sub->location_type = sub->location_value = "";
	*root = o = json_loads(ev->payload, 0, NULL);
	if (!o || !json_is_object(o))
		return 1;
	c = json_object_get(o, "customer");
	sub->id = str_at(o, "id");
	sub->customer_name = str_at(c, "name");
	sub->customer_email = str_at(c, "email");
	sub->customer_phone = str_at(c, "phone");
	sub->service_id = str_at(o, "service_id");
	sub->status = str_at(o, "status");
	/* Waitlist entries have no locale, reference or notes: "" rather than NULL. */
	sub->locale = str_at(o, "locale");
	sub->reference = sub->notes = "";
	if (!strncmp(ev->type, "waitlist.", 9)) {
		sub->kind = "waitlist";
		sub->provider_id = str_at(o, "offer_provider_id");
		sub->start = instant_at(o, "offer_start");
		sub->offer_expires = instant_at(o, "offer_expires_at");
		return 0;
	}
	sub->kind = "booking";
	sub->reference = str_at(o, "reference");
	sub->locale = str_at(o, "locale");
	sub->notes = str_at(o, "notes");
	sub->provider_id = str_at(o, "provider_id");
	sub->start = instant_at(o, "start");
	sub->end = instant_at(o, "end");
	sub->version = (int)json_integer_value(json_object_get(o, "version"));
	sub->price = str_at(o, "price");
	sub->currency = str_at(o, "currency");
	fee = json_object_get(o, "fee");
	sub->fee = str_at(fee, "amount");
	sub->fee_reason = str_at(fee, "reason");
	rem = json_object_get(o, "reminder");
	sub->reminder_minutes = (int)json_integer_value(json_object_get(rem, "offset_minutes"));
	loc = json_object_get(o, "location");
	sub->location_type = str_at(loc, "type");
	sub->location_value = !strcmp(sub->location_type, "in_person") ? str_at(loc, "address")
			      : !strcmp(sub->location_type, "phone")   ? str_at(loc, "phone")
								       : str_at(loc, "url");
	if (ev->changes && (changes = json_loads(ev->changes, 0, NULL))) {
		json_t *start = json_object_get(changes, "start");
		const char *before = json_string_value(json_array_get(start, 0));
		if (before)
			rfc3339_parse(before, &sub->previous_start);
		json_decref(changes);
	}
	return 0;
}

/* Whether ev mails anyone: a mailing type, and a no-show only when a fee is owed. */
static bool mails(const struct event_rec *ev, const struct subject *sub)
{
	if (!tmpl_type_mails(ev->type))
		return false;
	if (!strcmp(ev->type, "booking.no_show"))
		return *sub->fee != '\0';
	return true;
}

int notify_email_targets(const struct uc_env *env, struct store_tx *tx,
			 const struct event_rec *ev, struct arena *a, struct mail_target out[2],
			 size_t *n, struct err *e)
{
	struct subject sub;
	struct provider p;
	json_t *root = NULL;
	struct err ignored;

	(void)env;
	(void)a;
	(void)e;
	*n = 0;
	if (!tmpl_type_mails(ev->type) || subject_read(ev, &root, &sub) || !mails(ev, &sub)) {
		json_decref(root);
		return 0;
	}
	if (*sub.customer_email) {
		snprintf(out[*n].role, sizeof(out[*n].role), "customer");
		snprintf(out[*n].address, sizeof(out[*n].address), "%s", sub.customer_email);
		(*n)++;
	}
	err_init(&ignored);
	/* Waitlist offers go to the customer alone; a provider without an address (or deleted
	 * since) gets nothing. */
	if (!strcmp(sub.kind, "booking") && *sub.provider_id &&
	    !tx_provider_get(tx, sub.provider_id, &p, &ignored) && *p.email) {
		snprintf(out[*n].role, sizeof(out[*n].role), "provider");
		snprintf(out[*n].address, sizeof(out[*n].address), "%s", p.email);
		(*n)++;
	}
	json_decref(root);
	return 0;
}

/* --- variables --- */

#define VARS_MAX 40
#define WORD_MAX 160

struct vars {
	struct tmpl_val v[VARS_MAX];
	size_t n;
	struct arena *a;
};

static void var(struct vars *vs, const char *name, const char *value)
{
	if (vs->n < VARS_MAX)
		vs->v[vs->n++] = (struct tmpl_val){name, value ? value : ""};
}

static void varf(struct vars *vs, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void varf(struct vars *vs, const char *name, const char *fmt, ...)
{
	char tmp[WORD_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	var(vs, name, arena_strdup(vs->a, tmp));
}

/* The local date and time of utc in zone z, in locale words. */
static void local_words(const char *locale, const struct tz *z, int64_t utc, char date[WORD_MAX],
			char time[WORD_MAX])
{
	int64_t wall = z ? tz_to_wall(z, utc) : utc;
	int64_t day = floor_div(wall, 86400);
	int minutes = (int)((wall - day * 86400) / 60), y, m, d;

	civil_from_days(day, &y, &m, &d);
	/* weekday_from_days counts from Monday, locale_date from Sunday. */
	locale_date(locale, y, m, d, (weekday_from_days(day) + 1) % 7, date, WORD_MAX);
	locale_time(locale, minutes / 60, minutes % 60, time, WORD_MAX);
}

/* The manage link of booking id: the token derived from the tenant's link key, when it is
 * the token the booking has. NULL when there is none to give. */
static const char *manage_url(struct store_tx *tx, const struct notify_mail_config *mc,
			      const struct tenant_info *ti, const char *id, struct arena *a)
{
	char token[TOKEN_MAX], hash[TOKEN_HASH_MAX], stored[TOKEN_HASH_MAX], url[1024];
	struct err ignored;

	err_init(&ignored);
	if (!mc->public_url || !*mc->public_url || !*ti->link_secret || !*id ||
	    tx_booking_manage_hash(tx, id, stored, &ignored))
		return NULL;
	token_derive(token, "mt", ti->link_secret, id);
	token_hash(hash, token, strlen(token));
	if (strcmp(hash, stored) != 0)
		return NULL;
	snprintf(url, sizeof(url), "%s/book/%s/bookings/%s?token=%s", mc->public_url, ti->slug,
		 id, token);
	return arena_strdup(a, url);
}

/* Where the appointment takes place, as one line of text in locale for the recipient
 * (customer or not); NULL when the booking has no location. */
static const char *location_line(struct arena *a, const struct subject *sub,
				 const char *locale, bool customer)
{
	bool de = !strcmp(locale, "de");
	const char *v = sub->location_value;
	char line[1200], *p;

	if (!strcmp(sub->location_type, "in_person"))
		return *v ? v : NULL;
	if (!strcmp(sub->location_type, "phone")) {
		if (*v)
			snprintf(line, sizeof(line), "%s%s", de ? "Telefonisch: " : "By phone: ", v);
		else if (customer)
			snprintf(line, sizeof(line), "%s%s%s%s",
				 de ? "Telefonisch: wir rufen Sie" : "By phone: we will call you",
				 *sub->customer_phone ? (de ? " unter " : " at ") : "",
				 sub->customer_phone, de ? " an" : "");
		else
			snprintf(line, sizeof(line), "%s %s%s%s%s",
				 de ? "Telefonisch: Sie rufen" : "By phone: you call",
				 sub->customer_name, *sub->customer_phone ? (de ? " unter " : " at ") : "",
				 sub->customer_phone, de ? " an" : "");
		/* A line break the customer typed into their name becomes a space. */
		for (p = line; (p = strpbrk(p, "\r\n"));)
			*p = ' ';
		return arena_strdup(a, line);
	}
	if (!strcmp(sub->location_type, "video")) {
		if (*v)
			snprintf(line, sizeof(line), "%s%s", de ? "Videoanruf: " : "Video call: ", v);
		else
			snprintf(line, sizeof(line), "%s",
				 de ? "Videoanruf (der Link folgt)" : "Video call (the link follows)");
		return arena_strdup(a, line);
	}
	return NULL;
}

/* The reason given when the booking was cancelled or declined (its last such step). */
static const char *end_reason(struct store_tx *tx, const struct subject *sub, struct arena *a)
{
	struct booking_event *h;
	struct err ignored;
	size_t n;

	err_init(&ignored);
	if (tx_booking_history(tx, sub->id, a, &h, &n, &ignored))
		return NULL;
	while (n-- > 0)
		if (!strcmp(h[n].to_status, sub->status))
			return h[n].reason;
	return NULL;
}

static void vars_fill(struct vars *vs, struct store_tx *tx, const struct event_rec *ev,
		      const struct subject *sub, const char *role, const char *locale,
		      const struct tz *z, const char *recipient_name,
		      const struct notify_mail_config *mc, const struct tenant_info *ti,
		      const char *service_name, const char *provider_name)
{
	char date[WORD_MAX], start[WORD_MAX], end[WORD_MAX];
	bool customer = !strcmp(role, "customer");

	var(vs, "recipient_name", recipient_name);
	var(vs, "to_customer", customer ? "yes" : "");
	var(vs, "to_provider", customer ? "" : "yes");
	var(vs, "tenant_name", ti->name);
	var(vs, "customer_name", sub->customer_name);
	var(vs, "customer_email", sub->customer_email);
	var(vs, "customer_phone", sub->customer_phone);
	var(vs, "provider_name", provider_name);
	var(vs, "service_name", service_name);
	var(vs, "reference", sub->reference);
	var(vs, "status", sub->status);
	var(vs, "is_pending", !strcmp(sub->status, "pending") ? "yes" : "");
	var(vs, "timezone", z ? tz_name(z) : "UTC");
	var(vs, "notes", sub->notes);
	var(vs, "location", location_line(vs->a, sub, locale, customer));
	if (!strcmp(sub->location_type, "video"))
		var(vs, "location_url", sub->location_value);
	if (sub->start) {
		local_words(locale, z, sub->start, date, start);
		var(vs, "date", arena_strdup(vs->a, date));
		var(vs, "start_time", arena_strdup(vs->a, start));
	}
	if (sub->end) {
		local_words(locale, z, sub->end, date, end);
		var(vs, "end_time", arena_strdup(vs->a, end));
		varf(vs, "duration_minutes", "%lld", (long long)((sub->end - sub->start) / 60));
	}
	if (sub->previous_start) {
		local_words(locale, z, sub->previous_start, date, start);
		var(vs, "previous_date", arena_strdup(vs->a, date));
		var(vs, "previous_start_time", arena_strdup(vs->a, start));
	}
	if (sub->price && *sub->price)
		varf(vs, "price", "%s %s", sub->price, sub->currency);
	if (sub->fee && *sub->fee)
		varf(vs, "fee", "%s %s", sub->fee, sub->currency);
	var(vs, "fee_reason", sub->fee_reason);
	if (sub->reminder_minutes > 0) {
		locale_in(locale, sub->reminder_minutes, date, sizeof(date));
		var(vs, "reminder_when", arena_strdup(vs->a, date));
	}
	if (sub->offer_expires) {
		local_words(locale, z, sub->offer_expires, date, start);
		varf(vs, "offer_expires", "%s, %s", date, start);
	}
	if (!strcmp(sub->kind, "waitlist") && mc->public_url && *mc->public_url)
		varf(vs, "offer_url", "%s/book/%s?waitlist=%s", mc->public_url, ti->slug, sub->id);
	if (!strcmp(sub->kind, "booking") && customer)
		var(vs, "manage_url", manage_url(tx, mc, ti, sub->id, vs->a));
	if (!strcmp(sub->status, "cancelled") || !strcmp(sub->status, "declined"))
		var(vs, "reason", end_reason(tx, sub, vs->a));
	(void)ev;
}

/* --- the message --- */

/* The invitation of a booking message: REQUEST while it stands, CANCEL once cancelled or
 * declined (SEQUENCE the booking's version - 1), none for what ends it otherwise. */
static char *invitation(const struct uc_env *env, const struct event_rec *ev,
			const struct subject *sub, const struct tz *z, const char *summary,
			const char *description, const struct notify_mail_config *mc,
			const char *organizer_name, const char *to, const char *to_name,
			const char *location, const char **method)
{
	bool cancel = !strcmp(sub->status, "cancelled") || !strcmp(sub->status, "declined");
	char uid[ID_MAX + 8];
	struct itip it;

	if (strcmp(sub->kind, "booking") != 0 || !sub->start || !sub->end ||
	    (!cancel && strcmp(sub->status, "pending") != 0 && strcmp(sub->status, "confirmed") != 0))
		return NULL;
	snprintf(uid, sizeof(uid), "%s@slotd", sub->id);
	memset(&it, 0, sizeof(it));
	it.method = cancel ? ITIP_CANCEL : ITIP_REQUEST;
	it.uid = uid;
	/* As GET /v1/bookings/{id}.ics has it, so a calendar that imported that file takes
	 * these as updates too: every change raises the version, so each invitation supersedes
	 * the last. */
	it.sequence = sub->version > 0 ? sub->version - 1 : 0;
	it.start = sub->start;
	it.end = sub->end;
	it.zone = z;
	it.vtimezone = z ? tz_db_vtimezone(env->tz, tz_name(z), sub->start - 86400) : NULL;
	it.summary = summary;
	it.description = description;
	/* Calendars show LOCATION as is (and link what looks like a URL): the address, number
	 * or link itself when there is one. */
	it.location = *sub->location_value ? sub->location_value : location;
	if (!strcmp(sub->location_type, "video") && *sub->location_value)
		it.url = sub->location_value;
	it.organizer_email = mc->from;
	it.organizer_name = organizer_name;
	it.attendee_email = to;
	it.attendee_name = to_name;
	it.dtstamp = ev->created_at;
	it.tentative = !strcmp(sub->status, "pending");
	*method = itip_method_name(it.method);
	return itip_render(&it);
}

/* s as one header line: a line break in a name or a value (customers type them) becomes a
 * space, so it can neither start a header nor make mime_build refuse the message. */
static const char *one_line(struct arena *a, const char *s)
{
	char *copy, *p;

	if (!s || !strpbrk(s, "\r\n"))
		return s;
	copy = arena_strdup(a, s);
	for (p = copy; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return copy;
}

static const char *domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return at && at[1] ? at + 1 : "slotd.invalid";
}

int notify_render_email(const struct uc_env *env, struct store_tx *tx,
			const struct event_rec *ev, const char *role,
			const struct notify_mail_config *mc, struct arena *a, struct buf *out,
			char to[EMAIL_MAX_LEN + 1], struct err *e)
{
	struct message_template custom;
	const struct tmpl_builtin *builtin;
	struct tenant_settings settings;
	struct tenant_info ti;
	struct provider p;
	struct service sv;
	struct subject sub;
	struct vars vs = {.a = a};
	struct buf subject, text, html;
	struct mail_msg m;
	const char *locale, *tsubject, *ttext, *thtml, *to_name, *method = NULL;
	const struct tz *z = NULL;
	char zone[TZ_NAME_MAX], message_id[2 * ID_MAX + 300], *ics = NULL;
	struct err ignored;
	json_t *root = NULL;
	bool customer = !strcmp(role, "customer");
	int rc = -1;

	err_init(&ignored);
	if (subject_read(ev, &root, &sub) || !mails(ev, &sub)) {
		json_decref(root);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	memset(&sv, 0, sizeof(sv));
	if (*sub.provider_id && !tx_provider_get(tx, sub.provider_id, &p, &ignored))
		tx_provider_profile_read(tx, sub.provider_id, a, &p, &ignored);
	if (*sub.service_id)
		tx_service_get(tx, sub.service_id, a, &sv, &ignored);
	if (customer)
		snprintf(to, EMAIL_MAX_LEN + 1, "%s", sub.customer_email);
	else
		snprintf(to, EMAIL_MAX_LEN + 1, "%s", p.email);
	if (!*to) {
		json_decref(root);
		return 1;
	}
	to_name = customer ? sub.customer_name : p.name;
	if (tx_tenant_info(tx, false, &ti, e) || tx_settings_get(tx, &settings, e))
		goto done;
	locale = *sub.locale && tmpl_locale_ok(sub.locale)		? sub.locale
		 : *settings.locale && tmpl_locale_ok(settings.locale) ? settings.locale
								     : "en";
	/* The provider reads messages in their own language when they chose one. */
	if (!customer && p.locale && tmpl_locale_ok(p.locale))
		locale = p.locale;
	/* Times in the provider's zone: where the appointment happens. */
	if (*sub.provider_id && !tx_provider_zone(tx, sub.provider_id, zone, &ignored))
		z = tz_db_get(env->tz, zone);
	vars_fill(&vs, tx, ev, &sub, role, locale, z, to_name, mc, &ti, sv.name, p.name);

	if (!tx_template_get(tx, ev->type, locale, a, &custom, &ignored)) {
		tsubject = custom.subject;
		ttext = custom.text;
		thtml = custom.html;
	} else if ((builtin = tmpl_builtin(ev->type, locale))) {
		tsubject = builtin->subject;
		ttext = builtin->text;
		thtml = builtin->html;
	} else {
		json_decref(root);
		return 1;
	}
	buf_init(&subject, 4096);
	buf_init(&text, 1 << 20);
	buf_init(&html, 1 << 20);
	tmpl_render(tsubject, vs.v, vs.n, false, &subject);
	tmpl_render(ttext, vs.v, vs.n, false, &text);
	tmpl_render(thtml, vs.v, vs.n, true, &html);
	buf_addc(&subject, '\0');
	buf_addc(&text, '\0');
	buf_addc(&html, '\0');
	ics = invitation(env, ev, &sub, z, *sv.name ? sv.name : subject.ptr, text.ptr, mc,
			 ti.name, to, to_name, location_line(a, &sub, locale, customer), &method);
	/* One Message-ID per (event, recipient): a message sent again after a crash is the
	 * same message to mail clients. */
	snprintf(message_id, sizeof(message_id), "<%s.%s@%s>", ev->id, role, domain_of(mc->from));
	memset(&m, 0, sizeof(m));
	m.from = mc->from;
	m.from_name = one_line(a, mc->from_name ? mc->from_name : ti.name);
	m.to = to;
	m.to_name = one_line(a, to_name);
	m.subject = one_line(a, subject.ptr);
	m.text = text.ptr;
	m.html = html.ptr;
	m.ics = ics;
	m.ics_method = method;
	m.message_id = message_id;
	m.date = ev->created_at;
	rc = mime_build(&m, out, e);
	free(ics);
	buf_release(&subject);
	buf_release(&text);
	buf_release(&html);
done:
	json_decref(root);
	return rc;
}
