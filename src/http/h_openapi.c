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
	static _Atomic(struct gzip_kept *) kept;

	(void)e;
	return reply_file(r, slotd_openapi_json, slotd_openapi_json_len, slotd_openapi_json_etag,
			  &kept, "public, max-age=86400", "application/json");
}
