"""The question types whose answer is one or more codes: yes/no, choices, a scale and
the pickers of a reference list."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from wtforms import Field, RadioField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import options as select_options
from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import SCALE_POINTS, YES_NO_CHOICES, spaced, valid_choice_code
from .. import conditions
from .base import AllowedCodes, Labels, OptionsProvider, QuestionType, check_codes, text_in
from .cells import CodeFor, as_text, codes_in

#: Lists longer than this are a (multi-)select instead of radio buttons or checkboxes.
CHECKBOX_LIMIT = 20


#: The entries (code, Dutch, English) of each reference list, by its name.
ReferenceLists = Mapping[str, Sequence[tuple[str, str, str]]]


def reference_entries(question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
    """The entries of the reference list a picker uses; ValueError when it is not given."""
    if question["reference"] not in reference_lists:
        raise ValueError(f"no entries given for the reference list {question['reference']!r}")
    return list(reference_lists[question["reference"]])


def own_choice_problems(question: Mapping, multiple: bool) -> Iterator[tuple[str, str]]:
    """A choice question has choices, each with its own code; a multiple choice's codes
    have no spaces (its answers are the codes joined by spaces)."""
    codes = [c["code"] for c in question.get("choices", [])]
    if not codes:
        yield "choices", _l("A choice question needs choices.")
    if len(codes) != len(set(codes)):
        yield "choices", _l("Two choices have the same code.")
    for code in codes:
        if not valid_choice_code(code):
            yield "choices", _l("The choice code %(code)r is not valid: one line of at most 80 characters, "
                                "without a space at either end.", code=code)
        elif multiple and spaced(code):
            yield "choices", _l("The choice code %(code)r has a space, which a multiple choice's codes cannot "
                                "have: its answers are the chosen codes joined by spaces.", code=code)


def reference_needed(question: Mapping) -> Iterator[tuple[str, str]]:
    if not question.get("reference"):
        yield "reference", _l("A reference picker needs a reference list.")


class ListReader(Protocol):
    """What reading a select question's list needs of the XLSForm reader
    (xlsform.reader_choices.ChoicesReader)."""

    def list_rows(self, row, list_name: str) -> list | None: ...
    def choices(self, list_name: str, rows: list, multiple: bool) -> list[dict]: ...
    def scale(self, list_name: str, rows: list) -> dict | None: ...
    def check_yes_no(self, list_name: str, rows: list) -> None: ...


def read_own_choices(reader: ListReader, row, list_name: str, code: str, multiple: bool) -> dict:
    """The choices of a question's own list; its list name when it differs from its code."""
    rows = reader.list_rows(row, list_name)
    if rows is None:
        return {}
    own = {} if list_name == code else {"list_name": list_name}
    return {**own, "choices": reader.choices(list_name, rows, multiple)}


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SingleCode(QuestionType):
    """The base of the types whose answer is one code of a list of options."""

    single_code = True
    xlsform_name = "select_one"
    xlsform_uses_list = True
    #: Always radio buttons, however long the list (yes/no and a scale are short).
    always_radios = False

    workbook_note = _l("Choose from the list.")

    def parse_value(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        return check_codes(question, [self.code(str(raw).strip())], allowed)[0]

    def from_cell(self, question: Mapping, value, number_format: str, code_for: CodeFor):
        """A ticked box is yes or no; an option may be named by its code or label."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = as_text(value)
        return code_for(question, text) or text

    def code(self, text: str) -> str:
        """The code a respondent meant by `text` (spaces stripped)."""
        return text

    def display(self, question: Mapping, value, language: str, labels: Labels) -> str:
        return labels(question).get(str(value), str(value))

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        return [(choice["code"], text_in(choice["label"], language)) for choice in question.get("choices", [])]

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        return [(choice["code"], choice["label"]["nl"], choice["label"]["en"]) for choice in question.get("choices", [])]

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        """The keys a question of an XLSForm workbook takes from the list its select
        row names (errors go to the reader)."""
        return read_own_choices(reader, row, list_name, code, self.multiple)

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        option_list = self.choices(question, language, options)
        if len(option_list) <= CHECKBOX_LIMIT or self.always_radios:
            return RadioField(choices=select_options(option_list), **common)
        return SelectField(choices=select_options([("", _l("Choose..."))] + option_list), **common)


class MultipleCodes(QuestionType):
    """The base of the types whose answer is a list of codes."""

    multiple = True
    xlsform_name = "select_multiple"
    xlsform_uses_list = True
    cell_format = "@"
    answer_column = "json_value"

    def parse(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        """Codes from a list, or from one text separated by ; , or new lines; None when none."""
        items = raw if isinstance(raw, (list, tuple)) else [part for part in re.split(r"[;,\n]", str(raw or ""))]
        codes = [str(item).strip() for item in items if str(item).strip()]
        return check_codes(question, codes, allowed) or None

    def from_cell(self, question: Mapping, value, number_format: str, code_for: CodeFor):
        return codes_in(question, as_text(value), code_for)

    def to_column(self, value):
        return list(value)

    def from_column(self, stored):
        return list(stored or [])

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        return [(choice["code"], text_in(choice["label"], language)) for choice in question.get("choices", [])]

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        return [(choice["code"], choice["label"]["nl"], choice["label"]["en"]) for choice in question.get("choices", [])]

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        """The keys a question of an XLSForm workbook takes from the list its select
        row names (errors go to the reader)."""
        return read_own_choices(reader, row, list_name, code, self.multiple)

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        option_list = self.choices(question, language, options)
        field_class = CheckboxListField if len(option_list) <= CHECKBOX_LIMIT else SelectMultipleField
        return field_class(choices=select_options(option_list), **common)


class YesNo(SingleCode):
    """Yes or no, stored as "yes" / "no"; also reads Ja/Nee/true/false."""

    name = "yes_no"
    family = "yes_no"
    always_radios = True
    xlsform_imvo_type = True
    shared_list = "yes_no"

    def code(self, text: str) -> str:
        lowered = text.casefold()
        if lowered in ("ja", "j", "true", "waar", "1", "y"):
            return "yes"
        if lowered in ("nee", "n", "false", "onwaar", "0"):
            return "no"
        return text

    def fixed_codes(self, question: Mapping) -> list[str] | None:
        return ["yes", "no"]

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        return [(code, nl if language == "nl" else en) for code, nl, en in YES_NO_CHOICES]

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        return list(YES_NO_CHOICES)

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        """Nothing to keep: the list must be the yes/no list every yes/no question uses."""
        rows = reader.list_rows(row, list_name)
        if rows is not None:
            reader.check_yes_no(list_name, rows)
        return {}

    def codebook_choices(self, row, choices: list[tuple[str, str]], language: str) -> list[tuple[str, str]]:
        return [(code, en if language == "en" else nl) for code, nl, en in YES_NO_CHOICES]


class OwnChoices:
    """For a type answered from the question's own choices (not a reference list): the
    choices must be there, with codes of their own, and only those codes are accepted."""

    own_choices = True

    def choice_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        return own_choice_problems(question, self.multiple)

    def fixed_codes(self, question: Mapping) -> list[str] | None:
        return [choice["code"] for choice in question.get("choices", [])]


class SingleChoice(OwnChoices, SingleCode):
    """One of the question's own choices."""

    name = "single_choice"
    family = "single_choice"


class MultipleChoice(OwnChoices, MultipleCodes):
    """Any of the question's own choices."""

    name = "multiple_choice"
    family = "multiple_choice"


class Scale(SingleCode):
    """A point 1-5 with labelled ends; also reads 1.0 (from a spreadsheet)."""

    name = "scale"
    family = "scale"
    has_scale_labels = True
    always_radios = True
    xlsform_imvo_type = True
    #: Exported as whole numbers (the points), so that they can be averaged.
    export_column = "integer"

    def code(self, text: str) -> str:
        if re.fullmatch(r"\d+(\.0+)?", text):
            return str(int(float(text)))
        return text

    def fixed_codes(self, question: Mapping) -> list[str] | None:
        return [str(point) for point in SCALE_POINTS]

    def export_text(self, text):
        return int(text) if isinstance(text, str) and text.isdigit() else text

    def definition_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        yield from super().definition_problems(question)
        if not question.get("scale"):
            yield "scale", _l("A scale needs the labels of its ends.")

    def condition_domain(self, question: Mapping) -> set | None:
        return {conditions._key(point) for point in SCALE_POINTS}

    def codebook_choices(self, row, choices: list[tuple[str, str]], language: str) -> list[tuple[str, str]]:
        """The ends of the scale, with their labels."""
        en = language == "en"
        low = row.scale_min_label_en if en else row.scale_min_label_nl
        high = row.scale_max_label_en if en else row.scale_max_label_nl
        return [("1", low or "1"), ("5", high or "5")]

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        scale = question.get("scale") or {}
        low, high = text_in(scale.get("min_label"), language), text_in(scale.get("max_label"), language)
        return [(str(point), f"{point} - {low}" if point == SCALE_POINTS[0] else
                 f"{point} - {high}" if point == SCALE_POINTS[-1] else str(point)) for point in SCALE_POINTS]

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        """The labels of the ends, from a list of the points 1-5."""
        rows = reader.list_rows(row, list_name)
        if rows is None:
            return {}
        own = {} if list_name == code else {"list_name": list_name}
        scale = reader.scale(list_name, rows)
        return {**own, "scale": scale} if scale else own

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        ends = question["scale"]
        middle = [(str(point), str(point), str(point)) for point in SCALE_POINTS[1:-1]]
        return [(str(SCALE_POINTS[0]), ends["min_label"]["nl"], ends["min_label"]["en"]), *middle,
                (str(SCALE_POINTS[-1]), ends["max_label"]["nl"], ends["max_label"]["en"])]


class ReferenceOne(SingleCode):
    """One entry of a reference list (aspect, country, ...)."""

    name = "reference_one"
    family = "reference_one"
    uses_reference = True

    def reference_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        return reference_needed(question)

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        return options(question["reference"], language)

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        return reference_entries(question, reference_lists)

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        return {"reference": list_name}  # bound to the reference list, not copied


class ReferenceMany(MultipleCodes):
    """Several entries of a reference list."""

    name = "reference_many"
    family = "reference_many"
    uses_reference = True

    def reference_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        return reference_needed(question)

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        return options(question["reference"], language)

    def list_entries(self, question: Mapping, reference_lists: ReferenceLists) -> list[tuple[str, str, str]]:
        return reference_entries(question, reference_lists)

    def read_list(self, reader: ListReader, row, list_name: str, code: str) -> dict:
        return {"reference": list_name}  # bound to the reference list, not copied
