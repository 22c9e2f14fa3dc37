"""Accounts: list, create, edit, (de)activate. Secretariat only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles
from ..auth.services import send_reset_mail
from ..extensions import db
from ..forms import ActionForm
from ..models import Organisation, User
from ..whole_numbers import query_int
from . import bp
from .forms import UserFilterForm, UserForm
from .services import create_user, user_query


@bp.route("/")
@roles("secretariat")
def list_users():
    """The accounts, by role and e-mail address, with a search and a role filter."""
    form = UserFilterForm(request.args)
    form.validate()
    role = None if form.role.errors else form.role.data or None
    users = db.session.scalars(user_query(q=form.q.data, role=role, status=form.status.data)).all()
    return render_template("users/list.html", users=users, form=form, status=form.status.data,
                           action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create():
    """Create an account; without a password, the user gets a link to choose one."""
    form = UserForm()
    organisation_id = query_int("organisation") if request.method == "GET" else None
    if organisation_id is not None:
        form.role.data = "respondent"
        form.organisation_id.data = organisation_id
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        user = create_user(form.email.data, form.role.data, password=form.password.data or None,
                           organisation=organisation, name=form.name.data, language=form.language.data)
        user.is_active = form.is_active.data
        db.session.commit()
        if not form.password.data and user.is_active:
            send_reset_mail(user)
            db.session.commit()
            flash(_("The account for %(email)s has been created and a link to choose a password "
                    "has been sent.", email=user.email), "success")
        else:
            flash(_("The account for %(email)s has been created.", email=user.email), "success")
        return redirect(url_for("users.list_users"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit(user_id: int):
    """Change an account's name, role, organisation, language or status."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user, user=user)
    if form.validate_on_submit():
        if user == current_user and (not form.is_active.data or form.role.data != "secretariat"):
            form.role.errors.append(_("You cannot deactivate yourself or take away your own "
                                      "secretariat role."))
        else:
            for name in ("email", "name", "role", "language", "is_active"):
                setattr(user, name, getattr(form, name).data)
            user.organisation_id = form.organisation_id.data if form.role.data == "respondent" else None
            db.session.commit()
            flash(_("The account has been saved."), "success")
            return redirect(url_for("users.list_users"))
    return render_template("users/form.html", form=form, user=user)


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles("secretariat")
def deactivate(user_id: int):
    """Deactivate an account: the user can no longer log in; history stays."""
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        if user == current_user:
            flash(_("You cannot deactivate yourself."), "error")
        else:
            user.is_active = False
            db.session.commit()
            flash(_("The account of %(email)s has been deactivated.", email=user.email), "success")
    return redirect(url_for("users.list_users"))


@bp.route("/<int:user_id>/activate", methods=["POST"])
@roles("secretariat")
def activate(user_id: int):
    """Reactivate an account."""
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        user.is_active = True
        db.session.commit()
        flash(_("The account of %(email)s is active again.", email=user.email), "success")
    return redirect(url_for("users.list_users"))


@bp.route("/<int:user_id>/send-reset", methods=["POST"])
@roles("secretariat")
def send_reset(user_id: int):
    """Send the user a link to choose a new password."""
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit() and user.is_active:
        send_reset_mail(user)
        db.session.commit()
        flash(_("A link to choose a password has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.list_users"))

