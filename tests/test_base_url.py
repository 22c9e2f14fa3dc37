"""Where links in e-mails point (issue 10, item 12): IMVO_BASE_URL; without it, in
development, where the server runs when the link is made in a request, and a clear
refusal naming the setting when it is made outside one (the CLI from another shell)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.mail.messages import BaseUrlMissing, base_url, external_url
from imvo_survey.models import Invitation, OutboxMessage

from . import factories


def test_links_use_the_setting(app):
    assert external_url("auth.login") == "http://imvo.example.org/auth/login"


def test_without_the_setting_a_request_links_to_where_the_server_runs(make_app, secretariat, mail_folder):
    client = make_app(BASE_URL="").test_client()
    response = client.post("/auth/reset", data={"email": secretariat.email}, base_url="http://127.0.0.1:5123")
    assert response.status_code == 302
    body = mail_folder()[0].get_body(preferencelist=("plain",)).get_content()
    assert "http://127.0.0.1:5123/auth/reset/" in body


@pytest.fixture
def targeted():
    """An open round with one organisation targeted, not yet invited."""
    round = factories.make_round()
    factories.make_invitation(round)
    db.session.commit()
    return round


def _queued() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


@pytest.mark.parametrize("args", [["round", "invite", "{round}"], ["round", "remind", "{round}"],
                                  ["mail", "send"]])
def test_without_the_setting_the_command_line_refuses_to_send(app, runner, monkeypatch, targeted, args):
    monkeypatch.setitem(app.config, "BASE_URL", "")
    result = runner.invoke(args=[arg.format(round=targeted.id) for arg in args])
    assert result.exit_code != 0
    assert "IMVO_BASE_URL" in result.output and "Nothing was sent" in result.output
    assert _queued() == 0
    assert db.session.scalar(select(Invitation.status)) == "targeted"


def test_a_dry_run_needs_no_setting(app, runner, monkeypatch, targeted):
    monkeypatch.setitem(app.config, "BASE_URL", "")
    result = runner.invoke(args=["round", "invite", str(targeted.id), "--dry-run"])
    assert result.exit_code == 0, result.output


def test_with_the_setting_the_command_line_links_to_it(app, runner, monkeypatch, targeted, mail_folder):
    monkeypatch.setitem(app.config, "BASE_URL", "http://127.0.0.1:5001/")
    result = runner.invoke(args=["round", "invite", str(targeted.id)])
    assert result.exit_code == 0, result.output
    body = mail_folder()[0].get_body(preferencelist=("plain",)).get_content()
    assert "http://127.0.0.1:5001/i/" in body


def test_production_never_links_to_the_requests_host(app, monkeypatch):
    """Production refuses to start without IMVO_BASE_URL (test_app_factory); should the
    setting still be empty, a link is refused rather than built from the Host header."""
    monkeypatch.setitem(app.config, "BASE_URL", "")
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    with app.test_request_context("/", base_url="http://attacker.example"):
        with pytest.raises(BaseUrlMissing):
            base_url()
