/* The JSON of provider profiles and of service and booking locations. */
#include "wire/wire.h"

#include <string.h>

json_t *wire_json_array_text(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (v && json_is_array(v))
		return v;
	json_decref(v);
	return json_array();
}

void wire_provider_profile(json_t *o, const struct provider *p, bool staff)
{
	json_object_set_new(o, "bio", wire_opt_str(p->bio ? p->bio : ""));
	json_object_set_new(o, "specialties", wire_json_array_text(p->specialties));
	json_object_set_new(o, "photo_url", wire_opt_str(p->photo_url ? p->photo_url : ""));
	json_object_set_new(o, "languages", wire_json_array_text(p->languages));
	if (!staff)
		return;
	json_object_set_new(o, "locale", wire_opt_str(p->locale ? p->locale : ""));
	json_object_set_new(o, "video_url", wire_opt_str(p->video_url ? p->video_url : ""));
}

/* The key a kind's value goes under; for a service or a booking. */
static const char *value_key(enum location_kind k, bool booking)
{
	switch (k) {
	case LOCATION_IN_PERSON:
		return "address";
	case LOCATION_PHONE:
		return "phone";
	case LOCATION_VIDEO:
		return booking ? "url" : "url_template";
	default:
		return NULL;
	}
}

json_t *wire_location(const struct location *l, bool booking)
{
	const char *key;
	json_t *o;

	if (!l || l->kind == LOCATION_NONE || !(key = value_key(l->kind, booking)))
		return json_null();
	o = json_pack("{s:s}", "type", location_kind_name(l->kind));
	json_object_set_new(o, key, wire_opt_str(l->value));
	return o;
}
