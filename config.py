"""Configurations for development, testing and production, read from the environment.

`create_app` takes one of the names in `CONFIGS` (or a class). Production refuses to
start without `SECRET_KEY`, `DATABASE_URL`, `IMVO_BASE_URL` and `RATELIMIT_STORAGE_URI`:
a secret never has a default there, links are never built from a request's Host header,
and rate limits are never counted per worker without saying so.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("IMVO_INSTANCE_PATH", PROJECT_ROOT / "instance"))


#: The limits uploads are checked against (see BaseConfig and imvo_survey/uploads).
UPLOAD_LIMITS = ("UPLOAD_MAX_UNPACKED_MB", "UPLOAD_MAX_SHEETS", "UPLOAD_MAX_ROWS", "UPLOAD_MAX_COLUMNS",
                 "UPLOAD_MAX_LINE_LENGTH", "UPLOAD_MAX_JSON_DEPTH")


class ConfigError(RuntimeError):
    """Raised when a configuration cannot be used as it stands."""


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def normalise_database_url(url: str) -> str:
    """Use the psycopg (3) driver for PostgreSQL URLs written as postgres:// or postgresql://."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key() -> str:
    """A random key kept in the instance folder, so sessions survive a restart of `make run`."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    INSTANCE_PATH = str(INSTANCE_DIR)
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    LANGUAGES = ("nl", "en")
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    # Cookies: not readable by scripts, not sent by other sites' forms.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14

    # Flask-WTF's tokens are tied to the session, not to a clock: a respondent who
    # spends two hours on one page can still save (the session itself still expires).
    WTF_CSRF_TIME_LIMIT = None
    # The largest file any page takes, in MB (evidence: EVIDENCE_MAX_MB, at most this;
    # imports, then checked by the UPLOAD_MAX_* limits; the offline workbook: 5 MB). A
    # request may be 1 MB more, for the rest of its form, so that a file of exactly the
    # size allowed is not refused by the request's cap before its page can check it.
    UPLOAD_MAX_MB = 20
    MAX_CONTENT_LENGTH = (UPLOAD_MAX_MB + 1) * 1024 * 1024

    # Password hashing (argon2id); the testing configuration lowers the cost.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid
    FEEDBACK_LINK_DAYS = 365  # days a feedback link (sent after a round) keeps working
    EVIDENCE_LINK_DAYS = 60  # days a verification sample's evidence link keeps working
    # An evidence file (PDF, PNG, JPEG, XLSX, DOCX) may be at most this many MB (a decimal
    # number is allowed). The request as a whole is capped by MAX_CONTENT_LENGTH as well.
    EVIDENCE_MAX_MB = 20
    # A progress report still marked as being built this long after it was asked for is
    # shown as interrupted (its job's worker stopped, or none runs); its page offers a new build.
    REPORT_BUILD_TIMEOUT_MINUTES = 30
    # Background jobs (imvo_survey/jobs): a job's file is kept this many hours; a job
    # whose worker gave no sign of life for this many minutes is taken up again, up to
    # this many attempts in all, then marked failed with that reason.
    JOBS_KEEP_HOURS = 24
    JOBS_STALE_MINUTES = 10
    JOBS_ATTEMPTS = 2
    # Sending a round's invitations or reminders (a background job) commits this many
    # invitations at a time: progress shows per batch, and an interrupted send goes on
    # after the last batch it committed.
    INVITATIONS_BATCH = 200

    # Uploaded files are checked before anything reads them (imvo_survey/uploads): a
    # workbook unpacks to at most this many MB and has at most so many sheets; a sheet or
    # CSV file at most so many rows and columns (a JSON file so many objects); a CSV line
    # at most so many characters; JSON at most so many levels of nesting. Each can be set
    # in the environment under the same name.
    UPLOAD_MAX_UNPACKED_MB = 10
    UPLOAD_MAX_SHEETS = 50
    UPLOAD_MAX_ROWS = 10_000
    UPLOAD_MAX_COLUMNS = 200
    UPLOAD_MAX_LINE_LENGTH = 100_000
    UPLOAD_MAX_JSON_DEPTH = 32

    RATELIMIT_HEADERS_ENABLED = True
    ORGANISATIONS_PER_PAGE = 50
    # An aspect is relevant in a matrix row when its relevance (0-1, from the risk
    # analysis) is above this: 0.1 is a tenth of the row's imports at high risk, or
    # three tenths at low risk. Only relevant aspects can lag. (Equal to
    # analysis.relevance.DEFAULT_RELEVANCE_THRESHOLD, which the analysis uses unasked.)
    RISK_RELEVANCE_THRESHOLD = 0.1
    DEFAULT_MAIL_BACKEND = "file"

    def __init__(self) -> None:
        """Read the environment when the configuration is made, not at import."""
        env = os.environ
        # The language of the interface when neither the user nor the session chose one.
        self.BABEL_DEFAULT_LOCALE = env.get("IMVO_LANGUAGE", "nl")
        # Public figures (imvo_survey/public): a cell or row describing fewer than this many
        # organisations is not shown, nor any figure it could be worked out from.
        self.PUBLIC_FIGURES_MINIMUM = _env_int("IMVO_PUBLIC_FIGURES_MINIMUM", 3)
        # The queue of background jobs: redis://host:6379/0 in production (the web
        # servers and the worker share it), else a SQLite file in the instance folder.
        self.JOBS_URL = env.get("IMVO_JOBS_URL", "")
        # The queue's name in that storage (two installations may share one Redis).
        self.JOBS_QUEUE_NAME = env.get("IMVO_JOBS_QUEUE", "imvo")
        # An organisation or benchmark import of a file with more rows than this is checked
        # and saved by the worker as a background job; a smaller one at once, in the page.
        self.IMPORT_JOB_ROWS = _env_int("IMVO_IMPORT_JOB_ROWS", 2000)
        # Rate limits. memory:// counts in each process apart, so with several gunicorn
        # workers a limit does not hold: production needs RATELIMIT_STORAGE_URI set
        # (redis://host:6379), see ProductionConfig.check. If Redis goes away, each
        # process counts in its own memory until it is back (logged), rather than failing
        # every login or counting nothing.
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_KEY_PREFIX = env.get("IMVO_RATELIMIT_KEY_PREFIX", "imvo")
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # Login, reset and password-change attempts per client address, and per account
        # (the e-mail address tried, whatever its case): rotating addresses does not
        # escape the second, and an account is refused only until its window has passed.
        self.LOGIN_RATE_LIMIT = env.get("IMVO_LOGIN_RATE_LIMIT", "10 per minute")
        self.LOGIN_ACCOUNT_RATE_LIMIT = env.get("IMVO_LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute; 20 per hour")
        # Password-reset mails per address asked for, and registration mails per contact
        # address: no one's mailbox can be flooded from many client addresses.
        self.RESET_ACCOUNT_RATE_LIMIT = env.get("IMVO_RESET_ACCOUNT_RATE_LIMIT", "3 per hour")
        self.REGISTRATION_ADDRESS_RATE_LIMIT = env.get("IMVO_REGISTRATION_ADDRESS_RATE_LIMIT", "3 per day")
        # How many reverse proxies in front of the app set X-Forwarded-For (and -Proto).
        # 0: the header is never trusted, the client address is the connection's.
        self.TRUSTED_PROXIES = _env_int("IMVO_TRUSTED_PROXIES", 0)
        self.INVITATION_RATE_LIMIT = env.get("INVITATION_RATE_LIMIT", "30 per minute")
        self.REGISTRATION_RATE_LIMIT = env.get("REGISTRATION_RATE_LIMIT", "5 per hour")
        # Idle timeouts of a login, in minutes (and of an invitation link's session: the
        # respondents' one). What a respondent was saving when it ran out is kept.
        self.STAFF_IDLE_MINUTES = _env_int("IMVO_STAFF_IDLE_MINUTES", 30)
        self.RESPONDENT_IDLE_MINUTES = _env_int("IMVO_RESPONDENT_IDLE_MINUTES", 120)
        # Mail: "file" writes .eml files under MAIL_FILE_DIR; "smtp" sends through MAIL_SERVER.
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", self.DEFAULT_MAIL_BACKEND)
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = _env_int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = env.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD", "")
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "IMVO-secretariaat <imvo@ser.example>")
        self.MAIL_REPLY_TO = env.get("MAIL_REPLY_TO", "")
        self.MAIL_FILE_DIR = env.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "outbox"))
        # The file backend keeps every message with working personal links on disk: fine
        # for a developer's mailbox, refused in production unless this says it is meant.
        self.MAIL_FILE_ALLOWED = _env_bool("IMVO_ALLOW_FILE_MAIL")
        self.MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 30)
        # The public address; links in e-mails are built from it. Required in production
        # (never the request's Host header there); in development, when it is not set, a
        # link made in a request points where the server runs, and one made outside a
        # request (the CLI) is refused with a message naming IMVO_BASE_URL.
        self.BASE_URL = env.get("IMVO_BASE_URL", "").strip()
        self.SECRETARIAT_CONTACT = env.get("IMVO_SECRETARIAT_CONTACT", "imvo@ser.example")
        # Contacts of organisations inactive for longer are anonymised by `imvo privacy purge`.
        self.PRIVACY_RETENTION_DAYS = _env_int("IMVO_PRIVACY_RETENTION_DAYS", 7 * 365)
        for name in UPLOAD_LIMITS:
            setattr(self, name, _env_int(name, getattr(self, name)))

    def check(self) -> None:
        """Refuse settings that cannot work; called by `load_config`."""
        for name in UPLOAD_LIMITS:
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be a whole number of at least 1.")


class DevelopmentConfig(BaseConfig):
    """`make run`: an embedded SQLite database in the instance folder."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'imvo.db'}"))
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()


class TestingConfig(BaseConfig):
    """The test suite: a throw-away database, cheap hashing, no rate limits."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-a-secret"  # noqa: S105 - the test suite's; production has no default
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("IMVO_TEST_DATABASE_URL", "sqlite://"))
        self.MAIL_BACKEND = "file"
        self.BASE_URL = "http://imvo.example.org"
        self.BABEL_DEFAULT_LOCALE = "nl"


class ProductionConfig(BaseConfig):
    """gunicorn behind a proxy: PostgreSQL, SMTP, secrets from the environment only."""

    ENV_NAME = "production"
    DEFAULT_MAIL_BACKEND = "smtp"

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _env_bool("IMVO_SECURE_COOKIES", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
        # No default: memory:// would let every gunicorn worker count on its own.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "").strip()

    #: Why each required variable is needed, for the message when it is missing.
    REQUIRED = {
        "SECRET_KEY": "signs sessions and links",
        "DATABASE_URL": "postgresql://user@host/database",
        "IMVO_BASE_URL": "the public address, e.g. https://imvo.example.org; links in e-mails are built from it",
        "RATELIMIT_STORAGE_URI": "redis://host:6379, shared by all workers so that the login limits hold "
                                 "(memory:// only when a single worker process serves the app)",
    }

    def check(self) -> None:
        super().check()
        missing = [name for name, value in (
            ("SECRET_KEY", self.SECRET_KEY),
            ("DATABASE_URL", self.SQLALCHEMY_DATABASE_URI),
            ("IMVO_BASE_URL", self.BASE_URL),
            ("RATELIMIT_STORAGE_URI", self.RATELIMIT_STORAGE_URI),
        ) if not value]
        if missing:
            raise ConfigError(
                "Production needs these environment variables, which are not set: "
                + ", ".join(missing) + ". "
                + " ".join(f"{name}: {self.REQUIRED[name]}." for name in missing)
            )
        if not self.BASE_URL.startswith(("https://", "http://")):
            raise ConfigError(f"IMVO_BASE_URL must start with https:// (it is {self.BASE_URL!r}).")
        if len(self.SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long in production.")
        if self.MAIL_BACKEND == "smtp" and not self.MAIL_SERVER:
            raise ConfigError("MAIL_SERVER is not set.")
        if self.MAIL_BACKEND == "file" and not self.MAIL_FILE_ALLOWED:
            raise ConfigError("MAIL_BACKEND=file writes every message, with working personal links, to disk "
                              "instead of sending it. Set MAIL_SERVER and MAIL_BACKEND=smtp, or set "
                              "IMVO_ALLOW_FILE_MAIL=1 if another program picks the files up.")


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name_or_class: str | type[BaseConfig] | None = None) -> BaseConfig:
    """Return a checked configuration object for a name, a class, or `IMVO_ENV`."""
    if name_or_class is None:
        name_or_class = os.environ.get("IMVO_ENV", "development")
    if isinstance(name_or_class, str):
        try:
            cls = CONFIGS[name_or_class]
        except KeyError:
            raise ConfigError(
                f"Unknown configuration {name_or_class!r}; choose one of {', '.join(CONFIGS)}."
            ) from None
    else:
        cls = name_or_class
    config = cls()
    config.check()
    return config
