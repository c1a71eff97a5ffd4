#include "http/req.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"
#include "util/log.h"
#include "wire/wire.h"

void reply_problem(struct req *r, const struct err *e)
{
	json_t *body;

	if (e->code == ERR_INTERNAL || e->code == ERR_OK)
		/* Never show internals to the client; keep them in the log. The route's template,
		 * as the request line has it, never the path: a path can be a credential (a
		 * calendar feed's token). */
		log_msg(LOG_ERROR, "internal error on %s (request %s): %s",
			r->route >= 0 ? router_route_template((size_t)r->route) : "an unrouted path",
			r->request_id, e->message);
	if (e->code == ERR_UNAUTHORIZED)
		req_add_header(r, "WWW-Authenticate", "Bearer realm=\"slotd\"");
	if (e->code == ERR_STORE_BUSY)
		req_add_header(r, "Retry-After", "1");
	if (e->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%d", e->retry_after);
		req_add_header(r, "Retry-After", secs);
	}
	body = wire_problem(e);
	if (*r->request_id)
		json_object_set_new(body, "request_id", json_string(r->request_id));
	reply_json(r, wire_problem_status(e->code), body);
	r->content_type = "application/problem+json";
}

void req_set_id(struct req *r)
{
	const char *h = req_header(r, "X-Request-Id");
	size_t n = h ? strlen(h) : 0;

	if (n && n < sizeof(r->request_id) && strspn(h, "abcdefghijklmnopqrstuvwxyz"
						       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						       "0123456789._:-_") == n)
		memcpy(r->request_id, h, n + 1);
	else
		id_new(r->request_id, "req");
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The first query parameter whose name or value holds an encoded NUL (%00): libmicrohttpd
 * keeps the whole value, but every reader of it as a C string would see it cut short. */
struct nul_scan {
	char name[64];
	bool found;
};

static enum MHD_Result scan_query(void *cls, enum MHD_ValueKind kind, const char *key,
				  size_t key_size, const char *value, size_t value_size)
{
	struct nul_scan *s = cls;

	(void)kind;
	if (strlen(key) == key_size && (!value || strlen(value) == value_size))
		return MHD_YES;
	if (strlen(key) == key_size)	/* else the name is cut short: left empty */
		snprintf(s->name, sizeof(s->name), "%s", key);
	s->found = true;
	return MHD_NO;
}

int req_query_check(struct req *r, struct err *e)
{
	struct nul_scan s = {"", false};

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, scan_query, &s);
	if (!s.found)
		return 0;
	if (!*s.name)
		return err_set(e, ERR_MALFORMED, "a query parameter's name holds a NUL character");
	return err_field_code(e, ERR_MALFORMED, s.name, "must not hold a NUL character");
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
