"""Health endpoints, authentication and tenant isolation."""
import pytest

from conftest import DEFAULT_NOW, NO_BODY, expect_problem, weekdays

PROTECTED = [
    ("GET", "/v1/providers"),
    ("POST", "/v1/providers"),
    ("GET", "/v1/services"),
    ("POST", "/v1/services"),
    ("GET", "/v1/holidays"),
    ("POST", "/v1/holidays"),
    ("GET", "/v1/slots?service_id=svc_00000000000000000000&from=2026-03-02&to=2026-03-02"),
    ("GET", "/v1/providers/prv_00000000000000000000"),
    ("DELETE", "/v1/providers/prv_00000000000000000000"),
    ("GET", "/v1/providers/prv_00000000000000000000/schedule"),
]


def test_healthz_needs_no_auth(api):
    r = api.get("/healthz", key=None)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"status": "ok"}


def test_readyz_needs_no_auth(api):
    r = api.get("/readyz", key=None)
    assert r.status_code == 200
    assert r.json() == {"status": "ready"}


def test_health_ignores_a_bad_key(api):
    assert api.get("/healthz", key="sk_nonsense").status_code == 200


@pytest.mark.parametrize("method,path", PROTECTED)
def test_missing_key_is_401_with_www_authenticate(api, method, path):
    r = api.request(method, path, {"name": "x"} if method == "POST" else NO_BODY, key=None)
    body = expect_problem(r, 401, "unauthorized")
    assert body["type"] == "urn:slotd:problem:unauthorized"
    assert body["title"] == "Unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer sk_this_key_does_not_exist",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "sk_without_scheme",
    "Bearer " + "x" * 300,
])
def test_bad_authorization_is_401(api, header):
    r = api.get("/v1/providers", key=None, headers={"Authorization": header})
    expect_problem(r, 401, "unauthorized")
    assert "WWW-Authenticate" in r.headers


def test_bearer_scheme_is_case_insensitive(api):
    r = api.get("/v1/providers", key=None, headers={"Authorization": "bearer " + api.key})
    assert r.status_code == 200, r.text


def test_valid_key_lists(api):
    r = api.get("/v1/providers")
    assert r.status_code == 200
    assert set(r.json()) == {"data", "next_cursor"}


def test_unauthenticated_write_changes_nothing(api):
    before = api.list_all("/v1/providers")
    r = api.post("/v1/providers", {"name": "Intruder", "timezone": "UTC"}, key="sk_wrong")
    expect_problem(r, 401)
    assert api.list_all("/v1/providers") == before


def test_key_of_one_server_db_is_not_valid_on_another(api, fresh_server):
    r = fresh_server.tenant().get("/v1/providers", key=api.key)
    expect_problem(r, 401)


# --- tenant isolation -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def a_world(api):
    """Tenant A's objects: a provider with schedule, override and time off; a service; a
    holiday."""
    p = api.provider("A's provider")
    api.schedule(p["id"], weekdays([("09:00", "12:00")]))
    s = api.service([p["id"]], name="A's service")
    o = api.ok("POST", f"/v1/providers/{p['id']}/overrides", {"date": "2026-03-03"})
    t = api.ok("POST", f"/v1/providers/{p['id']}/time-off",
               {"start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00"})
    h = api.ok("POST", "/v1/holidays", {"name": "A day", "date": "2026-03-04",
                                        "provider_ids": [p["id"]]})
    return {"provider": p, "service": s, "override": o, "time_off": t, "holiday": h}


def test_b_cannot_read_or_change_a_provider(api, api_b, a_world):
    pid = a_world["provider"]["id"]
    expect_problem(api_b.get(f"/v1/providers/{pid}"), 404, "not_found")
    expect_problem(api_b.patch(f"/v1/providers/{pid}", {"name": "Hijacked"}), 404)
    expect_problem(api_b.delete(f"/v1/providers/{pid}"), 404)
    expect_problem(api_b.get(f"/v1/providers/{pid}/schedule"), 404)
    expect_problem(api_b.put(f"/v1/providers/{pid}/schedule",
                             {"weekly": weekdays([("00:00", "24:00")])}), 404)
    assert api.ok("GET", f"/v1/providers/{pid}") == a_world["provider"]
    sched = api.ok("GET", f"/v1/providers/{pid}/schedule", now=DEFAULT_NOW)
    assert sched["weekly"] == weekdays([("09:00", "12:00")])


def test_b_cannot_read_or_change_a_service(api, api_b, a_world):
    sid = a_world["service"]["id"]
    expect_problem(api_b.get(f"/v1/services/{sid}"), 404, "not_found")
    expect_problem(api_b.patch(f"/v1/services/{sid}", {"name": "Hijacked"}), 404)
    expect_problem(api_b.delete(f"/v1/services/{sid}"), 404)
    assert api.ok("GET", f"/v1/services/{sid}") == a_world["service"]


def test_b_cannot_see_or_delete_a_override(api, api_b, a_world):
    pid, oid = a_world["provider"]["id"], a_world["override"]["id"]
    expect_problem(api_b.get(f"/v1/providers/{pid}/overrides"), 404)
    expect_problem(api_b.post(f"/v1/providers/{pid}/overrides", {"date": "2026-03-05"}), 404)
    expect_problem(api_b.delete(f"/v1/providers/{pid}/overrides/{oid}"), 404)
    # Not even through a provider of B's own.
    own = api_b.provider("B's provider")
    expect_problem(api_b.delete(f"/v1/providers/{own['id']}/overrides/{oid}"), 404)
    assert [o["id"] for o in api.list_all(f"/v1/providers/{pid}/overrides")] == [oid]


def test_b_cannot_see_or_delete_a_time_off(api, api_b, a_world):
    pid, tid = a_world["provider"]["id"], a_world["time_off"]["id"]
    expect_problem(api_b.get(f"/v1/providers/{pid}/time-off"), 404)
    expect_problem(api_b.post(f"/v1/providers/{pid}/time-off",
                              {"start": "2026-03-05T10:00:00Z", "end": "2026-03-05T11:00:00Z"}),
                   404)
    expect_problem(api_b.delete(f"/v1/providers/{pid}/time-off/{tid}"), 404)
    own = api_b.provider("B's provider 2")
    expect_problem(api_b.delete(f"/v1/providers/{own['id']}/time-off/{tid}"), 404)
    assert [t["id"] for t in api.list_all(f"/v1/providers/{pid}/time-off")] == [tid]


def test_b_cannot_see_or_delete_a_holiday(api, api_b, a_world):
    hid = a_world["holiday"]["id"]
    expect_problem(api_b.delete(f"/v1/holidays/{hid}"), 404)
    assert hid not in [h["id"] for h in api_b.list_all("/v1/holidays")]
    assert hid in [h["id"] for h in api.list_all("/v1/holidays")]


def test_b_lists_do_not_include_a_rows(api_b, a_world):
    b_providers = [p["id"] for p in api_b.list_all("/v1/providers")]
    b_services = [s["id"] for s in api_b.list_all("/v1/services")]
    assert a_world["provider"]["id"] not in b_providers
    assert a_world["service"]["id"] not in b_services
    assert all(h["name"] != "A day" for h in api_b.list_all("/v1/holidays"))


def test_b_cannot_query_slots_of_a_service(api, api_b, a_world):
    sid, pid = a_world["service"]["id"], a_world["provider"]["id"]
    # A sees the Monday slots (10:00 is time off).
    assert api.starts(sid, pid, "2026-03-02") == ["2026-03-02T09:00:00-05:00",
                                                   "2026-03-02T11:00:00-05:00"]
    expect_problem(api_b.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "from": "2026-03-02", "to": "2026-03-02"}), 404)
    expect_problem(api_b.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": sid, "from": "2026-03-02", "to": "2026-03-02"}), 404)
    expect_problem(api_b.get("/v1/slots/explain", now=DEFAULT_NOW, params={
        "service_id": sid, "provider_id": pid, "start": "2026-03-02T09:00:00-05:00"}), 404)


def test_b_cannot_use_a_provider_in_its_own_service(api_b, a_world):
    pid = a_world["provider"]["id"]
    own = api_b.provider("B's own")
    before = api_b.list_all("/v1/services")
    body = expect_problem(api_b.post("/v1/services", {
        "name": "Steal", "duration_minutes": 30, "provider_ids": [own["id"], pid]}), 422,
        "validation_failed", "/provider_ids/1")
    assert [e["pointer"] for e in body["errors"]] == ["/provider_ids/1"]
    assert api_b.list_all("/v1/services") == before
    svc = api_b.service([own["id"]])
    expect_problem(api_b.patch(f"/v1/services/{svc['id']}", {"provider_ids": [pid]}), 422,
                   pointer="/provider_ids/0")
    assert api_b.ok("GET", f"/v1/services/{svc['id']}")["provider_ids"] == [own["id"]]


def test_b_cannot_put_a_holiday_on_a_provider(api_b, a_world):
    pid = a_world["provider"]["id"]
    before = api_b.list_all("/v1/holidays")
    expect_problem(api_b.post("/v1/holidays", {"name": "x", "date": "2026-03-05",
                                               "provider_ids": [pid]}), 422,
                   pointer="/provider_ids/0")
    assert api_b.list_all("/v1/holidays") == before


def test_b_slot_query_naming_a_provider_of_a_is_404(api_b, a_world):
    own = api_b.provider("B's p")
    svc = api_b.service([own["id"]])
    r = api_b.get("/v1/slots", now=DEFAULT_NOW, params={
        "service_id": svc["id"], "provider_id": a_world["provider"]["id"],
        "from": "2026-03-02", "to": "2026-03-02"})
    expect_problem(r, 404)


def test_a_tenant_wide_holiday_does_not_close_b(api, api_b, server):
    # Fresh tenants so that tenant-wide holidays touch nothing else.
    a, b = server.tenant(), server.tenant()
    pa, pb = a.provider(), b.provider()
    a.schedule(pa["id"], weekdays([("09:00", "12:00")]))
    b.schedule(pb["id"], weekdays([("09:00", "12:00")]))
    sa, sb = a.service([pa["id"]]), b.service([pb["id"]])
    a.ok("POST", "/v1/holidays", {"name": "A closed", "date": "2026-03-02"})
    assert a.starts(sa["id"], pa["id"], "2026-03-02") == []
    assert b.starts(sb["id"], pb["id"], "2026-03-02") == [
        "2026-03-02T09:00:00-05:00", "2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00"]
