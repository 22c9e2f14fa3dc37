"""The activity counts the model layer keeps, when two transactions recount the same
response at once (an autosave beside an entry save)."""

from __future__ import annotations

import threading
import time

from imvo_survey.analysis import Filters
from imvo_survey.analysis.queries import counted_from_links, stored_counts
from imvo_survey.extensions import db
from imvo_survey.models import refresh_counts

from .. import factories
from .builders import association, respond


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
    from sqlalchemy import select

    from imvo_survey.models import Aspect, AspectGroup

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
