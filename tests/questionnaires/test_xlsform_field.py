"""XLSForms from the field, as KoBoToolbox, ODK and Excel users make them: no form_id
(the file name gives the code), choice names that are numbers or other words, rows and
columns we cannot use (named, and the rest imported), other languages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire
from imvo_survey.questionnaires.xlsform import read_workbook_with_warnings
from imvo_survey.questionnaires.xlsform.reader_settings import code_from_filename

from .test_xlsform import make_xlsx

pytestmark = pytest.mark.usefixtures("english")  # messages asserted in English

EXAMPLES = Path(__file__).parent / "xlsform_examples"
SURVEY = [("type", "name", "label"), ("text", "q", "Question?")]


def located(found) -> list[tuple]:
    return [(item.sheet, item.row, item.column) for item in found]


# --- no form_id ------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "code"), [
    ("fruit_survey.xlsx", "fruit_survey"), ("Vragenlijst 2024 (def).xls", "Vragenlijst_2024_def"),
    ("2024.xlsx", "_2024"), ("père.xlsx", "pere"), ("C:\\Users\\me\\form.v2.xlsm", "form.v2"),
    ("x" * 100 + ".xlsx", "x" * 80), ("....xlsx", ""),
])
def test_a_code_from_the_file_name(filename, code):
    assert code_from_filename(filename) == code


@pytest.mark.parametrize("settings", [None, (("form_title",), ("Fruit",))], ids=["no-settings-sheet", "no-form_id"])
def test_without_a_form_id_the_file_name_gives_the_code_and_says_so(settings):
    reading = read_workbook_with_warnings(make_xlsx(survey=SURVEY, settings=settings), filename="Fruit survey.xlsx")
    assert reading.errors == []
    assert reading.definition["questionnaire"]["code"] == "Fruit_survey"
    row = None if settings is None else 2
    assert ("settings", row, "form_id") in located(reading.warnings)
    message = next(str(w.message) for w in reading.warnings if w.column == "form_id")
    assert "the file name gives the code Fruit_survey" in message


def test_without_a_form_id_or_a_usable_file_name_it_is_refused():
    for filename in (None, "....xlsx"):
        reading = read_workbook_with_warnings(make_xlsx(survey=SURVEY, settings=None), filename=filename)
        assert reading.definition is None
        assert "The form_id is missing" in str(reading.errors[0].message)


def test_a_form_id_given_wins_over_the_file_name():
    reading = read_workbook_with_warnings(make_xlsx(survey=SURVEY), filename="other.xlsx")
    assert reading.definition["questionnaire"]["code"] == "test_form"
    assert "form_id" not in [w.column for w in reading.warnings]


def test_an_example_without_a_form_id_imports_on_the_page(secretariat_client):
    data = (EXAMPLES / "example_xls__text_and_integer.xls").read_bytes()
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "example_xls__text_and_integer.xls")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(Questionnaire)).code == "example_xls__text_and_integer"


def test_an_example_without_a_form_id_imports_on_the_command_line(runner):
    result = runner.invoke(args=["questionnaire", "import", str(EXAMPLES / "example_xls__yes_or_no_question.xlsx")])
    assert result.exit_code == 0, result.output
    assert "draft version 1 of example_xls__yes_or_no_question" in result.output
    assert "the file name gives the code example_xls__yes_or_no_question" in result.output
