"""A round to report on, with something in every section of the report.

Baseline 2010 and round 2011 of the same questionnaires:
- food (voedsel_drank): association "Koffie Vereniging" (2010 and 2011; 2011: cocoa in
  Ghana on child labour, a marked good practice; a dilemma on child labour; name
  consented; a sector-wide complaint mechanism with 12 complaints received, 9 handled;
  a sector report; RJ400 recommended), company "Stille Cacao BV" (2010 and 2011; 2011:
  an activity on water; reports on its website; a bottleneck on wages, what would help;
  name not consented; no complaint mechanism; RJ400 used), company "Nieuwkomer BV"
  (2011 only, no activities);
- energy (energie): association "Energie Vereniging" (2011; water, no chain), and an
  invited bank that did not respond (banken);
- risks: cocoa / West Africa high on child labour and wages (the food chain named is
  cocoa from Ghana), so wages lags in food (0 %, gap 1);
- the benchmark of 2010 for food;
- a verification sample of the 2011 round with checks.
Hostile strings sit in an organisation's name, a dilemma and a good practice's text.
"""

from __future__ import annotations

from imvo_survey.answers.document import set_answer
from imvo_survey.answers.services import layout_of
from imvo_survey.extensions import db
from imvo_survey.models import Aspect, BenchmarkScore, Bottleneck, Dilemma
from imvo_survey.practices.services import mark
from imvo_survey.verification.requests import record_check
from imvo_survey.verification.services import draw_sample

from .. import factories
from ..analysis.builders import association, company, respond
from ..risk.conftest import add_risk, by_code

HOSTILE_NAME = "<script>alert('naam')</script> Vereniging"
HOSTILE_DILEMMA = '"><img src=x onerror=alert(1)> kinderen op de boerderij'
HOSTILE_PRACTICE = "</title><script>alert(2)</script> keurmerkcacao"


def answers(response, **values) -> None:
    """Answer plain questions of the response's questionnaire (code=value)."""
    layout = layout_of(response.version)
    for code, value in values.items():
        set_answer(response, layout, code, value)
    db.session.flush()


def build() -> dict:
    baseline = factories.make_round(slug="imvo-2010", year=2010, is_baseline=True, status="closed")
    round = factories.make_round(slug="imvo-2011", year=2011)
    coffee_org = association("Koffie Vereniging", members=100)
    cocoa_org = company("Stille Cacao BV")
    respond(baseline, coffee_org, [{"aspects": ["wages"], "share": 10}])
    respond(baseline, cocoa_org, [])
    coffee = respond(round, coffee_org, [
        {"title": "Cacao zonder kinderarbeid", "aspects": ["child_labour"], "countries": ["GH"], "products": ["cocoa"],
         "share": 40, "consent": True}])
    cocoa = respond(round, cocoa_org, [{"title": "Waterplan", "aspects": ["water"], "consent": False}])
    respond(round, company("Nieuwkomer BV"), [])
    energy = respond(round, association(HOSTILE_NAME, sector="energie", members=20),
                     [{"aspects": ["water"], "type": "audit_monitoring"}])
    factories.make_invitation(round, association("Bank", sector="banken"), status="invited")
    answers(coffee, publish_name_consent="yes", complaint_mechanism_exists="yes",
            complaint_mechanism_type="sector_wide", complaints_received=12, complaints_handled=9,
            sector_report_published="yes", rj400_recommended="yes")
    answers(cocoa, publish_name_consent="no", complaint_mechanism_exists="no", rj400_used="yes",
            reporting_channels=["website"])
    answers(energy, publish_name_consent="no", complaint_mechanism_exists="no", rj400_recommended="no")
    child_labour, wages = by_code(Aspect, "child_labour"), by_code(Aspect, "wages")
    db.session.add(Dilemma(response=coffee, position=1, description=HOSTILE_DILEMMA, aspects=[child_labour]))
    db.session.add(Bottleneck(response=cocoa, position=1, description="Lonen in de keten zijn onbekend",
                              what_would_help="Een sectorbrede loonstudie", aspects=[wages]))
    db.session.add(Dilemma(response=energy, position=1, description="Water delen met dorpen", aspects=[]))
    add_risk("west_africa", "cocoa", "child_labour", source="Seed 2.2")
    add_risk("west_africa", "cocoa", "wages", source="Seed 2.2")
    db.session.add(BenchmarkScore(year=2010, level="sector", sector=factories.sector("voedsel_drank"),
                                  total_score=36, chain_score=3.1, company_count=4))
    db.session.flush()
    mark(coffee.activities[0], HOSTILE_PRACTICE, None)
    secretariat = factories.make_user("secretariat")
    sample = draw_sample(round, percent=100, seed=7)
    for member in sample.members:
        for activity in member.response.activities:
            record_check(member, activity, "confirmed", "", secretariat)
    db.session.commit()
    return {"round": round, "baseline": baseline, "coffee": coffee, "cocoa": cocoa, "energy": energy,
            "sample": sample, "secretariat": secretariat}
