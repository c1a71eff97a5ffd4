"""Any-provider slots of a service with more providers than one load round (512), the
commitments of its providers read once per query: busy time of an external calendar on a
provider of the second round blocks its slots (the tenant has calendars), and a booking of a
provider of the second round in another service of its own blocks it as well. Checked against
the hours each provider was given. Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import datetime
import types
import uuid

import pytest

from conftest import _start, _stop, hourly_slots, hours_service, slot_groups
from ics_server import IcsServer
from test_calendars import busy, env_for, ics, wait_cal

NOW = "2026-03-02T07:00:00Z"
DAY = "2026-03-10"          # a Tuesday
N = 520                     # past one round of 512
STEP = 30


def hours(i):
    """Provider i's weekday hours (UTC), whole hours from..to."""
    start = 8 + i % 3
    return start, start + 4


def at(minute):
    d = datetime.datetime.fromisoformat(DAY).replace(tzinfo=datetime.timezone.utc)
    return d + datetime.timedelta(minutes=minute)


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def world(slotd_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("rounds_more")
    srv = _start(slotd_bin, d, env=env_for(d))
    ics_srv = IcsServer().start()
    t = srv.tenant()
    t.ok("POST", "/v1/test/clock", {"now": NOW}, status=200)

    pids, sid = hours_service(t, "R", N, hours, STEP)
    yield types.SimpleNamespace(srv=srv, t=t, pids=pids, sid=sid, ics=ics_srv)
    t.ok("POST", "/v1/test/clock", {"now": None}, status=200)
    ics_srv.stop()
    _stop(srv)


def expected(m, blocked):
    """{(start, end): {provider ids}}; blocked maps a provider to its [start, end)s."""
    return hourly_slots(m.pids, hours, DAY, STEP, blocked)


def grouped(m):
    return {key: set(g["provider_ids"])
            for key, g in slot_groups(m.t, {"service_id": m.sid, "from": DAY, "to": DAY}).items()}


def one(m, pid):
    r = m.t.get("/v1/slots", params={"service_id": m.sid, "provider_id": pid, "from": DAY,
                                     "to": DAY, "timezone": "UTC"})
    assert r.status_code == 200, r.text
    return [(s["start"], s["end"]) for s in r.json()["slots"]]


def test_calendar_busy_and_other_service_bookings_in_the_second_round(world):
    m = world
    cal_i, other_i = N - 3, N - 5               # both in the second round
    pc, po = m.pids[cal_i], m.pids[other_i]
    sc, so = hours(cal_i)[0] * 60, hours(other_i)[0] * 60
    assert grouped(m) == expected(m, {})

    # An external calendar's busy hour on the provider of the second round.
    path = f"/{uuid.uuid4().hex}/busy.ics"
    hm = lambda minute: f"{minute // 60:02d}:{minute % 60:02d}"  # noqa: E731
    m.ics.serve(path, ics(busy("UTC", DAY, hm(sc + 60), hm(sc + 120))))
    r = m.t.post(f"/v1/providers/{pc}/calendars",
                 {"kind": "ics", "url": m.ics.url(path), "name": "Private"})
    assert r.status_code == 201, r.text
    cal = r.json()
    w = types.SimpleNamespace(t=m.t, cal_path=lambda cid: f"/v1/providers/{pc}/calendars/{cid}")
    cal = wait_cal(w, cal["id"], lambda c: c["last_synced_at"] is not None, "synced")
    assert cal["last_error"] is None and cal["busy_intervals"] == 1, cal

    # A booking of another provider of the second round in a service of its own.
    own = m.t.service([po], name="Own", duration_minutes=60)["id"]
    r = m.t.post("/v1/bookings", {"service_id": own, "provider_id": po, "start": iso(at(so)),
                                  "customer": {"name": "Ann", "email": "ann@example.com"}},
                 headers={"Idempotency-Key": "rounds-more-own"})
    assert r.status_code == 201, r.text

    blocked = {pc: [(at(sc + 60), at(sc + 120))], po: [(at(so), at(so + 60))]}
    want = expected(m, blocked)
    assert grouped(m) == want
    assert grouped(m) == want                   # again, the records from the cache
    for pid in (pc, po):
        assert one(m, pid) == sorted(
            (iso(a), iso(b)) for (a, b), ps in want.items() if pid in ps)
