"""Reading an answer from a spreadsheet cell of the offline workbook: what a person may
have typed or Excel may have made of it, as input for the type's `parse`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

#: The code an option of a question is named by (its code or label, any case), or None.
CodeFor = Callable[[Mapping, str], str | None]


def as_text(value) -> str:
    """A cell's value as the text a person typed (12.0 as 12, dates as dd-mm-yyyy)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d-%m-%Y")
    return str(value)


def codes_in(question: Mapping, text: str, code_for: CodeFor) -> list[str]:
    """Codes separated by ; (or new lines); a part that is no option is tried as a
    list separated by commas (names may hold commas, so those come second)."""
    codes = []
    for part in (part.strip() for part in re.split(r"[;\n]", text)):
        if not part:
            continue
        code = code_for(question, part)
        if code is None and "," in part:
            codes.extend(code_for(question, sub) or sub.strip() for sub in part.split(",") if sub.strip())
        else:
            codes.append(code or part)
    return codes
