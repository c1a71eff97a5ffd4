#!/usr/bin/env python3
"""Helpers of bench/webhooks.sh (not run alone).

  webhooks.py endpoints API KEY URL... : creates one webhook endpoint per URL (types
      "provider.") and prints nothing
  webhooks.py rate LOG N PREFIX...    : waits until LOG (nginx: "$msec $http_webhook_id
      $uri") has N lines whose path starts with one of PREFIX, then prints
      "deliveries_per_s lines" over the span from the first to the N-th line
  webhooks.py lag API KEY LOG RATE SECS PATH : creates providers at RATE/s for SECS s, then
      waits for their webhooks on PATH in LOG and prints "p50_ms p99_ms max_ms n", the lag from
      each write's answer (its commit is before it) to nginx's log of the delivery
"""
import json
import sys
import time
import urllib.request


def call(api, key, method, path, body=None):
    req = urllib.request.Request(api + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + key,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def log_lines(path):
    try:
        with open(path) as f:
            return [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def cmd_endpoints(api, key, *urls):
    for u in urls:
        call(api, key, "POST", "/webhook-endpoints", {"url": u, "event_types": ["provider."]})


def cmd_rate(log, n, *prefixes):
    n = int(n)
    deadline = time.time() + 600
    while True:
        rows = [r for r in log_lines(log) if len(r) >= 3 and r[2].startswith(prefixes)]
        if len(rows) >= n or time.time() > deadline:
            break
        time.sleep(0.2)
    times = sorted(float(r[0]) for r in rows)[:n]
    span = times[-1] - times[0] if len(times) > 1 else 0
    print(f"{(len(times) - 1) / span if span else 0:.0f} {len(times)}")


def pct(sorted_vals, p):
    return sorted_vals[min(len(sorted_vals) - 1, int(round(p / 100 * (len(sorted_vals) - 1))))]


def cmd_lag(api, key, log, rate, secs, path):
    rate, secs = float(rate), float(secs)
    sent = {}                               # provider id -> time its 201 arrived
    t0 = time.time()
    i = 0
    while time.time() - t0 < secs:
        due = t0 + i / rate
        now = time.time()
        if due > now:
            time.sleep(due - now)
        p = call(api, key, "POST", "/providers", {"name": f"Lag {i}", "timezone": "UTC"})
        sent[p["id"]] = time.time()
        i += 1
    # event id -> subject (provider) id
    by_event, after = {}, 0
    while True:
        page = call(api, key, "GET", f"/events?type=provider.created&after={after}&limit=200")
        for e in page["data"]:
            by_event[e["id"]] = e["subject_id"]
        if not page["data"] or page.get("next_after") is None:
            break
        after = page["next_after"]
    want = {eid for eid, pid in by_event.items() if pid in sent}
    deadline = time.time() + 60
    while True:
        got = {}
        for r in log_lines(log):
            if len(r) >= 3 and r[2] == path and r[1] in want and r[1] not in got:
                got[r[1]] = float(r[0])
        if len(got) >= len(want) or time.time() > deadline:
            break
        time.sleep(0.2)
    lags = sorted((got[eid] - sent[by_event[eid]]) * 1000 for eid in got)
    missing = len(want) - len(got)
    if missing:
        print(f"warning: {missing} of {len(want)} webhooks did not arrive", file=sys.stderr)
    print(f"{pct(lags, 50):.1f} {pct(lags, 99):.1f} {lags[-1]:.1f} {len(lags)}")


if __name__ == "__main__":
    {"endpoints": cmd_endpoints, "rate": cmd_rate, "lag": cmd_lag}[sys.argv[1]](*sys.argv[2:])
