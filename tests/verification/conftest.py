"""A round with submitted responses in three sectors: food 5 (four associations and a
company), energy 2, banks 1 (a single response); plus a response still in progress and
one declined, which are never drawn."""

from __future__ import annotations

import pytest

from imvo_survey.extensions import db

from .. import factories
from ..analysis.builders import association, company, respond


@pytest.fixture
def sample_round():
    round = factories.make_round(slug="imvo-2010", year=2010)
    for name in ("A", "B", "C", "D"):
        respond(round, association(name), [{"aspects": ["child_labour"]}, {"aspects": ["wages"]}])
    respond(round, company("E"), [{"aspects": ["water"]}], status="accepted")
    respond(round, company("F", sector="energie"), [{"aspects": ["climate"]}])
    respond(round, company("G", sector="energie"), [])
    respond(round, association("Bank", sector="banken"), [{"aspects": ["human_rights"]}])
    respond(round, company("Busy"), [], status="in_progress")
    respond(round, company("No"), [], status="declined")
    db.session.commit()
    return round
