#include "http/req.h"

#include <microhttpd.h>
#include <string.h>

#include "util/log.h"

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
	[ERR_POLICY_DEADLINE] = {422, "policy_deadline_passed", "Unprocessable Content"},
	[ERR_POLICY_LIMIT] = {422, "reschedule_limit_reached", "Unprocessable Content"},
	[ERR_TOO_LARGE] = {413, "body_too_large", "Content Too Large"},
	[ERR_MEDIA_TYPE] = {415, "unsupported_media_type", "Unsupported Media Type"},
	[ERR_INVALID] = {422, "validation_failed", "Unprocessable Content"},
	[ERR_RANGE] = {422, "range_too_large", "Unprocessable Content"},
	[ERR_UNAVAILABLE] = {422, "slot_unavailable", "Unprocessable Content"},
	[ERR_STORE_BUSY] = {503, "service_unavailable", "Service Unavailable"},
	[ERR_STORE_FULL] = {507, "storage_full", "Insufficient Storage"},
	[ERR_INTERNAL] = {500, "internal_error", "Internal Server Error"},
};

void reply_problem(struct req *r, const struct err *e)
{
	unsigned code = (unsigned)e->code < ERR__COUNT ? (unsigned)e->code : ERR_INTERNAL;
	const char *detail = e->message;
	json_t *o, *errs;
	char type[96];
	size_t i;

	if (e->code == ERR_INTERNAL || e->code == ERR_OK) {
		/* Never show internals to the client; keep them in the log. */
		log_msg(LOG_ERROR, "internal error on %s: %s", r->path, e->message);
		detail = "an unexpected error occurred; it has been logged";
	}
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
	if (e->code == ERR_UNAUTHORIZED)
		req_add_header(r, "WWW-Authenticate", "Bearer realm=\"slotd\"");
	if (e->code == ERR_STORE_BUSY)
		req_add_header(r, "Retry-After", "1");
	if (e->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%d", e->retry_after);
		req_add_header(r, "Retry-After", secs);
	}
	reply_json(r, problem_map[code].status, o);
	r->content_type = "application/problem+json";
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= REQ_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = arena_strdup(r->arena, value);
	r->nheaders++;
}

int reply_json(struct req *r, unsigned status, json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT);

	buf_reset(&r->out);
	if (text) {
		buf_adds(&r->out, text);
		free(text);
	}
	json_decref(json);
	r->status = status;
	r->content_type = "application/json";
	return 0;
}

int reply_no_content(struct req *r)
{
	buf_reset(&r->out);
	r->status = 204;
	r->content_type = NULL;
	return 0;
}
