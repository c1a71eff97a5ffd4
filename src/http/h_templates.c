/* /v1/templates: the e-mail templates of each mailing event type and locale — built in, or
 * the tenant's own — with their variables, checked on save, and previews. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"
#include "http/json_in.h"
#include "wire/wire_notify.h"

/* Characters (UTF-8 code points) of s. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* The body's text field key (up to UC_TEMPLATE_TEXT_MAX characters) into *out (pointing
 * into the body): 1 when given, 0 when absent or null, -1 when bad. */
static int get_text(json_t *o, const char *key, char **out, struct err *e)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t len;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_field(e, key[0] == 's' ? "/subject" : key[0] == 't' ? "/text" : "/html",
				 "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len != strlen(s) || utf8_chars(s, len) > UC_TEMPLATE_TEXT_MAX) {
		char ptr[16];
		snprintf(ptr, sizeof(ptr), "/%s", key);
		return err_field(e, ptr, "must be at most %d characters, without NUL",
				 UC_TEMPLATE_TEXT_MAX);
	}
	if (!strcmp(key, "subject") && strpbrk(s, "\r\n"))
		return err_field(e, "/subject", "must be one line");
	*out = (char *)s;
	return 1;
}

/* The path's event type and locale into t (not checked here: the use case answers 404). */
static int path_template(struct req *r, struct message_template *t, struct err *e)
{
	memset(t, 0, sizeof(*t));
	if (strlen(r->params[0]) >= sizeof(t->event_type) ||
	    strlen(r->params[1]) >= sizeof(t->locale))
		return err_set(e, ERR_NOT_FOUND, "no template %s/%s", r->params[0], r->params[1]);
	snprintf(t->event_type, sizeof(t->event_type), "%s", r->params[0]);
	snprintf(t->locale, sizeof(t->locale), "%s", r->params[1]);
	return 0;
}

int h_template_list(struct req *r, struct err *e)
{
	struct uc_template_item *v;
	json_t *items;
	size_t n, i;

	if (uc_template_list(&r->uc, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(
			items, json_pack("{s:s, s:s, s:b, s:o}", "event_type", v[i].event_type,
					 "locale", v[i].locale, "custom", v[i].custom, "updated_at",
					 v[i].custom ? wire_instant(v[i].updated_at, NULL)
						     : json_null()));
	return reply_json(r, 200, json_pack("{s:o}", "data", items));
}

int h_template_get(struct req *r, struct err *e)
{
	struct message_template t;
	bool custom;

	if (path_template(r, &t, e) ||
	    uc_template_get(&r->uc, t.event_type, t.locale, &t, &custom, e))
		return -1;
	return reply_json(r, 200, wire_template(&t, custom, true));
}

static const char *const template_keys[] = {"subject", "text", "html", NULL};

int h_template_put(struct req *r, struct err *e)
{
	static const char *const parts[] = {"subject", "text", "html"};
	struct message_template t;
	char **dst[3];
	size_t i;

	if (path_template(r, &t, e))
		return -1;
	dst[0] = &t.subject;
	dst[1] = &t.text;
	dst[2] = &t.html;
	json_only_keys(r->json, "", template_keys, e);
	for (i = 0; i < 3; i++)
		if (get_text(r->json, parts[i], dst[i], e) == 0)
			json_required("", parts[i], e);
	if (e->code || uc_template_put(&r->uc, &t, e))
		return -1;
	return reply_json(r, 200, wire_template(&t, true, true));
}

int h_template_delete(struct req *r, struct err *e)
{
	struct message_template t;

	if (path_template(r, &t, e) || uc_template_delete(&r->uc, t.event_type, t.locale, e))
		return -1;
	return reply_no_content(r);
}

static const char *const preview_keys[] = {"subject", "text", "html", "booking_id", NULL};

int h_template_preview(struct req *r, struct err *e)
{
	struct message_template t, out;
	const char *booking_id = NULL;
	json_t *o = r->json;
	json_t *b;

	if (path_template(r, &t, e))
		return -1;
	if (o) {
		json_only_keys(o, "", preview_keys, e);
		get_text(o, "subject", &t.subject, e);
		get_text(o, "text", &t.text, e);
		get_text(o, "html", &t.html, e);
		b = json_object_get(o, "booking_id");
		if (b && !json_is_null(b)) {
			booking_id = json_is_string(b) ? json_string_value(b) : NULL;
			if (!booking_id || !id_valid(booking_id, "bkg"))
				err_field(e, "/booking_id", "must be a booking id (bkg_…)");
		}
	}
	if (e->code || uc_template_preview(&r->uc, &t, booking_id, &out, e))
		return -1;
	return reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "subject", out.subject, "text",
					    out.text, "html", out.html));
}
