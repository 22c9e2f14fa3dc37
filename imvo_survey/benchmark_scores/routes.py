"""Benchmark scores by year, with totals computed from the rows themselves."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import roles
from ..analysis.benchmark import organisation_figures
from ..extensions import db
from ..forms import ActionForm
from ..models import STAFF_ROLES, BenchmarkImport, BenchmarkScore, Sector
from ..whole_numbers import query_int
from . import bp
from .forms import BenchmarkScoreForm
from .reconcile import describe


def sector_totals(rows: list[BenchmarkScore]) -> dict:
    """Summed companies and listed companies, and company-weighted mean scores.

    Computed from the rows, never copied from a printed total, so that a table whose
    printed "Gemiddeld" disagrees with its rows shows the difference."""
    counted = [r for r in rows if r.company_count]
    companies = sum(r.company_count for r in counted)
    listed = sum(r.listed_count or 0 for r in counted)

    def weighted(attribute: str) -> float | None:
        scored = [r for r in counted if getattr(r, attribute) is not None]
        weight = sum(r.company_count for r in scored)
        return sum(getattr(r, attribute) * r.company_count for r in scored) / weight if weight else None

    return {"companies": companies, "listed": listed, "total_score": weighted("total_score"),
            "chain_score": weighted("chain_score")}


def totals_by_source(rows: list[BenchmarkScore]) -> dict[str, dict]:
    """`sector_totals` per source, in the rows' order: two benchmarks are never added up."""
    sources = list(dict.fromkeys(row.source for row in rows))
    return {source: sector_totals([row for row in rows if row.source == source]) for source in sources}


@bp.route("/")
@roles(*STAFF_ROLES)
def list_scores():
    """The scores of one year (the newest by default), the imports of that year with their
    warnings, and the sector figures from organisations' scores beside the sector rows."""
    years = sorted(set(db.session.scalars(select(BenchmarkScore.year).distinct()))
                   | set(db.session.scalars(select(BenchmarkImport.year).distinct())), reverse=True)
    year = query_int("year") or (years[0] if years else None)
    sector_rows = db.session.scalars(
        select(BenchmarkScore).join(Sector).where(BenchmarkScore.year == year, BenchmarkScore.level == "sector")
        .order_by(BenchmarkScore.source, Sector.position)).all()
    organisation_rows = db.session.scalars(
        select(BenchmarkScore).where(BenchmarkScore.year == year, BenchmarkScore.level == "organisation")
        .order_by(BenchmarkScore.source, BenchmarkScore.id)).all()
    imports = db.session.scalars(select(BenchmarkImport).where(BenchmarkImport.year == year)
                                 .order_by(BenchmarkImport.created_at.desc(), BenchmarkImport.id.desc())).all()
    figures = organisation_figures(db.session.connection(), year) if year is not None else None
    sectors = {sector.code: sector for sector in db.session.scalars(select(Sector))}
    return render_template("benchmark_scores/list.html", years=years, year=year, sector_rows=sector_rows,
                           organisation_rows=organisation_rows, totals=totals_by_source(sector_rows),
                           action_form=ActionForm(), imports=imports, describe=describe,
                           figures=figures or [], sectors=sectors)


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create_score():
    """Add a score."""
    form = BenchmarkScoreForm()
    if form.validate_on_submit():
        score = BenchmarkScore()
        _fill(score, form)
        db.session.add(score)
        db.session.commit()
        flash(_("The score has been saved."), "success")
        return redirect(url_for("benchmarks.list_scores", year=score.year))
    return render_template("benchmark_scores/form.html", form=form, score=None)


@bp.route("/<int:score_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_score(score_id: int):
    """Correct a score."""
    score = db.session.get(BenchmarkScore, score_id) or abort(404)
    form = BenchmarkScoreForm(obj=score, score=score)
    if form.validate_on_submit():
        _fill(score, form)
        db.session.commit()
        flash(_("The score has been saved."), "success")
        return redirect(url_for("benchmarks.list_scores", year=score.year))
    return render_template("benchmark_scores/form.html", form=form, score=score)


@bp.route("/<int:score_id>/delete", methods=["POST"])
@roles("secretariat")
def delete_score(score_id: int):
    """Remove a score."""
    score = db.session.get(BenchmarkScore, score_id) or abort(404)
    if ActionForm().validate_on_submit():
        db.session.delete(score)
        db.session.commit()
        flash(_("The score has been removed."), "success")
    return redirect(url_for("benchmarks.list_scores", year=score.year))


def _fill(score: BenchmarkScore, form: BenchmarkScoreForm) -> None:
    for name in ("source", "year", "level", "total_score", "chain_score", "company_count", "listed_count"):
        setattr(score, name, getattr(form, name).data)
    score.sector_id = form.sector_id.data if form.level.data == "sector" else None
    score.organisation_id = form.organisation_id.data if form.level.data == "organisation" else None
