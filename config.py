"""Configuration, read from environment variables.

Pick a class with ``FLASK_CONFIG`` (development, production, test); ``create_app`` defaults to development.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _development_secret_key() -> str:
    """Generate a secret once and keep it under instance/, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration must not run; the message has one line per problem."""

    def __init__(self, config_name: str, problems: list[str]) -> None:
        super().__init__("\n".join([f"FLASK_CONFIG={config_name} refuses to start:", *(f"- {p}" for p in problems)]))
        self.problems = problems


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'incubator.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Seconds a SQLite writer waits for another worker's lock before giving up.
    SQLITE_BUSY_TIMEOUT = _int("SQLITE_BUSY_TIMEOUT", 10)

    # "json" writes the one line per request as JSON (for a log collector); anything else, as plain text.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # Prometheus metrics at /metrics (from this machine, or with "Authorization: Bearer METRICS_TOKEN").
    METRICS_ENABLED = _bool("METRICS_ENABLED", False)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ja")
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Tokyo")

    # Uploads: the whole request body, and each uploaded file.
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Static files are served compressed (gzip, brotli) from copies made at start in this folder (empty:
    # instance/static-cache); each worker must be able to write it, and nothing else is written there.
    STATIC_CACHE_DIR = os.environ.get("STATIC_CACHE_DIR", "")

    # Mail: "log" writes each mail to the application log; "smtp" sends it.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Asia Entrepreneur Village <noreply@think.example.jp>")
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)
    # A message a worker claimed this many seconds ago and never marked sent (the worker died) is sent again.
    MAIL_SENDING_LEASE_SECONDS = _int("MAIL_SENDING_LEASE_SECONDS", 300)
    # Absolute links in mail (verification, reset) need the public address of the site.
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000")

    VERIFY_TOKEN_HOURS = _int("VERIFY_TOKEN_HOURS", 48)
    RESET_TOKEN_MINUTES = _int("RESET_TOKEN_MINUTES", 60)

    # Argon2id (OWASP's first choice). The defaults are argon2-cffi's RFC 9106 low-memory profile.
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)

    # Rate limits live in a shared store so that every worker and host counts together.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 100 per hour")
    # Failed sign-ins per account, from any address: at the limit the account's sign-in pauses and its owner is told.
    SIGN_IN_ACCOUNT_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "10 per 15 minutes")
    # Reverse proxies in front of the app that set X-Forwarded-For and X-Forwarded-Proto (0: none, the app is
    # reached directly). Set it exactly: one too many lets clients pick their own address.
    TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)

    # Two-factor sign-in (TOTP): the roles that must use it (comma-separated; production: admin and staff), the
    # name authenticator apps show, and the seconds between the password and the code before it must be typed again.
    TWO_FACTOR_REQUIRED_ROLES = os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "")
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Asia Entrepreneur Village")
    TWO_FACTOR_PENDING_SECONDS = _int("TWO_FACTOR_PENDING_SECONDS", 300)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Sessions (incubator/auth/sessions.py): signed out after this many minutes without a page viewed — staff,
    # agents and administrators, then applicants and partner-city liaisons — and this many hours after signing in
    # whatever the activity. "Keep me signed in" lasts at most 14 days, and never for administrators. The time of
    # last use is written at most once every SESSION_TOUCH_SECONDS.
    SESSION_IDLE_MINUTES_STAFF = _int("SESSION_IDLE_MINUTES_STAFF", 30)
    SESSION_IDLE_MINUTES_APPLICANT = _int("SESSION_IDLE_MINUTES_APPLICANT", 120)
    SESSION_LIFETIME_HOURS = _int("SESSION_LIFETIME_HOURS", 12)
    REMEMBER_DAYS = min(_int("REMEMBER_DAYS", 14), 14)
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    SESSION_TOUCH_SECONDS = _int("SESSION_TOUCH_SECONDS", 60)

    BOOTSTRAP_SERVE_LOCAL = True  # no CDN: Bootstrap is served from the installed package
    PAGE_SIZE = _int("PAGE_SIZE", 25)

    # Support requests: service levels in business days (a category can set its own), and the days after which a
    # resolved request closes itself.
    SUPPORT_FIRST_RESPONSE_DAYS = _int("SUPPORT_FIRST_RESPONSE_DAYS", 2)
    SUPPORT_RESOLUTION_DAYS = _int("SUPPORT_RESOLUTION_DAYS", 10)
    SUPPORT_AUTO_CLOSE_DAYS = _int("SUPPORT_AUTO_CLOSE_DAYS", 7)

    # Retention (APPI): the daily "retention" job wipes the personal data of rejected applications (and deletes
    # their files) this many years after the decision, and of support requests this many years after they closed.
    RETAIN_DECIDED_APPLICATIONS_YEARS = _int("RETAIN_DECIDED_APPLICATIONS_YEARS", 3)
    RETAIN_CLOSED_SUPPORT_YEARS = _int("RETAIN_CLOSED_SUPPORT_YEARS", 5)

    # Daily jobs (`flask jobs scheduler`): run each day after this time (HH:MM, Japan time); a run whose process
    # died is taken over after JOBS_LEASE_MINUTES; a failed one is retried every JOBS_RETRY_MINUTES, at most
    # JOBS_MAX_ATTEMPTS times a day.
    JOBS_DAILY_AT = os.environ.get("JOBS_DAILY_AT", "06:00")
    JOBS_LEASE_MINUTES = _int("JOBS_LEASE_MINUTES", 60)
    JOBS_RETRY_MINUTES = _int("JOBS_RETRY_MINUTES", 15)
    JOBS_MAX_ATTEMPTS = _int("JOBS_MAX_ATTEMPTS", 3)

    @staticmethod
    def problems(config) -> list[str]:
        """What makes ``config`` unfit to run, one line each (nothing, outside production)."""
        return []


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger would show stack traces; use FLASK_DEBUG=1 to opt in

    def __init__(self) -> None:
        if not self.SECRET_KEY:
            self.SECRET_KEY = _development_secret_key()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "log"
    SERVER_BASE_URL = "http://localhost"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    TWO_FACTOR_REQUIRED_ROLES = ""  # tests of the requirement set it themselves
    # Cheap hashing keeps the suite fast; production keeps the strong defaults.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"
    TWO_FACTOR_REQUIRED_ROLES = os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "admin,staff")

    @staticmethod
    def problems(config) -> list[str]:
        """What makes ``config`` unfit to serve the public, one line each; ``create_app`` refuses to start on any."""
        found = []
        secret = config.get("SECRET_KEY") or ""
        if not secret:
            found.append("SECRET_KEY is not set: set it to a long random value, e.g. the output of "
                         "python -c \"import secrets; print(secrets.token_urlsafe(48))\"")
        elif len(secret) < MIN_SECRET_KEY_LENGTH:
            found.append(f"SECRET_KEY is {len(secret)} characters long: it must have at least "
                         f"{MIN_SECRET_KEY_LENGTH} (sessions and links are signed with it)")
        if config.get("MAIL_BACKEND") != "smtp":
            found.append(f"MAIL_BACKEND is {config.get('MAIL_BACKEND')!r}: it must be 'smtp' (the 'log' backend "
                         "writes every mail, password-reset links included, into the log)")
        if not config.get("RATELIMIT_ENABLED"):
            found.append("RATELIMIT_ENABLED is off: sign-in, registration and reset would not be throttled")
        if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
            found.append("RATELIMIT_STORAGE_URI is memory://: it must be a store every worker shares "
                         "(e.g. redis://127.0.0.1:6379/0), or each worker counts attempts on its own")
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if not config.get(name):
                found.append(f"{name} is off: cookies must be Secure (sent over HTTPS only) in production")
        return found


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}
