"""GET /v1/analytics over many providers: open time is summed provider by provider, and what
one provider's sum reads (its records, the holidays that apply to it, the engine's working
memory) must not pile up over the request. A tenant at its cap of 500 holidays, 497 of them
yearly for every provider and 3 each for a third of its 600 providers, must not have its
holidays copied once per provider (600 providers times 497 holidays of about 550 bytes would
be some 160 MB), and the answer must be what the schedules and holidays say.

Set-up: 600 providers (New York, 09:00-17:00 on weekdays). Holidays for all providers: one on
Fri 6 Mar, 496 more on every other day of the year but 2 - 8 Mar (so the week asked for,
Mon 2 - Sun 8 Mar 2026, has only the one). Own holidays: the first 200 providers on 4 Mar,
the next 200 on 4 Jul, the last 200 on 25 Dec (all yearly).
"""
import datetime

import pytest

from conftest import peak_rise, weekdays

NY = "America/New_York"
QNOW = "2026-12-01T00:00:00Z"
N = 600
WEEK = {"from": "2026-03-02", "to": "2026-03-08", "timezone": NY, "group_by": "week"}
TWO_YEARS = {"from": "2026-01-01", "to": "2027-12-31", "timezone": NY, "group_by": "month"}


def other_days():
    """496 yearly dates (month-day repeats allowed) outside 2 - 8 Mar."""
    days, d = [], datetime.date(2025, 1, 1)
    while len(days) < 496:
        if not (d.month == 3 and 2 <= d.day <= 8):
            days.append(d)
        d += datetime.timedelta(days=1)
        if d.year == 2026:
            d = datetime.date(2025, 1, 1)
    return days


def analytics_peak(srv, t, params):
    """The answer to analytics with params, and how far the server's peak memory rose above
    its resting memory over the request (kB)."""
    return peak_rise(srv, t, "/v1/analytics", params, QNOW)


@pytest.mark.parametrize("cache_mb", ["32", "0"])
def test_open_time_of_many_providers_with_many_holidays_stays_small(start_server, cache_mb):
    """With the availability cache or without it: over one week, the tenant's holidays are
    not copied per provider (the peak rises under 48 MB); over two years (the longest range),
    what each provider's sum reads is not held to the end of the request either (some 90 kB
    a provider there: the peak rises under 24 MB). Both answers are exact."""
    asan = ":".join(filter(None, [__import__("os").environ.get("ASAN_OPTIONS"),
                                  "quarantine_size_mb=1"]))
    # Time is not what is measured: a budget that a slow machine or PostgreSQL will not hit.
    srv = start_server(args=["--avail-cache-mb", cache_mb, "--request-budget-ms", "120000"],
                       env={"ASAN_OPTIONS": asan, "SLOTD_RATE_LIMITS": "off"})
    t = srv.tenant()
    ps = [t.provider(f"P{i}", NY)["id"] for i in range(N)]
    for p in ps:
        t.schedule(p, weekdays([("09:00", "17:00")]))
    for k, day in enumerate(["2025-03-04", "2025-07-04", "2025-12-25"]):
        t.ok("POST", "/v1/holidays", {"name": f"Own {k}", "date": day, "recurring": "yearly",
                                      "provider_ids": ps[k * 200:(k + 1) * 200]})
    t.ok("POST", "/v1/holidays", {"name": "All Fri", "date": "2025-03-06",
                                  "recurring": "yearly"})
    for k, day in enumerate(other_days()):
        t.ok("POST", "/v1/holidays", {"name": f"All {k}", "date": day.isoformat(),
                                      "recurring": "yearly"})

    a, rise = analytics_peak(srv, t, WEEK)
    # 600 providers x 5 weekdays x 480 min, less Fri 6 Mar for all of them (600 x 480) and
    # Wed 4 Mar for the first 200 (200 x 480): 1,440,000 - 288,000 - 96,000.
    assert a["totals"]["available_minutes"] == 1056000
    assert rise < 48 * 1024, f"peak memory rose by {rise} kB over one week's analytics"

    a, rise = analytics_peak(srv, t, TWO_YEARS)
    # Every day of the year but 2 - 8 Mar is a holiday for all (6 Mar too). Open weekdays:
    # 2026 Mon 2 - Thu 5 (4), 2027 Tue 2 - Fri 5 and Mon 8 (5); the first 200 lose Wed 4 Mar
    # 2026 and Thu 4 Mar 2027 (7 days). 400 x 9 x 480 + 200 x 7 x 480 = 2,400,000.
    assert a["totals"]["available_minutes"] == 2400000
    assert rise < 24 * 1024, f"peak memory rose by {rise} kB over two years' analytics"
