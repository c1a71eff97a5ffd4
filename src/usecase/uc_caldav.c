/* Bookings into CalDAV calendars: the request one delivery makes (uc_caldav.h). Read at
 * delivery time in one read transaction of the delivery's tenant, so the calendar, the
 * booking and the service agree with each other. */
#include "usecase/uc_caldav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"
#include "core/itip.h"
#include "usecase/uc_int.h"
#include "util/secretbox.h"

int caldav_object_url(const char *url, const char *booking_id, char *out, size_t n,
		      struct err *e)
{
	size_t path = strcspn(url, "?#");
	bool slash = path > 0 && url[path - 1] == '/';
	int len = snprintf(out, n, "%.*s%sslotd-%s.ics%s", (int)path, url, slash ? "" : "/",
			   booking_id, url + path);

	if (len < 0 || (size_t)len >= n) {
		*out = '\0';
		return err_set(e, ERR_INVALID, "the calendar's address is too long");
	}
	return 0;
}

static int none(struct caldav_request *out, const char *why)
{
	out->action = CALDAV_NONE;
	snprintf(out->why, sizeof(out->why), "%s", why);
	return 0;
}

/* Whether the calendar holds booking b: it is this calendar's provider's and not
 * cancelled or declined (completed and no-show bookings stay, as the time was spent). */
static bool kept(const struct booking *b, const struct ext_calendar *c)
{
	return strcmp(b->provider_id, c->provider_id) == 0 && b->status != BOOKING_CANCELLED &&
	       b->status != BOOKING_DECLINED;
}

static int request_tx(const struct uc_env *env, struct store_tx *tx, const char *calendar_id,
		      const char *booking_id, struct arena *a, struct caldav_request *out,
		      struct err *e)
{
	struct ext_calendar c;
	struct booking b;
	struct service svc;
	struct err lookup;
	bool found = true;

	err_init(&lookup);
	if (tx_calendar_get(tx, NULL, calendar_id, &c, &lookup)) {
		if (lookup.code != ERR_NOT_FOUND)
			return err_set(e, lookup.code, "%s", lookup.message);
		return none(out, "the calendar was deleted");
	}
	if (c.kind != CALENDAR_CALDAV)
		return none(out, "the calendar is not a CalDAV calendar");
	if (!c.enabled)
		return none(out, "the calendar is disabled");
	if (!c.write)
		return none(out, "the calendar is no longer marked for writing");
	if (caldav_object_url(c.url, booking_id, out->url, sizeof(out->url), &lookup))
		return none(out, lookup.message);
	snprintf(out->username, sizeof(out->username), "%s", c.username);
	if (*c.password_box) {
		if (!env->config.has_secret_key)
			return none(out, "the server has no secret key to open this calendar's"
					 " password (--secret-key-file)");
		if (secretbox_open(env->config.secret_key, c.password_box, out->password,
				   sizeof(out->password), &lookup))
			return none(out, "the calendar's password cannot be opened with this"
					 " server's secret key");
	}
	if (tx_booking_get(tx, booking_id, a, &b, &lookup)) {
		if (lookup.code != ERR_NOT_FOUND)
			return err_set(e, lookup.code, "%s", lookup.message);
		found = false;
	}
	if (!found || !kept(&b, &c)) {
		out->action = CALDAV_DELETE;
		return 0;
	}
	err_init(&lookup);
	if (tx_service_get(tx, b.service_id, a, &svc, &lookup)) {
		if (lookup.code != ERR_NOT_FOUND)
			return err_set(e, lookup.code, "%s", lookup.message);
		*svc.name = '\0';
	}
	out->action = CALDAV_PUT;
	out->body = itip_calendar_object(&b, svc.name);
	out->len = strlen(out->body);
	return 0;
}

int uc_caldav_request(const struct uc_env *env, const char *tenant, const char *calendar_id,
		      const char *booking_id, struct caldav_request *out, struct err *e)
{
	struct arena *a = arena_new();
	struct store_tx *tx;
	struct auth auth;
	struct uc_ctx ctx;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	uc_ctx_system(&ctx, env, &auth, tenant, "caldav", env->clock(), a);
	tx = uc_read(&ctx, STORE_SNAPSHOT, e);
	if (tx) {
		rc = request_tx(env, tx, calendar_id, booking_id, a, out, e);
		uc_read_end(tx);
	}
	arena_free(a);
	if (rc) {
		free(out->body);
		out->body = NULL;
		out->len = 0;
	}
	return rc;
}
