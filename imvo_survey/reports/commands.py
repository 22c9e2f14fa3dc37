"""`imvo report build`: build a version of a round's progress report and write its PDF.

    imvo report build imvo-2010 -o voortgangsrapportage-2010.pdf
    imvo report build imvo-2010 --language en -o progress-report-2010.pdf

The version is kept as one built on the web page is (it shows in the round's list of
versions); the command prints each step as it starts.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..console import in_english
from ..extensions import db
from ..rounds.services import find_round
from .versions import pdf_bytes, start, step_label


@click.group("report")
def report_group() -> None:
    """Progress reports of a round."""


@report_group.command("build")
@click.argument("round_id", metavar="ROUND")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="The report's language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="Where to write the PDF.")
@with_appcontext
@in_english
def report_build(round_id: str, language: str, output: Path) -> None:
    """Build a new version of ROUND's (id or short name) progress report and write its PDF."""
    round = find_round(round_id) if len(round_id) <= 80 else None
    if round is None:
        raise click.ClickException(f"No round {round_id}.")
    report = start(round, language, None)
    db.session.commit()
    # matplotlib and WeasyPrint load when a report is built, not with every command.
    from .building import build  # noqa: PLC0415

    click.echo(f"Building version {report.id} of the {language} report of round {round.slug}:")

    def progress(done: int, total: int) -> None:
        if done < total:
            click.echo(f"  [{done + 1}/{total}] {step_label(done)}")

    try:
        report = build(report.id, progress)
    except Exception as error:
        raise click.ClickException(f"The report could not be built: {error}") from None
    output.write_bytes(pdf_bytes(report))
    click.echo(f"Wrote version {report.id} of the {language} report of round {round.slug} to {output} "
               f"({report.pdf_size:,} bytes, SHA-256 {report.pdf_sha256}).")


#: Registered by `imvo_survey.cli`.
COMMANDS = (report_group,)
