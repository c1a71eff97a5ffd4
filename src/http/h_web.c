/* The web UI as built into the binary (web/, embedded by cmake/embed_web.cmake): the booking
 * and manage pages (one index.html that routes in the browser), its hashed assets, cached
 * for a year, and /embed.js for other websites. Pages carry a strict Content-Security-Policy
 * and never send a referrer (manage links hold a token). */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "http/gzip.h"
#include "http/h_common.h"
#include "http/web_assets.h"

/* Scripts, styles and API calls from this origin only; images also over https (a tenant's
 * logo). Booking pages may be framed by any site (that is what /embed.js does); manage pages
 * by none, so a cancel button cannot be dressed up by another page. */
#define CSP_BASE                                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " \
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "             \
	"form-action 'self'; "
#define CSP_BOOKING CSP_BASE "frame-ancestors *"
#define CSP_MANAGE CSP_BASE "frame-ancestors 'none'"
/* The staff console: never framed. Kept apart so its styles may be loosened alone should
 * the calendar grid need inline styles (scripts stay 'self' only). */
#define CSP_CONSOLE CSP_BASE "frame-ancestors 'none'"

/* Each file's gzip coding, made at its first request and kept (gzip_kept): coding the main
 * script afresh took 1.8 ms a request (bench/public_page.sh). Files past CODED_MAX go out
 * as they are. */
#define CODED_MAX 64

static _Atomic(struct gzip_kept *) kept[CODED_MAX];

static const struct web_asset *asset_find(const char *path)
{
	const struct web_asset *a;

	for (a = slotd_web_assets; a->path; a++)
		if (!strcmp(a->path, path))
			return a;
	return NULL;
}

static const char *type_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},	 {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"},		 {".png", "image/png"},
		{".ico", "image/x-icon"},		 {".json", "application/json"},
		{".woff2", "font/woff2"},		 {".txt", "text/plain; charset=utf-8"},
		{".webmanifest", "application/manifest+json"},
	};
	size_t n = strlen(path), i, k;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = strlen(types[i].ext);
		if (n > k && !strcmp(path + n - k, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

static int serve(struct req *r, const struct web_asset *a, const char *cache, struct err *e)
{
	size_t i;

	if (!a)
		return err_set(e, ERR_NOT_FOUND, slotd_web_assets[0].path
							  ? "no such file"
							  : "the web UI is not built into this binary");
	i = (size_t)(a - slotd_web_assets);
	return reply_file(r, a->data, a->len, a->etag, i < CODED_MAX ? &kept[i] : NULL, cache,
			  type_of(a->path));
}

static int page_of(struct req *r, const char *file, const char *csp, struct err *e)
{
	req_add_header(r, "Content-Security-Policy", csp);
	req_add_header(r, "Referrer-Policy", "no-referrer");
	return serve(r, asset_find(file), "no-cache", e);
}

static int page(struct req *r, const char *csp, struct err *e)
{
	return page_of(r, "/index.html", csp, e);
}

/* /book/{slug} and /book/{slug}/{service_id} */
int h_web_booking_page(struct req *r, struct err *e)
{
	return page(r, CSP_BOOKING, e);
}

/* /manage/{token} and /book/{slug}/bookings/{id}?token=… (the link in messages) */
int h_web_manage_page(struct req *r, struct err *e)
{
	return page(r, CSP_MANAGE, e);
}

/* /assets/{file}: names carry their content's hash, so they never change. */
int h_web_asset(struct req *r, struct err *e)
{
	char path[160];

	if (strlen(r->params[0]) > 120)
		return err_set(e, ERR_NOT_FOUND, "no such file");
	snprintf(path, sizeof(path), "/assets/%s", r->params[0]);
	return serve(r, asset_find(path), "public, max-age=31536000, immutable", e);
}

/* /embed.js: a stable name other sites link to, so revalidated after an hour. */
int h_web_embed(struct req *r, struct err *e)
{
	return serve(r, asset_find("/embed.js"), "public, max-age=3600", e);
}

/* /console and /console/{…}: the staff console, one page that routes in the browser. */
int h_web_console(struct req *r, struct err *e)
{
	req_add_header(r, "X-Frame-Options", "DENY");
	return page_of(r, "/console.html", CSP_CONSOLE, e);
}
