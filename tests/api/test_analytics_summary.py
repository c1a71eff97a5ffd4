"""The per-day booking summary behind GET /v1/analytics stays equal to the bookings it sums.

Every booking write rewrites the summary of the provider's UTC day in its own transaction
(creation, status changes with fees and waivers, a reschedule to another day, group seats).
Both tests compare the answers read from the summary as kept by those writes with the answers
after the summary was thrown away and rebuilt from the bookings at start-up (the path a
database from before analytics takes), and with the answer that reads the bookings
themselves (a zone whose period boundaries are not UTC midnights).
"""
import sqlite3

import pg_helpers
from booking_helpers import acted, booked
from conftest import Api, Server, weekdays

NOW = "2026-03-01T00:00:00Z"


def analytics(t, **params):
    r = t.get("/v1/analytics", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def sql(server, statement, *args):
    """Runs one statement on the server's database (stopped, for SQLite); returns the rows."""
    if server.backend == "sqlite":
        db = sqlite3.connect(server.db_path)
        try:
            rows = db.execute(statement, args).fetchall()
            db.commit()
            return rows
        finally:
            db.close()
    for i, a in enumerate(args, 1):
        statement = statement.replace(f"?{i}", "'" + str(a).replace("'", "''") + "'")
    out = pg_helpers.psql(server.db_url, statement)
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def busy_tenant(server):
    """Two providers in New York, a 60-minute service at 80.00 EUR, a group class (3 seats)
    and a policy with a 24 h deadline and fees; bookings in every state, a waiver and a
    reschedule from Monday evening (Tuesday in UTC) to Wednesday."""
    t = server.tenant()
    p1 = t.provider("One", "America/New_York")["id"]
    p2 = t.provider("Two", "America/New_York")["id"]
    for p in (p1, p2):
        t.schedule(p, weekdays([("09:00", "21:00")]))
    svc = t.service([p1, p2], "Consult", 60, price="80.00", currency="EUR")["id"]
    grp = t.service([p2], "Class", 90, price="15.5", currency="USD", capacity=3)["id"]
    t.ok("PUT", "/v1/policy", {"cancellation_deadline_hours": 24,
                                "late_cancellation_fees": [{"within_hours": 24, "percent": 50}],
                                "no_show_fee_percent": 100})
    late = booked(t, svc, "2026-03-02T10:00:00-05:00", p1, now=NOW)
    acted(t, late["id"], "cancel", {"force": True}, now="2026-03-02T08:00:00-05:00")
    early = booked(t, svc, "2026-03-02T11:00:00-05:00", p1, now=NOW)
    acted(t, early["id"], "cancel", now=NOW)
    waived = booked(t, svc, "2026-03-02T12:00:00-05:00", p1, now=NOW)
    acted(t, waived["id"], "cancel", {"force": True, "waive_fee": True},
          now="2026-03-02T11:00:00-05:00")
    done = booked(t, svc, "2026-03-03T10:00:00-05:00", p2, now=NOW)
    acted(t, done["id"], "complete", now="2026-03-03T11:00:00-05:00")
    gone = booked(t, svc, "2026-03-03T12:00:00-05:00", p2, now=NOW)
    acted(t, gone["id"], "no-show", now="2026-03-03T12:30:00-05:00")
    moved = booked(t, svc, "2026-03-02T20:00:00-05:00", p1, now=NOW)
    t.ok("POST", f"/v1/bookings/{moved['id']}/reschedule",
         {"start": "2026-03-04T09:00:00-05:00"}, status=200, now=NOW)
    for i in range(3):
        booked(t, grp, "2026-03-05T18:00:00-05:00", p2, now=NOW,
               customer={"name": f"Seat {i}", "email": f"seat{i}@example.com"})
    return t


QUERIES = [
    {"from": "2026-03-01", "to": "2026-03-07", "group_by": "day", "breakdown": "provider"},
    {"from": "2026-03-01", "to": "2026-03-07", "group_by": "day", "breakdown": "service"},
    {"from": "2026-03-01", "to": "2026-03-31", "group_by": "week",
     "timezone": "America/New_York"},
]


def test_the_summary_kept_by_writes_equals_one_rebuilt_from_the_bookings(start_server):
    srv = start_server()
    t = busy_tenant(srv)
    before = [analytics(t, **q) for q in QUERIES]
    tot = before[0]["totals"]
    # The writes above are all counted (a sanity check of the fixture, by hand): 9 bookings,
    # 3 cancelled (1 late by the deadline, the waived one late too), 1 completed, 1 no-show.
    assert (tot["bookings"], tot["cancelled"], tot["cancelled_late"], tot["completed"],
            tot["no_show"], tot["reschedules"]) == (9, 3, 2, 1, 1, 1)
    assert {m["currency"]: (m["completed"], m["fees_charged"], m["fees_waived"])
            for m in tot["revenue"]} == {"EUR": ("80.00", "120.00", "40.00"),
                                         "USD": ("0.00", "0.00", "0.00")}
    # Monday 20:00 New York is Tuesday 01:00 UTC: the move emptied Tuesday's summary day.
    tue = [s for s in before[0]["series"] if s["label"] == "2026-03-03"][0]
    assert tue["bookings"] == 2, tue
    tenant = sql(srv, "SELECT tenant_id FROM booking_stats LIMIT 1")[0][0]
    assert srv.stop() == 0
    sql(srv, "DELETE FROM booking_stats")
    sql(srv, "INSERT INTO stats_backfill(tenant_id) VALUES (?1)", tenant)
    again = Server(srv.binary, None, srv.workdir, db_url=srv.db_url).start()
    try:
        t = Api(again.base, t.key, t.slug)
        assert [analytics(t, **q) for q in QUERIES] == before
    finally:
        assert again.stop() == 0
    assert sql(srv, "SELECT count(*) FROM stats_backfill")[0][0] in (0, "0")


def test_the_summary_agrees_with_the_bookings_read_directly(start_server):
    srv = start_server()
    t = busy_tenant(srv)
    # One period of a whole number of UTC days reads only the summary; the same range in
    # Kolkata (+05:30) cuts both ends and reads those two days' bookings. Every booking is
    # well inside both, so the figures must be the same.
    utc = analytics(t, **{"from": "2026-02-28", "to": "2026-03-08", "group_by": "month",
                          "timezone": "UTC"})
    ist = analytics(t, **{"from": "2026-02-28", "to": "2026-03-08", "group_by": "month",
                          "timezone": "Asia/Kolkata"})
    keep = ("bookings", "pending", "confirmed", "cancelled", "cancelled_early",
            "cancelled_late", "completed", "no_show", "reschedules", "booked_minutes",
            "lead_time_p50_hours", "lead_time_p90_hours", "average_duration_minutes",
            "revenue")
    assert {k: utc["totals"][k] for k in keep} == {k: ist["totals"][k] for k in keep}
    # The group class's three seats hold its 90 minutes once.
    svc = analytics(t, **{"from": "2026-03-05", "to": "2026-03-06", "breakdown": "service",
                          "timezone": "America/New_York"})
    cls = [g for g in svc["groups"] if g["name"] == "Class"][0]["totals"]
    assert (cls["bookings"], cls["booked_minutes"]) == (3, 90)


def test_a_day_of_many_services_is_summarised_without_limit(start_server):
    # One provider's day with 70 services booked back to back: the summary holds a row per
    # service (and one for all), and no booking is refused because of it.
    srv = start_server()
    t = srv.tenant()
    p = t.provider("Busy", "UTC")["id"]
    t.schedule(p, weekdays([("08:00", "20:00")]))
    sids = [t.service([p], f"S{i:02d}", 5)["id"] for i in range(70)]
    for i, sid in enumerate(sids):
        booked(t, sid, f"2026-06-01T{8 + i * 5 // 60:02d}:{i * 5 % 60:02d}:00Z", p, now=NOW)
    a = analytics(t, **{"from": "2026-06-01", "to": "2026-06-01", "breakdown": "service"})
    assert (a["totals"]["bookings"], a["totals"]["booked_minutes"]) == (70, 350)
    assert sorted(g["service_id"] for g in a["groups"]) == sorted(sids)


def test_other_answers_keep_every_digit_of_client_numbers(start_server):
    # The figures' rounded reals are written with 12 digits; a booking's metadata, which is
    # the client's own JSON, keeps all of its digits on every read.
    srv = start_server()
    t = srv.tenant()
    p = t.provider("One", "UTC")["id"]
    t.schedule(p, weekdays([("08:00", "20:00")]))
    sid = t.service([p], "S", 30)["id"]
    meta = {"lat": 52.520008123456789, "x": 0.1234567890123456}
    b = booked(t, sid, "2026-06-01T09:00:00Z", p, now=NOW, metadata=meta)
    assert b["metadata"] == meta
    assert t.ok("GET", f"/v1/bookings/{b['id']}")["metadata"] == meta
