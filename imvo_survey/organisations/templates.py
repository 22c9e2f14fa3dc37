"""The import template: the columns, what goes in them, and two example rows."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from ..extensions import db
from ..models import KINDS, Branch, Sector
from .import_columns import COLUMNS, MEMBER_SEPARATOR

EXAMPLE_ROWS = [
    {"name": "Voorbeeld Brancheorganisatie", "kind": "branch_association", "sector": "voedsel_drank",
     "kvk_number": "12345678", "member_count": "120", "mkb_member_count": "95",
     "website": "https://www.example.org", "active": "ja", "contact_name": "Anna de Vries",
     "contact_email": "a.devries@example.org", "contact_phone": "070 123 45 67",
     "contact_function": "Beleidsadviseur", "contact_language": "nl", "contact_primary": "ja"},
    {"name": "Voorbeeld Handel B.V.", "kind": "company", "size": "mkb", "sector": "handelsmaatschappijen",
     "branch": "wholesale_retail", "kvk_number": "87654321", "listed": "nee",
     "member_of": "12345678", "contact_name": "Jan Jansen", "contact_email": "jan@example.org",
     "contact_language": "en", "contact_primary": "ja"},
]


def column_help() -> dict[str, str]:
    """What each column holds, in the user's language."""
    sectors = ", ".join(s.code for s in db.session.scalars(select(Sector).order_by(Sector.position)))
    branches = ", ".join(b.code for b in db.session.scalars(select(Branch).order_by(Branch.position)))
    return {
        "name": _("Required. The official name."),
        "kind": _("Required. One of: %(choices)s.", choices=", ".join(KINDS)),
        "size": _("Companies only: large or mkb."),
        "sector": _("Sector code (or name): %(choices)s.", choices=sectors),
        "branch": _("Branch code (or name): %(choices)s.", choices=branches),
        "kvk_number": _("KvK number, 8 digits. Rows with the same KvK number (or else the same "
                        "name and kind) update the same organisation."),
        "member_count": _("Associations and boards: number of member companies."),
        "mkb_member_count": _("Associations and boards: of which MKB members."),
        "website": _("Website address."),
        "listed": _("Companies: listed on a stock exchange? ja or nee."),
        "active": _("ja or nee; blank keeps the current value (new organisations are active)."),
        "member_of": _("Companies: KvK numbers or names of their associations, separated by %(sep)s.",
                       sep=MEMBER_SEPARATOR),
        "contact_name": _("Contact's name (several rows for one organisation add several contacts)."),
        "contact_email": _("Contact's e-mail address; required when a contact is given."),
        "contact_phone": _("Contact's telephone number."),
        "contact_function": _("Contact's function."),
        "contact_language": _("Language of messages: nl or en (default nl)."),
        "contact_primary": _("Primary contact? ja or nee."),
    }


def template_csv() -> bytes:
    """A `;`-separated UTF-8 CSV with BOM, as Dutch Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in EXAMPLE_ROWS:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook with the data sheet first and an explanation sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "organisaties"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLE_ROWS:
        sheet.append([row.get(column, "") for column in COLUMNS])
    for column_cells in sheet.columns:
        sheet.column_dimensions[column_cells[0].column_letter].width = 22
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(_("Explanation"))
    help_sheet.append([_("Column"), _("What to fill in")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column, text in column_help().items():
        help_sheet.append([column, text])
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
