"""The choices sheet: the choice lists by name, and checks of a list for the use a
question makes of it (choices, a scale of 1 to 5, or yes and no), each done once."""

from __future__ import annotations

from collections.abc import Callable

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import SCALE_POINTS, YES_NO_CHOICES
from .reader_base import ReaderBase
from .reader_sheets import RawRows, Row, is_blank

CHOICES_KNOWN = frozenset({"list_name", "name", "label"})


class ChoicesReader(ReaderBase):
    """Reads the choices sheet, and the lists select questions use."""

    def read_choices(self, raw: RawRows | None) -> None:
        """The choice lists by name; rows without a list name or name, and a name twice in
        one list, are reported here. The rest is checked when a question uses the list."""
        if raw is None or not any(not is_blank(value) for _number, values in raw for value in values):
            self.choices_missing = True  # an empty choices sheet is as none
            return
        table = self.table("choices", raw, CHOICES_KNOWN)
        if not self.require_columns(table, ("list_name", "name")):  # a label may be missing
            return  # the lists stay unknown, so the questions do not report them again
        self.lists = {}
        seen: dict[tuple[str, str], int] = {}
        for row in table.rows:
            self.unsupported_cells(row)
            list_name, name = row.value("list_name"), row.value("name")
            if not list_name:
                self.row_error(row, "list_name", _l("The list name is missing. Fill it in."))
            elif not name:
                self.row_error(row, "name", _l("The name is missing. Fill it in."))
            elif (list_name, name) in seen and self.allow_choice_duplicates:
                self.leave_out(row, "name", _l(
                    "The choice %(name)r is already in the list %(list)s (row %(row)s). The form allows that "
                    "(allow_choice_duplicates); the survey keeps each choice once.",
                    name=name, list=list_name, row=seen[(list_name, name)]), whole_row=False)
            elif (list_name, name) in seen:
                self.row_error(row, "name", _l(
                    "The choice %(name)r is already in the list %(list)s (row %(row)s). Remove one.",
                    name=name, list=list_name, row=seen[(list_name, name)]))
            else:
                seen[(list_name, name)] = row.number
                self.lists.setdefault(list_name, []).append(row)

    def list_rows(self, row: Row, list_name: str) -> list[Row] | None:
        """The rows of the list a select question uses, or None (reported)."""
        if self.choices_missing:
            self.choices_missing = False  # report the absent sheet once, not per question
            self.error("choices", None, None, _l("The workbook has no %(sheet)s sheet. Add it.", sheet="choices"))
            return None
        if self.lists is None:
            return None
        rows = self.lists.get(list_name)
        self.used_lists.add(list_name)
        if rows is None:
            self.row_error(row, "type", _l(
                "The choice list %(list)r does not exist. Add it to the choices sheet.", list=list_name))
        return rows

    def checked_once(self, kind: str, list_name: str, check: Callable[[], object]):
        """The result of checking a list for a use, computed (and reported) only once."""
        if (kind, list_name) not in self.checked_lists:
            self.checked_lists[(kind, list_name)] = check()
        return self.checked_lists[(kind, list_name)]

    def choices(self, list_name: str, rows: list[Row], multiple: bool) -> list[dict]:
        """The choices of a list for a select question; names with a space only where no
        select_multiple uses the list."""
        def check() -> list[dict]:
            for row in rows:
                self.valid_choice_name(row, row.value("name"))
            return [{"code": row.value("name"), "label": self.label(row),
                     **({"other_texts": other} if (other := self.other_texts(row)) else {})} for row in rows]

        def check_unspaced() -> None:
            for row in rows:
                self.unspaced_choice_name(row, row.value("name"))

        if multiple:
            self.checked_once("unspaced", list_name, check_unspaced)

        # a copy per question, so that changing one question's choices leaves the others
        return [{**c, "label": dict(c["label"]), **({"other_texts": dict(c["other_texts"])} if "other_texts" in c
                                                    else {})}
                for c in self.checked_once("choices", list_name, check)]

    def scale(self, list_name: str, rows: list[Row]) -> dict | None:
        def check() -> dict | None:
            if [row.value("name") for row in rows] != [str(point) for point in SCALE_POINTS]:
                self.row_error(rows[0], "name", _l(
                    "The scale list %(list)s must have exactly the choices 1, 2, 3, 4 and 5, in this order.",
                    list=list_name))
                return None
            return {"min_label": self.label(rows[0]), "max_label": self.label(rows[-1])}

        scale = self.checked_once("scale", list_name, check)
        return {end: dict(text) for end, text in scale.items()} if scale else None

    def check_yes_no(self, list_name: str, rows: list[Row]) -> None:
        def check() -> None:
            if sorted(row.value("name") for row in rows) != sorted(code for code, _, _ in YES_NO_CHOICES):
                self.row_error(rows[0], "name", _l(
                    "The yes/no list %(list)s must have exactly the choices yes and no.", list=list_name))

        self.checked_once("yes_no", list_name, check)

    def report_unused_lists(self) -> None:
        """Choice lists no imported question uses are not kept (a definition holds the
        choices of its questions only): each is named, not dropped in silence."""
        for list_name, rows in (self.lists or {}).items():
            if list_name not in self.used_lists:
                self.row_warning(rows[0], "list_name", _l(
                    "The choice list %(list)s is not used by any question that is imported, so it is left out.",
                    list=list_name))
