"""The columns of a benchmark import: the headers accepted for each, in Dutch or
English, and what each is called on the preview page.

Headers are compared after `header_key`: without case, accents, punctuation and what
stands between brackets, so "Totale score TB (max 100)" reads as "totale score tb"."""

from __future__ import annotations

import re

from ..i18n import lazy_gettext as _l
from .matching import strip_accents

#: Column code -> the headers accepted for it (after `header_key`).
HEADERS: dict[str, tuple[str, ...]] = {
    "sector": ("sector", "sectornaam", "sector name", "sector code"),
    "name": ("bedrijf", "bedrijfsnaam", "company", "company name", "naam", "name", "organisatie",
             "organisation", "organization", "onderneming"),
    "kvk_number": ("kvk", "kvk nummer", "kvknummer", "kvk number", "coc number", "chamber of commerce number"),
    "year": ("jaar", "year", "benchmarkjaar", "benchmark year"),
    "total_score": ("totale score tb", "totale score", "totaalscore", "totaal score", "score tb", "tb score",
                    "tb totaalscore", "total score", "total score tb", "score"),
    "chain_score": ("score ketenbeheer", "ketenbeheer", "ketenbeheer score", "chain score",
                    "chain management", "chain management score", "supply chain score"),
    "company_count": ("aantal bedrijven", "bedrijven", "aantal", "companies", "number of companies",
                      "company count"),
    "listed": ("wv beursgenoteerd", "waarvan beursgenoteerd", "beursgenoteerd", "aantal beursgenoteerd",
               "listed", "of which listed", "number listed", "listed companies"),
}

#: The columns read at each level; a known column of the other level is left unread.
LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "sector": ("sector", "year", "total_score", "chain_score", "company_count", "listed"),
    "organisation": ("name", "kvk_number", "sector", "year", "total_score", "chain_score", "listed"),
}
#: The column naming what a row is about, per level.
SUBJECT_COLUMN = {"sector": "sector", "organisation": "name"}
SCORE_COLUMNS = ("total_score", "chain_score")

#: How each column is called on the preview page.
COLUMN_LABELS = {
    "sector": _l("Sector"), "name": _l("Organisation"), "kvk_number": _l("KvK number"), "year": _l("Year"),
    "total_score": _l("Total score (0-100)"), "chain_score": _l("Chain score (0-10)"),
    "company_count": _l("Number of companies"), "listed": _l("Listed"),
}


def header_key(header: str) -> str:
    """A header without case, accents, bracketed remarks and punctuation."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", strip_accents(header).casefold())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_BY_KEY = {alias: code for code, aliases in HEADERS.items() for alias in aliases}


def column_for(header: str) -> str | None:
    """The column code a header stands for, or None when it is not one we read."""
    return _BY_KEY.get(header_key(header))
