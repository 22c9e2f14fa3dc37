"""Text as the app keeps it: one kind of line end, and no control characters.

Browsers send the lines of a textarea joined by CR LF (the HTML standard says so), files
made on Windows carry CR LF too, and Excel writes a CR inside a cell as `_x000D_`, which
openpyxl hands over as those seven characters. Stored as they come, they show up later as
`_x000D_` in XLSX readers and as doubled blank lines elsewhere, so every text that comes
in (forms, uploaded workbooks, imports) is brought to plain LF first.

The C0 control characters other than tab and the line ends are dropped wherever text
comes in (form fields and query parameters in `request_class`, spreadsheets and CSV
files here): PostgreSQL refuses a NUL in any text, XML (so XLSX) refuses the others, and
nobody types them on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: C0 control characters other than tab, LF and CR.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: OOXML's escape of a character in cell text: `_x000D_` is a CR, `_x005F_` an underscore.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def without_control_characters(value):
    """`value` without C0 control characters other than tab, LF and CR (texts only)."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def normalise_newlines(text: str) -> str:
    """`\\r\\n` and a lone `\\r` as `\\n`."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_escape(match: re.Match) -> str:
    code = int(match.group(1), 16)
    # Only control characters and the underscore are escaped by Excel; anything else
    # that looks like an escape was typed as it is.
    return chr(code) if code < 0x20 or code == 0x5F else match.group(0)


def from_spreadsheet(text: str) -> str:
    """Text of an XLSX cell as typed: OOXML escapes decoded, line ends as LF, other
    control characters (an escaped NUL, say) dropped."""
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(_decode_escape, text)
    return without_control_characters(normalise_newlines(text))


def to_spreadsheet(text: str) -> str:
    """Text for an openpyxl cell that `from_spreadsheet` reads back as it was: a typed
    `_x000D_` is written as Excel writes it, `_x005F_x000D_` (openpyxl does not)."""
    return _OOXML_ESCAPE.sub(lambda match: "_x005F" + match.group(0), text) if "_x" in text else text


def map_strings(value, function: Callable[[str], str]):
    """`function` applied to every string inside nested dicts and lists (a definition)."""
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, function) for item in value]
    return value
