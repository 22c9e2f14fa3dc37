"""The app factory and the configurations."""

from __future__ import annotations

import pytest

from config import ConfigError, DevelopmentConfig, load_config, normalise_database_url
from imvo_survey import create_app


def test_testing_config(app):
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_factory_accepts_overrides(tmp_path):
    app = create_app("testing", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://",
                     SECRETARIAT_CONTACT="helpdesk@example.org")
    assert app.config["SECRETARIAT_CONTACT"] == "helpdesk@example.org"
    assert app.instance_path == str(tmp_path)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_secret_or_database(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://imvo@db/imvo")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError) as error:
        create_app("production")
    assert missing in str(error.value)
    other = {"SECRET_KEY", "DATABASE_URL"} - {missing}
    assert other.pop() not in str(error.value)


def test_production_names_both_when_both_missing(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        load_config("production")


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://imvo@db/imvo")
    with pytest.raises(ConfigError, match="32 characters"):
        load_config("production")


def test_production_needs_a_mail_server(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://imvo@db/imvo")
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    with pytest.raises(ConfigError, match="MAIL_SERVER"):
        load_config("production")


def test_production_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgres://imvo@db/imvo")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    config = load_config("production")
    assert config.SECRET_KEY == "s" * 48
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://imvo@db/imvo"
    assert config.SESSION_COOKIE_SECURE is True
    assert config.MAIL_BACKEND == "smtp"


def test_production_uses_strong_password_hashing(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://imvo@db/imvo")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    config = load_config("production")
    # OWASP's minimum for argon2id is 19 MiB with 2 passes; ours is stronger.
    assert config.ARGON2_MEMORY_COST >= 19 * 1024
    assert config.ARGON2_TIME_COST >= 2


def test_unknown_configuration_name():
    with pytest.raises(ConfigError, match="Unknown configuration"):
        load_config("staging")


def test_development_keeps_a_generated_secret_key(monkeypatch, tmp_path):
    import config as config_module

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    first = DevelopmentConfig().SECRET_KEY
    second = DevelopmentConfig().SECRET_KEY
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("url, expected", [
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg(url, expected):
    assert normalise_database_url(url) == expected


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    """The embedded database of `make run` (checked on its own file, whatever the test database)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'imvo.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    engine.dispose()


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_wsgi_defaults_to_production(monkeypatch):
    import importlib
    import sys

    monkeypatch.delenv("IMVO_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    sys.modules.pop("wsgi", None)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        importlib.import_module("wsgi")
