"""The demo rounds of `imvo seed --demo`: a 2010 baseline and a 2011 round answered by
the demo organisations, with activities, dilemmas and bottlenecks in several sectors,
so that the change since the baseline shows real numbers; and seeding twice changes
nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imvo_survey.analysis import Filters, year_over_year
from imvo_survey.extensions import db
from imvo_survey.models import (
    RESPONDED_STATUSES,
    Activity,
    Bottleneck,
    Dilemma,
    FiguresPublication,
    GoodPractice,
    Organisation,
    Response,
    Round,
    Sector,
)
from imvo_survey.models.response import activity_aspect
from imvo_survey.seed import seed_demo

SLUGS = ("demo-imvo-2010", "demo-imvo-2011")


@pytest.fixture
def demo():
    """The demo data, seeded as `imvo seed --demo` does (see tests/test_seed.py)."""
    seed_demo()
    db.session.commit()
    return {round.slug: round for round in db.session.scalars(select(Round).where(Round.slug.in_(SLUGS)))}


def sectors_with(model, round: Round) -> set[str]:
    """The sectors (at submission) of the round's counted responses that have `model` rows."""
    return set(db.session.scalars(
        select(Sector.code).distinct()
        .join(Response, Response.snapshot_sector_id == Sector.id)
        .join(model, model.response_id == Response.id)
        .where(Response.round_id == round.id, Response.status.in_(RESPONDED_STATUSES))))


def test_a_baseline_and_a_later_round(demo):
    assert set(demo) == set(SLUGS)
    baseline, later = demo["demo-imvo-2010"], demo["demo-imvo-2011"]
    assert (baseline.year, baseline.is_baseline) == (2010, True)
    assert (later.year, later.is_baseline) == (2011, False)
    assert baseline.opens_at < later.opens_at
    # the same questionnaires, so that the later round's baseline is found
    assert later.association_questionnaire_id == baseline.association_questionnaire_id
    assert later.company_questionnaire_id == baseline.company_questionnaire_id
    assert all("(demo)" in round.name for round in demo.values())


@pytest.mark.parametrize("slug", SLUGS)
def test_responses_with_activities_dilemmas_and_bottlenecks_in_several_sectors(demo, slug):
    round = demo[slug]
    responses = db.session.scalars(select(Response).where(Response.round_id == round.id,
                                                          Response.status.in_(RESPONDED_STATUSES))).all()
    assert len(responses) >= 10
    # every responding organisation is a demo organisation (synthetic data, marked as such)
    assert all(db.session.get(Organisation, response.organisation_id).is_demo for response in responses)
    assert len(sectors_with(Activity, round)) >= 5
    assert len(sectors_with(Dilemma, round)) >= 3
    assert len(sectors_with(Bottleneck, round)) >= 3
    aspects = db.session.scalar(
        select(func.count(func.distinct(activity_aspect.c.aspect_id)))
        .join(Activity, Activity.id == activity_aspect.c.activity_id)
        .join(Response, Response.id == Activity.response_id)
        .where(Response.round_id == round.id))
    assert aspects >= 8


def test_the_later_round_carries_activities_over_from_the_baseline(demo):
    later = demo["demo-imvo-2011"]
    carried = db.session.scalars(select(Activity.carry_status).join(Response)
                                 .where(Response.round_id == later.id, Activity.carry_status.is_not(None))).all()
    assert carried and "ended" in carried and "continued" in carried


def test_the_change_since_the_baseline_has_figures(demo):
    later = demo["demo-imvo-2011"]
    comparison = year_over_year(db.session.connection(), Filters(round=later.id))
    assert comparison is not None and comparison.old.round.slug == "demo-imvo-2010"
    for measure in ("share", "members"):
        change = comparison.change(measure)
        assert change.notna().sum() >= 10, measure
        assert (change.dropna() != 0).any(), measure
    panel = year_over_year(db.session.connection(), Filters(round=later.id), panel=True)
    assert panel.new.rows.loc["_total", "responded"] == panel.old.rows.loc["_total", "responded"] > 0


def _snapshot() -> dict:
    """Every row of every table, so that 'nothing changed' can be compared."""
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables}


def test_seeding_twice_changes_nothing(demo):
    before = _snapshot()
    report = seed_demo()
    db.session.commit()
    assert not report.changed
    assert _snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(Round).where(Round.slug.in_(SLUGS))) == 2


def test_the_public_side_has_something_to_show(demo, client):
    """A new installation shows good practices and the baseline's public figures."""
    for slug in SLUGS:
        marked = db.session.scalar(select(func.count()).select_from(GoodPractice).join(Activity).join(Response)
                                   .where(Response.round_id == demo[slug].id))
        assert marked == 3
    assert db.session.scalar(select(func.count()).select_from(FiguresPublication)) == 1
    assert client.get("/openbaar/cijfers/demo-imvo-2010").status_code == 200
    assert client.get("/openbaar/cijfers/demo-imvo-2011").status_code == 404
