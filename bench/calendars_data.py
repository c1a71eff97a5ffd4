#!/usr/bin/env python3
"""Helper of bench/calendars.sh: the iCalendar documents of issue 19, their server, and the
API steps around them.

  gen DIR N_CAL N_EVENTS NOW      writes N_CAL documents of N_EVENTS VEVENTs each into DIR
                                  (DIR/<token>.ics, the token being the secret part of the
                                  address) and DIR/index.json with what each should come to
                                  over slotd's window [NOW - 30 d, NOW + 365 d) for an owner in
                                  Europe/Berlin; prints a one-line summary
  serve DIR PORT                  a threaded HTTP server on 127.0.0.1:PORT serving DIR
                                  (text/calendar; no ETag); prints "listening" when it listens
  setup API KEY N_PROV            one 30-minute service and N_PROV + 1 providers
                                  (Europe/Berlin, open 07:00-21:00 every day); the last one is
                                  the reference that gets no calendar; prints the ids as JSON
  calendars API KEY IDS INDEX BASE  one ics calendar per provider (the reference excepted)
                                  at BASE/<token>.ics, sync_interval_minutes 1440; prints
                                  "calendars created"
  wait API KEY IDS TIMEOUT        polls GET .../calendars/{cid} (every 0.5 s, in the order
                                  of creation up to the first calendar not yet synced: they
                                  fall due in that order) until every last_synced_at or
                                  last_error is set, or TIMEOUT s; prints
                                  "synced failed events busy_intervals polls seconds" and, on
                                  stderr, each calendar's error
  slots API KEY IDS FROM TO       the slot answer for the first provider and for the reference:
                                  prints "slots_with bytes_with slots_without bytes_without"

IDS is the JSON `setup` printed, with "calendars" added by `calendars`. Only the standard
library.

The documents (deterministic: the seed is the calendar's number): of every N_EVENTS VEVENTs,
30% are masters of recurring series, 3% RECURRENCE-ID overrides of them (one in ten series;
one in four overrides cancels its occurrence, the others move it by 1-3 hours), the rest
one-off events. One-offs: a day in -30..+365 of NOW, 07:00-20:45 in the event's zone,
15-120 minutes; 2% all-day (1-3 days, half of them TRANSP:TRANSPARENT), 6% transparent,
2% STATUS:CANCELLED, 30% with a folded DESCRIPTION. Series start -700..+365 days from NOW:
72% weekly (1-2 weekdays, 1 in 5 every other week; COUNT 2-12 or, one in three, UNTIL the
last day), 27% daily (every day or Mon-Fri, COUNT 3-10), 1% endless (weekly or Mon-Fri);
one in five has 1-2 EXDATEs, 5% are transparent. Zones: 50% TZID=Europe/Berlin, 25%
TZID=America/New_York (both with their VTIMEZONE in the document), 25% UTC (...Z).
"""
import http.client
import http.server
import json
import os
import random
import socketserver
import sys
import time
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

OWNER_TZ = "Europe/Berlin"
ZONES = ["Europe/Berlin", "Europe/Berlin", "America/New_York", "UTC"]
BACK, AHEAD = 30 * 86400, 365 * 86400      # slotd's window around now
PIECE = 86400                              # stored busy intervals are cut into day pieces

VTIMEZONES = {
    "Europe/Berlin": """BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE""",
    "America/New_York": """BEGIN:VTIMEZONE
TZID:America/New_York
X-LIC-LOCATION:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE""",
}
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WORDS = ("Call Review Sync Lunch Planning Standup Dentist Workshop Training Interview Demo "
         "Retro Budget Offsite Coffee Gym Doctor School Pickup Board Client Design").split()
DESC = ("Join the meeting: https://meet.example.com/abc-defg-hij?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ "
        "Agenda: status of the quarter, open questions, next steps. Dial-in: +49 30 1234567 "
        "PIN 987654#. Please reply to the invitation so we know who comes.")


# --- iCalendar text ----------------------------------------------------------------------------

def esc(s):
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """RFC 5545 folding at 75 octets (ASCII here)."""
    out = [line[:75]]
    line = line[75:]
    while line:
        out.append(" " + line[:74])
        line = line[74:]
    return "\r\n".join(out)


def fmt_local(dt):
    return dt.strftime("%Y%m%dT%H%M%S")


def prop_time(name, zone, wall):
    """A DTSTART/DTEND/EXDATE/RECURRENCE-ID line for the wall-clock time wall in zone."""
    if zone == "UTC":
        return "%s:%sZ" % (name, fmt_local(wall))
    return "%s;TZID=%s:%s" % (name, zone, fmt_local(wall))


def to_utc(zone, wall):
    return int(wall.replace(tzinfo=ZoneInfo(zone)).timestamp())


# --- one calendar ------------------------------------------------------------------------------

class Cal:
    def __init__(self, idx, n_events, now):
        self.rng = random.Random(1900 + idx)
        self.idx = idx
        self.now = now
        self.today = datetime.fromtimestamp(now, ZoneInfo(OWNER_TZ)).date()
        self.lines = []
        self.busy = []              # UTC intervals of the busy occurrences (any time)
        self.busy_events = 0        # busy VEVENTs: masters and overrides
        self.kinds = {"one-off": 0, "all-day": 0, "series": 0, "override": 0, "exdate": 0,
                      "transparent": 0, "cancelled": 0, "description": 0}
        n_series = n_events * 30 // 100
        n_over = n_series // 10
        n_one = n_events - n_series - n_over
        overrides = []
        for i in range(n_series):
            overrides += self.series(i, want_override=(i % 10 == 5) and len(overrides) < n_over)
        for i in range(n_one + n_over - len(overrides)):
            self.one_off(i)
        for ov in overrides:
            self.lines.append(ov)

    def uid(self, kind, i):
        return "%s-%05d-%03d-%x@bench.example.com" % (kind, i, self.idx, self.rng.getrandbits(32))

    def event(self, uid, props, transparent=False, cancelled=False):
        rng = self.rng
        ev = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20261101T120000Z"]
        ev += props
        ev.append(fold("SUMMARY:" + esc("%s %s" % (rng.choice(WORDS), rng.choice(WORDS)))))
        if rng.random() < 0.30:
            ev.append(fold("DESCRIPTION:" + esc(DESC)))
            self.kinds["description"] += 1
        if transparent:
            ev.append("TRANSP:TRANSPARENT")
        else:
            ev.append("TRANSP:OPAQUE")
        if cancelled:
            ev.append("STATUS:CANCELLED")
        else:
            ev.append("STATUS:CONFIRMED")
        ev.append("SEQUENCE:%d" % rng.randrange(3))
        ev.append("END:VEVENT")
        return "\r\n".join(ev)

    def one_off(self, i):
        rng = self.rng
        day = self.today + timedelta(days=rng.randrange(-30, 366))
        r = rng.random()
        if r < 0.02:                                    # all-day, 1-3 days
            n = rng.choice((1, 1, 1, 2, 3))
            transparent = rng.random() < 0.5
            props = ["DTSTART;VALUE=DATE:" + day.strftime("%Y%m%d"),
                     "DTEND;VALUE=DATE:" + (day + timedelta(days=n)).strftime("%Y%m%d")]
            self.lines.append(self.event(self.uid("allday", i), props, transparent))
            self.kinds["all-day"] += 1
            if transparent:
                self.kinds["transparent"] += 1
            else:
                z = ZoneInfo(OWNER_TZ)
                a = datetime(day.year, day.month, day.day, tzinfo=z)
                e = day + timedelta(days=n)
                b = datetime(e.year, e.month, e.day, tzinfo=z)
                self.busy.append((int(a.timestamp()), int(b.timestamp())))
                self.busy_events += 1
            return
        zone = rng.choice(ZONES)
        start = datetime(day.year, day.month, day.day, 7) + timedelta(minutes=15 * rng.randrange(56))
        dur = rng.choice((15, 30, 30, 30, 45, 60, 60, 90, 120))
        end = start + timedelta(minutes=dur)
        transparent = 0.02 <= r < 0.08
        cancelled = 0.08 <= r < 0.10
        props = [prop_time("DTSTART", zone, start), prop_time("DTEND", zone, end)]
        self.lines.append(self.event(self.uid("one", i), props, transparent, cancelled))
        self.kinds["one-off"] += 1
        self.kinds["transparent"] += transparent
        self.kinds["cancelled"] += cancelled
        if not transparent and not cancelled:
            self.busy.append((to_utc(zone, start), to_utc(zone, end)))
            self.busy_events += 1

    def series(self, i, want_override):
        """A recurring series; returns its override VEVENTs (0 or 1)."""
        rng = self.rng
        zone = rng.choice(ZONES)
        first = self.today + timedelta(days=rng.randrange(-700, 366))
        start = datetime(first.year, first.month, first.day, 7) + timedelta(minutes=15 * rng.randrange(52))
        dur = rng.choice((15, 15, 30, 30, 30, 45, 60, 60, 90))
        r = rng.random()
        interval = 1
        until = None
        count = None
        if r < 0.72:                                    # weekly
            days = sorted({start.weekday()} | ({rng.randrange(5)} if rng.random() < 0.3 else set()))
            interval = 2 if rng.random() < 0.2 else 1
            rule = "FREQ=WEEKLY" + (";INTERVAL=2" if interval == 2 else "")
            rule += ";BYDAY=" + ",".join(DAYS[d] for d in days)
            n = rng.randint(2, 12)
            if rng.random() < 1 / 3:
                last = first + timedelta(weeks=interval * (n - 1) + 1)
                until = to_utc(zone, datetime(last.year, last.month, last.day, 23, 59, 59))
                rule += ";UNTIL=" + datetime.fromtimestamp(until, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            else:
                count = n
                rule += ";COUNT=%d" % n
        elif r < 0.99:                                  # daily
            count = rng.randint(3, 10)
            if rng.random() < 0.5:
                days = list(range(7))
                rule = "FREQ=DAILY;COUNT=%d" % count
            else:
                if start.weekday() >= 5:                # a Mon-Fri series starts on a weekday
                    start -= timedelta(days=start.weekday() - 4)
                days = list(range(5))
                rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=%d" % count
        else:                                           # endless
            if rng.random() < 0.5:
                days = [start.weekday()]
                rule = "FREQ=WEEKLY;BYDAY=" + DAYS[start.weekday()]
            else:
                if start.weekday() >= 5:
                    start -= timedelta(days=start.weekday() - 4)
                days = list(range(5))
                rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        # the wall-clock starts of the series (up to the end of the window)
        horizon = self.now + AHEAD + 2 * 86400
        week0 = start.date() - timedelta(days=start.weekday())
        occ = []
        d = start
        while True:
            wk = (d.date() - week0).days // 7
            if d.weekday() in days and wk % interval == 0:
                u = to_utc(zone, d)
                if until is not None and u > until:
                    break
                if u > horizon:
                    break
                occ.append(d)
                if count is not None and len(occ) >= count:
                    break
            d += timedelta(days=1)
        transparent = rng.random() < 0.05
        props = [prop_time("DTSTART", zone, start),
                 prop_time("DTEND", zone, start + timedelta(minutes=dur)),
                 "RRULE:" + rule]
        excluded = set()
        if rng.random() < 0.2 and len(occ) > 2:
            for k in rng.sample(range(1, len(occ)), min(len(occ) - 1, rng.randint(1, 2))):
                excluded.add(k)
                props.append(prop_time("EXDATE", zone, occ[k]))
                self.kinds["exdate"] += 1
        uid = self.uid("series", i)
        overs = []
        moved = {}
        if want_override and len(occ) > 1:
            k = rng.randrange(1, len(occ))
            while k in excluded and k > 1:
                k -= 1
            if k not in excluded:
                cancel = rng.random() < 0.25
                to = occ[k] + timedelta(hours=rng.randint(1, 3))
                oprops = [prop_time("RECURRENCE-ID", zone, occ[k]),
                          prop_time("DTSTART", zone, to),
                          prop_time("DTEND", zone, to + timedelta(minutes=dur))]
                overs.append(self.event(uid, oprops, transparent, cancel))
                self.kinds["override"] += 1
                self.kinds["cancelled"] += cancel
                moved[k] = None if (cancel or transparent) else to
                if not cancel and not transparent:
                    self.busy_events += 1
        self.lines.append(self.event(uid, props, transparent))
        self.kinds["series"] += 1
        self.kinds["transparent"] += transparent
        if not transparent:
            self.busy_events += 1
            for k, w in enumerate(occ):
                if k in excluded:
                    continue
                if k in moved:
                    w = moved[k]
                    if w is None:
                        continue
                a = to_utc(zone, w)
                self.busy.append((a, a + dur * 60))
        return overs

    def text(self):
        head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//slotd bench//calendars_data.py//EN",
                "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Bench %03d" % self.idx,
                "X-WR-TIMEZONE:" + OWNER_TZ]
        head += [VTIMEZONES[z] for z in ("Europe/Berlin", "America/New_York")]
        return "\r\n".join(head + self.lines + ["END:VCALENDAR", ""]).replace("\r\n", "\n").replace("\n", "\r\n")

    def expected(self):
        """Occurrences, merged intervals, day pieces and busy hours over slotd's window."""
        lo, hi = self.now - BACK, self.now + AHEAD
        iv = sorted((max(a, lo), min(b, hi)) for a, b in self.busy if b > lo and a < hi)
        merged = []
        for a, b in iv:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        pieces = sum((b - a + PIECE - 1) // PIECE for a, b in merged)
        return {"occurrences": len(iv), "merged": len(merged), "pieces": pieces,
                "busy_hours": round(sum(b - a for a, b in merged) / 3600.0, 1)}


def cmd_gen(out, n_cal, n_events, now):
    n_cal, n_events, now = int(n_cal), int(n_events), int(now)
    os.makedirs(out, exist_ok=True)
    index = []
    tot = {"bytes": 0, "occurrences": 0, "merged": 0}
    kinds = {}
    for i in range(n_cal):
        c = Cal(i, n_events, now)
        text = c.text().encode()
        token = "%032x" % random.Random(7700 + i).getrandbits(128)
        with open(os.path.join(out, token + ".ics"), "wb") as f:
            f.write(text)
        x = c.expected()
        nv = text.count(b"BEGIN:VEVENT")
        if nv != n_events:
            sys.exit("calendar %d: %d VEVENTs, not %d" % (i, nv, n_events))
        index.append(dict(x, token=token, bytes=len(text), vevents=nv, busy_events=c.busy_events))
        tot["bytes"] += len(text)
        tot["occurrences"] += x["occurrences"]
        tot["merged"] += x["merged"]
        for k, v in c.kinds.items():
            kinds[k] = kinds.get(k, 0) + v
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"now": now, "calendars": index}, f)
    per = {k: round(v / n_cal) for k, v in kinds.items()}
    print("%d documents, %.1f MB in all (%.2f MB each); per document: %d VEVENTs = %d one-off "
          "(%d all-day) + %d series + %d overrides; %d EXDATEs, %d transparent, %d cancelled, "
          "%d with a DESCRIPTION; busy occurrences in the window %d, merged intervals %d "
          "(expected, on average)" % (
              n_cal, tot["bytes"] / 1e6, tot["bytes"] / 1e6 / n_cal, n_events,
              per["one-off"] + per["all-day"], per["all-day"], per["series"], per["override"],
              per["exdate"], per["transparent"], per["cancelled"], per["description"],
              tot["occurrences"] // n_cal, tot["merged"] // n_cal))


# --- the server --------------------------------------------------------------------------------

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {".ics": "text/calendar; charset=utf-8", "": "application/octet-stream"}
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256


def cmd_serve(root, port):
    handler = lambda *a, **k: Handler(*a, directory=root, **k)  # noqa: E731
    srv = Server(("127.0.0.1", int(port)), handler)
    print("listening", flush=True)
    srv.serve_forever()


# --- the API -----------------------------------------------------------------------------------

class Api:
    def __init__(self, base, key):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.key = key
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(self, method, path, body=None):
        h = {"Authorization": "Bearer " + self.key}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        for attempt in (0, 1):
            try:
                self.conn.request(method, self.prefix + path, body, h)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise

    def json(self, method, path, body=None, want=(200, 201)):
        st, data = self.call(method, path, body)
        if st not in want:
            sys.exit("%s %s -> %d %s" % (method, path, st, data[:300].decode(errors="replace")))
        return json.loads(data) if data else None


def cmd_setup(base, key, n_prov):
    api = Api(base, key)
    day = [{"start": "07:00", "end": "21:00"}]
    provs = []
    for i in range(int(n_prov) + 1):
        name = "Provider %03d" % i if i < int(n_prov) else "Reference (no calendar)"
        p = api.json("POST", "/providers", {"name": name, "timezone": OWNER_TZ})
        api.json("PUT", "/providers/%s/schedule" % p["id"],
                 {"weekly": {d: day for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}})
        provs.append(p["id"])
    s = api.json("POST", "/services", {"name": "Consultation", "duration_minutes": 30,
                                       "provider_ids": provs})
    json.dump({"service": s["id"], "providers": provs[:-1], "reference": provs[-1]}, sys.stdout)
    print()


def cmd_calendars(base, key, ids_path, index_path, url):
    api = Api(base, key)
    ids = json.load(open(ids_path))
    index = json.load(open(index_path))["calendars"]
    cals = []
    for i, pid in enumerate(ids["providers"]):
        c = api.json("POST", "/providers/%s/calendars" % pid,
                     {"kind": "ics", "url": "%s/%s.ics" % (url.rstrip("/"), index[i]["token"]),
                      "name": "Bench calendar %03d" % i, "sync_interval_minutes": 1440})
        cals.append(c["id"])
    ids["calendars"] = cals
    with open(ids_path, "w") as f:
        json.dump(ids, f)
    print("calendars created")


def cmd_wait(base, key, ids_path, timeout):
    api = Api(base, key)
    ids = json.load(open(ids_path))
    todo = dict(zip(ids["calendars"], ids["providers"]))
    done = {}
    polls = 0
    t0 = time.time()
    while todo and time.time() - t0 < float(timeout):
        # in the order of creation (the order they fall due), up to the first one not synced
        for cid, pid in list(todo.items()):
            c = api.json("GET", "/providers/%s/calendars/%s" % (pid, cid))
            polls += 1
            if not (c.get("last_synced_at") or c.get("last_error")):
                break
            done[cid] = c
            del todo[cid]
        if todo:
            time.sleep(0.5)
    secs = time.time() - t0
    ok = [c for c in done.values() if c.get("last_synced_at") and not c.get("last_error")]
    for c in done.values():
        if c.get("last_error"):
            print("calendar %s: %s" % (c["name"], c["last_error"]), file=sys.stderr)
    if todo:
        print("%d calendars not synced after %s s" % (len(todo), timeout), file=sys.stderr)
    with open(ids_path + ".synced", "w") as f:
        json.dump(list(done.values()), f)
    print(len(ok), len(done) - len(ok) + len(todo), sum(c.get("events", 0) for c in ok),
          sum(c.get("busy_intervals", 0) for c in ok), polls, "%.1f" % secs)


def cmd_slots(base, key, ids_path, frm, to):
    api = Api(base, key)
    ids = json.load(open(ids_path))
    out = []
    for pid in (ids["providers"][0], ids["reference"]):
        st, data = api.call("GET", "/slots?service_id=%s&provider_id=%s&from=%s&to=%s" % (
            ids["service"], pid, frm, to))
        if st != 200:
            sys.exit("GET /slots -> %d %s" % (st, data[:300]))
        out += [len(json.loads(data)["slots"]), len(data)]
    print(*out)


if __name__ == "__main__":
    cmds = {"gen": cmd_gen, "serve": cmd_serve, "setup": cmd_setup, "calendars": cmd_calendars,
            "wait": cmd_wait, "slots": cmd_slots}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
