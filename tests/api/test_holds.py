"""/v1/holds: a start reserved for a few minutes. Live holds count as taken time in slots,
explain and bookings; a booking with hold_id consumes its hold; holds expire by the clock
(X-Test-Now); live holds per owner are capped.

Dates (2026): Mon 2 Mar .. Fri 6 Mar, New York is -05:00. "now" is HNOW (Sun 1 Mar 12:00Z)
unless a test says otherwise; a hold with the default TTL then expires at 12:10:00Z. Every test
works in a tenant of its own.
"""
import re
from functools import partial

import pytest

import booking_helpers
from booking_helpers import (ABSENT, at, body_for, consult_tenant, history, make_key, new_key,
                             shift)
from conftest import expect_problem, weekdays

NY = "America/New_York"
HNOW = "2026-03-01T12:00:00Z"
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"
HOLD_KEYS = {"id", "service_id", "provider_id", "start", "end", "expires_at", "live",
             "waitlist_id", "created_at"}
HOLD_ID_RE = re.compile(r"hld_[0-9a-z]{20}")


# --- helpers (the booking ones from booking_helpers, at HNOW) ---------------------------------

post = partial(booking_helpers.post, now=HNOW)
book = partial(booking_helpers.book, now=HNOW)
booked = partial(booking_helpers.booked, now=HNOW)


def hold(t, service_id, start, provider_id=ABSENT, now=HNOW, **fields):
    b = {"service_id": service_id, "start": start}
    if provider_id is not ABSENT:
        b["provider_id"] = provider_id
    b.update(fields)
    return t.post("/v1/holds", b, now=now)


def held(t, service_id, start, provider_id=ABSENT, now=HNOW, **fields):
    r = hold(t, service_id, start, provider_id, now=now, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def starts(t, sid, pid, day, now=HNOW):
    return t.starts(sid, pid, day, now=now)


def explain(t, sid, pid, start, now=HNOW):
    return t.explain(sid, pid, start, now=now)


@pytest.fixture
def w(server):
    """A tenant: provider "p" New York 09:00-17:00 weekdays with a 60-minute service priced
    50.00 USD."""
    return consult_tenant(server)


# --- create / read -----------------------------------------------------------------------------

def test_create_returns_the_hold_exactly(w):
    r = hold(w.t, w.sid, "2026-03-02T15:00:00Z", w.pid,
             customer={"name": "Ann", "email": "ann@example.com", "phone": "+1 555 0100"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    h = r.json()
    assert set(h) == HOLD_KEYS
    assert HOLD_ID_RE.fullmatch(h["id"]), h["id"]
    assert {k: v for k, v in h.items() if k != "id"} == {
        "service_id": w.sid, "provider_id": w.pid,
        "start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00",
        "expires_at": "2026-03-01T12:10:00Z", "live": True, "waitlist_id": None,
        "created_at": HNOW}
    g = w.t.get(f"/v1/holds/{h['id']}", now=HNOW)
    assert g.status_code == 200, g.text
    assert g.json() == h


def test_expires_at_is_now_plus_ttl_in_utc(w):
    now = "2026-03-01T07:30:15-05:00"   # 12:30:15Z
    h = held(w.t, w.sid, at(MON, "10:00"), now=now, ttl_seconds=30)
    assert (h["created_at"], h["expires_at"]) == ("2026-03-01T12:30:15Z", "2026-03-01T12:30:45Z")
    h = held(w.t, w.sid, at(MON, "11:00"), now=now, ttl_seconds=3600)
    assert h["expires_at"] == "2026-03-01T13:30:15Z"
    h = held(w.t, w.sid, at(MON, "12:00"), now=now, ttl_seconds=61)
    assert h["expires_at"] == "2026-03-01T12:31:16Z"


@pytest.mark.parametrize("provider_id", [ABSENT, "any", None])
def test_provider_any_absent_or_null_picks_the_provider(w, provider_id):
    h = held(w.t, w.sid, at(MON, "10:00"), provider_id)
    assert h["provider_id"] == w.pid


def test_start_in_any_offset_is_rendered_in_the_provider_zone(w):
    h = held(w.t, w.sid, "2026-03-02T16:00:00+01:00")
    assert (h["start"], h["end"]) == ("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00")


@pytest.mark.parametrize("change,pointer", [
    ({"extra": 1}, "/extra"),
    ({"ttl_seconds": 29}, "/ttl_seconds"),
    ({"ttl_seconds": 3601}, "/ttl_seconds"),
    ({"ttl_seconds": 0}, "/ttl_seconds"),
    ({"ttl_seconds": -600}, "/ttl_seconds"),
    ({"ttl_seconds": "600"}, "/ttl_seconds"),
    ({"ttl_seconds": 60.5}, "/ttl_seconds"),
    ({"service_id": "svc_00000000000000000000"}, "/service_id"),
    ({"service_id": "nope"}, "/service_id"),
    ({"service_id": 5}, "/service_id"),
    ({"provider_id": "prv_00000000000000000000"}, "/provider_id"),
    ({"provider_id": "nope"}, "/provider_id"),
    ({"start": "2026-03-02T10:00:00"}, "/start"),
    ({"start": "tomorrow"}, "/start"),
    ({"customer": "Ann"}, "/customer"),
    ({"customer": {"name": "A", "email": "not-an-email"}}, "/customer/email"),
    ({"customer": {"name": "A", "email": "a@example.com", "age": 3}}, "/customer/age"),
])
def test_invalid_body_is_422_and_holds_nothing(w, change, pointer):
    body = {"service_id": w.sid, "provider_id": w.pid, "start": at(MON, "10:00")}
    body.update(change)
    r = w.t.post("/v1/holds", body, now=HNOW)
    expect_problem(r, 422, "validation_failed", pointer)
    assert at(MON, "10:00") in starts(w.t, w.sid, w.pid, MON)


def test_missing_service_or_start_is_422(w):
    expect_problem(w.t.post("/v1/holds", {"start": at(MON, "10:00")}, now=HNOW), 422,
                   "validation_failed", "/service_id")
    expect_problem(w.t.post("/v1/holds", {"service_id": w.sid}, now=HNOW), 422,
                   "validation_failed", "/start")


def test_deleted_and_foreign_services_are_422_at_service_id(server, w):
    other = server.tenant()
    op = other.provider("Elsewhere", NY)
    other.schedule(op["id"], weekdays([("09:00", "17:00")]))
    foreign = other.service([op["id"]])["id"]
    gone = w.t.service([w.pid], "Gone")["id"]
    assert w.t.delete(f"/v1/services/{gone}").status_code == 204
    for sid in (foreign, gone):
        expect_problem(hold(w.t, sid, at(MON, "10:00")), 422, "validation_failed",
                       "/service_id")


def test_provider_not_offering_the_service_is_422(w):
    other = w.t.provider("Other", NY)
    w.t.schedule(other["id"], weekdays([("09:00", "17:00")]))
    expect_problem(hold(w.t, w.sid, at(MON, "10:00"), other["id"]), 422, pointer="/provider_id")


def test_missing_hold_is_404(w):
    for hid in ("hld_00000000000000000000", "nope", "bkg_00000000000000000000"):
        expect_problem(w.t.get(f"/v1/holds/{hid}", now=HNOW), 404, "not_found")
        expect_problem(w.t.delete(f"/v1/holds/{hid}", now=HNOW), 404, "not_found")


def test_another_tenants_hold_is_404(server, w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    other = server.tenant()
    expect_problem(other.get(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    expect_problem(other.delete(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    assert w.t.ok("GET", f"/v1/holds/{h['id']}", now=HNOW)["live"] is True
    assert at(MON, "10:00") not in starts(w.t, w.sid, w.pid, MON)


def test_no_key_is_401(w):
    r = w.t.post("/v1/holds", {"service_id": w.sid, "start": at(MON, "10:00")}, now=HNOW,
                 key=None)
    expect_problem(r, 401, "unauthorized")


# --- the slot engine decides -------------------------------------------------------------------

@pytest.mark.parametrize("start,reason", [
    (at(MON, "08:00"), "outside_hours"),
    (at(MON, "16:30"), "outside_hours"),
    ("2026-03-07T10:00:00-05:00", "outside_hours"),
    (at(MON, "10:30"), "not_on_grid"),
])
def test_unbookable_start_is_422_slot_unavailable(w, start, reason):
    p = expect_problem(hold(w.t, w.sid, start), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == [reason], p


def test_start_in_the_past_is_min_notice(w):
    p = expect_problem(hold(w.t, w.sid, at(MON, "10:00"), now="2026-03-02T15:00:01Z"), 422,
                       "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["min_notice"]


def test_min_notice_and_max_advance_apply_to_holds(w):
    sid = w.t.service([w.pid], "Notice", 60, min_notice_minutes=120, max_advance_days=7)["id"]
    now = "2026-03-02T13:00:00Z"   # 08:00 EST
    assert hold(w.t, sid, at(MON, "10:00"), now=now).status_code == 201
    p = expect_problem(hold(w.t, sid, at(MON, "09:00"), now=now), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["min_notice"]
    p = expect_problem(hold(w.t, sid, "2026-03-09T10:00:00-04:00", now=now), 422,
                       "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["max_advance"]


def test_booked_start_is_409_slot_taken(w):
    booked(w.t, w.sid, at(MON, "10:00"))
    expect_problem(hold(w.t, w.sid, at(MON, "10:00")), 409, "slot_taken")


def test_held_start_is_409_for_a_second_hold(w):
    held(w.t, w.sid, at(MON, "10:00"))
    expect_problem(hold(w.t, w.sid, at(MON, "10:00"), customer={"email": "bo@example.com"}),
                   409, "slot_taken")
    # An overlapping start of a half-hourly service is taken too.
    half = w.t.service([w.pid], "Half", 60, slot_step_minutes=30)["id"]
    expect_problem(hold(w.t, half, at(MON, "10:30")), 409, "slot_taken")
    expect_problem(hold(w.t, half, at(MON, "09:30")), 409, "slot_taken")
    assert hold(w.t, half, at(MON, "11:00")).status_code == 201


# --- a live hold is taken time -------------------------------------------------------------------

def test_live_hold_hides_the_start_and_explain_says_held(w):
    before = starts(w.t, w.sid, w.pid, MON)
    assert at(MON, "10:00") in before
    held(w.t, w.sid, at(MON, "10:00"))
    assert starts(w.t, w.sid, w.pid, MON) == [s for s in before if s != at(MON, "10:00")]
    x = explain(w.t, w.sid, w.pid, at(MON, "10:00"))
    assert x["bookable"] is False
    assert x["reasons"] == [{"code": "held"}]
    assert explain(w.t, w.sid, w.pid, at(MON, "11:00"))["bookable"] is True


def test_live_hold_blocks_overlapping_starts_of_other_services(w):
    half = w.t.service([w.pid], "Half", 60, slot_step_minutes=30)["id"]
    held(w.t, w.sid, at(MON, "10:00"))
    got = starts(w.t, half, w.pid, MON)
    for hm in ("09:30", "10:00", "10:30"):
        assert at(MON, hm) not in got
        assert explain(w.t, half, w.pid, at(MON, hm))["reasons"] == [{"code": "held"}]
    assert at(MON, "09:00") in got and at(MON, "11:00") in got
    expect_problem(book(w.t, half, at(MON, "10:30")), 409, "slot_taken")


def test_booking_a_held_start_without_hold_id_is_409(w):
    held(w.t, w.sid, at(MON, "10:00"))
    expect_problem(book(w.t, w.sid, at(MON, "10:00")), 409, "slot_taken")
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), hold_id=None), 409, "slot_taken")
    assert w.t.list_all("/v1/bookings") == []


def test_booking_with_hold_id_consumes_the_hold(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    b = booked(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"])
    assert (b["start"], b["provider_id"], b["status"]) == (at(MON, "10:00"), w.pid, "confirmed")
    expect_problem(w.t.get(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    expect_problem(w.t.delete(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    hist = history(w.t, b["id"])
    assert len(hist) == 1 and hist[0]["reason"] == "created from a hold", hist
    # The time is now the booking's.
    assert at(MON, "10:00") not in starts(w.t, w.sid, w.pid, MON)
    assert explain(w.t, w.sid, w.pid, at(MON, "10:00"))["reasons"] == [{"code": "booked"}]
    # The consumed hold cannot be used again.
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"]), 422,
                   "validation_failed", "/hold_id")
    assert len(w.t.list_all("/v1/bookings")) == 1


def test_booking_with_hold_id_and_provider_any(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    b = booked(w.t, w.sid, at(MON, "10:00"), "any", hold_id=h["id"])
    assert b["provider_id"] == w.pid


def test_booking_with_hold_id_given_in_another_offset(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    b = booked(w.t, w.sid, "2026-03-02T15:00:00Z", w.pid, hold_id=h["id"])
    assert b["start"] == at(MON, "10:00")


def test_hold_made_without_customer_is_usable_by_any_customer(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    b = booked(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"],
               customer={"name": "Bo", "email": "bo@example.com"})
    assert b["customer"]["email"] == "bo@example.com"


@pytest.mark.parametrize("hold_id", ["hld_00000000000000000000", "hld_zzzz", "nope", 5, "",
                                     "bkg_00000000000000000000"])
def test_unknown_or_malformed_hold_id_is_422(w, hold_id):
    r = book(w.t, w.sid, at(MON, "10:00"), hold_id=hold_id)
    expect_problem(r, 422, "validation_failed", "/hold_id")
    assert w.t.list_all("/v1/bookings") == []


def test_hold_for_another_start_service_or_provider_is_422(w):
    t = w.t
    other = t.provider("Other", NY)
    t.schedule(other["id"], weekdays([("09:00", "17:00")]))
    both = t.service([w.pid, other["id"]], "Both", 60)["id"]
    h = held(t, both, at(MON, "10:00"), w.pid)
    # Another start.
    expect_problem(book(t, both, at(MON, "11:00"), w.pid, hold_id=h["id"]), 422,
                   "validation_failed", "/hold_id")
    # Another provider.
    expect_problem(book(t, both, at(MON, "10:00"), other["id"], hold_id=h["id"]), 422,
                   "validation_failed", "/hold_id")
    # Another service of the same provider at the same start.
    expect_problem(book(t, w.sid, at(MON, "10:00"), w.pid, hold_id=h["id"]), 422,
                   "validation_failed", "/hold_id")
    assert t.list_all("/v1/bookings") == []
    # The hold is still live and still usable for what it holds.
    assert t.ok("GET", f"/v1/holds/{h['id']}", now=HNOW)["live"] is True
    assert booked(t, both, at(MON, "10:00"), w.pid, hold_id=h["id"])["provider_id"] == w.pid


def test_another_tenants_hold_id_is_422(server, w):
    other = server.tenant()
    op = other.provider("Elsewhere", NY)
    other.schedule(op["id"], weekdays([("09:00", "17:00")]))
    osid = other.service([op["id"]])["id"]
    foreign = held(other, osid, at(MON, "10:00"))
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), hold_id=foreign["id"]), 422,
                   "validation_failed", "/hold_id")
    assert other.ok("GET", f"/v1/holds/{foreign['id']}", now=HNOW)["live"] is True


def test_deleted_hold_id_is_422(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    assert w.t.delete(f"/v1/holds/{h['id']}", now=HNOW).status_code == 204
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"]), 422,
                   "validation_failed", "/hold_id")


# --- expiry by the clock -------------------------------------------------------------------------

def test_hold_blocks_until_one_second_before_expires_at(w):
    h = held(w.t, w.sid, at(MON, "10:00"))   # expires 12:10:00Z
    last = "2026-03-01T12:09:59Z"
    assert at(MON, "10:00") not in starts(w.t, w.sid, w.pid, MON, now=last)
    assert explain(w.t, w.sid, w.pid, at(MON, "10:00"), now=last)["reasons"] == \
        [{"code": "held"}]
    assert w.t.ok("GET", f"/v1/holds/{h['id']}", now=last)["live"] is True
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), now=last), 409, "slot_taken")
    expect_problem(hold(w.t, w.sid, at(MON, "10:00"), now=last), 409, "slot_taken")


def test_hold_stops_blocking_exactly_at_expires_at(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    exp = h["expires_at"]
    assert exp == "2026-03-01T12:10:00Z"
    assert at(MON, "10:00") in starts(w.t, w.sid, w.pid, MON, now=exp)
    assert explain(w.t, w.sid, w.pid, at(MON, "10:00"), now=exp)["bookable"] is True
    g = w.t.ok("GET", f"/v1/holds/{h['id']}", now=exp)
    assert g == dict(h, live=False)
    b = booked(w.t, w.sid, at(MON, "10:00"), now=exp)
    assert b["start"] == at(MON, "10:00")


def test_new_hold_on_the_same_start_once_expired(w):
    h1 = held(w.t, w.sid, at(MON, "10:00"), ttl_seconds=30)
    h2 = held(w.t, w.sid, at(MON, "10:00"), now=h1["expires_at"],
              customer={"email": "bo@example.com"})
    assert h2["id"] != h1["id"]
    assert h2["expires_at"] == shift(h1["expires_at"], 600)
    # h2 blocks now; h1 is no longer live (or already purged).
    g = w.t.get(f"/v1/holds/{h1['id']}", now=h1["expires_at"])
    assert g.status_code == 404 or (g.status_code == 200 and g.json()["live"] is False), g.text
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), now=h1["expires_at"]), 409, "slot_taken")


def test_booking_with_hold_id_one_second_before_expiry_is_201(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    b = booked(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"], now=shift(h["expires_at"], -1))
    assert b["start"] == at(MON, "10:00")


@pytest.mark.parametrize("delta", [0, 1, 3600])
def test_booking_with_expired_hold_id_is_409_hold_expired(w, delta):
    h = held(w.t, w.sid, at(MON, "10:00"))
    now = shift(h["expires_at"], delta)
    r = book(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"], now=now)
    expect_problem(r, 409, "hold_expired")
    assert w.t.list_all("/v1/bookings") == []
    # The start itself is free again.
    assert booked(w.t, w.sid, at(MON, "10:00"), now=now)["start"] == at(MON, "10:00")


def test_expired_hold_of_a_taken_start_is_still_hold_expired(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    exp = h["expires_at"]
    booked(w.t, w.sid, at(MON, "10:00"), now=exp, customer={"name": "Bo",
                                                          "email": "bo@example.com"})
    expect_problem(book(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"], now=exp), 409,
                   "hold_expired")
    assert len(w.t.list_all("/v1/bookings")) == 1


# --- delete ----------------------------------------------------------------------------------

def test_delete_frees_the_start_and_is_404_again(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    r = w.t.delete(f"/v1/holds/{h['id']}", now=HNOW)
    assert r.status_code == 204, r.text
    assert r.content == b""
    expect_problem(w.t.get(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    expect_problem(w.t.delete(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    assert at(MON, "10:00") in starts(w.t, w.sid, w.pid, MON)
    assert explain(w.t, w.sid, w.pid, at(MON, "10:00"))["bookable"] is True
    assert booked(w.t, w.sid, at(MON, "10:00"))["start"] == at(MON, "10:00")


# --- the cap of five live holds per owner ------------------------------------------------------

def five_holds(w, now_step=60, **fields):
    """Five holds at Monday 09:00..13:00, made one minute apart from HNOW; returns them."""
    out = []
    for i in range(5):
        out.append(held(w.t, w.sid, at(MON, f"{9 + i:02d}:00"), now=shift(HNOW, i * now_step),
                        **fields))
    return out


def test_sixth_hold_of_a_customer_is_429_with_retry_after(w):
    hs = five_holds(w, customer={"email": "ann@example.com"})
    now = shift(HNOW, 300)                   # the first expires at HNOW + 600
    r = hold(w.t, w.sid, at(MON, "15:00"), now=now, customer={"email": "ann@example.com"})
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "300", r.headers
    assert at(MON, "15:00") in starts(w.t, w.sid, w.pid, MON, now=now)
    # One second before the first expires: still 429, Retry-After 1.
    r = hold(w.t, w.sid, at(MON, "15:00"), now=shift(hs[0]["expires_at"], -1),
             customer={"email": "ann@example.com"})
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "1", r.headers
    # At its expiry it no longer counts.
    h = held(w.t, w.sid, at(MON, "15:00"), now=hs[0]["expires_at"],
             customer={"email": "ann@example.com"})
    assert h["live"] is True


def test_customer_email_is_compared_case_insensitively(w):
    five_holds(w, customer={"email": "Ann@Example.COM"})
    r = hold(w.t, w.sid, at(MON, "15:00"), now=shift(HNOW, 300),
             customer={"name": "Ann", "email": "ann@example.com"})
    expect_problem(r, 429, "hold_limit_reached")


def test_other_customer_email_on_the_same_key_counts_separately(w):
    five_holds(w, customer={"email": "ann@example.com"})
    h = held(w.t, w.sid, at(MON, "15:00"), now=shift(HNOW, 300),
             customer={"email": "bo@example.com"})
    assert h["live"] is True


def test_without_e_mail_the_key_is_the_owner(w, server):
    five_holds(w)
    now = shift(HNOW, 240)
    r = hold(w.t, w.sid, at(MON, "15:00"), now=now)
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "360", r.headers
    # A customer object without an e-mail does not change the owner.
    expect_problem(hold(w.t, w.sid, at(MON, "15:00"), now=now, customer={"name": "Ann"}), 429,
                   "hold_limit_reached")
    # With an e-mail the customer is the owner.
    assert hold(w.t, w.sid, at(MON, "15:00"), now=now,
                customer={"email": "cy@example.com"}).status_code == 201
    # Another key of the tenant is another owner.
    staff = make_key(server, w.t, "staff")
    assert hold(staff, w.sid, at(MON, "16:00"), now=now).status_code == 201


def test_deleted_and_consumed_holds_do_not_count(w):
    hs = five_holds(w, customer={"email": "ann@example.com"})
    now = shift(HNOW, 300)
    assert w.t.delete(f"/v1/holds/{hs[2]['id']}", now=now).status_code == 204
    h6 = held(w.t, w.sid, at(MON, "15:00"), now=now, customer={"email": "ann@example.com"})
    expect_problem(hold(w.t, w.sid, at(MON, "16:00"), now=now,
                        customer={"email": "ann@example.com"}), 429, "hold_limit_reached")
    booked(w.t, w.sid, at(MON, "15:00"), hold_id=h6["id"], now=now)
    assert hold(w.t, w.sid, at(MON, "16:00"), now=now,
                customer={"email": "ann@example.com"}).status_code == 201


def test_holds_of_another_tenant_do_not_count(server, w):
    five_holds(w, customer={"email": "ann@example.com"})
    other = server.tenant()
    op = other.provider("Elsewhere", NY)
    other.schedule(op["id"], weekdays([("09:00", "17:00")]))
    osid = other.service([op["id"]])["id"]
    assert hold(other, osid, at(MON, "10:00"), now=shift(HNOW, 300),
                customer={"email": "ann@example.com"}).status_code == 201


# --- group services ------------------------------------------------------------------------------

def seats(t, sid, pid, day, now=HNOW):
    return {s["start"]: s["seats_left"] for s in t.slots(sid, pid, day, now=now)}


def test_group_hold_takes_one_seat(w):
    t = w.t
    t.schedule(w.pid, weekdays([("09:00", "12:00")]))
    sid = t.service([w.pid], "Class", 60, capacity=3)["id"]
    ten = at(MON, "10:00")
    assert seats(t, sid, w.pid, MON)[ten] == 3
    h1 = held(t, sid, ten, customer={"email": "a@example.com"})
    assert seats(t, sid, w.pid, MON) == {at(MON, "09:00"): 3, ten: 2, at(MON, "11:00"): 3}
    held(t, sid, ten, customer={"email": "b@example.com"})
    assert seats(t, sid, w.pid, MON)[ten] == 1
    booked(t, sid, ten)
    assert ten not in seats(t, sid, w.pid, MON)
    expect_problem(hold(t, sid, ten, customer={"email": "c@example.com"}), 409, "slot_taken")
    expect_problem(book(t, sid, ten), 409, "slot_taken")
    # Consuming a hold turns its seat into a booking: still full.
    booked(t, sid, ten, hold_id=h1["id"])
    assert ten not in seats(t, sid, w.pid, MON)
    # Once the other hold expires, one seat is back.
    assert seats(t, sid, w.pid, MON, now="2026-03-01T12:10:00Z")[ten] == 1


def test_group_holds_fill_the_start(w):
    t = w.t
    sid = t.service([w.pid], "Class", 60, capacity=2)["id"]
    ten = at(MON, "10:00")
    held(t, sid, ten, customer={"email": "a@example.com"})
    held(t, sid, ten, customer={"email": "b@example.com"})
    assert ten not in seats(t, sid, w.pid, MON)
    assert explain(t, sid, w.pid, ten)["bookable"] is False
    expect_problem(hold(t, sid, ten, customer={"email": "c@example.com"}), 409, "slot_taken")


# --- provider limits -----------------------------------------------------------------------------

def test_hold_counts_toward_max_per_day(w):
    t = w.t
    t.ok("PATCH", f"/v1/providers/{w.pid}", {"settings": {"max_per_day": 1}}, status=200)
    h = held(t, w.sid, at(MON, "09:00"))
    assert starts(t, w.sid, w.pid, MON) == []
    assert starts(t, w.sid, w.pid, TUE) != []
    p = expect_problem(book(t, w.sid, at(MON, "11:00")), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["limit_per_day"]
    p = expect_problem(hold(t, w.sid, at(MON, "13:00"), customer={"email": "b@example.com"}),
                       422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["limit_per_day"]
    # The hold does not count against its own booking.
    b = booked(t, w.sid, at(MON, "09:00"), hold_id=h["id"])
    assert b["start"] == at(MON, "09:00")
    assert starts(t, w.sid, w.pid, MON) == []


def test_expired_hold_no_longer_counts_toward_max_per_day(w):
    t = w.t
    t.ok("PATCH", f"/v1/providers/{w.pid}", {"settings": {"max_per_day": 1}}, status=200)
    h = held(t, w.sid, at(MON, "09:00"))
    assert starts(t, w.sid, w.pid, MON, now=h["expires_at"])[:2] == [at(MON, "09:00"),
                                                                     at(MON, "10:00")]
    assert booked(t, w.sid, at(MON, "11:00"), now=h["expires_at"])["start"] == at(MON, "11:00")


# --- any provider --------------------------------------------------------------------------------

def test_any_hold_moves_on_to_a_free_provider(w):
    t = w.t
    p2 = t.provider("Second", NY)["id"]
    t.schedule(p2, weekdays([("09:00", "17:00")]))
    both = t.service([w.pid, p2], "Both", 60)["id"]
    h1 = held(t, both, at(MON, "10:00"), "any", customer={"email": "a@example.com"})
    h2 = held(t, both, at(MON, "10:00"), "any", customer={"email": "b@example.com"})
    assert {h1["provider_id"], h2["provider_id"]} == {w.pid, p2}
    expect_problem(hold(t, both, at(MON, "10:00"), "any"), 409, "slot_taken")
    expect_problem(book(t, both, at(MON, "10:00"), "any"), 409, "slot_taken")
    assert t.slots(both, None, MON, now=HNOW)[0]["start"] == at(MON, "09:00")
    assert at(MON, "10:00") not in [s["start"] for s in t.slots(both, None, MON, now=HNOW)]


# --- roles ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["staff", "customer"])
def test_staff_and_customer_keys_may_hold_read_and_delete(w, role):
    k = make_key(w.server, w.t, role)
    h = held(k, w.sid, at(MON, "10:00"))
    assert k.ok("GET", f"/v1/holds/{h['id']}", now=HNOW) == h
    assert at(MON, "10:00") not in starts(w.t, w.sid, w.pid, MON)
    r = k.delete(f"/v1/holds/{h['id']}", now=HNOW)
    assert r.status_code == 204, r.text
    assert at(MON, "10:00") in starts(w.t, w.sid, w.pid, MON)


def test_customer_key_books_with_its_hold(w):
    k = make_key(w.server, w.t, "customer")
    h = held(k, w.sid, at(MON, "10:00"))
    b = booked(k, w.sid, at(MON, "10:00"), hold_id=h["id"])
    assert b["status"] == "confirmed"
    expect_problem(w.t.get(f"/v1/holds/{h['id']}", now=HNOW), 404)


# --- more interactions ---------------------------------------------------------------------------

def test_retry_after_ignores_the_owners_expired_holds(w):
    held(w.t, w.sid, at(TUE, "09:00"), ttl_seconds=30, customer={"email": "ann@example.com"})
    for i in range(5):
        held(w.t, w.sid, at(MON, f"{9 + i:02d}:00"), now="2026-03-01T12:01:00Z",
             customer={"email": "ann@example.com"})
    r = hold(w.t, w.sid, at(MON, "15:00"), now="2026-03-01T12:05:00Z",
             customer={"email": "ann@example.com"})
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "360", r.headers


def test_failed_booking_leaves_the_hold_live(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    r = book(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"],
             customer={"name": "Ann", "email": "not-an-email"})
    expect_problem(r, 422, "validation_failed", "/customer/email")
    assert w.t.ok("GET", f"/v1/holds/{h['id']}", now=HNOW)["live"] is True
    assert booked(w.t, w.sid, at(MON, "10:00"), hold_id=h["id"])["start"] == at(MON, "10:00")


def test_booking_with_hold_id_replays_with_the_same_idempotency_key(w):
    h = held(w.t, w.sid, at(MON, "10:00"))
    key = new_key()
    body = body_for(w.sid, at(MON, "10:00"), hold_id=h["id"])
    r1 = w.t.post("/v1/bookings", body, now=HNOW, headers={"Idempotency-Key": key})
    assert r1.status_code == 201, r1.text
    r2 = w.t.post("/v1/bookings", body, now=HNOW, headers={"Idempotency-Key": key})
    assert r2.status_code == 201, r2.text
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert r2.json() == r1.json()
    assert len(w.t.list_all("/v1/bookings")) == 1


def test_reschedule_onto_a_held_start_is_409(w):
    b = booked(w.t, w.sid, at(MON, "09:00"))
    held(w.t, w.sid, at(MON, "11:00"))
    r = w.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(MON, "11:00")}, now=HNOW)
    expect_problem(r, 409, "slot_taken")
    assert w.t.ok("GET", f"/v1/bookings/{b['id']}")["start"] == at(MON, "09:00")
    # Once the hold has expired, the move succeeds.
    r = w.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(MON, "11:00")},
                 now="2026-03-01T12:10:00Z")
    assert r.status_code == 200, r.text
    assert r.json()["start"] == at(MON, "11:00")


def test_hold_during_time_off_is_422(w):
    w.t.ok("POST", f"/v1/providers/{w.pid}/time-off",
           {"start": at(MON, "10:00"), "end": at(MON, "11:00")})
    p = expect_problem(hold(w.t, w.sid, at(MON, "10:00")), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["time_off"]


def test_holds_with_an_e_mail_do_not_count_for_the_key(w):
    for i in range(5):
        held(w.t, w.sid, at(MON, f"{9 + i:02d}:00"), customer={"email": f"c{i}@example.com"})
    for hm in ("14:00", "15:00", "16:00"):
        assert hold(w.t, w.sid, at(MON, hm)).status_code == 201
    for i in range(2):
        assert hold(w.t, w.sid, at(TUE, f"{9 + i:02d}:00")).status_code == 201
    expect_problem(hold(w.t, w.sid, at(TUE, "11:00")), 429, "hold_limit_reached")


def test_retry_after_counts_to_the_first_hold_to_expire(w):
    for i, ttl in enumerate((3600, 90, 600, 600, 600)):
        held(w.t, w.sid, at(MON, f"{9 + i:02d}:00"), ttl_seconds=ttl)
    r = hold(w.t, w.sid, at(MON, "15:00"), now=shift(HNOW, 30))
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "60", r.headers
    assert hold(w.t, w.sid, at(MON, "15:00"), now=shift(HNOW, 90)).status_code == 201


def test_customer_keys_reach_only_their_own_holds(w):
    mine, other = make_key(w.server, w.t, "customer"), make_key(w.server, w.t, "customer")
    h = held(other, w.sid, at(MON, "10:00"))
    by_admin = held(w.t, w.sid, at(MON, "11:00"))
    for hid in (h["id"], by_admin["id"]):
        expect_problem(mine.get(f"/v1/holds/{hid}", now=HNOW), 404)
        expect_problem(mine.delete(f"/v1/holds/{hid}", now=HNOW), 404)
    # Nothing was released; staff and admin keys reach every hold.
    assert at(MON, "10:00") not in starts(w.t, w.sid, w.pid, MON)
    staff = make_key(w.server, w.t, "staff")
    assert staff.ok("GET", f"/v1/holds/{h['id']}", now=HNOW)["id"] == h["id"]


def test_a_customer_key_has_its_own_cap_whatever_emails_it_reports(w):
    """One key cannot reserve a whole day by making up an address per hold: 100 live holds
    per customer key."""
    k = make_key(w.server, w.t, "customer")
    quick = w.t.service([w.pid], "Quick", 5)["id"]
    times = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in range(0, 60, 5)]
    starts_ = [at(day, hm) for day in (MON, TUE) for hm in times][:101]
    for i, start in enumerate(starts_[:100]):
        held(k, quick, start, customer={"email": f"made-up-{i}@example.com"}, ttl_seconds=600)
    r = hold(k, quick, starts_[100], customer={"email": "one-more@example.com"})
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After") == "600", r.headers
    # An admin key is not capped per key, only per owner.
    held(w.t, quick, starts_[100], customer={"email": "one-more@example.com"})
