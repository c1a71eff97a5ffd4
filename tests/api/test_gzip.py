"""Accept-Encoding: gzip for responses over 1 KB, with Vary: Accept-Encoding; the slot and
calendar answers are the big ones. Bodies are read undecoded (requests would otherwise
decompress them silently) and compared with the identity answer."""
import gzip
import json

import pytest
import requests

from conftest import DEFAULT_NOW, weekdays


@pytest.fixture(scope="module")
def big(server):
    """(api, slots params, calendar params) whose answers are many kilobytes."""
    t = server.tenant()
    p = t.provider("Gzip", "America/New_York")
    t.schedule(p["id"], weekdays([("08:00", "18:00")]))
    svc = t.service([p["id"]], duration_minutes=15)
    t.ok("POST", "/v1/entries", {"title": "Standup", "start": "2026-03-02T09:00:00-05:00",
                                 "end": "2026-03-02T09:15:00-05:00",
                                 "assignee_ids": [p["id"]], "rrule": "FREQ=DAILY"})
    slots = {"service_id": svc["id"], "from": "2026-03-02", "to": "2026-03-15"}
    cal = {"provider_ids": p["id"], "from": "2026-03-01", "to": "2026-03-31"}
    return t, slots, cal


def fetch(t, path, params, accept):
    """(response, body bytes exactly as sent)."""
    h = {"Authorization": f"Bearer {t.key}", "X-Test-Now": DEFAULT_NOW,
         "Accept-Encoding": accept}
    r = requests.get(t.base + path, params=params, headers=h, stream=True, timeout=30)
    raw = r.raw.read(decode_content=False)
    assert r.status_code == 200, raw[:300]
    return r, raw


@pytest.mark.parametrize("which", ["/v1/slots", "/v1/calendar"])
def test_big_answers_are_gzipped_and_decompress_to_the_identity_answer(big, which):
    t, slots, cal = big
    params = slots if which == "/v1/slots" else cal
    plain_r, plain = fetch(t, which, params, "identity")
    assert len(plain) > 4096, len(plain)
    assert "Content-Encoding" not in plain_r.headers
    assert plain_r.headers["Vary"] == "Accept-Encoding"
    r, packed = fetch(t, which, params, "gzip")
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Content-Type"] == "application/json"
    assert int(r.headers["Content-Length"]) == len(packed)
    assert gzip.decompress(packed) == plain
    assert len(packed) * 4 < len(plain), (len(packed), len(plain))
    # Small answers (1 KB or less) go out as they are, without Vary.
    for path in ("/healthz", "/v1/nowhere"):
        r = requests.get(t.base + path, headers={"Accept-Encoding": "gzip"}, stream=True,
                         timeout=10)
        raw = r.raw.read(decode_content=False)
        assert len(raw) <= 1024
        assert "Content-Encoding" not in r.headers
        assert "Vary" not in r.headers
        json.loads(raw)


@pytest.mark.parametrize("accept,gzipped", [
    ("gzip", True),
    ("GZIP", True),
    ("x-gzip", True),
    ("deflate, gzip;q=0.5", True),
    ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
    ("*", True),
    ("gzip;q=0", False),
    ("gzip; q=0.0", False),
    ("gzip;q=0, *", False),
    ("*;q=0", False),
    ("identity", False),
    ("deflate, br", False),
    ("", False),
    ("gzipx", False),
])
def test_accept_encoding_and_its_q_values_are_honoured(big, accept, gzipped):
    t, slots, _ = big
    r, body = fetch(t, "/v1/slots", slots, accept)
    assert (r.headers.get("Content-Encoding") == "gzip") is gzipped, (accept, r.headers)
    assert r.headers["Vary"] == "Accept-Encoding"
    if gzipped:
        body = gzip.decompress(body)
    assert json.loads(body)["slots"]


def test_a_client_that_decodes_gzip_sees_the_same_json(big):
    """requests asks for gzip by default and decodes it: the ordinary client path."""
    t, slots, _ = big
    r = t.get("/v1/slots", params=slots, now=DEFAULT_NOW)
    assert r.headers.get("Content-Encoding") == "gzip"
    plain = t.get("/v1/slots", params=slots, now=DEFAULT_NOW,
                  headers={"Accept-Encoding": "identity"})
    assert r.json() == plain.json()
