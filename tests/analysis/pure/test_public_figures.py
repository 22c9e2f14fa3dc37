"""The public figures of a matrix by sector and aspect, on hand-made frames: rows with
too few respondents and their complements suppressed whole, small cells suppressed,
the rest shown by the one rounding rule, and no organisation named."""

from __future__ import annotations

import pytest

from imvo_survey.analysis import compute_matrix
from imvo_survey.analysis.matrix import MatrixOptions
from imvo_survey.analysis.public_figures import SUPPRESSED, public_figures, rule

from .frames import matrix_frames, organisation

#: Per sector: its responding organisations' numbers, and per aspect which have an activity.
SECTOR_SPECS = {
    "banken": ((1, 2), {"child_labour": (1,)}),
    "energie": ((3, 4, 5, 6), {"water": (3,), "child_labour": (3, 4, 5)}),
    "voedsel_drank": ((7, 8, 9, 10, 11, 12), {"child_labour": (7, 8, 9, 10), "water": (7, 8, 9),
                                              "wages": (7, 8, 9, 10, 11)}),
}


def round_frames():
    rows, counts = [], []
    for sector, (numbers, aspects) in SECTOR_SPECS.items():
        rows += [organisation(number, f"Secret Org {number}", "company", sector, "submitted", True)
                 for number in numbers]
        counts += [(number, aspect, 1, None, 1) for aspect, having in aspects.items() for number in having]
    rows.append(organisation(13, "Secret Org 13", "company", "retail_food", "invited", False))
    return matrix_frames(rows, counts)


@pytest.fixture
def figures():
    return public_figures(compute_matrix(round_frames(), MatrixOptions()), 3)


def test_small_rows_and_their_complement_are_suppressed_whole(figures):
    table = figures.table("nl")
    assert [row[0] for row in table] == ["Banken", "Energie", "Voedsel en drank", "Totaal"]
    assert table[0][1:] == [SUPPRESSED] * 5  # 2 respondents: primary
    assert table[1][1:] == [SUPPRESSED] * 5  # 4: the smallest other row, else 12 - 6 - 4 gives 2 back
    assert figures.reasons.loc["banken"].eq("primary").all()
    assert figures.reasons.at["energie", "responded"] == "secondary"
    assert figures.reasons.at["energie", "water"] == "primary"  # 1 energy company on water


def test_the_other_figures_are_shown_rounded(figures):
    table = figures.table("en")
    assert figures.headers("en") == ["Sector", "Responded", "Child labour (%)", "Living wage (%)", "Climate (%)",
                                     "Water (%)"]
    assert table[2] == ["Food and beverages", 6, 67, 83, 0, 50]
    assert table[3] == ["Total", 12, 67, 42, 0, 33]


def test_a_row_without_respondents_is_left_out(figures):
    assert "retail_food" not in figures.row_keys


def test_the_threshold_changes_what_is_suppressed():
    figures = public_figures(compute_matrix(round_frames(), MatrixOptions()), 2)
    table = figures.table("nl")
    # One bank with child labour (1 < 2), and its column's complement: energy's 3 (< food's 4).
    assert table[0] == ["Banken", 2, SUPPRESSED, 0, 0, 0]
    # One energy company on water, and its column's complement: food's 3.
    assert table[1] == ["Energie", 4, SUPPRESSED, 0, 0, SUPPRESSED]
    assert table[2] == ["Voedsel en drank", 6, 67, 83, 0, SUPPRESSED]


def test_no_organisation_is_named(figures):
    text = repr(figures.table("nl")) + repr(figures.headers("nl"))
    assert "Secret Org" not in text


def test_the_rule_names_the_threshold():
    assert "minder dan 5 organisaties" in rule(5, "nl")
    assert "fewer than 5 organisations" in rule(5, "en")
