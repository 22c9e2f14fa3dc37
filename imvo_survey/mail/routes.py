"""The outbox pages of the secretariat: every message with its delivery state, one
message as it was sent (headers, plain text, the .eml file), and retrying a failed one.

Only the secretariat sees these pages: they hold e-mail addresses. Personal links are
shown masked, also while a message still waits: a link is for its recipient only, and
the outbox keeps the working link only as long as it must to send it. The HTML part of
a message is never rendered here: it is offered only inside the .eml download, so
nothing in a message can run under this site's origin.
"""

from __future__ import annotations

import io
from email.message import EmailMessage

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectField

from ..access import roles
from ..extensions import db
from ..forms import ActionForm, code_choices, options
from ..i18n import lazy_gettext as _l
from ..models import Invitation, OutboxMessage, Round
from ..whole_numbers import paginate
from . import bp, outbox
from .links import MASK, mask_message, mask_raw

PER_PAGE = 50
#: The headers shown on a message's page, in this order.
SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject", "Date")
#: Why a message whose links were masked cannot be sent again, and what to do instead.
_NEW_LINKS = _l('Send the organisation new links with "Send again with new links" on its page in the round, '
                'after correcting the address if needed.')
NOT_AGAIN = {
    "invitation": _NEW_LINKS,
    "reminder": _NEW_LINKS,
    "returned": _l('Send the organisation new links with "Send again with new links" on its page in the round, '
                   'and tell the contact about the question another way.'),
    "feedback": _l("Send the feedback again from the round's page: every contact gets a new link."),
    "password_reset": _l('The person can ask for a new link with "Forgot your password?" on the login page.'),
    "registration": _l("The company can register again with an address that works."),
}
NOT_AGAIN_DEFAULT = _l("Send it again from where it was made: that makes a new link.")


class OutboxFilterForm(FlaskForm):
    """Status and round filters of the outbox list (a GET form: no token needed)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")
    round = SelectField(_l("Round"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = code_choices("outbox_status", blank=_l("All statuses"))
        rounds = db.session.execute(select(Round.slug, Round.name).order_by(*Round.newest_first())).all()
        self.round.choices = options([("", _l("All rounds"))] + [(slug, name) for slug, name in rounds])


def _get_message(message_id: int) -> OutboxMessage:
    item = db.session.get(OutboxMessage, message_id)
    if item is None:
        abort(404)
    return item


@bp.route("/")
@roles("secretariat")
def list_messages():
    """Messages newest first, filtered by status and round, in pages."""
    form = OutboxFilterForm(request.args)
    form.validate()
    query = (select(OutboxMessage).options(joinedload(OutboxMessage.round))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    if form.status.data and not form.status.errors:
        query = query.where(OutboxMessage.status == form.status.data)
    if form.round.data and not form.round.errors:
        query = query.join(OutboxMessage.round).where(Round.slug == form.round.data)
    page = paginate(query, PER_PAGE)
    return render_template("mail/list.html", form=form, page=page)


def plain_text(message: EmailMessage) -> str | None:
    """The plain-text body of a message, or None when it has none."""
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else None


@bp.route("/<int:message_id>")
@roles("secretariat")
def show_message(message_id: int):
    """One message: its delivery state, headers and plain text (the HTML is not rendered)."""
    item = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id).options(
        joinedload(OutboxMessage.round), joinedload(OutboxMessage.invitation).joinedload(Invitation.organisation)))
    if item is None:
        abort(404)
    message = outbox.parse(item)
    mask_message(message)  # also while it waits: the working link is for its recipient only
    headers = [(name, str(message[name])) for name in SHOWN_HEADERS if message[name] is not None]
    has_html = message.get_body(preferencelist=("html",)) is not None
    return render_template("mail/show.html", item=item, headers=headers, body=plain_text(message),
                           has_html=has_html, action_form=ActionForm(), not_again=not_again(item),
                           mask=MASK)


def not_again(item: OutboxMessage) -> str | None:
    """Why a failed message cannot be sent again and what to do instead; None if it can."""
    if item.status != "failed" or item.links_masked_at is None:
        return None
    return str(NOT_AGAIN.get(item.kind, NOT_AGAIN_DEFAULT))


@bp.route("/<int:message_id>.eml")
@roles("secretariat")
def download_message(message_id: int):
    """The message as stored (and sent), as an .eml file, with its personal links masked."""
    item = _get_message(message_id)
    raw, _masked = mask_raw(item.raw)
    return send_file(io.BytesIO(raw), mimetype="message/rfc822", as_attachment=True,
                     download_name=f"message-{item.id}.eml")


@bp.route("/<int:message_id>/retry", methods=["POST"])
@roles("secretariat")
def retry_message(message_id: int):
    """Queue a failed message again; the worker tries it on its next pass."""
    item = _get_message(message_id)
    if ActionForm().validate_on_submit():
        if item.status != "failed":
            flash(_("Only a message that failed can be sent again."), "error")
        elif not_again(item):
            flash(_("This message cannot be sent again: its personal link was removed from the stored copy "
                    "when it failed for good. %(what)s", what=not_again(item)), "error")
        else:
            outbox.retry(item)
            db.session.commit()
            flash(_("The message to %(address)s is queued again.", address=item.to_address), "success")
    return redirect(url_for("mailbox.show_message", message_id=item.id))
