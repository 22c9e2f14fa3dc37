"""The data of the load benchmark (benchmarks/load.py): the schema by the migrations,
the reference data and shipped questionnaires, an open round with one invited
organisation and invitation link per respondent, and a fixture questionnaire whose one
section has 40 questions. Also: the answers of a response as stored, for the check of
lost saves. Runs inside the benchmark's own app context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = {"nl": "Benchmarkvraag", "en": "Benchmark question"}
#: The 40 questions: five of each of these kinds, none shown only under a condition.
FORTY_KINDS = (
    {"type": "integer", "validation": {"min": 0}},
    {"type": "yes_no"},
    {"type": "single_choice", "choices": [{"code": f"c{n}", "label": {"nl": f"Keuze {n}", "en": f"Choice {n}"}}
                                          for n in range(5)]},
    {"type": "multiple_choice", "choices": [{"code": f"c{n}", "label": {"nl": f"Keuze {n}", "en": f"Choice {n}"}}
                                            for n in range(6)]},
    {"type": "text", "validation": {"max_length": 200}},
    {"type": "long_text", "validation": {"max_length": 4000}},
    {"type": "scale", "scale": {"min_label": {"nl": "Weinig", "en": "Little"},
                                "max_label": {"nl": "Veel", "en": "Much"}}},
    {"type": "reference_many", "reference": "product_group"},
)


@dataclass
class Fixture:
    """The invitation links the benchmark uses."""

    tokens: list[str]  # one invitation link per respondent
    pages_token: str  # another organisation's link, for the closed loop over shipped pages
    forty_token: str  # an organisation's link in the round with the 40-question section


def forty_questions() -> dict:
    """A questionnaire for associations with one section of 40 questions."""
    questions = [{"code": f"q{number:02d}", "label": TEXT, "required": False,
                  **FORTY_KINDS[number % len(FORTY_KINDS)]} for number in range(40)]
    return {"format": "imvo-questionnaire", "format_version": 1, "version": 1, "default_language": "nl",
            "questionnaire": {"code": "benchmark-forty", "audience": "association",
                              "title": {"nl": "Veertig vragen", "en": "Forty questions"}},
            "sections": [{"code": "forty", "title": {"nl": "Veertig vragen", "en": "Forty questions"},
                          "questions": questions}]}


def _invited(round, number: int, kind: str) -> str:
    """A new organisation of `kind` with a contact, invited to `round`; its link's token."""
    from sqlalchemy import select

    from imvo_survey.extensions import db
    from imvo_survey.models import Contact, Invitation, Organisation, Sector
    from imvo_survey.rounds.services import audience_of, issue_token

    sector = db.session.scalar(select(Sector).order_by(Sector.id))
    organisation = Organisation(name=f"Organisatie {number:03d}", kind=kind, sector=sector,
                                size="mkb" if kind == "company" else None)
    contact = Contact(organisation=organisation, name=f"Contact {number}", email=f"contact{number}@example.org",
                      language="nl", is_primary=True)
    db.session.add_all([organisation, contact])
    db.session.flush()
    invitation = Invitation(round=round, organisation=organisation, audience=audience_of(organisation),
                            status="invited")
    db.session.add(invitation)
    db.session.flush()
    return issue_token(invitation, contact)


def build(users: int) -> Fixture:
    """The schema, the reference data, the rounds and the links; committed."""
    from flask_migrate import upgrade

    from imvo_survey.extensions import db
    from imvo_survey.models import utcnow
    from imvo_survey.questionnaires.services import find_version, publish, store_definition
    from imvo_survey.rounds.creating import create_round
    from imvo_survey.seed import seed_questionnaires, seed_reference

    upgrade(directory=str(ROOT / "migrations"))
    seed_reference()
    seed_questionnaires()
    db.session.flush()
    association = find_version("imvo-associations", published_only=True)
    company = find_version("imvo-companies", published_only=True)
    now = utcnow()
    rush = create_round("Deadline 2011", "deadline-2011", 2011, opens_at=now - timedelta(days=30),
                        closes_at=now + timedelta(days=1), association=association, company=company)
    rush.status = "open"
    # Associations and companies alternate, so both shipped questionnaires are answered.
    tokens = [_invited(rush, number, "company" if number % 2 else "branch_association") for number in range(users)]
    pages_token = _invited(rush, users, "branch_association")
    forty = store_definition(forty_questions())
    publish(forty, None)
    fixture_round = create_round("Veertig 2011", "veertig-2011", 2011, opens_at=now - timedelta(days=30),
                                 closes_at=now + timedelta(days=1), association=forty)
    fixture_round.status = "open"
    forty_token = _invited(fixture_round, users + 1, "branch_association")
    db.session.commit()
    return Fixture(tokens, pages_token, forty_token)


def stored_answers(invitation_id: int) -> dict[str, list[str]]:
    """The answers of the invitation's response as stored now, as sorted lists of strings
    (what a form posts for them)."""
    from sqlalchemy import select

    from imvo_survey.answers import services
    from imvo_survey.answers.values import to_json
    from imvo_survey.extensions import db
    from imvo_survey.models import Response

    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation_id))
    if response is None:
        return {}
    _layout, document = services.document_of(response)
    stored = {}
    for code, value in document.answers.items():
        value = to_json(value)
        values = value if isinstance(value, list) else [] if value is None else [value]
        stored[code] = sorted(str(v) for v in values)
    return stored
