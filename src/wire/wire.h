/* The wire format: each resource's JSON shape, rendered in one place for API responses,
 * stored idempotent replies and event payloads alike; and problem documents (RFC 9457).
 * Renderers return a new reference (jansson) the caller owns. Instants are shown in the
 * zone passed (UTC when NULL), as RFC 3339 with that zone's offset. */
#ifndef SLOTD_WIRE_WIRE_H
#define SLOTD_WIRE_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/entry.h"
#include "core/model.h"
#include "core/slots.h"
#include "util/err.h"

/* --- values --- */
json_t *wire_instant(int64_t utc, const struct tz *z);
/* "YYYY-MM-DD", or null for AVAIL_DAY_NONE. */
json_t *wire_date(int64_t day);
/* [{"start": "HH:MM", "end": "HH:MM"}…], with "service_ids" on an interval reserved for
 * services. */
json_t *wire_hours(const struct day_hours *h);
/* Ids sorted: the canonical order sets of ids are shown in. */
json_t *wire_id_set(const id_t_ *ids, size_t n);
/* A string, or null when s is empty. */
json_t *wire_opt_str(const char *s);
/* Text of JSON (a stored object), or an empty object when it does not parse. */
json_t *wire_json_text(const char *text);
/* Compact text of o (heap; the caller frees it). Steals nothing. */
char *wire_dump(const json_t *o);

/* --- resources --- */
json_t *wire_provider(const struct provider *p);
json_t *wire_service(const struct service *s);
/* A JSON array parsed from stored text (NULL or malformed: []); new reference. */
json_t *wire_json_array_text(const char *text);
/* Adds p's profile to provider object o: bio, specialties, photo_url, languages, and with
 * staff (never for the public) locale and video_url. */
void wire_provider_profile(json_t *o, const struct provider *p, bool staff);
/* A service's (booking false: address, phone, url_template) or a booking's (booking true:
 * address, phone, url) location; null for none. "" values render as null. */
json_t *wire_location(const struct location *l, bool booking);
/* What provider_id charges and takes for service s: the effective price (with the service's
 * currency) and duration, and its own values (null when it uses the service's). */
json_t *wire_service_offer(const struct service *s, const char *provider_id);
json_t *wire_policy(const struct policy *p);
/* The tenant's policy defaults (GET /v1/policy): the policy and the reminder offsets in
 * force (REMINDER_DEFAULT when never set). */
json_t *wire_tenant_policy(const struct policy *p, const struct reminder_offsets *reminders);
/* Reminder offsets as a JSON array (largest first), or null when not set. */
json_t *wire_reminder_offsets(const struct reminder_offsets *o);
/* {"rate_limits": {"key": {"quota", "window_seconds"} | null}} */
json_t *wire_booking_page(const struct booking_page *p);
json_t *wire_settings(const struct tenant_settings *s);
/* The weekly schedule: every version, and at the top level the one in force today (the
 * local date of now in z), so a plain single-template PUT reads back the same shape. */
json_t *wire_schedule(const struct provider *p, const struct schedule *s, const struct tz *z,
		      int64_t now);
/* The same without the owner: {"weekly", ..., "effective_from", "effective_until",
 * "versions"} (the business hours' shape too). */
json_t *wire_schedule_versions(const struct schedule *s, const struct tz *z, int64_t now);
/* The tenant's business hours (wire_business.c): wire_schedule_versions in zone z plus
 * "timezone", "exempt_provider_ids" and "updated_at"; timezone "" renders the unset shape
 * (timezone, weekly and updated_at null, no versions, no exempt providers). */
json_t *wire_business_hours(const char *zone, const struct schedule *s,
			    const id_t_ *exempt, size_t nexempt, int64_t updated_at,
			    const struct tz *z, int64_t now);
/* A business override: wire_override without "provider_id". */
json_t *wire_business_override(const struct override_rec *o);
json_t *wire_override(const struct override_rec *o);
json_t *wire_holiday(const struct holiday_rec *h);
json_t *wire_time_off(const struct time_off_rec *t, const struct tz *z);
/* Who a booking is rendered for: staff see all of it, and so do events and webhooks (they go
 * to the tenant's own systems); customers (a manage token, a customer key, the public pages)
 * never see the staff-only internal and completion notes. */
enum wire_audience { WIRE_STAFF = 0, WIRE_CUSTOMER };
/* The audience of caller a: WIRE_CUSTOMER for a manage token or a customer key. */
enum wire_audience wire_audience_of(const struct auth *a);
/* A booking in zone z, as audience to may see it. */
json_t *wire_booking(const struct booking *b, const struct tz *z, enum wire_audience to);
/* A booking's feedback {"rating", "comment", "created_at", "updated_at"}. */
json_t *wire_feedback(const struct booking_feedback *f);
/* A reminder {"offset_minutes", "due_at", "sent_at"} with times in zone z (sent_at 0:
 * null), and a booking's reminders {"booking_id", "reminders": [...]}. */
json_t *wire_reminder(const struct reminder *r, int64_t sent_at, const struct tz *z);
json_t *wire_reminders(const char *booking_id, const struct reminder *v, const int64_t *sent_at,
		       size_t n, const struct tz *z);
json_t *wire_history(const char *booking_id, const struct booking_event *v, size_t n);
/* A hold in zone z; "live" as of now. */
json_t *wire_hold(const struct hold *h, const struct tz *z, int64_t now);
json_t *wire_waitlist(const struct waitlist_entry *w);
/* A series in its own zone z. */
json_t *wire_entry(const struct entry *en, const struct tz *z);
json_t *wire_occurrence(const struct entry *en, const struct occurrence *oc,
			const struct tz *z);
json_t *wire_conflicts(const struct conflict *v, size_t n, const struct tz *z);
json_t *wire_calendar_item(const struct cal_item *x, const struct tz *z);
/* A key without its secret; secret (shown once, at creation) when not NULL. */
json_t *wire_key(const struct api_key *k, const char *secret);
/* A console user (wire_users.c); with password (one just generated), that too, once. */
json_t *wire_user(const struct user *u, const char *password);
json_t *wire_actor(const struct actor *a);
json_t *wire_event(const struct event_rec *ev);
/* The reasons a start is not bookable as [{"code": …}] in bit order, with the holiday's
 * name and the external calendar's (when not NULL); with q, also the earliest or latest
 * start notice and advance allow (in zone z). */
json_t *wire_reasons(unsigned reasons, const struct holiday *holiday, const char *calendar,
		     const struct slot_query *q, const struct tz *z);

/* The fields whose values differ between two renderings of one object, as
 * {"field": [before, after]}; NULL when none do. version and updated_at, which change with
 * every write, are left out. */
json_t *wire_changes(const json_t *before, const json_t *after);

/* --- problems --- */
/* The HTTP status of an error code (500 for ERR_OK and unknown codes). */
unsigned wire_problem_status(enum err_code code);
/* The problem code of code ("policy_deadline_passed", …). */
const char *wire_problem_code(enum err_code code);
/* e as application/problem+json: type, title, status, detail, code, errors[] and the
 * optional extension member. Internal errors show a generic detail. */
json_t *wire_problem(const struct err *e);

#endif
