/* The tenant's business hours and business overrides on the wire: the shapes of a
 * provider's schedule and overrides, owned by the tenant. */
#include "wire/wire.h"

json_t *wire_business_hours(const char *zone, const struct schedule *s,
			    const id_t_ *exempt, size_t nexempt, int64_t updated_at,
			    const struct tz *z, int64_t now)
{
	static const struct schedule none;
	json_t *o;

	if (!*zone) {
		o = wire_schedule_versions(&none, z, now);
		json_object_set_new(o, "timezone", json_null());
		json_object_set_new(o, "exempt_provider_ids", json_array());
		json_object_set_new(o, "updated_at", json_null());
		return o;
	}
	o = wire_schedule_versions(s, z, now);
	json_object_set_new(o, "timezone", json_string(zone));
	json_object_set_new(o, "exempt_provider_ids", wire_id_set(exempt, nexempt));
	json_object_set_new(o, "updated_at", wire_instant(updated_at, NULL));
	return o;
}

json_t *wire_business_override(const struct override_rec *o)
{
	json_t *j = wire_override(o);

	json_object_del(j, "provider_id");
	return j;
}
