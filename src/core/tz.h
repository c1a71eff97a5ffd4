/* IANA time zones. Zone data comes from libical (the system's tzdata); on first use each zone
 * is tabulated into an immutable list of UTC offset transitions, so conversions afterwards
 * are lock-free binary searches, safe from any thread.
 *
 * Local -> UTC follows RFC 5545 §3.3.5 (Python zoneinfo fold=0, Temporal "compatible"):
 * a wall time in a DST gap uses the offset in force before the gap (02:30 -> 03:30 EDT);
 * a wall time that exists twice resolves to the first (earlier) instant.
 * Transitions are tabulated for 1970-2099; outside that the boundary offsets hold. */
#ifndef SLOTD_CORE_TZ_H
#define SLOTD_CORE_TZ_H

#include <stdint.h>

#define TZ_NAME_MAX 64

struct tz;
struct tz_db;

struct tz_db *tz_db_new(void);
void tz_db_free(struct tz_db *db);

/* The zone named name (e.g. "Europe/Berlin", "UTC"), loading it on first use; NULL when the
 * name is not a known IANA zone. The result lives as long as db. Thread-safe. */
const struct tz *tz_db_get(struct tz_db *db, const char *name);

const char *tz_name(const struct tz *z);
/* Seconds east of UTC in force at the instant utc. */
int tz_offset_at(const struct tz *z, int64_t utc);
/* Wall-clock seconds (since 1970-01-01T00:00 local) at the instant utc. */
int64_t tz_to_wall(const struct tz *z, int64_t utc);
/* Every instant whose local time is wall, ascending: 0 in a gap, 2 in an overlap, else 1. */
int tz_resolve(const struct tz *z, int64_t wall, int64_t out[2]);
/* The instant for wall under the gap/overlap rule above. */
int64_t tz_to_utc(const struct tz *z, int64_t wall);
/* The first transition strictly after utc, or INT64_MAX. */
int64_t tz_next_transition(const struct tz *z, int64_t utc);

/* A VTIMEZONE component for zone name whose TZID is the plain IANA name, covering
 * from_utc onwards (truncated); the caller frees it with icalcomponent_free. NULL for an
 * unknown zone or UTC. Thread-safe. Returned as void * so this header needs no libical. */
void *tz_db_vtimezone(struct tz_db *db, const char *name, int64_t from_utc);

#endif
