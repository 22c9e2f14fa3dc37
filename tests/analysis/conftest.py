"""The food round: a small hand-computed inventory shared by the matrix tests."""

from __future__ import annotations

import pytest

from imvo_survey.extensions import db

from .. import factories
from .builders import association, company, respond


@pytest.fixture
def food_round():
    """Food: association A (100 members) with 2 child-labour activities (shares 40, 60)
    and one climate activity without a share; association B (50 members) with a
    child-labour activity at 10 %; company C (no activities); company D declined.
    Banks: one association targeted, not responded. Energy: company E responded with a
    water activity."""
    round = factories.make_round(slug="imvo-2010", year=2010)
    a = association("A", members=100)
    b = association("B", members=50)
    respond(round, a, [{"aspects": ["child_labour"], "share": 40},
                       {"aspects": ["child_labour", "wages"], "share": 60},
                       {"aspects": ["climate"]}])
    respond(round, b, [{"aspects": ["child_labour"], "share": 10}])
    respond(round, company("C"), [])
    factories.make_invitation(round, company("D"), status="declined")
    factories.make_invitation(round, association("Bank", sector="banken"), status="invited")
    respond(round, company("E", sector="energie"), [{"aspects": ["water"], "type": "audit_monitoring"}])
    db.session.commit()
    return round
