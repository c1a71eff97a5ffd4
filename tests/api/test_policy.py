"""Policies: tenant defaults (GET/PUT /v1/policy), per-service policy and requires_approval,
the resolved policy copied onto bookings, cancellation/reschedule deadlines, the reschedule
limit, late-cancellation and no-show fees, and min_notice/max_advance at reschedule.

Dates (2026): the bookings start Mon 2 Mar 10:00 New York (-05:00) = 15:00Z unless a test
says otherwise. Bookings are made at NOW (1 Feb 2026); each test works in a tenant of its
own.
"""
from datetime import datetime
from functools import partial

import pytest

import booking_helpers
from booking_helpers import at, consult_tenant, get, history, make_key
from conftest import expect_problem

NY = "America/New_York"
NOW = "2026-02-01T00:00:00Z"
MON, TUE, WED, THU = "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"
START = "2026-03-02T10:00:00-05:00"          # = 2026-03-02T15:00:00Z
POLICY_KEYS = ("cancellation_deadline_hours", "reschedule_deadline_hours", "max_reschedules",
               "late_cancellation_fees", "no_show_fee_percent", "waitlist_offer_minutes")
NO_POLICY = {k: None for k in POLICY_KEYS}


# --- helpers (the booking ones from booking_helpers, at NOW) ----------------------------------

book = partial(booking_helpers.book, now=NOW)
booked = partial(booking_helpers.booked, now=NOW)
act = partial(booking_helpers.act, now=NOW)
acted = partial(booking_helpers.acted, now=NOW)


def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def pol(**fields):
    p = dict(NO_POLICY)
    p.update(fields)
    return p


def resched(t, bid, start, now=NOW, **fields):
    return t.post(f"/v1/bookings/{bid}/reschedule", {"start": start, **fields}, now=now)


def tenant_policy(body):
    """A /v1/policy answer without its reminder offsets (left at the default here;
    test_reminders.py covers them)."""
    assert body.pop("reminder_offsets_minutes") == [1440, 60], body
    return body


def get_policy(t):
    return tenant_policy(t.ok("GET", "/v1/policy"))


def set_policy(t, **fields):
    return tenant_policy(t.ok("PUT", "/v1/policy", fields, status=200))


@pytest.fixture
def w(server):
    """A tenant of its own: provider New York 09:00-17:00 weekdays (auto-confirm) and a
    60-minute service priced 50.00 USD."""
    return consult_tenant(server)


# --- GET / PUT /v1/policy ----------------------------------------------------------------------

def test_default_policy_is_all_null(w):
    r = w.t.get("/v1/policy")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert tenant_policy(r.json()) == NO_POLICY


def test_put_round_trips(w):
    full = {"cancellation_deadline_hours": 24, "reschedule_deadline_hours": 12,
            "max_reschedules": 3, "late_cancellation_fees": [{"within_hours": 48, "percent": 25}],
            "no_show_fee_percent": 100, "waitlist_offer_minutes": 45}
    r = w.t.put("/v1/policy", full)
    assert r.status_code == 200, r.text
    assert tenant_policy(r.json()) == full
    assert get_policy(w.t) == full


def test_tiers_are_rendered_largest_window_first(w):
    tiers = [{"within_hours": 2, "percent": 100}, {"within_hours": 48, "percent": 25},
             {"within_hours": 24, "percent": 50}]
    got = set_policy(w.t, late_cancellation_fees=tiers)["late_cancellation_fees"]
    want = [{"within_hours": 48, "percent": 25}, {"within_hours": 24, "percent": 50},
            {"within_hours": 2, "percent": 100}]
    assert got == want
    assert get_policy(w.t)["late_cancellation_fees"] == want
    # Input order does not matter.
    got = set_policy(w.t, late_cancellation_fees=list(reversed(tiers)))
    assert got["late_cancellation_fees"] == want


def test_put_replaces_the_whole_object(w):
    set_policy(w.t, cancellation_deadline_hours=24, max_reschedules=2, no_show_fee_percent=50,
               late_cancellation_fees=[{"within_hours": 6, "percent": 50}])
    got = set_policy(w.t, reschedule_deadline_hours=6)
    assert got == pol(reschedule_deadline_hours=6)
    assert get_policy(w.t) == pol(reschedule_deadline_hours=6)
    assert set_policy(w.t) == NO_POLICY
    set_policy(w.t, max_reschedules=1)
    assert set_policy(w.t, **NO_POLICY) == NO_POLICY


def test_boundary_values_are_accepted(w):
    edge = {"cancellation_deadline_hours": 0, "reschedule_deadline_hours": 0,
            "max_reschedules": 0, "no_show_fee_percent": 0, "waitlist_offer_minutes": 1,
            "late_cancellation_fees": [{"within_hours": 1, "percent": 0},
                                       {"within_hours": 2, "percent": 100}]}
    got = set_policy(w.t, **edge)
    assert got == dict(edge, late_cancellation_fees=[{"within_hours": 2, "percent": 100},
                                                     {"within_hours": 1, "percent": 0}])
    assert set_policy(w.t, no_show_fee_percent=100)["no_show_fee_percent"] == 100


@pytest.mark.parametrize("body,pointer", [
    ({"bogus": 1}, "/bogus"),
    ({"cancellation_deadline_hours": -1}, "/cancellation_deadline_hours"),
    ({"cancellation_deadline_hours": 1.5}, "/cancellation_deadline_hours"),
    ({"cancellation_deadline_hours": "24"}, "/cancellation_deadline_hours"),
    ({"reschedule_deadline_hours": -1}, "/reschedule_deadline_hours"),
    ({"max_reschedules": -1}, "/max_reschedules"),
    ({"max_reschedules": True}, "/max_reschedules"),
    ({"no_show_fee_percent": 101}, "/no_show_fee_percent"),
    ({"no_show_fee_percent": -1}, "/no_show_fee_percent"),
    ({"waitlist_offer_minutes": 0}, "/waitlist_offer_minutes"),
    ({"late_cancellation_fees": [{"within_hours": 2, "percent": 101}]},
     "/late_cancellation_fees/0/percent"),
    ({"late_cancellation_fees": [{"within_hours": 2, "percent": -1}]},
     "/late_cancellation_fees/0/percent"),
    ({"late_cancellation_fees": [{"within_hours": 24, "percent": 10},
                                 {"within_hours": 0, "percent": 10}]},
     "/late_cancellation_fees/1/within_hours"),
    ({"late_cancellation_fees": [{"within_hours": 2}]}, "/late_cancellation_fees/0/percent"),
    ({"late_cancellation_fees": [{"percent": 5}]}, "/late_cancellation_fees/0/within_hours"),
    ({"late_cancellation_fees": [{"within_hours": 2, "percent": 5, "x": 1}]},
     "/late_cancellation_fees/0/x"),
    ({"late_cancellation_fees": [{"within_hours": 2, "percent": 10},
                                 {"within_hours": 2, "percent": 20}]}, "/late_cancellation_fees"),
    ({"late_cancellation_fees": {"within_hours": 2, "percent": 10}}, "/late_cancellation_fees"),
    ({"late_cancellation_fees": [5]}, "/late_cancellation_fees/0"),
])
def test_invalid_policy_is_422_and_changes_nothing(w, body, pointer):
    before = set_policy(w.t, cancellation_deadline_hours=24)
    expect_problem(w.t.put("/v1/policy", body), 422, "validation_failed", pointer)
    assert get_policy(w.t) == before


def test_policy_roles(w):
    staff = make_key(w.server, w.t, "staff")
    customer = make_key(w.server, w.t, "customer")
    set_policy(w.t, max_reschedules=2)
    assert get_policy(staff) == pol(max_reschedules=2)
    expect_problem(staff.put("/v1/policy", {}), 403, "forbidden")
    expect_problem(customer.get("/v1/policy"), 403, "forbidden")
    expect_problem(customer.put("/v1/policy", {}), 403, "forbidden")
    expect_problem(w.t.get("/v1/policy", key=None), 401, "unauthorized")
    assert get_policy(w.t) == pol(max_reschedules=2)


def test_policy_is_per_tenant(server, w):
    set_policy(w.t, cancellation_deadline_hours=48)
    other = server.tenant()
    assert get_policy(other) == NO_POLICY


# --- services: policy and requires_approval ------------------------------------------------------

def test_service_renders_policy_and_requires_approval(w):
    s = w.t.service([w.pid], "Approve", 60, requires_approval=True,
                    policy={"max_reschedules": 1,
                            "late_cancellation_fees": [{"within_hours": 2, "percent": 100},
                                                       {"within_hours": 24, "percent": 10}]})
    assert s["requires_approval"] is True
    assert s["policy"] == pol(max_reschedules=1, late_cancellation_fees=[
        {"within_hours": 24, "percent": 10}, {"within_hours": 2, "percent": 100}])
    assert w.t.ok("GET", f"/v1/services/{s['id']}") == s
    plain = w.t.ok("GET", f"/v1/services/{w.sid}")
    assert (plain["requires_approval"], plain["policy"]) == (False, NO_POLICY)


def test_service_patch_policy_and_requires_approval(w):
    sid = w.sid
    s = w.t.ok("PATCH", f"/v1/services/{sid}",
               {"policy": {"cancellation_deadline_hours": 6, "no_show_fee_percent": 20}},
               status=200)
    assert s["policy"] == pol(cancellation_deadline_hours=6, no_show_fee_percent=20)
    s = w.t.ok("PATCH", f"/v1/services/{sid}", {"requires_approval": True}, status=200)
    assert s["requires_approval"] is True
    assert s["policy"] == pol(cancellation_deadline_hours=6, no_show_fee_percent=20)
    s = w.t.ok("PATCH", f"/v1/services/{sid}", {"name": "Renamed"}, status=200)
    assert (s["requires_approval"], s["policy"]["cancellation_deadline_hours"]) == (True, 6)
    assert w.t.ok("GET", f"/v1/services/{sid}") == s


@pytest.mark.parametrize("change,pointer", [
    ({"requires_approval": "yes"}, "/requires_approval"),
    ({"requires_approval": 1}, "/requires_approval"),
    ({"policy": {"max_reschedules": -2}}, "/policy/max_reschedules"),
    ({"policy": {"nope": 1}}, "/policy/nope"),
    ({"policy": {"late_cancellation_fees": [{"within_hours": 3, "percent": 200}]}},
     "/policy/late_cancellation_fees/0/percent"),
    ({"policy": {"late_cancellation_fees": [{"within_hours": 3, "percent": 20},
                                            {"within_hours": 3, "percent": 30}]}},
     "/policy/late_cancellation_fees"),
    ({"policy": "strict"}, "/policy"),
])
def test_invalid_service_policy_is_422(w, change, pointer):
    body = {"name": "X", "duration_minutes": 30, "provider_ids": [w.pid], **change}
    expect_problem(w.t.post("/v1/services", body), 422, "validation_failed", pointer)
    expect_problem(w.t.patch(f"/v1/services/{w.sid}", change), 422, "validation_failed",
                   pointer)
    s = w.t.ok("GET", f"/v1/services/{w.sid}")
    assert (s["requires_approval"], s["policy"]) == (False, NO_POLICY)


# --- the resolved policy is copied onto the booking --------------------------------------------

def test_booking_policy_is_service_over_tenant(w):
    set_policy(w.t, cancellation_deadline_hours=24, reschedule_deadline_hours=12,
               max_reschedules=3, late_cancellation_fees=[{"within_hours": 24, "percent": 50}],
               no_show_fee_percent=100, waitlist_offer_minutes=30)
    sid = w.t.service([w.pid], "Own", 60, price="10.00", currency="USD",
                      policy={"max_reschedules": 1, "cancellation_deadline_hours": None,
                              "late_cancellation_fees": [{"within_hours": 2, "percent": 80}]}
                      )["id"]
    b = booked(w.t, sid, START)
    want = {"cancellation_deadline_hours": 24, "reschedule_deadline_hours": 12,
            "max_reschedules": 1, "late_cancellation_fees": [{"within_hours": 2, "percent": 80}],
            "no_show_fee_percent": 100, "waitlist_offer_minutes": 30}
    assert b["policy"] == want
    assert get(w.t, b["id"])["policy"] == want
    assert b["reschedule_count"] == 0 and b["fee"] is None
    # A service without a policy gets the tenant's.
    b2 = booked(w.t, w.sid, at(MON, "12:00"))
    assert b2["policy"] == get_policy(w.t)


def test_later_policy_edits_do_not_change_existing_bookings(w):
    set_policy(w.t, cancellation_deadline_hours=24,
               late_cancellation_fees=[{"within_hours": 48, "percent": 50}])
    b = booked(w.t, w.sid, START)
    copied = b["policy"]
    set_policy(w.t, max_reschedules=0)
    w.t.ok("PATCH", f"/v1/services/{w.sid}",
           {"policy": {"cancellation_deadline_hours": 1, "late_cancellation_fees": []}},
           status=200)
    assert get(w.t, b["id"])["policy"] == copied
    assert [x["id"] for x in w.t.list_all("/v1/bookings") if x["policy"] == copied] == [b["id"]]
    # The copied deadline (24 h) still decides: 2 hours before the start is too late ...
    expect_problem(act(w.t, b["id"], "cancel", now="2026-03-02T13:00:00Z"), 422,
                   "policy_deadline_passed")
    # ... and the copied tiers still charge 50 % 30 hours before the start.
    c = acted(w.t, b["id"], "cancel", now="2026-03-01T09:00:00Z")
    assert c["fee"] == {"amount": "25.00", "currency": "USD", "reason": "late_cancellation"}
    # A new booking gets the current policies.
    nb = booked(w.t, w.sid, at(TUE, "10:00"))
    assert nb["policy"]["max_reschedules"] == 0
    assert nb["policy"]["cancellation_deadline_hours"] == 1
    assert nb["policy"]["late_cancellation_fees"] == []


# --- cancellation deadline ---------------------------------------------------------------------

@pytest.fixture
def dl(w):
    """Tenant policy: cancellation 24 h, reschedule 12 h before the start."""
    set_policy(w.t, cancellation_deadline_hours=24, reschedule_deadline_hours=12)
    return w


@pytest.mark.parametrize("now,allowed", [
    ("2026-03-01T14:59:59Z", True),     # one second before the deadline
    ("2026-03-01T15:00:00Z", True),     # exactly at start - 24 h
    ("2026-03-01T10:00:00-05:00", True),  # the same instant in New York time
    ("2026-03-01T15:00:01Z", False),    # one second after
    ("2026-03-02T14:59:59Z", False),
    ("2026-03-02T16:00:00Z", False),    # after the start
])
def test_cancellation_deadline_boundary(dl, now, allowed):
    b = booked(dl.t, dl.sid, START)
    r = act(dl.t, b["id"], "cancel", {"reason": "plans changed"}, now=now)
    if allowed:
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
    else:
        p = expect_problem(r, 422, "policy_deadline_passed")
        assert p["errors"] == []
        assert get(dl.t, b["id"])["status"] == "confirmed"
        assert len(history(dl.t, b["id"])) == 1


def test_cancellation_deadline_problem_names_the_deadline(dl):
    b = booked(dl.t, dl.sid, START)
    p = expect_problem(act(dl.t, b["id"], "cancel", now="2026-03-01T15:00:01Z"), 422,
                       "policy_deadline_passed")
    assert "deadline" in p, p
    assert instant(p["deadline"]) == instant("2026-03-01T15:00:00Z"), p


def test_deadline_zero_closes_at_the_start(w):
    set_policy(w.t, cancellation_deadline_hours=0)
    b1 = booked(w.t, w.sid, START)
    b2 = booked(w.t, w.sid, at(MON, "12:00"))
    assert acted(w.t, b1["id"], "cancel", now="2026-03-02T15:00:00Z")["status"] == "cancelled"
    expect_problem(act(w.t, b2["id"], "cancel", now="2026-03-02T17:00:01Z"), 422,
                   "policy_deadline_passed")


def test_no_deadline_means_cancel_any_time(w):
    b = booked(w.t, w.sid, START)
    assert acted(w.t, b["id"], "cancel", now="2026-03-02T16:00:00Z")["status"] == "cancelled"


def test_deadline_applies_to_pending_bookings(dl):
    sid = dl.t.service([dl.pid], "Approve", 60, requires_approval=True)["id"]
    b = booked(dl.t, sid, START)
    assert b["status"] == "pending"
    expect_problem(act(dl.t, b["id"], "cancel", now="2026-03-02T12:00:00Z"), 422,
                   "policy_deadline_passed")


def test_admin_force_cancels_past_the_deadline(dl):
    b = booked(dl.t, dl.sid, START)
    later = "2026-03-02T14:00:00Z"
    c = acted(dl.t, b["id"], "cancel", {"force": True, "reason": "doctor ill"}, now=later)
    assert c["status"] == "cancelled"
    last = history(dl.t, b["id"])[-1]
    assert (last["from"], last["to"], last["actor"], last["at"]) == (
        "confirmed", "cancelled", "admin", later)
    assert "forced past the cancellation deadline" in last["reason"], last
    # The time is free again.
    assert booked(dl.t, dl.sid, START, now=later,
                  customer={"name": "Bo", "email": "b@example.com"})


def test_force_false_does_not_override(dl):
    b = booked(dl.t, dl.sid, START)
    expect_problem(act(dl.t, b["id"], "cancel", {"force": False}, now="2026-03-02T14:00:00Z"),
                   422, "policy_deadline_passed")


def test_staff_may_not_force(dl):
    staff = make_key(dl.server, dl.t, "staff")
    b = booked(dl.t, dl.sid, START)
    expect_problem(act(staff, b["id"], "cancel", {"force": True},
                       now="2026-03-02T14:00:00Z"), 403, "forbidden")
    expect_problem(act(staff, b["id"], "cancel", now="2026-03-02T14:00:00Z"), 422,
                   "policy_deadline_passed")
    assert get(dl.t, b["id"])["status"] == "confirmed"
    # Before the deadline staff cancel normally.
    assert acted(staff, b["id"], "cancel", now="2026-02-20T00:00:00Z")["status"] == "cancelled"
    assert history(dl.t, b["id"])[-1]["actor"] == "staff"


def test_staff_force_before_the_deadline_is_403_too(dl):
    staff = make_key(dl.server, dl.t, "staff")
    b = booked(dl.t, dl.sid, START)
    expect_problem(act(staff, b["id"], "cancel", {"force": True}, now="2026-02-20T00:00:00Z"),
                   403, "forbidden")
    assert get(dl.t, b["id"])["status"] == "confirmed"


@pytest.mark.parametrize("body,pointer", [({"force": "yes"}, "/force"),
                                          ({"force": 1}, "/force"),
                                          ({"waive_fee": "true"}, "/waive_fee"),
                                          ({"reason": "x", "bogus": True}, "/bogus")])
def test_invalid_cancel_body_is_422(dl, body, pointer):
    b = booked(dl.t, dl.sid, START)
    expect_problem(act(dl.t, b["id"], "cancel", body), 422, "validation_failed", pointer)
    assert get(dl.t, b["id"])["status"] == "confirmed"


# --- late-cancellation fees ----------------------------------------------------------------------

FEE_TIERS = [{"within_hours": 24, "percent": 50}, {"within_hours": 2, "percent": 100}]


def late(amount, currency="USD"):
    return {"amount": amount, "currency": currency, "reason": "late_cancellation"}


@pytest.mark.parametrize("now,fee", [
    ("2026-02-20T00:00:00Z", None),
    ("2026-03-01T14:59:59Z", None),            # 24 h + 1 s before: no tier yet
    ("2026-03-01T15:00:00Z", None),            # exactly 24 h before: not yet within
    ("2026-03-01T15:00:01Z", late("25.00")),   # within 24 h
    ("2026-03-02T13:00:00Z", late("25.00")),   # exactly 2 h before: still the 24 h tier
    ("2026-03-02T13:00:01Z", late("50.00")),   # within 2 h
    ("2026-03-02T14:59:59Z", late("50.00")),
    ("2026-03-02T16:00:00Z", late("50.00")),   # after the start
])
def test_late_cancellation_fee_tiers(w, now, fee):
    set_policy(w.t, late_cancellation_fees=FEE_TIERS)
    b = booked(w.t, w.sid, START)
    c = acted(w.t, b["id"], "cancel", now=now)
    assert c["status"] == "cancelled"
    assert c["fee"] == fee
    assert get(w.t, b["id"])["fee"] == fee


def test_highest_percent_among_begun_tiers_wins(w):
    set_policy(w.t, late_cancellation_fees=[{"within_hours": 24, "percent": 80},
                                            {"within_hours": 2, "percent": 10}])
    b = booked(w.t, w.sid, START)
    assert acted(w.t, b["id"], "cancel", now="2026-03-02T14:00:00Z")["fee"] == late("40.00")
    b = booked(w.t, w.sid, at(MON, "12:00"))
    assert acted(w.t, b["id"], "cancel", now="2026-03-02T04:00:00Z")["fee"] == late("40.00")


@pytest.mark.parametrize("price,currency,percent,amount", [
    ("33.33", "USD", 50, "16.67"),     # 16.665 rounds half up
    ("33.31", "USD", 50, "16.66"),     # 16.655 rounds half up
    ("10", "USD", 25, "2.50"),         # at least two decimals
    ("10", "JPY", 33, "3.30"),
    ("0.05", "USD", 50, "0.03"),       # 0.025 rounds half up
    ("19.999", "KWD", 50, "10.000"),   # 9.9995 at the price's three decimals
    ("1.005", "KWD", 50, "0.503"),     # 0.5025
    ("80", "EUR", 100, "80.00"),
    ("99999.99", "USD", 1, "1000.00"),  # 999.9999
])
def test_fee_rounding(w, price, currency, percent, amount):
    sid = w.t.service([w.pid], "Priced", 60, price=price, currency=currency,
                      policy={"late_cancellation_fees": [{"within_hours": 48,
                                                          "percent": percent}]})["id"]
    b = booked(w.t, sid, START)
    c = acted(w.t, b["id"], "cancel", now="2026-03-02T12:00:00Z")
    assert c["fee"] == late(amount, currency), c["fee"]


@pytest.mark.parametrize("price", [None, "0", "0.00"])
def test_free_services_never_get_a_late_cancellation_fee(w, price):
    fields = {"price": price, "currency": "USD"} if price else {}
    sid = w.t.service([w.pid], "Free", 60, policy={
        "late_cancellation_fees": [{"within_hours": 48, "percent": 100}]}, **fields)["id"]
    b = booked(w.t, sid, START)
    assert acted(w.t, b["id"], "cancel", now="2026-03-02T14:00:00Z")["fee"] is None
    assert get(w.t, b["id"])["fee"] is None


@pytest.mark.parametrize("price", [None, "0", "0.00"])
def test_free_services_never_get_a_no_show_fee(w, price):
    fields = {"price": price, "currency": "USD"} if price else {}
    sid = w.t.service([w.pid], "Free", 60, policy={"no_show_fee_percent": 100}, **fields)["id"]
    b = booked(w.t, sid, START)
    assert acted(w.t, b["id"], "no-show", now="2026-03-02T16:00:00Z")["fee"] is None
    assert get(w.t, b["id"])["fee"] is None


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_waive_fee(w, role):
    set_policy(w.t, late_cancellation_fees=FEE_TIERS)
    k = w.t if role == "admin" else make_key(w.server, w.t, "staff")
    b = booked(w.t, w.sid, START)
    c = acted(k, b["id"], "cancel", {"waive_fee": True}, now="2026-03-02T14:00:00Z")
    assert (c["status"], c["fee"]) == ("cancelled", None)
    # The fee let go is kept for the record (and analytics), not owed.
    assert c["fee_waived"] == late("50.00")
    assert get(w.t, b["id"])["fee"] is None
    assert get(w.t, b["id"])["fee_waived"] == late("50.00")
    b = booked(w.t, w.sid, at(MON, "12:00"))
    c = acted(k, b["id"], "cancel", {"waive_fee": False}, now="2026-03-02T14:00:00Z")
    assert c["fee"] == late("25.00")


def test_fee_uses_the_booking_currency(w):
    sid = w.t.service([w.pid], "Euro", 60, price="80", currency="EUR")["id"]
    set_policy(w.t, late_cancellation_fees=[{"within_hours": 24, "percent": 25}])
    b = booked(w.t, sid, START)
    assert acted(w.t, b["id"], "cancel", now="2026-03-02T00:00:00Z")["fee"] == \
        late("20.00", "EUR")


def test_fee_and_forced_cancel_together(w):
    set_policy(w.t, cancellation_deadline_hours=24, late_cancellation_fees=FEE_TIERS)
    b = booked(w.t, w.sid, START)
    c = acted(w.t, b["id"], "cancel", {"force": True}, now="2026-03-02T14:00:00Z")
    assert c["fee"] == late("50.00")
    b = booked(w.t, w.sid, at(MON, "12:00"))
    c = acted(w.t, b["id"], "cancel", {"force": True, "waive_fee": True},
              now="2026-03-02T14:00:00Z")
    assert (c["status"], c["fee"]) == ("cancelled", None)


def test_fee_shows_in_the_list(w):
    set_policy(w.t, late_cancellation_fees=FEE_TIERS)
    b = booked(w.t, w.sid, START)
    acted(w.t, b["id"], "cancel", now="2026-03-02T14:00:00Z")
    rows = w.t.list_all("/v1/bookings", params={"status": "cancelled"})
    assert [(x["id"], x["fee"]) for x in rows] == [(b["id"], late("50.00"))]


# --- no-show fee -----------------------------------------------------------------------------

@pytest.mark.parametrize("percent,fee", [(100, "50.00"), (33, "16.50"), (None, None), (0, None)])
def test_no_show_fee(w, percent, fee):
    set_policy(w.t, no_show_fee_percent=percent,
               late_cancellation_fees=[{"within_hours": 48, "percent": 100}])
    b = booked(w.t, w.sid, START)
    n = acted(w.t, b["id"], "no-show", now="2026-03-02T16:00:00Z")
    assert n["status"] == "no_show"
    want = {"amount": fee, "currency": "USD", "reason": "no_show"} if fee else None
    assert n["fee"] == want
    assert get(w.t, b["id"])["fee"] == want


def test_completed_bookings_get_no_fee(w):
    set_policy(w.t, no_show_fee_percent=100,
               late_cancellation_fees=[{"within_hours": 48, "percent": 100}])
    b = booked(w.t, w.sid, START)
    assert acted(w.t, b["id"], "complete", now="2026-03-02T16:00:00Z")["fee"] is None


# --- reschedule: deadline and limit --------------------------------------------------------------

@pytest.mark.parametrize("now,allowed", [
    ("2026-03-02T02:59:59Z", True),
    ("2026-03-02T03:00:00Z", True),     # exactly start - 12 h
    ("2026-03-02T03:00:01Z", False),
    ("2026-03-02T14:00:00Z", False),
])
def test_reschedule_deadline_boundary(dl, now, allowed):
    b = booked(dl.t, dl.sid, START)
    r = resched(dl.t, b["id"], at(TUE, "10:00"), now=now)
    if allowed:
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["start"], got["reschedule_count"]) == (at(TUE, "10:00"), 1)
    else:
        expect_problem(r, 422, "policy_deadline_passed")
        got = get(dl.t, b["id"])
        assert (got["start"], got["reschedule_count"], got["version"]) == (START, 0, 1)


def test_reschedule_deadline_problem_names_the_deadline(dl):
    b = booked(dl.t, dl.sid, START)
    p = expect_problem(resched(dl.t, b["id"], at(TUE, "10:00"), now="2026-03-02T03:00:01Z"),
                       422, "policy_deadline_passed")
    assert instant(p["deadline"]) == instant("2026-03-02T03:00:00Z"), p


def test_reschedule_deadline_follows_the_current_start(dl):
    b = booked(dl.t, dl.sid, START)
    # Moved to Tuesday 10:00 (15:00Z): its deadline is now Tuesday 03:00Z.
    assert resched(dl.t, b["id"], at(TUE, "10:00"), now="2026-03-01T00:00:00Z").status_code \
        == 200
    r = resched(dl.t, b["id"], at(WED, "10:00"), now="2026-03-02T12:00:00Z")
    assert r.status_code == 200, r.text
    assert r.json()["reschedule_count"] == 2


def test_admin_force_reschedules_past_the_deadline(dl):
    b = booked(dl.t, dl.sid, START)
    r = resched(dl.t, b["id"], at(TUE, "10:00"), now="2026-03-02T14:00:00Z", force=True)
    assert r.status_code == 200, r.text
    assert (r.json()["start"], r.json()["reschedule_count"]) == (at(TUE, "10:00"), 1)
    staff = make_key(dl.server, dl.t, "staff")
    expect_problem(resched(staff, b["id"], at(WED, "10:00"), now="2026-03-03T14:00:00Z",
                           force=True), 403, "forbidden")
    assert get(dl.t, b["id"])["start"] == at(TUE, "10:00")


def test_reschedule_limit(w):
    set_policy(w.t, max_reschedules=2)
    b = booked(w.t, w.sid, START)
    for n, day in ((1, TUE), (2, WED)):
        r = resched(w.t, b["id"], at(day, "10:00"), reason=f"move {n}")
        assert r.status_code == 200, r.text
        assert r.json()["reschedule_count"] == n
        assert get(w.t, b["id"])["reschedule_count"] == n
    p = expect_problem(resched(w.t, b["id"], at(THU, "10:00")), 422, "reschedule_limit_reached")
    assert p["errors"] == []
    got = get(w.t, b["id"])
    assert (got["start"], got["reschedule_count"], got["version"]) == (at(WED, "10:00"), 2, 3)
    # Staff may not force, admin may.
    staff = make_key(w.server, w.t, "staff")
    expect_problem(resched(staff, b["id"], at(THU, "10:00"), force=True), 403, "forbidden")
    expect_problem(resched(staff, b["id"], at(THU, "10:00")), 422, "reschedule_limit_reached")
    r = resched(w.t, b["id"], at(THU, "10:00"), force=True)
    assert r.status_code == 200, r.text
    assert (r.json()["start"], r.json()["reschedule_count"]) == (at(THU, "10:00"), 3)


def test_max_reschedules_zero_refuses_the_first(w):
    set_policy(w.t, max_reschedules=0)
    b = booked(w.t, w.sid, START)
    expect_problem(resched(w.t, b["id"], at(TUE, "10:00")), 422, "reschedule_limit_reached")
    assert get(w.t, b["id"])["start"] == START


def test_no_limit_means_unlimited_reschedules(w):
    b = booked(w.t, w.sid, START)
    for n, hm in enumerate(("11:00", "12:00", "13:00", "14:00"), 1):
        r = resched(w.t, b["id"], at(MON, hm))
        assert r.status_code == 200, r.text
        assert r.json()["reschedule_count"] == n


def test_refused_reschedule_does_not_count(w):
    set_policy(w.t, max_reschedules=1)
    b = booked(w.t, w.sid, START)
    other = booked(w.t, w.sid, at(TUE, "10:00"), customer={"name": "Bo",
                                                           "email": "bo@example.com"})
    expect_problem(resched(w.t, b["id"], other["start"]), 409, "slot_taken")
    expect_problem(resched(w.t, b["id"], "2026-03-07T10:00:00-05:00"), 422, "slot_unavailable")
    assert get(w.t, b["id"])["reschedule_count"] == 0
    assert resched(w.t, b["id"], at(WED, "10:00")).status_code == 200


def test_deadline_is_checked_before_the_limit_and_force_overrides_both(w):
    set_policy(w.t, reschedule_deadline_hours=24, max_reschedules=0)
    b = booked(w.t, w.sid, START)
    r = resched(w.t, b["id"], at(TUE, "10:00"), now="2026-03-02T12:00:00Z")
    assert r.status_code == 422
    assert r.json()["code"] in ("policy_deadline_passed", "reschedule_limit_reached")
    r = resched(w.t, b["id"], at(TUE, "10:00"), now="2026-03-02T12:00:00Z", force=True)
    assert r.status_code == 200, r.text
    assert r.json()["reschedule_count"] == 1


# --- min_notice / max_advance at create and reschedule ----------------------------------------

def reasons(p):
    return [x["code"] for x in p["reasons"]]


def test_min_notice_at_create_and_reschedule(w):
    sid = w.t.service([w.pid], "Notice", 60, min_notice_minutes=120)["id"]
    b = booked(w.t, sid, at(MON, "15:00"), now="2026-03-01T00:00:00Z")
    now = "2026-03-02T13:00:00Z"  # 08:00 New York
    p = expect_problem(resched(w.t, b["id"], at(MON, "09:00"), now=now), 422,
                       "slot_unavailable")
    assert reasons(p) == ["min_notice"]
    p = expect_problem(book(w.t, sid, at(MON, "09:00"), now=now), 422, "slot_unavailable")
    assert reasons(p) == ["min_notice"]
    # Exactly 120 minutes ahead is allowed.
    r = resched(w.t, b["id"], at(MON, "10:00"), now=now)
    assert r.status_code == 200, r.text
    assert r.json()["start"] == at(MON, "10:00")


def test_max_advance_at_create_and_reschedule(w):
    sid = w.t.service([w.pid], "Soon", 60, max_advance_days=7)["id"]
    now = "2026-03-02T14:00:00Z"   # latest start: Mon 9 Mar 10:00 EDT
    b = booked(w.t, sid, at(TUE, "10:00"), now=now)
    p = expect_problem(resched(w.t, b["id"], "2026-03-09T11:00:00-04:00", now=now), 422,
                       "slot_unavailable")
    assert reasons(p) == ["max_advance"]
    p = expect_problem(book(w.t, sid, "2026-03-09T11:00:00-04:00", now=now), 422,
                       "slot_unavailable")
    assert reasons(p) == ["max_advance"]
    r = resched(w.t, b["id"], "2026-03-09T10:00:00-04:00", now=now)
    assert r.status_code == 200, r.text


# --- requires_approval -------------------------------------------------------------------------

def test_requires_approval_makes_bookings_pending(w):
    sid = w.t.service([w.pid], "Approve", 60, requires_approval=True)["id"]
    b = booked(w.t, sid, START)
    assert b["status"] == "pending"
    assert history(w.t, b["id"])[0]["to"] == "pending"
    # The provider auto-confirms other services.
    assert booked(w.t, w.sid, at(MON, "12:00"))["status"] == "confirmed"
    # Pending blocks the time like any booking.
    expect_problem(book(w.t, sid, START), 409, "slot_taken")
    assert acted(w.t, b["id"], "confirm")["status"] == "confirmed"
    # Switched off: new bookings are confirmed again; the old one is unchanged.
    w.t.ok("PATCH", f"/v1/services/{sid}", {"requires_approval": False}, status=200)
    assert booked(w.t, sid, at(TUE, "10:00"))["status"] == "confirmed"
    # And switched on later via PATCH.
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"requires_approval": True}, status=200)
    assert booked(w.t, w.sid, at(WED, "10:00"))["status"] == "pending"
    assert get(w.t, b["id"])["status"] == "confirmed"


def test_requires_approval_with_a_hold(w):
    sid = w.t.service([w.pid], "Approve", 60, requires_approval=True)["id"]
    h = w.t.ok("POST", "/v1/holds", {"service_id": sid, "start": START}, now=NOW)
    b = booked(w.t, sid, START, hold_id=h["id"])
    assert b["status"] == "pending"


# --- hours are absolute, also across a DST change ------------------------------------------------

# Mon 9 Mar 2026 10:00 EDT = 14:00Z; 48 hours earlier is Sat 7 Mar 14:00Z = 09:00 EST (the
# clocks moved on Sun 8 Mar), not 10:00 EST.
DST_START = "2026-03-09T10:00:00-04:00"


@pytest.mark.parametrize("now,allowed", [("2026-03-07T14:00:00Z", True),
                                         ("2026-03-07T14:00:01Z", False),
                                         ("2026-03-07T14:30:00Z", False)])
def test_cancellation_deadline_across_dst(w, now, allowed):
    set_policy(w.t, cancellation_deadline_hours=48)
    b = booked(w.t, w.sid, DST_START)
    r = act(w.t, b["id"], "cancel", now=now)
    if allowed:
        assert r.status_code == 200, r.text
    else:
        expect_problem(r, 422, "policy_deadline_passed")


@pytest.mark.parametrize("now,fee", [("2026-03-07T14:00:00Z", None),
                                     ("2026-03-07T14:00:01Z", late("10.00")),
                                     ("2026-03-07T14:30:00Z", late("10.00"))])
def test_fee_window_across_dst(w, now, fee):
    set_policy(w.t, late_cancellation_fees=[{"within_hours": 48, "percent": 20}])
    b = booked(w.t, w.sid, DST_START)
    assert acted(w.t, b["id"], "cancel", now=now)["fee"] == fee


@pytest.mark.parametrize("body,pointer", [({"start": at(TUE, "10:00"), "force": "yes"}, "/force"),
                                          ({"start": at(TUE, "10:00"), "x": 1}, "/x")])
def test_invalid_reschedule_body_is_422(w, body, pointer):
    b = booked(w.t, w.sid, START)
    r = w.t.post(f"/v1/bookings/{b['id']}/reschedule", body, now=NOW)
    expect_problem(r, 422, "validation_failed", pointer)
    assert get(w.t, b["id"])["start"] == START


@pytest.mark.parametrize("now,allowed", [
    ("2026-03-01T15:00:00Z", True),     # exactly start - 24 h
    ("2026-03-01T15:00:01Z", False),
])
def test_without_a_reschedule_deadline_moving_closes_with_cancelling(w, now, allowed):
    """Otherwise a customer inside the cancellation window could move the booking weeks
    ahead and then cancel it free of charge."""
    set_policy(w.t, cancellation_deadline_hours=24,
               late_cancellation_fees=[{"within_hours": 24, "percent": 100}])
    b = booked(w.t, w.sid, START)
    r = resched(w.t, b["id"], at(THU, "10:00"), now=now)
    if allowed:
        assert r.status_code == 200, r.text
        return
    p = expect_problem(r, 422, "policy_deadline_passed")
    assert p["deadline"] == "2026-03-01T15:00:00Z", p
    assert get(w.t, b["id"])["start"] == START
