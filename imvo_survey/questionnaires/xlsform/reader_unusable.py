"""Rows of the survey sheet the survey cannot use as written, read so that the rest
of the form imports: each is left out, or kept in another form, and named (LeftOut).

Forms from the field hold rows the survey does not collect: calculations, locations,
photos, notes, loops and repeats inside repeats. Refusing the whole form for one of
them left nothing to import; leaving them out in silence would change the form behind
the user's back. So each is named with its sheet, row and what happens to it, and the
import waits for the user to confirm (the preview on the web page, `--yes` on the
command line).
"""

from __future__ import annotations

from ...i18n import lazy_gettext as _l
from .reader_aliases import control_type
from .reader_base import Open
from .reader_questions import QuestionReader
from .reader_sheets import Row

#: Types kept as a text question: the respondent can write the answer as text.
KEPT_AS_TEXT = frozenset({"time", "datetime", "barcode"})


class UnusableRows(QuestionReader):
    """Notes, left-out blocks (a repeat inside a repeat, a loop) and types we do not
    collect, each named."""

    def unusable_type(self, row: Row, written: str, first: str) -> tuple[str, None] | None:
        """What becomes of a row of a type we do not collect: ("text", None) when it is
        kept as a text question, ("note", None) for a note, else None (left out)."""
        if first == "note":
            return "note", None
        if first in KEPT_AS_TEXT:
            self.leave_out(row, "type", _l(
                "The %(type)s question %(name)s is kept as a text question: the survey has no such type, and the "
                "respondent can write the answer.", type=first, name=row.value("name")), whole_row=False)
            return "text", None
        if first == "calculate":
            message = _l("The calculation %(name)s is left out: the survey does not calculate values.",
                         name=row.value("name"))
        else:
            message = _l("The %(type)s question %(name)s is left out: the survey cannot collect it.",
                         type=written, name=row.value("name"))
        self.leave_out(row, "type", message)
        return None

    def note(self, row: Row) -> None:
        """A note becomes text in the introduction of its section: a section has no texts
        between its questions."""
        if row.value("name"):  # a note may have no name, as in the XLSForm tools
            self.name(row)
        text = self.optional_text(row, "label") or self.optional_text(row, "hint")
        if row.value("relevant"):
            self.leave_out(row, "relevant", _l(
                "The condition of the note is left out: the note is always shown."), whole_row=False)
        self.unsupported_cells(row)
        if text is None:
            self.leave_out(row, "type", _l("The note %(name)s has no text, so it is left out.", name=row.value("name")))
            return
        section = self.current_section()
        intro = section.get("intro") or {"nl": "", "en": ""}
        section["intro"] = {language: "\n\n".join(part for part in (intro[language], text[language]) if part)
                            for language in ("nl", "en")}
        self.leave_out(row, "type", _l(
            "The note %(name)s is kept as text in the introduction of the section %(section)s: a section has no "
            "texts between its questions.", name=row.value("name"), section=section["code"]))

    def current_section(self) -> dict:
        """The section the rows being read are in (made for rows outside any group)."""
        for still_open in self.stack:
            if still_open.kind == "group" and still_open.node is not None:
                return still_open.node
        if self.loose is None:
            self.container()  # makes the section for rows outside any group
        return self.loose

    def leave_out_block(self, row: Row, kind: str, message) -> None:
        """Begin a block left out with every row in it."""
        self.leave_out(row, "type", message)
        self.stack.append(Open(kind, row.number, None, left_out=True))

    def inside_left_out_block(self, row: Row) -> None:
        """A row inside a left-out block: blocks inside it are counted to find its end."""
        written = " ".join(row.value("type").split())
        structure = control_type(written) or ("begin_loop" if written.lower().startswith("begin loop") else None)
        outer = next(still_open for still_open in self.stack if still_open.left_out)
        if structure and structure.startswith("end_"):
            self.stack.pop()
            return
        self.leave_out(row, "type", _l("Left out with the %(kind)s in row %(row)s.", kind=outer.kind, row=outer.row))
        if structure and structure.startswith("begin_"):
            self.stack.append(Open(structure.removeprefix("begin_"), row.number, None, left_out=True))

    def flattened_group(self, row: Row) -> None:
        """A group inside a group or repeat: its rows are read as rows of the one around
        it, and its condition is put on each of them."""
        self.name(row)
        self.unsupported_cells(row)
        around = self.stack[-1]
        self.leave_out(row, "type", _l(
            "The group %(name)s inside the %(kind)s in row %(row)s is read as part of it: its questions are kept, "
            "its title is not shown.", name=row.value("name"), kind=around.kind, row=around.row), whole_row=False)
        self.stack.append(Open("group", row.number, None, condition=self.condition(row, None)))

    def empty_repeat_left_out(self, top: Open) -> bool:
        """A repeat whose every question was left out goes too (said so); True when it did."""
        if top.dropped == 0:
            return False
        for questions in self.containers_of(top.node):
            questions.remove(top.node)
        self.left_out_names.setdefault(top.node["code"], top.row)
        self.warnings.append(self.left_out_warning(top.row, top.node["code"], _l(
            "The repeat %(name)s is left out: none of its questions can be used.", name=top.node["code"])))
        return True

    def containers_of(self, node: dict) -> list[list]:
        found = [section["questions"] for section in self.sections if node in section["questions"]]
        return found
