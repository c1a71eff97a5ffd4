"""Operations: GET /metrics (Prometheus text, checked by promtool), the request log (one JSON
line per request, request ids from the client to the log, the problem body and the event) and
rate limits (per key, per manage token, per address, failed authentication)."""
import json
import re
import shutil
import subprocess
import time
import uuid

import pytest
import requests

from booking_helpers import act, at, book, booked, consult_tenant, make_key
from conftest import Api

TOKEN = "metrics-" + "x" * 24
ON = {"SLOTD_RATE_LIMITS": "on"}


# settings.booking_page when nothing is set (the public booking page's look).
NO_PAGE = {"display_name": None, "brand_color": None, "logo_url": None, "provider_choice": True}


def scrape(base, token=TOKEN):
    h = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{base}/metrics", headers=h, timeout=10)


SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """[(name, {label: value}, float)] of an exposition."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = dict(LABEL_RE.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def value(text, name, **labels):
    """The sample name{labels} (0 when absent)."""
    for n, l, v in samples(text):
        if n == name and all(l.get(k) == w for k, w in labels.items()):
            return v
    return 0.0


@pytest.fixture(scope="module")
def msrv(slotd_bin, tmp_path_factory):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("metrics"),
                 env={"SLOTD_METRICS_TOKEN": TOKEN})
    yield srv
    _stop(srv)


# --- metrics ------------------------------------------------------------------------------------

def test_metrics_needs_the_token_and_is_hidden_without_one(msrv, fresh_server):
    r = scrape(fresh_server.base, token=None)
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert scrape(fresh_server.base).status_code == 404, "no token configured: no /metrics"
    r = scrape(msrv.base, token=None)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert scrape(msrv.base, token=TOKEN + "y").status_code == 401
    r = scrape(msrv.base)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'slotd_build_info{version="' in r.text and 'backend="' in r.text


def test_request_counts_move_by_route_template(msrv):
    t = msrv.tenant()
    before = scrape(msrv.base).text
    for _ in range(3):
        assert t.get("/v1/providers").status_code == 200
    missing = "prv_" + uuid.uuid4().hex[:20]
    assert t.get(f"/v1/providers/{missing}").status_code == 404
    after = scrape(msrv.base).text
    name = "slotd_http_request_duration_seconds_count"
    assert value(after, name, route="/v1/providers", method="GET", code_class="2xx") - \
        value(before, name, route="/v1/providers", method="GET", code_class="2xx") == 3
    assert value(after, name, route="/v1/providers/{}", method="GET", code_class="4xx") - \
        value(before, name, route="/v1/providers/{}", method="GET", code_class="4xx") == 1
    assert missing not in after, "raw paths never become labels"
    assert value(after, "slotd_store_transaction_duration_seconds_count", kind="read") > \
        value(before, "slotd_store_transaction_duration_seconds_count", kind="read")


def test_booking_outcomes_and_slot_queries_are_counted(msrv):
    w = consult_tenant(msrv)
    before = scrape(msrv.base).text
    start = at("2026-03-02", "10:00")
    booked(w.t, w.sid, start, w.pid)
    assert book(w.t, w.sid, start, w.pid).status_code == 409
    assert w.t.get("/v1/slots", params={"service_id": w.sid, "from": "2026-03-02",
                                        "to": "2026-03-03"}).status_code == 200
    after = scrape(msrv.base).text
    for outcome, n in (("created", 1), ("conflict", 1), ("rejected", 0)):
        assert value(after, "slotd_bookings_total", outcome=outcome) - \
            value(before, "slotd_bookings_total", outcome=outcome) == n, outcome
    assert value(after, "slotd_slot_queries_total") - \
        value(before, "slotd_slot_queries_total") == 1
    assert value(after, "slotd_store_transaction_duration_seconds_count", kind="write") > \
        value(before, "slotd_store_transaction_duration_seconds_count", kind="write")


def test_histograms_are_cumulative_and_end_at_the_count(msrv):
    msrv.tenant().get("/v1/services")
    text = scrape(msrv.base).text
    series = {}
    for name, labels, v in samples(text):
        if name.endswith("_bucket"):
            key = (name[:-7], tuple(sorted((k, x) for k, x in labels.items() if k != "le")))
            series.setdefault(key, []).append((labels["le"], v))
    assert series, "no histogram in the exposition"
    for (base, labels), buckets in series.items():
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), f"{base}{labels} buckets not monotonic: {buckets}"
        assert buckets[-1][0] == "+Inf"
        bounds = [float(le) for le, _ in buckets[:-1]]
        assert bounds == sorted(bounds)
        total = value(text, base + "_count", **dict(labels))
        assert total == counts[-1], f"{base}{labels}: +Inf {counts[-1]} != count {total}"
    assert value(text, "process_resident_memory_bytes") > 1 << 20
    assert value(text, "process_open_fds") >= 3
    assert value(text, "slotd_http_requests_in_flight") >= 1, "the scrape itself is in flight"


def test_promtool_finds_nothing_wrong(msrv):
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is needed: scripts/deps.sh test"
    t = msrv.tenant()
    t.get("/v1/providers")
    t.get("/v1/nothing-here")
    t.get("/v1/providers", key="sk_wrong")
    text = scrape(msrv.base).text
    cp = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                        text=True, timeout=30)
    assert cp.returncode == 0, f"promtool: {cp.stdout}{cp.stderr}"


def test_metrics_listener_serves_metrics_alone(start_server):
    srv = start_server(args=["--metrics-listen", "127.0.0.1:0"])
    line = next(x for x in srv.stdout_lines if x.startswith("slotd metrics on "))
    mbase = line.split(" on ", 1)[1].rsplit("/metrics", 1)[0]
    r = requests.get(f"{mbase}/metrics", timeout=10)
    assert r.status_code == 200 and "slotd_build_info" in r.text
    assert requests.get(f"{mbase}/v1/providers", timeout=10).status_code == 404
    assert requests.post(f"{mbase}/metrics", timeout=10).status_code == 405
    assert scrape(srv.base, token=None).status_code == 404, "not on the API listener"


# --- request log and ids --------------------------------------------------------------------------

def log_lines(path):
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_request_log_line_follows_the_request_id(start_server, tmp_path):
    log = tmp_path / "slotd.log"
    srv = start_server(args=["--log-file", str(log)])
    t = srv.tenant()
    rid = "client-" + uuid.uuid4().hex[:12]
    r = t.post("/v1/providers", {"name": "Dr Log", "timezone": "UTC",
                                 "email": "secret.person@example.com"},
               headers={"X-Request-Id": rid})
    assert r.status_code == 201, r.text
    assert r.headers["X-Request-Id"] == rid
    bad = t.post("/v1/providers", {"name": ""}, headers={"X-Request-Id": rid + "-bad"})
    assert bad.status_code == 422
    assert bad.json()["request_id"] == rid + "-bad" == bad.headers["X-Request-Id"]
    ev = t.get("/v1/events", params={"type": "provider.created"}).json()["data"]
    assert [e["request_id"] for e in ev] == [rid]
    srv.stop()
    lines = log_lines(log)
    mine = [x for x in lines if x.get("request_id") == rid]
    assert len(mine) == 1, lines
    x = mine[0]
    assert x["msg"] == "request" and x["method"] == "POST" and x["route"] == "/v1/providers"
    assert x["status"] == 201 and x["duration_us"] >= 0 and x["bytes_out"] > 0
    assert x["bytes_in"] == len(r.request.body)
    assert x["tenant"] and x["key_id"].startswith("key_")
    assert [y["status"] for y in lines if y.get("request_id") == rid + "-bad"] == [422]
    text = log.read_text()
    assert t.key not in text, "API keys never appear in logs"
    assert "secret.person@example.com" not in text, "customer data never appears in logs"


def test_unsafe_request_ids_are_replaced(fresh_server):
    t = fresh_server.tenant()
    for sent in ("a" * 65, "bad id", "x\u00e9"):
        r = t.get("/v1/providers", headers={"X-Request-Id": sent.encode("utf-8")})
        got = r.headers["X-Request-Id"]
        assert got != sent and got.startswith("req_"), (sent, got)


def test_log_level_warn_drops_request_lines(start_server, tmp_path):
    log = tmp_path / "quiet.log"
    srv = start_server(args=["--log-file", str(log), "--log-level", "warn"])
    srv.tenant().get("/v1/providers")
    srv.stop()
    assert not [x for x in log_lines(log) if x.get("msg") == "request"]


@pytest.mark.parametrize("args", [["--log-level", "loud"], ["--rate-limit-key", "5"],
                                  ["--rate-limit-key", "5/0"], ["--rate-limits", "maybe"],
                                  ["--rate-limit-address", "x/60"]])
def test_bad_operations_flags_are_refused(slotd_bin, tmp_path, args):
    cp = subprocess.run([slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db",
                         "--listen", "127.0.0.1:0", *args],
                        capture_output=True, text=True, timeout=30)
    assert cp.returncode == 2 and args[0] in cp.stderr + cp.stdout, cp.stderr


# --- rate limits ------------------------------------------------------------------------------------

POLICY_RE = re.compile(r'^"(\w+)";q=(\d+);w=(\d+)$')
LIMIT_RE = re.compile(r'^"(\w+)";r=(\d+);t=(\d+)$')


def limit_headers(r):
    p = POLICY_RE.match(r.headers["RateLimit-Policy"])
    m = LIMIT_RE.match(r.headers["RateLimit"])
    assert p and m, r.headers
    assert p.group(1) == m.group(1)
    return p.group(1), int(p.group(2)), int(p.group(3)), int(m.group(2)), int(m.group(3))


def test_a_key_over_its_limit_gets_429_and_other_keys_do_not(start_server):
    srv = start_server(args=["--rate-limit-key", "5/60"], env=ON)
    t, other_tenant = srv.tenant(), srv.tenant()
    staff = make_key(srv, t, "staff")
    seen = []
    for _ in range(5):
        r = t.get("/v1/providers")
        assert r.status_code == 200
        seen.append(limit_headers(r))
    assert [s[3] for s in seen] == [4, 3, 2, 1, 0]
    assert all(s[:3] == ("key", 5, 60) for s in seen)
    r = t.get("/v1/providers")
    assert r.status_code == 429
    body = r.json()
    assert body["code"] == "rate_limited" and body["status"] == 429
    assert r.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(r.headers["Retry-After"]) <= 12, "one request comes back every 12 s"
    assert limit_headers(r)[3] == 0
    assert t.post("/v1/providers", {"name": "X", "timezone": "UTC"}).status_code == 429
    assert t.get("/v1/providers", params={"limit": 1}).status_code == 429
    assert staff.get("/v1/providers").status_code == 200, "each key has its own bucket"
    assert other_tenant.get("/v1/providers").status_code == 200
    assert [p["name"] for p in staff.get("/v1/providers").json()["data"]] == [], \
        "the refused create wrote nothing"


def test_defaults_do_not_throttle_an_integration_and_say_so(start_server):
    srv = start_server(env=ON)
    t = srv.tenant()
    codes = [t.get("/v1/providers").status_code for _ in range(100)]
    assert codes == [200] * 100
    name, q, w, left, _ = limit_headers(t.get("/v1/providers"))
    assert (name, q, w) == ("key", 300, 5)
    assert left >= 300 - 101 - 1


def test_a_flood_from_one_key_is_refused_while_others_are_served(start_server):
    srv = start_server(args=["--rate-limit-key", "50/60"], env=ON)
    t, calm = srv.tenant(), srv.tenant()
    codes = [t.get("/v1/providers").status_code for _ in range(120)]
    assert codes[:50] == [200] * 50 and set(codes[50:]) == {429}
    assert calm.get("/v1/providers").status_code == 200


def test_failed_authentication_is_limited_per_address(start_server):
    srv = start_server(args=["--rate-limit-auth-failures", "3/60"], env=ON)
    t = srv.tenant()
    assert t.get("/v1/providers").status_code == 200, "a good key, used before the flood"
    codes = [t.get("/v1/providers", key=f"sk_guess{i}").status_code for i in range(6)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}, codes
    r = t.get("/v1/providers", key="sk_guess-again")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    assert t.get("/v1/providers").status_code == 200, "a known good key is still served"


def test_routes_without_a_key_are_limited_per_address(start_server):
    srv = start_server(args=["--rate-limit-address", "3/60"], env={**ON,
                                                                   "SLOTD_METRICS_TOKEN": TOKEN})
    codes = [requests.get(f"{srv.base}/healthz", timeout=10) for _ in range(4)]
    assert [c.status_code for c in codes] == [200, 200, 200, 429]
    assert limit_headers(codes[0])[:3] == ("address", 3, 60)
    assert "Retry-After" in codes[3].headers
    assert all(scrape(srv.base).status_code == 200 for _ in range(5)), "monitoring is not limited"
    text = scrape(srv.base).text
    assert value(text, "slotd_rate_limited_total", scope="address") == 1


def test_a_manage_token_has_its_own_limit(start_server):
    srv = start_server(args=["--rate-limit-token", "2/60"], env=ON)
    w = consult_tenant(srv)
    b = booked(w.t, w.sid, at("2026-03-02", "10:00"), w.pid)
    mt = Api(w.t.base, b["manage_token"], w.t.slug)
    codes = [mt.get(f"/v1/bookings/{b['id']}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert limit_headers(mt.get(f"/v1/bookings/{b['id']}"))[0] == "token"
    assert w.t.get(f"/v1/bookings/{b['id']}").status_code == 200, "the admin key is not held back"
    assert act(w.t, b["id"], "cancel").status_code == 200


def test_limits_off_sends_no_headers(start_server):
    srv = start_server(args=["--rate-limits", "off", "--rate-limit-key", "1/60"])
    t = srv.tenant()
    rs = [t.get("/v1/providers") for _ in range(3)]
    assert [r.status_code for r in rs] == [200] * 3
    assert "RateLimit" not in rs[-1].headers and "RateLimit-Policy" not in rs[-1].headers


# --- a tenant's own limit ---------------------------------------------------------------------------

def test_a_tenant_sets_its_own_key_limit(start_server):
    srv = start_server(env=ON)
    t, other = srv.tenant(), srv.tenant()
    assert t.get("/v1/settings").json() == {"rate_limits": {"key": None}, "locale": None,
                                            "booking_page": NO_PAGE}
    staff = make_key(srv, t, "staff")
    assert staff.get("/v1/settings").status_code == 403
    assert staff.put("/v1/settings", {"rate_limits": {"key": None}}).status_code == 403
    r = t.put("/v1/settings", {"rate_limits": {"key": {"quota": 4, "window_seconds": 60}}})
    assert r.status_code == 200, r.text
    assert r.json() == {"rate_limits": {"key": {"quota": 4, "window_seconds": 60}}, "locale": None,
                        "booking_page": NO_PAGE}
    seen = [t.get("/v1/providers") for _ in range(6)]
    # what the key used before (the GET and the PUT, less what refilled at the old rate
    # meanwhile) stays used under the new limit
    codes = [x.status_code for x in seen]
    ok = codes.count(200)
    assert 2 <= ok <= 4 and codes == [200] * ok + [429] * (6 - ok), codes
    assert limit_headers(seen[0])[:3] == ("key", 4, 60)
    assert limit_headers(other.get("/v1/providers"))[:3] == ("key", 300, 5), \
        "another tenant keeps the server's limit"
    ev = other.get("/v1/events", params={"type": "settings.updated"}).json()["data"]
    assert ev == [], "tenants see only their own events"


def test_settings_put_is_validated_and_recorded(start_server):
    srv = start_server(env=ON)
    t = srv.tenant()
    good = {"rate_limits": {"key": {"quota": 1000, "window_seconds": 10}}, "locale": "de",
            "booking_page": NO_PAGE}
    assert t.put("/v1/settings", good).status_code == 200
    for body, pointer in (
            ({"rate_limits": {"key": {"quota": -1, "window_seconds": 10}}}, "/rate_limits/key/quota"),
            ({"rate_limits": {"key": {"quota": 5, "window_seconds": 0}}},
             "/rate_limits/key/window_seconds"),
            ({"rate_limits": {"key": {"quota": 5}}}, "/rate_limits/key/window_seconds"),
            ({"rate_limits": {"key": "fast"}}, "/rate_limits/key"),
            ({"rate_limits": {"customer": {"quota": 5, "window_seconds": 5}}},
             "/rate_limits/customer"),
            ({"rate_limits": []}, "/rate_limits"),
            ({"locale": "fr"}, "/locale"),
            ({"locale": 7}, "/locale"),
            ({"limits": {}}, "/limits")):
        r = t.put("/v1/settings", body)
        assert r.status_code == 422, (body, r.text)
        assert pointer in [x["pointer"] for x in r.json()["errors"]], (body, r.json())
    assert t.get("/v1/settings").json() == good, "refused writes changed nothing"
    r = t.put("/v1/settings", {"rate_limits": {"key": None}})
    assert r.json() == {"rate_limits": {"key": None}, "locale": None,
                                            "booking_page": NO_PAGE}, "a PUT replaces everything"
    assert limit_headers(t.get("/v1/providers"))[:3] == ("key", 300, 5)
    ev = t.get("/v1/events", params={"type": "settings.updated"}).json()["data"]
    assert len(ev) == 2
    assert ev[0]["payload"] == good
    assert ev[1]["payload"] == {"rate_limits": {"key": None}, "locale": None,
                                            "booking_page": NO_PAGE}
    assert ev[1]["actor"]["id"].startswith("key_")


def test_a_tenant_may_loosen_its_limit_only_so_far(start_server):
    srv = start_server(args=["--rate-limit-key", "10/60"], env=ON)
    t = srv.tenant()
    for body in ({"quota": 0, "window_seconds": 1}, {"quota": 101, "window_seconds": 6000},
                 {"quota": 100, "window_seconds": 59}):
        r = t.put("/v1/settings", {"rate_limits": {"key": body}})
        assert r.status_code == 422, (body, r.text)
    assert t.get("/v1/settings").json() == {"rate_limits": {"key": None}, "locale": None,
                                            "booking_page": NO_PAGE}
    r = t.put("/v1/settings", {"rate_limits": {"key": {"quota": 100, "window_seconds": 60}}})
    assert r.status_code == 200, r.text
    assert [t.get("/v1/providers").status_code for _ in range(30)] == [200] * 30


# --- what the review found ------------------------------------------------------------------------

def raw_request(port, text):
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(text.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.decode("latin-1")


def test_answers_before_routing_carry_the_request_id(start_server, tmp_path):
    log = tmp_path / "early.log"
    srv = start_server(args=["--log-file", str(log)])
    out = raw_request(srv.port, "POST /v1/providers HTTP/1.1\r\nHost: x\r\n"
                                "X-Request-Id: early-bird-1\r\nContent-Length: 2\r\n"
                                "Content-Length: 3\r\nConnection: close\r\n\r\n{}")
    head, _, body = out.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400"), head
    assert "X-Request-Id: early-bird-1" in head
    assert json.loads(body)["request_id"] == "early-bird-1"
    srv.stop()
    assert [x["status"] for x in log_lines(log) if x.get("request_id") == "early-bird-1"] == [400]


def test_unanswered_requests_are_counted_and_logged(start_server, tmp_path):
    import socket
    log = tmp_path / "slow.log"
    srv = start_server(args=["--log-file", str(log), "--request-timeout", "2"],
                       env={"SLOTD_METRICS_TOKEN": TOKEN})
    before = value(scrape(srv.base).text, "slotd_http_requests_unanswered_total",
                   reason="timeout")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"POST /v1/providers HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow-1\r\n"
                  b"Content-Length: 100\r\nContent-Type: application/json\r\n\r\n{")
        got = b""
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    assert got.startswith(b"HTTP/1.1 408"), got[:80]
    time.sleep(0.5)
    after = value(scrape(srv.base).text, "slotd_http_requests_unanswered_total",
                  reason="timeout")
    text = scrape(srv.base).text
    assert after + value(text, "slotd_http_requests_unanswered_total", reason="error") - before >= 1
    srv.stop()
    mine = [x for x in log_lines(log) if x.get("request_id") == "slow-1"]
    assert len(mine) == 1 and mine[0]["msg"] == "request not answered", mine


def test_log_and_metrics_use_templates_and_count_unmatched(start_server, tmp_path):
    log = tmp_path / "tpl.log"
    srv = start_server(args=["--log-file", str(log)], env={"SLOTD_METRICS_TOKEN": TOKEN})
    t = srv.tenant()
    pid = t.post("/v1/providers", {"name": "Dr T", "timezone": "UTC"}).json()["id"]
    before = scrape(srv.base).text
    t.get(f"/v1/providers/{pid}")
    requests.get(f"{srv.base}/v1/no-such-thing", timeout=10)
    after = scrape(srv.base).text
    name = "slotd_http_request_duration_seconds_count"
    assert value(after, name, route="unmatched", method="GET", code_class="4xx") - \
        value(before, name, route="unmatched", method="GET", code_class="4xx") == 1
    srv.stop()
    text = log.read_text()
    assert pid not in text, "ids in paths never reach the log"
    routes = [x["route"] for x in log_lines(log) if x.get("msg") == "request"]
    assert "/v1/providers/{}" in routes and "unmatched" in routes


def test_only_the_last_forwarded_address_counts(start_server, tmp_path):
    log = tmp_path / "xff.log"
    srv = start_server(args=["--trust-forwarded-for", "--rate-limit-address", "3/60",
                             "--log-file", str(log)], env=ON)
    codes = []
    for i in range(5):
        out = raw_request(srv.port, f"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                    f"X-Forwarded-For: 10.9.{i}.1\r\n"
                                    f"X-Forwarded-For: 203.0.113.7, 192.0.2.7\r\n"
                                    f"Connection: close\r\n\r\n")
        codes.append(int(out.split(" ", 2)[1]))
    assert codes == [200, 200, 200, 429, 429], codes
    srv.stop()
    remotes = {x.get("remote") for x in log_lines(log) if x.get("msg") == "request"}
    assert remotes == {"192.0.2.7"}, remotes


def test_a_spent_address_still_serves_keys_it_used_well(start_server):
    srv = start_server(args=["--rate-limit-auth-failures", "2/600"], env=ON)
    t, fresh = srv.tenant(), srv.tenant()
    assert t.get("/v1/providers").status_code == 200
    assert [t.get("/v1/providers", key=f"sk_bad{i}").status_code for i in range(3)] == \
        [401, 401, 429]
    r = fresh.get("/v1/providers")
    assert r.status_code == 429, "a key never used from here waits like a guess"
    assert limit_headers(r)[:3] == ("auth_failure", 2, 600)
    time.sleep(10.5)   # past the auth cache's lifetime: the key is looked up again
    assert t.get("/v1/providers").status_code == 200
