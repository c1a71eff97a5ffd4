"""Session types: an interval of a provider's hours (weekly template, alternating weeks,
dated versions, date overrides) may list "service_ids"; only those services may start in
it. Slots, explain (service_not_offered_now), bookings, holds, reschedules and waitlist
offers all follow it.

Set-up (fixture st): provider New York. Mondays 09:00-12:00 are reserved for the 90-minute
intake, 13:00-15:00 are open to any service; Tuesdays 09:00-11:00 are open to any service.
The consult lasts 60 minutes. Mon 2 Mar 2026 is -05:00.
"""
import types

import pytest

import booking_helpers
from booking_helpers import at
from conftest import DEFAULT_NOW, expect_problem

NY = "America/New_York"
MON, TUE = "2026-03-02", "2026-03-03"
NEXT_MON = "2026-03-09"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def week(**days):
    return {d: days.get(d, []) for d in DAYS}


def iv(start, end, service_ids=None):
    x = {"start": start, "end": end}
    if service_ids is not None:
        x["service_ids"] = service_ids
    return x


@pytest.fixture
def st(server):
    t = server.tenant()
    pid = t.provider("Therapist", NY)["id"]
    intake = t.service([pid], "Intake", 90)["id"]
    consult = t.service([pid], "Consult", 60)["id"]
    weekly = week(mon=[iv("09:00", "12:00", [intake]), iv("13:00", "15:00")],
                  tue=[iv("09:00", "11:00")])
    sched = t.schedule(pid, weekly)
    return types.SimpleNamespace(t=t, server=server, pid=pid, intake=intake, consult=consult,
                                 weekly=weekly, sched=sched)


def codes(x):
    return [r["code"] for r in x["reasons"]]


def starts(t, sid, day, pid=None):
    return [s[11:16] for s in t.starts(sid, pid, day, timezone=NY)]


def schedule_of(t, pid):
    return t.ok("GET", f"/v1/providers/{pid}/schedule", now=DEFAULT_NOW)


# --- rendering -----------------------------------------------------------------------------

def test_schedule_renders_service_ids_only_where_given(st):
    assert st.sched["weekly"] == st.weekly
    assert schedule_of(st.t, st.pid)["weekly"] == st.weekly
    mon = schedule_of(st.t, st.pid)["weekly"]["mon"]
    assert mon[0]["service_ids"] == [st.intake]
    assert "service_ids" not in mon[1]


def test_service_ids_keep_their_order_and_several(st):
    weekly = week(mon=[iv("09:00", "12:00", [st.consult, st.intake])])
    assert st.t.schedule(st.pid, weekly)["weekly"] == weekly
    assert starts(st.t, st.consult, MON) == ["09:00", "10:00", "11:00"]
    assert starts(st.t, st.intake, MON) == ["09:00", "10:30"]


# --- slots and explain ---------------------------------------------------------------------

def test_reserved_interval_offers_no_slots_to_other_services(st):
    assert starts(st.t, st.consult, MON) == ["13:00", "14:00"]
    assert starts(st.t, st.consult, TUE) == ["09:00", "10:00"]


def test_reserved_interval_offers_slots_to_its_service(st):
    assert starts(st.t, st.intake, MON) == ["09:00", "10:30", "13:00"]
    assert starts(st.t, st.intake, TUE) == ["09:00"]


def test_slots_without_provider_filter_follow_the_reservation(st):
    other = st.t.provider("Other", NY)["id"]
    st.t.schedule(other, week(mon=[iv("09:00", "10:00")]))
    st.t.ok("PATCH", f"/v1/services/{st.consult}", {"provider_ids": [st.pid, other]})
    got = {(s["provider_id"], s["start"]) for s in st.t.slots(st.consult, None, MON)}
    assert got == {(other, at(MON, "09:00")), (st.pid, at(MON, "13:00")),
                   (st.pid, at(MON, "14:00"))}


def test_explain_service_not_offered_now(st):
    x = st.t.explain(st.consult, st.pid, at(MON, "10:00"))
    assert (x["bookable"], x["reasons"]) == (False, [{"code": "service_not_offered_now"}])
    assert st.t.explain(st.intake, st.pid, at(MON, "10:30"))["bookable"] is True


def test_explain_outside_hours_stays_outside_hours(st):
    # 12:00 is in no interval at all; 11:30 for 60 minutes runs past the reserved interval.
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "12:00"))) == ["outside_hours"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "11:30"))) == ["outside_hours"]
    assert codes(st.t.explain(st.intake, st.pid, at(MON, "11:00"))) == ["outside_hours"]


def test_explain_across_a_reserved_and_an_open_interval(st):
    # Reserved 09:00-12:00 and open 12:00-15:00 touch: the consult may start only in the open
    # one; 11:30-12:30 lies inside the hours but partly in the reserved part.
    weekly = week(mon=[iv("09:00", "12:00", [st.intake]), iv("12:00", "15:00")])
    st.t.schedule(st.pid, weekly)
    assert starts(st.t, st.consult, MON) == ["12:00", "13:00", "14:00"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "11:30"))) == \
        ["service_not_offered_now"]
    # The intake may run on from its interval into the open one.
    assert "10:30" in starts(st.t, st.intake, MON)
    assert "11:30" not in starts(st.t, st.intake, MON)


# --- bookings, holds, reschedule, waitlist -----------------------------------------------------

def test_booking_in_a_reserved_interval_is_refused(st):
    r = booking_helpers.book(st.t, st.consult, at(MON, "10:00"), st.pid)
    p = expect_problem(r, 422, "slot_unavailable")
    assert p["reasons"] == [{"code": "service_not_offered_now"}]
    # Without a provider the choice meets the same rule.
    r = booking_helpers.book(st.t, st.consult, at(MON, "09:00"))
    p = expect_problem(r, 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["service_not_offered_now"]
    assert st.t.list_all("/v1/bookings") == []
    b = booking_helpers.booked(st.t, st.intake, at(MON, "09:00"), st.pid)
    assert b["start"] == at(MON, "09:00")


def test_hold_in_a_reserved_interval_is_refused(st):
    r = st.t.post("/v1/holds", {"service_id": st.consult, "provider_id": st.pid,
                                "start": at(MON, "10:00")}, now=DEFAULT_NOW)
    p = expect_problem(r, 422, "slot_unavailable")
    assert p["reasons"] == [{"code": "service_not_offered_now"}]
    st.t.ok("POST", "/v1/holds", {"service_id": st.intake, "provider_id": st.pid,
                                  "start": at(MON, "10:30")}, now=DEFAULT_NOW)


def test_reschedule_into_a_reserved_interval_is_refused(st):
    b = booking_helpers.booked(st.t, st.consult, at(MON, "13:00"), st.pid)
    r = st.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(MON, "09:00")},
                  now=DEFAULT_NOW)
    p = expect_problem(r, 422, "slot_unavailable")
    assert p["reasons"] == [{"code": "service_not_offered_now"}]
    assert booking_helpers.get(st.t, b["id"])["start"] == at(MON, "13:00")
    r = st.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(MON, "14:00")},
                  now=DEFAULT_NOW)
    assert r.status_code == 200, r.text


def test_waitlist_offer_skips_reserved_intervals(st):
    b13 = booking_helpers.booked(st.t, st.consult, at(MON, "13:00"), st.pid)
    booking_helpers.booked(st.t, st.consult, at(MON, "14:00"), st.pid)
    assert starts(st.t, st.consult, MON) == []
    w = st.t.ok("POST", "/v1/waitlist", {
        "service_id": st.consult, "customer": {"name": "W", "email": "w@example.com"},
        "earliest_date": MON, "latest_date": MON}, now=DEFAULT_NOW)
    # The reserved morning is free, yet not offered to the consult.
    assert w["status"] == "waiting", w
    booking_helpers.acted(st.t, b13["id"], "cancel")
    w = st.t.ok("GET", f"/v1/waitlist/{w['id']}", now=DEFAULT_NOW)
    assert (w["status"], w["offer_start"]) == ("offered", "2026-03-02T18:00:00Z"), w


def test_waitlist_time_windows_take_no_service_ids(st):
    r = st.t.post("/v1/waitlist", {
        "service_id": st.consult, "customer": {"name": "W", "email": "w@example.com"},
        "earliest_date": MON, "latest_date": MON,
        "time_windows": [iv("09:00", "12:00", [st.consult])]}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", pointer="/time_windows/0")


# --- overrides, alternating weeks, versions --------------------------------------------------

def test_override_with_service_ids(st):
    o = st.t.ok("POST", f"/v1/providers/{st.pid}/overrides",
                {"date": TUE, "intervals": [iv("14:00", "16:00"),
                                            iv("09:00", "11:00", [st.consult])]})
    assert o["intervals"] == [iv("09:00", "11:00", [st.consult]), iv("14:00", "16:00")]
    (listed,) = st.t.list_all(f"/v1/providers/{st.pid}/overrides")
    assert listed["intervals"] == o["intervals"]
    assert starts(st.t, st.consult, TUE) == ["09:00", "10:00", "14:00", "15:00"]
    assert starts(st.t, st.intake, TUE) == ["14:00"]
    assert codes(st.t.explain(st.intake, st.pid, at(TUE, "09:00", "-05:00"))) == \
        ["service_not_offered_now"]


def test_override_patch_keeps_and_replaces_service_ids(st):
    o = st.t.ok("POST", f"/v1/providers/{st.pid}/overrides",
                {"date": TUE, "intervals": [iv("09:00", "10:00", [st.consult])]})
    r = st.t.patch(f"/v1/providers/{st.pid}/overrides/{o['id']}", {"note": "consults only"})
    assert r.status_code == 200, r.text
    assert r.json()["intervals"] == [iv("09:00", "10:00", [st.consult])]
    o2 = st.t.ok("PATCH", f"/v1/providers/{st.pid}/overrides/{o['id']}",
                 {"intervals": [iv("09:00", "10:30", [st.intake])]})
    assert o2["intervals"] == [iv("09:00", "10:30", [st.intake])]
    assert starts(st.t, st.intake, TUE) == ["09:00"]
    assert starts(st.t, st.consult, TUE) == []
    r = st.t.patch(f"/v1/providers/{st.pid}/overrides/{o['id']}",
                   {"intervals": [iv("09:00", "10:30", ["svc_00000000000000000000"])]})
    expect_problem(r, 422, "validation_failed", pointer="/intervals/0/service_ids/0")
    (listed,) = st.t.list_all(f"/v1/providers/{st.pid}/overrides")
    assert listed["intervals"] == o2["intervals"]


def test_alternating_weeks_with_service_ids(st):
    body = {"anchor_date": MON, "weeks": [
        week(mon=[iv("09:00", "12:00", [st.intake])]),
        week(mon=[iv("09:00", "12:00")])]}
    got = st.t.schedule(st.pid, **body)
    assert got["weeks"] == body["weeks"]
    assert starts(st.t, st.consult, MON) == []
    assert starts(st.t, st.consult, NEXT_MON) == ["09:00", "10:00", "11:00"]
    assert starts(st.t, st.intake, MON) == ["09:00", "10:30"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "09:00"))) == \
        ["service_not_offered_now"]
    assert st.t.explain(st.consult, st.pid, at(NEXT_MON, "09:00"))["bookable"] is True


def test_versions_with_service_ids(st):
    body = {"versions": [
        {"effective_until": "2026-03-08", "weekly": week(mon=[iv("09:00", "11:00", [st.intake])])},
        {"effective_from": "2026-03-09", "weekly": week(mon=[iv("09:00", "11:00")])}]}
    got = st.t.ok("PUT", f"/v1/providers/{st.pid}/schedule", body, now=DEFAULT_NOW)
    assert [v["weekly"] for v in got["versions"]] == [v["weekly"] for v in body["versions"]]
    assert starts(st.t, st.consult, MON) == []
    assert starts(st.t, st.consult, NEXT_MON) == ["09:00", "10:00"]
    assert starts(st.t, st.intake, MON) == ["09:00"]


# --- validation ----------------------------------------------------------------------------

def bad_schedule(st, mon_intervals, pointer, **extra):
    r = st.t.put(f"/v1/providers/{st.pid}/schedule",
                 {"weekly": week(mon=mon_intervals), **extra}, now=DEFAULT_NOW)
    p = expect_problem(r, 422, "validation_failed", pointer=pointer)
    assert schedule_of(st.t, st.pid)["weekly"] == st.weekly
    return p


def test_unknown_service_id_is_422_at_its_pointer(st, api_b):
    bad_schedule(st, [iv("09:00", "12:00", [st.intake, "svc_00000000000000000000"])],
                 "/weekly/mon/0/service_ids/1")
    # Another tenant's service is unknown here.
    foreign = api_b.service([api_b.provider("B", NY)["id"]], "Foreign")["id"]
    bad_schedule(st, [iv("09:00", "12:00", [foreign])], "/weekly/mon/0/service_ids/0")


def test_service_ids_shape_errors(st):
    at_ids = "/weekly/mon/0/service_ids"
    bad_schedule(st, [iv("09:00", "12:00", [])], at_ids)
    bad_schedule(st, [iv("09:00", "12:00", "svc_x")], at_ids)
    bad_schedule(st, [iv("09:00", "12:00", [st.intake, st.intake])], at_ids + "/1")
    bad_schedule(st, [iv("09:00", "12:00", [st.pid])], at_ids + "/0")
    bad_schedule(st, [iv("09:00", "12:00", [7])], at_ids + "/0")
    many = [f"svc_{i:020d}" for i in range(21)]
    bad_schedule(st, [iv("09:00", "12:00", many)], at_ids)
    bad_schedule(st, [{"start": "09:00", "end": "12:00", "services": [st.intake]}],
                 "/weekly/mon/0")


def test_twenty_service_ids_are_accepted(st):
    ids = [st.intake] + [st.t.service([st.pid], f"S{i}", 30)["id"] for i in range(19)]
    weekly = week(mon=[iv("09:00", "12:00", ids)])
    assert st.t.schedule(st.pid, weekly)["weekly"] == weekly


def test_unknown_service_in_weeks_and_versions_points_there(st):
    ghost = "svc_00000000000000000000"
    r = st.t.put(f"/v1/providers/{st.pid}/schedule", {"anchor_date": MON, "weeks": [
        week(), week(tue=[iv("09:00", "10:00", [ghost])])]}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", pointer="/weeks/1/tue/0/service_ids/0")
    r = st.t.put(f"/v1/providers/{st.pid}/schedule", {"versions": [
        {"effective_from": "2026-05-01", "weekly": week(wed=[iv("09:00", "10:00", [ghost])])},
        {"effective_until": "2026-04-30", "weekly": week()}]}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed",
                   pointer="/versions/0/weekly/wed/0/service_ids/0")
    assert schedule_of(st.t, st.pid)["weekly"] == st.weekly


def test_override_validation_leaves_nothing(st):
    path = f"/v1/providers/{st.pid}/overrides"
    r = st.t.post(path, {"date": TUE, "intervals": [iv("09:00", "10:00",
                                                       ["svc_00000000000000000000"])]})
    expect_problem(r, 422, "validation_failed", pointer="/intervals/0/service_ids/0")
    r = st.t.post(path, {"date": TUE, "intervals": [iv("09:00", "10:00", [])]})
    expect_problem(r, 422, "validation_failed", pointer="/intervals/0/service_ids")
    assert st.t.list_all(path) == []


def test_deleted_service_never_matches(st):
    gone = st.t.service([st.pid], "Gone", 60)["id"]
    st.t.schedule(st.pid, week(mon=[iv("09:00", "11:00", [gone])]))
    r = st.t.delete(f"/v1/services/{gone}")
    assert r.status_code == 204, r.text
    assert starts(st.t, st.consult, MON) == []
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "09:00"))) == \
        ["service_not_offered_now"]
    # The schedule still names it, so the body reads back as it was written.
    assert schedule_of(st.t, st.pid)["weekly"]["mon"] == [iv("09:00", "11:00", [gone])]


def test_business_hours_take_no_service_ids(st):
    r = st.t.put("/v1/business-hours", {"timezone": NY, "weekly": week(
        mon=[iv("08:00", "18:00", [st.consult])])}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", pointer="/weekly/mon/0")
    r = st.t.post("/v1/business-hours/overrides", {"date": TUE, "intervals": [
        iv("08:00", "12:00", [st.consult])]}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", pointer="/intervals/0")
    assert st.t.ok("GET", "/v1/business-hours", now=DEFAULT_NOW)["weekly"] is None
    assert st.t.list_all("/v1/business-hours/overrides") == []


# --- with other features -------------------------------------------------------------------

def test_recurring_override_with_service_ids(st):
    # Every Tuesday from 3 Mar: 09:00-11:00 for the consult only, 14:00-15:00 for anyone.
    o = st.t.ok("POST", f"/v1/providers/{st.pid}/overrides", {
        "date": TUE, "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "intervals": [iv("14:00", "15:00"), iv("09:00", "11:00", [st.consult])]})
    assert o["intervals"] == [iv("09:00", "11:00", [st.consult]), iv("14:00", "15:00")]
    for day in (TUE, "2026-03-10"):
        assert starts(st.t, st.consult, day) == ["09:00", "10:00", "14:00"]
        assert starts(st.t, st.intake, day) == []
    assert codes(st.t.explain(st.intake, st.pid, at("2026-03-10", "09:00", "-04:00"))) == \
        ["service_not_offered_now"]
    # The calendar shows each date's hours with their service_ids.
    items = st.t.ok("GET", "/v1/calendar", params={
        "from": TUE, "to": "2026-03-10", "provider_ids": st.pid, "timezone": NY})["items"]
    assert [(i["date"], i["intervals"]) for i in items if i["kind"] == "override"] == [
        (TUE, o["intervals"]), ("2026-03-10", o["intervals"])]
    # A new rule alone keeps the intervals' service_ids.
    o2 = st.t.ok("PATCH", f"/v1/providers/{st.pid}/overrides/{o['id']}",
                 {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"})
    assert o2["intervals"] == o["intervals"]
    assert starts(st.t, st.consult, "2026-03-17") == ["09:00", "10:00", "14:00"]
    assert starts(st.t, st.consult, "2026-03-10") == ["09:00", "10:00"]  # the template's


def test_any_provider_booking_goes_where_the_service_is_offered(st):
    other = st.t.provider("Other", NY)["id"]
    st.t.schedule(other, week(mon=[iv("09:00", "12:00")]))
    st.t.ok("PATCH", f"/v1/services/{st.consult}", {"provider_ids": [st.pid, other]})
    for _ in range(2):  # the second choice meets the same rule as the first
        b = booking_helpers.booked(st.t, st.consult, at(MON, "10:00"))
        assert b["provider_id"] == other
        booking_helpers.acted(st.t, b["id"], "cancel")
    # The intake may go to either; the reserving provider, having fewer bookings, gets it.
    st.t.ok("PATCH", f"/v1/services/{st.intake}", {"provider_ids": [st.pid, other]})
    booking_helpers.booked(st.t, st.consult, at(MON, "09:00"), other)
    b = booking_helpers.booked(st.t, st.intake, at(MON, "10:30"))
    assert b["provider_id"] == st.pid
    # Any provider's slots: the consult only from the other at 10:00 / 11:00 then.
    got = {(s["provider_id"], s["start"][11:16]) for s in
           st.t.slots(st.consult, None, MON, timezone=NY)}
    assert got == {(other, "10:00"), (other, "11:00"), (st.pid, "13:00"), (st.pid, "14:00")}


def test_group_service_in_its_reserved_interval(st):
    group = st.t.service([st.pid], "Group", 60, capacity=3)["id"]
    st.t.schedule(st.pid, week(mon=[iv("09:00", "11:00", [group]), iv("13:00", "15:00")]))
    booking_helpers.booked(st.t, group, at(MON, "09:00"), st.pid)
    slots = {s["start"][11:16]: s["seats_left"] for s in
             st.t.slots(group, st.pid, MON, timezone=NY)}
    assert slots == {"09:00": 2, "10:00": 3, "13:00": 3, "14:00": 3}
    booking_helpers.booked(st.t, group, at(MON, "09:00"), st.pid)
    assert starts(st.t, st.consult, MON) == ["13:00", "14:00"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "10:00"))) == \
        ["service_not_offered_now"]


def test_business_hours_with_reserved_intervals(st):
    st.t.ok("PUT", "/v1/business-hours", {"timezone": NY, "weekly": week(
        mon=[iv("10:00", "14:00")], tue=[iv("09:00", "17:00")])}, now=DEFAULT_NOW)
    # Intake 09:00-12:00 reserved, 13:00-15:00 open; the business opens 10:00-14:00.
    assert starts(st.t, st.intake, MON) == ["10:30"]
    assert starts(st.t, st.consult, MON) == ["13:00"]
    assert codes(st.t.explain(st.intake, st.pid, at(MON, "09:00"))) == \
        ["outside_business_hours"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "10:00"))) == \
        ["service_not_offered_now"]
    assert codes(st.t.explain(st.consult, st.pid, at(MON, "14:00"))) == \
        ["outside_business_hours"]


def test_waitlist_time_window_inside_a_reserved_interval(st):
    booking_helpers.booked(st.t, st.consult, at(MON, "13:00"), st.pid)
    morning = st.t.ok("POST", "/v1/waitlist", {
        "service_id": st.consult, "customer": {"name": "M", "email": "m@example.com"},
        "earliest_date": MON, "latest_date": MON,
        "time_windows": [iv("09:00", "12:00")]}, now=DEFAULT_NOW)
    assert morning["status"] == "waiting", morning
    afternoon = st.t.ok("POST", "/v1/waitlist", {
        "service_id": st.consult, "customer": {"name": "A", "email": "a@example.com"},
        "earliest_date": MON, "latest_date": MON,
        "time_windows": [iv("13:00", "15:00")]}, now=DEFAULT_NOW)
    assert (afternoon["status"], afternoon["offer_start"]) == \
        ("offered", "2026-03-02T19:00:00Z"), afternoon
    # The intake's entry in the morning window is offered the reserved morning.
    intake = st.t.ok("POST", "/v1/waitlist", {
        "service_id": st.intake, "customer": {"name": "I", "email": "i@example.com"},
        "earliest_date": MON, "latest_date": MON,
        "time_windows": [iv("09:00", "12:00")]}, now=DEFAULT_NOW)
    assert (intake["status"], intake["offer_start"]) == ("offered", "2026-03-02T14:00:00Z")


def test_versions_with_alternating_weeks_and_service_ids(st):
    body = {"versions": [
        {"effective_until": "2026-03-08",
         "weekly": week(mon=[iv("09:00", "11:00", [st.consult])])},
        {"effective_from": "2026-03-09", "anchor_date": "2026-03-09", "weeks": [
            week(mon=[iv("09:00", "11:00", [st.intake])]),
            week(mon=[iv("09:00", "11:00", [st.consult]), iv("13:00", "14:00")])]}]}
    got = st.t.ok("PUT", f"/v1/providers/{st.pid}/schedule", body, now=DEFAULT_NOW)
    assert got["versions"][1]["weeks"] == body["versions"][1]["weeks"]
    assert schedule_of(st.t, st.pid)["versions"] == got["versions"]
    assert starts(st.t, st.consult, MON) == ["09:00", "10:00"]
    assert starts(st.t, st.intake, MON) == []
    assert starts(st.t, st.consult, "2026-03-09") == []
    assert starts(st.t, st.intake, "2026-03-09") == ["09:00"]
    assert starts(st.t, st.consult, "2026-03-16") == ["09:00", "10:00", "13:00"]
    assert starts(st.t, st.intake, "2026-03-16") == []


def test_analytics_available_minutes_count_reserved_intervals(st):
    a = st.t.ok("GET", "/v1/analytics", params={"from": MON, "to": MON, "timezone": NY,
                                                "provider_id": st.pid})
    assert a["totals"]["available_minutes"] == 300


def test_most_intervals_and_service_ids_a_body_holds_round_trip(st):
    ids = [st.intake, st.consult] + [st.t.service([st.pid], f"S{i}", 30)["id"]
                                     for i in range(18)]
    day = [iv(f"{h:02d}:00", f"{h:02d}:30", ids) for h in range(8, 20)]
    weekly = week(mon=day, tue=day, wed=day[:6])
    got = st.t.schedule(st.pid, weekly)
    assert got["weekly"] == weekly
    assert schedule_of(st.t, st.pid)["weekly"] == weekly
    assert starts(st.t, st.consult, MON) == []   # 60 minutes fit in no 30-minute interval
    assert len(starts(st.t, ids[5], MON)) == 12
