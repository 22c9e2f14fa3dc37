"""A round's progress report as a `Document`: the sections in their order, each built
from the data as it is now, with a progress callback between them (the build page and
the command line show it)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from ..extensions import db
from ..models import Round, utcnow
from . import figure_sections, other_sections
from .context import ReportContext
from .document import Document, Section
from .versions import STEPS

#: Told before each step: (steps done, steps in all).
Progress = Callable[[int, int], None]

#: The sections in the report's order (their steps' names are `versions.STEP_LABELS`).
SECTIONS: tuple[Callable[[ReportContext], Section], ...] = (
    figure_sections.response_section,
    figure_sections.matrix_section,
    figure_sections.benchmark_section,
    figure_sections.lagging_section,
    figure_sections.change_section,
    other_sections.complaints_section,
    other_sections.reporting_section,
    other_sections.statements_section,
    other_sections.practices_section,
    other_sections.verification_section,
    other_sections.method_section,
)


def _no_progress(_done: int, _total: int) -> None:
    return None


def build_document(round: Round, language: str, progress: Progress = _no_progress) -> Document:
    """The report of `round` in `language` ("nl" or "en"); `progress` is told before each section."""
    with force_locale(language):
        context = ReportContext(round, language, db.session.connection())
        document = Document(_("Progress report: %(round)s", round=round.name), _(
            "IMVO inventory of the Social and Economic Council (SER), round %(year)s", year=round.year),
            _("Built on %(date)s from the data of that moment; this version does not change afterwards.",
              date=format_datetime(utcnow(), "long")), language)
        for done, section in enumerate(SECTIONS):
            progress(done, STEPS)
            document.sections.append(section(context))
    return document
