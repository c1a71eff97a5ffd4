#include "core/location.h"

#include <stdio.h>
#include <string.h>

static const char *const placeholders[] = {"tenant", "reference", "booking_id",
					   "provider_id"};
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

bool web_url_valid(const char *s, size_t max)
{
	size_t n, skip;
	const char *p;

	if (!s)
		return false;
	n = strlen(s);
	if (!strncmp(s, "https://", 8))
		skip = 8;
	else if (!strncmp(s, "http://", 7))
		skip = 7;
	else
		return false;
	if (n > max || n == skip || strchr("/?#:@", s[skip]))
		return false;
	/* No user information: "https://trusted.example@other.example/" leads elsewhere. */
	if (memchr(s + skip, '@', strcspn(s + skip, "/?#")))
		return false;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c == 0x7f || strchr("\"'<>\\`", c))
			return false;
	}
	return true;
}

/* The index of the placeholder named by name[0..len), or -1. */
static int placeholder_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NPLACEHOLDERS; i++)
		if (strlen(placeholders[i]) == len && !memcmp(placeholders[i], name, len))
			return (int)i;
	return -1;
}

static const char *var_value(const struct location_vars *v, int which)
{
	const char *vals[NPLACEHOLDERS] = {v->tenant, v->reference, v->booking_id,
					   v->provider_id};

	return vals[which] ? vals[which] : "";
}

/* Appends s to out at *at, percent-encoding when encode; -1 when it does not fit. */
static int put(char *out, size_t size, size_t *at, const char *s, size_t n, bool encode)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = !encode || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		if (*at + (plain ? 1 : 3) >= size)
			return -1;
		if (plain) {
			out[(*at)++] = (char)c;
		} else {
			out[(*at)++] = '%';
			out[(*at)++] = hex[c >> 4];
			out[(*at)++] = hex[c & 15];
		}
	}
	out[*at] = '\0';
	return 0;
}

/* Expands tpl; with e, says why it cannot be (the URL check is the caller's). */
static int expand(const char *tpl, const struct location_vars *v, char *out, size_t size,
		  struct err *e)
{
	const char *p = tpl;
	size_t at = 0;
	int count = 0;

	out[0] = '\0';
	while (*p) {
		const char *open = strpbrk(p, "{}");
		const char *close;
		int which;

		if (!open)
			open = p + strlen(p);
		if (put(out, size, &at, p, (size_t)(open - p), false))
			goto too_long;
		if (!*open)
			break;
		if (*open == '}') {
			out[0] = '\0';
			return err_set(e, ERR_INVALID, "has a \"}\" without its \"{\"");
		}
		close = strchr(open + 1, '}');
		if (!close || memchr(open + 1, '{', (size_t)(close - open - 1))) {
			out[0] = '\0';
			return err_set(e, ERR_INVALID, "has a \"{\" without its \"}\"");
		}
		which = placeholder_find(open + 1, (size_t)(close - open - 1));
		if (which < 0) {
			out[0] = '\0';
			return err_set(e, ERR_INVALID,
				       "has unknown placeholder \"%.*s\" (known: {tenant},"
				       " {reference}, {booking_id}, {provider_id})",
				       (int)(close - open + 1 > 64 ? 64 : close - open + 1), open);
		}
		if (++count > LOCATION_PLACEHOLDERS_MAX) {
			out[0] = '\0';
			return err_set(e, ERR_INVALID, "has more than %d placeholders",
				       LOCATION_PLACEHOLDERS_MAX);
		}
		if (put(out, size, &at, var_value(v, which), strlen(var_value(v, which)), true))
			goto too_long;
		p = close + 1;
	}
	return 0;
too_long:
	out[0] = '\0';
	return err_set(e, ERR_INVALID, "is too long once its placeholders are filled");
}

int location_template_check(const char *tpl, struct err *e)
{
	/* Sample values as long as real ones may be, so a template that passes fits. */
	static const struct location_vars sample = {
		"tenant-slug-of-sixty-three-bytes-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"ABCD2345", "bkg_0123456789abcdef0123456", "prv_0123456789abcdef0123456"};
	char url[LOCATION_VALUE_MAX + 1];

	if (strlen(tpl) > LOCATION_TEMPLATE_MAX)
		return err_set(e, ERR_INVALID, "must be at most %d bytes", LOCATION_TEMPLATE_MAX);
	if (expand(tpl, &sample, url, sizeof(url), e))
		return -1;
	if (!web_url_valid(url, LOCATION_VALUE_MAX))
		return err_set(e, ERR_INVALID, "must give an http(s) URL");
	return 0;
}

int location_expand(const char *tpl, const struct location_vars *v, char *out, size_t size)
{
	struct err ignored;

	err_init(&ignored);
	return expand(tpl, v, out, size, &ignored);
}

void location_resolve(const struct location *service_loc, const char *provider_video_url,
		      const struct location_vars *v, struct location *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = service_loc->kind;
	if (service_loc->kind != LOCATION_VIDEO) {
		snprintf(out->value, sizeof(out->value), "%s", service_loc->value);
		return;
	}
	if (*service_loc->value) {
		if (location_expand(service_loc->value, v, out->value, sizeof(out->value)) ||
		    !web_url_valid(out->value, LOCATION_VALUE_MAX))
			out->value[0] = '\0';
		return;
	}
	if (provider_video_url && strlen(provider_video_url) <= LOCATION_VALUE_MAX)
		snprintf(out->value, sizeof(out->value), "%s", provider_video_url);
}
