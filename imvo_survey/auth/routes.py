"""Login, logout, password reset and password change.

Messages never tell whether an e-mail address has an account.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import logged_in, public, signed_in_user
from ..extensions import db, limiter
from ..forms import safe_next_url
from . import bp
from .forms import ChangePasswordForm, LoginForm, ResetPasswordForm, ResetRequestForm
from .limits import ACCOUNT_SCOPE, account_tried, login_account_limit, own_account, reset_account_limit
from .services import (
    authenticate,
    find_user_by_email,
    send_reset_mail,
    set_password,
    user_for_reset_token,
    verify_password,
)
from .sessions import end_session, note_activity, start_session

# Before every request of the app, and before the access check (blueprints are registered
# before it): the login is loaded, checked for idleness and its last-seen time written
# while the request has done nothing else in the database.
bp.before_app_request(note_activity)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.shared_limit(login_account_limit, scope=ACCOUNT_SCOPE, key_func=account_tried, methods=["POST"])
def login():
    """The login page; after login, back to where the user was going."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    config = current_app.config
    form.remember.description = _(
        "Also after closing the browser. Without activity you are logged out all the same: after "
        "%(staff)d minutes as staff, after %(respondents)d minutes as a respondent.",
        staff=config["STAFF_IDLE_MINUTES"], respondents=config["RESPONDENT_IDLE_MINUTES"])
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not correct."))
        else:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            flash(_("You are logged in."), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Log out (a POST, so that another site cannot log a user out by a link): this
    login ends on the server, so copies of its cookies stop working too."""
    end_session()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(reset_account_limit, key_func=account_tried, methods=["POST"])
def request_reset():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            send_reset_mail(user)
            db.session.commit()
        flash(_("If an account exists for %(email)s, we have sent it a link to choose a new "
                "password. The link is valid for one hour.", email=form.email.data), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password with a valid, unused, unexpired link."""
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)  # ends every login of the user
        end_session()
        db.session.commit()
        flash(_("Your password has been changed. You can now log in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@logged_in
@limiter.limit(_login_limit, methods=["POST"])
@limiter.shared_limit(login_account_limit, scope=ACCOUNT_SCOPE, key_func=own_account, methods=["POST"])
def change_password():
    """Change one's own password; other sessions of the user end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = signed_in_user()
        if not verify_password(user, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            set_password(user, form.password.data)  # ends every login of the user
            # This browser goes on under a new login (remembered if the old one was).
            start_session(user, remember=current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
                          in request.cookies)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
