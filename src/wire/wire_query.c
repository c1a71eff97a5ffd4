#include "wire/wire_query.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int wire_idempotency_key(const char *text, char out[WIRE_IDEMPOTENCY_KEY_MAX + 1],
			 struct err *e)
{
	size_t n = strlen(text), i;

	if (n >= 2 && text[0] == '"' && text[n - 1] == '"') {
		text++;
		n -= 2;
	}
	if (n == 0 || n > WIRE_IDEMPOTENCY_KEY_MAX)
		return err_set(e, ERR_MALFORMED, "Idempotency-Key must be 1 to %d characters",
			       WIRE_IDEMPOTENCY_KEY_MAX);
	for (i = 0; i < n; i++)
		if (text[i] < 0x21 || text[i] > 0x7e)
			return err_set(e, ERR_MALFORMED,
				       "Idempotency-Key must be printable ASCII without spaces");
	memcpy(out, text, n);
	out[n] = '\0';
	return 0;
}

int wire_int_value(const char *text, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (end == text || *end || errno == ERANGE || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int wire_id_list(const char *text, const char *name, const char *prefix, const char *noun,
		 size_t max, char (*out)[ID_MAX], size_t *n, struct err *e)
{
	const char *v = text;

	*n = 0;
	while (*v) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v), i;
		char id[ID_MAX];

		if (len == 0 || len >= ID_MAX)
			return err_field_code(e, ERR_INVALID, name, "must be comma-separated %s ids",
					      noun);
		memcpy(id, v, len);
		id[len] = '\0';
		if (!id_valid(id, prefix))
			return err_field_code(e, ERR_INVALID, name, "\"%s\" is not a %s id", id,
					      noun);
		for (i = 0; i < *n && strcmp(out[i], id); i++)
			;
		if (i == *n) {
			if (*n == max)
				return err_field_code(e, ERR_RANGE, name, "at most %zu %ss at once",
						      max, noun);
			memcpy(out[(*n)++], id, ID_MAX);
		}
		v += len + (comma ? 1 : 0);
		if (comma && !*v)
			return err_field_code(e, ERR_INVALID, name, "must not end with a comma");
	}
	return 0;
}

int wire_etag_version(const char *text, int *version)
{
	char *end;
	long v;

	if (!strncmp(text, "W/", 2))
		text += 2;
	if (*text == '"')
		text++;
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || errno == ERANGE || v < 1 || v > INT_MAX ||
	    (*end && strcmp(end, "\"") != 0))
		return -1;
	*version = (int)v;
	return 0;
}
