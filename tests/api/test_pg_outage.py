"""PostgreSQL outages: the database goes away under a running slotd (pg_ctl stop -m immediate)
and comes back on the same port.

While it is away every request that needs the database answers 503 application/problem+json
with Retry-After (never another 5xx, never a crash), /readyz answers 503 and /healthz stays
200. Once PostgreSQL is back, the same slotd process recovers by itself, and every booking that
was answered 201 is there exactly once.

Runs only in the PostgreSQL run (api_pg). Every test restarts PostgreSQL in a finally block so
later modules find it running. Providers are in UTC; "now" is DEFAULT_NOW.
"""
import collections
import threading
import time
import uuid

import pytest
import requests

import pg_helpers
from conftest import DEFAULT_NOW, Server, create_tenant, expect_problem, weekdays, Api

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RECOVERY_SECONDS = 20.0


@pytest.fixture
def pg_server(slotd_bin, tmp_path):
    """A slotd on a fresh database of its own."""
    url = pg_helpers.create_database()
    srv = Server(slotd_bin, None, tmp_path, db_url=url).start()
    yield srv
    rc = 0
    if srv.running():
        rc = srv.stop()
    srv.kill()
    pg_helpers.drop_database(url)
    assert rc == 0, f"slotd exited with {rc} after SIGTERM; stderr={srv.stderr()}"


class Outage:
    """Stops PostgreSQL immediately on enter; on exit (whatever happened) starts it again
    unless the test already did."""

    def __init__(self):
        self.down = False

    def __enter__(self):
        pg_helpers.stop_immediate()
        self.down = True
        return self

    def end(self):
        if self.down:
            pg_helpers.start()
            self.down = False

    def __exit__(self, *exc):
        self.end()
        return False


def setup_tenant(srv):
    t = srv.tenant()
    pid = t.provider("Always", "UTC")["id"]
    t.schedule(pid, weekdays([("00:00", "24:00")], days=ALL_DAYS))
    sid = t.service([pid], "Hour", 60)["id"]
    return t, pid, sid


def bbody(sid, start, i=0):
    return {"service_id": sid, "start": start,
            "customer": {"name": f"Client {i}", "email": f"client{i}@example.com"}}


def post_booking(t, body, key, timeout=30):
    return t.s.post(t.base + "/v1/bookings", json=body, timeout=timeout,
                    headers={"Authorization": f"Bearer {t.key}", "X-Test-Now": DEFAULT_NOW,
                             "Idempotency-Key": key})


def assert_503(r):
    body = expect_problem(r, 503, "service_unavailable")
    ra = r.headers.get("Retry-After")
    assert ra is not None and ra.strip().isdigit() and int(ra) >= 1, dict(r.headers)
    return body


def wait_ready(srv, seconds=RECOVERY_SECONDS):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        assert srv.running(), f"slotd died: stderr={srv.stderr()}"
        try:
            last = requests.get(srv.base + "/readyz", timeout=5)
            if last.status_code == 200:
                assert last.json() == {"status": "ready"}
                return
            assert_503(last)
        except requests.ConnectionError as ex:
            raise AssertionError(f"slotd stopped answering: {ex}; stderr={srv.stderr()}")
        time.sleep(0.2)
    raise AssertionError(f"/readyz not 200 within {seconds}s after PostgreSQL came back: "
                         f"{last and last.status_code} {last and last.text}")


def wait_all_ok(check, seconds=RECOVERY_SECONDS):
    """Repeats check() (which returns a list of responses) until every response is below 500;
    any 5xx meanwhile must be a proper 503. Then one more round must have no 5xx at all."""
    deadline = time.monotonic() + seconds
    while True:
        rs = check()
        bad = [r for r in rs if r.status_code >= 500]
        for r in bad:
            assert_503(r)
        if not bad:
            break
        assert time.monotonic() < deadline, \
            f"still 503 {seconds}s after recovery: {[r.text for r in bad]}"
        time.sleep(0.2)
    for r in check():
        assert r.status_code < 500, f"{r.status_code}: {r.text}"


def test_outage_answers_503_and_recovers_without_restart(pg_server, slotd_bin):
    srv = pg_server
    t, pid, sid = setup_tenant(srv)
    before = {}
    for h in range(9, 14):
        r = post_booking(t, bbody(sid, f"2026-04-06T{h:02d}:00:00Z", h), f"pre-{h}")
        assert r.status_code == 201, r.text
        before[r.json()["id"]] = {k: v for k, v in r.json().items() if k != "manage_token"}
    bid = next(iter(before))
    # A tenant whose key has never been used: no process can have it cached.
    slug = "cold-" + uuid.uuid4().hex[:10]
    cold = Api(srv.base, create_tenant(slotd_bin, srv.db_url, slug))
    slots_params = {"service_id": sid, "provider_id": pid, "from": "2026-04-07",
                    "to": "2026-04-07"}
    pid_before = srv.proc.pid
    late_key, late_body = "during-outage", bbody(sid, "2026-04-08T10:00:00Z", 99)

    with Outage() as outage:
        for _ in range(4):   # more than once, so pooled connections meet the outage too
            assert_503(post_booking(t, late_body, late_key))
            assert_503(t.get("/v1/slots", params=slots_params, now=DEFAULT_NOW))
            assert_503(t.get(f"/v1/bookings/{bid}"))
            assert_503(t.get("/v1/bookings"))
            assert_503(t.post(f"/v1/bookings/{bid}/cancel", now=DEFAULT_NOW))
            assert_503(t.post("/v1/providers", {"name": "New", "timezone": "UTC"},
                              now=DEFAULT_NOW))
            # An unknown-to-the-cache key cannot be checked: 503, not 401.
            assert_503(cold.get("/v1/providers"))
            assert_503(requests.get(srv.base + "/readyz", timeout=10))
            h = requests.get(srv.base + "/healthz", timeout=10)
            assert h.status_code == 200 and h.json() == {"status": "ok"}, h.text
            assert srv.running(), srv.stderr()
            time.sleep(0.3)
        outage.end()

    wait_ready(srv)

    def check():
        return [t.get(f"/v1/bookings/{bid}"),
                t.get("/v1/slots", params=slots_params, now=DEFAULT_NOW),
                t.get("/v1/providers"),
                cold.get("/v1/providers")]

    wait_all_ok(check)
    assert srv.running() and srv.proc.pid == pid_before
    # Every booking answered 201 before the outage is there, unchanged; nothing else is.
    for b_id, b in before.items():
        assert t.ok("GET", f"/v1/bookings/{b_id}") == b
    assert sorted(x["id"] for x in t.list_all("/v1/bookings")) == sorted(before)
    # The 503 was not stored as the key's outcome: the same request now books.
    r = post_booking(t, late_body, late_key)
    assert r.status_code == 201, r.text
    assert "Idempotent-Replayed" not in r.headers
    assert r.json()["start"] == "2026-04-08T10:00:00Z"
    # Writes work again, on every kind of route.
    assert t.ok("POST", f"/v1/bookings/{bid}/cancel", status=200,
                now=DEFAULT_NOW)["status"] == "cancelled"
    assert cold.ok("GET", "/v1/providers")["data"] == []
    assert "2026-04-06T09:00:00Z" in t.starts(sid, pid, "2026-04-06")


def test_sigterm_during_outage_exits_cleanly(pg_server):
    srv = pg_server
    t, pid, sid = setup_tenant(srv)
    assert post_booking(t, bbody(sid, "2026-04-09T10:00:00Z"), "k1").status_code == 201
    with Outage():
        assert_503(t.get("/v1/bookings"))
        rc = srv.stop()
        assert rc == 0, f"slotd exited with {rc}; stderr={srv.stderr()}"


def test_bookings_in_a_loop_across_a_crash_and_restart(pg_server):
    srv = pg_server
    t, pid, sid = setup_tenant(srv)
    # Distinct hourly starts, far more than the loop can use.
    starts = [f"2026-{m:02d}-{d:02d}T{h:02d}:00:00Z"
              for m in (5, 6, 7) for d in range(1, 29) for h in range(24)]
    records = []          # (start, key, body, status, json or None)
    errors = []
    stop = threading.Event()
    lock = threading.Lock()

    def created():
        with lock:
            return sum(1 for r in records if r[3] == 201)

    def loop():
        s = requests.Session()
        try:
            for i, start in enumerate(starts):
                if stop.is_set():
                    return
                key = f"loop-{i}-{uuid.uuid4().hex[:8]}"
                body = bbody(sid, start, i)
                try:
                    r = s.post(t.base + "/v1/bookings", json=body, timeout=30,
                               headers={"Authorization": f"Bearer {t.key}",
                                        "X-Test-Now": DEFAULT_NOW, "Idempotency-Key": key})
                except requests.RequestException as ex:
                    errors.append(f"{start}: {ex!r}")
                    return
                rec = (start, key, body, r.status_code,
                       r.json() if r.status_code == 201 else None)
                if r.status_code == 503:
                    try:
                        assert_503(r)
                    except AssertionError as ex:
                        errors.append(f"{start}: bad 503: {ex}")
                    time.sleep(0.05)
                elif r.status_code != 201:
                    errors.append(f"{start}: {r.status_code} {r.text}")
                with lock:
                    records.append(rec)
            errors.append("ran out of starts")
        finally:
            s.close()

    th = threading.Thread(target=loop, daemon=True)
    pid_before = srv.proc.pid
    th.start()
    try:
        def wait_for(n, seconds):
            deadline = time.monotonic() + seconds
            while created() < n and not errors:
                assert time.monotonic() < deadline, f"only {created()} bookings made"
                time.sleep(0.05)
            assert not errors, errors[:5]

        wait_for(20, 30)
        with Outage() as outage:
            at_crash = created()
            time.sleep(2.0)
            outage.end()
        # The loop keeps going: 20 more bookings after the restart, within a bounded time.
        wait_for(at_crash + 20, 30 + RECOVERY_SECONDS)
    finally:
        stop.set()
        th.join(timeout=60)
    assert not th.is_alive()
    assert not errors, errors[:5]
    assert srv.running() and srv.proc.pid == pid_before, srv.stderr()
    wait_ready(srv)

    statuses = collections.Counter(r[3] for r in records)
    assert set(statuses) <= {201, 503}, statuses
    assert statuses[503] >= 1, f"the loop never met the outage: {statuses}"

    by_start = collections.defaultdict(list)
    for b in t.list_all("/v1/bookings"):
        by_start[b["start"]].append(b["id"])
    # Every 201 is stored exactly once, under its id.
    for start, _, _, status, j in records:
        if status == 201:
            assert by_start.get(start) == [j["id"]], (start, by_start.get(start))
    # A 503 may or may not have been stored, at most once; retried with its key, it resolves to
    # exactly one booking (a replay if it had been stored).
    for start, key, body, status, _ in records:
        if status != 503:
            continue
        had = list(by_start.get(start, []))
        assert len(had) <= 1, (start, had)
        deadline = time.monotonic() + RECOVERY_SECONDS
        while True:
            r = post_booking(t, body, key)
            if r.status_code == 201:
                break
            if r.status_code == 503:
                assert_503(r)
            else:
                # A key left "in progress" by the crash may briefly be in use; nothing else.
                expect_problem(r, 409, "idempotency_key_in_use")
            assert time.monotonic() < deadline, f"{start}: still {r.status_code}: {r.text}"
            time.sleep(0.2)
        if had:
            assert r.json()["id"] == had[0], (start, had, r.text)
            assert r.headers.get("Idempotent-Replayed") == "true"
        by_start[start] = [r.json()["id"]]
    final = collections.defaultdict(list)
    for b in t.list_all("/v1/bookings"):
        final[b["start"]].append(b["id"])
    assert dict(final) == dict(by_start)
    assert all(len(v) == 1 for v in final.values())
