"""Importing organisations with their contacts from CSV or XLSX.

Every row is checked before anything is written; the import saves all rows or none.
An organisation with the same KvK number, or else the same name and kind, is updated
rather than duplicated. Several rows for one organisation add several contacts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..emails import InvalidEmail, normalise_email
from ..extensions import db
from ..models import ASSOCIATION_KINDS, KINDS, Branch, Contact, Organisation, Sector, name_key
from ..spreadsheets.reading import Table, as_text, is_blank, normalise_header, parse_bool, parse_int
from ..whole_numbers import MAX_INT
from .import_columns import (
    COLUMNS,
    KIND_WORDS,
    LANGUAGE_WORDS,
    MEMBER_SEPARATOR,
    REQUIRED_COLUMNS,
    SIZE_WORDS,
)
from .services import deactivate_organisation, find_association, find_organisation, set_primary_contact

#: Told as a long import goes (a background job): (done, in all, what is being done).
Progress = Callable[[int, int, str], None]


def _silent(done: int, total: int, what: str) -> None:
    """No one to tell (a page's small file, the command line)."""


@dataclass
class RowError:
    """One problem: the line in the file, the column (if any) and what is wrong."""

    line: int | None
    column: str | None
    message: str


@dataclass
class PlannedOrganisation:
    """What the import will do with one organisation."""

    key: tuple
    lines: list[int]
    values: dict[str, object]
    contacts: list[dict[str, object]] = field(default_factory=list)
    member_of: list[tuple[int, str]] = field(default_factory=list)
    existing: Organisation | None = None
    #: The organisation written, once the plan is applied.
    organisation: Organisation | None = None

    @property
    def name(self) -> str:
        return str(self.values.get("name") or (self.existing.name if self.existing else ""))


@dataclass
class ImportPlan:
    """The checked content of a file: what would be created and updated, or the errors."""

    organisations: list[PlannedOrganisation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def to_create(self) -> list[PlannedOrganisation]:
        return [item for item in self.organisations if item.existing is None]

    @property
    def to_update(self) -> list[PlannedOrganisation]:
        return [item for item in self.organisations if item.existing is not None]

    @property
    def contact_count(self) -> int:
        return sum(len(item.contacts) for item in self.organisations)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    created: int
    updated: int
    contacts: int


class _Lookups:
    """Reference data by every name an import may use for it."""

    def __init__(self) -> None:
        self.sectors: dict[str, Sector] = {}
        for sector in db.session.scalars(select(Sector)):
            for word in (sector.code, sector.label_nl, sector.label_en, *(a.alias for a in sector.aliases)):
                self.sectors[word.casefold()] = sector
        self.branches: dict[str, Branch] = {}
        for branch in db.session.scalars(select(Branch)):
            for word in (branch.code, branch.label_nl, branch.label_en):
                self.branches[word.casefold()] = branch


def match_columns(headers: list[str]) -> tuple[dict[str, str], list[RowError]]:
    """Map the file's headers to column codes; unknown, duplicate and missing columns are errors."""
    aliases = {alias: code for code, names in COLUMNS.items() for alias in names}
    mapping: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        if not header:
            continue
        code = aliases.get(normalise_header(header))
        if code is None:
            errors.append(RowError(1, header, _("Unknown column. Use the columns of the template.")))
        elif code in mapping.values():
            errors.append(RowError(1, header, _("This column appears twice.")))
        else:
            mapping[header] = code
    for code in REQUIRED_COLUMNS:
        if code not in mapping.values():
            errors.append(RowError(1, code, _("The required column is missing.")))
    return mapping, errors


def plan_import(table: Table, progress: Progress = _silent) -> ImportPlan:
    """Check every row of `table` and work out what to create and update."""
    plan = ImportPlan()
    mapping, plan.errors = match_columns(table.headers)
    if plan.errors:
        return plan
    if not table.rows:
        plan.errors.append(RowError(None, None, _("The file has no rows below the header.")))
        return plan
    lookups = _Lookups()
    by_key: dict[tuple, PlannedOrganisation] = {}
    for done, (line, raw) in enumerate(table.rows, start=1):
        progress(done, len(table.rows), _("checking the rows"))
        row = {mapping[header]: value for header, value in raw.items() if header in mapping}
        values, contact, member_of, errors = _check_row(line, row, lookups)
        plan.errors.extend(errors)
        if errors:
            continue
        key = ("kvk", values["kvk_number"]) if values.get("kvk_number") else (
            "name", name_key(values["name"]), values["kind"])
        planned = by_key.get(key)
        if planned is None:
            planned = PlannedOrganisation(key=key, lines=[line], values=values)
            by_key[key] = planned
            plan.organisations.append(planned)
        else:
            planned.lines.append(line)
            plan.errors.extend(_merge(planned, line, values))
        if contact:
            if any(c["email"] == contact["email"] for c in planned.contacts):
                plan.errors.append(RowError(line, "contact_email",
                                            _("This contact appears twice for the same organisation.")))
            planned.contacts.append(contact)
        planned.member_of.extend((line, reference) for reference in member_of)
    _check_across_rows(plan, progress)
    return plan


def _check_row(line: int, row: dict, lookups: _Lookups):
    """Parse one row: organisation values, contact, associations and the errors."""
    errors: list[RowError] = []
    values: dict[str, object] = {}

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    name = as_text(row.get("name"))
    if not name:
        error("name", _("The name is required."))
    elif len(name) > 200:
        error("name", _("The name is longer than 200 characters."))
    values["name"] = name

    kind_text = as_text(row.get("kind"))
    kind = None
    if not kind_text:
        error("kind", _("The kind is required: %(choices)s.", choices=", ".join(KINDS)))
    else:
        kind = kind_text if kind_text in KINDS else KIND_WORDS.get(kind_text.casefold())
        if kind is None:
            error("kind", _("Unknown kind %(value)r; use one of %(choices)s.",
                            value=kind_text, choices=", ".join(KINDS)))
    values["kind"] = kind

    size_text = as_text(row.get("size"))
    if size_text:
        size = SIZE_WORDS.get(size_text.casefold())
        if size is None:
            error("size", _("Unknown size %(value)r; use large or mkb.", value=size_text))
        elif kind and kind != "company":
            error("size", _("Only companies have a size."))
        values["size"] = size

    for column, table, label in (("sector", lookups.sectors, _("sector")),
                                 ("branch", lookups.branches, _("branch"))):
        text = as_text(row.get(column))
        if text:
            found = table.get(text.casefold())
            if found is None:
                error(column, _("Unknown %(what)s %(value)r.", what=label, value=text))
            values[column] = found

    kvk_text = as_text(row.get("kvk_number"))
    if kvk_text:
        kvk = "".join(kvk_text.split()).replace(".", "")
        if kvk.isdigit() and len(kvk) < 8 and isinstance(row.get("kvk_number"), (int, float)):
            kvk = kvk.zfill(8)  # a spreadsheet dropped the leading zeros
        if not (kvk.isdigit() and len(kvk) == 8):
            error("kvk_number", _("A KvK number has exactly 8 digits."))
        values["kvk_number"] = kvk

    for column in ("member_count", "mkb_member_count"):
        if not is_blank(row.get(column)):
            try:
                number = parse_int(row[column])
                if not 0 <= number <= MAX_INT:  # a larger one would not fit the database column
                    raise ValueError
            except ValueError:
                error(column, _("Enter a whole number from 0 to %(max)s.", max=MAX_INT))
                continue
            if kind == "company":
                error(column, _("Only associations and boards have members."))
            values[column] = number
    if (isinstance(values.get("member_count"), int) and isinstance(values.get("mkb_member_count"), int)
            and values["mkb_member_count"] > values["member_count"]):
        error("mkb_member_count", _("There cannot be more MKB members than members."))

    website = as_text(row.get("website"))
    if website:
        if len(website) > 300:
            error("website", _("The website address is longer than 300 characters."))
        values["website"] = website

    for column, field_name in (("listed", "is_listed"), ("active", "is_active")):
        if not is_blank(row.get(column)):
            try:
                values[field_name] = parse_bool(row[column])
            except ValueError:
                error(column, _("Use ja or nee (yes or no)."))
    if values.get("is_listed") and kind and kind != "company":
        error("listed", _("Only companies can be listed on a stock exchange."))

    member_of = []
    member_text = as_text(row.get("member_of"))
    if member_text:
        if kind and kind != "company":
            error("member_of", _("Only companies are members of associations."))
        member_of = [part.strip() for part in member_text.split(MEMBER_SEPARATOR) if part.strip()]

    contact = _check_contact(line, row, errors)
    return values, contact, member_of, errors


def _check_contact(line: int, row: dict, errors: list[RowError]) -> dict | None:
    """The contact of a row, if it has one."""
    fields = {column: as_text(row.get(column)) for column in
              ("contact_name", "contact_email", "contact_phone", "contact_function", "contact_language")}
    primary_raw = row.get("contact_primary")
    if not any(fields.values()):
        return None
    contact: dict[str, object] = {}
    if not fields["contact_name"]:
        errors.append(RowError(line, "contact_name", _("A contact needs a name.")))
    contact["name"] = fields["contact_name"]
    if not fields["contact_email"]:
        errors.append(RowError(line, "contact_email", _("A contact needs an e-mail address.")))
    else:
        try:
            contact["email"] = normalise_email(fields["contact_email"])
        except InvalidEmail:
            errors.append(RowError(line, "contact_email",
                                   _("%(value)r is not a valid e-mail address.", value=fields["contact_email"])))
    contact["phone"] = fields["contact_phone"]
    contact["function"] = fields["contact_function"]
    language = "nl"
    if fields["contact_language"]:
        language = LANGUAGE_WORDS.get(fields["contact_language"].casefold())
        if language is None:
            errors.append(RowError(line, "contact_language", _("Use nl or en.")))
    contact["language"] = language
    try:
        contact["is_primary"] = parse_bool(primary_raw) if not is_blank(primary_raw) else False
    except ValueError:
        errors.append(RowError(line, "contact_primary", _("Use ja or nee (yes or no).")))
    return contact


def _merge(planned: PlannedOrganisation, line: int, values: dict) -> list[RowError]:
    """A further row of the same organisation may repeat its values, not contradict them."""
    errors = []
    for column, value in values.items():
        if value is None:
            continue
        earlier = planned.values.get(column)
        if earlier is None:
            planned.values[column] = value
        elif (name_key(earlier) if column == "name" else earlier) != (name_key(value) if column == "name" else value):
            errors.append(RowError(line, column,
                                   _("Differs from an earlier row for the same organisation (line %(line)d).",
                                     line=planned.lines[0])))
    return errors


def _check_across_rows(plan: ImportPlan, progress: Progress) -> None:
    """Match with the register, and check what needs all rows: primary contacts,
    associations named in member_of, KvK numbers taken by another organisation."""
    file_associations = {}
    for done, planned in enumerate(plan.organisations, start=1):
        progress(done, len(plan.organisations), _("matching with the register"))
        values = planned.values
        planned.existing = find_organisation(values.get("kvk_number"), values["name"], values["kind"])
        existing = planned.existing
        if existing is not None and existing.kind != values["kind"] and values.get("kvk_number"):
            plan.errors.append(RowError(planned.lines[0], "kind", _(
                "KvK number %(kvk)s belongs to %(name)s, which is of another kind.",
                kvk=values["kvk_number"], name=existing.name)))
        if existing is not None and values.get("kvk_number") and existing.kvk_number not in (None, values["kvk_number"]):
            plan.errors.append(RowError(planned.lines[0], "kvk_number", _(
                "%(name)s already has KvK number %(kvk)s.", name=existing.name, kvk=existing.kvk_number)))
        primaries = [c for c in planned.contacts if c.get("is_primary")]
        if len(primaries) > 1:
            plan.errors.append(RowError(planned.lines[0], "contact_primary",
                                        _("Only one contact per organisation can be primary.")))
        if values["kind"] in ASSOCIATION_KINDS:
            for word in (values.get("kvk_number"), name_key(values["name"])):
                if word:
                    file_associations[word] = planned
    for planned in plan.organisations:
        for line, reference in planned.member_of:
            if reference in file_associations or name_key(reference) in file_associations:
                continue
            if find_association(reference) is None:
                plan.errors.append(RowError(line, "member_of", _(
                    "No branch association or board %(value)r in the register or in this file.",
                    value=reference)))
    plan.errors.sort(key=lambda e: (e.line or 0, e.column or ""))


def apply_import(plan: ImportPlan, progress: Progress = _silent) -> ImportResult:
    """Write a valid plan (flushes; the caller commits, or rolls back on any error)."""
    if not plan.is_valid:
        raise ValueError("Cannot apply an import plan with errors")
    by_reference: dict[str, Organisation] = {}
    contacts = 0
    for done, planned in enumerate(plan.organisations, start=1):
        progress(done, len(plan.organisations), _("saving"))
        organisation = planned.existing or Organisation(is_active=True)
        was_active = organisation.is_active
        _assign(organisation, planned.values)
        db.session.add(organisation)
        db.session.flush()
        if was_active and not organisation.is_active:
            deactivate_organisation(organisation)  # its respondents' accounts too, as on its page
        planned.organisation = organisation
        if organisation.kind in ASSOCIATION_KINDS:
            for word in (organisation.kvk_number, organisation.name_key):
                if word:
                    by_reference[word] = organisation
        contacts += _apply_contacts(organisation, planned.contacts)
    for planned in plan.organisations:
        organisation = planned.organisation
        for _line, reference in planned.member_of:
            association = (by_reference.get(reference) or by_reference.get(name_key(reference))
                           or find_association(reference))
            if association not in organisation.associations:
                organisation.associations.append(association)
    db.session.flush()
    return ImportResult(created=len(plan.to_create), updated=len(plan.to_update), contacts=contacts)


def _assign(organisation: Organisation, values: dict) -> None:
    for column in ("name", "kind", "size", "kvk_number", "member_count", "mkb_member_count",
                   "website", "is_listed", "is_active"):
        if values.get(column) is not None:
            setattr(organisation, column, values[column])
    if values.get("sector") is not None:
        organisation.sector = values["sector"]
    if values.get("branch") is not None:
        organisation.branch = values["branch"]


def _apply_contacts(organisation: Organisation, contacts: list[dict]) -> int:
    for data in contacts:
        contact = next((c for c in organisation.contacts if c.email == data["email"]), None)
        if contact is None:
            contact = Contact(organisation=organisation, email=data["email"], is_primary=False)
            db.session.add(contact)
        for column in ("name", "phone", "function", "language"):
            if data.get(column) is not None:
                setattr(contact, column, data[column])
        contact.is_active = True  # listed in the file: a current contact (again)
        db.session.flush()
        if data.get("is_primary"):
            set_primary_contact(contact)
    active = [c for c in organisation.contacts if c.is_active]
    if active and not any(c.is_primary for c in organisation.contacts):
        set_primary_contact(active[0])
    return len(contacts)
