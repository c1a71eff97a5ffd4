"""Idempotency keys are kept 24 hours; each keyed create also deletes a bounded batch of
expired keys (64, of any tenant), the oldest first, so the table stays small without a
background job and a create never scans it whole. Checked in the database itself, on a
server of its own (other tests' keys would be in the count)."""
import sqlite3
import uuid

import pg_helpers
from booking_helpers import at, body_for, post
from conftest import weekdays

NY = "America/New_York"
MON = "2026-01-05"
BATCH = 64
OLD = 70  # more expired keys than one batch


def keys(srv):
    """Every stored idempotency key, oldest first."""
    sql = "SELECT key FROM idempotency_keys ORDER BY created_at, key"
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=30)
        try:
            return [r[0] for r in con.execute(sql)]
        finally:
            con.close()
    return pg_helpers.psql(srv.db_url, sql).split()


def weekday_service(t):
    """The id of a 60-minute service of one provider open 09:00-17:00 on weekdays."""
    p = t.provider("Weekdays", NY)
    t.schedule(p["id"], weekdays([("09:00", "17:00")]))
    return t.service([p["id"]])["id"]


def minute(i):
    """2026-01-01 at 00:00 plus i minutes, as RFC 3339."""
    return f"2026-01-01T{i // 60:02d}:{i % 60:02d}:00Z"


def test_a_keyed_create_purges_the_oldest_expired_keys_in_a_bounded_batch(start_server):
    srv = start_server()
    t, other = srv.tenant(), srv.tenant()
    sid, other_sid = weekday_service(t), weekday_service(other)
    # A Sunday start: every request is decided (422, not bookable) and stored under its key,
    # one a minute, in two tenants (the purge is not per tenant).
    sunday = body_for(sid, at("2026-01-04", "10:00"))
    made = []
    for i in range(OLD):
        k = f"old-{i:03d}-{uuid.uuid4().hex[:6]}"
        if i % 2:
            r = post(other, body_for(other_sid, at("2026-01-04", "10:00")), k, now=minute(i))
        else:
            r = post(t, sunday, k, now=minute(i))
        assert r.status_code == 422, r.text
        made.append(k)
    assert keys(srv) == made
    # Still young a day after the first: nothing goes.
    fresh = "young-" + uuid.uuid4().hex[:6]
    assert post(t, sunday, fresh, now="2026-01-01T23:59:00Z").status_code == 422
    assert keys(srv) == made + [fresh]
    # 24 h 30 min after the first: the keys of minutes 0-30 expired. One keyed create takes
    # them all (under one batch) and leaves the younger ones and its own.
    later = "later-" + uuid.uuid4().hex[:6]
    r = post(t, body_for(sid, at(MON, "10:00")), later, now="2026-01-02T00:30:30Z")
    assert r.status_code == 201, r.text
    assert keys(srv) == made[31:] + [fresh, later]
    # Two days on, the 39 old ones left, the young one and "later" expired: a batch of 64
    # takes the 41, the newest key stays.
    last = "last-" + uuid.uuid4().hex[:6]
    r = post(t, body_for(sid, at(MON, "11:00")), last, now="2026-01-04T00:00:00Z")
    assert r.status_code == 201, r.text
    assert keys(srv) == [last]


def test_a_backlog_of_expired_keys_goes_a_batch_per_create_oldest_first(start_server):
    srv = start_server()
    t = srv.tenant()
    sid = weekday_service(t)
    sunday = body_for(sid, at("2026-01-04", "10:00"))
    made = {}
    # Stored out of the order of their times (minute 37 i mod 70): the oldest are not the
    # first stored.
    for i in range(OLD):
        m = 37 * i % OLD
        k = f"b-{m:03d}-{uuid.uuid4().hex[:6]}"
        assert post(t, sunday, k, now=minute(m)).status_code == 422
        made[m] = k
    made = [made[m] for m in range(OLD)]
    assert keys(srv) == made
    # Three days on, all 70 expired: the first create removes the 64 oldest, not any 64.
    k1 = "n1-" + uuid.uuid4().hex[:6]
    assert post(t, body_for(sid, at(MON, "10:00")), k1,
                now="2026-01-04T00:00:00Z").status_code == 201
    assert keys(srv) == made[BATCH:] + [k1]
    k2 = "n2-" + uuid.uuid4().hex[:6]
    assert post(t, body_for(sid, at(MON, "11:00")), k2,
                now="2026-01-04T00:01:00Z").status_code == 201
    assert keys(srv) == [k1, k2]
