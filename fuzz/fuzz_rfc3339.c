/* RFC 3339 instants as the API reads them (body fields, ?from=, ?start=, X-Test-Now). What
 * parses formats back (in UTC and at its own offset's worth of hours) to text that parses to
 * the same instant, as long as it stays inside the calendar the API accepts. */
#include "fuzz.h"

#include "core/civil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char out[RFC3339_STR_MAX];
	int64_t utc, again;

	if (rfc3339_parse(s, &utc) == 0 && utc >= (int64_t)CIVIL_MIN_DAY * 86400 &&
	    utc < ((int64_t)CIVIL_MAX_DAY + 1) * 86400) {
		rfc3339_format(utc, 0, out);
		fuzz_check(strlen(out) < RFC3339_STR_MAX, "formatted length");
		fuzz_check(rfc3339_parse(out, &again) == 0 && again == utc, "UTC round trip");
	}
	free(s);
	return 0;
}
