"""`imvo org import`: the register of organisations from a CSV or XLSX file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..console import counted, in_english
from ..extensions import db
from ..spreadsheets.reading import TableError, read_table
from .importer import apply_import, plan_import


@click.group("org")
def org_group() -> None:
    """The register of organisations."""


@org_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; save nothing.")
@with_appcontext
@in_english
def org_import(file: Path, dry_run: bool) -> None:
    """Import organisations and contacts from CSV or XLSX: all rows, or none."""
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        raise click.ClickException(str(error)) from None
    plan = plan_import(table)
    if not plan.is_valid:
        db.session.rollback()
        click.echo(f"{counted(len(plan.errors), 'problem')} found; nothing was imported:", err=True)
        for error in plan.errors:
            where = f"line {error.line}" if error.line else "file"
            column = f", column {error.column}" if error.column else ""
            click.echo(f"  {where}{column}: {error.message}", err=True)
        sys.exit(1)
    for item in plan.to_create:
        click.echo(f"create  {item.name}")
    for item in plan.to_update:
        click.echo(f"update  {item.existing.name} (id {item.existing.id})")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(plan.to_create)} would be created, {len(plan.to_update)} updated, "
                   f"{plan.contact_count} contacts; nothing saved.")
        return
    result = apply_import(plan)
    db.session.commit()
    click.echo(f"Imported: {result.created} created, {result.updated} updated, "
               f"{counted(result.contacts, 'contact')}.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (org_group,)
