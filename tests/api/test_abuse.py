"""Abuse fixes: a customer key cannot book with another customer key's hold; Idempotency-Key is
scoped by the caller; hold caps count the caller (100 live holds per customer key, 5 per
customer e-mail per staff/admin key); at most 100 live waitlist entries per customer key; ids
made back to back are a large random step apart; a no-show cannot be recorded before the
booking starts.

"now" is ANOW (Sun 1 Mar 2026 12:00Z) unless a test says otherwise: holds (default TTL 600 s)
made at ANOW are live at ANOW. Every test works in a tenant of its own. Keys of other roles come
from `slotd key create` (booking_helpers.make_key).
"""
import re
import types
import uuid

import pytest

from booking_helpers import make_key
from conftest import NO_BODY, expect_problem, weekdays

NY = "America/New_York"
ANOW = "2026-03-01T12:00:00Z"
MON, TUE, SAT = "2026-03-02", "2026-03-03", "2026-03-07"
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CUSTOMER = {"name": "Ann Lee", "email": "ann@example.com"}
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ABSENT = object()


# --- helpers -----------------------------------------------------------------------------------

def at(day, hm):
    """A New York (EST) wall time."""
    return f"{day}T{hm}:00-05:00"


def utc_starts(n, first_day=2):
    """n distinct hourly starts in UTC from 2 Mar 2026 00:00Z on."""
    out = []
    for i in range(n):
        day, hour = first_day + i // 24, i % 24
        out.append(f"2026-03-{day:02d}T{hour:02d}:00:00Z")
    return out


def idem():
    return "key-" + uuid.uuid4().hex


def book(t, sid, start, provider_id=_ABSENT, key=None, now=ANOW, **fields):
    b = {"service_id": sid, "start": start, "customer": dict(CUSTOMER)}
    if provider_id is not _ABSENT:
        b["provider_id"] = provider_id
    b.update(fields)
    return t.post("/v1/bookings", b, now=now, headers={"Idempotency-Key": key or idem()})


def hold(t, sid, start, email=None, now=ANOW, **fields):
    b = {"service_id": sid, "start": start, **fields}
    if email is not None:
        b["customer"] = {"name": "Someone", "email": email}
    return t.post("/v1/holds", b, now=now)


def held(t, sid, start, email=None, now=ANOW, **fields):
    r = hold(t, sid, start, email, now=now, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def bookings(t):
    return t.list_all("/v1/bookings")


def live_holds_ok(t, hids):
    for hid in hids:
        assert t.ok("GET", f"/v1/holds/{hid}", now=ANOW)["live"] is True


def decode(part):
    v = 0
    for ch in part:
        v = v * 32 + CROCKFORD.index(ch)
    return v


def body_of(id_):
    """The 20 characters after the prefix: 10 of time, 10 of random."""
    m = re.fullmatch(r"[a-z]+_([0-9a-z]{20})", id_)
    assert m, id_
    assert all(c in CROCKFORD for c in m.group(1)), id_
    return m.group(1)


def check_steps(all_ids):
    """Ids sorted by their body: consecutive ones in the same millisecond (same first 10
    characters) are at least 2**16 apart in their random part. Returns how many such pairs
    were seen."""
    bodies = sorted(body_of(i) for i in all_ids)
    assert len(set(bodies)) == len(bodies), "duplicate ids"
    pairs = 0
    for a, b in zip(bodies, bodies[1:]):
        if a[:10] == b[:10]:
            pairs += 1
            step = decode(b[10:]) - decode(a[10:])
            assert step >= 2 ** 16, f"ids {a} and {b} are only {step} apart"
    return pairs


@pytest.fixture
def one(server):
    """A tenant with provider p (New York, 09:00-17:00 weekdays) and its 60-minute service."""
    t = server.tenant()
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    sid = t.service([pid], "Consult", 60)["id"]
    return types.SimpleNamespace(t=t, pid=pid, sid=sid, server=server)


@pytest.fixture
def wide(server):
    """A tenant with one UTC provider open around the clock every day and its 60-minute
    service: 24 starts a day."""
    t = server.tenant()
    pid = t.provider("Always", "UTC")["id"]
    t.schedule(pid, weekdays([("00:00", "24:00")], days=ALL_DAYS))
    sid = t.service([pid], "Hour", 60)["id"]
    return types.SimpleNamespace(t=t, pid=pid, sid=sid, server=server)


# --- holds of other customer keys --------------------------------------------------------------

def test_customer_key_cannot_book_with_another_customer_keys_hold(one):
    c1 = make_key(one.server, one.t, "customer")
    c2 = make_key(one.server, one.t, "customer")
    h = held(c1, one.sid, at(MON, "10:00"), "ann@example.com")
    r = book(c2, one.sid, at(MON, "10:00"), one.pid, hold_id=h["id"])
    p = expect_problem(r, 422, "validation_failed", "/hold_id")
    detail = [e["detail"] for e in p["errors"] if e["pointer"] == "/hold_id"]
    assert any("no such hold" in d for d in detail), p
    # The same answer as for a hold that does not exist: nothing is revealed.
    ghost = expect_problem(book(c2, one.sid, at(MON, "10:00"), one.pid,
                                hold_id="hld_00000000000000000000"),
                           422, "validation_failed", "/hold_id")
    assert [e for e in ghost["errors"] if e["pointer"] == "/hold_id"] == \
        [e for e in p["errors"] if e["pointer"] == "/hold_id"]
    assert bookings(one.t) == []
    assert one.t.ok("GET", f"/v1/holds/{h['id']}", now=ANOW)["live"] is True
    # Nor may it take the start without the hold.
    expect_problem(book(c2, one.sid, at(MON, "10:00"), one.pid), 409, "slot_taken")
    assert bookings(one.t) == []
    # The hold's owner still can.
    r = book(c1, one.sid, at(MON, "10:00"), one.pid, hold_id=h["id"])
    assert r.status_code == 201, r.text
    assert [b["id"] for b in bookings(one.t)] == [r.json()["id"]]


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_keys_may_use_any_hold(one, role):
    c1 = make_key(one.server, one.t, "customer")
    desk = one.t if role == "admin" else make_key(one.server, one.t, "staff")
    h = held(c1, one.sid, at(MON, "11:00"), "ann@example.com")
    r = book(desk, one.sid, at(MON, "11:00"), one.pid, hold_id=h["id"])
    assert r.status_code == 201, r.text
    expect_problem(one.t.get(f"/v1/holds/{h['id']}", now=ANOW), 404, "not_found")


# --- Idempotency-Key is the caller's -----------------------------------------------------------

@pytest.fixture
def two(server):
    """Providers p1, p2 (New York, 09:00-17:00 weekdays) with one 60-minute service: the same
    body with provider "any" can be booked twice."""
    t = server.tenant()
    p1, p2 = t.provider("P1", NY)["id"], t.provider("P2", NY)["id"]
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p1, p2], "Consult", 60)["id"]
    return types.SimpleNamespace(t=t, p1=p1, p2=p2, sid=sid, server=server)


def test_same_idempotency_key_from_two_customer_keys_is_two_bookings(two):
    c1 = make_key(two.server, two.t, "customer")
    c2 = make_key(two.server, two.t, "customer")
    key = idem()
    r1 = book(c1, two.sid, at(MON, "10:00"), "any", key=key)
    assert r1.status_code == 201, r1.text
    assert "Idempotent-Replayed" not in r1.headers
    r2 = book(c2, two.sid, at(MON, "10:00"), "any", key=key)
    assert r2.status_code == 201, r2.text
    assert "Idempotent-Replayed" not in r2.headers
    b1, b2 = r1.json(), r2.json()
    assert b1["id"] != b2["id"]
    assert b1["manage_token"] != b2["manage_token"]
    assert {b1["provider_id"], b2["provider_id"]} == {two.p1, two.p2}
    assert sorted(b["id"] for b in bookings(two.t)) == sorted([b1["id"], b2["id"]])
    # Each key replaying gets its own stored answer.
    for k, r in ((c1, r1), (c2, r2)):
        again = book(k, two.sid, at(MON, "10:00"), "any", key=key)
        assert again.status_code == 201, again.text
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert again.json() == r.json()
    assert len(bookings(two.t)) == 2


def test_another_callers_key_with_a_different_body_is_not_a_reuse(two):
    c1 = make_key(two.server, two.t, "customer")
    c2 = make_key(two.server, two.t, "customer")
    key = idem()
    r1 = book(c1, two.sid, at(MON, "10:00"), two.p1, key=key)
    assert r1.status_code == 201, r1.text
    # Another customer key, and the admin key, with the same Idempotency-Key but other bodies.
    r2 = book(c2, two.sid, at(MON, "11:00"), two.p1, key=key)
    assert r2.status_code == 201, r2.text
    assert "Idempotent-Replayed" not in r2.headers
    r3 = book(two.t, two.sid, at(MON, "12:00"), two.p2, key=key)
    assert r3.status_code == 201, r3.text
    assert "Idempotent-Replayed" not in r3.headers
    assert len({r1.json()["id"], r2.json()["id"], r3.json()["id"]}) == 3
    # The first caller replaying still gets its own answer, and a different body from it
    # is still a reuse of its key.
    again = book(c1, two.sid, at(MON, "10:00"), two.p1, key=key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == r1.json()
    expect_problem(book(c1, two.sid, at(MON, "13:00"), two.p1, key=key), 422,
                   "idempotency_key_reused")
    assert len(bookings(two.t)) == 3


# --- hold caps ---------------------------------------------------------------------------------

def test_customer_key_has_100_live_holds_whatever_emails_it_reports(wide):
    c = make_key(wide.server, wide.t, "customer")
    starts = utc_starts(110)
    made = []
    for i in range(100):
        # Every hold reports another e-mail: the key is capped all the same.
        r = hold(c, wide.sid, starts[i], f"person{i}@example.com")
        assert r.status_code == 201, (i, r.text)
        made.append(r.json()["id"])
    r = hold(c, wide.sid, starts[100], "brand-new@example.com")
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After"), dict(r.headers)
    assert int(r.headers["Retry-After"]) > 0
    r = hold(c, wide.sid, starts[100])
    expect_problem(r, 429, "hold_limit_reached")
    # Nothing was held by the refused requests.
    assert starts[100] in [s["start"] for s in wide.t.slots(
        wide.sid, wide.pid, starts[100][:10], now=ANOW)]
    # Another customer key has a cap of its own.
    other = make_key(wide.server, wide.t, "customer")
    assert hold(other, wide.sid, starts[101], "person0@example.com").status_code == 201
    # Releasing one lets one more in.
    assert c.delete(f"/v1/holds/{made[0]}", now=ANOW).status_code == 204
    assert hold(c, wide.sid, starts[102], "again@example.com").status_code == 201
    expect_problem(hold(c, wide.sid, starts[103], "x@example.com"), 429, "hold_limit_reached")
    # Expired holds do not count: ten minutes later all of them have lapsed.
    later = "2026-03-01T12:10:01Z"
    assert hold(c, wide.sid, starts[104], "x@example.com", now=later).status_code == 201


def test_emails_a_customer_key_reports_are_not_capped_per_address(wide):
    c = make_key(wide.server, wide.t, "customer")
    starts = utc_starts(8)
    for i in range(7):
        r = hold(c, wide.sid, starts[i], "same@example.com")
        assert r.status_code == 201, (i, r.text)
    # And they do not use up that address for a desk either.
    desk = make_key(wide.server, wide.t, "staff")
    assert hold(desk, wide.sid, starts[7], "same@example.com").status_code == 201


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_desk_key_is_capped_at_5_live_holds_per_customer_email(wide, role):
    desk = wide.t if role == "admin" else make_key(wide.server, wide.t, "staff")
    starts = utc_starts(12)
    for i in range(5):
        held(desk, wide.sid, starts[i], "ann@example.com")
    r = hold(desk, wide.sid, starts[5], "ann@example.com")
    expect_problem(r, 429, "hold_limit_reached")
    assert r.headers.get("Retry-After")
    expect_problem(hold(desk, wide.sid, starts[5], "ANN@Example.com"), 429,
                   "hold_limit_reached")
    # Another customer of the same desk is not affected.
    assert hold(desk, wide.sid, starts[6], "bo@example.com").status_code == 201


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_desk_key_without_email_is_capped_at_5_per_key(wide, role):
    desk = make_key(wide.server, wide.t, role)
    starts = utc_starts(7)
    for i in range(5):
        held(desk, wide.sid, starts[i])
    expect_problem(hold(desk, wide.sid, starts[5]), 429, "hold_limit_reached")
    # Another key of the same role is not affected.
    other = make_key(wide.server, wide.t, role)
    assert hold(other, wide.sid, starts[6]).status_code == 201


def test_holds_with_a_victims_email_from_one_key_do_not_block_another(wide):
    starts = iter(utc_starts(40))
    victim = "victim@example.com"
    # A customer key fills five (and more) holds with the victim's e-mail...
    a = make_key(wide.server, wide.t, "customer")
    for _ in range(6):
        held(a, wide.sid, next(starts), victim)
    # ... which stops neither another customer key, nor a desk.
    b = make_key(wide.server, wide.t, "customer")
    assert hold(b, wide.sid, next(starts), victim).status_code == 201
    desk = make_key(wide.server, wide.t, "staff")
    assert hold(desk, wide.sid, next(starts), victim).status_code == 201
    assert hold(wide.t, wide.sid, next(starts), victim).status_code == 201


def test_a_desk_keys_holds_for_an_email_do_not_block_another_key(wide):
    starts = iter(utc_starts(40))
    victim = "victim@example.com"
    a = make_key(wide.server, wide.t, "staff")
    for _ in range(5):
        held(a, wide.sid, next(starts), victim)
    expect_problem(hold(a, wide.sid, next(starts), victim), 429, "hold_limit_reached")
    b = make_key(wide.server, wide.t, "staff")
    assert hold(b, wide.sid, next(starts), victim).status_code == 201
    c = make_key(wide.server, wide.t, "customer")
    assert hold(c, wide.sid, next(starts), victim).status_code == 201


# --- waitlist cap -------------------------------------------------------------------------------

def wait(t, sid, email="w@example.com"):
    """A waitlist entry for Saturday, when nobody works: it stays waiting."""
    return t.post("/v1/waitlist", {"service_id": sid,
                                   "customer": {"name": "W", "email": email},
                                   "earliest_date": SAT, "latest_date": SAT}, now=ANOW)


def test_customer_key_has_at_most_100_live_waitlist_entries(one):
    c = make_key(one.server, one.t, "customer")
    made = []
    for i in range(100):
        r = wait(c, one.sid, f"w{i}@example.com")
        assert r.status_code == 201, (i, r.text)
        assert r.json()["status"] == "waiting"
        made.append(r.json()["id"])
    r = wait(c, one.sid, "one-more@example.com")
    expect_problem(r, 429, "waitlist_limit_reached")
    assert len(one.t.list_all("/v1/waitlist", now=ANOW)) == 100
    # Another customer key has its own allowance.
    other = make_key(one.server, one.t, "customer")
    assert wait(other, one.sid).status_code == 201
    # Removing one lets another in, and only one.
    assert one.t.delete(f"/v1/waitlist/{made[0]}", now=ANOW).status_code == 204
    r = wait(c, one.sid, "one-more@example.com")
    assert r.status_code == 201, r.text
    expect_problem(wait(c, one.sid, "yet-another@example.com"), 429, "waitlist_limit_reached")


# --- ids are not guessable ----------------------------------------------------------------------

def test_ids_made_back_to_back_are_ordered_and_a_random_step_apart(wide):
    t = wide.t
    prv, req = [], []
    for i in range(50):
        r = t.post("/v1/providers", {"name": f"P{i}", "timezone": "UTC"}, now=ANOW)
        assert r.status_code == 201, r.text
        prv.append(r.json()["id"])
        if r.headers.get("X-Request-Id"):
            req.append(r.headers["X-Request-Id"])
    hld = []
    for s in utc_starts(50):
        # The admin key without an e-mail is capped at 5 holds: vary the e-mail.
        r = hold(t, wide.sid, s, f"h{len(hld) // 5}@example.com")
        assert r.status_code == 201, r.text
        hld.append(r.json()["id"])
        if r.headers.get("X-Request-Id"):
            req.append(r.headers["X-Request-Id"])
    for seq in (prv, hld):
        assert all(a < b for a, b in zip(seq, seq[1:])), seq
    # The events the writes made (same process, same generator) add more ids.
    evt = [e["id"] for e in t.ok("GET", "/v1/events", params={"limit": 200})["data"]]
    pairs = 0
    for seq in (prv, hld):
        pairs += check_steps(seq)
    pairs_all = check_steps(prv + hld + req + evt)
    # Ids made in one request (request id, object id, event id) share their millisecond
    # most of the time, so the check above must have had pairs to look at.
    assert pairs + pairs_all > 0, "no two ids shared a millisecond: the check saw nothing"


# --- no-show before the start -------------------------------------------------------------------

def test_no_show_before_the_start_is_409_and_changes_nothing(one):
    r = book(one.t, one.sid, at(MON, "10:00"), one.pid, now=ANOW)
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    before = one.t.ok("GET", f"/v1/bookings/{bid}")
    hist = one.t.ok("GET", f"/v1/bookings/{bid}/history")
    assert before["status"] == "confirmed"
    for now in (ANOW, "2026-03-02T14:59:59Z", "2026-03-02T09:59:59-05:00"):
        r = one.t.post(f"/v1/bookings/{bid}/no-show", NO_BODY, now=now)
        expect_problem(r, 409, "booking_not_started")
    assert one.t.ok("GET", f"/v1/bookings/{bid}") == before
    assert one.t.ok("GET", f"/v1/bookings/{bid}/history") == hist
    # At the start it may be recorded.
    r = one.t.post(f"/v1/bookings/{bid}/no-show", NO_BODY, now="2026-03-02T15:00:00Z")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "no_show"


def test_no_show_after_the_start_is_200(one):
    r = book(one.t, one.sid, at(MON, "11:00"), one.pid, now=ANOW)
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    r = one.t.post(f"/v1/bookings/{bid}/no-show", NO_BODY, now="2026-03-02T16:30:00Z")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "no_show"
    assert one.t.ok("GET", f"/v1/bookings/{bid}")["status"] == "no_show"


def test_staff_no_show_before_the_start_is_409_too(one):
    desk = make_key(one.server, one.t, "staff")
    r = book(desk, one.sid, at(MON, "12:00"), one.pid, now=ANOW)
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    expect_problem(desk.post(f"/v1/bookings/{bid}/no-show", NO_BODY, now=ANOW), 409,
                   "booking_not_started")
    assert one.t.ok("GET", f"/v1/bookings/{bid}")["status"] == "confirmed"
