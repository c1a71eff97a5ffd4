"""/v1/services: create, read, list, patch, delete, validation."""
import re

import pytest

from conftest import expect_problem

SERVICE_KEYS = {"id", "name", "duration_minutes", "price", "currency", "buffer_before_minutes",
                "reminder_offsets_minutes",
                "buffer_after_minutes", "slot_step_minutes", "min_notice_minutes",
                "max_advance_days", "capacity", "provider_ids", "created_at", "updated_at",
                "requires_approval", "policy", "public", "location", "provider_overrides"}
NO_POLICY = {"cancellation_deadline_hours": None, "reschedule_deadline_hours": None,
             "max_reschedules": None, "late_cancellation_fees": None,
             "no_show_fee_percent": None, "waitlist_offer_minutes": None}


@pytest.fixture(scope="module")
def provs(api):
    return [api.provider(f"Svc provider {i}")["id"] for i in range(3)]


def test_create_minimal_renders_defaults(api):
    r = api.post("/v1/services", {"name": "Consult", "duration_minutes": 45})
    assert r.status_code == 201, r.text
    s = r.json()
    assert set(s) == SERVICE_KEYS
    assert re.fullmatch(r"svc_[0-9a-z]{20}", s["id"])
    assert {k: v for k, v in s.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Consult", "duration_minutes": 45, "price": None, "currency": None,
        "buffer_before_minutes": 0, "buffer_after_minutes": 0, "slot_step_minutes": 45,
        "min_notice_minutes": 0, "max_advance_days": None, "capacity": 1, "provider_ids": [],
        "requires_approval": False, "policy": NO_POLICY, "reminder_offsets_minutes": None,
        "public": False, "location": None, "provider_overrides": []}
    assert api.ok("GET", f"/v1/services/{s['id']}") == s


def test_create_full_and_read_back(api, provs):
    body = {"name": "Group yoga", "duration_minutes": 90, "price": "45.00", "currency": "EUR",
            "buffer_before_minutes": 10, "buffer_after_minutes": 15, "slot_step_minutes": 30,
            "min_notice_minutes": 120, "max_advance_days": 60, "capacity": 12,
            "provider_ids": sorted(provs[:2])}
    s = api.ok("POST", "/v1/services", body)
    for k, v in body.items():
        assert s[k] == v, k
    assert api.ok("GET", f"/v1/services/{s['id']}") == s
    assert s in api.list_all("/v1/services")


@pytest.mark.parametrize("price", ["0", "45", "45.5", "45.00", "123456789.1234", "0.99"])
def test_price_strings_accepted(api, price):
    s = api.ok("POST", "/v1/services", {"name": "p", "duration_minutes": 30, "price": price,
                                        "currency": "USD"})
    assert s["price"] == price and s["currency"] == "USD"


@pytest.mark.parametrize("duration", [1, 1440])
def test_duration_bounds_accepted(api, duration):
    s = api.ok("POST", "/v1/services", {"name": "d", "duration_minutes": duration})
    assert s["duration_minutes"] == duration and s["slot_step_minutes"] == duration


@pytest.mark.parametrize("body,pointer", [
    ({"name": "x"}, "/duration_minutes"),
    ({"duration_minutes": 30}, "/name"),
    ({"name": "", "duration_minutes": 30}, "/name"),
    ({"name": "x" * 201, "duration_minutes": 30}, "/name"),
    ({"name": "x", "duration_minutes": 0}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": 1441}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": -30}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": "60"}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": 30.5}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": None}, "/duration_minutes"),
    ({"name": "x", "duration_minutes": 30, "price": 45.0, "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": 45, "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "45.", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "-5.00", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "4,50", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "1.23456", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "abc", "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "45.00"}, "/currency"),
    ({"name": "x", "duration_minutes": 30, "currency": "EUR"}, "/price"),
    ({"name": "x", "duration_minutes": 30, "price": "1", "currency": "eur"}, "/currency"),
    ({"name": "x", "duration_minutes": 30, "price": "1", "currency": "EURO"}, "/currency"),
    ({"name": "x", "duration_minutes": 30, "price": "1", "currency": 978}, "/currency"),
    ({"name": "x", "duration_minutes": 30, "buffer_before_minutes": -1},
     "/buffer_before_minutes"),
    ({"name": "x", "duration_minutes": 30, "buffer_after_minutes": 1441},
     "/buffer_after_minutes"),
    ({"name": "x", "duration_minutes": 30, "slot_step_minutes": 0}, "/slot_step_minutes"),
    ({"name": "x", "duration_minutes": 30, "min_notice_minutes": -5}, "/min_notice_minutes"),
    ({"name": "x", "duration_minutes": 30, "max_advance_days": 0}, "/max_advance_days"),
    ({"name": "x", "duration_minutes": 30, "capacity": 0}, "/capacity"),
    ({"name": "x", "duration_minutes": 30, "capacity": "2"}, "/capacity"),
    ({"name": "x", "duration_minutes": 30, "provider_ids": "prv_00000000000000000000"},
     "/provider_ids"),
    ({"name": "x", "duration_minutes": 30, "provider_ids": ["nonsense"]}, "/provider_ids/0"),
    ({"name": "x", "duration_minutes": 30, "provider_ids": [7]}, "/provider_ids/0"),
    ({"name": "x", "duration_minutes": 30, "provider_ids": ["svc_00000000000000000000"]},
     "/provider_ids/0"),
    ({"name": "x", "duration_minutes": 30, "description": "?"}, "/description"),
])
def test_invalid_create_is_422_and_creates_nothing(api, body, pointer):
    before = api.list_all("/v1/services")
    expect_problem(api.post("/v1/services", body), 422, "validation_failed", pointer)
    assert api.list_all("/v1/services") == before


def test_provider_ids_read_back_the_same_in_every_response(api, provs):
    """POST, PATCH, GET and the list agree on provider_ids: the id set, sorted."""
    order = sorted(provs, reverse=True)
    s = api.service(order)
    assert s["provider_ids"] == sorted(order)
    assert api.ok("GET", f"/v1/services/{s['id']}")["provider_ids"] == sorted(order)
    listed = {x["id"]: x for x in api.list_all("/v1/services")}
    assert listed[s["id"]]["provider_ids"] == sorted(order)
    p = api.ok("PATCH", f"/v1/services/{s['id']}", {"provider_ids": order[:2]})
    assert p["provider_ids"] == sorted(order[:2])
    assert api.ok("GET", f"/v1/services/{s['id']}")["provider_ids"] == sorted(order[:2])


def test_unknown_provider_id_points_at_its_index(api, provs):
    before = api.list_all("/v1/services")
    b = expect_problem(api.post("/v1/services", {
        "name": "x", "duration_minutes": 30,
        "provider_ids": [provs[0], "prv_00000000000000000000", provs[1]]}), 422,
        "validation_failed")
    assert [e["pointer"] for e in b["errors"]] == ["/provider_ids/1"]
    assert api.list_all("/v1/services") == before


def test_duplicate_provider_ids_are_422(api, provs):
    expect_problem(api.post("/v1/services", {"name": "x", "duration_minutes": 30,
                                             "provider_ids": [provs[0], provs[0]]}), 422,
                   pointer="/provider_ids/1")


def test_deleted_provider_cannot_be_assigned(api):
    p = api.provider("soon gone")
    api.delete(f"/v1/providers/{p['id']}")
    expect_problem(api.post("/v1/services", {"name": "x", "duration_minutes": 30,
                                             "provider_ids": [p["id"]]}), 422,
                   pointer="/provider_ids/0")


# --- patch ----------------------------------------------------------------------------------

@pytest.fixture
def svc(api, provs):
    return api.ok("POST", "/v1/services", {
        "name": "Massage", "duration_minutes": 60, "price": "80.00", "currency": "GBP",
        "buffer_before_minutes": 5, "buffer_after_minutes": 10, "min_notice_minutes": 30,
        "max_advance_days": 90, "capacity": 2, "provider_ids": [provs[0]]})


def _same_except(a, b, *keys):
    skip = set(keys) | {"updated_at"}
    return {k: v for k, v in a.items() if k not in skip} == \
        {k: v for k, v in b.items() if k not in skip}


def test_patch_name_changes_only_name(api, svc):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"name": "Deep massage"})
    assert s["name"] == "Deep massage"
    assert _same_except(s, svc, "name")
    assert api.ok("GET", f"/v1/services/{svc['id']}") == s


def test_patch_price_keeps_currency(api, svc):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"price": "95.50"})
    assert s["price"] == "95.50" and s["currency"] == "GBP"
    assert _same_except(s, svc, "price")


def test_patch_clearing_price_alone_is_422(api, svc):
    expect_problem(api.patch(f"/v1/services/{svc['id']}", {"price": None}), 422,
                   pointer="/price")
    assert api.ok("GET", f"/v1/services/{svc['id']}") == svc


def test_patch_clearing_price_and_currency(api, svc):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"price": None, "currency": None})
    assert s["price"] is None and s["currency"] is None
    assert _same_except(s, svc, "price", "currency")


def test_patch_provider_ids_replaces_the_list(api, svc, provs):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"provider_ids": [provs[2], provs[1]]})
    assert sorted(s["provider_ids"]) == sorted([provs[2], provs[1]])
    assert _same_except(s, svc, "provider_ids")
    got = api.ok("GET", f"/v1/services/{svc['id']}")["provider_ids"]
    assert sorted(got) == sorted([provs[2], provs[1]])
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"provider_ids": []})
    assert s["provider_ids"] == []
    assert api.ok("GET", f"/v1/services/{svc['id']}")["provider_ids"] == []


def test_patch_without_provider_ids_keeps_them(api, svc, provs):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"capacity": 5})
    assert s["provider_ids"] == [provs[0]]
    assert api.ok("GET", f"/v1/services/{svc['id']}")["provider_ids"] == [provs[0]]


def test_slot_step_defaults_to_duration_and_follows_it(api, svc):
    assert svc["slot_step_minutes"] == 60
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"duration_minutes": 30})
    assert s["duration_minutes"] == 30 and s["slot_step_minutes"] == 30
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"slot_step_minutes": 15})
    assert s["slot_step_minutes"] == 15
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"duration_minutes": 45})
    assert s["duration_minutes"] == 45 and s["slot_step_minutes"] == 15
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"slot_step_minutes": None})
    assert s["slot_step_minutes"] == 45
    assert api.ok("GET", f"/v1/services/{svc['id']}")["slot_step_minutes"] == 45


def test_patch_max_advance_null_removes_limit(api, svc):
    s = api.ok("PATCH", f"/v1/services/{svc['id']}", {"max_advance_days": None})
    assert s["max_advance_days"] is None
    assert _same_except(s, svc, "max_advance_days")


@pytest.mark.parametrize("body,pointer", [
    ({"duration_minutes": 0}, "/duration_minutes"),
    ({"duration_minutes": None}, "/duration_minutes"),
    ({"name": None}, "/name"),
    ({"price": 12.5}, "/price"),
    ({"provider_ids": ["prv_00000000000000000000"]}, "/provider_ids/0"),
    ({"capacity": 0}, "/capacity"),
    ({"name": "ok", "capacity": 1001}, "/capacity"),
    ({"slot_step": 10}, "/slot_step"),
])
def test_invalid_patch_is_422_and_changes_nothing(api, svc, body, pointer):
    expect_problem(api.patch(f"/v1/services/{svc['id']}", body), 422, "validation_failed",
                   pointer)
    assert api.ok("GET", f"/v1/services/{svc['id']}") == svc


def test_patch_unknown_service_is_404(api):
    expect_problem(api.patch("/v1/services/svc_00000000000000000000", {"name": "x"}), 404)


# --- delete / list ---------------------------------------------------------------------------

def test_delete_then_get_is_404(api, svc):
    r = api.delete(f"/v1/services/{svc['id']}")
    assert r.status_code == 204 and r.content == b""
    expect_problem(api.get(f"/v1/services/{svc['id']}"), 404, "not_found")
    expect_problem(api.delete(f"/v1/services/{svc['id']}"), 404)
    assert svc["id"] not in [s["id"] for s in api.list_all("/v1/services")]


def test_delete_service_keeps_its_providers(api, provs):
    s = api.service([provs[0]])
    api.delete(f"/v1/services/{s['id']}")
    assert api.ok("GET", f"/v1/providers/{provs[0]}")["id"] == provs[0]


def test_list_pages_without_duplicates(new_api):
    created = [new_api.service([], name=f"S{i}")["id"] for i in range(5)]
    p1 = new_api.ok("GET", "/v1/services", params={"limit": 2})
    p2 = new_api.ok("GET", "/v1/services", params={"limit": 2, "cursor": p1["next_cursor"]})
    p3 = new_api.ok("GET", "/v1/services", params={"limit": 2, "cursor": p2["next_cursor"]})
    assert [len(p["data"]) for p in (p1, p2, p3)] == [2, 2, 1]
    assert p3["next_cursor"] is None
    ids = [s["id"] for p in (p1, p2, p3) for s in p["data"]]
    assert sorted(ids) == sorted(created)
    assert ids == created


def test_public_flag_round_trip_and_validation(api):
    s = api.service([], "Listed", 30, public=True)
    assert s["public"] is True
    assert api.ok("PATCH", f"/v1/services/{s['id']}", {"name": "Listed 2"})["public"] is True
    assert api.ok("PATCH", f"/v1/services/{s['id']}", {"public": False})["public"] is False
    for bad in ("yes", 1, [True]):
        expect_problem(api.patch(f"/v1/services/{s['id']}", {"public": bad, "name": "X"}), 422,
                       "validation_failed", "/public")
    assert api.ok("GET", f"/v1/services/{s['id']}")["name"] == "Listed 2"
