/* GET /v1/openapi.json: the API's contract, docs/openapi.json as built into the binary
 * (cmake/embed.cmake). Public; cacheable, revalidated by its ETag. */
#include "http/handlers.h"

#include <string.h>

#include "http/h_common.h"

extern const unsigned char slotd_openapi_json[];
extern const size_t slotd_openapi_json_len;
extern const char slotd_openapi_json_etag[];

int h_openapi(struct req *r, struct err *e)
{
	(void)e;
	req_add_header(r, "ETag", slotd_openapi_json_etag);
	r->etag_of_bytes = true;
	req_add_header(r, "Cache-Control", "public, max-age=86400");
	if (reply_not_modified(r, slotd_openapi_json_etag, slotd_openapi_json_len))
		return 0;
	buf_add(&r->out, slotd_openapi_json, slotd_openapi_json_len);
	r->status = 200;
	r->content_type = "application/json";
	return 0;
}
