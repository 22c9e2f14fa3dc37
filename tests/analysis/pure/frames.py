"""Building `MatrixFrames` by hand, as `load_matrix` would read them: the food round of
tests/analysis/conftest.py (also per aspect group, and as the filters would load it), and
the two rounds of the year-over-year tests. tests/analysis/test_loading.py checks that
`load_matrix` reads these same frames from the database."""

from __future__ import annotations

import pandas as pd

from imvo_survey.analysis import Filters, MatrixFrames
from imvo_survey.analysis.benchmark import COLUMNS as BENCHMARK_COLUMNS
from imvo_survey.analysis.queries import ASSOCIATION_KINDS, RoundInfo

ORGANISATION_COLUMNS = ["organisation_id", "name", "audience", "status", "response_id", "responded", "kind", "size",
                        "sector", "branch", "members", "is_listed"]


def reference(codes: dict[str, tuple[str, str]], groups: dict[str, str] | None = None) -> pd.DataFrame:
    """A reference list: code -> (Dutch, English), in this order."""
    frame = pd.DataFrame({"label_nl": [nl for nl, _ in codes.values()], "label_en": [en for _, en in codes.values()],
                          "position": range(1, len(codes) + 1),
                          "group": [(groups or {}).get(code) for code in codes]}, index=pd.Index(list(codes)))
    frame.index.name = "code"
    return frame


SECTORS = reference({"banken": ("Banken", "Banks"), "energie": ("Energie", "Energy"),
                     "voedsel_drank": ("Voedsel en drank", "Food and beverages"),
                     "retail_food": ("Retail food", "Food retail")})
BRANCHES = reference({"wholesale_retail": ("Groot- en detailhandel", "Wholesale and retail")})
ASPECTS = reference({"child_labour": ("Kinderarbeid", "Child labour"), "wages": ("Leefbaar loon", "Living wage"),
                     "climate": ("Klimaat", "Climate"), "water": ("Water", "Water")},
                    {"child_labour": "labour", "wages": "labour", "climate": "environment", "water": "environment"})
ASPECT_GROUPS = reference({"labour": ("Arbeidsomstandigheden", "Labour conditions"),
                           "environment": ("Milieu", "Environment")})


def organisation(number, name, kind, sector, status, responded, members=None, branch=None) -> dict:
    """One targeted organisation; its response id is its number when it responded."""
    return {"organisation_id": number, "name": name, "audience": "company" if kind == "company" else "association",
            "status": status, "response_id": number if responded else None, "responded": responded, "kind": kind,
            "size": "mkb" if kind == "company" else None, "sector": sector, "branch": branch, "members": members,
            "is_listed": False}


def organisations(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=ORGANISATION_COLUMNS)
    frame["responded"] = frame["responded"].astype(bool)
    frame["declined"] = frame["status"] == "declined"
    frame["association"] = frame["kind"].isin(ASSOCIATION_KINDS)
    return frame


def counts(rows: list[tuple]) -> pd.DataFrame:
    """(response_id, column, activities, max_share, missing_share) rows."""
    frame = pd.DataFrame.from_records(rows, columns=["response_id", "column", "activities", "max_share",
                                                     "missing_share"])
    return frame.astype({"response_id": "int64", "column": "object", "activities": "int64", "max_share": "float64",
                         "missing_share": "int64"})


def benchmark(rows: dict[str, list] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows or {}, orient="index", columns=BENCHMARK_COLUMNS)
    frame.index.name = "sector"
    return frame


def matrix_frames(organisation_rows, count_rows, without_share=None, benchmark_rows=None, round_id=1,
                  year=2010, columns=ASPECTS, columns_by="aspect") -> MatrixFrames:
    round = RoundInfo(round_id, f"ronde-{round_id}", f"Ronde {round_id}", year, False, (1,))
    return MatrixFrames(round=round, filters=Filters(round=round_id), columns_by=columns_by,
                        organisations=organisations(organisation_rows), counts=counts(count_rows),
                        without_share=pd.Series(without_share or {}, dtype="int64"), columns=columns,
                        sectors=SECTORS, branches=BRANCHES, benchmark=benchmark(benchmark_rows))


FOOD = "voedsel_drank"

#: The food round's organisations, by name.
FOOD_ORGANISATIONS = {
    "A": organisation(1, "A", "branch_association", FOOD, "submitted", True, members=100),
    "B": organisation(2, "B", "branch_association", FOOD, "submitted", True, members=50),
    "C": organisation(3, "C", "company", FOOD, "submitted", True),
    "D": organisation(4, "D", "company", FOOD, "declined", False),
    "Bank": organisation(5, "Bank", "branch_association", "banken", "invited", False, members=100),
    "E": organisation(6, "E", "company", "energie", "submitted", True),
}
#: Its counts per response and aspect: A's two child-labour activities (shares 40, 60),
#: one also on wages, and a climate activity without a share; B at 10 %; E's water audit.
FOOD_COUNTS = [(1, "child_labour", 2, 60.0, 0), (1, "wages", 1, 60.0, 0), (1, "climate", 1, None, 1),
               (2, "child_labour", 1, 10.0, 0), (6, "water", 1, None, 1)]
#: The same per aspect group: A's labour activities counted once each, with the highest share.
FOOD_GROUP_COUNTS = [(1, "labour", 2, 60.0, 0), (1, "environment", 1, None, 1), (2, "labour", 1, 10.0, 0),
                     (6, "environment", 1, None, 1)]
#: Per response, its counted activities without a member share.
FOOD_WITHOUT_SHARE = {1: 1, 6: 1}


def food_frames(names=None, count_rows=None, without_share=None, columns_by="aspect",
                benchmark_rows=None) -> MatrixFrames:
    """The food round of tests/analysis/conftest.py, as frames: in food association A
    (100 members) with 2 child-labour activities (highest share 60, one also on wages)
    and a climate activity without a share; association B (50 members) with one
    child-labour activity at 10 %; company C without activities; company D declined.
    Banks: an association targeted, not responded. Energy: company E with a water activity.
    `names` keeps only those organisations (as an organisation filter would); the
    counts default to the whole round's, per aspect or per aspect group."""
    kept = [row for name, row in FOOD_ORGANISATIONS.items() if names is None or name in names]
    groups = columns_by == "aspect_group"
    if count_rows is None:
        count_rows = FOOD_GROUP_COUNTS if groups else FOOD_COUNTS
    return matrix_frames(kept, count_rows, FOOD_WITHOUT_SHARE if without_share is None else without_share,
                         benchmark_rows, columns=ASPECT_GROUPS if groups else ASPECTS, columns_by=columns_by)


def two_rounds_frames() -> tuple[MatrixFrames, MatrixFrames]:
    """The two rounds of tests/analysis/test_loading.py, as (2011, 2010) frames. 2010
    (baseline): A and B respond in food; A has a child-labour activity at 30 %. 2011: A
    responds, now in retail food, with a child-labour activity at 50 % (its climate
    activity is an ended carry-over, so not counted); C responds for the first time in
    food, with a child-labour activity."""
    old = matrix_frames([organisation(1, "A", "branch_association", FOOD, "submitted", True, members=100),
                         organisation(2, "B", "branch_association", FOOD, "submitted", True, members=100)],
                        [(1, "child_labour", 1, 30.0, 0)], round_id=1, year=2010)
    new = matrix_frames([organisation(1, "A", "branch_association", "retail_food", "submitted", True, members=100),
                         organisation(3, "C", "company", FOOD, "submitted", True)],
                        [(1, "child_labour", 1, 50.0, 0), (3, "child_labour", 1, None, 1)],
                        without_share={3: 1}, round_id=2, year=2011)
    return new, old
