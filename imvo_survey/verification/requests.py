"""Asking a sampled respondent for evidence, and keeping what comes back: the personal
evidence link (a signed token over the sampled response and the contact, valid for
`EVIDENCE_LINK_DAYS`; nothing stored), the mail through the outbox, the uploaded files,
and the check of each activity. Functions flush, never commit: the caller commits."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..models import Activity, ActivityCheck, Contact, EvidenceFile, SampledResponse, User, utcnow
from ..rounds.services import usable_contacts
from .evidence import evidence_kind, max_bytes, store
from .services import SampleError

SALT = "evidence"
MAIL_KIND = "evidence_request"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def evidence_token(member: SampledResponse, contact: Contact) -> str:
    """A signed token for one contact's evidence link (ids only)."""
    return _serializer().dumps({"m": member.id, "c": contact.id})


def member_for_token(token: str) -> SampledResponse | None:
    """The sampled response an evidence token opens; None when it is forged, expired, or
    its contact is no longer an active contact of the organisation."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token, max_age=current_app.config["EVIDENCE_LINK_DAYS"] * 24 * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not isinstance(data.get("c"), int):
        return None
    member = db.session.get(SampledResponse, data["m"])
    contact = db.session.get(Contact, data["c"])
    if (member is None or contact is None or not contact.is_active
            or contact.organisation_id != member.response.organisation_id):
        return None
    return member


def request_evidence(member: SampledResponse) -> int:
    """Queue the evidence request to the organisation's primary contact (or first);
    returns the number of messages queued."""
    response = member.response
    contacts = usable_contacts(response.organisation, "primary")
    if not contacts:
        raise SampleError(_l("%(organisation)s has no active contact with an e-mail address.",
                             organisation=response.organisation.name))
    for contact in contacts:
        language = contact.language or "nl"
        link = external_url("verification.evidence_link", token=evidence_token(member, contact))
        with force_locale(language):
            subject = _("Evidence for your answers: %(round)s", round=response.round.name)
            message = build_message(contact.email, subject, "evidence_request", contact=contact, response=response,
                                    link=link, language=language, days=current_app.config["EVIDENCE_LINK_DAYS"],
                                    max_mb=current_app.config["EVIDENCE_MAX_MB"])
        queue(message, MAIL_KIND, invitation=response.invitation)
    member.evidence_requested_at = utcnow()
    db.session.flush()
    return len(contacts)


def add_evidence(member: SampledResponse, filename: str, data: bytes) -> EvidenceFile:
    """Check the file by its content and size, store it, and record it."""
    kind = evidence_kind(data, max_bytes())
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "bestand"
    file = EvidenceFile(member=member, original_name=name, stored_name=store(data), kind=kind, size=len(data))
    db.session.add(file)
    db.session.flush()
    return file


def record_check(member: SampledResponse, activity: Activity, outcome: str, note: str,
                 user: User | None) -> ActivityCheck:
    """What the check of one of the sampled response's activities found (a second record
    replaces the first)."""
    if activity.response_id != member.response_id:
        raise SampleError(_l("This activity is not part of the sampled response."))
    check = next((c for c in member.checks if c.activity_id == activity.id), None)
    if check is None:
        check = ActivityCheck(member=member, activity=activity, outcome=outcome)
        db.session.add(check)
    check.outcome, check.note, check.recorded_by, check.recorded_at = outcome, note, user, utcnow()
    db.session.flush()
    return check
