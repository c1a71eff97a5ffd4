"""GET /v1/analytics sums open time over providers in chunks, each with its own records and
its share of the tenant's holidays, and a memo of rule dates for several chunks: every
provider's open time must come out as its schedule and holidays say wherever it falls among
them, with holidays of every kind (dated, yearly, other rules) for all providers and of its
own, and a key limited to some providers must count those alone.

Set-up: 530 providers (New York, 09:00-17:00 on weekdays), over March 2026 (22 weekdays).
For all providers: Mon 2 Mar (dated), Tue 3 Mar (yearly since 2025), Fridays 6, 13 and 20 Mar
(a weekly rule of three). Own: Wed 4 Mar (dated) for every third provider, the 25th of each
month (a monthly rule since January) for those at 1 mod 4, Tue 10 Mar (yearly) for those at
2 mod 5, and Fri 13 Mar (dated, a holiday for all already) for those at 3 mod 7.
"""
import datetime

from test_analytics import staff_key

NY = "America/New_York"
QNOW = "2026-12-01T00:00:00Z"
N = 530
MARCH = {"from": "2026-03-01", "to": "2026-03-31", "timezone": NY, "group_by": "month",
         "breakdown": "provider"}
ALL_DAYS = {datetime.date(2026, 3, d) for d in (2, 3, 6, 13, 20)}
OWN = [  # (body, which providers, their dates in March 2026)
    ({"name": "Own dated", "date": "2026-03-04"}, lambda i: i % 3 == 0, {4}),
    ({"name": "Own monthly", "date": "2026-01-25", "rrule": "FREQ=MONTHLY;BYMONTHDAY=25"},
     lambda i: i % 4 == 1, {25}),
    ({"name": "Own yearly", "date": "2025-03-10", "recurring": "yearly"},
     lambda i: i % 5 == 2, {10}),
    ({"name": "Own on a holiday for all", "date": "2026-03-13"}, lambda i: i % 7 == 3, {13}),
]


def minutes_of(i):
    """Provider i's open minutes over March 2026, worked out from the set-up."""
    closed = set(ALL_DAYS)
    for _, who, days in OWN:
        if who(i):
            closed |= {datetime.date(2026, 3, d) for d in days}
    open_days = sum(1 for d in range(1, 32)
                    if datetime.date(2026, 3, d).weekday() < 5
                    and datetime.date(2026, 3, d) not in closed)
    return open_days * 480


def test_open_time_of_every_provider_across_chunks(start_server):
    srv = start_server(args=["--request-budget-ms", "120000"], env={"SLOTD_RATE_LIMITS": "off"})
    t = srv.tenant()
    ps = [t.provider(f"P{i:03d}", NY)["id"] for i in range(N)]
    week = {d: ([{"start": "09:00", "end": "17:00"}] if d not in ("sat", "sun") else [])
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    for p in ps:
        t.ok("PUT", f"/v1/providers/{p}/schedule", {"weekly": week},
             now="2025-12-01T00:00:00Z")
    t.ok("POST", "/v1/holidays", {"name": "All dated", "date": "2026-03-02"})
    t.ok("POST", "/v1/holidays", {"name": "All yearly", "date": "2025-03-03",
                                  "recurring": "yearly"})
    t.ok("POST", "/v1/holidays", {"name": "All Fridays", "date": "2026-03-06",
                                  "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=3"})
    for body, who, _ in OWN:
        ids = [p for i, p in enumerate(ps) if who(i)]
        for k in range(0, len(ids), 200):
            t.ok("POST", "/v1/holidays", {**body, "provider_ids": ids[k:k + 200]})

    want = {p: minutes_of(i) for i, p in enumerate(ps)}
    r = t.get("/v1/analytics", params=MARCH, now=QNOW)
    assert r.status_code == 200, r.text
    a = r.json()
    got = {g["provider_id"]: g["totals"]["available_minutes"] for g in a["groups"]}
    wrong = {p: (got.get(p), m) for p, m in want.items() if got.get(p) != m}
    assert not wrong, f"{len(wrong)} providers wrong, e.g. {list(wrong.items())[:3]}"
    assert a["totals"]["available_minutes"] == sum(want.values())

    # A key limited to three providers, one early, one past 512, one between: theirs alone.
    some = [ps[5], ps[300], ps[529]]
    r = staff_key(t, some).get("/v1/analytics", params=MARCH, now=QNOW)
    assert r.status_code == 200, r.text
    a = r.json()
    assert sorted(g["provider_id"] for g in a["groups"]) == sorted(some)
    assert {g["provider_id"]: g["totals"]["available_minutes"] for g in a["groups"]} == \
        {p: want[p] for p in some}
    assert a["totals"]["available_minutes"] == sum(want[p] for p in some)
