"""The secretariat imports a benchmark file in a real browser: upload, preview with a
warning and a row without a match, map it by hand, check again, save; the import is
listed with its warning. With CSRF on, as in production."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkAlias, BenchmarkScore

from .. import factories
from .conftest import serious_violations
from .test_register_journey import login

FILE = ("Sector;Totale score TB (max 100);Score Ketenbeheer (max 10);Aantal bedrijven;Wv. beursgenoteerd\r\n"
        "Banken;72;5,5;5;4\r\nVerzekeringswezen;41;0,0;2;0\r\nTotaal;60;3,0;9;4\r\n").encode("cp1252")


def test_upload_preview_map_and_save(page, tmp_path):
    factories.make_user("secretariat", email="secretariaat@example.org")
    db.session.commit()
    file = tmp_path / "tabel.csv"
    file.write_bytes(FILE)
    login(page, "secretariaat@example.org")
    page.goto("/benchmark/")
    page.get_by_role("link", name="Bestand importeren").click()
    page.get_by_label("Bestand (CSV of XLSX)").set_input_files(str(file))
    page.get_by_label("Benchmarkjaar").fill("2008")
    page.get_by_role("button", name="Bestand controleren").click()

    warnings = page.locator("[data-preview-warnings]")
    assert "de rijen tellen op tot 7, de totaalrij (regel 4) zegt 9" in warnings.inner_text()
    assert page.get_by_role("button", name="Importeren").count() == 0  # a row has no match yet
    assert serious_violations(page) == []
    page.get_by_label("Regel 3: Verzekeringswezen").select_option(label="Verzekeraars")
    page.get_by_role("button", name="Opnieuw controleren").click()
    expect(page.locator("[data-preview-rows]")).to_contain_text("met de hand gekoppeld")
    page.get_by_role("button", name="Importeren").click()

    assert "Import klaar: 2 scores opgeslagen" in page.locator(".flashes").inner_text()
    assert "tabel.csv" in page.locator("[data-imports]").inner_text()
    assert db.session.scalar(select(func.count()).select_from(BenchmarkScore)) == 2
    assert db.session.scalar(select(BenchmarkAlias.name)) == "Verzekeringswezen"
