/* Dates ("YYYY-MM-DD": body fields, ?date=, ?from= of slots) and wall times ("HH:MM": week
 * templates, override and waitlist hours). The first byte picks what the rest is read as;
 * whatever parses formats back to the same text. */
#include "fuzz.h"

#include "core/civil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char date[DATE_STR_MAX], hhmm[6];
	int64_t day;
	int minutes;
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		if (date_parse(s, &day) == 0) {
			fuzz_check(day >= CIVIL_MIN_DAY && day <= CIVIL_MAX_DAY, "date in range");
			date_format(day, date);
			fuzz_check(!strcmp(date, s), "date round trip");
		}
		break;
	case 1:
	case 2:
		if (hhmm_parse(s, data[0] % 3 == 2, &minutes) == 0) {
			fuzz_check(minutes >= 0 && minutes <= 1440, "minutes in range");
			hhmm_format(minutes, hhmm);
			fuzz_check(!strcmp(hhmm, s), "wall time round trip");
		}
		break;
	}
	free(s);
	return 0;
}
