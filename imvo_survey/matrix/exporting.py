"""The matrix's downloads: an export's settings from the page's parameters, its file
name, and writing it. A filtered matrix is written within the request; a whole round's
export is a background job (`start_export`, done by `export_job.run`), so that no
request waits for it and no worker of the web server is held."""

from __future__ import annotations

from flask_babel import gettext as _

from ..analysis import queries
from ..analysis.export_formats import write_export
from ..analysis.export_tables import ExportOptions
from ..analysis.filters import FilterError
from ..extensions import db
from ..jobs.starting import start_job
from ..models import Job, Round, User
from ..spreadsheets.writing import XLSX_MIMETYPE
from .options import read_options

#: Format -> (file extension, media type).
EXPORT_TYPES = {"xlsx": ("xlsx", XLSX_MIMETYPE), "csv": ("zip", "application/zip"),
                "json": ("json", "application/json"), "sav": ("sav", "application/x-spss-sav")}
#: Format -> its name on the page.
EXPORT_NAMES = {"xlsx": "Excel", "csv": "CSV (zip)", "json": "JSON", "sav": "SPSS"}


def export_settings(round: Round, args, language: str) -> ExportOptions:
    """What to export, from the matrix page's parameters (`args`)."""
    form, filters, options, _problems = read_options(round, args)
    return ExportOptions(filters, measure=form.measure.data or "share", compare=form.compare.data or None,
                         panel=bool(form.panel.data), language=language, change_of=form.change_of.data or "share",
                         **options)


def download_name(round: Round, settings: ExportOptions, fmt: str) -> str:
    return f"imvo-{round.slug}-{settings.measure}.{EXPORT_TYPES[fmt][0]}"


def write(settings: ExportOptions, fmt: str, path, separator: str = ";", progress=None) -> None:
    write_export(db.session.connection(), settings, fmt, path, separator=separator, progress=progress)


def compares(settings: ExportOptions) -> bool:
    """Whether the export compares the round with another."""
    return bool(settings.measure == "change" or settings.compare or settings.panel)


def no_comparison_message() -> str:
    return _("There is no round to compare with: choose one, or mark a round as the baseline.")


def comparison_problem(settings: ExportOptions, error: FilterError) -> str:
    """What to say when an export cannot be made: for a comparison without a round to
    compare with, how to get one."""
    return no_comparison_message() if compares(settings) else str(error)


def no_comparison(round: Round, settings: ExportOptions) -> bool:
    """Whether the export compares with a round and there is none (said before any work starts)."""
    if not compares(settings) or settings.compare:
        return False
    conn = db.session.connection()
    return queries.baseline_of(conn, queries.round_info(conn, round.id)) is None


def start_export(round: Round, fmt: str, query: dict[str, str], separator: str, user: User | None) -> Job:
    """A background job writing the whole round's export (committed and queued)."""
    return start_job("export", user, _("%(format)s export of %(round)s", format=EXPORT_NAMES[fmt], round=round.name),
                     {"round": round.id, "fmt": fmt, "query": query, "separator": separator})
