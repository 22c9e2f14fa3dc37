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
from ..models import STAFF_ROLES, Aspect, Bottleneck, Dilemma, Round
from ..models.response import bottleneck_aspect, dilemma_aspect
from ..risk.services import relevance_options
from ..rounds.services import get_round
from ..spreadsheets.writing import XLSX_MIMETYPE
from . import bp
from .chart import coverage_chart
from .choosing import chooseable_rounds, latest_with_responses
from .forms import MatrixForm
from .view import activity_rows, cell_summary, column_views, row_views, with_aspects

FILTER_KEYS = ("audience", "kind", "size", "sector", "branch", "activity_type", "country", "product_group",
               "consented", "evidence")
QUERY_KEYS = (*FILTER_KEYS, "rows", "columns", "measure", "lagging_measure", "threshold", "compare", "panel",
              "change_of", "sort")
#: Parameters of the page besides the form's: the aspect groups shown with their aspects.
PAGE_KEYS = ("expand",)


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


def read_options(round: Round):
    """The form, the analysis options and what was wrong in the address. A value that
    does not fit (an unknown measure, a threshold over 100, a sector that does not
    exist) falls back to its default, and the page says so beside the field and above
    the table, naming the value; parameters the page does not know are named too."""
    form = MatrixForm(request.args, round=round)
    problems = []
    if not form.validate():
        for field in (field for field in form if field.errors):
            given = request.args.get(field.name, "")
            message = (_("%(value)s is not one of the choices; the default is shown.", value=given)
                       if field.type == "SelectField" else "; ".join(str(error) for error in field.errors))
            field.data, field.errors = field.default, [message]
            problems.append(f"{field.label.text}: {message}")
    unknown = sorted(set(request.args) - set(QUERY_KEYS) - set(PAGE_KEYS))
    if unknown:
        problems.append(_("The address has settings the matrix does not know, which are left out: %(names)s.",
                          names=", ".join(unknown)))
    params = {key: "1" if form[key].data is True else form[key].data for key in FILTER_KEYS if form[key].data}
    params["round"] = str(round.id)
    filters = Filters.from_params(params)
    threshold = float(form.threshold.data) if form.threshold.data is not None else DEFAULT_THRESHOLD
    matrix_options = {"rows": form.rows.data or "sector", "columns": form.columns.data or "aspect",
                      "threshold": threshold, "lagging_measure": form.lagging_measure.data or "share",
                      **relevance_options(form.sort.data)}
    return form, filters, matrix_options, problems


def page_query() -> dict[str, str]:
    """The matrix's own parameters of this request, for links that keep the view (never
    anything else from the address, which url_for would take as its own arguments)."""
    return {key: value for key, value in request.args.items() if key in QUERY_KEYS and value}


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
        toggle_links=_toggle_links(slug, matrix, expanded), chart=coverage_chart(matrix))


EXPORT_TYPES = {"xlsx": ("xlsx", XLSX_MIMETYPE),
                "csv": ("zip", "application/zip"), "json": ("json", "application/json"),
                "sav": ("sav", "application/x-spss-sav")}


@bp.route("/<slug>/export.<fmt>")
@roles(*STAFF_ROLES)
def export(slug: str, fmt: str):
    """The matrix with its filters and measure, and the tables behind it, as a download:
    XLSX, a ZIP of CSV files, JSON of the matrix, or SPSS of the long activity table,
    with the round's verification results (staff read them, as on the sample pages)."""
    if fmt not in EXPORT_TYPES:
        abort(404)
    round = get_round(slug)
    extension, mimetype = EXPORT_TYPES[fmt]
    back = url_for("matrix.page", slug=slug, **page_query())
    try:
        form, filters, options, _problems = read_options(round)
    except FilterError as error:
        flash(str(error), "error")
        return redirect(back)
    measure = form.measure.data or "share"
    folder = tempfile.mkdtemp(prefix="imvo-export-")
    path = os.path.join(folder, f"export.{extension}")
    try:
        settings = ExportOptions(filters, measure=measure, compare=form.compare.data or None,
                                 panel=bool(form.panel.data), language=current_language(),
                                 change_of=form.change_of.data or "share",
                                 verification=True, **options)
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
