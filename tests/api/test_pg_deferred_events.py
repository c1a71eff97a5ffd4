"""A booking whose event cannot be written is not a booking (PostgreSQL).

A booking that names its provider writes its events at COMMIT (under the tenant's event lock);
a booking of any provider writes them when it appends them. Either way, when the event's
insert fails the booking must roll back: the client gets an error (not a 201), no booking,
event or Idempotency-Key answer is stored, and the same request sent again once the database
accepts events books normally.

The failure is a trigger on events that raises for one customer name, in a database of this
module's own. Runs only in the PostgreSQL run.
"""
import json
import uuid

import pytest
import requests

import pg_helpers
from booking_helpers import headers_for
from conftest import Api, create_tenant, pg_processes, weekdays

if not pg_helpers.enabled():
    pytest.skip("PostgreSQL tests: run under scripts/pg.sh (SLOTD_TEST_PG_URL)",
                allow_module_level=True)

MARK = "Refused Event"
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture(scope="module")
def cluster(slotd_bin, tmp_path_factory):
    with pg_processes(slotd_bin, tmp_path_factory, 1) as (url, servers):
        yield slotd_bin, url, servers


def counts(url, tenant_slug):
    row = pg_helpers.psql(
        url,
        "SELECT (SELECT count(*) FROM bookings b JOIN tenants t ON t.id = b.tenant_id"
        f"  WHERE t.slug = '{tenant_slug}'),"
        " (SELECT count(*) FROM events e JOIN tenants t ON t.id = e.tenant_id"
        f"  WHERE t.slug = '{tenant_slug}'),"
        " (SELECT count(*) FROM idempotency_keys i JOIN tenants t ON t.id = i.tenant_id"
        f"  WHERE t.slug = '{tenant_slug}')").strip()
    return tuple(int(x) for x in row.split("|"))


@pytest.mark.parametrize("named", [True, False], ids=["named-provider", "any-provider"])
def test_event_insert_failure_rolls_the_booking_back(cluster, named):
    binary, url, servers = cluster
    slug = "ev-" + uuid.uuid4().hex[:12]
    key = create_tenant(binary, url, slug)
    api = Api(servers[0].base, key, slug)
    pid = api.provider("P", "UTC")["id"]
    api.schedule(pid, weekdays([("08:00", "18:00")], days=ALL_DAYS))
    sid = api.service([pid], "Visit", 60)["id"]
    fn = "refuse_" + uuid.uuid4().hex[:8]
    pg_helpers.psql(
        url,
        f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF NEW.payload LIKE '%{MARK}%' THEN RAISE EXCEPTION 'event refused'; END IF;"
        " RETURN NEW; END $$;"
        f" CREATE TRIGGER {fn} BEFORE INSERT ON events FOR EACH ROW EXECUTE PROCEDURE {fn}();")
    body = {"service_id": sid, "start": "2026-03-09T10:00:00+00:00",
            "customer": {"name": MARK, "email": "refused@example.com"}}
    if named:
        body["provider_id"] = pid
    idem = f"k-{uuid.uuid4().hex}"
    before = counts(url, slug)
    try:
        r = requests.post(servers[0].base + "/v1/bookings", data=json.dumps(body),
                          headers=headers_for(api, idem), timeout=60)
        assert r.status_code >= 500, (r.status_code, r.text)
        assert counts(url, slug) == before
    finally:
        pg_helpers.psql(url, f"DROP TRIGGER {fn} ON events; DROP FUNCTION {fn}();")
    # The same request again: booked now (nothing was stored for its key).
    r = requests.post(servers[0].base + "/v1/bookings", data=json.dumps(body),
                      headers=headers_for(api, idem), timeout=60)
    assert r.status_code == 201, r.text
    assert r.headers.get("Idempotent-Replayed") is None
    b, e, k = counts(url, slug)
    assert (b, k) == (before[0] + 1, before[2] + 1)
    assert e == before[1] + 1
