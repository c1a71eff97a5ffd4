"""A real CalDAV server for the external-calendar tests: Debian's Radicale (package radicale,
3.1) run as a subprocess on 127.0.0.1 with a throwaway storage folder, htpasswd users in
plain text and the owner_only rights (each user reaches only /<user>/…). Events are read and
written with raw CalDAV requests (requests), not through any CalDAV library.

    r = RadicaleServer(users={"alice": "secret"}).start()
    url = r.make_calendar("alice", "work")          # MKCALENDAR; http://127.0.0.1:PORT/alice/work/
    r.put_event("alice", "work", "dentist", ics_text)
    r.events("alice", "work")                       # {href: calendar-data text}
    r.stop(); r.start()                             # an outage: same port, same storage
    r.close()                                       # stop and remove the folder
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import requests

PYTHON = "/usr/bin/python3"
DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"

CALENDAR_QUERY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
    '<d:prop><d:getetag/><c:calendar-data/></d:prop>'
    '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/>'
    '</c:comp-filter></c:filter></c:calendar-query>')


# "[…] [INFO] REPORT request for '/alice/w/' with depth '1' received from 127.0.0.1 using 'ua'"
REQUEST_LINE = re.compile(r"\[INFO\] ([A-Z]+) request for '([^']*)'.* received from \S+"
                          r"(?: using '([^']*)')?")


# "[…] [INFO] PUT response status for '/alice/w/x.ics' in 0.003 seconds: 201 Created"
RESPONSE_LINE = re.compile(r"\[INFO\] ([A-Z]+) response status for '([^']*)'.*: (\d{3})\b")


def available():
    """True when Debian's radicale can be run."""
    cp = subprocess.run([PYTHON, "-c", "import radicale"], capture_output=True)
    return cp.returncode == 0


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class RadicaleServer:
    def __init__(self, users=None, port=None):
        self.users = dict(users or {"alice": "secret"})
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="radicale-"))
        self.storage = self.dir / "collections"
        self.config = self.dir / "config"
        self.htpasswd = self.dir / "users"
        self.log_path = self.dir / "radicale.log"
        self.proc = None
        self._log = None
        self.htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in self.users.items()))
        self.config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {self.htpasswd}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.storage}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            # info: every request is logged (method, path, user agent), see requests_seen()
            "level = info\n")
        self.http = requests.Session()

    # --- process ------------------------------------------------------------------------------

    def start(self, timeout=15.0):
        """Starts Radicale (again, after stop(): same port and storage) and waits until it
        answers."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._log = open(self.log_path, "a")
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADICALE")}
        self.proc = subprocess.Popen([PYTHON, "-m", "radicale", "-C", str(self.config)],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"radicale exited with {self.proc.returncode}: "
                                     f"{self.log()}")
            try:
                r = requests.request("OPTIONS", self.base + "/", timeout=1)
                if r.status_code < 500:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"radicale did not answer within {timeout}s: {self.log()}")
            time.sleep(0.05)

    def stop(self):
        """Stops the process (storage kept); afterwards the port refuses connections."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.http.close()
        self.http = requests.Session()

    def close(self):
        """Stops it and removes its folder."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            return self.log_path.read_text()[-4000:]
        except OSError:
            return ""

    def requests_seen(self, agent_prefix=None):
        """Every request Radicale logged, in order: [(method, path, user agent)], only those
        whose user agent starts with agent_prefix when given."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            m = REQUEST_LINE.search(line)
            agent = m.group(3) or "" if m else ""
            if m and (agent_prefix is None or agent.startswith(agent_prefix)):
                out.append((m.group(1), m.group(2), agent))
        return out

    def responses_seen(self, method=None):
        """Every answer Radicale logged, in order: [(method, path, status code)]."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            m = RESPONSE_LINE.search(line)
            if m and (method is None or m.group(1) == method):
                out.append((m.group(1), m.group(2), int(m.group(3))))
        return out

    # --- addresses ----------------------------------------------------------------------------

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def collection_url(self, user, name):
        return f"{self.base}/{user}/{name}/"

    def _auth(self, user):
        # UTF-8, as Radicale decodes Basic credentials (requests would send str as Latin-1).
        return (user.encode(), self.users[user].encode())

    def _req(self, method, url, user, **kw):
        kw.setdefault("timeout", 10)
        return self.http.request(method, url, auth=self._auth(user), **kw)

    # --- collections and events ---------------------------------------------------------------

    def make_calendar(self, user, name):
        """MKCALENDAR /<user>/<name>/; returns the collection's URL."""
        url = self.collection_url(user, name)
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
                '<d:set><d:prop><d:displayname>' + name + '</d:displayname>'
                '<c:supported-calendar-component-set><c:comp name="VEVENT"/>'
                '</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>')
        r = self._req("MKCALENDAR", url, user, data=body,
                      headers={"Content-Type": "application/xml; charset=utf-8"})
        assert r.status_code == 201, f"MKCALENDAR {url}: {r.status_code} {r.text}"
        return url

    def put_event(self, user, calendar, name, ics):
        """PUT /<user>/<calendar>/<name>.ics; returns the response (201 new, 204 replaced)."""
        url = self.collection_url(user, calendar) + name + ".ics"
        r = self._req("PUT", url, user, data=ics.encode() if isinstance(ics, str) else ics,
                      headers={"Content-Type": "text/calendar; charset=utf-8"})
        assert r.status_code in (201, 204), f"PUT {url}: {r.status_code} {r.text}"
        return r

    def delete_event(self, user, calendar, name):
        url = self.collection_url(user, calendar) + name + ".ics"
        r = self._req("DELETE", url, user)
        assert r.status_code in (200, 204), f"DELETE {url}: {r.status_code} {r.text}"
        return r

    def get_event(self, user, calendar, name):
        """The event resource's text, or None when there is none."""
        url = self.collection_url(user, calendar) + name + ".ics"
        r = self._req("GET", url, user)
        if r.status_code == 404:
            return None
        assert r.status_code == 200, f"GET {url}: {r.status_code} {r.text}"
        return r.text

    def events(self, user, calendar):
        """Every event resource of the collection, by a calendar-query REPORT (Depth 1):
        {href path: calendar-data text}."""
        url = self.collection_url(user, calendar)
        r = self._req("REPORT", url, user, data=CALENDAR_QUERY,
                      headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
        assert r.status_code == 207, f"REPORT {url}: {r.status_code} {r.text}"
        out = {}
        for resp in ET.fromstring(r.content).iter(DAV + "response"):
            href = resp.findtext(DAV + "href")
            data = resp.find(f".//{CALDAV}calendar-data")
            if href and data is not None and data.text:
                out[href] = data.text
        return out

    def hrefs(self, user, calendar):
        """The members of the collection, by PROPFIND Depth 1 (the collection itself left
        out)."""
        url = self.collection_url(user, calendar)
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')
        r = self._req("PROPFIND", url, user, data=body,
                      headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
        assert r.status_code == 207, f"PROPFIND {url}: {r.status_code} {r.text}"
        me = "/" + url.split("/", 3)[3]
        return sorted(h.text for h in ET.fromstring(r.content).iter(DAV + "href")
                      if h.text and h.text != me)
