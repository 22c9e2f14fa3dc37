"""The vocabulary of questionnaire definitions: question types, reference lists and the
inventory bindings. Shared by the models, the JSON and XLSForm formats and the checks.
No Flask imports."""

from __future__ import annotations

import re

#: The names of the question types, which the database accepts; how each behaves is its
#: class in questionnaires/question_types/.
QUESTION_TYPES = (
    "text",             # short text (one line)
    "long_text",        # long text, with an optional maximum length
    "integer",
    "decimal",
    "percentage",       # a number 0-100
    "year",
    "date",
    "yes_no",           # stored as "yes" / "no"
    "single_choice",    # one of the question's choices
    "multiple_choice",  # any of the question's choices
    "scale",            # 1-5 with labelled ends
    "reference_one",    # one entry of a reference list (aspect, country, ...)
    "reference_many",   # several entries of a reference list
    "repeat",           # a block of sub-questions answered 0..n times
)

#: The reference lists a picker can use, named as in XLSForm choice lists.
REFERENCE_LISTS = ("aspect", "activity_type", "country", "product_group", "reporting_channel", "sector",
                   "chain_initiative")

YES_NO_CHOICES = (("yes", "Ja", "Yes"), ("no", "Nee", "No"))
#: A choice's code is what the XLSForm tools accept (1, 99, 10_70, père, "niet bekend"):
#: one line, at most this many characters, no space at either end; kept exactly as
#: given (`valid_choice_code`; the JSON Schema's choice_code says the same). A multiple
#: choice's codes have no space at all: its answers are the chosen codes joined by
#: spaces (in XLSForm and ODK).
MAX_CHOICE_CODE_LENGTH = 80
SCALE_POINTS = (1, 2, 3, 4, 5)

#: The inventories a repeating group can feed, with the fields its sub-questions may
#: fill: field -> (allowed question types, allowed reference list or None, required).
INVENTORY_FIELDS: dict[str, dict[str, tuple[tuple[str, ...], str | None, bool]]] = {
    "activity": {
        "title": (("text",), None, True),
        "description": (("text", "long_text"), None, False),
        "activity_type": (("reference_one",), "activity_type", True),
        "aspects": (("reference_many",), "aspect", True),
        "countries": (("reference_many",), "country", False),
        "product_groups": (("reference_many",), "product_group", False),
        "start_year": (("year",), None, False),
        "member_share": (("percentage",), None, False),
        "partners": (("reference_many",), "chain_initiative", False),
        "partners_other": (("text", "long_text"), None, False),
        "channels": (("reference_many",), "reporting_channel", False),
        "publish_consent": (("yes_no",), None, False),
    },
    "dilemma": {
        "description": (("text", "long_text"), None, True),
        "aspects": (("reference_many",), "aspect", True),
        "countries": (("reference_many",), "country", False),
    },
    "bottleneck": {
        "description": (("text", "long_text"), None, True),
        "aspects": (("reference_many",), "aspect", True),
        "what_would_help": (("text", "long_text"), None, False),
    },
}
INVENTORIES = tuple(INVENTORY_FIELDS)
AUDIENCES = ("association", "company")


def valid_choice_code(code: str) -> bool:
    """Whether `code` may be a choice's code (see MAX_CHOICE_CODE_LENGTH): any line
    break counts, a carriage return or a line separator as well as a new line."""
    return 0 < len(code) <= MAX_CHOICE_CODE_LENGTH and code == code.strip() and len(code.splitlines()) == 1


def spaced(code: str) -> bool:
    """Whether a choice code holds a space, which a multiple choice's codes may not."""
    return re.search(r"\s", code) is not None
