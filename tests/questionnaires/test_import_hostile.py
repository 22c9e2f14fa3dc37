"""Hostile files at the questionnaire import, the worst case before: a zip bomb, an
XLSForm whose survey sheet reaches row 1,048,576 (39-131 s), 10,000 columns, JSON
nested 100,000 deep (a 500), binaries, UTF-16 and empty files. Each is refused before
it is parsed, on the page and on the command line, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire, QuestionnaireVersion
from imvo_survey.questionnaires.services import reference_lists
from imvo_survey.questionnaires.xlsform import reader_base, reader_sheets, write_workbook

from .. import hostile
from .helpers import choices, definition, q


def _xlsform_to_last_row() -> bytes:
    """A real XLSForm, as exported here, with one blank-looking cell at row 1,048,576."""
    data = write_workbook(definition(q("sector", "single_choice", choices=choices("a", "b"))), reference_lists())
    return hostile.with_far_cell(data, "survey")


CASES = [
    pytest.param(lambda: hostile.zip_bomb("survey"), "vragenlijst.xlsx", "meer dan de grens van 10 MB", id="zip-bomb"),
    pytest.param(_xlsform_to_last_row, "vragenlijst.xlsx",
                 "Het werkblad survey loopt tot rij 1.048.576, meer dan de grens van 10.000 rijen.", id="last-row"),
    pytest.param(lambda: hostile.wide("survey"), "vragenlijst.xlsx",
                 "Het werkblad survey loopt tot kolom 10.000, meer dan de grens van 200 kolommen.", id="wide"),
    pytest.param(hostile.deep_json, "vragenlijst.json",
                 "De JSON is 100.001 niveaus diep genest, meer dan de grens van 32.", id="deep-json"),
    pytest.param(lambda: json.dumps([{} for _ in range(10_001)]).encode(), "vragenlijst.json",
                 "Het JSON-bestand bevat 10.001 objecten, meer dan de grens van 10.000.", id="many-objects"),
    pytest.param(lambda: hostile.BINARY, "vragenlijst.xlsx", "Dit bestand bevat binaire gegevens", id="binary-xlsx"),
    pytest.param(lambda: hostile.BINARY, "vragenlijst.json", "Dit bestand bevat binaire gegevens", id="binary-json"),
    pytest.param(lambda: hostile.UTF16_JSON, "vragenlijst.json", "opgeslagen als UTF-16", id="utf-16"),
    pytest.param(lambda: hostile.EMPTY, "vragenlijst.json", "Het bestand is leeg.", id="empty-json"),
    pytest.param(lambda: hostile.EMPTY, "vragenlijst.xlsx", "Het bestand is leeg.", id="empty-xlsx"),
]


def _nothing_stored() -> bool:
    return db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0 and \
        db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


@pytest.mark.parametrize("build, filename, message", CASES)
def test_the_page_refuses_with_a_message_and_stores_nothing(secretariat_client, build, filename, message):
    # Refused before parsing: the bomb is poisoned half-way, so parsing would fail otherwise.
    result = hostile.upload(secretariat_client, "/questionnaires/import", "file", build(), filename)
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert message in page and "Het bestand heeft 1 probleem; er is niets geïmporteerd" in page
    assert _nothing_stored()


#: The same refusals as the command line gives them: in English, as the rest of its output.
IN_ENGLISH = {
    "zip-bomb": "more than the limit of 10 MB",
    "last-row": "The sheet survey reaches row 1,048,576, more than the limit of 10,000 rows.",
    "wide": "The sheet survey reaches column 10,000, more than the limit of 200 columns.",
    "deep-json": "The JSON is nested 100,001 levels deep, more than the limit of 32.",
    "many-objects": "The JSON file holds 10,001 objects, more than the limit of 10,000.",
    "binary-xlsx": "This file holds binary data", "binary-json": "This file holds binary data",
    "utf-16": "saved as UTF-16", "empty-json": "The file is empty.", "empty-xlsx": "The file is empty.",
}


@pytest.mark.parametrize("build, filename, case", [pytest.param(*case.values[:2], case.id, id=case.id)
                                                   for case in CASES])
def test_the_command_line_refuses_with_the_same_message_in_english(runner, tmp_path, build, filename, case):
    path = tmp_path / filename
    path.write_bytes(build())
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code == 1
    assert "1 problem found; nothing was imported" in result.output and IN_ENGLISH[case] in result.output
    assert _nothing_stored()


def test_each_cell_is_looked_at_once_not_each_row_once_per_column(monkeypatch):
    """A sheet whose rows reach a far column (as openpyxl pads them) was read once per
    column, every row each time: 10,000 rows x 200 columns were two million looks."""
    calls = []

    def counting(value):
        calls.append(value)
        return reader_sheets.cell_text(value).strip() == ""

    monkeypatch.setattr(reader_sheets, "is_blank", counting)
    monkeypatch.setattr(reader_base, "is_blank", counting)
    padding = (None,) * 197
    raw = [(1, ("type", "name", "label", *padding))]
    raw += [(number, ("text", f"q{number}", "Vraag", *padding)) for number in range(2, 10_002)]
    table = reader_base.ReaderBase(()).table("survey", raw, None)
    assert len(table.rows) == 10_000
    # Each filled cell at most twice (finding the columns, then reading the rows) and
    # the headers: some 60,000 looks; before, more than 2,000,000.
    assert len(calls) <= 2 * 3 * 10_000 + 200


def test_what_the_file_says_is_escaped_in_the_list_of_problems(secretariat_client):
    """The problems quote the file (a header, a cell); a lazy message counts as safe
    HTML in a template, so the page turns it into text first."""
    from .test_xlsform import make_xlsx

    survey = [("type", "name", "label", "imvo::<img src=x>"), ("text", "naam", "Naam", "iets")]
    result = hostile.upload(secretariat_client, "/questionnaires/import", "file", make_xlsx(survey), "lijst.xlsx")
    page = result.get_data(as_text=True)
    assert "&lt;img src=x&gt;" in page and "<img src=x>" not in page
