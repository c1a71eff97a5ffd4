"""A provider's own price and duration for a service (docs/api.md, "Services", "A provider's
price and duration"): PUT/GET/DELETE /v1/services/{id}/providers/{provider_id} and the list,
the service's provider_overrides, and their use by slots (one provider and any provider),
explain, bookings (end, blocked time, price), reschedule, holds, fees and analytics revenue;
validation, reach (staff limited to providers, customer keys) and what a service edit keeps.
The suite runs on SQLite, and on PostgreSQL under scripts/pg.sh run.
"""
import types

import pytest

from booking_helpers import acted, at, booked, book, get
from conftest import DEFAULT_NOW, Api, expect_problem, weekdays

MON = "2026-03-02"   # a Monday; New York is at -05:00 then


@pytest.fixture
def w(server):
    """Ana and Ben (New York, 09:00-17:00 on weekdays, auto-confirm) offering "Lesson"
    (60 minutes, 30.00 USD, step = the duration) and "Short" (60 minutes, step 30, free)."""
    t = server.tenant()
    ana = t.provider("Ana", "America/New_York", auto_confirm=True)["id"]
    ben = t.provider("Ben", "America/New_York", auto_confirm=True)["id"]
    for p in (ana, ben):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([ana, ben], "Lesson", 60, price="30.00", currency="USD")["id"]
    short = t.service([ana], "Short", 60, slot_step_minutes=30)["id"]
    return types.SimpleNamespace(t=t, ana=ana, ben=ben, sid=sid, short=short, server=server)


def offer_path(w, pid, sid=None):
    return f"/v1/services/{sid or w.sid}/providers/{pid}"


def put_offer(w, pid, body, sid=None, t=None):
    return (t or w.t).ok("PUT", offer_path(w, pid, sid), body, now=DEFAULT_NOW)


def offer(w, pid, price, currency, duration, price_override, duration_override, sid=None):
    return {"service_id": sid or w.sid, "provider_id": pid, "price": price,
            "currency": currency, "duration_minutes": duration,
            "price_override": price_override, "duration_override": duration_override}


def service(w, sid=None):
    return w.t.ok("GET", f"/v1/services/{sid or w.sid}")


def slots(w, pid=None, sid=None, day=MON):
    return [(s["start"], s["end"], s["provider_id"])
            for s in w.t.slots(sid or w.sid, pid, day, day, timezone="America/New_York")]


def ny(hm):
    return at(MON, hm)


# --- the routes -----------------------------------------------------------------------------

def test_put_get_list_and_delete(w):
    got = put_offer(w, w.ana, {"price": "45.00", "duration_minutes": 90})
    assert got == offer(w, w.ana, "45.00", "USD", 90, "45.00", 90)
    assert w.t.ok("GET", offer_path(w, w.ana)) == got
    assert w.t.ok("GET", offer_path(w, w.ben)) == offer(w, w.ben, "30.00", "USD", 60, None, None)
    listed = w.t.ok("GET", f"/v1/services/{w.sid}/providers")["data"]
    assert sorted(listed, key=lambda o: o["provider_id"]) == sorted(
        [got, offer(w, w.ben, "30.00", "USD", 60, None, None)], key=lambda o: o["provider_id"])
    s = service(w)
    assert s["provider_overrides"] == [{"provider_id": w.ana, "price": "45.00",
                                        "duration_minutes": 90}]
    assert s["price"] == "30.00" and s["duration_minutes"] == 60   # the service's own stay
    # Only a duration; omitted price = the service's.
    assert put_offer(w, w.ben, {"duration_minutes": 45}) == offer(w, w.ben, "30.00", "USD", 45,
                                                                  None, 45)
    # Only a price; an explicit null duration = the service's.
    assert put_offer(w, w.ana, {"price": "50", "duration_minutes": None}) == offer(
        w, w.ana, "50", "USD", 60, "50", None)
    assert {(o["provider_id"], o["price"], o["duration_minutes"])
            for o in service(w)["provider_overrides"]} == {(w.ana, "50", None),
                                                            (w.ben, None, 45)}
    # DELETE clears the overrides and keeps the provider on the service.
    assert w.t.ok("DELETE", offer_path(w, w.ana)) is None
    assert w.t.ok("GET", offer_path(w, w.ana)) == offer(w, w.ana, "30.00", "USD", 60, None, None)
    s = service(w)
    assert w.ana in s["provider_ids"]
    assert s["provider_overrides"] == [{"provider_id": w.ben, "price": None,
                                        "duration_minutes": 45}]
    # An empty body clears too.
    assert put_offer(w, w.ben, {}) == offer(w, w.ben, "30.00", "USD", 60, None, None)
    assert service(w)["provider_overrides"] == []


def test_changes_are_service_updated_events(w):
    put_offer(w, w.ana, {"price": "45.00"})
    w.t.ok("DELETE", offer_path(w, w.ana))
    pg = w.t.ok("GET", "/v1/events", params={"type": "service.updated", "limit": 200})
    ev = [e for e in pg["data"] if e["subject_id"] == w.sid]
    assert [e["changes"] for e in ev] == [
        {"provider_overrides": [[], [{"provider_id": w.ana, "price": "45.00",
                                      "duration_minutes": None}]]},
        {"provider_overrides": [[{"provider_id": w.ana, "price": "45.00",
                                  "duration_minutes": None}], []]}]
    assert ev[-1]["payload"] == service(w)


def test_a_service_without_a_currency_takes_a_duration_but_no_price(w):
    assert put_offer(w, w.ana, {"duration_minutes": 30}, sid=w.short) == offer(
        w, w.ana, None, None, 30, None, 30, sid=w.short)
    r = w.t.put(offer_path(w, w.ana, w.short), {"price": "10.00"}, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", "/price")
    assert service(w, w.short)["provider_overrides"] == [
        {"provider_id": w.ana, "price": None, "duration_minutes": 30}]


@pytest.mark.parametrize("body,pointer", [
    ({"price": "abc"}, "/price"),
    ({"price": "-5.00"}, "/price"),
    ({"price": "1.23456"}, "/price"),
    ({"price": 45}, "/price"),
    ({"duration_minutes": -30}, "/duration_minutes"),
    ({"duration_minutes": 0}, "/duration_minutes"),
    ({"duration_minutes": 1441}, "/duration_minutes"),
    ({"duration_minutes": "90"}, "/duration_minutes"),
    ({"currency": "EUR"}, "/currency"),
])
def test_validation(w, body, pointer):
    put_offer(w, w.ana, {"price": "45.00", "duration_minutes": 90})
    r = w.t.put(offer_path(w, w.ana), body, now=DEFAULT_NOW)
    expect_problem(r, 422, "validation_failed", pointer)
    assert w.t.ok("GET", offer_path(w, w.ana)) == offer(w, w.ana, "45.00", "USD", 90, "45.00", 90)


def test_not_found(w):
    other = w.t.provider("Cleo", "America/New_York")["id"]
    for method in ("GET", "PUT", "DELETE"):
        body = {"price": "10.00"} if method == "PUT" else Api._MISSING
        expect_problem(w.t.request(method, offer_path(w, other), body), 404)
        expect_problem(w.t.request(method, offer_path(w, w.ana, "svc_nosuchservice0000000"),
                                   body), 404)
        expect_problem(w.t.request(method, offer_path(w, "prv_nosuchprovider000000"), body), 404)
    expect_problem(w.t.get("/v1/services/svc_nosuchservice0000000/providers"), 404)
    assert service(w)["provider_overrides"] == []


def test_a_service_keeps_a_provider_price_unless_its_currency_goes(w):
    put_offer(w, w.ana, {"price": "45.00"})
    r = w.t.patch(f"/v1/services/{w.sid}", {"price": None, "currency": None})
    expect_problem(r, 422, "validation_failed", "/currency")
    assert service(w)["currency"] == "USD"
    # Another currency is fine: the provider's price is in the service's currency.
    s = w.t.ok("PATCH", f"/v1/services/{w.sid}", {"price": "28.00", "currency": "EUR"})
    assert s["provider_overrides"] == [{"provider_id": w.ana, "price": "45.00",
                                        "duration_minutes": None}]
    assert w.t.ok("GET", offer_path(w, w.ana)) == offer(w, w.ana, "45.00", "EUR", 60, "45.00",
                                                         None)


# --- reach ----------------------------------------------------------------------------------

def test_staff_reach_only_their_providers(w):
    k = w.t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff", "provider_ids": [w.ana]})
    staff = Api(w.t.base, k["secret"], w.t.slug)
    assert put_offer(w, w.ana, {"price": "40.00"}, t=staff)["price"] == "40.00"
    assert staff.ok("GET", offer_path(w, w.ana))["price_override"] == "40.00"
    assert [o["provider_id"] for o in staff.ok("GET", f"/v1/services/{w.sid}/providers")["data"]] \
        == [w.ana]
    expect_problem(staff.put(offer_path(w, w.ben), {"price": "99.00"}), 404)
    expect_problem(staff.get(offer_path(w, w.ben)), 404)
    expect_problem(staff.delete(offer_path(w, w.ben)), 404)
    assert w.t.ok("GET", offer_path(w, w.ben))["price_override"] is None
    assert staff.ok("DELETE", offer_path(w, w.ana)) is None
    assert w.t.ok("GET", offer_path(w, w.ana))["price_override"] is None
    # An unlimited staff key reaches every provider.
    k = w.t.ok("POST", "/v1/keys", {"name": "all", "role": "staff"})
    everyone = Api(w.t.base, k["secret"], w.t.slug)
    assert put_offer(w, w.ben, {"duration_minutes": 30}, t=everyone)["duration_minutes"] == 30


def test_customer_keys_are_forbidden(w):
    k = w.t.ok("POST", "/v1/keys", {"name": "widget", "role": "customer"})
    c = Api(w.t.base, k["secret"], w.t.slug)
    expect_problem(c.put(offer_path(w, w.ana), {"price": "1.00"}), 403)
    expect_problem(c.get(offer_path(w, w.ana)), 403)
    expect_problem(c.get(f"/v1/services/{w.sid}/providers"), 403)
    expect_problem(c.delete(offer_path(w, w.ana)), 403)
    assert service(w)["provider_overrides"] == []


# --- service edits --------------------------------------------------------------------------

def test_overrides_survive_an_edit_that_keeps_the_provider(w):
    put_offer(w, w.ana, {"price": "45.00", "duration_minutes": 90})
    put_offer(w, w.ben, {"price": "35.00"})
    s = w.t.ok("PATCH", f"/v1/services/{w.sid}", {"name": "Lesson+", "duration_minutes": 50})
    assert {o["provider_id"] for o in s["provider_overrides"]} == {w.ana, w.ben}
    # Ben leaves: his override goes, Ana's stays.
    s = w.t.ok("PATCH", f"/v1/services/{w.sid}", {"provider_ids": [w.ana]})
    assert s["provider_overrides"] == [{"provider_id": w.ana, "price": "45.00",
                                        "duration_minutes": 90}]
    assert service(w)["provider_overrides"] == s["provider_overrides"]
    expect_problem(w.t.get(offer_path(w, w.ben)), 404)
    # Back on the service, Ben starts from the service's terms.
    s = w.t.ok("PATCH", f"/v1/services/{w.sid}", {"provider_ids": [w.ana, w.ben]})
    assert [o["provider_id"] for o in s["provider_overrides"]] == [w.ana]
    assert w.t.ok("GET", offer_path(w, w.ben)) == offer(w, w.ben, "30.00", "USD", 50, None, None)
    assert w.t.ok("GET", offer_path(w, w.ana)) == offer(w, w.ana, "45.00", "USD", 90, "45.00", 90)


def test_deleting_a_provider_drops_its_overrides(w):
    put_offer(w, w.ana, {"price": "45.00"})
    put_offer(w, w.ben, {"price": "35.00"})
    w.t.ok("DELETE", f"/v1/providers/{w.ben}")
    s = service(w)
    assert s["provider_ids"] == [w.ana]
    assert s["provider_overrides"] == [{"provider_id": w.ana, "price": "45.00",
                                        "duration_minutes": None}]


# --- the engine -----------------------------------------------------------------------------

def test_a_provider_duration_sets_slot_ends_and_the_grid(w):
    put_offer(w, w.ana, {"duration_minutes": 90})
    # Step 0 follows the provider's duration: 90-minute steps from 09:00, ending by 17:00.
    assert slots(w, w.ana) == [(ny(h), ny(e), w.ana) for h, e in [
        ("09:00", "10:30"), ("10:30", "12:00"), ("12:00", "13:30"), ("13:30", "15:00"),
        ("15:00", "16:30")]]
    assert slots(w, w.ben) == [(ny(f"{h:02}:00"), ny(f"{h + 1:02}:00"), w.ben)
                               for h in range(9, 17)]
    # A fixed step stays the service's; the fit uses the provider's duration.
    put_offer(w, w.ana, {"duration_minutes": 90}, sid=w.short)
    got = slots(w, w.ana, w.short)
    assert got[0] == (ny("09:00"), ny("10:30"), w.ana)
    assert got[1] == (ny("09:30"), ny("11:00"), w.ana)
    assert got[-1] == (ny("15:30"), ny("17:00"), w.ana)
    assert len(got) == 14
    x = w.t.explain(w.sid, w.ana, ny("10:30"))
    assert (x["bookable"], x["end"]) == (True, ny("12:00"))
    assert w.t.explain(w.sid, w.ben, ny("10:00"))["end"] == ny("11:00")
    # Explain: 16:00 no longer fits 90 minutes for Ana.
    assert not w.t.explain(w.short, w.ana, ny("16:00"))["bookable"]
    assert w.t.explain(w.short, w.ana, ny("15:30"))["bookable"]


def test_any_provider_slots_mix_durations(w):
    put_offer(w, w.ana, {"duration_minutes": 90})
    got = slots(w)
    assert (ny("09:00"), ny("10:30"), w.ana) in got
    assert (ny("09:00"), ny("10:00"), w.ben) in got
    assert (ny("10:30"), ny("12:00"), w.ana) in got
    assert (ny("16:00"), ny("17:00"), w.ben) in got
    assert all(e == ny({"09:00": "10:30", "10:30": "12:00", "12:00": "13:30",
                        "13:30": "15:00", "15:00": "16:30"}[s[11:16]])
               for s, e, p in got if p == w.ana)
    assert len([1 for _, _, p in got if p == w.ana]) == 5
    assert len([1 for _, _, p in got if p == w.ben]) == 8


def test_a_booking_takes_the_provider_duration_and_blocks_it(w):
    put_offer(w, w.ana, {"duration_minutes": 90})
    b = booked(w.t, w.sid, ny("10:30"), w.ana)
    assert (b["start"], b["end"]) == (ny("10:30"), ny("12:00"))
    assert b["price"] == "30.00" and b["currency"] == "USD"
    # Ana's blocked time is the whole 90 minutes: the other service cannot use 11:00 or 11:30.
    starts = [s for s, _, _ in slots(w, w.ana, w.short)]
    assert ny("10:00") not in starts and ny("11:00") not in starts
    assert ny("11:30") not in starts and ny("12:00") in starts
    # Reschedule: the new time lasts the provider's duration too.
    r = acted(w.t, b["id"], "reschedule", {"start": ny("13:30")})
    assert (r["start"], r["end"]) == (ny("13:30"), ny("15:00"))
    assert get(w.t, b["id"])["end"] == ny("15:00")
    # Ben keeps the service's hour; a booking for any provider takes the chosen one's.
    b = booked(w.t, w.sid, ny("09:00"), w.ben)
    assert b["end"] == ny("10:00")
    b = booked(w.t, w.sid, ny("12:00"))
    want = {w.ana: ny("13:30"), w.ben: ny("13:00")}
    assert b["end"] == want[b["provider_id"]]


def test_a_changed_duration_leaves_existing_bookings_alone(w):
    b = booked(w.t, w.sid, ny("10:00"), w.ana)
    put_offer(w, w.ana, {"duration_minutes": 120})
    assert get(w.t, b["id"])["end"] == ny("11:00")


def test_a_hold_lasts_the_provider_duration(w):
    put_offer(w, w.ana, {"duration_minutes": 90})
    h = w.t.ok("POST", "/v1/holds", {"service_id": w.sid, "provider_id": w.ana,
                                     "start": ny("09:00")}, now=DEFAULT_NOW)
    assert h["end"] == ny("10:30")
    b = booked(w.t, w.sid, ny("09:00"), w.ana, hold_id=h["id"])
    assert b["end"] == ny("10:30")


def test_a_provider_price_on_the_booking_and_its_fees(w):
    put_offer(w, w.ana, {"price": "80.00"})
    w.t.ok("PUT", "/v1/policy", {"late_cancellation_fees": [{"within_hours": 48, "percent": 50}],
                                 "no_show_fee_percent": 100})
    b = booked(w.t, w.sid, ny("10:00"), w.ana)
    assert (b["price"], b["currency"]) == ("80.00", "USD")
    c = acted(w.t, b["id"], "cancel", now="2026-03-02T12:00:00Z")
    assert c["fee"] == {"amount": "40.00", "currency": "USD", "reason": "late_cancellation"}
    b = booked(w.t, w.sid, ny("11:00"), w.ana)
    n = acted(w.t, b["id"], "no-show", now="2026-03-02T17:00:00Z")
    assert n["fee"]["amount"] == "80.00" and n["fee"]["reason"] == "no_show"
    # Ben charges the service's price.
    b = booked(w.t, w.sid, ny("10:00"), w.ben)
    assert b["price"] == "30.00"
    c = acted(w.t, b["id"], "cancel", now="2026-03-02T12:00:00Z")
    assert c["fee"]["amount"] == "15.00"
    # A booking keeps the price it was made at.
    b = booked(w.t, w.sid, ny("13:00"), w.ana)
    put_offer(w, w.ana, {"price": "99.00"})
    assert get(w.t, b["id"])["price"] == "80.00"
    r = acted(w.t, b["id"], "reschedule", {"start": ny("14:00")})
    assert r["price"] == "80.00"


def test_analytics_revenue_counts_the_provider_price(w):
    put_offer(w, w.ana, {"price": "80.00"})
    a = booked(w.t, w.sid, ny("10:00"), w.ana)
    b = booked(w.t, w.sid, ny("10:00"), w.ben)
    for x in (a, b):
        acted(w.t, x["id"], "complete", now="2026-03-02T17:00:00Z")
    got = w.t.ok("GET", "/v1/analytics", params={"from": MON, "to": MON,
                                                 "timezone": "America/New_York"},
                 now="2026-03-10T00:00:00Z")
    assert got["totals"]["revenue"] == [{"currency": "USD", "completed": "110.00",
                                         "fees_charged": "0.00", "fees_waived": "0.00"}]
    per = w.t.ok("GET", "/v1/analytics", params={"from": MON, "to": MON, "provider_id": w.ana,
                                                 "timezone": "America/New_York"},
                 now="2026-03-10T00:00:00Z")
    assert per["totals"]["revenue"][0]["completed"] == "80.00"


def test_a_waitlist_offer_lasts_the_provider_duration(w):
    put_offer(w, w.ana, {"duration_minutes": 90})
    e = w.t.ok("POST", "/v1/waitlist", {
        "service_id": w.sid, "provider_id": w.ana, "earliest_date": MON, "latest_date": MON,
        "customer": {"name": "Wendy Wait", "email": "wendy@example.com"}}, now=DEFAULT_NOW)
    assert e["status"] == "offered" and e["offer_provider_id"] == w.ana
    h = w.t.ok("GET", f"/v1/holds/{e['hold_id']}", now=DEFAULT_NOW)
    assert (h["start"], h["end"]) == (ny("09:00"), ny("10:30"))
    b = booked(w.t, w.sid, ny("09:00"), w.ana, hold_id=h["id"])
    assert (b["end"], b["price"]) == (ny("10:30"), "30.00")


# --- what customers see ---------------------------------------------------------------------

def test_the_manage_view_shows_the_provider_duration(w):
    put_offer(w, w.ana, {"price": "80.00", "duration_minutes": 90})
    b = booked(w.t, w.sid, ny("10:30"), w.ana)
    m = Api(w.t.base, b["manage_token"]).ok("GET", "/v1/manage", now=DEFAULT_NOW)
    assert m["service"] == {"id": w.sid, "name": "Lesson", "duration_minutes": 90}
    assert (m["booking"]["end"], m["booking"]["price"]) == (ny("12:00"), "80.00")
    b = booked(w.t, w.sid, ny("10:00"), w.ben)
    m = Api(w.t.base, b["manage_token"]).ok("GET", "/v1/manage", now=DEFAULT_NOW)
    assert m["service"]["duration_minutes"] == 60


def test_a_group_service_sessions_last_the_provider_duration(w):
    g = w.t.service([w.ana, w.ben], "Class", 60, capacity=3, price="10.00",
                    currency="USD")["id"]
    put_offer(w, w.ana, {"price": "12.00", "duration_minutes": 90}, sid=g)
    first = booked(w.t, g, ny("09:00"), w.ana)
    second = booked(w.t, g, ny("09:00"), w.ana, customer={"name": "Bo", "email": "bo@example.com"})
    assert [(b["end"], b["price"]) for b in (first, second)] == [(ny("10:30"), "12.00")] * 2
    got = {(s["start"], s["end"], s["provider_id"]): s.get("seats_left")
           for s in w.t.slots(g, w.ana, MON, MON, timezone="America/New_York")}
    assert got[(ny("09:00"), ny("10:30"), w.ana)] == 1
    assert (ny("10:30"), ny("12:00"), w.ana) in got
    # A seat for any provider at Ana's session takes her terms; Ben's are the service's.
    third = booked(w.t, g, ny("09:00"), customer={"name": "Cy", "email": "cy@example.com"})
    want = {w.ana: (ny("10:30"), "12.00"), w.ben: (ny("10:00"), "10.00")}
    assert (third["end"], third["price"]) == want[third["provider_id"]]


def test_a_waitlist_entry_for_any_provider_gets_the_chosen_provider_terms(w):
    put_offer(w, w.ana, {"price": "80.00", "duration_minutes": 90})
    # Ben is busy all Monday; Ana is free from 09:00.
    for h in range(9, 17):
        booked(w.t, w.sid, ny(f"{h:02}:00"), w.ben)
    e = w.t.ok("POST", "/v1/waitlist", {
        "service_id": w.sid, "earliest_date": MON, "latest_date": MON,
        "customer": {"name": "Wendy Wait", "email": "wendy@example.com"}}, now=DEFAULT_NOW)
    assert e["status"] == "offered" and e["offer_provider_id"] == w.ana
    h = w.t.ok("GET", f"/v1/holds/{e['hold_id']}", now=DEFAULT_NOW)
    assert (h["start"], h["end"]) == (ny("09:00"), ny("10:30"))
    b = booked(w.t, w.sid, ny("09:00"), hold_id=h["id"])
    assert (b["provider_id"], b["end"], b["price"]) == (w.ana, ny("10:30"), "80.00")


@pytest.mark.parametrize("body", [[], "x", None, {"price": "1" * 40}])
def test_odd_bodies(w, body):
    r = w.t.put(offer_path(w, w.ana), body, now=DEFAULT_NOW)
    assert 400 <= r.status_code < 500, r.text
    assert w.t.ok("GET", offer_path(w, w.ana))["price_override"] is None


def test_the_public_page_shows_each_provider_terms(w):
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"public": True})
    put_offer(w, w.ana, {"price": "80.00", "duration_minutes": 90})
    page = Api(w.t.base, None).ok("GET", f"/v1/public/{w.t.slug}")
    s = next(s for s in page["services"] if s["id"] == w.sid)
    assert (s["price"], s["duration_minutes"]) == ("30.00", 60)
    assert s["provider_overrides"] == [{"provider_id": w.ana, "price": "80.00",
                                        "duration_minutes": 90}]
    put_offer(w, w.ben, {"duration_minutes": 45})
    w.t.ok("DELETE", offer_path(w, w.ana))
    page = Api(w.t.base, None).ok("GET", f"/v1/public/{w.t.slug}")
    s = next(s for s in page["services"] if s["id"] == w.sid)
    assert s["provider_overrides"] == [{"provider_id": w.ben, "price": None,
                                        "duration_minutes": 45}]


def test_a_change_that_changes_nothing_writes_nothing(w):
    put_offer(w, w.ana, {"price": "45.00", "duration_minutes": 90})
    before = service(w)
    put_offer(w, w.ana, {"price": "45.00", "duration_minutes": 90})
    w.t.ok("DELETE", offer_path(w, w.ben))
    assert service(w)["updated_at"] == before["updated_at"]
    pg = w.t.ok("GET", "/v1/events", params={"type": "service.updated", "limit": 200})
    assert len([e for e in pg["data"] if e["subject_id"] == w.sid]) == 1
