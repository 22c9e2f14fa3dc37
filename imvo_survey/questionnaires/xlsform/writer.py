"""Writing XLSForm workbooks: `write_workbook` turns a questionnaire definition into
the sheets survey, choices and settings (with the `imvo::` columns), as XLSX bytes that
depend on the definition only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.xml.functions import tostring

from .. import conditions
from ..question_types import question_type
from .common import CHOICES_COLUMNS, LANGUAGE_HEADERS, LANGUAGES, SETTINGS_COLUMNS, SURVEY_COLUMNS, all_questions

#: Zip entries get this time, so that the same definition gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)


def write_workbook(definition: dict, reference_lists: Mapping[str, Sequence[tuple[str, str, str]]]) -> bytes:
    """The XLSForm workbook (XLSX bytes) of a definition.

    `reference_lists` maps a reference list name (e.g. "country") to its entries
    (code, Dutch label, English label), in display order; they are written out as the
    choices of reference pickers so the workbook stands alone. Raises ValueError when
    a picker uses a list that is not given. The same definition gives the same bytes."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    multiple = {q["code"] for q in all_questions(definition) if question_type(q).multiple}
    questions = list(all_questions(definition))
    _fill(survey, (*SURVEY_COLUMNS, *_other_columns(questions)), _survey_rows(definition, multiple))
    choices = [choice for question in questions for choice in question.get("choices", [])]
    _fill(workbook.create_sheet("choices"), (*CHOICES_COLUMNS, *_other_columns(choices)),
          _choice_rows(definition, reference_lists))
    _fill(workbook.create_sheet("settings"), SETTINGS_COLUMNS, [_settings_row(definition)])
    return _save(workbook)


def _fill(sheet, columns: Sequence[str], rows: Iterable[dict]) -> None:
    """The header, then each row (a dict by column) in column order."""
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns])


def _other_columns(items: list[dict]) -> list[str]:
    """The columns of the texts in other languages that `items` keep (see
    `Question.other_texts`), after the fixed columns, in the order first met."""
    return list(dict.fromkeys(column for item in items for column in item.get("other_texts", {})))


def _texts(column: str, text: Mapping[str, str] | None) -> dict[str, str | None]:
    """The cells of a text in both languages; empty texts are empty cells."""
    text = text or {}
    return {f"{column}::{LANGUAGE_HEADERS[language]}": text.get(language) or None for language in LANGUAGES}


def _survey_rows(definition: dict, multiple: set[str]) -> Iterator[dict]:
    for section in definition.get("sections", []):
        yield {"type": "begin_group", "name": section["code"], **_texts("label", section["title"]),
               **_texts("hint", section.get("intro"))}
        for question in section.get("questions", []):
            if question_type(question).is_group:
                yield _repeat_row(question, multiple)
                for child in question.get("questions", []):
                    yield _question_row(child, multiple)
                yield {"type": "end_repeat"}
            else:
                yield _question_row(question, multiple)
        yield {"type": "end_group"}


def _common_cells(question: dict, multiple: set[str]) -> dict:
    """Name, label, hint and condition: what questions and repeats share."""
    show_if = question.get("show_if")
    return {"name": question["code"], **_texts("label", question["label"]), **_texts("hint", question.get("hint")),
            "relevant": conditions.render(show_if, multiple=multiple) if show_if else None,
            **question.get("other_texts", {})}


def _repeat_row(question: dict, multiple: set[str]) -> dict:
    return {"type": "begin_repeat", **_common_cells(question, multiple),
            "imvo::inventory": question.get("inventory"), "imvo::min_repeat": question.get("min_repeat"),
            "imvo::max_repeat": question.get("max_repeat")}


def _question_row(question: dict, multiple: set[str]) -> dict:
    xlsform_type, appearance, imvo_type = _written_type(question)
    validation = question.get("validation") or {}
    return {"type": xlsform_type, **_common_cells(question, multiple),
            "required": "yes" if question.get("required") else None,
            "constraint": _constraint(validation), **_texts("constraint_message", validation.get("message")),
            "appearance": appearance, "imvo::type": imvo_type, "imvo::field": question.get("inventory_field")}


def _written_type(question: dict) -> tuple[str, str | None, str | None]:
    """(XLSForm type, appearance, imvo::type) of a question."""
    kind = question_type(question)
    written = f"{kind.xlsform_name} {_list_name(question)}" if kind.xlsform_uses_list else kind.xlsform_name
    return written, kind.xlsform_appearance, kind.name if kind.xlsform_imvo_type else None


def _list_name(question: dict) -> str:
    """The choice list a select question uses in the workbook."""
    if question_type(question).shared_list:
        return question_type(question).shared_list
    if question.get("reference"):
        return question["reference"]
    return question.get("list_name") or question["code"]


def _number_text(value: float) -> str:
    """A number as XPath reads it: no trailing `.0`, no exponent."""
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def _constraint(validation: Mapping) -> str | None:
    """The XLSForm constraint of validation rules, in the documented order."""
    parts = []
    if "min" in validation:
        parts.append(f". >= {_number_text(validation['min'])}")
    if "max" in validation:
        parts.append(f". <= {_number_text(validation['max'])}")
    if "max_length" in validation:
        parts.append(f"string-length(.) <= {int(validation['max_length'])}")
    if "pattern" in validation:
        pattern = validation["pattern"]
        quote = '"' if "'" in pattern else "'"  # XPath strings cannot escape their quote
        parts.append(f"regex(., {quote}{pattern}{quote})")
    return " and ".join(parts) or None


def _choice_rows(definition: dict, reference_lists: Mapping[str, Sequence[tuple[str, str, str]]]) -> Iterator[dict]:
    """Each list once, in the order of first use."""
    written: set[str] = set()
    for question in all_questions(definition):
        if not question_type(question).xlsform_uses_list:
            continue
        name = _list_name(question)
        if name in written:
            continue
        written.add(name)
        others = {choice["code"]: choice.get("other_texts", {}) for choice in question.get("choices", [])}
        for code, dutch, english in _list_entries(question, reference_lists):
            yield {"list_name": name, "name": code, "label::Nederlands (nl)": dutch or None,
                   "label::English (en)": english or None, **others.get(code, {})}


def _list_entries(question: dict, reference_lists: Mapping[str, Sequence[tuple[str, str, str]]]) -> list:
    """(code, Dutch, English) of each choice of a select question."""
    return question_type(question).list_entries(question, reference_lists)


def _settings_row(definition: dict) -> dict:
    header = definition["questionnaire"]
    title, description = header["title"], header.get("description") or {}
    return {"form_title": title.get("nl") or None, "form_id": header["code"], "version": definition.get("version", 1),
            "default_language": LANGUAGE_HEADERS[definition.get("default_language", "nl")],
            "imvo::audience": header.get("audience"), "imvo::title_en": title.get("en") or None,
            "imvo::description_nl": description.get("nl") or None,
            "imvo::description_en": description.get("en") or None}


def _save(workbook: Workbook) -> bytes:
    """XLSX bytes that depend on the content only: openpyxl stamps the save time into the
    document properties and the zip entries, so both are set to a fixed time."""
    workbook.properties.created = FIXED_TIME
    buffer = BytesIO()
    workbook.save(buffer)
    workbook.properties.modified = FIXED_TIME
    core = tostring(workbook.properties.to_tree())
    output = BytesIO()
    with ZipFile(BytesIO(buffer.getvalue())) as source, ZipFile(output, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = core if entry.filename == "docProps/core.xml" else source.read(entry)
            fixed = ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content, compress_type=ZIP_DEFLATED)
    return output.getvalue()
