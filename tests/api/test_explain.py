"""GET /v1/slots/explain: why a start is (not) bookable, and agreement with /v1/slots."""
import datetime as dt

import pytest

from conftest import DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
MON = "2026-03-02"


@pytest.fixture
def world(server):
    """A fresh tenant (holidays are tenant-wide) with a New York provider, 09:00-12:00 on
    weekdays, and a 60-minute service."""
    t = server.tenant()
    p = t.provider("Explained", NY)
    t.schedule(p["id"], weekdays([("09:00", "12:00")]))
    s = t.service([p["id"]])
    return t, p["id"], s["id"]


def codes(x):
    return [r["code"] for r in x["reasons"]]


def test_bookable_slot_exact(world):
    t, pid, sid = world
    assert t.explain(sid, pid, "2026-03-02T10:00:00-05:00") == {
        "start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00",
        "provider_id": pid, "service_id": sid, "bookable": True, "reasons": []}


def test_start_is_rendered_in_the_provider_zone(world):
    t, pid, sid = world
    x = t.explain(sid, pid, "2026-03-02T15:00:00Z")
    assert (x["start"], x["end"], x["bookable"]) == \
        ("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00", True)
    x = t.explain(sid, pid, "2026-03-02T16:00:00+01:00")
    assert x["start"] == "2026-03-02T10:00:00-05:00" and x["bookable"] is True


def test_timezone_parameter_renders_in_that_zone(world):
    t, pid, sid = world
    x = t.ok("GET", "/v1/slots/explain", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "start": "2026-03-02T10:00:00-05:00",
        "timezone": "Europe/Berlin"})
    assert (x["start"], x["end"], x["bookable"]) == \
        ("2026-03-02T16:00:00+01:00", "2026-03-02T17:00:00+01:00", True)
    sid2 = t.service([pid], min_notice_minutes=120)["id"]
    x = t.ok("GET", "/v1/slots/explain", now="2026-03-02T14:00:00Z", params={
        "service_id": sid2, "provider_id": pid, "start": "2026-03-02T10:00:00-05:00",
        "timezone": "UTC"})
    assert x["reasons"] == [{"code": "min_notice", "earliest_start": "2026-03-02T16:00:00Z"}]
    expect_problem(t.get("/v1/slots/explain", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "start": "2026-03-02T10:00:00-05:00",
        "timezone": "Nowhere/Land"}), 422, pointer="timezone")


def test_outside_hours(world):
    t, pid, sid = world
    for start in ("2026-03-02T13:00:00-05:00",   # after hours
                  "2026-03-02T08:00:00-05:00",   # before hours
                  "2026-03-02T11:30:00-05:00",   # would end after 12:00
                  "2026-03-07T10:00:00-05:00"):  # Saturday
        x = t.explain(sid, pid, start)
        assert x["bookable"] is False, start
        assert x["reasons"] == [{"code": "outside_hours"}], (start, x)


def test_override_closed(world):
    t, pid, sid = world
    t.ok("POST", f"/v1/providers/{pid}/overrides", {"date": MON})
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00")
    assert x["bookable"] is False
    assert x["reasons"] == [{"code": "override_closed"}]


def test_range_override_closed(world):
    t, pid, sid = world
    t.ok("POST", f"/v1/providers/{pid}/overrides", {"from": "2026-03-01", "to": "2026-03-15"})
    x = t.explain(sid, pid, "2026-03-04T10:00:00-05:00")
    assert (x["bookable"], x["reasons"]) == (False, [{"code": "override_closed"}])


def test_custom_hours_override_moves_the_hours(world):
    t, pid, sid = world
    t.ok("POST", f"/v1/providers/{pid}/overrides",
         {"date": MON, "intervals": [{"start": "14:00", "end": "16:00"}]})
    assert t.explain(sid, pid, "2026-03-02T14:00:00-05:00")["bookable"] is True
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00")
    assert (x["bookable"], codes(x)) == (False, ["outside_hours"])


def test_holiday_names_the_holiday(world):
    t, pid, sid = world
    t.ok("POST", "/v1/holidays", {"name": "Founders Day", "date": MON})
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00")
    assert x["bookable"] is False
    assert x["reasons"] == [{"code": "holiday", "holiday": "Founders Day"}]


def test_yearly_holiday_names_the_holiday(world):
    t, pid, sid = world
    t.ok("POST", "/v1/holidays", {"name": "Anniversary", "date": "2020-03-02",
                                  "recurring": "yearly"})
    x = t.explain(sid, pid, "2026-03-02T09:00:00-05:00")
    assert x["reasons"] == [{"code": "holiday", "holiday": "Anniversary"}]


def test_custom_hours_beat_holiday_in_explain(world):
    t, pid, sid = world
    t.ok("POST", "/v1/holidays", {"name": "H", "date": MON})
    t.ok("POST", f"/v1/providers/{pid}/overrides",
         {"date": MON, "intervals": [{"start": "10:00", "end": "11:00"}]})
    assert t.explain(sid, pid, "2026-03-02T10:00:00-05:00")["bookable"] is True
    x = t.explain(sid, pid, "2026-03-02T09:00:00-05:00")
    assert (x["bookable"], codes(x)) == (False, ["outside_hours"])


def test_vacation(world):
    t, pid, sid = world
    t.ok("PATCH", f"/v1/providers/{pid}", {"settings": {"vacation": True}})
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00")
    assert (x["bookable"], x["reasons"]) == (False, [{"code": "vacation"}])


def test_time_off(world):
    t, pid, sid = world
    t.ok("POST", f"/v1/providers/{pid}/time-off",
         {"start": "2026-03-02T10:15:00-05:00", "end": "2026-03-02T10:30:00-05:00"})
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00")
    assert (x["bookable"], x["reasons"]) == (False, [{"code": "time_off"}])
    assert t.explain(sid, pid, "2026-03-02T09:00:00-05:00")["bookable"] is True
    assert t.explain(sid, pid, "2026-03-02T11:00:00-05:00")["bookable"] is True


def test_not_on_grid(world):
    t, pid, sid = world
    x = t.explain(sid, pid, "2026-03-02T10:05:00-05:00")
    assert x == {"start": "2026-03-02T10:05:00-05:00", "end": "2026-03-02T11:05:00-05:00",
                 "provider_id": pid, "service_id": sid, "bookable": False,
                 "reasons": [{"code": "not_on_grid"}]}
    x = t.explain(sid, pid, "2026-03-02T10:00:30-05:00")
    assert codes(x) == ["not_on_grid"]


def test_min_notice(world):
    t, pid, sid = world
    sid = t.service([pid], duration_minutes=60, min_notice_minutes=120)["id"]
    x = t.explain(sid, pid, "2026-03-02T10:00:00-05:00", now="2026-03-02T14:00:00Z")
    assert x["bookable"] is False
    assert x["reasons"] == [{"code": "min_notice", "earliest_start": "2026-03-02T11:00:00-05:00"}]
    x = t.explain(sid, pid, "2026-03-02T11:00:00-05:00", now="2026-03-02T14:00:00Z")
    assert (x["bookable"], x["reasons"]) == (True, [])


def test_start_in_the_past_is_min_notice(world):
    t, pid, sid = world
    x = t.explain(sid, pid, "2026-03-02T09:00:00-05:00", now="2026-03-02T14:30:00Z")
    assert x["bookable"] is False
    assert codes(x) == ["min_notice"]


def test_max_advance(world):
    t, pid, sid = world
    sid = t.service([pid], duration_minutes=60, max_advance_days=7)["id"]
    now = "2026-03-02T14:00:00Z"
    x = t.explain(sid, pid, "2026-03-09T11:00:00-04:00", now=now)
    assert x["bookable"] is False
    assert x["reasons"] == [{"code": "max_advance",
                             "latest_start": "2026-03-09T10:00:00-04:00"}]
    assert t.explain(sid, pid, "2026-03-09T10:00:00-04:00", now=now)["bookable"] is True


def test_several_reasons_at_once(world):
    t, pid, sid = world
    sid = t.service([pid], duration_minutes=60, min_notice_minutes=60 * 24 * 30)["id"]
    t.ok("POST", "/v1/holidays", {"name": "Both", "date": MON})
    x = t.explain(sid, pid, "2026-03-02T10:05:00-05:00", now="2026-03-01T00:00:00Z")
    assert x["bookable"] is False
    assert set(codes(x)) == {"holiday", "not_on_grid", "min_notice"}


def test_dst_doubled_hour_both_bookable(world):
    t, pid, _ = world
    t.schedule(pid, {"sun": [{"start": "00:00", "end": "04:00"}]})
    sid = t.service([pid])["id"]
    first = t.explain(sid, pid, "2026-11-01T05:00:00Z")
    second = t.explain(sid, pid, "2026-11-01T06:00:00Z")
    assert (first["start"], first["end"], first["bookable"]) == \
        ("2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", True)
    assert (second["start"], second["end"], second["bookable"]) == \
        ("2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00", True)
    # In spring, 03:00 EDT follows 01:00 EST; 03:00 is on the local grid.
    x = t.explain(sid, pid, "2026-03-08T03:00:00-04:00")
    assert (x["start"], x["bookable"]) == ("2026-03-08T03:00:00-04:00", True)
    x = t.explain(sid, pid, "2026-03-08T01:00:00-05:00")
    assert (x["end"], x["bookable"]) == ("2026-03-08T03:00:00-04:00", True)


# --- consistency with /v1/slots ---------------------------------------------------------------

def _shift(instant, minutes):
    return (dt.datetime.fromisoformat(instant) + dt.timedelta(minutes=minutes)).isoformat()


@pytest.mark.parametrize("service", [
    {"duration_minutes": 60},
    {"duration_minutes": 45, "slot_step_minutes": 20},
    {"duration_minutes": 30, "slot_step_minutes": 15, "buffer_before_minutes": 10,
     "buffer_after_minutes": 10},
    {"duration_minutes": 25, "min_notice_minutes": 90},
])
def test_every_listed_slot_explains_bookable_and_off_grid_explains_not_on_grid(world, service):
    t, pid, _ = world
    t.schedule(pid, weekdays([("09:00", "12:00"), ("13:00", "17:30")]))
    t.ok("POST", f"/v1/providers/{pid}/time-off",
         {"start": "2026-03-02T14:10:00-05:00", "end": "2026-03-02T14:50:00-05:00"})
    sid = t.service([pid], **service)["id"]
    now = "2026-03-02T14:00:00Z"  # 09:00 EST
    slots = t.slots(sid, pid, MON, now=now)
    assert len(slots) >= 5
    for s in slots:
        x = t.explain(sid, pid, s["start"], now=now)
        assert (x["start"], x["end"], x["bookable"], x["reasons"]) == \
            (s["start"], s["end"], True, []), s
    # 5 minutes later than a listed start lies inside the hours but off the grid (the
    # last slot of each interval is skipped: +5 min may run past the interval's end).
    for s, nxt in zip(slots, slots[1:]):
        if (dt.datetime.fromisoformat(nxt["start"]) -
                dt.datetime.fromisoformat(s["start"])).total_seconds() > 3600:
            continue
        off = _shift(s["start"], 5)
        x = t.explain(sid, pid, off, now=now)
        assert x["bookable"] is False, off
        assert "not_on_grid" in codes(x), (off, x)
        assert "outside_hours" not in codes(x), (off, x)


def test_unlisted_grid_points_explain_not_bookable(world):
    """Every grid start of the day that /v1/slots leaves out explains as not bookable."""
    t, pid, _ = world
    t.ok("POST", f"/v1/providers/{pid}/time-off",
         {"start": "2026-03-02T10:30:00-05:00", "end": "2026-03-02T10:40:00-05:00"})
    sid = t.service([pid], duration_minutes=30, slot_step_minutes=15)["id"]
    listed = {s["start"] for s in t.slots(sid, pid, MON)}
    start = dt.datetime.fromisoformat("2026-03-02T08:00:00-05:00")
    for k in range(4 * 6):
        at = (start + dt.timedelta(minutes=15 * k)).isoformat()
        x = t.explain(sid, pid, at)
        assert x["bookable"] is (at in listed), (at, x)
        if not x["bookable"]:
            assert x["reasons"], (at, x)


# --- parameter errors ------------------------------------------------------------------------

@pytest.mark.parametrize("drop,extra,status,pointer", [
    ("start", {}, 422, "start"),
    ("provider_id", {}, 422, "provider_id"),
    ("service_id", {}, 422, "service_id"),
    (None, {"start": "2026-03-02T10:00:00"}, 422, "start"),
    (None, {"start": "2026-03-02"}, 422, "start"),
    (None, {"start": "yesterday"}, 422, "start"),
    (None, {"service_id": "svc_00000000000000000000"}, 404, None),
    (None, {"provider_id": "prv_00000000000000000000"}, 404, None),
])
def test_bad_parameters(world, drop, extra, status, pointer):
    t, pid, sid = world
    params = {"service_id": sid, "provider_id": pid, "start": "2026-03-02T10:00:00-05:00"}
    if drop:
        del params[drop]
    params.update(extra)
    b = expect_problem(t.get("/v1/slots/explain", params=params, now=DEFAULT_NOW), status)
    if pointer:
        assert any(e["pointer"].lstrip("/") == pointer for e in b["errors"]), b


def test_provider_not_offering_the_service(world):
    t, pid, sid = world
    other = t.provider("Other")
    b = expect_problem(t.get("/v1/slots/explain", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": other["id"], "start": "2026-03-02T10:00:00-05:00"}),
        422)
    assert any(e["pointer"].lstrip("/") == "provider_id" for e in b["errors"]), b
