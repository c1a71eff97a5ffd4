"""Staff keys limited to providers (POST /v1/keys with provider_ids): such a key acts only for
its providers in providers, bookings, holds, slots, explain, entries, calendar and waitlist;
another provider's objects answer 404 (reads, actions) or 422 (a body naming it). A staff key
without provider_ids acts for every provider; deleting a provider never widens a limited key.

Set-up (fixture w, a tenant of its own per test): providers p1, p2, p3, all New York
09:00-17:00 on weekdays (auto-confirm), a 60-minute service `sid` offered by all three and a
service `only2` offered by p2 alone. `w.k1` is a staff key for [p1], `w.k13` one for [p1, p3].
"now" is DEFAULT_NOW (1 Jan 2026); Mon 2 Mar 2026 is EST (-05:00); Sat 7 Mar is closed.
"""
import types
import uuid

import pytest

from conftest import Api, DEFAULT_NOW, NO_BODY, expect_problem, weekdays

NY = "America/New_York"
MON, TUE, SAT = "2026-03-02", "2026-03-03", "2026-03-07"
CUSTOMER = {"name": "Ann Lee", "email": "ann@example.com"}
_ABSENT = object()


# --- helpers -----------------------------------------------------------------------------------

def at(day, hm):
    return f"{day}T{hm}:00-05:00"


def staff_key(t, provider_ids=None, name="desk"):
    body = {"name": name, "role": "staff"}
    if provider_ids is not None:
        body["provider_ids"] = list(provider_ids)
    k = t.ok("POST", "/v1/keys", body, now=DEFAULT_NOW)
    assert k["role"] == "staff"
    return Api(t.base, k["secret"], t.slug)


def booking_body(sid, start, provider_id=_ABSENT, **fields):
    b = {"service_id": sid, "start": start, "customer": dict(CUSTOMER)}
    if provider_id is not _ABSENT:
        b["provider_id"] = provider_id
    b.update(fields)
    return b


def book(t, sid, start, provider_id=_ABSENT, **fields):
    return t.post("/v1/bookings", booking_body(sid, start, provider_id, **fields),
                  now=DEFAULT_NOW, headers={"Idempotency-Key": "key-" + uuid.uuid4().hex})


def booked(t, sid, start, provider_id=_ABSENT, **fields):
    r = book(t, sid, start, provider_id, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def hold(t, sid, start, provider_id=_ABSENT):
    b = {"service_id": sid, "start": start}
    if provider_id is not _ABSENT:
        b["provider_id"] = provider_id
    return t.post("/v1/holds", b, now=DEFAULT_NOW)


def wait_body(sid, provider_id=_ABSENT):
    """A waitlist entry for Saturday, when nobody works: it stays waiting."""
    b = {"service_id": sid, "customer": dict(CUSTOMER), "earliest_date": SAT,
         "latest_date": SAT}
    if provider_id is not _ABSENT:
        b["provider_id"] = provider_id
    return b


def entry_body(pids, start=None, end=None, title="Job"):
    return {"title": title, "start": start or "2026-03-03T14:00:00Z",
            "end": end or "2026-03-03T15:00:00Z", "assignee_ids": list(pids)}


def ids(rows):
    return [r["id"] for r in rows]


def slot_list(t, sid, provider_id=None, day=MON):
    params = {"service_id": sid, "from": day, "to": day}
    if provider_id:
        params["provider_id"] = provider_id
    return t.get("/v1/slots", params=params, now=DEFAULT_NOW)


@pytest.fixture
def w(server):
    t = server.tenant()
    p1, p2, p3 = (t.provider(n, NY)["id"] for n in ("P1", "P2", "P3"))
    for p in (p1, p2, p3):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p1, p2, p3], "Consult", 60)["id"]
    only2 = t.service([p2], "Only p2", 60)["id"]
    return types.SimpleNamespace(t=t, p1=p1, p2=p2, p3=p3, sid=sid, only2=only2,
                                 k1=staff_key(t, [p1], "p1 desk"),
                                 k13=staff_key(t, [p3, p1], "p1+p3 desk"))


# --- providers and services --------------------------------------------------------------------

def test_provider_list_shows_only_the_keys_providers(w):
    assert ids(w.k1.list_all("/v1/providers")) == [w.p1]
    assert ids(w.k13.list_all("/v1/providers")) == sorted([w.p1, w.p3])
    assert ids(w.t.list_all("/v1/providers")) == [w.p1, w.p2, w.p3]


def test_other_providers_and_their_calendars_are_404(w):
    w.t.ok("POST", f"/v1/providers/{w.p2}/overrides", {"date": "2026-03-04"})
    w.t.ok("POST", f"/v1/providers/{w.p2}/time-off",
           {"start": at(MON, "10:00"), "end": at(MON, "11:00")})
    for k, others in ((w.k1, (w.p2, w.p3)), (w.k13, (w.p2,))):
        for p in others:
            expect_problem(k.get(f"/v1/providers/{p}"), 404, "not_found")
            for sub in ("schedule", "overrides", "time-off"):
                expect_problem(k.get(f"/v1/providers/{p}/{sub}", now=DEFAULT_NOW), 404,
                               "not_found")
    # Its own are readable.
    assert w.k1.ok("GET", f"/v1/providers/{w.p1}")["id"] == w.p1
    for sub in ("schedule", "overrides", "time-off"):
        w.k1.ok("GET", f"/v1/providers/{w.p1}/{sub}", now=DEFAULT_NOW)
    assert w.k13.ok("GET", f"/v1/providers/{w.p3}")["id"] == w.p3


def test_services_are_not_filtered(w):
    assert ids(w.k1.list_all("/v1/services")) == ids(w.t.list_all("/v1/services"))
    assert set(ids(w.k1.list_all("/v1/services"))) == {w.sid, w.only2}
    assert w.k1.ok("GET", f"/v1/services/{w.only2}")["id"] == w.only2


# --- bookings ----------------------------------------------------------------------------------

def test_booking_list_shows_only_bookings_of_the_keys_providers(w):
    b1 = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    b2 = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    b3 = booked(w.t, w.sid, at(MON, "10:00"), w.p3)
    b2b = booked(w.t, w.only2, at(MON, "12:00"), w.p2)
    assert ids(w.k1.list_all("/v1/bookings")) == [b1["id"]]
    assert ids(w.k13.list_all("/v1/bookings")) == sorted([b1["id"], b3["id"]])
    assert set(ids(w.t.list_all("/v1/bookings"))) == {b1["id"], b2["id"], b3["id"], b2b["id"]}
    # A provider filter naming another provider shows nothing of it either.
    rows = w.k1.list_all("/v1/bookings", params={"provider_id": w.p2})
    assert b2["id"] not in ids(rows) and b2b["id"] not in ids(rows)


def test_another_providers_booking_is_404_to_read_and_act_on(w):
    mine = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    theirs = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    before = w.t.ok("GET", f"/v1/bookings/{theirs['id']}")
    hist = w.t.ok("GET", f"/v1/bookings/{theirs['id']}/history")
    bid = theirs["id"]
    expect_problem(w.k1.get(f"/v1/bookings/{bid}"), 404, "not_found")
    expect_problem(w.k1.get(f"/v1/bookings/{bid}/history"), 404, "not_found")
    for action in ("confirm", "decline", "cancel", "complete", "no-show"):
        expect_problem(w.k1.post(f"/v1/bookings/{bid}/{action}", now="2026-03-02T16:30:00Z"),
                       404, "not_found")
    expect_problem(w.k1.post(f"/v1/bookings/{bid}/reschedule", {"start": at(TUE, "10:00")},
                             now=DEFAULT_NOW), 404, "not_found")
    assert w.t.ok("GET", f"/v1/bookings/{bid}") == before
    assert w.t.ok("GET", f"/v1/bookings/{bid}/history") == hist
    # Its own booking: readable and actionable.
    assert w.k1.ok("GET", f"/v1/bookings/{mine['id']}")["id"] == mine["id"]
    w.k1.ok("GET", f"/v1/bookings/{mine['id']}/history")
    r = w.k1.post(f"/v1/bookings/{mine['id']}/reschedule", {"start": at(TUE, "10:00")},
                  now=DEFAULT_NOW)
    assert r.status_code == 200, r.text
    assert w.k1.ok("POST", f"/v1/bookings/{mine['id']}/cancel", status=200,
                   now=DEFAULT_NOW)["status"] == "cancelled"


def test_another_providers_booking_ics_is_404(w):
    theirs = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    mine = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    assert w.k1.get(f"/v1/bookings/{mine['id']}.ics").status_code == 200
    expect_problem(w.k1.get(f"/v1/bookings/{theirs['id']}.ics"), 404, "not_found")


@pytest.mark.parametrize("pid", ["p2", "p3"])
def test_booking_for_another_provider_is_422_at_provider_id(w, pid):
    r = book(w.k1, w.sid, at(MON, "10:00"), getattr(w, pid))
    expect_problem(r, 422, "validation_failed", "/provider_id")
    expect_problem(book(w.k1, w.only2, at(MON, "10:00"), w.p2), 422, "validation_failed",
                   "/provider_id")
    assert w.t.list_all("/v1/bookings") == []
    # Its own provider: fine.
    assert booked(w.k1, w.sid, at(MON, "10:00"), w.p1)["provider_id"] == w.p1


@pytest.mark.parametrize("provider_id", ["any", _ABSENT, None],
                         ids=["any", "absent", "null"])
def test_booking_any_provider_picks_only_among_the_keys_providers(w, provider_id):
    # p1 is busy at 10:00; p2 and p3 are free.
    booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    before = w.t.list_all("/v1/bookings")
    r = book(w.k1, w.sid, at(MON, "10:00"), provider_id)
    assert r.status_code != 201, r.text
    assert r.status_code in (409, 422), r.text
    assert w.t.list_all("/v1/bookings") == before
    # At 11:00 p1 is free, yet p2 and p3 have fewer bookings: still p1.
    assert booked(w.k1, w.sid, at(MON, "11:00"), provider_id)["provider_id"] == w.p1
    # A service none of its providers offers has no one to book.
    r = book(w.k1, w.only2, at(MON, "13:00"), provider_id)
    assert r.status_code != 201, r.text
    assert not [b for b in w.t.list_all("/v1/bookings") if b["service_id"] == w.only2]
    # The two-provider key picks p3 when p1 is busy.
    assert booked(w.k13, w.sid, at(MON, "10:00"), provider_id)["provider_id"] == w.p3


# --- holds -------------------------------------------------------------------------------------

def test_hold_for_another_provider_is_422(w):
    expect_problem(hold(w.k1, w.sid, at(MON, "10:00"), w.p2), 422, "validation_failed",
                   "/provider_id")
    expect_problem(hold(w.k1, w.only2, at(MON, "10:00"), w.p2), 422, "validation_failed",
                   "/provider_id")
    # Nothing is held: p2's 10:00 is still bookable.
    assert book(w.t, w.sid, at(MON, "10:00"), w.p2).status_code == 201
    r = hold(w.k1, w.sid, at(MON, "11:00"), w.p1)
    assert r.status_code == 201, r.text
    assert r.json()["provider_id"] == w.p1


def test_another_providers_hold_is_404(w):
    theirs = hold(w.t, w.sid, at(MON, "10:00"), w.p2)
    assert theirs.status_code == 201, theirs.text
    hid = theirs.json()["id"]
    expect_problem(w.k1.get(f"/v1/holds/{hid}", now=DEFAULT_NOW), 404, "not_found")
    expect_problem(w.k1.delete(f"/v1/holds/{hid}", now=DEFAULT_NOW), 404, "not_found")
    assert w.t.ok("GET", f"/v1/holds/{hid}", now=DEFAULT_NOW)["live"] is True
    mine = hold(w.t, w.sid, at(MON, "10:00"), w.p1).json()
    assert w.k1.ok("GET", f"/v1/holds/{mine['id']}", now=DEFAULT_NOW)["id"] == mine["id"]
    assert w.k1.delete(f"/v1/holds/{mine['id']}", now=DEFAULT_NOW).status_code == 204


# --- slots and explain -------------------------------------------------------------------------

def test_slots_and_explain_for_another_provider_are_404(w):
    for pid in (w.p2, w.p3):
        expect_problem(slot_list(w.k1, w.sid, pid), 404, "not_found")
        r = w.k1.get("/v1/slots/explain", now=DEFAULT_NOW,
                     params={"service_id": w.sid, "provider_id": pid,
                             "start": at(MON, "10:00")})
        expect_problem(r, 404, "not_found")
    expect_problem(slot_list(w.k1, w.only2, w.p2), 404, "not_found")
    # Its own provider works.
    r = slot_list(w.k1, w.sid, w.p1)
    assert r.status_code == 200 and r.json()["slots"], r.text
    assert w.k1.ok("GET", "/v1/slots/explain", now=DEFAULT_NOW,
                   params={"service_id": w.sid, "provider_id": w.p1,
                           "start": at(MON, "10:00")})["bookable"] is True


def test_slots_without_provider_show_only_the_keys_providers(w):
    booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    admin = w.t.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                   params={"service_id": w.sid, "from": MON, "to": MON})["slots"]
    assert {s["provider_id"] for s in admin} == {w.p1, w.p2, w.p3}
    got = w.k1.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                  params={"service_id": w.sid, "from": MON, "to": MON})["slots"]
    assert got, "p1 has free starts on Monday"
    assert {s["provider_id"] for s in got} == {w.p1}
    assert at(MON, "10:00") not in [s["start"] for s in got]     # p1 is busy then
    assert got == [s for s in admin if s["provider_id"] == w.p1]
    got13 = w.k13.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                     params={"service_id": w.sid, "from": MON, "to": MON})["slots"]
    assert got13 == [s for s in admin if s["provider_id"] in (w.p1, w.p3)]
    # A service only another provider offers: no slots.
    only = w.k1.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                   params={"service_id": w.only2, "from": MON, "to": MON})["slots"]
    assert only == []


# --- entries -----------------------------------------------------------------------------------

def test_entries_of_other_providers_are_hidden_and_untouchable(w):
    e1 = w.t.ok("POST", "/v1/entries", entry_body([w.p1], title="mine"))
    e2 = w.t.ok("POST", "/v1/entries", entry_body([w.p2], title="theirs"))
    e12 = w.t.ok("POST", "/v1/entries", entry_body([w.p1, w.p2], title="shared"))
    assert ids(w.k1.list_all("/v1/entries")) == sorted([e1["id"], e12["id"]])
    assert set(ids(w.t.list_all("/v1/entries"))) == {e1["id"], e2["id"], e12["id"]}
    occ = {"from": "2026-03-01", "to": "2026-03-31"}
    # None of e2's assignees is covered: not even readable.
    expect_problem(w.k1.get(f"/v1/entries/{e2['id']}"), 404, "not_found")
    expect_problem(w.k1.get(f"/v1/entries/{e2['id']}/occurrences", params=occ), 404,
                   "not_found")
    # e12 is readable (p1 is covered) but p2 is not: no writes.
    assert w.k1.ok("GET", f"/v1/entries/{e12['id']}")["id"] == e12["id"]
    assert w.k1.ok("GET", f"/v1/entries/{e12['id']}/occurrences", params=occ)["occurrences"]
    saved = {e["id"]: w.t.ok("GET", f"/v1/entries/{e['id']}") for e in (e2, e12)}
    for e in (e2, e12):
        expect_problem(w.k1.patch(f"/v1/entries/{e['id']}", {"title": "Hijacked"}), 404,
                       "not_found")
        expect_problem(w.k1.delete(f"/v1/entries/{e['id']}"), 404, "not_found")
    for eid, before in saved.items():
        assert w.t.ok("GET", f"/v1/entries/{eid}") == before
    # Its own entry: editable and deletable.
    assert w.k1.ok("PATCH", f"/v1/entries/{e1['id']}", {"title": "renamed"})["title"] == \
        "renamed"
    assert w.k1.delete(f"/v1/entries/{e1['id']}").status_code == 204


def test_two_provider_key_may_write_an_entry_it_fully_covers(w):
    e13 = w.t.ok("POST", "/v1/entries", entry_body([w.p1, w.p3]))
    expect_problem(w.k1.patch(f"/v1/entries/{e13['id']}", {"title": "x"}), 404, "not_found")
    assert w.k13.ok("PATCH", f"/v1/entries/{e13['id']}", {"title": "x"})["title"] == "x"
    assert w.k13.delete(f"/v1/entries/{e13['id']}").status_code == 204


@pytest.mark.parametrize("order,pointer", [
    (("p1", "p2"), "/assignee_ids/1"),
    (("p2", "p1"), "/assignee_ids/0"),
    (("p3",), "/assignee_ids/0"),
    (("p1", "p3", "p2"), "/assignee_ids/1"),
])
def test_entry_with_an_uncovered_assignee_is_422(w, order, pointer):
    pids = [getattr(w, p) for p in order]
    r = w.k1.post("/v1/entries", entry_body(pids))
    expect_problem(r, 422, "validation_failed", pointer)
    assert w.t.list_all("/v1/entries") == []
    assert w.k1.ok("POST", "/v1/entries", entry_body([w.p1]))["assignee_ids"] == [w.p1]


def test_entry_patch_cannot_move_it_to_another_provider(w):
    e1 = w.t.ok("POST", "/v1/entries", entry_body([w.p1]))
    before = w.t.ok("GET", f"/v1/entries/{e1['id']}")
    r = w.k1.patch(f"/v1/entries/{e1['id']}", {"assignee_ids": [w.p1, w.p2]})
    assert r.status_code in (404, 422), r.text
    assert w.t.ok("GET", f"/v1/entries/{e1['id']}") == before


# --- calendar ----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", [("p2",), ("p1", "p2"), ("p3", "p1")])
def test_calendar_of_another_provider_is_422(w, which):
    booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    pids = ",".join(getattr(w, p) for p in which)
    r = w.k1.get("/v1/calendar", params={"provider_ids": pids, "from": MON, "to": MON})
    expect_problem(r, 422, pointer="provider_ids")


def test_calendar_of_its_own_provider_works(w):
    b = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    c = w.k1.ok("GET", "/v1/calendar", params={"provider_ids": w.p1, "from": MON, "to": MON})
    assert [(i["kind"], i["id"]) for i in c["items"]] == [("booking", b["id"])]


# --- waitlist ----------------------------------------------------------------------------------

def test_waitlist_entry_for_another_provider_is_422(w):
    for sid, pid in ((w.sid, w.p2), (w.only2, w.p2), (w.sid, w.p3)):
        r = w.k1.post("/v1/waitlist", wait_body(sid, pid), now=DEFAULT_NOW)
        expect_problem(r, 422, "validation_failed", "/provider_id")
    assert w.t.list_all("/v1/waitlist", now=DEFAULT_NOW) == []
    r = w.k1.post("/v1/waitlist", wait_body(w.sid, w.p1), now=DEFAULT_NOW)
    assert r.status_code == 201, r.text


def test_waitlist_hides_other_providers_entries(w):
    def make(pid):
        return w.t.ok("POST", "/v1/waitlist", wait_body(w.sid, pid), now=DEFAULT_NOW)
    mine, theirs, anyone = make(w.p1), make(w.p2), make(_ABSENT)
    only2 = w.t.ok("POST", "/v1/waitlist", wait_body(w.only2, w.p2), now=DEFAULT_NOW)
    assert ids(w.k1.list_all("/v1/waitlist", now=DEFAULT_NOW)) == \
        sorted([mine["id"], anyone["id"]])
    for e in (theirs, only2):
        expect_problem(w.k1.get(f"/v1/waitlist/{e['id']}", now=DEFAULT_NOW), 404, "not_found")
        expect_problem(w.k1.delete(f"/v1/waitlist/{e['id']}", now=DEFAULT_NOW), 404,
                       "not_found")
    assert set(ids(w.t.list_all("/v1/waitlist", now=DEFAULT_NOW))) == \
        {mine["id"], theirs["id"], anyone["id"], only2["id"]}
    # Its own and provider-less entries are reachable.
    assert w.k1.ok("GET", f"/v1/waitlist/{mine['id']}", now=DEFAULT_NOW)["id"] == mine["id"]
    assert w.k1.ok("GET", f"/v1/waitlist/{anyone['id']}", now=DEFAULT_NOW)["id"] == \
        anyone["id"]
    assert w.k1.delete(f"/v1/waitlist/{mine['id']}", now=DEFAULT_NOW).status_code == 204


# --- unlimited staff keys; deleted providers ---------------------------------------------------

def test_staff_key_without_provider_ids_acts_for_all(w):
    k = staff_key(w.t, None, "all providers")
    b2 = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    assert ids(k.list_all("/v1/providers")) == [w.p1, w.p2, w.p3]
    assert k.ok("GET", f"/v1/providers/{w.p2}")["id"] == w.p2
    assert k.ok("GET", f"/v1/bookings/{b2['id']}")["id"] == b2["id"]
    assert ids(k.list_all("/v1/bookings")) == [b2["id"]]
    assert booked(k, w.only2, at(MON, "11:00"), w.p2)["provider_id"] == w.p2
    assert hold(k, w.sid, at(MON, "12:00"), w.p3).status_code == 201
    assert k.ok("POST", "/v1/entries", entry_body([w.p2, w.p3]))["assignee_ids"] == \
        sorted([w.p2, w.p3])
    k.ok("GET", "/v1/calendar", params={"provider_ids": f"{w.p2},{w.p3}", "from": MON,
                                         "to": MON})
    slots = k.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                 params={"service_id": w.sid, "from": MON, "to": MON})["slots"]
    assert {s["provider_id"] for s in slots} == {w.p1, w.p2, w.p3}


def test_deleting_its_only_provider_leaves_the_key_with_none(w):
    b2 = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    w.t.ok("POST", "/v1/waitlist", wait_body(w.sid, w.p2), now=DEFAULT_NOW)
    assert w.t.delete(f"/v1/providers/{w.p1}").status_code == 204
    assert w.k1.list_all("/v1/providers") == []
    expect_problem(w.k1.get(f"/v1/providers/{w.p2}"), 404, "not_found")
    assert w.k1.list_all("/v1/bookings") == []
    expect_problem(w.k1.get(f"/v1/bookings/{b2['id']}"), 404, "not_found")
    assert w.k1.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                   params={"service_id": w.sid, "from": MON, "to": MON})["slots"] == []
    expect_problem(slot_list(w.k1, w.sid, w.p2), 404, "not_found")
    before = w.t.list_all("/v1/bookings")
    assert book(w.k1, w.sid, at(MON, "11:00"), "any").status_code != 201
    expect_problem(book(w.k1, w.sid, at(MON, "11:00"), w.p2), 422, "validation_failed",
                   "/provider_id")
    assert w.t.list_all("/v1/bookings") == before
    assert w.k1.list_all("/v1/waitlist", now=DEFAULT_NOW) == []
    expect_problem(w.k1.post("/v1/entries", entry_body([w.p2])), 422, "validation_failed",
                   "/assignee_ids/0")


def test_deleting_one_of_its_providers_leaves_the_rest(w):
    booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    b3 = booked(w.t, w.sid, at(MON, "10:00"), w.p3)
    assert w.t.delete(f"/v1/providers/{w.p1}").status_code == 204
    assert ids(w.k13.list_all("/v1/providers")) == [w.p3]
    assert ids(w.k13.list_all("/v1/bookings")) == [b3["id"]]
    expect_problem(w.k13.get(f"/v1/providers/{w.p2}"), 404, "not_found")
    slots = w.k13.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                     params={"service_id": w.sid, "from": MON, "to": MON})["slots"]
    assert slots and {s["provider_id"] for s in slots} == {w.p3}
    assert booked(w.k13, w.sid, at(MON, "11:00"), "any")["provider_id"] == w.p3
