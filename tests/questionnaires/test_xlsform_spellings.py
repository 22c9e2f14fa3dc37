"""Workbooks in the spellings the XLSForm tools accept besides the current ones (read
with pyxform's alias tables), and Excel 97-2003 `.xls` workbooks (read with pyxform's
xlrd backend): both read as the same workbook in current spelling would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire
from imvo_survey.questionnaires.xlsform import read_workbook, read_workbook_with_warnings
from imvo_survey.uploads import UploadRefused, check_upload

from .test_xlsform import make_xlsx

pytestmark = pytest.mark.usefixtures("english")  # messages asserted in English

EXAMPLES = Path(__file__).parent / "xlsform_examples"
SETTINGS = (("form_id", "imvo::audience"), ("spelling", "company"))
CURRENT = make_xlsx(
    survey=[("type", "name", "label::English (en)", "relevant", "required"),
            ("begin_group", "g", "Group", None, None),
            ("select_one colours", "colour", "Colour?", None, "yes"),
            ("select_multiple colours", "more", "More?", "${colour} = 'red'", None),
            ("integer", "count", "How many?", None, None),
            ("text", "why", "Why?", None, None),
            ("end_group", None, None, None, None)],
    choices=[("list_name", "name", "label::English (en)"), ("colours", "red", "Red"), ("colours", "blue", "Blue")],
    settings=SETTINGS)


def read(data: bytes) -> dict:
    definition, errors = read_workbook(data)
    assert errors == [] and definition is not None
    return definition


@pytest.mark.parametrize(("survey_header", "choices_header", "types"), [
    (("type", "name", "label:English", "bind:relevant", "bind:required"), ("list name", "name", "label:English"),
     ("begin group", "select one from colours", "select all that apply from colours", "int", "string", "end group")),
    (("type", "name", "caption::English", "relevance", "required"), ("list_name", "value", "label::English"),
     ("begin_group", "select1 colours", "select_multiple colours", "integer", "text", "end_group")),
    (("TYPE", "Name", "Label::english", "bind::relevant", "Required"), ("List Name", "name", "label::english"),
     ("begin group", "select one colours", "select all that apply colours", "q int", "string", "end_group")),
], ids=["single-colons", "aliases", "capitals"])
def test_older_spellings_read_as_the_current_ones(survey_header, choices_header, types):
    rows = [("g", "Group", None, None), ("colour", "Colour?", None, "yes"), ("more", "More?", "${colour} = 'red'", None),
            ("count", "How many?", None, None), ("why", "Why?", None, None), (None, None, None, None)]
    data = make_xlsx(survey=[survey_header, *((kind, *cells) for kind, cells in zip(types, rows, strict=True))],
                     choices=[choices_header, ("colours", "red", "Red"), ("colours", "blue", "Blue")],
                     settings=SETTINGS)
    assert read(data) == read(CURRENT)


def test_or_other_is_read_as_the_list_and_said_so():
    data = make_xlsx(survey=[("type", "name", "label"), ("select one from colours or specify other", "c", "C?")],
                     choices=[("list name", "name", "label"), ("colours", "red", "Red")], settings=SETTINGS)
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    assert [choice["code"] for choice in reading.definition["sections"][0]["questions"][0]["choices"]] == ["red"]
    assert [(w.sheet, w.row, w.column) for w in reading.warnings] == [("survey", 2, "type")]
    assert "or other" in str(reading.warnings[0].message)


def test_an_old_excel_workbook_reads():
    """bug_example_xls__blank_second_row.xls: a blank row after the header, numbers as Excel stores them."""
    reading = read_workbook_with_warnings((EXAMPLES / "bug_example_xls__blank_second_row.xls").read_bytes())
    assert reading.errors == []
    definition = reading.definition
    assert definition["questionnaire"]["code"] == "ID" and definition["questionnaire"]["title"]["en"] == "Title"
    question = definition["sections"][0]["questions"][0]
    assert question["type"] == "integer" and question["code"] == "value"


def test_a_damaged_old_excel_workbook_is_refused_with_a_clear_message():
    damaged = (EXAMPLES / "bug_example_xls__blank_second_row.xls").read_bytes()[:2000]
    definition, errors = read_workbook(damaged)
    assert definition is None and "(.xlsx, .xlsm or .xls)" in str(errors[0].message)
    with pytest.raises(UploadRefused, match="cannot be opened"):
        check_upload(damaged, "oud.xls", ("xlsx", "xls", "json"))


def test_an_old_excel_workbook_passes_the_upload_checks_only_where_asked_for():
    data = (EXAMPLES / "example_xls__style_settings.xls").read_bytes()
    assert check_upload(data, "oud.xls", ("xlsx", "xls", "json")) == "xls"
    with pytest.raises(UploadRefused, match=r"old Excel file \(.xls\)"):
        check_upload(data, "oud.xls", ("xlsx", "csv"))


def test_an_xlsm_workbook_reads():
    reading = read_workbook_with_warnings((EXAMPLES / "bug_example_xls__excel_with_macros.xlsm").read_bytes())
    assert reading.definition is not None or reading.errors  # read, not refused as "cannot be opened"
    assert not any("cannot be opened" in str(error.message) for error in reading.errors)


def test_an_old_excel_workbook_imports_on_the_page(secretariat_client):
    data = (EXAMPLES / "bug_example_xls__blank_second_row.xls").read_bytes()
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "blank_second_row.xls")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(Questionnaire)).code == "ID"


def test_an_old_excel_workbook_imports_on_the_command_line(runner):
    result = runner.invoke(args=["questionnaire", "import", str(EXAMPLES / "bug_example_xls__blank_second_row.xls")])
    assert result.exit_code == 0, result.output
    assert "draft version 1 of ID" in result.output


def test_an_old_excel_workbook_over_the_row_limit_is_refused_before_reading():
    from imvo_survey.uploads import UploadLimits

    limits = UploadLimits(unpacked_mb=10, sheets=10, rows=2, columns=50, line_length=1000, json_depth=20)
    data = (EXAMPLES / "example_xls__tutorial.xls").read_bytes()
    with pytest.raises(UploadRefused, match="more than the limit of 2 rows"):
        check_upload(data, "oud.xls", ("xlsx", "xls", "json"), limits)
