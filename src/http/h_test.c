/* /v1/test/clock: the test clock (routed only with SLOTD_TEST_CLOCK=1). Tests move the time
 * that background duties (reminders, retries, expiry) and requests without X-Test-Now see,
 * instead of sleeping. */
#include "http/handlers.h"

#include "core/civil.h"
#include "http/json_in.h"

/* {"now": RFC 3339} sets the clock, {"now": null} goes back to the real one; answers the
 * clock's time now, in UTC. */
int h_test_clock(struct req *r, struct err *e)
{
	static const char *const keys[] = {"now", NULL};
	char text[RFC3339_STR_MAX];
	int64_t now = 0;
	int got;

	json_only_keys(r->json, "", keys, e);
	if (!json_object_get(r->json, "now"))
		json_required("", "now", e);
	got = json_get_instant(r->json, "", "now", &now, e);
	if (e->code || e->nfields)
		return -1;
	uc_clock_set(got == 1 ? now : INT64_MIN);
	rfc3339_format(uc_clock(), 0, text);
	return reply_json(r, 200, json_pack("{s:s}", "now", text));
}
