"""Calendar subscription feeds and booking calendar links, against the real binary.

A feed is made through /v1/providers/{id}/feeds (or /v1/feeds for the whole tenant), shows
its URL once, and is read at GET /feeds/{token}.ics without any key. Documents are parsed
with python3-icalendar. Bookings are made at DEFAULT_NOW (1 Jan 2026) for dates in March
2026 (New York); feeds are read at FNOW, 10 March 2026, so they fall into the window.
"""
import re
import sqlite3
import time
import types
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import partial
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests

import booking_helpers
import pg_helpers
from booking_helpers import at, consult_tenant
from conftest import Api, DEFAULT_NOW, expect_problem, weekdays
from mail_receiver import MailReceiver

FNOW = "2026-03-10T12:00:00Z"
LATER = "2026-03-10T13:00:00Z"
BER = "Europe/Berlin"
NY = "America/New_York"

booked = booking_helpers.booked
acted = booking_helpers.acted


def ny(day, hm):
    """A New York start in summer time (from 8 March 2026)."""
    return at(day, hm, "-04:00")


def cust(name="Zelda Quill", email=None, phone="+1 555 0100"):
    return {"name": name, "email": email or f"zq-{uuid.uuid4().hex[:8]}@patients.example",
            "phone": phone}


def make_feed(t, pid=None, status=201, **body):
    body.setdefault("kind", "details")
    path = f"/v1/providers/{pid}/feeds" if pid else "/v1/feeds"
    r = t.post(path, body)
    assert r.status_code == status, r.text
    return r.json()


def token_path(feed):
    """The path of a feed's URL: /feeds/<token>.ics."""
    return urlsplit(feed["url"]).path


def fetch(t, feed_or_path, now=FNOW, headers=None):
    """GET the feed without any key."""
    path = feed_or_path if isinstance(feed_or_path, str) else token_path(feed_or_path)
    return Api(t.base, None).get(path, now=now, headers=headers)


def fetched(t, feed, now=FNOW):
    r = fetch(t, feed, now)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return r


def events(text):
    cal = icalendar.Calendar.from_ical(text)
    return cal, [c for c in cal.walk() if c.name == "VEVENT"]


def by_uid(evs, uid):
    return [e for e in evs if str(e["UID"]) == uid]


def utc(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def unfolded(text):
    return text.replace("\r\n ", "").replace("\r\n\t", "")


# --- making, listing, revoking ------------------------------------------------------------------

def test_create_shows_the_url_once_and_lists_without_it(server):
    c = consult_tenant(server)
    f = make_feed(c.t, c.pid, kind="busy", name="Dr Auto busy", days_back=7, days_ahead=60)
    assert re.fullmatch(r"fed_[0-9a-hjkmnp-tv-z]{20}", f["id"])
    assert (f["provider_id"], f["kind"], f["name"], f["days_back"], f["days_ahead"]) == \
        (c.pid, "busy", "Dr Auto busy", 7, 60)
    assert f["last_used_at"] is None
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/feeds/cal_[A-Za-z0-9_-]{43}\.ics", f["url"])
    assert f["webcal_url"] == "webcal://" + f["url"].split("://", 1)[1]
    d = make_feed(c.t, c.pid)
    assert (d["days_back"], d["days_ahead"], d["name"]) == (30, 180, None)
    assert d["url"] != f["url"]
    rows = c.t.list_all(f"/v1/providers/{c.pid}/feeds")
    assert [x["id"] for x in rows] == [f["id"], d["id"]]
    for x in rows:
        assert "url" not in x and "webcal_url" not in x
    # /v1/feeds lists every feed of the tenant, tenant-wide ones with provider_id null.
    w = make_feed(c.t, None, kind="details")
    assert w["provider_id"] is None
    assert {x["id"] for x in c.t.list_all("/v1/feeds")} == {f["id"], d["id"], w["id"]}
    # The token never appears again, not even in the events.
    evs = c.t.ok("GET", "/v1/events", params={"type": "feed.created"})["data"]
    assert {e["subject_id"] for e in evs} == {f["id"], d["id"], w["id"]}
    token = token_path(f).rsplit("/", 1)[1][:-4]
    assert token not in str(evs) and token not in str(rows)


def test_revoked_feed_is_404_and_the_revocation_is_an_event(server):
    c = consult_tenant(server)
    f = make_feed(c.t, c.pid)
    fetched(c.t, f)
    c.t.ok("DELETE", f"/v1/providers/{c.pid}/feeds/{f['id']}")
    expect_problem(fetch(c.t, f), 404, "not_found")
    assert c.t.list_all(f"/v1/providers/{c.pid}/feeds") == []
    expect_problem(c.t.delete(f"/v1/providers/{c.pid}/feeds/{f['id']}"), 404, "not_found")
    ev = c.t.ok("GET", "/v1/events", params={"type": "feed.revoked"})["data"]
    assert [e["subject_id"] for e in ev] == [f["id"]]
    assert "url" not in ev[0]["payload"]
    # The tenant-wide route revokes any feed of the tenant; the provider route only its own.
    g = make_feed(c.t, c.pid)
    w = make_feed(c.t)
    expect_problem(c.t.delete(f"/v1/providers/{c.pid}/feeds/{w['id']}"), 404, "not_found")
    fetched(c.t, w)
    c.t.ok("DELETE", f"/v1/feeds/{g['id']}")
    c.t.ok("DELETE", f"/v1/feeds/{w['id']}")
    expect_problem(fetch(c.t, g), 404, "not_found")
    expect_problem(fetch(c.t, w), 404, "not_found")


def test_unknown_and_malformed_tokens_are_404(api):
    for path in ("/feeds/cal_" + "A" * 43 + ".ics", "/feeds/cal_nope.ics", "/feeds/x.ics",
                 "/feeds/cal_" + "A" * 43):
        r = Api(api.base, None).get(path)
        assert r.status_code == 404, (path, r.text)
        assert r.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("body, pointer", [
    ({"kind": "weekly"}, "/kind"),
    ({"kind": 3}, "/kind"),
    ({}, "/kind"),
    ({"kind": "busy", "days_back": -1}, "/days_back"),
    ({"kind": "busy", "days_back": 366}, "/days_back"),
    ({"kind": "busy", "days_ahead": 0}, "/days_ahead"),
    ({"kind": "busy", "days_ahead": 731}, "/days_ahead"),
    ({"kind": "busy", "days_ahead": "10"}, "/days_ahead"),
    ({"kind": "busy", "name": "x" * 201}, "/name"),
    ({"kind": "busy", "colour": "red"}, "/colour"),
])
def test_bad_input_is_422_and_nothing_is_stored(server, body, pointer):
    c = consult_tenant(server)
    for path in (f"/v1/providers/{c.pid}/feeds", "/v1/feeds"):
        expect_problem(c.t.post(path, body), 422, "validation_failed", pointer)
    assert c.t.list_all("/v1/feeds") == []
    assert c.t.ok("GET", "/v1/events", params={"type": "feed."})["data"] == []


def test_malformed_bodies_and_unknown_provider(server):
    c = consult_tenant(server)
    r = c.t.request("POST", "/v1/feeds", data="{", headers={"Content-Type": "application/json"})
    expect_problem(r, 400, "malformed_request")
    r = c.t.request("POST", "/v1/feeds", data="kind=busy",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    expect_problem(r, 415)
    expect_problem(c.t.post("/v1/providers/prv_00000000000000000000/feeds", {"kind": "busy"}),
                   404, "not_found")
    expect_problem(c.t.post("/v1/providers/nope/feeds", {"kind": "busy"}), 404)
    assert c.t.list_all("/v1/feeds") == []


def test_booking_range_boundaries_on_days(server):
    c = consult_tenant(server)
    for body in ({"kind": "busy", "days_back": 0, "days_ahead": 1},
                 {"kind": "busy", "days_back": 365, "days_ahead": 730}):
        f = make_feed(c.t, c.pid, **body)
        assert (f["days_back"], f["days_ahead"]) == (body["days_back"], body["days_ahead"])


# --- roles and tenants ----------------------------------------------------------------------

def test_staff_key_limited_to_a_provider(server):
    c = consult_tenant(server)
    other = c.t.provider("Other", NY)["id"]
    k = c.t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff", "provider_ids": [c.pid]})
    staff = Api(c.t.base, k["secret"])
    expect_problem(staff.post(f"/v1/providers/{other}/feeds", {"kind": "busy"}), 404,
                   "not_found")
    expect_problem(staff.get(f"/v1/providers/{other}/feeds"), 404, "not_found")
    mine = make_feed(staff, c.pid, kind="busy")
    theirs = make_feed(c.t, other)
    assert [x["id"] for x in staff.list_all(f"/v1/providers/{c.pid}/feeds")] == [mine["id"]]
    expect_problem(staff.delete(f"/v1/providers/{other}/feeds/{theirs['id']}"), 404)
    expect_problem(staff.delete(f"/v1/providers/{c.pid}/feeds/{theirs['id']}"), 404)
    # Tenant-wide feeds are the admins' alone.
    expect_problem(staff.post("/v1/feeds", {"kind": "busy"}), 403, "forbidden")
    expect_problem(staff.get("/v1/feeds"), 403, "forbidden")
    expect_problem(staff.delete(f"/v1/feeds/{theirs['id']}"), 403, "forbidden")
    fetched(c.t, theirs)
    staff.ok("DELETE", f"/v1/providers/{c.pid}/feeds/{mine['id']}")
    assert {x["id"] for x in c.t.list_all("/v1/feeds")} == {theirs["id"]}
    # A staff key for every provider may manage each provider's feeds.
    k = c.t.ok("POST", "/v1/keys", {"name": "all", "role": "staff"})
    make_feed(Api(c.t.base, k["secret"]), other)
    # Customer keys may not.
    k = c.t.ok("POST", "/v1/keys", {"name": "widget", "role": "customer"})
    expect_problem(Api(c.t.base, k["secret"]).post(f"/v1/providers/{c.pid}/feeds",
                                                   {"kind": "busy"}), 403, "forbidden")


def test_other_tenants_cannot_see_use_or_revoke_a_feed(server):
    a = consult_tenant(server)
    b = consult_tenant(server)
    ba = booked(a.t, a.sid, ny("2026-03-17", "10:00"), customer=cust("Alice Tenant-A"))
    bb = booked(b.t, b.sid, ny("2026-03-17", "10:00"), customer=cust("Bob Tenant-B"))
    fa = make_feed(a.t, a.pid)
    wa = make_feed(a.t)
    fb = make_feed(b.t)
    # B's key knows nothing of A's provider or feeds.
    expect_problem(b.t.get(f"/v1/providers/{a.pid}/feeds"), 404, "not_found")
    expect_problem(b.t.post(f"/v1/providers/{a.pid}/feeds", {"kind": "busy"}), 404)
    expect_problem(b.t.delete(f"/v1/providers/{a.pid}/feeds/{fa['id']}"), 404)
    expect_problem(b.t.delete(f"/v1/feeds/{fa['id']}"), 404, "not_found")
    expect_problem(b.t.delete(f"/v1/feeds/{wa['id']}"), 404, "not_found")
    assert {x["id"] for x in b.t.list_all("/v1/feeds")} == {fb["id"]}
    # Each token reads its own tenant's bookings only.
    _, ev_b = events(fetched(b.t, fb).text)
    assert [str(e["UID"]) for e in ev_b] == [f"{bb['id']}@slotd"]
    assert "Alice" not in fetched(b.t, fb).text
    for f in (fa, wa):
        text = fetched(a.t, f).text
        _, ev = events(text)
        assert [str(e["UID"]) for e in ev] == [f"{ba['id']}@slotd"]
        assert "Bob" not in text


# --- content ----------------------------------------------------------------------------------

def test_details_feed_shows_bookings_with_invitation_uids(server):
    c = consult_tenant(server)
    b1 = booked(c.t, c.sid, ny("2026-03-17", "10:00"), customer=cust("Mia Wong"),
                notes="bring the x-rays")
    b2 = booked(c.t, c.sid, ny("2026-03-18", "14:00"), customer=cust("Ola Berg"))
    acted(c.t, b2["id"], "reschedule", {"start": ny("2026-03-18", "15:00")})
    outside = booked(c.t, c.sid, at("2026-09-15", "10:00", "-04:00"))     # > 180 days on
    f = make_feed(c.t, c.pid, name="Auto's bookings")
    r = fetched(c.t, f)
    cal, evs = events(r.text)
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN" and cal["PRODID"]
    assert str(cal["X-WR-CALNAME"]) == "Auto's bookings"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT15M" in r.text.split("\r\n")
    assert "X-PUBLISHED-TTL:PT15M" in r.text.split("\r\n")
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == [NY]
    assert [str(e["UID"]) for e in evs] == [f"{b1['id']}@slotd", f"{b2['id']}@slotd"]
    assert not by_uid(evs, f"{outside['id']}@slotd")
    e1, e2 = evs
    assert str(e1["SUMMARY"]) == "Consult: Mia Wong"
    assert "Booking reference " + b1["reference"] in str(e1["DESCRIPTION"])
    assert "bring the x-rays" in str(e1["DESCRIPTION"])
    assert utc(e1.decoded("DTSTART")) == "2026-03-17T14:00:00Z"
    assert utc(e1.decoded("DTEND")) == "2026-03-17T15:00:00Z"
    assert e1["DTSTART"].params["TZID"] == NY
    assert str(e1["STATUS"]) == "CONFIRMED" and str(e1["TRANSP"]) == "OPAQUE"
    # SEQUENCE as the invitations and the booking's .ics have it: version - 1.
    assert int(e1["SEQUENCE"]) == 0 and int(e2["SEQUENCE"]) == 1
    assert utc(e2.decoded("DTSTART")) == "2026-03-18T19:00:00Z"
    # The feed names the booking as its own .ics does.
    own = icalendar.Calendar.from_ical(c.t.get(f"/v1/bookings/{b2['id']}.ics").text)
    [oe] = [x for x in own.walk() if x.name == "VEVENT"]
    assert (str(oe["UID"]), int(oe["SEQUENCE"])) == (str(e2["UID"]), int(e2["SEQUENCE"]))
    # Both stamp the booking's last change, not the moment of reading: a second read is equal.
    assert oe.decoded("DTSTAMP") == e2.decoded("DTSTAMP")
    assert utc(oe.decoded("DTSTAMP")) == c.t.get(f"/v1/bookings/{b2['id']}").json()["updated_at"]
    for e in evs:
        for prop in ("ATTENDEE", "ORGANIZER"):
            assert prop not in e


def test_cancelled_booking_turns_cancelled_under_the_same_uid_then_leaves(server):
    c = consult_tenant(server)
    b = booked(c.t, c.sid, ny("2026-03-17", "10:00"))
    d = booked(c.t, c.sid, ny("2026-03-19", "10:00"))
    f = make_feed(c.t, c.pid, days_back=365)
    _, evs = events(fetched(c.t, f).text)
    assert [str(e["STATUS"]) for e in evs] == ["CONFIRMED", "CONFIRMED"]
    acted(c.t, b["id"], "cancel", {"reason": "ill"}, now=LATER)
    _, evs = events(fetched(c.t, f, now=LATER).text)
    [e] = by_uid(evs, f"{b['id']}@slotd")
    assert str(e["STATUS"]) == "CANCELLED" and str(e["TRANSP"]) == "TRANSPARENT"
    assert int(e["SEQUENCE"]) == 1
    assert str(by_uid(evs, f"{d['id']}@slotd")[0]["STATUS"]) == "CONFIRMED"
    # Kept 30 days after the cancellation, then gone.
    _, evs = events(fetched(c.t, f, now="2026-04-08T12:00:00Z").text)
    assert by_uid(evs, f"{b['id']}@slotd")
    _, evs = events(fetched(c.t, f, now="2026-04-12T12:00:00Z").text)
    assert not by_uid(evs, f"{b['id']}@slotd")
    assert by_uid(evs, f"{d['id']}@slotd")


def test_pending_declined_completed_and_no_show(server):
    c = consult_tenant(server)
    manual = c.t.provider("Manual", NY, auto_confirm=False)["id"]
    c.t.schedule(manual, weekdays([("09:00", "17:00")]))
    svc = c.t.service([manual], "Review", 30)["id"]
    p = booked(c.t, svc, ny("2026-03-17", "10:00"))
    dcl = booked(c.t, svc, ny("2026-03-17", "11:00"))
    acted(c.t, dcl["id"], "decline", now=LATER)
    done = booked(c.t, svc, at("2026-03-02", "10:00"))
    acted(c.t, done["id"], "confirm")
    acted(c.t, done["id"], "complete", now="2026-03-02T16:00:00Z")
    ns = booked(c.t, svc, at("2026-03-03", "10:00"))
    acted(c.t, ns["id"], "confirm")
    acted(c.t, ns["id"], "no-show", now="2026-03-03T16:00:00Z")
    f = make_feed(c.t, manual)
    _, evs = events(fetched(c.t, f, now=LATER).text)
    status = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in evs}
    assert status == {p["id"]: "TENTATIVE", dcl["id"]: "CANCELLED", done["id"]: "CONFIRMED",
                      ns["id"]: "CONFIRMED"}


def test_busy_feed_leaks_no_customer_or_work_data(server):
    c = consult_tenant(server)
    secret = {"name": "Zelda Quillfeather", "email": "zelda.quillfeather@secret.example",
              "phone": "+1 555 0199"}
    svc = c.t.service([c.pid], "Root Canal Extraordinaire", 60)["id"]
    b = booked(c.t, svc, ny("2026-03-17", "10:00"), customer=secret,
               notes="allergic to penicillin")
    s = ny("2026-03-18", "10:00")
    r = c.t.post("/v1/entries", {"title": "Confidential Merger Talk", "start": s,
                                 "end": ny("2026-03-18", "11:00"), "assignee_ids": [c.pid],
                                 "notes": "codename falcon", "rrule": "FREQ=DAILY;COUNT=3"})
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    r = c.t.patch(f"/v1/entries/{eid}", {"title": "Secret Override Title"},
                  params={"scope": "this", "occurrence": ny("2026-03-19", "10:00")})
    assert r.status_code == 200, r.text
    detail = make_feed(c.t, c.pid)
    busy = make_feed(c.t, c.pid, kind="busy")
    wide = make_feed(c.t, kind="busy")
    full = unfolded(fetched(c.t, detail).text)
    for word in ("Zelda Quillfeather", "allergic to penicillin", "Root Canal Extraordinaire",
                 "Confidential Merger Talk", "codename falcon", "Secret Override Title"):
        assert word in full.replace("\\,", ","), word
    for f in (busy, wide):
        text = unfolded(fetched(c.t, f).text)
        for word in ("Zelda", "Quillfeather", "secret.example", "555 0199", "5550199",
                     "penicillin", "Root Canal", "Consult", "Confidential", "Merger",
                     "falcon", "Secret Override", b["reference"], "mailto:", c.pid):
            assert word not in text, word
        _, evs = events(text)
        assert len(evs) == 3    # the booking, the series, its changed occurrence
        for ev in evs:
            assert str(ev["SUMMARY"]) == "Busy"
            assert str(ev["TRANSP"]) == "OPAQUE"
            for prop in ("DESCRIPTION", "ATTENDEE", "ORGANIZER", "RESOURCES", "LOCATION",
                         "CONTACT"):
                assert prop not in ev, prop
        assert {str(ev["UID"]) for ev in evs} == {f"{b['id']}@slotd", f"{eid}@slotd"}


def test_dst_crossing_weekly_entry_with_exdate_and_moved_occurrence(server):
    t = server.tenant()
    pid = t.provider("Berlin Tech", BER)["id"]
    other = t.provider("Helper", BER)["id"]
    # Mondays 09:00-10:00 Berlin from 16 March 2026; summer time starts on Sunday 29 March.
    r = t.post("/v1/entries", {"title": "Site visit", "start": "2026-03-16T09:00:00+01:00",
                               "end": "2026-03-16T10:00:00+01:00", "timezone": BER,
                               "assignee_ids": [pid], "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=5",
                               "exdates": ["2026-03-23T08:00:00Z"]})
    assert r.status_code == 201, r.text
    e = r.json()
    # 30 March (after the change) moves to 11:00; 13 April goes to someone else.
    r = t.patch(f"/v1/entries/{e['id']}", {"start": "2026-03-30T11:00:00+02:00"},
                params={"scope": "this", "occurrence": "2026-03-30T07:00:00Z"})
    assert r.status_code == 200, r.text
    r = t.patch(f"/v1/entries/{e['id']}", {"assignee_ids": [other]},
                params={"scope": "this", "occurrence": "2026-04-13T07:00:00Z"})
    assert r.status_code == 200, r.text
    own = unfolded(t.get(f"/v1/entries/{e['id']}.ics").text)
    f = make_feed(t, pid)
    text = fetched(t, f).text
    cal, evs = events(text)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == [BER]
    uid = f"{e['id']}@slotd"
    assert [str(x["UID"]) for x in evs] == [uid, uid]
    [master] = [x for x in evs if "RRULE" in x]
    [moved] = [x for x in evs if "RECURRENCE-ID" in x]
    assert master.decoded("DTSTART") == datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo(BER))
    assert master["DTSTART"].params["TZID"] == BER
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5;BYDAY=MO"
    exdates = sorted(utc(d.dt) for x in ([master["EXDATE"]] if not isinstance(
        master["EXDATE"], list) else master["EXDATE"]) for d in x.dts)
    # The one deleted, and the one the provider is not on any more (13 April).
    assert exdates == ["2026-03-23T08:00:00Z", "2026-04-13T07:00:00Z"]
    assert utc(moved.decoded("RECURRENCE-ID")) == "2026-03-30T07:00:00Z"
    assert moved.decoded("DTSTART") == datetime(2026, 3, 30, 11, 0, tzinfo=ZoneInfo(BER))
    assert utc(moved.decoded("DTSTART")) == "2026-03-30T09:00:00Z"
    assert int(moved["SEQUENCE"]) == int(master["SEQUENCE"]) == e["version"] + 1
    # Expanded as a subscriber would: 09:00 Berlin on both sides of the change.
    starts = []
    d = master.decoded("DTSTART")
    for _ in range(5):
        starts.append(d)
        d = datetime.combine((d + timedelta(days=7)).date(), d.timetz().replace(tzinfo=None),
                             tzinfo=ZoneInfo(BER))
    kept = [utc(s) for s in starts if utc(s) not in exdates]
    assert kept == ["2026-03-16T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"]
    # The series and its overrides read as in the entry's own .ics (bar the other's part).
    for ln in unfolded(text).split("\r\n"):
        if ln.startswith(("RRULE", "DTSTART", "RECURRENCE-ID", "UID")):
            assert ln in own, ln
    # The helper's feed has the occurrence it took over, as that occurrence alone.
    h = make_feed(t, other)
    _, hev = events(fetched(t, h).text)
    assert len(hev) == 1 and str(hev[0]["UID"]) == uid and "RRULE" not in hev[0]
    assert utc(hev[0].decoded("RECURRENCE-ID")) == "2026-04-13T07:00:00Z"
    # A tenant-wide feed has the series whole, as the entry's .ics.
    w = make_feed(t)
    _, wev = events(fetched(t, w).text)
    assert len(wev) == 3
    [wm] = [x for x in wev if "RRULE" in x]
    assert sorted(utc(d.dt) for d in wm["EXDATE"].dts) == ["2026-03-23T08:00:00Z"]


def table_columns(srv, table):
    if srv.backend == "sqlite":
        db = sqlite3.connect(srv.db_path)
        cols = [r[0] for r in db.execute(f"SELECT name FROM pragma_table_info('{table}')")]
        db.close()
        return cols
    out = pg_helpers.psql(srv.db_url, "SELECT column_name FROM information_schema.columns"
                          f" WHERE table_name = '{table}' AND is_generated = 'NEVER'"
                          " ORDER BY ordinal_position")
    return [c.strip() for c in out.split() if c.strip()]


def copy_rows(srv, table, where, n, repl):
    """n copies of the rows of table matching where, written straight into the store (the
    API would take minutes for so many); repl maps columns to SQL over n.i (1 to n)."""
    cols = table_columns(srv, table)
    break_table(srv, f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                     f" WHERE i < {n}) INSERT INTO {table} ({', '.join(cols)})"
                     f" SELECT {', '.join(repl.get(c, c) for c in cols)} FROM {table}, n"
                     f" WHERE {where}")


def shifted(cols, shift, step):
    return {c: f"{c} + {shift} + n.i * {step}" for c in cols}


def copy_booking(srv, booking_id, n, shift, step):
    """n completed copies of a booking: copy i starts shift + i * step seconds from it."""
    copy_rows(srv, "bookings", f"id = '{booking_id}'", n, {
        "id": "id || '_' || CAST(n.i AS TEXT)",
        "reference": "CAST(10000000 + n.i AS TEXT)",
        "manage_token_hash": "manage_token_hash || CAST(n.i AS TEXT)",
        "status": "'completed'", "active": "0", "version": "1",
        **shifted(("start_utc", "end_utc", "block_start", "block_end"), shift, step)})


def copy_entry(srv, entry_id, n, shift, step):
    """n copies of a one-off entry with its assignees: copy i starts shift + i * step seconds
    from it."""
    copy_rows(srv, "entries", f"id = '{entry_id}'", n, {
        "id": "id || '_' || CAST(n.i AS TEXT)",
        **shifted(("start_utc", "end_utc", "span_end"), shift, step)})
    copy_rows(srv, "entry_assignees", f"entry_id = '{entry_id}'", n,
              {"entry_id": "entry_id || '_' || CAST(n.i AS TEXT)"})


def test_over_the_cap_the_bookings_nearest_today_are_kept(start_server):
    """5,000 completed bookings in the months before today and one next week: the document
    keeps next week's (what a subscriber needs most) and leaves out the oldest."""
    srv = start_server()
    t = srv.tenant()
    pid = t.provider("Busy", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    sid = t.service([pid], "Consult", 60)["id"]
    f = make_feed(t, pid, kind="busy", days_back=365)
    nxt = booked(t, sid, ny("2026-03-17", "10:00"))
    # Hourly from 9 March 13:00 UTC back to about 14 August 2025, all before today (10 March).
    copy_booking(srv, nxt["id"], 5000, -8 * 86400, -3600)
    _, evs = events(fetched(t, f).text)
    uids = [str(e["UID"]) for e in evs]
    assert len(uids) == 5000
    assert f"{nxt['id']}@slotd" in uids
    assert f"{nxt['id']}_1@slotd" in uids and f"{nxt['id']}_4999@slotd" in uids
    assert f"{nxt['id']}_5000@slotd" not in uids
    # Listed by start.
    starts = [e.decoded("DTSTART") for e in evs]
    assert starts == sorted(starts)


def test_over_the_cap_the_entries_nearest_today_are_kept(start_server):
    """1,001 entries in the months before today and one next week, made last: the document
    keeps next week's and the latest before today, not the first 1,000 by id."""
    srv = start_server()
    t = srv.tenant()
    pid = t.provider("Tech", NY)["id"]
    f = make_feed(t, pid, kind="busy", days_back=365)
    r = t.post("/v1/entries", {"title": "Past", "start": "2026-03-02T09:00:00-05:00",
                               "end": "2026-03-02T10:00:00-05:00", "assignee_ids": [pid]})
    assert r.status_code == 201, r.text
    past = r.json()["id"]
    # Every two hours back from 2 March to about 9 December 2025.
    copy_entry(srv, past, 1000, 0, -7200)
    r = t.post("/v1/entries", {"title": "Next", "start": "2026-03-17T09:00:00-04:00",
                               "end": "2026-03-17T10:00:00-04:00", "assignee_ids": [pid]})
    assert r.status_code == 201, r.text
    nxt = r.json()["id"]
    for feed in (f, make_feed(t, kind="busy", days_back=365)):
        _, evs = events(fetched(t, feed).text)
        uids = [str(e["UID"]) for e in evs]
        assert len(uids) == 1000
        assert f"{nxt}@slotd" in uids and f"{past}@slotd" in uids
        assert f"{past}_998@slotd" in uids
        assert f"{past}_999@slotd" not in uids and f"{past}_1000@slotd" not in uids
        ids = [u.split("@")[0] for u in uids]
        assert ids == sorted(ids)       # listed by id


def test_entries_outside_the_window_and_of_deleted_providers_are_left_out(server):
    t = server.tenant()
    pid = t.provider("Tech", NY)["id"]
    gone = t.provider("Leaver", NY)["id"]
    old = t.post("/v1/entries", {"title": "Old", "start": "2025-06-02T09:00:00-04:00",
                                 "end": "2025-06-02T10:00:00-04:00", "assignee_ids": [pid]})
    assert old.status_code == 201
    new = t.post("/v1/entries", {"title": "New", "start": "2026-03-12T09:00:00-04:00",
                                 "end": "2026-03-12T10:00:00-04:00", "assignee_ids": [pid]})
    assert new.status_code == 201
    f = make_feed(t, pid)
    g = make_feed(t, gone)
    _, evs = events(fetched(t, f).text)
    assert [str(x["UID"]) for x in evs] == [f"{new.json()['id']}@slotd"]
    t.ok("DELETE", f"/v1/providers/{gone}")
    expect_problem(fetch(t, g), 404, "not_found")


# --- caching ----------------------------------------------------------------------------------

def http_date(instant):
    return format_datetime(datetime.fromisoformat(instant.replace("Z", "+00:00")), usegmt=True)


def test_etag_last_modified_and_304s(server):
    # In 2031, after the real clock's today: the tenant was made (by the CLI) at the real
    # time, so that its first events come before every time used here.
    t = server.tenant()
    pid = t.provider("Auto", NY)["id"]
    t.schedule(pid, weekdays([("09:00", "17:00")]))
    sid = t.service([pid], "Consult", 60)["id"]
    now0, now1, now2 = "2031-01-02T00:00:00Z", "2031-03-10T12:00:00Z", "2031-03-10T13:00:00Z"
    b = booked(t, sid, "2031-03-18T10:00:00-04:00", now=now0)
    f = make_feed(t, pid)
    r = fetched(t, f, now=now1)
    etag, lm = r.headers["ETag"], r.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
    assert "private" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    assert r.headers.get("Content-Encoding") is None
    # Nothing changed since the start of the UTC day (the window's base).
    assert lm == http_date("2031-03-10T00:00:00Z")
    again = fetched(t, f, now=now1)
    assert again.content == r.content and again.headers["ETag"] == etag

    def get(now=now1, **h):
        return fetch(t, f, now=now, headers=h)
    # If-None-Match
    r304 = get(**{"If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b""
    assert r304.headers["ETag"] == etag and r304.headers["Last-Modified"] == lm
    assert get(**{"If-None-Match": f'"x", {etag}'}).status_code == 304
    assert get(**{"If-None-Match": '"other"'}).status_code == 200
    # If-Modified-Since at or after Last-Modified
    assert get(**{"If-Modified-Since": lm}).status_code == 304
    assert get(**{"If-Modified-Since": http_date("2031-03-10T08:00:00Z")}).status_code == 304
    assert get(**{"If-Modified-Since": http_date("2031-03-09T23:59:59Z")}).status_code == 200
    assert get(**{"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    assert get(**{"If-None-Match": '"other"', "If-Modified-Since": lm}).status_code == 200
    # A change: new ETag, later Last-Modified, and the old validators no longer match.
    acted(t, b["id"], "cancel", now=now2)
    r2 = fetched(t, f, now=now2)
    assert r2.headers["ETag"] != etag
    assert r2.headers["Last-Modified"] == http_date(now2)
    assert get(now2, **{"If-None-Match": etag}).status_code == 200
    assert get(now2, **{"If-Modified-Since": lm}).status_code == 200
    assert get(now2, **{"If-Modified-Since": r2.headers["Last-Modified"]}).status_code == 304
    # A deleted entry leaves the document: Last-Modified moves with it.
    en = t.post("/v1/entries", {"title": "Gone soon", "start": "2031-03-20T10:00:00-04:00",
                                "end": "2031-03-20T11:00:00-04:00", "assignee_ids": [pid]},
                now="2031-03-10T14:00:00Z")
    assert en.status_code == 201
    r3 = fetched(t, f, now="2031-03-10T14:30:00Z")
    assert "Gone soon" in r3.text
    lm3 = r3.headers["Last-Modified"]
    t.ok("DELETE", f"/v1/entries/{en.json()['id']}", now="2031-03-10T15:00:00Z")
    r4 = get("2031-03-10T15:30:00Z", **{"If-Modified-Since": lm3})
    assert r4.status_code == 200 and "Gone soon" not in r4.text
    # The window moves at midnight UTC: so does Last-Modified.
    r5 = fetched(t, f, now="2031-03-11T00:00:01Z")
    assert r5.headers["Last-Modified"] == http_date("2031-03-11T00:00:00Z")


def test_last_modified_is_never_later_than_now(server):
    # The tenant's first events carry the real clock's time (it was made by the CLI), and a
    # booking is made on 9 March: a read on 5 March sees changes stamped after its own now,
    # as a process whose clock runs behind another's would. Last-Modified stays at now
    # (RFC 9110 §8.8.2.1), else a copy stamped with that future time would pass as current
    # through every change until then.
    c = consult_tenant(server)
    f = make_feed(c.t, c.pid)
    booked(c.t, c.sid, ny("2026-03-17", "10:00"), now="2026-03-09T10:00:00Z")
    r = fetched(c.t, f, now="2026-03-05T12:00:00Z")
    assert r.headers["Last-Modified"] == http_date("2026-03-05T12:00:00Z")
    r = fetch(c.t, f, now=FNOW, headers={"If-Modified-Since": r.headers["Last-Modified"]})
    assert r.status_code == 200
    assert r.headers["Last-Modified"] == http_date(FNOW)


def test_last_used_at_is_recorded(server):
    c = consult_tenant(server)
    f = make_feed(c.t, c.pid)
    fetched(c.t, f, now=FNOW)
    [row] = c.t.list_all(f"/v1/providers/{c.pid}/feeds")
    assert row["last_used_at"] == FNOW
    fetched(c.t, f, now=LATER)      # within the hour: not written again
    [row] = c.t.list_all("/v1/feeds")
    assert row["last_used_at"] == FNOW
    fetched(c.t, f, now="2026-03-10T14:00:00Z")
    [row] = c.t.list_all("/v1/feeds")
    assert row["last_used_at"] == "2026-03-10T14:00:00Z"


# --- logs ---------------------------------------------------------------------------------------

def break_table(srv, sql):
    if srv.backend == "sqlite":
        db = sqlite3.connect(srv.db_path)
        db.execute(sql)
        db.commit()
        db.close()
    else:
        pg_helpers.psql(srv.db_url, sql)


def test_an_internal_error_never_logs_the_token(start_server):
    """The request line names the route template; the line of an internal error too, never
    the path, which holds the feed's token."""
    srv = start_server()
    t = srv.tenant()
    pid = t.provider("P", NY)["id"]
    f = make_feed(t, pid)
    token = token_path(f).rsplit("/", 1)[1][:-len(".ics")]
    assert fetch(t, f).status_code == 200
    # The store fails under the running server (the tenant's last change cannot be read).
    break_table(srv, "ALTER TABLE events RENAME TO events_gone")
    try:
        # Not through Api: a 500 is no documented answer.
        r = requests.get(t.base + token_path(f), headers={"X-Test-Now": FNOW}, timeout=10)
    finally:
        break_table(srv, "ALTER TABLE events_gone RENAME TO events")
    assert r.status_code == 500, r.text
    assert token not in r.text
    # The log is written in batches: wait for the line.
    line = "internal error on /feeds/{}"
    deadline = time.monotonic() + 10
    while line not in srv.stderr_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = srv.stderr_path.read_text()
    assert line in log
    assert token not in log


# --- rate limits ------------------------------------------------------------------------------

def test_feed_reads_are_rate_limited_per_token_and_unknown_tokens_per_address(start_server):
    srv = start_server(args=["--rate-limit-token", "3/60", "--rate-limit-auth-failures", "2/60",
                             "--rate-limit-address", "1000/60"],
                       env={"SLOTD_RATE_LIMITS": "on"})
    t = srv.tenant()
    pid = t.provider("P", NY)["id"]
    f, g = make_feed(t, pid), make_feed(t, pid)
    for _ in range(3):
        assert fetch(t, f).status_code == 200
    r = fetch(t, f)
    expect_problem(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    assert "RateLimit" in r.headers
    assert fetch(t, g).status_code == 200     # each token has its own bucket
    # Unknown tokens spend the address's failed-authentication allowance...
    bad = "/feeds/cal_" + "B" * 43 + ".ics"
    expect_problem(fetch(t, bad), 404)
    expect_problem(fetch(t, bad.replace("B", "C")), 404)
    r = fetch(t, bad.replace("B", "D"))
    expect_problem(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    # ...while a token that worked from this address goes on working.
    assert fetch(t, g).status_code == 200


# --- booking links ----------------------------------------------------------------------------

def check_links(b, base=""):
    links = b["links"]
    assert set(links) == {"ics", "google_calendar", "outlook"}
    assert links["ics"] == f"{base}/v1/bookings/{b['id']}.ics"
    start = datetime.fromisoformat(b["start"]).astimezone(timezone.utc)
    end = datetime.fromisoformat(b["end"]).astimezone(timezone.utc)
    g = urlsplit(links["google_calendar"])
    assert (g.scheme, g.netloc, g.path) == ("https", "calendar.google.com", "/calendar/render")
    q = parse_qs(g.query, strict_parsing=True)
    assert q["action"] == ["TEMPLATE"]
    assert q["dates"] == [start.strftime("%Y%m%dT%H%M%SZ") + "/" + end.strftime("%Y%m%dT%H%M%SZ")]
    assert b["reference"] in q["text"][0] and b["reference"] in q["details"][0]
    o = urlsplit(links["outlook"])
    assert (o.scheme, o.netloc, o.path) == ("https", "outlook.live.com",
                                           "/calendar/0/deeplink/compose")
    q = parse_qs(o.query, strict_parsing=True)
    assert q["path"] == ["/calendar/action/compose"] and q["rru"] == ["addevent"]
    assert q["startdt"] == [start.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert q["enddt"] == [end.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert b["reference"] in q["subject"][0] and b["reference"] in q["body"][0]
    for u in (links["google_calendar"], links["outlook"]):
        assert " " not in u and "\n" not in u


def test_booking_responses_carry_calendar_links(server):
    c = consult_tenant(server)
    b = booked(c.t, c.sid, ny("2026-03-17", "10:00"))
    check_links(b)
    assert "manage_token" not in b["links"]["ics"] and b["manage_token"] not in str(b["links"])
    got = booking_helpers.get(c.t, b["id"])
    check_links(got)
    moved = acted(c.t, b["id"], "reschedule", {"start": ny("2026-03-18", "11:00")})
    check_links(moved)
    assert "20260318T150000Z" in moved["links"]["google_calendar"]
    [row] = c.t.list_all("/v1/bookings")
    check_links(row)
    # The ics link opens the booking's .ics, for staff and for the customer's manage token.
    for key in (c.t.key, b["manage_token"]):
        r = Api(c.t.base, key).get(b["links"]["ics"])
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
        assert f"UID:{b['id']}@slotd" in r.text
    # Events carry the links too, never the token.
    ev = c.t.ok("GET", "/v1/events", params={"subject_id": b["id"]})["data"]
    assert ev and all("links" in e["payload"] for e in ev)
    assert b["manage_token"] not in str(ev)


# --- with a public URL and e-mail: absolute links, and the invitations' UIDs -------------------

@pytest.fixture(scope="module")
def smtp():
    m = MailReceiver().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def mail_server(slotd_bin, tmp_path_factory, smtp):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("mail"),
                 env={"SLOTD_SMTP_URL": smtp.url, "SLOTD_MAIL_FROM": "desk@clinic.example",
                      "SLOTD_PUBLIC_URL": "https://book.clinic.example"})
    yield srv
    _stop(srv)


def invite(msg):
    raw = msg.attachment("invite.ics")
    assert raw, f"no invite.ics in {msg.subject!r}"
    cal = icalendar.Calendar.from_ical(raw.decode() if isinstance(raw, bytes) else raw)
    [ev] = [x for x in cal.walk() if x.name == "VEVENT"]
    return cal, ev


def test_a_public_url_with_a_final_slash_gives_the_same_links(start_server):
    srv = start_server(env={"SLOTD_PUBLIC_URL": "https://book.clinic.example//"})
    c = consult_tenant(srv)
    b = booked(c.t, c.sid, ny("2026-03-17", "10:00"))
    check_links(b, "https://book.clinic.example")
    f = make_feed(c.t, c.pid)
    assert re.fullmatch(r"https://book\.clinic\.example/feeds/cal_[A-Za-z0-9_-]{43}\.ics",
                        f["url"]), f["url"]
    assert f["webcal_url"] == "webcal://book.clinic.example" + token_path(f)
    fetched(c.t, f)


def test_public_url_and_invitation_uids(mail_server, smtp):
    c = consult_tenant(mail_server)
    who = cust("Ida Invite")
    b = booked(c.t, c.sid, ny("2026-03-17", "10:00"), customer=who)
    check_links(b, "https://book.clinic.example")
    f = make_feed(c.t, c.pid)
    assert re.fullmatch(r"https://book\.clinic\.example/feeds/cal_[A-Za-z0-9_-]{43}\.ics",
                        f["url"])
    assert f["webcal_url"] == "webcal://book.clinic.example" + token_path(f)
    [mail] = smtp.wait(who["email"])
    cal, inv = invite(mail)
    _, evs = events(fetched(c.t, f).text)
    [fe] = by_uid(evs, str(inv["UID"]))
    assert int(fe["SEQUENCE"]) == int(inv["SEQUENCE"])
    assert fe.decoded("DTSTART") == inv.decoded("DTSTART")
    acted(c.t, b["id"], "cancel", now=LATER)
    mails = smtp.wait(who["email"], count=2)
    cal, cancel = invite(mails[-1])
    assert str(cal["METHOD"]) == "CANCEL"
    _, evs = events(fetched(c.t, f, now=LATER).text)
    [fe] = by_uid(evs, str(cancel["UID"]))
    assert str(fe["STATUS"]) == "CANCELLED" == str(cancel["STATUS"])
    assert int(fe["SEQUENCE"]) == int(cancel["SEQUENCE"])
