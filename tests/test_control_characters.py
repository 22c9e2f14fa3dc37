"""Control characters in what a browser sends: a NUL (which PostgreSQL refuses in any
text, so that the save failed with a server error there) or another C0 control
character pasted from a binary file never reaches the database or an export. Every
form field and query parameter comes through one request class that drops them, and
spreadsheets and CSV files are read without them; tabs and line ends stay."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Activity, Invitation
from imvo_survey.spreadsheets.reading import read_table

from .answering import ACTIVITY, base_of, lock_of, page_text

PASTED = "Eerste\x00 regel\x07\tmet tab\nTweede\x1b regel"
KEPT = "Eerste regel\tmet tab\nTweede regel"


def test_an_activity_with_a_nul_is_saved_without_it(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/entries/activity/new"
    page = page_text(started_client.get(url))
    data = {**ACTIVITY, "activity_title": "Audit\x00 2010", "activity_description": PASTED,
            "lock_version": lock_of(page), "base": base_of(page),
            "activity_aspects__present": "1", "activity_countries__present": "1"}
    assert started_client.post(url, data=data).status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert (activity.title, activity.description) == ("Audit 2010", KEPT)


def test_an_app_form_with_a_nul_is_saved_without_it(link_client, invited):
    invitation, _token = invited
    assert link_client.post(f"/respond/{invitation.id}/decline", data={"reason": PASTED}).status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).decline_reason == KEPT


def test_a_search_with_a_nul_is_answered(secretariat_client):
    page = secretariat_client.get("/organisations/?q=Voed%00sel")
    assert page.status_code == 200


def test_a_workbook_cell_with_an_escaped_nul_is_read_without_it():
    """Excel writes control characters in a cell as OOXML escapes (`_x0000_`); a tab and
    a CR escape are kept (as tab and LF), the rest dropped."""
    workbook = Workbook()
    workbook.active.append(["name", "note"])
    workbook.active.append(["Voed_x0000_sel", "a_x0007_b_x0009_c_x000D_d"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "leden.xlsx")
    assert table.rows[0][1] == {"name": "Voedsel", "note": "ab\tc\nd"}


def test_a_csv_file_with_a_dos_end_of_file_mark_is_read_without_it():
    table = read_table("naam;plaats\r\nVoedsel\x1b;Den Haag\r\n\x1a".encode("cp1252"), "leden.csv")
    assert [values for _line, values in table.rows] == [{"naam": "Voedsel", "plaats": "Den Haag"}]
