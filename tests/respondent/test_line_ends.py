"""Line ends: whatever comes in with CR LF or a lone CR (a browser's textarea, a
Windows file, a workbook) is stored with LF only, so that no XLSX reader shows
`_x000D_`; and an XLSX written from older data holds no CR either."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from imvo_survey.answers.values import parse
from imvo_survey.extensions import db
from imvo_survey.models import Activity, Invitation
from imvo_survey.questionnaires.services import read_import
from imvo_survey.spreadsheets.reading import read_table
from imvo_survey.spreadsheets.writing import xlsx_bytes
from imvo_survey.text import from_spreadsheet, to_spreadsheet

from ..answering import ACTIVITY, base_of, lock_of, page_text
from ..questionnaires.helpers import definition, q

WINDOWS = "Eerste regel\r\nTweede regel\rDerde regel"
UNIX = "Eerste regel\nTweede regel\nDerde regel"


def test_answers_are_parsed_with_lf_only():
    assert parse({"code": "x", "type": "long_text"}, WINDOWS + "\r\n", lambda _q: set()) == UNIX
    assert parse({"code": "x", "type": "text"}, "Een\r\n", lambda _q: set()) == "Een"


def test_a_description_typed_in_the_browser_is_stored_with_lf(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/entries/activity/new"
    page = page_text(started_client.get(url))
    data = {**ACTIVITY, "activity_description": WINDOWS, "lock_version": lock_of(page), "base": base_of(page),
            "activity_aspects__present": "1", "activity_countries__present": "1"}
    assert started_client.post(url, data=data).status_code == 302
    assert db.session.scalar(select(Activity.description)) == UNIX


def test_a_reason_in_an_app_form_is_stored_with_lf(link_client, invited):
    """Every textarea of the app's own forms (here: declining) is a MultilineField."""
    invitation, _token = invited
    link_client.post(f"/respond/{invitation.id}/decline", data={"reason": WINDOWS})
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).decline_reason == UNIX


def test_imported_tables_have_lf_in_csv_and_xlsx():
    csv = f'name;note\r\n"Vereniging";"{WINDOWS}"\r\n'.encode()
    assert read_table(csv, "a.csv").rows[0][1]["note"] == UNIX
    workbook = Workbook()
    workbook.active.append(["name", "note"])
    workbook.active.append(["Vereniging", "Eerste regel_x000D_\nTweede regel_x000D_Derde regel"])  # as Excel writes
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), "a.xlsx").rows[0][1]["note"] == UNIX


def test_an_imported_questionnaire_has_lf_in_its_texts():
    imported = definition(q("a", "long_text", hint={"nl": WINDOWS, "en": WINDOWS}))
    reading = read_import(json.dumps(imported).encode(), "lijst.json")
    assert reading.errors == []
    assert reading.definition["sections"][0]["questions"][0]["hint"] == {"nl": UNIX, "en": UNIX}


def test_an_xlsx_export_of_older_text_with_cr_has_no_x000d():
    data = xlsx_bytes([("Blad", ["Tekst"], [[WINDOWS]])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "_x000D_" not in sheet and "\r" not in sheet and "Tweede regel" in sheet


@pytest.mark.parametrize("typed", ["a\nb", "a _x000D_ b", "a_x005F_b", "_x0041_", "_x00", ""])
def test_spreadsheet_text_reads_back_as_typed(typed):
    assert from_spreadsheet(to_spreadsheet(typed)) == typed


def test_excels_escapes_are_decoded_and_others_kept():
    assert from_spreadsheet("a_x000D_\nb_x000d_c_x0009_d") == "a\nb\nc\td"
    assert from_spreadsheet("_x005F_x000D_ and _x0041_") == "_x000D_ and _x0041_"
