"""GET /v1/slots: exact slot lists.

Dates used (2026): Mon 2 Mar .. Sun 8 Mar is the last week of EST in New York (DST starts
Sun 8 Mar 02:00 -> 03:00); Europe switches on Sun 29 Mar. Sun 1 Nov is New York's fall-back
day (02:00 EDT -> 01:00 EST). Fri 25 Dec.
"""
import datetime as dt

import pytest

from conftest import DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
MON = "2026-03-02"
TUE = "2026-03-03"
WED = "2026-03-04"


def ny(day, *hours, off="-05:00"):
    """Starts on a New York day at HH:MM given as strings."""
    return [f"{day}T{h}:00{off}" for h in hours]


@pytest.fixture
def setup(api):
    """A New York provider with 09:00-12:00 on weekdays; returns (provider, make_service)."""
    p = api.provider("Slots NY", NY)
    api.schedule(p["id"], weekdays([("09:00", "12:00")]))

    def make(**fields):
        fields.setdefault("duration_minutes", 60)
        return api.service([p["id"]], **fields)["id"]
    return p["id"], make


@pytest.fixture
def iso(server):
    """A fresh tenant (tenant-wide holidays touch nothing else) with the same setup."""
    t = server.tenant()
    p = t.provider("Iso NY", NY)
    t.schedule(p["id"], weekdays([("09:00", "12:00")]))
    s = t.service([p["id"]])["id"]
    return t, p["id"], s


def test_monday_hourly_exact(api, setup):
    pid, make = setup
    sid = make()
    assert api.slots(sid, pid, MON) == [
        {"start": "2026-03-02T09:00:00-05:00", "end": "2026-03-02T10:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-03-02T11:00:00-05:00", "end": "2026-03-02T12:00:00-05:00",
         "provider_id": pid},
    ]


def test_response_shape(api, setup):
    pid, make = setup
    sid = make()
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={"service_id": sid, "provider_id": pid,
                                                      "from": MON, "to": MON})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert list(r.json()) == ["slots"]


def test_weekend_is_empty_and_week_spans_dst(api, setup):
    pid, make = setup
    sid = make()
    assert api.slots(sid, pid, "2026-03-07", "2026-03-08") == []
    got = api.starts(sid, pid, MON, "2026-03-09")
    want = []
    for d in ("02", "03", "04", "05", "06"):
        want += ny(f"2026-03-{d}", "09:00", "10:00", "11:00")
    want += ny("2026-03-09", "09:00", "10:00", "11:00", off="-04:00")
    assert got == want


def test_provider_id_is_optional_for_a_single_provider_service(api, setup):
    pid, make = setup
    sid = make()
    assert api.slots(sid, None, MON) == api.slots(sid, pid, MON)


def test_step_shorter_than_duration(api, setup):
    pid, make = setup
    sid = make(slot_step_minutes=30)
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "09:30", "10:00", "10:30", "11:00")


def test_step_longer_than_duration(api, setup):
    pid, make = setup
    sid = make(duration_minutes=30, slot_step_minutes=45)
    assert api.slots(sid, pid, MON) == [
        {"start": f"{MON}T{s}:00-05:00", "end": f"{MON}T{e}:00-05:00", "provider_id": pid}
        for s, e in [("09:00", "09:30"), ("09:45", "10:15"), ("10:30", "11:00"),
                     ("11:15", "11:45")]]


def test_duration_not_dividing_the_interval(api, setup):
    pid, make = setup
    sid = make(duration_minutes=90)
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "10:30")
    sid = make(duration_minutes=240)
    assert api.starts(sid, pid, MON) == []


def test_grid_restarts_at_each_interval(api):
    p = api.provider("Breaks", NY)
    api.schedule(p["id"], weekdays([("09:00", "12:00"), ("12:45", "15:00")]))
    sid = api.service([p["id"]], duration_minutes=60)["id"]
    assert api.starts(sid, p["id"], MON) == ny(MON, "09:00", "10:00", "11:00", "12:45",
                                               "13:45")


def test_buffers_do_not_shrink_the_day_or_change_the_step(api, setup):
    """Buffers may extend outside working hours; with no bookings they remove nothing."""
    pid, make = setup
    sid = make(buffer_before_minutes=30, buffer_after_minutes=45)
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "10:00", "11:00")
    slots = api.slots(sid, pid, MON)
    assert slots[0]["end"] == "2026-03-02T10:00:00-05:00"  # end excludes the buffer


def test_past_slots_are_not_offered(api, setup):
    pid, make = setup
    sid = make()
    # now = 09:30 EST on Monday.
    assert api.starts(sid, pid, MON, TUE, now="2026-03-02T14:30:00Z") == \
        ny(MON, "10:00", "11:00") + ny(TUE, "09:00", "10:00", "11:00")


def test_min_notice(api, setup):
    pid, make = setup
    sid = make(min_notice_minutes=120)
    # now = 08:00 EST: earliest start 10:00 (inclusive).
    assert api.starts(sid, pid, MON, now="2026-03-02T13:00:00Z") == ny(MON, "10:00", "11:00")
    # one second later, 10:00 is too soon.
    assert api.starts(sid, pid, MON, now="2026-03-02T13:00:01Z") == ny(MON, "11:00")
    # a day of notice from Sunday noon: nothing on Monday morning before noon.
    sid = make(min_notice_minutes=24 * 60)
    assert api.starts(sid, pid, MON, TUE, now="2026-03-01T17:00:00Z") == \
        ny(TUE, "09:00", "10:00", "11:00")


def test_max_advance(api, setup):
    pid, make = setup
    sid = make(max_advance_days=7)
    # now = Monday 09:00 EST; latest start = Monday 2026-03-09 14:00Z = 10:00 EDT (inclusive).
    got = api.starts(sid, pid, MON, "2026-03-10", now="2026-03-02T14:00:00Z")
    want = []
    for d in ("02", "03", "04", "05", "06"):
        want += ny(f"2026-03-{d}", "09:00", "10:00", "11:00")
    want += ny("2026-03-09", "09:00", "10:00", off="-04:00")
    assert got == want


def test_max_advance_null_has_no_limit(api, setup):
    pid, make = setup
    sid = make()
    assert api.starts(sid, pid, "2027-03-01", now="2026-03-02T14:00:00Z") == \
        ny("2027-03-01", "09:00", "10:00", "11:00")


def test_holiday_removes_the_day(iso):
    t, pid, sid = iso
    t.ok("POST", "/v1/holidays", {"name": "Closed Tuesday", "date": TUE})
    assert t.starts(sid, pid, MON, WED) == \
        ny(MON, "09:00", "10:00", "11:00") + ny(WED, "09:00", "10:00", "11:00")


def test_holiday_for_other_provider_does_not_apply(iso):
    t, pid, sid = iso
    other = t.provider("Other")
    t.ok("POST", "/v1/holidays", {"name": "Other's day", "date": TUE,
                                  "provider_ids": [other["id"]]})
    assert t.starts(sid, pid, TUE) == ny(TUE, "09:00", "10:00", "11:00")
    t.ok("POST", "/v1/holidays", {"name": "Mine", "date": TUE, "provider_ids": [pid]})
    assert t.starts(sid, pid, TUE) == []


def test_deleting_a_holiday_reopens_the_day(iso):
    t, pid, sid = iso
    h = t.ok("POST", "/v1/holidays", {"name": "Oops", "date": TUE})
    assert t.starts(sid, pid, TUE) == []
    t.delete(f"/v1/holidays/{h['id']}")
    assert t.starts(sid, pid, TUE) == ny(TUE, "09:00", "10:00", "11:00")


def test_yearly_holiday(iso):
    t, pid, sid = iso
    t.ok("POST", "/v1/holidays", {"name": "Christmas", "date": "2025-12-25",
                                  "recurring": "yearly"})
    # Fri 2026-12-25 and Mon 2028-12-25 are closed; the days around are open.
    assert t.starts(sid, pid, "2026-12-24", "2026-12-28") == \
        ny("2026-12-24", "09:00", "10:00", "11:00") + ny("2026-12-28", "09:00", "10:00", "11:00")
    assert t.starts(sid, pid, "2028-12-25") == []


def test_one_off_holiday_does_not_recur(iso):
    t, pid, sid = iso
    t.ok("POST", "/v1/holidays", {"name": "Once", "date": "2025-12-25"})
    assert t.starts(sid, pid, "2026-12-25") == ny("2026-12-25", "09:00", "10:00", "11:00")


def test_closed_override(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/overrides", {"date": MON})
    assert api.starts(sid, pid, MON, TUE) == ny(TUE, "09:00", "10:00", "11:00")


def test_deleting_an_override_restores_the_template(api, setup):
    pid, make = setup
    sid = make()
    o = api.ok("POST", f"/v1/providers/{pid}/overrides", {"date": MON})
    assert api.starts(sid, pid, MON) == []
    api.delete(f"/v1/providers/{pid}/overrides/{o['id']}")
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "10:00", "11:00")


def test_custom_hours_override(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/overrides",
           {"date": MON, "intervals": [{"start": "14:00", "end": "16:00"}]})
    api.ok("POST", f"/v1/providers/{pid}/overrides",
           {"date": "2026-03-07", "intervals": [{"start": "10:00", "end": "12:00"}]})
    assert api.starts(sid, pid, MON, "2026-03-07") == \
        ny(MON, "14:00", "15:00") + \
        ny(TUE, "09:00", "10:00", "11:00") + ny(WED, "09:00", "10:00", "11:00") + \
        ny("2026-03-05", "09:00", "10:00", "11:00") + \
        ny("2026-03-06", "09:00", "10:00", "11:00") + ny("2026-03-07", "10:00", "11:00")


def test_range_override_is_a_vacation_and_narrower_override_wins(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/overrides", {"from": MON, "to": "2026-03-06",
                                                       "note": "vacation"})
    assert api.starts(sid, pid, MON, "2026-03-09") == \
        ny("2026-03-09", "09:00", "10:00", "11:00", off="-04:00")
    api.ok("POST", f"/v1/providers/{pid}/overrides",
           {"date": WED, "intervals": [{"start": "13:00", "end": "15:00"}]})
    assert api.starts(sid, pid, MON, "2026-03-06") == ny(WED, "13:00", "14:00")


def test_narrower_override_wins_whatever_the_creation_order(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/overrides",
           {"date": WED, "intervals": [{"start": "13:00", "end": "14:00"}]})
    api.ok("POST", f"/v1/providers/{pid}/overrides", {"from": MON, "to": "2026-03-06"})
    assert api.starts(sid, pid, MON, "2026-03-06") == ny(WED, "13:00")


def test_custom_hours_override_beats_a_holiday(iso):
    t, pid, sid = iso
    t.ok("POST", "/v1/holidays", {"name": "Holiday", "date": TUE})
    t.ok("POST", f"/v1/providers/{pid}/overrides",
         {"date": TUE, "intervals": [{"start": "10:00", "end": "11:00"}]})
    assert t.starts(sid, pid, TUE) == ny(TUE, "10:00")


def test_closed_override_and_holiday_stay_closed(iso):
    t, pid, sid = iso
    t.ok("POST", "/v1/holidays", {"name": "Holiday", "date": TUE})
    t.ok("POST", f"/v1/providers/{pid}/overrides", {"date": TUE})
    assert t.starts(sid, pid, TUE) == []


def test_time_off_removes_overlapping_slots_only(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/time-off",
           {"start": f"{MON}T10:30:00-05:00", "end": f"{MON}T10:45:00-05:00"})
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "11:00")


def test_time_off_touching_slots_removes_just_one(api, setup):
    pid, make = setup
    sid = make()
    # Half-open intervals: [10:00, 11:00) touches 09:00-10:00 and 11:00-12:00 but overlaps
    # neither.
    api.ok("POST", f"/v1/providers/{pid}/time-off",
           {"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T16:00:00Z"})
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "11:00")


def test_time_off_with_finer_step(api, setup):
    pid, make = setup
    sid = make(duration_minutes=30, slot_step_minutes=15)
    api.ok("POST", f"/v1/providers/{pid}/time-off",
           {"start": f"{MON}T10:00:00-05:00", "end": f"{MON}T11:10:00-05:00"})
    assert api.starts(sid, pid, MON) == ny(
        MON, "09:00", "09:15", "09:30", "11:15", "11:30")


def test_multi_day_time_off(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/time-off",
           {"start": f"{MON}T11:30:00-05:00", "end": f"{WED}T09:30:00-05:00"})
    assert api.starts(sid, pid, MON, "2026-03-05") == \
        ny(MON, "09:00", "10:00") + ny(WED, "10:00", "11:00") + \
        ny("2026-03-05", "09:00", "10:00", "11:00")


def test_long_time_off_and_long_range_override_starting_well_before_the_query(api, setup):
    pid, make = setup
    sid = make()
    t = api.ok("POST", f"/v1/providers/{pid}/time-off",
               {"start": "2025-07-01T00:00:00Z", "end": "2026-07-01T00:00:00Z"})
    assert api.starts(sid, pid, MON, "2026-06-02") == []
    assert api.starts(sid, pid, "2026-06-03", "2026-06-30") == []
    assert api.starts(sid, pid, "2026-07-01") == ny("2026-07-01", "09:00", "10:00", "11:00",
                                                    off="-04:00")
    api.delete(f"/v1/providers/{pid}/time-off/{t['id']}")
    api.ok("POST", f"/v1/providers/{pid}/overrides", {"from": "2025-07-01", "to": "2026-07-01"})
    assert api.starts(sid, pid, MON, "2026-06-01") == []
    assert api.starts(sid, pid, "2026-07-02") == ny("2026-07-02", "09:00", "10:00", "11:00",
                                                    off="-04:00")


def test_deleting_time_off_restores_slots(api, setup):
    pid, make = setup
    sid = make()
    t = api.ok("POST", f"/v1/providers/{pid}/time-off",
               {"start": f"{MON}T00:00:00-05:00", "end": f"{TUE}T00:00:00-05:00"})
    assert api.starts(sid, pid, MON) == []
    api.delete(f"/v1/providers/{pid}/time-off/{t['id']}")
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "10:00", "11:00")


def test_vacation_setting(api, setup):
    pid, make = setup
    sid = make()
    api.ok("PATCH", f"/v1/providers/{pid}", {"settings": {"vacation": True}})
    assert api.starts(sid, pid, MON, "2026-03-13") == []
    api.ok("PATCH", f"/v1/providers/{pid}", {"vacation": False})
    assert api.starts(sid, pid, MON) == ny(MON, "09:00", "10:00", "11:00")


def test_vacation_beats_custom_hours_override(api, setup):
    pid, make = setup
    sid = make()
    api.ok("POST", f"/v1/providers/{pid}/overrides",
           {"date": MON, "intervals": [{"start": "13:00", "end": "14:00"}]})
    api.ok("PATCH", f"/v1/providers/{pid}", {"vacation": True})
    assert api.starts(sid, pid, MON) == []


# --- DST -------------------------------------------------------------------------------------

@pytest.fixture
def night(api):
    p = api.provider("Night", NY)
    api.schedule(p["id"], {"sun": [{"start": "00:00", "end": "04:00"}]})
    return p["id"], api.service([p["id"]], duration_minutes=60)["id"]


def test_spring_forward_skips_the_missing_hour(api, night):
    pid, sid = night
    assert api.slots(sid, pid, "2026-03-08") == [
        {"start": "2026-03-08T00:00:00-05:00", "end": "2026-03-08T01:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-03-08T01:00:00-05:00", "end": "2026-03-08T03:00:00-04:00",
         "provider_id": pid},
        {"start": "2026-03-08T03:00:00-04:00", "end": "2026-03-08T04:00:00-04:00",
         "provider_id": pid},
    ]


def test_fall_back_repeats_the_doubled_hour(api, night):
    pid, sid = night
    assert api.slots(sid, pid, "2026-11-01") == [
        {"start": "2026-11-01T00:00:00-04:00", "end": "2026-11-01T01:00:00-04:00",
         "provider_id": pid},
        {"start": "2026-11-01T01:00:00-04:00", "end": "2026-11-01T01:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-11-01T01:00:00-05:00", "end": "2026-11-01T02:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-11-01T02:00:00-05:00", "end": "2026-11-01T03:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-11-01T03:00:00-05:00", "end": "2026-11-01T04:00:00-05:00",
         "provider_id": pid},
    ]


def test_fall_back_with_half_hour_step(api, night):
    pid, _ = night
    sid = api.service([pid], duration_minutes=30, slot_step_minutes=30)["id"]
    # Ordered by instant: the -04:00 half hours come before the -05:00 ones.
    assert api.starts(sid, pid, "2026-11-01") == [
        "2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00",
        "2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00",
        "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00",
        "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00",
        "2026-11-01T03:00:00-05:00", "2026-11-01T03:30:00-05:00"]


def sorted_by_instant(starts):
    return sorted(starts, key=dt.datetime.fromisoformat)


def test_dst_day_in_a_daytime_template(api, setup):
    """Sunday hours across the spring-forward morning: 09:00-12:00 is EDT that day."""
    pid, make = setup
    api.schedule(pid, weekdays([("09:00", "12:00")], days=("sat", "sun")))
    sid = make()
    assert api.starts(sid, pid, "2026-03-07", "2026-03-08") == \
        ny("2026-03-07", "09:00", "10:00", "11:00") + \
        ny("2026-03-08", "09:00", "10:00", "11:00", off="-04:00")


def test_hours_starting_in_the_gap_start_after_it(api):
    """Local 02:30 does not exist on 2026-03-08; an interval from 02:30 opens at 03:30 EDT."""
    p = api.provider("Gap", NY)
    api.schedule(p["id"], {"sun": [{"start": "02:30", "end": "05:00"}]})
    sid = api.service([p["id"]], duration_minutes=30)["id"]
    assert api.starts(sid, p["id"], "2026-03-08") == [
        "2026-03-08T03:30:00-04:00", "2026-03-08T04:00:00-04:00", "2026-03-08T04:30:00-04:00"]


def test_half_hour_dst_shift_lord_howe(api):
    """Lord Howe Island moves its clocks by 30 minutes (+11:00 <-> +10:30)."""
    p = api.provider("Lord Howe", "Australia/Lord_Howe")
    api.schedule(p["id"], {"sun": [{"start": "00:00", "end": "04:00"}]})
    sid = api.service([p["id"]], duration_minutes=30)["id"]
    # 5 April 2026: 02:00 +11:00 becomes 01:30 +10:30, so 01:30 happens twice.
    assert api.starts(sid, p["id"], "2026-04-05") == [
        "2026-04-05T00:00:00+11:00", "2026-04-05T00:30:00+11:00", "2026-04-05T01:00:00+11:00",
        "2026-04-05T01:30:00+11:00", "2026-04-05T01:30:00+10:30", "2026-04-05T02:00:00+10:30",
        "2026-04-05T02:30:00+10:30", "2026-04-05T03:00:00+10:30", "2026-04-05T03:30:00+10:30"]
    # 4 October 2026: 02:00 +10:30 becomes 02:30 +11:00, so 02:00 does not exist.
    assert api.starts(sid, p["id"], "2026-10-04") == [
        "2026-10-04T00:00:00+10:30", "2026-10-04T00:30:00+10:30", "2026-10-04T01:00:00+10:30",
        "2026-10-04T01:30:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T03:00:00+11:00",
        "2026-10-04T03:30:00+11:00"]


def test_quarter_hour_offset_zone(api):
    p = api.provider("Kathmandu", "Asia/Kathmandu")
    api.schedule(p["id"], weekdays([("09:00", "10:00")]))
    sid = api.service([p["id"]])["id"]
    assert api.slots(sid, p["id"], MON) == [
        {"start": "2026-03-02T09:00:00+05:45", "end": "2026-03-02T10:00:00+05:45",
         "provider_id": p["id"]}]
    assert api.starts(sid, p["id"], MON, timezone="UTC") == ["2026-03-02T03:15:00Z"]


def test_day_long_service_lasts_real_hours_across_dst(api):
    p = api.provider("Round the clock", NY)
    api.schedule(p["id"], weekdays([("00:00", "24:00")],
                                   days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
    sid = api.service([p["id"]], duration_minutes=1440)["id"]
    assert api.slots(sid, p["id"], "2026-03-07", "2026-03-09") == [
        {"start": "2026-03-07T00:00:00-05:00", "end": "2026-03-08T00:00:00-05:00",
         "provider_id": p["id"]},
        {"start": "2026-03-08T00:00:00-05:00", "end": "2026-03-09T01:00:00-04:00",
         "provider_id": p["id"]},
        {"start": "2026-03-09T00:00:00-04:00", "end": "2026-03-10T00:00:00-04:00",
         "provider_id": p["id"]}]
    assert [(s["start"], s["end"]) for s in api.slots(sid, p["id"], "2026-11-01")] == [
        ("2026-11-01T00:00:00-04:00", "2026-11-01T23:00:00-05:00")]


def test_changing_the_provider_zone_moves_the_slots(api, setup):
    pid, make = setup
    sid = make()
    api.ok("PATCH", f"/v1/providers/{pid}", {"timezone": "Europe/Berlin"})
    assert api.starts(sid, pid, MON) == ["2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00",
                                         "2026-03-02T11:00:00+01:00"]
    assert api.starts(sid, pid, MON, timezone=NY) == ny(MON, "03:00", "04:00", "05:00")


def test_exceptions_of_one_provider_do_not_touch_another(api):
    p1, p2 = api.provider("One", NY), api.provider("Two", NY)
    for p in (p1, p2):
        api.schedule(p["id"], weekdays([("09:00", "12:00")]))
    sid = api.service([p1["id"], p2["id"]])["id"]
    api.ok("POST", f"/v1/providers/{p1['id']}/overrides", {"date": MON})
    api.ok("POST", f"/v1/providers/{p1['id']}/time-off",
           {"start": f"{TUE}T00:00:00-05:00", "end": f"{WED}T00:00:00-05:00"})
    api.ok("PATCH", f"/v1/providers/{p1['id']}", {"vacation": False})
    assert api.starts(sid, p2["id"], MON, TUE) == \
        ny(MON, "09:00", "10:00", "11:00") + ny(TUE, "09:00", "10:00", "11:00")
    assert api.starts(sid, p1["id"], MON, WED) == ny(WED, "09:00", "10:00", "11:00")
    assert {s["provider_id"] for s in api.slots(sid, None, MON, TUE)} == {p2["id"]}


def test_deleted_provider_leaves_the_any_provider_list(api):
    p1, p2 = api.provider("Stays", NY), api.provider("Leaves", NY)
    for p in (p1, p2):
        api.schedule(p["id"], weekdays([("09:00", "10:00")]))
    sid = api.service([p1["id"], p2["id"]])["id"]
    assert len(api.slots(sid, None, MON)) == 2
    api.delete(f"/v1/providers/{p2['id']}")
    assert [(s["start"], s["provider_id"]) for s in api.slots(sid, None, MON)] == [
        (f"{MON}T09:00:00-05:00", p1["id"])]


# --- display zone ----------------------------------------------------------------------------

@pytest.fixture
def berlin(api):
    p = api.provider("Berlin", "Europe/Berlin")
    api.schedule(p["id"], weekdays([("09:00", "12:00")]))
    return p["id"], api.service([p["id"]])["id"]


def test_default_zone_is_the_providers(api, berlin):
    pid, sid = berlin
    assert api.starts(sid, pid, MON) == ["2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00",
                                         "2026-03-02T11:00:00+01:00"]


def test_timezone_parameter_changes_offsets(api, berlin):
    pid, sid = berlin
    assert api.slots(sid, pid, MON, timezone=NY) == [
        {"start": "2026-03-02T03:00:00-05:00", "end": "2026-03-02T04:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-03-02T04:00:00-05:00", "end": "2026-03-02T05:00:00-05:00",
         "provider_id": pid},
        {"start": "2026-03-02T05:00:00-05:00", "end": "2026-03-02T06:00:00-05:00",
         "provider_id": pid},
    ]
    # New York is on EDT from 8 March, Berlin still on CET: the gap is 5 hours.
    assert api.starts(sid, pid, "2026-03-09", timezone=NY) == [
        "2026-03-09T04:00:00-04:00", "2026-03-09T05:00:00-04:00", "2026-03-09T06:00:00-04:00"]
    assert api.starts(sid, pid, MON, timezone="UTC") == [
        "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"]


def test_timezone_parameter_changes_the_date_window(api, berlin):
    pid, sid = berlin
    # Honolulu's 2 March is [10:00Z 2 Mar, 10:00Z 3 Mar): Berlin's 11:00 on Monday (10:00Z)
    # and 09:00, 10:00 on Tuesday (08:00Z, 09:00Z).
    assert api.starts(sid, pid, MON, timezone="Pacific/Honolulu") == [
        "2026-03-02T00:00:00-10:00", "2026-03-02T22:00:00-10:00", "2026-03-02T23:00:00-10:00"]
    # Tokyo's 2 March is [15:00Z 1 Mar, 15:00Z 2 Mar): all of Berlin's Monday.
    assert api.starts(sid, pid, MON, timezone="Asia/Tokyo") == [
        "2026-03-02T17:00:00+09:00", "2026-03-02T18:00:00+09:00", "2026-03-02T19:00:00+09:00"]
    # Tokyo's 3 March ends at 15:00Z on 3 March: Berlin's Tuesday too.
    assert api.starts(sid, pid, "2026-03-03", timezone="Asia/Tokyo") == [
        "2026-03-03T17:00:00+09:00", "2026-03-03T18:00:00+09:00", "2026-03-03T19:00:00+09:00"]


# --- any provider ----------------------------------------------------------------------------

def test_any_provider_lists_one_entry_per_provider_per_start(api):
    p1, p2 = api.provider("Early", NY), api.provider("Late", NY)
    api.schedule(p1["id"], weekdays([("09:00", "12:00")]))
    api.schedule(p2["id"], weekdays([("10:00", "13:00")]))
    sid = api.service([p1["id"], p2["id"]])["id"]
    got = api.slots(sid, None, MON)
    assert [s["start"] for s in got] == sorted_by_instant([s["start"] for s in got])
    pairs = sorted((s["start"], s["end"], s["provider_id"]) for s in got)
    want = sorted([
        (f"{MON}T09:00:00-05:00", f"{MON}T10:00:00-05:00", p1["id"]),
        (f"{MON}T10:00:00-05:00", f"{MON}T11:00:00-05:00", p1["id"]),
        (f"{MON}T10:00:00-05:00", f"{MON}T11:00:00-05:00", p2["id"]),
        (f"{MON}T11:00:00-05:00", f"{MON}T12:00:00-05:00", p1["id"]),
        (f"{MON}T11:00:00-05:00", f"{MON}T12:00:00-05:00", p2["id"]),
        (f"{MON}T12:00:00-05:00", f"{MON}T13:00:00-05:00", p2["id"]),
    ])
    assert pairs == want
    assert len(got) == 6
    # Naming one provider narrows the list to its entries.
    assert api.starts(sid, p2["id"], MON) == ny(MON, "10:00", "11:00", "12:00")


def test_any_provider_over_several_days_is_ordered_by_start(api):
    p1, p2 = api.provider("A", NY), api.provider("B", NY)
    api.schedule(p1["id"], weekdays([("14:00", "15:00")]))
    api.schedule(p2["id"], weekdays([("09:00", "10:00")]))
    sid = api.service([p1["id"], p2["id"]])["id"]
    got = api.slots(sid, None, MON, TUE)
    assert [(s["start"], s["provider_id"]) for s in got] == [
        (f"{MON}T09:00:00-05:00", p2["id"]), (f"{MON}T14:00:00-05:00", p1["id"]),
        (f"{TUE}T09:00:00-05:00", p2["id"]), (f"{TUE}T14:00:00-05:00", p1["id"])]


def test_any_provider_in_different_zones_needs_a_timezone(api):
    p1, p2 = api.provider("NY", NY), api.provider("Berlin", "Europe/Berlin")
    api.schedule(p1["id"], weekdays([("09:00", "10:00")]))
    api.schedule(p2["id"], weekdays([("09:00", "10:00")]))
    sid = api.service([p1["id"], p2["id"]])["id"]
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={"service_id": sid, "from": MON, "to": MON})
    b = expect_problem(r, 422, "validation_failed")
    assert any(e["pointer"].lstrip("/") == "timezone" for e in b["errors"]), b
    got = api.slots(sid, None, MON, timezone="UTC")
    assert [(s["start"][:19], s["provider_id"]) for s in got] == [
        ("2026-03-02T08:00:00", p2["id"]), ("2026-03-02T14:00:00", p1["id"])]


def test_service_without_providers_has_no_slots(api):
    sid = api.service([])["id"]
    assert api.slots(sid, None, MON) == []


# --- capacity --------------------------------------------------------------------------------

def test_capacity_shows_seats_left(api, setup):
    pid, make = setup
    sid = make(capacity=3)
    assert api.slots(sid, pid, MON) == [
        {"start": f"{MON}T{h:02d}:00:00-05:00", "end": f"{MON}T{h + 1:02d}:00:00-05:00",
         "provider_id": pid, "seats_left": 3} for h in (9, 10, 11)]


def test_capacity_one_has_no_seats_left(api, setup):
    pid, make = setup
    sid = make(capacity=1)
    assert all("seats_left" not in s for s in api.slots(sid, pid, MON))


# --- range -----------------------------------------------------------------------------------

def _weekday_count(first, last):
    d, n = dt.date.fromisoformat(first), 0
    while d <= dt.date.fromisoformat(last):
        n += d.weekday() < 5
        d += dt.timedelta(days=1)
    return n


def test_93_day_range_is_allowed(api, setup):
    pid, make = setup
    sid = make()
    got = api.starts(sid, pid, "2026-01-01", "2026-04-03")  # 93 days inclusive
    assert len(got) == 3 * _weekday_count("2026-01-01", "2026-04-03")
    assert got[0] == "2026-01-01T09:00:00-05:00"
    assert got[-1] == "2026-04-03T11:00:00-04:00"
    assert got == sorted_by_instant(got)


def test_94_day_range_is_422_range_too_large(api, setup):
    pid, make = setup
    sid = make()
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "from": "2026-01-01", "to": "2026-04-04"})
    expect_problem(r, 422, "range_too_large")


def test_huge_answer_is_complete_json_or_a_4xx(server):
    """5 providers open around the clock, a 1-minute service, 93 days: 669,600 slots
    (about 80 MB of JSON). The answer must be complete JSON or a problem, never cut off."""
    t = server.tenant()
    pids = []
    for i in range(5):
        p = t.provider(f"Always {i}", "UTC")
        t.schedule(p["id"], weekdays([("00:00", "24:00")],
                                     days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
        pids.append(p["id"])
    sid = t.service(pids, duration_minutes=1)["id"]
    r = t.get("/v1/slots", now=DEFAULT_NOW, params={"service_id": sid, "from": "2026-03-01",
                                                    "to": "2026-06-01"})
    if r.status_code == 200:
        try:
            body = r.json()
        except ValueError:
            pytest.fail(f"200 with invalid JSON of {len(r.content)} bytes, ending "
                        f"{r.content[-60:]!r}")
        assert len(body["slots"]) == 5 * 93 * 1440
    else:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
        expect_problem(r, r.status_code)


def test_single_day_range_and_reversed_range(api, setup):
    pid, make = setup
    sid = make()
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "from": TUE, "to": MON})
    expect_problem(r, 422, "validation_failed")


def test_slot_listed_by_its_start_date_even_across_midnight(api):
    p = api.provider("Late night", NY)
    api.schedule(p["id"], {"mon": [{"start": "22:00", "end": "24:00"}],
                           "tue": [{"start": "00:00", "end": "01:00"}]})
    sid = api.service([p["id"]], duration_minutes=60, slot_step_minutes=30)["id"]
    assert api.slots(sid, p["id"], MON)[-1] == {
        "start": "2026-03-02T23:30:00-05:00", "end": "2026-03-03T00:30:00-05:00",
        "provider_id": p["id"]}
    assert api.starts(sid, p["id"], MON) == ny(MON, "22:00", "22:30", "23:00", "23:30")
    assert api.starts(sid, p["id"], TUE) == ny(TUE, "00:00")


def test_day_ending_at_24_00(api):
    p = api.provider("Evening", NY)
    api.schedule(p["id"], {"mon": [{"start": "22:00", "end": "24:00"}]})
    sid = api.service([p["id"]], duration_minutes=60)["id"]
    assert api.slots(sid, p["id"], MON) == [
        {"start": "2026-03-02T22:00:00-05:00", "end": "2026-03-02T23:00:00-05:00",
         "provider_id": p["id"]},
        {"start": "2026-03-02T23:00:00-05:00", "end": "2026-03-03T00:00:00-05:00",
         "provider_id": p["id"]}]


# --- parameter errors ------------------------------------------------------------------------

@pytest.mark.parametrize("drop,extra,status,pointer", [
    ("service_id", {}, 422, "service_id"),
    ("from", {}, 422, "from"),
    ("to", {}, 422, "to"),
    (None, {"from": "2026-3-2"}, 422, "from"),
    (None, {"to": "tomorrow"}, 422, "to"),
    (None, {"from": "2026-02-30"}, 422, "from"),
    (None, {"timezone": "Mars/Base"}, 422, "timezone"),
    (None, {"service_id": "svc_00000000000000000000"}, 404, None),
    (None, {"service_id": "nonsense"}, 404, None),
    (None, {"provider_id": "prv_00000000000000000000"}, 404, None),
    (None, {"provider_id": "nonsense"}, 404, None),
])
def test_bad_parameters(api, setup, drop, extra, status, pointer):
    pid, make = setup
    sid = make()
    params = {"service_id": sid, "provider_id": pid, "from": MON, "to": MON}
    if drop:
        del params[drop]
    params.update(extra)
    b = expect_problem(api.get("/v1/slots", params=params, now=DEFAULT_NOW), status)
    if pointer:
        assert any(e["pointer"].lstrip("/") == pointer for e in b["errors"]), b


def test_provider_not_offering_the_service_is_422(api, setup):
    pid, make = setup
    sid = make()
    other = api.provider("Not offering", NY)
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": other["id"], "from": MON, "to": MON})
    b = expect_problem(r, 422, "validation_failed")
    assert any(e["pointer"].lstrip("/") == "provider_id" for e in b["errors"]), b


def test_edges_of_the_supported_years(api, setup):
    pid, make = setup
    sid = make()
    # Thu 1970-01-01 lies before "now"; Thu 2099-12-31 is the last supported date.
    assert api.slots(sid, pid, "1970-01-01") == []
    assert api.starts(sid, pid, "2099-12-31") == ny("2099-12-31", "09:00", "10:00", "11:00")
    got = api.starts(sid, pid, "2099-10-01", "2099-12-31")
    assert len(got) == 3 * _weekday_count("2099-10-01", "2099-12-31")
    assert got[-1] == "2099-12-31T11:00:00-05:00"
    r = api.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "from": "2100-01-01", "to": "2100-01-01"})
    expect_problem(r, 422, pointer="from")
