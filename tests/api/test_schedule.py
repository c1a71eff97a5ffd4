"""/v1/providers/{id}/schedule: weekly templates and dated versions."""
import pytest

from conftest import DEFAULT_NOW, expect_problem, weekdays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EMPTY_WEEK = {d: [] for d in DAYS}


def week(**days):
    w = dict(EMPTY_WEEK)
    for d, ivs in days.items():
        w[d] = [{"start": s, "end": e} for s, e in ivs]
    return w


@pytest.fixture
def prov(api):
    return api.provider("Scheduled", "America/New_York")


def get_schedule(api, pid, now=DEFAULT_NOW):
    return api.ok("GET", f"/v1/providers/{pid}/schedule", now=now)


def test_schedule_of_a_new_provider_is_empty(api, prov):
    assert get_schedule(api, prov["id"]) == {
        "weekly": None, "effective_from": None, "effective_until": None, "versions": [],
        "provider_id": prov["id"], "timezone": "America/New_York"}


def test_put_weekly_and_read_back(api, prov):
    weekly = week(mon=[("09:00", "12:00"), ("13:00", "17:00")], tue=[("08:30", "12:15")],
                  wed=[], thu=[("00:00", "24:00")], fri=[("09:00", "10:00")],
                  sat=[("10:00", "14:00")], sun=[])
    r = api.put(f"/v1/providers/{prov['id']}/schedule", {"weekly": weekly}, now=DEFAULT_NOW)
    assert r.status_code == 200, r.text
    want = {"weekly": weekly, "effective_from": None, "effective_until": None,
            "versions": [{"weekly": weekly, "effective_from": None, "effective_until": None}],
            "provider_id": prov["id"], "timezone": "America/New_York"}
    assert r.json() == want
    assert get_schedule(api, prov["id"]) == want


def test_omitted_days_are_closed_and_intervals_come_back_sorted(api, prov):
    got = api.schedule(prov["id"], {"wed": [{"start": "14:00", "end": "16:00"},
                                            {"start": "09:00", "end": "11:00"}]})
    assert got["weekly"] == week(wed=[("09:00", "11:00"), ("14:00", "16:00")])


def test_adjacent_intervals_are_allowed(api, prov):
    got = api.schedule(prov["id"], week(mon=[("09:00", "12:00"), ("12:00", "13:00")]))
    assert got["weekly"]["mon"] == [{"start": "09:00", "end": "12:00"},
                                    {"start": "12:00", "end": "13:00"}]


def test_put_replaces_the_whole_schedule(api, prov):
    api.schedule(prov["id"], versions=[
        {"weekly": week(mon=[("09:00", "10:00")]), "effective_from": None,
         "effective_until": "2026-05-31"},
        {"weekly": week(tue=[("09:00", "10:00")]), "effective_from": "2026-06-01",
         "effective_until": None}])
    got = api.schedule(prov["id"], week(fri=[("15:00", "16:00")]))
    assert got["versions"] == [{"weekly": week(fri=[("15:00", "16:00")]),
                                "effective_from": None, "effective_until": None}]
    assert get_schedule(api, prov["id"])["versions"] == got["versions"]


def test_empty_versions_remove_the_schedule(api, prov):
    api.schedule(prov["id"], GOOD)
    got = api.schedule(prov["id"], versions=[])
    empty = {"weekly": None, "effective_from": None, "effective_until": None, "versions": [],
             "provider_id": prov["id"], "timezone": "America/New_York"}
    assert got == empty
    assert get_schedule(api, prov["id"]) == empty
    svc = api.service([prov["id"]])
    assert api.slots(svc["id"], prov["id"], "2026-03-02") == []


def test_at_most_24_versions(api, prov):
    versions = [{"weekly": GOOD, "effective_from": f"{2030 + i}-01-01",
                 "effective_until": f"{2030 + i}-12-31"} for i in range(25)]
    got = api.schedule(prov["id"], versions=versions[:24])
    assert len(got["versions"]) == 24
    expect_problem(api.put(f"/v1/providers/{prov['id']}/schedule", {"versions": versions}), 422,
                   pointer="/versions")
    assert len(get_schedule(api, prov["id"])["versions"]) == 24


def test_put_with_effective_dates(api, prov):
    weekly = week(mon=[("09:00", "12:00")])
    api.schedule(prov["id"], weekly, effective_from="2026-03-01", effective_until="2026-03-31")
    inside = get_schedule(api, prov["id"], now="2026-03-15T12:00:00Z")
    assert inside["weekly"] == weekly
    assert inside["effective_from"] == "2026-03-01"
    assert inside["effective_until"] == "2026-03-31"
    before = get_schedule(api, prov["id"], now="2026-02-15T12:00:00Z")
    assert before["weekly"] is None
    assert before["effective_from"] is None and before["effective_until"] is None
    assert before["versions"] == [{"weekly": weekly, "effective_from": "2026-03-01",
                                   "effective_until": "2026-03-31"}]


def test_effective_dates_are_inclusive_local_dates(api, prov):
    weekly = week(mon=[("09:00", "12:00")])
    api.schedule(prov["id"], weekly, effective_from="2026-03-01", effective_until="2026-03-31")
    # 2026-04-01T03:00Z is still 2026-03-31 in New York (23:00 EDT).
    assert get_schedule(api, prov["id"], now="2026-04-01T03:00:00Z")["weekly"] == weekly
    assert get_schedule(api, prov["id"], now="2026-04-01T04:00:00Z")["weekly"] is None
    # 2026-03-01T04:59Z is 2026-02-28 23:59 EST.
    assert get_schedule(api, prov["id"], now="2026-03-01T04:59:00Z")["weekly"] is None
    assert get_schedule(api, prov["id"], now="2026-03-01T05:00:00Z")["weekly"] == weekly


def test_versions_read_back_in_date_order_and_current_one_on_top(api, prov):
    v_summer = {"weekly": week(tue=[("10:00", "11:00")]), "effective_from": "2026-06-01",
                "effective_until": None}
    v_spring = {"weekly": week(mon=[("09:00", "12:00")]), "effective_from": "2026-03-01",
                "effective_until": "2026-05-31"}
    got = api.schedule(prov["id"], versions=[v_summer, v_spring])
    assert got["versions"] == [v_spring, v_summer]
    spring = get_schedule(api, prov["id"], now="2026-04-01T12:00:00Z")
    assert (spring["weekly"], spring["effective_from"], spring["effective_until"]) == \
        (v_spring["weekly"], "2026-03-01", "2026-05-31")
    summer = get_schedule(api, prov["id"], now="2027-01-01T12:00:00Z")
    assert (summer["weekly"], summer["effective_from"], summer["effective_until"]) == \
        (v_summer["weekly"], "2026-06-01", None)
    winter = get_schedule(api, prov["id"], now="2026-01-15T12:00:00Z")
    assert winter["weekly"] is None
    assert winter["versions"] == [v_spring, v_summer]


def test_versions_switch_the_slots_at_the_boundary(api, prov):
    api.schedule(prov["id"], versions=[
        {"weekly": weekdays([("09:00", "10:00")]), "effective_until": "2026-03-03"},
        {"weekly": weekdays([("14:00", "15:00")]), "effective_from": "2026-03-04"}])
    svc = api.service([prov["id"]])
    assert api.starts(svc["id"], prov["id"], "2026-03-02", "2026-03-05") == [
        "2026-03-02T09:00:00-05:00", "2026-03-03T09:00:00-05:00",
        "2026-03-04T14:00:00-05:00", "2026-03-05T14:00:00-05:00"]


# --- validation ------------------------------------------------------------------------------

GOOD = week(mon=[("09:00", "12:00")])


@pytest.mark.parametrize("body,pointer", [
    ({}, "/weekly"),
    ({"weekly": None}, "/weekly"),
    ({"weekly": []}, "/weekly"),
    ({"weekly": {"monday": []}}, "/weekly/monday"),
    ({"weekly": {"mon": {"start": "09:00", "end": "12:00"}}}, "/weekly/mon"),
    ({"weekly": {"mon": [{"start": "12:00", "end": "09:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "09:00", "end": "09:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "09:00", "end": "25:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "24:00", "end": "24:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "9:00", "end": "12:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "09:60", "end": "12:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "09:00"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": "09:00", "end": "10:00", "note": "x"}]}}, "/weekly/mon/0"),
    ({"weekly": {"mon": [{"start": 900, "end": 1200}]}}, "/weekly/mon/0"),
    ({"weekly": {"tue": [{"start": "09:00", "end": "12:00"},
                         {"start": "11:00", "end": "13:00"}]}}, "/weekly/tue/1"),
    ({"weekly": {"tue": [{"start": "09:00", "end": "12:00"},
                         {"start": "10:00", "end": "11:00"}]}}, "/weekly/tue/1"),
    ({"weekly": GOOD, "effective_from": "2026-04-01", "effective_until": "2026-03-01"},
     "/effective_until"),
    ({"weekly": GOOD, "effective_from": "2026-02-30"}, "/effective_from"),
    ({"weekly": GOOD, "effective_until": "01/03/2026"}, "/effective_until"),
    ({"weekly": GOOD, "timezone": "UTC"}, "/timezone"),
    ({"weekly": GOOD, "versions": [{"weekly": GOOD}]}, "/versions"),
    ({"versions": {}}, "/versions"),
    ({"versions": [5]}, "/versions/0"),
    ({"versions": [{"weekly": GOOD, "effective_until": "2026-03-31"},
                   {"weekly": GOOD, "effective_from": "2026-03-31"}]}, "/versions"),
    ({"versions": [{"weekly": GOOD},
                   {"weekly": GOOD, "effective_from": "2026-06-01"}]}, "/versions"),
    ({"versions": [{"weekly": GOOD, "effective_from": "2026-01-01",
                    "effective_until": "2026-12-31"},
                   {"weekly": GOOD, "effective_from": "2026-06-01",
                    "effective_until": "2026-06-30"}]}, "/versions"),
    ({"versions": [{"weekly": GOOD, "note": "x"}]}, "/versions/0/note"),
    ({"versions": [{"weekly": {"mon": [{"start": "10:00", "end": "09:00"}]}}]},
     "/versions/0/weekly/mon/0"),
])
def test_invalid_schedule_is_422_and_changes_nothing(api, prov, body, pointer):
    api.schedule(prov["id"], GOOD)
    before = get_schedule(api, prov["id"])
    expect_problem(api.put(f"/v1/providers/{prov['id']}/schedule", body, now=DEFAULT_NOW), 422,
                   "validation_failed", pointer)
    assert get_schedule(api, prov["id"]) == before


def test_twelve_intervals_a_day_are_allowed_thirteen_are_not(api, prov):
    twelve = [(f"{h:02d}:00", f"{h:02d}:30") for h in range(12)]
    assert api.schedule(prov["id"], week(mon=twelve))["weekly"]["mon"] == \
        [{"start": s, "end": e} for s, e in twelve]
    thirteen = [{"start": f"{h:02d}:00", "end": f"{h:02d}:30"} for h in range(13)]
    expect_problem(api.put(f"/v1/providers/{prov['id']}/schedule",
                           {"weekly": {"mon": thirteen}}), 422, pointer="/weekly/mon")


def test_schedule_of_unknown_provider_is_404(api):
    expect_problem(api.get("/v1/providers/prv_00000000000000000000/schedule"), 404)
    expect_problem(api.put("/v1/providers/prv_00000000000000000000/schedule", {"weekly": GOOD}),
                   404)
    expect_problem(api.get("/v1/providers/not-an-id/schedule"), 404)
