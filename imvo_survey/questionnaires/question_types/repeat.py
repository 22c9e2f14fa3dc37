"""The repeating group: a block of sub-questions answered 0..n times. It has no answer
of its own (its entries are stored apart) and is shown as a table, not as a field."""

from __future__ import annotations

from collections.abc import Mapping

from wtforms import Field

from .base import OptionsProvider, QuestionType


class Repeat(QuestionType):
    """A block of sub-questions answered 0..n times."""

    name = "repeat"
    family = "repeat"
    is_group = True
    xlsform_name = "begin_repeat"

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return None
