"""The relevance kept per process between views of a round's matrix
(`analysis/relevance_cache.py`): a second view reads no chains, and every change that
moves the relevance renews the round's stamp (`models/analysis_stamp.py`), so that the
kept relevance is always the one computed afresh. A draft's save renews nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from imvo_survey.analysis import Filters, build_matrix, relevance_cache
from imvo_survey.extensions import db
from imvo_survey.models import Activity, AnalysisStamp, Aspect, Country, ManualRelevance, Response, RiskEntry

from .. import factories
from ..analysis.builders import association, respond
from .conftest import add_risk, by_code

FOOD = "voedsel_drank"


def stamp(round) -> int:
    return db.session.scalar(select(AnalysisStamp.stamp).where(AnalysisStamp.round_id == round.id)) or 0


def relevance(round) -> dict:
    matrix = build_matrix(db.session.connection(), Filters(round=round.id), threshold=50)
    return matrix.relevance.relevance["relevance"].round(6).to_dict()


def afresh(round) -> dict:
    relevance_cache.forget()
    return relevance(round)


@pytest.fixture
def viewed(risks):
    """The round's matrix viewed once, so that its relevance is kept."""
    relevance_cache.forget()
    relevance(risks)
    return risks


def statements_of(action) -> list[str]:
    seen: list[str] = []
    engine = db.session.get_bind()

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_second_view_reads_no_chains_and_gives_the_same_relevance(viewed):
    first = relevance(viewed)
    statements = statements_of(lambda: relevance(viewed))
    assert not [s for s in statements if "activity_product_group" in s], "the chains were read again"
    assert first == afresh(viewed)
    assert first[(FOOD, "wages")] == pytest.approx(0.75)


def submitted_activity(round) -> Activity:
    return db.session.scalars(select(Activity).join(Response).where(
        Response.round_id == round.id, Response.status == "submitted").order_by(Activity.id)).first()


def change_level(round):
    entry = db.session.scalars(select(RiskEntry).order_by(RiskEntry.id)).first()
    entry.level = "low"


def add_country(round):
    activity = submitted_activity(round)
    activity.countries.append(by_code(Country, "ID"))
    return activity


def remove_activity(round):
    db.session.delete(submitted_activity(round))


def return_to_draft(round):
    response = db.session.scalars(select(Response).where(Response.round_id == round.id,
                                                         Response.status == "submitted")).first()
    response.status = "in_progress"


def new_response(round):
    respond(round, association("D", members=10), [
        {"aspects": ["wages"], "countries": ["GH"], "products": ["cocoa"]}])


def set_by_hand(round):
    db.session.add(ManualRelevance(sector=factories.sector(FOOD), aspect=by_code(Aspect, "climate"), value=0.9,
                                   reason="Ontbossing"))


def new_risk(round):
    add_risk("ID", "vegetable_oils", "climate", level="medium")


@pytest.mark.parametrize("change", [change_level, add_country, remove_activity, return_to_draft, new_response,
                                    set_by_hand, new_risk])
def test_every_change_that_moves_the_relevance_renews_the_stamp(viewed, change):
    before, kept = stamp(viewed), relevance(viewed)
    changed = change(viewed)  # kept until the commit: the session holds it weakly
    db.session.commit()
    del changed
    assert stamp(viewed) != before
    now = relevance(viewed)
    assert now == afresh(viewed)
    assert now != kept, "the change should have moved the relevance"


def test_a_regions_countries_changing_renews_the_stamp(viewed):
    """The regions are reference data that every test shares: put back afterwards."""
    region = by_code(Country, "west_africa")
    members = list(region.members)
    before, kept = stamp(viewed), relevance(viewed)
    try:
        region.members = [member for member in members if member.code != "CI"]
        db.session.commit()
        assert stamp(viewed) != before
        assert relevance(viewed) == afresh(viewed) != kept
    finally:
        region.members = members
        db.session.commit()


def test_a_drafts_activities_renew_no_stamp(viewed):
    draft = respond(viewed, association("Concept", members=5), [
        {"aspects": ["wages"], "countries": ["GH"], "products": ["cocoa"]}], status="in_progress")
    db.session.commit()
    before = stamp(viewed)
    draft.activities[0].countries.append(by_code(Country, "CI"))
    draft.activities[0].title = "Anders"
    db.session.commit()
    assert stamp(viewed) == before


def test_a_change_of_risk_entries_renews_every_rounds_stamp(viewed):
    other = factories.make_round(slug="imvo-2011", year=2011)
    db.session.commit()
    stamps = stamp(viewed), stamp(other)
    change_level(viewed)
    db.session.commit()
    assert stamp(viewed) != stamps[0] and stamp(other) != stamps[1]
