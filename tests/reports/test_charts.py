"""The report's charts: SVG that needs nothing from outside (no script, no font, no
link), readable in grey print (every colour a grey), and the same bytes for the same
numbers (a version's hash means something)."""

from __future__ import annotations

import re

from imvo_survey.reports.charts import bar_chart, data_uri, scatter_chart

COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")


def _bars() -> str:
    return bar_chart("Respons", ["Voedsel", "Energie", "Banken"], [("2010", [50.0, None, -5.0]),
                                                                   ("2011", [75.0, 20.0, 0.0])],
                     "Respons (%)", lambda value: f"{value:.0f} %")


def _greys(svg: str) -> set[str]:
    return {code.lower() for code in COLOUR.findall(svg)}


def test_charts_are_self_contained_grey_and_the_same_for_the_same_numbers():
    scatter = scatter_chart("Dekking", [("Voedsel", 3.1, 40.0), ("Energie", 5.5, 70.0)], "Ketenscore",
                            "Dekking (%)", (0, 10), (0, 100))
    for svg in (_bars(), scatter):
        assert svg.startswith("<?xml") and "<svg" in svg
        assert "<script" not in svg and "@font-face" not in svg and "<text" not in svg  # text drawn as paths
        assert not re.search(r'(href|src)="(?!#|data:)', svg)  # nothing fetched from outside
        colours = _greys(svg)
        assert colours and all(code[0:2] == code[2:4] == code[4:6] for code in colours), colours
    assert _bars() == _bars()
    assert _bars() != bar_chart("Respons", ["Voedsel"], [("2010", [51.0])], "Respons (%)", str)


def test_a_chart_embeds_as_a_data_uri():
    assert data_uri("<svg/>") == "data:image/svg+xml;base64,PHN2Zy8+"
