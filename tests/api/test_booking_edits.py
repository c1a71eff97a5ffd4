"""Editing a booking in place: PATCH /v1/bookings/{id} (notes, internal and completion notes,
the customer's details, metadata, location), If-Match, the fields that keep their own
actions, what a manage token may change (a customer key: nothing), the staff-only notes
hidden from customers, the booking.updated event, and completion notes given with
`complete`.

Dates (2026): bookings are made at NOW (1 Feb) for Monday 2 March 10:00 New York. Each test
works in a tenant of its own.
"""
import types
from functools import partial

import pytest

import booking_helpers
from booking_helpers import CUSTOMER, at, make_key
from conftest import Api, expect_problem, weekdays

NY = "America/New_York"
NOW = "2026-02-01T00:00:00Z"
MON = "2026-03-02"
START = at(MON, "10:00")
AFTER = "2026-03-02T16:30:00Z"      # after the Monday 10:00 booking ended
STAFF_ONLY = ("internal_notes", "completion_notes")

booked = partial(booking_helpers.booked, now=NOW)
act = partial(booking_helpers.act, now=NOW)


@pytest.fixture
def w(server):
    """A tenant with provider "Auto" (New York, 09:00-17:00 on weekdays) and its 60-minute
    service; booking "b" at Monday 10:00 and "other" at 12:00, with their manage tokens."""
    t = server.tenant()
    p = t.provider("Auto", NY)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    sid = t.service([p["id"]], "Consult", 60, price="50.00", currency="USD")["id"]
    b = booked(t, sid, START, notes="first visit")
    other = booked(t, sid, at(MON, "12:00"), customer={"name": "Bo", "email": "bo@example.com"})
    return types.SimpleNamespace(t=t, server=server, pid=p["id"], sid=sid, b=b, other=other,
                                 mt=Api(t.base, b["manage_token"]))


def patch(api, bid, body, **kw):
    return api.patch(f"/v1/bookings/{bid}", body, now=kw.pop("now", NOW), **kw)


def patched(api, bid, body, **kw):
    r = patch(api, bid, body, **kw)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    return r.json()


def read(t, bid):
    return t.ok("GET", f"/v1/bookings/{bid}")


def events(t, bid, type_):
    return t.ok("GET", "/v1/events", params={"subject_id": bid, "type": type_},
                now=NOW)["data"]


# --- each field -------------------------------------------------------------------------------

def test_new_booking_has_empty_staff_notes(w):
    b = read(w.t, w.b["id"])
    assert b["internal_notes"] is None and b["completion_notes"] is None
    assert b["feedback"] is None


def test_notes(w):
    b = patched(w.t, w.b["id"], {"notes": "bring the X-ray"})
    assert b["notes"] == "bring the X-ray" and b["version"] == 2
    assert read(w.t, w.b["id"])["notes"] == "bring the X-ray"
    assert patched(w.t, w.b["id"], {"notes": None})["notes"] is None


def test_internal_notes(w):
    b = patched(w.t, w.b["id"], {"internal_notes": "pays cash"})
    assert b["internal_notes"] == "pays cash"
    assert read(w.t, w.b["id"])["internal_notes"] == "pays cash"
    assert b["notes"] == "first visit"          # untouched


def test_completion_notes(w):
    b = patched(w.t, w.b["id"], {"completion_notes": "went well"})
    assert b["completion_notes"] == "went well"
    assert read(w.t, w.b["id"])["completion_notes"] == "went well"


def test_customer_each_part(w):
    bid = w.b["id"]
    b = patched(w.t, bid, {"customer": {"phone": "+1 617-555-0100"}})
    assert b["customer"] == {**CUSTOMER, "phone": "+1 617-555-0100"}
    b = patched(w.t, bid, {"customer": {"name": "Ann Lee-Park"}})
    assert b["customer"] == {"name": "Ann Lee-Park", "email": CUSTOMER["email"],
                             "phone": "+1 617-555-0100"}
    b = patched(w.t, bid, {"customer": {"email": "ann.park@example.com", "phone": None}})
    assert b["customer"] == {"name": "Ann Lee-Park", "email": "ann.park@example.com",
                             "phone": None}
    assert read(w.t, bid)["customer"] == b["customer"]
    # The list filter follows the new address.
    found = w.t.list_all("/v1/bookings", params={"customer_email": "ann.park@example.com"})
    assert [x["id"] for x in found] == [bid]


def test_metadata_replaces_and_clears(w):
    bid = w.b["id"]
    assert patched(w.t, bid, {"metadata": {"a": 1, "b": [1, 2]}})["metadata"] == \
        {"a": 1, "b": [1, 2]}
    assert patched(w.t, bid, {"metadata": {"c": "x"}})["metadata"] == {"c": "x"}
    assert read(w.t, bid)["metadata"] == {"c": "x"}
    assert patched(w.t, bid, {"metadata": None})["metadata"] == {}


@pytest.mark.parametrize("loc", [
    {"type": "in_person", "address": "12 Main St, Springfield"},
    {"type": "phone", "phone": "+1 617-555-0199"},
    {"type": "phone", "phone": None},
    {"type": "video", "url": "https://meet.example.com/room-7"},
    {"type": "video", "url": None},
])
def test_location(w, loc):
    bid = w.b["id"]
    b = patched(w.t, bid, {"location": loc})
    assert b["location"] == loc
    assert read(w.t, bid)["location"] == loc
    assert patched(w.t, bid, {"location": None})["location"] is None


def test_several_fields_at_once_one_version(w):
    b = patched(w.t, w.b["id"], {"notes": "n", "internal_notes": "i", "metadata": {"k": 1},
                                 "customer": {"name": "Ann B"}})
    assert b["version"] == 2
    assert (b["notes"], b["internal_notes"], b["metadata"], b["customer"]["name"]) == \
        ("n", "i", {"k": 1}, "Ann B")


def test_nothing_changes_nothing_written(w):
    bid = w.b["id"]
    before = events(w.t, bid, "booking.updated")
    b = patched(w.t, bid, {"notes": "first visit"})
    assert b["version"] == 1
    assert events(w.t, bid, "booking.updated") == before == []


# --- If-Match ---------------------------------------------------------------------------------

def test_if_match(w):
    bid = w.b["id"]
    b = patched(w.t, bid, {"notes": "one"}, headers={"If-Match": '"1"'})
    assert b["version"] == 2
    body = expect_problem(patch(w.t, bid, {"notes": "two"}, headers={"If-Match": '"1"'}), 412,
                          "precondition_failed")
    assert "version" in body["detail"]
    assert read(w.t, bid)["notes"] == "one"
    assert patched(w.t, bid, {"notes": "two"}, headers={"If-Match": '"2"'})["notes"] == "two"


def test_if_match_after_an_action(w):
    bid = w.b["id"]
    etag = w.t.get(f"/v1/bookings/{bid}").headers["ETag"]
    booking_helpers.acted(w.t, bid, "cancel", now=NOW)
    expect_problem(patch(w.t, bid, {"notes": "late"}, headers={"If-Match": etag}), 412)
    assert read(w.t, bid)["notes"] == "first visit"


# --- what PATCH refuses -----------------------------------------------------------------------

@pytest.mark.parametrize("key,value,action", [
    ("start", at(MON, "11:00"), "reschedule"),
    ("end", at(MON, "12:00"), "reschedule"),
    ("provider_id", "prv_00000000000000000000", "cancel"),
    ("service_id", "svc_00000000000000000000", "cancel"),
    ("status", "cancelled", "cancel"),
])
def test_fields_with_their_own_actions(w, key, value, action):
    bid = w.b["id"]
    before = read(w.t, bid)
    body = expect_problem(patch(w.t, bid, {key: value, "notes": "x"}), 422, "validation_failed",
                          f"/{key}")
    detail = next(e["detail"] for e in body["errors"] if e["pointer"] == f"/{key}")
    assert action in detail, detail
    assert read(w.t, bid) == before


@pytest.mark.parametrize("body,pointer", [
    ({"notes": "x" * 1001}, "/notes"),
    ({"internal_notes": 5}, "/internal_notes"),
    ({"customer": {"email": "not-an-address"}}, "/customer/email"),
    ({"customer": {"name": ""}}, "/customer/name"),
    ({"customer": {"name": None}}, "/customer/name"),
    ({"customer": {"phone": "call me"}}, "/customer/phone"),
    ({"customer": {"fax": "1"}}, "/customer/fax"),
    ({"customer": "Ann"}, "/customer"),
    ({"metadata": [1, 2]}, "/metadata"),
    ({"metadata": {"k": "x" * 4100}}, "/metadata"),
    ({"location": {"type": "room"}}, "/location/type"),
    ({"location": {"type": "in_person"}}, "/location/address"),
    ({"location": {"type": "video", "url": "ftp://x.example.com"}}, "/location/url"),
    ({"location": {"type": "video", "url": "https://meet.example.com/a b"}}, "/location/url"),
    ({"location": {"type": "in_person", "address": "x" * 501}}, "/location/address"),
    ({"location": {"type": "in_person", "address": "12 Main St\nSpringfield"}},
     "/location/address"),
    ({"location": {"type": "phone", "phone": "call me"}}, "/location/phone"),
    ({"location": {"type": "video", "url_template": "https://x/{reference}"}},
     "/location/url_template"),
    ({"location": "12 Main St"}, "/location"),
    ({"colour": "red"}, "/colour"),
])
def test_validation(w, body, pointer):
    bid = w.b["id"]
    before = read(w.t, bid)
    expect_problem(patch(w.t, bid, body), 422, "validation_failed", pointer)
    assert read(w.t, bid) == before


@pytest.mark.parametrize("name", [5, None, ""])
def test_customer_name_one_error(w, name):
    body = expect_problem(patch(w.t, w.b["id"], {"customer": {"name": name}}), 422,
                          "validation_failed", "/customer/name")
    assert len(body["errors"]) == 1, body["errors"]


def test_unknown_and_other_tenants_booking(w, server):
    expect_problem(patch(w.t, "bkg_00000000000000000000", {"notes": "x"}), 404, "not_found")
    other = server.tenant()
    expect_problem(patch(other, w.b["id"], {"notes": "x"}), 404, "not_found")


def test_staff_key_of_another_provider(w):
    q = w.t.provider("Other", NY)
    r = w.t.post("/v1/keys", {"name": "q only", "role": "staff", "provider_ids": [q["id"]]},
                 now=NOW)
    assert r.status_code == 201, r.text
    scoped = Api(w.t.base, r.json()["secret"])
    expect_problem(patch(scoped, w.b["id"], {"notes": "x"}), 404, "not_found")


# --- customers: the manage token; customer keys may not edit ---------------------------------

def test_manage_token_changes_notes_and_customer(w):
    b = patched(w.mt, w.b["id"], {"notes": "running late", "customer": {"phone": "+1 555 0101"}})
    assert b["notes"] == "running late" and b["customer"]["phone"] == "+1 555 0101"
    assert not set(STAFF_ONLY) & set(b)


@pytest.mark.parametrize("body", [
    {"internal_notes": "x"}, {"completion_notes": "x"}, {"metadata": {"a": 1}},
    {"location": None}, {"notes": "ok", "internal_notes": "x"},
])
def test_manage_token_may_not_change_staff_fields(w, body):
    bid = w.b["id"]
    before = read(w.t, bid)
    expect_problem(patch(w.mt, bid, body), 403, "forbidden")
    assert read(w.t, bid) == before


def test_manage_token_reaches_only_its_booking(w):
    expect_problem(patch(w.mt, w.other["id"], {"notes": "x"}), 404, "not_found")
    assert read(w.t, w.other["id"])["notes"] is None


def test_manage_token_after_the_booking_ended(w):
    booking_helpers.acted(w.t, w.b["id"], "cancel", now=NOW)
    expect_problem(patch(w.mt, w.b["id"], {"notes": "x"}), 409, "conflict")
    # Staff still may.
    assert patched(w.t, w.b["id"], {"internal_notes": "refund sent"})["internal_notes"] == \
        "refund sent"


def test_staff_notes_hidden_from_customers(w):
    bid = w.b["id"]
    patched(w.t, bid, {"internal_notes": "secret", "completion_notes": "also secret"})
    r = w.mt.get(f"/v1/bookings/{bid}")
    assert r.status_code == 200, r.text
    assert not set(STAFF_ONLY) & set(r.json())
    assert "secret" not in r.text
    m = w.mt.get("/v1/manage")
    assert m.status_code == 200, m.text
    assert not set(STAFF_ONLY) & set(m.json()["booking"]) and "secret" not in m.text
    # The manage token's own edit answer hides them too.
    r = patch(w.mt, bid, {"notes": "hello"})
    assert r.status_code == 200 and "secret" not in r.text
    # So do the booking's calendar file and the answer to the customer's cancel.
    r = w.mt.get(f"/v1/bookings/{bid}.ics")
    assert r.status_code == 200 and "BEGIN:VEVENT" in r.text and "secret" not in r.text
    r = act(w.mt, bid, "cancel")
    assert r.status_code == 200, r.text
    assert not set(STAFF_ONLY) & set(r.json()) and "secret" not in r.text
    # Staff see them.
    assert read(w.t, bid)["internal_notes"] == "secret"


def test_customer_key_may_not_edit(w):
    """A customer key is shared by every visitor of the tenant's widget: it edits no booking,
    not even one it made (the booking's manage token does)."""
    ck = make_key(w.server, w.t, "customer")
    made = booked(ck, w.sid, at(MON, "14:00"))
    assert not set(STAFF_ONLY) & set(made)            # the create answer
    for bid in (made["id"], w.b["id"], "bkg_00000000000000000000"):
        for body in ({"notes": "second thoughts"}, {"customer": {"phone": "+1 555 0102"}},
                     {"internal_notes": "x"}):
            expect_problem(patch(ck, bid, body), 403, "forbidden")
    assert read(w.t, made["id"])["notes"] is None
    assert read(w.t, w.b["id"])["notes"] == "first visit"
    assert events(w.t, made["id"], "booking.updated") == []
    # The booking's own manage token still may.
    b = patched(Api(w.t.base, made["manage_token"]), made["id"], {"notes": "second thoughts"})
    assert b["notes"] == "second thoughts" and not set(STAFF_ONLY) & set(b)


# --- the event --------------------------------------------------------------------------------

def test_booking_updated_event(w):
    bid = w.b["id"]
    patched(w.t, bid, {"notes": "n2", "internal_notes": "i2",
                       "customer": {"phone": "+1 555 0102"}}, headers={"X-Request-Id": "edit-1"})
    (ev,) = events(w.t, bid, "booking.updated")
    assert ev["request_id"] == "edit-1"
    assert ev["changes"] == {
        "notes": ["first visit", "n2"], "internal_notes": [None, "i2"],
        "customer": [dict(CUSTOMER, phone=None), dict(CUSTOMER, phone="+1 555 0102")]}
    assert ev["payload"]["internal_notes"] == "i2"        # events carry staff notes
    assert ev["payload"]["version"] == 2
    assert ev["actor"]["role"] == "admin"
    # No lifecycle event: the status did not change.
    assert [e["type"] for e in w.t.ok("GET", "/v1/events", params={"subject_id": bid},
                                      now=NOW)["data"]] == ["booking.created",
                                                             "booking.updated"]


def test_manage_token_edit_event_actor(w):
    patched(w.mt, w.b["id"], {"notes": "from the customer"})
    (ev,) = events(w.t, w.b["id"], "booking.updated")
    assert ev["actor"]["type"] == "manage_token"
    assert ev["changes"] == {"notes": ["first visit", "from the customer"]}


# --- completion notes with complete ----------------------------------------------------------

def test_complete_with_notes(w):
    bid = w.b["id"]
    r = w.t.post(f"/v1/bookings/{bid}/complete", {"notes": "follow-up in 6 weeks"}, now=AFTER)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed"
    assert r.json()["completion_notes"] == "follow-up in 6 weeks"
    assert read(w.t, bid)["completion_notes"] == "follow-up in 6 weeks"
    ev = w.t.ok("GET", "/v1/events", params={"subject_id": bid, "type": "booking.completed"},
                now=NOW)["data"][0]
    assert ev["changes"]["completion_notes"] == [None, "follow-up in 6 weeks"]
    # Hidden from the customer.
    assert "follow-up" not in w.mt.get(f"/v1/bookings/{bid}").text


def test_complete_without_notes_keeps_them(w):
    bid = w.b["id"]
    patched(w.t, bid, {"completion_notes": "prepared"})
    r = w.t.post(f"/v1/bookings/{bid}/complete", now=AFTER)
    assert r.status_code == 200, r.text
    assert r.json()["completion_notes"] == "prepared"


def test_notes_only_with_complete(w):
    bid = w.b["id"]
    expect_problem(w.t.post(f"/v1/bookings/{bid}/cancel", {"notes": "x"}, now=NOW), 422,
                   "validation_failed", "/notes")
    assert read(w.t, bid)["status"] == "confirmed"
