#include "http/json_in.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
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

int json_get_hours(json_t *obj, const char *base, const char *key, struct day_hours *out,
		   struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char ptr[96];
	json_t *item;
	size_t i;
	int rc = 1;

	out->n = 0;
	if (!v || json_is_null(v))
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
		if (!json_is_object(item) || json_object_size(item) != 2) {
			rc = err_field(e, ptr, "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
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
		out->iv[out->n].start_min = (int16_t)a;
		out->iv[out->n].end_min = (int16_t)b;
		out->n++;
	}
	if (rc < 0)
		return -1;
	qsort(out->iv, out->n, sizeof(out->iv[0]), cmp_interval);
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
