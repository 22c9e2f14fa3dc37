"""The matrix's figures on a page: their names in the user's language and their values
rounded and written as the reader's language writes numbers ("66,7 %" in Dutch,
"66.7 %" in English). The names, meanings and decimals are `analysis/measures.py`'s,
the same the exports and the API use; this module only puts them in Babel's words.

Registered as template globals: `figure_name("response_rate")` -> "Respons",
`figure_header("response_rate")` -> "Respons (%)", `figure_text("response_rate", 66.666)`
-> "66,7 %" (an en dash for no figure).
"""

from __future__ import annotations

from flask_babel import format_decimal

from .analysis import measures
from .i18n import current_language

#: Shown where there is no figure (an empty cell is not 0).
NO_FIGURE = "\u2013"


def figure_name(code: str) -> str:
    return measures.name(code, current_language())


def figure_header(code: str) -> str:
    return measures.header(code, current_language())


def figure_description(code: str) -> str:
    return measures.description(code, current_language())


def figure_number(code: str, value) -> str:
    """The value rounded by the figure's rule and written with its decimals (no unit);
    NO_FIGURE for none."""
    shown = measures.rounded(code, value)
    if shown is None:
        return NO_FIGURE
    decimals = measures.figure(code).decimals
    return format_decimal(shown, format="#,##0" + ("." + "0" * decimals if decimals else ""))


def figure_text(code: str, value, signed: bool = False) -> str:
    """`figure_number` with the unit ("66,7 %"); `signed` puts a + before a rise."""
    text = figure_number(code, value)
    if text == NO_FIGURE:
        return text
    if signed and measures.rounded(code, value) > 0:
        text = "+" + text
    unit = measures.figure(code).unit
    return f"{text}\u00a0{unit}" if unit else text


def register(app) -> None:
    """The helpers as template globals."""
    for helper in (figure_name, figure_header, figure_description, figure_number, figure_text):
        app.add_template_global(helper)
