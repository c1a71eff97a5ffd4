"""Tenant isolation under the most expensive slot query (driven by tenant_isolation.sh).

Tenant A builds the widest world the caps allow for one query: a service with PROVIDERS
providers, HOLIDAYS tenant-wide rule holidays and RECURRING recurring overrides per provider
(all different); tenant B has one provider. Prints the time and the server's peak RSS of A's
widest query (any provider, 93 days), then tenant B's request latency (p50, p99, max) alone
and while FLOOD processes send A's widest query back to back. Figures only; never fails on
a time."""
import datetime
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
from conftest import DEFAULT_NOW, Api, Server, weekdays  # noqa: E402
from test_bounded import WIDE, build_hostile  # noqa: E402

PROVIDERS = int(os.environ.get("PROVIDERS", 200))
HOLIDAYS = int(os.environ.get("HOLIDAYS", 500))
RECURRING = int(os.environ.get("RECURRING", 5))
FLOOD = int(os.environ.get("FLOOD", 4))
SAMPLES = int(os.environ.get("SAMPLES", 200))


def peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def flood(base, key, svc, stop, count):
    a = Api(base, key)
    while not stop.is_set():
        a.get("/v1/slots", params={"service_id": svc, **WIDE}, now=DEFAULT_NOW)
        with count.get_lock():
            count.value += 1


def victim_latencies(b, pid, svc):
    out = []
    for i in range(SAMPLES):
        started = time.monotonic()
        if i % 2:
            r = b.get(f"/v1/providers/{pid}")
        else:
            r = b.get("/v1/slots", now=DEFAULT_NOW,
                      params={"service_id": svc, "from": "2026-03-02", "to": "2026-03-08"})
        out.append(time.monotonic() - started)
        assert r.status_code == 200, r.text
    return sorted(out)


def report(label, lat):
    p = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] * 1000  # noqa: E731
    print(f"{label:<44} p50 {p(0.50):7.1f} ms   p99 {p(0.99):7.1f} ms   max {lat[-1] * 1000:7.1f} ms",
          flush=True)


def main():
    work = Path(tempfile.mkdtemp(prefix="slotd-isolation-"))
    srv = Server(os.environ["SLOTD_BIN"], work / "slotd.db", work,
                 env={"SLOTD_RATE_LIMITS": "off"}).start()
    try:
        a, b = srv.tenant("hostile"), srv.tenant("victim")
        started = time.monotonic()
        svc, pids = build_hostile(a, PROVIDERS, HOLIDAYS, RECURRING)
        print(f"world: {PROVIDERS} providers, {HOLIDAYS} holidays, {RECURRING} recurring"
              f" overrides each ({time.monotonic() - started:.0f} s to build);"
              f" backend {srv.backend}", flush=True)
        p = b.provider("Solo", "Europe/Berlin")
        b.schedule(p["id"], weekdays([("09:00", "17:00")]))
        own = b.service([p["id"]], "Visit", duration_minutes=30)

        times = []
        a.get("/v1/slots", params={"service_id": svc, **WIDE}, now=DEFAULT_NOW)  # warm-up
        for _ in range(9):
            t = time.monotonic()
            r = a.get("/v1/slots", params={"service_id": svc, **WIDE}, now=DEFAULT_NOW)
            times.append(time.monotonic() - t)
        print(f"tenant A widest query: status {r.status_code}, {len(r.json().get('slots', []))}"
              f" slots, median {sorted(times)[4] * 1000:.0f} ms, max {max(times) * 1000:.0f} ms;"
              f" server peak RSS {peak_rss_mb(srv.proc.pid):.0f} MB", flush=True)

        report("tenant B alone", victim_latencies(b, p["id"], own["id"]))
        stop, count = mp.Event(), mp.Value("i", 0)
        procs = [mp.Process(target=flood, args=(srv.base, a.key, svc, stop, count))
                 for _ in range(FLOOD)]
        for pr in procs:
            pr.start()
        time.sleep(1)
        lat = victim_latencies(b, p["id"], own["id"])
        stop.set()
        for pr in procs:
            pr.join(timeout=120)
        report(f"tenant B during a flood ({FLOOD} clients, {count.value} queries)", lat)
        print(f"server peak RSS {peak_rss_mb(srv.proc.pid):.0f} MB")
    finally:
        srv.stop()
        srv.kill()
        srv.drop_db()


if __name__ == "__main__":
    main()
