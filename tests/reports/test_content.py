"""The report says what the matrix of the same round says: every figure that carries a
key in the report's HTML is read back and compared with `build_matrix` computed here,
formatted by the same rule. And what is not a matrix figure: complaint mechanisms,
reporting, statements (anonymised unless consented), good practices, verification,
the method's sources; everything escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import render_template
from flask_babel import force_locale

from imvo_survey.analysis import Filters, build_matrix, year_over_year
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.extensions import db
from imvo_survey.figures import figure_text
from imvo_survey.reports.content import build_document
from imvo_survey.risk.services import relevance_options

from . import world


class KeyedCells(HTMLParser):
    """The text of every element with a data-key, by key."""

    def __init__(self):
        super().__init__()
        self.cells: dict[str, str] = {}
        self._key: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-key")
        if self._key is not None:
            self._depth += 1
        elif key:
            self._key, self._depth, self.cells[key] = key, 0, ""

    def handle_endtag(self, tag):
        if self._key is None:
            return
        if self._depth == 0:
            self._key = None
        else:
            self._depth -= 1

    def handle_data(self, data):
        if self._key is not None and self._depth == 0:
            self.cells[self._key] += data


def report_html(round, language: str = "nl") -> str:
    document = build_document(round, language)
    with force_locale(language):
        return render_template("reports/_document.html", document=document)


def keyed(html: str) -> dict[str, str]:
    parser = KeyedCells()
    parser.feed(html)
    return {key: text.strip() for key, text in parser.cells.items()}


@pytest.fixture
def built():
    things = world.build()
    return things, report_html(things["round"])


def test_every_coverage_and_response_figure_is_the_matrix_s(built):
    things, html = built
    cells = keyed(html)
    conn = db.session.connection()
    checked = 0
    for columns in ("aspect", "aspect_group"):
        matrix = build_matrix(conn, Filters(round=things["round"].id), columns=columns, **relevance_options())
        for (row, column), figures in matrix.cells.iterrows():
            assert cells[f"share|{row}|{column}"] == figure_text("share", figures["share"]), (row, column)
            checked += 1
        for row, figures in matrix.rows.iterrows():
            for code in ("targeted", "responded", "declined", "response_rate"):
                assert cells[f"{code}|{row}|"] == figure_text(code, figures[code]), (row, code)
    assert checked == 4 * (16 + 5)  # food, energy, banks and the totals, by aspect and by group
    # The figures are not all alike: food responded 3 of 3, energy 1 of 1, banks 0 of 1.
    assert cells["response_rate|_total|"] == "80,0\u00a0%"
    assert cells["responded|banken|"] == "0"
    assert cells["share|voedsel_drank|child_labour"] == "33\u00a0%"


def test_benchmark_lagging_and_change_are_the_matrix_s(built):
    things, html = built
    cells = keyed(html)
    conn = db.session.connection()
    matrix = build_matrix(conn, Filters(round=things["round"].id), **relevance_options())
    assert cells["benchmark_chain|voedsel_drank|"] == figure_text("benchmark_chain", 3.1) == "3,1"
    lagging = matrix.cells[matrix.cells["lagging"].astype(bool)].drop(TOTAL_KEY, level="row", errors="ignore")
    assert len(lagging) >= 1
    for (row, aspect), figures in lagging.iterrows():
        assert cells[f"gap|{row}|{aspect}"] == figure_text("gap", figures["gap"])
        assert cells[f"relevance|{row}|{aspect}"] == figure_text("relevance", figures["relevance"])
    assert "gap|voedsel_drank|wages" in cells
    comparison = year_over_year(conn, Filters(round=things["round"].id), panel=True, columns="aspect_group",
                                **relevance_options())
    change = comparison.change("share")
    for (row, column), value in change.items():
        assert cells[f"change|{row}|{column}"] == figure_text("change", value, signed=True)
    # The panel: Koffie Vereniging and Stille Cacao BV answered both rounds.
    assert "de 2 organisaties die op beide rondes" in html or "the 2 organisations" in html


def test_what_is_not_in_the_matrix(built):
    things, html = built
    cells = keyed(html)
    # Complaint mechanisms: of the 4 responding, 3 answered and 1 has one (sector-wide),
    # with 12 complaints received and 9 handled.
    assert [cells[f"complaints|{key}"] for key in ("with_mechanism", "answered", "reporting", "received",
                                                   "handled")] == ["1", "3", "1", "12", "9"]
    assert cells["complaint_type|sector_wide"] == "1"
    # Reporting: the association publishes a sector report and recommends RJ400 (the
    # energy association does not); the company uses RJ400 and reports on its website.
    assert (cells["reporting|sector_report_published|yes"], cells["reporting|sector_report_published|answered"]) \
        == ("1", "1")
    assert (cells["reporting|rj400_recommended|yes"], cells["reporting|rj400_recommended|answered"]) == ("1", "2")
    assert (cells["reporting|rj400_used|yes"], cells["reporting|rj400_used|answered"]) == ("1", "1")
    assert cells["channel|website"] == "1"
    # Statements: the consenting association is named, the others are not.
    assert "Koffie Vereniging" in html
    assert "Stille Cacao BV" not in html and "Vereniging</script>" not in html
    assert "Een sectorbrede loonstudie" in html and "Water delen met dorpen" in html
    # The verification sample and the risk entries' source in the method.
    assert f"seed {things['sample'].seed}" in html
    assert "Seed 2.2" in html


def test_hostile_text_is_escaped(built):
    _things, html = built
    for hostile in (world.HOSTILE_DILEMMA, world.HOSTILE_PRACTICE):
        assert hostile not in html
    assert "<script>" not in html and "onerror=alert(1)>" not in html
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt; keurmerkcacao" in html


def test_the_english_report_is_in_english(built):
    things, _html = built
    html = report_html(things["round"], "en")
    assert "Coverage matrix" in html and "Lagging areas" in html and "Method" in html
    assert keyed(html)["response_rate|_total|"] == "80.0\u00a0%"
