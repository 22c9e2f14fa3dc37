"""The matrix in a 1280 x 800 window (real Chromium): the page itself never scrolls
sideways; the table scrolls in its own box, and the sector column and the header row
stay in view while it does (position: sticky). Also: the chart and the chooser work
under the app's Content-Security-Policy (no console errors), and axe finds nothing
serious."""

from __future__ import annotations

from imvo_survey.extensions import db
from imvo_survey.seed.reference_data import SECTORS

from .. import factories
from ..analysis.builders import company, respond
from .conftest import serious_violations
from .test_register_journey import login

EVERY_ASPECT = ["human_rights", "child_labour", "climate", "water", "anti_corruption", "animal_welfare"]


def inside(inner: dict, outer: dict) -> bool:
    """Whether box `inner` lies within box `outer` (bounding boxes, in CSS pixels)."""
    return (inner["x"] >= outer["x"] - 1 and inner["y"] >= outer["y"] - 1
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1)


def test_the_matrix_fits_a_1280_window_and_keeps_sector_and_header_in_view(browser, live_server):
    factories.make_user("analyst", email="analist@example.org")
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed")
    for code, name, _english, _aliases in SECTORS:  # a row per sector: the box scrolls down too
        respond(round, company(f"Bedrijf {name}", sector=code), [{"aspects": EVERY_ASPECT[: len(name) % 6 + 1]}])
    db.session.commit()
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors, missing = [], []
    page.on("console", lambda message: errors.append((message.text, message.location.get("url")))
            if message.type == "error" else None)
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    try:
        login(page, "analist@example.org")
        page.get_by_role("link", name="Matrix").click()
        page.wait_for_selector("#matrix-box")
        assert "laatste uitvraag met ingediende antwoorden" in page.get_by_role("heading", level=1).inner_text()

        # the document does not scroll sideways, the table's box does
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth,"
                               " document.body.scrollWidth]")
        assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
        box = page.locator("#matrix-box")
        sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth, b.scrollHeight, b.clientHeight]")
        assert sizes[0] > sizes[1] and sizes[2] > sizes[3], sizes  # it has something to scroll, both ways

        # scroll the box to its far right and bottom: the sector cell and the header stay in view
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.scrollTop = b.scrollHeight; }")
        page.wait_for_function("() => document.querySelector('#matrix-box').scrollLeft > 0")
        frame = box.bounding_box()
        sector = page.locator("#matrix-box tbody th[scope=row]", has_text="Overig").bounding_box()
        assert inside(sector, frame), (sector, frame)
        assert sector["x"] <= frame["x"] + 2  # still at the left edge, not scrolled away
        corner = page.locator("#matrix-box thead th.row-head").bounding_box()
        assert inside(corner, frame) and corner["y"] <= frame["y"] + 2, (corner, frame)
        last_head = page.locator("#matrix-box thead th").last.bounding_box()
        assert inside(last_head, frame)  # the header row stayed at the top of the box

        # the rest of the page is readable and clean, the chart drawn without a console error
        assert page.locator("#coverage-chart").count() == 1
        # (the browser's own request for /favicon.ico, which the app does not serve, aside)
        assert [error for error in errors if not str(error[1]).endswith("/favicon.ico")] == [], missing
        assert serious_violations(page) == []
    finally:
        context.close()
