"""Loading reference data and demo data. Idempotent: running it twice changes nothing.

`seed_reference` loads the reference lists (DOMAIN.md's codes, countries from
pycountry); `seed_demo` adds the seed's Tabel 1 as 2008 benchmark scores and the demo
register. Both flush; the caller commits.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from sqlalchemy import select

from ..benchmark_scores.importer import apply_import as apply_benchmark
from ..benchmark_scores.importer import plan_import as plan_benchmark
from ..extensions import db
from ..models import (
    DEFAULT_SOURCE,
    ActivityType,
    Aspect,
    AspectGroup,
    BenchmarkScore,
    Branch,
    ChainInitiative,
    Country,
    ProductGroup,
    Questionnaire,
    ReportingChannel,
    Sector,
    SectorAlias,
)
from ..organisations.importer import apply_import, plan_import
from ..questionnaires.definition import load_json
from ..questionnaires.services import publish, store_definition
from ..spreadsheets.reading import read_table
from . import reference_data as data
from .demo_rounds import seed_demo_rounds

DATA_DIR = Path(__file__).parent / "data"
BENCHMARK_YEAR = 2008


@dataclass
class SeedReport:
    """What a seed run created and changed, per table."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, table: str) -> None:
        target = self.created if kind == "created" else self.updated
        target[table] = target.get(table, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        tables = sorted(set(self.created) | set(self.updated))
        return [f"{table}: {self.created.get(table, 0)} created, {self.updated.get(table, 0)} updated"
                for table in tables]


def _upsert(model, code: str, report: SeedReport, **values):
    """The entry with `code`, created or updated to `values`; untouched when equal."""
    item = db.session.scalar(select(model).where(model.code == code))
    if item is None:
        item = model(code=code, **values)
        db.session.add(item)
        report.count("created", model.__tablename__)
        return item
    changed = False
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    if changed:
        report.count("updated", model.__tablename__)
    return item


def _simple_list(model, entries, report: SeedReport) -> dict[str, object]:
    return {code: _upsert(model, code, report, label_nl=nl, label_en=en, position=index)
            for index, (code, nl, en) in enumerate(entries)}


def seed_reference(report: SeedReport | None = None) -> SeedReport:
    """Load every reference list."""
    report = report or SeedReport()
    sectors = {}
    for index, (code, nl, en, aliases) in enumerate(data.SECTORS):
        sector = _upsert(Sector, code, report, label_nl=nl, label_en=en, position=index)
        sectors[code] = sector
        known = {alias.alias for alias in sector.aliases}
        for alias in aliases:
            if alias not in known:
                sector.aliases.append(SectorAlias(alias=alias))
                report.count("created", "sector_alias")
    for index, (code, nl, en, sector_codes) in enumerate(data.BRANCHES):
        branch = _upsert(Branch, code, report, label_nl=nl, label_en=en, position=index)
        wanted = [sectors[c] for c in sector_codes]
        if {s.code for s in branch.sectors} != set(sector_codes):
            branch.sectors = wanted
            report.count("updated", "branch_sector")
    groups = _simple_list(AspectGroup, data.ASPECT_GROUPS, report)
    db.session.flush()
    for index, (code, nl, en, group_code) in enumerate(data.ASPECTS):
        _upsert(Aspect, code, report, label_nl=nl, label_en=en, position=index,
                group_id=groups[group_code].id)
    _simple_list(ActivityType, data.ACTIVITY_TYPES, report)
    _simple_list(ReportingChannel, data.REPORTING_CHANNELS, report)
    _simple_list(ProductGroup, data.PRODUCT_GROUPS, report)
    _simple_list(ChainInitiative, data.CHAIN_INITIATIVES, report)
    _seed_countries(report)
    db.session.flush()
    return report


def _seed_countries(report: SeedReport) -> None:
    """ISO 3166-1 countries with Dutch names from pycountry's catalogues, then the regions."""
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"], fallback=True)
    countries = sorted(pycountry.countries, key=lambda c: dutch.gettext(c.name))
    by_code = {}
    offset = len(data.REGIONS)
    for index, country in enumerate(countries):
        english = getattr(country, "common_name", None) or country.name
        by_code[country.alpha_2] = _upsert(
            Country, country.alpha_2, report, label_nl=dutch.gettext(country.name),
            label_en=english, position=offset + index, is_region=False)
    db.session.flush()
    for index, (code, nl, en, members) in enumerate(data.REGIONS):
        region = _upsert(Country, code, report, label_nl=nl, label_en=en, position=index, is_region=True)
        if {m.code for m in region.members} != set(members):
            region.members = [by_code[m] for m in members]
            report.count("updated", "country_region")


QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires" / "data"
SHIPPED_QUESTIONNAIRES = ("imvo-associations", "imvo-companies")


def seed_questionnaires(report: SeedReport | None = None) -> SeedReport:
    """The two shipped questionnaires, as published version 1, when not yet there."""

    report = report or SeedReport()
    for code in SHIPPED_QUESTIONNAIRES:
        if db.session.scalar(select(Questionnaire.id).where(Questionnaire.code == code)) is not None:
            continue
        definition, problems = load_json((QUESTIONNAIRE_DIR / f"{code}.json").read_bytes())
        if definition is None:
            raise RuntimeError(f"The shipped questionnaire {code} is not valid: {problems}")
        publish(store_definition(definition), user=None)
        report.count("created", "questionnaire")
    return report


def seed_demo(report: SeedReport | None = None) -> SeedReport:
    """Add the demo data: Tabel 1 as 2008 sector scores and the demo register."""

    report = report or SeedReport()
    _seed_benchmark_2008(report)
    table = read_table((DATA_DIR / "demo_organisations.csv").read_bytes(), "demo_organisations.csv")
    plan = plan_import(table)
    if not plan.is_valid:
        problems = "; ".join(f"line {e.line} {e.column}: {e.message}" for e in plan.errors)
        raise RuntimeError(f"The demo register does not import: {problems}")
    new_names = [item.name for item in plan.to_create]
    changed = [item for item in plan.to_update if _would_change(item)]
    apply_import(plan)
    for _name in new_names:
        report.count("created", "organisation")
    for _item in changed:
        report.count("updated", "organisation")
    for planned in plan.organisations:
        if not planned.organisation.is_demo:
            planned.organisation.is_demo = True
    db.session.flush()

    seed_questionnaires(report)
    seed_demo_rounds(report)
    return report


def _would_change(planned) -> bool:
    """Whether applying a planned update alters the organisation (for the report only)."""
    organisation = planned.existing
    for column, value in planned.values.items():
        if value is None:
            continue
        if getattr(organisation, column) != value:
            return True
    return False


def _seed_benchmark_2008(report: SeedReport) -> None:
    """The seed's Tabel 1 exactly as printed (decimal commas, sector aliases, the
    "Gemiddeld" row), through the benchmark import, so that the benchmark page shows the
    import and its reconciliation warnings. Once there, it is left alone: a second seed
    does not import it again."""
    existing = db.session.scalar(select(BenchmarkScore.id).where(
        BenchmarkScore.level == "sector", BenchmarkScore.year == BENCHMARK_YEAR,
        BenchmarkScore.source == DEFAULT_SOURCE).limit(1))
    if existing is not None:
        return
    filename = "transparantiebenchmark_2008.csv"
    table = read_table((DATA_DIR / filename).read_bytes(), filename)
    plan = plan_benchmark(table, year=BENCHMARK_YEAR, level="sector", source=DEFAULT_SOURCE)
    if not plan.is_valid:
        raise RuntimeError(f"The shipped Tabel 1 does not import: {plan.errors} {plan.unmatched}")
    apply_benchmark(plan, filename, user_id=None)
    for _row in plan.rows:
        report.count("created", "benchmark_score")
