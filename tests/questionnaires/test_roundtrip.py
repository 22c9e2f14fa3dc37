"""Export -> import -> export of both shipped questionnaires, through the services,
with the real reference lists: XLSForm cell for cell, and JSON."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from imvo_survey.extensions import db
from imvo_survey.questionnaires.definition import dump_json, load_json
from imvo_survey.questionnaires.services import definition_of, find_version, reference_lists, store_definition
from imvo_survey.questionnaires.xlsform import read_workbook, read_workbook_with_warnings, write_workbook
from imvo_survey.seed import SHIPPED_QUESTIONNAIRES, seed_questionnaires


def cells(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in workbook.worksheets}
    finally:
        workbook.close()


@pytest.fixture
def shipped():
    seed_questionnaires()
    db.session.commit()


@pytest.mark.parametrize("code", SHIPPED_QUESTIONNAIRES)
def test_xlsform_round_trip_is_exact(shipped, code):
    lists = reference_lists()
    first = write_workbook(definition_of(find_version(code, 1)), lists)
    definition, errors = read_workbook(first, lists)
    assert errors == []
    second_version = store_definition(definition)
    db.session.commit()
    assert second_version.number == 2
    second = write_workbook(definition_of(second_version), lists)

    before, after = cells(first), cells(second)
    assert set(before) == set(after) == {"survey", "choices", "settings"}
    assert before["survey"] == after["survey"]
    assert before["choices"] == after["choices"]
    header = before["settings"][0]
    version_column = header.index("version")
    assert [c for i, c in enumerate(before["settings"][1]) if i != version_column] == \
           [c for i, c in enumerate(after["settings"][1]) if i != version_column]
    assert (before["settings"][1][version_column], after["settings"][1][version_column]) == (1, 2)


@pytest.mark.parametrize("code", SHIPPED_QUESTIONNAIRES)
def test_an_exported_workbook_reads_back_without_warnings(shipped, code):
    """What we write we read in full: nothing in it is ignored."""
    lists = reference_lists()
    reading = read_workbook_with_warnings(write_workbook(definition_of(find_version(code, 1)), lists), lists)
    assert reading.errors == [] and reading.warnings == []


@pytest.mark.parametrize("code", SHIPPED_QUESTIONNAIRES)
def test_the_workbook_stands_on_its_own(shipped, code):
    """Reference lists are written out: the country list holds every country."""
    sheets = cells(write_workbook(definition_of(find_version(code, 1)), reference_lists()))
    countries = [row for row in sheets["choices"][1:] if row[0] == "country"]
    assert len(countries) >= 249 and ("country", "CI", "Ivoorkust", "Côte d'Ivoire") in countries
    assert sheets["survey"][0][:4] == ("type", "name", "label::Nederlands (nl)", "label::English (en)")


@pytest.mark.parametrize("code", SHIPPED_QUESTIONNAIRES)
def test_json_round_trip_is_exact(shipped, code):
    exported = dump_json(definition_of(find_version(code, 1)))
    definition, problems = load_json(exported)
    assert problems == []
    again = dump_json(definition_of(store_definition(definition)))
    assert again.replace(b'"version": 2', b'"version": 1') == exported
