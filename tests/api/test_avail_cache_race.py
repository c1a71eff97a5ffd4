"""The availability cache under concurrent readers and writers, with a budget too small for
what the queries read (1 MB) and several server threads: entries are evicted, replaced by
newer revisions and dropped while other requests still point at them (a bundle points at
its cache entry's schedule versions, overrides, holidays, time off and entries). Every
answer must still be exactly what the untouched providers' records say, and the server must
exit cleanly (run under the ASan build to catch a use after free).

Set-up: 48 providers (New York, 09:00-17:00 on weekdays, some with a second schedule
version from 16 Mar on, 10:00-12:00), a tenant-wide holiday on Wed 4 Mar, a provider
holiday of provider 1 on Thu 5 Mar; one writer toggles an override of provider 0 (a
revision bump each time), another books any provider in April; readers ask any-provider
slots for single March days (each day a key of its own, so the 1 MB budget evicts).
"""
import concurrent.futures as cf
import datetime
import threading

import pytest
import requests

from conftest import DEFAULT_NOW, status_kb, weekdays

NY = "America/New_York"
TOKEN = "metrics-" + "r" * 24
N = 48
DAYS = [datetime.date(2026, 3, d) for d in range(2, 28)]
HOURS = [f"{h:02d}:00" for h in range(9, 17)]
LATE = ["10:00", "11:00"]


def expected(i, day):
    """The starts (HH:MM) provider i offers on day (i > 0: untouched by the writers)."""
    if day.weekday() >= 5 or day == datetime.date(2026, 3, 4):
        return set()
    if i == 1 and day == datetime.date(2026, 3, 5):
        return set()
    if i % 3 == 2 and day >= datetime.date(2026, 3, 16):
        return set(LATE)
    return set(HOURS)


def test_concurrent_readers_and_writers_over_a_small_cache(start_server):
    srv = start_server(args=["--avail-cache-mb", "1", "--threads", "4"],
                       env={"SLOTD_METRICS_TOKEN": TOKEN})
    t = srv.tenant()
    ps = []
    for i in range(N):
        ps.append(t.provider(f"P{i}", NY)["id"])
        if i % 3 == 2:
            t.ok("PUT", f"/v1/providers/{ps[-1]}/schedule", {"versions": [
                {"effective_until": "2026-03-15", "weekly": weekdays([("09:00", "17:00")])},
                {"effective_from": "2026-03-16", "weekly": weekdays([("10:00", "12:00")])}]})
        else:
            t.schedule(ps[-1], weekdays([("09:00", "17:00")]))
    sid = t.service(ps, "Consult", 60)["id"]
    t.ok("POST", "/v1/holidays", {"name": "All", "date": "2026-03-04"})
    t.ok("POST", "/v1/holidays", {"name": "Own", "date": "2026-03-05",
                                  "provider_ids": [ps[1]]})
    index = {p: i for i, p in enumerate(ps)}
    stop = threading.Event()
    errors = []

    def reader(k):
        n = 0
        while not stop.is_set() and n < 60:
            day = DAYS[(k * 7 + n) % len(DAYS)]
            n += 1
            r = t.get("/v1/slots", params={"service_id": sid, "from": day.isoformat(),
                                           "to": day.isoformat(), "timezone": NY},
                      now=DEFAULT_NOW)
            if r.status_code != 200:
                errors.append(f"slots {day}: {r.status_code} {r.text[:200]}")
                continue
            got = {}
            for s in r.json()["slots"]:
                for pid in ([s["provider_id"]] if "provider_id" in s else s["provider_ids"]):
                    got.setdefault(index[pid], set()).add(s["start"][11:16])
            for i in range(1, N):
                if got.get(i, set()) != expected(i, day):
                    errors.append(f"{day} provider {i}: {sorted(got.get(i, set()))}")
                    break

    def toggler():
        n = 0
        while not stop.is_set() and n < 40:
            day = DAYS[n % len(DAYS)].isoformat()
            n += 1
            r = t.post(f"/v1/providers/{ps[0]}/overrides", {"date": day})
            if r.status_code not in (200, 201):
                errors.append(f"override: {r.status_code} {r.text[:200]}")
                continue
            d = t.request("DELETE", f"/v1/providers/{ps[0]}/overrides/{r.json()['id']}")
            if d.status_code not in (200, 204):
                errors.append(f"override delete: {d.status_code} {d.text[:200]}")

    def booker():
        for n in range(30):
            if stop.is_set():
                break
            day = datetime.date(2026, 4, 6) + datetime.timedelta(days=n % 5)
            r = t.post("/v1/bookings", {"service_id": sid,
                                        "start": f"{day.isoformat()}T{9 + n % 8:02d}:00:00-04:00",
                                        "customer": {"name": "Ann", "email": "a@example.com"}},
                       now=DEFAULT_NOW, headers={"Idempotency-Key": f"race-{n}"})
            if r.status_code >= 500:
                errors.append(f"booking: {r.status_code} {r.text[:200]}")

    with cf.ThreadPoolExecutor(6) as ex:
        futs = [ex.submit(reader, k) for k in range(4)] + [ex.submit(toggler),
                                                             ex.submit(booker)]
        try:
            for f in futs:
                f.result(timeout=600)
        except requests.RequestException as exc:
            errors.append(f"request failed (server down?): {exc}")
        finally:
            stop.set()
    assert not errors, errors[:5]
    assert srv.running(), srv.stderr()[-2000:]
    m = requests.get(f"{srv.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                     timeout=10).text
    evicted = [float(x.split()[1]) for x in m.splitlines()
               if x.startswith("slotd_avail_cache_evictions_total ")]
    assert evicted and evicted[0] > 0, "the budget must have evicted entries"


def test_kept_slot_arrays_under_concurrent_queries_of_two_tenants(start_server):
    """Any-provider answers large enough (some 18,000 slots, over 256 KB) that their slot
    arrays are kept between queries, asked of two tenants at once on 4 threads: each answer
    is its own tenant's, whole and in order."""
    srv = start_server(args=["--threads", "4"])
    week = ("2026-03-02", "2026-03-06")
    setups = []
    for hours in (("09:00", "17:00"), ("10:00", "12:00")):
        t = srv.tenant()
        ps = [t.provider(f"P{i}", NY)["id"] for i in range(40)]
        for p in ps:
            t.schedule(p, weekdays([hours]))
        sid = t.service(ps, "Consult", 30, slot_step_minutes=5)["id"]
        h0, h1 = (int(x[:2]) * 60 for x in hours)
        starts = [f"{m // 60:02d}:{m % 60:02d}" for m in range(h0, h1 - 30 + 1, 5)]
        want = sorted((f"2026-03-0{d}T{s}", p) for d in range(2, 7) for s in starts for p in ps)
        setups.append((t, sid, want))
    errors = []

    def ask(k):
        t, sid, want = setups[k % 2]
        r = t.get("/v1/slots", params={"service_id": sid, "from": week[0], "to": week[1],
                                       "timezone": NY}, now=DEFAULT_NOW)
        if r.status_code != 200:
            return f"{k}: {r.status_code} {r.text[:200]}"
        slots = r.json()["slots"]
        got = [(s["start"][:16], pid) for s in slots
               for pid in ([s["provider_id"]] if "provider_id" in s else s["provider_ids"])]
        if [s["start"] for s in slots] != sorted(s["start"] for s in slots):
            return f"{k}: not in order"
        if sorted(got) != want:
            return f"{k}: {len(got)} slots, want {len(want)}"
        return None

    with cf.ThreadPoolExecutor(4) as ex:
        errors = [x for x in ex.map(ask, range(12)) if x]
    assert not errors, errors[:5]
    assert srv.running(), srv.stderr()[-2000:]


@pytest.mark.parametrize("cache_mb", ["32", "0"])
def test_many_tenant_holidays_and_own_ones_keep_a_query_small(start_server, cache_mb):
    """A tenant at its cap of 500 holidays, 497 of them yearly for every provider and 3 each
    for a third of its 600 providers: an any-provider query over all of them must not copy
    the tenant's holidays once per provider (512 providers a round times 497 holidays of
    about 550 bytes would be some 140 MB in one round), with the availability cache or
    without it. The rise of the server's peak memory
    over the query stays under 48 MB."""
    asan = ":".join(filter(None, [__import__("os").environ.get("ASAN_OPTIONS"),
                                  "quarantine_size_mb=1"]))
    srv = start_server(args=["--avail-cache-mb", cache_mb],
                       env={"ASAN_OPTIONS": asan, "SLOTD_RATE_LIMITS": "off"})
    t = srv.tenant()
    ps = [t.provider(f"P{i}", NY)["id"] for i in range(600)]
    for p in ps:
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service(ps[:1], "Consult", 60)["id"]
    for k in range(0, 600, 200):
        r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": ps[k:k + 200][1 if k == 0 else 0:]})
        assert r.status_code in (200, 201), r.text
    for k in range(3):
        t.ok("POST", "/v1/holidays", {"name": f"Own {k}", "date": "2025-07-04",
                                      "recurring": "yearly",
                                      "provider_ids": ps[k * 200:(k + 1) * 200]})
    for k in range(497):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=k % 365)
        if day.strftime("%m-%d") == "03-03":
            day += datetime.timedelta(days=1)
        t.ok("POST", "/v1/holidays", {"name": f"All {k}", "date": day.isoformat(),
                                      "recurring": "yearly"})
    params = {"service_id": sid, "from": "2026-03-03", "to": "2026-03-03", "timezone": NY}
    pid = srv.proc.pid
    before = status_kb(pid, "VmRSS")
    r = t.get("/v1/slots", params=params, now=DEFAULT_NOW)
    assert r.status_code == 200, r.text
    assert len(r.json()["slots"]) == 600 * 8     # 09:00-16:00 for every provider
    hwm = status_kb(pid, "VmHWM")
    rise = hwm - before
    print(f"\nVmRSS before {before} kB, VmHWM after {hwm} kB: rise {rise} kB")
    assert rise < 48 * 1024, f"peak memory rose by {rise} kB over one slot query"
