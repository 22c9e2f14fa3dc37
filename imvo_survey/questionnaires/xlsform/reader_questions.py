"""Question rows of the survey sheet: the type, required, the show-if condition, the
validation rules of a constraint, the list a select question uses and the inventory
field a question in a repeat fills."""

from __future__ import annotations

import re

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import INVENTORY_FIELDS
from .. import conditions
from ..question_types import plain_xlsform_type, question_type, xlsform_refinements
from .common import all_questions
from .reader_choices import ChoicesReader
from .reader_sheets import Row

TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})
FALSE_WORDS = frozenset({"", "no", "false", "false()", "0"})
#: imvo::type values allowed per XLSForm type (the finer type of our vocabulary).
IMVO_TYPES = xlsform_refinements()
#: Which columns a question row may fill (language columns by their base name).
QUESTION_COLUMNS = frozenset({"type", "name", "label", "hint", "required", "relevant", "constraint",
                              "constraint_message", "appearance", "imvo::type", "imvo::field"})

#: The appearances a text question may have that we read: multiline makes it a long text.
TEXT_APPEARANCES = frozenset({"multiline"})

_NUMBER = r"(-?\d+(?:\.\d+)?)"
#: The supported constraint parts, each matched where the previous one ended.
CONSTRAINT_PARTS = (
    ("min", re.compile(r"\.\s*>=\s*" + _NUMBER)),
    ("max", re.compile(r"\.\s*<=\s*" + _NUMBER)),
    ("max_length", re.compile(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)")),
    ("pattern", re.compile(r"""regex\(\s*\.\s*,\s*(?:'([^']*)'|"([^"]*)")\s*\)""")),
)
_AND = re.compile(r"\s+and\s+")


class QuestionReader(ChoicesReader):
    """Reads one question row of the survey sheet into a question."""

    def question(self, row: Row, xlsform_type: str, list_name: str | None) -> dict:
        name = self.name(row)
        self.check_columns(row, QUESTION_COLUMNS)
        kind = self.question_type(row, xlsform_type, list_name)
        self.appearance(row, TEXT_APPEARANCES if kind and question_type(kind).is_text else frozenset())
        question: dict = {"code": name, "type": kind or "text", "label": self.label(row)}
        if other := self.other_texts(row):
            question["other_texts"] = other
        hint = self.optional_text(row, "hint")
        if hint:
            question["hint"] = hint
        question["required"] = self.required(row)
        self.condition(row, question)
        validation = self.validation(row, kind)
        if validation:
            question["validation"] = validation
        if list_name:
            self.used_lists.add(list_name)  # reference pickers too: their list is bound, not copied
        if kind and list_name:
            question.update(self.list_part(row, kind, list_name, name))
        self.inventory_field(row, question, kind)
        return question

    def question_type(self, row: Row, xlsform_type: str, list_name: str | None) -> str | None:
        """Our type for an XLSForm type and its imvo::type; None when they do not fit."""
        imvo_type = row.value("imvo::type")
        allowed = IMVO_TYPES[xlsform_type]
        if imvo_type in allowed:
            return imvo_type
        if imvo_type:
            message = (_l("imvo::type %(value)r does not fit the type %(type)s. Use %(allowed)s or leave it empty.",
                          value=imvo_type, type=xlsform_type, allowed=" or ".join(allowed)) if allowed
                       else _l("imvo::type does not apply to the type %(type)s. Empty this cell.", type=xlsform_type))
            self.row_error(row, "imvo::type", message)
            return None
        appearances = set(row.value("appearance").lower().split())
        return plain_xlsform_type(xlsform_type, appearances, from_reference=list_name in self.reference_lists)

    def list_part(self, row: Row, kind: str, list_name: str, code: str) -> dict:
        """The keys a select question takes from its list: reference, choices or scale."""
        return question_type(kind).read_list(self, row, list_name, code)

    def required(self, row: Row) -> bool:
        value = row.value("required").lower()
        if value in TRUE_WORDS:
            return True
        if "${" in value:  # an XPath expression, as the XLSForm tools allow: required only sometimes
            self.leave_out(row, "required", _l(
                "Required only when %(value)s is not supported, so the question is optional.",
                value=row.value("required")), whole_row=False)
        elif value not in FALSE_WORDS:
            self.row_error(row, "required", _l("%(value)r is not a yes/no value. Use yes or no.",
                                               value=row.value("required")))
        return False

    def condition(self, row: Row, node: dict | None) -> dict | None:
        """The show-if condition from `relevant`, with those of the groups around the row
        (a group has no condition of its own here, so each of its questions takes it);
        its names are checked after the walk. A condition that cannot be read is left
        out, and said so. With `node` None (a group), the row's own condition is returned."""
        expression = row.value("relevant")
        condition = None
        if expression:
            try:
                condition = conditions.parse(expression)
            except conditions.ConditionError as error:
                self.leave_out(row, "relevant", _l(
                    "The condition %(condition)r cannot be read (%(error)s), so it is left out: this is always shown.",
                    condition=expression, error=str(error)), whole_row=False)
        if node is None:
            return condition
        repeats = [index for index, still_open in enumerate(self.stack) if still_open.kind == "repeat"]
        around = self.stack[repeats[-1] + 1:] if repeats else self.stack  # a repeat carries those outside it
        inherited = [still_open.condition for still_open in around if still_open.condition]
        parts = [*inherited, condition] if condition else inherited
        if parts:
            node["show_if"] = parts[0] if len(parts) == 1 else {"all": parts}
            self.relevant.append((row, node["show_if"], node))
        return condition

    def check_conditions(self) -> None:
        """Conditions name questions of the form, earlier ones and not the question
        itself (found here, not only at publication, with the row to correct). A
        condition on a row that was left out is left out too (said so): the question is
        then always shown."""
        order = {question["code"]: index for index, question in enumerate(all_questions({"sections": self.sections}))}
        known = set(order)
        for row, condition, node in self.relevant:
            codes = conditions.referenced_codes(condition)
            dropped = [code for code in codes if code in self.left_out_names and code not in known]
            if dropped and node is not None:
                node.pop("show_if", None)
                self.leave_out(row, "relevant", _l(
                    "The condition refers to %(name)r, which is left out (row %(row)s), so the condition is left out "
                    "too: this is always shown.", name=dropped[0], row=self.left_out_names[dropped[0]]),
                    whole_row=False)
                continue
            for code in codes:
                if code not in known:
                    self.row_error(row, "relevant", _l(
                        "The condition refers to %(name)r, which is not a question in this form.", name=code))
                elif node is not None and code == node.get("code"):
                    self.row_error(row, "relevant", _l(
                        "The condition refers to %(name)r, the question itself. A condition looks at earlier "
                        "answers.", name=code))
                elif node is not None and order[code] > order.get(node.get("code"), len(order)):
                    self.row_error(row, "relevant", _l(
                        "The condition refers to %(name)r, which comes later in the form. A condition looks at "
                        "earlier answers: move that question above this one, or change the condition.", name=code))

    def validation(self, row: Row, kind: str | None) -> dict:
        """Validation rules from the constraint and its message."""
        rules: dict = {}
        expression = row.value("constraint")
        if expression:
            parsed = _parse_constraint(expression)
            if parsed is None:
                self.leave_out(row, "constraint", _l(
                    "The constraint %(constraint)r is left out: the survey checks only . >= N, . <= N, "
                    "string-length(.) <= N and regex(., 'pattern'), joined by and.", constraint=expression),
                    whole_row=False)
                return {}  # its message goes with it
            else:
                rules = parsed
                self.check_rules(row, rules, kind)
        message = self.optional_text(row, "constraint_message")
        if message:
            rules["message"] = message
        return rules

    def check_rules(self, row: Row, rules: dict, kind: str | None) -> None:
        if kind is None:
            return
        if ("min" in rules or "max" in rules) and not question_type(kind).is_number:
            self.row_error(row, "constraint", _l("A minimum or maximum only applies to number questions."))
        if ("max_length" in rules or "pattern" in rules) and not question_type(kind).is_text:
            self.row_error(row, "constraint", _l("A length or pattern only applies to text questions."))

    def inventory_field(self, row: Row, question: dict, kind: str | None) -> None:
        """The inventory field a sub-question of a bound repeat fills (imvo::field)."""
        value = row.value("imvo::field")
        if not value:
            return
        repeat = next((o for o in reversed(self.stack) if o.kind == "repeat" and o.node is not None), None)
        if repeat is not None and not repeat.fields_checked:
            return  # the repeat's inventory is wrong and reported; its fields cannot be checked
        inventory = repeat.node.get("inventory") if repeat else None
        if inventory is None:
            self.row_error(row, "imvo::field", _l(
                "imvo::field only applies to questions in a repeat with an imvo::inventory."))
            return
        fields = INVENTORY_FIELDS[inventory]
        if value not in fields:
            self.row_error(row, "imvo::field", _l(
                "%(field)r is not a field of the %(inventory)s inventory. Use one of: %(fields)s.",
                field=value, inventory=inventory, fields=", ".join(fields)))
        elif kind is not None and not _fits(question, fields[value]):
            self.row_error(row, "imvo::field", _l(
                "The field %(field)s needs a question of type %(types)s.", field=value,
                types=_type_description(fields[value])))
        elif value in repeat.fields:
            self.row_error(row, "imvo::field", _l(
                "The field %(field)s is already filled by row %(row)s.", field=value, row=repeat.fields[value]))
        else:
            repeat.fields[value] = row.number
            question["inventory_field"] = value


def _fits(question: dict, spec: tuple[tuple[str, ...], str | None, bool]) -> bool:
    """Whether a question can fill an inventory field (its type and reference list)."""
    types, reference, _required = spec
    return question_type(question).fills(question, types, reference)


def _type_description(spec: tuple[tuple[str, ...], str | None, bool]) -> str:
    types, reference, _required = spec
    return " or ".join(types) + (f" ({reference})" if reference else "")


def _parse_constraint(expression: str) -> dict | None:
    """Validation rules from a constraint in the supported subset, or None."""
    rules: dict = {}
    position = 0
    while True:
        for key, pattern in CONSTRAINT_PARTS:  # noqa: B007 - key is read after the break
            match = pattern.match(expression, position)
            if match:
                break
        else:
            return None
        value = next((group for group in match.groups() if group is not None), "")
        try:  # Python refuses to read an int of more than 4300 digits: no constraint of ours
            number = None if key == "pattern" else float(value) if "." in value else int(value)
        except ValueError:
            return None
        if key in rules or value == "" or (key == "max_length" and number < 1):
            return None
        rules[key] = value if key == "pattern" else number
        position = match.end()
        if position == len(expression):
            return rules
        joiner = _AND.match(expression, position)
        if joiner is None:
            return None
        position = joiner.end()
