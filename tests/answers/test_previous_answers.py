"""Which answers are "last year's": the organisation's response in the latest earlier
round (by year, then by closing time) of the same questionnaire, whatever order the
rounds were opened in."""

from __future__ import annotations

from datetime import timedelta

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import utcnow

from .. import factories
from ..answering import answer_required


def _round(slug: str, year: int, opened_days_ago: int, closes_in_days: int = 14):
    now = utcnow().replace(second=0, microsecond=0)
    return factories.make_round(slug=slug, year=year, opens_at=now - timedelta(days=opened_days_ago),
                                closes_at=now + timedelta(days=closes_in_days))


def _submitted(round, organisation):
    invitation = factories.make_invitation(round, organisation, status="invited")
    actor = Actor(contact=organisation.contacts[0])
    response = services.start(invitation, actor)
    answer_required(response, actor)
    assert services.submit(response, actor) == []
    return response


def _organisation():
    organisation = factories.make_organisation(name="Vereniging Volgorde")
    factories.make_contact(organisation, email="anna@example.org")
    return organisation


def test_the_year_decides_not_the_order_in_which_rounds_were_opened(app):
    organisation = _organisation()
    earlier = _round("imvo-2011", 2011, opened_days_ago=3)
    later = _round("imvo-2013", 2013, opened_days_ago=2)  # opened before the 2012 round
    this = _round("imvo-2012", 2012, opened_days_ago=1)
    from_2011, _from_2013 = _submitted(earlier, organisation), _submitted(later, organisation)
    invitation = factories.make_invitation(this, organisation, status="invited")
    db.session.commit()
    assert services.previous_response(invitation).id == from_2011.id


def test_within_a_year_the_later_closing_round_is_the_previous_one(app):
    organisation = _organisation()
    # Two rounds of 2012 opened in the same minute: the one that closes later came last.
    first = _round("imvo-2012-voorjaar", 2012, opened_days_ago=1, closes_in_days=10)
    second = _round("imvo-2012-najaar", 2012, opened_days_ago=1, closes_in_days=20)
    from_second = _submitted(second, organisation)
    _submitted(first, organisation)
    this = _round("imvo-2013", 2013, opened_days_ago=1)
    invitation = factories.make_invitation(this, organisation, status="invited")
    db.session.commit()
    assert services.previous_response(invitation).id == from_second.id


def test_a_later_round_never_offers_its_answers_to_an_earlier_one(app):
    organisation = _organisation()
    later = _round("imvo-2013", 2013, opened_days_ago=2)
    _submitted(later, organisation)
    this = _round("imvo-2012", 2012, opened_days_ago=1)
    invitation = factories.make_invitation(this, organisation, status="invited")
    db.session.commit()
    assert services.previous_response(invitation) is None
