/* Sign-in attempts per account (organisation + e-mail, whether or not it exists): after
 * LOGIN_FAILURES_MAX failures within LOGIN_WINDOW_SECONDS of the first, every sign-in to
 * that account is refused until the window has passed, even with the right password. An
 * attempt counts from the moment it is let through, so sign-ins checked at the same time
 * cannot all get past the limit before any has failed; a success clears the account's count,
 * an attempt that ends in neither (a database error) is given back. Held in memory, per
 * process, in a bounded table whose places come from a hash keyed with a random key of the
 * process: when an account's places are full, the entry whose window started first gives
 * way, one below the limit before a locked one. */
#ifndef SLOTD_HTTP_LOGIN_LIMIT_H
#define SLOTD_HTTP_LOGIN_LIMIT_H

#include <stdint.h>

#define LOGIN_FAILURES_MAX 5
#define LOGIN_WINDOW_SECONDS (15 * 60)

/* Lets one sign-in to the account (slug, e-mail as typed; compared without case) be tried,
 * counting it as a failure until it is cleared or given back: 0. When the account has spent
 * its attempts, nothing is counted and the answer is the seconds until it may try again.
 * now: UTC seconds (the request's clock). */
int64_t login_limit_take(const char *slug, const char *email, int64_t now);
/* Gives back an attempt taken at now that ended neither in a success nor in a failed check. */
void login_limit_refund(const char *slug, const char *email, int64_t now);
/* Clears the account's count after a sign-in succeeded. */
void login_limit_clear(const char *slug, const char *email);

#endif
