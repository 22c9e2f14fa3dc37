"""The matrix on hand-computed frames: every measure, member coverage, the totals row,
empty cells, the benchmark beside the rows, lagging, and what the filters leave. No app,
no database: tests/analysis/test_loading.py checks that `load_matrix` reads these frames
(the filters, the aspect groups' counts, the benchmark year) from the database."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from imvo_survey.analysis import MatrixOptions, compute_matrix
from imvo_survey.analysis.export_labels import row_label
from imvo_survey.analysis.matrix import NONE_KEY, TOTAL_KEY

from .frames import FOOD, FOOD_COUNTS, FOOD_ORGANISATIONS, food_frames, matrix_frames, organisation

#: The benchmark per sector as `benchmark_by_sector` chooses it for 2010 when food has
#: organisation scores for 2009 (two companies, one listed, 50 and 30) beside sector rows
#: of 2008 and 2011, and banks a sector row of 2008 (see test_loading.py).
CHOSEN_BENCHMARK = {FOOD: [40.0, 3.0, 2, 1, 2009, "organisation", False],
                    "banken": [72.0, 5.5, 5, 4, 2008, "sector", False]}
#: Food's and banks' sector rows of 2008 alone.
SECTOR_BENCHMARK = {FOOD: [36.0, 3.0, 20, 6, 2008, "sector", False], "banken": [72.0, 5.5, 5, 4, 2008, "sector", False]}


def cell(matrix, row, column, measure):
    return matrix.cells.loc[(row, column), measure]


def test_cells():
    matrix = compute_matrix(food_frames())
    assert cell(matrix, FOOD, "child_labour", "organisations") == 2
    assert cell(matrix, FOOD, "child_labour", "share") == pytest.approx(2 / 3 * 100)
    assert cell(matrix, FOOD, "child_labour", "activities") == 3
    # member coverage: A reached 60 % of 100 (highest share), B 10 % of 50: 65 of 150
    assert cell(matrix, FOOD, "child_labour", "member_coverage") == pytest.approx(65 / 150 * 100)
    assert cell(matrix, FOOD, "climate", "organisations") == 1
    assert cell(matrix, FOOD, "climate", "member_coverage") == 0  # a missing share counts as 0
    assert matrix.notes["activities_without_member_share"] == 1
    assert cell(matrix, FOOD, "water", "share") == 0


def test_a_row_without_responses_is_empty_not_zero():
    matrix = compute_matrix(food_frames())
    assert math.isnan(cell(matrix, "banken", "child_labour", "share"))
    assert math.isnan(cell(matrix, "banken", "child_labour", "organisations"))
    assert not cell(matrix, "banken", "child_labour", "lagging")  # empty cells never lag
    assert math.isnan(cell(matrix, "energie", "water", "member_coverage"))  # no associations there
    assert cell(matrix, "energie", "water", "share") == 100


def test_row_figures_and_totals_that_add_up():
    matrix = compute_matrix(food_frames())
    rows = matrix.rows
    assert rows.loc[FOOD, ["targeted", "responded", "declined"]].tolist() == [4, 3, 1]
    assert rows.loc[FOOD, "response_rate"] == pytest.approx(75)
    assert rows.loc["banken", "responded"] == 0
    plain = rows.drop(index=TOTAL_KEY)
    assert rows.loc[TOTAL_KEY, "responded"] == plain["responded"].sum() == 4
    assert rows.loc[TOTAL_KEY, "targeted"] == plain["targeted"].sum() == 6
    # totals from the organisations: 2 of 4 responding organisations work on child labour
    assert cell(matrix, TOTAL_KEY, "child_labour", "share") == pytest.approx(50)
    assert cell(matrix, TOTAL_KEY, "child_labour", "activities") == 3
    assert cell(matrix, TOTAL_KEY, "water", "share") == pytest.approx(25)


def test_aspect_groups_count_an_organisation_once_with_its_highest_share():
    matrix = compute_matrix(food_frames(columns_by="aspect_group"), MatrixOptions(columns="aspect_group"))
    # A: labour via child labour (40, 60) and wages (60): counted once, share 60
    assert cell(matrix, FOOD, "labour", "organisations") == 2
    assert cell(matrix, FOOD, "labour", "activities") == 3  # distinct activities
    assert cell(matrix, FOOD, "labour", "member_coverage") == pytest.approx(65 / 150 * 100)
    assert cell(matrix, FOOD, "environment", "organisations") == 1


def test_lagging_cells_rows_and_gap():
    frames = food_frames()
    matrix = compute_matrix(frames, MatrixOptions(threshold=50))
    assert cell(matrix, FOOD, "climate", "lagging")  # 33 % < 50 %
    assert not cell(matrix, FOOD, "child_labour", "lagging")  # 67 %
    assert cell(matrix, FOOD, "climate", "gap") == pytest.approx(1 - 1 / 3)
    assert matrix.rows.loc[FOOD, "lagging"] and not matrix.rows.loc["banken", "lagging"]
    by_members = compute_matrix(frames, MatrixOptions(threshold=50, lagging_measure="members"))
    assert cell(by_members, FOOD, "child_labour", "lagging")  # 43 % of members
    irrelevant = compute_matrix(frames, MatrixOptions(
        threshold=50, relevance=lambda row, column: 0.0 if column == "climate" else 1.0))
    assert not cell(irrelevant, FOOD, "climate", "lagging")


def test_filters():
    """The frames as the filters load them (test_loading.py: test_filters_load)."""
    audits = compute_matrix(food_frames(count_rows=[(6, "water", 1, None, 1)]))  # activity type audit/monitoring
    assert cell(audits, FOOD, "child_labour", "organisations") == 0
    assert cell(audits, "energie", "water", "organisations") == 1
    associations = compute_matrix(food_frames(names={"A", "B", "Bank"}))  # audience: associations
    assert associations.rows.loc[FOOD, "responded"] == 2
    assert cell(associations, FOOD, "child_labour", "share") == 100
    assert "energie" not in associations.rows.index
    by_sector = compute_matrix(food_frames(names={"E"}))  # sector: energy
    assert list(by_sector.rows.index) == ["energie", TOTAL_KEY]


def test_rows_by_branch_include_those_without_a_branch():
    matrix = compute_matrix(food_frames(), MatrixOptions(rows="branch"))
    assert NONE_KEY in matrix.rows.index
    plain = matrix.rows.drop(index=TOTAL_KEY)
    assert plain["responded"].sum() == matrix.rows.loc[TOTAL_KEY, "responded"]


def test_benchmark_beside_the_rows_and_in_the_totals():
    """The benchmark `benchmark_by_sector` chose (test_loading.py: test_benchmark_year_choice)."""
    rows = compute_matrix(food_frames(benchmark_rows=CHOSEN_BENCHMARK)).rows
    assert rows.loc[FOOD, ["benchmark_year", "benchmark_level"]].tolist() == [2009, "organisation"]
    assert rows.loc[FOOD, "benchmark_total"] == 40 and rows.loc[FOOD, "benchmark_companies"] == 2
    assert rows.loc[FOOD, "benchmark_listed"] == 1
    assert rows.loc["banken", ["benchmark_year", "benchmark_level", "benchmark_total"]].tolist() == [2008, "sector", 72]
    assert pd.isna(rows.loc["energie", "benchmark_total"])  # no data is none, not 0
    assert rows.loc[TOTAL_KEY, "benchmark_companies"] == 7
    assert rows.loc[TOTAL_KEY, "benchmark_total"] == pytest.approx((40 * 2 + 72 * 5) / 7)


def test_benchmark_beside_rows_by_sector_and_kind():
    """Food 2008: 36 / 3 with 20 companies (6 listed); banks 2008: 72 / 5.5 with 5 (4).
    Each food row gets food's figures; the totals row counts food once, not per kind."""
    frames = food_frames(benchmark_rows=SECTOR_BENCHMARK)
    rows = compute_matrix(frames, MatrixOptions(rows="sector_kind")).rows
    assert set(rows.index) == {f"{FOOD}|branch_association", f"{FOOD}|company",
                               "banken|branch_association", "energie|company", TOTAL_KEY}
    for key in (f"{FOOD}|branch_association", f"{FOOD}|company"):
        assert rows.loc[key, ["benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed",
                              "benchmark_year", "benchmark_level"]].tolist() == [36, 3, 20, 6, 2008, "sector"]
    assert rows.loc["banken|branch_association", "benchmark_total"] == 72
    assert pd.isna(rows.loc["energie|company", "benchmark_total"])  # no data is none, not 0
    # totals: 20 + 5 companies (not 20 + 20 + 5), 6 + 4 listed, company-weighted means
    assert rows.loc[TOTAL_KEY, "benchmark_companies"] == 25 and rows.loc[TOTAL_KEY, "benchmark_listed"] == 10
    assert rows.loc[TOTAL_KEY, "benchmark_total"] == pytest.approx((36 * 20 + 72 * 5) / 25)  # 43.2
    assert rows.loc[TOTAL_KEY, "benchmark_chain"] == pytest.approx((3 * 20 + 5.5 * 5) / 25)  # 3.5
    by_sector = compute_matrix(frames).rows
    for column in ("benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed"):
        assert rows.loc[TOTAL_KEY, column] == pytest.approx(by_sector.loc[TOTAL_KEY, column])
    # a branch can span several sectors: no benchmark beside a branch, nor in its totals
    by_branch = compute_matrix(frames, MatrixOptions(rows="branch")).rows
    assert by_branch[["benchmark_total", "benchmark_companies", "benchmark_year"]].isna().all().all()


def test_rows_by_sector_and_kind_are_labelled_in_both_languages():
    """The matrix keeps codes; the exports and the API label its rows in both languages."""
    matrix = compute_matrix(food_frames(), MatrixOptions(rows="sector_kind"))

    def labels(key):
        return [row_label(matrix, key, language) for language in ("nl", "en")]

    assert labels(f"{FOOD}|branch_association") == [
        "Voedsel en drank / Brancheorganisatie", "Food and beverages / Branch association"]
    assert labels("energie|company") == ["Energie / Bedrijf", "Energy / Company"]
    assert labels(TOTAL_KEY) == ["Totaal", "Total"]


@pytest.mark.parametrize("names", [set(), {"Bank"}], ids=["nobody", "nobody-responded"])
def test_filters_that_leave_no_responding_organisation_give_an_empty_matrix(names):
    """What the filters of test_loading.py's test_filters_that_leave_no_responding_organisation
    load: no organisation, or only ones that did not respond, beside the round's counts."""
    for rows in ("sector", "branch", "sector_kind"):
        for columns in ("aspect", "aspect_group"):
            matrix = compute_matrix(food_frames(names=names, columns_by=columns),
                                    MatrixOptions(rows=rows, columns=columns))
            assert matrix.rows.loc[TOTAL_KEY, "responded"] == 0
            assert matrix.cells["share"].isna().all()


def test_filters_that_leave_nothing_give_empty_or_zero_cells():
    banks = compute_matrix(food_frames(names={"Bank"}))  # nobody responded there
    assert math.isnan(cell(banks, "banken", "child_labour", "share"))
    iceland = compute_matrix(food_frames(count_rows=[], without_share={}))  # no activity there
    assert cell(iceland, FOOD, "child_labour", "organisations") == 0
    assert cell(iceland, FOOD, "child_labour", "share") == 0


def test_the_note_counts_each_activity_without_a_share_once():
    """Beside the food round: association G (40 members) with an activity on three aspects
    without a share and a climate activity at 5 %; an association without a member count
    with a water activity without a share (test_loading.py: test_activities_without_share)."""
    organisations = [*FOOD_ORGANISATIONS.values(),
                     organisation(7, "G", "branch_association", FOOD, "submitted", True, members=40),
                     organisation(8, "Zonder leden", "branch_association", FOOD, "submitted", True)]
    counts = [*FOOD_COUNTS, (7, "child_labour", 1, None, 1), (7, "wages", 1, None, 1), (7, "water", 1, None, 1),
              (7, "climate", 1, 5.0, 0), (8, "water", 1, None, 1)]
    without_share = {1: 1, 6: 1, 7: 1, 8: 1}
    # A's climate activity and G's activity on three aspects; not the one of the
    # association without a member count, which is left out of member coverage altogether
    assert compute_matrix(matrix_frames(organisations, counts, without_share)).notes == {
        "associations_without_member_count": 1, "activities_without_member_share": 2}
    groups = [(7, "labour", 1, None, 1), (7, "environment", 2, 5.0, 1), (8, "environment", 1, None, 1)]
    by_group = matrix_frames(organisations, groups, without_share, columns=food_frames(columns_by="aspect_group").columns,
                             columns_by="aspect_group")
    assert compute_matrix(by_group, MatrixOptions(columns="aspect_group")).notes[
        "activities_without_member_share"] == 2
    filtered = matrix_frames(organisations, [], {})  # country: Iceland
    assert compute_matrix(filtered).notes["activities_without_member_share"] == 0
