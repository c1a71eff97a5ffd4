#include "http/json_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/arena.h"
#include "util/ids.h"

static void pointer_of(char *out, size_t size, const char *base, const char *key)
{
	snprintf(out, size, "%s/%s", base, key);
}

static int bad(struct err *e, const char *base, const char *key, const char *msg)
{
	char ptr[96];
	pointer_of(ptr, sizeof(ptr), base, key);
	return err_field(e, ptr, "%s", msg);
}

int json_only_keys(json_t *obj, const char *base, const char *const *allowed, struct err *e)
{
	const char *key;
	json_t *v;
	int rc = 0;

	json_object_foreach(obj, key, v) {
		const char *const *a;
		(void)v;
		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (!*a)
			rc = bad(e, base, key, "unknown field");
	}
	return rc;
}

bool json_is_null_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return v && json_is_null(v);
}

int json_required(const char *base, const char *key, struct err *e)
{
	return bad(e, base, key, "is required");
}

int json_get_str(json_t *obj, const char *base, const char *key, size_t maxlen, char *out,
		 size_t size, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t len;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(e, base, key, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len != strlen(s))
		return bad(e, base, key, "must not contain NUL characters");
	if (len > maxlen || len + 1 > size) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must be at most %zu bytes", maxlen);
		return bad(e, base, key, msg);
	}
	memcpy(out, s, len + 1);
	return 1;
}

int json_get_int(json_t *obj, const char *base, const char *key, long min, long max, int *out,
		 struct err *e)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad(e, base, key, "must be an integer");
	i = json_integer_value(v);
	if (i < min || i > max) {
		char msg[80];
		snprintf(msg, sizeof(msg), "must be between %ld and %ld", min, max);
		return bad(e, base, key, msg);
	}
	*out = (int)i;
	return 1;
}

int json_get_bool(json_t *obj, const char *base, const char *key, bool *out, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(e, base, key, "must be true or false");
	*out = json_is_true(v);
	return 1;
}

int json_get_date(json_t *obj, const char *base, const char *key, int64_t *day, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || date_parse(json_string_value(v), day))
		return bad(e, base, key, "must be a date YYYY-MM-DD between 1970 and 2099");
	return 1;
}

int json_get_instant(json_t *obj, const char *base, const char *key, int64_t *utc,
		     struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || rfc3339_parse(json_string_value(v), utc))
		return bad(e, base, key,
			   "must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T09:00:00Z");
	return 1;
}

int json_get_zone(json_t *obj, const char *base, const char *key, struct tz_db *db,
		  char out[TZ_NAME_MAX], struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !tz_db_get(db, json_string_value(v)))
		return bad(e, base, key, "must be an IANA time zone name, e.g. Europe/Berlin");
	snprintf(out, TZ_NAME_MAX, "%s", json_string_value(v));
	return 1;
}

int json_get_ids(json_t *obj, const char *base, const char *key, const char *prefix, size_t max,
		 const char **ids, size_t *n, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char ptr[96];
	size_t i, j;
	json_t *item;
	int rc = 1;

	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(e, base, key, "must be an array of ids");
	if (json_array_size(v) > max) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must have at most %zu entries", max);
		return bad(e, base, key, msg);
	}
	json_array_foreach(v, i, item) {
		snprintf(ptr, sizeof(ptr), "%s/%s/%zu", base, key, i);
		if (!json_is_string(item) || !id_valid(json_string_value(item), prefix)) {
			rc = err_field(e, ptr, "must be a %s_ id", prefix);
			continue;
		}
		for (j = 0; j < *n; j++)
			if (!strcmp(ids[j], json_string_value(item)))
				break;
		if (j < *n) {
			rc = err_field(e, ptr, "is listed twice");
			continue;
		}
		ids[(*n)++] = json_string_value(item);
	}
	return rc;
}

static int cmp_interval(const void *a, const void *b)
{
	const struct day_interval *x = a, *y = b;
	return x->start_min - y->start_min;
}

/* An interval with the services it is reserved for, sorted together. */
struct interval_for {
	struct day_interval iv;
	const struct service_set *services;
};

static int cmp_interval_for(const void *a, const void *b)
{
	return cmp_interval(&((const struct interval_for *)a)->iv,
			    &((const struct interval_for *)b)->iv);
}

static void named_add(struct named_services *named, const char *id, const char *pointer)
{
	if (named->n == named->cap) {
		size_t cap = named->cap ? named->cap * 2 : 32;
		const char **ids = arena_alloc(named->arena, cap * sizeof(*ids));
		const char **ptrs = arena_alloc(named->arena, cap * sizeof(*ptrs));
		if (named->n) {
			memcpy(ids, named->ids, named->n * sizeof(*ids));
			memcpy(ptrs, named->pointers, named->n * sizeof(*ptrs));
		}
		named->ids = ids;
		named->pointers = ptrs;
		named->cap = cap;
	}
	named->ids[named->n] = id;
	named->pointers[named->n++] = arena_strdup(named->arena, pointer);
}

/* The "service_ids" of the interval object item at ptr into *out: NULL when absent or null,
 * else a set from named->arena. Returns 0 / -1 (recorded in e). */
static int interval_services(json_t *item, const char *ptr, struct named_services *named,
			     const struct service_set **out, struct err *e)
{
	const char *ids[AVAIL_MAX_INTERVAL_SERVICES];
	struct service_set *set;
	char at[128];
	size_t n, i;
	int rc;

	*out = NULL;
	rc = json_get_ids(item, ptr, "service_ids", "svc", AVAIL_MAX_INTERVAL_SERVICES, ids, &n, e);
	if (rc <= 0)
		return rc;
	if (n == 0) {
		snprintf(at, sizeof(at), "%s/service_ids", ptr);
		return err_field(e, at, "must name at least one service (omit it for any service)");
	}
	set = arena_alloc(named->arena, sizeof(*set));
	memset(set, 0, sizeof(*set));
	for (i = 0; i < n; i++) {
		char item_ptr[160];
		snprintf(set->ids[i], sizeof(set->ids[i]), "%s", ids[i]);
		snprintf(item_ptr, sizeof(item_ptr), "%s/service_ids/%zu", ptr, i);
		named_add(named, ids[i], item_ptr);
	}
	set->n = (uint8_t)n;
	*out = set;
	return 0;
}

static int get_hours(json_t *obj, const char *base, const char *key,
		     struct named_services *named, struct day_hours *out, struct err *e);

int json_get_hours(json_t *obj, const char *base, const char *key, struct day_hours *out,
		   struct err *e)
{
	return get_hours(obj, base, key, NULL, out, e);
}

int json_get_hours_services(json_t *obj, const char *base, const char *key,
			    struct named_services *named, struct day_hours *out, struct err *e)
{
	return get_hours(obj, base, key, named, out, e);
}

static int get_hours(json_t *obj, const char *base, const char *key,
		     struct named_services *named, struct day_hours *out, struct err *e)
{
	struct interval_for sorted[AVAIL_MAX_DAY_INTERVALS];
	json_t *v = json_object_get(obj, key);
	char ptr[96];
	json_t *item;
	size_t i;
	int rc = 1;

	if (!v)
		return 0;	/* out untouched, as a PATCH needs */
	out->n = 0;
	out->excluded = 0;
	out->services = NULL;
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(e, base, key, "must be an array of {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
	if (json_array_size(v) > AVAIL_MAX_DAY_INTERVALS) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must have at most %d intervals", AVAIL_MAX_DAY_INTERVALS);
		return bad(e, base, key, msg);
	}
	json_array_foreach(v, i, item) {
		const char *s, *t;
		int a, b;
		snprintf(ptr, sizeof(ptr), "%s/%s/%zu", base, key, i);
		if (!json_is_object(item) ||
		    json_object_size(item) !=
			    2 + (size_t)(named && json_object_get(item, "service_ids"))) {
			rc = err_field(e, ptr, named ? "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}"
						       " with optional \"service_ids\""
						     : "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
			continue;
		}
		s = json_string_value(json_object_get(item, "start"));
		t = json_string_value(json_object_get(item, "end"));
		if (!s || hhmm_parse(s, false, &a)) {
			rc = err_field(e, ptr, "start must be a time HH:MM from 00:00 to 23:59");
			continue;
		}
		if (!t || hhmm_parse(t, true, &b)) {
			rc = err_field(e, ptr, "end must be a time HH:MM from 00:01 to 24:00");
			continue;
		}
		if (a >= b) {
			rc = err_field(e, ptr, "start must be before end");
			continue;
		}
		sorted[out->n].iv.start_min = (int16_t)a;
		sorted[out->n].iv.end_min = (int16_t)b;
		sorted[out->n].services = NULL;
		if (named && interval_services(item, ptr, named, &sorted[out->n].services, e)) {
			rc = -1;
			continue;
		}
		out->n++;
	}
	if (rc < 0)
		return -1;
	qsort(sorted, out->n, sizeof(sorted[0]), cmp_interval_for);
	out->services = NULL;
	for (i = 0; i < out->n; i++) {
		out->iv[i] = sorted[i].iv;
		if (sorted[i].services && !out->services)	/* zeroed: any service */
			out->services = arena_alloc(named->arena,
						    AVAIL_MAX_DAY_INTERVALS * sizeof(*out->services));
		if (sorted[i].services)
			out->services[i] = sorted[i].services;
	}
	snprintf(ptr, sizeof(ptr), "%s/%s", base, key);
	return day_hours_validate(out, ptr, e) ? -1 : 1;
}

int json_get_reminder_offsets(json_t *obj, const char *base, const char *key,
			      struct reminder_offsets *out, struct err *e)
{
	json_t *v = json_object_get(obj, key), *item;
	struct reminder_offsets o;
	size_t i;
	int bad_items = 0;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > REMINDER_OFFSETS_MAX)
		return bad(e, base, key, "must be an array of at most 5 offsets in minutes");
	memset(&o, 0, sizeof(o));
	o.set = true;
	json_array_foreach(v, i, item) {
		json_int_t m = json_is_integer(item) ? json_integer_value(item) : 0;
		char ptr[96], at[128];
		if (!json_is_integer(item) || !reminder_offset_ok((long)m)) {
			pointer_of(ptr, sizeof(ptr), base, key);
			snprintf(at, sizeof(at), "%s/%u", ptr, (unsigned)i);
			err_field(e, at, "must be a whole number of minutes from %d to %d",
				  REMINDER_OFFSET_MIN, REMINDER_OFFSET_LIMIT);
			bad_items++;
			continue;
		}
		o.minutes[o.n++] = (int)m;
	}
	if (bad_items)
		return -1;
	if (reminder_offsets_normalise(&o))
		return bad(e, base, key, "must not name an offset twice");
	*out = o;
	return 1;
}
