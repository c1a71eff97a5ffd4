"""Helpers shared by the booking test modules: times, creating bookings, the lifecycle actions,
reading a booking back, API keys of other roles, and a one-provider tenant to book in.

"now" defaults to DEFAULT_NOW; a module whose tests live at another "now" binds its own
default, e.g. ``book = functools.partial(booking_helpers.book, now=HNOW)``.
"""
import types
import uuid
from datetime import datetime, timedelta, timezone

from conftest import Api, DEFAULT_NOW, NO_BODY, run_cli, weekdays

CUSTOMER = {"name": "Ann Lee", "email": "ann@example.com"}
ABSENT = object()   # an argument not given (None is a value that is sent)


def at(day, hm, off="-05:00"):
    """A New York start: at("2026-03-02", "10:00") -> 2026-03-02T10:00:00-05:00."""
    return f"{day}T{hm}:00{off}"


def shift(instant, seconds):
    """An RFC 3339 instant moved by seconds, in UTC with Z."""
    t = datetime.fromisoformat(instant.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key():
    return "key-" + uuid.uuid4().hex


def body_for(service_id, start, provider_id=ABSENT, customer=None, **fields):
    b = {"service_id": service_id, "start": start, "customer": dict(customer or CUSTOMER)}
    if provider_id is not ABSENT:
        b["provider_id"] = provider_id
    b.update(fields)
    return b


def post(t, body, key=ABSENT, now=DEFAULT_NOW, headers=None):
    """POST /v1/bookings with a fresh Idempotency-Key unless one is given (None = no header)."""
    h = dict(headers or {})
    k = new_key() if key is ABSENT else key
    if k is not None:
        h["Idempotency-Key"] = k
    return t.post("/v1/bookings", body, now=now, headers=h)


def headers_for(t, key):
    """Raw request headers of a create sent outside Api (thread pools): t's key, JSON, the
    default "now" and Idempotency-Key key."""
    return {"Authorization": f"Bearer {t.key}", "Content-Type": "application/json",
            "X-Test-Now": DEFAULT_NOW, "Idempotency-Key": key}


def client_body(service_id, start, i, provider_id=None):
    """The create body of client number i in a race."""
    b = {"service_id": service_id, "start": start,
         "customer": {"name": f"Client {i}", "email": f"client{i}@example.com"}}
    if provider_id:
        b["provider_id"] = provider_id
    return b


def book(t, service_id, start, provider_id=ABSENT, key=ABSENT, now=DEFAULT_NOW, **fields):
    return post(t, body_for(service_id, start, provider_id, **fields), key=key, now=now)


def booked(t, service_id, start, provider_id=ABSENT, **kw):
    r = book(t, service_id, start, provider_id, **kw)
    assert r.status_code == 201, r.text
    return r.json()


def act(t, bid, action, body=NO_BODY, now=DEFAULT_NOW, headers=None):
    return t.post(f"/v1/bookings/{bid}/{action}", body, now=now, headers=headers)


def acted(t, bid, action, body=NO_BODY, now=DEFAULT_NOW, headers=None):
    r = act(t, bid, action, body, now=now, headers=headers)
    assert r.status_code == 200, f"{action}: {r.text}"
    return r.json()


def get(t, bid):
    return t.ok("GET", f"/v1/bookings/{bid}")


def history(t, bid):
    return t.ok("GET", f"/v1/bookings/{bid}/history")["history"]


def public(b):
    """A create answer without the one-time manage token: what GET shows."""
    return {k: v for k, v in b.items() if k != "manage_token"}


def customer_view(b):
    """A booking as its customer reads it (a manage token, a customer key): without the
    staff-only internal and completion notes (and without the one-time manage token)."""
    return {k: v for k, v in public(b).items() if k not in ("internal_notes", "completion_notes")}


def make_key(server, t, role):
    """An API key of the given role for t's tenant (made by server.tenant()), from
    `slotd key create SLUG --role ROLE` on the server's database (either backend)."""
    assert t.slug, "make_key needs an Api made by server.tenant() (it knows the tenant's slug)"
    cp = run_cli(server.binary, "key", "create", t.slug, "--role", role, "--db", server.db_url)
    assert cp.returncode == 0, \
        f"slotd key create {t.slug} --role {role} failed: rc={cp.returncode} {cp.stderr}"
    lines = cp.stdout.strip().splitlines()
    assert len(lines) == 1, f"slotd key create should print one line (the key): {cp.stdout!r}"
    key = lines[0].strip()
    assert key and " " not in key, f"not a key: {cp.stdout!r}"
    return Api(t.base, key, t.slug)


def consult_tenant(server):
    """A tenant of its own: provider "Auto" (New York, 09:00-17:00 on weekdays, auto-confirm)
    and its 60-minute service "Consult" priced 50.00 USD; as t, pid, sid (and server)."""
    t = server.tenant()
    p = t.provider("Auto", "America/New_York")
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([p["id"]], "Consult", 60, price="50.00", currency="USD")
    return types.SimpleNamespace(t=t, pid=p["id"], sid=svc["id"], server=server)
