"""The `imvo` commands, run through Flask's CLI runner (and once as the real script)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Organisation, User

from . import factories


def test_user_create_reads_the_password_from_stdin(runner, auth):
    result = runner.invoke(args=["user", "create", "Nieuw@Example.org", "--role", "analyst"],
                           input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "nieuw@example.org" in result.output
    assert auth.login("nieuw@example.org", "een lang wachtwoord").status_code == 302


def test_user_create_respondent_by_kvk(runner):
    organisation = factories.make_organisation(kvk_number="12345678")
    db.session.commit()
    result = runner.invoke(args=["user", "create", "r@example.org", "--role", "respondent", "--org", "12345678"],
                           input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "r@example.org"))
    assert user.organisation_id == organisation.id


def test_user_create_respondent_by_numeric_id(runner):
    """--org takes the id of the register as well as a KvK number."""
    organisation = factories.make_organisation(kvk_number="87654321")
    db.session.commit()
    result = runner.invoke(args=["user", "create", "r@example.org", "--role", "respondent",
                                 "--org", str(organisation.id)], input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert f"for {organisation.name}" in result.output
    user = db.session.scalar(select(User).where(User.email == "r@example.org"))
    assert user.role == "respondent" and user.organisation_id == organisation.id


@pytest.fixture
def terminal(monkeypatch):
    """Make the runner's standard input look like a terminal, so the command prompts
    (hidden, twice) instead of reading one line; the runner feeds `input` to the prompts."""
    from click.testing import _NamedTextIOWrapper

    monkeypatch.setattr(_NamedTextIOWrapper, "isatty", lambda stream: stream.name == "<stdin>")


def test_user_create_asks_for_the_password_twice_at_a_terminal(runner, auth, terminal):
    result = runner.invoke(args=["user", "create", "tty@example.org", "--role", "analyst"],
                           input="een lang wachtwoord\neen lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert "een lang wachtwoord" not in result.output
    assert auth.login("tty@example.org", "een lang wachtwoord").status_code == 302


def test_user_create_at_a_terminal_asks_again_when_the_two_differ(runner, auth, terminal):
    result = runner.invoke(args=["user", "create", "tty@example.org", "--role", "analyst"],
                           input="een lang wachtwoord\nanders\ntweede wachtwoord\ntweede wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert auth.login("tty@example.org", "tweede wachtwoord").status_code == 302


def test_user_create_at_a_terminal_without_an_answer_creates_nothing(runner, terminal):
    result = runner.invoke(args=["user", "create", "tty@example.org", "--role", "analyst"], input="")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_user_create_refusals(runner):
    factories.make_user("analyst", email="bestaat@example.org")
    db.session.commit()
    cases = [
        (["user", "create", "r@example.org", "--role", "respondent"], "needs --org"),
        (["user", "create", "r@example.org", "--role", "respondent", "--org", "999"], "No organisation"),
        (["user", "create", "a@example.org", "--role", "analyst"], "at least 10 characters"),
        (["user", "create", "bestaat@example.org", "--role", "analyst"], "already an account"),
        (["user", "create", "geen-adres", "--role", "analyst"], "email address"),
        (["user", "create", "a@example.org", "--role", "boss"], "Invalid value"),
    ]
    for args, message in cases:
        password = "kort\n" if "at least" in message else "een lang wachtwoord\n"
        result = runner.invoke(args=args, input=password)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_user_set_password(runner, auth, analyst):
    result = runner.invoke(args=["user", "set-password", analyst.email], input="nieuw wachtwoord 1\n")
    assert result.exit_code == 0, result.output
    assert auth.login(analyst.email, "nieuw wachtwoord 1").status_code == 302


def test_ensure_admin_prints_a_generated_password_once(runner, auth, monkeypatch):
    monkeypatch.delenv("IMVO_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("IMVO_ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["user", "ensure-admin"])
    assert first.exit_code == 0
    password = next(line.split(":", 1)[1].strip() for line in first.output.splitlines() if "password:" in line)
    assert len(password) >= 16
    assert auth.login("secretariaat@example.org", password).status_code == 302
    second = runner.invoke(args=["user", "ensure-admin"])
    assert password not in second.output and "secretariaat@example.org" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_ensure_admin_uses_the_environment(runner, auth, monkeypatch):
    monkeypatch.setenv("IMVO_ADMIN_EMAIL", "beheer@example.org")
    monkeypatch.setenv("IMVO_ADMIN_PASSWORD", "gekozen wachtwoord")
    result = runner.invoke(args=["user", "ensure-admin"])
    assert "gekozen wachtwoord" not in result.output
    assert auth.login("beheer@example.org", "gekozen wachtwoord").status_code == 302


def test_org_import_dry_run_and_real_run(runner, tmp_path):
    file = tmp_path / "orgs.csv"
    file.write_text("naam;soort;kvk\nClub;brancheorganisatie;12345678\nBedrijf;bedrijf;87654321\n", encoding="utf-8")
    dry = runner.invoke(args=["org", "import", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "create  Club" in dry.output and "2 would be created" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    real = runner.invoke(args=["org", "import", str(file)])
    assert "2 created, 0 updated" in real.output
    again = runner.invoke(args=["org", "import", str(file), "--dry-run"])
    assert "update  Club" in again.output and "0 would be created, 2 updated" in again.output


def test_org_import_reports_errors_and_saves_nothing(runner, tmp_path):
    file = tmp_path / "orgs.csv"
    file.write_text("name;kind\nGoed;company\nFout;schap\n", encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(file)])
    assert result.exit_code == 1
    assert "line 3, column kind" in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_seed_command_is_idempotent(runner):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "organisation: " in first.output
    second = runner.invoke(args=["seed", "--demo"])
    assert "already up to date" in second.output


def test_the_console_script_runs_migrations_on_a_new_database(tmp_path):
    """`imvo db upgrade` and `imvo db check` as `make run` calls them, in a fresh process."""
    env = dict(os.environ, IMVO_ENV="development", IMVO_INSTANCE_PATH=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'imvo.db'}")
    script = Path(sys.executable).parent / "imvo"
    for args in (["db", "upgrade"], ["db", "check"], ["seed"]):
        done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "imvo.db").exists()


def test_the_apps_messages_are_english_in_the_cli(runner, tmp_path):
    """The CLI speaks English; the services' refusals and import problems it prints
    would otherwise come in the app's default language, Dutch."""
    factories.make_round(slug="al-open")
    db.session.commit()
    refused = runner.invoke(args=["round", "open", "al-open"])
    assert refused.exit_code != 0 and "The round is already open." in refused.output
    bad = tmp_path / "organisaties.csv"
    bad.write_text("naam;onbekend\nVereniging;x\n", encoding="utf-8")
    result = runner.invoke(args=["org", "import", str(bad)])
    assert result.exit_code == 1 and "Unknown column. Use the columns of the template." in result.output
    assert "Onbekende kolom" not in result.output
