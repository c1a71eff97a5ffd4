#!/usr/bin/env python3
"""Helper of bench/analytics.sh: the data set of issue 15 and the timed clients.

  setup API KEY                     100 providers (4 zones), 3 services, weekly hours and two
                                    tenant holidays through the API; prints the ids as JSON
  sqlite DB TENANT IDS              inserts the 1,000,000 bookings of 2025 into the bookings
                                    table of the SQLite database DB (one transaction)
  csv TENANT IDS                    the same rows as CSV on stdout, for PostgreSQL's COPY
  get URL KEY N [ACCEPT] [PID]      one warm-up request, then N sequential ones (keep-alive);
                                    prints "p50 p95 max bytes cpu_us_per_request" (ms; the
                                    CPU of process PID from /proc, when given)
  naive-sqlite DB TENANT FROM TO N  the naive GROUP BY over bookings, once to warm up, then N
                                    times; prints "p50 p95 max rows" (ms)
  write API KEY N FIRST [PID]       a provider open all week (UTC) and a 30-minute service, then
                                    N sequential POST /v1/bookings with an Idempotency-Key, 30
                                    minutes apart from the UTC date FIRST 00:00; prints
                                    "p50 p95 mean cpu_us_per_request" (ms)

IDS is the JSON `setup` printed. Only the standard library.
"""
import csv
import hashlib
import http.client
import json
import os
import random
import sqlite3
import sys
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]
NPROV = 100
DAYS = 365                  # 2025-01-01 .. 2025-12-31
FIRST_DAY = datetime(2025, 1, 1)
SLOTS = 28                  # 30-minute slots 07:00-21:00 local
SKIP = 22                   # of every 1022 grid cells: 100 x 365 x 28 x 1000/1022 = 1,000,000
SERVICES = [("Consultation", "45.00"), ("Check-up", "80.00"), ("Treatment", "120.00")]
COLS = ["tenant_id", "id", "reference", "service_id", "provider_id", "start_utc", "end_utc",
        "block_start", "block_end", "capacity", "status", "active", "customer_name",
        "customer_email", "price", "currency", "manage_token_hash", "version", "created_at",
        "updated_at", "policy", "reschedule_count", "fee", "fee_reason", "closed_at"]


class Api:
    def __init__(self, base, key):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.key = key
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def call(self, method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + self.key}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        h.update(headers or {})
        try:
            self.conn.request(method, self.prefix + path, body, h)
            r = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
            self.conn.request(method, self.prefix + path, body, h)
            r = self.conn.getresponse()
        data = r.read()
        return r.status, data

    def json(self, method, path, body=None, want=(200, 201)):
        st, data = self.call(method, path, body)
        if st not in want:
            sys.exit("%s %s -> %d %s" % (method, path, st, data[:300]))
        return json.loads(data) if data else None


def week(intervals):
    return {"weekly": {d: intervals for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}


def setup(base, key):
    api = Api(base, key)
    provs = []
    for i in range(NPROV):
        tz = ZONES[i % len(ZONES)]
        p = api.json("POST", "/providers", {"name": "Provider %03d" % i, "timezone": tz})
        api.json("PUT", "/providers/%s/schedule" % p["id"], week([{"start": "07:00", "end": "21:00"}]))
        provs.append({"id": p["id"], "tz": tz})
    svcs = []
    for name, price in SERVICES:
        s = api.json("POST", "/services", {"name": name, "duration_minutes": 30, "price": price,
                                           "currency": "EUR", "provider_ids": [p["id"] for p in provs]})
        svcs.append({"id": s["id"], "price": price})
    for name, date in (("New Year", "2025-01-01"), ("Christmas", "2025-12-25")):
        api.json("POST", "/holidays", {"name": name, "date": date})
    json.dump({"providers": provs, "services": svcs}, sys.stdout)
    print()


REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def reference(g):
    s = ""
    for _ in range(8):
        s += REF_ALPHABET[g % 32]
        g //= 32
    return s


def rows(tenant, ids):
    """The bookings: per provider and local day, 30-minute starts from 07:00 to 20:30 (local
    time of the provider), 1000 of every 1022 grid cells kept (pseudo-randomly), so exactly
    1,000,000 rows, non-overlapping per provider."""
    rng = random.Random(15)
    provs, svcs = ids["providers"], ids["services"]
    for pi, p in enumerate(provs):
        z = ZoneInfo(p["tz"])
        currency = "USD" if p["tz"] == "America/New_York" else "EUR"
        for day in range(DAYS):
            d = FIRST_DAY + timedelta(days=day)
            t0 = int(datetime(d.year, d.month, d.day, 7, tzinfo=z).timestamp())
            for slot in range(SLOTS):
                g = (pi * DAYS + day) * SLOTS + slot
                if (g * 7919) % 1022 < SKIP:
                    continue
                start = t0 + slot * 1800
                end = start + 1800
                s = svcs[rng.randrange(3)]
                r = rng.random()
                status = ("completed" if r < 0.70 else "cancelled" if r < 0.82 else
                          "no_show" if r < 0.87 else "declined" if r < 0.90 else
                          "confirmed" if r < 0.97 else "pending")
                lead = min(max(int(rng.expovariate(1 / (120 * 3600.0))), 1800), 3000 * 3600)
                created = start - lead
                fee = fee_reason = closed = None
                if status in ("completed", "no_show"):
                    closed = end
                elif status == "cancelled":
                    closed = created + int((start - created) * rng.random())
                    if closed > start - 24 * 3600 and rng.random() < 0.5:
                        fee, fee_reason = "15.00", "late_cancellation"
                elif status == "declined":
                    closed = min(created + 3600, start)
                if status == "no_show":
                    fee, fee_reason = "20.00", "no_show"
                active = 1 if status in ("pending", "confirmed") else 0
                resched = 1 if rng.random() < 0.05 else 0
                yield (tenant, "bkg_%020d" % g, reference(g * 2654435761 % (1 << 40)), s["id"],
                       p["id"], start, end, start, end, 1, status, active, "Customer %d" % (g % 7919),
                       "c%d@example.com" % (g % 7919), s["price"], currency,
                       hashlib.sha256(b"mt%d" % g).hexdigest(), 1 + resched, created,
                       closed or created, "", resched, fee, fee_reason, closed)


def load_sqlite(path, tenant, ids):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO bookings(%s) VALUES (%s)" % (", ".join(COLS), ", ".join("?" * len(COLS))),
                   rows(tenant, ids))
    db.execute("COMMIT")
    print(db.execute("SELECT count(*) FROM bookings WHERE tenant_id = ?", (tenant,)).fetchone()[0])


def write_csv(tenant, ids):
    w = csv.writer(sys.stdout, lineterminator="\n")
    for r in rows(tenant, ids):
        w.writerow(["" if v is None else v for v in r])


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(len(v) * q + 0.999999) - 1))]


def cpu_us(pid):
    if not pid:
        return 0.0
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / os.sysconf("SC_CLK_TCK")


def get(url, key, n, accept=None, pid=None):
    u = urllib.parse.urlsplit(url)
    api = Api("%s://%s" % (u.scheme, u.netloc), key)
    path = u.path + ("?" + u.query if u.query else "")
    hdr = {"Accept": accept} if accept else {}
    st, data = api.call("GET", path, headers=hdr)          # warm-up
    if st != 200:
        sys.exit("GET %s -> %d %s" % (path, st, data[:300]))
    times = []
    c0 = cpu_us(pid)
    for _ in range(n):
        t = time.perf_counter()
        st, data = api.call("GET", path, headers=hdr)
        times.append((time.perf_counter() - t) * 1000)
        if st != 200:
            sys.exit("GET %s -> %d %s" % (path, st, data[:300]))
    cpu = (cpu_us(pid) - c0) / n
    print("%.1f %.1f %.1f %d %.0f" % (pct(times, 0.5), pct(times, 0.95), max(times), len(data), cpu))


NAIVE = ("SELECT provider_id, status, count(*), sum(end_utc - start_utc) FROM bookings"
         " WHERE tenant_id = ? AND start_utc >= ? AND start_utc < ? GROUP BY 1, 2")


def naive_sqlite(path, tenant, a, b, n):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    args = (tenant, int(a), int(b))
    nrows = len(db.execute(NAIVE, args).fetchall())
    times = []
    for _ in range(n):
        t = time.perf_counter()
        db.execute(NAIVE, args).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    print("%.1f %.1f %.1f %d" % (pct(times, 0.5), pct(times, 0.95), max(times), nrows))


def write(base, key, n, first, pid=None):
    api = Api(base, key)
    p = api.json("POST", "/providers", {"name": "Writer", "timezone": "UTC"})
    api.json("PUT", "/providers/%s/schedule" % p["id"], week([{"start": "00:00", "end": "24:00"}]))
    s = api.json("POST", "/services", {"name": "Write bench", "duration_minutes": 30, "price": "45.00",
                                       "currency": "EUR", "min_notice_minutes": 0,
                                       "provider_ids": [p["id"]]})
    t0 = datetime.strptime(first, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    tag = "w%d-%d" % (os.getpid(), int(time.time()))
    times = []
    c0 = cpu_us(pid)
    for i in range(n):
        start = (t0 + timedelta(minutes=30 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = {"service_id": s["id"], "provider_id": p["id"], "start": start,
                "customer": {"name": "Bench Customer", "email": "bench@example.com"}}
        t = time.perf_counter()
        st, data = api.call("POST", "/bookings", body, {"Idempotency-Key": "%s-%d" % (tag, i)})
        times.append((time.perf_counter() - t) * 1000)
        if st != 201:
            sys.exit("POST /bookings %s -> %d %s" % (start, st, data[:300]))
    cpu = (cpu_us(pid) - c0) / n
    print("%.2f %.2f %.2f %.0f" % (pct(times, 0.5), pct(times, 0.95), sum(times) / n, cpu))


def main(a):
    if a[0] == "setup":
        setup(a[1], a[2])
    elif a[0] == "sqlite":
        load_sqlite(a[1], a[2], json.load(open(a[3])))
    elif a[0] == "csv":
        write_csv(a[1], json.load(open(a[2])))
    elif a[0] == "get":
        get(a[1], a[2], int(a[3]), a[4] if len(a) > 4 and a[4] else None, a[5] if len(a) > 5 else None)
    elif a[0] == "naive-sqlite":
        naive_sqlite(a[1], a[2], a[3], a[4], int(a[5]))
    elif a[0] == "write":
        write(a[1], a[2], int(a[3]), a[4], a[5] if len(a) > 5 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
