"""Properties on random small inventories: the matrix's cells equal a brute-force count
over the same organisations and activities, and the activity counts the model layer
keeps equal a count over the links, also after activities change."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from imvo_survey.analysis import Filters, build_matrix
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.analysis.queries import counted_from_links, stored_counts
from imvo_survey.extensions import db

from .. import factories
from .builders import respond

SECTORS = ("voedsel_drank", "banken")
ASPECTS = ("child_labour", "climate", "water")

activity = st.fixed_dictionaries({
    "aspects": st.lists(st.sampled_from(ASPECTS), min_size=1, max_size=3, unique=True),
    "share": st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    "carry": st.sampled_from((None, None, "continued", "ended")),
})
organisation = st.fixed_dictionaries({
    "kind": st.sampled_from(("branch_association", "company")),
    "sector": st.sampled_from(SECTORS),
    "members": st.one_of(st.none(), st.integers(min_value=1, max_value=500)),
    "status": st.sampled_from(("submitted", "accepted", "in_progress", "declined")),
    "activities": st.lists(activity, max_size=4),
})


def counted(activities):
    """Activities that count: carried-over ones marked ended count in the earlier round only."""
    return [a for a in activities if a["carry"] != "ended"]


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


def add_inventory(round, specs):
    for number, spec in enumerate(specs):
        values = {"members": spec["members"]} if spec["kind"] == "branch_association" else {"size": "mkb"}
        organisation_ = factories.make_organisation(name=f"P{number}", kind=spec["kind"],
                                                    sector=factories.sector(spec["sector"]),
                                                    member_count=values.get("members"), size=values.get("size"))
        respond(round, organisation_, spec["activities"], status=spec["status"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(organisation, min_size=1, max_size=7))
def test_cells_equal_a_brute_force_count(app_context, specs):
    try:
        round = factories.make_round(slug="property-round")
        round_id = round.id
        add_inventory(round, specs)
        matrix = build_matrix(db.session.connection(), Filters(round=round_id))
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
    finally:
        db.session.rollback()


def both_counts(round_id):
    conn = db.session.connection()
    for columns in ("aspect", "aspect_group"):
        stored = stored_counts(conn, round_id, columns).sort_values(["response_id", "column"], ignore_index=True)
        linked = counted_from_links(conn, round_id, Filters(round=round_id), columns).sort_values(
            ["response_id", "column"], ignore_index=True)
        yield stored, linked


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(organisation, min_size=1, max_size=5), data=st.data())
def test_kept_counts_follow_every_change_to_activities(app_context, specs, data):
    from imvo_survey.models import Activity, Aspect

    try:
        round = factories.make_round(slug="property-round")
        round_id = round.id
        add_inventory(round, specs)
        for stored, linked in both_counts(round_id):
            pd.testing.assert_frame_equal(stored, linked, check_dtype=False)
        activities = db.session.scalars(select(Activity).order_by(Activity.id)).all()
        if activities:
            changed = data.draw(st.sampled_from(activities))
            changed.aspects = [db.session.scalar(select(Aspect).where(Aspect.code == "water"))]
            changed.carry_status = data.draw(st.sampled_from((None, "ended")))
            db.session.delete(data.draw(st.sampled_from(activities)))
            db.session.flush()
        for stored, linked in both_counts(round_id):
            pd.testing.assert_frame_equal(stored, linked, check_dtype=False)
    finally:
        db.session.rollback()
