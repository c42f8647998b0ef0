"""Asia Entrepreneur Village incubator system."""

from __future__ import annotations

import logging
import os
import sqlite3

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from config import CONFIGS, ConfigurationError
from incubator import babel_context, fragments, permissions
from incubator.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from incubator.i18n import register_template_helpers, select_locale

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the application. ``config`` is a name from config.CONFIGS or a config class."""
    app = Flask(
        __name__,
        template_folder=os.path.join(BASE_DIR, "templates"),
        instance_path=os.environ.get("INSTANCE_PATH", os.path.join(BASE_DIR, "instance")),
    )
    # Ids in addresses fit the database's integer: /ventures/99999999999999999999 is a 404, not an overflow.
    app.url_map.converters["int"] = DatabaseIntConverter
    config = config or os.environ.get("FLASK_CONFIG", "development")
    config_class = CONFIGS[config] if isinstance(config, str) else config
    app.config.from_object(config_class())
    app.config.update(overrides)
    problems = getattr(config_class, "problems", lambda _config: [])(app.config)
    if problems:
        raise ConfigurationError(config if isinstance(config, str) else config_class.__name__, problems)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(BASE_DIR, "translations")

    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    register_template_helpers(app)
    fragments.init_app(app)
    app.jinja_env.globals["permissions"] = permissions
    return app


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def configure_logging(app: Flask) -> None:
    from incubator.observability import log_formatter

    logger = logging.getLogger("incubator")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(log_formatter(app.config))  # LOG_FORMAT=json: one JSON object a line
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if not app.testing else logging.WARNING)


def register_extensions(app: Flask) -> None:
    import incubator.models  # noqa: F401  (the whole schema, for Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(BASE_DIR, "migrations"), render_as_batch=True,
                     compare_type=True)
    babel.init_app(app, locale_selector=select_locale)
    babel_context.install()
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)

    from incubator import assets, metrics, observability, security

    observability.init_app(app)  # first, so that its timer covers every other hook
    metrics.init_app(app)
    assets.init_app(app)  # before security, so that its ProxyFix also wraps the static files' WhiteNoise
    security.init_app(app)

    from incubator import once

    once.init_app(app)

    from incubator import formstate

    formstate.init_app(app)

    from incubator import audit

    audit.init_app(app)  # after once: its hook writes the audit rows of a request before once's runs

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from incubator.auth.services import load_session_user

    login_manager.user_loader(load_session_user)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])


def _configure_sqlite(engine, busy_timeout: int) -> None:
    """Foreign keys on; WAL and a busy timeout so that several workers can share one file."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    # Importing a feature's views module attaches its routes to the blueprint its package defines.
    from incubator.admin.views import bp as admin_bp
    from incubator.applications.views import bp as applications_bp
    from incubator.auth import twofactor_views  # noqa: F401  (attaches its routes to the auth blueprint)
    from incubator.auth import disclosure_views  # noqa: F401  (attaches its routes to the auth blueprint)
    from incubator.auth.views import bp as auth_bp
    from incubator.backup.cli import bp as backup_bp
    from incubator.core.views import bp as core_bp
    from incubator.outbox.cli import bp as outbox_bp
    from incubator.exchanges import portal_views  # noqa: F401  (attaches its routes to the exchanges blueprint)
    from incubator.exchanges.views import bp as exchanges_bp
    from incubator.jobs.cli import bp as jobs_bp
    from incubator.milestones.views import bp as milestones_bp
    from incubator.readiness.views import bp as readiness_bp
    from incubator.reminders.cli import bp as reminders_bp
    from incubator.reports.views import bp as reports_bp
    from incubator.researchers.views import bp as researchers_bp
    from incubator.reviews.views import bp as reviews_bp
    from incubator.spaces.views import bp as spaces_bp
    from incubator.startup_visa.views import bp as startup_visa_bp
    from incubator.support import admin_views  # noqa: F401  (attaches its routes to the support blueprint)
    from incubator.support.cli import bp as sla_bp
    from incubator.support.views import bp as support_bp
    from incubator.ventures.views import bp as ventures_bp

    for bp in (core_bp, auth_bp, admin_bp, spaces_bp, outbox_bp, jobs_bp, backup_bp, reminders_bp, applications_bp, reviews_bp,
               startup_visa_bp, researchers_bp, ventures_bp, milestones_bp, readiness_bp, support_bp, sla_bp,
               exchanges_bp, reports_bp):
        app.register_blueprint(bp)
    from incubator.retention.views import bp as retention_bp  # its services register the daily job, run last

    app.register_blueprint(retention_bp)


def register_errorhandlers(app: Flask) -> None:
    from incubator.errors import register_errorhandlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from incubator.cli import register

    register(app)
