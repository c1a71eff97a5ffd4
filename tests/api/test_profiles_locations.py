"""Provider profiles and appointment locations.

Providers carry a profile (bio, specialties, photo_url, languages, locale, video_url) through
POST/PATCH/GET and their events; the public booking page shows the public part (never the
meeting room, the e-mail address or the locale). Services carry a location (in person, phone,
video with a URL template or the provider's own room); a booking gets its resolved location
when it is made, keeps it when moved, and shows it in its JSON, GET /v1/manage, its .ics, the
calendar feeds and its e-mails (text and invitation).

Dates: Mon 1 Mar 2027, New York (-05:00); requests are made at NOW (1 Feb 2027).
"""
import re
import types
import uuid
from functools import partial

import icalendar
import pytest

import booking_helpers
from conftest import Api, _start, _stop, expect_problem, weekdays
from mail_receiver import MailReceiver

NOW = "2027-02-01T00:00:00Z"
MON = "2027-03-01"
NY = "America/New_York"
FROM = "bookings@studio.example"

book = partial(booking_helpers.booked, now=NOW)


def at(hm, day=MON):
    return f"{day}T{hm}:00-05:00"


PROFILE = {
    "bio": "Physiotherapist with 12 years of practice.\nSports injuries, back pain.",
    "specialties": ["sports injuries", "back pain", "Rücken"],
    "photo_url": "https://cdn.example/photos/ines.jpg",
    "languages": ["en", "pt-BR", "de"],
    "locale": "de",
    "video_url": "https://meet.example/ines-room",
}
PUBLIC_PROFILE_KEYS = {"bio", "specialties", "photo_url", "languages"}


@pytest.fixture(scope="module")
def studio(server):
    """A tenant with Ines (profile with a meeting room) and Olu (no profile), both 09:00-17:00
    on weekdays."""
    slug = "loc-" + uuid.uuid4().hex[:10]
    t = server.tenant(slug, "Move Studio")
    ines = t.provider("Ines Duarte", NY, email="ines@studio.example", **PROFILE)
    olu = t.provider("Olu Bello", NY)
    for p in (ines, olu):
        t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    return types.SimpleNamespace(t=t, slug=slug, ines=ines["id"], olu=olu["id"])


def service(s, location, providers=None, **fields):
    return s.t.service(providers or [s.ines, s.olu], "Session " + uuid.uuid4().hex[:6], 30,
                       location=location, **fields)


# --- provider profiles ---------------------------------------------------------------------

def test_profile_round_trip(studio):
    t = studio.t
    got = t.ok("GET", f"/v1/providers/{studio.ines}")
    for k, v in PROFILE.items():
        assert got[k] == v, k
    plain = t.ok("GET", f"/v1/providers/{studio.olu}")
    assert {k: plain[k] for k in PROFILE} == {
        "bio": None, "specialties": [], "photo_url": None, "languages": [], "locale": None,
        "video_url": None}
    listed = {p["id"]: p for p in t.list_all("/v1/providers")}
    assert {k: listed[studio.ines][k] for k in PROFILE} == PROFILE

    p = t.provider("Kim Park", NY)
    changed = t.ok("PATCH", f"/v1/providers/{p['id']}",
                   {"bio": "Yoga.", "specialties": ["yoga"], "languages": ["ko", "en"]})
    assert (changed["bio"], changed["specialties"], changed["languages"]) == \
        ("Yoga.", ["yoga"], ["ko", "en"])
    assert changed["name"] == "Kim Park" and changed["photo_url"] is None
    # A PATCH of other fields keeps the profile.
    kept = t.ok("PATCH", f"/v1/providers/{p['id']}", {"name": "Kim Park-Lee"})
    assert (kept["bio"], kept["specialties"]) == ("Yoga.", ["yoga"])
    # null (and an empty list) clear.
    cleared = t.ok("PATCH", f"/v1/providers/{p['id']}",
                   {"bio": None, "specialties": [], "languages": None})
    assert (cleared["bio"], cleared["specialties"], cleared["languages"]) == (None, [], [])
    assert t.ok("GET", f"/v1/providers/{p['id']}") == cleared

    # The events carry the profile, before and after.
    mine = t.ok("GET", "/v1/events", params={"type": "provider.updated", "subject_id": p["id"]},
                now=NOW)["data"]
    assert [e["payload"]["bio"] for e in mine] == ["Yoga.", "Yoga.", None]
    assert mine[0]["payload"]["specialties"] == ["yoga"]
    assert mine[0]["payload"]["languages"] == ["ko", "en"]


BAD_PROFILES = [
    ({"bio": 5}, "/bio"),
    ({"bio": "x" * 4001}, "/bio"),
    ({"specialties": "yoga"}, "/specialties"),
    ({"specialties": ["a"] * 2}, "/specialties/1"),
    ({"specialties": [f"s{i}" for i in range(21)]}, "/specialties"),
    ({"specialties": [""]}, "/specialties/0"),
    ({"specialties": ["x" * 101]}, "/specialties/0"),
    ({"specialties": [3]}, "/specialties/0"),
    ({"languages": ["english"]}, "/languages/0"),
    ({"languages": ["en", "en"]}, "/languages/1"),
    ({"languages": ["en_US"]}, "/languages/0"),
    ({"photo_url": "ftp://cdn.example/a.jpg"}, "/photo_url"),
    ({"photo_url": "https://cdn.example/" + "a" * 2048}, "/photo_url"),
    ({"photo_url": "javascript:alert(1)"}, "/photo_url"),
    ({"video_url": "meet.example/room"}, "/video_url"),
    ({"video_url": "https://meet.example/a b"}, "/video_url"),
    ({"locale": "fr"}, "/locale"),
    ({"locale": 1}, "/locale"),
    # Tags differ by case only: the same language (BCP 47 tags are case-insensitive).
    ({"languages": ["pt-BR", "pt-br"]}, "/languages/1"),
    # Credentials or a misleading host in front of "@", or no host at all.
    ({"photo_url": "https://cdn.example@evil.example/a.jpg"}, "/photo_url"),
    ({"photo_url": "https://user:secret@cdn.example/a.jpg"}, "/photo_url"),
    ({"video_url": "https://meet.example@evil.example/room"}, "/video_url"),
    ({"video_url": "https://:443/room"}, "/video_url"),
]


@pytest.mark.parametrize("body,pointer", BAD_PROFILES)
def test_profile_validation_is_422_and_changes_nothing(studio, body, pointer):
    t = studio.t
    before = t.ok("GET", f"/v1/providers/{studio.ines}")
    expect_problem(t.patch(f"/v1/providers/{studio.ines}", {**body, "name": "Changed"}), 422,
                   "validation_failed", pointer)
    assert t.ok("GET", f"/v1/providers/{studio.ines}") == before
    names = {p["name"] for p in t.list_all("/v1/providers")}
    expect_problem(t.post("/v1/providers", {"name": "Never", "timezone": NY, **body}), 422,
                   "validation_failed", pointer)
    assert {p["name"] for p in t.list_all("/v1/providers")} == names


def test_patch_of_one_profile_field_keeps_the_others(studio):
    t = studio.t
    p = t.provider("Keeps All", NY, **PROFILE)
    got = t.ok("PATCH", f"/v1/providers/{p['id']}", {"photo_url": "https://cdn.example/b.jpg"})
    assert {k: got[k] for k in PROFILE} == {**PROFILE, "photo_url": "https://cdn.example/b.jpg"}
    got = t.ok("PATCH", f"/v1/providers/{p['id']}", {"settings": {"vacation": False}})
    assert {k: got[k] for k in PROFILE} == {**PROFILE, "photo_url": "https://cdn.example/b.jpg"}
    assert t.ok("GET", f"/v1/providers/{p['id']}") == got


def test_provider_deleted_event_carries_the_profile(studio):
    t = studio.t
    p = t.provider("Gone Soon", NY, **PROFILE)
    t.ok("DELETE", f"/v1/providers/{p['id']}")
    [ev] = t.ok("GET", "/v1/events", params={"type": "provider.deleted", "subject_id": p["id"]},
                now=NOW)["data"]
    assert {k: ev["payload"][k] for k in PROFILE} == PROFILE


def test_public_page_shows_profile_but_not_room_mail_or_locale(studio):
    t = studio.t
    svc = service(studio, None)
    t.ok("PATCH", f"/v1/services/{svc['id']}", {"public": True})
    page = Api(t.base, None).get(f"/v1/public/{studio.slug}", now=NOW)
    assert page.status_code == 200, page.text
    [s] = [x for x in page.json()["services"] if x["id"] == svc["id"]]
    provs = {p["id"]: p for p in s["providers"]}
    ines = provs[studio.ines]
    assert set(ines) == {"id", "name", "time_zone"} | PUBLIC_PROFILE_KEYS
    assert {k: ines[k] for k in PUBLIC_PROFILE_KEYS} == {k: PROFILE[k] for k in
                                                        PUBLIC_PROFILE_KEYS}
    assert "meet.example" not in page.text and "ines@studio.example" not in page.text
    assert provs[studio.olu]["bio"] is None and provs[studio.olu]["languages"] == []


# --- service locations ---------------------------------------------------------------------

LOCATIONS = [
    {"type": "in_person", "address": "Rua Augusta 100, 1100-053 Lisboa"},
    {"type": "phone", "phone": "+351 21 000 0000"},
    {"type": "phone", "phone": None},
    {"type": "video", "url_template": "https://meet.jit.si/{tenant}-{reference}"},
    {"type": "video", "url_template": None},
]


@pytest.mark.parametrize("loc", LOCATIONS)
def test_service_location_round_trip(studio, loc):
    t = studio.t
    svc = service(studio, loc)
    assert svc["location"] == loc
    assert t.ok("GET", f"/v1/services/{svc['id']}")["location"] == loc
    # Left out: the same as null (the value given).
    short = {k: v for k, v in loc.items() if v is not None}
    assert service(studio, short)["location"] == loc
    # PATCH of something else keeps it; null clears it.
    assert t.ok("PATCH", f"/v1/services/{svc['id']}", {"capacity": 2})["location"] == loc
    assert t.ok("PATCH", f"/v1/services/{svc['id']}", {"location": None})["location"] is None
    assert t.ok("GET", f"/v1/services/{svc['id']}")["location"] is None
    ev = t.ok("GET", "/v1/events", params={"type": "service.", "subject_id": svc["id"]},
              now=NOW)["data"]
    assert [e["payload"]["location"] for e in ev] == [loc, loc, None]


BAD_LOCATIONS = [
    ("in person", "/location"),
    ({}, "/location/type"),
    ({"type": "zoom"}, "/location/type"),
    ({"type": "in_person"}, "/location/address"),
    ({"type": "in_person", "address": ""}, "/location/address"),
    ({"type": "in_person", "address": "a" * 501}, "/location/address"),
    ({"type": "in_person", "address": "Line 1\nLine 2"}, "/location/address"),
    ({"type": "in_person", "address": "Main St", "phone": "+1"}, "/location/phone"),
    ({"type": "phone", "phone": ""}, "/location/phone"),
    ({"type": "phone", "phone": "1" * 41}, "/location/phone"),
    # A number as a booking's location takes it (PATCH /v1/bookings/{id} reads it back).
    ({"type": "phone", "phone": "call us; +1 555"}, "/location/phone"),
    ({"type": "video", "url_template": "https://meet.example@evil.example/{reference}"},
     "/location/url_template"),
    ({"type": "video", "url_template": "https://meet.example/{room}"}, "/location/url_template"),
    ({"type": "video", "url_template": "https://meet.example/{tenant"}, "/location/url_template"),
    ({"type": "video", "url_template": "{tenant}.example/x"}, "/location/url_template"),
    ({"type": "video", "url_template": "ftp://meet.example/{tenant}"}, "/location/url_template"),
    ({"type": "video", "url": "https://meet.example/x"}, "/location/url"),
]


@pytest.mark.parametrize("loc,pointer", BAD_LOCATIONS)
def test_service_location_validation_is_422_and_changes_nothing(studio, loc, pointer):
    t = studio.t
    svc = service(studio, LOCATIONS[0])
    before = t.ok("GET", f"/v1/services/{svc['id']}")
    expect_problem(t.patch(f"/v1/services/{svc['id']}", {"location": loc, "capacity": 3}), 422,
                   "validation_failed", pointer)
    assert t.ok("GET", f"/v1/services/{svc['id']}") == before
    n = len(t.list_all("/v1/services"))
    expect_problem(t.post("/v1/services", {"name": "Never", "duration_minutes": 30,
                                          "location": loc}), 422, "validation_failed", pointer)
    assert len(t.list_all("/v1/services")) == n


def test_unknown_placeholder_is_named(studio):
    r = studio.t.post("/v1/services", {"name": "X", "duration_minutes": 30, "location": {
        "type": "video", "url_template": "https://meet.example/{room}"}})
    body = expect_problem(r, 422, "validation_failed", "/location/url_template")
    assert "{room}" in r.text, body


# --- bookings ------------------------------------------------------------------------------

@pytest.mark.parametrize("loc,provider,want,day", [
    (None, "ines", None, "2027-03-02"),
    (LOCATIONS[0], "ines", {"type": "in_person", "address": LOCATIONS[0]["address"]},
     "2027-03-03"),
    (LOCATIONS[1], "ines", {"type": "phone", "phone": "+351 21 000 0000"}, "2027-03-04"),
    (LOCATIONS[2], "ines", {"type": "phone", "phone": None}, "2027-03-05"),
    (LOCATIONS[4], "ines", {"type": "video", "url": PROFILE["video_url"]}, "2027-03-08"),
    (LOCATIONS[4], "olu", {"type": "video", "url": None}, "2027-03-09"),
])
def test_booking_copies_the_location(studio, loc, provider, want, day):
    t = studio.t
    svc = service(studio, loc)
    b = book(t, svc["id"], at("09:00", day), provider_id=getattr(studio, provider))
    assert b["location"] == want
    assert t.ok("GET", f"/v1/bookings/{b['id']}")["location"] == want
    # The customer reads it with the manage token too.
    m = Api(t.base, b["manage_token"]).get("/v1/manage", now=NOW)
    assert m.status_code == 200, m.text
    assert m.json()["booking"]["location"] == want


def test_video_template_fills_tenant_and_reference(studio):
    t = studio.t
    tpl = "https://meet.jit.si/{tenant}-{reference}?b={booking_id}&p={provider_id}"
    svc = service(studio, {"type": "video", "url_template": tpl})
    b = book(t, svc["id"], at("10:00"), provider_id=studio.olu)
    url = b["location"]["url"]
    assert url == (f"https://meet.jit.si/{studio.slug}-{b['reference']}"
                   f"?b={b['id']}&p={studio.olu}"), url
    assert re.fullmatch(r"[A-Z0-9]{8}", b["reference"])
    # Each booking its own room.
    b2 = book(t, svc["id"], at("10:00"), provider_id=studio.ines)
    assert b2["location"]["url"] != url and b2["reference"] in b2["location"]["url"]


def test_location_is_kept_on_reschedule_and_after_the_service_changes(studio):
    t = studio.t
    svc = service(studio, {"type": "video", "url_template": "https://meet.jit.si/{reference}"})
    b = book(t, svc["id"], at("11:00"), provider_id=studio.ines)
    was = b["location"]
    r = t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": at("14:00")}, now=NOW)
    assert r.status_code == 200, r.text
    assert r.json()["location"] == was
    t.ok("PATCH", f"/v1/services/{svc['id']}", {"location": {"type": "in_person",
                                                            "address": "Elsewhere 1"}})
    got = t.ok("GET", f"/v1/bookings/{b['id']}")
    assert got["location"] == was and got["start"] == at("14:00")


def vevents(text):
    cal = icalendar.Calendar.from_ical(text)
    return [c for c in cal.walk() if c.name == "VEVENT"]


def test_location_in_the_ics_and_the_feed(studio):
    t = studio.t
    room = {"type": "in_person", "address": "Rua Augusta 100, Lisboa"}
    svc_room = service(studio, room)
    svc_video = service(studio, {"type": "video", "url_template":
                                 "https://meet.jit.si/{tenant}-{reference}"})
    b1 = book(t, svc_room["id"], at("12:00"), provider_id=studio.olu)
    b2 = book(t, svc_video["id"], at("13:00"), provider_id=studio.olu)

    r = t.get(f"/v1/bookings/{b1['id']}.ics")
    assert r.status_code == 200, r.text
    [ev] = vevents(r.text)
    assert str(ev["LOCATION"]) == room["address"]
    assert "URL" not in ev
    r = t.get(f"/v1/bookings/{b2['id']}.ics")
    [ev] = vevents(r.text)
    assert str(ev["LOCATION"]) == b2["location"]["url"]
    assert str(ev["URL"]) == b2["location"]["url"]

    feed = t.post(f"/v1/providers/{studio.olu}/feeds", {"kind": "details"})
    assert feed.status_code == 201, feed.text
    path = "/" + feed.json()["url"].split("/", 3)[3]
    got = Api(t.base, None).get(path, now=NOW)
    assert got.status_code == 200, got.text
    by_uid = {str(e["UID"]): e for e in vevents(got.text)}
    assert str(by_uid[f"{b1['id']}@slotd"]["LOCATION"]) == room["address"]
    assert str(by_uid[f"{b2['id']}@slotd"]["URL"]) == b2["location"]["url"]
    # A busy-only feed tells nothing of where.
    busy = t.post(f"/v1/providers/{studio.olu}/feeds", {"kind": "busy"})
    assert busy.status_code == 201, busy.text
    got = Api(t.base, None).get("/" + busy.json()["url"].split("/", 3)[3], now=NOW)
    assert got.status_code == 200, got.text
    evs = vevents(got.text)
    assert {str(e["UID"]) for e in evs} >= {f"{b1['id']}@slotd", f"{b2['id']}@slotd"}
    assert not [e for e in evs if "LOCATION" in e or "URL" in e]
    assert "Lisboa" not in got.text and "meet.jit.si" not in got.text


def test_public_service_shows_location_without_the_template(studio):
    t = studio.t
    svc = service(studio, {"type": "video", "url_template": "https://meet.jit.si/{reference}"})
    room = service(studio, LOCATIONS[0])
    for s in (svc, room):
        t.ok("PATCH", f"/v1/services/{s['id']}", {"public": True})
    page = Api(t.base, None).get(f"/v1/public/{studio.slug}", now=NOW).json()
    shown = {s["id"]: s["location"] for s in page["services"]}
    assert shown[svc["id"]] == {"type": "video"}
    assert shown[room["id"]] == LOCATIONS[0]


def test_public_booking_from_a_hold_with_any_provider_gets_its_link(studio):
    t = studio.t
    svc = service(studio, {"type": "video",
                           "url_template": "https://meet.jit.si/{tenant}-{reference}"},
                  providers=[studio.olu])
    t.ok("PATCH", f"/v1/services/{svc['id']}", {"public": True})
    v = Api(t.base, None)
    base = f"/v1/public/{studio.slug}"
    h = v.post(f"{base}/holds", {"service_id": svc["id"], "provider_id": "any",
                                 "start": at("15:00", "2027-03-10")}, now=NOW,
               headers={"X-Forwarded-For": "198.51.100.7"})
    assert h.status_code == 201, h.text
    r = v.post(f"{base}/bookings", {"service_id": svc["id"], "provider_id": "any",
                                    "start": at("15:00", "2027-03-10"), "hold_id": h.json()["id"],
                                    "customer": {"name": "Ana", "email": "ana@x.example"}},
               now=NOW, headers={"X-Forwarded-For": "198.51.100.7",
                                 "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["location"] == {"type": "video",
                             "url": f"https://meet.jit.si/{studio.slug}-{b['reference']}"}
    assert t.ok("GET", f"/v1/bookings/{b['id']}")["location"] == b["location"]


# --- e-mail --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def smtp():
    m = MailReceiver().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def mail_server(slotd_bin, tmp_path_factory, smtp):
    srv = _start(slotd_bin, tmp_path_factory.mktemp("mail"),
                 env={"SLOTD_SMTP_URL": smtp.url, "SLOTD_MAIL_FROM": FROM,
                      "SLOTD_PUBLIC_URL": "https://book.studio.example"})
    yield srv
    _stop(srv)


def invite_event(msg):
    raw = msg.attachment("invite.ics")
    assert raw, f"no invite.ics in {msg.subject!r}"
    if isinstance(raw, bytes):
        raw = raw.decode()
    [ev] = vevents(raw)
    return ev


def test_confirmation_mail_names_the_place_and_the_video_link(mail_server, smtp):
    t = mail_server.tenant(name="Move Studio")
    mail = f"ines.{t.slug}@studio.example"
    p = t.provider("Ines Duarte", NY, email=mail, locale="de",
                   video_url="https://meet.example/ines")
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    room = t.service([p["id"]], "Physio", 30, location={
        "type": "in_person", "address": "Rua Augusta 100, Lisboa"})
    video = t.service([p["id"]], "Online physio", 30, location={"type": "video"})

    cust = {"name": "Ana Lima", "email": f"ana-{uuid.uuid4().hex[:6]}@patients.example"}
    book(t, room["id"], at("09:00"), customer=cust)
    [m] = smtp.wait(cust["email"])
    text = m.part("text/plain").replace("\r\n", "\n")
    assert "Where: Rua Augusta 100, Lisboa\n" in text, text
    assert "Rua Augusta 100, Lisboa" in m.part("text/html")
    assert "video call" not in text
    assert str(invite_event(m)["LOCATION"]) == "Rua Augusta 100, Lisboa"
    # The provider reads it in the language of its profile.
    [pm] = smtp.wait(mail)
    assert "Wo: Rua Augusta 100, Lisboa\r\n" in pm.part("text/plain"), pm.part("text/plain")

    cust2 = {"name": "Rui Melo", "email": f"rui-{uuid.uuid4().hex[:6]}@patients.example"}
    b = book(t, video["id"], at("10:00"), customer=cust2)
    assert b["location"] == {"type": "video", "url": "https://meet.example/ines"}
    [m] = smtp.wait(cust2["email"])
    text = m.part("text/plain").replace("\r\n", "\n")
    assert "Where: Video call: https://meet.example/ines\n" in text, text
    assert "Join the video call:\nhttps://meet.example/ines\n" in text, text
    assert 'href="https://meet.example/ines"' in m.part("text/html")
    ev = invite_event(m)
    assert str(ev["LOCATION"]) == "https://meet.example/ines"
    assert str(ev["URL"]) == "https://meet.example/ines"


def test_waitlist_offer_mail_renders_without_a_location(mail_server, smtp):
    """A waiting-list offer is no booking yet: its message has no place (nor a locale, reference
    or notes of its own), and is still sent."""
    t = mail_server.tenant(name="Move Studio")
    p = t.provider("Ines Duarte", NY, video_url="https://meet.example/ines")
    t.schedule(p["id"], weekdays([("09:00", "10:00")]))
    svc = t.service([p["id"]], "Online physio", 60, location={"type": "video"})
    b = book(t, svc["id"], at("09:00"))
    mail = f"wait-{uuid.uuid4().hex[:6]}@patients.example"
    r = t.post("/v1/waitlist", {"service_id": svc["id"], "earliest_date": MON,
                                "latest_date": MON,
                                "customer": {"name": "Rui Melo", "email": mail}}, now=NOW)
    assert r.status_code == 201, r.text
    booking_helpers.acted(t, b["id"], "cancel", now=NOW)
    [m] = smtp.wait(mail)
    text = m.part("text/plain").replace("\r\n", "\n")
    assert "A time you were waiting for has become free." in text, text
    assert "Where:" not in text and "video call" not in text


def test_phone_location_tells_each_side_who_calls(mail_server, smtp):
    t = mail_server.tenant(name="Move Studio")
    mail = f"olu.{t.slug}@studio.example"
    p = t.provider("Olu Bello", NY, email=mail)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([p["id"]], "Phone check-in", 30, location={"type": "phone"})
    cust = {"name": "Ana Lima", "email": f"ana-{uuid.uuid4().hex[:6]}@patients.example",
            "phone": "+351 91 234 5678"}
    b = book(t, svc["id"], at("11:00"), customer=cust, locale="de")
    assert b["location"] == {"type": "phone", "phone": None}
    [m] = smtp.wait(cust["email"])
    text = m.part("text/plain").replace("\r\n", "\n")
    assert "Wo: Telefonisch: wir rufen Sie unter +351 91 234 5678 an\n" in text, text
    # The provider reads the booking's language unless its profile names one.
    [pm] = smtp.wait(mail)
    text = pm.part("text/plain").replace("\r\n", "\n")
    assert "Wo: Telefonisch: Sie rufen Ana Lima unter +351 91 234 5678 an\n" in text, text
    t.ok("PATCH", f"/v1/providers/{p['id']}", {"locale": "en"})
    booking_helpers.acted(t, b["id"], "cancel", now=NOW)
    [pm] = smtp.wait(mail, where=lambda m: "cancel" in m.subject.lower())
    text = pm.part("text/plain").replace("\r\n", "\n")
    assert "Where: By phone: you call Ana Lima at +351 91 234 5678\n" in text, text


def test_location_line_stays_one_line_with_a_name_on_two(mail_server, smtp):
    """The provider's "you call <name>" line is one line even when the customer typed a line
    break into their name (the invitation's LOCATION too)."""
    t = mail_server.tenant(name="Move Studio")
    mail = f"olu.{t.slug}@studio.example"
    p = t.provider("Olu Bello", NY, email=mail)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([p["id"]], "Phone check-in", 30, location={"type": "phone"})
    cust = {"name": "Ana\r\nLima", "email": f"ana-{uuid.uuid4().hex[:6]}@patients.example",
            "phone": "+351 91 234 5678"}
    book(t, svc["id"], at("11:00"), customer=cust)
    [pm] = smtp.wait(mail)
    text = pm.part("text/plain").replace("\r\n", "\n")
    assert "Where: By phone: you call Ana  Lima at +351 91 234 5678\n" in text, text
    assert str(invite_event(pm)["LOCATION"]) == \
        "By phone: you call Ana  Lima at +351 91 234 5678"
