"""Customer feedback on a completed booking: POST/PATCH/GET /v1/bookings/{id}/feedback, the
booking's `feedback` member, the booking.feedback event, and the ratings in analytics (JSON
and CSV).

Dates (2026): bookings are made at NOW (1 Feb) for Monday 2 March New York; they are completed
at DONE. The feedback's 7-day edit window is checked with the test clock (X-Test-Now). Each
test works in a tenant of its own.
"""
import csv
import io
import types
from functools import partial

import pytest

import booking_helpers
from booking_helpers import at, make_key
from conftest import Api, expect_problem, weekdays

NY = "America/New_York"
NOW = "2026-02-01T00:00:00Z"
MON = "2026-03-02"
DONE = "2026-03-02T20:00:00Z"           # after every Monday booking ended
GIVEN = "2026-03-03T09:00:00Z"          # when the feedback is given
WEEK_LATER = "2026-03-10T09:00:00Z"     # exactly 7 days after GIVEN: closed
FEEDBACK_KEYS = {"booking_id", "rating", "comment", "created_at", "updated_at"}

booked = partial(booking_helpers.booked, now=NOW)


@pytest.fixture
def w(server):
    """A tenant with providers "Auto" and "Bea" (New York, 09:00-17:00 on weekdays) and a
    60-minute service for both; booking "b" with Auto at Monday 10:00 (completed at DONE) and
    "open" at 12:00 (not completed), with their manage tokens."""
    t = server.tenant()
    p = t.provider("Auto", NY)
    q = t.provider("Bea", NY)
    for x in (p, q):
        t.schedule(x["id"], weekdays([("09:00", "17:00")]))
    sid = t.service([p["id"], q["id"]], "Consult", 60, price="50.00", currency="USD")["id"]
    b = booked(t, sid, at(MON, "10:00"), p["id"])
    done(t, b["id"])
    opened = booked(t, sid, at(MON, "12:00"), p["id"])
    return types.SimpleNamespace(t=t, server=server, pid=p["id"], qid=q["id"], sid=sid, b=b,
                                 open=opened, mt=Api(t.base, b["manage_token"]),
                                 mt_open=Api(t.base, opened["manage_token"]))


def done(t, bid):
    booking_helpers.acted(t, bid, "complete", now=DONE)


def give(api, bid, body, now=GIVEN, **kw):
    return api.post(f"/v1/bookings/{bid}/feedback", body, now=now, **kw)


def edit(api, bid, body, now=GIVEN, **kw):
    return api.patch(f"/v1/bookings/{bid}/feedback", body, now=now, **kw)


def given(api, bid, body, now=GIVEN):
    r = give(api, bid, body, now=now)
    assert r.status_code == 201, r.text
    assert set(r.json()) == FEEDBACK_KEYS, r.json()
    return r.json()


def booking(t, bid):
    return t.ok("GET", f"/v1/bookings/{bid}")


def analytics(t, **params):
    q = {"from": "2026-03-01", "to": "2026-03-31", "timezone": NY, **params}
    return t.ok("GET", "/v1/analytics", params=q, now=WEEK_LATER)


# --- giving feedback --------------------------------------------------------------------------

def test_give_feedback(w):
    bid = w.b["id"]
    f = given(w.mt, bid, {"rating": 5, "comment": "Very helpful"})
    assert f == {"booking_id": bid, "rating": 5, "comment": "Very helpful",
                 "created_at": GIVEN, "updated_at": GIVEN}
    b = booking(w.t, bid)
    assert b["feedback"] == {"rating": 5, "comment": "Very helpful", "created_at": GIVEN,
                             "updated_at": GIVEN}
    assert b["version"] == 3            # created, completed, feedback
    # Staff read it; the customer sees it on the booking too.
    assert w.t.ok("GET", f"/v1/bookings/{bid}/feedback") == f
    assert w.mt.ok("GET", f"/v1/bookings/{bid}")["feedback"]["rating"] == 5


def test_comment_is_optional(w):
    f = given(w.mt, w.b["id"], {"rating": 3})
    assert f["comment"] is None


def test_only_after_completion(w):
    bid = w.open["id"]
    expect_problem(give(w.mt_open, bid, {"rating": 4}), 409, "booking_not_completed")
    booking_helpers.acted(w.t, bid, "cancel", now=NOW)
    expect_problem(give(w.mt_open, bid, {"rating": 4}), 409, "booking_not_completed")
    expect_problem(w.t.get(f"/v1/bookings/{bid}/feedback"), 404, "not_found")
    assert booking(w.t, bid)["feedback"] is None


def test_once(w):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 4, "comment": "good"})
    expect_problem(give(w.mt, bid, {"rating": 1}), 409, "feedback_exists")
    assert w.t.ok("GET", f"/v1/bookings/{bid}/feedback")["rating"] == 4


@pytest.mark.parametrize("body,pointer", [
    ({}, "/rating"),
    ({"rating": None}, "/rating"),
    ({"rating": 0}, "/rating"),
    ({"rating": 6}, "/rating"),
    ({"rating": "5"}, "/rating"),
    ({"rating": 4.5}, "/rating"),
    ({"rating": 5.0}, "/rating"),
    ({"rating": True}, "/rating"),
    ({"rating": [5]}, "/rating"),
    ({"rating": 4, "comment": "x" * 2001}, "/comment"),
    ({"rating": 4, "comment": 7}, "/comment"),
    ({"rating": 4, "stars": 4}, "/stars"),
])
def test_rating_validation(w, body, pointer):
    bid = w.b["id"]
    expect_problem(give(w.mt, bid, body), 422, "validation_failed", pointer)
    assert booking(w.t, bid)["feedback"] is None


def test_comment_of_2000_bytes(w):
    assert len(given(w.mt, w.b["id"], {"rating": 2, "comment": "é" * 1000})["comment"]) == 1000


def test_who_may_give_it(w):
    bid = w.b["id"]
    # Another booking's token: as if the booking did not exist.
    expect_problem(give(w.mt_open, bid, {"rating": 5}), 404, "not_found")
    expect_problem(edit(w.mt_open, bid, {"rating": 5}), 404, "not_found")
    # Staff and admin keys do not give the customer's feedback.
    expect_problem(give(w.t, bid, {"rating": 5}), 403, "forbidden")
    staff = make_key(w.server, w.t, "staff")
    expect_problem(give(staff, bid, {"rating": 5}), 403, "forbidden")
    # A customer key (shared by every visitor of the widget) gives none.
    ck = make_key(w.server, w.t, "customer")
    expect_problem(give(ck, bid, {"rating": 5}), 403, "forbidden")
    assert booking(w.t, bid)["feedback"] is None
    # Customers do not read the feedback route (it is the staff's view).
    expect_problem(ck.get(f"/v1/bookings/{bid}/feedback"), 403, "forbidden")


def test_customer_key_gives_no_feedback(w):
    """Not even on a booking the key made: the booking's manage token gives it."""
    ck = make_key(w.server, w.t, "customer")
    made = booked(ck, w.sid, at(MON, "14:00"), w.pid)
    done(w.t, made["id"])
    expect_problem(give(ck, made["id"], {"rating": 4}), 403, "forbidden")
    expect_problem(edit(ck, made["id"], {"rating": 4}), 403, "forbidden")
    assert booking(w.t, made["id"])["feedback"] is None
    mt = Api(w.t.base, made["manage_token"])
    given(mt, made["id"], {"rating": 4})
    expect_problem(edit(ck, made["id"], {"rating": 1}), 403, "forbidden")
    assert booking(w.t, made["id"])["feedback"]["rating"] == 4


def test_feedback_not_found(w):
    expect_problem(w.t.get(f"/v1/bookings/{w.b['id']}/feedback"), 404, "not_found")
    expect_problem(edit(w.mt, w.b["id"], {"rating": 2}), 404, "not_found")
    expect_problem(w.t.get("/v1/bookings/bkg_00000000000000000000/feedback"), 404)


# --- editing it -------------------------------------------------------------------------------

def test_edit_within_seven_days(w):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 2, "comment": "late start"})
    later = "2026-03-09T08:59:59Z"      # 1 second before the window closes
    r = edit(w.mt, bid, {"rating": 4}, now=later)
    assert r.status_code == 200, r.text
    assert r.json() == {"booking_id": bid, "rating": 4, "comment": "late start",
                        "created_at": GIVEN, "updated_at": later}
    r = edit(w.mt, bid, {"comment": None}, now=later)
    assert r.status_code == 200, r.text
    assert (r.json()["rating"], r.json()["comment"]) == (4, None)
    assert booking(w.t, bid)["feedback"]["updated_at"] == later


def test_edit_closed_after_seven_days(w):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 2, "comment": "late start"})
    expect_problem(edit(w.mt, bid, {"rating": 5}, now=WEEK_LATER), 409, "feedback_closed")
    assert w.t.ok("GET", f"/v1/bookings/{bid}/feedback")["rating"] == 2


def test_edit_that_changes_nothing_writes_nothing(w):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 4, "comment": "good"})
    version = booking(w.t, bid)["version"]
    later = "2026-03-05T09:00:00Z"
    for body in ({}, {"rating": 4}, {"comment": "good"}, {"rating": 4, "comment": "good"}):
        r = edit(w.mt, bid, body, now=later)
        assert r.status_code == 200, r.text
        assert r.json() == {"booking_id": bid, "rating": 4, "comment": "good",
                            "created_at": GIVEN, "updated_at": GIVEN}
    assert booking(w.t, bid)["version"] == version
    evs = w.t.ok("GET", "/v1/events", params={"subject_id": bid, "type": "booking.feedback"},
                 now=NOW)["data"]
    assert len(evs) == 1


@pytest.mark.parametrize("body,pointer", [
    ({"rating": None}, "/rating"), ({"rating": 9}, "/rating"), ({"x": 1}, "/x")])
def test_edit_validation(w, body, pointer):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 2})
    expect_problem(edit(w.mt, bid, body), 422, "validation_failed", pointer)


# --- the event --------------------------------------------------------------------------------

def test_feedback_event(w):
    bid = w.b["id"]
    given(w.mt, bid, {"rating": 5, "comment": "great"})
    edit(w.mt, bid, {"rating": 4})
    evs = w.t.ok("GET", "/v1/events", params={"subject_id": bid, "type": "booking.feedback"},
                 now=NOW)["data"]
    assert len(evs) == 2
    first, second = evs
    assert first["actor"]["type"] == "manage_token"
    assert first["changes"]["feedback"] == [None, {"rating": 5, "comment": "great",
                                                  "created_at": GIVEN, "updated_at": GIVEN}]
    assert first["payload"]["feedback"]["rating"] == 5
    assert second["changes"]["feedback"][0]["rating"] == 5
    assert second["changes"]["feedback"][1]["rating"] == 4


# --- analytics --------------------------------------------------------------------------------

def test_analytics_ratings(w):
    a = analytics(w.t)
    assert (a["totals"]["ratings"], a["totals"]["average_rating"]) == (0, None)
    given(w.mt, w.b["id"], {"rating": 5})
    q_booking = booked(w.t, w.sid, at(MON, "11:00"), w.qid)
    done(w.t, q_booking["id"])
    given(Api(w.t.base, q_booking["manage_token"]), q_booking["id"], {"rating": 2})
    a = analytics(w.t)
    assert (a["totals"]["ratings"], a["totals"]["average_rating"]) == (2, 3.5)
    # Per provider, per service, per period.
    a = analytics(w.t, breakdown="provider")
    got = {g["provider_id"]: (g["totals"]["ratings"], g["totals"]["average_rating"])
           for g in a["groups"]}
    assert got[w.pid] == (1, 5) and got[w.qid] == (1, 2)
    a = analytics(w.t, breakdown="service", group_by="week")
    (g,) = a["groups"]
    assert (g["totals"]["ratings"], g["totals"]["average_rating"]) == (2, 3.5)
    week = [s for s in g["series"] if s["ratings"]]
    assert [(s["label"], s["ratings"], s["average_rating"]) for s in week] == \
        [("2026-W10", 2, 3.5)]
    # An edit moves the average.
    edit(w.mt, w.b["id"], {"rating": 3})
    assert analytics(w.t)["totals"]["average_rating"] == 2.5
    # A day cut by a period boundary (a zone far from UTC) counts the same.
    a = analytics(w.t, timezone="Pacific/Kiritimati", group_by="day")
    assert (a["totals"]["ratings"], a["totals"]["average_rating"]) == (2, 2.5)


def test_analytics_average_rounds(w):
    for hm, rating in (("11:00", 5), ("13:00", 4), ("14:00", 4)):
        b = booked(w.t, w.sid, at(MON, hm), w.pid)
        done(w.t, b["id"])
        given(Api(w.t.base, b["manage_token"]), b["id"], {"rating": rating})
    assert analytics(w.t)["totals"]["average_rating"] == 4.33


def test_analytics_csv(w):
    given(w.mt, w.b["id"], {"rating": 4})
    r = w.t.get("/v1/analytics", params={"from": "2026-03-01", "to": "2026-03-31",
                                         "timezone": NY}, now=WEEK_LATER,
                headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    total = next(x for x in rows if x["period"] == "total")
    assert (total["ratings"], total["average_rating"]) == ("1", "4")
    month = next(x for x in rows if x["period"] == "2026-03")
    assert (month["ratings"], month["average_rating"]) == ("1", "4")
