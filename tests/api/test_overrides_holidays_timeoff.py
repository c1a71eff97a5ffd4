"""Overrides, holidays and time off: CRUD, read-back, validation."""
import re

import pytest

from conftest import expect_problem

CREATED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture
def prov(api):
    return api.provider("Exceptions", "America/New_York")


# --- overrides -------------------------------------------------------------------------------

def test_closed_single_date_override(api, prov):
    r = api.post(f"/v1/providers/{prov['id']}/overrides", {"date": "2026-03-02",
                                                            "note": "dentist"})
    assert r.status_code == 201, r.text
    o = r.json()
    assert re.fullmatch(r"ovr_[0-9a-z]{20}", o["id"])
    assert CREATED_RE.match(o.pop("created_at"))
    assert o.pop("updated_at") == r.json()["created_at"]
    assert o == {"id": o["id"], "provider_id": prov["id"], "date": "2026-03-02",
                 "from": "2026-03-02", "to": "2026-03-02", "intervals": [], "closed": True,
                 "note": "dentist", "rrule": None, "until": None}


def test_custom_hours_override(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides", {
        "date": "2026-03-07", "intervals": [{"start": "13:00", "end": "15:00"},
                                            {"start": "10:00", "end": "12:00"}]})
    assert o["intervals"] == [{"start": "10:00", "end": "12:00"},
                              {"start": "13:00", "end": "15:00"}]
    assert o["closed"] is False
    assert o["note"] is None
    assert o["date"] == "2026-03-07"


def test_empty_intervals_mean_closed(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides",
               {"date": "2026-03-07", "intervals": []})
    assert o["closed"] is True and o["intervals"] == []


def test_range_override(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides",
               {"from": "2026-07-01", "to": "2026-07-14", "note": "summer"})
    assert (o["date"], o["from"], o["to"], o["closed"], o["note"]) == \
        (None, "2026-07-01", "2026-07-14", True, "summer")


def test_range_of_one_day_reads_as_a_date(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides",
               {"from": "2026-07-01", "to": "2026-07-01"})
    assert (o["date"], o["from"], o["to"]) == ("2026-07-01", "2026-07-01", "2026-07-01")


def test_range_of_366_days_is_allowed(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides",
               {"from": "2026-01-01", "to": "2027-01-01"})
    assert (o["from"], o["to"]) == ("2026-01-01", "2027-01-01")


def test_note_and_reason_limits(api, prov):
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides",
               {"date": "2026-03-02", "note": "n" * 1000})
    assert o["note"] == "n" * 1000
    expect_problem(api.post(f"/v1/providers/{prov['id']}/overrides",
                            {"date": "2026-03-03", "note": "n" * 1001}), 422, pointer="/note")
    t = api.ok("POST", f"/v1/providers/{prov['id']}/time-off",
               {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z",
                "reason": "r" * 1000})
    assert t["reason"] == "r" * 1000
    expect_problem(api.post(f"/v1/providers/{prov['id']}/time-off",
                            {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z",
                             "reason": "r" * 1001}), 422, pointer="/reason")


def test_override_list_and_delete(api, prov):
    path = f"/v1/providers/{prov['id']}/overrides"
    a = api.ok("POST", path, {"date": "2026-03-02"})
    b = api.ok("POST", path, {"from": "2026-04-01", "to": "2026-04-03",
                              "intervals": [{"start": "08:00", "end": "09:00"}]})
    listed = api.ok("GET", path)
    assert listed["next_cursor"] is None
    assert sorted(listed["data"], key=lambda o: o["id"]) == sorted([a, b], key=lambda o: o["id"])
    r = api.delete(f"{path}/{a['id']}")
    assert r.status_code == 204 and r.content == b""
    assert api.ok("GET", path)["data"] == [b]
    expect_problem(api.delete(f"{path}/{a['id']}"), 404)


def test_override_list_filters_by_dates(api, prov):
    path = f"/v1/providers/{prov['id']}/overrides"
    march = api.ok("POST", path, {"date": "2026-03-02"})
    april = api.ok("POST", path, {"from": "2026-04-01", "to": "2026-04-10"})
    ids = lambda **q: [o["id"] for o in api.ok("GET", path, params=q)["data"]]  # noqa: E731
    assert ids(**{"from": "2026-04-05", "to": "2026-04-30"}) == [april["id"]]
    assert ids(**{"from": "2026-03-01", "to": "2026-03-31"}) == [march["id"]]
    assert ids(**{"from": "2026-05-01", "to": "2026-05-31"}) == []
    expect_problem(api.get(path, params={"from": "March"}), 422)


def test_override_list_pages(api, prov):
    path = f"/v1/providers/{prov['id']}/overrides"
    made = [api.ok("POST", path, {"date": f"2026-05-{d:02d}"})["id"] for d in range(1, 6)]
    p1 = api.ok("GET", path, params={"limit": 2})
    p2 = api.ok("GET", path, params={"limit": 2, "cursor": p1["next_cursor"]})
    p3 = api.ok("GET", path, params={"limit": 2, "cursor": p2["next_cursor"]})
    got = [o["id"] for p in (p1, p2, p3) for o in p["data"]]
    assert [len(p["data"]) for p in (p1, p2, p3)] == [2, 2, 1]
    assert p3["next_cursor"] is None
    assert sorted(got) == sorted(made)


@pytest.mark.parametrize("body,pointer", [
    ({}, "/date"),
    ({"note": "nothing else"}, "/date"),
    ({"date": "2026-02-30"}, "/date"),
    ({"date": "2026-3-2"}, "/date"),
    ({"date": 20260302}, "/date"),
    ({"date": "2026-03-02", "from": "2026-03-02", "to": "2026-03-03"}, "/date"),
    ({"from": "2026-03-02"}, "/to"),
    ({"to": "2026-03-02"}, "/date"),
    ({"from": "2026-03-05", "to": "2026-03-02"}, "/to"),
    ({"from": "2026-01-01", "to": "2027-01-02"}, "/to"),
    ({"date": "2026-03-02", "intervals": [{"start": "10:00", "end": "09:00"}]}, "/intervals/0"),
    ({"date": "2026-03-02", "intervals": [{"start": "09:00", "end": "11:00"},
                                          {"start": "10:00", "end": "12:00"}]}, "/intervals/1"),
    ({"date": "2026-03-02", "intervals": "closed"}, "/intervals"),
    ({"date": "2026-03-02", "closed": True}, "/closed"),
    ({"date": "2026-03-02", "note": 5}, "/note"),
])
def test_invalid_override_is_422_and_creates_nothing(api, prov, body, pointer):
    path = f"/v1/providers/{prov['id']}/overrides"
    before = api.list_all(path)
    expect_problem(api.post(path, body), 422, "validation_failed", pointer)
    assert api.list_all(path) == before


def test_lists_hold_only_that_providers_rows(api, prov):
    other = api.provider("Neighbour")
    mine = api.ok("POST", f"/v1/providers/{prov['id']}/overrides", {"date": "2026-03-02"})
    theirs = api.ok("POST", f"/v1/providers/{other['id']}/overrides", {"date": "2026-03-02"})
    assert api.list_all(f"/v1/providers/{prov['id']}/overrides") == [mine]
    assert api.list_all(f"/v1/providers/{other['id']}/overrides") == [theirs]
    t1 = api.ok("POST", f"/v1/providers/{prov['id']}/time-off",
                {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z"})
    t2 = api.ok("POST", f"/v1/providers/{other['id']}/time-off",
                {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z"})
    assert api.list_all(f"/v1/providers/{prov['id']}/time-off") == [t1]
    assert api.list_all(f"/v1/providers/{other['id']}/time-off") == [t2]


def test_override_of_unknown_provider_is_404(api):
    expect_problem(api.post("/v1/providers/prv_00000000000000000000/overrides",
                            {"date": "2026-03-02"}), 404)
    expect_problem(api.get("/v1/providers/prv_00000000000000000000/overrides"), 404)


def test_override_deleted_through_another_provider_is_404(api, prov):
    other = api.provider("Other")
    o = api.ok("POST", f"/v1/providers/{prov['id']}/overrides", {"date": "2026-03-02"})
    expect_problem(api.delete(f"/v1/providers/{other['id']}/overrides/{o['id']}"), 404)
    assert api.ok("GET", f"/v1/providers/{prov['id']}/overrides")["data"] == [o]
    expect_problem(api.delete(f"/v1/providers/{prov['id']}/overrides/ovr_00000000000000000000"),
                   404)
    expect_problem(api.delete(f"/v1/providers/{prov['id']}/overrides/tof_00000000000000000000"),
                   404)


# --- holidays --------------------------------------------------------------------------------

def test_holiday_tenant_wide(new_api):
    r = new_api.post("/v1/holidays", {"name": "New Year", "date": "2027-01-01"})
    assert r.status_code == 201, r.text
    h = r.json()
    assert re.fullmatch(r"hol_[0-9a-z]{20}", h["id"])
    assert CREATED_RE.match(h.pop("created_at"))
    assert h.pop("updated_at") == r.json()["created_at"]
    assert h == {"id": h["id"], "name": "New Year", "date": "2027-01-01", "recurring": None,
                 "provider_ids": [], "rrule": None, "until": None, "type": "public"}


def test_holiday_yearly_for_providers(new_api):
    p1, p2 = new_api.provider("H1"), new_api.provider("H2")
    pids = sorted([p1["id"], p2["id"]])
    h = new_api.ok("POST", "/v1/holidays", {"name": "Founders", "date": "2026-05-04",
                                            "recurring": "yearly", "provider_ids": pids})
    assert (h["name"], h["date"], h["recurring"], h["provider_ids"]) == \
        ("Founders", "2026-05-04", "yearly", pids)
    assert new_api.list_all("/v1/holidays") == [h]


def test_holiday_recurring_null_is_once(new_api):
    h = new_api.ok("POST", "/v1/holidays", {"name": "Once", "date": "2026-05-04",
                                            "recurring": None})
    assert h["recurring"] is None


def test_holiday_list_and_delete(new_api):
    a = new_api.ok("POST", "/v1/holidays", {"name": "A", "date": "2026-05-01"})
    b = new_api.ok("POST", "/v1/holidays", {"name": "B", "date": "2026-05-02"})
    listed = new_api.ok("GET", "/v1/holidays")
    assert sorted(listed["data"], key=lambda h: h["id"]) == sorted([a, b], key=lambda h: h["id"])
    assert listed["next_cursor"] is None
    r = new_api.delete(f"/v1/holidays/{a['id']}")
    assert r.status_code == 204 and r.content == b""
    assert new_api.ok("GET", "/v1/holidays")["data"] == [b]
    expect_problem(new_api.delete(f"/v1/holidays/{a['id']}"), 404)
    expect_problem(new_api.delete("/v1/holidays/bogus"), 404)


def test_holiday_loses_a_deleted_provider(new_api):
    p1, p2 = new_api.provider("K"), new_api.provider("D")
    h = new_api.ok("POST", "/v1/holidays", {"name": "X", "date": "2026-05-01",
                                            "provider_ids": [p1["id"], p2["id"]]})
    new_api.delete(f"/v1/providers/{p2['id']}")
    (got,) = [x for x in new_api.list_all("/v1/holidays") if x["id"] == h["id"]]
    assert got["provider_ids"] == [p1["id"]]


def test_holiday_of_only_a_deleted_provider_goes_with_it(new_api):
    p1, p2 = new_api.provider("Gone"), new_api.provider("Stays")
    only = new_api.ok("POST", "/v1/holidays", {"name": "Only p1", "date": "2026-05-01",
                                               "provider_ids": [p1["id"]]})
    wide = new_api.ok("POST", "/v1/holidays", {"name": "Everyone", "date": "2026-05-02"})
    other = new_api.ok("POST", "/v1/holidays", {"name": "p2", "date": "2026-05-03",
                                                "provider_ids": [p2["id"]]})
    new_api.delete(f"/v1/providers/{p1['id']}")
    ids = [h["id"] for h in new_api.list_all("/v1/holidays")]
    assert only["id"] not in ids
    assert sorted(ids) == sorted([wide["id"], other["id"]])


def test_holiday_provider_ids_read_back_the_same(new_api):
    p1, p2 = new_api.provider("K"), new_api.provider("D")
    order = sorted([p1["id"], p2["id"]], reverse=True)
    h = new_api.ok("POST", "/v1/holidays", {"name": "X", "date": "2026-05-01",
                                            "provider_ids": order})
    (got,) = new_api.list_all("/v1/holidays")
    assert got["provider_ids"] == h["provider_ids"] == sorted(order)


@pytest.mark.parametrize("body,pointer", [
    ({"date": "2026-05-01"}, "/name"),
    ({"name": "", "date": "2026-05-01"}, "/name"),
    ({"name": "x" * 201, "date": "2026-05-01"}, "/name"),
    ({"name": "X"}, "/date"),
    ({"name": "X", "date": "2026-13-01"}, "/date"),
    ({"name": "X", "date": "2026-05-01T00:00:00Z"}, "/date"),
    ({"name": "X", "date": "2026-05-01", "recurring": "monthly"}, "/recurring"),
    ({"name": "X", "date": "2026-05-01", "recurring": True}, "/recurring"),
    ({"name": "X", "date": "2026-05-01", "provider_ids": ["prv_00000000000000000000"]},
     "/provider_ids/0"),
    ({"name": "X", "date": "2026-05-01", "provider_ids": ["nope"]}, "/provider_ids/0"),
    ({"name": "X", "date": "2026-05-01", "provider_ids": {}}, "/provider_ids"),
    ({"name": "X", "date": "2026-05-01", "rrule": "FREQ=HOURLY"}, "/rrule"),
    ({"name": "X", "date": "2026-05-01", "rrule": "FREQ=MONTHLY;BYDAY=1MO"}, "/date"),
    ({"name": "X", "date": "2026-05-01", "recurring": "yearly", "rrule": "FREQ=YEARLY"},
     "/rrule"),
])
def test_invalid_holiday_is_422_and_creates_nothing(api, body, pointer):
    before = api.list_all("/v1/holidays")
    expect_problem(api.post("/v1/holidays", body), 422, "validation_failed", pointer)
    assert api.list_all("/v1/holidays") == before


# --- time off --------------------------------------------------------------------------------

def test_time_off_renders_in_provider_zone(api, prov):
    r = api.post(f"/v1/providers/{prov['id']}/time-off",
                 {"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T17:30:00+01:00",
                  "reason": "meeting"})
    assert r.status_code == 201, r.text
    t = r.json()
    assert re.fullmatch(r"tof_[0-9a-z]{20}", t["id"])
    assert CREATED_RE.match(t.pop("created_at"))
    assert t.pop("updated_at") == r.json()["created_at"]
    assert t == {"id": t["id"], "provider_id": prov["id"],
                 "start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:30:00-05:00",
                 "reason": "meeting"}


def test_time_off_offset_follows_dst(api, prov):
    t = api.ok("POST", f"/v1/providers/{prov['id']}/time-off",
               {"start": "2026-03-07T12:00:00-05:00", "end": "2026-03-09T12:00:00-04:00"})
    assert (t["start"], t["end"], t["reason"]) == \
        ("2026-03-07T12:00:00-05:00", "2026-03-09T12:00:00-04:00", None)


def test_time_off_of_366_days_is_allowed_one_second_more_is_not(api, prov):
    path = f"/v1/providers/{prov['id']}/time-off"
    t = api.ok("POST", path, {"start": "2026-01-01T00:00:00Z", "end": "2027-01-02T00:00:00Z"})
    assert (t["start"], t["end"]) == ("2025-12-31T19:00:00-05:00", "2027-01-01T19:00:00-05:00")
    expect_problem(api.post(path, {"start": "2026-01-01T00:00:00Z",
                                   "end": "2027-01-02T00:00:01Z"}), 422, pointer="/end")


def test_fractional_seconds_are_dropped(api, prov):
    t = api.ok("POST", f"/v1/providers/{prov['id']}/time-off",
               {"start": "2026-03-02T15:00:00.750Z", "end": "2026-03-02T16:00:00.1-00:00"})
    assert (t["start"], t["end"]) == ("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00")


def test_time_off_list_and_delete(api, prov):
    path = f"/v1/providers/{prov['id']}/time-off"
    a = api.ok("POST", path, {"start": "2026-03-02T10:00:00-05:00",
                              "end": "2026-03-02T11:00:00-05:00"})
    b = api.ok("POST", path, {"start": "2026-04-02T10:00:00-04:00",
                              "end": "2026-04-02T11:00:00-04:00", "reason": "b"})
    listed = api.ok("GET", path)
    assert sorted(listed["data"], key=lambda t: t["id"]) == sorted([a, b], key=lambda t: t["id"])
    assert listed["next_cursor"] is None
    only_april = api.ok("GET", path, params={"from": "2026-04-01", "to": "2026-04-30"})["data"]
    assert only_april == [b]
    r = api.delete(f"{path}/{a['id']}")
    assert r.status_code == 204 and r.content == b""
    assert api.ok("GET", path)["data"] == [b]
    expect_problem(api.delete(f"{path}/{a['id']}"), 404)


def test_time_off_list_dates_are_local(api, prov):
    path = f"/v1/providers/{prov['id']}/time-off"
    # 2026-03-03T03:00Z is 2026-03-02 22:00 in New York.
    t = api.ok("POST", path, {"start": "2026-03-03T03:00:00Z", "end": "2026-03-03T04:00:00Z"})
    assert api.ok("GET", path, params={"from": "2026-03-02", "to": "2026-03-02"})["data"] == [t]
    assert api.ok("GET", path, params={"from": "2026-03-03", "to": "2026-03-03"})["data"] == []


@pytest.mark.parametrize("body,pointer", [
    ({"end": "2026-03-02T11:00:00Z"}, "/start"),
    ({"start": "2026-03-02T10:00:00Z"}, "/end"),
    ({"start": "2026-03-02T10:00:00", "end": "2026-03-02T11:00:00Z"}, "/start"),
    ({"start": "2026-03-02", "end": "2026-03-03"}, "/start"),
    ({"start": "2026-03-02T25:00:00Z", "end": "2026-03-03T11:00:00Z"}, "/start"),
    ({"start": 1772445600, "end": "2026-03-03T11:00:00Z"}, "/start"),
    ({"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T10:00:00Z"}, "/end"),
    ({"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T09:00:00Z"}, "/end"),
    ({"start": "2026-01-01T00:00:00Z", "end": "2027-01-02T00:00:01Z"}, "/end"),
    ({"start": "2026-01-01T00:00:00Z", "end": "2027-01-02T00:00:00+00:00:00"}, "/end"),
    ({"start": "2026-01-01T00:00:00Z", "end": "2027-01-02T00:00:00+0100"}, "/end"),
    ({"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z", "why": "x"}, "/why"),
    ({"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z", "reason": []}, "/reason"),
])
def test_invalid_time_off_is_422_and_creates_nothing(api, prov, body, pointer):
    path = f"/v1/providers/{prov['id']}/time-off"
    before = api.list_all(path)
    expect_problem(api.post(path, body), 422, "validation_failed", pointer)
    assert api.list_all(path) == before


def test_time_off_deleted_through_another_provider_is_404(api, prov):
    other = api.provider("Other")
    t = api.ok("POST", f"/v1/providers/{prov['id']}/time-off",
               {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z"})
    expect_problem(api.delete(f"/v1/providers/{other['id']}/time-off/{t['id']}"), 404)
    assert api.list_all(f"/v1/providers/{prov['id']}/time-off") == [t]


def test_time_off_list_pages(api, prov):
    path = f"/v1/providers/{prov['id']}/time-off"
    made = [api.ok("POST", path, {"start": f"2026-05-{d:02d}T10:00:00Z",
                                  "end": f"2026-05-{d:02d}T11:00:00Z"})["id"]
            for d in range(1, 6)]
    p1 = api.ok("GET", path, params={"limit": 2})
    p2 = api.ok("GET", path, params={"limit": 2, "cursor": p1["next_cursor"]})
    p3 = api.ok("GET", path, params={"limit": 2, "cursor": p2["next_cursor"]})
    assert [len(p["data"]) for p in (p1, p2, p3)] == [2, 2, 1]
    assert p3["next_cursor"] is None
    assert sorted(o["id"] for p in (p1, p2, p3) for o in p["data"]) == sorted(made)


def test_time_off_of_unknown_provider_is_404(api):
    expect_problem(api.post("/v1/providers/prv_00000000000000000000/time-off",
                            {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z"}),
                   404)
    expect_problem(api.get("/v1/providers/prv_00000000000000000000/time-off"), 404)
