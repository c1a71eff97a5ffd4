"""Reminders (issue 13): offsets per service and in the tenant policy, planned with the
booking in its transaction, re-planned on reschedule, dropped when it ends, and sent once as
a booking.reminder event; and the test clock (POST /v1/test/clock) that moves the time
background duties and requests without X-Test-Now see."""
import pytest

from conftest import Api, Server, _start, _stop, expect_problem


# --- the test clock ----------------------------------------------------------------------

def test_clock_sets_and_clears(server):
    api = server.tenant()
    r = api.post("/v1/test/clock", {"now": "2031-05-06T07:08:09+02:00"})
    assert r.status_code == 200, r.text
    assert r.json() == {"now": "2031-05-06T05:08:09Z"}
    try:
        # A request without X-Test-Now runs at the clock's time: a key expiring before it
        # is refused.
        key = api.ok("POST", "/v1/keys", {"name": "soon", "role": "admin",
                                         "expires_at": "2031-05-06T06:00:00Z"})
        assert Api(server.base, key["secret"]).get("/v1/policy").status_code == 200
        api.ok("POST", "/v1/test/clock", {"now": "2031-05-06T06:00:00Z"}, status=200)
        assert Api(server.base, key["secret"]).get("/v1/policy").status_code == 401
    finally:
        r = api.post("/v1/test/clock", {"now": None})
    assert r.status_code == 200, r.text
    assert r.json()["now"] < "2031"


def test_clock_validation(server):
    api = server.tenant()
    expect_problem(api.post("/v1/test/clock", {}), 422, pointer="/now")
    expect_problem(api.post("/v1/test/clock", {"now": "tomorrow"}), 422, pointer="/now")
    expect_problem(api.post("/v1/test/clock", {"now": None, "x": 1}), 422, pointer="/x")


def test_clock_is_admin_only(server):
    api = server.tenant()
    staff = api.ok("POST", "/v1/keys", {"name": "s", "role": "staff"})
    r = Api(server.base, staff["secret"]).post("/v1/test/clock", {"now": None})
    expect_problem(r, 403)


def test_clock_starts_at_slotd_test_now(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv", env={"SLOTD_TEST_NOW": "2031-05-06T07:08:09+02:00"})
    try:
        api = srv.tenant()
        # A key made without X-Test-Now is stamped at the clock's time, not the real one.
        key = api.ok("POST", "/v1/keys", {"name": "k", "role": "staff"}, now=None)
        assert key["created_at"] == "2031-05-06T05:08:09Z"
    finally:
        _stop(srv)


def test_clock_route_absent_without_the_test_clock(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv", env={"SLOTD_TEST_CLOCK": "0"})
    try:
        api = srv.tenant()
        r = api.post("/v1/test/clock", {"now": "2031-05-06T07:08:09Z"})
        expect_problem(r, 404, code="not_found")
    finally:
        _stop(srv)


# --- offsets: services and the tenant policy ----------------------------------------------

import time  # noqa: E402

import booking_helpers  # noqa: E402
from booking_helpers import acted, at, booked, consult_tenant  # noqa: E402

MON, TUE = "2026-03-02", "2026-03-03"
START = at(MON, "10:00")          # 15:00Z
NOW = "2026-02-01T00:00:00Z"


@pytest.fixture
def w(server):
    # The planning tests book in early 2026. The module's server runs its worker at the
    # test clock, so pin that to NOW: at the real date these reminders would be due, and the
    # worker drops a reminder whose booking has started, racing the reads below.
    t = consult_tenant(server)
    t.t.ok("POST", "/v1/test/clock", {"now": NOW}, status=200)
    return t


def reminders(t, bid, **kw):
    body = t.ok("GET", f"/v1/bookings/{bid}/reminders", **kw)
    assert body["booking_id"] == bid
    return [(r["offset_minutes"], r["due_at"], r["sent_at"]) for r in body["reminders"]]


def test_service_offsets_round_trip(w):
    s = w.t.service([w.pid], "Massage", 60, reminder_offsets_minutes=[60, 1440, 15])
    assert s["reminder_offsets_minutes"] == [1440, 60, 15]      # largest first
    assert w.t.ok("GET", f"/v1/services/{s['id']}")["reminder_offsets_minutes"] == [1440, 60, 15]
    p = w.t.ok("PATCH", f"/v1/services/{s['id']}", {"reminder_offsets_minutes": []})
    assert p["reminder_offsets_minutes"] == []
    p = w.t.ok("PATCH", f"/v1/services/{s['id']}", {"name": "Massage 2"})
    assert p["reminder_offsets_minutes"] == []                   # untouched by other edits
    p = w.t.ok("PATCH", f"/v1/services/{s['id']}", {"reminder_offsets_minutes": None})
    assert p["reminder_offsets_minutes"] is None                 # the tenant's again
    assert w.t.ok("GET", f"/v1/services/{w.sid}")["reminder_offsets_minutes"] is None
    extremes = w.t.service([w.pid], "Edges", 30, reminder_offsets_minutes=[15, 43200])
    assert extremes["reminder_offsets_minutes"] == [43200, 15]


@pytest.mark.parametrize("value, pointer", [
    ([14], "/reminder_offsets_minutes/0"),
    ([60, 43201], "/reminder_offsets_minutes/1"),
    ([60, "15"], "/reminder_offsets_minutes/1"),
    ([60, 1.5], "/reminder_offsets_minutes/1"),
    ([60, 60], "/reminder_offsets_minutes"),
    ([15, 30, 45, 60, 90, 120], "/reminder_offsets_minutes"),
    (60, "/reminder_offsets_minutes"),
    ({"a": 1}, "/reminder_offsets_minutes"),
])
def test_service_offsets_validation(w, value, pointer):
    r = w.t.post("/v1/services", {"name": "X", "duration_minutes": 30,
                                  "reminder_offsets_minutes": value})
    expect_problem(r, 422, "validation_failed", pointer)
    before = w.t.ok("GET", f"/v1/services/{w.sid}")
    r = w.t.patch(f"/v1/services/{w.sid}", {"reminder_offsets_minutes": value, "name": "Y"})
    expect_problem(r, 422, "validation_failed", pointer)
    assert w.t.ok("GET", f"/v1/services/{w.sid}") == before     # nothing stored


def test_policy_offsets_default_round_trip_and_validation(w):
    assert w.t.ok("GET", "/v1/policy")["reminder_offsets_minutes"] == [1440, 60]
    got = w.t.ok("PUT", "/v1/policy", {"reminder_offsets_minutes": [15, 120],
                                      "max_reschedules": 2})
    assert got["reminder_offsets_minutes"] == [120, 15] and got["max_reschedules"] == 2
    assert w.t.ok("GET", "/v1/policy")["reminder_offsets_minutes"] == [120, 15]
    assert w.t.ok("PUT", "/v1/policy", {"reminder_offsets_minutes": []})[
        "reminder_offsets_minutes"] == []
    assert w.t.ok("GET", "/v1/policy")["reminder_offsets_minutes"] == []
    for bad, pointer in [([10], "/reminder_offsets_minutes/0"),
                         ([30, 30], "/reminder_offsets_minutes"),
                         ("60", "/reminder_offsets_minutes")]:
        r = w.t.put("/v1/policy", {"reminder_offsets_minutes": bad, "max_reschedules": 5})
        expect_problem(r, 422, "validation_failed", pointer)
    after = w.t.ok("GET", "/v1/policy")
    assert after["reminder_offsets_minutes"] == [] and after["max_reschedules"] is None
    # Left out (or null): the default again.
    assert w.t.ok("PUT", "/v1/policy", {})["reminder_offsets_minutes"] == [1440, 60]
    events = w.t.ok("GET", "/v1/events", params={"type": "policy.updated"})["data"]
    assert events[-1]["payload"]["reminder_offsets_minutes"] == [1440, 60]
    assert events[-1]["changes"]["reminder_offsets_minutes"] == [[], [1440, 60]]


# --- planning --------------------------------------------------------------------------------

def test_create_plans_the_tenant_default(w):
    b = booked(w.t, w.sid, START, now=NOW)
    assert reminders(w.t, b["id"]) == [(1440, at("2026-03-01", "10:00"), None),
                                       (60, at(MON, "09:00"), None)]


def test_service_offsets_win_over_the_tenant(w):
    w.t.ok("PUT", "/v1/policy", {"reminder_offsets_minutes": [120]})
    b = booked(w.t, w.sid, START, now=NOW)
    assert [r[0] for r in reminders(w.t, b["id"])] == [120]
    s = w.t.service([w.pid], "Short", 60, reminder_offsets_minutes=[30, 15])
    b = booked(w.t, s["id"], at(MON, "12:00"), now=NOW)
    assert reminders(w.t, b["id"]) == [(30, at(MON, "11:30"), None), (15, at(MON, "11:45"), None)]
    none = w.t.service([w.pid], "Silent", 60, reminder_offsets_minutes=[])
    b = booked(w.t, none["id"], at(MON, "14:00"), now=NOW)
    assert reminders(w.t, b["id"]) == []


def test_offsets_already_past_are_not_planned(w):
    s = w.t.service([w.pid], "Soon", 60, reminder_offsets_minutes=[1440, 60, 15])
    # 30 minutes ahead: only the 15-minute reminder is still ahead.
    b = booked(w.t, s["id"], START, now=booking_helpers.shift(START, -30 * 60))
    assert reminders(w.t, b["id"]) == [(15, at(MON, "09:45"), None)]
    # Exactly 60 minutes ahead: the 60-minute reminder would be due now, so it is not planned.
    b = booked(w.t, s["id"], at(MON, "13:00"), now=booking_helpers.shift(at(MON, "13:00"), -3600))
    assert [r[0] for r in reminders(w.t, b["id"])] == [15]
    # Pending bookings (approval) get theirs too.
    p = w.t.service([w.pid], "Approve", 60, requires_approval=True,
                    reminder_offsets_minutes=[60])
    b = booked(w.t, p["id"], at(TUE, "10:00"), now=NOW)
    assert b["status"] == "pending"
    assert [r[0] for r in reminders(w.t, b["id"])] == [60]
    acted(w.t, b["id"], "confirm", now=NOW)
    assert [r[0] for r in reminders(w.t, b["id"])] == [60]       # confirming keeps them


def test_reschedule_replans_and_offset_changes_do_not(w):
    b = booked(w.t, w.sid, START, now=NOW)
    # Changing the offsets later leaves existing bookings as planned.
    w.t.ok("PUT", "/v1/policy", {"reminder_offsets_minutes": [30]})
    assert [r[0] for r in reminders(w.t, b["id"])] == [1440, 60]
    moved = w.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(TUE, "11:00")}, now=NOW)
    assert moved.status_code == 200, moved.text
    # Moving plans anew with the offsets in force now.
    assert reminders(w.t, b["id"]) == [(30, at(TUE, "10:30"), None)]
    # Moving to 40 minutes ahead keeps only what is still ahead.
    w.t.ok("PUT", "/v1/policy", {"reminder_offsets_minutes": [60, 15]})
    moved = w.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(TUE, "14:00")},
                     now=booking_helpers.shift(at(TUE, "14:00"), -40 * 60))
    assert moved.status_code == 200, moved.text
    assert reminders(w.t, b["id"]) == [(15, at(TUE, "13:45"), None)]


@pytest.mark.parametrize("action", ["cancel", "decline", "no-show", "complete"])
def test_ends_drop_unsent_reminders(w, action):
    svc = w.sid
    if action == "decline":
        svc = w.t.service([w.pid], "Approve", 60, requires_approval=True)["id"]
    b = booked(w.t, svc, START, now=NOW)
    assert len(reminders(w.t, b["id"])) == 2
    when = NOW if action in ("cancel", "decline") else booking_helpers.shift(START, 3 * 3600)
    acted(w.t, b["id"], action, now=when)
    assert reminders(w.t, b["id"]) == []


def test_reminders_reach(w, server):
    b = booked(w.t, w.sid, START, now=NOW)
    token = Api(server.base, b["manage_token"])
    assert [r[0] for r in reminders(token, b["id"])] == [1440, 60]
    other = booked(w.t, w.sid, at(MON, "15:00"), now=NOW)
    expect_problem(token.get(f"/v1/bookings/{other['id']}/reminders"), 404, "not_found")
    expect_problem(server.tenant().get(f"/v1/bookings/{b['id']}/reminders"), 404, "not_found")
    expect_problem(w.t.get("/v1/bookings/bkg_nope/reminders"), 404, "not_found")


# --- sending (the notification worker calls uc_reminders_run) -------------------------------

def set_clock(t, now):
    t.ok("POST", "/v1/test/clock", {"now": now}, status=200)


def reminder_events(t, bid=None):
    params = {"type": "booking.reminder", "limit": 200}
    if bid:
        params["subject_id"] = bid
    return t.ok("GET", "/v1/events", params=params)["data"]


def wait_events(t, bid, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        got = reminder_events(t, bid)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


# Servers that book in early 2026 start at NOW: at the real date their worker's first round
# would find these reminders due with their bookings begun and drop them, racing the test's
# first POST /v1/test/clock.
AT_NOW = {"SLOTD_TEST_NOW": NOW}


def test_due_reminder_is_sent_once_across_restarts(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv", env=AT_NOW)
    restarted = None
    try:
        w = consult_tenant(srv)
        b = booked(w.t, w.sid, START, now=NOW)
        ended = booked(w.t, w.sid, at(MON, "12:00"), now=NOW)
        acted(w.t, ended["id"], "cancel", now=NOW)
        set_clock(w.t, "2026-03-01T15:00:01Z")       # past the 1440 one, before the 60 one
        got = wait_events(w.t, b["id"], 1)
        assert len(got) == 1, got
        ev = got[0]
        assert ev["actor"] == {"type": "system", "id": "reminders", "role": None}
        assert ev["payload"]["id"] == b["id"] and ev["payload"]["start"] == START
        assert ev["payload"]["reminder"]["offset_minutes"] == 1440
        assert ev["payload"]["reminder"]["due_at"] == at("2026-03-01", "10:00")
        assert ev["changes"] is None
        rows = reminders(w.t, b["id"])
        assert rows[0][:2] == (1440, at("2026-03-01", "10:00")) and rows[0][2] is not None
        assert rows[1] == (60, at(MON, "09:00"), None)
        time.sleep(1.5)
        assert len(reminder_events(w.t, b["id"])) == 1
        assert reminder_events(w.t, ended["id"]) == []
        assert srv.stop() == 0, srv.stderr()
        restarted = Server(slotd_bin, None, tmp_path / "srv", db_url=srv.db_url, env=AT_NOW)
        restarted.owns_db, srv.owns_db = srv.owns_db, False
        srv = None
        restarted.start()
        again = Api(restarted.base, w.t.key)
        set_clock(again, "2026-03-02T14:30:00Z")     # past the 60 one too
        got = wait_events(again, b["id"], 2)
        assert [e["payload"]["reminder"]["offset_minutes"] for e in got] == [1440, 60]
        time.sleep(1.5)
        assert len(reminder_events(again, b["id"])) == 2
    finally:
        if srv:
            _stop(srv)
        if restarted:
            _stop(restarted)


def test_rescheduled_booking_gets_the_offset_again_for_its_new_time(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv", env=AT_NOW)
    try:
        rescheduled_gets_the_offset_again(srv)
    finally:
        _stop(srv)


def rescheduled_gets_the_offset_again(srv):
    w = consult_tenant(srv)
    b = booked(w.t, w.sid, START, now=NOW)
    set_clock(w.t, "2026-03-01T15:00:01Z")
    assert len(wait_events(w.t, b["id"], 1)) == 1
    moved = w.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(TUE, "10:00")})
    assert moved.status_code == 200, moved.text
    # The day-before reminder is due again for the new time; the old one is gone.
    assert reminders(w.t, b["id"]) == [(1440, at(MON, "10:00"), None),
                                       (60, at(TUE, "09:00"), None)]
    set_clock(w.t, "2026-03-02T15:00:01Z")
    got = wait_events(w.t, b["id"], 2)
    assert [e["payload"]["reminder"]["due_at"] for e in got] == [at("2026-03-01", "10:00"),
                                                                 at(MON, "10:00")]
