"""A response as one document: the plain answers by question code, and the entries of
each repeating group (inventory rows for bound groups, numbered answer rows for the
others), read from and written to the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import bindparam, func, null, select

from ..extensions import db
from ..models import (
    Activity,
    Answer,
    Bottleneck,
    Dilemma,
    Response,
)
from ..questionnaires.question_types import question_type
from ..references import ReferenceList, reference_list
from .layout import Layout
from .values import is_empty

INVENTORY_MODELS = {"activity": Activity, "dilemma": Dilemma, "bottleneck": Bottleneck}
#: Inventory fields kept in a column of the same name.
SCALAR_FIELDS = ("title", "description", "start_year", "member_share", "partners_other", "what_would_help")
#: Inventory fields that are links to a reference list: field -> list name.
LINK_FIELDS = {"aspects": "aspect", "countries": "country", "product_groups": "product_group",
               "channels": "reporting_channel", "partners": "chain_initiative"}


@dataclass
class Entry:
    """One entry of a repeating group; `key` is "activity:12" or "entry:3"."""

    key: str
    values: dict
    carry_status: str | None = None
    position: int = 0


@dataclass
class Document:
    """Everything answered: plain answers by code, and entries by repeating group."""

    answers: dict = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)

    def entry(self, repeat_code: str, key: str) -> Entry | None:
        return next((e for e in self.entries.get(repeat_code, []) if e.key == key), None)


class References:
    """Reference list entries by code, from the lists read once per process
    (`references.reference_list`): a save checks codes without reading the lists again."""

    def list(self, name: str) -> ReferenceList:
        return reference_list(name)

    def codes(self, name: str) -> frozenset[str]:
        return reference_list(name).codes

    def row(self, name: str, code: str):
        """The ORM row of `code` in this session (to link it), without a query."""
        return reference_list(name).row(code)


# --- reading ----------------------------------------------------------------------

def answer_value(row: Answer, question: dict):
    """The typed value of an answer row."""
    kind = question_type(question)
    return kind.from_column(getattr(row, kind.answer_column))


def load(response: Response, layout: Layout, entries: bool = True) -> Document:
    """The response as a document; without its entries when `entries` is False (saving
    plain answers needs none of them)."""
    document = Document()
    numbered: dict[str, dict[int, dict]] = {}
    for row in response.answers:
        question = layout.questions.get(row.code)
        if question is None:
            continue
        parent = layout.parent.get(row.code)
        if parent is None and row.entry == 0:
            document.answers[row.code] = answer_value(row, question)
        elif parent is not None and row.entry > 0:
            numbered.setdefault(parent, {}).setdefault(row.entry, {})[row.code] = answer_value(row, question)
    if not entries:
        return document
    for repeat in layout.repeats():
        if repeat.get("inventory"):
            document.entries[repeat["code"]] = _inventory_entries(response, repeat, layout)
        else:
            document.entries[repeat["code"]] = [Entry(key=f"entry:{number}", values=values, position=number)
                                                for number, values in sorted(numbered.get(repeat["code"], {}).items())]
    return document


def _inventory_rows(response: Response, inventory: str) -> list:
    return {"activity": response.activities, "dilemma": response.dilemmas,
            "bottleneck": response.bottlenecks}[inventory]


def _inventory_entries(response: Response, repeat: dict, layout: Layout) -> list[Entry]:
    """The entries of a bound repeating group in one query, whatever their number: the
    codes of each link list come aggregated in a column (rather than one query per
    entry and list), in the list's display order as the rows' relationships give them."""
    inventory = repeat["inventory"]
    binding = layout.binding(repeat)
    entries = []
    for row in db.session.execute(_entries_query(inventory, tuple(binding)), {"response_id": response.id}):
        values = {}
        for index, (field_name, code) in enumerate(binding.items()):
            values[code] = _read(field_name, row[3 + index])
        entries.append(Entry(key=f"{inventory}:{row[0]}", values=values, carry_status=row[2], position=row[1]))
    return entries


@lru_cache(maxsize=64)
def _entries_query(inventory: str, field_names: tuple[str, ...]):
    """The query of `_inventory_entries` for these fields, built once per process (its
    subqueries took a tenth of a section page's time when built per request)."""
    model = INVENTORY_MODELS[inventory]
    carry_status = model.carry_status if hasattr(model, "carry_status") else null()
    return (select(model.id, model.position, carry_status, *(_column(model, name) for name in field_names))
            .where(model.response_id == bindparam("response_id")).order_by(model.position))


#: Between the codes of an aggregated link list (a control character: never in a code).
SEPARATOR = "\x1f"


def _column(model, field_name: str):
    """What one query reads for an inventory field: the column, or for a link list the
    codes linked to the row, aggregated."""
    if field_name in LINK_FIELDS:
        relation = getattr(model, field_name).property
        target = relation.mapper.class_
        link = relation.secondary
        owner = next(c for c in link.c if c.references(model.__table__.c.id))
        linked = next(c for c in link.c if c.references(target.__table__.c.id))
        return (select(func.aggregate_strings(target.code, SEPARATOR)).where(linked == target.id, owner == model.id)
                .scalar_subquery())
    if field_name == "activity_type":
        target = model.activity_type.property.mapper.class_
        return select(target.code).where(target.id == model.activity_type_id).scalar_subquery()
    return getattr(model, field_name)


def _read(field_name: str, value):
    """An inventory field's value as the entry holds it: codes for links, "yes"/"no"."""
    if field_name in LINK_FIELDS:
        return reference_list(LINK_FIELDS[field_name]).in_order(value.split(SEPARATOR)) if value else []
    if field_name == "publish_consent":
        return None if value is None else ("yes" if value else "no")
    return value


# --- writing ----------------------------------------------------------------------

def set_answer(response: Response, layout: Layout, code: str, value, entry: int = 0) -> None:
    """Store (or remove, for an empty value) one answer row (flushes later)."""
    question = layout.questions[code]
    row = next((a for a in response.answers if a.code == code and a.entry == entry), None)
    if is_empty(value):
        if row is not None:
            response.answers.remove(row)
        return
    if row is None:
        row = Answer(question_id=layout.question_ids[code], code=code, entry=entry)
        response.answers.append(row)
    row.text_value = row.number_value = row.date_value = row.json_value = None
    kind = question_type(question)
    setattr(row, kind.answer_column, kind.to_column(value))


def write_entry(response: Response, layout: Layout, repeat: dict, key: str | None, values: dict,
                references: References) -> str:
    """Create or update one entry of a repeating group; returns its key."""
    if repeat.get("inventory"):
        return _write_inventory(response, layout, repeat, key, values, references)
    if key:
        number = int(key.split(":")[1])
    else:
        numbers = [a.entry for a in response.answers if layout.parent.get(a.code) == repeat["code"]]
        number = max(response.last_entry_number or 0, *numbers, 0) + 1
        response.last_entry_number = number
    for child in repeat["questions"]:
        if child["code"] in values:
            set_answer(response, layout, child["code"], values[child["code"]], entry=number)
    return f"entry:{number}"


def _write_inventory(response, layout, repeat, key, values, references) -> str:
    inventory = repeat["inventory"]
    model = INVENTORY_MODELS[inventory]
    rows = _inventory_rows(response, inventory)
    if key:
        row = next((r for r in rows if f"{inventory}:{r.id}" == key), None)
        if row is None:
            raise KeyError(key)
    else:
        row = model(position=max((r.position for r in rows), default=0) + 1)
        rows.append(row)
    for field_name, code in layout.binding(repeat).items():
        if code in values:
            _set_field(row, field_name, values[code], references)
    db.session.flush()
    return f"{inventory}:{row.id}"


def _set_field(row, field_name: str, value, references: References) -> None:
    if field_name in LINK_FIELDS:
        setattr(row, field_name, [references.row(LINK_FIELDS[field_name], code) for code in (value or [])])
    elif field_name == "activity_type":
        row.activity_type = references.row("activity_type", value) if value else None
    elif field_name == "publish_consent":
        row.publish_consent = None if value is None else value == "yes"
    elif field_name == "start_year":
        row.start_year = int(value) if value is not None else None
    elif field_name == "member_share":
        row.member_share = float(value) if value is not None else None
    else:
        setattr(row, field_name, value if not is_empty(value) else None)


def delete_entry(response: Response, layout: Layout, repeat: dict, key: str) -> bool:
    """Remove one entry; False when it was not there."""
    if repeat.get("inventory"):
        rows = _inventory_rows(response, repeat["inventory"])
        row = next((r for r in rows if f"{repeat['inventory']}:{r.id}" == key), None)
        if row is None:
            return False
        rows.remove(row)
        for position, other in enumerate(rows, start=1):
            other.position = position
        return True
    number = int(key.split(":")[1])
    doomed = [a for a in response.answers if layout.parent.get(a.code) == repeat["code"] and a.entry == number]
    for row in doomed:
        response.answers.remove(row)
    return bool(doomed)


def inventory_row(response: Response, key: str):
    """The Activity, Dilemma or Bottleneck of an entry key."""
    inventory, _, row_id = key.partition(":")
    if inventory not in INVENTORY_MODELS or not row_id.isdigit():
        return None
    return next((r for r in _inventory_rows(response, inventory) if r.id == int(row_id)), None)
