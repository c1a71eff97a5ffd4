"""The throwaway PostgreSQL server of a test run (see scripts/pg.sh run).

When SLOTD_TEST_PG_URL is set (``scripts/pg.sh run`` sets it, with SLOTD_TEST_PGDATA,
SLOTD_TEST_PG_BIN and SLOTD_TEST_PG_USER), the API tests run against PostgreSQL: every server
gets a database of its own from create_database(). pg_ctl(), stop_immediate() and start()
control that server (for outage tests); psql() runs SQL.
"""
import os
import subprocess
import uuid
from pathlib import Path

PG_URL = os.environ.get("SLOTD_TEST_PG_URL")
PGDATA = os.environ.get("SLOTD_TEST_PGDATA")
PG_BIN = os.environ.get("SLOTD_TEST_PG_BIN") or "/usr/lib/postgresql/15/bin"
PG_USER = os.environ.get("SLOTD_TEST_PG_USER")


def enabled() -> bool:
    """True when the tests run against PostgreSQL."""
    return bool(PG_URL)


def _need():
    if not enabled():
        raise RuntimeError("SLOTD_TEST_PG_URL is not set: run the tests under scripts/pg.sh run")


def _bin(name):
    p = Path(PG_BIN) / name
    return str(p) if p.exists() else name


def psql(url, sql) -> str:
    """Runs sql with psql against url (stops at the first error); returns its stdout."""
    cp = subprocess.run([_bin("psql"), "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    if cp.returncode != 0:
        raise RuntimeError(f"psql failed (rc={cp.returncode}) on {sql!r}: {cp.stderr.strip()}")
    return cp.stdout


def create_database() -> str:
    """A new, empty database slotd_<hex>; returns its URL."""
    _need()
    name = "slotd_" + uuid.uuid4().hex
    psql(PG_URL + "/postgres", f"CREATE DATABASE {name}")
    return f"{PG_URL}/{name}"


def drop_database(url):
    """Drops the database of a URL made by create_database() (disconnecting its clients)."""
    _need()
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    assert name.startswith("slotd_"), url
    psql(PG_URL + "/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_pg_user(cmd):
    if os.geteuid() == 0 and PG_USER and PG_USER != "root":
        return ["runuser", "-u", PG_USER, "--", *cmd]
    return cmd


def pg_ctl(*args):
    """Runs pg_ctl -D $SLOTD_TEST_PGDATA ARGS as the server's user; returns the
    CompletedProcess (text mode, output captured)."""
    _need()
    assert PGDATA, "SLOTD_TEST_PGDATA is not set"
    cmd = _as_pg_user([_bin("pg_ctl"), "-D", PGDATA, *args])
    # From the cluster's directory: the server's user may not be able to enter our cwd.
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          cwd=str(Path(PGDATA).parent), stdin=subprocess.DEVNULL)


def stop_immediate():
    """Stops the server at once (no shutdown checkpoint, clients cut off), like a crash."""
    cp = pg_ctl("stop", "-m", "immediate", "-w")
    assert cp.returncode == 0, f"pg_ctl stop failed: {cp.stdout}{cp.stderr}"
    return cp


def start():
    """Starts the server again after stop_immediate(): same data, same port (the port and
    every other setting live in the cluster's configuration), same log file as pg.sh."""
    log = str(Path(PGDATA).parent / "postgres.log")
    cp = pg_ctl("start", "-w", "-t", "120", "-l", log)
    assert cp.returncode == 0, f"pg_ctl start failed: {cp.stdout}{cp.stderr}"
    return cp
