"""HTTP parsing and limits, checked on raw sockets: message framing a proxy could read
differently (request smuggling), request-target and header limits, "%2F" inside a path
segment, charsets, slow clients (slow-loris) and connections per address and in all.

Every refusal is problem+json; libmicrohttpd's own HTML answers are left only where
libmicrohttpd 0.9.75 offers no hook (see docs/operations.md, "HTTP limits")."""
import json
import select
import socket
import time

import pytest
import requests

from conftest import DEFAULT_NOW, expect_problem, weekdays


# --- raw HTTP helpers ----------------------------------------------------------------------

def addr(server):
    return ("127.0.0.1", server.port)


def connect(server, source="127.0.0.1", timeout=10):
    return socket.create_connection(addr(server), timeout=timeout, source_address=(source, 0))


def read_all(s, limit=5.0):
    """Everything s sends until it closes (or limit seconds pass): (bytes, closed)."""
    out = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            return out, False
        except ConnectionResetError:
            return out, True
        if not b:
            return out, True
        out += b
    return out, False


class Reply:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 "), raw[:200]
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()

    def problem(self, status, code=None):
        assert self.status == status, (self.status, self.body[:300])
        assert self.headers.get("content-type", "").startswith("application/problem+json"), \
            self.headers
        body = json.loads(self.body)
        assert body["status"] == status
        if code:
            assert body["code"] == code, body
        return body


def exchange(server, data, source="127.0.0.1"):
    """Sends data on a new connection; returns (Reply, closed) for the first answer."""
    with connect(server, source) as s:
        s.sendall(data)
        raw, closed = read_all(s)
    assert raw, "no answer"
    return Reply(raw), closed


def healthy(server):
    r = requests.get(server.base + "/healthz", timeout=10)
    assert r.status_code == 200


def get(path, *headers):
    return (f"GET {path} HTTP/1.1\r\nHost: x\r\n" + "".join(h + "\r\n" for h in headers) +
            "\r\n").encode()


# --- request smuggling ---------------------------------------------------------------------

def post(key, framing, body):
    return (f"POST /v1/providers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\n{framing}\r\n").encode() + body


SMUGGLED = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("framing,body", [
    ("Content-Length: 2\r\nContent-Length: 40\r\n", b"{}" + SMUGGLED),
    ("Content-Length: 40\r\nContent-Length: 2\r\n", b"{}" + SMUGGLED),
    ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: identity\r\n", b"{}"),
    ("Content-Length : 2\r\n", b"{}" + SMUGGLED),
    ("Transfer-Encoding : chunked\r\n", b"0\r\n\r\n" + SMUGGLED),
    ("X-Pad: a\rContent-Length: 2\r\n", b"{}" + SMUGGLED),
], ids=["cl-2-40", "cl-40-2", "cl-te", "te-cl", "te-gzip-chunked", "te-twice", "te-identity",
        "cl-space-colon", "te-space-colon", "bare-cr"])
def test_ambiguous_framing_is_400_and_closes(server, api, framing, body):
    before = len(api.list_all("/v1/providers"))
    with connect(server) as s:
        s.sendall(post(api.key, framing, body))
        raw, closed = read_all(s)
    r = Reply(raw)
    r.problem(400, "malformed_request")
    assert closed, "the connection stays open after ambiguous framing"
    assert raw.count(b"HTTP/1.1 ") == 1, f"a second (smuggled) request was answered: {raw!r}"
    assert len(api.list_all("/v1/providers")) == before


def test_identical_duplicate_content_length_is_accepted_conflicting_is_not(server, api):
    body = json.dumps({"name": "Dup CL", "timezone": "UTC"}).encode()
    n = len(body)
    r, _ = exchange(server, post(api.key, f"Content-Length: {n}\r\nContent-Length: {n}\r\n"
                                 "Connection: close\r\n", body))
    assert r.status == 201, r.body
    r, _ = exchange(server, post(api.key, f"Content-Length: {n}\r\nContent-Length: {n + 1}"
                                 "\r\n", body + b" "))
    r.problem(400, "malformed_request")


def test_transfer_encoding_in_http10_is_400(server):
    r, closed = exchange(server, b"POST /v1/providers HTTP/1.0\r\nTransfer-Encoding: chunked"
                                 b"\r\n\r\n0\r\n\r\n" + SMUGGLED)
    r.problem(400, "malformed_request")
    assert closed


def test_http11_needs_exactly_one_host(server):
    for data in (b"GET /healthz HTTP/1.1\r\n\r\n",
                 b"GET /healthz HTTP/1.2\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"):
        r, closed = exchange(server, data)
        r.problem(400, "malformed_request")
        assert closed
    # HTTP/1.0 has no Host requirement.
    r, _ = exchange(server, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert r.status == 200


# --- "%2F" stays inside its segment ----------------------------------------------------------

def test_encoded_slash_is_not_a_path_separator(api):
    pid = api.provider("Slash", "UTC")["id"]
    assert api.get(f"/v1/providers/{pid}/schedule").status_code == 200
    for enc in ("%2F", "%2f"):
        r = api.get(f"/v1/providers/{pid}{enc}schedule")
        expect_problem(r, 404, "not_found")
    # An encoded NUL does not cut the path short either.
    expect_problem(api.get(f"/v1/providers/{pid}%00/schedule"), 404, "not_found")
    # Other escapes in the path are still decoded.
    assert api.get(f"/v1/providers/{pid.replace('p', '%70', 1)}").status_code == 200
    # In a query value "%2F" is an ordinary (decoded) slash.
    api.schedule(pid, weekdays([("09:00", "10:00")]))
    svc = api.service([pid])
    r = api.get(f"/v1/slots?service_id={svc['id']}&from=2026-03-02&to=2026-03-02"
                "&timezone=America%2FNew_York", now=DEFAULT_NOW)
    assert r.status_code == 200, r.text
    assert r.json()["slots"][0]["start"].endswith("-05:00")


def test_query_parameter_holding_a_nul_is_400_at_its_name(api):
    """An encoded NUL would cut a value short for every reader of it as a C string:
    status=confirmed%00x must not be read as status=confirmed."""
    pid = api.provider("Nul", "UTC")["id"]
    api.schedule(pid, weekdays([("09:00", "10:00")]))
    svc = api.service([pid])
    assert api.get("/v1/bookings?status=confirmed").status_code == 200
    for path, name in [("/v1/bookings?status=confirmed%00x", "status"),
                       (f"/v1/slots?service_id={svc['id']}%00&from=2026-03-02&to=2026-03-02",
                        "service_id"),
                       (f"/v1/slots?service_id={svc['id']}&from=2026-03-02&to=2026-03-02"
                        "&timezone=UTC%00", "timezone"),
                       ("/v1/providers?limit=%00", "limit")]:
        body = expect_problem(api.get(path, now=DEFAULT_NOW), 400, "malformed_request", name)
        assert "NUL" in body["errors"][0]["detail"], body
    # In a parameter's name too.
    body = expect_problem(api.get("/v1/providers?li%00mit=1"), 400, "malformed_request")
    assert "NUL" in body["detail"]
    # A NUL nowhere: still answered.
    r = api.get(f"/v1/slots?service_id={svc['id']}&from=2026-03-02&to=2026-03-02",
                now=DEFAULT_NOW)
    assert r.status_code == 200, r.text


# --- charsets ------------------------------------------------------------------------------------

BAD_CHARSETS = [
    "application/json; charset=iso-8859-1",
    "application/json; charset=latin1",
    "application/json;charset=utf-16",
    'application/json; charset="windows-1252"',
    "application/merge-patch+json; charset=us-ascii",
]
UTF8_CHARSETS = [
    "application/json; charset=utf-8",
    "application/json; charset=UTF-8",
    'application/json; charset="utf-8"',
    "application/json;charset=utf8",
    "application/json; Charset=utf-8; foo=bar",
]


def test_json_in_another_charset_is_415_utf8_is_accepted(new_api):
    for ctype in BAD_CHARSETS:
        r = new_api.post("/v1/providers", data=json.dumps({"name": "Latin", "timezone": "UTC"}),
                         headers={"Content-Type": ctype})
        expect_problem(r, 415, "unsupported_media_type")
    assert new_api.list_all("/v1/providers") == []
    for ctype in UTF8_CHARSETS:
        r = new_api.post("/v1/providers", data=json.dumps({"name": "Zoë", "timezone": "UTC"}),
                         headers={"Content-Type": ctype})
        assert r.status_code == 201, (ctype, r.text)


# --- request-target and header limits --------------------------------------------------------------

def test_long_request_target_is_414_problem(server):
    ok = "/healthz?pad=" + "a" * (8192 - 13)
    r, _ = exchange(server, get(ok, "Connection: close"))
    assert r.status == 200
    for n in (8193, 20000, 30000):
        r, closed = exchange(server, get("/healthz?pad=" + "a" * (n - 13)))
        r.problem(414, "uri_too_long")
        assert closed
    healthy(server)


def test_large_header_block_is_431_problem(server):
    r, _ = exchange(server, get("/healthz", "X-Pad: " + "a" * 15000, "Connection: close"))
    assert r.status == 200
    for n in (17000, 30000):
        r, closed = exchange(server, get("/healthz", "X-Pad: " + "a" * n))
        r.problem(431, "headers_too_large")
        assert closed
    healthy(server)


def test_too_many_header_fields_is_431_problem(server):
    r, _ = exchange(server, get("/healthz", *[f"X-H{i}: v" for i in range(90)],
                                "Connection: close"))
    assert r.status == 200
    for n in (101, 300):
        r, _ = exchange(server, get("/healthz", *[f"X-H{i}: v" for i in range(n)]))
        r.problem(431, "headers_too_large")
    healthy(server)


def test_header_and_url_limits_follow_their_flags(start_server):
    srv = start_server(["--max-header-bytes", "2048", "--max-url-bytes", "1024"])
    r, _ = exchange(srv, get("/healthz", "X-Pad: " + "a" * 1900, "Connection: close"))
    assert r.status == 200
    r, _ = exchange(srv, get("/healthz", "X-Pad: " + "a" * 2100))
    r.problem(431, "headers_too_large")
    r, _ = exchange(srv, get("/healthz?p=" + "a" * 1000, "Connection: close"))
    assert r.status == 200
    r, _ = exchange(srv, get("/healthz?p=" + "a" * 1100))
    r.problem(414, "uri_too_long")
    # Far past the memory libmicrohttpd keeps per connection (the limits plus about 14 KB),
    # it answers by itself: still a 4xx, and the server carries on.
    r, closed = exchange(srv, get("/healthz", "X-Pad: " + "a" * 200000))
    assert r.status == 431 and closed
    healthy(srv)


@pytest.mark.parametrize("args", [
    ["--max-connections", "0"], ["--max-connections", "x"], ["--request-timeout", "0"],
    ["--idle-timeout", "-1"], ["--max-header-bytes", "100"],
    ["--max-connections-per-ip", "2000000"],
])
def test_limit_flags_refuse_bad_values(slotd_bin, tmp_path, args):
    from conftest import run_cli
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen",
                 "127.0.0.1:0", *args, timeout=10)
    assert cp.returncode == 2, cp.stdout + cp.stderr
    assert f"{args[0]} must be a number from" in cp.stderr, cp.stderr


# --- slow clients ----------------------------------------------------------------------------

def trickle(socks, seconds, payload=b"a"):
    """Sends one byte on each socket every 0.5 s until each answers or closes, or seconds
    pass; returns {socket: (bytes, seconds until the answer or close)}."""
    t0 = time.monotonic()
    done = {}
    while time.monotonic() - t0 < seconds and len(done) < len(socks):
        readable, _, _ = select.select([s for s in socks if s not in done], [], [], 0.5)
        for s in readable:
            raw, _ = read_all(s, 2.0)
            done[s] = (raw, time.monotonic() - t0)
        for s in socks:
            if s not in done:
                try:
                    s.send(payload)
                except OSError:
                    # The server closed after answering: what it sent is still readable.
                    done[s] = (read_all(s, 1.0)[0], time.monotonic() - t0)
    return done


def test_slow_loris_headers_get_408_within_the_request_timeout(start_server):
    srv = start_server(["--request-timeout", "2", "--idle-timeout", "5"])
    socks = [connect(srv) for _ in range(48)]
    try:
        for s in socks:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        # Meanwhile the server answers others.
        healthy(srv)
        done = trickle(socks, 8)
        assert len(done) == 48, f"{48 - len(done)} slow connections still open after 8 s"
        for raw, after in done.values():
            assert after < 5, after
            Reply(raw).problem(408, "client_timeout")
        for s in socks:
            assert read_all(s, 2.0)[1], "closed after the 408"
    finally:
        for s in socks:
            s.close()
    healthy(srv)


def test_slow_body_gets_408(start_server, tmp_path):
    srv = start_server(["--request-timeout", "2"])
    api = srv.tenant()
    with connect(srv) as s:
        s.sendall(post(api.key, "Content-Length: 100\r\n", b"{"))
        done = trickle([s], 6, payload=b" ")
    (raw, after), = done.values()
    Reply(raw).problem(408, "client_timeout")
    assert after < 5
    assert api.list_all("/v1/providers") == []


def test_request_line_sent_byte_by_byte_is_dropped(start_server):
    srv = start_server(["--request-timeout", "2", "--idle-timeout", "2"])
    with connect(srv) as s:
        done = trickle([s], 10, payload=b"G")
    (raw, after), = done.values()
    assert after < 7, after
    assert raw == b"" or Reply(raw).status == 408


def test_silent_connection_is_closed_after_the_idle_timeout(start_server):
    srv = start_server(["--idle-timeout", "2"])
    with connect(srv) as s:
        t0 = time.monotonic()
        raw, closed = read_all(s, 8)
    assert closed and raw == b""
    assert time.monotonic() - t0 < 5


def test_keep_alive_requests_each_get_the_full_request_timeout(start_server):
    srv = start_server(["--request-timeout", "2", "--idle-timeout", "5"])
    with connect(srv) as s:
        for _ in range(3):
            s.sendall(get("/healthz"))
            s.settimeout(5)
            raw = s.recv(65536)
            assert Reply(raw).status == 200
            time.sleep(1.5)
        s.sendall(get("/healthz", "Connection: close"))
        raw, closed = read_all(s)
        assert Reply(raw).status == 200 and closed


# --- connections per address and in all --------------------------------------------------------

def hold(server, n, source="127.0.0.1"):
    """n connections that started a request and stay in it."""
    socks = []
    for _ in range(n):
        s = connect(server, source)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    time.sleep(0.2)
    return socks


def test_connections_per_address_are_limited(start_server):
    srv = start_server(["--max-connections-per-ip", "3"])
    held = hold(srv, 3)
    try:
        r, closed = exchange(srv, get("/healthz"))
        r.problem(503, "too_many_connections")
        assert r.headers.get("retry-after") == "1"
        assert closed
        # Another address is not affected.
        r, _ = exchange(srv, get("/healthz", "Connection: close"), source="127.0.0.2")
        assert r.status == 200
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    r, _ = exchange(srv, get("/healthz", "Connection: close"))
    assert r.status == 200


def test_connections_in_all_are_limited(start_server):
    srv = start_server(["--max-connections", "4", "--max-connections-per-ip", "0"])
    held = hold(srv, 2, "127.0.0.3") + hold(srv, 2, "127.0.0.4")
    try:
        r, closed = exchange(srv, get("/healthz"), source="127.0.0.5")
        r.problem(503, "too_many_connections")
        assert closed
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    r, _ = exchange(srv, get("/healthz", "Connection: close"), source="127.0.0.5")
    assert r.status == 200


def test_refused_connections_that_say_nothing_are_dropped(start_server):
    srv = start_server(["--max-connections-per-ip", "1", "--request-timeout", "2",
                        "--idle-timeout", "30"])
    held = hold(srv, 1)
    try:
        with connect(srv) as s:
            t0 = time.monotonic()
            raw, closed = read_all(s, 8)
        assert closed and raw == b""
        assert time.monotonic() - t0 < 5
    finally:
        for s in held:
            s.close()
