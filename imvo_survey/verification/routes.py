"""The secretariat's sample pages: the samples drawn, drawing a new one, and one sample
with its responses. Staff read; the secretariat draws."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import access, roles, signed_in_user
from ..analysis.verification import MIN_CHECKED, round_results
from ..extensions import db
from ..forms import ActionForm
from ..i18n import current_language
from ..models import STAFF_ROLES, Round, VerificationSample
from ..unit_of_work import saving
from . import bp
from .forms import DrawSampleForm
from .services import SampleError, draw_sample, samples_of


@bp.route("/")
@access(read=STAFF_ROLES)
def list_samples():
    """Every sample drawn, the latest first."""
    return render_template("verification/list.html", samples=samples_of())


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def new_sample():
    """Draw a new sample (earlier ones are kept)."""
    form = DrawSampleForm()
    if form.validate_on_submit():
        round = db.session.get(Round, form.round_id.data) or abort(404)
        with saving(SampleError) as outcome:
            sample = draw_sample(round, size=form.size.data, percent=form.percent.data, seed=form.seed.data,
                                 stratified=form.method.data == "stratified", user=signed_in_user())
            sample_id = sample.id
        if not outcome.refused:
            flash(_("A new sample has been drawn."), "success")
            return redirect(url_for("verification.show_sample", sample_id=sample_id))
        form.round_id.errors.append(str(outcome.error))
    return render_template("verification/new.html", form=form)


@bp.route("/<int:sample_id>")
@access(read=STAFF_ROLES)
def show_sample(sample_id: int):
    """One sample: how it was drawn, and its responses by sector."""
    sample = db.session.get(VerificationSample, sample_id) or abort(404)
    result, = round_results(db.session.connection(), sample.round_id, current_language(), _("No sector"),
                            sample_id=sample.id)
    return render_template("verification/show.html", sample=sample, action_form=ActionForm(), rows=result.sectors,
                           total=result.total, minimum=MIN_CHECKED)
