/* Values, changes and problem documents. Resources are in wire_resources.c. */
#include "wire/wire.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/mem.h"

json_t *wire_instant(int64_t utc, const struct tz *z)
{
	char s[RFC3339_STR_MAX];

	rfc3339_format(utc, z ? tz_offset_at(z, utc) : 0, s);
	return json_string(s);
}

json_t *wire_date(int64_t day)
{
	char d[DATE_STR_MAX];

	if (day == AVAIL_DAY_NONE)
		return json_null();
	date_format(day, d);
	return json_string(d);
}

json_t *wire_hours(const struct day_hours *h)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct service_set *only = day_hours_services(h, i);
		char s[6], t[6];
		json_t *iv;
		hhmm_format(h->iv[i].start_min, s);
		hhmm_format(h->iv[i].end_min, t);
		iv = json_pack("{s:s, s:s}", "start", s, "end", t);
		if (only) {	/* only when given, so bodies round-trip */
			json_t *ids = json_array();
			size_t k;
			for (k = 0; k < only->n; k++)
				json_array_append_new(ids, json_string(only->ids[k]));
			json_object_set_new(iv, "service_ids", ids);
		}
		json_array_append_new(a, iv);
	}
	return a;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *wire_id_set(const id_t_ *ids, size_t n)
{
	const char **sorted = xmalloc((n + 1) * sizeof(*sorted));
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		sorted[i] = ids[i];
	qsort(sorted, n, sizeof(*sorted), cmp_id);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(sorted[i]));
	free(sorted);
	return a;
}

json_t *wire_opt_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *wire_json_text(const char *text)
{
	json_t *o = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

	return o ? o : json_object();
}

char *wire_dump(const json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);

	return text ? text : xstrdup("{}");
}

json_t *wire_reasons(unsigned reasons, const struct holiday *holiday, const char *calendar,
		     const struct slot_query *q, const struct tz *z)
{
	json_t *a = json_array();
	unsigned bit;

	for (bit = 1; bit < (1u << SLOT_REASON_COUNT); bit <<= 1) {
		json_t *o;
		if (!(reasons & bit))
			continue;
		o = json_pack("{s:s}", "code", slot_reason_name(bit));
		if (bit == REASON_HOLIDAY && holiday)
			json_object_set_new(o, "holiday", json_string(holiday->name));
		if (bit == REASON_EXTERNAL && calendar)
			json_object_set_new(o, "calendar", json_string(calendar));
		if (bit == REASON_MIN_NOTICE && q)
			json_object_set_new(
				o, "earliest_start",
				wire_instant(q->now + (int64_t)q->rules->min_notice_min * 60, z));
		if (bit == REASON_MAX_ADVANCE && q)
			json_object_set_new(
				o, "latest_start",
				wire_instant(q->now + (int64_t)q->rules->max_advance_days * 86400, z));
		json_array_append_new(a, o);
	}
	return a;
}

/* Fields that follow from others (or every change): never listed as changes themselves. */
static bool derived(const char *key)
{
	return !strcmp(key, "version") || !strcmp(key, "updated_at") || !strcmp(key, "links");
}

json_t *wire_changes(const json_t *before, const json_t *after)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach((json_t *)after, key, v) {
		json_t *was = json_object_get(before, key);
		if (derived(key))
			continue;
		if (was && json_equal(was, v))
			continue;
		json_object_set_new(out, key,
				    json_pack("[O, O]", was ? was : json_null(), v));
	}
	json_object_foreach((json_t *)before, key, v) {
		if (derived(key))
			continue;
		if (!json_object_get(after, key))
			json_object_set_new(out, key, json_pack("[O, n]", v));
	}
	if (json_object_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The one mapping from error codes to HTTP statuses and problem codes. */
static const struct {
	unsigned status;
	const char *code;
	const char *title;
} problem_map[ERR__COUNT] = {
	[ERR_OK] = {500, "internal_error", "Internal Server Error"},
	[ERR_MALFORMED] = {400, "malformed_request", "Bad Request"},
	[ERR_UNAUTHORIZED] = {401, "unauthorized", "Unauthorized"},
	[ERR_FORBIDDEN] = {403, "forbidden", "Forbidden"},
	[ERR_NOT_FOUND] = {404, "not_found", "Not Found"},
	[ERR_METHOD] = {405, "method_not_allowed", "Method Not Allowed"},
	[ERR_CONFLICT] = {409, "conflict", "Conflict"},
	[ERR_SLOT_TAKEN] = {409, "slot_taken", "Conflict"},
	[ERR_PRECONDITION] = {412, "precondition_failed", "Precondition Failed"},
	[ERR_KEY_IN_FLIGHT] = {409, "idempotency_key_in_use", "Conflict"},
	[ERR_KEY_REUSED] = {422, "idempotency_key_reused", "Unprocessable Content"},
	[ERR_HOLD_EXPIRED] = {409, "hold_expired", "Conflict"},
	[ERR_HOLD_LIMIT] = {429, "hold_limit_reached", "Too Many Requests"},
	[ERR_WAITLIST_LIMIT] = {429, "waitlist_limit_reached", "Too Many Requests"},
	[ERR_RATE_LIMITED] = {429, "rate_limited", "Too Many Requests"},
	[ERR_POLICY_DEADLINE] = {422, "policy_deadline_passed", "Unprocessable Content"},
	[ERR_POLICY_LIMIT] = {422, "reschedule_limit_reached", "Unprocessable Content"},
	[ERR_TOO_LARGE] = {413, "body_too_large", "Content Too Large"},
	[ERR_MEDIA_TYPE] = {415, "unsupported_media_type", "Unsupported Media Type"},
	[ERR_URI_TOO_LONG] = {414, "uri_too_long", "URI Too Long"},
	[ERR_HEADERS_TOO_LARGE] = {431, "headers_too_large", "Request Header Fields Too Large"},
	[ERR_CLIENT_TIMEOUT] = {408, "client_timeout", "Request Timeout"},
	[ERR_OVERLOADED] = {503, "too_many_connections", "Service Unavailable"},
	[ERR_INVALID] = {422, "validation_failed", "Unprocessable Content"},
	[ERR_RANGE] = {422, "range_too_large", "Unprocessable Content"},
	[ERR_UNAVAILABLE] = {422, "slot_unavailable", "Unprocessable Content"},
	[ERR_NOT_STARTED] = {409, "booking_not_started", "Conflict"},
	[ERR_NOT_COMPLETED] = {409, "booking_not_completed", "Conflict"},
	[ERR_FEEDBACK_EXISTS] = {409, "feedback_exists", "Conflict"},
	[ERR_FEEDBACK_CLOSED] = {409, "feedback_closed", "Conflict"},
	[ERR_IN_USE] = {409, "in_use", "Conflict"},
	[ERR_LAST_ADMIN] = {409, "last_admin_key", "Conflict"},
	[ERR_RECORD_LIMIT] = {422, "record_limit_reached", "Unprocessable Content"},
	[ERR_INVALID_CREDENTIALS] = {401, "invalid_credentials", "Unauthorized"},
	[ERR_SESSION_EXPIRED] = {401, "session_expired", "Unauthorized"},
	[ERR_CSRF] = {403, "csrf_failed", "Forbidden"},
	[ERR_TIMEOUT] = {503, "request_timeout", "Service Unavailable"},
	[ERR_STORE_BUSY] = {503, "service_unavailable", "Service Unavailable"},
	[ERR_STORE_FULL] = {507, "storage_full", "Insufficient Storage"},
	[ERR_INTERNAL] = {500, "internal_error", "Internal Server Error"},
};

static unsigned code_index(enum err_code code)
{
	return (unsigned)code < ERR__COUNT && code != ERR_OK ? (unsigned)code : ERR_INTERNAL;
}

unsigned wire_problem_status(enum err_code code)
{
	return problem_map[code_index(code)].status;
}

const char *wire_problem_code(enum err_code code)
{
	return problem_map[code_index(code)].code;
}

json_t *wire_problem(const struct err *e)
{
	unsigned code = code_index(e->code);
	const char *detail = e->message;
	json_t *o, *errs;
	char type[96];
	size_t i;

	if (code == ERR_INTERNAL)
		detail = "an unexpected error occurred; it has been logged";
	snprintf(type, sizeof(type), "urn:slotd:problem:%s", problem_map[code].code);
	o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", problem_map[code].title,
		      "status", (int)problem_map[code].status, "detail", detail, "code",
		      problem_map[code].code);
	errs = json_array();
	for (i = 0; i < e->nfields; i++)
		json_array_append_new(errs, json_pack("{s:s, s:s}", "pointer", e->fields[i].pointer,
						      "detail", e->fields[i].message));
	json_object_set_new(o, "errors", errs);
	if (e->ext_name[0]) {
		json_t *ext = json_loads(e->ext_json, JSON_DECODE_ANY, NULL);
		if (ext)
			json_object_set_new(o, e->ext_name, ext);
	}
	return o;
}
