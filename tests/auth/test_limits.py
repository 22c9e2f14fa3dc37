"""Rate limits per account as well as per client address, the client address behind a
reverse proxy, and the page that says how long to wait. (That the counts hold across
gunicorn workers, in Redis: test_limits_workers.)"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import OutboxMessage, utcnow

from .. import factories

WRONG = "not the password"


def _login(client, email: str, password: str = WRONG, address: str | None = None) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/auth/login", data={"email": email, "password": password}, headers=headers).status_code


def test_rotating_addresses_does_not_escape_the_account_limit(make_app, secretariat, analyst):
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute",
                   LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    client = app.test_client()
    spellings = [" Secretariaat@Example.org", "SECRETARIAAT@EXAMPLE.ORG ", "secretariaat@example.org",
                 "secretariaat@Example.org"]
    statuses = [_login(client, email, address=f"198.51.100.{n}") for n, email in enumerate(spellings)]
    assert statuses == [200, 200, 200, 429]
    # Over the limit, the right password is refused too (else the limit would not stop a guess) ...
    assert _login(client, secretariat.email, factories.PASSWORD, address="203.0.113.9") == 429
    # ... but only for this account: the attacker does not lock everyone out,
    assert _login(app.test_client(), analyst.email, factories.PASSWORD, address="198.51.100.1") == 302
    # and only until the window has passed.
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert _login(app.test_client(), secretariat.email, factories.PASSWORD, address="203.0.113.9") == 302


def test_forwarded_for_is_not_trusted_by_default(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [_login(client, f"iemand{n}@example.org", address=f"198.51.100.{n}") for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_count(make_app):
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    first = [_login(client, f"iemand{n}@example.org", address="198.51.100.1") for n in range(3)]
    assert first == [200, 200, 429]
    assert _login(client, "ander@example.org", address="198.51.100.2") == 200
    # Only the last hop is trusted: what the client wrote before it does not count.
    assert _login(client, "nog@example.org", address="192.0.2.1, 198.51.100.1") == 429


def test_password_change_attempts_count_against_the_account(make_app, secretariat):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="4 per minute")
    browser = app.test_client()
    assert _login(browser, secretariat.email, factories.PASSWORD) == 302  # one attempt
    wrong = {"current": WRONG, "password": "een nieuw wachtwoord", "confirm": "een nieuw wachtwoord"}
    statuses = [browser.post("/auth/password", data=wrong).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _login(app.test_client(), secretariat.email, factories.PASSWORD) == 429  # the same account


def test_reset_mails_are_limited_per_address(make_app, secretariat, mail_folder):
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute",
                   RESET_ACCOUNT_RATE_LIMIT="2 per hour")
    client = app.test_client()
    statuses = [client.post("/auth/reset", data={"email": email}, headers={"X-Forwarded-For": f"198.51.100.{n}"})
                .status_code for n, email in enumerate(["secretariaat@example.org", "Secretariaat@example.org",
                                                        " SECRETARIAAT@example.org"])]
    assert statuses == [302, 302, 429]
    db.session.commit()
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2


def test_the_refusal_says_how_long_to_wait(make_app, secretariat):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="1 per hour")
    client = app.test_client()
    _login(client, secretariat.email)
    refused = client.post("/auth/login", data={"email": secretariat.email, "password": WRONG})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Te veel pogingen" in page and "Probeer het over 60 minuten opnieuw." in page
    assert refused.headers["Retry-After"] in {"3599", "3600"}


def test_the_login_page_explains_the_idle_timeout(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "na 30 minuten" in page and "na 120 minuten" in page


FALLBACK_SCRIPT = """
from imvo_survey import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI={database!r}, INSTANCE_PATH={instance!r},
                 RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:{port}",
                 LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
client = app.test_client()
print([client.post("/auth/login", data={{"email": "a@example.org", "password": "x"}}).status_code
       for _ in range(3)])
"""


def test_without_redis_each_process_still_counts(database_url, tmp_path):
    """Redis gone (nothing listens on the port): logins are neither refused with a 500 nor
    left unlimited; the process counts in its own memory. (Its own interpreter: the
    limiter is one object per process, and this one's storage is dead.)"""
    import subprocess
    import sys

    from ..conftest import free_port

    script = FALLBACK_SCRIPT.format(database=database_url, instance=str(tmp_path), port=free_port())
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[200, 200, 429]"
