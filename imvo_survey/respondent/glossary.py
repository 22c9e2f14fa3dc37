"""Short explanations of the terms of art a respondent meets, shown beside the
questions that use them and on the glossary page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    """A term, the words that find it in a text, and its explanation."""

    key: str
    name: object
    patterns: tuple[str, ...]
    explanation: object


TERMS = (
    Term("imvo", _l("IMVO"), (r"\bIMVO\b", r"\bICSR\b"), _l(
        "International corporate social responsibility: taking care of people and the environment in the whole "
        "international supply chain, also at suppliers abroad.")),
    Term("rj400", _l("RJ400 (Richtlijn 400)"), (r"\bRJ ?400\b", r"Richtlijn 400", r"Guideline 400"), _l(
        "The Dutch Accounting Standards Board's guideline for the annual report. From financial years starting "
        "on 1 January 2010 it asks companies to report on corporate social responsibility, including their "
        "supply chain.")),
    Term("oecd", _l("OECD Guidelines"), (r"\bOE[SC]O\b", r"\bOECD\b"), _l(
        "The OECD Guidelines for Multinational Enterprises: recommendations of governments to companies on "
        "responsible business conduct, such as human rights, labour, environment and anti-corruption.")),
    Term("ilo", _l("ILO fundamental labour standards"), (r"\bILO\b",), _l(
        "Four standards of the International Labour Organization, with no hierarchy between them: freedom of "
        "association and collective bargaining, no forced labour, no child labour, no discrimination in work.")),
    Term("ruggie", _l("UN framework 'Protect, Respect and Remedy'"), (r"\bRuggie\b", r"Protect, Respect"), _l(
        "The UN framework of John Ruggie: states protect human rights, companies respect them, and victims "
        "have access to remedy (such as complaint mechanisms).")),
    Term("global_compact", _l("UN Global Compact"), (r"Global Compact",), _l(
        "A UN initiative in which companies commit to ten principles on human rights, labour, environment and "
        "anti-corruption.")),
    Term("chain", _l("Chain responsibility"), (r"\bketen", r"\bsupply chain", r"\bchain responsibility"), _l(
        "The responsibility of a company for its suppliers. It grows with how frequent, intensive and "
        "knowable the relation with a supplier is.")),
    Term("benchmark", _l("Transparantiebenchmark"), (r"Transparantiebenchmark", r"Transparency Benchmark"), _l(
        "The yearly assessment by the Dutch Ministry of Economic Affairs of how well large Dutch companies "
        "report on corporate social responsibility.")),
    Term("mkb", _l("MKB"), (r"\bMKB\b", r"\bSMEs?\b"), _l(
        "Small and medium-sized enterprises (midden- en kleinbedrijf): here, companies with fewer than 250 "
        "employees.")),
    Term("complaint", _l("Complaint mechanism"), (r"klachtenmechanisme", r"complaint mechanism",
                                                 r"grievance mechanism"), _l(
        "A fixed procedure by which people harmed by activities in the chain (workers, local communities) can "
        "file a complaint that is investigated and handled.")),
    Term("good_practice", _l("Good practice"), (r"good practice", r"goed voorbeeld", r"goede voorbeelden"), _l(
        "An activity that others can learn from. The SER publishes good practices only with the "
        "organisation's consent.")),
    Term("baseline", _l("Baseline (nulmeting)"), (r"\bnulmeting\b", r"\bbaseline\b"), _l(
        "The first measurement, of 2010, that later rounds are compared with.")),
)


def terms_in(*texts: str) -> list[Term]:
    """The terms that occur in any of the texts, in glossary order."""
    joined = "\n".join(text for text in texts if text)
    return [term for term in TERMS if any(re.search(pattern, joined, re.IGNORECASE) for pattern in term.patterns)]
