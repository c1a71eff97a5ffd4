/* GET /v1/openapi.json: the API's contract, docs/openapi.json as built into the binary
 * (cmake/embed.cmake). Public; cacheable, revalidated by its ETag. */
#include "http/handlers.h"

#include <string.h>

extern const unsigned char slotd_openapi_json[];
extern const size_t slotd_openapi_json_len;
extern const char slotd_openapi_json_etag[];

/* Whether If-None-Match ("*" or a list of ETags, weak or strong) names etag. */
static bool etag_listed(const char *h, const char *etag)
{
	size_t n = strlen(etag);

	while (h && *h) {
		h += strspn(h, " \t,");
		if (*h == '*')
			return true;
		if (!strncmp(h, "W/", 2))
			h += 2;
		if (!strncmp(h, etag, n) && (h[n] == '\0' || h[n] == ',' || h[n] == ' '))
			return true;
		h = strchr(h, ',');
	}
	return false;
}

int h_openapi(struct req *r, struct err *e)
{
	(void)e;
	req_add_header(r, "ETag", slotd_openapi_json_etag);
	req_add_header(r, "Cache-Control", "public, max-age=86400");
	buf_reset(&r->out);
	if (etag_listed(req_header(r, "If-None-Match"), slotd_openapi_json_etag)) {
		r->status = 304;
		r->content_type = NULL;
		return 0;
	}
	buf_add(&r->out, slotd_openapi_json, slotd_openapi_json_len);
	r->status = 200;
	r->content_type = "application/json";
	return 0;
}
