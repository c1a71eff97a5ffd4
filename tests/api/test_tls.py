"""Optional TLS: `slotd serve --tls-cert FILE --tls-key FILE` answers HTTPS (libmicrohttpd with
GnuTLS), with a self-signed certificate made here by the openssl command."""
import re
import shutil
import socket
import ssl
import subprocess
import time

import pytest
import requests

import conftest
from conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="the openssl command is needed (scripts/deps.sh test)")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    """(cert.pem, key.pem): a self-signed P-256 certificate for 127.0.0.1 and localhost."""
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(crt), "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return str(crt), str(key)


@pytest.fixture
def https_server(start_server, cert, monkeypatch):
    """A server on TLS; its base URL is https://…"""
    # conftest waits for "listening on http://"; a TLS server says https.
    monkeypatch.setattr(conftest, "LISTEN_RE",
                        re.compile(r"^slotd listening on https://([0-9.]+):(\d+)\s*$"))
    srv = start_server(["--tls-cert", cert[0], "--tls-key", cert[1],
                        "--request-timeout", "2"])
    srv.base = f"https://127.0.0.1:{srv.port}"
    assert any("https://" in line for line in srv.stdout_lines)
    return srv


def test_https_answers_healthz(https_server, cert):
    r = requests.get(https_server.base + "/healthz", verify=cert[0], timeout=10)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_the_api_works_over_https(https_server, cert):
    t = https_server.tenant()
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {t.key}"
    # verify per request: a session's verify loses to REQUESTS_CA_BUNDLE in the environment
    r = s.post(https_server.base + "/v1/providers", json={"name": "Tls", "timezone": "UTC"},
               verify=cert[0], timeout=10)
    assert r.status_code == 201, r.text
    r = s.get(https_server.base + "/v1/providers/" + r.json()["id"], verify=cert[0],
              timeout=10)
    assert r.status_code == 200 and r.json()["name"] == "Tls"
    # Errors are problem+json over TLS too.
    r = s.get(https_server.base + "/v1/nowhere", verify=cert[0], timeout=10)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_plain_http_to_the_tls_port_fails(https_server):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{https_server.port}/healthz", timeout=10)
    # Raw: no HTTP answer comes back, the connection is closed.
    with socket.create_connection(("127.0.0.1", https_server.port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
        except (ConnectionResetError, socket.timeout):
            pass
    assert got == b"", got[:200]


def test_unverified_certificate_is_refused_by_a_careful_client(https_server):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https_server.base + "/healthz", timeout=10)


def test_slow_tls_client_is_closed_after_the_request_timeout(https_server, cert):
    ctx = ssl.create_default_context(cafile=cert[0])
    with socket.create_connection(("127.0.0.1", https_server.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            t0 = time.monotonic()
            closed = False
            while time.monotonic() - t0 < 8:
                try:
                    s.settimeout(0.5)
                    if s.recv(4096) == b"":
                        closed = True
                        break
                except socket.timeout:
                    try:
                        s.sendall(b"a")
                    except OSError:
                        closed = True
                        break
                except (OSError, ssl.SSLError):
                    closed = True
                    break
            assert closed, "a slow TLS client is still connected after 8 s"
            assert time.monotonic() - t0 < 6


@pytest.mark.parametrize("which", ["cert-only", "key-only"])
def test_tls_flags_go_together(slotd_bin, tmp_path, cert, which):
    args = ["--tls-cert", cert[0]] if which == "cert-only" else ["--tls-key", cert[1]]
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen",
                 "127.0.0.1:0", *args, timeout=10)
    assert cp.returncode != 0
    assert "--tls-cert and --tls-key go together" in cp.stderr


def test_unreadable_or_mismatched_tls_files_stop_the_start(slotd_bin, tmp_path, cert):
    db = f"sqlite:{tmp_path}/x.db"
    cp = run_cli(slotd_bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert",
                 str(tmp_path / "missing.pem"), "--tls-key", cert[1], timeout=10)
    assert cp.returncode == 1 and "missing.pem" in cp.stderr, cp.stderr
    # The key given as the certificate and the other way round.
    cp = run_cli(slotd_bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert",
                 cert[1], "--tls-key", cert[0], timeout=10)
    assert cp.returncode == 1 and "HTTPS" in cp.stderr, cp.stderr
