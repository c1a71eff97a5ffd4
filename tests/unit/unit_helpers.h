/* Helpers shared by the core unit tests: a zone database for the test group, instants at a
 * fixed UTC offset, and day hours / templates / open-time assertions for availability.
 * Everything is static inline so each test file uses what it needs. */
#ifndef SLOTD_TESTS_UNIT_HELPERS_H
#define SLOTD_TESTS_UNIT_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/avail.h"
#include "core/civil.h"
#include "core/interval.h"
#include "core/tz.h"
#include "util/arena.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN }; /* index of week_template.day[] */

/* A fresh arena as each test's state: TA(test) in the test list. */
static inline int arena_setup(void **state)
{
	*state = arena_new();
	return *state ? 0 : -1;
}

static inline int arena_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

#define TA(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

/* One zone database per test executable, created by the group setup. */
static struct tz_db *unit_db;

static inline int unit_group_setup(void **state)
{
	(void)state;
	unit_db = tz_db_new();
	return unit_db ? 0 : -1;
}

static inline int unit_group_teardown(void **state)
{
	(void)state;
	tz_db_free(unit_db);
	unit_db = NULL;
	return 0;
}

static inline const struct tz *zone(const char *name)
{
	const struct tz *z = tz_db_get(unit_db, name);

	assert_non_null(z);
	return z;
}

/* The UTC instant of local y-m-d h:mi at a fixed offset (minutes east of UTC). */
static inline int64_t utc_at(int y, int m, int d, int h, int mi, int off_min)
{
	return days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 - (int64_t)off_min * 60;
}

/* New York in winter (EST, UTC-05:00): valid for the January 2026 dates the tests use. */
static inline int64_t est(int y, int m, int d, int h, int mi)
{
	return utc_at(y, m, d, h, mi, -300);
}

static inline struct day_hours hours1(int sh, int sm, int eh, int em)
{
	struct day_hours h;

	memset(&h, 0, sizeof(h));
	h.n = 1;
	h.iv[0].start_min = (int16_t)(sh * 60 + sm);
	h.iv[0].end_min = (int16_t)(eh * 60 + em);
	return h;
}

/* Two intervals on whole hours: [s1, e1) and [s2, e2). */
static inline struct day_hours hours2(int s1, int e1, int s2, int e2)
{
	struct day_hours h;

	memset(&h, 0, sizeof(h));
	h.n = 2;
	h.iv[0].start_min = (int16_t)(s1 * 60);
	h.iv[0].end_min = (int16_t)(e1 * 60);
	h.iv[1].start_min = (int16_t)(s2 * 60);
	h.iv[1].end_min = (int16_t)(e2 * 60);
	return h;
}

static inline struct day_hours closed_hours(void)
{
	struct day_hours h;

	memset(&h, 0, sizeof(h));
	return h;
}

/* Mon-Fri 09:00-12:00 and 13:00-17:00, weekend closed, no date bounds. */
static inline struct week_template weekdays_with_lunch(void)
{
	struct week_template t;
	int d;

	memset(&t, 0, sizeof(t));
	t.effective_from = AVAIL_DAY_NONE;
	t.effective_until = AVAIL_DAY_NONE;
	for (d = MON; d <= FRI; d++)
		t.day[d] = hours2(9, 12, 13, 17);
	return t;
}

static inline struct avail_input input(const struct tz *z, const struct week_template *t, size_t nt)
{
	struct avail_input in;

	memset(&in, 0, sizeof(in));
	in.tz = z;
	in.templates = t;
	in.ntemplates = nt;
	return in;
}

static inline void assert_hours(const struct day_hours *h, int n, const int *minutes)
{
	int i;

	assert_int_equal(h->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(h->iv[i].start_min, minutes[2 * i]);
		assert_int_equal(h->iv[i].end_min, minutes[2 * i + 1]);
	}
}

/* ASSERT_HOURS(h, start_min, end_min, ...): h holds exactly these intervals. */
#define ASSERT_HOURS(h, ...)                                                                       \
	do {                                                                                       \
		static const int want_[] = {__VA_ARGS__};                                          \
		assert_hours((h), (int)(sizeof(want_) / sizeof(want_[0]) / 2), want_);             \
	} while (0)

static inline void assert_open(const struct interval_set *s, size_t n, const int64_t *pairs)
{
	size_t i;

	assert_int_equal(s->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s->v[i].start, pairs[2 * i]);
		assert_int_equal(s->v[i].end, pairs[2 * i + 1]);
	}
}

/* ASSERT_OPEN(s, start, end, ...): the set holds exactly these UTC intervals. */
#define ASSERT_OPEN(s, ...)                                                                        \
	do {                                                                                       \
		const int64_t want_[] = {__VA_ARGS__};                                             \
		assert_open((s), sizeof(want_) / sizeof(want_[0]) / 2, want_);                     \
	} while (0)

/* Open time of local dates from..to (inclusive) into a fresh set the caller releases. */
static inline void open_time(const struct avail_input *in, int64_t from, int64_t to,
			     struct interval_set *s)
{
	interval_set_init(s);
	avail_open_time(in, from, to, s);
}

#endif
