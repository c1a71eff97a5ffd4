"""/v1/waitlist: entries wait for time to free; the best fitting entry is offered a hold on the
earliest fitting start (an outbox event waitlist.offered in /v1/events); expired offers pass
on to the next entry.

Set-up (fixture w): provider New York, 09:00-11:00 on weekdays, so each day has two starts,
09:00 and 10:00 (-05:00 = 14:00Z and 15:00Z on Mon 2 Mar 2026). Monday is fully booked, so
Monday-only entries wait. "now" is WNOW (Sun 1 Mar 12:00Z) unless a test says otherwise; the
default offer then expires at 12:30Z. Every test works in a tenant of its own.
"""
import re
import types
from datetime import datetime, timezone
from functools import partial

import pytest

import booking_helpers
from booking_helpers import at, make_key, shift
from conftest import expect_problem, weekdays

NY = "America/New_York"
WNOW = "2026-03-01T12:00:00Z"
OFFER_END = "2026-03-01T12:30:00Z"
MON, TUE, WED, THU, FRI = ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                           "2026-03-06")
ENTRY_KEYS = {"id", "service_id", "provider_id", "customer", "earliest_date", "latest_date",
              "weekdays", "time_windows", "priority", "status", "hold_id", "offer_provider_id",
              "offer_start", "offer_expires_at", "offers", "booking_id", "notes", "created_at",
              "updated_at"}
WTL_RE = re.compile(r"wtl_[0-9a-z]{20}")
HLD_RE = re.compile(r"hld_[0-9a-z]{20}")
CUSTOMER = {"name": "Wendy Wait", "email": "wendy@example.com"}


# --- helpers (the booking ones from booking_helpers, at WNOW) ---------------------------------

book = partial(booking_helpers.book, now=WNOW)
booked = partial(booking_helpers.booked, now=WNOW)
acted = partial(booking_helpers.acted, now=WNOW)


def utc(day, hm):
    """Local New York (EST) wall time as the UTC instant the waitlist shows."""
    t = datetime.fromisoformat(at(day, hm)).astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_body(sid, **fields):
    b = {"service_id": sid, "customer": dict(CUSTOMER), "earliest_date": MON,
         "latest_date": MON}
    b.update(fields)
    return b


def create(t, sid, now=WNOW, **fields):
    return t.post("/v1/waitlist", entry_body(sid, **fields), now=now)


def entry(t, sid, now=WNOW, **fields):
    r = create(t, sid, now=now, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def read(t, eid, now=WNOW):
    return t.ok("GET", f"/v1/waitlist/{eid}", now=now)


def events(t, after=None, type="waitlist.offered"):
    """The tenant's events of one type (offers, unless told), in order."""
    params = {"limit": 200, "type": type}
    if after is not None:
        params["after"] = after
    page = t.ok("GET", "/v1/events", params=params)
    return page["data"]


def starts(t, sid, day, now=WNOW):
    return t.starts(sid, None, day, now=now)


@pytest.fixture
def w(server):
    """Provider p (New York, 09:00-11:00 weekdays), 60-minute service; Monday 09:00 (b9) and
    10:00 (b10) are booked."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "11:00")]))
    sid = t.service([pid], "Consult", 60, price="50.00", currency="USD")["id"]
    b9 = booked(t, sid, at(MON, "09:00"))
    b10 = booked(t, sid, at(MON, "10:00"))
    assert starts(t, sid, MON) == []
    return types.SimpleNamespace(t=t, server=server, pid=pid, sid=sid, b9=b9, b10=b10)


def assert_offered(t, e, start_local, provider_id, now=WNOW, minutes=30):
    """e (fresh from the server) holds an offer of start_local (New York wall time on MON)."""
    assert e["status"] == "offered", e
    assert HLD_RE.fullmatch(e["hold_id"] or ""), e
    assert e["offer_provider_id"] == provider_id
    assert e["offer_start"] == utc(MON, start_local)
    assert e["offer_expires_at"] == shift(now, minutes * 60)
    assert e["booking_id"] is None
    h = t.ok("GET", f"/v1/holds/{e['hold_id']}", now=now)
    assert (h["waitlist_id"], h["start"], h["provider_id"], h["expires_at"], h["live"]) == (
        e["id"], at(MON, start_local), provider_id, e["offer_expires_at"], True)


# --- create ----------------------------------------------------------------------------------

def test_create_waiting_entry_exactly(w):
    r = create(w.t, w.sid, customer={"name": "Wendy", "email": "wendy@example.com",
                                     "phone": "+1 555 0100"},
               weekdays=["mon", "wed"], time_windows=[{"start": "09:00", "end": "12:00"}],
               priority=7, latest_date=WED, provider_id=w.pid)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    e = r.json()
    assert set(e) == ENTRY_KEYS
    assert WTL_RE.fullmatch(e["id"]), e["id"]
    # Wednesday 09:00 is free, so this entry is offered at once (tested below); here only
    # the echoed request is checked.
    assert {k: e[k] for k in ("service_id", "provider_id", "customer", "earliest_date",
                              "latest_date", "weekdays", "time_windows", "priority",
                              "created_at")} == {
        "service_id": w.sid, "provider_id": w.pid,
        "customer": {"name": "Wendy", "email": "wendy@example.com", "phone": "+1 555 0100"},
        "earliest_date": MON, "latest_date": WED, "weekdays": ["mon", "wed"],
        "time_windows": [{"start": "09:00", "end": "12:00"}], "priority": 7,
        "created_at": WNOW}
    assert read(w.t, e["id"]) == e


def test_waiting_entry_defaults(w):
    e = entry(w.t, w.sid)
    assert {k: v for k, v in e.items() if k != "id"} == {
        "service_id": w.sid, "provider_id": None,
        "customer": dict(CUSTOMER, phone=None),
        "earliest_date": MON, "latest_date": MON, "weekdays": [], "time_windows": [],
        "priority": 0, "status": "waiting", "hold_id": None, "offer_provider_id": None,
        "offer_start": None, "offer_expires_at": None, "offers": 0, "booking_id": None,
        "notes": None, "created_at": WNOW, "updated_at": WNOW}
    assert read(w.t, e["id"]) == e
    assert events(w.t) == []


@pytest.mark.parametrize("provider_id", ["any", None])
def test_provider_any_or_null_is_null(w, provider_id):
    assert entry(w.t, w.sid, provider_id=provider_id)["provider_id"] is None


def test_free_slot_at_creation_is_offered_immediately(w):
    acted(w.t, w.b10["id"], "cancel")        # nobody waits yet: 10:00 is simply free
    assert starts(w.t, w.sid, MON) == [at(MON, "10:00")]
    e = entry(w.t, w.sid)
    assert e["offers"] == 1
    assert_offered(w.t, e, "10:00", w.pid)
    assert read(w.t, e["id"]) == e
    assert starts(w.t, w.sid, MON) == []
    ev = events(w.t)
    assert len(ev) == 1
    assert set(ev[0]) == {"id", "seq", "type", "subject_id", "actor", "request_id", "payload",
                          "changes", "created_at"}
    assert (ev[0]["type"], ev[0]["subject_id"], ev[0]["created_at"]) == (
        "waitlist.offered", e["id"], WNOW)
    # The offer is the system's; its payload is the entry as the API shows it.
    assert ev[0]["actor"] == {"type": "system", "id": "waitlist", "role": None}
    assert ev[0]["payload"] == e
    assert ev[0]["payload"]["offer_start"] == utc(MON, "10:00")
    assert ev[0]["payload"]["offer_expires_at"] == OFFER_END
    assert ev[0]["changes"]["status"] == ["waiting", "offered"]
    assert ev[0]["changes"]["hold_id"] == [None, e["hold_id"]]
    joined = events(w.t, type="waitlist.joined")
    assert [x["subject_id"] for x in joined] == [e["id"]]
    assert joined[0]["seq"] < ev[0]["seq"] and joined[0]["actor"]["type"] == "key"


def test_immediate_offer_takes_the_earliest_fitting_start(w):
    e = entry(w.t, w.sid, latest_date=WED)
    assert e["status"] == "offered"
    assert e["offer_start"] == utc(TUE, "09:00")
    e = entry(w.t, w.sid, latest_date=WED, time_windows=[{"start": "10:00", "end": "11:00"}])
    assert e["offer_start"] == utc(TUE, "10:00")
    e = entry(w.t, w.sid, latest_date=FRI, weekdays=["thu"])
    assert e["offer_start"] == utc(THU, "09:00")


def test_no_fitting_free_slot_means_waiting(w):
    # Tuesday is free, but these entries exclude it.
    assert entry(w.t, w.sid, latest_date=TUE, weekdays=["mon"])["status"] == "waiting"
    assert entry(w.t, w.sid, latest_date=TUE,
                 time_windows=[{"start": "11:00", "end": "17:00"}])["status"] == "waiting"
    # 09:30-10:30 holds no whole 60-minute appointment on the grid.
    assert entry(w.t, w.sid, latest_date=TUE,
                 time_windows=[{"start": "09:30", "end": "10:30"}])["status"] == "waiting"
    assert events(w.t) == []
    assert len(starts(w.t, w.sid, TUE)) == 2


@pytest.mark.parametrize("change,pointer", [
    ({"bogus": 1}, "/bogus"),
    ({"service_id": "svc_00000000000000000000"}, "/service_id"),
    ({"service_id": None}, "/service_id"),
    ({"provider_id": "prv_00000000000000000000"}, "/provider_id"),
    ({"customer": None}, "/customer"),
    ({"customer": {"name": "W"}}, "/customer/email"),
    ({"customer": {"email": "w@example.com"}}, "/customer/name"),
    ({"customer": {"name": "W", "email": "nope"}}, "/customer/email"),
    ({"earliest_date": None}, "/earliest_date"),
    ({"earliest_date": "2026-3-2"}, "/earliest_date"),
    ({"latest_date": None}, "/latest_date"),
    ({"latest_date": "2026-03-02T10:00:00Z"}, "/latest_date"),
    ({"earliest_date": TUE, "latest_date": MON}, "/latest_date"),
    ({"latest_date": "2027-03-03"}, "/latest_date"),          # a span of 366 days
    ({"weekdays": ["monday"]}, "/weekdays/0"),
    ({"weekdays": ["mon", "Tue"]}, "/weekdays/1"),
    ({"weekdays": "mon"}, "/weekdays"),
    ({"time_windows": [{"start": "25:00", "end": "26:00"}]}, "/time_windows/0"),
    ({"time_windows": [{"start": "12:00", "end": "11:00"}]}, "/time_windows/0"),
    ({"time_windows": [{"start": "09:00", "end": "10:00"}, {"start": "10:00", "end": "10:00"}]},
     "/time_windows/1"),
    ({"time_windows": {"start": "09:00", "end": "10:00"}}, "/time_windows"),
    ({"priority": 1001}, "/priority"),
    ({"priority": -1001}, "/priority"),
    ({"priority": 1.5}, "/priority"),
    ({"priority": "1"}, "/priority"),
])
def test_invalid_entry_is_422_and_creates_nothing(w, change, pointer):
    body = entry_body(w.sid)
    for k, v in change.items():
        if v is None and k in ("service_id", "customer", "earliest_date", "latest_date"):
            del body[k]
        else:
            body[k] = v
    r = w.t.post("/v1/waitlist", body, now=WNOW)
    p = expect_problem(r, 422, None, None)
    assert any(e["pointer"].startswith(pointer) for e in p["errors"]), p
    assert w.t.list_all("/v1/waitlist", now=WNOW) == []


def test_span_limits_and_priority_bounds_are_accepted(w):
    # latest - earliest = 365 days is allowed (366 is not, see above).
    assert entry(w.t, w.sid, latest_date="2027-03-02", weekdays=["sat"])["status"] == "waiting"
    assert entry(w.t, w.sid, priority=1000)["priority"] == 1000
    assert entry(w.t, w.sid, priority=-1000)["priority"] == -1000


def test_foreign_service_is_422(server, w):
    other = server.tenant()
    op = other.provider("X", NY)["id"]
    osid = other.service([op])["id"]
    expect_problem(create(w.t, osid), 422, "validation_failed", "/service_id")


# --- offers when time frees ----------------------------------------------------------------------

def test_cancel_offers_the_start_to_the_best_entry(w):
    low = entry(w.t, w.sid, customer={"name": "Low", "email": "low@example.com"})
    high = entry(w.t, w.sid, priority=5, customer={"name": "High", "email": "high@example.com"},
                 now=shift(WNOW, 60))
    assert (low["status"], high["status"]) == ("waiting", "waiting")
    later = shift(WNOW, 120)
    acted(w.t, w.b9["id"], "cancel", now=later)
    h = read(w.t, high["id"], now=later)
    assert h["offers"] == 1 and h["updated_at"] == later
    assert_offered(w.t, h, "09:00", w.pid, now=later)
    assert read(w.t, low["id"], now=later)["status"] == "waiting"
    # The offered start is held: gone from slots, explain says held, nobody else can book it.
    assert starts(w.t, w.sid, MON, now=later) == []
    x = w.t.explain(w.sid, w.pid, at(MON, "09:00"), now=later)
    assert x["reasons"] == [{"code": "held"}]
    expect_problem(book(w.t, w.sid, at(MON, "09:00"), now=later), 409, "slot_taken")
    ev = events(w.t)
    assert [(e["type"], e["subject_id"]) for e in ev] == [("waitlist.offered", high["id"])]
    assert ev[0]["payload"]["customer"] == {"name": "High", "email": "high@example.com",
                                            "phone": None}
    assert ev[0]["payload"]["offer_start"] == utc(MON, "09:00")
    assert ev[0]["payload"]["offer_expires_at"] == shift(later, 1800)


def test_equal_priority_goes_to_the_earliest_created(w):
    first = entry(w.t, w.sid, now=WNOW)
    second = entry(w.t, w.sid, now=shift(WNOW, 1))
    acted(w.t, w.b10["id"], "cancel")
    assert read(w.t, first["id"])["status"] == "offered"
    assert read(w.t, second["id"])["status"] == "waiting"


def test_priority_beats_creation_time_and_negative_priority_comes_last(w):
    neg = entry(w.t, w.sid, priority=-5)
    zero = entry(w.t, w.sid, now=shift(WNOW, 5))
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, zero["id"])["status"] == "offered"
    assert read(w.t, neg["id"])["status"] == "waiting"
    acted(w.t, w.b10["id"], "cancel")
    assert read(w.t, neg["id"])["offer_start"] == utc(MON, "10:00")


def test_entries_that_do_not_fit_stay_waiting(server):
    """Only Monday and Tuesday are worked (09:00-11:00), and both are fully booked."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "11:00")], days=("mon", "tue")))
    sid = t.service([pid], "S", 60)["id"]
    for day in (MON, TUE):
        for hm in ("09:00", "10:00"):
            booked(t, sid, at(day, hm))
    mon9 = [b for b in t.list_all("/v1/bookings") if b["start"] == at(MON, "09:00")][0]
    mon10 = [b for b in t.list_all("/v1/bookings") if b["start"] == at(MON, "10:00")][0]
    late_window = entry(t, sid, priority=10, time_windows=[{"start": "10:00", "end": "11:00"}])
    utc_window = entry(t, sid, priority=10, time_windows=[{"start": "14:00", "end": "15:00"}])
    tuesdays = entry(t, sid, priority=10, latest_date=TUE, weekdays=["tue"])
    tuesday_only = entry(t, sid, priority=10, earliest_date=TUE, latest_date=TUE)
    march = entry(t, sid, priority=10, earliest_date="2026-03-09", latest_date="2026-03-10",
                  weekdays=["sun"])
    anything = entry(t, sid, priority=0)
    assert all(e["status"] == "waiting" for e in
               (late_window, utc_window, tuesdays, tuesday_only, march, anything))
    acted(t, mon9["id"], "cancel")
    for e in (late_window, utc_window, tuesdays, tuesday_only, march):
        assert read(t, e["id"])["status"] == "waiting", e
    a = read(t, anything["id"])
    assert a["status"] == "offered" and a["offer_start"] == utc(MON, "09:00")
    # 10:00-11:00 lies inside the 10:00-11:00 window (both ends included).
    acted(t, mon10["id"], "cancel")
    lw = read(t, late_window["id"])
    assert lw["status"] == "offered" and lw["offer_start"] == utc(MON, "10:00")
    assert read(t, utc_window["id"])["status"] == "waiting"
    assert len(events(t)) == 2


def test_provider_specific_entry_waits_for_its_provider(server):
    t = server.tenant()
    p1 = t.provider("One", NY)["id"]
    p2 = t.provider("Two", NY)["id"]
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "10:00")]))
    sid = t.service([p1, p2], "Both", 60)["id"]
    b1 = booked(t, sid, at(MON, "09:00"), provider_id=p1)
    b2 = booked(t, sid, at(MON, "09:00"), provider_id=p2)
    only_p2 = entry(t, sid, provider_id=p2, priority=10)
    assert only_p2["provider_id"] == p2
    acted(t, b1["id"], "cancel")
    assert read(t, only_p2["id"])["status"] == "waiting"
    assert events(t) == []
    assert [s["provider_id"] for s in t.slots(sid, None, MON, now=WNOW)] == [p1]
    acted(t, b2["id"], "cancel")
    e = read(t, only_p2["id"])
    assert (e["status"], e["offer_provider_id"]) == ("offered", p2)
    ev = events(t)
    assert len(ev) == 1 and ev[0]["payload"]["offer_provider_id"] == p2


def test_booking_with_the_offer_hold_books_the_entry(w):
    e = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    e = read(w.t, e["id"])
    later = shift(WNOW, 600)
    b = booked(w.t, w.sid, at(MON, "09:00"), now=later, hold_id=e["hold_id"],
               customer={"name": "Wendy Wait", "email": "wendy@example.com"})
    got = read(w.t, e["id"], now=later)
    assert (got["status"], got["booking_id"]) == ("booked", b["id"])
    expect_problem(w.t.get(f"/v1/holds/{e['hold_id']}", now=later), 404)
    # The offer expiry no longer matters once booked.
    assert read(w.t, e["id"], now=shift(OFFER_END, 3600))["status"] == "booked"
    assert w.t.get(f"/v1/bookings/{b['id']}").json()["status"] == "confirmed"


def test_deleting_a_hold_offers_its_start(w):
    acted(w.t, w.b10["id"], "cancel")
    h = w.t.ok("POST", "/v1/holds", {"service_id": w.sid, "start": at(MON, "10:00")}, now=WNOW)
    e = entry(w.t, w.sid)
    assert e["status"] == "waiting"
    assert w.t.delete(f"/v1/holds/{h['id']}", now=WNOW).status_code == 204
    assert_offered(w.t, read(w.t, e["id"]), "10:00", w.pid)


def test_declining_offers_the_start(w):
    sid = w.t.service([w.pid], "Approve", 60, requires_approval=True)["id"]
    acted(w.t, w.b9["id"], "cancel")
    pending = booked(w.t, sid, at(MON, "09:00"))
    assert pending["status"] == "pending"
    e = entry(w.t, w.sid)
    assert e["status"] == "waiting"
    acted(w.t, pending["id"], "decline")
    assert_offered(w.t, read(w.t, e["id"]), "09:00", w.pid)


def test_rescheduling_away_offers_the_start(w):
    e = entry(w.t, w.sid)
    r = w.t.post(f"/v1/bookings/{w.b9['id']}/reschedule", {"start": at(TUE, "09:00")}, now=WNOW)
    assert r.status_code == 200, r.text
    assert_offered(w.t, read(w.t, e["id"]), "09:00", w.pid)


def monday_off(server):
    """A tenant of its own: provider (New York, 09:00-11:00 on weekdays) with time off over all
    of Monday's hours, and a 60-minute service. Returns (tenant, service id, the time-off's
    path)."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "11:00")]))
    sid = t.service([pid], "S", 60)["id"]
    off = t.ok("POST", f"/v1/providers/{pid}/time-off",
               {"start": at(MON, "09:00"), "end": at(MON, "11:00")})
    return t, sid, f"/v1/providers/{pid}/time-off/{off['id']}"


def test_deleting_time_off_offers_one_start_per_entry(server):
    t, sid, time_off = monday_off(server)
    first = entry(t, sid)
    second = entry(t, sid, now=shift(WNOW, 1))
    assert first["status"] == second["status"] == "waiting"
    assert t.delete(time_off, now=WNOW).status_code == 204
    f, s = read(t, first["id"]), read(t, second["id"])
    assert (f["status"], f["offers"], f["offer_start"]) == ("offered", 1, utc(MON, "09:00"))
    assert (s["status"], s["offers"], s["offer_start"]) == ("offered", 1, utc(MON, "10:00"))
    assert f["hold_id"] != s["hold_id"]
    ev = events(t)
    assert [e["subject_id"] for e in ev] == [first["id"], second["id"]]
    assert ev[0]["seq"] < ev[1]["seq"]


def test_single_entry_gets_a_single_offer_when_two_starts_free(server):
    t, sid, time_off = monday_off(server)
    only = entry(t, sid)
    assert t.delete(time_off, now=WNOW).status_code == 204
    e = read(t, only["id"])
    assert (e["offers"], e["offer_start"]) == (1, utc(MON, "09:00"))
    assert len(events(t)) == 1
    # 10:00 stays free for anyone.
    assert starts(t, sid, MON) == [at(MON, "10:00")]


def test_offer_minutes_come_from_the_policy(w):
    w.t.ok("PUT", "/v1/policy", {"waitlist_offer_minutes": 10}, status=200)
    e = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    assert_offered(w.t, read(w.t, e["id"]), "09:00", w.pid, minutes=10)
    # A service policy wins over the tenant's.
    sid = w.t.service([w.pid], "Long offer", 60, policy={"waitlist_offer_minutes": 45})["id"]
    e2 = entry(w.t, sid)
    acted(w.t, w.b10["id"], "cancel")
    got = read(w.t, e2["id"])
    assert got["offer_expires_at"] == shift(WNOW, 45 * 60)
    assert events(w.t)[-1]["payload"]["offer_expires_at"] == shift(WNOW, 45 * 60)


# --- offer expiry and cascade --------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "list"])
def test_expired_offer_cascades_to_the_next_entry(w, how):
    first = entry(w.t, w.sid, priority=2)
    second = entry(w.t, w.sid, priority=1)
    acted(w.t, w.b9["id"], "cancel")
    f = read(w.t, first["id"])
    assert f["offer_expires_at"] == OFFER_END

    def look(now):
        if how == "get":
            return read(w.t, first["id"], now=now)
        rows = w.t.list_all("/v1/waitlist", now=now)
        return [r for r in rows if r["id"] == first["id"]][0]

    # One second before: still offered, still held.
    before = shift(OFFER_END, -1)
    assert look(before)["status"] == "offered"
    assert read(w.t, second["id"], now=before)["status"] == "waiting"
    assert starts(w.t, w.sid, MON, now=before) == []
    assert len(events(w.t)) == 1
    # Exactly at offer_expires_at: closed, and the same start goes to the next entry.
    g = look(OFFER_END)
    assert g["status"] == "expired"
    assert (g["offers"], g["booking_id"]) == (1, None)
    s = read(w.t, second["id"], now=OFFER_END)
    assert s["offers"] == 1
    assert_offered(w.t, s, "09:00", w.pid, now=OFFER_END)
    assert s["hold_id"] != f["hold_id"]
    ev = events(w.t)
    assert [e["subject_id"] for e in ev] == [first["id"], second["id"]]
    assert ev[1]["created_at"] == OFFER_END
    assert ev[1]["payload"]["offer_expires_at"] == shift(OFFER_END, 1800)
    assert ev[1]["payload"]["hold_id"] == s["hold_id"]
    assert starts(w.t, w.sid, MON, now=OFFER_END) == []


def test_expired_offer_without_a_next_entry_frees_the_start(w):
    e = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, e["id"])["status"] == "offered"
    assert read(w.t, e["id"], now=OFFER_END)["status"] == "expired"
    assert starts(w.t, w.sid, MON, now=OFFER_END) == [at(MON, "09:00")]
    assert booked(w.t, w.sid, at(MON, "09:00"), now=OFFER_END)["start"] == at(MON, "09:00")


def test_booking_with_an_expired_offer_hold_fails(w):
    e = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    hid = read(w.t, e["id"])["hold_id"]
    r = book(w.t, w.sid, at(MON, "09:00"), now=OFFER_END, hold_id=hid)
    assert r.status_code in (409, 422), r.text
    if r.status_code == 409:
        expect_problem(r, 409, "hold_expired")
    else:
        expect_problem(r, 422, "validation_failed", "/hold_id")
    assert read(w.t, e["id"], now=OFFER_END)["status"] == "expired"


def test_an_entry_is_offered_at_most_once(w):
    first = entry(w.t, w.sid, priority=5)
    second = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, first["id"])["status"] == "offered"
    # first's offer expires and passes to second.
    assert read(w.t, first["id"], now=OFFER_END)["status"] == "expired"
    s = read(w.t, second["id"], now=OFFER_END)
    assert s["status"] == "offered"
    # Another start frees: first (expired, higher priority) gets nothing.
    t2 = shift(OFFER_END, 60)
    acted(w.t, w.b10["id"], "cancel", now=t2)
    f = read(w.t, first["id"], now=t2)
    assert (f["status"], f["offers"]) == ("expired", 1)
    # second already holds an offer: no second one in the same round.
    s = read(w.t, second["id"], now=t2)
    assert (s["offers"], s["offer_start"]) == (1, utc(MON, "09:00"))
    assert starts(w.t, w.sid, MON, now=t2) == [at(MON, "10:00")]
    assert len(events(w.t)) == 2
    # After second's offer expires too, nobody is offered anything again.
    t3 = shift(s["offer_expires_at"], 0)
    assert read(w.t, second["id"], now=t3)["status"] == "expired"
    assert read(w.t, first["id"], now=t3)["status"] == "expired"
    assert len(events(w.t)) == 2
    assert starts(w.t, w.sid, MON, now=t3) == [at(MON, "09:00"), at(MON, "10:00")]


# --- delete --------------------------------------------------------------------------------------

def test_delete_waiting_entry(w):
    e = entry(w.t, w.sid)
    r = w.t.delete(f"/v1/waitlist/{e['id']}", now=WNOW)
    assert r.status_code == 204, r.text
    expect_problem(w.t.get(f"/v1/waitlist/{e['id']}", now=WNOW), 404, "not_found")
    expect_problem(w.t.delete(f"/v1/waitlist/{e['id']}", now=WNOW), 404, "not_found")
    # A deleted entry is never offered.
    acted(w.t, w.b9["id"], "cancel")
    assert events(w.t) == []
    assert starts(w.t, w.sid, MON) == [at(MON, "09:00")]


def test_deleting_an_offered_entry_passes_the_start_on(w):
    first = entry(w.t, w.sid, priority=1)
    second = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    f = read(w.t, first["id"])
    assert f["status"] == "offered"
    later = shift(WNOW, 300)
    assert w.t.delete(f"/v1/waitlist/{first['id']}", now=later).status_code == 204
    expect_problem(w.t.get(f"/v1/holds/{f['hold_id']}", now=later), 404, "not_found")
    s = read(w.t, second["id"], now=later)
    assert_offered(w.t, s, "09:00", w.pid, now=later)
    assert [e["subject_id"] for e in events(w.t)] == [first["id"], second["id"]]


def test_deleting_the_only_offered_entry_frees_the_start(w):
    e = entry(w.t, w.sid)
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, e["id"])["status"] == "offered"
    assert w.t.delete(f"/v1/waitlist/{e['id']}", now=WNOW).status_code == 204
    assert starts(w.t, w.sid, MON) == [at(MON, "09:00")]


@pytest.mark.parametrize("eid", ["wtl_00000000000000000000", "nope", "hld_00000000000000000000"])
def test_missing_entry_is_404(w, eid):
    expect_problem(w.t.get(f"/v1/waitlist/{eid}", now=WNOW), 404, "not_found")
    expect_problem(w.t.delete(f"/v1/waitlist/{eid}", now=WNOW), 404, "not_found")


def test_another_tenants_entry_is_404(server, w):
    e = entry(w.t, w.sid)
    other = server.tenant()
    expect_problem(other.get(f"/v1/waitlist/{e['id']}", now=WNOW), 404, "not_found")
    expect_problem(other.delete(f"/v1/waitlist/{e['id']}", now=WNOW), 404, "not_found")
    assert other.list_all("/v1/waitlist", now=WNOW) == []
    assert read(w.t, e["id"])["status"] == "waiting"


# --- list ----------------------------------------------------------------------------------------

def test_list_filters_and_pages(w):
    sid2 = w.t.service([w.pid], "Other", 60)["id"]
    waiting = [entry(w.t, w.sid, now=shift(WNOW, i)) for i in range(3)]
    other = entry(w.t, sid2, now=shift(WNOW, 10))
    acted(w.t, w.b9["id"], "cancel")               # waiting[0] is offered
    page = w.t.ok("GET", "/v1/waitlist", now=WNOW)
    assert set(page) == {"data", "next_cursor"}
    every = w.t.list_all("/v1/waitlist", now=WNOW)
    assert sorted(e["id"] for e in every) == sorted([e["id"] for e in waiting] + [other["id"]])

    def ids(**params):
        return {e["id"] for e in w.t.list_all("/v1/waitlist", now=WNOW, params=params)}
    assert ids(service_id=w.sid) == {e["id"] for e in waiting}
    assert ids(service_id=sid2) == {other["id"]}
    assert ids(status="offered") == {waiting[0]["id"]}
    assert ids(status="waiting") == {waiting[1]["id"], waiting[2]["id"], other["id"]}
    assert ids(status="waiting", service_id=w.sid) == {waiting[1]["id"], waiting[2]["id"]}
    assert ids(status="booked") == set()
    assert ids(status="expired") == set()
    # Pages of one.
    got, cursor = [], None
    for _ in range(10):
        params = {"limit": 1}
        if cursor:
            params["cursor"] = cursor
        p = w.t.ok("GET", "/v1/waitlist", now=WNOW, params=params)
        assert len(p["data"]) <= 1
        got += [e["id"] for e in p["data"]]
        cursor = p["next_cursor"]
        if cursor is None:
            break
    assert sorted(got) == sorted(e["id"] for e in every) and len(got) == 4


@pytest.mark.parametrize("params,pointer", [({"status": "pending"}, "status"),
                                            ({"limit": 0}, "limit"),
                                            ({"limit": 201}, "limit")])
def test_invalid_list_query_is_422(w, params, pointer):
    expect_problem(w.t.get("/v1/waitlist", now=WNOW, params=params), 422, "validation_failed",
                   pointer)


# --- roles and events ----------------------------------------------------------------------------

def test_roles(w):
    staff = make_key(w.server, w.t, "staff")
    customer = make_key(w.server, w.t, "customer")
    e = entry(customer, w.sid)
    assert e["status"] == "waiting"
    e2 = entry(staff, w.sid)
    assert staff.ok("GET", f"/v1/waitlist/{e['id']}", now=WNOW)["id"] == e["id"]
    assert {x["id"] for x in staff.list_all("/v1/waitlist", now=WNOW)} == {e["id"], e2["id"]}
    expect_problem(customer.get("/v1/waitlist", now=WNOW), 403, "forbidden")
    expect_problem(customer.get(f"/v1/waitlist/{e['id']}", now=WNOW), 403, "forbidden")
    expect_problem(customer.delete(f"/v1/waitlist/{e['id']}", now=WNOW), 403, "forbidden")
    assert staff.delete(f"/v1/waitlist/{e2['id']}", now=WNOW).status_code == 204
    expect_problem(staff.get("/v1/events"), 403, "forbidden")
    expect_problem(customer.get("/v1/events"), 403, "forbidden")
    expect_problem(w.t.get("/v1/events", key=None), 401, "unauthorized")


def test_events_page_with_after_and_limit(server):
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "12:00")]))
    sid = t.service([pid], "S", 60)["id"]
    made = [entry(t, sid, now=shift(WNOW, i))["id"] for i in range(3)]   # all offered at once
    offers = {"type": "waitlist.offered"}
    assert t.ok("GET", "/v1/events", params=offers)["next_after"] is None
    ev = events(t)
    assert [e["subject_id"] for e in ev] == made
    seqs = [e["seq"] for e in ev]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    p1 = t.ok("GET", "/v1/events", params=dict(offers, limit=2))
    assert [e["seq"] for e in p1["data"]] == seqs[:2]
    assert p1["next_after"] == seqs[1]
    p2 = t.ok("GET", "/v1/events", params=dict(offers, limit=2, after=p1["next_after"]))
    assert [e["seq"] for e in p2["data"]] == seqs[2:]
    assert p2["next_after"] is None
    assert t.ok("GET", "/v1/events", params=dict(offers, after=seqs[-1]))["data"] == []
    assert [e["seq"] for e in events(t, after=seqs[0])] == seqs[1:]
    # Other tenants see none of them.
    assert server.tenant().ok("GET", "/v1/events", params={"type": "waitlist."})["data"] == []


# --- local dates and times of the provider -------------------------------------------------------

def full_day(t, sid, day_starts):
    return [booked(t, sid, s) for s in day_starts]


def test_windows_are_local_time_across_dst(server):
    """Mon 9 Mar 2026 is EDT (-04:00): 09:00 local is 13:00Z."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "11:00")]))
    sid = t.service([pid], "S", 60)["id"]
    b9, _ = full_day(t, sid, ["2026-03-09T09:00:00-04:00", "2026-03-09T10:00:00-04:00"])
    utc_hours = entry(t, sid, earliest_date="2026-03-09", latest_date="2026-03-09", priority=5,
                      time_windows=[{"start": "13:00", "end": "14:00"}])
    est_hours = entry(t, sid, earliest_date="2026-03-09", latest_date="2026-03-09", priority=4,
                      time_windows=[{"start": "10:00", "end": "11:00"}])
    local = entry(t, sid, earliest_date="2026-03-09", latest_date="2026-03-09",
                  time_windows=[{"start": "09:00", "end": "10:00"}])
    acted(t, b9["id"], "cancel")
    assert read(t, utc_hours["id"])["status"] == "waiting"
    assert read(t, est_hours["id"])["status"] == "waiting"
    got = read(t, local["id"])
    assert (got["status"], got["offer_start"]) == ("offered", "2026-03-09T13:00:00Z")
    assert events(t)[0]["payload"]["offer_start"] == "2026-03-09T13:00:00Z"


def test_dates_and_weekdays_are_the_providers_local_ones(server):
    """Los Angeles, 17:00-19:00: Monday 18:00 PST is Tuesday 02:00Z."""
    t = server.tenant()
    pid = t.provider("West", "America/Los_Angeles")["id"]
    t.schedule(pid, weekdays([("17:00", "19:00")]))
    sid = t.service([pid], "S", 60)["id"]
    mon18 = "2026-03-02T18:00:00-08:00"
    _, b18 = full_day(t, sid, ["2026-03-02T17:00:00-08:00", mon18])
    tue_dates = entry(t, sid, earliest_date=TUE, latest_date=TUE, priority=9,
                      weekdays=["tue"], time_windows=[{"start": "18:00", "end": "19:00"}])
    assert tue_dates["status"] == "offered"        # Tuesday 18:00 PST is free
    tue_weekday = entry(t, sid, latest_date=MON, weekdays=["tue"], priority=8)
    assert tue_weekday["status"] == "waiting"
    utc_window = entry(t, sid, priority=7, time_windows=[{"start": "02:00", "end": "03:00"}])
    assert utc_window["status"] == "waiting"
    monday = entry(t, sid, weekdays=["mon"], time_windows=[{"start": "18:00", "end": "19:00"}])
    assert monday["status"] == "waiting"
    acted(t, b18["id"], "cancel")
    assert read(t, tue_weekday["id"])["status"] == "waiting"
    assert read(t, utc_window["id"])["status"] == "waiting"
    got = read(t, monday["id"])
    assert (got["status"], got["offer_start"]) == ("offered", "2026-03-03T02:00:00Z")


def test_any_of_several_windows_fits(w):
    e = entry(w.t, w.sid, time_windows=[{"start": "07:00", "end": "08:30"},
                                        {"start": "09:45", "end": "11:15"}])
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, e["id"])["status"] == "waiting"
    acted(w.t, w.b10["id"], "cancel")
    got = read(w.t, e["id"])
    assert (got["status"], got["offer_start"]) == ("offered", utc(MON, "10:00"))


def test_time_freed_by_another_service_of_the_provider_is_offered(w):
    short = w.t.service([w.pid], "Short", 30, slot_step_minutes=30)["id"]
    acted(w.t, w.b10["id"], "cancel")
    b = booked(w.t, short, at(MON, "10:00"))       # takes 10:00-10:30: no 60-minute start
    e = entry(w.t, w.sid)
    assert e["status"] == "waiting"
    acted(w.t, b["id"], "cancel")
    got = read(w.t, e["id"])
    assert (got["status"], got["offer_start"]) == ("offered", utc(MON, "10:00"))


def test_offers_respect_the_clock(w):
    acted(w.t, w.b9["id"], "cancel")               # Monday 09:00 free, nobody waiting
    now = "2026-03-02T14:30:00Z"                   # Monday 09:30 in New York
    e = entry(w.t, w.sid, now=now)
    assert e["status"] == "waiting"                # 09:00 has passed
    acted(w.t, w.b10["id"], "cancel", now=now)
    got = read(w.t, e["id"], now=now)
    assert (got["status"], got["offer_start"]) == ("offered", utc(MON, "10:00"))
    assert got["offer_expires_at"] == shift(now, 1800)


def test_offer_needs_room_for_the_whole_service(w):
    long = w.t.service([w.pid], "Long", 120)["id"]
    e = entry(w.t, long)
    assert e["status"] == "waiting"
    acted(w.t, w.b9["id"], "cancel")               # one free hour is not enough
    assert read(w.t, e["id"])["status"] == "waiting"
    acted(w.t, w.b10["id"], "cancel")
    got = read(w.t, e["id"])
    assert (got["status"], got["offer_start"]) == ("offered", utc(MON, "09:00"))
    h = w.t.ok("GET", f"/v1/holds/{got['hold_id']}", now=WNOW)
    assert (h["start"], h["end"]) == (at(MON, "09:00"), at(MON, "11:00"))
    assert starts(w.t, w.sid, MON) == []


# --- freed time is never lost -----------------------------------------------------------------

def test_new_entry_does_not_swallow_an_expired_offer(w):
    """A's offer lapses; the next thing to happen is an unrelated new entry C. The lapsed
    offer's start still goes to B (waiting before C), not nowhere."""
    a = entry(w.t, w.sid, customer={"name": "A", "email": "a@example.com"})
    b = entry(w.t, w.sid, customer={"name": "B", "email": "b@example.com"})
    acted(w.t, w.b9["id"], "cancel")
    assert read(w.t, a["id"])["status"] == "offered"
    later = shift(OFFER_END, 1)
    c = entry(w.t, w.sid, now=later, customer={"name": "C", "email": "c@example.com"},
              earliest_date=FRI, latest_date=FRI, weekdays=["fri"])
    assert c["status"] in ("waiting", "offered")
    assert read(w.t, a["id"], now=later)["status"] == "expired"
    assert_offered(w.t, read(w.t, b["id"], now=later), "09:00", w.pid, now=later)


def test_releasing_a_lapsed_offer_hold_still_offers_the_start(w):
    a = entry(w.t, w.sid, customer={"name": "A", "email": "a@example.com"})
    b = entry(w.t, w.sid, customer={"name": "B", "email": "b@example.com"})
    acted(w.t, w.b9["id"], "cancel")
    hold = read(w.t, a["id"])["hold_id"]
    later = shift(OFFER_END, 60)
    assert w.t.delete(f"/v1/holds/{hold}", now=later).status_code == 204
    assert_offered(w.t, read(w.t, b["id"], now=later), "09:00", w.pid, now=later)


def test_deleting_an_entry_with_a_lapsed_offer_still_offers_the_start(w):
    a = entry(w.t, w.sid, customer={"name": "A", "email": "a@example.com"})
    b = entry(w.t, w.sid, customer={"name": "B", "email": "b@example.com"})
    acted(w.t, w.b9["id"], "cancel")
    later = shift(OFFER_END, 60)
    assert w.t.delete(f"/v1/waitlist/{a['id']}", now=later).status_code == 204
    assert_offered(w.t, read(w.t, b["id"], now=later), "09:00", w.pid, now=later)


def test_a_lapsed_customer_hold_is_offered_to_the_waitlist(w):
    """A customer holds Monday 09:00 (freed by a cancel before anyone waited) and walks away;
    once the hold lapses, the waiting entry is offered the start at the next round."""
    acted(w.t, w.b9["id"], "cancel")
    h = w.t.ok("POST", "/v1/holds", {"service_id": w.sid, "start": at(MON, "09:00"),
                                     "ttl_seconds": 60}, now=WNOW)
    b = entry(w.t, w.sid, customer={"name": "B", "email": "b@example.com"})
    assert b["status"] == "waiting"
    later = shift(h["expires_at"], 1)
    assert_offered(w.t, read(w.t, b["id"], now=later), "09:00", w.pid, now=later)
    # The lapsed hold itself is gone.
    assert w.t.get(f"/v1/holds/{h['id']}", now=later).status_code == 404


def test_customer_keys_may_not_set_a_priority(w):
    cust = make_key(w.server, w.t, "customer")
    r = cust.post("/v1/waitlist", entry_body(w.sid, priority=1000), now=WNOW)
    expect_problem(r, 422, "validation_failed", "/priority")
    assert w.t.ok("GET", "/v1/waitlist", now=WNOW)["data"] == []
    assert create(cust, w.sid).status_code == 201
