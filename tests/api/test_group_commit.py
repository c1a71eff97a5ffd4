"""Group commit on SQLite: write transactions waiting for the one writer are committed
together (one COMMIT, one sync for the batch), each still checked on its own, answered only
after the COMMIT that holds it, and a refusal in a batch does not touch the others.

The server runs with --threads 32 so that many requests reach the writer at once, and with
--metrics-listen so the test sees how many COMMITs made how many writes durable. Each check
runs with group commit on (the default) and with --group-commit off, where every write
commits alone. Under PostgreSQL (no group commit: one transaction per write, the tenant's
lock) the same checks run, and the COMMIT count equals the writes.

- Many clients book at once: one 201 per contested start, every other answer a 409
  slot_taken, every own start a 201; the bookings stored are exactly the 201s; the event log
  runs 1..N in commit order (a write answered before another was sent has the smaller seq).
- Refusals inside batches (412 If-Match, 404, 422 for a service naming an unknown provider,
  409 taken) leave no trace, and the writes around them all stand.
- kill -9 while bookings are in flight: after a restart every booking answered 201 is there.
- One Idempotency-Key sent by many clients at once: one booking, every 201 the same one.
"""
import collections
import json
import os
import signal
import threading
import time
import uuid
from datetime import date, timedelta

import pytest
import requests

import pg_helpers
from conftest import DEFAULT_NOW, Api, Server, create_tenant, weekdays

THREADS = 32
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST_DAY = date(2026, 3, 2)


def start_at(n):
    """The n-th start of the provider (open 08:00-18:00 every day, one-hour service)."""
    d = FIRST_DAY + timedelta(days=n // 10)
    return f"{d.isoformat()}T{8 + n % 10:02d}:00:00Z"


def metrics_base(srv):
    line = next(x for x in srv.stdout_lines if x.startswith("slotd metrics on "))
    return line.split(" on ", 1)[1].rsplit("/metrics", 1)[0]


def commit_counts(srv):
    """(COMMITs, writes committed) from the server's metrics."""
    text = requests.get(f"{metrics_base(srv)}/metrics", timeout=10).text
    vals = {}
    for line in text.splitlines():
        if line.startswith(("slotd_store_commits_total ", "slotd_store_writes_committed_total ")):
            name, v = line.split()
            vals[name] = int(float(v))
    return vals["slotd_store_commits_total"], vals["slotd_store_writes_committed_total"]


def server_args(mode):
    args = ["--threads", str(THREADS), "--metrics-listen", "127.0.0.1:0"]
    if mode == "off":
        args += ["--group-commit", "off"]
    return args


@pytest.fixture(params=["on", "off"])
def gc_server(request, start_server):
    srv = start_server(args=server_args(request.param), name=f"gc-{request.param}")
    srv.gc_mode = request.param
    return srv


def setup_tenant(srv):
    t = srv.tenant()
    pid = t.provider("Busy", "UTC")["id"]
    t.schedule(pid, weekdays([("08:00", "18:00")], days=ALL_DAYS))
    sid = t.service([pid], "Visit", 60)["id"]
    return t, pid, sid


def headers(t, rid, key=None, extra=None):
    h = {"Authorization": f"Bearer {t.key}", "Content-Type": "application/json",
         "X-Test-Now": DEFAULT_NOW, "X-Request-Id": rid}
    if key:
        h["Idempotency-Key"] = key
    h.update(extra or {})
    return h


def booking_body(sid, pid, start, rid):
    return {"service_id": sid, "provider_id": pid, "start": start,
            "customer": {"name": f"C {rid}", "email": f"{rid.lower()}@example.com"}}


class Record:
    """Every request sent: request id, kind, sent and answered (monotonic), status, body."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []
        self.errors = []

    def send(self, s, method, url, rid, kind, body=None, hdrs=None):
        sent = time.monotonic()
        r = s.request(method, url, data=None if body is None else json.dumps(body),
                      headers=hdrs, timeout=60)
        row = types_row(rid, kind, sent, time.monotonic(), r)
        with self.lock:
            self.rows.append(row)
        return row


def types_row(rid, kind, sent, answered, r):
    body = r.json() if r.content else None
    return {"rid": rid, "kind": kind, "sent": sent, "answered": answered,
            "status": r.status_code, "body": body,
            "replayed": r.headers.get("Idempotent-Replayed") == "true"}


def run_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def wrap(i):
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as ex:  # noqa: BLE001 - reported below
            errors.append(f"thread {i}: {ex!r}")

    ths = [threading.Thread(target=wrap, args=(i,), daemon=True) for i in range(n)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(timeout=300)
        assert not th.is_alive(), "a client thread did not finish"
    assert not errors, errors[:5]


def all_events(t):
    out, after = [], 0
    while True:
        page = t.ok("GET", "/v1/events", params={"after": after, "limit": 200})
        out += page["data"]
        if page.get("next_after") is None:
            return out
        after = page["next_after"]


def check_commit_order(events, rows):
    """Seqs 1..N; each 2xx write (not a replay) has its one event; a write answered before
    another was sent has the smaller seq."""
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1)), seqs[:20]
    by_rid = collections.defaultdict(list)
    for e in events:
        by_rid[e["request_id"]].append(e)
    done = []
    for row in rows:
        evs = by_rid.get(row["rid"], [])
        if 200 <= row["status"] < 300 and not row["replayed"]:
            assert len(evs) >= 1, (row["rid"], row["status"])
            done.append((min(e["seq"] for e in evs), row))
        elif row["status"] >= 400:
            assert evs == [], (row["rid"], row["status"], [e["type"] for e in evs])
    done.sort(key=lambda x: x[0])
    min_answered, bad = float("inf"), []
    for seq, row in reversed(done):
        if min_answered < row["sent"]:
            bad.append((row["rid"], seq))
        min_answered = min(min_answered, row["answered"])
    assert not bad, f"a write sent after another was answered got a smaller seq: {bad[:10]}"


def test_many_clients_one_winner_per_start_all_own_starts_booked(gc_server):
    srv = gc_server
    t, pid, sid = setup_tenant(srv)
    c0 = commit_counts(srv)
    rounds = 6
    rec = Record()
    url = srv.base + "/v1/bookings"

    def client(i):
        with requests.Session() as s:
            for r in range(rounds):
                rid = f"c{i:02d}-r{r}-contested"
                rec.send(s, "POST", url, rid, ("contested", r),
                         booking_body(sid, pid, start_at(r), rid),
                         headers(t, rid, key=f"k-{uuid.uuid4().hex}"))
                rid = f"c{i:02d}-r{r}-own"
                rec.send(s, "POST", url, rid, ("own", i, r),
                         booking_body(sid, pid, start_at(100 + i * rounds + r), rid),
                         headers(t, rid, key=f"k-{uuid.uuid4().hex}"))

    run_threads(THREADS, client)
    rows = rec.rows
    assert all(row["status"] < 500 for row in rows), \
        [(row["rid"], row["status"], row["body"]) for row in rows if row["status"] >= 500][:5]
    for r in range(rounds):
        got = collections.Counter(row["status"] for row in rows if row["kind"] == ("contested", r))
        assert got == {201: 1, 409: THREADS - 1}, (r, got)
    for row in rows:
        if row["status"] == 409:
            assert row["body"]["code"] == "slot_taken", row
        if row["kind"][0] == "own":
            assert row["status"] == 201, row
            assert row["body"]["start"] == start_at(100 + row["kind"][1] * rounds + row["kind"][2])
    won = {row["body"]["id"]: row["body"]["start"] for row in rows if row["status"] == 201}
    stored = {b["id"]: b["start"] for b in t.list_all("/v1/bookings")}
    assert stored == won
    check_commit_order(all_events(t), rows)

    commits, committed = (a - b for a, b in zip(commit_counts(srv), c0))
    # Every request is a write (a 409 stores its answer under its Idempotency-Key).
    assert committed >= len(rows), (commits, committed, len(rows))
    if srv.gc_mode == "off" or srv.backend != "sqlite":
        assert commits == committed, (commits, committed)
    else:
        assert commits < committed, (commits, committed)
    print(f"\n{srv.backend} group commit {srv.gc_mode}: {committed} writes in {commits} commits")


def test_refusals_in_a_batch_leave_no_trace_and_touch_no_one_else(gc_server):
    srv = gc_server
    t, pid, sid = setup_tenant(srv)
    shared = t.ok("POST", "/v1/bookings", booking_body(sid, pid, start_at(0), "shared"),
                  headers={"Idempotency-Key": "shared", "X-Test-Now": DEFAULT_NOW}, status=201)
    services_before = len(t.list_all("/v1/services"))
    events_before = len(all_events(t))
    rec = Record()
    base = srv.base
    # Each round's requests are sent at the same moment, so most of them wait for the writer
    # and join a batch behind another.
    rounds = 5
    step = threading.Barrier(THREADS)

    def client(i):
        with requests.Session() as s:
            for r in range(rounds):
                step.wait(timeout=60)
                rid = f"c{i:02d}-r{r}"
                kind = (i + r) % 5
                if kind == 0:       # a booking of its own: 201
                    rec.send(s, "POST", base + "/v1/bookings", rid, "own",
                             booking_body(sid, pid, start_at(10 + i * rounds + r), rid),
                             headers(t, rid, key=rid))
                elif kind == 1:     # everyone edits version 1 of one booking: one 200, 412s
                    rec.send(s, "PATCH", base + f"/v1/bookings/{shared['id']}", rid, "edit",
                             {"notes": f"by {rid}"}, headers(t, rid, extra={"If-Match": '"1"'}))
                elif kind == 2:     # a service naming a provider that does not exist: 422
                    rec.send(s, "POST", base + "/v1/services", rid, "bad service",
                             {"name": f"S {rid}", "duration_minutes": 30,
                              "provider_ids": [pid, "prv_0000000000000000zzzz"]},
                             headers(t, rid))
                elif kind == 3:     # the start booked above: 409
                    rec.send(s, "POST", base + "/v1/bookings", rid, "taken",
                             booking_body(sid, pid, start_at(0), rid), headers(t, rid, key=rid))
                else:               # an edit of a booking that does not exist: 404
                    rec.send(s, "PATCH", base + "/v1/bookings/bkg_0000000000000000zzzz", rid,
                             "missing", {"notes": "x"}, headers(t, rid))

    run_threads(THREADS, client)
    rows = rec.rows
    by_kind = collections.defaultdict(collections.Counter)
    for row in rows:
        by_kind[row["kind"]][row["status"]] += 1
    assert set(by_kind["own"]) == {201}, by_kind
    assert by_kind["edit"][200] == 1 and set(by_kind["edit"]) == {200, 412}, by_kind
    assert set(by_kind["bad service"]) == {422}, by_kind
    assert set(by_kind["taken"]) == {409}, by_kind
    assert set(by_kind["missing"]) == {404}, by_kind

    # The refused writes left nothing: no service, no event; the edit that won is the one
    # stored; every booking answered 201 is there.
    assert len(t.list_all("/v1/services")) == services_before
    (winner,) = [row for row in rows if row["kind"] == "edit" and row["status"] == 200]
    b = t.ok("GET", f"/v1/bookings/{shared['id']}")
    assert b["notes"] == f"by {winner['rid']}" and b["version"] == 2, b
    stored = {x["id"] for x in t.list_all("/v1/bookings")}
    own = {row["body"]["id"] for row in rows if row["kind"] == "own"}
    assert stored == own | {shared["id"]}
    events = all_events(t)
    new = events[events_before:]
    assert collections.Counter(e["type"] for e in new) == \
        {"booking.created": len(own), "booking.updated": 1}, \
        collections.Counter(e["type"] for e in new)
    check_commit_order(events, rows)


def test_kill_9_loses_no_answered_booking(slotd_bin, tmp_path):
    workdir = tmp_path / "k9"
    workdir.mkdir()
    if pg_helpers.enabled():
        url = pg_helpers.create_database()
    else:
        url = f"sqlite:{workdir / 'slotd.db'}"
    key = create_tenant(slotd_bin, url, "killed")
    srv = Server(slotd_bin, None, workdir, args=server_args("on"), db_url=url).start()
    try:
        t = Api(srv.base, key)
        pid = t.provider("Busy", "UTC")["id"]
        t.schedule(pid, weekdays([("08:00", "18:00")], days=ALL_DAYS))
        sid = t.service([pid], "Visit", 60)["id"]
        answered, lock, stop = [], threading.Lock(), threading.Event()

        def client(i):
            with requests.Session() as s:
                for n in range(10_000):
                    if stop.is_set():
                        return
                    rid = f"k{i:02d}-{n}"
                    try:
                        r = s.post(srv.base + "/v1/bookings",
                                   data=json.dumps(booking_body(sid, pid,
                                                                start_at(i * 10_000 + n), rid)),
                                   headers=headers(t, rid, key=rid), timeout=30)
                    except requests.RequestException:
                        return      # the server is gone
                    if r.status_code == 201:
                        with lock:
                            answered.append(r.json()["id"])
                    elif r.status_code != 503:
                        raise AssertionError(f"{r.status_code}: {r.text}")

        ths = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(24)]
        for th in ths:
            th.start()
        # Until some bookings are answered (PostgreSQL's per-tenant lock is slower), then
        # at once, while requests are in flight.
        until = time.monotonic() + 20
        while time.monotonic() < until:
            time.sleep(0.25)
            with lock:
                if len(answered) >= 300:
                    break
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait(timeout=10)
        stop.set()
        for th in ths:
            th.join(timeout=60)
        with lock:
            ids = list(answered)
        assert len(ids) >= 20, len(ids)
    finally:
        srv.kill()
    srv2 = Server(slotd_bin, None, workdir, args=server_args("on"), db_url=url).start()
    try:
        t2 = Api(srv2.base, key)
        stored = {b["id"] for b in t2.list_all("/v1/bookings")}
        missing = [i for i in ids if i not in stored]
        assert not missing, f"{len(missing)} of {len(ids)} bookings answered 201 are gone"
        # The log survived whole too: one booking.created per stored booking, seqs 1..N.
        events = all_events(t2)
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert {e["subject_id"] for e in events if e["type"] == "booking.created"} == stored
    finally:
        assert srv2.stop() == 0
        srv2.kill()
        if pg_helpers.enabled():
            pg_helpers.drop_database(url)


def test_one_key_many_clients_one_booking(gc_server):
    srv = gc_server
    t, pid, sid = setup_tenant(srv)
    rec = Record()
    key = "same-" + uuid.uuid4().hex
    body = booking_body(sid, pid, start_at(5), "same")

    def client(i):
        with requests.Session() as s:
            for r in range(3):
                rid = f"c{i:02d}-r{r}"
                if i % 2:
                    rec.send(s, "POST", srv.base + "/v1/bookings", rid, "same", body,
                             headers(t, rid, key=key))
                else:               # other bookings around them, in the same batches
                    rec.send(s, "POST", srv.base + "/v1/bookings", rid, "other",
                             booking_body(sid, pid, start_at(20 + i * 3 + r), rid),
                             headers(t, rid, key=rid))

    run_threads(THREADS, client)
    same = [row for row in rec.rows if row["kind"] == "same"]
    ok = [row for row in same if row["status"] == 201]
    assert ok and {row["body"]["id"] for row in ok} == {ok[0]["body"]["id"]}, same[:5]
    assert sum(1 for row in ok if not row["replayed"]) == 1
    for row in same:
        assert row["status"] in (201, 409), row
        if row["status"] == 409:
            assert row["body"]["code"] != "slot_taken", row
    # Sent again now, the key replays the one booking.
    r = requests.post(srv.base + "/v1/bookings", data=json.dumps(body),
                      headers=headers(t, "again", key=key), timeout=30)
    assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") == "true"
    assert r.json()["id"] == ok[0]["body"]["id"]
    stored = [b for b in t.list_all("/v1/bookings") if b["start"] == start_at(5)]
    assert [b["id"] for b in stored] == [ok[0]["body"]["id"]]
    assert all(row["status"] == 201 for row in rec.rows if row["kind"] == "other")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_group_commit_setting_other_than_on_or_off_is_refused(slotd_bin, tmp_path, how):
    """--group-commit and SLOTD_GROUP_COMMIT take on or off; anything else (a typo, 0, false)
    stops slotd at start instead of leaving group commit on unnoticed."""
    import subprocess
    for bad in ("0", "false", "of"):
        cmd = [slotd_bin, "serve", "--db", f"sqlite:{tmp_path / 'x.db'}",
               "--listen", "127.0.0.1:0"]
        env = dict(os.environ)
        if how == "flag":
            cmd += ["--group-commit", bad]
        else:
            env["SLOTD_GROUP_COMMIT"] = bad
        try:
            cp = subprocess.run(cmd, capture_output=True, text=True, timeout=10, env=env)
        except subprocess.TimeoutExpired:
            pytest.fail(f"slotd served with group commit set to {bad!r} ({how})")
        assert cp.returncode == 2 and "group-commit" in cp.stderr, (bad, how, cp.stderr)
