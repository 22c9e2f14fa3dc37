"""What an XLSForm import reads past is reported as a warning naming the sheet, row and
column, never dropped in silence; warnings do not stop an import."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from imvo_survey.questionnaires.xlsform import WorkbookWarning, read_workbook, read_workbook_with_warnings

from .test_xlsform import kobo_workbook

pytestmark = pytest.mark.usefixtures("english")  # messages asserted in English

AUDIENCE_SETTINGS = (("form_id", "imvo::audience"), ("test_form", "company"))


def workbook(**sheets) -> bytes:
    """A workbook with the given sheets in order (lists of rows, the first the header)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for cells in rows:
            sheet.append(list(cells))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def survey_with(*rows, header=("type", "name", "label", "appearance"), settings=AUDIENCE_SETTINGS) -> bytes:
    return workbook(survey=[header, *rows], settings=settings)


def warnings_of(data: bytes) -> list[tuple]:
    """(sheet, row, column, message) of each warning; the import must go ahead."""
    reading = read_workbook_with_warnings(data)
    assert reading.errors == [] and reading.definition is not None
    assert all(isinstance(warning, WorkbookWarning) for warning in reading.warnings)
    return [(w.sheet, w.row, w.column, str(w.message)) for w in reading.warnings]


def test_a_kobo_workbook_imports_and_says_what_it_ignored():
    reading = read_workbook_with_warnings(kobo_workbook())
    assert reading.errors == []
    assert reading.definition == read_workbook(kobo_workbook())[0]  # the warnings change nothing
    assert warnings_of(kobo_workbook()) == [
        ("survey", 2, "type", "The metadata row start is ignored: the survey keeps its own record of when and "
                              "by whom it is answered."),
        ("survey", 3, "type", "The metadata row end is ignored: the survey keeps its own record of when and "
                              "by whom it is answered."),
        ("choices", 6, "list_name", "The choice list unused is not used by any question that is imported, so it "
                                    "is left out."),
        ("settings", 2, "style", "The setting style is not supported, so it is ignored."),
        ("settings", 2, "version", "The version 'vX1' is not a whole number, so it is ignored."),
        ("settings", 2, "imvo::audience", "No audience given; assumed association. Fill in imvo::audience "
                                          "(association or company) to choose."),
    ]


@pytest.mark.parametrize("metadata", ["start", "end", "today", "deviceid", "username", "audit"])
def test_metadata_rows_are_named(metadata):
    data = survey_with((metadata, metadata, None), ("text", "q", "Q"))
    assert warnings_of(data) == [("survey", 2, "type", f"The metadata row {metadata} is ignored: the survey "
                                                       "keeps its own record of when and by whom it is answered.")]


@pytest.mark.parametrize(("cells", "ignored", "kind"), [
    (("text", "q", "Q", "multiline"), None, "long_text"),
    (("text", "q", "Q", "MULTILINE"), None, "long_text"),
    (("text", "q", "Q", "multiline w5"), "w5", "long_text"),
    (("text", "q", "Q", "numbers"), "numbers", "text"),
    (("select_one yes_no", "q", "Q", "minimal"), "minimal", "single_choice"),
    (("select_multiple yes_no", "q", "Q", "horizontal-compact"), "horizontal-compact", "multiple_choice"),
    (("integer", "q", "Q", "multiline"), "multiline", "integer"),  # multiline only makes texts long
    (("date", "q", "Q", "month-year"), "month-year", "date"),
])
def test_appearances_other_than_multiline_are_reported(cells, ignored, kind):
    data = workbook(survey=[("type", "name", "label", "appearance"), cells],
                    choices=[("list_name", "name", "label"), ("yes_no", "yes", "Ja"), ("yes_no", "no", "Nee")],
                    settings=AUDIENCE_SETTINGS)
    expected = [] if ignored is None else [
        ("survey", 2, "appearance", f"The appearance {ignored} is ignored: only multiline, on a text question, "
                                    "is read.")]
    assert [w for w in warnings_of(data) if w[0] != "choices"] == expected  # (the list is unused by texts)
    assert read_workbook(data)[0]["sections"][0]["questions"][0]["type"] == kind


def test_appearances_on_groups_and_repeats_are_reported():
    data = survey_with(("begin_group", "g", "G", "field-list"), ("begin_repeat", "r", "R", "field-list w2"),
                       ("text", "q", "Q"), ("end_repeat",), ("end_group",))
    assert [(sheet, row, column) for sheet, row, column, _message in warnings_of(data)] == [
        ("survey", 2, "appearance"), ("survey", 3, "appearance")]
    assert "field-list w2" in warnings_of(data)[1][3]


def test_unsupported_settings_and_extra_settings_rows_are_reported():
    settings = [("form_title", "form_id", "imvo::audience", "instance_name", "submission_url", "public_key",
                 "default_language"),
                ("Titel", "f", "company", "concat(${q})", "https://example.org/submit", None, "nl"),
                ("Tweede", "g")]
    assert warnings_of(survey_with(("text", "q", "Q"), settings=settings)) == [
        ("settings", 2, "instance_name", "The setting instance_name is not supported, so it is ignored."),
        ("settings", 2, "submission_url", "The setting submission_url is not supported, so it is ignored."),
        ("settings", 3, None, "Only the first row of the settings sheet is read; this row is ignored."),
    ]


def test_a_missing_audience_is_assumed_association_and_said_so():
    for settings in ((("form_id",), ("f",)), (("form_id", "imvo::audience"), ("f", None))):
        reading = read_workbook_with_warnings(survey_with(("text", "q", "Q"), settings=settings))
        assert reading.definition["questionnaire"]["audience"] == "association"
        assert [(w.sheet, w.row, w.column) for w in reading.warnings] == [("settings", 2, "imvo::audience")]
        assert str(reading.warnings[0].message).startswith("No audience given; assumed association.")
    given = read_workbook_with_warnings(survey_with(("text", "q", "Q")))
    assert given.definition["questionnaire"]["audience"] == "company" and given.warnings == []


def test_other_sheets_and_headerless_columns_are_reported():
    data = workbook(survey=[("type", "name", "label", None), ("text", "q", "Q", "forgotten")],
                    settings=list(AUDIENCE_SETTINGS), external_choices=[("list_name", "name"), ("x", "y")],
                    empty=[])
    assert warnings_of(data) == [
        ("survey", 2, None, "Column D has no header, so its values are ignored."),
        ("external_choices", None, None, "The sheet external_choices is not read, so its content is ignored."),
    ]


def test_kobo_columns_starting_with_a_dollar_are_skipped_without_a_word():
    data = survey_with(("text", "q", "Q", "k1"), header=("type", "name", "label", "$kuid"))
    assert warnings_of(data) == []


def test_warnings_come_with_errors_too_and_never_replace_them():
    data = survey_with(("start", "start"), ("foo", "q", "Q"))
    reading = read_workbook_with_warnings(data)
    assert reading.definition is None and [e.row for e in reading.errors] == [3]
    assert [(w.sheet, w.row, w.column) for w in reading.warnings] == [("survey", 2, "type")]
