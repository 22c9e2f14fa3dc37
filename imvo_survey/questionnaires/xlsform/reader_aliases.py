"""The spellings of XLSForm that the XLSForm tools accept besides the current ones,
read with pyxform's own tables so that we accept what they accept.

pyxform is the reference implementation of XLSForm (KoBoToolbox and ODK Build use
it); its alias tables (`pyxform.aliases`), its header splitting
(`pyxform.parsing.sheet_headers.process_header`) and its table of question types
(`pyxform.question_type_dictionary`) carry twenty years of spellings: a `list name`
header, `label:English` with one colon, `bind:relevant` or `relevance`, `caption`,
`select one from LIST`, `select all that apply LIST`, `begin group`, `int` and
`string`. Here they are turned into the names the rest of the reader uses (the
current XLSForm spellings), so that its checks stay as they are.
"""

from __future__ import annotations

import re

from pyxform import aliases, constants
from pyxform.parsing.sheet_headers import process_header
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

#: pyxform's header aliases per sheet we read.
HEADER_ALIASES = {"survey": aliases.survey_header, "choices": aliases.list_header,
                  "settings": aliases.settings_header}
#: What pyxform turns a header into -> the header as we (and current XLSForm) name it.
PYXFORM_TO_OURS = {
    ("bind", "relevant"): "relevant", ("bind", "required"): "required", ("bind", "constraint"): "constraint",
    ("bind", "jr:constraintMsg"): "constraint_message", ("bind", "calculate"): "calculation",
    ("bind", "readonly"): "read_only", ("bind", "jr:requiredMsg"): "required_message",
    ("bind", "jr:noAppErrorString"): "no_app_error_string", ("control", "appearance"): "appearance",
    ("control", "jr:count"): "repeat_count", ("control", "autoplay"): "autoplay", ("control", "rows"): "rows",
    ("media", "image"): "image", ("media", "big-image"): "big-image", ("media", "audio"): "audio",
    ("media", "video"): "video",
    (constants.LIST_NAME_S,): "list_name", (constants.TITLE,): "form_title", (constants.ID_STRING,): "form_id",
}
#: `bind:X` and `control:X` as written: X is read as the column X.
PREFIXES_OF_COLUMNS = frozenset({"bind", "control"})

#: pyxform's select commands -> ours (select_one, select_multiple), or None when the
#: command is one we do not read (from a file, external, rank).
SELECT_COMMANDS = {command: {constants.SELECT_ONE: "select_one", constants.SELECT_ALL_THAT_APPLY: "select_multiple"}
                   .get(meaning) if "file" not in command and "external" not in command else None
                   for command, meaning in aliases.select.items()}
SELECT = re.compile(r"^(?P<command>" + "|".join(sorted(map(re.escape, SELECT_COMMANDS), key=len, reverse=True))
                    + r")\s+(?P<list>\S+)(?:\s+(?P<other>or specify other|or_other|or other))?$", re.IGNORECASE)
#: `begin group`, `begin repeat`, `end looped group`: pyxform's control words.
CONTROL = re.compile(r"^(?P<end>begin|end)[\s_]+(?P<word>" + "|".join(map(re.escape, aliases.control))
                     + r")$", re.IGNORECASE)
CONTROL_KINDS = {constants.GROUP: "group", constants.REPEAT: "repeat", constants.LOOP: "loop"}


def column_tokens(sheet: str, header: str, double_colon: bool, known: frozenset[str]) -> tuple[str, ...]:
    """A header as (column, language...) in our names: pyxform's split and aliases,
    then pyxform's internal names (`("bind", "relevant")`) back to the column names.
    Our own `imvo::` columns and unknown headers keep their spelling."""
    if header.lower().startswith("imvo::"):
        return (header.lower(),)
    table = HEADER_ALIASES.get(sheet, {})
    _new, tokens = process_header(header, double_colon, table, known)
    tokens = tuple(str(token) for token in tokens)
    for length in (2, 1):
        ours = PYXFORM_TO_OURS.get(tokens[:length])
        if ours is not None:
            return (ours, *tokens[length:])
    if len(tokens) > 1 and tokens[0].lower() in PREFIXES_OF_COLUMNS:
        inner = table.get(tokens[1].lower())
        ours = PYXFORM_TO_OURS.get(inner if isinstance(inner, tuple) else (inner,))
        if ours is not None or tokens[1].lower() in known:
            return (ours or tokens[1].lower(), *tokens[2:])
        return (f"{tokens[0]}::{tokens[1]}".lower(), *tokens[2:])  # bind::saveIncomplete: reported as not read
    return tokens


def uses_double_colon(headers) -> bool:
    """Whether a sheet splits its headers on `::` (else on `:`), as pyxform decides."""
    return any("::" in str(header) for header in headers if header is not None)


def select_type(written: str) -> tuple[str | None, str, bool] | None:
    """(select_one or select_multiple or None when not read, list name, with "or other")
    of a select written in any spelling pyxform accepts; None when it is no select."""
    match = SELECT.match(" ".join(written.split()))
    if match is None:
        return None
    return SELECT_COMMANDS[match.group("command").lower()], match.group("list"), bool(match.group("other"))


def control_type(written: str) -> str | None:
    """`begin_group`, `end_repeat`, ... of `begin group`, `begin looped group` and the like."""
    match = CONTROL.match(" ".join(written.split()))
    if match is None:
        return None
    kind = CONTROL_KINDS[aliases.control[match.group("word").lower()]]
    return f"{match.group('end').lower()}_{kind}"


def simple_type(written: str, ours: frozenset[str]) -> str | None:
    """Our name of a one-word type that pyxform knows by another name (`int`,
    `string`, `q int`): the type of ours that pyxform defines the same way."""
    definition = QUESTION_TYPE_DICT.get(written) or QUESTION_TYPE_DICT.get(written.lower())
    if definition is None:
        return None
    return next((name for name in sorted(ours) if QUESTION_TYPE_DICT.get(name) == definition), None)


def pyxform_type(written: str) -> str | None:
    """The type as pyxform names it, when pyxform knows it (`image` is `photo`)."""
    lowered = written.lower()
    if lowered in QUESTION_TYPE_DICT or written in QUESTION_TYPE_DICT:
        return aliases._type_alias_map.get(lowered, lowered)  # noqa: SLF001 - pyxform's own table of type aliases
    return None


def is_loop_or_osm(written: str) -> bool:
    """`begin loop over LIST` and `osm LIST`: types pyxform reads that we do not."""
    words = written.lower().split()
    return words[:3] == ["begin", "loop", "over"] or (len(words) == 2 and words[0] in aliases.osm)
