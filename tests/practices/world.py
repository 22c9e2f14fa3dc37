"""Good practices to test with: responses built in the database, marks made by the
service, and the name consent set as the questionnaire stores it."""

from __future__ import annotations

from imvo_survey.answers.document import set_answer
from imvo_survey.answers.services import layout_of
from imvo_survey.extensions import db
from imvo_survey.practices.services import NAME_CONSENT_CODE, mark

from .. import factories
from ..analysis.builders import association, company, respond


def name_consent(response, value: bool) -> None:
    set_answer(response, layout_of(response.version), NAME_CONSENT_CODE, "yes" if value else "no")
    db.session.flush()


def practice(response, text: str, position: int = 1, user=None):
    """Mark the response's activity at `position` with `text`."""
    activity = next(a for a in response.activities if a.position == position)
    return mark(activity, text, user)


def build(year: int = 2010):
    """A round with three responding organisations:

    - "Koffie Vereniging" (voedsel_drank, name consented): a cocoa activity in Ghana
      on child labour, consented and marked; and one not consented;
    - "Stille Energie BV" (energie, name not consented): a water audit in Brazil,
      consented and marked;
    - "Bezig BV" (still in progress): a consented activity, marked while it was submitted.
    """
    round = factories.make_round(year=year, status="open")
    coffee = respond(round, association("Koffie Vereniging"), [
        {"title": "Cacao zonder kinderarbeid", "aspects": ["child_labour"], "countries": ["GH"],
         "products": ["cocoa"], "consent": True},
        {"title": "Geheim plan", "aspects": ["wages"], "consent": False}])
    name_consent(coffee, True)
    energy = respond(round, company("Stille Energie BV", sector="energie"), [
        {"title": "Wateraudit", "aspects": ["water"], "type": "audit_monitoring", "countries": ["BR"],
         "consent": True}])
    name_consent(energy, False)
    busy = respond(round, company("Bezig BV"), [{"title": "Half af", "aspects": ["water"], "consent": True}])
    name_consent(busy, True)
    practice(coffee, "Leden kopen cacao met keurmerk en controleren hun ketens.")
    practice(energy, "Een jaarlijkse audit van het waterverbruik bij toeleveranciers.")
    practice(busy, "Nog niet af.")
    busy.status = "in_progress"
    busy.submitted_at = None
    db.session.commit()
    return {"round": round, "coffee": coffee, "energy": energy, "busy": busy}
