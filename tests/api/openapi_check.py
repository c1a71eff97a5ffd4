"""Checks responses against the contract, docs/openapi.json (OpenAPI 3.1).

conftest.Api.request calls check_response() for every response the suite receives, so the
document cannot drift from the server:

- the route (method + path) must be an operation of the document, else the test fails with
  "route missing from docs/openapi.json"; only the server's own "no such route" answers
  (404 "no route for …", 405) and a 503 pass without one;
- answers given before a route is chosen (408, 414, 431, 505) must be problem+json
  matching the Problem schema, whatever the path;
- the status must be documented for that operation;
- the Content-Type must be one the document gives for that status (or a range of it,
  "image/*", "*/*"), and a JSON body must validate against its schema (JSON Schema
  2020-12, $refs into components); a file ({"type": "string", "format": "binary"}, an
  attachment download) must arrive whole (Content-Length) and uncompressed.

A failure raises AssertionError, which fails the test that made the request. The document is
loaded once per session.
"""
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, RefResolver
from jsonschema.exceptions import best_match

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Answers the HTTP layer gives before a route is chosen.
PRE_ROUTING = {408, 414, 431, 505}

# SLOTD_OPENAPI_COVERAGE=FILE appends "METHOD template status" for every checked answer.
COVERAGE = os.environ.get("SLOTD_OPENAPI_COVERAGE")

_lock = threading.Lock()
_state = {}


def load():
    """The document and its compiled routes, loaded once."""
    with _lock:
        if not _state:
            doc = json.loads(DOC_PATH.read_text())
            routes = []
            for template, item in doc["paths"].items():
                parts = re.split(r"(\{[^}/]+\})", template)
                rx = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
                literal = sum(len(p) for p in parts if not p.startswith("{"))
                routes.append((re.compile(rx + r"\Z"), literal, template, item))
            _state["doc"] = doc
            _state["routes"] = routes
            _state["resolver"] = RefResolver(base_uri="", referrer=doc)
            _state["validators"] = {}
        return _state["doc"]


def match(method, path):
    """(template, operation) for method and path, the most literal template winning (so
    /v1/bookings/{booking_id}.ics before /v1/bookings/{booking_id}); (None, None) if none."""
    load()
    best = None
    for rx, literal, template, item in _state["routes"]:
        op = item.get(method.lower())
        if op is not None and rx.match(path) and (best is None or literal > best[0]):
            best = (literal, template, op)
    return (best[1], best[2]) if best else (None, None)


def _resolve(obj):
    """Follows a local $ref (#/components/...)."""
    doc = load()
    while isinstance(obj, dict) and "$ref" in obj:
        node = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


def _validate(schema, body):
    """Error messages of body against schema ([] when it is valid)."""
    with _lock:  # RefResolver keeps a scope stack; validate one body at a time
        v = _state["validators"].get(id(schema))
        if v is None:
            v = Draft202012Validator(schema, resolver=_state["resolver"])
            _state["validators"][id(schema)] = v
        errors = sorted(v.iter_errors(body), key=lambda e: list(e.absolute_path))
        out = []
        for e in errors[:5]:
            where = "/" + "/".join(str(p) for p in e.absolute_path)
            # For anyOf/oneOf/allOf the useful message is in the best sub-error.
            detail = e.message if len(e.message) < 300 else e.message[:300] + "…"
            if e.context:
                best = best_match(e.context)
                detail += f" [{'/'.join(str(p) for p in best.absolute_path)}: {best.message[:200]}]"
            out.append(f"{where}: {detail}")
        return out


def _is_no_route(status, body):
    """The router's own answer for a path or method it does not have."""
    if not isinstance(body, dict):
        return False
    if status == 405:
        return body.get("code") == "method_not_allowed"
    return status == 404 and str(body.get("detail", "")).startswith("no route for ")


def _json_body(r, what):
    try:
        return r.json()
    except ValueError:
        raise AssertionError(f"openapi: {what}: body is not JSON: {r.text[:300]!r}") from None


def check_response(r):
    """Asserts that requests.Response r is what docs/openapi.json says its route answers."""
    method = r.request.method.upper()
    path = urlsplit(r.request.url).path
    status = r.status_code
    ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
    is_json = ctype == "application/json" or (ctype.startswith("application/") and
                                              ctype.endswith("+json"))
    template, op = match(method, path)
    what = f"{method} {path} -> {status}"
    if status in PRE_ROUTING:
        assert ctype == "application/problem+json", \
            f"openapi: {what}: not problem+json but {ctype!r}: {r.text[:200]!r}"
        errs = _validate({"$ref": "#/components/schemas/Problem"}, _json_body(r, what))
        assert not errs, f"openapi: {what}: problem does not match Problem: {errs}"
        return
    if op is None:
        body = _json_body(r, what) if is_json and r.content else None
        if _is_no_route(status, body) or status == 503:
            if body is not None:
                errs = _validate({"$ref": "#/components/schemas/Problem"}, body)
                assert not errs, f"openapi: {what}: problem does not match Problem: {errs}"
            return
        raise AssertionError(f"openapi: route missing from docs/openapi.json: {method} {path} "
                             f"(answered {status})")
    what = f"{method} {template} ({path}) -> {status}"
    if COVERAGE:
        with _lock, open(COVERAGE, "a") as f:
            f.write(f"{method} {template} {status}\n")
    responses = op.get("responses", {})
    spec = responses.get(str(status)) or responses.get(f"{status // 100}XX") or \
        responses.get("default")
    assert spec is not None, \
        f"openapi: status {status} is not documented for {method} {template} " \
        f"(documented: {', '.join(sorted(responses))}); body: {r.text[:300]!r}"
    spec = _resolve(spec)
    content = spec.get("content") or {}
    if not r.content:
        assert not content or status == 304 or method == "HEAD", \
            f"openapi: {what}: empty body, but the document gives {', '.join(content)}"
        return
    assert content, f"openapi: {what}: the document gives no body, got {ctype}: {r.text[:200]!r}"
    # The most specific key wins: "image/png", then a range "image/*", then "*/*" (OpenAPI 3.1).
    media = content.get(ctype) or content.get(ctype.split("/")[0] + "/*") or content.get("*/*")
    assert media is not None, \
        f"openapi: {what}: Content-Type {ctype!r} not documented (documented: {', '.join(content)})"
    if media.get("schema", {}).get("format") == "binary":
        # A file (an attachment download): its bytes as they are, all of them.
        sent = r.headers.get("Content-Length")
        assert sent is None or int(sent) == len(r.content), \
            f"openapi: {what}: Content-Length {sent} but {len(r.content)} bytes arrived"
        assert "Content-Encoding" not in r.headers, \
            f"openapi: {what}: a file is sent as stored, not {r.headers['Content-Encoding']}"
        return
    if not is_json or "schema" not in media:
        return
    body = _json_body(r, what)
    errs = _validate(media["schema"], body)
    assert not errs, f"openapi: {what}: body does not match the schema: {errs}; " \
                     f"body: {r.text[:500]}"
