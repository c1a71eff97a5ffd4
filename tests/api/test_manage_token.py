"""Customer access: a booking's manage token (Authorization: Bearer mt_...) reads, cancels and
reschedules that booking alone; customer-role API keys may use the booking-widget routes only.

Dates (2026): Mon 2 Mar 10:00 New York (-05:00) = 15:00Z. Bookings are made at NOW (1 Feb
2026). Each test works in a tenant of its own. Customer and staff keys are written into the
test database by hand, as no route or command creates them.
"""
import types
from functools import partial

import pytest

import booking_helpers
from booking_helpers import (CUSTOMER, at, customer_view, get, history, make_key, new_key,
                             public)
from conftest import Api, NO_BODY, expect_problem, weekdays

NY = "America/New_York"
NOW = "2026-02-01T00:00:00Z"
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"
START = "2026-03-02T10:00:00-05:00"
ACTIONS = ("confirm", "decline", "cancel", "complete", "no-show")


# --- helpers (the booking ones from booking_helpers, at NOW) ----------------------------------

book = partial(booking_helpers.book, now=NOW)
booked = partial(booking_helpers.booked, now=NOW)
act = partial(booking_helpers.act, now=NOW)


def as_token(t, token):
    """An Api that sends the manage token as its bearer."""
    return Api(t.base, token)


@pytest.fixture
def w(server):
    """A tenant: provider "auto" and provider "manual" (auto_confirm false), New York
    09:00-17:00 weekdays; a 60-minute service priced 50.00 USD for each. One booking "b" of
    the auto service at Monday 10:00 and one "other" at Monday 12:00, with their tokens."""
    t = server.tenant()
    auto = t.provider("Auto", NY)
    manual = t.provider("Manual", NY, settings={"auto_confirm": False})
    for p in (auto, manual):
        t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    sid = t.service([auto["id"]], "Consult", 60, price="50.00", currency="USD")["id"]
    msid = t.service([manual["id"]], "Manual", 60, price="50.00", currency="USD")["id"]
    b = booked(t, sid, START)
    other = booked(t, sid, at(MON, "12:00"), customer={"name": "Bo", "email": "bo@example.com"})
    return types.SimpleNamespace(t=t, server=server, pid=auto["id"], sid=sid,
                                 mpid=manual["id"], msid=msid, b=b, other=other,
                                 mt=as_token(t, b["manage_token"]))


# --- manage token: what it may do ----------------------------------------------------------------

def test_token_reads_its_booking(w):
    r = w.mt.get(f"/v1/bookings/{w.b['id']}")
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"1"'
    assert r.json() == customer_view(w.b)
    assert "manage_token" not in r.json()


def test_token_reads_its_ics(w):
    r = w.mt.get(f"/v1/bookings/{w.b['id']}.ics")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in r.text and "BEGIN:VEVENT" in r.text
    assert r.text == w.t.get(f"/v1/bookings/{w.b['id']}.ics").text


def test_token_sees_no_other_booking(w, server):
    oid = w.other["id"]
    expect_problem(w.mt.get(f"/v1/bookings/{oid}"), 404, "not_found")
    expect_problem(w.mt.get(f"/v1/bookings/{oid}.ics"), 404, "not_found")
    expect_problem(act(w.mt, oid, "cancel"), 404, "not_found")
    r = w.mt.post(f"/v1/bookings/{oid}/reschedule", {"start": at(TUE, "10:00")}, now=NOW)
    expect_problem(r, 404, "not_found")
    expect_problem(w.mt.get("/v1/bookings/bkg_00000000000000000000"), 404, "not_found")
    assert get(w.t, oid) == public(w.other)
    # Nor a booking of another tenant.
    t2 = server.tenant()
    p2 = t2.provider("P", NY)
    t2.schedule(p2["id"], weekdays([("09:00", "17:00")]))
    foreign = booked(t2, t2.service([p2["id"]])["id"], START)
    expect_problem(w.mt.get(f"/v1/bookings/{foreign['id']}"), 404, "not_found")
    expect_problem(act(w.mt, foreign["id"], "cancel"), 404, "not_found")
    assert get(t2, foreign["id"])["status"] == "confirmed"


def test_token_cancels_its_booking_as_customer(w):
    later = "2026-02-10T09:30:00Z"
    r = act(w.mt, w.b["id"], "cancel", {"reason": "cannot come"}, now=later)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["version"], got["updated_at"]) == ("cancelled", 2, later)
    assert "manage_token" not in got
    assert history(w.t, w.b["id"])[-1] == {"at": later, "actor": "customer",
                                           "from": "confirmed", "to": "cancelled",
                                           "reason": "cannot come"}
    # The time is free again; the token still reads the booking.
    assert START in w.t.starts(w.sid, w.pid, MON)
    assert w.mt.ok("GET", f"/v1/bookings/{w.b['id']}")["status"] == "cancelled"
    expect_problem(act(w.mt, w.b["id"], "cancel", now=later), 409, "conflict")


def test_token_reschedules_its_booking_as_customer(w):
    r = w.mt.post(f"/v1/bookings/{w.b['id']}/reschedule",
                  {"start": at(TUE, "10:00"), "reason": "Tuesday suits"}, now=NOW)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["start"], got["reschedule_count"], got["version"]) == (at(TUE, "10:00"), 1, 2)
    last = history(w.t, w.b["id"])[-1]
    assert (last["actor"], last["from"], last["to"]) == ("customer", "confirmed", "confirmed")
    assert "Tuesday suits" in last["reason"]
    assert START in w.t.starts(w.sid, w.pid, MON)
    assert at(TUE, "10:00") not in w.t.starts(w.sid, w.pid, TUE)
    # Onto the other booking's time: the engine still decides.
    r = w.mt.post(f"/v1/bookings/{w.b['id']}/reschedule", {"start": w.other["start"]}, now=NOW)
    expect_problem(r, 409, "slot_taken")


def test_token_if_match(w):
    r = w.mt.post(f"/v1/bookings/{w.b['id']}/cancel", NO_BODY, now=NOW,
                  headers={"If-Match": '"7"'})
    expect_problem(r, 412, "precondition_failed")
    assert get(w.t, w.b["id"])["status"] == "confirmed"


@pytest.mark.parametrize("action", ["confirm", "decline", "complete", "no-show"])
def test_token_may_not_run_staff_actions(w, action):
    # A pending booking (manual provider), so that confirm and decline would be legal.
    pb = booked(w.t, w.msid, START)
    assert pb["status"] == "pending"
    for bk in (pb, w.b):
        tok = as_token(w.t, bk["manage_token"])
        expect_problem(act(tok, bk["id"], action, now="2026-03-02T16:00:00Z"), 403, "forbidden")
        assert get(w.t, bk["id"]) == public(bk)


def test_token_policy_applies(w):
    w.t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 24, "max_reschedules": 1,
                                 "late_cancellation_fees": [{"within_hours": 48,
                                                             "percent": 50}]}, status=200)
    b = booked(w.t, w.sid, at(WED, "10:00"))
    mt = as_token(w.t, b["manage_token"])
    past = "2026-03-03T16:00:00Z"    # 23 hours before
    expect_problem(act(mt, b["id"], "cancel", now=past), 422, "policy_deadline_passed")
    expect_problem(act(mt, b["id"], "cancel", {"force": True}, now=past), 403, "forbidden")
    assert get(w.t, b["id"])["status"] == "confirmed"
    r = mt.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(WED, "11:00")}, now=NOW)
    assert r.status_code == 200, r.text
    r = mt.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(WED, "12:00")}, now=NOW)
    expect_problem(r, 422, "reschedule_limit_reached")
    r = mt.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(WED, "12:00"), "force": True},
                now=NOW)
    expect_problem(r, 403, "forbidden")
    # The customer cannot waive the fee.
    ok_time = "2026-03-03T00:00:00Z"   # 40 hours before 11:00 (16:00Z): fee 50 %
    expect_problem(act(mt, b["id"], "cancel", {"waive_fee": True}, now=ok_time), 403,
                   "forbidden")
    assert get(w.t, b["id"])["status"] == "confirmed"
    c = act(mt, b["id"], "cancel", now=ok_time)
    assert c.status_code == 200, c.text
    assert c.json()["fee"] == {"amount": "25.00", "currency": "USD",
                               "reason": "late_cancellation"}


# --- manage token: everything else is 403 -----------------------------------------------------

def forbidden_routes(w):
    bid = w.b["id"]
    return [
        ("GET", "/v1/bookings", NO_BODY),
        ("GET", f"/v1/bookings/{bid}/history", NO_BODY),
        ("POST", "/v1/bookings", {"service_id": w.sid, "start": at(TUE, "10:00"),
                                  "customer": CUSTOMER}),
        ("GET", "/v1/providers", NO_BODY),
        ("GET", f"/v1/providers/{w.pid}", NO_BODY),
        ("POST", "/v1/providers", {"name": "X", "timezone": "UTC"}),
        ("GET", "/v1/services", NO_BODY),
        ("GET", f"/v1/services/{w.sid}", NO_BODY),
        ("GET", "/v1/holidays", NO_BODY),
        # Its own service's slots are open to it (the times it may move to); no other's.
        ("GET", f"/v1/slots?service_id=svc_00000000000000000000&from={TUE}&to={TUE}", NO_BODY),
        ("GET", f"/v1/slots/explain?service_id={w.sid}&provider_id={w.pid}"
                f"&start=2026-03-03T15:00:00Z", NO_BODY),
        ("POST", "/v1/holds", {"service_id": w.sid, "start": at(TUE, "10:00")}),
        ("GET", "/v1/holds/hld_00000000000000000000", NO_BODY),
        ("POST", "/v1/waitlist", {"service_id": w.sid, "customer": CUSTOMER,
                                  "earliest_date": TUE, "latest_date": TUE}),
        ("GET", "/v1/waitlist", NO_BODY),
        ("GET", "/v1/policy", NO_BODY),
        ("PUT", "/v1/policy", {}),
        ("GET", "/v1/events", NO_BODY),
    ]


def test_token_is_403_on_every_other_route(w):
    for method, path, body in forbidden_routes(w):
        r = w.mt.request(method, path, body, now=NOW,
                         headers={"Idempotency-Key": new_key()} if path == "/v1/bookings"
                         else None)
        expect_problem(r, 403, "forbidden")
    assert len(w.t.list_all("/v1/bookings")) == 2
    assert w.t.list_all("/v1/waitlist") == []
    assert len(w.t.starts(w.sid, w.pid, TUE)) == 8


def test_token_lists_its_own_services_slots(w):
    mine = w.mt.ok("GET", "/v1/slots", params={"service_id": w.sid, "from": TUE, "to": TUE},
                   now=NOW)
    assert mine == w.t.ok("GET", "/v1/slots", params={"service_id": w.sid, "from": TUE, "to": TUE},
                          now=NOW)
    other = w.t.service([w.pid], "Other", 30)
    expect_problem(w.mt.get("/v1/slots", params={"service_id": other["id"], "from": TUE,
                                                 "to": TUE}, now=NOW), 403, "forbidden")


@pytest.mark.parametrize("token", ["mt_" + "A" * 43, "mt_", "mt_x", "MT_abc"])
def test_wrong_token_is_401(w, token):
    r = w.t.get(f"/v1/bookings/{w.b['id']}", key=token)
    expect_problem(r, 401, "unauthorized")
    expect_problem(act(as_token(w.t, token), w.b["id"], "cancel"), 401, "unauthorized")
    assert get(w.t, w.b["id"])["status"] == "confirmed"


def test_almost_right_token_is_401(w):
    tok = w.b["manage_token"]
    bad = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    expect_problem(w.t.get(f"/v1/bookings/{w.b['id']}", key=bad), 401, "unauthorized")


def test_each_token_opens_only_its_booking(w):
    mo = as_token(w.t, w.other["manage_token"])
    assert mo.ok("GET", f"/v1/bookings/{w.other['id']}")["id"] == w.other["id"]
    expect_problem(mo.get(f"/v1/bookings/{w.b['id']}"), 404, "not_found")
    assert w.mt.ok("GET", f"/v1/bookings/{w.b['id']}")["id"] == w.b["id"]


def test_replayed_create_returns_the_same_working_token(w):
    key = new_key()
    body = {"service_id": w.sid, "start": at(TUE, "10:00"), "customer": CUSTOMER}
    r1 = w.t.post("/v1/bookings", body, now=NOW, headers={"Idempotency-Key": key})
    r2 = w.t.post("/v1/bookings", body, now=NOW, headers={"Idempotency-Key": key})
    assert r1.status_code == r2.status_code == 201
    assert r2.json()["manage_token"] == r1.json()["manage_token"]
    assert as_token(w.t, r2.json()["manage_token"]).ok(
        "GET", f"/v1/bookings/{r1.json()['id']}")["id"] == r1.json()["id"]


# --- customer-role API keys --------------------------------------------------------------------

def test_customer_key_widget_routes(w):
    c = make_key(w.server, w.t, "customer")
    slots = c.get("/v1/slots", now=NOW, params={"service_id": w.sid, "from": TUE, "to": TUE})
    assert slots.status_code == 200, slots.text
    assert len(slots.json()["slots"]) == 8
    x = c.get("/v1/slots/explain", now=NOW, params={"service_id": w.sid, "provider_id": w.pid,
                                                    "start": START})
    assert x.status_code == 200 and x.json()["reasons"] == [{"code": "booked"}]
    h = c.ok("POST", "/v1/holds", {"service_id": w.sid, "start": at(TUE, "09:00")}, now=NOW)
    assert c.ok("GET", f"/v1/holds/{h['id']}", now=NOW)["id"] == h["id"]
    assert c.delete(f"/v1/holds/{h['id']}", now=NOW).status_code == 204
    r = book(c, w.sid, at(TUE, "10:00"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["manage_token"].startswith("mt_")
    assert history(w.t, b["id"])[0]["to"] == "confirmed"
    wl = c.post("/v1/waitlist", {"service_id": w.sid, "customer": CUSTOMER,
                                 "earliest_date": WED, "latest_date": WED}, now=NOW)
    assert wl.status_code == 201, wl.text


def test_customer_key_is_403_elsewhere(w):
    c = make_key(w.server, w.t, "customer")
    bid = w.b["id"]
    routes = [
        ("GET", "/v1/bookings", NO_BODY),
        ("GET", f"/v1/bookings/{bid}", NO_BODY),
        ("GET", f"/v1/bookings/{bid}.ics", NO_BODY),
        ("GET", f"/v1/bookings/{bid}/history", NO_BODY),
        ("POST", f"/v1/bookings/{bid}/cancel", NO_BODY),
        ("POST", f"/v1/bookings/{bid}/reschedule", {"start": at(TUE, "10:00")}),
        ("GET", "/v1/providers", NO_BODY),
        ("GET", f"/v1/providers/{w.pid}/schedule", NO_BODY),
        ("POST", "/v1/providers", {"name": "X", "timezone": "UTC"}),
        ("GET", "/v1/services", NO_BODY),
        ("PATCH", f"/v1/services/{w.sid}", {"name": "X"}),
        ("GET", "/v1/holidays", NO_BODY),
        ("GET", "/v1/waitlist", NO_BODY),
        ("GET", "/v1/waitlist/wtl_00000000000000000000", NO_BODY),
        ("DELETE", "/v1/waitlist/wtl_00000000000000000000", NO_BODY),
        ("GET", "/v1/policy", NO_BODY),
        ("PUT", "/v1/policy", {}),
        ("GET", "/v1/events", NO_BODY),
    ]
    for method, path, body in routes:
        expect_problem(c.request(method, path, body, now=NOW), 403, "forbidden")
    assert get(w.t, bid) == public(w.b)


def test_staff_key_routes(w):
    s = make_key(w.server, w.t, "staff")
    assert s.ok("GET", "/v1/policy") is not None
    assert s.ok("GET", "/v1/waitlist")["data"] == []
    expect_problem(s.get("/v1/events"), 403, "forbidden")
    expect_problem(s.put("/v1/policy", {}), 403, "forbidden")
    b = booked(s, w.sid, at(TUE, "10:00"))
    assert b["manage_token"].startswith("mt_")
    r = act(s, b["id"], "cancel", {"reason": "staff did it"})
    assert r.status_code == 200, r.text
    assert history(w.t, b["id"])[-1]["actor"] == "staff"
