"""Booking attachments: POST /v1/bookings/{id}/attachments (a raw body or multipart/form-data
with one file part), the list, the download and DELETE. The bytes come back identical; limits
per file and per booking are 413 (from Content-Length before the body is read, and while it
streams), types off the allow-list 415; reach is the booking's (another tenant's booking 404, a
staff key's other providers 404, the manage token its own booking, customer keys 403). The
body streams to a temporary file and the download streams from the chunk rows, so a 10 MB
upload raises the server's memory by well under twice its size, and other requests are served
while an upload is still arriving.

Runs on SQLite, and on PostgreSQL under scripts/pg.sh run.
"""
import hashlib
import os
import re
import select
import socket
import threading
import time
import types
import urllib.parse

import pytest
import requests
from urllib3.filepost import encode_multipart_formdata

from booking_helpers import at, booked, consult_tenant, make_key
from conftest import _stop, Api, expect_problem, Server, status_kb

MON = "2026-03-02"
CHUNK = 256 << 10


def path(bid, aid=None):
    return f"/v1/bookings/{bid}/attachments" + (f"/{aid}" if aid else "")


def upload(t, bid, data, ctype="application/pdf", filename=None, headers=None, **kw):
    h = {"Content-Type": ctype} if ctype is not None else {}
    h.update(headers or {})
    params = {"filename": filename} if filename is not None else None
    return t.request("POST", path(bid), data=data, headers=h, params=params, **kw)


def upload_multipart(t, bid, data, filename="scan.png", ptype="image/png", fields=None, **kw):
    parts = dict(fields or {})
    parts["file"] = (filename, data, ptype) if ptype else (filename, data)
    body, ctype = encode_multipart_formdata(parts)
    return t.request("POST", path(bid), data=body, headers={"Content-Type": ctype}, **kw)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def listed(t, bid):
    r = t.get(path(bid))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def events(t, type_):
    r = t.get("/v1/events", params={"limit": 200})
    assert r.status_code == 200, r.text
    return [ev for ev in r.json()["data"] if ev["type"] == type_]


@pytest.fixture
def w(server):
    """A tenant of its own (provider Auto, service Consult) with two bookings, b and other."""
    c = consult_tenant(server)
    b = booked(c.t, c.sid, at(MON, "10:00"))
    other = booked(c.t, c.sid, at(MON, "12:00"),
                   customer={"name": "Bo", "email": "bo@example.com"})
    return types.SimpleNamespace(**vars(c), b=b, other=other, bid=b["id"])


def test_raw_round_trip_is_byte_identical(w):
    data = os.urandom(2 * CHUNK + 12345)     # three chunk rows, the last one short
    r = upload(w.t, w.bid, data, "application/pdf", filename="Referral letter.pdf")
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["booking_id"] == w.bid and a["filename"] == "Referral letter.pdf"
    assert a["content_type"] == "application/pdf" and a["size"] == len(data)
    assert a["sha256"] == sha(data)
    assert r.headers["Location"] == path(w.bid, a["id"])

    d = w.t.get(path(w.bid, a["id"]))
    assert d.status_code == 200
    assert sha(d.content) == sha(data) and d.content == data
    assert d.headers["Content-Type"] == "application/pdf"
    assert d.headers["Content-Length"] == str(len(data))
    assert d.headers["X-Content-Type-Options"] == "nosniff"
    assert d.headers["Content-Disposition"] == \
        "attachment; filename=\"Referral letter.pdf\"; filename*=UTF-8''Referral%20letter.pdf"
    assert "Content-Encoding" not in d.headers
    # A client that takes gzip still gets the bytes as stored.
    d = w.t.get(path(w.bid, a["id"]), headers={"Accept-Encoding": "gzip"})
    assert d.raw.headers.get("Content-Encoding") is None and d.content == data


def test_multipart_round_trip_is_byte_identical(w):
    data = os.urandom(CHUNK + 1)
    # A plain field next to the file part is ignored.
    r = upload_multipart(w.t, w.bid, data, "x-ray.png", "image/png",
                         fields={"note": "left knee"})
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["filename"], a["content_type"], a["size"], a["sha256"]) == \
        ("x-ray.png", "image/png", len(data), sha(data))
    d = w.t.get(path(w.bid, a["id"]))
    assert d.status_code == 200 and d.content == data
    assert d.headers["Content-Type"] == "image/png"


def test_multipart_part_without_type_takes_it_from_the_extension(w):
    data = b"%PDF-1.4 small\n"
    r = upload_multipart(w.t, w.bid, data, "form.PDF", None)
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == "application/pdf"


def test_small_file_in_one_chunk_and_exact_chunk_sizes(w):
    for size in (1, CHUNK - 1, CHUNK, CHUNK + 1):
        data = os.urandom(size)
        a = upload(w.t, w.bid, data, "image/jpeg", filename=f"p{size}.jpg").json()
        assert a["size"] == size
        d = w.t.get(path(w.bid, a["id"]))
        assert d.content == data, size


def test_a_filename_holding_a_nul_is_400_and_stores_nothing(w):
    """Refused before the body is read, not taken as the name up to the NUL."""
    before = listed(w.t, w.bid)
    for name in ("a.pdf\x00x", "x\x00.pdf"):
        r = upload(w.t, w.bid, b"%PDF-1.4 a letter", "application/pdf", filename=name)
        expect_problem(r, 400, "malformed_request", "filename")
    assert listed(w.t, w.bid) == before


def test_filename_from_content_disposition_is_made_safe(w):
    raw = "../../etc/pass\x01wd \u00e9t\u00e9.txt"
    cd = "attachment; filename*=UTF-8''" + urllib.parse.quote(raw, safe="")
    r = upload(w.t, w.bid, b"hello\n", "text/plain; charset=utf-8",
               headers={"Content-Disposition": cd})
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["filename"] == "pass wd \u00e9t\u00e9.txt"
    assert a["content_type"] == "text/plain"
    d = w.t.get(path(w.bid, a["id"]))
    assert d.headers["Content-Disposition"] == (
        "attachment; filename=\"pass wd _t_.txt\"; "
        "filename*=UTF-8''pass%20wd%20%C3%A9t%C3%A9.txt")
    # The plain filename= form, quoted.
    r = upload(w.t, w.bid, b"a,b\n1,2\n", "text/csv",
               headers={"Content-Disposition": 'attachment; filename="C:\\\\scans\\\\list.csv"'})
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "list.csv"
    # A very long name is cut to 200 bytes, on a character boundary.
    r = upload(w.t, w.bid, b"x", "text/plain", filename="\u00e9" * 150 + ".txt")
    name = r.json()["filename"]
    assert len(name.encode()) <= 200 and name == "\u00e9" * 98 + ".txt"
    # No name at all: one from the type.
    r = upload(w.t, w.bid, b"x", "application/pdf")
    assert r.json()["filename"] == "attachment.pdf"


def test_the_name_ends_with_the_stored_types_extension(w):
    # The type is checked, so the name must not say otherwise: a browser saves the file under
    # its name, and "scan.exe" sent as a PDF must not be saved as a program.
    for sent, ctype, stored in [("scan.exe", "application/pdf", "scan.exe.pdf"),
                                ("notes", "text/plain", "notes.txt"),
                                ("photo.JPEG", "image/jpg", "photo.JPEG"),
                                ("sheet.csv.bat", "text/csv", "sheet.csv.bat.csv"),
                                # Bidirectional controls ("\u202e" shows "fdp.exe" as
                                # "exe.pdf") are dropped like other controls.
                                ("invoice\u202efdp.exe", "application/pdf",
                                 "invoice fdp.exe.pdf")]:
        r = upload(w.t, w.bid, b"%PDF", ctype, filename=sent)
        assert r.status_code == 201, r.text
        assert r.json()["filename"] == stored, sent
    d = w.t.get(path(w.bid, r.json()["id"]))
    assert d.headers["Content-Disposition"] == \
        "attachment; filename=\"invoice fdp.exe.pdf\"; filename*=UTF-8''invoice%20fdp.exe.pdf"
    # A long name is cut to make room for the extension, on a character.
    r = upload(w.t, w.bid, b"x", "text/plain", filename="\u00e9" * 150)
    assert r.json()["filename"] == "\u00e9" * 98 + ".txt"


def test_no_leading_dot_after_dropped_bytes(w):
    # A control character or a byte that is not UTF-8 before the dot is dropped, and the dot
    # it leaves first goes too: the name never makes a hidden file.
    for sent in ("\x01.bashrc.txt", "\x7f \x1f..profile.txt"):
        r = upload(w.t, w.bid, b"x", "text/plain", filename=sent)
        assert r.status_code == 201, r.text
        assert r.json()["filename"] == sent.lstrip("\x01\x7f\x1f .").lstrip(". "), sent
    body = (b'--BB\r\nContent-Disposition: form-data; name="file"; filename="\xff.hidden.txt"\r\n'
            b'Content-Type: text/plain\r\n\r\nhello\r\n--BB--\r\n')
    r = w.t.request("POST", path(w.bid), data=body,
                    headers={"Content-Type": "multipart/form-data; boundary=BB"})
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "hidden.txt"
    d = w.t.get(path(w.bid, r.json()["id"]))
    assert d.headers["Content-Disposition"] == \
        "attachment; filename=\"hidden.txt\"; filename*=UTF-8''hidden.txt"


def test_list_delete_and_events(w):
    a1 = upload(w.t, w.bid, b"one", "text/plain", filename="one.txt").json()
    a2 = upload(w.t, w.bid, b"two!", "text/plain", filename="two.txt").json()
    assert [x["id"] for x in listed(w.t, w.bid)] == [a1["id"], a2["id"]]
    assert listed(w.t, w.other["id"]) == []

    r = w.t.delete(path(w.bid, a1["id"]))
    assert r.status_code == 204 and not r.content
    assert [x["id"] for x in listed(w.t, w.bid)] == [a2["id"]]
    expect_problem(w.t.get(path(w.bid, a1["id"])), 404, "not_found")
    expect_problem(w.t.delete(path(w.bid, a1["id"])), 404, "not_found")
    # The attachment is the booking's: the other booking's path does not reach it.
    expect_problem(w.t.get(path(w.other["id"], a2["id"])), 404, "not_found")
    expect_problem(w.t.delete(path(w.other["id"], a2["id"])), 404, "not_found")
    expect_problem(w.t.get(path(w.bid, "att_00000000000000000000")), 404, "not_found")

    added = events(w.t, "booking.attachment_added")
    removed = events(w.t, "booking.attachment_removed")
    assert [e["payload"]["id"] for e in added] == [a1["id"], a2["id"]]
    assert [e["payload"] for e in removed] == [a1]
    assert all(e["subject_id"] == w.bid for e in added + removed)
    # Metadata only: never the bytes.
    assert set(added[0]["payload"]) == {"id", "booking_id", "filename", "content_type", "size",
                                        "sha256", "created_at"}


@pytest.mark.parametrize("ctype,filename", [
    ("application/x-msdownload", "setup.exe"),
    ("text/html", "page.html"),
    ("image/svg+xml", "logo.svg"),
    ("application/octet-stream", "setup.exe"),
    ("application/octet-stream", None),
    (None, "noext"),
])
def test_types_off_the_allow_list_are_415(w, ctype, filename):
    r = upload(w.t, w.bid, b"<html>hi</html>", ctype, filename=filename)
    expect_problem(r, 415, "unsupported_media_type")
    assert listed(w.t, w.bid) == []


def test_octet_stream_takes_the_type_from_the_extension(w):
    r = upload(w.t, w.bid, b"PK\x03\x04", "application/octet-stream", filename="plan.docx")
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_multipart_mistakes_are_4xx(w):
    # No file part.
    body, ctype = encode_multipart_formdata({"note": "no file"})
    r = w.t.request("POST", path(w.bid), data=body, headers={"Content-Type": ctype})
    expect_problem(r, 422, "validation_failed", "/file")
    # Two file parts.
    body, ctype = encode_multipart_formdata([("a", ("a.txt", b"a", "text/plain")),
                                             ("b", ("b.txt", b"b", "text/plain"))])
    r = w.t.request("POST", path(w.bid), data=body, headers={"Content-Type": ctype})
    expect_problem(r, 422, "validation_failed", "/file")
    # A body that ends before its closing boundary.
    body, ctype = encode_multipart_formdata({"file": ("a.txt", b"abc", "text/plain")})
    r = w.t.request("POST", path(w.bid), data=body[:-20], headers={"Content-Type": ctype})
    expect_problem(r, 400)
    # No boundary.
    r = w.t.request("POST", path(w.bid), data=b"x", headers={"Content-Type": "multipart/form-data"})
    expect_problem(r, 400)
    # An empty file.
    r = upload(w.t, w.bid, b"", "text/plain", filename="empty.txt")
    expect_problem(r, 422, "validation_failed", "/file")
    assert listed(w.t, w.bid) == []


def test_a_booking_holds_at_most_100_files(w):
    for i in range(100):
        r = upload(w.t, w.bid, b"%d" % i, "text/plain", filename=f"{i}.txt")
        assert r.status_code == 201, r.text
    expect_problem(upload(w.t, w.bid, b"101", "text/plain"), 422, "record_limit_reached")
    assert len(listed(w.t, w.bid)) == 100
    first = listed(w.t, w.bid)[0]
    assert first["filename"] == "0.txt"
    assert w.t.delete(path(w.bid, first["id"])).status_code == 204
    assert upload(w.t, w.bid, b"101", "text/plain").status_code == 201


# --- limits ---------------------------------------------------------------------------------

LIMITS = {"SLOTD_ATTACHMENT_MAX_BYTES": "1000", "SLOTD_ATTACHMENT_BOOKING_MAX_BYTES": "2500"}


@pytest.fixture
def small(start_server):
    """A server with a 1000-byte file limit and 2500 bytes a booking, and a booking in it."""
    srv = start_server(env=LIMITS)
    c = consult_tenant(srv)
    b = booked(c.t, c.sid, at(MON, "10:00"))
    other = booked(c.t, c.sid, at(MON, "12:00"))
    return types.SimpleNamespace(**vars(c), srv=srv, bid=b["id"], other=other["id"])


def raw_request(srv, head, body=b""):
    """Sends head (header lines, CRLF-joined, without the blank line) and body on a socket of
    its own and returns (status, the response's text)."""
    host, port = srv.base[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head.encode() + b"\r\n\r\n" + body)
        got = b""
        while True:
            try:
                piece = s.recv(65536)
            except ConnectionResetError:
                break
            if not piece:
                break
            got += piece
    m = re.match(rb"HTTP/1\.1 (\d{3})", got)
    assert m, got[:200]
    return int(m.group(1)), got.decode("latin-1")


def test_file_over_the_limit_is_413_from_content_length(small):
    r = upload(small.t, small.bid, os.urandom(1001), "application/pdf", filename="big.pdf")
    expect_problem(r, 413, "body_too_large")
    assert upload(small.t, small.bid, os.urandom(1000), "application/pdf").status_code == 201
    assert len(listed(small.t, small.bid)) == 1


def test_content_length_over_the_limit_is_refused_before_the_body(small):
    # Headers alone, announcing far more than the limit: the answer comes without the body.
    status, text = raw_request(small.srv, "\r\n".join([
        f"POST {path(small.bid)} HTTP/1.1", "Host: x", f"Authorization: Bearer {small.t.key}",
        "Content-Type: application/pdf", "Content-Length: 50000000"]))
    assert status == 413, text
    assert "body_too_large" in text
    assert listed(small.t, small.bid) == []


def test_chunked_upload_over_the_limit_is_413_while_streaming(small):
    chunks = b"".join(b"%x\r\n" % 400 + b"a" * 400 + b"\r\n" for _ in range(4)) + b"0\r\n\r\n"
    status, text = raw_request(small.srv, "\r\n".join([
        f"POST {path(small.bid)}?filename=a.txt HTTP/1.1", "Host: x", "Connection: close",
        f"Authorization: Bearer {small.t.key}", "Content-Type: text/plain",
        "Transfer-Encoding: chunked"]), chunks)
    assert status == 413, text
    assert listed(small.t, small.bid) == []
    # Under the limit, chunked is fine.
    chunks = b"%x\r\n" % 300 + b"b" * 300 + b"\r\n0\r\n\r\n"
    status, text = raw_request(small.srv, "\r\n".join([
        f"POST {path(small.bid)}?filename=b.txt HTTP/1.1", "Host: x", "Connection: close",
        f"Authorization: Bearer {small.t.key}", "Content-Type: text/plain",
        "Transfer-Encoding: chunked"]), chunks)
    assert status == 201, text
    assert [a["size"] for a in listed(small.t, small.bid)] == [300]


def test_multipart_file_over_the_limit_is_413(small):
    r = upload_multipart(small.t, small.bid, os.urandom(1001), "big.png", "image/png")
    expect_problem(r, 413, "body_too_large")
    r = upload_multipart(small.t, small.bid, os.urandom(1000), "ok.png", "image/png")
    assert r.status_code == 201, r.text


def test_booking_total_over_the_limit_is_413(small):
    for i in range(2):
        assert upload(small.t, small.bid, os.urandom(900), "image/gif").status_code == 201
    r = upload(small.t, small.bid, os.urandom(900), "image/gif")
    expect_problem(r, 413, "body_too_large")
    r = upload_multipart(small.t, small.bid, os.urandom(900), "third.gif", "image/gif")
    expect_problem(r, 413, "body_too_large")
    assert len(listed(small.t, small.bid)) == 2
    # What is left still fits; another booking has its own allowance.
    assert upload(small.t, small.bid, os.urandom(700), "image/gif").status_code == 201
    assert upload(small.t, small.other, os.urandom(900), "image/gif").status_code == 201
    # Deleting frees room.
    first = listed(small.t, small.bid)[0]["id"]
    assert small.t.delete(path(small.bid, first)).status_code == 204
    assert upload(small.t, small.bid, os.urandom(900), "image/gif").status_code == 201


# --- reach ----------------------------------------------------------------------------------

def test_another_tenants_booking_is_404(w, api_b):
    a = upload(w.t, w.bid, b"mine", "text/plain").json()
    expect_problem(upload(api_b, w.bid, b"theirs", "text/plain"), 404, "not_found")
    expect_problem(api_b.get(path(w.bid)), 404, "not_found")
    expect_problem(api_b.get(path(w.bid, a["id"])), 404, "not_found")
    expect_problem(api_b.delete(path(w.bid, a["id"])), 404, "not_found")
    assert [x["id"] for x in listed(w.t, w.bid)] == [a["id"]]


def test_manage_token_reaches_only_its_booking(w):
    mt = Api(w.t.base, w.b["manage_token"])
    staff_file = upload(w.t, w.bid, b"from the clinic", "text/plain", filename="plan.txt").json()
    other_file = upload(w.t, w.other["id"], b"other", "text/plain").json()

    mine = upload(mt, w.bid, b"my referral", "application/pdf", filename="referral.pdf")
    assert mine.status_code == 201, mine.text
    mine = mine.json()
    assert {x["id"] for x in listed(mt, w.bid)} == {staff_file["id"], mine["id"]}
    assert mt.get(path(w.bid, staff_file["id"])).content == b"from the clinic"

    # Another booking: as if it did not exist.
    oid = w.other["id"]
    expect_problem(upload(mt, oid, b"x", "text/plain"), 404, "not_found")
    expect_problem(mt.get(path(oid)), 404, "not_found")
    expect_problem(mt.get(path(oid, other_file["id"])), 404, "not_found")
    expect_problem(mt.delete(path(oid, other_file["id"])), 404, "not_found")

    # It deletes what was uploaded with a manage token, not the business's files.
    expect_problem(mt.delete(path(w.bid, staff_file["id"])), 403, "forbidden")
    assert mt.delete(path(w.bid, mine["id"])).status_code == 204
    assert [x["id"] for x in listed(w.t, w.bid)] == [staff_file["id"]]
    assert [x["id"] for x in listed(w.t, oid)] == [other_file["id"]]


def test_customer_key_is_403(w, server):
    a = upload(w.t, w.bid, b"x", "text/plain").json()
    cust = make_key(server, w.t, "customer")
    expect_problem(upload(cust, w.bid, b"y", "text/plain"), 403, "forbidden")
    expect_problem(cust.get(path(w.bid)), 403, "forbidden")
    expect_problem(cust.get(path(w.bid, a["id"])), 403, "forbidden")
    expect_problem(cust.delete(path(w.bid, a["id"])), 403, "forbidden")
    assert len(listed(w.t, w.bid)) == 1


def test_staff_scope(w):
    a = upload(w.t, w.bid, b"x", "text/plain").json()
    other_p = w.t.provider("Other", "America/New_York")

    def staff(provider_ids):
        body = {"name": "desk", "role": "staff"}
        if provider_ids is not None:
            body["provider_ids"] = provider_ids
        return Api(w.t.base, w.t.ok("POST", "/v1/keys", body)["secret"])

    outsider = staff([other_p["id"]])
    expect_problem(upload(outsider, w.bid, b"y", "text/plain"), 404, "not_found")
    expect_problem(outsider.get(path(w.bid)), 404, "not_found")
    expect_problem(outsider.get(path(w.bid, a["id"])), 404, "not_found")
    expect_problem(outsider.delete(path(w.bid, a["id"])), 404, "not_found")

    for key in (staff([w.pid]), staff(None)):
        b = upload(key, w.bid, b"desk note", "text/plain")
        assert b.status_code == 201, b.text
        assert key.get(path(w.bid, b.json()["id"])).content == b"desk note"
        assert key.delete(path(w.bid, b.json()["id"])).status_code == 204
    assert [x["id"] for x in listed(w.t, w.bid)] == [a["id"]]


def test_unauthenticated_upload_is_401_before_the_body(w, server):
    status, text = raw_request(server, "\r\n".join([
        f"POST {path(w.bid)} HTTP/1.1", "Host: x", "Content-Type: application/pdf",
        "Content-Length: 5000000"]))
    assert status == 401, text


# --- memory and concurrency -------------------------------------------------------------------

def test_10mb_upload_and_download_stay_within_twice_their_size(start_server):
    # Under AddressSanitizer freed memory waits in a 256 MB quarantine, so each chunk's buffer
    # would count anew; a small one leaves the server's own use (other builds ignore it).
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=1"]))
    srv = start_server(env={"ASAN_OPTIONS": asan})
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    # Warm up: the first upload and download make the connections, statements and caches.
    a = upload(c.t, bid, os.urandom(CHUNK * 2), "application/pdf").json()
    c.t.get(path(bid, a["id"]))
    size = 10_000_000
    data = os.urandom(size)
    pid = srv.proc.pid
    rss_before = status_kb(pid, "VmRSS")
    r = upload(c.t, bid, data, "application/pdf", filename="big.pdf")
    assert r.status_code == 201, r.text
    assert r.json()["sha256"] == sha(data)
    d = c.t.get(path(bid, r.json()["id"]))
    assert d.status_code == 200 and sha(d.content) == sha(data)
    hwm = status_kb(pid, "VmHWM")
    rss_after = status_kb(pid, "VmRSS")
    rise = max(hwm, rss_after) - rss_before
    print(f"\n[{srv.backend}] VmRSS before {rss_before} kB, after {rss_after} kB, "
          f"VmHWM {hwm} kB: rise {rise} kB for a {size // 1000} kB upload and download")
    assert rise * 1024 <= 2 * size, \
        f"memory rose by {rise} kB for a {size} byte upload (VmRSS {rss_before} -> " \
        f"{rss_after} kB, VmHWM {hwm} kB)"


def test_other_requests_are_served_while_an_upload_streams(w, server):
    total = 3 * CHUNK
    host, port = server.base[len("http://"):].split(":")
    s = socket.create_connection((host, int(port)), timeout=30)
    try:
        s.sendall("\r\n".join([
            f"POST {path(w.bid)}?filename=slow.pdf HTTP/1.1", "Host: x",
            f"Authorization: Bearer {w.t.key}", "Content-Type: application/pdf",
            f"Content-Length: {total}", "Connection: close", "", ""]).encode())
        s.sendall(b"x" * CHUNK)       # a third of the body; the rest waits
        # Meanwhile other requests, on other connections, are answered.
        for _ in range(3):
            assert listed(w.t, w.bid) == []
            r = requests.get(server.base + "/healthz", timeout=10)
            assert r.status_code == 200
        s.sendall(b"y" * (total - CHUNK))
        got = b""
        while b"\r\n\r\n" not in got or not got.rstrip().endswith(b"}"):
            piece = s.recv(65536)
            if not piece:
                break
            got += piece
    finally:
        s.close()
    assert got.startswith(b"HTTP/1.1 201"), got[:300]
    [a] = listed(w.t, w.bid)
    assert a["size"] == total and a["sha256"] == sha(b"x" * CHUNK + b"y" * (total - CHUNK))


METRICS_TOKEN = "metrics-" + "a" * 24


def test_metrics_logs_and_rate_limits_see_the_routes(start_server):
    srv = start_server(env={**LIMITS, "SLOTD_METRICS_TOKEN": METRICS_TOKEN,
                            "SLOTD_RATE_LIMITS": "on"},
                       args=["--rate-limit-key", "12/600"])
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    a = upload(c.t, bid, b"m", "text/plain").json()
    assert c.t.get(path(bid, a["id"])).content == b"m"
    expect_problem(upload(c.t, bid, os.urandom(1001), "text/plain"), 413, "body_too_large")

    text = requests.get(srv.base + "/metrics", timeout=10,
                        headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    for route, method, klass in [("/v1/bookings/{}/attachments", "POST", "2xx"),
                                 ("/v1/bookings/{}/attachments", "POST", "4xx"),
                                 ("/v1/bookings/{}/attachments/{}", "GET", "2xx")]:
        assert re.search(rf'route="{re.escape(route)}",method="{method}",code_class="{klass}"',
                         text), (route, method, klass)

    # Each upload takes from the key's allowance, before its body is read.
    statuses = [upload(c.t, bid, b"r", "text/plain").status_code for _ in range(12)]
    assert 429 in statuses and statuses[0] == 201
    r = upload(c.t, bid, b"r", "text/plain")
    expect_problem(r, 429, "rate_limited")
    assert "Retry-After" in r.headers

    assert srv.stop() == 0      # the log is complete once the server has stopped
    logs = [l for l in srv.stderr_path.read_text().splitlines() if '"msg":"request"' in l]
    assert any('"route":"/v1/bookings/{}/attachments/{}"' in l and '"status":200' in l
               for l in logs)
    assert any('"route":"/v1/bookings/{}/attachments"' in l and '"status":413' in l
               for l in logs)


# --- edges: temporary files, concurrency, every byte, cut downloads ---------------------------

def temp_files(pid):
    """The server's open unnamed files (an upload's temporary file)."""
    return {v for v in open_fds(pid).values() if "(deleted)" in v}


def open_fds(pid):
    """The server's open files: {fd: what it points at}."""
    out = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    return out


def fds_back_to(pid, base):
    """Waits (at most ~10 s) for the server to hold no files base did not and no more
    sockets than base did (connections get new numbers); returns what it holds beyond."""
    def sockets(fds):
        return {k: v for k, v in fds.items() if v.startswith("socket:")}

    def kept(path):
        # The database's files: a pool connection opened meanwhile stays open for reuse.
        return path.startswith("socket:") or os.path.basename(path).startswith("slotd.db")
    for _ in range(100):
        now = open_fds(pid)
        extra = {k: v for k, v in now.items() if not kept(v) and base.get(k) != v}
        if len(sockets(now)) > len(sockets(base)):
            extra.update({k: v for k, v in sockets(now).items() if base.get(k) != v})
        if not extra:
            return extra
        threading.Event().wait(0.1)
    return extra


def test_no_temporary_file_or_socket_is_left_behind(start_server):
    # A client that goes away in the middle of its body is not always seen at once (the
    # connection then waits out the request timeout, 4 s here): after it, nothing is left.
    srv = start_server(env=LIMITS, args=["--request-timeout", "4"])
    c = consult_tenant(srv)
    small = types.SimpleNamespace(**vars(c), srv=srv,
                                  bid=booked(c.t, c.sid, at(MON, "10:00"))["id"])
    pid = small.srv.proc.pid
    assert upload(small.t, small.bid, b"warm", "text/plain").status_code == 201
    base = open_fds(pid)
    host, port = small.srv.base[len("http://"):].split(":")
    head = "\r\n".join([f"POST {path(small.bid)}?filename=a.pdf HTTP/1.1", "Host: x",
                        f"Authorization: Bearer {small.t.key}", "Content-Type: application/pdf",
                        "Content-Length: 1000", "", ""]).encode()
    # Clients that go away in the middle of their upload. Each waits (up to 10 s) until the
    # upload's temporary file is open (it has no name) or the server has answered (408 once the
    # request timeout runs out first, which a loaded machine may allow), and two of three must
    # have reached their temporary file.
    reached = 0
    for _ in range(3):
        # The last client's file goes first: one opened after it closed may get its inode
        # number, and so its name in /proc.
        for _ in range(200):
            if not temp_files(pid):
                break
            threading.Event().wait(0.05)
        earlier = temp_files(pid)
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(head + b"x" * 500)
            s.setblocking(False)
            answer = b""
            for _ in range(200):
                if temp_files(pid) - earlier:
                    reached += 1
                    break
                try:
                    answer = s.recv(4096)
                except BlockingIOError:
                    answer = b""
                if answer:
                    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
                    break
                threading.Event().wait(0.05)
    assert reached >= 2, sorted(open_fds(pid).items())
    # Refused while streaming (413), before the body (413, 415), a broken multipart body (400).
    chunks = b"".join(b"%x\r\n" % 400 + b"a" * 400 + b"\r\n" for _ in range(4)) + b"0\r\n\r\n"
    status, _ = raw_request(small.srv, "\r\n".join([
        f"POST {path(small.bid)}?filename=a.txt HTTP/1.1", "Host: x", "Connection: close",
        f"Authorization: Bearer {small.t.key}", "Content-Type: text/plain",
        "Transfer-Encoding: chunked"]), chunks)
    assert status == 413
    expect_problem(upload(small.t, small.bid, os.urandom(1001), "application/pdf"), 413)
    expect_problem(upload(small.t, small.bid, b"<p>", "text/html"), 415)
    body, ctype = encode_multipart_formdata({"file": ("a.txt", b"abc" * 100, "text/plain")})
    r = small.t.request("POST", path(small.bid), data=body[:-20],
                        headers={"Content-Type": ctype})
    expect_problem(r, 400)
    small.t.s.close()       # the client's own kept-alive connection goes too
    assert fds_back_to(pid, base) == {}
    assert [a["filename"] for a in listed(small.t, small.bid)] == ["attachment.txt"]


def test_two_uploads_at_once_cannot_pass_the_booking_total(start_server):
    # Each 30 MB upload fits alone and both pass the check before their bodies; the one that
    # stores second finds the first in the total and is refused.
    srv = start_server(env={"SLOTD_ATTACHMENT_MAX_BYTES": "32M",
                            "SLOTD_ATTACHMENT_BOOKING_MAX_BYTES": "50M"})
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    data = os.urandom(30 << 20)
    statuses = []
    barrier = threading.Barrier(2)

    def send(i):
        barrier.wait()
        r = requests.post(srv.base + path(bid), data=data, params={"filename": f"{i}.pdf"},
                          headers={"Authorization": f"Bearer {c.t.key}",
                                   "Content-Type": "application/pdf"}, timeout=120)
        statuses.append((r.status_code, r.json()["code"] if r.status_code != 201 else ""))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(statuses) == [(201, ""), (413, "body_too_large")]
    [a] = listed(c.t, bid)
    assert a["size"] == 30 << 20 and a["sha256"] == sha(data)


def test_every_byte_value_round_trips(w):
    # Each of the 256 byte values at every position modulo 256, across a chunk boundary
    # (a BLOB in SQLite, bytea in PostgreSQL), raw and in a multipart part.
    data = bytes(range(256)) * (CHUNK // 256 + 7)
    a = upload(w.t, w.bid, data, "application/pdf").json()
    assert a["sha256"] == sha(data)
    assert w.t.get(path(w.bid, a["id"])).content == data
    m = upload_multipart(w.t, w.bid, data[::-1], "bytes.png", "image/png").json()
    assert w.t.get(path(w.bid, m["id"])).content == data[::-1]


def test_a_download_whose_file_is_deleted_meanwhile_is_cut_short(w, server):
    # 9 MB: more than the socket buffers between server and client hold, so most of it is
    # still to be read from the chunk rows when the file goes.
    data = os.urandom(36 * CHUNK)
    a = upload(w.t, w.bid, data, "application/pdf").json()
    host, port = server.base[len("http://"):].split(":")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30)
    s.connect((host, int(port)))
    try:
        s.sendall("\r\n".join([f"GET {path(w.bid, a['id'])} HTTP/1.1", "Host: x",
                                f"Authorization: Bearer {w.t.key}", "", ""]).encode())
        got = b""
        while b"\r\n\r\n" not in got:
            got += s.recv(4096)
        head, _, got = got.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and b"Content-Length: %d" % len(data) in head
        assert w.t.delete(path(w.bid, a["id"])).status_code == 204
        while True:
            try:
                piece = s.recv(65536)
            except OSError:
                break
            if not piece:
                break
            got += piece
    finally:
        s.close()
    # Fewer bytes than announced, never other bytes: the client sees the cut.
    assert len(got) < len(data) and got == data[:len(got)]
    assert requests.get(server.base + "/healthz", timeout=10).status_code == 200


def test_head_and_range_requests(w, server):
    data = os.urandom(CHUNK + 10)
    a = upload(w.t, w.bid, data, "application/pdf").json()
    # HEAD is not a method of the API (as on every route).
    r = requests.head(server.base + path(w.bid, a["id"]), timeout=10,
                      headers={"Authorization": f"Bearer {w.t.key}"})
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    # Range is not served: the whole file comes back, 200.
    d = w.t.get(path(w.bid, a["id"]), headers={"Range": "bytes=0-9"})
    assert d.status_code == 200 and d.content == data


def test_each_upload_takes_one_request_from_the_allowance(start_server):
    srv = start_server(env={**LIMITS, "SLOTD_RATE_LIMITS": "on"},
                       args=["--rate-limit-key", "6/600"])
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    desk = Api(c.t.base, c.t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff"})["secret"])
    got = [upload(desk, bid, b"r", "text/plain").status_code for _ in range(3)]
    got += [upload_multipart(desk, bid, b"m", "m.txt", "text/plain").status_code
            for _ in range(2)]
    got.append(upload(desk, bid, os.urandom(1001), "text/plain").status_code)
    got.append(upload(desk, bid, b"r", "text/plain").status_code)
    assert got == [201] * 5 + [413, 429]


def test_a_slow_upload_gets_408_and_leaves_nothing_open(start_server):
    srv = start_server(args=["--request-timeout", "2"])
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    pid = srv.proc.pid
    assert requests.get(srv.base + "/healthz", timeout=10).status_code == 200
    base = open_fds(pid)
    host, port = srv.base[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall("\r\n".join([
            f"POST {path(bid)}?filename=slow.pdf HTTP/1.1", "Host: x",
            f"Authorization: Bearer {c.t.key}", "Content-Type: application/pdf",
            "Content-Length: 100000", "", ""]).encode() + b"x" * 10)
        got = b""
        while True:
            try:
                s.sendall(b"x")     # a byte now and then: the request timeout still ends it
            except OSError:
                pass
            piece = s.recv(65536) if select.select([s], [], [], 0.3)[0] else None
            if piece == b"":
                break
            got += piece or b""
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert fds_back_to(pid, base) == {}
    assert listed(c.t, bid) == []


def test_a_steady_upload_may_outlast_the_request_timeout(start_server):
    # 64 KiB at 16 KiB/s takes 4 s against a 2 s request timeout: every 8 KiB earns a second
    # (HTTP_STREAM_MIN_RATE), so a large file over a slow link is not cut off.
    srv = start_server(args=["--request-timeout", "2"])
    c = consult_tenant(srv)
    bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
    body = os.urandom(64 * 1024)
    host, port = srv.base[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall("\r\n".join([
            f"POST {path(bid)}?filename=steady.pdf HTTP/1.1", "Host: x",
            f"Authorization: Bearer {c.t.key}", "Content-Type: application/pdf",
            f"Content-Length: {len(body)}", "Connection: close", "", ""]).encode())
        for i in range(0, len(body), 8192):
            time.sleep(0.5)
            s.sendall(body[i:i + 8192])
        got = b""
        while True:
            piece = s.recv(65536)
            if not piece:
                break
            got += piece
    assert got.startswith(b"HTTP/1.1 201"), got[:300]
    [a] = listed(c.t, bid)
    assert a["size"] == len(body)
    assert c.t.get(path(bid, a["id"])).content == body


def test_after_the_provider_is_deleted(w):
    a = upload(w.t, w.bid, b"kept", "text/plain").json()
    desk = Api(w.t.base, w.t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff",
                                                     "provider_ids": [w.pid]})["secret"])
    r = w.t.delete(f"/v1/providers/{w.pid}", params={"force": "true"},
                   now="2026-03-01T00:00:00Z")
    assert r.status_code == 204, r.text
    # The booking is cancelled and kept, with its files; the provider's staff key no longer
    # reaches it, the admin and the booking's manage token still do.
    expect_problem(desk.get(path(w.bid)), 404, "not_found")
    expect_problem(desk.get(path(w.bid, a["id"])), 404, "not_found")
    assert w.t.get(path(w.bid, a["id"])).content == b"kept"
    mt = Api(w.t.base, w.b["manage_token"])
    assert [x["id"] for x in listed(mt, w.bid)] == [a["id"]]
    assert upload(mt, w.bid, b"after", "text/plain").status_code == 201


def test_uploads_that_find_no_file_left_are_503(slotd_bin, tmp_path):
    # Each upload holds a temporary file besides its connection: with few files allowed to
    # the process, uploads at once run out of them, and are told to come back (503), not 500.
    wrapper = tmp_path / "slotd-few-files"
    wrapper.write_text(f'#!/bin/sh\nulimit -n 48\nexec {slotd_bin} "$@"\n')
    wrapper.chmod(0o755)
    srv = Server(str(wrapper), tmp_path / "slotd.db", tmp_path,
                 args=["--max-connections", "20"]).start()
    try:
        c = consult_tenant(srv)
        bid = booked(c.t, c.sid, at(MON, "10:00"))["id"]
        host, port = srv.base[len("http://"):].split(":")
        head = "\r\n".join([f"POST {path(bid)}?filename=a.pdf HTTP/1.1", "Host: x",
                            f"Authorization: Bearer {c.t.key}", "Content-Type: application/pdf",
                            "Content-Length: 1000", "", ""]).encode()
        socks = [socket.create_connection((host, int(port)), timeout=10) for _ in range(40)]
        for s in socks:
            s.sendall(head)
        answers = []
        for s in socks:
            got = b""
            if select.select([s], [], [], 1.0)[0]:
                while b"}" not in got:
                    piece = s.recv(4096)
                    if not piece:
                        break
                    got += piece
            answers.append(got)
            s.close()
        refused = [a for a in answers if a]
        assert refused, "no upload ran out of files"
        for a in refused:
            # Out of files for the upload, or (PostgreSQL) for a database connection.
            assert a.startswith(b"HTTP/1.1 503"), a[:300]
            assert b"Retry-After: 1" in a, a
            assert b'"too_many_connections"' in a or b'"service_unavailable"' in a, a
        if srv.backend == "sqlite":
            assert any(b'"too_many_connections"' in a for a in refused), refused
    finally:
        _stop(srv)
