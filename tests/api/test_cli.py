"""The command line: serve, tenant create, demo; flags, failures, signals, persistence."""
import signal
import socket
import threading
import time

import pytest
import requests

from conftest import Api, Server, create_tenant, new_db_url, run_cli


def test_help_exits_0_with_usage(slotd_bin):
    cp = run_cli(slotd_bin, "--help")
    assert cp.returncode == 0
    assert "usage: slotd serve" in cp.stdout
    assert "tenant create" in cp.stdout


def test_no_arguments_exits_non_zero_with_usage(slotd_bin):
    cp = run_cli(slotd_bin)
    assert cp.returncode != 0
    assert "usage" in cp.stderr


def test_unknown_command(slotd_bin):
    cp = run_cli(slotd_bin, "frobnicate")
    assert cp.returncode != 0
    assert "unknown command frobnicate" in cp.stderr


@pytest.mark.parametrize("args,message", [
    (["serve", "--bogus"], "unknown option --bogus"),
    (["serve", "--db"], "--db needs a value"),
    (["serve", "--listen"], "--listen needs a value"),
    (["serve", "--threads", "0"], "--threads"),
    (["serve", "--threads", "many"], "--threads"),
    (["tenant", "create", "acme", "--frob"], "unknown option --frob"),
    (["demo", "-x"], "unknown option -x"),
])
def test_bad_flag_exits_non_zero_with_a_message(slotd_bin, tmp_path, args, message):
    cp = run_cli(slotd_bin, *args, env={"SLOTD_DB": f"sqlite:{tmp_path}/x.db"}, timeout=10)
    assert cp.returncode != 0
    assert message in cp.stderr, cp.stderr
    assert not (tmp_path / "x.db").exists() or args[0] != "serve"


@pytest.mark.parametrize("spec", ["nocolon", "127.0.0.1:", ":8080", "256.1.1.1:80",
                                  "127.0.0.1:http", "127.0.0.1:-1"])
def test_bad_listen_address_fails(slotd_bin, tmp_path, spec):
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen", spec,
                 timeout=10)
    assert cp.returncode != 0
    assert spec in cp.stderr, cp.stderr


@pytest.mark.parametrize("port", ["65536", "99999"])
def test_out_of_range_port_fails(slotd_bin, tmp_path, port):
    """A port above 65535 must be refused, not silently wrapped to another port."""
    srv = Server(slotd_bin, tmp_path / "x.db", tmp_path, listen=f"127.0.0.1:{port}")
    try:
        srv.start()
    except AssertionError:
        assert srv.proc.returncode not in (None, 0)
        assert port in srv.stderr()
        return
    bound = srv.port
    assert srv.stop() == 0
    pytest.fail(f"slotd accepted --listen 127.0.0.1:{port} and listened on port {bound}")


def test_port_in_use_fails_with_in_use(slotd_bin, server, tmp_path):
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen",
                 f"127.0.0.1:{server.port}", timeout=10)
    assert cp.returncode != 0
    assert "in use" in cp.stderr, cp.stderr
    # The running server is unharmed.
    assert requests.get(f"{server.base}/healthz", timeout=10).status_code == 200


def test_port_held_by_another_program_fails(slotd_bin, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen",
                     f"127.0.0.1:{port}", timeout=10)
    assert cp.returncode != 0
    assert "in use" in cp.stderr, cp.stderr


@pytest.mark.parametrize("command", [["serve", "--listen", "127.0.0.1:0"],
                                     ["tenant", "create", "acme"], ["demo"]])
def test_db_in_missing_directory_fails_clearly(slotd_bin, command):
    cp = run_cli(slotd_bin, *command, "--db", "sqlite:/nonexistent-dir/x.db", timeout=10)
    assert cp.returncode != 0
    assert "/nonexistent-dir/x.db" in cp.stderr, cp.stderr
    assert "cannot" in cp.stderr.lower()
    assert "listening" not in cp.stdout


@pytest.mark.parametrize("url,fragment", [
    ("mysql://localhost/x", "sqlite:"),
    ("sqlite:", "path"),
    ("postgres://localhost/x", "PostgreSQL"),
])
def test_unusable_database_url_fails(slotd_bin, url, fragment):
    cp = run_cli(slotd_bin, "serve", "--listen", "127.0.0.1:0", "--db", url, timeout=10)
    assert cp.returncode != 0
    assert fragment in cp.stderr, cp.stderr


def test_file_that_is_not_a_database_fails(slotd_bin, tmp_path):
    bad = tmp_path / "garbage.db"
    bad.write_text("this is not an SQLite database, just text\n" * 100)
    cp = run_cli(slotd_bin, "serve", "--listen", "127.0.0.1:0", "--db", f"sqlite:{bad}",
                 timeout=10)
    assert cp.returncode != 0
    assert str(bad) in cp.stderr


# --- tenant create ---------------------------------------------------------------------------

def test_tenant_create_prints_a_working_key_on_the_last_line(slotd_bin, fresh_server):
    cp = run_cli(slotd_bin, "tenant", "create", "clinic-1", "--name", "Clinic One", "--db",
                 fresh_server.db_url)
    assert cp.returncode == 0, cp.stderr
    lines = cp.stdout.strip().splitlines()
    key = lines[-1]
    assert key and " " not in key
    api = Api(fresh_server.base, key)
    p = api.provider("Works")
    assert api.ok("GET", f"/v1/providers/{p['id']}")["name"] == "Works"


def test_tenant_create_before_serve(slotd_bin, tmp_path):
    db = new_db_url(tmp_path, "pre.db")
    key = create_tenant(slotd_bin, db, "early")
    srv = Server(slotd_bin, None, tmp_path, db_url=db).start()
    try:
        assert Api(srv.base, key).get("/v1/providers").status_code == 200
    finally:
        assert srv.stop() == 0


def test_tenant_create_uses_slotd_db_env(slotd_bin, tmp_path):
    db = tmp_path / "env.db"
    cp = run_cli(slotd_bin, "tenant", "create", "from-env", env={"SLOTD_DB": f"sqlite:{db}"})
    assert cp.returncode == 0, cp.stderr
    assert db.exists()


def test_each_tenant_gets_a_distinct_key(slotd_bin, fresh_server):
    keys = {create_tenant(slotd_bin, fresh_server.db_url, f"t{i}") for i in range(3)}
    assert len(keys) == 3


def test_duplicate_slug_fails(slotd_bin, fresh_server):
    create_tenant(slotd_bin, fresh_server.db_url, "twice")
    cp = run_cli(slotd_bin, "tenant", "create", "twice", "--db", fresh_server.db_url)
    assert cp.returncode != 0
    assert "twice" in cp.stderr and "exists" in cp.stderr


@pytest.mark.parametrize("slug", ["Bad_Slug", "UPPER", "-leading", "has space", "x" * 64, ""])
def test_bad_slug_fails(slotd_bin, tmp_path, slug):
    cp = run_cli(slotd_bin, "tenant", "create", slug, "--db", f"sqlite:{tmp_path}/s.db")
    assert cp.returncode != 0
    assert "slug" in cp.stderr


def test_tenant_without_create_fails(slotd_bin):
    cp = run_cli(slotd_bin, "tenant")
    assert cp.returncode != 0


# --- demo ------------------------------------------------------------------------------------

def test_demo_command_loads_the_clinic(slotd_bin, tmp_path):
    db = new_db_url(tmp_path, "demo.db")
    cp = run_cli(slotd_bin, "demo", "--db", db)
    assert cp.returncode == 0, cp.stderr
    key = cp.stdout.strip().splitlines()[-1]
    srv = Server(slotd_bin, None, tmp_path, db_url=db).start()
    try:
        api = Api(srv.base, key)
        providers = api.list_all("/v1/providers")
        assert sorted(p["name"] for p in providers) == \
            ["Dr. Ada Moreno", "Dr. Jonas Weber", "Dr. Priya Nair"]
        services = api.list_all("/v1/services")
        assert len(services) == 3
        holidays = api.list_all("/v1/holidays")
        assert [h["name"] for h in holidays] == ["New Year's Day"]
        # A second run keeps the data and prints a fresh key.
        again = run_cli(slotd_bin, "demo", "--db", db)
        assert again.returncode == 0
        key2 = again.stdout.strip().splitlines()[-1]
        assert key2 != key
        assert len(Api(srv.base, key2).list_all("/v1/providers")) == 3
    finally:
        assert srv.stop() == 0


def test_serve_demo_prints_a_key_and_offers_slots(start_server):
    srv = start_server(args=["--demo"])
    key_lines = [ln for ln in srv.stdout_lines if ln.startswith("admin API key:")]
    assert len(key_lines) == 1, srv.stdout_lines
    api = Api(srv.base, key_lines[0].split(":", 1)[1].strip())
    services = api.list_all("/v1/services")
    consult = [s for s in services if s["name"] == "Initial consultation"]
    assert len(consult) == 1 and len(consult[0]["provider_ids"]) == 3
    ny = [p for p in api.list_all("/v1/providers") if p["timezone"] == "America/New_York"][0]
    # Demo data is relative to the real clock, so look a few weeks ahead of it.
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 14 * 86400))
    last = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 34 * 86400))
    slots = api.ok("GET", "/v1/slots", params={"service_id": consult[0]["id"],
                                               "provider_id": ny["id"], "from": today,
                                               "to": last})["slots"]
    assert len(slots) > 10


# --- lifecycle -------------------------------------------------------------------------------

def test_sigterm_exits_0_and_closes_the_port(start_server):
    srv = start_server()
    assert requests.get(f"{srv.base}/healthz", timeout=10).status_code == 200
    assert srv.stop() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{srv.base}/healthz", timeout=5)


def test_sigint_exits_0(start_server):
    srv = start_server()
    srv.proc.send_signal(signal.SIGINT)
    assert srv.proc.wait(timeout=30) == 0


def test_sigterm_under_load_exits_0_without_5xx(start_server):
    srv = start_server()
    api = srv.tenant()
    p = api.provider("Busy", "America/New_York")
    api.schedule(p["id"], {d: [{"start": "00:00", "end": "24:00"}]
                           for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    sid = api.service([p["id"]], duration_minutes=5)["id"]
    statuses, stop = [], threading.Event()

    def hammer():
        s = requests.Session()
        h = {"Authorization": f"Bearer {api.key}", "X-Test-Now": "2026-01-01T00:00:00Z"}
        while not stop.is_set():
            try:
                r = s.get(f"{srv.base}/v1/slots", headers=h, timeout=30, params={
                    "service_id": sid, "provider_id": p["id"], "from": "2026-03-01",
                    "to": "2026-05-31"})
                statuses.append(r.status_code)
            except requests.RequestException:
                return

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(statuses) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert srv.stop() == 0
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert statuses, "no request completed"
    assert all(s == 200 for s in statuses), sorted(set(statuses))


def test_data_survives_a_restart(slotd_bin, tmp_path):
    db = new_db_url(tmp_path, "persist.db")
    srv = Server(slotd_bin, None, tmp_path, db_url=db).start()
    api = srv.tenant("persist")
    p = api.provider("Persistent", "Europe/Berlin")
    api.schedule(p["id"], {"mon": [{"start": "09:00", "end": "10:00"}]})
    s = api.service([p["id"]], price="10.00", currency="EUR")
    assert srv.stop() == 0
    srv2 = Server(slotd_bin, None, tmp_path, db_url=db).start()
    try:
        api2 = Api(srv2.base, api.key)
        assert api2.ok("GET", f"/v1/providers/{p['id']}") == p
        assert api2.ok("GET", f"/v1/services/{s['id']}") == s
        assert api2.starts(s["id"], p["id"], "2026-03-02") == ["2026-03-02T09:00:00+01:00"]
    finally:
        assert srv2.stop() == 0


def test_two_servers_on_one_database_file_see_each_others_writes(slotd_bin, tmp_path):
    """(Under PostgreSQL: two servers on one database.)"""
    db = new_db_url(tmp_path, "shared.db")
    a = Server(slotd_bin, None, tmp_path, db_url=db).start()
    b = Server(slotd_bin, None, tmp_path, db_url=db).start()
    try:
        key = create_tenant(slotd_bin, a.db_url, "shared")
        p = Api(a.base, key).provider("Written by A")
        assert Api(b.base, key).ok("GET", f"/v1/providers/{p['id']}")["name"] == "Written by A"
    finally:
        assert a.stop() == 0
        assert b.stop() == 0


def test_listening_line_names_the_real_port(start_server):
    srv = start_server()
    assert 0 < srv.port < 65536
    r = requests.get(f"http://127.0.0.1:{srv.port}/healthz", timeout=10)
    assert r.json() == {"status": "ok"}


def test_threads_flag(start_server):
    srv = start_server(args=["--threads", "1"])
    api = srv.tenant()
    assert api.get("/v1/providers").status_code == 200
