"""Console sign-in and sessions, at their edges: the per-account limit of failed sign-ins
under concurrent guesses and against accounts that share its place in the server's table,
a session in use under the shortest idle timeout (60 s), and the cookie's Secure attribute
for a public URL whose scheme is written in capitals."""
import hashlib
import itertools
import threading

from conftest import expect_problem
from test_users_sessions import NOW, ON, PW, Browser, shift, signed_in, user

LIMITED = ["--trust-forwarded-for", "--rate-limit-auth-failures", "1000/60"]


def _sign_in(t, mail, password, i, now=NOW):
    return Browser(t.base, now=now, forwarded=f"10.7.{i // 250}.{i % 250}").sign_in(
        t.slug, mail, password)


def test_concurrent_wrong_guesses_get_no_more_checks_than_the_limit(start_server):
    """Sixteen wrong passwords sent to one account at the same moment: at most five are
    checked (401); the others are refused (429) and so is the right password after them."""
    srv = start_server(args=[*LIMITED, "--threads", "16"], env=ON)
    t = srv.tenant()
    u = user(t, role="admin")
    codes, barrier = [], threading.Barrier(16)

    def one(i):
        barrier.wait(timeout=30)
        codes.append(_sign_in(t, u["email"], f"wrong guess {i}", i).status_code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=180)
    assert len(codes) == 16 and set(codes) <= {401, 429}, codes
    assert codes.count(401) <= 5, f"{codes.count(401)} guesses checked at once: {sorted(codes)}"
    expect_problem(_sign_in(t, u["email"], PW, 99), 429, "rate_limited")


def _home(slug, mail):
    """Where an account would sit in a table placed by the unkeyed token hash (BLAKE2b-256
    hex of "slug\\nemail", its first eight hex digits modulo 4096 slots)."""
    h = hashlib.blake2b(f"{slug}\n{mail}".lower().encode(), digest_size=32).hexdigest()
    return int(h[:8], 16) % 4096


def test_failures_to_accounts_that_share_a_place_do_not_clear_an_account(start_server):
    """Eight accounts worked out to share the target account's place, each failing once,
    between guesses at the target: the target's count stands, and after its fifth failure
    even the right password is refused."""
    srv = start_server(args=LIMITED, env=ON)
    t = srv.tenant()
    u = user(t, role="admin")
    home = _home(t.slug, u["email"])
    fillers = list(itertools.islice((m for m in (f"f{i}@example.com" for i in itertools.count())
                                     if _home(t.slug, m) == home), 8))
    n = itertools.count()
    first = [_sign_in(t, u["email"], f"wrong guess {i}", next(n)).status_code for i in range(4)]
    assert first == [401] * 4, first
    assert [_sign_in(t, m, "wrong guess", next(n)).status_code for m in fillers] == [401] * 8
    last = [_sign_in(t, u["email"], f"wrong guess b{i}", next(n)).status_code for i in range(4)]
    assert last[0] == 401 and set(last[1:]) == {429}, last
    expect_problem(_sign_in(t, u["email"], PW, next(n)), 429, "rate_limited")


def test_a_session_in_use_outlives_the_shortest_idle_timeout(start_server):
    """--session-idle 60: a session used every 40 s stays signed in; 61 s without a request
    ends it."""
    srv = start_server(args=["--session-idle", "60"])
    t = srv.tenant()
    u = user(t, role="admin")
    b = signed_in(t.base, t.slug, u["email"])
    for s in (40, 80, 120, 160):
        r = b.get("/v1/sessions/current", now=shift(NOW, s))
        assert r.status_code == 200, f"used every 40 s, at +{s} s: {r.text}"
    p = expect_problem(b.get("/v1/providers", now=shift(NOW, 160 + 61)), 401, "session_expired")
    assert p["detail"] == "your session has expired; sign in again", p
