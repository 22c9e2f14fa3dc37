"""Reading the inventory for the exports, fast and in constant memory.

The reference lists are read once (`Vocabulary`: labels by code and by id); the
organisations come from the matrix (its snapshot of kind, sector, ...). Activities are
read a batch of responses at a time, each in one query whose many-valued attributes
(aspects, countries, ...) come as lists of ids aggregated in SQL: for 200,000 activities
that is a hundred queries of 2,000 rows instead of a million link rows through Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd
from sqlalchemy import String, and_, case, cast, func, select

from ..models import (
    ActivityType,
    Aspect,
    AspectGroup,
    Branch,
    ChainInitiative,
    Country,
    Organisation,
    ProductGroup,
    ReportingChannel,
    Response,
    Sector,
)
from ..models.response import (
    Activity,
    activity_aspect,
    activity_channel,
    activity_country,
    activity_partner,
    activity_product_group,
)
from . import export_labels as words
from .filters import Filters
from .queries import activity_conditions

#: About so many activities are read per query.
CHUNK = 2000
#: Several values in one cell.
SEPARATOR = "; "
#: Reference lists whose labels the exports show.
TAXONOMIES = {"sector": Sector, "branch": Branch, "aspect": Aspect, "aspect_group": AspectGroup,
              "activity_type": ActivityType, "country": Country, "product_group": ProductGroup,
              "chain_initiative": ChainInitiative, "reporting_channel": ReportingChannel}
#: An activity's many-valued attributes: link table, its column, the reference list.
ACTIVITY_LINKS = {"aspects": (activity_aspect, "aspect_id", "aspect"),
                  "countries": (activity_country, "country_id", "country"),
                  "product_groups": (activity_product_group, "product_group_id", "product_group"),
                  "partners": (activity_partner, "chain_initiative_id", "chain_initiative"),
                  "channels": (activity_channel, "reporting_channel_id", "reporting_channel")}
_JOINED_CACHE = 20_000


@dataclass
class Vocabulary:
    """Every reference list in one language: labels by code (in display order) and by id."""

    language: str
    labels: dict[str, dict[str, str]]
    by_id: dict[str, dict[int, str]]
    position: dict[str, dict[int, int]]
    group_of: dict[int, int]
    _joined: dict = field(default_factory=dict, repr=False)
    _ids: dict = field(default_factory=dict, repr=False)

    def label(self, taxonomy: str, code: str | None) -> str | None:
        return None if code is None else self.labels[taxonomy].get(code, code)

    def label_of(self, taxonomy: str, item_id: int | None) -> str | None:
        return None if item_id is None else self.by_id[taxonomy].get(item_id)

    def joined(self, taxonomy: str, ids: tuple[int, ...]) -> str | None:
        """The labels of `ids` joined by '; ' (cached: few combinations recur often)."""
        if not ids:
            return None
        key = (taxonomy, ids)
        text = self._joined.get(key)
        if text is None:
            labels = self.by_id[taxonomy]
            text = SEPARATOR.join(labels.get(item, str(item)) for item in ids)
            if len(self._joined) < _JOINED_CACHE:
                self._joined[key] = text
        return text

    def ordered(self, taxonomy: str) -> tuple[str, ...]:
        return tuple(self.labels[taxonomy].values())

    def ids(self, taxonomy: str, aggregated: str | None) -> tuple[int, ...]:
        """Ids aggregated as '3,1,7', in display order (cached like `joined`)."""
        if not aggregated:
            return ()
        key = (taxonomy, aggregated)
        found = self._ids.get(key)
        if found is None:
            items = [int(item) for item in aggregated.split(",")]
            if len(items) > 1:
                items.sort(key=self.position[taxonomy].get)
            found = tuple(items)
            if len(self._ids) < _JOINED_CACHE:
                self._ids[key] = found
        return found


def load_vocabulary(conn, language: str) -> Vocabulary:
    labels, by_id, position = {}, {}, {}
    for name, model in TAXONOMIES.items():
        label = model.label_en if language == "en" else model.label_nl
        rows = conn.execute(select(model.id, model.code, label, model.position)
                            .order_by(model.position, model.code)).all()
        labels[name] = {code: text for _, code, text, _ in rows}
        by_id[name] = {item: text for item, _, text, _ in rows}
        position[name] = {item: number for number, (item, *_rest) in enumerate(rows)}
    group_of = dict(conn.execute(select(Aspect.id, Aspect.group_id)).all())
    return Vocabulary(language, labels, by_id, position, group_of)


class Responder(NamedTuple):
    """An organisation as the rows show it (labels, not codes)."""

    name: str
    kvk_number: str | None
    kind: str | None
    size: str | None
    sector: str | None
    branch: str | None


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def describe_organisations(conn, organisations: pd.DataFrame, vocabulary: Vocabulary) -> dict[int, Responder]:
    """Organisation id -> how the rows show it, for every row of a matrix's organisations
    (the snapshot kept at submission for those that responded, else the register)."""
    ids = [int(value) for value in organisations["organisation_id"]]
    kvk = {}
    for start in range(0, len(ids), CHUNK):
        kvk.update(conn.execute(select(Organisation.id, Organisation.kvk_number)
                                .where(Organisation.id.in_(ids[start:start + CHUNK]))).all())
    language = vocabulary.language
    return {int(row.organisation_id): Responder(
        row.name, kvk.get(int(row.organisation_id)), words.code_label("kind", _text(row.kind), language),
        words.code_label("size", _text(row.size), language), vocabulary.label("sector", _text(row.sector)),
        vocabulary.label("branch", _text(row.branch))) for row in organisations.itertuples(index=False)}


def responders(organisations: pd.DataFrame, described: dict[int, Responder]) -> dict[int, Responder]:
    """Response id -> organisation, for the responding ones, ordered by name."""
    responding = organisations[organisations["responded"]].sort_values(["name", "response_id"])
    return {int(response_id): described[int(organisation_id)]
            for response_id, organisation_id in zip(responding["response_id"], responding["organisation_id"],
                                                    strict=True)}


def batches(sizes: dict[int, int], response_ids, chunk: int = CHUNK) -> list[list[int]]:
    """`response_ids` (those in `sizes`, in order) cut into batches of about `chunk` rows."""
    result, batch, size = [], [], 0
    for response_id in response_ids:
        if response_id not in sizes:
            continue
        batch.append(response_id)
        size += sizes[response_id]
        if size >= chunk:
            result.append(batch)
            batch, size = [], 0
    return result + ([batch] if batch else [])


@dataclass
class Selection:
    """The activities of an export: batches of responses in export order, the number of
    activities and the number of rows of the long table."""

    conditions: list
    batches: list[list[int]]
    count: int
    long_rows: int


def select_activities(conn, round_id: int, filters: Filters, response_ids) -> Selection:
    """The counted activities of the responses in `response_ids` (in that order), with
    the long table's row count: per activity aspects x countries x product groups, a
    missing country or product group counting as one."""
    def count(link):
        return select(func.count()).where(link.c.activity_id == Activity.id).scalar_subquery()

    def at_least_one(number):
        return case((number > 0, number), else_=1)

    conditions = activity_conditions(conn, round_id, filters)
    long_rows = (count(activity_aspect) * at_least_one(count(activity_country))
                 * at_least_one(count(activity_product_group)))
    per_response = {response_id: (activities, int(rows or 0)) for response_id, activities, rows in conn.execute(
        select(Activity.response_id, func.count(Activity.id), func.sum(long_rows))
        .join(Response, Response.id == Activity.response_id)
        .where(and_(*conditions)).group_by(Activity.response_id)).all()}
    wanted = [response_id for response_id in response_ids if response_id in per_response]
    return Selection(conditions, batches({key: per_response[key][0] for key in wanted}, wanted),
                     sum(per_response[key][0] for key in wanted), sum(per_response[key][1] for key in wanted))


def aggregated_ids(link, owner_column, owner: str, target: str):
    """A correlated subquery: the ids `owner` links to, as '3,1,7' (SQLite and PostgreSQL)."""
    return (select(func.aggregate_strings(cast(link.c[target], String), ","))
            .where(link.c[owner] == owner_column).scalar_subquery())


class ActivityRecord(NamedTuple):
    """An activity with its attributes; reference entries as ids in display order."""

    id: int
    response_id: int
    title: str
    description: str | None
    activity_type: int | None
    start_year: int | None
    member_share: float | None
    partners_other: str | None
    publish_consent: bool | None
    carry_status: str | None
    aspects: tuple[int, ...]
    countries: tuple[int, ...]
    product_groups: tuple[int, ...]
    partners: tuple[int, ...]
    channels: tuple[int, ...]


def activity_records(conn, selection: Selection, vocabulary: Vocabulary) -> Iterator[ActivityRecord]:
    """The selected activities, a batch of responses per query: by response in the
    selection's order, then by position."""
    linked = [aggregated_ids(table, Activity.id, "activity_id", target)
              for table, target, _ in ACTIVITY_LINKS.values()]
    taxonomies = [taxonomy for _, _, taxonomy in ACTIVITY_LINKS.values()]
    query = (select(Activity.id, Activity.response_id, Activity.title, Activity.description,
                    Activity.activity_type_id, Activity.start_year, Activity.member_share, Activity.partners_other,
                    Activity.publish_consent, Activity.carry_status, *linked, Activity.position)
             .join(Response, Response.id == Activity.response_id).where(and_(*selection.conditions)))
    ids = vocabulary.ids
    for batch in selection.batches:
        rank = {response_id: number for number, response_id in enumerate(batch)}
        rows = conn.execute(query.where(Activity.response_id.in_(batch))).all()
        rows.sort(key=lambda row: (rank[row[1]], row[-1], row[0]))
        for row in rows:  # spelled out: this runs 200,000 times in a large export
            yield ActivityRecord(*row[:10], ids(taxonomies[0], row[10]), ids(taxonomies[1], row[11]),
                                 ids(taxonomies[2], row[12]), ids(taxonomies[3], row[13]),
                                 ids(taxonomies[4], row[14]))


def entry_records(conn, model, links: Sequence[tuple], fields: Sequence, round_id: int,
                  response_ids: Sequence[int], vocabulary: Vocabulary) -> tuple[int, Callable[[], Iterator[tuple]]]:
    """Dilemmas or bottlenecks of the responses (in their order): the count, and a
    function giving the rows (id, response id, *fields, *linked ids), read a batch of
    responses per query.
    `links` are (link table, owner column, target column, taxonomy)."""
    sizes = dict(conn.execute(select(model.response_id, func.count(model.id))
                              .join(Response, Response.id == model.response_id)
                              .where(Response.round_id == round_id).group_by(model.response_id)).all())
    wanted = [response_id for response_id in response_ids if response_id in sizes]
    linked = [aggregated_ids(table, model.id, owner, target) for table, owner, target, _ in links]
    query = select(model.id, model.response_id, *fields, *linked, model.position)

    def rows() -> Iterator[tuple]:
        for batch in batches(sizes, wanted):
            rank = {response_id: number for number, response_id in enumerate(batch)}
            found = conn.execute(query.where(model.response_id.in_(batch))).all()
            found.sort(key=lambda row: (rank[row[1]], row[-1], row[0]))
            for row in found:
                values = row[2:2 + len(fields)]
                ids = row[2 + len(fields):-1]
                yield (row[0], row[1], *values, *(vocabulary.ids(taxonomy, item)
                                                  for (*_, taxonomy), item in zip(links, ids, strict=True)))

    return sum(sizes[key] for key in wanted), rows
