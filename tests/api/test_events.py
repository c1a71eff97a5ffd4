"""/v1/events: the tenant's event log. Every successful write appends exactly one event per
changed object in the same transaction (type, subject, actor, request id, payload = the
resource as the API renders it, changes for updates); a refused or rolled-back request writes
none. Also the list itself: filters, paging, roles, tenant isolation and gapless seq.

Every test works in tenants of its own (server.tenant()), so seq numbers are predictable: a
fresh tenant holds one event, key.created for its admin key (actor system "cli").

Dates: Mon 2 Mar .. Fri 6 Mar 2026 is EST in New York (-05:00). Writes send an explicit
X-Test-Now (NOW unless a test says otherwise), so each event's created_at is known.
"""
import json
import re
import types
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import booking_helpers
from booking_helpers import (acted, at, body_for, customer_view, make_key, new_key, public,
                             shift)
from conftest import NO_BODY, Api, expect_problem, weekdays

NY = "America/New_York"
NOW = "2026-02-02T10:00:00Z"
LATER = "2026-02-03T11:30:00Z"
MON, TUE, WED, THU = "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"
WNOW = "2026-03-01T12:00:00Z"          # "now" of the waitlist tests (offers end 12:30Z)

EVENT_KEYS = {"id", "seq", "type", "subject_id", "actor", "request_id", "payload", "changes",
              "created_at"}
EVT_RE = re.compile(r"evt_[0-9a-z]{20}")
UTC_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
CLI = {"type": "system", "id": "cli", "role": None}
EXPIRY = {"type": "system", "id": "expiry", "role": None}
WAITLIST = {"type": "system", "id": "waitlist", "role": None}
ADMIN_KEY_NAME = "admin key (tenant create)"
ABSENT = object()


# --- helpers ---------------------------------------------------------------------------------

def rid():
    """A client request id using every allowed kind of character (letters, digits, ._:-)."""
    return f"Test.{uuid.uuid4().hex[:16]}:x-Y"


def call(t, method, path, body=NO_BODY, now=NOW, rid=None, headers=None, key=ABSENT, **kw):
    h = dict(headers or {})
    if rid is not None:
        h["X-Request-Id"] = rid
    if key is not ABSENT:
        kw["key"] = key
    return t.request(method, path, body, now=now, headers=h, **kw)


def ok(r, status=None):
    want = status or {"POST": 201, "DELETE": 204}.get(r.request.method, 200)
    assert r.status_code == want, f"{r.request.method} {r.request.url}: want {want}, got " \
                                  f"{r.status_code}: {r.text}"
    return r.json() if r.content else None


def page(t, **params):
    return t.ok("GET", "/v1/events", params=params, now=NOW)


def all_events(t, **params):
    """Every event of t's tenant (after `after`, filtered by params), following next_after."""
    out, after = [], params.pop("after", 0)
    for _ in range(1000):
        pg = page(t, after=after, limit=200, **params)
        assert set(pg) == {"data", "next_after"}, pg
        out += pg["data"]
        if pg["next_after"] is None:
            return out
        after = pg["next_after"]
    raise AssertionError("events do not end")


def last_seq(t):
    ev = all_events(t)
    return ev[-1]["seq"] if ev else 0


def since(t, seq):
    return all_events(t, after=seq)


def types_since(t, seq):
    return [e["type"] for e in since(t, seq)]


def nothing_since(t, seq, what=""):
    assert since(t, seq) == [], f"{what}: a refused request wrote events"


def only_event(t, seq, type_):
    ev = since(t, seq)
    assert [e["type"] for e in ev] == [type_], ev
    assert ev[0]["seq"] == seq + 1, ev
    return ev[0]


def by_type(events, type_):
    found = [e for e in events if e["type"] == type_]
    assert len(found) == 1, f"want one {type_}: {events}"
    return found[0]


def key_actor(kid, role="admin"):
    return {"type": "key", "id": kid, "role": role}


def keys_of(t):
    return t.list_all("/v1/keys")


def admin_key_id(t):
    ids = [k["id"] for k in keys_of(t) if k["name"] == ADMIN_KEY_NAME]
    assert len(ids) == 1, keys_of(t)
    return ids[0]


def new_role_key(t, role):
    """(Api, key id) for a new key of the role, made with POST /v1/keys."""
    k = t.ok("POST", "/v1/keys", {"name": f"{role} {uuid.uuid4().hex[:6]}", "role": role},
             now=NOW)
    return Api(t.base, k["secret"], t.slug), k["id"]


def check(ev, type_, subject, actor, now, request_id=ABSENT, changes=ABSENT, payload=ABSENT):
    assert set(ev) == EVENT_KEYS, ev
    assert EVT_RE.fullmatch(ev["id"]), ev["id"]
    assert isinstance(ev["seq"], int) and ev["seq"] > 0
    assert ev["type"] == type_, ev
    assert ev["subject_id"] == subject, ev
    assert ev["actor"] == actor, ev
    assert ev["created_at"] == now, ev
    assert isinstance(ev["payload"], dict), ev
    if request_id is not ABSENT:
        assert ev["request_id"] == request_id, ev
    if changes is not ABSENT:
        assert ev["changes"] == changes, ev
    if payload is not ABSENT:
        assert ev["payload"] == payload, ev
    if ev["changes"] is not None:
        assert "version" not in ev["changes"] and "updated_at" not in ev["changes"], ev


def strip(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def utc(instant):
    return shift(instant, 0)


@pytest.fixture
def tn(server):
    """A fresh tenant: t, its admin actor and the seq after tenant create (1)."""
    t = server.tenant()
    return types.SimpleNamespace(t=t, server=server, admin=key_actor(admin_key_id(t)))


@pytest.fixture
def bk(server):
    """A fresh tenant to book in: provider "Auto" (auto-confirm) and "Manual" (pending), New
    York 09:00-17:00 weekdays; a 60-minute service for each priced 50.00 USD."""
    t = server.tenant()
    pid = t.provider("Auto", NY)["id"]
    mpid = t.provider("Manual", NY, settings={"auto_confirm": False})["id"]
    for p in (pid, mpid):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([pid], "Consult", 60, price="50.00", currency="USD")["id"]
    msid = t.service([mpid], "Manual", 60, price="50.00", currency="USD")["id"]
    return types.SimpleNamespace(t=t, server=server, pid=pid, mpid=mpid, sid=sid, msid=msid,
                                 admin=key_actor(admin_key_id(t)))


def booked(t, sid, start, now=NOW, **kw):
    return booking_helpers.booked(t, sid, start, now=now, **kw)


def act(t, bid, action, body=NO_BODY, now=NOW, rid=None, headers=None, key=ABSENT):
    return call(t, "POST", f"/v1/bookings/{bid}/{action}", body, now=now, rid=rid,
                headers=headers, key=key)


def get_booking(t, bid):
    return t.ok("GET", f"/v1/bookings/{bid}", now=NOW)


# --- the tenant's first event, the request id ------------------------------------------------

def test_fresh_tenant_has_one_key_created_by_the_cli(server):
    t = server.tenant()
    pg = page(t)
    assert pg["next_after"] is None
    assert len(pg["data"]) == 1
    ev = pg["data"][0]
    kid = admin_key_id(t)
    assert set(ev) == EVENT_KEYS
    assert (ev["seq"], ev["type"], ev["subject_id"], ev["actor"], ev["changes"]) == (
        1, "key.created", kid, CLI, None)
    assert ev["request_id"] is None
    assert UTC_RE.fullmatch(ev["created_at"]), ev
    k = t.ok("GET", f"/v1/keys/{kid}")
    assert "secret" not in ev["payload"]
    # The key as rendered when made: never used yet.
    assert ev["payload"] == dict(k, last_used_at=None)
    assert (ev["payload"]["name"], ev["payload"]["role"]) == (ADMIN_KEY_NAME, "admin")
    assert t.key not in json.dumps(ev)


def test_cli_key_create_writes_key_created_by_the_cli(tn):
    before = {k["id"] for k in keys_of(tn.t)}
    seq = last_seq(tn.t)
    staff = make_key(tn.server, tn.t, "staff")
    (kid,) = {k["id"] for k in keys_of(tn.t)} - before
    ev = only_event(tn.t, seq, "key.created")
    check(ev, "key.created", kid, CLI, ev["created_at"], request_id=None, changes=None)
    assert ev["payload"] == dict(tn.t.ok("GET", f"/v1/keys/{kid}"), last_used_at=None)
    assert ev["payload"]["role"] == "staff"
    assert staff.key not in json.dumps(ev)


def test_sent_request_id_is_recorded_and_echoed(tn):
    r_id = rid()
    seq = last_seq(tn.t)
    r = call(tn.t, "POST", "/v1/providers", {"name": "P", "timezone": NY}, rid=r_id)
    p = ok(r)
    assert r.headers["X-Request-Id"] == r_id
    check(only_event(tn.t, seq, "provider.created"), "provider.created", p["id"], tn.admin, NOW,
          request_id=r_id)


def test_request_id_of_64_characters_is_kept(tn):
    r_id = "a" * 59 + "-._:_"
    seq = last_seq(tn.t)
    r = call(tn.t, "POST", "/v1/providers", {"name": "P", "timezone": NY}, rid=r_id)
    ok(r)
    assert r.headers["X-Request-Id"] == r_id
    assert only_event(tn.t, seq, "provider.created")["request_id"] == r_id


def test_generated_request_id_is_recorded_and_echoed(tn):
    seq = last_seq(tn.t)
    r1 = call(tn.t, "POST", "/v1/providers", {"name": "P1", "timezone": NY})
    r2 = call(tn.t, "POST", "/v1/providers", {"name": "P2", "timezone": NY})
    ok(r1), ok(r2)
    g1, g2 = r1.headers["X-Request-Id"], r2.headers["X-Request-Id"]
    assert g1.startswith("req_") and g2.startswith("req_") and g1 != g2
    ev = since(tn.t, seq)
    assert [e["request_id"] for e in ev] == [g1, g2]


@pytest.mark.parametrize("bad", ["a" * 65, "has space", "slash/x", "semi;colon", "ünï"])
def test_unacceptable_request_id_is_replaced_by_a_generated_one(tn, bad):
    seq = last_seq(tn.t)
    r = tn.t.request("POST", "/v1/providers", {"name": "P", "timezone": NY}, now=NOW,
                     headers={"X-Request-Id": bad.encode("utf-8")})
    ok(r)
    got = r.headers["X-Request-Id"]
    assert got.startswith("req_") and got != bad
    assert only_event(tn.t, seq, "provider.created")["request_id"] == got


def test_every_response_echoes_the_request_id(tn):
    for method, path, body, status in [("GET", "/v1/providers", NO_BODY, 200),
                                       ("POST", "/v1/providers", {"name": "P"}, 422),
                                       ("GET", "/v1/events", NO_BODY, 200),
                                       ("DELETE", "/v1/providers/prv_00000000000000000000",
                                        NO_BODY, 404)]:
        r_id = rid()
        r = call(tn.t, method, path, body, rid=r_id)
        assert r.status_code == status, r.text
        assert r.headers.get("X-Request-Id") == r_id, (method, path, r.headers)
        r = call(tn.t, method, path, body)
        assert r.headers.get("X-Request-Id", "").startswith("req_"), (method, path, r.headers)


# --- providers -------------------------------------------------------------------------------

def test_provider_created(tn):
    seq, r_id = last_seq(tn.t), rid()
    p = ok(call(tn.t, "POST", "/v1/providers",
                {"name": "Ada", "timezone": NY, "email": "ada@example.com"}, rid=r_id))
    ev = only_event(tn.t, seq, "provider.created")
    check(ev, "provider.created", p["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=tn.t.ok("GET", f"/v1/providers/{p['id']}"))
    assert ev["payload"] == p


def test_provider_updated_changes_exact_pairs(tn):
    p = tn.t.ok("POST", "/v1/providers", {"name": "Ada", "timezone": NY}, now=NOW)
    seq, r_id = last_seq(tn.t), rid()
    q = ok(call(tn.t, "PATCH", f"/v1/providers/{p['id']}",
                {"name": "Ada Moreno", "email": "ada@example.com", "max_per_day": 3},
                now=LATER, rid=r_id))
    ev = only_event(tn.t, seq, "provider.updated")
    check(ev, "provider.updated", p["id"], tn.admin, LATER, request_id=r_id,
          payload=tn.t.ok("GET", f"/v1/providers/{p['id']}"))
    assert ev["payload"] == q
    assert ev["changes"] == {"name": ["Ada", "Ada Moreno"], "email": [None, "ada@example.com"],
                             "settings": [p["settings"], q["settings"]]}
    assert q["updated_at"] == LATER != p["updated_at"]


def test_provider_update_that_changes_nothing_has_null_changes(tn):
    p = tn.t.ok("POST", "/v1/providers", {"name": "Ada", "timezone": NY}, now=NOW)
    seq = last_seq(tn.t)
    ok(call(tn.t, "PATCH", f"/v1/providers/{p['id']}", {"name": "Ada"}, now=LATER))
    ev = only_event(tn.t, seq, "provider.updated")
    check(ev, "provider.updated", p["id"], tn.admin, LATER, changes=None)


def test_provider_deleted_payload_is_the_provider_before(tn):
    p = tn.t.ok("POST", "/v1/providers", {"name": "Ada", "timezone": NY}, now=NOW)
    before = tn.t.ok("GET", f"/v1/providers/{p['id']}")
    seq, r_id = last_seq(tn.t), rid()
    ok(call(tn.t, "DELETE", f"/v1/providers/{p['id']}", now=LATER, rid=r_id))
    check(only_event(tn.t, seq, "provider.deleted"), "provider.deleted", p["id"], tn.admin,
          LATER, request_id=r_id, changes=None, payload=before)


def test_refused_provider_writes_write_nothing(tn):
    p = tn.t.ok("POST", "/v1/providers", {"name": "Ada", "timezone": NY}, now=NOW)
    seq = last_seq(tn.t)
    missing = "/v1/providers/prv_00000000000000000000"
    expect_problem(call(tn.t, "POST", "/v1/providers", {"name": "X"}), 422)
    expect_problem(call(tn.t, "POST", "/v1/providers", {"name": "X", "timezone": "Mars/Base"}),
                   422)
    expect_problem(call(tn.t, "POST", "/v1/providers", data="{not json",
                        headers={"Content-Type": "application/json"}), 400)
    expect_problem(call(tn.t, "PATCH", f"/v1/providers/{p['id']}", {"name": None}), 422)
    expect_problem(call(tn.t, "PATCH", f"/v1/providers/{p['id']}", {"max_per_day": 0}), 422)
    expect_problem(call(tn.t, "PATCH", missing, {"name": "Y"}), 404)
    expect_problem(call(tn.t, "DELETE", missing), 404)
    staff, _ = new_role_key(tn.t, "staff")
    seq = last_seq(tn.t)
    expect_problem(call(staff, "POST", "/v1/providers", {"name": "S", "timezone": NY}), 403)
    expect_problem(call(staff, "DELETE", f"/v1/providers/{p['id']}"), 403)
    nothing_since(tn.t, seq)
    assert tn.t.ok("GET", f"/v1/providers/{p['id']}")["name"] == "Ada"


def test_provider_in_use_is_409_and_writes_nothing(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    seq = last_seq(t)
    p = expect_problem(call(t, "DELETE", f"/v1/providers/{bk.pid}"), 409, "in_use")
    assert p["remaining"] == {"upcoming_bookings": 1, "entries": 0}, p
    nothing_since(t, seq)
    e = t.ok("POST", "/v1/entries", {"title": "E", "start": "2026-03-03T14:00:00Z",
                                     "end": "2026-03-03T15:00:00Z",
                                     "assignee_ids": [bk.pid]}, now=NOW)
    seq = last_seq(t)
    p = expect_problem(call(t, "DELETE", f"/v1/providers/{bk.pid}"), 409, "in_use")
    assert p["remaining"] == {"upcoming_bookings": 1, "entries": 1}, p
    nothing_since(t, seq)
    # Only entries left: still in use.
    booking_helpers.acted(t, b["id"], "cancel", now=NOW)
    seq = last_seq(t)
    p = expect_problem(call(t, "DELETE", f"/v1/providers/{bk.pid}"), 409, "in_use")
    assert p["remaining"] == {"upcoming_bookings": 0, "entries": 1}, p
    nothing_since(t, seq)
    assert t.ok("GET", f"/v1/entries/{e['id']}")["assignee_ids"] == [bk.pid]


def test_force_delete_cancels_bookings_unassigns_entries_and_deletes(bk):
    t = bk.t
    other = t.provider("Other", NY)["id"]
    b1 = booked(t, bk.sid, at(MON, "10:00"))
    b2 = booked(t, bk.sid, at(TUE, "11:00"))
    solo = t.ok("POST", "/v1/entries", {"title": "Solo", "start": "2026-03-04T14:00:00Z",
                                        "end": "2026-03-04T15:00:00Z",
                                        "assignee_ids": [bk.pid]}, now=NOW)
    shared = t.ok("POST", "/v1/entries", {"title": "Shared", "start": "2026-03-05T14:00:00Z",
                                          "end": "2026-03-05T15:00:00Z",
                                          "assignee_ids": [bk.pid, other]}, now=NOW)
    prov_before = t.ok("GET", f"/v1/providers/{bk.pid}")
    solo_before = t.ok("GET", f"/v1/entries/{solo['id']}")
    seq, r_id = last_seq(t), rid()
    ok(call(t, "DELETE", f"/v1/providers/{bk.pid}", params={"force": "true"}, now=LATER,
            rid=r_id))
    ev = since(t, seq)
    assert sorted(e["type"] for e in ev) == sorted(
        ["booking.cancelled", "booking.cancelled", "entry.deleted", "entry.updated",
         "service.updated", "provider.deleted"]), ev
    assert [e["seq"] for e in ev] == list(range(seq + 1, seq + 7))
    assert ev[-1]["type"] == "provider.deleted"
    # The service that offered it no longer does, and says so.
    su = by_type(ev, "service.updated")
    assert su["subject_id"] == bk.sid and su["changes"]["provider_ids"] == [[bk.pid], []]
    assert su["payload"] == t.ok("GET", f"/v1/services/{bk.sid}")
    for e in ev:
        assert (e["actor"], e["request_id"], e["created_at"]) == (bk.admin, r_id, LATER), e
    cancelled = {e["subject_id"]: e for e in ev if e["type"] == "booking.cancelled"}
    assert set(cancelled) == {b1["id"], b2["id"]}
    for bid, e in cancelled.items():
        g = get_booking(t, bid)
        assert g["status"] == "cancelled"
        assert e["payload"] == g
        assert e["changes"]["status"] == ["confirmed", "cancelled"]
        h = booking_helpers.history(t, bid)
        assert h[-1]["to"] == "cancelled" and "provider deleted" in (h[-1]["reason"] or ""), h
    d = by_type(ev, "entry.deleted")
    assert d["subject_id"] == solo["id"] and d["changes"] is None
    assert strip(d["payload"], "scope", "occurrence") == solo_before
    u = by_type(ev, "entry.updated")
    shared_after = t.ok("GET", f"/v1/entries/{shared['id']}")
    assert u["subject_id"] == shared["id"]
    assert shared_after["assignee_ids"] == [other]
    assert strip(u["payload"], "scope", "occurrence") == shared_after
    assert u["changes"]["assignee_ids"] == [sorted([bk.pid, other]), [other]]
    pd = by_type(ev, "provider.deleted")
    assert (pd["subject_id"], pd["payload"], pd["changes"]) == (bk.pid, prov_before, None)
    expect_problem(t.get(f"/v1/providers/{bk.pid}"), 404)
    expect_problem(t.get(f"/v1/entries/{solo['id']}"), 404)


def test_force_delete_of_a_provider_with_only_entries(tn):
    t = tn.t
    pid = t.provider("Gone", NY)["id"]
    other = t.provider("Other", NY)["id"]
    solo = t.ok("POST", "/v1/entries", {"title": "Solo", "start": "2026-03-04T14:00:00Z",
                                        "end": "2026-03-04T15:00:00Z", "assignee_ids": [pid],
                                        "rrule": "FREQ=DAILY;COUNT=3"}, now=NOW)
    shared = t.ok("POST", "/v1/entries", {"title": "Shared", "start": "2026-03-05T14:00:00Z",
                                          "end": "2026-03-05T15:00:00Z",
                                          "assignee_ids": [pid, other]}, now=NOW)
    prov_before = t.ok("GET", f"/v1/providers/{pid}")
    solo_before = t.ok("GET", f"/v1/entries/{solo['id']}")
    seq, r_id = last_seq(t), rid()
    ok(call(t, "DELETE", f"/v1/providers/{pid}", params={"force": "true"}, now=LATER, rid=r_id))
    ev = since(t, seq)
    assert sorted(e["type"] for e in ev) == ["entry.deleted", "entry.updated",
                                             "provider.deleted"], ev
    assert [e["seq"] for e in ev] == [seq + 1, seq + 2, seq + 3]
    for e in ev:
        assert (e["actor"], e["request_id"], e["created_at"]) == (tn.admin, r_id, LATER), e
    d = by_type(ev, "entry.deleted")
    assert (d["subject_id"], d["changes"]) == (solo["id"], None)
    assert strip(d["payload"], "scope", "occurrence") == solo_before
    u = by_type(ev, "entry.updated")
    shared_after = t.ok("GET", f"/v1/entries/{shared['id']}")
    assert u["subject_id"] == shared["id"] and shared_after["assignee_ids"] == [other]
    assert strip(u["payload"], "scope", "occurrence") == shared_after
    assert u["changes"]["assignee_ids"] == [sorted([pid, other]), [other]]
    pd = by_type(ev, "provider.deleted")
    assert (pd["subject_id"], pd["payload"], pd["changes"]) == (pid, prov_before, None)
    expect_problem(t.get(f"/v1/providers/{pid}"), 404)
    expect_problem(t.get(f"/v1/entries/{solo['id']}"), 404)


def test_provider_with_past_bookings_is_deleted_and_its_bookings_stay(bk):
    t = bk.t
    past = booked(t, bk.sid, at(MON, "10:00"))
    future = booked(t, bk.sid, at("2026-03-10", "10:00", "-04:00"))
    after_mon = "2026-03-03T12:00:00Z"
    seq = last_seq(t)
    # The upcoming booking stands in the way without force; nothing is written.
    p = expect_problem(call(t, "DELETE", f"/v1/providers/{bk.pid}", now=after_mon), 409,
                       "in_use")
    assert p["remaining"] == {"upcoming_bookings": 1, "entries": 0}, p
    nothing_since(t, seq)
    # Once it is cancelled, only history is left: the provider goes, the bookings stay.
    acted(t, future["id"], "cancel", now=after_mon)
    seq = last_seq(t)
    before = t.ok("GET", f"/v1/providers/{bk.pid}")
    assert call(t, "DELETE", f"/v1/providers/{bk.pid}", now=after_mon).status_code == 204
    ev = since(t, seq)
    assert [e["type"] for e in ev] == ["service.updated", "provider.deleted"], ev
    check(ev[1], "provider.deleted", bk.pid, bk.admin, after_mon, changes=None, payload=before)
    expect_problem(t.get(f"/v1/providers/{bk.pid}"), 404, "not_found")
    assert bk.pid not in [x["id"] for x in t.list_all("/v1/providers")]
    # The past booking still names it and reads as before, in its zone.
    assert get_booking(t, past["id"]) == {k: v for k, v in past.items() if k != "manage_token"}
    assert get_booking(t, future["id"])["status"] == "cancelled"


# --- services --------------------------------------------------------------------------------

def test_service_created_updated_deleted(tn):
    t = tn.t
    p1 = t.provider("A", NY)["id"]
    p2 = t.provider("B", NY)["id"]
    seq, r_id = last_seq(t), rid()
    s = ok(call(t, "POST", "/v1/services", {"name": "Cut", "duration_minutes": 30,
                                            "price": "50.00", "currency": "USD",
                                            "provider_ids": [p1]}, rid=r_id))
    ev = only_event(t, seq, "service.created")
    check(ev, "service.created", s["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=t.ok("GET", f"/v1/services/{s['id']}"))

    seq, r_id = ev["seq"], rid()
    s2 = ok(call(t, "PATCH", f"/v1/services/{s['id']}",
                 {"price": "60.00", "provider_ids": [p2, p1], "duration_minutes": 30},
                 now=LATER, rid=r_id))
    ev = only_event(t, seq, "service.updated")
    check(ev, "service.updated", s["id"], tn.admin, LATER, request_id=r_id,
          payload=t.ok("GET", f"/v1/services/{s['id']}"))
    assert ev["payload"] == s2
    # duration_minutes was sent unchanged: no pair for it.
    assert ev["changes"] == {"price": ["50.00", "60.00"],
                             "provider_ids": [[p1], sorted([p1, p2])]}

    before = t.ok("GET", f"/v1/services/{s['id']}")
    seq, r_id = ev["seq"], rid()
    ok(call(t, "DELETE", f"/v1/services/{s['id']}", now=LATER, rid=r_id))
    check(only_event(t, seq, "service.deleted"), "service.deleted", s["id"], tn.admin, LATER,
          request_id=r_id, changes=None, payload=before)


def test_refused_service_writes_write_nothing(tn):
    t = tn.t
    s = t.service([], "Cut", 30)
    seq = last_seq(t)
    missing = "/v1/services/svc_00000000000000000000"
    expect_problem(call(t, "POST", "/v1/services", {"name": "X", "duration_minutes": 0}), 422)
    expect_problem(call(t, "POST", "/v1/services", {"name": "X", "duration_minutes": 30,
                                                    "price": 5, "currency": "USD"}), 422)
    expect_problem(call(t, "POST", "/v1/services", {
        "name": "X", "duration_minutes": 30,
        "provider_ids": ["prv_00000000000000000000"]}), 422)
    expect_problem(call(t, "PATCH", f"/v1/services/{s['id']}", {"duration_minutes": 5000}), 422)
    expect_problem(call(t, "PATCH", missing, {"name": "Y"}), 404)
    expect_problem(call(t, "DELETE", missing), 404)
    nothing_since(t, seq)


# --- schedule, overrides, holidays, time off ---------------------------------------------------

def test_schedule_updated(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    seq, r_id = last_seq(t), rid()
    ok(call(t, "PUT", f"/v1/providers/{pid}/schedule",
            {"weekly": weekdays([("09:00", "17:00")])}, rid=r_id))
    ev = only_event(t, seq, "schedule.updated")
    first = t.ok("GET", f"/v1/providers/{pid}/schedule")
    check(ev, "schedule.updated", pid, tn.admin, NOW, request_id=r_id, payload=first)

    seq, r_id = ev["seq"], rid()
    ok(call(t, "PUT", f"/v1/providers/{pid}/schedule",
            {"weekly": weekdays([("09:00", "12:00")])}, now=LATER, rid=r_id))
    ev = only_event(t, seq, "schedule.updated")
    second = t.ok("GET", f"/v1/providers/{pid}/schedule")
    check(ev, "schedule.updated", pid, tn.admin, LATER, request_id=r_id, payload=second)
    assert ev["changes"]["weekly"] == [first["weekly"], second["weekly"]]
    assert ev["changes"]["weekly"][1]["mon"] == [{"start": "09:00", "end": "12:00"}]
    assert "timezone" not in ev["changes"] and "provider_id" not in ev["changes"]


def test_refused_schedule_writes_write_nothing(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    seq = last_seq(t)
    expect_problem(call(t, "PUT", f"/v1/providers/{pid}/schedule",
                        {"weekly": {"mon": [{"start": "09:00", "end": "12:00"},
                                            {"start": "11:00", "end": "13:00"}]}}), 422)
    expect_problem(call(t, "PUT", f"/v1/providers/{pid}/schedule", {"weekly": {"xyz": []}}), 422)
    expect_problem(call(t, "PUT", "/v1/providers/prv_00000000000000000000/schedule",
                        {"weekly": weekdays([("09:00", "17:00")])}), 404)
    nothing_since(t, seq)


def test_override_created_and_deleted(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    seq, r_id = last_seq(t), rid()
    o = ok(call(t, "POST", f"/v1/providers/{pid}/overrides",
                {"date": MON, "intervals": [{"start": "10:00", "end": "12:00"}],
                 "note": "short day"}, rid=r_id))
    ev = only_event(t, seq, "override.created")
    check(ev, "override.created", o["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=o)
    assert t.list_all(f"/v1/providers/{pid}/overrides") == [ev["payload"]]
    seq, r_id = ev["seq"], rid()
    ok(call(t, "DELETE", f"/v1/providers/{pid}/overrides/{o['id']}", now=LATER, rid=r_id))
    check(only_event(t, seq, "override.deleted"), "override.deleted", o["id"], tn.admin, LATER,
          request_id=r_id, changes=None, payload=o)
    seq = last_seq(t)
    expect_problem(call(t, "POST", f"/v1/providers/{pid}/overrides",
                        {"date": MON, "note": "n" * 1001}), 422)
    expect_problem(call(t, "POST", f"/v1/providers/{pid}/overrides", {"date": "2026-02-30"}),
                   422)
    expect_problem(call(t, "DELETE", f"/v1/providers/{pid}/overrides/{o['id']}"), 404)
    nothing_since(t, seq)


def test_holiday_created_and_deleted(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    seq, r_id = last_seq(t), rid()
    h = ok(call(t, "POST", "/v1/holidays", {"name": "Founders", "date": "2026-05-04",
                                            "recurring": "yearly", "provider_ids": [pid]},
                rid=r_id))
    ev = only_event(t, seq, "holiday.created")
    check(ev, "holiday.created", h["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=h)
    assert t.list_all("/v1/holidays") == [ev["payload"]]
    seq, r_id = ev["seq"], rid()
    ok(call(t, "DELETE", f"/v1/holidays/{h['id']}", now=LATER, rid=r_id))
    check(only_event(t, seq, "holiday.deleted"), "holiday.deleted", h["id"], tn.admin, LATER,
          request_id=r_id, changes=None, payload=h)
    seq = last_seq(t)
    expect_problem(call(t, "POST", "/v1/holidays", {"name": "", "date": "2026-05-04"}), 422)
    expect_problem(call(t, "POST", "/v1/holidays", {"name": "X", "date": "2026-05-04",
                                                    "recurring": "daily"}), 422)
    expect_problem(call(t, "DELETE", f"/v1/holidays/{h['id']}"), 404)
    nothing_since(t, seq)


def test_time_off_created_and_deleted(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    seq, r_id = last_seq(t), rid()
    o = ok(call(t, "POST", f"/v1/providers/{pid}/time-off",
                {"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T17:00:00Z",
                 "reason": "dentist"}, rid=r_id))
    ev = only_event(t, seq, "time_off.created")
    check(ev, "time_off.created", o["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=o)
    assert t.list_all(f"/v1/providers/{pid}/time-off") == [ev["payload"]]
    seq, r_id = ev["seq"], rid()
    ok(call(t, "DELETE", f"/v1/providers/{pid}/time-off/{o['id']}", now=LATER, rid=r_id))
    check(only_event(t, seq, "time_off.deleted"), "time_off.deleted", o["id"], tn.admin, LATER,
          request_id=r_id, changes=None, payload=o)
    seq = last_seq(t)
    expect_problem(call(t, "POST", f"/v1/providers/{pid}/time-off",
                        {"start": "2026-03-02T17:00:00Z", "end": "2026-03-02T15:00:00Z"}), 422)
    expect_problem(call(t, "DELETE", f"/v1/providers/{pid}/time-off/{o['id']}"), 404)
    nothing_since(t, seq)


# --- policy ----------------------------------------------------------------------------------

def test_policy_updated(tn, server):
    t = tn.t
    seq, r_id = last_seq(t), rid()
    p = ok(call(t, "PUT", "/v1/policy",
                {"cancellation_deadline_hours": 24, "no_show_fee_percent": 100}, rid=r_id))
    ev = only_event(t, seq, "policy.updated")
    assert ev["subject_id"].startswith("ten_"), ev
    check(ev, "policy.updated", ev["subject_id"], tn.admin, NOW, request_id=r_id,
          payload=t.ok("GET", "/v1/policy"),
          changes={"cancellation_deadline_hours": [None, 24], "no_show_fee_percent": [None, 100]})
    assert ev["payload"] == p
    tenant_id = ev["subject_id"]

    seq = ev["seq"]
    ok(call(t, "PUT", "/v1/policy", {"cancellation_deadline_hours": 24,
                                     "no_show_fee_percent": 50,
                                     "late_cancellation_fees": [{"within_hours": 48,
                                                                 "percent": 50}]}, now=LATER))
    ev = only_event(t, seq, "policy.updated")
    check(ev, "policy.updated", tenant_id, tn.admin, LATER, payload=t.ok("GET", "/v1/policy"),
          changes={"no_show_fee_percent": [100, 50],
                   "late_cancellation_fees": [None, [{"within_hours": 48, "percent": 50}]]})

    # Another tenant's policy has another subject.
    other = server.tenant()
    other.ok("PUT", "/v1/policy", {"max_reschedules": 1}, now=NOW)
    (oev,) = all_events(other, type="policy.updated")
    assert oev["subject_id"].startswith("ten_") and oev["subject_id"] != tenant_id

    seq = last_seq(t)
    expect_problem(call(t, "PUT", "/v1/policy", {"cancellation_deadline_hours": -1}), 422)
    expect_problem(call(t, "PUT", "/v1/policy", {"no_show_fee_percent": 101}), 422)
    expect_problem(call(t, "PUT", "/v1/policy", {"bogus": 1}), 422)
    staff, _ = new_role_key(t, "staff")
    seq = last_seq(t)
    expect_problem(call(staff, "PUT", "/v1/policy", {"max_reschedules": 2}), 403)
    nothing_since(t, seq)


# --- bookings: create ------------------------------------------------------------------------

def test_booking_created(bk):
    t = bk.t
    seq, r_id = last_seq(t), rid()
    r = booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00"), bk.pid, notes="hi",
                                         metadata={"a": 1}),
                             now=NOW, headers={"X-Request-Id": r_id})
    b = ok(r)
    assert r.headers["X-Request-Id"] == r_id
    ev = only_event(t, seq, "booking.created")
    check(ev, "booking.created", b["id"], bk.admin, NOW, request_id=r_id, changes=None,
          payload=get_booking(t, b["id"]))
    assert ev["payload"] == public(b)
    assert "manage_token" not in ev["payload"]
    assert b["manage_token"] not in json.dumps(ev)


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_booking_created_by_staff_and_customer_keys(bk, role):
    k, kid = new_role_key(bk.t, role)
    seq = last_seq(bk.t)
    b = booked(k, bk.sid, at(MON, "11:00"))
    ev = only_event(bk.t, seq, "booking.created")
    check(ev, "booking.created", b["id"], key_actor(kid, role), NOW,
          payload=public(b) if role == "staff" else ev["payload"])
    assert customer_view(ev["payload"]) == customer_view(b)


def test_refused_bookings_and_replays_write_nothing(bk):
    t = bk.t
    key = new_key()
    r = booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00")), key=key, now=NOW)
    b = ok(r)
    seq = last_seq(t)
    # A replay of the Idempotency-Key.
    r2 = booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00")), key=key, now=NOW)
    assert r2.status_code == 201 and r2.json()["id"] == b["id"], r2.text
    assert r2.headers.get("Idempotent-Replayed") == "true", r2.headers
    # The slot is taken (its answer is stored under the key), then replayed.
    taken_key = new_key()
    expect_problem(booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00")), key=taken_key,
                                        now=NOW), 409, "slot_taken")
    expect_problem(booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00")), key=taken_key,
                                        now=NOW), 409, "slot_taken")
    # A 422 stored under its key, then replayed.
    bad_key = new_key()
    for _ in range(2):
        expect_problem(booking_helpers.post(t, body_for(bk.sid, "2026-03-08T15:00:00Z"),
                                            key=bad_key, now=NOW), 422)
    # 422s: outside the hours (Saturday), a bad body.
    expect_problem(booking_helpers.post(t, body_for(bk.sid, "2026-03-07T15:00:00Z"), now=NOW),
                   422)
    expect_problem(booking_helpers.post(t, {"service_id": bk.sid, "start": at(MON, "12:00")},
                                        now=NOW), 422)
    expect_problem(booking_helpers.post(t, body_for("svc_00000000000000000000",
                                                    at(MON, "12:00")), now=NOW), 422)
    nothing_since(t, seq)
    assert [x["id"] for x in t.list_all("/v1/bookings")] == [b["id"]]


# --- bookings: actions -----------------------------------------------------------------------

ACTION_TYPES = {"confirm": "booking.confirmed", "decline": "booking.declined",
                "cancel": "booking.cancelled", "complete": "booking.completed",
                "no-show": "booking.no_show"}
AFTER_MON_10 = "2026-03-02T16:30:00Z"    # after the 10:00-11:00 (-05:00) booking ended


@pytest.mark.parametrize("action,manual,pre,now,before,after", [
    ("confirm", True, [], NOW, "pending", "confirmed"),
    ("decline", True, [], NOW, "pending", "declined"),
    ("cancel", True, [], NOW, "pending", "cancelled"),
    ("cancel", False, [], NOW, "confirmed", "cancelled"),
    ("complete", False, [], AFTER_MON_10, "confirmed", "completed"),
    ("no-show", False, [], AFTER_MON_10, "confirmed", "no_show"),
    ("complete", True, ["confirm"], AFTER_MON_10, "confirmed", "completed"),
])
def test_booking_action_event(bk, action, manual, pre, now, before, after):
    t = bk.t
    b = booked(t, bk.msid if manual else bk.sid, at(MON, "10:00"))
    for a in pre:
        booking_helpers.acted(t, b["id"], a, now=NOW)
    assert get_booking(t, b["id"])["status"] == before
    seq, r_id = last_seq(t), rid()
    r = act(t, b["id"], action, {"reason": "because"}, now=now, rid=r_id)
    got = ok(r, 200)
    assert r.headers["X-Request-Id"] == r_id
    ev = only_event(t, seq, ACTION_TYPES[action])
    check(ev, ACTION_TYPES[action], b["id"], bk.admin, now, request_id=r_id,
          payload=get_booking(t, b["id"]), changes={"status": [before, after]})
    assert ev["payload"] == got


def test_fees_appear_in_changes(bk):
    t = bk.t
    t.ok("PUT", "/v1/policy", {"no_show_fee_percent": 100,
                               "late_cancellation_fees": [{"within_hours": 48, "percent": 50}]},
         now=NOW)
    late = booked(t, bk.sid, at(MON, "10:00"))       # 15:00Z
    noshow = booked(t, bk.sid, at(MON, "12:00"))
    seq = last_seq(t)
    ok(act(t, late["id"], "cancel", now="2026-03-01T12:00:00Z"), 200)   # 27 h before
    ev = only_event(t, seq, "booking.cancelled")
    fee = get_booking(t, late["id"])["fee"]
    assert fee == {"amount": "25.00", "currency": "USD", "reason": "late_cancellation"}, fee
    assert ev["changes"] == {"status": ["confirmed", "cancelled"], "fee": [None, fee]}
    seq = ev["seq"]
    ok(act(t, noshow["id"], "no-show", now="2026-03-02T17:30:00Z"), 200)
    ev = only_event(t, seq, "booking.no_show")
    fee = get_booking(t, noshow["id"])["fee"]
    assert fee == {"amount": "50.00", "currency": "USD", "reason": "no_show"}, fee
    assert ev["changes"] == {"status": ["confirmed", "no_show"], "fee": [None, fee]}
    assert ev["payload"] == get_booking(t, noshow["id"])


def test_no_show_before_the_start_is_409_and_writes_nothing(bk):
    b = booked(bk.t, bk.sid, at(MON, "10:00"))
    seq = last_seq(bk.t)
    expect_problem(act(bk.t, b["id"], "no-show", now="2026-03-02T14:59:59Z"), 409,
                   "booking_not_started")
    nothing_since(bk.t, seq)
    assert get_booking(bk.t, b["id"])["status"] == "confirmed"


def test_illegal_transitions_write_nothing(bk):
    t = bk.t
    b = booked(t, bk.msid, at(MON, "10:00"))
    booking_helpers.acted(t, b["id"], "cancel", now=NOW)
    seq = last_seq(t)
    for a in ("confirm", "decline", "cancel", "complete", "no-show"):
        expect_problem(act(t, b["id"], a, now=AFTER_MON_10), 409)
    expect_problem(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule",
                        {"start": at(MON, "12:00")}), 409)
    p = booked(t, bk.msid, at(MON, "13:00"))
    seq = last_seq(t)
    expect_problem(act(t, p["id"], "complete", now=AFTER_MON_10), 409)
    expect_problem(act(t, p["id"], "no-show", now=AFTER_MON_10), 409)
    nothing_since(t, seq)


def test_if_match_mismatch_on_an_action_is_412_and_writes_nothing(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    seq = last_seq(t)
    expect_problem(act(t, b["id"], "cancel", headers={"If-Match": '"7"'}), 412)
    expect_problem(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule",
                        {"start": at(MON, "12:00")}, headers={"If-Match": '"2"'}), 412)
    nothing_since(t, seq)
    ok(act(t, b["id"], "cancel", headers={"If-Match": '"1"'}), 200)
    only_event(t, seq, "booking.cancelled")


def test_refused_actions_write_nothing(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    seq = last_seq(t)
    expect_problem(act(t, "bkg_00000000000000000000", "cancel"), 404)
    expect_problem(act(t, b["id"], "cancel", {"reason": 5}), 422)
    expect_problem(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule", {"start": "soon"}),
                   422)
    customer, _ = new_role_key(t, "customer")
    seq = last_seq(t)
    expect_problem(act(customer, b["id"], "cancel"), 403)
    expect_problem(act(t, b["id"], "confirm", key=b["manage_token"]), 403)
    nothing_since(t, seq)
    assert get_booking(t, b["id"])["status"] == "confirmed"


def test_staff_key_action_actor(bk):
    staff, kid = new_role_key(bk.t, "staff")
    b = booked(bk.t, bk.msid, at(MON, "10:00"))
    seq = last_seq(bk.t)
    ok(act(staff, b["id"], "confirm"), 200)
    check(only_event(bk.t, seq, "booking.confirmed"), "booking.confirmed", b["id"],
          key_actor(kid, "staff"), NOW, changes={"status": ["pending", "confirmed"]})


def test_manage_token_cancel_actor(bk):
    b = booked(bk.t, bk.sid, at(MON, "10:00"))
    seq, r_id = last_seq(bk.t), rid()
    ok(act(bk.t, b["id"], "cancel", key=b["manage_token"], rid=r_id, now=LATER), 200)
    check(only_event(bk.t, seq, "booking.cancelled"), "booking.cancelled", b["id"],
          {"type": "manage_token", "id": b["id"], "role": "customer"}, LATER, request_id=r_id,
          changes={"status": ["confirmed", "cancelled"]}, payload=get_booking(bk.t, b["id"]))


def test_manage_token_reschedule(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    booked(t, bk.sid, at(MON, "14:00"))
    seq = last_seq(t)
    expect_problem(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule",
                        {"start": at(MON, "14:00")}, key=b["manage_token"]), 409, "slot_taken")
    expect_problem(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule",
                        {"start": "2026-03-07T15:00:00Z"}, key=b["manage_token"]), 422)
    nothing_since(t, seq)
    r_id = rid()
    got = ok(call(t, "POST", f"/v1/bookings/{b['id']}/reschedule", {"start": at(TUE, "11:00")},
                  key=b["manage_token"], rid=r_id, now=LATER), 200)
    ev = only_event(t, seq, "booking.rescheduled")
    check(ev, "booking.rescheduled", b["id"],
          {"type": "manage_token", "id": b["id"], "role": "customer"}, LATER, request_id=r_id,
          payload=get_booking(t, b["id"]),
          changes={"start": [at(MON, "10:00"), at(TUE, "11:00")],
                   "end": [at(MON, "11:00"), at(TUE, "12:00")],
                   "reschedule_count": [0, 1]})
    assert customer_view(ev["payload"]) == got


def test_staff_reschedule_actor_and_changes(bk):
    t = bk.t
    staff, kid = new_role_key(t, "staff")
    b = booked(t, bk.sid, at(MON, "10:00"))
    seq = last_seq(t)
    got = ok(call(staff, "POST", f"/v1/bookings/{b['id']}/reschedule",
                  {"start": "2026-03-02T20:00:00Z"}, now=LATER), 200)   # 15:00 New York
    ev = only_event(t, seq, "booking.rescheduled")
    check(ev, "booking.rescheduled", b["id"], key_actor(kid, "staff"), LATER, payload=got,
          changes={"start": [at(MON, "10:00"), at(MON, "15:00")],
                   "end": [at(MON, "11:00"), at(MON, "16:00")], "reschedule_count": [0, 1]})


# --- holds -----------------------------------------------------------------------------------

def hold_body(sid, start, **fields):
    return dict({"service_id": sid, "start": start}, **fields)


def get_hold(t, hid, now):
    return t.ok("GET", f"/v1/holds/{hid}", now=now)


def test_hold_created_and_released(bk):
    t = bk.t
    customer, kid = new_role_key(t, "customer")
    seq, r_id = last_seq(t), rid()
    h = ok(call(customer, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "10:00"),
                                                         customer={"email": "c@example.com"}),
                now=WNOW, rid=r_id))
    ev = only_event(t, seq, "hold.created")
    check(ev, "hold.created", h["id"], key_actor(kid, "customer"), WNOW, request_id=r_id,
          changes=None, payload=get_hold(t, h["id"], WNOW))
    assert ev["payload"] == h
    rel = shift(WNOW, 120)
    before = get_hold(t, h["id"], rel)
    seq, r_id = ev["seq"], rid()
    ok(call(customer, "DELETE", f"/v1/holds/{h['id']}", now=rel, rid=r_id))
    check(only_event(t, seq, "hold.released"), "hold.released", h["id"],
          key_actor(kid, "customer"), rel, request_id=r_id, changes=None, payload=before)


def test_refused_hold_writes_write_nothing(bk):
    t = bk.t
    h = ok(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "10:00")), now=WNOW))
    booked(t, bk.sid, at(MON, "12:00"))
    other, _ = new_role_key(t, "customer")
    seq = last_seq(t)
    expect_problem(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "10:00")), now=WNOW),
                   409, "slot_taken")
    expect_problem(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "12:00")), now=WNOW),
                   409, "slot_taken")
    expect_problem(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "11:00"),
                                                          ttl_seconds=5), now=WNOW), 422)
    expect_problem(call(t, "POST", "/v1/holds", hold_body(bk.sid, "2026-03-07T15:00:00Z"),
                        now=WNOW), 422)
    expect_problem(call(t, "DELETE", "/v1/holds/hld_00000000000000000000", now=WNOW), 404)
    expect_problem(call(other, "DELETE", f"/v1/holds/{h['id']}", now=WNOW), 404)
    nothing_since(t, seq)
    assert get_hold(t, h["id"], WNOW)["live"] is True


def _expire_by_list(x, now, r_id):
    ok(call(x.t, "GET", "/v1/waitlist", now=now, rid=r_id), 200)


def _expire_by_entry_read(x, now, r_id):
    ok(call(x.t, "GET", f"/v1/waitlist/{x.entry['id']}", now=now, rid=r_id), 200)


def _expire_by_cancel(x, now, r_id):
    ok(act(x.t, x.other_booking["id"], "cancel", now=now, rid=r_id), 200)


def _expire_by_release(x, now, r_id):
    ok(call(x.t, "DELETE", f"/v1/holds/{x.other_hold['id']}", now=now, rid=r_id))


@pytest.mark.parametrize("trigger,extra", [
    (_expire_by_list, []),
    (_expire_by_entry_read, []),
    (_expire_by_cancel, ["booking.cancelled"]),
    (_expire_by_release, ["hold.released"]),
])
def test_hold_expired_is_closed_lazily_by_the_system(bk, trigger, extra):
    t = bk.t
    # A waiting entry whose dates no free time fits (Saturday only, nothing is open).
    entry = t.ok("POST", "/v1/waitlist", {"service_id": bk.sid, "customer": {
        "name": "W", "email": "w@example.com"}, "earliest_date": "2026-03-07",
        "latest_date": "2026-03-07"}, now=WNOW)
    assert entry["status"] == "waiting"
    other_booking = booked(t, bk.sid, at(WED, "10:00"), now=WNOW)
    other_hold = ok(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(THU, "10:00")), now=WNOW))
    h = ok(call(t, "POST", "/v1/holds", hold_body(bk.sid, at(MON, "10:00"), ttl_seconds=60),
                now=WNOW))
    late = shift(WNOW, 300)
    seq = last_seq(t)
    expired_view = get_hold(t, h["id"], late)      # a read: it closes nothing
    assert expired_view["live"] is False
    nothing_since(t, seq)
    r_id = rid()
    trigger(types.SimpleNamespace(t=t, entry=entry, other_booking=other_booking,
                                  other_hold=other_hold), late, r_id)
    ev = since(t, seq)
    assert sorted(e["type"] for e in ev) == sorted(["hold.expired"] + extra), ev
    e = by_type(ev, "hold.expired")
    check(e, "hold.expired", h["id"], EXPIRY, late, request_id=r_id, changes=None,
          payload=expired_view)
    # Closed once: a second round writes nothing more.
    seq = last_seq(t)
    ok(call(t, "GET", "/v1/waitlist", now=shift(late, 60)), 200)
    nothing_since(t, seq)


# --- waitlist --------------------------------------------------------------------------------

@pytest.fixture
def wl(server):
    """Provider New York 09:00-11:00 weekdays, 60-minute service; Monday 09:00 (b9) and 10:00
    (b10) are booked, so Monday-only entries wait."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "11:00")]))
    sid = t.service([pid], "Consult", 60, price="50.00", currency="USD")["id"]
    b9 = booked(t, sid, at(MON, "09:00"), now=WNOW)
    b10 = booked(t, sid, at(MON, "10:00"), now=WNOW)
    return types.SimpleNamespace(t=t, server=server, pid=pid, sid=sid, b9=b9, b10=b10,
                                 admin=key_actor(admin_key_id(t)))


def wl_body(sid, name="Wendy", **fields):
    return dict({"service_id": sid, "customer": {"name": name,
                                                 "email": f"{name.lower()}@example.com"},
                 "earliest_date": MON, "latest_date": MON}, **fields)


def get_entry(t, eid, now=WNOW):
    return t.ok("GET", f"/v1/waitlist/{eid}", now=now)


def test_waitlist_joined(wl):
    seq, r_id = last_seq(wl.t), rid()
    e = ok(call(wl.t, "POST", "/v1/waitlist", wl_body(wl.sid, priority=3), now=WNOW, rid=r_id))
    assert e["status"] == "waiting"
    ev = only_event(wl.t, seq, "waitlist.joined")
    check(ev, "waitlist.joined", e["id"], wl.admin, WNOW, request_id=r_id, changes=None,
          payload=get_entry(wl.t, e["id"]))
    assert ev["payload"] == e


def test_waitlist_join_by_customer_key(wl):
    customer, kid = new_role_key(wl.t, "customer")
    seq = last_seq(wl.t)
    e = ok(call(customer, "POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW))
    check(only_event(wl.t, seq, "waitlist.joined"), "waitlist.joined", e["id"],
          key_actor(kid, "customer"), WNOW, payload=e)


def test_waitlist_offered_when_time_frees(wl):
    t = wl.t
    e = t.ok("POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW)
    seq, r_id = last_seq(t), rid()
    cancel_at = shift(WNOW, 60)
    ok(act(t, wl.b10["id"], "cancel", now=cancel_at, rid=r_id), 200)
    ev = since(t, seq)
    assert [x["type"] for x in ev] == ["booking.cancelled", "waitlist.offered"], ev
    check(ev[0], "booking.cancelled", wl.b10["id"], wl.admin, cancel_at, request_id=r_id)
    offered = get_entry(t, e["id"], cancel_at)
    assert offered["status"] == "offered"
    o = ev[1]
    check(o, "waitlist.offered", e["id"], WAITLIST, cancel_at, request_id=r_id, payload=offered)
    assert o["changes"]["status"] == ["waiting", "offered"]
    assert o["changes"]["hold_id"] == [None, offered["hold_id"]]
    assert o["payload"]["offer_start"] == utc(at(MON, "10:00"))


def test_waitlist_offered_at_once_on_joining(wl):
    t = wl.t
    booking_helpers.acted(t, wl.b10["id"], "cancel", now=WNOW)
    seq, r_id = last_seq(t), rid()
    e = ok(call(t, "POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW, rid=r_id))
    assert e["status"] == "offered"
    ev = since(t, seq)
    assert [x["type"] for x in ev] == ["waitlist.joined", "waitlist.offered"], ev
    check(ev[0], "waitlist.joined", e["id"], wl.admin, WNOW, request_id=r_id, changes=None)
    assert (ev[0]["payload"]["status"], ev[0]["payload"]["hold_id"]) == ("waiting", None)
    check(ev[1], "waitlist.offered", e["id"], WAITLIST, WNOW, request_id=r_id, payload=e)
    assert ev[1]["changes"]["status"] == ["waiting", "offered"]


def offered_entry(wl):
    e = wl.t.ok("POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW)
    booking_helpers.acted(wl.t, wl.b10["id"], "cancel", now=WNOW)
    e = get_entry(wl.t, e["id"])
    assert e["status"] == "offered"
    return e


def test_waitlist_offer_expires(wl):
    t = wl.t
    e = offered_entry(wl)
    assert e["offer_expires_at"] == "2026-03-01T12:30:00Z"
    seq, r_id = last_seq(t), rid()
    late = "2026-03-01T12:31:00Z"
    got = ok(call(t, "GET", f"/v1/waitlist/{e['id']}", now=late, rid=r_id), 200)
    assert got["status"] == "expired"
    ev = since(t, seq)
    assert [x["type"] for x in ev] == ["waitlist.expired"], ev
    check(ev[0], "waitlist.expired", e["id"], EXPIRY, late, request_id=r_id, payload=got)
    assert ev[0]["changes"]["status"] == ["offered", "expired"]


def test_waitlist_offer_hold_released_is_waitlist_expired(wl):
    t = wl.t
    e = offered_entry(wl)
    seq, r_id = last_seq(t), rid()
    rel = shift(WNOW, 60)
    ok(call(t, "DELETE", f"/v1/holds/{e['hold_id']}", now=rel, rid=r_id))
    ev = since(t, seq)
    assert [x["type"] for x in ev] == ["waitlist.expired"], ev
    got = get_entry(t, e["id"], rel)
    assert got["status"] == "expired"
    check(ev[0], "waitlist.expired", e["id"], ev[0]["actor"], rel, request_id=r_id,
          payload=got)
    assert ev[0]["changes"]["status"] == ["offered", "expired"]


def test_waitlist_removed(wl):
    t = wl.t
    staff, kid = new_role_key(t, "staff")
    e = t.ok("POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW)
    before = get_entry(t, e["id"])
    seq, r_id = last_seq(t), rid()
    ok(call(staff, "DELETE", f"/v1/waitlist/{e['id']}", now=LATER, rid=r_id))
    check(only_event(t, seq, "waitlist.removed"), "waitlist.removed", e["id"],
          key_actor(kid, "staff"), LATER, request_id=r_id, changes=None, payload=before)


def test_removing_an_offered_entry_offers_the_next(wl):
    t = wl.t
    first = offered_entry(wl)
    second = t.ok("POST", "/v1/waitlist", wl_body(wl.sid, name="Second"), now=WNOW)
    assert second["status"] == "waiting"
    before = get_entry(t, first["id"])
    seq, r_id = last_seq(t), rid()
    ok(call(t, "DELETE", f"/v1/waitlist/{first['id']}", now=WNOW, rid=r_id))
    ev = since(t, seq)
    assert [x["type"] for x in ev] == ["waitlist.removed", "waitlist.offered"], ev
    check(ev[0], "waitlist.removed", first["id"], wl.admin, WNOW, request_id=r_id,
          payload=before)
    check(ev[1], "waitlist.offered", second["id"], WAITLIST, WNOW, request_id=r_id,
          payload=get_entry(t, second["id"]))


def test_refused_waitlist_writes_write_nothing(wl):
    t = wl.t
    e = t.ok("POST", "/v1/waitlist", wl_body(wl.sid), now=WNOW)
    seq = last_seq(t)
    expect_problem(call(t, "POST", "/v1/waitlist", wl_body(wl.sid, latest_date="2026-03-01"),
                        now=WNOW), 422)
    expect_problem(call(t, "POST", "/v1/waitlist", wl_body("svc_00000000000000000000"),
                        now=WNOW), 422)
    expect_problem(call(t, "POST", "/v1/waitlist", wl_body(wl.sid, weekdays=["xyz"]),
                        now=WNOW), 422)
    expect_problem(call(t, "DELETE", "/v1/waitlist/wtl_00000000000000000000", now=WNOW), 404)
    customer, _ = new_role_key(t, "customer")
    seq = last_seq(t)
    expect_problem(call(customer, "DELETE", f"/v1/waitlist/{e['id']}", now=WNOW), 403)
    nothing_since(t, seq)


# --- schedule entries --------------------------------------------------------------------------

def entry_view(ev):
    return strip(ev["payload"], "scope", "occurrence", "split_from")


def daily_entry(t, pid, count=5, key=None):
    who = key or t
    return ok(call(who, "POST", "/v1/entries", {
        "title": "Round", "start": "2026-03-02T14:00:00Z", "end": "2026-03-02T15:00:00Z",
        "timezone": NY, "assignee_ids": [pid], "rrule": f"FREQ=DAILY;COUNT={count}"}))


def test_entry_created_updated_deleted_by_staff(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    staff, kid = new_role_key(t, "staff")
    sa = key_actor(kid, "staff")
    seq, r_id = last_seq(t), rid()
    e = ok(call(staff, "POST", "/v1/entries", {
        "title": "Boiler", "start": "2026-03-02T14:00:00Z", "end": "2026-03-02T15:30:00Z",
        "timezone": NY, "assignee_ids": [pid], "work_item": {"type": "ticket", "id": "T-1"},
        "rrule": "FREQ=WEEKLY;COUNT=4"}, rid=r_id))
    ev = only_event(t, seq, "entry.created")
    check(ev, "entry.created", e["id"], sa, NOW, request_id=r_id, changes=None)
    assert entry_view(ev) == t.ok("GET", f"/v1/entries/{e['id']}")
    assert (ev["payload"]["scope"], ev["payload"]["occurrence"]) == ("all", None)
    assert "split_from" not in ev["payload"]

    seq, r_id = ev["seq"], rid()
    ok(call(staff, "PATCH", f"/v1/entries/{e['id']}", {"title": "Boiler check", "notes": "n"},
            headers={"If-Match": '"1"'}, now=LATER, rid=r_id), 200)
    ev = only_event(t, seq, "entry.updated")
    check(ev, "entry.updated", e["id"], sa, LATER, request_id=r_id,
          changes={"title": ["Boiler", "Boiler check"], "notes": [None, "n"]})
    after = t.ok("GET", f"/v1/entries/{e['id']}")
    assert entry_view(ev) == after
    assert (ev["payload"]["scope"], ev["payload"]["occurrence"]) == ("all", None)

    seq, r_id = ev["seq"], rid()
    ok(call(staff, "DELETE", f"/v1/entries/{e['id']}", now=LATER, rid=r_id))
    ev = only_event(t, seq, "entry.deleted")
    check(ev, "entry.deleted", e["id"], sa, LATER, request_id=r_id, changes=None)
    assert entry_view(ev) == after
    assert (ev["payload"]["scope"], ev["payload"]["occurrence"]) == ("all", None)


def test_entry_patch_this_occurrence(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    e = daily_entry(t, pid)
    occ = "2026-03-03T14:00:00Z"
    seq, r_id = last_seq(t), rid()
    ok(call(t, "PATCH", f"/v1/entries/{e['id']}", {"title": "Moved", "start":
                                                   "2026-03-03T16:00:00Z"},
            params={"scope": "this", "occurrence": occ}, now=LATER, rid=r_id), 200)
    ev = only_event(t, seq, "entry.updated")
    check(ev, "entry.updated", e["id"], tn.admin, LATER, request_id=r_id)
    after = t.ok("GET", f"/v1/entries/{e['id']}")
    assert entry_view(ev) == after
    assert ev["payload"]["scope"] == "this"
    assert utc(ev["payload"]["occurrence"]) == occ
    assert ev["changes"] == {"overrides": [[], after["overrides"]]}
    assert len(after["overrides"]) == 1


def test_entry_patch_future_splits_the_series(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    e = daily_entry(t, pid)
    occ = "2026-03-04T14:00:00Z"
    seq, r_id = last_seq(t), rid()
    n = ok(call(t, "PATCH", f"/v1/entries/{e['id']}", {"title": "Later"},
                params={"scope": "future", "occurrence": occ}, now=LATER, rid=r_id), 200)
    assert n["split_from"] == e["id"] and n["id"] != e["id"]
    ev = since(t, seq)
    assert sorted(x["type"] for x in ev) == ["entry.created", "entry.updated"], ev
    u, c = by_type(ev, "entry.updated"), by_type(ev, "entry.created")
    old = t.ok("GET", f"/v1/entries/{e['id']}")
    check(u, "entry.updated", e["id"], tn.admin, LATER, request_id=r_id)
    assert entry_view(u) == old
    assert u["changes"]["rrule"] == [e["rrule"], old["rrule"]]
    assert "UNTIL" in old["rrule"]
    assert u["payload"]["scope"] == "future" and utc(u["payload"]["occurrence"]) == occ
    check(c, "entry.created", n["id"], tn.admin, LATER, request_id=r_id, changes=None)
    assert c["payload"]["split_from"] == e["id"]
    assert entry_view(c) == strip(t.ok("GET", f"/v1/entries/{n['id']}"), "split_from")
    assert c["payload"]["title"] == "Later"


def test_entry_delete_this_occurrence_is_an_update(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    e = daily_entry(t, pid)
    occ = "2026-03-05T14:00:00Z"
    seq, r_id = last_seq(t), rid()
    ok(call(t, "DELETE", f"/v1/entries/{e['id']}", params={"scope": "this", "occurrence": occ},
            now=LATER, rid=r_id))
    ev = only_event(t, seq, "entry.updated")
    check(ev, "entry.updated", e["id"], tn.admin, LATER, request_id=r_id)
    after = t.ok("GET", f"/v1/entries/{e['id']}")
    assert entry_view(ev) == after
    assert ev["payload"]["scope"] == "this" and utc(ev["payload"]["occurrence"]) == occ
    assert len(after["exdates"]) == 1 and utc(after["exdates"][0]) == occ
    assert ev["changes"] == {"exdates": [[], after["exdates"]]}


def test_refused_entry_writes_write_nothing(tn):
    t = tn.t
    pid = t.provider("P", NY)["id"]
    e = daily_entry(t, pid)
    missing = "/v1/entries/ent_00000000000000000000"
    seq = last_seq(t)
    expect_problem(call(t, "PATCH", f"/v1/entries/{e['id']}", {"title": "X"},
                        headers={"If-Match": '"9"'}), 412)
    expect_problem(call(t, "DELETE", f"/v1/entries/{e['id']}", headers={"If-Match": '"9"'}),
                   412)
    expect_problem(call(t, "PATCH", f"/v1/entries/{e['id']}",
                        {"end": "2026-03-02T13:00:00Z"}), 422)
    expect_problem(call(t, "PATCH", f"/v1/entries/{e['id']}", {"title": "X"},
                        params={"scope": "this", "occurrence": "2026-03-03T15:00:00Z"}), 422)
    expect_problem(call(t, "PATCH", f"/v1/entries/{e['id']}", {"rrule": "FREQ=DAILY"},
                        params={"scope": "this", "occurrence": "2026-03-03T14:00:00Z"}), 422)
    expect_problem(call(t, "DELETE", f"/v1/entries/{e['id']}",
                        params={"scope": "future", "occurrence": "2026-04-03T14:00:00Z"}), 422)
    expect_problem(call(t, "POST", "/v1/entries", {
        "title": "X", "start": "2026-03-02T14:00:00Z", "end": "2026-03-02T15:00:00Z",
        "assignee_ids": ["prv_00000000000000000000"]}), 422)
    expect_problem(call(t, "PATCH", missing, {"title": "X"}), 404)
    expect_problem(call(t, "DELETE", missing), 404)
    customer, _ = new_role_key(t, "customer")
    seq = last_seq(t)
    expect_problem(call(customer, "DELETE", f"/v1/entries/{e['id']}"), 403)
    nothing_since(t, seq)
    assert t.ok("GET", f"/v1/entries/{e['id']}")["version"] == 1


# --- keys ------------------------------------------------------------------------------------

def test_key_created_and_revoked_through_the_api(tn):
    t = tn.t
    seq, r_id = last_seq(t), rid()
    k = ok(call(t, "POST", "/v1/keys", {"name": "Front desk", "role": "staff"}, rid=r_id))
    ev = only_event(t, seq, "key.created")
    shown = t.ok("GET", f"/v1/keys/{k['id']}")
    check(ev, "key.created", k["id"], tn.admin, NOW, request_id=r_id, changes=None,
          payload=shown)
    assert ev["payload"] == strip(k, "secret")
    assert k["secret"] not in json.dumps(ev)

    before = t.ok("GET", f"/v1/keys/{k['id']}")
    seq, r_id = ev["seq"], rid()
    ok(call(t, "DELETE", f"/v1/keys/{k['id']}", now=LATER, rid=r_id))
    ev = only_event(t, seq, "key.revoked")
    check(ev, "key.revoked", k["id"], tn.admin, LATER, request_id=r_id, payload=before)
    assert k["secret"] not in json.dumps(ev)
    expect_problem(t.get("/v1/providers", key=k["secret"]), 401)


def test_a_new_admin_key_is_the_actor_of_its_writes(tn):
    t = tn.t
    admin2, kid = new_role_key(t, "admin")
    seq = last_seq(t)
    p = admin2.ok("POST", "/v1/providers", {"name": "P", "timezone": NY}, now=NOW)
    check(only_event(t, seq, "provider.created"), "provider.created", p["id"],
          key_actor(kid, "admin"), NOW)
    assert kid != tn.admin["id"]
    # Filtered by actor id, each key sees its own writes.
    assert [e["subject_id"] for e in all_events(t, actor_id=kid)] == [p["id"]]


def test_refused_key_writes_write_nothing(tn):
    t = tn.t
    seq = last_seq(t)
    expect_problem(call(t, "POST", "/v1/keys", {"name": "X", "role": "root"}), 422)
    expect_problem(call(t, "POST", "/v1/keys", {"role": "staff"}), 422)
    expect_problem(call(t, "POST", "/v1/keys", {"name": "X", "role": "admin",
                                                "provider_ids": ["prv_00000000000000000000"]}),
                   422)
    expect_problem(call(t, "DELETE", "/v1/keys/key_00000000000000000000"), 404)
    nothing_since(t, seq)
    staff, _ = new_role_key(t, "staff")
    seq = last_seq(t)
    expect_problem(call(staff, "POST", "/v1/keys", {"name": "X", "role": "admin"}), 403)
    nothing_since(t, seq)


# --- GET /v1/events: roles, parameters, filters, paging ----------------------------------------

def test_only_admin_keys_may_list_events(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    for role in ("staff", "customer"):
        k, _ = new_role_key(t, role)
        expect_problem(k.get("/v1/events", now=NOW), 403, "forbidden")
    expect_problem(t.get("/v1/events", key=b["manage_token"], now=NOW), 403, "forbidden")
    expect_problem(t.get("/v1/events", key=None), 401)


@pytest.mark.parametrize("params,name", [
    ({"after": "-1"}, "after"), ({"after": "x"}, "after"), ({"after": "1.5"}, "after"),
    ({"after": ""}, "after"),
    ({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"limit": "-3"}, "limit"),
    ({"type": ""}, "type"), ({"type": "Booking.Created"}, "type"),
    ({"type": "booking created"}, "type"), ({"type": "booking.*"}, "type"),
    ({"from": "yesterday"}, "from"), ({"from": "2026-13-01"}, "from"),
    ({"to": "2026-02-02T25:00:00Z"}, "to"), ({"to": "soon"}, "to"),
    ({"subject_id": "x" * 300}, "subject_id"), ({"actor_id": "k" * 300}, "actor_id"),
])
def test_invalid_parameters_are_422(tn, params, name):
    p = expect_problem(tn.t.get("/v1/events", params=params, now=NOW), 422, "validation_failed")
    assert any(name in (e.get("pointer") or "") for e in p["errors"]), p


def test_limit_bounds_are_accepted(tn):
    for limit in ("1", "200"):
        assert len(page(tn.t, limit=limit)["data"]) == 1


def make_mix(t):
    """A provider, a service, a schedule and a booking: a mix of types, all at NOW."""
    pid = t.provider("P", NY)["id"]
    sid = t.service([pid], "S", 60)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    b = booked(t, sid, at(MON, "10:00"))
    booking_helpers.acted(t, b["id"], "cancel", now=NOW)
    return pid, sid, b


def test_type_filter_exact_and_prefix(tn):
    t = tn.t
    pid, sid, b = make_mix(t)
    ok(call(t, "PATCH", f"/v1/providers/{pid}", {"name": "Q"}))
    assert [e["type"] for e in all_events(t, type="provider.created")] == ["provider.created"]
    assert [e["type"] for e in all_events(t, type="booking.created")] == ["booking.created"]
    assert [e["type"] for e in all_events(t, type="booking.")] == ["booking.created",
                                                                    "booking.cancelled"]
    assert [e["type"] for e in all_events(t, type="provider.")] == ["provider.created",
                                                                     "provider.updated"]
    assert [e["subject_id"] for e in all_events(t, type="provider.")] == [pid, pid]
    assert [e["type"] for e in all_events(t, type="key.")] == ["key.created"]
    # Without the dot it is an exact type, not a prefix.
    assert all_events(t, type="booking") == []
    assert all_events(t, type="provider.create") == []
    assert all_events(t, type="booking.created.") == []
    assert all_events(t, type="waitlist.offered") == []


def test_subject_and_actor_filters(tn):
    t = tn.t
    pid, sid, b = make_mix(t)
    staff, kid = new_role_key(t, "staff")
    b2 = booked(staff, sid, at(MON, "12:00"))
    ok(act(t, b2["id"], "cancel", key=b2["manage_token"]), 200)
    ev = all_events(t, subject_id=b["id"])
    assert [e["type"] for e in ev] == ["booking.created", "booking.cancelled"]
    assert all(e["subject_id"] == b["id"] for e in ev)
    assert [e["type"] for e in all_events(t, subject_id=pid)] == ["provider.created",
                                                                  "schedule.updated"]
    assert all_events(t, subject_id="prv_00000000000000000000") == []
    assert [e["subject_id"] for e in all_events(t, actor_id=kid)] == [b2["id"]]
    # A manage token's actor id is its booking.
    mt = all_events(t, actor_id=b2["id"])
    assert [(e["type"], e["actor"]["type"]) for e in mt] == [("booking.cancelled",
                                                             "manage_token")]
    admin = all_events(t, actor_id=tn.admin["id"])
    assert all(e["actor"] == tn.admin for e in admin)
    assert len(admin) == len(all_events(t)) - 3      # key.created by cli, staff, manage token
    assert [e["type"] for e in all_events(t, actor_id="cli")] == ["key.created"]
    # Filters combine.
    assert [e["type"] for e in all_events(t, actor_id=tn.admin["id"], type="booking.",
                                          subject_id=b2["id"])] == []
    assert [e["type"] for e in all_events(t, actor_id=tn.admin["id"], type="booking.",
                                          subject_id=b["id"])] == ["booking.created",
                                                                   "booking.cancelled"]


def test_from_and_to_filters(tn):
    t = tn.t
    times = ["2020-01-10T00:00:00Z", "2020-01-10T12:00:00Z", "2020-01-11T00:00:00Z",
             "2020-01-12T08:00:00Z"]
    ids = [t.ok("POST", "/v1/providers", {"name": f"P{i}", "timezone": NY}, now=x)["id"]
           for i, x in enumerate(times)]

    def subjects(**params):
        return [e["subject_id"] for e in all_events(t, type="provider.created", **params)]

    assert subjects() == ids
    assert subjects(**{"from": "2020-01-10T12:00:00Z"}) == ids[1:]        # inclusive
    assert subjects(**{"from": "2020-01-10T12:00:01Z"}) == ids[2:]
    assert subjects(to="2020-01-11T00:00:00Z") == ids[:2]                 # exclusive
    assert subjects(to="2020-01-11T00:00:01Z") == ids[:3]
    assert subjects(**{"from": "2020-01-11", "to": "2020-01-12"}) == [ids[2]]  # dates
    assert subjects(**{"from": "2020-01-10", "to": "2020-01-11"}) == ids[:2]
    assert subjects(**{"from": "2020-01-10T13:00:00+01:00",
                       "to": "2020-01-11T01:00:00+01:00"}) == [ids[1]]
    assert subjects(**{"from": "2020-01-12T08:00:00Z", "to": "2020-01-12T08:00:00Z"}) == []
    assert subjects(**{"from": "2020-01-13"}) == []
    # The cli's key.created carries the real time, far from 2020.
    assert [e["type"] for e in all_events(t, to="2020-01-13")] == ["provider.created"] * 4


def test_after_limit_and_next_after(tn):
    t = tn.t
    for i in range(6):
        t.ok("POST", "/v1/providers", {"name": f"P{i}", "timezone": NY}, now=NOW)
    # Seven events in all (key.created + six providers).
    p1 = page(t, limit=3)
    assert [e["seq"] for e in p1["data"]] == [1, 2, 3] and p1["next_after"] == 3
    p2 = page(t, limit=3, after=3)
    assert [e["seq"] for e in p2["data"]] == [4, 5, 6] and p2["next_after"] == 6
    p3 = page(t, limit=3, after=6)
    assert [e["seq"] for e in p3["data"]] == [7] and p3["next_after"] is None
    full = page(t, limit=7)
    assert [e["seq"] for e in full["data"]] == list(range(1, 8)) and full["next_after"] == 7
    assert page(t, limit=7, after=7) == {"data": [], "next_after": None}
    assert page(t, after=100) == {"data": [], "next_after": None}
    dflt = page(t)
    assert [e["seq"] for e in dflt["data"]] == list(range(1, 8)) and dflt["next_after"] is None
    assert [e["seq"] for e in page(t, after=5)["data"]] == [6, 7]
    assert p1["data"] + p2["data"] + p3["data"] == dflt["data"]
    # With a filter, next_after is the last seq of the page.
    f1 = page(t, type="provider.created", limit=4)
    assert [e["seq"] for e in f1["data"]] == [2, 3, 4, 5] and f1["next_after"] == 5
    f2 = page(t, type="provider.created", limit=4, after=5)
    assert [e["seq"] for e in f2["data"]] == [6, 7] and f2["next_after"] is None


def test_seq_is_gapless_and_default_limit_is_50(bk):
    """Many writes of all kinds, with refused ones in between: seq is 1, 2, 3, ... exactly."""
    t = bk.t
    rounds = 12
    for i in range(rounds):
        b = booked(t, bk.sid, at(MON, "10:00"))
        expect_problem(booking_helpers.post(t, body_for(bk.sid, at(MON, "10:00")), now=NOW),
                       409, "slot_taken")
        expect_problem(call(t, "POST", "/v1/providers", {"name": "X"}), 422)
        ok(act(t, b["id"], "cancel"), 200)
        expect_problem(act(t, b["id"], "cancel"), 409)
        t.ok("POST", "/v1/providers", {"name": f"P{i}", "timezone": NY}, now=NOW)
        t.ok("POST", "/v1/holidays", {"name": f"H{i}", "date": f"2026-05-{i + 1:02d}"}, now=NOW)
        t.ok("GET", "/v1/slots", params={"service_id": bk.sid, "from": MON, "to": MON},
             now=NOW)
    ev = all_events(t)
    n = len(ev)
    # key.created, the fixture's 2 providers, 2 schedules and 2 services, then 4 a round.
    assert n == 1 + 6 + rounds * 4 > 50, [e["type"] for e in ev]
    assert [e["seq"] for e in ev] == list(range(1, n + 1))
    assert len({e["id"] for e in ev}) == n
    dflt = page(t)
    assert [e["seq"] for e in dflt["data"]] == list(range(1, 51))
    assert dflt["next_after"] == 50
    rest = page(t, after=50)
    assert [e["seq"] for e in rest["data"]] == list(range(51, n + 1))
    assert rest["next_after"] is None


def test_seq_is_gapless_under_concurrent_writes(tn):
    t = tn.t
    headers = {"Authorization": f"Bearer {t.key}", "Content-Type": "application/json",
               "X-Test-Now": NOW}

    def work(i):
        codes = []
        with requests.Session() as s:
            for j in range(5):
                body = {"name": f"P{i}-{j}", "timezone": NY}
                if j == 2:
                    body = {"name": "no zone"}        # refused: 422
                r = s.post(t.base + "/v1/providers", data=json.dumps(body), headers=headers,
                           timeout=30)
                codes.append(r.status_code)
        return codes

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [c for cs in pool.map(work, range(8)) for c in cs]
    assert sorted(codes) == [201] * 32 + [422] * 8, codes
    ev = all_events(t)
    assert [e["seq"] for e in ev] == list(range(1, 34))
    assert len({e["subject_id"] for e in ev if e["type"] == "provider.created"}) == 32


def test_reads_write_nothing(bk):
    t = bk.t
    b = booked(t, bk.sid, at(MON, "10:00"))
    seq = last_seq(t)
    for path, params in [("/v1/providers", None), (f"/v1/bookings/{b['id']}", None),
                         ("/v1/bookings", None), (f"/v1/bookings/{b['id']}/history", None),
                         ("/v1/slots", {"service_id": bk.sid, "from": MON, "to": MON}),
                         ("/v1/waitlist", None), ("/v1/policy", None), ("/v1/keys", None),
                         ("/v1/events", None)]:
        ok(call(t, "GET", path, params=params), 200)
    nothing_since(t, seq)


def test_tenant_isolation(server):
    a, b = server.tenant(), server.tenant()
    pa = a.ok("POST", "/v1/providers", {"name": "A1", "timezone": NY}, now=NOW)
    b.ok("POST", "/v1/providers", {"name": "B1", "timezone": NY}, now=NOW)
    a.ok("POST", "/v1/providers", {"name": "A2", "timezone": NY}, now=NOW)
    b.ok("PUT", "/v1/policy", {"max_reschedules": 3}, now=NOW)
    ea, eb = all_events(a), all_events(b)
    # Each tenant's seq runs 1, 2, 3 ... of its own.
    assert [e["seq"] for e in ea] == [1, 2, 3]
    assert [e["seq"] for e in eb] == [1, 2, 3]
    assert [e["type"] for e in ea] == ["key.created", "provider.created", "provider.created"]
    assert [e["type"] for e in eb] == ["key.created", "provider.created", "policy.updated"]
    assert {e["id"] for e in ea}.isdisjoint({e["id"] for e in eb})
    assert ea[0]["subject_id"] == admin_key_id(a) != eb[0]["subject_id"] == admin_key_id(b)
    # Another tenant's subject or actor finds nothing.
    assert all_events(b, subject_id=pa["id"]) == []
    assert all_events(b, actor_id=admin_key_id(a)) == []
    assert all_events(a, type="policy.") == []
