"""Tests of the read-only API and the token pages. `seed_inventory` builds the small
inventory both test modules use; `token_for` makes a token as the profile page does."""

from __future__ import annotations

from sqlalchemy import select

from imvo_survey.api.tokens import create_token
from imvo_survey.extensions import db
from imvo_survey.models import Aspect, BenchmarkScore, Bottleneck, Country, Dilemma

from .. import factories
from ..analysis.builders import association, company, respond


def token_for(user, name: str = "R script") -> str:
    """A new token of `user` (committed), as the profile page makes it."""
    _row, token = create_token(user, name)
    db.session.commit()
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _by_code(model, *codes):
    return [db.session.scalar(select(model).where(model.code == code)) for code in codes]


def seed_inventory():
    """A baseline round (2010) and a later round (2011) of the same questionnaires.

    2011, food: association A (100 members): child labour at 40 % and 60 % (the second
    also wages, in Ivory Coast), climate without a share; association B (50 members):
    child labour at 10 %; company C responded without activities; company D declined.
    Banks: an association invited, no response (an empty row). Energy: company E, a
    water audit. A has a dilemma (child labour, Ghana) and a bottleneck (child labour);
    B a bottleneck on climate. 2010: A with one child-labour activity at 20 %.
    Benchmark 2008: food and banks at sector level, one organisation score for E."""
    baseline = factories.make_round(slug="imvo-2010", year=2010, is_baseline=True, status="closed")
    later = factories.make_round(slug="imvo-2011", year=2011)
    a, b = association("A", members=100), association("B", members=50)
    respond(baseline, a, [{"aspects": ["child_labour"], "share": 20}])
    response_a = respond(later, a, [{"aspects": ["child_labour"], "share": 40, "consent": True},
                                    {"aspects": ["child_labour", "wages"], "share": 60, "countries": ["CI"],
                                     "products": ["cocoa"], "type": "chain_initiative", "partners": ["idh"]},
                                    {"aspects": ["climate"], "title": "Klimaat"}])
    response_b = respond(later, b, [{"aspects": ["child_labour"], "share": 10}])
    respond(later, company("C"), [])
    factories.make_invitation(later, company("D"), status="declined")
    factories.make_invitation(later, association("Bank", sector="banken"), status="invited")
    energy = company("E", sector="energie", size="large", is_listed=True)
    respond(later, energy, [{"aspects": ["water"], "type": "audit_monitoring"}])
    child_labour, climate = _by_code(Aspect, "child_labour", "climate")
    ghana, food, banks = _by_code(Country, "GH")[0], factories.sector("voedsel_drank"), factories.sector("banken")
    db.session.add_all([
        Dilemma(response=response_a, position=1, description="Kinderarbeid bij toeleveranciers",
                aspects=[child_labour], countries=[ghana]),
        Bottleneck(response=response_a, position=1, description="Geen zicht op de keten",
                   what_would_help="Een sectorafspraak", aspects=[child_labour]),
        Bottleneck(response=response_b, position=1, description="Meten van uitstoot", aspects=[climate]),
        BenchmarkScore(year=2008, level="sector", sector=food, total_score=36,
                       chain_score=3.0, company_count=20, listed_count=6),
        BenchmarkScore(year=2008, level="sector", sector=banks, total_score=72,
                       chain_score=5.5, company_count=5, listed_count=4),
        BenchmarkScore(year=2009, level="organisation", organisation=energy, total_score=50, chain_score=4.0),
    ])
    db.session.commit()
    return baseline, later
