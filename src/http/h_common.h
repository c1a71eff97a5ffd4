/* Steps shared by handlers: ids from the path, list paging, windows and dates from the
 * query, common body fields. */
#ifndef SLOTD_HTTP_H_COMMON_H
#define SLOTD_HTTP_H_COMMON_H

#include <jansson.h>

#include "http/req.h"
#include "wire/wire.h"

#define PAGE_DEFAULT_LIMIT 50
#define PAGE_MAX_LIMIT 200

/* Path parameter idx as an id with prefix; a malformed id is ERR_NOT_FOUND (nothing by that
 * name exists). */
int path_id(struct req *r, size_t idx, const char *prefix, const char **out, struct err *e);

/* The same for a path parameter that may end in ".ics" (*ics tells whether it did). */
int path_id_ics(struct req *r, size_t idx, const char *prefix, const char **out, bool *ics,
		struct err *e);

/* The required window ?from=&to= as UTC instants [from, to): each an RFC 3339 instant or a
 * date in zone z (from = its midnight, to = the midnight after it, so the date is included).
 * ERR_RANGE when it spans more than max_days. */
int query_window(struct req *r, const struct tz *z, int max_days, int64_t *from, int64_t *to,
		 struct err *e);

/* An instant or a date (its UTC midnight) from the query: 1 when given, 0 when absent
 * (*out untouched), -1 when malformed. */
int query_instant(struct req *r, const char *name, int64_t *out, struct err *e);

/* An iCalendar document (heap text, freed here) as a 200 text/calendar response. Returns 0. */
int reply_calendar(struct req *r, char *text);

/* ETag: "N" for an object at version N. */
void req_set_etag(struct req *r, int version);
/* If-Match: "N" (or W/"N") into *version; 0 when absent; ERR_PRECONDITION when malformed. */
int req_if_match(struct req *r, int *version, struct err *e);

/* limit (1..200, default 50) and cursor from the query. The page asks the store for one row
 * more than limit, so the handler knows whether another page follows. */
int page_from_query(struct req *r, const char *prefix, struct page *pg, struct err *e);
/* {"data": items, "next_cursor": id-or-null}: drops the extra row and names the cursor. */
json_t *page_reply(struct page pg, json_t *items, const char *last_kept_id);

/* Renders one page of rows already ordered by id (a whole list the store returned):
 * the rows after the cursor, at most the page's limit, as page_reply does. */
json_t *page_rows(struct page pg, const void *rows, size_t n, size_t stride,
		  const char *(*id_of)(const void *row),
		  json_t *(*render)(const void *row, const void *ctx), const void *ctx);

/* Empties r->out; when If-None-Match names etag, answers 304 and returns 1 (0 otherwise). */
int reply_not_modified(struct req *r, const char *etag);

struct gzip_kept;
/* A file built into the binary (data, len bytes, strong ETag etag) with Cache-Control cache
 * and Content-Type type, or 304 when If-None-Match names it. To a client that takes gzip,
 * the coding kept in *kept (made at the first such request; NULL: none) with its weak ETag;
 * the 304 carries the ETag the 200 would. */
int reply_file(struct req *r, const unsigned char *data, size_t len, const char *etag,
	       _Atomic(struct gzip_kept *) *kept, const char *cache, const char *type);

/* A date from the query (YYYY-MM-DD); absent = 0 and *day untouched. */
int query_date(struct req *r, const char *name, int64_t *day, struct err *e);

/* The body's "service_id": a svc_ id, or NULL with a field error. */
const char *json_service_id(json_t *o, struct err *e);
/* The body's "provider_id": NULL when absent, null or "any" (any provider), else a prv_ id
 * (a field error when it is not one). */
const char *json_provider_choice(json_t *o, struct err *e);
/* The body's required "customer": {"name", "email", "phone"?}, each checked into its
 * buffer (name up to NAME_MAX_LEN, email EMAIL_MAX_LEN, phone PHONE_MAX_LEN bytes). */
void json_get_customer(json_t *o, char *name, char *email, char *phone, struct err *e);

/* A schedule body (schedule.h's versions: "weekly", "weeks" with "anchor_date", or
 * "versions", each optionally dated) from body into s (alternating weeks from r's arena);
 * field errors name JSON pointers from the body's root. Top-level keys are the caller's to
 * check. The versions' order and overlap are the use case's. */
int schedule_parse(struct req *r, json_t *body, struct schedule *s, struct err *e);
/* An override body ("date" | "from"+"to", "intervals", "note", "rrule") into out (its
 * provider_id, id and times left empty), checked as for a provider's override. */
int override_parse(json_t *o, struct override_rec *out, struct err *e);

/* A plausible e-mail address: one @, a dot in the domain, no spaces or brackets. */
bool email_valid(const char *s);

#endif
