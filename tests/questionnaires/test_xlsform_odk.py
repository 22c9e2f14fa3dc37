"""Our exports are XLSForms the XLSForm tools accept: pyxform converts them to XForms
and ODK Validate (Java) accepts those, for both shipped questionnaires and for a form
from the field once imported (numeric choice names, notes kept as section text)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from imvo_survey.extensions import db
from imvo_survey.questionnaires.services import definition_of, find_version, reference_lists, store_definition
from imvo_survey.questionnaires.xlsform import read_workbook_with_warnings, write_workbook
from imvo_survey.seed import SHIPPED_QUESTIONNAIRES, seed_questionnaires

from .test_xlsform_field import FIELD_FORM, NUMBERED


def _accepted(data: bytes, tmp_path: Path) -> str:
    """The XForm pyxform makes of a workbook, checked by ODK Validate."""
    path = tmp_path / "form.xlsx"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyxform's own deprecation notes are not ours
        return convert(xlsform=str(path), validate=True).xform


@pytest.mark.parametrize("code", SHIPPED_QUESTIONNAIRES)
def test_the_shipped_questionnaires_pass_xls2xform_and_odk_validate(code, tmp_path):
    seed_questionnaires()
    db.session.commit()
    xform = _accepted(write_workbook(definition_of(find_version(code)), reference_lists()), tmp_path)
    assert "<h:html" in xform


def test_a_field_form_imported_and_exported_passes_too(tmp_path):
    for data in (FIELD_FORM, NUMBERED):
        definition = read_workbook_with_warnings(data, filename="field.xlsx").definition
        definition["questionnaire"]["audience"] = "company"
        store_definition(definition)
        db.session.commit()
        exported = write_workbook(definition_of(find_version(definition["questionnaire"]["code"])), {})
        assert "<h:html" in _accepted(exported, tmp_path)
