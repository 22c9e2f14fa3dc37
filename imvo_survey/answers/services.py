"""Working on responses: start (fresh or from last year), save a section or an entry
with optimistic locking and a three-way merge, submit, and the audit trail (returning,
accepting and notes are `reviewing`). Functions flush, never commit: the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from .. import unit_of_work
from ..deadlines import is_open_for, remember_response, response_for, returned_is_open
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from ..models import (
    NOT_YET_ACTED_STATUSES,
    RESPONDED_STATUSES,
    Contact,
    Invitation,
    QuestionnaireVersion,
    Response,
    ResponseEvent,
    Round,
    User,
    utcnow,
)
from . import document as documents
from .carry import carry_over
from .checks import (
    Missing,
    hidden_answers,
    missing,
    parse_inputs,
    required_errors,
    shown,
)
from .document import Document, References
from .layout import Layout, layout_of
from .merging import Conflict, base_values, entry_changes, merge
from .values import fixed_codes, is_empty, same, to_json


class ResponseError(ValueError):
    """The response cannot do what was asked; the message says why (translated)."""


class AlreadyDone(ResponseError, unit_of_work.AlreadyDone):
    """What was asked had been done already (a second click, a second tab, a colleague at
    the same moment): nothing more happens; the message says so."""


class EntryGone(ResponseError):
    """The entry being changed was removed (by someone else) since the page was shown."""


@dataclass
class Actor:
    """Who acts: an account, or the contact whose invitation link is in use."""

    user: User | None = None
    contact: Contact | None = None

    @property
    def on_behalf(self) -> bool:
        """The secretariat acting for the organisation."""
        return self.user is not None and self.user.role == "secretariat"


@dataclass
class SaveResult:
    """The outcome of a save: saved (maybe with invalid fields left out) or a conflict."""

    errors: dict = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    merged: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    key: str | None = None

    @property
    def saved(self) -> bool:
        return not self.conflicts


class Allowed:
    """The codes a question accepts: its own options, or its reference list's entries."""

    def __init__(self, references: References):
        self.references = references

    def __call__(self, question: dict) -> set[str]:
        codes = fixed_codes(question)
        return set(codes) if codes is not None else self.references.codes(question["reference"])


# --- finding and starting -----------------------------------------------------------

def previous_response(invitation: Invitation) -> Response | None:
    """Last year's answers: the organisation's submitted response in the latest earlier
    round (by year, then by closing time; see `Round.newest_first`) to the same
    questionnaire (the same code, whatever its version)."""
    version = invitation.round.version_for(invitation.audience)
    if version is None:
        return None
    return db.session.scalars(
        select(Response).join(Round, Response.round_id == Round.id)
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(Response.organisation_id == invitation.organisation_id,
               QuestionnaireVersion.questionnaire_id == version.questionnaire_id,
               Response.status.in_(RESPONDED_STATUSES), Round.earlier_than(invitation.round))
        .order_by(*Round.newest_first()).limit(1)).first()


def start(invitation: Invitation, actor: Actor, carry_from: Response | None = None) -> Response:
    """The invitation's response, made now (from last year's answers when asked)."""
    existing = response_for(invitation)
    if existing is not None:
        return existing
    version = invitation.round.version_for(invitation.audience)
    if version is None:
        raise ResponseError(_l("This round has no questionnaire for your organisation."))
    response = Response(invitation=invitation, organisation_id=invitation.organisation_id,
                        round_id=invitation.round_id, version=version, status="in_progress", lock_version=1,
                        started_at=utcnow())
    db.session.add(response)
    db.session.flush()
    remember_response(response)  # this request found none before
    log(response, "started", actor)
    if carry_from is not None:

        carry_over(carry_from, response)
        log(response, "carried_over", actor, message=str(carry_from.round.name))
    touch_invitation(invitation, "in_progress")
    db.session.flush()
    return response


def touch_invitation(invitation: Invitation, status: str | None = None) -> None:
    """The invitation follows its response: its last activity, and its status once the
    response is started, submitted, returned or accepted."""
    invitation.last_activity_at = utcnow()
    if status == "in_progress" and invitation.status in (*NOT_YET_ACTED_STATUSES, "opened"):
        invitation.status = "in_progress"
    elif status in ("submitted", "returned", "accepted"):
        invitation.status = status


def log(response: Response, kind: str, actor: Actor | None = None, changes=None, message: str | None = None,
        user: User | None = None, on_behalf: bool | None = None) -> ResponseEvent:
    """Record an event in the audit trail; `on_behalf` defaults to the secretariat
    acting (a correction), and is False for the secretariat's own acts (return, accept)."""
    actor = actor or Actor(user=user)
    who = actor.user or actor.contact
    event = ResponseEvent(response=response, kind=kind, user=actor.user, contact=actor.contact,
                          actor_name=_display_name(who), actor_email=who.email if who else None,
                          on_behalf=actor.on_behalf if on_behalf is None else on_behalf,
                          changes=changes or None, message=message)
    db.session.add(event)
    return event


def _display_name(who: User | Contact | None) -> str | None:
    if who is None:
        return None
    return who.display_name if isinstance(who, User) else who.name


# --- may this person change it now? --------------------------------------------------

def editable(response: Response, actor: Actor, now: datetime | None = None) -> bool:
    """Respondents change answers while their deadline runs, or while a returned response
    is open; the secretariat may always correct on the organisation's behalf."""
    if actor.on_behalf:
        return True
    now = now or utcnow()
    if response.status == "returned":
        return returned_is_open(response, now)
    if response.status != "in_progress" or response.invitation.status == "declined":
        return False
    return is_open_for(response.round, response.organisation_id, now)


def _check_editable(response: Response, actor: Actor) -> None:
    if not editable(response, actor):
        raise ResponseError(_l("These answers can no longer be changed."))


# --- saving -------------------------------------------------------------------------

def save_section(response: Response, section_code: str, raw: dict, base_json: dict | None, lock_version: int,
                 actor: Actor, language: str = "nl") -> SaveResult:
    """Save the plain questions of one section (a draft: required answers may be missing;
    inputs that do not fit their question are left out and reported)."""
    _check_editable(response, actor)
    layout = layout_of(response.version)
    section = layout.section(section_code)
    if section is None:
        raise ResponseError(_l("Unknown section."))
    questions = layout.plain_questions(section)
    mine, errors = parse_inputs(questions, raw, Allowed(References()), language)
    doc = documents.load(response, layout, entries=False)  # plain answers only: no entry is touched
    current = {q["code"]: doc.answers.get(q["code"]) for q in questions}
    base = base_values(questions, base_json, current)
    if lock_version == response.lock_version:
        merged, conflicts = mine, []
    else:
        merged, conflicts = merge(questions, mine, base, current)
    result = SaveResult(errors=errors, conflicts=conflicts, merged=merged)
    if conflicts:
        return result
    answers = {**doc.answers, **merged}
    for question in questions:
        code = question["code"]
        if code in merged or not shown(question, answers):
            new = merged.get(code) if shown(question, answers) else None
            if code in errors and shown(question, answers):
                continue  # keep the stored value; the typed one is shown with its error
            if not same(new, current.get(code)):
                result.changes.append({"code": code, "entry": None, "old": to_json(current.get(code)),
                                       "new": to_json(new)})
                documents.set_answer(response, layout, code, new)
    record_save(response, actor, result.changes)
    return result


def save_entry(response: Response, repeat_code: str, key: str | None, raw: dict, base_json: dict | None,
               lock_version: int, actor: Actor, language: str = "nl") -> SaveResult:
    """Add or change one entry of a repeating group. An entry is saved whole: its
    shown required questions must be answered."""
    _check_editable(response, actor)
    layout = layout_of(response.version)
    repeat = layout.questions.get(repeat_code)
    if layout.group(repeat_code) is None:
        raise ResponseError(_l("Unknown list."))
    references = References()
    questions = repeat["questions"]
    mine, errors = parse_inputs(questions, raw, Allowed(references), language)
    doc = documents.load(response, layout)
    entry = doc.entry(repeat_code, key) if key else None
    if key and entry is None:
        raise EntryGone(_l("This entry no longer exists; someone may have removed it."))
    if key is None and repeat.get("max_repeat") and len(doc.entries.get(repeat_code, [])) >= repeat["max_repeat"]:
        raise ResponseError(lazy_ngettext("At most %(num)d entry is possible.", "At most %(num)d entries are possible.",
                                          repeat["max_repeat"]))
    current = dict(entry.values) if entry else {}
    base = base_values(questions, base_json, current)
    if key and lock_version != response.lock_version:
        merged, conflicts = merge(questions, mine, base, current)
    else:
        merged, conflicts = mine, []
    values = {**current, **merged}
    visible = {q["code"]: shown(q, doc.answers, values, repeat) for q in questions}
    values = {code: (value if visible.get(code, True) else None) for code, value in values.items()}
    errors.update({code: message for code, message in required_errors(questions, values, doc.answers, repeat).items()
                   if code not in errors})
    result = SaveResult(errors=errors, conflicts=conflicts, merged=merged, key=key)
    if conflicts or errors:
        return result
    result.changes = [{"code": code, "entry": key, "old": to_json(current.get(code)), "new": to_json(value)}
                      for code, value in values.items() if not same(value, current.get(code))]
    result.key = documents.write_entry(response, layout, repeat, key, values, references)
    if entry is not None and entry.carry_status == "carried" and result.changes:
        row = documents.inventory_row(response, key)
        if row is not None and hasattr(row, "carry_status"):
            row.carry_status = "changed"
    for change in result.changes:
        change["entry"] = result.key
    record_save(response, actor, result.changes, kind="entry_added" if key is None else "saved")
    return result


def remove_entry(response: Response, repeat_code: str, key: str, actor: Actor, lock_version: int | None = None,
                 seen: dict | None = None) -> SaveResult | None:
    """Remove one entry of a repeating group; None when there is no such entry.

    With `lock_version` (of the page that asked) and `seen` (the entry's values and
    carry status as that page showed them, JSON), a removal on stale data of an entry
    someone has changed since removes nothing and returns the differences as conflicts.
    A change elsewhere in the response is no conflict: removing this entry loses none of it."""
    _check_editable(response, actor)
    layout = layout_of(response.version)
    repeat = layout.questions.get(repeat_code)
    doc = documents.load(response, layout)
    entry = doc.entry(repeat_code, key)
    if repeat is None or entry is None:
        return None
    result = SaveResult(key=key)
    if lock_version is not None and lock_version != response.lock_version:
        result.conflicts = entry_changes(repeat["questions"], seen, entry)
        if result.conflicts:
            return result
    documents.delete_entry(response, layout, repeat, key)
    result.changes = [{"code": code, "entry": key, "old": to_json(value), "new": None}
                      for code, value in entry.values.items() if not is_empty(value)]
    record_save(response, actor, result.changes, kind="entry_removed")
    return result


def confirm_carried(response: Response, key: str, status: str, actor: Actor) -> None:
    """Confirm an activity carried over from last year as continued, changed or ended."""
    _check_editable(response, actor)
    if status not in ("continued", "changed", "ended"):
        raise ResponseError(_l("Choose continued, changed or ended."))
    row = documents.inventory_row(response, key)
    if row is None or not hasattr(row, "carry_status") or row.carry_status is None:
        raise ResponseError(_l("This entry was not carried over."))
    old, row.carry_status = row.carry_status, status
    record_save(response, actor, [{"code": "carry_status", "entry": key, "old": old, "new": status}])


def record_save(response: Response, actor: Actor, changes: list, kind: str = "saved") -> None:
    """Every save raises the lock version, and is logged with what changed."""
    response.lock_version += 1
    response.last_saved_at = utcnow()
    touch_invitation(response.invitation, "in_progress")
    if changes:
        log(response, kind, actor, changes=changes)
    db.session.flush()


# --- submitting, returning, accepting ------------------------------------------------

def check_submission(response: Response) -> list[Missing]:
    layout = layout_of(response.version)
    return missing(layout, documents.load(response, layout))


def submit(response: Response, actor: Actor) -> list[Missing]:
    """Submit when complete; returns what is missing otherwise (and changes nothing).
    Answers to questions that ended up hidden are not submitted: they are removed."""
    _check_editable(response, actor)
    layout = layout_of(response.version)
    doc = documents.load(response, layout)
    problems = missing(layout, doc)
    if problems:
        return problems
    changes = []
    for code in hidden_answers(layout, doc):
        changes.append({"code": code, "entry": None, "old": to_json(doc.answers[code]), "new": None})
        documents.set_answer(response, layout, code, None)
    now = utcnow()
    response.status = "submitted"
    response.submitted_at = now
    response.submitted_by_user_id = actor.user.id if actor.user else None
    response.submitted_by_contact_id = actor.contact.id if actor.contact else None
    response.returned_until = None
    _take_snapshot(response)
    response.lock_version += 1
    touch_invitation(response.invitation, "submitted")
    log(response, "submitted", actor, changes=changes)
    db.session.flush()
    return []


def _take_snapshot(response: Response) -> None:
    """Keep the register data the figures group by, as it was at submission."""
    organisation = response.organisation
    response.snapshot_kind = organisation.kind
    response.snapshot_size = organisation.size
    response.snapshot_sector_id = organisation.sector_id
    response.snapshot_branch_id = organisation.branch_id
    response.snapshot_member_count = organisation.member_count
    response.snapshot_mkb_member_count = organisation.mkb_member_count


def document_of(response: Response, entries: bool = True) -> tuple[Layout, Document]:
    """The response's layout and its answers (and, unless `entries` is False, its entries)."""
    layout = layout_of(response.version)
    return layout, documents.load(response, layout, entries)
