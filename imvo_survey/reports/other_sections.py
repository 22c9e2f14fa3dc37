"""The report's sections beyond the matrix: complaint mechanisms, reporting, dilemmas
and bottlenecks by aspect, good practices, verification results, and the method. The
figures come from `analysis.report` (complaints, reporting, statements) and
`analysis.verification` (the Wilson intervals), labelled here in the report's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..analysis import report as summaries
from ..analysis.measures import FIGURES
from ..analysis.suppression import DEFAULT_MINIMUM
from ..analysis.verification import MIN_CHECKED, round_results
from ..answers.services import layout_of
from ..benchmark_scores.reconcile import describe
from ..extensions import db
from ..figures import figure_name, figure_number
from ..i18n import code_label
from ..models import Aspect, BenchmarkImport, ReportingChannel, RiskEntry, Sector
from ..practices.public import round_practices
from .context import ReportContext
from .document import Cell, Definitions, Item, ItemList, Paragraph, Section, Table


def _count(value: int) -> Cell:
    return Cell(figure_number("organisations", value), numeric=True)


def _keyed(key: str, value) -> Cell:
    """A count with its key (the tests read it back); "-" for no figure."""
    return Cell(figure_number("activities", value), numeric=True, key=key)


def _share(part: int, whole: int) -> Cell:
    return Cell(figure_number("share", 100 * part / whole) + "\u00a0%" if whole else "\u2013", numeric=True)


def _choice_labels(context: ReportContext, code: str) -> dict[str, str]:
    """A choice question's choices as labelled in the round's questionnaires."""
    labels: dict[str, str] = {}
    for version in (context.round.association_version, context.round.company_version):
        question = layout_of(version).questions.get(code) if version is not None else None
        for choice in (question or {}).get("choices", ()):
            labels.setdefault(choice["code"], choice["label"].get(context.language) or choice["label"].get("nl"))
    return labels


def complaints_section(context: ReportContext) -> Section:
    """How many responding organisations have a complaint mechanism, of which kind, and
    the complaints they received and handled."""
    responding = int(context.by_aspect.rows.at["_total", "responded"])
    answers = summaries.load_answers(context.conn, context.round.id, summaries.COMPLAINT_CODES)
    summary = summaries.complaint_summary(answers, responding)
    section = Section("complaints", _("Complaint mechanisms"))
    section.blocks.append(Paragraph(_(
        "%(yes)s of the %(answered)s responding organisations that answered the question have a complaint "
        "mechanism for their activities abroad (%(responding)s organisations responded).",
        yes=summary.with_mechanism, answered=summary.answered, responding=responding)))
    labels = _choice_labels(context, "complaint_mechanism_type")
    rows = [[Cell(labels.get(code, code)), _keyed(f"complaint_type|{code}", count),
             _share(count, summary.with_mechanism)]
            for code, count in summary.by_type.items()]
    section.blocks.append(Table(_("Kind of complaint mechanism"), [_("Kind"), _("Organisations"),
                                                                    _("Share of those with one")], rows))
    rows = [[Cell(_("Organisations with a complaint mechanism")), _keyed("complaints|with_mechanism",
                                                                         summary.with_mechanism)],
            [Cell(_("Organisations that answered the question")), _keyed("complaints|answered", summary.answered)],
            [Cell(_("Organisations that gave the number of complaints")),
             _keyed("complaints|reporting", summary.reporting_figures)],
            [Cell(_("Complaints received")), _keyed("complaints|received", summary.received)],
            [Cell(_("Complaints handled")), _keyed("complaints|handled", summary.handled)]]
    section.blocks.append(Table(_("Complaint mechanisms and complaints"), [_("Figure"), _("Number")], rows, _(
        "Complaints received and handled are summed over the organisations that gave the figure.")))
    return section


def reporting_section(context: ReportContext) -> Section:
    """RJ400, sector reports and the channels organisations report through."""
    responding = int(context.by_aspect.rows.at["_total", "responded"])
    answers = summaries.load_answers(context.conn, context.round.id, summaries.REPORTING_CODES)
    channels = summaries.load_activity_channels(context.conn, context.round.id)
    summary = summaries.reporting_summary(answers, channels, responding)
    section = Section("reporting", _("Reporting"))
    questions = {"sector_report_published": _("Publishes a sector report (associations)"),
                 "rj400_recommended": _("Recommends RJ400 to its members (associations)"),
                 "rj400_used": _("Reports in line with RJ400 (companies)")}
    rows = [[Cell(questions[code]), _keyed(f"reporting|{code}|yes", yes), _keyed(f"reporting|{code}|answered",
                                                                                  answered), _share(yes, answered)]
            for code, (yes, answered) in summary.yes_no.items()]
    section.blocks.append(Table(_("Reporting"), [_("Question"), _("Yes"), _("Answered"), _("Share yes")], rows))
    names = {item.code: context.label(item) for item in db.session.scalars(select(ReportingChannel))}
    rows = [[Cell(names.get(code, code)), _keyed(f"channel|{code}", count), _share(count, responding)]
            for code, count in summary.channels.items()]
    section.blocks.append(Table(_("Reporting channels"), [_("Channel"), _("Organisations"),
                                                          _("Share of the responding")], rows, _(
        "An organisation counts for a channel when it names it in the reporting questions or for one of its "
        "activities.")))
    return section


def statements_section(context: ReportContext) -> Section:
    """Dilemmas and bottlenecks grouped by aspect; named only where consented."""
    section = Section("statements", _("Dilemmas and bottlenecks"))
    aspects = list(db.session.scalars(select(Aspect).order_by(Aspect.position)))
    sectors = {item.code: context.label(item) for item in db.session.scalars(select(Sector))}
    grouped = summaries.statements_by_aspect(summaries.load_statements(context.conn, context.round.id),
                                             [aspect.code for aspect in aspects])
    if not grouped:
        section.blocks.append(Paragraph(_("No responding organisation named a dilemma or bottleneck.")))
        return section
    section.blocks.append(Paragraph(_(
        "As the organisations wrote them. An organisation is named only where it consented to publication of "
        "its name; otherwise only its sector is given.")))
    headings = {aspect.code: context.label(aspect) for aspect in aspects}
    for code, statements in grouped.items():
        items = [Item(statement.text, _meta(statement, sectors),
                      _("What would help: %(text)s", text=statement.help) if statement.help else "")
                 for statement in statements]
        section.blocks.append(ItemList(headings.get(code, _("No aspect named")), items))
    return section


def _meta(statement: summaries.Statement, sectors: dict[str, str]) -> str:
    kind = _("Dilemma") if statement.kind == "dilemma" else _("Bottleneck")
    who = statement.organisation or _("an organisation in %(sector)s",
                                      sector=sectors.get(statement.sector, _("no sector")))
    return f"{kind} \u2013 {who}"


def practices_section(context: ReportContext) -> Section:
    """The round's good practices as the public page shows them."""
    section = Section("practices", _("Good practices"))
    practices = round_practices(context.round.id, context.language)
    if not practices:
        section.blocks.append(Paragraph(_("No good practice of this round has been published.")))
        return section
    items = [Item(practice.text, " \u2013 ".join(part for part in (
        practice.organisation or "", practice.sector or "", ", ".join(practice.aspects)) if part))
             for practice in practices]
    section.blocks.append(ItemList(_("Published good practices"), items))
    return section


def verification_section(context: ReportContext) -> Section:
    """Per sample of the round: the share of checked activities confirmed, with its
    95 % interval, in all and per sector where the sample allows."""
    section = Section("verification", _("Verification"))
    samples = round_results(db.session.connection(), context.round.id, context.language, _("No sector"))
    if not samples:
        section.blocks.append(Paragraph(_("No verification sample was drawn in this round.")))
        return section
    section.blocks.append(Paragraph(_(
        "A checked activity counts as confirmed only when it was confirmed in full; not verifiable activities are "
        "left out of the share. The interval is Wilson's 95 %% interval, given where at least %(minimum)s "
        "activities were checked.", minimum=MIN_CHECKED)))
    for sample in samples:
        table_rows = [_result_row(row.label or _("Whole sample"), row) for row in [*sample.sectors, sample.total]]
        section.blocks.append(Table(
            _("Sample %(id)s, drawn %(date)s (%(method)s, seed %(seed)s, %(size)s of %(population)s responses)",
              id=sample.id, date=format_datetime(sample.drawn_at, "short"), method=code_label(sample.method, "sample_method"),
              seed=sample.seed, size=sample.size, population=sample.population),
            [_("Sector"), _("Checked"), _("Confirmed"), _("Partly"), _("Not confirmed"), _("Not verifiable"),
             _("Confirmed (%)"), _("95 % interval")], table_rows))
    return section


def _result_row(label: str, row) -> list[Cell]:
    interval = row.interval
    return [Cell(label), _count(row.verifiable), _count(row.confirmed), _count(row.partly),
            _count(row.not_confirmed), _count(row.not_verifiable),
            Cell(figure_number("share", 100 * row.share) if row.share is not None else "\u2013", numeric=True),
            Cell(f"{figure_number('share', 100 * interval[0])}\u2013{figure_number('share', 100 * interval[1])}"
                 if interval else _("too few checked"), numeric=True)]


def method_section(context: ReportContext) -> Section:
    """Definitions, filters, thresholds and the data sources with their warnings."""
    section = Section("method", _("Method"))
    language = 1 if context.language == "en" else 0
    codes = ("targeted", "responded", "declined", "response_rate", "share", "relevance", "gap", "change",
             "benchmark_total", "benchmark_chain", "benchmark_companies")
    section.blocks.append(Definitions(_("Definitions"), [(figure_name(code), FIGURES[code].description[language])
                                                         for code in codes]))
    matrix = context.by_aspect
    section.blocks.append(Definitions(_("Filters and thresholds"), [
        (_("Responses"), _("Every responded response of the round, of associations, boards and companies.")),
        (_("Activities"), _("Every activity, at the lowest evidence level (stated): not only documented or "
                            "verified ones.")),
        (_("Lagging"), _("A relevant aspect with a share under %(threshold)s %%.",
                         threshold=figure_number("share", matrix.threshold))),
        (_("Relevant"), _("Relevance above %(threshold)s.",
                          threshold=figure_number("relevance", matrix.relevance_threshold))),
        (_("Confidence intervals"), _("Wilson's 95 %% interval, where at least %(minimum)s activities were "
                                      "checked.", minimum=MIN_CHECKED)),
        (_("Public figures"), _("Cells based on fewer than %(minimum)s organisations are suppressed on the "
                                "public page.", minimum=current_app.config.get("PUBLIC_FIGURES_MINIMUM",
                                                                               DEFAULT_MINIMUM))),
    ]))
    section.blocks.append(_sources(context))
    return section


def _sources(context: ReportContext) -> Definitions:
    """Where the figures come from, with the benchmark imports' reconciliation warnings."""
    pairs = [(_("Questionnaires"), ", ".join(
        f"{version.questionnaire.title(context.language)} ({_('version')} {version.number})"
        for version in (context.round.association_version, context.round.company_version) if version is not None))]
    imports = db.session.scalars(select(BenchmarkImport).where(
        BenchmarkImport.year <= context.round.year, BenchmarkImport.undone_at.is_(None))
        .order_by(BenchmarkImport.year.desc(), BenchmarkImport.id))
    for item in imports:
        text = _("%(source)s %(year)s, %(rows)s rows from %(file)s, imported %(date)s.", source=item.source,
                 year=item.year, rows=item.row_count, file=item.filename, date=format_datetime(item.created_at, "short"))
        if item.warnings:
            text += " " + _("Warnings: %(warnings)s", warnings=" ".join(describe(warning) for warning in item.warnings))
        pairs.append((_("Transparantiebenchmark"), text))
    risks = list(db.session.scalars(select(RiskEntry)))
    examples = sum(1 for entry in risks if entry.example)
    pairs.append((_("Risk analysis"), _(
        "%(count)s risk entries (country or region and product group to aspect), %(examples)s of them the "
        "seeded first judgements; sources: %(sources)s.", count=len(risks), examples=examples,
        sources="; ".join(sorted({entry.source for entry in risks if entry.source})) or _("none given"))))
    return Definitions(_("Data sources"), pairs)
