/* External calendars of providers (an iCalendar subscription address or a CalDAV
 * collection): connected, listed, changed, removed and synced on demand by admins and by
 * staff for their providers. Their secrets (a CalDAV password, the whole iCalendar address)
 * are sealed with the server's key (util/secretbox.h) before they reach the store and are
 * never shown. Fetching them is the calendar syncer's (usecase/uc_calsync.h). */
#ifndef SLOTD_USECASE_UC_CALENDARS_H
#define SLOTD_USECASE_UC_CALENDARS_H

#include "store/store_calendars.h"
#include "usecase/uc.h"

#define CALENDARS_PER_PROVIDER_MAX 20	/* each is fetched and read by every slot query */

/* The members a body carried (null included): enum calendar_field bits. */
enum calendar_field {
	CAL_KIND = 1 << 0,
	CAL_NAME = 1 << 1,
	CAL_URL = 1 << 2,
	CAL_USERNAME = 1 << 3,
	CAL_PASSWORD = 1 << 4,
	CAL_WRITE = 1 << 5,
	CAL_ENABLED = 1 << 6,
	CAL_INTERVAL = 1 << 7,
};

/* A body of POST (every member with its default when absent) or PATCH (only the members in
 * fields change), its types and ranges already checked. */
struct calendar_input {
	unsigned fields;
	enum calendar_kind kind;
	char name[CALENDAR_NAME_MAX + 1];	/* "" = the URL's host */
	char url[URL_MAX + 1];			/* as given; "webcal://" counts as "https://" */
	char username[CALENDAR_USER_MAX + 1];	/* "" = none */
	char password[CALENDAR_PASSWORD_MAX + 1];	/* plain; "" = none */
	bool write, enabled;
	int interval_min;
};

/* Connects calendar in to provider_id (in the caller's reach, else ERR_NOT_FOUND), due for
 * a sync at once, with calendar.created; out gets it as stored. ERR_INVALID at the member's
 * pointer: username, password or write: true for an iCalendar address; a URL that is not
 * http(s) or reaches a non-public address (unless the server allows private targets); a
 * secret to seal without a server key (/url for an iCalendar address, /password).
 * ERR_RECORD_LIMIT past CALENDARS_PER_PROVIDER_MAX. Resolves the URL's host (blocks). */
int uc_calendar_create(struct uc_ctx *ctx, const char *provider_id,
		       const struct calendar_input *in, struct ext_calendar *out, struct err *e);
/* Calendar id of provider_id; ERR_NOT_FOUND (also for a provider out of reach). */
int uc_calendar_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct ext_calendar *out, struct err *e);
/* The calendars of provider_id by id, paged; rows from ctx->arena. */
int uc_calendar_list(struct uc_ctx *ctx, const char *provider_id, struct page pg,
		     struct ext_calendar **out, size_t *n, struct err *e);
/* Applies the members of in to calendar id (at version if_match when that is > 0, else
 * ERR_PRECONDITION) with calendar.updated. A kind other than the stored one is ERR_INVALID
 * at /kind; otherwise checked as at creation. A new URL or credentials, and enabling, make
 * it due at once and forget what the last fetch said (ETag, Last-Modified, ctag); disabling
 * removes its busy time. A null name goes back to the URL's host. */
int uc_calendar_update(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       const struct calendar_input *in, int if_match, struct ext_calendar *out,
		       struct err *e);
/* Deletes calendar id with its busy time, with calendar.deleted. */
int uc_calendar_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e);
/* Makes calendar id due at once and wakes the syncer; out gets it. ERR_CONFLICT when it is
 * disabled (it would never be fetched). */
int uc_calendar_sync(struct uc_ctx *ctx, const char *provider_id, const char *id,
		     struct ext_calendar *out, struct err *e);

#endif
