"""The background job that writes a whole round's export (`jobs.runner` runs it): the
same settings and writer as a download from the page, with its progress per table."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..analysis.export_xlsx import ProgressEvent
from ..analysis.filters import FilterError
from ..extensions import db
from ..jobs.runner import JobProblem, Outcome, Progress
from ..models import Job, Round
from .exporting import EXPORT_TYPES, comparison_problem, download_name, export_settings, write


class ExportProblem(JobProblem):
    """The export cannot be made as asked (the message says why, in the owner's language)."""


def run(job: Job, target, progress: Progress) -> Outcome:
    round = db.session.get(Round, job.params["round"])
    if round is None:
        raise ExportProblem(_("The round no longer exists."))
    fmt = job.params["fmt"]
    settings = export_settings(round, MultiDict(job.params["query"]), job.language)
    tables: list[str] = []

    def told(event: ProgressEvent) -> None:
        if event.title not in tables:
            tables.append(event.title)
        counted = f" ({event.done:,}/{event.total:,})" if event.total else ""
        progress(len(tables) - (0 if event.finished else 1), 0, f"{event.title}{counted}")

    try:
        write(settings, fmt, target, job.params.get("separator", ";"), told)
    except FilterError as error:
        raise ExportProblem(comparison_problem(settings, error)) from None
    return Outcome(filename=download_name(round, settings, fmt), mimetype=EXPORT_TYPES[fmt][1])
