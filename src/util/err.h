/* One error struct for the whole program. Fallible functions return 0 on success and -1 on
 * failure, taking `struct err *` as their last parameter. The first error set wins; later
 * calls only add field details. Codes are mapped to HTTP statuses in one table in
 * http/problem.c. */
#ifndef SLOTD_UTIL_ERR_H
#define SLOTD_UTIL_ERR_H

#include <stdbool.h>
#include <stddef.h>
/* System headers that declare banned calls come before banned.h (as in git). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

enum err_code {
	ERR_OK = 0,
	ERR_MALFORMED,		/* unparseable request: 400 */
	ERR_UNAUTHORIZED,	/* no or bad credentials: 401 */
	ERR_FORBIDDEN,		/* role not allowed: 403 */
	ERR_NOT_FOUND,		/* no such object, or another tenant's: 404 */
	ERR_METHOD,		/* route exists, method does not: 405 */
	ERR_CONFLICT,		/* state conflict: 409 */
	ERR_PRECONDITION,	/* If-Match does not match: 412 */
	ERR_KEY_IN_FLIGHT,	/* the same idempotency key is still being processed: 409 */
	ERR_KEY_REUSED,		/* an idempotency key sent again with another request: 422 */
	ERR_SLOT_TAKEN,		/* time already booked or held: 409 */
	ERR_HOLD_EXPIRED,	/* the hold named by a booking has expired: 409 */
	ERR_HOLD_LIMIT,		/* too many live holds for one customer or key: 429 */
	ERR_WAITLIST_LIMIT,	/* too many live waitlist entries for one key: 429 */
	ERR_RATE_LIMITED,	/* too many requests from one key, token or address: 429 */
	ERR_POLICY_DEADLINE,	/* past the policy's cancel/reschedule deadline: 422 */
	ERR_POLICY_LIMIT,	/* the policy's reschedule limit is reached: 422 */
	ERR_TOO_LARGE,		/* body over the cap: 413 */
	ERR_MEDIA_TYPE,		/* body is not JSON: 415 */
	ERR_URI_TOO_LONG,	/* request target over the limit: 414 */
	ERR_HEADERS_TOO_LARGE,	/* header fields over the limits: 431 */
	ERR_CLIENT_TIMEOUT,	/* the client did not send its request in time: 408 */
	ERR_OVERLOADED,		/* too many open connections: 503 */
	ERR_INVALID,		/* well-formed but invalid values: 422 */
	ERR_RANGE,		/* a requested range is too large: 422 */
	ERR_UNAVAILABLE,	/* the engine would not offer that time: 422 */
	ERR_NOT_STARTED,	/* the action needs the booking to have started: 409 */
	ERR_NOT_COMPLETED,	/* feedback needs the booking to be completed: 409 */
	ERR_FEEDBACK_EXISTS,	/* a booking's feedback is given once (then edited): 409 */
	ERR_FEEDBACK_CLOSED,	/* the feedback's edit window has passed: 409 */
	ERR_IN_USE,		/* the object still has dependents (bookings, entries): 409 */
	ERR_LAST_ADMIN,		/* revoking the tenant's last live admin key: 409 */
	ERR_RECORD_LIMIT,	/* a tenant or provider has as many records of a kind as it may: 422 */
	ERR_INVALID_CREDENTIALS,	/* a sign-in with a wrong organisation, e-mail or password: 401 */
	ERR_SESSION_EXPIRED,	/* a console session past its idle or absolute end: 401 */
	ERR_CSRF,		/* a session's change without its X-CSRF-Token: 403 */
	ERR_TIMEOUT,		/* the request ran out of its time budget: 503 */
	ERR_STORE_BUSY,		/* database busy or unreachable: 503 */
	ERR_STORE_FULL,		/* disk full: 507 */
	ERR_INTERNAL,		/* a bug or an unexpected library failure: 500 */
	ERR__COUNT
};

#define ERR_MAX_FIELDS 16

struct err_field {
	char pointer[96];	/* RFC 6901 JSON pointer, or a query parameter name */
	char message[160];
};

struct err {
	enum err_code code;
	char message[256];
	size_t nfields;
	struct err_field fields[ERR_MAX_FIELDS];
	int retry_after;		/* seconds, for a Retry-After header; 0 = none */
	bool rerun;			/* a transaction lost to a concurrent one (serialization
					 * failure, deadlock): running it again may succeed */
	/* One optional extension member of the problem document: a name and its value as
	 * JSON text (e.g. "reasons" and ["holiday"]); empty when unused. */
	char ext_name[24];
	char ext_json[512];
};

static inline void err_init(struct err *e)
{
	e->code = ERR_OK;
	e->message[0] = '\0';
	e->nfields = 0;
	e->ext_name[0] = '\0';
	e->retry_after = 0;
	e->rerun = false;
	e->ext_json[0] = '\0';
}

/* The length (1 to 4) of the well-formed UTF-8 character at p, of which left bytes may be
 * read, or 0 if none starts there (RFC 3629: no overlong forms, no UTF-16 surrogates,
 * nothing past U+10FFFF, the form PostgreSQL and JSON accept). */
size_t utf8_char(const unsigned char *p, size_t left);

/* Makes s valid UTF-8 in place: a byte that starts no valid sequence (such as the first half
 * of a character a buffer's end cut) becomes '?'. For text that quotes what others sent and
 * goes out as JSON; err_set and err_field apply it to their messages. */
void utf8_repair(char *s);

/* Sets the error (if none is set yet) and returns -1. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a validation failure at a JSON pointer: sets ERR_INVALID with a generic message
 * when no error is set yet, and appends the field detail (up to ERR_MAX_FIELDS). Returns -1. */
int err_field(struct err *e, const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like err_field but with an explicit code; query parameters use their name as pointer. */
int err_field_code(struct err *e, enum err_code code, const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
