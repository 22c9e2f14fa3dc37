"""Year over year on frames: the change since the baseline, the panel view, and ended
carry-overs left out. No app, no database: tests/analysis/test_loading.py checks that
`load_comparison` picks the baseline and loads these frames."""

from __future__ import annotations

import pytest

from imvo_survey.analysis import MatrixOptions, compare, compute_matrix
from imvo_survey.analysis.matrix import TOTAL_KEY

from .frames import FOOD, two_rounds_frames


def only_in(frames, sector):
    """The frames as a sector filter loads them."""
    organisations = frames.organisations
    return type(frames)(**{**vars(frames), "organisations": organisations[organisations["sector"] == sector]})


def test_change_since_the_baseline():
    new, old = two_rounds_frames()
    comparison = compare(new, old, MatrixOptions())
    assert comparison.old.round.slug == "ronde-1" and not comparison.panel
    change = comparison.change("share")
    # food: 2010 1 of 2 (50 %) -> 2011 1 of 1 (C, 100 %): +50 points
    assert change.loc[(FOOD, "child_labour")] == pytest.approx(50)


def test_ended_carry_overs_count_in_the_earlier_round_only():
    new, _old = two_rounds_frames()
    matrix = compute_matrix(new)
    assert matrix.cells.loc[("retail_food", "climate"), "organisations"] == 0


def test_the_panel_keeps_organisations_in_both_rounds_in_their_newer_row():
    new_frames, old_frames = two_rounds_frames()
    comparison = compare(new_frames, old_frames, MatrixOptions(), panel=True)
    assert comparison.panel
    new, old = comparison.new, comparison.old
    assert new.rows.loc[TOTAL_KEY, "responded"] == old.rows.loc[TOTAL_KEY, "responded"] == 1  # only A
    # A is in retail in 2011: its 2010 answers are shown in that row too
    assert old.cells.loc[("retail_food", "child_labour"), "organisations"] == 1
    assert comparison.change("share").loc[("retail_food", "child_labour")] == 0


def test_the_panel_filters_by_the_newer_data():
    new, old = two_rounds_frames()
    # A was in food in 2010 and is in retail in 2011: it is in the retail panel, in both
    # rounds (the older round is loaded without the sector filter)
    comparison = compare(only_in(new, "retail_food"), old, MatrixOptions(), panel=True)
    assert comparison.old.rows.loc["retail_food", "responded"] == 1
    assert comparison.new.rows.loc["retail_food", "responded"] == 1
    assert comparison.change("share").loc[("retail_food", "child_labour")] == 0
