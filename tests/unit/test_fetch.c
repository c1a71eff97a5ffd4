/* notify/fetch: what a failed transfer's reason says. A calendar emits calendar.sync_failed
 * when its reason changes, so the same failure must read the same each time: no connect
 * durations, no byte counts. No network is used: libcurl's message is put where a failed
 * transfer leaves it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "notify/fetch.h"

static void reason_is(CURLcode rc, const char *curl_msg, const char *want)
{
	struct fetch_opts o = {false, 1024, true, 0, 0};
	struct fetch f;
	struct err e;
	char why[256];
	long status = -1;

	err_init(&e);
	assert_int_equal(fetch_init(&f, "http://calendar.example/x.ics", &o, &e), 0);
	snprintf(f.errbuf, sizeof(f.errbuf), "%s", curl_msg);
	f.guard.opened = 1;
	assert_int_equal(fetch_outcome(&f, rc, &status, why, sizeof(why)), -1);
	assert_string_equal(why, want);
	fetch_release(&f);
}

static void test_connect_duration_is_left_out(void **state)
{
	(void)state;
	reason_is(CURLE_COULDNT_CONNECT,
		  "Failed to connect to calendar.example port 80 after 3012 ms: Couldn't connect "
		  "to server",
		  "Failed to connect to calendar.example port 80: Couldn't connect to server");
	reason_is(CURLE_COULDNT_CONNECT,
		  "Failed to connect to calendar.example port 80 after 0 ms: Connection refused",
		  "Failed to connect to calendar.example port 80: Connection refused");
}

static void test_bytes_still_to_come_are_left_out(void **state)
{
	(void)state;
	reason_is(CURLE_PARTIAL_FILE, "transfer closed with 99900 bytes remaining to read",
		  "the answer ended before its end (the connection closed)");
}

static void test_messages_that_name_the_failure_are_kept(void **state)
{
	(void)state;
	reason_is(CURLE_COULDNT_RESOLVE_HOST, "Could not resolve host: calendar.example",
		  "Could not resolve host: calendar.example");
	reason_is(CURLE_PEER_FAILED_VERIFICATION,
		  "SSL certificate problem: self-signed certificate",
		  "SSL certificate problem: self-signed certificate");
}

static void test_other_codes_read_as_their_fixed_description(void **state)
{
	(void)state;
	reason_is(CURLE_HTTP2_STREAM,
		  "HTTP/2 stream 7 was not closed cleanly: INTERNAL_ERROR (err 2)",
		  curl_easy_strerror(CURLE_HTTP2_STREAM));
	reason_is(CURLE_WEIRD_SERVER_REPLY, "Excess found: excess = 17 url = /x.ics",
		  curl_easy_strerror(CURLE_WEIRD_SERVER_REPLY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_duration_is_left_out),
		cmocka_unit_test(test_bytes_still_to_come_are_left_out),
		cmocka_unit_test(test_messages_that_name_the_failure_are_kept),
		cmocka_unit_test(test_other_codes_read_as_their_fixed_description),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
