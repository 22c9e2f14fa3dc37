"""The start page tells each role what to do next; the language switch."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import public
from ..extensions import db
from ..forms import safe_next_url
from ..models import BenchmarkScore, Contact, Organisation, User
from ..rounds.services import invitations_for_organisation
from . import bp


@bp.route("/")
@public
def index():
    """What to do next, by role; an explanation and the login link for visitors."""
    if not current_user.is_authenticated:
        return render_template("main/index_public.html")
    if current_user.role == "respondent":

        return render_template("main/index_respondent.html", organisation=current_user.organisation,
                               invitations=invitations_for_organisation(current_user.organisation_id))
    counts = {
        "organisations": db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.is_active)),
        "without_contact": db.session.scalar(
            select(func.count()).select_from(Organisation).where(
                Organisation.is_active, ~Organisation.contacts.any(Contact.is_active))),
        "users": db.session.scalar(select(func.count()).select_from(User).where(User.is_active)),
        "contacts": db.session.scalar(select(func.count()).select_from(Contact).where(Contact.is_active)),
        "benchmark_years": db.session.scalars(
            select(BenchmarkScore.year).distinct().order_by(BenchmarkScore.year)).all(),
    }
    return render_template("main/index_staff.html", counts=counts)


@bp.route("/language/<code>")
@public
def set_language(code: str):
    """Switch the interface language and go back to the page the user was on."""
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page says: the icon,
    not a 404 in the log."""
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.route("/health")
@public
def health():
    """For load balancers: the app answers and the database is reachable."""
    db.session.execute(select(1))
    return {"status": "ok"}
