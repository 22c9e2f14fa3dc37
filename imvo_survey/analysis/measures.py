"""The figures of the coverage matrix, defined once: per figure its name in Dutch and
English, what it means, and the one rounding rule it is shown with. The matrix page,
the round dashboard, every export (XLSX, CSV, JSON, SPSS; the codebook and the
explanation sheet list them) and the API take their names and their rounding from here,
so that "Benaderd 4, Respons 66,7 %" reads the same wherever it is read.

The analysis computes with full precision (lagging, gaps and totals use the unrounded
figures); only what is shown or handed out is rounded, by `rounded()`: half away from
zero (66.65 -> 66.7, not banker's 66.6), on the decimal value a reader would see.

No Flask here: the page picks a name with `name(code, language)` like the exports do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .filters import MEASURE_COLUMNS

Pair = tuple[str, str]


@dataclass(frozen=True)
class Figure:
    """One figure of the matrix: a cell measure, a response figure or a benchmark score."""

    #: The figure's name in `Matrix.cells` or `Matrix.rows` (and in the API's JSON).
    code: str
    #: Its name (Dutch, English): the column header everywhere.
    name: Pair
    #: What it means (Dutch, English): the codebook, the explanation sheet, the API description.
    description: Pair
    #: Decimals shown and exported; 0 for whole numbers (exported as integers).
    decimals: int
    #: "%" for percentages, "" otherwise (the page writes "66,7 %").
    unit: str = ""

    @property
    def excel_format(self) -> str:
        """The XLSX number format that shows exactly these decimals."""
        return "0" if self.decimals == 0 else "0." + "0" * self.decimals


def _figures(*items: Figure) -> dict[str, Figure]:
    return {item.code: item for item in items}


#: Every figure, by code, in the order the matrix shows them: the benchmark beside the
#: row, then the response, then what the cells can show.
FIGURES: dict[str, Figure] = _figures(
    Figure("benchmark_total", ("TB totaalscore", "TB total score"),
           ("Transparantiebenchmark: totaalscore van de sector (0-100), het gemiddelde van de bedrijven.",
            "Transparantiebenchmark: the sector's total score (0-100), the mean over its companies."), 1),
    Figure("benchmark_chain", ("TB ketenscore", "TB chain score"),
           ("Transparantiebenchmark: score voor ketenverantwoordelijkheid (0-10), zoals de benchmark hem "
            "drukt: met één decimaal.",
            "Transparantiebenchmark: the supply-chain score (0-10), with one decimal as the benchmark "
            "prints it."), 1),
    Figure("benchmark_companies", ("TB bedrijven", "TB companies"),
           ("Aantal bedrijven in de Transparantiebenchmark van de sector.",
            "Number of the sector's companies in the Transparantiebenchmark."), 0),
    Figure("benchmark_listed", ("TB beursgenoteerd", "TB listed"),
           ("Van die bedrijven: het aantal beursgenoteerde.", "Of those companies: the number listed."), 0),
    Figure("targeted", ("Benaderd", "Targeted"),
           ("Organisaties waarvoor de ronde is, al dan niet al uitgenodigd.",
            "Organisations the round is for, invited yet or not."), 0),
    Figure("responded", ("Gerespondeerd", "Responded"),
           ("Benaderde organisaties waarvan het antwoord is ingediend, teruggestuurd voor verduidelijking of "
            "geaccepteerd.",
            "Targeted organisations whose response is submitted, returned for clarification or accepted."), 0),
    Figure("declined", ("Afgezien", "Declined"),
           ("Benaderde organisaties die van deelname hebben afgezien.", "Targeted organisations that declined."),
           0),
    Figure("response_rate", ("Respons", "Response rate"),
           ("Gerespondeerd als percentage van benaderd.", "Responded as a percentage of targeted."), 1, "%"),
    Figure("share", ("Aandeel organisaties met een activiteit", "Share of organisations with an activity"),
           ("Organisaties met minstens één activiteit op het aspect (bij een aspectgroep: op een van zijn "
            "aspecten), als percentage van de responderende organisaties in de rij.",
            "Organisations with at least one activity on the aspect (for an aspect group: on any of its "
            "aspects), as a percentage of the row's responding organisations."), 0, "%"),
    Figure("organisations", ("Organisaties met een activiteit", "Organisations with an activity"),
           ("Aantal responderende organisaties met minstens één activiteit op het aspect.",
            "Number of responding organisations with at least one activity on the aspect."), 0),
    Figure("member_coverage", ("Dekking van de leden", "Member coverage"),
           ("Brancheorganisaties en schappen: per organisatie het hoogste aandeel leden dat aan een "
            "activiteit op het aspect meedoet, maal het ledental, opgeteld en gedeeld door de leden van "
            "de responderende organisaties met een ledental. Een ontbrekend aandeel telt als 0.",
            "Associations and boards: per organisation the highest share of members taking part in an "
            "activity on the aspect, times its member count, summed and divided by the members of the "
            "responding organisations with a member count. A missing share counts as 0."), 0, "%"),
    Figure("members_reached", ("Bereikte leden", "Members reached"),
           ("Leden die via activiteiten op het aspect worden bereikt (zie de dekking van de leden).",
            "Members reached through activities on the aspect (see the member coverage)."), 0),
    Figure("member_base", ("Leden van de responderende organisaties", "Members of the responding organisations"),
           ("Leden van de responderende brancheorganisaties en schappen met een ledental in de rij.",
            "Members of the row's responding associations and boards that gave a member count."), 0),
    Figure("activities", ("Aantal activiteiten", "Number of activities"),
           ("Aantal activiteiten op het aspect (een activiteit op twee aspecten telt bij beide).",
            "Number of activities on the aspect (an activity on two aspects counts for both)."), 0),
    Figure("change", ("Verandering sinds de vergelijkingsronde (procentpunten)",
                      "Change since the comparison round (percentage points)"),
           ("Aandeel organisaties (of, als gekozen, ledendekking) in deze ronde min dat in de "
            "vergelijkingsronde, in procentpunten; leeg als een van beide leeg is.",
            "Share of organisations (or, when chosen, member coverage) in this round minus that in the "
            "comparison round, in percentage points; empty when either is empty."), 0),
    Figure("relevance", ("Relevantie", "Relevance"),
           ("Hoe relevant het aspect is voor de rij, van 0 tot 1 (1 zolang er geen risicoanalyse is).",
            "How relevant the aspect is to the row, from 0 to 1 (1 as long as there is no risk analysis)."), 2),
    Figure("gap", ("Achterstand", "Gap"),
           ("Relevantie maal (1 min de dekking als fractie): hoe groter, hoe meer de activiteit achterblijft.",
            "Relevance times (1 minus the coverage as a fraction): the larger, the more activity lags."), 2),
    Figure("verification_share", ("Aandeel bevestigd", "Share confirmed"),
           ("Verificatiesteekproef: bevestigde activiteiten als percentage van de gecontroleerde (deels en niet "
            "bevestigd tellen als niet bevestigd; niet te verifiëren telt niet mee).",
            "Verification sample: confirmed activities as a percentage of those checked (partly and not "
            "confirmed count as not confirmed; not verifiable is left out)."), 0, "%"),
    Figure("verification_low", ("Interval ondergrens", "Interval low"),
           ("Ondergrens van het 95%-betrouwbaarheidsinterval (Wilson) van het aandeel bevestigd.",
            "Lower bound of the 95 % confidence interval (Wilson) of the share confirmed."), 0, "%"),
    Figure("verification_high", ("Interval bovengrens", "Interval high"),
           ("Bovengrens van het 95%-betrouwbaarheidsinterval (Wilson) van het aandeel bevestigd.",
            "Upper bound of the 95 % confidence interval (Wilson) of the share confirmed."), 0, "%"),
)

#: The response figures, in the order every table shows them.
RESPONSE_FIGURES = ("targeted", "responded", "declined", "response_rate")
#: The verification results' figures (analysis/verification.py), in the order every table shows them.
VERIFICATION_FIGURES = ("verification_share", "verification_low", "verification_high")
#: The benchmark scores beside a row, in the order every table shows them.
BENCHMARK_FIGURES = ("benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed")


def figure(code: str) -> Figure:
    """A figure by its code, or by the name of the measure the matrix shows ("members")."""
    return FIGURES[MEASURE_COLUMNS.get(code, code)]


def name(code: str, language: str) -> str:
    """A figure's name in `language` (Dutch unless "en"), without its unit."""
    return figure(code).name[1 if language == "en" else 0]


def header(code: str, language: str) -> str:
    """A figure's name as a column header: with "(%)" for percentages."""
    unit = figure(code).unit
    return f"{name(code, language)} ({unit})" if unit else name(code, language)


def description(code: str, language: str) -> str:
    return figure(code).description[1 if language == "en" else 0]


def rounded(code: str, value) -> int | float | None:
    """`value` rounded by the figure's rule: an int for whole-number figures, else a
    float with the figure's decimals; None for no figure (None or NaN)."""
    if value is None or value is pd.NA or math.isnan(float(value)):
        return None
    decimals = figure(code).decimals
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(exact) if decimals == 0 else float(exact) + 0.0  # + 0.0: never "-0,0"
