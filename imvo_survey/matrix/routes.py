"""The matrix page, the drill-down behind a cell, and the exports' downloads."""

from __future__ import annotations

import os
import shutil
import tempfile

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import roles, signed_in_user
from ..analysis import build_matrix, year_over_year
from ..analysis.filters import FilterError
from ..analysis.matrix import TOTAL_KEY
from ..analysis.tables import cell_activities
from ..extensions import db
from ..forms import ActionForm
from ..i18n import current_language
from ..models import STAFF_ROLES, Aspect, Bottleneck, Dilemma
from ..models.response import bottleneck_aspect, dilemma_aspect
from ..rounds.services import get_round
from . import bp
from .chart import coverage_chart
from .choosing import chooseable_rounds, latest_with_responses
from .exporting import (
    EXPORT_NAMES,
    EXPORT_TYPES,
    comparison_problem,
    download_name,
    export_settings,
    no_comparison,
    no_comparison_message,
    start_export,
    write,
)
from .options import QUERY_KEYS, page_query, read_options
from .view import activity_rows, cell_summary, column_views, row_views, with_aspects


@bp.route("/")
@roles(*STAFF_ROLES)
def index():
    """The latest round with submitted responses (or, while there is none, the newest round)."""
    chosen = latest_with_responses() or next(iter(chooseable_rounds()), None)
    if chosen is None:
        return render_template("matrix/no_rounds.html")
    return redirect(url_for("matrix.page", slug=chosen.slug))


@bp.route("/choose")
@roles(*STAFF_ROLES)
def choose():
    """The round chooser's target: the chosen round's matrix, in the same view."""
    round = get_round(request.args.get("round", ""))
    kept = {key: value for key, value in page_query().items() if key != "compare"}
    return redirect(url_for("matrix.page", slug=round.slug, **kept))


def _matrices(form, filters, options: dict, measure: str):
    """The matrix, and the comparison when the measure or the form asks for one."""
    conn = db.session.connection()
    comparison = None
    if measure == "change" or form.compare.data or form.panel.data:
        comparison = year_over_year(conn, filters, compare_with=form.compare.data or None,
                                    panel=bool(form.panel.data), **options)
    return (comparison.new if comparison else build_matrix(conn, filters, **options)), comparison


def _expanded(matrix, problems: list) -> list[str]:
    """The aspect groups asked to show their aspects (rows by group only)."""
    asked = request.args.getlist("expand")
    if matrix.columns_by != "aspect_group":
        return []
    known = [code for code in asked if code in matrix.column_labels.index]
    if len(known) < len(asked):
        problems.append(_("Unknown aspect group in the address, left out: %(codes)s.",
                          codes=", ".join(code for code in asked if code not in known)))
    return known


def _toggle_links(slug: str, matrix, expanded: list[str]) -> dict[str, str]:
    """Per group column: the address that shows (or hides) its aspects, the view kept."""
    links = {}
    for code in matrix.column_labels.index if matrix.columns_by == "aspect_group" else []:
        toggled = [other for other in expanded if other != code] + ([] if code in expanded else [code])
        links[code] = url_for("matrix.page", slug=slug, **page_query(), expand=toggled)
    return links


@bp.route("/<slug>")
@roles(*STAFF_ROLES)
def page(slug: str):
    """The matrix of a round, the benchmark beside it, and coverage against chain score."""
    round = get_round(slug)
    try:
        form, filters, options, problems = read_options(round)
        measure = form.measure.data or "share"
        matrix, comparison = _matrices(form, filters, options, measure)
        expanded = _expanded(matrix, problems)
        detail = _matrices(form, filters, {**options, "columns": "aspect"}, measure) if expanded else None
    except FilterError as error:
        flash(str(error), "error")
        return redirect(url_for("matrix.page", slug=slug))
    if measure == "change" and comparison is None:
        problems.append(_("There is no round to compare with: choose one, or mark a round as the baseline."))
        measure = "share"
    change_of = form.change_of.data or "share"
    rows = row_views(matrix, measure, comparison.change(change_of) if comparison else None, form.sort.data)
    columns = column_views(matrix)
    if detail is not None:
        aspects, aspect_comparison = detail
        aspect_rows = row_views(aspects, measure, aspect_comparison.change(change_of) if aspect_comparison else None)
        columns = with_aspects(columns, rows, column_views(aspects), aspect_rows, set(expanded))
    latest = latest_with_responses()
    return render_template(
        "matrix/page.html", round=round, form=form, matrix=matrix, measure=measure, comparison=comparison,
        change_of=change_of, columns=columns, rows=rows, query=page_query(), problems=problems,
        rounds=chooseable_rounds(), is_latest=latest is not None and latest.id == round.id,
        toggle_links=_toggle_links(slug, matrix, expanded), chart=coverage_chart(matrix),
        export_names=EXPORT_NAMES, export_form=ActionForm())


@bp.route("/<slug>/export.<fmt>", methods=["GET", "POST"])
@roles(*STAFF_ROLES)
def export(slug: str, fmt: str):
    """The matrix with its filters and measure, and the tables behind it, as a download:
    XLSX, a ZIP of CSV files, JSON of the matrix, or SPSS of the long activity table,
    with the round's verification results (staff read them, as on the sample pages).

    A filtered matrix is written at once. A whole round's export is a background job:
    the form's POST starts it and shows its page; a GET (a bookmarked link) shows the
    button that starts it, since a GET changes nothing."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    round = get_round(slug)
    args = request.form if request.method == "POST" else request.args
    query = {key: value for key, value in args.items() if key in (*QUERY_KEYS, "separator") and value}
    back = url_for("matrix.page", slug=slug, **query)
    try:
        settings = export_settings(round, args, current_language())
    except FilterError as error:
        flash(str(error), "error")
        return redirect(back)
    separator = "," if args.get("separator") == "comma" else ";"
    if no_comparison(round, settings):
        flash(no_comparison_message(), "error")
        return redirect(back)
    if settings.filters.whole_round:
        if request.method == "GET":
            return render_template("matrix/export_start.html", round=round, fmt=fmt, query=query,
                                   name=EXPORT_NAMES[fmt], form=ActionForm())
        job = start_export(round, fmt, query, separator, signed_in_user())
        return redirect(url_for("jobs.show_job", job_id=job.id))
    folder = tempfile.mkdtemp(prefix="imvo-export-")
    path = os.path.join(folder, "export")
    try:
        write(settings, fmt, path, separator)
        file = open(path, "rb")  # noqa: SIM115  (closed by the response)
    except FilterError as error:
        flash(comparison_problem(settings, error), "error")
        return redirect(back)
    finally:
        # The open file stays readable after its name is gone (POSIX).
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(file, mimetype=EXPORT_TYPES[fmt][1], as_attachment=True,
                     download_name=download_name(round, settings, fmt))


@bp.route("/<slug>/cell")
@roles(*STAFF_ROLES)
def cell(slug: str):
    """The activities behind one cell, and the dilemmas and bottlenecks on that aspect."""
    round = get_round(slug)
    row, column = request.args.get("row", ""), request.args.get("column", "")
    try:
        _form, filters, options, _problems = read_options(round)
        conn = db.session.connection()
        matrix = build_matrix(conn, filters, **options)
    except FilterError as error:
        flash(str(error), "error")
        return redirect(url_for("matrix.page", slug=slug))
    if row not in matrix.rows.index or column not in matrix.column_labels.index:
        abort(404)
    language = current_language()
    activities = cell_activities(conn, matrix, row, column, language)
    aspect_codes = [column] if options["columns"] == "aspect" else list(
        db.session.scalars(select(Aspect.code).where(Aspect.group.has(code=column))))
    response_ids = _row_responses(matrix, row)
    return render_template(
        "matrix/cell.html", round=round, row=row, column=column, summary=cell_summary(matrix, row, column),
        activities=activity_rows(activities),
        dilemmas=_by_aspect(Dilemma, dilemma_aspect, "dilemma_id", aspect_codes, response_ids),
        bottlenecks=_by_aspect(Bottleneck, bottleneck_aspect, "bottleneck_id", aspect_codes, response_ids),
        query=page_query())


def _row_responses(matrix, row: str) -> list[int]:
    organisations = matrix.organisations[matrix.organisations["responded"]]
    if row != TOTAL_KEY:
        organisations = organisations[organisations["row"] == row]
    return [int(value) for value in organisations["response_id"].dropna()]


def _by_aspect(model, link, key: str, aspect_codes: list[str], response_ids: list[int]):
    """Dilemmas or bottlenecks of the row's responses that touch the aspect(s)."""
    aspect_ids = select(Aspect.id).where(Aspect.code.in_(aspect_codes))
    ids = select(getattr(link.c, key)).where(link.c.aspect_id.in_(aspect_ids))
    return db.session.scalars(select(model).where(model.id.in_(ids), model.response_id.in_(response_ids or [-1]))
                              .order_by(model.response_id, model.position)).all()
