#include "core/profile.h"

#include <string.h>

static bool alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool alnum(char c)
{
	return alpha(c) || (c >= '0' && c <= '9');
}

bool lang_tag_valid(const char *s)
{
	size_t n, i;

	if (!s || strlen(s) > 35)
		return false;
	for (n = 0; alpha(s[n]); n++)
		;
	if (n < 2 || n > 3 || (s[n] && s[n] != '-'))
		return false;
	while (s[n] == '-') {
		s += n + 1;
		for (i = 0; alnum(s[i]); i++)
			;
		if (i < 1 || i > 8 || (s[i] && s[i] != '-'))
			return false;
		n = i;
	}
	return true;
}
