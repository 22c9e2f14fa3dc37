"""Review work that is more than one service call: the responses of a round for the
list, and the e-mail that tells an organisation its response was returned, each
contact with a new personal link. Functions flush, never commit."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..models import RESPONSE_STATUSES, Organisation, Response, Round
from ..rounds.mailings import deadline_in_words
from ..rounds.services import issue_token, usable_contacts


def responses_query(round: Round, status: str | None = None) -> Select:
    """The round's responses with their organisation (one query), by organisation name."""
    query = (select(Response).join(Response.organisation).options(contains_eager(Response.organisation))
             .where(Response.round_id == round.id))
    if status in RESPONSE_STATUSES:
        query = query.where(Response.status == status)
    return query.order_by(Organisation.name_key, Response.id)


def notify_returned(response: Response) -> int:
    """Queue the 'returned for clarification' message for each usable contact, in their
    language, with the secretariat's question, the date until which the answers can be
    changed, and a new personal link (the invitation's links may have expired when the
    round closed; a returned invitation's links work until `returned_until`).
    Returns the number of messages queued."""
    invitation = response.invitation
    contacts = usable_contacts(response.organisation, response.round.contact_mode)
    for contact in contacts:
        token = issue_token(invitation, contact)
        language = contact.language or "nl"
        with force_locale(language):
            message = build_message(
                contact.email,
                _("A question about the answers of %(organisation)s", organisation=response.organisation.name),
                "returned", response=response, contact=contact, round=response.round, language=language,
                question=response.return_message, until=deadline_in_words(response.returned_until, language),
                link=external_url("respond.landing", token=token))
        queue(message, "returned", invitation=invitation)
    return len(contacts)
