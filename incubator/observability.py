"""Readiness checks and one log line per request (ground: imports no feature).

The request line holds a request id (the trusted proxy's X-Request-ID when it is sane, else a new one, echoed
in the response), method, path without the query string, status, duration and the account number: never an
e-mail, a name or a query string. ``LOG_FORMAT=json`` writes it as JSON for a log collector.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from incubator.extensions import db

logger = logging.getLogger("incubator.requests")
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    trusted = current_app.config.get("TRUSTED_PROXY_COUNT", 0) > 0
    return given if trusted and SANE_REQUEST_ID.match(given) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _start() -> None:
    g.request_id = _request_id()
    g.request_started = time.perf_counter()


# Parts of an address that are secrets (sign-in, reset and calendar links): logged as the argument's name.
SECRET_ARGUMENTS = ("token",)


def _loggable_path() -> str:
    path = request.path
    for name in SECRET_ARGUMENTS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _finish(response):
    started = g.get("request_started")
    if started is None:
        return response
    response.headers["X-Request-ID"] = g.request_id
    if g.get("quiet") and response.status_code < 400:
        return response
    user_id = getattr(current_user, "id", None) if current_user and current_user.is_authenticated else None
    fields = {"request_id": g.request_id, "method": request.method, "path": _loggable_path(),
              "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1),
              "user": user_id}
    logger.info("%(request_id)s %(method)s %(path)s %(status)s %(ms)sms user=%(user)s", fields,
                extra={"request": fields})
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json): the request line's fields, or the message with the request id."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name}
        fields = getattr(record, "request", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
            line["request_id"] = current_request_id()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_formatter(config) -> logging.Formatter:
    if config.get("LOG_FORMAT") == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def migrations_head() -> str | None:
    """The newest migration of this code (read once per process: it changes only with a release)."""
    head = current_app.extensions.get("incubator.migrations_head")
    if head is None:
        from alembic.script import ScriptDirectory

        config = current_app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        current_app.extensions["incubator.migrations_head"] = head
    return head


def readiness() -> dict[str, str]:
    """Each dependency: "ok", or what is wrong in a word (never an exception's text, which may name hosts)."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        db.session.rollback()
        logger.warning("readiness: database unavailable (%s)", type(error).__name__)
        checks["database"] = "unavailable"
    if checks["database"] == "ok":
        try:
            revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # no alembic_version table: never migrated
            db.session.rollback()
            revision = None
        checks["migrations"] = "ok" if revision == migrations_head() else "behind"
    else:
        checks["migrations"] = "unknown"
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI", ""))
    if uri.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
        try:
            client.ping()
            checks["redis"] = "ok"
        except Exception as error:
            logger.warning("readiness: redis unavailable (%s)", type(error).__name__)
            checks["redis"] = "unavailable"
        finally:
            client.close()
    return checks


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
