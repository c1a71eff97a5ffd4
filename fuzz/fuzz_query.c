/* Query parameters and headers the handlers read, other than ids and Idempotency-Key (their
 * own targets): ?limit= and ?after= (integers), ?provider_ids= (an id list), If-Match,
 * window ends (?from=/?to=: an instant or a date, resolved in a zone), ?status= filters and
 * ?timezone=. The first byte picks the parser; the rest is the value. */
#include "fuzz.h"

#include "core/booking.h"
#include "core/civil.h"
#include "core/model.h"
#include "core/tz.h"
#include "wire/wire_query.h"

#define ID_LIST_MAX 50

static struct tz_db *db;
static const char *const zones[] = {"UTC", "Europe/Berlin", "America/New_York",
				    "Australia/Lord_Howe", "Pacific/Kiritimati",
				    "America/Sao_Paulo"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	db = tz_db_new();
	return 0;
}

/* One end of a window as query_window reads it: an instant, or a date's midnight in z. */
static void window_end(const char *v, const struct tz *z)
{
	int64_t utc, day;

	if (rfc3339_parse(v, &utc) == 0)
		return;
	if (date_parse(v, &day) == 0) {
		int64_t from = tz_to_utc(z, day * 86400), to = tz_to_utc(z, (day + 1) * 86400);
		fuzz_check(to > from, "a date spans a positive time in every zone");
		fuzz_check(tz_to_wall(z, from) >= day * 86400 - 7200, "midnight maps back");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char (*ids)[ID_MAX];
	enum booking_status bs;
	enum waitlist_status ws;
	long long v;
	size_t n, i;
	struct err e;
	int version;
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	err_init(&e);
	switch (data[0] % 8) {
	case 0:
		if (wire_int_value(s, 1, 200, &v) == 0)
			fuzz_check(v >= 1 && v <= 200, "limit in range");
		break;
	case 1:
		if (wire_int_value(s, 0, INT64_MAX, &v) == 0)
			fuzz_check(v >= 0, "seq not negative");
		break;
	case 2:
		ids = malloc(ID_LIST_MAX * sizeof(*ids));
		if (wire_id_list(s, "provider_ids", "prv", "provider", ID_LIST_MAX, ids, &n, &e) ==
		    0) {
			fuzz_check(n <= ID_LIST_MAX, "id count");
			for (i = 0; i < n; i++)
				fuzz_check(id_valid(ids[i], "prv"), "listed ids are ids");
		} else {
			fuzz_check(e.code == ERR_INVALID || e.code == ERR_RANGE, "id list error code");
		}
		free(ids);
		break;
	case 3:
		if (wire_etag_version(s, &version) == 0)
			fuzz_check(version >= 1, "version positive");
		break;
	case 4:
	case 5:
		window_end(s, tz_db_get(db, zones[(data[0] >> 3) % (sizeof(zones) /
								   sizeof(zones[0]))]));
		break;
	case 6:
		if (booking_status_parse(s, &bs) == 0)
			fuzz_check(!strcmp(booking_status_name(bs), s), "booking status round trip");
		if (waitlist_status_parse(s, &ws) == 0)
			fuzz_check(!strcmp(waitlist_status_name(ws), s), "waitlist status round trip");
		break;
	case 7:
		if (tz_db_get(db, s))
			fuzz_check(!strcmp(tz_name(tz_db_get(db, s)), s), "zone name");
		break;
	}
	free(s);
	return 0;
}
