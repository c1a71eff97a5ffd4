/* Reading and validating request JSON. Every getter records a field error at the JSON
 * pointer "<base>/<key>" on a bad value, so one pass reports every problem of a body.
 * Getters return 1 when the key holds a valid value (stored in out), 0 when it is absent or
 * null (out untouched), -1 on a bad value. */
#ifndef SLOTD_HTTP_JSON_IN_H
#define SLOTD_HTTP_JSON_IN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/avail.h"
#include "core/reminder.h"
#include "core/tz.h"
#include "util/err.h"

/* Rejects keys of obj not in allowed (a NULL-terminated list). Returns 0 / -1. */
int json_only_keys(json_t *obj, const char *base, const char *const *allowed, struct err *e);
/* True when key is present with the JSON value null. */
bool json_is_null_at(json_t *obj, const char *key);
/* Records "is required" at base/key; returns -1. */
int json_required(const char *base, const char *key, struct err *e);

int json_get_str(json_t *obj, const char *base, const char *key, size_t maxlen, char *out,
		 size_t size, struct err *e);
int json_get_int(json_t *obj, const char *base, const char *key, long min, long max, int *out,
		 struct err *e);
int json_get_bool(json_t *obj, const char *base, const char *key, bool *out, struct err *e);
int json_get_date(json_t *obj, const char *base, const char *key, int64_t *day, struct err *e);
int json_get_instant(json_t *obj, const char *base, const char *key, int64_t *utc,
		     struct err *e);
/* Reminder offsets: an array of up to REMINDER_OFFSETS_MAX distinct whole minutes, each
 * REMINDER_OFFSET_MIN..REMINDER_OFFSET_LIMIT, stored largest first (errors point at the item
 * when one is bad). null is 0 with out untouched. */
int json_get_reminder_offsets(json_t *obj, const char *base, const char *key,
			      struct reminder_offsets *out, struct err *e);
/* An IANA zone name known to db, copied into out. */
int json_get_zone(json_t *obj, const char *base, const char *key, struct tz_db *db,
		  char out[TZ_NAME_MAX], struct err *e);
/* An array of ids with the given prefix, no duplicates, at most max; ids points into obj. */
int json_get_ids(json_t *obj, const char *base, const char *key, const char *prefix, size_t max,
		 const char **ids, size_t *n, struct err *e);
/* An array of {"start": "HH:MM", "end": "HH:MM"} (end may be "24:00"), sorted by start,
 * checked for overlaps. */
int json_get_hours(json_t *obj, const char *base, const char *key, struct day_hours *out,
		   struct err *e);

struct arena;

/* The service ids the intervals of one body name, each with the JSON pointer it was named
 * at, for one check that they exist once the body is parsed (uc_services_exist). Memory
 * (sets, pointers) comes from arena; ids point into the request's JSON. */
struct named_services {
	struct arena *arena;
	size_t n, cap;
	const char **ids;
	const char **pointers;
};

/* json_get_hours where an interval may also carry "service_ids": 1..
 * AVAIL_MAX_INTERVAL_SERVICES distinct svc_ ids that alone may start in it (out->services,
 * sets from named->arena); each id is recorded in named. */
int json_get_hours_services(json_t *obj, const char *base, const char *key,
			    struct named_services *named, struct day_hours *out, struct err *e);

#endif
