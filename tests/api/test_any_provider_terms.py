"""POST /v1/bookings without provider_id judges each provider of the service with its own terms
(docs/api.md, "A provider's price and duration"), across the chunks the providers are loaded
in: a provider whose own duration does not fit before closing cannot take the start, one
whose shorter own duration fits can, and the booking lasts the chosen provider's duration.

Set-up: one tenant, 200 providers (UTC) of one 60-minute service, in the service's order;
only 40, 70 and 150 have hours (weekdays). 40: 09:00-17:00, own duration 120 minutes (its
starts 09:00, 11:00, 13:00, 15:00). 70: 09:00-17:00, the service's 60 minutes. 150:
09:00-16:30, own duration 30 minutes. Every tenth of the others (0, 10, ...) has an own
duration of 45 minutes, so the service has many own terms. Monday 2 Mar 2026; "now" is
Sun 1 Mar 12:00Z.
The same with 40 providers and 3, 7 and 20 in place of 40, 70 and 150 (long, plain and short
in the test): judged among the first providers of a pick, whose terms are looked up otherwise
than those of later ones.
Runs on SQLite and, under scripts/pg.sh run, on PostgreSQL.
"""
import pytest

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


@pytest.mark.parametrize("n, long, plain, short", [(N, 40, 70, 150), (40, 3, 7, 20)])
def test_any_provider_is_judged_with_its_own_duration(server, n, long, plain, short):
    t = server.tenant()
    ids = [t.provider(f"P{i:03d}", "UTC")["id"] for i in range(n)]
    sid = t.service(ids[:1], "Consult", 60)["id"]
    r = t.post(f"/v1/services/{sid}/providers", {"provider_ids": ids[1:]})
    assert r.status_code == 200, r.text
    order = sorted(ids)
    t.schedule(order[long], weekdays([("09:00", "17:00")]))
    t.schedule(order[plain], weekdays([("09:00", "17:00")]))
    t.schedule(order[short], weekdays([("09:00", "16:30")]))
    own = {long: 120, short: 30}
    own.update({i: 45 for i in range(0, n, 10) if i not in (long, plain, short)})
    for i, minutes in own.items():
        t.ok("PUT", f"/v1/services/{sid}/providers/{order[i]}", {"duration_minutes": minutes})

    def pick(start, i):
        r = book_any(t, sid, utc(start), i)
        assert r.status_code == 201, r.text
        b = r.json()
        return order.index(b["provider_id"]), b["end"]

    # 16:00: not long (its 120 minutes would end at 18:00, after closing), but plain, free
    # all around the start, for the service's hour.
    assert pick("16:00", 0) == (plain, utc("17:00"))
    # 16:00 again: plain is taken; short's own 30 minutes end at its closing time.
    assert pick("16:00", 1) == (short, utc("16:30"))
    # 15:00: long, free all around, for its own 120 minutes.
    assert pick("15:00", 2) == (long, utc("17:00"))
