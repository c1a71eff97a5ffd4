/* Unit tests for the edits of core/entry: series-level patches (times, the rule kept,
 * replaced or removed, exdates checked as occurrences, a zone change re-anchoring the rule),
 * one-occurrence patches (overrides made and replaced, fields refused, the override cap,
 * changed_from), leaving an occurrence out, splitting a series, and setting exdates.
 *
 * Series are in America/New_York from Monday 2 March 2026 at 09:00 EST (14:00 UTC); the
 * clocks go forward on Sunday 8 March, after which 09:00 is 13:00 UTC. */
#include <stdio.h>

#include "core/entry.h"
#include "unit_helpers.h"
#include "util/ids.h"

#define H 3600LL
#define DAY 86400LL
#define NY "America/New_York"

static entry_id_t a_and_b[2] = {"prv_a", "prv_b"};
static entry_id_t only_c[1] = {"prv_c"};

static int64_t utc(const char *s)
{
	int64_t t;

	assert_int_equal(rfc3339_parse(s, &t), 0);
	return t;
}

static int group_setup(void **state)
{
	if (ids_init())
		return -1;
	return unit_group_setup(state);
}

/* A New York series from start lasting minutes, with rule (NULL: one-off). */
static void series(struct entry *en, const char *start, int minutes, const char *rule)
{
	const struct tz *z = zone(NY);
	struct err e;

	memset(en, 0, sizeof(*en));
	snprintf(en->id, sizeof(en->id), "ent_orig");
	snprintf(en->timezone, sizeof(en->timezone), NY);
	snprintf(en->f.title, sizeof(en->f.title), "Visit");
	en->f.assignee_ids = a_and_b;
	en->f.nassignees = 2;
	en->start = utc(start);
	en->end = en->start + minutes * 60;
	en->version = 4;
	en->created_at = 100;
	en->updated_at = 200;
	if (rule) {
		err_init(&e);
		en->recurring = true;
		assert_int_equal(recur_parse(rule, tz_to_wall(z, en->start), z, "/rrule", "/start",
					     &en->rule, &e),
				 0);
	}
}

static void daily(struct entry *en)
{
	series(en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY");
}

static struct entry_patch patch(unsigned set)
{
	struct entry_patch p;

	memset(&p, 0, sizeof(p));
	p.set = set;
	return p;
}

static struct entry_override override_of(const struct entry *en, const char *original,
					 const char *start)
{
	struct entry_override o;

	memset(&o, 0, sizeof(o));
	o.original_start = utc(original);
	o.start = utc(start);
	o.end = o.start + (en->end - en->start);
	o.f = en->f;
	return o;
}

static size_t occurrences(const struct entry *en, const char *zone_name, const char *from,
			  const char *to, struct occurrence *out, size_t max)
{
	size_t n;

	assert_int_equal(entry_occurrences(en, zone(zone_name), utc(from), utc(to), out, max, &n),
			 RECUR_DONE);
	return n;
}

static int apply_series(struct entry *en, const struct entry_patch *p, struct arena *a,
			struct err *e)
{
	err_init(e);
	return entry_apply_series(en, p, unit_db, a, e);
}

static void assert_one_field(const struct err *e, const char *pointer)
{
	assert_int_equal(e->code, ERR_INVALID);
	assert_int_equal(e->nfields, 1);
	assert_string_equal(e->fields[0].pointer, pointer);
}

/* ---- entry_apply_series: times ---- */

static void series_new_start_alone_keeps_the_duration(void **state)
{
	struct entry_patch p = patch(ENTRY_F_START);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 90, NULL);
	p.start = utc("2026-03-03T11:00:00-05:00");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.start, utc("2026-03-03T11:00:00-05:00"));
	assert_int_equal(en.end, utc("2026-03-03T12:30:00-05:00"));
	assert_false(en.recurring);
}

static void series_new_start_re_anchors_the_rule(void **state)
{
	struct entry_patch p = patch(ENTRY_F_START);
	struct occurrence o[8];
	struct entry en;
	struct err e;

	daily(&en);
	p.start = utc("2026-03-03T10:30:00-05:00");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.end - en.start, H);
	assert_true(en.recurring);
	assert_string_equal(en.rule.text, "FREQ=DAILY");
	/* Every day at 10:30 local from the 3rd, across the change to EDT. */
	assert_int_equal(occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z", o, 8),
			 7);
	assert_int_equal(o[0].start, utc("2026-03-03T10:30:00-05:00"));
	assert_int_equal(o[6].start, utc("2026-03-09T10:30:00-04:00"));
}

static void series_new_start_and_end(void **state)
{
	struct entry_patch p = patch(ENTRY_F_START | ENTRY_F_END);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.start = utc("2026-03-04T08:00:00-05:00");
	p.end = utc("2026-03-04T08:15:00-05:00");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.start, p.start);
	assert_int_equal(en.end, p.end);
}

static void series_new_end_alone(void **state)
{
	struct entry_patch p = patch(ENTRY_F_END);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.end = utc("2026-03-02T12:00:00-05:00");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.start, utc("2026-03-02T09:00:00-05:00"));
	assert_int_equal(en.end, p.end);
}

static void series_end_at_start_is_an_error(void **state)
{
	struct entry_patch p = patch(ENTRY_F_END);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.end = en.start;
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_one_field(&e, "/end");
}

static void series_end_before_start_is_an_error(void **state)
{
	struct entry_patch p = patch(ENTRY_F_START | ENTRY_F_END);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.start = utc("2026-03-05T10:00:00Z");
	p.end = p.start - 1;
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_one_field(&e, "/end");
}

static void series_longer_than_seven_days_is_an_error(void **state)
{
	struct entry_patch p = patch(ENTRY_F_END);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.end = en.start + 7 * DAY + 1;
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_one_field(&e, "/end");
	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	p.end = en.start + 7 * DAY;
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.end - en.start, 7 * DAY);
}

/* ---- entry_apply_series: fields ---- */

static void series_fields_are_applied(void **state)
{
	struct entry_patch p = patch(ENTRY_F_TITLE | ENTRY_F_STATUS | ENTRY_F_NOTES |
				     ENTRY_F_ASSIGNEES | ENTRY_F_WORK_ITEM);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	snprintf(p.f.title, sizeof(p.f.title), "Inspection");
	p.f.status = ENTRY_TENTATIVE;
	snprintf(p.f.notes, sizeof(p.f.notes), "bring a ladder");
	p.f.assignee_ids = only_c;
	p.f.nassignees = 1;
	snprintf(p.work_type, sizeof(p.work_type), "job");
	snprintf(p.work_id, sizeof(p.work_id), "J-42");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_string_equal(en.f.title, "Inspection");
	assert_int_equal(en.f.status, ENTRY_TENTATIVE);
	assert_string_equal(en.f.notes, "bring a ladder");
	assert_int_equal(en.f.nassignees, 1);
	assert_string_equal(en.f.assignee_ids[0], "prv_c");
	assert_string_equal(en.work_type, "job");
	assert_string_equal(en.work_id, "J-42");
	assert_int_equal(en.start, utc("2026-03-02T14:00:00Z"));
	assert_int_equal(en.end, utc("2026-03-02T15:00:00Z"));
}

static void series_fields_not_in_set_are_kept(void **state)
{
	struct entry_patch p = patch(ENTRY_F_NOTES);
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	snprintf(p.f.title, sizeof(p.f.title), "Ignored");
	p.f.status = ENTRY_CANCELLED;
	p.f.assignee_ids = only_c;
	p.f.nassignees = 1;
	snprintf(p.timezone, sizeof(p.timezone), "Asia/Tokyo");
	snprintf(p.f.notes, sizeof(p.f.notes), "n");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_string_equal(en.f.title, "Visit");
	assert_int_equal(en.f.status, ENTRY_SCHEDULED);
	assert_int_equal(en.f.nassignees, 2);
	assert_string_equal(en.timezone, NY);
	assert_string_equal(en.f.notes, "n");
}

/* ---- entry_apply_series: rule and exdates ---- */

static void series_rule_kept_when_not_in_patch(void **state)
{
	struct entry_patch p = patch(ENTRY_F_TITLE);
	struct entry_override ov;
	int64_t ex[1];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-04T14:00:00Z");
	en.exdates = ex;
	en.nexdates = 1;
	ov = override_of(&en, "2026-03-05T14:00:00Z", "2026-03-05T16:00:00Z");
	en.overrides = &ov;
	en.noverrides = 1;
	snprintf(p.f.title, sizeof(p.f.title), "Renamed");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_true(en.recurring);
	assert_string_equal(en.rule.text, "FREQ=DAILY");
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], ex[0]);
	assert_int_equal(en.noverrides, 1);
	assert_string_equal(en.f.title, "Renamed");
}

static void series_rule_removed_when_set_to_null(void **state)
{
	struct entry_patch p = patch(ENTRY_F_RRULE);
	struct entry_override ov;
	struct occurrence o[4];
	int64_t ex[1];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-04T14:00:00Z");
	en.exdates = ex;
	en.nexdates = 1;
	ov = override_of(&en, "2026-03-05T14:00:00Z", "2026-03-05T16:00:00Z");
	en.overrides = &ov;
	en.noverrides = 1;
	p.rrule = NULL;
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_false(en.recurring);
	assert_int_equal(en.nexdates, 0);
	assert_int_equal(en.noverrides, 0);
	assert_int_equal(occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", o, 4),
			 1);
	assert_int_equal(o[0].start, utc("2026-03-02T14:00:00Z"));
}

static void series_rule_replaced_keeps_what_still_fits(void **state)
{
	struct entry_patch p = patch(ENTRY_F_RRULE);
	struct entry_override ov[2];
	int64_t ex[2];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-04T14:00:00Z");	/* a Wednesday */
	ex[1] = utc("2026-03-09T13:00:00Z");	/* a Monday */
	en.exdates = ex;
	en.nexdates = 2;
	ov[0] = override_of(&en, "2026-03-03T14:00:00Z", "2026-03-03T16:00:00Z");	/* Tuesday */
	ov[1] = override_of(&en, "2026-03-16T13:00:00Z", "2026-03-16T16:00:00Z");	/* Monday */
	en.overrides = ov;
	en.noverrides = 2;
	p.rrule = "FREQ=WEEKLY;BYDAY=MO";
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_true(en.recurring);
	assert_string_equal(en.rule.text, "FREQ=WEEKLY;BYDAY=MO");
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], ex[1]);
	assert_int_equal(en.noverrides, 1);
	assert_int_equal(en.overrides[0].original_start, utc("2026-03-16T13:00:00Z"));
}

static void series_rule_whose_first_occurrence_is_not_the_start(void **state)
{
	struct entry_patch p = patch(ENTRY_F_RRULE);
	struct entry en;
	struct err e;

	daily(&en);
	p.rrule = "FREQ=WEEKLY;BYDAY=TU";	/* the start is a Monday */
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.fields[0].pointer, "/start");
}

static void series_exdates_must_be_occurrences(void **state)
{
	struct entry_patch p = patch(ENTRY_F_EXDATES);
	int64_t ex[4];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-04T14:00:00Z");
	ex[1] = utc("2026-03-04T15:00:00Z");	/* not 09:00 local */
	ex[2] = utc("2026-03-10T13:00:00Z");
	ex[3] = utc("2026-03-10T14:00:00Z");	/* 10:00 EDT */
	p.exdates = ex;
	p.nexdates = 4;
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 2);
	assert_string_equal(e.fields[0].pointer, "/exdates/1");
	assert_string_equal(e.fields[1].pointer, "/exdates/3");
}

static void series_exdates_sorted_once(void **state)
{
	struct entry_patch p = patch(ENTRY_F_EXDATES);
	struct occurrence o[8];
	int64_t ex[3];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-05T14:00:00Z");
	ex[1] = utc("2026-03-03T14:00:00Z");
	ex[2] = utc("2026-03-05T14:00:00Z");
	p.exdates = ex;
	p.nexdates = 3;
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_int_equal(en.nexdates, 2);
	assert_int_equal(en.exdates[0], utc("2026-03-03T14:00:00Z"));
	assert_int_equal(en.exdates[1], utc("2026-03-05T14:00:00Z"));
	/* 2, 4 and 6 March. */
	assert_int_equal(occurrences(&en, NY, "2026-03-02T00:00:00Z", "2026-03-07T00:00:00Z", o, 8),
			 3);
}

static void series_exdates_checked_against_the_new_rule(void **state)
{
	struct entry_patch p = patch(ENTRY_F_RRULE | ENTRY_F_EXDATES);
	int64_t ex[2];
	struct entry en;
	struct err e;

	daily(&en);
	p.rrule = "FREQ=WEEKLY;BYDAY=MO";
	ex[0] = utc("2026-03-09T13:00:00Z");	/* Monday: fine */
	ex[1] = utc("2026-03-10T13:00:00Z");	/* Tuesday: a daily occurrence, not a weekly one */
	p.exdates = ex;
	p.nexdates = 2;
	assert_int_equal(apply_series(&en, &p, *state, &e), -1);
	assert_one_field(&e, "/exdates/1");
}

static void series_zone_change_re_anchors(void **state)
{
	struct entry_patch p = patch(ENTRY_F_TIMEZONE);
	struct occurrence o[4];
	int64_t ex[2];
	struct entry en;
	struct err e;

	daily(&en);
	ex[0] = utc("2026-03-04T14:00:00Z");	/* 09:00 EST: also 14:00 UTC */
	ex[1] = utc("2026-03-10T13:00:00Z");	/* 09:00 EDT: not 14:00 UTC */
	en.exdates = ex;
	en.nexdates = 2;
	snprintf(p.timezone, sizeof(p.timezone), "UTC");
	assert_int_equal(apply_series(&en, &p, *state, &e), 0);
	assert_string_equal(en.timezone, "UTC");
	assert_int_equal(en.start, utc("2026-03-02T14:00:00Z"));
	assert_int_equal(en.rule.dtstart, en.start);	/* UTC wall time of the same instant */
	/* Now 14:00 UTC every day, also after New York's change. */
	assert_int_equal(occurrences(&en, "UTC", "2026-03-09T00:00:00Z", "2026-03-11T00:00:00Z", o,
				     4),
			 2);
	assert_int_equal(o[0].start, utc("2026-03-09T14:00:00Z"));
	assert_int_equal(o[1].start, utc("2026-03-10T14:00:00Z"));
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], ex[0]);
}

/* ---- entry_apply_occurrence ---- */

static int apply_occurrence(struct entry *en, const char *original, const struct entry_patch *p,
			    struct arena *a, int64_t *changed_from, struct err *e)
{
	err_init(e);
	return entry_apply_occurrence(en, utc(original), p, a, changed_from, e);
}

static void occurrence_refuses_series_fields(void **state)
{
	struct entry_patch p = patch(ENTRY_F_TITLE | ENTRY_F_TIMEZONE | ENTRY_F_WORK_ITEM |
				     ENTRY_F_RRULE | ENTRY_F_EXDATES);
	int64_t changed = -1;
	struct entry en;
	struct err e;

	daily(&en);
	snprintf(p.f.title, sizeof(p.f.title), "x");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 4);
	assert_string_equal(e.fields[0].pointer, "/timezone");
	assert_string_equal(e.fields[1].pointer, "/work_item");
	assert_string_equal(e.fields[2].pointer, "/rrule");
	assert_string_equal(e.fields[3].pointer, "/exdates");
	assert_int_equal(en.noverrides, 0);
	assert_int_equal(changed, -1);
}

static void occurrence_accepts_every_occurrence_field(void **state)
{
	struct entry_patch p = patch(ENTRY_F_OCCURRENCE);
	struct entry_override *o;
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	snprintf(p.f.title, sizeof(p.f.title), "Moved");
	p.f.status = ENTRY_IN_PROGRESS;
	snprintf(p.f.notes, sizeof(p.f.notes), "gate code 1234");
	p.f.assignee_ids = only_c;
	p.f.nassignees = 1;
	p.start = utc("2026-03-04T16:00:00Z");
	p.end = utc("2026-03-04T16:30:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(en.noverrides, 1);
	o = &en.overrides[0];
	assert_int_equal(o->original_start, utc("2026-03-04T14:00:00Z"));
	assert_int_equal(o->start, p.start);
	assert_int_equal(o->end, p.end);
	assert_string_equal(o->f.title, "Moved");
	assert_int_equal(o->f.status, ENTRY_IN_PROGRESS);
	assert_string_equal(o->f.notes, "gate code 1234");
	assert_int_equal(o->f.nassignees, 1);
	assert_string_equal(o->f.assignee_ids[0], "prv_c");
	/* The series itself is unchanged. */
	assert_string_equal(en.f.title, "Visit");
	assert_int_equal(en.f.nassignees, 2);
	assert_int_equal(en.start, utc("2026-03-02T14:00:00Z"));
}

static void occurrence_new_start_keeps_its_duration(void **state)
{
	struct entry_patch p = patch(ENTRY_F_TITLE | ENTRY_F_START);
	struct entry_override *o;
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	snprintf(p.f.title, sizeof(p.f.title), "Later");
	p.start = utc("2026-03-04T18:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 0);
	o = entry_override_at(&en, utc("2026-03-04T14:00:00Z"));
	assert_non_null(o);
	assert_int_equal(o->start, utc("2026-03-04T18:00:00Z"));
	assert_int_equal(o->end, utc("2026-03-04T19:00:00Z"));
	assert_string_equal(o->f.title, "Later");
	assert_int_equal(o->f.status, en.f.status);
	assert_int_equal(o->f.nassignees, 2);
	assert_string_equal(o->f.assignee_ids[1], "prv_b");
	/* Moved later: changes begin at the old start. */
	assert_int_equal(changed, utc("2026-03-04T14:00:00Z"));
}

static void occurrence_moved_earlier_changes_from_the_new_start(void **state)
{
	struct entry_patch p = patch(ENTRY_F_START);
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	p.start = utc("2026-03-03T20:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(changed, utc("2026-03-03T20:00:00Z"));
}

static void occurrence_unmoved_changes_from_its_start(void **state)
{
	struct entry_patch p = patch(ENTRY_F_NOTES);
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(changed, utc("2026-03-04T14:00:00Z"));
}

static void occurrence_override_is_replaced(void **state)
{
	struct entry_patch p1 = patch(ENTRY_F_TITLE | ENTRY_F_START);
	struct entry_patch p2 = patch(ENTRY_F_NOTES);
	struct entry_override *o;
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	snprintf(p1.f.title, sizeof(p1.f.title), "First");
	p1.start = utc("2026-03-04T16:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p1, *state, &changed, &e),
			 0);
	snprintf(p2.f.notes, sizeof(p2.f.notes), "second");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p2, *state, &changed, &e),
			 0);
	assert_int_equal(en.noverrides, 1);
	o = &en.overrides[0];
	assert_string_equal(o->f.title, "First");
	assert_string_equal(o->f.notes, "second");
	assert_int_equal(o->start, utc("2026-03-04T16:00:00Z"));
	assert_int_equal(o->end, utc("2026-03-04T17:00:00Z"));
}

/* The header: *changed_from is the earlier of the occurrence's old and new start. An
 * occurrence already moved to 11:00 UTC and now moved to 18:00 changed from 11:00. */
static void occurrence_moved_again_changes_from_its_previous_start(void **state)
{
	struct entry_patch p1 = patch(ENTRY_F_START), p2 = patch(ENTRY_F_START);
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	p1.start = utc("2026-03-04T11:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p1, *state, &changed, &e),
			 0);
	assert_int_equal(changed, utc("2026-03-04T11:00:00Z"));
	p2.start = utc("2026-03-04T18:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p2, *state, &changed, &e),
			 0);
	assert_int_equal(en.overrides[0].start, utc("2026-03-04T18:00:00Z"));
	assert_int_equal(changed, utc("2026-03-04T11:00:00Z"));
}

static void occurrence_overrides_stay_ordered(void **state)
{
	struct entry_patch p = patch(ENTRY_F_NOTES);
	int64_t changed;
	struct entry en;
	struct err e;

	daily(&en);
	assert_int_equal(apply_occurrence(&en, "2026-03-06T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(apply_occurrence(&en, "2026-03-03T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 0);
	assert_int_equal(en.noverrides, 3);
	assert_int_equal(en.overrides[0].original_start, utc("2026-03-03T14:00:00Z"));
	assert_int_equal(en.overrides[1].original_start, utc("2026-03-04T14:00:00Z"));
	assert_int_equal(en.overrides[2].original_start, utc("2026-03-06T14:00:00Z"));
}

static void occurrence_end_not_after_start_is_an_error(void **state)
{
	struct entry_patch p = patch(ENTRY_F_END);
	int64_t changed = -1;
	struct entry en;
	struct err e;

	daily(&en);
	p.end = utc("2026-03-04T14:00:00Z");
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 -1);
	assert_one_field(&e, "/end");
	assert_int_equal(en.noverrides, 0);
	p = patch(ENTRY_F_END);
	p.end = utc("2026-03-11T14:00:01Z");	/* over 7 days */
	assert_int_equal(apply_occurrence(&en, "2026-03-04T14:00:00Z", &p, *state, &changed, &e),
			 -1);
	assert_one_field(&e, "/end");
	assert_int_equal(changed, -1);
}

static void occurrence_override_cap(void **state)
{
	struct entry_patch p = patch(ENTRY_F_NOTES);
	struct entry_override *ov = test_calloc(ENTRY_MAX_OVERRIDES, sizeof(*ov));
	int64_t changed, first;
	struct entry en;
	struct err e;
	size_t i;

	daily(&en);
	first = utc("2026-03-02T14:00:00Z");
	for (i = 0; i < ENTRY_MAX_OVERRIDES; i++) {
		ov[i].original_start = first + (int64_t)i * DAY;
		ov[i].start = ov[i].original_start;
		ov[i].end = ov[i].start + H;
		ov[i].f = en.f;
	}
	en.overrides = ov;
	en.noverrides = ENTRY_MAX_OVERRIDES;
	/* A new one beyond the cap is a conflict at "occurrence". */
	err_init(&e);
	assert_int_equal(entry_apply_occurrence(&en, first + 1500 * DAY, &p, *state, &changed, &e),
			 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "occurrence");
	assert_int_equal(en.noverrides, ENTRY_MAX_OVERRIDES);
	/* Replacing one that exists is fine. */
	snprintf(p.f.notes, sizeof(p.f.notes), "edited");
	err_init(&e);
	assert_int_equal(entry_apply_occurrence(&en, first + 10 * DAY, &p, *state, &changed, &e),
			 0);
	assert_int_equal(en.noverrides, ENTRY_MAX_OVERRIDES);
	assert_string_equal(entry_override_at(&en, first + 10 * DAY)->f.notes, "edited");
	test_free(ov);
}

/* ---- entry_exclude ---- */

static void exclude_adds_a_sorted_exdate_and_drops_its_override(void **state)
{
	struct entry_override ov[2];
	struct occurrence o[16];
	int64_t ex[2];
	struct entry en;
	size_t n, i;

	daily(&en);
	ex[0] = utc("2026-03-03T14:00:00Z");
	ex[1] = utc("2026-03-09T13:00:00Z");
	en.exdates = ex;
	en.nexdates = 2;
	ov[0] = override_of(&en, "2026-03-05T14:00:00Z", "2026-03-05T18:00:00Z");
	ov[1] = override_of(&en, "2026-03-07T14:00:00Z", "2026-03-07T18:00:00Z");
	en.overrides = ov;
	en.noverrides = 2;
	entry_exclude(&en, utc("2026-03-05T14:00:00Z"), *state);
	assert_int_equal(en.nexdates, 3);
	assert_int_equal(en.exdates[0], utc("2026-03-03T14:00:00Z"));
	assert_int_equal(en.exdates[1], utc("2026-03-05T14:00:00Z"));
	assert_int_equal(en.exdates[2], utc("2026-03-09T13:00:00Z"));
	assert_int_equal(en.noverrides, 1);
	assert_int_equal(en.overrides[0].original_start, utc("2026-03-07T14:00:00Z"));
	/* 2, 4, 6, 7 (moved), 8, 10 March. */
	n = occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-03-11T00:00:00Z", o, 16);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++)
		assert_int_not_equal(o[i].original_start, utc("2026-03-05T14:00:00Z"));
}

static void exclude_into_no_exdates(void **state)
{
	struct entry en;

	daily(&en);
	entry_exclude(&en, utc("2026-03-04T14:00:00Z"), *state);
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], utc("2026-03-04T14:00:00Z"));
	assert_true(entry_is_excluded(&en, utc("2026-03-04T14:00:00Z")));
	entry_exclude(&en, utc("2026-03-02T14:00:00Z"), *state);
	assert_int_equal(en.nexdates, 2);
	assert_int_equal(en.exdates[0], utc("2026-03-02T14:00:00Z"));
}

/* ---- entry_split ---- */

static void split_ends_the_old_series_and_starts_a_new_one(void **state)
{
	const struct tz *z = zone(NY);
	const int64_t now = utc("2026-03-01T12:00:00Z");
	struct entry_override ov[2];
	struct occurrence o[16];
	struct entry en, *nx;
	int64_t ex[2];
	size_t n;

	daily(&en);
	ex[0] = utc("2026-03-03T14:00:00Z");
	ex[1] = utc("2026-03-06T14:00:00Z");
	en.exdates = ex;
	en.nexdates = 2;
	ov[0] = override_of(&en, "2026-03-04T14:00:00Z", "2026-03-04T16:00:00Z");
	ov[1] = override_of(&en, "2026-03-07T14:00:00Z", "2026-03-07T17:00:00Z");
	en.overrides = ov;
	en.noverrides = 2;
	nx = entry_split(&en, z, utc("2026-03-05T14:00:00Z"), now, *state);
	assert_non_null(nx);

	/* The old series: 2 March and the moved 4th; nothing from the 5th on. */
	assert_string_equal(en.id, "ent_orig");
	assert_int_equal(en.version, 4);
	assert_non_null(strstr(en.rule.text, "UNTIL=20260305T135959Z"));
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], utc("2026-03-03T14:00:00Z"));
	assert_int_equal(en.noverrides, 1);
	assert_int_equal(en.overrides[0].original_start, utc("2026-03-04T14:00:00Z"));
	n = occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", o, 16);
	assert_int_equal(n, 2);
	assert_int_equal(o[0].start, utc("2026-03-02T14:00:00Z"));
	assert_int_equal(o[1].start, utc("2026-03-04T16:00:00Z"));

	/* The new one: from the 5th, with the later exdate and override. */
	assert_int_equal(strncmp(nx->id, "ent_", 4), 0);
	assert_true(id_valid(nx->id, "ent"));
	assert_string_not_equal(nx->id, en.id);
	assert_int_equal(nx->version, 1);
	assert_int_equal(nx->created_at, now);
	assert_int_equal(nx->updated_at, now);
	assert_int_equal(nx->start, utc("2026-03-05T14:00:00Z"));
	assert_int_equal(nx->end, utc("2026-03-05T15:00:00Z"));
	assert_true(nx->recurring);
	assert_string_equal(nx->timezone, NY);
	assert_int_equal(nx->nexdates, 1);
	assert_int_equal(nx->exdates[0], utc("2026-03-06T14:00:00Z"));
	assert_int_equal(nx->noverrides, 1);
	assert_int_equal(nx->overrides[0].original_start, utc("2026-03-07T14:00:00Z"));
	assert_int_equal(nx->f.nassignees, 2);
	assert_ptr_not_equal(nx->f.assignee_ids, en.f.assignee_ids);
	assert_string_equal(nx->f.assignee_ids[0], "prv_a");
	/* 5, 7 (moved), 8 (EDT) and 9 March; the 6th is excluded. */
	n = occurrences(nx, NY, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z", o, 16);
	assert_int_equal(n, 4);
	assert_int_equal(o[0].start, utc("2026-03-05T14:00:00Z"));
	assert_int_equal(o[1].start, utc("2026-03-07T17:00:00Z"));
	assert_int_equal(o[2].start, utc("2026-03-08T13:00:00Z"));
	assert_int_equal(o[3].start, utc("2026-03-09T13:00:00Z"));
	assert_true(entry_is_occurrence(nx, z, utc("2026-03-20T13:00:00Z")));
}

static void split_of_a_count_rule_keeps_the_total(void **state)
{
	const struct tz *z = zone(NY);
	struct occurrence o[16];
	struct entry en, *nx;
	size_t n_old, n_new;

	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY;COUNT=10");
	nx = entry_split(&en, z, utc("2026-03-05T14:00:00Z"), 0, *state);
	n_old = occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", o, 16);
	assert_int_equal(n_old, 3);
	assert_int_equal(o[2].start, utc("2026-03-04T14:00:00Z"));
	n_new = occurrences(nx, NY, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", o, 16);
	assert_int_equal(n_new, 7);
	assert_int_equal(o[0].start, utc("2026-03-05T14:00:00Z"));
	assert_int_equal(o[6].start, utc("2026-03-11T13:00:00Z"));	/* the 10th, in EDT */
	assert_null(strstr(nx->rule.text, "COUNT="));
	assert_null(strstr(en.rule.text, "COUNT="));
	assert_int_equal(entry_span_end(nx, z) >= utc("2026-03-11T14:00:00Z"), 1);
	assert_true(entry_span_end(nx, z) != INT64_MAX);
}

static void split_of_an_until_rule_keeps_its_end(void **state)
{
	const struct tz *z = zone(NY);
	struct occurrence o[16];
	struct entry en, *nx;

	series(&en, "2026-03-02T09:00:00-05:00", 60, "FREQ=DAILY;UNTIL=20260308T235959Z");
	nx = entry_split(&en, z, utc("2026-03-05T14:00:00Z"), 0, *state);
	assert_int_equal(occurrences(nx, NY, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", o, 16),
			 4);
	assert_int_equal(o[3].start, utc("2026-03-08T13:00:00Z"));
	assert_int_equal(occurrences(&en, NY, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", o, 16),
			 3);
}

static void split_at_an_overridden_occurrence_moves_its_override(void **state)
{
	const struct tz *z = zone(NY);
	struct entry_override ov[1];
	struct occurrence o[8];
	struct entry en, *nx;

	daily(&en);
	ov[0] = override_of(&en, "2026-03-05T14:00:00Z", "2026-03-05T16:00:00Z");
	en.overrides = ov;
	en.noverrides = 1;
	nx = entry_split(&en, z, utc("2026-03-05T14:00:00Z"), 0, *state);
	assert_int_equal(en.noverrides, 0);
	assert_int_equal(nx->noverrides, 1);
	assert_int_equal(nx->overrides[0].original_start, utc("2026-03-05T14:00:00Z"));
	assert_int_equal(occurrences(nx, NY, "2026-03-05T00:00:00Z", "2026-03-07T00:00:00Z", o, 8),
			 2);
	assert_int_equal(o[0].start, utc("2026-03-05T16:00:00Z"));
	assert_true(o[0].overridden);
}

static void split_at_an_excluded_occurrence_keeps_it_excluded(void **state)
{
	const struct tz *z = zone(NY);
	struct occurrence o[8];
	struct entry en, *nx;
	int64_t ex[1];

	daily(&en);
	ex[0] = utc("2026-03-05T14:00:00Z");
	en.exdates = ex;
	en.nexdates = 1;
	nx = entry_split(&en, z, utc("2026-03-05T14:00:00Z"), 0, *state);
	assert_int_equal(en.nexdates, 0);
	assert_int_equal(nx->nexdates, 1);
	assert_int_equal(nx->exdates[0], utc("2026-03-05T14:00:00Z"));
	assert_int_equal(occurrences(nx, NY, "2026-03-05T00:00:00Z", "2026-03-07T00:00:00Z", o, 8),
			 1);
	assert_int_equal(o[0].start, utc("2026-03-06T14:00:00Z"));
}

/* ---- entry_set_exdates ---- */

static void set_exdates_sorted_without_duplicates(void **state)
{
	const int64_t v[] = {utc("2026-03-10T13:00:00Z"), utc("2026-03-03T14:00:00Z"),
			     utc("2026-03-10T13:00:00Z"), utc("2026-03-05T14:00:00Z"),
			     utc("2026-03-03T14:00:00Z")};
	struct entry en;
	struct err e;

	daily(&en);
	err_init(&e);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 5, *state, &e), 0);
	assert_int_equal(en.nexdates, 3);
	assert_int_equal(en.exdates[0], utc("2026-03-03T14:00:00Z"));
	assert_int_equal(en.exdates[1], utc("2026-03-05T14:00:00Z"));
	assert_int_equal(en.exdates[2], utc("2026-03-10T13:00:00Z"));
}

static void set_exdates_replaces_the_old_ones(void **state)
{
	const int64_t v[] = {utc("2026-03-05T14:00:00Z")};
	int64_t old[2];
	struct entry en;
	struct err e;

	daily(&en);
	old[0] = utc("2026-03-03T14:00:00Z");
	old[1] = utc("2026-03-04T14:00:00Z");
	en.exdates = old;
	en.nexdates = 2;
	err_init(&e);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 1, *state, &e), 0);
	assert_int_equal(en.nexdates, 1);
	assert_int_equal(en.exdates[0], v[0]);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 0, *state, &e), 0);
	assert_int_equal(en.nexdates, 0);
}

static void set_exdates_each_must_be_an_occurrence(void **state)
{
	const int64_t v[] = {utc("2026-03-01T14:00:00Z"),	/* before the first */
			     utc("2026-03-03T14:00:00Z"),
			     utc("2026-03-09T14:00:00Z")};	/* 10:00 EDT */
	struct entry en;
	struct err e;

	daily(&en);
	err_init(&e);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 3, *state, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 2);
	assert_string_equal(e.fields[0].pointer, "/exdates/0");
	assert_string_equal(e.fields[1].pointer, "/exdates/2");
}

static void set_exdates_on_a_one_off_is_an_error(void **state)
{
	const int64_t v[] = {utc("2026-03-02T14:00:00Z")};
	struct entry en;
	struct err e;

	series(&en, "2026-03-02T09:00:00-05:00", 60, NULL);
	err_init(&e);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 1, *state, &e), -1);
	assert_one_field(&e, "/exdates");
	err_init(&e);
	assert_int_equal(entry_set_exdates(&en, zone(NY), v, 0, *state, &e), 0);
	assert_int_equal(en.nexdates, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TA(series_new_start_alone_keeps_the_duration),
		TA(series_new_start_re_anchors_the_rule),
		TA(series_new_start_and_end),
		TA(series_new_end_alone),
		TA(series_end_at_start_is_an_error),
		TA(series_end_before_start_is_an_error),
		TA(series_longer_than_seven_days_is_an_error),
		TA(series_fields_are_applied),
		TA(series_fields_not_in_set_are_kept),
		TA(series_rule_kept_when_not_in_patch),
		TA(series_rule_removed_when_set_to_null),
		TA(series_rule_replaced_keeps_what_still_fits),
		TA(series_rule_whose_first_occurrence_is_not_the_start),
		TA(series_exdates_must_be_occurrences),
		TA(series_exdates_sorted_once),
		TA(series_exdates_checked_against_the_new_rule),
		TA(series_zone_change_re_anchors),
		TA(occurrence_refuses_series_fields),
		TA(occurrence_accepts_every_occurrence_field),
		TA(occurrence_new_start_keeps_its_duration),
		TA(occurrence_moved_earlier_changes_from_the_new_start),
		TA(occurrence_unmoved_changes_from_its_start),
		TA(occurrence_override_is_replaced),
		TA(occurrence_moved_again_changes_from_its_previous_start),
		TA(occurrence_overrides_stay_ordered),
		TA(occurrence_end_not_after_start_is_an_error),
		TA(occurrence_override_cap),
		TA(exclude_adds_a_sorted_exdate_and_drops_its_override),
		TA(exclude_into_no_exdates),
		TA(split_ends_the_old_series_and_starts_a_new_one),
		TA(split_of_a_count_rule_keeps_the_total),
		TA(split_of_an_until_rule_keeps_its_end),
		TA(split_at_an_overridden_occurrence_moves_its_override),
		TA(split_at_an_excluded_occurrence_keeps_it_excluded),
		TA(set_exdates_sorted_without_duplicates),
		TA(set_exdates_replaces_the_old_ones),
		TA(set_exdates_each_must_be_an_occurrence),
		TA(set_exdates_on_a_one_off_is_an_error),
	};

	return cmocka_run_group_tests_name("entry_edits", tests, group_setup, unit_group_teardown);
}
