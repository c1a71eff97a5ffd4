"""E-mail through a real SMTP server (aiosmtpd): lifecycle messages to the customer and the
provider, in their language, with the manage link, and invitations that calendars honour —
one UID per booking, METHOD:REQUEST with SEQUENCE raised on each change of time, then
METHOD:CANCEL with STATUS:CANCELLED (parsed with python3-icalendar). Also templates a tenant
overrides, and SMTP refusals: a 5xx reply is final, a 4xx one is retried.

Dates: Mon 1 Mar 2027, New York (-05:00). Requests are made at NOW (1 Feb 2027), later than
the real clock's today, so no reminder falls due during the test unless the test clock is
moved.
"""
import re
import types
from functools import partial

import icalendar
import pytest

import booking_helpers
from conftest import Api, weekdays
from mail_receiver import MailReceiver

NOW = "2027-02-01T00:00:00Z"
MON = "2027-03-01"
START = "2027-03-01T10:00:00-05:00"
FROM = "bookings@clinic.example"

book = partial(booking_helpers.booked, now=NOW)
acted = partial(booking_helpers.acted, now=NOW)


@pytest.fixture(scope="module")
def smtp():
    m = MailReceiver().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def mail_server(slotd_bin, tmp_path_factory, smtp):
    from conftest import _start, _stop
    srv = _start(slotd_bin, tmp_path_factory.mktemp("mail"),
                 env={"SLOTD_SMTP_URL": smtp.url, "SLOTD_MAIL_FROM": FROM,
                      "SLOTD_PUBLIC_URL": "https://book.clinic.example"})
    yield srv
    _stop(srv)


def clinic(server):
    """A tenant with one provider (its own address) and a 30-minute check-up."""
    t = server.tenant(name="Lakeside Clinic")
    mail = f"dr.brown.{t.slug}@clinic.example"
    p = t.provider("Dr Brown", "America/New_York", email=mail)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    svc = t.service([p["id"]], "Check-up", 30, price="40.00", currency="USD")
    return types.SimpleNamespace(t=t, pid=p["id"], sid=svc["id"], provider_mail=mail)


def customer(tag):
    return {"name": "Zoë Müller", "email": f"{tag}@patients.example"}


def invite(msg):
    """The invitation of a message (its invite.ics attachment) as (calendar, event)."""
    raw = msg.attachment("invite.ics")
    assert raw, f"no invite.ics in {msg.subject!r}"
    if isinstance(raw, bytes):
        raw = raw.decode()
    cal = icalendar.Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return cal, events[0]


def test_lifecycle_messages_carry_one_invitation_that_updates_and_cancels(mail_server, smtp):
    c = clinic(mail_server)
    cust = customer("lifecycle")
    b = book(c.t, c.sid, START, customer=cust)

    [created] = smtp.wait(cust["email"])
    assert "Check-up" in created.subject or "Lakeside" in created.subject
    text = created.part("text/plain")
    assert "Monday, 1 March 2027" in text and "10:00 AM" in text, text
    assert created.part("text/html") and "10:00 AM" in created.part("text/html")
    cal, ev = invite(created)
    assert str(cal["METHOD"]) == "REQUEST"
    uid = str(ev["UID"])
    assert uid == f"{b['id']}@slotd"
    assert int(ev["SEQUENCE"]) == 0
    assert ev.decoded("DTSTART").isoformat().startswith("2027-03-01T10:00:00")
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert FROM in str(ev["ORGANIZER"])
    assert cust["email"] in str(ev["ATTENDEE"])
    assert not [x for x in ev.walk() if x.name == "VALARM"]
    # The calendar part of the body says the same as the attachment.
    assert "METHOD:REQUEST" in created.part("text/calendar")

    # The provider hears of it too, in its own message, without the customer's link.
    [to_provider] = smtp.wait(c.provider_mail)
    assert "Zoë Müller" in to_provider.part("text/plain")
    assert "token=" not in to_provider.part("text/plain")
    _, pev = invite(to_provider)
    assert str(pev["UID"]) == uid and c.provider_mail in str(pev["ATTENDEE"])

    # Rescheduled: the same UID, SEQUENCE 1, the new time, the old one named.
    r = c.t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": "2027-03-01T14:00:00-05:00"},
                 now=NOW)
    assert r.status_code == 200, r.text
    [moved] = smtp.wait(cust["email"], where=lambda m: "2:00 PM" in m.part("text/plain"))
    assert "10:00 AM" in moved.part("text/plain"), "the previous time is named"
    cal, ev = invite(moved)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 1
    assert ev.decoded("DTSTART").isoformat().startswith("2027-03-01T14:00:00")

    # Cancelled: METHOD:CANCEL, the same UID, a higher SEQUENCE, STATUS:CANCELLED.
    acted(c.t, b["id"], "cancel", {"reason": "feeling better"})
    [gone] = smtp.wait(cust["email"], where=lambda m: "CANCEL" in (m.part("text/calendar") or ""))
    cal, ev = invite(gone)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 2
    assert str(ev["STATUS"]) == "CANCELLED"
    assert "DTSTAMP" in ev and "ORGANIZER" in ev


def test_manage_link_in_the_customer_message_opens_the_booking(mail_server, smtp):
    c = clinic(mail_server)
    cust = customer("link")
    b = book(c.t, c.sid, START, customer=cust)
    [m] = smtp.wait(cust["email"])
    found = re.search(r"https://book\.clinic\.example/book/[a-z0-9-]+/bookings/(bkg_\w+)\?token=(mt_[\w-]+)",
                      m.part("text/plain"))
    assert found, m.part("text/plain")
    assert found.group(1) == b["id"]
    assert found.group(2) == b["manage_token"]
    as_customer = Api(c.t.base, found.group(2))
    assert as_customer.ok("GET", f"/v1/bookings/{b['id']}")["id"] == b["id"]


def test_german_booking_gets_german_words_and_24_hour_times(mail_server, smtp):
    c = clinic(mail_server)
    cust = customer("deutsch")
    book(c.t, c.sid, "2027-03-01T15:30:00-05:00", customer=cust, locale="de")
    [m] = smtp.wait(cust["email"])
    text = m.part("text/plain")
    assert "Montag, 1. März 2027" in text and "15:30" in text, text
    # No 12-hour clock (the reference, 8 random letters, may well hold "PM").
    assert not re.search(r"\d:\d\d\s*[AP]M\b", text), text


def test_tenant_locale_is_the_default(mail_server, smtp):
    c = clinic(mail_server)
    r = c.t.put("/v1/settings", {"locale": "de"})
    assert r.status_code == 200, r.text
    assert r.json()["locale"] == "de"
    cust = customer("tenantde")
    book(c.t, c.sid, START, customer=cust)
    [m] = smtp.wait(cust["email"])
    assert "Montag" in m.part("text/plain")


def test_bad_locale_is_refused_and_nothing_is_booked(mail_server):
    c = clinic(mail_server)
    r = booking_helpers.book(c.t, c.sid, START, customer=customer("badlocale"), locale="fr",
                             now=NOW)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/locale", r.text
    assert c.t.ok("GET", "/v1/bookings")["data"] == []


def test_tenant_template_replaces_the_built_in_one(mail_server, smtp):
    c = clinic(mail_server)
    r = c.t.put("/v1/templates/booking.created/en",
                {"subject": "Booked: {{service_name}} on {{date}}",
                 "text": "Hello {{customer_name}}, see you at {{start_time}}.",
                 "html": "<p>Hello {{customer_name}}</p>"})
    assert r.status_code == 200, r.text
    cust = {"name": "Al <b>Ng</b>", "email": "templated@patients.example"}
    book(c.t, c.sid, START, customer=cust)
    [m] = smtp.wait(cust["email"])
    assert m.subject == "Booked: Check-up on Monday, 1 March 2027"
    assert m.part("text/plain").strip() == "Hello Al <b>Ng</b>, see you at 10:00 AM."
    assert "Al &lt;b&gt;Ng&lt;/b&gt;" in m.part("text/html")


def test_line_breaks_in_names_and_values_do_not_stop_the_mail(mail_server, smtp):
    """A customer name with a line break is one line in the headers (To, Subject), never a
    header of its own, and the messages still go out to both people."""
    c = clinic(mail_server)
    r = c.t.put("/v1/templates/booking.created/en",
                {"subject": "Booked: {{customer_name}}", "text": "Hi {{customer_name}}",
                 "html": "<p>Hi {{customer_name}}</p>"})
    assert r.status_code == 200, r.text
    cust = {"name": "Ann\r\nBcc: spy@evil.example", "email": "linebreak@patients.example"}
    book(c.t, c.sid, START, customer=cust)
    [m] = smtp.wait(cust["email"])
    assert m.msg["Bcc"] is None and "spy@evil.example" not in m.rcpt_tos
    assert "\n" not in m.subject and m.subject.startswith("Booked: Ann")
    assert "\n" not in m.to and "Ann" in m.to
    [p] = smtp.wait(c.provider_mail)
    assert p.msg["Bcc"] is None and p.subject.startswith("Booked: Ann")


def test_permanent_smtp_refusal_is_not_retried_and_a_passing_one_is(mail_server, smtp):
    c = clinic(mail_server)
    smtp.refuse("gone@patients.example", "550 5.1.1 no such user")
    smtp.refuse("busy@patients.example", "451 4.3.0 try again later")
    b1 = book(c.t, c.sid, START, customer={"name": "Gone", "email": "gone@patients.example"})
    b2 = book(c.t, c.sid, "2027-03-01T11:00:00-05:00",
              customer={"name": "Busy", "email": "busy@patients.example"})

    def customer_delivery(bid):
        ev = [e for e in c.t.ok("GET", "/v1/events", params={"subject_id": bid})["data"]
              if e["type"] == "booking.created"][0]
        rows = c.t.ok("GET", "/v1/deliveries", params={"event_id": ev["id"]})["data"]
        return [d for d in rows if d["channel"] == "email" and d.get("recipient_role") == "customer"]

    import time
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        d1, d2 = customer_delivery(b1["id"]), customer_delivery(b2["id"])
        if d1 and d1[0]["status"] == "failed" and d2 and d2[0]["attempts"] >= 1:
            break
        time.sleep(0.1)
    assert d1 and d1[0]["status"] == "failed" and d1[0]["attempts"] == 1, d1
    assert d1[0]["last_status"] == 550
    assert d2 and d2[0]["status"] == "pending" and d2[0]["attempts"] >= 1, d2
    assert d2[0]["last_status"] == 451
    assert d2[0]["next_attempt_at"] is not None


def test_reminder_is_mailed_once_at_its_time(mail_server, smtp):
    c = clinic(mail_server)
    svc = c.t.service([c.pid], "Reminded check-up", 30, reminder_offsets_minutes=[60])
    cust = customer("reminded")
    b = book(c.t, svc["id"], START, customer=cust)
    smtp.wait(cust["email"])        # the confirmation
    try:
        # 14:01Z is one minute past the 60-minute reminder of the 15:00Z start.
        c.t.ok("POST", "/v1/test/clock", {"now": "2027-03-01T14:01:00Z"}, status=200)
        [m] = smtp.wait(cust["email"], where=lambda m: "in 1 hour" in m.part("text/plain"))
        _, ev = invite(m)
        assert str(ev["UID"]) == f"{b['id']}@slotd" and int(ev["SEQUENCE"]) == 0
        import time
        time.sleep(1.5)             # worker rounds: nothing more is sent for it
        again = [x for x in smtp.to(cust["email"]) if "in 1 hour" in x.part("text/plain")]
        assert len(again) == 1
        sent = c.t.ok("GET", f"/v1/bookings/{b['id']}/reminders")["reminders"]
        assert [r["offset_minutes"] for r in sent] == [60] and sent[0]["sent_at"]
    finally:
        c.t.ok("POST", "/v1/test/clock", {"now": None}, status=200)


def test_pending_booking_is_tentative_and_its_sequence_follows_the_ics_file(mail_server, smtp):
    c = clinic(mail_server)
    svc = c.t.service([c.pid], "Approval check-up", 30, requires_approval=True)
    cust = customer("pending")
    b = book(c.t, svc["id"], START, customer=cust)
    assert b["status"] == "pending"
    [m] = smtp.wait(cust["email"])
    cal, ev = invite(m)
    assert str(cal["METHOD"]) == "REQUEST" and str(ev["STATUS"]) == "TENTATIVE"
    assert int(ev["SEQUENCE"]) == 0
    confirmed = acted(c.t, b["id"], "confirm")
    [m2] = smtp.wait(cust["email"], where=lambda x: x is not m)
    _, ev2 = invite(m2)
    assert str(ev2["STATUS"]) == "CONFIRMED"
    # The confirmation supersedes the tentative event, and agrees with the .ics download
    # (a calendar that imported that file takes it as an update too).
    r = c.t.get(f"/v1/bookings/{b['id']}.ics", contract=False)
    assert r.status_code == 200
    exported = [x for x in icalendar.Calendar.from_ical(r.text).walk() if x.name == "VEVENT"][0]
    assert str(exported["UID"]) == str(ev2["UID"])
    assert int(ev2["SEQUENCE"]) == int(exported["SEQUENCE"]) == confirmed["version"] - 1 > 0


@pytest.mark.parametrize("env, says", [
    ({"SLOTD_SMTP_URL": "smtp://127.0.0.1:2525"}, "--smtp needs --mail-from"),
    ({"SLOTD_SMTP_URL": "smtp://127.0.0.1:2525", "SLOTD_MAIL_FROM": "Clinic <a@b.example>"},
     "--mail-from must be one plain address"),
    ({"SLOTD_SMTP_URL": "smtp://127.0.0.1:2525", "SLOTD_MAIL_FROM": "no-at-sign"},
     "--mail-from must be one plain address"),
])
def test_serve_refuses_a_mail_setup_that_cannot_send(slotd_bin, tmp_path, env, says):
    from conftest import run_cli
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path / 'x.db'}", "--listen",
                 "127.0.0.1:0", env=env, timeout=30)
    assert cp.returncode == 1 and says in cp.stderr, (cp.returncode, cp.stderr)


@pytest.mark.parametrize("mail_from", ["a@b.example:", "bü@x.example", "a@[1.2.3.4]",
                                       "x" * 250 + "@b.example"])
def test_serve_refuses_a_mail_from_messages_could_not_carry(slotd_bin, tmp_path, mail_from):
    from conftest import run_cli
    cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path / 'x.db'}", "--listen",
                 "127.0.0.1:0", env={"SLOTD_SMTP_URL": "smtp://127.0.0.1:2525",
                                     "SLOTD_MAIL_FROM": mail_from}, timeout=30)
    assert cp.returncode == 1 and "--mail-from must be one plain address" in cp.stderr, \
        (cp.returncode, cp.stderr)
