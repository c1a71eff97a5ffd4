"""/v1/entries: schedule entries with assignees, recurring by RRULE (RFC 5545), their
occurrences across DST, this/future/all edits and deletes, conflicts, .ics export, and the
busy time they give their assignees in /v1/slots, /v1/slots/explain and /v1/bookings.

Every test makes providers of its own in tenant A (the module's `api`), so tests do not see
each other's entries. Dates: 2026-03-08 is the spring-forward day in New York (02:00 -> 03:00),
2026-11-01 the fall-back day (02:00 -> 01:00); Europe/Berlin changes on 2026-03-29 and
2026-10-25. Mon 2 Mar .. Fri 6 Mar 2026 is EST (-05:00).
"""
import re
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from booking_helpers import book, booked, make_key
from conftest import DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
BER = "Europe/Berlin"
ENTRY_KEYS = {"id", "title", "start", "end", "timezone", "assignee_ids", "work_item", "status",
              "notes", "rrule", "exdates", "overrides", "version", "created_at", "updated_at"}
OCC_KEYS = {"id", "entry_id", "original_start", "start", "end", "title", "status", "notes",
            "assignee_ids", "work_item", "overridden"}
OVERRIDE_KEYS = {"original_start", "start", "end", "title", "status", "notes", "assignee_ids"}
CONFLICT_KEYS = {"kind", "id", "provider_id", "start", "end", "occurrence_start"}
ENT_ID_RE = re.compile(r"ent_[0-9a-z]{20}")


# --- helpers -----------------------------------------------------------------------------

def local(day, hm="09:00", tz=NY):
    """The RFC 3339 instant of a local wall-clock time, rendered at the zone's offset
    (zoneinfo picks the first instant of an ambiguous time; callers avoid gaps)."""
    d = datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=ZoneInfo(tz))
    return d.isoformat()


def utc(instant):
    t = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact(instant):
    """20260308T073000Z form of an instant (occurrence ids)."""
    t = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return t.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def plus(instant, seconds):
    t = datetime.fromisoformat(instant.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def same_instant(a, b):
    return utc(a) == utc(b)


def days(first, last, step=1):
    """Dates first..last (inclusive) every step days, as YYYY-MM-DD."""
    d, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while d <= end:
        out.append(d.isoformat())
        d += timedelta(days=step)
    return out


def md(ym, *ds):
    return [f"{ym}-{d:02d}" for d in ds]


def prov(api, tz=NY, name="Assignee"):
    return api.provider(name, tz)["id"]


def ebody(pids, start, end, **fields):
    b = {"title": "Entry", "start": start, "end": end,
         "assignee_ids": list(pids) if isinstance(pids, (list, tuple)) else [pids]}
    b.update(fields)
    return b


def create(api, pids, start, end, **fields):
    r = api.post("/v1/entries", ebody(pids, start, end, **fields))
    assert r.status_code == 201, r.text
    assert r.headers.get("ETag") == f'"{r.json()["version"]}"'
    return r.json()


def daily(api, pid, day="2026-03-02", hm="09:00", minutes=60, tz=NY, rule="FREQ=DAILY;COUNT=10",
          **fields):
    s = local(day, hm, tz)
    return create(api, pid, s, plus(s, minutes * 60), rrule=rule, **fields)


def get_entry(api, eid):
    return api.ok("GET", f"/v1/entries/{eid}")


def occurrences(api, eid, frm, to, **kw):
    return api.ok("GET", f"/v1/entries/{eid}/occurrences", params={"from": frm, "to": to},
                  **kw)["occurrences"]


def expand(api, eid, first, last):
    """Every occurrence from date first to date last (inclusive), in windows of 366 days."""
    out, seen = [], set()
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    while d <= end:
        to = min(d + timedelta(days=365), end)
        for o in occurrences(api, eid, d.isoformat(), to.isoformat()):
            if o["id"] not in seen:
                seen.add(o["id"])
                out.append(o)
        d = to + timedelta(days=1)
    return out


def starts(occs):
    return [o["start"] for o in occs]


def entries_of(api, pid):
    return api.list_all("/v1/entries", params={"assignee_id": pid})


def patch(api, eid, body, scope=None, occurrence=None, headers=None):
    params = {}
    if scope:
        params["scope"] = scope
    if occurrence:
        params["occurrence"] = occurrence
    return api.patch(f"/v1/entries/{eid}", body, params=params, headers=headers)


def patched(api, eid, body, scope=None, occurrence=None, headers=None):
    r = patch(api, eid, body, scope, occurrence, headers)
    assert r.status_code == 200, r.text
    assert r.headers.get("ETag") == f'"{r.json()["version"]}"'
    return r.json()


def delete(api, eid, scope=None, occurrence=None, headers=None):
    params = {}
    if scope:
        params["scope"] = scope
    if occurrence:
        params["occurrence"] = occurrence
    return api.delete(f"/v1/entries/{eid}", params=params, headers=headers)


def deleted(api, eid, scope=None, occurrence=None):
    r = delete(api, eid, scope, occurrence)
    assert r.status_code == 204, r.text
    assert not r.content


def rrule_detail(r, *needles):
    """A 422 at /rrule whose detail names each needle (a tuple: any one of its parts)."""
    p = expect_problem(r, 422, "validation_failed", "/rrule")
    detail = " ".join(e["detail"] for e in p["errors"] if e["pointer"] == "/rrule")
    for n in needles:
        alts = n if isinstance(n, tuple) else (n,)
        assert any(a in detail for a in alts), p
    return p


# --- create / read -------------------------------------------------------------------------

def test_create_returns_the_entry_exactly(api):
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, "2026-03-02T14:00:00Z", "2026-03-02T15:30:00Z",
                                      title="Dispatch", notes="bring ladder",
                                      work_item={"type": "job", "id": "J-7"}),
                 now=DEFAULT_NOW)
    assert r.status_code == 201, r.text
    e = r.json()
    assert set(e) == ENTRY_KEYS | {"conflicts"}
    assert ENT_ID_RE.fullmatch(e["id"])
    assert r.headers["ETag"] == '"1"'
    assert {k: v for k, v in e.items() if k not in ("id", "created_at", "updated_at")} == {
        "title": "Dispatch", "start": "2026-03-02T09:00:00-05:00",
        "end": "2026-03-02T10:30:00-05:00", "timezone": NY, "assignee_ids": [pid],
        "work_item": {"type": "job", "id": "J-7"}, "status": "scheduled",
        "notes": "bring ladder", "rrule": None, "exdates": [], "overrides": [], "version": 1,
        "conflicts": []}
    got = get_entry(api, e["id"])
    assert got == {k: v for k, v in e.items() if k != "conflicts"}
    assert api.get(f"/v1/entries/{e['id']}").headers["ETag"] == '"1"'


def test_timezone_defaults_to_the_assignees_zone_and_renders_there(api):
    pid = prov(api, BER)
    e = create(api, pid, "2026-07-01T07:00:00Z", "2026-07-01T08:00:00Z")
    assert (e["timezone"], e["start"], e["end"]) == \
        (BER, "2026-07-01T09:00:00+02:00", "2026-07-01T10:00:00+02:00")


def test_explicit_timezone_overrides_the_provider_zone(api):
    pid = prov(api, NY)
    e = create(api, pid, "2026-07-01T07:00:00Z", "2026-07-01T08:00:00Z", timezone="Asia/Tokyo")
    assert (e["timezone"], e["start"], e["end"]) == \
        ("Asia/Tokyo", "2026-07-01T16:00:00+09:00", "2026-07-01T17:00:00+09:00")


def test_default_timezone_is_the_first_listed_assignees(api):
    ny = prov(api, NY)
    ber = prov(api, BER)      # made later: its id sorts after ny's
    e = create(api, [ber, ny], "2026-07-01T07:00:00Z", "2026-07-01T08:00:00Z")
    assert e["assignee_ids"] == sorted([ber, ny])
    assert e["timezone"] == BER


def test_assignees_are_sorted_and_all_stored(api):
    ids = [prov(api) for _ in range(3)]
    e = create(api, list(reversed(ids)), "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z")
    assert e["assignee_ids"] == sorted(ids)


def test_fifty_assignees_are_accepted(api):
    ids = [prov(api, name=f"P{i}") for i in range(50)]
    e = create(api, ids, "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z")
    assert e["assignee_ids"] == sorted(ids)


@pytest.mark.parametrize("status", ["scheduled", "tentative", "in_progress", "completed",
                                    "cancelled"])
def test_every_status_is_accepted(api, status):
    e = create(api, prov(api), "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z", status=status)
    assert e["status"] == status and get_entry(api, e["id"])["status"] == status


@pytest.mark.parametrize("rule,stored", [
    ("FREQ=DAILY;COUNT=3", "FREQ=DAILY;COUNT=3"),
    ("RRULE:FREQ=DAILY;COUNT=3", "FREQ=DAILY;COUNT=3"),
    ("rrule:freq=daily;count=3", "FREQ=DAILY;COUNT=3"),
    ("Freq=Weekly;Interval=2;ByDay=mo,we", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"),
    ("FREQ=DAILY;UNTIL=20260304", "FREQ=DAILY;UNTIL=20260304"),
])
def test_rrule_prefix_and_case_are_normalised(api, rule, stored):
    pid = prov(api)
    e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"), rrule=rule)
    assert e["rrule"] == stored
    assert get_entry(api, e["id"])["rrule"] == stored
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert len(occ) >= 3 and occ[0]["start"] == local("2026-03-02")


def test_duplicate_exdates_are_not_stored_twice(api):
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, local("2026-03-02"), local("2026-03-02", "10:00"),
                                      rrule="FREQ=DAILY;COUNT=5",
                                      exdates=["2026-03-03T14:00:00Z",
                                               "2026-03-03T09:00:00-05:00"]))
    if r.status_code == 422:
        expect_problem(r, 422, "validation_failed", "/exdates/1")
    else:
        assert r.status_code == 201, r.text
        assert r.json()["exdates"] == [local("2026-03-03")]


def test_rrule_null_is_a_one_off(api):
    e = create(api, prov(api), local("2026-03-02"), local("2026-03-02", "10:00"), rrule=None)
    assert e["rrule"] is None
    assert starts(occurrences(api, e["id"], "2026-03-01", "2026-03-31")) == [local("2026-03-02")]


def test_title_of_200_chars_and_seven_days_are_accepted(api):
    pid = prov(api)
    s = "2026-03-02T14:00:00Z"
    e = create(api, pid, s, plus(s, 7 * 86400), title="t" * 200)
    assert e["title"] == "t" * 200
    assert same_instant(e["end"], plus(s, 7 * 86400))


CREATE_ERRORS = [
    ({"title": None}, "/title"),
    ({"title": ""}, "/title"),
    ({"title": "x" * 201}, "/title"),
    ({"title": "é" * 101}, "/title"),                               # 202 bytes
    ({"title": 5}, "/title"),
    ({"start": None}, "/start"),
    ({"start": "2026-03-02"}, "/start"),
    ({"start": "tomorrow"}, "/start"),
    ({"end": None}, "/end"),
    ({"end": "2026-03-02T14:00:00Z"}, "/end"),                      # end == start
    ({"end": "2026-03-02T13:00:00Z"}, "/end"),                      # end < start
    ({"end": "2026-03-09T14:00:01Z"}, "/end"),                      # 7 days + 1 s
    ({"timezone": "Mars/Olympus"}, "/timezone"),
    ({"timezone": 3}, "/timezone"),
    ({"assignee_ids": None}, "/assignee_ids"),
    ({"assignee_ids": []}, "/assignee_ids"),
    ({"assignee_ids": "prv_00000000000000000000"}, "/assignee_ids"),
    ({"assignee_ids": ["prv_00000000000000000000"]}, "/assignee_ids/0"),
    ({"assignee_ids": ["svc_00000000000000000000"]}, "/assignee_ids/0"),
    ({"assignee_ids": [f"prv_{i:020d}" for i in range(51)]}, "/assignee_ids"),
    ({"status": "done"}, "/status"),
    ({"work_item": "job"}, "/work_item"),
    ({"work_item": {"type": "job"}}, "/work_item/id"),
    ({"work_item": {"id": "J"}}, "/work_item/type"),
    ({"work_item": {"type": "job", "id": "J", "x": 1}}, "/work_item/x"),
    ({"rrule": 5}, "/rrule"),
    ({"rrule": ""}, "/rrule"),
    ({"rrule": "FREQ=DAILY", "exdates": "2026-03-03T14:00:00Z"}, "/exdates"),
    ({"rrule": "FREQ=DAILY", "exdates": ["nope"]}, "/exdates/0"),
    ({"rrule": "FREQ=DAILY", "exdates": ["2026-03-03T14:00:00Z", "2026-03-03T15:00:00Z"]},
     "/exdates/1"),
    ({"rrule": "FREQ=DAILY;COUNT=3", "exdates": ["2026-03-05T14:00:00Z"]}, "/exdates/0"),
    ({"exdates": ["2026-03-02T14:00:00Z"]}, "/exdates"),            # no rrule
    ({"color": "red"}, "/color"),
    ({"split_from": "ent_00000000000000000000"}, "/split_from"),
    ({"id": "ent_00000000000000000000"}, "/id"),
    ({"version": 3}, "/version"),
    ({"overrides": []}, "/overrides"),
]


@pytest.mark.parametrize("change,pointer", CREATE_ERRORS,
                         ids=[f"{p}-{i}" for i, (_, p) in enumerate(CREATE_ERRORS)])
def test_invalid_create_is_422_and_stores_nothing(api, change, pointer):
    pid = prov(api)
    before = api.list_all("/v1/entries")
    body = ebody(pid, "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z")
    for k, v in change.items():
        if v is None and k in ("title", "start", "end", "assignee_ids"):
            body.pop(k)         # absent
        else:
            body[k] = v
    expect_problem(api.post("/v1/entries", body), 422, "validation_failed", pointer)
    assert api.list_all("/v1/entries") == before


def test_unknown_assignee_after_a_known_one_is_reported_at_its_own_index(api):
    pid = prov(api)
    r = api.post("/v1/entries", ebody([pid, "prv_zzzzzzzzzzzzzzzzzzzz"], "2026-03-02T14:00:00Z",
                                      "2026-03-02T15:00:00Z"))
    p = expect_problem(r, 422, "validation_failed", "/assignee_ids/1")
    assert "prv_zzzzzzzzzzzzzzzzzzzz" in p["errors"][0]["detail"]
    assert entries_of(api, pid) == []


def test_unknown_assignee_pointer_uses_the_request_index(api):
    pid = prov(api)
    r = api.post("/v1/entries", ebody([pid, "prv_00000000000000000000"], "2026-03-02T14:00:00Z",
                                      "2026-03-02T15:00:00Z"))
    p = expect_problem(r, 422, "validation_failed")
    assert [e["pointer"] for e in p["errors"]] == ["/assignee_ids/1"], p


def test_duplicate_assignee_is_422(api):
    pid = prov(api)
    r = api.post("/v1/entries", ebody([pid, pid], "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"))
    expect_problem(r, 422, "validation_failed")
    assert entries_of(api, pid) == []


def test_another_tenants_provider_is_not_an_assignee(api, api_b):
    other = api_b.provider("Theirs", NY)["id"]
    r = api.post("/v1/entries", ebody(other, "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"))
    expect_problem(r, 422, "validation_failed", "/assignee_ids/0")


def test_malformed_json_is_400(api):
    pid = prov(api)
    r = api.request("POST", "/v1/entries", data=b'{"title": "x"',
                    headers={"Content-Type": "application/json"})
    expect_problem(r, 400, "malformed_request")
    assert entries_of(api, pid) == []


# --- list ---------------------------------------------------------------------------------

def test_list_filters_by_assignee_and_pages(api):
    a, b = prov(api), prov(api)
    made = [create(api, a, f"2026-03-0{i}T14:00:00Z", f"2026-03-0{i}T15:00:00Z")["id"]
            for i in range(2, 7)]
    other = create(api, b, "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z")["id"]
    both = create(api, [a, b], "2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z")["id"]
    assert sorted(x["id"] for x in entries_of(api, a)) == sorted(made + [both])
    assert sorted(x["id"] for x in entries_of(api, b)) == sorted([other, both])
    # pages of 2 give every row once
    rows, cursor = [], None
    for _ in range(10):
        params = {"assignee_id": a, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.ok("GET", "/v1/entries", params=params)
        assert len(page["data"]) <= 2
        rows += [x["id"] for x in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(rows) == sorted(made + [both]) and len(rows) == len(set(rows))
    full = {x["id"]: x for x in api.list_all("/v1/entries")}
    assert set(made + [other, both]) <= set(full)
    assert full[both] == get_entry(api, both)


@pytest.mark.parametrize("params,pointer", [
    ({"assignee_id": "nope"}, "assignee_id"),
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
])
def test_list_rejects_bad_query(api, params, pointer):
    expect_problem(api.get("/v1/entries", params=params), 422, pointer=pointer)


def test_unknown_entry_is_404(api):
    for path in ("/v1/entries/ent_00000000000000000000",
                 "/v1/entries/ent_00000000000000000000.ics",
                 "/v1/entries/ent_00000000000000000000/occurrences?from=2026-03-01&to=2026-03-02",
                 "/v1/entries/prv_00000000000000000000"):
        expect_problem(api.get(path), 404, "not_found")
    expect_problem(patch(api, "ent_00000000000000000000", {"title": "x"}), 404, "not_found")
    expect_problem(delete(api, "ent_00000000000000000000"), 404, "not_found")


# --- RFC 5545 section 3.8.5.3 examples -------------------------------------------------------

RFC_EXAMPLES = [
    pytest.param("1997-09-02", "FREQ=DAILY;COUNT=10", "1997-12-31",
                 days("1997-09-02", "1997-09-11"), id="daily-count10"),
    pytest.param("1997-09-02", "FREQ=DAILY;UNTIL=19971224T000000Z", "1998-03-31",
                 days("1997-09-02", "1997-12-23"), id="daily-until"),
    pytest.param("1997-09-02", "FREQ=DAILY;INTERVAL=2", "1997-12-31",
                 days("1997-09-02", "1997-12-31", 2), id="every-other-day"),
    pytest.param("1997-09-02", "FREQ=DAILY;INTERVAL=10;COUNT=5", "1997-12-31",
                 md("1997-09", 2, 12, 22) + md("1997-10", 2, 12), id="every-10-days"),
    pytest.param("1998-01-01", "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;"
                 "BYDAY=SU,MO,TU,WE,TH,FR,SA", "2000-12-31",
                 days("1998-01-01", "1998-01-31") + days("1999-01-01", "1999-01-31")
                 + days("2000-01-01", "2000-01-31"), id="january-yearly"),
    pytest.param("1998-01-01", "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", "2000-12-31",
                 days("1998-01-01", "1998-01-31") + days("1999-01-01", "1999-01-31")
                 + days("2000-01-01", "2000-01-31"), id="january-daily"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;COUNT=10", "1997-12-31",
                 md("1997-09", 2, 9, 16, 23, 30) + md("1997-10", 7, 14, 21, 28)
                 + md("1997-11", 4), id="weekly-count10"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;UNTIL=19971224T000000Z", "1998-03-31",
                 days("1997-09-02", "1997-12-23", 7), id="weekly-until"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;INTERVAL=2;WKST=SU", "1998-02-28",
                 md("1997-09", 2, 16, 30) + md("1997-10", 14, 28) + md("1997-11", 11, 25)
                 + md("1997-12", 9, 23) + md("1998-01", 6, 20) + md("1998-02", 3, 17),
                 id="every-other-week"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
                 "1997-12-31", md("1997-09", 2, 4, 9, 11, 16, 18, 23, 25, 30) + md("1997-10", 2),
                 id="tu-th-five-weeks-until"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", "1997-12-31",
                 md("1997-09", 2, 4, 9, 11, 16, 18, 23, 25, 30) + md("1997-10", 2),
                 id="tu-th-five-weeks-count"),
    pytest.param("1997-09-01", "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;"
                 "BYDAY=MO,WE,FR", "1998-03-31",
                 md("1997-09", 1, 3, 5, 15, 17, 19, 29) + md("1997-10", 1, 3, 13, 15, 17, 27, 29,
                                                               31)
                 + md("1997-11", 10, 12, 14, 24, 26, 28) + md("1997-12", 8, 10, 12, 22),
                 id="every-other-week-mo-we-fr"),
    pytest.param("1997-09-02", "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
                 "1997-12-31", md("1997-09", 2, 4, 16, 18, 30) + md("1997-10", 2, 14, 16),
                 id="every-other-week-tu-th-count8"),
    pytest.param("1997-09-05", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "1998-12-31",
                 md("1997-09", 5) + md("1997-10", 3) + md("1997-11", 7) + md("1997-12", 5)
                 + md("1998-01", 2) + md("1998-02", 6) + md("1998-03", 6) + md("1998-04", 3)
                 + md("1998-05", 1) + md("1998-06", 5), id="monthly-first-friday-count"),
    pytest.param("1997-09-05", "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", "1998-06-30",
                 md("1997-09", 5) + md("1997-10", 3) + md("1997-11", 7) + md("1997-12", 5),
                 id="monthly-first-friday-until"),
    pytest.param("1997-09-07", "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "1998-12-31",
                 md("1997-09", 7, 28) + md("1997-11", 2, 30) + md("1998-01", 4, 25)
                 + md("1998-03", 1, 29) + md("1998-05", 3, 31), id="first-and-last-sunday"),
    pytest.param("1997-09-22", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "1998-12-31",
                 md("1997-09", 22) + md("1997-10", 20) + md("1997-11", 17) + md("1997-12", 22)
                 + md("1998-01", 19) + md("1998-02", 16), id="second-to-last-monday"),
    pytest.param("1997-09-28", "FREQ=MONTHLY;BYMONTHDAY=-3", "1998-02-28",
                 md("1997-09", 28) + md("1997-10", 29) + md("1997-11", 28) + md("1997-12", 29)
                 + md("1998-01", 29) + md("1998-02", 26), id="third-to-last-day"),
    pytest.param("1997-09-02", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", "1998-12-31",
                 md("1997-09", 2, 15) + md("1997-10", 2, 15) + md("1997-11", 2, 15)
                 + md("1997-12", 2, 15) + md("1998-01", 2, 15), id="2nd-and-15th"),
    pytest.param("1997-09-30", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1998-12-31",
                 md("1997-09", 30) + md("1997-10", 1, 31) + md("1997-11", 1, 30)
                 + md("1997-12", 1, 31) + md("1998-01", 1, 31) + md("1998-02", 1),
                 id="first-and-last-day"),
    pytest.param("1997-09-10", "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
                 "2000-12-31",
                 md("1997-09", 10, 11, 12, 13, 14, 15) + md("1999-03", 10, 11, 12, 13),
                 id="every-18-months"),
    pytest.param("1997-09-02", "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", "1998-03-31",
                 md("1997-09", 2, 9, 16, 23, 30) + md("1997-11", 4, 11, 18, 25)
                 + md("1998-01", 6, 13, 20, 27) + md("1998-03", 3, 10, 17, 24, 31),
                 id="tuesdays-every-other-month"),
    pytest.param("1997-06-10", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", "2002-12-31",
                 [f"{y}-{m}-10" for y in range(1997, 2002) for m in ("06", "07")],
                 id="june-and-july"),
    pytest.param("1997-03-10", "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", "2004-12-31",
                 ["1997-03-10"] + [f"{y}-{m}-10" for y in (1999, 2001, 2003)
                                   for m in ("01", "02", "03")], id="every-other-year-q1"),
    pytest.param("1997-03-13", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "1999-12-31",
                 md("1997-03", 13, 20, 27) + md("1998-03", 5, 12, 19, 26)
                 + md("1999-03", 4, 11, 18, 25), id="thursdays-in-march"),
    pytest.param("1997-06-05", "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", "1999-12-31",
                 md("1997-06", 5, 12, 19, 26) + md("1997-07", 3, 10, 17, 24, 31)
                 + md("1997-08", 7, 14, 21, 28) + md("1998-06", 4, 11, 18, 25)
                 + md("1998-07", 2, 9, 16, 23, 30) + md("1998-08", 6, 13, 20, 27)
                 + md("1999-06", 3, 10, 17, 24) + md("1999-07", 1, 8, 15, 22, 29)
                 + md("1999-08", 5, 12, 19, 26), id="thursdays-in-summer"),
    pytest.param("1998-02-13", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "2000-12-31",
                 ["1998-02-13", "1998-03-13", "1998-11-13", "1999-08-13", "2000-10-13"],
                 id="friday-13th"),
    pytest.param("1997-09-13", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
                 "1998-06-30",
                 md("1997-09", 13) + md("1997-10", 11) + md("1997-11", 8) + md("1997-12", 13)
                 + md("1998-01", 10) + md("1998-02", 7) + md("1998-03", 7) + md("1998-04", 11)
                 + md("1998-05", 9) + md("1998-06", 13), id="saturday-after-first-sunday"),
    pytest.param("1996-11-05", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;"
                 "BYMONTHDAY=2,3,4,5,6,7,8", "2004-12-31",
                 ["1996-11-05", "2000-11-07", "2004-11-02"], id="election-day"),
    pytest.param("1997-09-04", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "1998-06-30",
                 ["1997-09-04", "1997-10-07", "1997-11-06"], id="third-tu-we-th"),
    pytest.param("1997-09-29", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "1998-03-31",
                 md("1997-09", 29) + md("1997-10", 30) + md("1997-11", 27) + md("1997-12", 30)
                 + md("1998-01", 29) + md("1998-02", 26) + md("1998-03", 30),
                 id="second-to-last-weekday"),
    pytest.param("1997-08-05", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
                 "1997-12-31", md("1997-08", 5, 10, 19, 24), id="wkst-mo"),
    pytest.param("1997-08-05", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
                 "1997-12-31", md("1997-08", 5, 17, 19, 31), id="wkst-su"),
    pytest.param("2007-01-15", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-12-31",
                 ["2007-01-15", "2007-01-30", "2007-02-15", "2007-03-15", "2007-03-30"],
                 id="invalid-date-skipped"),
    # Not in the RFC list, but the same shape: an ordinal BYDAY within BYMONTH for YEARLY.
    pytest.param("1997-09-02", "FREQ=YEARLY;BYDAY=1TU;BYMONTH=9", "1999-12-31",
                 ["1997-09-02", "1998-09-01", "1999-09-07"], id="yearly-first-tuesday-sept"),
]


@pytest.mark.parametrize("first,rule,last,expected", RFC_EXAMPLES)
def test_rfc5545_example(api, first, rule, last, expected):
    pid = prov(api)
    e = create(api, pid, local(first), local(first, "10:00"), rrule=rule, title="RFC")
    assert e["rrule"] == rule
    occ = expand(api, e["id"], first, last)
    assert starts(occ) == [local(d) for d in expected]
    assert [o["end"] for o in occ] == [local(d, "10:00") for d in expected]
    for o in occ:
        assert set(o) == OCC_KEYS
        assert o["original_start"] == o["start"] and o["overridden"] is False
        assert o["entry_id"] == e["id"] and o["id"] == f"{e['id']}:{compact(o['start'])}"
        assert (o["title"], o["status"], o["assignee_ids"]) == ("RFC", "scheduled", [pid])


def test_rfc_daily_until_has_113_occurrences(api):
    e = create(api, prov(api), local("1997-09-02"), local("1997-09-02", "10:00"),
               rrule="FREQ=DAILY;UNTIL=19971224T000000Z")
    occ = expand(api, e["id"], "1997-01-01", "1998-12-31")
    assert len(occ) == 113 and occ[-1]["start"] == "1997-12-23T09:00:00-05:00"


def test_rfc_every_other_week_mo_we_fr_has_25_occurrences(api):
    e = create(api, prov(api), local("1997-09-01"), local("1997-09-01", "10:00"),
               rrule="FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR")
    assert len(expand(api, e["id"], "1997-09-01", "1997-12-31")) == 25


def test_rfc_friday_13th_must_start_on_a_friday_13th(api):
    # The RFC's DTSTART is 1997-09-02 with an EXDATE; here the start must be an occurrence.
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, local("1997-09-02"), local("1997-09-02", "10:00"),
                                      rrule="FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"))
    expect_problem(r, 422, "validation_failed", "/start")
    assert entries_of(api, pid) == []


@pytest.mark.parametrize("rule,needle", [
    ("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "BYYEARDAY"),
    ("FREQ=YEARLY;BYDAY=20MO", "BYMONTH"),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO"),
    ("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", "FREQ=HOURLY"),
    ("FREQ=MINUTELY;INTERVAL=15;COUNT=6", "FREQ=MINUTELY"),
    ("FREQ=MINUTELY;INTERVAL=90;COUNT=4", "FREQ=MINUTELY"),
    ("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", "BYHOUR"),
    ("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", ("MINUTELY", "BYHOUR")),
    ("FREQ=DAILY;BYMINUTE=0,20,40", "BYMINUTE"),
    ("FREQ=DAILY;BYSECOND=0", "BYSECOND"),
    ("FREQ=SECONDLY;COUNT=3", "FREQ=SECONDLY"),
    ("FREQ=YEARLY;BYMONTHDAY=2", "BYMONTH"),
])
def test_unsupported_rfc_rules_are_rejected_naming_the_part(api, rule, needle):
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, local("1997-09-02"), local("1997-09-02", "10:00"),
                                      rrule=rule))
    rrule_detail(r, needle)
    assert entries_of(api, pid) == []


BAD_RULES = [
    ("FREQ=DAILY;X-FOO=1", "X-FOO is not an RRULE part"),
    ("FREQ=DAILY;RDATE=19970903", "RDATE"),
    ("FREQ=DAILY;COUNT=2;UNTIL=19971224T000000Z", "COUNT and UNTIL must not both be given"),
    ("FREQ=DAILY;COUNT=5001", "COUNT"),
    ("FREQ=DAILY;COUNT=0", "COUNT"),
    ("FREQ=DAILY;COUNT=-1", "COUNT"),
    ("FREQ=DAILY;COUNT=abc", "COUNT"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
    ("FREQ=DAILY;INTERVAL=1001", "INTERVAL"),
    ("FREQ=WEEKLY;BYDAY=1TU", "BYDAY"),
    ("FREQ=DAILY;BYDAY=-1TU", "BYDAY"),
    ("FREQ=WEEKLY;BYMONTHDAY=2", "BYMONTHDAY"),
    ("FREQ=DAILY;BYMONTHDAY=-1", "BYMONTHDAY"),
    ("FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1", "BYSETPOS"),
    ("FREQ=DAILY;BYSETPOS=1;BYMONTH=9", "BYSETPOS"),
    ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS"),
    ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
    ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
    ("FREQ=WEEKLY;WKST=XX", "WKST"),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
    ("FREQ=FORTNIGHTLY", "FREQ"),
    ("COUNT=3", "FREQ"),
    ("FREQ=DAILY;FREQ=WEEKLY", "FREQ"),
    ("FREQ=DAILY;UNTIL=1997", "UNTIL"),
    ("FREQ=DAILY;UNTIL=19971224T000000", "UNTIL"),    # floating UNTIL
    ("FREQ=DAILY;UNTIL=19970101T000000Z", "UNTIL"),   # before the start
    ("hello", "HELLO"),
    ("RRULE:RRULE:FREQ=DAILY", "RRULE"),
]


@pytest.mark.parametrize("rule,needle", BAD_RULES, ids=[r for r, _ in BAD_RULES])
def test_bad_rules_are_422_at_rrule(api, rule, needle):
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, local("1997-09-02"), local("1997-09-02", "10:00"),
                                      rrule=rule))
    rrule_detail(r, needle)
    assert entries_of(api, pid) == []


@pytest.mark.parametrize("first,rule", [
    ("1997-09-03", "FREQ=WEEKLY;BYDAY=TU"),             # a Wednesday
    ("1997-09-02", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("1997-09-02", "FREQ=YEARLY;BYMONTH=10"),
    ("1997-09-02", "FREQ=MONTHLY;BYDAY=-1TU"),
    ("1997-09-02", "FREQ=DAILY;BYMONTH=1"),
])
def test_start_must_be_the_rules_first_occurrence(api, first, rule):
    pid = prov(api)
    r = api.post("/v1/entries", ebody(pid, local(first), local(first, "10:00"), rrule=rule))
    expect_problem(r, 422, "validation_failed", "/start")
    assert entries_of(api, pid) == []


def test_interval_1000_and_count_5000_are_the_limits(api):
    pid = prov(api)
    e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"),
               rrule="FREQ=DAILY;INTERVAL=1000")
    assert starts(occurrences(api, e["id"], "2026-03-01", "2026-12-31")) == [local("2026-03-02")]
    assert starts(occurrences(api, e["id"], "2028-11-01", "2028-11-30")) == \
        [local("2028-11-26")]
    e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"),
               rrule="FREQ=DAILY;COUNT=5000")
    assert e["rrule"] == "FREQ=DAILY;COUNT=5000"


def test_start_in_the_entry_zones_wall_clock(api):
    # 1997-09-02 is a Tuesday in New York at 23:30, already Wednesday in UTC.
    pid = prov(api)
    e = create(api, pid, "1997-09-03T03:30:00Z", "1997-09-03T04:00:00Z",
               rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert starts(occurrences(api, e["id"], "1997-09-01", "1997-09-30")) == \
        [local(d, "23:30") for d in ("1997-09-02", "1997-09-09", "1997-09-16")]
    # In UTC the same rule would need a Wednesday start.
    r = api.post("/v1/entries", ebody(pid, "1997-09-03T03:30:00Z", "1997-09-03T04:00:00Z",
                                      rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3", timezone="UTC"))
    expect_problem(r, 422, "validation_failed", "/start")


# --- DST -----------------------------------------------------------------------------------

@pytest.mark.parametrize("tz,first,n,offsets", [
    (NY, "2026-03-05", 6, ["-05:00"] * 3 + ["-04:00"] * 3),
    (NY, "2026-10-29", 6, ["-04:00"] * 3 + ["-05:00"] * 3),
    (BER, "2026-03-26", 6, ["+01:00"] * 3 + ["+02:00"] * 3),
    (BER, "2026-10-22", 6, ["+02:00"] * 3 + ["+01:00"] * 3),
])
def test_daily_series_keeps_local_time_across_dst(api, tz, first, n, offsets):
    pid = prov(api, tz)
    e = daily(api, pid, first, "09:00", 60, tz=tz, rule=f"FREQ=DAILY;COUNT={n}")
    assert e["timezone"] == tz
    occ = occurrences(api, e["id"], first, days(first, "2026-12-31")[n + 2])
    ds = days(first, "2026-12-31")[:n]
    assert starts(occ) == [f"{d}T09:00:00{o}" for d, o in zip(ds, offsets)]
    assert [o["end"] for o in occ] == [f"{d}T10:00:00{o}" for d, o in zip(ds, offsets)]
    # the UTC instants move by the hour the zone moved
    hours = {utc(o["start"])[11:13] for o in occ}
    assert len(hours) == 2


def test_weekly_series_in_winter_keeps_its_time_in_summer(api):
    pid = prov(api, BER)
    e = daily(api, pid, "2026-01-05", "08:15", 45, tz=BER, rule="FREQ=WEEKLY;BYDAY=MO")
    occ = occurrences(api, e["id"], "2026-07-01", "2026-07-31")
    assert starts(occ) == [f"2026-07-{d:02d}T08:15:00+02:00" for d in (6, 13, 20, 27)]
    assert [o["end"] for o in occ] == [f"2026-07-{d:02d}T09:00:00+02:00" for d in (6, 13, 20, 27)]
    assert [o["id"].split(":")[1] for o in occ] == \
        [f"202607{d:02d}T061500Z" for d in (6, 13, 20, 27)]


def test_0230_series_skips_to_0330_on_the_spring_forward_day(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=5")
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert [(o["start"], o["end"]) for o in occ] == [
        ("2026-03-06T02:30:00-05:00", "2026-03-06T03:00:00-05:00"),
        ("2026-03-07T02:30:00-05:00", "2026-03-07T03:00:00-05:00"),
        ("2026-03-08T03:30:00-04:00", "2026-03-08T04:00:00-04:00"),
        ("2026-03-09T02:30:00-04:00", "2026-03-09T03:00:00-04:00"),
        ("2026-03-10T02:30:00-04:00", "2026-03-10T03:00:00-04:00")]
    assert occ[2]["id"] == f"{e['id']}:20260308T073000Z"
    assert occ[2]["original_start"] == "2026-03-08T03:30:00-04:00"


def test_the_gap_occurrence_can_be_excluded_by_its_instant(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=5",
              exdates=["2026-03-08T07:30:00Z"])
    assert e["exdates"] == ["2026-03-08T03:30:00-04:00"]
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert [o["start"][:10] for o in occ] == ["2026-03-06", "2026-03-07", "2026-03-09",
                                              "2026-03-10"]
    # The wall-clock 02:30 that does not exist, written with the EST offset, is the same instant.
    e2 = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=5",
               exdates=["2026-03-08T02:30:00-05:00"])
    assert e2["exdates"] == ["2026-03-08T03:30:00-04:00"]
    # 06:30Z is 01:30 EST: no occurrence starts there.
    r = api.post("/v1/entries", ebody(pid, local("2026-03-06", "02:30"),
                                      local("2026-03-06", "03:00"), rrule="FREQ=DAILY;COUNT=5",
                                      exdates=["2026-03-08T06:30:00Z"]))
    expect_problem(r, 422, "validation_failed", "/exdates/0")


def test_the_gap_occurrence_deleted_and_overridden_with_scope_this(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=5")
    e2 = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=5")
    deleted(api, e["id"], "this", "2026-03-08T07:30:00Z")
    assert get_entry(api, e["id"])["exdates"] == ["2026-03-08T03:30:00-04:00"]
    assert "2026-03-08" not in [o["start"][:10]
                                for o in occurrences(api, e["id"], "2026-03-01", "2026-03-31")]
    x = patched(api, e2["id"], {"title": "moved", "start": "2026-03-08T05:00:00-04:00"}, "this",
                "2026-03-08T07:30:00Z")
    assert x["overrides"] == [{"original_start": "2026-03-08T03:30:00-04:00",
                               "start": "2026-03-08T05:00:00-04:00",
                               "end": "2026-03-08T05:30:00-04:00", "title": "moved",
                               "status": "scheduled", "notes": None, "assignee_ids": [pid]}]
    occ = occurrences(api, e2["id"], "2026-03-08", "2026-03-08")
    assert [(o["start"], o["overridden"], o["title"], o["id"]) for o in occ] == [
        ("2026-03-08T05:00:00-04:00", True, "moved", f"{e2['id']}:20260308T073000Z")]


def test_0130_on_the_fall_back_day_is_the_first_instance(api):
    pid = prov(api)
    e = daily(api, pid, "2026-10-30", "01:30", 60, rule="FREQ=DAILY;COUNT=4")
    occ = occurrences(api, e["id"], "2026-10-29", "2026-11-05")
    assert [(o["start"], o["end"]) for o in occ] == [
        ("2026-10-30T01:30:00-04:00", "2026-10-30T02:30:00-04:00"),
        ("2026-10-31T01:30:00-04:00", "2026-10-31T02:30:00-04:00"),
        # 05:30Z, one elapsed hour later is 06:30Z = 01:30 EST
        ("2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"),
        ("2026-11-02T01:30:00-05:00", "2026-11-02T02:30:00-05:00")]
    assert occ[2]["id"] == f"{e['id']}:20261101T053000Z"
    # The second 01:30 (06:30Z) is not an occurrence.
    r = patch(api, e["id"], {"title": "x"}, "this", "2026-11-01T06:30:00Z")
    expect_problem(r, 422, "validation_failed", "occurrence")
    x = patched(api, e["id"], {"title": "x"}, "this", "2026-11-01T05:30:00Z")
    assert x["overrides"][0]["original_start"] == "2026-11-01T01:30:00-04:00"


def test_occurrence_duration_is_elapsed_time_across_the_change(api):
    # 00:30 + 3 h elapsed: 03:30 on a normal day, 04:30 on spring-forward, 02:30 on fall-back.
    pid = prov(api)
    e = daily(api, pid, "2026-03-07", "00:30", 180, rule="FREQ=DAILY;COUNT=3")
    occ = occurrences(api, e["id"], "2026-03-07", "2026-03-09")
    assert [o["end"] for o in occ] == ["2026-03-07T03:30:00-05:00", "2026-03-08T04:30:00-04:00",
                                       "2026-03-09T03:30:00-04:00"]
    e = daily(api, pid, "2026-10-31", "00:30", 180, rule="FREQ=DAILY;COUNT=3")
    occ = occurrences(api, e["id"], "2026-10-31", "2026-11-02")
    assert [o["end"] for o in occ] == ["2026-10-31T03:30:00-04:00", "2026-11-01T02:30:00-05:00",
                                       "2026-11-02T03:30:00-05:00"]


def test_until_excludes_the_gap_occurrence_after_it(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;UNTIL=20260308T070000Z")
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-03-01", "2026-03-31")] == \
        ["2026-03-06", "2026-03-07"]


def test_until_on_the_fall_back_day_is_a_utc_instant(api):
    pid = prov(api)
    e = daily(api, pid, "2026-10-30", "01:30", 30, rule="FREQ=DAILY;UNTIL=20261101T053000Z")
    assert [o["start"] for o in occurrences(api, e["id"], "2026-10-25", "2026-11-05")][-1] == \
        "2026-11-01T01:30:00-04:00"
    e = daily(api, pid, "2026-10-30", "01:30", 30, rule="FREQ=DAILY;UNTIL=20261101T052959Z")
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-10-25", "2026-11-05")] == \
        ["2026-10-30", "2026-10-31"]


def test_split_at_the_gap_occurrence_keeps_every_occurrence_once(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=6")
    before = [(o["start"], o["end"]) for o in occurrences(api, e["id"], "2026-03-01",
                                                          "2026-03-31")]
    n = patched(api, e["id"], {"title": "new"}, "future", "2026-03-08T07:30:00Z")
    old = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    new = occurrences(api, n["id"], "2026-03-01", "2026-03-31")
    assert [o["start"][:10] for o in old] == ["2026-03-06", "2026-03-07"]
    assert sorted((o["start"], o["end"]) for o in old + new) == before


def test_delete_future_at_the_gap_occurrence_removes_it(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", "02:30", 30, rule="FREQ=DAILY;COUNT=6")
    deleted(api, e["id"], "future", "2026-03-08T07:30:00Z")
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-03-01", "2026-03-31")] == \
        ["2026-03-06", "2026-03-07"]


# --- the occurrences route -------------------------------------------------------------------

def test_occurrences_reply_shape(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=2", notes="n", work_item={"type": "t", "id": "1"},
              status="tentative", title="Shape")
    r = api.get(f"/v1/entries/{e['id']}/occurrences",
                params={"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"entry_id", "timezone", "occurrences"}
    assert (body["entry_id"], body["timezone"]) == (e["id"], NY)
    assert body["occurrences"][0] == {
        "id": f"{e['id']}:20260302T140000Z", "entry_id": e["id"],
        "original_start": "2026-03-02T09:00:00-05:00", "start": "2026-03-02T09:00:00-05:00",
        "end": "2026-03-02T10:00:00-05:00", "title": "Shape", "status": "tentative",
        "notes": "n", "assignee_ids": [pid], "work_item": {"type": "t", "id": "1"},
        "overridden": False}


def test_date_window_is_read_in_the_entry_zone_and_to_is_inclusive(api):
    # 23:30 in New York is the next day in UTC.
    pid = prov(api)
    e = daily(api, pid, "2026-03-02", "23:30", 30, rule="FREQ=DAILY;COUNT=10")
    occ = occurrences(api, e["id"], "2026-03-03", "2026-03-04")
    assert starts(occ) == [local("2026-03-03", "23:30"), local("2026-03-04", "23:30")]
    assert starts(occurrences(api, e["id"], "2026-03-05", "2026-03-05")) == \
        [local("2026-03-05", "23:30")]


def test_instant_window_is_half_open_and_lists_overlapping_occurrences(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-02", "09:00", 60, rule="FREQ=DAILY;COUNT=10")
    eid = e["id"]
    # [09:30, 09:31) overlaps the 09:00-10:00 occurrence
    assert starts(occurrences(api, eid, "2026-03-03T14:30:00Z", "2026-03-03T14:31:00Z")) == \
        [local("2026-03-03")]
    # to == start: not included; from == end: not included
    assert occurrences(api, eid, "2026-03-03T13:00:00Z", "2026-03-03T14:00:00Z") == []
    assert occurrences(api, eid, "2026-03-03T15:00:00Z", "2026-03-03T16:00:00Z") == []
    # one second inside either edge is
    assert len(occurrences(api, eid, "2026-03-03T13:00:00Z", "2026-03-03T14:00:01Z")) == 1
    assert len(occurrences(api, eid, "2026-03-03T14:59:59Z", "2026-03-03T16:00:00Z")) == 1
    # offsets other than the zone's are fine
    assert len(occurrences(api, eid, "2026-03-03T15:30:00+01:00",
                           "2026-03-03T15:31:00+01:00")) == 1


def test_multi_day_occurrences_overlapping_the_window_are_listed(api):
    pid = prov(api)
    s = local("2026-03-02", "20:00")
    e = create(api, pid, s, plus(s, 3 * 86400), rrule="FREQ=WEEKLY;COUNT=3")
    occ = occurrences(api, e["id"], "2026-03-04", "2026-03-04")
    assert starts(occ) == [s]
    assert occurrences(api, e["id"], "2026-03-06", "2026-03-08") == []


def test_window_before_the_series_or_after_its_end_is_empty(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=3")
    assert occurrences(api, e["id"], "2026-01-01", "2026-03-01") == []
    assert occurrences(api, e["id"], "2026-03-05", "2026-12-31") == []


def test_one_off_entry_has_one_occurrence(api):
    pid = prov(api)
    e = create(api, pid, local("2026-03-02"), local("2026-03-02", "11:00"))
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert [(o["start"], o["end"], o["id"]) for o in occ] == \
        [(e["start"], e["end"], f"{e['id']}:20260302T140000Z")]


@pytest.mark.parametrize("params,code,pointer", [
    ({"from": "2026-03-01"}, "validation_failed", "to"),
    ({"to": "2026-03-01"}, "validation_failed", "from"),
    ({}, "validation_failed", "from"),
    ({"from": "march", "to": "2026-03-02"}, "validation_failed", "from"),
    ({"from": "2026-03-01", "to": "2026-02-30"}, "validation_failed", "to"),
    ({"from": "2026-03-05", "to": "2026-03-01"}, "validation_failed", "to"),
    ({"from": "2026-01-01", "to": "2027-01-02"}, "range_too_large", "to"),
    ({"from": "2026-01-01T00:00:00Z", "to": "2027-01-02T03:00:00Z"}, "range_too_large", "to"),
    ({"from": "1990-01-01", "to": "2030-01-01"}, "range_too_large", "to"),
])
def test_bad_occurrence_windows_are_422(api, params, code, pointer):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY")
    expect_problem(api.get(f"/v1/entries/{e['id']}/occurrences", params=params), 422, code,
                   pointer)


def test_window_of_exactly_366_days_is_accepted(api):
    pid = prov(api)
    e = daily(api, pid, "2026-01-01", rule="FREQ=DAILY")
    assert len(occurrences(api, e["id"], "2026-01-01", "2027-01-01")) == 366
    assert len(occurrences(api, e["id"], "2026-01-01T00:00:00-05:00",
                           "2027-01-02T00:00:00-05:00")) == 366


def test_huge_count_series_answers_a_deep_window_quickly(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", rule="FREQ=DAILY;COUNT=5000")
    t0 = time.monotonic()
    occ = occurrences(api, e["id"], "2039-11-01", "2039-11-30")
    assert time.monotonic() - t0 < 2.0
    # 2026-03-06 + 4999 days = 2039-11-12
    assert starts(occ) == [local(d) for d in days("2039-11-01", "2039-11-12")]
    occ = occurrences(api, e["id"], "2039-01-01", "2039-12-31")
    assert len(occ) == 316 and occ[-1]["start"] == local("2039-11-12")


def test_endless_weekly_series_answers_year_2090(api):
    pid = prov(api)
    e = daily(api, pid, "2026-03-06", rule="FREQ=WEEKLY")   # a Friday
    t0 = time.monotonic()
    occ = occurrences(api, e["id"], "2090-01-01", "2090-12-31")
    assert time.monotonic() - t0 < 2.0
    assert starts(occ) == [local(d) for d in days("2090-01-06", "2090-12-31", 7)]
    assert all(o["start"][11:19] == "09:00:00" for o in occ)


def test_endless_daily_series_in_2099(api):
    pid = prov(api, BER)
    e = daily(api, pid, "2026-03-06", tz=BER, rule="FREQ=DAILY;INTERVAL=3")
    occ = occurrences(api, e["id"], "2099-12-01", "2099-12-31")
    assert occ and all(o["start"].startswith("2099-12-") and o["start"].endswith("09:00:00+01:00")
                       for o in occ)
    # every third day from 2026-03-06
    first = date.fromisoformat(occ[0]["start"][:10])
    assert (first - date(2026, 3, 6)).days % 3 == 0


# --- PATCH scope=this ------------------------------------------------------------------------

def test_scope_this_stores_an_override_shown_in_occurrences(api):
    a, b = prov(api), prov(api)
    e = daily(api, a, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"title": "Moved", "start": local("2026-03-04", "13:00"),
                               "end": local("2026-03-04", "13:30"), "assignee_ids": [b],
                               "status": "tentative", "notes": "only this"},
                "this", "2026-03-04T14:00:00Z")
    assert x["version"] == 2
    assert x["overrides"] == [{"original_start": local("2026-03-04"),
                               "start": local("2026-03-04", "13:00"),
                               "end": local("2026-03-04", "13:30"), "title": "Moved",
                               "status": "tentative", "notes": "only this",
                               "assignee_ids": [b]}]
    assert set(x["overrides"][0]) == OVERRIDE_KEYS
    assert (x["title"], x["start"], x["assignee_ids"], x["rrule"]) == \
        ("Entry", e["start"], [a], "FREQ=DAILY;COUNT=5")
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert [o["overridden"] for o in occ] == [False, False, True, False, False]
    o = occ[2]
    assert (o["id"], o["original_start"], o["start"], o["end"], o["title"], o["status"],
            o["notes"], o["assignee_ids"]) == \
        (f"{e['id']}:20260304T140000Z", local("2026-03-04"), local("2026-03-04", "13:00"),
         local("2026-03-04", "13:30"), "Moved", "tentative", "only this", [b])
    assert get_entry(api, e["id"])["overrides"] == x["overrides"]


def test_scope_this_assignees_are_sorted(api):
    a, b, c = prov(api), prov(api), prov(api)
    e = daily(api, a, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"assignee_ids": [c, a, b]}, "this", "2026-03-03T14:00:00Z")
    assert x["overrides"][0]["assignee_ids"] == sorted([a, b, c])
    assert x["assignee_ids"] == [a]
    occ = occurrences(api, e["id"], "2026-03-03", "2026-03-03")
    assert occ[0]["assignee_ids"] == sorted([a, b, c])


def test_scope_this_start_alone_keeps_the_duration(api):
    pid = prov(api)
    e = daily(api, pid, minutes=45, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"start": "2026-03-03T16:00:00Z"}, "this",
                "2026-03-03T14:00:00Z")
    assert (x["overrides"][0]["start"], x["overrides"][0]["end"]) == \
        ("2026-03-03T11:00:00-05:00", "2026-03-03T11:45:00-05:00")
    assert x["overrides"][0]["title"] == "Entry"


def test_scope_this_moved_occurrence_is_ordered_by_its_new_start(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"start": local("2026-03-06", "12:00")}, "this",
            "2026-03-03T14:00:00Z")
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert starts(occ) == [local("2026-03-02"), local("2026-03-04"), local("2026-03-05"),
                           local("2026-03-06"), local("2026-03-06", "12:00")]
    assert [o["original_start"][:10] for o in occ] == \
        ["2026-03-02", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-03"]
    # a window is matched against the moved times
    assert occurrences(api, e["id"], "2026-03-03", "2026-03-03") == []
    assert [o["original_start"] for o in occurrences(api, e["id"], "2026-03-06T16:30:00Z",
                                                     "2026-03-06T17:30:00Z")] == \
        [local("2026-03-03")]


def test_scope_this_twice_updates_the_same_override(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"title": "A", "start": local("2026-03-03", "12:00")}, "this",
            "2026-03-03T14:00:00Z")
    x = patched(api, e["id"], {"notes": "B"}, "this", "2026-03-03T14:00:00Z")
    assert len(x["overrides"]) == 1
    o = x["overrides"][0]
    assert (o["title"], o["notes"], o["start"]) == ("A", "B", local("2026-03-03", "12:00"))
    assert x["version"] == 3


@pytest.mark.parametrize("key,value", [
    ("rrule", "FREQ=WEEKLY"), ("timezone", BER), ("exdates", []),
    ("work_item", {"type": "a", "id": "b"}), ("color", "red"),
])
def test_scope_this_rejects_series_fields(api, key, value):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    before = get_entry(api, e["id"])
    r = patch(api, e["id"], {"title": "x", key: value}, "this", "2026-03-03T14:00:00Z")
    expect_problem(r, 422, "validation_failed", f"/{key}")
    assert get_entry(api, e["id"]) == before


@pytest.mark.parametrize("occurrence", [
    None, "2026-03-03T14:30:00Z", "2026-03-03", "soon", "2026-03-20T14:00:00Z",
    "2026-03-01T14:00:00Z",
])
def test_scoped_edit_needs_a_live_occurrence(api, occurrence):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    before = get_entry(api, e["id"])
    for scope in ("this", "future"):
        expect_problem(patch(api, e["id"], {"title": "x"}, scope, occurrence), 422,
                       "validation_failed", "occurrence")
        expect_problem(delete(api, e["id"], scope, occurrence), 422, "validation_failed",
                       "occurrence")
    assert get_entry(api, e["id"]) == before
    assert entries_of(api, pid) == [before]


def test_excluded_occurrence_is_not_live(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5", exdates=["2026-03-03T14:00:00Z"])
    expect_problem(patch(api, e["id"], {"title": "x"}, "this", "2026-03-03T14:00:00Z"), 422,
                   "validation_failed", "occurrence")
    expect_problem(delete(api, e["id"], "this", "2026-03-03T14:00:00Z"), 422,
                   "validation_failed", "occurrence")


def test_bad_scope_is_422(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    for scope in ("some", "ALL", "this,future"):
        expect_problem(patch(api, e["id"], {"title": "x"}, scope, "2026-03-03T14:00:00Z"), 422,
                       "validation_failed", "scope")
        expect_problem(delete(api, e["id"], scope, "2026-03-03T14:00:00Z"), 422,
                       "validation_failed", "scope")
    assert get_entry(api, e["id"])["version"] == 1


def test_scope_this_bad_values_change_nothing(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    before = get_entry(api, e["id"])
    for body, pointer in [({"title": ""}, "/title"), ({"status": "x"}, "/status"),
                          ({"end": local("2026-03-03", "08:00")}, "/end"),
                          ({"assignee_ids": ["prv_00000000000000000000"]}, "/assignee_ids/0"),
                          ({"assignee_ids": []}, "/assignee_ids")]:
        expect_problem(patch(api, e["id"], body, "this", "2026-03-03T14:00:00Z"), 422,
                       "validation_failed", pointer)
    assert get_entry(api, e["id"]) == before


# --- PATCH scope=future ------------------------------------------------------------------------

def test_scope_future_splits_a_count_series(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10", title="Old")
    before = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    r = patch(api, e["id"], {"title": "New"}, "future", "2026-03-06T14:00:00Z")
    assert r.status_code == 200, r.text
    n = r.json()
    assert set(n) == ENTRY_KEYS | {"conflicts", "split_from"}
    assert n["split_from"] == e["id"] and n["id"] != e["id"] and ENT_ID_RE.fullmatch(n["id"])
    assert r.headers["ETag"] == '"1"' and n["version"] == 1
    assert (n["title"], n["start"], n["end"]) == \
        ("New", local("2026-03-06"), local("2026-03-06", "10:00"))
    old = get_entry(api, e["id"])
    # the old series ends one second before the occurrence, in UTC; COUNT became UNTIL
    assert old["rrule"] == "FREQ=DAILY;UNTIL=20260306T135959Z"
    assert old["version"] == 2 and old["title"] == "Old"
    o_occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    n_occ = occurrences(api, n["id"], "2026-03-01", "2026-03-31")
    assert [o["start"][:10] for o in o_occ] == days("2026-03-02", "2026-03-05")
    assert [o["start"][:10] for o in n_occ] == days("2026-03-06", "2026-03-11")
    assert {o["title"] for o in n_occ} == {"New"}
    # total unchanged, including across DST on 8 March
    assert starts(o_occ) + starts(n_occ) == starts(before)
    assert "COUNT" not in n["rrule"]
    assert get_entry(api, n["id"]) == {k: v for k, v in n.items()
                                       if k not in ("conflicts", "split_from")}


def test_scope_future_on_an_endless_series(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=WEEKLY;BYDAY=MO,TH")
    n = patched(api, e["id"], {"start": local("2026-03-19", "11:00"),
                               "end": local("2026-03-19", "12:00")},
                "future", local("2026-03-19"))
    assert n["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert get_entry(api, e["id"])["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20260319T125959Z"
    old = occurrences(api, e["id"], "2026-03-01", "2026-04-30")
    new = occurrences(api, n["id"], "2026-03-01", "2026-04-30")
    assert [o["start"][:10] for o in old] == ["2026-03-02", "2026-03-05", "2026-03-09",
                                              "2026-03-12", "2026-03-16"]
    assert starts(new)[:4] == [local(d, "11:00") for d in ("2026-03-19", "2026-03-23",
                                                          "2026-03-26", "2026-03-30")]


def test_scope_future_moves_later_overrides_and_exdates_to_the_new_series(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10",
              exdates=["2026-03-03T14:00:00Z", "2026-03-09T13:00:00Z"])
    patched(api, e["id"], {"title": "early"}, "this", "2026-03-04T14:00:00Z")
    patched(api, e["id"], {"title": "late"}, "this", "2026-03-10T13:00:00Z")
    n = patched(api, e["id"], {"notes": "split"}, "future", "2026-03-06T14:00:00Z")
    old = get_entry(api, e["id"])
    assert old["exdates"] == [local("2026-03-03")]
    assert [o["title"] for o in old["overrides"]] == ["early"]
    assert n["exdates"] == [local("2026-03-09")]
    assert [(o["original_start"], o["title"]) for o in n["overrides"]] == \
        [(local("2026-03-10"), "late")]
    n_occ = occurrences(api, n["id"], "2026-03-01", "2026-03-31")
    assert [o["start"][:10] for o in n_occ] == ["2026-03-06", "2026-03-07", "2026-03-08",
                                                "2026-03-10", "2026-03-11"]
    assert [o["title"] for o in n_occ] == ["Entry"] * 3 + ["late", "Entry"]
    assert all(o["notes"] == "split" for o in n_occ if not o["overridden"])


def test_scope_future_at_the_first_occurrence_acts_like_all(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"title": "All"}, "future", e["start"])
    assert x["id"] == e["id"] and "split_from" not in x
    assert (x["rrule"], x["version"], x["title"]) == ("FREQ=DAILY;COUNT=5", 2, "All")
    assert entries_of(api, pid) == [get_entry(api, e["id"])]


def test_scope_future_can_change_the_rule_of_the_new_series(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY")
    n = patched(api, e["id"], {"rrule": "FREQ=WEEKLY;COUNT=3"}, "future", local("2026-03-05"))
    assert n["rrule"] == "FREQ=WEEKLY;COUNT=3"
    assert [o["start"][:10] for o in occurrences(api, n["id"], "2026-03-01", "2026-04-30")] == \
        ["2026-03-05", "2026-03-12", "2026-03-19"]
    assert len(entries_of(api, pid)) == 2


def test_scope_future_with_an_invalid_body_changes_nothing(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10")
    before = entries_of(api, pid)
    for body, pointer in [({"rrule": "FREQ=HOURLY"}, "/rrule"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, "/start"),   # 5 Mar is a Thursday
                          ({"title": ""}, "/title"), ({"color": 1}, "/color")]:
        expect_problem(patch(api, e["id"], body, "future", local("2026-03-05")), 422,
                       "validation_failed", pointer)
    assert entries_of(api, pid) == before


# --- PATCH scope=all -------------------------------------------------------------------------

def test_scope_all_changes_the_series_and_increments_the_version(api):
    a, b = prov(api), prov(api)
    e = daily(api, a, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"title": "T2", "assignee_ids": [b, a], "status": "tentative",
                               "notes": "n", "work_item": {"type": "x", "id": "1"}})
    assert (x["title"], x["assignee_ids"], x["status"], x["notes"], x["work_item"],
            x["version"]) == ("T2", sorted([a, b]), "tentative", "n", {"type": "x", "id": "1"}, 2)
    assert x["created_at"] == e["created_at"]
    x = patched(api, e["id"], {"notes": None, "work_item": None})
    assert (x["notes"], x["work_item"], x["version"]) == (None, None, 3)
    x = patched(api, e["id"], {"title": "T3"}, "all")
    assert x["version"] == 4 and get_entry(api, e["id"]) == \
        {k: v for k, v in x.items() if k != "conflicts"}


def test_scope_all_keeps_overrides_and_exdates_that_are_still_occurrences(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10", exdates=["2026-03-03T14:00:00Z"])
    patched(api, e["id"], {"title": "kept"}, "this", "2026-03-04T14:00:00Z")
    # a longer rule with the same start: 3 and 4 March are still occurrences
    x = patched(api, e["id"], {"rrule": "FREQ=DAILY;COUNT=20"})
    assert x["exdates"] == [local("2026-03-03")]
    assert [o["title"] for o in x["overrides"]] == ["kept"]
    # every other day from 2 March: 3 March (exdate) and 4 March (override) -> only 4 March stays
    x = patched(api, e["id"], {"rrule": "FREQ=DAILY;INTERVAL=2;COUNT=10"})
    assert x["exdates"] == []
    assert [o["original_start"] for o in x["overrides"]] == [local("2026-03-04")]
    # a new time of day: no original start survives
    x = patched(api, e["id"], {"start": local("2026-03-02", "10:00")})
    assert x["overrides"] == [] and x["exdates"] == []
    assert x["end"] == local("2026-03-02", "11:00")     # duration kept
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert all(o["start"][11:16] == "10:00" and not o["overridden"] for o in occ)


def test_scope_all_moving_the_start_drops_what_is_before_it(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY", exdates=["2026-03-03T14:00:00Z",
                                                     "2026-03-10T13:00:00Z"])
    patched(api, e["id"], {"title": "a"}, "this", "2026-03-04T14:00:00Z")
    patched(api, e["id"], {"title": "b"}, "this", "2026-03-11T13:00:00Z")
    x = patched(api, e["id"], {"start": local("2026-03-05"), "end": local("2026-03-05", "10:00")})
    assert x["exdates"] == [local("2026-03-10")]
    assert [o["title"] for o in x["overrides"]] == ["b"]


def test_scope_all_rrule_null_makes_a_one_off(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5", exdates=["2026-03-03T14:00:00Z"])
    patched(api, e["id"], {"title": "o"}, "this", "2026-03-04T14:00:00Z")
    x = patched(api, e["id"], {"rrule": None})
    assert (x["rrule"], x["exdates"], x["overrides"]) == (None, [], [])
    assert starts(occurrences(api, e["id"], "2026-03-01", "2026-03-31")) == [e["start"]]
    # and back
    x = patched(api, e["id"], {"rrule": "FREQ=DAILY;COUNT=2"})
    assert len(occurrences(api, e["id"], "2026-03-01", "2026-03-31")) == 2


def test_scope_all_can_set_exdates(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    x = patched(api, e["id"], {"exdates": ["2026-03-05T14:00:00Z", "2026-03-03T14:00:00Z"]})
    assert x["exdates"] == [local("2026-03-03"), local("2026-03-05")]
    x = patched(api, e["id"], {"exdates": []})
    assert x["exdates"] == []
    expect_problem(patch(api, e["id"], {"exdates": ["2026-03-03T15:00:00Z"]}), 422,
                   "validation_failed", "/exdates/0")


@pytest.mark.parametrize("body,pointer", [
    ({"title": ""}, "/title"),
    ({"start": "2026-03-02T16:00:00Z", "end": "2026-03-02T15:00:00Z"}, "/end"),
    ({"end": "2026-03-10T14:00:00Z"}, "/end"),
    ({"rrule": "FREQ=DAILY;BYHOUR=9"}, "/rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=TU"}, "/start"),
    ({"timezone": "Nowhere/Land"}, "/timezone"),
    ({"assignee_ids": ["prv_00000000000000000000"]}, "/assignee_ids/0"),
    ({"status": "done"}, "/status"),
    ({"unknown": 1}, "/unknown"),
    ({"exdates": ["2026-03-02T15:00:00Z"]}, "/exdates/0"),
])
def test_invalid_scope_all_patch_changes_nothing(api, body, pointer):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    before = entries_of(api, pid)
    expect_problem(patch(api, e["id"], body), 422, "validation_failed", pointer)
    assert entries_of(api, pid) == before


def test_timezone_change_reanchors_the_wall_clock(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=3")
    # same instant, now read in Berlin: 15:00 there every day
    x = patched(api, e["id"], {"timezone": BER})
    assert (x["timezone"], x["start"]) == (BER, "2026-03-02T15:00:00+01:00")
    occ = occurrences(api, e["id"], "2026-03-01", "2026-03-31")
    assert starts(occ) == ["2026-03-02T15:00:00+01:00", "2026-03-03T15:00:00+01:00",
                           "2026-03-04T15:00:00+01:00"]


def test_one_off_entry_every_scope_acts_as_all(api):
    pid = prov(api)
    for scope in ("this", "future"):
        e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"))
        x = patched(api, e["id"], {"title": f"via {scope}", "rrule": "FREQ=DAILY;COUNT=2"},
                    scope, e["start"])
        assert (x["id"], x["title"], x["rrule"], x["version"]) == \
            (e["id"], f"via {scope}", "FREQ=DAILY;COUNT=2", 2)
        assert x["overrides"] == [] and "split_from" not in x
    for scope in ("this", "future", "all"):
        e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"))
        deleted(api, e["id"], scope, e["start"])
        expect_problem(api.get(f"/v1/entries/{e['id']}"), 404, "not_found")


def test_if_match(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    r = patch(api, e["id"], {"title": "x"}, headers={"If-Match": '"2"'})
    p = expect_problem(r, 412, "precondition_failed")
    assert get_entry(api, e["id"])["version"] == 1
    x = patched(api, e["id"], {"title": "x"}, headers={"If-Match": '"1"'})
    assert x["version"] == 2
    assert api.get(f"/v1/entries/{e['id']}").headers["ETag"] == '"2"'
    x = patched(api, e["id"], {"title": "y"}, "this", "2026-03-03T14:00:00Z",
                headers={"If-Match": '"2"'})
    assert x["version"] == 3
    expect_problem(patch(api, e["id"], {"title": "z"}, "this", "2026-03-04T14:00:00Z",
                         headers={"If-Match": '"2"'}), 412, "precondition_failed")
    expect_problem(delete(api, e["id"], headers={"If-Match": '"1"'}), 412, "precondition_failed")
    expect_problem(delete(api, e["id"], "this", "2026-03-04T14:00:00Z",
                          headers={"If-Match": '"9"'}), 412, "precondition_failed")
    after = get_entry(api, e["id"])
    assert after["version"] == 3 and after["exdates"] == [] and len(after["overrides"]) == 1
    assert delete(api, e["id"], headers={"If-Match": '"3"'}).status_code == 204
    assert p["status"] == 412


# --- DELETE ---------------------------------------------------------------------------------

def test_delete_this_adds_an_exdate_and_drops_the_override(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"title": "gone soon"}, "this", "2026-03-04T14:00:00Z")
    patched(api, e["id"], {"title": "stays"}, "this", "2026-03-05T14:00:00Z")
    deleted(api, e["id"], "this", "2026-03-04T14:00:00Z")
    x = get_entry(api, e["id"])
    assert x["exdates"] == [local("2026-03-04")]
    assert [o["title"] for o in x["overrides"]] == ["stays"]
    assert x["version"] == 4
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-03-01", "2026-03-31")] == \
        ["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06"]
    # the same occurrence again is no longer live
    expect_problem(delete(api, e["id"], "this", "2026-03-04T14:00:00Z"), 422,
                   "validation_failed", "occurrence")


def test_delete_this_on_a_moved_occurrence_uses_its_original_start(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=3")
    patched(api, e["id"], {"start": local("2026-03-03", "15:00")}, "this", "2026-03-03T14:00:00Z")
    expect_problem(delete(api, e["id"], "this", local("2026-03-03", "15:00")), 422,
                   "validation_failed", "occurrence")
    deleted(api, e["id"], "this", local("2026-03-03"))
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-03-01", "2026-03-31")] == \
        ["2026-03-02", "2026-03-04"]


def test_delete_future_ends_the_series_before_the_occurrence(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10", exdates=["2026-03-09T13:00:00Z"])
    patched(api, e["id"], {"title": "late"}, "this", "2026-03-10T13:00:00Z")
    deleted(api, e["id"], "future", "2026-03-05T14:00:00Z")
    x = get_entry(api, e["id"])
    assert x["rrule"] == "FREQ=DAILY;UNTIL=20260305T135959Z"
    assert (x["exdates"], x["overrides"]) == ([], [])
    assert [o["start"][:10] for o in occurrences(api, e["id"], "2026-03-01", "2026-12-31")] == \
        ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert entries_of(api, pid) == [x]


def test_delete_future_at_the_first_occurrence_deletes_the_entry(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY")
    deleted(api, e["id"], "future", "2026-03-02T14:00:00Z")
    expect_problem(api.get(f"/v1/entries/{e['id']}"), 404, "not_found")
    assert entries_of(api, pid) == []


def test_delete_all(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY")
    deleted(api, e["id"])
    for path in (f"/v1/entries/{e['id']}", f"/v1/entries/{e['id']}.ics"):
        expect_problem(api.get(path), 404, "not_found")
    expect_problem(api.get(f"/v1/entries/{e['id']}/occurrences",
                           params={"from": "2026-03-01", "to": "2026-03-31"}), 404)
    expect_problem(delete(api, e["id"]), 404, "not_found")
    expect_problem(patch(api, e["id"], {"title": "x"}), 404, "not_found")
    assert entries_of(api, pid) == []


def test_delete_all_with_explicit_scope_and_an_occurrence(api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY")
    deleted(api, e["id"], "all", "2026-03-05T14:00:00Z")
    expect_problem(api.get(f"/v1/entries/{e['id']}"), 404, "not_found")


# --- busy time: slots, explain, bookings -----------------------------------------------------

@pytest.fixture
def desk(api):
    """A New York provider open 09:00-17:00 on weekdays with a 60-minute service (buffers 15
    before, 30 after), plus a second provider with the same hours offering the service too."""
    a, b = prov(api, name="Desk A"), prov(api, name="Desk B")
    for p in (a, b):
        api.schedule(p, weekdays([("09:00", "17:00")]))
    sid = api.service([a, b], duration_minutes=60, buffer_before_minutes=15,
                      buffer_after_minutes=30)["id"]
    return a, b, sid


def hours(api, sid, pid, day):
    return [s[11:16] for s in api.starts(sid, pid, day)]


ALL_HOURS = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


def test_occurrences_block_slots_with_buffers(api, desk):
    a, b, sid = desk
    assert hours(api, sid, a, "2026-03-03") == ALL_HOURS
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    # 11:00 needs 10:45-12:30, 13:00 needs 12:45-14:30: both overlap 12:00-13:00
    for d in ("2026-03-02", "2026-03-03", "2026-03-06"):
        assert hours(api, sid, a, d) == ["09:00", "10:00", "14:00", "15:00", "16:00"], d
    assert hours(api, sid, a, "2026-03-09") == ALL_HOURS          # after COUNT
    assert hours(api, sid, b, "2026-03-03") == ALL_HOURS          # not an assignee
    for hm in ("11:00", "12:00", "13:00"):
        x = api.explain(sid, a, local("2026-03-03", hm))
        assert x["bookable"] is False and x["reasons"] == [{"code": "schedule_entry"}], hm
    assert api.explain(sid, a, local("2026-03-03", "14:00"))["bookable"] is True


def test_occurrences_block_across_dst(api, desk):
    a, b, sid = desk
    daily(api, a, "2026-03-05", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    assert hours(api, sid, a, "2026-03-09") == ["09:00", "10:00", "14:00", "15:00", "16:00"]
    x = api.explain(sid, a, "2026-03-09T12:00:00-04:00")
    assert x["reasons"] == [{"code": "schedule_entry"}]
    # the block follows the wall clock: 17:00Z (13:00 EDT) is blocked, 18:00Z (14:00 EDT) is not
    assert api.explain(sid, a, "2026-03-09T17:00:00Z")["bookable"] is False
    assert api.explain(sid, a, "2026-03-09T18:00:00Z")["bookable"] is True


def test_booking_at_an_occurrence_fails_and_creates_nothing(api, desk):
    a, b, sid = desk
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    before = api.list_all("/v1/bookings", params={"provider_id": a})
    for hm in ("11:00", "12:00", "13:00"):
        r = book(api, sid, local("2026-03-04", hm), a)
        p = expect_problem(r, 422, "slot_unavailable")
        assert [x["code"] for x in p["reasons"]] == ["schedule_entry"]
    assert api.list_all("/v1/bookings", params={"provider_id": a}) == before
    assert booked(api, sid, local("2026-03-04", "14:00"), a)["status"] in ("confirmed",
                                                                           "pending")
    # the other provider is free at the same time
    assert booked(api, sid, local("2026-03-04", "12:00"), b)["provider_id"] == b


def test_every_assignee_is_busy(api, desk):
    a, b, sid = desk
    create(api, [a, b], local("2026-03-03", "09:00"), local("2026-03-03", "10:00"))
    for p in (a, b):
        assert hours(api, sid, p, "2026-03-03") == ALL_HOURS[2:]


@pytest.mark.parametrize("status,blocks", [("scheduled", True), ("tentative", True),
                                           ("in_progress", True), ("completed", True),
                                           ("cancelled", False)])
def test_cancelled_entries_do_not_block(api, desk, status, blocks):
    a, b, sid = desk
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5", status=status)
    assert ("12:00" not in hours(api, sid, a, "2026-03-03")) is blocks
    assert api.explain(sid, a, local("2026-03-03", "12:00"))["bookable"] is (not blocks)


def test_cancelling_one_occurrence_frees_it(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"status": "cancelled"}, "this", local("2026-03-03", "12:00"))
    assert "12:00" in hours(api, sid, a, "2026-03-03")
    assert "12:00" not in hours(api, sid, a, "2026-03-04")
    booked(api, sid, local("2026-03-03", "12:00"), a)


def test_cancelling_the_series_frees_the_time(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"status": "cancelled"})
    assert hours(api, sid, a, "2026-03-03") == ALL_HOURS


def test_override_to_another_assignee_moves_the_block(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"assignee_ids": [b]}, "this", local("2026-03-03", "12:00"))
    assert hours(api, sid, a, "2026-03-03") == ALL_HOURS
    assert hours(api, sid, b, "2026-03-03") == ["09:00", "10:00", "14:00", "15:00", "16:00"]
    assert api.explain(sid, b, local("2026-03-03", "12:00"))["reasons"] == \
        [{"code": "schedule_entry"}]
    assert "12:00" not in hours(api, sid, a, "2026-03-04")
    assert hours(api, sid, b, "2026-03-04") == ALL_HOURS
    booked(api, sid, local("2026-03-03", "12:00"), a)
    expect_problem(book(api, sid, local("2026-03-03", "12:00"), b), 422, "slot_unavailable")


def test_moved_occurrence_blocks_its_new_time(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"start": local("2026-03-03", "15:00")}, "this",
            local("2026-03-03", "12:00"))
    assert hours(api, sid, a, "2026-03-03") == ["09:00", "10:00", "11:00", "12:00", "13:00"]


def test_excluded_and_deleted_occurrences_free_the_time(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5",
              exdates=[local("2026-03-03", "12:00")])
    assert hours(api, sid, a, "2026-03-03") == ALL_HOURS
    deleted(api, e["id"], "this", local("2026-03-04", "12:00"))
    assert hours(api, sid, a, "2026-03-04") == ALL_HOURS
    deleted(api, e["id"], "future", local("2026-03-05", "12:00"))
    assert hours(api, sid, a, "2026-03-05") == ALL_HOURS
    assert hours(api, sid, a, "2026-03-06") == ALL_HOURS
    assert "12:00" not in hours(api, sid, a, "2026-03-02")
    deleted(api, e["id"])
    assert hours(api, sid, a, "2026-03-02") == ALL_HOURS
    booked(api, sid, local("2026-03-02", "12:00"), a)


def test_scope_all_edit_moves_the_block(api, desk):
    a, b, sid = desk
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    patched(api, e["id"], {"assignee_ids": [b]})
    assert hours(api, sid, a, "2026-03-03") == ALL_HOURS
    assert "12:00" not in hours(api, sid, b, "2026-03-03")


def test_endless_series_blocks_far_ahead(api, desk):
    a, b, sid = desk
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=WEEKLY;BYDAY=MO")
    assert "12:00" not in hours(api, sid, a, "2026-11-30")
    assert "12:00" in hours(api, sid, a, "2026-12-01")


# --- conflicts ----------------------------------------------------------------------------

def test_conflict_with_a_booking(api, desk):
    a, b, sid = desk
    bk = booked(api, sid, local("2026-03-04", "12:00"), a)
    e = daily(api, a, "2026-03-02", "12:30", 60, rule="FREQ=DAILY;COUNT=5")
    assert e["conflicts"] == [{
        "kind": "booking", "id": bk["id"], "provider_id": a,
        "start": local("2026-03-04", "12:00"), "end": local("2026-03-04", "13:00"),
        "occurrence_start": local("2026-03-04", "12:30")}]
    # created anyway
    assert get_entry(api, e["id"])["id"] == e["id"]


def test_cancelled_bookings_and_cancelled_entries_do_not_conflict(api, desk):
    a, b, sid = desk
    bk = booked(api, sid, local("2026-03-04", "12:00"), a)
    r = api.post(f"/v1/bookings/{bk['id']}/cancel", {}, now=DEFAULT_NOW)
    assert r.status_code == 200, r.text
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    assert e["conflicts"] == []
    booked(api, sid, local("2026-03-09", "12:00"), a)
    c = daily(api, a, "2026-03-09", "12:00", 60, rule="FREQ=DAILY;COUNT=2", status="cancelled")
    assert c["conflicts"] == []


def test_conflict_with_another_entry(api):
    a, b = prov(api), prov(api)
    first = daily(api, [a, b], "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=10")
    second = daily(api, a, "2026-03-04", "12:30", 60, rule="FREQ=WEEKLY;COUNT=2")
    assert second["conflicts"] == [
        {"kind": "entry", "id": first["id"], "provider_id": a,
         "start": local(d, "12:00"), "end": local(d, "13:00"),
         "occurrence_start": local(d, "12:30"),
         "occurrence_id": f"{first['id']}:{compact(local(d, '12:00'))}"}
        for d in ("2026-03-04", "2026-03-11")]
    for c in second["conflicts"]:
        assert set(c) == CONFLICT_KEYS | {"occurrence_id"}


def test_touching_intervals_do_not_conflict(api):
    a = prov(api)
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=3")
    assert daily(api, a, "2026-03-02", "13:00", 60, rule="FREQ=DAILY;COUNT=3")["conflicts"] == []
    assert daily(api, a, "2026-03-02", "11:00", 60, rule="FREQ=DAILY;COUNT=3")["conflicts"] == []


def test_other_assignees_entries_do_not_conflict(api):
    a, b = prov(api), prov(api)
    daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=3")
    assert daily(api, b, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=3")["conflicts"] == []


def test_conflicts_respect_exdates_and_overrides_of_the_other_entry(api):
    a, b = prov(api), prov(api)
    first = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5",
                  exdates=[local("2026-03-03", "12:00")])
    patched(api, first["id"], {"assignee_ids": [b]}, "this", local("2026-03-04", "12:00"))
    patched(api, first["id"], {"start": local("2026-03-05", "15:00")}, "this",
            local("2026-03-05", "12:00"))
    second = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    assert sorted(c["occurrence_start"][:10] for c in second["conflicts"]) == \
        ["2026-03-02", "2026-03-06"]


def test_patch_reports_conflicts_of_the_edited_entry(api):
    a, b = prov(api), prov(api)
    first = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    second = daily(api, b, "2026-03-02", "12:00", 60, rule="FREQ=DAILY;COUNT=5")
    assert second["conflicts"] == []
    # one occurrence moved to a: one conflict
    x = patched(api, second["id"], {"assignee_ids": [a]}, "this", local("2026-03-04", "12:00"))
    assert [(c["id"], c["provider_id"], c["occurrence_start"]) for c in x["conflicts"]] == \
        [(first["id"], a, local("2026-03-04", "12:00"))]
    # the whole series on a: every occurrence conflicts
    x = patched(api, second["id"], {"assignee_ids": [a]})
    assert sorted(c["occurrence_start"][:10] for c in x["conflicts"]) == \
        days("2026-03-02", "2026-03-06")
    # scope=future reply is the new series with its own conflicts
    n = patched(api, second["id"], {"title": "later"}, "future", local("2026-03-05", "12:00"))
    assert sorted(c["occurrence_start"][:10] for c in n["conflicts"]) == \
        ["2026-03-05", "2026-03-06"]
    assert all(c["id"] == first["id"] for c in n["conflicts"])
    # moving away clears them
    x = patched(api, n["id"], {"start": local("2026-03-05", "14:00")})
    assert x["conflicts"] == []


def test_a_split_series_does_not_conflict_with_its_own_old_half(api):
    a = prov(api)
    e = daily(api, a, "2026-03-02", "12:00", 180, rule="FREQ=DAILY;COUNT=5")
    n = patched(api, e["id"], {"title": "x"}, "future", local("2026-03-04", "12:00"))
    assert n["conflicts"] == []


def test_conflicts_look_366_days_ahead(api, desk):
    a, b, sid = desk
    far = booked(api, sid, local("2026-12-28", "12:00"), a,
                 now="2026-10-01T00:00:00Z")
    e = daily(api, a, "2026-03-02", "12:00", 60, rule="FREQ=WEEKLY;BYDAY=MO")
    assert [c["id"] for c in e["conflicts"]] == [far["id"]]
    # a series starting more than 366 days before the booking does not see it
    e = daily(api, b, "2025-12-01", "12:00", 60, rule="FREQ=WEEKLY;BYDAY=MO")
    assert e["conflicts"] == []


# --- .ics ---------------------------------------------------------------------------------

def ics_lines(api, eid):
    r = api.get(f"/v1/entries/{eid}.ics")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    text = r.text
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    # unfold
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def blocks(lines, name):
    out, cur = [], None
    for ln in lines:
        if ln == f"BEGIN:{name}":
            cur = []
        elif ln == f"END:{name}":
            out.append(cur)
            cur = None
        elif cur is not None:
            cur.append(ln)
    return out


def prop(block, name):
    return [ln for ln in block if ln.split(":", 1)[0].split(";", 1)[0] == name]


def test_ics_of_a_recurring_entry(api):
    pid = prov(api, BER)
    e = daily(api, pid, "2026-03-02", "09:00", 15, tz=BER, rule="rrule:freq=daily;count=10",
              title="Standup, daily; team", notes="line1\nline2",
              exdates=["2026-03-03T08:00:00Z", "2026-03-10T08:00:00Z"])
    lines = ics_lines(api, e["id"])
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert "VERSION:2.0" in lines
    assert any(ln.startswith("PRODID:") for ln in lines)
    tzs = blocks(lines, "VTIMEZONE")
    assert len(tzs) == 1 and prop(tzs[0], "TZID") == [f"TZID:{BER}"]
    ev = blocks(lines, "VEVENT")
    assert len(ev) == 1
    v = ev[0]
    assert prop(v, "UID") == [f"UID:{e['id']}@slotd"]
    assert prop(v, "DTSTART") == [f"DTSTART;TZID={BER}:20260302T090000"]
    assert prop(v, "DTEND") == [f"DTEND;TZID={BER}:20260302T091500"]
    assert prop(v, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=10"]
    exd = prop(v, "EXDATE")
    values = sorted(x for ln in exd for x in ln.split(":", 1)[1].split(","))
    assert all(ln.startswith(f"EXDATE;TZID={BER}:") for ln in exd)
    assert values == ["20260303T090000", "20260310T090000"]
    assert prop(v, "SUMMARY") == ["SUMMARY:Standup\\, daily\\; team"]
    assert prop(v, "DESCRIPTION") == ["DESCRIPTION:line1\\nline2"]
    assert prop(v, "RECURRENCE-ID") == []


def test_ics_has_one_vevent_per_override(api):
    a, b = prov(api), prov(api)
    e = daily(api, a, "2026-03-02", "09:00", 60, rule="FREQ=DAILY;COUNT=10")
    patched(api, e["id"], {"title": "moved", "start": local("2026-03-04", "11:00")}, "this",
            local("2026-03-04"))
    patched(api, e["id"], {"assignee_ids": [b]}, "this", local("2026-03-10"))
    lines = ics_lines(api, e["id"])
    ev = blocks(lines, "VEVENT")
    assert len(ev) == 3
    master = [v for v in ev if prop(v, "RRULE")]
    assert len(master) == 1 and prop(master[0], "RECURRENCE-ID") == []
    ov = sorted((v for v in ev if not prop(v, "RRULE")), key=lambda v: prop(v, "RECURRENCE-ID"))
    assert [prop(v, "UID") for v in ov] == [[f"UID:{e['id']}@slotd"]] * 2
    assert prop(ov[0], "RECURRENCE-ID") == [f"RECURRENCE-ID;TZID={NY}:20260304T090000"]
    assert prop(ov[0], "DTSTART") == [f"DTSTART;TZID={NY}:20260304T110000"]
    assert prop(ov[0], "DTEND") == [f"DTEND;TZID={NY}:20260304T120000"]
    assert prop(ov[0], "SUMMARY") == ["SUMMARY:moved"]
    # 10 March is after the change to EDT: the local time is still 09:00
    assert prop(ov[1], "RECURRENCE-ID") == [f"RECURRENCE-ID;TZID={NY}:20260310T090000"]
    assert prop(ov[1], "DTSTART") == [f"DTSTART;TZID={NY}:20260310T090000"]
    assert b in "".join(ov[1])
    tzs = blocks(lines, "VTIMEZONE")
    assert [prop(t, "TZID") for t in tzs] == [[f"TZID:{NY}"]]


def test_ics_of_a_one_off_and_of_a_split_series(api):
    pid = prov(api)
    one = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"))
    v = blocks(ics_lines(api, one["id"]), "VEVENT")
    assert len(v) == 1 and prop(v[0], "RRULE") == [] and prop(v[0], "EXDATE") == []
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=10")
    n = patched(api, e["id"], {"title": "x"}, "future", local("2026-03-06"))
    v = blocks(ics_lines(api, e["id"]), "VEVENT")
    assert prop(v[0], "RRULE") == ["RRULE:FREQ=DAILY;UNTIL=20260306T135959Z"]
    v = blocks(ics_lines(api, n["id"]), "VEVENT")
    assert prop(v[0], "UID") == [f"UID:{n['id']}@slotd"]
    assert prop(v[0], "DTSTART") == [f"DTSTART;TZID={NY}:20260306T090000"]


def test_ics_lines_are_folded_at_75_octets(api):
    pid = prov(api)
    e = create(api, pid, local("2026-03-02"), local("2026-03-02", "10:00"), title="é" * 100,
               notes="ü" * 300)
    raw = api.get(f"/v1/entries/{e['id']}.ics").content
    for ln in raw.split(b"\r\n"):
        assert len(ln) <= 75, ln
    lines = ics_lines(api, e["id"])
    v = blocks(lines, "VEVENT")[0]
    assert prop(v, "SUMMARY") == ["SUMMARY:" + "é" * 100]
    assert prop(v, "DESCRIPTION") == ["DESCRIPTION:" + "ü" * 300]


# --- roles and tenants --------------------------------------------------------------------

def test_customer_keys_get_403_everywhere(server, api):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=3")
    cust = make_key(server, api, "customer")
    eid = e["id"]
    calls = [("GET", "/v1/entries", None), ("POST", "/v1/entries",
                                             ebody(pid, "2026-03-02T14:00:00Z",
                                                   "2026-03-02T15:00:00Z")),
             ("GET", f"/v1/entries/{eid}", None), ("GET", f"/v1/entries/{eid}.ics", None),
             ("GET", f"/v1/entries/{eid}/occurrences?from=2026-03-01&to=2026-03-31", None),
             ("PATCH", f"/v1/entries/{eid}", {"title": "x"}),
             ("DELETE", f"/v1/entries/{eid}", None)]
    for method, path, body in calls:
        r = cust.request(method, path, body) if body is not None else cust.request(method, path)
        expect_problem(r, 403, "forbidden")
    assert get_entry(api, eid) == {k: v for k, v in e.items() if k != "conflicts"}
    assert entries_of(api, pid) == [get_entry(api, eid)]


def test_staff_keys_may_use_entries(server, api):
    pid = prov(api)
    staff = make_key(server, api, "staff")
    e = create(staff, pid, local("2026-03-02"), local("2026-03-02", "10:00"),
               rrule="FREQ=DAILY;COUNT=3")
    assert staff.ok("GET", f"/v1/entries/{e['id']}")["id"] == e["id"]
    assert len(occurrences(staff, e["id"], "2026-03-01", "2026-03-31")) == 3
    assert patched(staff, e["id"], {"title": "s"}, "this", local("2026-03-03"))["version"] == 2
    assert staff.get(f"/v1/entries/{e['id']}.ics").status_code == 200
    assert [x["id"] for x in staff.list_all("/v1/entries", params={"assignee_id": pid})] == \
        [e["id"]]
    deleted(staff, e["id"])


def test_no_key_is_401(api):
    r = api.request("GET", "/v1/entries", key=None)
    assert r.status_code == 401


def test_other_tenants_entries_are_404(api, api_b):
    pid = prov(api)
    e = daily(api, pid, rule="FREQ=DAILY;COUNT=3")
    eid = e["id"]
    expect_problem(api_b.get(f"/v1/entries/{eid}"), 404, "not_found")
    expect_problem(api_b.get(f"/v1/entries/{eid}.ics"), 404, "not_found")
    expect_problem(api_b.get(f"/v1/entries/{eid}/occurrences",
                             params={"from": "2026-03-01", "to": "2026-03-31"}), 404,
                   "not_found")
    expect_problem(patch(api_b, eid, {"title": "x"}), 404, "not_found")
    expect_problem(patch(api_b, eid, {"title": "x"}, "this", local("2026-03-03")), 404)
    expect_problem(delete(api_b, eid), 404, "not_found")
    expect_problem(delete(api_b, eid, "this", local("2026-03-03")), 404)
    assert eid not in [x["id"] for x in api_b.list_all("/v1/entries")]
    assert api_b.list_all("/v1/entries", params={"assignee_id": pid}) == []
    assert get_entry(api, eid) == {k: v for k, v in e.items() if k != "conflicts"}
