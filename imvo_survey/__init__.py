"""The IMVO inventory platform: `create_app` builds the Flask application.

Read it as a table of contents: configuration, extensions, blueprints, error pages,
access control, templates and commands are each registered by one function below.
"""

from __future__ import annotations

import sqlite3
from importlib import import_module
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import PROJECT_ROOT, BaseConfig, load_config, normalise_database_url

from .request_class import CleanRequest

__version__ = "0.1.0"


def create_app(config: str | type[BaseConfig] | BaseConfig | None = None, **overrides) -> Flask:
    """Build the application for a configuration name (`development`, `testing`,
    `production`), a config class or object, or `IMVO_ENV`; `overrides` win."""
    config_object = config if isinstance(config, BaseConfig) else load_config(config)
    app = Flask(
        __name__,
        instance_path=overrides.get("INSTANCE_PATH", config_object.INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.request_class = CleanRequest
    app.config.from_object(config_object)
    app.config.update(overrides)
    if "SQLALCHEMY_DATABASE_URI" in overrides:
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(overrides["SQLALCHEMY_DATABASE_URI"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_access_control(app)
    register_unit_of_work(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_log_filters(app)
    register_client_address(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions of `extensions.py` to this app."""
    from . import models  # noqa: F401  (the metadata must be complete for migrations)
    from .auth.services import load_user
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    from .i18n import login_message

    login_manager.localize_callback = login_message
    from .jobs.queue import init_app as init_jobs

    init_jobs(app)


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in every route takes only ids a database can hold (else a 404)."""
    from .whole_numbers import register_converter

    register_converter(app)


#: Each feature's package (whose `__init__` only creates its blueprint `bp`), where it is
#: served, and the modules that put their views on it.
BLUEPRINTS = (
    ("main", None, ("routes",)),
    ("auth", "/auth", ("routes",)),
    ("organisations", "/organisations", ("routes", "import_routes")),
    ("users", "/users", ("routes",)),
    ("benchmark_scores", "/benchmark", ("routes", "import_routes")),
    ("questionnaires", "/questionnaires", ("routes", "editing", "import_routes")),
    ("rounds", "/rounds", ("routes", "dashboard", "invitations")),
    ("respondent", None, ("routes", "questionnaire", "entries", "submit", "feedback", "workbook")),
    ("review", "/review", ("routes",)),
    ("registration", None, ("routes",)),
    ("mail", "/outbox", ("routes",)),
    ("account", "/account", ("routes",)),
    ("api", "/api/v1", ("routes", "auth")),
    ("matrix", "/matrix", ("routes",)),
    ("risk", "/risk", ("routes",)),
    ("verification", "/samples", ("routes", "evidence_routes")),
    ("privacy", "/privacy", ("routes",)),
    ("practices", None, ("routes", "public_routes")),
    ("public_figures", "/openbaar/cijfers", ("routes",)),
    ("reports", None, ("routes",)),
    ("jobs", "/jobs", ("routes",)),
)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature, with its views imported here rather than at the bottom
    of the package's `__init__` (so importing a package never pulls in its views)."""
    for package, url_prefix, view_modules in BLUEPRINTS:
        for module in view_modules:
            import_module(f"{__name__}.{package}.{module}")
        app.register_blueprint(import_module(f"{__name__}.{package}").bp, url_prefix=url_prefix)


def register_access_control(app: Flask) -> None:
    """Every request passes one check of the view's declared access (see `access`)."""
    from .access import InviteeHooks, check_access, register_invitee
    from .respondent.access import session_token
    from .respondent.pending import stash_if_wanted

    register_invitee(app, InviteeHooks(has_session=lambda: session_token() is not None,
                                       before_login=stash_if_wanted))
    app.before_request(check_access)


def register_unit_of_work(app: Flask) -> None:
    """Every view is a unit of work that runs again when it loses a race (`unit_of_work`)."""
    from .unit_of_work import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    """Plain, translated error pages."""
    from .main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    from .figures import register as register_figures
    from .i18n import register_template_helpers as register_i18n

    register_i18n(app)
    register_figures(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["app_version"] = __version__

    @app.template_filter("reject_keys")
    def reject_keys(mapping: dict, *keys: str) -> dict:
        """A copy of `mapping` without `keys` (to rebuild a URL with another page number)."""
        return {key: value for key, value in mapping.items() if key not in keys}


def register_security_headers(app: Flask) -> None:
    """A strict Content-Security-Policy (no inline scripts or styles) and friends."""

    @app.after_request
    def add_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def register_client_address(app: Flask) -> None:
    """Behind reverse proxies (`TRUSTED_PROXIES`, default none) the client address for
    the rate limits comes from X-Forwarded-For; see `auth.limits`."""
    from .auth.limits import trust_proxies

    trust_proxies(app)


def register_log_filters(app: Flask) -> None:
    """Keep the tokens of secret links (invitations, resets, feedback) out of the request logs."""
    from .mail.links import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """The `imvo` command groups (besides Flask-Migrate's `db`)."""
    from .cli import register

    register(app)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, wait for locks instead of failing, and use WAL so
    readers do not block the writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode")
    (mode,) = cursor.fetchone()
    if mode != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
