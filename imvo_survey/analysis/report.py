"""The progress report's figures beyond the matrix: complaint mechanisms, reporting
(RJ400, channels, sector reports), and dilemmas and bottlenecks by aspect.

As for the matrix, loading and summarising are apart: `load_*` read the round's
responded responses into plain DataFrames; the summaries are plain pandas and Python,
testable on frames built in a test. Only responded responses count (the response
figures' definition, `response.py`), each organisation once. No Flask here: codes and
numbers out, labels are the report's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import String, literal, select
from sqlalchemy.orm import aliased

from ..models import Answer, Aspect, Bottleneck, Dilemma, Organisation, ReportingChannel, Response, Sector
from ..models.response import Activity, activity_channel, bottleneck_aspect, dilemma_aspect
from .queries import _frame, responded_condition

#: The questions the report reads, as the shipped questionnaires name them.
COMPLAINT_CODES = ("complaint_mechanism_exists", "complaint_mechanism_type", "complaints_received",
                   "complaints_handled")
REPORTING_CODES = ("sector_report_published", "rj400_recommended", "rj400_used", "reporting_channels",
                   "complaints_reporting")
NAME_CONSENT_CODE = "publish_name_consent"
ANSWER_COLUMNS = ["response_id", "organisation_id", "kind", "sector", "code", "text_value", "number_value",
                  "json_value"]
#: A statement without an aspect is grouped under this key.
NO_ASPECT = "_none"


def load_answers(conn, round_id: int, codes) -> pd.DataFrame:
    """The answers with these codes (first entry: not inside a repeating group) of the
    round's responded responses, with the response's organisation, kind and sector."""
    sector = aliased(Sector)
    query = (select(Answer.response_id, Response.organisation_id, Response.snapshot_kind, sector.code,
                    Answer.code, Answer.text_value, Answer.number_value, Answer.json_value)
             .join(Response, Response.id == Answer.response_id)
             .outerjoin(sector, sector.id == Response.snapshot_sector_id)
             .where(Response.round_id == round_id, responded_condition(), Answer.entry == 0,
                    Answer.code.in_(list(codes))))
    return _frame(conn.execute(query), ANSWER_COLUMNS)


def load_activity_channels(conn, round_id: int) -> pd.DataFrame:
    """response_id, channel: the reporting channels the responded responses' activities name."""
    query = (select(Activity.response_id, ReportingChannel.code)
             .join(activity_channel, activity_channel.c.activity_id == Activity.id)
             .join(ReportingChannel, ReportingChannel.id == activity_channel.c.reporting_channel_id)
             .join(Response, Response.id == Activity.response_id)
             .where(Response.round_id == round_id, responded_condition()))
    return _frame(conn.execute(query), ["response_id", "channel"])


STATEMENT_COLUMNS = ["kind", "id", "response_id", "organisation", "named", "sector", "description", "help",
                     "aspect"]


def load_statements(conn, round_id: int) -> pd.DataFrame:
    """The dilemmas and bottlenecks of the round's responded responses, one row per
    statement and aspect (NO_ASPECT when it names none): kind ("dilemma" or
    "bottleneck"), its text (and for a bottleneck what would help), the organisation's
    name, whether the organisation consented to its name being published, its sector."""
    consent = (select(Answer.response_id).where(Answer.code == NAME_CONSENT_CODE, Answer.entry == 0,
                                                Answer.text_value == "yes"))
    named_ids = {row[0] for row in conn.execute(consent)}
    frames = []
    for kind, model, link, helps in (("dilemma", Dilemma, dilemma_aspect, None),
                                     ("bottleneck", Bottleneck, bottleneck_aspect, Bottleneck.what_would_help)):
        sector = aliased(Sector)
        help_column = helps if helps is not None else literal(None, String).label("help")
        query = (select(model.id, model.response_id, Organisation.name, sector.code, model.description,
                        help_column, Aspect.code)
                 .join(Response, Response.id == model.response_id)
                 .join(Organisation, Organisation.id == Response.organisation_id)
                 .outerjoin(sector, sector.id == Response.snapshot_sector_id)
                 .outerjoin(link, link.c[f"{model.__tablename__}_id"] == model.id)
                 .outerjoin(Aspect, Aspect.id == link.c.aspect_id)
                 .where(Response.round_id == round_id, responded_condition())
                 .order_by(model.response_id, model.position, Aspect.position))
        rows = [(kind, id_, response_id, name, response_id in named_ids, sector_code, description,
                 help_text, aspect or NO_ASPECT)
                for id_, response_id, name, sector_code, description, help_text, aspect in conn.execute(query)]
        frames.append(pd.DataFrame.from_records(rows, columns=STATEMENT_COLUMNS))
    return pd.concat(frames, ignore_index=True)


# -- summaries (pure) ------------------------------------------------------------------

def _answers_of(answers: pd.DataFrame, code: str) -> pd.DataFrame:
    return answers[answers["code"] == code]


def _yes_count(answers: pd.DataFrame, code: str) -> tuple[int, int]:
    """(organisations answering yes, organisations answering) to a yes/no question."""
    given = _answers_of(answers, code)
    return int((given["text_value"] == "yes").sum()), int(given["text_value"].isin(["yes", "no"]).sum())


@dataclass(frozen=True)
class ComplaintSummary:
    """Complaint mechanisms among the responding organisations."""

    responding: int
    #: Organisations that said whether they have one, and those that said yes.
    answered: int
    with_mechanism: int
    #: Per kind of mechanism (its choice code): organisations.
    by_type: dict[str, int]
    #: Complaints received and handled, summed over the organisations that gave the figure,
    #: and how many gave it (None when none did).
    received: float | None
    handled: float | None
    reporting_figures: int


def complaint_summary(answers: pd.DataFrame, responding: int) -> ComplaintSummary:
    """From the answers of `COMPLAINT_CODES` (as `load_answers` reads them)."""
    yes, answered = _yes_count(answers, "complaint_mechanism_exists")
    with_yes = set(_answers_of(answers, "complaint_mechanism_exists").query("text_value == 'yes'")["response_id"])
    types = _answers_of(answers, "complaint_mechanism_type")
    types = types[types["response_id"].isin(with_yes)]
    by_type = {str(code): int(count) for code, count in types["text_value"].value_counts().sort_index().items()}
    figures = {code: _answers_of(answers, code).dropna(subset=["number_value"])
               for code in ("complaints_received", "complaints_handled")}
    reporting = set(figures["complaints_received"]["response_id"]) | set(figures["complaints_handled"]["response_id"])

    def total(code: str) -> float | None:
        values = figures[code]["number_value"]
        return float(values.sum()) if len(values) else None

    return ComplaintSummary(responding, answered, yes, by_type, total("complaints_received"),
                            total("complaints_handled"), len(reporting))


@dataclass(frozen=True)
class ReportingSummary:
    """Reporting among the responding organisations."""

    responding: int
    #: (yes, answered) per yes/no question: sector report published (associations),
    #: RJ400 recommended to members (associations), RJ400 used (companies).
    yes_no: dict[str, tuple[int, int]]
    #: Per reporting channel: the organisations naming it, in the reporting question or
    #: in one of their activities.
    channels: dict[str, int] = field(default_factory=dict)


def reporting_summary(answers: pd.DataFrame, activity_channels: pd.DataFrame, responding: int) -> ReportingSummary:
    """From the answers of `REPORTING_CODES` and the activities' channels."""
    yes_no = {code: _yes_count(answers, code) for code in ("sector_report_published", "rj400_recommended",
                                                           "rj400_used")}
    named: dict[str, set[int]] = {}
    for response_id, codes in _answers_of(answers, "reporting_channels")[["response_id", "json_value"]].itertuples(
            index=False):
        for code in codes or ():
            named.setdefault(str(code), set()).add(int(response_id))
    for response_id, code in activity_channels[["response_id", "channel"]].itertuples(index=False):
        named.setdefault(str(code), set()).add(int(response_id))
    return ReportingSummary(responding, yes_no, {code: len(ids) for code, ids in sorted(named.items())})


@dataclass(frozen=True)
class Statement:
    """A dilemma or bottleneck as the report shows it: anonymised unless the
    organisation consented to its name being published."""

    kind: str
    text: str
    help: str | None
    organisation: str | None
    sector: str | None


def statements_by_aspect(statements: pd.DataFrame, aspect_order: list[str]) -> dict[str, list[Statement]]:
    """Per aspect (in `aspect_order`, NO_ASPECT last, aspects without any left out) the
    statements naming it, dilemmas before bottlenecks; a statement on two aspects is
    under both. The organisation's name only where it consented."""
    grouped: dict[str, list[Statement]] = {}
    order = {code: index for index, code in enumerate([*aspect_order, NO_ASPECT])}
    ordered = statements.assign(_aspect=statements["aspect"].map(order).fillna(len(order)),
                                _kind=(statements["kind"] != "dilemma").astype(int))
    for row in ordered.sort_values(["_aspect", "_kind", "response_id", "id"], kind="stable").itertuples():
        grouped.setdefault(row.aspect, []).append(Statement(
            row.kind, row.description, row.help if isinstance(row.help, str) and row.help else None,
            row.organisation if row.named else None, row.sector if isinstance(row.sector, str) else None))
    return grouped
