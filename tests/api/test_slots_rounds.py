"""Any-provider slots of a service with more providers than one load round (512): the
bookings and live holds of all its providers are read once per query, for the whole tenant,
and handed to each provider by id. Checked against an answer worked out here from the hours
each provider was given: commitments of providers in the first and the second round count,
those of a provider outside the service, cancelled bookings and expired holds do not; the
answer of one provider (read on its own) agrees. Runs on SQLite and, under scripts/pg.sh run,
on PostgreSQL.
"""
import datetime
import types

import pytest

from conftest import DEFAULT_NOW, hourly_slots, hours_service, slot_groups, weekdays

MON = "2026-03-02"
N = 520         # past one round of 512
STEP = 30


def hours(i):
    """Provider i's weekday hours (UTC), whole hours from..to."""
    start = 8 + i % 3
    return start, start + 4


@pytest.fixture(scope="module")
def rounds(slotd_bin, tmp_path_factory):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("rounds"))
    t = srv.tenant()

    pids, sid = hours_service(t, "R", N, hours, STEP)
    # A provider of the same tenant outside the service, with a service of its own.
    other = t.provider(f"R{N:03d}", timezone="UTC")["id"]
    s, e = hours(N)
    t.schedule(other, weekdays([(f"{s:02d}:00", f"{e:02d}:00")]))
    other_sid = t.service([other], name="Other", duration_minutes=60)["id"]
    yield types.SimpleNamespace(srv=srv, t=t, pids=pids, sid=sid, other=other,
                                other_sid=other_sid)
    _stop(srv)


def at(minute):
    d = datetime.datetime.fromisoformat(MON).replace(tzinfo=datetime.timezone.utc)
    return d + datetime.timedelta(minutes=minute)


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def expected(m, busy):
    """{(start, end): {provider ids}}; busy maps a provider to its blocked [start, end)s."""
    return hourly_slots(m.pids, hours, MON, STEP, busy)


def grouped(m, now=DEFAULT_NOW):
    out = {}
    for key, g in slot_groups(m.t, {"service_id": m.sid, "from": MON, "to": MON},
                              now).items():
        assert g["providers_free"] == len(g["provider_ids"])
        out[key] = set(g["provider_ids"])
    return out


def one(m, pid, now=DEFAULT_NOW):
    r = m.t.get("/v1/slots", params={"service_id": m.sid, "provider_id": pid, "from": MON,
                                     "to": MON, "timezone": "UTC"}, now=now)
    assert r.status_code == 200, r.text
    return [(s["start"], s["end"]) for s in r.json()["slots"]]


def book(m, sid, pid, start, key):
    r = m.t.post("/v1/bookings", {"service_id": sid, "provider_id": pid, "start": iso(start),
                                  "customer": {"name": "Ann", "email": f"{key}@example.com"}},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return r.json()


def test_commitments_of_every_round_count_and_no_others(rounds):
    m = rounds
    first, second, held = 1, N - 4, N - 2       # rounds one and two
    p1, p2, ph = m.pids[first], m.pids[second], m.pids[held]
    s1, s2, sh = (hours(i)[0] * 60 for i in (first, second, held))
    assert grouped(m) == expected(m, {})

    book(m, m.sid, p1, at(s1 + 60), "rounds-first")
    book(m, m.sid, p2, at(s2), "rounds-second")
    gone = book(m, m.sid, p2, at(s2 + 120), "rounds-cancelled")
    m.t.ok("POST", f"/v1/bookings/{gone['id']}/cancel", {}, status=200, now=DEFAULT_NOW)
    r = m.t.post("/v1/holds", {"service_id": m.sid, "provider_id": ph, "start": iso(at(sh)),
                               "ttl_seconds": 600,
                               "customer": {"name": "H", "email": "h@example.com"}},
                 now=DEFAULT_NOW)
    assert r.status_code == 201, r.text
    # The provider outside the service is booked all its day (its hours are the others').
    so, eo = hours(N)
    for k, t in enumerate(range(so * 60, eo * 60, 60)):
        book(m, m.other_sid, m.other, at(t), f"rounds-other-{k}")

    busy = {p1: [(at(s1 + 60), at(s1 + 120))], p2: [(at(s2), at(s2 + 60))],
            ph: [(at(sh), at(sh + 60))]}
    want = expected(m, busy)
    assert grouped(m) == want
    assert grouped(m) == want                  # again, the records from the cache
    for pid in (p1, p2, ph):
        assert one(m, pid) == sorted(
            (iso(a), iso(b)) for (a, b), ps in want.items() if pid in ps)

    # Once the hold has expired its time is free again; the bookings stay.
    later = "2026-01-01T00:30:00Z"
    del busy[ph]
    assert grouped(m, now=later) == expected(m, busy)
