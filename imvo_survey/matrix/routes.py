"""The matrix page, the drill-down behind a cell, and the exports' downloads."""

from __future__ import annotations

import os
import shutil
import tempfile

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import roles
from ..analysis import Filters, build_matrix, year_over_year
from ..analysis.export_formats import write_export
from ..analysis.export_tables import ExportOptions
from ..analysis.filters import DEFAULT_THRESHOLD, FilterError
from ..analysis.matrix import TOTAL_KEY
from ..analysis.tables import cell_activities
from ..extensions import db
from ..i18n import current_language
from ..models import STAFF_ROLES, Aspect, Bottleneck, Dilemma, Response, Round
from ..models.response import bottleneck_aspect, dilemma_aspect
from ..risk.services import relevance_options
from ..rounds.services import get_round
from ..spreadsheets.writing import XLSX_MIMETYPE
from . import bp
from .forms import MatrixForm
from .view import activity_rows, cell_summary, column_views, row_views

FILTER_KEYS = ("audience", "kind", "size", "sector", "branch", "activity_type", "country", "product_group",
               "consented")
QUERY_KEYS = (*FILTER_KEYS, "rows", "columns", "measure", "lagging_measure", "threshold", "compare", "panel",
              "change_of", "sort")


@bp.route("/")
@roles(*STAFF_ROLES)
def index():
    """The newest round that has responses (or the newest round)."""
    rounds = db.session.scalars(select(Round).where(Round.status != "draft").order_by(*Round.newest_first())).all()
    with_responses = [r for r in rounds if db.session.scalar(select(Response.id).where(Response.round_id == r.id)
                                                             .limit(1))]
    chosen = (with_responses or rounds)
    if not chosen:
        return render_template("matrix/no_rounds.html")
    return redirect(url_for("matrix.page", slug=chosen[0].slug))


def read_options(round: Round):
    """The form and the analysis options from the query string. Values that do not fit
    (an unknown measure, a threshold over 100, a sector that does not exist) fall back
    to their defaults, with a message, rather than failing."""
    form = MatrixForm(request.args, round=round)
    if not form.validate():
        wrong = [field for field in form if field.errors]
        for field in wrong:
            field.data = field.default
            field.errors = []
        flash(_("These settings in the address were not valid and have been reset: %(fields)s.",
                fields=", ".join(str(field.label.text) for field in wrong)), "info")
    params = {key: "1" if form[key].data is True else form[key].data for key in FILTER_KEYS if form[key].data}
    params["round"] = str(round.id)
    filters = Filters.from_params(params)
    threshold = float(form.threshold.data) if form.threshold.data is not None else DEFAULT_THRESHOLD
    matrix_options = {"rows": form.rows.data or "sector", "columns": form.columns.data or "aspect",
                      "threshold": threshold, "lagging_measure": form.lagging_measure.data or "share",
                      **relevance_options(form.sort.data)}
    return form, filters, matrix_options


def page_query() -> dict[str, str]:
    """The matrix's own parameters of this request, for links that keep the view (never
    anything else from the address, which url_for would take as its own arguments)."""
    return {key: value for key, value in request.args.items() if key in QUERY_KEYS and value}


@bp.route("/<slug>")
@roles(*STAFF_ROLES)
def page(slug: str):
    """The matrix of a round, with the benchmark beside it."""
    round = get_round(slug)
    try:
        form, filters, options = read_options(round)
        conn = db.session.connection()
        measure = form.measure.data or "share"
        comparison = None
        if measure == "change" or form.compare.data or form.panel.data:
            comparison = year_over_year(conn, filters, compare_with=form.compare.data or None,
                                        panel=bool(form.panel.data), **options)
        matrix = comparison.new if comparison else build_matrix(conn, filters, **options)
    except FilterError as error:
        flash(str(error), "error")
        return redirect(url_for("matrix.page", slug=slug))
    if measure == "change" and comparison is None:
        flash(_("There is no round to compare with: choose one, or mark a round as the baseline."), "info")
        measure = "share"
    change_of = form.change_of.data or "share"
    change = comparison.change(change_of) if comparison else None
    return render_template(
        "matrix/page.html", round=round, form=form, matrix=matrix, measure=measure, comparison=comparison,
        change_of=change_of, columns=column_views(matrix), rows=row_views(matrix, measure, change, form.sort.data),
        query=page_query())


EXPORT_TYPES = {"xlsx": ("xlsx", XLSX_MIMETYPE),
                "csv": ("zip", "application/zip"), "json": ("json", "application/json"),
                "sav": ("sav", "application/x-spss-sav")}


@bp.route("/<slug>/export.<fmt>")
@roles(*STAFF_ROLES)
def export(slug: str, fmt: str):
    """The matrix with its filters and measure, and the tables behind it, as a download:
    XLSX, a ZIP of CSV files, JSON of the matrix, or SPSS of the long activity table."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    round = get_round(slug)
    extension, mimetype = EXPORT_TYPES[fmt]
    back = url_for("matrix.page", slug=slug, **page_query())
    try:
        form, filters, options = read_options(round)
    except FilterError as error:
        flash(str(error), "error")
        return redirect(back)
    measure = form.measure.data or "share"
    folder = tempfile.mkdtemp(prefix="imvo-export-")
    path = os.path.join(folder, f"export.{extension}")
    try:
        settings = ExportOptions(filters, measure=measure, compare=form.compare.data or None,
                                 panel=bool(form.panel.data), language=current_language(),
                                 change_of=form.change_of.data or "share", **options)
        write_export(db.session.connection(), settings, fmt, path,
                     separator="," if request.args.get("separator") == "comma" else ";")
        file = open(path, "rb")  # noqa: SIM115  (closed by the response)
    except FilterError as error:
        flash(_("There is no round to compare with: choose one, or mark a round as the baseline.")
              if measure == "change" or form.compare.data or form.panel.data else str(error), "error")
        return redirect(back)
    finally:
        # The open file stays readable after its name is gone (POSIX).
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(file, mimetype=mimetype, as_attachment=True,
                     download_name=f"imvo-{round.slug}-{measure}.{extension}")


@bp.route("/<slug>/cell")
@roles(*STAFF_ROLES)
def cell(slug: str):
    """The activities behind one cell, and the dilemmas and bottlenecks on that aspect."""
    round = get_round(slug)
    row, column = request.args.get("row", ""), request.args.get("column", "")
    try:
        _form, filters, options = read_options(round)
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
