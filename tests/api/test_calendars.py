"""External calendars (issue 19), against the real binary and real calendar servers.

A provider connects an iCalendar subscription address (served by ics_server.IcsServer on
loopback) or a CalDAV collection (Debian's Radicale, radicale_server.RadicaleServer, on
loopback); slotd fetches it in the background and its busy time blocks the provider's slots,
explain says external_busy with the calendar's name, and a booking over it is refused. A
CalDAV calendar with write: true receives every booking of the provider (PUT on create and
reschedule, DELETE on cancel or decline) through the outbox.

Servers run with SLOTD_WEBHOOK_ALLOW_PRIVATE=1 (every calendar is on 127.0.0.1) and a secret
key file (PostgreSQL needs one; SQLite gets the same for symmetry). The module's server runs
on the test clock, set to NOW (Monday 2 March 2026, 07:00 UTC) and moved one second forward
before each "sync now" (Clock.tick) so that a new attempt shows as a new last_attempt_at;
the clock never moves far enough for a calendar to fall due by itself. Requests for slots,
explain and bookings carry X-Test-Now: NOW. The sync window (30 days back, 365 ahead) is
around NOW, so every event lies in March and early April 2026.

Each test works in a tenant of its own (World: one provider, Europe/Berlin unless a test
says otherwise, open 09:00-17:00 on weekdays; a 60-minute service on a 30-minute grid), so
a day has the 15 starts ALL, and a busy hour 10:00-11:00 removes exactly 09:30, 10:00 and
10:30. Berlin is at +01:00 until 29 March, New York at -04:00 from 8 March.

Tests that move the clock far (intervals, retries) or restart servers use servers of their
own. The slow-calendar test's server is started before the module's first test (when that
test is selected), so its 15 s pass while the others run. Tests that need several processes
on one database run only under PostgreSQL (scripts/pg.sh run).
"""
import collections
import contextlib
import json
import os
import subprocess
import time
import types
import uuid
from datetime import date, datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path

import icalendar
import pytest
import requests

import booking_helpers
import pg_helpers
import radicale_server
from conftest import (Api, Server, _start, _stop, create_tenant, expect_problem,
                      pg_processes, weekdays)
from ics_server import IcsServer
from radicale_server import RadicaleServer

NOW = "2026-03-02T07:00:00Z"
BER = "Europe/Berlin"
NY = "America/New_York"
SYNC_TIMEOUT = 10.0
FROM, TO = "2026-03-09", "2026-04-10"       # the dates every test looks at
ALL = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)][:-1]   # 09:00 … 16:00
TEN = {"09:30", "10:00", "10:30"}           # what a busy 10:00-11:00 removes
# What the events say about the provider's life: never to be shown by slotd.
SECRET_SUMMARY = "Dr Hale - root canal"
SECRET_ATTENDEE = "mailto:partner-of-provider@private.example"
DAVE = "dave@example.com"
CAL_FIELDS = {"id", "provider_id", "kind", "name", "url", "username", "has_password", "write",
              "enabled", "sync_interval_minutes", "last_synced_at", "last_attempt_at",
              "last_error", "events", "busy_intervals", "next_sync_at", "version",
              "created_at", "updated_at"}

booked = booking_helpers.booked
acted = booking_helpers.acted


def epoch(instant):
    return int(datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp())


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_file(directory):
    """A secret key file as slotd reads it: 32 random bytes as 64 hex digits, mode 0600."""
    p = Path(directory) / "secret.key"
    p.write_text(os.urandom(32).hex() + "\n")
    p.chmod(0o600)
    return str(p)


def env_for(directory, private=True):
    env = {"SLOTD_SECRET_KEY_FILE": key_file(directory)}
    if private:
        env["SLOTD_WEBHOOK_ALLOW_PRIVATE"] = "1"
    return env


class Clock:
    """The test clock of one server: set to start, then moved a second forward per tick."""

    def __init__(self, api, start=NOW):
        self.api = api
        self.start = self.now = epoch(start)
        self.set(self.now)

    def set(self, ts):
        self.now = ts
        self.api.ok("POST", "/v1/test/clock", {"now": iso(ts)}, status=200)
        return ts

    def tick(self, seconds=1):
        # Calendars synced at the start fall due 5 minutes later: stay well before that.
        assert self.now + seconds - self.start < 240, "too many ticks for one module"
        return self.set(self.now + seconds)


# --- iCalendar documents ------------------------------------------------------------------

def ics(*events, head=(), prodid="-//Example Corp//Calendar 1.0//EN"):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             *head]
    for e in events:
        lines += e
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def vevent(*props, uid=None, summary=SECRET_SUMMARY):
    return ["BEGIN:VEVENT", f"UID:{uid or uuid.uuid4().hex + '@example.com'}",
            "DTSTAMP:20260301T120000Z", *props, f"SUMMARY:{summary}", "END:VEVENT"]


def stamp(day, hm):
    return day.replace("-", "") + "T" + hm.replace(":", "") + "00"


def zoned(prop, tz, day, hm):
    """DTSTART;TZID=tz:… (or DTEND, RECURRENCE-ID, EXDATE)."""
    return f"{prop};TZID={tz}:{stamp(day, hm)}"


def span(tz, day, start, end):
    """DTSTART and DTEND of a local span on one day."""
    return [zoned("DTSTART", tz, day, start), zoned("DTEND", tz, day, end)]


def busy(tz, day, start, end, *props, **kw):
    """A VEVENT from start to end (local "HH:MM" in tz) on day; kw as for vevent."""
    return vevent(*span(tz, day, start, end), *props, **kw)


VTZ_NY = ["BEGIN:VTIMEZONE", "TZID:America/New_York",
          "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT",
          "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
          "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
          "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD",
          "END:VTIMEZONE"]

VTZ_CUSTOM = ["BEGIN:VTIMEZONE", "TZID:Customized Time Zone",
              "BEGIN:STANDARD", "DTSTART:16010101T000000", "TZOFFSETFROM:+0530",
              "TZOFFSETTO:+0530", "END:STANDARD",
              "BEGIN:DAYLIGHT", "DTSTART:16010101T000000", "TZOFFSETFROM:+0530",
              "TZOFFSETTO:+0530", "END:DAYLIGHT", "END:VTIMEZONE"]

# As Outlook writes them: Windows zone names with VTIMEZONE blocks starting in 1601.
VTZ_W_EUROPE = ["BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time",
                "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
                "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
                "END:DAYLIGHT", "END:VTIMEZONE"]
VTZ_EASTERN = ["BEGIN:VTIMEZONE", "TZID:Eastern Standard Time",
               "BEGIN:STANDARD", "DTSTART:16010101T020000", "TZOFFSETFROM:-0400",
               "TZOFFSETTO:-0500", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
               "END:STANDARD",
               "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:-0500",
               "TZOFFSETTO:-0400", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
               "END:DAYLIGHT", "END:VTIMEZONE"]


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ics_srv():
    s = IcsServer().start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def srv(slotd_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("calendars")
    s = _start(slotd_bin, d, env=env_for(d))
    yield s
    _stop(s)


@pytest.fixture(scope="module")
def clock(srv):
    c = Clock(srv.tenant())
    yield c
    c.api.ok("POST", "/v1/test/clock", {"now": None}, status=200)


@pytest.fixture(scope="module")
def radicale():
    if not radicale_server.available():
        pytest.fail("Debian's radicale is not installed (scripts/deps.sh test installs it)",
                    pytrace=False)
    r = RadicaleServer(users={"alice": "alice-pw-" + uuid.uuid4().hex[:8],
                              "bob": "bob-pw-" + uuid.uuid4().hex[:8],
                              # An e-mail login and a password with ":", "@", space, UTF-8.
                              DAVE: "pä:ss wörd@" + uuid.uuid4().hex[:8]}).start()
    yield r
    r.close()


class World(types.SimpleNamespace):
    """A tenant with one provider and a 60-minute service on a 30-minute grid."""

    @property
    def cals(self):
        return f"/v1/providers/{self.pid}/calendars"

    def cal_path(self, cid):
        return f"{self.cals}/{cid}"


def make_world(server, tz=BER, clock=None, **service):
    t = server.tenant()
    p = t.provider("Dr Hale", tz)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([p["id"]], "Consult", 60, slot_step_minutes=30, **service)
    return World(t=t, pid=p["id"], sid=svc["id"], server=server, tz=tz, clock=clock)


@pytest.fixture
def w(srv, clock):
    return make_world(srv, clock=clock)


# --- helpers ---------------------------------------------------------------------------------

def free_by_day(w, frm=FROM, to=TO, sid=None, api=None):
    """{date: [local "HH:MM" starts]} of the provider, every weekday of [frm, to] present."""
    got = (api or w.t).slots(sid or w.sid, w.pid, frm, to, now=NOW)
    out = {}
    d, end = date.fromisoformat(frm), date.fromisoformat(to)
    while d <= end:
        if d.weekday() < 5:
            out[d.isoformat()] = []
        d += timedelta(days=1)
    for s in got:
        out.setdefault(s["start"][:10], []).append(s["start"][11:16])
    return out


def blocked_by_day(w, frm=FROM, to=TO, sid=None, api=None):
    """{date: set of starts of ALL missing} for weekdays with any missing."""
    free = free_by_day(w, frm, to, sid, api)
    return {d: set(ALL) - set(v) for d, v in free.items() if set(ALL) - set(v)}


def assert_blocked(w, expected, frm=FROM, to=TO, sid=None, api=None):
    """Exactly the starts of expected ({date: set}) are gone, every other start is offered."""
    got = blocked_by_day(w, frm, to, sid, api)
    assert got == {d: set(v) for d, v in expected.items() if v}, \
        f"blocked starts differ:\n got  {sorted((d, sorted(v)) for d, v in got.items())}\n" \
        f" want {sorted((d, sorted(v)) for d, v in expected.items())}"


def create(w, status=201, **body):
    r = w.t.post(w.cals, body)
    assert r.status_code == status, r.text
    return r.json()


def get_cal(w, cid):
    return w.t.ok("GET", w.cal_path(cid))


def wait_cal(w, cid, pred, what, timeout=SYNC_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        c = get_cal(w, cid)
        if pred(c):
            return c
        assert time.monotonic() < deadline, f"calendar never {what} within {timeout}s: {c}"
        time.sleep(0.05)


def first_sync(w, cal, timeout=SYNC_TIMEOUT):
    """A new calendar is due at once: waits for its first attempt."""
    return wait_cal(w, cal["id"], lambda c: c["last_attempt_at"] is not None,
                    "attempted a first sync", timeout)


def sync_now(w, cal, timeout=SYNC_TIMEOUT):
    """Moves the clock a second on, POST …/sync, waits for that attempt."""
    at = w.clock.tick()
    r = w.t.post(w.cal_path(cal["id"]) + "/sync")
    assert r.status_code == 202, r.text
    assert r.json()["id"] == cal["id"]
    return wait_cal(w, cal["id"], lambda c: c["last_attempt_at"] is not None
                    and epoch(c["last_attempt_at"]) >= at, "attempted the sync", timeout)


def secret_path(name):
    """A path whose first segment plays the secret of a secret address."""
    token = uuid.uuid4().hex
    return f"/{token}/{name}.ics", token


def ics_calendar(w, ics_srv, doc, name="Private", **fields):
    """Serves doc at a fresh secret path, connects it, waits for the first sync (which must
    succeed); returns (calendar, path)."""
    path, _ = secret_path("".join(ch if ch.isalnum() else "-" for ch in name.lower()))
    ics_srv.serve(path, doc)
    cal = create(w, kind="ics", url=ics_srv.url(path), name=name, **fields)
    cal = first_sync(w, cal)
    assert cal["last_error"] is None, cal
    assert cal["last_synced_at"] is not None, cal
    return cal, path


def events_of(t, type_prefix):
    rows, after = [], 0
    for _ in range(100):
        page = t.ok("GET", "/v1/events", params={"type": type_prefix, "after": after,
                                                  "limit": 200})
        rows += page["data"]
        if not page["data"] or page.get("next_after") is None:
            return rows
        after = page["next_after"]
    raise AssertionError("event pages do not end")


def make_key(w, role, provider_ids=None):
    body = {"name": f"{role} key", "role": role}
    if provider_ids is not None:
        body["provider_ids"] = provider_ids
    k = w.t.ok("POST", "/v1/keys", body)
    return Api(w.t.base, k["secret"])


def unavailable(r, *codes):
    p = expect_problem(r, 422, "slot_unavailable")
    assert sorted(x["code"] for x in p["reasons"]) == sorted(codes), p
    return p


# === CRUD ======================================================================================

EMPTY = ics()


def test_create_ics_calendar_redacts_the_address(w, ics_srv):
    path, token = secret_path("basic")
    ics_srv.serve(path, EMPTY)
    r = w.t.post(w.cals, {"kind": "ics", "url": ics_srv.url(path), "name": "Google"})
    assert r.status_code == 201, r.text
    c = r.json()
    assert set(c) == CAL_FIELDS, c
    assert c["id"].startswith("cal_") and len(c["id"]) > 4
    assert (c["provider_id"], c["kind"], c["name"]) == (w.pid, "ics", "Google")
    assert (c["username"], c["has_password"], c["write"], c["enabled"]) == \
        (None, False, False, True)
    assert c["sync_interval_minutes"] == 5
    assert isinstance(c["version"], int)
    # The path of a secret address is the secret: only scheme and host are shown.
    assert token not in r.text
    assert c["url"].startswith("http://127.0.0.1") and c["url"].endswith("/…"), c["url"]
    assert c["next_sync_at"] is not None
    # Due at once: the first fetch happens without asking.
    got = first_sync(w, c)
    assert got["last_error"] is None and got["last_synced_at"] is not None
    assert (got["events"], got["busy_intervals"]) == (0, 0)
    [req] = ics_srv.on(path)
    assert req.method == "GET" and "if-none-match" not in req.headers
    # Read back, listed, and the events: never the secret path.
    assert token not in json.dumps(get_cal(w, c["id"]))
    rows = w.t.list_all(w.cals)
    assert [x["id"] for x in rows] == [c["id"]]
    assert token not in json.dumps(rows)
    evs = events_of(w.t, "calendar.")
    assert [e["type"] for e in evs if e["subject_id"] == c["id"]][:1] == ["calendar.created"]
    assert token not in json.dumps(evs)
    # A secret in the query (as some servers put it) is not shown either.
    q = uuid.uuid4().hex
    r = w.t.post(w.cals, {"kind": "ics", "url": ics_srv.url(f"/cal.ics?token={q}"),
                          "enabled": False})
    assert r.status_code == 201, r.text
    assert q not in r.text and q not in json.dumps(w.t.list_all(w.cals))


def test_create_caldav_calendar_never_returns_the_password(w, ics_srv):
    password = "pw-" + uuid.uuid4().hex
    url = ics_srv.url("/dav/alice/work/")
    c = create(w, kind="caldav", url=url, username="alice", password=password,
               name="Nextcloud", write=True, sync_interval_minutes=60, enabled=False)
    assert set(c) == CAL_FIELDS
    assert (c["kind"], c["url"], c["username"], c["has_password"], c["write"], c["enabled"],
            c["sync_interval_minutes"]) == ("caldav", url, "alice", True, True, False, 60)
    everything = [get_cal(w, c["id"]), w.t.list_all(w.cals), events_of(w.t, "calendar.")]
    # Password changed: still only has_password.
    p = w.t.ok("PATCH", w.cal_path(c["id"]), {"password": password + "-2"})
    assert p["has_password"] is True and p["version"] == c["version"] + 1
    everything += [p, events_of(w.t, "calendar.")]
    assert password not in json.dumps(everything)
    # Without credentials and a name: the name is the URL's host.
    d = create(w, kind="caldav", url=url, enabled=False)
    assert (d["username"], d["has_password"], d["write"], d["name"]) == \
        (None, False, False, "127.0.0.1")


def test_patch_delete_and_if_match(w, ics_srv):
    path, _ = secret_path("patch")
    ics_srv.serve(path, EMPTY)
    c = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Work"))
    v = c["version"]
    expect_problem(w.t.patch(w.cal_path(c["id"]), {"name": "Nope"},
                             headers={"If-Match": f'"{v + 5}"'}), 412)
    assert get_cal(w, c["id"])["name"] == "Work"
    p = w.t.ok("PATCH", w.cal_path(c["id"]),
               {"name": "Work (Outlook)", "sync_interval_minutes": 1440},
               headers={"If-Match": f'"{v}"'})
    assert (p["name"], p["sync_interval_minutes"], p["version"]) == \
        ("Work (Outlook)", 1440, v + 1)
    assert (p["kind"], p["url"]) == (c["kind"], c["url"])
    assert get_cal(w, c["id"]) == p
    # kind never changes.
    expect_problem(w.t.patch(w.cal_path(c["id"]), {"kind": "caldav"}), 422,
                   "validation_failed", "/kind")
    assert get_cal(w, c["id"]) == p
    assert [e["type"] for e in events_of(w.t, "calendar.") if e["subject_id"] == c["id"]
            and e["type"] != "calendar.synced"] == ["calendar.created", "calendar.updated"]
    # Delete: 204, then 404 everywhere.
    r = w.t.delete(w.cal_path(c["id"]))
    assert r.status_code == 204 and not r.content
    for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/sync")):
        kw = {"body": {"name": "x"}} if method == "PATCH" else {}
        expect_problem(w.t.request(method, w.cal_path(c["id"]) + suffix, **kw), 404,
                       "not_found")
    assert w.t.list_all(w.cals) == []
    assert "calendar.deleted" in [e["type"] for e in events_of(w.t, "calendar.")
                                  if e["subject_id"] == c["id"]]


def test_list_pages(w, ics_srv):
    path, _ = secret_path("paged")
    ics_srv.serve(path, EMPTY)
    made = [create(w, kind="ics", url=ics_srv.url(path), name=f"C{i}", enabled=False)["id"]
            for i in range(3)]
    page = w.t.ok("GET", w.cals, params={"limit": 2})
    assert len(page["data"]) == 2 and page["next_cursor"]
    rest = w.t.ok("GET", w.cals, params={"limit": 2, "cursor": page["next_cursor"]})
    assert rest["next_cursor"] is None
    assert sorted(x["id"] for x in page["data"] + rest["data"]) == sorted(made)


U = "http://127.0.0.1:9/cal.ics"


@pytest.mark.parametrize("body, pointer", [
    ({"url": U}, "/kind"),
    ({"kind": "google", "url": U}, "/kind"),
    ({"kind": 1, "url": U}, "/kind"),
    ({"kind": "ics"}, "/url"),
    ({"kind": "caldav"}, "/url"),
    ({"kind": "ics", "url": "ftp://127.0.0.1/cal.ics"}, "/url"),
    ({"kind": "ics", "url": "file:///etc/passwd"}, "/url"),
    ({"kind": "ics", "url": "/relative/cal.ics"}, "/url"),
    ({"kind": "ics", "url": "not a url"}, "/url"),
    ({"kind": "ics", "url": 5}, "/url"),
    ({"kind": "ics", "url": U, "username": "alice"}, "/username"),
    ({"kind": "ics", "url": U, "password": "pw"}, "/password"),
    ({"kind": "ics", "url": U, "write": True}, "/write"),
    ({"kind": "caldav", "url": U, "write": "yes"}, "/write"),
    ({"kind": "caldav", "url": U, "username": 7}, "/username"),
    ({"kind": "ics", "url": U, "sync_interval_minutes": 0}, "/sync_interval_minutes"),
    ({"kind": "ics", "url": U, "sync_interval_minutes": 1441}, "/sync_interval_minutes"),
    ({"kind": "ics", "url": U, "sync_interval_minutes": "5"}, "/sync_interval_minutes"),
    ({"kind": "ics", "url": U, "name": ""}, "/name"),
    ({"kind": "ics", "url": U, "name": "x" * 201}, "/name"),
    ({"kind": "ics", "url": U, "enabled": "no"}, "/enabled"),
    ({"kind": "ics", "url": U, "colour": "red"}, "/colour"),
])
def test_bad_input_is_422_and_nothing_changes(w, body, pointer):
    keep = create(w, kind="ics", url=U, name="Kept", enabled=False)
    before = w.t.list_all(w.cals)
    nevents = len(events_of(w.t, "calendar."))
    expect_problem(w.t.post(w.cals, body), 422, "validation_failed", pointer)
    assert w.t.list_all(w.cals) == before
    assert len(events_of(w.t, "calendar.")) == nevents
    # The same field in a PATCH of the (iCalendar) calendar is refused the same way.
    field = pointer[1:]
    if field != "kind" and field in body:
        expect_problem(w.t.patch(w.cal_path(keep["id"]), {field: body[field]}), 422,
                       "validation_failed", pointer)
        assert w.t.list_all(w.cals) == before


def test_boundaries_of_the_interval_and_name(w):
    for minutes in (1, 1440):
        c = create(w, kind="ics", url=U, sync_interval_minutes=minutes, enabled=False,
                   name="n" * 200)
        assert (c["sync_interval_minutes"], c["name"]) == (minutes, "n" * 200)
    # 200 bytes, not characters.
    c = create(w, kind="ics", url=U, enabled=False, name="\u00e4" * 100)
    assert c["name"] == "\u00e4" * 100
    expect_problem(w.t.post(w.cals, {"kind": "ics", "url": U, "name": "\u00e4" * 101}), 422,
                   "validation_failed", "/name")


def test_malformed_body_and_unknown_provider(w):
    r = w.t.request("POST", w.cals, data="{", headers={"Content-Type": "application/json"})
    expect_problem(r, 400)
    expect_problem(w.t.post("/v1/providers/prv_00000000000000000000/calendars",
                            {"kind": "ics", "url": U}), 404, "not_found")
    expect_problem(w.t.get(f"{w.cals}/cal_00000000000000000000"), 404, "not_found")
    assert w.t.list_all(w.cals) == []


def test_other_tenants_and_scoped_keys(srv, clock, w):
    c = create(w, kind="ics", url=U, name="Mine", enabled=False)
    other = make_world(srv, clock=clock)
    path = w.cal_path(c["id"])
    # Another tenant knows neither the provider nor the calendar.
    for method, p, body in [("GET", w.cals, None), ("POST", w.cals, {"kind": "ics", "url": U}),
                            ("GET", path, None), ("PATCH", path, {"name": "x"}),
                            ("DELETE", path, None), ("POST", path + "/sync", None),
                            ("GET", f"{other.cals}/{c['id']}", None),
                            ("DELETE", f"{other.cals}/{c['id']}", None)]:
        kw = {} if body is None else {"body": body}
        expect_problem(other.t.request(method, p, **kw), 404)
    # A staff key of another provider of the same tenant: 404 (as for feeds).
    second = w.t.provider("Dr Second", BER)["id"]
    staff_other = make_key(w, "staff", [second])
    expect_problem(staff_other.get(w.cals), 404)
    expect_problem(staff_other.get(path), 404)
    expect_problem(staff_other.post(w.cals, {"kind": "ics", "url": U}), 404)
    expect_problem(staff_other.delete(path), 404)
    # A staff key of this provider manages its calendars.
    staff = make_key(w, "staff", [w.pid])
    assert [x["id"] for x in staff.list_all(w.cals)] == [c["id"]]
    mine = staff.ok("POST", w.cals, {"kind": "ics", "url": U, "enabled": False})
    staff.ok("DELETE", f"{w.cals}/{mine['id']}")
    # Customer keys may not.
    cust = make_key(w, "customer")
    expect_problem(cust.get(w.cals), 403)
    expect_problem(cust.post(w.cals, {"kind": "ics", "url": U}), 403)
    expect_problem(cust.get(path), 403)
    expect_problem(cust.delete(path), 403)
    assert [x["id"] for x in w.t.list_all(w.cals)] == [c["id"]]
    assert get_cal(w, c["id"])["name"] == "Mine"


def test_private_addresses_are_refused_without_the_flag(start_server, tmp_path):
    (tmp_path / "k").mkdir()
    s = start_server(env=env_for(tmp_path / "k", private=False), name="locked")
    w = make_world(s)
    for body in ({"kind": "ics", "url": "http://127.0.0.1:8080/cal.ics"},
                 {"kind": "ics", "url": "http://localhost/cal.ics"},
                 {"kind": "ics", "url": "http://10.1.2.3/cal.ics"},
                 {"kind": "ics", "url": "http://169.254.169.254/latest/meta-data"},
                 {"kind": "caldav", "url": "http://[::1]:5232/alice/work/"},
                 {"kind": "caldav", "url": "http://192.168.1.10/dav/"}):
        expect_problem(w.t.post(w.cals, body), 422, "validation_failed", "/url")
    assert w.t.list_all(w.cals) == []
    # A public literal is accepted (disabled: nothing is fetched), a PATCH to loopback is not.
    c = create(w, kind="ics", url="https://93.184.215.14/cal.ics", enabled=False)
    expect_problem(w.t.patch(w.cal_path(c["id"]), {"url": "http://127.0.0.1/x.ics"}), 422,
                   "validation_failed", "/url")
    assert get_cal(w, c["id"])["version"] == c["version"]


def test_secret_key_file(start_server, tmp_path):
    """Without a key, slotd makes <db>.key (0600) next to an SQLite database; on PostgreSQL
    creating a calendar is then refused, saying how to give a key."""
    s = start_server(env={"SLOTD_WEBHOOK_ALLOW_PRIVATE": "1"}, name="nokey")
    w = make_world(s)
    body = {"kind": "caldav", "url": U, "username": "a", "password": "p", "enabled": False}
    if s.backend == "sqlite":
        create(w, **body)
        key = Path(str(s.db_path) + ".key")
        assert key.is_file(), list(s.db_path.parent.iterdir())
        assert key.stat().st_mode & 0o777 == 0o600
    else:
        p = expect_problem(w.t.post(w.cals, body), 422, "validation_failed", "/password")
        assert "secret-key-file" in json.dumps(p), p
        p = expect_problem(w.t.post(w.cals, {"kind": "ics", "url": U}), 422,
                           "validation_failed", "/url")
        assert "secret-key-file" in json.dumps(p), p
        assert w.t.list_all(w.cals) == []
        # A CalDAV calendar without a password needs no key.
        create(w, kind="caldav", url=U, username="a", enabled=False)


def db_bytes(server):
    """What the database holds, as bytes: the SQLite file with its WAL, or a data-only
    dump of the PostgreSQL database."""
    if server.backend == "sqlite":
        return b"".join(Path(str(server.db_path) + sfx).read_bytes()
                        for sfx in ("", "-wal", "-journal")
                        if Path(str(server.db_path) + sfx).exists())
    cp = subprocess.run([pg_helpers._bin("pg_dump"), "--data-only", "-d", server.db_url],
                        capture_output=True, timeout=120)
    assert cp.returncode == 0, cp.stderr
    return cp.stdout


def test_secrets_at_rest_and_checks_after_a_restart(slotd_bin, tmp_path, ics_srv):
    """The password and the secret address are not in the database in clear. Restarted
    without --allow-private-webhooks, the loopback address is refused when connecting;
    restarted with another key, the secrets do not open: both are errors of the calendar,
    nothing is fetched, and the busy time read before stays."""
    d = tmp_path / "rest"
    d.mkdir()
    env = env_for(d)
    first = Server(slotd_bin, d / "slotd.db", d, env=env).start()
    servers = [first]
    try:
        w = make_world(first)
        Clock(w.t)
        path, token = secret_path("rest")
        ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
        password = "pw-" + uuid.uuid4().hex
        cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Rest"))
        assert cal["last_error"] is None, cal
        create(w, kind="caldav", url=ics_srv.url("/dav/alice/"), username="alice",
               password=password, enabled=False)
        assert_blocked(w, {"2026-03-10": TEN})
        raw = db_bytes(first)
        assert token.encode() not in raw, "the secret address is stored in clear"
        assert password.encode() not in raw, "the password is stored in clear"
        assert first.stop() == 0
        fetched = len(ics_srv.on(path))
        # Without private addresses allowed.
        second = Server(slotd_bin, None, d, db_url=first.db_url,
                        env={"SLOTD_SECRET_KEY_FILE": env["SLOTD_SECRET_KEY_FILE"]}).start()
        servers.append(second)
        w2 = World(t=Api(second.base, w.t.key), pid=w.pid, sid=w.sid)
        Clock(w2.t, iso(epoch(NOW) + 10))
        assert w2.t.post(w2.cal_path(cal["id"]) + "/sync").status_code == 202
        c = wait_cal(w2, cal["id"], lambda c: c["last_error"] is not None, "refused")
        assert c["last_synced_at"] == cal["last_synced_at"]
        assert "loopback" in c["last_error"], c
        assert_blocked(w2, {"2026-03-10": TEN})
        assert len(ics_srv.on(path)) == fetched
        assert second.stop() == 0
        # Another key.
        (tmp_path / "other").mkdir()
        third = Server(slotd_bin, None, d, db_url=first.db_url,
                       env=env_for(tmp_path / "other")).start()
        servers.append(third)
        w3 = World(t=Api(third.base, w.t.key), pid=w.pid, sid=w.sid)
        Clock(w3.t, iso(epoch(NOW) + 20))
        assert w3.t.post(w3.cal_path(cal["id"]) + "/sync").status_code == 202
        c3 = wait_cal(w3, cal["id"], lambda x: x["last_error"] not in (None, c["last_error"]),
                      "failed to open its secrets")
        assert c3["last_synced_at"] == cal["last_synced_at"]
        assert "key" in c3["last_error"], c3
        assert_blocked(w3, {"2026-03-10": TEN})
        assert len(ics_srv.on(path)) == fetched
        assert third.stop() == 0
    finally:
        for srv_ in servers:
            srv_.kill()
        first.drop_db()


# === reading an iCalendar address ==============================================================

def test_one_off_event_blocks_exactly_the_overlapping_starts(w, ics_srv):
    doc = ics(vevent("DTSTART:20260310T090000Z", "DTEND:20260310T100000Z"))
    assert_blocked(w, {})
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert (cal["events"], cal["busy_intervals"]) == (1, 1)
    assert epoch(cal["last_synced_at"]) == epoch(cal["last_attempt_at"])
    assert epoch(cal["next_sync_at"]) == epoch(cal["last_attempt_at"]) + 5 * 60
    # 10:00-11:00 Berlin: 09:00 ends as it starts and 11:00 starts as it ends.
    assert_blocked(w, {"2026-03-10": TEN})
    [ev] = events_of(w.t, "calendar.synced")
    assert ev["subject_id"] == cal["id"]
    assert ev["actor"]["type"] == "system" and ev["actor"]["id"] == "calendar-sync"
    assert ev["payload"] == {"calendar_id": cal["id"], "provider_id": w.pid, "name": "Private",
                             "kind": "ics", "busy_intervals": 1, "events": 1}


def test_weekly_series_with_exdate_and_a_moved_occurrence(w, ics_srv):
    uid = "series-1@example.com"
    doc = ics(
        busy(BER, "2026-03-09", "12:00", "13:00",
             "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8",
             zoned("EXDATE", BER, "2026-03-11", "12:00"), uid=uid),
        vevent(zoned("RECURRENCE-ID", BER, "2026-03-16", "12:00"),
               *span(BER, "2026-03-16", "15:00", "16:00"), uid=uid))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 2                       # the master and its override
    noon = {"11:30", "12:00", "12:30"}
    assert_blocked(w, {
        "2026-03-09": noon,
        # 11 March: EXDATE
        "2026-03-16": {"14:30", "15:00", "15:30"},      # moved: noon free again
        "2026-03-18": noon, "2026-03-23": noon, "2026-03-25": noon,
        # Berlin's summer time from 29 March: still noon local
        "2026-03-30": noon, "2026-04-01": noon,
        # COUNT=8 ends there: 6 April free
    })


def test_rule_shapes_and_series_that_began_long_ago(w, ics_srv):
    """Series whose first occurrence lies years before the window, with COUNT, UNTIL,
    INTERVAL, monthly by (negative) weekday or day, yearly. The expected starts were worked
    out with python-dateutil's rrule."""
    def series(dtstart, rule, hm_end):
        day = f"{dtstart[:4]}-{dtstart[4:6]}-{dtstart[6:8]}"
        hm = f"{dtstart[9:11]}:{dtstart[11:13]}"
        return busy(BER, day, hm, hm_end, f"RRULE:{rule}")
    doc = ics(series("20190107T090000", "FREQ=WEEKLY;BYDAY=MO", "10:00"),
              series("20251201T110000", "FREQ=WEEKLY;COUNT=16", "12:00"),
              series("20250610T130000", "FREQ=MONTHLY;BYDAY=2TU", "14:00"),
              series("20250131T150000", "FREQ=MONTHLY;BYMONTHDAY=-1", "16:00"),
              series("20250131T100000", "FREQ=MONTHLY;BYDAY=-1FR", "11:00"),
              series("20260113T140000", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=13", "15:00"),
              series("20200318T160000", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=18", "17:00"),
              series("20250107T160000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "17:00"),
              series("20260301T120000", "FREQ=DAILY;INTERVAL=3;UNTIL=20260315T110000Z",
                     "13:00"))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 9
    assert_blocked(w, {
        "2026-03-09": {"09:00", "09:30", "10:30", "11:00", "11:30"},
        "2026-03-10": {"11:30", "12:00", "12:30", "13:00", "13:30"},
        "2026-03-13": {"11:30", "12:00", "12:30", "13:30", "14:00", "14:30"},
        "2026-03-16": {"09:00", "09:30", "10:30", "11:00", "11:30"},
        "2026-03-17": {"15:30", "16:00"},
        "2026-03-18": {"15:30", "16:00"},
        "2026-03-19": {"15:30", "16:00"},
        "2026-03-23": {"09:00", "09:30"},
        "2026-03-27": {"09:30", "10:00", "10:30"},
        "2026-03-30": {"09:00", "09:30"},
        "2026-03-31": {"14:30", "15:00", "15:30", "16:00"},
        "2026-04-02": {"15:30", "16:00"},
        "2026-04-06": {"09:00", "09:30"},
    })


def test_rule_shapes_with_bysetpos_and_yearly_rules(w, ics_srv):
    """BYSETPOS (positive, negative, several), yearly rules by month and weekday or month
    day, and bare yearly dates (29 February only in leap years). Worked out with
    python-dateutil's rrule."""
    def series(dtstart, rule):
        day = f"{dtstart[:4]}-{dtstart[4:6]}-{dtstart[6:8]}"
        hm = f"{dtstart[9:11]}:{dtstart[11:13]}"
        end = f"{int(dtstart[9:11]) + 1:02d}:{dtstart[11:13]}"
        return busy(BER, day, hm, end, f"RRULE:{rule}")
    doc = ics(series("20250131T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
              series("20250121T110000", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3"),
              series("20200330T130000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1MO"),
              series("20200229T150000", "FREQ=YEARLY"),
              series("20240312T150000", "FREQ=YEARLY"),
              series("20250303T100000", "FREQ=MONTHLY;BYDAY=MO,WE;BYSETPOS=2,-1"),
              series("20250101T120000", "FREQ=YEARLY;BYMONTH=3,4;BYMONTHDAY=19,2"))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 7
    assert_blocked(w, {
        "2026-03-12": {"14:30", "15:00", "15:30"},
        "2026-03-17": {"10:30", "11:00", "11:30"},
        "2026-03-19": {"11:30", "12:00", "12:30"},
        "2026-03-30": {"09:30", "10:00", "10:30", "12:30", "13:00", "13:30"},
        "2026-03-31": {"09:00", "09:30"},
        "2026-04-02": {"11:30", "12:00", "12:30"},
        "2026-04-06": {"09:30", "10:00", "10:30"},
    })


def test_documents_as_servers_write_them(w, ics_srv):
    """LF line ends and a byte order mark, folded lines, a quoted TZID, a prefixed one,
    overlapping events (stored merged) and an event over a weekend."""
    long_summary = "A private appointment " * 8
    doc = ics(
        busy(BER, "2026-03-10", "10:00", "11:00", summary=long_summary),
        busy(BER, "2026-03-10", "10:30", "12:00"),
        vevent('DTSTART;TZID="Europe/Berlin":20260311T100000',
               'DTEND;TZID="Europe/Berlin":20260311T110000'),
        busy("/freeassociation.sourceforge.net/Europe/Berlin", "2026-03-12", "10:00", "11:00"),
        # Friday 15:00 to Monday 10:00.
        vevent(zoned("DTSTART", BER, "2026-03-13", "15:00"),
               zoned("DTEND", BER, "2026-03-16", "10:00")),
        # An override before its master, and alarms inside events.
        vevent(zoned("RECURRENCE-ID", BER, "2026-03-18", "13:00"),
               *span(BER, "2026-03-18", "16:00", "17:00"), uid="early@example.com"),
        busy(BER, "2026-03-17", "13:00", "14:00", "RRULE:FREQ=DAILY;COUNT=3",
             "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
             "TRIGGER:-PT15M", "END:VALARM", uid="early@example.com"))
    folded = []
    for line in doc.split("\r\n"):
        while len(line.encode()) > 75:
            folded.append(line[:75])
            line = " " + line[75:]
        folded.append(line)
    text = "\ufeff" + "\n".join(folded)
    cal, _ = ics_calendar(w, ics_srv, text)
    assert cal["events"] == 7
    one = {"12:30", "13:00", "13:30"}
    assert_blocked(w, {"2026-03-10": {"09:30", "10:00", "10:30", "11:00", "11:30"},
                       "2026-03-11": TEN, "2026-03-12": TEN,
                       "2026-03-13": {"14:30", "15:00", "15:30", "16:00"},
                       "2026-03-16": {"09:00", "09:30"},
                       "2026-03-17": one, "2026-03-18": {"15:30", "16:00"},
                       "2026-03-19": one})


def test_text_that_is_not_utf8_does_not_lose_the_event(w, ics_srv):
    """A server that writes Windows-1252 (é as one byte 0xE9): the event still counts."""
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00", summary="Caf\u00e9 with Ren\u00e9"))
    cal, _ = ics_calendar(w, ics_srv, doc.encode("cp1252"))
    assert cal["events"] == 1
    assert_blocked(w, {"2026-03-10": TEN})
    assert "\ufffd" not in json.dumps(get_cal(w, cal["id"]))


def test_busy_intervals_counts_merged_intervals(w, ics_srv):
    """busy_intervals is the number of merged intervals: overlapping events are one, and an
    event over a weekend (67 hours) is one however it is stored."""
    cal, path = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00"),
                                             busy(BER, "2026-03-10", "10:30", "12:00")))
    assert (cal["events"], cal["busy_intervals"]) == (2, 1), cal
    ics_srv.serve(path, ics(vevent(zoned("DTSTART", BER, "2026-03-13", "15:00"),
                                   zoned("DTEND", BER, "2026-03-16", "10:00"))))
    cal = sync_now(w, cal)
    assert cal["last_error"] is None
    assert (cal["events"], cal["busy_intervals"]) == (1, 1), cal


def test_a_rule_with_endless_occurrences_is_bounded(w, ics_srv):
    """A series every second of every night for the whole window (1.4 million
    occurrences): the sync ends in bounded time and slot queries keep answering. Either the
    document is refused (an error, nothing read) or the other events are read whole: never
    a document read in part without a word."""
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00"),
              busy(BER, "2026-01-01", "02:00", "02:01", "RRULE:FREQ=SECONDLY;BYHOUR=2"),
              busy(BER, "2026-03-11", "10:00", "11:00"))
    path, _ = secret_path("secondly")
    ics_srv.serve(path, doc)
    t = time.monotonic()
    cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Secondly"))
    assert time.monotonic() - t < SYNC_TIMEOUT
    t = time.monotonic()
    blocked = blocked_by_day(w)
    assert time.monotonic() - t < 2.0
    if cal["last_error"] is None:
        assert blocked == {"2026-03-10": TEN, "2026-03-11": TEN}, (cal, blocked)
    else:
        assert blocked == {}, (cal, blocked)
    # And the same document reads the same way each time.
    seen = [(cal["last_error"], cal["events"], cal["busy_intervals"])]
    for _ in range(2):
        ics_srv.serve(path, doc, etag=None, last_modified=None)
        c = sync_now(w, cal)
        seen.append((c["last_error"], c["events"], c["busy_intervals"]))
    assert len(set(seen)) == 1, seen


def test_week_start_of_a_fortnightly_rule(srv, clock, ics_srv):
    """FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU from Tuesday 3 March: which Sundays belong to it
    depends on WKST (RFC 5545's own example). A provider working every day of the week; the
    dates were worked out with python-dateutil."""
    t = srv.tenant()
    every = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    tue_sun = {}
    for wkst in ("SU", "MO"):
        p = t.provider(f"Weekend {wkst}", BER)
        t.schedule(p["id"], weekdays([("09:00", "17:00")], days=every))
        sid = t.service([p["id"]], "Consult", 60, slot_step_minutes=30)["id"]
        w = World(t=t, pid=p["id"], sid=sid, server=srv, tz=BER, clock=clock)
        ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-03", "10:00", "11:00",
                                          f"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;"
                                          f"WKST={wkst}")), name=f"WKST {wkst}")
        got = t.slots(sid, w.pid, "2026-03-02", "2026-04-10", now=NOW)
        free = collections.defaultdict(set)
        for x in got:
            free[x["start"][:10]].add(x["start"][11:16])
        d, tue_sun[wkst] = date(2026, 3, 2), []
        while d <= date(2026, 4, 10):
            if TEN & (set(ALL) - free[d.isoformat()]):
                tue_sun[wkst].append(d.strftime("%m-%d %a"))
            d += timedelta(days=1)
    assert tue_sun == {
        "SU": ["03-03 Tue", "03-15 Sun", "03-17 Tue", "03-29 Sun", "03-31 Tue"],
        "MO": ["03-03 Tue", "03-08 Sun", "03-17 Tue", "03-22 Sun", "03-31 Tue", "04-05 Sun"]}


def test_rdate_and_duration(w, ics_srv):
    doc = ics(vevent(zoned("DTSTART", BER, "2026-03-10", "09:00"), "DURATION:PT90M",
                     "RDATE;TZID=Europe/Berlin:20260317T090000,20260324T140000"))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 1
    # 09:00-10:30 removes 09:00, 09:30 and 10:00; 14:00-15:30 removes 13:30 to 15:00.
    morning = {"09:00", "09:30", "10:00"}
    assert_blocked(w, {"2026-03-10": morning, "2026-03-17": morning,
                       "2026-03-24": {"13:30", "14:00", "14:30", "15:00"}})


def test_exdate_lists_and_overrides_named_in_utc(w, ics_srv):
    """EXDATE with several values (as Apple writes it) and in UTC, and a RECURRENCE-ID
    given in UTC for a series in Berlin time: matched by the instant they name."""
    uid = "daily-berlin@example.com"
    doc = ics(busy(BER, "2026-03-09", "10:00", "11:00", "RRULE:FREQ=DAILY;COUNT=5",
                   "EXDATE;TZID=Europe/Berlin:20260310T100000,20260311T100000",
                   "EXDATE:20260312T090000Z", uid=uid),
              vevent("RECURRENCE-ID:20260313T090000Z",
                     *span(BER, "2026-03-13", "14:00", "15:00"), uid=uid))
    ics_calendar(w, ics_srv, doc)
    assert_blocked(w, {"2026-03-09": TEN, "2026-03-13": {"13:30", "14:00", "14:30"}})


def test_all_day_events_are_whole_local_days_of_the_provider(srv, clock, ics_srv):
    """In Auckland (+13:00) the UTC day of 12 March is 13:00 on the 12th to 13:00 on the
    13th: the provider's own day is blocked instead."""
    w = make_world(srv, tz="Pacific/Auckland", clock=clock)
    doc = ics(vevent("DTSTART;VALUE=DATE:20260312", "DTEND;VALUE=DATE:20260313"),
              vevent("DTSTART;VALUE=DATE:20260316", "DTEND;VALUE=DATE:20260318"),
              # No DTEND: one day (RFC 5545 3.6.1).
              vevent("DTSTART;VALUE=DATE:20260320"),
              # Wednesdays off, but for one.
              vevent("DTSTART;VALUE=DATE:20260318", "DTEND;VALUE=DATE:20260319",
                     "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;VALUE=DATE:20260325"))
    ics_calendar(w, ics_srv, doc)
    assert_blocked(w, {"2026-03-12": set(ALL), "2026-03-16": set(ALL),
                       "2026-03-17": set(ALL), "2026-03-20": set(ALL),
                       "2026-03-18": set(ALL), "2026-04-01": set(ALL)})


def test_other_zones_and_floating_times(w, ics_srv):
    doc = ics(
        # 05:00 in New York (EDT since 8 March) is 10:00 in Berlin (still CET).
        busy(NY, "2026-03-10", "05:00", "06:00"),
        # UTC
        vevent("DTSTART:20260311T130000Z", "DTEND:20260311T140000Z"),
        # Floating: the provider's own zone.
        vevent("DTSTART:20260312T150000", "DTEND:20260312T160000"),
        # Asia/Kathmandu is +05:45: 16:15 there is 11:30 in Berlin.
        busy("Asia/Kathmandu", "2026-03-13", "16:15", "17:15"))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 4
    assert_blocked(w, {"2026-03-10": TEN,
                       "2026-03-11": {"13:30", "14:00", "14:30"},
                       "2026-03-12": {"14:30", "15:00", "15:30"},
                       "2026-03-13": {"11:00", "11:30", "12:00"}})


def test_series_across_summer_time_changes(w, ics_srv):
    """05:00 every Tuesday in New York: 11:00 in Berlin before 8 March (EST), 10:00 while
    only New York is on summer time, 11:00 again once Berlin is too (29 March)."""
    ics_calendar(w, ics_srv, ics(busy(NY, "2026-03-03", "05:00", "06:00",
                                      "RRULE:FREQ=WEEKLY;BYDAY=TU"), head=VTZ_NY))
    eleven = {"10:30", "11:00", "11:30"}
    assert_blocked(w, {"2026-03-03": eleven, "2026-03-10": TEN, "2026-03-17": TEN,
                       "2026-03-24": TEN, "2026-03-31": eleven, "2026-04-07": eleven},
                   frm="2026-03-02")


def test_utc_and_floating_series_across_summer_time(w, ics_srv):
    """A series in UTC keeps its UTC time (noon in Berlin in winter, 13:00 in summer); a
    floating series keeps the provider's wall time (15:00 on both sides)."""
    doc = ics(vevent("DTSTART:20260326T110000Z", "DTEND:20260326T120000Z",
                     "RRULE:FREQ=DAILY;COUNT=6", "EXDATE:20260327T110000Z"),
              vevent("DTSTART:20260326T150000", "DTEND:20260326T160000",
                     "RRULE:FREQ=DAILY;UNTIL=20260331T150000"))
    ics_calendar(w, ics_srv, doc)
    three = {"14:30", "15:00", "15:30"}
    assert_blocked(w, {"2026-03-26": {"11:30", "12:00", "12:30"} | three,
                       "2026-03-27": three,
                       "2026-03-30": {"12:30", "13:00", "13:30"} | three,
                       "2026-03-31": {"12:30", "13:00", "13:30"} | three})


def test_all_day_on_the_day_summer_time_begins(srv, clock, ics_srv):
    """Sunday 29 March 2026 has 23 hours in Berlin: an all-day event blocks all of it and
    not the first hour of Monday. The provider works around the clock."""
    t = srv.tenant()
    p = t.provider("Night owl", BER)
    every = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    t.schedule(p["id"], weekdays([("00:00", "24:00")], days=every))
    sid = t.service([p["id"]], "Consult", 60, slot_step_minutes=60)["id"]
    w = World(t=t, pid=p["id"], sid=sid, server=srv, tz=BER, clock=clock)
    before = w.t.slots(sid, w.pid, "2026-03-28", "2026-03-30", now=NOW)
    ics_calendar(w, ics_srv, ics(vevent("DTSTART;VALUE=DATE:20260329",
                                        "DTEND;VALUE=DATE:20260330")))
    after = w.t.slots(sid, w.pid, "2026-03-28", "2026-03-30", now=NOW)
    gone = sorted({x["start"] for x in before} - {x["start"] for x in after})
    assert len([x for x in before if x["start"].startswith("2026-03-29")]) == 23
    assert gone == sorted(x["start"] for x in before if x["start"].startswith("2026-03-29"))


def test_transparent_and_cancelled_events_do_not_block(w, ics_srv):
    uid = "daily@example.com"
    doc = ics(
        busy(BER, "2026-03-10", "10:00", "11:00", "TRANSP:TRANSPARENT"),
        busy(BER, "2026-03-10", "13:00", "14:00", "STATUS:CANCELLED"),
        busy(BER, "2026-03-10", "15:00", "16:00", "TRANSP:OPAQUE", "STATUS:CONFIRMED"),
        # A daily series one of whose occurrences is cancelled.
        busy(BER, "2026-03-11", "09:00", "10:00", "RRULE:FREQ=DAILY;COUNT=3", uid=uid),
        vevent(zoned("RECURRENCE-ID", BER, "2026-03-12", "09:00"),
               *span(BER, "2026-03-12", "09:00", "10:00"), "STATUS:CANCELLED", uid=uid))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["events"] == 2           # the opaque one and the series' master
    nine = {"09:00", "09:30"}
    assert_blocked(w, {"2026-03-10": {"14:30", "15:00", "15:30"},
                       "2026-03-11": nine, "2026-03-13": nine})


def test_service_buffers_widen_what_is_blocked(w, ics_srv):
    buffered = w.t.service([w.pid], "Surgery", 60, slot_step_minutes=30,
                           buffer_before_minutes=30, buffer_after_minutes=30)["id"]
    ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "12:00", "13:00")))
    assert_blocked(w, {"2026-03-10": {"11:30", "12:00", "12:30"}})
    # [start - 30 min, start + 90 min) may not overlap 12:00-13:00: 10:30 and 13:30 touch it.
    assert_blocked(w, {"2026-03-10": {"11:00", "11:30", "12:00", "12:30", "13:00"}},
                   sid=buffered)


def test_explain_and_booking_name_the_calendar_never_the_event(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00", f"ATTENDEE;CN=Partner:{SECRET_ATTENDEE}",
                   "DESCRIPTION:bring the insurance card", "LOCATION:Dental clinic Mitte"))
    cal, _ = ics_calendar(w, ics_srv, doc, name="Personal (Google)")
    leaks = (SECRET_SUMMARY, "partner-of-provider", "insurance card", "Dental clinic")
    start = "2026-03-10T10:00:00+01:00"
    cust = make_key(w, "customer")
    for api in (w.t, cust):
        r = api.get("/v1/slots/explain", now=NOW, params={"service_id": w.sid,
                                                          "provider_id": w.pid,
                                                          "start": start})
        assert r.status_code == 200, r.text
        x = r.json()
        assert x["bookable"] is False
        assert x["reasons"] == [{"code": "external_busy", "calendar": "Personal (Google)"}], x
        for leak in leaks:
            assert leak not in r.text
        r = api.get("/v1/slots", now=NOW, params={"service_id": w.sid, "provider_id": w.pid,
                                                  "from": "2026-03-10", "to": "2026-03-10"})
        for leak in leaks:
            assert leak not in r.text
    # 09:00 ends as the event starts: bookable.
    assert w.t.explain(w.sid, w.pid, "2026-03-10T09:00:00+01:00", now=NOW)["bookable"] is True
    # A booking over it is refused with the same reason, and nothing is booked.
    for api in (w.t, cust):
        r = booking_helpers.book(api, w.sid, start, w.pid, now=NOW)
        p = unavailable(r, "external_busy")
        assert {"code": "external_busy", "calendar": "Personal (Google)"} in p["reasons"]
        for leak in leaks:
            assert leak not in r.text
    assert w.t.list_all("/v1/bookings") == []
    booked(w.t, w.sid, "2026-03-10T09:00:00+01:00", w.pid, now=NOW)
    # The calendar view shows the busy time under the calendar's name.
    view = w.t.ok("GET", "/v1/calendar", params={"from": "2026-03-10", "to": "2026-03-10",
                                                  "provider_ids": w.pid, "timezone": BER})
    ext = [i for i in view["items"] if i["kind"] == "external_busy"]
    assert [(i["start"], i["end"], i["calendar_id"], i["calendar"]) for i in ext] == \
        [("2026-03-10T10:00:00+01:00", "2026-03-10T11:00:00+01:00", cal["id"],
          "Personal (Google)")], view
    # The calendar, its events and the view never carry the event's details.
    text = json.dumps([get_cal(w, cal["id"]), events_of(w.t, "calendar."), view])
    for leak in leaks:
        assert leak not in text
    # Nor does the database hold them.
    raw = db_bytes(w.server)
    for leak in leaks:
        assert leak.encode() not in raw, f"{leak!r} is in the database"


def test_every_way_to_a_start_honours_the_busy_time(w, ics_srv):
    """Slots with and without a provider, the public page, holds, bookings to "any
    provider", reschedules and group services all see the calendar's busy time."""
    two = w.t.provider("Dr Two", BER)["id"]
    w.t.schedule(two, weekdays([("09:00", "17:00")]))
    both = w.t.service([w.pid, two], "Both", 60, slot_step_minutes=30, public=True)["id"]
    group = w.t.service([w.pid], "Group", 60, slot_step_minutes=30, capacity=3)["id"]
    ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    ten = "2026-03-10T10:00:00+01:00"
    day = {"from": "2026-03-10", "to": "2026-03-10"}

    def starts(path, api=w.t, **params):
        r = api.get(path, now=NOW, params={**day, **params})
        assert r.status_code == 200, r.text
        return [(x["start"], x.get("provider_id")) for x in r.json()["slots"]]

    assert ten not in [x for x, _ in starts("/v1/slots", service_id=both, provider_id=w.pid)]
    assert ten in [x for x, _ in starts("/v1/slots", service_id=both, provider_id=two)]
    assert ten in [x for x, _ in starts("/v1/slots", service_id=both)]
    assert ten not in [x for x, _ in starts("/v1/slots", service_id=group)]
    anon = Api(w.t.base, None)
    pub = f"/v1/public/{w.t.slug}/slots"
    assert ten not in [x for x, _ in starts(pub, anon, service_id=both, provider_id=w.pid)]
    assert ten in [x for x, _ in starts(pub, anon, service_id=both, provider_id=two)]
    # Taking it: refused for the busy provider, elsewhere for "any".
    for r in (w.t.post("/v1/holds", {"service_id": both, "provider_id": w.pid, "start": ten},
                       now=NOW),
              booking_helpers.book(w.t, group, ten, w.pid, now=NOW),
              anon.post(f"/v1/public/{w.t.slug}/bookings",
                        {"service_id": both, "provider_id": w.pid, "start": ten,
                         "customer": booking_helpers.CUSTOMER}, now=NOW,
                        headers={"Idempotency-Key": booking_helpers.new_key()})):
        assert r.status_code in (409, 422), r.text
        assert "external_busy" in r.text, r.text
    anyone = booked(w.t, both, ten, now=NOW)
    assert anyone["provider_id"] == two
    b = booked(w.t, both, "2026-03-10T14:00:00+01:00", w.pid, now=NOW)
    r = booking_helpers.act(w.t, b["id"], "reschedule", {"start": ten}, now=NOW)
    unavailable(r, "external_busy")
    assert booking_helpers.get(w.t, b["id"])["start"] == "2026-03-10T14:00:00+01:00"


def test_outlook_windows_zone_names(w, ics_srv):
    doc = ics(
        busy("W. Europe Standard Time", "2026-03-10", "10:00", "11:00",
             "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"),
        busy("Eastern Standard Time", "2026-03-11", "05:00", "06:00",
             "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"),
        # A Windows name with no VTIMEZONE of its own in the file.
        busy("Pacific Standard Time", "2026-03-12", "02:00", "03:00"),
        # Weekly across Berlin's change to summer time (29 March).
        busy("W. Europe Standard Time", "2026-03-25", "14:00", "15:00",
             "RRULE:FREQ=WEEKLY;COUNT=2;BYDAY=WE"),
        # A zone Outlook could not name: only its VTIMEZONE says it is +05:30.
        busy("Customized Time Zone", "2026-03-13", "14:30", "15:30"),
        head=["METHOD:PUBLISH", "X-WR-CALNAME:Calendar", *VTZ_W_EUROPE, *VTZ_EASTERN,
              *VTZ_CUSTOM],
        prodid="-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    cal, _ = ics_calendar(w, ics_srv, doc, name="Outlook")
    two = {"13:30", "14:00", "14:30"}
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-11": TEN, "2026-03-12": TEN,
                       "2026-03-13": TEN, "2026-03-25": two, "2026-04-01": two})


def test_outlook_com_zone_identifiers(w, ics_srv):
    """outlook.live.com publishes "tzone://Microsoft/Custom" (quoted) with a VTIMEZONE of
    that name, and events from other Microsoft services carry "tzone://Microsoft/Utc" with
    no VTIMEZONE at all: UTC, not the provider's zone."""
    vtz = [line.replace("TZID:W. Europe Standard Time", "TZID:tzone://Microsoft/Custom")
           for line in VTZ_W_EUROPE]
    doc = ics(vevent('DTSTART;TZID="tzone://Microsoft/Custom":20260310T100000',
                     'DTEND;TZID="tzone://Microsoft/Custom":20260310T110000'),
              vevent('DTSTART;TZID=tzone://Microsoft/Utc:20260311T090000',
                     'DTEND;TZID=tzone://Microsoft/Utc:20260311T100000'),
              head=["METHOD:PUBLISH", *vtz], prodid="Microsoft Exchange Server 2010")
    ics_calendar(w, ics_srv, doc, name="Outlook.com")
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-11": TEN})


def pad_to(doc, size):
    """doc with X- property lines inserted before END:VCALENDAR up to size bytes."""
    line = "X-PADDING:" + "x" * 68 + "\r\n"
    tail = "END:VCALENDAR\r\n"
    head = doc[:-len(tail)]
    n = (size - len(doc)) // len(line)
    out = head + line * n
    out += "X-PAD:" + "y" * max(0, size - len(out) - len(tail) - 8) + "\r\n" + tail
    return out


def test_size_limit_of_5_mb(w, ics_srv):
    path, _ = secret_path("big")
    ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Big"))
    assert_blocked(w, {"2026-03-10": TEN})
    # Just under 5 MB (either meaning): read.
    under = pad_to(ics(busy(BER, "2026-03-11", "10:00", "11:00")), 4_900_000)
    assert 4_800_000 < len(under.encode()) < 5_000_000
    ics_srv.serve(path, under)
    cal = sync_now(w, cal)
    assert cal["last_error"] is None, cal
    assert_blocked(w, {"2026-03-11": TEN})
    # Over 5 MB: refused, the last good busy time kept.
    over = pad_to(ics(busy(BER, "2026-03-12", "10:00", "11:00")), 5 * 1024 * 1024 + 100_000)
    ics_srv.serve(path, over)
    good_at = cal["last_synced_at"]
    cal = sync_now(w, cal)
    assert cal["last_error"] is not None and "5 MB" in cal["last_error"], cal
    assert cal["last_synced_at"] == good_at
    assert_blocked(w, {"2026-03-11": TEN})
    [ev] = [e for e in events_of(w.t, "calendar.sync_failed") if e["subject_id"] == cal["id"]]
    assert "5 MB" in ev["payload"]["error"]


def peak_rss_mb(server, field="VmHWM"):
    """The slotd process's peak resident memory (VmHWM; or, with field="VmRSS", its resident
    memory now), in MB."""
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no " + field)


def reset_peak_rss(server):
    """Starts the process's VmHWM afresh from its resident memory now (Linux clear_refs 5), so
    a later peak_rss_mb measures one step rather than the whole module's run, the same with
    or without AddressSanitizer's own overhead."""
    Path(f"/proc/{server.proc.pid}/clear_refs").write_text("5")


def test_compressed_answers_and_the_limit_after_decompression(w, ics_srv):
    """slotd accepts gzip: a compressed calendar is read, and the 5 MB limit counts the
    decompressed text, so 200 kB that unpack to 60 MB are refused without the memory."""
    cal, path = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    ics_srv.serve(path, ics(busy(BER, "2026-03-11", "10:00", "11:00")), gzipped=True)
    cal = sync_now(w, cal)
    assert cal["last_error"] is None, cal
    assert_blocked(w, {"2026-03-11": TEN})
    bomb = pad_to(ics(busy(BER, "2026-03-12", "10:00", "11:00")), 60_000_000)
    ics_srv.serve(path, bomb, gzipped=True)
    assert len(ics_srv.docs[path].body) < 1_000_000
    reset_peak_rss(w.server)
    before = peak_rss_mb(w.server, "VmRSS")
    cal = sync_now(w, cal)
    assert cal["last_error"] and "5 MB" in cal["last_error"], cal
    assert_blocked(w, {"2026-03-11": TEN})
    # Reading stops at 5 MB of text: nowhere near the 60 MB it would unpack to.
    grew = peak_rss_mb(w.server) - before
    assert grew < 40, grew


def test_slot_queries_do_not_wait_for_a_big_sync(w, ics_srv):
    """20,000 events (about 4 MB) read and stored while slot queries keep answering."""
    start = datetime(2026, 3, 2, tzinfo=timezone.utc)
    evs = []
    for i in range(20_000):
        t = start + timedelta(minutes=25 * i)
        if t.date() == date(2026, 3, 10):
            continue                                # one day left free
        evs.append(vevent("DTSTART:" + t.strftime("%Y%m%dT%H%M%SZ"),
                          "DTEND:" + (t + timedelta(minutes=5)).strftime("%Y%m%dT%H%M%SZ"),
                          uid=f"bulk-{i}@example.com"))
    doc = ics(*evs)
    assert 3_000_000 < len(doc) < 5_000_000
    path, _ = secret_path("bulk")
    ics_srv.serve(path, doc)
    cal = create(w, kind="ics", url=ics_srv.url(path), name="Bulk")
    worst, polled = 0.0, 0
    while True:
        t0 = time.monotonic()
        free_by_day(w, "2026-03-10", "2026-03-10")
        worst = max(worst, time.monotonic() - t0)
        polled += 1
        c = get_cal(w, cal["id"])
        if c["last_attempt_at"] is not None:
            break
        assert polled < 1000, c
    assert worst < 1.5, worst
    assert c["last_error"] is None and c["events"] == len(evs), c
    assert_blocked(w, {}, "2026-03-10", "2026-03-10")
    # Every 25 minutes busy for 5: no hour-long start is free on the 11th.
    assert free_by_day(w, "2026-03-11", "2026-03-11") == {"2026-03-11": []}


def test_malformed_or_failing_calendar_keeps_the_last_good_busy_time(w, ics_srv):
    path, token = secret_path("flaky")
    ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Flaky"))
    assert cal["last_error"] is None
    good_at = cal["last_synced_at"]
    ics_srv.serve(path, "<html><body>Sign in to see this calendar</body></html>",
                  content_type="text/html")
    cal = sync_now(w, cal)
    assert cal["last_error"], cal
    assert cal["last_synced_at"] == good_at
    assert (cal["events"], cal["busy_intervals"]) == (1, 1)
    assert_blocked(w, {"2026-03-10": TEN})
    [ev] = [e for e in events_of(w.t, "calendar.sync_failed") if e["subject_id"] == cal["id"]]
    assert ev["payload"] == {"calendar_id": cal["id"], "provider_id": w.pid, "name": "Flaky",
                             "kind": "ics", "error": cal["last_error"]}
    assert ev["actor"]["type"] == "system" and ev["actor"]["id"] == "calendar-sync"
    assert token not in json.dumps(ev)
    # The server fails outright: still kept, the error now says so.
    ics_srv.serve(path, "", status=503)
    cal = sync_now(w, cal)
    assert cal["last_error"] and "503" in cal["last_error"], cal
    assert_blocked(w, {"2026-03-10": TEN})
    assert len([e for e in events_of(w.t, "calendar.sync_failed")
                if e["subject_id"] == cal["id"]]) == 2
    # The same failure again is not a new event.
    cal = sync_now(w, cal)
    assert "503" in cal["last_error"]
    assert len([e for e in events_of(w.t, "calendar.sync_failed")
                if e["subject_id"] == cal["id"]]) == 2
    # Good again: the new busy time, no error.
    ics_srv.serve(path, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
    cal = sync_now(w, cal)
    assert cal["last_error"] is None and epoch(cal["last_synced_at"]) > epoch(good_at)
    assert_blocked(w, {"2026-03-11": TEN})


def test_unreachable_and_missing_calendars(w, ics_srv):
    closed = radicale_server.free_port()
    t = time.monotonic()
    a = first_sync(w, create(w, kind="ics", url=f"http://127.0.0.1:{closed}/cal.ics",
                             name="Down"))
    assert time.monotonic() - t < 5
    assert a["last_error"] and a["last_synced_at"] is None, a
    path, _ = secret_path("missing")                 # nothing served there: 404
    b = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Missing"))
    assert b["last_error"] and "404" in b["last_error"], b
    failed = {e["subject_id"] for e in events_of(w.t, "calendar.sync_failed")}
    assert failed == {a["id"], b["id"]}


def test_304_on_the_second_fetch(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00"))
    cal, path = ics_calendar(w, ics_srv, doc)
    first_req = ics_srv.on(path)[0]
    assert "if-none-match" not in first_req.headers
    synced_before = len(events_of(w.t, "calendar.synced"))
    cal2 = sync_now(w, cal)
    reqs = ics_srv.wait_done(path, 2)
    second = reqs[1]
    assert second.headers.get("if-none-match") == ics_srv.docs[path].etag
    assert second.headers.get("if-modified-since") == \
        formatdate(ics_srv.docs[path].last_modified, usegmt=True)
    assert second.status == 304
    assert cal2["last_error"] is None
    assert epoch(cal2["last_synced_at"]) > epoch(cal["last_synced_at"])
    assert (cal2["events"], cal2["busy_intervals"]) == (1, 1)
    assert_blocked(w, {"2026-03-10": TEN})
    # Nothing changed: no calendar.synced.
    assert len(events_of(w.t, "calendar.synced")) == synced_before
    # A new document: fetched whole (the old ETag sent, a 200 back), the new busy time.
    ics_srv.serve(path, ics(busy(BER, "2026-03-12", "10:00", "11:00")))
    sync_now(w, cal)
    third = ics_srv.wait_done(path, 3)[2]
    assert third.status == 200
    assert_blocked(w, {"2026-03-12": TEN})
    # A server with Last-Modified only: If-Modified-Since brings the 304.
    path2, _ = secret_path("lastmod")
    ics_srv.serve(path2, doc, etag=None, last_modified=1772000000)
    c = first_sync(w, create(w, kind="ics", url=ics_srv.url(path2), name="LM"))
    c2 = sync_now(w, c)
    r2 = ics_srv.wait_done(path2, 2)[1]
    assert "if-none-match" not in r2.headers
    assert r2.headers.get("if-modified-since") == formatdate(1772000000, usegmt=True)
    assert r2.status == 304
    assert c2["last_error"] is None and epoch(c2["last_synced_at"]) > epoch(c["last_synced_at"])
    # A server with no validators at all: the same document again changes nothing.
    path3, _ = secret_path("plain")
    ics_srv.serve(path3, doc, etag=None, last_modified=None)
    c = first_sync(w, create(w, kind="ics", url=ics_srv.url(path3), name="Plain"))
    n = len([e for e in events_of(w.t, "calendar.synced") if e["subject_id"] == c["id"]])
    c2 = sync_now(w, c)
    assert ics_srv.wait_done(path3, 2)[1].status == 200
    assert c2["last_error"] is None and epoch(c2["last_synced_at"]) > epoch(c["last_synced_at"])
    assert len([e for e in events_of(w.t, "calendar.synced")
                if e["subject_id"] == c["id"]]) == n


def test_changing_the_url_fetches_the_new_one_at_once_without_old_validators(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00"))
    cal, path = ics_calendar(w, ics_srv, doc)
    new_path, token = secret_path("moved")
    ics_srv.serve(new_path, doc)            # the same document, so the same ETag
    w.clock.tick()
    p = w.t.ok("PATCH", w.cal_path(cal["id"]), {"url": ics_srv.url(new_path)})
    assert token not in json.dumps(p)
    [req] = ics_srv.wait(lambda q: len(q) >= 1, path=new_path)
    assert "if-none-match" not in req.headers and "if-modified-since" not in req.headers
    assert token not in json.dumps(events_of(w.t, "calendar."))


def test_redirects_are_not_followed(w, ics_srv):
    target, _ = secret_path("target")
    ics_srv.serve(target, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    path, _ = secret_path("moved")
    ics_srv.serve(path, "", status=302, headers={"Location": ics_srv.url(target)})
    cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Moved"))
    assert cal["last_error"] and "redirect" in cal["last_error"].lower(), cal
    assert cal["last_synced_at"] is None
    time.sleep(0.3)
    assert ics_srv.on(target) == []
    assert_blocked(w, {})


def test_calendars_are_fetched_on_their_interval(slotd_bin, tmp_path, ics_srv):
    """On a server of its own (the clock moves far): a calendar is fetched again once its
    interval has passed on the server's clock, not before; a changed interval counts from
    the last attempt; a disabled calendar, or one of a removed provider, is not fetched."""
    d = tmp_path / "interval"
    d.mkdir()
    s = _start(slotd_bin, d, env=env_for(d))
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        t0 = w.clock.now
        cal, path = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")),
                                 sync_interval_minutes=2)
        assert epoch(cal["next_sync_at"]) == t0 + 120
        ics_srv.serve(path, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
        w.clock.set(t0 + 119)
        time.sleep(1.5)
        assert len(ics_srv.on(path)) == 1
        w.clock.set(t0 + 120)
        ics_srv.wait_done(path, 2)
        cal = wait_cal(w, cal["id"], lambda c: epoch(c["last_attempt_at"]) == t0 + 120,
                       "fetched on its interval")
        assert epoch(cal["next_sync_at"]) == t0 + 240
        assert_blocked(w, {"2026-03-11": TEN})
        # A shorter interval counts from the last attempt (t0 + 120): due at once here.
        w.clock.set(t0 + 200)
        w.t.ok("PATCH", w.cal_path(cal["id"]), {"sync_interval_minutes": 1})
        ics_srv.wait_done(path, 3)
        cal = wait_cal(w, cal["id"], lambda c: epoch(c["last_attempt_at"]) == t0 + 200,
                       "fetched after a shorter interval")
        # A longer one too (from t0 + 200): not fetched on the old interval.
        p = w.t.ok("PATCH", w.cal_path(cal["id"]), {"sync_interval_minutes": 60})
        assert epoch(p["next_sync_at"]) == t0 + 200 + 3600, p
        w.clock.set(t0 + 1200)
        time.sleep(1.5)
        assert len(ics_srv.on(path)) == 3, "fetched on the old interval"
        w.t.ok("PATCH", w.cal_path(cal["id"]), {"enabled": False})
        # A provider removed: its calendar is not fetched any more either.
        gone = make_world(s)
        gone.clock = w.clock
        gcal, gpath = ics_calendar(gone, ics_srv, ics(busy(BER, "2026-03-10", "10:00",
                                                           "11:00")),
                                   sync_interval_minutes=2)
        gone.t.ok("DELETE", f"/v1/providers/{gone.pid}")
        w.clock.set(t0 + 9000)
        time.sleep(1.5)
        assert len(ics_srv.on(path)) == 3
        assert len(ics_srv.on(gpath)) == 1, "a removed provider's calendar is still fetched"
    finally:
        _stop(s)


def test_https_certificates_are_checked(w, tmp_path):
    """A calendar on https with a self-signed certificate is refused (the certificate is
    verified), and nothing is read."""
    crt, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(crt), "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    tls = IcsServer(tls=(str(crt), str(key))).start()
    try:
        tls.serve("/cal.ics", ics(busy(BER, "2026-03-10", "10:00", "11:00")))
        cal = first_sync(w, create(w, kind="ics", url=tls.url("/cal.ics"), name="TLS"))
        assert cal["last_error"] and cal["last_synced_at"] is None, cal
        assert "certificate" in cal["last_error"].lower() or "ssl" in \
            cal["last_error"].lower() or "tls" in cal["last_error"].lower(), cal
        assert_blocked(w, {})
    finally:
        tls.stop()


def test_the_window_follows_the_servers_clock(slotd_bin, tmp_path, ics_srv, radicale):
    """Busy time is kept from 30 days back to 365 days ahead of the server's clock: an
    event past that is left out until the clock comes near it — also when the calendar
    itself did not change (a 304, the same ctag), or a weekly block set up long ago would
    stop blocking a year after it was first read. On a server of its own."""
    d = tmp_path / "window"
    d.mkdir()
    s = _start(slotd_bin, d, env=env_for(d))
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        t0 = w.clock.now                      # Monday 2 March 2026, 07:00 UTC
        evs = [vevent("DTSTART:20260129T100000Z", "DTEND:20260129T110000Z"),   # 32 d back
               vevent("DTSTART:20260310T100000Z", "DTEND:20260310T110000Z"),
               vevent("DTSTART:20270305T100000Z", "DTEND:20270305T110000Z")]   # 368 d on
        cal, path = ics_calendar(w, ics_srv, ics(*evs))
        coll = "window-" + uuid.uuid4().hex[:8]
        dav = radicale.make_calendar("alice", coll)
        for i, ev in enumerate(evs):
            radicale.put_event("alice", coll, f"w{i}", ics(ev))
        dcal = first_sync(w, create(w, kind="caldav", url=dav, username="alice",
                                    password=radicale.users["alice"]))
        assert (cal["busy_intervals"], dcal["busy_intervals"]) == (1, 1), (cal, dcal)
        # A weekly block set up long ago and never changed ("Fridays 10-11, school run").
        weekly, wpath = ics_calendar(w, ics_srv, ics(busy(BER, "2025-01-03", "10:00",
                                                          "11:00", "RRULE:FREQ=WEEKLY")),
                                     name="Fridays")

        def sync_all(ts):
            w.clock.set(ts)
            for c in (cal, dcal, weekly):
                assert w.t.post(w.cal_path(c["id"]) + "/sync").status_code == 202
            return [wait_cal(w, c["id"], lambda x: epoch(x["last_attempt_at"]) >= ts,
                             "fetched") for c in (cal, dcal, weekly)]

        # Ten days on, the event 368 days ahead is inside the window.
        got = sync_all(t0 + 10 * 86400)
        ten_days = [(c["last_error"], c["busy_intervals"]) for c in got[:2]]
        # 400 days on, the unchanged weekly block still blocks next Friday.
        far = t0 + 400 * 86400                        # Tuesday 6 April 2027
        sync_all(far)
        r = w.t.get("/v1/slots", now=iso(far), params={
            "service_id": w.sid, "provider_id": w.pid, "from": "2027-04-09",
            "to": "2027-04-09"})
        assert r.status_code == 200, r.text
        friday_free = sorted(TEN & {x["start"][11:16] for x in r.json()["slots"]})
        assert (ten_days, friday_free) == ([(None, 2), (None, 2)], []), \
            (ten_days, friday_free, [x.status for x in ics_srv.on(path)])
    finally:
        _stop(s)


def test_deleting_or_disabling_frees_the_slots_at_once(w, ics_srv):
    a, _ = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")), name="A")
    b, _ = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-11", "10:00", "11:00")), name="B")
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-11": TEN})
    w.t.ok("DELETE", w.cal_path(a["id"]))
    assert_blocked(w, {"2026-03-11": TEN})
    p = w.t.ok("PATCH", w.cal_path(b["id"]), {"enabled": False})
    assert p["enabled"] is False
    assert_blocked(w, {})
    assert w.t.explain(w.sid, w.pid, "2026-03-11T10:00:00+01:00", now=NOW)["bookable"] is True
    # Enabled again: fetched at once (no sync asked), blocking again.
    at = w.clock.tick()
    w.t.ok("PATCH", w.cal_path(b["id"]), {"enabled": True})
    wait_cal(w, b["id"], lambda c: epoch(c["last_attempt_at"]) >= at, "fetched when enabled")
    assert_blocked(w, {"2026-03-11": TEN})


def test_the_tenants_own_slotd_feed_is_not_busy_time_twice(w):
    """A provider subscribing to their own slotd feed: its events carry the bookings' UIDs
    (<booking id>@slotd), which are not read as busy time."""
    start = "2026-03-10T10:00:00+01:00"
    b = booked(w.t, w.sid, start, w.pid, now=NOW)
    f = w.t.ok("POST", f"/v1/providers/{w.pid}/feeds", {"kind": "details"})
    cal = first_sync(w, create(w, kind="ics", url=f["url"], name="My slotd feed"))
    assert cal["last_error"] is None, cal
    assert cal["busy_intervals"] == 0, cal
    assert w.t.explain(w.sid, w.pid, start, now=NOW)["reasons"] == [{"code": "booked"}]
    acted(w.t, b["id"], "cancel", {"reason": "moved away"}, now=NOW)
    assert_blocked(w, {})


def test_other_tenants_booking_uids_are_busy_time(srv, clock, w, ics_srv):
    """Only the tenant's own bookings are left out: a UID naming another tenant's booking,
    or no booking at all, is an ordinary busy event."""
    other = make_world(srv, clock=clock)
    ob = booked(other.t, other.sid, "2026-03-11T10:00:00+01:00", other.pid, now=NOW)
    doc = ics(busy(BER, "2026-03-11", "10:00", "11:00", uid=f"{ob['id']}@slotd"),
              busy(BER, "2026-03-12", "10:00", "11:00", uid="bkg_00000000000000000000@slotd"))
    cal, _ = ics_calendar(w, ics_srv, doc)
    assert cal["busy_intervals"] == 2
    assert_blocked(w, {"2026-03-11": TEN, "2026-03-12": TEN})


def in_flight(w, ics_srv, doc, name):
    """A calendar read once (Monday 9 March, 10:00), then asked to sync again from a server
    that answers doc after 2 s; returns (calendar, path) once that request is in flight."""
    cal, path = ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-09", "10:00", "11:00")),
                             name=name)
    ics_srv.serve(path, doc, delay=2.0)
    w.clock.tick()
    assert w.t.post(w.cal_path(cal["id"]) + "/sync").status_code == 202
    ics_srv.wait(lambda q: len(q) >= 2, path=path)
    return cal, path


def test_a_fetch_in_flight_does_not_undo_a_change_of_address(w, ics_srv):
    cal, old = in_flight(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")), "Moving")
    new, _ = secret_path("new")
    ics_srv.serve(new, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
    w.clock.tick()
    w.t.ok("PATCH", w.cal_path(cal["id"]), {"url": ics_srv.url(new)})
    ics_srv.wait_done(old, 2, timeout=5)
    ics_srv.wait_done(new, 1, timeout=10)
    time.sleep(1.0)
    # Whatever order the two answers were recorded in, the new address's busy time stands.
    assert_blocked(w, {"2026-03-11": TEN})
    assert ics_srv.max_in_flight[old] == 1


def test_a_fetch_in_flight_does_not_bring_back_a_deleted_or_disabled_calendar(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00"))
    gone, gpath = in_flight(w, ics_srv, doc, "Gone")
    w.t.ok("DELETE", w.cal_path(gone["id"]))
    ics_srv.wait_done(gpath, 2, timeout=5)
    time.sleep(0.5)
    assert w.t.list_all(w.cals) == []
    assert_blocked(w, {})
    off, opath = in_flight(w, ics_srv, doc, "Off")
    w.t.ok("PATCH", w.cal_path(off["id"]), {"enabled": False})
    ics_srv.wait_done(opath, 2, timeout=5)
    time.sleep(0.5)
    assert get_cal(w, off["id"])["enabled"] is False
    assert_blocked(w, {})


def test_sync_now_twice_is_one_fetch_at_a_time(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00"))
    cal, path = in_flight(w, ics_srv, doc, "Twice")
    w.clock.tick()
    for _ in range(3):
        r = w.t.post(w.cal_path(cal["id"]) + "/sync")
        assert r.status_code == 202, r.text
    # Asked during the fetch: one more fetch afterwards (the first may have read the
    # calendar before what the sync was asked for), not one per request.
    ics_srv.wait_done(path, 3, timeout=15)
    time.sleep(1.5)
    assert ics_srv.max_in_flight[path] == 1
    assert len(ics_srv.on(path)) == 3, len(ics_srv.on(path))
    assert_blocked(w, {"2026-03-10": TEN})


def test_a_fetch_whose_lease_ran_out_is_not_recorded(slotd_bin, tmp_path, ics_srv):
    """A fetch still running when its lease (120 s of the server's clock) has run out: the
    calendar is leased and fetched again, and only that newer fetch's answer is recorded,
    even though the old one ends later. On a server of its own (the clock jumps)."""
    d = tmp_path / "lease"
    d.mkdir()
    s = _start(slotd_bin, d, env=env_for(d))
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        t0 = w.clock.now
        path, _ = secret_path("lease")
        ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")), delay=4.0)
        cal = create(w, kind="ics", url=ics_srv.url(path), name="Lease")
        ics_srv.wait(lambda q: len(q) >= 1, path=path)
        # The first fetch hangs for 4 s; meanwhile the document changes and the lease runs
        # out, so the calendar is fetched again and answered at once.
        ics_srv.serve(path, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
        w.clock.set(t0 + 200)
        ics_srv.wait_done(path, 2, timeout=10)
        ics_srv.wait_done(path, 1, timeout=10)
        reqs = ics_srv.wait(lambda q: len(q) >= 2 and all(r.done_at for r in q[:2]),
                            path=path, timeout=10)
        # The old one was dropped (slotd hung up) or ended last: either way not recorded.
        assert reqs[0].client_left or reqs[0].done_at > reqs[1].done_at
        time.sleep(1.0)
        c = get_cal(w, cal["id"])
        assert c["last_error"] is None, c
        assert_blocked(w, {"2026-03-11": TEN})
    finally:
        _stop(s)


def test_two_calendars_with_the_same_event(w, ics_srv):
    doc = ics(busy(BER, "2026-03-10", "10:00", "11:00", uid="shared@example.com"))
    a, _ = ics_calendar(w, ics_srv, doc, name="Work")
    b, _ = ics_calendar(w, ics_srv, doc, name="Home")
    x = w.t.explain(w.sid, w.pid, "2026-03-10T10:00:00+01:00", now=NOW)
    assert sorted(x["reasons"], key=lambda r: r["calendar"]) == [
        {"code": "external_busy", "calendar": "Home"},
        {"code": "external_busy", "calendar": "Work"}] or \
        x["reasons"] in ([{"code": "external_busy", "calendar": "Home"}],
                         [{"code": "external_busy", "calendar": "Work"}]), x
    w.t.ok("DELETE", w.cal_path(a["id"]))
    assert_blocked(w, {"2026-03-10": TEN})
    assert w.t.explain(w.sid, w.pid, "2026-03-10T10:00:00+01:00", now=NOW)["reasons"] == \
        [{"code": "external_busy", "calendar": "Home"}]
    w.t.ok("DELETE", w.cal_path(b["id"]))
    assert_blocked(w, {})


def test_a_provider_calendar_does_not_touch_other_providers(w, ics_srv):
    other = w.t.provider("Dr Other", BER)["id"]
    w.t.schedule(other, weekdays([("09:00", "17:00")]))
    svc = w.t.service([w.pid, other], "Both", 60, slot_step_minutes=30)["id"]
    ics_calendar(w, ics_srv, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    assert_blocked(w, {"2026-03-10": TEN}, sid=svc)
    ow = World(t=w.t, pid=other, sid=svc)
    assert_blocked(ow, {}, sid=svc)


# === reading a CalDAV collection (Radicale) ====================================================

def test_caldav_events_block_exactly_the_right_slots(w, radicale):
    coll = "read-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    uid = "weekly@example.com"
    put = lambda name, *evs, head=(): radicale.put_event("alice", coll, name,
                                                          ics(*evs, head=head))
    # XML's own characters in the text: escaped in the REPORT answer, read back whole.
    put("one-off", vevent("DTSTART:20260310T090000Z", "DTEND:20260310T100000Z",
                          summary="Tom & Jerry <private> ]]> \"quoted\""))
    # A series since 2019: Radicale's time-range filter still returns it.
    put("fridays", busy(BER, "2019-01-04", "15:00", "16:00", "RRULE:FREQ=WEEKLY"))
    put("weekly",
        busy(BER, "2026-03-09", "12:00", "13:00", "RRULE:FREQ=WEEKLY;COUNT=3",
             zoned("EXDATE", BER, "2026-03-16", "12:00"), uid=uid),
        vevent(zoned("RECURRENCE-ID", BER, "2026-03-23", "12:00"),
               *span(BER, "2026-03-23", "15:00", "16:00"), uid=uid))
    put("all-day", vevent("DTSTART;VALUE=DATE:20260312", "DTEND;VALUE=DATE:20260313"))
    put("new-york", busy(NY, "2026-03-13", "05:00", "06:00"), head=VTZ_NY)
    put("free", busy(BER, "2026-03-11", "10:00", "11:00", "TRANSP:TRANSPARENT",
                     uid="free@example.com"))
    cal = create(w, kind="caldav", url=url, username="alice",
                 password=radicale.users["alice"], name="Nextcloud")
    cal = first_sync(w, cal)
    assert cal["last_error"] is None and cal["last_synced_at"] is not None, cal
    assert cal["events"] == 6, cal
    fri = {"14:30", "15:00", "15:30"}
    fridays = {"2026-03-20": fri, "2026-03-27": fri, "2026-04-03": fri, "2026-04-10": fri}
    assert_blocked(w, {"2026-03-09": {"11:30", "12:00", "12:30"},
                       "2026-03-10": TEN,
                       "2026-03-12": set(ALL),
                       "2026-03-13": TEN | fri,
                       "2026-03-23": {"14:30", "15:00", "15:30"}, **fridays})
    x = w.t.explain(w.sid, w.pid, "2026-03-10T10:00:00+01:00", now=NOW)
    assert x["reasons"] == [{"code": "external_busy", "calendar": "Nextcloud"}]
    path = f"/alice/{coll}/"

    def slotd_requests():
        return [(m, p) for m, p, _ in radicale.requests_seen("slotd") if p.startswith(path)]

    first = slotd_requests()
    assert ("PROPFIND", path) in first and ("REPORT", path) in first, first
    # Unchanged collection: the same busy time after another sync, which counts as one,
    # from a PROPFIND of its ctag alone.
    nsynced = len(events_of(w.t, "calendar.synced"))
    before = cal["last_synced_at"]
    cal = sync_now(w, cal)
    assert cal["last_error"] is None and epoch(cal["last_synced_at"]) > epoch(before)
    assert len(events_of(w.t, "calendar.synced")) == nsynced
    # (curl may ask twice, the first time without credentials, to learn Basic or Digest)
    assert {m for m, _ in slotd_requests()[len(first):]} == {"PROPFIND"}, slotd_requests()
    assert_blocked(w, {"2026-03-09": {"11:30", "12:00", "12:30"}, "2026-03-10": TEN,
                       "2026-03-12": set(ALL), "2026-03-13": TEN | fri,
                       "2026-03-23": {"14:30", "15:00", "15:30"}, **fridays})
    # Changed in Radicale: the one-off gone, the transparent one made busy.
    radicale.delete_event("alice", coll, "one-off")
    put("free", busy(BER, "2026-03-11", "10:00", "11:00", "TRANSP:OPAQUE",
                     uid="free@example.com"))
    seen = len(slotd_requests())
    cal = sync_now(w, cal)
    assert cal["last_error"] is None
    assert ("REPORT", path) in slotd_requests()[seen:]
    # New credentials (the same password again) forget the ctag: read in full at once.
    seen = len(slotd_requests())
    at = w.clock.tick()
    w.t.ok("PATCH", w.cal_path(cal["id"]), {"password": radicale.users["alice"]})
    cal = wait_cal(w, cal["id"], lambda c: epoch(c["last_attempt_at"]) >= at, "fetched")
    assert ("REPORT", path) in slotd_requests()[seen:], slotd_requests()[seen:]
    assert_blocked(w, {"2026-03-09": {"11:30", "12:00", "12:30"}, "2026-03-11": TEN,
                       "2026-03-12": set(ALL), "2026-03-13": TEN | fri,
                       "2026-03-23": {"14:30", "15:00", "15:30"}, **fridays})


def test_caldav_with_wrong_credentials_reports_the_error(w, radicale):
    coll = "creds-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    radicale.put_event("alice", coll, "x", ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    wrong = "wrong-" + uuid.uuid4().hex
    cal = first_sync(w, create(w, kind="caldav", url=url, username="alice", password=wrong))
    assert cal["last_error"] and "401" in cal["last_error"], cal
    assert cal["last_synced_at"] is None
    assert wrong not in json.dumps([cal, events_of(w.t, "calendar.")])
    assert_blocked(w, {})
    failed = [e for e in events_of(w.t, "calendar.sync_failed") if e["subject_id"] == cal["id"]]
    assert len(failed) == 1
    # The account's address instead of a calendar's: an error that says so.
    home = first_sync(w, create(w, kind="caldav", url=radicale.base + "/alice/",
                                username="alice", password=radicale.users["alice"]))
    assert home["last_error"] and home["last_synced_at"] is None, home
    # Someone else's collection (owner_only): refused as well.
    cal2 = first_sync(w, create(w, kind="caldav", url=url, username="bob",
                                password=radicale.users["bob"]))
    assert cal2["last_error"] and cal2["last_synced_at"] is None, cal2
    # Fixed credentials: due at once, read.
    w.clock.tick()
    w.t.ok("PATCH", w.cal_path(cal["id"]), {"password": radicale.users["alice"]})
    cal = wait_cal(w, cal["id"], lambda c: c["last_synced_at"] is not None, "synced")
    assert cal["last_error"] is None
    assert_blocked(w, {"2026-03-10": TEN})


def test_caldav_e_mail_login_odd_password_and_no_trailing_slash(w, radicale):
    """As people paste them: an e-mail address as the login, a password with ":", "@", a
    space and non-ASCII letters, and the collection's URL without its final "/". Read and
    written alike."""
    coll = "odd-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar(DAVE, coll).rstrip("/")
    radicale.put_event(DAVE, coll, "x", ics(busy(BER, "2026-03-10", "10:00", "11:00")))
    cal = first_sync(w, create(w, kind="caldav", url=url, username=DAVE,
                               password=radicale.users[DAVE], write=True, name="iCloud"))
    assert cal["last_error"] is None, cal
    assert cal["url"] == url
    assert_blocked(w, {"2026-03-10": TEN})
    b = booked(w.t, w.sid, "2026-03-11T10:00:00+01:00", w.pid, now=NOW)
    deadline = time.monotonic() + SYNC_TIMEOUT
    while f"slotd-{b['id']}.ics" not in [h.rsplit("/", 1)[1]
                                         for h in radicale.hrefs(DAVE, coll)]:
        assert time.monotonic() < deadline, (radicale.hrefs(DAVE, coll),
                                             w.t.list_all("/v1/deliveries",
                                                          params={"channel": "caldav"}))
        time.sleep(0.1)


def dav_event(day, hm_start, hm_end):
    return ics(busy(BER, day, hm_start, hm_end)).replace("\r\n", "\n")


def test_caldav_answers_as_other_servers_write_them(w, ics_srv):
    """A scripted collection answering as SabreDAV (Nextcloud) and Google do: other
    namespace prefixes, a default namespace, CDATA and escaped text, an encoded href, and a
    member whose calendar-data is missing (404 propstat). The PROPFIND asks for the ctag at
    depth 0, the REPORT is a depth-1 calendar-query over a time range."""
    base = "/remote.php/dav/calendars/ada/personal/"

    def propfind(ctag):
        return ('<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" '
                'xmlns:cs="http://calendarserver.org/ns/"><d:response>'
                f'<d:href>{base}</d:href><d:propstat><d:prop><cs:getctag>{ctag}</cs:getctag>'
                '</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>'
                '<d:propstat><d:prop><d:sync-token/></d:prop>'
                '<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>'
                '</d:response></d:multistatus>')

    a = dav_event("2026-03-10", "10:00", "11:00").replace(SECRET_SUMMARY, "Tom & Jerry <3")
    report = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">'
        f'<d:response><d:href>{base}event%201.ics</d:href><d:propstat><d:prop>'
        '<d:getetag>"1"</d:getetag><cal:calendar-data>'
        + a.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") +
        '</cal:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>'
        '</d:response>'
        '<response xmlns="DAV:"><href>' + base + 'b.ics</href><propstat><prop>'
        '<getetag>"2"</getetag><C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav">'
        '<![CDATA[' + dav_event("2026-03-11", "10:00", "11:00") + ']]></C:calendar-data>'
        '</prop><status>HTTP/1.1 200 OK</status></propstat></response>'
        f'<d:response><d:href>{base}c.ics</d:href><d:propstat><d:prop>'
        '<d:getetag>"3"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status>'
        '</d:propstat><d:propstat><d:prop><cal:calendar-data/></d:prop>'
        '<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>'
        '</d:multistatus>')
    ics_srv.serve_dav(base, "PROPFIND", propfind("ctag-1"))
    ics_srv.serve_dav(base, "REPORT", report)
    ics_srv.require_basic(base, "ada", "app-password")
    cal = first_sync(w, create(w, kind="caldav", url=ics_srv.url(base), username="ada",
                               password="app-password", name="Nextcloud"))
    assert cal["last_error"] is None, cal
    assert cal["events"] == 2, cal
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-11": TEN})
    reqs = ics_srv.on(base)
    pf = [r for r in reqs if r.method == "PROPFIND" and "authorization" in r.headers]
    rp = [r for r in reqs if r.method == "REPORT" and "authorization" in r.headers]
    assert pf and rp, [(r.method, sorted(r.headers)) for r in reqs]
    assert pf[0].headers.get("depth") == "0" and b"getctag" in pf[0].body
    assert rp[0].headers.get("depth") == "1"
    for part in (b"calendar-query", b"time-range", b"VEVENT"):
        assert part in rp[0].body, rp[0].body
    # The same ctag: no REPORT. Another: read again.
    n = len([r for r in ics_srv.on(base) if r.method == "REPORT"])
    sync_now(w, cal)
    assert len([r for r in ics_srv.on(base) if r.method == "REPORT"]) == n
    ics_srv.serve_dav(base, "PROPFIND", propfind("ctag-2"))
    ics_srv.serve_dav(base, "REPORT", report.replace("20260311T", "20260312T"))
    cal = sync_now(w, cal)
    assert cal["last_error"] is None, cal
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-12": TEN})


# === writing bookings into a CalDAV collection ===================================================

def radicale_event(radicale, coll, uid, timeout=SYNC_TIMEOUT, gone=False):
    """Waits until the collection holds the event with uid (or, gone=True, no longer does);
    returns (href, VEVENT) or None."""
    deadline = time.monotonic() + timeout
    while True:
        found = None
        for href, text in radicale.events("alice", coll).items():
            for comp in icalendar.Calendar.from_ical(text).walk("VEVENT"):
                if str(comp["UID"]) == uid:
                    found = (href, comp)
        if (found is None) == gone:
            return found
        assert time.monotonic() < deadline, \
            f"{uid} {'still' if gone else 'not'} in Radicale after {timeout}s"
        time.sleep(0.1)


def utc_of(comp, prop):
    v = comp.decoded(prop)
    return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def caldav_deliveries(t, pred, timeout=SYNC_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        ds = t.list_all("/v1/deliveries", params={"channel": "caldav"})
        if pred(ds):
            return ds
        assert time.monotonic() < deadline, f"caldav deliveries never got there: {ds}"
        time.sleep(0.1)


def writable(w, radicale):
    coll = "write-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    cal = first_sync(w, create(w, kind="caldav", url=url, username="alice",
                               password=radicale.users["alice"], write=True, name="Work"))
    assert cal["last_error"] is None, cal
    return coll, url, cal


def test_bookings_are_written_moved_and_removed(w, radicale):
    coll, url, cal = writable(w, radicale)
    start = "2026-03-10T10:00:00+01:00"
    b = booked(w.t, w.sid, start, w.pid, now=NOW)
    uid = f"{b['id']}@slotd"
    href, ev = radicale_event(radicale, coll, uid)
    assert href == f"/alice/{coll}/slotd-{b['id']}.ics"
    assert utc_of(ev, "DTSTART") == "2026-03-10T09:00:00Z"
    assert utc_of(ev, "DTEND") == "2026-03-10T10:00:00Z"
    assert int(ev.get("SEQUENCE", 0)) == b["version"] - 1
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert "Consult" in str(ev["SUMMARY"]) and "Ann Lee" in str(ev["SUMMARY"])
    assert "DTSTAMP" in ev                      # required by RFC 5545
    whole = icalendar.Calendar.from_ical(radicale.get_event("alice", coll, f"slotd-{b['id']}"))
    assert str(whole["VERSION"]) == "2.0" and whole.get("PRODID")
    assert len(list(whole.walk("VEVENT"))) == 1
    seq0 = int(ev.get("SEQUENCE", 0))
    # Rescheduled: the same resource moves, its SEQUENCE rises.
    r = acted(w.t, b["id"], "reschedule", {"start": "2026-03-11T14:00:00+01:00"}, now=NOW)
    deadline = time.monotonic() + SYNC_TIMEOUT
    while True:
        href2, ev = radicale_event(radicale, coll, uid)
        if utc_of(ev, "DTSTART") == "2026-03-11T13:00:00Z":
            break
        assert time.monotonic() < deadline, f"not moved: {ev.to_ical()}"
        time.sleep(0.1)
    assert href2 == href
    assert utc_of(ev, "DTEND") == "2026-03-11T14:00:00Z"
    assert int(ev["SEQUENCE"]) > seq0 and int(ev["SEQUENCE"]) == r["version"] - 1
    assert len(radicale.hrefs("alice", coll)) == 1
    # Read back by a sync of the same calendar, slotd's own event is not busy time twice.
    cal = sync_now(w, cal)
    assert cal["last_error"] is None and cal["busy_intervals"] == 0, cal
    assert cal["events"] == 0, cal
    x = w.t.explain(w.sid, w.pid, "2026-03-11T14:00:00+01:00", now=NOW)
    assert x["reasons"] == [{"code": "booked"}], x
    # Cancelled: the start is free at once (no external state to wait for), the event goes.
    acted(w.t, b["id"], "cancel", {"reason": "ill"}, now=NOW)
    assert "14:00" in free_by_day(w, "2026-03-11", "2026-03-11")["2026-03-11"]
    assert_blocked(w, {})
    radicale_event(radicale, coll, uid, gone=True)
    assert radicale.hrefs("alice", coll) == []
    # Each change was a delivery on the caldav channel, all delivered.
    types_of = {e["id"]: e["type"] for e in events_of(w.t, "booking.")
                if e["subject_id"] == b["id"]}
    ds = caldav_deliveries(w.t, lambda ds: len([d for d in ds if d["event_id"] in types_of])
                           >= 3 and all(d["status"] == "succeeded" for d in ds
                                        if d["event_id"] in types_of))
    mine = [d for d in ds if d["event_id"] in types_of]
    assert {types_of[d["event_id"]] for d in mine} >= {"booking.created", "booking.rescheduled",
                                                       "booking.cancelled"}
    assert all(d["channel"] == "caldav" and d["endpoint_id"] == cal["id"] for d in mine), mine


def test_written_text_is_escaped(w, radicale):
    """A customer name with iCalendar's special characters and notes with line breaks that
    look like properties: the event carries them as text, nothing more."""
    coll, url, cal = writable(w, radicale)
    name = 'Zo\u00eb O\'Brien, Jr.; \\ "Doc"'
    notes = "first line\nATTENDEE:mailto:intruder@example.com\nEND:VEVENT\nBEGIN:VEVENT"
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW,
               customer={"name": name, "email": "zoe@example.com"}, notes=notes)
    radicale_event(radicale, coll, f"{b['id']}@slotd")
    text = radicale.get_event("alice", coll, f"slotd-{b['id']}")
    whole = icalendar.Calendar.from_ical(text)
    [ev] = list(whole.walk("VEVENT"))
    assert name in str(ev["SUMMARY"]), str(ev["SUMMARY"])
    assert "intruder@example.com" not in [str(a) for a in ev.get("ATTENDEE", [])] and \
        "mailto:intruder@example.com" not in str(ev.get("ATTENDEE", ""))
    assert str(ev["UID"]) == f"{b['id']}@slotd"
    assert notes in str(ev.get("DESCRIPTION", notes))     # as text, when written at all


def test_pending_booking_is_tentative_and_a_decline_removes_it(w, radicale):
    manual = w.t.provider("Dr Manual", BER, auto_confirm=False)["id"]
    w.t.schedule(manual, weekdays([("09:00", "17:00")]))
    svc = w.t.service([manual], "Review", 60)["id"]
    mw = World(t=w.t, pid=manual, sid=svc, clock=w.clock)
    coll, url, cal = writable(mw, radicale)
    b = booked(w.t, svc, "2026-03-12T11:00:00+01:00", manual, now=NOW)
    assert b["status"] == "pending"
    uid = f"{b['id']}@slotd"
    _, ev = radicale_event(radicale, coll, uid)
    assert str(ev["STATUS"]) == "TENTATIVE"
    acted(w.t, b["id"], "decline", now=NOW)
    radicale_event(radicale, coll, uid, gone=True)
    # Confirmed: the same event turns CONFIRMED with a higher SEQUENCE.
    c = booked(w.t, svc, "2026-03-13T11:00:00+01:00", manual, now=NOW)
    cuid = f"{c['id']}@slotd"
    _, ev = radicale_event(radicale, coll, cuid)
    assert str(ev["STATUS"]) == "TENTATIVE"
    seq = int(ev.get("SEQUENCE", 0))
    c = acted(w.t, c["id"], "confirm", now=NOW)
    deadline = time.monotonic() + SYNC_TIMEOUT
    while str(radicale_event(radicale, coll, cuid)[1]["STATUS"]) != "CONFIRMED":
        assert time.monotonic() < deadline, "never confirmed in Radicale"
        time.sleep(0.1)
    _, ev = radicale_event(radicale, coll, cuid)
    assert int(ev["SEQUENCE"]) == c["version"] - 1 > seq
    # Bookings of another provider never go to this calendar.
    other = booked(w.t, w.sid, "2026-03-12T11:00:00+01:00", w.pid, now=NOW)
    time.sleep(1.0)
    assert not [h for h in radicale.hrefs("alice", coll) if other["id"] in h]


def test_connecting_for_writing_brings_in_the_upcoming_bookings(w, radicale):
    kept = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    gone = booked(w.t, w.sid, "2026-03-11T10:00:00+01:00", w.pid, now=NOW)
    acted(w.t, gone["id"], "cancel", {"reason": "x"}, now=NOW)
    coll, url, cal = writable(w, radicale)
    _, ev = radicale_event(radicale, coll, f"{kept['id']}@slotd")
    assert utc_of(ev, "DTSTART") == "2026-03-10T09:00:00Z"
    # The provider's own appointment in the same calendar is busy time; slotd's is not.
    radicale.put_event("alice", coll, "dentist", ics(busy(BER, "2026-03-12", "10:00",
                                                           "11:00")))
    c = sync_now(w, cal)
    assert (c["last_error"], c["events"], c["busy_intervals"]) == (None, 1, 1), c
    assert_blocked(w, {"2026-03-10": TEN, "2026-03-12": TEN})     # the booking, the dentist
    x = w.t.explain(w.sid, w.pid, "2026-03-10T10:00:00+01:00", now=NOW)
    assert x["reasons"] == [{"code": "booked"}], x
    # Given writing later: the same.
    coll2 = "later-" + uuid.uuid4().hex[:8]
    url2 = radicale.make_calendar("alice", coll2)
    c2 = first_sync(w, create(w, kind="caldav", url=url2, username="alice",
                              password=radicale.users["alice"]))
    time.sleep(0.5)
    assert radicale.hrefs("alice", coll2) == []
    w.t.ok("PATCH", w.cal_path(c2["id"]), {"write": True})
    radicale_event(radicale, coll2, f"{kept['id']}@slotd")
    time.sleep(0.5)
    for c in (coll, coll2):
        assert [h.rsplit("/", 1)[1] for h in radicale.hrefs("alice", c)
                if "/slotd-" in h] == [f"slotd-{kept['id']}.ics"]
    # Removed: later bookings are not written there any more.
    w.t.ok("DELETE", w.cal_path(cal["id"]))
    later = booked(w.t, w.sid, "2026-03-12T10:00:00+01:00", w.pid, now=NOW)
    radicale_event(radicale, coll2, f"{later['id']}@slotd")
    time.sleep(0.5)
    assert len([h for h in radicale.hrefs("alice", coll) if "/slotd-" in h]) == 1


def test_wrong_credentials_for_writing_then_fixed(w, radicale):
    """A write calendar whose password is wrong: the booking's delivery fails (401) and
    waits; a corrected password brings the upcoming bookings in without waiting for it."""
    coll = "fix-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    cal = first_sync(w, create(w, kind="caldav", url=url, username="alice",
                               password="wrong-" + uuid.uuid4().hex, write=True))
    assert cal["last_error"], cal
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    ds = caldav_deliveries(w.t, lambda ds: [d for d in ds if d["attempts"] >= 1
                                            and d["endpoint_id"] == cal["id"]])
    [d] = [d for d in ds if d["endpoint_id"] == cal["id"]]
    assert d["status"] == "pending" and d["last_status"] == 401, d
    assert radicale.hrefs("alice", coll) == []
    w.t.ok("PATCH", w.cal_path(cal["id"]), {"password": radicale.users["alice"]})
    radicale_event(radicale, coll, f"{b['id']}@slotd")


def test_an_event_already_removed_by_hand_counts_as_deleted(w, radicale):
    """The provider deletes slotd's event in their calendar app, then the booking is
    cancelled: the DELETE finds nothing (404), which is success, not a failure to retry."""
    coll, url, cal = writable(w, radicale)
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    radicale_event(radicale, coll, f"{b['id']}@slotd")
    radicale.delete_event("alice", coll, f"slotd-{b['id']}")
    acted(w.t, b["id"], "cancel", {"reason": "x"}, now=NOW)
    evs = {e["id"] for e in events_of(w.t, "booking.cancelled") if e["subject_id"] == b["id"]}
    ds = caldav_deliveries(w.t, lambda ds: [d for d in ds if d["event_id"] in evs
                                            and d["status"] != "pending"])
    [d] = [d for d in ds if d["event_id"] in evs]
    assert d["status"] == "succeeded" and d["last_status"] == 404, d
    full = w.t.ok("GET", f"/v1/deliveries/{d['id']}")
    assert [a["status_code"] for a in full["attempt_log"]] == [404], full
    assert radicale.hrefs("alice", coll) == []


def test_a_disabled_calendar_is_not_written(w, radicale):
    coll, url, cal = writable(w, radicale)
    w.t.ok("PATCH", w.cal_path(cal["id"]), {"enabled": False})
    booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    time.sleep(1.0)
    assert radicale.hrefs("alice", coll) == []
    assert not [d for d in w.t.list_all("/v1/deliveries", params={"channel": "caldav"})
                if d["status"] == "pending" and d["endpoint_id"] == cal["id"]]


@contextlib.contextmanager
def write_while_down(slotd_bin, tmp_path, name):
    """A server of its own with a writable Radicale calendar, Radicale then stopped and a
    booking made: yields (world, radicale, collection, calendar, booking, its delivery after
    the first failed attempt); stops both afterwards."""
    d = tmp_path / name
    d.mkdir()
    s = _start(slotd_bin, d, env=env_for(d))
    rad = RadicaleServer(users={"alice": "pw-" + uuid.uuid4().hex[:8]}).start()
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        coll, url, cal = writable(w, rad)
        rad.stop()
        b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
        [dl] = caldav_deliveries(w.t, lambda ds: ds and ds[0]["attempts"] >= 1)
        assert dl["status"] == "pending" and dl["next_attempt_at"], dl
        assert dl["last_error"], dl
        yield w, rad, coll, cal, b, dl
    finally:
        rad.close()
        _stop(s)


def test_an_outage_of_the_calendar_delays_the_write_but_loses_nothing(slotd_bin, tmp_path):
    with write_while_down(slotd_bin, tmp_path, "outage") as (w, rad, coll, cal, b, dl):
        # More changes while it is down: one booking moved, another made, moved and
        # cancelled.
        b = acted(w.t, b["id"], "reschedule", {"start": "2026-03-10T14:00:00+01:00"}, now=NOW)
        c = booked(w.t, w.sid, "2026-03-11T10:00:00+01:00", w.pid, now=NOW)
        acted(w.t, c["id"], "reschedule", {"start": "2026-03-11T11:00:00+01:00"}, now=NOW)
        acted(w.t, c["id"], "cancel", {"reason": "x"}, now=NOW)
        ds = caldav_deliveries(w.t, lambda ds: len(ds) == 5 and all(d["attempts"] >= 1
                                                                     for d in ds))
        rad.start()
        time.sleep(1.0)                 # the clock stands still: no retry yet
        assert rad.events("alice", coll) == {}
        w.clock.set(max(epoch(d["next_attempt_at"]) for d in ds))
        ds = caldav_deliveries(w.t, lambda ds: all(d["status"] == "succeeded" for d in ds))
        assert [d["attempts"] for d in ds if d["id"] == dl["id"]] == [2]
        # Whatever order the retries went in, the calendar shows the bookings as they are.
        _, ev = radicale_event(rad, coll, f"{b['id']}@slotd")
        assert utc_of(ev, "DTSTART") == "2026-03-10T13:00:00Z"
        assert int(ev["SEQUENCE"]) == b["version"] - 1
        radicale_event(rad, coll, f"{c['id']}@slotd", gone=True)
        assert [h.rsplit("/", 1)[1] for h in rad.hrefs("alice", coll)] == \
            [f"slotd-{b['id']}.ics"]


# === PostgreSQL: several processes =============================================================

@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_three_processes_fetch_each_calendar_once_per_round(slotd_bin, tmp_path_factory,
                                                            ics_srv):
    key = key_file(tmp_path_factory.mktemp("key"))
    n, rounds, interval = 9, 3, 60
    with pg_processes(slotd_bin, tmp_path_factory, 3,
                      args=["--allow-private-webhooks", "--secret-key-file", key]) \
            as (url, servers):
        admin = create_tenant(slotd_bin, url, "cal-pg")
        apis = [Api(s.base, admin) for s in servers]
        t0 = epoch(NOW)

        def set_clocks(ts):
            for a in apis:
                a.ok("POST", "/v1/test/clock", {"now": iso(ts)}, status=200)

        set_clocks(t0)
        p = apis[0].provider("Dr Shared", BER)
        apis[0].schedule(p["id"], weekdays([("09:00", "17:00")]))
        sid = apis[0].service([p["id"]], "Consult", 60, slot_step_minutes=30)["id"]
        paths = []
        for i in range(n):
            path, _ = secret_path(f"pg{i}")
            # Every fetch takes a while, so that two at once would overlap.
            ics_srv.serve(path, ics(busy(BER, f"2026-03-{9 + i:02d}", "10:00", "11:00")),
                          delay=0.3)
            paths.append(path)
            apis[i % 3].ok("POST", f"/v1/providers/{p['id']}/calendars",
                           {"kind": "ics", "url": ics_srv.url(path), "name": f"C{i}",
                            "sync_interval_minutes": interval // 60})
        for k in range(rounds + 1):
            if k:
                set_clocks(t0 + k * 2 * interval)
            for path in paths:
                ics_srv.wait_done(path, k + 1, timeout=20)
            time.sleep(1.5)             # anything more would come now
            counts = {path: len(ics_srv.on(path)) for path in paths}
            assert counts == {path: k + 1 for path in paths}, (k, counts)
        assert {path: ics_srv.max_in_flight[path] for path in paths} == \
            {path: 1 for path in paths}
        # Every process sees the busy time whichever fetched it.
        w = World(t=apis[0], pid=p["id"], sid=sid)
        want = {f"2026-03-{9 + i:02d}": TEN for i in range(n)
                if date(2026, 3, 9 + i).weekday() < 5}
        for a in apis:
            assert_blocked(w, want, "2026-03-09", "2026-03-20", api=a)


@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_three_processes_write_each_change_once(slotd_bin, tmp_path_factory, radicale):
    key = key_file(tmp_path_factory.mktemp("key"))
    with pg_processes(slotd_bin, tmp_path_factory, 3,
                      args=["--allow-private-webhooks", "--secret-key-file", key]) \
            as (url, servers):
        admin = create_tenant(slotd_bin, url, "cal-pg-write")
        apis = [Api(s.base, admin) for s in servers]
        for a in apis:
            a.ok("POST", "/v1/test/clock", {"now": NOW}, status=200)
        p = apis[0].provider("Dr Shared", BER)
        apis[0].schedule(p["id"], weekdays([("09:00", "17:00")]))
        sid = apis[0].service([p["id"]], "Consult", 60)["id"]
        coll = "pg-" + uuid.uuid4().hex[:8]
        url_ = radicale.make_calendar("alice", coll)
        cal = apis[1].ok("POST", f"/v1/providers/{p['id']}/calendars",
                         {"kind": "caldav", "url": url_, "username": "alice",
                          "password": radicale.users["alice"], "write": True})
        w = World(t=apis[2], pid=p["id"], sid=sid)
        first_sync(w, cal)
        time.sleep(1.0)     # what connecting it set going (no bookings yet) is done
        made = [booked(apis[i % 3], sid, f"2026-03-{10 + i:02d}T10:00:00+01:00", p["id"],
                       now=NOW) for i in range(4)]          # Tue 10 .. Fri 13
        for i, b in enumerate(made):
            acted(apis[(i + 1) % 3], b["id"], "reschedule",
                  {"start": f"2026-03-{10 + i:02d}T14:00:00+01:00"}, now=NOW)
        deadline = time.monotonic() + 20
        while True:
            evs = [icalendar.Calendar.from_ical(t) for t in radicale.events("alice", coll).values()]
            starts = sorted(utc_of(e, "DTSTART") for c in evs for e in c.walk("VEVENT"))
            if starts == [f"2026-03-{10 + i:02d}T13:00:00Z" for i in range(4)]:
                break
            assert time.monotonic() < deadline, starts
            time.sleep(0.2)
        time.sleep(1.0)
        ds = [d for d in apis[0].list_all("/v1/deliveries", params={"channel": "caldav"})
              if d["event_type"].startswith("booking.")]
        # One delivery per booking event, each sent once.
        assert len(ds) == 8 and len({d["event_id"] for d in ds}) == 8, ds
        assert all(d["status"] == "succeeded" and d["attempts"] == 1 for d in ds), ds
        puts = collections.Counter(path for _, path, code in radicale.responses_seen("PUT")
                                   if path.startswith(f"/alice/{coll}/") and code < 300)
        assert sorted(puts.values()) == [2, 2, 2, 2], puts     # created, then rescheduled


@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_a_lease_taken_over_by_another_process(slotd_bin, tmp_path_factory, ics_srv):
    """Three processes: a fetch still running when its lease has run out is fetched again
    (perhaps by another process); the answer recorded is the newer fetch's, although the old
    one ends later."""
    key = key_file(tmp_path_factory.mktemp("key"))
    with pg_processes(slotd_bin, tmp_path_factory, 3,
                      args=["--allow-private-webhooks", "--secret-key-file", key]) \
            as (url, servers):
        admin = create_tenant(slotd_bin, url, "cal-pg-lease")
        apis = [Api(s.base, admin) for s in servers]
        t0 = epoch(NOW)
        for a in apis:
            a.ok("POST", "/v1/test/clock", {"now": iso(t0)}, status=200)
        p = apis[0].provider("Dr Shared", BER)
        apis[0].schedule(p["id"], weekdays([("09:00", "17:00")]))
        sid = apis[0].service([p["id"]], "Consult", 60, slot_step_minutes=30)["id"]
        w = World(t=apis[0], pid=p["id"], sid=sid)
        path, _ = secret_path("pg-lease")
        ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")), delay=4.0)
        cal = create(w, kind="ics", url=ics_srv.url(path), name="Lease")
        ics_srv.wait(lambda q: len(q) >= 1, path=path)
        ics_srv.serve(path, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
        for a in apis:
            a.ok("POST", "/v1/test/clock", {"now": iso(t0 + 200)}, status=200)
        reqs = ics_srv.wait(lambda q: len(q) >= 2 and all(r.done_at for r in q[:2]),
                            path=path, timeout=15)
        time.sleep(1.0)
        c = get_cal(w, cal["id"])
        assert c["last_error"] is None, c
        for a in apis:
            assert_blocked(w, {"2026-03-11": TEN}, api=a)
        assert len(ics_srv.on(path)) == 2, [(r.status, r.client_left) for r in reqs]


# === a slow calendar (runs while the others do) ================================================

SLOW = "test_slow_calendar_gives_up_after_15_seconds_and_keeps_its_busy_time"
METRICS_TOKEN = "calendar-metrics-token-0123456789"


def metrics(server):
    """The calendar sync figures of GET /metrics: {sample name with labels: value}."""
    text = requests.get(server.base + "/metrics", timeout=10,
                        headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    out = {}
    for line in text.splitlines():
        if line.startswith("slotd_calendar_syncs"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


@pytest.fixture(scope="module")
def slow_calendar(slotd_bin, tmp_path_factory, ics_srv):
    """A server of its own whose calendar answers once, then only after 20 s. Started before
    the module's first test (see _start_slow_calendar_early) so that its 15 s pass while the
    other tests run."""
    d = tmp_path_factory.mktemp("slow")
    s = _start(slotd_bin, d, env={**env_for(d), "SLOTD_METRICS_TOKEN": METRICS_TOKEN})
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        path, _ = secret_path("slow")
        ics_srv.serve(path, ics(busy(BER, "2026-03-10", "10:00", "11:00")))
        cal = first_sync(w, create(w, kind="ics", url=ics_srv.url(path), name="Slow"))
        assert cal["last_error"] is None, cal
        # A second one that answers at once but sends its body 10 bytes per half second.
        tpath, _ = secret_path("trickle")
        ics_srv.serve(tpath, ics(busy(BER, "2026-03-11", "10:00", "11:00")))
        tcal = first_sync(w, create(w, kind="ics", url=ics_srv.url(tpath), name="Trickle"))
        assert tcal["last_error"] is None, tcal
        ics_srv.serve(tpath, ics(busy(BER, "2026-03-12", "10:00", "11:00",
                                      "DESCRIPTION:" + "z" * 900)))
        ics_srv.set_trickle(tpath, 10, 0.5)
        ics_srv.set_delay(path, 20)
        at = w.clock.tick()
        assert w.t.post(w.cal_path(cal["id"]) + "/sync").status_code == 202
        assert w.t.post(w.cal_path(tcal["id"]) + "/sync").status_code == 202
        ics_srv.wait(lambda q: len(q) >= 2, path=path)
        ics_srv.wait(lambda q: len(q) >= 2, path=tpath)
        # While the fetch hangs, slot queries answer at once, and the metrics show both
        # fetches in progress.
        t = time.monotonic()
        assert_blocked(w, {"2026-03-10": TEN, "2026-03-11": TEN})
        quick = time.monotonic() - t
        during = metrics(s)
        yield types.SimpleNamespace(w=w, cal=cal, path=path, tcal=tcal, tpath=tpath, at=at,
                                    quick=quick, server=s, during=during)
    finally:
        _stop(s)


@pytest.fixture(scope="module", autouse=True)
def _start_slow_calendar_early(request):
    if any(item.name == SLOW for item in request.session.items):
        request.getfixturevalue("slow_calendar")


def test_slow_calendar_gives_up_after_15_seconds_and_keeps_its_busy_time(slow_calendar,
                                                                         ics_srv):
    sc = slow_calendar
    assert sc.quick < 1.0, sc.quick
    cal = wait_cal(sc.w, sc.cal["id"], lambda c: c["last_error"] is not None
                   and epoch(c["last_attempt_at"]) >= sc.at, "gave up", timeout=30)
    assert cal["last_synced_at"] == sc.cal["last_synced_at"]
    tcal = wait_cal(sc.w, sc.tcal["id"], lambda c: c["last_error"] is not None
                    and epoch(c["last_attempt_at"]) >= sc.at, "gave up", timeout=10)
    assert tcal["last_synced_at"] == sc.tcal["last_synced_at"]
    for path in (sc.path, sc.tpath):
        slow = ics_srv.wait(lambda q: len(q) >= 2 and q[1].done_at is not None, path=path,
                            timeout=10)[1]
        assert slow.client_left, f"{path}: slotd waited for the whole answer"
        assert 13.0 <= slow.done_at - slow.at <= 18.0, (path, slow.done_at - slow.at)
    assert_blocked(sc.w, {"2026-03-10": TEN, "2026-03-11": TEN})
    # Metrics: both were in progress while they hung; then two reads and two failures.
    assert sc.during["slotd_calendar_syncs_in_progress"] == 2, sc.during
    after = metrics(sc.server)
    assert after["slotd_calendar_syncs_in_progress"] == 0, after
    assert after['slotd_calendar_syncs_total{result="read"}'] == 2, after
    assert after['slotd_calendar_syncs_total{result="failed"}'] == 2, after
