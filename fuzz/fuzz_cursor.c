/* List cursors (?cursor=, the last id of the previous page) and ids in paths and bodies: the
 * shape check every id a client sends goes through. The first byte picks the id kind. */
#include "fuzz.h"

#include "util/ids.h"

static const char *const prefixes[] = {"prv", "svc", "bkg", "hld", "wtl", "ent", "hol",
				       "ovr", "tof", "key"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *prefix;
	char *s;

	if (size < 1)
		return 0;
	prefix = prefixes[data[0] % (sizeof(prefixes) / sizeof(prefixes[0]))];
	s = fuzz_cstr(data + 1, size - 1);
	if (id_valid(s, prefix)) {
		/* A valid id fits the buffers ids are copied into and carries its prefix. */
		fuzz_check(strlen(s) < ID_MAX, "id length");
		fuzz_check(!strncmp(s, prefix, strlen(prefix)) && s[strlen(prefix)] == '_',
			   "id prefix");
	}
	free(s);
	return 0;
}
