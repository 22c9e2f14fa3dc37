"""The risk entries shipped as starting data, marked as examples: where the seed
document (section 2.2) says IMVO risks play. The levels are a first judgement for the
secretariat to correct; an entry it edits is no longer an example.

Loaded by `imvo seed` only while there are no risk entries at all, so that entries the
secretariat deleted do not come back and a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Aspect, Country, ProductGroup, RiskEntry

SOURCE = "SER, werkplan IMVO 2010-2012, par. 2.2 (voorbeeld)"
CHINA_ASPECTS = (("freedom_of_association", "high"), ("wages", "medium"), ("working_hours", "high"),
                 ("health_safety", "medium"), ("discrimination", "medium"))

#: (product groups, countries or regions, ((aspect, level), ...))
EXAMPLES = [
    (("cocoa", "coffee"), ("west_africa",), (("child_labour", "high"), ("forced_labour", "medium"),
                                             ("wages", "high"))),
    (("soy_feed",), ("AR", "BR"), (("biodiversity", "high"), ("land_rights", "high"))),
    (("vegetable_oils",), ("MY", "ID"), (("biodiversity", "high"), ("land_rights", "high"),
                                         ("forced_labour", "medium"), ("child_labour", "medium"))),
    (("electronics", "textiles_clothing", "footwear", "toys"), ("CN",), CHINA_ASPECTS),
]


def seed_risk_examples(report=None) -> int:
    """Add the examples when there are no risk entries yet; the number added. Flushes."""
    if db.session.scalar(select(func.count(RiskEntry.id))):
        return 0
    codes = {model: {item.code: item for item in db.session.scalars(select(model))}
             for model in (Aspect, Country, ProductGroup)}
    added = 0
    for product_groups, places, aspects in EXAMPLES:
        for product_group in product_groups:
            for place in places:
                for aspect, level in aspects:
                    db.session.add(RiskEntry(country=codes[Country][place],
                                             product_group=codes[ProductGroup][product_group],
                                             aspect=codes[Aspect][aspect], level=level, source=SOURCE, example=True))
                    added += 1
                    if report is not None:
                        report.count("created", "risk_entry")
    db.session.flush()
    return added
