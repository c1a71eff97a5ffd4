#!/usr/bin/env python3
"""Helper of bench/any_provider.sh: a marketplace of 10,000 providers and its timed clients.

  setup API KEY DAY [NPROV]   NPROV providers (default 10,000) in 10 zones, weekly hours by
                              zone, two tenant holidays, a holiday for one zone's providers,
                              time off for every 50th provider on DAY, one 60-minute service
                              (30-minute step) and its providers added 1,000 per
                              POST /v1/services/{id}/providers (each call timed), then a
                              booking on DAY for every 20th provider; prints a JSON line
                              {"service_id", "provider_id", "batch_ms": [...], ...}
  get URL KEY N               one warm-up request, then N sequential ones (keep-alive);
                              prints "p50 p99 max bytes" (ms)

Only the standard library.
"""
import http.client
import json
import sys
import time
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Ten zones, each with its own weekly hours (local): a marketplace spread over the world.
ZONES = [
    ("UTC", "08:00", "16:00"),
    ("Europe/Berlin", "09:00", "17:00"),
    ("Europe/London", "08:30", "17:30"),
    ("America/New_York", "09:00", "18:00"),
    ("America/Los_Angeles", "10:00", "19:00"),
    ("America/Sao_Paulo", "08:00", "14:00"),
    ("Asia/Kolkata", "10:00", "20:00"),
    ("Asia/Tokyo", "09:00", "17:00"),
    ("Australia/Sydney", "07:00", "15:00"),
    ("Africa/Nairobi", "08:00", "16:30"),
]
BATCH = 1000


class Api:
    def __init__(self, base, key):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.key = key
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def call(self, method, path, body=None, want=None, headers=None):
        h = {"Authorization": "Bearer " + self.key, **(headers or {})}
        data = None
        if body is not None:
            h["Content-Type"] = "application/json"
            data = json.dumps(body)
        for attempt in range(2):
            try:
                self.conn.request(method, self.prefix + path, body=data, headers=h)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
                if attempt:
                    raise
        if want and r.status not in want:
            raise SystemExit(f"{method} {path}: {r.status} {raw[:300]!r}")
        return r.status, raw


def weekly(start, end):
    day = [{"start": start, "end": end}]
    return {d: list(day) for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}


def setup(base, key, day, nprov):
    api = Api(base, key)
    ids, zone_of = [], {}
    t0 = time.perf_counter()
    for i in range(nprov):
        zone, start, end = ZONES[i % len(ZONES)]
        _, raw = api.call("POST", "/providers", {"name": f"Provider {i}", "timezone": zone},
                          want=(201,))
        pid = json.loads(raw)["id"]
        api.call("PUT", f"/providers/{pid}/schedule", {"weekly": weekly(start, end)}, want=(200,))
        ids.append(pid)
        zone_of[pid] = zone
    made_s = time.perf_counter() - t0
    d = datetime.strptime(day, "%Y-%m-%d")
    # Holidays: two for the tenant on other days, one on DAY for the Tokyo providers.
    for off, name in ((1, "Tenant day off"), (8, "Another")):
        api.call("POST", "/holidays", {"name": name, "date": (d + timedelta(days=off)).strftime("%Y-%m-%d")},
                 want=(201,))
    tokyo = [p for p in ids if zone_of[p] == "Asia/Tokyo"][:200]
    api.call("POST", "/holidays", {"name": "Tokyo day", "date": day, "provider_ids": tokyo},
             want=(201,))
    # Time off: every 50th provider, two hours of DAY in its own zone.
    for i in range(0, nprov, 50):
        tz = ZoneInfo(zone_of[ids[i]])
        s = datetime.strptime(day + " 11:00", "%Y-%m-%d %H:%M").replace(tzinfo=tz)
        api.call("POST", f"/providers/{ids[i]}/time-off",
                 {"start": s.isoformat(), "end": (s + timedelta(hours=2)).isoformat()}, want=(201,))
    _, raw = api.call("POST", "/services", {"name": "Any provider", "duration_minutes": 60,
                                            "slot_step_minutes": 30}, want=(201,))
    sid = json.loads(raw)["id"]
    batch_ms = []
    for k in range(0, nprov, BATCH):
        t = time.perf_counter()
        api.call("POST", f"/services/{sid}/providers", {"provider_ids": ids[k:k + BATCH]},
                 want=(200,))
        batch_ms.append(round((time.perf_counter() - t) * 1000, 1))
    # Bookings: every 20th provider, at its second free start of DAY.
    booked = 0
    book_ms = []
    for i in range(0, nprov, 20):
        t = time.perf_counter()
        st, raw = api.call("GET", f"/slots?service_id={sid}&provider_id={ids[i]}&from={day}&to={day}")
        if st != 200:
            print(f"slots of {ids[i]}: {st} after {(time.perf_counter() - t) * 1000:.0f} ms {raw[:200]!r}",
                  file=sys.stderr)
            continue
        slots = json.loads(raw)["slots"]
        if len(slots) < 2:
            continue
        t = time.perf_counter()
        st, braw = api.call("POST", "/bookings", {"service_id": sid, "provider_id": ids[i],
                                                "start": slots[1]["start"],
                                                "customer": {"name": "B", "email": "b@example.com"}},
                             headers={"Idempotency-Key": f"bench-{i}"})
        book_ms.append((time.perf_counter() - t) * 1000)
        booked += st == 201
        if st != 201 and booked == 0 and i == 0:
            print(f"booking refused: {st} {braw[:300]!r}", file=sys.stderr)
    book_ms.sort()
    print(json.dumps({"service_id": sid, "provider_id": ids[0], "providers": nprov,
                      "made_s": round(made_s, 1), "batch_ms": batch_ms, "bookings": booked,
                      "booking_p50_ms": round(book_ms[len(book_ms) // 2], 1) if book_ms else None}))


def get(url, key, n):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    path = u.path + ("?" + u.query if u.query else "")
    h = {"Authorization": "Bearer " + key}
    times, size = [], 0
    for i in range(n + 1):
        t = time.perf_counter()
        conn.request("GET", path, headers=h)
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t) * 1000
        if r.status != 200:
            print(f"GET {path}: {r.status} after {dt:.0f} ms {body[:200]!r}", file=sys.stderr)
            print(f"{dt:.2f} {dt:.2f} {dt:.2f} status_{r.status}")
            return
        size = len(body)
        if i:
            times.append(dt)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{times[len(times) // 2]:.2f} {p99:.2f} {times[-1]:.2f} {size}")


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 10000)
    elif sys.argv[1] == "get":
        get(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
