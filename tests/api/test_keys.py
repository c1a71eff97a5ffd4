"""/v1/keys: API keys of a tenant made, listed, read and revoked through the API (admin keys
only); expiry; last_used_at; the last live admin key cannot be revoked; revocation across
processes sharing one database; `slotd key create --name`; tenant isolation.

"now" is KNOW (Sun 1 Mar 2026 12:00Z) unless a test says otherwise. Every test works in a
tenant of its own (server.tenant()), whose only key at first is the admin key `slotd tenant
create` printed.
"""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from conftest import Api, Server, expect_problem, run_cli

KNOW = "2026-03-01T12:00:00Z"
KEY_FIELDS = {"id", "name", "role", "provider_ids", "expires_at", "last_used_at",
              "created_at"}
KEY_ID_RE = re.compile(r"key_[0-9a-z]{20}")
CACHE_SECONDS = 10           # the in-process auth cache's lifetime (the spec's bound)
CROSS_PROCESS_DEADLINE = 11.5


# --- helpers -----------------------------------------------------------------------------------

def shift(instant, seconds):
    """An RFC 3339 instant moved by seconds, in UTC with Z."""
    t = datetime.fromisoformat(instant.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def create(t, now=KNOW, **body):
    return t.post("/v1/keys", body, now=now)


def created(t, name="k", role="staff", now=KNOW, **fields):
    r = create(t, now=now, name=name, role=role, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def as_key(t, secret):
    """An Api for the same tenant/server authenticated with another key."""
    return Api(t.base, secret, t.slug)


def probe(t, secret, now=KNOW):
    """A request every role may call (explain of a made-up service: 404 once authenticated);
    401 when the key is not accepted."""
    return t.get("/v1/slots/explain", key=secret, now=now,
                 params={"service_id": "svc_00000000000000000000",
                         "provider_id": "prv_00000000000000000000",
                         "start": "2026-03-02T10:00:00Z"})


def accepted(t, secret, now=KNOW):
    r = probe(t, secret, now)
    assert r.status_code in (401, 404), r.text
    return r.status_code == 404


def rejected(t, secret, now=KNOW):
    r = probe(t, secret, now)
    if r.status_code != 401:
        return False
    expect_problem(r, 401, "unauthorized")
    return True


def key_list(t, now=KNOW):
    return t.list_all("/v1/keys", now=now)


def ids(rows):
    return [r["id"] for r in rows]


def my_key_id(t):
    """The id of the tenant's first (tenant create) admin key: the only key of a new tenant."""
    rows = key_list(t)
    assert len(rows) == 1 and rows[0]["role"] == "admin", rows
    return rows[0]["id"]


@pytest.fixture
def t(server):
    return server.tenant()


@pytest.fixture(scope="module")
def second(server, slotd_bin, tmp_path_factory):
    """A second slotd process on the module server's database."""
    srv = Server(slotd_bin, None, tmp_path_factory.mktemp("second"), db_url=server.db_url)
    srv.start()
    yield srv
    try:
        rc = srv.stop()
    finally:
        srv.kill()
    assert rc == 0, f"second slotd exited with {rc}; stderr={srv.stderr()}"


# --- create -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_create_returns_the_key_and_its_secret_once(t, role):
    r = create(t, name="Front desk", role=role)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    k = r.json()
    assert set(k) == KEY_FIELDS | {"secret"}, k
    assert KEY_ID_RE.fullmatch(k["id"]), k["id"]
    assert {f: k[f] for f in ("name", "role", "provider_ids", "expires_at", "last_used_at",
                              "created_at")} == {
        "name": "Front desk", "role": role, "provider_ids": None, "expires_at": None,
        "last_used_at": None, "created_at": KNOW}
    assert k["secret"].startswith("sk_") and len(k["secret"]) > 20 and " " not in k["secret"]
    # Read back: the same, without the secret, and not yet used.
    g = t.ok("GET", f"/v1/keys/{k['id']}", now=KNOW)
    assert g == {f: v for f, v in k.items() if f != "secret"}
    listed = [row for row in key_list(t) if row["id"] == k["id"]]
    assert listed == [g]


def test_the_secret_authenticates_with_its_role(t):
    sid = t.service([t.provider("P")["id"]])["id"]
    admin = created(t, "a2", "admin")["secret"]
    staff = created(t, "s", "staff")["secret"]
    cust = created(t, "c", "customer")["secret"]
    body = {"name": "New", "timezone": "UTC"}
    assert t.post("/v1/providers", body, key=admin).status_code == 201
    expect_problem(t.post("/v1/providers", body, key=staff), 403, "forbidden")
    assert t.get("/v1/providers", key=staff).status_code == 200
    expect_problem(t.get("/v1/providers", key=cust), 403, "forbidden")
    r = t.get("/v1/slots", key=cust, now=KNOW,
              params={"service_id": sid, "from": "2026-03-02", "to": "2026-03-02"})
    assert r.status_code == 200, r.text


def test_staff_key_with_provider_ids_lists_them_sorted(t):
    pids = [t.provider(f"P{i}")["id"] for i in range(3)]
    k = created(t, "desk", "staff", provider_ids=[pids[2], pids[0]])
    assert k["provider_ids"] == sorted([pids[2], pids[0]])
    assert t.ok("GET", f"/v1/keys/{k['id']}")["provider_ids"] == sorted([pids[2], pids[0]])
    one = created(t, "one", "staff", provider_ids=[pids[1]])
    assert one["provider_ids"] == [pids[1]]


def test_expires_at_is_kept(t):
    k = created(t, "temp", "customer", expires_at="2026-03-01T09:00:00-05:00")
    assert instant(k["expires_at"]) == instant("2026-03-01T14:00:00Z")
    assert instant(t.ok("GET", f"/v1/keys/{k['id']}")["expires_at"]) == \
        instant("2026-03-01T14:00:00Z")


INVALID_CREATES = [
    ({"role": "staff"}, "/name"),
    ({"name": "", "role": "staff"}, "/name"),
    ({"name": "x" * 201, "role": "staff"}, "/name"),
    ({"name": 5, "role": "staff"}, "/name"),
    ({"name": "k"}, "/role"),
    ({"name": "k", "role": "owner"}, "/role"),
    ({"name": "k", "role": "Admin"}, "/role"),
    ({"name": "k", "role": None}, "/role"),
    ({"name": "k", "role": "staff", "extra": 1}, "/extra"),
    ({"name": "k", "role": "staff", "expires_at": "tomorrow"}, "/expires_at"),
    ({"name": "k", "role": "staff", "expires_at": KNOW}, "/expires_at"),
    ({"name": "k", "role": "staff", "expires_at": shift(KNOW, -1)}, "/expires_at"),
    ({"name": "k", "role": "staff", "expires_at": "2025-01-01T00:00:00Z"}, "/expires_at"),
    ({"name": "k", "role": "admin", "provider_ids": ["{p}"]}, "/provider_ids"),
    ({"name": "k", "role": "customer", "provider_ids": ["{p}"]}, "/provider_ids"),
    ({"name": "k", "role": "staff", "provider_ids": []}, "/provider_ids"),
    ({"name": "k", "role": "staff", "provider_ids": "{p}"}, "/provider_ids"),
    ({"name": "k", "role": "staff", "provider_ids": ["{p}", "prv_00000000000000000000"]},
     "/provider_ids/1"),
    ({"name": "k", "role": "staff", "provider_ids": ["prv_zzzzzzzzzzzzzzzzzzzz", "{p}"]},
     "/provider_ids/0"),
    ({"name": "k", "role": "staff", "provider_ids": ["nope"]}, "/provider_ids/0"),
    ({"name": "k", "role": "staff", "provider_ids": ["{foreign}"]}, "/provider_ids/0"),
]


@pytest.mark.parametrize("body,pointer", INVALID_CREATES,
                         ids=[f"{i}{p.replace('/', '-')}" for i, (_, p) in
                              enumerate(INVALID_CREATES)])
def test_invalid_create_is_422_and_makes_nothing(server, t, body, pointer):
    p = t.provider("Mine")["id"]
    foreign = server.tenant().provider("Theirs")["id"]

    def fill(v):
        if isinstance(v, str):
            return v.replace("{p}", p).replace("{foreign}", foreign)
        if isinstance(v, list):
            return [fill(x) for x in v]
        return v

    before = key_list(t)
    r = t.post("/v1/keys", {k: fill(v) for k, v in body.items()}, now=KNOW)
    expect_problem(r, 422, "validation_failed", pointer)
    assert key_list(t) == before


def test_name_of_200_bytes_and_expires_one_second_ahead_are_accepted(t):
    k = created(t, "x" * 200, "staff", expires_at=shift(KNOW, 1))
    assert k["name"] == "x" * 200
    assert instant(k["expires_at"]) == instant(shift(KNOW, 1))


def test_provider_ids_of_51_is_422_and_50_is_fine(t):
    pids = [t.provider(f"P{i}", "UTC")["id"] for i in range(51)]
    expect_problem(create(t, name="k", role="staff", provider_ids=pids), 422,
                   "validation_failed", "/provider_ids")
    k = created(t, "fifty", "staff", provider_ids=pids[:50])
    assert k["provider_ids"] == sorted(pids[:50])


# --- roles: admin only ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["staff", "customer"])
def test_staff_and_customer_keys_get_403_on_every_keys_route(t, role):
    other = created(t, "victim", "customer")
    secret = created(t, "caller", role)["secret"]
    before = key_list(t)
    for method, path, body in [
            ("GET", "/v1/keys", Api._MISSING),
            ("POST", "/v1/keys", {"name": "escalate", "role": "admin"}),
            ("GET", f"/v1/keys/{other['id']}", Api._MISSING),
            ("DELETE", f"/v1/keys/{other['id']}", Api._MISSING)]:
        r = t.request(method, path, body, key=secret, now=KNOW)
        expect_problem(r, 403, "forbidden")
    assert ids(key_list(t)) == ids(before)
    assert accepted(t, other["secret"])


def test_keys_routes_need_a_key(t):
    expect_problem(t.get("/v1/keys", key=None), 401, "unauthorized")
    expect_problem(t.post("/v1/keys", {"name": "k", "role": "admin"}, key=None), 401,
                   "unauthorized")


# --- list / get ---------------------------------------------------------------------------------

def test_list_is_by_id_paged_and_never_shows_a_secret(t):
    made = [created(t, f"k{i}", role) for i, role in
            enumerate(["staff", "customer", "admin", "staff"])]
    everything = key_list(t)
    assert ids(everything) == sorted(ids(everything))
    assert set(ids(made)) <= set(ids(everything))
    assert len(everything) == 5          # + the tenant create admin key
    for row in everything:
        assert set(row) == KEY_FIELDS, row
        assert "secret" not in row
    # Pages of two follow the cursor to the same rows.
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = t.ok("GET", "/v1/keys", params=params, now=KNOW)
        assert set(page) == {"data", "next_cursor"}
        assert len(page["data"]) <= 2
        seen += ids(page["data"])
        cursor = page["next_cursor"]
        pages += 1
        if cursor is None:
            break
        assert pages < 10
    assert seen == ids(everything)
    assert pages == 3
    # No secret anywhere in the list's text either.
    text = t.get("/v1/keys", params={"limit": 200}).text
    for k in made:
        assert k["secret"] not in text
        assert k["secret"] not in t.get(f"/v1/keys/{k['id']}").text


@pytest.mark.parametrize("kid", ["key_00000000000000000000", "nope",
                                 "prv_00000000000000000000"])
def test_unknown_key_is_404(t, kid):
    expect_problem(t.get(f"/v1/keys/{kid}"), 404, "not_found")
    expect_problem(t.delete(f"/v1/keys/{kid}"), 404, "not_found")


# --- last_used_at --------------------------------------------------------------------------------

def test_last_used_at_is_set_from_the_requests_now(t, server, second):
    """First use sets last_used_at to the request's now; a use less than a minute later does
    not move it, one more than a minute later does. The second and later uses go through a
    second process, whose auth cache has never seen the key, so each is a real look-up."""
    k1 = created(t, "k1", "customer")
    k2 = created(t, "k2", "customer")
    for k in (k1, k2):
        assert t.ok("GET", f"/v1/keys/{k['id']}")["last_used_at"] is None
    t1 = "2026-03-02T08:00:00Z"
    assert accepted(t, k1["secret"], now=t1)
    assert accepted(t, k2["secret"], now=t1)
    for k in (k1, k2):
        assert t.ok("GET", f"/v1/keys/{k['id']}")["last_used_at"] == t1
    other = Api(second.base, t.key, t.slug)
    # Less than a minute later: unchanged.
    assert accepted(other, k1["secret"], now=shift(t1, 30))
    assert t.ok("GET", f"/v1/keys/{k1['id']}")["last_used_at"] == t1
    # More than a minute later: moved to that request's now.
    assert accepted(other, k2["secret"], now=shift(t1, 61))
    assert t.ok("GET", f"/v1/keys/{k2['id']}")["last_used_at"] == shift(t1, 61)
    # The list says the same.
    rows = {r["id"]: r for r in key_list(t)}
    assert rows[k1["id"]]["last_used_at"] == t1
    assert rows[k2["id"]]["last_used_at"] == shift(t1, 61)


# --- revoke --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_revoke_stops_the_key_at_once_and_hides_it(t, role):
    k = created(t, "doomed", role)
    keep = created(t, "kept", "customer")
    assert accepted(t, k["secret"])          # now in this process's auth cache
    r = t.delete(f"/v1/keys/{k['id']}", now=KNOW)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert rejected(t, k["secret"])
    assert k["id"] not in ids(key_list(t))
    expect_problem(t.get(f"/v1/keys/{k['id']}"), 404, "not_found")
    expect_problem(t.delete(f"/v1/keys/{k['id']}"), 404, "not_found")
    # Others are untouched.
    assert accepted(t, keep["secret"])
    assert accepted(t, t.key)
    assert keep["id"] in ids(key_list(t))


def test_revoked_admin_key_cannot_write(t):
    k = created(t, "second admin", "admin")
    assert t.post("/v1/providers", {"name": "A", "timezone": "UTC"},
                  key=k["secret"]).status_code == 201
    assert t.delete(f"/v1/keys/{k['id']}").status_code == 204
    before = t.list_all("/v1/providers")
    expect_problem(t.post("/v1/providers", {"name": "B", "timezone": "UTC"},
                          key=k["secret"]), 401, "unauthorized")
    assert t.list_all("/v1/providers") == before


def test_revocation_reaches_another_process_within_the_cache_lifetime(t, second):
    other = Api(second.base, t.key, t.slug)
    k = created(t, "roaming", "staff")
    # The second process knows (and caches) the key.
    assert other.get("/v1/providers", key=k["secret"]).status_code == 200
    assert accepted(other, k["secret"])
    assert t.delete(f"/v1/keys/{k['id']}").status_code == 204
    revoked_at = time.monotonic()
    assert rejected(t, k["secret"])          # at once on the process that revoked it
    # On the other process: 401 within the cache lifetime.
    while True:
        r = other.get("/v1/providers", key=k["secret"])
        if r.status_code == 401:
            expect_problem(r, 401, "unauthorized")
            break
        assert r.status_code == 200, r.text
        elapsed = time.monotonic() - revoked_at
        assert elapsed < CROSS_PROCESS_DEADLINE, \
            f"revoked key still accepted by another process {elapsed:.1f}s after revocation"
        time.sleep(0.25)
    # And it stays rejected.
    assert rejected(other, k["secret"])
    assert k["id"] not in ids(key_list(other))


def test_key_made_on_one_process_works_on_another(t, second):
    other = Api(second.base, t.key, t.slug)
    k = created(t, "fresh", "staff")
    assert other.get("/v1/providers", key=k["secret"]).status_code == 200
    assert k["id"] in ids(key_list(other))


# --- the last live admin key ---------------------------------------------------------------------

def test_last_admin_key_cannot_be_revoked(t):
    kid = my_key_id(t)
    staff = created(t, "desk", "staff")
    cust = created(t, "widget", "customer")
    before = key_list(t)
    p = expect_problem(t.delete(f"/v1/keys/{kid}", now=KNOW), 409, "last_admin_key")
    assert p["status"] == 409
    assert accepted(t, t.key)
    assert t.ok("GET", f"/v1/keys/{kid}")["role"] == "admin"
    assert ids(key_list(t)) == ids(before)
    # Other roles do not count as admins, but they may go.
    assert t.delete(f"/v1/keys/{staff['id']}").status_code == 204
    assert t.delete(f"/v1/keys/{cust['id']}").status_code == 204
    expect_problem(t.delete(f"/v1/keys/{kid}", now=KNOW), 409, "last_admin_key")
    assert accepted(t, t.key)


def test_with_a_second_admin_key_the_first_may_go(t):
    first = my_key_id(t)
    second_admin = created(t, "backup admin", "admin")
    assert t.delete(f"/v1/keys/{first}", now=KNOW).status_code == 204
    assert rejected(t, t.key)
    b = as_key(t, second_admin["secret"])
    assert ids(key_list(b)) == [second_admin["id"]]
    # Now the second one is the last.
    expect_problem(b.delete(f"/v1/keys/{second_admin['id']}", now=KNOW), 409,
                   "last_admin_key")
    assert accepted(b, b.key)


def test_an_admin_may_revoke_itself_when_another_admin_is_live(t):
    other_admin = created(t, "other admin", "admin")
    me = created(t, "me", "admin")
    meapi = as_key(t, me["secret"])
    assert meapi.delete(f"/v1/keys/{me['id']}", now=KNOW).status_code == 204
    assert rejected(t, me["secret"])
    assert accepted(t, other_admin["secret"])


def test_an_expired_admin_key_is_not_a_live_admin(t):
    first = my_key_id(t)
    temp = created(t, "temp admin", "admin", expires_at=shift(KNOW, 3600))
    later = shift(KNOW, 7200)
    before = key_list(t, now=later)
    expect_problem(t.delete(f"/v1/keys/{first}", now=later), 409, "last_admin_key")
    assert accepted(t, t.key, now=later)
    assert ids(key_list(t, now=later)) == ids(before)
    # While the temporary key is still live, the first may go.
    assert t.delete(f"/v1/keys/{first}", now=shift(KNOW, 60)).status_code == 204
    assert rejected(t, t.key, now=shift(KNOW, 60))
    tmp = as_key(t, temp["secret"])
    expect_problem(tmp.delete(f"/v1/keys/{temp['id']}", now=shift(KNOW, 120)), 409,
                   "last_admin_key")


# --- expiry --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_a_key_works_until_expires_at_then_is_401(t, role):
    k = created(t, "temp", role, expires_at=shift(KNOW, 3600))
    assert accepted(t, k["secret"], now=KNOW)                # and cached now
    assert accepted(t, k["secret"], now=shift(KNOW, 3599))
    assert rejected(t, k["secret"], now=shift(KNOW, 3601))   # cached or not
    assert rejected(t, k["secret"], now=shift(KNOW, 86400))
    # The clock is the request's: earlier "now" accepts it again.
    assert accepted(t, k["secret"], now=shift(KNOW, 10))
    # An expired key is still listed (it is not revoked).
    assert k["id"] in ids(key_list(t))


def test_an_expired_key_is_401_on_first_use(t):
    k = created(t, "never used", "staff", expires_at=shift(KNOW, 60))
    r = t.get("/v1/providers", key=k["secret"], now=shift(KNOW, 61))
    expect_problem(r, 401, "unauthorized")
    assert t.get("/v1/providers", key=k["secret"], now=shift(KNOW, 59)).status_code == 200


# --- the CLI ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_cli_key_create_with_name_appears_in_the_list(server, t, role):
    name = f"CLI {role} key"
    cp = run_cli(server.binary, "key", "create", t.slug, "--role", role, "--name", name,
                 "--db", server.db_url)
    assert cp.returncode == 0, cp.stderr
    secret = cp.stdout.strip().splitlines()[-1].strip()
    assert secret.startswith("sk_") and " " not in secret, cp.stdout
    rows = [r for r in key_list(t) if r["name"] == name]
    assert len(rows) == 1, key_list(t)
    assert rows[0]["role"] == role
    assert rows[0]["provider_ids"] is None and rows[0]["expires_at"] is None
    assert accepted(t, secret)
    assert secret not in t.get("/v1/keys").text


# --- tenants ------------------------------------------------------------------------------------

def test_keys_are_per_tenant(server, t):
    a_admin = my_key_id(t)
    a_key = created(t, "a's key", "staff")
    b = server.tenant()
    b_key = created(b, "b's key", "staff")
    assert a_key["id"] not in ids(key_list(b))
    assert b_key["id"] not in ids(key_list(t))
    expect_problem(b.get(f"/v1/keys/{a_key['id']}"), 404, "not_found")
    expect_problem(b.delete(f"/v1/keys/{a_key['id']}"), 404, "not_found")
    expect_problem(b.get(f"/v1/keys/{a_admin}"), 404, "not_found")
    expect_problem(b.delete(f"/v1/keys/{a_admin}"), 404, "not_found")
    assert accepted(t, a_key["secret"])
    assert a_key["id"] in ids(key_list(t))
    # A's staff key made through the API is A's: it sees A's providers only.
    pa = t.provider("A's")["id"]
    b.provider("B's")
    assert [p["id"] for p in t.list_all("/v1/providers", key=a_key["secret"])] == [pa]
