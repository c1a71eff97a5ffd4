/* The router's path matching (router_lookup), which every request goes through: the first
 * byte picks the method, the rest is the path as libmicrohttpd hands it over (already
 * %-decoded, so any byte but NUL). A match names a route of that method whose template the
 * path fits segment by segment, each "{}" standing for one non-empty segment. */
#include "fuzz.h"

#include "http/router.h"

#define PARAM_MAX_LEN 64	/* as the router bounds a path parameter */

/* True when path fits template t: the same number of '/'-separated segments, literal ones
 * equal, "{}" ones 1..PARAM_MAX_LEN bytes. */
static bool fits(const char *t, const char *path)
{
	for (;;) {
		size_t tn = strcspn(t, "/"), pn = strcspn(path, "/");
		if (tn == 2 && !strncmp(t, "{}", 2)) {
			if (pn == 0 || pn > PARAM_MAX_LEN)
				return false;
		} else if (tn != pn || strncmp(t, path, tn)) {
			return false;
		}
		if (!t[tn] || !path[pn])
			return !t[tn] && !path[pn];
		t += tn + 1;
		path += pn + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum http_method m;
	const char *t;
	char *path;
	int i;

	if (size < 1)
		return 0;
	m = (enum http_method)(data[0] % (HTTP_OTHER + 1));
	path = fuzz_cstr(data + 1, size - 1);
	t = router_lookup(m, path);
	i = router_find(m, path);
	fuzz_check((t == NULL) == (i < 0), "lookup and find agree");
	if (t) {
		fuzz_check((size_t)i < router_routes(), "a route of the table");
		fuzz_check(!strcmp(router_route_template((size_t)i), t), "its template");
		fuzz_check(router_route_method((size_t)i) == m, "its method");
		fuzz_check(fits(t, path), "the path fits the template");
	}
	free(path);
	return 0;
}
