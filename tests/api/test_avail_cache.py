"""The availability cache (src/store/avail_cache.h): slot answers come from memory between
writes, and every write that changes a provider's open time shows in the next answer.

Each test warms the cache with the same query twice (the second must be a cache hit, read
from /metrics), makes one write, and checks the next answer changed exactly as the write
says. A last test runs two slotd processes on one PostgreSQL database: a write through one
shows in the other's next answer.

Set-up (fixture w, a tenant of its own per test): providers p and q (New York, 09:00-17:00
on weekdays), a 60-minute service offered by both; the window is Mon 2 - Fri 6 Mar 2026
(EST, -05:00). Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import types

import pytest

from conftest import avail_cache_hits, DEFAULT_NOW, pg_processes, weekdays
import pg_helpers

TOKEN = "metrics-" + "c" * 24
NY, BERLIN = "America/New_York", "Europe/Berlin"
MON, TUE, WED, THU, FRI = ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
                           "2026-03-06")
WEEK = (MON, TUE, WED, THU, FRI)
DAY = [f"{h:02d}:00" for h in range(9, 17)]
FULL = {d: DAY for d in WEEK}


@pytest.fixture(scope="module")
def csrv(slotd_bin, tmp_path_factory):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("cache"),
                 env={"SLOTD_METRICS_TOKEN": TOKEN})
    yield srv
    _stop(srv)


@pytest.fixture
def w(csrv):
    t = csrv.tenant()
    p = t.provider("P", NY)["id"]
    q = t.provider("Q", NY)["id"]
    for x in (p, q):
        t.schedule(x, weekdays([("09:00", "17:00")]))
    sid = t.service([p, q], "Consult", 60)["id"]
    return types.SimpleNamespace(t=t, srv=csrv, p=p, q=q, sid=sid)


def week(w, pid="p", tz=NY):
    """{local date: [HH:MM starts]} of the window for provider pid ("p", "q"; None: any), in
    zone tz. Dates without starts are left out."""
    out = {}
    params = {"service_id": w.sid, "from": MON, "to": FRI, "timezone": tz}
    if pid:
        params["provider_id"] = getattr(w, pid)
    for s in w.t.ok("GET", "/v1/slots", params=params, now=DEFAULT_NOW)["slots"]:
        out.setdefault(s["start"][:10], []).append(s["start"][11:16])
    return {d: sorted(set(v)) for d, v in out.items()}


def providers_of(w):
    """The providers the any-provider answer offers."""
    got = w.t.ok("GET", "/v1/slots", params={"service_id": w.sid, "from": MON, "to": FRI},
                 now=DEFAULT_NOW)["slots"]
    return {pid for s in got for pid in ([s["provider_id"]] if "provider_id" in s
                                         else s.get("provider_ids", []))}


def warm(w, pid="p", want=None):
    """Asks twice; the second answer must come from the cache and equal the first."""
    first = week(w, pid)
    before = avail_cache_hits(TOKEN, w.srv.base)
    again = week(w, pid)
    assert avail_cache_hits(TOKEN, w.srv.base) > before, \
        "the repeated query was not answered from the cache"
    assert again == first
    if want is not None:
        assert first == want
    return first


def without(days, *gone):
    return {d: v for d, v in days.items() if d not in gone}


def with_day(days, day, hours):
    out = dict(days)
    if hours:
        out[day] = hours
    else:
        out.pop(day, None)
    return out


# --- provider records ----------------------------------------------------------------------

def test_schedule_put_and_clear(w):
    warm(w, want=FULL)
    w.t.schedule(w.p, weekdays([("10:00", "12:00")]))
    assert week(w) == {d: ["10:00", "11:00"] for d in WEEK}
    warm(w)
    w.t.schedule(w.p, weekdays([]))
    assert week(w) == {}
    assert week(w, "q") == FULL, "another provider's answer changed"


def test_override_create_update_delete(w):
    warm(w, want=FULL)
    o = w.t.ok("POST", f"/v1/providers/{w.p}/overrides", {"date": TUE})
    assert week(w) == without(FULL, TUE)
    warm(w)
    w.t.ok("PATCH", f"/v1/providers/{w.p}/overrides/{o['id']}",
           {"intervals": [{"start": "13:00", "end": "15:00"}]})
    assert week(w) == with_day(FULL, TUE, ["13:00", "14:00"])
    warm(w)
    w.t.ok("DELETE", f"/v1/providers/{w.p}/overrides/{o['id']}")
    assert week(w) == FULL


def test_recurring_override_create_update_delete(w):
    warm(w, want=FULL)
    o = w.t.ok("POST", f"/v1/providers/{w.p}/overrides",
               {"date": MON, "rrule": "FREQ=WEEKLY;BYDAY=MO,WE"})
    assert week(w) == without(FULL, MON, WED)
    warm(w)
    w.t.ok("PATCH", f"/v1/providers/{w.p}/overrides/{o['id']}",
           {"rrule": "FREQ=WEEKLY;BYDAY=MO,FR"})
    assert week(w) == without(FULL, MON, FRI)
    warm(w)
    w.t.ok("DELETE", f"/v1/providers/{w.p}/overrides/{o['id']}")
    assert week(w) == FULL


def test_tenant_wide_holiday_create_update_delete(w):
    warm(w, want=FULL)
    warm(w, "q", want=FULL)
    h = w.t.ok("POST", "/v1/holidays", {"name": "Closed", "date": WED})
    assert week(w) == without(FULL, WED)
    assert week(w, "q") == without(FULL, WED)
    warm(w)
    w.t.ok("PATCH", f"/v1/holidays/{h['id']}", {"date": THU})
    assert week(w) == without(FULL, THU)
    warm(w)
    w.t.ok("DELETE", f"/v1/holidays/{h['id']}")
    assert week(w) == FULL


def test_provider_holiday_create_update_delete(w):
    warm(w, want=FULL)
    warm(w, "q", want=FULL)
    h = w.t.ok("POST", "/v1/holidays", {"name": "P's day", "date": WED, "provider_ids": [w.p]})
    assert week(w) == without(FULL, WED)
    assert week(w, "q") == FULL
    warm(w)
    warm(w, "q")
    w.t.ok("PATCH", f"/v1/holidays/{h['id']}", {"provider_ids": [w.q]})
    assert week(w) == FULL
    assert week(w, "q") == without(FULL, WED)
    warm(w, "q")
    w.t.ok("DELETE", f"/v1/holidays/{h['id']}")
    assert week(w, "q") == FULL


def test_time_off_create_update_delete(w):
    warm(w, want=FULL)
    t = w.t.ok("POST", f"/v1/providers/{w.p}/time-off",
               {"start": f"{TUE}T10:00:00-05:00", "end": f"{TUE}T12:00:00-05:00"})
    tue = [h for h in DAY if h not in ("10:00", "11:00")]
    assert week(w) == with_day(FULL, TUE, tue)
    warm(w)
    w.t.ok("PATCH", f"/v1/providers/{w.p}/time-off/{t['id']}",
           {"start": f"{TUE}T14:00:00-05:00", "end": f"{TUE}T17:00:00-05:00"})
    assert week(w) == with_day(FULL, TUE, DAY[:5])
    warm(w)
    w.t.ok("DELETE", f"/v1/providers/{w.p}/time-off/{t['id']}")
    assert week(w) == FULL


def test_entry_create_edit_delete(w):
    warm(w, want=FULL)
    e = w.t.ok("POST", "/v1/entries", {"title": "Visit", "start": f"{WED}T09:00:00-05:00",
                                        "end": f"{WED}T11:00:00-05:00",
                                        "assignee_ids": [w.p]})
    assert week(w) == with_day(FULL, WED, DAY[2:])
    warm(w)
    w.t.ok("PATCH", f"/v1/entries/{e['id']}", {"start": f"{WED}T15:00:00-05:00",
                                              "end": f"{WED}T17:00:00-05:00"})
    assert week(w) == with_day(FULL, WED, DAY[:6])
    warm(w)
    w.t.ok("PATCH", f"/v1/entries/{e['id']}", {"assignee_ids": [w.q]})
    assert week(w) == FULL
    assert week(w, "q") == with_day(FULL, WED, DAY[:6])
    warm(w, "q")
    w.t.ok("DELETE", f"/v1/entries/{e['id']}")
    assert week(w, "q") == FULL


def test_recurring_entry_and_its_exception(w):
    warm(w, want=FULL)
    e = w.t.ok("POST", "/v1/entries", {"title": "Stand-up", "start": f"{MON}T09:00:00-05:00",
                                        "end": f"{MON}T10:00:00-05:00", "timezone": NY,
                                        "rrule": "FREQ=DAILY", "assignee_ids": [w.p]})
    assert week(w) == {d: DAY[1:] for d in WEEK}
    warm(w)
    r = w.t.delete(f"/v1/entries/{e['id']}", params={"scope": "this",
                                                    "occurrence": f"{TUE}T09:00:00-05:00"})
    assert r.status_code == 204, r.text
    assert week(w) == with_day({d: DAY[1:] for d in WEEK}, TUE, DAY)


def test_provider_zone_and_vacation(w):
    warm(w, want=FULL)
    w.t.ok("PATCH", f"/v1/providers/{w.p}", {"timezone": BERLIN})
    # 09:00-17:00 in Berlin is 03:00-11:00 in New York (winter time both).
    assert week(w) == {d: [f"{h:02d}:00" for h in range(3, 11)] for d in WEEK}
    warm(w)
    w.t.ok("PATCH", f"/v1/providers/{w.p}", {"settings": {"vacation": True}})
    assert week(w) == {}


def test_provider_delete_and_service_provider_removal(w):
    assert providers_of(w) == {w.p, w.q}
    warm(w, None)
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"provider_ids": [w.q]})
    assert providers_of(w) == {w.q}
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"provider_ids": [w.p, w.q]})
    assert providers_of(w) == {w.p, w.q}
    warm(w, None)
    w.t.ok("DELETE", f"/v1/providers/{w.q}")
    assert providers_of(w) == {w.p}


# --- business hours ------------------------------------------------------------------------

def test_business_hours_put_and_delete(w):
    warm(w, want=FULL)
    w.t.ok("PUT", "/v1/business-hours",
           {"timezone": NY, "weekly": weekdays([("12:00", "15:00")])}, now=DEFAULT_NOW)
    assert week(w) == {d: ["12:00", "13:00", "14:00"] for d in WEEK}
    warm(w)
    w.t.ok("PUT", "/v1/business-hours",
           {"timezone": NY, "weekly": weekdays([("12:00", "15:00")]),
            "exempt_provider_ids": [w.p]}, now=DEFAULT_NOW)
    assert week(w) == FULL, "the exemption did not show"
    assert week(w, "q") == {d: ["12:00", "13:00", "14:00"] for d in WEEK}
    warm(w, "q")
    w.t.ok("DELETE", "/v1/business-hours")
    assert week(w, "q") == FULL


def test_business_closure_create_update_delete(w):
    w.t.ok("PUT", "/v1/business-hours", {"timezone": NY, "weekly": weekdays([("09:00", "17:00")])},
           now=DEFAULT_NOW)
    warm(w, want=FULL)
    o = w.t.ok("POST", "/v1/business-hours/overrides", {"date": TUE, "note": "stocktaking"})
    assert week(w) == without(FULL, TUE)
    warm(w)
    w.t.ok("PATCH", f"/v1/business-hours/overrides/{o['id']}", {"date": THU})
    assert week(w) == without(FULL, THU)
    warm(w)
    w.t.ok("DELETE", f"/v1/business-hours/overrides/{o['id']}")
    assert week(w) == FULL


# --- what is read per query ----------------------------------------------------------------

def test_bookings_are_read_per_query(w):
    warm(w, want=FULL)
    r = w.t.post("/v1/bookings", {"service_id": w.sid, "provider_id": w.p,
                                  "start": f"{WED}T10:00:00-05:00",
                                  "customer": {"name": "Ann", "email": "ann@example.com"}},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": "cache-booking"})
    assert r.status_code == 201, r.text
    before = avail_cache_hits(TOKEN, w.srv.base)
    assert week(w) == with_day(FULL, WED, [h for h in DAY if h != "10:00"])
    assert avail_cache_hits(TOKEN, w.srv.base) > before, \
        "a booking must not drop the cached availability"


def test_many_providers_in_one_query(w):
    """Five providers: each keeps its own bookings and records in the any-provider answer."""
    more = [w.t.provider(f"R{i}", NY)["id"] for i in range(3)]
    for x in more:
        w.t.schedule(x, weekdays([("09:00", "17:00")]))
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"provider_ids": [w.p, w.q, *more]})
    w.t.ok("POST", f"/v1/providers/{more[1]}/overrides", {"date": MON})
    for i, x in enumerate([w.p, w.q, *more]):
        if x == more[1]:
            continue
        r = w.t.post("/v1/bookings", {"service_id": w.sid, "provider_id": x,
                                      "start": f"{MON}T{9 + i:02d}:00:00-05:00",
                                      "customer": {"name": "Ann", "email": "ann@example.com"}},
                     now=DEFAULT_NOW, headers={"Idempotency-Key": f"many-{i}"})
        assert r.status_code == 201, r.text
    for _ in range(2):
        got = w.t.ok("GET", "/v1/slots", params={"service_id": w.sid, "from": MON, "to": MON,
                                                 "timezone": NY}, now=DEFAULT_NOW)["slots"]
        free = {}
        for s in got:
            for pid in ([s["provider_id"]] if "provider_id" in s else s["provider_ids"]):
                free.setdefault(pid, set()).add(s["start"][11:16])
        for i, x in enumerate([w.p, w.q, *more]):
            if x == more[1]:
                assert x not in free
            else:
                assert free[x] == set(DAY) - {f"{9 + i:02d}:00"}, x


def test_cache_can_be_turned_off(start_server):
    srv = start_server(args=["--avail-cache-mb", "0"], env={"SLOTD_METRICS_TOKEN": TOKEN})
    t = srv.tenant()
    p = t.provider("P", NY)["id"]
    t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p], "Consult", 60)["id"]
    x = types.SimpleNamespace(t=t, srv=srv, p=p, sid=sid)
    assert week(x) == FULL and week(x) == FULL
    assert avail_cache_hits(TOKEN, srv.base) == 0


def test_query_over_more_providers_than_the_budget_holds(start_server):
    """260 providers of about 5 KB each in a 1 MB cache: the repeated any-provider query
    still finds most of what the cache holds (a plain least-recently-used order would push
    out each provider before the query came back to it, and answer nothing from memory)."""
    srv = start_server(args=["--avail-cache-mb", "1"], env={"SLOTD_METRICS_TOKEN": TOKEN})
    t = srv.tenant()
    ps = []
    for i in range(260):
        ps.append(t.provider(f"P{i}", NY)["id"])
        t.schedule(ps[-1], weekdays([("09:00", "17:00")]))
    sid = t.service(ps[:1], "Consult", 60)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": ps[1:]})
    assert r.status_code in (200, 201), r.text
    x = types.SimpleNamespace(t=t, srv=srv, p=ps[0], sid=sid)
    first = week(x, None)
    before = avail_cache_hits(TOKEN, srv.base)
    assert week(x, None) == first == FULL
    assert avail_cache_hits(TOKEN, srv.base) - before >= 100

# --- two processes -------------------------------------------------------------------------

@pytest.mark.skipif(not pg_helpers.enabled(), reason="two processes share PostgreSQL only")
def test_a_write_through_one_process_shows_in_the_other(slotd_bin, tmp_path_factory):
    from conftest import Api, create_tenant
    with pg_processes(slotd_bin, tmp_path_factory, 2) as (url, (a, b)):
        key = create_tenant(slotd_bin, url, "cache-two")
        ta, tb = Api(a.base, key), Api(b.base, key)
        p = ta.provider("P", NY)["id"]
        ta.schedule(p, weekdays([("09:00", "17:00")]))
        sid = ta.service([p], "Consult", 60)["id"]
        wa = types.SimpleNamespace(t=ta, p=p, sid=sid)
        wb = types.SimpleNamespace(t=tb, p=p, sid=sid)
        for step, write, want in (
                ("override", lambda: ta.ok("POST", f"/v1/providers/{p}/overrides",
                                           {"date": TUE}), without(FULL, TUE)),
                ("holiday", lambda: ta.ok("POST", "/v1/holidays",
                                          {"name": "X", "date": THU}),
                 without(FULL, TUE, THU)),
                ("schedule", lambda: ta.schedule(p, weekdays([("10:00", "11:00")])),
                 {d: ["10:00"] for d in (MON, WED, FRI)})):
            before = week(wb)
            assert week(wb) == before
            write()
            assert week(wb) == want, step
            assert week(wa) == want, step
