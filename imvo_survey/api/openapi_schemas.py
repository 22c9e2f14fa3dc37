"""The response schemas of the OpenAPI document (`components.schemas`), by hand.

Every object lists all its properties and allows no others, so the document says
exactly what the API sends; figures that can be empty are nullable (null, never 0)."""

from __future__ import annotations

from ..analysis.filters import CHANGE_OF, COLUMNS, KINDS, LAGGING_MEASURES, MEASURES, ROWS, SIZES
from ..models import CARRY_STATUSES, LEVELS, ROUND_STATUSES, SAMPLE_METHODS


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional: tuple[str, ...] = (), nullable: bool = False, description: str = "") -> dict:
    """An object with exactly these properties, all required except `optional`."""
    schema = {"type": "object", "additionalProperties": False, "properties": properties,
              "required": [name for name in properties if name not in optional]}
    if nullable:
        schema["nullable"] = True
    if description:
        schema["description"] = description
    return schema


def string(nullable: bool = False, **extra) -> dict:
    return {"type": "string", **({"nullable": True} if nullable else {}), **extra}


def integer(nullable: bool = False, **extra) -> dict:
    return {"type": "integer", **({"nullable": True} if nullable else {}), **extra}


def number(nullable: bool = True, **extra) -> dict:
    return {"type": "number", **({"nullable": True} if nullable else {}), **extra}


def boolean(nullable: bool = False) -> dict:
    return {"type": "boolean", **({"nullable": True} if nullable else {})}


def codes() -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": "Reference codes."}


def listing(item: str, **extra) -> dict:
    return obj({**extra, "items": {"type": "array", "items": ref(item)}})


LABELS = {"label_nl": string(), "label_en": string()}

ROUND_REFERENCE = {"id": integer(), "slug": string(), "name": string(), "year": integer(),
                   "is_baseline": boolean()}

MATRIX_ROW = obj({
    "key": string(description="Sector or branch code, `sector|kind`, `_none` (no sector) or `_total`."),
    **LABELS,
    "targeted": integer(minimum=0), "responded": integer(minimum=0), "declined": integer(minimum=0),
    "response_rate": number(description="Responded of targeted, in %; null without targeted organisations."),
    "lagging": boolean(),
    "benchmark": obj({"total": number(), "chain": number(), "companies": number(), "listed": number(),
                      "year": integer(nullable=True), "level": string(nullable=True, enum=[*LEVELS, None])},
                     description="Transparantiebenchmark of the row's sector (rows by sector, or by sector and "
                                 "kind; in the totals the sectors counted once). Nulls for rows by branch, which "
                                 "can span several sectors."),
})

MATRIX_CELL = obj({
    "row": string(), "column": string(),
    "organisations": number(description="Organisations with an activity on the column; null in an empty row."),
    "activities": number(), "share": number(description="Organisations of the row's responding ones, in %."),
    "member_coverage": number(description="Members reached by associations and boards, in %."),
    "relevance": number(description="How much the row's imports come from chains where the aspect is at risk "
                                     "(0-1; set by hand where the secretariat did); 1 without a risk analysis."),
    "relevant": boolean(),  # relevance above the relevance threshold: only a relevant cell can lag
    "gap": number(description="Relevance times the uncovered part (0-1) of the lagging measure."),
    "lagging": boolean(),
    "change": number(description="Change since the comparison round of the share or the member coverage "
                                 "(`change_of`), in percentage points; only present when there is a comparison."),
    "value": number(description="The figure of the requested measure."),
}, optional=("change",))

MATRIX = obj({
    "round": ref("RoundReference"),
    "filters": {"type": "object", "additionalProperties": {"type": "string"},
                "description": "The filters applied, as strings."},
    "rows_by": string(enum=list(ROWS)), "columns_by": string(enum=list(COLUMNS)),
    "measure": string(enum=list(MEASURES)), "threshold": number(nullable=False),
    "lagging_measure": string(enum=list(LAGGING_MEASURES)),
    "relevance_threshold": number(nullable=False, description="An aspect is relevant above this relevance."),
    "sort": string(nullable=True, enum=["gap", None]),
    "comparison": obj({"round": ref("RoundReference"), "panel": boolean(),
                       "change_of": string(enum=list(CHANGE_OF))}, nullable=True),
    "columns": {"type": "array", "items": obj({"key": string(), **LABELS, "group": string(nullable=True)})},
    "rows": {"type": "array", "items": ref("MatrixRow")},
    "totals": ref("MatrixRow"),
    "cells": {"type": "array", "items": ref("MatrixCell")},
    "notes": obj({"associations_without_member_count": integer(minimum=0),
                  "activities_without_member_share": integer(minimum=0)}),
    "figures": {"type": "object", "description": "Every figure's names, unit, decimals and meaning, by code.",
                "additionalProperties": obj({"name_nl": string(), "name_en": string(), "unit": string(),
                                             "decimals": integer(minimum=0), "description_en": string()})},
})

RESPONDENT = obj({
    "id": integer(), "name": string(),
    "kind": string(nullable=True, enum=[*KINDS, None]), "size": string(nullable=True, enum=[*SIZES, None]),
    "sector": string(nullable=True), "branch": string(nullable=True),
}, description="The organisation, with its register data at submission (what the matrix groups by).")

ACTIVITY = obj({
    "id": integer(), "response_id": integer(), "organisation": ref("Respondent"), "position": integer(),
    "title": string(), "description": string(nullable=True), "activity_type": string(nullable=True),
    "aspects": codes(), "countries": codes(), "product_groups": codes(), "partners": codes(),
    "partners_other": string(nullable=True), "channels": codes(), "start_year": integer(nullable=True),
    "member_share": number(), "publish_consent": boolean(nullable=True),
    "carry_status": string(nullable=True, enum=[*CARRY_STATUSES, None]),
})

DILEMMA = obj({"id": integer(), "response_id": integer(), "organisation": ref("Respondent"), "position": integer(),
               "description": string(), "aspects": codes(), "countries": codes()})

BOTTLENECK = obj({"id": integer(), "response_id": integer(), "organisation": ref("Respondent"),
                  "position": integer(), "description": string(), "what_would_help": string(nullable=True),
                  "aspects": codes()})

BENCHMARK_SCORE = obj({
    "id": integer(), "source": string(), "year": integer(), "level": string(enum=list(LEVELS)),
    "sector": string(nullable=True, description="The sector; for an organisation, its sector in the register."),
    "organisation": obj({"id": integer(), "name": string(), "is_listed": boolean()}, nullable=True),
    "total_score": number(), "chain_score": number(), "company_count": integer(nullable=True),
    "listed_count": integer(nullable=True),
})


VERIFICATION_RESULT = obj({
    "sector": string(description="Sector code; `_none` for responses without a sector, `_total` for the sample."),
    "label": string(description="The sector's English label (`Total` for the sample)."),
    "confirmed": integer(minimum=0), "partly": integer(minimum=0), "not_confirmed": integer(minimum=0),
    "not_verifiable": integer(minimum=0),
    "verifiable": integer(minimum=0, description="Checked activities that count in the share (all but not "
                                                 "verifiable)."),
    "share_confirmed": number(description="Confirmed of the verifiable, in % (whole); null when none."),
    "interval_low": number(description="Lower bound of the 95 % Wilson interval, in % (whole); null where fewer "
                                       "than `minimum_checked` activities could be checked."),
    "interval_high": number(description="Upper bound of the same interval, in % (whole); null likewise."),
})

VERIFICATION_SAMPLE = obj({
    "id": integer(), "drawn_at": string(format="date-time"), "seed": integer(minimum=0),
    "method": string(enum=list(SAMPLE_METHODS)), "population": integer(minimum=0), "size": integer(minimum=0),
    "sectors": {"type": "array", "items": ref("VerificationResult")},
    "total": ref("VerificationResult"),
})


def schemas() -> dict:
    round_summary = obj({**ROUND_REFERENCE, "status": string(enum=list(ROUND_STATUSES)),
                         "opens_at": string(format="date-time"), "closes_at": string(format="date-time")})
    in_round = {"round": ref("Round"), "total": integer(minimum=0)}
    return {
        "Error": obj({"error": string()}),
        "Round": round_summary,
        "RoundReference": obj(ROUND_REFERENCE),
        "RoundList": listing("Round"),
        "MatrixRow": MATRIX_ROW,
        "MatrixCell": MATRIX_CELL,
        "Matrix": MATRIX,
        "Respondent": RESPONDENT,
        "Activity": ACTIVITY,
        "ActivityPage": listing("Activity", **in_round, page=integer(minimum=1), per_page=integer(minimum=1),
                                pages=integer(minimum=0)),
        "Dilemma": DILEMMA,
        "DilemmaList": listing("Dilemma", **in_round),
        "Bottleneck": BOTTLENECK,
        "BottleneckList": listing("Bottleneck", **in_round),
        "BenchmarkScore": BENCHMARK_SCORE,
        "BenchmarkList": listing("BenchmarkScore"),
        "VerificationResult": VERIFICATION_RESULT,
        "VerificationSample": VERIFICATION_SAMPLE,
        "VerificationPage": listing("VerificationSample", round=ref("Round"), total=integer(minimum=0),
                                    page=integer(minimum=1), per_page=integer(minimum=1), pages=integer(minimum=0),
                                    minimum_checked=integer(minimum=1)),
    }
