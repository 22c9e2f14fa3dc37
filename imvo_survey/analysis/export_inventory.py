"""The inventory as export tables: activities (one row each, several values joined),
activities long (one row per activity x aspect x country x product group, for pivot
tables and SPSS), dilemmas and bottlenecks.

Rows are produced while they are written (see export_reading), so memory stays flat
however large the round. Values are labels in the export's language; the organisation
data is the snapshot the matrix groups by.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Bottleneck, Dilemma
from ..models.response import bottleneck_aspect, dilemma_aspect, dilemma_country
from . import export_labels as words
from .export_reading import Responder, Selection, Vocabulary, activity_records, entry_records
from .export_schema import Column, Table

ORGANISATION_COLUMNS = (("organisation", "string"), ("kind", "string"), ("size", "string"), ("sector", "string"),
                        ("branch", "string"))
WIDE_COLUMNS = (("activity_id", "integer"), ("organisation", "string"), ("kvk_number", "string"),
                *ORGANISATION_COLUMNS[1:], ("title", "string"), ("activity_type", "string"), ("aspects", "string"),
                ("countries", "string"), ("product_groups", "string"), ("partners", "string"),
                ("partners_other", "string"), ("channels", "string"), ("start_year", "integer"),
                ("member_share", "number"), ("publish_consent", "boolean"), ("carry_status", "string"),
                ("description", "string"))
LONG_COLUMNS = (("activity_id", "integer"), *ORGANISATION_COLUMNS, ("activity_type", "string"),
                ("aspect_group", "string"), ("aspect", "string"), ("country", "string"),
                ("product_group", "string"), ("member_share", "number"), ("start_year", "integer"),
                ("publish_consent", "boolean"))
#: Long-table columns with a fixed list of values (SPSS codes them), by reference list.
LONG_CATEGORIES = {"kind": "kind", "size": "size", "sector": "sector", "branch": "branch",
                   "activity_type": "activity_type", "aspect_group": "aspect_group", "aspect": "aspect",
                   "country": "country", "product_group": "product_group"}


def columns_of(codes: Sequence[tuple[str, str]], language: str, vocabulary: Vocabulary | None = None,
               categorical: dict[str, str] | None = None) -> list[Column]:
    """Columns from (code, type); `categorical` maps a code to the list of values it shows."""
    columns = []
    for code, kind in codes:
        taxonomy = (categorical or {}).get(code)
        categories = None
        if taxonomy in words.CODES:
            categories = tuple(words.text(pair, language) for pair in words.CODES[taxonomy].values())
        elif taxonomy:
            categories = vocabulary.ordered(taxonomy)
        columns.append(Column(code, words.header(code, language), kind, words.column_description(code, language),
                              categories=categories))
    return columns


def activities_table(conn, selection: Selection, people: dict[int, Responder], vocabulary: Vocabulary) -> Table:
    """One row per activity with every attribute; several values joined by '; '."""
    language = vocabulary.language
    label, joined = vocabulary.label_of, vocabulary.joined

    def rows():
        for record in activity_records(conn, selection, vocabulary):
            org = people[record.response_id]
            yield (record.id, org.name, org.kvk_number, org.kind, org.size, org.sector, org.branch, record.title,
                   label("activity_type", record.activity_type), joined("aspect", record.aspects),
                   joined("country", record.countries), joined("product_group", record.product_groups),
                   joined("chain_initiative", record.partners), record.partners_other,
                   joined("reporting_channel", record.channels), record.start_year, record.member_share,
                   record.publish_consent, words.code_label("carry_status", record.carry_status, language),
                   record.description)

    return Table("activities", words.sheet("activities", language), columns_of(WIDE_COLUMNS, language), rows,
                 count=selection.count)


def activities_long_table(conn, selection: Selection, people: dict[int, Responder],
                          vocabulary: Vocabulary) -> Table:
    """One row per activity x aspect x country x product group; no countries (or
    product groups) gives one row with that column empty."""
    language = vocabulary.language
    aspects, groups = vocabulary.by_id["aspect"], vocabulary.by_id["aspect_group"]
    countries, products = vocabulary.by_id["country"], vocabulary.by_id["product_group"]
    group_of = vocabulary.group_of

    def rows():
        for record in activity_records(conn, selection, vocabulary):
            org = people[record.response_id]
            head = (record.id, org.name, org.kind, org.size, org.sector, org.branch,
                    vocabulary.label_of("activity_type", record.activity_type))
            tail = (record.member_share, record.start_year, record.publish_consent)
            in_countries = [countries.get(item) for item in record.countries] or [None]
            in_products = [products.get(item) for item in record.product_groups] or [None]
            for aspect in record.aspects:
                prefix = (*head, groups.get(group_of.get(aspect)), aspects.get(aspect))
                for country in in_countries:
                    for product in in_products:
                        yield (*prefix, country, product, *tail)

    return Table("activities_long", words.sheet("activities_long", language),
                 columns_of(LONG_COLUMNS, language, vocabulary, LONG_CATEGORIES), rows, count=selection.long_rows,
                 description=words.text(words.DEFINITIONS["activities_long"], language))


def dilemmas_table(conn, round_id: int, people: dict[int, Responder], vocabulary: Vocabulary) -> Table:
    """One row per dilemma: the organisation, the description, aspects and countries."""
    links = ((dilemma_aspect, "dilemma_id", "aspect_id", "aspect"),
             (dilemma_country, "dilemma_id", "country_id", "country"))
    count, entries = entry_records(conn, Dilemma, links, [Dilemma.description], round_id, list(people), vocabulary)

    def rows():
        for entry_id, response_id, description, aspects, countries in entries():
            org = people[response_id]
            yield (entry_id, org.name, org.kind, org.sector, description, vocabulary.joined("aspect", aspects),
                   vocabulary.joined("country", countries))

    codes = (("dilemma_id", "integer"), ("organisation", "string"), ("kind", "string"), ("sector", "string"),
             ("description", "string"), ("aspects", "string"), ("countries", "string"))
    return Table("dilemmas", words.sheet("dilemmas", vocabulary.language), columns_of(codes, vocabulary.language),
                 rows, count=count)


def bottlenecks_table(conn, round_id: int, people: dict[int, Responder], vocabulary: Vocabulary) -> Table:
    """One row per bottleneck: the organisation, the description, aspects, what would help."""
    links = ((bottleneck_aspect, "bottleneck_id", "aspect_id", "aspect"),)
    count, entries = entry_records(conn, Bottleneck, links, [Bottleneck.description, Bottleneck.what_would_help],
                                   round_id, list(people), vocabulary)

    def rows():
        for entry_id, response_id, description, helps, aspects in entries():
            org = people[response_id]
            yield (entry_id, org.name, org.kind, org.sector, description, vocabulary.joined("aspect", aspects), helps)

    codes = (("bottleneck_id", "integer"), ("organisation", "string"), ("kind", "string"), ("sector", "string"),
             ("description", "string"), ("aspects", "string"), ("what_would_help", "string"))
    return Table("bottlenecks", words.sheet("bottlenecks", vocabulary.language),
                 columns_of(codes, vocabulary.language), rows, count=count)
