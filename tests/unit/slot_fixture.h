/* The fixture of the slot engine tests (test_slots*.c, test_explain.c): one provider in
 * America/New_York with the weekdays_with_lunch() template, a 60-minute service on a
 * 60-minute grid, capacity 1, now = 2026-01-01T00:00Z and the query window Monday
 * 2026-01-12 local (EST). Tests change what they need. */
#ifndef SLOTD_TESTS_SLOT_FIXTURE_H
#define SLOTD_TESTS_SLOT_FIXTURE_H

#include "core/slots.h"
#include "unit_helpers.h"

struct fx {
	struct week_template t;
	struct avail_input in;
	struct service_rules rules;
	struct slot_provider p;
	struct slot_query q;
	struct slot_scratch scratch;
	struct slot_list out;
	struct interval_set busy;
	struct slot_explanation ex;
};

static inline int fx_setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));

	f->t = weekdays_with_lunch();
	f->in = input(zone("America/New_York"), &f->t, 1);
	f->rules.duration_min = 60;
	f->rules.step_min = 60;
	f->rules.capacity = 1;
	f->p.avail = &f->in;
	f->p.busy = NULL;
	f->p.index = 0;
	f->q.rules = &f->rules;
	f->q.now = utc_at(2026, 1, 1, 0, 0, 0);
	f->q.from = est(2026, 1, 12, 0, 0);
	f->q.to = est(2026, 1, 13, 0, 0);
	slot_scratch_init(&f->scratch);
	slot_list_init(&f->out);
	interval_set_init(&f->busy);
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	slot_scratch_release(&f->scratch);
	slot_list_release(&f->out);
	interval_set_release(&f->busy);
	test_free(f);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

/* Only the given weekday open, with hours h. */
static inline void only_day(struct fx *f, int weekday, struct day_hours h)
{
	memset(f->t.day, 0, sizeof(f->t.day));
	f->t.day[weekday] = h;
}

static inline size_t run(struct fx *f)
{
	return slots_generate(&f->q, &f->p, &f->scratch, &f->out);
}

static inline void assert_starts(const struct fx *f, size_t n, const int64_t *starts)
{
	int64_t dur = (int64_t)f->rules.duration_min * 60;
	size_t i;

	assert_int_equal(f->out.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(f->out.v[i].start, starts[i]);
		assert_int_equal(f->out.v[i].end, starts[i] + dur);
	}
}

/* ASSERT_STARTS(f, start, ...): the generated list is exactly these starts, in order. */
#define ASSERT_STARTS(f, ...)                                                                      \
	do {                                                                                       \
		const int64_t want_[] = {__VA_ARGS__};                                             \
		assert_starts((f), sizeof(want_) / sizeof(want_[0]), want_);                       \
	} while (0)

static inline bool has_start(const struct fx *f, int64_t start)
{
	size_t i;

	for (i = 0; i < f->out.n; i++)
		if (f->out.v[i].start == start)
			return true;
	return false;
}

static inline void explain(struct fx *f, int64_t start)
{
	memset(&f->ex, 0xA5, sizeof(f->ex)); /* every field must be written */
	slots_explain(&f->q, &f->p, start, &f->scratch, &f->ex);
}

static inline void assert_bookable(struct fx *f, int64_t start)
{
	explain(f, start);
	assert_true(f->ex.bookable);
	assert_int_equal(f->ex.reasons, 0);
	assert_null(f->ex.holiday);
	assert_int_equal(f->ex.end, start + (int64_t)f->rules.duration_min * 60);
}

static inline void assert_reasons(struct fx *f, int64_t start, unsigned reasons)
{
	explain(f, start);
	assert_false(f->ex.bookable);
	assert_int_equal(f->ex.reasons, reasons);
	assert_int_equal(f->ex.end, start + (int64_t)f->rules.duration_min * 60);
}

#endif
