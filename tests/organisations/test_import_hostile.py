"""Hostile files at the organisation import, on the page and on the command line:
each is refused before it is parsed, with a message that says what is wrong, and
nothing is saved or kept."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Organisation

from .. import factories, hostile

CASES = [
    pytest.param(hostile.zip_bomb, "organisaties.xlsx", "meer dan de grens van 10 MB", id="zip-bomb"),
    pytest.param(lambda: hostile.BINARY, "organisaties.csv", "Dit bestand bevat binaire gegevens", id="binary-csv"),
    pytest.param(lambda: hostile.BINARY, "organisaties.xlsx", "Dit bestand bevat binaire gegevens", id="binary-xlsx"),
    pytest.param(lambda: hostile.UTF16_CSV, "organisaties.csv", "opgeslagen als UTF-16", id="utf-16"),
    pytest.param(lambda: hostile.EMPTY, "organisaties.csv", "Het bestand is leeg.", id="empty"),
    pytest.param(hostile.wide, "organisaties.xlsx",
                 "Het werkblad Blad1 loopt tot kolom 10.000, meer dan de grens van 200 kolommen.", id="wide-xlsx"),
    pytest.param(hostile.wide_csv, "organisaties.csv", "Regel 1 heeft 10.000 kolommen, meer dan de grens van 200.",
                 id="wide-csv"),
    pytest.param(hostile.dimension_to_last_row, "organisaties.xlsx",
                 "Het werkblad Blad1 loopt tot rij 1.048.576, meer dan de grens van 10.000 rijen.", id="last-row"),
    pytest.param(hostile.rows_past_their_dimension, "organisaties.xlsx", "loopt tot rij 1.048.576",
                 id="rows-past-dimension"),
    pytest.param(lambda: b"naam;soort\n" + b"Bedrijf;bedrijf\n" * 10_000, "organisaties.csv",
                 "Het bestand heeft 10.001 rijen, meer dan de grens van 10.000.", id="many-rows"),
    pytest.param(lambda: b"naam;soort\nBedrijf;" + b"x" * 200_000 + b"\n", "organisaties.csv",
                 "Regel 2 is 200.008 tekens lang, meer dan de grens van 100.000.", id="long-line"),
]


def _kept_uploads(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "imports").glob("*.upload"))


@pytest.mark.parametrize("build, filename, message", CASES)
def test_the_page_refuses_with_a_message_and_saves_nothing(app, secretariat_client, build, filename, message):
    kept = _kept_uploads(app)
    # Refused before parsing: the bomb is poisoned half-way, so parsing would fail otherwise.
    result = hostile.upload(secretariat_client, "/organisations/import", "file", build(), filename)
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert message in page and "Er is een probleem" in page
    assert 'name="upload"' not in page  # no confirmation offered
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert _kept_uploads(app) == kept


#: The same refusals as the command line gives them: in English, as the rest of its output.
IN_ENGLISH = {
    "zip-bomb": "more than the limit of 10 MB", "binary-csv": "This file holds binary data",
    "binary-xlsx": "This file holds binary data", "utf-16": "saved as UTF-16", "empty": "The file is empty.",
    "wide-xlsx": "The sheet Blad1 reaches column 10,000, more than the limit of 200 columns.",
    "wide-csv": "Line 1 has 10,000 columns, more than the limit of 200.",
    "last-row": "The sheet Blad1 reaches row 1,048,576, more than the limit of 10,000 rows.",
    "rows-past-dimension": "reaches row 1,048,576", "many-rows": "The file has 10,001 rows, more than the limit of 10,000.",
    "long-line": "Line 2 is 200,008 characters long, more than the limit of 100,000.",
}


@pytest.mark.parametrize("build, filename, case", [pytest.param(*case.values[:2], case.id, id=case.id)
                                                   for case in CASES])
def test_the_command_line_refuses_with_the_same_message_in_english(runner, tmp_path, build, filename, case):
    path = tmp_path / filename
    path.write_bytes(build())
    result = runner.invoke(args=["org", "import", str(path)])
    assert result.exit_code != 0
    assert IN_ENGLISH[case] in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_a_damaged_sheet_is_a_message_not_a_500(secretariat_client):
    """openpyxl failing while it reads the rows (not only when it opens the file)."""
    damaged = hostile.rewritten(hostile.workbook({"Blad1": b"<sheetData>" + hostile.row(1, "naam", "soort")
                                                  + b"</sheetData>"}), "xl/worksheets/sheet1.xml",
                                b"</sheetData>", b"<row r='x'>")
    result = secretariat_client.post("/organisations/import", data={"file": (io.BytesIO(damaged), "x.xlsx")},
                                     content_type="multipart/form-data")
    assert result.status_code == 200
    assert "beschadigd" in result.get_data(as_text=True)


def test_a_wrong_recorded_size_neither_cuts_off_nor_pads_rows(secretariat_client):
    """A sheet that says it is one cell large is read whole (openpyxl read only A1)."""
    rows = hostile.row(1, "naam", "soort") + hostile.row(2, "Koffie B.V.", "bedrijf") + \
        hostile.row(3, "Thee B.V.", "bedrijf")
    data = hostile.workbook({"Blad1": b'<dimension ref="A1"/><sheetData>' + rows + b"</sheetData>"})
    page = secretariat_client.post("/organisations/import", data={"file": (io.BytesIO(data), "x.xlsx")},
                                   content_type="multipart/form-data").get_data(as_text=True)
    assert "2 organisaties worden toegevoegd" in page


def test_a_file_over_the_upload_size_names_the_limit(make_app, secretariat):
    small = make_app(UPLOAD_MAX_MB=1, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    client = small.test_client()
    login = client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    assert login.status_code == 302
    result = hostile.upload(client, "/organisations/import", "file", b"naam;soort\n" * 200_000, "groot.csv")
    assert result.status_code == 413
    assert "Het bestand is groter dan 1 MB; groter kan niet worden geüpload." in result.get_data(as_text=True)
