"""GET /v1/calendar: bookings, entry occurrences, time off, holidays and overrides of some
providers merged into one ordered list for day, week and month views."""
import pytest

from booking_helpers import acted, booked, make_key
from conftest import expect_problem, weekdays

KIND_ORDER = ("holiday", "override", "time_off", "booking", "entry")
NINE_TO_FIVE = weekdays([("09:00", "17:00")])
ZED = {"name": "Zed Quinn", "email": "zed@example.com"}


def hours(*ivs):
    return [{"start": s, "end": e} for s, e in ivs]


def cal(t, frm, to, pids, timezone=None, **kw):
    params = {"from": frm, "to": to,
              "provider_ids": pids if isinstance(pids, str) else ",".join(pids)}
    if timezone:
        params["timezone"] = timezone
    return t.ok("GET", "/v1/calendar", params=params, **kw)


def cal_get(t, **params):
    return t.get("/v1/calendar", params=params)


def brief(items):
    """(kind, provider_id, start) of each item, in order."""
    return [(i["kind"], i["provider_id"], i["start"]) for i in items]


def entry(t, pids, start, end, title="Job", **fields):
    body = {"title": title, "start": start, "end": end, "assignee_ids": list(pids), **fields}
    return t.ok("POST", "/v1/entries", body)


def time_off(t, pid, start, end, reason=None):
    body = {"start": start, "end": end}
    if reason is not None:
        body["reason"] = reason
    return t.ok("POST", f"/v1/providers/{pid}/time-off", body)


def override(t, pid, **body):
    return t.ok("POST", f"/v1/providers/{pid}/overrides", body)


@pytest.fixture
def ny(new_api):
    """A tenant of its own (holidays are tenant-wide) with a New York weekday provider and
    its service: (t, pid, sid)."""
    p = new_api.provider("Calendar NY", "America/New_York")
    new_api.schedule(p["id"], NINE_TO_FIVE)
    svc = new_api.service([p["id"]])
    return new_api, p["id"], svc["id"]


# --- the day view, exactly ---------------------------------------------------------------------

def test_day_view_renders_every_kind_exactly(ny):
    t, pid, sid = ny
    b = booked(t, sid, "2026-03-02T10:00:00-05:00", pid, customer=ZED)
    e = entry(t, [pid], "2026-03-02T13:00:00-05:00", "2026-03-02T14:30:00-05:00",
              title="Install", work_item={"type": "ticket", "id": "T-9"})
    off = time_off(t, pid, "2026-03-02T15:00:00-05:00", "2026-03-02T16:00:00-05:00", "dentist")
    ovr = override(t, pid, date="2026-03-02", intervals=hours(("09:00", "12:00"),
                                                             ("13:00", "17:00")), note="split")
    hol = t.ok("POST", "/v1/holidays", {"name": "Founders", "date": "2026-03-02"})
    got = cal(t, "2026-03-02", "2026-03-02", [pid], "America/New_York")
    day = ("2026-03-02T00:00:00-05:00", "2026-03-03T00:00:00-05:00")
    assert got == {
        "from": day[0], "to": day[1], "timezone": "America/New_York",
        "items": [
            {"kind": "holiday", "id": hol["id"], "provider_id": pid, "start": day[0],
             "end": day[1], "date": "2026-03-02", "name": "Founders"},
            {"kind": "override", "id": ovr["id"], "provider_id": pid, "start": day[0],
             "end": day[1], "date": "2026-03-02", "closed": False,
             "intervals": hours(("09:00", "12:00"), ("13:00", "17:00")), "note": "split"},
            {"kind": "booking", "id": b["id"], "provider_id": pid,
             "start": "2026-03-02T10:00:00-05:00", "end": "2026-03-02T11:00:00-05:00",
             "status": "confirmed", "service_id": sid, "reference": b["reference"],
             "title": "Zed Quinn"},
            {"kind": "entry", "id": f"{e['id']}:20260302T180000Z", "provider_id": pid,
             "start": "2026-03-02T13:00:00-05:00", "end": "2026-03-02T14:30:00-05:00",
             "entry_id": e["id"], "title": "Install", "status": "scheduled",
             "work_item": {"type": "ticket", "id": "T-9"}},
            {"kind": "time_off", "id": off["id"], "provider_id": pid,
             "start": "2026-03-02T15:00:00-05:00", "end": "2026-03-02T16:00:00-05:00",
             "reason": "dentist"},
        ]}


def test_empty_calendar(ny):
    t, pid, _ = ny
    assert cal(t, "2026-03-02", "2026-03-02", [pid]) == {
        "from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z", "timezone": "UTC",
        "items": []}


def test_optional_fields_render_null(ny):
    t, pid, _ = ny
    e = entry(t, [pid], "2026-03-03T14:00:00Z", "2026-03-03T15:00:00Z")
    time_off(t, pid, "2026-03-03T16:00:00Z", "2026-03-03T17:00:00Z")
    override(t, pid, date="2026-03-03")
    items = cal(t, "2026-03-03", "2026-03-03", [pid], "America/New_York")["items"]
    ov, en, off = items
    assert (ov["kind"], ov["closed"], ov["intervals"], ov["note"]) == ("override", True, [], None)
    assert (en["kind"], en["work_item"], en["entry_id"]) == ("entry", None, e["id"])
    assert (off["kind"], off["reason"]) == ("time_off", None)


# --- ordering and merging ----------------------------------------------------------------------

def same_start_world(t, names):
    """Providers (UTC) that each have a holiday, an override, time off, a booking and an
    entry occurrence all starting at 2026-03-02T00:00Z; their ids, sorted."""
    pids = sorted(t.provider(n, "UTC")["id"] for n in names)
    for pid in pids:
        t.schedule(pid, NINE_TO_FIVE)
        override(t, pid, date="2026-03-02", intervals=hours(("00:00", "02:00")))
    sid = t.service(pids)["id"]
    for pid in pids:
        booked(t, sid, "2026-03-02T00:00:00Z", pid)
        time_off(t, pid, "2026-03-02T00:00:00Z", "2026-03-02T00:30:00Z")
    t.ok("POST", "/v1/holidays", {"name": "H", "date": "2026-03-02", "provider_ids": pids})
    entry(t, pids, "2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z")
    return pids


def test_same_start_orders_by_kind(new_api):
    (pid,) = same_start_world(new_api, ["Only"])
    items = cal(new_api, "2026-03-02", "2026-03-02", [pid])["items"]
    assert brief(items) == [(k, pid, "2026-03-02T00:00:00Z") for k in KIND_ORDER]


@pytest.mark.parametrize("asked", ["sorted", "reversed"])
def test_same_start_orders_by_provider_then_kind(new_api, asked):
    pids = same_start_world(new_api, ["P1", "P2"])
    order = pids if asked == "sorted" else pids[::-1]
    items = cal(new_api, "2026-03-02", "2026-03-02", order)["items"]
    midnight = "2026-03-02T00:00:00Z"
    assert brief(items) == [(k, pid, midnight) for pid in pids for k in KIND_ORDER]


def test_shared_items_order_by_provider_whatever_the_request_order(new_api):
    t = new_api
    a, b = sorted(t.provider(n, "UTC")["id"] for n in "AB")
    t.ok("POST", "/v1/holidays", {"name": "Shared", "date": "2026-03-02"})
    entry(t, [a, b], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    items = cal(t, "2026-03-02", "2026-03-02", [b, a])["items"]
    assert [(i["kind"], i["provider_id"]) for i in items] == [
        ("holiday", a), ("holiday", b), ("entry", a), ("entry", b)]


def test_same_start_same_kind_orders_by_id(ny):
    t, pid, _ = ny
    h1 = t.ok("POST", "/v1/holidays", {"name": "One", "date": "2026-03-04"})
    h2 = t.ok("POST", "/v1/holidays", {"name": "Two", "date": "2026-03-04"})
    e1 = entry(t, [pid], "2026-03-04T15:00:00Z", "2026-03-04T16:00:00Z", title="A")
    e2 = entry(t, [pid], "2026-03-04T15:00:00Z", "2026-03-04T15:30:00Z", title="B")
    items = cal(t, "2026-03-04", "2026-03-04", [pid], "America/New_York")["items"]
    assert [i["id"] for i in items] == sorted([h1["id"], h2["id"]]) + \
        sorted([f"{e1['id']}:20260304T150000Z", f"{e2['id']}:20260304T150000Z"])


def test_items_are_ordered_by_start_across_providers(new_api):
    t = new_api
    a = t.provider("A", "America/New_York")["id"]
    b = t.provider("B", "Europe/Berlin")["id"]
    entry(t, [a], "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z", title="a1")
    entry(t, [b], "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", title="b1")
    entry(t, [b], "2026-03-02T17:00:00Z", "2026-03-02T18:00:00Z", title="b2")
    time_off(t, a, "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")
    items = cal(t, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", [a, b])["items"]
    assert [(i["kind"], i.get("title"), i["provider_id"]) for i in items] == [
        ("entry", "b1", b), ("time_off", None, a), ("entry", "a1", a), ("entry", "b2", b)]


def test_only_the_asked_providers_are_shown(new_api):
    t = new_api
    a, b, c = (t.provider(n, "UTC")["id"] for n in "ABC")
    for pid in (a, b, c):
        time_off(t, pid, "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    items = cal(t, "2026-03-02", "2026-03-02", [c, a])["items"]
    assert sorted(i["provider_id"] for i in items) == sorted([a, c])
    assert [i["provider_id"] for i in items] == sorted([a, c])


def test_repeated_provider_ids_count_once(ny):
    t, pid, _ = ny
    time_off(t, pid, "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    assert len(cal(t, "2026-03-02", "2026-03-02", f"{pid},{pid},{pid}")["items"]) == 1


def test_entry_with_two_assignees_appears_once_per_provider(new_api):
    t = new_api
    a, b = sorted(t.provider(n, "UTC")["id"] for n in "AB")
    e = entry(t, [a, b], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    items = cal(t, "2026-03-02", "2026-03-02", [a, b])["items"]
    oid = f"{e['id']}:20260302T100000Z"
    assert [(i["id"], i["provider_id"]) for i in items] == [(oid, a), (oid, b)]
    assert [i["provider_id"] for i in cal(t, "2026-03-02", "2026-03-02", [b])["items"]] == [b]


# --- bookings ----------------------------------------------------------------------------------

def test_only_active_bookings_are_shown(server):
    t = server.tenant()
    auto = t.provider("Auto", "America/New_York")["id"]
    manual = t.provider("Manual", "America/New_York", settings={"auto_confirm": False})["id"]
    for p in (auto, manual):
        t.schedule(p, NINE_TO_FIVE)
    sid, msid = t.service([auto])["id"], t.service([manual])["id"]
    confirmed = booked(t, sid, "2026-03-02T09:00:00-05:00", auto)
    cancelled = booked(t, sid, "2026-03-02T10:00:00-05:00", auto)
    acted(t, cancelled["id"], "cancel")
    done = booked(t, sid, "2026-03-02T11:00:00-05:00", auto)
    acted(t, done["id"], "complete")
    pending = booked(t, msid, "2026-03-02T09:00:00-05:00", manual)
    declined = booked(t, msid, "2026-03-02T10:00:00-05:00", manual)
    acted(t, declined["id"], "decline")
    items = cal(t, "2026-03-02", "2026-03-02", [auto, manual], "America/New_York")["items"]
    got = {(i["id"], i["status"]) for i in items}
    assert got == {(confirmed["id"], "confirmed"), (pending["id"], "pending")}


def test_rescheduled_booking_shows_at_its_new_time(ny):
    t, pid, sid = ny
    b = booked(t, sid, "2026-03-02T09:00:00-05:00", pid)
    r = t.post(f"/v1/bookings/{b['id']}/reschedule", {"start": "2026-03-04T14:00:00-05:00"},
               now="2026-01-01T00:00:00Z")
    assert r.status_code == 200, r.text
    assert cal(t, "2026-03-02", "2026-03-02", [pid], "America/New_York")["items"] == []
    (item,) = cal(t, "2026-03-04", "2026-03-04", [pid], "America/New_York")["items"]
    assert (item["id"], item["start"]) == (b["id"], "2026-03-04T14:00:00-05:00")


# --- entries -----------------------------------------------------------------------------------

def test_recurring_entry_occurrences_in_a_week_view(ny):
    t, pid, _ = ny
    e = entry(t, [pid], "2026-03-02T08:00:00-05:00", "2026-03-02T08:30:00-05:00",
              title="Standup", rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR", status="tentative")
    items = cal(t, "2026-03-02", "2026-03-08", [pid], "America/New_York")["items"]
    assert [(i["id"], i["start"], i["status"], i["title"]) for i in items] == [
        (f"{e['id']}:20260302T130000Z", "2026-03-02T08:00:00-05:00", "tentative", "Standup"),
        (f"{e['id']}:20260304T130000Z", "2026-03-04T08:00:00-05:00", "tentative", "Standup"),
        (f"{e['id']}:20260306T130000Z", "2026-03-06T08:00:00-05:00", "tentative", "Standup")]
    # After the switch to EDT the occurrence keeps its local time: the id follows UTC.
    nxt = cal(t, "2026-03-09", "2026-03-09", [pid], "America/New_York")["items"]
    assert [(i["id"], i["start"]) for i in nxt] == [
        (f"{e['id']}:20260309T120000Z", "2026-03-09T08:00:00-04:00")]


def test_cancelled_and_reassigned_occurrences_are_left_out(new_api):
    t = new_api
    a, b = (t.provider(n, "UTC")["id"] for n in "AB")
    e = entry(t, [a], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z",
              rrule="FREQ=DAILY;COUNT=4")
    path = f"/v1/entries/{e['id']}"
    t.ok("PATCH", path, {"status": "cancelled"},
         params={"scope": "this", "occurrence": "2026-03-03T10:00:00Z"})
    t.ok("PATCH", path, {"assignee_ids": [b]},
         params={"scope": "this", "occurrence": "2026-03-04T10:00:00Z"})
    t.ok("PATCH", path, {"status": "completed"},
         params={"scope": "this", "occurrence": "2026-03-05T10:00:00Z"})
    only_a = cal(t, "2026-03-02", "2026-03-08", [a])["items"]
    assert [(i["id"][-16:], i["status"]) for i in only_a] == [
        ("20260302T100000Z", "scheduled"), ("20260305T100000Z", "completed")]
    both = cal(t, "2026-03-02", "2026-03-08", [a, b])["items"]
    assert [(i["id"][-16:], i["provider_id"]) for i in both] == [
        ("20260302T100000Z", a), ("20260304T100000Z", b), ("20260305T100000Z", a)]


def test_cancelled_series_is_left_out(ny):
    t, pid, _ = ny
    entry(t, [pid], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", status="cancelled",
          rrule="FREQ=DAILY")
    assert cal(t, "2026-03-02", "2026-03-08", [pid])["items"] == []


def test_moved_occurrence_shows_where_it_went(ny):
    t, pid, _ = ny
    e = entry(t, [pid], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z",
              rrule="FREQ=DAILY;COUNT=3")
    t.ok("PATCH", f"/v1/entries/{e['id']}", {"start": "2026-03-12T15:00:00Z"},
         params={"scope": "this", "occurrence": "2026-03-03T10:00:00Z"})
    assert [i["id"][-16:] for i in cal(t, "2026-03-03", "2026-03-03", [pid])["items"]] == []
    (moved,) = cal(t, "2026-03-12", "2026-03-12", [pid])["items"]
    assert (moved["id"], moved["start"], moved["end"]) == \
        (f"{e['id']}:20260303T100000Z", "2026-03-12T15:00:00Z", "2026-03-12T16:00:00Z")


def test_deleted_occurrence_is_left_out(ny):
    t, pid, _ = ny
    e = entry(t, [pid], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z",
              rrule="FREQ=DAILY;COUNT=3")
    r = t.delete(f"/v1/entries/{e['id']}",
                 params={"scope": "this", "occurrence": "2026-03-03T10:00:00Z"})
    assert r.status_code == 204, r.text
    assert [i["id"][-16:] for i in cal(t, "2026-03-02", "2026-03-08", [pid])["items"]] == \
        ["20260302T100000Z", "20260304T100000Z"]


# --- holidays and overrides --------------------------------------------------------------------

def test_holiday_spans_the_providers_local_day(new_api):
    t = new_api
    ny_p = t.provider("NY", "America/New_York")["id"]
    tokyo = t.provider("Tokyo", "Asia/Tokyo")["id"]
    h = t.ok("POST", "/v1/holidays", {"name": "Day", "date": "2026-03-04"})
    items = cal(t, "2026-03-04", "2026-03-04", [ny_p, tokyo])["items"]
    # Tokyo's 4 March is 03-03T15:00Z..03-04T15:00Z; New York's is 03-04T05:00Z..03-05T05:00Z.
    assert [(i["provider_id"], i["start"], i["end"], i["date"], i["id"]) for i in items] == [
        (tokyo, "2026-03-03T15:00:00Z", "2026-03-04T15:00:00Z", "2026-03-04", h["id"]),
        (ny_p, "2026-03-04T05:00:00Z", "2026-03-05T05:00:00Z", "2026-03-04", h["id"])]


def test_holiday_on_a_dst_day_is_23_hours(ny):
    t, pid, _ = ny
    t.ok("POST", "/v1/holidays", {"name": "Spring", "date": "2026-03-08"})
    (h,) = cal(t, "2026-03-08", "2026-03-08", [pid], "America/New_York")["items"]
    assert (h["start"], h["end"]) == ("2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00")


def test_holiday_for_some_providers_only(new_api):
    t = new_api
    a, b = sorted(t.provider(n, "UTC")["id"] for n in "AB")
    only_a = t.ok("POST", "/v1/holidays", {"name": "A's", "date": "2026-03-02",
                                           "provider_ids": [a]})
    everyone = t.ok("POST", "/v1/holidays", {"name": "All", "date": "2026-03-03"})
    items = cal(t, "2026-03-02", "2026-03-03", [a, b])["items"]
    assert [(i["id"], i["provider_id"], i["date"]) for i in items] == [
        (only_a["id"], a, "2026-03-02"), (everyone["id"], a, "2026-03-03"),
        (everyone["id"], b, "2026-03-03")]


def test_recurring_holiday_appears_on_each_date(ny):
    t, pid, _ = ny
    h = t.ok("POST", "/v1/holidays", {"name": "Friday", "date": "2026-01-02",
                                      "rrule": "FREQ=WEEKLY;BYDAY=FR"})
    items = cal(t, "2026-02-01", "2026-02-28", [pid], "America/New_York")["items"]
    assert [(i["kind"], i["id"], i["date"], i["name"]) for i in items] == [
        ("holiday", h["id"], d, "Friday")
        for d in ("2026-02-06", "2026-02-13", "2026-02-20", "2026-02-27")]
    assert items[0]["start"] == "2026-02-06T00:00:00-05:00"


def test_yearly_and_rule_holidays_in_a_92_day_window(ny):
    t, pid, _ = ny
    tg = t.ok("POST", "/v1/holidays", {"name": "Thanksgiving", "date": "2025-11-27",
                                       "rrule": "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"})
    xmas = t.ok("POST", "/v1/holidays", {"name": "Christmas", "date": "2020-12-25",
                                         "recurring": "yearly"})
    items = cal(t, "2026-10-01", "2026-12-31", [pid], "America/New_York")["items"]
    assert [(i["id"], i["date"], i["start"]) for i in items] == [
        (tg["id"], "2026-11-26", "2026-11-26T00:00:00-05:00"),
        (xmas["id"], "2026-12-25", "2026-12-25T00:00:00-05:00")]


def test_range_override_one_item_per_date(ny):
    t, pid, _ = ny
    o = override(t, pid, **{"from": "2026-02-27", "to": "2026-03-03", "note": "away"})
    items = cal(t, "2026-03-01", "2026-03-05", [pid], "America/New_York")["items"]
    assert [(i["id"], i["date"], i["start"], i["closed"], i["note"]) for i in items] == [
        (o["id"], d, f"{d}T00:00:00-05:00", True, "away")
        for d in ("2026-03-01", "2026-03-02", "2026-03-03")]


def test_recurring_override_appears_on_each_date(ny):
    t, pid, _ = ny
    first = override(t, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    fri = override(t, pid, date="2026-01-09", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
                   intervals=hours(("09:00", "12:00")))
    items = cal(t, "2026-02-01", "2026-03-31", [pid], "America/New_York")["items"]
    assert [(i["id"], i["date"], i["closed"], i["intervals"]) for i in items] == [
        (first["id"], "2026-02-02", True, []),
        (fri["id"], "2026-02-06", False, hours(("09:00", "12:00"))),
        (fri["id"], "2026-02-20", False, hours(("09:00", "12:00"))),
        (first["id"], "2026-03-02", True, []),
        (fri["id"], "2026-03-06", False, hours(("09:00", "12:00"))),
        (fri["id"], "2026-03-20", False, hours(("09:00", "12:00")))]
    assert [i["start"] for i in items][3:5] == ["2026-03-02T00:00:00-05:00",
                                                "2026-03-06T00:00:00-05:00"]
    assert items[-1]["start"] == "2026-03-20T00:00:00-04:00"


def test_override_rule_bounded_by_count(ny):
    t, pid, _ = ny
    o = override(t, pid, date="2026-03-02", rrule="FREQ=DAILY;COUNT=3")
    items = cal(t, "2026-03-01", "2026-03-08", [pid], "America/New_York")["items"]
    assert [(i["id"], i["date"]) for i in items] == [
        (o["id"], "2026-03-02"), (o["id"], "2026-03-03"), (o["id"], "2026-03-04")]


def test_overlapping_overrides_both_show(ny):
    t, pid, _ = ny
    rng = override(t, pid, **{"from": "2026-02-01", "to": "2026-02-28",
                              "intervals": hours(("13:00", "15:00"))})
    rec = override(t, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    items = cal(t, "2026-02-02", "2026-02-02", [pid], "America/New_York")["items"]
    assert sorted(i["id"] for i in items) == sorted([rng["id"], rec["id"]])
    assert [i["id"] for i in items] == sorted([rng["id"], rec["id"]])


def test_deleted_override_and_holiday_disappear(ny):
    t, pid, _ = ny
    o = override(t, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    h = t.ok("POST", "/v1/holidays", {"name": "H", "date": "2026-02-03"})
    assert len(cal(t, "2026-02-01", "2026-02-28", [pid])["items"]) == 2
    t.ok("DELETE", f"/v1/providers/{pid}/overrides/{o['id']}")
    t.ok("DELETE", f"/v1/holidays/{h['id']}")
    assert cal(t, "2026-02-01", "2026-02-28", [pid])["items"] == []


# --- views, windows and zones ------------------------------------------------------------------

def test_month_view_merges_everything(ny):
    t, pid, sid = ny
    first = override(t, pid, date="2026-01-05", rrule="FREQ=MONTHLY;BYDAY=1MO")
    hol = t.ok("POST", "/v1/holidays", {"name": "Fri", "date": "2026-02-13"})
    e = entry(t, [pid], "2026-02-04T10:00:00-05:00", "2026-02-04T11:00:00-05:00",
              rrule="FREQ=WEEKLY;COUNT=3")
    b = booked(t, sid, "2026-02-10T09:00:00-05:00", pid)
    off = time_off(t, pid, "2026-02-27T12:00:00-05:00", "2026-03-02T12:00:00-05:00")
    got = cal(t, "2026-02-01", "2026-02-28", [pid], "America/New_York")
    assert (got["from"], got["to"]) == ("2026-02-01T00:00:00-05:00", "2026-03-01T00:00:00-05:00")
    assert [(i["kind"], i["id"], i["start"]) for i in got["items"]] == [
        ("override", first["id"], "2026-02-02T00:00:00-05:00"),
        ("entry", f"{e['id']}:20260204T150000Z", "2026-02-04T10:00:00-05:00"),
        ("booking", b["id"], "2026-02-10T09:00:00-05:00"),
        ("entry", f"{e['id']}:20260211T150000Z", "2026-02-11T10:00:00-05:00"),
        ("holiday", hol["id"], "2026-02-13T00:00:00-05:00"),
        ("entry", f"{e['id']}:20260218T150000Z", "2026-02-18T10:00:00-05:00"),
        ("time_off", off["id"], "2026-02-27T12:00:00-05:00")]


def test_items_render_in_the_requested_zone(ny):
    t, pid, sid = ny
    b = booked(t, sid, "2026-03-02T10:00:00-05:00", pid)
    time_off(t, pid, "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")
    got = cal(t, "2026-03-02", "2026-03-03", [pid], "Asia/Tokyo")
    assert (got["from"], got["to"], got["timezone"]) == \
        ("2026-03-02T00:00:00+09:00", "2026-03-04T00:00:00+09:00", "Asia/Tokyo")
    assert [(i["kind"], i["start"], i["end"]) for i in got["items"]] == [
        ("time_off", "2026-03-03T00:00:00+09:00", "2026-03-03T01:00:00+09:00"),
        ("booking", "2026-03-03T00:00:00+09:00", "2026-03-03T01:00:00+09:00")]
    assert got["items"][1]["id"] == b["id"]
    kathmandu = cal(t, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", [pid], "Asia/Kathmandu")
    assert kathmandu["from"] == "2026-03-02T05:45:00+05:45"
    assert kathmandu["items"][0]["start"] == "2026-03-02T20:45:00+05:45"


def test_dates_are_read_in_the_requested_zone(ny):
    t, pid, _ = ny
    # 2026-03-02T23:30 in New York is 2026-03-03T04:30Z.
    off = time_off(t, pid, "2026-03-03T04:30:00Z", "2026-03-03T04:45:00Z")
    assert cal(t, "2026-03-03", "2026-03-03", [pid])["items"][0]["id"] == off["id"]
    assert cal(t, "2026-03-03", "2026-03-03", [pid], "America/New_York")["items"] == []
    (item,) = cal(t, "2026-03-02", "2026-03-02", [pid], "America/New_York")["items"]
    assert item["start"] == "2026-03-02T23:30:00-05:00"


def test_zone_offset_changes_inside_the_window(ny):
    t, pid, _ = ny
    entry(t, [pid], "2026-03-06T09:00:00-05:00", "2026-03-06T10:00:00-05:00",
          rrule="FREQ=WEEKLY;COUNT=2")
    got = cal(t, "2026-03-01", "2026-03-31", [pid], "America/New_York")
    assert (got["from"], got["to"]) == ("2026-03-01T00:00:00-05:00", "2026-04-01T00:00:00-04:00")
    assert [i["start"] for i in got["items"]] == ["2026-03-06T09:00:00-05:00",
                                                  "2026-03-13T09:00:00-04:00"]


def test_instant_window_includes_items_that_only_overlap_it(ny):
    t, pid, sid = ny
    before = booked(t, sid, "2026-03-02T09:00:00-05:00", pid)      # ends at from
    straddle = booked(t, sid, "2026-03-02T10:00:00-05:00", pid)    # 10:00-11:00
    inside = time_off(t, pid, "2026-03-02T11:00:00-05:00", "2026-03-02T11:15:00-05:00")
    after = booked(t, sid, "2026-03-02T12:00:00-05:00", pid)       # starts at to
    long_e = entry(t, [pid], "2026-03-01T20:00:00-05:00", "2026-03-02T10:30:00-05:00")
    got = cal(t, "2026-03-02T10:00:00-05:00", "2026-03-02T17:00:00Z", [pid], "America/New_York")
    assert (got["from"], got["to"]) == ("2026-03-02T10:00:00-05:00", "2026-03-02T12:00:00-05:00")
    ids = [i["id"] for i in got["items"]]
    assert before["id"] not in ids and after["id"] not in ids
    assert [(i["kind"], i["start"]) for i in got["items"]] == [
        ("entry", "2026-03-01T20:00:00-05:00"), ("booking", "2026-03-02T10:00:00-05:00"),
        ("time_off", "2026-03-02T11:00:00-05:00")]
    assert ids == [f"{long_e['id']}:20260302T010000Z", straddle["id"], inside["id"]]


def test_whole_day_items_straddling_the_window(ny):
    t, pid, _ = ny
    o = override(t, pid, date="2026-03-02")
    # New York's 2 March ends at 03-03T05:00Z: a UTC day view of 3 March still shows it.
    (item,) = cal(t, "2026-03-03", "2026-03-03", [pid])["items"]
    assert (item["id"], item["date"], item["start"], item["end"]) == \
        (o["id"], "2026-03-02", "2026-03-02T05:00:00Z", "2026-03-03T05:00:00Z")
    # ... but not a window that starts as it ends.
    assert cal(t, "2026-03-03T05:00:00Z", "2026-03-03T06:00:00Z", [pid])["items"] == []
    assert cal(t, "2026-03-02T04:00:00Z", "2026-03-02T05:00:00Z", [pid])["items"] == []


def test_a_day_that_starts_in_a_dst_gap(new_api):
    t = new_api
    pid = t.provider("Santiago", "America/Santiago")["id"]
    h = t.ok("POST", "/v1/holidays", {"name": "Gap", "date": "2026-09-06"})
    # Chile skips 2026-09-06 00:00-01:00: the day begins at 01:00 -03:00.
    got = cal(t, "2026-09-06", "2026-09-06", [pid], "America/Santiago")
    assert (got["from"], got["to"]) == ("2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00")
    assert [(i["id"], i["start"], i["end"]) for i in got["items"]] == [
        (h["id"], "2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00")]


def test_mixed_date_and_instant_ends(ny):
    t, pid, _ = ny
    got = cal(t, "2026-03-02T12:00:00Z", "2026-03-02", [pid], "America/New_York")
    assert (got["from"], got["to"]) == ("2026-03-02T07:00:00-05:00", "2026-03-03T00:00:00-05:00")


def test_92_days_are_allowed_93_are_not(ny):
    t, pid, _ = ny
    ok = cal(t, "2026-01-01", "2026-04-02", [pid])
    assert (ok["from"], ok["to"]) == ("2026-01-01T00:00:00Z", "2026-04-03T00:00:00Z")
    # 92 local days with an extra hour (the end of DST) are still 92 days.
    cal(t, "2026-09-01", "2026-12-01", [pid], "America/New_York")
    expect_problem(cal_get(t, **{"from": "2026-01-01", "to": "2026-04-03",
                                 "provider_ids": pid}), 422, "range_too_large", "to")
    expect_problem(cal_get(t, **{"from": "2026-01-01T00:00:00Z", "to": "2026-04-10T00:00:00Z",
                                 "provider_ids": pid}), 422, "range_too_large", "to")


def test_too_many_items_is_refused(new_api):
    t = new_api
    pids = [t.provider(f"P{i}", "UTC")["id"] for i in range(50)]
    for k in range(5):
        entry(t, pids, f"2026-01-01T0{k}:00:00Z", f"2026-01-01T0{k}:30:00Z",
              rrule="FREQ=DAILY")
    # 50 providers x 92 days x 5 occurrences a day = 23,000 items.
    expect_problem(cal_get(t, **{"from": "2026-01-01", "to": "2026-04-02",
                                 "provider_ids": ",".join(pids)}), 422, "range_too_large")
    got = cal(t, "2026-01-01", "2026-01-07", pids)
    assert len(got["items"]) == 50 * 7 * 5


def test_fifty_providers_are_allowed_fifty_one_are_not(new_api):
    t = new_api
    pids = [t.provider(f"P{i}", "UTC")["id"] for i in range(51)]
    assert cal(t, "2026-03-02", "2026-03-02", pids[:50])["items"] == []
    expect_problem(cal_get(t, **{"from": "2026-03-02", "to": "2026-03-02",
                                 "provider_ids": ",".join(pids)}),
                   422, "range_too_large", "provider_ids")


# --- validation, auth and isolation ------------------------------------------------------------

@pytest.mark.parametrize("params,code,pointer", [
    ({"to": "2026-03-02"}, "validation_failed", "from"),
    ({"from": "2026-03-02"}, "validation_failed", "to"),
    ({"from": "March", "to": "2026-03-02"}, "validation_failed", "from"),
    ({"from": "2026-03-02", "to": "2026-02-30"}, "validation_failed", "to"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "validation_failed", "to"),
    ({"from": "2026-03-02T10:00:00Z", "to": "2026-03-02T10:00:00Z"}, "validation_failed", "to"),
    ({"from": "2026-03-02", "to": "2026-03-02", "timezone": "Mars/Olympus"},
     "validation_failed", "timezone"),
    ({"from": "2026-03-02", "to": "2026-03-02", "timezone": ""}, "validation_failed",
     "timezone"),
])
def test_invalid_window_or_zone(ny, params, code, pointer):
    t, pid, _ = ny
    expect_problem(cal_get(t, provider_ids=pid, **params), 422, code, pointer)


@pytest.mark.parametrize("ids", [
    None, "", ",", "{p},", ",{p}", "{p},,{p}", "svc_00000000000000000000", "nope",
    "{p};{p}", "{p} ", "prv_00000000000000000000", "{p},prv_00000000000000000000",
])
def test_invalid_provider_ids(ny, ids):
    t, pid, _ = ny
    params = {"from": "2026-03-02", "to": "2026-03-02"}
    if ids is not None:
        params["provider_ids"] = ids.replace("{p}", pid)
    expect_problem(cal_get(t, **params), 422, "validation_failed", "provider_ids")


def test_another_tenants_provider_is_422(api, api_b):
    mine = api.provider("Mine", "UTC")["id"]
    theirs = api_b.provider("Theirs", "UTC")["id"]
    time_off(api_b, theirs, "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    for ids in (theirs, f"{mine},{theirs}"):
        body = expect_problem(cal_get(api, **{"from": "2026-03-02", "to": "2026-03-02",
                                              "provider_ids": ids}),
                              422, "validation_failed", "provider_ids")
        assert "items" not in body
    assert len(cal(api_b, "2026-03-02", "2026-03-02", [theirs])["items"]) == 1


def test_holidays_and_entries_stay_in_their_tenant(server):
    a, b = server.tenant(), server.tenant()
    pa, pb = a.provider("A", "UTC")["id"], b.provider("B", "UTC")["id"]
    a.ok("POST", "/v1/holidays", {"name": "A only", "date": "2026-03-02"})
    entry(a, [pa], "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")
    assert cal(b, "2026-03-02", "2026-03-02", [pb])["items"] == []
    assert len(cal(a, "2026-03-02", "2026-03-02", [pa])["items"]) == 2
    # An entry cannot name another tenant's provider either.
    r = b.post("/v1/entries", {"title": "x", "start": "2026-03-02T10:00:00Z",
                               "end": "2026-03-02T11:00:00Z", "assignee_ids": [pa]})
    assert r.status_code == 422, r.text


def test_staff_may_read_the_calendar_customers_may_not(server, ny):
    t, pid, sid = ny
    booked(t, sid, "2026-03-02T10:00:00-05:00", pid)
    params = {"from": "2026-03-02", "to": "2026-03-02", "provider_ids": pid}
    staff = make_key(server, t, "staff")
    customer = make_key(server, t, "customer")
    assert staff.ok("GET", "/v1/calendar", params=params) == t.ok("GET", "/v1/calendar",
                                                                  params=params)
    expect_problem(customer.get("/v1/calendar", params=params), 403, "forbidden")
    expect_problem(t.get("/v1/calendar", params=params, key=None), 401, "unauthorized")
