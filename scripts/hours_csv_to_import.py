#!/usr/bin/env python3
"""Turns a CSV of weekly hours per therapist into a `slotd import` document (format
slotd-tenant, version 1) that creates a tenant with one provider per therapist, each with
those weekly hours, and one service all of them offer.

    python3 scripts/hours_csv_to_import.py hours.csv --slug calm-clinic \\
        --name "Calm Clinic" --service "Therapy session" --duration 50 --step 60 > calm.json
    slotd import --db URL < calm.json
    slotd key create calm-clinic --role admin --db URL

The CSV has a header row: therapist,email,timezone,weekday,start,end
(weekday: mon..sun or Monday..Sunday; start and end: HH:MM, end may be 24:00). One line per
interval; a therapist's lines must agree on email and timezone. Python 3 standard library
only; see docs/operations.md, "Export and import".
"""
import argparse
import csv
import json
import re
import secrets
import sys
import time
import zoneinfo

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Ids:
    """slotd-shaped ids: prefix_ + 10 characters of milliseconds + 10 of a counter that starts
    at a random value, so the ids sort in the order they are made (as slotd's do)."""

    def __init__(self):
        self.ms = int(time.time() * 1000) & ((1 << 48) - 1)
        self.n = secrets.randbits(40)

    def new(self, prefix):
        self.n += 1
        hi, lo = self.ms, self.n & ((1 << 50) - 1)
        chars = []
        for v in (hi, lo):
            part = []
            for _ in range(10):
                part.append(CROCKFORD[v & 31])
                v >>= 5
            chars += reversed(part)
        return f"{prefix}_{''.join(chars)}"


def minutes(text, where):
    try:
        h, m = text.strip().split(":")
        v = int(h) * 60 + int(m)
    except ValueError:
        raise SystemExit(f"{where}: {text!r} is not HH:MM")
    if not (0 <= int(m) < 60 and 0 <= v <= 1440):
        raise SystemExit(f"{where}: {text!r} is not a time of day")
    return v


def weekday(text, where):
    d = text.strip().lower()[:3]
    if d not in DAYS:
        raise SystemExit(f"{where}: {text!r} is not a weekday")
    return DAYS.index(d)


def timezone(text, where):
    """An IANA zone name slotd knows (the system's tzdata, as slotd reads it)."""
    try:
        zoneinfo.ZoneInfo(text)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise SystemExit(f"{where}: {text!r} is not an IANA time zone (e.g. Europe/London)")
    return text


def read_csv(f):
    """{therapist: {"email", "timezone", "days": [[(start, end), ...] * 7]}}, in file order."""
    out = {}
    rows = csv.DictReader(f)
    need = {"therapist", "email", "timezone", "weekday", "start", "end"}
    if not rows.fieldnames or not need <= {h.strip() for h in rows.fieldnames}:
        raise SystemExit(f"the CSV needs a header row with {', '.join(sorted(need))}")
    for i, raw in enumerate(rows, start=2):
        r = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"line {i}"
        name = r["therapist"]
        if not name:
            raise SystemExit(f"{where}: therapist is empty")
        t = out.setdefault(name, {"email": r["email"],
                                  "timezone": timezone(r["timezone"], where),
                                  "days": [[] for _ in DAYS]})
        if (t["email"], t["timezone"]) != (r["email"], r["timezone"]):
            raise SystemExit(f"{where}: {name} has another email or timezone above")
        start, end = minutes(r["start"], where), minutes(r["end"], where)
        if start >= end:
            raise SystemExit(f"{where}: start must be before end")
        t["days"][weekday(r["weekday"], where)].append((start, end))
    for name, t in out.items():
        for d, ivs in enumerate(t["days"]):
            ivs.sort()
            for a, b in zip(ivs, ivs[1:]):
                if b[0] < a[1]:
                    raise SystemExit(f"{name}: intervals overlap on {DAYS[d]}")
    return out


def weekly_text(days):
    """The stored form of a weekly template: seven lists of start-end minutes, Monday first,
    separated by '|'."""
    return "|".join(",".join(f"{a}-{b}" for a, b in ivs) for ivs in days)


def document(therapists, slug, name, service, duration, step):
    ids, now = Ids(), int(time.time())
    tenant_id = ids.new("ten")
    tables = {"tenants": [{"id": tenant_id, "slug": slug, "name": name, "created_at": now}],
              "providers": [], "services": [], "service_providers": [],
              "schedule_versions": []}
    for tname, t in therapists.items():
        pid = ids.new("prv")
        tables["providers"].append({"id": pid, "name": tname, "timezone": t["timezone"],
                                    "email": t["email"] or None,
                                    "created_at": now, "updated_at": now})
        tables["schedule_versions"].append({"provider_id": pid, "seq": 1,
                                            "effective_from": None, "effective_until": None,
                                            "weekly": weekly_text(t["days"]),
                                            "anchor_day": None})
    sid = ids.new("svc")
    tables["services"].append({"id": sid, "name": service, "duration_min": duration,
                               "step_min": step, "created_at": now, "updated_at": now})
    tables["service_providers"] = [{"service_id": sid, "provider_id": p["id"]}
                                   for p in tables["providers"]]
    return {"format": "slotd-tenant", "version": 1,
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "tenant": {"id": tenant_id, "slug": slug, "name": name},
            "tables": tables,
            "counts": {k: len(v) for k, v in tables.items()}}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("csv", help="the CSV file (- for standard input)")
    p.add_argument("--slug", required=True, help="the new tenant's slug")
    p.add_argument("--name", help="the tenant's name (default: the slug)")
    p.add_argument("--service", default="Session", help="the service's name")
    p.add_argument("--duration", type=int, default=50, help="the service's minutes")
    p.add_argument("--step", type=int, default=0,
                   help="minutes between possible starts (default: the duration)")
    a = p.parse_args(argv)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", a.slug):
        raise SystemExit("--slug must be 1-63 lower-case letters, digits or '-' (not first)")
    if not 1 <= a.duration <= 1440:
        raise SystemExit("--duration must be 1 to 1440 minutes")
    if not 0 <= a.step <= 1440:
        raise SystemExit("--step must be 0 to 1440 minutes")
    if a.csv == "-":
        therapists = read_csv(sys.stdin)
    else:
        with open(a.csv, newline="", encoding="utf-8") as f:
            therapists = read_csv(f)
    if not therapists:
        raise SystemExit("the CSV lists no therapist")
    json.dump(document(therapists, a.slug, a.name or a.slug, a.service, a.duration, a.step),
              sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
