"""The OpenAPI 3.0.3 document of the API, written by hand as a dict.

Served at /api/v1/openapi.json. The codes a filter takes (sectors, aspects, ...) are read
from the reference tables when the document is asked for, so the document lists exactly
the values the API accepts. tests/api/test_openapi.py runs schemathesis against it."""

from __future__ import annotations

from ..analysis import measures
from ..analysis.filters import (
    AUDIENCES,
    CHANGE_OF,
    COLUMNS,
    EVIDENCE_LEVELS,
    KINDS,
    LAGGING_MEASURES,
    MEASURES,
    ROWS,
    SIZES,
)
from ..analysis.matrix import SORTS
from ..models import LEVELS, ActivityType, Aspect, Branch, Country, ProductGroup, Sector
from ..whole_numbers import MAX_INT
from . import params
from .inventory import DEFAULT_PER_PAGE, MAX_PER_PAGE
from .openapi_schemas import ref, schemas

DESCRIPTION = (
    "Read-only access for analysts to the IMVO inventory: rounds, the coverage matrix (sectors or branches "
    "by IMVO aspects) with the filters and measures of the matrix page, the activities, dilemmas and "
    "bottlenecks behind it, the Transparantiebenchmark scores, and the verification "
    "samples' results with their 95 % confidence intervals.\n\n"
    "Authenticate with a personal API token (made on the page 'API tokens' of your account): "
    "`Authorization: Bearer imvo_...`. Empty figures are null, never 0. Codes are the stable reference "
    "codes (sectors, aspects, countries ...). Errors are `{\"error\": \"...\"}`.\n\n"
    "The matrix's figures carry the names of the matrix page and the exports and are rounded as there "
    "(half away from zero): " + "; ".join(
        f"`{code}` {figure.name[1]} ({figure.name[0]}), {figure.decimals} decimals"
        for code, figure in measures.FIGURES.items()) + ". The matrix document's `figures` repeats them.")
SECURED = [{"bearerAuth": []}]


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _parameters() -> dict:
    """Every parameter, under its own name (`#/components/parameters/<name>`)."""
    reference = {name: _enum(params.codes(model)) for name, model in (
        ("sector", Sector), ("branch", Branch), ("activity_type", ActivityType), ("country", Country),
        ("product_group", ProductGroup), ("aspect", Aspect))}
    return {
        "round": {"name": "round", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1},
                  "description": "The round's id or slug (imvo-2010)."},
        "audience": _query("audience", _enum(AUDIENCES), "Associations and boards, companies, or both (default)."),
        "kind": _query("kind", _enum(KINDS), "Kind of organisation."),
        "size": _query("size", _enum(SIZES), "Company size."),
        "sector": _query("sector", reference["sector"], "Sector (of the organisation at submission)."),
        "branch": _query("branch", reference["branch"], "Branch (of the organisation at submission)."),
        "activity_type": _query("activity_type", reference["activity_type"], "Kind of activity."),
        "country": _query("country", reference["country"], "Country, or region with its countries."),
        "product_group": _query("product_group", reference["product_group"], "Product group."),
        "consented": _query("consented", {"type": "boolean"}, "Only activities that may be published."),
        "evidence": _query("evidence", _enum(EVIDENCE_LEVELS),
                           "The lowest evidence level counted: stated (every answered activity, the default), "
                           "documented (evidence uploaded for a verification sample) or verified (confirmed in "
                           "a sample's check)."),
        "rows": _query("rows", _enum(ROWS), "What the rows are (default sector)."),
        "columns": _query("columns", _enum(COLUMNS), "What the columns are (default aspect)."),
        "measure": _query("measure", _enum(MEASURES),
                          "The figure in each cell's `value` (default share; change needs a comparison round)."),
        "threshold": _query("threshold", {"type": "number", "minimum": 0, "maximum": 100},
                            "A cell lags below this percentage (default 25)."),
        "lagging_measure": _query("lagging_measure", _enum(LAGGING_MEASURES),
                                  "The figure that decides lagging (default share)."),
        "compare": _query("compare", {"type": "string"},
                          "Round (id or slug) to compare with; default the baseline."),
        "panel": _query("panel", {"type": "boolean"},
                        "Compare only organisations that responded in both rounds."),
        "change_of": _query("change_of", _enum(CHANGE_OF),
                            "What each cell's `change` is the change of: the share of organisations (default) or "
                            "the member coverage; in percentage points either way."),
        "sort": _query("sort", _enum(SORTS[1:]),
                       "gap: the rows, and the cells, with the largest gap first (gap = relevance x "
                       "(1 - coverage)); default the reference list's order."),
        "row": _query("row", {"type": "string"}, "One row of the matrix (a key of `rows`, or `_total`)."),
        "aspect": _query("aspect", reference["aspect"], "Only those on this IMVO aspect."),
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_INT}, "Page number (default 1)."),
        "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                           f"Activities per page (default {DEFAULT_PER_PAGE})."),
        "samples_per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                                   f"Samples per page (default {DEFAULT_PER_PAGE})."),
        "year": _query("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, "Benchmark year."),
        "benchmark_sector": _query("sector", reference["sector"],
                                   "Sector (an organisation's scores count in its register sector)."),
        "level": _query("level", _enum(LEVELS), "Sector rows or organisation rows."),
    }


def _responses() -> dict:
    def error(description: str, **extra) -> dict:
        return {"description": description, "content": {"application/json": {"schema": ref("Error")}}, **extra}

    return {
        "BadRequest": error("A parameter is unknown or has a value that is not allowed."),
        "Unauthorized": error("No token, or an unknown or revoked token, or a deactivated account.",
                              headers={"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}),
        "Forbidden": error("The account has no access to the API."),
        "NotFound": error("There is no such round."),
    }


def _operation(operation_id: str, summary: str, schema: str, parameters: list[str], in_round: bool) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}},
                 "401": {"$ref": "#/components/responses/Unauthorized"},
                 "403": {"$ref": "#/components/responses/Forbidden"}}
    if parameters or in_round:
        responses["400"] = {"$ref": "#/components/responses/BadRequest"}
    if in_round:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    names = (["round"] if in_round else []) + parameters
    return {"get": {"operationId": operation_id, "summary": summary, "security": SECURED,
                    "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in names],
                    "responses": responses}}


FILTERS = ["audience", "kind", "size", "sector", "branch", "activity_type", "country", "product_group", "consented",
           "evidence"]


def _paths() -> dict:
    organisation_filters = ["audience", "kind", "size", "sector", "branch", "aspect"]
    return {
        "/rounds": _operation("listRounds", "All rounds, newest first", "RoundList", [], False),
        "/rounds/{round}": _operation("getRound", "One round", "Round", [], True),
        "/rounds/{round}/matrix": _operation(
            "getMatrix", "The coverage matrix of a round", "Matrix",
            FILTERS + ["rows", "columns", "measure", "threshold", "lagging_measure", "compare", "panel",
                       "change_of", "sort"], True),
        "/rounds/{round}/activities": _operation(
            "listActivities", "The counted activities of a round, a page at a time", "ActivityPage",
            FILTERS + ["rows", "row", "aspect", "page", "per_page"], True),
        "/rounds/{round}/dilemmas": _operation("listDilemmas", "The dilemmas of a round", "DilemmaList",
                                               organisation_filters, True),
        "/rounds/{round}/bottlenecks": _operation("listBottlenecks", "The bottlenecks of a round",
                                                  "BottleneckList", organisation_filters, True),
        "/rounds/{round}/verification": _operation(
            "listVerificationResults", "The verification samples of a round with their results",
            "VerificationPage", ["page", "samples_per_page"], True),
        "/benchmark": _operation("listBenchmarkScores", "Transparantiebenchmark scores", "BenchmarkList",
                                 ["year", "benchmark_sector", "level"], False),
        "/openapi.json": {"get": {
            "operationId": "getOpenApiDocument", "summary": "This document (no token needed)", "security": [],
            "responses": {"200": {"description": "The OpenAPI document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }


def build_document() -> dict:
    """The whole document; the server URL is relative, so it holds wherever the app runs."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "IMVO inventory API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": SECURED,
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal API token (imvo_...)."}},
            "parameters": _parameters(),
            "responses": _responses(),
            "schemas": schemas(),
        },
    }
