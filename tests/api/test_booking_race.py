"""Concurrent POST /v1/bookings: many clients at once, each a thread with a requests.Session of
its own, released together by a barrier. Whatever the interleaving: one winner per start (N for
a group of N seats), every loser a clean 409, never a 5xx, and the stored bookings agree.

Providers are in UTC and open 08:00-18:00 every day; "now" is DEFAULT_NOW.
"""
import collections
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from booking_helpers import client_body, headers_for
from conftest import DEFAULT_NOW, weekdays

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = [f"{h:02d}:00" for h in range(8, 18)]
ACTIVE = ("pending", "confirmed")


class Crowd:
    """A pool of worker threads, each with its own requests.Session (kept across rounds)."""

    def __init__(self, size):
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="client")
        self.local = threading.local()
        self.sessions = []
        self.lock = threading.Lock()

    def _session(self):
        s = getattr(self.local, "session", None)
        if s is None:
            s = self.local.session = requests.Session()
            with self.lock:
                self.sessions.append(s)
        return s

    def post_all(self, url, requests_):
        """requests_: [(headers, body)], at most size of them, sent at the same moment.
        Returns the responses in the same order."""
        assert len(requests_) <= self.size
        barrier = threading.Barrier(len(requests_))

        def one(item):
            headers, body = item
            s = self._session()
            barrier.wait(timeout=30)
            return s.post(url, data=json.dumps(body), headers=headers, timeout=60)

        futures = [self.pool.submit(one, item) for item in requests_]
        return [f.result(timeout=90) for f in futures]

    def close(self):
        self.pool.shutdown(wait=True)
        for s in self.sessions:
            s.close()


@pytest.fixture(scope="module")
def crowd():
    c = Crowd(50)
    yield c
    c.close()


def race(crowd, t, service_id, start, clients, provider_id=None):
    """clients concurrent creates of one start with distinct keys."""
    reqs = [(headers_for(t, f"race-{uuid.uuid4().hex}"),
             client_body(service_id, start, i, provider_id)) for i in range(clients)]
    return crowd.post_all(t.base + "/v1/bookings", reqs)


def assert_clean(responses, allowed=(201, 409), conflict_code="slot_taken", replays=False):
    """No 5xx, only allowed statuses, every 409 a problem with conflict_code, and no replays
    unless a key was shared."""
    for r in responses:
        assert r.status_code < 500, f"{r.status_code}: {r.text}"
        if not replays:
            assert "Idempotent-Replayed" not in r.headers, r.headers
        assert r.status_code in allowed, f"{r.status_code}: {r.text}"
        if r.status_code == 409:
            assert r.headers["Content-Type"].startswith("application/problem+json")
            assert r.json()["code"] == conflict_code, r.text


def statuses(responses):
    return collections.Counter(r.status_code for r in responses)


def active_by_start(t, **params):
    rows = [b for b in t.list_all("/v1/bookings", params=params) if b["status"] in ACTIVE]
    by = collections.defaultdict(list)
    for b in rows:
        by[b["start"]].append(b)
    return by


@pytest.fixture
def utc_provider(server):
    t = server.tenant()
    p = t.provider("Racer", "UTC")["id"]
    t.schedule(p, weekdays([("08:00", "18:00")], days=ALL_DAYS))
    return t, p


def test_fifty_clients_one_start_exactly_one_wins(crowd, utc_provider):
    t, pid = utc_provider
    sid = t.service([pid], "Single", 60)["id"]
    starts = [f"{day}T{hm}:00Z" for day in ("2026-03-02", "2026-03-03") for hm in HOURS]
    assert len(starts) == 20
    winners = {}
    for start in starts:
        rs = race(crowd, t, sid, start, 50)
        assert_clean(rs)
        assert statuses(rs) == {201: 1, 409: 49}, (start, statuses(rs))
        (won,) = [r.json() for r in rs if r.status_code == 201]
        assert won["start"] == start and won["status"] == "confirmed"
        winners[start] = won["id"]
    by = active_by_start(t)
    assert sorted(by) == sorted(starts)
    assert {s: [b["id"] for b in v] for s, v in by.items()} == \
        {s: [i] for s, i in winners.items()}
    # Nothing else was stored, not even a cancelled row.
    assert len(t.list_all("/v1/bookings")) == 20
    assert t.slots(sid, pid, "2026-03-02", "2026-03-03") == []


def test_losers_keys_replay_their_409(crowd, utc_provider):
    """A lost race is a stored outcome like any other: the loser's key, sent again with the
    same body, replays the 409 (even after the winner cancels)."""
    t, pid = utc_provider
    sid = t.service([pid], "Replayed", 60)["id"]
    for start in ("2026-03-09T09:00:00Z", "2026-03-09T11:00:00Z", "2026-03-09T13:00:00Z"):
        reqs = [(headers_for(t, f"loser-{uuid.uuid4().hex}"), client_body(sid, start, i))
                for i in range(20)]
        rs = crowd.post_all(t.base + "/v1/bookings", reqs)
        assert_clean(rs)
        assert statuses(rs) == {201: 1, 409: 19}
        (won,) = [r.json() for r in rs if r.status_code == 201]
        assert t.ok("POST", f"/v1/bookings/{won['id']}/cancel", status=200,
                    now=DEFAULT_NOW)["status"] == "cancelled"
        for (h, b), r in zip(reqs, rs):
            again = t.s.post(t.base + "/v1/bookings", data=json.dumps(b), headers=h,
                             timeout=30)
            assert again.status_code == r.status_code, again.text
            assert again.headers.get("Idempotent-Replayed") == "true", (r.status_code,
                                                                        again.text)
            assert again.json() == r.json()
    assert all(b["status"] == "cancelled" for b in t.list_all("/v1/bookings"))


def test_group_of_five_thirty_clients(crowd, utc_provider):
    t, pid = utc_provider
    sid = t.service([pid], "Class", 60, capacity=5)["id"]
    starts = ["2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z", "2026-03-04T14:00:00Z"]
    for start in starts:
        rs = race(crowd, t, sid, start, 30)
        assert_clean(rs)
        assert statuses(rs) == {201: 5, 409: 25}, (start, statuses(rs))
    by = active_by_start(t)
    assert {s: len(v) for s, v in by.items()} == {s: 5 for s in starts}
    left = [s["start"] for s in t.slots(sid, pid, "2026-03-04")]
    assert not set(starts) & set(left)
    assert "2026-03-04T11:00:00Z" in left


def test_adjacent_starts_raced_together_all_succeed(crowd, utc_provider):
    """Ten starts whose blocked intervals touch end to start, each raced by three clients, all
    at the same moment: every start gets exactly one booking."""
    t, pid = utc_provider
    # 45 minutes plus 15 after: start s blocks [s, s + 60 min).
    sid = t.service([pid], "Touching", 45, slot_step_minutes=60,
                    buffer_after_minutes=15)["id"]
    starts = [f"2026-03-05T{hm}:00Z" for hm in HOURS]
    reqs = []
    for i, start in enumerate(starts):
        for j in range(3):
            reqs.append((headers_for(t, f"adj-{uuid.uuid4().hex}"),
                         client_body(sid, start, 10 * i + j)))
    rs = crowd.post_all(t.base + "/v1/bookings", reqs)
    assert_clean(rs)
    assert statuses(rs) == {201: 10, 409: 20}
    won = collections.Counter(r.json()["start"] for r in rs if r.status_code == 201)
    assert won == {s: 1 for s in starts}
    assert {s: len(v) for s, v in active_by_start(t).items()} == {s: 1 for s in starts}


def test_adjacent_starts_with_buffers_on_both_sides(crowd, utc_provider):
    """Buffers before and after: 30 minutes plus 15 on each side blocks [s - 15, s + 45);
    one client per start, all at once: all ten succeed."""
    t, pid = utc_provider
    sid = t.service([pid], "Buffered", 30, slot_step_minutes=60, buffer_before_minutes=15,
                    buffer_after_minutes=15)["id"]
    starts = [f"2026-03-06T{hm}:00Z" for hm in HOURS]
    reqs = [(headers_for(t, f"adj2-{uuid.uuid4().hex}"), client_body(sid, s, i))
            for i, s in enumerate(starts)]
    rs = crowd.post_all(t.base + "/v1/bookings", reqs)
    assert_clean(rs, allowed=(201,))
    assert sorted(r.json()["start"] for r in rs) == starts


def test_same_idempotency_key_from_ten_clients(crowd, utc_provider):
    t, pid = utc_provider
    sid = t.service([pid], "Once", 60)["id"]
    starts = [f"2026-03-07T{hm}:00Z" for hm in HOURS[:5]]
    for start in starts:
        key = f"same-{uuid.uuid4().hex}"
        b = client_body(sid, start, 0)
        rs = crowd.post_all(t.base + "/v1/bookings", [(headers_for(t, key), b)] * 10)
        assert_clean(rs, conflict_code="idempotency_key_in_use", replays=True)
        created = [r for r in rs if r.status_code == 201]
        assert created, [r.text for r in rs]
        originals = [r for r in created if r.headers.get("Idempotent-Replayed") != "true"]
        assert len(originals) == 1, [dict(r.headers) for r in created]
        assert all(r.headers.get("Idempotent-Replayed") == "true"
                   for r in created if r is not originals[0])
        assert all(r.json() == originals[0].json() for r in created)
        rows = t.list_all("/v1/bookings", params={"from": start, "to": start[:11] + "23:59:59Z"})
        rows = [x for x in rows if x["start"] == start]
        assert [x["id"] for x in rows] == [originals[0].json()["id"]]
        # Afterwards the key replays.
        r = t.s.post(t.base + "/v1/bookings", data=json.dumps(b), headers=headers_for(t, key),
                     timeout=30)
        assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") == "true"
        assert r.json() == originals[0].json()
    assert len(t.list_all("/v1/bookings")) == len(starts)


def hold_body(service_id, start, i):
    return {"service_id": service_id, "start": start,
            "customer": {"email": f"holder{i}@example.com"}}


def test_fifty_clients_hold_one_start_exactly_one_wins(crowd, utc_provider):
    """Holds race like bookings: one live hold per start, the rest 409."""
    t, pid = utc_provider
    sid = t.service([pid], "Held", 60)["id"]
    for start in ("2026-03-10T09:00:00Z", "2026-03-10T12:00:00Z", "2026-03-10T16:00:00Z"):
        reqs = [(headers_for(t, "unused"), hold_body(sid, start, i)) for i in range(50)]
        rs = crowd.post_all(t.base + "/v1/holds", reqs)
        assert_clean(rs)
        assert statuses(rs) == {201: 1, 409: 49}, (start, statuses(rs))
    assert t.slots(sid, pid, "2026-03-10")
    left = {s["start"] for s in t.slots(sid, pid, "2026-03-10")}
    assert not left & {"2026-03-10T09:00:00Z", "2026-03-10T12:00:00Z", "2026-03-10T16:00:00Z"}


def test_holds_and_bookings_raced_together(crowd, utc_provider):
    """Half the crowd holds a start while the other half books it: exactly one of all fifty
    wins, and a winning hold leaves no booking behind."""
    t, pid = utc_provider
    sid = t.service([pid], "Mixed", 60)["id"]
    for n, start in enumerate(("2026-03-11T09:00:00Z", "2026-03-11T10:00:00Z",
                               "2026-03-11T11:00:00Z", "2026-03-11T15:00:00Z")):
        holds = [(headers_for(t, "unused"), hold_body(sid, start, i)) for i in range(25)]
        books = [(headers_for(t, f"mix-{uuid.uuid4().hex}"), client_body(sid, start, i))
                 for i in range(25)]
        # One barrier releases both halves; each item carries its own URL.
        barrier = threading.Barrier(50)

        def one(item):
            url, headers, b = item
            s = requests.Session()
            try:
                barrier.wait(timeout=30)
                return s.post(url, data=json.dumps(b), headers=headers, timeout=60)
            finally:
                s.close()

        items = [(t.base + "/v1/holds", h, b) for h, b in holds] + \
                [(t.base + "/v1/bookings", h, b) for h, b in books]
        futures = [crowd.pool.submit(one, it) for it in items]
        rs = [f.result(timeout=90) for f in futures]
        assert_clean(rs)
        assert statuses(rs) == {201: 1, 409: 49}, (start, statuses(rs))
        booked_now = active_by_start(t).get(start, [])
        won_hold = any(r.status_code == 201 and r.json()["id"].startswith("hld_") for r in rs)
        assert len(booked_now) == (0 if won_hold else 1), (n, won_hold, booked_now)
