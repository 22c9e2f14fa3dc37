"""Demo rounds: a 2010 baseline and a 2011 round answered by the demo organisations,
with activities, dilemmas and bottlenecks across sectors and aspects (synthetic, made
with a fixed random seed), so that the matrix, the drill-down, the change since the
baseline and the exports show real numbers right after `make run`."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select

from ..answers import document as documents
from ..answers.layout import layout_of
from ..extensions import db
from ..models import (
    Activity,
    ActivityType,
    Aspect,
    Bottleneck,
    ChainInitiative,
    Country,
    Dilemma,
    Invitation,
    Organisation,
    ProductGroup,
    ReportingChannel,
    Response,
    Round,
)
from ..practices import services as practices
from ..public_figures import services as public_figures
from ..questionnaires.services import find_version

#: (title, activity type, aspects, countries, product groups, partners)
ACTIVITIES = [
    ("Gedragscode voor leveranciers", "supplier_code", ["child_labour", "forced_labour", "health_safety"],
     ["CN", "IN"], ["textiles_clothing"], []),
    ("Deelname aan de rondetafel duurzame palmolie", "chain_initiative", ["biodiversity", "land_rights"],
     ["MY", "ID"], ["vegetable_oils"], ["rspo"]),
    ("Audits bij cacaoleveranciers", "audit_monitoring", ["child_labour", "wages"], ["CI", "GH"], ["cocoa"], ["idh"]),
    ("Verantwoorde soja in veevoer", "certification", ["biodiversity", "land_rights", "water"], ["BR", "AR"],
     ["soy_feed"], ["rtrs"]),
    ("FSC-hout in het assortiment", "certification", ["biodiversity"], ["ID", "BR"], ["tropical_timber"], ["fsc"]),
    ("Risicoanalyse van de keten", "due_diligence", ["human_rights", "freedom_of_association", "discrimination"],
     ["CN", "VN"], ["electronics", "toys"], []),
    ("Training van leveranciers in veilig werken", "capacity_building", ["health_safety", "working_hours"],
     ["BD", "CN"], ["textiles_clothing", "footwear"], ["mvo_nl_branch_programme"]),
    ("Klachtenregeling voor werknemers in de keten", "complaint_mechanism", ["freedom_of_association", "wages"],
     ["IN", "BD"], ["textiles_clothing"], []),
    ("Overleg met ngo's en vakbonden", "stakeholder_dialogue", ["human_rights", "freedom_of_association"],
     ["CO", "PE"], ["flowers_plants", "coffee"], []),
    ("CO2-voetafdruk per product", "reporting", ["climate"], ["NL"], ["other"], []),
    ("Afvalwater bij leveranciers van chemicaliën", "audit_monitoring", ["water", "pollution_waste"], ["CN", "IN"],
     ["chemicals_plastics"], []),
    ("Anti-corruptiebeleid voor agenten", "code_of_conduct", ["anti_corruption"], ["NG", "CN"], ["metals_minerals"],
     []),
    ("Dierenwelzijn bij visleveranciers", "code_of_conduct", ["animal_welfare"], ["VN", "TH"], ["fish"], []),
    ("Duurzame thee in het brancheprogramma", "chain_initiative", ["wages", "health_safety", "water"], ["KE", "IN"],
     ["tea"], ["idh", "mvo_nl_branch_programme"]),
]
DILEMMAS = [
    ("Vakbondsvrijheid is in China wettelijk beperkt; wat mogen we van leveranciers vragen?",
     ["freedom_of_association"], ["CN"]),
    ("Stoppen met een leverancier met kinderarbeid kan de kinderen slechter af laten zijn.", ["child_labour"], ["CI"]),
    ("Leefbaar loon betalen maakt ons duurder dan concurrenten.", ["wages"], ["BD"]),
]
BOTTLENECKS = [
    ("Mkb-leden hebben weinig zicht op de tweede schakel in de keten.", ["human_rights"],
     "Een gezamenlijke database van audits in de sector."),
    ("Certificering is duur voor kleine leveranciers.", ["biodiversity"], "Steun voor groepscertificering."),
    ("Klachten van werknemers bereiken ons niet.", ["freedom_of_association"], "Een sectorbreed klachtenloket."),
]

ROUNDS = [
    ("demo-imvo-2010", "Inventarisatie IMVO 2010 (demo)", 2010, True, datetime(2010, 6, 1, 7, tzinfo=UTC),
     datetime(2010, 9, 30, 15, tzinfo=UTC)),
    ("demo-imvo-2011", "Inventarisatie IMVO 2011 (demo)", 2011, False, datetime(2011, 6, 1, 7, tzinfo=UTC),
     datetime(2011, 9, 30, 15, tzinfo=UTC)),
]


def _index(model) -> dict:
    return {item.code: item for item in db.session.scalars(select(model))}


def seed_demo_rounds(report) -> None:
    """Create the two demo rounds with their responses, once."""

    association = find_version("imvo-associations", published_only=True)
    company = find_version("imvo-companies", published_only=True)
    organisations = db.session.scalars(select(Organisation).where(Organisation.is_demo)
                                       .order_by(Organisation.id)).all()
    if association is None or company is None or not organisations:
        return
    refs = {name: _index(model) for name, model in (
        ("type", ActivityType), ("aspect", Aspect), ("country", Country), ("product", ProductGroup),
        ("partner", ChainInitiative), ("channel", ReportingChannel))}
    previous: dict[int, Response] = {}
    for number, (slug, name, year, baseline, opens, closes) in enumerate(ROUNDS):
        if db.session.scalar(select(Round.id).where(Round.slug == slug)) is not None:
            previous = {r.organisation_id: r for r in db.session.scalars(
                select(Response).join(Round).where(Round.slug == slug))}
            continue
        rng = random.Random(year)  # noqa: S311 - synthetic demo answers, the same on every run
        round = Round(name=name, slug=slug, year=year, status="closed", is_baseline=baseline, opens_at=opens,
                      closes_at=closes, association_version=association,
                      association_questionnaire=association.questionnaire, company_version=company,
                      company_questionnaire=company.questionnaire, contact_mode="primary", reminder_days=[7, 2],
                      invitation_subject_nl=f"Uitnodiging: {name}", invitation_subject_en=f"Invitation: {name}",
                      invitation_intro_nl="Demo-uitvraag met synthetische antwoorden.",
                      invitation_intro_en="Demo round with synthetic answers.")
        db.session.add(round)
        db.session.flush()
        answered = {}
        for organisation in organisations:
            response = _respond(round, organisation, rng, refs, previous.get(organisation.id), response_chance=
                                0.6 + 0.2 * number)
            if response is not None:
                answered[organisation.id] = response
        previous = answered
        report.count("created", "round")
        db.session.flush()
        _showcase(round, rng, report)
    db.session.flush()


#: Good practices marked per demo round, and the round whose figures are made public.
PRACTICES_PER_ROUND = 3
PUBLISHED_ROUND = "demo-imvo-2010"


def _showcase(round, rng, report) -> None:
    """What the public side shows, so that a new installation has something there: a
    few activities (consented to, of accepted responses) marked as good practices, and
    the baseline's figures published."""
    candidates = db.session.scalars(
        select(Activity).join(Response).where(Response.round_id == round.id, Response.status == "accepted",
                                              Activity.publish_consent.is_(True), Activity.carry_status.is_(None))
        .order_by(Activity.id)).all()
    for activity in rng.sample(candidates, k=min(PRACTICES_PER_ROUND, len(candidates))):
        organisation = activity.response.organisation
        practices.mark(activity, f"{organisation.name}: {activity.title.lower()} ({round.year}). "
                                 f"{activity.description}", None)
        report.count("created", "good_practice")
    if round.slug == PUBLISHED_ROUND and public_figures.publish(round, None):
        report.count("created", "figures_publication")


def _respond(round, organisation, rng, refs, last_year, response_chance: float):
    audience = "company" if organisation.kind == "company" else "association"
    invitation = Invitation(round=round, organisation=organisation, audience=audience, status="invited",
                            invited_at=round.opens_at, reminder_count=rng.randint(0, 2))
    db.session.add(invitation)
    draw = rng.random()
    if draw > response_chance + 0.1:
        return None
    if draw > response_chance:
        invitation.status, invitation.declined_at = "declined", round.opens_at
        invitation.decline_reason = "Geen capaciteit dit jaar (demo)."
        return None
    version = round.version_for(audience)
    response = Response(invitation=invitation, organisation_id=organisation.id, round_id=round.id, version=version,
                        status="accepted", lock_version=2, started_at=round.opens_at, last_saved_at=round.opens_at,
                        submitted_at=round.opens_at, accepted_at=round.closes_at,
                        snapshot_kind=organisation.kind, snapshot_size=organisation.size,
                        snapshot_sector_id=organisation.sector_id, snapshot_branch_id=organisation.branch_id,
                        snapshot_member_count=organisation.member_count,
                        snapshot_mkb_member_count=organisation.mkb_member_count)
    db.session.add(response)
    invitation.status = "accepted"
    invitation.opened_at = invitation.last_activity_at = round.opens_at
    db.session.flush()
    _answers(response, organisation, rng)
    _activities(response, organisation, rng, refs, last_year)
    return response


def _answers(response, organisation, rng) -> None:
    layout = layout_of(response.version)
    values = {"member_count": organisation.member_count, "member_count_mkb": organisation.mkb_member_count,
              "publish_name_consent": rng.choice(["yes", "no"]), "company_size": organisation.size,
              "sector": organisation.sector.code if organisation.sector else None}
    for code, value in values.items():
        if code in layout.questions and value is not None and layout.parent.get(code) is None:
            documents.set_answer(response, layout, code, value)


def _activities(response, organisation, rng, refs, last_year) -> None:
    is_association = organisation.kind != "company"
    chosen = rng.sample(ACTIVITIES, k=rng.randint(1, 4 if is_association else 2))
    position = 0
    for activity in (last_year.activities if last_year is not None else []):
        status = rng.choice(["continued", "continued", "changed", "ended"])
        position += 1
        db.session.add(_copy(activity, response, position, status))
    for title, kind, aspects, countries, products, partners in chosen:
        position += 1
        db.session.add(Activity(
            response=response, position=position, title=title, description=f"{title} (demo).",
            activity_type=refs["type"][kind], aspects=[refs["aspect"][a] for a in aspects],
            countries=[refs["country"][c] for c in countries if c in refs["country"]],
            product_groups=[refs["product"][p] for p in products], partners=[refs["partner"][p] for p in partners],
            channels=[refs["channel"][rng.choice(["annual_report", "website", "sector_report"])]],
            start_year=rng.randint(2005, response.round.year),
            member_share=float(rng.choice([10, 25, 40, 60, 80])) if is_association else None,
            publish_consent=rng.random() < 0.7))
    for description, aspects, countries in rng.sample(DILEMMAS, k=rng.randint(0, 1)):
        db.session.add(Dilemma(response=response, position=1, description=description,
                               aspects=[refs["aspect"][a] for a in aspects],
                               countries=[refs["country"][c] for c in countries]))
    for description, aspects, helps in rng.sample(BOTTLENECKS, k=rng.randint(0, 1)):
        db.session.add(Bottleneck(response=response, position=1, description=description, what_would_help=helps,
                                  aspects=[refs["aspect"][a] for a in aspects]))


def _copy(activity: Activity, response, position: int, status: str) -> Activity:
    """Last year's activity, carried over and confirmed (ended ones count last year only)."""
    return Activity(response=response, position=position, title=activity.title, description=activity.description,
                    activity_type=activity.activity_type, aspects=list(activity.aspects),
                    countries=list(activity.countries), product_groups=list(activity.product_groups),
                    partners=list(activity.partners), channels=list(activity.channels),
                    start_year=activity.start_year, member_share=activity.member_share,
                    publish_consent=activity.publish_consent, carry_status=status, carried_from_id=activity.id)
