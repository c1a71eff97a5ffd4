"""Console sign-in and sessions, at their edges: the per-account limit of failed sign-ins
under concurrent guesses."""
import threading

from conftest import expect_problem
from test_users_sessions import NOW, ON, PW, Browser, user

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
