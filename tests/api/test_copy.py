"""`slotd copy --from sqlite:PATH --to URL [--tenant SLUG]`: moves tenants with all their data
from a SQLite database into another database, in one transaction.

The source is always a SQLite slotd filled through the API (two tenants with data of every
kind: providers, services with policies, dated and alternating schedules, overrides (single,
range, recurring), holidays (yearly, rule, provider-specific), time off, tenant policy,
bookings in every status with history, fees and a reschedule, stored idempotency outcomes,
holds (plain and waitlist offers), waitlist entries, events, schedule entries with
assignees, exclusions, a moved occurrence and a split, and staff/customer keys). The
destination is a fresh PostgreSQL database in the PostgreSQL run (pg_helpers.enabled()), and a
second SQLite file otherwise.

Afterwards a server on the source and one on the destination must answer every list and get
route of every tenant with the same JSON; the source's keys, manage tokens and idempotency keys
work on the destination. Copying a tenant the destination already holds fails with exit 1 and
leaves it unchanged; so do an unknown tenant and an unreadable source.

"now" is NOW (Sun 1 Mar 2026 12:00Z) for every request; holds and offers are live at NOW.
"""
import re
import sqlite3
import uuid
from pathlib import Path

import pytest

import pg_helpers
from conftest import Api, Server, create_tenant, expect_problem, run_cli, weekdays

NOW = "2026-03-01T12:00:00Z"
NY, BERLIN = "America/New_York", "Europe/Berlin"
SLUGS = ("copy-a", "copy-b")
ACTIVE = ("pending", "confirmed")
# The tables of the SQLite schema; rows of each must arrive.
TABLES = ("tenants", "api_keys", "providers", "services", "service_providers",
          "schedule_versions", "overrides", "holidays", "holiday_providers", "time_off",
          "bookings", "booking_history", "idempotency_keys", "holds", "tenant_policy",
          "waitlist", "events", "entries", "entry_assignees", "entry_exdates",
          "entry_overrides", "entry_override_assignees", "api_key_providers",
          "webhook_endpoints", "message_templates", "reminders", "notify_queue", "deliveries",
          "delivery_attempts")
# What a running server's notification worker changes by itself.
WORKER_TABLES = ("notify_queue", "deliveries", "delivery_attempts", "reminders")


# --- databases ----------------------------------------------------------------------------------

def new_dest(tmp_path):
    """A fresh destination: a PostgreSQL database, or a SQLite file that does not exist yet."""
    if pg_helpers.enabled():
        return pg_helpers.create_database()
    return f"sqlite:{tmp_path / ('dest-' + uuid.uuid4().hex[:8] + '.db')}"


def table_counts(url):
    """{table: rows} of every table in the database (empty if it has none yet)."""
    if url.startswith("sqlite:"):
        path = url[len("sqlite:"):]
        if not Path(path).exists():
            return {}
        con = sqlite3.connect(path, timeout=30)
        try:
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            con.close()
    rows = pg_helpers.psql(url, "SELECT table_schema || '.' || table_name"
                                " FROM information_schema.tables"
                                " WHERE table_type = 'BASE TABLE'"
                                " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                                " ORDER BY 1").split()
    if not rows:
        return {}
    sql = " UNION ALL ".join(f"SELECT '{q}', count(*) FROM {q}" for q in rows)
    out = {}
    for line in pg_helpers.psql(url, sql).splitlines():
        name, n = line.split("|")
        out[name.split(".", 1)[1]] = int(n)
    return out


def data_rows(counts):
    return {k: v for k, v in counts.items() if k in TABLES}


def copy(binary, src_url, dest_url, *extra):
    return run_cli(binary, "copy", "--from", src_url, "--to", dest_url, *extra, timeout=180)


def copied(binary, src_url, dest_url, *extra):
    cp = copy(binary, src_url, dest_url, *extra)
    assert cp.returncode == 0, f"copy failed: rc={cp.returncode}\n{cp.stdout}\n{cp.stderr}"
    return cp


def refused(binary, src_url, dest_url, *extra):
    before = table_counts(dest_url)
    cp = copy(binary, src_url, dest_url, *extra)
    assert cp.returncode == 1, f"copy should fail: rc={cp.returncode}\n{cp.stdout}\n{cp.stderr}"
    assert cp.stderr.strip(), "a failed copy says why on stderr"
    after = table_counts(dest_url)
    # Unchanged: the same rows (a brand-new destination may have had its schema created, but
    # holds no rows).
    if before:
        quiet = lambda c: {k: v for k, v in c.items() if k not in WORKER_TABLES}
        assert quiet(after) == quiet(before)
    else:
        assert all(n == 0 for n in data_rows(after).values()), after
    return cp


def serve(binary, url, workdir):
    Path(workdir).mkdir(parents=True, exist_ok=True)
    return Server(binary, None, workdir, db_url=url).start()


def stop(srv):
    rc = srv.stop()
    assert rc == 0, f"slotd exited with {rc}; stderr={srv.stderr()}"


def key_create(binary, url, slug, role):
    cp = run_cli(binary, "key", "create", slug, "--role", role, "--db", url)
    assert cp.returncode == 0, f"key create failed: {cp.stderr}"
    key = cp.stdout.strip().splitlines()[-1].strip()
    assert key and " " not in key, cp.stdout
    return key


# --- filling the source -------------------------------------------------------------------------

def mk(t, path, body, status=201, params=None):
    return t.ok("POST", path, body, status=status, now=NOW, params=params)


def post_booking(t, body, key):
    return t.post("/v1/bookings", body, now=NOW, headers={"Idempotency-Key": key})


def new_booking(t, body):
    key = "ck-" + uuid.uuid4().hex
    r = post_booking(t, body, key)
    assert r.status_code == 201, r.text
    return r.json(), key


def action(t, bid, name, body=None, now=NOW):
    if body is None:
        return t.ok("POST", f"/v1/bookings/{bid}/{name}", status=200, now=now)
    return t.ok("POST", f"/v1/bookings/{bid}/{name}", body, status=200, now=now)


def populate(t, tag):
    """Data of every kind in tenant t; tag makes the names of each tenant different. Returns
    what the checks need: ids, replays, tokens."""
    info = {"holds": [], "replays": []}
    cust = lambda n: {"name": f"{tag} {n}", "email": f"{tag.lower()}.{n.lower()}@example.com"}

    # Providers, one patched.
    p1 = mk(t, "/v1/providers", {"name": f"{tag} Ada", "timezone": NY,
                                 "email": f"ada@{tag.lower()}.example"})["id"]
    p2 = mk(t, "/v1/providers", {"name": f"{tag} Jonas", "timezone": BERLIN,
                                 "settings": {"auto_confirm": False, "max_per_day": 8}})["id"]
    p3 = mk(t, "/v1/providers", {"name": f"{tag} Idle", "timezone": "UTC",
                                 "settings": {"vacation": True, "max_consecutive": 3}})["id"]
    t.ok("PATCH", f"/v1/providers/{p1}", {"settings": {"max_consecutive": 6}}, now=NOW)
    info["providers"] = [p1, p2, p3]

    # Schedules: dated versions; an alternating template.
    t.ok("PUT", f"/v1/providers/{p1}/schedule", {"versions": [
        {"weekly": weekdays([("09:00", "12:00"), ("13:00", "17:00")]),
         "effective_until": "2026-03-31"},
        {"weekly": weekdays([("10:00", "18:00")]), "effective_from": "2026-04-01"}]}, now=NOW)
    t.ok("PUT", f"/v1/providers/{p2}/schedule",
         {"weeks": [weekdays([("08:00", "16:00")]),
                    {"mon": [{"start": "09:00", "end": "12:00"}]}],
          "anchor_date": "2026-03-02"}, now=NOW)

    # Tenant policy before the bookings (they copy it).
    t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 2,
                               "late_cancellation_fees": [{"within_hours": 48, "percent": 50}],
                               "no_show_fee_percent": 100}, now=NOW)
    t.ok("PUT", "/v1/settings", {"rate_limits": {"key": {"quota": 7, "window_seconds": 9}}},
         now=NOW)

    # Services: priced with buffers; a group with its own policy; one needing approval.
    s1 = mk(t, "/v1/services", {"name": f"{tag} Consult", "duration_minutes": 60,
                                "price": "120.00", "currency": "USD",
                                "buffer_after_minutes": 15, "provider_ids": [p1, p2]})["id"]
    t.ok("PATCH", f"/v1/services/{s1}", {"min_notice_minutes": 60}, now=NOW)
    s2 = mk(t, "/v1/services", {"name": f"{tag} Group", "duration_minutes": 45,
                                "slot_step_minutes": 60, "capacity": 3, "price": "25.00",
                                "currency": "EUR", "provider_ids": [p2],
                                "policy": {"max_reschedules": 1,
                                           "waitlist_offer_minutes": 45}})["id"]
    s3 = mk(t, "/v1/services", {"name": f"{tag} Approval", "duration_minutes": 30,
                                "requires_approval": True, "provider_ids": [p1]})["id"]
    info["services"] = [s1, s2, s3]

    # Overrides: a closed day, a range with custom hours, a recurring one with hours.
    mk(t, f"/v1/providers/{p1}/overrides", {"date": "2026-03-04", "note": "Conference"})
    mk(t, f"/v1/providers/{p1}/overrides", {"from": "2026-03-16", "to": "2026-03-20",
                                            "intervals": [{"start": "10:00", "end": "14:00"}]})
    mk(t, f"/v1/providers/{p2}/overrides", {"date": "2026-03-02",
                                            "rrule": "FREQ=MONTHLY;BYDAY=1MO",
                                            "intervals": [{"start": "09:00", "end": "13:00"}],
                                            "note": "Short first Mondays"})
    # Holidays: yearly, by rule, for one provider.
    mk(t, "/v1/holidays", {"name": "New Year", "date": "2026-01-01", "recurring": "yearly"})
    mk(t, "/v1/holidays", {"name": "Thanksgiving", "date": "2026-11-26",
                           "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    mk(t, "/v1/holidays", {"name": f"{tag} Founders", "date": "2026-03-06",
                           "provider_ids": [p2]})
    # Time off.
    mk(t, f"/v1/providers/{p1}/time-off", {"start": "2026-03-03T14:00:00-05:00",
                                           "end": "2026-03-03T16:00:00-05:00",
                                           "reason": "Staff meeting"})
    mk(t, f"/v1/providers/{p2}/time-off", {"start": "2026-03-03T08:00:00Z",
                                           "end": "2026-03-03T10:00:00Z"})

    # Bookings in every status.
    b1, _ = new_booking(t, {"service_id": s1, "provider_id": p1,
                            "start": "2026-03-02T10:00:00-05:00",
                            "customer": dict(cust("Maria"), phone="+1 617-555-0142"),
                            "notes": "First visit", "metadata": {"source": "web", "n": 1}})
    action(t, b1["id"], "cancel", {"reason": "Customer called"})           # fee 60.00
    b2_body = {"service_id": s1, "provider_id": p1, "start": "2026-03-02T13:00:00-05:00",
               "customer": cust("Tom")}
    b2, b2_key = new_booking(t, b2_body)
    info["replays"].append((b2_key, b2_body, 201, b2))
    lost_body = dict(b2_body, customer=cust("Late"))
    lost_key = "lost-" + uuid.uuid4().hex
    lost = post_booking(t, lost_body, lost_key)
    expect_problem(lost, 409, "slot_taken")
    info["replays"].append((lost_key, lost_body, 409, lost.json()))
    action(t, b2["id"], "complete")
    b3, _ = new_booking(t, {"service_id": s1, "provider_id": p1,
                            "start": "2026-03-03T10:00:00-05:00", "customer": cust("Rita")})
    t.ok("POST", f"/v1/bookings/{b3['id']}/reschedule",
         {"start": "2026-03-03T11:00:00-05:00", "reason": "Later please"}, status=200,
         now=NOW, headers={"If-Match": '"1"'})
    info["manage_token"] = (b3["id"], b3["manage_token"])
    grp = []
    for n in ("Gus", "Hal", "Ivy"):
        b, _ = new_booking(t, {"service_id": s2, "provider_id": p2,
                               "start": "2026-03-02T10:00:00+01:00", "customer": cust(n)})
        assert b["status"] == "pending"
        grp.append(b["id"])
    action(t, grp[0], "confirm")
    action(t, grp[1], "decline", {"reason": "Full"})
    b7, _ = new_booking(t, {"service_id": s3, "provider_id": p1,
                            "start": "2026-03-05T10:00:00-05:00", "customer": cust("Zed")})
    assert b7["status"] == "pending"
    b8, _ = new_booking(t, {"service_id": s1, "provider_id": p1,
                            "start": "2026-03-05T14:00:00-05:00", "customer": cust("Noel")})
    action(t, b8["id"], "no-show", now="2026-03-05T20:00:00Z")            # fee 120.00

    # A plain hold, live for an hour.
    h = mk(t, "/v1/holds", {"service_id": s1, "provider_id": p1,
                            "start": "2026-03-11T10:00:00-04:00", "ttl_seconds": 3600,
                            "customer": cust("Holder")})
    info["holds"].append(h["id"])
    # Waitlist: one offered and booked with its offer, one offered, one waiting; each offer is
    # an outbox event and a hold.
    w1 = mk(t, "/v1/waitlist", {"service_id": s1, "provider_id": p1, "customer": cust("Wes"),
                                "earliest_date": "2026-03-09", "latest_date": "2026-03-09",
                                "time_windows": [{"start": "09:00", "end": "12:00"}],
                                "priority": 5})
    assert w1["status"] == "offered", w1
    w2 = mk(t, "/v1/waitlist", {"service_id": s1, "customer": cust("Val"),
                                "earliest_date": "2026-03-09", "latest_date": "2026-03-10",
                                "weekdays": ["mon"],
                                "time_windows": [{"start": "13:00", "end": "17:00"}]})
    assert w2["status"] == "offered", w2
    w3 = mk(t, "/v1/waitlist", {"service_id": s1, "provider_id": p1, "customer": cust("Sam"),
                                "earliest_date": "2026-03-07", "latest_date": "2026-03-08",
                                "weekdays": ["sat", "sun"]})
    assert w3["status"] == "waiting", w3
    b9, _ = new_booking(t, {"service_id": s1, "provider_id": p1, "start": w1["offer_start"],
                            "customer": cust("Wes"), "hold_id": w1["hold_id"]})
    info["holds"].append(w2["hold_id"])   # w1's was consumed by b9

    # Schedule entries: a recurring one with two assignees, an exclusion, a moved occurrence
    # and a split; a one-off.
    e1 = mk(t, "/v1/entries", {"title": f"{tag} Site visit", "start": "2026-03-03T14:00:00Z",
                               "end": "2026-03-03T15:30:00Z", "timezone": NY,
                               "assignee_ids": [p1, p2],
                               "work_item": {"type": "ticket", "id": f"{tag}-1042"},
                               "rrule": "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8",
                               "exdates": ["2026-03-05T14:00:00Z"], "notes": "ladder"})
    t.ok("PATCH", f"/v1/entries/{e1['id']}", {"title": "Moved visit",
                                              "start": "2026-03-10T15:00:00Z",
                                              "assignee_ids": [p1]},
         now=NOW, params={"scope": "this", "occurrence": "2026-03-10T13:00:00Z"})
    split = t.ok("PATCH", f"/v1/entries/{e1['id']}", {"title": f"{tag} Later visits"},
                 now=NOW, params={"scope": "future", "occurrence": "2026-03-19T13:00:00Z"})
    assert split["split_from"] == e1["id"], split
    mk(t, "/v1/entries", {"title": "Planning", "start": "2026-03-12T09:00:00+01:00",
                          "end": "2026-03-12T10:00:00+01:00", "assignee_ids": [p2],
                          "status": "tentative"})

    # Notifications: an endpoint (for a type nothing writes, so no worker touches it) and a
    # template of the tenant's own.
    mk(t, "/v1/webhook-endpoints", {"url": "https://93.184.215.14/hook",
                                    "event_types": ["test.never."], "description": tag})
    t.ok("PUT", "/v1/templates/booking.confirmed/de",
         {"subject": f"{tag}: {{{{service_name}}}}", "text": "{{customer_name}}", "html": "<p/>"},
         now=NOW)

    info["bookings"] = 9
    info["booking_ids"] = [b1["id"], b2["id"], b3["id"], *grp, b7["id"], b8["id"], b9["id"]]
    return info


# --- reading everything back --------------------------------------------------------------------

def events(t):
    out, after = [], 0
    for _ in range(1000):
        page = t.ok("GET", "/v1/events", params={"after": after, "limit": 200}, now=NOW)
        out += page["data"]
        if page["next_after"] is None:
            return out
        after = page["next_after"]
    raise AssertionError("events do not end")


def text(t, path):
    r = t.get(path, now=NOW)
    assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
    return r.headers.get("Content-Type"), r.text


def snapshot(t, hold_ids):
    """Everything the API shows of t's tenant (at NOW)."""
    g = lambda path, **kw: t.ok("GET", path, now=NOW, **kw)
    la = lambda path, **kw: t.list_all(path, now=NOW, **kw)
    s = {"policy": g("/v1/policy"), "settings": g("/v1/settings"),
         "providers": la("/v1/providers"),
         "services": la("/v1/services"), "holidays": la("/v1/holidays"),
         "bookings": la("/v1/bookings"), "waitlist": la("/v1/waitlist"),
         "events": events(t), "entries": la("/v1/entries"),
         "webhook-endpoints": la("/v1/webhook-endpoints"), "templates": g("/v1/templates"),
         "template": g("/v1/templates/booking.confirmed/de")}
    pids = [p["id"] for p in s["providers"]]
    for pid in pids:
        s[f"provider {pid}"] = g(f"/v1/providers/{pid}")
        s[f"schedule {pid}"] = g(f"/v1/providers/{pid}/schedule")
        s[f"overrides {pid}"] = la(f"/v1/providers/{pid}/overrides")
        s[f"time-off {pid}"] = la(f"/v1/providers/{pid}/time-off")
        s[f"entries of {pid}"] = la("/v1/entries", params={"assignee_id": pid})
    for svc in s["services"]:
        sid = svc["id"]
        s[f"service {sid}"] = g(f"/v1/services/{sid}")
        s[f"slots {sid}"] = g("/v1/slots", params={"service_id": sid, "from": "2026-03-02",
                                                   "to": "2026-03-20", "timezone": "UTC"})
        for pid in svc["provider_ids"]:
            s[f"slots {sid} {pid}"] = g("/v1/slots", params={
                "service_id": sid, "provider_id": pid, "from": "2026-03-02",
                "to": "2026-03-20"})
    for b in s["bookings"]:
        bid = b["id"]
        r = t.get(f"/v1/bookings/{bid}", now=NOW)
        assert r.status_code == 200, r.text
        s[f"booking {bid}"] = (r.json(), r.headers.get("ETag"))
        s[f"history {bid}"] = g(f"/v1/bookings/{bid}/history")
        s[f"ics {bid}"] = text(t, f"/v1/bookings/{bid}.ics")
    for st in ACTIVE:
        s[f"bookings {st}"] = la("/v1/bookings", params={"status": st})
    for w in s["waitlist"]:
        s[f"waitlist {w['id']}"] = g(f"/v1/waitlist/{w['id']}")
    for e in s["entries"]:
        eid = e["id"]
        r = t.get(f"/v1/entries/{eid}", now=NOW)
        assert r.status_code == 200, r.text
        s[f"entry {eid}"] = (r.json(), r.headers.get("ETag"))
        s[f"ics {eid}"] = text(t, f"/v1/entries/{eid}.ics")
        s[f"occurrences {eid}"] = g(f"/v1/entries/{eid}/occurrences",
                                    params={"from": "2026-03-01", "to": "2026-04-30"})
    for tz in ("UTC", NY):
        s[f"calendar {tz}"] = g("/v1/calendar", params={"from": "2026-03-01",
                                                        "to": "2026-03-31",
                                                        "provider_ids": ",".join(pids),
                                                        "timezone": tz})
    for hid in hold_ids:
        s[f"hold {hid}"] = g(f"/v1/holds/{hid}")
    return s


def assert_same(got, want):
    assert sorted(got) == sorted(want)
    for k in want:
        assert got[k] == want[k], f"{k} differs after the copy"


def without_seq(snap):
    """For per-tenant copies: events compared in order, without their seq."""
    s = dict(snap)
    s["events"] = [{k: v for k, v in e.items() if k != "seq"} for e in snap["events"]]
    return s


def assert_reports(stdout, table, n):
    """copy prints per-table counts: some line names the table and its count."""
    for line in stdout.splitlines():
        if re.search(rf"(?<![\w]){table}(?![\w])", line) and \
                re.search(rf"(?<![\d.]){n}(?![\d.])", line):
            return
    raise AssertionError(f"no count {n} for {table} in copy's output:\n{stdout}")


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source(slotd_bin, tmp_path_factory):
    """The filled SQLite source (no server running on it) and, per tenant, its key, its
    populate() info and the snapshot a server on the source answers."""
    wd = tmp_path_factory.mktemp("copysrc")
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
    finally:
        stop(srv)
    # A server on the source again: what the copy must reproduce.
    srv = serve(slotd_bin, url, wd / "read")
    try:
        for slug, info in tenants.items():
            info["snapshot"] = snapshot(Api(srv.base, info["key"]), info["holds"])
    finally:
        stop(srv)
    counts = table_counts(url)
    assert counts["bookings"] == 18 and counts["tenants"] == 2, counts
    return {"url": url, "tenants": tenants, "counts": counts, "dir": wd}


@pytest.fixture(scope="module")
def full(slotd_bin, source, tmp_path_factory):
    """Everything copied into a fresh destination, and a server on it."""
    wd = tmp_path_factory.mktemp("copyfull")
    dest = new_dest(wd)
    cp = copied(slotd_bin, source["url"], dest)
    counts = table_counts(dest)
    srv = serve(slotd_bin, dest, wd / "srv")
    yield {"url": dest, "stdout": cp.stdout, "counts": counts, "srv": srv}
    if srv.running():
        stop(srv)


# --- the full copy ------------------------------------------------------------------------------

def test_copy_reports_and_moves_every_row(source, full):
    want = data_rows(source["counts"])
    got = data_rows(full["counts"])
    for table, n in want.items():
        if table in got:     # a backend may name or split a table differently
            assert got[table] == n, f"{table}: {got[table]} rows, source has {n}"
    for table in ("tenants", "api_keys", "providers", "bookings", "booking_history",
                  "idempotency_keys", "holds", "waitlist", "events", "entries"):
        assert table in got, f"no table {table} in the destination: {sorted(got)}"
    for table in ("bookings", "providers", "entries"):
        assert_reports(full["stdout"], table, want[table])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_route_answers_the_same(source, full, slug):
    info = source["tenants"][slug]
    t = Api(full["srv"].base, info["key"])
    snap = snapshot(t, info["holds"])
    assert_same(snap, info["snapshot"])
    # Sanity: the snapshot holds what was made.
    assert len(snap["bookings"]) == info["bookings"]
    assert {b["status"] for b in snap["bookings"]} == {"cancelled", "completed", "confirmed",
                                                       "pending", "declined", "no_show"}
    offered = [e for e in snap["events"] if e["type"] == "waitlist.offered"]
    assert len(offered) == 2 and len(snap["waitlist"]) == 3
    assert len(snap["entries"]) == 3


@pytest.mark.parametrize("slug", SLUGS)
def test_keys_and_manage_tokens_authenticate(source, full, slug):
    info = source["tenants"][slug]
    base = full["srv"].base
    admin = Api(base, info["key"])
    assert [p["id"] for p in admin.list_all("/v1/providers", now=NOW)] == info["providers"]
    staff = Api(base, info["staff"])
    assert [p["id"] for p in staff.list_all("/v1/providers", now=NOW)] == info["providers"]
    expect_problem(staff.post("/v1/providers", {"name": "X", "timezone": "UTC"}, now=NOW),
                   403, "forbidden")
    customer = Api(base, info["customer"])
    sid, pid = info["services"][0], info["providers"][0]
    assert customer.slots(sid, pid, "2026-03-12", now=NOW) == \
        admin.slots(sid, pid, "2026-03-12", now=NOW)
    expect_problem(customer.get("/v1/providers", now=NOW), 403, "forbidden")
    bid, token = info["manage_token"]
    r = Api(base, token).get(f"/v1/bookings/{bid}", now=NOW)
    assert r.status_code == 200, r.text
    # The manage token reads the booking without the staff-only notes.
    staff_only = ("internal_notes", "completion_notes")
    assert r.json() == {k: v for k, v in info["snapshot"][f"booking {bid}"][0].items()
                        if k not in staff_only}
    expect_problem(Api(base, "sk_" + uuid.uuid4().hex).get("/v1/providers"), 401,
                   "unauthorized")


def link_keys(url):
    """{tenant slug: link_secret} of a database (the key manage tokens derive from)."""
    q = "SELECT slug, link_secret FROM tenants ORDER BY slug"
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):], timeout=30)
        try:
            return dict(con.execute(q).fetchall())
        finally:
            con.close()
    return dict(line.split("|") for line in pg_helpers.psql(url, q).splitlines())


def test_the_link_key_comes_along(source, full):
    """Messages carry a booking's manage link only while the token derives from the tenant's
    link key: a copy without it would lose every link and derive new ones from another."""
    want = link_keys(source["url"])
    assert all(want[slug] for slug in SLUGS), want
    got = link_keys(full["url"])
    assert {slug: got.get(slug) for slug in SLUGS} == {slug: want[slug] for slug in SLUGS}


@pytest.mark.parametrize("slug", SLUGS)
def test_idempotency_keys_replay_on_the_destination(source, full, slug):
    info = source["tenants"][slug]
    t = Api(full["srv"].base, info["key"])
    for key, body, status, answer in info["replays"]:
        r = post_booking(t, body, key)
        assert r.status_code == status, r.text
        assert r.headers.get("Idempotent-Replayed") == "true", dict(r.headers)
        assert r.json() == answer
    # The stored fingerprint came along too: another body with the key is refused.
    key, body, _, _ = info["replays"][0]
    expect_problem(post_booking(t, dict(body, notes="changed"), key), 422,
                   "idempotency_key_reused")


def test_live_holds_and_bookings_keep_blocking(source, full):
    info = source["tenants"][SLUGS[0]]
    t = Api(full["srv"].base, info["key"])
    sid, pid = info["services"][0], info["providers"][0]
    hold = info["snapshot"][f"hold {info['holds'][0]}"]
    assert hold["live"] is True
    r = post_booking(t, {"service_id": sid, "provider_id": pid, "start": hold["start"],
                         "customer": {"name": "X", "email": "x@example.com"}},
                     "k-" + uuid.uuid4().hex)
    expect_problem(r, 409, "slot_taken")
    r = post_booking(t, {"service_id": sid, "provider_id": pid,
                         "start": "2026-03-03T11:00:00-05:00",
                         "customer": {"name": "X", "email": "x@example.com"}},
                     "k-" + uuid.uuid4().hex)
    expect_problem(r, 409, "slot_taken")


def test_destination_takes_new_writes_after_the_copy(slotd_bin, source, full):
    """New rows go on after the copied ones: a new waitlist offer gets a larger event seq, a
    new booking and a new tenant work. (Runs after the comparisons: it writes.)"""
    info = source["tenants"][SLUGS[1]]
    t = Api(full["srv"].base, info["key"])
    copied_seqs = [e["seq"] for s in SLUGS for e in source["tenants"][s]["snapshot"]["events"]]
    sid, pid = info["services"][0], info["providers"][0]
    w = mk(t, "/v1/waitlist", {"service_id": sid, "provider_id": pid,
                               "customer": {"name": "New", "email": "new@example.com"},
                               "earliest_date": "2026-03-13", "latest_date": "2026-03-13"})
    assert w["status"] == "offered", w
    ev = events(t)
    assert ev[-1]["subject_id"] == w["id"]
    assert ev[-1]["seq"] > max(copied_seqs), (ev[-1]["seq"], copied_seqs)
    b, _ = new_booking(t, {"service_id": sid, "provider_id": pid,
                           "start": "2026-03-12T15:00:00-04:00",
                           "customer": {"name": "New", "email": "new@example.com"}})
    assert b["status"] == "confirmed"
    refs = {x["reference"] for x in t.list_all("/v1/bookings", now=NOW)}
    assert b["reference"] in refs and len(refs) == info["bookings"] + 1
    # A copied slug is taken on the destination; a new tenant can be made there.
    cp = run_cli(slotd_bin, "tenant", "create", SLUGS[0], "--db", full["url"])
    assert cp.returncode != 0
    key = create_tenant(slotd_bin, full["url"], "after-copy")
    assert Api(full["srv"].base, key).ok("GET", "/v1/providers")["data"] == []


def test_copying_again_fails_and_changes_nothing(slotd_bin, source, full):
    refused(slotd_bin, source["url"], full["url"])
    refused(slotd_bin, source["url"], full["url"], "--tenant", SLUGS[1])
    t = Api(full["srv"].base, source["tenants"][SLUGS[0]]["key"])
    assert len(t.list_all("/v1/bookings", now=NOW)) == source["tenants"][SLUGS[0]]["bookings"]


# --- one tenant at a time -----------------------------------------------------------------------

def test_tenant_option_copies_only_that_tenant(slotd_bin, source, tmp_path):
    a, b = (source["tenants"][s] for s in SLUGS)
    dest = new_dest(tmp_path)
    cp = copied(slotd_bin, source["url"], dest, "--tenant", SLUGS[0])
    counts = data_rows(table_counts(dest))
    assert counts["tenants"] == 1
    assert counts["bookings"] == a["bookings"]
    assert_reports(cp.stdout, "bookings", a["bookings"])
    srv = serve(slotd_bin, dest, tmp_path / "srv1")
    try:
        assert_same(without_seq(snapshot(Api(srv.base, a["key"]), a["holds"])),
                    without_seq(a["snapshot"]))
        for key in (b["key"], b["staff"], b["customer"]):
            expect_problem(Api(srv.base, key).get("/v1/slots"), 401, "unauthorized")
    finally:
        stop(srv)
    # The other tenant can follow into the same destination; the first cannot come twice.
    copied(slotd_bin, source["url"], dest, "--tenant", SLUGS[1])
    refused(slotd_bin, source["url"], dest, "--tenant", SLUGS[0])
    srv = serve(slotd_bin, dest, tmp_path / "srv2")
    try:
        for info in (a, b):
            assert_same(without_seq(snapshot(Api(srv.base, info["key"]), info["holds"])),
                        without_seq(info["snapshot"]))
    finally:
        stop(srv)
    assert data_rows(table_counts(dest)) == {k: v for k, v in
                                             data_rows(source["counts"]).items()
                                             if k in counts}


def test_one_conflicting_tenant_fails_the_whole_copy(slotd_bin, source, tmp_path):
    """One transaction: when the second tenant is already there, the first is not copied
    either."""
    dest = new_dest(tmp_path)
    copied(slotd_bin, source["url"], dest, "--tenant", SLUGS[1])
    before = table_counts(dest)
    refused(slotd_bin, source["url"], dest)
    assert table_counts(dest) == before
    srv = serve(slotd_bin, dest, tmp_path / "srv")
    try:
        a = source["tenants"][SLUGS[0]]
        expect_problem(Api(srv.base, a["key"]).get("/v1/providers"), 401, "unauthorized")
    finally:
        stop(srv)


def test_same_slug_in_the_destination_fails(slotd_bin, source, tmp_path):
    dest = new_dest(tmp_path)
    create_tenant(slotd_bin, dest, SLUGS[0])
    refused(slotd_bin, source["url"], dest, "--tenant", SLUGS[0])
    assert data_rows(table_counts(dest))["tenants"] == 1


def test_unknown_tenant_fails(slotd_bin, source, tmp_path):
    dest = new_dest(tmp_path)
    cp = copy(slotd_bin, source["url"], dest, "--tenant", "no-such-tenant")
    assert cp.returncode in (1, 2), (cp.returncode, cp.stdout, cp.stderr)
    assert "no-such-tenant" in cp.stderr, cp.stderr
    assert all(n == 0 for n in data_rows(table_counts(dest)).values())


@pytest.mark.parametrize("what", ["garbage", "missing file", "missing directory"])
def test_unreadable_source_fails(slotd_bin, tmp_path, what):
    """A source that is not a slotd database fails; a missing one is not created."""
    dest = new_dest(tmp_path)
    if what == "garbage":
        bad = tmp_path / "garbage.db"
        bad.write_bytes(b"this is not a database\n" * 512)
    elif what == "missing file":
        bad = tmp_path / "absent.db"
    else:
        bad = tmp_path / "no" / "such" / "dir" / "x.db"
    refused(slotd_bin, f"sqlite:{bad}", dest)
    if what != "garbage":
        assert not bad.exists()


# --- the columns and tables of the domain details, and binary data -----------------------------

def all_rows(path):
    """{table: sorted rows} of a SQLite file, every column (bytes stay bytes); the queue's own
    row ids are the destination's to give."""
    con = sqlite3.connect(path, timeout=30)
    try:
        out = {}
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                " AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')
                    if not (t == "notify_queue" and r[1] == "id")]
            rows = con.execute(f'SELECT {", ".join(cols)} FROM "{t}"').fetchall()
            out[t] = (cols, sorted(rows, key=repr))
        return out
    finally:
        con.close()


# Values of the new columns, set straight in the database (their routes come with their own
# features); each must come back as it went in.
DETAILS = {
    "providers": {"bio": "Ten years of practice.\nBerlin and online.",
                  "specialties": '["CBT","EMDR"]', "photo_url": "https://img.example/ada.jpg",
                  "languages": '["en","pt-BR"]', "locale": "de",
                  "video_url": "https://meet.example/ada"},
    "services": {"location": "in_person:1 Main St, Springfield"},
    "service_providers": {"price": "45.00", "duration_min": 90},
    "bookings": {"internal_notes": "Prefers mornings", "completion_notes": "Went well",
                 "location": "video:https://meet.example/ada"},
    "holidays": {"type": "closure", "updated_at": 1772366400},
    "overrides": {"updated_at": 1772366401},
    "time_off": {"updated_at": 1772366402},
    "waitlist": {"notes": "Any Tuesday"},
    "booking_stats": {"ratings": 2, "rating_sum": 9},
}


def add_details(path, slug):
    """Fills every new column of one row per table of tenant slug, and the new tables:
    feedback, an attachment in two chunks (a full 256 KiB one holding every byte value, NULs
    included, and a short one), business hours with a version, an exempt provider and an
    override. Returns the chunk bytes."""
    con = sqlite3.connect(path, timeout=30)
    try:
        tid = con.execute("SELECT id FROM tenants WHERE slug = ?", (slug,)).fetchone()[0]
        for table, values in DETAILS.items():
            pk = [r[1] for r in sorted(con.execute(f'PRAGMA table_info("{table}")'),
                                       key=lambda r: r[5]) if r[5]]
            first = con.execute(f"SELECT {', '.join(pk)} FROM {table} WHERE tenant_id = ?"
                                f" ORDER BY {', '.join(pk)} LIMIT 1", (tid,)).fetchone()
            assert first, f"no row of {table} to fill"
            sets = ", ".join(f"{c} = ?" for c in values)
            where = " AND ".join(f"{c} = ?" for c in pk)
            n = con.execute(f"UPDATE {table} SET {sets} WHERE {where}",
                            (*values.values(), *first)).rowcount
            assert n == 1, (table, n)
        bid, pid = con.execute("SELECT id, provider_id FROM bookings WHERE tenant_id = ?"
                               " AND status = 'completed'", (tid,)).fetchone()
        con.execute("INSERT INTO booking_feedback VALUES (?, ?, 4, 'Kind and clear', ?, ?)",
                    (tid, bid, 1772366500, 1772366600))
        chunks = [bytes(range(256)) * 1024, b"\x00tail\xff\x00"]
        con.execute("INSERT INTO attachments VALUES (?, 'att_copy1', ?, 'scan.pdf',"
                    " 'application/pdf', ?, 'sha256-of-the-bytes', 2, 'key_x', 1772366700)",
                    (tid, bid, sum(map(len, chunks))))
        for seq, data in enumerate(chunks):
            con.execute("INSERT INTO attachment_chunks VALUES (?, 'att_copy1', ?, ?)",
                        (tid, seq, data))
        weekly, hours = (con.execute(q, (tid,)).fetchone()[0] for q in (
            "SELECT weekly FROM schedule_versions WHERE tenant_id = ?",
            "SELECT hours FROM overrides WHERE tenant_id = ? AND hours <> ''"))
        con.execute("INSERT INTO business_hours VALUES (?, 'Europe/Berlin', 3, 1772366800)",
                    (tid,))
        con.execute("INSERT INTO business_hours_versions VALUES (?, 1, 20514, NULL, ?, NULL)",
                    (tid, weekly))
        con.execute("INSERT INTO business_hours_exempt VALUES (?, ?)", (tid, pid))
        con.execute("INSERT INTO business_overrides VALUES (?, 'bov_1', 20520, 20521, ?,"
                    " NULL, 'Inventory', 1772366900, 1772367000)", (tid, hours))
        con.commit()
        return chunks
    finally:
        con.close()


def test_new_columns_and_attachment_chunks_survive_a_copy_both_ways(slotd_bin, source,
                                                                    tmp_path):
    """SQLite → destination (PostgreSQL in the PostgreSQL run) → a new SQLite file: every
    row of every table, the new columns and tables and the attachment's bytes included,
    comes back unchanged."""
    src = tmp_path / "details.db"
    src.write_bytes(Path(source["url"][len("sqlite:"):]).read_bytes())
    chunks = add_details(src, SLUGS[0])
    mid = new_dest(tmp_path)
    cp = copied(slotd_bin, f"sqlite:{src}", mid)
    for table, n in (("attachments", 1), ("attachment_chunks", 2), ("booking_feedback", 1),
                     ("business_hours", 1), ("business_hours_versions", 1),
                     ("business_hours_exempt", 1), ("business_overrides", 1)):
        assert_reports(cp.stdout, table, n)
    # The bytes as the middle database holds them.
    q = "SELECT seq, {} FROM attachment_chunks ORDER BY seq"
    if mid.startswith("sqlite:"):
        con = sqlite3.connect(mid[len("sqlite:"):])
        got = [bytes(d) for _, d in con.execute(q.format("data")).fetchall()]
        con.close()
    else:
        got = [bytes.fromhex(line.split("|")[1]) for line in
               pg_helpers.psql(mid, q.format("encode(data, 'hex')")).splitlines()]
    assert got == chunks
    back = tmp_path / "back.db"
    copied(slotd_bin, mid, f"sqlite:{back}")
    want, have = all_rows(src), all_rows(back)
    for table, (cols, rows) in want.items():
        if table == "slotd_schema" or table == "stats_backfill":
            continue
        assert have[table][0] == cols, table
        assert have[table][1] == rows, f"{table} differs after the copy and back"
    # The filled values were there to lose.
    for table, values in DETAILS.items():
        cols, rows = want[table]
        for col, v in values.items():
            assert v in [r[cols.index(col)] for r in rows], (table, col)
    cols, rows = want["attachment_chunks"]
    assert sorted(r[cols.index("data")] for r in rows) == sorted(chunks)


def test_an_uploaded_attachment_downloads_the_same_after_a_copy(slotd_bin, tmp_path):
    """Through the API: an attachment of ten chunks (more than a copy reads per query)
    uploaded on the source downloads with the same bytes from a server on the destination,
    and from a SQLite file copied back from it."""
    src = f"sqlite:{tmp_path / 'att-src.db'}"
    srv = serve(slotd_bin, src, tmp_path / "fill")
    try:
        t = srv.tenant("copy-att", "Attachments")
        p = mk(t, "/v1/providers", {"name": "Ada", "timezone": "UTC"})["id"]
        t.ok("PUT", f"/v1/providers/{p}/schedule",
             {"weekly": weekdays([("09:00", "17:00")])}, now=NOW)
        s = mk(t, "/v1/services", {"name": "Consult", "duration_minutes": 60,
                                   "provider_ids": [p]})["id"]
        b, _ = new_booking(t, {"service_id": s, "provider_id": p,
                               "start": "2026-03-03T10:00:00Z",
                               "customer": {"name": "X", "email": "x@example.com"}})
        r = t.get(f"/v1/bookings/{b['id']}/attachments", now=NOW, contract=False)
        if r.status_code != 200:
            pytest.skip("no attachment routes in this build")
        data = b"%PDF-1.4\n" + bytes(range(256)) * 1024 * 9 + b"\n%%EOF\n"   # 10 chunks
        a = t.ok("POST", f"/v1/bookings/{b['id']}/attachments", now=NOW, data=data,
                 params={"filename": "scan.pdf"}, headers={"Content-Type": "application/pdf"})
        key = t.key
    finally:
        stop(srv)
    dest = new_dest(tmp_path)
    copied(slotd_bin, src, dest)
    back = f"sqlite:{tmp_path / 'att-back.db'}"
    copied(slotd_bin, dest, back)
    for n, url in enumerate((dest, back)):
        srv = serve(slotd_bin, url, tmp_path / f"srv{n}")
        try:
            r = Api(srv.base, key).get(f"/v1/bookings/{b['id']}/attachments/{a['id']}",
                                       now=NOW)
            assert r.status_code == 200 and r.content == data
        finally:
            stop(srv)


# --- small pages --------------------------------------------------------------------------------

# Tables whose rows a tenant of the source has more of than one small page holds, one of each
# kind of key: a text id, text and integer, an integer (events' seq), a key of its own that is
# not the tenant's (api_keys), two texts, four columns of both kinds (booking_stats).
PAGED = ("bookings", "booking_history", "events", "api_keys", "holidays", "service_providers",
         "schedule_versions", "idempotency_keys", "entry_assignees", "booking_stats")


def per_tenant_counts(path):
    con = sqlite3.connect(path, timeout=30)
    try:
        return {t: max(n for (n,) in con.execute(
            f"SELECT count(*) FROM {t} GROUP BY tenant_id")) for t in PAGED}
    finally:
        con.close()


def test_small_pages_copy_every_row_both_ways(slotd_bin, source, tmp_path):
    """With two rows a page (SLOTD_COPY_PAGE=2) every table is read across page boundaries:
    a server on the destination answers every route as one on the source (with the domain
    details and an attachment added) does, and a copy back into
    SQLite, read in pages from the destination, holds the same rows as the source."""
    small = {"SLOTD_COPY_PAGE": "2"}
    src = tmp_path / "paged.db"
    src.write_bytes(Path(source["url"][len("sqlite:"):]).read_bytes())
    add_details(src, SLUGS[0])
    counts = per_tenant_counts(src)
    assert all(n > 2 for n in counts.values()), counts
    dest = new_dest(tmp_path)
    cp = run_cli(slotd_bin, "copy", "--from", f"sqlite:{src}", "--to", dest, env=small,
                 timeout=180)
    assert cp.returncode == 0, cp.stderr
    assert_reports(cp.stdout, "attachment_chunks", 2)
    snaps = {}
    for name, url in (("src", f"sqlite:{src}"), ("dest", dest)):
        srv = serve(slotd_bin, url, tmp_path / name)
        try:
            snaps[name] = [snapshot(Api(srv.base, source["tenants"][slug]["key"]),
                                    source["tenants"][slug]["holds"]) for slug in SLUGS]
        finally:
            stop(srv)
    for got, want in zip(snaps["dest"], snaps["src"]):
        assert_same(got, want)
    back = tmp_path / "paged-back.db"
    cp = run_cli(slotd_bin, "copy", "--from", dest, "--to", f"sqlite:{back}", env=small,
                 timeout=180)
    assert cp.returncode == 0, cp.stderr
    want, have = all_rows(src), all_rows(back)
    for table, (cols, rows) in want.items():
        if table in ("slotd_schema", "stats_backfill", *WORKER_TABLES):
            continue
        assert have[table] == (cols, rows), f"{table} differs after paged copies"


# --- awkward text and bytes ---------------------------------------------------------------------

# Text that COPY's text format must escape (tab, newline, carriage return, backslash, "\." on a
# line of its own, "\N"), quotes, and characters outside ASCII.
AWKWARD = ["tab\there", "new\nline", "cr\rlf\r\n", "back\\slash \\N \\t \\\\", "\\.",
           "end\n\\.\nmore", "quotes \"double\" 'single' `back`", "emoji 😀🎉 ünïcødé 日本語 ‮rtl",
           "\\", "trailing backslash\\"]


def test_awkward_text_and_bytes_survive_a_copy_both_ways(slotd_bin, tmp_path):
    """Customer names and notes, template texts (one of 20,000 characters) holding tabs,
    newlines, carriage returns, backslashes, "\\." lines, quotes and emoji, an attachment of
    every byte value, NULL next to empty text and 64-bit integer extremes: copied SQLite →
    destination → SQLite in two-row pages, every route answers with the same bytes and every
    row comes back unchanged."""
    src_path = tmp_path / "awkward.db"
    src = f"sqlite:{src_path}"
    srv = serve(slotd_bin, src, tmp_path / "fill")
    try:
        t = srv.tenant("copy-awkward", "Awkward\tName \\ 😀")
        p = mk(t, "/v1/providers", {"name": "Ada\t\\ 😀", "timezone": "UTC"})["id"]
        t.ok("PUT", f"/v1/providers/{p}/schedule",
             {"weekly": weekdays([("08:00", "18:00")])}, now=NOW)
        s = mk(t, "/v1/services", {"name": "Consult", "duration_minutes": 30,
                                   "provider_ids": [p]})["id"]
        bids = []
        for i, v in enumerate(AWKWARD):
            body = {"service_id": s, "provider_id": p,
                    "start": f"2026-03-0{3 + i // 10}T{8 + i % 10:02d}:00:00Z",
                    "customer": {"name": v.replace("\n", " ").replace("\r", " ") or "x",
                                 "email": f"c{i}@example.com"},
                    "notes": v}
            r = post_booking(t, body, f"awk-{i}")
            assert r.status_code == 201, (v, r.text)
            bids.append(r.json()["id"])
        for i, (event, locale) in enumerate((("booking.confirmed", "en"),
                                             ("booking.cancelled", "de"))):
            body = {"subject": AWKWARD[0] + AWKWARD[3] + AWKWARD[4] + AWKWARD[7],
                    "text": "\n".join(AWKWARD) if i == 0 else ("x\\.\t\n" * 4000)[:20000],
                    "html": "<p>" + "</p>\n<p>".join(AWKWARD[3:]) + "</p>"}
            t.ok("PUT", f"/v1/templates/{event}/{locale}", body, status=200, now=NOW)
        data = bytes(range(256)) * 1100 + b"\\.\n\\N\t\r"
        a = t.ok("POST", f"/v1/bookings/{bids[0]}/attachments", now=NOW, data=data,
                 params={"filename": "all\tbytes\\😀.pdf"},
                 headers={"Content-Type": "application/pdf"})
        key = t.key
    finally:
        stop(srv)

    con = sqlite3.connect(src_path)
    try:
        tid = con.execute("SELECT id FROM tenants WHERE slug = 'copy-awkward'").fetchone()[0]
        # NULL and empty text side by side; the 64-bit extremes in BIGINT columns.
        con.execute("UPDATE bookings SET customer_phone = NULL, internal_notes = '' WHERE id = ?",
                    (bids[1],))
        con.execute("UPDATE bookings SET customer_phone = '', internal_notes = NULL WHERE id = ?",
                    (bids[2],))
        con.execute("UPDATE message_templates SET updated_at = ? WHERE locale = 'en'",
                    (-2**63,))
        con.execute("UPDATE message_templates SET updated_at = ? WHERE locale = 'de'",
                    (2**63 - 1,))
        con.execute("INSERT INTO attachments VALUES (?, 'att_empty', ?, 'empty.bin',"
                    " 'application/pdf', 0, 'sha', 1, 'key_x', 1772366700)", (tid, bids[1]))
        con.execute("INSERT INTO attachment_chunks VALUES (?, 'att_empty', 0, x'')", (tid,))
        con.commit()
    finally:
        con.close()

    def answers(url, name):
        srv = serve(slotd_bin, url, tmp_path / name)
        try:
            api = Api(srv.base, key)
            out = {"bookings": [api.get(f"/v1/bookings/{b}", now=NOW).content for b in bids],
                   "templates": [api.get(f"/v1/templates/{ev}/{loc}", now=NOW).content
                                 for ev, loc in (("booking.confirmed", "en"),
                                                 ("booking.cancelled", "de"))],
                   "providers": api.get("/v1/providers", now=NOW).content}
            r = api.get(f"/v1/bookings/{bids[0]}/attachments/{a['id']}", now=NOW)
            assert r.status_code == 200
            out["attachment"] = r.content
            return out
        finally:
            stop(srv)

    want = answers(src, "src")
    assert want["attachment"] == data
    # The awkward values are what the source holds (nothing cleaned them on the way in).
    con = sqlite3.connect(src_path)
    try:
        notes = {n for (n,) in con.execute("SELECT notes FROM bookings")}
    finally:
        con.close()
    assert set(AWKWARD) <= notes, notes
    small = {"SLOTD_COPY_PAGE": "2"}
    mid = new_dest(tmp_path)
    cp = run_cli(slotd_bin, "copy", "--from", src, "--to", mid, env=small, timeout=180)
    assert cp.returncode == 0, cp.stderr
    back_path = tmp_path / "awkward-back.db"
    cp = run_cli(slotd_bin, "copy", "--from", mid, "--to", f"sqlite:{back_path}", env=small,
                 timeout=180)
    assert cp.returncode == 0, cp.stderr
    for url, name in ((mid, "mid"), (f"sqlite:{back_path}", "back")):
        assert answers(url, name) == want, f"{name} answers differently"
    have, rows = all_rows(back_path), all_rows(src_path)
    for table, (cols, got) in rows.items():
        if table in ("slotd_schema", "stats_backfill", *WORKER_TABLES):
            continue
        assert have[table] == (cols, got), f"{table} differs after the copy and back"


def test_a_row_the_destination_refuses_fails_the_copy_cleanly(slotd_bin, source, tmp_path):
    """A row the destination refuses (an API key hash another tenant there already has), sent
    after several pieces of COPY data: exit 1, nothing written, an error naming the table and
    the constraint; the destination serves its own tenant afterwards."""
    src = tmp_path / "refused.db"
    src.write_bytes(Path(source["url"][len("sqlite:"):]).read_bytes())
    con = sqlite3.connect(src)
    try:
        tid = con.execute("SELECT id FROM tenants WHERE slug = ?", (SLUGS[0],)).fetchone()[0]
        con.executemany("INSERT INTO api_keys(key_hash, tenant_id, role, created_at, id, name,"
                        " scoped) VALUES (?, ?, 'staff', 1772366400, ?, ?, 0)",
                        [(f"zz{i:06d}", tid, f"key_bulk{i:06d}", "bulk key " + "n" * 60)
                         for i in range(3000)])
        con.commit()
    finally:
        con.close()
    dest = new_dest(tmp_path)
    key = create_tenant(slotd_bin, dest, "already-here")
    sql = ("INSERT INTO api_keys(key_hash, tenant_id, role, created_at, id, name, scoped)"
           " SELECT 'zz002999', id, 'staff', 1, 'key_taken', 'taken', 0 FROM tenants")
    if dest.startswith("sqlite:"):
        con = sqlite3.connect(dest[len("sqlite:"):])
        con.execute(sql)
        con.commit()
        con.close()
    else:
        pg_helpers.psql(dest, sql)
    cp = refused(slotd_bin, f"sqlite:{src}", dest, "--tenant", SLUGS[0])
    assert "api_keys" in cp.stderr and "conflict" in cp.stderr, cp.stderr
    assert data_rows(table_counts(dest))["tenants"] == 1
    srv = serve(slotd_bin, dest, tmp_path / "srv")
    try:
        assert Api(srv.base, key).ok("GET", "/v1/providers")["data"] == []
    finally:
        stop(srv)
