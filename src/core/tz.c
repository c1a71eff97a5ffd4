#include "core/tz.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/hash.h"
#include "util/mem.h"

#define TABLE_FROM 0		    /* 1970-01-01T00:00Z */
#define TABLE_UNTIL 4102444800LL    /* 2100-01-01T00:00Z */
#define DB_BUCKETS 1024		    /* power of two, far above the ~600 IANA names */

struct tz {
	char name[TZ_NAME_MAX];
	int off0;		/* offset before the first transition */
	size_t n;		/* transitions */
	int64_t *at;		/* instant of each transition, ascending */
	int *off;		/* offset from that instant on */
};

struct tz_db {
	pthread_mutex_t lock;
	struct tz *bucket[DB_BUCKETS];
};

struct tz_db *tz_db_new(void)
{
	struct tz_db *db = xcalloc(1, sizeof(*db));
	pthread_mutex_init(&db->lock, NULL);
	return db;
}

void tz_db_free(struct tz_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < DB_BUCKETS; i++) {
		struct tz *z = db->bucket[i];
		if (!z)
			continue;
		free(z->at);
		free(z->off);
		free(z);
	}
	pthread_mutex_destroy(&db->lock);
	free(db);
}

static int ical_offset(icaltimezone *zone, int64_t utc)
{
	struct icaltimetype tt =
		icaltime_from_timet_with_zone((time_t)utc, 0, icaltimezone_get_utc_timezone());
	int is_dst;
	return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &is_dst);
}

/* Samples the zone once a day and bisects each change down to the second. No zone changes
 * its offset twice within one day, so daily samples find every transition. */
static void tabulate(struct tz *z, icaltimezone *zone)
{
	size_t cap = 0;
	int prev = ical_offset(zone, TABLE_FROM);
	int64_t t;

	z->off0 = prev;
	for (t = TABLE_FROM + 86400; t < TABLE_UNTIL; t += 86400) {
		int o = ical_offset(zone, t);
		int64_t lo = t - 86400, hi = t;

		if (o == prev)
			continue;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (ical_offset(zone, mid) == prev)
				lo = mid;
			else
				hi = mid;
		}
		if (z->n == cap) {
			size_t c = cap;
			xgrow((void **)&z->at, &cap, z->n + 1, sizeof(*z->at));
			xgrow((void **)&z->off, &c, z->n + 1, sizeof(*z->off));
		}
		z->at[z->n] = hi;
		z->off[z->n] = o;
		z->n++;
		prev = o;
	}
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	size_t i;

	if (n == 0 || n >= TZ_NAME_MAX || name[0] == '/' || strstr(name, ".."))
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '+'))
			return false;
	}
	return true;
}

static struct tz *load(const char *name)
{
	icaltimezone *zone;
	struct tz *z;

	if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
		z = xcalloc(1, sizeof(*z));
		memcpy(z->name, name, strlen(name) + 1);
		return z;
	}
	zone = icaltimezone_get_builtin_timezone(name);
	if (!zone)
		return NULL;
	z = xcalloc(1, sizeof(*z));
	memcpy(z->name, name, strlen(name) + 1);
	tabulate(z, zone);
	return z;
}

const struct tz *tz_db_get(struct tz_db *db, const char *name)
{
	uint32_t i;
	struct tz *found = NULL;

	if (!name_ok(name))
		return NULL;
	pthread_mutex_lock(&db->lock);
	for (i = hash_fnv32(name) & (DB_BUCKETS - 1);; i = (i + 1) & (DB_BUCKETS - 1)) {
		struct tz *z = db->bucket[i];
		if (!z) {
			/* libical's zone loading is not thread-safe: it stays under the lock. */
			found = load(name);
			db->bucket[i] = found;
			break;
		}
		if (!strcmp(z->name, name)) {
			found = z;
			break;
		}
	}
	pthread_mutex_unlock(&db->lock);
	return found;
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

/* Index of the last transition at or before utc, or -1. */
static ptrdiff_t find(const struct tz *z, int64_t utc)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)z->n;

	while (lo < hi) {
		ptrdiff_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= utc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

int tz_offset_at(const struct tz *z, int64_t utc)
{
	ptrdiff_t i = find(z, utc);
	return i < 0 ? z->off0 : z->off[i];
}

int64_t tz_to_wall(const struct tz *z, int64_t utc)
{
	return utc + tz_offset_at(z, utc);
}

int tz_resolve(const struct tz *z, int64_t wall, int64_t out[2])
{
	/* Real offsets lie within ±26 h, so the offsets in force a day and a half either side
	 * of wall (read as UTC) bracket any transition near it. */
	ptrdiff_t i0 = find(z, wall - 129600);
	int before, after;
	int n = 0;

	/* No transition within a day and a half either side: one offset, one instant. */
	if ((size_t)(i0 + 1) >= z->n || z->at[i0 + 1] > wall + 129600) {
		out[0] = wall - (i0 < 0 ? z->off0 : z->off[i0]);
		return 1;
	}
	before = i0 < 0 ? z->off0 : z->off[i0];
	after = tz_offset_at(z, wall + 129600);

	if (tz_offset_at(z, wall - before) == before)
		out[n++] = wall - before;
	if (after != before && tz_offset_at(z, wall - after) == after)
		out[n++] = wall - after;
	if (n == 2 && out[0] > out[1]) {
		int64_t t = out[0];
		out[0] = out[1];
		out[1] = t;
	}
	return n;
}

int64_t tz_to_utc(const struct tz *z, int64_t wall)
{
	int64_t c[2];

	if (tz_resolve(z, wall, c) > 0)
		return c[0];
	/* In a gap: the offset before the gap moves the time forward by the gap's length. */
	return wall - tz_offset_at(z, wall - 129600);
}

int64_t tz_next_transition(const struct tz *z, int64_t utc)
{
	ptrdiff_t i = find(z, utc) + 1;
	return (size_t)i < z->n ? z->at[i] : INT64_MAX;
}

void *tz_db_vtimezone(struct tz_db *db, const char *name, int64_t from_utc)
{
	icalcomponent *vtz = NULL;
	icaltimezone *zone;

	if (!name_ok(name) || !strcmp(name, "UTC") || !strcmp(name, "Etc/UTC"))
		return NULL;
	/* libical's zone loading is not thread-safe: the same lock as tz_db_get. */
	pthread_mutex_lock(&db->lock);
	zone = icaltimezone_get_builtin_timezone(name);
	if (zone && icaltimezone_get_component(zone)) {
		icalproperty *p;
		struct icaltimetype start = icaltime_from_timet_with_zone(
			(time_t)from_utc, 0, icaltimezone_get_utc_timezone());
		vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
		icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 1);
		/* Generated TZIDs carry a vendor prefix; calendars expect the IANA name. */
		p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
		if (p)
			icalproperty_set_tzid(p, name);
	}
	pthread_mutex_unlock(&db->lock);
	return vtz;
}
