"""Applying an uploaded workbook to its response, all or nothing.

Every value is checked again (a resolved conflict comes back from a web page). When
the response was saved on the website since the download, each plain answer and each
entry known to the workbook is merged three ways with the workbook's base, as the web
form does; conflicts are returned and nothing changes. Otherwise the plain answers are
saved (answers to questions that no longer apply are removed, as the web form does),
entries are updated by key, added and removed, one "imported" event records the
changes and the lock version goes up once. Entries added on the website after the
download are left alone. Functions flush, never commit: the caller commits."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from ..models import Response
from . import document as documents
from . import services
from .checks import required_errors, shown
from .document import Document, Entry, References
from .layout import Layout
from .merging import merge
from .sections import mark_saved
from .services import Actor, Allowed, ResponseError
from .values import AnswerError, from_json, is_empty, parse, same, to_json
from .workbook_format import WorkbookUpload


@dataclass
class ImportConflict:
    """A value changed both in the workbook and, since its download, on the website.
    `code` is None when a whole entry was removed on one side and changed on the other
    (then `mine` or `theirs` is None, the other the entry's values)."""

    repeat: str | None
    entry: str | None
    code: str | None
    mine: object
    theirs: object

    def to_json(self) -> dict:
        def value(v):
            return {code: to_json(item) for code, item in v.items()} if isinstance(v, dict) else to_json(v)

        return {"repeat": self.repeat, "entry": self.entry, "code": self.code, "mine": value(self.mine),
                "theirs": value(self.theirs)}

    @classmethod
    def from_json(cls, data: dict) -> ImportConflict:
        return cls(data.get("repeat"), data.get("entry"), data.get("code"), data.get("mine"), data.get("theirs"))


@dataclass
class ImportResult:
    """The outcome: saved with its changes, or conflicts, or errors (nothing saved)."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)
    conflicts: list[ImportConflict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors and not self.conflicts


@dataclass
class _Plan:
    answers: dict = field(default_factory=dict)
    writes: list[tuple[dict, str | None, dict, Entry | None]] = field(default_factory=list)
    deletes: list[tuple[dict, Entry]] = field(default_factory=list)
    conflicts: list[ImportConflict] = field(default_factory=list)


def apply_upload(response: Response, upload: WorkbookUpload, actor: Actor, language: str,
                 references: References) -> ImportResult:
    """Save a valid upload, or return why not (then nothing has changed)."""
    if not services.editable(response, actor):
        raise ResponseError(_l("These answers can no longer be changed."))
    if upload.response_id != response.id or upload.version_id != response.version_id:
        raise ResponseError(_l("This workbook belongs to another response."))
    layout, document = services.document_of(response)
    answers, entries, errors = _typed(layout, upload, Allowed(references), language)
    if errors:
        return ImportResult(errors=errors)
    plan = _plan(layout, document, upload, answers, entries, upload.lock_version == response.lock_version)
    if plan.conflicts:
        return ImportResult(conflicts=plan.conflicts)
    final, answer_changes = _final_answers(layout, document, plan.answers, set(answers))
    writes, errors = _final_entries(layout, document, plan, final, language)
    if errors:
        return ImportResult(errors=errors)
    changes = _write(response, layout, final, answer_changes, plan.deletes, writes, references)
    if changes:
        services.record_save(response, actor, changes, kind="imported")
    # The workbook held these sections and was saved whole: they count as saved.
    sheets = set(upload.answers) | {layout.section_of.get(code) for code in upload.entries}
    mark_saved(response, sheets & {section["code"] for section in layout.sections})
    return ImportResult(changes=changes)


def _typed(layout: Layout, upload: WorkbookUpload, allowed: Allowed, language: str):
    """Every value checked and typed again; keys the workbook did not know become new entries."""
    errors: list[tuple[str, str, str]] = []

    def check(question: dict, value):
        try:
            return parse(question, to_json(value), allowed, language)
        except AnswerError as error:
            errors.append(("", "", f"{question['label'].get(language) or question['code']}: {error}"))
            return None

    answers = {}
    for section_code, values in upload.answers.items():
        section = layout.section(section_code)
        if section is not None:
            questions = {q["code"]: q for q in layout.plain_questions(section)}
            answers[section_code] = {code: check(questions[code], value) for code, value in values.items()
                                     if code in questions}
    entries = {}
    for repeat_code, rows in upload.entries.items():
        repeat = layout.group(repeat_code)
        if repeat is not None:
            known = upload.known_keys(repeat_code)
            children = {child["code"]: child for child in repeat["questions"]}
            entries[repeat_code] = [(key if key in known else None,
                                     {code: check(children[code], value) for code, value in values.items()
                                      if code in children}) for key, values in rows]
    return answers, entries, errors


def _plan(layout: Layout, document: Document, upload: WorkbookUpload, answers: dict, entries: dict,
          fresh: bool) -> _Plan:
    """What to write: without a save since the download the workbook's values; else
    the three-way merge with the workbook's base."""
    plan = _Plan()
    for section in layout.sections:
        mine = answers.get(section["code"])
        if not mine:
            continue
        questions = layout.plain_questions(section)
        current = {q["code"]: document.answers.get(q["code"]) for q in questions}
        base = current if fresh else {q["code"]: from_json(q, upload.base["answers"].get(q["code"]))
                                      for q in questions}
        merged, conflicts = merge(questions, mine, base, current)
        plan.answers.update(merged)
        plan.conflicts.extend(ImportConflict(None, None, c.code, c.mine, c.theirs) for c in conflicts)
    for repeat in layout.repeats():
        if repeat["code"] in entries:
            _plan_entries(plan, repeat, entries[repeat["code"]], document, upload, fresh)
    return plan


def _plan_entries(plan: _Plan, repeat: dict, rows: list, document: Document, upload: WorkbookUpload,
                  fresh: bool) -> None:
    children = repeat["questions"]
    current = {entry.key: entry for entry in document.entries.get(repeat["code"], [])}
    mine_by_key = {key: values for key, values in rows if key}
    for key, base_json in upload.base["entries"].get(repeat["code"], {}).items():
        entry, mine = current.get(key), mine_by_key.get(key)
        base = dict(entry.values) if fresh and entry else {c["code"]: from_json(c, base_json.get(c["code"]))
                                                           for c in children}
        if entry is None:  # removed on the website since the download
            if mine is not None and _differs(children, mine, base):
                plan.conflicts.append(ImportConflict(repeat["code"], key, None, mine, None))
        elif mine is None:  # removed in the workbook
            if _differs(children, entry.values, base):
                plan.conflicts.append(ImportConflict(repeat["code"], key, None, None, dict(entry.values)))
            else:
                plan.deletes.append((repeat, entry))
        else:
            merged, conflicts = merge(children, mine, base, entry.values)
            plan.conflicts.extend(ImportConflict(repeat["code"], key, c.code, c.mine, c.theirs) for c in conflicts)
            plan.writes.append((repeat, key, merged, entry))
    plan.writes.extend((repeat, None, values, None) for key, values in rows if key is None)


def _differs(questions: list[dict], first: dict, second: dict) -> bool:
    return any(not same(first.get(q["code"]), second.get(q["code"])) for q in questions)


def _final_answers(layout: Layout, document: Document, merged: dict, sections: set[str]) -> tuple[dict, list]:
    """The plain answers after the import, and what changed; answers to questions that
    do not apply go, as on the web form."""
    answers = {**document.answers, **merged}
    final, changes = dict(answers), []
    for section in layout.sections:
        if section["code"] not in sections:
            continue
        for question in layout.plain_questions(section):
            code = question["code"]
            if code in merged or not shown(question, answers):
                new = merged.get(code) if shown(question, answers) else None
                final[code] = new
                if not same(new, document.answers.get(code)):
                    changes.append({"code": code, "entry": None, "old": to_json(document.answers.get(code)),
                                    "new": to_json(new)})
    return final, changes


def _final_entries(layout: Layout, document: Document, plan: _Plan, answers: dict, language: str):
    """Each entry to write with its values (as the entry form saves them) and changes;
    errors for required answers and for too many entries."""
    writes, errors = [], []
    for repeat, key, merged, entry in plan.writes:
        current = dict(entry.values) if entry else {}
        values = {**current, **merged}
        values = {code: value if shown(layout.questions[code], answers, values, repeat) else None
                  for code, value in values.items()}
        for code, message in required_errors(repeat["questions"], values, answers, repeat).items():
            errors.append(("", "", f"{layout.questions[code]['label'].get(language) or code}: {message}"))
        changes = [{"code": code, "entry": key, "old": to_json(current.get(code)), "new": to_json(value)}
                   for code, value in values.items() if not same(value, current.get(code))]
        if entry is None or changes:
            writes.append((repeat, key, values, entry, changes))
    for repeat in layout.repeats():
        limit = repeat.get("max_repeat")
        count = len(document.entries.get(repeat["code"], [])) + \
            sum(1 for r, key, *_rest in writes if r is repeat and key is None) - \
            sum(1 for r, _entry in plan.deletes if r is repeat)
        if limit and count > limit:
            errors.append(("", "", str(lazy_ngettext(
                "%(list)s: at most %(num)d entry is possible.", "%(list)s: at most %(num)d entries are possible.",
                limit, list=repeat["label"].get(language) or repeat["code"]))))
    return writes, errors


def _write(response: Response, layout: Layout, final: dict, answer_changes: list, deletes: list, writes: list,
           references: References) -> list[dict]:
    changes = list(answer_changes)
    for change in answer_changes:
        documents.set_answer(response, layout, change["code"], final[change["code"]])
    for repeat, entry in deletes:
        documents.delete_entry(response, layout, repeat, entry.key)
        changes.extend({"code": code, "entry": entry.key, "old": to_json(value), "new": None}
                       for code, value in entry.values.items() if not is_empty(value))
    for repeat, key, values, entry, entry_changes in writes:
        new_key = documents.write_entry(response, layout, repeat, key, values, references)
        if entry is not None and entry.carry_status == "carried":
            row = documents.inventory_row(response, new_key)
            if row is not None and hasattr(row, "carry_status"):
                row.carry_status = "changed"
        for change in entry_changes:
            change["entry"] = new_key
        changes.extend(entry_changes)
    return changes


def with_choices(upload: WorkbookUpload, conflicts: list[ImportConflict], choices: dict[int, str], stored: dict,
                 lock_version: int) -> WorkbookUpload:
    """The upload again after the person chose per conflict ("mine" or "theirs"), based
    on what was stored when the conflicts were shown (`stored`, a snapshot, and its
    lock version): a change made since then is caught again."""
    result = WorkbookUpload(response_id=upload.response_id, version_id=upload.version_id, lock_version=lock_version,
                            answers=copy.deepcopy(upload.answers),
                            entries={r: [(k, dict(v)) for k, v in rows] for r, rows in upload.entries.items()})
    for index, conflict in enumerate(conflicts):
        _choose(result, conflict, choices.get(index) == "theirs")
    known = {repeat: {key: values for key, values in stored["entries"].get(repeat, {}).items()
                      if key in upload.known_keys(repeat)} for repeat in upload.base["entries"]}
    result.base = {"answers": stored["answers"], "entries": known}
    for repeat, rows in result.entries.items():  # entries removed on the website, not kept: gone
        result.entries[repeat] = [(key, values) for key, values in rows if key is None or key in known.get(repeat, {})]
    return result


def _choose(upload: WorkbookUpload, conflict: ImportConflict, theirs: bool) -> None:
    rows = upload.entries.get(conflict.repeat, []) if conflict.repeat else []
    if conflict.repeat is None:
        if theirs:
            for values in upload.answers.values():
                if conflict.code in values:
                    values[conflict.code] = conflict.theirs
    elif conflict.code is not None:
        if theirs:
            for key, values in rows:
                if key == conflict.entry:
                    values[conflict.code] = conflict.theirs
    elif conflict.theirs is None:  # removed on the website, changed in the workbook
        upload.entries[conflict.repeat] = [(None if key == conflict.entry and not theirs else key, values)
                                           for key, values in rows if not (key == conflict.entry and theirs)]
    elif theirs:  # removed in the workbook, changed on the website: keep it as it is now
        rows.append((conflict.entry, dict(conflict.theirs)))
        upload.entries[conflict.repeat] = rows
