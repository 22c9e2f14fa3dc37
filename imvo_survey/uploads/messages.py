"""The refusal of an uploaded file and the words its messages are made of."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import format_decimal

from ..i18n import lazy_gettext as _l


class UploadRefused(ValueError):
    """A file refused before it is parsed; `str()` is the message for the person who
    uploaded it: what is wrong, the limit and what was found, and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


#: How each kind of file is named to the person uploading it.
KIND_NAMES = {"csv": _l("a CSV file"), "xlsx": _l("an Excel workbook (.xlsx)"),
              "xls": _l("an Excel 97-2003 workbook (.xls)"), "json": _l("a JSON file")}


def kinds_text(kinds: Collection[str]) -> str:
    """"a CSV file or an Excel workbook (.xlsx)": the kinds accepted, in words."""
    names = [str(KIND_NAMES[kind]) for kind in ("csv", "xlsx", "xls", "json") if kind in kinds]
    if len(names) < 2:
        return "".join(names)
    return str(_l("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1]))


def number(value: int | float) -> str:
    """A number as the reader's language writes it (1.048.576 in Dutch)."""
    return format_decimal(value, format="#,##0.#")
