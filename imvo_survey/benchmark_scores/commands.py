"""`imvo benchmark import`: benchmark scores from a CSV or XLSX file, all rows or none."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..console import counted, in_english
from ..extensions import db
from ..models import DEFAULT_SOURCE, LEVELS, BenchmarkImport, Organisation, Sector
from ..spreadsheets.reading import TableError, read_table
from .import_columns import COLUMN_LABELS
from .importer import ImportPlan, apply_import, plan_import, undo_import
from .matching import normalise, organisation_key
from .reconcile import describe


@click.group("benchmark")
def benchmark_group() -> None:
    """Benchmark scores (Transparantiebenchmark and others)."""


@benchmark_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="The benchmark year of the file.")
@click.option("--level", type=click.Choice(LEVELS), required=True, help="One row per sector or per organisation.")
@click.option("--source", default=DEFAULT_SOURCE, show_default=True, help="The benchmark's name.")
@click.option("--map", "maps", multiple=True, metavar="NAME=CODE",
              help="Map a name in the file to a sector code (or an organisation's KvK number); remembered.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be saved; save nothing.")
@with_appcontext
@in_english
def benchmark_import(file: Path, year: int, level: str, source: str, maps: tuple[str, ...], dry_run: bool) -> None:
    """Import benchmark scores from CSV or XLSX: all rows, or none."""
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        raise click.ClickException(str(error)) from None
    plan = plan_import(table, year=year, level=level, source=source, mappings=_mappings(level, maps))
    for header, code in plan.columns:
        click.echo(f"column  {header!r} read as {COLUMN_LABELS[code] if code else '(not read)'}")
    for warning in plan.warnings:
        click.echo(f"warning {describe(warning)}")
    if not plan.is_valid:
        db.session.rollback()
        _report_problems(plan)
        sys.exit(1)
    for row in plan.rows:
        click.echo(f"line {row.line}: {row.name!r} -> {_subject_name(row.match.subject)} (by {row.match.how})")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {counted(len(plan.rows), 'score')} would be imported; nothing saved.")
        return
    record = apply_import(plan, file.name, user_id=None)
    db.session.commit()
    click.echo(f"Imported {counted(record.row_count, 'score')} as import {record.id}, "
               f"with {counted(len(plan.warnings), 'warning')}.")


@benchmark_group.command("undo")
@click.argument("import_id", type=int)
@with_appcontext
@in_english
def benchmark_undo(import_id: int) -> None:
    """Undo an import: remove the scores it saved (the record stays, marked as undone)."""
    record = db.session.get(BenchmarkImport, import_id)
    if record is None or record.undone_at is not None:
        raise click.ClickException(f"There is no import {import_id} to undo.")
    removed = undo_import(record, user_id=None)
    db.session.commit()
    click.echo(f"Import {import_id} undone: {counted(removed, 'score')} removed.")


def _mappings(level: str, maps: tuple[str, ...]) -> dict[str, int]:
    """NAME=CODE options as the importer's mappings (normalised name -> subject id)."""
    mappings = {}
    for item in maps:
        name, _, target = item.partition("=")
        if level == "sector":
            subject = db.session.scalar(select(Sector).where(Sector.code == target.strip()))
            key = normalise(name)
        else:
            subject = db.session.scalar(select(Organisation).where(Organisation.kvk_number == target.strip()))
            key = organisation_key(name)
        if subject is None:
            raise click.BadParameter(f"{target!r} is not a known {level}.", param_hint="--map")
        mappings[key] = subject.id
    return mappings


def _report_problems(plan: ImportPlan) -> None:
    problems = len(plan.errors) + len(plan.unmatched) + (0 if plan.rows or plan.errors else 1)
    click.echo(f"{counted(problems, 'problem')} found; nothing was imported:", err=True)
    for error in plan.errors:
        where = f"line {error.line}" if error.line else "file"
        column = f", column {error.column}" if error.column else ""
        click.echo(f"  {where}{column}: {error.message}", err=True)
    for row in plan.unmatched:
        closest = ", ".join(_subject_name(subject) for subject in row.match.suggestions) or "none"
        click.echo(f"  line {row.line}: no {plan.level} matches {row.name!r}; closest: {closest} "
                   f"(use --map \"{row.name}=...\")", err=True)


def _subject_name(subject) -> str:
    return f"{subject.label_en} ({subject.code})" if isinstance(subject, Sector) else subject.name


#: Registered by `imvo_survey.cli`.
COMMANDS = (benchmark_group,)
