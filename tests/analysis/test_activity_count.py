"""The activity counts the model layer keeps (what `load_matrix` reads as the matrix's
counts): equal to a count over the links on random inventories, also after activities
change; when two transactions recount the same response at once (an autosave beside an
entry save); and when an aspect moves to another group."""

from __future__ import annotations

import threading
import time

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from imvo_survey.analysis import Filters
from imvo_survey.analysis.queries import counted_from_links, stored_counts
from imvo_survey.extensions import db
from imvo_survey.models import Activity, Aspect, AspectGroup, refresh_counts

from .. import factories
from .builders import association, respond
from .pure.inventories import organisation_spec


def add_inventory(round, specs):
    for number, spec in enumerate(specs):
        values = {"members": spec["members"]} if spec["kind"] == "branch_association" else {"size": "mkb"}
        organisation_ = factories.make_organisation(name=f"P{number}", kind=spec["kind"],
                                                    sector=factories.sector(spec["sector"]),
                                                    member_count=values.get("members"), size=values.get("size"))
        respond(round, organisation_, spec["activities"], status=spec["status"])


def both_counts(round_id):
    conn = db.session.connection()
    for columns in ("aspect", "aspect_group"):
        stored = stored_counts(conn, round_id, columns).sort_values(["response_id", "column"], ignore_index=True)
        linked = counted_from_links(conn, round_id, Filters(round=round_id), columns).sort_values(
            ["response_id", "column"], ignore_index=True)
        yield stored, linked


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(organisation_spec, min_size=1, max_size=5), data=st.data())
def test_kept_counts_follow_every_change_to_activities(app_context, specs, data):
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


def test_two_recounts_of_one_response_take_turns():
    round = factories.make_round(slug="turns")
    response = respond(round, association("A"), [{"aspects": ["child_labour", "water"], "share": 10},
                                                 {"aspects": ["water"]}])
    db.session.commit()
    round_id, response_id = round.id, response.id
    errors = []
    engine = db.engine
    first = engine.connect()
    first_transaction = first.begin()
    refresh_counts(first, [response_id])  # holds its locks until it commits

    def second_recount():
        try:
            with engine.begin() as second:
                refresh_counts(second, [response_id])
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    thread = threading.Thread(target=second_recount)
    thread.start()
    time.sleep(0.5)  # let the second transaction reach the locked rows
    first_transaction.commit()
    first.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    conn = db.session.connection()
    stored = stored_counts(conn, round_id).sort_values("column", ignore_index=True)
    linked = counted_from_links(conn, round_id, Filters(round=round_id)).sort_values("column", ignore_index=True)
    assert stored.equals(linked) and len(stored) == 2


def test_moving_an_aspect_to_another_group_recounts_the_groups():
    round = factories.make_round(slug="groups")
    respond(round, association("A"), [{"aspects": ["water"]}])
    db.session.commit()
    water = db.session.scalar(select(Aspect).where(Aspect.code == "water"))
    environment = water.group
    water.group = db.session.scalar(select(AspectGroup).where(AspectGroup.code == "labour"))
    db.session.commit()
    try:
        groups = stored_counts(db.session.connection(), round.id, "aspect_group")
        assert list(groups["column"]) == ["labour"]
    finally:  # the reference data is shared by the tests
        water.group = environment
        db.session.commit()
