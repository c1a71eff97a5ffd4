"""A real SMTP server for the tests (aiosmtpd, Debian's python3-aiosmtpd) on 127.0.0.1.

It keeps every message it accepts, parsed with the standard library's e-mail parser, and can
be told to refuse a recipient with a given reply (e.g. "550 5.1.1 no such user" for a
permanent failure, "451 4.3.0 try later" for a passing one).
"""
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Received:
    def __init__(self, envelope):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw = envelope.original_content or envelope.content
        if isinstance(self.raw, str):
            self.raw = self.raw.encode()
        self.msg = email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def to(self):
        return str(self.msg["To"])

    @property
    def subject(self):
        return str(self.msg["Subject"])

    def part(self, content_type):
        """The decoded text of the first part of content_type (e.g. "text/plain")."""
        for p in self.msg.walk():
            if p.get_content_type() == content_type and not p.is_multipart():
                return p.get_content()
        return None

    def attachment(self, filename):
        for p in self.msg.walk():
            if p.get_filename() == filename:
                return p.get_content()
        return None


class _Handler:
    def __init__(self, box):
        self.box = box

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.box.refusals.get(address.lower())
        if reply:
            self.box.refused.append((address, reply))
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.box.lock:
            self.box.messages.append(Received(envelope))
        return "250 Message accepted for delivery"


class MailReceiver:
    def __init__(self):
        self.messages = []
        self.refused = []
        self.refusals = {}
        self.lock = threading.Lock()
        # aiosmtpd 1.4 checks that it is up by connecting to its port, so it needs a real one.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{self.port}"
        return self

    def stop(self):
        self.controller.stop()

    def refuse(self, address, reply):
        self.refusals[address.lower()] = reply

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address.lower() in
                    (a.lower() for a in m.rcpt_tos)]

    def wait(self, address, count=1, timeout=15.0, where=None):
        """The messages to address (at least count of them that satisfy where), waiting up
        to timeout seconds; fails with what did arrive."""
        deadline = time.monotonic() + timeout
        while True:
            got = [m for m in self.to(address) if where is None or where(m)]
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{count} message(s) to {address} expected within {timeout}s, got "
                    f"{len(got)}; all: {[(m.rcpt_tos, m.subject) for m in self.messages]}")
            time.sleep(0.05)
