"""A service's capacity changed while it has bookings. Runs on both backends: on PostgreSQL the
exclusion constraint must agree with the application check (a one-to-one booking made before
the service got seats becomes the first seat of its session), and slotd copy must carry such
data over.
"""
from booking_helpers import at, book, booked
from conftest import weekdays

NY = "America/New_York"
MON = "2026-03-02"


def _class(t, capacity=1):
    pid = t.provider("P", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    sid = t.service([pid], "Class", 60, capacity=capacity)["id"]
    return pid, sid


def test_seats_after_capacity_is_raised(new_api):
    t = new_api
    pid, sid = _class(t)
    ten = at(MON, "10:00")
    booked(t, sid, ten)
    t.ok("PATCH", f"/v1/services/{sid}", {"capacity": 3})
    for who in ("b", "c"):
        r = book(t, sid, ten, customer={"name": who, "email": f"{who}@example.com"})
        assert r.status_code == 201, r.text
    # The session is full now: the first booking counts as one of its three seats.
    r = book(t, sid, ten, customer={"name": "d", "email": "d@example.com"})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "slot_taken"
    # Another start of the same provider overlapping the session is still refused.
    r = book(t, sid, at(MON, "10:30"), customer={"name": "e", "email": "e@example.com"})
    assert r.status_code in (409, 422), r.text


def test_lowering_capacity_keeps_seats_and_refuses_more(new_api):
    t = new_api
    pid, sid = _class(t, capacity=3)
    ten = at(MON, "10:00")
    booked(t, sid, ten)
    booked(t, sid, ten, customer={"name": "b", "email": "b@example.com"})
    t.ok("PATCH", f"/v1/services/{sid}", {"capacity": 1})
    r = book(t, sid, ten, customer={"name": "c", "email": "c@example.com"})
    assert r.status_code == 409, r.text
    # The two seats stay booked.
    rows = t.ok("GET", "/v1/bookings", params={"service_id": sid})["data"]
    assert sorted(b["status"] for b in rows) == ["confirmed", "confirmed"]
