"""Webhook delivery (issue 13) to a real HTTP receiver in this process
(webhook_receiver.py), which checks every Standard Webhooks signature with its own HMAC code:
the signed request for an event (webhook-id = the event id, body type/timestamp/data),
event_types filtering, retries on the spec's schedule under the test clock, Retry-After, 410
disabling the endpoint, redirects not followed, a dead endpoint not delaying a healthy one,
kill -9 during delivery losing nothing (a duplicate carries the same webhook-id), and on
PostgreSQL three processes sharing the work without duplicates.

Servers run with SLOTD_WEBHOOK_ALLOW_PRIVATE=1 (the receiver is on 127.0.0.1). Tests that move
the test clock (process-wide) run on a server of their own.
"""
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

import booking_helpers
import pg_helpers
from conftest import Server, _start, _stop, create_tenant, Api, pg_processes, weekdays, \
    new_db_url
from webhook_receiver import WebhookReceiver, silent_port

ENV = {"SLOTD_WEBHOOK_ALLOW_PRIVATE": "1"}
NOW = "2027-02-01T00:00:00Z"
MON = "2027-03-01"
# Standard Webhooks: attempt n+1 follows a failed attempt n after SCHEDULE[n] seconds.
SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
               .timestamp())


@pytest.fixture(scope="module")
def hooks():
    r = WebhookReceiver().start()
    yield r
    r.stop()


METRICS_TOKEN = "delivery-metrics-token-0123456789"


@pytest.fixture(scope="module")
def srv(slotd_bin, tmp_path_factory):
    s = _start(slotd_bin, tmp_path_factory.mktemp("delivery"),
               env={**ENV, "SLOTD_METRICS_TOKEN": METRICS_TOKEN})
    yield s
    _stop(s)


@pytest.fixture
def own_srv(slotd_bin, tmp_path):
    s = _start(slotd_bin, tmp_path / "srv", env=ENV)
    yield s
    _stop(s)


def endpoint(t, url, types=None):
    body = {"url": url}
    if types is not None:
        body["event_types"] = types
    return t.ok("POST", "/v1/webhook-endpoints", body, status=201)


def provider(t, name="Dr A"):
    return t.ok("POST", "/v1/providers", {"name": name, "timezone": "UTC"}, status=201)


def events(t, **params):
    rows, after = [], 0
    while True:
        page = t.ok("GET", "/v1/events", params={**params, "after": after, "limit": 200})
        rows += page["data"]
        if not page["data"] or page.get("next_after") is None:
            return rows
        after = page["next_after"]


def deliveries(t, ep_id):
    return t.list_all(f"/v1/webhook-endpoints/{ep_id}/deliveries")


def wait_delivery(t, ep_id, pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        ds = deliveries(t, ep_id)
        if pred(ds):
            return ds
        assert time.monotonic() < deadline, f"deliveries never got there: {ds}"
        time.sleep(0.05)


def set_clock(t, ts):
    t.ok("POST", "/v1/test/clock", {"now": iso(ts)}, status=200)


# --- the signed request -----------------------------------------------------------------------

def test_booking_sends_a_signed_webhook(srv, hooks):
    t = srv.tenant()
    ep = endpoint(t, hooks.url("/booking"), ["booking."])
    p = t.ok("POST", "/v1/providers", {"name": "Dr B", "timezone": "America/New_York"},
             status=201)
    t.ok("PUT", f"/v1/providers/{p['id']}/schedule",
         {"weekly": weekdays([("09:00", "17:00")])}, status=200)
    svc = t.ok("POST", "/v1/services", {"name": "Check-up", "duration_minutes": 30,
                                         "provider_ids": [p["id"]]}, status=201)
    b = booking_helpers.booked(t, svc["id"], f"{MON}T10:00:00-05:00", now=NOW)

    [got] = hooks.wait(lambda q: len(q) >= 1, path="/booking")
    [ev] = [e for e in events(t, type="booking.created") if e["subject_id"] == b["id"]]
    assert got.id == ev["id"]
    assert got.verify(ep["secret"])
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("slotd/")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    body = got.json()
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "booking.created"
    assert body["timestamp"] == ev["created_at"]
    assert body["data"]["id"] == b["id"]
    assert body["data"] == ev["payload"]
    # Recorded: one attempt, 200, succeeded.
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["status"] == "succeeded")
    assert d["event_id"] == ev["id"] and d["attempts"] == 1 and d["last_status"] == 200
    # Nothing else went to this endpoint (its types are booking.*).
    time.sleep(0.3)
    assert [r.json()["type"] for r in hooks.on("/booking")] == ["booking.created"]


def test_event_types_filter(srv, hooks):
    t = srv.tenant()
    every = endpoint(t, hooks.url("/every"))
    exact = endpoint(t, hooks.url("/exact"), ["provider.created"])
    prefix = endpoint(t, hooks.url("/prefix"), ["provider."])
    other = endpoint(t, hooks.url("/other"), ["booking.created"])
    p = provider(t)
    t.ok("PATCH", f"/v1/providers/{p['id']}", {"name": "Dr Renamed"}, status=200)

    hooks.wait(lambda q: len(q) >= 2, path="/prefix")
    hooks.wait(lambda q: len(q) >= 1, path="/exact")
    # "*" (the default) gets the endpoints' own events too.
    hooks.wait(lambda q: {"provider.created", "provider.updated"}
               <= {r.json()["type"] for r in q}, path="/every")
    time.sleep(0.3)
    assert [r.json()["type"] for r in hooks.on("/exact")] == ["provider.created"]
    assert sorted(r.json()["type"] for r in hooks.on("/prefix")) == \
        ["provider.created", "provider.updated"]
    assert hooks.on("/other") == []
    for path, ep in (("/every", every), ("/exact", exact), ("/prefix", prefix)):
        for r in hooks.on(path):
            assert r.verify(ep["secret"]), (path, r.headers)
    assert other["id"]


def test_rotated_secret_signs_with_both(srv, hooks):
    t = srv.tenant()
    ep = endpoint(t, hooks.url("/rotate"), ["provider."])
    new = t.ok("POST", f"/v1/webhook-endpoints/{ep['id']}/rotate-secret", status=200)
    provider(t)
    [got] = hooks.wait(lambda q: len(q) >= 1, path="/rotate")
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert got.verify(new["secret"]) and got.verify(ep["secret"])


# --- failures and retries -------------------------------------------------------------------------

def test_retry_schedule_with_test_clock(own_srv, hooks):
    """9 failures then success: exactly 10 attempts, each at the planned time (±10 %), all
    with the same webhook-id and signed with the attempt's timestamp."""
    t = own_srv.tenant()
    t0 = int(time.time())
    set_clock(t, t0)
    path = "/retry"
    hooks.script(path, [500] * 9)
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    when = t0
    for n in range(1, 10):
        hooks.wait(lambda q: len(q) >= n, path=path)
        [d] = wait_delivery(t, ep["id"], lambda ds, n=n: ds and ds[0]["attempts"] == n)
        assert d["status"] == "pending" and d["last_status"] == 500
        due = unix(d["next_attempt_at"])
        gap = due - when
        assert SCHEDULE[n] * 0.9 - 1 <= gap <= SCHEDULE[n] * 1.1 + 1, (n, gap)
        # Not before its time.
        set_clock(t, due - 1)
        time.sleep(0.2)
        assert len(hooks.on(path)) == n
        when = due
        set_clock(t, due)
    got = hooks.wait(lambda q: len(q) >= 10, path=path)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["status"] == "succeeded")
    assert d["attempts"] == 10
    time.sleep(0.3)
    got = hooks.on(path)
    assert len(got) == 10
    assert len({r.id for r in got}) == 1
    for r in got:
        assert r.verify(ep["secret"])
    # Each attempt's timestamp is the (test) clock when it was made.
    stamps = [int(r.headers["webhook-timestamp"]) for r in got]
    assert stamps == sorted(stamps) and stamps[0] == t0
    t.ok("POST", "/v1/test/clock", {"now": None}, status=200)


def test_circuit_breaker_opens_probes_and_closes(own_srv, hooks):
    """5 consecutive failures open the endpoint's circuit: its other deliveries wait for the
    retry time, then one probe goes at a time; a successful probe closes it and the rest
    follow."""
    t = own_srv.tenant()
    t0 = int(time.time())
    set_clock(t, t0)
    path = "/breaker"
    hooks.script(path, [500] * 1000)
    endpoint(t, hooks.url(path), ["provider."])
    n = 12
    for i in range(n):
        provider(t, f"Dr {i}")
    time.sleep(1.0)
    opened = len(hooks.on(path))
    assert 5 <= opened <= 7, opened          # 5 failures, and what was in flight then
    set_clock(t, t0 + 6)                     # past every 5 s retry
    time.sleep(1.0)
    assert len(hooks.on(path)) == opened + 1     # one probe, which fails
    with hooks.cond:
        hooks.scripts[path].clear()          # the receiver recovers
    set_clock(t, t0 + 6 + 400)               # past the probe's retry (5 min ± 10 %)
    ids = {e["id"] for e in events(t, type="provider.created")}
    hooks.wait(lambda q: {r.id for r in q if r.status == 200} >= ids, path=path)
    t.ok("POST", "/v1/test/clock", {"now": None}, status=200)


def test_retry_after_is_honoured(own_srv, hooks):
    t = own_srv.tenant()
    t0 = int(time.time())
    set_clock(t, t0)
    path = "/busy"
    hooks.script(path, [429], headers={"Retry-After": "120"})
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    hooks.wait(lambda q: len(q) >= 1, path=path)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["attempts"] == 1)
    assert d["last_status"] == 429
    assert unix(d["next_attempt_at"]) - t0 == 120
    set_clock(t, t0 + 119)
    time.sleep(0.2)
    assert len(hooks.on(path)) == 1
    set_clock(t, t0 + 120)
    hooks.wait(lambda q: len(q) >= 2, path=path)
    t.ok("POST", "/v1/test/clock", {"now": None}, status=200)


def test_410_disables_the_endpoint(srv, hooks):
    t = srv.tenant()
    path = "/gone"
    hooks.script(path, [410])
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    hooks.wait(lambda q: len(q) >= 1, path=path)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["status"] == "failed")
    assert d["attempts"] == 1 and d["last_status"] == 410
    deadline = time.monotonic() + 5
    while True:
        e = t.ok("GET", f"/v1/webhook-endpoints/{ep['id']}")
        if not e["enabled"]:
            break
        assert time.monotonic() < deadline, e
        time.sleep(0.05)
    assert e["disabled_reason"] == "gone"
    [dis] = events(t, type="endpoint.disabled")
    assert dis["subject_id"] == ep["id"]
    # Nothing more goes to it.
    provider(t, "Dr C")
    time.sleep(0.5)
    assert len(hooks.on(path)) == 1


def test_redirect_is_not_followed(srv, hooks):
    t = srv.tenant()
    path = "/moved"
    hooks.script(path, [302])
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    hooks.wait(lambda q: len(q) >= 1, path=path)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["attempts"] == 1)
    assert d["status"] == "pending" and d["last_status"] == 302
    assert "redirect" in d["last_error"]
    time.sleep(0.3)
    assert hooks.on("/redirected") == []


def test_answer_that_is_not_utf8_is_recorded(srv, hooks):
    """The first 1 KB of an answer is recorded as text: an answer cut inside a UTF-8
    character, or with bytes that are not UTF-8, is recorded (as valid text), listed, and
    does not stop the worker (PostgreSQL refuses such text in a column)."""
    t = srv.tenant()
    path = "/latin1"
    hooks.script(path, [500], body=b"x" * 1023 + "\u00e9".encode() + b" \xff\xfe end")
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["attempts"] == 1)
    assert d["status"] == "pending" and d["last_status"] == 500
    got = t.ok("GET", f"/v1/deliveries/{d['id']}")
    [a] = got["attempt_log"]
    assert a["status_code"] == 500 and a["response"].startswith("x" * 1023)
    assert len(a["response"].encode()) <= 1024
    # The worker goes on: the next event is delivered and recorded.
    hooks.script(path, [], body=b"caf\xe9 \xff")
    provider(t, "Dr Next")
    wait_delivery(t, ep["id"], lambda ds: len(ds) == 2 and any(
        x["status"] == "succeeded" for x in ds))


def test_dead_endpoint_does_not_delay_a_healthy_one(srv, hooks):
    sock, port = silent_port()
    try:
        t = srv.tenant()
        endpoint(t, f"http://127.0.0.1:{port}/dead", ["provider."])
        healthy = endpoint(t, hooks.url("/healthy"), ["provider."])
        n = 30
        t0 = time.time()
        for i in range(n):
            provider(t, f"Dr {i}")
        got = hooks.wait(lambda q: len(q) >= n, path="/healthy", timeout=10)
        took = time.time() - t0
        assert took < 5, f"the healthy endpoint took {took:.1f}s for {n} events"
        assert len({r.id for r in got}) == n
        for r in got:
            assert r.verify(healthy["secret"])
    finally:
        sock.close()


def test_metrics_count_attempts(srv, hooks):
    t = srv.tenant()
    path = "/metrics-hook"
    hooks.script(path, [500])
    endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    provider(t, "Dr D")
    hooks.wait(lambda q: len(q) >= 2, path=path)
    time.sleep(0.3)
    text = requests.get(srv.base + "/metrics",
                        headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    values = {}
    for line in text.splitlines():
        if line.startswith(("slotd_delivery_attempts_total", "slotd_notify_")):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    assert values['slotd_delivery_attempts_total{channel="webhook",result="success"}'] >= 1
    assert values['slotd_delivery_attempts_total{channel="webhook",result="failure"}'] >= 1
    assert 'slotd_delivery_attempts_total{channel="email",result="error"}' in values
    assert "slotd_notify_backlog" in values
    assert "slotd_notify_oldest_pending_seconds" in values


# --- crashes and processes ------------------------------------------------------------------------

def test_kill_9_during_delivery_loses_nothing(slotd_bin, tmp_path, hooks):
    """The receiver stalls the first request; slotd is killed with deliveries in flight and
    leased; after a restart (its leases expired, by the test clock) every event arrives, and
    a duplicate carries the same webhook-id."""
    work = tmp_path / "crash"
    work.mkdir()
    first = Server(slotd_bin, work / "slotd.db", work, env=ENV).start()
    db_url = first.db_url
    path = "/crash"
    hooks.script(path, ["hang"])
    try:
        t = first.tenant()
        endpoint(t, hooks.url(path), ["provider."])
        n = 40
        for i in range(n):
            provider(t, f"Dr {i}")
        hooks.wait(lambda q: len(q) >= 1, path=path)
        first.kill()
    finally:
        first.kill()
    second = Server(slotd_bin, None, work, env=ENV, db_url=db_url).start()
    try:
        t2 = Api(second.base, t.key)
        ids = {e["id"] for e in events(t2, type="provider.created")}
        assert len(ids) == n
        set_clock(t2, int(time.time()) + 3600)     # past every lease
        got = hooks.wait(lambda q: {r.id for r in q if r.status == 200} >= ids, path=path,
                         timeout=20)
        assert {r.id for r in got} == ids
        for r in got:
            assert r.json()["type"] == "provider.created"
        t2.ok("POST", "/v1/test/clock", {"now": None}, status=200)
    finally:
        _stop(second)


def test_sigterm_finishes_the_attempt_in_flight(slotd_bin, tmp_path, hooks):
    """SIGTERM while the receiver takes 2 s to answer: slotd waits for the answer, records it
    and exits 0; after a restart the delivery is not sent again."""
    work = tmp_path / "term"
    work.mkdir()
    path = "/slow"
    hooks.script(path, ["slow"])
    first = Server(slotd_bin, work / "slotd.db", work, env=ENV).start()
    db_url = first.db_url
    try:
        t = first.tenant()
        ep = endpoint(t, hooks.url(path), ["provider."])
        provider(t)
        hooks.wait(lambda q: len(q) >= 1, path=path)
    finally:
        assert first.stop() == 0
    second = Server(slotd_bin, None, work, env=ENV, db_url=db_url).start()
    try:
        t2 = Api(second.base, t.key)
        [d] = deliveries(t2, ep["id"])
        assert d["status"] == "succeeded" and d["attempts"] == 1, d
        set_clock(t2, int(time.time()) + 3600)     # past any lease
        time.sleep(0.5)
        assert len(hooks.on(path)) == 1
        t2.ok("POST", "/v1/test/clock", {"now": None}, status=200)
    finally:
        _stop(second)


def test_retention_takes_the_deliveries_of_purged_events(slotd_bin, tmp_path, hooks):
    """Events past the retention go with their deliveries and attempts (the delivery log
    would otherwise grow for ever); those of kept events stay."""
    url = new_db_url(tmp_path)
    path = "/retained"
    old = iso(int(time.time()) - 40 * 86400)
    srv = Server(slotd_bin, None, tmp_path, db_url=url, env=ENV).start()
    try:
        t = Api(srv.base, create_tenant(slotd_bin, url, "retained"))
        # The purge stops at the first young event: key.created (stamped by `slotd tenant
        # create` with the real clock) is dated back, the endpoint made at the old time.
        sql = f"UPDATE events SET created_at = {unix(old) - 60} WHERE type = 'key.created'"
        if srv.backend == "sqlite":
            con = sqlite3.connect(srv.db_path, timeout=30)
            with con:
                con.execute(sql)
            con.close()
        else:
            pg_helpers.psql(srv.db_url, sql)
        ep = t.ok("POST", "/v1/webhook-endpoints",
                  {"url": hooks.url(path), "event_types": ["provider."]}, now=old)
        for i in range(3):
            t.ok("POST", "/v1/providers", {"name": f"old {i}", "timezone": "UTC"}, now=old)
        provider(t, "new")
        ds = wait_delivery(t, ep["id"], lambda ds: len(ds) == 4 and all(
            d["status"] == "succeeded" for d in ds))
        evs = {e["id"]: e for e in events(t, type="provider.created")}
    finally:
        assert srv.stop() == 0
    srv = Server(slotd_bin, None, tmp_path, db_url=url, env=ENV,
                 args=["--event-retention-days", "30"]).start()
    try:
        t = Api(srv.base, t.key)
        kept = {e["id"] for e in events(t, type="provider.created")}
        assert len(kept) == 1 and kept < set(evs)
        left = deliveries(t, ep["id"])
        assert [d["event_id"] for d in left] == list(kept)
        for d in ds:
            if d["event_id"] in kept:
                assert len(t.ok("GET", f"/v1/deliveries/{d['id']}")["attempt_log"]) == 1
            else:
                assert t.get(f"/v1/deliveries/{d['id']}").status_code == 404
    finally:
        assert srv.stop() == 0
        srv.drop_db()


@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_three_processes_deliver_each_event_once(slotd_bin, tmp_path_factory, hooks):
    path = "/pg"
    with pg_processes(slotd_bin, tmp_path_factory, 3, args=["--allow-private-webhooks"]) \
            as (url, servers):
        key = create_tenant(slotd_bin, url, "wh-pg")
        apis = [Api(s.base, key) for s in servers]
        endpoint(apis[0], hooks.url(path), ["provider."])
        n = 150
        for i in range(n):
            provider(apis[i % 3], f"Dr {i}")
        ids = {e["id"] for e in events(apis[0], type="provider.created")}
        assert len(ids) == n
        got = hooks.wait(lambda q: {r.id for r in q} >= ids, path=path, timeout=30)
        time.sleep(1)
        got = hooks.on(path)
        assert sorted(r.id for r in got) == sorted(ids), "duplicates or strangers"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_address_is_refused_at_connect_time(slotd_bin, tmp_path, hooks, host):
    """An endpoint saved while private addresses were allowed, on a server restarted without
    that: each attempt is refused at the address libcurl resolved ("localhost" is resolved by
    it, not at registration), the receiver hears nothing, and the log says why."""
    work = tmp_path / "ssrf"
    work.mkdir()
    path = f"/ssrf-{host}"
    first = Server(slotd_bin, work / "slotd.db", work, env=ENV).start()
    db_url = first.db_url
    try:
        t = first.tenant()
        url = hooks.url(path).replace("127.0.0.1", host)
        ep = endpoint(t, url, ["provider."])
        assert ep["url"] == url
    finally:
        assert first.stop() == 0
    hooks.requests.clear()
    second = Server(slotd_bin, None, work, db_url=db_url).start()
    try:
        t2 = Api(second.base, t.key)
        provider(t2)
        [d] = wait_delivery(t2, ep["id"], lambda ds: ds and ds[0]["attempts"] >= 1)
        assert d["status"] == "pending" and d["last_status"] is None, d
        assert "loopback" in d["last_error"], d
        full = t2.ok("GET", f"/v1/deliveries/{d['id']}")
        assert "refused" in full["attempt_log"][0]["error"]
        time.sleep(0.3)
        assert hooks.on(path) == []
    finally:
        _stop(second)


def test_proxy_variables_do_not_divert_deliveries(slotd_bin, tmp_path, hooks):
    """A proxy from the environment would connect on its own, past the address check: slotd
    ignores http_proxy and friends, so the receiver itself gets the request."""
    sock, port = silent_port()
    dead = f"http://127.0.0.1:{port}"
    env = {**ENV, "http_proxy": dead, "HTTP_PROXY": dead, "https_proxy": dead,
           "ALL_PROXY": dead}
    srv = _start(slotd_bin, tmp_path / "proxy", env=env)
    try:
        t = srv.tenant()
        endpoint(t, hooks.url("/no-proxy"), ["provider."])
        provider(t)
        [got] = hooks.wait(lambda q: len(q) >= 1, path="/no-proxy", timeout=10)
        assert got.json()["type"] == "provider.created"
    finally:
        _stop(srv)
        sock.close()


def test_backlogs_of_dead_endpoints_do_not_take_every_lease(slotd_bin, tmp_path, hooks):
    """Four endpoints that never answer, with 600 overdue deliveries each (as after an
    outage): one claim keeps only an endpoint's share and gives the rest back at once, so a
    healthy endpoint's new delivery still goes out within seconds, not once the dead
    transfers time out or the leases lapse."""
    from test_webhooks_api import sql, tenant_id
    socks = [silent_port() for _ in range(4)]
    srv = _start(slotd_bin, tmp_path / "backlog", env=ENV)
    try:
        t = srv.tenant()
        dead = [endpoint(t, f"http://127.0.0.1:{port}/dead", ["nothing."])
                for _, port in socks]
        ev = events(t, type="endpoint.created")[0]
        ten, now = tenant_id(srv, t.slug), int(time.time())
        for k, ep in enumerate(dead):
            # Each backlog older than the next: a claim takes one whole before the next.
            due = now - 1000 + 100 * k
            sql(srv, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                     " WHERE x < 600) INSERT INTO deliveries(id, tenant_id, event_seq,"
                     " event_id, event_type, channel, endpoint_id, status, attempts,"
                     " next_attempt_at, created_at, updated_at) SELECT ? || x, ?, ?, ?,"
                     " 'endpoint.created', 'webhook', ?, 'pending', 1, ?, ?, ? FROM c",
                (f"dlv_backlog{k}_", ten, ev["seq"], ev["id"], ep["id"], due, due, due))
        time.sleep(1.0)             # rounds claim the backlogs
        endpoint(t, hooks.url("/after-outage"), ["provider."])
        t0 = time.time()
        provider(t)
        hooks.wait(lambda q: len(q) >= 1, path="/after-outage", timeout=10)
        assert time.time() - t0 < 5
    finally:
        for s, _ in socks:     # first, so the transfers in flight end and the stop is quick
            s.close()
        _stop(srv)


def test_retry_after_as_an_http_date(own_srv, hooks):
    from email.utils import formatdate
    t = own_srv.tenant()
    t0 = int(time.time())
    set_clock(t, t0)
    path = "/busy-date"
    # Two hours from the real clock, in the IMF-fixdate form of RFC 9110.
    hooks.script(path, [503], headers={"Retry-After": formatdate(t0 + 7200, usegmt=True)})
    ep = endpoint(t, hooks.url(path), ["provider."])
    provider(t)
    [d] = wait_delivery(t, ep["id"], lambda ds: ds and ds[0]["attempts"] == 1)
    assert d["last_status"] == 503
    assert 7190 <= unix(d["next_attempt_at"]) - t0 <= 7200, d
    t.ok("POST", "/v1/test/clock", {"now": None}, status=200)
