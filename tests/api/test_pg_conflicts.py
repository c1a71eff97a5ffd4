"""PostgreSQL only: what the database itself guarantees under slotd, and how slotd answers
when PostgreSQL aborts one of its transactions.

- The exclusion constraint bookings_no_overlap refuses an overlapping active booking even when
  it is written behind slotd's back (SQLSTATE 23P01), while seats of one group session may
  share their time.
- A booking whose transaction PostgreSQL aborts as a deadlock victim (40P01) is run again by
  slotd and answered 201, once.
- Write transactions of one tenant wait for each other across connections (the tenant's
  advisory lock), and a held lock delays but does not fail a booking.
"""
import subprocess
import threading
import time

import pytest

import pg_helpers
from booking_helpers import book, consult_tenant
from conftest import Api

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

START = "2026-03-02T15:00:00Z"      # 10:00 in New York, a Monday
LOCK_SQL = "pg_advisory_xact_lock(1936486260, hashtext('{tenant}'))"


def sql(server, text):
    return pg_helpers.psql(server.db_url, text).strip()


def tenant_id(server, t):
    return sql(server, f"SELECT id FROM tenants WHERE slug = '{t.slug}'")


def deadlocks(server):
    return int(sql(server, "SELECT deadlocks FROM pg_stat_database"
                           " WHERE datname = current_database()"))


def psql_background(server, script):
    """Runs script in its own psql session without waiting; returns the Popen."""
    return subprocess.Popen([pg_helpers._bin("psql"), "-XAtq", "-v", "ON_ERROR_STOP=1",
                             "-d", server.db_url, "-c", script],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def insert_booking(server, tenant, c, bid, start, end, capacity=1, service=None):
    return pg_helpers.psql(
        server.db_url,
        "INSERT INTO bookings(tenant_id, id, reference, service_id, provider_id, start_utc,"
        " end_utc, block_start, block_end, capacity, status, active, customer_name,"
        " customer_email, manage_token_hash, created_at, updated_at) VALUES"
        f" ('{tenant}', '{bid}', '{bid}', '{service or c.sid}', '{c.pid}', {start}, {end},"
        f" {start}, {end}, {capacity}, 'confirmed', 1, 'X', 'x@example.com', '{bid}', 0, 0)")


def test_exclusion_constraint_refuses_an_overlap_written_behind_slotds_back(server):
    c = consult_tenant(server)
    tenant = tenant_id(server, c.t)
    insert_booking(server, tenant, c, "bkg_direct_1", 1900000000, 1900003600)
    with pytest.raises(RuntimeError) as info:
        insert_booking(server, tenant, c, "bkg_direct_2", 1900001800, 1900005400)
    assert "bookings_no_overlap" in str(info.value)
    # Back to back is not an overlap ([start, end) ranges).
    insert_booking(server, tenant, c, "bkg_direct_3", 1900003600, 1900007200)
    # A cancelled booking does not take part.
    sql(server, "UPDATE bookings SET active = 0, status = 'cancelled' WHERE id = 'bkg_direct_1'")
    insert_booking(server, tenant, c, "bkg_direct_4", 1900000000, 1900003600)
    assert sql(server, "SELECT count(*) FROM bookings WHERE active = 1 AND id LIKE "
                       "'bkg_direct_%'") == "2"


def test_exclusion_constraint_lets_seats_of_one_group_share_their_time(server):
    c = consult_tenant(server)
    group = c.t.service([c.pid], "Class", 60, capacity=3)
    tenant = tenant_id(server, c.t)
    for i in range(3):
        insert_booking(server, tenant, c, f"bkg_seat_{i}", 1910000000, 1910003600,
                       capacity=3, service=group["id"])
    # A one-to-one booking over the class is refused by the constraint.
    with pytest.raises(RuntimeError) as info:
        insert_booking(server, tenant, c, "bkg_single", 1910000000, 1910003600)
    assert "bookings_no_overlap" in str(info.value)
    # So is a seat of the same service at another, overlapping start.
    with pytest.raises(RuntimeError):
        insert_booking(server, tenant, c, "bkg_seat_x", 1910001800, 1910005400, capacity=3,
                       service=group["id"])


def test_slot_taken_through_the_api_after_a_direct_insert(server):
    """The application check sees rows it did not write, and answers 409."""
    c = consult_tenant(server)
    tenant = tenant_id(server, c.t)
    # 2026-03-02T15:00:00Z
    insert_booking(server, tenant, c, "bkg_outside", 1772463600, 1772467200)
    r = book(c.t, c.sid, START)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "slot_taken"


def test_a_deadlock_victim_is_run_again_and_booked_once(server):
    """psql locks the service row (FOR UPDATE), then asks for the tenant's write lock while
    slotd, holding that lock, waits on the row for the booking's foreign key: PostgreSQL
    aborts one side with 40P01. slotd's transaction waited first, so it is the one the
    deadlock check aborts; slotd runs it again once psql has finished, and answers 201."""
    c = consult_tenant(server)
    tenant = tenant_id(server, c.t)
    before = deadlocks(server)
    session = psql_background(
        server,
        f"BEGIN; SELECT 1 FROM services WHERE id = '{c.sid}' FOR UPDATE;"
        f" SELECT pg_sleep(1.0); SELECT {LOCK_SQL.format(tenant=tenant)}; COMMIT;")
    time.sleep(0.3)         # psql holds the row lock now
    r = book(c.t, c.sid, START)
    out, err = session.communicate(timeout=30)
    assert r.status_code == 201, r.text
    assert session.returncode == 0, f"psql was the deadlock victim instead: {err}"
    assert sql(server, f"SELECT count(*) FROM bookings WHERE tenant_id = '{tenant}'") == "1"
    assert sql(server, f"SELECT count(*) FROM booking_history WHERE tenant_id = '{tenant}'") \
        == "1"
    # The deadlock did happen (statistics reach pg_stat_database within a second or so).
    deadline = time.monotonic() + 10
    while deadlocks(server) <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert deadlocks(server) > before


def _in_thread(fn):
    box = {}
    th = threading.Thread(target=lambda: box.setdefault("r", fn()))
    th.start()
    return th, box


def test_a_held_tenant_lock_delays_a_booking_but_does_not_fail_it(server):
    c = consult_tenant(server)
    other = consult_tenant(server)
    tenant = tenant_id(server, c.t)
    session = psql_background(
        server, f"BEGIN; SELECT {LOCK_SQL.format(tenant=tenant)}; SELECT pg_sleep(3); COMMIT;")
    time.sleep(0.5)         # psql holds the tenant's lock now
    th, box = _in_thread(lambda: book(c.t, c.sid, START))
    # Another tenant's write goes through while the lock is held. It comes on a new
    # connection: an HTTP worker thread serves the connections it accepted one request at a
    # time, so a kept-alive connection of the waiting thread would wait with it.
    # (It also waits until the first booking is inside its handler: a worker that wakes up to
    # both requests at once may accept the new connection and then block on the first.)
    time.sleep(0.5)
    fresh = Api(other.t.base, other.t.key)
    r = book(fresh, other.sid, START)
    assert r.status_code == 201, r.text
    assert session.poll() is None, "the lock was released before the other tenant's booking"
    # ...while this tenant's booking waits for it.
    assert th.is_alive(), "the booking did not wait for the tenant's lock"
    session.communicate(timeout=30)
    th.join(timeout=30)
    assert box["r"].status_code == 201, box["r"].text


def test_filters_that_are_not_utf8_are_422_not_500(server):
    """PostgreSQL refuses text that is not UTF-8 (SQLSTATE 22021): a client error."""
    c = consult_tenant(server)
    for path, query in (("/v1/bookings", "customer_email=%FF"),
                        ("/v1/bookings", "provider_id=%C3%28"),
                        ("/v1/bookings", "service_id=abc%FFdef"),
                        ("/v1/waitlist", "service_id=%FF")):
        r = c.t.get(f"{path}?{query}")
        assert r.status_code == 422, (path, query, r.status_code, r.text)
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert "UTF-8" in r.json()["detail"]
