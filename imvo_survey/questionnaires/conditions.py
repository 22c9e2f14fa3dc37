"""Show-if conditions: parsed from and written as XLSForm `relevant` expressions,
kept as plain JSON, and evaluated against answers. No Flask imports.

A condition is one of
    {"op": "equals",     "question": CODE, "value": V}
    {"op": "not_equals", "question": CODE, "value": V}
    {"op": "any_of",     "question": CODE, "values": [V, ...]}
    {"op": "answered",   "question": CODE}
    {"all": [CONDITION, ...]}          (and)
    {"any": [CONDITION, ...]}          (or)
where V is a string (a choice code, "yes"/"no") or a number.

In XLSForm: `${q} = 'v'`, `${q} != 'v'`, `${q} != ''` (answered), and for questions
with several answers `selected(${q}, 'v')` and `not(selected(${q}, 'v'))`; any-of is
`(selected(${q}, 'a') or selected(${q}, 'b'))` (or the same with `=` for a question
with one answer); `and`, `or` and parentheses combine them.

The browser evaluates the same JSON in static/js/conditions.js, to hide questions at
once; `evaluate` here decides at save and submit time. Both are tested against the
cases in tests/questionnaires/condition_cases.json: a change to one is a change to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ..i18n import lazy_gettext as _l

OPERATORS = ("equals", "not_equals", "any_of", "answered")


class ConditionError(ValueError):
    """An expression that does not parse, or a condition that is not well formed; its
    message is in the user's language when shown."""


#: What the parser wanted, by the kind of token, in words.
_WANTED = {"ref": _l("a question, written ${code}"), "op": _l("an operator (= or !=)"), "number": _l("a number"),
           "word": _l("a word")}


# --- parsing ----------------------------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{(?P<code>[A-Za-z_][A-Za-z0-9_.\-]*)\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>!=|=|>=|<=|>|<)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z][A-Za-z\-]*)
    )""", re.VERBOSE)


@dataclass
class _Token:
    kind: str
    value: object
    position: int


def _tokenise(expression: str) -> list[_Token]:
    tokens = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ConditionError(_l("unexpected text at position %(position)s: %(text)r", position=position + 1,
                                     text=text[position:position + 12]))
        if match.group("ref"):
            tokens.append(_Token("ref", match.group("code"), match.start("ref")))
        elif match.group("string") is not None:
            tokens.append(_Token("string", match.group("string")[1:-1], match.start("string")))
        elif match.group("number"):
            raw = match.group("number")
            tokens.append(_Token("number", int(raw) if "." not in raw else float(raw), match.start("number")))
        elif match.group("op"):
            tokens.append(_Token("op", match.group("op"), match.start("op")))
        elif match.group("punct"):
            tokens.append(_Token(match.group("punct"), match.group("punct"), match.start("punct")))
        else:
            tokens.append(_Token("word", match.group("word").lower(), match.start("word")))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, expression: str):
        self.tokens = _tokenise(expression)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, kind: str, value=None) -> _Token:
        token = self.peek()
        if token is None or token.kind != kind or (value is not None and token.value != value):
            wanted = repr(value) if value is not None else _WANTED.get(kind, repr(kind))
            if token is None:
                raise ConditionError(_l("expected %(wanted)s but the expression ends", wanted=wanted))
            raise ConditionError(_l("expected %(wanted)s but found %(found)r at position %(position)s", wanted=wanted,
                                    found=token.value, position=token.position + 1))
        self.index += 1
        return token

    def at_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.value == word

    def parse(self) -> dict:
        if not self.tokens:
            raise ConditionError(_l("the expression is empty"))
        condition = self.parse_or()
        if self.peek() is not None:
            token = self.peek()
            raise ConditionError(_l("unexpected %(found)r at position %(position)s", found=token.value,
                                    position=token.position + 1))
        return condition

    def parse_or(self) -> dict:
        parts = [self.parse_and()]
        while self.at_word("or"):
            self.index += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else _combine("any", parts)

    def parse_and(self) -> dict:
        parts = [self.parse_atom()]
        while self.at_word("and"):
            self.index += 1
            parts.append(self.parse_atom())
        return parts[0] if len(parts) == 1 else _combine("all", parts)

    def parse_atom(self) -> dict:
        token = self.peek()
        if token is None:
            raise ConditionError(_l("the expression ends too early"))
        if token.kind == "(":
            self.index += 1
            inner = self.parse_or()
            self.take(")")
            return _group(inner)
        if token.kind == "word" and token.value == "selected":
            return self.parse_selected()
        if token.kind == "word" and token.value == "not":
            self.index += 1
            self.take("(")
            inner = self.parse_selected()
            self.take(")")
            return {"op": "not_equals", "question": inner["question"], "value": inner["value"]}
        if token.kind == "word" and token.value == "string-length":
            self.index += 1
            self.take("(")
            code = self.take("ref").value
            self.take(")")
            operator = self.take("op").value
            number = self.take("number").value
            if (operator, number) not in ((">", 0), ("!=", 0), (">=", 1)):
                raise ConditionError(_l("string-length() is only supported as 'answered': string-length(${q}) > 0"))
            return {"op": "answered", "question": code}
        if token.kind == "ref":
            self.index += 1
            operator = self.take("op")
            if operator.value not in ("=", "!="):
                raise ConditionError(_l("the operator %(operator)r is not supported; use = or !=",
                                        operator=operator.value))
            literal = self.peek()
            if literal is None or literal.kind not in ("string", "number"):
                raise ConditionError(_l("expected a value after %(operator)r", operator=operator.value))
            self.index += 1
            if operator.value == "!=" and literal.value == "":
                return {"op": "answered", "question": token.value}
            if operator.value == "=" and literal.value == "":
                raise ConditionError(_l("= '' (not answered) is not supported"))
            return {"op": "equals" if operator.value == "=" else "not_equals",
                    "question": token.value, "value": literal.value}
        raise ConditionError(_l("unexpected %(found)r at position %(position)s", found=token.value,
                                    position=token.position + 1))

    def parse_selected(self) -> dict:
        self.take("word", "selected")
        self.take("(")
        code = self.take("ref").value
        self.take(",")
        literal = self.peek()
        if literal is None or literal.kind not in ("string", "number"):
            raise ConditionError(_l("selected() needs a question and a value"))
        self.index += 1
        self.take(")")
        return {"op": "equals", "question": code, "value": literal.value, "_selected": True}


def _group(condition: dict) -> dict:
    """A parenthesised `or` of equals on one question is an any-of."""
    parts = condition.get("any")
    if parts and all(p.get("op") == "equals" for p in parts) and len({p["question"] for p in parts}) == 1:
        return {"op": "any_of", "question": parts[0]["question"], "values": [p["value"] for p in parts]}
    return condition


def _combine(key: str, parts: list[dict]) -> dict:
    flat = []
    for part in parts:
        flat.extend(part[key] if key in part else [part])
    return {key: flat}


def _strip(condition: dict) -> dict:
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        return {key: [_strip(part) for part in condition[key]]}
    return {k: v for k, v in condition.items() if not k.startswith("_")}


def parse(expression: str) -> dict:
    """The condition an XLSForm `relevant` expression states; raises ConditionError."""
    return _strip(_Parser(expression).parse())


# --- checking and writing ---------------------------------------------------------

def validate(condition: object) -> None:
    """Raise ConditionError unless `condition` is a well-formed condition."""
    if not isinstance(condition, Mapping):
        raise ConditionError(_l("a condition is an object"))
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = condition[key]
        if set(condition) != {key} or not isinstance(parts, list) or len(parts) < 2:
            raise ConditionError(_l("%(key)r needs a list of at least two conditions", key=key))
        for part in parts:
            validate(part)
        return
    operator = condition.get("op")
    if operator not in OPERATORS:
        raise ConditionError(_l("unknown operator %(operator)r", operator=operator))
    if not isinstance(condition.get("question"), str) or not condition["question"]:
        raise ConditionError(_l("a condition names a question"))
    expected = {"equals": {"op", "question", "value"}, "not_equals": {"op", "question", "value"},
                "any_of": {"op", "question", "values"}, "answered": {"op", "question"}}[operator]
    if set(condition) != expected:
        raise ConditionError(_l("%(operator)r takes exactly: %(keys)s", operator=operator, keys=", ".join(sorted(expected))))
    values = condition.get("values", [condition.get("value")] if "value" in condition else [])
    if operator == "any_of" and (not isinstance(values, list) or len(values) < 2):
        raise ConditionError(_l("'any_of' needs a list of at least two values (use 'equals' for one)"))
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConditionError(_l("values are texts or numbers"))


def _literal(value) -> str:
    if isinstance(value, str):
        if "'" in value:
            return f'"{value}"'
        return f"'{value}'"
    return repr(value) if isinstance(value, float) else str(value)


def render(condition: dict, multiple: Iterable[str] = ()) -> str:
    """The XLSForm expression of a condition. `multiple` holds the codes of questions
    with several answers (multiple choice, reference-many), written with selected()."""
    return _render(condition, set(multiple))


def _render(condition: dict, multiple: set[str]) -> str:
    if "all" in condition:
        return " and ".join(_render(part, multiple) if "any" not in part else f"({_render(part, multiple)})"
                            for part in condition["all"])
    if "any" in condition:
        return " or ".join(_render(part, multiple) for part in condition["any"])
    code, operator = condition["question"], condition["op"]
    ref = "${" + code + "}"
    if operator == "answered":
        return f"{ref} != ''"
    if operator == "any_of":
        if code in multiple:
            inner = " or ".join(f"selected({ref}, {_literal(v)})" for v in condition["values"])
        else:
            inner = " or ".join(f"{ref} = {_literal(v)}" for v in condition["values"])
        return f"({inner})"
    value = _literal(condition["value"])
    if code in multiple:
        return f"selected({ref}, {value})" if operator == "equals" else f"not(selected({ref}, {value}))"
    return f"{ref} {'=' if operator == 'equals' else '!='} {value}"


def referenced_codes(condition: dict | None) -> list[str]:
    """The codes of the questions a condition looks at, in order of appearance."""
    if not condition:
        return []
    if "all" in condition or "any" in condition:
        codes: list[str] = []
        for part in condition.get("all") or condition.get("any"):
            codes.extend(code for code in referenced_codes(part) if code not in codes)
        return codes
    return [condition["question"]]


def constants(condition: dict | None) -> dict[str, set]:
    """Per question, the values a condition compares it with."""
    found: dict[str, set] = {}
    if not condition:
        return found
    if "all" in condition or "any" in condition:
        for part in condition.get("all") or condition.get("any"):
            for code, values in constants(part).items():
                found.setdefault(code, set()).update(values)
        return found
    values = condition.get("values", [condition["value"]] if "value" in condition else [])
    found.setdefault(condition["question"], set()).update(_key(v) for v in values)
    return found


# --- evaluating -------------------------------------------------------------------

def _key(value):
    """Compare numbers as numbers and everything else as text. A date is its ISO text,
    the form in which conditions name it and the browser sees it (static/js/conditions.js)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value.strip()).normalize() if re.fullmatch(r"-?\d+(\.\d+)?", value.strip()) else value
        except InvalidOperation:
            return value
    return value


def is_answered(value) -> bool:
    """None, blank text and an empty selection count as not answered."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    return True


def _matches(answer, value) -> bool:
    if not is_answered(answer):
        return False
    if isinstance(answer, (list, tuple, set, frozenset)):
        return _key(value) in {_key(a) for a in answer}
    return _key(answer) == _key(value)


def evaluate(condition: dict | None, answers: Mapping[str, object]) -> bool:
    """Whether a question with this condition is shown, given the answers so far.
    No condition means always shown; an unanswered question equals nothing."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, answers) for part in condition["any"])
    answer = answers.get(condition["question"])
    operator = condition["op"]
    if operator == "answered":
        return is_answered(answer)
    if operator == "equals":
        return _matches(answer, condition["value"])
    if operator == "not_equals":
        return not _matches(answer, condition["value"])
    return any(_matches(answer, value) for value in condition["values"])
