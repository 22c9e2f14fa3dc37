"""Properties on random small inventories, as frames: the matrix's cells equal a
brute-force count over the same organisations and activities. No app, no database; that
the counts `load_matrix` reads equal a count over the links is a property of
tests/analysis/test_activity_count.py."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo_survey.analysis import compute_matrix
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.models import RESPONDED_STATUSES

from .frames import matrix_frames, organisation
from .inventories import ASPECTS, SECTORS, counted, organisation_spec


def brute_force(specs):
    """Per (sector, aspect): organisations, activities, member reached and base."""
    expected = {}
    specs = [{**s, "activities": counted(s["activities"])} for s in specs]
    for sector in SECTORS:
        responding = [s for s in specs if s["sector"] == sector and s["status"] in ("submitted", "accepted")]
        base = sum(s["members"] for s in responding if s["kind"] == "branch_association" and s["members"])
        for aspect in ASPECTS:
            with_aspect = [s for s in responding if any(aspect in a["aspects"] for a in s["activities"])]
            activities = sum(1 for s in responding for a in s["activities"] if aspect in a["aspects"])
            reached = sum(max((a["share"] or 0) for a in s["activities"] if aspect in a["aspects"]) / 100 * s["members"]
                          for s in with_aspect if s["kind"] == "branch_association" and s["members"])
            expected[(sector, aspect)] = (len(responding), len(with_aspect), activities, reached, base)
    return expected


def frames_of(specs):
    """The frames `load_matrix` reads for these organisations: the invitation carries the
    response's status; per response and aspect its counted activities, their highest
    share and how many gave none. Counts of organisations that did not respond are
    there too: the matrix must leave them out."""
    rows, counts = [], []
    for number, spec in enumerate(specs, start=1):
        members = spec["members"] if spec["kind"] == "branch_association" else None
        rows.append(organisation(number, f"P{number}", spec["kind"], spec["sector"], spec["status"],
                                 spec["status"] in RESPONDED_STATUSES, members=members))
        for aspect in ASPECTS:
            on_aspect = [a for a in counted(spec["activities"]) if aspect in a["aspects"]]
            shares = [a["share"] for a in on_aspect if a["share"] is not None]
            if on_aspect:
                counts.append((number, aspect, len(on_aspect), float(max(shares)) if shares else None,
                               len(on_aspect) - len(shares)))
    return matrix_frames(rows, counts)


@settings(max_examples=50, deadline=None)
@given(specs=st.lists(organisation_spec, min_size=1, max_size=7))
def test_cells_equal_a_brute_force_count(specs):
    matrix = compute_matrix(frames_of(specs))
    expected = brute_force(specs)
    for (sector, aspect), (responding, organisations, activities, reached, base) in expected.items():
        if sector not in matrix.rows.index:
            assert not any(s["sector"] == sector for s in specs)
            continue
        cell = matrix.cells.loc[(sector, aspect)]
        if responding == 0:
            assert math.isnan(cell["share"]) and math.isnan(cell["organisations"])
            continue
        assert cell["organisations"] == organisations
        assert cell["activities"] == activities
        assert cell["share"] == pytest.approx(organisations / responding * 100)
        if base:
            assert cell["member_coverage"] == pytest.approx(reached / base * 100)
        else:
            assert math.isnan(cell["member_coverage"])
    total_responding = sum(1 for s in specs if s["status"] in ("submitted", "accepted"))
    assert matrix.rows.loc[TOTAL_KEY, "responded"] == total_responding
    assert matrix.rows.drop(index=TOTAL_KEY)["responded"].sum() == total_responding
