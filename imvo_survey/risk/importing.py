"""Importing risk entries and import shares from CSV or XLSX (read by
`spreadsheets.reading.read_table`): every row is checked first, and nothing is saved
unless all rows pass; each problem names its line and column.

Headers may be Dutch or English, in any order, and columns the import does not know
(such as the `*_name` columns of the export) are ignored. Reference values may be
given as code or as Dutch or English label, whatever the case.

Risk entries are keyed by country (or region), product group and aspect: a row for an
existing key changes its level and source (and it is no longer an example). Import
shares replace, per sector or branch in the file, the shares it had before: a table of
trade statistics is complete for the sectors it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import Aspect, Branch, Country, ImportShare, ProductGroup, RiskEntry, Sector, stamp_rounds
from ..spreadsheets.reading import Table, as_text, normalise_header, parse_decimal

#: Accepted headers (normalised) per field.
ENTRY_HEADERS = {
    "country": ("country", "country_or_region", "region", "land", "land_of_regio", "regio"),
    "product_group": ("product_group", "productgroep", "product"),
    "aspect": ("aspect", "imvo_aspect"),
    "level": ("level", "risk_level", "niveau", "risiconiveau", "risico"),
    "source": ("source", "bron"),
}
SHARE_HEADERS = {
    "sector": ("sector",),
    "branch": ("branch", "branche"),
    "product_group": ENTRY_HEADERS["product_group"],
    "country": ENTRY_HEADERS["country"],
    "share": ("share", "import_share", "aandeel", "importaandeel", "percentage"),
    "source": ENTRY_HEADERS["source"],
}
#: Words for the levels, besides the codes.
LEVEL_WORDS = {"low": "low", "laag": "low", "1": "low", "medium": "medium", "middel": "medium",
               "gemiddeld": "medium", "2": "medium", "high": "high", "hoog": "high", "3": "high"}
REQUIRED_ENTRY = ("country", "product_group", "aspect", "level")
REQUIRED_SHARE = ("product_group", "country", "share")


@dataclass
class Problem:
    """One problem of an import: its line in the file (None for the header) and column."""

    line: int | None
    column: str | None
    message: str


@dataclass
class Plan:
    """What an import would do; `rows` are plain values, `problems` the reasons not to."""

    kind: str
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)


class Lookup:
    """Reference values by code or label, ignoring case."""

    def __init__(self, model):
        self.by_name = {}
        for item in db.session.scalars(select(model)):
            for name in (item.code, item.label_nl, item.label_en):
                self.by_name.setdefault(name.casefold(), item)

    def find(self, value):
        text = as_text(value)
        return None if text is None else self.by_name.get(text.casefold())


def _columns(table: Table, accepted: dict[str, tuple[str, ...]], required: tuple[str, ...], plan: Plan):
    """field -> the file's header for it; a missing required column is a problem."""
    found = {}
    for header in table.headers:
        key = normalise_header(header)
        for name, words in accepted.items():
            if key in words and name not in found:
                found[name] = header
    for name in required:
        if name not in found:
            plan.problems.append(Problem(None, name, str(_l("The column %(column)s is missing.", column=name))))
    return found


def _reference(plan: Plan, line: int, column: str, raw, lookup: Lookup, required: bool = True):
    item = lookup.find(raw)
    if item is None and (required or as_text(raw) is not None):
        message = (_l("Fill in %(column)s.", column=column) if as_text(raw) is None
                   else _l("%(value)s is not a known %(column)s.", value=as_text(raw), column=column))
        plan.problems.append(Problem(line, column, str(message)))
    return item


def plan_entries(table: Table) -> Plan:
    """Check every row of a risk-entry table."""
    plan = Plan("entries")
    columns = _columns(table, ENTRY_HEADERS, REQUIRED_ENTRY, plan)
    if plan.problems:
        return plan
    lookups = {"country": Lookup(Country), "product_group": Lookup(ProductGroup), "aspect": Lookup(Aspect)}
    seen: dict[tuple, int] = {}
    for line, values in table.rows:
        row = {name: _reference(plan, line, name, values.get(columns[name]), lookups[name]) for name in lookups}
        level = LEVEL_WORDS.get((as_text(values.get(columns["level"])) or "").casefold())
        if level is None:
            plan.problems.append(Problem(line, "level", str(_l("The level is low, medium or high."))))
        source = as_text(values.get(columns["source"])) if "source" in columns else None
        if source is not None and len(source) > 300:
            plan.problems.append(Problem(line, "source", str(_l("At most 300 characters."))))
        if None in row.values() or level is None:
            continue
        key = (row["country"].id, row["product_group"].id, row["aspect"].id)
        if key in seen:
            plan.problems.append(Problem(line, "aspect", str(_l(
                "The same country, product group and aspect as line %(line)d.", line=seen[key]))))
            continue
        seen[key] = line
        plan.rows.append({**row, "level": level, "source": source or ""})
    if not table.rows:
        plan.problems.append(Problem(None, None, str(_l("The file has no rows."))))
    return plan


def apply_entries(plan: Plan) -> tuple[int, int]:
    """Save a valid plan: (created, updated). Flushes."""
    created = updated = 0
    for row in plan.rows:
        entry = db.session.scalar(select(RiskEntry).where(
            RiskEntry.country_id == row["country"].id, RiskEntry.product_group_id == row["product_group"].id,
            RiskEntry.aspect_id == row["aspect"].id))
        if entry is None:
            db.session.add(RiskEntry(country=row["country"], product_group=row["product_group"],
                                     aspect=row["aspect"], level=row["level"], source=row["source"], example=False))
            created += 1
        else:
            entry.level, entry.source, entry.example = row["level"], row["source"], False
            updated += 1
    db.session.flush()
    return created, updated


def plan_shares(table: Table) -> Plan:
    """Check every row of an import-share table."""
    plan = Plan("shares")
    columns = _columns(table, SHARE_HEADERS, REQUIRED_SHARE, plan)
    if "sector" not in columns and "branch" not in columns:
        plan.problems.append(Problem(None, "sector", str(_l("A column sector or branch is needed."))))
    if plan.problems:
        return plan
    lookups = {"sector": Lookup(Sector), "branch": Lookup(Branch), "product_group": Lookup(ProductGroup),
               "country": Lookup(Country)}
    seen: dict[tuple, int] = {}
    for line, values in table.rows:
        row = _share_row(plan, line, values, columns, lookups)
        if row is None:
            continue
        subject = row["sector"] or row["branch"]
        key = (type(subject).__name__, subject.id, row["product_group"].id, row["country"].id)
        if key in seen:
            plan.problems.append(Problem(line, "country", str(_l(
                "The same sector or branch, product group and country as line %(line)d.", line=seen[key]))))
            continue
        seen[key] = line
        plan.rows.append(row)
    if not table.rows:
        plan.problems.append(Problem(None, None, str(_l("The file has no rows."))))
    return plan


def _share_row(plan: Plan, line: int, values: dict, columns: dict, lookups: dict) -> dict | None:
    before = len(plan.problems)
    sector = _reference(plan, line, "sector", values.get(columns.get("sector", "")), lookups["sector"], False)
    branch = _reference(plan, line, "branch", values.get(columns.get("branch", "")), lookups["branch"], False)
    if len(plan.problems) == before and (sector is None) == (branch is None):
        plan.problems.append(Problem(line, "sector", str(_l("Fill in either a sector or a branch."))))
    product_group = _reference(plan, line, "product_group", values.get(columns["product_group"]),
                               lookups["product_group"])
    country = _reference(plan, line, "country", values.get(columns["country"]), lookups["country"])
    share = None
    try:
        share = float(parse_decimal(values.get(columns["share"])))
    except (ValueError, TypeError):
        plan.problems.append(Problem(line, "share", str(_l("The share is a percentage, such as 12,5."))))
    if share is not None and not 0 < share <= 100:
        plan.problems.append(Problem(line, "share", str(_l("The share lies above 0 and at most 100."))))
    source = as_text(values.get(columns["source"])) if "source" in columns else None
    if len(plan.problems) > before:
        return None
    return {"sector": sector, "branch": branch, "product_group": product_group, "country": country,
            "share": share, "source": source or ""}


def apply_shares(plan: Plan) -> int:
    """Save a valid plan: each sector's or branch's shares replaced by the file's. Flushes."""
    for model, column in ((Sector, ImportShare.sector_id), (Branch, ImportShare.branch_id)):
        ids = {row["sector" if model is Sector else "branch"].id for row in plan.rows
               if row["sector" if model is Sector else "branch"] is not None}
        if ids:
            db.session.execute(delete(ImportShare).where(column.in_(ids)))
            stamp_rounds(db.session.connection())  # past the ORM: the relevance of every round moves
    for row in plan.rows:
        db.session.add(ImportShare(**row))
    db.session.flush()
    return len(plan.rows)

