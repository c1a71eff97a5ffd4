"""POST /v1/bookings without provider_id judges each provider of the service with its own terms
(docs/api.md, "A provider's price and duration"), across the chunks the providers are loaded
in: a provider whose own duration does not fit before closing cannot take the start, one
whose shorter own duration fits can, and the booking lasts the chosen provider's duration.

Set-up: one tenant, 200 providers (UTC) of one 60-minute service, in the service's order;
only 40, 70 and 150 have hours (weekdays). 40: 09:00-17:00, own duration 120 minutes (its
starts 09:00, 11:00, 13:00, 15:00). 70: 09:00-17:00, the service's 60 minutes. 150:
09:00-16:30, own duration 30 minutes. Every tenth of the others (0, 10, ...) has an own
duration of 45 minutes, so the service has many own terms. Monday 2 Mar 2026; "now" is Sun 1 Mar 12:00Z.
Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import booking_helpers
from conftest import weekdays

N = 200
NOW = "2026-03-01T12:00:00Z"
MON = "2026-03-02"


def utc(hm):
    return f"{MON}T{hm}:00Z"


def book_any(t, sid, start, i):
    r = booking_helpers.book(t, sid, start, now=NOW,
                             customer={"name": f"C{i}", "email": f"c{i}@example.com"})
    return r


def test_any_provider_is_judged_with_its_own_duration(server):
    t = server.tenant()
    ids = [t.provider(f"P{i:03d}", "UTC")["id"] for i in range(N)]
    sid = t.service(ids[:1], "Consult", 60)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": ids[1:]})
    assert r.status_code == 200, r.text
    order = sorted(ids)
    t.schedule(order[40], weekdays([("09:00", "17:00")]))
    t.schedule(order[70], weekdays([("09:00", "17:00")]))
    t.schedule(order[150], weekdays([("09:00", "16:30")]))
    own = {40: 120, 150: 30}
    own.update({i: 45 for i in range(0, N, 10) if i not in (40, 70, 150)})
    for i, minutes in own.items():
        t.ok("PUT", f"/v1/services/{sid}/providers/{order[i]}", {"duration_minutes": minutes})

    def pick(start, i):
        r = book_any(t, sid, utc(start), i)
        assert r.status_code == 201, r.text
        b = r.json()
        return order.index(b["provider_id"]), b["end"]

    # 16:00: not 40 (its 120 minutes would end at 18:00, after closing), but 70, free all
    # around the start, for the service's hour.
    assert pick("16:00", 0) == (70, utc("17:00"))
    # 16:00 again: 70 is taken; 150's own 30 minutes end at its closing time.
    assert pick("16:00", 1) == (150, utc("16:30"))
    # 15:00: 40, free all around, for its own 120 minutes.
    assert pick("15:00", 2) == (40, utc("17:00"))
