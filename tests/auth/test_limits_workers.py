"""The login limit holds in production: four gunicorn workers share their counts in the
real Redis on 127.0.0.1:6379, so 30 wrong passwords on one account, from 30 client
addresses and several at once, get exactly the allowed number of answers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from .. import factories
from ..conftest import REDIS_URL
from .served import Browser, gunicorn

ATTEMPTS, ALLOWED, AT_ONCE = 30, 5, 6


def test_the_login_limit_holds_across_workers(database_url, tmp_path, redis_prefix, secretariat, analyst):
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "IMVO_RATELIMIT_KEY_PREFIX": redis_prefix,
                "IMVO_TRUSTED_PROXIES": "1", "IMVO_LOGIN_RATE_LIMIT": "100 per minute",
                "IMVO_LOGIN_ACCOUNT_RATE_LIMIT": f"{ALLOWED} per hour"}
    target, bystander = secretariat.email, analyst.email  # plain strings, for the threads
    with gunicorn(database_url, tmp_path / "served", workers=4, **settings) as served:
        start = threading.Barrier(AT_ONCE)

        def attempt(number: int) -> int:
            browser = Browser(served.port, forwarded_for=f"198.51.100.{number}")  # a new address each time
            if number < AT_ONCE:
                start.wait()
            return browser.post_form("/auth/login", {"email": target, "password": "wrong"}).status

        with ThreadPoolExecutor(AT_ONCE) as pool:
            statuses = list(pool.map(attempt, range(ATTEMPTS)))
        assert sorted(statuses) == [200] * ALLOWED + [429] * (ATTEMPTS - ALLOWED)

        # The right password is refused too while the account is over its limit, but
        # the attacker has not locked out anyone else.
        assert Browser(served.port, "203.0.113.7").post_form(
            "/auth/login", {"email": target, "password": factories.PASSWORD}).status == 429
        assert Browser(served.port, "198.51.100.1").post_form(
            "/auth/login", {"email": bystander, "password": factories.PASSWORD}).status == 302

    # Read once gunicorn has stopped: a worker logs a request after it has answered it.
    posts = [(pid, status) for pid, status, method, path in served.requests()
             if method == "POST" and path == "/auth/login"]
    # Several workers refused: each of them knew of attempts another worker answered
    # (with memory:// each worker would first answer ALLOWED attempts itself).
    assert len({pid for pid, status in posts if status == 429}) >= 2
    assert len(posts) == ATTEMPTS + 2
