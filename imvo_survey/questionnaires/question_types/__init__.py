"""The question types as classes: each type owns how its answer is parsed, checked,
stored (JSON and the answer table), shown in words and asked in a form; the keys its
definition needs; its XLSForm names and list; its offline-workbook cell; its export
column. (Indico's survey `fields/` is the model.)

The names in `models.questionnaire_vocabulary.QUESTION_TYPES` stay the source of the
names the database accepts; this registry holds exactly one class per name (a test
checks it). Code that used to ask `question["type"] in (...)` asks the type instead:
`question_type(question).parse(...)`, `question_type(question).is_group`; outside this
package no code compares a question's type with a type's name
(tests/test_question_type_switches.py keeps it so).

Adding a type:
1. add its name to QUESTION_TYPES (and a migration for the database constraint) and
   to the type enum of schema/questionnaire.schema.json;
2. write one subclass of `QuestionType` (in `simple.py`, `choices.py` or a module of
   its own) that sets `name` and `family` and overrides what differs from the defaults
   (at least `form_field`);
3. list the class in `TYPES` below;
4. test it in tests/questionnaires/test_question_types.py and where its answers are used.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .base import AllowedCodes, AnswerError, OptionsProvider, QuestionType, is_empty, text_in
from .choices import (
    CHECKBOX_LIMIT,
    CheckboxListField,
    MultipleChoice,
    ReferenceMany,
    ReferenceOne,
    Scale,
    SingleChoice,
    YesNo,
)
from .repeat import Repeat
from .simple import YEAR_RANGE, Date, DecimalNumber, Integer, LongText, Percentage, Text, Year

#: One instance of every type, by its name.
TYPES: dict[str, QuestionType] = {kind.name: kind() for kind in (
    Text, LongText, Integer, DecimalNumber, Percentage, Year, Date,
    YesNo, SingleChoice, MultipleChoice, Scale, ReferenceOne, ReferenceMany,
    Repeat,
)}


def question_type(name_or_question: str | Mapping) -> QuestionType:
    """The type of a question (a definition dict) or of a type name; KeyError for an
    unknown name (the definition checks reject those before anything asks)."""
    name = name_or_question if isinstance(name_or_question, str) else name_or_question["type"]
    return TYPES[name]


def xlsform_refinements() -> dict[str, tuple[str, ...]]:
    """XLSForm question type -> the names imvo::type may give it (the types the
    XLSForm type alone does not tell), e.g. "integer" -> ("year",)."""
    refinements: dict[str, tuple[str, ...]] = {}
    for kind in TYPES.values():
        if not kind.is_group:
            refinements.setdefault(kind.xlsform_name, ())
            if kind.xlsform_imvo_type:
                refinements[kind.xlsform_name] += (kind.name,)
    return refinements


def xlsform_types(uses_list: bool) -> frozenset[str]:
    """The XLSForm types of the questions (not the groups) that choose from a list of
    the choices sheet (select_one, select_multiple) or, with False, that do not."""
    return frozenset(kind.xlsform_name for kind in TYPES.values()
                     if not kind.is_group and kind.xlsform_uses_list == uses_list)



def plain_xlsform_type(xlsform_type: str, appearances: Collection[str], from_reference: bool) -> str:
    """The type of a question whose row gives `xlsform_type` and no imvo::type: of the
    types imvo::type is not needed for, the one whose appearance the row has (multiline:
    a long text) or else the one without, choosing from a reference list or not."""
    fitting = [kind for kind in TYPES.values() if kind.xlsform_name == xlsform_type and not kind.xlsform_imvo_type
               and kind.uses_reference == from_reference
               and (kind.xlsform_appearance is None or kind.xlsform_appearance in appearances)]
    return max(fitting, key=lambda kind: kind.xlsform_appearance is not None).name


__all__ = [
    "CHECKBOX_LIMIT", "TYPES", "YEAR_RANGE", "AllowedCodes", "AnswerError", "CheckboxListField", "OptionsProvider",
    "QuestionType", "is_empty", "plain_xlsform_type", "question_type", "text_in", "xlsform_refinements",
    "xlsform_types",
]
