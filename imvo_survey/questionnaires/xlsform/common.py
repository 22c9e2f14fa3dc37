"""What the writer and the reader of XLSForm workbooks share: the languages, the
columns of the three sheets as written, and the walk over a definition's questions."""

from __future__ import annotations

from collections.abc import Iterator

from ..question_types import question_type

LANGUAGES = ("nl", "en")
LANGUAGE_HEADERS = {"nl": "Nederlands (nl)", "en": "English (en)"}

SURVEY_COLUMNS = (
    "type", "name", "label::Nederlands (nl)", "label::English (en)",
    "hint::Nederlands (nl)", "hint::English (en)", "required", "relevant", "constraint",
    "constraint_message::Nederlands (nl)", "constraint_message::English (en)",
    "appearance", "imvo::type", "imvo::inventory", "imvo::field", "imvo::min_repeat",
    "imvo::max_repeat",
)
CHOICES_COLUMNS = ("list_name", "name", "label::Nederlands (nl)", "label::English (en)")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "imvo::audience",
                    "imvo::title_en", "imvo::description_nl", "imvo::description_en")


def all_questions(definition: dict) -> Iterator[dict]:
    """Every question in reading order, the sub-questions of a repeat after it."""
    for section in definition.get("sections", []):
        for question in section.get("questions", []):
            yield question
            if question_type(question).is_group:
                yield from question.get("questions", [])
