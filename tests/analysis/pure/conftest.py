"""The analysis core on frames built in the test: no app, no database.

The package's autouse `app_context` fixture opens an app (and so the test database)
for every test; here it is replaced by one that does nothing, so that a test that
reached for the database would fail rather than quietly use it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def app_context():
    """No app context: these tests must run on pandas alone."""
    yield
