"""The verification results of a round in the exports: the "Verificatie" sheet (one row
per sample and sector, then the sample's total) and the `verification` part of the
JSON document. The API sends the same sample documents (`sample_document`).

No Flask here; the numbers come from `analysis.verification`, rounded by `measures`.
"""

from __future__ import annotations

from . import export_labels as words
from . import measures
from .export_answers import local_time
from .export_schema import Column, Table, static_table
from .verification import COUNTS, MIN_CHECKED, ResultRow, SampleResult, round_results

#: Column headers of the sheet that are no figure of `measures.py`.
HEADERS = {
    "sample_id": ("Steekproef-id", "Sample id"),
    "drawn_at": ("Getrokken op", "Drawn at"),
    "seed": ("Seed", "Seed"),
    "sector": ("Sector", "Sector"),
    "sector_code": ("Sectorcode", "Sector code"),
    "confirmed": ("Bevestigd", "Confirmed"),
    "partly": ("Deels bevestigd", "Partly confirmed"),
    "not_confirmed": ("Niet bevestigd", "Not confirmed"),
    "not_verifiable": ("Niet te verifiëren", "Not verifiable"),
}
#: What the sheet is, on the explanation sheet: the rules, and why an interval can be empty.
DEFINITION = (
    "Verificatiesteekproeven van de ronde: per steekproef en sector, en voor de hele steekproef (de rij "
    "Totaal), de uitkomst van de controle per activiteit, het aandeel bevestigd en het 95%-"
    "betrouwbaarheidsinterval (Wilson). Deels en niet bevestigd tellen als niet bevestigd; niet te "
    "verifiëren telt niet mee in het aandeel. Het interval is leeg waar minder dan {minimum} activiteiten "
    "gecontroleerd konden worden: daarvoor is de steekproef te klein. Activiteiten zijn de eenheid; dat "
    "activiteiten van één organisatie op elkaar lijken, negeert het interval (het is eerder te smal).",
    "The round's verification samples: per sample and sector, and for the whole sample (the row Total), "
    "what the check of each activity found, the share confirmed and its 95 % confidence interval "
    "(Wilson). Partly and not confirmed count as not confirmed; not verifiable is left out of the share. "
    "The interval is empty where fewer than {minimum} activities could be checked: the sample is too "
    "small for one. Activities are the unit; the interval ignores that activities of one organisation "
    "resemble each other (it is, if anything, too narrow).",
)


def definition(language: str) -> str:
    return words.text(DEFINITION, language).format(minimum=MIN_CHECKED)


def _no_sector(language: str) -> str:
    return words.text(words.ROW_MARKERS["none"], language)


def _total(language: str) -> str:
    return words.text(words.ROW_MARKERS["total"], language)


def verification_columns(language: str) -> list[Column]:
    def header(code: str) -> str:
        return words.text(HEADERS[code], language)

    columns = [Column("sample_id", header("sample_id"), "integer"),
               Column("drawn_at", header("drawn_at"), "datetime"),
               Column("seed", header("seed"), "integer"),
               Column("sector", header("sector"), "string"),
               Column("sector_code", header("sector_code"), "string",
                      words.column_description("row_code", language)),
               *(Column(code, header(code), "integer") for code in COUNTS)]
    columns += [Column(code, measures.header(code, language), "integer" if measures.figure(code).decimals == 0
                       else "number", measures.description(code, language),
                       number_format=measures.figure(code).excel_format)
                for code in measures.VERIFICATION_FIGURES]
    return columns


def verification_table(conn, round_id: int, language: str) -> Table:
    """One row per sample and sector, then the sample's total (sector code `_total`)."""
    rows = []
    for sample in round_results(conn, round_id, language, _no_sector(language), _total(language)):
        for row, code in [*((row, row.code or "_none") for row in sample.sectors), (sample.total, "_total")]:
            figures = row.figures()
            rows.append((sample.id, local_time(sample.drawn_at), sample.seed, row.label, code,
                         *(getattr(row, name) for name in COUNTS),
                         *(figures[name] for name in measures.VERIFICATION_FIGURES)))
    return static_table("verification", words.sheet("verification", language), verification_columns(language),
                        rows, description=definition(language))


def result_document(row: ResultRow, code: str) -> dict:
    """One sector's (or the total's) result as JSON-ready data."""
    figures = row.figures()
    return {"sector": code, "label": row.label, **row.counts(), "verifiable": row.verifiable,
            "share_confirmed": figures["verification_share"], "interval_low": figures["verification_low"],
            "interval_high": figures["verification_high"]}


def sample_document(sample: SampleResult) -> dict:
    """One sample with its results, as the JSON export and the API send it."""
    return {"id": sample.id, "drawn_at": sample.drawn_at.isoformat(timespec="seconds"), "seed": sample.seed,
            "method": sample.method, "population": sample.population, "size": sample.size,
            "sectors": [result_document(row, row.code or "_none") for row in sample.sectors],
            "total": result_document(sample.total, "_total")}


def verification_document(conn, round_id: int, language: str) -> dict:
    """The round's samples for the JSON export, with the rule behind an empty interval."""
    samples = round_results(conn, round_id, language, _no_sector(language), _total(language))
    return {"minimum_checked": MIN_CHECKED, "definition": definition(language),
            "samples": [sample_document(sample) for sample in samples]}
