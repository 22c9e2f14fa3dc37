"""Importing benchmark scores from CSV or XLSX, at sector or organisation level.

`plan_import` reads which column is what, matches every row to its sector or
organisation (`matching`), checks every value and reconciles a printed total row
(`reconcile`); it writes nothing. `apply_import` saves a valid plan as one
`BenchmarkImport` with its scores, and remembers the names mapped by hand;
`undo_import` removes an import's scores again. All or nothing: a plan with a single
error or unmatched row cannot be applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import BenchmarkAlias, BenchmarkImport, BenchmarkScore, Organisation, Sector, utcnow
from ..spreadsheets.reading import Table, as_text, is_blank, parse_bool, parse_decimal, parse_int
from ..unit_of_work import AlreadyDone
from .import_columns import LEVEL_COLUMNS, SCORE_COLUMNS, SUBJECT_COLUMN, column_for
from .matching import Match, OrganisationMatcher, SectorMatcher, is_total_row, normalise, organisation_key
from .reconcile import reconcile

RANGES = {"total_score": 100, "chain_score": 10}

#: Told as a long import goes (a background job): (done, in all, what is being done).
Progress = Callable[[int, int, str], None]


def _silent(done: int, total: int, what: str) -> None:
    """No one to tell (a page's small file, the command line)."""


class AlreadyUndone(AlreadyDone):
    """An import undone before (a second click, a colleague at the same moment)."""


@dataclass
class RowError:
    """One problem: the line in the file, the column (if any) and what is wrong."""

    line: int | None
    column: str | None
    message: str


@dataclass
class PlannedRow:
    """One row of the file: its subject (once matched) and its checked values."""

    line: int
    name: str
    key: str
    match: Match
    values: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What the file holds and what importing it would save."""

    level: str
    year: int
    source: str
    #: (header as in the file, the column code it was read as, or None: not read)
    columns: list[tuple[str, str | None]] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    #: The printed total or average rows: (line, name).
    total_rows: list[tuple[int, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Reconciliation findings (`reconcile`): warnings, they do not stop the import.
    warnings: list[dict] = field(default_factory=list)

    @property
    def unmatched(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.match.subject is None]

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.unmatched and bool(self.rows)


def plan_import(table: Table, *, year: int, level: str, source: str, mappings: dict[str, int] | None = None,
                progress: Progress = _silent) -> ImportPlan:
    """Check every row of `table`; `mappings` maps a normalised name to a subject's id."""
    plan = ImportPlan(level=level, year=year, source=source)
    mapping = _read_columns(table.headers, plan)
    if plan.errors:
        return plan
    matcher = SectorMatcher() if level == "sector" else OrganisationMatcher()
    mapped = _mapped_subjects(level, mappings or {})
    totals = []
    for done, (line, raw) in enumerate(table.rows, start=1):
        progress(done, len(table.rows), _("checking the rows"))
        row = {mapping[header]: value for header, value in raw.items() if header in mapping}
        name = as_text(row.get(SUBJECT_COLUMN[level])) or ""
        values = _check_values(line, row, plan)
        if not name:
            plan.errors.append(RowError(line, SUBJECT_COLUMN[level], _("The name is missing.")))
        elif is_total_row(name):
            plan.total_rows.append((line, name))
            totals.append((line, values))
        else:
            plan.rows.append(_matched_row(line, name, row, values, matcher, mapped))
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(None, None, _("The file has no rows below the header.")))
    _check_duplicates(plan)
    _check_sectors(plan)
    for line, printed in totals:
        plan.warnings.extend(reconcile([_weights(row, level) for row in plan.rows],
                                       _printed(printed), line))
    return plan


def _read_columns(headers: list[str], plan: ImportPlan) -> dict[str, str]:
    """Which header is read as which column; a missing subject or score column is an error."""
    mapping: dict[str, str] = {}
    for header in headers:
        code = column_for(header) if header else None
        if code not in LEVEL_COLUMNS[plan.level]:
            code = None
        elif code in mapping.values():
            plan.errors.append(RowError(1, header, _("This column appears twice.")))
            code = None
        if code is not None:
            mapping[header] = code
        if header:
            plan.columns.append((header, code))
    if SUBJECT_COLUMN[plan.level] not in mapping.values():
        plan.errors.append(RowError(1, SUBJECT_COLUMN[plan.level], _("The required column is missing.")))
    if not set(SCORE_COLUMNS) & set(mapping.values()):
        plan.errors.append(RowError(1, "total_score", _("There is no column with a total or chain score.")))
    return mapping


def _mapped_subjects(level: str, mappings: dict[str, int]) -> dict[str, Sector | Organisation]:
    model = Sector if level == "sector" else Organisation
    subjects = {}
    for key, subject_id in mappings.items():
        subject = db.session.get(model, subject_id) if subject_id else None
        if subject is not None:
            subjects[key] = subject
    return subjects


def _matched_row(line: int, name: str, row: dict, values: dict, matcher, mapped: dict) -> PlannedRow:
    if matcher.level == "sector":
        key = normalise(name)
        match = matcher.find(name, mapped.get(key))
    else:
        key = organisation_key(name)
        match = matcher.find(name, values.get("kvk_number"), mapped.get(key))
    return PlannedRow(line=line, name=name, key=key, match=match, values=values)


def _check_values(line: int, row: dict, plan: ImportPlan) -> dict:
    """The numbers of one row, parsed and checked; problems go to `plan.errors`."""
    values: dict = {"file_sector": as_text(row.get("sector")) if plan.level == "organisation" else None}

    def error(column: str, message: str) -> None:
        plan.errors.append(RowError(line, column, message))

    for column, maximum in RANGES.items():
        if is_blank(row.get(column)):
            continue
        try:
            number = parse_decimal(row[column])
        except ValueError:
            error(column, _("%(value)s is not a number.", value=row[column]))
            continue
        values[f"{column}_printed"] = number
        if not 0 <= number <= maximum:
            error(column, _("The score lies between 0 and %(maximum)d.", maximum=maximum))
        values[column] = float(number)
    counts = ("company_count", "listed") if plan.level == "sector" else ()
    for column in counts:
        if is_blank(row.get(column)):
            continue
        try:
            values[column] = parse_int(row[column])
        except ValueError:
            error(column, _("%(value)s is not a whole number.", value=row[column]))
            continue
        if values[column] < 0:
            error(column, _("Enter a whole number of 0 or more."))
    companies, listed = values.get("company_count"), values.get("listed")
    if companies is not None and listed is not None and listed > companies:
        error("listed", _("There cannot be more listed companies than companies."))
    _check_organisation_values(row, values, plan, error)
    _check_year(row, plan, error)
    return values


def _check_organisation_values(row: dict, values: dict, plan: ImportPlan, error) -> None:
    if plan.level != "organisation":
        return
    if not is_blank(row.get("listed")):
        try:
            values["listed"] = int(parse_bool(row["listed"]))
        except ValueError:
            try:  # a total row counts the listed companies
                values["listed"] = parse_int(row["listed"])
            except ValueError:
                error("listed", _("Write yes or no (ja or nee)."))
    kvk = as_text(row.get("kvk_number"))
    if kvk:
        kvk = kvk.replace(" ", "").replace(".", "")
        if len(kvk) != 8 or not kvk.isdigit():
            error("kvk_number", _("A KvK number has 8 digits."))
        values["kvk_number"] = kvk


def _check_year(row: dict, plan: ImportPlan, error) -> None:
    if is_blank(row.get("year")):
        return
    try:
        year = parse_int(row["year"])
    except ValueError:
        error("year", _("%(value)s is not a whole number.", value=row["year"]))
        return
    if year != plan.year:
        error("year", _("The row is for %(row)d, the import for %(year)d.", row=year, year=plan.year))


def _check_duplicates(plan: ImportPlan) -> None:
    """One row per subject, in the file and together with the scores already saved."""
    seen: dict[int, int] = {}
    column = BenchmarkScore.sector_id if plan.level == "sector" else BenchmarkScore.organisation_id
    saved = set(db.session.scalars(select(column).where(
        BenchmarkScore.level == plan.level, BenchmarkScore.year == plan.year, BenchmarkScore.source == plan.source)))
    subject_column = SUBJECT_COLUMN[plan.level]
    for row in plan.rows:
        subject = row.match.subject
        if subject is None:
            continue
        if subject.id in seen:
            plan.errors.append(RowError(row.line, subject_column, _(
                "%(name)s is also on line %(other)d.", name=row.name, other=seen[subject.id])))
        else:
            seen[subject.id] = row.line
        if subject.id in saved:
            plan.errors.append(RowError(row.line, subject_column, _(
                "There is already a score for %(name)s for %(source)s %(year)d.",
                name=row.name, source=plan.source, year=plan.year)))


def _check_sectors(plan: ImportPlan) -> None:
    """Organisation level: a sector in the file that differs from the register is a warning."""
    if plan.level != "organisation":
        return
    sectors = SectorMatcher()
    for row in plan.rows:
        written, organisation = row.values.get("file_sector"), row.match.subject
        if not written or organisation is None:
            continue
        found = sectors.find(written).subject
        if found is not None and found.id != organisation.sector_id:
            register = organisation.sector
            plan.warnings.append({"kind": "sector", "line": row.line, "name": row.name, "file": written,
                                  "register_nl": register.label_nl if register else "-",
                                  "register_en": register.label_en if register else "-"})


def _weights(row: PlannedRow, level: str) -> dict:
    values = dict(row.values)
    if level == "organisation":
        values["company_count"] = 1
    return values


def _printed(values: dict) -> dict[str, Decimal | None]:
    printed = {column: values.get(f"{column}_printed") for column in SCORE_COLUMNS}
    for column in ("company_count", "listed"):
        printed[column] = Decimal(values[column]) if values.get(column) is not None else None
    return printed


def apply_import(plan: ImportPlan, filename: str, user_id: int | None, progress: Progress = _silent
                 ) -> BenchmarkImport:
    """Save a valid plan: the import record, its scores and the names mapped by hand."""
    if not plan.is_valid:
        raise ValueError("Only a valid plan can be imported.")
    record = BenchmarkImport(filename=filename[:255], source=plan.source, year=plan.year, level=plan.level,
                             row_count=len(plan.rows), warnings=_json_ready(plan.warnings),
                             created_by_id=user_id)
    db.session.add(record)
    for done, row in enumerate(plan.rows, start=1):
        progress(done, len(plan.rows), _("saving"))
        subject = row.match.subject
        listed = row.values.get("listed")
        score = BenchmarkScore(source=plan.source, year=plan.year, level=plan.level, imported_by=record,
                               total_score=row.values.get("total_score"),
                               chain_score=row.values.get("chain_score"),
                               company_count=row.values.get("company_count"), listed_count=listed)
        if plan.level == "sector":
            score.sector = subject
        else:
            score.organisation = subject
        db.session.add(score)
        if row.match.how == "mapped":
            _remember(plan.level, row, user_id)
    db.session.flush()
    return record


def _remember(level: str, row: PlannedRow, user_id: int | None) -> None:
    alias = db.session.scalar(select(BenchmarkAlias).where(BenchmarkAlias.level == level,
                                                           BenchmarkAlias.name_key == row.key))
    if alias is None:
        alias = BenchmarkAlias(level=level, name=row.name[:200], name_key=row.key[:200])
        db.session.add(alias)
    alias.created_by_id, alias.created_at = user_id, utcnow()
    alias.sector = row.match.subject if level == "sector" else None
    alias.organisation = row.match.subject if level == "organisation" else None


def _json_ready(warnings: list[dict]) -> list[dict]:
    return [{key: float(value) if isinstance(value, Decimal) else value for key, value in warning.items()}
            for warning in warnings]


def undo_import(record: BenchmarkImport, user_id: int | None) -> int:
    """Remove the scores an import saved; the record stays, marked as undone. Returns
    how many scores were removed."""
    if record.undone_at is not None:
        raise AlreadyUndone(_("This import has been undone already."))
    scores = db.session.scalars(select(BenchmarkScore).where(BenchmarkScore.import_id == record.id)).all()
    for score in scores:
        db.session.delete(score)
    record.undone_at, record.undone_by_id = utcnow(), user_id
    db.session.flush()
    return len(scores)
