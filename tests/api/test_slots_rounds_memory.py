"""Any-provider slots of a service with more providers than one load round (512) read the
commitments of the tenant once per query only while they are few: a tenant whose other
services hold 170,000 bookings over the dates asked for (one-second bookings of 400 providers
outside the service, put in the database directly) must not have them all held in the
request's memory (its peak rose 64 MB); the answer is the schedules' all the same. Peak memory is read
from /proc (VmHWM after a reset). SQLite only: PostgreSQL's overlap check makes the set-up's
170,000 inserts take minutes.
"""
import concurrent.futures as cf
import os
import sqlite3

import pg_helpers
import pytest
from conftest import peak_rise, weekdays

DAY = "2026-03-10"              # a Tuesday
DAY_UTC = 1773100800            # 2026-03-10T00:00:00Z
N = 520                         # past one round of 512
OTHER = 172_800                 # one-second bookings over two days around DAY
P = 400                         # providers outside the service they are spread over
NOW = "2026-03-01T00:00:00Z"


def sql(srv, text):
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=60)
        try:
            con.execute(text)
            con.commit()
        finally:
            con.close()
    else:
        pg_helpers.psql(srv.db_url, text)


def srv_tenant(srv, provider_id):
    """The tenant id of a provider, read from the database."""
    text = f"SELECT tenant_id FROM providers WHERE id = '{provider_id}'"
    if srv.backend == "sqlite":
        con = sqlite3.connect(srv.db_path, timeout=60)
        try:
            return con.execute(text).fetchone()[0]
        finally:
            con.close()
    return pg_helpers.psql(srv.db_url, text).strip()


def test_many_bookings_of_other_services_are_not_all_held(start_server):
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=1"]))
    srv = start_server(args=["--request-budget-ms", "120000"],
                       env={"ASAN_OPTIONS": asan, "SLOTD_RATE_LIMITS": "off"})
    if srv.backend != "sqlite":
        pytest.skip("the set-up's bulk insert takes minutes on PostgreSQL")
    t = srv.tenant()

    def make(i):
        pid = t.provider(f"R{i:03d}", timezone="UTC")["id"]
        t.schedule(pid, weekdays([("09:00", "13:00")]))
        return pid

    with cf.ThreadPoolExecutor(4) as ex:
        pids = list(ex.map(make, range(N)))
    sid = t.service([], name="Any", duration_minutes=60, slot_step_minutes=60)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": pids})
    assert r.status_code == 200, r.text
    with cf.ThreadPoolExecutor(4) as ex:
        others = list(ex.map(lambda i: t.provider(f"O{i:03d}", timezone="UTC")["id"],
                             range(P)))
    other = others[0]
    t.schedule(other, weekdays([("09:00", "10:00")]))
    other_sid = t.service([other], name="Other", duration_minutes=60)["id"]
    r = t.post("/v1/bookings", {"service_id": other_sid, "provider_id": other,
                                "start": f"{DAY}T09:00:00Z",
                                "customer": {"name": "Ann", "email": "ann@example.com"}},
               headers={"Idempotency-Key": "rounds-memory-first"}, now=NOW)
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    # Out of the way of its copies.
    sql(srv, f"UPDATE bookings SET active = 0, status = 'cancelled' WHERE id = '{first}'")
    # Copies of that booking a second long each, back to back from a day before DAY, the
    # i-th of provider i mod P outside the service.
    start = DAY_UTC - 86400
    sql(srv, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
             f" WHERE i < {OTHER - 1}), p(id, k) AS (SELECT id,"
             " row_number() OVER (ORDER BY id) - 1 FROM providers"
             f" WHERE tenant_id = '{srv_tenant(srv, other)}' AND name LIKE 'O%')"
             " INSERT INTO bookings (tenant_id, id, reference, service_id, provider_id,"
             " start_utc, end_utc, block_start, block_end, capacity, status, active,"
             " customer_name, customer_email, manage_token_hash, created_at, updated_at)"
             " SELECT b.tenant_id, b.id || '-' || n.i, b.reference || '-' || n.i,"
             f" b.service_id, p.id, {start} + n.i, {start} + n.i + 1,"
             f" {start} + n.i, {start} + n.i + 1, 1, 'confirmed', 1, b.customer_name,"
             " b.customer_email, b.manage_token_hash || '-' || n.i, b.created_at,"
             f" b.updated_at FROM bookings b, n, p WHERE b.id = '{first}' AND p.k = n.i % {P}")

    params = {"service_id": sid, "from": DAY, "to": DAY, "timezone": "UTC",
              "group": "start"}
    r = t.get("/v1/slots", params=params, now=NOW)       # warm: the cache holds the records
    assert r.status_code == 200, r.text
    answer, rise = peak_rise(srv, t, "/v1/slots", params, NOW)
    got = {(g["start"], g["providers_free"]) for g in answer["slots"]}
    assert got == {(f"{DAY}T{h:02d}:00:00Z", N) for h in range(9, 13)}
    assert rise < 24 * 1024, f"the query's peak rose {rise} kB"
