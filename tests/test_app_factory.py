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


def _production_environment(monkeypatch, **values) -> None:
    """A complete production environment, with `values` set (None: left out)."""
    settings = {"SECRET_KEY": "s" * 48, "DATABASE_URL": "postgresql://imvo@db/imvo",
                "MAIL_SERVER": "smtp.example.org", "IMVO_BASE_URL": "https://imvo.example.org",
                "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379", "MAIL_BACKEND": None,
                "IMVO_TRUSTED_PROXIES": None, **values}
    for name, value in settings.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_production_refuses_a_short_secret(monkeypatch):
    _production_environment(monkeypatch, SECRET_KEY="short")
    with pytest.raises(ConfigError, match="32 characters"):
        load_config("production")


def test_production_needs_a_mail_server(monkeypatch):
    _production_environment(monkeypatch, MAIL_SERVER=None)
    with pytest.raises(ConfigError, match="MAIL_SERVER"):
        load_config("production")


def test_production_needs_the_rate_limit_storage_set(monkeypatch):
    """memory:// counts per gunicorn worker, so the login limit would silently not hold."""
    _production_environment(monkeypatch, RATELIMIT_STORAGE_URI=None)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI") as error:
        load_config("production")
    assert "redis://" in str(error.value) and "workers" in str(error.value)
    _production_environment(monkeypatch, RATELIMIT_STORAGE_URI="memory://")  # said explicitly: one worker
    assert load_config("production").RATELIMIT_STORAGE_URI == "memory://"


def test_production_needs_the_base_url(monkeypatch):
    _production_environment(monkeypatch, IMVO_BASE_URL=None)
    with pytest.raises(ConfigError, match="IMVO_BASE_URL"):
        load_config("production")
    _production_environment(monkeypatch, IMVO_BASE_URL="imvo.example.org")
    with pytest.raises(ConfigError, match="https://"):
        load_config("production")


def test_development_needs_neither_redis_nor_a_base_url(monkeypatch, tmp_path):
    """`make run` works without Redis: its single process counts in memory."""
    import config as config_module

    for name in ("RATELIMIT_STORAGE_URI", "IMVO_BASE_URL", "IMVO_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    config = load_config("development")
    assert config.RATELIMIT_STORAGE_URI == "memory://" and config.BASE_URL == ""
    assert config.TRUSTED_PROXIES == 0


def test_production_settings_from_the_environment(monkeypatch):
    _production_environment(monkeypatch, DATABASE_URL="postgres://imvo@db/imvo")
    config = load_config("production")
    assert config.SECRET_KEY == "s" * 48
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://imvo@db/imvo"
    assert config.SESSION_COOKIE_SECURE is True
    assert config.MAIL_BACKEND == "smtp"
    assert config.BASE_URL == "https://imvo.example.org"
    assert config.RATELIMIT_STORAGE_URI == "redis://redis.internal:6379"
    assert config.TRUSTED_PROXIES == 0  # X-Forwarded-For is not trusted unless said


def test_production_uses_strong_password_hashing(monkeypatch):
    _production_environment(monkeypatch)
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


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/img/favicon.svg"' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer.location.endswith("/static/img/favicon.svg")
    icon = client.get("/static/img/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
