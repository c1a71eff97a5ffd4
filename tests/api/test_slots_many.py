"""Any-provider slots over more providers than one load round holds (a query loads 512 at a
time), answered from the availability cache: each provider's own hours, own duration, own
holidays, the tenant's holidays and bookings show in the grouped answer exactly, on the
first query and the repeated ones (cache entries keep a provider's own holidays only; the
tenant's are merged in per query; slot arrays are reused between queries).

The expected answer is worked out here from the hours each provider was given, not read
from slotd. Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import datetime
import types
from collections import defaultdict

import pytest

from conftest import avail_cache_hits, DEFAULT_NOW, hours_service, parallel, slot_groups

TOKEN = "metrics-" + "m" * 24
MON, TUE = "2026-03-02", "2026-03-03"
N = 530         # past one round of 512
STEP = 30


def hours(i):
    """Provider i's weekday hours (UTC), whole hours from..to."""
    start = 7 + i % 5
    return start, start + 3 + i % 4


def duration(i):
    """Every seventh provider has its own duration for the service."""
    return 90 if i % 7 == 3 else 60


@pytest.fixture(scope="module")
def many(slotd_bin, tmp_path_factory):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("many"),
                 env={"SLOTD_METRICS_TOKEN": TOKEN})
    t = srv.tenant()

    pids, sid = hours_service(t, "M", N, hours, STEP)
    parallel(lambda i: t.ok("PUT", f"/v1/services/{sid}/providers/{pids[i]}",
                            {"duration_minutes": duration(i)}),
             [i for i in range(N) if duration(i) != 60])
    yield types.SimpleNamespace(srv=srv, t=t, pids=pids, sid=sid)
    _stop(srv)


def at(day, minute):
    d = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    return d + datetime.timedelta(minutes=minute)


def expected(m, day, closed=(), busy=None):
    """{(start, end): {provider ids}} for day: closed providers have none; busy maps a
    provider to its booked [start, end)."""
    out = defaultdict(set)
    for i, pid in enumerate(m.pids):
        if pid in closed:
            continue
        s, e = hours(i)
        d = duration(i)
        for t in range(s * 60, e * 60 - d + 1, STEP):
            a, b = at(day, t), at(day, t + d)
            if busy and pid in busy and a < busy[pid][1] and busy[pid][0] < b:
                continue
            out[(a, b)].add(pid)
    return dict(out)


def grouped(m, day):
    out = {}
    for key, g in slot_groups(m.t, {"service_id": m.sid, "from": day, "to": day},
                              DEFAULT_NOW).items():
        assert g["providers_free"] == len(g["provider_ids"])
        out[key] = set(g["provider_ids"])
    return out


def test_every_provider_in_every_round_from_memory(many):
    want = expected(many, MON)
    assert grouped(many, MON) == want
    before = avail_cache_hits(TOKEN, many.srv.base)
    assert grouped(many, MON) == want
    assert avail_cache_hits(TOKEN, many.srv.base) - before >= N, \
        "the repeated query was not answered from memory"
    # Another day right after (arrays kept from the query before are filled afresh).
    assert grouped(many, TUE) == expected(many, TUE)
    assert grouped(many, MON) == want


def test_own_and_tenant_holidays_both_close_from_memory(many):
    m = many
    late, early = m.pids[N - 3], m.pids[2]     # in the second round and the first
    h = m.t.ok("POST", "/v1/holidays", {"name": "Own", "date": MON,
                                        "provider_ids": [late, early]})
    try:
        want = expected(m, MON, closed={late, early})
        assert grouped(m, MON) == want
        assert grouped(m, MON) == want          # from the cache: own holidays kept there
        everyone = m.t.ok("POST", "/v1/holidays", {"name": "All", "date": TUE})
        assert grouped(m, TUE) == {}
        assert grouped(m, TUE) == {}            # from the cache: the tenant's merged in
        assert grouped(m, MON) == want
        m.t.ok("DELETE", f"/v1/holidays/{everyone['id']}")
        assert grouped(m, TUE) == expected(m, TUE)
        assert grouped(m, MON) == want          # the own ones still close Monday
    finally:
        m.t.ok("DELETE", f"/v1/holidays/{h['id']}")
    assert grouped(m, MON) == expected(m, MON)


def test_a_booking_in_the_second_round_shows_at_once(many):
    m = many
    i = N - 5
    pid = m.pids[i]
    s, _ = hours(i)
    start = at(MON, s * 60 + 60)
    assert grouped(m, MON) == expected(m, MON)
    r = m.t.post("/v1/bookings", {"service_id": m.sid, "provider_id": pid,
                                  "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "customer": {"name": "Ann", "email": "ann@example.com"}},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": "many-round-two"})
    assert r.status_code == 201, r.text
    busy = {pid: (start, start + datetime.timedelta(minutes=duration(i)))}
    want = expected(m, MON, busy=busy)
    assert want != expected(m, MON)
    assert grouped(m, MON) == want
    assert grouped(m, MON) == want
