"""Fixtures for backup tests: a second, empty database of the same kind as the test
database (a SQLite file, or a PostgreSQL schema made and dropped here), an app on it,
and a backup of the test database's current contents."""

from __future__ import annotations

import pytest

from imvo_survey import create_app
from imvo_survey.extensions import db

from ..conftest import fresh_database


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the test database's kind, dropped afterwards."""
    with fresh_database(tmp_path, "restore") as url:
        yield url


@pytest.fixture
def scratch_app(scratch_url, tmp_path):
    """The application on the empty database."""
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url, INSTANCE_PATH=str(tmp_path / "i"))
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def restore_into(scratch_app):
    """Run `imvo restore FILE` against the empty database; returns the CLI result."""

    def run(path):
        # The command runs in the current app context when there is one (the test
        # database's): push the empty database's own.
        with scratch_app.app_context():
            return scratch_app.test_cli_runner().invoke(args=["restore", str(path)])

    return run
