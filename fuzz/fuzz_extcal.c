/* External calendars read as busy time (core/extcal.h): the input is an iCalendar document
 * as a provider's calendar server might send it. Whatever it holds, reading it ends within
 * the budget without a crash or leak, and the busy time is merged (ascending, neither
 * overlapping nor touching), non-empty and inside the window. */
#include "fuzz.h"

#include "core/civil.h"
#include "core/extcal.h"
#include "core/tz.h"

static struct tz_db *db;
static const struct tz *owner;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	db = tz_db_new();
	owner = tz_db_get(db, "Europe/Berlin");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 2026-01-01T00:00Z, a window of 30 days back and 365 ahead as the syncer reads. */
	const int64_t now = days_from_civil(2026, 1, 1) * 86400;
	struct extcal_opts o = {db, owner, now - 30 * 86400LL, now + 365 * 86400LL};
	struct extcal_result r;
	struct err e;
	size_t i;

	extcal_result_init(&r);
	err_init(&e);
	if (extcal_add(&r, (const char *)data, size, &o, &e) != 0)
		fuzz_check(e.code != ERR_OK, "a refusal says why");
	for (i = 0; i < r.busy.n; i++) {
		fuzz_check(r.busy.v[i].start < r.busy.v[i].end, "busy intervals are not empty");
		fuzz_check(r.busy.v[i].start >= o.from && r.busy.v[i].end <= o.to,
			   "busy time lies in the window");
		fuzz_check(i == 0 || r.busy.v[i].start > r.busy.v[i - 1].end,
			   "busy time is merged and ascending");
	}
	for (i = 0; i < r.nown; i++)
		fuzz_check(r.own[i].start < r.own[i].end && r.own[i].booking_id[0],
			   "own events have times and an id");
	extcal_result_release(&r);
	return 0;
}
