"""GET /v1/bookings?q=: a case-insensitive substring search over the customer's name, e-mail
and phone and the booking's reference, combined with the other filters, a provider-limited
key and paging; LIKE wildcards in q match only themselves; bad q is a 422 at `q`.

Set-up (one tenant for the module): providers p1 and p2 (New York, 09:00-17:00 on weekdays),
a 60-minute service offered by both, and the bookings in PEOPLE, each on the next free hour.
"""
import types
import uuid

import pytest

import pg_helpers
from conftest import DEFAULT_NOW, expect_problem, weekdays

NY = "America/New_York"
DAYS = ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06")

# key: (provider, name, email, phone)
PEOPLE = {
    "ann": ("p1", "Ann Lee", "ann.lee@example.com", "+1 617-555-0142"),
    "muller": ("p1", "Jürgen Müller", "jm@praxis.example.de", None),
    "pct": ("p2", "Sale 50% Off", "sale@example.com", None),
    "room": ("p2", "Room 501", "room@example.com", None),
    "under": ("p1", "Lee_Ann", "underscore@example.com", None),
    "space": ("p2", "Lee Ann", "space@example.com", "(030) 1234"),
    "bslash": ("p1", "Back\\slash", "bs@example.com", None),
    "noslash": ("p2", "Backslash", "nobs@example.com", None),
    "cancelled": ("p1", "Carol Cancel", "carol@example.com", None),
}
PAGERS = 7   # "Pager N" bookings, alternating providers, for the paging tests


def _slots():
    for day in DAYS:
        for h in range(9, 17):
            yield f"{day}T{h:02d}:00:00-05:00"


@pytest.fixture(scope="module")
def w(server):
    t = server.tenant()
    p = {"p1": t.provider("One", NY)["id"], "p2": t.provider("Two", NY)["id"]}
    for pid in p.values():
        t.schedule(pid, weekdays([("09:00", "17:00")]))
    sid = t.service(list(p.values()), "Visit", 60)["id"]
    free = {k: _slots() for k in p}
    made = {}

    def make(key, prov, name, email, phone):
        customer = {"name": name, "email": email}
        if phone:
            customer["phone"] = phone
        b = t.ok("POST", "/v1/bookings",
                 {"service_id": sid, "provider_id": p[prov], "start": next(free[prov]),
                  "customer": customer},
                 now=DEFAULT_NOW, headers={"Idempotency-Key": "key-" + uuid.uuid4().hex})
        made[key] = b
    for key, row in PEOPLE.items():
        make(key, *row)
    for i in range(PAGERS):
        make(f"pager{i}", "p1" if i % 2 else "p2", f"Pager {i}", f"pager{i}@example.org", None)
    t.ok("POST", f"/v1/bookings/{made['cancelled']['id']}/cancel", status=200, now=DEFAULT_NOW)
    ids = {k: b["id"] for k, b in made.items()}
    return types.SimpleNamespace(t=t, p=p, sid=sid, made=made, ids=ids,
                                 by_id={v: k for k, v in ids.items()})


def found(w, t=None, **params):
    """The keys of the bookings the search finds (every page)."""
    rows = (t or w.t).list_all("/v1/bookings", params=params)
    return {w.by_id[r["id"]] for r in rows}


def test_matches_each_field_ignoring_ascii_case(w):
    assert found(w, q="Ann Lee") == {"ann"}
    assert found(w, q="aNN lEE") == {"ann"}
    # E-mail, in other case.
    assert found(w, q="PRAXIS.EXAMPLE.DE") == {"muller"}
    assert found(w, q="@example.org") == {f"pager{i}" for i in range(PAGERS)}
    # Phone, as stored (with its punctuation).
    assert found(w, q="555-0142") == {"ann"}
    assert found(w, q="(030)") == {"space"}
    # Reference: whole, part, lower case.
    ref = w.made["room"]["reference"]
    assert found(w, q=ref) == {"room"}
    part = ref[2:6].lower()
    assert "room" in found(w, q=part)
    for b in w.t.list_all("/v1/bookings", params={"q": part}):
        c = b["customer"]
        assert part in " ".join([b["reference"], c["name"], c["email"],
                                 c.get("phone") or ""]).lower()
    assert found(w, q="nobody-here") == set()


def test_a_search_row_is_the_full_booking(w):
    rows = w.t.ok("GET", "/v1/bookings", params={"q": "ann.lee"})["data"]
    assert rows == [w.t.ok("GET", f"/v1/bookings/{w.ids['ann']}")]


def test_non_ascii_letters_match_as_written(w):
    assert found(w, q="Müller") == {"muller"}
    assert found(w, q="jürgen") == {"muller"}
    # ASCII letters around them still ignore case.
    assert found(w, q="müLLER") == {"muller"}
    assert found(w, q="JÜRGEN MÜLLER") <= {"muller"}   # database-dependent folding of Ü
    if pg_helpers.enabled():
        return
    # SQLite folds ASCII only: Ü does not find ü.
    assert found(w, q="MÜLLER") == set()


def test_wildcards_match_themselves(w):
    assert found(w, q="50%") == {"pct"}            # not "Room 501"
    assert found(w, q="%") == {"pct"}
    assert found(w, q="e_a") == {"under"}          # not "Lee Ann"
    assert found(w, q="_") == {"under"}
    assert found(w, q="k\\s") == {"bslash"}        # not "Backslash"
    assert found(w, q="\\") == {"bslash"}
    assert found(w, q="lee ann") == {"space"}
    assert found(w, q="Backslash") == {"noslash"}


def test_combines_with_status_provider_and_dates(w):
    assert found(w, q="carol") == {"cancelled"}
    assert found(w, q="carol", status="confirmed") == set()
    assert found(w, q="carol", status="cancelled") == {"cancelled"}
    assert found(w, q="lee") == {"ann", "under", "space"}
    assert found(w, q="lee", provider_id=w.p["p1"]) == {"ann", "under"}
    assert found(w, q="lee", provider_id=w.p["p2"]) == {"space"}
    assert found(w, q="lee", provider_id=w.p["p2"], status="cancelled") == set()
    assert found(w, q="lee", service_id=w.sid) == {"ann", "under", "space"}
    assert found(w, q="ann", customer_email="ann.lee@example.com") == {"ann"}
    ann_start = w.made["ann"]["start"]
    assert found(w, q="lee", **{"from": ann_start, "to": ann_start.replace("T09", "T10")}) \
        == {"ann"}


def test_pages_through_the_matches(w):
    want = sorted(w.ids[f"pager{i}"] for i in range(PAGERS))
    for limit in (1, 2, 3, PAGERS, 200):
        got, cursor, pages = [], None, 0
        while True:
            params = {"q": "PAGER", "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = w.t.ok("GET", "/v1/bookings", params=params)
            pages += 1
            assert len(page["data"]) <= limit
            got += [r["id"] for r in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert got == want, limit
        assert pages in (-(-PAGERS // limit), -(-PAGERS // limit) + 1), limit
    # Paging with a provider filter too.
    p1_pagers = sorted(w.ids[f"pager{i}"] for i in range(PAGERS) if i % 2)
    first = w.t.ok("GET", "/v1/bookings",
                   params={"q": "pager", "provider_id": w.p["p1"], "limit": 2})
    assert [r["id"] for r in first["data"]] == p1_pagers[:2]
    rest = w.t.ok("GET", "/v1/bookings", params={"q": "pager", "provider_id": w.p["p1"],
                                                 "limit": 200, "cursor": first["next_cursor"]})
    assert [r["id"] for r in rest["data"]] == p1_pagers[2:]


def test_a_provider_limited_key_finds_only_its_own(w, server):
    from conftest import Api
    k = w.t.ok("POST", "/v1/keys", {"name": "desk", "role": "staff", "provider_ids": [w.p["p1"]]},
               now=DEFAULT_NOW)
    staff = Api(w.t.base, k["secret"], w.t.slug)
    assert found(w, staff, q="lee") == {"ann", "under"}
    assert found(w, staff, q="pager") == {f"pager{i}" for i in range(PAGERS) if i % 2}
    assert found(w, staff, q="50%") == set()
    # Asking for the other provider does not widen it.
    assert found(w, staff, q="lee", provider_id=w.p["p2"]) == set()
    # An unlimited staff key sees both providers.
    k2 = w.t.ok("POST", "/v1/keys", {"name": "front", "role": "staff"}, now=DEFAULT_NOW)
    assert found(w, Api(w.t.base, k2["secret"], w.t.slug), q="lee") == {"ann", "under", "space"}


def test_another_tenant_finds_nothing(w, server):
    other = server.tenant()
    assert other.list_all("/v1/bookings", params={"q": "lee"}) == []


def test_four_byte_and_edge_characters_are_searched(w):
    # The last characters before the gaps a strict decoder refuses are valid search text.
    for text in ("\U0001F600", "\u00A0", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\U00010000",
                 "\U0010FFFF", "Ann \U0001F600"):
        assert found(w, q=text) == set(), text
    assert found(w, q="\U0001F600" * 100) == set()   # 400 bytes, 100 characters


def test_length_is_counted_in_characters(w):
    assert found(w, q="x" * 100) == set()
    assert found(w, q="ü" * 100) == set()            # 200 bytes, 100 characters
    body = expect_problem(w.t.get("/v1/bookings", params={"q": "ü" * 101}), 422,
                          "validation_failed", "q")
    assert "100" in [e for e in body["errors"] if e["pointer"] == "q"][0]["detail"]


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "q=Ann%00zzz"])
def test_q_with_an_encoded_nul_is_400_at_q(w, query):
    # Refused like any query parameter holding a NUL, not a cut-short search for "a".
    expect_problem(w.t.get("/v1/bookings?" + query), 400, "malformed_request", "q")


@pytest.mark.parametrize("query", [
    "q=", "q=" + "x" * 101, "q=a%01b", "q=%0A", "q=%FF", "q=%C3", "q=ab%C3%28",
    # C1 controls (U+0080, U+009F) are control characters too; U+00A0 is not (below).
    "q=%C2%80", "q=a%C2%9Fb",
    # Byte sequences a strict UTF-8 decoder (PostgreSQL's) refuses: overlong forms, UTF-16
    # surrogates, code points past U+10FFFF.
    "q=%C0%AF", "q=%E0%80%AF", "q=%E0%9F%BF", "q=%F0%80%80%AF", "q=%F0%8F%BF%BF",
    "q=%ED%A0%80", "q=%ED%BF%BF", "q=a%ED%B2%A9b", "q=%F4%90%80%80", "q=%F4%BF%BF%BF",
])
def test_bad_q_is_422_at_q(w, query):
    r = w.t.get("/v1/bookings?" + query)
    body = expect_problem(r, 422, "validation_failed", "q")
    for e in body["errors"]:
        assert e["detail"]
    # Nothing else went wrong: the same list without q still answers.
    assert w.t.get("/v1/bookings", params={"limit": 1}).status_code == 200
