/* Where an appointment takes place, from a service's location to a booking's: the video
 * URL template (its placeholders, its check and its expansion) and the one line of text
 * messages show. struct location itself is in core/model.h. */
#ifndef SLOTD_CORE_LOCATION_H
#define SLOTD_CORE_LOCATION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/err.h"

#define LOCATION_ADDRESS_MAX 500	/* in_person address, bytes */
#define LOCATION_TEMPLATE_MAX 500	/* video url_template, bytes */
#define LOCATION_PLACEHOLDERS_MAX 6	/* placeholders in one template */
#define WEB_URL_MAX 2048		/* photo_url, video_url */

/* Whether s is an http(s) URL: "http://" or "https://", a host (no user information
 * before an "@"), at most max bytes, no spaces, control characters, quotes, "<", ">" or
 * backslashes. */
bool web_url_valid(const char *s, size_t max);

/* Checks a video URL template: each "{…}" one of {tenant}, {reference}, {booking_id},
 * {provider_id} (at most LOCATION_PLACEHOLDERS_MAX), braces balanced, and the template with
 * its placeholders filled an http(s) URL. Errors: ERR_INVALID with a message naming the
 * problem (e.g. unknown placeholder "{foo}"). */
int location_template_check(const char *tpl, struct err *e);

/* What a template's placeholders stand for (each NUL-terminated; "" when unknown). */
struct location_vars {
	const char *tenant;		/* the tenant's slug */
	const char *reference;
	const char *booking_id;
	const char *provider_id;
};

/* Expands tpl into out (size bytes): each placeholder becomes its value with every byte
 * outside [A-Za-z0-9-._~] percent-encoded. Returns 0, or -1 (out "") when tpl is not a valid
 * template or the result does not fit. */
int location_expand(const char *tpl, const struct location_vars *v, char *out, size_t size);

/* A booking's location from its service's: in person and phone are copied; video becomes
 * the expanded url_template, else provider_video_url (NULL or "" = none: the value is
 * ""). */
void location_resolve(const struct location *service_loc, const char *provider_video_url,
		      const struct location_vars *v, struct location *out);

#endif
