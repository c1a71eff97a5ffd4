"""External calendars: API details that test_calendars.py leaves out — webcal:// addresses,
the per-provider cap, sync of a disabled calendar, null members of a PATCH, ETag and
If-Match forms — and failures and timings only a scripted server gives (RawServer: an
answer cut short by a different length each time, a redirect to a Latin-1 Location, a slow
answer while a sync is asked for or the server stops, many "…@slotd" series)."""
import os
import re
import time
from pathlib import Path

import pytest
import requests

from conftest import Server, _start, _stop, expect_problem

CLOSED = "http://127.0.0.1:9"       # the discard port: nothing listens
METRICS_TOKEN = "calendar-metrics-token-0123"


@pytest.fixture(scope="module")
def srv(slotd_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("calendars-api")
    key = Path(d) / "secret.key"
    key.write_text(os.urandom(32).hex() + "\n")
    key.chmod(0o600)
    s = _start(slotd_bin, d, env={"SLOTD_SECRET_KEY_FILE": str(key),
                                  "SLOTD_WEBHOOK_ALLOW_PRIVATE": "1",
                                  "SLOTD_METRICS_TOKEN": METRICS_TOKEN})
    yield s
    _stop(s)


@pytest.fixture
def w(srv):
    t = srv.tenant()
    p = t.provider("Dr Ada", "Europe/Berlin")
    return t, f"/v1/providers/{p['id']}/calendars"


def test_webcal_is_read_as_https_and_shown_redacted(w):
    t, cals = w
    c = t.ok("POST", cals, {"kind": "ics", "enabled": False,
                            "url": "webcal://127.0.0.1:9/published/2/secret-token-123"})
    assert c["url"] == "https://127.0.0.1:9/…"
    assert c["name"] == "127.0.0.1"
    c = t.ok("POST", cals, {"kind": "ics", "enabled": False,
                            "url": "https://[::1]/calendar/ical/x/private-abc/basic.ics"})
    assert c["url"] == "https://[::1]/…" and c["name"] == "::1"


def test_etag_and_if_match_forms(w):
    t, cals = w
    r = t.post(cals, {"kind": "caldav", "url": CLOSED + "/dav/ada/work/", "enabled": False})
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    path = f"{cals}/{r.json()['id']}"
    assert t.get(path).headers["ETag"] == '"1"'
    r = t.patch(path, {"write": True}, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"' and r.json()["write"] is True
    expect_problem(t.patch(path, {"write": False}, headers={"If-Match": '"1"'}), 412)


def test_null_members_of_a_patch(w):
    t, cals = w
    c = t.ok("POST", cals, {"kind": "caldav", "url": CLOSED + "/dav/ada/work/", "name": "Work",
                            "username": "ada", "password": "pw", "enabled": False})
    assert (c["username"], c["has_password"]) == ("ada", True)
    path = f"{cals}/{c['id']}"
    p = t.ok("PATCH", path, {"name": None, "username": None, "password": None})
    assert (p["name"], p["username"], p["has_password"]) == ("127.0.0.1", None, False)
    # The same kind may be sent; null for a flag, the interval or the URL is refused.
    assert t.ok("PATCH", path, {"kind": "caldav"})["kind"] == "caldav"
    for field in ("enabled", "write", "sync_interval_minutes", "url", "kind"):
        expect_problem(t.patch(path, {field: None}), 422, "validation_failed", "/" + field)
    # "" is none, as null.
    p = t.ok("PATCH", path, {"username": "", "password": ""})
    assert (p["username"], p["has_password"]) == (None, False)


def test_sync_of_a_disabled_calendar_is_409(w):
    t, cals = w
    c = t.ok("POST", cals, {"kind": "ics", "url": CLOSED + "/x.ics", "enabled": False})
    path = f"{cals}/{c['id']}"
    expect_problem(t.post(path + "/sync"), 409, "conflict")
    t.ok("PATCH", path, {"enabled": True})
    r = t.post(path + "/sync")
    assert r.status_code == 202 and r.json()["id"] == c["id"]


def test_at_most_20_calendars_per_provider(w):
    t, cals = w
    made = [t.ok("POST", cals, {"kind": "ics", "url": CLOSED + f"/{i}.ics", "enabled": False})
            for i in range(20)]
    expect_problem(t.post(cals, {"kind": "ics", "url": CLOSED + "/21.ics"}), 422,
                   "record_limit_reached")
    assert len(t.list_all(cals)) == 20
    t.ok("DELETE", f"{cals}/{made[0]['id']}")
    t.ok("POST", cals, {"kind": "ics", "url": CLOSED + "/21.ics", "enabled": False})


def test_the_checks_of_kind_and_address_report_together(w):
    t, cals = w
    r = t.post(cals, {"kind": "ics", "url": "ftp://x", "username": "a", "password": "p",
                      "write": True})
    p = expect_problem(r, 422, "validation_failed")
    assert {e["pointer"] for e in p["errors"]} == {"/url", "/username", "/password", "/write"}
    assert t.list_all(cals) == []


def syncs(srv, result):
    """slotd_calendar_syncs_total{result=…} from GET /metrics."""
    text = requests.get(f"{srv.base}/metrics", timeout=10,
                        headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    m = re.search(r'^slotd_calendar_syncs_total\{result="%s"\} (\d+)$' % result, text, re.M)
    assert m, text
    return int(m.group(1))


def test_metrics_count_fetches_by_result(srv, w):
    t, cals = w
    failed = syncs(srv, "failed")
    c = t.ok("POST", cals, {"kind": "ics", "url": CLOSED + "/down.ics", "name": "Down"})
    deadline = time.time() + 15
    while time.time() < deadline and not t.ok("GET", f"{cals}/{c['id']}")["last_attempt_at"]:
        time.sleep(0.1)
    assert t.ok("GET", f"{cals}/{c['id']}")["last_error"]
    # The counter moves right after the record the calendar shows.
    while time.time() < deadline and syncs(srv, "failed") == failed:
        time.sleep(0.05)
    assert syncs(srv, "failed") == failed + 1
    assert syncs(srv, "read") >= 0 and syncs(srv, "unchanged") >= 0


# --- failures as a scripted server gives them ---------------------------------------------

class RawServer:
    """A server on loopback whose every answer is bytes as given (no HTTP library between):
    answer(i) makes the i-th answer (from 0), in a thread of its own per connection; the
    connection closes after it."""

    def __init__(self, answer):
        import socket
        import threading
        self.answer = answer
        self.count = 0          # answers begun
        self.arrived = 0        # requests read
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        import threading
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                got = conn.recv(65536)
                if not got:
                    break
                data += got
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while m and len(body) < int(m.group(1)):
                got = conn.recv(65536)
                if not got:
                    break
                body += got
            with self.lock:
                self.arrived += 1
                i, self.count = self.count, self.count + 1
            try:
                conn.sendall(self.answer(i))
            except OSError:
                pass

    def stop(self):
        self.sock.close()


def failed_events(t, cid):
    return [e for e in t.ok("GET", "/v1/events",
                            params={"type": "calendar.sync_failed", "limit": 200})["data"]
            if e["subject_id"] == cid]


def attempted(t, path, after=None, timeout=15):
    deadline = time.time() + timeout
    while True:
        c = t.ok("GET", path)
        if c["last_attempt_at"] is not None and c["last_attempt_at"] != after:
            return c
        assert time.time() < deadline, c
        time.sleep(0.05)


def test_the_same_failure_reads_the_same_each_time(w):
    # The answer is cut short by a different number of bytes each time: libcurl says
    # "transfer closed with N bytes remaining to read", N changing; the reason must not.
    t, cals = w
    doc = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + b"X-PAD:" + b"x" * 4000 + b"\r\n"
    srv = RawServer(lambda i: b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                              b"Content-Length: 100000\r\nConnection: close\r\n\r\n"
                    + doc[:100 * (i + 1)])
    try:
        c = t.ok("POST", cals, {"kind": "ics", "url": srv.url + "/cut.ics", "name": "Cut"})
        path = f"{cals}/{c['id']}"
        first = attempted(t, path)
        assert first["last_error"] and "100000" not in first["last_error"], first
        for _ in range(2):
            time.sleep(1.1)     # a new attempt shows as a new last_attempt_at
            assert t.post(path + "/sync").status_code == 202
            again = attempted(t, path, first["last_attempt_at"])
            assert again["last_error"] == first["last_error"]
            first = again
        assert srv.count == 3
        assert len(failed_events(t, c["id"])) == 1
    finally:
        srv.stop()


def test_a_reason_with_bytes_that_are_not_utf8_is_shown(w):
    # A CalDAV server's redirect is shown with where it points; a Location in Latin-1 must
    # not make the calendar (or the list of them, or the event) unreadable.
    t, cals = w
    srv = RawServer(lambda i: b"HTTP/1.1 301 Moved Permanently\r\n"
                              b"Location: http://127.0.0.1/dav/caf\xe9/\r\n"
                              b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    try:
        c = t.ok("POST", cals, {"kind": "caldav", "url": srv.url + "/dav/cafe/",
                                "name": "Moved"})
        path = f"{cals}/{c['id']}"
        got = attempted(t, path)
        assert got["last_error"].startswith("HTTP 301: redirects are not followed"), got
        assert "dav/caf" in got["last_error"]
        assert [x["id"] for x in t.list_all(cals) if x["id"] == c["id"]] == [c["id"]]
        [ev] = failed_events(t, c["id"])
        assert ev["payload"]["error"] == got["last_error"]
    finally:
        srv.stop()


def test_many_series_with_slotd_uids_of_no_booking_are_read_in_time(w):
    # Events named "<id>@slotd" that are not bookings of the tenant are busy time like any
    # other; 500 daily series of them (about 197,000 occurrences in the window) interleave,
    # which must not cost the record a time that grows with the square of their number.
    t, cals = w
    events = "".join(
        "BEGIN:VEVENT\r\nUID:bkg_%020d@slotd\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260101T%02d%02d00Z\r\nDURATION:PT1M\r\nRRULE:FREQ=DAILY\r\n"
        "SUMMARY:x\r\nEND:VEVENT\r\n" % (i, (i * 2) // 60, (i * 2) % 60)
        for i in range(500)).encode()
    doc = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + events
           + b"END:VCALENDAR\r\n")
    srv = RawServer(lambda i: b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(doc)
                    + doc)
    try:
        c = t.ok("POST", cals, {"kind": "ics", "url": srv.url + "/many.ics", "name": "Many"})
        started = time.time()
        got = attempted(t, f"{cals}/{c['id']}", timeout=60)
        took = time.time() - started
        assert got["last_error"] is None, got
        assert got["busy_intervals"] > 190000, got
        assert took < 5, f"the sync took {took:.1f} s"
    finally:
        srv.stop()


def test_a_sync_asked_for_during_a_fetch_is_another_fetch(w):
    # The fetch in hand may have read the calendar before the change the user asks a sync
    # for: its record must leave the calendar due, not schedule it an interval later.
    t, cals = w
    doc = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n")

    def answer(i):
        if i == 1:
            time.sleep(3)
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(doc) + doc)
    srv = RawServer(answer)
    try:
        c = t.ok("POST", cals, {"kind": "ics", "url": srv.url + "/slow.ics", "name": "Slow"})
        path = f"{cals}/{c['id']}"
        first = attempted(t, path)
        assert first["last_error"] is None, first
        time.sleep(1.1)
        assert t.post(path + "/sync").status_code == 202
        deadline = time.time() + 10
        while srv.arrived < 2:
            assert time.time() < deadline
            time.sleep(0.02)
        time.sleep(1.1)     # a later second than the one the fetch was leased at
        assert t.post(path + "/sync").status_code == 202
        deadline = time.time() + 10
        while srv.arrived < 3:
            assert time.time() < deadline, t.ok("GET", path)
            time.sleep(0.05)
        assert srv.arrived == 3
    finally:
        srv.stop()


def test_a_fetch_dropped_at_stop_is_fetched_again_at_once_after_a_restart(slotd_bin, tmp_path):
    # A server stopped while a fetch is in hand gives its lease back: the next server (or
    # another process) fetches the calendar at once, not when the lease would run out.
    key = tmp_path / "secret.key"
    key.write_text(os.urandom(32).hex() + "\n")
    key.chmod(0o600)
    env = {"SLOTD_SECRET_KEY_FILE": str(key), "SLOTD_WEBHOOK_ALLOW_PRIVATE": "1"}
    doc = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n")

    def answer(i):
        if i == 0:
            time.sleep(20)      # the first server is stopped meanwhile
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(doc) + doc)
    cal_srv = RawServer(answer)
    first = Server(slotd_bin, tmp_path / "slotd.db", tmp_path, env=env).start()
    servers = [first]
    try:
        t = first.tenant()
        p = t.provider("Dr Ada", "Europe/Berlin")
        cals = f"/v1/providers/{p['id']}/calendars"
        c = t.ok("POST", cals, {"kind": "ics", "url": cal_srv.url + "/a.ics", "name": "A"})
        deadline = time.time() + 10
        while cal_srv.arrived < 1:
            assert time.time() < deadline
            time.sleep(0.02)
        assert first.stop() == 0
        second = Server(slotd_bin, None, tmp_path, env=env, db_url=first.db_url).start()
        servers.append(second)
        t.base = second.base
        got = attempted(t, f"{cals}/{c['id']}", timeout=10)
        assert got["last_error"] is None, got
        assert cal_srv.arrived == 2
    finally:
        cal_srv.stop()
        for s in servers:
            s.kill()
        servers[0].drop_db()


def multistatus(*responses):
    return (b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"'
            b' xmlns:CS="http://calendarserver.org/ns/">' + b"".join(responses)
            + b"</D:multistatus>\n")


def dav_answer(body):
    return (b"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml; charset=utf-8\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)


def test_caldav_events_listed_without_their_data_keep_the_busy_time(w):
    # A calendar-query answered with its events' calendar-data refused (404) is not an empty
    # calendar: the busy time read before stays, and the calendar says why.
    t, cals = w
    event = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
             b"UID:dentist@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
             b"DTSTART:%sT100000Z\r\nDTEND:%sT110000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
             b"END:VCALENDAR\r\n")
    day = time.strftime("%Y%m%d", time.gmtime(time.time() + 7 * 86400)).encode()

    def propfind(ctag):
        return dav_answer(multistatus(
            b"<D:response><D:href>/dav/ada/work/</D:href><D:propstat><D:prop>"
            b"<D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
            b"<CS:getctag>" + ctag + b"</CS:getctag></D:prop>"
            b"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"))

    def answer(i):
        if i in (0, 2):
            return propfind(b"ctag-%d" % i)
        if i == 1:
            return dav_answer(multistatus(
                b"<D:response><D:href>/dav/ada/work/a.ics</D:href><D:propstat><D:prop>"
                b'<D:getetag>"1"</D:getetag><C:calendar-data>'
                + event % (day, day) + b"</C:calendar-data></D:prop>"
                b"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"))
        return dav_answer(multistatus(
            b"<D:response><D:href>/dav/ada/work/a.ics</D:href>"
            b'<D:propstat><D:prop><D:getetag>"2"</D:getetag></D:prop>'
            b"<D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
            b"<D:propstat><D:prop><C:calendar-data/></D:prop>"
            b"<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response>"))
    srv = RawServer(answer)
    try:
        c = t.ok("POST", cals, {"kind": "caldav", "url": srv.url + "/dav/ada/work/",
                                "name": "Work"})
        path = f"{cals}/{c['id']}"
        first = attempted(t, path)
        assert first["last_error"] is None and first["busy_intervals"] == 1, first
        time.sleep(1.1)
        assert t.post(path + "/sync").status_code == 202
        again = attempted(t, path, first["last_attempt_at"])
        assert srv.count == 4
        assert again["busy_intervals"] == 1, again
        assert again["last_error"] == ("the CalDAV server listed events without their "
                                       "calendar data"), again
    finally:
        srv.stop()
