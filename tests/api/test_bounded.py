"""Every request is bounded, and no tenant starves another.

- Caps on the records that feed every slot query: 500 holidays per tenant, 500 overrides per
  provider, 1,000 recurring overrides per tenant. One more is 422 record_limit_reached and is
  not stored.
- The most expensive slot query a tenant can build (200 providers, tenant-wide RRULE holidays,
  recurring overrides, 93 days) answers, and does not hold a worker for seconds.
- A request that runs out of its time budget is 503 request_timeout with Retry-After, and
  writes nothing (the budget is made tiny with SLOTD_TEST_REQUEST_TIMEOUT_MS, honoured only
  with the test clock).
- While one tenant floods that query from several threads, another tenant's requests are all
  answered. Timing figures are printed by bench/tenant_isolation.sh, not asserted here.
"""
import datetime
import threading
import time

import pytest

from conftest import _stop, Api, DEFAULT_NOW, expect_problem, parallel, Server, weekdays

HOLIDAYS_MAX = 500
OVERRIDES_MAX = 500
RECURRING_OVERRIDES_MAX = 1000

# The widest slot query: any provider of a 200-provider service over 93 days.
WIDE = {"from": "2026-03-01", "to": "2026-06-01"}
ENV = {"SLOTD_RATE_LIMITS": "off"}


def start_server(slotd_bin, workdir, env=None):
    workdir.mkdir(parents=True, exist_ok=True)
    return Server(slotd_bin, workdir / "slotd.db", workdir, env={**ENV, **(env or {})}).start()


@pytest.fixture(scope="module")
def srv(slotd_bin, tmp_path_factory):
    s = start_server(slotd_bin, tmp_path_factory.mktemp("bounded"))
    yield s
    _stop(s)


def holiday_body(k):
    """Alternately a daily rule with its own interval and a yearly date."""
    if k % 2:
        return {"name": f"Rule {k}", "date": "2026-01-01", "rrule": f"FREQ=DAILY;INTERVAL={k + 1}"}
    day = datetime.date(2026, 1, 1) + datetime.timedelta(days=k % 365)
    return {"name": f"Yearly {k}", "date": day.isoformat(), "recurring": "yearly"}


def build_hostile(t, providers=200, holidays=HOLIDAYS_MAX, recurring_per_provider=5):
    """The most expensive world a tenant may build for one slot query: a service with
    `providers` providers, `holidays` tenant-wide rule holidays, and recurring overrides that
    differ between providers (so none is shared). Returns (service id, provider ids)."""
    def provider(i):
        p = t.provider(f"P{i}", "Europe/Berlin")
        t.schedule(p["id"], weekdays([("09:00", "12:00")],
                                     days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
        start = datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 60)
        for k in range(recurring_per_provider):
            t.ok("POST", f"/v1/providers/{p['id']}/overrides",
                 {"date": start.isoformat(),
                  "rrule": f"FREQ=DAILY;INTERVAL={k + 7 + (i // 60) * 150}"})
        return p["id"]

    pids = parallel(provider, range(providers))
    parallel(lambda k: t.ok("POST", "/v1/holidays", holiday_body(k)), range(holidays))
    svc = t.service(pids, "Hour", duration_minutes=60)
    return svc["id"], pids


@pytest.fixture(scope="module")
def hostile(srv):
    t = srv.tenant("hostile")
    svc, pids = build_hostile(t)
    return t, svc, pids


def wide_query(t, svc, **params):
    return t.get("/v1/slots", params={"service_id": svc, **WIDE, **params}, now=DEFAULT_NOW)


def events_of(t, type_):
    """Every event of type_, following next_after."""
    out, after = [], 0
    for _ in range(1000):
        page = t.ok("GET", "/v1/events", params={"type": type_, "limit": 200, "after": after})
        out += page["data"]
        if page["next_after"] is None:
            return out
        after = page["next_after"]
    raise AssertionError("events do not end")


# --- caps --------------------------------------------------------------------------------------

def test_holidays_past_the_cap_are_refused_and_not_stored(srv):
    t = srv.tenant()
    parallel(lambda k: t.ok("POST", "/v1/holidays", holiday_body(k)), range(HOLIDAYS_MAX))
    assert len(t.list_all("/v1/holidays")) == HOLIDAYS_MAX
    r = t.post("/v1/holidays", {"name": "One too many", "date": "2026-05-01"})
    body = expect_problem(r, 422, "record_limit_reached")
    assert "500 holidays" in body["detail"]
    rows = t.list_all("/v1/holidays")
    assert len(rows) == HOLIDAYS_MAX
    assert "One too many" not in {h["name"] for h in rows}
    # A deleted one makes room again.
    t.ok("DELETE", f"/v1/holidays/{rows[0]['id']}")
    t.ok("POST", "/v1/holidays", {"name": "Room again", "date": "2026-05-01"})
    expect_problem(t.post("/v1/holidays", {"name": "Full again", "date": "2026-05-02"}), 422,
                   "record_limit_reached")


def test_holiday_cap_is_per_tenant(srv):
    t = srv.tenant()
    parallel(lambda k: t.ok("POST", "/v1/holidays", holiday_body(k)), range(HOLIDAYS_MAX))
    other = srv.tenant()
    other.ok("POST", "/v1/holidays", {"name": "Mine", "date": "2026-05-01"})


def test_overrides_past_the_cap_are_refused_and_not_stored(srv):
    t = srv.tenant()
    p, q = t.provider("Full")["id"], t.provider("Other")["id"]
    first = datetime.date(2026, 1, 1)

    def dated(k):
        day = first + datetime.timedelta(days=k)
        t.ok("POST", f"/v1/providers/{p}/overrides", {"date": day.isoformat()})

    parallel(dated, range(OVERRIDES_MAX))
    listed = t.list_all(f"/v1/providers/{p}/overrides",
                        params={"from": "2026-01-01", "to": "2027-12-31"})
    assert len(listed) == OVERRIDES_MAX
    created = len(events_of(t, "override.created"))
    r = t.post(f"/v1/providers/{p}/overrides", {"date": "2028-01-03"})
    body = expect_problem(r, 422, "record_limit_reached")
    assert p in body["detail"]
    r = t.post(f"/v1/providers/{p}/overrides", {"date": "2028-01-03", "rrule": "FREQ=WEEKLY"})
    expect_problem(r, 422, "record_limit_reached")
    listed = t.list_all(f"/v1/providers/{p}/overrides",
                        params={"from": "2026-01-01", "to": "2028-12-31"})
    assert len(listed) == OVERRIDES_MAX
    assert len(events_of(t, "override.created")) == created
    # The cap is per provider.
    t.ok("POST", f"/v1/providers/{q}/overrides", {"date": "2028-01-03"})


def test_recurring_overrides_are_capped_per_tenant(srv):
    t = srv.tenant()
    per = RECURRING_OVERRIDES_MAX // 4
    pids = [t.provider(f"R{i}")["id"] for i in range(5)]

    def recurring(args):
        i, k = args
        t.ok("POST", f"/v1/providers/{pids[i]}/overrides",
             {"date": "2026-01-01", "rrule": f"FREQ=DAILY;INTERVAL={k + 2}"})

    parallel(recurring, [(i, k) for i in range(4) for k in range(per)])
    r = t.post(f"/v1/providers/{pids[4]}/overrides",
               {"date": "2026-01-05", "rrule": "FREQ=MONTHLY;BYDAY=1MO"})
    body = expect_problem(r, 422, "record_limit_reached")
    assert "1000 recurring overrides" in body["detail"]
    assert t.ok("GET", f"/v1/providers/{pids[4]}/overrides",
                params={"from": "2026-01-01", "to": "2026-12-31"})["data"] == []
    # Dated overrides are still accepted.
    t.ok("POST", f"/v1/providers/{pids[4]}/overrides", {"date": "2026-01-05"})


# --- the widest query ----------------------------------------------------------------------------

def test_the_most_expensive_slot_query_answers(hostile):
    t, svc, pids = hostile
    started = time.monotonic()
    r = wide_query(t, svc)
    elapsed = time.monotonic() - started
    assert r.status_code == 200, r.text
    assert elapsed < 10, f"the widest slot query took {elapsed:.1f} s"
    slots = r.json()["slots"]
    assert slots, "the world still has open days"
    # The rules were applied: no slot on a date the first daily holiday closes (every
    # second day from 2026-01-01).
    closed = {(datetime.date(2026, 1, 1) + datetime.timedelta(days=2 * k)).isoformat()
              for k in range(200)}
    assert not [s for s in slots if s["start"][:10] in closed]


def test_the_expensive_world_agrees_with_one_provider_at_a_time(hostile):
    t, svc, pids = hostile
    every = wide_query(t, svc).json()["slots"]
    for pid in (pids[0], pids[77], pids[-1]):
        alone = wide_query(t, svc, provider_id=pid).json()["slots"]
        assert alone == [s for s in every if s["provider_id"] == pid]


def test_explain_and_booking_in_the_expensive_world(hostile):
    t, svc, pids = hostile
    # 2026-03-04 (62 days after 1 Jan) is closed by the first daily holiday, and none of the
    # first provider's recurring overrides (every 7th to 11th day from 1 Jan) falls on it.
    x = t.explain(svc, pids[0], "2026-03-04T09:00:00+01:00")
    assert x["bookable"] is False
    assert [r["code"] for r in x["reasons"]] == ["holiday"]
    slot = wide_query(t, svc).json()["slots"][0]
    r = t.post("/v1/bookings", {"service_id": svc, "start": slot["start"],
                                "customer": {"name": "Ann", "email": "ann@example.com"}},
               headers={"Idempotency-Key": "bounded-1"}, now=DEFAULT_NOW)
    assert r.status_code == 201, r.text


def test_the_widest_calendar_answers(hostile):
    t, svc, pids = hostile
    r = t.get("/v1/calendar", params={"from": "2026-03-01", "to": "2026-05-31",
                                       "provider_ids": ",".join(pids[:50])})
    # Either the items or "too many items": never a failure or a hang.
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        expect_problem(r, 422, "range_too_large")


# --- the deadline --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_budget(slotd_bin, tmp_path_factory):
    s = start_server(slotd_bin, tmp_path_factory.mktemp("tiny"),
                     env={"SLOTD_TEST_REQUEST_TIMEOUT_MS": "1"})
    t = s.tenant("tiny")
    svc, pids = build_hostile(t, providers=60, holidays=100, recurring_per_provider=2)
    yield s, t, svc, pids
    _stop(s)


def expect_timeout(r):
    body = expect_problem(r, 503, "request_timeout")
    assert r.headers.get("Retry-After") == "1"
    return body


def test_a_slot_query_past_its_deadline_is_503(tiny_budget):
    s, t, svc, pids = tiny_budget
    expect_timeout(wide_query(t, svc))


def test_a_calendar_past_its_deadline_is_503(tiny_budget):
    s, t, svc, pids = tiny_budget
    expect_timeout(t.get("/v1/calendar", params={"from": "2026-03-01", "to": "2026-05-31",
                                                  "provider_ids": ",".join(pids[:50])}))


def test_a_booking_past_its_deadline_writes_nothing(tiny_budget):
    s, t, svc, pids = tiny_budget
    body = {"service_id": svc, "start": "2026-03-02T09:00:00+01:00",
            "customer": {"name": "Bo", "email": "bo@example.com"}}
    before = len(events_of(t, "booking.created"))
    for _ in range(2):
        # The same key again: the first answer was not stored as a replay.
        expect_timeout(t.post("/v1/bookings", body, headers={"Idempotency-Key": "late-1"},
                              now=DEFAULT_NOW))
    assert t.ok("GET", "/v1/bookings", params={"limit": 200})["data"] == []
    assert len(events_of(t, "booking.created")) == before


def test_short_requests_are_not_cut(tiny_budget):
    s, t, svc, pids = tiny_budget
    # Reads and writes that do no long computation are not subject to the budget.
    t.ok("GET", f"/v1/providers/{pids[0]}")
    t.ok("POST", "/v1/providers", {"name": "Late", "timezone": "UTC"})


# --- no tenant starves another -------------------------------------------------------------------

def test_a_flood_of_the_widest_query_leaves_other_tenants_served(srv, hostile):
    t, svc, pids = hostile
    victim = srv.tenant("victim")
    p = victim.provider("Solo", "Europe/Berlin")
    victim.schedule(p["id"], weekdays([("09:00", "17:00")]))
    own = victim.service([p["id"]], "Visit", duration_minutes=30)

    stop = threading.Event()
    flood_codes = []

    def flood():
        me = Api(t.base, t.key)
        while not stop.is_set():
            r = wide_query(me, svc)
            flood_codes.append(r.status_code)
            if r.status_code != 200:
                expect_problem(r, 503, "request_timeout")

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for th in threads:
        th.start()
    latencies, failures = [], []
    try:
        time.sleep(0.5)
        for i in range(40):
            started = time.monotonic()
            if i % 2:
                r = victim.get(f"/v1/providers/{p['id']}")
            else:
                r = victim.get("/v1/slots", now=DEFAULT_NOW,
                               params={"service_id": own["id"], "from": "2026-03-02",
                                       "to": "2026-03-08"})
            latencies.append(time.monotonic() - started)
            if r.status_code != 200:
                failures.append((r.status_code, r.text[:200]))
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=60)
    assert not failures
    assert flood_codes, "the flood made no request"
    latencies.sort()
    # Latency figures come from bench/tenant_isolation.sh (clients in other processes; here
    # the flood shares this interpreter). A correctness bound, not a figure: nobody waits anywhere near a hung worker.
    assert latencies[-1] < 10, f"another tenant waited {latencies[-1]:.1f} s"
