"""Fixtures for the black-box API tests: they drive the real slotd binary.

Each test module gets its own server (``slotd serve`` on 127.0.0.1:0, a fresh database,
SLOTD_TEST_CLOCK=1) and two tenants made with ``slotd tenant create``. Tests that need a
clean slate inside a module ask for ``new_api`` (a fresh tenant on the same server) or
``fresh_server`` (a server of their own). Every server is stopped with SIGTERM and must
exit 0.

The binary is $SLOTD_BIN, default <repo>/build/slotd.

The database is a fresh SQLite file in the server's directory, or, when SLOTD_TEST_PG_URL is
set (``scripts/pg.sh run pytest ...``; ctest's api_pg), a fresh PostgreSQL database of its own
(pg_helpers.create_database()); Server.backend says which.
"""
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest
import requests

import openapi_check
import pg_helpers

# The shared helpers assert too; rewrite them as pytest does the test modules.
pytest.register_assert_rewrite("booking_helpers")

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 15.0
STOP_TIMEOUT = 30.0
LISTEN_RE = re.compile(r"^slotd listening on http://([0-9.]+):(\d+)\s*$")

# A fixed "now" for requests whose answer depends on the clock (slots, explain, schedule).
# It lies well before every date the tests query.
DEFAULT_NOW = "2026-01-01T00:00:00Z"


def pytest_report_header(config):
    if pg_helpers.enabled():
        return f"slotd database backend: postgres ({pg_helpers.PG_URL})"
    return "slotd database backend: sqlite"


def slotd_path():
    return Path(os.environ.get("SLOTD_BIN") or REPO / "build" / "slotd")


@pytest.fixture(scope="session")
def slotd_bin():
    p = slotd_path()
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.fail(f"slotd binary not found at {p}: build it or set SLOTD_BIN", pytrace=False)
    return str(p)


def run_cli(binary, *args, env=None, timeout=30):
    """Runs slotd with args; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("SLOTD_DB", None)
    full_env.pop("SLOTD_LISTEN", None)
    if env:
        full_env.update(env)
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env)


def new_db_url(directory, name="slotd.db"):
    """A URL for a new, empty database: sqlite:<directory>/<name>, or under PostgreSQL a
    fresh database (the file name is then unused)."""
    if pg_helpers.enabled():
        return pg_helpers.create_database()
    return f"sqlite:{Path(directory) / name}"


def create_tenant(binary, db_url, slug, name=None):
    """`slotd tenant create`: returns the admin API key (the last line of stdout)."""
    args = ["tenant", "create", slug, "--db", db_url]
    if name:
        args += ["--name", name]
    cp = run_cli(binary, *args)
    assert cp.returncode == 0, f"tenant create {slug} failed: rc={cp.returncode} {cp.stderr}"
    lines = cp.stdout.strip().splitlines()
    assert lines, "tenant create printed nothing"
    key = lines[-1].strip()
    assert key and " " not in key, f"last line is not a key: {cp.stdout!r}"
    return key


class Server:
    """One running `slotd serve` process.

    Its database is db_url when given (servers sharing a database pass the same URL);
    otherwise the SQLite file db_path, or under PostgreSQL a fresh database of its own
    (db_path is then None). backend is "sqlite" or "postgres"."""

    def __init__(self, binary, db_path, workdir, args=(), env=None, listen="127.0.0.1:0",
                 db_url=None):
        self.binary = binary
        self.owns_db = False
        if db_url is None and pg_helpers.enabled():
            db_url = pg_helpers.create_database()
            self.owns_db = True
        if db_url is None:
            db_url = f"sqlite:{Path(db_path)}"
        self.db_url = db_url
        self.backend = "sqlite" if db_url.startswith("sqlite:") else "postgres"
        self.db_path = Path(db_url[len("sqlite:"):]) if self.backend == "sqlite" else None
        self.workdir = Path(workdir)
        self.args = list(args)
        self.listen = listen
        self.env = env or {}
        self.proc = None
        self.port = None
        self.base = None
        self.stdout_lines = []
        self._lines = queue.Queue()
        self.stderr_path = self.workdir / f"slotd-{uuid.uuid4().hex[:8]}.stderr"

    def start(self):
        env = dict(os.environ)
        env.pop("SLOTD_DB", None)
        env.pop("SLOTD_LISTEN", None)
        env["SLOTD_TEST_CLOCK"] = "1"
        # The suite sends far more requests per key than any client should; the rate-limit
        # tests turn the limits back on with env={"SLOTD_RATE_LIMITS": "on"}.
        env["SLOTD_RATE_LIMITS"] = "off"
        env.update(self.env)
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db_url, "--listen", self.listen, *self.args],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL, text=True,
            env=env)
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise AssertionError(f"slotd did not report listening within {START_TIMEOUT}s;"
                                     f" stdout={self.stdout_lines} stderr={self.stderr()}")
            try:
                line = self._lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise AssertionError(f"slotd exited with {self.proc.returncode} before "
                                         f"listening; stderr={self.stderr()}")
                continue
            if line is None:
                self.proc.wait(timeout=5)
                raise AssertionError(f"slotd exited with {self.proc.returncode} before "
                                     f"listening; stderr={self.stderr()}")
            m = LISTEN_RE.match(line)
            if m:
                self.port = int(m.group(2))
                assert self.port > 0
                self.base = f"http://{m.group(1)}:{self.port}"
                return self

    def _pump(self):
        for line in self.proc.stdout:
            self.stdout_lines.append(line.rstrip("\n"))
            self._lines.put(line)
        self._lines.put(None)

    def stderr(self):
        try:
            return self.stderr_path.read_text()[-4000:]
        except OSError:
            return ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, wait; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"slotd did not exit within {STOP_TIMEOUT}s of SIGTERM")
        self._stderr.close()
        return self.proc.returncode

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def tenant(self, slug=None, name=None):
        """Creates a tenant in this server's database; returns an Api for it."""
        slug = slug or "t-" + uuid.uuid4().hex[:12]
        return Api(self.base, create_tenant(self.binary, self.db_url, slug, name), slug)

    def drop_db(self):
        """Drops the PostgreSQL database this server made for itself (after it stopped)."""
        if self.owns_db:
            self.owns_db = False
            try:
                pg_helpers.drop_database(self.db_url)
            except Exception as e:  # housekeeping only
                warnings.warn(f"could not drop {self.db_url}: {e}")


class Api:
    """A tiny client for one tenant: JSON in, requests.Response out. slug is the tenant's
    (when known), for commands such as `slotd key create`."""

    _MISSING = object()

    def __init__(self, base, key, slug=None):
        self.base = base
        self.key = key
        self.slug = slug
        self.s = requests.Session()

    def request(self, method, path, body=_MISSING, *, params=None, now=None, headers=None,
                data=None, key=_MISSING, contract=True):
        """contract=False skips the docs/openapi.json check (openapi_check) of the answer:
        only for requests that deliberately send nonsense the answer to which is no JSON."""
        h = {}
        k = self.key if key is Api._MISSING else key
        if k is not None:
            h["Authorization"] = f"Bearer {k}"
        if now is not None:
            h["X-Test-Now"] = now
        if body is not Api._MISSING:
            data = json.dumps(body)
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        r = self.s.request(method, self.base + path, params=params, data=data, headers=h,
                           timeout=30)
        if contract:
            openapi_check.check_response(r)
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_MISSING, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=_MISSING, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=_MISSING, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # --- shortcuts that assert success -------------------------------------------------

    def ok(self, method, path, body=_MISSING, status=None, **kw):
        r = self.request(method, path, body, **kw)
        want = status or {"POST": 201, "DELETE": 204}.get(method, 200)
        assert r.status_code == want, f"{method} {path}: want {want}, got {r.status_code}: {r.text}"
        return r.json() if r.content else None

    def list_all(self, path, **kw):
        """Every row of a paginated list, following next_cursor."""
        rows, cursor = [], None
        base_params = dict(kw.pop("params", None) or {})
        for _ in range(1000):
            params = dict(base_params)
            params["limit"] = 200
            if cursor:
                params["cursor"] = cursor
            page = self.ok("GET", path, params=params, **kw)
            rows += page["data"]
            cursor = page["next_cursor"]
            if cursor is None:
                return rows
        raise AssertionError("pagination does not end")

    # --- domain helpers ------------------------------------------------------------------

    def provider(self, name="Provider", timezone="America/New_York", **fields):
        return self.ok("POST", "/v1/providers", {"name": name, "timezone": timezone, **fields})

    def schedule(self, provider_id, weekly=None, **fields):
        body = dict(fields)
        if weekly is not None:
            body["weekly"] = weekly
        return self.ok("PUT", f"/v1/providers/{provider_id}/schedule", body, now=DEFAULT_NOW)

    def service(self, provider_ids, name="Service", duration_minutes=60, **fields):
        return self.ok("POST", "/v1/services", {"name": name, "duration_minutes": duration_minutes,
                                                "provider_ids": list(provider_ids), **fields})

    def slots(self, service_id, provider_id=None, frm=None, to=None, timezone=None,
              now=DEFAULT_NOW):
        params = {"service_id": service_id, "from": frm, "to": to or frm}
        if provider_id:
            params["provider_id"] = provider_id
        if timezone:
            params["timezone"] = timezone
        return self.ok("GET", "/v1/slots", params=params, now=now)["slots"]

    def starts(self, *args, **kw):
        return [s["start"] for s in self.slots(*args, **kw)]

    def explain(self, service_id, provider_id, start, now=DEFAULT_NOW):
        return self.ok("GET", "/v1/slots/explain", now=now,
                       params={"service_id": service_id, "provider_id": provider_id,
                               "start": start})


NO_BODY = Api._MISSING  # pass as body to send none


def weekdays(intervals, days=("mon", "tue", "wed", "thu", "fri")):
    """A weekly template with the same intervals [(start, end), ...] on the given days."""
    iv = [{"start": s, "end": e} for s, e in intervals]
    return {d: (list(iv) if d in days else []) for d in
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def expect_problem(r, status, code=None, pointer=None):
    """Asserts r is an application/problem+json error; returns its body."""
    assert r.status_code == status, f"want {status}, got {r.status_code}: {r.text}"
    assert r.headers.get("Content-Type", "").startswith("application/problem+json"), \
        r.headers.get("Content-Type")
    body = r.json()
    assert body["status"] == status
    for k in ("type", "title", "detail", "code", "errors"):
        assert k in body, f"problem lacks {k}: {body}"
    assert isinstance(body["errors"], list)
    if code is not None:
        assert body["code"] == code, body
    if pointer is not None:
        pointers = [e["pointer"] for e in body["errors"]]
        assert pointer in pointers, f"no error at {pointer}: {body}"
    return body


# --- fixtures -------------------------------------------------------------------------------

def _start(slotd_bin, workdir, args=(), env=None):
    workdir.mkdir(parents=True, exist_ok=True)
    return Server(slotd_bin, workdir / "slotd.db", workdir, args=args, env=env).start()


def _stop(srv):
    try:
        rc = srv.stop()
    finally:
        srv.kill()
        srv.drop_db()
    assert rc == 0, f"slotd exited with {rc} after SIGTERM; stderr={srv.stderr()}"


@contextlib.contextmanager
def pg_processes(slotd_bin, tmp_path_factory, n, args=()):
    """n slotd processes on one fresh PostgreSQL database, started at the same moment (so their
    migrations race on the empty database). Yields (url, servers); then stops each, which must
    exit 0, and drops the database."""
    url = pg_helpers.create_database()
    servers = [Server(slotd_bin, None, tmp_path_factory.mktemp(f"node{i}"), db_url=url,
                      args=args)
               for i in range(n)]
    errors = []
    barrier = threading.Barrier(n)

    def start(srv):
        try:
            barrier.wait(timeout=30)
            srv.start()
        except BaseException as ex:  # noqa: BLE001 - reported below
            errors.append(ex)

    threads = [threading.Thread(target=start, args=(srv,)) for srv in servers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    rcs = []
    try:
        assert not errors, f"concurrent starts on one database failed: {errors!r}"
        assert len({srv.port for srv in servers}) == n
        yield url, servers
    finally:
        for srv in servers:
            if srv.proc is not None:
                try:
                    rcs.append((srv.stop(), srv.stderr()))
                except AssertionError as ex:
                    rcs.append((str(ex), srv.stderr()))
                finally:
                    srv.kill()
        pg_helpers.drop_database(url)
    for rc, err in rcs:
        assert rc == 0, f"slotd exited with {rc} after SIGTERM; stderr={err}"


@pytest.fixture(scope="module")
def server(slotd_bin, tmp_path_factory):
    srv = _start(slotd_bin, tmp_path_factory.mktemp("srv"))
    yield srv
    _stop(srv)


@pytest.fixture
def fresh_server(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv")
    yield srv
    _stop(srv)


@pytest.fixture(scope="module")
def api(server):
    """Tenant A."""
    return server.tenant("tenant-a", "Tenant A")


@pytest.fixture(scope="module")
def api_b(server):
    """Tenant B, for isolation checks."""
    return server.tenant("tenant-b", "Tenant B")


@pytest.fixture
def new_api(server):
    """A brand-new, empty tenant on the module's server."""
    return server.tenant()


@pytest.fixture
def start_server(slotd_bin, tmp_path):
    """Factory for servers with extra args/env; each is stopped (and checked) at teardown."""
    started = []

    def start(args=(), env=None, name=None):
        srv = _start(slotd_bin, tmp_path / (name or f"srv{len(started)}"), args=args, env=env)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        if srv.running():
            _stop(srv)
        else:
            srv.drop_db()


def avail_cache_hits(token, base):
    """slotd_avail_cache_hits_total from the server's /metrics (read with its metrics token)."""
    import requests
    r = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"},
                     timeout=10)
    assert r.status_code == 200
    for line in r.text.splitlines():
        if line.startswith("slotd_avail_cache_hits_total "):
            return float(line.split()[1])
    raise AssertionError("no slotd_avail_cache_hits_total in /metrics")


def status_kb(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM, ...) of a server process."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def parallel(fn, items, workers=4):
    """fn over items on a few threads (set-ups of many records); the results in order."""
    import concurrent.futures as cf
    with cf.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(fn, items))


def slot_groups(t, params, now=None):
    """GET /v1/slots with params, grouped by start with the providers' ids, in UTC: {(start,
    end) as datetimes: the group}, each start once."""
    import datetime
    r = t.get("/v1/slots", params=dict(params, timezone="UTC", group="start",
                                       include="provider_ids"), now=now)
    assert r.status_code == 200, r.text
    out = {}
    for g in r.json()["slots"]:
        key = tuple(datetime.datetime.fromisoformat(g[k].replace("Z", "+00:00"))
                    for k in ("start", "end"))
        assert key not in out
        out[key] = g
    return out


def hourly_slots(pids, hours, day, step, blocked):
    """{(start, end): {provider ids}} of one-hour slots every step minutes on day (UTC) for
    providers pids, the i-th open hours(i) (whole hours from, to), none overlapping what
    blocked maps a provider to ([start, end) datetimes)."""
    import datetime
    from collections import defaultdict
    base = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    out = defaultdict(set)
    for i, pid in enumerate(pids):
        s, e = hours(i)
        for t in range(s * 60, e * 60 - 60 + 1, step):
            a, b = base + datetime.timedelta(minutes=t), base + datetime.timedelta(minutes=t + 60)
            if any(a < y and x < b for x, y in blocked.get(pid, ())):
                continue
            out[(a, b)].add(pid)
    return dict(out)


def peak_rise(srv, t, path, params, now=None):
    """GET path with params on srv (asserted 200), and how far the server's peak memory rose
    above its resting memory over that request: (the answer's JSON, kB). The peak is reset
    first through /proc/PID/clear_refs."""
    pid = srv.proc.pid
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    before = status_kb(pid, "VmRSS")
    r = t.get(path, params=params, now=now)
    assert r.status_code == 200, r.text
    rise = status_kb(pid, "VmHWM") - before
    print(f"\n{path}: VmRSS before {before} kB, peak rise {rise} kB")
    return r.json(), rise


def hours_service(t, prefix, n, hours, step):
    """n providers prefix000.. (UTC), the i-th open hours(i) on weekdays (whole hours from,
    to), made on a few threads, and a 60-minute service "Any" of all of them starting every
    step minutes: (their ids in making order, the service's id)."""
    def make(i):
        pid = t.provider(f"{prefix}{i:03d}", timezone="UTC")["id"]
        s, e = hours(i)
        t.schedule(pid, weekdays([(f"{s:02d}:00", f"{e:02d}:00")]))
        return pid

    pids = parallel(make, range(n))
    sid = t.service([], name="Any", duration_minutes=60, slot_step_minutes=step)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": pids})
    assert r.status_code == 200, r.text
    return pids, sid
