"""The survey sheet's structure: the kind of each row, groups as sections, repeats,
their ends, and the sections made for questions outside any group."""

from __future__ import annotations

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import INVENTORY_FIELDS
from ...whole_numbers import MAX_INT, parse_whole_number
from ..question_types import xlsform_types
from .reader_aliases import control_type, is_loop_or_osm, pyxform_type, select_type, simple_type
from .reader_base import Open
from .reader_sheets import LeftOut, RawRows, Row, Table
from .reader_unusable import UnusableRows

SURVEY_KNOWN = frozenset({"type", "name", "label", "hint", "required", "relevant", "constraint",
                          "constraint_message", "appearance", "imvo::type", "imvo::inventory",
                          "imvo::field", "imvo::min_repeat", "imvo::max_repeat"})
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat"})
#: The question types of one row (text, integer, decimal, date), and those followed by
#: the name of a choice list (select_one, select_multiple), as the question types name them.
SIMPLE_TYPES = xlsform_types(uses_list=False)
SELECT_TYPES = xlsform_types(uses_list=True)
#: Rows that record facts about the submission, not questions; our survey keeps those itself.
METADATA_TYPES = frozenset({"start", "end", "today", "deviceid", "subscriberid", "simserial",
                            "phonenumber", "username", "email", "audit", "start-geopoint"})
UNSUPPORTED_TYPES = frozenset({
    "note", "calculate", "geopoint", "geotrace", "geoshape", "image", "audio", "video", "file",
    "barcode", "range", "rank", "acknowledge", "trigger", "hidden", "time", "datetime",
    "select_one_from_file", "select_multiple_from_file", "select_one_external", "xml-external",
    "csv-external", "begin_loop", "end_loop", "background-audio", "background-geopoint",
})
#: Which columns a group or repeat row may fill (language columns by their base name).
GROUP_COLUMNS = frozenset({"type", "name", "label", "hint", "relevant", "appearance"})
REPEAT_COLUMNS = GROUP_COLUMNS | {"imvo::inventory", "imvo::min_repeat", "imvo::max_repeat"}


class SurveyReader(UnusableRows):
    """Walks the survey sheet: sections, repeats and (through QuestionReader) questions."""

    def survey_table(self, raw: RawRows | None) -> Table | None:
        if raw is None:
            self.error("survey", None, None, _l("The workbook has no %(sheet)s sheet. Add it.", sheet="survey"))
            return None
        table = self.table("survey", raw, SURVEY_KNOWN)
        return table if self.require_columns(table, ("type", "name")) else None  # a label may be missing

    def walk(self, table: Table) -> None:
        """Sections, repeats and questions from the survey rows, in order."""
        self.taken = {row.value("name") for row in table.rows}
        for row in table.rows:
            if self.stack and self.stack[-1].left_out:
                self.inside_left_out_block(row)
                continue
            kind = self.row_kind(row)
            if kind is None:
                continue
            xlsform_type, list_name = kind
            if xlsform_type == "begin_group":
                self.begin_group(row)
            elif xlsform_type == "begin_repeat":
                self.begin_repeat(row)
            elif xlsform_type == "begin_loop":
                self.leave_out_block(row, "loop", _l(
                    "The loop %(name)s is left out with its questions: the survey has no loops over a list.",
                    name=row.value("name")))
            elif xlsform_type in ("end_group", "end_repeat", "end_loop"):
                self.end(row, xlsform_type)
            elif xlsform_type == "note":
                self.note(row)
            else:
                question = self.question(row, xlsform_type, list_name)
                self.container().append(question)
        for still_open in self.stack:
            self.error("survey", still_open.row, "type", _l(
                "This begin_%(kind)s is never closed. Add an end_%(kind)s row.", kind=still_open.kind))
        self.drop_emptied_sections()
        left_out = any(isinstance(warning, LeftOut) for warning in self.warnings)
        if not any(error.sheet == "survey" for error in self.errors) and (
                not self.sections or (left_out and not any(section["questions"] for section in self.sections))):
            self.error("survey", None, None, _l("The survey sheet has no question the survey can use. Add one."))

    def drop_emptied_sections(self) -> None:
        """Groups left without questions because their rows were left out go too, said
        so. (A group empty in the workbook stays: a draft may have an empty section; so
        does one with an introduction, such as the text of its notes.)"""
        for section in [section for section in self.sections if not section["questions"] and not section.get("intro")]:
            number = self.group_rows.get(section["code"])
            if number is None or not self.emptied.get(section["code"]):
                continue
            self.sections.remove(section)
            self.warnings.append(self.left_out_warning(number, section["code"], _l(
                "The group %(name)s is left out: it has no question the survey can use.", name=section["code"])))

    def row_kind(self, row: Row) -> tuple[str, str | None] | None:
        """(XLSForm type, list name) of a row; None for metadata rows and errors."""
        written = row.value("type")
        if not written:
            self.row_error(row, "type", _l("The type is missing. Fill it in."))
            return None
        written = " ".join(written.split())
        structure = control_type(written)
        if structure in STRUCTURE_TYPES or structure == "end_loop":
            return structure, None
        if structure == "begin_loop" or written.lower().startswith("begin loop over"):
            return "begin_loop", None
        select = select_type(written)
        if select is not None and select[0] is not None:
            kind, list_name, or_other = select
            if or_other:
                self.leave_out(row, "type", _l(
                    "The \"or other\" choice of %(type)s is not read: respondents choose from the list only.",
                    type=written), whole_row=False)
            return kind, list_name
        first = written.split()[0].lower()
        if first in SELECT_TYPES and select is None and " " not in written:
            self.row_error(row, "type", _l(
                "%(type)s needs the name of a choice list, as in %(type)s my_list.", type=first))
            return None
        metadata = simple_type(written, METADATA_TYPES)
        if metadata is not None:
            self.row_warning(row, "type", _l(
                "The metadata row %(type)s is ignored: the survey keeps its own record of when and by whom "
                "it is answered.", type=metadata))
            return None
        simple = simple_type(written, SIMPLE_TYPES)
        if simple is not None:
            return simple, None
        known = pyxform_type(written)
        if first in UNSUPPORTED_TYPES or select is not None or known or is_loop_or_osm(written):
            return self.unusable_type(row, written, (known or first).split()[0])
        self.row_error(row, "type", _l(
            "Unknown question type %(type)r. Use text, integer, decimal, date, select_one, select_multiple, "
            "begin_group or begin_repeat.", type=written))
        return None

    def container(self) -> list:
        """Where the next question goes: the innermost open repeat or group, or else
        the section for questions outside any group."""
        for still_open in reversed(self.stack):
            if still_open.node is not None:
                return still_open.node["questions"]
        if self.loose is None:
            self.loose = self.loose_section()
            self.sections.append(self.loose)
        return self.loose["questions"]

    def loose_section(self) -> dict:
        """A new section for a run of questions outside any group; its code is not a name
        the workbook uses."""
        while True:
            self.loose_count += 1
            code = f"section_{self.loose_count}"
            if code not in self.taken:
                break
        title = dict(self.form_title) if self.form_title else {"nl": code, "en": code}
        return {"code": code, "title": title, "questions": []}

    def begin_group(self, row: Row) -> None:
        if self.stack:
            self.flattened_group(row)
            return
        name = self.name(row)
        self.check_columns(row, GROUP_COLUMNS)
        self.appearance(row)
        condition = self.condition(row, None)
        if condition is not None:
            self.row_warning(row, "relevant", _l(
                "A section has no condition of its own, so this condition is put on each question of the group."))
        self.group_rows[name] = row.number
        section = {"code": name, "title": self.label(row)}
        intro = self.optional_text(row, "hint")
        if intro:
            section["intro"] = intro
        section["questions"] = []
        self.sections.append(section)
        self.loose = None  # questions after this group start a new section
        self.stack.append(Open("group", row.number, section, condition=condition))

    def begin_repeat(self, row: Row) -> None:
        outer = next((still_open for still_open in self.stack if still_open.kind == "repeat"), None)
        if outer is not None:
            self.leave_out_block(row, "repeat", _l(
                "The repeat %(name)s inside the repeat in row %(row)s is left out with its questions: a repeat "
                "inside a repeat is not supported.", name=row.value("name"), row=outer.row))
            return
        name = self.name(row)
        self.check_columns(row, REPEAT_COLUMNS)
        self.appearance(row)
        repeat: dict = {"code": name, "type": "repeat", "label": self.label(row)}
        if other := self.other_texts(row):
            repeat["other_texts"] = other
        hint = self.optional_text(row, "hint")
        if hint:
            repeat["hint"] = hint
        self.condition(row, repeat)
        inventory_known = self.repeat_settings(row, repeat)
        repeat["questions"] = []
        self.container().append(repeat)
        self.stack.append(Open("repeat", row.number, repeat, fields_checked=inventory_known))

    def repeat_settings(self, row: Row, repeat: dict) -> bool:
        """Inventory and number of entries; False when the inventory is not known."""
        inventory = row.value("imvo::inventory")
        if inventory in INVENTORY_FIELDS:
            repeat["inventory"] = inventory
        elif inventory:
            self.row_error(row, "imvo::inventory", _l(
                "Unknown inventory %(value)r. Use %(inventories)s.", value=inventory,
                inventories=", ".join(INVENTORY_FIELDS)))
        low = self.whole_number(row, "imvo::min_repeat", 0)
        high = self.whole_number(row, "imvo::max_repeat", 1)
        for key, number in (("min_repeat", low), ("max_repeat", high)):
            if number is not None:
                repeat[key] = number
        if low is not None and high is not None and low > high:
            self.row_error(row, "imvo::max_repeat", _l("The maximum is below the minimum. Raise it."))
        return not inventory or inventory in INVENTORY_FIELDS

    def whole_number(self, row: Row, key: str, minimum: int) -> int | None:
        text = row.value(key)
        if not text:
            return None
        try:
            return parse_whole_number(text, minimum)
        except ValueError:
            self.row_error(row, key, _l("%(value)r is not a whole number from %(minimum)s to %(maximum)s.",
                                        value=text[:50], minimum=minimum, maximum=MAX_INT))
            return None

    def end(self, row: Row, xlsform_type: str) -> None:
        """Close the innermost group or repeat, if this row's kind matches it."""
        kind = xlsform_type.removeprefix("end_")
        if not self.stack:
            self.row_error(row, "type", _l(
                "There is nothing to end here. Remove this %(type)s row or add a begin_%(kind)s row above.",
                type=xlsform_type, kind=kind))
            return
        top = self.stack[-1]
        if top.kind != kind:
            self.row_error(row, "type", _l(
                "This %(type)s does not match the begin_%(kind)s in row %(row)s. Use end_%(kind)s.",
                type=xlsform_type, kind=top.kind, row=top.row))
            return
        self.stack.pop()
        if top.kind == "group" and top.node is not None:
            self.emptied[top.node["code"]] = top.dropped
        if top.kind == "repeat" and top.node is not None and not top.node["questions"] \
                and not self.empty_repeat_left_out(top):
            self.error("survey", top.row, "type", _l("A repeat needs at least one question. Add one."))
