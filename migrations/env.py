"""Alembic environment, run through Flask-Migrate (`imvo db ...`).

Batch mode is on (see `create_app`), so SQLite can alter tables; the project's own
column type `UTCDateTime` is written into migrations as a plain `sa.DateTime()`.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    # Keep the application's loggers (and pytest's) working.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    return target_db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Render the project's UTCDateTime as the DateTime it stores."""
    from imvo_survey.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_offline():
    """Write SQL for the configured URL without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Migrate the configured database."""

    def process_revision_directives(context, revision, directives):
        # No empty revision files from an autogenerate that found nothing.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("compare_type", True)

    with get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, "OFF")
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
        finally:
            if sqlite:
                _foreign_keys(connection, "ON")


def _foreign_keys(connection, state: str) -> None:
    """SQLite: switch foreign-key enforcement (only possible outside a transaction).

    Off while migrating: a migration that rebuilds a table (batch mode, or a table made
    anew to change its primary key) drops the old one, and with enforcement on that
    would fire the ON DELETE actions of every table referring to it: audit links
    cleared, API tokens and inventory links deleted. `_check_foreign_keys` proves
    afterwards that nothing was left dangling."""
    connection.commit()
    connection.exec_driver_sql(f"PRAGMA foreign_keys = {state}")
    connection.commit()


def _check_foreign_keys(connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    connection.commit()
    if problems:
        raise RuntimeError(f"The migration left rows whose foreign keys point nowhere: {problems[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
