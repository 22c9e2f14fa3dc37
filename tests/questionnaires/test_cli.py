"""`imvo questionnaire list|export|import`."""

from __future__ import annotations

import json

from imvo_survey.extensions import db
from imvo_survey.questionnaires.services import find_version
from imvo_survey.seed import seed_questionnaires

from .test_xlsform import kobo_workbook


def test_list_export_import(runner, tmp_path):
    seed_questionnaires()
    db.session.commit()
    listed = runner.invoke(args=["questionnaire", "list"])
    assert "imvo-associations  (association)" in listed.output and "v1  published" in listed.output

    workbook, document = tmp_path / "companies.xlsx", tmp_path / "companies.json"
    for path in (workbook, document):
        result = runner.invoke(args=["questionnaire", "export", "imvo-companies", "-o", str(path)])
        assert result.exit_code == 0, result.output
    assert workbook.read_bytes()[:4] == b"PK\x03\x04"
    assert json.loads(document.read_text(encoding="utf-8"))["questionnaire"]["code"] == "imvo-companies"

    imported = runner.invoke(args=["questionnaire", "import", str(workbook)])
    assert imported.exit_code == 0, imported.output
    assert "draft version 2 of imvo-companies" in imported.output
    imported = runner.invoke(args=["questionnaire", "import", str(document)])
    assert "draft version 3" in imported.output
    assert find_version("imvo-companies", 3).status == "draft"


def test_export_errors(runner, tmp_path):
    result = runner.invoke(args=["questionnaire", "export", "nope", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "No questionnaire nope" in result.output
    seed_questionnaires()
    db.session.commit()
    result = runner.invoke(args=["questionnaire", "export", "imvo-companies", "--version", "7",
                                 "-o", str(tmp_path / "x.xlsx")])
    assert "with version 7" in result.output
    result = runner.invoke(args=["questionnaire", "export", "imvo-companies", "-o", str(tmp_path / "x.csv")])
    assert ".xlsx or .json" in result.output


def test_import_reports_errors_and_imports_nothing(runner, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    result = runner.invoke(args=["questionnaire", "import", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert find_version("bad") is None


def test_import_says_what_it_ignored(runner, tmp_path):
    workbook = tmp_path / "kobo.xlsx"
    workbook.write_bytes(kobo_workbook())
    result = runner.invoke(args=["questionnaire", "import", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "draft version 1 of fruit_survey" in result.output
    # In English, as the rest of the CLI's output (the default language of the app is Dutch).
    assert "ignored (sheet survey, row 2, column type): The metadata row start is ignored" in result.output
    assert "ignored (sheet settings, row 2, column style): The setting style is not supported" in result.output
    assert "genegeerd" not in result.output


def test_publish_a_draft_from_the_command_line(runner, tmp_path):
    """A scripted set-up: import, then publish, with no browser."""
    from .test_xlsform_field import FIELD_FORM

    path = tmp_path / "household.xlsx"
    path.write_bytes(FIELD_FORM)
    assert runner.invoke(args=["questionnaire", "import", "--yes", str(path)]).exit_code == 0
    assert runner.invoke(args=["questionnaire", "import", "--yes", str(path)]).exit_code == 0
    result = runner.invoke(args=["questionnaire", "publish", "household", "--version", "1"])
    assert result.exit_code == 0, result.output
    assert "Published version 1 of household." in result.output
    assert find_version("household", 1).status == "published" and find_version("household", 2).status == "draft"
    result = runner.invoke(args=["questionnaire", "publish", "household"])  # the newest: version 2
    assert "Published version 2 of household." in result.output
    again = runner.invoke(args=["questionnaire", "publish", "household"])
    assert again.exit_code == 0 and "already published" in again.output


def test_publish_names_what_stands_in_the_way_and_publishes_nothing(runner):
    from imvo_survey.questionnaires.services import store_definition

    from .helpers import definition, q

    store_definition(definition(q("a", "text"), q("b", "text", show_if={"op": "equals", "question": "c",
                                                                        "value": "x"}), q("c", "text")))
    db.session.commit()
    result = runner.invoke(args=["questionnaire", "publish", "test-q"])
    assert result.exit_code == 1
    assert "version 1 of test-q stays a draft" in result.output
    assert "b: The condition refers to c, which does not come before this question." in result.output
    assert find_version("test-q", 1).status == "draft"
    missing = runner.invoke(args=["questionnaire", "publish", "nope", "--version", "3"])
    assert missing.exit_code != 0 and "No questionnaire nope with version 3." in missing.output
