"""GET /v1/analytics over many providers with the tenant's holidays on single dates (not
yearly): what one provider's sum makes of those dates must be freed with a bounded group of
providers, not kept until the end of the request. Dated holidays are not shared between
providers the way the dates of a rule are, so each provider's sum lists every one of them in
the range again (16 bytes a holiday: 495 holidays over two years are some 8 kB a provider,
24 MB for 3,000 providers).

Set-up: 3,000 providers (New York, 09:00-17:00 on weekdays). 495 holidays for all providers
on single dates of 2026 and 2027, none in Mon 2 - Sun 8 Mar 2026 or Mon 1 - Sun 7 Mar 2027;
five more, each the own holiday of 200 providers (the first 1,000), on single weekdays that
are not holidays for all.
"""
import datetime
import os

from test_analytics_memory import analytics_peak

NY = "America/New_York"
N = 3000
TWO_YEARS = {"from": "2026-01-01", "to": "2027-12-31", "timezone": NY, "group_by": "month"}
OPEN_WEEKS = [(datetime.date(2026, 3, 2), datetime.date(2026, 3, 8)),
              (datetime.date(2027, 3, 1), datetime.date(2027, 3, 7))]


def days_of_range():
    d, out = datetime.date(2026, 1, 1), []
    while d <= datetime.date(2027, 12, 31):
        out.append(d)
        d += datetime.timedelta(days=1)
    return out


def in_open_weeks(d):
    return any(a <= d <= b for a, b in OPEN_WEEKS)


def test_open_time_with_dated_holidays_does_not_grow_with_providers(start_server):
    # Measured for its memory, not its time: a budget of two minutes; under AddressSanitizer
    # a small quarantine, or freed memory would count as used.
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=1"]))
    srv = start_server(args=["--request-budget-ms", "120000"],
                       env={"ASAN_OPTIONS": asan, "SLOTD_RATE_LIMITS": "off"})
    t = srv.tenant()
    ps = [t.provider(f"P{i}", NY)["id"] for i in range(N)]
    week = {d: ([{"start": "09:00", "end": "17:00"}]
                if d not in ("sat", "sun") else [])
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    for p in ps:
        t.ok("PUT", f"/v1/providers/{p}/schedule", {"weekly": week},
             now="2025-12-01T00:00:00Z")
    days = days_of_range()
    # Every other date outside the open weeks, then more until 495: all but a few of them.
    candidates = [d for d in days if not in_open_weeks(d)]
    shared = set(candidates[::2])
    for d in candidates[1::2]:
        if len(shared) == 495:
            break
        shared.add(d)
    free_weekdays = [d for d in candidates if d not in shared and d.weekday() < 5]
    assert len(free_weekdays) >= 5
    for k, d in enumerate(sorted(shared)):
        t.ok("POST", "/v1/holidays", {"name": f"All {k}", "date": d.isoformat()})
    for k, d in enumerate(free_weekdays[:5]):
        t.ok("POST", "/v1/holidays", {"name": f"Own {k}", "date": d.isoformat(),
                                      "provider_ids": ps[k * 200:(k + 1) * 200]})

    a, rise = analytics_peak(srv, t, TWO_YEARS)
    open_days = sum(1 for d in days if d.weekday() < 5 and d not in shared)
    # The first 1,000 lose one more day each: their own holiday.
    assert a["totals"]["available_minutes"] == 480 * (N * open_days - 1000)
    # Kept to the end, the dates alone are 24 MB (34 MB measured); freed with each group of
    # providers, 9 MB (13 MB under AddressSanitizer).
    assert rise < 20 * 1024, f"peak memory rose by {rise} kB over two years' analytics"
