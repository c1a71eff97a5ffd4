/* Failed sign-ins per account (organisation + e-mail, whether or not it exists): after
 * LOGIN_FAILURES_MAX failures within LOGIN_WINDOW_SECONDS of the first, every sign-in to
 * that account is refused until the window has passed, even with the right password. A
 * success clears the account's count. Held in memory, per process, in a bounded table: when
 * it is full the entry whose window started first gives way. */
#ifndef SLOTD_HTTP_LOGIN_LIMIT_H
#define SLOTD_HTTP_LOGIN_LIMIT_H

#include <stdint.h>

#define LOGIN_FAILURES_MAX 5
#define LOGIN_WINDOW_SECONDS (15 * 60)

/* Seconds until the account (slug, e-mail as typed; compared without case) may try again,
 * 0 when it may now. now: UTC seconds (the request's clock). */
int64_t login_limit_wait(const char *slug, const char *email, int64_t now);
/* Counts a failed sign-in to the account. */
void login_limit_fail(const char *slug, const char *email, int64_t now);
/* Clears the account's count after a sign-in succeeded. */
void login_limit_clear(const char *slug, const char *email);

#endif
