"""Feedback to one organisation on hand-computed fixtures: its own activities per
aspect, its sector's figures with at least three responding organisations and none
(not 0) with fewer, ended carry-overs left out, the sector kept at submission."""

from __future__ import annotations

import math

import pytest

from imvo_survey.analysis.feedback import MIN_ORGANISATIONS, organisation_feedback
from imvo_survey.analysis.filters import FilterError
from imvo_survey.extensions import db

from .. import factories
from .builders import association, company, respond


@pytest.fixture
def food_round():
    """Food (voedsel_drank), responding: association A with two child-labour activities
    (one also on wages), an ended carried-over climate activity and a continued water
    activity; association B with a child-labour activity; company C without activities;
    company H, in energy in the register but in food at submission, with a climate
    activity. Not counted in food: company F declined, company G still in progress (a
    wages activity). Energy, responding: company D with a water activity, company E
    without. So food rests on 4 organisations (A, B, C, H), energy on 2 (D, E)."""
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed")
    organisations = {"A": association("A"), "B": association("B"), "C": company("C"),
                     "H": company("H", sector="energie"), "D": company("D", sector="energie"),
                     "E": company("E", sector="energie")}
    respond(round, organisations["A"], [
        {"title": "Gedragscode kinderarbeid", "aspects": ["child_labour"]},
        {"title": "Leefbaar loon", "aspects": ["child_labour", "wages"]},
        {"title": "Klimaatplan 2009", "aspects": ["climate"], "carry": "ended"},
        {"title": "Waterbeheer", "aspects": ["water"], "carry": "continued"}])
    respond(round, organisations["B"], [{"title": "Audit kinderarbeid", "aspects": ["child_labour"]}])
    respond(round, organisations["C"], [])
    respond(round, organisations["H"], [{"title": "Klimaatdoelen", "aspects": ["climate"]}],
            sector=factories.sector("voedsel_drank"))
    factories.make_invitation(round, company("F"), status="declined")
    respond(round, company("G"), [{"title": "Loonbeleid", "aspects": ["wages"]}], status="in_progress")
    respond(round, organisations["D"], [{"title": "Waterzuivering", "aspects": ["water"]}])
    respond(round, organisations["E"], [])
    db.session.commit()
    return round, organisations


def feedback(round, organisation):
    return organisation_feedback(db.session.connection(), round.id, organisation.id)


def test_own_activities_per_aspect(food_round):
    round, organisations = food_round
    frame = feedback(round, organisations["A"])
    assert frame.at["child_labour", "activities"] == 2
    assert frame.at["child_labour", "titles"] == ["Gedragscode kinderarbeid", "Leefbaar loon"]
    assert frame.at["wages", "activities"] == 1 and frame.at["wages", "titles"] == ["Leefbaar loon"]
    assert frame.at["water", "activities"] == 1  # continued carry-overs count
    assert frame.at["forced_labour", "activities"] == 0 and frame.at["forced_labour", "titles"] == []


def test_ended_carried_over_activities_do_not_count(food_round):
    round, organisations = food_round
    frame = feedback(round, organisations["A"])
    assert frame.at["climate", "activities"] == 0 and frame.at["climate", "titles"] == []
    # ... nor for the sector: only H works on climate, 1 of 4
    assert frame.at["climate", "sector_organisations"] == 1
    assert frame.at["climate", "sector_share"] == pytest.approx(25)


def test_sector_figures_with_enough_responding_organisations(food_round):
    round, organisations = food_round
    frame = feedback(round, organisations["A"])
    assert (frame["sector_responding"] == 4).all()  # A, B, C, H; not F (declined) nor G (in progress)
    assert frame.at["child_labour", "sector_organisations"] == 2
    assert frame.at["child_labour", "sector_share"] == pytest.approx(50)
    assert frame.at["wages", "sector_organisations"] == 1  # G's wages activity is not counted
    assert frame.at["forced_labour", "sector_organisations"] == 0  # a real 0: enough responses, no activity
    assert frame.at["forced_labour", "sector_share"] == 0


def test_no_sector_figures_with_fewer_than_three(food_round):
    round, organisations = food_round
    assert MIN_ORGANISATIONS == 3
    frame = feedback(round, organisations["D"])
    assert frame.at["water", "activities"] == 1 and frame.at["water", "titles"] == ["Waterzuivering"]
    for column in ("sector_responding", "sector_organisations", "sector_share"):
        assert frame[column].isna().all(), column  # not 0: not shown
    assert math.isnan(frame.at["water", "sector_share"])


def test_three_responding_organisations_are_enough(food_round):
    round, organisations = food_round
    respond(round, company("I", sector="energie"), [{"title": "Wateraudit", "aspects": ["water"]}])
    db.session.commit()
    frame = feedback(round, organisations["D"])
    assert frame.at["water", "sector_responding"] == 3
    assert frame.at["water", "sector_organisations"] == 2
    assert frame.at["water", "sector_share"] == pytest.approx(200 / 3)


def test_the_sector_is_the_one_kept_at_submission(food_round):
    round, organisations = food_round
    frame = feedback(round, organisations["H"])  # energy in the register, food at submission
    assert frame.at["climate", "sector_responding"] == 4
    assert frame.at["climate", "activities"] == 1


def test_every_aspect_with_its_group_in_order(food_round):
    round, organisations = food_round
    frame = feedback(round, organisations["C"])
    assert frame.at["child_labour", "group"] == "labour"
    assert frame.at["climate", "group"] == "environment"
    assert frame.at["climate", "group_label_nl"] and frame.at["climate", "label_en"]
    assert {"human_rights", "animal_welfare", "anti_corruption"} <= set(frame.index)
    groups = list(dict.fromkeys(frame["group"]))
    assert len(groups) == frame["group"].nunique()  # each group's aspects together
    assert (frame["activities"] == 0).all()


def test_an_organisation_that_did_not_respond(food_round):
    round, _organisations = food_round
    declined = company("Niet")
    factories.make_invitation(round, declined, status="declined")
    db.session.commit()
    with pytest.raises(FilterError):
        feedback(round, declined)


def test_no_sector_figures_without_a_sector(food_round):
    """Organisations without a sector share the matrix's 'none' row, which is no sector
    to compare with, however many responded."""
    round, _organisations = food_round
    loose = [factories.make_organisation(name=f"Los {number}", kind="company", sector=None) for number in range(3)]
    for organisation in loose:
        respond(round, organisation, [{"title": "Gedragscode", "aspects": ["wages"]}])
    db.session.commit()
    frame = feedback(round, loose[0])
    assert frame.at["wages", "activities"] == 1
    assert frame["sector_share"].isna().all() and frame["sector_responding"].isna().all()
