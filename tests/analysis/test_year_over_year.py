"""Year over year against the baseline, the panel view, ended carry-overs, and the
drill-down behind a cell."""

from __future__ import annotations

from datetime import timedelta

import pytest

from imvo_survey.analysis import Filters, build_matrix, year_over_year
from imvo_survey.analysis.tables import cell_activities
from imvo_survey.extensions import db
from imvo_survey.models import utcnow

from .. import factories
from .builders import association, company, respond


@pytest.fixture
def two_rounds():
    """2010 (baseline): A and B respond in food; A has a child-labour activity.
    2011: A responds (now in the retail sector) with two activities, one ended carry-over;
    C responds for the first time in food, with a child-labour activity."""
    now = utcnow()
    baseline = factories.make_round(slug="imvo-2010", year=2010, is_baseline=True,
                                    opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300))
    later = factories.make_round(slug="imvo-2011", year=2011, opens_at=now - timedelta(days=10),
                                 closes_at=now + timedelta(days=10))
    a, b = association("A"), association("B")
    c = company("C")
    respond(baseline, a, [{"aspects": ["child_labour"], "share": 30}])
    respond(baseline, b, [])
    respond(later, a, [{"aspects": ["child_labour"], "share": 50},
                       {"aspects": ["climate"], "carry": "ended", "share": 20}],
            sector=factories.sector("retail_food"))
    respond(later, c, [{"aspects": ["child_labour"], "title": "Audits cacao", "countries": ["CI"]}])
    db.session.commit()
    return baseline, later


def test_change_since_the_baseline(two_rounds):
    _baseline, later = two_rounds
    comparison = year_over_year(db.session.connection(), Filters(round=later.id))
    assert comparison.old.round.slug == "imvo-2010" and not comparison.panel
    change = comparison.change("share")
    # food: 2010 1 of 2 (50 %) -> 2011 1 of 1 (C, 100 %): +50 points
    assert change.loc[("voedsel_drank", "child_labour")] == pytest.approx(50)


def test_ended_carry_overs_count_in_the_earlier_round_only(two_rounds):
    _baseline, later = two_rounds
    matrix = build_matrix(db.session.connection(), Filters(round=later.id))
    assert matrix.cells.loc[("retail_food", "climate"), "organisations"] == 0


def test_the_panel_keeps_organisations_in_both_rounds_in_their_newer_row(two_rounds):
    _baseline, later = two_rounds
    comparison = year_over_year(db.session.connection(), Filters(round=later.id), panel=True)
    assert comparison.panel
    new, old = comparison.new, comparison.old
    assert new.rows.loc["_total", "responded"] == old.rows.loc["_total", "responded"] == 1  # only A
    # A is in retail in 2011: its 2010 answers are shown in that row too
    assert old.cells.loc[("retail_food", "child_labour"), "organisations"] == 1
    assert comparison.change("share").loc[("retail_food", "child_labour")] == 0


def test_no_comparison_without_a_baseline(two_rounds):
    baseline, _later = two_rounds
    assert year_over_year(db.session.connection(), Filters(round=baseline.id)) is None


def test_drill_down_lists_the_activities_behind_a_cell(two_rounds):
    _baseline, later = two_rounds
    conn = db.session.connection()
    matrix = build_matrix(conn, Filters(round=later.id))
    activities = cell_activities(conn, matrix, "voedsel_drank", "child_labour")
    assert activities["title"].tolist() == ["Audits cacao"] and activities["countries"].tolist() == ["Ivoorkust"]
    assert cell_activities(conn, matrix, "retail_food", "climate").empty  # ended carry-over left out
    everything = cell_activities(conn, matrix, "_total", "child_labour", language="en")
    assert sorted(everything["organisation"]) == ["A", "C"]


def test_the_panel_filters_by_the_newer_data(two_rounds):
    _baseline, later = two_rounds
    # A was in food in 2010 and is in retail in 2011: it is in the retail panel, in both rounds
    comparison = year_over_year(db.session.connection(), Filters(round=later.id, sector="retail_food"), panel=True)
    assert comparison.old.rows.loc["retail_food", "responded"] == 1
    assert comparison.new.rows.loc["retail_food", "responded"] == 1
    assert comparison.change("share").loc[("retail_food", "child_labour")] == 0
