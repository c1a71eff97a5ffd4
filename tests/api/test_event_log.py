"""The event log at scale and over time: filters other than the subject read bounded runs of
seqs (a page may be short and still say where to go on), an object's trail is one read, and
the retention setting purges old events at start without breaking the sequence.

Large logs are made by writing rows behind slotd's back (SQLite with sqlite3, PostgreSQL with
psql), as the migration's shape of the events table allows."""
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

import pg_helpers
from conftest import Api, Server, create_tenant, new_db_url

NOW = "2026-03-01T12:00:00Z"
WINDOW = 10000            # seqs one filtered request reads
FILLER = 25000            # synthetic events
RARE = (12345, 24000)     # offsets (past the tenant's own events) of the two rare ones


def events(t, **params):
    return t.ok("GET", "/v1/events", params=params)


def tenant_id(t):
    """The tenant's id: the subject of policy.updated."""
    t.ok("PUT", "/v1/policy", {}, now=NOW)
    ev = events(t, type="policy.updated")["data"]
    assert ev and ev[-1]["subject_id"].startswith("ten_"), ev
    return ev[-1]["subject_id"]


def last_seq(t):
    after, last = 0, 0
    while True:
        page = events(t, after=after, limit=200)
        if page["data"]:
            last = page["data"][-1]["seq"]
        if page["next_after"] is None:
            return last
        after = page["next_after"]


def insert_events(srv, tenant, first_seq, n, rare):
    """n events from first_seq on: type filler.kind, but rare.kind (subject rare_subject) at
    the offsets in rare."""
    cols = ("tenant_id, seq, id, type, subject_id, actor_type, actor_id, actor_role,"
            " request_id, payload, changes, created_at")
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=30)
        rows = []
        for i in range(n):
            kind = "rare.kind" if i in rare else "filler.kind"
            subject = "rare_subject" if i in rare else f"sub_{i}"
            rows.append((tenant, first_seq + i, f"evt_{first_seq + i:020d}", kind, subject,
                         "system", "test", None, None, "{}", None, 1772366400))
        with con:
            con.executemany(f"INSERT INTO events({cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            rows)
        con.close()
        return
    rare_list = ",".join(str(first_seq + i) for i in rare)
    pg_helpers.psql(srv.db_url, f"""
        INSERT INTO events({cols})
        SELECT '{tenant}', s, 'evt_' || lpad(s::text, 20, '0'),
               CASE WHEN s IN ({rare_list}) THEN 'rare.kind' ELSE 'filler.kind' END,
               CASE WHEN s IN ({rare_list}) THEN 'rare_subject' ELSE 'sub_' || s END,
               'system', 'test', NULL, NULL, '{{}}', NULL, 1772366400
        FROM generate_series({first_seq}, {first_seq + n - 1}) s""")


@pytest.fixture(scope="module")
def big(server):
    """A tenant whose log holds FILLER more events, two of them rare."""
    t = server.tenant()
    tid = tenant_id(t)
    base = last_seq(t)
    insert_events(server, tid, base + 1, FILLER, RARE)
    return t, base


def test_a_type_filter_reads_bounded_runs_and_says_where_to_go_on(big):
    t, base = big
    want = [base + 1 + RARE[0], base + 1 + RARE[1]]
    got, after, calls = [], 0, 0
    while True:
        page = events(t, type="rare.kind", after=after)
        calls += 1
        got += [e["seq"] for e in page["data"]]
        assert all(e["type"] == "rare.kind" for e in page["data"])
        if page["next_after"] is None:
            break
        # A short page goes on from the end of the run it read, never backwards.
        assert page["next_after"] > after
        assert page["next_after"] - after <= WINDOW or page["data"]
        after = page["next_after"]
    assert got == want
    # The log is over two windows long: it took several calls, each reading one window.
    assert calls == (base + FILLER) // WINDOW + 1


def test_first_window_is_empty_but_not_the_end(big):
    t, base = big
    page = events(t, type="rare.kind")
    assert page["data"] == [] and page["next_after"] == WINDOW


def test_the_subject_trail_is_one_read(big):
    t, base = big
    page = events(t, subject_id="rare_subject")
    assert [e["seq"] for e in page["data"]] == [base + 1 + RARE[0], base + 1 + RARE[1]]
    assert page["next_after"] is None


def test_unfiltered_pages_are_full(big):
    t, base = big
    page = events(t, after=100, limit=200)
    assert [e["seq"] for e in page["data"]] == list(range(101, 301))
    assert page["next_after"] == 300


def test_new_events_continue_after_the_last(big):
    t, base = big
    p = t.ok("POST", "/v1/providers", {"name": "After", "timezone": "UTC"}, now=NOW)
    page = events(t, subject_id=p["id"])
    assert [e["seq"] for e in page["data"]] == [base + FILLER + 1]


# --- retention ---------------------------------------------------------------------------------

def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def backdate(srv, epoch):
    sql = f"UPDATE events SET created_at = {epoch} WHERE type = 'key.created'"
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=30)
        with con:
            con.execute(sql)
        con.close()
    else:
        pg_helpers.psql(srv.db_url, sql)


def test_retention_purges_old_events_at_start_and_keeps_the_sequence(slotd_bin, tmp_path):
    url = new_db_url(tmp_path)
    real_now = datetime.now(timezone.utc)
    old, recent = iso(real_now - timedelta(days=60)), iso(real_now - timedelta(days=1))
    srv = Server(slotd_bin, None, tmp_path, db_url=url).start()
    try:
        a = Api(srv.base, create_tenant(slotd_bin, url, "keep-recent"))
        b = Api(srv.base, create_tenant(slotd_bin, url, "only-old"))
        # `slotd tenant create` stamps key.created with the real clock; the purge reads from
        # the oldest seq on and stops at the first young event, so date it back with the rest.
        backdate(srv, int((real_now - timedelta(days=61)).timestamp()))
        for i in range(3):
            a.ok("POST", "/v1/providers", {"name": f"old {i}", "timezone": "UTC"}, now=old)
            b.ok("POST", "/v1/providers", {"name": f"old {i}", "timezone": "UTC"}, now=old)
        kept = [a.ok("POST", "/v1/providers", {"name": f"new {i}", "timezone": "UTC"},
                     now=recent)["id"] for i in range(2)]
        before_a, before_b = events(a, limit=200)["data"], events(b, limit=200)["data"]
        assert len(before_a) == 6 and len(before_b) == 4     # key.created and the writes
    finally:
        assert srv.stop() == 0
    srv = Server(slotd_bin, None, tmp_path, db_url=url, args=["--event-retention-days", "30"])
    srv.start()
    try:
        a, b = Api(srv.base, a.key), Api(srv.base, b.key)
        after_a, after_b = events(a, limit=200)["data"], events(b, limit=200)["data"]
        # Only the recent two stay, with their seqs.
        assert [(e["type"], e["subject_id"]) for e in after_a] == \
            [("provider.created", k) for k in kept]
        assert [e["seq"] for e in after_a] == [e["seq"] for e in before_a[-2:]]
        # A tenant whose events are all old keeps its last one, and numbering goes on.
        assert after_b == [before_b[-1]]
        p = b.ok("POST", "/v1/providers", {"name": "later", "timezone": "UTC"}, now=recent)
        assert events(b, subject_id=p["id"])["data"][0]["seq"] == before_b[-1]["seq"] + 1
    finally:
        assert srv.stop() == 0
        srv.drop_db()


def test_retention_setting_is_checked(slotd_bin, tmp_path):
    from conftest import run_cli
    for bad in ("-1", "x", "36501"):
        cp = run_cli(slotd_bin, "serve", "--db", f"sqlite:{tmp_path / 'x.db'}",
                     "--listen", "127.0.0.1:0", "--event-retention-days", bad)
        assert cp.returncode == 2 and "--event-retention-days" in cp.stderr, cp.stderr
