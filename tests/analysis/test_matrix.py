"""The matrix on hand-computed fixtures: every measure, member coverage, the totals
row, empty cells, the benchmark year choice, lagging, year over year and the panel."""

from __future__ import annotations

import math

import pytest

from imvo_survey.analysis import Filters, build_matrix
from imvo_survey.analysis.export_labels import row_label
from imvo_survey.analysis.matrix import NONE_KEY, TOTAL_KEY
from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore

from .. import factories
from .builders import company


def build(round, **kwargs):
    return build_matrix(db.session.connection(), Filters(round=round.id), **kwargs)


def cell(matrix, row, column, measure):
    return matrix.cells.loc[(row, column), measure]


def test_cells(food_round):
    matrix = build(food_round)
    assert cell(matrix, "voedsel_drank", "child_labour", "organisations") == 2
    assert cell(matrix, "voedsel_drank", "child_labour", "share") == pytest.approx(2 / 3 * 100)
    assert cell(matrix, "voedsel_drank", "child_labour", "activities") == 3
    # member coverage: A reached 60 % of 100 (highest share), B 10 % of 50: 65 of 150
    assert cell(matrix, "voedsel_drank", "child_labour", "member_coverage") == pytest.approx(65 / 150 * 100)
    assert cell(matrix, "voedsel_drank", "climate", "organisations") == 1
    assert cell(matrix, "voedsel_drank", "climate", "member_coverage") == 0  # a missing share counts as 0
    assert matrix.notes["activities_without_member_share"] == 1
    assert cell(matrix, "voedsel_drank", "water", "share") == 0


def test_a_row_without_responses_is_empty_not_zero(food_round):
    matrix = build(food_round)
    assert math.isnan(cell(matrix, "banken", "child_labour", "share"))
    assert math.isnan(cell(matrix, "banken", "child_labour", "organisations"))
    assert not cell(matrix, "banken", "child_labour", "lagging")  # empty cells never lag
    assert math.isnan(cell(matrix, "energie", "water", "member_coverage"))  # no associations there
    assert cell(matrix, "energie", "water", "share") == 100


def test_row_figures_and_totals_that_add_up(food_round):
    matrix = build(food_round)
    rows = matrix.rows
    assert rows.loc["voedsel_drank", ["targeted", "responded", "declined"]].tolist() == [4, 3, 1]
    assert rows.loc["voedsel_drank", "response_rate"] == pytest.approx(75)
    assert rows.loc["banken", "responded"] == 0
    plain = rows.drop(index=TOTAL_KEY)
    assert rows.loc[TOTAL_KEY, "responded"] == plain["responded"].sum() == 4
    assert rows.loc[TOTAL_KEY, "targeted"] == plain["targeted"].sum() == 6
    # totals from the organisations: 2 of 4 responding organisations work on child labour
    assert cell(matrix, TOTAL_KEY, "child_labour", "share") == pytest.approx(50)
    assert cell(matrix, TOTAL_KEY, "child_labour", "activities") == 3
    assert cell(matrix, TOTAL_KEY, "water", "share") == pytest.approx(25)


def test_aspect_groups_count_an_organisation_once_with_its_highest_share(food_round):
    matrix = build(food_round, columns="aspect_group")
    # A: labour via child labour (40, 60) and wages (60): counted once, share 60
    assert cell(matrix, "voedsel_drank", "labour", "organisations") == 2
    assert cell(matrix, "voedsel_drank", "labour", "activities") == 3  # distinct activities
    assert cell(matrix, "voedsel_drank", "labour", "member_coverage") == pytest.approx(65 / 150 * 100)
    assert cell(matrix, "voedsel_drank", "environment", "organisations") == 1


def test_lagging_cells_rows_and_gap(food_round):
    matrix = build(food_round, threshold=50)
    assert cell(matrix, "voedsel_drank", "climate", "lagging")  # 33 % < 50 %
    assert not cell(matrix, "voedsel_drank", "child_labour", "lagging")  # 67 %
    assert cell(matrix, "voedsel_drank", "climate", "gap") == pytest.approx(1 - 1 / 3)
    assert matrix.rows.loc["voedsel_drank", "lagging"] and not matrix.rows.loc["banken", "lagging"]
    by_members = build(food_round, threshold=50, lagging_measure="members")
    assert cell(by_members, "voedsel_drank", "child_labour", "lagging")  # 43 % of members
    irrelevant = build(food_round, threshold=50, relevance=lambda row, column: 0.0 if column == "climate" else 1.0)
    assert not cell(irrelevant, "voedsel_drank", "climate", "lagging")


def test_filters(food_round):
    conn = db.session.connection()
    audits = build_matrix(conn, Filters(round=food_round.id, activity_type="audit_monitoring"))
    assert cell(audits, "voedsel_drank", "child_labour", "organisations") == 0
    assert cell(audits, "energie", "water", "organisations") == 1
    associations = build_matrix(conn, Filters(round=food_round.id, audience="association"))
    assert associations.rows.loc["voedsel_drank", "responded"] == 2
    assert cell(associations, "voedsel_drank", "child_labour", "share") == 100
    assert "energie" not in associations.rows.index
    by_sector = build_matrix(conn, Filters(round=food_round.slug, sector="energie"))
    assert list(by_sector.rows.index) == ["energie", TOTAL_KEY]


def test_rows_by_branch_include_those_without_a_branch(food_round):
    matrix = build(food_round, rows="branch")
    assert NONE_KEY in matrix.rows.index
    plain = matrix.rows.drop(index=TOTAL_KEY)
    assert plain["responded"].sum() == matrix.rows.loc[TOTAL_KEY, "responded"]


def test_benchmark_year_choice(food_round):
    food = factories.sector("voedsel_drank")
    db.session.add_all([
        BenchmarkScore(year=2008, level="sector", sector=food, total_score=36, chain_score=3, company_count=20,
                       listed_count=6),
        BenchmarkScore(year=2011, level="sector", sector=food, total_score=90, chain_score=9, company_count=1),
        BenchmarkScore(year=2008, level="sector", sector=factories.sector("banken"), total_score=72, chain_score=5.5,
                       company_count=5, listed_count=4),
    ])
    listed = company("Beurs BV", size="large", is_listed=True)
    other = company("Andere BV", size="large")
    db.session.add_all([BenchmarkScore(year=2009, level="organisation", organisation=listed, total_score=50,
                                       chain_score=4),
                        BenchmarkScore(year=2009, level="organisation", organisation=other, total_score=30,
                                       chain_score=2)])
    db.session.commit()
    rows = build(food_round).rows
    # food: 2011 is after the round; 2009 has organisation scores, which win over 2008's row
    assert rows.loc["voedsel_drank", ["benchmark_year", "benchmark_level"]].tolist() == [2009, "organisation"]
    assert rows.loc["voedsel_drank", "benchmark_total"] == 40 and rows.loc["voedsel_drank", "benchmark_companies"] == 2
    assert rows.loc["voedsel_drank", "benchmark_listed"] == 1
    assert rows.loc["banken", ["benchmark_year", "benchmark_level", "benchmark_total"]].tolist() == [2008, "sector", 72]
    assert pd_isna(rows.loc["energie", "benchmark_total"])  # no data is none, not 0
    assert rows.loc[TOTAL_KEY, "benchmark_companies"] == 7
    assert rows.loc[TOTAL_KEY, "benchmark_total"] == pytest.approx((40 * 2 + 72 * 5) / 7)


def test_benchmark_beside_rows_by_sector_and_kind(food_round):
    """Food 2008: 36 / 3 with 20 companies (6 listed); banks 2008: 72 / 5.5 with 5 (4).
    Each food row gets food's figures; the totals row counts food once, not per kind."""
    db.session.add_all([
        BenchmarkScore(year=2008, level="sector", sector=factories.sector("voedsel_drank"), total_score=36,
                       chain_score=3, company_count=20, listed_count=6),
        BenchmarkScore(year=2008, level="sector", sector=factories.sector("banken"), total_score=72, chain_score=5.5,
                       company_count=5, listed_count=4),
    ])
    db.session.commit()
    rows = build(food_round, rows="sector_kind").rows
    assert set(rows.index) == {"voedsel_drank|branch_association", "voedsel_drank|company",
                               "banken|branch_association", "energie|company", TOTAL_KEY}
    for key in ("voedsel_drank|branch_association", "voedsel_drank|company"):
        assert rows.loc[key, ["benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed",
                              "benchmark_year", "benchmark_level"]].tolist() == [36, 3, 20, 6, 2008, "sector"]
    assert rows.loc["banken|branch_association", "benchmark_total"] == 72
    assert pd_isna(rows.loc["energie|company", "benchmark_total"])  # no data is none, not 0
    # totals: 20 + 5 companies (not 20 + 20 + 5), 6 + 4 listed, company-weighted means
    assert rows.loc[TOTAL_KEY, "benchmark_companies"] == 25 and rows.loc[TOTAL_KEY, "benchmark_listed"] == 10
    assert rows.loc[TOTAL_KEY, "benchmark_total"] == pytest.approx((36 * 20 + 72 * 5) / 25)  # 43.2
    assert rows.loc[TOTAL_KEY, "benchmark_chain"] == pytest.approx((3 * 20 + 5.5 * 5) / 25)  # 3.5
    by_sector = build(food_round).rows
    for column in ("benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed"):
        assert rows.loc[TOTAL_KEY, column] == pytest.approx(by_sector.loc[TOTAL_KEY, column])
    # a branch can span several sectors: no benchmark beside a branch, nor in its totals
    by_branch = build(food_round, rows="branch").rows
    assert by_branch[["benchmark_total", "benchmark_companies", "benchmark_year"]].isna().all().all()


def test_rows_by_sector_and_kind_are_labelled_in_both_languages(food_round):
    """The matrix keeps codes; the exports and the API label its rows in both languages."""
    matrix = build(food_round, rows="sector_kind")

    def labels(key):
        return [row_label(matrix, key, language) for language in ("nl", "en")]

    assert labels("voedsel_drank|branch_association") == [
        "Voedsel en drank / Brancheorganisatie", "Food and beverages / Branch association"]
    assert labels("energie|company") == ["Energie / Bedrijf", "Energy / Company"]
    assert labels(TOTAL_KEY) == ["Totaal", "Total"]


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


@pytest.mark.parametrize("params", [{"sector": "energie", "kind": "branch_association"}, {"size": "large"},
                                    {"sector": "banken", "country": "IS"}, {"audience": "company", "sector": "banken"}])
def test_filters_that_leave_no_organisation_give_an_empty_matrix(food_round, params):
    for rows in ("sector", "branch", "sector_kind"):
        for columns in ("aspect", "aspect_group"):
            matrix = build_matrix(db.session.connection(), Filters(round=food_round.id, **params), rows=rows,
                                  columns=columns)
            assert matrix.rows.loc[TOTAL_KEY, "responded"] == 0
            assert matrix.cells["share"].isna().all()


def test_filters_that_leave_nothing_give_empty_or_zero_cells(food_round):
    conn = db.session.connection()
    banks = build_matrix(conn, Filters(round=food_round.id, sector="banken"))  # nobody responded there
    assert math.isnan(cell(banks, "banken", "child_labour", "share"))
    iceland = build_matrix(conn, Filters(round=food_round.id, country="IS"))  # no activity there
    assert cell(iceland, "voedsel_drank", "child_labour", "organisations") == 0
    assert cell(iceland, "voedsel_drank", "child_labour", "share") == 0


def test_the_note_counts_each_activity_without_a_share_once(food_round):
    from .builders import association, respond

    respond(food_round, association("G", members=40),
            [{"aspects": ["child_labour", "wages", "water"]}, {"aspects": ["climate"], "share": 5}])
    respond(food_round, association("Zonder leden", members=None), [{"aspects": ["water"]}])
    db.session.commit()
    # A's climate activity and G's activity on three aspects; not the one of the
    # association without a member count, which is left out of member coverage altogether
    assert build(food_round).notes == {"associations_without_member_count": 1, "activities_without_member_share": 2}
    assert build(food_round, columns="aspect_group").notes["activities_without_member_share"] == 2
    filtered = build_matrix(db.session.connection(), Filters(round=food_round.id, country="IS"))
    assert filtered.notes["activities_without_member_share"] == 0
