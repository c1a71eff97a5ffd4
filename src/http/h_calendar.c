/* GET /v1/calendar: one merged, ordered list of what fills some providers' time over a
 * window (bookings, entry occurrences, time off, holidays, overrides) for day, week and
 * month views. */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "util/ids.h"
#include "wire/wire_query.h"

#define CALENDAR_MAX_DAYS 92
#define CALENDAR_MAX_PROVIDERS 50
#define CALENDAR_MAX_ITEMS 20000

/* provider_ids=a,b,...: ids into out (deduplicated, in the order given). */
static int parse_provider_ids(struct req *r, char (*out)[ID_MAX], size_t *n, struct err *e)
{
	const char *v = req_query(r, "provider_ids");

	*n = 0;
	if (!v || !*v)
		return err_field_code(e, ERR_INVALID, "provider_ids",
				      "is required: comma-separated provider ids");
	return wire_id_list(v, "provider_ids", "prv", "provider", CALENDAR_MAX_PROVIDERS, out, n,
			    e);
}

int h_calendar(struct req *r, struct err *e)
{
	char ids[CALENDAR_MAX_PROVIDERS][ID_MAX];
	const char *zone = req_query(r, "timezone");
	const struct tz *z = tz_db_get(r->ctx->env.tz, zone ? zone : "UTC");
	struct cal_items it;
	json_t *list;
	int64_t from, to;
	size_t n, i;

	if (!z)
		return err_field_code(e, ERR_INVALID, "timezone", "is not a known IANA time zone");
	if (parse_provider_ids(r, ids, &n, e) || query_window(r, z, CALENDAR_MAX_DAYS, &from, &to, e) ||
	    uc_calendar(&r->uc, (const char(*)[ID_MAX])ids, n, from, to, CALENDAR_MAX_ITEMS, &it,
			e))
		return -1;
	list = json_array();
	for (i = 0; i < it.n; i++)
		json_array_append_new(list, wire_calendar_item(&it.v[i], z));
	return reply_json(r, 200, json_pack("{s:o, s:o, s:s, s:o}", "from", wire_instant(from, z),
					    "to", wire_instant(to, z), "timezone", tz_name(z),
					    "items", list));
}
