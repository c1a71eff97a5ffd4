"""/v1/business-hours (docs/api.md, "Business hours"): the tenant's opening hours cut every
provider's open time (in the business zone) unless the provider is exempt; business overrides
open or close dates; a holiday for all providers closes the business. Each test runs on a
tenant of its own, since business hours are tenant-wide."""
import re

import pytest

import pg_helpers
from conftest import (DEFAULT_NOW, Api, create_tenant, expect_problem, pg_processes,
                      weekdays)

NY = "America/New_York"
MON, TUE, WED, SAT = "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-07"
DAYS = ("mon", "tue", "wed", "thu", "fri")
ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def ny(day, hm):
    return f"{day}T{hm}:00-05:00"


def hours_of(starts):
    """The local HH:MM of each start (all in New York's winter offset)."""
    return [s[11:16] for s in starts]


def codes(x):
    return [r["code"] for r in x["reasons"]]


class World:
    """A tenant with two providers working 08:00-18:00 every day but Sunday, and a one-hour
    service both offer."""

    def __init__(self, t):
        self.t = t
        self.p1 = t.provider("Ada", NY)["id"]
        self.p2 = t.provider("Bo", NY)["id"]
        for p in (self.p1, self.p2):
            t.schedule(p, weekdays([("08:00", "18:00")], ALL_WEEK[:6]))
        self.sid = t.service([self.p1, self.p2], "Session", 60)["id"]

    def starts(self, pid, day):
        return hours_of(self.t.starts(self.sid, pid, day, day))

    def put(self, body, **kw):
        return self.t.put("/v1/business-hours", body, now=DEFAULT_NOW, **kw)

    def get(self, t=None):
        return (t or self.t).ok("GET", "/v1/business-hours", now=DEFAULT_NOW)


@pytest.fixture
def w(new_api):
    return World(new_api)


NINE_TO_FIVE = {"timezone": NY, "weekly": weekdays([("09:00", "17:00")], DAYS)}
PROVIDER_DAY = [f"{h:02d}:00" for h in range(8, 18)]
BUSINESS_DAY = [f"{h:02d}:00" for h in range(9, 17)]


def staff_key(t, provider_ids=None, role="staff"):
    body = {"name": "desk", "role": role}
    if provider_ids is not None:
        body["provider_ids"] = provider_ids
    return Api(t.base, t.ok("POST", "/v1/keys", body)["secret"], t.slug)


def event_types(t, after=0):
    out = []
    while True:
        pg = t.ok("GET", "/v1/events", params={"after": after, "limit": 200})
        out += pg["data"]
        if pg["next_after"] is None:
            return out
        after = pg["next_after"]


# --- reading and writing ---------------------------------------------------------------------

def test_unset_reads_as_no_restriction(w):
    assert w.get() == {"timezone": None, "weekly": None, "effective_from": None,
                       "effective_until": None, "versions": [], "exempt_provider_ids": [],
                       "updated_at": None}
    assert w.starts(w.p1, MON) == PROVIDER_DAY


def test_put_reads_back_like_a_schedule(w):
    r = w.put(dict(NINE_TO_FIVE, exempt_provider_ids=[w.p2]))
    assert r.status_code == 200, r.text
    got = r.json()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", got.pop("updated_at"))
    version = {"weekly": NINE_TO_FIVE["weekly"], "effective_from": None,
               "effective_until": None}
    assert got == dict(version, timezone=NY, versions=[version], exempt_provider_ids=[w.p2])
    assert {k: v for k, v in w.get().items() if k != "updated_at"} == got


def test_business_hours_cut_a_providers_day(w):
    assert w.starts(w.p1, MON) == PROVIDER_DAY
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    assert w.starts(w.p1, MON) == BUSINESS_DAY
    # Saturday: the provider works, the business is closed.
    assert w.starts(w.p1, SAT) == []
    # Slots of every provider (no provider_id) are cut alike.
    both = w.t.slots(w.sid, None, MON, MON)
    assert sorted({s["start"][11:16] for s in both}) == BUSINESS_DAY
    # A booking outside business hours is refused with the reason.
    r = w.t.post("/v1/bookings", {"service_id": w.sid, "provider_id": w.p1,
                                  "start": ny(MON, "08:00"),
                                  "customer": {"name": "Ann", "email": "ann@example.com"}},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": "outside-business-hours"})
    p = expect_problem(r, 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["outside_business_hours"]


def test_business_hours_are_read_in_the_business_zone(w):
    # 14:00-22:00 in London is 09:00-17:00 in New York in early March (both on winter time).
    w.t.ok("PUT", "/v1/business-hours",
           {"timezone": "Europe/London", "weekly": weekdays([("14:00", "22:00")], DAYS)},
           now=DEFAULT_NOW)
    assert w.starts(w.p1, MON) == BUSINESS_DAY
    # 2026-03-09: New York is on summer time (UTC-4), London not yet: 10:00-18:00 local,
    # and the provider stops at 18:00.
    assert hours_of(w.t.starts(w.sid, w.p1, "2026-03-09", "2026-03-09")) == \
        [f"{h:02d}:00" for h in range(10, 18)]


def test_business_zone_across_daylight_saving_changes(w):
    """Business in Berlin 09:00-18:00, provider in New York 03:00-18:00, 90-minute sessions
    on a 90-minute grid: the whole session must lie inside both, whatever each zone's offset
    that week."""
    t = w.t
    t.schedule(w.p1, weekdays([("03:00", "18:00")], DAYS))
    sid = t.service([w.p1], "Long", 90)["id"]
    w.put({"timezone": "Europe/Berlin", "weekly": weekdays([("09:00", "18:00")], DAYS)})
    winter = ["03:00", "04:30", "06:00", "07:30", "09:00", "10:30"]
    assert hours_of(t.starts(sid, w.p1, MON, MON)) == winter
    # 2026-03-09: New York on summer time, Berlin not yet: Berlin 09:00-18:00 is 04:00-13:00
    # there; 03:00 starts too early, 12:00 runs past closing.
    assert hours_of(t.starts(sid, w.p1, "2026-03-09", "2026-03-09")) == winter[1:]
    assert hours_of(t.starts(sid, w.p1, "2026-03-30", "2026-03-30")) == winter
    late = "2026-03-09T12:00:00-04:00"
    for start in ("2026-03-09T03:00:00-04:00", late):
        assert codes(t.explain(sid, w.p1, start)) == ["outside_business_hours"]
    for pid in (w.p1, None):
        body = {"service_id": sid, "start": late,
                "customer": {"name": "Ann", "email": "ann@example.com"}}
        if pid:
            body["provider_id"] = pid
        r = t.post("/v1/bookings", body, now=DEFAULT_NOW,
                   headers={"Idempotency-Key": f"straddle-{pid}"})
        assert codes(expect_problem(r, 422, "slot_unavailable")) == ["outside_business_hours"]
    r = t.post("/v1/holds", {"service_id": sid, "provider_id": w.p1, "start": late},
               now=DEFAULT_NOW)
    assert codes(expect_problem(r, 422, "slot_unavailable")) == ["outside_business_hours"]
    b = t.ok("POST", "/v1/bookings",
             {"service_id": sid, "provider_id": w.p1, "start": "2026-03-09T09:00:00-04:00",
              "customer": {"name": "Ann", "email": "ann@example.com"}},
             now=DEFAULT_NOW, headers={"Idempotency-Key": "straddle-ok"})
    r = t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": late}, now=DEFAULT_NOW)
    assert codes(expect_problem(r, 422, "slot_unavailable")) == ["outside_business_hours"]
    assert t.ok("GET", f"/v1/bookings/{b['id']}")["start"] == "2026-03-09T09:00:00-04:00"


def test_business_hours_run_on_past_midnight(w):
    """Business hours ending at 24:00 and going on at 00:00 the next day are one stretch."""
    t = w.t
    p = t.provider("Night", "Europe/Berlin")["id"]
    nights = {d: [] for d in ALL_WEEK}
    nights["mon"] = [{"start": "20:00", "end": "24:00"}]
    nights["tue"] = [{"start": "00:00", "end": "03:00"}]
    t.schedule(p, nights)
    sid = t.service([p], "Two hours", 120, slot_step_minutes=60)["id"]
    business = dict(nights, tue=[{"start": "00:00", "end": "02:00"}])
    w.put({"timezone": "Europe/Berlin", "weekly": business})
    got = t.starts(sid, p, MON, TUE, timezone="Europe/Berlin")
    assert hours_of(got) == ["20:00", "21:00", "22:00", "23:00", "00:00"]
    assert t.explain(sid, p, "2026-03-02T23:00:00+01:00")["bookable"] is True
    assert codes(t.explain(sid, p, "2026-03-03T01:00:00+01:00")) == ["outside_business_hours"]


def test_explain_names_outside_business_hours(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    x = w.t.explain(w.sid, w.p1, ny(MON, "08:00"))
    assert x["bookable"] is False
    assert codes(x) == ["outside_business_hours"]
    # Runs past closing time.
    assert codes(w.t.explain(w.sid, w.p1, ny(MON, "16:30"))) != []
    assert "outside_business_hours" in codes(w.t.explain(w.sid, w.p1, ny(MON, "16:30")))
    # Outside the provider's own hours: that reason, not the business's.
    assert codes(w.t.explain(w.sid, w.p1, ny(MON, "19:00"))) == ["outside_hours"]
    assert w.t.explain(w.sid, w.p1, ny(MON, "10:00"))["bookable"] is True


def test_exempt_provider_is_unaffected(w):
    w.t.ok("PUT", "/v1/business-hours", dict(NINE_TO_FIVE, exempt_provider_ids=[w.p2]),
           now=DEFAULT_NOW)
    assert w.starts(w.p1, MON) == BUSINESS_DAY
    assert w.starts(w.p2, MON) == PROVIDER_DAY
    assert w.starts(w.p2, SAT) == PROVIDER_DAY
    assert w.t.explain(w.sid, w.p2, ny(MON, "08:00"))["bookable"] is True


def test_delete_lifts_the_restriction(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    assert w.t.delete("/v1/business-hours").status_code == 204
    assert w.get()["timezone"] is None
    assert w.starts(w.p1, MON) == PROVIDER_DAY
    expect_problem(w.t.delete("/v1/business-hours"), 404)


def test_versions(w):
    early = {"weekly": weekdays([("09:00", "17:00")], DAYS), "effective_until": "2026-03-08"}
    late = {"weekly": weekdays([("12:00", "17:00")], DAYS), "effective_from": "2026-03-09"}
    got = w.t.ok("PUT", "/v1/business-hours", {"timezone": NY, "versions": [late, early]},
                 now=DEFAULT_NOW)
    assert [v["effective_from"] for v in got["versions"]] == [None, "2026-03-09"]
    # Today (DEFAULT_NOW) is in the first version.
    assert got["weekly"] == early["weekly"] and got["effective_until"] == "2026-03-08"
    assert w.starts(w.p1, MON) == BUSINESS_DAY
    assert hours_of(w.t.starts(w.sid, w.p1, "2026-03-10", "2026-03-10")) == \
        ["12:00", "13:00", "14:00", "15:00", "16:00"]
    # Alternating weeks, as for a provider: week 1 (of 2026-03-02) open, week 2 closed.
    got = w.t.ok("PUT", "/v1/business-hours",
                 {"timezone": NY, "weeks": [weekdays([("09:00", "17:00")], DAYS),
                                            weekdays([], DAYS)],
                  "anchor_date": MON}, now=DEFAULT_NOW)
    assert got["anchor_date"] == MON and len(got["weeks"]) == 2
    assert w.starts(w.p1, MON) == BUSINESS_DAY
    assert w.starts(w.p1, "2026-03-10") == []


# --- business overrides ----------------------------------------------------------------------

def test_override_closes_a_date(w):
    w.t.ok("PUT", "/v1/business-hours", dict(NINE_TO_FIVE, exempt_provider_ids=[w.p2]),
           now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE, "note": "stocktaking"})
    assert re.fullmatch(r"bov_[0-9a-z]{20}", o["id"])
    assert "provider_id" not in o
    assert (o["date"], o["closed"], o["intervals"], o["note"]) == (TUE, True, [], "stocktaking")
    assert w.starts(w.p1, TUE) == []
    assert codes(w.t.explain(w.sid, w.p1, ny(TUE, "10:00"))) == ["outside_business_hours"]
    assert w.starts(w.p2, TUE) == PROVIDER_DAY  # exempt
    assert w.starts(w.p1, WED) == BUSINESS_DAY
    assert w.t.ok("GET", f"/v1/business-hours/overrides/{o['id']}") == o
    assert w.t.ok("GET", "/v1/business-hours/overrides")["data"] == [o]
    assert w.t.delete(f"/v1/business-hours/overrides/{o['id']}").status_code == 204
    assert w.starts(w.p1, TUE) == BUSINESS_DAY
    expect_problem(w.t.get(f"/v1/business-hours/overrides/{o['id']}"), 404)
    expect_problem(w.t.delete(f"/v1/business-hours/overrides/{o['id']}"), 404)


def test_override_opens_a_date(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    assert w.starts(w.p1, SAT) == []
    o = w.t.ok("POST", "/v1/business-hours/overrides",
               {"date": SAT, "intervals": [{"start": "10:00", "end": "12:00"}]})
    assert o["closed"] is False
    assert w.starts(w.p1, SAT) == ["10:00", "11:00"]
    # Recurring: every Saturday from the 7th, 13:00-15:00 (the dated one is narrower).
    w.t.ok("POST", "/v1/business-hours/overrides",
           {"date": SAT, "rrule": "FREQ=WEEKLY", "intervals": [{"start": "13:00",
                                                                  "end": "15:00"}]})
    assert w.starts(w.p1, "2026-03-14") == ["13:00", "14:00"]


def test_override_range_and_list_filters(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"from": MON, "to": WED})
    assert (o["date"], o["from"], o["to"]) == (None, MON, WED)
    for d in (MON, TUE, WED):
        assert w.starts(w.p1, d) == []
    assert w.starts(w.p1, "2026-03-05") == BUSINESS_DAY
    listed = w.t.ok("GET", "/v1/business-hours/overrides", params={"from": "2026-03-05"})
    assert listed["data"] == []
    listed = w.t.ok("GET", "/v1/business-hours/overrides", params={"from": TUE, "to": TUE})
    assert [x["id"] for x in listed["data"]] == [o["id"]]


def test_override_patch(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE, "note": "closed"})
    p = w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}",
               {"intervals": [{"start": "09:00", "end": "11:00"}]})
    assert (p["date"], p["closed"], p["note"], p["created_at"]) == \
        (TUE, False, "closed", o["created_at"])
    assert w.starts(w.p1, TUE) == ["09:00", "10:00"]
    # A single date becomes a range when "to" is sent.
    p = w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}", {"to": "2026-03-05"})
    assert (p["from"], p["to"], p["date"]) == (TUE, "2026-03-05", None)
    assert w.starts(w.p1, WED) == ["09:00", "10:00"]
    p = w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}",
               {"date": SAT, "intervals": None, "note": None})
    assert (p["date"], p["from"], p["to"], p["closed"], p["note"]) == (SAT, SAT, SAT, True, None)
    assert w.starts(w.p1, TUE) == BUSINESS_DAY
    assert w.t.ok("GET", f"/v1/business-hours/overrides/{o['id']}") == p
    expect_problem(w.t.patch("/v1/business-hours/overrides/bov_00000000000000000000",
                             {"note": "x"}), 404)


def test_override_patch_that_changes_nothing_writes_nothing(w):
    # As for a provider's override: no event, the same updated_at.
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE, "note": "stocktaking"},
               now=DEFAULT_NOW)
    for body in ({"note": "stocktaking"}, {"date": TUE, "intervals": []}, {}):
        p = w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}", body,
                   now="2026-02-01T00:00:00Z")
        assert p == o
    assert w.t.ok("GET", f"/v1/business-hours/overrides/{o['id']}") == o
    assert "business_override.updated" not in [e["type"] for e in event_types(w.t)]


# --- holidays --------------------------------------------------------------------------------

def test_tenant_wide_holiday_closes_the_business(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    # The provider's own custom hours outweigh the holiday for the provider ...
    w.t.ok("POST", f"/v1/providers/{w.p1}/overrides",
           {"date": WED, "intervals": [{"start": "08:00", "end": "18:00"}]})
    w.t.ok("POST", "/v1/holidays", {"name": "Founders' Day", "date": WED})
    # ... but the business is closed that day.
    assert w.starts(w.p1, WED) == []
    assert codes(w.t.explain(w.sid, w.p1, ny(WED, "10:00"))) == ["outside_business_hours"]
    # Business custom hours on the date outweigh the holiday for the business.
    w.t.ok("POST", "/v1/business-hours/overrides",
           {"date": WED, "intervals": [{"start": "10:00", "end": "12:00"}]})
    assert w.starts(w.p1, WED) == ["10:00", "11:00"]


def test_a_holiday_is_named_before_the_business_hours(w):
    w.put(NINE_TO_FIVE)
    w.t.ok("POST", "/v1/holidays", {"name": "Founders' Day", "date": WED})
    w.t.ok("POST", "/v1/holidays", {"name": "Fair", "date": SAT})
    # Outside the business hours and on a holiday: the holiday.
    for start in (ny(WED, "10:00"), ny(WED, "08:00"), ny(SAT, "10:00")):
        assert codes(w.t.explain(w.sid, w.p1, start)) == ["holiday"]
    r = w.t.post("/v1/bookings", {"service_id": w.sid, "provider_id": w.p1,
                                  "start": ny(WED, "08:00"),
                                  "customer": {"name": "Ann", "email": "ann@example.com"}},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": "holiday-first"})
    assert codes(expect_problem(r, 422, "slot_unavailable")) == ["holiday"]


def test_holiday_for_listed_providers_leaves_the_business_open(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    w.t.ok("POST", "/v1/holidays", {"name": "Bo's day", "date": WED, "provider_ids": [w.p2]})
    assert w.starts(w.p1, WED) == BUSINESS_DAY
    assert w.starts(w.p2, WED) == []


# --- analytics -------------------------------------------------------------------------------

def test_available_minutes_are_cut(w):
    def available():
        a = w.t.ok("GET", "/v1/analytics", params={"from": MON, "to": MON, "timezone": NY,
                                                   "provider_id": w.p1},
                   now="2026-12-01T00:00:00Z")
        return a["totals"]["available_minutes"]
    assert available() == 600
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    assert available() == 480


# --- waiting list ----------------------------------------------------------------------------

def test_waitlist_is_offered_only_business_time(w):
    w.put(NINE_TO_FIVE)
    bookings = [w.t.ok("POST", "/v1/bookings",
                       {"service_id": w.sid, "provider_id": w.p1, "start": ny(MON, h),
                        "customer": {"name": "Ann", "email": "ann@example.com"}},
                       now=DEFAULT_NOW, headers={"Idempotency-Key": f"wl-{h}"})
                for h in BUSINESS_DAY]
    assert w.starts(w.p1, MON) == []
    # The provider is free 08:00-09:00 and 17:00-18:00, outside the business hours.
    e = w.t.ok("POST", "/v1/waitlist",
               {"service_id": w.sid, "provider_id": w.p1, "earliest_date": MON,
                "latest_date": MON, "customer": {"name": "W", "email": "w@example.com"}},
               now=DEFAULT_NOW)
    assert e["status"] == "waiting"
    w.t.ok("POST", f"/v1/bookings/{bookings[3]['id']}/cancel", {}, status=200,
           now=DEFAULT_NOW)
    e = w.t.ok("GET", f"/v1/waitlist/{e['id']}", now=DEFAULT_NOW)
    assert (e["status"], e["offer_start"]) == ("offered", "2026-03-02T17:00:00Z")


# --- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("body,pointer", [
    ({"weekly": NINE_TO_FIVE["weekly"]}, "/timezone"),
    (dict(NINE_TO_FIVE, timezone="Mars/Olympus"), "/timezone"),
    (dict(NINE_TO_FIVE, exempt_provider_ids=["prv_00000000000000000000"]),
     "/exempt_provider_ids/0"),
    (dict(NINE_TO_FIVE, exempt_provider_ids="all"), "/exempt_provider_ids"),
    (dict(NINE_TO_FIVE, colour="blue"), "/colour"),
    ({"timezone": NY}, "/weekly"),
    ({"timezone": NY, "weekly": {"mon": [{"start": "17:00", "end": "09:00"}]}},
     "/weekly/mon/0"),
    ({"timezone": NY, "weekly": {"mon": [{"start": "09:00", "end": "17:00",
                                          "service_ids": ["svc_00000000000000000000"]}]}},
     "/weekly/mon/0"),
    ({"timezone": NY, "versions": [{"weekly": NINE_TO_FIVE["weekly"]},
                                   {"weekly": NINE_TO_FIVE["weekly"],
                                    "effective_from": "2026-04-01"}]}, "/versions"),
])
def test_put_validation_leaves_data_unchanged(w, body, pointer):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    before = w.get()
    expect_problem(w.put(body), 422, "validation_failed", pointer)
    assert w.get() == before
    assert w.starts(w.p1, MON) == BUSINESS_DAY


@pytest.mark.parametrize("body,pointer", [
    ({}, "/date"),
    ({"date": "2026-02-30"}, "/date"),
    ({"date": TUE, "from": TUE, "to": WED}, "/date"),
    ({"from": WED, "to": TUE}, "/to"),
    ({"date": TUE, "intervals": [{"start": "12:00", "end": "11:00"}]}, "/intervals/0"),
    ({"date": TUE, "rrule": "FREQ=SOMETIMES"}, "/rrule"),
    ({"date": TUE, "provider_id": "prv_00000000000000000000"}, "/provider_id"),
])
def test_override_validation(w, body, pointer):
    expect_problem(w.t.post("/v1/business-hours/overrides", body), 422, "validation_failed",
                   pointer)
    assert w.t.ok("GET", "/v1/business-hours/overrides")["data"] == []


def test_override_patch_validation_leaves_it_unchanged(w):
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE})
    for body, pointer in [({"to": MON}, "/to"), ({"intervals": "9-5"}, "/intervals"),
                          ({"colour": "red"}, "/colour"), ({"rrule": "FREQ=NEVER"}, "/rrule")]:
        expect_problem(w.t.patch(f"/v1/business-hours/overrides/{o['id']}", body), 422,
                       "validation_failed", pointer)
    assert w.t.ok("GET", f"/v1/business-hours/overrides/{o['id']}") == o


# --- who may ---------------------------------------------------------------------------------

def test_staff_and_customer_access(w):
    w.t.ok("PUT", "/v1/business-hours", dict(NINE_TO_FIVE, exempt_provider_ids=[w.p1, w.p2]),
           now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE})
    staff = staff_key(w.t)
    assert w.get(staff)["exempt_provider_ids"] == sorted([w.p1, w.p2])
    assert staff.ok("GET", "/v1/business-hours/overrides")["data"] == [o]
    assert staff.ok("GET", f"/v1/business-hours/overrides/{o['id']}") == o
    # A key limited to one provider sees only that one among the exempt.
    scoped = staff_key(w.t, [w.p1])
    assert w.get(scoped)["exempt_provider_ids"] == [w.p1]
    for k in (staff, scoped):
        expect_problem(k.put("/v1/business-hours", NINE_TO_FIVE), 403)
        expect_problem(k.delete("/v1/business-hours"), 403)
        expect_problem(k.post("/v1/business-hours/overrides", {"date": WED}), 403)
        expect_problem(k.patch(f"/v1/business-hours/overrides/{o['id']}", {"note": "x"}), 403)
        expect_problem(k.delete(f"/v1/business-hours/overrides/{o['id']}"), 403)
    customer = staff_key(w.t, role="customer")
    expect_problem(customer.get("/v1/business-hours"), 403)
    expect_problem(customer.get("/v1/business-hours/overrides"), 403)
    expect_problem(customer.put("/v1/business-hours", NINE_TO_FIVE), 403)
    # Nothing changed.
    assert w.t.ok("GET", "/v1/business-hours/overrides")["data"] == [o]
    assert w.get()["exempt_provider_ids"] == sorted([w.p1, w.p2])


def test_a_deleted_or_foreign_provider_is_not_exempt(w, api_b):
    w.put(dict(NINE_TO_FIVE, exempt_provider_ids=[w.p1, w.p2]))
    assert w.t.delete(f"/v1/providers/{w.p2}").status_code == 204
    assert w.get()["exempt_provider_ids"] == [w.p1]
    foreign = api_b.provider("Elsewhere", NY)["id"]
    for ids in ([w.p2], [w.p1, foreign]):
        expect_problem(w.put(dict(NINE_TO_FIVE, exempt_provider_ids=ids)), 422,
                       "validation_failed", f"/exempt_provider_ids/{len(ids) - 1}")
    assert w.get()["exempt_provider_ids"] == [w.p1]


def test_other_tenant_sees_nothing(w, api_b):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE})
    expect_problem(api_b.get(f"/v1/business-hours/overrides/{o['id']}"), 404)
    expect_problem(api_b.delete(f"/v1/business-hours/overrides/{o['id']}"), 404)
    assert api_b.ok("GET", "/v1/business-hours")["timezone"] is None


# --- events ----------------------------------------------------------------------------------

def test_events(w):
    w.t.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
    w.t.ok("PUT", "/v1/business-hours", dict(NINE_TO_FIVE, exempt_provider_ids=[w.p2]),
           now=DEFAULT_NOW)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE})
    w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}", {"note": "inventory"})
    w.t.ok("DELETE", f"/v1/business-hours/overrides/{o['id']}")
    w.t.ok("DELETE", "/v1/business-hours")
    ev = [e for e in event_types(w.t) if e["type"].startswith("business")]
    assert [e["type"] for e in ev] == [
        "business_hours.updated", "business_hours.updated", "business_override.created",
        "business_override.updated", "business_override.deleted", "business_hours.deleted"]
    assert ev[1]["payload"]["exempt_provider_ids"] == [w.p2]
    assert ev[1]["changes"] is not None
    assert [e["subject_id"] for e in ev[2:5]] == [o["id"]] * 3
    assert ev[3]["payload"]["note"] == "inventory"
    assert ev[5]["payload"]["timezone"] == NY


# --- several processes -----------------------------------------------------------------------

@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_every_process_reads_the_hours_fresh(slotd_bin, tmp_path_factory):
    """Business hours are read per request: a change through one process shows at once in
    another's slots."""
    with pg_processes(slotd_bin, tmp_path_factory, 2) as (url, servers):
        key = create_tenant(slotd_bin, url, "business-pg")
        one, two = (Api(s.base, key) for s in servers)
        pid = one.provider("Ada", NY)["id"]
        one.schedule(pid, weekdays([("08:00", "18:00")], ALL_WEEK))
        sid = one.service([pid], "Session", 60)["id"]

        def starts():
            return hours_of(two.starts(sid, pid, MON, MON))
        assert starts() == PROVIDER_DAY
        one.ok("PUT", "/v1/business-hours", NINE_TO_FIVE, now=DEFAULT_NOW)
        assert starts() == BUSINESS_DAY
        one.ok("POST", "/v1/business-hours/overrides", {"date": MON})
        assert starts() == []
        one.ok("DELETE", "/v1/business-hours")
        assert starts() == PROVIDER_DAY
