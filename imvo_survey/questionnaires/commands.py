"""`imvo questionnaire list|export|import|publish`: questionnaires as JSON or XLSForm."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..console import counted, in_english
from ..extensions import db
from ..models import Questionnaire
from ..whole_numbers import MAX_INT
from .definition import dump_json
from .services import (
    DefinitionError,
    definition_of,
    find_version,
    grouped_warnings,
    publish,
    read_import,
    reference_lists,
    store_definition,
)
from .xlsform import write_workbook


@click.group("questionnaire")
def questionnaire_group() -> None:
    """Questionnaires and their versions."""


@questionnaire_group.command("list")
@with_appcontext
def questionnaire_list() -> None:
    """Every questionnaire with its versions."""

    for questionnaire in db.session.scalars(select(Questionnaire).order_by(Questionnaire.code)):
        click.echo(f"{questionnaire.code}  ({questionnaire.audience})  {questionnaire.title_nl}")
        for version in questionnaire.versions:
            published = f"published {version.published_at:%Y-%m-%d}" if version.published_at else "draft"
            click.echo(f"  v{version.number}  {published}  {counted(len(version.questions), 'question')}")


@questionnaire_group.command("export")
@click.argument("code")
@click.option("--version", "number", type=click.IntRange(1, MAX_INT), help="Version number (default: the newest).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.xlsx (XLSForm) or FILE.json.")
@with_appcontext
def questionnaire_export(code: str, number: int | None, output: Path) -> None:
    """Write a version as an XLSForm workbook or JSON, by the file's extension."""
    version = find_version(code, number)
    if version is None:
        raise click.ClickException(f"No questionnaire {code}" + (f" with version {number}." if number else "."))
    definition = definition_of(version)
    if output.suffix.lower() == ".json":
        output.write_bytes(dump_json(definition))
    elif output.suffix.lower() == ".xlsx":
        output.write_bytes(write_workbook(definition, reference_lists()))
    else:
        raise click.ClickException("The output file must end in .xlsx or .json.")
    click.echo(f"Wrote {code} version {version.number} to {output}.")


def _where(sheet, row, column) -> str:
    """Where in a workbook a problem is, as "sheet survey, row 4, column type"."""
    parts = (f"sheet {sheet}" if sheet else "", f"row {row}" if row else "", f"column {column}" if column else "")
    return ", ".join(part for part in parts if part) or "file"


@questionnaire_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True,
              help="Import without asking when some rows cannot be used (they are listed, and left out).")
@click.option("--language", type=click.Choice(["nl", "en"]),
              help="Language of texts without one (a column label, not label::English); default: as the form's "
                   "settings say, else nl.")
@with_appcontext
@in_english
def questionnaire_import(file: Path, yes: bool, language: str | None) -> None:
    """Import a workbook (.xlsx, .xlsm, .xls) or JSON as a new draft version (or a new
    questionnaire). Rows the survey cannot use are listed first, each with what happens
    to it; the import asks before it goes ahead without them (or not, with --yes)."""
    reading = read_import(file.read_bytes(), file.name, language)
    errors = reading.errors
    if reading.definition is not None and not errors:
        if reading.left_out and not _confirmed(reading.left_out, yes):
            click.echo("Nothing was imported.", err=True)
            sys.exit(1)
        try:
            version = store_definition(reading.definition)
        except DefinitionError as error:
            db.session.rollback()
            errors = [("", "", problem.code or "", problem.message) for problem in error.problems]
        else:
            db.session.commit()
            click.echo(f"Imported as draft version {version.number} of {version.questionnaire.code}.")
            for sheet, rows, column, message in grouped_warnings(reading.warnings):
                rows_text = ", ".join(str(row) for row in rows)
                click.echo(f"  ignored ({_where(sheet, rows_text, column)}): {message}", err=True)
            return
    click.echo(f"{counted(len(errors), 'problem')} found; nothing was imported:", err=True)
    for sheet, row, column, message in errors:
        click.echo(f"  {_where(sheet, row, column)}: {message}", err=True)
    sys.exit(1)


def _confirmed(left_out: list[tuple], yes: bool) -> bool:
    """List what the survey cannot use (as the web page's preview does), then ask,
    unless --yes was given. No answer (no terminal) is no."""
    click.echo(f"{counted(len(left_out), 'row or cell', 'rows or cells')} the survey cannot use as written:", err=True)
    for sheet, row, name, message in left_out:
        named = f", name {name}" if name else ""
        click.echo(f"  {_where(sheet, row, None)}{named}: {message}", err=True)
    if yes:
        return True
    try:
        return click.confirm("Import without them?", default=False, err=True)
    except click.Abort:
        return False


@questionnaire_group.command("publish")
@click.argument("code")
@click.option("--version", "number", type=click.IntRange(1, MAX_INT), help="Version number (default: the newest).")
@with_appcontext
@in_english
def questionnaire_publish(code: str, number: int | None) -> None:
    """Publish a draft version after the same checks as the web page, so that a scripted
    set-up (import, publish, create a round) needs no browser."""
    version = find_version(code, number)
    if version is None:
        raise click.ClickException(f"No questionnaire {code}" + (f" with version {number}." if number else "."))
    if version.is_published:
        click.echo(f"Version {version.number} of {code} is already published.")
        return
    try:
        publish(version, None)
    except DefinitionError as error:
        db.session.rollback()
        click.echo(f"{counted(len(error.problems), 'problem')} found; version {version.number} of {code} stays a "
                   "draft:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Published version {version.number} of {code}.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (questionnaire_group,)
