/* Bookings into CalDAV calendars (uc_caldav.h): which calendars and bookings an event
 * concerns (read in the notification worker's fan-out transaction), and the request one
 * delivery makes, read when it starts in one read transaction of the delivery's tenant, so
 * the calendar, the booking and the service agree with each other. */
#include "usecase/uc_caldav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"
#include "core/itip.h"
#include "usecase/uc_int.h"

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

/* --- which calendars an event concerns --- */

/* Whether an event of type changes a booking, so the booking's calendars follow it (a
 * reminder changes nothing). */
static bool writes_calendars(const char *type)
{
	return !strncmp(type, "booking.", 8) && strcmp(type, "booking.reminder") != 0;
}

/* The providers whose calendars booking event ev concerns: the booking's, and the one it
 * had before when the change moved it to another provider. */
static size_t booking_providers(const struct event_rec *ev, id_t_ out[2])
{
	json_t *p = ev->payload ? json_loads(ev->payload, 0, NULL) : NULL, *c;
	const char *now = json_string_value(json_object_get(p, "provider_id")), *was;
	size_t k = 0;

	if (now && *now)
		snprintf(out[k++], ID_MAX, "%s", now);
	if (ev->changes && (c = json_loads(ev->changes, 0, NULL))) {
		was = json_string_value(json_array_get(json_object_get(c, "provider_id"), 0));
		if (was && *was && (!k || strcmp(was, out[0])))
			snprintf(out[k++], ID_MAX, "%s", was);
		json_decref(c);
	}
	json_decref(p);
	return k;
}

static int booking_targets(struct store_tx *tx, const struct event_rec *ev, struct arena *a,
			   struct caldav_target **out, size_t *n, struct err *e)
{
	struct ext_calendar *cals[2];
	size_t nc[2] = {0, 0}, i, k;
	id_t_ providers[2];
	size_t np = booking_providers(ev, providers);

	for (i = 0; i < np; i++)
		if (tx_calendars_writable(tx, providers[i], a, &cals[i], &nc[i], e))
			return -1;
	*out = arena_alloc(a, (nc[0] + nc[1] + 1) * sizeof(**out));
	for (i = 0; i < np; i++)
		for (k = 0; k < nc[i]; k++) {
			if (cals[i][k].kind != CALENDAR_CALDAV)
				continue;
			snprintf((*out)[*n].calendar_id, ID_MAX, "%s", cals[i][k].id);
			snprintf((*out)[*n].booking_id, ID_MAX, "%s", ev->subject_id);
			(*n)++;
		}
	return 0;
}

/* Whether changed key of a calendar's changes c is only the next sync that a new sync
 * interval moved: next_sync_at changed with sync_interval_minutes and not to the time of
 * the change (new credentials or address make it due at once, payload p's updated_at). */
static bool interval_moved(json_t *c, const char *key, json_t *p)
{
	json_t *next = json_array_get(json_object_get(c, key), 1);

	return !strcmp(key, "next_sync_at") && json_object_get(c, "sync_interval_minutes") &&
	       !json_equal(next, json_object_get(p, "updated_at"));
}

/* Whether calendar event ev leaves a CalDAV calendar that bookings must be written into
 * anew (uc_caldav.h); its id and provider into cal and provider. */
static bool calendar_needs_fill(const struct event_rec *ev, id_t_ cal, id_t_ provider)
{
	bool created = !strcmp(ev->type, "calendar.created"), fill = created;
	const char *key, *kind;
	json_t *p, *c, *v;

	if (!created && strcmp(ev->type, "calendar.updated"))
		return false;
	p = ev->payload ? json_loads(ev->payload, 0, NULL) : NULL;
	kind = json_string_value(json_object_get(p, "kind"));
	if (!json_is_true(json_object_get(p, "write")) ||
	    !json_is_true(json_object_get(p, "enabled")) || !kind || strcmp(kind, "caldav")) {
		json_decref(p);
		return false;
	}
	key = json_string_value(json_object_get(p, "id"));
	snprintf(cal, ID_MAX, "%s", key ? key : "");
	key = json_string_value(json_object_get(p, "provider_id"));
	snprintf(provider, ID_MAX, "%s", key ? key : "");
	if (!created && ev->changes && (c = json_loads(ev->changes, 0, NULL))) {
		json_object_foreach(c, key, v)
			if (strcmp(key, "name") && strcmp(key, "sync_interval_minutes") &&
			    !interval_moved(c, key, p))
				fill = true;
		json_decref(c);
	} else if (!created) {
		fill = true;	/* a change the event does not spell out (a new password) */
	}
	json_decref(p);
	return fill && *cal && *provider;
}

static int fill_targets(struct store_tx *tx, const struct event_rec *ev, int64_t now,
			struct arena *a, struct caldav_target **out, size_t *n, struct err *e)
{
	id_t_ cal, provider;
	struct booking *b;
	size_t nb = 0, i;

	if (!calendar_needs_fill(ev, cal, provider))
		return 0;
	if (tx_provider_upcoming(tx, provider, now, CALDAV_FILL_MAX, a, &b, &nb, e))
		return -1;
	*out = arena_alloc(a, (nb + 1) * sizeof(**out));
	for (i = 0; i < nb; i++) {
		snprintf((*out)[i].calendar_id, ID_MAX, "%s", cal);
		snprintf((*out)[i].booking_id, ID_MAX, "%s", b[i].id);
	}
	*n = nb;
	return 0;
}

int uc_caldav_targets(struct store_tx *tx, const struct event_rec *ev, int64_t now,
		      struct arena *a, struct caldav_target **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	if (writes_calendars(ev->type))
		return *ev->subject_id ? booking_targets(tx, ev, a, out, n, e) : 0;
	if (!strncmp(ev->type, "calendar.", 9))
		return fill_targets(tx, ev, now, a, out, n, e);
	return 0;
}

/* --- what one delivery sends --- */

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
		char why[sizeof(out->why)];
		if (uc_calendar_unseal(env, c.password_box, out->password, sizeof(out->password),
				       why, sizeof(why)))
			return none(out, why);
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
