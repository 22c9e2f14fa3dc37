"""The `imvo backup` and `imvo restore` commands (registered by `imvo_survey.cli`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..extensions import db
from . import BackupError, archive_tables, create_backup, restore
from .rows import differences


def _print_tables(tables: dict[str, dict]) -> None:
    """One line per table: name, rows, checksum (for comparing by eye or with diff)."""
    for name in sorted(tables):
        click.echo(f"{name:<32} {tables[name]['rows']:>10}  {tables[name]['checksum']}")


def _summary(tables: dict[str, dict]) -> str:
    return f"{len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--verify", is_flag=True,
              help="Read the written file back, compare every table with the manifest and print the row "
                   "counts and checksums.")
@with_appcontext
def backup_command(file: Path, verify: bool) -> None:
    """Write a consistent copy of the database to FILE, while it stays in use."""
    try:
        manifest = create_backup(db.engine, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup of the {manifest['database']} database (revision {manifest['revision']}) written to "
               f"{file}: {_summary(manifest['tables'])}.")
    if verify:
        found = archive_tables(file, manifest)
        _print_tables(found)
        problems = differences(manifest["tables"], found)
        if problems:
            raise click.ClickException("The file does not match its manifest: " + "; ".join(problems))
        click.echo("Verified: every table in the file matches the manifest.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore a backup made by `imvo backup` into this database, which must be empty."""
    try:
        manifest, found = restore(db.engine, file, upgrade=lambda revision: upgrade(revision=revision))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    _print_tables(found)
    click.echo(f"Restored {file}: {_summary(found)}; every table matches the backup's manifest. The schema is at "
               f"revision {manifest['revision']}: run `imvo db upgrade` when this version of the application "
               "is newer than the backup.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (backup_command, restore_command)
