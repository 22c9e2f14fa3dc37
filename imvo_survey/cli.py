"""The `imvo` command: a Flask CLI group, so every command runs inside the app.

Each feature keeps its commands in its own `commands.py` (a tuple `COMMANDS`), listed
below as blueprints are listed in `create_app`. Commands are thin: they parse arguments,
call a service, commit once and print. Flask-Migrate adds `imvo db upgrade` and
`imvo db check`; the project replaces that check with its own (`schema_check.py`).
"""

from __future__ import annotations

from importlib import import_module

import click
from flask.cli import FlaskGroup
from flask_migrate.cli import db as migrate_group

from .i18n.commands import i18n_group
from .schema_check import check_command

#: The packages whose `commands.py` adds commands to `imvo`, in the order of `imvo --help`.
COMMAND_MODULES = ("seed", "users", "organisations", "benchmark_scores", "questionnaires", "rounds", "mail",
                   "matrix", "risk", "verification", "reports", "jobs", "backup", "privacy")


def _create_app():
    from . import create_app  # noqa: PLC0415  (the package imports this module: the factory exists once it has loaded)

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="IMVO inventory platform: database, reference data, accounts and imports.")
def main() -> None:
    """Entry point of the `imvo` console script."""


# The catalogues are compiled before the app can serve (`make run`), so these commands
# hang on the entry point itself rather than on the app's CLI.
main.add_command(i18n_group)


def _scratch_app(**overrides):
    from . import create_app  # noqa: PLC0415  (as in _create_app)

    return create_app("testing", **overrides)


def register(app) -> None:
    """Add every feature's command groups to the app's CLI, and Flask-Migrate's `db` group
    with the project's own `check`."""
    app.cli.add_command(click.Group(
        "db", commands={**migrate_group.commands, "check": check_command(_scratch_app)},
        callback=migrate_group.callback, params=migrate_group.params, help=migrate_group.help))
    for package in COMMAND_MODULES:
        for command in import_module(f"{__package__}.{package}.commands").COMMANDS:
            app.cli.add_command(command)
