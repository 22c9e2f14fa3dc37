"""Creating a round: a new draft with its questionnaire versions and default texts, or
a copy of an earlier round with its settings and target list; the one-baseline rule.
Functions flush, never commit: the caller commits once."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import QuestionnaireVersion, Round, User
from ..questionnaires.services import find_version
from .services import RoundError, add_targets, log

#: Short names that are addresses of their own (/rounds/new, /matrix/choose): a round so
#: named could not be reached there. A test checks the list against the URL map.
RESERVED_SLUGS = frozenset({"new", "choose"})


def default_texts(name: str) -> dict[str, str]:
    """Invitation subject and intro for a new round, in both languages."""
    with force_locale("nl"):
        nl_subject = _("Invitation: %(round)s", round=name)
        nl_intro = _("The SER would like to know what your organisation actually does about responsible "
                     "international supply chains (IMVO). Please fill in the questionnaire.")
    with force_locale("en"):
        en_subject = _("Invitation: %(round)s", round=name)
        en_intro = _("The SER would like to know what your organisation actually does about responsible "
                     "international supply chains (IMVO). Please fill in the questionnaire.")
    return {"invitation_subject_nl": nl_subject, "invitation_subject_en": en_subject,
            "invitation_intro_nl": nl_intro, "invitation_intro_en": en_intro}


def set_versions(round: Round, association: QuestionnaireVersion | None, company: QuestionnaireVersion | None):
    """Point the round at published versions (and their questionnaires)."""
    for audience, version in (("association", association), ("company", company)):
        if version is not None and not version.is_published:
            raise RoundError(_("Only a published questionnaire version can be used in a round."))
        if version is not None and version.questionnaire.audience != audience:
            raise RoundError(_("The questionnaire %(code)s is not for this audience.",
                               code=version.questionnaire.code))
    round.association_version = association
    round.association_questionnaire = association.questionnaire if association else None
    round.company_version = company
    round.company_questionnaire = company.questionnaire if company else None


def check_baseline(round: Round) -> None:
    """At most one baseline round per questionnaire (also a database index)."""
    if not round.is_baseline:
        return
    for column, questionnaire in ((Round.association_questionnaire_id, round.association_questionnaire),
                                  (Round.company_questionnaire_id, round.company_questionnaire)):
        if questionnaire is None:
            continue
        other = db.session.scalar(select(Round).where(column == questionnaire.id, Round.is_baseline,
                                                      Round.id != (round.id or 0)))
        if other is not None:
            raise RoundError(_("%(round)s is already the baseline of the questionnaire %(code)s.",
                               round=other.name, code=questionnaire.code))


def create_round(name: str, slug: str, year: int, opens_at: datetime, closes_at: datetime,
                 association: QuestionnaireVersion | None = None, company: QuestionnaireVersion | None = None,
                 is_baseline: bool = False, user: User | None = None, **settings) -> Round:
    """A new draft round (times in UTC)."""
    if slug in RESERVED_SLUGS:
        raise RoundError(_("The short name %(slug)s is an address of the app itself; choose another.", slug=slug))
    if db.session.scalar(select(Round.id).where(Round.slug == slug)) is not None:
        raise RoundError(_("There is already a round with the short name %(slug)s.", slug=slug))
    if closes_at <= opens_at:
        raise RoundError(_("The round must close after it opens."))
    values = default_texts(name)
    values.update({key: value for key, value in settings.items() if value is not None})
    round = Round(name=name, slug=slug, year=year, opens_at=opens_at, closes_at=closes_at,
                  is_baseline=is_baseline, status="draft", **values)
    set_versions(round, association, company)
    check_baseline(round)
    db.session.add(round)
    log(round, "created", user=user)
    db.session.flush()
    return round


def copy_round(source: Round, name: str, slug: str, year: int, opens_at: datetime, closes_at: datetime,
               is_baseline: bool = False, user: User | None = None,
               association: QuestionnaireVersion | None = None,
               company: QuestionnaireVersion | None = None) -> Round:
    """A new round with the settings and target list of `source`. Its questionnaires are
    the versions given, else the newest published versions of the source's ones."""

    def newest(questionnaire):
        return find_version(questionnaire.code, published_only=True) if questionnaire else None

    round = create_round(
        name, slug, year, opens_at, closes_at,
        association=association or newest(source.association_questionnaire),
        company=company or newest(source.company_questionnaire), is_baseline=is_baseline, user=user,
        contact_mode=source.contact_mode, reminder_days=list(source.reminder_days),
        invitation_subject_nl=source.invitation_subject_nl.replace(source.name, name),
        invitation_subject_en=source.invitation_subject_en.replace(source.name, name),
        invitation_intro_nl=source.invitation_intro_nl, invitation_intro_en=source.invitation_intro_en)
    round.copied_from = source
    add_targets(round, [invitation.organisation for invitation in source.invitations
                        if invitation.organisation.is_active])
    log(round, "copied", source.slug, user)
    db.session.flush()
    return round
