"""Finding the sector or organisation a benchmark row is about.

Sectors match by code, Dutch or English name, printed alias (`SectorAlias`) or a name
mapped by hand before (`BenchmarkAlias`); organisations by KvK number, else by name or
a name mapped by hand. Names are compared after `normalise`: without case, accents,
punctuation and spacing, so "Voedsel & drank", "voedsel/drank" and "VOEDSEL-DRANK" are
one name. What does not match gets the closest names as suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import BenchmarkAlias, Organisation, Sector

#: Words that make a row a total or average, not a sector or organisation.
TOTAL_WORDS = frozenset({"gemiddeld", "gemiddelde", "gem", "totaal", "totalen", "average", "avg", "mean",
                         "total", "totals", "overall"})
#: Legal forms left out when organisation names are compared.
LEGAL_FORMS = ("bv", "nv", "vof", "cv")
SUGGESTIONS = 3


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(name: str) -> str:
    """A name without case, accents, punctuation and spacing."""
    return re.sub(r"[^0-9a-z]+", "", strip_accents(str(name)).casefold())


def organisation_key(name: str) -> str:
    """An organisation's name as compared: `normalise`d, a trailing legal form left out."""
    words = re.sub(r"[^0-9a-z]+", " ", strip_accents(str(name)).casefold().replace(".", "")).split()
    if len(words) > 1 and words[-1] in LEGAL_FORMS:
        words = words[:-1]
    return "".join(words)


def is_total_row(name: str) -> bool:
    """Whether a row's name marks it as the table's total or average ("Gemiddeld", "Total", ...)."""
    words = re.sub(r"[^0-9a-z]+", " ", strip_accents(str(name)).casefold()).split()
    return bool(words) and words[0] in TOTAL_WORDS


@dataclass
class Match:
    """What a name was matched to, and how (code, name, alias, kvk, mapped)."""

    subject: Sector | Organisation | None
    how: str | None = None
    #: When nothing matched: the closest subjects.
    suggestions: tuple = ()
    #: When several organisations carry the name.
    ambiguous: bool = False


class SectorMatcher:
    """Every name a sector is known by, normalised."""

    level = "sector"

    def __init__(self) -> None:
        self.keys: dict[str, tuple[Sector, str]] = {}
        for sector in db.session.scalars(select(Sector).order_by(Sector.position)):
            self.keys.setdefault(normalise(sector.code), (sector, "code"))
            for label in (sector.label_nl, sector.label_en):
                self.keys.setdefault(normalise(label), (sector, "name"))
            for alias in sector.aliases:
                self.keys.setdefault(normalise(alias.alias), (sector, "alias"))
        for alias in db.session.scalars(select(BenchmarkAlias).where(BenchmarkAlias.level == "sector")):
            self.keys.setdefault(alias.name_key, (alias.sector, "remembered"))

    def find(self, name: str, mapped: Sector | None = None) -> Match:
        if mapped is not None:
            return Match(mapped, "mapped")
        found = self.keys.get(normalise(name))
        if found is not None:
            return Match(*found)
        return Match(None, suggestions=_closest(normalise(name), self.keys))


class OrganisationMatcher:
    """Organisations by KvK number and by normalised name (`organisation_key`)."""

    level = "organisation"

    def __init__(self) -> None:
        self.by_kvk: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name_key)):
            if organisation.kvk_number:
                self.by_kvk[organisation.kvk_number] = organisation
            self.by_name.setdefault(organisation_key(organisation.name), []).append(organisation)
        self.remembered = {alias.name_key: alias.organisation for alias in db.session.scalars(
            select(BenchmarkAlias).where(BenchmarkAlias.level == "organisation"))}

    def find(self, name: str, kvk_number: str | None = None, mapped: Organisation | None = None) -> Match:
        if mapped is not None:
            return Match(mapped, "mapped")
        if kvk_number and kvk_number in self.by_kvk:
            return Match(self.by_kvk[kvk_number], "kvk")
        key = organisation_key(name)
        named = self.by_name.get(key, [])
        companies = [o for o in named if o.kind == "company"] or named
        if len(companies) == 1:
            return Match(companies[0], "name")
        if key in self.remembered:
            return Match(self.remembered[key], "remembered")
        keys = {k: (v[0], "name") for k, v in self.by_name.items()}
        return Match(None, suggestions=_closest(key, keys), ambiguous=len(companies) > 1)


def _closest(key: str, keys: dict[str, tuple]) -> tuple:
    """The subjects whose names come closest to `key`, best first, each once."""
    found = []
    for close in difflib.get_close_matches(key, list(keys), n=SUGGESTIONS * 3, cutoff=0.5):
        subject = keys[close][0]
        if subject not in found:
            found.append(subject)
    return tuple(found[:SUGGESTIONS])
