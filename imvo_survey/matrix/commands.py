"""`imvo matrix export`: the coverage matrix and everything behind it, to a file.

    imvo matrix export imvo-2010 --format xlsx -o matrix.xlsx --filter sector=voedsel_drank
    imvo matrix export imvo-2011 --format csv -o matrix.zip --measure change --panel
    imvo matrix export imvo-2011 -o change.xlsx --measure change --change-of members

Thin: it reads the options into `ExportOptions`, lets the analysis package build the
tables, and writes them with the chosen writer, reporting progress on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..analysis.export_formats import write_export
from ..analysis.export_tables import ExportOptions
from ..analysis.filters import (
    CHANGE_OF,
    COLUMNS,
    DEFAULT_THRESHOLD,
    LAGGING_MEASURES,
    MEASURES,
    ROWS,
    FilterError,
    Filters,
)
from ..extensions import db
from ..risk.services import relevance_options

FORMATS = ("xlsx", "csv", "json", "sav")
#: --filter keys that set the matrix's layout rather than a filter.
LAYOUT_KEYS = ("rows", "columns", "threshold", "lagging_measure", "change_of")


@click.group("matrix")
def matrix_group() -> None:
    """The coverage matrix."""


def _parse_filters(round_ref: str, items: tuple[str, ...]) -> tuple[Filters, dict[str, str]]:
    """Filters.from_params over the KEY=VALUE pairs; layout keys are returned apart."""
    params: dict[str, str] = {}
    layout: dict[str, str] = {}
    for item in items:
        key, separator, value = item.partition("=")
        key = key.strip()
        if not separator or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE.", param_hint="--filter")
        if key == "round":
            raise click.BadParameter("Give the round as the ROUND argument.", param_hint="--filter")
        (layout if key in LAYOUT_KEYS else params)[key] = value.strip()
    params["round"] = round_ref
    return Filters.from_params(params), layout


class StderrProgress:
    """A line per table on stderr; on a terminal the line counts up while it is written."""

    def __init__(self):
        self.live = sys.stderr.isatty()

    def __call__(self, event) -> None:
        total = f" of {event.total:,}" if event.total is not None else ""
        line = f"{event.title}: {event.done:,}{total} rows"
        if event.finished:
            if event.note:
                line += f" - {event.note}"
            click.echo(("\r" if self.live else "") + line, err=True)
        elif self.live:
            click.echo("\r" + line, err=True, nl=False)


def _options(round_ref, filter_items, measure, rows, columns, threshold, lagging_measure, compare, panel,
             language, change_of=None, sort=None):

    filters, layout = _parse_filters(round_ref, filter_items)
    rows = rows or layout.get("rows", "sector")
    columns = columns or layout.get("columns", "aspect")
    lagging_measure = lagging_measure or layout.get("lagging_measure", "share")
    change_of = change_of or layout.get("change_of", "share")
    if (rows not in ROWS or columns not in COLUMNS or lagging_measure not in LAGGING_MEASURES
            or change_of not in CHANGE_OF):
        raise click.BadParameter(f"rows is one of {', '.join(ROWS)}, columns one of {', '.join(COLUMNS)}, "
                                 "lagging_measure and change_of share or members.", param_hint="--filter")
    try:
        threshold = threshold if threshold is not None else float(layout.get("threshold", DEFAULT_THRESHOLD))
    except ValueError:
        raise click.BadParameter("threshold is a number, such as 25.", param_hint="--filter") from None
    return ExportOptions(filters, measure=measure, rows=rows, columns=columns, threshold=threshold,
                         lagging_measure=lagging_measure, compare=compare, panel=panel, language=language,
                         change_of=change_of, **relevance_options(sort))


@matrix_group.command("export")
@click.argument("round_ref", metavar="ROUND")
@click.option("--format", "file_format", type=click.Choice(FORMATS),
              help="xlsx (every sheet), csv (a ZIP of CSV files with datapackage.json), json (the matrix) "
                   "or sav (SPSS: the long activity table). Default: from the file name, else xlsx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write.")
@click.option("--filter", "filter_items", multiple=True, metavar="KEY=VALUE",
              help=f"A filter: {', '.join(k for k in Filters.KEYS if k != 'round')}; also rows, columns, "
                   "threshold, lagging_measure and change_of. Repeat for several.")
@click.option("--measure", type=click.Choice(MEASURES), default="share", show_default=True)
@click.option("--compare", metavar="ROUND", help="Compare with this round (default: the baseline).")
@click.option("--panel", is_flag=True, help="Only organisations that responded in both rounds.")
@click.option("--change-of", type=click.Choice(CHANGE_OF),
              help="The change since the comparison round is that of the share of organisations (default) "
                   "or of the member coverage; percentage points either way.")
@click.option("--rows", type=click.Choice(ROWS), help="Rows of the matrix (default: sector).")
@click.option("--columns", type=click.Choice(COLUMNS), help="Columns of the matrix (default: aspect).")
@click.option("--threshold", type=float, help="Lagging below this percentage (default: 25).")
@click.option("--lagging-measure", type=click.Choice(LAGGING_MEASURES), help="Lagging by (default: share).")
@click.option("--sort", type=click.Choice(["gap"]),
              help="gap: the rows with the largest gap (relevance x (1 - coverage)) first.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of headers and labels.")
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True,
              help="CSV: ';' with decimal commas (Dutch Excel) or ',' with decimal points.")
@with_appcontext
def matrix_export(round_ref, file_format, output, filter_items, measure, compare, panel, change_of, rows, columns,
                  threshold, lagging_measure, sort, language, separator) -> None:
    """Export the coverage matrix of ROUND (id or slug) and the inventory behind it."""

    suffix = output.suffix.lstrip(".").lower()
    file_format = file_format or (suffix if suffix in FORMATS else "xlsx")
    try:
        options = _options(round_ref, filter_items, measure, rows, columns, threshold, lagging_measure,
                           compare, panel, language, change_of, sort)
        counts = write_export(db.session.connection(), options, file_format, output, progress=StderrProgress(),
                              separator=separator)
    except FilterError as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.session.rollback()  # read only: end the transaction the export read in
    total = sum(counts.values())
    click.echo(f"Wrote {output} ({file_format}, {len(counts)} table{'s' if len(counts) != 1 else ''}, "
               f"{total:,} rows).")


#: Registered by `imvo_survey.cli`.
COMMANDS = (matrix_group,)
