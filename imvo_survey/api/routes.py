"""The API's operations. Each reads its parameters (unknown ones refused), calls the
analysis module or the models, and returns JSON; `openapi.py` documents each one."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import current_app, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from ..access import public
from ..analysis import build_matrix, year_over_year
from ..analysis.export_verification import sample_document
from ..analysis.filters import CHANGE_OF, COLUMNS, DEFAULT_THRESHOLD, LAGGING_MEASURES, MEASURES, ROWS, FilterError
from ..analysis.matrix import SORTS
from ..analysis.verification import MIN_CHECKED, round_results
from ..extensions import db
from ..models import LEVELS, BenchmarkScore, Organisation, Round, Sector
from ..risk.services import relevance_options
from . import bp, inventory, params, serialise
from .auth import ApiError, register_error_handlers, token_required
from .openapi import build_document

register_error_handlers(bp)

MATRIX_PARAMETERS = (*params.FILTER_KEYS, "rows", "columns", "measure", "threshold", "lagging_measure", "compare",
                     "panel", "change_of", "sort")


@bp.before_request
def refuse_nul_characters():
    """No database takes a NUL character in a text: refuse it before it gets that far.
    The web pages drop it as they parse (`request_class`); the API reads the query as
    sent, so that a program hears it sent one."""
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.query_string.replace(b"+", b" ")):
        raise ApiError(400, "Parameters may not contain NUL characters.")


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI document of this API (public: it describes, it holds no data)."""
    return jsonify(build_document())


@bp.get("/rounds")
@token_required
def list_rounds():
    """Every round, newest first."""
    params.check_known(request.args, ())
    rounds = db.session.scalars(select(Round).order_by(*Round.newest_first()))
    return jsonify(items=[serialise.round_summary(round) for round in rounds])


@bp.get("/rounds/<reference>")
@token_required
def show_round(reference: str):
    """One round, by id or slug."""
    params.check_known(request.args, ())
    return jsonify(serialise.round_summary(params.find_round(reference)))


@bp.get("/rounds/<reference>/matrix")
@token_required
def matrix(reference: str):
    """The coverage matrix with the filters, rows, columns and measures of the matrix page."""
    round = params.find_round(reference)
    args = request.args
    params.check_known(args, MATRIX_PARAMETERS)
    filters = params.read_filters(args, round)
    options = {"rows": params.choice(args, "rows", ROWS, "sector"),
               "columns": params.choice(args, "columns", COLUMNS, "aspect"),
               "threshold": params.number(args, "threshold", DEFAULT_THRESHOLD, 0.0, 100.0),
               "lagging_measure": params.choice(args, "lagging_measure", LAGGING_MEASURES, "share"),
               **relevance_options(params.choice(args, "sort", SORTS, ""))}
    measure = params.choice(args, "measure", MEASURES, "share")
    change_of = params.choice(args, "change_of", CHANGE_OF, "share")
    panel = params.boolean(args, "panel")
    compare = _comparison_round(args.get("compare"))
    conn = db.session.connection()
    comparison = None
    try:
        if measure == "change" or compare is not None or panel:
            comparison = year_over_year(conn, filters, compare_with=compare.id if compare else None, panel=panel,
                                        **options)
            if comparison is None:
                raise ApiError(400, "There is no round to compare with: give compare, or mark a round as "
                                    "the baseline.")
        result = comparison.new if comparison else build_matrix(conn, filters, **options)
    except FilterError as error:
        raise ApiError(400, str(error)) from None
    return jsonify(serialise.matrix_document(result, measure, comparison, change_of, options["sort"]))


def _comparison_round(reference: str | None) -> Round | None:
    if not reference:
        return None
    round = params.round_by_reference(reference)
    if round is None:
        raise ApiError(400, f"No round {reference!r} to compare with.")
    return round


@bp.get("/rounds/<reference>/activities")
@token_required
def activities(reference: str):
    """The counted activities of a round, a page at a time; `row` and `aspect` narrow
    them to one cell of the matrix."""
    round = params.find_round(reference)
    args = request.args
    params.check_known(args, (*params.FILTER_KEYS, "rows", "row", "aspect", "page", "per_page"))
    filters = params.read_filters(args, round)
    aspect = args.get("aspect") or None
    params.check_code("aspect", aspect)
    page = params.integer(args, "page", 1, minimum=1)
    per_page = params.integer(args, "per_page", inventory.DEFAULT_PER_PAGE, minimum=1,
                              maximum=inventory.MAX_PER_PAGE)
    rows = params.choice(args, "rows", ROWS, "sector")
    try:
        response_ids = inventory.response_ids(db.session.connection(), filters, rows, args.get("row") or None)
        total, items = inventory.activity_page(db.session.connection(), filters, response_ids, aspect, page,
                                               per_page)
    except FilterError as error:
        raise ApiError(400, str(error)) from None
    return jsonify(round=serialise.round_summary(round), page=page, per_page=per_page, total=total,
                   pages=-(-total // per_page), items=[serialise.activity(item) for item in items])


def _organisation_level(reference: str, kind: str):
    round = params.find_round(reference)
    args = request.args
    params.check_known(args, (*params.ORGANISATION_FILTER_KEYS, "aspect"))
    filters = params.read_filters(args, round, params.ORGANISATION_FILTER_KEYS)
    aspect = args.get("aspect") or None
    params.check_code("aspect", aspect)
    response_ids = inventory.response_ids(db.session.connection(), filters)
    items = inventory.entries(kind, response_ids, aspect)
    serialiser = serialise.dilemma if kind == "dilemma" else serialise.bottleneck
    return jsonify(round=serialise.round_summary(round), total=len(items), items=[serialiser(i) for i in items])


@bp.get("/rounds/<reference>/dilemmas")
@token_required
def dilemmas(reference: str):
    """The dilemmas of the round's counted responses, optionally on one aspect."""
    return _organisation_level(reference, "dilemma")


@bp.get("/rounds/<reference>/bottlenecks")
@token_required
def bottlenecks(reference: str):
    """The bottlenecks of the round's counted responses, optionally on one aspect."""
    return _organisation_level(reference, "bottleneck")


@bp.get("/rounds/<reference>/verification")
@token_required
def verification(reference: str):
    """The round's verification samples, oldest first, a page at a time: per sample and
    sector the checks' outcomes, the share confirmed and its 95 % Wilson interval. Any
    staff token, as the sample pages are staff's to read (the results name no organisation)."""
    round = params.find_round(reference)
    args = request.args
    params.check_known(args, ("page", "per_page"))
    page = params.integer(args, "page", 1, minimum=1)
    per_page = params.integer(args, "per_page", inventory.DEFAULT_PER_PAGE, minimum=1,
                              maximum=inventory.MAX_PER_PAGE)
    # A round has a handful of samples: all are computed and the page cut here.
    samples = round_results(db.session.connection(), round.id, "en", "No sector", "Total")
    offset = (page - 1) * per_page
    return jsonify(round=serialise.round_summary(round), page=page, per_page=per_page, total=len(samples),
                   pages=-(-len(samples) // per_page), minimum_checked=MIN_CHECKED,
                   items=[sample_document(sample) for sample in samples[offset:offset + per_page]])


@bp.get("/benchmark")
@token_required
def benchmark():
    """Transparantiebenchmark scores, by sector or organisation, as imported."""
    args = request.args
    params.check_known(args, ("year", "sector", "level"))
    year = params.integer(args, "year", minimum=1990, maximum=2100)
    sector = args.get("sector") or None
    params.check_code("sector", sector)
    level = params.choice(args, "level", ("", *LEVELS), "") or None
    query = (select(BenchmarkScore).outerjoin(Organisation, Organisation.id == BenchmarkScore.organisation_id)
             .outerjoin(Sector, Sector.id == BenchmarkScore.sector_id)
             .order_by(BenchmarkScore.year.desc(), BenchmarkScore.level.desc(), Sector.position, Organisation.name,
                       BenchmarkScore.id))
    if year is not None:
        query = query.where(BenchmarkScore.year == year)
    if level is not None:
        query = query.where(BenchmarkScore.level == level)
    if sector is not None:
        sector_id = select(Sector.id).where(Sector.code == sector).scalar_subquery()
        query = query.where((BenchmarkScore.sector_id == sector_id) | (Organisation.sector_id == sector_id))
    return jsonify(items=[serialise.benchmark_score(score) for score in db.session.scalars(query)])


@bp.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def not_found(path: str):
    """Anything else under /api/v1: a JSON 404 (or 405 for a path that exists), not the
    site's HTML page. Public: there is nothing to protect in saying "not found"."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _arguments = adapter.match(request.path, method="GET")
    except (NotFound, MethodNotAllowed):
        endpoint = None
    if endpoint is not None and endpoint != request.endpoint and request.method != "GET":
        raise ApiError(405, "The API only reads: use GET.", {"Allow": "GET, HEAD, OPTIONS"})
    raise ApiError(404, "There is no such API operation.")
