"""Evidence levels as a filter of the matrix, its page, its exports and the API: stated
(every answered activity), documented (evidence uploaded for the response), verified
(confirmed in a sample's check); a level keeps itself and the levels above."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from imvo_survey.analysis import Filters, build_matrix
from imvo_survey.analysis.filters import FilterError
from imvo_survey.extensions import db
from imvo_survey.verification.requests import add_evidence, record_check
from imvo_survey.verification.services import draw_sample

from ..api import bearer, token_for

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def evidenced(sample_round, secretariat):
    """A uploaded evidence (child labour and wages); B's child-labour activity confirmed,
    its wages activity not confirmed; C's child labour only stated."""
    sample = draw_sample(sample_round, percent=100, seed=1)
    members = {member.response.organisation.name: member for member in sample.members}
    add_evidence(members["A"], "beleid.pdf", PDF)
    first, second = members["B"].response.activities
    record_check(members["B"], first, "confirmed", "", secretariat)
    record_check(members["B"], second, "not_confirmed", "", secretariat)
    db.session.commit()
    return sample_round


def food(matrix, aspect: str) -> int:
    return int(matrix.cells.loc[("voedsel_drank", aspect), "organisations"])


def test_each_level_keeps_itself_and_those_above(evidenced):
    conn = db.session.connection()
    stated = build_matrix(conn, Filters(round=evidenced.id))
    documented = build_matrix(conn, Filters(round=evidenced.id, evidence="documented"))
    verified = build_matrix(conn, Filters(round=evidenced.id, evidence="verified"))
    assert [food(m, "child_labour") for m in (stated, documented, verified)] == [4, 2, 1]  # A, B, C, D; A, B; B
    assert [food(m, "wages") for m in (stated, documented, verified)] == [4, 1, 0]  # B's wages: not confirmed
    assert food(build_matrix(conn, Filters(round=evidenced.id, evidence="stated")), "child_labour") == 4


def test_an_unknown_level_is_refused():
    with pytest.raises(FilterError):
        Filters.from_params({"evidence": "rumoured"})


def test_the_page_the_export_and_the_api_take_the_level(evidenced, analyst_client, client, analyst):
    page = analyst_client.get("/matrix/imvo-2010?evidence=verified")
    assert page.status_code == 200 and 'selected value="verified"' in page.get_data(as_text=True)
    export = analyst_client.get("/matrix/imvo-2010/export.xlsx?evidence=verified")
    assert export.status_code == 200
    data = export.data
    export.close()
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert any("verified" in str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
               for value in row if value is not None)
    book.close()
    headers = bearer(token_for(analyst))
    body = client.get("/api/v1/rounds/imvo-2010/matrix?evidence=verified", headers=headers).get_json()
    cells = {(cell["row"], cell["column"]): cell for cell in body["cells"]}
    assert cells[("voedsel_drank", "child_labour")]["organisations"] == 1
    assert body["filters"] == {"evidence": "verified"}
    refused = client.get("/api/v1/rounds/imvo-2010/matrix?evidence=rumoured", headers=headers)
    assert refused.status_code == 400 and "evidence" in refused.get_json()["error"]
