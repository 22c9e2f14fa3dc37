"""Building inventories directly in the database for the analysis tests."""

from __future__ import annotations

from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import (
    Activity,
    ActivityType,
    Aspect,
    ChainInitiative,
    Country,
    ProductGroup,
    Response,
    utcnow,
)

from .. import factories


def _by_code(model, codes):
    return [db.session.scalar(select(model).where(model.code == code)) for code in codes]


def respond(round, organisation, activities=(), status="submitted", **snapshot):
    """An invitation and a response of `organisation`, with its activities. Each activity
    is a dict: aspects, share, type, countries, products, consent, carry."""
    invitation = factories.make_invitation(round, organisation, status=status)
    response = Response(invitation=invitation, organisation_id=organisation.id, round_id=round.id,
                        version=round.version_for(invitation.audience), status=status, lock_version=1,
                        started_at=utcnow(), submitted_at=utcnow() if status in ("submitted", "accepted", "returned") else None,
                        snapshot_kind=snapshot.get("kind", organisation.kind),
                        snapshot_size=snapshot.get("size", organisation.size),
                        snapshot_sector_id=snapshot["sector"].id if "sector" in snapshot else organisation.sector_id,
                        snapshot_branch_id=snapshot["branch"].id if "branch" in snapshot else organisation.branch_id,
                        snapshot_member_count=snapshot.get("members", organisation.member_count),
                        snapshot_mkb_member_count=organisation.mkb_member_count)
    db.session.add(response)
    db.session.flush()
    for position, spec in enumerate(activities, start=1):
        links = {"activity_type": _by_code(ActivityType, [spec.get("type", "code_of_conduct")])[0],
                 "aspects": _by_code(Aspect, spec.get("aspects", [])),
                 "countries": _by_code(Country, spec.get("countries", [])),
                 "product_groups": _by_code(ProductGroup, spec.get("products", [])),
                 "partners": _by_code(ChainInitiative, spec.get("partners", []))}
        db.session.add(Activity(response=response, position=position,
                                title=spec.get("title", f"Activiteit {position}"), description=spec.get("description"),
                                member_share=spec.get("share"), publish_consent=spec.get("consent"),
                                carry_status=spec.get("carry"), **links))
    db.session.flush()
    return response


def association(name, sector="voedsel_drank", members=100, **values):
    return factories.make_organisation(name=name, kind="branch_association", sector=factories.sector(sector),
                                       member_count=members, **values)


def company(name, sector="voedsel_drank", size="mkb", **values):
    return factories.make_organisation(name=name, kind="company", size=size, sector=factories.sector(sector),
                                       **values)
