"""/v1/providers: create, read, list (pagination), patch, delete, validation."""
import re
import threading

import pytest

from conftest import Api, expect_problem

INSTANT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
DEFAULT_SETTINGS = {"auto_confirm": True, "max_per_day": None, "max_consecutive": None,
                    "vacation": False}


def test_create_minimal_renders_defaults(api):
    r = api.post("/v1/providers", {"name": "Ada", "timezone": "Europe/Berlin"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    p = r.json()
    assert re.fullmatch(r"prv_[0-9a-z]{20}", p["id"]), p["id"]
    assert set(p) == {"id", "name", "timezone", "email", "settings", "created_at",
                      "updated_at", "bio", "specialties", "photo_url", "languages", "locale",
                      "video_url"}
    assert p["name"] == "Ada"
    assert p["timezone"] == "Europe/Berlin"
    assert p["email"] is None
    assert p["settings"] == DEFAULT_SETTINGS
    assert INSTANT_RE.match(p["created_at"]) and INSTANT_RE.match(p["updated_at"])
    assert api.ok("GET", f"/v1/providers/{p['id']}") == p


def test_create_full_and_read_back(api):
    body = {"name": "Jonas Weber", "timezone": "America/New_York",
            "email": "jonas@example.com",
            "settings": {"auto_confirm": False, "max_per_day": 8, "max_consecutive": 3,
                         "vacation": True}}
    p = api.ok("POST", "/v1/providers", body)
    assert p["name"] == "Jonas Weber"
    assert p["email"] == "jonas@example.com"
    assert p["settings"] == body["settings"]
    got = api.ok("GET", f"/v1/providers/{p['id']}")
    assert got == p
    assert p in api.list_all("/v1/providers")


def test_settings_accepted_top_level(api):
    p = api.ok("POST", "/v1/providers", {"name": "Top", "timezone": "UTC", "auto_confirm": False,
                                         "max_per_day": 5, "max_consecutive": 2,
                                         "vacation": True})
    assert p["settings"] == {"auto_confirm": False, "max_per_day": 5, "max_consecutive": 2,
                             "vacation": True}


def test_ids_are_unique(api):
    ids = {api.provider(f"U{i}")["id"] for i in range(10)}
    assert len(ids) == 10


def test_name_of_200_bytes_is_accepted(api):
    name = "é" * 100  # 200 bytes of UTF-8
    p = api.provider(name)
    assert api.ok("GET", f"/v1/providers/{p['id']}")["name"] == name


def test_email_of_254_bytes_is_accepted_255_is_not(api):
    local = "a" * 64
    domain = ("d" * 60 + ".") * 3
    email = local + "@" + domain + "e" * (254 - len(local) - 1 - len(domain))
    assert len(email) == 254
    p = api.ok("POST", "/v1/providers", {"name": "Mail", "timezone": "UTC", "email": email})
    assert p["email"] == email
    expect_problem(api.post("/v1/providers", {"name": "Mail", "timezone": "UTC",
                                              "email": email + "e"}), 422, pointer="/email")


def test_unicode_name_round_trips(api):
    name = "Zoë 🦷 Ñandú \"quoted\" \\ back"
    p = api.provider(name)
    assert p["name"] == name
    assert api.ok("GET", f"/v1/providers/{p['id']}")["name"] == name


def _create_many(client, tag, results, lock):
    for j in range(10):
        r = client.post("/v1/providers", {"name": f"C{tag}-{j}", "timezone": "UTC"})
        with lock:
            results.append((r.status_code, r.json().get("id")))


def test_concurrent_creates_all_succeed(new_api):
    results, lock = [], threading.Lock()
    threads = [threading.Thread(target=_create_many,
                                args=(Api(new_api.base, new_api.key), i, results, lock))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted({s for s, _ in results}) == [201]
    ids = [i for _, i in results]
    assert len(ids) == 80 and len(set(ids)) == 80
    listed = [p["id"] for p in new_api.list_all("/v1/providers")]
    assert sorted(listed) == sorted(ids)
    assert listed == sorted(listed)


# --- patch ----------------------------------------------------------------------------------

@pytest.fixture
def full(api):
    return api.ok("POST", "/v1/providers", {
        "name": "Patch me", "timezone": "Europe/Berlin", "email": "p@example.com",
        "settings": {"auto_confirm": False, "max_per_day": 4, "max_consecutive": 2,
                     "vacation": False}})


def _same_except(a, b, *keys):
    skip = set(keys) | {"updated_at"}
    return {k: v for k, v in a.items() if k not in skip} == \
        {k: v for k, v in b.items() if k not in skip}


def test_patch_name_changes_only_name(api, full):
    p = api.ok("PATCH", f"/v1/providers/{full['id']}", {"name": "Renamed"})
    assert p["name"] == "Renamed"
    assert _same_except(p, full, "name")
    assert p["created_at"] == full["created_at"]
    assert api.ok("GET", f"/v1/providers/{full['id']}") == p


def test_patch_timezone_changes_only_timezone(api, full):
    p = api.ok("PATCH", f"/v1/providers/{full['id']}", {"timezone": "Asia/Kolkata"})
    assert p["timezone"] == "Asia/Kolkata"
    assert _same_except(p, full, "timezone")


def test_patch_one_setting_keeps_the_others(api, full):
    p = api.ok("PATCH", f"/v1/providers/{full['id']}", {"settings": {"max_per_day": 9}})
    assert p["settings"] == {"auto_confirm": False, "max_per_day": 9, "max_consecutive": 2,
                             "vacation": False}
    assert _same_except(p, full, "settings")
    p = api.ok("PATCH", f"/v1/providers/{full['id']}", {"vacation": True})
    assert p["settings"] == {"auto_confirm": False, "max_per_day": 9, "max_consecutive": 2,
                             "vacation": True}
    assert api.ok("GET", f"/v1/providers/{full['id']}") == p


def test_patch_null_clears_optional_fields(api, full):
    p = api.ok("PATCH", f"/v1/providers/{full['id']}",
               {"email": None, "settings": {"max_per_day": None, "max_consecutive": None}})
    assert p["email"] is None
    assert p["settings"] == {"auto_confirm": False, "max_per_day": None,
                             "max_consecutive": None, "vacation": False}
    assert p["name"] == full["name"] and p["timezone"] == full["timezone"]
    assert api.ok("GET", f"/v1/providers/{full['id']}") == p


def test_patch_empty_object_changes_nothing(api, full):
    p = api.ok("PATCH", f"/v1/providers/{full['id']}", {})
    assert _same_except(p, full)


@pytest.mark.parametrize("body,pointer", [
    ({"name": None}, "/name"),
    ({"name": ""}, "/name"),
    ({"timezone": None}, "/timezone"),
    ({"timezone": "Not/AZone"}, "/timezone"),
    ({"email": "not-an-email"}, "/email"),
    ({"settings": {"max_per_day": 0}}, "/settings/max_per_day"),
    ({"settings": {"nope": 1}}, "/settings/nope"),
    ({"id": "prv_00000000000000000000"}, "/id"),
    ({"created_at": "2020-01-01T00:00:00Z"}, "/created_at"),
])
def test_invalid_patch_is_422_and_changes_nothing(api, full, body, pointer):
    expect_problem(api.patch(f"/v1/providers/{full['id']}", body), 422, "validation_failed",
                   pointer)
    assert api.ok("GET", f"/v1/providers/{full['id']}") == full


def test_patch_partially_valid_body_changes_nothing(api, full):
    r = api.patch(f"/v1/providers/{full['id']}", {"name": "Half", "timezone": "Bad/Zone"})
    expect_problem(r, 422, pointer="/timezone")
    assert api.ok("GET", f"/v1/providers/{full['id']}") == full


def test_patch_unknown_id_is_404(api):
    expect_problem(api.patch("/v1/providers/prv_00000000000000000000", {"name": "x"}), 404,
                   "not_found")


# --- delete ---------------------------------------------------------------------------------

def test_delete_then_get_is_404(api):
    p = api.provider("Doomed")
    r = api.delete(f"/v1/providers/{p['id']}")
    assert r.status_code == 204
    assert r.content == b""
    expect_problem(api.get(f"/v1/providers/{p['id']}"), 404, "not_found")
    expect_problem(api.delete(f"/v1/providers/{p['id']}"), 404)
    expect_problem(api.patch(f"/v1/providers/{p['id']}", {"name": "ghost"}), 404)
    assert p["id"] not in [x["id"] for x in api.list_all("/v1/providers")]


def test_delete_removes_provider_from_services(api):
    keep, gone = api.provider("Keep"), api.provider("Gone")
    s1 = api.service([keep["id"], gone["id"]], name="Both")
    s2 = api.service([gone["id"]], name="Only gone")
    assert api.delete(f"/v1/providers/{gone['id']}").status_code == 204
    assert api.ok("GET", f"/v1/services/{s1['id']}")["provider_ids"] == [keep["id"]]
    assert api.ok("GET", f"/v1/services/{s2['id']}")["provider_ids"] == []
    listed = {s["id"]: s for s in api.list_all("/v1/services")}
    assert listed[s1["id"]]["provider_ids"] == [keep["id"]]


def test_delete_removes_provider_schedule_and_children(api):
    p = api.provider("With children")
    api.schedule(p["id"], {"mon": [{"start": "09:00", "end": "10:00"}]})
    api.ok("POST", f"/v1/providers/{p['id']}/overrides", {"date": "2026-03-02"})
    api.ok("POST", f"/v1/providers/{p['id']}/time-off",
           {"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T11:00:00Z"})
    assert api.delete(f"/v1/providers/{p['id']}").status_code == 204
    expect_problem(api.get(f"/v1/providers/{p['id']}/schedule"), 404)
    expect_problem(api.get(f"/v1/providers/{p['id']}/overrides"), 404)
    expect_problem(api.get(f"/v1/providers/{p['id']}/time-off"), 404)


# --- validation on create --------------------------------------------------------------------

@pytest.mark.parametrize("body,pointer", [
    ({"timezone": "UTC"}, "/name"),
    ({"name": "x"}, "/timezone"),
    ({"name": "", "timezone": "UTC"}, "/name"),
    ({"name": None, "timezone": "UTC"}, "/name"),
    ({"name": 42, "timezone": "UTC"}, "/name"),
    ({"name": "x" * 201, "timezone": "UTC"}, "/name"),
    ({"name": "é" * 101, "timezone": "UTC"}, "/name"),
    ({"name": "x", "timezone": "Mars/Olympus_Mons"}, "/timezone"),
    ({"name": "x", "timezone": "EST5EDT-nonsense"}, "/timezone"),
    ({"name": "x", "timezone": ""}, "/timezone"),
    ({"name": "x", "timezone": 5}, "/timezone"),
    ({"name": "x", "timezone": "UTC", "email": "nobody"}, "/email"),
    ({"name": "x", "timezone": "UTC", "email": "a@b@c.com"}, "/email"),
    ({"name": "x", "timezone": "UTC", "email": 7}, "/email"),
    ({"name": "x", "timezone": "UTC", "colour": "blue"}, "/colour"),
    ({"name": "x", "timezone": "UTC", "settings": []}, "/settings"),
    ({"name": "x", "timezone": "UTC", "settings": {"auto_confirm": "yes"}},
     "/settings/auto_confirm"),
    ({"name": "x", "timezone": "UTC", "settings": {"max_per_day": 0}}, "/settings/max_per_day"),
    ({"name": "x", "timezone": "UTC", "settings": {"max_per_day": 1.5}},
     "/settings/max_per_day"),
    ({"name": "x", "timezone": "UTC", "settings": {"max_consecutive": -1}},
     "/settings/max_consecutive"),
    ({"name": "x", "timezone": "UTC", "settings": {"vacation": 1}}, "/settings/vacation"),
    ({"name": "x", "timezone": "UTC", "settings": {"holiday_mode": True}},
     "/settings/holiday_mode"),
    ({"name": "x", "timezone": "UTC", "vacation": "no"}, "/vacation"),
])
def test_invalid_create_is_422_and_creates_nothing(api, body, pointer):
    before = api.list_all("/v1/providers")
    b = expect_problem(api.post("/v1/providers", body), 422, "validation_failed", pointer)
    assert b["title"] == "Unprocessable Content"
    assert b["type"] == "urn:slotd:problem:validation_failed"
    assert all(set(e) == {"pointer", "detail"} and e["detail"] for e in b["errors"])
    assert api.list_all("/v1/providers") == before


def test_every_invalid_field_is_reported(api):
    b = expect_problem(api.post("/v1/providers", {"name": "", "timezone": "Nope/Nope",
                                                  "email": "bad", "extra": 1}), 422)
    assert {e["pointer"] for e in b["errors"]} >= {"/name", "/timezone", "/email", "/extra"}


# --- pagination -----------------------------------------------------------------------------

def test_pagination_in_creation_order(new_api):
    created = [new_api.provider(f"P{i}")["id"] for i in range(7)]
    pages, cursor = [], None
    for _ in range(5):
        params = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = new_api.ok("GET", "/v1/providers", params=params)
        assert set(page) == {"data", "next_cursor"}
        pages.append([p["id"] for p in page["data"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 3, 1]
    flat = [i for p in pages for i in p]
    assert len(set(flat)) == 7
    assert flat == created


def test_pagination_exact_multiple_ends_with_null_cursor(new_api):
    for i in range(4):
        new_api.provider(f"M{i}")
    first = new_api.ok("GET", "/v1/providers", params={"limit": 2})
    assert len(first["data"]) == 2 and first["next_cursor"] is not None
    second = new_api.ok("GET", "/v1/providers", params={"limit": 2,
                                                        "cursor": first["next_cursor"]})
    assert len(second["data"]) == 2
    ids = [p["id"] for p in first["data"] + second["data"]]
    assert len(set(ids)) == 4
    if second["next_cursor"] is not None:
        third = new_api.ok("GET", "/v1/providers", params={"limit": 2,
                                                           "cursor": second["next_cursor"]})
        assert third == {"data": [], "next_cursor": None}


def test_default_limit_is_50(new_api):
    for i in range(51):
        new_api.provider(f"D{i}")
    page = new_api.ok("GET", "/v1/providers")
    assert len(page["data"]) == 50
    assert page["next_cursor"] is not None
    rest = new_api.ok("GET", "/v1/providers", params={"cursor": page["next_cursor"]})
    assert len(rest["data"]) == 1 and rest["next_cursor"] is None
    assert len({p["id"] for p in page["data"] + rest["data"]}) == 51


def test_empty_list(new_api):
    assert new_api.ok("GET", "/v1/providers") == {"data": [], "next_cursor": None}


def test_limit_200_is_accepted(new_api):
    new_api.provider()
    assert len(new_api.ok("GET", "/v1/providers", params={"limit": 200})["data"]) == 1


@pytest.mark.parametrize("params,pointer", [
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": -1}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"limit": ""}, "limit"),
    ({"limit": "3x"}, "limit"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": "svc_00000000000000000000"}, "cursor"),
])
def test_bad_list_parameters_are_422(api, params, pointer):
    b = expect_problem(api.get("/v1/providers", params=params), 422, "validation_failed")
    assert any(e["pointer"].lstrip("/") == pointer for e in b["errors"]), b
