"""Error classes (400, 401, 404, 405, 413, 415, 422), the problem+json shape, and that a
rejected request changes nothing. No client input may cause a 5xx."""
import json

import pytest
import requests

from conftest import DEFAULT_NOW, NO_BODY, expect_problem

GOOD_PROVIDER = {"name": "Valid", "timezone": "UTC"}


@pytest.fixture
def unchanged(api):
    """Snapshots tenant A's providers, services and holidays; asserts they did not change."""
    def snap():
        return (api.list_all("/v1/providers"), api.list_all("/v1/services"),
                api.list_all("/v1/holidays"))
    before = snap()
    yield
    assert snap() == before


def raw(api, method, path, data=None, content_type="application/json", headers=None):
    h = {"Authorization": f"Bearer {api.key}"}
    if content_type is not None:
        h["Content-Type"] = content_type
    h.update(headers or {})
    return requests.request(method, api.base + path, data=data, headers=h, timeout=30)


# --- 400 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b'{"name": "x", "timezone": "UTC"',
    b"{name: 'x'}",
    b'{"name": "x",}',
    b"not json at all",
    b"\xff\xfe\x00garbage",
    b'{"name": "x", "name": "y", "timezone": "UTC"}',
    b'["name", "x"]',
    b'"just a string"',
    b"42",
    b"null",
    b" ",
])
def test_malformed_json_is_400(api, unchanged, body):
    b = expect_problem(raw(api, "POST", "/v1/providers", body), 400, "malformed_request")
    assert b["title"] == "Bad Request"
    assert b["type"] == "urn:slotd:problem:malformed_request"
    assert b["detail"]


def test_empty_body_is_400(api, unchanged):
    expect_problem(raw(api, "POST", "/v1/providers", b""), 400, "malformed_request")
    p = api.provider("Target")
    expect_problem(raw(api, "PATCH", f"/v1/providers/{p['id']}", b""), 400)
    expect_problem(raw(api, "PUT", f"/v1/providers/{p['id']}/schedule", b""), 400)
    assert api.delete(f"/v1/providers/{p['id']}").status_code == 204


def test_malformed_patch_changes_nothing(api):
    p = api.provider("Keep me")
    expect_problem(raw(api, "PATCH", f"/v1/providers/{p['id']}", b'{"name": "x"'), 400)
    assert api.ok("GET", f"/v1/providers/{p['id']}") == p


# --- 404 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/",
    "/v1",
    "/v1/",
    "/v1/nope",
    "/v2/providers",
    "/v1/providers/",
    "/v1/providers/prv_00000000000000000000/nope",
    "/v1/appointments",
    "/V1/PROVIDERS",
])
def test_unknown_route_is_404(api, path):
    expect_problem(api.get(path), 404, "not_found")


@pytest.mark.parametrize("path", [
    "/v1/providers/prv_00000000000000000000",
    "/v1/providers/prv_zzzzzzzzzzzzzzzzzzzz",
    "/v1/providers/svc_00000000000000000000",
    "/v1/providers/not-an-id",
    "/v1/providers/" + "a" * 65,
    "/v1/providers/%00",
    "/v1/providers/..%2F..%2Fetc",
    "/v1/services/svc_00000000000000000000",
    "/v1/services/prv_00000000000000000000",
])
def test_unknown_id_is_404(api, path):
    expect_problem(api.get(path), 404, "not_found")


# --- 405 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/v1/providers", {"GET", "POST"}),
    ("PUT", "/v1/providers", {"GET", "POST"}),
    ("POST", "/v1/providers/prv_00000000000000000000", {"GET", "PATCH", "DELETE"}),
    ("PUT", "/v1/services/svc_00000000000000000000", {"GET", "PATCH", "DELETE"}),
    ("POST", "/v1/providers/prv_00000000000000000000/schedule", {"GET", "PUT"}),
    ("PATCH", "/v1/holidays", {"GET", "POST"}),
    ("GET", "/v1/holidays/hol_00000000000000000000", {"PATCH", "DELETE"}),
    ("POST", "/v1/slots", {"GET"}),
    ("POST", "/healthz", {"GET"}),
    ("DELETE", "/readyz", {"GET"}),
])
def test_wrong_method_is_405_with_allow(api, method, path, allowed):
    body = {"name": "x"} if method in ("POST", "PUT", "PATCH") else NO_BODY
    r = api.request(method, path, body)
    b = expect_problem(r, 405, "method_not_allowed")
    assert b["title"] == "Method Not Allowed"
    assert {m.strip() for m in r.headers["Allow"].split(",")} == allowed


def test_unknown_method_is_405(api):
    r = api.request("OPTIONS", "/v1/providers")
    assert r.status_code == 405, r.text
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "POST"}


def test_405_post_creates_nothing(api, unchanged):
    expect_problem(api.put("/v1/providers", GOOD_PROVIDER), 405)


# --- 413 -------------------------------------------------------------------------------------

def test_body_over_64_kib_is_413(api, unchanged):
    body = json.dumps({"name": "x" * (65 * 1024), "timezone": "UTC"})
    assert len(body) > 64 * 1024
    b = expect_problem(raw(api, "POST", "/v1/providers", body), 413, "body_too_large")
    assert b["title"] == "Content Too Large"


def test_body_just_under_the_limit_is_parsed(api, unchanged):
    # A valid JSON document a little under 64 KiB: the limit applies, not the JSON check.
    body = json.dumps({"name": "x", "timezone": "UTC", "email": "a@b.co",
                       "pad": "y" * (60 * 1024)})
    assert len(body) < 64 * 1024
    expect_problem(raw(api, "POST", "/v1/providers", body), 422, pointer="/pad")


def _sized_body(n):
    base = json.dumps({"name": "x", "timezone": "UTC", "pad": ""})
    body = json.dumps({"name": "x", "timezone": "UTC", "pad": "y" * (n - len(base))})
    assert len(body) == n
    return body


def test_body_of_exactly_64_kib_is_accepted_one_more_byte_is_413(api, unchanged):
    expect_problem(raw(api, "POST", "/v1/providers", _sized_body(65536)), 422, pointer="/pad")
    expect_problem(raw(api, "POST", "/v1/providers", _sized_body(65537)), 413, "body_too_large")


def test_chunked_body_is_read(api):
    def chunks():
        yield b'{"name": "Chunked", '
        yield b'"timezone": "UTC"}'
    r = raw(api, "POST", "/v1/providers", chunks())
    assert r.status_code == 201, r.text
    assert api.delete(f"/v1/providers/{r.json()['id']}").status_code == 204


def test_chunked_body_over_the_limit_is_413(api, unchanged):
    def chunks():
        for _ in range(80):
            yield b"x" * 1024
    expect_problem(raw(api, "POST", "/v1/providers", chunks()), 413, "body_too_large")


def test_oversized_headers_are_4xx_and_server_survives(api):
    # 70 KB is past the memory libmicrohttpd keeps per connection, so it answers with its
    # own HTML page, not problem+json (docs/operations.md, "HTTP limits").
    r = api.get("/v1/providers", headers={"X-Big": "z" * 70000}, contract=False)
    assert 400 <= r.status_code < 500
    r = api.get("/v1/providers?pad=" + "b" * 70000, contract=False)
    assert 400 <= r.status_code < 500
    assert api.get("/healthz").status_code == 200


def test_huge_body_on_a_get_route_is_413(api):
    r = raw(api, "GET", "/v1/providers", b"x" * (70 * 1024))
    expect_problem(r, 413, "body_too_large")


def test_connection_still_usable_after_413(api):
    s = requests.Session()
    h = {"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"}
    r = s.post(api.base + "/v1/providers", data="x" * (100 * 1024), headers=h, timeout=30)
    assert r.status_code == 413
    r = s.get(api.base + "/v1/providers", headers=h, timeout=30)
    assert r.status_code == 200


# --- 415 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("ctype", [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonx",
    "json",
    None,
])
def test_non_json_content_type_is_415(api, unchanged, ctype):
    r = raw(api, "POST", "/v1/providers", json.dumps(GOOD_PROVIDER), content_type=ctype)
    b = expect_problem(r, 415, "unsupported_media_type")
    assert b["title"] == "Unsupported Media Type"


@pytest.mark.parametrize("ctype", [
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/merge-patch+json",
])
def test_json_content_type_variants_are_accepted(api, ctype):
    r = raw(api, "POST", "/v1/providers", json.dumps(GOOD_PROVIDER), content_type=ctype)
    assert r.status_code == 201, r.text
    assert api.delete(f"/v1/providers/{r.json()['id']}").status_code == 204


def test_415_on_patch_changes_nothing(api):
    p = api.provider("Typed")
    r = raw(api, "PATCH", f"/v1/providers/{p['id']}", '{"name": "changed"}',
            content_type="text/plain")
    expect_problem(r, 415)
    assert api.ok("GET", f"/v1/providers/{p['id']}") == p


# --- 401 before anything else ----------------------------------------------------------------

def test_401_comes_before_body_checks(api):
    r = requests.post(api.base + "/v1/providers", data="{bad", timeout=30,
                      headers={"Content-Type": "text/plain"})
    expect_problem(r, 401, "unauthorized")


# --- 422 -------------------------------------------------------------------------------------

def test_422_lists_field_errors(api, unchanged):
    b = expect_problem(api.post("/v1/services", {"name": "", "duration_minutes": 0,
                                                 "price": 3, "wat": True}), 422,
                       "validation_failed")
    assert b["title"] == "Unprocessable Content"
    pointers = {e["pointer"] for e in b["errors"]}
    assert {"/name", "/duration_minutes", "/price", "/wat"} <= pointers
    assert all(isinstance(e["detail"], str) and e["detail"] for e in b["errors"])


# --- robustness: no 5xx for client input -----------------------------------------------------

WEIRD_BODIES = [
    {"name": "x", "timezone": "UTC", "settings": {"max_per_day": 2 ** 63 - 1}},
    {"name": "x", "timezone": "UTC", "settings": {"max_per_day": -2 ** 63}},
    {"name": "x", "timezone": "UTC", "settings": {"max_per_day": 1e308}},
    {"name": "x", "timezone": "../../../../etc/passwd"},
    {"name": "x", "timezone": "/etc/localtime"},
    {"name": "x", "timezone": "America/../Europe/Berlin"},
    {"name": "x", "timezone": "a" * 5000},
    {"name": "x", "timezone": "UTC", "email": "a@" + "b" * 5000 + ".com"},
    {"name": {"nested": ["deep"]}, "timezone": "UTC"},
    {"name": "x", "timezone": "UTC", "settings": {"settings": {"settings": {}}}},
]


@pytest.mark.parametrize("body", WEIRD_BODIES)
def test_weird_provider_bodies_get_422(api, unchanged, body):
    expect_problem(api.post("/v1/providers", body), 422, "validation_failed")


@pytest.mark.parametrize("body", [{"name": "x\u0000y", "timezone": "UTC"},
                                  {"name": "x", "timezone": "UTC\u0000"}])
def test_nul_characters_are_rejected(api, unchanged, body):
    r = api.post("/v1/providers", body)
    assert r.status_code in (400, 422), r.text
    expect_problem(r, r.status_code)


def test_deeply_nested_json_gets_4xx(api):
    body = "[" * 10000 + "]" * 10000
    r = raw(api, "POST", "/v1/providers", body)
    assert 400 <= r.status_code < 500, r.status_code


@pytest.mark.parametrize("params", [
    {"service_id": "svc_" + "0" * 20, "from": "2026-03-02", "to": "2026-03-02",
     "timezone": "../../etc/passwd"},
    {"service_id": "svc_" + "0" * 20, "from": "9999-12-31", "to": "9999-12-31"},
    {"service_id": "svc_" + "0" * 20, "from": "0000-01-01", "to": "0000-01-01"},
    {"service_id": "svc_" + "0" * 20, "from": "1970-01-01", "to": "2099-12-31"},
    {"service_id": "x" * 5000, "from": "2026-03-02", "to": "2026-03-02"},
    {"service_id": "svc_%", "from": "2026-03-02", "to": "2026-03-02"},
])
def test_weird_slot_queries_get_4xx(api, params):
    r = api.get("/v1/slots", params=params, now=DEFAULT_NOW)
    assert 400 <= r.status_code < 500, (params, r.status_code, r.text)


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-45T99:99:99Z", "2026-03-02T10:00:00",
                                 "9" * 300])
def test_unparseable_test_clock_header_is_400(api, bad):
    p = api.provider("Clock")
    sid = api.service([p["id"]])["id"]
    r = api.get("/v1/slots", now=bad, params={"service_id": sid, "provider_id": p["id"],
                                              "from": "2026-03-02", "to": "2026-03-02"})
    expect_problem(r, 400, "malformed_request")


def test_test_clock_header_is_ignored_without_slotd_test_clock(start_server):
    srv = start_server(env={"SLOTD_TEST_CLOCK": "0"})
    api = srv.tenant()
    p = api.provider("Real clock", "UTC")
    api.schedule(p["id"], {"mon": [{"start": "09:00", "end": "10:00"}]})
    sid = api.service([p["id"]])["id"]
    # 2000-01-03 is a Monday long past: with the real clock there is nothing to offer.
    params = {"service_id": sid, "provider_id": p["id"], "from": "2000-01-03",
              "to": "2000-01-03"}
    assert api.ok("GET", "/v1/slots", params=params, now="1999-12-01T00:00:00Z")["slots"] == []
    assert api.ok("GET", "/v1/slots", params=params, now="garbage")["slots"] == []


def test_test_clock_header_sets_now(api):
    p = api.provider("Test clock", "UTC")
    api.schedule(p["id"], {"mon": [{"start": "09:00", "end": "10:00"}]})
    sid = api.service([p["id"]])["id"]
    assert api.starts(sid, p["id"], "2000-01-03", now="1999-12-01T00:00:00Z") == \
        ["2000-01-03T09:00:00Z"]


def test_weird_explain_start_gets_4xx(api):
    p = api.provider("Explain robust")
    sid = api.service([p["id"]])["id"]
    for start in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-03-02T10:00:00+99:00",
                  "2026-03-02T10:00:00.9999999999999999999Z"):
        r = api.get("/v1/slots/explain", now=DEFAULT_NOW,
                    params={"service_id": sid, "provider_id": p["id"], "start": start})
        assert r.status_code < 500, (start, r.status_code, r.text)


def test_server_is_still_healthy(api):
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 200
