"""`imvo risk` (import, export, show) and the example risk entries of `imvo seed`."""

from __future__ import annotations

from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import RiskEntry
from imvo_survey.seed.risk_examples import seed_risk_examples


def entry_count() -> int:
    return db.session.scalar(select(func.count(RiskEntry.id)))


def test_the_seed_ships_the_examples_once():
    assert seed_risk_examples() == 38
    db.session.commit()
    entries = db.session.scalars(select(RiskEntry)).all()
    assert all(entry.example for entry in entries)
    chains = {(e.product_group.code, e.country.code, e.aspect.code) for e in entries}
    assert ("cocoa", "west_africa", "child_labour") in chains and ("coffee", "west_africa", "wages") in chains
    assert ("soy_feed", "AR", "land_rights") in chains and ("vegetable_oils", "ID", "forced_labour") in chains
    assert ("toys", "CN", "discrimination") in chains
    assert seed_risk_examples() == 0  # a second run changes nothing
    db.session.delete(entries[0])
    db.session.commit()
    assert seed_risk_examples() == 0 and entry_count() == 37  # what the secretariat deleted stays deleted


def test_import_dry_run_and_problems(runner, tmp_path):
    good = tmp_path / "risks.csv"
    good.write_text("country;product_group;aspect;level;source\nBR;soy_feed;biodiversity;high;Studie\n")
    result = runner.invoke(args=["risk", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "1 row valid" in result.output and entry_count() == 0
    result = runner.invoke(args=["risk", "import", str(good)])
    assert result.exit_code == 0 and "1 added" in result.output and entry_count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("country;product_group;aspect;level\nBR;soy_feed;biodiversity;high\nBR;soja;water;high\n")
    result = runner.invoke(args=["risk", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 3, column product_group: soja is not a known product_group." in result.output
    assert entry_count() == 1


def test_shares_import_export_and_show(runner, tmp_path, risks):
    shares = tmp_path / "shares.csv"
    shares.write_text("sector,product_group,country,share\nvoedsel_drank,vegetable_oils,ID,40\n"
                      "voedsel_drank,cocoa,GH,60\n")
    result = runner.invoke(args=["risk", "import", str(shares), "--shares"])
    assert result.exit_code == 0, result.output
    output = tmp_path / "out.csv"
    assert runner.invoke(args=["risk", "export", "-o", str(output), "--shares"]).exit_code == 0
    assert "voedsel_drank;;vegetable_oils" in output.read_text(encoding="utf-8-sig")
    result = runner.invoke(args=["risk", "show", "voedsel_drank"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Imported shares win: palm oil/ID 0.4 (biodiversity, 0 % covered: gap 0.4), cocoa/GH
    # 0.6 (wages 33 % covered: gap 0.4; child labour 67 %: gap 0.2).
    assert lines[1].startswith("biodiversity") and "relevance 0.40" in lines[1] and "lagging" in lines[1]
    wages = next(line for line in lines if line.startswith("wages"))
    assert "relevance 0.60" in wages and "gap 0.40" in wages
    assert "Cocoa from Ghana, 60% of the imports, high" in result.output
