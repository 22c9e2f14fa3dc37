"""`imvo risk`: import and export the risk entries and the import shares, and show the
relevance of a sector or branch.

    imvo risk import risks.xlsx [--dry-run]
    imvo risk import shares.csv --shares
    imvo risk export -o risks.xlsx [--shares]
    imvo risk show voedsel_drank [--branch]
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..console import counted, in_english
from ..extensions import db
from ..spreadsheets.reading import TableError, read_table
from ..spreadsheets.writing import csv_bytes, xlsx_bytes
from .importing import apply_entries, apply_shares, plan_entries, plan_shares
from .sector import subject_risks
from .services import entry_table, share_table


@click.group("risk")
def risk_group() -> None:
    """The risk analysis: risk entries, import shares and relevance."""


@risk_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shares", is_flag=True, help="The file holds import shares, not risk entries.")
@click.option("--dry-run", is_flag=True, help="Check every row; save nothing.")
@with_appcontext
@in_english
def risk_import(file: Path, shares: bool, dry_run: bool) -> None:
    """Import risk entries (or import shares) from CSV or XLSX: all rows, or none."""
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        raise click.ClickException(str(error)) from None
    plan = plan_shares(table) if shares else plan_entries(table)
    if not plan.is_valid:
        db.session.rollback()
        click.echo(f"{counted(len(plan.problems), 'problem')} found; nothing was imported:", err=True)
        for problem in plan.problems:
            where = f"line {problem.line}" if problem.line else "file"
            column = f", column {problem.column}" if problem.column else ""
            click.echo(f"  {where}{column}: {problem.message}", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {counted(len(plan.rows), 'row')} valid; nothing saved.")
        return
    if shares:
        click.echo(f"Imported {counted(apply_shares(plan), 'import share')}.")
    else:
        created, updated = apply_entries(plan)
        click.echo(f"Imported risk entries: {created} added, {updated} changed.")
    db.session.commit()


@risk_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: .csv or .xlsx.")
@click.option("--shares", is_flag=True, help="Export the import shares, not the risk entries.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@with_appcontext
def risk_export(output: Path, shares: bool, language: str) -> None:
    """Export the risk entries (or import shares) in the import's format."""
    headers, rows = share_table(language) if shares else entry_table(language)
    name = "importaandelen" if shares else "risicos"
    data = csv_bytes(headers, rows) if output.suffix.lower() == ".csv" else xlsx_bytes([(name, headers, rows)])
    output.write_bytes(data)
    db.session.rollback()
    click.echo(f"Wrote {output} ({counted(len(rows), 'row')}).")


@risk_group.command("show")
@click.argument("code")
@click.option("--branch", is_flag=True, help="CODE is a branch, not a sector.")
@with_appcontext
@in_english
def risk_show(code: str, branch: bool) -> None:
    """The relevance of each aspect in a sector (or branch), the biggest gap first."""
    risks = subject_risks("branch" if branch else "sector", code)
    db.session.rollback()
    if not risks.assessed:
        click.echo("No risk analysis yet: every aspect counts as relevant.")
    click.echo(f"Coverage from: {risks.round.slug if risks.round else 'no round with submitted responses'}")
    for aspect in risks.aspects:
        coverage = f"{aspect.coverage:.0f} %" if aspect.coverage is not None else "-"
        gap = f"{aspect.gap:.2f}" if aspect.gap is not None else "-"
        marks = " lagging" if aspect.lagging else ("" if aspect.relevant else " not relevant")
        hand = " (set by hand)" if aspect.manual else ""
        click.echo(f"{aspect.code:24} relevance {aspect.relevance:.2f}{hand}  coverage {coverage:>5}  gap {gap}{marks}")
        for chain in aspect.chains:
            click.echo(f"    {chain.product_group} from {chain.country}, {chain.share:.0%} of the imports, "
                       f"{chain.level}")


#: Registered by `imvo_survey.cli`.
COMMANDS = (risk_group,)
