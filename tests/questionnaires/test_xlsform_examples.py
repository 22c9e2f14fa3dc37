"""pyxform's own example workbooks (a representative set, in xlsform_examples/ with
their licence): each imports, with what it cannot use named by place, or is refused
with located, clear reasons; none crashes, on the page or on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire
from imvo_survey.questionnaires.services import read_import

EXAMPLES = Path(__file__).parent / "xlsform_examples"
WORKBOOKS = sorted(path for path in EXAMPLES.iterdir() if path.suffix in (".xls", ".xlsx", ".xlsm"))
#: What each example comes to: imported (with so many rows or cells named as left out) or
#: refused, and where its first problem is (sheet, row, column).
EXPECTED = {
    # Formatted (no values) down to Excel's last row and across 1,024 columns: read as far
    # as its values go.
    "bug_example_xls__UCL_Biomass_Plot_Form.xlsx": ("imported", 42),  # a label showing answers: named
    "bug_example_xls__bad_calc.xlsx": ("refused", ("survey", "", "")),
    "bug_example_xls__blank_second_row.xls": ("imported", 0),
    # A header cell past 251 empty ones and a row past 19,994 empty ones: both past where the
    # XLSForm tools stop reading, so named as left out (and counting for no upload limit).
    "bug_example_xls__extra_columns.xls": ("imported", 2),
    # Formatted across 1,026 columns; refused for its two label columns, as pyxform refuses it.
    "bug_example_xls__duplicate_columns.xlsx": ("refused", ("survey", 1, "label")),
    "bug_example_xls__excel_with_macros.xlsm": ("imported", 1),
    "example_xls__calculate.xls": ("refused", ("survey", "", "")),
    # A choice twice in a list, which its allow_choice_duplicates allows: kept once, named.
    "example_xls__choice_filter_test.xlsx": ("imported", 3),
    "example_xls__extra_sheet_names.xlsx": ("imported", 0),  # an empty choices sheet and other sheets
    "example_xls__field-list.xlsx": ("imported", 1),
    "example_xls__gps.xls": ("refused", ("survey", "", "")),
    "example_xls__group.xlsx": ("imported", 1),
    "example_xls__include.xlsx": ("refused", ("survey", 3, "type")),
    "example_xls__repeat_date_test.xls": ("imported", 8),
    "example_xls__specify_other.xls": ("imported", 1),  # "or specify other" is named
    "example_xls__style_settings.xls": ("imported", 0),
    "example_xls__survey_no_name.xlsx": ("imported", 0),  # its only sheet is the survey
    "example_xls__table-list.xls": ("imported", 5),
    "example_xls__text_and_integer.xls": ("imported", 0),
    "example_xls__tutorial.xls": ("imported", 2),
    "example_xls__widgets.xls": ("imported", 23),  # one label showing an answer (${my_trigger}): named
    "example_xls__yes_or_no_question.xls": ("imported", 0),
    "example_xls__yes_or_no_question.xlsx": ("imported", 0),
}


def test_the_set_is_the_one_expected():
    assert [path.name for path in WORKBOOKS] == sorted(EXPECTED)
    assert (EXAMPLES / "LICENSE").exists() and "BSD" in (EXAMPLES / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda path: path.name)
def test_each_example_imports_with_its_unusable_rows_named_or_is_refused_where_it_is(path, english):
    reading = read_import(path.read_bytes(), path.name)
    outcome, detail = EXPECTED[path.name]
    if outcome == "imported":
        assert reading.errors == [] and reading.definition is not None
        assert len(reading.left_out) == detail
        for sheet, row, _name, message in reading.left_out:
            assert sheet in ("survey", "choices", "settings") and isinstance(row, int) and str(message)
    else:
        assert reading.definition is None
        assert reading.errors[0][:3] == detail
        assert all(str(message) for *_place, message in reading.errors)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda path: path.name)
def test_no_example_makes_the_page_fail(secretariat_client, path):
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(path.read_bytes()), path.name)}, content_type="multipart/form-data")
    outcome, detail = EXPECTED[path.name]
    if outcome == "refused":
        assert response.status_code == 200 and "er is niets geïmporteerd" in response.get_data(as_text=True)
    elif detail:
        assert response.status_code == 200 and 'name="upload"' in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert db.session.scalar(select(Questionnaire)) is not None
