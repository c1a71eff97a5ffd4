#include "core/msgtmpl.h"

#include <string.h>

#include "util/err.h"

#define NAME_MAX_LEN 64		/* longer names are no tag */
#define RENDER_STACK 32		/* sections deeper than this render as if absent */

static const struct tmpl_var_doc vars[] = {
	{ "recipient_name", "name of the person the message is written to" },
	{ "to_customer", "\"yes\" in the message to the customer, else empty" },
	{ "to_provider", "\"yes\" in the message to the provider, else empty" },
	{ "tenant_name", "name of the business" },
	{ "customer_name", "customer's name" },
	{ "customer_email", "customer's e-mail address" },
	{ "customer_phone", "customer's phone number, when given" },
	{ "provider_name", "provider's name" },
	{ "service_name", "name of the booked service" },
	{ "reference", "booking reference" },
	{ "status", "booking status (pending, confirmed, cancelled, declined, ...)" },
	{ "is_pending", "\"yes\" while the booking awaits the provider's confirmation, else empty" },
	{ "date", "long local date of the start, e.g. Monday, 14 December 2026" },
	{ "start_time", "local start time, e.g. 3:30 PM or 15:30" },
	{ "end_time", "local end time" },
	{ "timezone", "time zone of the times, e.g. Europe/Berlin" },
	{ "duration_minutes", "length of the appointment in minutes" },
	{ "price", "price with its currency, when the service has one" },
	{ "fee", "fee owed with its currency (cancellation, late change, no-show), else empty" },
	{ "fee_reason", "why the fee is owed" },
	{ "previous_date", "long local date before a reschedule" },
	{ "previous_start_time", "local start time before a reschedule" },
	{ "reminder_when", "how long until the start, e.g. in 1 hour" },
	{ "offer_expires", "local date and time a waiting-list offer ends" },
	{ "offer_url", "link that takes a waiting-list offer" },
	{ "manage_url", "link to view, reschedule or cancel the booking" },
	{ "location", "where the appointment takes place, one line: the address, the phone"
		      " arrangement or the video link" },
	{ "location_url", "link of the video call, when the appointment is one, else empty" },
	{ "notes", "the customer's notes" },
	{ "reason", "reason given for a cancellation or decline" },
};

#define NVARS (sizeof(vars) / sizeof(vars[0]))

const struct tmpl_var_doc *tmpl_vars(size_t *n)
{
	*n = NVARS;
	return vars;
}

static bool var_known(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NVARS; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return true;
	return false;
}

enum tag_kind { TAG_VAR, TAG_SECTION, TAG_INVERTED, TAG_CLOSE };

struct tag {
	enum tag_kind kind;
	const char *name;
	size_t name_len;
	size_t len;		/* of the whole tag, braces included */
};

/* Whether a tag of the syntax starts at p (which points at "{{"), filling *t. */
static bool tag_at(const char *p, struct tag *t)
{
	const char *q = p + 2;

	t->kind = TAG_VAR;
	if (*q == '#' || *q == '^' || *q == '/') {
		t->kind = *q == '#' ? TAG_SECTION : *q == '^' ? TAG_INVERTED : TAG_CLOSE;
		q++;
	}
	t->name = q;
	while ((*q >= 'a' && *q <= 'z') || *q == '_')
		q++;
	t->name_len = (size_t)(q - t->name);
	if (t->name_len == 0 || t->name_len > NAME_MAX_LEN || q[0] != '}' || q[1] != '}')
		return false;
	t->len = (size_t)(q + 2 - p);
	return true;
}

static bool same_name(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Checks text; on failure writes the reason to msg and returns -1. */
static int check(const char *text, char *msg, size_t n)
{
	struct {
		const char *name;
		size_t len;
	} open[TMPL_DEPTH];
	size_t depth = 0;
	const char *p = text, *q;
	struct tag t;

	if (strlen(text) > TMPL_MAX) {
		snprintf(msg, n, "is longer than %d bytes", TMPL_MAX);
		return -1;
	}
	while ((q = strstr(p, "{{"))) {
		if (!tag_at(q, &t)) {
			size_t show = strcspn(q, "\r\n");
			snprintf(msg, n, "has a malformed tag \"%.*s\"", (int)(show > 24 ? 24 : show),
				 q);
			return -1;
		}
		p = q + t.len;
		if (!var_known(t.name, t.name_len)) {
			snprintf(msg, n, "uses an unknown variable \"%.*s\"", (int)t.name_len, t.name);
			return -1;
		}
		if (t.kind == TAG_SECTION || t.kind == TAG_INVERTED) {
			if (depth == TMPL_DEPTH) {
				snprintf(msg, n, "nests sections deeper than %d", TMPL_DEPTH);
				return -1;
			}
			open[depth].name = t.name;
			open[depth++].len = t.name_len;
		} else if (t.kind == TAG_CLOSE) {
			if (depth == 0) {
				snprintf(msg, n, "closes section \"%.*s\" that is not open",
					 (int)t.name_len, t.name);
				return -1;
			}
			depth--;
			if (!same_name(open[depth].name, open[depth].len, t.name, t.name_len)) {
				snprintf(msg, n, "closes section \"%.*s\" with \"%.*s\"",
					 (int)open[depth].len, open[depth].name, (int)t.name_len,
					 t.name);
				return -1;
			}
		}
	}
	if (depth) {
		snprintf(msg, n, "leaves section \"%.*s\" open", (int)open[depth - 1].len,
			 open[depth - 1].name);
		return -1;
	}
	return 0;
}

int tmpl_check(const char *text, struct err *e)
{
	char msg[160];

	if (check(text, msg, sizeof(msg)) < 0)
		return err_set(e, ERR_INVALID, "the template %s", msg);
	return 0;
}

int tmpl_check_field(const char *text, const char *field, struct err *e)
{
	char msg[160];

	if (check(text, msg, sizeof(msg)) < 0)
		return err_field(e, field, "%s", msg);
	return 0;
}

static const char *value_of(const struct tmpl_val *vals, size_t n, const char *name,
			    size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vals[i].name && strlen(vals[i].name) == len &&
		    memcmp(vals[i].name, name, len) == 0)
			return vals[i].value ? vals[i].value : "";
	return "";
}

static void add_escaped(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			buf_addc(out, *s);
		}
	}
}

void tmpl_render(const char *text, const struct tmpl_val *vals, size_t n, bool html,
		 struct buf *out)
{
	struct {
		const char *name;
		size_t len;
		bool outer_active;
	} open[RENDER_STACK];
	size_t depth = 0;
	bool active = true;
	const char *p = text, *q;
	struct tag t;

	while ((q = strstr(p, "{{"))) {
		if (active)
			buf_add(out, p, (size_t)(q - p));
		if (!tag_at(q, &t)) {
			/* One brace only: "{{{name}}}" is a brace around a tag. */
			if (active)
				buf_addc(out, '{');
			p = q + 1;
			continue;
		}
		p = q + t.len;
		if (t.kind == TAG_VAR) {
			const char *v = value_of(vals, n, t.name, t.name_len);
			if (!active)
				continue;
			if (html)
				add_escaped(out, v);
			else
				buf_adds(out, v);
		} else if (t.kind == TAG_SECTION || t.kind == TAG_INVERTED) {
			bool set = *value_of(vals, n, t.name, t.name_len) != '\0';
			if (depth == RENDER_STACK)
				continue;
			open[depth].name = t.name;
			open[depth].len = t.name_len;
			open[depth++].outer_active = active;
			active = active && set == (t.kind == TAG_SECTION);
		} else if (depth &&
			   same_name(open[depth - 1].name, open[depth - 1].len, t.name, t.name_len)) {
			active = open[--depth].outer_active;
		}
	}
	if (active)
		buf_adds(out, p);
}

static const char *const types[] = {
	"booking.created",   "booking.confirmed", "booking.declined",
	"booking.cancelled", "booking.rescheduled", "booking.reminder",
	"booking.no_show",   "waitlist.offered",
};

const char *const *tmpl_types(size_t *n)
{
	*n = sizeof(types) / sizeof(types[0]);
	return types;
}

bool tmpl_type_mails(const char *event_type)
{
	size_t i;

	for (i = 0; event_type && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i], event_type) == 0)
			return true;
	return false;
}

bool tmpl_locale_ok(const char *locale)
{
	return locale && (strcmp(locale, "en") == 0 || strcmp(locale, "de") == 0);
}

static bool is_de(const char *locale)
{
	return locale && strcmp(locale, "de") == 0;
}

void locale_date(const char *locale, int y, int m, int d, int wday, char *out, size_t n)
{
	static const char *const en_day[] = { "Sunday",	  "Monday", "Tuesday", "Wednesday",
					      "Thursday", "Friday", "Saturday" };
	static const char *const de_day[] = { "Sonntag",    "Montag",  "Dienstag", "Mittwoch",
					      "Donnerstag", "Freitag", "Samstag" };
	static const char *const en_month[] = { "January", "February", "March",     "April",
						"May",	   "June",     "July",	    "August",
						"September", "October", "November", "December" };
	static const char *const de_month[] = { "Januar", "Februar", "März",	 "April",
						"Mai",	  "Juni",    "Juli",	 "August",
						"September", "Oktober", "November", "Dezember" };

	if (m < 1 || m > 12 || wday < 0 || wday > 6) {
		snprintf(out, n, "%04d-%02d-%02d", y, m, d);
		return;
	}
	if (is_de(locale))
		snprintf(out, n, "%s, %d. %s %d", de_day[wday], d, de_month[m - 1], y);
	else
		snprintf(out, n, "%s, %d %s %d", en_day[wday], d, en_month[m - 1], y);
}

void locale_time(const char *locale, int h, int min, char *out, size_t n)
{
	if (is_de(locale)) {
		snprintf(out, n, "%02d:%02d", h, min);
		return;
	}
	snprintf(out, n, "%d:%02d %s", h % 12 == 0 ? 12 : h % 12, min, h < 12 ? "AM" : "PM");
}

void locale_in(const char *locale, int minutes, char *out, size_t n)
{
	bool de = is_de(locale);
	int hours, mins, days;

	if (minutes < 0)
		minutes = 0;
	if (minutes > 0 && minutes % 1440 == 0) {
		days = minutes / 1440;
		if (de)
			snprintf(out, n, "in %d %s", days, days == 1 ? "Tag" : "Tagen");
		else
			snprintf(out, n, "in %d %s", days, days == 1 ? "day" : "days");
		return;
	}
	hours = minutes / 60;
	mins = minutes % 60;
	if (de) {
		const char *hw = hours == 1 ? "Stunde" : "Stunden";
		const char *mw = mins == 1 ? "Minute" : "Minuten";
		if (hours && mins)
			snprintf(out, n, "in %d %s und %d %s", hours, hw, mins, mw);
		else if (hours)
			snprintf(out, n, "in %d %s", hours, hw);
		else
			snprintf(out, n, "in %d %s", mins, mw);
		return;
	}
	if (hours && mins)
		snprintf(out, n, "in %d %s %d %s", hours, hours == 1 ? "hour" : "hours", mins,
			 mins == 1 ? "minute" : "minutes");
	else if (hours)
		snprintf(out, n, "in %d %s", hours, hours == 1 ? "hour" : "hours");
	else
		snprintf(out, n, "in %d %s", mins, mins == 1 ? "minute" : "minutes");
}
