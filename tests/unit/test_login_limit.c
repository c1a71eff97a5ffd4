/* Unit tests for http/login_limit: five attempts per account and window, attempts counted
 * as they start (so concurrent ones cannot pass the limit together), refunds, the window's
 * end, case, and a locked account that a flood of other accounts cannot push out of the
 * table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/login_limit.h"

#define T0 1770026400	/* 2026-02-02T10:00:00Z */

static void five_attempts_then_a_wait(void **state)
{
	int i;

	(void)state;
	/* Five attempts let through before any has ended: the sixth waits for the window. */
	for (i = 0; i < LOGIN_FAILURES_MAX; i++)
		assert_int_equal(login_limit_take("five", "a@example.com", T0 + i), 0);
	assert_int_equal(login_limit_take("five", "a@example.com", T0 + 10),
			 LOGIN_WINDOW_SECONDS - 10);
	/* The same account in other case; another account is free. */
	assert_true(login_limit_take("FIVE", "A@Example.COM", T0 + 10) > 0);
	assert_int_equal(login_limit_take("five", "b@example.com", T0 + 10), 0);
	/* Once the window has passed, it may try again. */
	assert_int_equal(login_limit_take("five", "a@example.com", T0 + LOGIN_WINDOW_SECONDS), 0);
}

static void refunds_and_clears(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		assert_int_equal(login_limit_take("refund", "a@example.com", T0), 0);
		login_limit_refund("refund", "a@example.com", T0);
	}
	for (i = 0; i < LOGIN_FAILURES_MAX - 1; i++)
		assert_int_equal(login_limit_take("refund", "a@example.com", T0), 0);
	login_limit_clear("refund", "a@example.com");
	for (i = 0; i < LOGIN_FAILURES_MAX; i++)
		assert_int_equal(login_limit_take("refund", "a@example.com", T0), 0);
	assert_true(login_limit_take("refund", "a@example.com", T0) > 0);
}

static void a_flood_of_other_accounts_does_not_unlock_one(void **state)
{
	char mail[64];
	int i;

	(void)state;
	for (i = 0; i < LOGIN_FAILURES_MAX; i++)
		assert_int_equal(login_limit_take("flood", "victim@example.com", T0), 0);
	/* Many more accounts than the table holds, one failure each, in the same window. */
	for (i = 0; i < 50000; i++) {
		snprintf(mail, sizeof(mail), "other%d@example.com", i);
		login_limit_take("flood", mail, T0 + 1);
	}
	assert_true(login_limit_take("flood", "victim@example.com", T0 + 2) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(five_attempts_then_a_wait),
		cmocka_unit_test(refunds_and_clears),
		cmocka_unit_test(a_flood_of_other_accounts_does_not_unlock_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
