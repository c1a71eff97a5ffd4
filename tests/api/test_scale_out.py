"""Scale-out on PostgreSQL: three slotd processes on different ports share one database.

Whatever one process writes, the others read; concurrent clients spread round-robin over the
three processes race for the same starts and still get exactly one booking per start (N for a
group of N seats); an Idempotency-Key is one request whichever process it reaches; a hold made
on one process blocks the start on another and books on a third; a cancel on one process frees
the start for another.

Runs only in the PostgreSQL run (api_pg): skipped when pg_helpers.enabled() is false.
Providers are in UTC and open 08:00-18:00 every day; "now" is DEFAULT_NOW; dates are in March
2026. Every test works in a tenant of its own, created with `slotd tenant create` on the shared
database.
"""
import collections
import json
import threading
import time
import uuid

import pytest
import requests

import pg_helpers
from booking_helpers import client_body, headers_for
from conftest import (Api, DEFAULT_NOW, create_tenant, expect_problem, pg_processes, run_cli,
                      weekdays)

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

PROCESSES = 3
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ACTIVE = ("pending", "confirmed")
MAX_RETRIES_503 = 20


# --- the cluster --------------------------------------------------------------------------------

class Cluster:
    def __init__(self, binary, url, servers):
        self.binary = binary
        self.url = url
        self.servers = servers

    def tenant(self):
        """A new tenant on the shared database: one Api per process, all with its admin key."""
        slug = "so-" + uuid.uuid4().hex[:12]
        key = create_tenant(self.binary, self.url, slug)
        return [Api(s.base, key) for s in self.servers]


@pytest.fixture(scope="module")
def cluster(slotd_bin, tmp_path_factory):
    with pg_processes(slotd_bin, tmp_path_factory, PROCESSES) as (url, servers):
        yield Cluster(slotd_bin, url, servers)


@pytest.fixture
def nodes(cluster):
    """(apis, provider_id): a fresh tenant with one UTC provider open 08:00-18:00 daily, set up
    through process 0."""
    apis = cluster.tenant()
    pid = apis[0].provider("Racer", "UTC")["id"]
    apis[0].schedule(pid, weekdays([("08:00", "18:00")], days=ALL_DAYS))
    return apis, pid


# --- helpers ------------------------------------------------------------------------------------

def check_503(r):
    """A 503 must be the documented retryable problem."""
    assert r.status_code == 503
    assert r.headers.get("Retry-After"), dict(r.headers)
    expect_problem(r, 503, "service_unavailable")


def post_until_settled(session, url, headers, body):
    """POSTs; on 503 (retryable) waits Retry-After and sends the same request again (same
    Idempotency-Key). Returns (first response, final response, number of 503s)."""
    first = r = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
    n503 = 0
    while r.status_code == 503 and n503 < MAX_RETRIES_503:
        check_503(r)
        n503 += 1
        time.sleep(min(float(r.headers.get("Retry-After") or 1), 2.0) * 0.25)
        r = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
    return first, r, n503


def crowd(items):
    """items: [(url, headers, body)], all sent at the same moment, each by a thread with a
    requests.Session of its own; 503s are retried with the same request. Returns
    [(first, final, n503)] in order."""
    barrier = threading.Barrier(len(items))
    out = [None] * len(items)
    errors = []

    def one(i, item):
        url, headers, body = item
        s = requests.Session()
        try:
            barrier.wait(timeout=30)
            out[i] = post_until_settled(s, url, headers, body)
        except BaseException as ex:  # noqa: BLE001 - reported below
            errors.append(ex)
        finally:
            s.close()

    threads = [threading.Thread(target=one, args=(i, it)) for i, it in enumerate(items)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    assert all(o is not None for o in out)
    return out


def race(apis, service_id, start, clients, provider_id=None):
    """clients concurrent creates of one start with distinct keys, round-robin over the
    processes."""
    items = []
    for i in range(clients):
        t = apis[i % len(apis)]
        items.append((t.base + "/v1/bookings", headers_for(t, f"race-{uuid.uuid4().hex}"),
                      client_body(service_id, start, i, provider_id)))
    return crowd(items)


def finals_clean(results, conflict_code="slot_taken"):
    """Every final answer a 201 or a clean 409; no replays (keys are distinct) unless the
    request was retried after a 503 (its first attempt may have committed). Few 503s."""
    total_503 = sum(n for _, _, n in results)
    assert total_503 <= max(2, len(results) // 10), f"{total_503} 503s in {len(results)}"
    for first, r, n503 in results:
        assert first.status_code in (201, 409, 503), f"{first.status_code}: {first.text}"
        assert r.status_code in (201, 409), f"{r.status_code}: {r.text}"
        if n503 == 0:
            assert "Idempotent-Replayed" not in r.headers, r.headers
        if r.status_code == 409:
            assert r.headers["Content-Type"].startswith("application/problem+json")
            assert r.json()["code"] == conflict_code, r.text
    return collections.Counter(r.status_code for _, r, _ in results)


def all_bookings(t, **params):
    return t.list_all("/v1/bookings", params=params)


def active_by_start(t, **params):
    by = collections.defaultdict(list)
    for b in all_bookings(t, **params):
        if b["status"] in ACTIVE:
            by[b["start"]].append(b["id"])
    return {s: sorted(v) for s, v in by.items()}


def book(t, sid, start, key=None, pid=None, i=0):
    h = {"Idempotency-Key": key or f"k-{uuid.uuid4().hex}"}
    return t.post("/v1/bookings", client_body(sid, start, i, pid), now=DEFAULT_NOW, headers=h)


# --- setup is shared ----------------------------------------------------------------------------

def test_writes_on_one_process_are_read_by_the_others(cluster):
    a, b, c = cluster.tenant()
    p = a.provider("Shared", "Europe/Berlin", email="shared@example.com")
    sched = a.schedule(p["id"], weekdays([("09:00", "12:00"), ("13:00", "17:00")]))
    svc = a.service([p["id"]], "Visit", 30, price="40.00", currency="EUR")
    for t in (b, c):
        assert t.ok("GET", f"/v1/providers/{p['id']}") == p
        assert t.ok("GET", f"/v1/services/{svc['id']}") == svc
        assert t.ok("GET", f"/v1/providers/{p['id']}/schedule", now=DEFAULT_NOW) == sched
        assert t.list_all("/v1/providers") == [p]
    # A change through the second process shows on the third (and the first).
    changed = b.ok("PATCH", f"/v1/providers/{p['id']}", {"name": "Renamed"}, now=DEFAULT_NOW)
    assert changed["name"] == "Renamed"
    assert c.ok("GET", f"/v1/providers/{p['id']}") == changed
    assert a.ok("GET", f"/v1/providers/{p['id']}") == changed
    # The slot engine on every process sees the same data.
    got = [t.slots(svc["id"], p["id"], "2026-03-02", "2026-03-03") for t in (a, b, c)]
    assert got[0] and got[0] == got[1] == got[2]
    assert got[0][0]["start"] == "2026-03-02T09:00:00+01:00"
    # A deletion through the third process is seen by the first.
    c.ok("DELETE", f"/v1/services/{svc['id']}")
    expect_problem(a.get(f"/v1/services/{svc['id']}"), 404, "not_found")


def test_key_created_after_start_authenticates_everywhere(cluster):
    """Keys made by the CLI while the servers run are found by every process, roles and all."""
    apis = cluster.tenant()
    slug = "so-" + uuid.uuid4().hex[:12]
    admin = create_tenant(cluster.binary, cluster.url, slug)
    cp = run_cli(cluster.binary, "key", "create", slug, "--role", "staff", "--db", cluster.url)
    assert cp.returncode == 0, cp.stderr
    staff_key = cp.stdout.strip().splitlines()[-1].strip()
    for s in cluster.servers:
        staff = Api(s.base, staff_key)
        assert staff.ok("GET", "/v1/providers")["data"] == []
        expect_problem(staff.post("/v1/providers", {"name": "X", "timezone": "UTC"}), 403,
                       "forbidden")
        assert Api(s.base, admin).ok("GET", "/v1/providers")["data"] == []
    # The other tenant's admin key sees nothing of this one.
    assert all(t.ok("GET", "/v1/providers")["data"] == [] for t in apis)


# --- races across processes ---------------------------------------------------------------------

def test_ten_starts_twenty_four_clients_over_three_processes(nodes):
    apis, pid = nodes
    sid = apis[1].service([pid], "Single", 60)["id"]
    starts = [f"2026-03-02T{h:02d}:00:00Z" for h in range(8, 18)]
    assert len(starts) == 10
    winners = {}
    for start in starts:
        rs = race(apis, sid, start, 24)
        assert finals_clean(rs) == {201: 1, 409: 23}, start
        won = {r.json()["id"] for _, r, _ in rs if r.status_code == 201}
        assert len(won) == 1
        (bid,) = won
        winners[start] = [bid]
        (b,) = [r.json() for _, r, _ in rs if r.status_code == 201]
        assert b["start"] == start and b["status"] == "confirmed"
    # Every process lists the same, exactly one active booking per start, and nothing else.
    lists = [all_bookings(t) for t in apis]
    assert lists[0] == lists[1] == lists[2]
    assert len(lists[0]) == len(starts), [x["start"] for x in lists[0]]
    for t in apis:
        assert active_by_start(t) == winners
        assert t.slots(sid, pid, "2026-03-02") == []
    assert apis[0].starts(sid, pid, "2026-03-03")[0] == "2026-03-03T08:00:00Z"


def test_all_starts_raced_at_once_over_three_processes(nodes):
    """Ten starts raced together (six clients each, 60 requests in one burst) across the three
    processes: each start gets one booking."""
    apis, pid = nodes
    sid = apis[2].service([pid], "Burst", 60)["id"]
    starts = [f"2026-03-03T{h:02d}:00:00Z" for h in range(8, 18)]
    items = []
    for i in range(60):
        t = apis[i % 3]
        start = starts[i % 10]
        items.append((t.base + "/v1/bookings", headers_for(t, f"burst-{uuid.uuid4().hex}"),
                      client_body(sid, start, i)))
    rs = crowd(items)
    assert finals_clean(rs) == {201: 10, 409: 50}
    won = collections.Counter(r.json()["start"] for _, r, _ in rs if r.status_code == 201)
    assert won == {s: 1 for s in starts}
    for t in apis:
        assert {s: len(v) for s, v in active_by_start(t).items()} == {s: 1 for s in starts}


def test_group_of_four_gets_exactly_four_across_processes(nodes):
    apis, pid = nodes
    sid = apis[0].service([pid], "Class", 60, capacity=4)["id"]
    starts = ["2026-03-04T09:00:00Z", "2026-03-04T12:00:00Z", "2026-03-04T15:00:00Z"]
    for start in starts:
        rs = race(apis, sid, start, 24)
        assert finals_clean(rs) == {201: 4, 409: 20}, start
        assert len({r.json()["id"] for _, r, _ in rs if r.status_code == 201}) == 4
    for t in apis:
        assert {s: len(v) for s, v in active_by_start(t).items()} == {s: 4 for s in starts}
        left = t.starts(sid, pid, "2026-03-04")
        assert not set(starts) & set(left)
        assert "2026-03-04T10:00:00Z" in left


def test_buffers_block_neighbours_across_processes(nodes):
    """Overlapping (not equal) starts raced on different processes: 60 minutes plus 30 after,
    step 30, so the blocks of 09:00, 09:30 and 10:00 overlap pairwise: one booking in all."""
    apis, pid = nodes
    sid = apis[0].service([pid], "Buffered", 60, slot_step_minutes=30,
                          buffer_after_minutes=30)["id"]
    starts = ["2026-03-05T09:00:00Z", "2026-03-05T09:30:00Z", "2026-03-05T10:00:00Z"]
    items = []
    for i in range(24):
        t = apis[i % 3]
        items.append((t.base + "/v1/bookings", headers_for(t, f"buf-{uuid.uuid4().hex}"),
                      client_body(sid, starts[(i // 3) % 3], i)))
    rs = crowd(items)
    # The three starts overlap pairwise, so exactly one of the 24 wins.
    assert finals_clean(rs) == {201: 1, 409: 23}
    rows = [b for b in all_bookings(apis[1]) if b["status"] in ACTIVE]
    assert len(rows) == 1

    def secs(s):
        h, m = int(s[11:13]), int(s[14:16])
        return h * 3600 + m * 60

    blocks = sorted((secs(b["start"]), secs(b["start"]) + 5400) for b in rows)
    for (s1, e1), (s2, _) in zip(blocks, blocks[1:]):
        assert s2 >= e1, blocks


# --- idempotency across processes ---------------------------------------------------------------

def test_same_key_to_two_processes_at_once_is_one_booking(nodes):
    apis, pid = nodes
    sid = apis[0].service([pid], "Once", 60)["id"]
    a, b, c = apis
    for n, start in enumerate(f"2026-03-06T{h:02d}:00:00Z" for h in (8, 10, 12, 14, 16)):
        key = f"same-{uuid.uuid4().hex}"
        body = client_body(sid, start, n)
        # Three clients on process a and three on process b, same key and body.
        items = [(t.base + "/v1/bookings", headers_for(t, key), body)
                 for t in (a, b, a, b, a, b)]
        rs = crowd(items)
        finals = [r for _, r, _ in rs]
        for r in finals:
            assert r.status_code in (201, 409), f"{r.status_code}: {r.text}"
            if r.status_code == 409:
                expect_problem(r, 409, "idempotency_key_in_use")
        created = [r for r in finals if r.status_code == 201]
        assert created
        assert len({r.json()["id"] for r in created}) == 1, [r.json()["id"] for r in created]
        originals = [r for r in created if r.headers.get("Idempotent-Replayed") != "true"]
        # A 503-retried request may have been answered as a replay of its own first attempt,
        # so at most one original.
        assert len(originals) <= 1, [dict(r.headers) for r in created]
        assert all(r.json() == created[0].json() for r in created)
        bid = created[0].json()["id"]
        # Afterwards the third process replays it.
        r = c.s.post(c.base + "/v1/bookings", data=json.dumps(body), headers=headers_for(c, key),
                     timeout=30)
        assert r.status_code == 201, r.text
        assert r.headers.get("Idempotent-Replayed") == "true"
        assert r.json() == created[0].json()
        rows = [x for x in all_bookings(c) if x["start"] == start]
        assert [x["id"] for x in rows] == [bid]
    assert len(all_bookings(a)) == 5


def test_same_key_sequentially_on_three_processes(nodes):
    apis, pid = nodes
    sid = apis[0].service([pid], "Seq", 60)["id"]
    a, b, c = apis
    key = f"seq-{uuid.uuid4().hex}"
    start = "2026-03-09T10:00:00Z"
    r1 = book(a, sid, start, key=key)
    assert r1.status_code == 201, r1.text
    assert "Idempotent-Replayed" not in r1.headers
    r2 = book(b, sid, start, key=key)
    assert r2.status_code == 201, r2.text
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert r2.json() == r1.json()
    # The same key with another body on the third process: 422 reused, nothing created.
    r3 = c.post("/v1/bookings", client_body(sid, "2026-03-09T11:00:00Z", 0), now=DEFAULT_NOW,
                headers={"Idempotency-Key": key})
    expect_problem(r3, 422, "idempotency_key_reused")
    assert [x["id"] for x in all_bookings(c)] == [r1.json()["id"]]
    # A stored 409 replays on another process too, even once the time is free again.
    key2 = f"seq-{uuid.uuid4().hex}"
    lost = book(c, sid, start, key=key2, i=1)
    expect_problem(lost, 409, "slot_taken")
    b.ok("POST", f"/v1/bookings/{r1.json()['id']}/cancel", status=200, now=DEFAULT_NOW)
    again = book(a, sid, start, key=key2, i=1)
    assert again.status_code == 409 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == lost.json()


# --- holds and cancels across processes ---------------------------------------------------------

def test_hold_on_one_process_blocks_another_and_books_on_a_third(nodes):
    apis, pid = nodes
    a, b, c = apis
    sid = a.service([pid], "Held", 60)["id"]
    start = "2026-03-10T11:00:00Z"
    r = a.post("/v1/holds", {"service_id": sid, "provider_id": pid, "start": start,
                             "customer": {"email": "holder@example.com"}}, now=DEFAULT_NOW)
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["live"] is True
    assert b.ok("GET", f"/v1/holds/{hold['id']}", now=DEFAULT_NOW) == hold
    # Another process refuses a booking and a second hold there, and hides the start.
    expect_problem(book(b, sid, start), 409, "slot_taken")
    expect_problem(c.post("/v1/holds", {"service_id": sid, "provider_id": pid, "start": start},
                          now=DEFAULT_NOW), 409, "slot_taken")
    assert start not in b.starts(sid, pid, "2026-03-10")
    assert c.explain(sid, pid, start)["bookable"] is False
    # The third process books with the hold.
    body = client_body(sid, start, 7, pid)
    body["hold_id"] = hold["id"]
    r = c.post("/v1/bookings", body, now=DEFAULT_NOW,
               headers={"Idempotency-Key": f"h-{uuid.uuid4().hex}"})
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    # The hold is gone everywhere; the start is booked once.
    for t in apis:
        expect_problem(t.get(f"/v1/holds/{hold['id']}", now=DEFAULT_NOW), 404, "not_found")
        assert active_by_start(t) == {start: [bid]}
    # The consumed hold cannot be used again on another process.
    body2 = dict(body, customer={"name": "Other", "email": "other@example.com"})
    r = a.post("/v1/bookings", body2, now=DEFAULT_NOW,
               headers={"Idempotency-Key": f"h-{uuid.uuid4().hex}"})
    expect_problem(r, 422, "validation_failed", "/hold_id")


def test_released_hold_frees_the_start_on_another_process(nodes):
    apis, pid = nodes
    a, b, c = apis
    sid = a.service([pid], "Released", 60)["id"]
    start = "2026-03-10T14:00:00Z"
    r = b.post("/v1/holds", {"service_id": sid, "provider_id": pid, "start": start},
               now=DEFAULT_NOW)
    assert r.status_code == 201, r.text
    expect_problem(book(a, sid, start), 409, "slot_taken")
    r = c.delete(f"/v1/holds/{r.json()['id']}", now=DEFAULT_NOW)
    assert r.status_code == 204, r.text
    assert start in a.starts(sid, pid, "2026-03-10")
    assert book(a, sid, start).status_code == 201


def test_cancel_on_one_process_frees_the_start_on_another(nodes):
    apis, pid = nodes
    a, b, c = apis
    sid = a.service([pid], "Cancel", 60)["id"]
    start = "2026-03-11T09:00:00Z"
    first = book(a, sid, start)
    assert first.status_code == 201, first.text
    fid = first.json()["id"]
    expect_problem(book(c, sid, start), 409, "slot_taken")
    assert start not in c.starts(sid, pid, "2026-03-11")
    # Cancel through b at the version a read; a stale If-Match through c then fails.
    etag = a.get(f"/v1/bookings/{fid}").headers["ETag"]
    r = b.post(f"/v1/bookings/{fid}/cancel", {"reason": "moved"}, now=DEFAULT_NOW,
               headers={"If-Match": etag})
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    expect_problem(c.post(f"/v1/bookings/{fid}/complete", now=DEFAULT_NOW,
                          headers={"If-Match": etag}), 412, "precondition_failed")
    # c sees the start free again and books it.
    assert start in c.starts(sid, pid, "2026-03-11")
    second = book(c, sid, start)
    assert second.status_code == 201, second.text
    sid2 = second.json()["id"]
    for t in apis:
        assert active_by_start(t) == {start: [sid2]}
        hist = t.ok("GET", f"/v1/bookings/{fid}/history")["history"]
        assert [(h["from"], h["to"]) for h in hist] == [(None, "confirmed"),
                                                        ("confirmed", "cancelled")]
        assert hist[1]["reason"] == "moved"


def test_cancel_and_rebook_race_across_processes(nodes):
    """While one process cancels, clients on the other two race to book the same start: at the
    end the start has at most one active booking, and exactly one once the cancel is done."""
    apis, pid = nodes
    a, b, c = apis
    sid = a.service([pid], "Churn", 60)["id"]
    starts = [f"2026-03-12T{h:02d}:00:00Z" for h in range(9, 14)]
    originals = {}
    for s in starts:
        r = book(a, sid, s)
        assert r.status_code == 201, r.text
        originals[s] = r.json()["id"]
    for s in starts:
        items = [(a.base + f"/v1/bookings/{originals[s]}/cancel",
                  {"Authorization": f"Bearer {a.key}", "X-Test-Now": DEFAULT_NOW}, None)]
        for i in range(10):
            t = (b, c)[i % 2]
            items.append((t.base + "/v1/bookings", headers_for(t, f"cr-{uuid.uuid4().hex}"),
                          client_body(sid, s, i)))
        barrier = threading.Barrier(len(items))
        out = [None] * len(items)

        def one(i, item):
            url, headers, body = item
            with requests.Session() as sess:
                barrier.wait(timeout=30)
                if body is None:
                    out[i] = (sess.post(url, headers=headers, timeout=60), None, 0)
                else:
                    out[i] = post_until_settled(sess, url, headers, body)

        threads = [threading.Thread(target=one, args=(i, it)) for i, it in enumerate(items)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        cancel = out[0][0]
        assert cancel.status_code == 200, cancel.text
        rest = out[1:]
        counts = finals_clean(rest)
        assert counts[201] <= 1 and counts[201] + counts[409] == 10, counts
        if counts[201] == 0:
            # Every client ran before the cancel: book it now from another process.
            assert book(c, sid, s).status_code == 201
    for t in apis:
        by = active_by_start(t)
        assert {k: len(v) for k, v in by.items()} == {s: 1 for s in starts}
        assert not set(originals.values()) & {i for v in by.values() for i in v}
