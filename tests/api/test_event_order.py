"""The event log under concurrency on PostgreSQL: three slotd processes on one database.

Every successful write appends one event to its tenant's log in the same transaction, and a
tenant's events are numbered 1, 2, 3, ... (seq) in COMMIT order, so a reader that polls
``GET /v1/events?after=<last seq seen>`` never skips an event that committed late.

The one test here starts many writer threads for two tenants (24 for tenant A, 6 for tenant
B; each thread has a requests.Session of its own and sends each of its requests to the next of
the three processes) doing a mix of writes for RUN_SECONDS: providers created and renamed,
bookings on starts of their own and bookings racing for shared starts (409s expected), holds
made and released. Meanwhile one reader thread per tenant polls the event log, spreading its
reads over the three processes. Every request carries an X-Request-Id of its own, which the
server records on its events, so each event is matched to the request that made it.

Checked afterwards, per tenant: the reader saw exactly the events of a final full listing
(same ids, same seqs, same order, none twice); seqs run 1..N with no gap, key.created first;
during the run no page ever brought a seq other than previous+1, and next_after was the last
seq exactly when the page was full; each 2xx write (not a replay) has exactly one event of its
type on its subject, and a 409, a 503 or a replay none; the count of events per type is what
the writers did; a write answered before another was sent has the smaller seq (commit order,
across processes); the two tenants see none of each other's events.

Runs only in the PostgreSQL run (api_pg): skipped when pg_helpers.enabled() is false.
"""
import collections
import itertools
import json
import random
import threading
import time
import types
import uuid
from datetime import date, timedelta

import pytest
import requests

import pg_helpers
from conftest import DEFAULT_NOW, create_tenant, pg_processes, weekdays

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

PROCESSES = 3
WRITERS_A = 24
WRITERS_B = 6
RUN_SECONDS = 12.0
PAGE = 200
# HTTP workers per process: more than the writers that reach one process, so reads are served
# while write transactions are in flight (the default is one per CPU).
SERVER_THREADS = 16
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_RETRIES_503 = 20
EVENT_KEYS = {"id", "seq", "type", "subject_id", "actor", "request_id", "payload", "changes",
              "created_at"}

# Starts: the provider works 08:00-18:00 UTC every day, 60-minute service, so ten a day.
# Bookings and holds of one thread each take a start nobody else takes (from March 2026 on);
# contested bookings race for the February starts, which every thread tries in the same order.
FIRST_OWN_DAY = date(2026, 3, 2)
FIRST_CONTESTED_DAY = date(2026, 2, 1)
CONTESTED = 280


def start_at(first_day, n):
    d = first_day + timedelta(days=n // 10)
    return f"{d.isoformat()}T{8 + n % 10:02d}:00:00Z"


# --- the cluster --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(slotd_bin, tmp_path_factory):
    """Three slotd processes on one fresh PostgreSQL database."""
    with pg_processes(slotd_bin, tmp_path_factory, PROCESSES,
                      args=("--threads", str(SERVER_THREADS))) as (url, servers):
        yield types.SimpleNamespace(binary=slotd_bin, url=url, servers=servers)


# --- requests, each recorded ------------------------------------------------------------------

class Attempt:
    """One HTTP request of a writer: what it was, when it was sent and answered, the answer."""
    __slots__ = ("rid", "thread", "kind", "event_type", "status", "replayed", "subject",
                 "sent", "answered", "detail", "start")

    def __init__(self, rid, thread, kind, event_type):
        self.rid = rid
        self.thread = thread
        self.kind = kind
        self.event_type = event_type
        self.status = None
        self.replayed = False
        self.subject = None
        self.sent = self.answered = None
        self.detail = None
        self.start = None

    def made_event(self):
        """True when the answer says the write happened here (2xx and not a replay)."""
        return self.status in (200, 201, 204) and not self.replayed


class Tenant:
    """One tenant of the cluster: its admin key, the base URLs of the three processes, and
    every attempt its writers made."""

    def __init__(self, tag, cluster):
        self.tag = tag
        self.slug = f"ev{tag.lower()}-" + uuid.uuid4().hex[:10]
        self.key = create_tenant(cluster.binary, cluster.url, self.slug)
        self.bases = [s.base for s in cluster.servers]
        self.attempts = []
        self.lock = threading.Lock()
        self._own = itertools.count()
        self.unexpected = []
        self.errors = []

    def own_start(self):
        with self.lock:
            return start_at(FIRST_OWN_DAY, next(self._own))

    def headers(self, rid, idem=None):
        h = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json",
             "X-Test-Now": DEFAULT_NOW, "X-Request-Id": rid}
        if idem:
            h["Idempotency-Key"] = idem
        return h

    def send(self, session, proc, thread, rid, kind, event_type, method, path, body=None,
             idem=None, ok=(200, 201, 204)):
        """Sends one request; records it as an Attempt and returns it (with .json)."""
        a = Attempt(rid, thread, kind, event_type)
        data = None if body is None else json.dumps(body)
        a.sent = time.monotonic()
        r = session.request(method, self.bases[proc] + path, data=data,
                            headers=self.headers(rid, idem), timeout=60)
        a.answered = time.monotonic()
        a.status = r.status_code
        a.replayed = r.headers.get("Idempotent-Replayed") == "true"
        if r.headers.get("X-Request-Id") not in (None, rid):
            self.unexpected.append((rid, "X-Request-Id echoed as", r.headers["X-Request-Id"]))
        body_out = r.json() if r.content else None
        if a.status in (200, 201) and isinstance(body_out, dict):
            a.subject = body_out.get("id")
        if a.status not in ok and a.status != 503:
            self.unexpected.append((rid, method, path, a.status, r.text[:300]))
        if a.status == 503 and not r.headers.get("Retry-After"):
            self.unexpected.append((rid, "503 without Retry-After", r.text[:300]))
        with self.lock:
            self.attempts.append(a)
        a.detail = body_out
        return a


def retrying(tenant, session, proc, thread, rid, kind, event_type, path, body, ok):
    """A booking create: on 503 the same request (same Idempotency-Key) again, each attempt
    with a request id of its own. Returns the last attempt."""
    idem = f"idem-{rid}"
    for n in range(MAX_RETRIES_503 + 1):
        a = tenant.send(session, (proc + n) % PROCESSES, thread, f"{rid}-a{n}", kind,
                        event_type, "POST", path, body, idem=idem, ok=ok)
        if a.status != 503:
            return a
        time.sleep(0.05)
    return a


# --- writers ------------------------------------------------------------------------------------

def writer(tenant, i, sid, pid, deadline, barrier):
    """Thread i of a tenant: random writes until the deadline, the process changing with every
    request."""
    rng = random.Random(f"{tenant.tag}-{i}")
    s = requests.Session()
    my_providers = []      # [id]
    my_holds = []          # [id], live
    contested = 0
    k = 0
    try:
        barrier.wait(timeout=30)
        while time.monotonic() < deadline:
            k += 1
            proc = (i + k) % PROCESSES
            rid = f"{tenant.tag}-w{i:02d}-{k:05d}"
            x = rng.random()
            if x < 0.17 or (x < 0.34 and not my_providers):
                a = tenant.send(s, proc, i, rid, "provider.create", "provider.created", "POST",
                                "/v1/providers", {"name": f"P {rid}", "timezone": "UTC"})
                if a.status == 201:
                    my_providers.append(a.subject)
            elif x < 0.34:
                p = rng.choice(my_providers)
                a = tenant.send(s, proc, i, rid, "provider.patch", "provider.updated", "PATCH",
                                f"/v1/providers/{p}", {"name": f"Renamed {rid}"})
                if a.status == 200:
                    assert a.subject == p, (a.subject, p)
            elif x < 0.58:
                start = tenant.own_start()
                body = {"service_id": sid, "provider_id": pid, "start": start,
                        "customer": {"name": f"C {rid}", "email": f"{rid.lower()}@ex.com"}}
                a = retrying(tenant, s, proc, i, rid, "booking.own", "booking.created",
                             "/v1/bookings", body, ok=(201,))
                a.start = start
            elif x < 0.76 and contested < CONTESTED:
                start = start_at(FIRST_CONTESTED_DAY, contested)
                contested += 1
                body = {"service_id": sid, "provider_id": pid, "start": start,
                        "customer": {"name": f"C {rid}", "email": f"{rid.lower()}@ex.com"}}
                a = retrying(tenant, s, proc, i, rid, "booking.contested", "booking.created",
                             "/v1/bookings", body, ok=(201, 409))
                a.start = start
                if a.status == 409 and (a.detail or {}).get("code") != "slot_taken":
                    tenant.unexpected.append((rid, "409 not slot_taken", a.detail))
            elif my_holds and rng.random() < 0.5:
                h = my_holds[0]
                a = tenant.send(s, proc, i, rid, "hold.delete", "hold.released", "DELETE",
                                f"/v1/holds/{h}", ok=(204,))
                a.subject = h
                if a.status == 204:
                    my_holds.pop(0)
            else:
                start = tenant.own_start()
                a = tenant.send(s, proc, i, rid, "hold.create", "hold.created", "POST",
                                "/v1/holds",
                                {"service_id": sid, "provider_id": pid, "start": start,
                                 "customer": {"email": f"{rid.lower()}@ex.com"}}, ok=(201,))
                a.start = start
                if a.status == 201:
                    my_holds.append(a.subject)
    except BaseException as ex:  # noqa: BLE001 - reported by the test
        tenant.errors.append(f"writer {tenant.tag}{i}: {ex!r}")
    finally:
        s.close()


# --- the reader ---------------------------------------------------------------------------------

class Reader:
    """Polls GET /v1/events?after=<last seq seen>&limit=200 over the three processes until the
    writers are done and a page (asked for after they were done) comes back empty."""

    def __init__(self, tenant, writers_done):
        self.t = tenant
        self.done = writers_done
        self.events = []
        self.last = 0
        self.gaps = []          # (previous seq, seq received, process) when seq != previous+1
        self.bad_pages = []     # next_after not as specified, or a malformed event
        self.polls = 0
        self.latencies = []
        self.full_pages = 0
        self.errors = []

    def run(self):
        sessions = [requests.Session() for _ in range(PROCESSES)]
        h = {"Authorization": f"Bearer {self.t.key}"}
        try:
            for n in itertools.count():
                proc = n % PROCESSES
                finished = self.done.is_set()     # read before the request is sent
                t_sent = time.monotonic()
                r = sessions[proc].get(self.t.bases[proc] + "/v1/events",
                                       params={"after": self.last, "limit": PAGE}, headers=h,
                                       timeout=60)
                self.latencies.append(time.monotonic() - t_sent)
                self.polls += 1
                if r.status_code == 503:
                    time.sleep(0.05)
                    continue
                if r.status_code != 200:
                    self.errors.append(f"GET /v1/events: {r.status_code} {r.text[:300]}")
                    return
                page = r.json()
                data = page["data"]
                want_next = data[-1]["seq"] if len(data) == PAGE else None
                if page.get("next_after", "missing") != want_next or len(data) > PAGE:
                    self.bad_pages.append((self.last, len(data), page.get("next_after")))
                if len(data) == PAGE:
                    self.full_pages += 1
                for ev in data:
                    if set(ev) != EVENT_KEYS or not str(ev["id"]).startswith("evt_"):
                        self.bad_pages.append(("event", ev))
                    if ev["seq"] != self.last + 1:
                        self.gaps.append((self.last, ev["seq"], proc))
                    self.events.append(ev)
                    self.last = max(self.last, ev["seq"])
                if finished and not data:
                    return
                if n > 2_000_000:
                    self.errors.append("reader never reached the end")
                    return
        except BaseException as ex:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(ex))
        finally:
            for s in sessions:
                s.close()


def full_listing(tenant, proc=0):
    """Every event of the tenant, paging with after and next_after through one process."""
    out, after = [], 0
    with requests.Session() as s:
        for _ in range(10_000):
            r = s.get(tenant.bases[proc] + "/v1/events", params={"after": after, "limit": PAGE},
                      headers={"Authorization": f"Bearer {tenant.key}"}, timeout=60)
            assert r.status_code == 200, r.text
            page = r.json()
            out += page["data"]
            if len(page["data"]) == PAGE:
                assert page["next_after"] == page["data"][-1]["seq"], page["next_after"]
                after = page["next_after"]
                continue
            assert page["next_after"] is None, (len(page["data"]), page["next_after"])
            return out
    raise AssertionError("the event listing does not end")


# --- setup --------------------------------------------------------------------------------------

def setup_tenant(tenant):
    """A UTC provider open 08:00-18:00 every day and a 60-minute service; recorded as attempts
    like the writers' (thread -1)."""
    with requests.Session() as s:
        p = tenant.send(s, 0, -1, f"{tenant.tag}-setup-1", "setup", "provider.created", "POST",
                        "/v1/providers", {"name": "Base", "timezone": "UTC"})
        assert p.status == 201, p.detail
        sch = tenant.send(s, 1, -1, f"{tenant.tag}-setup-2", "setup", "schedule.updated", "PUT",
                          f"/v1/providers/{p.subject}/schedule",
                          {"weekly": weekdays([("08:00", "18:00")], days=ALL_DAYS)})
        assert sch.status == 200, sch.detail
        sch.subject = p.subject      # the schedule's event is on its provider
        svc = tenant.send(s, 2, -1, f"{tenant.tag}-setup-3", "setup", "service.created", "POST",
                          "/v1/services", {"name": "Visit", "duration_minutes": 60,
                                           "provider_ids": [p.subject]})
        assert svc.status == 201, svc.detail
    return svc.subject, p.subject


# --- checks -------------------------------------------------------------------------------------

def check_tenant(tenant, reader):
    """Every check of one tenant's log; returns (events, summary)."""
    assert not tenant.errors, tenant.errors
    assert not reader.errors, reader.errors
    assert not tenant.unexpected, tenant.unexpected[:20]

    final = full_listing(tenant)
    # The same listing through another process is the same.
    assert full_listing(tenant, proc=2) == final

    # 3. During the run, every page continued exactly where the last one stopped.
    assert reader.gaps == [], f"reader got seqs not previous+1 (prev, got, process): " \
                              f"{reader.gaps[:20]}"
    assert reader.bad_pages == [], reader.bad_pages[:10]

    # 1. The reader saw every event exactly once: same ids, seqs, content, order.
    r_ids = [e["id"] for e in reader.events]
    f_ids = [e["id"] for e in final]
    assert len(set(f_ids)) == len(f_ids), "an event id listed twice"
    assert len(set(r_ids)) == len(r_ids), \
        [i for i, c in collections.Counter(r_ids).items() if c > 1][:10]
    missed = set(f_ids) - set(r_ids)
    assert not missed, f"reader skipped {len(missed)} events, e.g. " \
                       f"{sorted((e['seq'], e['type']) for e in final if e['id'] in missed)[:10]}"
    assert set(r_ids) == set(f_ids)
    assert [e["seq"] for e in reader.events] == [e["seq"] for e in final]
    assert reader.events == final

    # Seqs are 1..N with no gap, the tenant's key.created first.
    seqs = [e["seq"] for e in final]
    assert seqs == list(range(1, len(final) + 1)), \
        [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1][:10]
    assert final[0]["type"] == "key.created", final[0]

    # Each write is matched to its events through its request id.
    by_rid = collections.defaultdict(list)
    for e in final:
        by_rid[e["request_id"]].append(e)
    attempts = {a.rid: a for a in tenant.attempts}
    assert len(attempts) == len(tenant.attempts), "request ids not unique"
    foreign = [e for e in final
               if e["request_id"] is not None and e["request_id"] not in attempts]
    assert not foreign, f"events of requests this tenant did not send: {foreign[:5]}"
    wrong = []
    for a in tenant.attempts:
        evs = by_rid.get(a.rid, [])
        if a.made_event():
            if len(evs) != 1 or evs[0]["type"] != a.event_type or \
                    evs[0]["subject_id"] != a.subject:
                wrong.append((a.rid, a.status, a.event_type, a.subject,
                              [(e["seq"], e["type"], e["subject_id"]) for e in evs]))
        elif evs:
            wrong.append((a.rid, a.status, "replayed" if a.replayed else "no write",
                          [(e["seq"], e["type"]) for e in evs]))
    assert not wrong, f"writes without exactly their one event, or failures with events: " \
                      f"{wrong[:10]}"

    # The count of each type is what the writers did (plus the tenant's key.created).
    done = [a for a in tenant.attempts if a.made_event()]
    want = collections.Counter(a.event_type for a in done)
    want["key.created"] += 1
    got = collections.Counter(e["type"] for e in final)
    assert got == want, f"events per type {dict(got)} != writes {dict(want)}"
    # ... and the subjects: one provider.created per provider answered 201, one
    # booking.created per booking answered 201 (by id, whatever retries), and so on.
    for typ in ("provider.created", "booking.created", "hold.created", "hold.released"):
        subjects = collections.Counter(e["subject_id"] for e in final if e["type"] == typ)
        written = collections.Counter(a.subject for a in done if a.event_type == typ)
        assert subjects == written, typ
        assert all(c == 1 for c in subjects.values()), typ
    booked_ids = {a.subject for a in tenant.attempts
                  if a.event_type == "booking.created" and a.status == 201}
    assert {e["subject_id"] for e in final if e["type"] == "booking.created"} == booked_ids
    # A contested start has at most one booking, and its event names the start asked for.
    winners = collections.Counter(a.start for a in done if a.kind == "booking.contested")
    assert all(c == 1 for c in winners.values()), [s for s, c in winners.items() if c > 1]
    for a in done:
        (e,) = by_rid[a.rid]
        if a.event_type == "booking.created":
            assert e["payload"]["start"] == a.start and e["payload"]["id"] == a.subject
        elif a.event_type == "provider.updated":
            assert e["payload"]["name"] == f"Renamed {a.rid}", e["payload"]

    # Commit order: a write answered before another was sent has the smaller seq, whichever
    # processes served them (so each thread's own events are in the order it made them).
    timed = sorted(((by_rid[a.rid][0]["seq"], a) for a in done), key=lambda x: x[0])
    violations, min_answered, min_rid = [], float("inf"), None
    for seq, a in reversed(timed):
        if min_answered < a.sent:
            violations.append((a.rid, seq, "after", min_rid))
        if a.answered < min_answered:
            min_answered, min_rid = a.answered, a.rid
    assert not violations, f"a later write got a smaller seq: {violations[:10]}"
    per_thread = collections.defaultdict(list)
    for seq, a in timed:
        per_thread[a.thread].append(a.rid)
    for th, rids in per_thread.items():
        assert rids == sorted(rids), f"thread {th}: events out of its order"

    statuses = collections.Counter(a.status for a in tenant.attempts)
    lat = sorted(reader.latencies) or [0.0]
    summary = {"events": len(final), "types": dict(sorted(got.items())),
               "statuses": dict(statuses), "polls": reader.polls,
               "poll_ms_median": round(1000 * lat[len(lat) // 2]),
               "poll_ms_max": round(1000 * lat[-1]),
               "full_pages_seen_by_reader": reader.full_pages,
               "contested_409": sum(1 for a in tenant.attempts if a.status == 409)}
    return final, summary


# --- the test -----------------------------------------------------------------------------------

def test_readers_see_every_event_once_in_commit_order(cluster):
    t0 = time.monotonic()
    ta, tb = Tenant("A", cluster), Tenant("B", cluster)
    setups = {t.tag: setup_tenant(t) for t in (ta, tb)}

    done = {t.tag: threading.Event() for t in (ta, tb)}
    readers = {t.tag: Reader(t, done[t.tag]) for t in (ta, tb)}
    reader_threads = [threading.Thread(target=r.run, daemon=True) for r in readers.values()]
    for th in reader_threads:
        th.start()

    barrier = threading.Barrier(WRITERS_A + WRITERS_B)
    deadline = time.monotonic() + 2 + RUN_SECONDS
    groups = {}
    for t, n in ((ta, WRITERS_A), (tb, WRITERS_B)):
        sid, pid = setups[t.tag]
        groups[t.tag] = [threading.Thread(target=writer, args=(t, i, sid, pid, deadline, barrier),
                                          daemon=True) for i in range(n)]
    for ths in groups.values():
        for th in ths:
            th.start()
    for tag, ths in groups.items():
        for th in ths:
            th.join(timeout=RUN_SECONDS + 120)
            assert not th.is_alive(), "a writer did not finish"
        done[tag].set()
    for th in reader_threads:
        th.join(timeout=120)
        assert not th.is_alive(), "a reader did not finish"

    final_a, sum_a = check_tenant(ta, readers["A"])
    final_b, sum_b = check_tenant(tb, readers["B"])

    # 2. Each tenant has a sequence of its own, and neither sees the other's events.
    for final, tag in ((final_a, "A"), (final_b, "B")):
        assert [(e["seq"], e["type"], e["request_id"]) for e in final[:4]] == [
            (1, "key.created", None), (2, "provider.created", f"{tag}-setup-1"),
            (3, "schedule.updated", f"{tag}-setup-2"), (4, "service.created", f"{tag}-setup-3")]
    assert {e["id"] for e in final_a}.isdisjoint({e["id"] for e in final_b})
    assert {e["subject_id"] for e in final_a}.isdisjoint({e["subject_id"] for e in final_b})
    assert all((e["request_id"] or "A-").startswith("A-") for e in final_a)
    assert all((e["request_id"] or "B-").startswith("B-") for e in final_b)
    assert {e["id"] for e in readers["A"].events}.isdisjoint(
        {e["id"] for e in readers["B"].events})
    # Both sequences ran while the other did: neither is trivially short.
    assert sum_a["events"] > 200 and sum_b["events"] > 50, (sum_a, sum_b)
    assert sum_a["contested_409"] > 0, sum_a

    print(f"\nevent order: A {sum_a}\nevent order: B {sum_b}\n"
          f"elapsed {time.monotonic() - t0:.1f}s")
