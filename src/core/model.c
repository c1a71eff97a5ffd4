#include "core/model.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {"admin", "staff", "customer"};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "unknown";
}

int role_parse(const char *s, enum role *out)
{
	int i;

	for (i = 0; i < ROLE__COUNT; i++) {
		if (!strcmp(s, role_names[i])) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}
