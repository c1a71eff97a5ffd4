"""The contract: docs/openapi.json is served at GET /v1/openapi.json, is OpenAPI 3.1 with a
schema for every answer, and names every route of the router and every problem code.
(That every response of the suite matches it is checked by openapi_check for each request.)"""
import json
import re
import subprocess
import sys

from jsonschema import Draft202012Validator

import openapi_check
from conftest import REPO, Api

DOC_BYTES = openapi_check.DOC_PATH.read_bytes()
DOC = json.loads(DOC_BYTES)
METHODS = ("get", "put", "post", "delete", "patch")


def router_routes():
    """(METHOD, pattern) of every entry of routes[] in src/http/router.c."""
    text = (REPO / "src" / "http" / "router.c").read_text()
    table = re.search(r"static const struct route routes\[\] = \{(.*?)\n\};", text, re.S)
    assert table, "routes[] not found in router.c"
    found = re.findall(r"\{HTTP_([A-Z]+),\s*\"([^\"]+)\"", table.group(1))
    assert len(found) > 40, found
    return found


def problem_codes():
    """Every problem code of problem_map in src/wire/wire.c."""
    text = (REPO / "src" / "wire" / "wire.c").read_text()
    table = re.search(r"problem_map\[ERR__COUNT\] = \{(.*?)\n\};", text, re.S)
    assert table, "problem_map not found in wire.c"
    return {code: int(status) for status, code in
            re.findall(r"=\s*\{(\d+),\s*\"([a-z_]+)\"", table.group(1))}


def operations():
    for path, item in DOC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_served_document_is_the_file(server):
    anon = Api(server.base, None)
    r = anon.get("/v1/openapi.json")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.content == DOC_BYTES, "the binary serves another docs/openapi.json: rebuild it"
    etag = r.headers.get("ETag")
    # Sent gzip-coded (requests accepts it), so its tag is weak: the bytes differ.
    assert etag and etag.startswith('W/"'), etag
    assert "max-age" in r.headers.get("Cache-Control", "")
    again = anon.get("/v1/openapi.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers.get("ETag") == etag
    other = anon.get("/v1/openapi.json", headers={"If-None-Match": '"0"'})
    assert other.status_code == 200 and other.content == DOC_BYTES
    # A key is not needed, and a bad one does not matter on a public route.
    assert Api(server.base, "sk_not_a_key").get("/v1/openapi.json").status_code == 200


def test_document_is_openapi_3_1():
    assert DOC["openapi"] == "3.1.0"
    assert DOC["info"]["title"] and DOC["info"]["version"]
    assert DOC["components"]["securitySchemes"]["apiKey"] == {
        **DOC["components"]["securitySchemes"]["apiKey"], "type": "http", "scheme": "bearer"}
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    for name, schema in DOC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    for path, method, op in operations():
        where = f"{method.upper()} {path}"
        assert op.get("responses"), f"{where} has no responses"
        assert any(s.startswith("2") or s == "304" for s in op["responses"]), where
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"\{([^}]+)\}", path)), \
            f"{where}: path parameters {declared}"
        for p in op.get("parameters", []):
            if p["in"] == "path":
                assert p.get("required") is True, f"{where}: {p['name']} must be required"


def test_every_ref_resolves():
    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                assert ref.startswith("#/"), ref
                target = DOC
                for part in ref[2:].split("/"):
                    assert part in target, f"unresolved $ref {ref}"
                    target = target[part]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(DOC)


def test_every_router_route_is_documented():
    missing = []
    for method, pattern in router_routes():
        ok = any(re.sub(r"\{[^}]+\}", "{}", path) == pattern and method.lower() in item
                 for path, item in DOC["paths"].items())
        if not ok:
            missing.append(f"{method} {pattern}")
    assert not missing, f"routes missing from docs/openapi.json: {missing}"


def test_every_documented_route_exists():
    routes = {(m.lower(), p) for m, p in router_routes()}
    extra = []
    for path, method, _ in operations():
        pattern = re.sub(r"\{[^}]+\}", "{}", path)
        # /v1/bookings/{booking_id}.ics is /v1/bookings/{} with a suffix; reschedule an action.
        pattern = re.sub(r"\{\}\.ics$", "{}", pattern)
        pattern = re.sub(r"/\{\}/reschedule$", "/{}/{}", pattern)
        if (method, pattern) not in routes:
            extra.append(f"{method.upper()} {path}")
    assert not extra, f"documented but not in router.c: {extra}"


def test_problem_codes_match_the_server():
    codes = problem_codes()
    schema = DOC["components"]["schemas"]
    assert set(schema["ProblemCode"]["enum"]) == set(codes), \
        "ProblemCode must list exactly problem_map's codes (src/wire/wire.c)"
    # Each documented problem response admits only codes of its status.
    for name, resp in DOC["components"]["responses"].items():
        media = (resp.get("content") or {}).get("application/problem+json")
        if not media:
            continue
        pinned = media["schema"]["allOf"][1]["properties"]
        status = pinned["status"]["const"]
        assert pinned["code"]["enum"], name
        for code in pinned["code"]["enum"]:
            assert codes.get(code) == status, f"{name}: {code} is not a {status}"
        assert {c for c, s in codes.items() if s == status and c != "internal_error"} <= \
            set(pinned["code"]["enum"]), f"{name} leaves out a code with status {status}"


def test_check_rejects_a_wrong_answer(api):
    """The hook itself: a body that lacks a required field, a status the operation does not
    document, and a route the document lacks all fail."""
    r = api.get("/v1/policy")
    body = r.json()
    del body["max_reschedules"]
    r._content = json.dumps(body).encode()
    try:
        openapi_check.check_response(r)
    except AssertionError as e:
        assert "max_reschedules" in str(e)
    else:
        raise AssertionError("a policy without max_reschedules passed")
    r = api.get("/v1/policy")
    r.status_code = 201
    try:
        openapi_check.check_response(r)
    except AssertionError as e:
        assert "201 is not documented" in str(e)
    else:
        raise AssertionError("an undocumented status passed")
    r = api.get("/v1/policy")
    r.request.url = r.request.url.replace("/v1/policy", "/v1/not-a-route")
    try:
        openapi_check.check_response(r)
    except AssertionError as e:
        assert "route missing from docs/openapi.json" in str(e)
    else:
        raise AssertionError("an undocumented route passed")


def test_the_document_is_what_its_generator_writes():
    """docs/openapi.json is written by scripts/openapi.py; an edit of the JSON alone would be
    lost the next time it is generated."""
    root = REPO
    cp = subprocess.run([sys.executable, str(root / "scripts" / "openapi.py")],
                        capture_output=True, text=True, timeout=60)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout == (root / "docs" / "openapi.json").read_text(), \
        "docs/openapi.json differs from scripts/openapi.py's output: edit the script and run" \
        " scripts/openapi.py > docs/openapi.json"
