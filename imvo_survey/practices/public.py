"""What the public sees of good practices, read live at every request.

A practice is public while its mark exists, its activity's consent holds and its
response is handed in; the organisation's name only while the name consent holds. Only
these fields leave the database: the public text, the round's year, the name (when
consented) and the activity's classification (sector, aspects, type, countries, product
groups) by which the page filters. Nothing else about an organisation is public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Activity,
    ActivityType,
    Answer,
    Aspect,
    Country,
    GoodPractice,
    Organisation,
    ProductGroup,
    Response,
    Round,
    Sector,
)
from ..models.response import activity_aspect, activity_country, activity_product_group
from .services import NAME_CONSENT_CODE, PUBLISHABLE_STATUSES

#: The filters of the public page: query parameter -> (reference model, link table or None).
FILTERS = {
    "sector": (Sector, None),
    "aspect": (Aspect, activity_aspect),
    "activity_type": (ActivityType, None),
    "country": (Country, activity_country),
    "product_group": (ProductGroup, activity_product_group),
}
#: The longest search text accepted (longer is cut).
SEARCH_MAX = 100


@dataclass(frozen=True)
class Criteria:
    """The public page's filters (reference codes) and search text; empty means all."""

    sector: str = ""
    aspect: str = ""
    activity_type: str = ""
    country: str = ""
    product_group: str = ""
    search: str = ""

    @classmethod
    def from_args(cls, args) -> Criteria:
        """From a request's query string; anything but text is ignored."""
        values = {name: _text(args.get(name))[:40] for name in FILTERS}
        return cls(search=_text(args.get("q"))[:SEARCH_MAX], **values)

    def query_args(self) -> dict[str, str]:
        """The non-empty criteria as query parameters (for links to JSON and Atom)."""
        values = {name: getattr(self, name) for name in FILTERS}
        values["q"] = self.search
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class PublicPractice:
    """One good practice as the public may see it."""

    id: int
    text: str
    year: int
    organisation: str | None
    sector: str | None
    aspects: list[str]
    activity_type: str | None
    countries: list[str]
    product_groups: list[str]
    published: datetime
    updated: datetime

    def as_json(self) -> dict:
        return {"id": self.id, "text": self.text, "year": self.year, "organisation": self.organisation,
                "sector": self.sector, "aspects": self.aspects, "activity_type": self.activity_type,
                "countries": self.countries, "product_groups": self.product_groups,
                "published": self.published.isoformat(), "updated": self.updated.isoformat()}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def name_consented():
    """SQL: the response's organisation consented to its name being published."""
    return exists().where(Answer.response_id == Response.id, Answer.code == NAME_CONSENT_CODE,
                          Answer.entry == 0, Answer.text_value == "yes")


def _conditions(criteria: Criteria) -> list:
    conditions = [Activity.publish_consent.is_(True), Response.status.in_(PUBLISHABLE_STATUSES)]
    for name, (model, link) in FILTERS.items():
        code = getattr(criteria, name)
        if not code:
            continue
        if name == "sector":
            conditions.append(Response.snapshot_sector.has(Sector.code == code))
        elif name == "activity_type":
            conditions.append(Activity.activity_type.has(ActivityType.code == code))
        else:
            target = link.c[f"{model.__tablename__}_id"]
            conditions.append(exists().where(link.c.activity_id == Activity.id, target == model.id,
                                             model.code == code))
    if criteria.search:
        pattern = "%" + criteria.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(GoodPractice.public_text.ilike(pattern, escape="\\"),
                              and_(name_consented(), Organisation.name.ilike(pattern, escape="\\"))))
    return conditions


def practices_query(criteria: Criteria):
    """The public practices matching `criteria`, newest round first, then newest mark."""
    return (select(GoodPractice, Round.year, Organisation.name, name_consented().label("named"))
            .join(Activity, Activity.id == GoodPractice.activity_id)
            .join(Response, Response.id == Activity.response_id)
            .join(Round, Round.id == Response.round_id)
            .join(Organisation, Organisation.id == Response.organisation_id)
            .where(*_conditions(criteria))
            .order_by(Round.year.desc(), GoodPractice.marked_at.desc(), GoodPractice.id.desc())
            .options(selectinload(GoodPractice.activity).selectinload(Activity.aspects),
                     selectinload(GoodPractice.activity).selectinload(Activity.countries),
                     selectinload(GoodPractice.activity).selectinload(Activity.product_groups),
                     selectinload(GoodPractice.activity).selectinload(Activity.activity_type),
                     selectinload(GoodPractice.activity).selectinload(Activity.response)
                     .selectinload(Response.snapshot_sector)))


def public_practices(criteria: Criteria, language: str, limit: int | None = None) -> list[PublicPractice]:
    """The matching practices as the public sees them (at most `limit`)."""
    query = practices_query(criteria)
    if limit is not None:
        query = query.limit(limit)
    return [_public(practice, year, name if named else None, language)
            for practice, year, name, named in db.session.execute(query).all()]


def round_practices(round_id: int, language: str) -> list[PublicPractice]:
    """The public practices of one round (for its progress report), as the public page shows them."""
    query = practices_query(Criteria()).where(Round.id == round_id)
    return [_public(practice, year, name if named else None, language)
            for practice, year, name, named in db.session.execute(query).all()]


def _public(practice: GoodPractice, year: int, name: str | None, language: str) -> PublicPractice:
    activity = practice.activity
    sector = activity.response.snapshot_sector
    return PublicPractice(
        id=practice.id, text=practice.public_text, year=year, organisation=name,
        sector=sector.label(language) if sector else None,
        aspects=[item.label(language) for item in activity.aspects],
        activity_type=activity.activity_type.label(language) if activity.activity_type else None,
        countries=[item.label(language) for item in activity.countries],
        product_groups=[item.label(language) for item in activity.product_groups],
        published=practice.marked_at, updated=practice.updated_at)


def filter_choices(language: str) -> dict[str, list[tuple[str, str]]]:
    """Per filter, the reference entries as (code, label), in their order."""
    return {name: [(item.code, item.label(language))
                   for item in db.session.scalars(select(model).order_by(model.position, model.code))]
            for name, (model, _link) in FILTERS.items()}
