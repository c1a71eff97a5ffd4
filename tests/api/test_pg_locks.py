"""Bookings of distinct providers side by side on PostgreSQL: three slotd processes, one tenant.

A booking that names its provider holds the tenant's lock shared and the provider's lock
exclusive, so bookings of distinct providers commit side by side while each provider's remain
one at a time. Checked here, with clients spread round-robin over the three processes:
- a group session of N seats racing on one provider gets exactly N bookings, while the same
  start of the other providers is raced too (the seat count is only checked under the lock:
  the exclusion constraint lets seats of one session overlap);
- one-seat starts get exactly one winner each, every loser a clean 409;
- the event log stays numbered 1..N with no gap in commit order while writers book distinct
  providers (and a few tenant-wide writes run between them): a reader polling
  ``GET /v1/events?after=`` sees every event, and a booking answered before another was sent
  has the smaller seq;
- the first bookings of a tenant, on distinct providers at once, make one link key: every
  booking's manage token works.

Runs only in the PostgreSQL run: skipped when pg_helpers.enabled() is false. Providers are in
UTC and open 08:00-18:00 every day; "now" is DEFAULT_NOW; dates are in March 2026.
"""
import base64
import collections
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
import requests

import pg_helpers
from booking_helpers import client_body, headers_for
from conftest import Api, DEFAULT_NOW, create_tenant, pg_processes, weekdays

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

PROCESSES = 3
SERVER_THREADS = 16
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_RETRIES_503 = 20
PAGE = 200


@pytest.fixture(scope="module")
def cluster(slotd_bin, tmp_path_factory):
    with pg_processes(slotd_bin, tmp_path_factory, PROCESSES,
                      args=("--threads", str(SERVER_THREADS))) as (url, servers):
        yield slotd_bin, url, servers


def tenant(cluster, nproviders):
    """A fresh tenant: one Api per process, and nproviders UTC providers open 08:00-18:00."""
    binary, url, servers = cluster
    slug = "lk-" + uuid.uuid4().hex[:12]
    key = create_tenant(binary, url, slug)
    apis = [Api(s.base, key, slug) for s in servers]
    pids = []
    for i in range(nproviders):
        pid = apis[i % PROCESSES].provider(f"P{i}", "UTC")["id"]
        apis[i % PROCESSES].schedule(pid, weekdays([("08:00", "18:00")], days=ALL_DAYS))
        pids.append(pid)
    return apis, pids


def post_settled(session, url, headers, body):
    """POSTs, sending the same request again after a 503 (retryable). Returns (response,
    number of 503s)."""
    r = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
    n503 = 0
    while r.status_code == 503 and n503 < MAX_RETRIES_503:
        assert r.headers.get("Retry-After"), dict(r.headers)
        n503 += 1
        time.sleep(0.1)
        r = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
    return r, n503


def crowd(items):
    """items: [(api, body)] sent at one moment, each by a thread of its own with a fresh
    Idempotency-Key. Returns [(response, n503)] in order."""
    barrier = threading.Barrier(len(items))
    out = [None] * len(items)
    errors = []

    def one(i, t, body):
        with requests.Session() as s:
            try:
                barrier.wait(timeout=30)
                out[i] = post_settled(s, t.base + "/v1/bookings",
                                      headers_for(t, f"lk-{uuid.uuid4().hex}"), body)
            except BaseException as ex:  # noqa: BLE001 - reported below
                errors.append(ex)

    threads = [threading.Thread(target=one, args=(i, t, b)) for i, (t, b) in enumerate(items)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=180)
    assert not errors, errors
    assert all(o is not None for o in out)
    for r, _ in out:
        assert r.status_code in (201, 409), f"{r.status_code}: {r.text}"
        if r.status_code == 409:
            assert r.json()["code"] == "slot_taken", r.text
    return out


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def active_count(t, pid, start):
    rows = t.list_all("/v1/bookings", params={"provider_id": pid})
    return sum(1 for b in rows if instant(b["start"]) == instant(start)
               and b["status"] in ("pending", "confirmed"))


def winners(results, idx):
    return sum(1 for i in idx if results[i][0].status_code == 201)


def test_group_seats_race_per_provider(cluster):
    apis, pids = tenant(cluster, 4)
    seats = 3
    sid = apis[0].service(pids, "Class", 60, capacity=seats)["id"]
    start = "2026-03-03T10:00:00+00:00"
    items, by_pid = [], collections.defaultdict(list)
    # 12 clients per provider, the same start everywhere, interleaved over the processes
    for i in range(12 * len(pids)):
        pid = pids[i % len(pids)]
        by_pid[pid].append(len(items))
        items.append((apis[i % PROCESSES], client_body(sid, start, i, pid)))
    results = crowd(items)
    for pid in pids:
        assert winners(results, by_pid[pid]) == seats, pid
        assert active_count(apis[1], pid, start) == seats, pid


def test_one_seat_race_per_provider(cluster):
    apis, pids = tenant(cluster, 5)
    sid = apis[0].service(pids, "Visit", 60, slot_step_minutes=30)["id"]
    starts = ["2026-03-04T09:00:00+00:00", "2026-03-04T09:30:00+00:00"]
    items, by_key = [], collections.defaultdict(list)
    # overlapping starts (09:00 and 09:30, an hour long): one booking per provider in all
    for i in range(8 * len(pids)):
        pid = pids[i % len(pids)]
        start = starts[(i // len(pids)) % 2]
        by_key[pid].append(len(items))
        items.append((apis[i % PROCESSES], client_body(sid, start, i, pid)))
    results = crowd(items)
    for pid in pids:
        assert winners(results, by_key[pid]) == 1, pid
        rows = apis[2].list_all("/v1/bookings", params={"provider_id": pid})
        assert len([b for b in rows if b["status"] in ("pending", "confirmed")]) == 1, pid


def derive(prefix, key, msg):
    """The token slotd derives from the tenant's link key (util/ids.c token_derive)."""
    k = hashlib.blake2b(key.encode(), digest_size=32).digest()
    mac = hmac.new(k, msg.encode(), hashlib.sha256).digest()
    return prefix + "_" + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_first_bookings_make_one_link_key(cluster):
    """The link key is made by a tenant's first booking; first bookings of distinct providers
    at once keep one, so every manage token is the one derived from the key that stays."""
    apis, pids = tenant(cluster, 8)
    sid = apis[0].service(pids, "Visit", 60)["id"]
    items = [(apis[i % PROCESSES], client_body(sid, "2026-03-05T11:00:00+00:00", i, pid))
             for i, pid in enumerate(pids)]
    results = crowd(items)
    secret = pg_helpers.psql(cluster[1], "SELECT link_secret FROM tenants WHERE slug = '"
                             + apis[0].slug + "'").strip()
    assert secret
    for r, _ in results:
        assert r.status_code == 201, r.text
        b = r.json()
        assert b["manage_token"] == derive("mt", secret, b["id"]), b["id"]
        got = Api(apis[1].base, b["manage_token"]).ok("GET", f"/v1/bookings/{b['id']}")
        assert got["id"] == b["id"]


def full_listing(t):
    out, after = [], 0
    for _ in range(10_000):
        page = t.ok("GET", "/v1/events", params={"after": after, "limit": PAGE})
        out += page["data"]
        if len(page["data"]) < PAGE:
            return out
        after = page["next_after"]
    raise AssertionError("the event listing does not end")


def test_events_in_commit_order_with_distinct_providers(cluster):
    writers = 12
    apis, pids = tenant(cluster, writers)
    sid = apis[0].service(pids, "Visit", 60)["id"]
    run_seconds = 8.0
    deadline = time.monotonic() + run_seconds
    done = threading.Event()
    lock = threading.Lock()
    made = []          # (sent, answered, booking id), 201s only
    renamed = []       # (sent, answered, provider id) of the tenant-wide writes
    errors = []
    seen = []

    def writer(i):
        pid = pids[i]
        n = 0
        with requests.Session() as s:
            try:
                while time.monotonic() < deadline:
                    d = date(2026, 3, 2) + timedelta(days=n // 10)
                    start = f"{d.isoformat()}T{8 + n % 10:02d}:00:00Z"
                    t = apis[(i + n) % PROCESSES]
                    n += 1
                    sent = time.monotonic()
                    r, n503 = post_settled(s, t.base + "/v1/bookings",
                                           headers_for(t, f"ev-{uuid.uuid4().hex}"),
                                           client_body(sid, start, i, pid))
                    answered = time.monotonic()
                    if r.status_code != 201:
                        errors.append(f"{r.status_code}: {r.text[:200]}")
                        return
                    if n503 == 0:
                        with lock:
                            made.append((sent, answered, r.json()["id"]))
            except BaseException as ex:  # noqa: BLE001 - reported below
                errors.append(repr(ex))

    def tenant_writer():
        # exclusive-lock writes of the same tenant in between
        n = 0
        while time.monotonic() < deadline:
            pid = pids[n % writers]
            t = apis[n % PROCESSES]
            sent = time.monotonic()
            r = t.patch(f"/v1/providers/{pid}", {"name": f"Renamed {n}"})
            answered = time.monotonic()
            if r.status_code != 200:
                errors.append(f"rename {r.status_code}: {r.text[:200]}")
                return
            renamed.append((sent, answered, pid, f"Renamed {n}"))
            n += 1
            time.sleep(0.05)

    def reader():
        after, proc = 0, 0
        with requests.Session() as s:
            try:
                while True:
                    last_round = done.is_set()
                    t = apis[proc % PROCESSES]
                    proc += 1
                    r = s.get(t.base + "/v1/events", params={"after": after, "limit": PAGE},
                              headers={"Authorization": f"Bearer {t.key}"}, timeout=60)
                    assert r.status_code == 200, r.text
                    data = r.json()["data"]
                    for ev in data:
                        if ev["seq"] != after + 1:
                            errors.append(f"reader got seq {ev['seq']} after {after}")
                        after = ev["seq"]
                        seen.append(ev)
                    if last_round and len(data) < PAGE:
                        return
            except BaseException as ex:  # noqa: BLE001 - reported below
                errors.append(repr(ex))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    threads.append(threading.Thread(target=tenant_writer))
    rd = threading.Thread(target=reader)
    rd.start()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    done.set()
    rd.join(timeout=120)
    assert not errors, errors[:5]
    assert len(made) > writers, len(made)

    final = full_listing(apis[0])
    assert [e["seq"] for e in final] == list(range(1, len(final) + 1))
    assert [e["id"] for e in seen] == [e["id"] for e in final]
    seq_of = {e["subject_id"]: e["seq"] for e in final if e["type"] == "booking.created"}
    for _, _, b in made:
        assert b in seq_of, b
    # commit order: whatever was answered before a booking was sent has a smaller seq
    ordered = sorted(made, key=lambda m: m[1])
    by_sent = sorted(made, key=lambda m: m[0])
    j, top = 0, 0
    for sent, _, b in by_sent:
        while j < len(ordered) and ordered[j][1] < sent:
            top = max(top, seq_of[ordered[j][2]])
            j += 1
        assert seq_of[b] > top, (b, seq_of[b], top)
    # the renames are in the log too, each once
    upd = collections.Counter(e["subject_id"] for e in final if e["type"] == "provider.updated")
    assert sum(upd.values()) == len(renamed)


def test_one_key_on_distinct_providers_at_once(cluster):
    """One Idempotency-Key sent at once for bookings of distinct providers (different bodies):
    one booking, every other request the key's reuse (422), never a 409 or a 5xx."""
    apis, pids = tenant(cluster, 6)
    sid = apis[0].service(pids, "Visit", 60)["id"]
    key = f"same-{uuid.uuid4().hex}"
    barrier = threading.Barrier(len(pids))
    out = [None] * len(pids)

    def one(i, pid):
        t = apis[i % PROCESSES]
        with requests.Session() as s:
            barrier.wait(timeout=30)
            out[i] = post_settled(s, t.base + "/v1/bookings", headers_for(t, key),
                                  client_body(sid, "2026-03-06T09:00:00+00:00", 0, pid))[0]

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(pids)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    codes = collections.Counter(r.status_code for r in out)
    assert codes == {201: 1, 422: len(pids) - 1}, [(r.status_code, r.text[:120]) for r in out]
    for r in out:
        if r.status_code == 422:
            assert r.json()["code"] == "idempotency_key_reused", r.text
    booked = [b for pid in pids
              for b in apis[0].list_all("/v1/bookings", params={"provider_id": pid})]
    assert len(booked) == 1


def test_cached_records_follow_changes_made_elsewhere(cluster):
    """A booking of a named provider leaves the provider's records in its process's
    availability cache; a schedule change through another process is seen by the next
    booking there all the same."""
    apis, pids = tenant(cluster, 1)
    pid = pids[0]
    sid = apis[0].service(pids, "Visit", 60)["id"]
    book = lambda start: post_settled(  # noqa: E731 - a short helper
        requests, apis[0].base + "/v1/bookings", headers_for(apis[0], f"c-{uuid.uuid4().hex}"),
        client_body(sid, start, 0, pid))[0]
    assert book("2026-03-09T08:00:00+00:00").status_code == 201
    assert book("2026-03-09T09:00:00+00:00").status_code == 201
    # closed from 12:00 on, through another process
    apis[1].schedule(pid, weekdays([("08:00", "12:00")], days=ALL_DAYS))
    r = book("2026-03-09T13:00:00+00:00")
    assert r.status_code == 422, r.text
    assert book("2026-03-09T10:00:00+00:00").status_code == 201
