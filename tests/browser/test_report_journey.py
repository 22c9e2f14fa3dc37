"""A progress report in a real browser: the secretariat opens a round with data in
every section, follows the link to its progress reports, builds a version in English,
sees the page wait for the worker, lets the worker build it, sees the page reload
itself into the finished report, reads a section and a
figure, sees the charts load, downloads the PDF and finds the version listed as ready.
Accessibility scans (axe-core) of the list and of the report; the report page does not
scroll sideways at a desktop width (wide tables scroll in their own box)."""

from __future__ import annotations

from playwright.sync_api import expect

from ..jobs.worker import work
from ..reports import world
from .conftest import serious_violations
from .test_register_journey import login

#: The page reloads every 2 s; the worker has built the report by the time we wait.
BUILD_TIMEOUT = 20_000


def test_build_read_and_download_a_report(page, live_app):
    things = world.build()
    round = things["round"]
    login(page, things["secretariat"].email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/rounds/{round.slug}")
    page.get_by_role("link", name="Voortgangsrapportages").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voortgangsrapportages")
    assert serious_violations(page) == []

    page.get_by_label("Taal van de rapportage").select_option(label="Engels")
    page.get_by_role("button", name="Nieuwe versie maken").click()
    expect(page.get_by_text("De rapportage wordt gemaakt.")).to_be_visible()
    expect(page.get_by_text("Stap 1 van 13:")).to_be_visible()  # waiting for the worker
    assert work(live_app) == 1  # the worker builds it (`imvo jobs work`, here in this process)

    # The page around the report is in Dutch, the report itself in English.
    expect(page.get_by_role("link", name="Download als PDF")).to_be_visible(timeout=BUILD_TIMEOUT)
    report_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name="Coverage matrix")).to_be_visible()
    expect(page.locator('td[data-key="response_rate|_total|"]').first).to_have_text("80.0\u00a0%")

    page.wait_for_load_state("load")  # the images of a page are in by its load event
    widths = page.locator("figure.report-chart img").evaluate_all("images => images.map(i => i.naturalWidth)")
    assert widths and all(width > 0 for width in widths), widths
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the report page scrolls sideways by {overflow}px at 1280px"
    sticking_out = page.locator(".report-table").evaluate_all(
        "boxes => boxes.filter(b => b.scrollWidth > b.clientWidth && getComputedStyle(b).overflowX === 'visible')"
        ".map(b => b.querySelector('caption').textContent)")
    assert sticking_out == []  # a table wider than its box scrolls in the box, not out of it
    assert serious_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download als PDF").click()
    assert download.value.suggested_filename == f"voortgangsrapportage-{round.slug}-{report_id}-en.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name="Voortgangsrapportages").click()
    version = page.get_by_role("row").filter(has=page.get_by_role("link", name="Versie"))
    expect(version).to_have_count(1)
    expect(version).to_contain_text("Engels")
    expect(version).to_contain_text("klaar")
