"""Drawing samples in the database, from the command line and the secretariat's page:
stored with their seed, never redrawn (a new draw is a new sample), the same seed and
round giving the same responses, only submitted responses drawn, and roles checked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Response, SampledResponse, VerificationSample
from imvo_survey.verification.services import SampleError, draw_sample

from .. import factories


def drawn_organisations(sample: VerificationSample) -> list[str]:
    return sorted(member.response.organisation.name for member in sample.members)


def test_the_same_seed_and_round_draw_the_same_sample_and_both_are_kept(sample_round):
    first = draw_sample(sample_round, size=4, seed=2010, stratified=True)
    second = draw_sample(sample_round, size=4, seed=2010, stratified=True)
    db.session.commit()
    assert first.id != second.id
    assert drawn_organisations(first) == drawn_organisations(second)
    assert db.session.scalar(select(func.count(VerificationSample.id))) == 2
    assert first.seed == 2010 and first.population == 8


def test_a_stratified_sample_has_every_sector_the_single_bank_included(sample_round):
    sample = draw_sample(sample_round, size=4, seed=5, stratified=True)
    sectors = sorted(member.sector.code for member in sample.members)
    # quotas of 4 over food 5, energy 2, banks 1: 2.5, 1, 0.5 -> 2, 1, 1.
    assert sectors == ["banken", "energie", "voedsel_drank", "voedsel_drank"]
    assert "Bank" in drawn_organisations(sample)


def test_only_submitted_and_accepted_responses_are_drawn(sample_round):
    sample = draw_sample(sample_round, percent=100, seed=1)
    assert len(sample.members) == 8
    assert {"Busy", "No"}.isdisjoint(drawn_organisations(sample))
    statuses = db.session.scalars(select(Response.status).join(SampledResponse,
                                                               SampledResponse.response_id == Response.id))
    assert set(statuses) == {"submitted", "accepted"}


def test_without_a_seed_a_random_one_is_stored_and_reproduces_the_sample(sample_round):
    sample = draw_sample(sample_round, size=3)
    again = draw_sample(sample_round, size=3, seed=sample.seed)
    assert drawn_organisations(again) == drawn_organisations(sample)


def test_a_round_without_submitted_responses_is_refused():
    with pytest.raises(SampleError):
        draw_sample(factories.make_round(slug="empty"), size=2, seed=1)


def test_the_command_draws_and_shows_the_seed(sample_round, runner):
    result = runner.invoke(args=["sample", "draw", "imvo-2010", "--size", "4", "--seed", "42", "--stratify", "sector"])
    assert result.exit_code == 0, result.output
    assert "4 responses of 8, stratified, seed 42" in result.output
    again = runner.invoke(args=["sample", "draw", "imvo-2010", "--size", "4", "--seed", "42", "--stratify", "sector"])
    assert again.output.split("\n", 1)[1] == result.output.split("\n", 1)[1]  # the same responses
    listed = runner.invoke(args=["sample", "list", "imvo-2010"]).output
    assert listed.count("seed 42") == 2


def test_the_command_wants_a_size_or_a_percentage(sample_round, runner):
    assert runner.invoke(args=["sample", "draw", "imvo-2010"]).exit_code != 0
    assert runner.invoke(args=["sample", "draw", "imvo-2010", "--size", "2", "--percent", "5"]).exit_code != 0
    assert "No round" in runner.invoke(args=["sample", "draw", "nope", "--size", "2"]).output


def test_the_secretariat_draws_on_the_page(sample_round, secretariat_client):
    form = {"round_id": sample_round.id, "size": "", "percent": "50", "method": "stratified", "seed": "7"}
    response = secretariat_client.post("/samples/new", data=form)
    assert response.status_code == 302
    sample = db.session.scalar(select(VerificationSample))
    assert sample.seed == 7 and len(sample.members) == 4 and sample.requested_percent == 50
    html = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "7" in html and "Bank" in html
    assert "Steekproef" in secretariat_client.get("/samples/").get_data(as_text=True)


def test_the_form_keeps_what_was_typed_and_points_at_the_field(sample_round, secretariat_client):
    form = {"round_id": sample_round.id, "size": "3", "percent": "10", "method": "simple", "seed": "12"}
    html = secretariat_client.post("/samples/new", data=form).get_data(as_text=True)
    assert 'value="12"' in html and "aria-invalid" in html
    assert db.session.scalar(select(func.count(VerificationSample.id))) == 0


def test_analysts_read_but_do_not_draw_and_respondents_see_nothing(sample_round, analyst_client, respondent_client):
    assert analyst_client.get("/samples/").status_code == 200
    assert analyst_client.get("/samples/new").status_code == 403
    assert respondent_client.get("/samples/").status_code == 403
