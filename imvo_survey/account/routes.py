"""A user's personal API tokens: list, make (the token is shown once), revoke."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles
from ..api.tokens import create_token, revoke_token, tokens_of
from ..extensions import db
from ..forms import ActionForm
from ..models import STAFF_ROLES, ApiToken
from . import bp
from .forms import TokenForm


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    response = make_response(render_template(
        "account/tokens.html", form=form, tokens=tokens_of(current_user), new_token=new_token,
        action_form=ActionForm()), status)
    if new_token:
        # The only time the token exists in clear: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tokens", methods=["GET", "POST"])
@roles(*STAFF_ROLES)
def tokens():
    """The user's tokens, and the form to make one. A new token is shown once, in the
    answer to the POST itself (not flashed: the session cookie is signed, not secret)."""
    form = TokenForm()
    if form.validate_on_submit():
        _row, token = create_token(current_user, form.name.data)
        db.session.commit()
        flash(_("The token has been made. Copy it now: it will not be shown again."), "success")
        return _page(TokenForm(formdata=None), new_token=token)
    return _page(form, status=400 if form.errors else 200)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@roles(*STAFF_ROLES)
def revoke(token_id: int):
    """Revoke one of the user's own tokens: it stops working at once."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id))
    if row is None:
        abort(404)
    if ActionForm().validate_on_submit():
        revoke_token(row)
        db.session.commit()
        flash(_("The token %(name)s has been revoked.", name=row.name), "success")
    return redirect(url_for("account.tokens"))
