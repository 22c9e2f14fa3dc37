"""Reconciliation: a table's printed total or average row against what its rows add up to.

A printed table ("Gemiddeld", "Totaal", "Average", "Total") is not a sector; it is
compared with the rows. Counts must add up exactly. A printed mean score is rounded
to the digits it shows, so it agrees when it lies within half a unit of its last digit
(30 within 0.5, 1,7 within 0.05) of either the rows' plain mean or their
company-weighted mean: a table may print either. Every disagreement is a `Finding`,
kept as plain data with the import and said in the reader's language by `describe`.
The seed's Tabel 1 prints 170 companies and 91 listed for rows that add up to 139 and
78, and means 30 and 1,7 where the weighted means are 32,4 and 1,90.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from .import_columns import COLUMN_LABELS

COUNT_COLUMNS = ("company_count", "listed")
SCORE_COLUMNS = ("total_score", "chain_score")


def reconcile(rows: list[dict], printed: dict[str, Decimal | None], line: int) -> list[dict]:
    """The findings for one printed total row (`printed`: column -> the number as printed)
    against the `rows` (column -> number; `company_count` weighs the scores)."""
    findings = []
    for column in COUNT_COLUMNS:
        value = printed.get(column)
        counted = [row[column] for row in rows if row.get(column) is not None]
        if value is None or not counted:
            continue
        computed = sum(counted)
        if Decimal(computed) != value:
            findings.append({"kind": "sum", "column": column, "line": line, "printed": str(value),
                             "computed": computed})
    for column in SCORE_COLUMNS:
        value = printed.get(column)
        scored = [row for row in rows if row.get(column) is not None]
        if value is None or not scored:
            continue
        mean = sum(row[column] for row in scored) / len(scored)
        weighted = _weighted_mean(scored, column)
        digits = max(0, -value.as_tuple().exponent)
        tolerance = Decimal(5) / Decimal(10) ** (digits + 1)
        if all(figure is None or abs(Decimal(repr(figure)) - value) > tolerance for figure in (mean, weighted)):
            findings.append({"kind": "mean", "column": column, "line": line, "printed": str(value),
                             "computed": mean, "weighted": weighted, "digits": digits + 1})
    return findings


def _weighted_mean(rows: list[dict], column: str) -> float | None:
    weighed = [row for row in rows if row.get("company_count")]
    weight = sum(row["company_count"] for row in weighed)
    return sum(row[column] * row["company_count"] for row in weighed) / weight if weight else None


def describe(finding: dict) -> str:
    """A finding in words, in the current language."""
    if finding["kind"] == "sector":
        return _("Line %(line)s: the file puts %(name)s in sector %(file)s, the register in %(register)s.",
                 line=finding["line"], name=finding["name"], file=finding["file"],
                 register=finding["register_en" if str(get_locale()) == "en" else "register_nl"])
    column = str(COLUMN_LABELS.get(finding["column"], finding["column"]))
    printed = format_decimal(Decimal(finding["printed"]))
    if finding["kind"] == "sum":
        return _("%(column)s: the rows add up to %(computed)s, the total row (line %(line)s) says %(printed)s.",
                 column=column, computed=format_decimal(finding["computed"]), line=finding["line"],
                 printed=printed)
    pattern = "#,##0." + "0" * finding["digits"]
    mean = format_decimal(finding["computed"], format=pattern)
    if finding.get("weighted") is None:
        return _("%(column)s: the total row (line %(line)s) says %(printed)s; the rows' mean is %(mean)s.",
                 column=column, line=finding["line"], printed=printed, mean=mean)
    return _("%(column)s: the total row (line %(line)s) says %(printed)s; the rows' mean is %(mean)s and "
             "their company-weighted mean %(weighted)s.", column=column, line=finding["line"], printed=printed,
             mean=mean, weighted=format_decimal(finding["weighted"], format=pattern))
