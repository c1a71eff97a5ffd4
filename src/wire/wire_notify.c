/* Webhook endpoints, deliveries and message templates on the wire. */
#include "wire/wire_notify.h"

#include <string.h>

#include "core/msgtmpl.h"
#include "wire/wire.h"

static json_t *opt_instant(int64_t utc)
{
	return utc ? wire_instant(utc, NULL) : json_null();
}

json_t *wire_endpoint(const struct webhook_endpoint *w, int64_t now, const char *secret)
{
	json_t *types = json_array();
	json_t *o;
	size_t i;

	for (i = 0; i < w->ntypes; i++)
		json_array_append_new(types, json_string(w->types[i]));
	o = json_pack("{s:s, s:s, s:o, s:b, s:o, s:o, s:o}", "id", w->id, "url", w->url,
		      "event_types", types, "enabled", w->enabled, "description",
		      wire_opt_str(w->description), "disabled_reason",
		      wire_opt_str(w->disabled_reason), "failing_since",
		      opt_instant(w->failing_since));
	json_object_set_new(o, "secret_rotation_until",
			    *w->previous_secret && w->previous_until > now
				    ? wire_instant(w->previous_until, NULL)
				    : json_null());
	json_object_set_new(o, "created_at", wire_instant(w->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(w->updated_at, NULL));
	if (secret)
		json_object_set_new(o, "secret", json_string(secret));
	return o;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates), or
 * 0 when none starts there. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* A receiver's answer (or an error naming it) as a JSON string, null when empty: what is
 * not UTF-8 (a Latin-1 page, a character cut at 1 KB) becomes U+FFFD, so the attempt is
 * still shown. */
static json_t *answer_text(const char *s)
{
	char out[3 * sizeof(((struct delivery_attempt *)0)->response) + 1];
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	if (!*p)
		return json_null();
	while (*p && o + 4 < sizeof(out)) {
		n = utf8_seq(p);
		if (n) {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	return json_stringn(out, o);
}

static json_t *wire_attempt(const struct delivery_attempt *t)
{
	return json_pack("{s:i, s:o, s:I, s:o, s:o, s:o}", "attempt", t->attempt, "started_at",
			 wire_instant(t->started_at / 1000, NULL), "duration_ms",
			 (json_int_t)t->duration_ms, "status_code",
			 t->status_code ? json_integer(t->status_code) : json_null(), "response",
			 answer_text(t->response), "error", answer_text(t->error));
}

json_t *wire_delivery(const struct delivery *d, bool log, const struct delivery_attempt *attempts,
		      size_t n)
{
	bool mail = d->channel == CHANNEL_EMAIL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:i}", "id", d->id,
			      "event_id", d->event_id, "event_type", d->event_type, "channel",
			      delivery_channel_name(d->channel), "endpoint_id",
			      mail ? json_null() : wire_opt_str(d->endpoint_id), "recipient",
			      mail ? wire_opt_str(d->recipient) : json_null(), "recipient_role",
			      mail ? wire_opt_str(d->recipient_role) : json_null(), "status",
			      delivery_status_name(d->status), "attempts", d->attempts);
	size_t i;

	json_object_set_new(o, "next_attempt_at",
			    d->status == DELIVERY_PENDING ? opt_instant(d->next_attempt_at)
							  : json_null());
	json_object_set_new(o, "last_status",
			    d->last_status ? json_integer(d->last_status) : json_null());
	json_object_set_new(o, "last_error", answer_text(d->last_error));
	json_object_set_new(o, "created_at", wire_instant(d->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(d->updated_at, NULL));
	if (log) {
		json_t *list = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(list, wire_attempt(&attempts[i]));
		json_object_set_new(o, "attempt_log", list);
	}
	return o;
}

json_t *wire_template(const struct message_template *t, bool custom, bool vars)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "event_type", t->event_type,
			      "locale", t->locale, "subject", t->subject ? t->subject : "", "text",
			      t->text ? t->text : "", "html", t->html ? t->html : "", "custom",
			      custom);
	const struct tmpl_var_doc *docs;
	json_t *list;
	size_t n, i;

	if (!vars)
		return o;
	docs = tmpl_vars(&n);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "name", docs[i].name,
						      "description", docs[i].description));
	json_object_set_new(o, "variables", list);
	return o;
}
