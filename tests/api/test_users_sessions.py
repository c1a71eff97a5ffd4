"""Users of a tenant and their sessions: POST/GET/PATCH/DELETE /v1/users (admin only), signing
in with POST /v1/sessions (a cookie `slotd_session` and a CSRF token), GET and DELETE
/v1/sessions/current, DELETE /v1/users/{id}/sessions; what a session may do (the role of its
user, a staff user's provider scope), CSRF on every change, idle and absolute expiry (test
clock), failed sign-ins limited per address and per account, the actor of changes made with a
session, `slotd user create`, users carried by export/import and copy, and the demo users.

Every test works in tenants of its own. "now" is NOW (2 Feb 2026 10:00Z) unless a test says
otherwise; a Browser sends X-Test-Now with every request. Mon 2 Mar 2026 is EST in New York.
"""
import hashlib
import json
import os
import pty
import re
import sqlite3
import statistics
import subprocess
import threading
import time
import types
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

import pg_helpers
from booking_helpers import make_key
from conftest import (Api, NO_BODY, Server, create_tenant, expect_problem, new_db_url,
                      pg_processes, run_cli, weekdays)

NY = "America/New_York"
NOW = "2026-02-02T10:00:00Z"
MON, TUE = "2026-03-02", "2026-03-03"
COOKIE = "slotd_session"
PW = "correct horse battery"
USER_FIELDS = {"id", "email", "name", "role", "provider_id", "disabled", "created_at",
               "updated_at", "last_login_at"}
SESSION_FIELDS = {"user", "tenant", "csrf_token", "expires_at", "idle_timeout_seconds"}
USR_RE = re.compile(r"usr_[0-9a-z]{20}")
UTC_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
BAD_CREDENTIALS = "organisation, e-mail or password is wrong"
EXPIRED = "your session has expired; sign in again"
IDLE = 8 * 3600
LIFETIME = 7 * 86400
ON = {"SLOTD_RATE_LIMITS": "on"}
ADMIN_KEY_NAME = "admin key (tenant create)"
_ABSENT = object()


# --- helpers -----------------------------------------------------------------------------------

def shift(instant, seconds):
    t = datetime.fromisoformat(instant.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def email():
    return f"u{uuid.uuid4().hex[:10]}@example.com"


class Browser(Api):
    """A client signed in with a session: no Authorization header, the cookie jar of its
    requests.Session, X-CSRF-Token (of its session) on every request but GET/HEAD, and
    X-Test-Now (self.now) on every request. forwarded: an X-Forwarded-For to send."""

    def __init__(self, base, now=NOW, forwarded=None):
        super().__init__(base, None)
        self.csrf = None
        self.now = now
        self.forwarded = forwarded
        self.signed = None

    def request(self, method, path, body=Api._MISSING, *, csrf=True, now=None, headers=None,
                **kw):
        h = {}
        if self.forwarded:
            h["X-Forwarded-For"] = self.forwarded
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if headers:
            h.update(headers)
        return super().request(method, path, body, now=now or self.now, headers=h, **kw)

    def sign_in(self, slug, mail, password, **kw):
        r = self.post("/v1/sessions", {"tenant": slug, "email": mail, "password": password},
                      csrf=False, **kw)
        if r.status_code == 201:
            self.signed = r.json()
            self.csrf = self.signed["csrf_token"]
        return r

    def token(self):
        return self.s.cookies.get(COOKIE)


def signed_in(base, slug, mail, password=PW, now=NOW, forwarded=None):
    b = Browser(base, now=now, forwarded=forwarded)
    r = b.sign_in(slug, mail, password)
    assert r.status_code == 201, r.text
    assert b.token(), f"no {COOKIE} cookie kept: {r.headers}"
    return b


def with_cookie(base, token, method="GET", path="/v1/sessions/current", now=NOW, headers=None,
                body=_ABSENT):
    """A request carrying only the given session token as its cookie (a stolen or kept cookie,
    outside any jar)."""
    api = Api(base, None)
    h = {"Cookie": f"{COOKIE}={token}"}
    h.update(headers or {})
    if body is _ABSENT:
        return api.request(method, path, now=now, headers=h)
    return api.request(method, path, body, now=now, headers=h)


def create_user(t, mail=None, role="admin", password=PW, provider_id=_ABSENT, name=None,
                now=NOW):
    body = {"email": mail or email(), "name": name or "Some One", "role": role}
    if password is not None:
        body["password"] = password
    if provider_id is not _ABSENT:
        body["provider_id"] = provider_id
    return t.post("/v1/users", body, now=now)


def user(t, mail=None, role="admin", password=PW, **kw):
    r = create_user(t, mail, role, password, **kw)
    assert r.status_code == 201, r.text
    return r.json()


def users(t):
    return t.list_all("/v1/users")


def set_cookie(r):
    """The Set-Cookie header (one, for slotd_session): (value, {attribute lower: value})."""
    raw = r.headers.get("Set-Cookie")
    assert raw, f"no Set-Cookie: {dict(r.headers)}"
    parts = [p.strip() for p in raw.split(";")]
    name, _, value = parts[0].partition("=")
    assert name == COOKIE, raw
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return value, attrs, raw


def admin_key_id(t):
    found = [k["id"] for k in t.list_all("/v1/keys") if k["name"] == ADMIN_KEY_NAME]
    assert len(found) == 1
    return found[0]


def events(t, **params):
    out, after = [], params.pop("after", 0)
    for _ in range(1000):
        pg = t.ok("GET", "/v1/events", params={"after": after, "limit": 200, **params}, now=NOW)
        out += pg["data"]
        if pg["next_after"] is None:
            return out
        after = pg["next_after"]
    raise AssertionError("events do not end")


def last_seq(t):
    ev = events(t)
    return ev[-1]["seq"] if ev else 0


def no_secret(text, *secrets):
    assert "argon2" not in text.lower(), text
    assert "password_hash" not in text, text
    for s in secrets:
        assert s not in text, f"a password shows in {text}"


def book(t, sid, start, provider_id=_ABSENT, now=NOW):
    b = {"service_id": sid, "start": start,
         "customer": {"name": "Ann Lee", "email": "ann@example.com"}}
    if provider_id is not _ABSENT:
        b["provider_id"] = provider_id
    return t.post("/v1/bookings", b, now=now,
                  headers={"Idempotency-Key": "key-" + uuid.uuid4().hex})


def booked(t, sid, start, provider_id=_ABSENT):
    r = book(t, sid, start, provider_id)
    assert r.status_code == 201, r.text
    return r.json()


def at(day, hm):
    return f"{day}T{hm}:00-05:00"


def ids(rows):
    return [r["id"] for r in rows]


@pytest.fixture
def t(server):
    return server.tenant()


class World(types.SimpleNamespace):
    """Users are made on first use (each costs a password hash)."""

    def _user(self, name, **kw):
        if name not in self.made:
            self.made[name] = user(self.t, **kw)
        return self.made[name]

    @property
    def admin(self):
        return self._user("admin", role="admin")

    @property
    def scoped(self):
        return self._user("scoped", role="staff", provider_id=self.p1)

    @property
    def staff(self):
        return self._user("staff", role="staff")


@pytest.fixture
def w(server):
    """A tenant with providers p1, p2 (New York 09:00-17:00 weekdays), a 60-minute service of
    both, an admin user (`admin`), a staff user scoped to p1 (`scoped`) and an unscoped staff
    user (`staff`), all with password PW (each made when a test first asks for it)."""
    t = server.tenant()
    p1, p2 = t.provider("P1", NY)["id"], t.provider("P2", NY)["id"]
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p1, p2], "Consult", 60)["id"]
    return World(t=t, server=server, p1=p1, p2=p2, sid=sid, made={}, base=t.base,
                 slug=t.slug)


def browser(w, u, **kw):
    return signed_in(w.base, w.slug, u["email"], **kw)


# --- users: create ------------------------------------------------------------------------------

def test_create_with_a_password_returns_the_user_and_never_the_password(t):
    r = create_user(t, "Ann.Admin@Example.COM", "admin", PW, name="Ann Admin")
    assert r.status_code == 201, r.text
    u = r.json()
    assert set(u) == USER_FIELDS, u
    assert USR_RE.fullmatch(u["id"]), u["id"]
    assert u["email"] == "ann.admin@example.com", "e-mail is stored lower-cased"
    assert (u["name"], u["role"], u["provider_id"], u["disabled"], u["last_login_at"]) == \
        ("Ann Admin", "admin", None, False, None)
    assert u["created_at"] == u["updated_at"] == NOW
    no_secret(r.text, PW)
    assert t.ok("GET", f"/v1/users/{u['id']}") == u
    assert users(t) == [u]
    # It signs in with the password it was given, in any case of its e-mail.
    assert Browser(t.base).sign_in(t.slug, "ANN.ADMIN@example.com", PW).status_code == 201


def test_create_without_a_password_shows_a_generated_one_once(t):
    r = create_user(t, role="staff", password=None)
    assert r.status_code == 201, r.text
    body = r.json()
    gen = body.pop("password")
    assert re.fullmatch(r"[A-Za-z0-9_-]{20}", gen), gen
    assert set(body) == USER_FIELDS
    got = t.get(f"/v1/users/{body['id']}")
    assert got.json() == body and "password" not in got.json()
    no_secret(got.text, gen)
    lst = t.get("/v1/users")
    no_secret(lst.text, gen)
    assert [u for u in lst.json()["data"] if "password" in u] == []
    # Another user gets another password.
    other = create_user(t, role="staff", password=None).json()["password"]
    assert other != gen
    assert Browser(t.base).sign_in(t.slug, body["email"], gen).status_code == 201
    assert Browser(t.base).sign_in(t.slug, body["email"], other).status_code == 401


LONG_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"   # 254

INVALID_CREATES = [
    ({"name": "N", "role": "admin", "password": PW}, "/email"),
    ({"email": "nope", "name": "N", "role": "admin", "password": PW}, "/email"),
    ({"email": 5, "name": "N", "role": "admin", "password": PW}, "/email"),
    ({"email": LONG_EMAIL.replace(".com", "d.com"), "name": "N", "role": "admin",
      "password": PW}, "/email"),
    ({"email": "{e}", "role": "admin", "password": PW}, "/name"),
    ({"email": "{e}", "name": "", "role": "admin", "password": PW}, "/name"),
    ({"email": "{e}", "name": "x" * 201, "role": "admin", "password": PW}, "/name"),
    ({"email": "{e}", "name": "N", "password": PW}, "/role"),
    ({"email": "{e}", "name": "N", "role": "owner", "password": PW}, "/role"),
    ({"email": "{e}", "name": "N", "role": "customer", "password": PW}, "/role"),
    ({"email": "{e}", "name": "N", "role": "admin", "password": "x" * 9}, "/password"),
    ({"email": "{e}", "name": "N", "role": "admin", "password": "x" * 201}, "/password"),
    ({"email": "{e}", "name": "N", "role": "admin", "password": 1234567890}, "/password"),
    ({"email": "{e}", "name": "N", "role": "staff", "password": PW,
      "provider_id": "prv_00000000000000000000"}, "/provider_id"),
    ({"email": "{e}", "name": "N", "role": "staff", "password": PW,
      "provider_id": "{foreign}"}, "/provider_id"),
    ({"email": "{e}", "name": "N", "role": "staff", "password": PW, "provider_id": "nope"},
     "/provider_id"),
    ({"email": "{e}", "name": "N", "role": "admin", "password": PW, "extra": 1}, "/extra"),
]


@pytest.mark.parametrize("body,pointer", INVALID_CREATES,
                         ids=[f"{i}{p.replace('/', '-')}" for i, (_, p) in
                              enumerate(INVALID_CREATES)])
def test_invalid_create_is_422_at_the_field_and_stores_nothing(server, t, body, pointer):
    user(t, role="staff")
    foreign = server.tenant().provider("Theirs")["id"]
    mail = email()
    body = {k: (v.replace("{e}", mail).replace("{foreign}", foreign) if isinstance(v, str)
                else v) for k, v in body.items()}
    before, seq = users(t), last_seq(t)
    expect_problem(t.post("/v1/users", body, now=NOW), 422, "validation_failed", pointer)
    assert users(t) == before
    assert events(t, after=seq) == []
    if "email" in body and isinstance(body["email"], str):
        assert Browser(t.base).sign_in(t.slug, body["email"], PW).status_code == 401


def test_a_body_that_is_no_object_is_refused(t):
    for raw in (b"[]", b"\"x\"", b"{"):
        r = t.post("/v1/users", data=raw, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), r.text
    assert users(t) == []


def test_bounds_are_accepted(t):
    u = user(t, LONG_EMAIL.upper(), "staff", "p" * 10, name="n" * 200)
    assert u["email"] == LONG_EMAIL and u["name"] == "n" * 200
    v = user(t, role="staff", password="q" * 200)
    assert Browser(t.base).sign_in(t.slug, LONG_EMAIL, "p" * 10).status_code == 201
    assert Browser(t.base).sign_in(t.slug, v["email"], "q" * 200).status_code == 201
    # Multi-byte: 10 bytes in 5 characters is long enough.
    x = user(t, role="staff", password="\u00e9" * 5)
    assert Browser(t.base).sign_in(t.slug, x["email"], "\u00e9" * 5).status_code == 201


def test_duplicate_email_in_any_case_is_409(server, t):
    u = user(t, "dup@example.com", "admin")
    before, seq = users(t), last_seq(t)
    for mail in ("dup@example.com", "DUP@Example.com"):
        expect_problem(create_user(t, mail, "staff", "another password"), 409, "conflict")
    assert users(t) == before and events(t, after=seq) == []
    # The first user's password is unchanged.
    assert Browser(t.base).sign_in(t.slug, "dup@example.com", PW).status_code == 201
    assert Browser(t.base).sign_in(t.slug, "dup@example.com",
                                   "another password").status_code == 401
    # Another tenant may have the same address.
    other = server.tenant()
    assert user(other, "dup@example.com", "admin")["id"] != u["id"]


def test_provider_id_of_the_tenant_is_kept(t):
    p = t.provider("Mine", NY)["id"]
    u = user(t, role="staff", provider_id=p)
    assert u["provider_id"] == p
    assert t.ok("GET", f"/v1/users/{u['id']}")["provider_id"] == p


# --- users: who may ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["staff", "customer"])
def test_staff_and_customer_keys_get_403_on_every_users_route(server, t, role):
    victim = user(t, role="admin")
    k = make_key(server, t, role)
    before, seq = users(t), last_seq(t)
    for method, path, body in [
            ("GET", "/v1/users", NO_BODY),
            ("POST", "/v1/users", {"email": email(), "name": "Esc", "role": "admin",
                                   "password": PW}),
            ("GET", f"/v1/users/{victim['id']}", NO_BODY),
            ("PATCH", f"/v1/users/{victim['id']}", {"password": "stolen password"}),
            ("DELETE", f"/v1/users/{victim['id']}", NO_BODY),
            ("DELETE", f"/v1/users/{victim['id']}/sessions", NO_BODY)]:
        expect_problem(k.request(method, path, body, now=NOW), 403, "forbidden")
    assert users(t) == before and events(t, after=seq) == []
    assert Browser(t.base).sign_in(t.slug, victim["email"], PW).status_code == 201


def test_users_routes_need_authentication(t):
    expect_problem(t.get("/v1/users", key=None), 401)
    expect_problem(t.post("/v1/users", {"email": email(), "name": "N", "role": "admin",
                                        "password": PW}, key=None), 401)
    assert users(t) == []


def test_another_tenants_user_is_404(server, t):
    other = server.tenant()
    theirs = user(other, role="admin")
    before = other.ok("GET", f"/v1/users/{theirs['id']}")
    for method, path, body in [
            ("GET", f"/v1/users/{theirs['id']}", NO_BODY),
            ("PATCH", f"/v1/users/{theirs['id']}", {"name": "Hijacked"}),
            ("DELETE", f"/v1/users/{theirs['id']}", NO_BODY),
            ("DELETE", f"/v1/users/{theirs['id']}/sessions", NO_BODY)]:
        expect_problem(t.request(method, path, body, now=NOW), 404, "not_found")
    assert other.ok("GET", f"/v1/users/{theirs['id']}") == before
    assert ids(users(t)) == []
    # Nor may a user sign in to another tenant.
    assert Browser(t.base).sign_in(t.slug, theirs["email"], PW).status_code == 401
    assert Browser(t.base).sign_in(other.slug, theirs["email"], PW).status_code == 201


@pytest.mark.parametrize("uid", ["usr_00000000000000000000", "nope"])
def test_unknown_user_is_404(t, uid):
    for method, path, body in [("GET", f"/v1/users/{uid}", NO_BODY),
                               ("PATCH", f"/v1/users/{uid}", {"name": "X"}),
                               ("DELETE", f"/v1/users/{uid}", NO_BODY)]:
        expect_problem(t.request(method, path, body, now=NOW), 404, "not_found")


# --- users: list, patch, delete ----------------------------------------------------------------

def test_list_is_by_id_and_pages(t):
    made = [user(t, role=("admin", "staff")[i % 2]) for i in range(5)]
    rows = users(t)
    assert ids(rows) == sorted(ids(made))
    seen, cursor = [], None
    for _ in range(10):
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        pg = t.ok("GET", "/v1/users", params=params)
        assert set(pg) == {"data", "next_cursor"}
        assert len(pg["data"]) <= 2
        seen += pg["data"]
        cursor = pg["next_cursor"]
        if cursor is None:
            break
    assert seen == rows


def test_patch_changes_each_field(t):
    p = t.provider("Mine", NY)["id"]
    u = user(t, role="admin", name="Before")
    later = shift(NOW, 60)
    got = t.ok("PATCH", f"/v1/users/{u['id']}", {"name": "After"}, now=later)
    assert got == dict(u, name="After", updated_at=later)
    got = t.ok("PATCH", f"/v1/users/{u['id']}", {"role": "staff", "provider_id": p}, now=later)
    assert (got["role"], got["provider_id"]) == ("staff", p)
    got = t.ok("PATCH", f"/v1/users/{u['id']}", {"provider_id": None}, now=later)
    assert got["provider_id"] is None and got["role"] == "staff"
    got = t.ok("PATCH", f"/v1/users/{u['id']}", {"disabled": True}, now=later)
    assert got["disabled"] is True
    assert t.ok("GET", f"/v1/users/{u['id']}") == got
    assert (got["email"], got["created_at"]) == (u["email"], u["created_at"])
    # A disabled user cannot sign in; enabled again, it can.
    assert Browser(t.base).sign_in(t.slug, u["email"], PW).status_code == 401
    t.ok("PATCH", f"/v1/users/{u['id']}", {"disabled": False}, now=later)
    assert Browser(t.base).sign_in(t.slug, u["email"], PW).status_code == 201
    # A new password replaces the old one.
    r = t.patch(f"/v1/users/{u['id']}", {"password": "a new password"}, now=later)
    assert r.status_code == 200, r.text
    no_secret(r.text, "a new password")
    assert Browser(t.base).sign_in(t.slug, u["email"], PW).status_code == 401
    assert Browser(t.base).sign_in(t.slug, u["email"], "a new password").status_code == 201


INVALID_PATCHES = [
    ({"name": ""}, "/name"),
    ({"name": "x" * 201}, "/name"),
    ({"role": "owner"}, "/role"),
    ({"role": None}, "/role"),
    ({"disabled": "yes"}, "/disabled"),
    ({"password": "short"}, "/password"),
    ({"password": None}, "/password"),
    ({"provider_id": "prv_00000000000000000000"}, "/provider_id"),
    ({"provider_id": "{foreign}"}, "/provider_id"),
    ({"extra": 1}, "/extra"),
]


@pytest.mark.parametrize("body,pointer", INVALID_PATCHES,
                         ids=[f"{i}{p.replace('/', '-')}" for i, (_, p) in
                              enumerate(INVALID_PATCHES)])
def test_invalid_patch_is_422_and_changes_nothing(server, t, body, pointer):
    foreign = server.tenant().provider("Theirs")["id"]
    u = user(t, role="staff")
    body = {k: (v.replace("{foreign}", foreign) if isinstance(v, str) else v)
            for k, v in body.items()}
    b = signed_in(t.base, t.slug, u["email"])
    seq = last_seq(t)
    expect_problem(t.patch(f"/v1/users/{u['id']}", body, now=NOW), 422, "validation_failed",
                   pointer)
    assert t.ok("GET", f"/v1/users/{u['id']}")["updated_at"] == u["updated_at"]
    assert {k: v for k, v in t.ok("GET", f"/v1/users/{u['id']}").items()
            if k != "last_login_at"} == {k: v for k, v in u.items() if k != "last_login_at"}
    assert events(t, after=seq) == []
    assert b.get("/v1/sessions/current").status_code == 200, "its session lives on"


def test_delete_removes_the_user(t):
    u = user(t, role="staff")
    keep = user(t, role="staff")
    assert t.delete(f"/v1/users/{u['id']}", now=NOW).status_code == 204
    expect_problem(t.get(f"/v1/users/{u['id']}"), 404, "not_found")
    assert ids(users(t)) == [keep["id"]]
    expect_problem(t.delete(f"/v1/users/{u['id']}", now=NOW), 404, "not_found")
    expect_problem(Browser(t.base).sign_in(t.slug, u["email"], PW), 401, "invalid_credentials")
    # The address is free again.
    assert user(t, u["email"], "staff")["id"] != u["id"]


def test_user_events_name_the_actor_and_never_a_password(t):
    kid = admin_key_id(t)
    key_actor = {"type": "key", "id": kid, "role": "admin"}
    seq = last_seq(t)
    u = user(t, role="staff", name="Evented")
    gen_r = create_user(t, role="staff", password=None)
    gen = gen_r.json()["password"]
    g = {k: v for k, v in gen_r.json().items() if k != "password"}
    later = shift(NOW, 120)
    patched = t.ok("PATCH", f"/v1/users/{u['id']}", {"name": "Renamed",
                                                    "password": "secret new password"},
                   now=later)
    assert t.delete(f"/v1/users/{g['id']}", now=later).status_code == 204
    ev = events(t, after=seq)
    assert [(e["type"], e["subject_id"]) for e in ev] == [
        ("user.created", u["id"]), ("user.created", g["id"]), ("user.updated", u["id"]),
        ("user.deleted", g["id"])], ev
    assert all(e["actor"] == key_actor for e in ev), ev
    assert ev[0]["payload"] == u and ev[1]["payload"] == g
    assert ev[2]["payload"] == patched
    assert ev[3]["payload"]["id"] == g["id"]
    if ev[2]["changes"] is not None:
        assert ev[2]["changes"].get("name") == ["Evented", "Renamed"], ev[2]
    for e in ev:
        assert "password" not in e["payload"], e
        no_secret(json.dumps(e), PW, gen, "secret new password")
    # Found by the key's id.
    assert {e["id"] for e in ev} <= {e["id"] for e in events(t, actor_id=kid)}


# --- sessions: sign in, current, sign out ------------------------------------------------------

def test_sign_in_answers_the_session_and_sets_a_strict_http_only_cookie(t):
    u = user(t, "Desk@Example.com", "staff", name="Desk")
    b = Browser(t.base)
    r = b.sign_in(t.slug, "desk@example.com", PW)
    assert r.status_code == 201, r.text
    s = r.json()
    assert set(s) == SESSION_FIELDS, s
    assert s["user"] == dict(u, last_login_at=NOW)
    ten = s["tenant"]
    assert set(ten) == {"id", "slug", "name"} and ten["slug"] == t.slug
    assert isinstance(ten["id"], str) and ten["id"] and isinstance(ten["name"], str), ten
    assert isinstance(s["csrf_token"], str) and len(s["csrf_token"]) >= 20
    assert s["expires_at"] == shift(NOW, LIFETIME)
    assert s["idle_timeout_seconds"] == IDLE
    no_secret(r.text, PW)
    value, attrs, raw = set_cookie(r)
    assert re.fullmatch(r"ses_[A-Za-z0-9_-]{43,}", value), value
    assert value not in r.text, "the token is in the cookie only"
    assert attrs.get("path") == "/", raw
    assert "httponly" in attrs, raw
    assert attrs.get("samesite", "").lower() == "strict", raw
    assert attrs.get("max-age") == str(LIFETIME), raw
    assert "secure" not in attrs, "plain http: no Secure"
    assert "domain" not in attrs, raw
    assert b.token() == value
    # The sign-in is the user's last login.
    assert t.ok("GET", f"/v1/users/{u['id']}")["last_login_at"] == NOW
    # Two sign-ins are two sessions with different tokens and CSRF tokens.
    b2 = signed_in(t.base, t.slug, u["email"])
    assert b2.token() != value and b2.csrf != b.csrf


def test_current_answers_the_same_body_as_the_sign_in(t):
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    r = b.get("/v1/sessions/current", now=shift(NOW, 30))
    assert r.status_code == 200, r.text
    assert r.json() == b.signed
    expect_problem(Browser(t.base).get("/v1/sessions/current"), 401)
    expect_problem(with_cookie(t.base, "ses_" + "A" * 43), 401)
    expect_problem(with_cookie(t.base, ""), 401)


def test_the_session_cookie_is_found_among_other_cookies(t):
    u = user(t, role="admin")
    token = signed_in(t.base, t.slug, u["email"]).token()
    for header in (f"theme=dark; {COOKIE}={token}; lang=de",
                   f"{COOKIE}={token};other=1",
                   f"a=1;  {COOKIE}={token}",
                   f"x{COOKIE}=nope; {COOKIE}={token}"):
        r = Api(t.base, None).get("/v1/sessions/current", now=NOW, headers={"Cookie": header})
        assert r.status_code == 200, (header, r.text)
        assert r.json()["user"]["id"] == u["id"]
    # A name that only ends like it, or a token with something appended, is no session.
    for header in (f"x{COOKIE}={token}", f"{COOKIE}={token}x", f"{COOKIE}x={token}"):
        r = Api(t.base, None).get("/v1/sessions/current", now=NOW, headers={"Cookie": header})
        assert r.status_code == 401, (header, r.text)


def test_sign_out_clears_the_cookie_and_the_old_cookie_is_dead(t):
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    token = b.token()
    other = signed_in(t.base, t.slug, u["email"])
    # Without the CSRF token, nothing happens.
    expect_problem(b.delete("/v1/sessions/current", csrf=False), 403, "csrf_failed")
    assert with_cookie(t.base, token).status_code == 200
    r = b.delete("/v1/sessions/current")
    assert r.status_code == 204, r.text
    value, attrs, raw = set_cookie(r)
    assert value == "" and attrs.get("max-age") == "0", raw
    assert attrs.get("path") == "/" and "httponly" in attrs, raw
    assert attrs.get("samesite", "").lower() == "strict", raw
    assert b.token() is None, "the jar dropped the cookie"
    expect_problem(with_cookie(t.base, token), 401)
    expect_problem(with_cookie(t.base, token, path="/v1/providers"), 401)
    expect_problem(with_cookie(t.base, token, "POST", "/v1/providers",
                               headers={"X-CSRF-Token": b.csrf},
                               body={"name": "Ghost", "timezone": "UTC"}), 401)
    assert t.list_all("/v1/providers") == []
    # The user's other session lives on.
    assert other.get("/v1/sessions/current").status_code == 200


def test_sign_out_without_a_session_is_401(t):
    expect_problem(Browser(t.base).delete("/v1/sessions/current"), 401)


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "unknown tenant",
                                  "disabled user", "deleted user"])
def test_every_bad_sign_in_is_the_same_401(server, t, case):
    u = user(t, role="admin")
    slug, mail, pw = t.slug, u["email"], PW
    if case == "wrong password":
        pw = PW + "!"
    elif case == "unknown e-mail":
        mail = email()
    elif case == "unknown tenant":
        slug = "no-such-" + uuid.uuid4().hex[:8]
    elif case == "disabled user":
        t.ok("PATCH", f"/v1/users/{u['id']}", {"disabled": True})
    elif case == "deleted user":
        assert t.delete(f"/v1/users/{u['id']}").status_code == 204
    b = Browser(t.base)
    r = b.sign_in(slug, mail, pw)
    p = expect_problem(r, 401, "invalid_credentials")
    assert p["detail"] == BAD_CREDENTIALS, p
    assert "Set-Cookie" not in r.headers, r.headers
    assert b.token() is None
    # The same body, but for request-specific members, as a plain wrong password.
    ref = expect_problem(Browser(t.base).sign_in(t.slug, email(), "x" * 12), 401)
    strip = lambda d: {k: v for k, v in d.items() if k not in ("instance", "request_id")}
    assert strip(p) == strip(ref)
    if case not in ("deleted user", "disabled user"):
        assert t.ok("GET", f"/v1/users/{u['id']}")["last_login_at"] is None


@pytest.mark.parametrize("body,pointer", [
    ({"email": "a@example.com", "password": PW}, "/tenant"),
    ({"tenant": "x", "password": PW}, "/email"),
    ({"tenant": "x", "email": "a@example.com"}, "/password"),
    ({"tenant": 5, "email": "a@example.com", "password": PW}, "/tenant"),
    ({"tenant": "x", "email": ["a@example.com"], "password": PW}, "/email"),
    ({"tenant": "x", "email": "a@example.com", "password": 12345678901}, "/password"),
])
def test_malformed_sign_in_is_422(t, body, pointer):
    r = Browser(t.base).post("/v1/sessions", body, csrf=False)
    expect_problem(r, 422, "validation_failed", pointer)
    assert "Set-Cookie" not in r.headers


@pytest.mark.parametrize("url", ["https://slotd.example.com", "HTTPS://slotd.example.com"])
def test_secure_cookie_when_the_public_url_is_https(start_server, url):
    srv = start_server(args=["--public-url", url])
    t = srv.tenant()
    u = user(t, role="admin")
    r = Browser(t.base).sign_in(t.slug, u["email"], PW)
    assert r.status_code == 201, r.text
    _, attrs, raw = set_cookie(r)
    assert "secure" in attrs and "httponly" in attrs, raw
    assert attrs.get("samesite", "").lower() == "strict", raw


# --- failed sign-ins are limited ---------------------------------------------------------------

def test_five_failures_lock_the_account_even_for_the_right_password(start_server):
    srv = start_server(args=["--trust-forwarded-for", "--rate-limit-auth-failures", "1000/60"],
                       env=ON)
    t, other_tenant = srv.tenant(), srv.tenant()
    u = user(t, "locked@example.com", "admin")
    neighbour = user(t, role="admin")
    twin = user(other_tenant, "locked@example.com", "admin")
    # Each guess from another address: only the per-account count can stop them.
    codes = [Browser(t.base, forwarded=f"198.51.100.{i}").sign_in(
        t.slug, "locked@example.com", f"guess number {i}").status_code for i in range(5)]
    assert codes == [401] * 5, codes
    for addr in ("198.51.100.77", "203.0.113.9"):
        r = Browser(t.base, forwarded=addr).sign_in(t.slug, "locked@example.com", PW)
        p = expect_problem(r, 429, "rate_limited")
        assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60, r.headers
        assert "Set-Cookie" not in r.headers, p
    # Wrong guesses stay refused the same way.
    expect_problem(Browser(t.base, forwarded="198.51.100.78").sign_in(
        t.slug, "locked@example.com", "yet another guess"), 429, "rate_limited")
    # Other accounts are not locked: a neighbour, the same address in another tenant.
    assert Browser(t.base, forwarded="198.51.100.79").sign_in(
        t.slug, neighbour["email"], PW).status_code == 201
    assert Browser(t.base, forwarded="198.51.100.80").sign_in(
        other_tenant.slug, twin["email"], PW).status_code == 201
    assert t.ok("GET", f"/v1/users/{u['id']}")["last_login_at"] is None


def test_the_account_count_ignores_the_case_of_the_email(start_server):
    srv = start_server(args=["--trust-forwarded-for", "--rate-limit-auth-failures", "1000/60"],
                       env=ON)
    t = srv.tenant()
    user(t, "mixed@example.com", "admin")
    variants = ["mixed@example.com", "MIXED@example.com", "Mixed@Example.com",
                "mixed@EXAMPLE.COM", "mIxEd@example.com"]
    codes = [Browser(t.base, forwarded=f"198.51.100.{i}").sign_in(
        t.slug, v, "wrong guess here").status_code for i, v in enumerate(variants)]
    assert codes == [401] * 5, codes
    expect_problem(Browser(t.base, forwarded="198.51.100.99").sign_in(
        t.slug, "mixed@example.com", PW), 429, "rate_limited")


def test_the_account_lock_ends_when_the_window_passes(start_server):
    srv = start_server(args=["--trust-forwarded-for", "--rate-limit-auth-failures", "1000/60"],
                       env=ON)
    t = srv.tenant()
    user(t, "later@example.com", "admin")
    for i in range(5):
        Browser(t.base, forwarded=f"198.51.100.{i}").sign_in(t.slug, "later@example.com",
                                                            "wrong guess here")
    expect_problem(Browser(t.base, forwarded="198.51.100.50").sign_in(
        t.slug, "later@example.com", PW), 429, "rate_limited")
    # 15 minutes and a bit later (the test clock), the right password works again.
    b = Browser(t.base, now=shift(NOW, 15 * 60 + 5), forwarded="198.51.100.51")
    assert b.sign_in(t.slug, "later@example.com", PW).status_code == 201


def test_failed_sign_ins_are_limited_per_address(start_server):
    srv = start_server(args=["--trust-forwarded-for", "--rate-limit-auth-failures", "3/60"],
                       env=ON)
    t = srv.tenant()
    u = user(t, role="admin")
    # Different (unknown) accounts from one address: the address's allowance runs out.
    codes = [Browser(t.base, forwarded="192.0.2.10").sign_in(t.slug, email(),
                                                            "wrong guess").status_code
             for _ in range(6)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}, codes
    r = Browser(t.base, forwarded="192.0.2.10").sign_in(t.slug, email(), "wrong guess")
    expect_problem(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    # Another address signs in.
    assert Browser(t.base, forwarded="192.0.2.11").sign_in(t.slug, u["email"],
                                                          PW).status_code == 201


def test_sessions_of_one_user_share_one_rate_limit_bucket(start_server):
    srv = start_server(args=["--rate-limit-key", "5/60"], env=ON)
    t = srv.tenant()
    a, other = user(t, role="staff"), user(t, role="staff")
    first = signed_in(t.base, t.slug, a["email"])
    codes = [first.get("/v1/providers").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429], codes
    r = first.get("/v1/providers")
    expect_problem(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    # A second session of the same user draws on the same bucket; another user has its own.
    second = signed_in(t.base, t.slug, a["email"])
    expect_problem(second.get("/v1/providers"), 429, "rate_limited")
    assert signed_in(t.base, t.slug, other["email"]).get("/v1/providers").status_code == 200


def test_concurrent_sign_ins_all_get_their_answer(t):
    """Password hashing is bounded (at most two at once in the process): many sign-ins at
    the same moment wait their turn, none fails or gets a 5xx."""
    good = user(t, role="staff")
    results, barrier = [], threading.Barrier(10)

    def one(i):
        b = Browser(t.base)
        barrier.wait(timeout=30)
        pw = PW if i % 2 == 0 else "wrong password here"
        started = time.monotonic()
        r = b.sign_in(t.slug, good["email"] if i < 8 else email(), pw)
        results.append((i, r.status_code, time.monotonic() - started))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    got = sorted((i, code) for i, code, _ in results)
    assert got == [(i, 201 if i % 2 == 0 and i < 8 else 401) for i in range(10)], got
    print(f"\n10 concurrent sign-ins: slowest {max(d for *_, d in results):.2f}s")


def test_unknown_email_and_wrong_password_take_alike_long(t):
    """Timing is reported, not asserted: an unknown e-mail is checked against a dummy hash."""
    u = user(t, role="staff")
    known, unknown = [], []
    for i in range(4):
        for mail, out in ((u["email"], known), (email(), unknown)):
            started = time.monotonic()
            r = Browser(t.base).sign_in(t.slug, mail, f"wrong password {i}")
            out.append(time.monotonic() - started)
            expect_problem(r, 401, "invalid_credentials")
        # Reset the account's count before the lock-out could start.
        assert Browser(t.base).sign_in(t.slug, u["email"], PW).status_code == 201
    print(f"\nsign-in refusal, median: wrong password {statistics.median(known) * 1000:.0f} ms, "
          f"unknown e-mail {statistics.median(unknown) * 1000:.0f} ms")


def db_rows(server, sql):
    """Rows (tuples of text) of a query run on the server's database, either backend."""
    if server.backend == "sqlite":
        con = sqlite3.connect(str(server.db_path), timeout=30)
        try:
            return [tuple("" if v is None else str(v) for v in row)
                    for row in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = pg_helpers.psql(server.db_url, sql)
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def test_only_hashes_of_passwords_and_session_tokens_are_stored(server, t):
    u = user(t, role="staff", password="stored password 1")
    b1 = signed_in(t.base, t.slug, u["email"], "stored password 1")
    b2 = signed_in(t.base, t.slug, u["email"], "stored password 1")
    (pw_hash,), = db_rows(server, f"SELECT password_hash FROM users WHERE id = '{u['id']}'")
    assert pw_hash.startswith("$argon2id$"), pw_hash
    assert "m=65536" in pw_hash and "t=2" in pw_hash, f"not the interactive limits: {pw_hash}"
    rows = db_rows(server, f"SELECT * FROM sessions WHERE user_id = '{u['id']}'")
    assert len(rows) == 2, rows
    text = json.dumps(rows)
    for b in (b1, b2):
        tok = b.token()
        assert tok not in text, "a session token is stored as it is"
        digests = {hashlib.sha256(tok.encode()).hexdigest(),
                   hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()}
        assert digests & set(text.replace('"', " ").replace(",", " ").split()), \
            f"no hash of the token in {rows}"
    assert "stored password 1" not in text and "stored password 1" not in pw_hash
    # Signing out removes the row; revoking removes the rest.
    assert b1.delete("/v1/sessions/current").status_code == 204
    assert len(db_rows(server, f"SELECT * FROM sessions WHERE user_id = '{u['id']}'")) == 1
    assert t.delete(f"/v1/users/{u['id']}/sessions").status_code == 204
    assert db_rows(server, f"SELECT * FROM sessions WHERE user_id = '{u['id']}'") == []


def test_guessed_session_cookies_spend_the_failed_authentication_allowance(start_server):
    srv = start_server(args=["--rate-limit-auth-failures", "3/60"], env=ON)
    t = srv.tenant()
    codes = [with_cookie(t.base, "ses_" + uuid.uuid4().hex * 2).status_code for _ in range(6)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}, codes
    expect_problem(with_cookie(t.base, "ses_guess-again"), 429, "rate_limited")


@pytest.mark.skipif(not pg_helpers.enabled(),
                    reason="PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)")
def test_a_session_holds_across_processes_and_ends_in_all(slotd_bin, tmp_path_factory):
    with pg_processes(slotd_bin, tmp_path_factory, 2) as (url, servers):
        slug = "sessions-pg"
        key = create_tenant(slotd_bin, url, slug)
        one, two = (Api(s.base, key, slug) for s in servers)
        u = user(one, role="admin")
        b = signed_in(servers[0].base, slug, u["email"])
        token = b.token()
        # The cookie works on the other process too, CSRF token and all.
        r = with_cookie(servers[1].base, token, "POST", "/v1/providers",
                        headers={"X-CSRF-Token": b.csrf}, body={"name": "Two", "timezone": NY})
        assert r.status_code == 201, r.text
        # Revoked through one process, it is refused by both at once.
        assert two.delete(f"/v1/users/{u['id']}/sessions").status_code == 204
        for srv in servers:
            assert with_cookie(srv.base, token).status_code == 401
        # A password changed through one process ends a session made on the other.
        b2 = signed_in(servers[1].base, slug, u["email"])
        one.ok("PATCH", f"/v1/users/{u['id']}", {"password": "changed elsewhere"})
        assert with_cookie(servers[1].base, b2.token()).status_code == 401


# --- sessions: expiry --------------------------------------------------------------------------

def test_an_idle_session_expires_and_is_gone(t):
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    token = b.token()
    # Used after 4 hours: the idle clock starts again from there.
    t4 = shift(NOW, 4 * 3600)
    assert b.get("/v1/sessions/current", now=t4).status_code == 200
    t_ok = shift(t4, IDLE - 60)
    assert b.get("/v1/providers", now=t_ok).status_code == 200, \
        "used 4 h in, the session is idle for less than 8 h"
    r = b.get("/v1/providers", now=shift(t_ok, IDLE + 60))
    p = expect_problem(r, 401, "session_expired")
    assert p["detail"] == EXPIRED, p
    # The row went: not even an earlier "now" brings it back.
    r = with_cookie(t.base, token, now=t4)
    assert r.status_code == 401, r.text
    r = b.post("/v1/providers", {"name": "Late", "timezone": "UTC"}, now=t_ok)
    assert r.status_code == 401
    assert t.list_all("/v1/providers") == []


def test_a_session_ends_after_seven_days_however_busy(t):
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    at_ = NOW
    for _ in range(LIFETIME // (6 * 3600)):
        at_ = shift(at_, 6 * 3600)
        if at_ >= shift(NOW, LIFETIME):
            break
        assert b.get("/v1/sessions/current", now=at_).status_code == 200, at_
    expect_problem(b.get("/v1/sessions/current", now=shift(NOW, LIFETIME + 1)), 401,
                   "session_expired")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_the_idle_timeout_is_configurable(start_server, how):
    if how == "flag":
        srv = start_server(args=["--session-idle", "120"])
    else:
        srv = start_server(env={"SLOTD_SESSION_IDLE": "120"})
    t = srv.tenant()
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    assert b.signed["idle_timeout_seconds"] == 120
    assert b.get("/v1/sessions/current", now=shift(NOW, 100)).status_code == 200
    expect_problem(b.get("/v1/sessions/current", now=shift(NOW, 100 + 230)), 401,
                   "session_expired")


@pytest.mark.parametrize("value", ["abc", "0", "-5", "12x"])
def test_a_bad_idle_timeout_is_refused_at_start(slotd_bin, tmp_path, value):
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path}/x.db", "--listen",
                 "127.0.0.1:0", "--session-idle", value, timeout=20)
    assert cp.returncode != 0, cp.stdout
    assert "--session-idle" in cp.stderr, cp.stderr


# --- sessions: CSRF ----------------------------------------------------------------------------

def test_changes_without_the_csrf_token_are_403_and_change_nothing(t):
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    other = signed_in(t.base, t.slug, u["email"])
    p = t.provider("Kept", NY)
    schedule = t.ok("GET", f"/v1/providers/{p['id']}/schedule")
    seq = last_seq(t)
    bad_tokens = [None, "", "x" * len(b.csrf), other.csrf, b.csrf[:-1],
                  b.csrf.upper() if b.csrf.upper() != b.csrf else b.csrf + "x"]
    for tok in bad_tokens:
        h = {} if tok is None else {"X-CSRF-Token": tok}
        for method, path, body in [
                ("POST", "/v1/providers", {"name": "Forged", "timezone": "UTC"}),
                ("PATCH", f"/v1/providers/{p['id']}", {"name": "Forged"}),
                ("PUT", f"/v1/providers/{p['id']}/schedule",
                 {"weekly": weekdays([("01:00", "02:00")])}),
                ("DELETE", f"/v1/providers/{p['id']}", NO_BODY),
                ("POST", "/v1/users", {"email": email(), "name": "X", "role": "admin",
                                       "password": PW})]:
            r = b.request(method, path, body, csrf=False, headers=h)
            pr = expect_problem(r, 403, "csrf_failed")
            assert pr["detail"] == "this change needs the X-CSRF-Token header of your session"
    assert t.list_all("/v1/providers") == [p]
    assert t.ok("GET", f"/v1/providers/{p['id']}/schedule") == schedule
    assert ids(users(t)) == [u["id"]]
    assert events(t, after=seq) == []
    # With its token, each works; GET needs none.
    assert b.get("/v1/providers", csrf=False).status_code == 200
    made = b.ok("POST", "/v1/providers", {"name": "Real", "timezone": "UTC"})
    assert b.ok("PATCH", f"/v1/providers/{p['id']}", {"name": "Renamed"})["name"] == "Renamed"
    assert b.delete(f"/v1/providers/{made['id']}").status_code == 204


# --- sessions: what they may do ----------------------------------------------------------------

def test_an_admin_session_may_do_what_an_admin_key_may(w):
    b = browser(w, w.admin)
    p = b.ok("POST", "/v1/providers", {"name": "By session", "timezone": NY})
    assert p["name"] == "By session"
    assert w.admin["id"] in ids(b.list_all("/v1/users"))
    b.ok("GET", "/v1/keys")
    k = b.ok("POST", "/v1/keys", {"name": "made by a person", "role": "staff"})
    assert Api(w.base, k["secret"]).get("/v1/providers").status_code == 200
    made = b.ok("POST", "/v1/users", {"email": email(), "name": "New", "role": "staff",
                                      "password": PW})
    assert made["id"] in ids(users(w.t))
    assert b.ok("GET", "/v1/events", params={"limit": 1})["data"]


def test_a_staff_session_may_do_what_a_staff_key_may(w):
    b = browser(w, w.staff)
    before, seq = w.t.list_all("/v1/providers"), last_seq(w.t)
    expect_problem(b.post("/v1/providers", {"name": "Nope", "timezone": NY}), 403, "forbidden")
    expect_problem(b.get("/v1/users"), 403, "forbidden")
    expect_problem(b.post("/v1/users", {"email": email(), "name": "E", "role": "admin",
                                        "password": PW}), 403, "forbidden")
    expect_problem(b.patch(f"/v1/users/{w.staff['id']}", {"role": "admin"}), 403, "forbidden")
    expect_problem(b.get("/v1/keys"), 403, "forbidden")
    expect_problem(b.get("/v1/events"), 403, "forbidden")
    assert w.t.list_all("/v1/providers") == before and events(w.t, after=seq) == []
    assert w.t.ok("GET", f"/v1/users/{w.staff['id']}")["role"] == "staff"
    # Unscoped staff: every provider and booking.
    assert ids(b.list_all("/v1/providers")) == sorted([w.p1, w.p2])
    b1 = booked(b, w.sid, at(MON, "10:00"), w.p1)
    b2 = booked(b, w.sid, at(MON, "10:00"), w.p2)
    assert set(ids(b.list_all("/v1/bookings"))) == {b1["id"], b2["id"]}
    assert b.ok("POST", f"/v1/bookings/{b2['id']}/cancel", status=200)["status"] == "cancelled"


def test_a_provider_scoped_staff_user_is_scoped_like_a_scoped_key(w):
    b = browser(w, w.scoped)
    mine = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    theirs = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    assert ids(b.list_all("/v1/providers")) == [w.p1]
    assert ids(b.list_all("/v1/bookings")) == [mine["id"]]
    rows = b.list_all("/v1/bookings", params={"provider_id": w.p2})
    assert theirs["id"] not in ids(rows)
    before = w.t.ok("GET", f"/v1/bookings/{theirs['id']}")
    hist = w.t.ok("GET", f"/v1/bookings/{theirs['id']}/history")
    expect_problem(b.get(f"/v1/providers/{w.p2}"), 404, "not_found")
    expect_problem(b.get(f"/v1/bookings/{theirs['id']}"), 404, "not_found")
    expect_problem(b.get(f"/v1/bookings/{theirs['id']}/history"), 404, "not_found")
    for action in ("confirm", "cancel", "complete"):
        expect_problem(b.post(f"/v1/bookings/{theirs['id']}/{action}"), 404, "not_found")
    expect_problem(b.post(f"/v1/bookings/{theirs['id']}/reschedule",
                          {"start": at(TUE, "10:00")}), 404, "not_found")
    assert w.t.ok("GET", f"/v1/bookings/{theirs['id']}") == before
    assert w.t.ok("GET", f"/v1/bookings/{theirs['id']}/history") == hist
    # A booking for another provider is refused; "any" picks the user's own.
    expect_problem(book(b, w.sid, at(MON, "11:00"), w.p2), 422, "validation_failed",
                   "/provider_id")
    assert booked(b, w.sid, at(MON, "11:00"), "any")["provider_id"] == w.p1
    # Slots of another provider are 404, the user's own are there.
    expect_problem(b.get("/v1/slots", params={"service_id": w.sid, "provider_id": w.p2,
                                              "from": MON, "to": MON}), 404, "not_found")
    assert b.ok("GET", "/v1/slots", params={"service_id": w.sid, "provider_id": w.p1,
                                            "from": MON, "to": MON})["slots"]
    # Its own booking: readable and actionable.
    assert b.ok("GET", f"/v1/bookings/{mine['id']}")["id"] == mine["id"]
    r = b.post(f"/v1/bookings/{mine['id']}/reschedule", {"start": at(TUE, "10:00")})
    assert r.status_code == 200, r.text
    assert b.ok("POST", f"/v1/bookings/{mine['id']}/cancel", status=200)["status"] == \
        "cancelled"


def test_deleting_the_users_provider_never_widens_the_user(w):
    b2 = booked(w.t, w.sid, at(MON, "10:00"), w.p2)
    before_delete = browser(w, w.scoped)
    assert w.t.delete(f"/v1/providers/{w.p1}").status_code == 204
    sessions = [before_delete]
    r = Browser(w.base).sign_in(w.slug, w.scoped["email"], PW)
    if r.status_code == 201:
        sessions.append(signed_in(w.base, w.slug, w.scoped["email"]))
    for b in sessions:
        r = b.get("/v1/providers")
        if r.status_code == 401:
            continue        # the session ended with its provider: as safe
        assert r.status_code == 200 and r.json()["data"] == [], r.text
        assert b.list_all("/v1/bookings") == []
        expect_problem(b.get(f"/v1/bookings/{b2['id']}"), 404, "not_found")
        expect_problem(book(b, w.sid, at(MON, "11:00"), w.p2), 422, "validation_failed",
                       "/provider_id")
    u = w.t.get(f"/v1/users/{w.scoped['id']}")
    if u.status_code == 200:
        assert u.json()["provider_id"] is not None or u.json()["disabled"], \
            f"a staff user without a provider is unscoped: {u.json()}"


def test_a_changed_provider_changes_the_scope_after_a_new_sign_in(w):
    w.t.ok("PATCH", f"/v1/users/{w.scoped['id']}", {"provider_id": w.p2})
    b = browser(w, w.scoped)
    assert ids(b.list_all("/v1/providers")) == [w.p2]
    w.t.ok("PATCH", f"/v1/users/{w.scoped['id']}", {"provider_id": None})
    b = browser(w, w.scoped)
    assert ids(b.list_all("/v1/providers")) == sorted([w.p1, w.p2])


def test_a_session_sees_only_its_own_tenant(server, w):
    other = server.tenant()
    op = other.provider("Elsewhere", NY)["id"]
    theirs = user(other, role="admin")
    b = browser(w, w.admin)
    assert op not in ids(b.list_all("/v1/providers"))
    expect_problem(b.get(f"/v1/providers/{op}"), 404, "not_found")
    expect_problem(b.get(f"/v1/users/{theirs['id']}"), 404, "not_found")
    expect_problem(b.patch(f"/v1/users/{theirs['id']}", {"disabled": True}), 404, "not_found")
    assert other.ok("GET", f"/v1/users/{theirs['id']}")["disabled"] is False


def test_the_public_booking_page_works_for_a_signed_in_browser(w):
    """A person signed in to the console who opens the booking page of the same origin sends
    the session cookie with the page's requests (no CSRF token): public routes ignore it."""
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"public": True})
    b = browser(w, w.admin)
    seq = last_seq(w.t)
    r = b.post(f"/v1/public/{w.slug}/holds", {"service_id": w.sid, "provider_id": w.p1,
                                              "start": at(MON, "10:00")}, csrf=False)
    assert r.status_code == 201, r.text
    ev = [e for e in events(w.t, after=seq) if e["type"] == "hold.created"]
    assert len(ev) == 1 and ev[0]["actor"]["type"] == "visitor", ev
    assert b.get("/v1/sessions/current").status_code == 200


def test_an_authorization_header_wins_over_the_cookie(server, w):
    staff_key = make_key(server, w.t, "staff")
    # Admin cookie + staff key: the key decides (403), and no CSRF is asked of a key.
    b = browser(w, w.admin)
    before = w.t.list_all("/v1/providers")
    expect_problem(b.post("/v1/providers", {"name": "Which", "timezone": NY}, csrf=False,
                          headers={"Authorization": f"Bearer {staff_key.key}"}), 403,
                   "forbidden")
    # Admin cookie + a bad key: 401, the cookie does not rescue it.
    expect_problem(b.get("/v1/providers", headers={"Authorization": "Bearer sk_not_a_key"}),
                   401)
    assert w.t.list_all("/v1/providers") == before
    # Staff cookie + admin key, no CSRF token: the key's request, by the key.
    s = browser(w, w.staff)
    seq = last_seq(w.t)
    r = s.post("/v1/providers", {"name": "By key", "timezone": NY}, csrf=False,
               headers={"Authorization": f"Bearer {w.t.key}"})
    assert r.status_code == 201, r.text
    ev = events(w.t, after=seq)
    assert [e["actor"] for e in ev] == [{"type": "key", "id": admin_key_id(w.t),
                                         "role": "admin"}]


def test_changes_by_a_session_name_the_user_as_actor(w):
    b = browser(w, w.admin)
    seq = last_seq(w.t)
    admin_actor = {"type": "user", "id": w.admin["id"], "role": "admin"}
    p = b.ok("POST", "/v1/providers", {"name": "Audited", "timezone": NY})
    u = b.ok("POST", "/v1/users", {"email": email(), "name": "Made", "role": "staff",
                                   "password": PW})
    ev = events(w.t, after=seq)
    assert [(e["type"], e["subject_id"], e["actor"]) for e in ev] == [
        ("provider.created", p["id"], admin_actor), ("user.created", u["id"], admin_actor)]
    found = events(w.t, actor_id=w.admin["id"])
    assert [e["id"] for e in found] == [e["id"] for e in ev]
    # A staff user's booking actions: events and the booking's history.
    s = browser(w, w.scoped)
    staff_actor = {"type": "user", "id": w.scoped["id"], "role": "staff"}
    bk = booked(w.t, w.sid, at(MON, "10:00"), w.p1)
    seq = last_seq(w.t)
    assert s.ok("POST", f"/v1/bookings/{bk['id']}/cancel", {"reason": "asked"},
                status=200)["status"] == "cancelled"
    ev = events(w.t, after=seq)
    assert ev and all(e["actor"] == staff_actor for e in ev), ev
    assert "booking.cancelled" in [e["type"] for e in ev]
    assert [e["id"] for e in events(w.t, actor_id=w.scoped["id"])] == [e["id"] for e in ev]
    hist = w.t.ok("GET", f"/v1/bookings/{bk['id']}/history")["history"]
    # The history names the user next to the role (its actor stays the role, as for keys);
    # a change by a key names no user.
    assert hist[-1] == {"at": NOW, "actor": "staff", "from": "confirmed", "to": "cancelled",
                        "reason": "asked", "user_id": w.scoped["id"]}, hist
    assert hist[0]["actor"] == "admin" and "user_id" not in hist[0], hist
    # An admin user's reschedule of another booking, by the same rule.
    bk2 = booked(w.t, w.sid, at(MON, "11:00"), w.p2)
    a = browser(w, w.admin)
    assert a.post(f"/v1/bookings/{bk2['id']}/reschedule",
                  {"start": at(TUE, "11:00")}).status_code == 200
    last = w.t.ok("GET", f"/v1/bookings/{bk2['id']}/history")["history"][-1]
    assert (last["actor"], last.get("user_id")) == ("admin", w.admin["id"]), last
    # A booking a user creates names the user from its first entry.
    bk3 = booked(s, w.sid, at(MON, "12:00"), w.p1)
    first = w.t.ok("GET", f"/v1/bookings/{bk3['id']}/history")["history"][0]
    assert (first["actor"], first.get("user_id"), first["reason"]) == \
        ("staff", w.scoped["id"], "created"), first


# --- sessions: revocation ----------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"password": "a brand new password"}, {"role": "admin"},
                                    {"provider_id": "p2"}, {"disabled": True}],
                         ids=["password", "role", "provider_id", "disabled"])
def test_a_change_of_password_role_provider_or_disabled_ends_the_users_sessions(w, change):
    change = {k: (w.p2 if v == "p2" else v) for k, v in change.items()}
    one, two = browser(w, w.staff), browser(w, w.staff)
    bystander = browser(w, w.scoped)
    w.t.ok("PATCH", f"/v1/users/{w.staff['id']}", change)
    for b in (one, two):
        expect_problem(b.get("/v1/sessions/current"), 401)
        expect_problem(b.get("/v1/bookings"), 401)
    assert bystander.get("/v1/sessions/current").status_code == 200


def test_a_change_of_name_keeps_the_sessions(w):
    b = browser(w, w.scoped)
    w.t.ok("PATCH", f"/v1/users/{w.scoped['id']}", {"name": "Renamed"})
    r = b.get("/v1/sessions/current")
    assert r.status_code == 200 and r.json()["user"]["name"] == "Renamed", r.text


def test_delete_sessions_revokes_every_session_of_the_user(w):
    one, two = browser(w, w.staff), browser(w, w.staff)
    bystander = browser(w, w.scoped)
    assert w.t.delete(f"/v1/users/{w.staff['id']}/sessions").status_code == 204
    for b in (one, two):
        expect_problem(b.get("/v1/sessions/current"), 401)
    assert bystander.get("/v1/sessions/current").status_code == 200
    # The user may sign in again.
    assert browser(w, w.staff).get("/v1/sessions/current").status_code == 200
    # An admin session may revoke another's too (with its CSRF token).
    a = browser(w, w.admin)
    expect_problem(a.delete(f"/v1/users/{w.scoped['id']}/sessions", csrf=False), 403,
                   "csrf_failed")
    assert bystander.get("/v1/sessions/current").status_code == 200
    assert a.delete(f"/v1/users/{w.scoped['id']}/sessions").status_code == 204
    assert bystander.get("/v1/sessions/current").status_code == 401
    expect_problem(w.t.delete("/v1/users/usr_00000000000000000000/sessions"), 404, "not_found")


def test_deleting_a_user_ends_its_sessions(w):
    b = browser(w, w.staff)
    token = b.token()
    assert w.t.delete(f"/v1/users/{w.staff['id']}").status_code == 204
    assert b.get("/v1/bookings").status_code == 401
    assert with_cookie(w.base, token).status_code == 401


def test_an_admin_session_may_not_lock_itself_out(w):
    b = browser(w, w.admin)
    me = w.t.ok("GET", f"/v1/users/{w.admin['id']}")
    seq = last_seq(w.t)
    for method, body in [("PATCH", {"disabled": True}), ("PATCH", {"role": "staff"}),
                         ("DELETE", NO_BODY)]:
        r = b.request(method, f"/v1/users/{w.admin['id']}", body)
        expect_problem(r, 422)
    assert w.t.ok("GET", f"/v1/users/{w.admin['id']}") == me
    assert events(w.t, after=seq) == []
    assert b.get("/v1/sessions/current").status_code == 200
    # Its own name it may change.
    assert b.ok("PATCH", f"/v1/users/{w.admin['id']}", {"name": "Still Admin"})["name"] == \
        "Still Admin"
    # Another admin it may demote; with the API key, the admin may be disabled.
    other = user(w.t, role="admin")
    assert b.ok("PATCH", f"/v1/users/{other['id']}", {"role": "staff"})["role"] == "staff"
    assert w.t.ok("PATCH", f"/v1/users/{w.admin['id']}", {"disabled": True})["disabled"] is True
    assert b.get("/v1/sessions/current").status_code == 401


# --- CLI: slotd user create --------------------------------------------------------------------

def cli_user(server, *args, stdin=None):
    return subprocess.run([server.binary, "user", "create", *args, "--db", server.db_url],
                          input=stdin, capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items()
                               if k not in ("SLOTD_DB", "SLOTD_LISTEN")})


def test_cli_user_create_takes_the_password_from_stdin(server, t):
    p = t.provider("Desk", NY)["id"]
    cp = cli_user(server, t.slug, "Front.Desk@Example.com", "--role", "staff", "--provider", p,
                  "--name", "Front Desk", stdin="a password from stdin\nsecond line\n")
    assert cp.returncode == 0, cp.stderr
    lines = cp.stdout.strip().splitlines()
    assert len(lines) == 1, cp.stdout
    m = re.fullmatch(r"user (usr_[0-9a-z]{20}) created for (\S+) in (\S+)", lines[0])
    assert m and m.group(3) == t.slug, lines
    assert m.group(2).lower() == "front.desk@example.com"
    assert "password" not in cp.stdout
    u = t.ok("GET", f"/v1/users/{m.group(1)}")
    assert (u["email"], u["name"], u["role"], u["provider_id"]) == \
        ("front.desk@example.com", "Front Desk", "staff", p)
    b = signed_in(t.base, t.slug, "front.desk@example.com", "a password from stdin")
    assert ids(b.list_all("/v1/providers")) == [p]
    # The CLI writes a user.created event by the system.
    ev = [e for e in events(t) if e["type"] == "user.created"]
    assert [e["subject_id"] for e in ev] == [u["id"]]
    assert ev[0]["actor"]["type"] == "system", ev[0]
    no_secret(json.dumps(ev), "a password from stdin")


def test_cli_user_create_on_a_terminal_prints_a_generated_password(server, t):
    master, slave = pty.openpty()
    try:
        cp = subprocess.run([server.binary, "user", "create", t.slug, "tty@example.com",
                             "--role", "admin", "--db", server.db_url],
                            stdin=slave, capture_output=True, text=True, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert cp.returncode == 0, cp.stderr
    m = re.search(r"^password: (\S+)$", cp.stdout, re.M)
    assert m, cp.stdout
    gen = m.group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20}", gen), gen
    assert re.search(r"^user usr_[0-9a-z]{20} created for tty@example.com in " +
                     re.escape(t.slug) + "$", cp.stdout, re.M), cp.stdout
    b = signed_in(t.base, t.slug, "tty@example.com", gen)
    assert b.signed["user"]["role"] == "admin"
    assert b.signed["user"]["name"]


@pytest.mark.parametrize("case", ["unknown tenant", "bad role", "duplicate", "no role",
                                  "short password", "unknown provider"])
def test_cli_user_create_failures_exit_1(server, t, case):
    user(t, "taken@example.com", "admin")
    before = users(t)
    slug, args = t.slug, ["new@example.com", "--role", "staff"]
    if case == "unknown tenant":
        slug = "no-such-tenant-" + uuid.uuid4().hex[:6]
    elif case == "bad role":
        args = ["new@example.com", "--role", "owner"]
    elif case == "duplicate":
        args = ["TAKEN@example.com", "--role", "staff"]
    elif case == "no role":
        args = ["new@example.com"]
    elif case == "unknown provider":
        args += ["--provider", "prv_00000000000000000000"]
    pw = "short\n" if case == "short password" else "a fine password\n"
    cp = cli_user(server, slug, *args, stdin=pw)
    assert cp.returncode == 1, (cp.returncode, cp.stdout, cp.stderr)
    assert cp.stderr.strip(), "a failure says why"
    assert "created" not in cp.stdout
    assert users(t) == before


# --- export/import and copy carry users -------------------------------------------------------

def test_export_import_and_copy_carry_users_but_not_sessions(slotd_bin, tmp_path):
    src = f"sqlite:{tmp_path / 'source.db'}"
    slug = "moving-" + uuid.uuid4().hex[:6]
    cp = run_cli(slotd_bin, "tenant", "create", slug, "--db", src)
    assert cp.returncode == 0, cp.stderr
    key = cp.stdout.strip().splitlines()[-1]
    srv = Server(slotd_bin, None, tmp_path / "s1", db_url=src)
    (tmp_path / "s1").mkdir()
    srv.start()
    try:
        t = Api(srv.base, key, slug)
        p = t.provider("Mover", NY)["id"]
        u = user(t, "mover@example.com", "staff", "moving password", provider_id=p,
                 name="Mover")
        old = signed_in(srv.base, slug, "mover@example.com", "moving password")
        token = old.token()
        u = t.ok("GET", f"/v1/users/{u['id']}")
    finally:
        assert srv.stop() == 0
    doc = run_cli(slotd_bin, "export", "--tenant", slug, "--db", src, timeout=120)
    assert doc.returncode == 0, doc.stderr
    assert "moving password" not in doc.stdout
    assert "mover@example.com" in doc.stdout
    assert token not in doc.stdout, "sessions are not exported"
    dests = {}
    dest = new_db_url(tmp_path, "imported.db")
    imp = subprocess.run([slotd_bin, "import", "--db", dest], input=doc.stdout,
                         capture_output=True, text=True, timeout=120)
    assert imp.returncode == 0, imp.stderr
    dests["import"] = dest
    dest2 = new_db_url(tmp_path, "copied.db")
    cpy = run_cli(slotd_bin, "copy", "--from", src, "--to", dest2, timeout=120)
    assert cpy.returncode == 0, cpy.stderr
    dests["copy"] = dest2
    for how, url in dests.items():
        wd = tmp_path / how
        wd.mkdir()
        s2 = Server(slotd_bin, None, wd, db_url=url).start()
        try:
            b = Browser(s2.base)
            assert b.sign_in(slug, "mover@example.com", "moving password").status_code == 201, how
            got = b.signed["user"]
            assert {k: v for k, v in got.items() if k != "last_login_at"} == \
                {k: v for k, v in u.items() if k != "last_login_at"}, how
            assert ids(b.list_all("/v1/providers")) == [p], how
            assert Browser(s2.base).sign_in(slug, "mover@example.com",
                                            "wrong password!").status_code == 401
            assert with_cookie(s2.base, token).status_code == 401, f"{how} carried a session"
        finally:
            assert s2.stop() == 0
            if url.startswith("postgres"):
                pg_helpers.drop_database(url)


# --- demo ---------------------------------------------------------------------------------------

def test_serve_demo_prints_console_sign_ins_that_work(start_server):
    srv = start_server(args=["--demo"])
    out = srv.stdout_lines
    page = [i for i, ln in enumerate(out) if ln.startswith("booking page:")]
    assert len(page) == 1, out
    rest = out[page[0] + 1:page[0] + 4]
    assert len(rest) == 3, out
    m0 = re.fullmatch(r"console: (http://\S+)/console", rest[0])
    m1 = re.fullmatch(r"console sign-in: organisation demo, (admin@demo\.example) / (\S+)",
                      rest[1])
    m2 = re.fullmatch(r"console sign-in \(staff, one provider\): organisation demo, "
                      r"(jonas@demo\.example) / (\S+)", rest[2])
    assert m0 and m1 and m2, rest
    assert m0.group(1) == srv.base or m0.group(1).endswith(f":{srv.port}"), rest[0]
    assert m1.group(2) != m2.group(2)
    admin = signed_in(srv.base, "demo", m1.group(1), m1.group(2), now=None)
    assert (admin.signed["user"]["role"], admin.signed["user"]["name"]) == ("admin",
                                                                             "Clinic Admin")
    assert admin.signed["tenant"]["slug"] == "demo"
    providers = admin.list_all("/v1/providers")
    assert len(providers) == 3
    jonas_id = [p["id"] for p in providers if p["name"] == "Dr. Jonas Weber"]
    assert len(jonas_id) == 1
    staff = signed_in(srv.base, "demo", m2.group(1), m2.group(2), now=None)
    su = staff.signed["user"]
    assert (su["role"], su["provider_id"], su["name"]) == ("staff", jonas_id[0],
                                                           "Dr. Jonas Weber")
    assert ids(staff.list_all("/v1/providers")) == jonas_id
    assert sorted(u["email"] for u in admin.list_all("/v1/users")) == \
        ["admin@demo.example", "jonas@demo.example"]
    assert all(b["provider_id"] == jonas_id[0] for b in staff.list_all("/v1/bookings"))
    # Each password is its own user's.
    assert Browser(srv.base, now=None).sign_in("demo", m1.group(1),
                                               m2.group(2)).status_code == 401


def test_a_second_demo_start_keeps_the_users_and_prints_no_new_passwords(slotd_bin, tmp_path):
    url = new_db_url(tmp_path, "demo.db")
    first = Server(slotd_bin, None, tmp_path, db_url=url, args=["--demo"]).start()
    try:
        lines = [ln for ln in first.stdout_lines if ln.startswith("console sign-in")]
        assert len(lines) == 2, first.stdout_lines
        creds = [re.search(r"(\S+@demo\.example) / (\S+)$", ln).groups() for ln in lines]
    finally:
        assert first.stop() == 0
    again = Server(slotd_bin, None, tmp_path, db_url=url, args=["--demo"]).start()
    try:
        assert not [ln for ln in again.stdout_lines if ln.startswith("console sign-in")], \
            again.stdout_lines
        signed = {mail: signed_in(again.base, "demo", mail, pw, now=None) for mail, pw in creds}
        admin = signed["admin@demo.example"]
        assert sorted(u["email"] for u in admin.list_all("/v1/users")) == \
            ["admin@demo.example", "jonas@demo.example"]
    finally:
        assert again.stop() == 0
        if not url.startswith("sqlite:"):
            pg_helpers.drop_database(url)


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/calendar",
                                  "/console/bookings/bkg_00000000000000000000"])
def test_console_pages_are_served_with_a_strict_script_policy(server, path):
    r = requests.get(server.base + path, timeout=10)
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    csp = r.headers.get("Content-Security-Policy", "")
    directives = {p.split()[0]: p.split()[1:] for p in csp.split(";") if p.split()}
    assert directives.get("script-src") == ["'self'"], csp
    assert "unsafe-eval" not in csp, csp
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", r.text, re.S | re.I):
        assert "src=" in m.group(1) and not m.group(2).strip(), m.group(0)[:200]
    assert requests.get(server.base + "/consoles", timeout=10).status_code == 404
