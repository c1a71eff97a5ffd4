"""External calendars, the write side beyond test_calendars.py: bookings made before a
calendar is given writing are written when it is, a wrong password's clear error, the
deliveries' channel filter, a delivery whose calendar was deleted, replay, and the address
check at connect time (Radicale on loopback, refused without --allow-private-webhooks)."""
import time
import uuid

from test_calendars import (NOW, World, acted, booked, caldav_deliveries, create, first_sync,
                            radicale, radicale_event, srv, clock, w, writable, Clock, epoch,
                            make_world, env_for, RadicaleServer, _start, _stop, expect_problem,
                            write_while_down)


def test_existing_bookings_are_written_when_a_calendar_is_connected(w, radicale):
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    b2 = booked(w.t, w.sid, "2026-03-10T12:00:00+01:00", w.pid, now=NOW)
    acted(w.t, b2["id"], "cancel", {"reason": "x"}, now=NOW)
    coll = "fill-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    cal = create(w, kind="caldav", url=url, username="alice",
                 password=radicale.users["alice"], write=False, name="Work")
    time.sleep(1.0)
    assert radicale.hrefs("alice", coll) == []
    r = w.t.patch(f"/v1/providers/{w.pid}/calendars/{cal['id']}", {"write": True})
    assert r.status_code == 200, r.text
    radicale_event(radicale, coll, f"{b['id']}@slotd")
    assert len(radicale.hrefs("alice", coll)) == 1, "the cancelled booking is not written"


def test_wrong_password_is_a_clear_error(w, radicale):
    coll = "pw-" + uuid.uuid4().hex[:8]
    url = radicale.make_calendar("alice", coll)
    cal = create(w, kind="caldav", url=url, username="alice", password="wrong", write=True)
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    ds = caldav_deliveries(w.t, lambda ds: [d for d in ds if d["endpoint_id"] == cal["id"]
                                            and d["attempts"] >= 1])
    d = [d for d in ds if d["endpoint_id"] == cal["id"]][0]
    assert d["status"] == "pending" and d["last_status"] == 401, d
    assert d["last_error"] == "HTTP 401: check the username and password", d


def test_channel_filter(w):
    r = w.t.get("/v1/deliveries", params={"channel": "caldav"})
    assert r.status_code == 200, r.text
    r = w.t.get("/v1/deliveries", params={"channel": "fax"})
    assert r.status_code == 422, r.text


def test_deleted_calendar_fails_the_delivery_with_a_clear_error(slotd_bin, tmp_path):
    with write_while_down(slotd_bin, tmp_path, "gone") as (w, rad, coll, cal, b, dl):
        r = w.t.delete(f"/v1/providers/{w.pid}/calendars/{cal['id']}")
        assert r.status_code == 204, r.text
        w.clock.set(epoch(dl["next_attempt_at"]))
        [dl] = caldav_deliveries(w.t, lambda ds: ds[0]["status"] == "failed")
        assert dl["last_error"] == "the calendar was deleted" and dl["attempts"] == 1, dl


def test_replay_of_a_caldav_delivery(w, radicale):
    coll, url, cal = writable(w, radicale)
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    radicale_event(radicale, coll, f"{b['id']}@slotd")
    ds = caldav_deliveries(w.t, lambda ds: ds and all(d["status"] == "succeeded" for d in ds))
    first = ds[0]["id"]
    r = w.t.post(f"/v1/deliveries/{first}/replay")
    assert r.status_code == 202, r.text
    assert r.json()["channel"] == "caldav"
    caldav_deliveries(w.t, lambda ds: any(d["id"] == first and d["attempts"] == 2
                                          and d["status"] == "succeeded" for d in ds))
    assert radicale_event(radicale, coll, f"{b['id']}@slotd")


def test_private_address_refused_at_connect_without_the_flag(slotd_bin, tmp_path):
    from conftest import Server
    d = tmp_path / "ssrf"
    d.mkdir()
    env = env_for(d)
    s = Server(slotd_bin, d / "slotd.db", d, env=env).start()
    rad = RadicaleServer(users={"alice": "pw-" + uuid.uuid4().hex[:8]}).start()
    try:
        w = make_world(s)
        w.clock = Clock(w.t)
        coll, url, cal = writable(w, rad)
        s.stop()
        env2 = {k: v for k, v in env.items() if k != "SLOTD_WEBHOOK_ALLOW_PRIVATE"}
        s = Server(slotd_bin, None, d, env=env2, db_url=s.db_url).start()
        w.t.base = s.base
        b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
        [dl] = caldav_deliveries(w.t, lambda ds: ds and ds[0]["attempts"] >= 1)
        assert dl["last_error"] == "refused: the host resolves to a loopback address", dl
    finally:
        rad.close()
        _stop(s)


def test_a_new_sync_interval_or_name_writes_nothing_again(w, radicale):
    """Only a change that can leave the calendar without the bookings (writing or the
    calendar switched on, a new address or credentials) writes them all again: a new sync
    interval or name does not."""
    coll, url, cal = writable(w, radicale)
    b = booked(w.t, w.sid, "2026-03-10T10:00:00+01:00", w.pid, now=NOW)
    radicale_event(radicale, coll, f"{b['id']}@slotd")
    mine = lambda ds: [d for d in ds if d["endpoint_id"] == cal["id"]]
    ds = caldav_deliveries(w.t, lambda ds: [d for d in mine(ds) if d["status"] == "succeeded"])
    [d] = mine(ds)
    for body in ({"sync_interval_minutes": cal["sync_interval_minutes"] + 7}, {"name": "Work 2"}):
        r = w.t.patch(f"/v1/providers/{w.pid}/calendars/{cal['id']}", body)
        assert r.status_code == 200, r.text
    time.sleep(1.5)
    ds = w.t.list_all("/v1/deliveries", params={"channel": "caldav"})
    assert [x["id"] for x in mine(ds)] == [d["id"]], ds
    r = w.t.patch(f"/v1/providers/{w.pid}/calendars/{cal['id']}",
                  {"password": radicale.users["alice"]})
    assert r.status_code == 200, r.text
    caldav_deliveries(w.t, lambda ds: len(mine(ds)) == 2 and mine(ds))
