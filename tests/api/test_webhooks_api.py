"""The notification management API: /v1/webhook-endpoints (create with the secret shown once,
list, read, change, delete, rotate the secret, recover), /v1/deliveries (list, read with the
attempts, replay) and /v1/templates (list, read, override, check, reset, preview). Admin keys
only; every write appends its event, whose payload never carries a secret; bad input is a
problem+json 4xx and writes nothing.

The module's server runs with SLOTD_WEBHOOK_ALLOW_PRIVATE=1 (the URLs point at loopback); the
SSRF table runs on a server without it. Deliveries for the log tests are written into the
database directly (the worker that makes them is tested on its own), so their listing,
filters, attempts, replay and recovery are checked whatever the worker does.

"now" is NOW unless a test says otherwise.
"""
import sqlite3
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

import pg_helpers
from conftest import Api, _start, _stop, expect_problem, run_cli

NOW = "2026-03-01T12:00:00Z"
URL = "http://127.0.0.1:9/hook"
QUIET = ["test.never."]
ENDPOINT_FIELDS = {"id", "url", "event_types", "enabled", "description", "disabled_reason",
                   "failing_since", "secret_rotation_until", "created_at", "updated_at"}
DELIVERY_FIELDS = {"id", "event_id", "event_type", "channel", "endpoint_id", "recipient",
                   "recipient_role", "status", "attempts", "next_attempt_at", "last_status",
                   "last_error", "created_at", "updated_at"}


def shift(instant, seconds):
    t = datetime.fromisoformat(instant.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(instant):
    return int(datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp())


@pytest.fixture(scope="module")
def srv(slotd_bin, tmp_path_factory):
    s = _start(slotd_bin, tmp_path_factory.mktemp("wh"),
               env={"SLOTD_WEBHOOK_ALLOW_PRIVATE": "1"})
    yield s
    _stop(s)


@pytest.fixture
def t(srv):
    return srv.tenant()


def staff_key(srv, slug):
    cp = run_cli(srv.binary, "key", "create", slug, "--role", "staff", "--db", srv.db_url)
    assert cp.returncode == 0, cp.stderr
    return cp.stdout.strip().splitlines()[-1].strip()


def create(t, body=None, **kw):
    """An endpoint; by default for a type nothing writes, so the worker leaves it alone."""
    return t.ok("POST", "/v1/webhook-endpoints", body or {"url": URL, "event_types": QUIET},
                now=NOW, **kw)


def events(t, prefix):
    return t.ok("GET", "/v1/events", params={"type": prefix, "limit": 200})["data"]


def sql(srv, text, params=()):
    """Runs one statement on the server's database (SQLite file or PostgreSQL)."""
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=30)
        try:
            with con:
                return con.execute(text, params).fetchall()
        finally:
            con.close()
    for p in params:
        v = "NULL" if p is None else (str(p) if isinstance(p, int) else "'" + p.replace("'", "''") + "'")
        text = text.replace("?", v, 1)
    return [tuple(line.split("|")) for line in pg_helpers.psql(srv.db_url, text).splitlines()]


def tenant_id(srv, slug):
    return sql(srv, "SELECT id FROM tenants WHERE slug = ?", (slug,))[0][0]


def add_delivery(srv, t, endpoint_id, event_id, status="failed", attempts=2,
                 created=NOW, channel="webhook"):
    """A delivery row with `attempts` attempts, as the worker would have left it."""
    did = "dlv_" + "0" * 4 + uuid.uuid4().hex[:16]
    ten = tenant_id(srv, t.slug)
    at = epoch(created)
    sql(srv, "INSERT INTO deliveries(id, tenant_id, event_seq, event_id, event_type, channel,"
             " endpoint_id, recipient, recipient_role, status, attempts, next_attempt_at,"
             " last_status, last_error, created_at, updated_at)"
             " VALUES (?, ?, 1, ?, 'endpoint.created', ?, ?, ?, ?, ?, ?, NULL, ?, ?,"
             " ?, ?)",
        (did, ten, event_id, channel, endpoint_id if channel == "webhook" else None,
         "ann@example.com" if channel == "email" else None,
         "customer" if channel == "email" else None, status, attempts,
         500 if status == "failed" else 200, "HTTP 500" if status == "failed" else None,
         at, at))
    for n in range(1, attempts + 1):
        sql(srv, "INSERT INTO delivery_attempts(delivery_id, attempt, tenant_id, started_at,"
                 " duration_ms, status_code, response, error) VALUES (?, ?, ?, ?, 12, ?, ?, ?)",
            (did, n, ten, (at + n) * 1000, 500 if status == "failed" or n < attempts else 200,
             "oops" if status == "failed" else "ok", None))
    return did


# --- endpoints ---------------------------------------------------------------------------------

def test_create_shows_the_secret_once_and_reads_back(t):
    w = create(t, {"url": URL, "event_types": ["booking.", "hold.created"],
                   "description": "CRM sync"})
    assert set(w) == ENDPOINT_FIELDS | {"secret"}
    assert w["id"].startswith("whe_") and w["secret"].startswith("whsec_")
    assert w["url"] == URL and w["event_types"] == ["booking.", "hold.created"]
    assert w["enabled"] is True and w["description"] == "CRM sync"
    assert w["disabled_reason"] is None and w["failing_since"] is None
    assert w["secret_rotation_until"] is None
    assert w["created_at"] == NOW == w["updated_at"]
    got = t.get(f"/v1/webhook-endpoints/{w['id']}", now=NOW)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    assert got.json() == {k: v for k, v in w.items() if k != "secret"}
    listed = t.list_all("/v1/webhook-endpoints")
    assert listed == [got.json()]
    assert w["secret"] not in got.text


def test_defaults_and_paging(t):
    ids = [create(t, {"url": f"{URL}/{i}", "event_types": QUIET})["id"] for i in range(3)]
    first = create(t, {"url": URL})
    assert first["event_types"] == ["*"] and first["enabled"] is True
    assert first["description"] is None
    page = t.ok("GET", "/v1/webhook-endpoints", params={"limit": 2})
    assert [w["id"] for w in page["data"]] == ids[:2] and page["next_cursor"] == ids[1]
    rest = t.ok("GET", "/v1/webhook-endpoints", params={"limit": 2, "cursor": ids[1]})
    assert [w["id"] for w in rest["data"]] == [ids[2], first["id"]]
    assert rest["next_cursor"] is None
    off = create(t, {"url": URL, "enabled": False, "event_types": QUIET})
    assert off["enabled"] is False and off["disabled_reason"] == "manual"


def test_patch_changes_only_what_is_sent(t):
    w = create(t, {"url": URL, "description": "first", "event_types": QUIET})
    later = shift(NOW, 60)
    p = t.ok("PATCH", f"/v1/webhook-endpoints/{w['id']}", {"event_types": ["waitlist."]},
             now=later)
    assert p["event_types"] == ["waitlist."] and p["description"] == "first"
    assert p["url"] == URL and p["updated_at"] == later and p["created_at"] == NOW
    r = t.patch(f"/v1/webhook-endpoints/{w['id']}", {"enabled": False}, now=later,
                headers={"If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False and r.json()["disabled_reason"] == "manual"
    assert r.headers["ETag"] == '"3"'
    stale = t.patch(f"/v1/webhook-endpoints/{w['id']}", {"enabled": True},
                    headers={"If-Match": '"2"'})
    expect_problem(stale, 412)
    on = t.ok("PATCH", f"/v1/webhook-endpoints/{w['id']}",
              {"enabled": True, "description": None, "url": URL + "/v2"}, now=later)
    assert on["enabled"] is True and on["disabled_reason"] is None
    assert on["failing_since"] is None and on["description"] is None
    assert on["url"] == URL + "/v2"
    types = [e["type"] for e in events(t, "endpoint.")]
    assert types == ["endpoint.created"] + ["endpoint.updated"] * 3
    upd = events(t, "endpoint.updated")[0]
    assert upd["changes"] == {"event_types": [QUIET, ["waitlist."]]}


def test_reenabling_clears_what_the_worker_recorded(srv, t):
    w = create(t)
    sql(srv, "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing',"
             " failing_since = ? WHERE id = ?", (epoch(NOW) - 5 * 86400, w["id"]))
    got = t.ok("GET", f"/v1/webhook-endpoints/{w['id']}")
    assert got["disabled_reason"] == "failing" and got["enabled"] is False
    assert got["failing_since"] == shift(NOW, -5 * 86400)
    on = t.ok("PATCH", f"/v1/webhook-endpoints/{w['id']}", {"enabled": True}, now=NOW)
    assert on["enabled"] is True and on["disabled_reason"] is None
    assert on["failing_since"] is None


def test_delete(t):
    w = create(t)
    assert t.ok("DELETE", f"/v1/webhook-endpoints/{w['id']}", now=NOW) is None
    expect_problem(t.get(f"/v1/webhook-endpoints/{w['id']}"), 404, "not_found")
    expect_problem(t.delete(f"/v1/webhook-endpoints/{w['id']}"), 404, "not_found")
    assert t.list_all("/v1/webhook-endpoints") == []
    gone = events(t, "endpoint.deleted")
    assert len(gone) == 1 and gone[0]["subject_id"] == w["id"]
    assert gone[0]["payload"]["url"] == URL


def test_rotation_keeps_the_old_secret_for_a_day(t):
    w = create(t)
    later = shift(NOW, 3600)
    r = t.post(f"/v1/webhook-endpoints/{w['id']}/rotate-secret", now=later)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"secret", "previous_valid_until"}
    assert body["secret"].startswith("whsec_") and body["secret"] != w["secret"]
    assert body["previous_valid_until"] == shift(later, 86400)
    got = t.ok("GET", f"/v1/webhook-endpoints/{w['id']}", now=later)
    assert got["secret_rotation_until"] == shift(later, 86400)
    assert "secret" not in got
    # A day later the old secret no longer signs.
    after = t.ok("GET", f"/v1/webhook-endpoints/{w['id']}", now=shift(later, 86401))
    assert after["secret_rotation_until"] is None
    expect_problem(t.post("/v1/webhook-endpoints/whe_00000000000000000000/rotate-secret"),
                   404)


def test_events_never_carry_a_secret(t):
    w = create(t)
    rotated = t.ok("POST", f"/v1/webhook-endpoints/{w['id']}/rotate-secret", status=200)
    t.ok("PATCH", f"/v1/webhook-endpoints/{w['id']}", {"description": "x"})
    t.ok("DELETE", f"/v1/webhook-endpoints/{w['id']}")
    evs = events(t, "endpoint.")
    assert [e["type"] for e in evs] == ["endpoint.created",
                                        "endpoint.secret_rotated",
                                        "endpoint.updated",
                                        "endpoint.deleted"]
    text = str(evs)
    assert "whsec_" not in text and w["secret"] not in text and rotated["secret"] not in text
    assert evs[1]["changes"]["secret_rotation_until"][0] is None


BAD_BODIES = [
    ({}, "/url"),
    ({"url": None}, "/url"),
    ({"url": 5}, "/url"),
    ({"url": "ftp://127.0.0.1/x"}, "/url"),
    ({"url": "not a url"}, "/url"),
    ({"url": "http://user:pw@127.0.0.1/x"}, "/url"),
    ({"url": "http://127.0.0.1/" + "a" * 2100}, "/url"),
    ({"url": URL, "event_types": []}, "/event_types"),
    ({"url": URL, "event_types": "booking."}, "/event_types"),
    ({"url": URL, "event_types": ["Booking.Created"]}, "/event_types"),
    ({"url": URL, "event_types": ["booking..x"]}, "/event_types"),
    ({"url": URL, "event_types": [7]}, "/event_types"),
    ({"url": URL, "event_types": ["a.b", "a.b"]}, "/event_types"),
    ({"url": URL, "event_types": [f"t{i}." for i in range(33)]}, "/event_types"),
    ({"url": URL, "enabled": "yes"}, "/enabled"),
    ({"url": URL, "description": "d" * 501}, "/description"),
    ({"url": URL, "secret": "whsec_mine"}, "/secret"),
    ({"url": URL, "tenant_id": "ten_x"}, "/tenant_id"),
]


@pytest.mark.parametrize("body,pointer", BAD_BODIES)
def test_bad_bodies_are_refused_and_store_nothing(t, body, pointer):
    r = t.post("/v1/webhook-endpoints", body, now=NOW)
    expect_problem(r, 422, pointer=pointer)
    assert t.list_all("/v1/webhook-endpoints") == []
    assert events(t, "endpoint.") == []


def test_bad_patches_change_nothing(t):
    w = create(t)
    for body, pointer in [({"url": None}, "/url"), ({"event_types": None}, "/event_types"),
                          ({"enabled": None}, "/enabled"), ({"url": "gopher://x"}, "/url"),
                          ({"secret": "whsec_x"}, "/secret")]:
        expect_problem(t.patch(f"/v1/webhook-endpoints/{w['id']}", body), 422,
                       pointer=pointer)
    got = t.ok("GET", f"/v1/webhook-endpoints/{w['id']}", now=NOW)
    assert got == {k: v for k, v in w.items() if k != "secret"}
    assert len(events(t, "endpoint.")) == 1
    expect_problem(t.request("POST", "/v1/webhook-endpoints", data="{", headers={
        "Content-Type": "application/json"}), 400)


SSRF_URLS = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://[::1]/hook",
    "http://10.0.0.5/hook",
    "http://172.16.1.1/hook",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hook",
    "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://localhost/hook",
    "https://localhost:8443/hook",
]


@pytest.fixture(scope="module")
def locked(server):
    """A tenant on a server without SLOTD_WEBHOOK_ALLOW_PRIVATE."""
    return server.tenant()


@pytest.mark.parametrize("url", SSRF_URLS)
def test_private_targets_are_refused_without_the_flag(locked, url):
    r = locked.post("/v1/webhook-endpoints", {"url": url}, now=NOW)
    body = expect_problem(r, 422, "validation_failed" if False else None, pointer="/url")
    assert body["status"] == 422
    assert locked.list_all("/v1/webhook-endpoints") == []


def test_patch_to_a_private_target_is_refused_without_the_flag(locked):
    # A public literal is accepted without resolving anything.
    w = locked.ok("POST", "/v1/webhook-endpoints", {"url": "https://93.184.215.14/hook"})
    expect_problem(locked.patch(f"/v1/webhook-endpoints/{w['id']}",
                                {"url": "http://127.0.0.1/x"}), 422, pointer="/url")
    assert locked.ok("GET", f"/v1/webhook-endpoints/{w['id']}")["url"] == \
        "https://93.184.215.14/hook"
    locked.ok("DELETE", f"/v1/webhook-endpoints/{w['id']}")


def test_staff_and_customer_keys_are_refused(srv, t):
    w = create(t)
    staff = Api(srv.base, staff_key(srv, t.slug))
    for method, path, body in [
            ("POST", "/v1/webhook-endpoints", {"url": URL}),
            ("GET", "/v1/webhook-endpoints", None),
            ("GET", f"/v1/webhook-endpoints/{w['id']}", None),
            ("PATCH", f"/v1/webhook-endpoints/{w['id']}", {"enabled": False}),
            ("DELETE", f"/v1/webhook-endpoints/{w['id']}", None),
            ("POST", f"/v1/webhook-endpoints/{w['id']}/rotate-secret", None),
            ("GET", f"/v1/webhook-endpoints/{w['id']}/deliveries", None),
            ("POST", f"/v1/webhook-endpoints/{w['id']}/recover", {"since": NOW}),
            ("GET", "/v1/deliveries", None),
            ("GET", "/v1/templates", None),
            ("GET", "/v1/templates/booking.created/en", None),
            ("PUT", "/v1/templates/booking.created/en", {"subject": "a", "text": "b", "html": "c"}),
            ("DELETE", "/v1/templates/booking.created/en", None)]:
        kw = {} if body is None else {"body": body}
        r = staff.request(method, path, **kw)
        expect_problem(r, 403)
    assert t.ok("GET", f"/v1/webhook-endpoints/{w['id']}")["enabled"] is True
    assert t.ok("GET", "/v1/templates/booking.created/en")["custom"] is False


def test_other_tenants_cannot_see_an_endpoint(srv, t):
    w = create(t)
    other = srv.tenant()
    expect_problem(other.get(f"/v1/webhook-endpoints/{w['id']}"), 404)
    expect_problem(other.delete(f"/v1/webhook-endpoints/{w['id']}"), 404)
    expect_problem(other.get(f"/v1/webhook-endpoints/{w['id']}/deliveries"), 404)
    assert other.list_all("/v1/webhook-endpoints") == []


# --- deliveries ---------------------------------------------------------------------------------

def test_delivery_log_lists_filters_and_reads_attempts(srv, t):
    w = create(t)
    other = create(t)
    evt = events(t, "endpoint.created")[0]["id"]
    failed = add_delivery(srv, t, w["id"], evt, "failed", 3)
    done = add_delivery(srv, t, w["id"], evt, "succeeded", 1)
    elsewhere = add_delivery(srv, t, other["id"], evt, "failed", 1)
    mail = add_delivery(srv, t, None, evt, "succeeded", 1, channel="email")
    rows = t.list_all(f"/v1/webhook-endpoints/{w['id']}/deliveries")
    assert [d["id"] for d in rows] == sorted([failed, done])
    for d in rows:
        assert set(d) == DELIVERY_FIELDS and d["endpoint_id"] == w["id"]
        assert d["channel"] == "webhook" and d["recipient"] is None
    only = t.ok("GET", f"/v1/webhook-endpoints/{w['id']}/deliveries",
                params={"status": "failed"})["data"]
    assert [d["id"] for d in only] == [failed]
    assert only[0]["attempts"] == 3 and only[0]["last_status"] == 500
    assert only[0]["next_attempt_at"] is None
    every = t.list_all("/v1/deliveries", params={"event_id": evt})
    assert {d["id"] for d in every} == {failed, done, elsewhere, mail}
    mails = t.list_all("/v1/deliveries", params={"channel": "email"})
    assert [d["id"] for d in mails] == [mail]
    assert mails[0]["recipient"] == "ann@example.com" and mails[0]["endpoint_id"] is None
    assert mails[0]["recipient_role"] == "customer"
    d = t.ok("GET", f"/v1/deliveries/{failed}")
    assert set(d) == DELIVERY_FIELDS | {"attempt_log"}
    assert [a["attempt"] for a in d["attempt_log"]] == [1, 2, 3]
    a = d["attempt_log"][0]
    assert a == {"attempt": 1, "started_at": shift(NOW, 1), "duration_ms": 12,
                 "status_code": 500, "response": "oops", "error": None}
    for params, name in [({"status": "lost"}, "status"), ({"event_id": "x"}, "event_id"),
                         ({"channel": "sms"}, "channel"), ({"limit": 0}, "limit")]:
        expect_problem(t.get("/v1/deliveries", params=params), 422, pointer=name)
    expect_problem(t.get("/v1/deliveries/dlv_00000000000000000000"), 404)
    expect_problem(t.get("/v1/webhook-endpoints/whe_00000000000000000000/deliveries"), 404)
    # Another tenant sees none of it.
    stranger = srv.tenant()
    assert stranger.list_all("/v1/deliveries") == []
    expect_problem(stranger.get(f"/v1/deliveries/{failed}"), 404)
    expect_problem(stranger.post(f"/v1/deliveries/{failed}/replay"), 404)


def test_an_answer_that_is_not_utf8_still_shows_its_attempt(srv, t):
    """A receiver's Latin-1 page, or a UTF-8 one cut inside a character at 1 KB, is kept as
    it came (SQLite stores the bytes): the attempt is listed, the bad bytes as U+FFFD."""
    if srv.backend != "sqlite":
        pytest.skip("PostgreSQL text holds UTF-8 only")
    w = create(t)
    evt = events(t, "endpoint.created")[0]["id"]
    did = add_delivery(srv, t, w["id"], evt, "failed", 2)
    sql(srv, "UPDATE delivery_attempts SET response = CAST(X'436166E920C3' AS TEXT),"
             " error = CAST(X'626164FF' AS TEXT) WHERE delivery_id = ? AND attempt = 1", (did,))
    sql(srv, "UPDATE deliveries SET last_error = CAST(X'626164FF' AS TEXT) WHERE id = ?", (did,))
    d = t.ok("GET", f"/v1/deliveries/{did}")
    assert [a["attempt"] for a in d["attempt_log"]] == [1, 2]
    assert d["attempt_log"][0]["response"] == "Caf\ufffd \ufffd"
    assert d["attempt_log"][0]["error"] == "bad\ufffd" == d["last_error"]
    assert [x["id"] for x in t.list_all(f"/v1/webhook-endpoints/{w['id']}/deliveries")] == [did]


def test_replay_makes_a_delivery_due_now(srv, t):
    w = create(t)
    evt = events(t, "endpoint.created")[0]["id"]
    did = add_delivery(srv, t, w["id"], evt, "failed", 2)
    later = shift(NOW, 7200)
    r = t.post(f"/v1/deliveries/{did}/replay", now=later)
    assert r.status_code == 202, r.text
    d = r.json()
    assert d["status"] == "pending" and d["next_attempt_at"] == later
    assert d["attempts"] == 2 and d["updated_at"] == later
    expect_problem(t.post("/v1/deliveries/dlv_00000000000000000000/replay"), 404)
    # Once its endpoint is gone, a finished delivery stays in the log but cannot be replayed.
    done = add_delivery(srv, t, w["id"], evt, "failed", 1)
    t.ok("DELETE", f"/v1/webhook-endpoints/{w['id']}")
    assert t.ok("GET", f"/v1/deliveries/{done}")["status"] == "failed"
    expect_problem(t.post(f"/v1/deliveries/{done}/replay"), 409, "conflict")


def test_a_delivery_being_sent_is_not_replayed(srv, t):
    """A leased delivery is in flight in some process: replaying it would send it twice and
    lose that attempt from the log, so it is 409 (and recover leaves it alone)."""
    w = create(t)
    evt = events(t, "endpoint.created")[0]["id"]
    did = add_delivery(srv, t, w["id"], evt, "pending", 1)
    # Leased for an hour of the real clock too, so this server's own worker leaves it.
    until = int(time.time()) + 3600
    sql(srv, "UPDATE deliveries SET lease_owner = 'elsewhere', lease_until = ?,"
             " next_attempt_at = ? WHERE id = ?", (until, epoch(NOW), did))
    expect_problem(t.post(f"/v1/deliveries/{did}/replay", now=NOW), 409, "conflict")
    assert t.ok("POST", f"/v1/webhook-endpoints/{w['id']}/recover",
                {"since": shift(NOW, -3600)}, now=NOW, status=202) == {"replayed": 0}
    assert sql(srv, "SELECT lease_owner FROM deliveries WHERE id = ?", (did,))[0][0] == \
        "elsewhere"
    # Once the lease has run out, it may be replayed.
    r = t.post(f"/v1/deliveries/{did}/replay",
               now=datetime.fromtimestamp(until + 1, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert r.status_code == 202, r.text


def test_recover_replays_what_failed_since(srv, t):
    w = create(t)
    evt = events(t, "endpoint.created")[0]["id"]
    old = add_delivery(srv, t, w["id"], evt, "failed", 1, created=shift(NOW, -7200))
    new1 = add_delivery(srv, t, w["id"], evt, "failed", 1, created=shift(NOW, -60))
    ok = add_delivery(srv, t, w["id"], evt, "succeeded", 1, created=shift(NOW, -60))
    r = t.post(f"/v1/webhook-endpoints/{w['id']}/recover", {"since": shift(NOW, -3600)},
               now=NOW)
    assert r.status_code == 202, r.text
    assert r.json() == {"replayed": 1}
    assert t.ok("GET", f"/v1/deliveries/{old}")["status"] == "failed"
    assert t.ok("GET", f"/v1/deliveries/{ok}")["status"] == "succeeded"
    rec = t.ok("GET", f"/v1/deliveries/{new1}", now=NOW)
    assert rec["status"] in ("pending", "succeeded", "failed")   # the worker may have run
    for body, pointer in [({}, "/since"), ({"since": "yesterday"}, "/since"),
                          ({"since": shift(NOW, 3600)}, "/since"),
                          ({"since": NOW, "x": 1}, "/x")]:
        expect_problem(t.post(f"/v1/webhook-endpoints/{w['id']}/recover", body, now=NOW), 422,
                       pointer=pointer)
    expect_problem(t.post("/v1/webhook-endpoints/whe_00000000000000000000/recover",
                          {"since": NOW}, now=NOW), 404)


def test_an_empty_log(t):
    w = create(t)
    assert t.ok("GET", f"/v1/webhook-endpoints/{w['id']}/deliveries") == \
        {"data": [], "next_cursor": None}
    assert t.ok("POST", f"/v1/webhook-endpoints/{w['id']}/recover", {"since": NOW},
                now=NOW, status=202) == {"replayed": 0}


# --- templates ----------------------------------------------------------------------------------

def test_template_list_covers_every_mailing_type_and_locale(t):
    rows = t.ok("GET", "/v1/templates")["data"]
    pairs = {(r["event_type"], r["locale"]) for r in rows}
    for typ in ("booking.created", "booking.confirmed", "booking.cancelled",
                "booking.reminder", "waitlist.offered"):
        assert (typ, "en") in pairs and (typ, "de") in pairs
    assert all(not r["custom"] and r["updated_at"] is None for r in rows)


def test_builtin_template_with_its_variables(t):
    tm = t.ok("GET", "/v1/templates/booking.confirmed/de")
    assert tm["event_type"] == "booking.confirmed" and tm["locale"] == "de"
    assert tm["custom"] is False and tm["subject"] and tm["text"] and tm["html"]
    names = {v["name"] for v in tm["variables"]}
    assert {"customer_name", "date", "start_time", "manage_url"} <= names
    assert all(v["description"] for v in tm["variables"])
    for path in ("/v1/templates/booking.pending/en", "/v1/templates/hold.created/en",
                 "/v1/templates/booking.created/fr", "/v1/templates/nope/en"):
        expect_problem(t.get(path), 404, "not_found")


def test_put_overrides_and_delete_restores(t):
    builtin = t.ok("GET", "/v1/templates/booking.created/en")
    body = {"subject": "Booked: {{service_name}}",
            "text": "Hi {{customer_name}}{{#notes}}, notes: {{notes}}{{/notes}}",
            "html": "<p>Hi {{customer_name}}</p>"}
    put = t.ok("PUT", "/v1/templates/booking.created/en", body, now=NOW)
    assert put["custom"] is True and {k: put[k] for k in body} == body
    got = t.ok("GET", "/v1/templates/booking.created/en")
    assert got == put
    row = [r for r in t.ok("GET", "/v1/templates")["data"]
           if (r["event_type"], r["locale"]) == ("booking.created", "en")][0]
    assert row == {"event_type": "booking.created", "locale": "en", "custom": True,
                   "updated_at": NOW}
    # The other locale is untouched.
    assert t.ok("GET", "/v1/templates/booking.created/de")["custom"] is False
    assert t.ok("DELETE", "/v1/templates/booking.created/en") is None
    assert t.ok("GET", "/v1/templates/booking.created/en") == builtin
    # Deleting again is harmless and writes nothing.
    assert t.ok("DELETE", "/v1/templates/booking.created/en") is None
    evs = events(t, "template.")
    assert [e["type"] for e in evs] == ["template.updated", "template.deleted"]
    assert evs[0]["subject_id"] == "booking.created/en"
    assert evs[0]["payload"]["subject"] == body["subject"]
    expect_problem(t.delete("/v1/templates/booking.created/xx"), 404)


BAD_TEMPLATES = [
    ({"subject": "a", "text": "{{nope}}", "html": "c"}, "/text"),
    ({"subject": "{{#date}}open", "text": "b", "html": "c"}, "/subject"),
    ({"subject": "a", "text": "b", "html": "{{customer_name}"}, "/html"),
    ({"subject": "line\nbreak", "text": "b", "html": "c"}, "/subject"),
    ({"text": "b", "html": "c"}, "/subject"),
    ({"subject": "a", "text": None, "html": "c"}, "/text"),
    ({"subject": "a", "text": "b", "html": 3}, "/html"),
    ({"subject": "a", "text": "x" * 20001, "html": "c"}, "/text"),
    ({"subject": "a", "text": "b", "html": "c", "css": "d"}, "/css"),
]


@pytest.mark.parametrize("body,pointer", BAD_TEMPLATES)
def test_bad_templates_are_refused(t, body, pointer):
    expect_problem(t.put("/v1/templates/booking.cancelled/en", body), 422, pointer=pointer)
    assert t.ok("GET", "/v1/templates/booking.cancelled/en")["custom"] is False
    assert events(t, "template.") == []


def test_template_size_counts_characters(t):
    body = {"subject": "ü" * 20000, "text": "b", "html": "c"}
    assert t.put("/v1/templates/booking.cancelled/de", body).status_code in (200, 413)
    expect_problem(t.put("/v1/templates/booking.nope/en",
                         {"subject": "a", "text": "b", "html": "c"}), 404)


def test_preview_renders_samples_drafts_and_bookings(t):
    p = t.ok("POST", "/v1/templates/booking.confirmed/en/preview", status=200)
    assert set(p) == {"subject", "text", "html"} and p["subject"] and p["text"]
    assert "{{" not in p["subject"] + p["text"] + p["html"]
    draft = t.ok("POST", "/v1/templates/booking.confirmed/en/preview",
                 {"subject": "For {{customer_name}}", "html": "<b>{{customer_name}}</b>"},
                 status=200)
    assert draft["subject"] == "For Alex Example"
    assert draft["html"] == "<b>Alex Example</b>"
    assert draft["text"] == p["text"]
    expect_problem(t.post("/v1/templates/booking.confirmed/en/preview", {"text": "{{bad}}"}),
                   422, pointer="/text")
    expect_problem(t.post("/v1/templates/booking.confirmed/en/preview",
                          {"booking_id": "bkg_00000000000000000000"}), 404)
    expect_problem(t.post("/v1/templates/booking.confirmed/en/preview",
                          {"booking_id": "nope"}), 422, pointer="/booking_id")
    expect_problem(t.post("/v1/templates/hold.created/en/preview"), 404)


def test_preview_with_a_booking_uses_its_customer(t):
    from conftest import weekdays
    prv = t.provider("P", "UTC")
    t.schedule(prv["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([prv["id"]])
    r = t.post("/v1/bookings", {"service_id": svc["id"], "provider_id": prv["id"],
                                "start": "2026-03-03T10:00:00Z",
                                "customer": {"name": "Zoë <Z>", "email": "zoe@example.com"}},
               now=NOW, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    b = r.json()
    p = t.ok("POST", "/v1/templates/booking.confirmed/en/preview",
             {"subject": "{{customer_name}} {{reference}}", "html": "<p>{{customer_name}}</p>",
              "booking_id": b["id"]}, status=200)
    assert p["subject"] == f"Zoë <Z> {b['reference']}"
    assert p["html"] == "<p>Zoë &lt;Z&gt;</p>"
