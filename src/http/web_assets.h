/* The web UI's built files, embedded in the binary at build time (cmake/embed_web.cmake). */
#ifndef SLOTD_HTTP_WEB_ASSETS_H
#define SLOTD_HTTP_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;		/* URL path: "/index.html", "/assets/index-3f9a.js"; NULL ends */
	const unsigned char *data;
	size_t len;
	const char *etag;		/* quoted, strong */
};

extern const struct web_asset slotd_web_assets[];

#endif
