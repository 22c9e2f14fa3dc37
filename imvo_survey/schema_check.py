"""`imvo db check`: whether the models and the migrations declare the same schema.

Flask-Migrate's own check compares the models with the configured database, so it fails
("Target database is not up to date") on a fresh checkout or any database not yet
upgraded, which says nothing about the models and the migrations. This check builds an
empty scratch database by the migrations and compares that with the models; the
configured database is compared as well when it is at the newest revision (production's
PostgreSQL, say), and otherwise only said to be behind.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import click
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db


def differences(engine) -> list:
    """What autogenerate would write to bring the database at `engine` to the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def revisions(engine) -> tuple[set[str], set[str]]:
    """(the database's current revisions, the migrations' heads)."""
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, set(script.get_heads())


def scratch_differences(make_app: Callable) -> list:
    """The differences of an empty SQLite database upgraded to head by the migrations;
    `make_app(**overrides)` builds the app that runs them."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'check.db'}", INSTANCE_PATH=folder)
        with scratch.app_context():
            upgrade()
            try:
                return differences(db.engine)
            finally:
                db.engine.dispose()


def check_command(make_app: Callable) -> click.Command:
    """The `check` command of `imvo db`, building its scratch app with `make_app`."""

    @click.command("check")
    @with_appcontext
    def check() -> None:
        """Fail when the models and the migrations differ (checked on a scratch database)."""
        found = scratch_differences(make_app)
        current, heads = revisions(db.engine)
        if not found and current == heads:
            found = differences(db.engine)
        for difference in found:
            click.echo(f"Differs: {difference}", err=True)
        if found:
            raise click.ClickException("The models and the migrations differ: add a migration "
                                       "(`imvo db migrate -m '...'`) and check it.")
        click.echo("The migrations build exactly the schema the models declare.")
        if current != heads:
            click.echo(f"Note: the configured database is at {', '.join(sorted(current)) or 'no revision'}, "
                       f"not at {', '.join(sorted(heads))}; `imvo db upgrade` brings it up to date.")

    return check
