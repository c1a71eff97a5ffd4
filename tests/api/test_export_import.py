"""`slotd export --tenant SLUG` and `slotd import`: one tenant as a versioned JSON document,
from one database into another (SQLite → SQLite in the SQLite run; SQLite → PostgreSQL and
PostgreSQL → SQLite in the PostgreSQL run).

The source is test_copy's: two tenants filled through the API with data of every kind, plus
calendar feeds and an attachment here. Only the first tenant is exported. After the import a
server on the destination answers the tenant's GET routes (providers, services, schedules,
overrides, holidays, time off, bookings and their history and ICS, slots, explain, holds,
waitlist, entries and occurrences, calendar, webhook endpoints, templates, policy, settings,
events, feeds, analytics, attachments) as the source did — but for the one documented
difference: webhook endpoints arrive disabled ("imported") with a fresh secret. The source's
keys and manage tokens work. Refusals (an existing slug or tenant id, another version or
format, malformed rows, counts that do not match, a cut-off document) leave the destination
unchanged. The CSV example of docs/operations.md (scripts/hours_csv_to_import.py) imports and
gives the expected slots.
"""
import base64
import copy as copymod
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import pg_helpers
from conftest import Api, expect_problem, run_cli
from test_copy import (NOW, SLUGS, key_create, populate, serve, snapshot, stop, table_counts,
                       data_rows)

REPO = Path(__file__).resolve().parents[2]
SLUG = SLUGS[0]
NOT_EXPORTED = ("idempotency_keys", "notify_queue", "delivery_attempts", "calendar_busy")
# Ten 256 KiB chunks: more than an export reads per query.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 1024 * 9 + b"\x00\n%%EOF\n"
CHUNK = 256 * 1024


# --- helpers ------------------------------------------------------------------------------------

def export(binary, url, slug, path):
    cp = run_cli(binary, "export", "--tenant", slug, "--db", url, timeout=180)
    assert cp.returncode == 0, f"export failed: rc={cp.returncode}\n{cp.stderr}"
    Path(path).write_text(cp.stdout)
    return json.loads(cp.stdout)


def import_(binary, url, path):
    with open(path, "rb") as f:
        return subprocess.run([binary, "import", "--db", url], stdin=f, capture_output=True,
                              text=True, timeout=180)


def imported(binary, url, path):
    cp = import_(binary, url, path)
    assert cp.returncode == 0, f"import failed: rc={cp.returncode}\n{cp.stdout}\n{cp.stderr}"
    return cp


def refused(binary, url, path, says=None):
    before = table_counts(url)
    cp = import_(binary, url, path)
    assert cp.returncode == 1, f"import should fail: rc={cp.returncode}\n{cp.stdout}\n{cp.stderr}"
    assert "nothing was written" in cp.stderr, cp.stderr
    if says:
        assert says in cp.stderr, cp.stderr
    assert table_counts(url) == before
    return cp


def fresh_sqlite(tmp, name):
    return f"sqlite:{Path(tmp) / name}"


def fresh_dest(tmp, name="dest.db"):
    if pg_helpers.enabled():
        return pg_helpers.create_database()
    return fresh_sqlite(tmp, name)


def attachments_supported(t, bid):
    r = t.get(f"/v1/bookings/{bid}/attachments", now=NOW, contract=False)
    return r.status_code == 200


def extra_snapshot(t, info):
    """Routes test_copy's snapshot does not read: explain, analytics, feeds, attachments."""
    g = lambda path, **kw: t.ok("GET", path, now=NOW, **kw)
    s = {}
    sid, pid = info["services"][0], info["providers"][0]
    for start in ("2026-03-03T14:00:00Z", "2026-03-03T15:00:00Z", "2026-03-04T14:00:00Z",
                  "2026-03-12T14:00:00Z", "2026-03-12T19:00:00Z"):
        s[f"explain {start}"] = g("/v1/slots/explain", params={
            "service_id": sid, "provider_id": pid, "start": start})
    s["analytics"] = g("/v1/analytics", params={"from": "2026-02-23", "to": "2026-03-29",
                                                "timezone": "UTC"})
    s["analytics by provider"] = g("/v1/analytics", params={
        "from": "2026-03-01", "to": "2026-03-31", "group_by": "week"})
    for f in info["feeds"]:     # first: reading a feed sets its last_used_at
        r = Api(t.base, None).get(f"/feeds/{f['token_path']}", now=NOW)
        assert r.status_code == 200, r.text
        s[f"feed {f['id']}"] = r.text
    s["feeds"] = t.list_all("/v1/feeds", now=NOW)
    if info.get("attachment"):
        bid, aid = info["attachment"]
        s["attachments"] = g(f"/v1/bookings/{bid}/attachments")
        r = t.get(f"/v1/bookings/{bid}/attachments/{aid}", now=NOW)
        assert r.status_code == 200, r.text
        s["attachment bytes"] = hashlib.sha256(r.content).hexdigest()
        s["attachment length"] = len(r.content)
    return s


def expected_after_import(snap):
    """What the destination answers: the source's answers, with webhook endpoints disabled
    until their secret is rotated (the secret did not travel)."""
    want = copymod.deepcopy(snap)
    for w in want["webhook-endpoints"]:
        w.update(enabled=False, disabled_reason="imported", failing_since=None,
                 secret_rotation_until=None)
    return want


def assert_same(got, want):
    assert sorted(got) == sorted(want)
    for k in want:
        assert got[k] == want[k], f"{k} differs after the import"


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source(slotd_bin, tmp_path_factory):
    wd = tmp_path_factory.mktemp("exportsrc")
    url = f"sqlite:{wd / 'source.db'}"
    srv = serve(slotd_bin, url, wd / "fill")
    tenants = {}
    try:
        for slug, tag in zip(SLUGS, ("Alpha", "Beta")):
            t = srv.tenant(slug, f"Tenant {tag}")
            info = populate(t, tag)
            info["key"] = t.key
            info["staff"] = key_create(slotd_bin, url, slug, "staff")
            info["customer"] = key_create(slotd_bin, url, slug, "customer")
            tenants[slug] = info
        # Feeds of the first tenant: a provider's and the tenant's.
        t = Api(srv.base, tenants[SLUG]["key"])
        feeds = []
        for path, body in ((f"/v1/providers/{tenants[SLUG]['providers'][0]}/feeds",
                            {"kind": "details"}), ("/v1/feeds", {"kind": "busy"})):
            f = t.ok("POST", path, body, now=NOW)
            feeds.append({"id": f["id"], "token_path": f["url"].split("/feeds/", 1)[1]})
        tenants[SLUG]["feeds"] = feeds
        # An attachment, when the route is there.
        bid = tenants[SLUG]["booking_ids"][0]
        if attachments_supported(t, bid):
            a = t.ok("POST", f"/v1/bookings/{bid}/attachments", now=NOW, data=PDF,
                     params={"filename": "intake form.pdf"},
                     headers={"Content-Type": "application/pdf"})
            tenants[SLUG]["attachment"] = (bid, a["id"])
    finally:
        stop(srv)
    srv = serve(slotd_bin, url, wd / "read")
    try:
        for slug, info in tenants.items():
            t = Api(srv.base, info["key"])
            info["snapshot"] = snapshot(t, info["holds"])
            if slug == SLUG:
                info["snapshot"].update(extra_snapshot(t, info))
    finally:
        stop(srv)
    doc_path = wd / "tenant.json"
    doc = export(slotd_bin, url, SLUG, doc_path)
    return {"url": url, "tenants": tenants, "dir": wd, "doc": doc, "doc_path": doc_path}


DIRECTIONS = ["sqlite-sqlite", "sqlite-pg", "pg-sqlite"]


@pytest.fixture(scope="module", params=DIRECTIONS)
def moved(request, slotd_bin, source, tmp_path_factory):
    """The first tenant exported from the source backend and imported into an empty
    database of the destination backend, and a server on the destination."""
    direction = request.param
    if pg_helpers.enabled() == (direction == "sqlite-sqlite"):
        pytest.skip("SQLite → SQLite runs in the SQLite run; PostgreSQL directions in the "
                    "PostgreSQL run")
    wd = tmp_path_factory.mktemp(direction)
    doc_path = source["doc_path"]
    if direction == "pg-sqlite":
        # A PostgreSQL database holding the source's tenants, exported from there.
        pg = pg_helpers.create_database()
        cp = run_cli(slotd_bin, "copy", "--from", source["url"], "--to", pg, timeout=180)
        assert cp.returncode == 0, cp.stderr
        doc_path = wd / "from-pg.json"
        export(slotd_bin, pg, SLUG, doc_path)
        dest = fresh_sqlite(wd, "dest.db")
    elif direction == "sqlite-pg":
        dest = pg_helpers.create_database()
    else:
        dest = fresh_sqlite(wd, "dest.db")
    cp = imported(slotd_bin, dest, doc_path)
    srv = serve(slotd_bin, dest, wd / "srv")
    yield {"url": dest, "stdout": cp.stdout, "srv": srv, "doc_path": doc_path,
           "direction": direction}
    if srv.running():
        stop(srv)


# --- the document -------------------------------------------------------------------------------

def test_the_document_holds_one_tenant_and_no_secret(source):
    doc = source["doc"]
    info, other = source["tenants"][SLUG], source["tenants"][SLUGS[1]]
    assert doc["format"] == "slotd-tenant" and doc["version"] == 1
    assert doc["exported_at"].endswith("Z")
    tenant = doc["tables"]["tenants"]
    assert len(tenant) == 1 and tenant[0]["slug"] == SLUG
    assert doc["tenant"]["slug"] == SLUG and doc["tenant"]["id"] == tenant[0]["id"]
    assert {k: len(v) for k, v in doc["tables"].items()} == doc["counts"]
    assert len(doc["tables"]["bookings"]) == info["bookings"]
    assert len(doc["tables"]["providers"]) == 3
    assert not set(NOT_EXPORTED) & set(doc["tables"]), sorted(doc["tables"])
    for table, rows in doc["tables"].items():
        for row in rows:
            if "tenant_id" in row:
                assert row["tenant_id"] == tenant[0]["id"], table
    text = source["doc_path"].read_text()
    for p in other["providers"] + other["booking_ids"]:
        assert p not in text
    # Secrets only as hashes.
    assert "whsec_" not in text and '"lk_' not in text
    assert tenant[0]["link_secret"].startswith("sha256:")
    for w in doc["tables"]["webhook_endpoints"]:
        assert w["secret"].startswith("sha256:") and len(w["secret"]) == 7 + 64
    assert info["key"] not in text and info["staff"] not in text
    # Binary data in base64, byte for byte.
    if info.get("attachment"):
        chunks = sorted(doc["tables"]["attachment_chunks"], key=lambda c: c["seq"])
        assert len(chunks) == -(-len(PDF) // CHUNK) == 10
        assert [c["seq"] for c in chunks] == list(range(10))
        assert b"".join(base64.b64decode(c["data"]["base64"]) for c in chunks) == PDF


def test_export_of_an_unknown_tenant_fails(slotd_bin, source):
    cp = run_cli(slotd_bin, "export", "--tenant", "no-such-tenant", "--db", source["url"])
    assert cp.returncode == 1 and "no-such-tenant" in cp.stderr, cp.stderr
    assert cp.stdout == ""
    cp = run_cli(slotd_bin, "export", "--db", source["url"])
    assert cp.returncode == 2 and "--tenant" in cp.stderr


def test_help_names_the_commands(slotd_bin):
    cp = run_cli(slotd_bin, "--help")
    assert cp.returncode == 0
    assert "slotd export --tenant SLUG" in cp.stdout and "slotd import" in cp.stdout


# --- after the import ---------------------------------------------------------------------------

def test_import_reports_every_table(source, moved):
    counts = source["doc"]["counts"]
    for table in ("bookings", "providers", "events", "attachment_chunks"):
        assert any(line.split() == [table, str(counts[table])]
                   for line in moved["stdout"].splitlines()), moved["stdout"]
    assert f"imported tenant {SLUG}" in moved["stdout"]
    got = data_rows(table_counts(moved["url"]))
    assert got["tenants"] == 1 and got["bookings"] == counts["bookings"]
    assert got.get("idempotency_keys", 0) == 0


def test_every_route_answers_the_same(source, moved):
    info = source["tenants"][SLUG]
    t = Api(moved["srv"].base, info["key"])
    got = snapshot(t, info["holds"])
    got.update(extra_snapshot(t, info))
    want = expected_after_import(info["snapshot"])
    assert_same(got, want)
    # Sanity: the snapshot holds what was made.
    assert len(got["bookings"]) == info["bookings"]
    assert len(got["waitlist"]) == 3 and len(got["entries"]) == 3
    assert len(got["feeds"]) == 2 and len(got["webhook-endpoints"]) == 1


def test_keys_and_manage_tokens_authenticate(source, moved):
    info = source["tenants"][SLUG]
    base = moved["srv"].base
    admin = Api(base, info["key"])
    assert [p["id"] for p in admin.list_all("/v1/providers", now=NOW)] == info["providers"]
    staff = Api(base, info["staff"])
    expect_problem(staff.post("/v1/providers", {"name": "X", "timezone": "UTC"}, now=NOW),
                   403, "forbidden")
    customer = Api(base, info["customer"])
    sid, pid = info["services"][0], info["providers"][0]
    assert customer.slots(sid, pid, "2026-03-12", now=NOW) == \
        admin.slots(sid, pid, "2026-03-12", now=NOW)
    bid, token = info["manage_token"]
    r = Api(base, token).get(f"/v1/bookings/{bid}", now=NOW)
    assert r.status_code == 200, r.text
    # The other tenant did not come along.
    other = source["tenants"][SLUGS[1]]
    expect_problem(Api(base, other["key"]).get("/v1/providers"), 401, "unauthorized")


def test_webhook_endpoints_wait_for_a_new_secret(source, moved):
    info = source["tenants"][SLUG]
    t = Api(moved["srv"].base, info["key"])
    (w,) = t.list_all("/v1/webhook-endpoints", now=NOW)
    assert w["enabled"] is False and w["disabled_reason"] == "imported"
    r = t.ok("POST", f"/v1/webhook-endpoints/{w['id']}/rotate-secret", status=200, now=NOW)
    assert r["secret"].startswith("whsec_")
    w2 = t.ok("PATCH", f"/v1/webhook-endpoints/{w['id']}", {"enabled": True}, now=NOW)
    assert w2["enabled"] is True and w2["disabled_reason"] is None


def test_the_link_key_is_new(source, moved):
    """The tenant's link key does not travel: the destination's is fresh."""
    q = f"SELECT link_secret FROM tenants WHERE slug = '{SLUG}'"
    url = moved["url"]
    if url.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(url[len("sqlite:"):])
        (got,) = con.execute(q).fetchone()
        con.close()
    else:
        got = pg_helpers.psql(url, q).strip()
    assert got.startswith("lk_")
    assert "sha256:" + hashlib.sha256(got.encode()).hexdigest() != \
        source["doc"]["tables"]["tenants"][0]["link_secret"]


def test_new_writes_continue_after_the_import(source, moved):
    info = source["tenants"][SLUG]
    t = Api(moved["srv"].base, info["key"])
    seqs = [e["seq"] for e in info["snapshot"]["events"]]
    p = t.ok("POST", "/v1/providers", {"name": "After import", "timezone": "UTC"}, now=NOW)
    page = t.ok("GET", "/v1/events", params={"after": max(seqs), "limit": 50}, now=NOW)
    assert page["data"] and page["data"][-1]["subject_id"] == p["id"]
    assert all(e["seq"] > max(seqs) for e in page["data"])


def test_attachment_downloads_the_same_bytes(source, moved):
    info = source["tenants"][SLUG]
    if not info.get("attachment"):
        pytest.skip("no attachment routes in this build")
    bid, aid = info["attachment"]
    r = Api(moved["srv"].base, info["key"]).get(f"/v1/bookings/{bid}/attachments/{aid}",
                                                now=NOW)
    assert r.status_code == 200 and r.content == PDF


# --- refusals -----------------------------------------------------------------------------------

def edited(source, tmp_path, name, change):
    doc = copymod.deepcopy(source["doc"])
    change(doc)
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


@pytest.fixture
def occupied(slotd_bin, source, tmp_path):
    """A destination that already holds the exported tenant (imported once)."""
    dest = fresh_dest(tmp_path)
    imported(slotd_bin, dest, source["doc_path"])
    return dest


def test_importing_the_same_tenant_again_is_refused(slotd_bin, source, occupied):
    refused(slotd_bin, occupied, source["doc_path"], f"slug {SLUG}")


def test_the_same_tenant_id_under_another_slug_is_refused(slotd_bin, source, occupied,
                                                          tmp_path):
    def rename(doc):
        doc["tables"]["tenants"][0]["slug"] = "renamed"
        doc["tenant"]["slug"] = "renamed"
    refused(slotd_bin, occupied, edited(source, tmp_path, "renamed.json", rename),
            source["doc"]["tenant"]["id"])


def _clone(doc, keep=()):
    """The document as another tenant (new id and slug) that still carries the source's
    key, feed and manage-token hashes; tables not in keep lose their key and feed rows, and
    bookings get new manage tokens unless "bookings" is in keep."""
    old, new = doc["tenant"]["id"], "ten_01m8zgd1k2aj27cj5tgx"
    doc.update(json.loads(json.dumps(doc).replace(old, new)))
    doc["tables"]["tenants"][0]["slug"] = doc["tenant"]["slug"] = "clone"
    for table in ("api_keys", "api_key_providers", "feeds"):
        if table not in keep:
            doc["tables"][table] = []
            doc["counts"][table] = 0
    if "bookings" not in keep:
        for i, b in enumerate(doc["tables"]["bookings"]):
            b["manage_token_hash"] = hashlib.sha256(f"new {i}".encode()).hexdigest()


@pytest.mark.parametrize("keep, says", [
    (("api_keys", "api_key_providers"), "api_keys row 1"),
    (("feeds",), "feeds row 1"),
    (("bookings",), "bookings row 1: its manage token"),
])
def test_a_copy_under_a_new_tenant_id_reusing_tokens_is_refused(slotd_bin, source, occupied,
                                                                tmp_path, keep, says):
    """Keys, feed tokens and manage tokens are looked up without a tenant: a second tenant
    holding the same hashes would open the first one's records, so the import is refused."""
    refused(slotd_bin, occupied, edited(source, tmp_path, "clone.json",
                                        lambda d: _clone(d, keep)), says)


def _set(path, value):
    def change(doc):
        node = doc
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return change


def _del(path):
    def change(doc):
        node = doc
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return change


BAD = {
    "version 2": (_set(["version"], 2), "version"),
    "version as text": (_set(["version"], "1"), "version"),
    "another format": (_set(["format"], "other-tenant"), "format"),
    "unknown column": (lambda d: d["tables"]["providers"][1].update(colour="red"),
                       "providers row 2: unknown column colour"),
    "wrong kind": (lambda d: d["tables"]["bookings"][0].update(start_utc="soon"),
                   "bookings row 1: start_utc must be an integer"),
    "text in a binary column": (lambda d: d["tables"]["attachment_chunks"][0].update(
        data="plain"), "attachment_chunks row 1: data must be binary"),
    "bad base64": (lambda d: d["tables"]["attachment_chunks"][0].update(
        data={"base64": "%%%"}), "not valid base64"),
    "a float": (lambda d: d["tables"]["services"][0].update(duration_min=1.5),
                "duration_min must be"),
    "another tenant's row": (lambda d: d["tables"]["holidays"][0].update(
        tenant_id="ten_00000000000000000000"), "holidays row 1: tenant_id"),
    "missing required column": (lambda d: d["tables"]["providers"][0].pop("name"),
                                "providers row 1: the database refuses it"),
    "unknown table": (lambda d: d["tables"].update(nonsense=[]), "unknown table nonsense"),
    "queues do not import": (lambda d: d["tables"].update(idempotency_keys=[]),
                             "unknown table idempotency_keys"),
    "counts too high": (lambda d: d["counts"].update(bookings=d["counts"]["bookings"] + 1),
                        "counts.bookings"),
    "counts missing": (_del(["counts"]), "counts"),
    "tenants not first": (lambda d: d.update(tables={
        "providers": d["tables"]["providers"], **d["tables"]}), "must come first"),
    "two tenants": (lambda d: d["tables"]["tenants"].append(
        dict(d["tables"]["tenants"][0], id="ten_00000000000000000001", slug="second")),
        "one tenant"),
    "bad tenant id": (lambda d: d["tables"]["tenants"][0].update(id="tenant-1"),
                      "tenant id"),
    # Attachment chunks are read a page at a time after the last key read: a key that is
    # not an id would not fit and the export would read the same page forever.
    "attachment_chunks key not an id": (lambda d: d["tables"]["attachment_chunks"][0].update(
        attachment_id="att_" + "x" * 120), "attachment_chunks row 1: attachment_id"),
    # Hours slotd cannot read back: the provider's schedule and slots would answer 500.
    "corrupt weekly hours": (lambda d: d["tables"]["schedule_versions"][1].update(
        weekly="540-720,700-600||||||"), "schedule_versions row 2: weekly"),
    # A provider in a zone slotd does not know could not answer its schedule or slots.
    "unknown time zone": (lambda d: d["tables"]["providers"][1].update(timezone="Mars/Base"),
                          "providers row 2: timezone"),
    # A slug `slotd tenant create` refuses (it is a path segment of the booking page and
    # filled into video links).
    "bad slug": (lambda d: (d["tables"]["tenants"][0].update(slug="Calm Clinic/" + "x" * 80),
                            d["tenant"].update(slug="Calm Clinic/" + "x" * 80)),
                 "tenants row 1: slug must be"),
    "tables before version": (lambda d: d.update(
        {"tables": d.pop("tables"), "version": d.pop("version")}), "before"),
    "unknown member": (lambda d: d.update(extra=1), "unexpected member"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_document_changes_nothing(slotd_bin, source, tmp_path, case):
    change, says = BAD[case]
    dest = fresh_dest(tmp_path)
    run_cli(slotd_bin, "tenant", "create", "bystander", "--db", dest)
    needs_attachment = "attachment_chunks" in case or "binary" in case or "base64" in case
    if needs_attachment and not source["tenants"][SLUG].get("attachment"):
        pytest.skip("no attachment in this build")
    refused(slotd_bin, dest, edited(source, tmp_path, "bad.json", change), says)
    # The same destination then takes the good document.
    imported(slotd_bin, dest, source["doc_path"])


def test_export_stops_at_a_chunk_key_that_is_not_an_id(slotd_bin, source, tmp_path):
    """A database holding such a key (written before import refused them) fails the export
    with exit 1 instead of writing the same chunks forever."""
    if not source["tenants"][SLUG].get("attachment"):
        pytest.skip("no attachment in this build")
    dest = fresh_dest(tmp_path)
    imported(slotd_bin, dest, source["doc_path"])
    q = "UPDATE attachment_chunks SET attachment_id = 'att_' || attachment_id || '%s'" % (
        "x" * 120)
    if dest.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(dest[len("sqlite:"):])
        con.execute(q)
        con.commit()
        con.close()
    else:
        pg_helpers.psql(dest, q)
    cp = run_cli(slotd_bin, "export", "--tenant", SLUG, "--db", dest, timeout=15)
    assert cp.returncode == 1 and "attachment_chunks" in cp.stderr, cp.stderr[-500:]
    assert len(cp.stdout) < 2 * len(source["doc_path"].read_text())


@pytest.mark.parametrize("cut", ["empty", "half", "no closing brace", "not json"])
def test_a_cut_off_document_changes_nothing(slotd_bin, source, tmp_path, cut):
    text = source["doc_path"].read_text()
    body = {"empty": "", "half": text[:len(text) // 2], "no closing brace": text.rstrip()[:-1],
            "not json": "format: slotd-tenant\n"}[cut]
    p = tmp_path / "cut.json"
    p.write_text(body)
    dest = fresh_dest(tmp_path)
    run_cli(slotd_bin, "tenant", "create", "bystander", "--db", dest)
    refused(slotd_bin, dest, p)
    assert data_rows(table_counts(dest))["tenants"] == 1


# --- the CSV example ----------------------------------------------------------------------------

CSV = """therapist,email,timezone,weekday,start,end
Ana Lima,ana@calm.example,America/Sao_Paulo,mon,09:00,12:00
Ana Lima,ana@calm.example,America/Sao_Paulo,mon,13:00,17:00
Ana Lima,ana@calm.example,America/Sao_Paulo,Wednesday,10:00,14:00
Ben Okafor,ben@calm.example,Europe/London,tue,08:00,10:00
Ben Okafor,ben@calm.example,Europe/London,thu,16:00,18:30
"""


def test_the_csv_example_imports_and_gives_slots(slotd_bin, tmp_path):
    csv_path = tmp_path / "hours.csv"
    csv_path.write_text(CSV)
    cp = subprocess.run([sys.executable, str(REPO / "scripts" / "hours_csv_to_import.py"),
                         str(csv_path), "--slug", "calm-clinic", "--name", "Calm Clinic",
                         "--service", "Therapy session", "--duration", "50", "--step", "60"],
                        capture_output=True, text=True, timeout=60)
    assert cp.returncode == 0, cp.stderr
    doc_path = tmp_path / "calm.json"
    doc_path.write_text(cp.stdout)
    dest = fresh_dest(tmp_path)
    out = imported(slotd_bin, dest, doc_path)
    assert "imported tenant calm-clinic" in out.stdout
    key = key_create(slotd_bin, dest, "calm-clinic", "admin")
    srv = serve(slotd_bin, dest, tmp_path / "srv")
    try:
        t = Api(srv.base, key)
        providers = t.list_all("/v1/providers", now=NOW)
        assert [(p["name"], p["timezone"], p["email"]) for p in providers] == [
            ("Ana Lima", "America/Sao_Paulo", "ana@calm.example"),
            ("Ben Okafor", "Europe/London", "ben@calm.example")]
        ana, ben = (p["id"] for p in providers)
        sched = t.ok("GET", f"/v1/providers/{ana}/schedule", now=NOW)
        assert sched["weekly"]["mon"] == [{"start": "09:00", "end": "12:00"},
                                          {"start": "13:00", "end": "17:00"}]
        assert sched["weekly"]["wed"] == [{"start": "10:00", "end": "14:00"}]
        (svc,) = t.list_all("/v1/services", now=NOW)
        assert svc["name"] == "Therapy session" and svc["duration_minutes"] == 50
        assert sorted(svc["provider_ids"]) == sorted([ana, ben])
        # Mon 2 March 2026 in São Paulo (UTC-3): 50-minute sessions every hour within
        # 09-12 and 13-17; Ben has none on a Monday.
        local = [s["start"] for s in t.slots(svc["id"], ana, "2026-03-02",
                                             timezone="America/Sao_Paulo", now=NOW)]
        assert [s[11:16] for s in local] == ["09:00", "10:00", "11:00", "13:00", "14:00",
                                             "15:00", "16:00"]
        assert t.slots(svc["id"], ben, "2026-03-02", now=NOW) == []
        # Thu 5 March in London (UTC+0): 16:00-18:30 fits 16:00 and 17:00.
        london = [s["start"] for s in t.slots(svc["id"], ben, "2026-03-05",
                                              timezone="Europe/London", now=NOW)]
        assert [s[11:16] for s in london] == ["16:00", "17:00"]
    finally:
        stop(srv)


@pytest.mark.parametrize("bad", ["overlap", "weekday", "time", "header", "timezone",
                                 "no timezone", "slug"])
def test_the_csv_script_refuses_bad_lines(tmp_path, bad):
    text = {"overlap": CSV + "Ana Lima,ana@calm.example,America/Sao_Paulo,mon,11:00,14:00\n",
            "weekday": CSV + "Ana Lima,ana@calm.example,America/Sao_Paulo,someday,9:00,10:00\n",
            "time": CSV + "Ana Lima,ana@calm.example,America/Sao_Paulo,fri,9am,10:00\n",
            "header": "name,hours\nAna,9-5\n",
            # A provider in a zone slotd does not know could not answer its schedule.
            "timezone": CSV + "Cy Dube,cy@calm.example,Mars/Olympus,fri,09:00,10:00\n",
            "no timezone": CSV + "Cy Dube,cy@calm.example,,fri,09:00,10:00\n",
            "slug": CSV}[bad]
    p = tmp_path / "bad.csv"
    p.write_text(text)
    # A slug `slotd tenant create` refuses.
    slug = "Calm Clinic" if bad == "slug" else "x"
    cp = subprocess.run([sys.executable, str(REPO / "scripts" / "hours_csv_to_import.py"),
                         str(p), "--slug", slug], capture_output=True, text=True, timeout=60)
    assert cp.returncode != 0 and cp.stderr.strip() and not cp.stdout


def test_calendars_arrive_disabled_without_credentials(slotd_bin, source, tmp_path):
    """A calendar's sealed address and password stay behind (as hashes in the document);
    the imported calendar is off and says its credentials must be entered again."""
    doc = copymod.deepcopy(source["doc"])
    tid = doc["tenant"]["id"]
    pid = doc["tables"]["providers"][0]["id"]
    doc["tables"]["calendars"] = [{
        "tenant_id": tid, "id": "cal_01m8zf0000000000000a", "provider_id": pid,
        "kind": "ics", "name": "Private", "url": "https://calendar.example/…",
        "url_box": "sha256:" + "ab" * 32, "username": None, "password_box": None,
        "write": 0, "enabled": 1, "interval_min": 15, "etag": "\"v7\"", "ctag": None,
        "busy_hash": "0123", "events": 4, "busy_count": 2, "next_sync_at": 1772366400,
        "lease_owner": "host-1:42", "lease_until": 1772366460, "version": 3,
        "created_at": 1772366400, "updated_at": 1772366400}]
    doc["counts"]["calendars"] = 1
    p = tmp_path / "cal.json"
    p.write_text(json.dumps(doc))
    dest = fresh_dest(tmp_path)
    imported(slotd_bin, dest, p)
    srv = serve(slotd_bin, dest, tmp_path / "srv")
    try:
        t = Api(srv.base, source["tenants"][SLUG]["key"])
        (cal,) = t.list_all(f"/v1/providers/{pid}/calendars", now=NOW)
        assert cal["enabled"] is False
        assert "enter the calendar's address and credentials again" in cal["last_error"]
        assert cal["name"] == "Private" and cal["sync_interval_minutes"] == 15
    finally:
        stop(srv)
    q = "SELECT url_box, password_box, lease_owner, etag FROM calendars"
    if dest.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(dest[len("sqlite:"):])
        assert con.execute(q).fetchall() == [(None, None, None, None)]
        con.close()
    else:
        assert pg_helpers.psql(dest, q).strip() == "|||"
