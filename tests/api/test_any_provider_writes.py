"""Writes for any provider of a service with many providers: POST /v1/bookings and POST
/v1/holds without provider_id, and waitlist offers for entries of any provider, judge the
service's providers a chunk at a time (32 in src/usecase/uc_bookings.c and uc_waitlist.c).
The answers must be those of judging them all at once:

- the provider that takes the start is one that can, with the fewest active bookings and
  holds that local day, then the fewest around it (a day either side), then the first in the
  service's order (by id);
- when none can: 409 slot_taken when the start is only taken for some provider, else 422
  slot_unavailable with the reasons of all of them (a holiday named);
- a waitlist entry for any provider is offered the earliest fitting start of any provider
  (the first of those with it), and an offer made earlier in the same round is not offered
  again.

Set-up: each test's tenant has N providers (UTC), one 60-minute service offered by all of
them (added in one POST /v1/services/{id}/providers); only the providers a test names have
weekly hours, so the others cannot take anything. The providers that matter sit in later
chunks (index 70, 150, 170, 190, 199 in the service's order), so an answer made from the
first chunk alone, or from the last provider that could, differs from the right one.
Monday 2 Mar 2026; "now" is Sun 1 Mar 12:00Z. Runs on SQLite and, under scripts/pg.sh run,
on PostgreSQL.
"""
import pytest

import booking_helpers
from booking_helpers import shift
from conftest import expect_problem, weekdays

N = 200
WAIT_N = 240        # a waitlist round keeps services of up to 200 providers whole
NOW = "2026-03-01T12:00:00Z"
MON, TUE = "2026-03-02", "2026-03-03"


def utc(day, hm):
    return f"{day}T{hm}:00Z"


def big_service(t, n=N):
    """A service of n providers without hours: (service id, the provider ids in its order)."""
    ids = [t.provider(f"P{i:03d}", "UTC")["id"] for i in range(n)]
    sid = t.service(ids[:1], "Consult", 60)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": ids[1:]})
    assert r.status_code == 200, r.text
    return sid, sorted(ids)


def open_hours(t, pid, start="09:00", end="17:00"):
    t.schedule(pid, weekdays([(start, end)]))


def booked(t, sid, start, pid):
    return booking_helpers.booked(t, sid, start, pid, now=NOW)


def book_any(t, sid, start, i=0):
    return booking_helpers.book(t, sid, start, now=NOW,
                                customer={"name": f"C{i}", "email": f"c{i}@example.com"})


def hold_any(t, sid, start, i=0, **fields):
    body = {"service_id": sid, "start": start,
            "customer": {"name": f"H{i}", "email": f"h{i}@example.com"}}
    body.update(fields)
    return t.post("/v1/holds", body, now=NOW)


@pytest.fixture
def busy(server):
    """Providers with hours at index 3, 5, 70, 150 and 190 of the service's order, and on
    Monday (UTC) these commitments besides 10:00, the start asked for:
      3: 10:00 booked (it cannot take it);
      5: 09:00 and 11:00 (two that day);
      70: 09:00, and Tuesday 09:00 (one that day, two around it);
      150: 11:00 (one that day, one around it);
      190: 09:00 (as 150, but later in the order).
    So 10:00 goes to 150, then 190, then 70, then 5, then to nobody (taken)."""
    t = server.tenant()
    sid, order = big_service(t)
    for i in (3, 5, 70, 150, 190):
        open_hours(t, order[i])
    booked(t, sid, utc(MON, "10:00"), order[3])
    booked(t, sid, utc(MON, "09:00"), order[5])
    booked(t, sid, utc(MON, "11:00"), order[5])
    booked(t, sid, utc(MON, "09:00"), order[70])
    booked(t, sid, utc(TUE, "09:00"), order[70])
    booked(t, sid, utc(MON, "11:00"), order[150])
    booked(t, sid, utc(MON, "09:00"), order[190])
    return t, sid, order


EXPECTED = (150, 190, 70, 5)


def test_any_provider_booking_follows_the_rule_across_chunks(busy):
    t, sid, order = busy
    got = []
    for i in range(len(EXPECTED)):
        r = book_any(t, sid, utc(MON, "10:00"), i)
        assert r.status_code == 201, r.text
        got.append(order.index(r.json()["provider_id"]))
    assert tuple(got) == EXPECTED
    # Every provider with hours now has 10:00 booked: taken wins over the others' hours.
    expect_problem(book_any(t, sid, utc(MON, "10:00"), 9), 409, "slot_taken")
    # A start of nobody's hours: unavailable, as before.
    p = expect_problem(book_any(t, sid, utc(MON, "20:00"), 9), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["outside_hours"]


def test_any_provider_hold_follows_the_rule_across_chunks(busy):
    t, sid, order = busy
    got = []
    for i in range(len(EXPECTED)):
        r = hold_any(t, sid, utc(MON, "10:00"), i)
        assert r.status_code == 201, r.text
        got.append(order.index(r.json()["provider_id"]))
    assert tuple(got) == EXPECTED
    expect_problem(hold_any(t, sid, utc(MON, "10:00"), 9), 409, "slot_taken")
    p = expect_problem(hold_any(t, sid, utc(MON, "20:00"), 9), 422, "slot_unavailable")
    assert [x["code"] for x in p["reasons"]] == ["outside_hours"]


def test_refusals_are_judged_over_every_chunk(server):
    t = server.tenant()
    sid, order = big_service(t)
    # Only 120 (a holiday of its own on Monday) and 199, the last provider, have hours.
    open_hours(t, order[120])
    open_hours(t, order[199])
    t.ok("POST", "/v1/holidays", {"name": "Founders Day", "date": MON,
                                  "provider_ids": [order[120]]})
    # 20:00: outside everyone's hours, and 120's holiday (named) from its chunk.
    p = expect_problem(book_any(t, sid, utc(MON, "20:00")), 422, "slot_unavailable")
    assert sorted(p["reasons"], key=lambda x: x["code"]) == [
        {"code": "holiday", "holiday": "Founders Day"}, {"code": "outside_hours"}], p
    # At 10:00 only 199 can: it takes it.
    r = book_any(t, sid, utc(MON, "10:00"), 1)
    assert r.status_code == 201, r.text
    assert r.json()["provider_id"] == order[199]
    # Now 10:00 is taken for 199, a holiday for 120, outside the hours of the rest.
    expect_problem(book_any(t, sid, utc(MON, "10:00"), 2), 409, "slot_taken")
    expect_problem(hold_any(t, sid, utc(MON, "10:00"), 2), 409, "slot_taken")
    # 11:00 held for 199 by a hold for any provider: held, so taken again.
    r = hold_any(t, sid, utc(MON, "11:00"), 3)
    assert r.status_code == 201, r.text
    assert r.json()["provider_id"] == order[199]
    expect_problem(book_any(t, sid, utc(MON, "11:00"), 3), 409, "slot_taken")
    # 199 (the last chunk) closed on Monday: unavailable, with the reasons of every chunk and
    # the holiday's name (read from a chunk whose memory is gone when the answer is made).
    t.ok("POST", f"/v1/providers/{order[199]}/overrides", {"date": MON})
    for r in (book_any(t, sid, utc(MON, "12:00"), 4), hold_any(t, sid, utc(MON, "12:00"), 4)):
        p = expect_problem(r, 422, "slot_unavailable")
        assert {"code": "holiday", "holiday": "Founders Day"} in p["reasons"], p
        assert [x["code"] for x in p["reasons"]] == [
            "outside_hours", "override_closed", "holiday"], p


def test_a_provider_free_all_around_settles_it(server):
    """40 has a booking on Tuesday only (none that day, one around it); 120 and 130 have
    none: 10:00 goes to 120 (not 40, not 130), then 130; 12:00 then to 40 (120 and 130 have
    one that day)."""
    t = server.tenant()
    sid, order = big_service(t)
    for i in (40, 120, 130):
        open_hours(t, order[i])
    booked(t, sid, utc(TUE, "09:00"), order[40])
    got = [order.index(book_any(t, sid, utc(MON, hm), i).json()["provider_id"])
           for i, hm in enumerate(("10:00", "10:00", "12:00"))]
    assert got == [120, 130, 40]
    # Now each has one that day; around it 40 has two: a hold goes to 120 (before 130).
    r = hold_any(t, sid, utc(MON, "14:00"))
    assert order.index(r.json()["provider_id"]) == 120


def test_booking_from_a_hold_of_a_later_provider(server):
    """A hold for any provider (a later chunk's) is consumed by the booking that names it."""
    t = server.tenant()
    sid, order = big_service(t)
    open_hours(t, order[160])
    h = hold_any(t, sid, utc(MON, "10:00"))
    assert h.status_code == 201, h.text
    assert h.json()["provider_id"] == order[160]
    r = booking_helpers.book(t, sid, utc(MON, "10:00"), now=NOW, hold_id=h.json()["id"])
    assert r.status_code == 201, r.text
    assert r.json()["provider_id"] == order[160]
    expect_problem(book_any(t, sid, utc(MON, "10:00"), 1), 409, "slot_taken")


def entry(t, sid, name, **fields):
    body = {"service_id": sid, "customer": {"name": name, "email": f"{name}@example.com"},
            "earliest_date": MON, "latest_date": MON}
    body.update(fields)
    r = t.post("/v1/waitlist", body, now=NOW)
    assert r.status_code == 201, r.text
    return r.json()


def test_waitlist_offer_for_any_provider_finds_a_later_chunk(server):
    """Hours 09:00-11:00 (starts 09:00 and 10:00) at 10 (both booked), 100 (09:00 booked),
    170 and 180 (both free): the earliest start is 09:00, at 170 and 180: 170's."""
    t = server.tenant()
    sid, order = big_service(t, WAIT_N)
    for i in (10, 100, 170, 180):
        open_hours(t, order[i], "09:00", "11:00")
    booked(t, sid, utc(MON, "09:00"), order[10])
    booked(t, sid, utc(MON, "10:00"), order[10])
    booked(t, sid, utc(MON, "09:00"), order[100])
    e = entry(t, sid, "ann")
    assert (e["status"], e["offer_provider_id"], e["offer_start"]) == (
        "offered", order[170], utc(MON, "09:00")), e
    # The next entry is offered what is left earliest: 180's 09:00, not 170's (held).
    e2 = entry(t, sid, "bob")
    assert (e2["status"], e2["offer_provider_id"], e2["offer_start"]) == (
        "offered", order[180], utc(MON, "09:00")), e2
    # Then 10:00 of the first of 100, 170 and 180.
    e3 = entry(t, sid, "cat")
    assert (e3["status"], e3["offer_provider_id"], e3["offer_start"]) == (
        "offered", order[100], utc(MON, "10:00")), e3


def test_waitlist_offer_over_chunks_follows_each_providers_own_duration(server):
    """A service of 240 providers (a waitlist round reads it in chunks) where 150 and 220 have
    hours 09:00-10:00 and their own durations: 150's 90 minutes cannot start in that hour,
    220's 30 can. Every tenth other provider has an own duration too. The entry is offered
    220's 09:00 for 30 minutes; with the service's 60 minutes for every provider it would be
    150's."""
    t = server.tenant()
    sid, order = big_service(t, WAIT_N)
    for i in (150, 220):
        open_hours(t, order[i], "09:00", "10:00")
    own = {150: 90, 220: 30}
    own.update({i: 45 for i in range(0, WAIT_N, 10) if i not in own})
    for i, minutes in own.items():
        t.ok("PUT", f"/v1/services/{sid}/providers/{order[i]}", {"duration_minutes": minutes})
    e = entry(t, sid, "dan")
    assert (e["status"], e["offer_provider_id"], e["offer_start"]) == (
        "offered", order[220], utc(MON, "09:00")), e
    h = t.ok("GET", f"/v1/holds/{e['hold_id']}", now=NOW)
    assert (h["start"], h["end"]) == (utc(MON, "09:00"), utc(MON, "09:30")), h


def test_one_round_offers_each_start_once(server):
    """Two entries waiting for any provider; the holds on the only free starts (170's and
    180's 09:00) expire; the next write's round offers the first entry 170's and the second
    180's, each start once (a chunk read after the first offer sees it held)."""
    t = server.tenant()
    sid, order = big_service(t, WAIT_N)
    for i in (170, 180):
        open_hours(t, order[i], "09:00", "10:00")
    for i in range(2):
        h = hold_any(t, sid, utc(MON, "09:00"), i, ttl_seconds=60)
        assert h.status_code == 201, h.text
    a = entry(t, sid, "ann", priority=5)
    b = entry(t, sid, "bob", priority=1)
    assert a["status"] == b["status"] == "waiting"
    later = shift(NOW, 120)
    body = {"service_id": sid, "customer": {"name": "cat", "email": "cat@example.com"},
            "earliest_date": MON, "latest_date": MON}
    r = t.post("/v1/waitlist", body, now=later)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "waiting"
    a = t.ok("GET", f"/v1/waitlist/{a['id']}", now=later)
    b = t.ok("GET", f"/v1/waitlist/{b['id']}", now=later)
    assert (a["status"], a["offer_provider_id"], a["offer_start"]) == (
        "offered", order[170], utc(MON, "09:00")), a
    assert (b["status"], b["offer_provider_id"], b["offer_start"]) == (
        "offered", order[180], utc(MON, "09:00")), b


def test_small_service_still_picks_the_same(server):
    """Under one chunk (three providers) the rule is the same."""
    t = server.tenant()
    sid, order = big_service(t, 3)
    for pid in order:
        open_hours(t, pid)
    booked(t, sid, utc(MON, "09:00"), order[0])
    got = [order.index(book_any(t, sid, utc(MON, "10:00"), i).json()["provider_id"])
           for i in range(3)]
    assert got == [1, 2, 0]
    expect_problem(book_any(t, sid, utc(MON, "10:00"), 3), 409, "slot_taken")
