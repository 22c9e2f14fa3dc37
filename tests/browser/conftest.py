"""A real headless Chromium (Debian's, driven by Playwright) against the app served
from a thread on loopback, with CSRF on as in production."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from imvo_survey.extensions import db

from ..conftest import _test_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def live_app(database_url, instance_dir, app):
    """A second app on the same database, with CSRF protection switched on."""
    application = _test_app(database_url, instance_dir, WTF_CSRF_ENABLED=True)
    yield application
    with application.app_context():
        db.engine.dispose()


def _whole_bodies(app):
    """The app, answering each request with its body read in full (and the response
    closed) before a byte goes out. Werkzeug's server leaves a static file open when the
    browser drops the connection halfway (it does when a page moves on while a script
    still loads), and the unclosed file then fails whatever test runs next."""

    def application(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return application


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served by werkzeug in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, _whole_bodies(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test session. Fails loudly (never skips) when it cannot start."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (cookies, storage) per test."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x)" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]
