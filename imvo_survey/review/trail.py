"""The audit trail of a response as the review page shows it: each event with when,
what, who (marked when the secretariat acted on the organisation's behalf), its
message, and what changed, with every value in words.

Names and e-mail addresses are personal data: only the secretariat sees them; others
see who acted by role. Once a person's data were erased, everyone sees "a removed
contact", translated when shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from ..answers.document import Document
from ..answers.layout import Layout
from ..answers.values import display, from_json
from ..i18n import code_label
from ..i18n import lazy_gettext as _l
from ..models import Contact, Response, ResponseEvent, User
from ..questionnaires.question_types import question_type

#: The kinds of events, in words.
EVENT_LABELS = {
    "started": _l("Started"),
    "carried_over": _l("Started from last year's answers"),
    "saved": _l("Saved"),
    "entry_added": _l("Entry added"),
    "entry_removed": _l("Entry removed"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for clarification"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "undeclined": _l("Declining undone"),
    "imported": _l("Imported"),
    "consent_changed": _l("Consent to publication changed"),
}
#: The secretariat's own decisions: never "on behalf of the organisation", although the
#: services record every event of a secretariat account with on_behalf set.
OWN_DECISIONS = ("returned", "accepted")
#: The change a carried-over activity's confirmation records (not a question).
CARRY_CODE = "carry_status"
#: Entry titles longer than this are shortened in the trail.
TITLE_LENGTH = 60


@dataclass(frozen=True)
class Person:
    """Who acted, as the viewer may see it: a name (or a role) and maybe an address."""

    name: str
    email: str | None = None


@dataclass
class ChangeRow:
    """One changed answer: the question, the entry (of a repeating group), old and new."""

    question: str
    entry: str
    old: str
    new: str


@dataclass
class TrailItem:
    """One event of the trail, ready to show."""

    id: int
    kind: str
    label: str
    when: datetime
    who: Person
    on_behalf: bool
    message: str | None
    changes: list[ChangeRow] = field(default_factory=list)


def person(user: User | None, contact: Contact | None, personal: bool,
           recorded: ResponseEvent | None = None) -> Person:
    """Who acted: the account or the contact; by role only when `personal` is False.
    When both are gone (removed since), the name and address the event `recorded`. A
    person whose data were erased is "a removed contact", to everyone."""
    if (recorded is not None and recorded.actor_erased) or any(
            who is not None and who.erased_at is not None for who in (user, contact)):
        return Person(_("a removed contact"))
    if user is not None:
        if personal:
            return Person(user.display_name, user.email if user.email != user.display_name else None)
        return Person(code_label(user.role, "role"))
    if contact is not None:
        return Person(contact.name, contact.email) if personal else Person(_("Contact of the organisation"))
    if recorded is not None and recorded.actor_name:
        return Person(recorded.actor_name, recorded.actor_email) if personal else Person(_("Removed since"))
    return Person(_("Nobody recorded"))


def _title_code(repeat: dict) -> str | None:
    """The sub-question that names an entry: the first text of its repeating group."""
    return next((q["code"] for q in repeat["questions"] if question_type(q).is_text), None)


def _shorten(text) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= TITLE_LENGTH else text[:TITLE_LENGTH - 1].rstrip() + "\u2026"


class EntryNames:
    """Which entry a change is about, in words: "Activity 2: Gedragscode koffie", also
    for entries removed since (named by their last title in the trail)."""

    def __init__(self, layout: Layout, document: Document, events: list[ResponseEvent], language: str):
        self.layout, self.language = layout, language
        self.numbers: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        title_codes = {code for code in map(_title_code, layout.repeats()) if code}
        for event in events:
            for change in event.changes or []:
                if change.get("entry") and change.get("code") in title_codes:
                    self.titles[change["entry"]] = change.get("new") or change.get("old") or ""
        for repeat in layout.repeats():
            title = _title_code(repeat)
            for number, entry in enumerate(document.entries.get(repeat["code"], []), start=1):
                self.numbers[entry.key] = number
                if title:
                    self.titles[entry.key] = entry.values.get(title) or ""

    def repeat_of(self, key: str, code: str) -> dict | None:
        prefix = key.partition(":")[0]
        if prefix != "entry":
            return self.layout.repeat_for_inventory(prefix)
        return self.layout.questions.get(self.layout.parent.get(code) or "")

    def __call__(self, key: str | None, code: str) -> str:
        if not key:
            return ""
        repeat = self.repeat_of(key, code)
        group = repeat["label"][self.language] if repeat else key
        if key in self.numbers:
            text = f"{group} {self.numbers[key]}"
        else:
            text = _("%(group)s (removed)", group=group)
        title = _shorten(self.titles.get(key))
        return f"{text}: {title}" if title else text


def change_rows(changes: list[dict], layout: Layout, language: str, labels: Callable,
                entry_names: EntryNames) -> list[ChangeRow]:
    """The changes of one event, each value in words."""
    rows = []
    for change in changes or []:
        code = change.get("code", "")
        entry = entry_names(change.get("entry"), code)
        if code == CARRY_CODE:
            rows.append(ChangeRow(_("Carried over from last year"), entry,
                                  code_label(change.get("old"), "carry_status"),
                                  code_label(change.get("new"), "carry_status")))
            continue
        question = layout.questions.get(code)
        if question is None:  # not in this version: show the raw values
            rows.append(ChangeRow(code, entry, _raw(change.get("old")), _raw(change.get("new"))))
            continue
        rows.append(ChangeRow(question["label"][language], entry,
                              display(question, from_json(question, change.get("old")), language, labels),
                              display(question, from_json(question, change.get("new")), language, labels)))
    return rows


def _raw(value) -> str:
    if value is None:
        return ""
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def audit_trail(response: Response, layout: Layout, document: Document, language: str, labels: Callable,
                personal: bool) -> list[TrailItem]:
    """Every event of the response, newest first."""
    events = list(response.events)
    names = EntryNames(layout, document, events, language)
    items = [TrailItem(id=event.id, kind=event.kind, label=str(EVENT_LABELS.get(event.kind, event.kind)),
                       when=event.created_at, who=person(event.user, event.contact, personal, event),
                       on_behalf=event.on_behalf and event.kind not in OWN_DECISIONS, message=event.message,
                       changes=change_rows(event.changes, layout, language, labels, names))
             for event in events]
    return list(reversed(items))
