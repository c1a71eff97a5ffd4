"""/v1/bookings: create (idempotent, checked by the slot engine), read, list, history and the
lifecycle actions.

Dates (2026): Mon 2 Mar .. Fri 6 Mar is the last full week of EST in New York (-05:00);
DST starts Sun 8 Mar, so Mon 9 Mar is -04:00. "now" is DEFAULT_NOW (1 Jan 2026) unless a
test says otherwise. Every test that books works in a tenant of its own.
"""
import json
import re
import types

import pytest

from booking_helpers import (ABSENT, act, acted, at, body_for, book, booked, get, history,
                             new_key, post, public, shift)
from conftest import DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
NOW = DEFAULT_NOW
MON, TUE, WED, THU, FRI, SAT = ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                                "2026-03-06", "2026-03-07")

BOOKING_KEYS = {"id", "reference", "status", "start", "end", "provider_id", "service_id",
                "customer", "notes", "metadata", "price", "currency", "version", "created_at",
                "updated_at", "policy", "reschedule_count", "fee", "fee_waived", "locale", "links",
                "internal_notes", "completion_notes", "feedback", "location"}
NO_POLICY = {"cancellation_deadline_hours": None, "reschedule_deadline_hours": None,
             "max_reschedules": None, "late_cancellation_fees": None,
             "no_show_fee_percent": None, "waitlist_offer_minutes": None}
REFERENCE_RE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}")
ID_RE = re.compile(r"bkg_[0-9a-z]{20}")
TOKEN_RE = re.compile(r"mt_[A-Za-z0-9_-]{16,}")
ACTIVE = ("pending", "confirmed")
STATUSES = ("pending", "confirmed", "declined", "cancelled", "completed", "no_show")
ACTIONS = ("confirm", "decline", "cancel", "complete", "no-show")
LEGAL = {("pending", "confirm"): "confirmed", ("pending", "decline"): "declined",
         ("pending", "cancel"): "cancelled", ("confirmed", "complete"): "completed",
         ("confirmed", "no-show"): "no_show", ("confirmed", "cancel"): "cancelled"}
# How to reach each status from a new pending booking.
PATH_TO = {"pending": [], "confirmed": ["confirm"], "declined": ["decline"],
           "cancelled": ["cancel"], "completed": ["confirm", "complete"],
           "no_show": ["confirm", "no-show"]}


def all_bookings(t, **params):
    return t.list_all("/v1/bookings", params=params)


def active_bookings(t, **params):
    return [b for b in all_bookings(t, **params) if b["status"] in ACTIVE]


def reason_codes(problem):
    return [x["code"] for x in problem["reasons"]]


def unavailable(r, *codes):
    """Asserts a 422 slot_unavailable with exactly these reason codes (in any order)."""
    p = expect_problem(r, 422, "slot_unavailable")
    assert "reasons" in p, p
    assert all(isinstance(x, dict) and "code" in x for x in p["reasons"]), p
    assert sorted(reason_codes(p)) == sorted(codes), p
    return p


@pytest.fixture
def w(server):
    """A tenant of its own: provider "auto" (default settings) and provider "manual"
    (auto_confirm false), both New York 09:00-17:00 on weekdays; a 60-minute service priced
    50.00 USD for each."""
    t = server.tenant()
    auto = t.provider("Auto", NY)
    manual = t.provider("Manual", NY, settings={"auto_confirm": False})
    for p in (auto, manual):
        t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([auto["id"]], "Consult", 60, price="50.00", currency="USD")
    msvc = t.service([manual["id"]], "Manual consult", 60, price="80", currency="EUR")
    return types.SimpleNamespace(t=t, pid=auto["id"], sid=svc["id"], mpid=manual["id"],
                                 msid=msvc["id"])


# --- create ----------------------------------------------------------------------------------

def test_create_returns_the_booking_exactly(w):
    t = w.t
    customer = {"name": "Ann Lee", "email": "ann@example.com", "phone": "+1 (555) 010-0200"}
    meta = {"source": "web", "n": 3, "tags": ["a", "b"], "nested": {"ok": True}}
    r = post(t, body_for(w.sid, "2026-03-02T15:00:00Z", w.pid, customer=customer,
                         notes="Window seat", metadata=meta))
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["ETag"] == '"1"'
    assert "Idempotent-Replayed" not in r.headers
    b = r.json()
    assert set(b) == BOOKING_KEYS | {"manage_token"}
    assert ID_RE.fullmatch(b["id"]), b["id"]
    assert REFERENCE_RE.fullmatch(b["reference"]), b["reference"]
    assert TOKEN_RE.fullmatch(b["manage_token"]), b["manage_token"]
    assert {k: v for k, v in b.items() if k not in ("id", "reference", "manage_token", "links")} == {
        "status": "confirmed",
        "start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00",
        "provider_id": w.pid, "service_id": w.sid, "customer": customer,
        "notes": "Window seat", "metadata": meta, "price": "50.00", "currency": "USD",
        "policy": NO_POLICY, "reschedule_count": 0, "fee": None, "fee_waived": None,
        "locale": None, "internal_notes": None, "completion_notes": None, "feedback": None,
        "location": None, "version": 1, "created_at": NOW, "updated_at": NOW}

    g = w.t.get(f"/v1/bookings/{b['id']}")
    assert g.status_code == 200, g.text
    assert g.headers["ETag"] == '"1"'
    assert g.json() == public(b)


def test_minimal_create_renders_defaults(w):
    b = booked(w.t, w.sid, at(MON, "09:00"))
    assert b["customer"] == {"name": "Ann Lee", "email": "ann@example.com", "phone": None}
    assert (b["notes"], b["metadata"]) == (None, {})
    assert b["provider_id"] == w.pid


def test_start_and_end_are_in_the_provider_zone_across_dst(w):
    # Monday 9 March is EDT (-04:00); the start is given in UTC and in Berlin time.
    b = booked(w.t, w.sid, "2026-03-09T14:00:00Z")
    assert (b["start"], b["end"]) == ("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00")
    b = booked(w.t, w.sid, "2026-03-09T16:00:00+01:00")
    assert (b["start"], b["end"]) == ("2026-03-09T11:00:00-04:00", "2026-03-09T12:00:00-04:00")


@pytest.mark.parametrize("provider_id", [ABSENT, "any", None])
def test_provider_any_absent_or_null_picks_the_services_provider(w, provider_id):
    b = booked(w.t, w.sid, at(MON, "10:00"), provider_id)
    assert b["provider_id"] == w.pid
    assert b["status"] == "confirmed"


def test_pending_when_the_provider_does_not_auto_confirm(w):
    r = book(w.t, w.msid, at(MON, "10:00"), w.mpid)
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["status"] == "pending"
    assert (b["price"], b["currency"], b["version"]) == ("80", "EUR", 1)
    assert r.headers["ETag"] == '"1"'
    assert get(w.t, b["id"])["status"] == "pending"


def test_service_without_price_gives_null_price(w):
    sid = w.t.service([w.pid], "Free", 30)["id"]
    b = booked(w.t, sid, at(MON, "09:30"))
    assert (b["price"], b["currency"]) == (None, None)
    assert b["end"] == at(MON, "10:00")


def test_hold_id_null_is_accepted(w):
    b = booked(w.t, w.sid, at(MON, "10:00"), hold_id=None)
    assert b["status"] == "confirmed"


def test_metadata_limit_is_4096_bytes_as_compact_json(w):
    # {"k":"xxx..."} is 8 bytes plus the string.
    ok = {"k": "x" * 4088}
    assert len(json.dumps(ok, separators=(",", ":"))) == 4096
    b = booked(w.t, w.sid, at(MON, "10:00"), metadata=ok)
    assert b["metadata"] == ok
    big = {"k": "x" * 4089}
    expect_problem(book(w.t, w.sid, at(MON, "11:00"), metadata=big), 422, "validation_failed",
                   "/metadata")
    assert len(all_bookings(w.t)) == 1


def test_references_ids_and_tokens_are_distinct(w):
    made = [booked(w.t, w.sid, at(day, f"{h:02d}:00")) for day in (MON, TUE)
            for h in range(9, 17)]
    assert len({b["id"] for b in made}) == 16
    assert len({b["reference"] for b in made}) == 16
    assert len({b["manage_token"] for b in made}) == 16
    assert all(REFERENCE_RE.fullmatch(b["reference"]) for b in made)


def test_manage_token_is_only_in_the_create_answer(w):
    b = booked(w.t, w.sid, at(MON, "10:00"))
    assert "manage_token" not in get(w.t, b["id"])
    assert all("manage_token" not in x for x in all_bookings(w.t))
    assert "manage_token" not in acted(w.t, b["id"], "cancel")


# --- Idempotency-Key -------------------------------------------------------------------------

@pytest.mark.parametrize("key", [None, "", "k" * 256, "bad\x01key", "bad\x7fkey", "tab\tkey"],
                         ids=["missing", "empty", "256-chars", "ctrl-01", "del-7f", "tab"])
def test_bad_idempotency_key_is_400_and_creates_nothing(w, key):
    r = book(w.t, w.sid, at(MON, "10:00"), key=key)
    expect_problem(r, 400, "malformed_request")
    assert all_bookings(w.t) == []
    # The slot is still free.
    assert at(MON, "10:00") in w.t.starts(w.sid, w.pid, MON)


def test_idempotency_key_of_255_chars_is_accepted(w):
    key = "k" * 255
    b = booked(w.t, w.sid, at(MON, "10:00"), key=key)
    r = book(w.t, w.sid, at(MON, "10:00"), key=key)
    assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") == "true"
    assert r.json() == b


def test_same_key_same_body_replays(w):
    key = new_key()
    body = body_for(w.sid, at(MON, "10:00"), notes="first")
    r1 = post(w.t, body, key)
    assert r1.status_code == 201, r1.text
    assert "Idempotent-Replayed" not in r1.headers
    # Replayed even at a later "now" (within the 24 hours keys are kept) and with the
    # members in another order.
    for now, b in ((NOW, body), ("2026-01-01T23:59:59Z", dict(reversed(list(body.items()))))):
        r2 = post(w.t, b, key, now=now)
        assert r2.status_code == 201, r2.text
        assert r2.headers.get("Idempotent-Replayed") == "true"
        assert r2.headers["Content-Type"].startswith("application/json")
        assert r2.json() == r1.json()
    assert [x["id"] for x in all_bookings(w.t)] == [r1.json()["id"]]
    assert get(w.t, r1.json()["id"])["version"] == 1


def test_key_older_than_24_hours_runs_fresh(w):
    key = new_key()
    body = body_for(w.sid, at(MON, "10:00"))
    first = post(w.t, body, key)
    assert first.status_code == 201, first.text
    # A day later the key is forgotten: the same request is decided again, and its own
    # earlier booking now holds the time.
    again = post(w.t, body, key, now="2026-01-02T00:00:01Z")
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "slot_taken"
    assert "Idempotent-Replayed" not in again.headers
    assert [x["id"] for x in all_bookings(w.t)] == [first.json()["id"]]


def test_same_key_different_body_is_422(w):
    key = new_key()
    first = booked(w.t, w.sid, at(MON, "10:00"), key=key)
    for b in (body_for(w.sid, at(MON, "11:00")),
              body_for(w.sid, at(MON, "10:00"), customer={"name": "Ann Lee",
                                                         "email": "other@example.com"}),
              body_for(w.sid, at(MON, "10:00"), notes="changed"),
              body_for(w.sid, at(MON, "10:00"), "any")):
        r = post(w.t, b, key)
        expect_problem(r, 422, "idempotency_key_reused")
        assert r.headers.get("Idempotent-Replayed") is None
    assert all_bookings(w.t) == [public(first)]
    # 11:00 was never booked.
    assert at(MON, "11:00") in w.t.starts(w.sid, w.pid, MON)


def test_stored_409_is_replayed_even_after_the_slot_frees(w):
    first = booked(w.t, w.sid, at(MON, "10:00"))
    key = new_key()
    body = body_for(w.sid, at(MON, "10:00"), customer={"name": "Bo", "email": "bo@example.com"})
    r1 = post(w.t, body, key)
    p1 = expect_problem(r1, 409, "slot_taken")
    assert "Idempotent-Replayed" not in r1.headers
    acted(w.t, first["id"], "cancel")
    r2 = post(w.t, body, key)
    p2 = expect_problem(r2, 409, "slot_taken")
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert p2 == p1
    assert active_bookings(w.t) == []
    # A new key books the freed slot.
    assert post(w.t, body).status_code == 201


def test_stored_422_is_replayed_even_after_the_hours_change(w):
    key = new_key()
    body = body_for(w.sid, at(MON, "08:00"))
    r1 = post(w.t, body, key)
    p1 = unavailable(r1, "outside_hours")
    w.t.schedule(w.pid, weekdays([("07:00", "17:00")]))
    assert at(MON, "08:00") in w.t.starts(w.sid, w.pid, MON)
    r2 = post(w.t, body, key)
    assert r2.status_code == 422
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert r2.headers["Content-Type"].startswith("application/problem+json")
    assert r2.json() == p1
    assert all_bookings(w.t) == []
    assert post(w.t, body).status_code == 201


def test_idempotency_keys_are_per_tenant(server, w):
    other = server.tenant()
    p = other.provider("B's", NY)
    other.schedule(p["id"], weekdays([("09:00", "17:00")]))
    sid_b = other.service([p["id"]])["id"]
    key = new_key()
    a = booked(w.t, w.sid, at(MON, "10:00"), key=key)
    rb = book(other, sid_b, at(MON, "10:00"), key=key)
    assert rb.status_code == 201, rb.text
    assert "Idempotent-Replayed" not in rb.headers
    b = rb.json()
    assert b["id"] != a["id"] and b["service_id"] == sid_b and b["provider_id"] == p["id"]
    # B sending A's body under a new key: A's service does not exist in B.
    expect_problem(post(other, body_for(w.sid, at(MON, "10:00")), new_key()), 422,
                   pointer="/service_id")
    ra = book(w.t, w.sid, at(MON, "10:00"), key=key)
    assert ra.headers.get("Idempotent-Replayed") == "true" and ra.json() == a
    assert [x["id"] for x in all_bookings(w.t)] == [a["id"]]
    assert [x["id"] for x in all_bookings(other)] == [b["id"]]


# --- validation ------------------------------------------------------------------------------

LONG = "x" * 1001


@pytest.mark.parametrize("change,pointer", [
    ({"extra": 1}, "/extra"),
    ({"customer": {"name": "A", "email": "a@example.com", "age": 3}}, "/customer/age"),
    ({"service_id": None}, "/service_id"),
    ({"service_id": "nope"}, "/service_id"),
    ({"service_id": 5}, "/service_id"),
    ({"service_id": "prv_00000000000000000000"}, "/service_id"),
    ({"provider_id": "nope"}, "/provider_id"),
    ({"provider_id": 7}, "/provider_id"),
    ({"provider_id": "ANY"}, "/provider_id"),
    ({"provider_id": "svc_00000000000000000000"}, "/provider_id"),
    ({"start": None}, "/start"),
    ({"start": "2026-03-02T10:00:00"}, "/start"),
    ({"start": "2026-03-02"}, "/start"),
    ({"start": "tomorrow"}, "/start"),
    ({"start": 1772463600}, "/start"),
    ({"customer": None}, "/customer"),
    ({"customer": "Ann"}, "/customer"),
    ({"customer": []}, "/customer"),
    ({"customer": {"email": "a@example.com"}}, "/customer/name"),
    ({"customer": {"name": "", "email": "a@example.com"}}, "/customer/name"),
    ({"customer": {"name": "n" * 201, "email": "a@example.com"}}, "/customer/name"),
    ({"customer": {"name": 5, "email": "a@example.com"}}, "/customer/name"),
    ({"customer": {"name": "A"}}, "/customer/email"),
    ({"customer": {"name": "A", "email": "nope"}}, "/customer/email"),
    ({"customer": {"name": "A", "email": "a@b@example.com"}}, "/customer/email"),
    ({"customer": {"name": "A", "email": "a@example.com", "phone": "call me"}},
     "/customer/phone"),
    ({"customer": {"name": "A", "email": "a@example.com", "phone": "1" * 41}},
     "/customer/phone"),
    ({"customer": {"name": "A", "email": "a@example.com", "phone": 5551234}},
     "/customer/phone"),
    ({"notes": LONG}, "/notes"),
    ({"notes": 5}, "/notes"),
    ({"metadata": []}, "/metadata"),
    ({"metadata": "x"}, "/metadata"),
    ({"metadata": 5}, "/metadata"),
    ({"metadata": {"k": "x" * 4089}}, "/metadata"),
    ({"hold_id": "hld_00000000000000000000"}, "/hold_id"),
    ({"hold_id": "anything"}, "/hold_id"),
])
def test_invalid_body_is_422_and_creates_nothing(w, change, pointer):
    body = body_for(w.sid, at(MON, "10:00"))
    for k, v in change.items():
        if v is None and k in ("service_id", "start", "customer"):
            del body[k]
        else:
            body[k] = v
    r = post(w.t, body)
    expect_problem(r, 422, "validation_failed", pointer)
    assert all_bookings(w.t) == []
    assert at(MON, "10:00") in w.t.starts(w.sid, w.pid, MON)


def test_phone_with_allowed_punctuation_is_accepted(w):
    phone = "+44 (0)20 7946-0958."
    b = booked(w.t, w.sid, at(MON, "10:00"),
               customer={"name": "A", "email": "a@example.com", "phone": phone})
    assert b["customer"]["phone"] == phone


def test_unknown_service_is_422_at_service_id(server, w):
    other = server.tenant()
    p = other.provider("Elsewhere", NY)
    foreign = other.service([p["id"]])["id"]
    deleted = w.t.service([w.pid], "Gone")["id"]
    assert w.t.delete(f"/v1/services/{deleted}").status_code == 204
    for sid in (foreign, deleted, "svc_00000000000000000000"):
        expect_problem(book(w.t, sid, at(MON, "10:00")), 422, "validation_failed",
                       "/service_id")
    assert all_bookings(w.t) == []


def test_provider_that_does_not_offer_the_service_is_422(server, w):
    other = server.tenant()
    foreign = other.provider("Elsewhere", NY)["id"]
    for pid in (w.mpid, foreign):
        expect_problem(book(w.t, w.sid, at(MON, "10:00"), pid), 422, pointer="/provider_id")
    assert all_bookings(w.t) == []


# --- the slot engine decides -------------------------------------------------------------------

@pytest.mark.parametrize("start", [at(MON, "08:00"), at(MON, "16:30"), at(MON, "17:00"),
                                   at(SAT, "10:00"), "2026-03-02T23:00:00-05:00"])
def test_outside_hours_is_422_with_reasons(w, start):
    p = unavailable(book(w.t, w.sid, start), "outside_hours")
    assert p["reasons"] == [{"code": "outside_hours"}]
    assert all_bookings(w.t) == []


def test_off_grid_start_is_422(w):
    unavailable(book(w.t, w.sid, at(MON, "10:30")), "not_on_grid")
    unavailable(book(w.t, w.sid, "2026-03-02T10:00:01-05:00"), "not_on_grid")
    assert all_bookings(w.t) == []


def test_min_notice_follows_x_test_now(w):
    sid = w.t.service([w.pid], "Notice", 60, min_notice_minutes=120)["id"]
    # now 08:00 EST: 10:00 is exactly 120 minutes ahead (allowed) ...
    assert book(w.t, sid, at(MON, "10:00"), now="2026-03-02T13:00:00Z").status_code == 201
    # ... and 11:00 is one second too soon at 09:00:01.
    unavailable(book(w.t, sid, at(MON, "11:00"), now="2026-03-02T14:00:01Z"), "min_notice")
    assert book(w.t, sid, at(MON, "11:00"), now="2026-03-02T14:00:00Z").status_code == 201
    assert len(all_bookings(w.t)) == 2


def test_start_in_the_past_is_min_notice(w):
    unavailable(book(w.t, w.sid, at(MON, "10:00"), now="2026-03-02T15:00:01Z"), "min_notice")
    assert all_bookings(w.t) == []


def test_max_advance(w):
    sid = w.t.service([w.pid], "Soon", 60, max_advance_days=7)["id"]
    now = "2026-03-02T14:00:00Z"  # latest start: Mon 9 Mar 14:00Z = 10:00 EDT
    assert book(w.t, sid, "2026-03-09T10:00:00-04:00", now=now).status_code == 201
    unavailable(book(w.t, sid, "2026-03-09T11:00:00-04:00", now=now), "max_advance")


def test_holiday_is_422_with_reasons(w):
    w.t.ok("POST", "/v1/holidays", {"name": "Closed Tuesday", "date": TUE})
    p = unavailable(book(w.t, w.sid, at(TUE, "10:00"), w.pid), "holiday")
    assert p["reasons"][0]["code"] == "holiday"
    assert all_bookings(w.t) == []
    assert book(w.t, w.sid, at(WED, "10:00"), w.pid).status_code == 201


def test_provider_holiday_is_422(w):
    w.t.ok("POST", "/v1/holidays", {"name": "Auto's day", "date": WED,
                                    "provider_ids": [w.pid]})
    unavailable(book(w.t, w.sid, at(WED, "10:00")), "holiday")
    # The other provider's service is unaffected.
    assert book(w.t, w.msid, at(WED, "10:00")).status_code == 201


def test_yearly_holiday_is_422(w):
    w.t.ok("POST", "/v1/holidays", {"name": "Anniversary", "date": "2024-03-04",
                                    "recurring": "yearly"})
    unavailable(book(w.t, w.sid, at(WED, "10:00")), "holiday")
    assert all_bookings(w.t) == []


def test_closed_override_is_422(w):
    w.t.ok("POST", f"/v1/providers/{w.pid}/overrides", {"date": MON})
    unavailable(book(w.t, w.sid, at(MON, "10:00")), "override_closed")
    assert all_bookings(w.t) == []


def test_custom_hours_override_decides(w):
    w.t.ok("POST", f"/v1/providers/{w.pid}/overrides",
           {"date": MON, "intervals": [{"start": "13:00", "end": "15:00"}]})
    unavailable(book(w.t, w.sid, at(MON, "10:00")), "outside_hours")
    assert book(w.t, w.sid, at(MON, "13:00")).status_code == 201
    assert [b["start"] for b in all_bookings(w.t)] == [at(MON, "13:00")]


def test_time_off_is_422(w):
    w.t.ok("POST", f"/v1/providers/{w.pid}/time-off",
           {"start": at(MON, "10:30"), "end": at(MON, "11:00"), "reason": "call"})
    unavailable(book(w.t, w.sid, at(MON, "10:00")), "time_off")
    assert book(w.t, w.sid, at(MON, "11:00")).status_code == 201
    assert len(all_bookings(w.t)) == 1


def test_vacation_is_422(w):
    w.t.ok("PATCH", f"/v1/providers/{w.pid}", {"settings": {"vacation": True}}, status=200)
    unavailable(book(w.t, w.sid, at(MON, "10:00")), "vacation")
    assert all_bookings(w.t) == []


def test_provider_daily_limit_decides_too(w):
    """settings.max_per_day removes the day's other starts from /v1/slots: booking one is
    refused the same way."""
    w.t.ok("PATCH", f"/v1/providers/{w.pid}", {"settings": {"max_per_day": 1}}, status=200)
    booked(w.t, w.sid, at(MON, "09:00"))
    assert w.t.starts(w.sid, w.pid, MON) == []
    unavailable(book(w.t, w.sid, at(MON, "11:00")), "limit_per_day")
    booked(w.t, w.sid, at(TUE, "11:00"))
    assert len(all_bookings(w.t)) == 2


def test_provider_consecutive_limit_decides_too(w):
    w.t.ok("PATCH", f"/v1/providers/{w.pid}", {"settings": {"max_consecutive": 2}}, status=200)
    booked(w.t, w.sid, at(MON, "09:00"))
    booked(w.t, w.sid, at(MON, "10:00"))
    assert at(MON, "11:00") not in w.t.starts(w.sid, w.pid, MON)
    unavailable(book(w.t, w.sid, at(MON, "11:00")), "limit_consecutive")
    booked(w.t, w.sid, at(MON, "12:00"))
    assert len(all_bookings(w.t)) == 3


def test_accepted_exactly_when_slots_offers_the_start(w):
    """Every grid start in order: booked when /v1/slots lists it, refused when it does not."""
    t = w.t
    t.schedule(w.pid, weekdays([("09:00", "12:00")]))
    sid = t.service([w.pid], "Step", 60, slot_step_minutes=30, buffer_after_minutes=15)["id"]
    results = []
    for hm in ("09:00", "09:30", "10:00", "10:30", "11:00"):
        offered = at(MON, hm) in t.starts(sid, w.pid, MON)
        x = t.explain(sid, w.pid, at(MON, hm))
        assert x["bookable"] is offered
        r = book(t, sid, at(MON, hm))
        assert (r.status_code == 201) is offered, (hm, r.text)
        results.append(r.status_code)
        if not offered:
            expect_problem(r, 409, "slot_taken")
    # 09:00 blocks [09:00, 10:15): 09:30 and 10:00 overlap; 10:30 blocks [10:30, 11:45).
    assert results == [201, 409, 409, 201, 409]
    assert t.starts(sid, w.pid, MON) == []


# --- conflicts and buffers ---------------------------------------------------------------------

def test_same_start_twice_is_409_slot_taken(w):
    first = booked(w.t, w.sid, at(MON, "10:00"))
    r = book(w.t, w.sid, at(MON, "10:00"), customer={"name": "Bo", "email": "bo@example.com"})
    p = expect_problem(r, 409, "slot_taken")
    assert p["errors"] == []
    assert all_bookings(w.t) == [public(first)]


def test_pending_booking_blocks_too(w):
    b = booked(w.t, w.msid, at(MON, "10:00"))
    assert b["status"] == "pending"
    expect_problem(book(w.t, w.msid, at(MON, "10:00")), 409, "slot_taken")


def test_overlapping_starts_are_409(w):
    sid = w.t.service([w.pid], "Half hours", 60, slot_step_minutes=30)["id"]
    booked(w.t, sid, at(MON, "10:00"))
    for hm in ("09:30", "10:30"):
        expect_problem(book(w.t, sid, at(MON, hm)), 409, "slot_taken")
    # Adjacent on both sides.
    booked(w.t, sid, at(MON, "09:00"))
    booked(w.t, sid, at(MON, "11:00"))
    assert sorted(b["start"] for b in active_bookings(w.t)) == \
        [at(MON, "09:00"), at(MON, "10:00"), at(MON, "11:00")]


def test_other_service_of_the_provider_is_blocked(w):
    short = w.t.service([w.pid], "Short", 30, slot_step_minutes=30)["id"]
    booked(w.t, w.sid, at(MON, "10:00"))
    expect_problem(book(w.t, short, at(MON, "10:30")), 409, "slot_taken")
    booked(w.t, short, at(MON, "11:00"))
    booked(w.t, short, at(MON, "09:30"))


def test_buffers_add_up(w):
    t = w.t
    a = t.service([w.pid], "After", 60, slot_step_minutes=30, buffer_after_minutes=30)["id"]
    b = t.service([w.pid], "Before", 60, slot_step_minutes=30, buffer_before_minutes=30)["id"]
    booked(t, a, at(MON, "10:00"))  # blocks [10:00, 11:30)
    # B at 11:30 would block [11:00, 12:30): the two buffers overlap although the appointments
    # (10:00-11:00 and 11:30-12:30) do not.
    expect_problem(book(t, b, at(MON, "11:30")), 409, "slot_taken")
    assert t.explain(b, w.pid, at(MON, "11:30"))["reasons"] == [{"code": "booked"}]
    # B at 09:00 blocks [08:30, 10:00) and B at 12:00 blocks [11:30, 13:00): both touch.
    assert t.starts(b, w.pid, MON) == [at(MON, hm) for hm in (
        "09:00", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30",
        "16:00")]
    booked(t, b, at(MON, "12:00"))
    booked(t, b, at(MON, "09:00"))
    assert t.starts(b, w.pid, MON) == [at(MON, hm) for hm in (
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00")]
    assert len(active_bookings(t)) == 3


@pytest.mark.parametrize("order", ["earlier-first", "later-first"])
def test_touching_blocked_intervals_both_succeed(w, order):
    sid = w.t.service([w.pid], "Buffered", 60, slot_step_minutes=15, buffer_before_minutes=15,
                      buffer_after_minutes=15)["id"]
    # 10:00 blocks [09:45, 11:15); 11:30 blocks [11:15, 12:45).
    starts = [at(MON, "10:00"), at(MON, "11:30")]
    if order == "later-first":
        starts.reverse()
    for s in starts:
        booked(w.t, sid, s)
    for hm in ("09:15", "10:30", "11:00", "11:15", "12:00"):
        expect_problem(book(w.t, sid, at(MON, hm)), 409, "slot_taken")
    assert len(active_bookings(w.t)) == 2


def test_adjacent_bookings_without_buffers(w):
    for hm in ("11:00", "09:00", "10:00", "12:00"):
        booked(w.t, w.sid, at(MON, hm))
    assert w.t.starts(w.sid, w.pid, MON) == [at(MON, hm) for hm in
                                             ("13:00", "14:00", "15:00", "16:00")]


# --- what /v1/slots shows afterwards ---------------------------------------------------------

def test_slots_hide_the_booking_and_explain_says_booked(w):
    t = w.t
    t.schedule(w.pid, weekdays([("09:00", "12:00")]))
    sid = t.service([w.pid], "Half hours", 60, slot_step_minutes=30)["id"]
    all_five = [at(MON, hm) for hm in ("09:00", "09:30", "10:00", "10:30", "11:00")]
    assert t.starts(sid, w.pid, MON) == all_five
    booked(t, sid, at(MON, "10:00"))
    assert t.starts(sid, w.pid, MON) == [at(MON, "09:00"), at(MON, "11:00")]
    for hm in ("09:30", "10:00", "10:30"):
        x = t.explain(sid, w.pid, at(MON, hm))
        assert x["bookable"] is False and x["reasons"] == [{"code": "booked"}], (hm, x)
    assert t.explain(sid, w.pid, at(MON, "09:00"))["bookable"] is True
    # The other provider is not affected.
    assert t.starts(w.msid, w.mpid, MON)[:3] == [at(MON, h) for h in ("09:00", "10:00", "11:00")]


@pytest.mark.parametrize("action,service", [("cancel", "sid"), ("decline", "msid")])
def test_cancelled_or_declined_booking_frees_the_time(w, action, service):
    sid = getattr(w, service)
    pid = w.pid if service == "sid" else w.mpid
    b = booked(w.t, sid, at(MON, "10:00"))
    assert at(MON, "10:00") not in w.t.starts(sid, pid, MON)
    acted(w.t, b["id"], action)
    assert at(MON, "10:00") in w.t.starts(sid, pid, MON)
    assert w.t.explain(sid, pid, at(MON, "10:00"))["bookable"] is True
    again = booked(w.t, sid, at(MON, "10:00"))
    assert again["id"] != b["id"]
    assert [x["id"] for x in active_bookings(w.t)] == [again["id"]]


# --- group services ------------------------------------------------------------------------

def seats(t, sid, pid, day):
    return {s["start"]: s["seats_left"] for s in t.slots(sid, pid, day)}


def test_group_service_takes_exactly_capacity(w):
    t = w.t
    t.schedule(w.pid, weekdays([("09:00", "12:00")]))
    sid = t.service([w.pid], "Class", 60, capacity=3)["id"]
    ten = at(MON, "10:00")
    assert seats(t, sid, w.pid, MON) == {at(MON, "09:00"): 3, ten: 3, at(MON, "11:00"): 3}
    made = []
    for left in (2, 1):
        made.append(booked(t, sid, ten, customer={"name": f"C{left}",
                                                  "email": f"c{left}@example.com"}))
        assert seats(t, sid, w.pid, MON) == {at(MON, "09:00"): 3, ten: left,
                                             at(MON, "11:00"): 3}
    made.append(booked(t, sid, ten))
    assert seats(t, sid, w.pid, MON) == {at(MON, "09:00"): 3, at(MON, "11:00"): 3}
    assert t.explain(sid, w.pid, ten)["reasons"] == [{"code": "booked"}]
    expect_problem(book(t, sid, ten), 409, "slot_taken")
    assert len(active_bookings(t)) == 3
    # A cancellation frees one seat, and only one.
    acted(t, made[0]["id"], "cancel")
    assert seats(t, sid, w.pid, MON)[ten] == 1
    booked(t, sid, ten)
    expect_problem(book(t, sid, ten), 409, "slot_taken")
    assert len(active_bookings(t, service_id=sid)) == 3


def test_group_booking_blocks_other_services(w):
    t = w.t
    sid = t.service([w.pid], "Class", 60, capacity=4)["id"]
    booked(t, sid, at(MON, "10:00"))
    expect_problem(book(t, w.sid, at(MON, "10:00")), 409, "slot_taken")
    # And the other way round: a single booking takes every seat of an overlapping class.
    booked(t, w.sid, at(MON, "11:00"))
    assert at(MON, "11:00") not in seats(t, sid, w.pid, MON)
    expect_problem(book(t, sid, at(MON, "11:00")), 409, "slot_taken")


def test_group_bookings_at_overlapping_starts_are_not_offered(w):
    """Seats are shared only at one start: a class at 10:00 blocks 09:30 and 10:30 of the
    same class (their blocked intervals would overlap)."""
    t = w.t
    t.schedule(w.pid, weekdays([("09:00", "12:00")]))
    sid = t.service([w.pid], "Class", 60, slot_step_minutes=30, capacity=3)["id"]
    booked(t, sid, at(MON, "10:00"))
    expect_problem(book(t, sid, at(MON, "10:30")), 409, "slot_taken")
    assert seats(t, sid, w.pid, MON) == {at(MON, "09:00"): 3, at(MON, "10:00"): 2,
                                         at(MON, "11:00"): 3}
    assert t.explain(sid, w.pid, at(MON, "10:30"))["reasons"] == [{"code": "booked"}]


# --- any provider ------------------------------------------------------------------------------

@pytest.fixture
def two(server):
    """A tenant with providers p1 < p2 (by id), both New York 09:00-17:00 on weekdays, and a
    60-minute service offered by both."""
    t = server.tenant()
    p1 = t.provider("First", NY)["id"]
    p2 = t.provider("Second", NY)["id"]
    assert p1 < p2
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p2, p1], "Shared", 60)["id"]
    return types.SimpleNamespace(t=t, p1=p1, p2=p2, sid=sid)


@pytest.mark.parametrize("provider_id", ["any", ABSENT, None])
def test_any_tie_goes_to_the_first_provider_by_id(two, provider_id):
    assert booked(two.t, two.sid, at(MON, "10:00"), provider_id)["provider_id"] == two.p1


def test_any_moves_on_to_a_free_provider(two):
    b1 = booked(two.t, two.sid, at(MON, "10:00"), "any")
    b2 = booked(two.t, two.sid, at(MON, "10:00"), "any")
    assert (b1["provider_id"], b2["provider_id"]) == (two.p1, two.p2)
    expect_problem(book(two.t, two.sid, at(MON, "10:00"), "any"), 409, "slot_taken")
    assert len(active_bookings(two.t)) == 2


def test_any_prefers_fewest_bookings_that_local_day(two):
    booked(two.t, two.sid, at(MON, "09:00"), two.p1)
    b = booked(two.t, two.sid, at(MON, "14:00"), "any")
    assert b["provider_id"] == two.p2
    # Now one each on Monday: the tie goes to p1.
    b = booked(two.t, two.sid, at(MON, "15:00"), "any")
    assert b["provider_id"] == two.p1


def test_any_then_prefers_fewest_bookings_nearby(two):
    # p1 has a booking on Tuesday; on Monday both have none.
    booked(two.t, two.sid, at(TUE, "10:00"), two.p1)
    b = booked(two.t, two.sid, at(MON, "10:00"), "any")
    assert b["provider_id"] == two.p2


def test_any_local_day_is_the_providers_day(two):
    # 20:00 EST Monday is Tuesday in UTC; it counts for Monday in New York.
    two.t.schedule(two.p1, weekdays([("09:00", "22:00")]))
    two.t.schedule(two.p2, weekdays([("09:00", "22:00")]))
    booked(two.t, two.sid, at(MON, "20:00"), two.p1)   # Monday, p1
    booked(two.t, two.sid, at(TUE, "09:00"), two.p2)   # Tuesday, p2
    # Monday 10:00: p1 has one that day, p2 none (nearby counts are equal) -> p2.
    assert booked(two.t, two.sid, at(MON, "10:00"), "any")["provider_id"] == two.p2


def test_any_skips_a_provider_on_holiday(two):
    two.t.ok("POST", "/v1/holidays", {"name": "p1 away", "date": TUE, "provider_ids": [two.p1]})
    b = booked(two.t, two.sid, at(TUE, "10:00"), "any")
    assert b["provider_id"] == two.p2
    # With p2 taken too, the only obstacle left is the booking: 409.
    expect_problem(book(two.t, two.sid, at(TUE, "10:00"), "any"), 409)


def test_any_skips_a_provider_with_time_off(two):
    two.t.ok("POST", f"/v1/providers/{two.p1}/time-off",
             {"start": at(MON, "09:00"), "end": at(MON, "12:00")})
    assert booked(two.t, two.sid, at(MON, "10:00"), "any")["provider_id"] == two.p2


def test_any_when_nobody_can_is_422(two):
    unavailable(book(two.t, two.sid, at(SAT, "10:00"), "any"), "outside_hours")
    assert all_bookings(two.t) == []


def test_explicit_provider_is_honoured(two):
    b = booked(two.t, two.sid, at(MON, "10:00"), two.p2)
    assert b["provider_id"] == two.p2
    expect_problem(book(two.t, two.sid, at(MON, "10:00"), two.p2), 409, "slot_taken")
    assert booked(two.t, two.sid, at(MON, "10:00"), two.p1)["provider_id"] == two.p1


# --- lifecycle -------------------------------------------------------------------------------

def make_status(w, status, start=None):
    """A booking in the given status, reached from pending; returns it (as GET shows it)."""
    b = booked(w.t, w.msid, start or at(MON, "10:00"))
    assert b["status"] == "pending"
    for a in PATH_TO[status]:
        # A no-show is recorded once the booking has started.
        acted(w.t, b["id"], a, now=shift(b["start"], 60) if a == "no-show" else DEFAULT_NOW)
    b = get(w.t, b["id"])
    assert b["status"] == status and b["version"] == 1 + len(PATH_TO[status])
    return b


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_lifecycle_matrix(w, status, action):
    t = w.t
    b = make_status(w, status)
    hist = history(t, b["id"])
    # A no-show is recorded once the booking has started (Monday 10:00 New York).
    later = "2026-03-03T12:34:56Z" if action == "no-show" else "2026-02-10T12:34:56Z"
    r = act(t, b["id"], action, {"reason": f"because {action}"}, now=later)
    if (status, action) in LEGAL:
        to = LEGAL[(status, action)]
        assert r.status_code == 200, r.text
        assert r.headers["ETag"] == f'"{b["version"] + 1}"'
        got = r.json()
        assert got == dict(b, status=to, version=b["version"] + 1, updated_at=later)
        g = t.get(f"/v1/bookings/{b['id']}")
        assert g.json() == got and g.headers["ETag"] == r.headers["ETag"]
        assert history(t, b["id"]) == hist + [{"at": later, "actor": "admin", "from": status,
                                               "to": to, "reason": f"because {action}"}]
    else:
        p = expect_problem(r, 409, "conflict")
        assert status in p["detail"], p
        assert get(t, b["id"]) == b
        assert history(t, b["id"]) == hist


def test_no_show_before_the_start_is_409_and_changes_nothing(w):
    b = get(w.t, booked(w.t, w.sid, at(MON, "10:00"))["id"])
    hist = history(w.t, b["id"])
    for now in ("2026-02-10T12:00:00Z", shift(b["start"], -1)):
        p = expect_problem(act(w.t, b["id"], "no-show", now=now), 409, "booking_not_started")
        assert shift(b["start"], 0) in p["detail"], p
    assert get(w.t, b["id"]) == b
    assert history(w.t, b["id"]) == hist
    # From its start on, it may be recorded.
    assert acted(w.t, b["id"], "no-show", now=b["start"])["status"] == "no_show"


def test_auto_confirmed_booking_follows_the_confirmed_rules(w):
    b = booked(w.t, w.sid, at(MON, "10:00"))
    expect_problem(act(w.t, b["id"], "confirm"), 409, "conflict")
    expect_problem(act(w.t, b["id"], "decline"), 409, "conflict")
    assert acted(w.t, b["id"], "complete")["status"] == "completed"


def test_action_without_body_records_null_reason(w):
    b = make_status(w, "pending")
    acted(w.t, b["id"], "confirm")
    acted(w.t, b["id"], "cancel", {})
    h = history(w.t, b["id"])
    assert [(x["from"], x["to"], x["reason"]) for x in h[1:]] == [
        ("pending", "confirmed", None), ("confirmed", "cancelled", None)]


@pytest.mark.parametrize("body,pointer", [({"reason": "x", "extra": 1}, "/extra"),
                                          ({"reason": 5}, "/reason"),
                                          ({"reason": "r" * 1001}, "/reason")])
def test_invalid_action_body_is_422_and_changes_nothing(w, body, pointer):
    b = make_status(w, "pending")
    expect_problem(act(w.t, b["id"], "confirm", body), 422, "validation_failed", pointer)
    assert get(w.t, b["id"]) == b
    assert len(history(w.t, b["id"])) == 1


def test_if_match(w):
    b = make_status(w, "pending")
    r = act(w.t, b["id"], "confirm", headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"' and r.json()["version"] == 2
    r = act(w.t, b["id"], "cancel", headers={"If-Match": '"1"'})
    expect_problem(r, 412, "precondition_failed")
    assert get(w.t, b["id"])["status"] == "confirmed"
    assert len(history(w.t, b["id"])) == 2
    r = act(w.t, b["id"], "cancel", headers={"If-Match": '"2"'})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.headers["ETag"] == '"3"'
    # A stale version wins over the state machine: 412 before 409.
    expect_problem(act(w.t, b["id"], "confirm", headers={"If-Match": '"2"'}), 412,
                   "precondition_failed")


@pytest.mark.parametrize("action", ["approve", "no_show", "CONFIRM", "history2", "Cancel"])
def test_unknown_action_is_404(w, action):
    b = make_status(w, "pending")
    expect_problem(act(w.t, b["id"], action), 404, "not_found")
    assert get(w.t, b["id"]) == b


@pytest.mark.parametrize("bid", ["bkg_00000000000000000000", "nope", "prv_00000000000000000000"])
def test_missing_booking_is_404(w, bid):
    expect_problem(w.t.get(f"/v1/bookings/{bid}"), 404, "not_found")
    expect_problem(w.t.get(f"/v1/bookings/{bid}/history"), 404, "not_found")
    for a in ACTIONS:
        expect_problem(act(w.t, bid, a), 404, "not_found")


def test_each_action_bumps_version_and_updated_at(w):
    b = make_status(w, "pending")
    created = b["created_at"]
    c = acted(w.t, b["id"], "confirm", now="2026-01-02T00:00:00Z")
    assert (c["version"], c["updated_at"], c["created_at"]) == (2, "2026-01-02T00:00:00Z",
                                                                created)
    d = acted(w.t, b["id"], "no-show", now="2026-03-02T16:00:00Z")
    assert (d["status"], d["version"], d["updated_at"]) == ("no_show", 3,
                                                            "2026-03-02T16:00:00Z")


# --- history -----------------------------------------------------------------------------------

def test_history_exact(w):
    t = w.t
    b = booked(t, w.msid, at(MON, "10:00"), now="2026-01-05T08:00:00Z")
    r = t.get(f"/v1/bookings/{b['id']}/history")
    assert r.status_code == 200, r.text
    h = r.json()
    assert set(h) == {"booking_id", "history"} and h["booking_id"] == b["id"]
    assert len(h["history"]) == 1
    first = h["history"][0]
    assert set(first) == {"at", "actor", "from", "to", "reason"}
    assert (first["at"], first["from"], first["to"]) == ("2026-01-05T08:00:00Z", None, "pending")
    assert isinstance(first["actor"], str) and first["actor"]
    acted(t, b["id"], "confirm", {"reason": "checked"}, now="2026-01-06T09:00:00Z")
    acted(t, b["id"], "cancel", now="2026-01-07T10:00:00Z")
    assert history(t, b["id"]) == [first,
                                   {"at": "2026-01-06T09:00:00Z", "actor": "admin",
                                    "from": "pending", "to": "confirmed", "reason": "checked"},
                                   {"at": "2026-01-07T10:00:00Z", "actor": "admin",
                                    "from": "confirmed", "to": "cancelled", "reason": None}]


def test_refused_actions_leave_no_history(w):
    b = make_status(w, "cancelled")
    for a in ACTIONS:
        expect_problem(act(w.t, b["id"], a, {"reason": "try"}), 409, "conflict")
    assert [x["to"] for x in history(w.t, b["id"])] == ["pending", "cancelled"]


# --- list ------------------------------------------------------------------------------------

def test_list_shape_and_order(w):
    made = [booked(w.t, w.sid, at(MON, hm)) for hm in ("15:00", "09:00", "12:00")]
    r = w.t.get("/v1/bookings")
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"data", "next_cursor"} and page["next_cursor"] is None
    assert page["data"] == sorted((public(b) for b in made), key=lambda b: b["id"])


def test_list_pages(w):
    made = [booked(w.t, w.sid, at(day, hm))["id"] for day in (MON, TUE)
            for hm in ("09:00", "11:00", "13:00", "15:00")]
    # Cancel one: the list holds every status, not only active bookings.
    acted(w.t, made[3], "cancel")
    every = sorted(made)
    for limit in (1, 3, 7, 8, 200):
        ids, cursor, pages = [], None, 0
        while True:
            params = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = w.t.ok("GET", "/v1/bookings", params=params)
            pages += 1
            assert len(page["data"]) <= limit
            ids += [x["id"] for x in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert len(page["data"]) == limit
            assert cursor == page["data"][-1]["id"]
        assert ids == every, limit
        assert pages == -(-8 // limit), limit
    # The last id as a cursor: an empty page.
    assert w.t.ok("GET", "/v1/bookings", params={"cursor": every[-1]}) == \
        {"data": [], "next_cursor": None}


@pytest.mark.parametrize("params,pointer", [
    ({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "x"}, "limit"),
    ({"cursor": "garbage"}, "cursor"), ({"cursor": "prv_00000000000000000000"}, "cursor"),
    ({"status": "active"}, "status"), ({"status": "no-show"}, "status"),
    ({"from": "yesterday"}, "from"), ({"to": "2026-13-01"}, "to"),
])
def test_invalid_list_query_is_422(w, params, pointer):
    expect_problem(w.t.get("/v1/bookings", params=params), 422, "validation_failed", pointer)


@pytest.fixture
def filled(server):
    """p1 and p2 (New York); s1 offered by both, s2 by p1 only. Bookings:
    b1 s1 p1 Mon 09:00 ann, b2 s1 p2 Mon 09:00 bob, b3 s2 p1 Wed 10:00 ann (cancelled),
    b4 s1 p1 Fri 14:00 carol."""
    t = server.tenant()
    p1 = t.provider("One", NY)["id"]
    p2 = t.provider("Two", NY)["id"]
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    s1 = t.service([p1, p2], "S1", 60)["id"]
    s2 = t.service([p1], "S2", 60)["id"]
    ann = {"name": "Ann", "email": "ann@example.com"}
    b1 = booked(t, s1, at(MON, "09:00"), p1, customer=ann)["id"]
    b2 = booked(t, s1, at(MON, "09:00"), p2, customer={"name": "Bob",
                                                       "email": "bob@example.com"})["id"]
    b3 = booked(t, s2, at(WED, "10:00"), p1, customer=ann)["id"]
    acted(t, b3, "cancel")
    b4 = booked(t, s1, at(FRI, "14:00"), p1, customer={"name": "Carol",
                                                       "email": "carol@example.com"})["id"]
    return types.SimpleNamespace(t=t, p1=p1, p2=p2, s1=s1, s2=s2, b1=b1, b2=b2, b3=b3, b4=b4)


def test_list_filters(filled):
    f = filled

    def ids(**params):
        return {x["id"] for x in all_bookings(f.t, **params)}
    assert ids() == {f.b1, f.b2, f.b3, f.b4}
    assert ids(provider_id=f.p1) == {f.b1, f.b3, f.b4}
    assert ids(provider_id=f.p2) == {f.b2}
    assert ids(service_id=f.s2) == {f.b3}
    assert ids(service_id=f.s1) == {f.b1, f.b2, f.b4}
    assert ids(status="cancelled") == {f.b3}
    assert ids(status="confirmed") == {f.b1, f.b2, f.b4}
    assert ids(status="pending") == set()
    assert ids(customer_email="ann@example.com") == {f.b1, f.b3}
    assert ids(customer_email="nobody@example.com") == set()
    assert ids(provider_id=f.p1, status="confirmed") == {f.b1, f.b4}
    assert ids(provider_id=f.p1, service_id=f.s1, customer_email="carol@example.com") == {f.b4}
    assert ids(provider_id="prv_00000000000000000000") == set()


def test_list_from_to_dates_and_instants(filled):
    f = filled

    def ids(**params):
        return {x["id"] for x in all_bookings(f.t, **params)}
    # Dates.
    assert ids(**{"from": TUE}) == {f.b3, f.b4}
    assert ids(**{"from": TUE, "to": THU}) == {f.b3}
    assert ids(to=TUE) == {f.b1, f.b2}
    assert ids(**{"from": SAT}) == set()
    # Instants: b3 starts at 2026-03-04T15:00:00Z.
    assert ids(**{"from": "2026-03-04T15:00:00Z"}) == {f.b3, f.b4}
    assert ids(**{"from": "2026-03-04T10:00:00-05:00"}) == {f.b3, f.b4}
    assert ids(**{"from": "2026-03-04T15:00:01Z"}) == {f.b4}
    assert ids(to="2026-03-04T14:59:59Z") == {f.b1, f.b2}
    assert ids(to="2026-03-04T15:00:01Z") == {f.b1, f.b2, f.b3}
    assert ids(**{"from": "2026-03-02T14:00:00Z", "to": "2026-03-02T14:00:01Z"}) == {f.b1, f.b2}
    # Combined with a status filter.
    assert ids(**{"from": TUE, "status": "confirmed"}) == {f.b4}


# --- tenant isolation ----------------------------------------------------------------------

def test_another_tenants_booking_is_404(server, w):
    b = booked(w.t, w.sid, at(MON, "10:00"))
    other = server.tenant()
    assert all_bookings(other) == []
    expect_problem(other.get(f"/v1/bookings/{b['id']}"), 404, "not_found")
    expect_problem(other.get(f"/v1/bookings/{b['id']}/history"), 404, "not_found")
    for a in ACTIONS:
        expect_problem(act(other, b["id"], a), 404, "not_found")
    assert get(w.t, b["id"]) == public(b)
    assert len(history(w.t, b["id"])) == 1
    # Nor can the other tenant book A's provider through a service of its own.
    p = other.provider("Mine", NY)
    sid = other.service([p["id"]])["id"]
    expect_problem(book(other, sid, at(MON, "10:00"), w.pid), 422, pointer="/provider_id")


def test_tenants_do_not_see_each_others_bookings_in_lists(server, w):
    other = server.tenant()
    p = other.provider("Theirs", NY)
    other.schedule(p["id"], weekdays([("09:00", "17:00")]))
    sid = other.service([p["id"]])["id"]
    mine = booked(w.t, w.sid, at(MON, "10:00"))
    theirs = booked(other, sid, at(MON, "10:00"))
    assert [x["id"] for x in all_bookings(w.t)] == [mine["id"]]
    assert [x["id"] for x in all_bookings(other)] == [theirs["id"]]
    assert all_bookings(other, provider_id=w.pid) == []
    assert all_bookings(other, customer_email="ann@example.com") == [public(theirs)]


def test_no_auth_is_401(w):
    r = w.t.post("/v1/bookings", body_for(w.sid, at(MON, "10:00")), now=NOW, key=None,
                 headers={"Idempotency-Key": new_key()})
    expect_problem(r, 401, "unauthorized")
    expect_problem(w.t.get("/v1/bookings", key=None), 401, "unauthorized")
    assert all_bookings(w.t) == []
