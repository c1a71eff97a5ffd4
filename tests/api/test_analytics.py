"""GET /v1/analytics (docs/api.md, "Analytics"): every figure of a hand-built data set, computed
by hand below, per local day, ISO week and month, with provider and service breakdowns and
filters, the weekday x hour heatmap, CSV equal to JSON, staff scoping, tenant isolation and
bad input. The suite runs on SQLite, and on PostgreSQL under scripts/pg.sh run.

Every expected number is a literal derived in a comment from the fixture; nothing is asked of
the server twice and compared, nothing reimplements its arithmetic.

The data set (fixture `d`, one tenant, built once per module)
=============================================================

Everything is in Europe/Berlin (BER): CET (+01:00) until Sun 29 Mar 2026 02:00, which jumps to
03:00 CEST (+02:00). ISO week 2026-W13 is Mon 23 - Sun 29 Mar: 6 x 24 h + 23 h = 167 hours.

Providers
- P1 "Ada" (auto-confirm). Template: mon-fri 09:00-12:00 + 13:00-17:00 (420 min), sun
  00:00-04:00 (240 min; on Sun 29 Mar 00:00 CET = Sat 23:00Z .. 04:00 CEST = 02:00Z is 180
  real minutes), sat closed. Exceptions:
  - Tue 24: two time-off ranges, 11:30-13:30 (open inside it: 11:30-12:00 and 13:00-13:30 =
    60 min, the lunch break is not open anyway) and 15:00-16:00 (60 min): 420 - 120 = 300;
  - Wed 25: override with custom hours 10:00-14:00: 240;
  - Thu 26: a holiday for P1 only: 0.
  W13 open minutes: mon 420 + tue 300 + wed 240 + thu 0 + fri 420 + sat 0 + sun 180 = 1560.
- P2 "Bo" (auto_confirm false: its bookings start pending). Template mon-fri 08:00-12:00
  (240 min). W13: 5 x 240 = 1200.
  W13 open minutes of both: 1560 + 1200 = 2760.

Services and policies
- S1 "Consult": 60 min, 80.00 EUR, P1 and P2. Policy: cancellation_deadline_hours 24,
  late_cancellation_fees [48 h: 50 %], no_show_fee_percent 100.
- S2 "Lesson": 30 min, 45.125 USD (3 decimals: USD amounts have 3), P1. Policy:
  late_cancellation_fees [24 h: 100 %] only, so "late" means after start - 24 h.
- S3 "Group": 90 min, capacity 3, 12.50 EUR, P2. No policy at all: never late.

Bookings (local start; UTC; created_at; lead time -> bucket upper end; outcome)
  B1  S1 P1 Mon 23 09:00 (08:00Z) made 20T08:00Z  72 h -> 96   completed          (80.00 EUR)
  B2  S1 P1 Mon 23 10:00 (09:00Z) made 23T08:30Z 0.5 h -> 1    no_show, fee 80.00 EUR
  B3  S1 P1 Mon 23 11:00 (10:00Z) made 01T10:00Z 528 h -> 720  cancelled 20T10:00Z (72 h
                                                               before): early, no fee
  B4  S1 P1 Mon 23 13:00 (12:00Z) made 16T12:00Z 168 h -> 240  cancelled 22T06:00Z (30 h
                                                               before, deadline 22T12:00Z):
                                                               early, but inside the 48 h
                                                               tier: fee 40.00 EUR
  B5  S1 P1 Mon 23 14:00 (13:00Z) made 22T13:00Z  24 h -> 36   cancelled 23T01:00Z (12 h
                                                               before) with force: late; fee
                                                               40.00 waived -> fee_waived
  B6  S1 P1 Tue 24 09:00 (08:00Z) made 20T08:00Z  96 h -> 120  confirmed; made for Tue 16:00,
                                                               moved to Wed 13:00, then to Tue
                                                               09:00: reschedule_count 2
  B7  S2 P1 Wed 25 10:00 (09:00Z) made 25T07:00Z   2 h -> 3    completed          (45.125 USD)
  B8  S2 P1 Wed 25 10:30 (09:30Z) made 18T09:30Z 168 h -> 240  cancelled 25T00:00Z: late,
                                                               fee 45.125 USD
  B9  S2 P1 Wed 25 11:00 (10:00Z) made 18T10:00Z 168 h -> 240  cancelled 24T10:00Z, exactly
                                                               at start - 24 h: early, no fee
  B10 S1 P1 Fri 27 09:00 (08:00Z) made 26T20:00Z  12 h -> 18   no_show, fee 80.00 waived
  B11 S1 P1 Sun 29 00:00 CET (Sat 28 23:00Z) made 28T22:00Z 1 h -> 2   confirmed
  B13 S3 P2 Tue 24 08:00 (07:00Z) made 23T07:00Z  24 h -> 36   confirmed, completed (12.50)
  B14 S3 P2 Tue 24 08:00          made 23T19:00Z  12 h -> 18   pending         } 3 seats of one
  B15 S3 P2 Tue 24 08:00          made 24T06:30Z 0.5 h -> 1    confirmed       } session: 90 min
  B16 S3 P2 Tue 24 09:30 (08:30Z) made 23T08:30Z  24 h -> 36   declined
  B17 S1 P2 Thu 26 08:00 (07:00Z) made 19T07:00Z 168 h -> 240  pending; made for 09:00,
                                                               moved to 08:00: 1 reschedule
  B18 S3 P2 Wed 25 08:00 (07:00Z) made 24T07:00Z  24 h -> 36   cancelled 25T06:30Z (30 min
                                                               before; no policy): early
  Outside W13, in March:
  B0  S1 P1 Sun 1 Mar 00:00 CET (Sat 28 Feb 23:00Z) made 28 Feb 11:00Z 12 h -> 18  completed
  BW  S1 P1 Mon 30 Mar 09:00 CEST (07:00Z) made 24T12:10Z from waitlist entry W1's offer:
      138 h 50 min -> 168, confirmed

  Lead-time buckets end at 1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72, 96, 120, 168, 240, 336,
  504, 720, ... hours; a lead time equal to an end falls in the next bucket (24 h -> 36).

Schedule entries
  E1 P1 Fri 27 13:00-14:00; E2 P1+P2 Fri 27 13:30-15:00: P1 busy 13:00-15:00 = 120 min (the
  overlap once), P2 90 min. E3 P2 Sat 28 22:00 CET - Sun 29 04:00 CEST (21:00Z-02:00Z):
  Sat 22:00-24:00 = 120 min, Sun 00:00 CET (23:00Z) - 02:00Z = 180 min.
  W13 entry minutes: P1 120, P2 90 + 300 = 390; both 510.

Waitlist (all created in W13)
  W1 S1 P1 for Mon 30, created Tue 24 12:00Z: offered at once (Mon 30 09:00), booked -> BW.
  W2 S1 P1 for Tue 31, created Tue 24 12:00Z: offered at once, lapses at 12:30Z: expired.
  W3 S1 P1 for Sat 28 (closed), created Wed 25 12:00Z: waiting.
  W4 S3, any provider, for Sat 28, created Thu 26 12:00Z: waiting, no provider at all (counts
     only without a provider filter or group).
"""
import csv
import io
import types

import pytest

import booking_helpers
from booking_helpers import acted, get
from conftest import Api, DEFAULT_NOW, expect_problem, weekdays

BER = "Europe/Berlin"
# The clock the analytics requests run at (they do not depend on it; pinned anyway).
QNOW = "2026-12-01T00:00:00Z"
W13 = {"from": "2026-03-23", "to": "2026-03-29", "timezone": BER}

FIGURES = ("bookings", "pending", "confirmed", "declined", "cancelled", "cancelled_early",
           "cancelled_late", "completed", "no_show", "reschedules", "no_show_rate",
           "cancellation_rate", "revenue", "lead_time_p50_hours", "lead_time_p90_hours",
           "average_duration_minutes", "booked_minutes", "available_minutes", "utilisation",
           "entry_minutes", "waitlist")
PERIOD_KEYS = ("label", "start", "end", "hours")
WAITLIST_KEYS = ("joined", "offered", "taken", "expired", "conversion_rate")
MONEY_KEYS = ("completed", "fees_charged", "fees_waived")


# --- helpers ----------------------------------------------------------------------------------

def analytics(t, params, **kw):
    r = t.get("/v1/analytics", params=params, now=QNOW, **kw)
    assert r.status_code == 200, f"{params}: {r.status_code} {r.text}"
    assert r.headers["Content-Type"].startswith("application/json"), r.headers["Content-Type"]
    return r.json()


def revenue(rev):
    """The revenue figure (a list of {currency, completed, fees_charged, fees_waived}, sorted by
    code; docs/openapi.json AnalyticsMoney) as {currency: (completed, fees_charged,
    fees_waived)}."""
    assert isinstance(rev, list), rev
    codes = [x["currency"] for x in rev]
    assert codes == sorted(codes), f"currencies not sorted by code: {codes}"
    assert len(set(codes)) == len(codes), f"a currency twice: {codes}"
    for x in rev:
        assert set(x) == {"currency", *MONEY_KEYS}, rev
    return {x["currency"]: tuple(x[k] for k in MONEY_KEYS) for x in rev}


def figures(x):
    """The figures of a totals object or a series entry, revenue normalised (see revenue)."""
    got = {k: x[k] for k in FIGURES if k in x}
    missing = [k for k in FIGURES if k not in x]
    assert not missing, f"figures missing: {missing} in {x}"
    got["revenue"] = revenue(x["revenue"])
    assert set(x["waitlist"]) == set(WAITLIST_KEYS), x["waitlist"]
    return got


def F(bookings=0, pending=0, confirmed=0, declined=0, cancelled=0, early=0, late=0,
      completed=0, no_show=0, reschedules=0, nsr=None, cr=None, rev=None, p50=None, p90=None,
      avg=None, booked=0, available=0, util=None, entry=0, wl=(0, 0, 0, 0, None)):
    """The expected figures; the defaults are those of an empty period of a provider (set
    available=None, entry=None for services)."""
    return {"bookings": bookings, "pending": pending, "confirmed": confirmed,
            "declined": declined, "cancelled": cancelled, "cancelled_early": early,
            "cancelled_late": late, "completed": completed, "no_show": no_show,
            "reschedules": reschedules, "no_show_rate": nsr, "cancellation_rate": cr,
            "revenue": dict(rev or {}), "lead_time_p50_hours": p50, "lead_time_p90_hours": p90,
            "average_duration_minutes": avg, "booked_minutes": booked,
            "available_minutes": available, "utilisation": util, "entry_minutes": entry,
            "waitlist": dict(zip(WAITLIST_KEYS, wl))}


def period(x):
    return tuple(x[k] for k in PERIOD_KEYS)


EUR0 = ("0.00", "0.00", "0.00")          # EUR listed: an EUR booking starts, nothing summed
USD_W13 = ("45.125", "45.125", "0.000")  # B7 completed; B8's late fee; nothing waived

# --- the expected figures, by hand ------------------------------------------------------------

# Berlin days of W13.
MON23 = F(bookings=5,                    # B1..B5
          completed=1, no_show=1,        # B1; B2
          cancelled=3, early=2, late=1,  # B3, B4 early; B5 late
          nsr=0.5,                       # 1 no-show / (1 completed + 1 no-show)
          cr=0.6,                        # 3 / 5
          rev={"EUR": ("80.00",          # B1
                       "120.00",         # B2's no-show fee 80.00 + B4's 40.00
                       "40.00")},        # B5's waived 40.00
          p50=96, p90=720,               # buckets 1, 36, 96, 240, 720: k=3 -> 96; k=5 -> 720
          avg=60.0,                      # five 60-minute bookings
          booked=120,                    # B1 completed + B2 no_show, 60 each
          available=660,                 # P1 420 + P2 240
          util=0.1818)                   # 120 / 660 = 0.18181..
TUE24 = F(bookings=5,                    # B6, B13, B14, B15, B16
          pending=1, confirmed=2,        # B14; B6, B15
          declined=1, completed=1,       # B16; B13
          reschedules=2,                 # B6 moved twice
          nsr=0.0,                       # 0 / (1 + 0)
          cr=0.0,                        # 0 / 5
          rev={"EUR": ("12.50", "0.00", "0.00")},   # B13
          p50=36, p90=120,               # buckets 1, 18, 36, 36, 120: k=3 -> 36; k=5 -> 120
          avg=84.0,                      # (60 + 4 x 90) / 5
          booked=150,                    # B6 60 + the group session 90 (three seats, once)
          available=540,                 # P1 300 (two time-off ranges) + P2 240
          util=0.2778,                   # 150 / 540 = 0.27777..
          wl=(2, 2, 1, 1, 0.5))          # W1 (taken), W2 (expired): 1 / 2
WED25 = F(bookings=4,                    # B7, B8, B9, B18
          completed=1,                   # B7
          cancelled=3, early=2, late=1,  # B9 (at the deadline) and B18 early; B8 late
          nsr=0.0,                       # 0 / (1 + 0)
          cr=0.75,                       # 3 / 4
          rev={"EUR": EUR0,              # B18 (12.50, cancelled, no fee)
               "USD": USD_W13},
          p50=36, p90=240,               # buckets 3, 36, 240, 240: k=2 -> 36; k=4 -> 240
          avg=45.0,                      # (3 x 30 + 90) / 4
          booked=30,                     # B7 only (the others are cancelled)
          available=480,                 # P1 override 240 + P2 240
          util=0.0625,                   # 30 / 480
          wl=(1, 0, 0, 0, 0.0))          # W3: 0 / 1
THU26 = F(bookings=1, pending=1,         # B17
          reschedules=1,
          cr=0.0,                        # 0 / 1; no_show_rate null (no completed, no no-show)
          rev={"EUR": EUR0},
          p50=240, p90=240,              # 168 h -> 240
          avg=60.0, booked=60,
          available=240,                 # P1 0 (holiday) + P2 240
          util=0.25,                     # 60 / 240
          wl=(1, 0, 0, 0, 0.0))          # W4: 0 / 1
FRI27 = F(bookings=1, no_show=1,         # B10
          nsr=1.0, cr=0.0,
          rev={"EUR": ("0.00", "0.00", "80.00")},   # B10's fee, waived
          p50=18, p90=18,                # 12 h -> 18
          avg=60.0,
          booked=60,                     # a no-show holds its time
          available=660,                 # P1 420 + P2 240
          util=0.0909,                   # 60 / 660 = 0.0909..
          entry=210)                     # P1 120 (E1 + E2 once) + P2 90 (E2)
SAT28 = F(entry=120)                     # nothing but E3 22:00-24:00 (P2); nobody open
SUN29 = F(bookings=1, confirmed=1,       # B11 at 00:00 CET, 23:00Z on Saturday
          cr=0.0, rev={"EUR": EUR0},
          p50=2, p90=2,                  # 1 h -> 2
          avg=60.0, booked=60,
          available=180,                 # P1 00:00 CET - 04:00 CEST: 3 real hours; P2 closed
          util=0.3333,                   # 60 / 180
          entry=180)                     # E3 00:00 CET (23:00Z) - 02:00Z
W13_DAYS = [
    (("2026-03-23", "2026-03-23T00:00:00+01:00", "2026-03-24T00:00:00+01:00", 24), MON23),
    (("2026-03-24", "2026-03-24T00:00:00+01:00", "2026-03-25T00:00:00+01:00", 24), TUE24),
    (("2026-03-25", "2026-03-25T00:00:00+01:00", "2026-03-26T00:00:00+01:00", 24), WED25),
    (("2026-03-26", "2026-03-26T00:00:00+01:00", "2026-03-27T00:00:00+01:00", 24), THU26),
    (("2026-03-27", "2026-03-27T00:00:00+01:00", "2026-03-28T00:00:00+01:00", 24), FRI27),
    (("2026-03-28", "2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", 24), SAT28),
    # the spring-forward day: 23 hours
    (("2026-03-29", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 23), SUN29),
]

# The whole of W13 (= the sum of the days for the counts; rates and percentiles over all).
W13_TOTALS = F(bookings=17,              # 5 + 5 + 4 + 1 + 1 + 0 + 1
               pending=2,                # B14, B17
               confirmed=3,              # B6, B11, B15
               declined=1,               # B16
               cancelled=6, early=4,     # B3, B4, B9, B18
               late=2,                   # B5, B8
               completed=3,              # B1, B7, B13
               no_show=2,                # B2, B10
               reschedules=3,            # B6 2 + B17 1
               nsr=0.4,                  # 2 / (3 + 2)
               cr=0.3529,                # 6 / 17 = 0.35294..
               rev={"EUR": ("92.50",     # B1 80.00 + B13 12.50
                            "120.00",    # B2 80.00 + B4 40.00
                            "120.00"),   # B5 40.00 + B10 80.00
                    "USD": USD_W13},
               # buckets sorted: 1 1 2 3 18 18 36 36 36 36 96 120 240 240 240 240 720 (17):
               # k = ceil(0.5 x 17) = 9 -> 36; k = ceil(0.9 x 17) = 16 -> 240
               p50=36, p90=240,
               avg=63.53,                # (9 x 60 + 3 x 30 + 5 x 90) = 1080 / 17 = 63.529..
               booked=480,               # P1 330 (B1 B2 B6 B10 B11 x 60 + B7 30) + P2 150
               available=2760,           # P1 1560 + P2 1200
               util=0.1739,              # 480 / 2760 = 0.17391..
               entry=510,                # P1 120 + P2 390
               wl=(4, 2, 1, 1, 0.25))    # W1..W4; W1, W2 offered; W1 taken; W2 expired

# Per provider, W13.
P1_W13 = F(bookings=11,                  # B1..B11
           confirmed=2,                  # B6, B11
           cancelled=5, early=3, late=2, # B3, B4, B9 early; B5, B8 late
           completed=2, no_show=2,       # B1, B7; B2, B10
           reschedules=2,                # B6
           nsr=0.5,                      # 2 / (2 + 2)
           cr=0.4545,                    # 5 / 11 = 0.45454..
           rev={"EUR": ("80.00", "120.00", "120.00"),   # B1; B2 + B4; B5 + B10
                "USD": USD_W13},
           # buckets: 1 2 3 18 36 96 120 240 240 240 720: k=6 -> 96; k=ceil(9.9)=10 -> 240
           p50=96, p90=240,
           avg=51.82,                    # (8 x 60 + 3 x 30) = 570 / 11 = 51.818..
           booked=330,                   # B1 B2 B6 B10 B11 5 x 60 + B7 30
           available=1560,
           util=0.2115,                  # 330 / 1560 = 0.21153..
           entry=120,
           wl=(3, 2, 1, 1, 0.3333))      # W1, W2, W3 (asked for P1): 1 / 3
P2_W13 = F(bookings=6,                   # B13..B18
           pending=2, confirmed=1,       # B14, B17; B15
           declined=1, completed=1,      # B16; B13
           cancelled=1, early=1,         # B18 (no policy: never late)
           reschedules=1,                # B17
           nsr=0.0,                      # 0 / (1 + 0)
           cr=0.1667,                    # 1 / 6
           rev={"EUR": ("12.50", "0.00", "0.00")},
           # buckets: 1 18 36 36 36 240: k=3 -> 36; k=ceil(5.4)=6 -> 240
           p50=36, p90=240,
           avg=85.0,                     # (5 x 90 + 60) / 6
           booked=150,                   # session 90 once + B17 60
           available=1200,
           util=0.125,                   # 150 / 1200
           entry=390,                    # E2 90 + E3 300
           wl=(0, 0, 0, 0, None))        # W4 has no provider: not in a provider group

# Per service, W13 (no open time or entry minutes for services).
S1_W13 = F(bookings=9,                   # B1..B6, B10, B11 (P1), B17 (P2)
           pending=1, confirmed=2,       # B17; B6, B11
           cancelled=3, early=2, late=1, # B3, B4; B5
           completed=1, no_show=2,       # B1; B2, B10
           reschedules=3,
           nsr=0.6667,                   # 2 / 3
           cr=0.3333,                    # 3 / 9
           rev={"EUR": ("80.00", "120.00", "120.00")},
           # buckets: 1 2 18 36 96 120 240 240 720: k=5 -> 96; k=ceil(8.1)=9 -> 720
           p50=96, p90=720,
           avg=60.0,
           booked=360,                   # B1 B2 B6 B10 B11 B17, 60 each
           available=None, util=None, entry=None,
           wl=(3, 2, 1, 1, 0.3333))      # W1, W2, W3
S2_W13 = F(bookings=3,                   # B7, B8, B9
           completed=1, cancelled=2, early=1, late=1,
           nsr=0.0, cr=0.6667,           # 2 / 3
           rev={"USD": USD_W13},
           p50=240, p90=240,             # buckets 3 240 240: k=2 -> 240; k=3 -> 240
           avg=30.0, booked=30,
           available=None, util=None, entry=None)
S3_W13 = F(bookings=5,                   # B13..B16, B18
           pending=1, confirmed=1, declined=1, completed=1,
           cancelled=1, early=1,         # B18
           nsr=0.0, cr=0.2,              # 1 / 5
           rev={"EUR": ("12.50", "0.00", "0.00")},
           p50=36, p90=36,               # buckets 1 18 36 36 36: k=3 -> 36; k=5 -> 36
           avg=90.0,
           booked=90,                    # the session's three seats count once
           available=None, util=None, entry=None,
           wl=(1, 0, 0, 0, 0.0))         # W4

# March 2026 in Berlin: W13 plus B0 (1 Mar 00:00 local) and BW (30 Mar).
MARCH = F(bookings=19,                   # 17 + B0 + BW
          pending=2, confirmed=4,        # + BW
          declined=1, cancelled=6, early=4, late=2,
          completed=4,                   # + B0
          no_show=2, reschedules=3,
          nsr=0.3333,                    # 2 / (4 + 2)
          cr=0.3158,                     # 6 / 19 = 0.31578..
          rev={"EUR": ("172.50",         # 92.50 + B0 80.00
                       "120.00", "120.00"),
               "USD": USD_W13},
          # buckets: 1 1 2 3 18 18 18 36 36 36 36 96 120 168 240 240 240 240 720 (19):
          # k = ceil(9.5) = 10 -> 36; k = ceil(17.1) = 18 -> 240
          p50=36, p90=240,
          avg=63.16,                     # (1080 + 60 + 60) = 1200 / 19 = 63.157..
          booked=600,                    # 480 + B0 60 + BW 60
          # P1: 22 weekdays x 420 = 9240, Sundays 1, 8, 15, 22 x 240 + 29th 180 = 1140,
          #     minus Tue 24 120, Wed 25 180 (420 -> 240), Thu 26 420: 9240 + 1140 - 720 = 9660
          # P2: 22 weekdays x 240 = 5280
          available=14940,
          util=0.0402,                   # 600 / 14940 = 0.04016..
          entry=510,
          wl=(4, 2, 1, 1, 0.25))


# --- the data set -----------------------------------------------------------------------------

def _booked(t, sid, pid, start, made):
    return booking_helpers.booked(t, sid, start, pid, now=made)


def _resched(t, bid, start, now):
    r = t.post(f"/v1/bookings/{bid}/reschedule", {"start": start}, now=now)
    assert r.status_code == 200, r.text
    return r.json()


def staff_key(t, provider_ids):
    k = t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff",
                                  "provider_ids": list(provider_ids)}, now=DEFAULT_NOW)
    return Api(t.base, k["secret"], t.slug)


@pytest.fixture(scope="module")
def d(server):
    t = server.tenant("an-main", "Analytics")
    p1 = t.provider("Ada", BER)["id"]
    p2 = t.provider("Bo", BER, settings={"auto_confirm": False})["id"]
    t.schedule(p1, {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "tue": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "wed": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "thu": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "fri": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                    "sat": [],
                    "sun": [{"start": "00:00", "end": "04:00"}]})
    t.schedule(p2, weekdays([("08:00", "12:00")]))
    # P1's exceptions in W13.
    t.ok("POST", f"/v1/providers/{p1}/time-off",
         {"start": "2026-03-24T11:30:00+01:00", "end": "2026-03-24T13:30:00+01:00"})
    t.ok("POST", f"/v1/providers/{p1}/time-off",
         {"start": "2026-03-24T15:00:00+01:00", "end": "2026-03-24T16:00:00+01:00"})
    t.ok("POST", f"/v1/providers/{p1}/overrides",
         {"date": "2026-03-25", "intervals": [{"start": "10:00", "end": "14:00"}]})
    t.ok("POST", "/v1/holidays", {"name": "Ada's day", "date": "2026-03-26",
                                  "provider_ids": [p1]})

    s1 = t.service([p1, p2], "Consult", 60, price="80.00", currency="EUR",
                   policy={"cancellation_deadline_hours": 24,
                           "late_cancellation_fees": [{"within_hours": 48, "percent": 50}],
                           "no_show_fee_percent": 100})["id"]
    s2 = t.service([p1], "Lesson", 30, price="45.125", currency="USD",
                   policy={"late_cancellation_fees": [{"within_hours": 24, "percent": 100}]})["id"]
    s3 = t.service([p2], "Group", 90, price="12.50", currency="EUR", capacity=3)["id"]

    b = {}
    # P1, S1, Monday 23.
    b[1] = _booked(t, s1, p1, "2026-03-23T09:00:00+01:00", "2026-03-20T08:00:00Z")
    b[2] = _booked(t, s1, p1, "2026-03-23T10:00:00+01:00", "2026-03-23T08:30:00Z")
    b[3] = _booked(t, s1, p1, "2026-03-23T11:00:00+01:00", "2026-03-01T10:00:00Z")
    b[4] = _booked(t, s1, p1, "2026-03-23T13:00:00+01:00", "2026-03-16T12:00:00Z")
    b[5] = _booked(t, s1, p1, "2026-03-23T14:00:00+01:00", "2026-03-22T13:00:00Z")
    c = acted(t, b[1]["id"], "complete", now="2026-03-23T09:00:00Z")
    assert c["status"] == "completed"
    c = acted(t, b[2]["id"], "no-show", now="2026-03-23T10:00:00Z")
    assert c["fee"] == {"amount": "80.00", "currency": "EUR", "reason": "no_show"}, c
    c = acted(t, b[3]["id"], "cancel", now="2026-03-20T10:00:00Z")
    assert (c["status"], c["fee"]) == ("cancelled", None), c
    c = acted(t, b[4]["id"], "cancel", now="2026-03-22T06:00:00Z")
    assert c["fee"] == {"amount": "40.00", "currency": "EUR", "reason": "late_cancellation"}, c
    c = acted(t, b[5]["id"], "cancel", {"force": True, "waive_fee": True},
              now="2026-03-23T01:00:00Z")
    assert (c["status"], c["fee"]) == ("cancelled", None), c
    assert c["fee_waived"] == {"amount": "40.00", "currency": "EUR",
                               "reason": "late_cancellation"}, c
    # B6: Tue 16:00 -> Wed 13:00 -> Tue 09:00.
    b[6] = _booked(t, s1, p1, "2026-03-24T16:00:00+01:00", "2026-03-20T08:00:00Z")
    _resched(t, b[6]["id"], "2026-03-25T13:00:00+01:00", "2026-03-20T09:00:00Z")
    r = _resched(t, b[6]["id"], "2026-03-24T09:00:00+01:00", "2026-03-20T10:00:00Z")
    assert (r["reschedule_count"], r["status"]) == (2, "confirmed"), r
    # P1, S2, Wednesday 25 (override hours 10:00-14:00).
    b[7] = _booked(t, s2, p1, "2026-03-25T10:00:00+01:00", "2026-03-25T07:00:00Z")
    b[8] = _booked(t, s2, p1, "2026-03-25T10:30:00+01:00", "2026-03-18T09:30:00Z")
    b[9] = _booked(t, s2, p1, "2026-03-25T11:00:00+01:00", "2026-03-18T10:00:00Z")
    acted(t, b[7]["id"], "complete", now="2026-03-25T10:00:00Z")
    c = acted(t, b[8]["id"], "cancel", now="2026-03-25T00:00:00Z")
    assert c["fee"] == {"amount": "45.125", "currency": "USD", "reason": "late_cancellation"}, c
    c = acted(t, b[9]["id"], "cancel", now="2026-03-24T10:00:00Z")
    assert c["fee"] is None, c
    # P1, S1, Friday 27 and Sunday 29.
    b[10] = _booked(t, s1, p1, "2026-03-27T09:00:00+01:00", "2026-03-26T20:00:00Z")
    c = acted(t, b[10]["id"], "no-show", {"waive_fee": True}, now="2026-03-27T09:00:00Z")
    assert (c["status"], c["fee"]) == ("no_show", None), c
    assert c["fee_waived"] == {"amount": "80.00", "currency": "EUR", "reason": "no_show"}, c
    b[11] = _booked(t, s1, p1, "2026-03-29T00:00:00+01:00", "2026-03-28T22:00:00Z")
    # P2 (bookings start pending): the group session and the rest.
    b[13] = _booked(t, s3, p2, "2026-03-24T08:00:00+01:00", "2026-03-23T07:00:00Z")
    b[14] = _booked(t, s3, p2, "2026-03-24T08:00:00+01:00", "2026-03-23T19:00:00Z")
    b[15] = _booked(t, s3, p2, "2026-03-24T08:00:00+01:00", "2026-03-24T06:30:00Z")
    b[16] = _booked(t, s3, p2, "2026-03-24T09:30:00+01:00", "2026-03-23T08:30:00Z")
    assert b[13]["status"] == "pending"
    acted(t, b[13]["id"], "confirm", now="2026-03-23T08:00:00Z")
    acted(t, b[13]["id"], "complete", now="2026-03-24T09:30:00Z")
    acted(t, b[15]["id"], "confirm", now="2026-03-24T06:40:00Z")
    acted(t, b[16]["id"], "decline", now="2026-03-23T09:00:00Z")
    b[17] = _booked(t, s1, p2, "2026-03-26T09:00:00+01:00", "2026-03-19T07:00:00Z")
    r = _resched(t, b[17]["id"], "2026-03-26T08:00:00+01:00", "2026-03-19T08:00:00Z")
    assert (r["reschedule_count"], r["status"]) == (1, "pending"), r
    b[18] = _booked(t, s3, p2, "2026-03-25T08:00:00+01:00", "2026-03-24T07:00:00Z")
    c = acted(t, b[18]["id"], "cancel", now="2026-03-25T06:30:00Z")
    assert (c["status"], c["fee"]) == ("cancelled", None), c
    # Outside W13.
    b[0] = _booked(t, s1, p1, "2026-03-01T00:00:00+01:00", "2026-02-28T11:00:00Z")
    acted(t, b[0]["id"], "complete", now="2026-03-01T00:00:00Z")

    # Schedule entries.
    for body in ({"title": "E1", "start": "2026-03-27T13:00:00+01:00",
                  "end": "2026-03-27T14:00:00+01:00", "assignee_ids": [p1]},
                 {"title": "E2", "start": "2026-03-27T13:30:00+01:00",
                  "end": "2026-03-27T15:00:00+01:00", "assignee_ids": [p1, p2]},
                 {"title": "E3", "start": "2026-03-28T22:00:00+01:00",
                  "end": "2026-03-29T04:00:00+02:00", "assignee_ids": [p2]}):
        t.ok("POST", "/v1/entries", body, now=DEFAULT_NOW)

    # Waitlist.
    cust = {"name": "Wendy Wait", "email": "wendy@example.com"}

    def wait(sid, day, now, **fields):
        return t.ok("POST", "/v1/waitlist", {"service_id": sid, "customer": dict(cust),
                                             "earliest_date": day, "latest_date": day,
                                             **fields}, now=now)
    w1 = wait(s1, "2026-03-30", "2026-03-24T12:00:00Z", provider_id=p1)
    assert (w1["status"], w1["offer_start"]) == ("offered", "2026-03-30T07:00:00Z"), w1
    bw = booking_helpers.booked(t, s1, "2026-03-30T09:00:00+02:00", p1,
                                now="2026-03-24T12:10:00Z", hold_id=w1["hold_id"],
                                customer=dict(cust))
    w2 = wait(s1, "2026-03-31", "2026-03-24T12:00:00Z", provider_id=p1)
    assert w2["status"] == "offered", w2
    w2 = t.ok("GET", f"/v1/waitlist/{w2['id']}", now="2026-03-24T12:30:00Z")
    assert w2["status"] == "expired", w2
    w3 = wait(s1, "2026-03-28", "2026-03-25T12:00:00Z", provider_id=p1)
    w4 = wait(s3, "2026-03-28", "2026-03-26T12:00:00Z")
    assert (w3["status"], w4["status"]) == ("waiting", "waiting")
    w1 = t.ok("GET", f"/v1/waitlist/{w1['id']}", now="2026-03-26T12:00:00Z")
    assert (w1["status"], w1["booking_id"]) == ("booked", bw["id"]), w1
    assert t.ok("GET", f"/v1/waitlist/{w2['id']}", now="2026-03-26T12:00:00Z")["status"] == \
        "expired"

    # Sanity of the fixture itself: the statuses as the figures read them.
    want = {0: "completed", 1: "completed", 2: "no_show", 3: "cancelled", 4: "cancelled",
            5: "cancelled", 6: "confirmed", 7: "completed", 8: "cancelled", 9: "cancelled",
            10: "no_show", 11: "confirmed", 13: "completed", 14: "pending", 15: "confirmed",
            16: "declined", 17: "pending", 18: "cancelled"}
    assert {i: get(t, b[i]["id"])["status"] for i in want} == want
    assert get(t, bw["id"])["status"] == "confirmed"
    return types.SimpleNamespace(server=server, t=t, p1=p1, p2=p2, s1=s1, s2=s2, s3=s3, b=b,
                                 bw=bw)


# --- periods and totals -----------------------------------------------------------------------

def test_week_of_the_spring_dst_change(d):
    a = analytics(d.t, dict(W13, group_by="week"))
    assert set(a) == {"from", "to", "timezone", "group_by", "provider_id", "service_id",
                      "breakdown", "totals", "series"}, sorted(a)
    assert (a["from"], a["to"], a["timezone"], a["group_by"]) == (
        "2026-03-23", "2026-03-29", BER, "week")
    assert (a["provider_id"], a["service_id"], a["breakdown"]) == (None, None, None)
    assert [period(s) for s in a["series"]] == [
        # 6 x 24 + 23 hours: the week the clocks spring forward
        ("2026-W13", "2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 167)]
    assert figures(a["series"][0]) == W13_TOTALS
    assert figures(a["totals"]) == W13_TOTALS


def test_days_of_the_dst_week(d):
    a = analytics(d.t, dict(W13, group_by="day"))
    assert [period(s) for s in a["series"]] == [p for p, _ in W13_DAYS]
    for s, (p, want) in zip(a["series"], W13_DAYS):
        assert figures(s) == want, p[0]
    # totals are computed over the range, not summed from rounded days
    assert figures(a["totals"]) == W13_TOTALS


def test_month_is_the_default_grouping(d):
    a = analytics(d.t, {"from": "2026-03-01", "to": "2026-03-31", "timezone": BER})
    assert a["group_by"] == "month"
    # 31 x 24 - 1 (spring forward)
    assert [period(s) for s in a["series"]] == [
        ("2026-03", "2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00", 743)]
    assert figures(a["series"][0]) == MARCH
    assert figures(a["totals"]) == MARCH


def test_timezone_defaults_to_utc_and_utc_weeks_read_the_same_figures(d):
    # Every W13 booking, open hour, entry minute and waitlist entry also lies inside the UTC
    # week Mon 23 00:00Z - Mon 30 00:00Z (the earliest is Mon 08:00Z; B11 is Sat 23:00Z; P1's
    # Sunday hours are Sat 23:00Z - Sun 02:00Z; E3 ends Sun 02:00Z), and nothing of Sun 22 /
    # Mon 30 falls in it; so the figures are W13's, over 168 hours. This reads the per-day
    # summary (UTC boundaries) instead of the bookings themselves.
    a = analytics(d.t, {"from": "2026-03-23", "to": "2026-03-29", "group_by": "week"})
    assert a["timezone"] == "UTC"
    # UTC instants are written with Z, as everywhere in the API (slots with timezone=UTC)
    assert [period(s) for s in a["series"]] == [
        ("2026-W13", "2026-03-23T00:00:00Z", "2026-03-30T00:00:00Z", 168)]
    assert figures(a["series"][0]) == W13_TOTALS
    assert figures(a["totals"]) == W13_TOTALS


def test_a_booking_belongs_to_its_local_start_date_not_its_utc_date(d):
    # B11 starts Sun 29 00:00 in Berlin = Sat 28 23:00Z; B0 starts Sun 1 Mar 00:00 in Berlin =
    # Sat 28 Feb 23:00Z.
    ber = analytics(d.t, {"from": "2026-03-28", "to": "2026-03-29", "timezone": BER,
                          "group_by": "day"})
    utc = analytics(d.t, {"from": "2026-03-28", "to": "2026-03-29", "timezone": "UTC",
                          "group_by": "day"})
    assert [(s["label"], s["bookings"]) for s in ber["series"]] == [
        ("2026-03-28", 0), ("2026-03-29", 1)]
    assert [(s["label"], s["bookings"]) for s in utc["series"]] == [
        ("2026-03-28", 1), ("2026-03-29", 0)]
    assert [(s["label"], s["booked_minutes"]) for s in utc["series"]] == [
        ("2026-03-28", 60), ("2026-03-29", 0)]
    ber = analytics(d.t, {"from": "2026-02-01", "to": "2026-03-31", "timezone": BER})
    utc = analytics(d.t, {"from": "2026-02-01", "to": "2026-03-31", "timezone": "UTC"})
    # Berlin: February has nothing, March all 19; UTC: B0 moves to February.
    assert [(s["label"], s["bookings"], s["completed"]) for s in ber["series"]] == [
        ("2026-02", 0, 0), ("2026-03", 19, 4)]
    assert [(s["label"], s["bookings"], s["completed"]) for s in utc["series"]] == [
        ("2026-02", 1, 1), ("2026-03", 18, 3)]
    assert revenue(utc["series"][0]["revenue"]) == {"EUR": ("80.00", "0.00", "0.00")}
    # 28 x 24 and 31 x 24 hours in UTC
    assert [s["hours"] for s in utc["series"]] == [672, 744]
    assert [s["hours"] for s in ber["series"]] == [672, 743]
    assert (ber["totals"]["bookings"], utc["totals"]["bookings"]) == (19, 19)


def test_a_zone_that_is_neither_utc_nor_the_providers(d):
    """New York (EDT, -04:00, since 8 Mar; Berlin is CET, 5 hours ahead): the New York week
    Mon 23 00:00 EDT (04:00Z) - Mon 30 00:00 EDT (04:00Z) holds every W13 booking, open
    minute, entry and waitlist entry (the earliest is Mon 07:00Z, the latest E3's end Sun
    02:00Z) and nothing else (Sun 22 is open until 03:00Z, Mon 30 from 06:00Z, BW is at
    07:00Z), so its figures are W13's over 168 hours; but B11 (Sat 23:00Z) is Saturday 19:00
    there, and so is P1's Sunday-night open time (Sat 19:00-22:00 EDT) and all of E3."""
    q = {"from": "2026-03-23", "to": "2026-03-29", "timezone": "America/New_York"}
    a = analytics(d.t, dict(q, group_by="week"))
    assert [period(s) for s in a["series"]] == [
        ("2026-W13", "2026-03-23T00:00:00-04:00", "2026-03-30T00:00:00-04:00", 168)]
    assert figures(a["series"][0]) == W13_TOTALS
    assert figures(a["totals"]) == W13_TOTALS
    a = analytics(d.t, dict(q, group_by="day"))
    assert [(s["label"], s["bookings"], s["available_minutes"], s["entry_minutes"])
            for s in a["series"]] == [
        ("2026-03-23", 5, 660, 0),
        ("2026-03-24", 5, 540, 0),
        ("2026-03-25", 4, 480, 0),
        ("2026-03-26", 1, 240, 0),
        ("2026-03-27", 1, 660, 210),
        ("2026-03-28", 1, 180, 300),    # B11; P1's 180 Berlin-Sunday minutes; E3 whole
        ("2026-03-29", 0, 0, 0)]
    a = analytics(d.t, dict(q, view="heatmap"))
    # Berlin hours minus 5; B11 on Saturday at 19
    assert a["counts"] == grid({(0, 4): 1, (0, 5): 1, (1, 3): 3, (1, 4): 1, (2, 5): 1,
                                (3, 3): 1, (4, 4): 1, (5, 19): 1})


def test_a_zone_with_a_quarter_hour_offset(d):
    """Asia/Kathmandu (+05:45): W13 there runs Sun 22 18:15Z - Sun 29 18:15Z, which holds
    every W13 figure and nothing else (Sun 22's open time ends 03:00Z, Mon 30's starts
    06:00Z). Its Sunday 29 starts Sat 28 18:15Z, so B11 (Sat 23:00Z), P1's Sunday-night
    hours (Sat 23:00Z - Sun 02:00Z) and all of E3 (Sat 21:00Z - Sun 02:00Z) are Sunday."""
    q = {"from": "2026-03-23", "to": "2026-03-29", "timezone": "Asia/Kathmandu"}
    a = analytics(d.t, dict(q, group_by="week"))
    assert [period(s) for s in a["series"]] == [
        ("2026-W13", "2026-03-23T00:00:00+05:45", "2026-03-30T00:00:00+05:45", 168)]
    assert figures(a["totals"]) == W13_TOTALS
    a = analytics(d.t, dict(q, group_by="day"))
    assert [(s["bookings"], s["available_minutes"], s["entry_minutes"])
            for s in a["series"]] == [
        (5, 660, 0), (5, 540, 0), (4, 480, 0), (1, 240, 0), (1, 660, 210), (0, 0, 0),
        (1, 180, 300)]


def test_weeks_are_labelled_with_their_iso_year(d):
    # 2026 has 53 ISO weeks: Mon 28 Dec 2026 - Sun 3 Jan 2027 is 2026-W53.
    a = analytics(d.t, {"from": "2026-12-28", "to": "2027-01-10", "timezone": BER,
                        "group_by": "week"})
    assert [period(s) for s in a["series"]] == [
        ("2026-W53", "2026-12-28T00:00:00+01:00", "2027-01-04T00:00:00+01:00", 168),
        ("2027-W01", "2027-01-04T00:00:00+01:00", "2027-01-11T00:00:00+01:00", 168)]
    a = analytics(d.t, {"from": "2026-12-31", "to": "2027-01-01", "timezone": BER,
                        "group_by": "month"})
    assert [s["label"] for s in a["series"]] == ["2026-12", "2027-01"]


def test_first_and_last_weeks_are_clipped_to_the_range(d):
    a = analytics(d.t, {"from": "2026-03-25", "to": "2026-04-01", "timezone": BER,
                        "group_by": "week"})
    assert [period(s) for s in a["series"]] == [
        # Wed 25 - Sun 29: 4 x 24 + 23
        ("2026-W13", "2026-03-25T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 119),
        # Mon 30 - Wed 1 Apr: 3 x 24
        ("2026-W14", "2026-03-30T00:00:00+02:00", "2026-04-02T00:00:00+02:00", 72)]
    # W13 from Wednesday: 4 (Wed) + 1 (Thu) + 1 (Fri) + 1 (Sun); W14: BW
    assert [s["bookings"] for s in a["series"]] == [7, 1]
    # open minutes: Wed 480 + Thu 240 + Fri 660 + Sun 180; Mon 30 (P1 420 + P2 240),
    # Tue 31 (660), Wed 1 Apr (660)
    assert [s["available_minutes"] for s in a["series"]] == [1560, 1980]
    assert a["totals"]["bookings"] == 8


def test_every_period_is_listed_even_when_empty(d):
    a = analytics(d.t, {"from": "2026-05-01", "to": "2026-05-03", "timezone": BER,
                        "group_by": "day"})
    assert [period(s) for s in a["series"]] == [
        ("2026-05-01", "2026-05-01T00:00:00+02:00", "2026-05-02T00:00:00+02:00", 24),
        ("2026-05-02", "2026-05-02T00:00:00+02:00", "2026-05-03T00:00:00+02:00", 24),
        ("2026-05-03", "2026-05-03T00:00:00+02:00", "2026-05-04T00:00:00+02:00", 24)]
    # Fri 1 May: P1 420 + P2 240; Sat: nobody; Sun 3 May: P1 00:00-04:00 = 240.
    # Utilisation 0 / open time is 0.0; null only without open time (Saturday).
    assert [figures(s) for s in a["series"]] == [F(available=660, util=0.0), F(),
                                                 F(available=240, util=0.0)]
    assert figures(a["totals"]) == F(available=900, util=0.0)


# --- breakdowns and filters -------------------------------------------------------------------

def test_breakdown_by_provider(d):
    a = analytics(d.t, dict(W13, group_by="week", breakdown="provider"))
    assert a["breakdown"] == "provider"
    assert figures(a["totals"]) == W13_TOTALS
    want = sorted([(d.p1, "Ada", P1_W13), (d.p2, "Bo", P2_W13)])
    assert [(g["provider_id"], g["name"]) for g in a["groups"]] == [(p, n) for p, n, _ in want]
    for g, (_, _, fig) in zip(a["groups"], want):
        assert figures(g["totals"]) == fig, g["name"]
        assert [period(s) for s in g["series"]] == [
            ("2026-W13", "2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 167)]
        assert figures(g["series"][0]) == fig, g["name"]


def test_breakdown_by_provider_per_day(d):
    a = analytics(d.t, dict(W13, group_by="day", breakdown="provider"))
    g = {x["provider_id"]: x for x in a["groups"]}
    # P1's days (bookings, booked, available, entry minutes), Mon .. Sun
    assert [(s["bookings"], s["booked_minutes"], s["available_minutes"], s["entry_minutes"])
            for s in g[d.p1]["series"]] == [
        (5, 120, 420, 0),        # B1..B5; B1 + B2
        (1, 60, 300, 0),         # B6; 420 - 60 - 60 time off
        (3, 30, 240, 0),         # B7..B9; override 10:00-14:00
        (0, 0, 0, 0),            # holiday
        (1, 60, 420, 120),       # B10 (no-show); E1 + E2 13:00-15:00
        (0, 0, 0, 0),
        (1, 60, 180, 0)]         # B11; 00:00 CET - 04:00 CEST
    assert [s["utilisation"] for s in g[d.p1]["series"]] == [
        0.2857,                  # 120 / 420 = 0.28571..
        0.2,                     # 60 / 300
        0.125,                   # 30 / 240
        None, 0.1429,            # 60 / 420 = 0.14285..
        None, 0.3333]            # 60 / 180
    assert [(s["bookings"], s["booked_minutes"], s["available_minutes"], s["entry_minutes"])
            for s in g[d.p2]["series"]] == [
        (0, 0, 240, 0),
        (4, 90, 240, 0),         # B13..B16; one session of 90
        (1, 0, 240, 0),          # B18 cancelled
        (1, 60, 240, 0),         # B17
        (0, 0, 240, 90),         # E2
        (0, 0, 0, 120),          # E3 until midnight
        (0, 0, 0, 180)]          # E3 after midnight (23:00Z - 02:00Z)


def test_breakdown_by_service(d):
    a = analytics(d.t, dict(W13, group_by="week", breakdown="service"))
    assert a["breakdown"] == "service"
    assert figures(a["totals"]) == W13_TOTALS
    want = sorted([(d.s1, "Consult", S1_W13), (d.s2, "Lesson", S2_W13),
                   (d.s3, "Group", S3_W13)])
    assert [(g["service_id"], g["name"]) for g in a["groups"]] == [(s, n) for s, n, _ in want]
    for g, (_, _, fig) in zip(a["groups"], want):
        assert figures(g["totals"]) == fig, g["name"]
        assert figures(g["series"][0]) == fig, g["name"]


def test_breakdown_by_provider_of_one_service(d):
    a = analytics(d.t, dict(W13, group_by="week", breakdown="provider", service_id=d.s1))
    assert figures(a["totals"]) == S1_W13
    want = sorted([
        (d.p1, F(bookings=8,                     # B1..B6, B10, B11
                 confirmed=2,                    # B6, B11
                 cancelled=3, early=2, late=1,   # B3, B4; B5
                 completed=1, no_show=2,         # B1; B2, B10
                 reschedules=2,
                 nsr=0.6667,                     # 2 / 3
                 cr=0.375,                       # 3 / 8
                 rev={"EUR": ("80.00", "120.00", "120.00")},
                 # buckets 1 2 18 36 96 120 240 720: k=4 -> 36; k=ceil(7.2)=8 -> 720
                 p50=36, p90=720,
                 avg=60.0,
                 booked=300,                     # B1 B2 B6 B10 B11
                 available=None, util=None, entry=None,   # open time is not per service
                 wl=(3, 2, 1, 1, 0.3333))),      # W1, W2, W3: S1 at P1
        (d.p2, F(bookings=1, pending=1, reschedules=1, cr=0.0,   # B17
                 rev={"EUR": EUR0}, p50=240, p90=240, avg=60.0, booked=60,
                 available=None, util=None, entry=None))])
    assert [g["provider_id"] for g in a["groups"]] == [p for p, _ in want]
    for g, (_, fig) in zip(a["groups"], want):
        assert figures(g["totals"]) == fig, g["name"]


def test_breakdown_with_a_provider_filter(d):
    a = analytics(d.t, dict(W13, group_by="week", breakdown="provider", provider_id=d.p1))
    assert [g["provider_id"] for g in a["groups"]] == [d.p1]
    assert figures(a["groups"][0]["totals"]) == P1_W13
    assert figures(a["totals"]) == P1_W13
    a = analytics(d.t, dict(W13, group_by="week", breakdown="service", provider_id=d.p2))
    # P2's bookings are of S1 (B17) and S3 (B13..B16, B18)
    assert [g["service_id"] for g in a["groups"]] == sorted([d.s1, d.s3])
    assert figures(a["totals"]) == P2_W13


def test_provider_filter(d):
    a = analytics(d.t, dict(W13, group_by="week", provider_id=d.p2))
    assert (a["provider_id"], a["service_id"]) == (d.p2, None)
    assert figures(a["totals"]) == P2_W13
    assert figures(a["series"][0]) == P2_W13
    a = analytics(d.t, dict(W13, group_by="week", provider_id=d.p1))
    assert figures(a["totals"]) == P1_W13


def test_service_filter(d):
    a = analytics(d.t, dict(W13, group_by="week", service_id=d.s3))
    assert (a["provider_id"], a["service_id"]) == (None, d.s3)
    assert figures(a["totals"]) == S3_W13
    a = analytics(d.t, dict(W13, group_by="week", service_id=d.s2))
    assert figures(a["totals"]) == S2_W13


def test_provider_and_service_filters_together(d):
    # S1 at P2: B17 only (pending, 60 min, 168 h -> 240, moved once); no waitlist entry asks
    # for P2; open time is not divided among services.
    a = analytics(d.t, dict(W13, group_by="week", provider_id=d.p2, service_id=d.s1))
    assert figures(a["totals"]) == F(bookings=1, pending=1, reschedules=1, cr=0.0,
                                     rev={"EUR": EUR0}, p50=240, p90=240, avg=60.0,
                                     booked=60, available=None, entry=None)


# --- heatmap ----------------------------------------------------------------------------------

def grid(cells):
    g = [[0] * 24 for _ in range(7)]
    for (day, hour), n in cells.items():
        g[day][hour] = n
    return g


# Bookings holding time in W13 by Berlin weekday (0 = mon) and hour: B1 Mon 9, B2 Mon 10,
# B13-B15 Tue 8 (three seats), B6 Tue 9, B7 Wed 10, B17 Thu 8, B10 Fri 9, B11 Sun 0. The
# cancelled (B3 B4 B5 B8 B9 B18) and declined (B16) ones hold nothing.
HEAT_BER = grid({(0, 9): 1, (0, 10): 1, (1, 8): 3, (1, 9): 1, (2, 10): 1, (3, 8): 1,
                 (4, 9): 1, (6, 0): 1})
# The same in UTC: one hour earlier (CET), B11 on Saturday at 23.
HEAT_UTC = grid({(0, 8): 1, (0, 9): 1, (1, 7): 3, (1, 8): 1, (2, 9): 1, (3, 7): 1,
                 (4, 8): 1, (5, 23): 1})


def test_heatmap(d):
    a = analytics(d.t, dict(W13, view="heatmap"))
    assert set(a) == {"from", "to", "timezone", "provider_id", "service_id", "weekdays",
                      "counts"}, sorted(a)
    assert (a["from"], a["to"], a["timezone"]) == ("2026-03-23", "2026-03-29", BER)
    assert a["weekdays"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert a["counts"] == HEAT_BER
    a = analytics(d.t, {"from": "2026-03-23", "to": "2026-03-29", "timezone": "UTC",
                        "view": "heatmap"})
    assert a["counts"] == HEAT_UTC
    # only P2: the three seats on Tuesday 8 and B17 on Thursday 8
    a = analytics(d.t, dict(W13, view="heatmap", provider_id=d.p2))
    assert a["provider_id"] == d.p2
    assert a["counts"] == grid({(1, 8): 3, (3, 8): 1})
    # only S2: B7 (B8, B9 cancelled)
    a = analytics(d.t, dict(W13, view="heatmap", service_id=d.s2))
    assert a["counts"] == grid({(2, 10): 1})
    # group_by and breakdown do not apply to the heatmap
    a = analytics(d.t, dict(W13, view="heatmap", group_by="day", breakdown="provider"))
    assert a["counts"] == HEAT_BER


# --- CSV --------------------------------------------------------------------------------------

CSV_FIXED = ["group", "period", "start", "end", "hours", "bookings", "pending", "confirmed",
             "declined", "cancelled", "cancelled_early", "cancelled_late", "completed",
             "no_show", "reschedules", "no_show_rate", "cancellation_rate",
             "lead_time_p50_hours", "lead_time_p90_hours", "average_duration_minutes",
             "booked_minutes", "available_minutes", "utilisation", "entry_minutes",
             "waitlist_joined", "waitlist_offered", "waitlist_taken", "waitlist_expired",
             "waitlist_conversion_rate", "ratings", "average_rating"]


def get_csv(t, params):
    r = t.get("/v1/analytics", params=params, now=QNOW, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8", r.headers["Content-Type"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    return rows[0], rows[1:]


def same_number(field, value, where):
    """A CSV field against its JSON value: null is empty, numbers as in the JSON."""
    if value is None:
        assert field == "", f"{where}: want empty, got {field!r}"
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AssertionError(f"{where}: not a number in the JSON: {value!r}")
    elif isinstance(value, int):
        assert field == str(value), f"{where}: want {value}, got {field!r}"
    else:
        assert float(field) == value, f"{where}: want {value}, got {field!r}"


def check_row(row, cols, group, x, currencies, where):
    r = dict(zip(cols, row))
    assert len(row) == len(cols), f"{where}: {len(row)} fields, {len(cols)} columns"
    assert r["group"] == group, where
    if "label" in x:
        assert (r["period"], r["start"], r["end"]) == (x["label"], x["start"], x["end"]), where
        same_number(r["hours"], x["hours"], where + " hours")
    else:
        assert (r["period"], r["start"], r["end"], r["hours"]) == ("total", "", "", ""), \
            f"{where}: {r}"
    for k in FIGURES:
        if k in ("revenue", "waitlist"):
            continue
        same_number(r[k], x[k], f"{where} {k}")
    for k in WAITLIST_KEYS:
        same_number(r["waitlist_" + k], x["waitlist"][k], f"{where} waitlist {k}")
    money = revenue(x["revenue"])
    for cur in currencies:
        got = tuple(r[f"{k}_{cur}"] for k in ("revenue", "fees_charged", "fees_waived"))
        # A currency the JSON does not list for this row has no figure: empty fields (this
        # reading is ours; docs/api.md says only "null is an empty field").
        assert got == money.get(cur, ("", "", "")), f"{where} {cur}: {got}"


@pytest.mark.parametrize("breakdown,key", [("provider", "provider_id"),
                                           ("service", "service_id")])
def test_csv_equals_json(d, breakdown, key):
    params = dict(W13, group_by="day", breakdown=breakdown)
    a = analytics(d.t, params)
    cols, rows = get_csv(d.t, params)
    currencies = ["EUR", "USD"]    # every currency in the answer, sorted
    assert cols == CSV_FIXED + ["revenue_EUR", "fees_charged_EUR", "fees_waived_EUR",
                                "revenue_USD", "fees_charged_USD", "fees_waived_USD"]
    # the totals' periods and total row, then each group's, in order
    want = [("", s) for s in a["series"]] + [("", a["totals"])]
    for g in a["groups"]:
        want += [(g[key], s) for s in g["series"]] + [(g[key], g["totals"])]
    assert len(a["groups"]) == (2 if breakdown == "provider" else 3)
    assert len(rows) == len(want) == (7 + 1) * (1 + len(a["groups"]))
    for i, (row, (group, x)) in enumerate(zip(rows, want)):
        check_row(row, cols, group, x, currencies, f"row {i + 1}")
    # and the CSV holds the hand-computed figures, not merely the JSON's
    total = dict(zip(cols, rows[7]))
    assert (total["bookings"], total["booked_minutes"], total["revenue_EUR"],
            total["fees_waived_EUR"], total["fees_charged_USD"]) == (
        "17", "480", "92.50", "120.00", "45.125")


def test_csv_without_breakdown_and_of_a_single_currency(d):
    params = dict(W13, group_by="week", provider_id=d.p2)
    a = analytics(d.t, params)
    cols, rows = get_csv(d.t, params)
    assert cols == CSV_FIXED + ["revenue_EUR", "fees_charged_EUR", "fees_waived_EUR"]
    assert len(rows) == 2        # W13 and total
    check_row(rows[0], cols, "", a["series"][0], ["EUR"], "week")
    check_row(rows[1], cols, "", a["totals"], ["EUR"], "total")


def test_heatmap_csv(d):
    params = dict(W13, view="heatmap")
    cols, rows = get_csv(d.t, params)
    assert cols == ["weekday", "hour", "bookings"]
    assert len(rows) == 7 * 24
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    got = {(r[0], int(r[1])): int(r[2]) for r in rows}
    assert got == {(days[i], h): HEAT_BER[i][h] for i in range(7) for h in range(24)}


# --- who sees what ----------------------------------------------------------------------------

def test_staff_key_limited_to_a_provider_sees_only_it(d):
    k = staff_key(d.t, [d.p2])
    # totals, groups and the waitlist are over P2 alone
    a = analytics(k, dict(W13, group_by="week"))
    assert figures(a["totals"]) == P2_W13
    a = analytics(k, dict(W13, group_by="week", breakdown="provider"))
    assert [g["provider_id"] for g in a["groups"]] == [d.p2]
    assert figures(a["groups"][0]["totals"]) == P2_W13
    assert figures(a["totals"]) == P2_W13
    a = analytics(k, dict(W13, group_by="week", breakdown="service"))
    # P2's bookings: S1 (B17) and S3 (B13..B16, B18); W4 (no provider) is not over P2, so
    # S3's waitlist is empty through this key
    want = sorted([(d.s1, F(bookings=1, pending=1, reschedules=1, cr=0.0, rev={"EUR": EUR0},
                            p50=240, p90=240, avg=60.0, booked=60,
                            available=None, util=None, entry=None)),
                   (d.s3, dict(S3_W13, waitlist=F()["waitlist"]))])
    assert [g["service_id"] for g in a["groups"]] == [s for s, _ in want]
    for g, (_, fig) in zip(a["groups"], want):
        assert figures(g["totals"]) == fig, g["name"]
    a = analytics(k, dict(W13, view="heatmap"))
    assert a["counts"] == grid({(1, 8): 3, (3, 8): 1})
    assert analytics(k, dict(W13, provider_id=d.p2))["totals"]["bookings"] == 6
    expect_problem(k.get("/v1/analytics", params=dict(W13, provider_id=d.p1), now=QNOW), 404)
    expect_problem(k.get("/v1/analytics", params=dict(W13, provider_id=d.p1,
                                                      view="heatmap"), now=QNOW), 404)
    expect_problem(k.get("/v1/analytics", params=dict(W13, provider_id=d.p1),
                         headers={"Accept": "text/csv"}, now=QNOW), 404)


def test_unlimited_staff_key_sees_everything(d):
    k = booking_helpers.make_key(d.server, d.t, "staff")
    assert figures(analytics(k, dict(W13, group_by="week"))["totals"]) == W13_TOTALS


def test_customer_key_and_no_key_are_refused(d):
    k = booking_helpers.make_key(d.server, d.t, "customer")
    expect_problem(k.get("/v1/analytics", params=W13, now=QNOW), 403)
    expect_problem(d.t.get("/v1/analytics", params=W13, now=QNOW, key=None), 401)


def test_other_tenant_sees_none_of_it(d):
    o = d.server.tenant("an-other", "Other")
    q = o.provider("Quinn", BER)["id"]
    o.schedule(q, weekdays([("09:00", "17:00")]))
    sq = o.service([q], "Visit", 60, price="10.00", currency="CHF")["id"]
    booking_helpers.booked(o, sq, "2026-03-23T09:00:00+01:00", q, now="2026-03-20T08:00:00Z")
    a = analytics(o, dict(W13, group_by="week", breakdown="provider"))
    # its own booking only: Mon 09:00, made 72 h before -> 96; Quinn open 5 x 480 minutes
    assert figures(a["totals"]) == F(bookings=1, confirmed=1, cr=0.0,
                                     rev={"CHF": ("0.00", "0.00", "0.00")}, p50=96, p90=96,
                                     avg=60.0, booked=60, available=2400, util=0.025)
    assert [g["provider_id"] for g in a["groups"]] == [q]
    a = analytics(o, dict(W13, view="heatmap"))
    assert a["counts"] == grid({(0, 9): 1})
    for params in ({"provider_id": d.p1}, {"provider_id": d.p2}, {"service_id": d.s1}):
        expect_problem(o.get("/v1/analytics", params=dict(W13, **params), now=QNOW), 404)
    for params in ({"provider_id": q}, {"service_id": sq}):
        expect_problem(d.t.get("/v1/analytics", params=dict(W13, **params), now=QNOW), 404)
    # and this tenant's figures are untouched by the other's
    assert figures(analytics(d.t, dict(W13, group_by="week"))["totals"]) == W13_TOTALS


# --- bad input --------------------------------------------------------------------------------

# docs/api.md: every invalid query is 422 validation_failed, with the parameter as pointer.
# (The issue and the first version of the contract said 400; the contract now says 422, as
# for every other query in the API.) For the range errors the contract names no parameter.
@pytest.mark.parametrize("params,pointer", [
    ({"to": "2026-03-29"}, "from"),                                   # from missing
    ({"from": "2026-03-23"}, "to"),                                   # to missing
    ({"from": "2026-03-29", "to": "2026-03-23"}, None),               # to before from
    ({"from": "2026-01-01", "to": "2028-01-02"}, None),               # 732 days, both ends
    ({"from": "2026-01-01", "to": "2029-01-01"}, None),
    ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),             # no such date
    ({"from": "2026-3-1", "to": "2026-03-02"}, "from"),
    ({"from": "2026-03-01T00:00:00Z", "to": "2026-03-02"}, "from"),
    ({"from": "2026-03-01", "to": "2026-13-01"}, "to"),
    ({"from": "2026-03-01", "to": "2026-03-02", "timezone": "Mars/Olympus"}, "timezone"),
    ({"from": "2026-03-01", "to": "2026-03-02", "timezone": ""}, "timezone"),
    ({"from": "2026-03-01", "to": "2026-03-02", "group_by": "year"}, "group_by"),
    ({"from": "2026-03-01", "to": "2026-03-02", "group_by": ""}, "group_by"),
    ({"from": "2026-03-01", "to": "2026-03-02", "breakdown": "customer"}, "breakdown"),
    ({"from": "2026-03-01", "to": "2026-03-02", "view": "table"}, "view"),
    ({"from": "2026-03-01", "to": "2026-03-02", "foo": "1"}, "foo"),  # unknown parameter
    ({"from": "2026-03-01", "to": "2026-03-02", "providerid": "x"}, "providerid"),
])
def test_bad_input_is_422(d, params, pointer):
    for headers in (None, {"Accept": "text/csv"}):
        body = expect_problem(d.t.get("/v1/analytics", params=params, now=QNOW,
                                      headers=headers), 422, "validation_failed", pointer)
        assert body["errors"], body
    heat = params if "view" in params else dict(params, view="heatmap")
    expect_problem(d.t.get("/v1/analytics", params=heat, now=QNOW), 422, "validation_failed")


def test_too_many_cells_is_422_range_too_large(server):
    """15 providers with open time (weekdays 09:00-10:00, UTC). A daily breakdown over 626
    days is 626 x (15 + 1) = 10,016 cells, over the 10,000 allowed; monthly it is
    21 x 16 = 336 (Jan 2026 .. Sep 2027), and daily without a breakdown 626."""
    t = server.tenant("an-cap", "Cap")
    pids = []
    for i in range(15):
        pids.append(t.provider(f"P{i:02}", "UTC")["id"])
        t.schedule(pids[-1], weekdays([("09:00", "10:00")]))
    q = {"from": "2026-01-01", "to": "2027-09-18"}
    expect_problem(t.get("/v1/analytics", params=dict(q, group_by="day", breakdown="provider"),
                         now=QNOW), 422, "range_too_large")
    a = analytics(t, dict(q, group_by="month", breakdown="provider"))
    assert (len(a["series"]), len(a["groups"])) == (21, 15)
    assert [g["provider_id"] for g in a["groups"]] == sorted(pids)
    a = analytics(t, dict(q, group_by="day"))
    assert len(a["series"]) == 626


def test_half_hour_dst_days(d):
    """Australia/Lord_Howe moves by 30 minutes: Sun 5 Apr 2026 (+11:00 -> +10:30) has 24.5
    hours, Sun 4 Oct 2026 (+10:30 -> +11:00) 23.5."""
    a = analytics(d.t, {"from": "2026-04-05", "to": "2026-04-06",
                        "timezone": "Australia/Lord_Howe", "group_by": "day"})
    assert [period(s) for s in a["series"]] == [
        ("2026-04-05", "2026-04-05T00:00:00+11:00", "2026-04-06T00:00:00+10:30", 24.5),
        ("2026-04-06", "2026-04-06T00:00:00+10:30", "2026-04-07T00:00:00+10:30", 24)]
    a = analytics(d.t, {"from": "2026-10-04", "to": "2026-10-04",
                        "timezone": "Australia/Lord_Howe", "group_by": "day"})
    assert [s["hours"] for s in a["series"]] == [23.5]


def test_longest_span_is_731_days(d):
    # 2026-01-01 .. 2028-01-01 with both ends: 365 + 365 + 1 = 731 days
    a = analytics(d.t, {"from": "2026-01-01", "to": "2028-01-01", "timezone": BER})
    assert len(a["series"]) == 25      # 24 months and January 2028 (one day)
    assert period(a["series"][-1]) == (
        "2028-01", "2028-01-01T00:00:00+01:00", "2028-01-02T00:00:00+01:00", 24)
    assert a["totals"]["bookings"] == 19   # every booking of the data set (all in March)
    a = analytics(d.t, {"from": "2026-01-01", "to": "2028-01-01", "timezone": BER,
                        "group_by": "day", "breakdown": "provider"})
    assert len(a["series"]) == 731
    assert [s["label"] for s in a["series"][:1] + a["series"][-1:]] == ["2026-01-01",
                                                                      "2028-01-01"]
    assert a["totals"]["bookings"] == 19
    # the 23- and 25-hour days of both years, and no others
    assert sorted((s["label"], s["hours"]) for s in a["series"] if s["hours"] != 24) == [
        ("2026-03-29", 23), ("2026-10-25", 25), ("2027-03-28", 23), ("2027-10-31", 25)]


@pytest.mark.parametrize("params", [{"provider_id": "prv_00000000000000000000"},
                                    {"service_id": "svc_00000000000000000000"}])
def test_unknown_provider_or_service_is_404(d, params):
    expect_problem(d.t.get("/v1/analytics", params=dict(W13, **params), now=QNOW), 404)


# --- the autumn DST change, vacation, free services -------------------------------------------

def test_fall_back_day_is_25_hours(server):
    """Rae and Vic (Berlin) work Sundays 00:00-04:00; Vic is in vacation mode. On Sun 25 Oct
    2026 clocks go back at 03:00 CEST to 02:00 CET: the day has 25 hours, Rae's 00:00 CEST
    (Sat 22:00Z) - 04:00 CET (03:00Z) is 300 minutes. Two 30-minute bookings of a free
    service at 02:30 local, once in CEST (00:30Z) and once in CET (01:30Z), both made Sat 24
    12:00Z (12.5 h and 13.5 h -> bucket 18)."""
    t = server.tenant("an-fall", "Fall")
    r = t.provider("Rae", BER)["id"]
    v = t.provider("Vic", BER, settings={"vacation": True})["id"]
    for p in (r, v):
        t.schedule(p, {"sun": [{"start": "00:00", "end": "04:00"}]})
    free = t.service([r, v], "Free", 30)["id"]
    for start in ("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"):
        booking_helpers.booked(t, free, start, r, now="2026-10-24T12:00:00Z")
    want = F(bookings=2, confirmed=2, cr=0.0,
             rev={},                       # a free service adds no currency
             p50=18, p90=18, avg=30.0,
             booked=60,                    # 2 x 30
             available=300,                # Rae 300, Vic none (vacation)
             util=0.2)                     # 60 / 300
    a = analytics(t, {"from": "2026-10-25", "to": "2026-10-25", "timezone": BER,
                      "group_by": "day"})
    assert [period(s) for s in a["series"]] == [
        ("2026-10-25", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 25)]
    assert figures(a["series"][0]) == want
    assert figures(a["totals"]) == want
    a = analytics(t, {"from": "2026-10-19", "to": "2026-10-25", "timezone": BER,
                      "group_by": "week", "breakdown": "provider"})
    assert [period(s) for s in a["series"]] == [
        ("2026-W43", "2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 169)]
    assert figures(a["totals"]) == want
    # Vic has no bookings, no open time and no entries: no group
    assert [g["provider_id"] for g in a["groups"]] == [r]
    assert figures(a["groups"][0]["totals"]) == want
    a = analytics(t, {"from": "2026-10-19", "to": "2026-10-25", "timezone": BER,
                      "view": "heatmap"})
    # both starts are Sunday, hour 2, whichever instant
    assert a["counts"] == grid({(6, 2): 2})


# --- figures follow every write; open time below the bookings; entries; deleted providers -----

def test_figures_follow_later_writes(server):
    """Lou (UTC) works weekdays 09:00-11:00 (120 minutes); queries in UTC read the per-day
    summary, which every write must keep right. Mon 1 and Tue 2 June 2026."""
    t = server.tenant("an-live", "Live")
    p = t.provider("Lou", "UTC")["id"]
    t.schedule(p, weekdays([("09:00", "11:00")]))
    s = t.service([p], "Hour", 60, price="10.00", currency="EUR")["id"]
    q = {"from": "2026-06-01", "to": "2026-06-02", "group_by": "day"}

    def days():
        return [figures(x) for x in analytics(t, q)["series"]]

    # Both made Sun 31 May 09:00Z: 24 h and 25 h ahead -> bucket 36.
    b1 = booking_helpers.booked(t, s, "2026-06-01T09:00:00Z", p, now="2026-05-31T09:00:00Z")
    b2 = booking_helpers.booked(t, s, "2026-06-01T10:00:00Z", p, now="2026-05-31T09:00:00Z")
    eur0 = {"EUR": ("0.00", "0.00", "0.00")}
    assert days() == [F(bookings=2, confirmed=2, cr=0.0, rev=eur0, p50=36, p90=36, avg=60.0,
                        booked=120, available=120, util=1.0),
                      F(available=120, util=0.0)]
    # b2 moves to Tuesday 09:00: 48 h after it was made -> bucket 72, one reschedule.
    r = t.post(f"/v1/bookings/{b2['id']}/reschedule", {"start": "2026-06-02T09:00:00Z"},
               now="2026-05-31T10:00:00Z")
    assert r.status_code == 200, r.text
    mon = F(bookings=1, confirmed=1, cr=0.0, rev=eur0, p50=36, p90=36, avg=60.0, booked=60,
            available=120, util=0.5)
    tue = F(bookings=1, confirmed=1, reschedules=1, cr=0.0, rev=eur0, p50=72, p90=72,
            avg=60.0, booked=60, available=120, util=0.5)
    assert days() == [mon, tue]
    # Time off Mon 09:00-10:30 after the booking: 30 open minutes under 60 booked.
    t.ok("POST", f"/v1/providers/{p}/time-off",
         {"start": "2026-06-01T09:00:00Z", "end": "2026-06-01T10:30:00Z"})
    mon = dict(mon, available_minutes=30, utilisation=2.0)      # 60 / 30
    assert days() == [mon, tue]
    # b1 cancelled (no policy: early, no fee), b2 completed.
    booking_helpers.acted(t, b1["id"], "cancel", now="2026-05-31T12:00:00Z")
    booking_helpers.acted(t, b2["id"], "complete", now="2026-06-02T10:00:00Z")
    assert days() == [
        F(bookings=1, cancelled=1, early=1, cr=1.0, rev=eur0, p50=36, p90=36, avg=60.0,
          booked=0, available=30, util=0.0),
        F(bookings=1, completed=1, reschedules=1, nsr=0.0, cr=0.0,
          rev={"EUR": ("10.00", "0.00", "0.00")}, p50=72, p90=72, avg=60.0, booked=60,
          available=120, util=0.5)]


def test_recurring_entry_minutes(server):
    """Pia (Berlin) has no working hours, only a night shift 01:00-03:00 daily from Sat 24 Oct
    2026, three times (each occurrence lasts its 2 real hours; on Sun 25 it ends at 02:00
    CET), and a one-off job Mon 26 02:00-04:00 CET overlapping Monday's shift: Monday's
    minutes are 01:00-04:00 = 180 (the overlap once)."""
    t = server.tenant("an-rec", "Rec")
    p = t.provider("Pia", BER)["id"]
    t.ok("POST", "/v1/entries", {"title": "Night shift", "start": "2026-10-24T01:00:00+02:00",
                                 "end": "2026-10-24T03:00:00+02:00", "timezone": BER,
                                 "assignee_ids": [p], "rrule": "FREQ=DAILY;COUNT=3"},
         now=DEFAULT_NOW)
    t.ok("POST", "/v1/entries", {"title": "Job", "start": "2026-10-26T02:00:00+01:00",
                                 "end": "2026-10-26T04:00:00+01:00", "assignee_ids": [p]},
         now=DEFAULT_NOW)
    a = analytics(t, {"from": "2026-10-24", "to": "2026-10-26", "timezone": BER,
                      "group_by": "day", "breakdown": "provider"})
    assert [(s["label"], s["hours"], s["entry_minutes"]) for s in a["series"]] == [
        ("2026-10-24", 24, 120), ("2026-10-25", 25, 120), ("2026-10-26", 24, 180)]
    assert figures(a["totals"]) == F(entry=420)      # 120 + 120 + 180; no open time
    # a provider with schedule entries (and nothing else) has a group
    assert [(g["provider_id"], g["name"]) for g in a["groups"]] == [(p, "Pia")]
    assert figures(a["groups"][0]["totals"]) == F(entry=420)


def test_deleted_provider_keeps_its_bookings(server):
    t = server.tenant("an-del", "Del")
    z = t.provider("Zed", "UTC")["id"]
    t.schedule(z, weekdays([("09:00", "11:00")]))
    s = t.service([z], "Hour", 60)["id"]
    b = booking_helpers.booked(t, s, "2026-06-01T09:00:00Z", z, now="2026-05-31T09:00:00Z")
    booking_helpers.acted(t, b["id"], "complete", now="2026-06-01T10:00:00Z")
    r = t.delete(f"/v1/providers/{z}", now="2026-06-03T00:00:00Z")
    assert r.status_code == 204, r.text
    for tz in ("UTC", BER):      # the summary and the bookings themselves
        a = analytics(t, {"from": "2026-06-01", "to": "2026-06-01", "timezone": tz,
                          "group_by": "day", "breakdown": "provider"})
        assert [(g["provider_id"], g["name"]) for g in a["groups"]] == [(z, "Zed")], tz
        g = a["groups"][0]["totals"]
        assert (g["bookings"], g["completed"], g["booked_minutes"]) == (1, 1, 60), tz
        assert (a["totals"]["bookings"], a["totals"]["completed"]) == (1, 1), tz


def test_money_decimals_currencies_and_sessions(server):
    """Mo and Ned (UTC) work weekdays 09:00-17:00 (480 minutes each). Every booking is made
    Sun 31 May 2026 00:00Z and completed. Prices: "10" USD (no decimals: amounts still get
    two), "5.125" USD (three), "0.00" EUR (a price of zero: EUR is listed), no price (adds
    no currency), and a group class of 2 seats at "7.5" GBP."""
    t = server.tenant("an-money", "Money")
    mo = t.provider("Mo", "UTC")["id"]
    ned = t.provider("Ned", "UTC")["id"]
    for p in (mo, ned):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    ten = t.service([mo], "Ten", 60, price="10", currency="USD")["id"]
    odd = t.service([mo], "Odd", 60, price="5.125", currency="USD")["id"]
    zero = t.service([mo], "Zero", 60, price="0.00", currency="EUR")["id"]
    free = t.service([mo], "Free", 60)["id"]
    grp = t.service([mo, ned], "Class", 60, price="7.5", currency="GBP", capacity=2)["id"]
    made = "2026-05-31T00:00:00Z"
    plan = [(ten, mo, "2026-06-01T09:00:00Z"), (zero, mo, "2026-06-01T10:00:00Z"),
            (free, mo, "2026-06-01T11:00:00Z"),
            (odd, mo, "2026-06-02T09:00:00Z"), (ten, mo, "2026-06-02T10:00:00Z"),
            (grp, mo, "2026-06-03T09:00:00Z"), (grp, mo, "2026-06-03T09:00:00Z"),
            (grp, ned, "2026-06-03T09:00:00Z")]
    for sid, pid, start in plan:
        b = booking_helpers.booked(t, sid, start, pid, now=made)
        booking_helpers.acted(t, b["id"], "complete", now="2026-06-03T12:00:00Z")
    a = analytics(t, {"from": "2026-06-01", "to": "2026-06-03", "group_by": "day"})
    days = [figures(s) for s in a["series"]]
    assert days[0] == F(bookings=3, completed=3, nsr=0.0, cr=0.0,
                        rev={"EUR": ("0.00", "0.00", "0.00"),      # the zero price
                             "USD": ("10.00", "0.00", "0.00")},    # "10": two decimals
                        p50=36, p90=36,        # 33, 34, 35 h -> 36
                        avg=60.0, booked=180,
                        available=960,         # Mo 480 + Ned 480
                        util=0.1875)           # 180 / 960
    assert days[1] == F(bookings=2, completed=2, nsr=0.0, cr=0.0,
                        rev={"USD": ("15.125",                     # 5.125 + 10
                                     "0.000", "0.000")},           # three decimals now
                        p50=72, p90=72,        # 57, 58 h -> 72
                        avg=60.0, booked=120, available=960, util=0.125)
    assert days[2] == F(bookings=3, completed=3, nsr=0.0, cr=0.0,
                        rev={"GBP": ("22.50", "0.00", "0.00")},    # 3 x 7.5
                        p50=96, p90=96,        # 81 h -> 96
                        avg=60.0,
                        booked=120,            # Mo's session once (2 seats) + Ned's session
                        available=960, util=0.125)
    assert figures(a["totals"]) == F(
        bookings=8, completed=8, nsr=0.0, cr=0.0,
        rev={"EUR": ("0.00", "0.00", "0.00"), "GBP": ("22.50", "0.00", "0.00"),
             "USD": ("25.125", "0.000", "0.000")},                 # 10 + 5.125 + 10
        # buckets 36 36 36 72 72 96 96 96: k=4 -> 72; k=ceil(7.2)=8 -> 96
        p50=72, p90=96, avg=60.0,
        booked=420,                            # 180 + 120 + 120
        available=2880,                        # 3 x 960
        util=0.1458)                           # 420 / 2880 = 0.14583..
    cols, rows = get_csv(t, {"from": "2026-06-01", "to": "2026-06-03", "group_by": "day"})
    assert cols[-9:] == ["revenue_EUR", "fees_charged_EUR", "fees_waived_EUR",
                         "revenue_GBP", "fees_charged_GBP", "fees_waived_GBP",
                         "revenue_USD", "fees_charged_USD", "fees_waived_USD"]
    for i, x in enumerate(a["series"] + [a["totals"]]):
        check_row(rows[i], cols, "", x, ["EUR", "GBP", "USD"], f"row {i + 1}")


def test_waitlist_entry_counts_for_the_provider_it_was_offered(server):
    """Xia has no hours, Yan (UTC) works weekdays 09:00-10:00; both offer the service. An
    entry for any provider on Mon 1 Jun, made Sun 31 May 12:00Z, is offered Yan's 09:00: it
    belongs to Yan."""
    t = server.tenant("an-wait", "Wait")
    x = t.provider("Xia", "UTC")["id"]
    y = t.provider("Yan", "UTC")["id"]
    t.schedule(y, weekdays([("09:00", "10:00")]))
    sid = t.service([x, y], "Hour", 60)["id"]
    e = t.ok("POST", "/v1/waitlist", {"service_id": sid,
                                      "customer": {"name": "W", "email": "w@example.com"},
                                      "earliest_date": "2026-06-01",
                                      "latest_date": "2026-06-01"},
             now="2026-05-31T12:00:00Z")
    assert (e["status"], e["offer_provider_id"]) == ("offered", y), e
    q = {"from": "2026-05-31", "to": "2026-06-01", "group_by": "week"}
    offered = F(available=60, util=0.0, wl=(1, 1, 0, 0, 0.0))    # Yan's Monday hour
    a = analytics(t, dict(q, breakdown="provider"))
    assert figures(a["totals"]) == offered
    # Xia has no bookings, open time or entries: no group
    assert [g["provider_id"] for g in a["groups"]] == [y]
    assert figures(a["groups"][0]["totals"]) == offered
    assert figures(analytics(t, dict(q, provider_id=y))["totals"]) == offered
    assert figures(analytics(t, dict(q, provider_id=x))["totals"]) == F()
    assert figures(analytics(t, dict(q, service_id=sid))["totals"]) == F(
        available=None, entry=None, wl=(1, 1, 0, 0, 0.0))


def test_open_time_follows_the_availability_rules(server):
    """Ola (UTC) has two schedule versions: weekdays 09:00-17:00 (480) until Sun 7 Jun 2026,
    weekdays 10:00-12:00 (120) from Mon 8 Jun. Open minutes per day, Mon 1 - Fri 12 Jun:
      Mon 1   tenant holiday, and time off 10:00-11:00 on it as well     0 (not -60)
      Tue 2   time off 10:00-12:00 and 11:00-13:00 (overlapping)         480 - 180 = 300
      Wed 3   time off Wed 16:00 - Thu 10:00 (across midnight)           480 - 60 = 420
      Thu 4   (the same time off, 09:00-10:00)                           420
      Fri 5   override with custom hours 08:00-09:00 and 18:00-20:00     180
      Sat 6, Sun 7                                                       0, 0
      Mon 8   recurring closing override, every Monday, twice            0
      Tue 9, Wed 10   the second version                                 120, 120
      Thu 11  tenant holiday, but a custom-hours override 13:00-14:00    60
      Fri 12  closed 12-14 Jun, but a single-day override 15:00-16:00    60 (narrowest wins)
    """
    t = server.tenant("an-open", "Open")
    o = t.provider("Ola", "UTC")["id"]
    t.schedule(o, versions=[
        {"weekly": weekdays([("09:00", "17:00")]), "effective_from": None,
         "effective_until": "2026-06-07"},
        {"weekly": weekdays([("10:00", "12:00")]), "effective_from": "2026-06-08",
         "effective_until": None}])
    t.ok("POST", "/v1/holidays", {"name": "One", "date": "2026-06-01"})
    t.ok("POST", "/v1/holidays", {"name": "Two", "date": "2026-06-11"})
    for start, end in (("2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z"),
                       ("2026-06-02T10:00:00Z", "2026-06-02T12:00:00Z"),
                       ("2026-06-02T11:00:00Z", "2026-06-02T13:00:00Z"),
                       ("2026-06-03T16:00:00Z", "2026-06-04T10:00:00Z")):
        t.ok("POST", f"/v1/providers/{o}/time-off", {"start": start, "end": end})
    for body in ({"date": "2026-06-05", "intervals": [{"start": "08:00", "end": "09:00"},
                                                      {"start": "18:00", "end": "20:00"}]},
                 {"date": "2026-06-08", "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=2"},
                 {"date": "2026-06-11", "intervals": [{"start": "13:00", "end": "14:00"}]},
                 {"from": "2026-06-12", "to": "2026-06-14"},
                 {"date": "2026-06-12", "intervals": [{"start": "15:00", "end": "16:00"}]}):
        t.ok("POST", f"/v1/providers/{o}/overrides", body)
    a = analytics(t, {"from": "2026-06-01", "to": "2026-06-12", "group_by": "day"})
    assert [(s["label"], s["available_minutes"]) for s in a["series"]] == [
        ("2026-06-01", 0), ("2026-06-02", 300), ("2026-06-03", 420), ("2026-06-04", 420),
        ("2026-06-05", 180), ("2026-06-06", 0), ("2026-06-07", 0), ("2026-06-08", 0),
        ("2026-06-09", 120), ("2026-06-10", 120), ("2026-06-11", 60), ("2026-06-12", 60)]
    # 300 + 420 + 420 + 180 + 120 + 120 + 60 + 60
    assert a["totals"]["available_minutes"] == 1680
    a = analytics(t, {"from": "2026-06-01", "to": "2026-06-12", "group_by": "week"})
    # W23 Mon 1 - Sun 7: 0 + 300 + 420 + 420 + 180; W24 Mon 8 - Fri 12: 0 + 120 + 120 + 60 + 60
    assert [(s["label"], s["available_minutes"]) for s in a["series"]] == [
        ("2026-W23", 1320), ("2026-W24", 360)]
    # An alternating template: Mondays 09:00-10:00 in week A (Mon 15 Jun), nothing in week B
    # (Mon 22), week A again on Mon 29 (no holidays then).
    alt = t.provider("Alt", "UTC")["id"]
    t.schedule(alt, weeks=[{"mon": [{"start": "09:00", "end": "10:00"}]}, {}],
               anchor_date="2026-06-15")
    a = analytics(t, {"from": "2026-06-15", "to": "2026-06-29", "group_by": "week",
                      "provider_id": alt})
    assert [(s["label"], s["available_minutes"]) for s in a["series"]] == [
        ("2026-W25", 60), ("2026-W26", 0), ("2026-W27", 60)]


def test_lead_time_beyond_the_last_bucket(server):
    """Far (UTC) works weekdays 09:00-17:00. Booked on Mon 1 Jun 2026 09:00Z: one for Mon 1
    Jun 2037 09:00Z (4018 days = 96432 h ahead: above 87600, the last bucket) and one for
    Mon 1 Jun 2026 09:30Z (0.5 h -> 1)."""
    t = server.tenant("an-far", "Far")
    p = t.provider("Far", "UTC")["id"]
    t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([p], "Half", 30)["id"]
    made = "2026-06-01T09:00:00Z"
    booking_helpers.booked(t, sid, "2037-06-01T09:00:00Z", p, now=made)
    booking_helpers.booked(t, sid, "2026-06-01T09:30:00Z", p, now=made)
    a = analytics(t, {"from": "2037-06-01", "to": "2037-06-01"})
    assert (a["totals"]["lead_time_p50_hours"], a["totals"]["lead_time_p90_hours"]) == (
        87600, 87600)
    a = analytics(t, {"from": "2026-01-01", "to": "2027-12-31"})   # 730 days
    assert (a["totals"]["bookings"], a["totals"]["lead_time_p50_hours"]) == (1, 1)


def test_cancelled_entries_take_no_time(server):
    """Cy (UTC) has two entries on Mon 1 Jun 2026: 09:00-10:00 scheduled, 11:00-13:00
    cancelled. A cancelled entry makes nobody busy (docs/api.md, Schedule entries), so only
    the first hour counts (our reading of "has a schedule-entry occurrence")."""
    t = server.tenant("an-ent", "Ent")
    p = t.provider("Cy", "UTC")["id"]
    t.ok("POST", "/v1/entries", {"title": "On", "start": "2026-06-01T09:00:00Z",
                                 "end": "2026-06-01T10:00:00Z", "assignee_ids": [p]},
         now=DEFAULT_NOW)
    t.ok("POST", "/v1/entries", {"title": "Off", "start": "2026-06-01T11:00:00Z",
                                 "end": "2026-06-01T13:00:00Z", "assignee_ids": [p],
                                 "status": "cancelled"}, now=DEFAULT_NOW)
    a = analytics(t, {"from": "2026-06-01", "to": "2026-06-01"})
    assert a["totals"]["entry_minutes"] == 60


def test_every_way_of_writing_a_booking_reaches_the_figures(server):
    """Una and Vee (UTC) work weekdays 09:00-17:00 and offer a public 60-minute service at
    20.00 EUR. Every booking is for Mon 1 Jun 2026 and made Sun 31 May (24 or 25 h ahead:
    bucket 36): one posted twice with the same Idempotency-Key (one booking), one made on
    the public page and cancelled with its manage token, one of Vee's cancelled by deleting
    Vee with force. Read through the per-day summary (UTC) and from the bookings (Berlin,
    whose Monday 1 June also holds all three)."""
    t = server.tenant("an-writes", "Writes")
    una = t.provider("Una", "UTC")["id"]
    vee = t.provider("Vee", "UTC")["id"]
    for p in (una, vee):
        t.schedule(p, weekdays([("09:00", "17:00")]))
    sid = t.service([una, vee], "Visit", 60, price="20.00", currency="EUR", public=True)["id"]
    made = "2026-05-31T09:00:00Z"
    body = booking_helpers.body_for(sid, "2026-06-01T09:00:00Z", una)
    first = booking_helpers.post(t, body, key="an-once", now=made)
    again = booking_helpers.post(t, body, key="an-once", now=made)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    r = t.request("POST", "/v1/public/an-writes/bookings",
                  booking_helpers.body_for(sid, "2026-06-01T10:00:00Z", una), key=None,
                  now=made, headers={"Idempotency-Key": "an-pub",
                                     "X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 201, r.text
    pub = r.json()
    r = t.request("POST", f"/v1/bookings/{pub['id']}/cancel", key=pub["manage_token"],
                  now="2026-05-31T10:00:00Z")
    assert (r.status_code, r.json()["status"]) == (200, "cancelled"), r.text
    booking_helpers.booked(t, sid, "2026-06-01T09:00:00Z", vee, now=made)
    r = t.delete(f"/v1/providers/{vee}", params={"force": "true"}, now="2026-05-31T12:00:00Z")
    assert r.status_code == 204, r.text
    for tz in ("UTC", BER):
        a = analytics(t, {"from": "2026-06-01", "to": "2026-06-01", "timezone": tz})
        x = a["totals"]
        assert (x["bookings"], x["confirmed"], x["cancelled"], x["cancelled_early"],
                x["cancelled_late"], x["booked_minutes"], x["lead_time_p90_hours"]) == (
            3, 1, 2, 2, 0, 60, 36), tz
        assert revenue(x["revenue"]) == {"EUR": ("0.00", "0.00", "0.00")}, tz
        assert x["cancellation_rate"] == 0.6667, tz      # 2 / 3


def test_decimals_come_from_every_booking_of_the_currency(server):
    """On Mon 1 Jun 2026 (UTC) one booking at "10" USD is completed and one at "5.125" USD is
    cancelled without a fee. Both start in the period, so the USD amounts have three decimals
    even though the 5.125 adds nothing (our reading of "the most decimals any of their
    bookings' prices has": every USD booking counted in the period)."""
    t = server.tenant("an-dec", "Dec")
    p = t.provider("Dee", "UTC")["id"]
    t.schedule(p, weekdays([("09:00", "17:00")]))
    ten = t.service([p], "Ten", 60, price="10", currency="USD")["id"]
    odd = t.service([p], "Odd", 60, price="5.125", currency="USD")["id"]
    a = booking_helpers.booked(t, ten, "2026-06-01T09:00:00Z", p, now="2026-05-31T09:00:00Z")
    b = booking_helpers.booked(t, odd, "2026-06-01T10:00:00Z", p, now="2026-05-31T09:00:00Z")
    booking_helpers.acted(t, a["id"], "complete", now="2026-06-01T10:00:00Z")
    booking_helpers.acted(t, b["id"], "cancel", now="2026-05-31T10:00:00Z")
    for tz in ("UTC", BER):
        x = analytics(t, {"from": "2026-06-01", "to": "2026-06-01", "timezone": tz})
        assert revenue(x["totals"]["revenue"]) == {"USD": ("10.000", "0.000", "0.000")}, tz
