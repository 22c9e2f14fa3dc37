"""Marking activities as good practice, and the respondent's consent.

Only an activity whose respondent consented to publication can be marked. The consent
is never copied into the mark: `public.py` reads it at every request, so a withdrawal
takes effect on the public page at once. Services flush; the view commits."""

from __future__ import annotations

from sqlalchemy import select

from ..answers import services as answer_services
from ..answers.document import set_answer
from ..answers.services import Actor
from ..extensions import db
from ..models import Activity, Answer, GoodPractice, Response, User, utcnow
from . import NOT_IN_XML

#: The question by which an organisation consents to its name being published.
NAME_CONSENT_CODE = "publish_name_consent"
#: Responses whose activities can be published: handed in (a returned one stays handed in).
PUBLISHABLE_STATUSES = ("submitted", "accepted", "returned")


class PracticeError(ValueError):
    """A mark the rules do not allow (no consent, a response not handed in)."""


def practice_of(activity: Activity) -> GoodPractice | None:
    """The activity's mark, if it has one."""
    return db.session.scalar(select(GoodPractice).where(GoodPractice.activity_id == activity.id))


def mark(activity: Activity, public_text: str, user: User | None) -> GoodPractice:
    """Mark the activity as good practice with this public text, or change the text."""
    if activity.publish_consent is not True:
        raise PracticeError("The organisation did not consent to publishing this activity.")
    # Control characters would break the Atom feed, and PostgreSQL refuses NUL.
    public_text = NOT_IN_XML.sub("", public_text).strip()
    if not public_text:
        raise PracticeError("The public text is empty.")
    if activity.response.status not in PUBLISHABLE_STATUSES:
        raise PracticeError("Only activities of a submitted response can be marked.")
    practice = practice_of(activity)
    if practice is None:
        practice = GoodPractice(activity=activity, marked_at=utcnow())
        db.session.add(practice)
    practice.public_text = public_text
    practice.marked_by = user
    db.session.flush()
    return practice


def unmark(activity: Activity) -> bool:
    """Take the mark off; False when there was none."""
    practice = practice_of(activity)
    if practice is None:
        return False
    db.session.delete(practice)
    db.session.flush()
    return True


def name_consent(response: Response) -> bool:
    """Whether the organisation consented to its name appearing with its practices."""
    value = db.session.scalar(select(Answer.text_value).where(
        Answer.response_id == response.id, Answer.code == NAME_CONSENT_CODE, Answer.entry == 0))
    return value == "yes"


def set_consent(response: Response, name: bool, activities: dict[int, bool], actor: Actor) -> list[dict]:
    """Change the consents of a response (after submission too): for the name and per
    activity (`activities` maps an activity's id to its consent; a missing id is a no).
    Records what changed in the audit trail; returns the changes."""
    changes = []
    old_name = name_consent(response)
    if name != old_name:
        set_answer(response, answer_services.layout_of(response.version), NAME_CONSENT_CODE, _word(name))
        changes.append({"code": NAME_CONSENT_CODE, "entry": None, "old": _word(old_name), "new": _word(name)})
    for activity in response.activities:
        wanted = activities.get(activity.id, False)
        if bool(activity.publish_consent) != wanted:
            changes.append({"code": "publish_consent", "entry": f"activity:{activity.id}",
                            "old": _word(bool(activity.publish_consent)), "new": _word(wanted)})
            activity.publish_consent = wanted
    if changes:
        # A questionnaire page opened before this change must not save the old consent
        # back silently: it meets the conflict page, as after any other save.
        response.lock_version += 1
        answer_services.log(response, "consent_changed", actor, changes=changes)
    db.session.flush()
    return changes


def _word(value: bool) -> str:
    return "yes" if value else "no"
