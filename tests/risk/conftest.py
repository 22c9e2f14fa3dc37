"""A round whose responses name chains, and risk entries for them (hand-computed).

Food (round imvo-2010): association A (100 members) names cocoa from Ghana (child
labour, 40 %), cocoa from Ivory Coast (child labour and wages, 60 %) and palm oil from
Indonesia (climate, no share); association B (50 members) cocoa from Ghana (child
labour, 10 %); company C responded without activities. Energy: company E, a water
activity naming no chain. Banks: an association invited, no response.

Profile of food from the round (each organisation once per chain): cocoa/GH 2,
cocoa/CI 1, palm oil/ID 1, so shares 0.5, 0.25, 0.25. Risks: cocoa / West Africa
child labour high and wages high; palm oil / ID biodiversity high. So food: child
labour 0.75, wages 0.75, biodiversity 0.25, every other aspect 0. Coverage in food:
child labour 67 %, wages 33 %, climate 33 %, the rest 0 %. At a lagging threshold of
50 %: wages lags (gap 0.75 x 2/3 = 0.5) and biodiversity lags (gap 0.25); climate and
water are not relevant, so they do not lag.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Aspect, Country, ProductGroup, RiskEntry

from .. import factories
from ..analysis.builders import association, company, respond


def by_code(model, code):
    return db.session.scalar(select(model).where(model.code == code))


def add_risk(country: str, product_group: str, aspect: str, level: str = "high", **values) -> RiskEntry:
    entry = RiskEntry(country=by_code(Country, country), product_group=by_code(ProductGroup, product_group),
                      aspect=by_code(Aspect, aspect), level=level, **values)
    db.session.add(entry)
    return entry


@pytest.fixture
def chain_round():
    round = factories.make_round(slug="imvo-2010", year=2010)
    respond(round, association("A", members=100), [
        {"aspects": ["child_labour"], "share": 40, "countries": ["GH"], "products": ["cocoa"]},
        {"aspects": ["child_labour", "wages"], "share": 60, "countries": ["CI"], "products": ["cocoa"]},
        {"aspects": ["climate"], "countries": ["ID"], "products": ["vegetable_oils"]}])
    respond(round, association("B", members=50), [
        {"aspects": ["child_labour"], "share": 10, "countries": ["GH"], "products": ["cocoa"]}])
    respond(round, company("C"), [])
    factories.make_invitation(round, association("Bank", sector="banken"), status="invited")
    respond(round, company("E", sector="energie"), [{"aspects": ["water"], "type": "audit_monitoring"}])
    db.session.commit()
    return round


@pytest.fixture
def risks(chain_round):
    add_risk("west_africa", "cocoa", "child_labour")
    add_risk("west_africa", "cocoa", "wages")
    add_risk("ID", "vegetable_oils", "biodiversity")
    db.session.commit()
    return chain_round
