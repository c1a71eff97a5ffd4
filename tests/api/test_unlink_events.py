"""What a deletion or a freed slot does to the objects around it, and the events that say so:
deleting a service ends its holds and waitlist entries; deleting a provider takes it out of
services, holidays and staff key scopes; a freed slot is offered to one waiting customer of
one service, not to one per service; an offer booked is waitlist.booked; offers made by a
scoped staff key's action reach every provider of the service.

Each test has a tenant of its own. Dates: Mon 2 Mar 2026; providers work in UTC.
"""
import pytest

from conftest import expect_problem, weekdays

NOW = "2026-03-01T00:00:00Z"
LATER = "2026-03-01T00:05:00Z"
MON = "2026-03-02"
TEN = "2026-03-02T10:00:00Z"
SYSTEM_WAITLIST = {"type": "system", "id": "waitlist", "role": None}


def events_after(t, seq):
    return t.ok("GET", "/v1/events", params={"after": seq, "limit": 200})["data"]


def last_seq(t):
    return t.ok("GET", "/v1/events", params={"limit": 200})["data"][-1]["seq"]


def provider(t, name, hours=("09:00", "17:00"), days=("mon", "tue", "wed", "thu", "fri")):
    p = t.provider(name, timezone="UTC")
    t.schedule(p["id"], weekdays([hours], days=days))
    return p


def join(t, service_id, windows=None, **kw):
    body = {"service_id": service_id, "customer": {"name": "W", "email": "w@example.com"},
            "earliest_date": MON, "latest_date": MON}
    if windows:
        body["time_windows"] = windows
    return t.ok("POST", "/v1/waitlist", body, now=NOW, **kw)


def book(t, service_id, start, provider_id=None, hold_id=None, key_suffix=""):
    body = {"service_id": service_id, "start": start,
            "customer": {"name": "C", "email": "c@example.com"}}
    if provider_id:
        body["provider_id"] = provider_id
    if hold_id:
        body["hold_id"] = hold_id
    return t.ok("POST", "/v1/bookings", body, now=NOW,
                headers={"Idempotency-Key": f"{service_id}-{start}-{key_suffix}"})


def test_service_delete_ends_its_holds_and_waitlist_entries(new_api):
    t = new_api
    p = provider(t, "P")
    svc = t.service([p["id"]], duration_minutes=60)
    h = t.ok("POST", "/v1/holds", {"service_id": svc["id"], "provider_id": p["id"],
                                   "start": TEN}, now=NOW)
    w = join(t, svc["id"], [{"start": "10:00", "end": "11:00"}])
    assert w["status"] == "waiting"           # the only slot it wants is held
    seq = last_seq(t)
    assert t.delete(f"/v1/services/{svc['id']}", now=NOW).status_code == 204
    ev = events_after(t, seq)
    assert [(e["type"], e["subject_id"]) for e in ev] == [
        ("waitlist.removed", w["id"]), ("hold.released", h["id"]),
        ("service.deleted", svc["id"])], ev
    assert len({e["request_id"] for e in ev}) == 1
    expect_problem(t.get(f"/v1/holds/{h['id']}", now=NOW), 404, "not_found")
    expect_problem(t.get(f"/v1/waitlist/{w['id']}", now=NOW), 404, "not_found")


def test_service_delete_offers_the_time_its_holds_kept(new_api):
    """S1 and S2 share P; S1's hold keeps ten o'clock, so S2's waiting customer waits. Deleting
    S1 frees ten o'clock and offers it, as releasing the hold would."""
    t = new_api
    p = provider(t, "P", hours=("10:00", "11:00"), days=("mon",))
    s1 = t.service([p["id"]], name="S1", duration_minutes=60)
    s2 = t.service([p["id"]], name="S2", duration_minutes=60)
    h = t.ok("POST", "/v1/holds", {"service_id": s1["id"], "provider_id": p["id"],
                                   "start": TEN}, now=NOW)
    w = join(t, s2["id"])
    assert w["status"] == "waiting"
    seq = last_seq(t)
    assert t.delete(f"/v1/services/{s1['id']}", now=NOW).status_code == 204
    ev = events_after(t, seq)
    assert [(e["type"], e["subject_id"]) for e in ev] == [
        ("hold.released", h["id"]), ("service.deleted", s1["id"]),
        ("waitlist.offered", w["id"])], ev
    assert ev[2]["actor"] == SYSTEM_WAITLIST
    now = t.ok("GET", f"/v1/waitlist/{w['id']}", now=NOW)
    assert (now["status"], now["offer_start"], now["offer_provider_id"]) == (
        "offered", TEN, p["id"])


def test_provider_delete_unlinks_services_holidays_and_key_scopes(new_api):
    t = new_api
    p = provider(t, "P")
    q = provider(t, "Q")
    only_p = t.service([p["id"]], name="Only P")
    both = t.service([p["id"], q["id"]], name="Both")
    hol_p = t.ok("POST", "/v1/holidays", {"name": "P day", "date": "2026-05-01",
                                          "provider_ids": [p["id"]]}, now=NOW)
    hol_pq = t.ok("POST", "/v1/holidays", {"name": "PQ day", "date": "2026-05-04",
                                           "provider_ids": [p["id"], q["id"]]}, now=NOW)
    desk = t.ok("POST", "/v1/keys", {"name": "P desk", "role": "staff",
                                     "provider_ids": [p["id"]]}, now=NOW)
    seq = last_seq(t)
    assert t.delete(f"/v1/providers/{p['id']}", now=NOW).status_code == 204
    ev = events_after(t, seq)
    by_subject = {e["subject_id"]: e for e in ev}
    assert sorted(e["type"] for e in ev) == sorted(
        ["service.updated", "service.updated", "holiday.deleted", "holiday.updated",
         "key.updated", "provider.deleted"]), ev
    assert ev[-1]["type"] == "provider.deleted"
    assert by_subject[only_p["id"]]["changes"]["provider_ids"] == [[p["id"]], []]
    assert by_subject[both["id"]]["changes"]["provider_ids"] == [[p["id"], q["id"]], [q["id"]]]
    assert by_subject[hol_p["id"]]["type"] == "holiday.deleted"
    assert by_subject[hol_pq["id"]]["type"] == "holiday.updated"
    assert by_subject[hol_pq["id"]]["changes"]["provider_ids"] == [[p["id"], q["id"]], [q["id"]]]
    assert by_subject[desk["id"]]["type"] == "key.updated"
    assert by_subject[desk["id"]]["changes"]["provider_ids"] == [[p["id"]], []]
    # Every event's payload is the object as it now reads.
    assert by_subject[both["id"]]["payload"] == t.ok("GET", f"/v1/services/{both['id']}")
    assert by_subject[desk["id"]]["payload"] == t.ok("GET", f"/v1/keys/{desk['id']}")
    holidays = t.ok("GET", "/v1/holidays", now=NOW)["data"]
    assert [(x["id"], x["provider_ids"]) for x in holidays] == [(hol_pq["id"], [q["id"]])]
    # A staff key scoped to nothing but the deleted provider reaches nobody now; it does not
    # fall back to the whole tenant.
    r = t.get(f"/v1/providers/{q['id']}/time-off", key=desk["secret"])
    assert r.status_code in (403, 404), r.text


def test_freed_slot_is_offered_once_across_services(new_api):
    """Two services share one provider; the slot a cancellation frees goes to one waiting
    customer. The other service's waiter stays waiting, so booking both offers cannot
    double-book the provider."""
    t = new_api
    p = provider(t, "P", hours=("10:00", "11:00"), days=("mon",))
    s1 = t.service([p["id"]], name="S1", duration_minutes=60)
    s2 = t.service([p["id"]], name="S2", duration_minutes=60)
    b = book(t, s1["id"], TEN, p["id"])
    w_late = join(t, s2["id"], [{"start": "14:00", "end": "15:00"}])
    w1 = join(t, s1["id"])
    w2 = join(t, s2["id"])
    assert [w["status"] for w in (w_late, w1, w2)] == ["waiting"] * 3
    seq = last_seq(t)
    t.ok("POST", f"/v1/bookings/{b['id']}/cancel", {}, status=200, now=NOW)
    after = [t.ok("GET", f"/v1/waitlist/{w['id']}", now=NOW) for w in (w_late, w1, w2)]
    assert [w["status"] for w in after] == ["waiting", "offered", "waiting"]
    assert after[1]["offer_start"] == TEN
    offered = [e for e in events_after(t, seq) if e["type"] == "waitlist.offered"]
    assert [e["subject_id"] for e in offered] == [w1["id"]]
    # The offer books; nothing is left for S2 at ten.
    book(t, s1["id"], TEN, hold_id=after[1]["hold_id"], key_suffix="offer")
    assert TEN not in t.starts(s2["id"], p["id"], frm=MON, to=MON, now=NOW)


def test_booking_an_offer_is_waitlist_booked(new_api):
    t = new_api
    p = provider(t, "P", hours=("10:00", "11:00"), days=("mon",))
    svc = t.service([p["id"]], duration_minutes=60)
    w = join(t, svc["id"])
    assert w["status"] == "offered" and w["offer_start"] == TEN
    seq = last_seq(t)
    bk = book(t, svc["id"], w["offer_start"], hold_id=w["hold_id"])
    ev = events_after(t, seq)
    assert [(e["type"], e["subject_id"]) for e in ev] == [
        ("waitlist.booked", w["id"]), ("booking.created", bk["id"])], ev
    now = t.ok("GET", f"/v1/waitlist/{w['id']}", now=NOW)
    assert now["status"] == "booked"
    assert ev[0]["payload"] == now
    assert ev[0]["changes"]["status"] == ["offered", "booked"]
    assert ev[0]["actor"] == ev[1]["actor"] and ev[0]["actor"]["type"] == "key"


def test_provider_in_a_revoked_keys_scope_can_be_deleted(new_api):
    """A revoked key keeps its scope as history; it neither blocks the deletion nor gets a
    key.updated."""
    t = new_api
    p = provider(t, "P")
    gone = t.ok("POST", "/v1/keys", {"name": "old desk", "role": "staff",
                                     "provider_ids": [p["id"]]}, now=NOW)
    live = t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff",
                                     "provider_ids": [p["id"]]}, now=NOW)
    assert t.delete(f"/v1/keys/{gone['id']}", now=NOW).status_code == 204
    seq = last_seq(t)
    r = t.delete(f"/v1/providers/{p['id']}", now=NOW)
    assert r.status_code == 204, r.text
    ev = events_after(t, seq)
    assert [(e["type"], e["subject_id"]) for e in ev] == [
        ("key.updated", live["id"]), ("provider.deleted", p["id"])], ev
    expect_problem(t.get(f"/v1/providers/{p['id']}"), 404, "not_found")


def test_scoped_staff_keys_waitlist_entry_is_offered_only_its_providers(new_api):
    """A desk key scoped to P joins the waitlist for a service of P and Q (any provider). Q's
    free time is outside what the key may see or book, so the entry waits; it is offered P's
    time when P's time frees, and Q's freed time goes past it."""
    t = new_api
    p = provider(t, "P", hours=("10:00", "11:00"), days=("mon",))
    q = provider(t, "Q", hours=("14:00", "15:00"), days=("mon",))
    svc = t.service([p["id"], q["id"]], duration_minutes=60)
    at_p = book(t, svc["id"], TEN, p["id"])
    at_q = book(t, svc["id"], "2026-03-02T14:00:00Z", q["id"])
    desk = t.ok("POST", "/v1/keys", {"name": "P desk", "role": "staff",
                                     "provider_ids": [p["id"]]}, now=NOW)
    # Q's time frees before the desk joins; the desk sees no slot, and is offered none.
    t.ok("POST", f"/v1/bookings/{at_q['id']}/cancel", {}, status=200, now=NOW)
    assert t.ok("GET", "/v1/slots", params={"service_id": svc["id"], "from": MON, "to": MON},
                now=NOW, key=desk["secret"])["slots"] == []
    w = join(t, svc["id"], key=desk["secret"])
    assert (w["status"], w["hold_id"]) == ("waiting", None)
    # An admin's entry for the same service is offered Q's time; the desk's still waits.
    other = join(t, svc["id"])
    assert (other["status"], other["offer_provider_id"]) == ("offered", q["id"])
    assert t.ok("GET", f"/v1/waitlist/{w['id']}", now=NOW)["status"] == "waiting"
    # P's time frees: the desk's entry gets it.
    t.ok("POST", f"/v1/bookings/{at_p['id']}/cancel", {}, status=200, now=NOW)
    now = t.ok("GET", f"/v1/waitlist/{w['id']}", now=NOW, key=desk["secret"])
    assert (now["status"], now["offer_provider_id"], now["offer_start"]) == (
        "offered", p["id"], TEN)
    assert t.ok("GET", f"/v1/holds/{now['hold_id']}", now=NOW,
                key=desk["secret"])["provider_id"] == p["id"]


@pytest.mark.parametrize("scoped", [False, True])
def test_offer_made_by_a_scoped_staff_action_reaches_every_provider(new_api, scoped):
    """A staff key scoped to A cancels A's afternoon booking; the waiting customer wants ten
    o'clock, free only with B (whose hold there has expired). The offer is the system's doing,
    not the key's, so the key's scope does not limit it."""
    t = new_api
    a = provider(t, "A")
    b = provider(t, "B")
    svc = t.service([a["id"], b["id"]], duration_minutes=60)
    book(t, svc["id"], TEN, a["id"])
    afternoon = book(t, svc["id"], "2026-03-02T14:00:00Z", a["id"])
    t.ok("POST", "/v1/holds", {"service_id": svc["id"], "provider_id": b["id"], "start": TEN,
                               "ttl_seconds": 30}, now=NOW)
    w = join(t, svc["id"], [{"start": "10:00", "end": "11:00"}])
    assert w["status"] == "waiting"
    desk = t.ok("POST", "/v1/keys", {"name": "A desk", "role": "staff",
                                     "provider_ids": [a["id"]]}, now=NOW)
    seq = last_seq(t)
    key = desk["secret"] if scoped else t.key
    r = t.post(f"/v1/bookings/{afternoon['id']}/cancel", {}, now=LATER, key=key)
    assert r.status_code == 200, r.text
    now = t.ok("GET", f"/v1/waitlist/{w['id']}", now=LATER)
    assert now["status"] == "offered" and now["offer_start"] == TEN
    assert t.ok("GET", f"/v1/holds/{now['hold_id']}", now=LATER)["provider_id"] == b["id"]
    ev = events_after(t, seq)
    offered = [e for e in ev if e["type"] == "waitlist.offered"]
    assert len(offered) == 1 and offered[0]["actor"] == SYSTEM_WAITLIST
    assert ev[0]["type"] == "booking.cancelled" and ev[0]["actor"]["id"] == (
        desk["id"] if scoped else ev[0]["actor"]["id"])
