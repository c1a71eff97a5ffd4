"""Reminders (issue 13): offsets per service and in the tenant policy, planned with the
booking in its transaction, re-planned on reschedule, dropped when it ends, and sent once as
a booking.reminder event; and the test clock (POST /v1/test/clock) that moves the time
background duties and requests without X-Test-Now see."""
import pytest

from conftest import Api, _start, _stop, expect_problem


# --- the test clock ----------------------------------------------------------------------

def test_clock_sets_and_clears(server):
    api = server.tenant()
    r = api.post("/v1/test/clock", {"now": "2031-05-06T07:08:09+02:00"})
    assert r.status_code == 200, r.text
    assert r.json() == {"now": "2031-05-06T05:08:09Z"}
    try:
        # A request without X-Test-Now runs at the clock's time: a key expiring before it
        # is refused.
        key = api.ok("POST", "/v1/keys", {"name": "soon", "role": "admin",
                                         "expires_at": "2031-05-06T06:00:00Z"})
        assert Api(server.base, key["secret"]).get("/v1/policy").status_code == 200
        api.ok("POST", "/v1/test/clock", {"now": "2031-05-06T06:00:00Z"}, status=200)
        assert Api(server.base, key["secret"]).get("/v1/policy").status_code == 401
    finally:
        r = api.post("/v1/test/clock", {"now": None})
    assert r.status_code == 200, r.text
    assert r.json()["now"] < "2031"


def test_clock_validation(server):
    api = server.tenant()
    expect_problem(api.post("/v1/test/clock", {}), 422, pointer="/now")
    expect_problem(api.post("/v1/test/clock", {"now": "tomorrow"}), 422, pointer="/now")
    expect_problem(api.post("/v1/test/clock", {"now": None, "x": 1}), 422, pointer="/x")


def test_clock_is_admin_only(server):
    api = server.tenant()
    staff = api.ok("POST", "/v1/keys", {"name": "s", "role": "staff"})
    r = Api(server.base, staff["secret"]).post("/v1/test/clock", {"now": None})
    expect_problem(r, 403)


def test_clock_route_absent_without_the_test_clock(slotd_bin, tmp_path):
    srv = _start(slotd_bin, tmp_path / "srv", env={"SLOTD_TEST_CLOCK": "0"})
    try:
        api = srv.tenant()
        r = api.post("/v1/test/clock", {"now": "2031-05-06T07:08:09Z"})
        expect_problem(r, 404, code="not_found")
    finally:
        _stop(srv)
