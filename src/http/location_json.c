#include "http/location_json.h"

#include <stdio.h>
#include <string.h>

#include "core/location.h"
#include "http/json_in.h"

/* The kind's value key in an input object, and its maximum length. */
static const char *value_key(enum location_kind k, size_t *max)
{
	switch (k) {
	case LOCATION_IN_PERSON:
		*max = LOCATION_ADDRESS_MAX;
		return "address";
	case LOCATION_PHONE:
		*max = PHONE_MAX_LEN;
		return "phone";
	default:
		*max = LOCATION_TEMPLATE_MAX;
		return "url_template";
	}
}

/* Whether s holds a control character (addresses and numbers are one line). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int location_parse(json_t *v, const char *base, struct arena *a, const struct location **out,
		   struct err *e)
{
	const char *keys[] = {"type", NULL, NULL};
	const char *type = json_string_value(json_object_get(v, "type"));
	char at[64];
	struct location *l;
	const char *key;
	size_t max;
	int got;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return err_field(e, base, "must be an object or null");
	l = arena_alloc(a, sizeof(*l));
	memset(l, 0, sizeof(*l));
	if (!json_object_get(v, "type"))
		return json_required(base, "type", e);
	if (!type || location_kind_parse(type, &l->kind)) {
		snprintf(at, sizeof(at), "%s/type", base);
		return err_field(e, at, "must be in_person, phone or video");
	}
	key = value_key(l->kind, &max);
	keys[1] = key;
	if (json_only_keys(v, base, keys, e))
		return -1;
	snprintf(at, sizeof(at), "%s/%s", base, key);
	got = json_get_str(v, base, key, max, l->value, sizeof(l->value), e);
	if (got < 0)
		return -1;
	if (got == 1 && has_control(l->value))
		return err_field(e, at, "must be one line of text");
	if (l->kind == LOCATION_IN_PERSON && (got == 0 || !*l->value))
		return got == 0 ? json_required(base, key, e)
				: err_field(e, at, "must not be empty");
	if (l->kind == LOCATION_PHONE && got == 1 && !*l->value)
		return err_field(e, at, "must not be empty (leave it out when the provider calls)");
	/* As customers' numbers and a booking's own location (PATCH) take them. */
	if (l->kind == LOCATION_PHONE && got == 1 && l->value[strspn(l->value, "0123456789+-() .")])
		return err_field(e, at, "may hold digits, spaces and + - ( ) . only");
	if (l->kind == LOCATION_VIDEO && got == 1) {
		struct err why;
		err_init(&why);
		if (location_template_check(l->value, &why))
			return err_field(e, at, "%s", why.message);
	}
	*out = l;
	return 0;
}
