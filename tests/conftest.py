"""Fixtures: the app on a real database (SQLite, or PostgreSQL when
IMVO_TEST_DATABASE_URL is set), built once per run by the migrations, with the data
tables emptied after every test; clients logged in per role; the mail folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import redis
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from config import normalise_database_url
from imvo_survey import create_app
from imvo_survey.extensions import db, limiter
from imvo_survey.rounds.services import issue_token
from imvo_survey.seed import seed_reference

from . import factories

#: Tables holding reference data: loaded once per run, kept between tests.
REFERENCE_TABLES = {
    "alembic_version", "sector", "sector_alias", "branch", "branch_sector", "aspect_group",
    "aspect", "activity_type", "reporting_channel", "product_group", "chain_initiative",
    "country", "country_region",
}
PASSWORD = factories.PASSWORD


def _postgres_url() -> str | None:
    url = os.environ.get("IMVO_TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@contextmanager
def fresh_database(folder: Path, name: str):
    """An empty database of the kind under test: a SQLite file in `folder`, or a
    PostgreSQL schema of its own, dropped afterwards (the next run finds it clean)."""
    postgres = _postgres_url()
    if postgres is None:
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    schema = f"imvo_{name}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres else "?"
    # synchronous_commit off: a test database need not wait for the disk at each commit
    # (a crash loses the last commits, never consistency); every request commits.
    try:
        yield f"{postgres}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh database for this run: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    with fresh_database(tmp_path_factory.mktemp("db"), "test") as url:
        yield url


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without this, requests would share the test's app context, and with it `g` (where
    Flask-Login keeps the loaded user) and the database session, hiding bugs."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _test_app(database_url: str, instance_dir: Path, **overrides):
    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(instance_dir),
        MAIL_FILE_DIR=str(instance_dir / "outbox"),
        **overrides,
    )
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session")
def app(database_url, instance_dir):
    """The application, with its schema built by the migrations and reference data loaded."""
    application = _test_app(database_url, instance_dir)
    with application.app_context():
        upgrade()
        seed_reference()
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(database_url, instance_dir):
    """Another app on the test database with other settings (CSRF on, rate limits, ...)."""
    made = []

    def make(**overrides):
        application = _test_app(database_url, instance_dir, **overrides)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()
    # Flask-Limiter keeps its on/off switch on the shared extension object, not per app:
    # put it back to the testing default so later tests are not rate limited.
    if limiter.enabled:
        limiter.reset()
    limiter.enabled = False


def empty_data_tables() -> None:
    """Delete every row outside the reference tables (after each test), children first.

    DELETE rather than PostgreSQL's TRUNCATE: a test leaves a few rows, and TRUNCATE of
    some fifty tables costs a quarter of a second each time, minutes over the suite. On
    PostgreSQL the DELETEs go in one round trip (one string of statements), not sixty.
    Ids go on counting, as they do on SQLite: no test may count on them."""
    db.session.rollback()
    tables = [table for table in reversed(db.metadata.sorted_tables) if table.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        db.session.connection().exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in tables))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context and leaves the data tables, the job queue and
    the outbox empty."""
    with app.app_context():
        yield
        db.session.remove()
    with app.app_context():
        empty_data_tables()
    app.extensions["huey"].flush()  # no task of this test is left for the next one's worker
    shutil.rmtree(app.config["MAIL_FILE_DIR"], ignore_errors=True)


@pytest.fixture
def reseed_reference_after(app):
    """For tests that empty or change the reference tables: load them again afterwards."""
    yield
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            if table.name in REFERENCE_TABLES - {"alembic_version"}:
                db.session.execute(table.delete())
        db.session.commit()
        seed_reference()
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log a test client in and out."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, follow_redirects: bool = False):
        return self._client.post("/auth/login", data={"email": email, "password": password},
                                 follow_redirects=follow_redirects)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def secretariat():
    user = factories.make_user("secretariat", email="secretariaat@example.org")
    db.session.commit()
    return user


@pytest.fixture
def analyst():
    user = factories.make_user("analyst", email="analist@example.org")
    db.session.commit()
    return user


@pytest.fixture
def respondent():
    organisation = factories.make_organisation(name="Eigen Brancheorganisatie")
    user = factories.make_user("respondent", email="respondent@example.org", organisation=organisation)
    db.session.commit()
    return user


def _logged_in_client(app, user):
    client = app.test_client()
    response = AuthActions(client).login(user.email)
    assert response.status_code == 302, "test login failed"
    return client


@pytest.fixture
def secretariat_client(app, secretariat):
    return _logged_in_client(app, secretariat)


@pytest.fixture
def analyst_client(app, analyst):
    return _logged_in_client(app, analyst)


@pytest.fixture
def respondent_client(app, respondent):
    return _logged_in_client(app, respondent)


@pytest.fixture
def mail_folder(app):
    """Run the outbox worker once (as `imvo mail send` does), then return the messages
    the file backend wrote, parsed, oldest first."""
    from imvo_survey.mail.outbox import send_due

    def read():
        with app.app_context():
            send_due()
        folder = Path(app.config["MAIL_FILE_DIR"])
        if not folder.exists():
            return []
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]

    return read


class RecordingHandler:
    """An aiosmtpd handler that keeps what arrives, or refuses with a chosen reply."""

    def __init__(self):
        self.messages = []
        self.refuse_with: str | None = None  # e.g. "550 No such user", "451 Try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parser = BytesParser(policy=policy.default)
        self.messages.append(parser.parsebytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A free TCP port on loopback (aiosmtpd 1.4.6 cannot pick one itself)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback; the app sends through it during the test."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    handler.port = controller.port
    yield handler
    app.config.update(saved)
    controller.stop()


# An invited association with its link opened: used by the respondent's and the answers' tests.
@pytest.fixture
def invited():
    """(invitation, token) for an association with one contact in an open round."""
    round = factories.make_round(slug="imvo-2010", name="Inventarisatie IMVO 2010")
    organisation = factories.make_organisation(name="Vereniging Koffie", member_count=100, mkb_member_count=80)
    contact = factories.make_contact(organisation, name="Anna", email="anna@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    token = issue_token(invitation, contact)
    db.session.commit()
    return invitation, token


@pytest.fixture
def link_client(app, invited):
    """A browser session that opened the invitation link."""
    client = app.test_client()
    invitation, token = invited
    client.get(f"/i/{token}")
    return client


@pytest.fixture
def started_client(link_client, invited):
    """The link client after starting the response."""
    invitation, _token = invited
    link_client.post(f"/respond/{invitation.id}/start")
    return link_client


#: The Redis that runs on this machine and in CI (rate limits and the job queue in production).
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A key prefix (or queue name) of this test's own in the shared Redis, removed afterwards."""
    prefix = f"imvo-test-{secrets.token_hex(6)}"
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis runs here and in CI: without it a test that needs it fails, it does not skip
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()
