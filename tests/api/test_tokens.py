"""Personal API tokens: made on the profile page and shown once, stored as a hash,
revoked by their owner; only active staff get in, with a token and nothing else."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from imvo_survey.api.tokens import TokenError, create_token, hash_token
from imvo_survey.extensions import db
from imvo_survey.models import ApiToken

from .. import factories
from . import bearer, token_for

TOKEN = re.compile(r"imvo_[A-Za-z0-9_-]{43}")


def tokens_stored() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]


def test_a_new_token_is_shown_once_and_stored_as_a_hash(analyst_client, analyst, client):
    response = analyst_client.post("/account/tokens", data={"name": "R script"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = TOKEN.search(response.get_data(as_text=True)).group()
    row = db.session.scalar(select(ApiToken))
    assert row.user_id == analyst.id and row.name == "R script"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:12] and token not in (row.name, row.prefix, row.token_hash)
    later = analyst_client.get("/account/tokens").get_data(as_text=True)
    assert token not in later and TOKEN.search(later) is None
    assert "R script" in later and row.prefix in later
    assert client.get("/api/v1/rounds", headers=bearer(token)).status_code == 200


def test_a_token_needs_a_name(analyst_client):
    response = analyst_client.post("/account/tokens", data={"name": "  "})
    assert response.status_code == 400
    assert tokens_stored() == 0


def test_a_token_records_when_it_was_last_used(client, analyst):
    token = token_for(analyst)
    row = db.session.scalar(select(ApiToken))
    assert row.last_used_at is None
    client.get("/api/v1/rounds", headers=bearer(token))
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_a_revoked_token_stops_working(analyst_client, analyst, client):
    token = token_for(analyst)
    row = db.session.scalar(select(ApiToken))
    assert client.get("/api/v1/rounds", headers=bearer(token)).status_code == 200
    response = analyst_client.post(f"/account/tokens/{row.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert_json_error(client.get("/api/v1/rounds", headers=bearer(token)), 401)
    assert "ingetrokken op" in analyst_client.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_another_users_token(analyst_client, secretariat, client):
    token = token_for(secretariat)
    row = db.session.scalar(select(ApiToken))
    assert analyst_client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None
    assert client.get("/api/v1/rounds", headers=bearer(token)).status_code == 200


def test_the_secretariat_has_tokens_too(secretariat_client):
    assert secretariat_client.get("/account/tokens").status_code == 200
    assert secretariat_client.post("/account/tokens", data={"name": "Power BI"}).status_code == 200
    assert tokens_stored() == 1


def test_respondents_get_no_token(respondent_client, respondent):
    assert respondent_client.get("/account/tokens").status_code == 403
    assert respondent_client.post("/account/tokens", data={"name": "Mine"}).status_code == 403
    assert tokens_stored() == 0
    with pytest.raises(TokenError):
        create_token(respondent, "Mine")


def test_a_respondent_token_put_in_the_database_is_refused(client, respondent):
    """Even a token row made outside the page (a bug, an import) opens nothing."""
    token = "imvo_" + "r" * 43
    db.session.add(ApiToken(user_id=respondent.id, name="Sneaky", token_hash=hash_token(token), prefix=token[:12]))
    db.session.commit()
    assert_json_error(client.get("/api/v1/rounds", headers=bearer(token)), 403)


def test_a_deactivated_users_token_is_refused(client, analyst):
    token = token_for(analyst)
    analyst.is_active = False
    db.session.commit()
    assert_json_error(client.get("/api/v1/rounds", headers=bearer(token)), 401)


@pytest.mark.parametrize("change", ["deactivated", "role"])
def test_a_token_stays_revoked_after_the_account_is_activated_again(client, analyst, change):
    """Deactivation and a role change revoke the account's tokens for good, as they end
    its login sessions: the old token does not come back with the account."""
    token = token_for(analyst)
    if change == "deactivated":
        analyst.is_active = False
    else:
        analyst.role = "secretariat"
    db.session.commit()
    analyst.is_active, analyst.role = True, "analyst"
    db.session.commit()
    assert db.session.scalars(select(ApiToken.revoked_at)).one() is not None
    assert_json_error(client.get("/api/v1/rounds", headers=bearer(token)), 401)
    assert client.get("/api/v1/rounds", headers=bearer(token_for(analyst))).status_code == 200


def test_anonymous_users_are_sent_to_login_for_the_token_page(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/auth/login" in response.location


@pytest.mark.parametrize("header", [None, "Basic YW5hbHlzdDpzZWNyZXQ=", "Bearer", "Bearer ", "Bearer imvo_wrong",
                                    "Token imvo_wrong"])
def test_without_a_valid_token_the_answer_is_401(client, analyst, header):
    token_for(analyst)
    response = client.get("/api/v1/rounds", headers={"Authorization": header} if header else {})
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_scheme_is_case_insensitive(client, analyst):
    token = token_for(analyst)
    assert client.get("/api/v1/rounds", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_a_login_session_does_not_open_the_api(analyst_client):
    """The API answers to tokens only: a browser session (and its cookie) is no key."""
    assert_json_error(analyst_client.get("/api/v1/rounds"), 401)


def test_every_api_operation_needs_a_token(app, client):
    round = factories.make_round(slug="imvo-2011")
    db.session.commit()
    open_endpoints = {"api.openapi", "api.not_found"}
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("api.") and rule.endpoint not in open_endpoints]
    assert len(rules) == 8
    for rule in rules:
        url = rule.rule.replace("<reference>", round.slug)
        assert_json_error(client.get(url), 401)


def test_the_api_sets_no_cookies(client, analyst):
    token = token_for(analyst)
    for url in ("/api/v1/rounds", "/api/v1/nothing", "/api/v1/openapi.json"):
        assert "Set-Cookie" not in client.get(url, headers=bearer(token)).headers
