"""The public booking page (issue 14): /v1/public/{slug} and its slots, holds, bookings and
waitlist routes (no API key), the customer's /v1/manage with the manage token, the booking page
settings, the per-address limits, and the web routes slotd serves (/book, /manage, /assets,
/embed.js) with their security headers.

Dates (2026): Mon 2 Mar .. Fri 6 Mar, New York is -05:00. "now" is HNOW (Sun 1 Mar 12:00Z)
unless a test says otherwise. Every test works in a tenant of its own.

The module's server trusts X-Forwarded-For, and each tenant fixture sends an address of its own,
so the per-address caps of one test never meet another's (every request comes from 127.0.0.1).
"""
import gzip
import itertools
import json
import re
import types
import uuid
from datetime import datetime

import pytest
import requests

import booking_helpers
from booking_helpers import at, customer_view, make_key, new_key, public, shift
from conftest import Api, _start, _stop, expect_problem, weekdays

NY = "America/New_York"
HNOW = "2026-03-01T12:00:00Z"
MON, TUE, WED = "2026-03-02", "2026-03-03", "2026-03-04"

TENANT_KEYS = {"slug", "name", "display_name", "brand_color", "logo_url", "locale",
               "provider_choice"}
SERVICE_KEYS = {"id", "name", "duration_minutes", "price", "currency", "capacity",
                "requires_approval", "policy", "providers", "location", "provider_overrides"}
PUBLIC_POLICY_KEYS = {"cancellation_deadline_hours", "reschedule_deadline_hours",
                      "max_reschedules", "late_cancellation_fees", "no_show_fee_percent"}
PROVIDER_KEYS = {"id", "name", "time_zone", "bio", "specialties", "photo_url", "languages"}
NO_PROFILE = {"bio": None, "specialties": [], "photo_url": None, "languages": []}
HOLD_KEYS = {"id", "service_id", "provider_id", "start", "end", "expires_at", "live",
             "waitlist_id", "created_at"}
BOOKING_KEYS = {"id", "reference", "status", "start", "end", "provider_id", "service_id",
                "customer", "notes", "metadata", "price", "currency", "version", "created_at",
                "updated_at", "policy", "reschedule_count", "fee", "fee_waived", "locale", "links",
                "location",
                "feedback"}
ENTRY_KEYS = {"id", "service_id", "provider_id", "customer", "earliest_date", "latest_date",
              "weekdays", "time_windows", "priority", "status", "hold_id", "offer_provider_id",
              "offer_start", "offer_expires_at", "offers", "booking_id", "notes", "created_at",
              "updated_at"}
MANAGE_KEYS = {"booking", "tenant", "service", "provider", "cancel", "reschedule"}
TOKEN_RE = re.compile(r"mt_[A-Za-z0-9_-]{43}")
REFERENCE_RE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}")
CUSTOMER = {"name": "Pat Public", "email": "pat@example.com"}

# Caps on live public holds (src/usecase/uc_holds.c).
HOLDS_PER_ADDRESS = 5
HOLDS_PER_EMAIL = 3

_addresses = itertools.count(1)


def new_address():
    """A client address of its own (198.18.0.0/15, the benchmark range), as X-Forwarded-For."""
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"


@pytest.fixture(scope="module")
def server(slotd_bin, tmp_path_factory):
    """The module's server; it takes the client address from X-Forwarded-For."""
    srv = _start(slotd_bin, tmp_path_factory.mktemp("public"), args=["--trust-forwarded-for"])
    yield srv
    _stop(srv)


class Visitor:
    """A browser on the public page of one tenant: no key, one client address."""

    def __init__(self, base, slug, address=None):
        self.api = Api(base, None, slug)
        self.slug = slug
        self.address = address or new_address()

    def _h(self, headers=None):
        h = {"X-Forwarded-For": self.address}
        h.update(headers or {})
        return h

    def req(self, method, path, body=Api._MISSING, now=HNOW, headers=None, **kw):
        """path is below /v1/public/{slug} (path "" is the page itself)."""
        return self.api.request(method, f"/v1/public/{self.slug}{path}", body, now=now,
                                headers=self._h(headers), **kw)

    def page(self, now=HNOW):
        return self.req("GET", "", now=now)

    def slots(self, service_id, frm, to=None, now=HNOW, **params):
        return self.req("GET", "/slots", now=now,
                        params={"service_id": service_id, "from": frm, "to": to or frm,
                                **params})

    def hold(self, body, now=HNOW, headers=None):
        return self.req("POST", "/holds", body, now=now, headers=headers)

    def release(self, hold_id, now=HNOW):
        return self.req("DELETE", f"/holds/{hold_id}", now=now)

    def book(self, body, key=None, now=HNOW, headers=None):
        """POST …/bookings with a fresh Idempotency-Key unless one is given ("" = none)."""
        h = dict(headers or {})
        k = new_key() if key is None else key
        if k:
            h["Idempotency-Key"] = k
        return self.req("POST", "/bookings", body, now=now, headers=h)

    def waitlist(self, body, now=HNOW):
        return self.req("POST", "/waitlist", body, now=now)


def booking_body(sid, start, provider_id="any", customer=None, **fields):
    b = {"service_id": sid, "provider_id": provider_id, "start": start,
         "customer": dict(customer or CUSTOMER)}
    b.update(fields)
    return b


def count_bookings(t):
    return len(t.list_all("/v1/bookings"))


def admin_starts(t, sid, day, pid=None, now=HNOW):
    return t.starts(sid, pid, day, now=now)


def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


@pytest.fixture
def w(server):
    """A tenant with providers Ada (New York, with e-mail and settings) and Ben (New York), both
    09:00-17:00 on weekdays; "Consult" (60 min, 50.00 USD, both providers) is public, "Hidden"
    (30 min, Ada) is not. v is a visitor of its own."""
    slug = "pub-" + uuid.uuid4().hex[:10]
    t = server.tenant(slug, "Public Clinic")
    ada = t.provider("Dr. Ada Lovelace", NY, email="ada@clinic.example",
                     settings={"max_per_day": 8, "auto_confirm": True})
    ben = t.provider("Dr. Ben Okafor", NY)
    for p in (ada, ben):
        t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    consult = t.service([ada["id"], ben["id"]], "Consult", 60, price="50.00", currency="USD")
    hidden = t.service([ada["id"]], "Hidden", 30)
    assert consult.get("public") is False and hidden.get("public") is False, \
        "a new service is not public until it is made so"
    got = t.ok("PATCH", f"/v1/services/{consult['id']}", {"public": True})
    assert got["public"] is True
    assert t.ok("GET", f"/v1/services/{consult['id']}")["public"] is True
    return types.SimpleNamespace(t=t, slug=slug, server=server, ada=ada["id"], ben=ben["id"],
                                 sid=consult["id"], hid=hidden["id"],
                                 v=Visitor(t.base, slug))


@pytest.fixture
def other(server):
    """Tenant B with a public service of its own (provider in New York, weekdays 09-17)."""
    slug = "pubb-" + uuid.uuid4().hex[:10]
    t = server.tenant(slug, "Other Clinic")
    p = t.provider("Dr. Other", NY, email="other@b.example")
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    s = t.service([p["id"]], "B Service", 60)
    t.ok("PATCH", f"/v1/services/{s['id']}", {"public": True})
    return types.SimpleNamespace(t=t, slug=slug, pid=p["id"], sid=s["id"],
                                 v=Visitor(t.base, slug))


def booked(w, start=None, **fields):
    r = w.v.book(booking_body(w.sid, start or at(MON, "10:00"), **fields))
    assert r.status_code == 201, r.text
    return r.json()


# --- GET /v1/public/{slug} ---------------------------------------------------------------------

def test_page_lists_only_public_services_with_exact_keys(w):
    r = w.v.page()
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    page = r.json()
    assert set(page) == {"tenant", "services"}
    assert page["tenant"] == {"slug": w.slug, "name": "Public Clinic",
                              "display_name": "Public Clinic", "brand_color": None,
                              "logo_url": None, "locale": page["tenant"]["locale"],
                              "provider_choice": True}
    assert set(page["tenant"]) == TENANT_KEYS
    assert isinstance(page["tenant"]["locale"], str) and page["tenant"]["locale"]
    assert [s["id"] for s in page["services"]] == [w.sid], "the hidden service is not shown"
    s = page["services"][0]
    assert set(s) == SERVICE_KEYS
    assert {k: s[k] for k in SERVICE_KEYS - {"policy", "providers"}} == {
        "id": w.sid, "name": "Consult", "duration_minutes": 60, "price": "50.00",
        "currency": "USD", "capacity": 1, "requires_approval": False, "location": None,
        "provider_overrides": []}
    assert PUBLIC_POLICY_KEYS <= set(s["policy"]) <= PUBLIC_POLICY_KEYS | {
        "waitlist_offer_minutes"}, s["policy"]
    assert sorted(s["providers"], key=lambda p: p["name"]) == [
        {"id": w.ada, "name": "Dr. Ada Lovelace", "time_zone": NY, **NO_PROFILE},
        {"id": w.ben, "name": "Dr. Ben Okafor", "time_zone": NY, **NO_PROFILE}]
    for p in s["providers"]:
        assert set(p) == PROVIDER_KEYS
    text = r.text
    for secret in ("ada@clinic.example", "max_per_day", "auto_confirm", "settings", "email",
                   "provider_ids", "buffer_", "created_at", w.hid, w.t.key):
        assert secret not in text, f"{secret!r} leaks into the public page"


def test_services_are_sorted_by_name_and_unpublished_ones_vanish(w):
    zed = w.t.service([w.ada], "Zed care", 30)["id"]
    alpha = w.t.service([w.ben], "Alpha check", 30)["id"]
    for sid in (zed, alpha):
        w.t.ok("PATCH", f"/v1/services/{sid}", {"public": True})
    assert [s["name"] for s in w.v.page().json()["services"]] == ["Alpha check", "Consult",
                                                                  "Zed care"]
    w.t.ok("PATCH", f"/v1/services/{zed}", {"public": False})
    assert [s["id"] for s in w.v.page().json()["services"]] == [alpha, w.sid]
    expect_problem(w.v.slots(zed, MON), 404, "not_found")


def test_public_flag_must_be_a_boolean(w):
    for bad in ("yes", 1, None):
        r = w.t.patch(f"/v1/services/{w.hid}", {"public": bad})
        if bad is None:
            # null means "leave as is" or "false": either way the service must stay hidden.
            assert r.status_code in (200, 422), r.text
        else:
            expect_problem(r, 422, "validation_failed", "/public")
    assert w.t.ok("GET", f"/v1/services/{w.hid}")["public"] is False
    assert [s["id"] for s in w.v.page().json()["services"]] == [w.sid]


def test_deleted_public_service_vanishes(w):
    extra = w.t.service([w.ada], "Extra", 30)["id"]
    w.t.ok("PATCH", f"/v1/services/{extra}", {"public": True})
    assert extra in [s["id"] for s in w.v.page().json()["services"]]
    assert w.t.delete(f"/v1/services/{extra}").status_code == 204
    assert extra not in [s["id"] for s in w.v.page().json()["services"]]
    expect_problem(w.v.slots(extra, MON), 404, "not_found")


def test_service_policy_is_resolved_service_over_tenant(w):
    w.t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 24,
                                 "late_cancellation_fees": [{"within_hours": 48,
                                                             "percent": 50}]})
    w.t.ok("PATCH", f"/v1/services/{w.sid}", {"policy": {"max_reschedules": 2}})
    pol = w.v.page().json()["services"][0]["policy"]
    assert {k: pol[k] for k in PUBLIC_POLICY_KEYS} == {
        "cancellation_deadline_hours": 24, "reschedule_deadline_hours": None,
        "max_reschedules": 2, "late_cancellation_fees": [{"within_hours": 48, "percent": 50}],
        "no_show_fee_percent": None}


def test_unknown_slug_is_404_everywhere(w):
    v = Visitor(w.t.base, "no-such-clinic-" + uuid.uuid4().hex[:6])
    expect_problem(v.page(), 404, "not_found")
    expect_problem(v.slots(w.sid, MON), 404, "not_found")
    expect_problem(v.hold({"service_id": w.sid, "start": at(MON, "10:00")}), 404, "not_found")
    expect_problem(v.book(booking_body(w.sid, at(MON, "10:00"))), 404, "not_found")
    expect_problem(v.waitlist({"service_id": w.sid, "customer": CUSTOMER,
                               "earliest_date": MON, "latest_date": MON}), 404, "not_found")
    assert count_bookings(w.t) == 0
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)


# --- booking page settings ---------------------------------------------------------------------

def test_booking_page_settings_show_on_the_page(w):
    bp = {"display_name": "Lovelace & Okafor", "brand_color": "#0a7d5a",
          "logo_url": "https://cdn.example.com/logo.png", "provider_choice": False}
    r = w.t.put("/v1/settings", {"booking_page": bp})
    assert r.status_code == 200, r.text
    assert r.json()["booking_page"] == bp
    assert w.t.ok("GET", "/v1/settings")["booking_page"] == bp
    tenant = w.v.page().json()["tenant"]
    assert {k: tenant[k] for k in ("slug", "name", "display_name", "brand_color", "logo_url",
                                   "provider_choice")} == {
        "slug": w.slug, "name": "Public Clinic", "display_name": "Lovelace & Okafor",
        "brand_color": "#0a7d5a", "logo_url": "https://cdn.example.com/logo.png",
        "provider_choice": False}
    # Without a display name the page shows the tenant's name.
    w.t.ok("PUT", "/v1/settings", {"booking_page": {"brand_color": "#112233"}})
    tenant = w.v.page().json()["tenant"]
    assert (tenant["display_name"], tenant["brand_color"], tenant["logo_url"],
            tenant["provider_choice"]) == ("Public Clinic", "#112233", None, True)


def test_tenant_locale_shows_on_the_page(w):
    w.t.ok("PUT", "/v1/settings", {"locale": "de"})
    assert w.v.page().json()["tenant"]["locale"] == "de"


@pytest.mark.parametrize("bp,pointer", [
    ({"brand_color": "red"}, "/booking_page/brand_color"),
    ({"brand_color": "#12345"}, "/booking_page/brand_color"),
    ({"brand_color": "#1234567"}, "/booking_page/brand_color"),
    ({"brand_color": "#12345g"}, "/booking_page/brand_color"),
    ({"brand_color": "#123456;background:url(x)"}, "/booking_page/brand_color"),
    ({"logo_url": "http://cdn.example.com/logo.png"}, "/booking_page/logo_url"),
    ({"logo_url": "javascript:alert(1)"}, "/booking_page/logo_url"),
    ({"logo_url": "data:image/png;base64,AAAA"}, "/booking_page/logo_url"),
    ({"logo_url": "https://"}, "/booking_page/logo_url"),
    ({"logo_url": "https://x.example/\"><script>"}, "/booking_page/logo_url"),
    ({"display_name": "x" * 1000}, "/booking_page/display_name"),
    ({"display_name": 7}, "/booking_page/display_name"),
    ({"provider_choice": "no"}, "/booking_page/provider_choice"),
    ({"colour": "#000000"}, "/booking_page/colour"),
])
def test_invalid_booking_page_settings_are_422_and_store_nothing(w, bp, pointer):
    good = {"display_name": "Kept", "brand_color": "#0a7d5a"}
    w.t.ok("PUT", "/v1/settings", {"booking_page": good})
    before_settings = w.t.ok("GET", "/v1/settings")
    before_page = w.v.page().json()
    expect_problem(w.t.put("/v1/settings", {"booking_page": {**good, **bp}}), 422,
                   "validation_failed", pointer)
    assert w.t.ok("GET", "/v1/settings") == before_settings
    assert w.v.page().json() == before_page


def test_booking_page_settings_need_an_admin_key(w):
    staff = make_key(w.server, w.t, "staff")
    expect_problem(staff.put("/v1/settings", {"booking_page": {"display_name": "X"}}), 403,
                   "forbidden")
    assert w.v.page().json()["tenant"]["display_name"] == "Public Clinic"


# --- tenants stay apart ------------------------------------------------------------------------

def test_another_tenants_services_never_show_under_this_slug(w, other):
    assert [s["id"] for s in w.v.page().json()["services"]] == [w.sid]
    assert [s["id"] for s in other.v.page().json()["services"]] == [other.sid]
    assert other.pid not in w.v.page().text


def test_another_tenants_service_is_refused_and_writes_nothing(w, other):
    expect_problem(w.v.slots(other.sid, MON), 404, "not_found")
    r = w.v.hold({"service_id": other.sid, "provider_id": other.pid, "start": at(MON, "10:00")})
    assert r.status_code in (404, 422), r.text
    expect_problem(r, r.status_code)
    r = w.v.book(booking_body(other.sid, at(MON, "10:00"), provider_id=other.pid))
    assert r.status_code in (404, 422), r.text
    expect_problem(r, r.status_code)
    r = w.v.waitlist({"service_id": other.sid, "customer": CUSTOMER, "earliest_date": MON,
                      "latest_date": MON})
    assert r.status_code in (404, 422), r.text
    assert count_bookings(w.t) == 0 and count_bookings(other.t) == 0
    assert other.t.list_all("/v1/waitlist") == [] and w.t.list_all("/v1/waitlist") == []
    assert at(MON, "10:00") in admin_starts(other.t, other.sid, MON), "no hold was made"
    assert admin_starts(w.t, w.sid, MON, w.ada)[0] == at(MON, "09:00")


def test_another_tenants_provider_is_refused(w, other):
    r = w.v.hold({"service_id": w.sid, "provider_id": other.pid, "start": at(MON, "10:00")})
    expect_problem(r, 422, pointer="/provider_id")
    r = w.v.book(booking_body(w.sid, at(MON, "10:00"), provider_id=other.pid))
    expect_problem(r, 422, pointer="/provider_id")
    r = w.v.slots(w.sid, MON, provider_id=other.pid)
    assert r.status_code in (404, 422), r.text
    assert count_bookings(w.t) == 0 and count_bookings(other.t) == 0


def test_holds_and_entries_of_another_tenant_are_404(w, other):
    h = other.v.hold({"service_id": other.sid, "start": at(MON, "10:00")})
    assert h.status_code == 201, h.text
    hid = h.json()["id"]
    expect_problem(w.v.release(hid), 404, "not_found")
    assert other.t.ok("GET", f"/v1/holds/{hid}", now=HNOW)["live"] is True
    r = w.v.book(booking_body(w.sid, at(MON, "10:00"), hold_id=hid))
    expect_problem(r, 422, pointer="/hold_id")
    assert other.t.ok("GET", f"/v1/holds/{hid}", now=HNOW)["live"] is True
    e = other.v.waitlist({"service_id": other.sid, "customer": CUSTOMER, "earliest_date": MON,
                          "latest_date": MON})
    assert e.status_code == 201, e.text
    p = expect_problem(w.v.req("GET", f"/waitlist/{e.json()['id']}"), 404, "not_found")
    assert not p["detail"].startswith("no route"), p
    assert other.v.req("GET", f"/waitlist/{e.json()['id']}").status_code == 200
    assert count_bookings(w.t) == 0 and count_bookings(other.t) == 0


# --- slots -------------------------------------------------------------------------------------

def test_slots_of_a_hidden_service_are_404(w):
    expect_problem(w.v.slots(w.hid, MON), 404, "not_found")
    expect_problem(w.v.slots("svc_00000000000000000000", MON), 404, "not_found")


@pytest.mark.parametrize("params", [
    {},
    {"timezone": "Europe/Berlin"},
    {"timezone": "Asia/Tokyo", "to": WED},
    {"provider": "ada"},
    {"provider": "ben", "timezone": "UTC"},
])
def test_public_slots_equal_the_keyed_slots(w, params):
    params = dict(params)
    q = {"service_id": w.sid, "from": MON, "to": params.pop("to", TUE)}
    if "provider" in params:
        q["provider_id"] = getattr(w, params.pop("provider"))
    q.update(params)
    booking_helpers.booked(w.t, w.sid, at(MON, "11:00"), w.ada, now=HNOW)
    keyed = w.t.get("/v1/slots", params=q, now=HNOW)
    assert keyed.status_code == 200, keyed.text
    pub = w.v.req("GET", "/slots", params=q)
    assert pub.status_code == 200, pub.text
    assert pub.json() == keyed.json()
    assert len(pub.json()["slots"]) > 8


def test_slots_validation_matches_the_keyed_route(w):
    r = w.v.req("GET", "/slots", params={"service_id": w.sid, "from": MON,
                                         "to": "2026-06-30"})
    expect_problem(r, 422, "range_too_large")
    expect_problem(w.v.req("GET", "/slots", params={"service_id": w.sid}), 422,
                   "validation_failed", "from")


# --- holds -------------------------------------------------------------------------------------

def test_hold_is_created_and_released(w):
    r = w.v.hold({"service_id": w.sid, "provider_id": w.ada, "start": at(MON, "10:00"),
                  "customer": {"email": "pat@example.com"}})
    assert r.status_code == 201, r.text
    h = r.json()
    assert set(h) == HOLD_KEYS
    assert {k: h[k] for k in ("service_id", "provider_id", "start", "end", "expires_at",
                              "live")} == {
        "service_id": w.sid, "provider_id": w.ada, "start": at(MON, "10:00"),
        "end": at(MON, "11:00"), "expires_at": shift(HNOW, 600), "live": True}
    assert at(MON, "10:00") not in admin_starts(w.t, w.sid, MON, w.ada)
    assert at(MON, "10:00") not in [s["start"] for s in w.v.slots(w.sid, MON, provider_id=w.ada)
                                    .json()["slots"]]
    r = w.v.release(h["id"])
    assert r.status_code == 204, r.text
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)
    expect_problem(w.v.release(h["id"]), 404, "not_found")


def test_hold_any_provider_and_ttl(w):
    r = w.v.hold({"service_id": w.sid, "provider_id": "any", "start": at(MON, "10:00"),
                  "ttl_seconds": 30})
    assert r.status_code == 201, r.text
    assert r.json()["provider_id"] in (w.ada, w.ben)
    assert r.json()["expires_at"] == shift(HNOW, 30)
    expect_problem(w.v.hold({"service_id": w.sid, "start": at(MON, "11:00"),
                             "ttl_seconds": 3601}), 422, "validation_failed", "/ttl_seconds")


def test_hold_of_a_hidden_service_is_refused(w):
    r = w.v.hold({"service_id": w.hid, "provider_id": w.ada, "start": at(MON, "10:00")})
    assert r.status_code in (404, 422), r.text
    assert at(MON, "10:00") in admin_starts(w.t, w.hid, MON, w.ada)


def test_hold_on_a_taken_start_is_409(w):
    booked(w, at(MON, "10:00"), provider_id=w.ada)
    expect_problem(w.v.hold({"service_id": w.sid, "provider_id": w.ada,
                             "start": at(MON, "10:00")}), 409, "slot_taken")


def _caps_known():
    if HOLDS_PER_ADDRESS is None or HOLDS_PER_EMAIL is None:
        pytest.fail("set HOLDS_PER_ADDRESS / HOLDS_PER_EMAIL from src/usecase/uc_holds.c")


def _hold_starts(n):
    """n distinct bookable starts: weekdays 09:00..16:00 from Monday 2 March on."""
    days = ["2026-03-%02d" % d for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]
    out = [at(d, "%02d:00" % h) for d in days for h in range(9, 17)]
    assert n <= len(out)
    return out[:n]


def test_live_holds_per_address_are_capped(w):
    _caps_known()
    starts = _hold_starts(HOLDS_PER_ADDRESS + 1)
    made = []
    for i, s in enumerate(starts[:-1]):
        r = w.v.hold({"service_id": w.sid, "provider_id": w.ada, "start": s,
                      "customer": {"email": f"visitor{i}@example.com"}})
        assert r.status_code == 201, (i, r.text)
        made.append(r.json()["id"])
    r = w.v.hold({"service_id": w.sid, "provider_id": w.ada, "start": starts[-1],
                  "customer": {"email": "yet-another@example.com"}})
    expect_problem(r, 429, "hold_limit_reached")
    assert 1 <= int(r.headers["Retry-After"]) <= 600, r.headers
    assert starts[-1] in admin_starts(w.t, w.sid, starts[-1][:10], w.ada), "nothing was held"
    # Another address is not held back; releasing one makes room again.
    other = Visitor(w.t.base, w.slug)
    assert other.hold({"service_id": w.sid, "provider_id": w.ada,
                       "start": starts[-1]}).status_code == 201
    assert w.v.release(made[0]).status_code == 204
    r = w.v.hold({"service_id": w.sid, "provider_id": w.ada, "start": starts[0]})
    assert r.status_code == 201, r.text
    # Expired holds do not count.
    later = shift(HNOW, 601)
    r = w.v.hold({"service_id": w.sid, "provider_id": w.ben, "start": starts[1]}, now=later)
    assert r.status_code == 201, r.text


def test_live_holds_per_email_are_capped_across_addresses(w):
    _caps_known()
    starts = _hold_starts(HOLDS_PER_EMAIL + 1)
    for i, s in enumerate(starts[:-1]):
        v = Visitor(w.t.base, w.slug)
        r = v.hold({"service_id": w.sid, "provider_id": w.ada, "start": s,
                    "customer": {"email": "Same.Person@example.com" if i % 2 else
                                 "same.person@example.com"}})
        assert r.status_code == 201, (i, r.text)
    v = Visitor(w.t.base, w.slug)
    r = v.hold({"service_id": w.sid, "provider_id": w.ada, "start": starts[-1],
                "customer": {"email": "same.person@EXAMPLE.com"}})
    expect_problem(r, 429, "hold_limit_reached")
    assert int(r.headers["Retry-After"]) >= 1
    assert starts[-1] in admin_starts(w.t, w.sid, starts[-1][:10], w.ada)
    r = v.hold({"service_id": w.sid, "provider_id": w.ada, "start": starts[-1],
                "customer": {"email": "someone.else@example.com"}})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("role", ["customer", "admin"])
def test_a_keyed_clients_hold_cannot_be_booked_publicly(w, role):
    keyed = w.t if role == "admin" else make_key(w.server, w.t, "customer")
    r = keyed.post("/v1/holds", {"service_id": w.sid, "provider_id": w.ada,
                                 "start": at(MON, "10:00")}, now=HNOW)
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    r = w.v.book(booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada, hold_id=hid))
    assert r.status_code in (409, 422), r.text
    if r.status_code == 422:
        expect_problem(r, 422, pointer="/hold_id")
    assert count_bookings(w.t) == 0
    assert w.t.ok("GET", f"/v1/holds/{hid}", now=HNOW)["live"] is True, "the hold stays its owner's"
    expect_problem(w.v.release(hid), 404, "not_found")
    assert w.t.ok("GET", f"/v1/holds/{hid}", now=HNOW)["live"] is True


def test_public_hold_is_booked_by_its_visitor(w):
    h = w.v.hold({"service_id": w.sid, "provider_id": w.ben, "start": at(MON, "10:00")}).json()
    b = booked(w, at(MON, "10:00"), provider_id=w.ben, hold_id=h["id"])
    assert (b["provider_id"], b["start"]) == (w.ben, at(MON, "10:00"))
    expect_problem(w.t.get(f"/v1/holds/{h['id']}", now=HNOW), 404, "not_found")
    # Without the hold id the held start is taken for everyone else.
    h2 = w.v.hold({"service_id": w.sid, "provider_id": w.ben, "start": at(MON, "11:00")}).json()
    other = Visitor(w.t.base, w.slug)
    r = other.book(booking_body(w.sid, at(MON, "11:00"), provider_id=w.ben))
    expect_problem(r, 409, "slot_taken")
    assert w.t.ok("GET", f"/v1/holds/{h2['id']}", now=HNOW)["live"] is True


# --- bookings ----------------------------------------------------------------------------------

def test_booking_answer_carries_the_manage_token(w):
    r = w.v.book(booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada,
                              customer={"name": "Pat", "email": "pat@example.com",
                                        "phone": "+1 555 0100"},
                              notes="Window seat", locale="de"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert set(b) == BOOKING_KEYS | {"manage_token"}
    assert TOKEN_RE.fullmatch(b["manage_token"]), b["manage_token"]
    assert REFERENCE_RE.fullmatch(b["reference"]), b["reference"]
    assert {k: b[k] for k in ("status", "start", "end", "provider_id", "service_id", "customer",
                              "notes", "price", "currency", "locale")} == {
        "status": "confirmed", "start": at(MON, "10:00"), "end": at(MON, "11:00"),
        "provider_id": w.ada, "service_id": w.sid,
        "customer": {"name": "Pat", "email": "pat@example.com", "phone": "+1 555 0100"},
        "notes": "Window seat", "price": "50.00", "currency": "USD", "locale": "de"}
    assert customer_view(w.t.ok("GET", f"/v1/bookings/{b['id']}")) == public(b)
    assert Api(w.t.base, b["manage_token"]).ok("GET", f"/v1/bookings/{b['id']}")["id"] == b["id"]


def test_booking_without_idempotency_key_is_refused_and_stores_nothing(w):
    before = count_bookings(w.t)
    r = w.v.book(booking_body(w.sid, at(MON, "10:00")), key="")
    # As on POST /v1/bookings: a missing header is a malformed request.
    p = expect_problem(r, 400, "malformed_request")
    assert "Idempotency-Key" in p["detail"]
    for bad in ("has space", "x" * 256, "caf\u00e9"):
        r = w.v.req("POST", "/bookings", booking_body(w.sid, at(MON, "10:00")),
                    headers={"Idempotency-Key": bad.encode("utf-8")})
        assert r.status_code in (400, 422), (bad, r.text)
    assert count_bookings(w.t) == before
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)


def test_same_key_twice_books_once(w):
    key = new_key()
    body = booking_body(w.sid, at(MON, "10:00"))
    r1 = w.v.book(body, key=key)
    assert r1.status_code == 201, r1.text
    r2 = w.v.book(dict(reversed(list(body.items()))), key=key)
    assert r2.status_code == 201, r2.text
    assert r2.json()["id"] == r1.json()["id"]
    assert r2.json()["manage_token"] == r1.json()["manage_token"]
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert count_bookings(w.t) == 1


def test_same_key_other_body_is_422_reused(w):
    key = new_key()
    assert w.v.book(booking_body(w.sid, at(MON, "10:00")), key=key).status_code == 201
    r = w.v.book(booking_body(w.sid, at(MON, "11:00")), key=key)
    expect_problem(r, 422, "idempotency_key_reused")
    assert count_bookings(w.t) == 1
    assert at(MON, "11:00") in admin_starts(w.t, w.sid, MON, w.ada)


def test_idempotency_keys_of_the_public_page_and_of_keys_do_not_meet(w, other):
    key = new_key()
    b1 = w.v.book(booking_body(w.sid, at(MON, "10:00")), key=key)
    b2 = other.v.book(booking_body(other.sid, at(MON, "10:00")), key=key)
    assert (b1.status_code, b2.status_code) == (201, 201), (b1.text, b2.text)
    assert b1.json()["id"] != b2.json()["id"]


def test_booking_a_hidden_service_is_refused_as_a_missing_one_and_stores_nothing(w):
    hidden = w.v.book(booking_body(w.hid, at(MON, "10:00"), provider_id=w.ada))
    missing = w.v.book(booking_body("svc_00000000000000000000", at(MON, "10:00"),
                                    provider_id=w.ada))
    assert hidden.status_code in (404, 422), hidden.text
    a, b = expect_problem(hidden, hidden.status_code), expect_problem(missing, hidden.status_code)
    assert (a["code"], a["errors"]) == (b["code"], b["errors"]), \
        "a hidden service must look exactly like a missing one"
    assert count_bookings(w.t) == 0
    assert at(MON, "10:00") in admin_starts(w.t, w.hid, MON, w.ada)


def test_booking_a_hidden_service_is_404(w):
    """Issue 14: booking a service that is not public answers 404 (as its slots do)."""
    r = w.v.book(booking_body(w.hid, at(MON, "10:00"), provider_id=w.ada))
    expect_problem(r, 404, "not_found")
    assert count_bookings(w.t) == 0


def test_another_visitor_reusing_a_key_never_gets_the_first_booking(w):
    key = new_key()
    body = booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada)
    first = w.v.book(body, key=key)
    assert first.status_code == 201, first.text
    r = Visitor(w.t.base, w.slug).book(body, key=key)
    assert first.json()["manage_token"] not in r.text, \
        "a key seen on another address must not hand out the booking's manage token"
    assert count_bookings(w.t) == 1


def test_page_without_provider_choice_books_anyone_only(w):
    w.t.ok("PUT", "/v1/settings", {"booking_page": {"provider_choice": False}})
    expect_problem(w.v.hold({"service_id": w.sid, "provider_id": w.ada,
                             "start": at(MON, "10:00")}), 422, pointer="/provider_id")
    expect_problem(w.v.book(booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada)), 422,
                   pointer="/provider_id")
    assert count_bookings(w.t) == 0
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)
    b = booked(w, at(MON, "10:00"), provider_id="any")
    assert b["provider_id"] in (w.ada, w.ben)


@pytest.mark.parametrize("change,pointer", [
    ({"notes": "x" * 1001}, "/notes"),
    ({"notes": 5}, "/notes"),
    ({"customer": {"email": "pat@example.com"}}, "/customer/name"),
    ({"customer": {"name": "", "email": "pat@example.com"}}, "/customer/name"),
    ({"customer": {"name": "Pat"}}, "/customer/email"),
    ({"customer": {"name": "Pat", "email": "not-an-email"}}, "/customer/email"),
    ({"customer": {"name": "Pat", "email": "pat@example.com", "phone": "call me"}},
     "/customer/phone"),
    ({"customer": {"name": "Pat", "email": "pat@example.com", "age": 4}}, "/customer/age"),
    ({"customer": "Pat"}, "/customer"),
    ({"start": "tomorrow"}, "/start"),
    ({"hold_id": "hld_00000000000000000000"}, "/hold_id"),
    ({"surprise": True}, "/surprise"),
])
def test_invalid_booking_is_422_with_pointer_and_stores_nothing(w, change, pointer):
    body = booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada)
    body.update(change)
    expect_problem(w.v.book(body), 422, pointer=pointer)
    assert count_bookings(w.t) == 0
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)


def test_booking_a_taken_start_is_409_and_the_key_may_not_be_replayed_into_a_booking(w):
    booked(w, at(MON, "10:00"), provider_id=w.ada)
    key = new_key()
    r = w.v.book(booking_body(w.sid, at(MON, "10:00"), provider_id=w.ada), key=key)
    expect_problem(r, 409, "slot_taken")
    assert count_bookings(w.t) == 1


# --- waitlist ----------------------------------------------------------------------------------

def test_waitlist_entry_for_a_public_service(w):
    body = {"service_id": w.sid, "provider_id": w.ada, "customer": dict(CUSTOMER),
            "earliest_date": MON, "latest_date": TUE, "weekdays": ["mon", "tue"],
            "time_windows": [{"start": "09:00", "end": "12:00"}]}
    # Fill both days' morning for Ada, so the entry waits.
    for d in (MON, TUE):
        for hm in ("09:00", "10:00", "11:00"):
            booking_helpers.booked(w.t, w.sid, at(d, hm), w.ada, now=HNOW)
    r = w.v.waitlist(body)
    assert r.status_code == 201, r.text
    e = r.json()
    assert set(e) == ENTRY_KEYS
    assert (e["status"], e["priority"], e["service_id"], e["provider_id"]) == (
        "waiting", 0, w.sid, w.ada)
    got = w.v.req("GET", f"/waitlist/{e['id']}")
    assert got.status_code == 200, got.text
    assert got.json()["id"] == e["id"] and got.json()["status"] == "waiting"
    assert [x["id"] for x in w.t.list_all("/v1/waitlist")] == [e["id"]]


def test_waitlist_priority_is_refused_and_nothing_stored(w):
    r = w.v.waitlist({"service_id": w.sid, "customer": dict(CUSTOMER), "earliest_date": MON,
                      "latest_date": MON, "priority": 1000})
    expect_problem(r, 422, pointer="/priority")
    assert w.t.list_all("/v1/waitlist") == []


def test_waitlist_for_a_hidden_service_is_refused(w):
    r = w.v.waitlist({"service_id": w.hid, "customer": dict(CUSTOMER), "earliest_date": MON,
                      "latest_date": MON})
    assert r.status_code in (404, 422), r.text
    assert w.t.list_all("/v1/waitlist") == []


def test_unknown_waitlist_entry_is_404(w):
    p = expect_problem(w.v.req("GET", "/waitlist/wtl_00000000000000000000"), 404, "not_found")
    assert not p["detail"].startswith("no route"), p


# --- manage ------------------------------------------------------------------------------------

def manage(token, base, now=HNOW):
    return Api(base, token).get("/v1/manage", now=now)


def test_manage_shows_booking_tenant_service_provider_and_actions(w):
    w.t.ok("PUT", "/v1/settings", {"booking_page": {"display_name": "Front", "brand_color":
                                                    "#123456"}})
    b = booked(w, at(MON, "10:00"), provider_id=w.ada)
    r = manage(b["manage_token"], w.t.base)
    assert r.status_code == 200, r.text
    m = r.json()
    assert set(m) == MANAGE_KEYS
    assert m["booking"] == customer_view(w.t.ok("GET", f"/v1/bookings/{b['id']}"))
    assert "manage_token" not in m["booking"]
    assert m["tenant"] == w.v.page().json()["tenant"]
    assert m["service"] == {"id": w.sid, "name": "Consult", "duration_minutes": 60}
    assert m["provider"] == {"id": w.ada, "name": "Dr. Ada Lovelace", "time_zone": NY,
                             **NO_PROFILE}
    assert m["cancel"] == {"allowed": True, "deadline": None, "fee": None}
    assert m["reschedule"] == {"allowed": True, "deadline": None}
    for secret in ("ada@clinic.example", "max_per_day", w.t.key):
        assert secret not in r.text


def test_cancel_quote_is_the_fee_the_cancel_stores(w):
    w.t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 24,
                                 "late_cancellation_fees": [{"within_hours": 48, "percent": 50},
                                                            {"within_hours": 30,
                                                             "percent": 80}]})
    b = booked(w, at(TUE, "10:00"), provider_id=w.ada)           # 15:00Z on Tuesday
    mt = Api(w.t.base, b["manage_token"])
    now = "2026-03-02T12:00:00Z"                                  # 27 h before: 80 % tier
    m = manage(b["manage_token"], w.t.base, now=now).json()
    assert m["cancel"]["allowed"] is True
    assert instant(m["cancel"]["deadline"]) == instant("2026-03-02T15:00:00Z")
    assert m["cancel"]["fee"] == {"amount": "40.00", "currency": "USD",
                                  "reason": "late_cancellation"}
    assert m["reschedule"]["allowed"] is True
    assert instant(m["reschedule"]["deadline"]) == instant("2026-03-02T15:00:00Z"), \
        "without its own deadline, rescheduling closes with cancelling"
    # 40 h before: only the 50 % tier has begun.
    early = manage(b["manage_token"], w.t.base, now="2026-03-01T23:00:00Z").json()
    assert early["cancel"]["fee"] == {"amount": "25.00", "currency": "USD",
                                      "reason": "late_cancellation"}
    c = mt.post(f"/v1/bookings/{b['id']}/cancel", {"reason": "ill"}, now=now)
    assert c.status_code == 200, c.text
    assert c.json()["status"] == "cancelled"
    assert c.json()["fee"] == m["cancel"]["fee"]
    assert w.t.ok("GET", f"/v1/bookings/{b['id']}")["fee"] == m["cancel"]["fee"]
    after = manage(b["manage_token"], w.t.base, now=now).json()
    assert after["booking"]["status"] == "cancelled"
    assert after["cancel"]["allowed"] is False and after["reschedule"]["allowed"] is False
    assert after["cancel"]["code"] == after["reschedule"]["code"] == "booking_ended"


def test_manage_past_the_deadline_says_not_allowed(w):
    w.t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 24})
    b = booked(w, at(TUE, "10:00"), provider_id=w.ada)
    late = "2026-03-02T15:00:01Z"
    m = manage(b["manage_token"], w.t.base, now=late).json()
    assert m["cancel"]["allowed"] is False and m["reschedule"]["allowed"] is False
    assert m["cancel"]["code"] == m["reschedule"]["code"] == "policy_deadline_passed"
    # No reschedule deadline of its own: it closes with cancellations, 24 hours before.
    assert m["cancel"]["deadline"] == m["reschedule"]["deadline"] == at(MON, "10:00")
    assert m["cancel"]["fee"] is None
    r = Api(w.t.base, b["manage_token"]).post(f"/v1/bookings/{b['id']}/cancel", now=late)
    expect_problem(r, 422, "policy_deadline_passed")
    assert w.t.ok("GET", f"/v1/bookings/{b['id']}")["status"] == "confirmed"


def test_manage_reschedule_moves_the_booking(w):
    b = booked(w, at(MON, "10:00"), provider_id=w.ada)
    mt = Api(w.t.base, b["manage_token"])
    r = mt.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at(TUE, "14:00")}, now=HNOW)
    assert r.status_code == 200, r.text
    got = w.t.ok("GET", f"/v1/bookings/{b['id']}")
    assert (got["start"], got["reschedule_count"]) == (at(TUE, "14:00"), 1)
    assert at(MON, "10:00") in admin_starts(w.t, w.sid, MON, w.ada)


def test_manage_token_reads_slots_of_its_service_only(w):
    b = booked(w, at(MON, "10:00"), provider_id=w.ada)
    mt = Api(w.t.base, b["manage_token"])
    q = {"service_id": w.sid, "provider_id": w.ada, "from": MON, "to": TUE,
         "timezone": "Europe/Berlin"}
    r = mt.get("/v1/slots", params=q, now=HNOW)
    assert r.status_code == 200, r.text
    assert r.json() == w.t.ok("GET", "/v1/slots", params=q, now=HNOW)
    other_public = w.t.service([w.ada], "Other public", 30)["id"]
    w.t.ok("PATCH", f"/v1/services/{other_public}", {"public": True})
    for sid in (w.hid, other_public):
        r = mt.get("/v1/slots", params={**q, "service_id": sid}, now=HNOW)
        assert r.status_code in (403, 404), r.text
        expect_problem(r, r.status_code)


def test_manage_with_an_api_key_is_403_and_without_auth_401(w):
    expect_problem(w.t.get("/v1/manage"), 403, "forbidden")
    expect_problem(make_key(w.server, w.t, "customer").get("/v1/manage"), 403, "forbidden")
    expect_problem(Api(w.t.base, None).get("/v1/manage"), 401, "unauthorized")
    expect_problem(Api(w.t.base, "mt_" + "A" * 43).get("/v1/manage"), 401, "unauthorized")


def test_manage_token_of_one_booking_does_not_reach_another(w):
    b1 = booked(w, at(MON, "10:00"), provider_id=w.ada)
    b2 = booked(w, at(MON, "11:00"), provider_id=w.ada,
                customer={"name": "Other", "email": "o@example.com"})
    mt = Api(w.t.base, b1["manage_token"])
    assert manage(b1["manage_token"], w.t.base).json()["booking"]["id"] == b1["id"]
    expect_problem(mt.post(f"/v1/bookings/{b2['id']}/cancel", now=HNOW), 404, "not_found")
    assert w.t.ok("GET", f"/v1/bookings/{b2['id']}")["status"] == "confirmed"


# --- rate limit per address --------------------------------------------------------------------

LIMIT_RE = re.compile(r'^"(\w+)";r=(\d+);t=(\d+)$')
def one_public_service(srv, prefix, name=None):
    """A new tenant on srv with provider "P" (New York, weekdays 09-17) and its public 60-minute
    service "S"; returns (Api, slug, service id)."""
    slug = f"{prefix}-" + uuid.uuid4().hex[:8]
    t = srv.tenant(slug, name)
    p = t.provider("P", NY)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    sid = t.service([p["id"]], "S", 60, public=True)["id"]
    return t, slug, sid


POLICY_RE = re.compile(r'^"(\w+)";q=(\d+);w=(\d+)$')


def test_public_routes_are_rate_limited_per_address(start_server):
    srv = start_server(args=["--rate-limit-address", "5/60"], env={"SLOTD_RATE_LIMITS": "on"})
    t, slug, sid = one_public_service(srv, "rl")
    url = f"{srv.base}/v1/public/{slug}"
    rs = [requests.get(url, timeout=10) for _ in range(5)]
    assert [r.status_code for r in rs] == [200] * 5
    lefts = []
    for r in rs:
        pm, lm = POLICY_RE.match(r.headers["RateLimit-Policy"]), LIMIT_RE.match(r.headers["RateLimit"])
        assert pm and lm, r.headers
        assert (pm.group(1), int(pm.group(2)), int(pm.group(3))) == ("address", 5, 60)
        lefts.append(int(lm.group(2)))
    assert lefts == [4, 3, 2, 1, 0]
    r = requests.get(url, timeout=10)
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    assert "RateLimit" in r.headers and "RateLimit-Policy" in r.headers
    # Writes from the same address are refused too, and change nothing.
    r = requests.post(f"{url}/bookings", json={"service_id": sid, "start": at(MON, "10:00"),
                                               "customer": CUSTOMER},
                      headers={"Idempotency-Key": new_key(), "X-Test-Now": HNOW}, timeout=10)
    assert r.status_code == 429, r.text
    assert t.list_all("/v1/bookings") == []
    assert t.get("/v1/services").status_code == 200, "the tenant's key is not held back"


# --- web routes --------------------------------------------------------------------------------

CSP_ALLOWED = {"'self'", "'none'"}


def csp_directives(header):
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def assert_page_headers(r):
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    csp = r.headers.get("Content-Security-Policy")
    assert csp, r.headers
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    d = csp_directives(csp)
    assert d.get("default-src") == ["'none'"], csp
    assert d.get("script-src") == ["'self'"], csp
    assert d.get("style-src") == ["'self'"], csp
    assert d.get("connect-src") == ["'self'"], csp
    assert d.get("base-uri") == ["'none'"], csp
    for name, sources in d.items():
        for s in sources:
            ok = s in CSP_ALLOWED or (name == "img-src" and s in ("https:", "data:")) or \
                (name == "frame-ancestors" and s == "*")
            assert ok, f"CSP {name} allows {s}: {csp}"
    assert r.headers.get("Referrer-Policy") == "no-referrer", r.headers
    assert r.headers.get("X-Content-Type-Options") == "nosniff", r.headers
    html = r.text
    for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in m.group(1) and not m.group(2).strip(), f"inline script: {m.group(0)[:200]}"
    assert not re.search(r"\sstyle\s*=", html, re.I), "inline style attribute in the page"
    assert not re.search(r"<style\b", html, re.I), "inline <style> in the page"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler in the page"
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I), \
        "the page loads something from another host"
    return html


def asset_paths(html):
    return sorted(set(re.findall(r"(?:src|href)=[\"']?(/assets/[^\"' >]+)", html)))


@pytest.fixture
def web(server):
    """A tenant with a public service and one booking made on its page."""
    t, slug, sid = one_public_service(server, "web", "Web Clinic")
    v = Visitor(t.base, slug)
    b = v.book(booking_body(sid, at(MON, "10:00"))).json()
    return types.SimpleNamespace(t=t, slug=slug, sid=sid, b=b, base=t.base)


def test_booking_pages_are_html_with_the_security_headers(web):
    pages = [f"/book/{web.slug}", f"/book/{web.slug}/{web.sid}",
             f"/book/{web.slug}/bookings/{web.b['id']}?token={web.b['manage_token']}",
             f"/manage/{web.b['manage_token']}", f"/book/{web.slug}?waitlist=wtl_00000000000000000000",
             f"/book/{web.slug}?embed=1"]
    bodies = []
    for path in pages:
        r = requests.get(web.base + path, timeout=10)
        bodies.append(assert_page_headers(r))
        assert r.headers.get("Cache-Control", "").find("immutable") < 0, \
            "the HTML must not be cached for ever (it names the current assets)"
    assert len(set(bodies)) == 1, "every HTML route answers the same index.html"
    # Booking pages may be embedded anywhere; manage pages (cancel buttons) nowhere.
    for path in pages:
        r = requests.get(web.base + path, timeout=10)
        fa = csp_directives(r.headers["Content-Security-Policy"]).get("frame-ancestors")
        manage_page = path.startswith("/manage/") or "/bookings/" in path
        assert fa == (["'none'"] if manage_page else ["*"]), (path, fa)
        assert "no-cache" in r.headers.get("Cache-Control", ""), (path, r.headers)
    assert asset_paths(bodies[0]), "the page loads its script from /assets/"
    assert web.b["manage_token"] not in bodies[0]


def test_manage_page_token_is_not_logged(start_server, tmp_path):
    log = tmp_path / "web.log"
    srv = start_server(args=["--log-file", str(log)])
    t, slug, sid = one_public_service(srv, "log")
    b = Visitor(t.base, slug).book(booking_body(sid, at(MON, "10:00"))).json()
    token = b["manage_token"]
    assert requests.get(f"{srv.base}/manage/{token}", timeout=10).status_code == 200
    assert requests.get(f"{srv.base}/book/{slug}/bookings/{b['id']}?token={token}",
                        timeout=10).status_code == 200
    assert requests.get(f"{srv.base}/manage/{token}x", timeout=10).status_code in (200, 404)
    assert Api(srv.base, token).get("/v1/manage", now=HNOW).status_code == 200
    srv.stop()
    text = log.read_text()
    lines = [json.loads(x) for x in text.splitlines() if x.strip()]
    requests_logged = [x for x in lines if x.get("msg") == "request"]
    assert len(requests_logged) >= 4, lines[-5:]
    assert any("/manage/" in json.dumps(x) for x in requests_logged), \
        "the manage page request is logged (without its token)"
    assert token not in text, "the manage token appears in the request log"
    assert token[3:] not in text and token[3:20] not in text
    assert "pat@example.com" not in text


def test_assets_are_immutable_typed_and_gzipped(web):
    html = requests.get(f"{web.base}/book/{web.slug}", timeout=10).text
    paths = asset_paths(html)
    assert any(p.endswith(".js") for p in paths), paths
    for path in paths:
        r = requests.get(web.base + path, headers={"Accept-Encoding": "identity"}, stream=True,
                         timeout=10)
        plain = r.raw.read(decode_content=False)
        assert r.status_code == 200, path
        cc = r.headers.get("Cache-Control", "")
        assert "immutable" in cc, (path, cc)
        m = re.search(r"max-age=(\d+)", cc)
        assert m and int(m.group(1)) >= 31536000, (path, cc)
        ct = r.headers["Content-Type"]
        if path.endswith(".js"):
            assert ct.split(";")[0].strip() in ("text/javascript", "application/javascript"), ct
        elif path.endswith(".css"):
            assert ct.split(";")[0].strip() == "text/css", ct
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        assert "Content-Encoding" not in r.headers
        g = requests.get(web.base + path, headers={"Accept-Encoding": "gzip"}, stream=True,
                         timeout=10)
        packed = g.raw.read(decode_content=False)
        if len(plain) > 1024:
            assert g.headers.get("Content-Encoding") == "gzip", (path, g.headers)
            assert "Accept-Encoding" in g.headers.get("Vary", ""), g.headers
            assert gzip.decompress(packed) == plain
            assert len(packed) < len(plain)
        else:
            assert packed == plain or gzip.decompress(packed) == plain


@pytest.mark.parametrize("which", ["page", "embed"])
def test_pages_and_the_embed_script_revalidate_with_etags(web, which):
    path = f"/book/{web.slug}" if which == "page" else "/embed.js"
    r = requests.get(web.base + path, timeout=10)
    etag = r.headers.get("ETag")
    assert r.status_code == 200 and etag, r.headers
    again = requests.get(web.base + path, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304, again.status_code
    assert again.content == b""
    assert again.headers.get("ETag") == etag
    other = requests.get(web.base + path, headers={"If-None-Match": '"stale"'}, timeout=10)
    assert other.status_code == 200 and other.content == r.content


def test_embed_script_is_javascript(web):
    r = requests.get(f"{web.base}/embed.js", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0].strip() in ("application/javascript",
                                                               "text/javascript"), r.headers
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert "/book/" in r.text, "the embed script builds the booking page URL"


@pytest.mark.parametrize("path", ["/assets/nope-0123abcd.js", "/assets/", "/assets/..%2f..%2fetc%2fpasswd",
                                  "/assets/%2e%2e/index.html", "/embed.jsx"])
def test_unknown_assets_are_404(web, path):
    r = requests.get(web.base + path, timeout=10)
    assert r.status_code == 404, (path, r.status_code, r.text[:200])
    assert "root:" not in r.text


# --- from the review of the C side -----------------------------------------------------------

def test_a_tenant_without_services_has_an_empty_page(server):
    slug = "empty-" + uuid.uuid4().hex[:8]
    server.tenant(slug, "Empty Clinic")
    r = Visitor(server.base, slug).page()
    assert r.status_code == 200, r.text
    assert r.json()["services"] == [] and r.json()["tenant"]["slug"] == slug


def test_more_than_a_page_of_hidden_services_does_not_hide_a_public_one(w):
    for i in range(205):
        w.t.service([], f"Hidden {i:03d}", 30)
    late = w.t.service([w.ada], "AAA Late public", 30, public=True)
    names = [s["name"] for s in w.v.page().json()["services"]]
    assert names == ["AAA Late public", "Consult"], names
    got = {s["id"]: s for s in w.v.page().json()["services"]}
    assert [p["id"] for p in got[late["id"]]["providers"]] == [w.ada]


def test_a_visitor_may_have_three_waitlist_entries(w):
    body = {"service_id": w.sid, "customer": dict(CUSTOMER), "earliest_date": WED,
            "latest_date": WED, "time_windows": [{"start": "06:00", "end": "07:00"}]}
    for _ in range(3):
        r = w.v.waitlist(body)
        assert r.status_code == 201, r.text
    p = expect_problem(w.v.waitlist(body), 429, "waitlist_limit_reached")
    assert "address" in p["detail"]
    assert len(w.t.list_all("/v1/waitlist")) == 3
    # Another address has its own allowance.
    assert Visitor(w.t.base, w.slug).waitlist(body).status_code == 201


def test_a_visitors_hold_lasts_at_most_fifteen_minutes(w):
    body = {"service_id": w.sid, "start": at(MON, "10:00"), "ttl_seconds": 901}
    expect_problem(w.v.hold(body), 422, "validation_failed", "/ttl_seconds")
    body["ttl_seconds"] = 900
    r = w.v.hold(body)
    assert r.status_code == 201, r.text
    assert (instant(r.json()["expires_at"]) - instant(HNOW)).total_seconds() == 900


@pytest.mark.parametrize("name", ["", "Clinic\u0085", "Clinic\u009f", "Tab\there"])
def test_display_name_must_be_non_empty_without_controls(w, name):
    r = w.t.put("/v1/settings", {"booking_page": {"display_name": name}})
    expect_problem(r, 422, "validation_failed", "/booking_page/display_name")
    assert w.t.ok("GET", "/v1/settings")["booking_page"]["display_name"] is None


def test_visitor_ids_are_keyed_per_tenant(w, other):
    import hashlib
    addr = new_address()
    mine = Visitor(w.t.base, w.slug, addr)
    theirs = Visitor(other.t.base, other.slug, addr)
    assert mine.hold({"service_id": w.sid, "start": at(MON, "10:00")}).status_code == 201
    assert theirs.hold({"service_id": other.sid, "start": at(MON, "10:00")}).status_code == 201
    a = w.t.ok("GET", "/v1/events", params={"type": "hold.created"})["data"][-1]["actor"]
    b = other.t.ok("GET", "/v1/events", params={"type": "hold.created"})["data"][-1]["actor"]
    assert a["type"] == b["type"] == "visitor" and a["role"] == "customer"
    assert a["id"].startswith("pub_") and b["id"].startswith("pub_")
    # Not the same across tenants, and not an unkeyed digest of the address.
    assert a["id"] != b["id"]
    for h in (hashlib.blake2b(addr.encode(), digest_size=32).hexdigest(),
              hashlib.sha256(addr.encode()).hexdigest()):
        assert a["id"][4:] != h[:20]


def test_gzip_coded_files_carry_weak_etags(w):
    base = w.t.base
    page = requests.get(f"{base}/book/{w.slug}", timeout=10).text
    asset = re.search(r'/assets/[^"]+\.js', page).group(0)
    plain = requests.get(base + asset, headers={"Accept-Encoding": "identity"}, timeout=10)
    coded = requests.get(base + asset, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert plain.headers.get("Content-Encoding") is None
    assert coded.headers.get("Content-Encoding") == "gzip"
    strong = plain.headers["ETag"]
    assert strong.startswith('"') and coded.headers["ETag"] == "W/" + strong
    for enc, tag in (("identity", strong), ("gzip", "W/" + strong)):
        r = requests.get(base + asset, headers={"Accept-Encoding": enc,
                                                "If-None-Match": strong}, timeout=10)
        assert r.status_code == 304 and r.headers["ETag"] == tag, (enc, r.headers)


def test_ipv4_mapped_addresses_count_as_their_ipv4_address(w):
    n = next(_addresses)
    a, b = f"198.19.{n % 250}.1", f"198.19.{n % 250}.2"
    mapped_a = Visitor(w.t.base, w.slug, "::ffff:" + a)
    starts = [at(d, f"{h:02d}:00") for d in (MON, TUE) for h in range(9, 17)]
    for s in starts[:HOLDS_PER_ADDRESS]:
        r = mapped_a.hold({"service_id": w.sid, "start": s})
        assert r.status_code == 201, r.text
    # The same client over IPv4 shares the cap; another IPv4 client (also mapped) does not.
    expect_problem(Visitor(w.t.base, w.slug, a).hold({"service_id": w.sid, "start": starts[6]}),
                   429, "hold_limit_reached")
    r = Visitor(w.t.base, w.slug, "::ffff:" + b).hold({"service_id": w.sid, "start": starts[7]})
    assert r.status_code == 201, r.text
