"""Building the respondent's section and entry forms from the questionnaire, with the
saved answers (or what was typed) in them, and the progress over the sections."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField

from ..answers.checks import Missing, shown
from ..answers.document import Document
from ..answers.layout import Layout
from ..answers.values import is_empty, to_json
from ..questionnaires.formbuilder import choices_of, form_class
from ..questionnaires.question_types import question_type
from ..questionnaires.services import reference_options
from ..uploads import parse_json
from .glossary import terms_in


class AnswerFormBase(FlaskForm):
    """The hidden fields of every answer form: the lock version the page was loaded
    with and the values as loaded (the base of the three-way merge)."""

    class Meta:
        csrf = True

    lock_version = HiddenField()
    base = HiddenField()


def raw_inputs(questions: list[dict], formdata) -> dict:
    """What was typed, by question code (lists for questions with several answers)."""
    raw = {}
    for question in questions:
        code = question["code"]
        if question_type(question).multiple:
            if code in formdata or f"{code}__present" in formdata:
                raw[code] = [value for value in formdata.getlist(code) if value]
        elif code in formdata:
            raw[code] = formdata.get(code)
    return raw


def base_json(formdata) -> dict | None:
    try:
        data = parse_json(formdata.get("base") or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def lock_version_of(formdata) -> int:
    value = formdata.get("lock_version", "")
    return int(value) if value.isdigit() else 0


def build_form(questions: list[dict], values: dict, lock_version: int, language: str, formdata=None,
               prefix: str = ""):
    """A form for `questions`: bound to what was posted, or filled with `values`."""
    form_type = form_class(questions, language, reference_options, base=AnswerFormBase)
    base = json.dumps({q["code"]: to_json(values.get(q["code"])) for q in questions})
    if formdata is not None:
        form = form_type(formdata=formdata, prefix=prefix)
    else:
        data = {q["code"]: values.get(q["code"]) for q in questions}
        data.update(lock_version=str(lock_version), base=base)
        form = form_type(formdata=None, data=data, prefix=prefix)
    return form


@dataclass
class SectionState:
    """A section in the progress indicator."""

    code: str
    title: str
    state: str  # done, errors, todo, unseen
    missing: int


def progress(layout: Layout, document: Document, problems: list[Missing], language: str,
             saved: set[str] | None) -> list[SectionState]:
    """Per section: done (saved, and nothing required missing), with errors (something
    missing after it was saved or answered), to do (something required, nothing there
    yet), or not yet looked at (nothing required, never saved). `saved` comes from
    `responses.sections.saved_sections` (None: all saved). Nothing is done unseen:
    answers carried over from last year still need a look, and an optional section
    counts as done only once it has been saved, empty or not."""
    states = []
    for section in layout.sections:
        missing_here = [m for m in problems if m.section == section["code"]]
        was_saved = saved is None or section["code"] in saved
        if missing_here:
            state = "errors" if was_saved or _answered(layout, document, section) else "todo"
        else:
            state = "done" if was_saved else "unseen"
        states.append(SectionState(section["code"], section["title"][language], state, len(missing_here)))
    return states


def _answered(layout: Layout, document: Document, section: dict) -> bool:
    return any(not is_empty(document.answers.get(q["code"])) for q in layout.plain_questions(section)) or \
        any(document.entries.get(r["code"]) for r in layout.repeats(section))


def hidden_codes(questions: list[dict], answers: dict) -> set[str]:
    """Questions whose condition does not hold with the answers (hidden on the page)."""
    return {q["code"] for q in questions if not shown(q, answers)}


def page_terms(section: dict, language: str) -> list:
    """Glossary terms used on a section's page."""
    texts = [section["title"][language], (section.get("intro") or {}).get(language, "")]
    for question in section["questions"]:
        texts.append(question["label"][language])
        texts.append((question.get("hint") or {}).get(language, ""))
        for child in question.get("questions", []):
            texts.append(child["label"][language])
            texts.append((child.get("hint") or {}).get(language, ""))
    return terms_in(*texts)


def merged_answers(document: Document, form_values: dict) -> dict:
    return {**document.answers, **{k: v for k, v in form_values.items()}}


def labels_for(language: str):
    """Option labels of a question in a language, for showing answers in words."""
    cache: dict[str, dict] = {}

    def labels(question: dict) -> dict:
        if question["code"] not in cache:
            cache[question["code"]] = dict(choices_of(question, language, reference_options))
        return cache[question["code"]]

    return labels


def as_typed(form, raw: dict) -> MultiDict:
    """A conflict page's form (no answer fields, only the chosen values as JSON) as a
    questionnaire form reads it: the chosen values `raw` as if typed, so that a page
    shown again (an error, a refusal, after logging in again) still holds them."""
    data = MultiDict([("lock_version", form.get("lock_version", "")), ("base", form.get("base", ""))])
    for code, value in raw.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(code, item)
        data.add(f"{code}__present", "1")
    return data
