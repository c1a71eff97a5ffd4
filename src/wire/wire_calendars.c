#include "wire/wire_calendars.h"

#include "wire/wire.h"

static json_t *opt_instant(int64_t t)
{
	return t ? wire_instant(t, NULL) : json_null();
}

json_t *wire_calendar(const struct ext_calendar *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:i, s:o, s:o, s:o, s:i,"
			 " s:i, s:o, s:i, s:o, s:o}",
			 "id", c->id, "provider_id", c->provider_id, "kind",
			 calendar_kind_name(c->kind), "name", c->name, "url", c->url, "username",
			 wire_opt_str(c->username), "has_password", *c->password_box != '\0',
			 "write", c->write, "enabled", c->enabled, "sync_interval_minutes",
			 c->interval_min, "last_synced_at", opt_instant(c->last_synced_at),
			 "last_attempt_at", opt_instant(c->last_attempt_at), "last_error",
			 wire_opt_str(c->last_error), "events", c->events, "busy_intervals",
			 c->busy_count, "next_sync_at", wire_instant(c->next_sync_at, NULL),
			 "version", c->version, "created_at", wire_instant(c->created_at, NULL),
			 "updated_at", wire_instant(c->updated_at, NULL));
}
