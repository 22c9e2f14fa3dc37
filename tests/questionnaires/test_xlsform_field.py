"""XLSForms from the field, as KoBoToolbox, ODK and Excel users make them: no form_id
(the file name gives the code), choice names that are numbers or other words, rows and
columns we cannot use (named, and the rest imported), other languages."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire
from imvo_survey.questionnaires.xlsform import LeftOut, read_workbook_with_warnings
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


# --- choice names ------------------------------------------------------------------------

NUMBERED = make_xlsx(
    survey=[("type", "name", "label", "relevant"), ("select_one answer", "answer", "Answer?"),
            ("text", "why", "Why?", "${answer} = 99"), ("select_multiple answer", "more", "More?")],
    choices=[("list_name", "name", "label"), ("answer", 1, "Yes"), ("answer", 2.0, "No"), ("answer", 99, "Don't know"),
             ("answer", "10_70", "Ten to seventy"), ("answer", "père", "Father")])


def test_choice_names_may_be_numbers_or_any_word_and_are_kept_as_given():
    reading = read_workbook_with_warnings(NUMBERED, filename="numbered.xlsx")
    assert reading.errors == []
    questions = reading.definition["sections"][0]["questions"]
    assert [choice["code"] for choice in questions[0]["choices"]] == ["1", "2", "99", "10_70", "père"]
    assert questions[1]["show_if"] == {"op": "equals", "question": "answer", "value": 99}


def test_numbered_choices_round_trip_through_workbook_json_and_database(secretariat_client):
    from openpyxl import load_workbook

    from imvo_survey.questionnaires.definition import dump_json, load_json
    from imvo_survey.questionnaires.services import definition_of, find_version, store_definition
    from imvo_survey.questionnaires.xlsform import write_workbook

    definition = read_workbook_with_warnings(NUMBERED, filename="numbered.xlsx").definition
    definition["questionnaire"]["audience"] = "company"
    exported = write_workbook(definition, {})
    choices = list(load_workbook(io.BytesIO(exported))["choices"].iter_rows(values_only=True))
    assert [row[1] for row in choices[1:6]] == ["1", "2", "99", "10_70", "père"]  # text, as given
    assert read_workbook_with_warnings(exported).definition == definition
    assert load_json(dump_json(definition)) == (definition, [])
    store_definition(definition)
    db.session.commit()
    assert definition_of(find_version("test_form", 1))["sections"] == definition["sections"]
    page = secretariat_client.get("/questionnaires/test_form/v1").get_data(as_text=True)
    assert "<code>99</code>" in page and "<code>père</code>" in page


def test_a_choice_name_too_long_is_refused_where_it_is():
    data = make_xlsx(survey=[("type", "name", "label"), ("select_one l", "q", "Q?")],
                     choices=[("list_name", "name", "label"), ("l", "a", "A"), ("l", "x" * 81, "B")])
    reading = read_workbook_with_warnings(data)
    assert reading.definition is None
    assert located(reading.errors) == [("choices", 3, "name")]
    assert "at most 80 characters" in str(reading.errors[0].message)


SPACED = make_xlsx(
    survey=[("type", "name", "label", "relevant"),
            ("select_one known", "source", "Where from?", None),
            ("text", "which", "Which one?", "${source} = 'niet bekend'")],
    choices=[("list_name", "name", "label"), ("known", "eigen teelt", "Own crops"),
             ("known", "niet bekend", "Not known"), ("known", "99", "Other")])


def test_a_choice_name_with_a_space_is_kept_for_a_select_one(secretariat_client):
    """As the XLSForm tools accept it: kept exactly, also in a condition, and exported the same way."""
    from openpyxl import load_workbook

    from imvo_survey.questionnaires.definition import dump_json, load_json
    from imvo_survey.questionnaires.services import definition_of, find_version, store_definition
    from imvo_survey.questionnaires.xlsform import write_workbook

    reading = read_workbook_with_warnings(SPACED, filename="spaced.xlsx")
    assert reading.errors == []
    definition = reading.definition
    source, which = definition["sections"][0]["questions"]
    assert [choice["code"] for choice in source["choices"]] == ["eigen teelt", "niet bekend", "99"]
    assert which["show_if"] == {"op": "equals", "question": "source", "value": "niet bekend"}
    definition["questionnaire"]["audience"] = "company"
    exported = write_workbook(definition, {})
    names = [row[1] for row in load_workbook(io.BytesIO(exported))["choices"].iter_rows(values_only=True)]
    assert names[1:4] == ["eigen teelt", "niet bekend", "99"]
    assert read_workbook_with_warnings(exported).definition == definition
    assert load_json(dump_json(definition)) == (definition, [])
    store_definition(definition)
    db.session.commit()
    assert definition_of(find_version(definition["questionnaire"]["code"], 1))["sections"] == definition["sections"]


@pytest.mark.parametrize("questions", [
    [("select_multiple known", "sources")],
    [("select_one known", "source"), ("select_multiple known", "sources")],  # one list, both uses
])
def test_a_choice_name_with_a_space_is_refused_in_a_list_a_select_multiple_uses(questions):
    """Its answers are the chosen names joined by spaces (pyxform refuses it too)."""
    data = make_xlsx(survey=[("type", "name", "label")] + [(kind, name, "Q?") for kind, name in questions],
                     choices=[("list_name", "name", "label"), ("known", "eigen teelt", "Own crops"),
                              ("known", "99", "Other"), ("known", "niet bekend", "Not known")])
    reading = read_workbook_with_warnings(data)
    assert reading.definition is None
    assert located(reading.errors) == [("choices", 2, "name"), ("choices", 4, "name")]
    assert "a select_multiple question uses the list known" in str(reading.errors[0].message)


def test_a_choice_code_with_a_space_in_a_json_definition():
    from imvo_survey.questionnaires.definition import dump_json, load_json

    from .helpers import definition, q

    def spaced(kind: str, code: str) -> bytes:
        return dump_json(definition(q("a", kind, choices=[{"code": code, "label": {"nl": "X", "en": "X"}},
                                                         {"code": "b", "label": {"nl": "B", "en": "B"}}])))

    assert load_json(spaced("single_choice", "niet bekend"))[1] == []
    _, problems = load_json(spaced("multiple_choice", "niet bekend"))
    assert [str(problem.message) for problem in problems] == [
        "The choice code 'niet bekend' has a space, which a multiple choice's codes cannot have: its answers "
        "are the chosen codes joined by spaces."]
    # the schema refuses the first five; the checks refuse them too, and any line break
    for code in (" a", "a ", "a\nb", "x" * 81, "", "a\rb", "a\u2028b"):
        assert load_json(spaced("single_choice", code))[1] != [], code


def test_the_editor_takes_numbered_choice_codes(secretariat_client):
    from imvo_survey.questionnaires.services import definition_of, find_version, store_definition

    from .helpers import definition, q

    store_definition(definition(q("a", "text")))
    db.session.commit()
    question_id = find_version("test-q", 1).question("a").id
    response = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{question_id}/edit", data={
        "code": "a", "type": "single_choice", "label_nl": "Welke?", "label_en": "Which?",
        "choices": "1 | Ja | Yes\n99 | Weet niet | Don't know"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    choices = definition_of(find_version("test-q", 1))["sections"][0]["questions"][0]["choices"]
    assert [choice["code"] for choice in choices] == ["1", "99"]


def test_the_editor_takes_a_code_with_a_space_for_a_single_choice_only(secretariat_client):
    from imvo_survey.questionnaires.services import definition_of, find_version, store_definition

    from .helpers import definition, q

    store_definition(definition(q("a", "text")))
    db.session.commit()
    question_id = find_version("test-q", 1).question("a").id
    url = f"/questionnaires/test-q/v1/questions/{question_id}/edit"
    typed = "niet bekend | Weet niet | Don't know\n1 | Ja | Yes"
    response = secretariat_client.post(url, data={"code": "a", "type": "multiple_choice", "label_nl": "Welke?",
                                                  "label_en": "Which?", "choices": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Regel 1: de codes van een meerkeuzevraag kunnen geen spaties hebben" in page
    assert "niet bekend | Weet niet | Don&#39;t know" in page  # what was typed is kept
    response = secretariat_client.post(url, data={"code": "a", "type": "single_choice", "label_nl": "Welke?",
                                                  "label_en": "Which?", "choices": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    choices = definition_of(find_version("test-q", 1))["sections"][0]["questions"][0]["choices"]
    assert [choice["code"] for choice in choices] == ["niet bekend", "1"]


# --- rows the survey cannot use -----------------------------------------------------------

FIELD_FORM = make_xlsx(
    survey=[("type", "name", "label", "relevant", "calculation"),
            ("begin_group", "household", "Household", None, None),
            ("note", "welcome", "Welcome to the survey", None, None),
            ("integer", "members", "How many members?", None, None),
            ("calculate", "double", None, None, "${members} * 2"),
            ("text", "why", "Why?", "${double} > 4", None),
            ("geopoint", "where", "Where?", None, None),
            ("begin_repeat", "member", "Member", None, None),
            ("text", "member_name", "Name?", None, None),
            ("begin_repeat", "child", "Child", None, None),
            ("text", "child_name", "Name of the child?", None, None),
            ("end_repeat", None, None, None, None),
            ("end_repeat", None, None, None, None),
            ("end_group", None, None, None, None)],
    settings=(("form_id", "imvo::audience"), ("household", "company")))
#: (row, name) of what FIELD_FORM's import names, in order.
FIELD_FORM_LEFT_OUT = [(3, "welcome"), (5, "double"), (6, "why"), (7, "where"), (10, "child"), (11, "child_name")]


def test_a_field_form_imports_what_it_can_and_names_the_rest():
    reading = read_workbook_with_warnings(FIELD_FORM)
    assert reading.errors == []
    section = reading.definition["sections"][0]
    assert section["intro"] == {"nl": "Welcome to the survey", "en": "Welcome to the survey"}
    assert [question["code"] for question in section["questions"]] == ["members", "why", "member"]
    assert "show_if" not in section["questions"][1]  # it named the calculation, which is left out
    assert [question["code"] for question in section["questions"][2]["questions"]] == ["member_name"]
    left_out = [(w.row, w.name) for w in reading.warnings if isinstance(w, LeftOut)]
    assert left_out == FIELD_FORM_LEFT_OUT


def test_the_page_lists_what_it_cannot_use_and_imports_only_when_confirmed(secretariat_client):
    page = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(FIELD_FORM), "household.xlsx")}, content_type="multipart/form-data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert db.session.scalar(select(Questionnaire)) is None  # nothing yet
    assert "kan 6 rijen of cellen van dit formulier niet gebruiken" in html
    for row, name in FIELD_FORM_LEFT_OUT:
        assert f"<td>survey</td><td>{row}</td><td>{name}</td>" in html
    assert "De berekening double wordt weggelaten" in html
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)

    refused = secretariat_client.post("/questionnaires/import/confirm", data={"upload": "not-the-token"})
    assert refused.status_code == 302 and db.session.scalar(select(Questionnaire)) is None

    confirmed = secretariat_client.post("/questionnaires/import/confirm", data={"upload": token})
    assert confirmed.location.endswith("/questionnaires/household/v1")
    from imvo_survey.questionnaires.services import definition_of, find_version
    stored = definition_of(find_version("household", 1))
    assert [question["code"] for question in stored["sections"][0]["questions"]] == ["members", "why", "member"]
    again = secretariat_client.post("/questionnaires/import/confirm", data={"upload": token})
    assert again.status_code == 302 and find_version("household", 2) is None  # the kept file is gone


def test_the_command_line_lists_what_it_cannot_use_and_asks(runner, tmp_path):
    from imvo_survey.questionnaires.services import find_version

    path = tmp_path / "household.xlsx"
    path.write_bytes(FIELD_FORM)
    declined = runner.invoke(args=["questionnaire", "import", str(path)], input="n\n")
    assert declined.exit_code == 1 and "Nothing was imported." in declined.output
    assert "6 rows or cells the survey cannot use as written:" in declined.output
    assert ("sheet survey, row 5, name double: The calculation double is left out: the survey does not calculate "
            "values.") in declined.output
    assert find_version("household") is None
    unanswered = runner.invoke(args=["questionnaire", "import", str(path)])
    assert unanswered.exit_code == 1 and find_version("household") is None
    accepted = runner.invoke(args=["questionnaire", "import", str(path)], input="y\n")
    assert accepted.exit_code == 0 and "draft version 1 of household" in accepted.output
    without_asking = runner.invoke(args=["questionnaire", "import", "--yes", str(path)])
    assert without_asking.exit_code == 0 and "draft version 2 of household" in without_asking.output
    assert "name child_name: Left out with the repeat in row 10." in without_asking.output


# --- languages ---------------------------------------------------------------------------

BARE = [("type", "name", "label", "label::English (en)"), ("text", "q", "Wat?", None)]


@pytest.mark.parametrize(("settings", "picked", "language"), [
    (None, None, "nl"), (None, "en", "en"), ((("default_language",), ("English",)), None, "en"),
    ((("default_language",), ("English (en)",)), "nl", "nl"),
], ids=["default-dutch", "picked-english", "settings-english", "pick-wins"])
def test_texts_without_a_language_are_in_the_language_picked(settings, picked, language):
    survey = [("type", "name", "label"), ("text", "q", "What?")]
    reading = read_workbook_with_warnings(make_xlsx(survey=survey, settings=settings), filename="f.xlsx",
                                          language=picked)
    assert reading.errors == [] and reading.bare_texts
    assert reading.definition["default_language"] == language
    assert reading.definition["sections"][0]["questions"][0]["label"] == {"nl": "What?", "en": "What?"}


def test_a_bare_label_beside_an_english_one_is_the_other_language():
    data = make_xlsx(survey=[("type", "name", "label", "label::English (en)"), ("text", "q", "Wat?", "What?")])
    for picked, expected in ((None, {"nl": "Wat?", "en": "What?"}), ("nl", {"nl": "Wat?", "en": "What?"})):
        definition = read_workbook_with_warnings(data, language=picked).definition
        assert definition["sections"][0]["questions"][0]["label"] == expected


def test_other_languages_are_kept_and_named_once_per_column():
    data = make_xlsx(survey=[("type", "name", "label::English (en)", "label::Swahili (sw)", "hint::Swahili (sw)"),
                             ("text", "q", "What?", "Nini?", "Dokezo"), ("text", "r", "Who?", "Nani?", None)],
                     settings=(("form_id", "default_language"), ("f", "Swahili (sw)")))
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    first, second = reading.definition["sections"][0]["questions"]
    assert second["label"] == {"nl": "Who?", "en": "Who?"}
    assert first["other_texts"] == {"label::Swahili (sw)": "Nini?", "hint::Swahili (sw)": "Dokezo"}
    assert second["other_texts"] == {"label::Swahili (sw)": "Nani?"}
    named = [(w.sheet, w.row, w.column, str(w.message)) for w in reading.warnings if isinstance(w, LeftOut)]
    assert [place[:3] for place in named] == [("survey", 2, "label::Swahili (sw)"), ("survey", 2, "hint::Swahili (sw)")]
    assert all("kept with the questions and choices" in message and "respondents see only Dutch and English"
               in message for *_place, message in named)
    settings_warning = next(w for w in reading.warnings if w.sheet == "settings" and w.column == "default_language")
    assert "not Dutch or English" in str(settings_warning.message)


def test_texts_in_other_languages_are_stored_exported_and_carried_to_a_new_draft():
    """Kept with the questions and choices (`other_texts`), written back as the columns
    they came in, and carried to the next draft; never shown to respondents."""
    from imvo_survey.questionnaires.services import (
        definition_of,
        new_draft_from,
        read_import,
        reference_lists,
        store_definition,
    )
    from imvo_survey.questionnaires.xlsform import write_workbook

    data = make_xlsx(survey=[("type", "name", "label::Nederlands (nl)", "label::English (en)", "label::Français (fr)"),
                             ("select_one yn", "q", "Vraag", "Question", "La question")],
                     choices=[("list_name", "name", "label::Nederlands (nl)", "label::English (en)",
                               "label::Français (fr)"), ("yn", "1", "Ja", "Yes", "Oui"), ("yn", "2", "Nee", "No", "Non")])
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    version = store_definition(reading.definition)
    db.session.commit()
    stored = definition_of(version)
    question = stored["sections"][0]["questions"][0]
    assert question["other_texts"] == {"label::Français (fr)": "La question"}
    assert [choice.get("other_texts") for choice in question["choices"]] == [
        {"label::Français (fr)": "Oui"}, {"label::Français (fr)": "Non"}]
    exported = write_workbook(stored, reference_lists())
    again = read_workbook_with_warnings(exported).definition
    assert again["sections"][0]["questions"][0]["other_texts"] == question["other_texts"]
    assert again["sections"][0]["questions"][0]["choices"] == question["choices"]
    as_json = read_import(json.dumps(stored).encode(), "vragenlijst.json")  # the JSON Schema takes them too
    assert as_json.errors == [] and as_json.definition["sections"][0]["questions"][0] == question
    draft = new_draft_from(version)
    db.session.commit()
    assert definition_of(draft)["sections"][0]["questions"][0]["other_texts"] == question["other_texts"]


def test_a_form_in_neither_dutch_nor_english_is_read_in_its_first_language_and_says_so():
    data = make_xlsx(survey=[("type", "name", "label::Français (fr)", "label::Deutsch (de)"), ("text", "q", "Quoi?", "Was?")],
                     choices=None)
    reading = read_workbook_with_warnings(data, language="en")
    assert reading.errors == []
    assert reading.definition["sections"][0]["questions"][0]["label"] == {"nl": "Quoi?", "en": "Quoi?"}
    messages = [str(w.message) for w in reading.warnings]
    assert "The form has no Dutch or English texts, so the texts in label::Français (fr) are read as English." \
        in messages
    assert [w.column for w in reading.warnings if isinstance(w, LeftOut)] == ["label::Deutsch (de)"]


def test_the_language_is_picked_on_the_page_and_on_the_command_line(secretariat_client, runner, tmp_path):
    from imvo_survey.questionnaires.services import find_version

    data = make_xlsx(survey=[("type", "name", "label"), ("text", "q", "What?")], settings=None)
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "english.xlsx"), "language": "en"}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert find_version("english", 1).default_language == "en"
    path = tmp_path / "english.xlsx"
    path.write_bytes(data)
    result = runner.invoke(args=["questionnaire", "import", "--language", "en", str(path)])
    assert result.exit_code == 0, result.output
    assert find_version("english", 2).default_language == "en"
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert find_version("english", 3).default_language == "nl"


# --- conditions and lists found at import ---------------------------------------------------

@pytest.mark.parametrize(("relevant", "message"), [
    ("${b} = 'x'", "which comes later in the form"), ("${a} != ''", "the question itself"),
])
def test_a_condition_on_a_later_question_or_on_itself_is_refused_where_it_is(relevant, message):
    data = make_xlsx(survey=[("type", "name", "label", "relevant"), ("text", "a", "A?", relevant),
                             ("text", "b", "B?", None)])
    reading = read_workbook_with_warnings(data)
    assert reading.definition is None
    assert located(reading.errors) == [("survey", 2, "relevant")]
    assert message in str(reading.errors[0].message)


def test_a_condition_on_an_earlier_question_passes_also_through_a_group_condition():
    data = make_xlsx(survey=[("type", "name", "label", "relevant"), ("text", "a", "A?", None),
                             ("begin_group", "g", "G", "${a} = 'x'"), ("text", "b", "B?", None),
                             ("text", "c", "C?", "${b} != ''"), ("end_group", None, None, None)])
    assert read_workbook_with_warnings(data).errors == []


def test_choice_lists_no_question_uses_are_named():
    data = make_xlsx(survey=[("type", "name", "label"), ("select_one used", "q", "Q?")],
                     choices=[("list_name", "name", "label"), ("used", "a", "A"), ("spare", "b", "B"),
                              ("spare", "c", "C")])
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    unused = [(w.sheet, w.row, w.column, str(w.message)) for w in reading.warnings if w.sheet == "choices"]
    assert unused == [("choices", 3, "list_name",
                       "The choice list spare is not used by any question that is imported, so it is left out.")]


def test_a_form_id_that_is_no_code_is_cleaned_and_said_so():
    reading = read_workbook_with_warnings(make_xlsx(survey=SURVEY, settings=(("form_id",), ("Spec test",))))
    assert reading.errors == [] and reading.definition["questionnaire"]["code"] == "Spec_test"
    assert ("settings", 2, "form_id") in located(reading.warnings)


def test_a_lone_sheet_is_the_survey_and_an_empty_choices_sheet_is_none():
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "state", "The state"])
    buffer = io.BytesIO()
    book.save(buffer)
    reading = read_workbook_with_warnings(buffer.getvalue(), filename="lone.xlsx")
    assert reading.errors == [] and reading.definition["sections"][0]["questions"][0]["code"] == "state"
    empty_choices = make_xlsx(survey=SURVEY, choices=[])
    assert read_workbook_with_warnings(empty_choices).errors == []


def test_the_language_can_be_picked_in_the_preview(secretariat_client):
    from imvo_survey.questionnaires.services import find_version

    data = make_xlsx(survey=[("type", "name", "label"), ("text", "q", "What?"), ("calculate", "c", None)],
                     settings=None)
    page = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "english.xlsx")}, content_type="multipart/form-data").get_data(as_text=True)
    assert 'name="text_language"' in page and page.count('id="language"') == 1  # ids stay unique
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    confirmed = secretariat_client.post("/questionnaires/import/confirm", data={"upload": token,
                                                                               "text_language": "en"})
    assert confirmed.status_code == 302
    assert find_version("english", 1).default_language == "en"


def test_a_group_emptied_by_leaving_out_goes_but_one_with_notes_stays():
    data = make_xlsx(survey=[("type", "name", "label"), ("text", "q", "Q?"),
                             ("begin_group", "gone", "Gone"), ("geopoint", "where", "Where?"), ("end_group", None, None),
                             ("begin_group", "kept", "Kept"), ("note", "n", "Read this"), ("end_group", None, None)])
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    assert [section["code"] for section in reading.definition["sections"]] == ["section_1", "kept"]
    assert reading.definition["sections"][1]["intro"] == {"nl": "Read this", "en": "Read this"}
    assert ("survey", 3, "type", "gone") in [(w.sheet, w.row, w.column, w.name) for w in reading.warnings
                                              if isinstance(w, LeftOut)]


def test_a_respondent_answers_a_choice_whose_code_has_a_space(client, invited):
    """Stored as the code, and shown ticked on the page again."""
    import copy

    from imvo_survey.answers import services
    from imvo_survey.answers.services import Actor
    from imvo_survey.questionnaires.services import definition_of, publish, store_definition
    from imvo_survey.rounds.services import issue_token

    from .. import factories
    from ..answering import stored_response

    invitation, _token = invited
    definition = copy.deepcopy(definition_of(invitation.round.association_version))
    kinds = next(q for s in definition["sections"] for q in s["questions"] if q["code"] == "complaint_mechanism_type")
    kinds["choices"][0]["code"] = "eigen loket"
    version = store_definition(definition, based_on=invitation.round.association_version)
    publish(version, None)
    round = factories.make_round(slug="imvo-2011", year=2011, association=version)
    invitation = factories.make_invitation(round, invitation.organisation, status="invited")
    contact = invitation.organisation.contacts[0]
    token = issue_token(invitation, contact)
    response = services.start(invitation, Actor(contact=contact))
    result = services.save_section(response, "complaint_mechanism", {
        "complaint_mechanism_exists": "yes", "complaint_mechanism_type": "eigen loket"},
        None, response.lock_version, Actor(contact=contact))
    assert result.errors == {}
    db.session.commit()
    _layout, document = services.document_of(stored_response(invitation))
    assert document.answers["complaint_mechanism_type"] == "eigen loket"
    client.get(f"/i/{token}")
    page = client.get(f"/respond/{invitation.id}/section/complaint_mechanism").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="eigen loket"|<input[^>]*value="eigen loket"[^>]*checked', page)


# --- where a sheet ends ----------------------------------------------------------------------

@pytest.mark.parametrize(("empty_columns", "empty_rows", "read_past"), [(20, 60, True), (21, 61, False)])
def test_a_sheet_ends_where_the_xlsform_tools_stop_reading(app, tmp_path, english, empty_columns, empty_rows,
                                                            read_past):
    """pyxform stops reading the header row after a run of more than 20 empty cells and
    a sheet after more than 60 empty rows; so do we, and we name what lies past."""
    from pyxform.xls2json_backends import xlsx_to_dict

    from imvo_survey.questionnaires.services import read_import

    gap = [None] * empty_columns
    rows = [("type", "name", "label", *gap, "hint"), ("text", "a", "A?", *gap, "Help with a"),
            *[()] * empty_rows, ("text", "b", "B?")]
    data = make_xlsx(survey=rows)
    (tmp_path / "form.xlsx").write_bytes(data)
    theirs = [row for row in xlsx_to_dict(str(tmp_path / "form.xlsx"))["survey"] if row]
    assert [row["name"] for row in theirs] == (["a", "b"] if read_past else ["a"])
    assert ("hint" in theirs[0]) is read_past

    reading = read_import(data, "form.xlsx")
    questions = reading.definition["sections"][0]["questions"]
    assert [question["code"] for question in questions] == [row["name"] for row in theirs]
    assert ("hint" in questions[0]) is read_past
    if read_past:
        assert reading.left_out == []
    else:
        assert [(sheet, row, name) for sheet, row, name, _message in reading.left_out] == [
            ("survey", 1, "hint"), ("survey", 2 + empty_rows + 1, "")]
        assert "more than 20 empty cells" in str(reading.left_out[0][3])
        assert "more than 60 empty rows" in str(reading.left_out[1][3])
        assert not any("has no header" in str(message) for *_place, message in reading.warnings)  # said once


def test_a_row_with_values_under_no_header_only_counts_as_empty(app, tmp_path, english):
    """As pyxform judges a row by the columns that have a header: such a row does not
    restart the count of empty rows (41 + 1 + 40 = 82 rows without a question)."""
    from pyxform.xls2json_backends import xlsx_to_dict

    from imvo_survey.questionnaires.services import read_import

    rows = [("type", "name", "label", None, "hint"), ("text", "a", "A?"), *[()] * 41,
            (None, None, None, "a note beside the form"), *[()] * 40, ("text", "b", "B?")]
    data = make_xlsx(survey=rows)
    (tmp_path / "form.xlsx").write_bytes(data)
    assert [row["name"] for row in xlsx_to_dict(str(tmp_path / "form.xlsx"))["survey"] if row] == ["a"]
    reading = read_import(data, "form.xlsx")
    assert [question["code"] for question in reading.definition["sections"][0]["questions"]] == ["a"]
    assert [(sheet, row) for sheet, row, _name, _message in reading.left_out] == [("survey", 85)]


def test_a_far_column_of_a_workbook_still_counts_for_the_column_limit(app, english, monkeypatch):
    """The reader holds every column of a row (openpyxl fills them in), so a value far
    to the right is refused by UPLOAD_MAX_COLUMNS though the XLSForm tools would not read it."""
    from imvo_survey.questionnaires.services import read_import

    monkeypatch.setitem(app.config, "UPLOAD_MAX_COLUMNS", 30)
    far = make_xlsx(survey=[("type", "name", "label"), ("text", "a", "A?", *[None] * 40, "x")])
    reading = read_import(far, "far.xlsx")
    assert reading.definition is None and "reaches column 44, more than the limit of 30" in str(reading.errors[0][3])


def test_a_value_past_the_end_is_still_refused_below_the_row_limit_of_a_workbook(app, english, monkeypatch):
    """An .xlsx is read no further than UPLOAD_MAX_ROWS, so a value past the end of the
    data and past that row cannot be named: the upload is refused, as any sheet that
    reaches so far (an .xls holds at most 65,536 rows, and is read to its end)."""
    from imvo_survey.questionnaires.services import read_import

    monkeypatch.setitem(app.config, "UPLOAD_MAX_ROWS", 100)
    near = make_xlsx(survey=[("type", "name", "label"), ("text", "a", "A?"), *[()] * 70, ("text", "b", "B?")])
    assert [name for *_place, name, _message in read_import(near, "near.xlsx").left_out] == [""]
    far = make_xlsx(survey=[("type", "name", "label"), ("text", "a", "A?"), *[()] * 120, ("text", "b", "B?")])
    reading = read_import(far, "far.xlsx")
    assert reading.definition is None and "reaches row 123, more than the limit of 100" in str(reading.errors[0][3])


def test_a_text_that_shows_an_answer_is_kept_as_written_and_named(english):
    """'Your name is ${my_name}': the XLSForm tools fill the answer in, the survey cannot;
    the preview names each such text once (not per language), and it is kept as written."""
    data = make_xlsx(survey=[("type", "name", "label::English (en)", "label::Nederlands (nl)", "hint::English (en)"),
                             ("text", "my_name", "Your name?", "Uw naam?", None),
                             ("text", "greeting", "Hello ${my_name}, how are you?", "Hallo ${my_name}",
                              "About ${my_name} and ${x}")])
    reading = read_workbook_with_warnings(data)
    assert reading.errors == []
    greeting = reading.definition["sections"][0]["questions"][1]
    assert greeting["label"] == {"nl": "Hallo ${my_name}", "en": "Hello ${my_name}, how are you?"}
    named = [(w.sheet, w.row, w.column, w.name, str(w.message)) for w in reading.warnings if isinstance(w, LeftOut)]
    assert [place[:4] for place in named] == [("survey", 3, "label::Nederlands (nl)", "greeting"),
                                              ("survey", 3, "hint::English (en)", "greeting")]
    assert "the answer to my_name (${...})" in named[0][4] and "my_name, x" in named[1][4]
