"""The verification result: Wilson's interval on worked examples, and the result of a
sample per sector, with the sector whose sample is too small left without one."""

from __future__ import annotations

import pytest

from imvo_survey.analysis.verification import ResultRow, wilson
from imvo_survey.extensions import db
from imvo_survey.verification.requests import record_check
from imvo_survey.verification.services import draw_sample


def test_wilson_on_a_worked_example():
    # 8 confirmed of 10: p = 0.8, z = 1.96, z^2/n = 0.384146; centre (0.8 + 0.192073) /
    # 1.384146 = 0.716738; half 1.96 / 1.384146 x sqrt(0.016 + 0.009604) = 0.226580.
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_at_the_edges_stays_within_zero_and_one():
    low, high = wilson(0, 5)
    assert low == 0 and high == pytest.approx(0.4345, abs=1e-4)
    low, high = wilson(5, 5)
    assert low == pytest.approx(0.5655, abs=1e-4) and high == 1
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(6, 5)


def test_not_verifiable_is_left_out_and_partly_counts_as_not_confirmed():
    row = ResultRow("x", confirmed=4, partly=1, not_confirmed=0, not_verifiable=3)
    assert row.verifiable == 5 and row.share == pytest.approx(0.8)
    assert row.interval == wilson(4, 5)
    assert ResultRow("y", 3, 1, 0, 9).interval is None  # 4 verifiable: too few


def test_the_sample_page_gives_the_result_per_sector(sample_round, secretariat_client, secretariat):
    sample = draw_sample(sample_round, percent=100, seed=1)
    for member in sample.members:
        for activity in member.response.activities:
            record_check(member, activity, "confirmed" if activity.position == 1 else "not_confirmed", "", secretariat)
    db.session.commit()
    html = secretariat_client.get(f"/samples/{sample.id}").get_data(as_text=True)
    # Food: 4 associations x 2 activities + E's one = 9 checked, 5 confirmed: 56 %, Wilson 27-81 %.
    low, high = wilson(5, 9)
    assert (round(low * 100), round(high * 100)) == (27, 81)
    assert "56 %" in html and "27&ndash;81 %" in html
    assert "te weinig gecontroleerd" in html  # energy (1 activity) and banks (1)
