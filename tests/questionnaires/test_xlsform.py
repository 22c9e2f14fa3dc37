"""XLSForm workbooks: writing definitions, reading them back exactly, importing
KoBoToolbox-style workbooks, and reporting every problem by sheet, row and column."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from imvo_survey.models.questionnaire_vocabulary import INVENTORY_FIELDS
from imvo_survey.questionnaires.xlsform import (
    CHOICES_COLUMNS,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    LeftOut,
    WorkbookError,
    read_workbook,
    read_workbook_with_warnings,
    write_workbook,
)

pytestmark = pytest.mark.usefixtures("english")  # messages asserted in English

REFERENCE_LISTS = {
    "country": [("NL", "Nederland", "Netherlands"), ("BE", "België", "Belgium"), ("DE", "Duitsland", "Germany")],
    "aspect": [("child_labour", "Kinderarbeid", "Child labour"), ("climate", "Klimaat", "Climate")],
    "activity_type": [("training", "Training", "Training"), ("audit", "Audit", "Audit")],
    "product_group": [("food", "Voeding", "Food")],
    "chain_initiative": [("amfori", "amfori", "amfori")],
    "reporting_channel": [("website", "Website", "Website"), ("annual_report", "Jaarverslag", "Annual report")],
    "sector": [("textile", "Textiel", "Textile"), ("metal", "Metaal", "Metal")],
}


def text(nl: str, en: str) -> dict:
    return {"nl": nl, "en": en}


def question(code: str, kind: str, **values) -> dict:
    """A question with labels made from its code; `required` on all but repeats."""
    item = {"code": code, "type": kind, "label": text(f"Vraag {code}", f"Question {code}")}
    if kind != "repeat":
        item["required"] = values.pop("required", False)
    item.update(values)
    return item


def choice_list(*codes: str) -> list[dict]:
    return [{"code": code, "label": text(f"NL {code}", f"EN {code}")} for code in codes]


AGREEMENT = choice_list("agree", "neutral", "disagree")

PROFILE = [
    question("name", "text", required=True, hint=text("Zoals ingeschreven", "As registered"),
             validation={"max_length": 100, "pattern": "^[A-Z].*$",
                         "message": text("Begin met een hoofdletter", "Start with a capital")}),
    question("about", "long_text", hint=text("Alleen in het Nederlands", ""), validation={"max_length": 2000}),
    question("employees", "integer", validation={"min": 0, "max": 100000,
                                                 "message": text("Tussen 0 en 100000", "Between 0 and 100000")}),
    question("turnover", "decimal", validation={"min": 0.5, "max": 99.75}),
    question("share_abroad", "percentage", validation={"min": 0, "max": 100}),
    question("founded", "year", validation={"min": 1800, "max": 2100}),
    question("reviewed_on", "date"),
    question("has_policy", "yes_no", required=True),
    question("policy_scope", "single_choice", list_name="scope", choices=choice_list("own", "chain", "sector"),
             show_if={"op": "equals", "question": "has_policy", "value": "yes"}),
    question("policy_agreement", "single_choice", list_name="agreement", choices=AGREEMENT),
    question("board_agreement", "single_choice", list_name="agreement", choices=AGREEMENT,
             show_if={"op": "not_equals", "question": "policy_agreement", "value": "disagree"}),
    question("topics", "multiple_choice", choices=choice_list("climate", "water", "other"),
             show_if={"op": "any_of", "question": "policy_scope", "values": ["own", "chain"]}),
    question("topics_other", "text", show_if={"all": [
        {"op": "equals", "question": "topics", "value": "other"},
        {"any": [{"op": "answered", "question": "about"}, {"op": "equals", "question": "employees", "value": 10}]},
    ]}),
    question("topics_note", "text", show_if={"op": "not_equals", "question": "topics", "value": "climate"}),
    question("topics_focus", "text", show_if={"op": "any_of", "question": "topics", "values": ["climate", "water"]}),
    question("satisfaction", "scale", scale={"min_label": text("Zeer ontevreden", "Very unhappy"),
                                             "max_label": text("Zeer tevreden", "Very happy")}),
    question("board_satisfaction", "scale", list_name="board_scale",
             scale={"min_label": text("Slecht", "Bad"), "max_label": text("Goed", "Good")}),
    question("home_country", "reference_one", reference="country", show_if={"any": [
        {"all": [{"op": "equals", "question": "has_policy", "value": "yes"},
                 {"op": "answered", "question": "name"}]},
        {"op": "equals", "question": "turnover", "value": 1.5},
    ]}),
    question("sectors", "reference_many", reference="sector"),
    question("export_countries", "reference_many", reference="country"),
    question("sector_note", "text", show_if={"op": "equals", "question": "sectors", "value": "textile"}),
]

ACTIVITY_FIELDS = [
    ("title", "text", None), ("description", "long_text", None), ("activity_type", "reference_one", "activity_type"),
    ("aspects", "reference_many", "aspect"), ("countries", "reference_many", "country"),
    ("product_groups", "reference_many", "product_group"), ("start_year", "year", None),
    ("member_share", "percentage", None), ("partners", "reference_many", "chain_initiative"),
    ("partners_other", "text", None), ("channels", "reference_many", "reporting_channel"),
    ("publish_consent", "yes_no", None),
]


def activity_questions() -> list[dict]:
    items = []
    for field, kind, reference in ACTIVITY_FIELDS:
        item = question(f"activity_{field}", kind, required=field in ("title", "activity_type", "aspects"),
                        inventory_field=field)
        if reference:
            item["reference"] = reference
        items.append(item)
    return items


INVENTORY = [
    question("activities", "repeat", hint=text("Eén per activiteit", "One per activity"),
             show_if={"op": "equals", "question": "has_policy", "value": "yes"},
             inventory="activity", min_repeat=0, max_repeat=10, questions=activity_questions()),
    question("dilemmas", "repeat", inventory="dilemma", questions=[
        question("dilemma_description", "long_text", required=True, inventory_field="description"),
        question("dilemma_aspects", "reference_many", reference="aspect", required=True, inventory_field="aspects"),
        question("dilemma_countries", "reference_many", reference="country", inventory_field="countries"),
    ]),
]

CONTACTS = [
    question("contacts", "repeat", min_repeat=1, max_repeat=3, questions=[
        question("contact_name", "text", required=True),
        question("contact_email", "text", validation={"pattern": "^[^' ]+@[^ ]+$"}),
    ]),
]


@pytest.fixture
def definition() -> dict:
    """A definition with every question type, rule, operator and inventory binding."""
    return copy.deepcopy({
        "format": "imvo-questionnaire",
        "format_version": 1,
        "questionnaire": {"code": "imvo-companies", "audience": "company",
                          "title": text("IMVO-inventarisatie bedrijven", "IMVO inventory companies"),
                          "description": text("Voor bedrijven", "For companies")},
        "version": 3,
        "default_language": "nl",
        "sections": [
            {"code": "profile", "title": text("Profiel", "Profile"),
             "intro": text("Over uw organisatie", "About your organisation"), "questions": PROFILE},
            {"code": "inventory", "title": text("Activiteiten", "Activities"), "questions": INVENTORY},
            {"code": "contact", "title": text("Contact", "Contact"), "questions": CONTACTS},
        ],
    })


def test_the_fixture_covers_the_vocabulary(definition):
    """Guards the round trip below against a fixture that misses a type or field."""
    from imvo_survey.models.questionnaire_vocabulary import QUESTION_TYPES

    kinds = {q["type"] for s in definition["sections"] for q in s["questions"]}
    kinds |= {c["type"] for s in definition["sections"] for q in s["questions"] for c in q.get("questions", [])}
    assert kinds == set(QUESTION_TYPES)
    activity = definition["sections"][1]["questions"][0]
    assert {c["inventory_field"] for c in activity["questions"]} == set(INVENTORY_FIELDS["activity"])


# --- helpers ------------------------------------------------------------------------

def sheet_values(data: bytes) -> dict[str, list[tuple]]:
    """Every cell value of every sheet, by sheet name."""
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def make_xlsx(survey=None, choices=None, settings=(("form_id",), ("test_form",))) -> bytes:
    """A workbook with the given sheets (lists of rows, the first the header); None leaves a sheet out."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ("type", "name", "label::Nederlands (nl)", "label::English (en)")


def survey(*rows, header=HEADER) -> list:
    return [header, *rows]


def row(kind: str, name: str | None, label: str | None = "Label", *more) -> tuple:
    return (kind, name, label, label, *more)


def errors_of(data: bytes, **options) -> list[WorkbookError]:
    definition, errors = read_workbook(data, **options)
    assert definition is None and errors
    return errors


def places(errors: list[WorkbookError]) -> list[tuple]:
    return [(error.sheet, error.row, error.column) for error in errors]


# --- writing ------------------------------------------------------------------------

def test_write_sheets_and_columns(definition):
    values = sheet_values(write_workbook(definition, REFERENCE_LISTS))
    assert list(values) == ["survey", "choices", "settings"]
    assert values["survey"][0] == SURVEY_COLUMNS
    assert values["choices"][0] == CHOICES_COLUMNS
    assert values["settings"] == [SETTINGS_COLUMNS, (
        "IMVO-inventarisatie bedrijven", "imvo-companies", 3, "Nederlands (nl)", "company",
        "IMVO inventory companies", "Voor bedrijven", "For companies")]


def test_write_survey_rows(definition):
    written = sheet_values(write_workbook(definition, REFERENCE_LISTS))["survey"]
    rows = [dict(zip(SURVEY_COLUMNS, values, strict=False)) for values in written[1:]]
    by_name = {r["name"]: r for r in rows if r["name"]}
    assert [r["type"] for r in rows[:2]] == ["begin_group", "text"]
    assert by_name["profile"]["hint::English (en)"] == "About your organisation"
    assert by_name["name"]["required"] == "yes" and by_name["about"]["required"] is None
    assert by_name["about"]["hint::English (en)"] is None  # empty texts are empty cells
    assert by_name["about"]["appearance"] == "multiline"
    assert by_name["name"]["constraint"] == "string-length(.) <= 100 and regex(., '^[A-Z].*$')"
    assert by_name["turnover"]["constraint"] == ". >= 0.5 and . <= 99.75"
    assert by_name["employees"]["constraint"] == ". >= 0 and . <= 100000"
    assert by_name["contact_email"]["constraint"] == """regex(., "^[^' ]+@[^ ]+$")"""
    assert by_name["share_abroad"]["imvo::type"] == "percentage"
    assert (by_name["founded"]["type"], by_name["founded"]["imvo::type"]) == ("integer", "year")
    assert (by_name["has_policy"]["type"], by_name["has_policy"]["imvo::type"]) == ("select_one yes_no", "yes_no")
    assert by_name["board_agreement"]["type"] == "select_one agreement"
    assert by_name["topics"]["type"] == "select_multiple topics"
    assert by_name["board_satisfaction"]["type"] == "select_one board_scale"
    assert by_name["export_countries"]["type"] == "select_multiple country"
    assert by_name["topics_other"]["relevant"] == (
        "selected(${topics}, 'other') and (${about} != '' or ${employees} = 10)")
    assert by_name["topics_note"]["relevant"] == "not(selected(${topics}, 'climate'))"
    assert by_name["sector_note"]["relevant"] == "selected(${sectors}, 'textile')"
    activities = by_name["activities"]
    assert (activities["type"], activities["imvo::inventory"], activities["imvo::min_repeat"],
            activities["imvo::max_repeat"]) == ("begin_repeat", "activity", 0, 10)
    assert by_name["activity_channels"]["imvo::field"] == "channels"
    assert [r["type"] for r in rows if r["type"].startswith("end_")].count("end_repeat") == 3
    assert rows[-1] == dict.fromkeys(SURVEY_COLUMNS) | {"type": "end_group"}


def test_write_choice_lists_once_in_order_of_first_use(definition):
    choices = sheet_values(write_workbook(definition, REFERENCE_LISTS))["choices"][1:]
    order = list(dict.fromkeys(list_name for list_name, *_ in choices))
    assert order == ["yes_no", "scope", "agreement", "topics", "satisfaction", "board_scale", "country", "sector",
                     "activity_type", "aspect", "product_group", "chain_initiative", "reporting_channel"]
    assert [c for c in choices if c[0] == "yes_no"] == [("yes_no", "yes", "Ja", "Yes"), ("yes_no", "no", "Nee", "No")]
    assert [c for c in choices if c[0] == "agreement"] == [
        ("agreement", "agree", "NL agree", "EN agree"), ("agreement", "neutral", "NL neutral", "EN neutral"),
        ("agreement", "disagree", "NL disagree", "EN disagree")]
    assert [c for c in choices if c[0] == "satisfaction"] == [
        ("satisfaction", "1", "Zeer ontevreden", "Very unhappy"), ("satisfaction", "2", "2", "2"),
        ("satisfaction", "3", "3", "3"), ("satisfaction", "4", "4", "4"),
        ("satisfaction", "5", "Zeer tevreden", "Very happy")]
    assert [c for c in choices if c[0] == "country"] == [("country", *entry) for entry in REFERENCE_LISTS["country"]]


def test_write_is_deterministic(definition):
    with time_machine.travel("2024-01-01 10:00", tick=False):
        first = write_workbook(definition, REFERENCE_LISTS)
    with time_machine.travel("2025-06-30 18:30", tick=False):
        second = write_workbook(copy.deepcopy(definition), REFERENCE_LISTS)
    assert first == second
    assert zipfile.ZipFile(io.BytesIO(first)).testzip() is None


def test_write_needs_the_reference_lists_used(definition):
    with pytest.raises(ValueError, match="country"):
        write_workbook(definition, {name: entries for name, entries in REFERENCE_LISTS.items() if name != "country"})


# --- round trip ---------------------------------------------------------------------

def test_round_trip_gives_the_same_definition(definition):
    read, errors = read_workbook(write_workbook(definition, REFERENCE_LISTS))
    assert errors == []
    assert read == definition


def test_round_trip_gives_the_same_workbook(definition):
    first = write_workbook(definition, REFERENCE_LISTS)
    read, errors = read_workbook(first)
    assert errors == []
    second = write_workbook(read, REFERENCE_LISTS)
    assert sheet_values(second) == sheet_values(first)
    assert second == first


def test_round_trip_of_english_default_and_minimal_definition():
    minimal = {
        "format": "imvo-questionnaire", "format_version": 1,
        "questionnaire": {"code": "mini", "audience": "association", "title": text("Mini", "Mini")},
        "version": 1, "default_language": "en",
        "sections": [{"code": "only", "title": text("Enige", "Only"), "questions": []}],
    }
    read, errors = read_workbook(write_workbook(minimal, {}))
    assert (read, errors) == (minimal, [])


# --- other workbooks ----------------------------------------------------------------

def kobo_workbook(required: object = "true") -> bytes:
    return make_xlsx(
        survey=[
            ("type", "name", "label::English (en)", "label::Nederlands (nl)", "required", "relevant", "$kuid",
             "hint::English (en)", "calculation"),
            ("start", "start"),
            ("end", "end"),
            ("select_one colours", "colour", "Favourite colour", "Lievelingskleur", required, None, "k1"),
            ("select_multiple fruit", "fruits", "Fruits", "Fruit", "false", None, "k2"),
            (None,),
            ("text", "why_apple", "Why apples?", "Waarom appels?", None, "selected(${fruits}, 'apple')", "k3",
             "Be honest"),
            ("begin group", "more", "More", "Meer", None, None, "k4"),
            ("integer", "age", "Age", "Leeftijd", "TRUE()", "${colour} = 'red'", "k5"),
            ("end group", None, None, None, None, None, "k6"),
            ("date", "when", "When", "Wanneer", None, None, "k7"),
        ],
        choices=[
            ("list_name", "name", "label::English (en)", "label::Nederlands (nl)", "$kuid"),
            ("colours", "red", "Red", "Rood", "c1"),
            ("colours", "blue", "Blue", "Blauw", "c2"),
            ("fruit", "apple", "Apple", "Appel", "c3"),
            ("fruit", "pear", "Pear", "Peer", "c4"),
            ("unused", "x", "X", "X", "c5"),
        ],
        settings=[("form_title", "form_id", "version", "style"), ("Fruit", "fruit_survey", "vX1", "pages")],
    )


def test_kobo_workbook_imports():
    read, errors = read_workbook(kobo_workbook())
    assert errors == []
    fruit_title = text("Fruit", "Fruit")
    assert read == {
        "format": "imvo-questionnaire", "format_version": 1,
        "questionnaire": {"code": "fruit_survey", "audience": "association", "title": fruit_title},
        "version": 1, "default_language": "nl",
        "sections": [
            {"code": "section_1", "title": fruit_title, "questions": [
                {"code": "colour", "type": "single_choice", "label": text("Lievelingskleur", "Favourite colour"),
                 "required": True, "list_name": "colours",
                 "choices": [{"code": "red", "label": text("Rood", "Red")},
                             {"code": "blue", "label": text("Blauw", "Blue")}]},
                {"code": "fruits", "type": "multiple_choice", "label": text("Fruit", "Fruits"), "required": False,
                 "list_name": "fruit", "choices": [{"code": "apple", "label": text("Appel", "Apple")},
                                                   {"code": "pear", "label": text("Peer", "Pear")}]},
                {"code": "why_apple", "type": "text", "label": text("Waarom appels?", "Why apples?"),
                 "hint": text("", "Be honest"), "required": False,
                 "show_if": {"op": "equals", "question": "fruits", "value": "apple"}},
            ]},
            {"code": "more", "title": text("Meer", "More"), "questions": [
                {"code": "age", "type": "integer", "label": text("Leeftijd", "Age"), "required": True,
                 "show_if": {"op": "equals", "question": "colour", "value": "red"}},
            ]},
            {"code": "section_2", "title": fruit_title, "questions": [
                {"code": "when", "type": "date", "label": text("Wanneer", "When"), "required": False},
            ]},
        ],
    }


@pytest.mark.parametrize(("written", "expected"), [
    ("yes", True), ("Yes", True), ("true", True), ("true()", True), ("1", True), (1, True), (True, True),
    (None, False), ("no", False), ("FALSE", False), ("false()", False), ("0", False), (0, False), (False, False),
])
def test_required_values(written, expected):
    read, errors = read_workbook(kobo_workbook(required=written))
    assert errors == []
    assert read["sections"][0]["questions"][0]["required"] is expected


@pytest.mark.parametrize("header", ["label", "label::English (en)", "label::en", "label::English"])
def test_one_language_serves_both(header):
    data = make_xlsx(survey=[("type", "name", header), ("text", "q", "Question")],
                     settings=[("form_id", "default_language"), ("f", "English (en)")])
    read, errors = read_workbook(data)
    assert errors == []
    assert read["default_language"] == "en"
    assert read["sections"][0]["questions"][0]["label"] == text("Question", "Question")
    assert read["sections"][0]["title"] == text("section_1", "section_1")
    assert read["questionnaire"]["title"] == text("f", "f")


@pytest.mark.parametrize(("dutch", "english"), [
    ("label::Dutch (nl)", "label::English (en)"), ("label::nl", "label::en"), ("label", "label::en")])
def test_language_column_spellings(dutch, english):
    data = make_xlsx(survey=[("type", "name", english, dutch), ("text", "q", "Question", "Vraag")])
    read, errors = read_workbook(data)
    assert errors == []
    assert read["sections"][0]["questions"][0]["label"] == text("Vraag", "Question")


def test_label_in_one_language_takes_the_other_and_empty_columns_are_ignored():
    data = make_xlsx(survey=[("type", "name", "label::nl", "label::en", "hint::nl", "default", "trigger"),
                             ("text", "q", "Vraag", None), ("integer", "n", None, "Number")])
    read, errors = read_workbook(data)
    assert errors == []
    labels = [q["label"] for q in read["sections"][0]["questions"]]
    assert labels == [text("Vraag", "Vraag"), text("Number", "Number")]


def test_settings_values():
    data = make_xlsx(survey=survey(row("text", "q")),
                     settings=[("form_id", "version", "imvo::title_en", "imvo::audience", "imvo::description_en"),
                               ("f", 7, "English title", "company", "About")])
    read, errors = read_workbook(data)
    assert errors == []
    assert read["version"] == 7
    assert read["questionnaire"] == {"code": "f", "audience": "company",
                                     "title": text("English title", "English title"),
                                     "description": text("", "About")}


def test_reference_lists_are_bound_not_copied_and_need_no_choices_sheet():
    data = make_xlsx(survey=survey(row("select_multiple country", "countries"), row("select_one sector", "sector")))
    read, errors = read_workbook(data)
    assert errors == []
    assert [(q["type"], q["reference"], "choices" in q) for q in read["sections"][0]["questions"]] == [
        ("reference_many", "country", False), ("reference_one", "sector", False)]


def test_reference_lists_are_the_callers():
    data = make_xlsx(survey=survey(row("select_one country", "c")),
                     choices=[("list_name", "name", "label"), ("country", "nl", "NL")])
    read, errors = read_workbook(data, reference_lists=("sector",))
    assert errors == []
    assert read["sections"][0]["questions"][0]["type"] == "single_choice"


# --- errors -------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_not_an_xlsx_file(data):
    assert places(errors_of(data)) == [(None, None, None)]


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert places(errors_of(buffer.getvalue())) == [(None, None, None)]


def test_missing_survey_sheet():
    errors = errors_of(make_xlsx(survey=None, choices=[("list_name", "name", "label")]))
    assert places(errors) == [("survey", None, None)]
    assert "survey" in str(errors[0].message)


def test_missing_choices_sheet_when_a_select_needs_it():
    errors = errors_of(make_xlsx(survey=survey(row("select_one a", "q1"), row("select_one b", "q2"))))
    assert places(errors) == [("choices", None, None)]


@pytest.mark.parametrize(("header", "missing"), [
    (("name", "label"), "type"), (("type", "label"), "name")])  # without labels, names are shown: test_xlsform_field
def test_missing_survey_column(header, missing):
    cells = {"type": "text", "name": "q", "label": "Q", "hint": "H"}
    errors = errors_of(make_xlsx(survey=[header, tuple(cells[h] for h in header)]))
    assert places(errors) == [("survey", 1, missing)]


def test_missing_choices_column():
    errors = errors_of(make_xlsx(survey=survey(row("select_one l", "q")), choices=[("list_name", "label"), ("l", "L")]))
    assert places(errors) == [("choices", 1, "name")]


def test_unknown_type():
    errors = errors_of(make_xlsx(survey=survey(row("txet", "q"))))
    assert places(errors) == [("survey", 2, "type")]
    assert "'txet'" in str(errors[0].message)


def test_missing_type():
    assert places(errors_of(make_xlsx(survey=survey(row("text", "a"), row(None, "b"))))) == [("survey", 3, "type")]


@pytest.mark.parametrize("name", [None, "1st", "with space", "x" * 81, "é"])
def test_missing_or_invalid_name(name):
    assert places(errors_of(make_xlsx(survey=survey(row("text", name))))) == [("survey", 2, "name")]


def test_duplicate_names_across_sections_repeats_and_questions():
    errors = errors_of(make_xlsx(survey=survey(
        row("begin_group", "a"), row("text", "a"), row("begin_repeat", "r"), row("text", "r"),
        row("text", "q"), row("end_repeat", None), row("end_group", None), row("text", "q"))))
    assert places(errors) == [("survey", 3, "name"), ("survey", 5, "name"), ("survey", 9, "name")]
    assert "row 2" in str(errors[0].message)


def test_end_group_without_begin():
    errors = errors_of(make_xlsx(survey=survey(row("text", "q"), row("end_group", None))))
    assert places(errors) == [("survey", 3, "type")]


def test_begin_group_without_end():
    errors = errors_of(make_xlsx(survey=survey(row("text", "q"), row("begin_group", "g"), row("text", "r"))))
    assert places(errors) == [("survey", 3, "type")]


def test_end_repeat_closing_a_group():
    errors = errors_of(make_xlsx(survey=survey(row("begin_group", "g"), row("text", "q"), row("end_repeat", None),
                                               row("end_group", None))))
    assert places(errors) == [("survey", 4, "type")]
    assert "row 2" in str(errors[0].message)


def left_out_of(data: bytes) -> tuple[dict, list[tuple]]:
    """The definition read, and (sheet, row, column, name) of each row or cell left out."""
    reading = read_workbook_with_warnings(data)
    assert reading.errors == [] and reading.definition is not None
    return reading.definition, [(w.sheet, w.row, w.column, w.name) for w in reading.warnings if isinstance(w, LeftOut)]


def test_group_inside_group_is_read_as_part_of_it():
    definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("begin_group", "g"), row("begin_group", "h"), row("text", "q"), row("end_group", None),
        row("end_group", None))))
    assert [question["code"] for question in definition["sections"][0]["questions"]] == ["q"]
    assert left_out == [("survey", 3, "type", "h")]


def test_group_inside_repeat_is_read_as_part_of_it():
    definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("begin_repeat", "r"), row("begin_group", "h"), row("text", "q"), row("end_group", None),
        row("end_repeat", None))))
    assert [question["code"] for question in definition["sections"][0]["questions"][0]["questions"]] == ["q"]
    assert left_out == [("survey", 3, "type", "h")]


def test_repeat_inside_repeat_is_left_out_with_its_rows():
    definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("begin_repeat", "r"), row("text", "p"), row("begin_repeat", "s"), row("text", "q"),
        row("begin_group", "t"), row("text", "u"), row("end_group", None),
        row("end_repeat", None), row("text", "v"), row("end_repeat", None))))
    repeat = definition["sections"][0]["questions"][0]
    assert [question["code"] for question in repeat["questions"]] == ["p", "v"]
    assert left_out == [("survey", 4, "type", "s"), ("survey", 5, "type", "q"), ("survey", 6, "type", "t"),
                        ("survey", 7, "type", "u")]


def test_empty_repeat():
    errors = errors_of(make_xlsx(survey=survey(row("begin_repeat", "r"), row("end_repeat", None))))
    assert places(errors) == [("survey", 2, "type")]


def test_select_with_an_unknown_list():
    errors = errors_of(make_xlsx(survey=survey(row("select_one colours", "q")),
                                 choices=[("list_name", "name", "label"), ("colors", "red", "Red")]))
    assert places(errors) == [("survey", 2, "type")]
    assert "colours" in str(errors[0].message)


def test_select_without_a_list_name():
    assert places(errors_of(make_xlsx(survey=survey(row("select_one", "q"))))) == [("survey", 2, "type")]


def test_duplicate_choice_in_a_list():
    errors = errors_of(make_xlsx(survey=survey(row("select_one l", "q")), choices=[
        ("list_name", "name", "label"), ("l", "a", "A"), ("l", "a", "A again"), ("m", "a", "A in m")]))
    assert places(errors) == [("choices", 3, "name")]


def test_invalid_choice_name():
    """Numbers are choice names, and for a select_one words with spaces too
    (test_xlsform_field); a select_multiple's are not."""
    errors = errors_of(make_xlsx(survey=survey(row("select_multiple l", "q")),
                                 choices=[("list_name", "name", "label"), ("l", "one 1", "One")]))
    assert places(errors) == [("choices", 2, "name")]


def test_missing_label_in_survey_shows_the_name():
    reading = read_workbook_with_warnings(make_xlsx(survey=survey(row("text", "q", None))))
    assert reading.definition["sections"][0]["questions"][0]["label"] == {"nl": "q", "en": "q"}
    assert [(w.sheet, w.row, w.column) for w in reading.warnings][:1] == [("survey", 2, "label::Nederlands (nl)")]
    assert places(errors_of(make_xlsx(survey=survey(row("text", None, None))))) == [
        ("survey", 2, "name"), ("survey", 2, "label::Nederlands (nl)")]


def test_missing_label_in_choices_shows_the_name():
    reading = read_workbook_with_warnings(make_xlsx(
        survey=survey(row("select_one l", "q"), row("select_multiple l", "r")),
        choices=[("list_name", "name", "label::English (en)"), ("l", "a", "A"), ("l", "b", None)]))
    assert reading.definition["sections"][0]["questions"][0]["choices"][1]["label"] == {"nl": "b", "en": "b"}
    located = [(w.sheet, w.row, w.column) for w in reading.warnings if w.sheet == "choices"]
    assert located == [("choices", 3, "label::English (en)")]  # once, though two questions use the list


def test_relevant_that_does_not_parse_is_left_out_and_said_why():
    data = make_xlsx(survey=survey(row("text", "a"), row("text", "b", "B", "${a} = = 'x'"), header=(*HEADER, "relevant")))
    definition, left_out = left_out_of(data)
    assert "show_if" not in definition["sections"][0]["questions"][1]
    assert left_out == [("survey", 3, "relevant", "b")]
    message = str(read_workbook_with_warnings(data).warnings[0].message)
    assert "expected a value after '='" in message and "always shown" in message


def test_relevant_referring_to_an_unknown_name():
    errors = errors_of(make_xlsx(survey=survey(row("begin_group", "g"), row("text", "a", "A", "${g} != ''"),
                                               row("text", "b", "B", "${nope} = 'x'"), row("end_group", None),
                                               header=(*HEADER, "relevant"))))
    assert places(errors) == [("survey", 3, "relevant"), ("survey", 4, "relevant")]
    assert "'nope'" in str(errors[1].message)


def test_relevant_on_a_group_is_put_on_each_of_its_questions():
    reading = read_workbook_with_warnings(make_xlsx(survey=survey(
        row("text", "a"), row("begin_group", "g", "G", "${a} != ''"), row("text", "b"),
        row("text", "c", "C", "${b} = 'x'"), row("end_group", None), header=(*HEADER, "relevant"))))
    assert reading.errors == []
    group = {"op": "answered", "question": "a"}
    questions = reading.definition["sections"][1]["questions"]
    assert questions[0]["show_if"] == group
    assert questions[1]["show_if"] == {"all": [group, {"op": "equals", "question": "b", "value": "x"}]}
    assert [(w.sheet, w.row, w.column) for w in reading.warnings][:1] == [("survey", 3, "relevant")]


@pytest.mark.parametrize("constraint", [". > 3", ". >= 3 or . <= 1", ". >= 3 and . >= 4", ". <= today()",
                                        "string-length(.) < 5", "regex(., '')", ". >= 1 and"])
def test_constraint_outside_the_subset_is_left_out(constraint):
    definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("integer", "n", "N", constraint, "Message"), header=(*HEADER, "constraint", "constraint_message"))))
    assert "validation" not in definition["sections"][0]["questions"][0]  # its message goes with it
    assert left_out == [("survey", 2, "constraint", "n")]


def test_constraint_for_another_type():
    errors = errors_of(make_xlsx(survey=survey(row("text", "t", "T", ". >= 3"),
                                               row("integer", "n", "N", "regex(., 'a')"),
                                               header=(*HEADER, "constraint"))))
    assert places(errors) == [("survey", 2, "constraint"), ("survey", 3, "constraint")]


@pytest.mark.parametrize("kind", ["note", "calculate", "geopoint", "image", "audio", "range", "acknowledge", "hidden",
                                  "select_one_from_file places.csv", "time"])
def test_unsupported_type_is_left_out_or_kept_in_another_form(kind):
    definition, left_out = left_out_of(make_xlsx(survey=survey(row("text", "first"), row(kind, "q"))))
    assert left_out == [("survey", 3, "type", "q")]
    codes = [question["code"] for question in definition["sections"][0]["questions"]]
    assert codes == (["first", "q"] if kind == "time" else ["first"])  # a time is kept as a text question
    if kind == "note":
        assert definition["sections"][0]["intro"] == {"nl": "Label", "en": "Label"}


def test_a_form_of_only_unusable_rows_is_refused():
    errors = errors_of(make_xlsx(survey=survey(row("calculate", "c"), row("geopoint", "g"))))
    assert places(errors) == [("survey", None, None)]
    assert "no question the survey can use" in str(errors[0].message)


@pytest.mark.parametrize("column", ["calculation", "choice_filter", "default", "read_only", "repeat_count", "trigger",
                                    "media::image", "parameters", "required_message::English (en)"])
def test_unsupported_column_is_left_out_cell_by_cell(column):
    _definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("text", "a"), row("text", "b", "B", "x"), row("text", "c", "C", "y"), header=(*HEADER, column))))
    assert left_out == [("survey", 3, column, "b"), ("survey", 4, column, "c")]


def test_unknown_column_is_reported_once_and_dollar_columns_ignored():
    reading = read_workbook_with_warnings(make_xlsx(survey=survey(
        row("text", "a", "A", None, "k"), row("text", "b", "B", "x", "k"), row("text", "c", "C", "y", "k"),
        header=(*HEADER, "colour", "$kuid"))))
    assert reading.errors == []
    assert [(w.sheet, w.row, w.column) for w in reading.warnings][:1] == [("survey", 3, "colour")]
    unknown_of_ours = errors_of(make_xlsx(survey=survey(row("text", "a", "A", "x"), header=(*HEADER, "imvo::colour"))))
    assert places(unknown_of_ours) == [("survey", 2, "imvo::colour")]


def test_another_language_is_left_out_once():
    _definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("text", "a", "A", "Une"), row("text", "b", "B", "Deux"), header=(*HEADER, "label::French (fr)"))))
    assert left_out == [("survey", 2, "label::French (fr)", "")]


def test_column_that_does_not_apply_to_the_row():
    errors = errors_of(make_xlsx(survey=survey(row("begin_group", "g", "G", "yes"), row("text", "q", "Q", None, "2"),
                                               row("end_group", None),
                                               header=(*HEADER, "required", "imvo::max_repeat"))))
    assert places(errors) == [("survey", 2, "required"), ("survey", 3, "imvo::max_repeat")]


def imvo_survey(*rows) -> list:
    return survey(*rows, header=(*HEADER, "imvo::type", "imvo::inventory", "imvo::field", "imvo::min_repeat",
                                 "imvo::max_repeat"))


def test_unknown_inventory():
    errors = errors_of(make_xlsx(survey=imvo_survey(row("begin_repeat", "r", "R", None, "projects"),
                                                    row("text", "t", "T", None, None, "title"),
                                                    row("end_repeat", None))))
    assert places(errors) == [("survey", 2, "imvo::inventory")]


def test_field_not_of_the_inventory():
    errors = errors_of(make_xlsx(survey=imvo_survey(row("begin_repeat", "r", "R", None, "dilemma"),
                                                    row("text", "t", "T", None, None, "title"),
                                                    row("end_repeat", None))))
    assert places(errors) == [("survey", 3, "imvo::field")]
    assert "description" in str(errors[0].message)


@pytest.mark.parametrize("repeat", [None, ("begin_repeat", "r", "R", "R")])
def test_field_outside_a_bound_repeat(repeat):
    rows = [row("text", "t", "T", None, None, "title")]
    if repeat:
        rows = [repeat, *rows, row("end_repeat", None)]
    errors = errors_of(make_xlsx(survey=imvo_survey(*rows)))
    assert places(errors) == [("survey", 3 if repeat else 2, "imvo::field")]


def test_field_with_a_question_of_the_wrong_type_or_twice():
    errors = errors_of(make_xlsx(survey=imvo_survey(
        row("begin_repeat", "r", "R", None, "dilemma"), row("integer", "d", "D", None, None, "description"),
        row("select_multiple country", "a", "A", None, None, "aspects"),
        row("text", "e", "E", None, None, "description"),
        row("text", "f", "F", None, None, "description"), row("end_repeat", None))))
    assert places(errors) == [("survey", 3, "imvo::field"), ("survey", 4, "imvo::field"), ("survey", 6, "imvo::field")]


@pytest.mark.parametrize(("low", "high", "column"), [
    ("two", 3, "imvo::min_repeat"), (1.5, 3, "imvo::min_repeat"), (-1, 3, "imvo::min_repeat"),
    (0, 0, "imvo::max_repeat"), (0, "many", "imvo::max_repeat"), (4, 3, "imvo::max_repeat")])
def test_repeat_counts_must_be_whole_numbers(low, high, column):
    errors = errors_of(make_xlsx(survey=imvo_survey(row("begin_repeat", "r", "R", None, None, None, low, high),
                                                    row("text", "t"), row("end_repeat", None))))
    assert places(errors) == [("survey", 2, column)]


@pytest.mark.parametrize(("kind", "imvo_type"), [
    ("decimal", "year"), ("integer", "percentage"), ("text", "long_text"), ("select_multiple yes_no", "yes_no"),
    ("select_one l", "rating"), ("date", "year")])
def test_imvo_type_not_valid_for_the_type(kind, imvo_type):
    errors = errors_of(make_xlsx(survey=imvo_survey(row(kind, "q", "Q", imvo_type)),
                                 choices=[("list_name", "name", "label"), ("l", "a", "A"), ("yes_no", "yes", "Ja")]))
    assert places(errors) == [("survey", 2, "imvo::type")]


@pytest.mark.parametrize("names", [(1, 2, 3, 4), (1, 2, 3, 4, 5, 6), (5, 4, 3, 2, 1), ("a", "b", "c", "d", "e")])
def test_scale_list_not_one_to_five(names):
    choices = [("list_name", "name", "label"), *[("s", name, f"Point {name}") for name in names]]
    errors = errors_of(make_xlsx(survey=imvo_survey(row("select_one s", "q", "Q", "scale")), choices=choices))
    assert places(errors) == [("choices", 2, "name")]


def test_scale_and_yes_no_lists_read():
    choices = [("list_name", "name", "label"), *[("s", n, f"P{n}") for n in (1, 2, 3, 4, 5)],
               ("jn", "yes", "Ja"), ("jn", "no", "Nee")]
    data = make_xlsx(survey=imvo_survey(row("select_one s", "q", "Q", "scale"),
                                        row("select_one jn", "y", "Y", "yes_no")), choices=choices)
    read, errors = read_workbook(data)
    assert errors == []
    scale, yes_no = read["sections"][0]["questions"]
    assert scale["scale"] == {"min_label": text("P1", "P1"), "max_label": text("P5", "P5")}
    assert scale["list_name"] == "s"
    assert yes_no == {"code": "y", "type": "yes_no", "label": text("Y", "Y"), "required": False}


def test_yes_no_list_with_other_choices():
    errors = errors_of(make_xlsx(survey=imvo_survey(row("select_one jn", "y", "Y", "yes_no")),
                                 choices=[("list_name", "name", "label"), ("jn", "ja", "Ja"), ("jn", "nee", "Nee")]))
    assert places(errors) == [("choices", 2, "name")]


def test_required_that_is_not_yes_or_no():
    errors = errors_of(make_xlsx(survey=survey(row("text", "q", "Q", "maybe"), header=(*HEADER, "required"))))
    assert places(errors) == [("survey", 2, "required")]


def test_required_under_a_condition_is_left_out_and_the_question_optional():
    definition, left_out = left_out_of(make_xlsx(survey=survey(
        row("text", "a"), row("text", "q", "Q", "${a} != ''"), header=(*HEADER, "required"))))
    assert definition["sections"][0]["questions"][1]["required"] is False
    assert left_out == [("survey", 3, "required", "q")]


@pytest.mark.parametrize(("settings", "place"), [
    (None, ("settings", None, "form_id")),
    ([("form_title",), ("Title",)], ("settings", 2, "form_id")),
    ([("form_id",), ("?",)], ("settings", 2, "form_id")),  # 'has space' becomes has_space: test_xlsform_field
    ([("form_id", "imvo::audience"), ("f", "public")], ("settings", 2, "imvo::audience")),
])  # another default_language is a warning now: test_xlsform_field
def test_settings_problems(settings, place):
    assert places(errors_of(make_xlsx(survey=survey(row("text", "q")), settings=settings))) == [place]


def test_empty_survey():
    assert places(errors_of(make_xlsx(survey=survey(row("start", "start"))))) == [("survey", None, None)]


def test_all_errors_are_collected():
    errors = errors_of(make_xlsx(survey=survey(row("mystery", "n"), row("text", "1q"), row("select_one nope", "s")),
                                 choices=[("list_name", "name", "label"), ("l", "a", "A")]))
    assert places(errors) == [("survey", 2, "type"), ("survey", 3, "name"), ("survey", 4, "type")]
    assert all(str(error.message) for error in errors)
