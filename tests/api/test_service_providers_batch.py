"""A service offered by many providers: POST /v1/services/{id}/providers adds up to 1,000 a
call (all or none), DELETE /v1/services/{id}/provider_ids/{provider_id} removes one; the
service shows the first 200 ids and provider_count past 200; GET …/providers pages; GET
/v1/slots groups by start (group=start, include=provider_ids) or pages the providers
(provider_limit, provider_cursor).

Every test works in a tenant of its own (new_api). Dates: Mon 2 Mar 2026 and after; "now" is
conftest's DEFAULT_NOW (1 Jan 2026) unless a test says otherwise.
"""
from collections import Counter, defaultdict

import pytest

import booking_helpers
from conftest import DEFAULT_NOW, expect_problem, weekdays

MON = "2026-03-02"
TUE = "2026-03-03"


def providers(t, n, tz="UTC", prefix="P"):
    return [t.provider(f"{prefix}{i}", timezone=tz)["id"] for i in range(n)]


def add(t, sid, ids, **kw):
    return t.post(f"/v1/services/{sid}/providers", {"provider_ids": list(ids)}, **kw)


def added(t, sid, ids):
    r = add(t, sid, ids)
    assert r.status_code == 200, r.text
    return r.json()


def remove(t, sid, pid):
    return t.delete(f"/v1/services/{sid}/provider_ids/{pid}")


def all_offering(t, sid, limit=None):
    """Every provider id of the service, following the list's next_cursor."""
    ids, cursor = [], None
    for _ in range(2000):
        params = {}
        if limit:
            params["limit"] = limit
        if cursor:
            params["cursor"] = cursor
        page = t.ok("GET", f"/v1/services/{sid}/providers", params=params)
        ids += [x["provider_id"] for x in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the list does not end")


def events_of(t, sid, kind):
    out, after = [], 0
    while True:
        page = t.ok("GET", "/v1/events", params={"after": after, "limit": 200})["data"]
        if not page:
            return out
        out += [e for e in page if e["type"] == kind and e["subject_id"] == sid]
        after = page[-1]["seq"]


@pytest.fixture(scope="module")
def big(server):
    """One tenant: 1,250 providers, a service none offers yet (each test adds what it needs
    to a service of its own)."""
    t = server.tenant()
    t.many = providers(t, 1250)
    return t


def test_batches_add_past_200_and_1000(big):
    t = big
    sid = t.service([], name="Big")["id"]
    first = added(t, sid, t.many[:1000])
    assert first["added"] == t.many[:1000]
    assert first["provider_count"] == 1000
    # Overlapping batch: the already offering are left alone, the new are added once.
    second = added(t, sid, t.many[900:1100])
    assert second["added"] == t.many[1000:1100]
    assert second["provider_count"] == 1100
    third = added(t, sid, t.many[1100:])
    assert third["provider_count"] == 1250
    assert sorted(all_offering(t, sid)) == sorted(t.many)
    # Again: nothing new, nothing written.
    before = len(events_of(t, sid, "service.providers_added"))
    again = added(t, sid, t.many[:10])
    assert again["added"] == [] and again["provider_count"] == 1250
    evs = events_of(t, sid, "service.providers_added")
    assert len(evs) == before == 3
    assert [len(e["payload"]["provider_ids"]) for e in evs] == [1000, 100, 150]
    assert evs[1]["payload"]["provider_ids"] == t.many[1000:1100]

    s = t.ok("GET", f"/v1/services/{sid}")
    assert s["provider_count"] == 1250
    assert s["provider_ids"] == sorted(t.many)[:200]
    listed = [x for x in t.list_all("/v1/services") if x["id"] == sid]
    assert listed == [s]


def test_service_resource_small_and_at_the_bound(big):
    t = big
    sid = t.service(t.many[:3])["id"]
    s = t.ok("GET", f"/v1/services/{sid}")
    assert "provider_count" not in s and sorted(s["provider_ids"]) == sorted(t.many[:3])
    added(t, sid, t.many[3:200])
    s = t.ok("GET", f"/v1/services/{sid}")
    assert "provider_count" not in s and len(s["provider_ids"]) == 200
    added(t, sid, t.many[200:201])
    s = t.ok("GET", f"/v1/services/{sid}")
    assert s["provider_count"] == 201 and len(s["provider_ids"]) == 200


def test_big_service_shows_own_terms_of_the_listed_providers_only(big):
    """provider_overrides of a service past 200 providers holds the terms of the providers
    provider_ids lists, not of every provider (the resource and its events stay bounded)."""
    t = big
    sid = t.service([], name="Terms", price="20.00", currency="EUR")["id"]
    added(t, sid, t.many[:250])
    ids = sorted(t.many[:250])
    for pid in (ids[3], ids[230]):
        t.ok("PUT", f"/v1/services/{sid}/providers/{pid}", {"duration_minutes": 45})
    s = t.ok("GET", f"/v1/services/{sid}")
    assert s["provider_ids"] == ids[:200] and s["provider_count"] == 250
    assert [o["provider_id"] for o in s["provider_overrides"]] == [ids[3]]
    after = t.ok("PATCH", f"/v1/services/{sid}", {"name": "Terms 2"})
    assert [o["provider_id"] for o in after["provider_overrides"]] == [ids[3]]
    ev = events_of(t, sid, "service.updated")[-1]["payload"]
    assert [o["provider_id"] for o in ev["provider_overrides"]] == [ids[3]]
    # The other's terms are in the providers list.
    own = {x["provider_id"]: x for x in all_offering_items(t, sid)}
    assert own[ids[230]]["duration_minutes"] == 45
    # A small service lists every provider's terms as before.
    small = t.service(t.many[:3], name="Terms small", price="20.00", currency="EUR")["id"]
    t.ok("PUT", f"/v1/services/{small}/providers/{t.many[2]}", {"duration_minutes": 45})
    s = t.ok("GET", f"/v1/services/{small}")
    assert [o["provider_id"] for o in s["provider_overrides"]] == [t.many[2]]


def all_offering_items(t, sid):
    items, cursor = [], None
    while True:
        page = t.ok("GET", f"/v1/services/{sid}/providers",
                    params={"cursor": cursor} if cursor else None)
        items += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_patch_of_a_big_service_keeps_its_providers(big):
    t = big
    sid = t.service([], name="Keep")["id"]
    added(t, sid, t.many[:600])
    s = t.ok("PATCH", f"/v1/services/{sid}", {"name": "Renamed"})
    assert s["name"] == "Renamed" and s["provider_count"] == 600
    assert len(all_offering(t, sid)) == 600
    # A list in the body still replaces the whole set (at most 200 in a body).
    s = t.ok("PATCH", f"/v1/services/{sid}", {"provider_ids": t.many[:2]})
    assert "provider_count" not in s and sorted(s["provider_ids"]) == sorted(t.many[:2])
    expect_problem(t.patch(f"/v1/services/{sid}", {"provider_ids": t.many[:201]}), 422,
                   "validation_failed", "/provider_ids")


def test_unknown_or_deleted_provider_adds_nothing(big, new_api):
    t = big
    sid = t.service([], name="Strict")["id"]
    gone = t.provider("Gone")["id"]
    t.ok("DELETE", f"/v1/providers/{gone}")
    other_tenant = new_api.provider("Elsewhere")["id"]
    ids = t.many[:5] + [gone] + t.many[5:10] + [other_tenant]
    p = expect_problem(add(t, sid, ids), 422, "validation_failed")
    pointers = sorted(x["pointer"] for x in p["errors"])
    assert pointers == ["/provider_ids/11", "/provider_ids/5"]
    assert all_offering(t, sid) == []
    assert events_of(t, sid, "service.providers_added") == []


@pytest.mark.parametrize("body, pointer", [
    ({}, "/provider_ids"),
    ({"provider_ids": []}, "/provider_ids"),
    ({"provider_ids": "prv_00000000000000000000"}, "/provider_ids"),
    ({"provider_ids": ["svc_00000000000000000000"]}, "/provider_ids/0"),
    ({"provider_ids": ["prv_00000000000000000000", "prv_00000000000000000000"]},
     "/provider_ids/1"),
    ({"provider_ids": ["prv_00000000000000000000"], "extra": 1}, "/extra"),
])
def test_bad_bodies_are_422(big, body, pointer):
    t = big
    sid = t.service(t.many[:1], name="Bodies")["id"]
    expect_problem(t.post(f"/v1/services/{sid}/providers", body), 422, "validation_failed",
                   pointer)
    assert all_offering(t, sid) == t.many[:1]


def test_over_1000_in_one_call_is_422(big):
    t = big
    sid = t.service([], name="Too many")["id"]
    expect_problem(add(t, sid, t.many[:1001]), 422, "validation_failed", "/provider_ids")
    assert all_offering(t, sid) == []


def test_unknown_service_and_roles(big, server):
    t = big
    expect_problem(add(t, "svc_00000000000000000000", t.many[:1]), 404, "not_found")
    expect_problem(remove(t, "svc_00000000000000000000", t.many[0]), 404, "not_found")
    sid = t.service([], name="Roles")["id"]
    staff = booking_helpers.make_key(server, t, "staff")
    r = staff.post(f"/v1/services/{sid}/providers", {"provider_ids": t.many[:1]})
    expect_problem(r, 403)
    added(t, sid, t.many[:1])
    r = staff.delete(f"/v1/services/{sid}/provider_ids/{t.many[0]}")
    expect_problem(r, 403)
    assert all_offering(t, sid) == t.many[:1]


def test_remove_one_by_one(big):
    t = big
    sid = t.service([], name="Shrink")["id"]
    added(t, sid, t.many[:250])
    for pid in t.many[:60]:
        r = remove(t, sid, pid)
        assert r.status_code == 204, r.text
    left = all_offering(t, sid)
    assert sorted(left) == sorted(t.many[60:250])
    s = t.ok("GET", f"/v1/services/{sid}")
    assert "provider_count" not in s and len(s["provider_ids"]) == 190
    expect_problem(remove(t, sid, t.many[0]), 404, "not_found")
    expect_problem(remove(t, sid, "prv_00000000000000000000"), 404, "not_found")
    evs = events_of(t, sid, "service.provider_removed")
    assert [e["payload"]["provider_id"] for e in evs] == t.many[:60]
    assert evs[-1]["payload"]["provider_count"] == 190


def test_public_page_lists_the_first_200_and_counts_the_rest(big):
    """The public page of a service with more than 200 providers names the first 200 by id
    (one read each, not thousands) and provider_count; own terms only of those it lists."""
    t = big
    sid = t.service([], name="Public big", duration_minutes=30, price="20.00",
                    currency="EUR")["id"]
    added(t, sid, t.many[:250])
    t.ok("PATCH", f"/v1/services/{sid}", {"public": True})
    ids = sorted(t.many[:250])
    listed_own, unlisted_own = ids[10], ids[240]
    for pid in (listed_own, unlisted_own):
        t.ok("PUT", f"/v1/services/{sid}/providers/{pid}", {"price": "9.00"})
    page = t.request("GET", f"/v1/public/{t.slug}", key=None)
    assert page.status_code == 200, page.text
    svc = [s for s in page.json()["services"] if s["id"] == sid][0]
    assert [p["id"] for p in svc["providers"]] == ids[:200]
    assert svc["provider_count"] == 250
    assert [o["provider_id"] for o in svc["provider_overrides"]] == [listed_own]
    # A small public service reads as before: every provider, no count.
    small = t.service(t.many[:3], name="Public small")["id"]
    t.ok("PATCH", f"/v1/services/{small}", {"public": True})
    page = t.request("GET", f"/v1/public/{t.slug}", key=None).json()
    svc = [s for s in page["services"] if s["id"] == small][0]
    assert sorted(p["id"] for p in svc["providers"]) == sorted(t.many[:3])
    assert "provider_count" not in svc


def test_provider_list_pages_cover_each_once(big):
    t = big
    sid = t.service([], name="Pages")["id"]
    added(t, sid, t.many[:1000])
    added(t, sid, t.many[1000:1250])
    full = t.ok("GET", f"/v1/services/{sid}/providers")
    assert len(full["data"]) == 1000 and full["next_cursor"] == full["data"][-1]["provider_id"]
    for limit in (1, 7, 1000):
        ids = all_offering(t, sid, limit=limit) if limit != 1 else None
        if ids is not None:
            assert ids == sorted(t.many)
    few = t.ok("GET", f"/v1/services/{sid}/providers", params={"limit": 3})
    assert [x["provider_id"] for x in few["data"]] == sorted(t.many)[:3]
    for bad in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"cursor": "svc_00000000000000000000"}):
        expect_problem(t.get(f"/v1/services/{sid}/providers", params=bad), 422)


# --- slots of many providers --------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]


@pytest.fixture(scope="module")
def market(server):
    """Twelve providers in four zones, each with its own hours (some with a booking or time
    off on Monday), one 60-minute service offered by all of them."""
    t = server.tenant()
    t.pids, t.zone_of = [], {}
    for i in range(12):
        tz = ZONES[i % 4]
        pid = t.provider(f"M{i}", timezone=tz)["id"]
        start = 7 + i % 5
        t.schedule(pid, weekdays([(f"{start:02d}:00", f"{start + 4 + i % 3:02d}:00")]))
        t.pids.append(pid)
        t.zone_of[pid] = tz
    t.sid = t.service([], name="Any", duration_minutes=60, slot_step_minutes=30)["id"]
    added(t, t.sid, t.pids)
    # Busy time: a booking for three of them, time off for one.
    for pid in t.pids[:3]:
        free = t.slots(t.sid, pid, MON, timezone="UTC")
        booking_helpers.booked(t, t.sid, free[1]["start"], pid)
    t.ok("POST", f"/v1/providers/{t.pids[5]}/time-off",
         {"start": f"{MON}T00:00:00Z", "end": f"{TUE}T00:00:00Z", "reason": "away"})
    return t


def per_provider(t, frm, to, zone, pids=None):
    """{(start, end): [provider ids]} from one query per provider."""
    out = defaultdict(list)
    for pid in pids or t.pids:
        for s in t.slots(t.sid, pid, frm, to, timezone=zone):
            out[(s["start"], s["end"])].append(pid)
    return out


def slots_q(t, **params):
    p = {"service_id": t.sid, "from": MON, "to": MON, **params}
    return t.get("/v1/slots", params=p, now=DEFAULT_NOW)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_group_by_start_counts_match_each_providers_slots(market, zone):
    t = market
    want = per_provider(t, MON, TUE, zone)
    assert len(want) > 5 and max(len(v) for v in want.values()) > 1
    r = slots_q(t, to=TUE, timezone=zone, group="start")
    assert r.status_code == 200, r.text
    got = r.json()["slots"]
    starts = [g["start"] for g in got]
    assert starts == sorted(starts, key=lambda s: (s,)) or len(set(starts)) == len(starts)
    assert len(set(starts)) == len(starts)  # each start once
    assert {(g["start"], g["end"]): g["providers_free"] for g in got} == \
        {k: len(v) for k, v in want.items()}
    assert all("provider_ids" not in g for g in got)
    # The per-provider answer of all of them, regrouped, says the same.
    flat = slots_q(t, to=TUE, timezone=zone).json()["slots"]
    regrouped = Counter((s["start"], s["end"]) for s in flat)
    assert dict(regrouped) == {k: len(v) for k, v in want.items()}


def test_group_by_start_with_ids(market):
    t = market
    want = per_provider(t, MON, MON, "UTC")
    got = slots_q(t, timezone="UTC", group="start", include="provider_ids").json()["slots"]
    assert {(g["start"], g["end"]): sorted(g["provider_ids"]) for g in got} == \
        {k: sorted(v) for k, v in want.items()}
    assert all(g["providers_free"] == len(g["provider_ids"]) for g in got)
    # The booked and the one on time off are not free where they are taken.
    away = t.pids[5]
    assert all(away not in g["provider_ids"] for g in got)


def test_removed_provider_leaves_the_slots(market, server):
    t = server.tenant()
    a = t.provider("A", timezone="UTC")["id"]
    b = t.provider("B", timezone="UTC")["id"]
    for p in (a, b):
        t.schedule(p, weekdays([("09:00", "12:00")]))
    sid = t.service([], name="Pair")["id"]
    added(t, sid, [a, b])
    g = t.ok("GET", "/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "from": MON, "to": MON, "group": "start", "include": "provider_ids"})
    assert [x["providers_free"] for x in g["slots"]] == [2, 2, 2]
    assert remove(t, sid, a).status_code == 204
    g = t.ok("GET", "/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "from": MON, "to": MON, "group": "start", "include": "provider_ids"})
    assert [x["provider_ids"] for x in g["slots"]] == [[b]] * 3
    r = t.get("/v1/slots", now=DEFAULT_NOW,
              params={"service_id": sid, "provider_id": a, "from": MON, "to": MON})
    expect_problem(r, 422, pointer="provider_id")


def test_removal_ends_the_pairs_holds_and_waitlist(server):
    t = server.tenant()
    a = t.provider("A", timezone="UTC")["id"]
    b = t.provider("B", timezone="UTC")["id"]
    for p in (a, b):
        t.schedule(p, weekdays([("09:00", "12:00")]))
    sid = t.service([], name="Pair")["id"]
    other = t.service([a], name="Other")["id"]
    added(t, sid, [a, b])
    now = "2026-03-01T12:00:00Z"
    h = t.post("/v1/holds", {"service_id": sid, "provider_id": a, "start": f"{MON}T09:00:00Z"},
               now=now)
    assert h.status_code == 201, h.text
    kept = t.post("/v1/holds", {"service_id": sid, "provider_id": b,
                                "start": f"{MON}T09:00:00Z"}, now=now)
    assert kept.status_code == 201, kept.text
    other_hold = t.post("/v1/holds", {"service_id": other, "provider_id": a,
                                      "start": f"{MON}T10:00:00Z"}, now=now)
    assert other_hold.status_code == 201, other_hold.text
    customer = {"name": "W", "email": "w@example.com"}
    w = t.post("/v1/waitlist", {"service_id": sid, "provider_id": a, "customer": customer,
                                "earliest_date": TUE, "latest_date": TUE}, now=now)
    assert w.status_code == 201, w.text
    wb = t.post("/v1/waitlist", {"service_id": sid, "provider_id": b, "customer": customer,
                                 "earliest_date": TUE, "latest_date": TUE}, now=now)
    assert wb.status_code == 201, wb.text
    r = t.delete(f"/v1/services/{sid}/provider_ids/{a}", now=now)
    assert r.status_code == 204, r.text
    expect_problem(t.get(f"/v1/holds/{h.json()['id']}", now=now), 404)
    assert t.get(f"/v1/holds/{kept.json()['id']}", now=now).status_code == 200
    assert t.get(f"/v1/holds/{other_hold.json()['id']}", now=now).status_code == 200
    ws = t.get(f"/v1/waitlist/{w.json()['id']}", now=now)
    assert ws.status_code == 404 or ws.json()["status"] not in ("waiting", "offered")
    assert t.ok("GET", f"/v1/waitlist/{wb.json()['id']}", now=now)["status"] in ("waiting", "offered")


def test_pages_of_providers_cover_each_once(market):
    t = market
    every = slots_q(t, timezone="UTC").json()["slots"]
    for limit in (1, 5, 12, 1000):
        seen, got, cursor, pages = [], [], None, 0
        while True:
            params = {"timezone": "UTC", "provider_limit": limit}
            if cursor:
                params["provider_cursor"] = cursor
            r = slots_q(t, **params)
            assert r.status_code == 200, r.text
            body = r.json()
            page_pids = {s["provider_id"] for s in body["slots"]}
            assert len(page_pids) <= limit
            assert not page_pids & set(seen)
            seen += sorted(page_pids)
            got += body["slots"]
            pages += 1
            cursor = body["next_provider_cursor"]
            if cursor is None:
                break
            assert cursor >= max(page_pids, default="")
        assert pages == -(-len(t.pids) // limit)
        key = lambda s: (s["start"], s["provider_id"])  # noqa: E731
        assert sorted(got, key=key) == sorted(every, key=key)


def test_page_zone_rule_and_bounds(market):
    t = market
    # Providers in different zones: a zone is needed (grouped or not).
    expect_problem(slots_q(t, group="start"), 422, pointer="timezone")
    expect_problem(slots_q(t), 422, pointer="timezone")
    for bad, pointer in [
        ({"group": "provider"}, "group"),
        ({"group": "start", "provider_id": t.pids[0]}, "group"),
        ({"include": "provider_ids"}, "include"),
        ({"group": "start", "include": "names"}, "include"),
        ({"provider_limit": 0}, "provider_limit"),
        ({"provider_limit": 1001}, "provider_limit"),
        ({"provider_limit": "x"}, "provider_limit"),
        ({"provider_limit": 5, "group": "start"}, "provider_limit"),
        ({"provider_limit": 5, "provider_id": t.pids[0]}, "provider_limit"),
        ({"provider_cursor": t.pids[0]}, "provider_cursor"),
        ({"provider_limit": 5, "provider_cursor": "svc_00000000000000000000"}, "provider_cursor"),
    ]:
        expect_problem(slots_q(t, timezone="UTC", **bad), 422, pointer=pointer)


def test_providers_with_their_own_duration_group_by_end(server):
    t = server.tenant()
    a = t.provider("A", timezone="UTC")["id"]
    b = t.provider("B", timezone="UTC")["id"]
    c = t.provider("C", timezone="UTC")["id"]
    for p in (a, b, c):
        t.schedule(p, weekdays([("09:00", "12:00")]))
    sid = t.service([a, b, c], name="Mixed", duration_minutes=60)["id"]
    t.ok("PUT", f"/v1/services/{sid}/providers/{c}", {"duration_minutes": 90})
    g = t.ok("GET", "/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "from": MON, "to": MON, "group": "start", "include": "provider_ids"})
    flat = t.ok("GET", "/v1/slots", now=DEFAULT_NOW,
                params={"service_id": sid, "from": MON, "to": MON})["slots"]
    want = defaultdict(list)
    for s in flat:
        want[(s["start"], s["end"])].append(s["provider_id"])
    assert {(x["start"], x["end"]): sorted(x["provider_ids"]) for x in g["slots"]} == \
        {k: sorted(v) for k, v in want.items()}
    nine = [x for x in g["slots"] if x["start"] == f"{MON}T09:00:00Z"]
    assert [(x["end"], x["providers_free"]) for x in nine] == \
        [(f"{MON}T10:00:00Z", 2), (f"{MON}T10:30:00Z", 1)]
