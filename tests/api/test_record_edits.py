"""PATCH of overrides, holidays, time off and waitlist entries: each edit changes what
/v1/slots and explain answer, is checked as a POST is on the merged record (422 leaves the
record unchanged), writes <noun>.updated with its changes, and keeps staff scope. Also the
holiday type and the from/to filters of the holiday and time-off lists.

Set-up (fixture w, a tenant of its own per test): provider p (New York, 09:00-12:00 on
weekdays), a 60-minute service; Mon 2 Mar 2026 is EST (-05:00). "now" is DEFAULT_NOW.
Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import types

import pytest

from booking_helpers import booked
from conftest import Api, DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"
WNOW = "2026-03-01T12:00:00Z"


def at(day, hm):
    return f"{day}T{hm}:00-05:00"


@pytest.fixture
def w(server):
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "12:00")]))
    sid = t.service([pid], "Consult", 60)["id"]
    return types.SimpleNamespace(t=t, server=server, pid=pid, sid=sid)


def starts(w, day):
    return w.t.starts(w.sid, w.pid, day)


def hms(day, *hours):
    return [at(day, h) for h in hours]


def codes(w, start):
    return [r["code"] for r in w.t.explain(w.sid, w.pid, start)["reasons"]]


def last_event(t, type_):
    evs = t.ok("GET", "/v1/events", params={"type": type_, "limit": 200})["data"]
    assert evs, f"no {type_} event"
    return evs[-1]


def staff_key(t, provider_ids):
    k = t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff",
                                  "provider_ids": list(provider_ids)})
    return Api(t.base, k["secret"], t.slug)


def customer_key(t):
    k = t.ok("POST", "/v1/keys", {"name": "widget", "role": "customer"})
    return Api(t.base, k["secret"], t.slug)


# --- overrides ---------------------------------------------------------------------------------

def test_override_hours_edit_changes_slots_and_explain(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/overrides"
    o = t.ok("POST", path, {"date": MON, "intervals": [{"start": "09:00", "end": "10:00"}],
                            "note": "short day"})
    assert starts(w, MON) == hms(MON, "09:00")
    assert o["updated_at"] == o["created_at"]
    seq = t.ok("GET", "/v1/events", params={"limit": 200})["data"][-1]["seq"]
    got = t.ok("PATCH", f"{path}/{o['id']}",
               {"intervals": [{"start": "10:00", "end": "12:00"}]}, now="2026-01-02T00:00:00Z")
    assert got["intervals"] == [{"start": "10:00", "end": "12:00"}]
    assert (got["date"], got["note"], got["closed"]) == (MON, "short day", False)
    assert got["created_at"] == o["created_at"] and got["updated_at"] == "2026-01-02T00:00:00Z"
    assert t.ok("GET", path)["data"] == [got]
    assert starts(w, MON) == hms(MON, "10:00", "11:00")
    assert codes(w, at(MON, "09:00")) == ["outside_hours"]
    ev = last_event(t, "override.updated")
    assert ev["seq"] > seq and ev["subject_id"] == o["id"]
    assert ev["payload"] == got
    assert ev["changes"] == {"intervals": [[{"start": "09:00", "end": "10:00"}],
                                           [{"start": "10:00", "end": "12:00"}]]}
    # null intervals close the day; the note can be cleared
    got = t.ok("PATCH", f"{path}/{o['id']}", {"intervals": None, "note": None})
    assert (got["closed"], got["intervals"], got["note"]) == (True, [], None)
    assert starts(w, MON) == []
    assert codes(w, at(MON, "10:00")) == ["override_closed"]


def test_override_date_and_range_edits(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/overrides"
    o = t.ok("POST", path, {"date": MON})
    assert starts(w, MON) == [] and len(starts(w, TUE)) == 3
    # moving the date frees Monday and closes Tuesday
    got = t.ok("PATCH", f"{path}/{o['id']}", {"date": TUE})
    assert (got["date"], got["from"], got["to"]) == (TUE, TUE, TUE)
    assert len(starts(w, MON)) == 3 and starts(w, TUE) == []
    # a lone "to" widens the date into a range
    got = t.ok("PATCH", f"{path}/{o['id']}", {"to": WED})
    assert (got["date"], got["from"], got["to"]) == (None, TUE, WED)
    assert starts(w, WED) == [] and starts(w, TUE) == []
    # a date replaces the range
    got = t.ok("PATCH", f"{path}/{o['id']}", {"date": MON})
    assert (got["date"], got["from"], got["to"]) == (MON, MON, MON)
    assert len(starts(w, WED)) == 3
    # made recurring (every Monday) and back to one-off
    got = t.ok("PATCH", f"{path}/{o['id']}", {"rrule": "FREQ=WEEKLY;BYDAY=MO"})
    assert (got["rrule"], got["date"], got["from"], got["to"]) == ("FREQ=WEEKLY;BYDAY=MO", MON,
                                                                   None, None)
    assert starts(w, "2026-03-09") == []
    got = t.ok("PATCH", f"{path}/{o['id']}", {"rrule": None})
    assert (got["rrule"], got["date"]) == (None, MON)
    assert len(starts(w, "2026-03-09")) == 3


@pytest.mark.parametrize("body,pointer", [
    ({"from": "2026-03-01", "to": "2027-03-05"}, "/to"),
    ({"to": "2026-02-01"}, "/to"),
    ({"date": MON, "from": MON}, "/date"),
    ({"intervals": [{"start": "10:00", "end": "09:00"}]}, "/intervals"),
    ({"note": "n" * 1001}, "/note"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=TU"}, "/date"),
    ({"rrule": ""}, "/rrule"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=20260223"}, "/rrule"),
    ({"color": "red"}, "/color"),
])
def test_override_invalid_merged_edit_is_422_and_changes_nothing(w, body, pointer):
    t = w.t
    path = f"/v1/providers/{w.pid}/overrides"
    o = t.ok("POST", path, {"date": MON, "note": "keep"})
    r = t.patch(f"{path}/{o['id']}", body)
    problem = expect_problem(r, 422, "validation_failed")
    assert any(e["pointer"].startswith(pointer) for e in problem["errors"]), problem
    assert t.ok("GET", path)["data"] == [o]
    assert starts(w, MON) == []


def test_override_unknown_other_provider_and_scope(w):
    t = w.t
    other = t.provider("Q", NY)["id"]
    o = t.ok("POST", f"/v1/providers/{w.pid}/overrides", {"date": MON})
    expect_problem(t.patch(f"/v1/providers/{w.pid}/overrides/ovr_00000000000000000000",
                           {"note": "x"}), 404)
    expect_problem(t.patch(f"/v1/providers/{other}/overrides/{o['id']}", {"note": "x"}), 404)
    expect_problem(staff_key(t, [w.pid]).patch(f"/v1/providers/{w.pid}/overrides/{o['id']}",
                                               {"note": "x"}), 403)
    expect_problem(customer_key(t).patch(f"/v1/providers/{w.pid}/overrides/{o['id']}",
                                         {"note": "x"}), 403)
    assert t.ok("GET", f"/v1/providers/{w.pid}/overrides")["data"] == [o]


# --- holidays ----------------------------------------------------------------------------------

def test_holiday_type_round_trip_and_default(w):
    t = w.t
    h = t.ok("POST", "/v1/holidays", {"name": "Founders", "date": MON})
    assert h["type"] == "public" and h["updated_at"] == h["created_at"]
    c = t.ok("POST", "/v1/holidays", {"name": "Refit", "date": TUE, "type": "maintenance"})
    assert c["type"] == "maintenance"
    assert {x["id"]: x["type"] for x in t.ok("GET", "/v1/holidays")["data"]} == {
        h["id"]: "public", c["id"]: "maintenance"}
    expect_problem(t.post("/v1/holidays", {"name": "X", "date": WED, "type": "party"}), 422,
                   pointer="/type")
    got = t.ok("PATCH", f"/v1/holidays/{c['id']}", {"type": "closure"})
    assert got["type"] == "closure"
    ev = last_event(t, "holiday.updated")
    assert ev["changes"] == {"type": ["maintenance", "closure"]} and ev["payload"] == got
    assert ev["payload"]["type"] == "closure"
    closures = t.ok("GET", "/v1/holidays", params={"type": "closure"})["data"]
    assert [x["id"] for x in closures] == [c["id"]]
    expect_problem(t.get("/v1/holidays", params={"type": "party"}), 422)


def test_holiday_date_edit_moves_the_closed_day(w):
    t = w.t
    h = t.ok("POST", "/v1/holidays", {"name": "Snow day", "date": MON})
    assert starts(w, MON) == [] and codes(w, at(MON, "09:00")) == ["holiday"]
    got = t.ok("PATCH", f"/v1/holidays/{h['id']}", {"date": TUE, "name": "Ice day"})
    assert (got["date"], got["name"]) == (TUE, "Ice day")
    assert len(starts(w, MON)) == 3 and starts(w, TUE) == []
    assert codes(w, at(TUE, "10:00")) == ["holiday"]
    ev = last_event(t, "holiday.updated")
    assert ev["changes"] == {"date": [MON, TUE], "name": ["Snow day", "Ice day"]}


def test_holiday_yearly_follows_its_date_and_providers_edit(w):
    t = w.t
    other = t.provider("Q", NY)["id"]
    h = t.ok("POST", "/v1/holidays", {"name": "Day", "date": MON, "recurring": "yearly"})
    got = t.ok("PATCH", f"/v1/holidays/{h['id']}", {"date": TUE})
    assert (got["recurring"], got["rrule"]) == ("yearly", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3")
    assert starts(w, "2027-03-03") == [] and len(starts(w, "2027-03-02")) == 3
    # limited to another provider: p is open again
    got = t.ok("PATCH", f"/v1/holidays/{h['id']}", {"provider_ids": [other]})
    assert got["provider_ids"] == [other]
    assert len(starts(w, TUE)) == 3
    got = t.ok("PATCH", f"/v1/holidays/{h['id']}", {"provider_ids": None, "recurring": None})
    assert (got["provider_ids"], got["recurring"], got["rrule"]) == ([], None, None)
    assert starts(w, TUE) == [] and len(starts(w, "2027-03-03")) == 3


@pytest.mark.parametrize("body,pointer", [
    ({"name": ""}, "/name"),
    ({"name": None}, "/name"),
    ({"date": None}, "/date"),
    ({"recurring": "monthly"}, "/recurring"),
    ({"rrule": "FREQ=YEARLY", "recurring": "yearly"}, "/rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=TU"}, "/date"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=20260223"}, "/rrule"),
    ({"provider_ids": ["prv_00000000000000000000"]}, "/provider_ids"),
    ({"type": "party"}, "/type"),
])
def test_holiday_invalid_merged_edit_is_422_and_changes_nothing(w, body, pointer):
    t = w.t
    h = t.ok("POST", "/v1/holidays", {"name": "Keep", "date": MON})
    problem = expect_problem(t.patch(f"/v1/holidays/{h['id']}", body), 422)
    assert any(e["pointer"].startswith(pointer) for e in problem["errors"]), problem
    assert t.ok("GET", "/v1/holidays")["data"] == [h]
    assert starts(w, MON) == []


def test_deleting_a_provider_updates_the_holidays_that_named_it(w):
    t = w.t
    other = t.provider("Q", NY)["id"]
    h = t.ok("POST", "/v1/holidays", {"name": "Both", "date": MON,
                                      "provider_ids": [w.pid, other]},
             now="2026-01-01T00:00:00Z")
    t.ok("DELETE", f"/v1/providers/{other}", now="2026-01-05T00:00:00Z")
    got = t.ok("GET", "/v1/holidays")["data"]
    assert [(x["id"], x["provider_ids"]) for x in got] == [(h["id"], [w.pid])]
    assert got[0]["updated_at"] == "2026-01-05T00:00:00Z"
    assert got[0]["created_at"] == h["created_at"]
    ev = last_event(t, "holiday.updated")
    assert ev["payload"] == got[0]
    assert ev["changes"] == {"provider_ids": [sorted([w.pid, other]), [w.pid]]}
    assert starts(w, MON) == []


def test_holiday_unknown_and_roles(w):
    t = w.t
    h = t.ok("POST", "/v1/holidays", {"name": "Keep", "date": MON})
    expect_problem(t.patch("/v1/holidays/hol_00000000000000000000", {"name": "x"}), 404)
    expect_problem(staff_key(t, [w.pid]).patch(f"/v1/holidays/{h['id']}", {"name": "x"}), 403)
    expect_problem(customer_key(t).patch(f"/v1/holidays/{h['id']}", {"name": "x"}), 403)
    assert t.ok("GET", "/v1/holidays")["data"] == [h]


def test_holiday_list_from_to_counts_recurring_dates(w):
    t = w.t
    once = t.ok("POST", "/v1/holidays", {"name": "Once", "date": "2026-03-10"})
    yearly = t.ok("POST", "/v1/holidays", {"name": "NY", "date": "2020-01-01",
                                           "recurring": "yearly"})
    thanks = t.ok("POST", "/v1/holidays", {"name": "Thanks", "date": "2026-11-26",
                                           "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    bounded = t.ok("POST", "/v1/holidays", {"name": "Three Fridays", "date": "2026-03-06",
                                            "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=3"})

    def ids(**q):
        return sorted(x["id"] for x in t.ok("GET", "/v1/holidays", params=q)["data"])

    assert ids(**{"from": "2026-03-01", "to": "2026-03-31"}) == sorted([once["id"], bounded["id"]])
    assert ids(**{"from": "2027-01-01", "to": "2027-01-01"}) == [yearly["id"]]
    assert ids(**{"from": "2027-11-01", "to": "2027-11-30"}) == [thanks["id"]]
    # inside the rule's span but on no date of it
    assert ids(**{"from": "2026-03-07", "to": "2026-03-12"}) == [once["id"]]
    assert ids(**{"from": "2026-03-21", "to": "2026-03-31"}) == []
    assert ids(**{"from": "2026-11-01"}) == sorted([yearly["id"], thanks["id"]])
    assert ids(**{"to": "2026-03-06"}) == sorted([yearly["id"], bounded["id"]])
    page = t.ok("GET", "/v1/holidays", params={"from": "2026-01-01", "to": "2027-12-31",
                                               "limit": 2})
    rest = t.ok("GET", "/v1/holidays", params={"from": "2026-01-01", "to": "2027-12-31",
                                               "limit": 2, "cursor": page["next_cursor"]})
    assert len(page["data"]) == 2 and rest["next_cursor"] is None
    assert sorted(x["id"] for x in page["data"] + rest["data"]) == sorted(
        [once["id"], yearly["id"], thanks["id"], bounded["id"]])
    expect_problem(t.get("/v1/holidays", params={"from": "March"}), 422, pointer="from")
    expect_problem(t.get("/v1/holidays", params={"from": "2026-03-02", "to": "2026-03-01"}),
                   422, pointer="to")


def test_rule_edits_keep_until_after_the_first_date(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/overrides"
    o = t.ok("POST", path, {"date": MON, "rrule": "FREQ=WEEKLY;UNTIL=20260316"})
    expect_problem(t.patch(f"{path}/{o['id']}", {"date": "2026-04-06"}), 422, pointer="/rrule")
    h = t.ok("POST", "/v1/holidays", {"name": "H", "date": TUE,
                                      "rrule": "FREQ=WEEKLY;UNTIL=20260317"})
    expect_problem(t.patch(f"/v1/holidays/{h['id']}", {"date": "2026-04-07"}), 422,
                   pointer="/rrule")
    assert t.ok("GET", path)["data"] == [o]
    assert t.ok("GET", "/v1/holidays")["data"] == [h]
    # a COUNT rule moves with its first date
    c = t.ok("POST", "/v1/holidays", {"name": "C", "date": WED, "rrule": "FREQ=WEEKLY;COUNT=2"})
    got = t.ok("PATCH", f"/v1/holidays/{c['id']}", {"date": "2026-04-01"})
    assert got["until"] == "2026-04-08"
    assert len(starts(w, "2026-03-11")) == 3 and starts(w, "2026-04-08") == []


def test_holiday_list_filters_across_the_year_end(w):
    t = w.t
    eve = t.ok("POST", "/v1/holidays", {"name": "Eve", "date": "2019-12-31",
                                        "recurring": "yearly"})
    day = t.ok("POST", "/v1/holidays", {"name": "Day", "date": "2020-01-01",
                                        "recurring": "yearly", "type": "closure"})
    once = t.ok("POST", "/v1/holidays", {"name": "Once", "date": "2026-12-30"})

    def ids(**q):
        return [x["id"] for x in t.ok("GET", "/v1/holidays", params=q)["data"]]

    assert ids(**{"from": "2026-12-30", "to": "2027-01-02"}) == [eve["id"], day["id"], once["id"]]
    assert ids(**{"from": "2026-12-31", "to": "2027-01-01"}) == [eve["id"], day["id"]]
    assert ids(**{"from": "2027-01-01", "to": "2027-12-30"}) == [day["id"]]
    assert ids(**{"from": "2026-12-30", "to": "2026-12-30"}) == [once["id"]]
    assert ids(**{"from": "2026-12-30", "to": "2027-01-02", "type": "closure"}) == [day["id"]]


def test_holiday_list_pages_after_filtering(w):
    t = w.t
    made = [t.ok("POST", "/v1/holidays", {"name": f"H{i}", "date": f"2026-04-{i + 1:02d}",
                                          "type": "closure" if i % 2 == 0 else "public"})
            for i in range(7)]
    closures = [h["id"] for h in made if h["type"] == "closure"]
    got, cursor = [], None
    while True:
        q = {"type": "closure", "limit": 2}
        if cursor:
            q["cursor"] = cursor
        page = t.ok("GET", "/v1/holidays", params=q)
        assert len(page["data"]) <= 2
        assert all(x["type"] == "closure" for x in page["data"])
        got += [x["id"] for x in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert got == closures
    # a date range pages the same way
    first = t.ok("GET", "/v1/holidays", params={"from": "2026-04-02", "to": "2026-04-06",
                                                 "limit": 3})
    assert [x["id"] for x in first["data"]] == [h["id"] for h in made[1:4]]
    rest = t.ok("GET", "/v1/holidays", params={"from": "2026-04-02", "to": "2026-04-06",
                                                "limit": 3, "cursor": first["next_cursor"]})
    assert [x["id"] for x in rest["data"]] == [made[4]["id"], made[5]["id"]]
    assert rest["next_cursor"] is None


# --- time off ----------------------------------------------------------------------------------

def test_time_off_move_frees_old_time_and_blocks_new(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/time-off"
    x = t.ok("POST", path, {"start": at(MON, "09:00"), "end": at(MON, "10:00"),
                            "reason": "meeting"})
    assert starts(w, MON) == hms(MON, "10:00", "11:00")
    got = t.ok("PATCH", f"{path}/{x['id']}", {"start": at(MON, "11:00"),
                                              "end": "2026-03-02T17:00:00Z"},
               now="2026-01-03T00:00:00Z")
    assert (got["start"], got["end"], got["reason"]) == (at(MON, "11:00"), at(MON, "12:00"),
                                                         "meeting")
    assert got["updated_at"] == "2026-01-03T00:00:00Z" and got["created_at"] == x["created_at"]
    assert starts(w, MON) == hms(MON, "09:00", "10:00")
    assert codes(w, at(MON, "11:00")) == ["time_off"]
    assert codes(w, at(MON, "09:00")) == []
    ev = last_event(t, "time_off.updated")
    assert ev["subject_id"] == x["id"] and ev["payload"] == got
    assert ev["changes"] == {"start": [at(MON, "09:00"), at(MON, "11:00")],
                             "end": [at(MON, "10:00"), at(MON, "12:00")]}
    assert t.ok("GET", path)["data"] == [got]
    got = t.ok("PATCH", f"{path}/{x['id']}", {"reason": None})
    assert got["reason"] is None


@pytest.mark.parametrize("body,pointer", [
    ({"end": at(MON, "09:00")}, "/end"),
    ({"start": at(MON, "10:30")}, "/end"),
    ({"end": "2027-03-10T00:00:00Z"}, "/end"),
    ({"start": None}, "/start"),
    ({"start": "2026-03-02 09:00"}, "/start"),
    ({"reason": "r" * 1001}, "/reason"),
    ({"provider_id": "prv_00000000000000000000"}, "/provider_id"),
])
def test_time_off_invalid_merged_edit_is_422_and_changes_nothing(w, body, pointer):
    t = w.t
    path = f"/v1/providers/{w.pid}/time-off"
    x = t.ok("POST", path, {"start": at(MON, "09:00"), "end": at(MON, "10:00")})
    problem = expect_problem(t.patch(f"{path}/{x['id']}", body), 422)
    assert any(e["pointer"].startswith(pointer) for e in problem["errors"]), problem
    assert t.ok("GET", path)["data"] == [x]
    assert starts(w, MON) == hms(MON, "10:00", "11:00")


def test_time_off_unknown_and_roles(w):
    t = w.t
    other = t.provider("Q", NY)["id"]
    path = f"/v1/providers/{w.pid}/time-off"
    x = t.ok("POST", path, {"start": at(MON, "09:00"), "end": at(MON, "10:00")})
    expect_problem(t.patch(f"{path}/tof_00000000000000000000", {"reason": "x"}), 404)
    expect_problem(t.patch(f"/v1/providers/{other}/time-off/{x['id']}", {"reason": "x"}), 404)
    expect_problem(staff_key(t, [w.pid]).patch(f"{path}/{x['id']}", {"reason": "x"}), 403)
    expect_problem(customer_key(t).patch(f"{path}/{x['id']}", {"reason": "x"}), 403)
    assert t.ok("GET", path)["data"] == [x]


def test_time_off_shrink_offers_the_freed_time_to_the_waitlist(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/time-off"
    for h in ("10:00", "11:00"):
        booked(t, w.sid, at(MON, h), now=WNOW)
    x = t.ok("POST", path, {"start": at(MON, "09:00"), "end": at(MON, "10:00")}, now=WNOW)
    e = t.ok("POST", "/v1/waitlist", {"service_id": w.sid, "earliest_date": MON,
                                      "latest_date": MON,
                                      "customer": {"name": "W", "email": "w@example.com"}},
             now=WNOW)
    assert e["status"] == "waiting"
    # the edit that keeps the hour covered frees nothing
    t.ok("PATCH", f"{path}/{x['id']}", {"start": at(MON, "08:00")}, now=WNOW)
    assert t.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW)["status"] == "waiting"
    t.ok("PATCH", f"{path}/{x['id']}", {"start": at(MON, "09:00"), "end": at(MON, "09:30")},
         now=WNOW)
    assert t.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW)["status"] == "waiting"
    t.ok("PATCH", f"{path}/{x['id']}", {"end": at(MON, "09:00"), "start": at(MON, "08:00")},
         now=WNOW)
    got = t.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW)
    assert got["status"] == "offered" and got["offer_start"] == "2026-03-02T14:00:00Z"


def test_time_off_list_from_to(w):
    t = w.t
    path = f"/v1/providers/{w.pid}/time-off"
    a = t.ok("POST", path, {"start": at(MON, "09:00"), "end": at(MON, "10:00")})
    b = t.ok("POST", path, {"start": at(WED, "23:00"), "end": "2026-03-05T06:00:00-05:00"})

    def ids(**q):
        return [x["id"] for x in t.ok("GET", path, params=q)["data"]]

    assert ids(**{"from": MON, "to": MON}) == [a["id"]]
    assert ids(**{"from": TUE, "to": TUE}) == []
    assert ids(**{"from": "2026-03-05", "to": "2026-03-05"}) == [b["id"]]
    assert ids(**{"from": MON}) == [a["id"], b["id"]]
    assert ids(**{"to": TUE}) == [a["id"]]
    expect_problem(t.get(path, params={"from": "2026-03-02T09:00:00Z"}), 422, pointer="from")


# --- waitlist ----------------------------------------------------------------------------------

def test_waitlist_edit_priority_notes_customer_and_preferences(w):
    t = w.t
    for h in ("09:00", "10:00", "11:00"):
        booked(t, w.sid, at(MON, h), now=WNOW)
    e = t.ok("POST", "/v1/waitlist", {"service_id": w.sid, "earliest_date": MON,
                                      "latest_date": MON, "notes": "prefers mornings",
                                      "customer": {"name": "Wen", "email": "w@example.com"}},
             now=WNOW)
    assert (e["status"], e["notes"], e["priority"]) == ("waiting", "prefers mornings", 0)
    got = t.ok("PATCH", f"/v1/waitlist/{e['id']}",
               {"priority": 5, "notes": "call first",
                "customer": {"name": "Wendy", "phone": "+1 555 0100"},
                "weekdays": ["mon"], "time_windows": [{"start": "09:00", "end": "12:00"}]},
               now="2026-03-01T12:05:00Z")
    assert (got["priority"], got["notes"], got["customer"], got["weekdays"],
            got["time_windows"], got["status"]) == (
        5, "call first", {"name": "Wendy", "email": "w@example.com", "phone": "+1 555 0100"},
        ["mon"], [{"start": "09:00", "end": "12:00"}], "waiting")
    assert got["updated_at"] == "2026-03-01T12:05:00Z"
    assert t.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW) == got
    ev = last_event(t, "waitlist.updated")
    assert ev["subject_id"] == e["id"] and ev["payload"] == got
    assert ev["changes"] == {
        "priority": [0, 5], "notes": ["prefers mornings", "call first"],
        "customer": [{"name": "Wen", "email": "w@example.com", "phone": None},
                     {"name": "Wendy", "email": "w@example.com", "phone": "+1 555 0100"}],
        "weekdays": [[], ["mon"]], "time_windows": [[], [{"start": "09:00", "end": "12:00"}]]}
    # widened to Tuesday, which is free: offered at once
    got = t.ok("PATCH", f"/v1/waitlist/{e['id']}", {"latest_date": TUE, "weekdays": None},
               now=WNOW)
    assert got["status"] == "offered" and got["offer_start"] == "2026-03-03T14:00:00Z"
    assert got["weekdays"] == []
    # an offered entry can still be edited; its offer stands
    got = t.ok("PATCH", f"/v1/waitlist/{e['id']}", {"notes": None}, now=WNOW)
    assert (got["status"], got["notes"]) == ("offered", None)


@pytest.mark.parametrize("body,pointer", [
    ({"latest_date": "2026-02-01"}, "/latest_date"),
    ({"latest_date": "2027-06-01"}, "/latest_date"),
    ({"earliest_date": None}, "/earliest_date"),
    ({"priority": 5000}, "/priority"),
    ({"notes": "n" * 1001}, "/notes"),
    ({"weekdays": ["someday"]}, "/weekdays/0"),
    ({"customer": {"email": "x@example.com"}}, "/customer/email"),
    ({"customer": {"name": ""}}, "/customer/name"),
    ({"service_id": "svc_00000000000000000000"}, "/service_id"),
    ({"provider_id": None}, "/provider_id"),
])
def test_waitlist_invalid_edit_is_422_and_changes_nothing(w, body, pointer):
    t = w.t
    for h in ("09:00", "10:00", "11:00"):
        booked(t, w.sid, at(MON, h), now=WNOW)
    e = t.ok("POST", "/v1/waitlist", {"service_id": w.sid, "earliest_date": MON,
                                      "latest_date": MON,
                                      "customer": {"name": "W", "email": "w@example.com"}},
             now=WNOW)
    problem = expect_problem(t.patch(f"/v1/waitlist/{e['id']}", body, now=WNOW), 422)
    assert any(x["pointer"].startswith(pointer) for x in problem["errors"]), problem
    assert t.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW) == e


def test_waitlist_edit_only_while_waiting_or_offered_and_scope(w):
    t = w.t
    other = t.provider("Q", NY)["id"]
    t.schedule(other, weekdays([("09:00", "12:00")]))
    sid2 = t.service([other], "Other", 60)["id"]
    for h in ("09:00", "10:00", "11:00"):
        booked(t, sid2, at(MON, h), now=WNOW)
    e = t.ok("POST", "/v1/waitlist", {"service_id": sid2, "provider_id": other,
                                      "earliest_date": MON, "latest_date": MON,
                                      "customer": {"name": "W", "email": "w@example.com"}},
             now=WNOW)
    expect_problem(staff_key(t, [w.pid]).patch(f"/v1/waitlist/{e['id']}", {"notes": "x"},
                                               now=WNOW), 404)
    assert staff_key(t, [other]).ok("PATCH", f"/v1/waitlist/{e['id']}", {"notes": "x"},
                                    now=WNOW)["notes"] == "x"
    expect_problem(customer_key(t).patch(f"/v1/waitlist/{e['id']}", {"notes": "y"},
                                         now=WNOW), 403)
    expect_problem(t.patch("/v1/waitlist/wtl_00000000000000000000", {"notes": "y"}), 404)
    # offered, then the offer lapses: expired entries are not edited
    t.ok("PATCH", f"/v1/waitlist/{e['id']}", {"latest_date": TUE}, now=WNOW)
    got = t.ok("GET", f"/v1/waitlist/{e['id']}", now="2026-03-01T13:00:00Z")
    assert got["status"] == "expired"
    expect_problem(t.patch(f"/v1/waitlist/{e['id']}", {"notes": "late"},
                           now="2026-03-01T13:00:00Z"), 409, "conflict")
    assert t.ok("GET", f"/v1/waitlist/{e['id']}", now="2026-03-01T13:00:00Z") == got


def test_edit_of_another_tenants_records_is_404(w, api_b):
    t = w.t
    o = t.ok("POST", f"/v1/providers/{w.pid}/overrides", {"date": MON})
    h = t.ok("POST", "/v1/holidays", {"name": "H", "date": TUE})
    x = t.ok("POST", f"/v1/providers/{w.pid}/time-off",
             {"start": at(MON, "09:00"), "end": at(MON, "10:00")})
    expect_problem(api_b.patch(f"/v1/providers/{w.pid}/overrides/{o['id']}", {"note": "x"}),
                   404)
    expect_problem(api_b.patch(f"/v1/holidays/{h['id']}", {"name": "x"}), 404)
    expect_problem(api_b.patch(f"/v1/providers/{w.pid}/time-off/{x['id']}", {"reason": "x"}),
                   404)
    e = t.ok("POST", "/v1/waitlist", {"service_id": w.sid, "earliest_date": "2027-01-04",
                                      "latest_date": "2027-01-04",
                                      "customer": {"name": "W", "email": "w@example.com"}})
    expect_problem(api_b.patch(f"/v1/waitlist/{e['id']}", {"notes": "x"}), 404)
    assert t.ok("GET", "/v1/holidays")["data"] == [h]
    assert t.ok("GET", f"/v1/waitlist/{e['id']}")["notes"] is None


def test_an_edit_that_changes_nothing_writes_nothing(w):
    t = w.t
    o = t.ok("POST", f"/v1/providers/{w.pid}/overrides", {"date": MON, "note": "n"})
    h = t.ok("POST", "/v1/holidays", {"name": "H", "date": TUE, "type": "closure"})
    x = t.ok("POST", f"/v1/providers/{w.pid}/time-off",
             {"start": at(WED, "09:00"), "end": at(WED, "10:00")})
    e = t.ok("POST", "/v1/waitlist", {"service_id": w.sid, "earliest_date": "2027-01-04",
                                      "latest_date": "2027-01-04",
                                      "customer": {"name": "W", "email": "w@example.com"}})
    seq = t.ok("GET", "/v1/events", params={"limit": 200})["data"][-1]["seq"]
    later = "2026-02-01T00:00:00Z"
    assert t.ok("PATCH", f"/v1/providers/{w.pid}/overrides/{o['id']}", {"note": "n"},
                now=later) == o
    assert t.ok("PATCH", f"/v1/holidays/{h['id']}", {}, now=later) == h
    assert t.ok("PATCH", f"/v1/providers/{w.pid}/time-off/{x['id']}",
                {"start": "2026-03-04T14:00:00Z"}, now=later) == x
    got = t.ok("PATCH", f"/v1/waitlist/{e['id']}", {"priority": 0}, now=later)
    assert got["updated_at"] == e["updated_at"] and got["priority"] == 0
    assert t.ok("GET", "/v1/events", params={"after": seq, "limit": 200})["data"] == []
