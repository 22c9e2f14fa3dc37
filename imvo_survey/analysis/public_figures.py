"""The public figures of a round: the coverage matrix at sector level with small cells
suppressed, safe to publish. Per row (sector, "none", the totals row) the number of
responding organisations, per cell the share of them with an activity on the aspect;
nothing about any one organisation, and no figure that describes fewer than the
threshold's organisations or lets one be worked out (see `suppression`).

Pandas only: `public_figures(matrix, threshold)` takes a computed `Matrix` (rows by
sector, columns by aspect) and returns a `PublicFigures`, whose `table(language)` gives
the headers and rows that the page and the CSV show. A suppressed figure is `None` in
the frames and `SUPPRESSED` in the table; a row without a figure is not there at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import export_labels, measures
from .matrix import TOTAL_KEY, Matrix
from .suppression import suppress

#: How a suppressed figure is written, in the page and in the CSV.
SUPPRESSED = "*"
#: The base column of the counts table (the row's responding organisations).
BASE = "responded"
#: The rule as stated on the page and in the CSV (Dutch, English); {minimum} is the setting.
RULE = (
    "* = niet gepubliceerd: een cijfer over minder dan {minimum} organisaties (een cel waarin minder dan "
    "{minimum}, maar minstens één, organisaties een activiteit hebben, of een rij met minder dan {minimum} "
    "responderende organisaties) wordt niet getoond, en ook geen ander cijfer waaruit het via een totaal terug "
    "te rekenen zou zijn.",
    "* = not published: a figure about fewer than {minimum} organisations (a cell in which fewer than "
    "{minimum}, but at least one, organisations have an activity, or a row with fewer than {minimum} "
    "responding organisations) is not shown, nor any other figure from which it could be worked back "
    "through a total.",
)

__all__ = ["RULE", "SUPPRESSED", "PublicFigures", "public_figures", "rule"]


@dataclass
class PublicFigures:
    """A round's public matrix: the rows shown (totals last), the aspects, the figures
    with None where suppressed, and why each figure is suppressed."""

    matrix: Matrix
    minimum: int
    row_keys: list[str]
    #: Per row: its responding organisations (None: suppressed).
    responded: pd.Series
    #: Per row and aspect: the share in % by the one rounding rule (None: suppressed).
    shares: pd.DataFrame
    #: Per row and column (BASE and the aspects): "", "primary" or "secondary".
    reasons: pd.DataFrame

    @property
    def suppressed_count(self) -> int:
        return int((self.reasons != "").to_numpy().sum())

    def headers(self, language: str) -> list[str]:
        """The table's headers: the sector, the responding organisations, each aspect (%)."""
        labels = self.matrix.column_labels["label_en" if language == "en" else "label_nl"]
        return [export_labels.text(("Sector", "Sector"), language), measures.name("responded", language),
                *(f"{labels[code]} (%)" for code in self.shares.columns)]

    def table(self, language: str) -> list[list]:
        """Per row: its label, its responding organisations, its shares; SUPPRESSED where
        suppressed."""
        rows = []
        for key in self.row_keys:
            responded = self.responded[key]
            rows.append([export_labels.row_label(self.matrix, key, language),
                         SUPPRESSED if responded is None else responded,
                         *(SUPPRESSED if self.reasons.at[key, column] else self.shares.at[key, column]
                           for column in self.shares.columns)])
        return rows


def rule(minimum: int, language: str) -> str:
    """The suppression rule in `language`, with the threshold in it."""
    return export_labels.text(RULE, language).format(minimum=minimum)


def public_figures(matrix: Matrix, minimum: int) -> PublicFigures:
    """The suppressed public figures of a matrix by sector and aspect."""
    if matrix.rows_by != "sector" or matrix.columns_by != "aspect":
        raise ValueError("Public figures are by sector and aspect.")
    responded = matrix.rows["responded"].astype(int)
    # A row without responding organisations has no figures: it is left out (and adds 0
    # to every total, so leaving it out gives nothing away).
    keys = [key for key in matrix.row_keys if responded.get(key, 0) > 0] + [TOTAL_KEY]
    aspects = list(matrix.column_labels.index)
    counts = matrix.wide("organisations").reindex(index=keys, columns=aspects).fillna(0).astype(int)
    counts.insert(0, BASE, responded.reindex(keys).astype(int))
    reasons = suppress(counts, minimum, total_row=TOTAL_KEY, base_column=BASE)
    shares = matrix.wide("share").reindex(index=keys, columns=aspects)
    shown = shares.apply(lambda column: column.map(lambda value: measures.rounded("share", value))).astype(object)
    shown = shown.where(reasons[aspects] == "", None)
    base = pd.Series([None if reasons.at[key, BASE] else int(counts.at[key, BASE]) for key in keys], index=keys,
                     dtype=object)
    return PublicFigures(matrix, minimum, keys, base, shown, reasons)
