"""The public figures' pages: the list of published rounds, a round's page and its CSV
(without login; a 404 while the round's figures are not published), and the switch
with which the secretariat publishes or withdraws them."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from ..access import public, roles, signed_in_user
from ..analysis.public_figures import SUPPRESSED, rule
from ..forms import ActionForm
from ..i18n import current_language
from ..rounds.services import get_round
from ..spreadsheets.writing import csv_bytes
from ..unit_of_work import saving
from . import bp
from .services import build, publication, publish, published_rounds, withdraw


@bp.app_template_global("figures_publication")
def figures_publication(round):
    """The round's publication, for the round's page (None while unpublished)."""
    return publication(round)


def _published_round(slug: str):
    round = get_round(slug)
    published = publication(round)
    if published is None:
        abort(404)
    return round, published


@bp.route("/")
@public
def index():
    """The rounds whose figures are published."""
    return render_template("public_figures/index.html", rounds=published_rounds())


@bp.route("/<slug>")
@public
def page(slug: str):
    """A round's public figures, with the suppression rule."""
    round, published = _published_round(slug)
    language = current_language()
    figures = build(round)
    return render_template("public_figures/page.html", round=round, published=published, figures=figures,
                           headers=figures.headers(language), rows=figures.table(language),
                           rule=rule(figures.minimum, language), suppressed=SUPPRESSED)


@bp.route("/<slug>/cijfers.csv")
@public
def download(slug: str):
    """The same figures as CSV for Dutch Excel: the rule on the last line, text neutralised."""
    round, _published = _published_round(slug)
    language = current_language()
    figures = build(round)
    rows = [*figures.table(language), [], [rule(figures.minimum, language)]]
    return send_file(io.BytesIO(csv_bytes(figures.headers(language), rows)), mimetype="text/csv",
                     as_attachment=True, download_name=f"imvo-{round.slug}-cijfers.csv")


def _switch(slug: str, action, done: str, already: str):
    round = get_round(slug)
    if ActionForm().validate_on_submit():
        with saving():
            changed = action(round, signed_in_user())
        flash(done if changed else already, "success" if changed else "info")
    return redirect(url_for("rounds.show", slug=round.slug))


@bp.route("/<slug>/publish", methods=["POST"])
@roles("secretariat")
def publish_figures(slug: str):
    """Publish the round's public figures (a second click changes nothing)."""
    return _switch(slug, publish, _("The public figures of this round are published."),
                   _("The public figures of this round were already published."))


@bp.route("/<slug>/withdraw", methods=["POST"])
@roles("secretariat")
def withdraw_figures(slug: str):
    """Take the round's public figures offline."""
    return _switch(slug, withdraw, _("The public figures of this round are no longer public."),
                   _("The public figures of this round were not public."))
