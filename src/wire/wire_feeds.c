#include "wire/wire_feeds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "wire/wire.h"

json_t *wire_feed(const struct feed *f, const char *url, const char *webcal_url)
{
	json_t *o =
	    json_pack("{s:s, s:o, s:s, s:o, s:i, s:i, s:o, s:o}", "id", f->id, "provider_id",
		      wire_opt_str(f->provider_id), "kind", feed_kind_name(f->kind), "name",
		      wire_opt_str(f->name), "days_back", f->days_back, "days_ahead", f->days_ahead,
		      "created_at", wire_instant(f->created_at, NULL), "last_used_at",
		      f->last_used_at ? wire_instant(f->last_used_at, NULL) : json_null());

	if (url)
		json_object_set_new(o, "url", json_string(url));
	if (webcal_url)
		json_object_set_new(o, "webcal_url", json_string(webcal_url));
	return o;
}

/* Written once by wire_links_init before the server starts its threads; read-only after. */
static const char *links_base = "";

void wire_links_init(const char *public_url)
{
	links_base = public_url ? public_url : "";
}

const char *wire_links_base(void)
{
	return links_base;
}

/* Appends s percent-encoded for a query value: all but RFC 3986's unreserved characters. */
static void add_encoded(char *out, size_t size, size_t *len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s && *len + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			out[(*len)++] = (char)c;
			continue;
		}
		out[(*len)++] = '%';
		out[(*len)++] = hex[c >> 4];
		out[(*len)++] = hex[c & 15];
	}
	out[*len] = '\0';
}

static void add_raw(char *out, size_t size, size_t *len, const char *s)
{
	int n = snprintf(out + *len, size - *len, "%s", s);

	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

/* The UTC instant t as "YYYYMMDDTHHMMSSZ" (basic) or "YYYY-MM-DDTHH:MM:SSZ" (extended). */
static void utc_text(int64_t t, bool basic, char out[24])
{
	int64_t day = floor_div(t, 86400), sod = t - day * 86400;
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 24, basic ? "%04d%02d%02dT%02d%02d%02dZ" : "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

#define LINK_MAX 4096

json_t *wire_booking_links(const struct booking *b)
{
	char ics[512], google[LINK_MAX], outlook[LINK_MAX], title[64], details[128];
	char start_b[24], end_b[24], start_x[24], end_x[24];
	size_t len = 0;

	snprintf(ics, sizeof(ics), "%s/v1/bookings/%s.ics", links_base, b->id);
	snprintf(title, sizeof(title), "Booking %s", b->reference);
	snprintf(details, sizeof(details), "Booking reference %s", b->reference);
	utc_text(b->start, true, start_b);
	utc_text(b->end, true, end_b);
	utc_text(b->start, false, start_x);
	utc_text(b->end, false, end_x);

	add_raw(google, sizeof(google), &len,
		"https://calendar.google.com/calendar/render?action=TEMPLATE&text=");
	add_encoded(google, sizeof(google), &len, title);
	add_raw(google, sizeof(google), &len, "&dates=");
	add_raw(google, sizeof(google), &len, start_b);
	add_raw(google, sizeof(google), &len, "/");
	add_raw(google, sizeof(google), &len, end_b);
	add_raw(google, sizeof(google), &len, "&details=");
	add_encoded(google, sizeof(google), &len, details);

	len = 0;
	add_raw(outlook, sizeof(outlook), &len,
		"https://outlook.live.com/calendar/0/deeplink/compose?path=/calendar/action/compose"
		"&rru=addevent&subject=");
	add_encoded(outlook, sizeof(outlook), &len, title);
	add_raw(outlook, sizeof(outlook), &len, "&startdt=");
	add_encoded(outlook, sizeof(outlook), &len, start_x);
	add_raw(outlook, sizeof(outlook), &len, "&enddt=");
	add_encoded(outlook, sizeof(outlook), &len, end_x);
	add_raw(outlook, sizeof(outlook), &len, "&body=");
	add_encoded(outlook, sizeof(outlook), &len, details);
	return json_pack("{s:s, s:s, s:s}", "ics", ics, "google_calendar", google, "outlook",
			 outlook);
}
