"""Recurring availability: overrides and holidays by RRULE, and multi-week (alternating)
schedule templates, checked through what /v1/slots and /v1/slots/explain compute."""
import datetime as dt

import pytest

from conftest import DEFAULT_NOW, expect_problem, weekdays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NINE_TO_FIVE = weekdays([("09:00", "17:00")])
ALL_WEEK = weekdays([("09:00", "17:00")], days=DAYS)
EARLY_NOW = "2025-12-01T00:00:00Z"   # for slots before DEFAULT_NOW


def hours(*ivs):
    return [{"start": s, "end": e} for s, e in ivs]


def week(**days):
    return {d: hours(*days.get(d, ())) for d in DAYS}


def ny(day, hm, off="-05:00"):
    return f"{day}T{hm}:00{off}"


def hourly(day, first, last, off="-05:00"):
    """Hourly New York starts from first to last hour inclusive."""
    return [ny(day, f"{h:02d}:00", off) for h in range(first, last + 1)]


def codes(x):
    return [r["code"] for r in x["reasons"]]


@pytest.fixture
def world(api):
    """A fresh New York provider working 09-17 on weekdays, with a 60-minute service."""
    p = api.provider("Recurring", "America/New_York")
    api.schedule(p["id"], NINE_TO_FIVE)
    svc = api.service([p["id"]])
    return p["id"], svc["id"]


def ovr_path(pid):
    return f"/v1/providers/{pid}/overrides"


def add_override(api, pid, **body):
    return api.ok("POST", ovr_path(pid), body)


# --- A. recurring overrides --------------------------------------------------------------------

def test_closed_every_first_monday(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO",
                     note="team day")
    assert (o["date"], o["from"], o["to"], o["until"], o["closed"], o["intervals"],
            o["note"], o["rrule"]) == \
        ("2026-01-05", None, None, None, True, [], "team day", "FREQ=MONTHLY;BYDAY=1MO")
    for d in ("2026-01-05", "2026-02-02", "2026-03-02", "2026-06-01", "2027-02-01"):
        assert api.starts(sid, pid, d) == [], d
    assert api.starts(sid, pid, "2026-02-09") == hourly("2026-02-09", 9, 16)
    assert api.starts(sid, pid, "2026-02-03") == hourly("2026-02-03", 9, 16)
    x = api.explain(sid, pid, ny("2026-02-02", "10:00"))
    assert (x["bookable"], x["reasons"]) == (False, [{"code": "override_closed"}])
    assert api.explain(sid, pid, ny("2026-02-09", "10:00"))["bookable"] is True


def test_custom_hours_every_other_friday(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-09", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
                     intervals=hours(("09:00", "12:00")))
    assert (o["closed"], o["intervals"], o["until"]) == (False, hours(("09:00", "12:00")), None)
    for d in ("2026-01-09", "2026-01-23", "2026-02-06", "2026-03-06"):
        assert api.starts(sid, pid, d) == hourly(d, 9, 11), d
    for d in ("2026-01-16", "2026-01-30", "2026-02-27"):
        assert api.starts(sid, pid, d) == hourly(d, 9, 16), d
    x = api.explain(sid, pid, ny("2026-01-23", "13:00"))
    assert (x["bookable"], codes(x)) == (False, ["outside_hours"])
    assert api.explain(sid, pid, ny("2026-01-30", "13:00"))["bookable"] is True


def test_recurring_override_over_a_multi_day_slots_window(api, world):
    pid, sid = world
    add_override(api, pid, date="2026-01-09", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
                 intervals=hours(("09:00", "10:00")))
    add_override(api, pid, date="2026-01-05", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH")
    assert api.starts(sid, pid, "2026-01-05", to="2026-01-31") == [
        ny("2026-01-09", "09:00"), ny("2026-01-16", "09:00"), *hourly("2026-01-16", 10, 16),
        ny("2026-01-23", "09:00"), ny("2026-01-30", "09:00"), *hourly("2026-01-30", 10, 16)]


def test_recurring_override_keeps_local_hours_across_dst(api, world):
    pid, sid = world
    add_override(api, pid, date="2026-03-02", rrule="FREQ=WEEKLY",
                 intervals=hours(("10:00", "11:00")))
    assert api.starts(sid, pid, "2026-03-02") == [ny("2026-03-02", "10:00")]
    # New York moves to EDT on 2026-03-08.
    assert api.starts(sid, pid, "2026-03-09") == [ny("2026-03-09", "10:00", "-04:00")]


def test_count_bounds_the_override(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-09", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=3")
    assert o["until"] == "2026-02-06"
    assert o["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=3"
    for d in ("2026-01-09", "2026-01-23", "2026-02-06"):
        assert api.starts(sid, pid, d) == [], d
    assert api.starts(sid, pid, "2026-02-20") == hourly("2026-02-20", 9, 16)
    assert api.starts(sid, pid, "2026-03-06") == hourly("2026-03-06", 9, 16)


def test_until_bounds_the_override_inclusively(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-05", rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20260119")
    assert o["until"] == "2026-01-19"
    assert api.starts(sid, pid, "2026-01-12") == []
    assert api.starts(sid, pid, "2026-01-19") == []
    assert api.starts(sid, pid, "2026-01-26") == hourly("2026-01-26", 9, 16)


def test_until_between_occurrences(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-05", rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20260122")
    # The last Monday it falls on is 2026-01-19; UNTIL itself is a Thursday.
    assert o["until"] in ("2026-01-19", "2026-01-22")
    assert api.starts(sid, pid, "2026-01-19") == []
    assert api.starts(sid, pid, "2026-01-22") == hourly("2026-01-22", 9, 16)
    assert api.starts(sid, pid, "2026-01-26") == hourly("2026-01-26", 9, 16)


def test_daily_interval_and_bymonth(api, world):
    pid, sid = world
    # Every third day, but only in February.
    add_override(api, pid, date="2026-02-02", rrule="FREQ=DAILY;INTERVAL=3;BYMONTH=2")
    closed = [d for d in ("2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05",
                          "2026-02-06", "2026-02-09", "2026-02-11", "2026-02-26",
                          "2026-03-02", "2026-03-03", "2026-03-04")
              if api.starts(sid, pid, d) == []]
    # 02-02, 02-05, 02-08 (Sun), 02-11, ..., 02-26; March is outside BYMONTH.
    assert closed == ["2026-02-02", "2026-02-05", "2026-02-11", "2026-02-26"]


def test_last_weekday_of_the_month_with_bysetpos(api, world):
    pid, sid = world
    add_override(api, pid, date="2026-01-30",
                 rrule="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
    for d in ("2026-01-30", "2026-02-27", "2026-03-31", "2026-04-30"):
        assert api.starts(sid, pid, d) == [], d
    for d in ("2026-02-26", "2026-03-30", "2026-03-27"):
        assert api.starts(sid, pid, d) != [], d


def test_monthly_by_month_day(api, world):
    pid, sid = world
    add_override(api, pid, date="2026-01-15", rrule="FREQ=MONTHLY;BYMONTHDAY=15",
                 intervals=hours(("14:00", "16:00")))
    assert api.starts(sid, pid, "2026-04-15") == [ny("2026-04-15", "14:00", "-04:00"),
                                                  ny("2026-04-15", "15:00", "-04:00")]
    assert len(api.starts(sid, pid, "2026-04-16")) == 8


def test_yearly_override(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-12-24", rrule="FREQ=YEARLY", note="Xmas Eve")
    assert o["rrule"] == "FREQ=YEARLY"
    assert api.starts(sid, pid, "2026-12-24") == []
    assert api.starts(sid, pid, "2027-12-24") == []
    assert api.starts(sid, pid, "2027-12-23") == hourly("2027-12-23", 9, 16)


def test_rrule_is_upper_cased_and_prefix_dropped(api, world):
    pid, _ = world
    o = add_override(api, pid, date="2026-01-09", rrule="freq=weekly;interval=2;byday=fr")
    assert o["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    o = add_override(api, pid, date="2026-01-05", rrule="RRULE:FREQ=MONTHLY;BYDAY=1MO")
    assert o["rrule"] == "FREQ=MONTHLY;BYDAY=1MO"


def test_recurring_override_lists_and_reads_back(api, world):
    pid, _ = world
    plain = add_override(api, pid, date="2026-03-10")
    rec = add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO;COUNT=4")
    assert plain["rrule"] is None and plain["from"] == plain["to"] == "2026-03-10"
    assert rec["until"] == "2026-04-06"
    listed = api.list_all(ovr_path(pid))
    assert sorted(listed, key=lambda o: o["id"]) == sorted([plain, rec], key=lambda o: o["id"])


def test_open_recurring_override_found_by_a_late_list_window(api, world):
    pid, _ = world
    rec = add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    got = api.ok("GET", ovr_path(pid), params={"from": "2030-01-01", "to": "2030-01-31"})
    assert [o["id"] for o in got["data"]] == [rec["id"]]
    got = api.ok("GET", ovr_path(pid), params={"from": "2025-01-01", "to": "2026-01-04"})
    assert got["data"] == []


def test_recurring_single_date_beats_a_range_override(api, world):
    pid, sid = world
    # February in short hours, but closed every first Monday.
    add_override(api, pid, **{"from": "2026-02-01", "to": "2026-02-28",
                              "intervals": hours(("13:00", "15:00"))})
    add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    assert api.starts(sid, pid, "2026-02-02") == []
    x = api.explain(sid, pid, ny("2026-02-02", "13:00"))
    assert (x["bookable"], codes(x)) == (False, ["override_closed"])
    assert api.starts(sid, pid, "2026-02-03") == [ny("2026-02-03", "13:00"),
                                                  ny("2026-02-03", "14:00")]
    assert api.starts(sid, pid, "2026-01-05") == []   # outside the range: the rule alone


def test_recurring_custom_hours_open_days_inside_a_closed_range(api, world):
    pid, sid = world
    add_override(api, pid, **{"from": "2026-07-01", "to": "2026-07-31", "note": "summer"})
    add_override(api, pid, date="2026-01-02", rrule="FREQ=WEEKLY;BYDAY=FR",
                 intervals=hours(("10:00", "11:00")))
    assert api.starts(sid, pid, "2026-07-10") == [ny("2026-07-10", "10:00", "-04:00")]
    assert api.starts(sid, pid, "2026-07-09") == []


def test_recurring_override_beats_a_holiday(api, world):
    pid, sid = world
    api.ok("POST", "/v1/holidays", {"name": "Feb Fri", "date": "2026-02-13",
                                    "provider_ids": [pid]})
    add_override(api, pid, date="2026-01-02", rrule="FREQ=WEEKLY;BYDAY=FR",
                 intervals=hours(("10:00", "11:00")))
    assert api.starts(sid, pid, "2026-02-13") == [ny("2026-02-13", "10:00")]


def test_deleting_the_recurring_override_restores_availability(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    assert api.starts(sid, pid, "2026-02-02") == []
    r = api.delete(f"{ovr_path(pid)}/{o['id']}")
    assert r.status_code == 204, r.text
    assert api.starts(sid, pid, "2026-02-02") == hourly("2026-02-02", 9, 16)
    assert api.explain(sid, pid, ny("2026-03-02", "10:00"))["bookable"] is True


def test_recurring_override_is_per_provider(api, world):
    pid, sid = world
    other = api.provider("Other", "America/New_York")
    api.schedule(other["id"], NINE_TO_FIVE)
    svc2 = api.service([other["id"]])
    add_override(api, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    assert api.starts(sid, pid, "2026-02-02") == []
    assert api.starts(svc2["id"], other["id"], "2026-02-02") == hourly("2026-02-02", 9, 16)


def test_recurring_override_dates_are_provider_local(api):
    # Tokyo is 14 hours ahead of New York: its Monday begins on Sunday in New York.
    p = api.provider("Tokyo", "Asia/Tokyo")
    api.schedule(p["id"], NINE_TO_FIVE)
    svc = api.service([p["id"]])
    add_override(api, p["id"], date="2026-01-05", rrule="FREQ=WEEKLY;BYDAY=MO",
                 intervals=hours(("09:00", "10:00")))
    assert api.starts(svc["id"], p["id"], "2026-01-12", timezone="Asia/Tokyo") == \
        ["2026-01-12T09:00:00+09:00"]
    assert len(api.starts(svc["id"], p["id"], "2026-01-13", timezone="Asia/Tokyo")) == 8


@pytest.mark.parametrize("body,pointer", [
    ({"date": "2026-01-05", "rrule": ""}, "/rrule"),
    ({"date": "2026-01-06", "rrule": "FREQ=MONTHLY;BYDAY=1MO"}, "/date"),
    ({"rrule": "FREQ=DAILY"}, "/date"),
    ({"from": "2026-01-05", "to": "2026-01-09", "rrule": "FREQ=DAILY"}, "/date"),
    ({"date": "2026-01-05", "from": "2026-01-05", "rrule": "FREQ=DAILY"}, "/date"),
    ({"date": "2026-01-05", "to": "2026-01-09", "rrule": "FREQ=DAILY"}, "/date"),
    ({"date": "2026-01-05", "rrule": "FREQ=HOURLY"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=SECONDLY"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;BYHOUR=9"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=WEEKLY;BYDAY=1MO"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;BYDAY=1MO"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;COUNT=3;UNTIL=20260301"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;UNTIL=20260101"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;UNTIL=21000101"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;COUNT=0"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;COUNT=5001"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;FREQ=WEEKLY"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY;INTERVAL=0"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "INTERVAL=2"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "not a rule"}, "/rrule"),
    ({"date": "2026-01-05", "rrule": 5}, "/rrule"),
    ({"date": "2026-01-05", "rrule": "FREQ=DAILY", "intervals": hours(("12:00", "11:00"))},
     "/intervals/0"),
])
def test_invalid_recurring_override_is_422_and_creates_nothing(api, world, body, pointer):
    pid, _ = world
    before = api.list_all(ovr_path(pid))
    expect_problem(api.post(ovr_path(pid), body), 422, "validation_failed", pointer)
    assert api.list_all(ovr_path(pid)) == before


@pytest.mark.parametrize("part", ["BYHOUR=9", "BYWEEKNO=3", "BYYEARDAY=5"])
def test_unsupported_part_is_named(api, world, part):
    pid, _ = world
    body = expect_problem(api.post(ovr_path(pid), {"date": "2026-01-05",
                                                   "rrule": f"FREQ=DAILY;{part}"}),
                          422, "validation_failed", "/rrule")
    name = part.split("=")[0]
    assert any(name in e["detail"] for e in body["errors"]) or name in body["detail"], body


def test_wkst_is_accepted(api, world):
    pid, sid = world
    o = add_override(api, pid, date="2026-01-05",
                     rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU")
    assert "WKST=SU" in o["rrule"]
    assert api.starts(sid, pid, "2026-01-19") == []
    assert len(api.starts(sid, pid, "2026-01-12")) == 8


# --- B. recurring holidays ---------------------------------------------------------------------

@pytest.fixture
def hworld(new_api):
    """A tenant of its own (holidays are tenant-wide) with a New York weekday provider."""
    p = new_api.provider("Holidays", "America/New_York")
    new_api.schedule(p["id"], NINE_TO_FIVE)
    svc = new_api.service([p["id"]])
    return new_api, p["id"], svc["id"]


def test_thanksgiving_rule(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "Thanksgiving", "date": "2026-11-26",
                                      "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    assert (h["date"], h["recurring"], h["rrule"], h["until"], h["provider_ids"]) == \
        ("2026-11-26", None, "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", None, [])
    for d in ("2026-11-26", "2027-11-25", "2028-11-23"):
        assert t.starts(sid, pid, d) == [], d
        x = t.explain(sid, pid, ny(d, "10:00"))
        assert x["reasons"] == [{"code": "holiday", "holiday": "Thanksgiving"}], d
    assert t.starts(sid, pid, "2027-11-26") == hourly("2027-11-26", 9, 16)
    assert t.starts(sid, pid, "2027-11-18") == hourly("2027-11-18", 9, 16)


def test_holiday_rule_does_not_apply_before_its_first_date(hworld):
    t, pid, sid = hworld
    t.ok("POST", "/v1/holidays", {"name": "Thanksgiving", "date": "2026-11-26",
                                  "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    assert t.starts(sid, pid, "2025-11-27", now="2025-11-01T00:00:00Z") == \
        hourly("2025-11-27", 9, 16)


def test_yearly_is_stored_as_a_rule(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "Independence", "date": "2026-07-03",
                                      "recurring": "yearly"})
    assert (h["recurring"], h["rrule"], h["until"]) == \
        ("yearly", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=3", None)
    assert t.list_all("/v1/holidays") == [h]
    assert t.starts(sid, pid, "2026-07-03") == []
    assert t.starts(sid, pid, "2028-07-03") == []
    assert t.starts(sid, pid, "2028-07-05") != []


def test_yearly_leap_day_only_on_leap_years(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "Leap", "date": "2024-02-29",
                                      "recurring": "yearly"})
    assert h["rrule"] == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    assert t.starts(sid, pid, "2028-02-29") == []
    x = t.explain(sid, pid, ny("2028-02-29", "10:00"))
    assert x["reasons"] == [{"code": "holiday", "holiday": "Leap"}]
    # 2027 has no 29 February: neither neighbour is taken instead.
    assert t.starts(sid, pid, "2027-02-26") == hourly("2027-02-26", 9, 16)
    assert t.starts(sid, pid, "2027-03-01") == hourly("2027-03-01", 9, 16)
    assert t.starts(sid, pid, "2028-02-28") == hourly("2028-02-28", 9, 16)
    assert t.starts(sid, pid, "2028-03-01") == hourly("2028-03-01", 9, 16)


def test_holiday_rule_with_count(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "Fair", "date": "2026-06-01",
                                      "rrule": "FREQ=YEARLY;BYMONTH=6;BYDAY=1MO;COUNT=2"})
    assert h["until"] == "2027-06-07"
    assert t.starts(sid, pid, "2026-06-01") == []
    assert t.starts(sid, pid, "2027-06-07") == []
    assert t.starts(sid, pid, "2028-06-05") == hourly("2028-06-05", 9, 16, "-04:00")


def test_holiday_rule_with_until(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "Fridays off", "date": "2026-03-06",
                                      "rrule": "FREQ=WEEKLY;BYDAY=FR;UNTIL=20260320"})
    assert h["until"] == "2026-03-20"
    assert [d for d in ("2026-03-06", "2026-03-13", "2026-03-20", "2026-03-27")
            if t.starts(sid, pid, d) == []] == ["2026-03-06", "2026-03-13", "2026-03-20"]


def test_holiday_rule_for_some_providers_only(hworld):
    t, pid, sid = hworld
    other = t.provider("Other", "America/New_York")
    t.schedule(other["id"], NINE_TO_FIVE)
    sid2 = t.service([other["id"]])["id"]
    h = t.ok("POST", "/v1/holidays", {"name": "Monthly", "date": "2026-01-05",
                                      "rrule": "FREQ=MONTHLY;BYDAY=1MO",
                                      "provider_ids": [pid]})
    assert h["provider_ids"] == [pid]
    assert t.starts(sid, pid, "2026-02-02") == []
    assert t.starts(sid2, other["id"], "2026-02-02") == hourly("2026-02-02", 9, 16)


def test_custom_hours_override_beats_a_recurring_holiday(hworld):
    t, pid, sid = hworld
    t.ok("POST", "/v1/holidays", {"name": "Thanksgiving", "date": "2026-11-26",
                                  "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    t.ok("POST", ovr_path(pid), {"date": "2027-11-25", "intervals": hours(("09:00", "10:00"))})
    assert t.starts(sid, pid, "2027-11-25") == [ny("2027-11-25", "09:00")]


def test_deleting_a_recurring_holiday_reopens_its_dates(hworld):
    t, pid, sid = hworld
    h = t.ok("POST", "/v1/holidays", {"name": "M", "date": "2026-01-05",
                                      "rrule": "FREQ=MONTHLY;BYDAY=1MO"})
    assert t.starts(sid, pid, "2026-03-02") == []
    assert t.delete(f"/v1/holidays/{h['id']}").status_code == 204
    assert t.starts(sid, pid, "2026-03-02") == hourly("2026-03-02", 9, 16)


@pytest.mark.parametrize("body,pointer", [
    ({"name": "X", "date": "2026-11-26", "rrule": ""}, "/rrule"),
    ({"name": "X", "date": "2026-11-26", "recurring": "yearly",
      "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"}, "/rrule"),
    ({"name": "X", "date": "2026-11-27", "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"}, "/date"),
    ({"name": "X", "date": "2026-11-26", "rrule": "FREQ=YEARLY;BYDAY=4TH"}, "/rrule"),
    ({"name": "X", "date": "2026-11-26", "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;BYHOUR=1"},
     "/rrule"),
    ({"name": "X", "rrule": "FREQ=YEARLY"}, "/date"),
    ({"name": "X", "date": "2026-11-26", "rrule": ["FREQ=YEARLY"]}, "/rrule"),
])
def test_invalid_recurring_holiday_is_422_and_creates_nothing(new_api, body, pointer):
    before = new_api.list_all("/v1/holidays")
    expect_problem(new_api.post("/v1/holidays", body), 422, "validation_failed", pointer)
    assert new_api.list_all("/v1/holidays") == before


# --- C. multi-week templates -------------------------------------------------------------------

def sched_path(pid):
    return f"/v1/providers/{pid}/schedule"


def get_schedule(api, pid, now=DEFAULT_NOW):
    return api.ok("GET", sched_path(pid), now=now)


WEEK_A = week(mon=[("09:00", "17:00")])
WEEK_B = week()


@pytest.fixture
def cycle(api):
    """Week A Mon 09-17, week B closed, anchored on Wednesday 2026-01-07."""
    p = api.provider("Alternating", "America/New_York")
    got = api.schedule(p["id"], weeks=[WEEK_A, WEEK_B], anchor_date="2026-01-07")
    svc = api.service([p["id"]])
    return p["id"], svc["id"], got


def test_alternating_weeks_forwards(api, cycle):
    pid, sid, _ = cycle
    assert api.starts(sid, pid, "2026-01-05") == hourly("2026-01-05", 9, 16)
    assert api.starts(sid, pid, "2026-01-12") == []
    assert api.starts(sid, pid, "2026-01-19") == hourly("2026-01-19", 9, 16)
    assert api.starts(sid, pid, "2026-01-26") == []
    assert api.starts(sid, pid, "2026-03-16") == hourly("2026-03-16", 9, 16, "-04:00")
    assert api.starts(sid, pid, "2026-03-23") == []
    # Other weekdays are closed in both weeks.
    assert api.starts(sid, pid, "2026-01-06") == []


def test_alternating_weeks_backwards_before_the_anchor(api, cycle):
    pid, sid, _ = cycle
    assert api.starts(sid, pid, "2025-12-29", now=EARLY_NOW) == []
    assert api.starts(sid, pid, "2025-12-22", now=EARLY_NOW) == hourly("2025-12-22", 9, 16)
    assert api.starts(sid, pid, "2025-12-15", now=EARLY_NOW) == []


def test_alternating_weeks_over_a_multi_day_window(api, cycle):
    pid, sid, _ = cycle
    got = api.starts(sid, pid, "2026-01-05", to="2026-02-01")
    assert got == hourly("2026-01-05", 9, 16) + hourly("2026-01-19", 9, 16)


def test_explain_in_the_closed_week(api, cycle):
    pid, sid, _ = cycle
    x = api.explain(sid, pid, ny("2026-01-12", "10:00"))
    assert (x["bookable"], codes(x)) == (False, ["outside_hours"])
    assert api.explain(sid, pid, ny("2026-01-19", "10:00"))["bookable"] is True


def test_alternating_schedule_reads_back(api, cycle):
    pid, _, got = cycle
    version = {"weekly": None, "weeks": [WEEK_A, WEEK_B], "anchor_date": "2026-01-07",
               "effective_from": None, "effective_until": None}
    want = dict(version, versions=[version], provider_id=pid, timezone="America/New_York")
    assert got == want
    assert get_schedule(api, pid) == want


def test_get_put_round_trip(api, cycle):
    pid, sid, _ = cycle
    before = get_schedule(api, pid)
    body = {k: v for k, v in before.items() if k not in ("provider_id", "timezone", "versions")}
    assert api.ok("PUT", sched_path(pid), body, now=DEFAULT_NOW) == before
    assert api.ok("PUT", sched_path(pid), {"versions": before["versions"]},
                  now=DEFAULT_NOW) == before
    assert api.starts(sid, pid, "2026-01-12") == []
    assert api.starts(sid, pid, "2026-01-19") == hourly("2026-01-19", 9, 16)


def test_anchor_on_a_sunday_is_the_week_ending_that_day(api):
    p = api.provider("Sunday anchor", "America/New_York")
    api.schedule(p["id"], weeks=[WEEK_A, WEEK_B], anchor_date="2026-01-11")
    sid = api.service([p["id"]])["id"]
    assert api.starts(sid, p["id"], "2026-01-05") == hourly("2026-01-05", 9, 16)
    assert api.starts(sid, p["id"], "2026-01-12") == []


def test_anchor_on_a_monday(api):
    p = api.provider("Monday anchor", "America/New_York")
    api.schedule(p["id"], weeks=[WEEK_B, WEEK_A], anchor_date="2026-01-12")
    sid = api.service([p["id"]])["id"]
    # Week 1 (closed) is 2026-01-12..18, so 2026-01-05 and 2026-01-19 are week 2 (open).
    assert api.starts(sid, p["id"], "2026-01-05") == hourly("2026-01-05", 9, 16)
    assert api.starts(sid, p["id"], "2026-01-12") == []
    assert api.starts(sid, p["id"], "2026-01-19") == hourly("2026-01-19", 9, 16)


def test_three_week_cycle(api):
    p = api.provider("Three weeks", "America/New_York")
    weeks = [week(mon=[("09:00", "10:00")]), week(tue=[("09:00", "10:00")]),
             week(wed=[("09:00", "10:00")])]
    got = api.schedule(p["id"], weeks=weeks, anchor_date="2026-03-04")
    assert got["weeks"] == weeks and got["anchor_date"] == "2026-03-04"
    sid = api.service([p["id"]])["id"]
    # Week 1 = 03-02..08 (Mon), week 2 = 03-09..15 (Tue), week 3 = 03-16..22 (Wed), ...
    assert api.starts(sid, p["id"], "2026-02-16", to="2026-04-05") == [
        ny("2026-02-17", "09:00"),            # 02-16..22 is week 2
        ny("2026-02-25", "09:00"),            # 02-23..03-01 is week 3
        ny("2026-03-02", "09:00"),
        ny("2026-03-10", "09:00", "-04:00"),
        ny("2026-03-18", "09:00", "-04:00"),
        ny("2026-03-23", "09:00", "-04:00"),
        ny("2026-03-31", "09:00", "-04:00"),
    ]


def test_eight_weeks_are_allowed(api):
    p = api.provider("Eight", "UTC")
    weeks = [week(**{DAYS[i % 7]: [("09:00", "10:00")]}) for i in range(8)]
    got = api.schedule(p["id"], weeks=weeks, anchor_date="2026-01-05")
    assert got["weeks"] == weeks
    sid = api.service([p["id"]])["id"]
    # Week k (0-based) opens only on weekday k % 7; week 8 (k=7) opens Monday again.
    starts = api.starts(sid, p["id"], "2026-01-05", to="2026-03-01")
    assert starts == [
        (dt.date(2026, 1, 5) + dt.timedelta(days=7 * k + k % 7)).isoformat() + "T09:00:00Z"
        for k in range(8)]


def test_weeks_inside_versions_honour_effective_dates(api):
    p = api.provider("Versions", "America/New_York")
    plain = {"weekly": week(mon=[("09:00", "10:00")]), "effective_from": None,
             "effective_until": "2026-02-28"}
    alt = {"weekly": None, "weeks": [week(mon=[("14:00", "15:00")]), WEEK_B],
           "anchor_date": "2026-03-02", "effective_from": "2026-03-01",
           "effective_until": "2026-04-30"}
    got = api.schedule(p["id"], versions=[alt, plain])
    assert got["versions"] == [plain, alt]
    sid = api.service([p["id"]])["id"]
    assert api.starts(sid, p["id"], "2026-02-16", to="2026-05-12") == [
        ny("2026-02-16", "09:00"), ny("2026-02-23", "09:00"),
        ny("2026-03-02", "14:00"), ny("2026-03-16", "14:00", "-04:00"),
        ny("2026-03-30", "14:00", "-04:00"), ny("2026-04-13", "14:00", "-04:00"),
        ny("2026-04-27", "14:00", "-04:00")]   # nothing after 04-30
    now_in_alt = get_schedule(api, p["id"], now="2026-03-10T12:00:00Z")
    assert (now_in_alt["weekly"], now_in_alt["weeks"], now_in_alt["anchor_date"],
            now_in_alt["effective_from"]) == (None, alt["weeks"], "2026-03-02", "2026-03-01")
    now_in_plain = get_schedule(api, p["id"], now="2026-02-10T12:00:00Z")
    assert now_in_plain["weekly"] == plain["weekly"] and "weeks" not in now_in_plain


def test_cycle_anchor_outside_the_version_still_counts(api):
    p = api.provider("Far anchor", "America/New_York")
    api.schedule(p["id"], versions=[{"weeks": [WEEK_A, WEEK_B], "anchor_date": "2020-01-08",
                                     "effective_from": "2026-01-01"}])
    sid = api.service([p["id"]])["id"]
    # 2020-01-06 is week A; 2026-01-05 is 313 weeks later: week B.
    assert api.starts(sid, p["id"], "2026-01-05") == []
    assert api.starts(sid, p["id"], "2026-01-12") == hourly("2026-01-12", 9, 16)


def test_plain_weekly_put_replaces_a_cycle(api, cycle):
    pid, sid, _ = cycle
    got = api.schedule(pid, week(mon=[("09:00", "10:00")]))
    assert got["versions"] == [{"weekly": week(mon=[("09:00", "10:00")]),
                                "effective_from": None, "effective_until": None}]
    assert "weeks" not in got and "anchor_date" not in got
    assert api.starts(sid, pid, "2026-01-12") == [ny("2026-01-12", "09:00")]


def test_overrides_and_holidays_apply_on_top_of_a_cycle(api, cycle):
    pid, sid, _ = cycle
    add_override(api, pid, date="2026-01-12", intervals=hours(("11:00", "12:00")))
    add_override(api, pid, date="2026-01-05", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=2")
    assert api.starts(sid, pid, "2026-01-12") == [ny("2026-01-12", "11:00")]
    assert api.starts(sid, pid, "2026-01-05") == []
    assert api.starts(sid, pid, "2026-01-19") == []
    assert api.starts(sid, pid, "2026-02-02") == hourly("2026-02-02", 9, 16)


GOOD_WEEKS = [WEEK_A, WEEK_B]


@pytest.mark.parametrize("body,pointer", [
    ({"weekly": WEEK_A, "weeks": GOOD_WEEKS, "anchor_date": "2026-01-07"}, "/weeks"),
    ({"weeks": [WEEK_A], "anchor_date": "2026-01-07"}, "/weeks"),
    ({"weeks": [], "anchor_date": "2026-01-07"}, "/weeks"),
    ({"weeks": [WEEK_A] * 9, "anchor_date": "2026-01-07"}, "/weeks"),
    ({"weeks": WEEK_A, "anchor_date": "2026-01-07"}, "/weeks"),
    ({"weeks": GOOD_WEEKS}, "/anchor_date"),
    ({"weeks": GOOD_WEEKS, "anchor_date": None}, "/anchor_date"),
    ({"weeks": GOOD_WEEKS, "anchor_date": "2026-02-30"}, "/anchor_date"),
    ({"weeks": GOOD_WEEKS, "anchor_date": "2026-01-07T00:00:00Z"}, "/anchor_date"),
    ({"weekly": WEEK_A, "anchor_date": "2026-01-07"}, "/anchor_date"),
    ({"weeks": [WEEK_A, {"mon": [{"start": "10:00", "end": "09:00"}]}],
      "anchor_date": "2026-01-07"}, "/weeks/1/mon/0"),
    ({"weeks": [{"tue": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]},
                WEEK_B], "anchor_date": "2026-01-07"}, "/weeks/0/tue/1"),
    ({"weeks": [WEEK_A, {"monday": []}], "anchor_date": "2026-01-07"}, "/weeks/1/monday"),
    ({"weeks": [WEEK_A, []], "anchor_date": "2026-01-07"}, "/weeks/1"),
    ({"versions": [{"weeks": GOOD_WEEKS}]}, "/versions/0/anchor_date"),
    ({"versions": [{"weeks": [WEEK_A], "anchor_date": "2026-01-07"}]}, "/versions/0/weeks"),
    ({"versions": [{"weekly": WEEK_A, "anchor_date": "2026-01-07"}]}, "/versions/0/anchor_date"),
    ({"versions": [{"weeks": [WEEK_A, {"sun": [{"start": "09:00", "end": "25:00"}]}],
                    "anchor_date": "2026-01-07"}]}, "/versions/0/weeks/1/sun/0"),
])
def test_invalid_multi_week_schedule_is_422_and_changes_nothing(api, body, pointer):
    p = api.provider("Invalid cycle", "America/New_York")
    api.schedule(p["id"], weeks=GOOD_WEEKS, anchor_date="2026-01-07")
    before = get_schedule(api, p["id"])
    expect_problem(api.put(sched_path(p["id"]), body, now=DEFAULT_NOW), 422,
                   "validation_failed", pointer)
    assert get_schedule(api, p["id"]) == before
