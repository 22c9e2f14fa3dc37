"""compute_matrix, compare and the response figures on frames built here: the same
hand-computed figures as tests/analysis/test_matrix.py, without a database or an app."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from imvo_survey.analysis import MatrixOptions, compare, compute_matrix
from imvo_survey.analysis.export_labels import row_label
from imvo_survey.analysis.filters import FilterError
from imvo_survey.analysis.matrix import NONE_KEY, TOTAL_KEY, row_parts
from imvo_survey.analysis.response import response_figures, response_rate, total_response

from .frames import FOOD, food_frames, matrix_frames, organisation


def cell(matrix, row, column, measure):
    return matrix.cells.loc[(row, column), measure]


def test_cells_from_frames():
    matrix = compute_matrix(food_frames())
    assert cell(matrix, FOOD, "child_labour", "organisations") == 2
    assert cell(matrix, FOOD, "child_labour", "share") == pytest.approx(2 / 3 * 100)
    assert cell(matrix, FOOD, "child_labour", "activities") == 3
    # member coverage: A reached 60 % of 100 (highest share), B 10 % of 50: 65 of 150
    assert cell(matrix, FOOD, "child_labour", "member_coverage") == pytest.approx(65 / 150 * 100)
    assert cell(matrix, FOOD, "climate", "member_coverage") == 0  # a missing share counts as 0
    assert cell(matrix, FOOD, "water", "share") == 0
    assert matrix.notes == {"associations_without_member_count": 0, "activities_without_member_share": 1}


def test_a_row_without_responses_is_empty_not_zero():
    matrix = compute_matrix(food_frames())
    assert math.isnan(cell(matrix, "banken", "child_labour", "share"))
    assert not cell(matrix, "banken", "child_labour", "lagging")
    assert math.isnan(cell(matrix, "energie", "water", "member_coverage"))  # no associations there
    assert cell(matrix, "energie", "water", "share") == 100


def test_row_figures_totals_and_order():
    matrix = compute_matrix(food_frames())
    rows = matrix.rows
    assert rows.loc[FOOD, ["targeted", "responded", "declined"]].tolist() == [4, 3, 1]
    assert rows.loc[FOOD, "response_rate"] == pytest.approx(75)
    assert rows.loc[TOTAL_KEY, ["targeted", "responded", "declined"]].tolist() == [6, 4, 1]
    assert cell(matrix, TOTAL_KEY, "child_labour", "share") == pytest.approx(50)
    assert matrix.row_order() == ["banken", "energie", FOOD, TOTAL_KEY]  # the reference list's order


def test_lagging_by_share_or_members_and_relevance():
    frames = food_frames()
    matrix = compute_matrix(frames, MatrixOptions(threshold=50))
    assert cell(matrix, FOOD, "climate", "lagging") and not cell(matrix, FOOD, "child_labour", "lagging")
    assert cell(matrix, FOOD, "climate", "gap") == pytest.approx(1 - 1 / 3)
    assert matrix.rows.loc[FOOD, "lagging"] and not matrix.rows.loc["banken", "lagging"]
    by_members = compute_matrix(frames, MatrixOptions(threshold=50, lagging_measure="members"))
    assert cell(by_members, FOOD, "child_labour", "lagging")  # 43 % of members
    irrelevant = compute_matrix(frames, MatrixOptions(
        threshold=50, relevance=lambda row, column: 0.0 if column == "climate" else 1.0))
    assert not cell(irrelevant, FOOD, "climate", "lagging")


def test_rows_by_sector_and_kind_and_by_branch_keep_codes():
    by_kind = compute_matrix(food_frames(), MatrixOptions(rows="sector_kind"))
    assert by_kind.row_keys == ["banken|branch_association", "energie|company", f"{FOOD}|branch_association",
                                f"{FOOD}|company"]
    assert row_parts(f"{FOOD}|company") == (FOOD, "company")
    assert row_label(by_kind, f"{FOOD}|branch_association", "nl") == "Voedsel en drank / Brancheorganisatie"
    assert row_label(by_kind, TOTAL_KEY, "en") == "Total"
    by_branch = compute_matrix(food_frames(), MatrixOptions(rows="branch"))
    assert by_branch.row_keys == [NONE_KEY]  # nobody has a branch: one row "none", labelled by the reader
    assert row_parts(NONE_KEY) == (None, None)
    assert row_label(by_branch, NONE_KEY, "nl") == "Geen"
    assert by_branch.rows[["benchmark_total", "benchmark_year"]].isna().all().all()


def test_the_benchmark_beside_the_rows_and_in_the_totals():
    frames = matrix_frames(
        [organisation(1, "A", "branch_association", FOOD, "submitted", True, members=100),
         organisation(5, "Bank", "branch_association", "banken", "submitted", True, members=100)], [],
        benchmark_rows={FOOD: [36.0, 3.0, 20, 6, 2008, "sector", False],
                        "banken": [72.0, 5.5, 5, 4, 2008, "sector", False]})
    rows = compute_matrix(frames).rows
    assert rows.loc[FOOD, ["benchmark_total", "benchmark_year", "benchmark_level"]].tolist() == [36, 2008, "sector"]
    assert rows.loc[TOTAL_KEY, "benchmark_companies"] == 25
    assert rows.loc[TOTAL_KEY, "benchmark_total"] == pytest.approx((36 * 20 + 72 * 5) / 25)


def test_no_organisations_give_an_empty_matrix():
    matrix = compute_matrix(matrix_frames([], []))
    assert matrix.rows.loc[TOTAL_KEY, "responded"] == 0
    assert math.isnan(matrix.rows.loc[TOTAL_KEY, "response_rate"])
    assert matrix.cells["share"].isna().all()


def test_options_are_checked_against_the_frames():
    with pytest.raises(FilterError):
        compute_matrix(food_frames(), MatrixOptions(rows="country"))
    with pytest.raises(ValueError, match="aspect"):
        compute_matrix(food_frames(), MatrixOptions(columns="aspect_group"))


def test_the_panel_counts_organisations_in_both_rounds_in_their_newer_row():
    """Old round: A in food and company X (energy) responded; new round: A moved to
    energy, X did not respond, E is new. The panel is A alone, in energy both times."""
    old = matrix_frames([organisation(1, "A", "branch_association", FOOD, "submitted", True, members=100),
                         organisation(7, "X", "company", "energie", "submitted", True)],
                        [(1, "child_labour", 1, 50.0, 0), (7, "water", 1, None, 1)], round_id=1, year=2009)
    new = matrix_frames([organisation(1, "A", "branch_association", "energie", "submitted", True, members=100),
                         organisation(7, "X", "company", "energie", "invited", False),
                         organisation(6, "E", "company", "energie", "submitted", True)],
                        [(1, "child_labour", 1, 80.0, 0), (6, "water", 1, None, 1)], round_id=2)
    plain = compare(new, old, MatrixOptions())
    assert plain.old.rows.loc[FOOD, "responded"] == 1 and not plain.panel
    panel = compare(new, old, MatrixOptions(), panel=True)
    assert panel.panel and list(panel.old.rows.index) == ["energie", TOTAL_KEY]
    assert panel.new.rows.loc["energie", "responded"] == panel.old.rows.loc["energie", "responded"] == 1
    assert panel.change("members").loc[("energie", "child_labour")] == pytest.approx(30)


def test_one_response_rate_definition():
    frame = pd.DataFrame({"organisation_id": [1, 2, 3, 4], "group": ["a", "a", "a", "b"],
                          "responded": [True, False, False, False], "declined": [False, True, False, False]})
    figures = response_figures(frame, "group")
    assert figures.loc["a"].tolist() == pytest.approx([3, 1, 1, 100 / 3])
    assert figures.loc["b", "response_rate"] == 0
    assert total_response(frame).tolist() == [4, 1, 1, 25]
    assert response_rate(1, 4) == 25 and response_rate(0, 0) is None


def test_lagging_and_relevant_are_decided_on_the_figures_as_shown():
    """67 % (66.67 exactly) is not "under 67 %", and a relevance shown as 0,10 is not
    above a threshold of 0,10: the flags never contradict the numbers beside them."""
    frames = food_frames()
    shown = compute_matrix(frames, MatrixOptions(threshold=67))
    assert cell(shown, FOOD, "child_labour", "share") == pytest.approx(66.667, abs=0.001)
    assert not cell(shown, FOOD, "child_labour", "lagging")
    assert cell(compute_matrix(frames, MatrixOptions(threshold=67.5)), FOOD, "child_labour", "lagging")
    barely = compute_matrix(frames, MatrixOptions(threshold=50, relevance=lambda row, column: 0.104,
                                                  relevance_threshold=0.1))
    assert not cell(barely, FOOD, "climate", "relevant") and not cell(barely, FOOD, "climate", "lagging")
    assert cell(barely, FOOD, "climate", "gap") == pytest.approx(0.104 * (1 - 1 / 3))  # full precision
    above = compute_matrix(frames, MatrixOptions(threshold=50, relevance=lambda row, column: 0.106,
                                                 relevance_threshold=0.1))
    assert cell(above, FOOD, "climate", "relevant") and cell(above, FOOD, "climate", "lagging")
