/* RRULE checking and expansion, as entries, overrides and holidays use them. Input: a zone
 * byte (or none: date rules), two bytes for the start date, one for the start time in
 * quarter hours, then the rule text (at most RECUR_INPUT_MAX bytes, as the API reads it).
 * A rule that is accepted expands to ascending occurrences inside the window, starting with
 * the start itself, and ending it before its second occurrence (what "this and future"
 * edits do) leaves a rule that is accepted again and yields the start alone (counting, as
 * entries do, only wall times whose instant is not past UNTIL). */
#include "fuzz.h"

#include "core/civil.h"
#include "core/recur.h"
#include "core/tz.h"

#define EXPAND_MAX 400

static struct tz_db *db;
static const char *const zones[] = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
				    "UTC", "Pacific/Apia", "Asia/Kathmandu"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	db = tz_db_new();
	return 0;
}

static void check_expansion(const struct recur *r, const struct tz *z)
{
	int64_t *occ = malloc(EXPAND_MAX * sizeof(*occ));
	int64_t from = r->dtstart, to = r->dtstart + 400LL * 86400, days[EXPAND_MAX];
	struct recur ended;
	struct err e;
	size_t n, i;

	if (recur_expand(r, from, to, occ, EXPAND_MAX, &n) == RECUR_BUDGET) {
		free(occ);
		return;
	}
	fuzz_check(n >= 1 && occ[0] == r->dtstart, "the start is the first occurrence");
	for (i = 0; i < n; i++) {
		fuzz_check(occ[i] >= from && occ[i] < to, "occurrence in the window");
		fuzz_check(i == 0 || occ[i] > occ[i - 1], "occurrences ascend");
		fuzz_check(recur_has(r, occ[i]), "an occurrence is one");
	}
	if (!z && r->dtstart % 86400 == 0) {
		int64_t start_day = r->dtstart / 86400;
		int64_t last_day = r->last == RECUR_OPEN ? CIVIL_MAX_DAY : floor_div(r->last, 86400);
		size_t nd = recur_dates(r->text, start_day, last_day, start_day, start_day + 399,
					days, EXPAND_MAX);
		fuzz_check(nd >= 1 && days[0] == start_day, "date rules start on their date");
	}
	if (n >= 2 && r->text[0]) {
		ended = *r;
		recur_end_before(&ended, occ[1], z);
		err_init(&e);
		fuzz_check(recur_parse(ended.text, r->dtstart, z, "/rrule", "/start", &ended, &e) == 0,
			   "an ended rule is accepted again");
		if (recur_expand(&ended, from, to, occ, EXPAND_MAX, &n) != RECUR_BUDGET) {
			/* A wall time after UNTIL's instant is not an occurrence (a DST gap can
			 * put the next one's wall time before UNTIL but its instant after). */
			int64_t until = recur_until_utc(&ended);
			size_t kept = 0;
			for (i = 0; i < n; i++) {
				if (z && tz_to_utc(z, occ[i]) > until)
					continue;
				fuzz_check(occ[i] == r->dtstart, "an ended rule keeps the start");
				kept++;
			}
			fuzz_check(kept == 1, "an ended rule keeps the start alone");
		}
	}
	free(occ);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tz *z = NULL;
	struct recur r;
	struct err e;
	int64_t day, wall;
	size_t len;
	char *text;

	if (size < 4)
		return 0;
	if (data[0] % 8 < sizeof(zones) / sizeof(zones[0]))
		z = tz_db_get(db, zones[data[0] % 8]);
	day = (int64_t)((data[1] << 8 | data[2]) % (CIVIL_MAX_DAY - 400));
	wall = day * 86400 + (z ? (int64_t)(data[3] % 96) * 900 : 0);
	len = size - 4 > RECUR_INPUT_MAX ? RECUR_INPUT_MAX : size - 4;
	text = fuzz_cstr(data + 4, len);
	err_init(&e);
	if (recur_parse(text, wall, z, "/rrule", "/start", &r, &e) == 0) {
		recur_until_utc(&r);
		check_expansion(&r, z);
	} else {
		fuzz_check(e.code != ERR_OK, "a refusal says why");
	}
	free(text);
	return 0;
}
