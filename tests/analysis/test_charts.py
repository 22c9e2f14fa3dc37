"""The server-drawn SVG charts: coverage against chain score on the matrix page and the
response over time on the round dashboard. The SVG is parsed as XML: points where the
data says, labelled axes, a title and description, a table of the figures, no style
attribute or script (the CSP allows neither), and a plain sentence without data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from imvo_survey.charts import cumulative_by_day, nice_ticks, scatter
from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore, Response

from .. import factories

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str, chart_id: str) -> ET.Element:
    figure = re.search(rf'<figure class="chart[^"]*" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert figure, f"no chart {chart_id}"
    return ET.fromstring(re.search(r"<svg.*?</svg>", figure.group(1), re.S).group(0))  # noqa: S314  (our own page)


def texts(svg: ET.Element, css: str) -> list[str]:
    return [element.text for element in svg.iter(f"{SVG}text") if css in element.get("class", "").split()]


def assert_plain_svg(svg: ET.Element) -> None:
    """Accessible and within the CSP: a title and a description it is labelled by, no
    style attributes, no scripts."""
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert all(element.get("style") is None for element in svg.iter())
    assert not list(svg.iter(f"{SVG}script"))


def test_the_matrix_page_plots_coverage_against_chain_score(analyst_client, food_round):
    for sector, chain in (("voedsel_drank", 3), ("energie", 6.5)):
        db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector(sector), total_score=40,
                                      chain_score=chain, company_count=10, listed_count=2))
    db.session.commit()
    html = analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    svg = svg_of(html, "coverage-chart")
    assert_plain_svg(svg)
    points = {element.find(f"{SVG}title").text.split(":")[0]: element for element in svg.iter(f"{SVG}circle")}
    assert set(points) == {"Voedsel en drank", "Energie"}  # banks: no respondent, so no coverage
    food, energy = points["Voedsel en drank"], points["Energie"]
    assert float(food.get("cx")) < float(energy.get("cx"))  # chain 3 left of 6,5
    # energy: E covers 1 of 16 aspects (6 %); food: child labour 67, wages 33, climate 33 (8 % on average)
    assert float(energy.get("cy")) > float(food.get("cy"))  # less coverage lower down (a larger y)
    assert texts(svg, "chart-axis-label-x") == ["TB ketenscore"]
    assert sorted(texts(svg, "chart-point-label")) == ["Energie", "Voedsel en drank"]
    assert texts(svg, "chart-axis-label-y") == ["Aandeel organisaties met een activiteit, gemiddeld (%)"]
    assert texts(svg, "chart-tick-x")[0] == "0,0" and texts(svg, "chart-tick-y")[-1] == "100 %"
    assert "Weggelaten omdat een cijfer ontbreekt: Banken." in svg.find(f"{SVG}desc").text
    table = re.search(r'<table class="data-table" id="coverage-chart-data">(.*?)</table>', html, re.S).group(1)
    assert "<th scope=\"row\">Energie</th><td class=\"numeric\">6,5</td><td class=\"numeric\">6 %</td>" in table


def test_without_benchmark_the_matrix_chart_says_there_is_nothing_to_draw(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    assert 'id="coverage-chart"' in html and "<svg" not in html
    assert "Dekking tegen de ketenscore van de benchmark: geen cijfers om te tekenen." in html


def test_the_dashboard_draws_the_cumulative_response_per_day(secretariat_client, food_round):
    responses = db.session.scalars(select(Response).where(Response.round_id == food_round.id,
                                                          Response.submitted_at.is_not(None))).all()
    assert len(responses) == 4
    first = datetime(2010, 3, 1, 10, 0, tzinfo=UTC)
    for response, days in zip(responses, (0, 0, 2, 5), strict=True):
        response.submitted_at = first + timedelta(days=days)
    db.session.commit()
    html = secretariat_client.get("/rounds/imvo-2010/dashboard").get_data(as_text=True)
    svg = svg_of(html, "response-chart")
    assert_plain_svg(svg)
    circles = list(svg.iter(f"{SVG}circle"))
    assert [circle.find(f"{SVG}title").text.split(": ")[1] for circle in circles] == ["2", "3", "4"]
    ys = [float(circle.get("cy")) for circle in circles]
    assert ys == sorted(ys, reverse=True)  # rising (SVG's y grows downwards)
    assert svg.find(f"{SVG}path").get("d").startswith("M ")
    assert texts(svg, "chart-axis-label-y") == ["Gerespondeerd (opgeteld)"]
    assert texts(svg, "chart-axis-label-x") == ["Dag van indienen"]
    assert "4 in totaal" in svg.find(f"{SVG}desc").text


def test_a_round_without_submissions_has_no_line_but_a_sentence(secretariat_client):
    factories.make_round(slug="imvo-2015", year=2015)
    db.session.commit()
    html = secretariat_client.get("/rounds/imvo-2015/dashboard").get_data(as_text=True)
    assert "<svg" not in html and "Er is nog geen antwoord ingediend." in html


def test_scatter_geometry_and_ticks():
    chart = scatter("t", "d", "x", "y", [("a", 0, 0), ("b", 10, 100)], (0, 10), (0, 100), str, str)
    (a, b) = chart.points
    assert (a.x, a.y) == (chart.left, chart.bottom) and (b.x, b.y) == (chart.right, chart.top)
    assert [tick.label for tick in chart.x_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert scatter("t", "d", "x", "y", [], (0, 10), (0, 100), str, str).empty
    assert chart.names_points  # two points: named on the chart; twenty would overlap
    many = [(str(number), number % 10, number * 5) for number in range(20)]
    assert not scatter("t", "d", "x", "y", many, (0, 10), (0, 100), str, str).names_points
    assert nice_ticks(0, 1, whole=True) == [0, 1] and nice_ticks(0, 3, whole=True) == [0, 1, 2, 3]


def test_one_day_of_submissions_still_draws_a_step():
    chart = cumulative_by_day("t", "d", "x", "y", [date(2010, 1, 5)] * 3, str, str)
    assert len(chart.points) == 1 and chart.points[0].y_text == "3"
    assert chart.points[0].x == chart.right and chart.path.startswith(f"M {chart.left:.1f}")
    assert cumulative_by_day("t", "d", "x", "y", [], str, str).empty
